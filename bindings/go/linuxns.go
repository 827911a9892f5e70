package linuxns

/*
#cgo pkg-config: linuxns
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <linuxns.h>

int linuxns_go_getpid(void *arg); // callbacks.c
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// Type is a namespace type, or a mask of several (an OR of the constants
// below). The values are the kernel's CLONE_NEW* bits, as in linuxns.h.
type Type int

// The namespace types (NS_MNT ... NS_TIME in linuxns.h) and masks.
const (
	Mnt    Type = 0x00020000 // NS_MNT: mount
	Cgroup Type = 0x02000000 // NS_CGROUP: cgroup
	UTS    Type = 0x04000000 // NS_UTS: hostname and domain name
	IPC    Type = 0x08000000 // NS_IPC: System V IPC, POSIX message queues
	User   Type = 0x10000000 // NS_USER: user and group ids
	PID    Type = 0x20000000 // NS_PID: process ids
	Net    Type = 0x40000000 // NS_NET: network
	Time   Type = 0x00000080 // NS_TIME: monotonic and boot-time clocks

	// All is every type (NS_ALL).
	All Type = Mnt | Cgroup | UTS | IPC | User | PID | Net | Time

	// ForChildren (NS_FOR_CHILDREN), ORed with PID or Time in OpenPid and
	// OpenPidfd, names the namespace a process's next children get
	// (pid_for_children, time_for_children).
	ForChildren Type = 0x00000001
)

// MapFlags are the flags of the uid and gid map writers.
type MapFlags uint

const (
	// MapDenySetgroups (NS_MAP_DENY_SETGROUPS) writes "deny" to setgroups
	// before the gid map, as an unprivileged gid map needs.
	MapDenySetgroups MapFlags = 0x1
	// MapUseHelper (NS_MAP_USE_HELPER) writes the maps with newuidmap and
	// newgidmap (uidmap package), which allow what /etc/subuid grants.
	MapUseHelper MapFlags = 0x2
)

// MapMaxRanges (NS_MAP_MAX_RANGES) is the most ranges a map may have.
const MapMaxRanges = 340

// Propagation is the mount propagation of a spawned child's new mount
// namespace (Cmd.Propagation).
type Propagation int

const (
	PropagationPrivate   Propagation = 0 // NS_PROPAGATION_PRIVATE, the default
	PropagationSlave     Propagation = 1 // NS_PROPAGATION_SLAVE
	PropagationShared    Propagation = 2 // NS_PROPAGATION_SHARED
	PropagationUnchanged Propagation = 3 // NS_PROPAGATION_UNCHANGED
)

// KcmpType is a resource compared by Kcmp.
type KcmpType int

const (
	KcmpFile    KcmpType = 0 // NS_KCMP_FILE
	KcmpVM      KcmpType = 1 // NS_KCMP_VM
	KcmpFiles   KcmpType = 2 // NS_KCMP_FILES
	KcmpFS      KcmpType = 3 // NS_KCMP_FS
	KcmpSighand KcmpType = 4 // NS_KCMP_SIGHAND
	KcmpIO      KcmpType = 5 // NS_KCMP_IO
	KcmpSysvsem KcmpType = 6 // NS_KCMP_SYSVSEM
)

// Clock is a clock of a time namespace.
type Clock int

const (
	ClockMonotonic Clock = 1 // CLOCK_MONOTONIC
	ClockBoottime  Clock = 7 // CLOCK_BOOTTIME
)

// The version of linuxns.h this package was written against
// (LINUXNS_VERSION_*); Version gives the library's at run time.
const (
	VersionMajor  = 0
	VersionMinor  = 1
	VersionPatch  = 0
	VersionString = "0.1.0"
)

var typeNames = []struct {
	t    Type
	name string
}{
	{Mnt, "mnt"}, {Cgroup, "cgroup"}, {UTS, "uts"}, {IPC, "ipc"},
	{User, "user"}, {PID, "pid"}, {Net, "net"}, {Time, "time"},
}

// String gives the name /proc/PID/ns uses ("net", "mnt", ...) for one
// type; a mask gives its names joined by "|" ("net|uts"), 0 gives "0",
// and unknown bits are shown in hex.
func (t Type) String() string {
	if t == 0 {
		return "0"
	}
	if name := C.ns_type_name(C.int(t)); name != nil {
		return C.GoString(name) // exactly one type: the library's name
	}
	var parts []string
	rest := t
	for _, n := range typeNames {
		if t&n.t != 0 {
			parts = append(parts, n.name)
			rest &^= n.t
		}
	}
	if rest&ForChildren != 0 {
		parts = append(parts, "for_children")
		rest &^= ForChildren
	}
	if rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", int(rest)))
	}
	return strings.Join(parts, "|")
}

// ParseType gives the type named as in /proc/PID/ns ("net", "mnt", ...;
// "pid_for_children" and "time_for_children" too), as ns_type_from_name.
func ParseType(name string) (Type, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	rc, err := call("ns_type_from_name", func() C.int { return C.ns_type_from_name(cname) })
	return Type(rc), err
}

// Version is the version of the library in use, as "0.1.0".
func Version() string { return C.GoString(C.ns_version()) }

// Error is a failed library call: the errno of its negative return and
// the library's description of the failure (ns_last_error).
// errors.Is(err, syscall.EPERM) and errors.Is(err, fs.ErrNotExist) work
// through Unwrap.
type Error struct {
	Op     string        // the C function, as "ns_open_path"
	Errno  syscall.Errno // the errno it returned
	Detail string        // ns_last_error: starts with Op, names the step and object
}

// Error gives Detail, which already begins with the function's name; or
// Op and the errno's text when the library gave no detail.
func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Op + ": " + e.Errno.Error()
	}
	return e.Detail
}

// Unwrap gives the errno.
func (e *Error) Unwrap() error { return e.Errno }

// call runs one C call on a locked OS thread and turns a negative errno
// into an *Error, reading ns_last_error on the same thread.
// LockOSThread nests: a caller that already locked its thread stays locked.
func call(op string, f func() C.int) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := f()
	if rc < 0 {
		return -1, lastError(op, -int64(rc))
	}
	return int(rc), nil
}

func call64(op string, f func() C.int64_t) (int64, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := f()
	if rc < 0 {
		return -1, lastError(op, -int64(rc))
	}
	return int64(rc), nil
}

// lastError must run on the thread of the failed call.
func lastError(op string, errno int64) *Error {
	return &Error{Op: op, Errno: syscall.Errno(errno), Detail: C.GoString(C.ns_last_error())}
}

func cstring(s string) (*C.char, func()) {
	p := C.CString(s)
	return p, func() { C.free(unsafe.Pointer(p)) }
}

// IDMap is one range of a uid or gid map: the Count ids from Inside in
// the namespace are the Count ids from Outside in its parent. Its layout
// is struct ns_idmap's.
type IDMap struct {
	Inside  uint32
	Outside uint32
	Count   uint32
}

func idmapPtr(m []IDMap) (*C.struct_ns_idmap, C.size_t) {
	if len(m) == 0 {
		return nil, 0
	}
	return (*C.struct_ns_idmap)(unsafe.Pointer(&m[0])), C.size_t(len(m))
}

// Namespace is an open namespace file: a descriptor as /proc/PID/ns/TYPE
// gives it, usable with setns(2), ip netns, nsenter and other libraries.
// Close it when done; one no longer referenced is closed by the garbage
// collector, as an *os.File is. A Namespace is not safe for concurrent
// Close with other use.
type Namespace struct {
	fd   int
	open bool // the zero Namespace has no descriptor
}

func newNamespace(fd int) *Namespace {
	ns := &Namespace{fd: fd, open: true}
	runtime.SetFinalizer(ns, (*Namespace).Close)
	return ns
}

// FromFd makes a Namespace that owns fd, a namespace descriptor (e.g. a
// netns.NsHandle): Close closes it.
func FromFd(fd int) *Namespace { return newNamespace(fd) }

// Fd is the descriptor, valid until Close or Release (-1 after them).
func (ns *Namespace) Fd() int {
	if ns == nil || !ns.open {
		return -1
	}
	return ns.fd
}

// Release gives up the descriptor: it is returned, no longer closed by
// Close or the garbage collector, and the Namespace is empty.
func (ns *Namespace) Release() int {
	fd := ns.Fd()
	ns.fd, ns.open = -1, false
	runtime.SetFinalizer(ns, nil)
	return fd
}

// Close closes the descriptor (os.ErrClosed if it was). The namespace
// lives on while a process, another descriptor or a bind mount holds it.
func (ns *Namespace) Close() error {
	if ns == nil || !ns.open {
		return os.ErrClosed
	}
	fd := ns.fd
	ns.fd, ns.open = -1, false
	runtime.SetFinalizer(ns, nil)
	return syscall.Close(fd)
}

// fdCall runs f with the descriptor, keeping the Namespace alive meanwhile.
func (ns *Namespace) fdCall(op string, f func(fd C.int) C.int) (int, error) {
	fd := ns.Fd()
	rc, err := call(op, func() C.int { return f(C.int(fd)) })
	runtime.KeepAlive(ns)
	return rc, err
}

// ID is the namespace's inode number, as "net:[4026531840]" and lsns show
// it (the kernel may reuse it once the namespace is gone).
func (ns *Namespace) ID() (uint64, error) {
	var id C.uint64_t
	_, err := ns.fdCall("ns_id", func(fd C.int) C.int { return C.ns_id(fd, &id) })
	return uint64(id), err
}

// UniqueID is the kernel's 64-bit namespace id, never reused (kernel 6.18).
func (ns *Namespace) UniqueID() (uint64, error) {
	var id C.uint64_t
	_, err := ns.fdCall("ns_unique_id", func(fd C.int) C.int { return C.ns_unique_id(fd, &id) })
	return uint64(id), err
}

// Type is the namespace's type.
func (ns *Namespace) Type() (Type, error) {
	rc, err := ns.fdCall("ns_type", func(fd C.int) C.int { return C.ns_type(fd) })
	return Type(rc), err
}

// Equal tells whether both name the same namespace (device and inode).
func (ns *Namespace) Equal(other *Namespace) (bool, error) {
	ofd := other.Fd()
	rc, err := ns.fdCall("ns_same", func(fd C.int) C.int { return C.ns_same(fd, C.int(ofd)) })
	runtime.KeepAlive(other)
	return rc == 1, err
}

// Owner is the uid that created a user namespace, as seen from the
// caller's user namespace.
func (ns *Namespace) Owner() (int, error) {
	var uid C.uid_t
	_, err := ns.fdCall("ns_owner_uid", func(fd C.int) C.int { return C.ns_owner_uid(fd, &uid) })
	return int(uid), err
}

// Userns opens the user namespace that owns ns (for a user namespace, its
// parent).
func (ns *Namespace) Userns() (*Namespace, error) {
	fd, err := ns.fdCall("ns_get_userns", func(fd C.int) C.int { return C.ns_get_userns(fd) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// Parent opens the parent of a PID or user namespace.
func (ns *Namespace) Parent() (*Namespace, error) {
	fd, err := ns.fdCall("ns_get_parent", func(fd C.int) C.int { return C.ns_get_parent(fd) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// String gives "net:[4026531840]" as /proc shows it, or the descriptor
// when its type or id cannot be read.
func (ns *Namespace) String() string {
	t, err1 := ns.Type()
	id, err2 := ns.ID()
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("ns(fd %d)", ns.Fd())
	}
	return fmt.Sprintf("%s:[%d]", t, id)
}

// OpenPid opens a namespace of a process or thread; pid 0 is the calling
// thread (lock it with runtime.LockOSThread to know which one that is).
// t is one type, or PID|ForChildren or Time|ForChildren.
func OpenPid(pid int, t Type) (*Namespace, error) {
	fd, err := call("ns_open_pid", func() C.int { return C.ns_open_pid(C.pid_t(pid), C.int(t)) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// OpenPidfd opens a namespace of the process behind a pidfd, safe from
// pid reuse.
func OpenPidfd(pidfd int, t Type) (*Namespace, error) {
	fd, err := call("ns_open_pidfd", func() C.int { return C.ns_open_pidfd(C.int(pidfd), C.int(t)) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// OpenPath opens a namespace file (/proc/PID/ns/X, a bind mount,
// /run/netns/NAME); t is 0 for any type, or the one type required.
func OpenPath(path string, t Type) (*Namespace, error) {
	cpath, free := cstring(path)
	defer free()
	fd, err := call("ns_open_path", func() C.int { return C.ns_open_path(cpath, C.int(t)) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// OpenName opens a network namespace by its `ip netns` name.
func OpenName(name string) (*Namespace, error) {
	cname, free := cstring(name)
	defer free()
	fd, err := call("ns_open_name", func() C.int { return C.ns_open_name(cname) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// lockOnSuccess runs a call that moves the calling thread. The thread is
// locked first; on success the lock is kept (one runtime.LockOSThread the
// caller now owns), so the goroutine stays on the moved thread; on
// failure it is released again.
func lockOnSuccess(f func() error) error {
	runtime.LockOSThread()
	err := f()
	if err != nil {
		runtime.UnlockOSThread()
	}
	return err
}

// Setns moves the calling OS thread (only it) into ns; types is 0 or the
// namespace's type. Other threads of the process keep their namespaces.
//
// The goroutine is locked to its thread before the call, and on success
// it stays locked: that runtime.LockOSThread is the caller's. Keep it
// until the thread is back where it was (then runtime.UnlockOSThread), or
// let the goroutine end, which retires the thread. Joining a user or
// mount namespace is refused to threads of a multithreaded process, which
// every Go program is: use RunIn or Cmd for those.
func Setns(ns *Namespace, types Type) error {
	fd := ns.Fd()
	err := SetnsFd(fd, types)
	runtime.KeepAlive(ns)
	return err
}

// SetnsFd is Setns for a raw descriptor: a namespace file, or a pidfd
// with a mask of types to enter together. The thread is left locked on
// success, as with Setns.
func SetnsFd(fd int, types Type) error {
	return lockOnSuccess(func() error {
		_, err := call("ns_setns", func() C.int { return C.ns_setns(C.int(fd), C.int(types)) })
		return err
	})
}

// Unshare moves the calling OS thread into new namespaces (unshare(2));
// for PID and Time only its future children are. The thread is left
// locked on success, as with Setns. User namespaces need a
// single-threaded process: use Cmd or NewUserns.
func Unshare(types Type) error {
	return lockOnSuccess(func() error {
		_, err := call("ns_unshare", func() C.int { return C.ns_unshare(C.int(types)) })
		return err
	})
}

// EnterPid moves the calling OS thread into namespaces of process pid,
// like nsenter -t PID; types 0 means every namespace that differs. The
// thread is left locked on success, as with Setns.
func EnterPid(pid int, types Type) error {
	return lockOnSuccess(func() error {
		_, err := call("ns_enter_pid", func() C.int { return C.ns_enter_pid(C.pid_t(pid), C.int(types)) })
		return err
	})
}

// New creates a namespace of one type without moving the caller. For PID
// and Time it is the namespace that children joining it get.
func New(t Type) (*Namespace, error) {
	fd, err := call("ns_new", func() C.int { return C.ns_new(C.int(t)) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// NewUserns creates a user namespace with these maps, without moving the
// caller (for Cmd.Join, idmapped mounts). flags: MapDenySetgroups,
// MapUseHelper.
func NewUserns(uidMap, gidMap []IDMap, flags MapFlags) (*Namespace, error) {
	up, un := idmapPtr(uidMap)
	gp, gn := idmapPtr(gidMap)
	fd, err := call("ns_new_userns", func() C.int { return C.ns_new_userns(up, un, gp, gn, C.uint(flags)) })
	runtime.KeepAlive(uidMap)
	runtime.KeepAlive(gidMap)
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// WriteUIDMap writes /proc/PID/uid_map the way the kernel requires.
func WriteUIDMap(pid int, m []IDMap, flags MapFlags) error {
	p, n := idmapPtr(m)
	_, err := call("ns_write_uid_map", func() C.int { return C.ns_write_uid_map(C.pid_t(pid), p, n, C.uint(flags)) })
	runtime.KeepAlive(m)
	return err
}

// WriteGIDMap writes /proc/PID/gid_map (and setgroups with
// MapDenySetgroups).
func WriteGIDMap(pid int, m []IDMap, flags MapFlags) error {
	p, n := idmapPtr(m)
	_, err := call("ns_write_gid_map", func() C.int { return C.ns_write_gid_map(C.pid_t(pid), p, n, C.uint(flags)) })
	runtime.KeepAlive(m)
	return err
}

// NetnsAdd creates a named network namespace, as `ip netns add NAME`,
// without moving the caller.
func NetnsAdd(name string) (*Namespace, error) {
	cname, free := cstring(name)
	defer free()
	fd, err := call("ns_netns_add", func() C.int { return C.ns_netns_add(cname) })
	if err != nil {
		return nil, err
	}
	return newNamespace(fd), nil
}

// NetnsDel deletes a named network namespace, as `ip netns delete NAME`.
func NetnsDel(name string) error {
	cname, free := cstring(name)
	defer free()
	_, err := call("ns_netns_del", func() C.int { return C.ns_netns_del(cname) })
	return err
}

// Bind keeps ns alive by bind-mounting it at path (created if missing).
func Bind(ns *Namespace, path string) error {
	cpath, free := cstring(path)
	defer free()
	_, err := ns.fdCall("ns_bind", func(fd C.int) C.int { return C.ns_bind(fd, cpath) })
	return err
}

// Unbind undoes Bind: detaches the mount and removes the file.
func Unbind(path string) error {
	cpath, free := cstring(path)
	defer free()
	_, err := call("ns_unbind", func() C.int { return C.ns_unbind(cpath) })
	return err
}

// Limit reads /proc/sys/user/max_TYPE_namespaces.
func Limit(t Type) (int64, error) {
	return call64("ns_get_limit", func() C.int64_t { return C.ns_get_limit(C.int(t)) })
}

// SetLimit writes /proc/sys/user/max_TYPE_namespaces (0 forbids the type).
func SetLimit(t Type, value int64) error {
	_, err := call("ns_set_limit", func() C.int { return C.ns_set_limit(C.int(t), C.int64_t(value)) })
	return err
}

func splitDuration(d time.Duration) (sec, nsec int64) {
	sec = int64(d / time.Second)
	nsec = int64(d % time.Second)
	if nsec < 0 {
		sec--
		nsec += int64(time.Second)
	}
	return
}

// SetTimeOffset sets a clock offset of the time namespace process pid's
// children get (0: the caller, after Unshare(Time)), before any process
// has entered it.
func SetTimeOffset(pid int, clock Clock, offset time.Duration) error {
	sec, nsec := splitDuration(offset)
	_, err := call("ns_set_time_offset", func() C.int {
		return C.ns_set_time_offset(C.pid_t(pid), C.int(clock), C.int64_t(sec), C.int64_t(nsec))
	})
	return err
}

// PivotRoot changes the root mount of the caller's mount namespace
// (pivot_root(2)); usually called in a child of its own.
func PivotRoot(newRoot, putOld string) error {
	cn, free1 := cstring(newRoot)
	defer free1()
	co, free2 := cstring(putOld)
	defer free2()
	_, err := call("ns_pivot_root", func() C.int { return C.ns_pivot_root(cn, co) })
	return err
}

// Kcmp compares a kernel resource of two processes (kcmp(2)): 0 equal,
// 1 less, 2 greater, 3 unordered.
// CFunc is the address of a C function int fn(void *arg), for CloneC and
// SpawnFnC. Their child is a fork-like copy of the caller, and a copy of a
// Go process can run C code only (the runtime's other threads are not
// copied): use Cmd for programs and RunIn for Go code inside namespaces.
type CFunc unsafe.Pointer

// CGetpid is getpid(2) as a CFunc: a child running it exits with its pid
// in its PID namespace (1 in a new one).
var CGetpid = CFunc(C.linuxns_go_getpid)

// CloneC starts a child in new namespaces types running the C function
// fn(arg) (ns_clone); fn's return value is its exit status. It returns the
// child's pid: a direct, waitable child (SIGCHLD).
func CloneC(types Type, fn CFunc, arg unsafe.Pointer) (int, error) {
	if fn == nil {
		return -1, &Error{Op: "ns_clone", Errno: syscall.EINVAL, Detail: "ns_clone: fn: NULL"}
	}
	return call("ns_clone", func() C.int {
		return C.int(C.ns_clone(C.int(types), (*[0]byte)(fn), arg, nil))
	})
}

// SpawnFnC runs the C function fn(arg) in a child set up as c describes
// (its namespace, map, hostname, root, cwd, cgroup, credential, limit,
// capability, seccomp and umask fields; Path, Args, Env and the standard
// streams are not used), through ns_spawn_fn. It returns the child's pid.
func SpawnFnC(c *Cmd, fn CFunc, arg unsafe.Pointer) (int, error) {
	if fn == nil {
		return -1, &Error{Op: "ns_spawn_fn", Errno: syscall.EINVAL, Detail: "ns_spawn_fn: fn: NULL"}
	}
	a, err := c.attr(nil)
	if err != nil {
		return -1, err
	}
	defer C.ns_spawn_attr_free(a.p)
	return call("ns_spawn_fn", func() C.int {
		return C.int(C.ns_spawn_fn(a.p, (*[0]byte)(fn), arg, nil))
	})
}

func Kcmp(pid1, pid2 int, t KcmpType, idx1, idx2 uint) (int, error) {
	return call("ns_kcmp", func() C.int {
		return C.ns_kcmp(C.pid_t(pid1), C.pid_t(pid2), C.int(t), C.ulong(idx1), C.ulong(idx2))
	})
}
