//! CHILD SIDE (see child.rs for the rules): the raw operations the child's
//! stages are made of. Raw system calls only; no allocation, no panics.

use std::ffi::{c_char, c_int};

use super::plan::{FdOp, Msg, Plan, Step, Text, MSG_ERROR};
use crate::sys::consts::{CLOSE_RANGE_CLOEXEC, MOVE_MOUNT_F_EMPTY_PATH, SYS_MOVE_MOUNT};
use crate::sys::raw::syscall;

pub(crate) type Res = Result<(), (Step, isize, i32)>;

pub(crate) fn check(step: Step, ret: isize) -> Res {
    check_arg(step, ret, -1)
}

pub(crate) fn check_arg(step: Step, ret: isize, arg: i32) -> Res {
    if ret < 0 {
        Err((step, ret, arg))
    } else {
        Ok(())
    }
}

/// Sends `msg` on the report channel (a pipe or a socket). A failed
/// write only loses the report (the parent then sees EOF).
pub(crate) unsafe fn send(fd: c_int, msg: &Msg) {
    if fd < 0 {
        return;
    }
    // SAFETY: msg is a plain struct.
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

/// Sends `msg` on the report socket, with descriptor `pass` (SCM_RIGHTS);
/// without one (-1), as [`send`]. MSG_NOSIGNAL: a parent that is gone must not leave a
/// SIGPIPE pending, which would survive exec. A failed send only loses the
/// report (the parent then sees EOF).
pub(crate) unsafe fn send_fd(fd: c_int, msg: &Msg, pass: c_int) {
    if fd < 0 {
        return;
    }
    if pass < 0 {
        // SAFETY: forwarded.
        return unsafe { send(fd, msg) };
    }
    let mut iov = libc::iovec {
        iov_base: msg as *const Msg as *mut libc::c_void,
        iov_len: std::mem::size_of::<Msg>(),
    };
    // cmsghdr (len: usize, level: i32, type: i32) then one int, as
    // CMSG_LEN(4); the buffer is 8-byte aligned.
    let mut control = [0u64; 3];
    let cmsg_len = std::mem::size_of::<usize>() + 8 + 4;
    control[0] = cmsg_len as u64;
    control[1] = (libc::SOL_SOCKET as u32 as u64) | ((libc::SCM_RIGHTS as u32 as u64) << 32);
    control[2] = pass as u32 as u64;
    // SAFETY: a zeroed msghdr is valid; the pointers outlive the call.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_iov = &mut iov;
    hdr.msg_iovlen = 1;
    hdr.msg_control = control.as_mut_ptr().cast();
    hdr.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: valid message; a failure only loses the report.
    unsafe {
        syscall(
            libc::SYS_sendmsg,
            &[
                fd as usize,
                &hdr as *const libc::msghdr as usize,
                libc::MSG_NOSIGNAL as usize,
            ],
        );
    }
}

/// Opens the child's own /proc/self directory (O_PATH), which the parent
/// uses to address it: a pid could name another process when /proc is not
/// this pid namespace's.
pub(crate) unsafe fn open_proc_self() -> Result<c_int, (Step, isize, i32)> {
    let flags = (libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC) as usize;
    // SAFETY: a NUL-terminated path.
    let fd = unsafe {
        syscall(
            libc::SYS_openat,
            &[
                libc::AT_FDCWD as usize,
                c"/proc/self".as_ptr() as usize,
                flags,
            ],
        )
    };
    check(Step::ProcSelf, fd)?;
    Ok(fd as c_int)
}

/// Closes the library descriptors the plan lists (other calls' and the
/// parent's): this child must not keep them. The list is sorted: each run
/// of consecutive numbers (a pool's sets, typically) goes in one
/// close_range(2), one at a time where that is missing (before 5.9) or
/// filtered.
pub(crate) unsafe fn close_others(plan: &Plan) {
    // SAFETY: the parent's list, alive until this child execs or exits.
    let fds = unsafe { slice(plan.close_first, plan.nclose_first) };
    let mut i = 0;
    while i < fds.len() {
        let mut j = i + 1;
        while j < fds.len() && fds[j] == fds[j - 1].wrapping_add(1) {
            j += 1;
        }
        // SAFETY: plain closes of numbers the parent listed (a run holds
        // only listed numbers).
        unsafe {
            let whole = j - i > 1
                && syscall(
                    libc::SYS_close_range,
                    &[fds[i] as usize, fds[j - 1] as usize, 0],
                ) == 0;
            if !whole {
                for &fd in &fds[i..j] {
                    syscall(libc::SYS_close, &[fd as usize]);
                }
            }
        }
        i = j;
    }
}

pub(crate) unsafe fn exit(code: c_int) -> ! {
    loop {
        // SAFETY: exit_group never returns.
        unsafe { syscall(libc::SYS_exit_group, &[code as usize]) };
    }
}

/// Reports a failed step (pipe and shared memory) and exits.
pub(crate) unsafe fn die(plan: &Plan, err: (Step, isize, i32)) -> ! {
    use std::sync::atomic::Ordering::Relaxed;
    let (step, ret, arg) = err;
    let errno = (-ret) as i32;
    plan.shared.errno.store(errno, Relaxed);
    plan.shared.arg.store(arg, Relaxed);
    plan.shared.step.store(step as u32, Relaxed);
    let msg = Msg {
        kind: MSG_ERROR,
        errno,
        step: step as u32,
        arg,
    };
    // SAFETY: raw write and exit.
    unsafe {
        send(plan.report_fd, &msg);
        exit(127)
    }
}

/// The program's process, cloned without a pidfd (Plan::pidfd_on_error),
/// about to report an error: a pidfd of itself in the caller's table
/// (shared until exec), which the caller adopts under its gate and reaps
/// it by (SharedError::own_pidfd; -errno if refused).
pub(crate) unsafe fn open_own_pidfd(plan: &Plan) {
    // SAFETY: raw syscalls.
    let fd = unsafe {
        let me = syscall(libc::SYS_getpid, &[]);
        syscall(libc::SYS_pidfd_open, &[me as usize, 0])
    };
    plan.shared
        .own_pidfd
        .store(fd as i32, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) unsafe fn slice<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if p.is_null() || n == 0 {
        &[]
    } else {
        // SAFETY: the parent prepared n elements at p.
        unsafe { std::slice::from_raw_parts(p, n) }
    }
}

/// open + one write + close; the step's errno on failure.
pub(crate) unsafe fn write_file(step: Step, path: *const c_char, text: Text) -> Res {
    if text.len == 0 {
        return Ok(());
    }
    // SAFETY: raw syscalls with prepared pointers.
    unsafe {
        let flags = (libc::O_WRONLY | libc::O_CLOEXEC) as usize;
        let fd = syscall(
            libc::SYS_openat,
            &[libc::AT_FDCWD as usize, path as usize, flags],
        );
        check(step, fd)?;
        let r = syscall(libc::SYS_write, &[fd as usize, text.ptr as usize, text.len]);
        syscall(libc::SYS_close, &[fd as usize]);
        check(step, r)
    }
}

pub(crate) unsafe fn mount(
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
/// root (pivot_root(".", ".") stacks the old root under the new one). With
/// `put_old` (relative to the new root, and the same path inside it), the
/// old root goes there instead, and is detached only when `detach`. With
/// `tree` (not -1), the detached idmapped copy of the root the parent
/// made, that tree is attached on the root instead of a bind mount (then
/// closed).
pub(crate) unsafe fn pivot_into(
    root: *const c_char,
    tree: c_int,
    put_old: Option<(*const c_char, *const c_char)>,
    detach: bool,
) -> Res {
    // SAFETY: raw syscalls with NUL-terminated strings.
    unsafe {
        if tree >= 0 {
            let args = [
                tree as usize,
                c"".as_ptr() as usize,
                libc::AT_FDCWD as usize,
                root as usize,
                MOVE_MOUNT_F_EMPTY_PATH as usize,
            ];
            let r = syscall(SYS_MOVE_MOUNT, &args);
            syscall(libc::SYS_close, &[tree as usize]);
            check(Step::RootIdmap, r)?;
        } else {
            check(
                Step::RootBind,
                mount(root, root, c"none".as_ptr(), libc::MS_BIND | libc::MS_REC),
            )?;
        }
        check(Step::RootChdir, syscall(libc::SYS_chdir, &[root as usize]))?;
        let dot = c".".as_ptr() as usize;
        let (old, old_after) = match put_old {
            Some((rel, inside)) => (rel as usize, inside as usize),
            None => (dot, dot),
        };
        check(Step::PivotRoot, syscall(libc::SYS_pivot_root, &[dot, old]))?;
        if detach {
            check(
                Step::UmountOldRoot,
                syscall(libc::SYS_umount2, &[old_after, libc::MNT_DETACH as usize]),
            )?;
        }
        check(
            Step::RootChdir,
            syscall(libc::SYS_chdir, &[c"/".as_ptr() as usize]),
        )
    }
}

/// Runs the descriptor shuffle the parent planned (see [`FdOp`]).
pub(crate) unsafe fn apply_fds(plan: &Plan) -> Res {
    let mut temp: c_int = -1;
    // SAFETY: raw syscalls on descriptors.
    unsafe {
        for &op in slice(plan.fd_ops, plan.nfd_ops) {
            let (r, fd) = match op {
                FdOp::Dup { from, to } => (
                    syscall(libc::SYS_dup3, &[from as usize, to as usize, 0]),
                    to,
                ),
                FdOp::Keep { fd } => (
                    syscall(libc::SYS_fcntl, &[fd as usize, libc::F_SETFD as usize, 0]),
                    fd,
                ),
                FdOp::SaveTemp { from } => {
                    let args = [from as usize, libc::F_DUPFD_CLOEXEC as usize, 0];
                    let r = syscall(libc::SYS_fcntl, &args);
                    temp = r as c_int;
                    (r, from)
                }
                FdOp::FromTemp { to } => (
                    syscall(libc::SYS_dup3, &[temp as usize, to as usize, 0]),
                    to,
                ),
                FdOp::CloseTemp => {
                    syscall(libc::SYS_close, &[temp as usize]);
                    (0, -1)
                }
                FdOp::Close { fd } => {
                    syscall(libc::SYS_close, &[fd as usize]);
                    (0, fd)
                }
            };
            check_arg(Step::Dup, r, fd)?;
        }
    }
    Ok(())
}

/// Marks every descriptor >= 3 close-on-exec except the kept ones.
pub(crate) unsafe fn close_fds(plan: &Plan) {
    // SAFETY: forwarded.
    unsafe { cloexec_range(plan, 3, c_int::MAX) }
}

/// Marks the descriptors `lo..end` (end exclusive; c_int::MAX: no end)
/// close-on-exec except the kept ones.
pub(crate) unsafe fn cloexec_range(plan: &Plan, lo: c_int, end: c_int) {
    // SAFETY: raw syscalls on descriptors.
    unsafe {
        let keep = slice(plan.keep, plan.nkeep);
        let mut first: c_int = lo;
        let mut ranges_ok = true;
        for &k in keep.iter().chain(std::iter::once(&end)) {
            // The gap first..stop holds no kept descriptor.
            let stop = k.min(end);
            if stop > first {
                let last = if stop == c_int::MAX {
                    u32::MAX as usize
                } else {
                    (stop - 1) as usize
                };
                if syscall(
                    libc::SYS_close_range,
                    &[first as usize, last, CLOSE_RANGE_CLOEXEC],
                ) < 0
                {
                    ranges_ok = false;
                    break;
                }
            }
            if k >= end {
                break;
            }
            first = first.max(k.saturating_add(1));
        }
        if !ranges_ok {
            // Kernels before 5.11: one descriptor at a time.
            for fd in lo..plan.fd_limit.min(end) {
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

/// SIG_DFL for every signal in `mask` (bit n-1 for signal n).
pub(crate) unsafe fn default_signals(mask: u64) {
    // The kernel's struct sigaction with SIG_DFL: all zero.
    let dfl = [0u64; 4];
    for sig in 1..=64usize {
        if mask & (1u64 << (sig - 1)) != 0 {
            // SAFETY: a valid signal number and a zeroed action.
            unsafe { syscall(libc::SYS_rt_sigaction, &[sig, dfl.as_ptr() as usize, 0, 8]) };
        }
    }
}

/// SIG_DFL for every signal with a handler of the caller's (which must
/// never run here); ignored ones stay ignored, as after exec.
pub(crate) unsafe fn default_handled_signals() {
    // The kernel's struct sigaction: the handler is its first word, but
    // on MIPS where the flags (an int) come first.
    const HANDLER: usize = if cfg!(any(target_arch = "mips", target_arch = "mips64")) {
        1
    } else {
        0
    };
    let dfl = [0u64; 4];
    for sig in 1..=64usize {
        let mut old = [0usize; 8];
        // SAFETY: a valid signal number; old has room for the struct.
        let r = unsafe {
            syscall(
                libc::SYS_rt_sigaction,
                &[sig, 0, old.as_mut_ptr() as usize, 8],
            )
        };
        let handler = old[HANDLER];
        if r == 0 && handler != libc::SIG_DFL && handler != libc::SIG_IGN {
            // SAFETY: as above, with a zeroed (SIG_DFL) action.
            unsafe { syscall(libc::SYS_rt_sigaction, &[sig, dfl.as_ptr() as usize, 0, 8]) };
        }
    }
}

/// Writes our pid (as our PID namespace numbers it) into each slot.
pub(crate) unsafe fn fill_pid_env(plan: &Plan) {
    // SAFETY: plain system call.
    let mut pid = unsafe { syscall(libc::SYS_getpid, &[]) } as u64;
    let mut digits = [0u8; 20];
    let mut n = 0;
    loop {
        if let Some(d) = digits.get_mut(n) {
            *d = b'0' + (pid % 10) as u8;
        }
        n += 1;
        pid /= 10;
        if pid == 0 || n >= digits.len() {
            break;
        }
    }
    // SAFETY: the parent prepared npid_env slots of len bytes each.
    unsafe {
        for slot in slice(plan.pid_env, plan.npid_env) {
            if n >= slot.len {
                continue;
            }
            for (i, d) in digits.iter().take(n).rev().enumerate() {
                *slot.ptr.add(i) = *d;
            }
            *slot.ptr.add(n) = 0;
        }
    }
}

/// Sets IFF_UP on "lo" in the child's network namespace (CAP_NET_ADMIN
/// over it): 0, or a negative errno.
pub(crate) unsafe fn loopback_up() -> isize {
    use crate::sys::net::*;
    let flags = (libc::SOCK_DGRAM | libc::SOCK_CLOEXEC) as usize;
    // SAFETY: plain system calls on a request on our stack.
    unsafe {
        let s = syscall(libc::SYS_socket, &[libc::AF_INET as usize, flags, 0]);
        if s < 0 {
            return s;
        }
        let mut req = lo_request();
        // Every access through the pointer the kernel writes through.
        let p: *mut IfreqFlags = &mut req;
        let mut r = syscall(libc::SYS_ioctl, &[s as usize, SIOCGIFFLAGS, p as usize]);
        if r >= 0 && std::ptr::read_volatile(&(*p).flags) & IFF_UP == 0 {
            (*p).flags |= IFF_UP;
            r = syscall(libc::SYS_ioctl, &[s as usize, SIOCSIFFLAGS, p as usize]);
        }
        syscall(libc::SYS_close, &[s as usize]);
        r.min(0)
    }
}
