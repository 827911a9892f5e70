//! The only place with raw system calls, ioctl numbers and kernel constants.
//! Each call is wrapped once and returns `io::Result`; nothing here knows the
//! C API.

pub(crate) mod consts;
pub(crate) mod fdtrack;
pub(crate) mod features;
pub(crate) mod fs;
pub(crate) mod idmount;
pub(crate) mod mounts;
pub(crate) mod net;
pub(crate) mod nshandle;
pub(crate) mod nslist;
pub(crate) mod pidinfo;
pub(crate) mod probe;
pub(crate) mod procattrs;
pub(crate) mod process;
pub(crate) mod raw;

pub(crate) use fdtrack::Fd;

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use consts::*;

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn cvt_long(ret: libc::c_long) -> io::Result<libc::c_long> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// open(2), always O_CLOEXEC.
pub(crate) fn open(path: &CStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: path is NUL-terminated; a new fd is owned by the result.
    let fd = cvt(unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC) })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// fstat(2) on a raw fd (which may be invalid: the kernel says EBADF).
pub(crate) fn fstat(fd: RawFd) -> io::Result<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: st is valid for writing a struct stat.
    cvt(unsafe { libc::fstat(fd, st.as_mut_ptr()) })?;
    // SAFETY: fstat succeeded and filled st.
    Ok(unsafe { st.assume_init() })
}

/// The filesystem magic of the file behind fd.
pub(crate) fn fstatfs_type(fd: RawFd) -> io::Result<i64> {
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: st is valid for writing a struct statfs.
    cvt(unsafe { libc::fstatfs(fd, st.as_mut_ptr()) })?;
    // f_type's integer type differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    // SAFETY: fstatfs succeeded and filled st.
    Ok(unsafe { st.assume_init() }.f_type as i64)
}

/// An ioctl without argument that returns an int (or a new fd).
pub(crate) fn ioctl_none(fd: RawFd, request: libc::c_ulong) -> io::Result<libc::c_int> {
    // SAFETY: the request takes no argument.
    cvt(unsafe { libc::ioctl(fd, request as _, 0) })
}

/// An ioctl that returns a new descriptor.
pub(crate) fn ioctl_fd(fd: RawFd, request: libc::c_ulong) -> io::Result<OwnedFd> {
    let nfd = ioctl_none(fd, request)?;
    // SAFETY: the kernel returned a new descriptor we now own.
    Ok(unsafe { OwnedFd::from_raw_fd(nfd) })
}

/// An ioctl that fills one value of type T.
pub(crate) fn ioctl_read<T: Copy + Default>(fd: RawFd, request: libc::c_ulong) -> io::Result<T> {
    let mut v = T::default();
    // SAFETY: the request writes exactly one T (the caller pairs them).
    cvt(unsafe { libc::ioctl(fd, request as _, &mut v as *mut T) })?;
    Ok(v)
}

pub(crate) fn setns(fd: RawFd, nstype: libc::c_int) -> io::Result<()> {
    // SAFETY: plain system call.
    cvt(unsafe { libc::setns(fd, nstype) }).map(drop)
}

pub(crate) fn unshare(flags: libc::c_int) -> io::Result<()> {
    // SAFETY: plain system call.
    cvt(unsafe { libc::unshare(flags) }).map(drop)
}

pub(crate) fn pidfd_open(pid: libc::pid_t) -> io::Result<OwnedFd> {
    // SAFETY: plain system call; the result is a new O_CLOEXEC descriptor.
    let fd = cvt_long(unsafe { libc::syscall(SYS_PIDFD_OPEN, pid, 0) })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// pidfd_send_signal with signal 0: does the process still exist?
pub(crate) fn pidfd_check_alive(pidfd: RawFd) -> io::Result<()> {
    // SAFETY: signal 0 with NULL info only checks existence and permission.
    let r = cvt_long(unsafe {
        libc::syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, 0, std::ptr::null::<u8>(), 0)
    });
    match r {
        // EPERM: it exists, we just may not signal it.
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => Ok(()),
        r => r.map(drop),
    }
}

/// Has the process behind a pidfd exited (reaped or not)? A pidfd polls
/// readable then.
pub(crate) fn pidfd_exited(pidfd: RawFd) -> bool {
    let mut p = libc::pollfd {
        fd: pidfd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one pollfd, no wait.
    let ready = unsafe { libc::poll(&mut p, 1, 0) };
    ready > 0 && p.revents & libc::POLLIN != 0
}

/// SIGKILL through a pidfd.
pub(crate) fn pidfd_kill(pidfd: RawFd) -> io::Result<()> {
    // SAFETY: a signal with NULL info.
    cvt_long(unsafe {
        libc::syscall(
            SYS_PIDFD_SEND_SIGNAL,
            pidfd,
            libc::SIGKILL,
            std::ptr::null::<u8>(),
            0,
        )
    })
    .map(drop)
}

/// write(2) of the whole buffer in one call; a short write is an error.
pub(crate) fn write_once(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    // SAFETY: buf is valid for reading its length.
    let n = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    if n as usize != buf.len() {
        return Err(io::Error::from_raw_os_error(libc::EIO));
    }
    Ok(())
}

/// clone_args of clone3(2), version 0 layout (64 bytes) plus set_tid and
/// cgroup (88 bytes, kernel 5.7).
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct CloneArgs {
    pub flags: u64,
    pub pidfd: u64,
    pub child_tid: u64,
    pub parent_tid: u64,
    pub exit_signal: u64,
    pub stack: u64,
    pub stack_size: u64,
    pub tls: u64,
    pub set_tid: u64,
    pub set_tid_size: u64,
    pub cgroup: u64,
}

/// The calling thread's id.
pub(crate) fn gettid() -> libc::pid_t {
    // SAFETY: plain system call.
    unsafe { libc::syscall(libc::SYS_gettid) as libc::pid_t }
}

/// A pipe, both ends close-on-exec and tracked.
pub(crate) fn pipe() -> io::Result<(Fd, Fd)> {
    Fd::create_pair(|| {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: fds is valid for two ints.
        cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
        // SAFETY: two new descriptors we own.
        Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
    })
}

/// A connected SOCK_SEQPACKET pair (messages keep their boundaries and can
/// carry descriptors), close-on-exec and tracked.
pub(crate) fn seqpacket_pair() -> io::Result<(Fd, Fd)> {
    Fd::create_pair(|| {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: fds is valid for two ints.
        cvt(unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        })?;
        // SAFETY: two new descriptors we own.
        Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
    })
}

/// open(2) of a descriptor for the library's own use (tracked).
pub(crate) fn open_internal(path: &CStr, flags: libc::c_int) -> io::Result<Fd> {
    Fd::create(|| open(path, flags))
}

/// openat(2) relative to a directory descriptor, always O_CLOEXEC.
pub(crate) fn openat(dir: BorrowedFd<'_>, path: &CStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: path is NUL-terminated; a new fd is owned by the result.
    let fd = cvt(unsafe { libc::openat(dir.as_raw_fd(), path.as_ptr(), flags | libc::O_CLOEXEC) })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A close-on-exec copy of fd at the lowest free number >= min (tracked).
pub(crate) fn dup_min(fd: RawFd, min: RawFd) -> io::Result<Fd> {
    Fd::create(|| {
        // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor or fails.
        let n = cvt(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, min) })?;
        // SAFETY: a new descriptor we own.
        Ok(unsafe { OwnedFd::from_raw_fd(n) })
    })
}

/// pidfd_open(2) for the library's own use (tracked).
pub(crate) fn pidfd_open_internal(pid: libc::pid_t) -> io::Result<Fd> {
    Fd::create(|| pidfd_open(pid))
}

/// How a child ended, as waitid tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    Code(libc::c_int),
    Signal(libc::c_int),
    /// Killed by this signal, with a core dump.
    Dumped(libc::c_int),
}

/// Waits for the child behind `pidfd` (-1: none, wait by pid) to end and reaps it, whoever else
/// reaps children in this process: waitid(P_PIDFD) (5.4) never touches
/// another child. None when someone else reaped it first (or the kernel
/// did, SIGCHLD being ignored). Before 5.4, waitpid on its pid, which
/// cannot have been reused while the pidfd is open and the process
/// unreaped; if it was reaped elsewhere, None again.
pub(crate) fn wait_pidfd(pidfd: RawFd, pid: libc::pid_t) -> Option<Exit> {
    const P_PIDFD: libc::idtype_t = 3;
    if pidfd >= 0 {
        loop {
            // SAFETY: info is valid for writing a siginfo_t.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: plain system call.
            let r = unsafe {
                libc::waitid(
                    P_PIDFD,
                    pidfd as libc::id_t,
                    &mut info,
                    libc::WEXITED | libc::__WALL,
                )
            };
            if r == 0 {
                // SAFETY: waitid filled a CLD_* record.
                let status = unsafe { info.si_status() };
                return Some(if info.si_code == libc::CLD_EXITED {
                    Exit::Code(status)
                } else if info.si_code == libc::CLD_DUMPED {
                    Exit::Dumped(status)
                } else {
                    Exit::Signal(status)
                });
            }
            match io::Error::last_os_error().raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EINVAL) if pid > 0 => break,
                _ => return None,
            }
        }
    }
    let mut status = 0;
    loop {
        // SAFETY: status is valid for writing.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::__WALL) };
        if r >= 0 {
            return Some(if libc::WIFEXITED(status) {
                Exit::Code(libc::WEXITSTATUS(status))
            } else if libc::WCOREDUMP(status) {
                Exit::Dumped(libc::WTERMSIG(status))
            } else {
                Exit::Signal(libc::WTERMSIG(status))
            });
        }
        if io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return None;
        }
    }
}

/// Reaps the child behind `pidfd` if it has ended, without waiting:
/// Ok(None) while it runs. Err(ECHILD) when someone else reaped it. Before
/// 5.4, waitpid(pid, WNOHANG), as [`wait_pidfd`].
pub(crate) fn try_wait_pidfd(pidfd: RawFd, pid: libc::pid_t) -> io::Result<Option<Exit>> {
    const P_PIDFD: libc::idtype_t = 3;
    if pidfd >= 0 {
        loop {
            // SAFETY: info is valid for writing a siginfo_t.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: plain system call.
            let r = unsafe {
                libc::waitid(
                    P_PIDFD,
                    pidfd as libc::id_t,
                    &mut info,
                    libc::WEXITED | libc::WNOHANG | libc::__WALL,
                )
            };
            if r == 0 {
                // SAFETY: waitid filled the record, or left si_pid 0 (running).
                if unsafe { info.si_pid() } == 0 {
                    return Ok(None);
                }
                // SAFETY: a CLD_* record.
                let status = unsafe { info.si_status() };
                return Ok(Some(if info.si_code == libc::CLD_EXITED {
                    Exit::Code(status)
                } else if info.si_code == libc::CLD_DUMPED {
                    Exit::Dumped(status)
                } else {
                    Exit::Signal(status)
                }));
            }
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EINVAL) if pid > 0 => break,
                _ => return Err(e),
            }
        }
    }
    let mut status = 0;
    loop {
        // SAFETY: status is valid for writing.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG | libc::__WALL) };
        if r == 0 {
            return Ok(None);
        }
        if r > 0 {
            return Ok(Some(if libc::WIFEXITED(status) {
                Exit::Code(libc::WEXITSTATUS(status))
            } else if libc::WCOREDUMP(status) {
                Exit::Dumped(libc::WTERMSIG(status))
            } else {
                Exit::Signal(libc::WTERMSIG(status))
            }));
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
}

/// Sends `sig` through a pidfd (pidfd_send_signal, 5.1).
pub(crate) fn pidfd_signal(pidfd: RawFd, sig: libc::c_int) -> io::Result<()> {
    // SAFETY: a signal with NULL info.
    cvt_long(unsafe { libc::syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, sig, std::ptr::null::<u8>(), 0) })
        .map(drop)
}

/// The exit status the kernel keeps for a pidfd's process once it has
/// been reaped, by anyone (PIDFD_GET_INFO with PIDFD_INFO_EXIT, 6.15):
/// None while it runs or is a zombie, or on older kernels.
pub(crate) fn pidfd_exit_status(pidfd: RawFd) -> Option<Exit> {
    let status = pidinfo::pidfd_exit_code(pidfd).ok().flatten()?;
    Some(if libc::WIFEXITED(status) {
        Exit::Code(libc::WEXITSTATUS(status))
    } else if libc::WCOREDUMP(status) {
        Exit::Dumped(libc::WTERMSIG(status))
    } else {
        Exit::Signal(libc::WTERMSIG(status))
    })
}

/// Receives one message of at most `buf.len()` bytes and up to two
/// descriptors (close-on-exec) without blocking. Ok((0, [])) at EOF.
/// The descriptors are raw: the caller adopts them (fdtrack::adopt_shared).
/// A descriptor the kernel could not install (no free slot: MSG_CTRUNC)
/// is reported as -1.
pub(crate) fn recv_with_fds(sock: RawFd, buf: &mut [u8]) -> io::Result<(usize, Vec<RawFd>)> {
    // Room for a cmsghdr and two ints, 8-byte aligned.
    let mut cbuf = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: a zeroed msghdr is valid; the pointers set below outlive the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&cbuf) as _;
    // SAFETY: msg describes valid buffers.
    let n = unsafe { libc::recvmsg(sock, &mut msg, libc::MSG_CMSG_CLOEXEC | libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut fds = Vec::new();
    // SAFETY: walking the control buffer the kernel filled, with the
    // C library's own macros.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(c) as *const libc::c_int;
                let len = (*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize;
                for i in 0..len / std::mem::size_of::<libc::c_int>() {
                    fds.push(std::ptr::read_unaligned(data.add(i)));
                }
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    if fds.is_empty() && msg.msg_flags & libc::MSG_CTRUNC != 0 {
        fds.push(-1);
    }
    Ok((n as usize, fds))
}

/// Waits until fd is readable (or hung up); EINTR is retried.
pub(crate) fn wait_readable(fd: RawFd) -> io::Result<()> {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one pollfd.
        let r = unsafe { libc::poll(&mut p, 1, -1) };
        if r >= 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
}

/// A one-shot CLOCK_MONOTONIC timer descriptor (timerfd_create(2)),
/// close-on-exec, blocking reads, tracked.
pub(crate) fn timer_internal() -> io::Result<Fd> {
    Fd::create(|| {
        // SAFETY: plain system call; the result is a new descriptor.
        let fd = cvt(unsafe { libc::timerfd_create(libc::CLOCK_MONOTONIC, libc::TFD_CLOEXEC) })?;
        // SAFETY: a new descriptor that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    })
}

/// Arms a timer descriptor to expire once, `after` from now (at least
/// 1 ns: a zero time would disarm it); arming again moves the expiry.
pub(crate) fn timer_arm(fd: RawFd, after: std::time::Duration) -> io::Result<()> {
    let nanos = after.subsec_nanos().max(u32::from(after.as_secs() == 0));
    let t = libc::itimerspec {
        it_interval: libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
        it_value: libc::timespec {
            tv_sec: after.as_secs() as libc::time_t,
            tv_nsec: nanos as libc::c_long,
        },
    };
    // SAFETY: t is a valid itimerspec; the old value is not asked for.
    cvt(unsafe { libc::timerfd_settime(fd, 0, &t, std::ptr::null_mut()) }).map(drop)
}

/// Blocks until a timer descriptor has expired (since the last wait);
/// EINTR is retried.
pub(crate) fn timer_wait(fd: RawFd) -> io::Result<()> {
    let mut n = 0u64;
    loop {
        // SAFETY: reads one u64 (the expiry count) into n.
        let r = unsafe { libc::read(fd, (&mut n as *mut u64).cast(), 8) };
        if r == 8 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if r >= 0 || e.raw_os_error() != Some(libc::EINTR) {
            return Err(if r >= 0 {
                io::Error::from_raw_os_error(libc::EIO)
            } else {
                e
            });
        }
    }
}
