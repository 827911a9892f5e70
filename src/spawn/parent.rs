//! The caller's side of a spawn, in phases: decide (what path the spawn
//! takes), prepare (one [`Plan`] owning everything the child reads), run
//! (the clone), collect (the conversation, reaping on failure).
//!
//! Fast path: a program in new namespaces (no joins, no time offsets, maps
//! the child may write itself) is started with CLONE_VM|CLONE_VFORK, as
//! posix_spawn does; a failure comes back through shared memory. Otherwise
//! the child reports over a close-on-exec socket and waits on a pipe while
//! the caller writes its maps.
//!
//! Every child is tracked by a pidfd taken atomically at its creation
//! (CLONE_PIDFD; the intermediate sends the final child's over the report
//! socket) and reaped through it, so a runtime that reaps children itself
//! (SIGCHLD ignored, a waitpid(-1) loop) can neither steal an outcome nor
//! make the library wait for or signal a reused pid.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::Ordering::Relaxed;

use super::attr::SpawnAttr;
use super::child;
use super::converse::{converse, shared_error, Outcome, Talk};
use super::launch::{end_child, Failure, Launch};
use super::mode::{decide, Ask, Kind, Maps};
use super::plan::*;
use super::prep::*;
use super::prepare::{prepare, Params};
use crate::error::{Error, Result};
use crate::sys::probe::{CLONE_AUTOREAP, CLONE_NNP, CLONE_PIDFD_AUTOKILL};
use crate::sys::{self, consts::CLONE_CLEAR_SIGHAND, features, Fd};
use crate::types::*;

/// What the child runs.
pub enum Program<'a> {
    /// execve(path, argv, envp); envp NULL is the caller's environment; a
    /// path without '/' is looked up in PATH.
    Exec {
        path: &'a CStr,
        argv: *const *const c_char,
        envp: *const *const c_char,
    },
    /// The first of `paths` that execve accepts, tried in order in the
    /// child as execvp tries the directories of PATH (going on past
    /// ENOENT, ENOTDIR and EACCES; EACCES is the error if one was seen):
    /// the lookup sees the child's root, mounts and credentials.
    ExecFirst {
        paths: &'a [CString],
        argv: *const *const c_char,
        envp: *const *const c_char,
    },
    /// fn(arg) in a fork-like copy of the caller; its return is the status.
    Call {
        f: unsafe extern "C" fn(*mut c_void) -> c_int,
        arg: *mut c_void,
    },
    /// Nothing: the child unshares `unshare` (0: nothing), then waits in
    /// its namespaces while `f` runs in the caller, then exits and is
    /// reaped before spawn returns (which then gives pid 0). For acquiring
    /// namespaces, e.g. a user namespace with maps.
    Hold {
        unshare: c_int,
        /// Bring the loopback device of its network namespace up first.
        lo_up: bool,
        f: &'a mut dyn FnMut(&HeldChild<'_>) -> Result<()>,
    },
}

/// A holding child, as the Hold callback sees it.
pub struct HeldChild<'a> {
    pub pid: libc::pid_t,
    pub pidfd: Option<BorrowedFd<'a>>,
    /// The child's own /proc/self directory (O_PATH).
    pub proc_dir: Option<BorrowedFd<'a>>,
}

/// How the library itself uses a spawn.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Options {
    /// For a program of the library's own (newuidmap): an intermediate
    /// process that never execs starts it as its own child and exits with
    /// its status. A program that execs gets exit signal SIGCHLD back from
    /// the kernel (and so can be reaped by the caller's runtime); the
    /// intermediate keeps exit signal 0. It outlives the spawn, so it runs
    /// in a copy of the caller's memory (fork-like), not on a stack of
    /// ours. The pid and pidfd returned are the intermediate's, to be
    /// waited for with Spawned::wait.
    pub supervise: bool,
    /// A helper of the library's own (newuidmap, a holding child): exit
    /// signal 0, so no SIGCHLD handler and no waitpid(-1) of the caller's
    /// runtime sees it, and SIG_IGN does not reap it before we read its
    /// status.
    pub internal: bool,
    /// The caller does not want the program's pidfd (ns_spawn's NULL): a
    /// lean spawn then takes none at clone (its cost shows in a plain
    /// spawn), and its child opens one of itself only to report an error.
    pub pidfd_unused: bool,
}

/// A started child: its pid and the pidfd taken when it was created.
pub(crate) struct Spawned {
    pub pid: libc::pid_t,
    pub pidfd: Option<Fd>,
}

impl Spawned {
    /// Waits for the child to end (see sys::wait_pidfd); if someone else
    /// reaped it, the status the kernel kept for its pidfd (6.15).
    pub(crate) fn wait(self) -> Option<sys::Exit> {
        let fd = self.pidfd.as_ref()?.as_raw_fd();
        sys::wait_pidfd(fd, self.pid).or_else(|| sys::pidfd_exit_status(fd))
    }
}

/// Starts the child. Returns its pid and, if asked, its pidfd.
///
/// # Safety
/// For `Program::Exec`, argv (and envp unless NULL) are NULL-terminated
/// arrays of C strings; for `Program::Call`, f(arg) is safe to run in a
/// fork-like copy of the caller.
pub unsafe fn spawn(
    attr: &SpawnAttr,
    program: Program<'_>,
    want_pidfd: bool,
) -> Result<(libc::pid_t, Option<OwnedFd>)> {
    let opts = Options {
        internal: false,
        supervise: false,
        pidfd_unused: !want_pidfd,
    };
    // SAFETY: forwarded contract.
    let mut s = unsafe { spawn_with(attr, program, opts) }?;
    let pidfd = if want_pidfd {
        s.pidfd.take().map(Fd::into_owned)
    } else {
        None
    };
    Ok((s.pid, pidfd))
}

/// [`spawn`] with the library's options; the pidfd is always taken.
///
/// # Safety
/// As [`spawn`].
pub(crate) unsafe fn spawn_with(
    attr: &SpawnAttr,
    program: Program<'_>,
    opts: Options,
) -> Result<Spawned> {
    // The program's path (and those to try after it), when no PATH search
    // is left to do, for the lean path.
    let exec: Option<(&CStr, &[CString], _, _)> = match &program {
        _ if opts.internal || opts.supervise || !attr.is_lean() => None,
        Program::Exec { path, argv, envp } if path.to_bytes().contains(&b'/') => {
            Some((path, &[], *argv, *envp))
        }
        Program::ExecFirst {
            paths: [first, more @ ..],
            argv,
            envp,
        } => Some((first.as_c_str(), more, *argv, *envp)),
        _ => None,
    };
    let lean = |attr: &SpawnAttr| -> Option<Result<Spawned>> {
        let (path, more, argv, envp) = exec?;
        // SAFETY: forwarded contract.
        match unsafe { super::lean::attempt(attr, path, more, argv, envp, opts.pidfd_unused) } {
            Ok(s) => Some(Ok(s)),
            Err(Failure::Error(e)) => Some(Err(name_argument(e, attr, &program))),
            // Planned again by the general path.
            Err(_) => None,
        }
    };
    if attr.pool.is_none() {
        // A lean attribute passes check (SpawnAttr::is_lean).
        if let Some(r) = lean(attr) {
            return r;
        }
    }
    attr.check()?;
    if let Some((set, _inflight)) = attr.pool.as_ref().and_then(|p| p.take_ready()) {
        // A set from the pool in place of creating its types; an empty
        // pool leaves the spawn as it is (it never waits for a refill).
        let pooled = attr.with_pooled_set(set)?;
        // The pooled set's joins are fast ones when the calling thread
        // may enter a pooled PID namespace (CAP_SYS_ADMIN): the lean path.
        if let Some(r) = lean(&pooled) {
            return r;
        }
        // SAFETY: forwarded contract.
        return unsafe { run_attempts(&pooled, program, opts) };
    }
    if attr.pool.is_some() {
        if let Some(r) = lean(attr) {
            return r;
        }
    }
    // SAFETY: forwarded contract.
    unsafe { run_attempts(attr, program, opts) }
}

/// The attempts of a checked spawn.
///
/// # Safety
/// As [`spawn`].
unsafe fn run_attempts(
    attr: &SpawnAttr,
    mut program: Program<'_>,
    opts: Options,
) -> Result<Spawned> {
    let mut by_caller = true;
    loop {
        // SAFETY: forwarded contract.
        match unsafe { attempt(attr, &mut program, opts, by_caller) } {
            Ok(s) => return Ok(s),
            Err(Failure::Error(e)) => return Err(e),
            // The feature is now remembered as missing: the next plan
            // does without it, so this loops at most once.
            Err(Failure::Replan) => continue,
            // Planned again with every join made by a child: at most once.
            Err(Failure::CallerJoin) => by_caller = false,
        }
    }
}

unsafe fn attempt(
    attr: &SpawnAttr,
    program: &mut Program<'_>,
    opts: Options,
    by_caller: bool,
) -> std::result::Result<Spawned, Failure> {
    // Decide.
    let clone3 = have_clone3();
    if attr.cgroup.is_some() && !clone3 {
        return Err(Error::new(libc::EOPNOTSUPP, "cgroup")
            .with_hint("CLONE_INTO_CGROUP needs clone3 (5.7), which is missing or blocked by a seccomp filter")
            .into());
    }
    let exec = matches!(program, Program::Exec { .. } | Program::ExecFirst { .. });
    let new = attr.new_types;
    let has_maps = new & NS_USER != 0 && (attr.uid_map.is_some() || attr.gid_map.is_some());
    let self_maps = if has_maps { self_maps(attr) } else { None };
    let caller = if by_caller && exec && !opts.supervise {
        caller_joins(attr)
    } else {
        None
    };
    let joined = attr.joined_types();
    let ask = Ask {
        kind: Some(match program {
            Program::Exec { .. } | Program::ExecFirst { .. } => Kind::Exec,
            Program::Call { .. } => Kind::Call,
            Program::Hold { .. } => Kind::Hold,
        }),
        joins: match &caller {
            Some(c) => c.left != 0,
            None => !attr.joins.is_empty(),
        },
        joins_time: joined & NS_TIME != 0,
        joins_user: caller.as_ref().map_or(joined, |c| c.left) & NS_USER != 0,
        // The program's process joins, then creates the new types: not a
        // PID or time namespace (children only), nor a user namespace
        // inside a joined one (its maps would need a round trip).
        joins_fast: caller.is_some() || children_join(attr),
        time_offsets: !attr.time_offsets.is_empty(),
        new_time: new & NS_TIME != 0,
        maps: has_maps,
        maps_self_writable: self_maps.is_some(),
        supervise: opts.supervise,
        clone3,
        // Looked at only when the parent writes maps: read then (below).
        proc_is_ours: true,
    };
    let mut mode = decide(&ask);
    if mode.maps == Maps::Parent {
        mode = decide(&Ask {
            proc_is_ours: crate::procfs::check_proc_is_ours().is_ok(),
            ..ask
        });
    }
    let intermediate = mode.intermediate;
    let self_maps = if mode.maps == Maps::Child {
        self_maps
    } else {
        None
    };
    let vfork = mode.vfork;
    let pa = &attr.proc;
    if (pa.autoreap || pa.autokill) && intermediate {
        let what = if pa.autokill { "autokill" } else { "autoreap" };
        return Err(Error::new(libc::EOPNOTSUPP, what)
            .with_hint("the kernel reaps or kills only a child cloned by the caller itself, and joins, time offsets and supervision need an intermediate process between them")
            .into());
    }
    // The 7.1 flags, through clone3 only: AUTOREAP and AUTOKILL need it
    // (the setters checked that the kernel has them); NNP is also set by
    // the child itself, so clone(2) may go without it.
    let extra3 = if intermediate {
        0
    } else {
        (if pa.autoreap { CLONE_AUTOREAP } else { 0 })
            | (if pa.autokill { CLONE_PIDFD_AUTOKILL } else { 0 })
            | (if pa.no_new_privs && features::clone_nnp() {
                CLONE_NNP
            } else {
                0
            })
    };

    // Prepare.
    let exit_signal = if opts.internal || pa.autoreap {
        // CLONE_AUTOREAP takes no exit signal.
        0
    } else {
        libc::SIGCHLD as u64
    };
    let clear_sighand = if exec && clone3 {
        CLONE_CLEAR_SIGHAND
    } else {
        0
    };
    let params = Params {
        attr,
        mode: &mode,
        clone3,
        exit_signal,
        clear_sighand,
        supervise: opts.supervise,
        self_maps,
        caller_joins: caller.as_ref().map_or(&[], |c| &c.fds[..]),
    };
    // SAFETY: forwarded contract.
    let mut p = unsafe { prepare(params, program) }?;
    let (report, go_w) = (p.report.take(), p.go_w.take());
    let (reserve, hold_w) = (p.reserve.take(), p.hold_w.take());

    // Run.
    let launch = Launch {
        entry: if intermediate {
            child::intermediate_entry
        } else {
            child::final_entry
        },
        flags: if mode.shares_memory {
            libc::CLONE_VM as u64
        } else {
            0
        } | if intermediate || mode.fast_joins {
            0
        } else {
            new as u32 as u64
        } | if vfork { libc::CLONE_VFORK as u64 } else { 0 }
            | if mode.files_shared {
                libc::CLONE_FILES as u64
            } else {
                0
            },
        clear_sighand,
        extra3,
        exit_signal,
        stack: &p.stack_a,
        cgroup: attr.cgroup_fd(),
        // clone(2) cannot put a child into a cgroup or a new time namespace.
        needs_clone3: attr.cgroup.is_some()
            || (!intermediate && new & NS_TIME != 0)
            || extra3 & (CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL) != 0,
        clone3,
        new: if intermediate { 0 } else { new },
        pidfd: true,
        caller_joins: caller.as_ref().map_or(&[], |c| &c.list[..]),
    };
    let mut close_list = Vec::new();
    // SAFETY: the child runs entry(&plan) on stack_a; plan, stacks and
    // every pointer in plan outlive it (vfork, or we wait for the report
    // socket's EOF below).
    let started = unsafe { launch.run(&mut p.plan, &p.needed, &mut close_list) }?;
    let (first_pid, mut first_pidfd) = (started.pid, started.pidfd);
    // Our copies of the child's ends: the report channel's EOF must come
    // from the children alone.
    p.drop_child_ends();

    // Collect.
    let outcome = match report {
        // A files-shared intermediate has exited (vfork), its final
        // child exec'd or failed (the intermediate's vfork).
        None if mode.files_shared => Outcome {
            error: shared_error(&p.plan.shared),
            final_pid: Some(p.plan.shared.final_pid.load(Relaxed)).filter(|&pid| pid > 0),
            final_pidfd: started.final_pidfd,
        },
        None => Outcome {
            error: shared_error(&p.plan.shared),
            final_pid: Some(first_pid),
            final_pidfd: None,
        },
        Some(report) => {
            let held = match program {
                Program::Hold { f, .. } => Some((&mut **f, hold_w)),
                _ => None,
            };
            let talk = Talk {
                report: &report,
                socket: mode.sends_fds,
                go: go_w,
                reserve,
                map_pid: first_pid,
                first_pidfd: first_pidfd.as_ref(),
                intermediate,
                held,
            };
            converse(attr, talk)
        }
    };
    let is_hold = matches!(p.plan.run, Run::Hold { .. });
    if opts.supervise {
        // The intermediate runs in its own copy of memory; the program
        // has exec'd (or failed): nothing of ours is in use any more.
        drop(p);
        drop(close_list);
        if let Some(err) = outcome.error {
            end_child(first_pid, first_pidfd.as_ref());
            return Err(name_argument(err, attr, program).into());
        }
        return Ok(Spawned {
            pid: first_pid,
            pidfd: first_pidfd,
        });
    }
    let (final_pid, final_pidfd) = if intermediate {
        (outcome.final_pid, outcome.final_pidfd)
    } else {
        (Some(first_pid), first_pidfd.take())
    };
    if outcome.error.is_some() {
        // A child may still run on our stacks (a read error before EOF):
        // end it before they go.
        if let Some(pid) = final_pid {
            end_child(pid, final_pidfd.as_ref());
        }
    }
    if let Some(fd) = &first_pidfd {
        // The intermediate exits right after reporting (or was killed with
        // its child); someone else may have reaped it.
        sys::wait_pidfd(fd.as_raw_fd(), first_pid);
    }
    // Every child has exec'd or exited (the report channel's EOF says so):
    // the plan, the stacks and the close list it read may go now.
    drop(p);
    drop(close_list);
    if let Some(err) = outcome.error {
        return Err(name_argument(err, attr, program).into());
    }
    let (Some(pid), Some(pidfd)) = (final_pid, final_pidfd) else {
        return Err(no_program().into());
    };
    if is_hold {
        sys::wait_pidfd(pidfd.as_raw_fd(), pid);
        return Ok(Spawned {
            pid: 0,
            pidfd: None,
        });
    }
    Ok(Spawned {
        pid,
        pidfd: Some(pidfd),
    })
}

/// An intermediate process that exited without an error and without
/// reporting the program's process.
pub(crate) fn no_program() -> Error {
    Error::new(libc::ECHILD, "child: intermediate process")
        .with_hint("it ended without starting the program")
}

/// Joins the calling thread makes around the clone.
pub(crate) struct CallerJoins {
    /// (the join's descriptor, its CLONE_NEW* type, the thread's own
    /// namespace of that type), as Launch::caller_joins.
    pub list: Vec<(c_int, c_int, c_int)>,
    /// The joins' descriptors, which the child does not join.
    fds: Vec<c_int>,
    /// The thread's own namespaces, open until the spawn ends.
    _back: Vec<Fd>,
    /// The NS_* types of the joins left to the program's process.
    pub left: c_int,
}

/// The joins the calling thread can make for the clone, so that the
/// program's process is created in them and no intermediate process is
/// needed. setns(2) of a PID namespace applies only to the children of
/// the thread that makes it; a child that joins one is not in it, so
/// without this an intermediate process joins and then creates the
/// program's process; and a child made in a new user namespace can no
/// longer join a namespace of the caller's user namespace, so joins before
/// new user and PID namespaces need one too. A thread of a process with
/// other threads may enter network, UTS, cgroup and PID (for its
/// children) namespaces without changing anything of the rest of its
/// process; it enters a joined PID namespace, and the others only when the
/// program's process cannot join them itself (new PID or time namespaces) (not user or mount namespaces, refused there; not IPC, whose
/// setns drops the thread's System V semaphore undo list; not time). It
/// needs CAP_SYS_ADMIN (over its own user namespace and the joined one's
/// owner), a join of one type per descriptor, and a descriptor of its own
/// namespace of each type from /proc/thread-self to go back to (no /proc:
/// children join). Whatever joins are left, the program's process must be
/// able to make itself before it creates the new types: none of PID or
/// time, no new PID or time namespace after them, and no user namespace
/// joined with a new one created. Should the kernel refuse the thread's
/// setns, the spawn is planned again without this, so that its error is
/// reported as for any join.
pub(crate) fn caller_joins(attr: &SpawnAttr) -> Option<CallerJoins> {
    const BY_THREAD: c_int = NS_NET | NS_UTS | NS_CGROUP | NS_PID;
    let joined = attr.joined_types();
    let new = attr.new_types;
    if joined & BY_THREAD == 0
        || joined & NS_TIME != 0
        || new & joined != 0
        || !attr.time_offsets.is_empty()
    {
        return None;
    }
    // The program's process may join before it creates the new types
    // (with unshare) unless one of them applies to children only: then it
    // is created with them, and the thread makes every join it can. Else
    // the thread makes only what no child can: a PID namespace join (one
    // setns here costs two, and a look into /proc).
    let child_joins = new & (NS_PID | NS_TIME) == 0;
    let (mut taken, mut left) = (Vec::new(), 0);
    for j in &attr.joins {
        let single = j.covers.count_ones() == 1 && j.covers & BY_THREAD != 0;
        if single && (j.covers == NS_PID || !child_joins) {
            taken.push(j);
        } else {
            left |= j.covers;
        }
    }
    if taken.is_empty()
        || (left != 0
            && (left & !(NS_NET | NS_UTS | NS_IPC | NS_CGROUP | NS_MNT | NS_USER) != 0
                || !child_joins
                || (left & NS_USER != 0 && new & NS_USER != 0)))
    {
        return None;
    }
    if !sys::nshandle::has_effective_cap(sys::consts::CAP_SYS_ADMIN).unwrap_or(false) {
        return None;
    }
    let mut c = CallerJoins {
        list: Vec::with_capacity(taken.len()),
        fds: Vec::with_capacity(taken.len()),
        _back: Vec::with_capacity(taken.len()),
        left,
    };
    for j in taken {
        let path = match j.covers {
            NS_NET => c"/proc/thread-self/ns/net",
            NS_UTS => c"/proc/thread-self/ns/uts",
            NS_CGROUP => c"/proc/thread-self/ns/cgroup",
            _ => c"/proc/thread-self/ns/pid_for_children",
        };
        let back = sys::open_internal(path, libc::O_RDONLY | libc::O_CLOEXEC).ok()?;
        let fd = j.fd.as_raw_fd();
        // NS_* bits are the CLONE_NEW* flags.
        c.list.push((fd, j.covers, back.as_raw_fd()));
        c.fds.push(fd);
        c._back.push(back);
    }
    Some(c)
}

/// What a failed execve names: the program.
fn exec_arg_of(program: &Program<'_>) -> Option<String> {
    match program {
        Program::Exec { path, .. } => Some(format!("{:?}", path.to_string_lossy())),
        Program::ExecFirst { paths, .. } if paths.len() == 1 => {
            Some(format!("{:?}", paths[0].to_string_lossy()))
        }
        Program::ExecFirst { paths, .. } => paths.first().map(|p| {
            let b = p.as_bytes();
            let name = b.rsplit(|&c| c == b'/').next().unwrap_or(b);
            format!("{:?} (searched in PATH)", String::from_utf8_lossy(name))
        }),
        _ => None,
    }
}

/// Adds the argument a failed child step worked on to its text: the
/// program for execve, the directory for chdir and the root steps.
fn name_argument(err: Error, attr: &SpawnAttr, program: &Program<'_>) -> Error {
    let named = |step: Step| err.step() == format!("child: {}", step.name());
    let show =
        |c: &Option<std::ffi::CString>| c.as_ref().map(|c| format!("{:?}", c.to_string_lossy()));
    let arg = if named(Step::Exec) {
        exec_arg_of(program)
    } else if named(Step::Chdir) {
        show(&attr.cwd)
    } else if named(Step::RootBind)
        || named(Step::RootIdmap)
        || named(Step::RootChdir)
        || named(Step::PivotRoot)
    {
        show(&attr.root)
    } else if named(Step::Chroot) {
        show(&attr.chroot)
    } else {
        None
    };
    match arg {
        Some(a) => {
            let step = format!("{} {a}", err.step());
            err.with_step(step)
        }
        None => err,
    }
}
