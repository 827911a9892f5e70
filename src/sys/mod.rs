//! The only place with raw system calls, ioctl numbers and kernel constants.
//! Each call is wrapped once and returns `io::Result`; nothing here knows the
//! C API.

pub(crate) mod consts;
pub(crate) mod features;
pub(crate) mod raw;

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
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// fstat(2) on a raw fd (which may be invalid: the kernel says EBADF).
pub(crate) fn fstat(fd: RawFd) -> io::Result<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: st is valid for writing a struct stat.
    cvt(unsafe { libc::fstat(fd, st.as_mut_ptr()) })?;
    Ok(unsafe { st.assume_init() })
}

/// The filesystem magic of the file behind fd.
pub(crate) fn fstatfs_type(fd: RawFd) -> io::Result<i64> {
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: st is valid for writing a struct statfs.
    cvt(unsafe { libc::fstatfs(fd, st.as_mut_ptr()) })?;
    // f_type's integer type differs between architectures.
    #[allow(clippy::unnecessary_cast)]
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
