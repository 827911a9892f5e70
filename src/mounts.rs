//! The mounts of any mount namespace, named by a descriptor, without the
//! caller entering it: listmount(2) and statmount(2) with the namespace's
//! descriptor (6.18); before, a helper thread joins the namespace and
//! reads its own /proc mountinfo.

use std::ffi::{c_char, CString};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use crate::error::{Context, Error, Result};
use crate::handles;
use crate::sys::mounts::*;
use crate::sys::{self, consts::CLONE_FS, features, Fd};
use crate::types::{NsType, NS_MNT};

/// One mount, as either path found it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mount {
    /// The unique 64-bit id (statmount); 0 from mountinfo.
    pub id: u64,
    pub parent_id: u64,
    /// The id of /proc/PID/mountinfo (reused once the mount is gone).
    pub proc_id: u32,
    pub proc_parent_id: u32,
    pub dev_major: u32,
    pub dev_minor: u32,
    /// MS_SHARED, MS_SLAVE, MS_UNBINDABLE bits, or MS_PRIVATE alone.
    pub propagation: u32,
    pub peer_group: u64,
    pub master: u64,
    /// MOUNT_ATTR_* bits.
    pub attr: u64,
    pub mount_point: CString,
    pub root: CString,
    pub fs_type: CString,
    pub source: CString,
}

impl Mount {
    /// What both paths settle the same way: MS_PRIVATE when nothing else,
    /// "none" for a mount without a source (mountinfo prints a missing
    /// source so; statmount gives none, for a missing or an empty one).
    pub(crate) fn finish(&mut self) {
        if self.propagation & (MS_SHARED | MS_SLAVE | MS_UNBINDABLE) == 0 {
            self.propagation = MS_PRIVATE;
        }
        if self.source.is_empty() {
            self.source = c"none".into();
        }
    }

    /// The C view of this mount; its pointers live as long as `self`.
    pub(crate) fn to_c(&self) -> ns_mount_info {
        ns_mount_info {
            size: std::mem::size_of::<ns_mount_info>() as u32,
            propagation: self.propagation,
            id: self.id,
            parent_id: self.parent_id,
            proc_id: self.proc_id,
            proc_parent_id: self.proc_parent_id,
            dev_major: self.dev_major,
            dev_minor: self.dev_minor,
            peer_group: self.peer_group,
            master: self.master,
            attr: self.attr,
            mount_point: self.mount_point.as_ptr(),
            root: self.root.as_ptr(),
            fs_type: self.fs_type.as_ptr(),
            source: self.source.as_ptr(),
            idmapped: u32::from(self.attr & MOUNT_ATTR_IDMAP != 0),
        }
    }
}

/// One mount of a mount namespace, as ns_mount_list reports it.
///
/// The structure may grow at its end in later versions: `size` is the
/// size the library filled (sizeof(struct ns_mount_info) of the library's
/// version); read a field only if it lies within `size`. The strings are
/// NUL-terminated and valid only during the callback; copy what you keep.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct ns_mount_info {
    /// The size of this structure as the library filled it.
    pub size: u32,
    /// MS_SHARED, MS_SLAVE and MS_UNBINDABLE bits (sys/mount.h; a
    /// mount can be shared and a slave at once), or MS_PRIVATE alone.
    pub propagation: u32,
    /// The mount's unique 64-bit id, never reused while the system runs
    /// (statmount(2), STATX_MNT_ID_UNIQUE); 0 on the fallback path, which
    /// has only `proc_id`.
    pub id: u64,
    /// The unique id of the parent mount (of the namespace's root mount:
    /// the mount it sits on, which is not listed); 0 on the fallback path.
    pub parent_id: u64,
    /// The mount's id in /proc/PID/mountinfo and findmnt's ID column
    /// (reused after an unmount).
    pub proc_id: u32,
    /// The parent's id in /proc/PID/mountinfo (findmnt's PARENT).
    pub proc_parent_id: u32,
    /// The major number of the filesystem's device (st_dev).
    pub dev_major: u32,
    /// The minor number of the filesystem's device.
    pub dev_minor: u32,
    /// The peer group id of a shared mount ("shared:N" in mountinfo);
    /// 0 if it is not shared.
    pub peer_group: u64,
    /// The peer group it receives propagation from when it is a slave
    /// ("master:N"); 0 if it is not a slave.
    pub master: u64,
    /// The mount's attributes as MOUNT_ATTR_* bits of linux/mount.h
    /// (RDONLY 0x1, NOSUID 0x2, NODEV 0x4, NOEXEC 0x8, NOATIME 0x10,
    /// STRICTATIME 0x20, NODIRATIME 0x80, IDMAP 0x100000, NOSYMFOLLOW
    /// 0x200000; relatime is 0), as mount_setattr(2) takes them.
    pub attr: u64,
    /// Where it is mounted, as seen from the namespace's root (or the
    /// caller's root, for the caller's own namespace), like findmnt's
    /// TARGET.
    pub mount_point: *const c_char,
    /// The directory of its filesystem that is mounted ("/" unless a bind
    /// mount of a subdirectory; findmnt's FSROOT).
    pub root: *const c_char,
    /// The filesystem type, with its subtype as "type.subtype" (fuse).
    pub fs_type: *const c_char,
    /// The mount source (a device, "tmpfs", a server path); "none" when
    /// the mount has none.
    pub source: *const c_char,
    /// 1 if the mount is idmapped (mount_setattr(2) MOUNT_ATTR_IDMAP),
    /// else 0.
    pub idmapped: u32,
}

/// Checks fd is a mount namespace: EBADF for a bad fd, EINVAL otherwise.
fn check_mnt_ns(fd: RawFd) -> Result<()> {
    if fd < 0 {
        return Err(Error::new(libc::EBADF, format!("fd {fd}")));
    }
    let t = handles::ns_type(fd).map_err(|e| {
        if e.errno() == libc::EINVAL {
            e.with_hint("not a mount namespace (not a namespace at all)")
        } else {
            e
        }
    })?;
    if t.bit() != NS_MNT {
        return Err(Error::invalid(format!("fd {fd}"))
            .with_hint(format!("a {} namespace, not a mount namespace", t.name())));
    }
    Ok(())
}

/// The mounts of the mount namespace `fd`.
pub(crate) fn list(fd: RawFd) -> Result<Vec<Mount>> {
    check_mnt_ns(fd)?;
    if features::LISTMOUNT_NS_FD.get() != Some(false) {
        match list_by_statmount(fd) {
            Ok(Some(v)) => {
                features::LISTMOUNT_NS_FD.set(true);
                return Ok(v);
            }
            // The kernel lacks what this needs: remember, and fall back.
            Ok(None) => features::LISTMOUNT_NS_FD.set(false),
            // A filter or a newer kernel's permission check: this call
            // falls back, and the next one tries again.
            Err(e) if e.errno() == libc::EPERM => {}
            Err(e) => return Err(e),
        }
    }
    list_by_mountinfo(fd)
}

/// The mount namespace's descriptor as the kernel may take it in
/// mnt_id_req.mnt_ns_fd, where 0 means "the caller's namespace": fd 0 is
/// copied to another number first.
fn nonzero_fd(fd: RawFd) -> Result<Option<Fd>> {
    if fd != 0 {
        return Ok(None);
    }
    sys::dup_min(fd, 3)
        .step(|| format!("fcntl(fd {fd}, F_DUPFD_CLOEXEC)"))
        .map(Some)
}

const STATMOUNT_WANT: u64 = STATMOUNT_SB_BASIC
    | STATMOUNT_MNT_BASIC
    | STATMOUNT_MNT_ROOT
    | STATMOUNT_MNT_POINT
    | STATMOUNT_FS_TYPE
    | STATMOUNT_FS_SUBTYPE
    | STATMOUNT_SB_SOURCE;

/// listmount and statmount by descriptor. Ok(None): this kernel cannot
/// (no listmount, no mnt_ns_fd, or a statmount without supported_mask or
/// the source and subtype strings).
fn list_by_statmount(fd: RawFd) -> Result<Option<Vec<Mount>>> {
    let copy = nonzero_fd(fd)?;
    let ns_fd = copy.as_ref().map_or(fd, |c| c.as_raw_fd());
    let mut ids = Vec::new();
    let mut chunk = [0u64; 256];
    let mut last = 0;
    loop {
        match listmount(ns_fd, last, &mut chunk) {
            Ok(n) => {
                ids.extend_from_slice(&chunk[..n]);
                if n < chunk.len() {
                    break;
                }
                last = chunk[n - 1];
            }
            // ENOSYS: before 6.8 (or filtered). EINVAL: a kernel that
            // takes no namespace descriptor (fd was checked to be one).
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EINVAL)) => {
                return Ok(None)
            }
            Err(e) => return Err(Error::io(e, format!("listmount(mount namespace fd {fd})"))),
        }
    }
    let mut mounts = Vec::with_capacity(ids.len());
    let mut vanished = 0;
    for &id in &ids {
        let reply = match statmount(ns_fd, id, STATMOUNT_WANT | STATMOUNT_SUPPORTED_MASK) {
            Ok(r) => r,
            // Unmounted since listmount: gone from the answer, as from a
            // later read of mountinfo.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                vanished += 1;
                continue;
            }
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EINVAL)) => {
                return Ok(None)
            }
            Err(e) => {
                return Err(Error::io(
                    e,
                    format!("statmount(mount {id}, mount namespace fd {fd})"),
                ))
            }
        };
        let sm = &reply.sm;
        if sm.mask & STATMOUNT_SUPPORTED_MASK == 0
            || sm.supported_mask & STATMOUNT_WANT != STATMOUNT_WANT
        {
            return Ok(None);
        }
        mounts.push(from_statmount(&reply)?);
    }
    if mounts.is_empty() && vanished > 0 {
        // Newer kernels answer ENOENT, not EPERM, for a namespace of
        // another user namespace the caller has no CAP_SYS_ADMIN in.
        return Err(
            Error::new(libc::EPERM, format!("statmount(mount namespace fd {fd})")).with_hint(
                "the kernel shows none of its mounts: the caller needs CAP_SYS_ADMIN over the namespace's owner",
            ),
        );
    }
    Ok(Some(mounts))
}

fn from_statmount(reply: &crate::sys::mounts::StatmountReply) -> Result<Mount> {
    let sm = &reply.sm;
    let string = |bit, off| -> Result<CString> {
        let bytes = reply.string(bit, off).unwrap_or_default();
        CString::new(bytes).map_err(|_| Error::new(libc::EIO, "statmount string"))
    };
    let mut fs_type = reply
        .string(STATMOUNT_FS_TYPE, sm.fs_type)
        .unwrap_or_default()
        .to_vec();
    if let Some(sub) = reply.string(STATMOUNT_FS_SUBTYPE, sm.fs_subtype) {
        if !sub.is_empty() {
            fs_type.push(b'.');
            fs_type.extend_from_slice(sub);
        }
    }
    let mut m = Mount {
        id: sm.mnt_id,
        parent_id: sm.mnt_parent_id,
        proc_id: sm.mnt_id_old,
        proc_parent_id: sm.mnt_parent_id_old,
        dev_major: sm.sb_dev_major,
        dev_minor: sm.sb_dev_minor,
        // The MS_* bits fit in 32 bits.
        propagation: sm.mnt_propagation as u32,
        peer_group: sm.mnt_peer_group,
        master: sm.mnt_master,
        attr: sm.mnt_attr,
        mount_point: string(STATMOUNT_MNT_POINT, sm.mnt_point)?,
        root: string(STATMOUNT_MNT_ROOT, sm.mnt_root)?,
        fs_type: CString::new(fs_type).map_err(|_| Error::new(libc::EIO, "statmount fs_type"))?,
        source: string(STATMOUNT_SB_SOURCE, sm.sb_source)?,
    };
    m.finish();
    Ok(m)
}

/// /proc/thread-self/mountinfo: the calling thread's namespace, seen from
/// its root.
fn read_own_mountinfo(dir: BorrowedFd<'_>) -> Result<Vec<Mount>> {
    let file = Fd::track(|| sys::openat(dir, c"mountinfo", libc::O_RDONLY))
        .step(|| "open /proc/thread-self/mountinfo".into())?;
    let mut text = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match sys::fs::read(file.as_raw_fd(), &mut buf)
            .step(|| "read /proc/thread-self/mountinfo".into())?
        {
            0 => break,
            n => text.extend_from_slice(&buf[..n]),
        }
    }
    crate::mountinfo::parse(&text).ok_or_else(|| {
        Error::new(libc::EIO, "parse /proc/thread-self/mountinfo")
            .with_hint("a line the library does not understand")
    })
}

fn open_thread_self() -> Result<Fd> {
    sys::open_internal(
        c"/proc/thread-self",
        libc::O_RDONLY | libc::O_DIRECTORY | libc::O_PATH,
    )
    .map_err(|e| crate::procfs::explain_proc_error(Error::io(e, "open /proc/thread-self")))
}

/// The fallback: the caller's own namespace from its own mountinfo; any
/// other through a helper thread that leaves the caller's filesystem
/// context (CLONE_FS), joins it (setns), and reads its own mountinfo,
/// through its /proc directory opened before (the namespace may have no
/// /proc). The thread exits, and its namespace with it.
fn list_by_mountinfo(fd: RawFd) -> Result<Vec<Mount>> {
    // SAFETY: fd stays open for this call; the borrow does not outlive it.
    let ns = unsafe { BorrowedFd::borrow_raw(fd) };
    if handles::is_own(ns, NsType::Mnt)? {
        let dir = open_thread_self()?;
        return read_own_mountinfo(dir.as_fd());
    }
    crate::create::on_fresh_thread(move || {
        let dir = open_thread_self()?;
        sys::unshare(CLONE_FS).step(|| "unshare(CLONE_FS)".into())?;
        sys::setns(fd, NS_MNT).map_err(|e| {
            let err = Error::io(e, format!("setns(mount namespace fd {fd})"));
            if err.errno() == libc::EPERM {
                err.with_hint("without listmount(2) by descriptor (6.18), reading another mount namespace means joining it, which needs CAP_SYS_ADMIN over its owner and CAP_SYS_CHROOT")
            } else {
                err
            }
        })?;
        read_own_mountinfo(dir.as_fd())
    })
}

/// The number of mounts in the mount namespace `fd`.
pub(crate) fn count(fd: RawFd) -> Result<u64> {
    check_mnt_ns(fd)?;
    if features::NS_MNT_GET_INFO.get() != Some(false) {
        match mnt_ns_nr_mounts(fd) {
            Ok(n) => {
                features::NS_MNT_GET_INFO.set(true);
                return Ok(n.into());
            }
            // ENOTTY: before 6.12. EINVAL: a kernel with another struct.
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTTY | libc::EINVAL)) => {
                features::NS_MNT_GET_INFO.set(false);
            }
            Err(e) => return Err(Error::io(e, format!("ioctl NS_MNT_GET_INFO fd {fd}"))),
        }
    }
    Ok(list(fd)?.len() as u64)
}
