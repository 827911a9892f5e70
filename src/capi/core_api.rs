//! The core six: unshare, setns, open by pid, ids, id maps, clone.

use std::ffi::{c_int, c_uint, c_void};

use super::{arg_out, arg_slice, ffi, give_fd};
use crate::error::Error;
use crate::idmap::{self, MapKind};
use crate::types::ns_idmap;
use crate::{clone, enter, handles};

/// Moves the calling thread into new namespaces: unshare(2).
///
/// For NS_PID and NS_TIME the thread itself stays where it is: its future
/// children are created in the new namespace.
///
/// `flags`: any OR of NS_* values plus CLONE_FILES, CLONE_FS and
/// CLONE_SYSVSEM; 0 does nothing.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `flags` has any other bit (nothing is changed); when the
///   kernel refuses NS_USER because the process has several threads (the
///   text of ns_last_error says so); when the kernel lacks a requested
///   namespace type.
/// -EPERM: without the privilege the kernel asks for (CAP_SYS_ADMIN, or a
///   new user namespace in the same call).
/// -ENOSPC: when a max_*_namespaces limit, or the nesting limit of user
///   or PID namespaces, is reached.
/// -ENOMEM: when the kernel runs out of memory.
///
/// Thread safety: moves only the calling thread; the process's other
/// threads keep their namespaces. NS_USER needs a single-threaded process.
/// A runtime that moves work between OS threads must pin the caller to
/// its thread first (Go: runtime.LockOSThread); ns_spawn and ns_run_in
/// never move the caller. ns_last_error is per thread.
///
/// Kernel: any; NS_TIME needs 5.6 (-EINVAL before).
#[no_mangle]
pub extern "C" fn ns_unshare(flags: c_int) -> c_int {
    ffi("ns_unshare", || enter::unshare(flags).map(|()| 0))
}

/// Moves the calling thread into existing namespaces: setns(2).
///
/// Joining the user namespace the caller is already in succeeds and does
/// nothing (the kernel itself would refuse it).
///
/// `fd`: a namespace file (from ns_open_pid, ns_open_path, ...) or a
/// pidfd.
///
/// `types`: for a namespace file, 0 (any) or exactly the namespace's NS_*
/// type; for a pidfd, a non-empty OR of NS_* values, entered together (see
/// Kernel).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EBADF: when `fd` is not open.
/// -EINVAL: when `fd` is neither a namespace nor a pidfd, when `types` does
///   not fit it or has bits that are not NS_*; when the kernel refuses a
///   user namespace to a multithreaded process, or a mount namespace to a
///   thread that shares its filesystem context (ns_last_error says why).
/// -ESRCH: when the pidfd's process has exited.
/// -EPERM: without the needed capabilities.
/// -EOPNOTSUPP: when a pidfd's `types` names a type this kernel lacks and
///   the namespaces are opened through /proc (kernels before 5.8).
/// -EMFILE: when telling a pidfd from other files, or listing the threads
///   for a mount namespace, needs a descriptor and none is free.
/// -ENOENT: when that needs /proc and it is not mounted ("/proc is not
///   mounted").
///
/// Thread safety: moves only the calling thread. The kernel refuses a
/// user namespace to a multithreaded process, and a mount namespace to a
/// thread that shares its filesystem context (root, cwd) with other
/// threads, which every thread of a multithreaded process does unless it
/// called ns_unshare(CLONE_FS). (Through a pidfd with more types in the
/// mask, the kernel would instead move the root of every thread sharing
/// the context; the library refuses that too, before anything changes.)
/// Use ns_run_in from multithreaded programs. ns_last_error is per thread.
///
/// Kernel: any. A pidfd's namespaces are entered in one step from 5.8;
/// before, one at a time, user namespace first, and if one fails the ones
/// already joined are left again where the kernel allows it, which it does
/// not for a user namespace.
#[no_mangle]
pub extern "C" fn ns_setns(fd: c_int, types: c_int) -> c_int {
    ffi("ns_setns", || enter::setns(fd, types).map(|()| 0))
}

/// Opens a namespace of a process or thread, by pid.
///
/// `pid`: a process (or thread) id; 0 is the calling thread
/// (/proc/thread-self).
///
/// `type`: one NS_* value; for NS_PID and NS_TIME, `type | NS_FOR_CHILDREN`
/// opens pid_for_children / time_for_children, the namespace the process's
/// next children get.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EINVAL: when `pid` is negative, `type` is not exactly one NS_* value, or
///   NS_FOR_CHILDREN comes with another type than NS_PID or NS_TIME.
/// -ESRCH: when there is no such process, or it has exited.
/// -EOPNOTSUPP: when this kernel lacks the namespace type.
/// -EACCES: when the caller may not inspect the process.
/// -EPERM: when the caller may not inspect the process.
/// -ENOENT: with "/proc is not mounted" when there is no /proc; with
///   NS_FOR_CHILDREN, when no process is in that namespace yet (the kernel
///   shows it only then).
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread of any runtime.
/// `pid` 0 names the calling thread, whose namespaces may differ from the
/// other threads'. ns_last_error is per thread.
///
/// Kernel: any; NS_TIME needs 5.6 (-EOPNOTSUPP before).
#[no_mangle]
pub extern "C" fn ns_open_pid(pid: libc::pid_t, r#type: c_int) -> c_int {
    ffi("ns_open_pid", || {
        handles::open_pid(pid, r#type).map(give_fd)
    })
}

/// The inode number of a namespace, as /proc and lsns show it.
///
/// The id is the N of `readlink /proc/PID/ns/TYPE` = `type:[N]`, and
/// lsns's NS column. Two namespaces alive at the same time never share it,
/// but the kernel may reuse it after one is gone (see ns_unique_id for an
/// id that is never reused).
///
/// `fd`: a namespace descriptor.
///
/// `id`: points at a uint64_t that receives the id (NULL is refused).
///
/// Returns: 0 with `*id` set, or a negative errno.
///
/// Errors:
/// -EINVAL: when `id` is NULL or `fd` is not a namespace.
/// -EBADF: when `fd` is not open.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_id(fd: c_int, id: *mut u64) -> c_int {
    ffi("ns_id", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(id, "ns_id: id") }?;
        *out = handles::id(fd)?;
        Ok(0)
    })
}

/// Writes the uid map of a process's user namespace, /proc/PID/uid_map.
///
/// The whole map goes in the single write the kernel allows. It is checked
/// before anything is written: 1 <= count <= 340, every range's count >= 1,
/// no range reaching id 4294967295 ((uid_t)-1 is never mapped), inside
/// ranges pairwise disjoint, outside ranges pairwise disjoint; ns_last_error
/// names the bad entry. The text must also fit in less than one page, as
/// the kernel requires, also through NS_MAP_USE_HELPER (newuidmap writes it
/// the same way); about 120 ranges of 10-digit numbers fit in 4 KiB.
///
/// `pid`: the process; 0 is the calling process.
///
/// `map`: points at `count` struct ns_idmap entries.
///
/// `count`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
///
/// `flags`: 0, or NS_MAP_USE_HELPER to write through newuidmap(1), which
/// allows the ranges /etc/subuid grants the caller. NS_MAP_DENY_SETGROUPS
/// is for gid maps only: -EINVAL here.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `pid` is negative, `map` is NULL, `count` is 0, `flags`
///   has unknown bits or NS_MAP_DENY_SETGROUPS, or a range is empty, runs
///   past 4294967294 or overlaps another.
/// -E2BIG: when `count` is above 340 or the text is a page or longer.
/// -ESRCH: when there is no such process.
/// -EPERM: from the kernel (a map already written, or one the caller may
///   not write, also when the caller may not even open another user's
///   /proc/PID files); with NS_MAP_USE_HELPER when newuidmap refuses (its
///   stderr in ns_last_error).
/// -ENOENT: when /proc is not mounted; with NS_MAP_USE_HELPER when
///   newuidmap is not in PATH.
/// -EOPNOTSUPP: for a `pid` other than 0 (or with NS_MAP_USE_HELPER) when
///   /proc belongs to another PID namespace, where that pid would name
///   another process.
/// -EMFILE: when no descriptor is free.
/// -EAGAIN: with NS_MAP_USE_HELPER when no process can be started
///   (RLIMIT_NPROC).
///
/// Thread safety: moves nothing; safe from any thread of any runtime.
/// newuidmap runs as the library's own child (exit signal 0), so a
/// runtime that reaps children itself cannot take its exit status.
/// ns_last_error is per thread.
///
/// Kernel: any. newuidmap's exit status is read through its pidfd
/// (PIDFD_INFO_EXIT, 6.15); before, through a supervising process of the
/// library's own.
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

/// Writes the gid map of a process's user namespace, /proc/PID/gid_map.
///
/// Everything as ns_write_uid_map: the same checks before anything is
/// written, the single write, newgidmap(1) for NS_MAP_USE_HELPER.
///
/// `pid`: the process; 0 is the calling process.
///
/// `map`: points at `count` struct ns_idmap entries.
///
/// `count`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
///
/// `flags`: an OR of NS_MAP_USE_HELPER (write through newgidmap, which
/// allows the ranges /etc/subgid grants the caller) and
/// NS_MAP_DENY_SETGROUPS, which first writes "deny" to
/// /proc/PID/setgroups: an unprivileged process must, before the kernel
/// lets it write a gid map.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `pid` is negative, `map` is NULL, `count` is 0, `flags`
///   has unknown bits, or a range is empty, runs past 4294967294 or
///   overlaps another.
/// -E2BIG: when `count` is above 340 or the text is a page or longer.
/// -ESRCH: when there is no such process.
/// -EPERM: from the kernel (a map already written, or one the caller may
///   not write, also when the caller may not even open another user's
///   /proc/PID files); without NS_MAP_DENY_SETGROUPS where the kernel
///   requires it (ns_last_error says "setgroups was not denied"); with
///   NS_MAP_USE_HELPER when newgidmap refuses (its stderr in ns_last_error).
/// -ENOENT: when /proc is not mounted; with NS_MAP_USE_HELPER when
///   newgidmap is not in PATH.
/// -EOPNOTSUPP: for a `pid` other than 0 (or with NS_MAP_USE_HELPER) when
///   /proc belongs to another PID namespace, where that pid would name
///   another process.
/// -EMFILE: when no descriptor is free.
/// -EAGAIN: with NS_MAP_USE_HELPER when no process can be started
///   (RLIMIT_NPROC).
///
/// Thread safety: moves nothing; safe from any thread of any runtime.
/// newgidmap runs as the library's own child (exit signal 0), so a
/// runtime that reaps children itself cannot take its exit status.
/// ns_last_error is per thread.
///
/// Kernel: any. newgidmap's exit status is read through its pidfd
/// (PIDFD_INFO_EXIT, 6.15); before, through a supervising process of the
/// library's own.
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

/// Starts a child running a function in new namespaces.
///
/// The child has its own copy of the caller's memory, as after fork().
/// fork()'s library hooks (pthread_atfork) do not run, and when `fn`
/// returns the child leaves with _exit(2): stdio buffers are not flushed,
/// so fflush or write(2) what must be seen. With NS_PID the child is pid 1
/// of the new PID namespace. This is ns_spawn_fn with an attribute that
/// sets only `types`.
///
/// `types`: the namespaces the child gets new, an OR of NS_* values; 0 for
/// none.
///
/// `fn`: the function the child runs with `arg`; its return value is the
/// child's exit status.
///
/// `pidfd`: NULL, or where an O_CLOEXEC pidfd of the child is stored (the
/// caller's to close).
///
/// Returns: the child's pid, a direct child of the caller that sends
/// SIGCHLD when it ends and must be waited for; or a negative errno.
///
/// Errors:
/// -EINVAL: when `fn` is NULL or `types` has bits that are not NS_*; when
///   the kernel lacks a requested namespace type.
/// -EPERM: as clone(2) returns it (no privilege for these namespaces).
/// -ENOSPC: as clone(2) returns it (a namespace limit is reached).
/// -EUSERS: as clone(2) returns it.
/// -EAGAIN: when no process can be started (RLIMIT_NPROC).
/// -ENOMEM: when the kernel runs out of memory.
/// -EMFILE: when no descriptor is free for the pidfd or the report pipe.
///
/// Thread safety: the caller never moves; safe from any thread of any
/// runtime. If the caller is multithreaded, `fn` may call only
/// async-signal-safe functions, as after fork(). The outcome does not
/// depend on who else reaps children in the process: the library tracks
/// the child by a pidfd taken when it is created. ns_last_error is per
/// thread.
///
/// Kernel: clone3 (5.3), or clone(2) when a seccomp filter refuses clone3;
/// NS_TIME needs 5.6 and is created through a short-lived intermediate
/// process where clone3 is refused.
#[no_mangle]
pub unsafe extern "C" fn ns_clone(
    types: c_int,
    r#fn: Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>,
    arg: *mut c_void,
    pidfd: *mut c_int,
) -> libc::pid_t {
    ffi("ns_clone", || {
        let f = r#fn.ok_or_else(|| Error::invalid("ns_clone: fn").with_hint("NULL"))?;
        // SAFETY: f and arg are the caller's, run in the child per contract.
        let (pid, fd) = unsafe { clone::clone_fn(types, f, arg, !pidfd.is_null()) }?;
        if let Some(fd) = fd {
            // SAFETY: pidfd is non-NULL here (we asked for a pidfd only then).
            unsafe { *pidfd = give_fd(fd) };
        }
        Ok(pid)
    })
}
