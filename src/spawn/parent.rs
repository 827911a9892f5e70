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

use std::ffi::{c_char, c_int, c_void, CStr};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use super::attr::SpawnAttr;
use super::child;
use super::converse::{converse, shared_error, Outcome, Talk};
use super::launch::{end_child, fd_limit, Failure, Launch};
use super::plan::*;
use super::prep::*;
use crate::error::{Error, Result};
use crate::sys::{self, CloneArgs, Fd};
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

const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
/// Every signal but SIGKILL and SIGSTOP, which cannot be changed.
const ALL_SIGNALS: u64 = !((1 << (libc::SIGKILL - 1)) | (1 << (libc::SIGSTOP - 1)));

extern "C" {
    static environ: *const *const c_char;
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
    mut program: Program<'_>,
    opts: Options,
) -> Result<Spawned> {
    attr.check()?;
    loop {
        // SAFETY: forwarded contract.
        match unsafe { attempt(attr, &mut program, opts) } {
            Ok(s) => return Ok(s),
            Err(Failure::Error(e)) => return Err(e),
            // The feature is now remembered as missing: the next plan
            // does without it, so this loops at most once.
            Err(Failure::Replan) => continue,
        }
    }
}

unsafe fn attempt(
    attr: &SpawnAttr,
    program: &mut Program<'_>,
    opts: Options,
) -> std::result::Result<Spawned, Failure> {
    // Decide.
    let clone3 = have_clone3();
    if attr.cgroup.is_some() && !clone3 {
        return Err(Error::new(libc::EOPNOTSUPP, "ns_spawn: cgroup")
            .hint("CLONE_INTO_CGROUP needs clone3 (5.7), which is missing or blocked by a seccomp filter")
            .into());
    }
    let exec = matches!(program, Program::Exec { .. });
    let shares_memory = !matches!(program, Program::Call { .. });
    let new = attr.new_types;
    let intermediate = opts.supervise
        || !attr.joins.is_empty()
        || !attr.time_offsets.is_empty()
        || (new & NS_TIME != 0 && !clone3);
    let has_maps = new & NS_USER != 0 && (attr.uid_map.is_some() || attr.gid_map.is_some());
    let self_maps = if has_maps && !intermediate {
        self_maps(attr)
    } else {
        None
    };
    let parent_maps = has_maps && self_maps.is_none();
    // vfork: the caller sleeps until the child has exec'd or died, and
    // reads a failure from shared memory: no sockets, no round trips.
    let vfork = exec && !intermediate && !parent_maps;

    // Prepare.
    let mut hold_pipe = None;
    let resolved;
    let run = match program {
        Program::Exec { path, argv, envp } => {
            if argv.is_null() {
                return Err(Error::invalid("ns_spawn: argv").hint("NULL").into());
            }
            resolved = resolve(path)?;
            // SAFETY: environ is the C library's, read once here.
            let envp = if envp.is_null() {
                unsafe { environ }
            } else {
                *envp
            };
            Run::Exec {
                path: resolved.as_ptr(),
                argv: *argv,
                envp,
            }
        }
        // The mask is filled in once signals are blocked.
        // SAFETY: an all-zero sigset is a valid empty set.
        Program::Call { f, arg } => Run::Call {
            f: *f,
            arg: *arg,
            sigmask: unsafe { std::mem::zeroed() },
        },
        Program::Hold { unshare, .. } => {
            let (r, w) = sys::pipe().map_err(|e| Error::io(e, "pipe2"))?;
            let fd = r.as_raw_fd();
            hold_pipe = Some((r, w));
            Run::Hold {
                fd,
                unshare: *unshare,
            }
        }
    };
    let targets: Vec<c_int> = attr.fds.iter().map(|&(c, _)| c).collect();
    // The parent writes maps through /proc/PID when /proc shows our PID
    // namespace (the child, unreaped, keeps its pid); otherwise through the
    // /proc/self the child sends.
    let send_proc_dir = parent_maps && crate::procfs::check_proc_is_ours().is_err();
    // Descriptors come back (the final child's pidfd, a /proc/self) over a
    // socket; otherwise a pipe does, for less.
    let sends_fds = intermediate || hold_pipe.is_some() || send_proc_dir;
    let report = if vfork {
        None
    } else {
        let (ours, theirs) = if sends_fds {
            sys::seqpacket_pair().map_err(|e| Error::io(e, "socketpair"))?
        } else {
            sys::pipe().map_err(|e| Error::io(e, "pipe2"))?
        };
        // The child reports an exec failure after its dup2s: keep its end
        // off every descriptor number they write.
        Some((ours, avoid_numbers(theirs, &targets)?))
    };
    // A free slot for each descriptor the child will send (see Talk): no
    // slot, no spawn, before anything starts.
    let reserve = match &report {
        Some((ours, _)) if sends_fds => Some(
            sys::dup_min(ours.as_raw_fd(), 0).map_err(|e| Error::io(e, "reserve a descriptor"))?,
        ),
        _ => None,
    };
    let (go_r, go_w) = if parent_maps {
        let (r, w) = sys::pipe().map_err(|e| Error::io(e, "pipe2"))?;
        (Some(r), Some(w))
    } else {
        (None, None)
    };
    let raw_of = |f: &Option<Fd>| f.as_ref().map_or(-1, |f| f.as_raw_fd());
    // SAFETY: getpid has no memory effects.
    let my_pid = unsafe { libc::getpid() };
    let parent_pidfd = if attr.pdeathsig != 0 {
        match sys::pidfd_open_internal(my_pid) {
            Ok(fd) => Some(fd),
            // Filtered or missing: the child compares getppid() instead.
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => None,
            Err(e) => return Err(Error::io(e, format!("pidfd_open({my_pid})")).into()),
        }
    } else {
        None
    };

    let joins = prepare_joins(attr)?;
    let time_text = time_offsets_text(&attr.time_offsets);
    let mut keep: Vec<c_int> = attr
        .fds
        .iter()
        .filter(|&&(c, p)| c >= 3 && p >= 0)
        .map(|&(c, _)| c)
        .collect();
    keep.sort_unstable();
    keep.dedup();
    let fd_ops = fd_program(&attr.fds);

    let stack_a = Stack::get()?;
    let stack_b = if intermediate {
        Some(Stack::get()?)
    } else {
        None
    };
    let vm = if shares_memory {
        libc::CLONE_VM as u64
    } else {
        0
    };
    let clear_sighand = if exec && clone3 {
        CLONE_CLEAR_SIGHAND
    } else {
        0
    };
    let exit_signal = if opts.internal {
        0
    } else {
        libc::SIGCHLD as u64
    };
    let text = |b: &[u8]| {
        if b.is_empty() {
            Text::NONE
        } else {
            Text::of(b)
        }
    };
    let report_child = report.as_ref().map(|(_, c)| c.as_raw_fd()).unwrap_or(-1);
    let mut plan = Plan {
        report_fd: report_child,
        shared: SharedError::default(),
        go_fd: raw_of(&go_r),
        send_proc_dir,
        close_first: std::ptr::null(),
        nclose_first: 0,
        first_is_final: !intermediate,
        supervise: opts.supervise,
        joins: joins.as_ptr(),
        njoins: joins.len(),
        unshare_flags: if intermediate { new } else { 0 },
        time_offsets: text(&time_text),
        // With CLONE_PARENT the final child inherits the intermediate's
        // exit signal (clone3 insists on 0 here), so the intermediate
        // carries it.
        final_args: CloneArgs {
            flags: if opts.supervise {
                vm | libc::CLONE_VFORK as u64 | clear_sighand
            } else {
                libc::CLONE_PARENT as u64 | vm | clear_sighand
            },
            exit_signal: if opts.supervise {
                libc::SIGCHLD as u64
            } else {
                0
            },
            stack: stack_b.as_ref().map_or(0, |s| s.base as u64),
            stack_size: stack_b.as_ref().map_or(0, |s| s.len as u64),
            ..Default::default()
        },
        use_clone3: clone3,
        final_legacy_flags: if opts.supervise {
            vm | libc::CLONE_VFORK as u64 | libc::SIGCHLD as u64
        } else {
            libc::CLONE_PARENT as u64 | vm | exit_signal
        },
        final_stack_top: stack_b.as_ref().map_or(0, |s| s.top()),
        maps_in_final: !intermediate,
        self_setgroups: text(self_maps.as_ref().map_or(&[][..], |m| m.setgroups)),
        self_gid_map: text(self_maps.as_ref().map_or(&[][..], |m| &m.gid)),
        self_uid_map: text(self_maps.as_ref().map_or(&[][..], |m| &m.uid)),
        pdeathsig: attr.pdeathsig,
        parent_pidfd: raw_of(&parent_pidfd),
        parent_pid: my_pid,
        hostname: attr
            .hostname
            .as_ref()
            .map_or(Text::NONE, |h| Text::of(h.to_bytes())),
        propagation: propagation_flag(attr),
        root: attr.root.as_ref().map_or(std::ptr::null(), |r| r.as_ptr()),
        mount_proc: attr.mount_proc,
        cwd: attr.cwd.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
        fd_ops: fd_ops.as_ptr(),
        nfd_ops: fd_ops.len(),
        close_fds: attr.close_fds,
        keep: keep.as_ptr(),
        nkeep: keep.len(),
        fd_limit: fd_limit(),
        reset_signals: if exec { ALL_SIGNALS } else { 0 },
        run,
    };
    // The library descriptors the first child keeps; it closes every
    // other one that is open when it is created.
    let mut needed = vec![report_child, plan.go_fd, plan.parent_pidfd];
    needed.extend(hold_pipe.as_ref().map(|(r, _)| r.as_raw_fd()));
    needed.extend(joins.iter().map(|j| j.fd));
    // A set_fd source may be one of ours (a helper's stderr pipe).
    needed.extend(attr.fds.iter().map(|&(_, p)| p));

    // Run.
    let launch = Launch {
        entry: if intermediate {
            child::intermediate_entry
        } else {
            child::final_entry
        },
        // A supervising intermediate outlives the spawn: its own memory.
        flags: if opts.supervise { 0 } else { vm }
            | if intermediate { 0 } else { new as u32 as u64 }
            | if vfork { libc::CLONE_VFORK as u64 } else { 0 },
        clear_sighand,
        exit_signal,
        stack: &stack_a,
        cgroup: attr.cgroup_fd(),
        // clone(2) cannot put a child into a cgroup or a new time namespace.
        needs_clone3: attr.cgroup.is_some() || (!intermediate && new & NS_TIME != 0),
        clone3,
        new: if intermediate { 0 } else { new },
    };
    let mut close_list = Vec::new();
    // SAFETY: the child runs entry(&plan) on stack_a; plan, stacks and
    // every pointer in plan outlive it (vfork, or we wait for the report
    // socket's EOF below).
    let (ret, first_pidfd) = unsafe { launch.run(&mut plan, &needed, &mut close_list) }?;
    // Our copies of the child's ends: the report socket's EOF must come
    // from the children alone.
    let report = report.map(|(ours, _theirs)| ours);
    drop(go_r);
    let hold_w = hold_pipe.map(|(_r, w)| w);
    let first_pid = ret;

    // Collect.
    let outcome = match report {
        None => Outcome {
            error: shared_error(&plan.shared),
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
                socket: sends_fds,
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
    let is_hold = matches!(plan.run, Run::Hold { .. });
    if opts.supervise {
        std::hint::black_box(&plan);
        std::hint::black_box(&close_list);
        if let Some(err) = outcome.error {
            end_child(first_pid, first_pidfd.as_ref());
            return Err(err.into());
        }
        // The intermediate runs in a copy of our memory (its stack
        // included) and the program has exec'd: the stacks are free.
        return Ok(Spawned {
            pid: first_pid,
            pidfd: first_pidfd,
        });
    }
    if intermediate {
        // It exits right after reporting; someone else may have reaped it.
        if let Some(fd) = &first_pidfd {
            sys::wait_pidfd(fd.as_raw_fd(), first_pid);
        }
    }
    // The plan, the stacks and the close list may go now: every child has
    // exec'd or exited (the report socket's EOF says so).
    std::hint::black_box(&plan);
    std::hint::black_box(&close_list);
    drop(stack_a);
    drop(stack_b);

    let (final_pid, final_pidfd) = if intermediate {
        (outcome.final_pid, outcome.final_pidfd)
    } else {
        (Some(first_pid), first_pidfd)
    };
    if let Some(err) = outcome.error {
        if let Some(p) = final_pid {
            end_child(p, final_pidfd.as_ref());
        }
        return Err(err.into());
    }
    let (Some(pid), Some(pidfd)) = (final_pid, final_pidfd) else {
        return Err(Error::new(libc::ECHILD, "child: intermediate process")
            .hint("it ended without starting the program")
            .into());
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
