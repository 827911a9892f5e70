package linuxns

/*
#include <stddef.h>
#include <stdint.h>
#include <linuxns.h>

int linuxns_go_mount_list(int fd, uintptr_t handle); // callbacks.c
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// MountInfo is one mount of a mount namespace, as Namespace.Mounts
// reports it (struct ns_mount_info): what /proc/PID/mountinfo and
// findmnt show for it.
type MountInfo struct {
	// ID is the mount's unique 64-bit id, never reused while the system
	// runs (statmount(2)); 0 on the library's fallback path (kernels
	// before 6.18), which has only ProcID.
	ID uint64
	// ParentID is the unique id of the parent mount (for the namespace's
	// root mount, the mount it sits on, which is not listed); 0 on the
	// fallback path.
	ParentID uint64
	// ProcID is the mount's id in /proc/PID/mountinfo and findmnt's ID
	// column (reused after an unmount); ProcParentID its parent's.
	ProcID, ProcParentID uint32
	// DevMajor and DevMinor are the filesystem's device numbers (st_dev).
	DevMajor, DevMinor uint32
	// Propagation has the syscall.MS_SHARED, MS_SLAVE and MS_UNBINDABLE
	// bits (a mount can be shared and a slave at once), or MS_PRIVATE
	// alone.
	Propagation uint32
	// PeerGroup is the peer group of a shared mount ("shared:N"), 0 if it
	// is not shared; Master the peer group a slave receives from
	// ("master:N"), 0 if it is not a slave.
	PeerGroup, Master uint64
	// Attr has the MOUNT_ATTR_* bits of linux/mount.h, as
	// mount_setattr(2) takes them: RDONLY 0x1, NOSUID 0x2, NODEV 0x4,
	// NOEXEC 0x8, NOATIME 0x10, STRICTATIME 0x20, NODIRATIME 0x80, IDMAP
	// 0x100000, NOSYMFOLLOW 0x200000 (relatime is 0).
	Attr uint64
	// MountPoint is where it is mounted, as seen from the namespace's
	// root (from the caller's root for the caller's own namespace), as
	// findmnt's TARGET.
	MountPoint string
	// Root is the directory of the filesystem that is mounted ("/" unless
	// a bind mount of a subdirectory; findmnt's FSROOT).
	Root string
	// FSType is the filesystem type, "type.subtype" with a subtype.
	FSType string
	// Source is the mount source (a device, "tmpfs", ...); "none" when the
	// mount has none.
	Source string
	// Idmapped tells an idmapped mount (MOUNT_ATTR_IDMAP, MountIdmapped).
	Idmapped bool
}

type mountListState struct {
	mounts []MountInfo
}

//export linuxnsGoMount
func linuxnsGoMount(info *C.struct_ns_mount_info, h C.uintptr_t) C.int {
	st := cgo.Handle(h).Value().(*mountListState)
	// A field is read only when it lies within the size the library
	// filled: the structure may grow at its end.
	size := uintptr(info.size)
	has := func(off, n uintptr) bool { return off+n <= size }
	str := func(off uintptr, p *C.char) string {
		if !has(off, unsafe.Sizeof(p)) || p == nil {
			return ""
		}
		return C.GoString(p)
	}
	var m MountInfo
	if has(unsafe.Offsetof(info.propagation), 4) {
		m.Propagation = uint32(info.propagation)
	}
	if has(unsafe.Offsetof(info.id), 8) {
		m.ID = uint64(info.id)
	}
	if has(unsafe.Offsetof(info.parent_id), 8) {
		m.ParentID = uint64(info.parent_id)
	}
	if has(unsafe.Offsetof(info.proc_id), 4) {
		m.ProcID = uint32(info.proc_id)
	}
	if has(unsafe.Offsetof(info.proc_parent_id), 4) {
		m.ProcParentID = uint32(info.proc_parent_id)
	}
	if has(unsafe.Offsetof(info.dev_major), 4) {
		m.DevMajor = uint32(info.dev_major)
	}
	if has(unsafe.Offsetof(info.dev_minor), 4) {
		m.DevMinor = uint32(info.dev_minor)
	}
	if has(unsafe.Offsetof(info.peer_group), 8) {
		m.PeerGroup = uint64(info.peer_group)
	}
	if has(unsafe.Offsetof(info.master), 8) {
		m.Master = uint64(info.master)
	}
	if has(unsafe.Offsetof(info.attr), 8) {
		m.Attr = uint64(info.attr)
	}
	m.MountPoint = str(unsafe.Offsetof(info.mount_point), info.mount_point)
	m.Root = str(unsafe.Offsetof(info.root), info.root)
	m.FSType = str(unsafe.Offsetof(info.fs_type), info.fs_type)
	m.Source = str(unsafe.Offsetof(info.source), info.source)
	if has(unsafe.Offsetof(info.idmapped), 4) {
		m.Idmapped = info.idmapped != 0
	}
	st.mounts = append(st.mounts, m)
	return 0
}

// Mounts lists the mounts of a mount namespace without entering it
// (ns_mount_list), as /proc/PID/mountinfo of a process in it and findmnt
// -N show them, in the kernel's order. Any user may list the caller's
// own mount namespace; another one needs a descriptor (kernel 6.18) or,
// on older kernels, CAP_SYS_ADMIN over its owner. The listing is a
// snapshot as good as mountinfo's.
func (ns *Namespace) Mounts() ([]MountInfo, error) {
	st := &mountListState{}
	h := cgo.NewHandle(st)
	defer h.Delete()
	_, err := ns.fdCall("ns_mount_list", func(fd C.int) C.int {
		return C.linuxns_go_mount_list(fd, C.uintptr_t(h))
	})
	if err != nil {
		return nil, err
	}
	return st.mounts, nil
}

// MountCount is the kernel's count of the mounts of a mount namespace
// (ns_mount_count): the number Mounts gives, barring mounts made or
// removed in between (and the mounts outside a chroot(2) of the caller,
// which the count includes and the listing leaves out).
func (ns *Namespace) MountCount() (int, error) {
	fd := ns.Fd()
	n, err := call("ns_mount_count", func() C.int { return C.ns_mount_count(C.int(fd)) })
	runtime.KeepAlive(ns)
	return int(n), err
}

// MountIdmapped bind-mounts the tree at source (with every mount below
// it) on target with its file owners mapped through the user namespace
// userns (ns_mount_idmapped, kernel 5.12): an id N on disk is taken as
// the id N inside userns and shown as the id it maps to outside; with a
// map of "0 65534 1", root's files show as uid 65534 through target.
// Writes through target are mapped back. The mount is made in the
// calling thread's mount namespace: the process's, unless called inside
// RunIn (a mount namespace of its own) or on a locked thread that
// unshared Mnt; remove it with syscall.Unmount(target, 0). Needs CAP_SYS_ADMIN
// (root, for a host filesystem) and a filesystem that supports idmapped
// mounts (ext4, xfs, btrfs, tmpfs from 6.3; not proc or sysfs: EINVAL).
// The mount keeps the mapping; userns stays the caller's.
func MountIdmapped(source, target string, userns *Namespace) error {
	csrc, free1 := cstring(source)
	defer free1()
	ctgt, free2 := cstring(target)
	defer free2()
	_, err := userns.fdCall("ns_mount_idmapped", func(fd C.int) C.int {
		return C.ns_mount_idmapped(csrc, ctgt, fd, 0)
	})
	return err
}
