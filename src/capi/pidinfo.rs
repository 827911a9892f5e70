//! Pids across PID namespaces, the status of a pidfd's process, and the
//! kernel features the library found.

use std::ffi::c_int;

use super::{arg_out, ffi, NoCancel};
use crate::{features, pidinfo};

/// Translates a pid from one PID namespace to another.
///
/// Gives the pid that PID namespace `to_pidns_fd` shows for the process
/// (or thread) that PID namespace `from_pidns_fd` numbers `pid`: for a
/// child started in a new PID namespace, its pid 1 there is its pid N in
/// the caller's, and the other way round. A process is visible in its own
/// PID namespace and in every ancestor of it, nowhere else.
///
/// `pid`: a pid (or thread id) as `from_pidns_fd` numbers it.
///
/// `from_pidns_fd`: a PID namespace descriptor (ns_open_pid with NS_PID,
/// ns_open_pidfd, /proc/PID/ns/pid).
///
/// `to_pidns_fd`: a PID namespace descriptor; the same as
/// `from_pidns_fd` checks that the pid exists there.
///
/// Returns: the pid in `to_pidns_fd` (> 0), or a negative errno.
///
/// Errors:
/// -EINVAL: when `pid` is not positive, or a descriptor is a namespace
///   but not a PID namespace.
/// -EBADF: when a descriptor is not open.
/// -ESRCH: when `from_pidns_fd` has no process `pid`, when `to_pidns_fd`
///   cannot see it (it lives outside the subtree of that namespace), or
///   when the caller's own PID namespace cannot see it (the kernel
///   translates through the caller's namespace).
/// -EOPNOTSUPP: on the /proc path only, when a namespace is neither the
///   caller's PID namespace, one below it, nor the top one of /proc, or
///   when /proc does not show the calling thread.
/// -EACCES: on the /proc path only, when a process below the caller's
///   namespace that could be the one has a /proc/PID/ns/pid the caller
///   may not open (another user's, without CAP_SYS_PTRACE).
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: NS_GET_PID_FROM_PIDNS and NS_GET_PID_IN_PIDNS (6.11), through
/// the caller's PID namespace. Before 6.11 (and with
/// LINUXNS_FORCE_FALLBACK=1): the NSpid lines of /proc/PID/status (4.1),
/// each namespace placed by NS_GET_PARENT (4.9) below the caller's own;
/// within the limits above, and thread ids only from the top namespace of
/// /proc.
#[no_mangle]
pub extern "C" fn ns_pid_translate(
    pid: libc::pid_t,
    from_pidns_fd: c_int,
    to_pidns_fd: c_int,
) -> libc::pid_t {
    ffi("ns_pid_translate", || {
        pidinfo::translate(pid, from_pidns_fd, to_pidns_fd)
    })
}

/// Reads the wait status of the process behind a pidfd, without waiting.
///
/// Never blocks and never reaps: an exited child stays a zombie, still
/// there for waitpid(2) or waitid(2). Works for any pidfd: a child of the
/// caller or not, reaped already or not.
///
/// `pidfd`: a pidfd (pidfd_open(2), CLONE_PIDFD, the `pidfd` of ns_spawn).
///
/// `status`: receives the status as waitpid(2) gives it (WIFEXITED,
/// WEXITSTATUS, WIFSIGNALED, WTERMSIG and WCOREDUMP apply).
///
/// Returns: 0 with `*status` set once the process has exited, or a
/// negative errno.
///
/// Errors:
/// -EAGAIN: while the process runs (`*status` untouched).
/// -EINVAL: when `status` is NULL.
/// -EBADF: when `pidfd` is not open or not a pidfd.
/// -EOPNOTSUPP: when the process has been reaped and the kernel keeps no
///   status for it (before 6.15, and with LINUXNS_FORCE_FALLBACK=1).
/// -EACCES: when the process exited, is not the caller's child, is not
///   reaped yet, and the caller may not ptrace it (its status is in
///   /proc/PID/stat, which hides it from others).
/// -ESRCH: when the process is outside the PID namespace of /proc.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: waitid(P_PIDFD, WEXITED | WNOHANG | WNOWAIT) (5.4) for an
/// exited child not yet reaped; PIDFD_GET_INFO with PIDFD_INFO_EXIT
/// (6.15) for a reaped process; for an exited process that is not the
/// caller's child and not yet reaped (waitid says ECHILD), field 52 of
/// /proc/PID/stat. Whether it runs: the pidfd polls readable once it has
/// exited (5.3).
#[no_mangle]
pub unsafe extern "C" fn ns_pidfd_status(pidfd: c_int, status: *mut c_int) -> c_int {
    ffi("ns_pidfd_status", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(status, "ns_pidfd_status: status") }?;
        match pidinfo::status(pidfd)? {
            Some(st) => {
                *out = st;
                Ok(0)
            }
            None => Err(
                crate::error::Error::new(libc::EAGAIN, format!("pidfd {pidfd}"))
                    .with_hint("the process is running"),
            ),
        }
    })
}

/// Reports the kernel features the library found on this system.
///
/// One NS_FEATURE_* bit per feature: clone3, CLONE_INTO_CGROUP, setns of a
/// pidfd, the PIDFD_GET_*_NAMESPACE ioctls, NS_GET_ID, nsfs file handles,
/// listns, the mount namespace ioctls, listmount and statmount (and with a
/// namespace descriptor), PIDFD_INFO_EXIT, idmapped mounts, pid
/// translation, and the clone3 flags of 7.1 (CLONE_NNP,
/// CLONE_PIDFD_AUTOKILL, CLONE_AUTOREAP, CLONE_EMPTY_MNTNS, probed with
/// the values of the 7.1 headers). A bit is set when the library found the
/// feature and will use it; a seccomp filter that refuses a call counts
/// as the feature missing.
///
/// Returns: the mask of NS_FEATURE_* bits.
///
/// Errors: none.
///
/// Thread safety: safe from any thread at any time. Each probe runs once
/// per process (on the first call, or earlier when a call needed it) and
/// is remembered; a call that meets a newly installed filter forgets the
/// feature.
///
/// Kernel: any. The probes are cheap and change nothing: calls the kernel
/// refuses once it has recognised the feature (clone3 asking for a cgroup
/// descriptor that can never be open, so no process is made), and
/// read-only ioctls on the caller's own namespaces and pidfd; setns of a
/// pidfd is known from the kernel version (5.8), PIDFD_INFO_EXIT from
/// PIDFD_GET_INFO and the version (6.15). With LINUXNS_FORCE_FALLBACK=1
/// the library avoids every feature, and the mask is 0.
#[no_mangle]
pub extern "C" fn ns_features() -> u64 {
    // Nothing here fails; a panic (a bug) reports no feature.
    // The probes wait for children: not to be cancelled meanwhile.
    let _no_cancel = NoCancel::new();
    std::panic::catch_unwind(features::detect).unwrap_or(0)
}
