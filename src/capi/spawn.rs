//! Spawning a program or a function in namespaces: ns_spawn, ns_spawn_fn.

use std::ffi::{c_char, c_int, c_void};

use super::{arg_str, ffi, give_fd};
use crate::error::{Error, Result};
use crate::spawn::{spawn, Program, SpawnAttr};
use crate::types::ns_spawn_attr;

/// Starts `path` with `argv` and `envp` in the namespaces `attr` describes.
///
/// `attr` NULL is a plain spawn. `envp` NULL passes the caller's
/// environment. A `path` without '/' is looked up in the caller's PATH
/// before the child exists (with ns_spawn_attr_set_root, a path with '/'
/// is taken inside the new root).
///
/// Returns the pid of the process that runs the program: a direct child of
/// the caller that sends SIGCHLD when it ends and must be waited for, also
/// when a PID namespace is joined or created (then it is pid 1 of the new
/// one). When `pidfd` is not NULL, `*pidfd` receives an O_CLOEXEC pidfd of
/// it.
///
/// Before anything starts, the attribute is checked so a spawn can never
/// change the caller's own host: a hostname needs a new or joined UTS
/// namespace, a root or propagation change a new mount namespace, a fresh
/// /proc new PID and mount namespaces, time offsets a new time namespace,
/// uid/gid maps a new user namespace; otherwise -EINVAL.
///
/// In the child, in this order: pdeathsig; join (ns_spawn_attr_join);
/// create (ns_spawn_attr_set_namespaces); the uid/gid maps (a single id of
/// the caller's own, as ns_spawn_attr_map_root makes, written by the child
/// itself; others by the caller while the child waits); hostname; mount propagation; root and
/// /proc; cwd; descriptors; then every signal disposition is reset to the
/// default and the signal mask emptied, and the program is executed. No
/// signal handler of the calling runtime ever runs in the child.
///
/// The child shares the caller's memory on a stack of its own until it
/// executes the program (CLONE_VM, and CLONE_VFORK when no join, time
/// offset or caller-written map needs a round trip, as posix_spawn), so
/// the cost does not grow with the caller's memory, and it is safe from any thread of any
/// runtime: nothing in the child allocates, takes a lock or touches errno.
/// Joins and time offsets use a short-lived intermediate process, which
/// creates the final child with CLONE_PARENT.
///
/// Errors: a failure of any step before the program runs is returned as
/// that step's negative errno, with ns_last_error reading
/// "child: <step>: <reason>" (e.g. "child: sethostname: Operation not
/// permitted", "child: execve: No such file or directory"); the child has
/// then been reaped and no descriptor is left open. Also: -EINVAL for a
/// NULL path or argv and the checks above; -ENOENT when PATH has no such
/// program; clone's -EPERM, -ENOSPC, -EUSERS.
///
/// # Safety
/// `path` and `argv` (NULL-terminated) are valid C strings; `envp` is NULL
/// or NULL-terminated; `attr` is NULL or live; `pidfd` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn(
    path: *const c_char,
    argv: *const *mut c_char,
    envp: *const *mut c_char,
    attr: *const ns_spawn_attr,
    pidfd: *mut c_int,
) -> libc::pid_t {
    ffi("ns_spawn", || {
        // SAFETY: per this function's contract.
        let path = arg_str(path, "ns_spawn: path")?;
        let program = Program::Exec {
            path,
            argv: argv.cast(),
            envp: envp.cast(),
        };
        // SAFETY: per this function's contract.
        unsafe { run(attr, program, pidfd) }
    })
}

/// Runs `fn(arg)` in a child set up exactly as ns_spawn would, but with its
/// own copy of the caller's memory (fork-like), so fn can never corrupt the
/// caller; fn's return value is the child's exit status. ns_clone's rules
/// apply: in a multithreaded caller fn may call only async-signal-safe
/// functions, fork's hooks do not run, the child leaves with _exit(2), and
/// the child keeps the caller's signal dispositions and mask.
///
/// Returns the child's pid (waitable, SIGCHLD); `*pidfd` as ns_spawn.
///
/// Errors: -EINVAL for a NULL fn; otherwise as ns_spawn.
///
/// # Safety
/// `fn(arg)` is safe to run in a fork-like child; `attr` NULL or live;
/// `pidfd` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_fn(
    attr: *const ns_spawn_attr,
    r#fn: Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>,
    arg: *mut c_void,
    pidfd: *mut c_int,
) -> libc::pid_t {
    ffi("ns_spawn_fn", || {
        let f = r#fn.ok_or_else(|| Error::invalid("ns_spawn_fn: fn").hint("NULL"))?;
        // SAFETY: per this function's contract.
        unsafe { run(attr, Program::Call { f, arg }, pidfd) }
    })
}

/// # Safety
/// As ns_spawn.
unsafe fn run(
    attr: *const ns_spawn_attr,
    program: Program<'_>,
    pidfd: *mut c_int,
) -> Result<libc::pid_t> {
    let plain = SpawnAttr::new();
    // SAFETY: NULL or live per the caller's contract.
    let attr = unsafe { attr.as_ref() }.map_or(&plain, |a| &a.inner);
    // SAFETY: forwarded contract.
    let (pid, fd) = unsafe { spawn(attr, program, !pidfd.is_null()) }?;
    if let Some(fd) = fd {
        // SAFETY: pidfd is non-NULL when a pidfd was asked for.
        unsafe { *pidfd = give_fd(fd) };
    }
    Ok(pid)
}
