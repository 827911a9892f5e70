//! The kernel's own namespace listings: listns(2) (6.19), opening a
//! namespace by its 64-bit id through an nsfs file handle (6.18), and the
//! walk over mount namespaces with NS_MNT_GET_NEXT / NS_MNT_GET_PREV (6.12).

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use super::Fd;

/// listns(2), Linux 6.19: 470 in the unified table (asm-generic/unistd.h;
/// arch/x86/entry/syscalls/syscall_64.tbl "470 common listns"); mips
/// numbers its tables apart (o32 4470, n64 5470: the selftests' wrappers.h).
#[cfg(any(target_arch = "mips", target_arch = "mips32r6"))]
const SYS_LISTNS: libc::c_long = 4470;
#[cfg(any(target_arch = "mips64", target_arch = "mips64r6"))]
const SYS_LISTNS: libc::c_long = 5470;
#[cfg(not(any(
    target_arch = "mips",
    target_arch = "mips32r6",
    target_arch = "mips64",
    target_arch = "mips64r6"
)))]
const SYS_LISTNS: libc::c_long = 470;

/// include/uapi/linux/nsfs.h (6.19): NS_ID_REQ_SIZE_VER0, the size of the
/// first published struct ns_id_req.
pub(crate) const NS_ID_REQ_SIZE_VER0: u32 = 32;

/// struct ns_id_req of include/uapi/linux/nsfs.h (6.19): the size, a spare
/// word that must be 0, the last id of the previous page (0 for the first),
/// a mask of CLONE_NEW* types (0: all), a second spare word, and the id of
/// an owning user namespace to filter on (0: none).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct NsIdReq {
    pub size: u32,
    pub spare: u32,
    pub ns_id: u64,
    pub ns_type: u32,
    pub spare2: u32,
    pub user_ns_id: u64,
}

impl NsIdReq {
    /// A request for the namespaces of the types in `mask` after id `after`.
    pub(crate) fn new(mask: u32, after: u64) -> NsIdReq {
        NsIdReq {
            size: NS_ID_REQ_SIZE_VER0,
            ns_id: after,
            ns_type: mask,
            ..Default::default()
        }
    }

    /// The bytes the kernel reads (native byte order), for the tests.
    #[cfg(test)]
    pub(crate) fn to_bytes(self) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[0..4].copy_from_slice(&self.size.to_ne_bytes());
        b[4..8].copy_from_slice(&self.spare.to_ne_bytes());
        b[8..16].copy_from_slice(&self.ns_id.to_ne_bytes());
        b[16..20].copy_from_slice(&self.ns_type.to_ne_bytes());
        b[20..24].copy_from_slice(&self.spare2.to_ne_bytes());
        b[24..32].copy_from_slice(&self.user_ns_id.to_ne_bytes());
        b
    }
}

/// listns(req, ids, ids.len(), 0): the number of ids written. The kernel
/// refuses more than 1,000,000 per call (EOVERFLOW).
pub(crate) fn listns(req: &NsIdReq, ids: &mut [u64]) -> io::Result<usize> {
    // SAFETY: req is a valid ns_id_req; the kernel writes at most
    // ids.len() u64s into ids.
    let r = unsafe {
        libc::syscall(
            SYS_LISTNS,
            req as *const NsIdReq,
            ids.as_mut_ptr(),
            ids.len(),
            0 as libc::c_uint,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(r as usize)
}

/// Is listns(2) there (and not refused by a filter)? An empty request
/// costs the kernel nothing: it checks the request and returns 0.
pub(crate) fn listns_present() -> bool {
    listns(&NsIdReq::new(0, 0), &mut []).is_ok()
}

/// Opens the namespace whose 64-bit id is `ns_id` (as NS_GET_ID and
/// listns(2) give it) through an nsfs file handle (6.18) whose type and
/// inode number are 0, which match any; a tracked descriptor. ENOENT or
/// ESTALE when no such namespace is active.
pub(crate) fn open_ns_by_id(ns_id: u64) -> io::Result<Fd> {
    let h = super::nshandle::NsfsHandle {
        id: ns_id,
        ns_type: 0,
        inum: 0,
    };
    Fd::create(|| super::nshandle::open(&h))
}

/// struct mnt_ns_info of include/uapi/linux/nsfs.h (6.12,
/// MNT_NS_INFO_SIZE_VER0 = 16).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MntNsInfo {
    pub size: u32,
    pub nr_mounts: u32,
    pub mnt_ns_id: u64,
}

/// _IOR(NSIO, nr, struct mnt_ns_info): read direction (2) in bits 30-31,
/// the size in bits 16-29, NSIO (0xb7) and the number (asm-generic/ioctl.h).
const fn nsio_read_mnt_ns_info(nr: libc::c_ulong) -> libc::c_ulong {
    (2 << 30) | (16 << 16) | (0xb7 << 8) | nr
}

/// NS_MNT_GET_NEXT / NS_MNT_GET_PREV: _IOR(NSIO, 11 / 12, struct
/// mnt_ns_info) (include/uapi/linux/nsfs.h, 6.12).
pub(crate) const NS_MNT_GET_NEXT: libc::c_ulong = nsio_read_mnt_ns_info(11);
pub(crate) const NS_MNT_GET_PREV: libc::c_ulong = nsio_read_mnt_ns_info(12);

/// The mount namespace after (or before) the one of `fd`, in the kernel's
/// order of ids, skipping those the caller has no CAP_SYS_ADMIN over: a
/// new descriptor. ENOENT past the last; EPERM unless the caller is
/// privileged in the initial namespaces (a 6.12 stable fix); ENOTTY
/// before 6.12.
pub(crate) fn mnt_ns_adjacent(fd: RawFd, previous: bool) -> io::Result<(Fd, MntNsInfo)> {
    let request = if previous {
        NS_MNT_GET_PREV
    } else {
        NS_MNT_GET_NEXT
    };
    let mut info = MntNsInfo {
        size: 16,
        ..Default::default()
    };
    let fd = Fd::create(|| {
        // SAFETY: the request writes one struct mnt_ns_info and returns a
        // new descriptor.
        let r = unsafe { libc::ioctl(fd, request as _, &mut info as *mut MntNsInfo) };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new descriptor that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(r) })
    })?;
    Ok((fd, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_match_the_uapi_headers() {
        assert_eq!(std::mem::size_of::<NsIdReq>(), NS_ID_REQ_SIZE_VER0 as usize);
        assert_eq!(std::mem::size_of::<MntNsInfo>(), 16);
        assert_eq!(NS_MNT_GET_NEXT, 0x8010_b70b);
        assert_eq!(NS_MNT_GET_PREV, 0x8010_b70c);
    }
}
