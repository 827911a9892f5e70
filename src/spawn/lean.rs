//! The lean spawn: a program started in new namespaces with nothing else
//! asked for (no descriptors, root, credentials or process attributes; at
//! most maps of the caller's own ids, which the child writes itself, and
//! joins: made by the calling thread around the clone, or by the program's
//! process before it creates the new types, as a privileged caller's
//! pooled set's are, or, with no maps to write, by an intermediate
//! process, as an unprivileged caller's pooled set's are).
//!
//! It takes the general path's fast cases (one CLONE_VM|CLONE_VFORK child,
//! or a files-shared intermediate and its vfork child; an error in shared
//! memory; the same child code, [`child::final_entry`] and
//! [`child::intermediate_entry`]) but builds the plan directly, without
//! the general preparation's decisions, descriptors and heap copies: a
//! spawn touches a fraction of the code and memory, which is what it costs
//! when its caches are cold (other processes ran since the last spawn).
//! Anything else, and any attempt the general path would plan again
//! (clone3 found missing), goes through the general path.

use std::ffi::{c_char, CStr, CString};

use super::attr::SpawnAttr;
use super::child;
use super::converse::shared_error;
use super::launch::{end_child, Failure, Launch};
use super::parent::{caller_joins, no_program, Spawned};
use super::plan::*;
use super::prep::{
    children_join, have_clone3, prepare_joins, propagation_flag, self_maps, SelfMaps, Stack,
};
use super::procplan::ProcPlan;
use crate::error::Error;
use crate::sys::{consts::CLONE_CLEAR_SIGHAND, CloneArgs};
use crate::types::*;

extern "C" {
    static environ: *const *const c_char;
}

/// One lean spawn of `path` (which has a '/': no PATH search), then of
/// each of `more` as execvp goes on (Program::ExecFirst). Err
/// Failure::Replan: take the general path instead. `pidfd_unused`: the
/// caller will not keep the program's pidfd.
///
/// # Safety
/// argv (and envp unless NULL) are NULL-terminated arrays of C strings.
pub(crate) unsafe fn attempt(
    attr: &SpawnAttr,
    path: &CStr,
    more: &[CString],
    argv: *const *const c_char,
    envp: *const *const c_char,
    pidfd_unused: bool,
) -> Result<Spawned, Failure> {
    if argv.is_null() {
        return Err(Error::invalid("argv").with_hint("NULL").into());
    }
    let new = attr.new_types;
    let maps = if new & NS_USER != 0 && (attr.uid_map.is_some() || attr.gid_map.is_some()) {
        // Maps the parent must write: the general path.
        Some(self_maps(attr).ok_or(Failure::Replan)?)
    } else {
        None
    };
    // Joins the general path would make without an intermediate (its
    // fast joins): those the calling thread makes around the clone (see
    // parent::caller_joins), and the rest by the program's process, which
    // then creates the new types with unshare(2). Should the thread's
    // setns be refused, the general path plans the spawn again and
    // reports the error.
    // Joins no child of the calling thread can make (a PID namespace's
    // without CAP_SYS_ADMIN, others before a new PID namespace) are made
    // by an intermediate process, as the general path's files-shared one
    // (mode::decide): it shares our memory and descriptor table, joins,
    // creates the new types and clones the program's process as our
    // child; with maps to write, or a time namespace to join (which a
    // process sharing memory may not: EUSERS), the general path.
    let (caller, child_joins, via_intermediate) = if attr.joins.is_empty() {
        (None, Vec::new(), false)
    } else {
        let caller = caller_joins(attr);
        if caller.is_none() && !children_join(attr) {
            if maps.is_some() || attr.joined_types() & NS_TIME != 0 {
                return Err(Failure::Replan);
            }
            (None, prepare_joins(attr)?, true)
        } else if caller.as_ref().is_some_and(|c| c.left == 0) {
            (caller, Vec::new(), false)
        } else {
            let mut joins = prepare_joins(attr)?;
            if let Some(c) = &caller {
                joins.retain(|j| !c.list.iter().any(|&(fd, _, _)| fd == j.fd));
            }
            (caller, joins, false)
        }
    };
    let clone3 = have_clone3();
    let clear_sighand = if clone3 { CLONE_CLEAR_SIGHAND } else { 0 };
    let stack = Stack::get()?;
    let stack_b = if via_intermediate {
        Some(Stack::get()?)
    } else {
        None
    };
    let proc_plan = ProcPlan::plain();
    let envp = if envp.is_null() {
        // SAFETY: environ is the C library's, read once here.
        unsafe { environ }
    } else {
        envp
    };
    // Read by the child, which is done with them when run returns (vfork).
    let more: Vec<*const c_char> = more.iter().map(|p| p.as_ptr()).collect();
    let mut plan = plan(
        Run::Exec {
            path: path.as_ptr(),
            more: more.as_ptr(),
            nmore: more.len(),
            argv,
            envp,
        },
        maps.as_ref(),
        propagation_flag(attr),
        &proc_plan,
        clone3,
    );
    if !child_joins.is_empty() {
        plan.joins = child_joins.as_ptr();
        plan.njoins = child_joins.len();
        plan.joins_in_final = !via_intermediate;
        plan.unshare_flags = new;
    }
    // A pidfd taken at clone costs a plain spawn a few percent (made, then
    // closed unused). Without one, the program's process shares our
    // descriptor table until its exec (which copies it, then closes the
    // close-on-exec ones), so that on an error it can open a pidfd of
    // itself in it, by which we reap it: never a pid a foreign reaper
    // could have freed. A thread's joins (their undoing may have to end a
    // running program) keep the pidfd; an intermediate keeps its own (we
    // reap it by that once it has exited).
    let no_pidfd = pidfd_unused && caller.is_none();
    plan.pidfd_on_error = no_pidfd;
    if let Some(b) = &stack_b {
        // The intermediate joins and creates; the program's process is
        // its vfork child and ours (CLONE_PARENT, which takes no exit
        // signal of its own through clone3).
        let files = if no_pidfd {
            libc::CLONE_FILES as u64
        } else {
            0
        };
        let vm_vfork = (libc::CLONE_VM | libc::CLONE_VFORK) as u64 | files;
        plan.first_is_final = false;
        plan.files_shared = true;
        plan.final_args = CloneArgs {
            flags: libc::CLONE_PARENT as u64 | vm_vfork | clear_sighand,
            exit_signal: 0,
            stack: b.base as u64,
            stack_size: b.len as u64,
            ..Default::default()
        };
        plan.final_legacy_flags = libc::CLONE_PARENT as u64 | vm_vfork | libc::SIGCHLD as u64;
        plan.final_stack_top = b.top();
    }
    let launch = Launch {
        entry: if via_intermediate {
            child::intermediate_entry
        } else {
            child::final_entry
        },
        // With joins of its own the child creates the new types after
        // them (so that they are owned by a joined user namespace).
        flags: libc::CLONE_VM as u64
            | if child_joins.is_empty() {
                new as u32 as u64
            } else {
                0
            }
            | libc::CLONE_VFORK as u64
            | if via_intermediate || no_pidfd {
                libc::CLONE_FILES as u64
            } else {
                0
            },
        clear_sighand,
        extra3: 0,
        exit_signal: libc::SIGCHLD as u64,
        stack: &stack,
        cgroup: None,
        needs_clone3: false,
        clone3,
        new: if via_intermediate { 0 } else { new },
        pidfd: via_intermediate || !no_pidfd,
        caller_joins: caller.as_ref().map_or(&[], |c| &c.list[..]),
    };
    // The program's process closes no library descriptor: it execs right
    // after its setup, and they are all close-on-exec (see fdtrack).
    let mut close_list = Vec::new();
    // SAFETY: the child (vfork) runs entry(&plan) on `stack` and has
    // exec'd or exited when run returns, as has an intermediate's child
    // (its vfork) on `stack_b`; plan, the stacks, maps, more, proc_plan,
    // child_joins and close_list outlive them.
    let started = match unsafe { launch.run(&mut plan, &[], &mut close_list) } {
        Ok(r) => r,
        Err(Failure::CallerJoin) => return Err(Failure::Replan),
        Err(e) => return Err(e),
    };
    let error = shared_error(&plan.shared);
    if !via_intermediate {
        if let Some(err) = error {
            end_child(started.pid, started.pidfd.as_ref());
            return Err(Failure::Error(err));
        }
        return Ok(Spawned {
            pid: started.pid,
            pidfd: started.pidfd,
        });
    }
    // The intermediate has exited (vfork), reporting the program's
    // process (pid in the plan, pidfd made in our table) or an error.
    let final_pid = plan
        .shared
        .final_pid
        .load(std::sync::atomic::Ordering::Relaxed);
    if error.is_some() && final_pid > 0 {
        end_child(final_pid, started.final_pidfd.as_ref());
    }
    if let Some(fd) = &started.pidfd {
        // Someone else (a reaper of the caller's) may have reaped it.
        crate::sys::wait_pidfd(std::os::fd::AsRawFd::as_raw_fd(fd), started.pid);
    }
    if let Some(err) = error {
        return Err(Failure::Error(err));
    }
    match (final_pid > 0, started.final_pidfd) {
        (true, pidfd) if pidfd.is_some() || no_pidfd => Ok(Spawned {
            pid: final_pid,
            pidfd,
        }),
        _ => Err(no_program().into()),
    }
}

/// The plan of a lean spawn: everything but the program, the maps and the
/// mount propagation left as it is.
fn plan(
    run: Run,
    maps: Option<&SelfMaps>,
    propagation: libc::c_ulong,
    proc: &ProcPlan,
    clone3: bool,
) -> Plan {
    let text = |b: &[u8]| {
        if b.is_empty() {
            Text::NONE
        } else {
            Text::of(b)
        }
    };
    Plan {
        report_fd: -1,
        shared: SharedError::default(),
        go_fd: -1,
        send_proc_dir: false,
        close_first: std::ptr::null(),
        nclose_first: 0,
        first_is_final: true,
        files_shared: false,
        pidfd_on_error: false,
        lean: true,
        supervise: false,
        joins: std::ptr::null(),
        njoins: 0,
        unshare_flags: 0,
        joins_in_final: false,
        time_offsets: Text::NONE,
        final_args: CloneArgs::default(),
        use_clone3: clone3,
        final_legacy_flags: 0,
        final_stack_top: 0,
        maps_in_final: true,
        self_setgroups: text(maps.map_or(&[][..], |m| m.setgroups)),
        self_gid_map: text(maps.map_or(&[][..], |m| &m.gid)),
        self_uid_map: text(maps.map_or(&[][..], |m| &m.uid)),
        pdeathsig: 0,
        parent_pidfd: -1,
        parent_pid: 0,
        hostname: Text::NONE,
        propagation,
        root: std::ptr::null(),
        root_tree: -1,
        put_old_rel: std::ptr::null(),
        put_old_inside: std::ptr::null(),
        detach_old_root: true,
        mount_proc: false,
        chroot: std::ptr::null(),
        pgroup: -1,
        cwd: std::ptr::null(),
        fd_ops: std::ptr::null(),
        nfd_ops: 0,
        close_fds: false,
        keep: std::ptr::null(),
        nkeep: 0,
        fd_limit: 0,
        close_ranges: std::ptr::null(),
        nclose_ranges: 0,
        reset_signals: ALL_SIGNALS,
        keep_sigmask: false,
        caller_sigmask: 0,
        pid_env: std::ptr::null(),
        npid_env: 0,
        proc,
        creds: PlanCreds {
            uid: -1,
            gid: -1,
            set_groups: false,
            groups: std::ptr::null(),
            ngroups: 0,
            caps: 0,
        },
        run,
    }
}

#[cfg(test)]
mod tests {
    use super::super::mode::{decide, Ask, Kind, Maps, Mode};

    /// What the lean spawn makes: a vfork child with no report channel,
    /// after an intermediate sharing our memory and descriptors or not.
    fn lean_mode(intermediate: bool, maps: Maps) -> Mode {
        Mode {
            intermediate,
            fast_joins: false,
            shares_memory: true,
            maps,
            vfork: true,
            sends_fds: false,
            send_proc_dir: false,
            files_shared: intermediate,
        }
    }

    /// What the lean spawn does is what the general path decides for the
    /// same spawn: one CLONE_VM|CLONE_VFORK child, no intermediate, no
    /// report channel, maps (if any) written by the child.
    #[test]
    fn the_general_path_decides_the_same() {
        for clone3 in [false, true] {
            for maps in [false, true] {
                let ask = Ask {
                    kind: Some(Kind::Exec),
                    maps,
                    maps_self_writable: maps,
                    clone3,
                    proc_is_ours: true,
                    ..Default::default()
                };
                let want = lean_mode(false, if maps { Maps::Child } else { Maps::None });
                assert_eq!(decide(&ask), want, "{ask:?}");
            }
        }
    }

    /// Joins that neither the calling thread nor the program's process can
    /// make, no maps and no time namespace joined: the general path
    /// decides a files-shared intermediate with a vfork child, as the lean
    /// spawn makes; joining a time namespace, or with maps, it decides
    /// otherwise, and the lean spawn leaves those to it.
    #[test]
    fn the_general_path_decides_the_same_intermediate() {
        for clone3 in [false, true] {
            for joins_user in [false, true] {
                let ask = Ask {
                    kind: Some(Kind::Exec),
                    joins: true,
                    joins_user,
                    clone3,
                    proc_is_ours: true,
                    ..Default::default()
                };
                assert_eq!(decide(&ask), lean_mode(true, Maps::None), "{ask:?}");
                let time = decide(&Ask {
                    joins_time: true,
                    ..ask
                });
                assert!(!time.files_shared && !time.shares_memory, "{ask:?}");
                let maps = decide(&Ask {
                    maps: true,
                    maps_self_writable: true,
                    ..ask
                });
                assert_ne!(maps.maps, Maps::None, "{ask:?}");
            }
        }
    }
}
