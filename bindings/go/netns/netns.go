// Package netns is the API of github.com/vishvananda/netns (names, types,
// semantics and errors) over linuxns: switching is one import line.
//
// As there: the current network namespace belongs to the OS thread, so
// code that calls Set, Setns, New or NewNamed must hold
// runtime.LockOSThread around the change and the return; handles are
// descriptors (NsHandle is an int) to Close when done; most calls need
// privilege.
//
// Differences, each on purpose: NewNamed creates the namespace and its
// /run/netns/NAME mount before it moves the thread, so a failure (a name
// already taken) leaves the thread where it was; and GetFromPath,
// GetFromName refuse a file that is not a namespace (EINVAL) where the
// original gives a handle to any file. For what more the library offers
// (RunIn, which runs a function in a namespace without moving the
// caller, programs spawned in namespaces, ids), use
// linuxns.dev/go/linuxns: linuxns.FromFd(int(h)) turns a handle into a
// *linuxns.Namespace.
package netns

import (
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"syscall"

	"linuxns.dev/go/linuxns"
)

// Deprecated: use syscall pkg instead (go >= 1.5 needed).
const (
	CLONE_NEWUTS  = 0x04000000 /* New utsname group? */
	CLONE_NEWIPC  = 0x08000000 /* New ipcs */
	CLONE_NEWUSER = 0x10000000 /* New user namespace */
	CLONE_NEWPID  = 0x20000000 /* New pid namespace */
	CLONE_NEWNET  = 0x40000000 /* New network namespace */
	CLONE_IO      = 0x80000000 /* Get io context */
)

const bindMountPath = "/run/netns" // where named namespaces are bound

// NsHandle is a handle to a network namespace. It can be cast directly
// to an int and used as a file descriptor.
type NsHandle int

// errno gives the bare errno of a library error, as the original returns
// them (so err == syscall.ENOENT and os.IsNotExist(err) work as before).
func errno(err error) error {
	var e *linuxns.Error
	if errors.As(err, &e) {
		return e.Errno
	}
	return err
}

// take turns a *linuxns.Namespace into a handle that owns its descriptor.
func take(ns *linuxns.Namespace, err error) (NsHandle, error) {
	if err != nil {
		return -1, errno(err)
	}
	return NsHandle(ns.Release()), nil
}

func stat(fd int) (syscall.Stat_t, error) {
	var s syscall.Stat_t
	err := syscall.Fstat(fd, &s)
	return s, err
}

// Equal determines if two network handles refer to the same network
// namespace. This is done by comparing the device and inode that the
// file descriptors point to.
func (ns NsHandle) Equal(other NsHandle) bool {
	if ns == other {
		return true
	}
	s1, err1 := stat(int(ns))
	s2, err2 := stat(int(other))
	return err1 == nil && err2 == nil && s1.Dev == s2.Dev && s1.Ino == s2.Ino
}

// String shows the file descriptor number and its dev and inode.
func (ns NsHandle) String() string {
	if ns == -1 {
		return "NS(None)"
	}
	s, err := stat(int(ns))
	if err != nil {
		return fmt.Sprintf("NS(%d: unknown)", ns)
	}
	return fmt.Sprintf("NS(%d: %d, %d)", ns, s.Dev, s.Ino)
}

// UniqueId returns a string which uniquely identifies the namespace
// associated with the network handle.
func (ns NsHandle) UniqueId() string {
	if ns == -1 {
		return "NS(none)"
	}
	s, err := stat(int(ns))
	if err != nil {
		return "NS(unknown)"
	}
	return fmt.Sprintf("NS(%d:%d)", s.Dev, s.Ino)
}

// IsOpen returns true if Close() has not been called.
func (ns NsHandle) IsOpen() bool {
	return ns != -1
}

// Close closes the NsHandle and resets its file descriptor to -1.
// It is not safe to use an NsHandle after Close() is called.
func (ns *NsHandle) Close() error {
	if err := syscall.Close(int(*ns)); err != nil {
		return err
	}
	*ns = -1
	return nil
}

// None gets an empty (closed) NsHandle.
func None() NsHandle {
	return NsHandle(-1)
}

// Setns sets namespace using syscall. Note that this should be a method
// in syscall but it has not been added.
func Setns(ns NsHandle, nstype int) error {
	// Only the calling thread moves, as with setns(2); the lock
	// linuxns.SetnsFd keeps on success is released here, since the
	// original leaves locking to the caller.
	err := linuxns.SetnsFd(int(ns), linuxns.Type(nstype))
	if err != nil {
		return errno(err)
	}
	runtime.UnlockOSThread()
	return nil
}

// Set sets the current network namespace to the namespace represented
// by NsHandle.
func Set(ns NsHandle) error {
	return Setns(ns, CLONE_NEWNET)
}

// New creates a new network namespace, sets it as current and returns
// a handle to it.
func New() (NsHandle, error) {
	if err := linuxns.Unshare(linuxns.Net); err != nil {
		return -1, errno(err)
	}
	runtime.UnlockOSThread() // locking is the caller's, as in the original
	return Get()
}

// NewNamed creates a new named network namespace, sets it as current,
// and returns a handle to it. The namespace is created and bound at
// /run/netns/NAME before the thread moves.
func NewNamed(name string) (NsHandle, error) {
	ns, err := linuxns.NetnsAdd(name)
	if err != nil {
		err = errno(err)
		if err == syscall.EEXIST {
			// The original's O_EXCL create of the mount point.
			err = &os.PathError{Op: "open", Path: path.Join(bindMountPath, name), Err: syscall.EEXIST}
		}
		return None(), err
	}
	h, err := take(ns, nil)
	if err != nil {
		return None(), err
	}
	if err := Set(h); err != nil {
		h.Close()
		return None(), err
	}
	return h, nil
}

// DeleteNamed deletes a named network namespace
func DeleteNamed(name string) error {
	return errno(linuxns.NetnsDel(name))
}

// Get gets a handle to the current threads network namespace.
func Get() (NsHandle, error) {
	return take(linuxns.OpenPid(0, linuxns.Net))
}

// GetFromPath gets a handle to a network namespace
// identified by the path
func GetFromPath(path string) (NsHandle, error) {
	return take(linuxns.OpenPath(path, 0))
}

// GetFromName gets a handle to a named network namespace such as one
// created by `ip netns add`.
func GetFromName(name string) (NsHandle, error) {
	return GetFromPath(fmt.Sprintf("/var/run/netns/%s", name))
}

// GetFromPid gets a handle to the network namespace of a given pid.
func GetFromPid(pid int) (NsHandle, error) {
	return GetFromPath(fmt.Sprintf("/proc/%d/ns/net", pid))
}

// GetFromThread gets a handle to the network namespace of a given pid and tid.
func GetFromThread(pid, tid int) (NsHandle, error) {
	return GetFromPath(fmt.Sprintf("/proc/%d/task/%d/ns/net", pid, tid))
}
