//! The mount API calls behind idmapped mounts: open_tree(2) (5.2),
//! mount_setattr(2) with MOUNT_ATTR_IDMAP (5.12) and move_mount(2) (5.2),
//! none of which the C library wraps. Constants: see consts.rs.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use super::consts::*;

fn cvt_long(ret: libc::c_long) -> io::Result<libc::c_long> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// struct mount_attr of include/uapi/linux/mount.h (MOUNT_ATTR_SIZE_VER0).
#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

const _: () = assert!(std::mem::size_of::<MountAttr>() == MOUNT_ATTR_SIZE_VER0);

/// open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
/// AT_RECURSIVE): a detached copy of the mount tree at `path`, attached
/// nowhere until move_mount puts it somewhere; closing the descriptor
/// before that unmounts it.
pub(crate) fn open_tree_clone(path: &CStr) -> io::Result<OwnedFd> {
    let flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE;
    // SAFETY: NUL-terminated path; a new descriptor is owned by the result.
    let fd = cvt_long(unsafe {
        libc::syscall(
            SYS_OPEN_TREE,
            libc::AT_FDCWD,
            path.as_ptr(),
            flags as libc::c_uint,
        )
    })?;
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE) with
/// MOUNT_ATTR_IDMAP: every mount of the detached tree maps ids through
/// the user namespace `userns`.
pub(crate) fn mount_setattr_idmap(tree: BorrowedFd<'_>, userns: BorrowedFd<'_>) -> io::Result<()> {
    let attr = MountAttr {
        attr_set: MOUNT_ATTR_IDMAP,
        attr_clr: 0,
        propagation: 0,
        userns_fd: userns.as_raw_fd() as u64,
    };
    let flags = libc::AT_EMPTY_PATH as libc::c_uint | AT_RECURSIVE;
    // SAFETY: an empty NUL-terminated path and a mount_attr of the size
    // passed, both alive for the call.
    cvt_long(unsafe {
        libc::syscall(
            SYS_MOUNT_SETATTR,
            tree.as_raw_fd(),
            c"".as_ptr(),
            flags,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    })
    .map(drop)
}

/// move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH): attach
/// a detached tree on `target` in the caller's mount namespace.
pub(crate) fn move_mount_to(tree: BorrowedFd<'_>, target: &CStr) -> io::Result<()> {
    // SAFETY: NUL-terminated paths.
    cvt_long(unsafe {
        libc::syscall(
            SYS_MOVE_MOUNT,
            tree.as_raw_fd(),
            c"".as_ptr(),
            libc::AT_FDCWD,
            target.as_ptr(),
            MOVE_MOUNT_F_EMPTY_PATH as libc::c_uint,
        )
    })
    .map(drop)
}

/// Does mount_setattr(2) exist here (and is it not filtered)? Asked with
/// a size below MOUNT_ATTR_SIZE_VER0, which the kernel refuses (EINVAL)
/// before looking at anything else; ENOSYS means no. MOUNT_ATTR_IDMAP
/// came with the call itself (5.12).
pub(crate) fn mount_setattr_exists() -> bool {
    // SAFETY: fd -1, a NULL path and size 0: refused, nothing touched.
    let r = unsafe {
        libc::syscall(
            SYS_MOUNT_SETATTR,
            -1,
            std::ptr::null::<libc::c_char>(),
            0,
            std::ptr::null::<MountAttr>(),
            0,
        )
    };
    !(r < 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_finds_mount_setattr_from_5_12() {
        if crate::sys::features::kernel_version() >= (5, 12) {
            assert!(mount_setattr_exists());
        }
    }
}
