//! THE CHILD SIDE OF CLONE: everything here runs between clone and exec (or
//! the user's function), in a child that may share the caller's memory
//! (CLONE_VM) while the caller's other threads keep running.
//!
//! Rules, all load-bearing:
//! - only raw system calls (`sys::raw`): no libc wrapper, so errno and every
//!   libc lock stay untouched;
//! - no allocation, no formatting, no panics (no indexing that can fail, no
//!   unwrap): everything is prepared by the parent in a [`Plan`];
//! - a failure is written to the report pipe as a [`Msg`] and the child
//!   exits; the parent turns it into "child: <step>: <reason>".

use std::ffi::{c_char, c_int, c_void};

use crate::sys::raw::{self, syscall};
use crate::sys::CloneArgs;

/// What a child tells the parent through the report pipe.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Msg {
    pub kind: u32,
    pub errno: i32,
    pub step: u32,
    pub arg: i32,
}

pub(crate) const MSG_ERROR: u32 = 1;
/// In a new user namespace, waiting for the parent to write the maps.
pub(crate) const MSG_READY: u32 = 2;
/// The intermediate process created the final child; `arg` is its pid.
pub(crate) const MSG_CHILD: u32 = 3;
/// A holding child is set up and waits for its hold pipe to close.
pub(crate) const MSG_HELD: u32 = 4;

/// Steps, named for ns_last_error by [`step_name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Step {
    Pdeathsig = 1,
    ParentGone,
    Setns,
    Unshare,
    WaitMaps,
    TimeOffsets,
    Clone,
    Hostname,
    Propagation,
    RootBind,
    RootChdir,
    PivotRoot,
    UmountOldRoot,
    MountProc,
    Chdir,
    Dup,
    Signals,
    Exec,
}

pub(crate) fn step_name(code: u32) -> &'static str {
    const NAMES: [&str; 19] = [
        "?",
        "prctl(PR_SET_PDEATHSIG)",
        "parent exited before exec",
        "setns",
        "unshare",
        "wait for uid/gid maps",
        "write /proc/self/timens_offsets",
        "clone",
        "sethostname",
        "mount propagation of /",
        "bind-mount new root",
        "chdir to new root",
        "pivot_root",
        "detach old root",
        "mount /proc",
        "chdir",
        "dup2",
        "reset signals",
        "execve",
    ];
    NAMES.get(code as usize).copied().unwrap_or("?")
}

/// A prepared join: descriptor and types for setns.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawJoin {
    pub fd: c_int,
    pub types: c_int,
    /// Enters a user namespace (ordered first or last by the parent).
    pub is_user: bool,
}

/// What the child runs at the end.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Run {
    Exec {
        path: *const c_char,
        argv: *const *const c_char,
        envp: *const *const c_char,
    },
    Call {
        f: unsafe extern "C" fn(*mut c_void) -> c_int,
        arg: *mut c_void,
        sigmask: libc::sigset_t,
    },
    /// Stay in the namespaces until `fd` (a pipe's read end) reaches EOF;
    /// `write_fd` is our copy of the write end, closed first.
    Hold { fd: c_int, write_fd: c_int },
}

/// Everything the child needs, prepared by the parent. Pointers point into
/// the parent's memory, alive until the child has exec'd or exited.
pub(crate) struct Plan {
    pub report_fd: c_int,
    /// Read end of the parent's "maps written, go on" pipe; -1: no wait.
    pub go_fd: c_int,
    /// Our copy of that pipe's write end, closed before waiting so that
    /// the parent giving up is seen as EOF.
    pub go_w_fd: c_int,

    // Intermediate process (joins, unshare, time offsets, final clone).
    pub joins: *const RawJoin,
    pub njoins: usize,
    pub unshare_flags: c_int,
    pub time_offsets: *const u8,
    pub time_offsets_len: usize,
    pub final_args: CloneArgs,
    pub use_clone3: bool,
    pub final_stack_top: usize,

    // Final child.
    /// The final child (not the intermediate) waits for the maps.
    pub maps_in_final: bool,
    pub pdeathsig: c_int,
    pub parent_pidfd: c_int,
    pub hostname: *const u8,
    pub hostname_len: usize,
    /// MS_PRIVATE / MS_SLAVE / MS_SHARED, or 0 to leave propagation alone.
    pub propagation: libc::c_ulong,
    pub root: *const c_char,
    pub mount_proc: bool,
    pub cwd: *const c_char,
    /// (child_fd, parent_fd) pairs; parent_fd -1 closes child_fd.
    pub fds: *const (c_int, c_int),
    pub nfds: usize,
    /// Descriptors at or above this are free for temporary copies.
    pub fd_scratch: c_int,
    pub close_fds: bool,
    /// Sorted child fds >= 3 that close_fds keeps.
    pub keep: *const c_int,
    pub nkeep: usize,
    pub fd_limit: c_int,
    pub reset_signals: bool,
    pub run: Run,
}

type Res = Result<(), (Step, isize, i32)>;

fn check(step: Step, ret: isize) -> Res {
    if ret < 0 {
        Err((step, ret, -1))
    } else {
        Ok(())
    }
}

fn check_arg(step: Step, ret: isize, arg: i32) -> Res {
    if ret < 0 {
        Err((step, ret, arg))
    } else {
        Ok(())
    }
}

unsafe fn send(fd: c_int, msg: &Msg) {
    // SAFETY: msg is a plain struct; a short or failed write only loses the report.
    unsafe {
        syscall(
            libc::SYS_write,
            &[
                fd as usize,
                msg as *const Msg as usize,
                std::mem::size_of::<Msg>(),
            ],
        );
    }
}

unsafe fn die(plan: &Plan, err: (Step, isize, i32)) -> ! {
    let (step, ret, arg) = err;
    let msg = Msg {
        kind: MSG_ERROR,
        errno: (-ret) as i32,
        step: step as u32,
        arg,
    };
    // SAFETY: raw write and exit.
    unsafe {
        send(plan.report_fd, &msg);
        exit(127)
    }
}

unsafe fn exit(code: c_int) -> ! {
    loop {
        // SAFETY: exit_group never returns.
        unsafe { syscall(libc::SYS_exit_group, &[code as usize]) };
    }
}

unsafe fn slice<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if p.is_null() || n == 0 {
        &[]
    } else {
        // SAFETY: the parent prepared n elements at p.
        unsafe { std::slice::from_raw_parts(p, n) }
    }
}

/// Waits for the parent's byte on go_fd (maps written). EOF: the parent
/// gave up; leave quietly.
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
        syscall(libc::SYS_close, &[plan.go_w_fd as usize]);
        send(plan.report_fd, &ready);
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

/// Entry of the intermediate process: join, create, wait for maps, write
/// time offsets, then clone the final child as the caller's child.
///
/// # Safety
/// `arg` is a `*const Plan` valid until this process exits.
pub(crate) unsafe extern "C" fn intermediate_entry(arg: *mut c_void) -> ! {
    // SAFETY: per the contract above.
    let plan = unsafe { &*(arg as *const Plan) };
    // SAFETY: raw syscalls only.
    match unsafe { intermediate(plan) } {
        Ok(pid) => {
            let msg = Msg {
                kind: MSG_CHILD,
                arg: pid,
                ..Default::default()
            };
            // SAFETY: raw syscalls.
            unsafe {
                send(plan.report_fd, &msg);
                exit(0)
            }
        }
        // SAFETY: raw syscalls.
        Err(e) => unsafe { die(plan, e) },
    }
}

unsafe fn intermediate(plan: &Plan) -> Result<i32, (Step, isize, i32)> {
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
        if !plan.maps_in_final {
            wait_for_maps(plan)?;
        }
        if plan.time_offsets_len > 0 {
            write_file(
                c"/proc/self/timens_offsets".as_ptr(),
                plan.time_offsets,
                plan.time_offsets_len,
            )
            .map_err(|r| (Step::TimeOffsets, r, -1))?;
        }
        let ret = if plan.use_clone3 {
            let mut args = plan.final_args;
            raw::clone3_call(
                &mut args as *mut CloneArgs as *mut c_void,
                std::mem::size_of::<CloneArgs>(),
                final_entry,
                plan as *const Plan as *mut c_void,
            )
        } else {
            legacy_clone(
                plan,
                final_entry,
                plan.final_args.flags,
                plan.final_stack_top,
                std::ptr::null_mut(),
            )
        };
        check(Step::Clone, ret)?;
        Ok(ret as i32)
    }
}

/// clone(2) through the C library's trampoline, for kernels without clone3.
///
/// # Safety
/// `stack_top` is the top of a stack for the child; flags are clone(2)'s;
/// `pidfd` receives the pidfd with CLONE_PIDFD.
pub(crate) unsafe fn legacy_clone(
    plan: &Plan,
    entry: raw::ChildEntry,
    flags: u64,
    stack_top: usize,
    pidfd: *mut c_int,
) -> isize {
    // glibc's clone takes a function returning int: pass the entry through.
    #[repr(C)]
    struct Hop {
        entry: raw::ChildEntry,
        plan: *const Plan,
    }
    extern "C" fn tramp(arg: *mut c_void) -> c_int {
        // SAFETY: arg is the Hop below, alive in the parent's frame (or in
        // the child's copy of it).
        unsafe {
            let hop = &*(arg as *const Hop);
            (hop.entry)(hop.plan as *mut c_void)
        }
    }
    let hop = Hop { entry, plan };
    // SAFETY: glibc's clone runs tramp(&hop) on the given stack in the child.
    let r = unsafe {
        libc::clone(
            tramp,
            stack_top as *mut c_void,
            flags as c_int,
            &hop as *const Hop as *mut c_void,
            pidfd,
        )
    };
    if r < 0 {
        // The C wrapper sets errno; the caller is the parent or the
        // intermediate process, which owns its errno.
        -(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EINVAL) as isize)
    } else {
        r as isize
    }
}

unsafe fn write_file(path: *const c_char, data: *const u8, len: usize) -> Result<(), isize> {
    // SAFETY: raw syscalls with prepared pointers.
    unsafe {
        let fd = syscall(
            libc::SYS_openat,
            &[
                libc::AT_FDCWD as usize,
                path as usize,
                (libc::O_WRONLY | libc::O_CLOEXEC) as usize,
            ],
        );
        if fd < 0 {
            return Err(fd);
        }
        let r = syscall(libc::SYS_write, &[fd as usize, data as usize, len]);
        syscall(libc::SYS_close, &[fd as usize]);
        if r < 0 {
            return Err(r);
        }
    }
    Ok(())
}

/// Entry of the final child: the process that becomes the program.
///
/// # Safety
/// `arg` is a `*const Plan` valid until this process execs or exits.
pub(crate) unsafe extern "C" fn final_entry(arg: *mut c_void) -> ! {
    // SAFETY: per the contract above.
    let plan = unsafe { &*(arg as *const Plan) };
    // SAFETY: raw syscalls only.
    let err = match unsafe { final_setup(plan) } {
        Ok(()) => unsafe { run(plan) },
        Err(e) => e,
    };
    // SAFETY: raw syscalls.
    unsafe { die(plan, err) }
}

unsafe fn final_setup(plan: &Plan) -> Res {
    // SAFETY: raw syscalls on prepared data.
    unsafe {
        if plan.pdeathsig != 0 {
            check(
                Step::Pdeathsig,
                syscall(
                    libc::SYS_prctl,
                    &[libc::PR_SET_PDEATHSIG as usize, plan.pdeathsig as usize],
                ),
            )?;
            // The parent may have died before the prctl: its pidfd is then
            // readable.
            let mut pfd = libc::pollfd {
                fd: plan.parent_pidfd,
                events: libc::POLLIN,
                revents: 0,
            };
            let r = syscall(
                libc::SYS_poll,
                &[&mut pfd as *mut libc::pollfd as usize, 1, 0],
            );
            if r > 0 {
                return Err((Step::ParentGone, -(libc::ESRCH as isize), -1));
            }
        }
        if plan.maps_in_final {
            // Created in its namespaces by the first clone: the parent
            // writes the maps now.
            wait_for_maps(plan)?;
        }
        if !plan.hostname.is_null() {
            check(
                Step::Hostname,
                syscall(
                    libc::SYS_sethostname,
                    &[plan.hostname as usize, plan.hostname_len],
                ),
            )?;
        }
        if plan.propagation != 0 {
            let r = mount(
                std::ptr::null(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | plan.propagation,
            );
            check(Step::Propagation, r)?;
        }
        if !plan.root.is_null() {
            pivot_into(plan.root)?;
        }
        if plan.mount_proc {
            let flags = libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC;
            check(
                Step::MountProc,
                mount(c"proc".as_ptr(), c"/proc".as_ptr(), c"proc".as_ptr(), flags),
            )?;
        }
        if !plan.cwd.is_null() {
            check(Step::Chdir, syscall(libc::SYS_chdir, &[plan.cwd as usize]))?;
        }
        apply_fds(plan)?;
        if plan.close_fds {
            close_fds(plan);
        }
    }
    Ok(())
}

unsafe fn mount(
    src: *const c_char,
    dst: *const c_char,
    fstype: *const c_char,
    flags: libc::c_ulong,
) -> isize {
    // SAFETY: NUL-terminated strings or NULL.
    unsafe {
        syscall(
            libc::SYS_mount,
            &[
                src as usize,
                dst as usize,
                fstype as usize,
                flags as usize,
                0,
            ],
        )
    }
}

/// Bind-mounts the new root on itself, pivots into it and detaches the old
/// root (pivot_root(".", ".") stacks the old root under the new one).
unsafe fn pivot_into(root: *const c_char) -> Res {
    // SAFETY: raw syscalls with NUL-terminated strings.
    unsafe {
        check(
            Step::RootBind,
            mount(root, root, std::ptr::null(), libc::MS_BIND | libc::MS_REC),
        )?;
        check(Step::RootChdir, syscall(libc::SYS_chdir, &[root as usize]))?;
        let dot = c".".as_ptr() as usize;
        check(Step::PivotRoot, syscall(libc::SYS_pivot_root, &[dot, dot]))?;
        check(
            Step::UmountOldRoot,
            syscall(libc::SYS_umount2, &[dot, libc::MNT_DETACH as usize]),
        )?;
        check(
            Step::RootChdir,
            syscall(libc::SYS_chdir, &[c"/".as_ptr() as usize]),
        )?;
    }
    Ok(())
}

/// dup2 every (child_fd, parent_fd). With several, copy the sources above
/// fd_scratch first, so one action cannot overwrite another's source.
unsafe fn apply_fds(plan: &Plan) -> Res {
    // SAFETY: raw syscalls on descriptors.
    unsafe {
        let fds = slice(plan.fds, plan.nfds);
        let staged = fds.len() > 1;
        let source = |i: usize, parent: c_int| {
            if staged {
                plan.fd_scratch + i as c_int
            } else {
                parent
            }
        };
        if staged {
            for (i, &(child, parent)) in fds.iter().enumerate() {
                if parent >= 0 {
                    let r = syscall(
                        libc::SYS_dup3,
                        &[
                            parent as usize,
                            source(i, parent) as usize,
                            libc::O_CLOEXEC as usize,
                        ],
                    );
                    check_arg(Step::Dup, r, child)?;
                }
            }
        }
        for (i, &(child, parent)) in fds.iter().enumerate() {
            if parent < 0 {
                syscall(libc::SYS_close, &[child as usize]);
                continue;
            }
            let src = source(i, parent);
            let r = if src == child {
                // dup2 onto itself keeps FD_CLOEXEC; clear it by hand.
                syscall(
                    libc::SYS_fcntl,
                    &[child as usize, libc::F_SETFD as usize, 0],
                )
            } else {
                syscall(libc::SYS_dup3, &[src as usize, child as usize, 0])
            };
            check_arg(Step::Dup, r, child)?;
        }
    }
    Ok(())
}

/// Marks every descriptor >= 3 close-on-exec except the kept ones.
unsafe fn close_fds(plan: &Plan) {
    const CLOSE_RANGE_CLOEXEC: usize = 1 << 2;
    // SAFETY: raw syscalls on descriptors.
    unsafe {
        let keep = slice(plan.keep, plan.nkeep);
        let mut first: c_int = 3;
        let mut ranges_ok = true;
        for &k in keep.iter().chain(std::iter::once(&c_int::MAX)) {
            if k > first {
                let last = if k == c_int::MAX {
                    u32::MAX as usize
                } else {
                    (k - 1) as usize
                };
                let r = syscall(
                    libc::SYS_close_range,
                    &[first as usize, last, CLOSE_RANGE_CLOEXEC],
                );
                if r < 0 {
                    ranges_ok = false;
                    break;
                }
            }
            first = k.saturating_add(1);
        }
        if !ranges_ok {
            // Kernels before 5.11: one descriptor at a time.
            for fd in 3..plan.fd_limit {
                if keep.binary_search(&fd).is_err() {
                    syscall(
                        libc::SYS_fcntl,
                        &[
                            fd as usize,
                            libc::F_SETFD as usize,
                            libc::FD_CLOEXEC as usize,
                        ],
                    );
                }
            }
        }
    }
}

/// Exec the program (or call the function); returns only on failure.
unsafe fn run(plan: &Plan) -> (Step, isize, i32) {
    // SAFETY: raw syscalls; the function is the caller's, run per contract.
    unsafe {
        match plan.run {
            Run::Exec { path, argv, envp } => {
                if plan.reset_signals {
                    // Default dispositions for every signal (handlers were
                    // cleared by CLONE_CLEAR_SIGHAND or are cleared here;
                    // ignored signals are not inherited either), then an
                    // empty mask: no handler of the caller ever runs here.
                    let dfl = [0u64; 4];
                    for sig in 1..=64usize {
                        if sig == libc::SIGKILL as usize || sig == libc::SIGSTOP as usize {
                            continue;
                        }
                        syscall(libc::SYS_rt_sigaction, &[sig, dfl.as_ptr() as usize, 0, 8]);
                    }
                }
                let empty = 0u64;
                let r = syscall(
                    libc::SYS_rt_sigprocmask,
                    &[
                        libc::SIG_SETMASK as usize,
                        &empty as *const u64 as usize,
                        0,
                        8,
                    ],
                );
                if r < 0 {
                    return (Step::Signals, r, -1);
                }
                let r = syscall(
                    libc::SYS_execve,
                    &[path as usize, argv as usize, envp as usize],
                );
                (Step::Exec, r, -1)
            }
            Run::Hold { fd, write_fd } => {
                syscall(libc::SYS_close, &[write_fd as usize]);
                send(
                    plan.report_fd,
                    &Msg {
                        kind: MSG_HELD,
                        ..Default::default()
                    },
                );
                let mut b = 0u8;
                loop {
                    let r = syscall(
                        libc::SYS_read,
                        &[fd as usize, &mut b as *mut u8 as usize, 1],
                    );
                    if r != -(libc::EINTR as isize) {
                        break;
                    }
                }
                exit(0)
            }
            Run::Call { f, arg, sigmask } => {
                syscall(libc::SYS_close, &[plan.report_fd as usize]);
                syscall(
                    libc::SYS_rt_sigprocmask,
                    &[
                        libc::SIG_SETMASK as usize,
                        &sigmask as *const libc::sigset_t as usize,
                        0,
                        8,
                    ],
                );
                let code = f(arg);
                exit(code)
            }
        }
    }
}
