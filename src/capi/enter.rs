//! Entering and creating.

use std::ffi::{c_int, c_uint, c_void};

use super::{arg_slice, ffi, give_fd};
use crate::error::Error;
use crate::types::ns_idmap;
use crate::{create, enter};

/// Moves the calling thread into a process's namespaces, like `nsenter -t PID`.
///
/// Namespaces the caller is already in are skipped.
///
/// `pid`: the process, > 0.
///
/// `types`: an OR of NS_* values; 0 means every namespace in which `pid`
/// differs from the caller.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `pid` <= 0 or `types` has bits that are not NS_*; when a
///   user namespace is to be joined by a multithreaded caller, or a mount
///   namespace by a thread that shares its filesystem context (explained
///   in ns_last_error; nothing is changed).
/// -ESRCH: when there is no such process.
/// -EPERM: without the needed privileges, also when the caller may not
///   inspect the target.
/// -EOPNOTSUPP: when `types` names a type this kernel lacks, or (without
///   pidfd_open) when /proc belongs to another PID namespace.
/// -ENOENT: when /proc is not mounted and it is needed.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves only the calling thread, so the rules of ns_setns
/// apply: a user namespace needs a single-threaded caller, and a mount
/// namespace a thread that does not share its filesystem context. Use
/// ns_run_in or ns_spawn from multithreaded programs. ns_last_error is per
/// thread.
///
/// Kernel: pidfd_open (5.3) and one atomic setns of the pidfd where the
/// kernel allows it (5.8); before 5.8, one at a time, the user namespace
/// first when the caller is not root and last when it is, as nsenter does.
/// With pidfd_open refused (a seccomp filter) or missing, the namespaces
/// are opened through /proc/PID and the process is checked to be the same
/// (its start time) before any is joined.
#[no_mangle]
pub extern "C" fn ns_enter_pid(pid: libc::pid_t, types: c_int) -> c_int {
    ffi("ns_enter_pid", || enter::enter_pid(pid, types).map(|()| 0))
}

struct SendPtr(*mut c_void);
// SAFETY: the pointer is handed to the caller's function on one other
// thread while the caller waits; sharing it is the caller's contract.
unsafe impl Send for SendPtr {}

/// Runs a function on a new thread inside namespaces, and waits for it.
///
/// Mount namespaces work: the thread first unshares its filesystem context
/// (CLONE_FS). User namespaces cannot be joined by a thread of a
/// multithreaded process. The thread ends after `fn` returns, taking its
/// namespaces with it; `fn` must not leave threads or state behind that
/// expect them.
///
/// `fd`: a namespace descriptor or a pidfd, as ns_setns takes them.
///
/// `types`: for a namespace, 0 or its NS_* type; for a pidfd, a non-empty
/// NS_* mask.
///
/// `fn`: called with `arg` on the new thread, which blocks every signal (no
/// handler of the caller's runs in other namespaces; a signal sent to that
/// thread stays pending and ends with it).
///
/// `result`: NULL, or where fn's return value is stored.
///
/// Returns: 0 once `fn` has run, or a negative errno.
///
/// Errors:
/// -EINVAL: when `fn` is NULL, a user namespace would be joined, `types`
///   has bits that are not NS_* or does not fit `fd`, or `fd` is neither a
///   namespace nor a pidfd.
/// -EBADF: when `fd` is not open.
/// -EMFILE: when telling a pidfd from other files needs a descriptor and
///   none is free.
/// -EAGAIN: when no thread can be started (RLIMIT_NPROC).
/// -ESRCH: when the pidfd's process has exited.
/// -EPERM: without the privileges the join needs.
/// -ENOENT: when telling a pidfd from other files needs /proc and it is
///   not mounted.
///
/// Thread safety: the calling thread never changes namespaces, so this is
/// safe from any thread of any runtime (Go, GHC, Perl); `fn` runs on a
/// thread of the library's own, gone from the kernel before the call
/// returns. ns_last_error is per thread.
///
/// Kernel: as ns_setns (a pidfd's namespaces in one step from 5.8).
#[no_mangle]
pub unsafe extern "C" fn ns_run_in(
    fd: c_int,
    types: c_int,
    r#fn: Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>,
    arg: *mut c_void,
    result: *mut c_int,
) -> c_int {
    ffi("ns_run_in", || {
        let f = r#fn.ok_or_else(|| Error::invalid("ns_run_in: fn").with_hint("NULL"))?;
        let arg = SendPtr(arg);
        let r = enter::run_in(fd, types, move || {
            let arg = arg;
            // SAFETY: the caller's function and argument, per contract.
            unsafe { f(arg.0) }
        })?;
        if !result.is_null() {
            // SAFETY: writable per contract.
            unsafe { *result = r };
        }
        Ok(0)
    })
}

/// Creates a namespace of one type, as a descriptor, without moving the caller.
///
/// A helper thread unshares it; for NS_USER a helper process. For NS_PID
/// and NS_TIME it is the namespace children would get: nobody is in it
/// yet, and the first process to enter it (e.g. a child spawned after
/// joining it) becomes its pid 1 / sees its offsets. NS_USER gives a user
/// namespace without maps (see ns_new_userns).
///
/// `type`: exactly one NS_* value.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EINVAL: unless `type` is exactly one NS_* value; when the kernel lacks
///   the namespace type.
/// -EPERM: without CAP_SYS_ADMIN (except NS_USER).
/// -ENOSPC: at a max_*_namespaces limit.
/// -EOPNOTSUPP: for NS_PID on kernels before 6.11, which cannot show an
///   empty PID namespace.
/// -EAGAIN: when no thread (or, for NS_USER, no process) can be started
///   (RLIMIT_NPROC).
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: the caller never moves; safe from any thread of any
/// runtime. The helper thread is gone from the kernel before the call
/// returns; the helper process is the library's own child with exit
/// signal 0, unseen by the caller's SIGCHLD handler or waitpid(-1).
/// ns_last_error is per thread.
///
/// Kernel: NS_PID needs PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE (6.11); with
/// pidfd_open filtered, NS_PID is opened through a helper process's pidfd
/// instead. NS_TIME needs 5.6. The other types: any.
#[no_mangle]
pub extern "C" fn ns_new(r#type: c_int) -> c_int {
    ffi("ns_new", || create::new_ns(r#type).map(give_fd))
}

/// Creates a new user namespace with uid and gid maps, as a descriptor.
///
/// For idmapped mounts and ns_spawn_attr_join. A helper process creates it
/// and waits while the caller writes the maps (so several ranges and
/// newuidmap work) and opens it. The helper is addressed through the
/// /proc/self it opened itself, so a /proc of another PID namespace does no
/// harm (except with NS_MAP_USE_HELPER: newuidmap looks the pid up in
/// /proc).
///
/// `uid_map`: points at `uid_count` entries, or is NULL when `uid_count` is
/// 0 (no uid map).
///
/// `gid_map`: points at `gid_count` entries, or is NULL when `gid_count` is
/// 0 (no gid map).
///
/// `flags`: as the map writers take them: NS_MAP_DENY_SETGROUPS applies to
/// the gid map, NS_MAP_USE_HELPER to both.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EINVAL: for unknown flags, a NULL map with a non-zero count, and the
///   map checks of ns_write_uid_map (an empty or overlapping range, one
///   running past 4294967294).
/// -E2BIG: when a map has more than 340 ranges or its text is a page or
///   longer.
/// -EPERM: the kernel's, for maps the caller may not write (ns_last_error
///   names the file); when newuidmap or newgidmap refuses.
/// -ENOENT: when /proc is not mounted; with NS_MAP_USE_HELPER when
///   newuidmap or newgidmap is not in PATH.
/// -EOPNOTSUPP: with NS_MAP_USE_HELPER when /proc belongs to another PID
///   namespace.
/// -ENOSPC: at the max_user_namespaces limit.
/// -EAGAIN: when no process can be started (RLIMIT_NPROC).
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: the caller never moves; safe from any thread of any
/// runtime. The helper is the library's own child with exit signal 0: no
/// SIGCHLD handler or waitpid(-1) of the caller's runtime sees it.
/// ns_last_error is per thread.
///
/// Kernel: any (the helper is started with clone3, 5.3, or clone(2) when a
/// seccomp filter refuses clone3).
#[no_mangle]
pub unsafe extern "C" fn ns_new_userns(
    uid_map: *const ns_idmap,
    uid_count: usize,
    gid_map: *const ns_idmap,
    gid_count: usize,
    flags: c_uint,
) -> c_int {
    ffi("ns_new_userns", || {
        // SAFETY: per this function's contract.
        let uid = unsafe { optional_map(uid_map, uid_count, "ns_new_userns: uid_map") }?;
        // SAFETY: per this function's contract.
        let gid = unsafe { optional_map(gid_map, gid_count, "ns_new_userns: gid_map") }?;
        create::new_userns(uid, gid, flags).map(give_fd)
    })
}

/// NULL with count 0 is "no map".
///
/// # Safety
/// `p` is NULL or points at n entries.
unsafe fn optional_map<'a>(
    p: *const ns_idmap,
    n: usize,
    what: &'static str,
) -> crate::Result<Option<&'a [ns_idmap]>> {
    if p.is_null() && n == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded.
    unsafe { arg_slice(p, n, what) }.map(Some)
}
