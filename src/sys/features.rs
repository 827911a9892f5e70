//! Kernel feature detection, tried once and remembered.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// LINUXNS_FORCE_FALLBACK=1 makes every probe answer "missing", so the
/// older-kernel paths can be tested on a new kernel.
pub(crate) fn force_fallback() -> bool {
    static FORCE: OnceLock<bool> = OnceLock::new();
    *FORCE.get_or_init(|| {
        std::env::var_os("LINUXNS_FORCE_FALLBACK").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// A remembered yes/no answer about the running kernel.
pub(crate) struct Feature(AtomicU8);

const UNKNOWN: u8 = 0;
const YES: u8 = 1;
const NO: u8 = 2;

impl Feature {
    pub(crate) const fn new() -> Self {
        Feature(AtomicU8::new(UNKNOWN))
    }

    /// Some(answer) once known; None before the first probe.
    pub(crate) fn get(&self) -> Option<bool> {
        if force_fallback() {
            return Some(false);
        }
        match self.0.load(Ordering::Relaxed) {
            YES => Some(true),
            NO => Some(false),
            _ => None,
        }
    }

    pub(crate) fn set(&self, available: bool) {
        self.0
            .store(if available { YES } else { NO }, Ordering::Relaxed);
    }

    /// The answer, computing it with `probe` the first time.
    pub(crate) fn get_or_probe(&self, probe: impl FnOnce() -> bool) -> bool {
        if let Some(v) = self.get() {
            return v;
        }
        let v = probe();
        self.set(v);
        v
    }
}

/// The running kernel's (major, minor), from uname(2).
pub(crate) fn kernel_version() -> (u32, u32) {
    static V: OnceLock<(u32, u32)> = OnceLock::new();
    *V.get_or_init(|| {
        // SAFETY: utsname is plain data, filled by uname.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: u is valid for writing.
        if unsafe { libc::uname(&mut u) } != 0 {
            return (0, 0);
        }
        let rel: Vec<u8> = u
            .release
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        parse_release(&rel)
    })
}

fn parse_release(rel: &[u8]) -> (u32, u32) {
    let s = String::from_utf8_lossy(rel);
    let mut parts = s.split(|c: char| !c.is_ascii_digit());
    let major = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor)
}

/// setns(2) takes a pidfd and a mask of namespaces (5.8).
pub(crate) fn pidfd_setns() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(|| kernel_version() >= (5, 8))
}

/// PIDFD_GET_INFO with PIDFD_INFO_EXIT: the exit status of a process
/// reaped by someone else (6.15).
pub(crate) fn pidfd_info_exit() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(|| kernel_version() >= (6, 15))
}

/// clone3(2) exists and is not filtered (ENOSYS from seccomp counts as no).
pub(crate) static CLONE3: Feature = Feature::new();
/// PIDFD_GET_*_NAMESPACE ioctls (6.11).
pub(crate) static PIDFD_NS_IOCTL: Feature = Feature::new();
/// NS_GET_ID ioctl (6.18).
pub(crate) static NS_GET_ID: Feature = Feature::new();
/// listmount(2)/statmount(2) of another mount namespace by descriptor
/// (mnt_id_req.mnt_ns_fd, 6.18) with statmount's supported_mask (6.15).
pub(crate) static LISTMOUNT_NS_FD: Feature = Feature::new();
/// NS_MNT_GET_INFO ioctl: a mount namespace's mount count (6.12).
pub(crate) static NS_MNT_GET_INFO: Feature = Feature::new();
/// Namespace file handles: name_to_handle_at and open_by_handle_at with
/// FD_NSFS_ROOT on nsfs (6.18), probed once (see nshandle::probe); a call
/// that meets ENOSYS or EBADF later (a filter) records the answer as no.
pub(crate) static NSFS_HANDLES: Feature = Feature::new();

/// Can namespaces be encoded and opened as file handles?
pub(crate) fn nsfs_handles() -> bool {
    NSFS_HANDLES.get_or_probe(super::nshandle::probe)
}

/// Idmapped mounts: mount_setattr(2) with MOUNT_ATTR_IDMAP (5.12), found
/// by asking the kernel once (see idmount::mount_setattr_exists). A call
/// that meets ENOSYS later (a seccomp filter) records the answer as no.
pub(crate) static IDMAPPED_MOUNTS: Feature = Feature::new();

/// Are idmapped mounts available (and not filtered)?
pub(crate) fn idmapped_mounts() -> bool {
    IDMAPPED_MOUNTS.get_or_probe(super::idmount::mount_setattr_exists)
}

/// The seccomp(2) system call (3.17), not refused by a filter: spawn
/// installs a filter with it, else with prctl(PR_SET_SECCOMP) (3.5).
pub(crate) fn seccomp_syscall() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(super::procattrs::seccomp_syscall_exists)
}

/// listns(2) (6.19), probed once with an empty request (see
/// nslist::listns_present); a listing that meets ENOSYS or EPERM later (a
/// filter) records the answer as no.
pub(crate) static LISTNS: Feature = Feature::new();

/// Can namespaces be listed by the kernel (listns)?
pub(crate) fn listns() -> bool {
    LISTNS.get_or_probe(super::nslist::listns_present)
}

/// NS_MNT_GET_NEXT / NS_MNT_GET_PREV, the walk over mount namespaces
/// (6.12): learnt from the first walk (ENOTTY: no).
pub(crate) static NS_MNT_WALK: Feature = Feature::new();

// Probed once for ns_features (see sys::probe); the library's own paths
// learn some of the same answers as they go.

/// clone3 with CLONE_INTO_CGROUP (5.7).
pub(crate) fn clone_into_cgroup() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(|| {
        crate::spawn::prep::have_clone3()
            && super::probe::clone3_accepts(0).unwrap_or_else(|| kernel_version() >= (5, 7))
    })
}

/// clone3 flags of 7.1 (CLONE_AUTOREAP, CLONE_NNP, CLONE_PIDFD_AUTOKILL,
/// CLONE_EMPTY_MNTNS): accepted by this kernel? `flags` as the probe
/// passes them (AUTOKILL needs PIDFD and AUTOREAP, and NNP unprivileged).
pub(crate) fn clone3_flags_accepted(flags: u64) -> bool {
    use super::probe::*;
    static F: [Feature; 4] = [
        Feature::new(),
        Feature::new(),
        Feature::new(),
        Feature::new(),
    ];
    let slot = match flags {
        f if f & CLONE_PIDFD_AUTOKILL != 0 => 2,
        f if f & CLONE_EMPTY_MNTNS != 0 => 3,
        f if f & CLONE_NNP != 0 => 1,
        _ => 0,
    };
    F[slot].get_or_probe(|| clone_into_cgroup() && clone3_accepts(flags) == Some(true))
}

/// CLONE_NNP (7.1) accepted by clone3 here.
pub(crate) fn clone_nnp() -> bool {
    clone3_flags_accepted(super::probe::CLONE_NNP)
}

/// CLONE_AUTOREAP (7.1) accepted by clone3 here.
pub(crate) fn clone_autoreap() -> bool {
    clone3_flags_accepted(super::probe::CLONE_AUTOREAP)
}

/// CLONE_PIDFD_AUTOKILL (7.1) accepted by clone3 here (with the flags it
/// needs: CLONE_PIDFD, CLONE_AUTOREAP, and CLONE_NNP when unprivileged).
pub(crate) fn clone_autokill() -> bool {
    use super::probe::*;
    clone3_flags_accepted(
        CLONE_PIDFD_AUTOKILL | CLONE_AUTOREAP | CLONE_NNP | super::consts::CLONE_PIDFD,
    )
}

/// listmount(2) and statmount(2) (6.8).
pub(crate) fn listmount() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(super::probe::listmount_exists)
}

/// listmount of a mount namespace named by descriptor (6.18).
pub(crate) fn listmount_ns_fd() -> bool {
    LISTMOUNT_NS_FD.get_or_probe(|| listmount() && super::probe::listmount_takes_ns_fd())
}

/// The mount namespace ioctls NS_MNT_GET_INFO/NEXT/PREV (6.12).
pub(crate) fn mntns_ioctls() -> bool {
    NS_MNT_GET_INFO.get_or_probe(super::probe::mntns_ioctls)
}

/// NS_GET_PID_FROM_PIDNS / NS_GET_PID_IN_PIDNS (6.11).
pub(crate) static PID_TRANSLATE: Feature = Feature::new();

/// Does the kernel translate pids between PID namespaces?
pub(crate) fn pid_translate() -> bool {
    PID_TRANSLATE.get_or_probe(super::probe::pid_translation)
}

/// PIDFD_GET_INFO (6.13) answers; with PIDFD_INFO_EXIT from 6.15.
pub(crate) fn pidfd_get_info() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(super::probe::pidfd_get_info)
}

/// PIDFD_GET_*_NAMESPACE, probed if no call has learnt it yet.
pub(crate) fn pidfd_ns_ioctl() -> bool {
    PIDFD_NS_IOCTL.get_or_probe(super::probe::pidfd_ns_ioctls)
}

/// NS_GET_ID, probed if no call has learnt it yet.
pub(crate) fn ns_get_id() -> bool {
    NS_GET_ID.get_or_probe(super::probe::ns_get_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_strings_parse() {
        assert_eq!(parse_release(b"6.18.44-fc-v657"), (6, 18));
        assert_eq!(parse_release(b"5.8.0"), (5, 8));
        assert_eq!(parse_release(b"garbage"), (0, 0));
    }
}
