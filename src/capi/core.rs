//! The core six: unshare, setns, open by pid, ids, id maps, clone.

use std::ffi::{c_int, c_uint, c_void};

use super::{arg_out, arg_slice, ffi, give_fd};
use crate::error::Error;
use crate::idmap::{self, MapKind};
use crate::types::ns_idmap;
use crate::{clone, enter, handles};

/// Moves the calling thread into new namespaces: unshare(2).
///
/// `flags` is any OR of NS_* values plus CLONE_FILES, CLONE_FS and
/// CLONE_SYSVSEM; 0 does nothing. Only the calling thread changes. For
/// NS_PID and NS_TIME the thread itself stays where it is: its future
/// children are created in the new namespace.
///
/// Errors: -EINVAL for any other bit (nothing is changed); -EINVAL when the
/// kernel refuses NS_USER because the process has several threads (the text
/// of ns_last_error says so); -EPERM without the privilege the kernel asks
/// for (CAP_SYS_ADMIN, or a new user namespace in the same call);
/// -ENOSPC when a max_*_namespaces limit is reached.
#[no_mangle]
pub extern "C" fn ns_unshare(flags: c_int) -> c_int {
    ffi("ns_unshare", || enter::unshare(flags).map(|()| 0))
}

/// Moves the calling thread into existing namespaces: setns(2).
///
/// `fd` a namespace file (from ns_open_pid, ns_open_path, ...): `types` is 0
/// (any) or exactly the namespace's NS_* type. `fd` a pidfd: `types` is a
/// non-empty OR of NS_* values, all entered in one step (kernels from 5.8;
/// before, one at a time, user namespace first, and if one fails the ones
/// already joined are left again where the kernel allows it, which it does
/// not for a user namespace).
///
/// Joining the user namespace the caller is already in succeeds and does
/// nothing (the kernel itself would refuse it). Only the calling thread
/// changes. The kernel refuses a user namespace to a multithreaded
/// process, and a mount namespace to a thread that shares its filesystem
/// context (root, cwd) with other threads, which every thread of a
/// multithreaded process does unless it called ns_unshare(CLONE_FS): both
/// are -EINVAL, with ns_last_error saying why. (Through a pidfd with more
/// types in the mask, the kernel would instead move the root of every
/// thread sharing the context; the library refuses that too, before
/// anything changes.) Use ns_run_in from multithreaded programs.
///
/// Errors: -EBADF when fd is not open; -EINVAL when fd is neither a
/// namespace nor a pidfd, when types does not fit it, or for bits that are
/// not NS_*; -ESRCH when the pidfd's process has exited; -EPERM without the
/// needed capabilities; -EMFILE when telling a pidfd from other files, or
/// listing the threads for a mount namespace, needs a descriptor and none
/// is free; -ENOENT when that needs /proc and it is not mounted.
#[no_mangle]
pub extern "C" fn ns_setns(fd: c_int, types: c_int) -> c_int {
    ffi("ns_setns", || enter::setns(fd, types).map(|()| 0))
}

/// Opens namespace `type` of process (or thread id) `pid`; 0 is the calling
/// thread (/proc/thread-self). `type` is one NS_* value; for NS_PID and
/// NS_TIME, `type | NS_FOR_CHILDREN` opens pid_for_children /
/// time_for_children, the namespace the process's next children get.
///
/// Returns a new O_CLOEXEC descriptor, the caller's to close.
///
/// Errors: -EINVAL for a negative pid, a type that is not exactly one NS_*
/// value, NS_FOR_CHILDREN with other types; -ESRCH when there is no such
/// process; -EOPNOTSUPP when this kernel lacks the namespace type; -EACCES
/// or -EPERM when the caller may not inspect the process; -ENOENT with
/// "/proc is not mounted" when there is no /proc.
#[no_mangle]
pub extern "C" fn ns_open_pid(pid: libc::pid_t, r#type: c_int) -> c_int {
    ffi("ns_open_pid", || {
        handles::open_pid(pid, r#type).map(give_fd)
    })
}

/// The namespace's inode number into `*id`: the N of `readlink
/// /proc/PID/ns/TYPE` = `type:[N]`, and lsns's NS column. Two namespaces
/// alive at the same time never share it, but the kernel may reuse it after
/// one is gone (see ns_unique_id for an id that is never reused).
///
/// Errors: -EINVAL when id is NULL or fd is not a namespace; -EBADF when fd
/// is not open.
///
/// # Safety
/// `id` is NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn ns_id(fd: c_int, id: *mut u64) -> c_int {
    ffi("ns_id", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(id, "ns_id: id") }?;
        *out = handles::id(fd)?;
        Ok(0)
    })
}

/// Writes /proc/PID/uid_map (pid 0: the calling process) in the single
/// write the kernel allows.
///
/// The map is checked before anything is written: 1 <= count <= 340
/// (-EINVAL, -E2BIG), every range's count >= 1, no range reaching id
/// 4294967295 ((uid_t)-1 is never mapped), inside ranges pairwise disjoint,
/// outside ranges pairwise disjoint (-EINVAL); ns_last_error names the bad
/// entry. The text must also fit in less than one page, as the kernel
/// requires, also through NS_MAP_USE_HELPER (newuidmap writes it the same
/// way): -E2BIG; about 120 ranges of 10-digit numbers fit in 4 KiB.
///
/// `flags`: NS_MAP_USE_HELPER writes through newuidmap(1), which allows the
/// ranges /etc/subuid grants the caller (-ENOENT if it is not in PATH;
/// -EPERM with its stderr in ns_last_error if it refuses).
/// NS_MAP_DENY_SETGROUPS is for gid maps only: -EINVAL here.
///
/// Errors, besides the above: -EINVAL for a negative pid, a NULL map or
/// unknown flags; -ESRCH when there is no such process; -EPERM from the
/// kernel (a map already written, or one the caller may not write, also
/// when the caller may not even open another user's /proc/PID files);
/// -ENOENT when /proc is not mounted; -EOPNOTSUPP for a pid other than 0
/// (or with NS_MAP_USE_HELPER) when /proc belongs to another PID namespace,
/// where that pid would name another process. newuidmap runs as the
/// library's own child, so a runtime that reaps children itself cannot
/// take its exit status.
///
/// # Safety
/// `map` is NULL or points at `count` entries.
#[no_mangle]
pub unsafe extern "C" fn ns_write_uid_map(
    pid: libc::pid_t,
    map: *const ns_idmap,
    count: usize,
    flags: c_uint,
) -> c_int {
    ffi("ns_write_uid_map", || {
        // SAFETY: per this function's contract.
        let map = unsafe { arg_slice(map, count, "ns_write_uid_map: map") }?;
        idmap::write_map(MapKind::Uid, pid, map, flags).map(|()| 0)
    })
}

/// Writes /proc/PID/gid_map; everything as ns_write_uid_map, with newgidmap
/// for NS_MAP_USE_HELPER, and NS_MAP_DENY_SETGROUPS, which first writes
/// "deny" to /proc/PID/setgroups: an unprivileged process must, before the
/// kernel lets it write a gid map (without it, -EPERM and ns_last_error
/// says "setgroups was not denied").
///
/// # Safety
/// `map` is NULL or points at `count` entries.
#[no_mangle]
pub unsafe extern "C" fn ns_write_gid_map(
    pid: libc::pid_t,
    map: *const ns_idmap,
    count: usize,
    flags: c_uint,
) -> c_int {
    ffi("ns_write_gid_map", || {
        // SAFETY: per this function's contract.
        let map = unsafe { arg_slice(map, count, "ns_write_gid_map: map") }?;
        idmap::write_map(MapKind::Gid, pid, map, flags).map(|()| 0)
    })
}

/// Starts a child in new namespaces `types` (an OR of NS_* values, 0 for
/// none) running `fn(arg)`; fn's return value is the child's exit status.
///
/// The child has its own copy of the caller's memory, as after fork(), and
/// the same rule applies: if the caller is multithreaded, fn may call only
/// async-signal-safe functions. fork()'s library hooks (pthread_atfork) do
/// not run, and when fn returns the child leaves with _exit(2): stdio
/// buffers are not flushed, so fflush or write(2) what must be seen. With
/// NS_PID the child is pid 1 of the new PID namespace.
///
/// Returns the child's pid: a direct child of the caller that sends SIGCHLD
/// when it ends and must be waited for. When `pidfd` is not NULL, `*pidfd`
/// receives an O_CLOEXEC pidfd of the child (the caller's to close).
///
/// This is ns_spawn_fn with an attribute that sets only `types`.
///
/// Errors: -EINVAL for a NULL fn or bits that are not NS_*; -EPERM, -ENOSPC,
/// -EUSERS as clone(2) returns them.
///
/// # Safety
/// `fn` is callable with `arg` in the child; `pidfd` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ns_clone(
    types: c_int,
    r#fn: Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>,
    arg: *mut c_void,
    pidfd: *mut c_int,
) -> libc::pid_t {
    ffi("ns_clone", || {
        let f = r#fn.ok_or_else(|| Error::invalid("ns_clone: fn").hint("NULL"))?;
        // SAFETY: f and arg are the caller's, run in the child per contract.
        let (pid, fd) = unsafe { clone::clone_fn(types, f, arg, !pidfd.is_null()) }?;
        if let Some(fd) = fd {
            // SAFETY: pidfd is non-NULL here (we asked for a pidfd only then).
            unsafe { *pidfd = give_fd(fd) };
        }
        Ok(pid)
    })
}
