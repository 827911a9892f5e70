//! THE CHILD SIDE OF CLONE: everything here runs between clone and exec (or
//! the user's function), in a child that may share the caller's memory
//! (CLONE_VM) while the caller's other threads keep running.
//!
//! Rules, all load-bearing:
//! - only raw system calls (`sys::raw`): no libc wrapper, so errno and every
//!   libc lock stay untouched;
//! - no allocation, no formatting, no panics (no indexing that can fail, no
//!   unwrap): everything is prepared by the parent in a [`Plan`];
//! - a failure is reported (report pipe, or shared memory for a vfork
//!   child) and the child exits; the parent turns it into
//!   `"child: <step>: <reason>"`.

use std::ffi::{c_int, c_void};
use std::sync::atomic::Ordering::Relaxed;

use super::child_ops::*;
use super::child_procattrs::*;
use super::plan::*;
use crate::sys::consts::CLONE_PIDFD;
use crate::sys::raw::{self, syscall};
use crate::sys::CloneArgs;

/// Tells the parent we wait for the maps (passing our /proc/self, through
/// which it writes them, when its /proc is not this PID namespace's), then
/// waits for its byte on go_fd. EOF: the parent gave up; leave quietly.
unsafe fn wait_for_maps(plan: &Plan) -> Res {
    if plan.go_fd < 0 {
        return Ok(());
    }
    let ready = Msg {
        kind: MSG_READY,
        ..Default::default()
    };
    // SAFETY: raw syscalls on our descriptors and a local buffer.
    unsafe {
        if plan.send_proc_dir {
            let dir = open_proc_self()?;
            send_fd(plan.report_fd, &ready, dir);
            syscall(libc::SYS_close, &[dir as usize]);
        } else {
            send(plan.report_fd, &ready);
        }
        let mut b = 0u8;
        loop {
            let r = syscall(
                libc::SYS_read,
                &[plan.go_fd as usize, &mut b as *mut u8 as usize, 1],
            );
            if r == -(libc::EINTR as isize) {
                continue;
            }
            if r == 0 {
                exit(127);
            }
            check(Step::WaitMaps, r)?;
            break;
        }
        syscall(libc::SYS_close, &[plan.go_fd as usize]);
    }
    Ok(())
}

/// Writes the planned single-id maps of our own ids into our own user
/// namespace (empty texts: nothing).
unsafe fn write_self_maps(plan: &Plan) -> Res {
    // SAFETY: raw syscalls on texts the parent prepared.
    unsafe {
        write_file(
            Step::Setgroups,
            c"/proc/self/setgroups".as_ptr(),
            plan.self_setgroups,
        )?;
        write_file(
            Step::GidMap,
            c"/proc/self/gid_map".as_ptr(),
            plan.self_gid_map,
        )?;
        write_file(
            Step::UidMap,
            c"/proc/self/uid_map".as_ptr(),
            plan.self_uid_map,
        )
    }
}

/// Entry of the intermediate process: join, create, wait for maps, write
/// time offsets, then clone the final child as the caller's child.
///
/// # Safety
/// `arg` is a `*const Plan` valid until this process exits.
pub(crate) unsafe extern "C" fn intermediate_entry(arg: *mut c_void) -> ! {
    // SAFETY: per the contract above.
    let plan = unsafe { &*(arg as *const Plan) };
    if !plan.files_shared {
        // SAFETY: raw syscalls only.
        unsafe { close_others(plan) };
    }
    // SAFETY: raw syscalls only.
    match unsafe { intermediate(plan) } {
        Ok((pid, pidfd)) if plan.files_shared => {
            // The final child has exec'd or failed (its vfork); its pidfd
            // is in the caller's table. The caller wakes when we exit.
            plan.shared.final_pidfd.store(pidfd, Relaxed);
            plan.shared.final_pid.store(pid, Relaxed);
            // SAFETY: raw syscall.
            unsafe { exit(0) }
        }
        Ok((pid, pidfd)) => {
            let msg = Msg {
                kind: MSG_CHILD,
                arg: pid,
                ..Default::default()
            };
            // Read before the report: once it is sent, the parent may
            // return and free the plan (never our stack, see parent.rs).
            let (report, supervised) = (plan.report_fd, plan.supervise);
            // SAFETY: raw syscalls.
            unsafe {
                send_fd(report, &msg, pidfd);
                if supervised {
                    // The program has exec'd (vfork): let the parent go
                    // on, then hand its status on as ours.
                    syscall(libc::SYS_close, &[report as usize]);
                    exit(supervise(pid))
                }
                exit(0)
            }
        }
        // SAFETY: raw syscalls.
        Err(e) => unsafe { die(plan, e) },
    }
}

/// Waits for our child `pid` and returns its status as an exit code: its
/// own, or 128 + the signal that killed it.
unsafe fn supervise(pid: i32) -> c_int {
    let mut status: c_int = 0;
    loop {
        // SAFETY: status is a local.
        let r = unsafe {
            syscall(
                libc::SYS_wait4,
                &[
                    pid as usize,
                    &mut status as *mut c_int as usize,
                    libc::__WALL as usize,
                    0,
                ],
            )
        };
        if r == -(libc::EINTR as isize) {
            continue;
        }
        if r < 0 {
            return 127;
        }
        break;
    }
    if status & 0x7f == 0 {
        (status >> 8) & 0xff
    } else {
        128 + (status & 0x7f)
    }
}

/// setns(2) of every join in order, then unshare(2) of the new types:
/// the contract's "join, then create", in one process.
unsafe fn join_then_create(plan: &Plan) -> Res {
    // SAFETY: the parent prepared the plan; raw syscalls only.
    unsafe {
        for (i, j) in slice(plan.joins, plan.njoins).iter().enumerate() {
            check_arg(
                Step::Setns,
                syscall(libc::SYS_setns, &[j.fd as usize, j.types as usize]),
                i as i32,
            )?;
        }
        if plan.unshare_flags != 0 {
            check(
                Step::Unshare,
                syscall(libc::SYS_unshare, &[plan.unshare_flags as usize]),
            )?;
        }
    }
    Ok(())
}

unsafe fn intermediate(plan: &Plan) -> Result<(i32, c_int), (Step, isize, i32)> {
    // SAFETY: the parent prepared the plan; raw syscalls only.
    unsafe {
        join_then_create(plan)?;
        if !plan.maps_in_final {
            // Single own ids, for the user namespace just created (none
            // planned: nothing written); then those the parent writes.
            write_self_maps(plan)?;
            wait_for_maps(plan)?;
        }
        write_file(
            Step::TimeOffsets,
            c"/proc/self/timens_offsets".as_ptr(),
            plan.time_offsets,
        )?;
        if plan.supervise {
            // Our own child: its exit must not be reaped by the caller's
            // SIGCHLD disposition, which we inherited.
            let dfl = [0u64; 4];
            syscall(
                libc::SYS_rt_sigaction,
                &[libc::SIGCHLD as usize, dfl.as_ptr() as usize, 0, 8],
            );
        }
        // The final child is the caller's (CLONE_PARENT); its pidfd, taken
        // atomically here, goes to the caller with its pid (unless the
        // caller wants none: pidfd_on_error).
        let take_pidfd = if plan.pidfd_on_error { 0 } else { CLONE_PIDFD };
        let mut pidfd: c_int = -1;
        let mut ret = -(libc::ENOSYS as isize);
        if plan.use_clone3 {
            let mut args: CloneArgs = plan.final_args;
            args.flags |= take_pidfd;
            args.pidfd = &mut pidfd as *mut c_int as u64;
            ret = raw::clone3_call(
                &mut args as *mut CloneArgs as *mut c_void,
                std::mem::size_of::<CloneArgs>(),
                final_entry,
                plan as *const Plan as *mut c_void,
            );
        }
        // clone3 missing, or refused by a seccomp filter: clone(2) can do
        // what the final clone needs.
        if ret == -(libc::ENOSYS as isize) || (plan.use_clone3 && ret == -(libc::EPERM as isize)) {
            ret = raw::clone_call(
                plan.final_legacy_flags | take_pidfd,
                plan.final_stack_top,
                &mut pidfd,
                final_entry,
                plan as *const Plan as *mut c_void,
            );
        }
        check(Step::Clone, ret)?;
        Ok((ret as i32, pidfd))
    }
}

/// Entry of the final child: the process that becomes the program.
///
/// # Safety
/// `arg` is a `*const Plan` valid until this process execs or exits.
pub(crate) unsafe extern "C" fn final_entry(arg: *mut c_void) -> ! {
    // SAFETY: per the contract above.
    let plan = unsafe { &*(arg as *const Plan) };
    if plan.first_is_final || plan.files_shared {
        // SAFETY: raw syscalls only.
        unsafe { close_others(plan) };
    }
    // SAFETY: raw syscalls only.
    let setup = unsafe {
        if plan.lean {
            lean_setup(plan)
        } else {
            final_setup(plan)
        }
    };
    let err = match setup {
        // SAFETY: raw syscalls only; the plan outlives us.
        Ok(()) => unsafe { run(plan) },
        Err(e) => e,
    };
    if plan.pidfd_on_error {
        // SAFETY: raw syscalls.
        unsafe { open_own_pidfd(plan) };
    }
    // SAFETY: raw syscalls.
    unsafe { die(plan, err) }
}

unsafe fn final_setup(plan: &Plan) -> Res {
    // SAFETY: raw syscalls on prepared data.
    unsafe {
        if plan.pdeathsig != 0 {
            arm_pdeathsig(plan)?;
        }
        if plan.joins_in_final {
            // Joins a CLONE_VM child may make itself (no intermediate):
            // then the new namespaces, with unshare.
            join_then_create(plan)?;
        }
        if plan.pgroup >= 0 {
            let r = syscall(libc::SYS_setpgid, &[0, plan.pgroup as usize]);
            check(Step::Setpgid, r)?;
        }
        new_session(plan)?;
        if plan.maps_in_final {
            // Created in its namespaces by the first clone: single-id maps
            // of our own ids we may write ourselves, the rest the parent
            // writes now.
            write_self_maps(plan)?;
            wait_for_maps(plan)?;
        }
        if plan.hostname.len > 0 {
            check(
                Step::Hostname,
                syscall(
                    libc::SYS_sethostname,
                    &[plan.hostname.ptr as usize, plan.hostname.len],
                ),
            )?;
        }
        set_propagation(plan)?;
        if !plan.root.is_null() {
            let put_old =
                (!plan.put_old_rel.is_null()).then_some((plan.put_old_rel, plan.put_old_inside));
            pivot_into(plan.root, plan.root_tree, put_old, plan.detach_old_root)?;
        }
        if plan.mount_proc {
            let flags = libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC;
            check(
                Step::MountProc,
                mount(c"proc".as_ptr(), c"/proc".as_ptr(), c"proc".as_ptr(), flags),
            )?;
        }
        if !plan.chroot.is_null() {
            check(
                Step::Chroot,
                syscall(libc::SYS_chroot, &[plan.chroot as usize]),
            )?;
            check(
                Step::Chroot,
                syscall(libc::SYS_chdir, &[c"/".as_ptr() as usize]),
            )?;
        }
        if !plan.cwd.is_null() {
            check(Step::Chdir, syscall(libc::SYS_chdir, &[plan.cwd as usize]))?;
        }
        apply_fds(plan)?;
        if plan.close_fds {
            close_fds(plan);
        }
        for &(lo, end) in slice(plan.close_ranges, plan.nclose_ranges) {
            cloexec_range(plan, lo, end);
        }
        // With the caller's privileges still: limits may be raised, the
        // bounding set needs CAP_SETPCAP.
        apply_rlimits(plan)?;
        drop_bounding(plan)?;
        if plan.creds.any() {
            set_creds(plan)?;
            // A change of effective ids clears the parent-death signal.
            if plan.pdeathsig != 0 {
                arm_pdeathsig(plan)?;
            }
        }
        apply_umask(plan);
    }
    Ok(())
}

/// final_setup for a plan of the lean spawn, which asks for nothing else:
/// the maps of our own ids, then the mount propagation (in final_setup's
/// order), without looking at the steps that cannot apply.
unsafe fn lean_setup(plan: &Plan) -> Res {
    // SAFETY: raw syscalls on prepared data.
    unsafe {
        if plan.joins_in_final {
            join_then_create(plan)?;
        }
        write_self_maps(plan)?;
        set_propagation(plan)
    }
}

/// The new mount tree's propagation (plan.propagation; 0: left alone).
unsafe fn set_propagation(plan: &Plan) -> Res {
    if plan.propagation == 0 {
        return Ok(());
    }
    // SAFETY: a mount(2) of constant strings.
    let r = unsafe {
        mount(
            c"none".as_ptr(),
            c"/".as_ptr(),
            c"none".as_ptr(),
            libc::MS_REC | plan.propagation,
        )
    };
    check(Step::Propagation, r)
}

/// Sets the parent-death signal, then checks that the parent has not
/// already died (its pidfd readable, or another parent).
unsafe fn arm_pdeathsig(plan: &Plan) -> Res {
    // SAFETY: raw syscalls on prepared data.
    unsafe {
        let args = [libc::PR_SET_PDEATHSIG as usize, plan.pdeathsig as usize];
        check(Step::Pdeathsig, syscall(libc::SYS_prctl, &args))?;
        // The parent may have died before the prctl: its pidfd is then
        // readable.
        if plan.parent_pidfd >= 0 {
            let mut pfd = libc::pollfd {
                fd: plan.parent_pidfd,
                events: libc::POLLIN,
                revents: 0,
            };
            if syscall(
                libc::SYS_poll,
                &[&mut pfd as *mut libc::pollfd as usize, 1, 0],
            ) > 0
            {
                return Err((Step::ParentGone, -(libc::ESRCH as isize), -1));
            }
        } else {
            // No pidfd: a parent that died has left us to another
            // (unless we are pid 1 of a new namespace, where getppid
            // says 0 and there is nothing to compare).
            let ppid = syscall(libc::SYS_getppid, &[]);
            if ppid != 0 && ppid != plan.parent_pid as isize {
                return Err((Step::ParentGone, -(libc::ESRCH as isize), -1));
            }
        }
    }
    Ok(())
}

/// The program's credentials: supplementary groups, gid, uid, then the
/// capability sets given (permitted, effective, inheritable, ambient;
/// PR_SET_KEEPCAPS first so that leaving uid 0 keeps them permitted).
/// Raw system calls act on this thread alone, which is the whole child.
unsafe fn set_creds(plan: &Plan) -> Res {
    let c = &plan.creds;
    // SAFETY: raw syscalls on prepared data (groups points at ngroups ids).
    unsafe {
        keep_caps_over_uid_change(plan)?;
        if c.set_groups {
            let r = syscall(libc::SYS_setgroups, &[c.ngroups, c.groups as usize]);
            check(Step::Groups, r)?;
        }
        if c.gid >= 0 {
            let g = c.gid as usize;
            check_arg(
                Step::Gid,
                syscall(libc::SYS_setresgid, &[g, g, g]),
                c.gid as i32,
            )?;
        }
        if c.uid >= 0 {
            let u = c.uid as usize;
            check_arg(
                Step::Uid,
                syscall(libc::SYS_setresuid, &[u, u, u]),
                c.uid as i32,
            )?;
        }
        set_cap_sets(plan)?;
    }
    Ok(())
}

/// Does execvp try the next PATH entry after execve returned `r`?
fn path_search_goes_on(r: isize) -> bool {
    [
        libc::ENOENT,
        libc::ENOTDIR,
        libc::EACCES,
        libc::ESTALE,
        libc::ENODEV,
        libc::ETIMEDOUT,
    ]
    .iter()
    .any(|&e| r == -(e as isize))
}

/// Exec the program (or call the function, or hold); returns only on failure.
unsafe fn run(plan: &Plan) -> (Step, isize, i32) {
    // SAFETY: raw syscalls; the function is the caller's, run per contract.
    unsafe {
        match plan.run {
            Run::Exec {
                path,
                more,
                nmore,
                argv,
                envp,
            } => {
                if plan.npid_env > 0 {
                    fill_pid_env(plan);
                }
                // Default dispositions, then an empty mask: no handler of
                // the caller ever runs here, and the program starts clean.
                // Or, asked to keep them, the caller's mask and ignored
                // signals (its handlers still go).
                let empty = 0u64;
                let mask = if plan.keep_sigmask {
                    default_handled_signals();
                    &plan.caller_sigmask as *const u64 as usize
                } else {
                    default_signals(plan.reset_signals);
                    &empty as *const u64 as usize
                };
                let args = [libc::SIG_SETMASK as usize, mask, 0, 8];
                let r = syscall(libc::SYS_rt_sigprocmask, &args);
                if r < 0 {
                    return (Step::Signals, r, -1);
                }
                // Last, so that the filter sees execve and nothing of ours
                // before it.
                if let Err(e) = install_seccomp(plan) {
                    return e;
                }
                let mut r = syscall(
                    libc::SYS_execve,
                    &[path as usize, argv as usize, envp as usize],
                );
                // The PATH search, as execvp: go on past a file that is
                // missing or not permitted; EACCES wins over ENOENT.
                let mut denied = r == -(libc::EACCES as isize);
                let mut i = 0;
                while i < nmore && path_search_goes_on(r) {
                    let p = *more.add(i);
                    r = syscall(
                        libc::SYS_execve,
                        &[p as usize, argv as usize, envp as usize],
                    );
                    denied |= r == -(libc::EACCES as isize);
                    i += 1;
                }
                if denied && path_search_goes_on(r) {
                    r = -(libc::EACCES as isize);
                }
                (Step::Exec, r, -1)
            }
            Run::Hold { fd, unshare, lo_up } => {
                if unshare != 0 {
                    let r = syscall(libc::SYS_unshare, &[unshare as usize]);
                    if r < 0 {
                        return (Step::Unshare, r, -1);
                    }
                }
                if lo_up {
                    let r = loopback_up();
                    if r < 0 {
                        return (Step::LoopbackUp, r, -1);
                    }
                }
                let dir = match open_proc_self() {
                    Ok(d) => d,
                    Err(e) => return e,
                };
                send_fd(
                    plan.report_fd,
                    &Msg {
                        kind: MSG_HELD,
                        ..Default::default()
                    },
                    dir,
                );
                syscall(libc::SYS_close, &[dir as usize]);
                let mut b = 0u8;
                while syscall(
                    libc::SYS_read,
                    &[fd as usize, &mut b as *mut u8 as usize, 1],
                ) == -(libc::EINTR as isize)
                {}
                exit(0)
            }
            Run::Call { f, arg, sigmask } => {
                // The filter while a failure can still be reported; it
                // then sees the two closes and the mask below.
                if let Err(e) = install_seccomp(plan) {
                    return e;
                }
                // Our own descriptors go; the caller's stay, as after fork.
                syscall(libc::SYS_close, &[plan.report_fd as usize]);
                if plan.parent_pidfd >= 0 {
                    syscall(libc::SYS_close, &[plan.parent_pidfd as usize]);
                }
                let args = [
                    libc::SIG_SETMASK as usize,
                    &sigmask as *const u64 as usize,
                    0,
                    8,
                ];
                syscall(libc::SYS_rt_sigprocmask, &args);
                // The library's own state, as the clone left it: free its
                // gate and forget the parent's descriptors, so that the
                // function may call the library.
                crate::sys::fdtrack::reset_in_fork_child();
                let code = f(arg);
                exit(code)
            }
        }
    }
}
