//! Survey and system: listing, limits, time offsets, pivot_root, kcmp.

use std::ffi::{c_char, c_int, c_ulong, c_void};

use super::{arg_str, ffi, ffi64};
use crate::error::Error;
use crate::types::ns_list_cb;
use crate::{survey, system};

/// Calls `cb(info, arg)` once for every distinct namespace of `types` (an
/// OR of NS_*, 0 for all) visible on the system: those of every process in
/// /proc and those kept by nsfs bind mounts (/proc/self/mountinfo; nprocs 0
/// and pid 0 when no process is in them), in ascending order of (type, id).
/// The same namespaces, process counts and lowest pids as lsns(8). A
/// non-zero return from cb stops the walk. Processes the caller may not
/// inspect are left out, as with lsns.
///
/// In `struct ns_info`, owner_uid is, for a user namespace, the uid that
/// created it, and for any other namespace the uid that created the user
/// namespace owning it.
///
/// Returns the number of namespaces reported to cb.
///
/// The answer is complete or an error, never silently partial: running
/// out of descriptors or memory while scanning fails the call (-EMFILE,
/// -ENFILE, -ENOMEM); processes that exit meanwhile or may not be
/// inspected are left out, as lsns does. The scan is shared over up to 4
/// worker threads when there are many processes, and done on the calling
/// thread when no thread can be started (RLIMIT_NPROC).
///
/// Errors: -EINVAL for a NULL cb or bits that are not NS_*; -ENOENT when
/// /proc is not mounted ("/proc is not mounted"); -EOPNOTSUPP when /proc
/// belongs to another PID namespace (its pids would not be the caller's);
/// reading /proc's other errors.
///
/// # Safety
/// `cb` is callable with `arg`.
#[no_mangle]
pub unsafe extern "C" fn ns_list(types: c_int, cb: ns_list_cb, arg: *mut c_void) -> c_int {
    ffi("ns_list", || {
        let cb = cb.ok_or_else(|| Error::invalid("ns_list: cb").hint("NULL"))?;
        let all = survey::list(types)?;
        let mut n = 0;
        for info in &all {
            n += 1;
            // SAFETY: the caller's callback, per contract.
            if unsafe { cb(info, arg) } != 0 {
                break;
            }
        }
        Ok(n)
    })
}

/// The system-wide limit on namespaces of `type` per user:
/// /proc/sys/user/max_TYPE_namespaces.
///
/// Errors: -EINVAL unless `type` is exactly one NS_* value; reading the
/// file's errors.
#[no_mangle]
pub extern "C" fn ns_get_limit(r#type: c_int) -> i64 {
    ffi64("ns_get_limit", || system::get_limit(r#type))
}

/// Sets /proc/sys/user/max_TYPE_namespaces to `value` (0 to 2147483647; 0
/// forbids creating namespaces of that type).
///
/// Errors: -EINVAL for a bad type or value; -EPERM or -EACCES without
/// privilege.
#[no_mangle]
pub extern "C" fn ns_set_limit(r#type: c_int, value: i64) -> c_int {
    ffi("ns_set_limit", || {
        system::set_limit(r#type, value).map(|()| 0)
    })
}

/// Sets the offset of `clock` (CLOCK_MONOTONIC or CLOCK_BOOTTIME) in the
/// time namespace that process `pid`'s children get (/proc/PID/timens_offsets;
/// pid 0 is the caller, e.g. after ns_unshare(NS_TIME)). Processes in that
/// namespace see clock + sec + nsec. The kernel allows it only before any
/// process has entered the namespace (-EACCES after).
///
/// Errors: -EINVAL for other clocks, nsec outside 0..999999999, pid < 0;
/// -ERANGE for an offset the kernel refuses as out of range (it keeps
/// clock + offset within its time range); -ESRCH; -EPERM without
/// CAP_SYS_TIME over the namespace.
#[no_mangle]
pub extern "C" fn ns_set_time_offset(pid: libc::pid_t, clock: c_int, sec: i64, nsec: i64) -> c_int {
    ffi("ns_set_time_offset", || {
        system::set_time_offset(pid, clock, sec, nsec).map(|()| 0)
    })
}

/// pivot_root(2): makes `new_root` the root of the caller's mount namespace
/// and moves the old root to `put_old` (which may be the same directory:
/// then umount2(".", MNT_DETACH) after chdir(new_root) drops it).
///
/// Errors: -EINVAL for NULL and pivot_root(2)'s own (-EINVAL, -EBUSY,
/// -EPERM, ...).
///
/// # Safety
/// Both are NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn ns_pivot_root(new_root: *const c_char, put_old: *const c_char) -> c_int {
    ffi("ns_pivot_root", || {
        // SAFETY: per this function's contract.
        let new_root = unsafe { arg_str(new_root, "ns_pivot_root: new_root") }?;
        // SAFETY: per this function's contract.
        let put_old = unsafe { arg_str(put_old, "ns_pivot_root: put_old") }?;
        system::pivot_root(new_root, put_old).map(|()| 0)
    })
}

/// kcmp(2): compares a kernel resource of two processes. `type` is one
/// NS_KCMP_*; idx1 and idx2 are the file descriptors for NS_KCMP_FILE.
/// Returns 0 equal, 1 less, 2 greater, 3 not equal but unordered.
///
/// Errors: -EINVAL for another type; -ESRCH; -EPERM without ptrace access
/// to both; -EBADF for NS_KCMP_FILE with a closed fd or an index that is no
/// file descriptor (above INT_MAX); -EOPNOTSUPP/-ENOSYS where the kernel
/// lacks kcmp.
#[no_mangle]
pub extern "C" fn ns_kcmp(
    pid1: libc::pid_t,
    pid2: libc::pid_t,
    r#type: c_int,
    idx1: c_ulong,
    idx2: c_ulong,
) -> c_int {
    ffi("ns_kcmp", || system::kcmp(pid1, pid2, r#type, idx1, idx2))
}
