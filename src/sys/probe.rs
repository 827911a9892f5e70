//! The kernel probes behind ns_features: each asks the kernel one question
//! in a way that cannot change anything (an argument the kernel refuses
//! after it has recognised the feature, or a read-only ioctl), and is
//! called at most once per process through sys::features.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

use super::consts::*;
use super::{open_internal, pidfd_open_internal, process, CloneArgs};

/// __NR_statmount 457 and __NR_listmount 458 (6.8):
/// include/uapi/asm-generic/unistd.h, the same numbers in x86_64's
/// syscall_64.tbl.
const SYS_STATMOUNT: libc::c_long = 457;
const SYS_LISTMOUNT: libc::c_long = 458;
/// LSMT_ROOT of include/uapi/linux/mount.h: list from the root mount.
const LSMT_ROOT: u64 = u64::MAX;
/// The clone3 flags of 7.1, with the values of the merged series (the
/// kernel's own selftests tools/testing/selftests/pidfd/
/// pidfd_autoreap_test.c and filesystems/empty_mntns/empty_mntns.h, and
/// trinity, agree; earlier patch revisions numbered them differently). The
/// uapi sched.h of 7.1 itself was not at hand to check against.
pub(crate) const CLONE_AUTOREAP: u64 = 1 << 34;
pub(crate) const CLONE_NNP: u64 = 1 << 35;
pub(crate) const CLONE_PIDFD_AUTOKILL: u64 = 1 << 36;
pub(crate) const CLONE_EMPTY_MNTNS: u64 = 1 << 37;
const CLONE_VM: u64 = 0x100;
const CLONE_SIGHAND: u64 = 0x800;

fn errno_of(ret: libc::c_long) -> Option<i32> {
    (ret < 0).then(|| io::Error::last_os_error().raw_os_error().unwrap_or(0))
}

/// Does system call `nr` exist (and is it not filtered)? Called with
/// arguments it refuses: a missing call says ENOSYS, a seccomp filter
/// ENOSYS or EPERM.
fn syscall_answers(nr: libc::c_long, args: [usize; 4]) -> bool {
    // SAFETY: the callers pass arguments the call refuses before it acts
    // (NULL buffers with an unknown flag).
    let r = unsafe { libc::syscall(nr, args[0], args[1], args[2], args[3]) };
    !matches!(errno_of(r), Some(libc::ENOSYS) | Some(libc::EPERM))
}

/// listmount(2) and statmount(2) (6.8): flags of all ones are refused
/// with EINVAL, statmount's NULL request with EFAULT.
pub(crate) fn listmount_exists() -> bool {
    syscall_answers(SYS_LISTMOUNT, [0, 0, 0, u32::MAX as usize])
        && syscall_answers(SYS_STATMOUNT, [0, 0, 0, u32::MAX as usize])
}

/// struct mnt_id_req as first published (MNT_ID_REQ_SIZE_VER0, 24 bytes);
/// the u32 after size was `spare` (must be 0) until 6.18 made it
/// mnt_ns_fd.
#[repr(C)]
struct MntIdReq {
    size: u32,
    mnt_ns_fd: u32,
    mnt_id: u64,
    param: u64,
}

/// listmount with a mount namespace named by descriptor (6.18): with
/// mnt_ns_fd -1 (never open) the kernel says EBADF; before 6.18, a
/// non-zero spare field is EINVAL.
pub(crate) fn listmount_takes_ns_fd() -> bool {
    let req = MntIdReq {
        size: std::mem::size_of::<MntIdReq>() as u32,
        mnt_ns_fd: u32::MAX,
        mnt_id: LSMT_ROOT,
        param: 0,
    };
    let mut ids = [0u64; 1];
    // SAFETY: req and ids are valid for the sizes given.
    let r = unsafe {
        libc::syscall(
            SYS_LISTMOUNT,
            &req as *const MntIdReq,
            ids.as_mut_ptr(),
            1usize,
            0u32,
        )
    };
    errno_of(r) == Some(libc::EBADF)
}

/// Opens a namespace file of the calling thread for a probe.
fn own_ns(name: &CStr) -> Option<super::Fd> {
    open_internal(name, libc::O_RDONLY).ok()
}

/// The mount namespace ioctls of 6.12 (NS_MNT_GET_INFO, NEXT, PREV): the
/// read-only GET_INFO on our own mount namespace. (NEXT and PREV also
/// need CAP_SYS_ADMIN in the initial user and PID namespaces.)
pub(crate) fn mntns_ioctls() -> bool {
    let Some(fd) = own_ns(c"/proc/thread-self/ns/mnt") else {
        return false;
    };
    super::mounts::mnt_ns_nr_mounts(fd.as_raw_fd()).is_ok()
}

/// NS_GET_PID_IN_PIDNS (6.11) of our own pid in our own PID namespace.
pub(crate) fn pid_translation() -> bool {
    let Some(fd) = own_ns(c"/proc/thread-self/ns/pid") else {
        return false;
    };
    let me = process::getpid();
    super::pidinfo::pid_in_pidns(fd.as_raw_fd(), me).ok() == Some(me)
}

/// NS_GET_ID (6.18) on our own UTS namespace.
pub(crate) fn ns_get_id() -> bool {
    let Some(fd) = own_ns(c"/proc/thread-self/ns/uts") else {
        return false;
    };
    super::ioctl_read::<u64>(fd.as_raw_fd(), NS_GET_ID).is_ok()
}

/// A pidfd ioctl on a pidfd of our own process.
fn own_pidfd_ioctl(f: impl FnOnce(RawFd) -> bool) -> bool {
    match pidfd_open_internal(process::getpid()) {
        Ok(p) => f(p.as_raw_fd()),
        Err(_) => false,
    }
}

/// PIDFD_GET_*_NAMESPACE (6.11): PIDFD_GET_UTS_NAMESPACE of ourselves.
pub(crate) fn pidfd_ns_ioctls() -> bool {
    own_pidfd_ioctl(|p| super::ioctl_fd(p, PIDFD_GET_UTS_NAMESPACE).is_ok())
}

/// PIDFD_GET_INFO (6.13) answers for ourselves.
pub(crate) fn pidfd_get_info() -> bool {
    own_pidfd_ioctl(|p| super::pidinfo::pidfd_exit_code(p).is_ok())
}

/// clone_args up to `cgroup` (CLONE_ARGS_SIZE_VER2).
fn probe_args(flags: u64, pidfd: &mut libc::c_int) -> CloneArgs {
    CloneArgs {
        flags,
        pidfd: pidfd as *mut libc::c_int as u64,
        // The largest descriptor number: never open (fs.nr_open stays
        // below INT_MAX), so copy_process fails in cgroup_can_fork, after
        // every flag was checked and before the child could run.
        cgroup: libc::c_int::MAX as u64,
        ..Default::default()
    }
}

/// Does clone3 accept `flags`? Asked with CLONE_INTO_CGROUP and a cgroup
/// descriptor that can never be open, so no child is ever made: EBADF
/// (from the cgroup step) means every flag was accepted, EINVAL that one
/// was unknown (E2BIG: clone_args longer than the kernel knows). The
/// child would share our memory, files and handlers (cheap to set up and
/// to tear down). Some(true/false), or None for an answer that says
/// neither (EAGAIN at the process limit, ENOMEM, a filter).
pub(crate) fn clone3_accepts(flags: u64) -> Option<bool> {
    let mut pidfd: libc::c_int = -1;
    let mut args = probe_args(
        flags | CLONE_INTO_CGROUP | CLONE_VM | CLONE_SIGHAND | CLONE_FILES as u64,
        &mut pidfd,
    );
    // SAFETY: the call fails (see above): nothing runs on our stack; args
    // and pidfd outlive it.
    let r = unsafe {
        libc::syscall(
            SYS_CLONE3,
            &mut args as *mut CloneArgs,
            CLONE_ARGS_SIZE_VER2,
        )
    };
    if r == 0 {
        // Unreachable (the cgroup step always fails): a child sharing our
        // memory would end its own thread at once, touching nothing.
        // SAFETY: exit(2) of the calling thread only.
        unsafe { libc::syscall(libc::SYS_exit, 127) };
    }
    match errno_of(r) {
        Some(libc::EBADF) => Some(true),
        Some(libc::EINVAL) | Some(libc::E2BIG) | Some(libc::ENOSYS) => Some(false),
        // An empty mount namespace needs CAP_SYS_ADMIN: refused after
        // the flag was accepted.
        Some(libc::EPERM) if flags & CLONE_EMPTY_MNTNS != 0 => Some(true),
        _ => None,
    }
}
