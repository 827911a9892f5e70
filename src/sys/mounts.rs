//! listmount(2), statmount(2) and NS_MNT_GET_INFO: the mounts of a mount
//! namespace named by a descriptor, without entering it.
//!
//! Layouts and constants from include/uapi/linux/mount.h and
//! include/uapi/linux/nsfs.h (torvalds/linux, 6.18), with the syscall
//! numbers of the unified table (arch/x86/entry/syscalls/syscall_64.tbl
//! and include/uapi/asm-generic/unistd.h agree: 457 and 458 on x86_64
//! and aarch64).

use std::io;
use std::os::fd::RawFd;

/// statmount(2), 6.8.
const SYS_STATMOUNT: libc::c_long = 457;
/// listmount(2), 6.8.
const SYS_LISTMOUNT: libc::c_long = 458;

/// listmount's "list the whole namespace" parent id (LSMT_ROOT).
pub(crate) const LSMT_ROOT: u64 = u64::MAX;

// statmount request mask bits (STATMOUNT_*, linux/mount.h).
pub(crate) const STATMOUNT_SB_BASIC: u64 = 0x0000_0001;
pub(crate) const STATMOUNT_MNT_BASIC: u64 = 0x0000_0002;
pub(crate) const STATMOUNT_MNT_ROOT: u64 = 0x0000_0008;
pub(crate) const STATMOUNT_MNT_POINT: u64 = 0x0000_0010;
pub(crate) const STATMOUNT_FS_TYPE: u64 = 0x0000_0020;
/// 6.13.
pub(crate) const STATMOUNT_FS_SUBTYPE: u64 = 0x0000_0100;
/// 6.13.
pub(crate) const STATMOUNT_SB_SOURCE: u64 = 0x0000_0200;
/// 6.15: the kernel says which of the bits it knows.
pub(crate) const STATMOUNT_SUPPORTED_MASK: u64 = 0x0000_1000;

// Mount attributes (MOUNT_ATTR_*, linux/mount.h), as statmount's mnt_attr
// reports them and mount_setattr(2) takes them.
pub(crate) const MOUNT_ATTR_RDONLY: u64 = 0x0000_0001;
pub(crate) const MOUNT_ATTR_NOSUID: u64 = 0x0000_0002;
pub(crate) const MOUNT_ATTR_NODEV: u64 = 0x0000_0004;
pub(crate) const MOUNT_ATTR_NOEXEC: u64 = 0x0000_0008;
pub(crate) const MOUNT_ATTR_NOATIME: u64 = 0x0000_0010;
pub(crate) const MOUNT_ATTR_STRICTATIME: u64 = 0x0000_0020;
pub(crate) const MOUNT_ATTR_NODIRATIME: u64 = 0x0000_0080;
pub(crate) const MOUNT_ATTR_IDMAP: u64 = 0x0010_0000;
pub(crate) const MOUNT_ATTR_NOSYMFOLLOW: u64 = 0x0020_0000;

// Propagation bits of statmount's mnt_propagation (the MS_* of mount(2),
// linux/mount.h).
pub(crate) const MS_UNBINDABLE: u32 = 1 << 17;
pub(crate) const MS_PRIVATE: u32 = 1 << 18;
pub(crate) const MS_SLAVE: u32 = 1 << 19;
pub(crate) const MS_SHARED: u32 = 1 << 20;

/// struct mnt_id_req, second published version (MNT_ID_REQ_SIZE_VER1, 32
/// bytes). The u32 after `size` was `spare` until it became `mnt_ns_fd`
/// (commit 7b9d14af8777 "fs: allow mount namespace fd", working from
/// 78f0e33cd6c9 in 6.18); a kernel without it refuses non-zero: EINVAL.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
struct MntIdReq {
    size: u32,
    mnt_ns_fd: u32,
    mnt_id: u64,
    param: u64,
    mnt_ns_id: u64,
}

const MNT_ID_REQ_SIZE_VER1: u32 = 32;

/// The fixed part of struct statmount (512 bytes); the strings follow it,
/// their offsets relative to its end.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Statmount {
    pub size: u32,
    pub mnt_opts: u32,
    pub mask: u64,
    pub sb_dev_major: u32,
    pub sb_dev_minor: u32,
    pub sb_magic: u64,
    pub sb_flags: u32,
    pub fs_type: u32,
    pub mnt_id: u64,
    pub mnt_parent_id: u64,
    pub mnt_id_old: u32,
    pub mnt_parent_id_old: u32,
    pub mnt_attr: u64,
    pub mnt_propagation: u64,
    pub mnt_peer_group: u64,
    pub mnt_master: u64,
    pub propagate_from: u64,
    pub mnt_root: u32,
    pub mnt_point: u32,
    pub mnt_ns_id: u64,
    pub fs_subtype: u32,
    pub sb_source: u32,
    pub opt_num: u32,
    pub opt_array: u32,
    pub opt_sec_num: u32,
    pub opt_sec_array: u32,
    pub supported_mask: u64,
    spare: [u64; 45],
}

const STATMOUNT_FIXED: usize = std::mem::size_of::<Statmount>();
const _: () = assert!(STATMOUNT_FIXED == 512);

/// One statmount(2) answer: the fixed part, and the string area after it.
pub(crate) struct StatmountReply {
    pub sm: Statmount,
    strings: Vec<u8>,
}

impl StatmountReply {
    /// The string at `off` of the string area, if the kernel gave it
    /// (`bit` in the mask); without its NUL.
    pub(crate) fn string(&self, bit: u64, off: u32) -> Option<&[u8]> {
        if self.sm.mask & bit == 0 {
            return None;
        }
        let rest = self.strings.get(off as usize..)?;
        let end = rest.iter().position(|&c| c == 0)?;
        Some(&rest[..end])
    }
}

fn request(ns_fd: RawFd, mnt_id: u64, param: u64) -> MntIdReq {
    MntIdReq {
        size: MNT_ID_REQ_SIZE_VER1,
        mnt_ns_fd: ns_fd as u32,
        mnt_id,
        param,
        mnt_ns_id: 0,
    }
}

/// listmount(2) of the mount namespace `ns_fd` (never 0: the kernel reads
/// 0 as "the caller's"): the unique ids of its mounts after `last` (0:
/// from the first), at most `ids.len()`; how many were written.
pub(crate) fn listmount(ns_fd: RawFd, last: u64, ids: &mut [u64]) -> io::Result<usize> {
    let req = request(ns_fd, LSMT_ROOT, last);
    // SAFETY: req is a valid mnt_id_req of the size it states; ids is valid
    // for writing ids.len() u64.
    let r = unsafe {
        libc::syscall(
            SYS_LISTMOUNT,
            &req as *const MntIdReq,
            ids.as_mut_ptr(),
            ids.len(),
            0u32,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(r as usize)
}

/// statmount(2) of mount `mnt_id` in the mount namespace `ns_fd`, asking for
/// `mask`. The string area grows until it fits (EOVERFLOW) up to 1 MiB.
pub(crate) fn statmount(ns_fd: RawFd, mnt_id: u64, mask: u64) -> io::Result<StatmountReply> {
    let req = request(ns_fd, mnt_id, mask);
    // u64 elements keep the buffer aligned for the fixed part.
    let mut words = 1024usize;
    loop {
        let mut buf = vec![0u64; words];
        let len = words * 8;
        // SAFETY: req is a valid mnt_id_req; buf is valid for writing len bytes.
        let r = unsafe {
            libc::syscall(
                SYS_STATMOUNT,
                &req as *const MntIdReq,
                buf.as_mut_ptr(),
                len,
                0u32,
            )
        };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EOVERFLOW) && len < (1 << 20) {
                words *= 4;
                continue;
            }
            return Err(e);
        }
        // SAFETY: the buffer holds at least the 512-byte fixed part, which
        // the kernel filled (zeroes where it had nothing); it is aligned
        // for u64 and Statmount is plain data.
        let sm = unsafe { std::ptr::read(buf.as_ptr() as *const Statmount) };
        let used = (sm.size as usize).clamp(STATMOUNT_FIXED, len);
        // SAFETY: buf is len bytes long and used <= len.
        let bytes = unsafe { std::slice::from_raw_parts(buf.as_ptr() as *const u8, used) };
        return Ok(StatmountReply {
            sm,
            strings: bytes[STATMOUNT_FIXED..].to_vec(),
        });
    }
}

/// struct mnt_ns_info (MNT_NS_INFO_SIZE_VER0, 16 bytes).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct MntNsInfo {
    size: u32,
    nr_mounts: u32,
    mnt_ns_id: u64,
}

/// NS_MNT_GET_INFO (6.12): the number of mounts in a mount namespace.
pub(crate) fn mnt_ns_nr_mounts(fd: RawFd) -> io::Result<u32> {
    let mut info = MntNsInfo {
        size: std::mem::size_of::<MntNsInfo>() as u32,
        ..Default::default()
    };
    // SAFETY: the request writes at most one struct mnt_ns_info of the
    // size it encodes (16 bytes).
    let r = unsafe {
        libc::ioctl(
            fd,
            super::consts::NS_MNT_GET_INFO as _,
            &mut info as *mut MntNsInfo,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(info.nr_mounts)
}
