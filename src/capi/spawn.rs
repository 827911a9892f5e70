//! Spawning a program or a function in namespaces: ns_spawn, ns_spawn_fn.

use std::ffi::{c_char, c_int, c_void};

use super::{arg_str, ffi, give_fd};
use crate::error::{Error, Result};
use crate::spawn::{spawn, Program, SpawnAttr};
use crate::types::ns_spawn_attr;

/// Starts a program in new or existing namespaces, as a direct child.
///
/// Before anything starts, the attribute is checked so a spawn can never
/// change the caller's own host: a hostname needs a new or joined UTS
/// namespace, a root or propagation change a new mount namespace, a fresh
/// /proc new PID and mount namespaces, time offsets a new time namespace,
/// uid/gid maps a new user namespace.
///
/// In the child, in this order: pdeathsig; join (ns_spawn_attr_join);
/// create (ns_spawn_attr_set_namespaces); the process group and session
/// (ns_spawn_attr_set_pgid, ns_spawn_attr_set_setsid) and the uid/gid maps
/// (a single id of the caller's own, as ns_spawn_attr_map_root makes,
/// written by the process that creates the user namespace itself: the
/// child, after the group, or the intermediate process, before it;
/// others by the caller while the child waits, before the group when
/// there is an intermediate process); hostname; mount propagation; root and /proc; cwd;
/// descriptors; resource limits (ns_spawn_attr_set_rlimit); the bounding
/// set; supplementary groups, gid and uid (ns_spawn_attr_set_ids), then the permitted,
/// effective, inheritable and ambient capability sets
/// (ns_spawn_attr_set_caps); the umask (ns_spawn_attr_set_umask); then
/// every signal disposition is reset to the default and the signal mask
/// emptied; no_new_privs and the seccomp filter
/// (ns_spawn_attr_set_seccomp); and the program is executed. No signal
/// handler of the calling runtime ever runs in the child.
///
/// Descriptors: as with posix_spawn, those open without close-on-exec and
/// not named by ns_spawn_attr_set_fd are inherited unchanged; set_fd reads
/// every source descriptor as the caller had it, even when another set_fd
/// writes that number, and works up to RLIMIT_NOFILE.
///
/// The child shares the caller's memory on a stack of its own until it
/// executes the program (CLONE_VM, and CLONE_VFORK when no join, time
/// offset or caller-written map needs a round trip, as posix_spawn), so
/// the cost does not grow with the caller's memory: nothing in the child
/// allocates, takes a lock or touches errno. Joins of user, net, uts,
/// ipc, cgroup and mnt namespaces are made by that child itself, which
/// then creates the new namespaces with unshare(2), unless a new PID or
/// time namespace is asked for (they apply to children only) or a type is
/// both joined and new. A caller with CAP_SYS_ADMIN enters a joined PID
/// namespace (and, with a new PID or time namespace, joined net, uts and
/// cgroup ones) in the calling thread for the clone alone, then goes back
/// (see ns_spawn_attr_join). The other cases (a PID join without
/// CAP_SYS_ADMIN, other joins before a new PID or time namespace, a type
/// both joined and new, a joined time namespace, time offsets) use a
/// short-lived intermediate process, which creates the final child with
/// CLONE_PARENT. Unless the caller must write the maps (custom maps, or a
/// joined user namespace with maps) or a time namespace is joined (its
/// setns refuses a process that shares memory), the intermediate shares
/// the caller's memory and descriptor table and is started with vfork, as
/// the final child is by it: the call returns once the program runs (or
/// failed), with no message between the processes.
///
/// A failure of any step before the program runs is returned as that
/// step's negative errno, with ns_last_error reading "ns_spawn: child:
/// <step>: <reason>"; the child has then been reaped and no descriptor is
/// left open.
///
/// `path`: the program. A path without '/' is looked up in the caller's
/// PATH before the child exists, and the file found is the file executed:
/// a relative PATH entry ("", ".") is taken in the caller's cwd, whatever
/// ns_spawn_attr_set_cwd says. With ns_spawn_attr_set_root, a path with '/'
/// is taken inside the new root, and a relative one after the chdir.
///
/// `argv`: the program's arguments, a NULL-terminated array of strings.
///
/// `envp`: its environment, a NULL-terminated array of strings, or NULL
/// for the caller's environment.
///
/// `attr`: the namespaces and the rest of the child's setup
/// (ns_spawn_attr_new), or NULL for a plain spawn.
///
/// `pidfd`: NULL, or where an O_CLOEXEC pidfd of the child is stored (the
/// caller's to close), taken by clone itself (CLONE_PIDFD) when the child
/// was created. With NULL, a spawn that asks for nothing but namespaces
/// (new or joined, and maps of the caller's own ids) makes no pidfd of the
/// program's process, unless the calling thread enters a joined namespace
/// for the clone: that process shares the caller's descriptor table until
/// its exec, which copies it (so the program inherits the caller's
/// descriptors as they are then, a few system calls after the clone;
/// should the kernel have no memory for that copy, past exec's point of
/// no return, the program is killed instead of the call failing with
/// -ENOMEM), and if it fails it opens a pidfd of itself there, by which it
/// is reaped.
///
/// Returns: the pid of the process that runs the program: a direct child
/// of the caller that sends SIGCHLD when it ends and must be waited for,
/// also when a PID namespace is joined or created (then it is pid 1 of the
/// new one); or a negative errno, and then no program runs.
///
/// Errors:
/// -EINVAL: for a NULL `path` or `argv`, and an attribute that fails the
///   checks above or combines process attributes the kernel refuses
///   together (a new session with a process group, capability sets that
///   contradict each other); from a step in the child (e.g. pivot_root, a
///   mount, a join that does not fit, "child: setresuid (uid N)" for an
///   unmapped id).
/// -ENOENT: when PATH has no such program, or `path` is ""; "/proc is not
///   mounted" when the caller must write maps and there is no /proc; from
///   execve or a step in the child ("child: execve: No such file or
///   directory").
/// -EACCES: from execve or chdir in the child (no permission).
/// -ENOEXEC: from execve (not an executable format).
/// -ENOTDIR: from a step in the child (a path component is not a
///   directory).
/// -EPERM: clone's (no privilege for these namespaces); from a step in the
///   child (e.g. "child: sethostname: Operation not permitted", a join or
///   mount without privilege, "child: setrlimit (resource N)" raising a
///   hard limit, "child: drop from the bounding set (capability N)"); the
///   kernel's, for maps the caller may not write.
/// -ENOSPC: clone's (a namespace limit is reached).
/// -EUSERS: clone's.
/// -EAGAIN: clone's, when no process can be started (RLIMIT_NPROC).
/// -ENOMEM: when memory runs out (the child's stack, the kernel).
/// -EMFILE: when no descriptor is free for the report socket or the
///   pidfd.
/// -EBADF: when a descriptor given to ns_spawn_attr_set_fd is no longer
///   open ("child: dup2 (fd N)").
/// -EOPNOTSUPP: for ns_spawn_attr_set_cgroup once clone3 is known to be
///   missing; for uid/gid maps of a new user namespace created inside a
///   joined user namespace other than the caller's (the kernel takes maps
///   only from a process in the new namespace's parent, which the caller
///   is not).
/// -ECHILD: when the intermediate process ended without starting the
///   program.
///
/// Thread safety: the caller never moves; safe from any thread of any
/// runtime. Any number of threads may spawn at once, also with one shared
/// attr: an ns_spawn_attr may be used by any number of threads at once for
/// spawning (ns_spawn, ns_spawn_fn), but its setters and
/// ns_spawn_attr_free must not run concurrently with any use of the same
/// attr. A program never gets a descriptor of another call: the library's
/// descriptors are all close-on-exec and tracked; a child that does more
/// than enter namespaces and write its own maps (descriptors, root,
/// credentials, an ns_spawn_fn function) closes every other call's before
/// anything else; the program of a spawn that asks for nothing more
/// leaves them to its exec, a few system calls later. Runtimes that reap
/// children themselves (SIGCHLD ignored, a SIGCHLD handler or a thread
/// calling waitpid(-1)) do not change the outcome: success means the
/// program started, failure that it did not; the library tracks its
/// children only by pidfds (never by a pid looked up later). The
/// intermediate process of a join or time offset is the caller's child
/// too and sends SIGCHLD when it exits (the final child inherits its exit
/// signal through CLONE_PARENT): a SIGCHLD handler may see that pid, and
/// the library reaps it unless the handler already did. ns_last_error is
/// per thread.
///
/// Kernel: clone3 (5.3); a seccomp filter that refuses clone3 (ENOSYS or
/// EPERM), also one installed after earlier spawns, makes the library use
/// clone(2) for that spawn and from then on; when clone(2) is refused too,
/// the error is clone's, and ns_last_error names clone3 and a seccomp
/// filter as the likely cause. Only clone3 can start a child in a cgroup
/// (CLONE_INTO_CGROUP, 5.7): with clone3 refused, that spawn fails with
/// clone3's errno (or -EOPNOTSUPP once clone3 is known to be missing).
/// Children are reaped with waitid(P_PIDFD) (5.4; before that waitpid on
/// the pid, while the pidfd keeps it from being reused). Time namespaces
/// need 5.6; close_range(2) with CLOSE_RANGE_CLOEXEC is used for
/// ns_spawn_attr_set_close_fds (5.11; before, one fcntl per descriptor).
/// With pidfd_open filtered, pdeathsig is checked with getppid() instead.
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
        let path = unsafe { arg_str(path, "path") }?;
        let program = Program::Exec {
            path,
            argv: argv.cast(),
            envp: envp.cast(),
        };
        // SAFETY: per this function's contract.
        unsafe { run(attr, program, pidfd) }
    })
}

/// Runs a function in a child set up as ns_spawn would set it up.
///
/// The child is set up exactly as ns_spawn would, but runs `fn` with its
/// own copy of the caller's memory (fork-like), so `fn` can never corrupt
/// the caller. ns_clone's rules apply: fork's hooks do not run, the child
/// leaves with _exit(2), and the child keeps the caller's signal
/// dispositions and mask.
///
/// `attr`: the namespaces and the rest of the child's setup, or NULL.
///
/// `fn`: the function the child runs with `arg`; its return value is the
/// child's exit status.
///
/// `pidfd`: NULL, or where an O_CLOEXEC pidfd of the child is stored, as
/// with ns_spawn.
///
/// Returns: the child's pid (a direct child: waitable, SIGCHLD), or a
/// negative errno.
///
/// Errors:
/// -EINVAL: for a NULL `fn`; an attribute that fails ns_spawn's checks; a
///   step in the child that refuses (as ns_spawn).
/// -ENOENT: "/proc is not mounted" when the caller must write maps and
///   there is no /proc; from a step in the child.
/// -EPERM: clone's; from a step in the child; the kernel's, for maps the
///   caller may not write.
/// -ENOSPC: clone's (a namespace limit is reached).
/// -EUSERS: clone's.
/// -EAGAIN: clone's, when no process can be started (RLIMIT_NPROC).
/// -ENOMEM: when memory runs out.
/// -EMFILE: when no descriptor is free for the report socket or the
///   pidfd.
/// -EBADF: when a descriptor given to ns_spawn_attr_set_fd is no longer
///   open.
/// -EOPNOTSUPP: for ns_spawn_attr_set_cgroup once clone3 is known to be
///   missing; for uid/gid maps of a new user namespace created inside a
///   joined user namespace other than the caller's (the kernel takes maps
///   only from a process in the new namespace's parent, which the caller
///   is not).
/// -ECHILD: when the intermediate process ended without starting `fn`.
///
/// Thread safety: as ns_spawn: the caller never moves; safe from any
/// thread of any runtime, also with one attr shared by several spawning
/// threads (setters and ns_spawn_attr_free must not run concurrently with
/// any use of the same attr). In a multithreaded caller `fn` may call only
/// async-signal-safe functions. ns_last_error is per thread.
///
/// Kernel: as ns_spawn.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_fn(
    attr: *const ns_spawn_attr,
    r#fn: Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>,
    arg: *mut c_void,
    pidfd: *mut c_int,
) -> libc::pid_t {
    ffi("ns_spawn_fn", || {
        let f = r#fn.ok_or_else(|| Error::invalid("ns_spawn_fn: fn").with_hint("NULL"))?;
        // SAFETY: per this function's contract.
        unsafe { run(attr, Program::Call { f, arg }, pidfd) }
    })
}

/// # Safety
/// As ns_spawn.
/// The attributes of a spawn without any (a NULL attr), made once.
fn plain_attr() -> &'static SpawnAttr {
    static PLAIN: std::sync::OnceLock<SpawnAttr> = std::sync::OnceLock::new();
    PLAIN.get_or_init(SpawnAttr::new)
}

unsafe fn run(
    attr: *const ns_spawn_attr,
    program: Program<'_>,
    pidfd: *mut c_int,
) -> Result<libc::pid_t> {
    // SAFETY: NULL or live per the caller's contract.
    let attr = unsafe { attr.as_ref() }.map_or_else(plain_attr, |a| &a.inner);
    // SAFETY: forwarded contract.
    let (pid, fd) = unsafe { spawn(attr, program, !pidfd.is_null()) }?;
    if let Some(fd) = fd {
        // SAFETY: pidfd is non-NULL when a pidfd was asked for.
        unsafe { *pidfd = give_fd(fd) };
    }
    Ok(pid)
}
