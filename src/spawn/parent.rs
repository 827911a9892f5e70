//! The caller's side of a spawn: the clone, the conversation with the child
//! over the report pipe, reaping on failure.
//!
//! Fast path: a program in new namespaces (no joins, no time offsets, maps
//! the child may write itself) is started with CLONE_VM|CLONE_VFORK, as
//! posix_spawn does; a failure comes back through shared memory. Otherwise
//! the child reports over a close-on-exec pipe and waits on another while
//! the caller writes its maps.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::attr::SpawnAttr;
use super::child;
use super::converse::{converse, reap, shared_error, Outcome};
use super::plan::*;
use super::prep::*;
use crate::error::{Error, Result};
use crate::sys::{consts::*, raw, CloneArgs};
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
    /// Nothing: the child waits in its namespaces while `f(pid)` runs in
    /// the caller, then exits and is reaped before spawn returns (which
    /// then gives pid 0). For acquiring namespaces, e.g. a user namespace
    /// with maps.
    Hold(&'a mut dyn FnMut(libc::pid_t) -> Result<()>),
}

const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
const CLONE_ARGS_SIZE_VER2: usize = 88;
/// Every signal but SIGKILL and SIGSTOP, which cannot be changed.
const ALL_SIGNALS: u64 = !((1 << (libc::SIGKILL - 1)) | (1 << (libc::SIGSTOP - 1)));

extern "C" {
    static environ: *const *const c_char;
}

fn pidfd_open(pid: libc::pid_t) -> Result<OwnedFd> {
    crate::sys::pidfd_open(pid).map_err(|e| Error::io(e, format!("pidfd_open({pid})")))
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
    attr.check()?;
    let clone3 = have_clone3();
    if attr.cgroup.is_some() && !clone3 {
        return Err(Error::new(libc::EOPNOTSUPP, "ns_spawn: cgroup")
            .hint("CLONE_INTO_CGROUP needs clone3 (5.7)"));
    }
    let exec = matches!(program, Program::Exec { .. });
    let shares_memory = !matches!(program, Program::Call { .. });
    let mut hold = None;
    let mut hold_pipe = None;
    let resolved;
    let run = match program {
        Program::Exec { path, argv, envp } => {
            if argv.is_null() {
                return Err(Error::invalid("ns_spawn: argv").hint("NULL"));
            }
            resolved = resolve(path)?;
            // SAFETY: environ is the C library's, read once here.
            let envp = if envp.is_null() {
                unsafe { environ }
            } else {
                envp
            };
            Run::Exec {
                path: resolved.as_ptr(),
                argv,
                envp,
            }
        }
        // The mask is filled in once signals are blocked.
        // SAFETY: an all-zero sigset is a valid empty set.
        Program::Call { f, arg } => Run::Call {
            f,
            arg,
            sigmask: unsafe { std::mem::zeroed() },
        },
        Program::Hold(f) => {
            let (r, w) = pipe()?;
            let (fd, write_fd) = (r.as_raw_fd(), w.as_raw_fd());
            hold = Some(f);
            hold_pipe = Some((r, w));
            Run::Hold { fd, write_fd }
        }
    };

    let new = attr.new_types;
    let intermediate =
        !attr.joins.is_empty() || !attr.time_offsets.is_empty() || (new & NS_TIME != 0 && !clone3);
    let has_maps = new & NS_USER != 0 && (attr.uid_map.is_some() || attr.gid_map.is_some());
    let self_maps = if has_maps && !intermediate {
        self_maps(attr)
    } else {
        None
    };
    let parent_maps = has_maps && self_maps.is_none();
    // vfork: the caller sleeps until the child has exec'd or died, and
    // reads a failure from shared memory: no pipes, no round trips.
    let vfork = exec && !intermediate && !parent_maps;

    // Pipes, kept above every descriptor the child's dup2s touch.
    let high = attr.fds.iter().map(|&(c, p)| c.max(p)).max().unwrap_or(2);
    let (report_r, report_w) = if vfork {
        (None, None)
    } else {
        let (r, w) = pipe()?;
        (Some(r), Some(move_above(w, high + 1)?))
    };
    let (go_r, go_w) = if parent_maps {
        let (r, w) = pipe()?;
        (
            Some(move_above(r, high + 1)?),
            Some(move_above(w, high + 1)?),
        )
    } else {
        (None, None)
    };
    let raw_of = |f: &Option<OwnedFd>| f.as_ref().map_or(-1, |f| f.as_raw_fd());
    let parent_pidfd = if attr.pdeathsig != 0 {
        // SAFETY: getpid has no memory effects.
        Some(move_above(
            pidfd_open(unsafe { libc::getpid() })?,
            high + 1,
        )?)
    } else {
        None
    };
    let fd_scratch = high
        .max(raw_of(&report_w))
        .max(raw_of(&go_r))
        .max(raw_of(&go_w))
        .max(raw_of(&parent_pidfd))
        + 1;

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
    let fd_limit = {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: rl is valid for writing.
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) };
        rl.rlim_cur.min(65536) as c_int
    };

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

    // With CLONE_PARENT the final child inherits the intermediate's exit
    // signal (clone3 insists on 0 here), so the intermediate carries SIGCHLD.
    let final_args = if clone3 {
        CloneArgs {
            flags: libc::CLONE_PARENT as u64 | vm | clear_sighand,
            exit_signal: 0,
            stack: stack_b.as_ref().map_or(0, |s| s.base as u64),
            stack_size: stack_b.as_ref().map_or(0, |s| s.len as u64),
            ..Default::default()
        }
    } else {
        CloneArgs {
            flags: libc::CLONE_PARENT as u64 | vm | libc::SIGCHLD as u64,
            ..Default::default()
        }
    };
    let text = |b: &[u8]| {
        if b.is_empty() {
            Text::NONE
        } else {
            Text::of(b)
        }
    };
    let mut plan = Plan {
        report_fd: raw_of(&report_w),
        shared: SharedError::default(),
        go_fd: raw_of(&go_r),
        go_w_fd: raw_of(&go_w),
        joins: joins.as_ptr(),
        njoins: joins.len(),
        unshare_flags: if intermediate { new } else { 0 },
        time_offsets: text(&time_text),
        final_args,
        use_clone3: clone3,
        final_stack_top: stack_b.as_ref().map_or(0, |s| s.top()),
        maps_in_final: !intermediate,
        self_setgroups: text(self_maps.as_ref().map_or(&[][..], |m| m.setgroups)),
        self_gid_map: text(self_maps.as_ref().map_or(&[][..], |m| &m.gid)),
        self_uid_map: text(self_maps.as_ref().map_or(&[][..], |m| &m.uid)),
        pdeathsig: attr.pdeathsig,
        parent_pidfd: raw_of(&parent_pidfd),
        hostname: attr
            .hostname
            .as_ref()
            .map_or(Text::NONE, |h| Text::of(h.to_bytes())),
        propagation: propagation_flag(attr),
        root: attr.root.as_ref().map_or(std::ptr::null(), |r| r.as_ptr()),
        mount_proc: attr.mount_proc,
        cwd: attr.cwd.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
        fds: attr.fds.as_ptr(),
        nfds: attr.fds.len(),
        fd_scratch,
        close_fds: attr.close_fds,
        keep: keep.as_ptr(),
        nkeep: keep.len(),
        fd_limit,
        reset_signals: if exec { ALL_SIGNALS } else { 0 },
        run,
    };

    let mut pidfd: c_int = -1;
    let entry: raw::ChildEntry = if intermediate {
        child::intermediate_entry
    } else {
        child::final_entry
    };
    let legacy_entry = if intermediate {
        child::Entry::Intermediate
    } else {
        child::Entry::Final
    };
    let first_pid = {
        let blocked = SignalsBlocked::new();
        if let Run::Call {
            ref mut sigmask, ..
        } = plan.run
        {
            *sigmask = blocked.0;
        }
        let mut flags = vm | if intermediate { 0 } else { new as u32 as u64 };
        if vfork {
            flags |= libc::CLONE_VFORK as u64;
        }
        if want_pidfd && !intermediate {
            flags |= CLONE_PIDFD;
        }
        let plan_ptr = &plan as *const Plan as *mut c_void;
        if clone3 {
            let mut args = CloneArgs {
                flags: flags | clear_sighand,
                pidfd: &mut pidfd as *mut c_int as u64,
                exit_signal: libc::SIGCHLD as u64,
                stack: stack_a.base as u64,
                stack_size: stack_a.len as u64,
                ..Default::default()
            };
            let mut size = CLONE_ARGS_SIZE_VER0;
            if let Some(cg) = attr.cgroup_fd() {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = cg as u64;
                size = CLONE_ARGS_SIZE_VER2;
            }
            // SAFETY: the child runs entry(&plan) on stack_a; plan, stacks
            // and every pointer in plan outlive it (vfork, or we wait for
            // the report pipe's EOF below).
            unsafe {
                raw::clone3_call(
                    &mut args as *mut CloneArgs as *mut c_void,
                    size,
                    entry,
                    plan_ptr,
                )
            }
        } else {
            // SAFETY: as above, through the C library's clone.
            unsafe {
                child::legacy_clone(
                    &plan,
                    legacy_entry,
                    flags | libc::SIGCHLD as u64,
                    stack_a.top(),
                    &mut pidfd,
                )
            }
        }
    };
    drop(report_w);
    drop(go_r);
    if first_pid < 0 {
        return Err(Error::new(
            (-first_pid) as i32,
            format!("clone({})", mask_text(if intermediate { 0 } else { new })),
        ));
    }
    let first_pid = first_pid as libc::pid_t;
    // SAFETY: the kernel wrote a new descriptor we now own.
    let first_pidfd = (pidfd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(pidfd) });

    let outcome = match report_r {
        None => Outcome {
            error: shared_error(&plan.shared),
            final_pid: Some(first_pid),
        },
        Some(report) => {
            let (hold_r, hold_w) = hold_pipe.map_or((None, None), |(r, w)| (Some(r), Some(w)));
            drop(hold_r);
            let held = hold.map(|f| (f, hold_w));
            converse(attr, &report, go_w, first_pid, intermediate, held)
        }
    };
    let is_hold = matches!(plan.run, Run::Hold { .. });
    if intermediate {
        // ECHILD if the caller's runtime reaped it first: harmless.
        reap(first_pid, 0);
    }
    // The plan and stacks may go now: every child has exec'd or exited.
    std::hint::black_box(&plan);
    drop(stack_a);
    drop(stack_b);

    let final_pid = outcome.final_pid;
    if let Some(err) = outcome.error {
        if let Some(p) = final_pid {
            reap(p, 0);
        }
        return Err(err);
    }
    let Some(pid) = final_pid else {
        return Err(Error::new(libc::ECHILD, "child: intermediate process")
            .hint("it ended without starting the program"));
    };
    if is_hold {
        reap(pid, 0);
        return Ok((0, None));
    }
    let pidfd = match (want_pidfd, first_pidfd) {
        (false, _) => None,
        (true, Some(fd)) => Some(fd),
        // The final child is our own unreaped child: its pid cannot be
        // reused before we wait for it, so this pidfd is race-free.
        (true, None) => Some(pidfd_open(pid)?),
    };
    Ok((pid, pidfd))
}
