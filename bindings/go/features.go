package linuxns

/*
#include <stdint.h>
#include <sys/types.h>
#include <linuxns.h>
*/
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"syscall"
)

// Feature is a set of kernel features the library found and uses
// (Features), one NS_FEATURE_* bit each.
type Feature uint64

// The features (NS_FEATURE_* in linuxns.h), with the kernel version
// that brought each. Without one the library takes an older path, or the
// call that needs it fails with EOPNOTSUPP, as its documentation says.
const (
	FeatureClone3             Feature = 0x1     // clone3(2) (5.3), not refused by a seccomp filter
	FeatureCloneIntoCgroup    Feature = 0x2     // clone3's CLONE_INTO_CGROUP (5.7): Cmd.Cgroup
	FeatureSetnsPidfd         Feature = 0x4     // setns(2) of a pidfd with a mask of types, at once (5.8)
	FeaturePidfdGetNamespace  Feature = 0x8     // the PIDFD_GET_*_NAMESPACE ioctls (6.11): OpenPidfd
	FeatureNsGetID            Feature = 0x10    // NS_GET_ID (6.18): Namespace.UniqueID
	FeatureNsfsHandles        Feature = 0x20    // namespace file handles (6.18): Handle, OpenHandle
	FeatureListns             Feature = 0x40    // listns(2) (6.19): ListEx
	FeatureMntnsIoctls        Feature = 0x80    // NS_MNT_GET_INFO, NS_MNT_GET_NEXT, NS_MNT_GET_PREV (6.12)
	FeatureListmount          Feature = 0x100   // listmount(2) and statmount(2) (6.8)
	FeatureListmountNsFd      Feature = 0x200   // listmount and statmount of a namespace named by descriptor (6.18)
	FeaturePidfdInfoExit      Feature = 0x400   // PIDFD_INFO_EXIT (6.15): PidfdStatus of a reaped process
	FeatureIdmappedMounts     Feature = 0x800   // mount_setattr(2) with MOUNT_ATTR_IDMAP (5.12): MountIdmapped
	FeaturePidTranslate       Feature = 0x1000  // NS_GET_PID_FROM_PIDNS, NS_GET_PID_IN_PIDNS (6.11): TranslatePid
	FeatureCloneNNP           Feature = 0x2000  // clone3's CLONE_NNP (7.1)
	FeatureClonePidfdAutokill Feature = 0x4000  // clone3's CLONE_PIDFD_AUTOKILL (7.1)
	FeatureCloneAutoreap      Feature = 0x8000  // clone3's CLONE_AUTOREAP (7.1)
	FeatureCloneEmptyMntns    Feature = 0x10000 // clone3's CLONE_EMPTY_MNTNS (7.1)
)

var featureNames = []struct {
	f    Feature
	name string
}{
	{FeatureClone3, "clone3"}, {FeatureCloneIntoCgroup, "clone_into_cgroup"},
	{FeatureSetnsPidfd, "setns_pidfd"}, {FeaturePidfdGetNamespace, "pidfd_get_namespace"},
	{FeatureNsGetID, "ns_get_id"}, {FeatureNsfsHandles, "nsfs_handles"},
	{FeatureListns, "listns"}, {FeatureMntnsIoctls, "mntns_ioctls"},
	{FeatureListmount, "listmount"}, {FeatureListmountNsFd, "listmount_ns_fd"},
	{FeaturePidfdInfoExit, "pidfd_info_exit"}, {FeatureIdmappedMounts, "idmapped_mounts"},
	{FeaturePidTranslate, "pid_translate"}, {FeatureCloneNNP, "clone_nnp"},
	{FeatureClonePidfdAutokill, "clone_pidfd_autokill"}, {FeatureCloneAutoreap, "clone_autoreap"},
	{FeatureCloneEmptyMntns, "clone_empty_mntns"},
}

// String gives the features' names joined by "|" ("clone3|setns_pidfd"),
// the NS_FEATURE_* names in lower case; 0 gives "0", unknown bits are
// shown in hex.
func (f Feature) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	rest := f
	for _, n := range featureNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
			rest &^= n.f
		}
	}
	if rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint64(rest)))
	}
	return strings.Join(parts, "|")
}

// Features reports the kernel features the library found on this system
// and will use (ns_features): a seccomp filter that refuses a call counts
// as the feature missing, and under LINUXNS_FORCE_FALLBACK=1 it is 0.
// Each probe runs once per process and changes nothing.
func Features() Feature { return Feature(C.ns_features()) }

// TranslatePid gives the pid that the PID namespace to shows for the
// process (or thread) that the PID namespace from numbers pid
// (ns_pid_translate): for a child in a new PID namespace, its pid 1 there
// is its pid N in the caller's, and the other way round. ESRCH when from
// has no such process or to cannot see it (a process is visible in its
// own PID namespace and in every ancestor); from and to the same checks
// that the pid exists there.
func TranslatePid(pid int, from, to *Namespace) (int, error) {
	ffd, tfd := from.Fd(), to.Fd()
	rc, err := call("ns_pid_translate", func() C.int {
		return C.int(C.ns_pid_translate(C.pid_t(pid), C.int(ffd), C.int(tfd)))
	})
	runtime.KeepAlive(from)
	runtime.KeepAlive(to)
	return rc, err
}

// PidfdStatus reads the wait status of the process behind a pidfd (e.g.
// Cmd.Pidfd) without waiting and without reaping it (ns_pidfd_status):
// an exited child stays there for Wait. The process may be a child or
// not, reaped or not. EAGAIN while it runs; EOPNOTSUPP for a reaped one
// on kernels before 6.15 (FeaturePidfdInfoExit), which keep no status.
func PidfdStatus(pidfd int) (syscall.WaitStatus, error) {
	var status C.int
	_, err := call("ns_pidfd_status", func() C.int { return C.ns_pidfd_status(C.int(pidfd), &status) })
	if err != nil {
		return 0, err
	}
	return syscall.WaitStatus(uint32(status)), nil
}
