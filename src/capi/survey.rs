//! Survey and system: listing, limits, time offsets, pivot_root, kcmp.

use std::ffi::{c_char, c_int, c_ulong, c_void};

use super::{arg_str, ffi};
use crate::error::Error;
use crate::types::ns_list_cb;
use crate::{limits, pivot_kcmp, survey, timens};

/// Lists every namespace on the system, as lsns(8) does.
///
/// Reports every distinct namespace visible on the system: those of every
/// process in /proc and those kept by nsfs bind mounts
/// (/proc/self/mountinfo; nprocs 0 and pid 0 when no process is in them),
/// in ascending order of (type, id). The same namespaces, process counts
/// and lowest pids as lsns(8). Processes the caller may not inspect, or
/// that exit meanwhile, are left out, as with lsns. In `struct ns_info`,
/// owner_uid is, for a user namespace, the uid that created it, and for
/// any other namespace the uid that created the user namespace owning it.
///
/// The answer is complete or an error, never silently partial: running out
/// of descriptors or memory while scanning fails the call, and any other
/// error reading /proc is returned as it is.
///
/// `types`: an OR of NS_* values; 0 for all.
///
/// `cb`: called as cb(info, arg) once per namespace, on the calling
/// thread; a non-zero return stops the walk.
///
/// Returns: the number of namespaces reported to `cb`, or a negative
/// errno.
///
/// Errors:
/// -EINVAL: for a NULL `cb` or `types` bits that are not NS_*.
/// -ENOENT: when /proc is not mounted ("/proc is not mounted").
/// -EOPNOTSUPP: when /proc belongs to another PID namespace (its pids would
///   not be the caller's).
/// -EMFILE: when the scan runs out of descriptors.
/// -ENFILE: when the system runs out of descriptors.
/// -ENOMEM: when the kernel runs out of memory during the scan.
///
/// Thread safety: moves nothing; safe from any thread. The scan is shared
/// over up to 4 worker threads of the library's own when there are many
/// processes (gone from the kernel before the call returns), and done on
/// the calling thread when no thread can be started (RLIMIT_NPROC); `cb`
/// always runs on the calling thread. ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_list(types: c_int, cb: ns_list_cb, arg: *mut c_void) -> c_int {
    ffi("ns_list", || {
        let cb = cb.ok_or_else(|| Error::invalid("ns_list: cb").with_hint("NULL"))?;
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

/// Reads the limit on namespaces of one type per user.
///
/// The limit is /proc/sys/user/max_TYPE_namespaces.
///
/// `type`: exactly one NS_* value.
///
/// Returns: the limit (>= 0), or a negative errno.
///
/// Errors:
/// -EINVAL: unless `type` is exactly one NS_* value.
/// -ENOENT: when /proc is not mounted ("/proc is not mounted"), or the
///   kernel has no such file.
/// -EACCES: when the file may not be read.
/// -EIO: when the file does not hold a number.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any; max_time_namespaces exists from 5.6.
#[no_mangle]
pub extern "C" fn ns_get_limit(r#type: c_int) -> i64 {
    ffi("ns_get_limit", || limits::get_limit(r#type))
}

/// Sets the limit on namespaces of one type per user.
///
/// Writes /proc/sys/user/max_TYPE_namespaces.
///
/// `type`: exactly one NS_* value.
///
/// `value`: 0 to 2147483647; 0 forbids creating namespaces of that type.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for a bad `type` or `value`.
/// -EPERM: without privilege.
/// -EACCES: without privilege.
/// -ENOENT: when /proc is not mounted ("/proc is not mounted"), or the
///   kernel has no such file.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread. The limit is
/// system-wide (per user namespace): it applies to every process.
/// ns_last_error is per thread.
///
/// Kernel: any; max_time_namespaces exists from 5.6.
#[no_mangle]
pub extern "C" fn ns_set_limit(r#type: c_int, value: i64) -> c_int {
    ffi("ns_set_limit", || {
        limits::set_limit(r#type, value).map(|()| 0)
    })
}

/// Sets a clock offset of a new time namespace.
///
/// The namespace is the one process `pid`'s children get
/// (/proc/PID/timens_offsets). Processes in that namespace see the clock
/// plus sec and nsec. The kernel allows it only before any process has
/// entered the namespace.
///
/// `pid`: the process; 0 is the caller, e.g. after ns_unshare(NS_TIME).
///
/// `clock`: CLOCK_MONOTONIC or CLOCK_BOOTTIME.
///
/// `sec`: the offset's seconds (may be negative).
///
/// `nsec`: the offset's nanoseconds, 0 to 999999999.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for other clocks, `nsec` outside 0..999999999, `pid` < 0.
/// -EACCES: when a process has already entered that time namespace.
/// -ERANGE: for an offset the kernel refuses as out of range (it keeps
///   clock + offset within its time range).
/// -ESRCH: when there is no such process.
/// -EPERM: without CAP_SYS_TIME over the namespace.
/// -ENOENT: when /proc is not mounted ("/proc is not mounted"), or the
///   kernel has no time namespaces.
/// -EOPNOTSUPP: for a `pid` other than 0 when /proc belongs to another PID
///   namespace.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread. `pid` 0 is
/// /proc/self: the time_for_children namespace of the process's main
/// thread. ns_last_error is per thread.
///
/// Kernel: time namespaces, 5.6.
#[no_mangle]
pub extern "C" fn ns_set_time_offset(pid: libc::pid_t, clock: c_int, sec: i64, nsec: i64) -> c_int {
    ffi("ns_set_time_offset", || {
        timens::set_time_offset(pid, clock, sec, nsec).map(|()| 0)
    })
}

/// Changes the root mount of the caller's mount namespace: pivot_root(2).
///
/// `new_root`: a NUL-terminated path of the directory that becomes the
/// root.
///
/// `put_old`: a NUL-terminated path where the old root is moved; it may be
/// the same directory: then umount2(".", MNT_DETACH) after chdir(new_root)
/// drops it.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for NULL; pivot_root(2)'s (e.g. `new_root` is not a mount
///   point, or the root is shared).
/// -EBUSY: pivot_root(2)'s.
/// -EPERM: pivot_root(2)'s, without CAP_SYS_ADMIN.
/// -ENOTDIR: pivot_root(2)'s, when either is not a directory.
/// -ENOENT: when either does not exist.
///
/// Thread safety: changes the root mount of the caller's whole mount
/// namespace, and (as pivot_root(2) does) the root and cwd of every
/// process and thread in it that used the old root. Usually called in a
/// child of its own. ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_pivot_root(new_root: *const c_char, put_old: *const c_char) -> c_int {
    ffi("ns_pivot_root", || {
        // SAFETY: per this function's contract.
        let new_root = unsafe { arg_str(new_root, "ns_pivot_root: new_root") }?;
        // SAFETY: per this function's contract.
        let put_old = unsafe { arg_str(put_old, "ns_pivot_root: put_old") }?;
        pivot_kcmp::pivot_root(new_root, put_old).map(|()| 0)
    })
}

/// Compares a kernel resource of two processes: kcmp(2).
///
/// `pid1`: the first process.
///
/// `pid2`: the second process.
///
/// `type`: one NS_KCMP_* value.
///
/// `idx1`: for NS_KCMP_FILE, a file descriptor of `pid1`; else unused.
///
/// `idx2`: for NS_KCMP_FILE, a file descriptor of `pid2`; else unused.
///
/// Returns: 0 equal, 1 less, 2 greater, 3 not equal but unordered; or a
/// negative errno.
///
/// Errors:
/// -EINVAL: for another `type`.
/// -ESRCH: when either process does not exist.
/// -EPERM: without ptrace access to both.
/// -EBADF: for NS_KCMP_FILE with a closed fd or an index that is no file
///   descriptor (above INT_MAX).
/// -EOPNOTSUPP: where the kernel lacks kcmp.
/// -ENOSYS: where the kernel lacks kcmp.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any kernel built with kcmp (CONFIG_KCMP or
/// CONFIG_CHECKPOINT_RESTORE).
#[no_mangle]
pub extern "C" fn ns_kcmp(
    pid1: libc::pid_t,
    pid2: libc::pid_t,
    r#type: c_int,
    idx1: c_ulong,
    idx2: c_ulong,
) -> c_int {
    ffi("ns_kcmp", || {
        pivot_kcmp::kcmp(pid1, pid2, r#type, idx1, idx2)
    })
}
