//! Entering and creating.

use std::ffi::{c_int, c_uint, c_void};

use super::{arg_slice, ffi, give_fd};
use crate::error::Error;
use crate::types::ns_idmap;
use crate::{create, enter};

/// Moves the calling thread into namespaces `types` of process `pid`, like
/// `nsenter -t PID`. `types` 0 means every namespace in which pid differs
/// from the caller; namespaces the caller is already in are skipped. One
/// atomic setns of a pidfd where the kernel allows it (5.8); before, one at
/// a time, the user namespace first when the caller is not root and last
/// when it is, as nsenter does.
///
/// Only the calling thread moves, so the rules of ns_setns apply: a user
/// namespace needs a single-threaded caller, and a mount namespace a
/// thread that does not share its filesystem context (-EINVAL, explained
/// in ns_last_error; nothing is changed). Use ns_run_in or ns_spawn from
/// multithreaded programs.
///
/// With pidfd_open refused (a seccomp filter) or missing, the namespaces
/// are opened through /proc/PID and the process is checked to be the same
/// (its start time) before any is joined.
///
/// Errors: -EINVAL for pid <= 0 or bits that are not NS_*; -ESRCH when
/// there is no such process; -EPERM without the needed privileges, also
/// when the caller may not inspect the target; -EOPNOTSUPP when `types`
/// names a type this kernel lacks, or (without pidfd_open) when /proc
/// belongs to another PID namespace; -ENOENT when /proc is not mounted
/// and it is needed; -EMFILE when no descriptor is free.
#[no_mangle]
pub extern "C" fn ns_enter_pid(pid: libc::pid_t, types: c_int) -> c_int {
    ffi("ns_enter_pid", || enter::enter_pid(pid, types).map(|()| 0))
}

struct SendPtr(*mut c_void);
// SAFETY: the pointer is handed to the caller's function on one other
// thread while the caller waits; sharing it is the caller's contract.
unsafe impl Send for SendPtr {}

/// Runs `fn(arg)` on a fresh thread that has joined `fd` (a namespace fd
/// with `types` 0 or its type, or a pidfd with a mask, as ns_setns takes
/// them), waits for it, and stores its return value in `*result` (when
/// not NULL). The calling thread never changes namespaces, so this is safe
/// from any thread of any runtime (Go, GHC, Perl).
///
/// Mount namespaces work: the thread first unshares its filesystem context
/// (CLONE_FS). User namespaces cannot be joined by a thread of a
/// multithreaded process: -EINVAL. The thread ends after fn returns, taking
/// its namespaces with it; fn must not leave threads or state behind that
/// expect them.
///
/// Errors: -EINVAL for a NULL fn, a user namespace, bits that are not NS_*,
/// or a fd that is neither a namespace nor a pidfd; -EBADF; -EMFILE when
/// telling a pidfd from other files needs a descriptor and none is free;
/// -EAGAIN when no thread can be started (RLIMIT_NPROC); the errors of
/// ns_setns for the join.
///
/// # Safety
/// `fn` is callable with `arg` on another thread; `result` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn ns_run_in(
    fd: c_int,
    types: c_int,
    r#fn: Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>,
    arg: *mut c_void,
    result: *mut c_int,
) -> c_int {
    ffi("ns_run_in", || {
        let f = r#fn.ok_or_else(|| Error::invalid("ns_run_in: fn").hint("NULL"))?;
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

/// A new namespace of exactly one `type`, as a descriptor, created without
/// moving the caller (a helper thread unshares it; for NS_USER a helper
/// process). For NS_PID and NS_TIME it is the namespace children would
/// get: nobody is in it yet, and the first process to enter it (e.g. a
/// child spawned after joining it) becomes its pid 1 / sees its offsets.
/// NS_USER gives a user namespace without maps (see ns_new_userns).
///
/// Returns a new O_CLOEXEC descriptor.
///
/// Errors: -EINVAL unless `type` is exactly one NS_* value; -EPERM without
/// CAP_SYS_ADMIN (except NS_USER); -ENOSPC at a max_*_namespaces limit;
/// -EOPNOTSUPP for NS_PID on kernels before 6.11, which cannot show an
/// empty PID namespace (with pidfd_open filtered, NS_PID is opened through
/// a helper process's pidfd instead); -EAGAIN when no thread can be started
/// (RLIMIT_NPROC).
#[no_mangle]
pub extern "C" fn ns_new(r#type: c_int) -> c_int {
    ffi("ns_new", || create::new_ns(r#type).map(give_fd))
}

/// A new user namespace with these maps, as a descriptor: for idmapped
/// mounts and ns_spawn_attr_join. A helper process creates it and waits
/// while the caller writes the maps (so several ranges and newuidmap work)
/// and opens it; the caller never moves. Either map may be absent (NULL
/// and count 0). `flags` as the map writers: NS_MAP_DENY_SETGROUPS applies
/// to the gid map, NS_MAP_USE_HELPER to both.
///
/// Returns a new O_CLOEXEC descriptor.
///
/// Errors: the map checks of ns_write_uid_map; -EINVAL for unknown flags
/// or a NULL map with a non-zero count; the kernel's -EPERM for maps the
/// caller may not write (ns_last_error names the file); -ENOENT when /proc
/// is not mounted. The helper is addressed through the /proc/self it
/// opened itself, so a /proc of another PID namespace does no harm (except
/// with NS_MAP_USE_HELPER: newuidmap looks the pid up in /proc, and the
/// call fails with -EOPNOTSUPP there). The helper is the library's own
/// child with exit signal 0: no SIGCHLD handler or waitpid(-1) of the
/// caller's runtime sees it.
///
/// # Safety
/// Each map is NULL or points at its count of entries.
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
