// Package cheader gives the values linuxns.h defines, read by cgo from the
// header itself, for the tests that check the Go package against it.
package cheader

/*
#cgo pkg-config: linuxns
#include <time.h>
#include <linuxns.h>
*/
import "C"

import "unsafe"

// Consts are the header's numeric #defines, and the clocks, by name.
var Consts = map[string]int64{
	"NS_MNT":                          C.NS_MNT,
	"NS_CGROUP":                       C.NS_CGROUP,
	"NS_UTS":                          C.NS_UTS,
	"NS_IPC":                          C.NS_IPC,
	"NS_USER":                         C.NS_USER,
	"NS_PID":                          C.NS_PID,
	"NS_NET":                          C.NS_NET,
	"NS_TIME":                         C.NS_TIME,
	"NS_ALL":                          C.NS_ALL,
	"NS_FOR_CHILDREN":                 C.NS_FOR_CHILDREN,
	"NS_MAP_DENY_SETGROUPS":           C.NS_MAP_DENY_SETGROUPS,
	"NS_MAP_USE_HELPER":               C.NS_MAP_USE_HELPER,
	"NS_MAP_MAX_RANGES":               C.NS_MAP_MAX_RANGES,
	"NS_PROPAGATION_PRIVATE":          C.NS_PROPAGATION_PRIVATE,
	"NS_PROPAGATION_SLAVE":            C.NS_PROPAGATION_SLAVE,
	"NS_PROPAGATION_SHARED":           C.NS_PROPAGATION_SHARED,
	"NS_PROPAGATION_UNCHANGED":        C.NS_PROPAGATION_UNCHANGED,
	"NS_KCMP_FILE":                    C.NS_KCMP_FILE,
	"NS_KCMP_VM":                      C.NS_KCMP_VM,
	"NS_KCMP_FILES":                   C.NS_KCMP_FILES,
	"NS_KCMP_FS":                      C.NS_KCMP_FS,
	"NS_KCMP_SIGHAND":                 C.NS_KCMP_SIGHAND,
	"NS_KCMP_IO":                      C.NS_KCMP_IO,
	"NS_KCMP_SYSVSEM":                 C.NS_KCMP_SYSVSEM,
	"NS_LIST_ALL":                     C.NS_LIST_ALL,
	"NS_POOL_LO_UP":                   C.NS_POOL_LO_UP,
	"NS_CAPS_BOUNDING":                C.NS_CAPS_BOUNDING,
	"NS_CAPS_PERMITTED":               C.NS_CAPS_PERMITTED,
	"NS_CAPS_EFFECTIVE":               C.NS_CAPS_EFFECTIVE,
	"NS_CAPS_INHERITABLE":             C.NS_CAPS_INHERITABLE,
	"NS_CAPS_AMBIENT":                 C.NS_CAPS_AMBIENT,
	"NS_FEATURE_CLONE3":               C.NS_FEATURE_CLONE3,
	"NS_FEATURE_CLONE_INTO_CGROUP":    C.NS_FEATURE_CLONE_INTO_CGROUP,
	"NS_FEATURE_SETNS_PIDFD":          C.NS_FEATURE_SETNS_PIDFD,
	"NS_FEATURE_PIDFD_GET_NAMESPACE":  C.NS_FEATURE_PIDFD_GET_NAMESPACE,
	"NS_FEATURE_NS_GET_ID":            C.NS_FEATURE_NS_GET_ID,
	"NS_FEATURE_NSFS_HANDLES":         C.NS_FEATURE_NSFS_HANDLES,
	"NS_FEATURE_LISTNS":               C.NS_FEATURE_LISTNS,
	"NS_FEATURE_MNTNS_IOCTLS":         C.NS_FEATURE_MNTNS_IOCTLS,
	"NS_FEATURE_LISTMOUNT":            C.NS_FEATURE_LISTMOUNT,
	"NS_FEATURE_LISTMOUNT_NS_FD":      C.NS_FEATURE_LISTMOUNT_NS_FD,
	"NS_FEATURE_PIDFD_INFO_EXIT":      C.NS_FEATURE_PIDFD_INFO_EXIT,
	"NS_FEATURE_IDMAPPED_MOUNTS":      C.NS_FEATURE_IDMAPPED_MOUNTS,
	"NS_FEATURE_PID_TRANSLATE":        C.NS_FEATURE_PID_TRANSLATE,
	"NS_FEATURE_CLONE_NNP":            C.NS_FEATURE_CLONE_NNP,
	"NS_FEATURE_CLONE_PIDFD_AUTOKILL": C.NS_FEATURE_CLONE_PIDFD_AUTOKILL,
	"NS_FEATURE_CLONE_AUTOREAP":       C.NS_FEATURE_CLONE_AUTOREAP,
	"NS_FEATURE_CLONE_EMPTY_MNTNS":    C.NS_FEATURE_CLONE_EMPTY_MNTNS,
	"NS_HANDLE_TEXT_MAX":              C.NS_HANDLE_TEXT_MAX,
	"LINUXNS_VERSION_MAJOR":           C.LINUXNS_VERSION_MAJOR,
	"LINUXNS_VERSION_MINOR":           C.LINUXNS_VERSION_MINOR,
	"LINUXNS_VERSION_PATCH":           C.LINUXNS_VERSION_PATCH,
	"CLOCK_MONOTONIC":                 C.CLOCK_MONOTONIC,
	"CLOCK_BOOTTIME":                  C.CLOCK_BOOTTIME,
}

// VersionString is LINUXNS_VERSION_STRING.
const VersionString = C.LINUXNS_VERSION_STRING

// Layout of a C struct: its size and its fields' offsets and sizes.
type Layout struct {
	Size    uintptr
	Offsets []uintptr
	Sizes   []uintptr
}

// IDMap is struct ns_idmap's layout (inside, outside, count).
var IDMap = func() Layout {
	var m C.struct_ns_idmap
	return Layout{unsafe.Sizeof(m),
		[]uintptr{unsafe.Offsetof(m.inside), unsafe.Offsetof(m.outside), unsafe.Offsetof(m.count)},
		[]uintptr{unsafe.Sizeof(m.inside), unsafe.Sizeof(m.outside), unsafe.Sizeof(m.count)}}
}()

// Info is struct ns_info's layout: id, userns_id, parent_id, type, nprocs,
// pid, owner_uid.
var Info = func() Layout {
	var i C.struct_ns_info
	return Layout{unsafe.Sizeof(i),
		[]uintptr{unsafe.Offsetof(i.id), unsafe.Offsetof(i.userns_id), unsafe.Offsetof(i.parent_id),
			unsafe.Offsetof(i._type), unsafe.Offsetof(i.nprocs), unsafe.Offsetof(i.pid), unsafe.Offsetof(i.owner_uid)},
		[]uintptr{unsafe.Sizeof(i.id), unsafe.Sizeof(i.userns_id), unsafe.Sizeof(i.parent_id),
			unsafe.Sizeof(i._type), unsafe.Sizeof(i.nprocs), unsafe.Sizeof(i.pid), unsafe.Sizeof(i.owner_uid)}}
}()

// Handle is struct ns_handle's layout: size, type, unique_id, inode,
// reserved.
var Handle = func() Layout {
	var h C.struct_ns_handle
	return Layout{unsafe.Sizeof(h),
		[]uintptr{unsafe.Offsetof(h.size), unsafe.Offsetof(h._type), unsafe.Offsetof(h.unique_id),
			unsafe.Offsetof(h.inode), unsafe.Offsetof(h.reserved)},
		[]uintptr{unsafe.Sizeof(h.size), unsafe.Sizeof(h._type), unsafe.Sizeof(h.unique_id),
			unsafe.Sizeof(h.inode), unsafe.Sizeof(h.reserved)}}
}()

// SockFilter is struct sock_filter's layout (code, jt, jf, k), the
// element of ns_spawn_attr_set_seccomp's program.
var SockFilter = func() Layout {
	var f C.struct_sock_filter
	return Layout{unsafe.Sizeof(f),
		[]uintptr{unsafe.Offsetof(f.code), unsafe.Offsetof(f.jt), unsafe.Offsetof(f.jf), unsafe.Offsetof(f.k)},
		[]uintptr{unsafe.Sizeof(f.code), unsafe.Sizeof(f.jt), unsafe.Sizeof(f.jf), unsafe.Sizeof(f.k)}}
}()
