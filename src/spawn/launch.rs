//! The run phase of a spawn: the first clone, with clone3 where it works
//! and clone(2) where a filter refuses it, under the descriptor gate; and
//! ending a child whose spawn failed.

use std::ffi::{c_int, c_void};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::Ordering::Relaxed;

use super::plan::Plan;
use super::prep::Stack;
use crate::error::Error;
use crate::sys::process::SignalsBlocked;
use crate::sys::{self, consts::*, fdtrack::Exclusive, features, raw, CloneArgs, Fd};
use crate::types::mask_text;

/// Why an attempt did not start a child.
pub(crate) enum Failure {
    Error(Error),
    /// clone3 has gone (a seccomp filter installed since it was probed) and
    /// this spawn needs another plan without it.
    Replan,
    /// The calling thread could not enter a joined namespace for the clone
    /// (Launch::caller_joins): the spawn is planned again without that, so
    /// that the process that joins reports the error as for any join.
    CallerJoin,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

/// What [`Launch::run`] started.
pub(crate) struct Started {
    /// The first child.
    pub pid: libc::pid_t,
    pub pidfd: Option<Fd>,
    /// Plan::files_shared: the final child's pidfd, which the intermediate
    /// made in our descriptor table (its pid is in the plan's shared
    /// memory).
    pub final_pidfd: Option<Fd>,
}

/// The final child's pidfd that a files-shared intermediate reported, as
/// a descriptor of ours (None: no final child).
fn final_of(plan: &Plan, gate: &Exclusive) -> Option<Fd> {
    let fd = plan.shared.final_pidfd.load(Relaxed);
    // SAFETY: the intermediate's clone made it in our table (CLONE_PIDFD)
    // while the gate was held, and nothing else owns it.
    (plan.shared.final_pid.load(Relaxed) > 0 && fd >= 0).then(|| unsafe { gate.adopt(fd) })
}

/// How the first child is cloned.
pub(crate) struct Launch<'a> {
    pub entry: raw::ChildEntry,
    /// CLONE_VM, CLONE_VFORK, namespace flags (no exit signal).
    pub flags: u64,
    /// CLONE_CLEAR_SIGHAND, through clone3 only (the child resets the
    /// dispositions itself as well).
    pub clear_sighand: u64,
    /// The 7.1 flags (CLONE_AUTOREAP, CLONE_PIDFD_AUTOKILL, CLONE_NNP),
    /// through clone3 only.
    pub extra3: u64,
    pub exit_signal: u64,
    pub stack: &'a Stack,
    pub cgroup: Option<RawFd>,
    /// Something only clone3 can do: a cgroup, a new time namespace.
    pub needs_clone3: bool,
    /// clone3 is believed to work.
    pub clone3: bool,
    /// The namespace flags, for messages.
    pub new: c_int,
    /// CLONE_PIDFD: the child's pidfd taken at clone (else the plan's
    /// pidfd_on_error stands in for it).
    pub pidfd: bool,
    /// Joined namespaces the calling thread enters for the clone alone, so
    /// that the child is created in them: (the join's descriptor, its
    /// CLONE_NEW* type, a descriptor of the thread's namespace of that type
    /// before, to go back to).
    pub caller_joins: &'a [(RawFd, c_int, RawFd)],
}

impl Launch<'_> {
    /// Clones the first child running `entry(plan)`, with every signal
    /// blocked, and the descriptor gate held so that `close_list` (the
    /// library descriptors open now, less `needed`) is exactly what the
    /// child must close. Returns its pid and pidfd.
    ///
    /// # Safety
    /// The plan, the stack and everything the plan points to outlive the
    /// child's use of them.
    pub(crate) unsafe fn run(
        &self,
        plan: &mut Plan,
        needed: &[c_int],
        close_list: &mut Vec<c_int>,
    ) -> Result<Started, Failure> {
        let blocked = SignalsBlocked::new();
        plan.caller_sigmask = sys::process::kernel_sigset(&blocked.0);
        if let super::plan::Run::Call {
            ref mut sigmask, ..
        } = plan.run
        {
            *sigmask = plan.caller_sigmask;
        }
        let gate = Exclusive::take();
        // Written by the program's process only if it opens its own pidfd.
        plan.shared.own_pidfd.store(-1, Relaxed);
        // A lean plan's program execs right after its setup and closes
        // none: every library descriptor is close-on-exec (see fdtrack).
        if !plan.lean {
            *close_list = gate
                .snapshot()
                .into_iter()
                .filter(|fd| !needed.contains(fd))
                .collect();
            // Sorted: the child closes runs of consecutive numbers at once.
            close_list.sort_unstable();
        }
        plan.close_first = close_list.as_ptr();
        plan.nclose_first = close_list.len();
        // The child is created in them; the thread goes back right after
        // the clone (every signal blocked: no handler of the caller's runs
        // in between).
        for (i, &(join, nstype, _)) in self.caller_joins.iter().enumerate() {
            if sys::setns(join, nstype).is_err() {
                let _ = restore_caller(&self.caller_joins[..i]);
                return Err(Failure::CallerJoin);
            }
        }
        // SAFETY: per this function's contract.
        let ret = unsafe { self.clone_child(plan, &gate) };
        let restored = restore_caller(self.caller_joins);
        let (ret, pidfd) = ret?;
        if let Err(e) = restored {
            // Not expected: the thread was in it a moment ago.
            // SAFETY: the kernel wrote a new descriptor (CLONE_PIDFD).
            let pidfd = (pidfd >= 0).then(|| unsafe { gate.adopt(pidfd) });
            let final_pidfd = plan.files_shared.then(|| final_of(plan, &gate)).flatten();
            drop(gate);
            drop(blocked);
            if let Some(f) = &final_pidfd {
                end_child(plan.shared.final_pid.load(Relaxed), Some(f));
            }
            end_child(ret as libc::pid_t, pidfd.as_ref());
            return Err(
                Error::io(e, "setns back to the calling thread's own namespaces")
                    .with_hint("the calling thread stays in a namespace the spawn joined")
                    .into(),
            );
        }
        // The program's process, cloned without a pidfd, opened one of
        // itself in our table (shared until its exec) before reporting an
        // error, while the gate was held.
        let own = || {
            let fd = plan.shared.own_pidfd.load(Relaxed);
            let failed = plan.pidfd_on_error && plan.shared.errno.load(Relaxed) != 0;
            // SAFETY: as above; nothing else owns it.
            (failed && fd >= 0).then(|| unsafe { gate.adopt(fd) })
        };
        let pidfd = if pidfd >= 0 {
            // SAFETY: the kernel wrote a new descriptor (CLONE_PIDFD).
            Some(unsafe { gate.adopt(pidfd) })
        } else if plan.files_shared {
            None
        } else {
            own()
        };
        // Made in our table by the intermediate's clone, under the gate.
        let final_pidfd = if plan.files_shared {
            final_of(plan, &gate).or_else(own)
        } else {
            None
        };
        drop(gate);
        drop(blocked);
        Ok(Started {
            pid: ret as libc::pid_t,
            pidfd,
            final_pidfd,
        })
    }

    /// clone3, or clone(2) where a filter refuses it: the child's pid and
    /// the pidfd's number (-1 without one).
    ///
    /// # Safety
    /// As [`Launch::run`].
    unsafe fn clone_child(
        &self,
        plan: &mut Plan,
        _gate: &Exclusive,
    ) -> Result<(isize, c_int), Failure> {
        let plan_ptr = plan as *const Plan as *mut c_void;
        let flags = self.flags | if self.pidfd { CLONE_PIDFD } else { 0 };
        let mut pidfd: c_int = -1;
        let mut ret = -(libc::ENOSYS as isize);
        if self.clone3 {
            let mut args = CloneArgs {
                flags: flags | self.clear_sighand | self.extra3,
                pidfd: &mut pidfd as *mut c_int as u64,
                exit_signal: self.exit_signal,
                stack: self.stack.base as u64,
                stack_size: self.stack.len as u64,
                ..Default::default()
            };
            let mut size = CLONE_ARGS_SIZE_VER0;
            if let Some(cg) = self.cgroup {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = cg as u64;
                size = CLONE_ARGS_SIZE_VER2;
            }
            // SAFETY: per this function's contract.
            ret = unsafe {
                raw::clone3_call(
                    &mut args as *mut CloneArgs as *mut c_void,
                    size,
                    self.entry,
                    plan_ptr,
                )
            };
        }
        let refused = |r: isize| r == -(libc::ENOSYS as isize) || r == -(libc::EPERM as isize);
        if !self.clone3 || refused(ret) {
            let first_error = ret;
            if self.clone3 && self.needs_clone3 {
                if first_error == -(libc::ENOSYS as isize) {
                    features::CLONE3.set(false);
                    if self.cgroup.is_none() {
                        // A time namespace can still be had through an
                        // intermediate process.
                        return Err(Failure::Replan);
                    }
                }
                return Err(clone3_error(first_error, self.new, self.cgroup.is_some()).into());
            }
            // SAFETY: as above, through clone(2).
            ret = unsafe {
                raw::clone_call(
                    flags | self.exit_signal,
                    self.stack.top(),
                    &mut pidfd,
                    self.entry,
                    plan_ptr,
                )
            };
            if self.clone3 && (ret >= 0 || first_error == -(libc::ENOSYS as isize)) {
                // Refused by a filter installed since the probe.
                features::CLONE3.set(false);
            }
            if refused(ret) {
                return Err(clone3_error(ret, self.new, false).into());
            }
        }
        if ret < 0 {
            let what = format!("clone({})", mask_text(self.new));
            return Err(Error::new((-ret) as i32, what).into());
        }
        Ok((ret, pidfd))
    }
}

/// Puts the calling thread back into its namespaces, last entered first:
/// each to the descriptor taken before, or, should that fail, to its
/// process's (which it may always enter). The first error, if any.
fn restore_caller(joins: &[(RawFd, c_int, RawFd)]) -> std::io::Result<()> {
    let mut first = Ok(());
    for &(_, nstype, back) in joins.iter().rev() {
        let r = sys::setns(back, nstype).or_else(|e| {
            // Not tracked: the descriptor gate is held, and it lives for
            // this call alone.
            match sys::pidfd_open(sys::process::getpid()) {
                Ok(me) => sys::setns(me.as_raw_fd(), nstype).map_err(|_| e),
                Err(_) => Err(e),
            }
        });
        if first.is_ok() {
            first = r;
        }
    }
    first
}

/// A spawn that fails after its child exists: the child has usually died
/// of its own error already, but a failure on our side (a map the kernel
/// refused after the child went on, a descriptor we could not receive)
/// can leave it running. Kill it, then reap it (unless the caller's
/// runtime already did). Without a pidfd (it could not be received), by
/// pid: our own unreaped child, whose pid cannot have been reused unless
/// a foreign reaper took it in the last moments.
pub(crate) fn end_child(pid: libc::pid_t, pidfd: Option<&Fd>) {
    match pidfd {
        Some(fd) => {
            let r = sys::pidfd_kill(fd.as_raw_fd());
            if r.is_err_and(|e| e.raw_os_error() == Some(libc::ENOSYS)) {
                // pidfd_send_signal filtered: by pid, if it has not ended
                // (a pidfd that polls readable says it has; its pid may
                // then be free).
                if !sys::pidfd_exited(fd.as_raw_fd()) {
                    // Our child, running, so its pid is its own.
                    let _ = sys::process::kill(pid, libc::SIGKILL);
                }
            }
            sys::wait_pidfd(fd.as_raw_fd(), pid);
        }
        None => {
            let _ = sys::process::kill(pid, libc::SIGKILL);
            sys::process::reap(pid);
        }
    }
}

/// The error when clone3 and clone(2) are both refused, or clone3 is
/// refused for a request only it can do.
fn clone3_error(ret: isize, new: c_int, cgroup: bool) -> Error {
    let e = Error::new((-ret) as i32, format!("clone3/clone({})", mask_text(new)));
    if cgroup {
        e.with_hint("clone3 was refused, and only clone3 can start a child in a cgroup (CLONE_INTO_CGROUP); a seccomp filter is the likely cause")
    } else if ret == -(libc::ENOSYS as isize) || new == 0 {
        e.with_hint("clone3 is unavailable here (missing, or refused) and clone(2) was refused too; a seccomp filter is the likely cause")
    } else {
        e.with_hint("clone3 is unavailable here (missing, or refused) and clone(2) was refused too: a seccomp filter, or no permission to create these namespaces")
    }
}

pub(crate) fn fd_limit() -> c_int {
    sys::process::nofile_limit()
}
