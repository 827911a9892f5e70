//! Namespace file handles (nsfs, 6.18): name_to_handle_at(2) and
//! open_by_handle_at(2) on namespace files, and the capability question a
//! refusal raises.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use super::consts::*;
use super::cvt_long;

/// The kernel's struct file_handle (linux/fcntl.h of glibc, fs/fhandle.c),
/// with room for the largest handle any filesystem makes.
#[repr(C)]
struct FileHandle {
    handle_bytes: u32,
    handle_type: i32,
    f_handle: [u8; MAX_HANDLE_SZ],
}

/// What nsfs puts in a handle: struct nsfs_file_handle of
/// include/uapi/linux/nsfs.h (ns_id, ns_type, ns_inum), 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NsfsHandle {
    /// The namespace's 64-bit id (NS_GET_ID).
    pub id: u64,
    /// Its CLONE_NEW* type.
    pub ns_type: u32,
    /// Its inode number.
    pub inum: u32,
}

/// name_to_handle_at(fd, "", AT_EMPTY_PATH) of a namespace descriptor.
/// EOPNOTSUPP before 6.18 (nsfs had no export operations), and when the
/// kernel's answer is not an nsfs handle.
pub(crate) fn encode(fd: RawFd) -> io::Result<NsfsHandle> {
    let mut fh = FileHandle {
        handle_bytes: MAX_HANDLE_SZ as u32,
        handle_type: 0,
        f_handle: [0; MAX_HANDLE_SZ],
    };
    let mut mount_id: libc::c_int = 0;
    // SAFETY: fh has handle_bytes bytes of room after its header; the
    // path is an empty NUL-terminated string; mount_id is valid for
    // writing an int.
    cvt_long(unsafe {
        libc::syscall(
            libc::SYS_name_to_handle_at,
            fd,
            c"".as_ptr(),
            &mut fh as *mut FileHandle,
            &mut mount_id as *mut libc::c_int,
            libc::AT_EMPTY_PATH,
        )
    })?;
    if fh.handle_type != FILEID_NSFS || (fh.handle_bytes as usize) < NSFS_FILE_HANDLE_SIZE_VER0 {
        return Err(io::Error::from_raw_os_error(libc::EOPNOTSUPP));
    }
    let b = &fh.f_handle;
    Ok(NsfsHandle {
        id: u64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        ns_type: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
        inum: u32::from_ne_bytes([b[12], b[13], b[14], b[15]]),
    })
}

/// open_by_handle_at(FD_NSFS_ROOT, handle, O_RDONLY | O_CLOEXEC): a new
/// descriptor of the namespace. ESTALE when no live namespace matches all
/// three fields, and (the kernel does not say which) when the caller may
/// not open it; EBADF before 6.18, which does not know FD_NSFS_ROOT.
pub(crate) fn open(h: &NsfsHandle) -> io::Result<OwnedFd> {
    let mut fh = FileHandle {
        handle_bytes: NSFS_FILE_HANDLE_SIZE_VER0 as u32,
        handle_type: FILEID_NSFS,
        f_handle: [0; MAX_HANDLE_SZ],
    };
    fh.f_handle[..8].copy_from_slice(&h.id.to_ne_bytes());
    fh.f_handle[8..12].copy_from_slice(&h.ns_type.to_ne_bytes());
    fh.f_handle[12..16].copy_from_slice(&h.inum.to_ne_bytes());
    // SAFETY: fh is a valid struct file_handle of handle_bytes bytes; the
    // result is a new descriptor that nothing else owns.
    let fd = cvt_long(unsafe {
        libc::syscall(
            libc::SYS_open_by_handle_at,
            FD_NSFS_ROOT,
            &fh as *const FileHandle,
            libc::O_RDONLY | libc::O_CLOEXEC,
        )
    })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Is capability `cap` in the calling thread's effective set (capget(2))?
pub(crate) fn has_effective_cap(cap: u32) -> io::Result<bool> {
    // struct __user_cap_header_struct and two __user_cap_data_struct
    // (effective, permitted, inheritable) of linux/capability.h.
    let mut header: [u32; 2] = [LINUX_CAPABILITY_VERSION_3, 0];
    let mut data = [[0u32; 3]; 2];
    // SAFETY: header and data have the sizes version 3 asks for.
    cvt_long(unsafe { libc::syscall(libc::SYS_capget, header.as_mut_ptr(), data.as_mut_ptr()) })?;
    let word = (cap / 32) as usize;
    Ok(word < 2 && data[word][0] & (1 << (cap % 32)) != 0)
}

/// Does this kernel open nsfs handles? A handle of id 0 names no
/// namespace: 6.18 answers ESTALE; older kernels EBADF (no FD_NSFS_ROOT);
/// a seccomp filter ENOSYS or EPERM. No descriptor and no /proc needed.
pub(crate) fn probe() -> bool {
    let none = NsfsHandle {
        id: 0,
        ns_type: 0,
        inum: 0,
    };
    matches!(open(&none), Err(e) if e.raw_os_error() == Some(libc::ESTALE))
}
