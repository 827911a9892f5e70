//! The lean spawn: a program started in new namespaces with nothing else
//! asked for (no descriptors, root, credentials or process attributes; at
//! most maps of the caller's own ids, which the child writes itself, and
//! joins that need no intermediate process: made by the calling thread
//! around the clone, or by the program's process before it creates the
//! new types, as a pooled set's are).
//!
//! It takes the general path's fast case (one CLONE_VM|CLONE_VFORK child,
//! an error in shared memory, the same child code, [`child::final_entry`])
//! but builds the plan directly, without the general preparation's
//! decisions, descriptors and heap copies: a spawn touches a fraction of
//! the code and memory, which is what it costs when its caches are cold
//! (other processes ran since the last spawn). Anything else, and any
//! attempt the general path would plan again (clone3 found missing), goes
//! through the general path.

use std::ffi::{c_char, CStr, CString};

use super::attr::SpawnAttr;
use super::child;
use super::converse::shared_error;
use super::launch::{end_child, Failure, Launch};
use super::parent::{caller_joins, Spawned};
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
/// Failure::Replan: take the general path instead.
///
/// # Safety
/// argv (and envp unless NULL) are NULL-terminated arrays of C strings.
pub(crate) unsafe fn attempt(
    attr: &SpawnAttr,
    path: &CStr,
    more: &[CString],
    argv: *const *const c_char,
    envp: *const *const c_char,
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
    let (caller, child_joins) = if attr.joins.is_empty() {
        (None, Vec::new())
    } else {
        let caller = caller_joins(attr);
        if caller.is_none() && !children_join(attr) {
            return Err(Failure::Replan);
        }
        if caller.as_ref().is_some_and(|c| c.left == 0) {
            (caller, Vec::new())
        } else {
            let mut joins = prepare_joins(attr)?;
            if let Some(c) = &caller {
                joins.retain(|j| !c.list.iter().any(|&(fd, _, _)| fd == j.fd));
            }
            (caller, joins)
        }
    };
    // The child's own joins need their descriptors open in it.
    let needed: Vec<std::ffi::c_int> = child_joins.iter().map(|j| j.fd).collect();
    let clone3 = have_clone3();
    let clear_sighand = if clone3 { CLONE_CLEAR_SIGHAND } else { 0 };
    let stack = Stack::get()?;
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
        plan.joins_in_final = true;
        plan.unshare_flags = new;
    }
    let launch = Launch {
        entry: child::final_entry,
        // With joins of its own the child creates the new types after
        // them (so that they are owned by a joined user namespace).
        flags: libc::CLONE_VM as u64
            | if child_joins.is_empty() {
                new as u32 as u64
            } else {
                0
            }
            | libc::CLONE_VFORK as u64,
        clear_sighand,
        extra3: 0,
        exit_signal: libc::SIGCHLD as u64,
        stack: &stack,
        cgroup: None,
        needs_clone3: false,
        clone3,
        new,
        caller_joins: caller.as_ref().map_or(&[], |c| &c.list[..]),
    };
    let mut close_list = Vec::new();
    // SAFETY: the child (vfork) runs entry(&plan) on `stack` and has
    // exec'd or exited when run returns; plan, stack, maps, more,
    // proc_plan, child_joins and close_list outlive it.
    let (pid, pidfd) = match unsafe { launch.run(&mut plan, &needed, &mut close_list) } {
        Ok(r) => (r.pid, r.pidfd),
        Err(Failure::CallerJoin) => return Err(Failure::Replan),
        Err(e) => return Err(e),
    };
    if let Some(err) = shared_error(&plan.shared) {
        end_child(pid, pidfd.as_ref());
        return Err(Failure::Error(err));
    }
    Ok(Spawned { pid, pidfd })
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
                assert_eq!(
                    decide(&ask),
                    Mode {
                        intermediate: false,
                        fast_joins: false,
                        shares_memory: true,
                        maps: if maps { Maps::Child } else { Maps::None },
                        vfork: true,
                        sends_fds: false,
                        send_proc_dir: false,
                        files_shared: false,
                    },
                    "{ask:?}"
                );
            }
        }
    }
}
