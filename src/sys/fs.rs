//! Files, paths and mounts: each system call wrapped once, taking `&CStr`
//! and descriptors, returning `io::Result`.

use std::ffi::{c_void, CStr};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn cvt_size(ret: isize) -> io::Result<usize> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as usize)
    }
}

/// access(2): Ok when `path` exists (F_OK) or allows `mode`.
pub(crate) fn access(path: &CStr, mode: libc::c_int) -> io::Result<()> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::access(path.as_ptr(), mode) }).map(drop)
}

/// stat(2) of a path (following symlinks).
pub(crate) fn stat(path: &CStr) -> io::Result<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: NUL-terminated path; st valid for writing a struct stat.
    cvt(unsafe { libc::stat(path.as_ptr(), st.as_mut_ptr()) })?;
    // SAFETY: stat succeeded and filled st.
    Ok(unsafe { st.assume_init() })
}

/// lstat(2): the path itself, a symlink not followed.
pub(crate) fn lstat(path: &CStr) -> io::Result<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: NUL-terminated path; st valid for writing a struct stat.
    cvt(unsafe { libc::lstat(path.as_ptr(), st.as_mut_ptr()) })?;
    // SAFETY: lstat succeeded and filled st.
    Ok(unsafe { st.assume_init() })
}

/// The filesystem magic (statfs f_type) of the filesystem at `path`.
pub(crate) fn statfs_type(path: &CStr) -> io::Result<i64> {
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: NUL-terminated path; st valid for writing a struct statfs.
    cvt(unsafe { libc::statfs(path.as_ptr(), st.as_mut_ptr()) })?;
    // f_type's integer type differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    // SAFETY: statfs succeeded and filled st.
    Ok(unsafe { st.assume_init() }.f_type as i64)
}

/// read(2) into `buf`; EINTR is retried.
pub(crate) fn read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: buf is valid for writing its length.
        let r = cvt_size(unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) });
        match r {
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
            r => return r,
        }
    }
}

/// send(2) with MSG_NOSIGNAL: a peer that has gone gives EPIPE, never a
/// SIGPIPE (whose default action would end the caller's process).
pub(crate) fn send_nosignal(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for reading its length.
    let n = unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) };
    cvt_size(n)
}

/// readlink(2) into `buf`; the length of the target (maybe truncated).
pub(crate) fn readlink(path: &CStr, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: NUL-terminated path; buf valid for writing its length.
    cvt_size(unsafe { libc::readlink(path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) })
}

/// readlinkat(2) relative to a directory descriptor.
pub(crate) fn readlinkat(dir: BorrowedFd<'_>, name: &CStr, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: NUL-terminated name; buf valid for writing its length.
    cvt_size(unsafe {
        libc::readlinkat(
            dir.as_raw_fd(),
            name.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    })
}

/// getdents64(2): directory entries into `buf`; 0 at the end.
pub(crate) fn getdents64(dir: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for writing its length.
    let r = unsafe {
        libc::syscall(
            libc::SYS_getdents64,
            dir.as_raw_fd(),
            buf.as_mut_ptr(),
            buf.len(),
        )
    };
    cvt_size(r as isize)
}

/// Creates an empty file (O_CREAT | O_EXCL): EEXIST when anything is there.
pub(crate) fn create_excl(path: &CStr, mode: libc::mode_t) -> io::Result<OwnedFd> {
    // SAFETY: NUL-terminated path.
    let f = cvt(unsafe {
        libc::open(
            path.as_ptr(),
            libc::O_RDONLY | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC,
            mode,
        )
    })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(f) })
}

pub(crate) fn unlink(path: &CStr) -> io::Result<()> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::unlink(path.as_ptr()) }).map(drop)
}

pub(crate) fn mkdir(path: &CStr, mode: libc::mode_t) -> io::Result<()> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::mkdir(path.as_ptr(), mode) }).map(drop)
}

pub(crate) fn rmdir(path: &CStr) -> io::Result<()> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::rmdir(path.as_ptr()) }).map(drop)
}

/// mount(2) without data.
pub(crate) fn mount(
    source: &CStr,
    target: &CStr,
    fstype: &CStr,
    flags: libc::c_ulong,
) -> io::Result<()> {
    // SAFETY: NUL-terminated strings; no data.
    cvt(unsafe {
        libc::mount(
            source.as_ptr(),
            target.as_ptr(),
            fstype.as_ptr(),
            flags,
            std::ptr::null::<c_void>(),
        )
    })
    .map(drop)
}

/// umount2(2) with MNT_DETACH, never following a symlink.
pub(crate) fn umount_detach(path: &CStr) -> io::Result<()> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH | libc::UMOUNT_NOFOLLOW) }).map(drop)
}

/// pivot_root(2).
pub(crate) fn pivot_root(new_root: &CStr, put_old: &CStr) -> io::Result<()> {
    // SAFETY: NUL-terminated strings.
    let r = unsafe { libc::syscall(libc::SYS_pivot_root, new_root.as_ptr(), put_old.as_ptr()) };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Clears the status flags of a descriptor (O_NONBLOCK and the like).
pub(crate) fn clear_status_flags(fd: RawFd) -> io::Result<()> {
    // SAFETY: plain fcntl on a descriptor.
    cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, 0) }).map(drop)
}
