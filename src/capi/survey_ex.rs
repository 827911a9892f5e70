//! Listing that misses nothing: ns_list_ex.

use std::ffi::{c_int, c_uint, c_void};

use super::ffi;
use crate::error::Error;
use crate::survey_all;
use crate::types::ns_list_cb;

/// Lists namespaces; with NS_LIST_ALL also those no process is in.
///
/// With `flags` 0 this is ns_list: the namespaces of processes and of nsfs
/// bind mounts in the caller's mount namespace, as lsns(8) shows them.
/// With NS_LIST_ALL it also reports namespaces kept alive only by an open
/// descriptor (of any process the caller may inspect, or of a thread with
/// a descriptor table of its own), by a thread that is in another
/// namespace than its process, by a pid_for_children or time_for_children
/// link, by an nsfs bind mount in any mount namespace (not only the
/// caller's), or only as the parent (NS_GET_PARENT) or owning user
/// namespace (NS_GET_USERNS) of another namespace found. Each namespace is
/// reported once, in ascending order of (type, id).
///
/// In `struct ns_info`, nprocs and pid count the processes whose
/// /proc/PID/ns link shows the namespace, exactly as ns_list: a namespace
/// held only by a descriptor, a bind mount, a thread, a *_for_children link
/// or as a parent or owner has nprocs 0 and pid 0. id, userns_id,
/// parent_id, type and owner_uid are as ns_list gives them.
///
/// How they are found. On Linux 6.19 and later, for a caller that may see
/// every namespace (CAP_SYS_ADMIN in the initial user namespace, running in
/// the initial PID namespace), listns(2) lists them and each is opened by
/// its 64-bit id (an nsfs file handle, 6.18); /proc gives the process
/// counts. Otherwise, and on older kernels, a scan of /proc finds them:
/// every process's descriptors (/proc/PID/fd), threads, *_for_children
/// links and mount namespaces (their nsfs mounts through /proc/PID/root),
/// then the parents and owners of everything found; mount namespaces that
/// no process is in are entered by a helper thread to read their mounts
/// (where the caller may join them), and, for a privileged caller, the
/// kernel's walk over mount namespaces (NS_MNT_GET_NEXT, 6.12) adds those
/// held by anything else. Both ways give the same set for a privileged
/// caller, but for what no /proc file shows: a namespace held only by a
/// descriptor in flight in a unix socket (listns sees it; the scan only a
/// mount namespace, through the walk), and a PID namespace before its
/// first process (its pid_for_children link cannot be read until then).
/// An unprivileged caller gets what it may inspect: the namespaces of its
/// own processes and their descriptors, and of the bind mounts it can
/// reach (the kernel's listns and walk show such a caller nothing more).
///
/// The answer is complete or an error, never silently partial: running out
/// of descriptors or memory fails the call. Processes that exit meanwhile
/// are left out, as with ns_list.
///
/// `types`: an OR of NS_* values; 0 for all.
///
/// `flags`: 0, or NS_LIST_ALL.
///
/// `cb`: called as cb(info, arg) once per namespace, on the calling
/// thread; a non-zero return stops the walk.
///
/// Returns: the number of namespaces reported to `cb`, or a negative
/// errno.
///
/// Errors:
/// -EINVAL: for a NULL `cb`, `types` bits that are not NS_*, or `flags`
///   bits other than NS_LIST_ALL.
/// -ENOENT: when /proc is not mounted ("/proc is not mounted").
/// -EOPNOTSUPP: when /proc belongs to another PID namespace (its pids would
///   not be the caller's).
/// -EMFILE: when the scan runs out of descriptors.
/// -ENFILE: when the system runs out of descriptors.
/// -ENOMEM: when the kernel runs out of memory during the scan.
/// -EAGAIN: when no helper thread can be started (RLIMIT_NPROC) to read
///   the bind mounts of a mount namespace that no process is in.
/// -EIO: when listns(2) returns ids out of order.
///
/// Thread safety: moves nothing; safe from any thread. The scan may use up
/// to 4 worker threads of the library's own, and one more per mount
/// namespace that no process is in (each gone from the kernel before the
/// call returns); `cb` always runs on the calling thread. ns_last_error is
/// per thread.
///
/// Kernel: any. listns(2) from 6.19 (without it, or under
/// LINUXNS_FORCE_FALLBACK=1, the scan); the mount namespace walk from 6.12
/// (skipped before, and under LINUXNS_FORCE_FALLBACK=1).
#[no_mangle]
pub unsafe extern "C" fn ns_list_ex(
    types: c_int,
    flags: c_uint,
    cb: ns_list_cb,
    arg: *mut c_void,
) -> c_int {
    ffi("ns_list_ex", || {
        let cb = cb.ok_or_else(|| Error::invalid("cb").with_hint("NULL"))?;
        let all = survey_all::list_ex(types, flags)?;
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
