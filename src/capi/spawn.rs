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
/// before the child exists, and the file found is the file executed: a
/// relative PATH entry ("", ".") is taken in the caller's cwd, whatever
/// ns_spawn_attr_set_cwd says (with ns_spawn_attr_set_root, a path with
/// '/' is taken inside the new root, and a relative one after the chdir).
///
/// Descriptors: as with posix_spawn, those open without close-on-exec and
/// not named by ns_spawn_attr_set_fd are inherited unchanged; set_fd reads
/// every source descriptor as the caller had it, even when another set_fd
/// writes that number, and works up to RLIMIT_NOFILE.
///
/// Returns the pid of the process that runs the program: a direct child of
/// the caller that sends SIGCHLD when it ends and must be waited for, also
/// when a PID namespace is joined or created (then it is pid 1 of the new
/// one). When `pidfd` is not NULL, `*pidfd` receives an O_CLOEXEC pidfd of
/// it, taken by clone itself (CLONE_PIDFD) when the child was created.
///
/// Runtimes that reap children themselves (SIGCHLD ignored, a SIGCHLD
/// handler or a thread calling waitpid(-1)) do not change the outcome:
/// success means the program started, failure that it did not. The
/// library tracks its children only by pidfds (never by a pid looked up
/// later) and reaps them with waitid(P_PIDFD) (5.4; before that waitpid on
/// the pid, while the pidfd keeps it from being reused). The intermediate
/// process of a join or time offset is the caller's child too and sends
/// SIGCHLD when it exits (the final child inherits its exit signal through
/// CLONE_PARENT): a SIGCHLD handler may see that pid, and the library
/// reaps it unless the handler already did.
///
/// Threads: any number of threads may spawn at once, also with one shared
/// attribute; a child of one call never holds a descriptor of another
/// call (the library's descriptors are tracked, and a child closes every
/// other call's before anything else).
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
/// program; clone's -EPERM, -ENOSPC, -EUSERS, -EAGAIN (RLIMIT_NPROC);
/// -EMFILE when no descriptor is free for the report socket or the pidfd;
/// -ENOENT "/proc is not mounted" when the caller must write maps and
/// there is no /proc. A seccomp filter that refuses clone3 (ENOSYS or
/// EPERM), also one installed after earlier spawns, makes the library use
/// clone(2) for that spawn and from then on; when clone(2) is refused too,
/// the error is clone's, and ns_last_error names clone3 and a seccomp
/// filter as the likely cause. Only clone3 can start a child in a cgroup
/// (ns_spawn_attr_set_cgroup): with clone3 refused, that spawn fails with
/// clone3's errno (or -EOPNOTSUPP once clone3 is known to be missing).
/// With pidfd_open filtered, pdeathsig is checked with getppid() instead.
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
