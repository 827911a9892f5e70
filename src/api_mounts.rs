//! The safe Rust form of the mount listing: [`Namespace::mounts`] and
//! [`Namespace::mount_count`].

use std::ffi::OsString;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use crate::api::Namespace;
use crate::error::Result;
use crate::mounts::{self, Mount};
use crate::sys::mounts::{MOUNT_ATTR_IDMAP, MS_SHARED, MS_SLAVE, MS_UNBINDABLE};

/// One mount of a mount namespace, as [`Namespace::mounts`] finds it: what
/// `/proc/PID/mountinfo` of a process in that namespace shows.
///
/// ```
/// # fn main() -> linuxns::Result<()> {
/// let mnt = linuxns::Namespace::current(linuxns::NsType::Mnt)?;
/// if let Some(root) = mnt.mounts()?.iter().find(|m| m.mount_point.as_os_str() == "/") {
///     println!("/ is {} from {:?}, mount {}", root.fs_type, root.source, root.proc_id);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct MountInfo {
    /// The mount's unique 64-bit id, never reused while the system runs
    /// (`statmount(2)`); `None` where the kernel cannot say by descriptor
    /// (before Linux 6.18: the listing then comes from mountinfo).
    pub id: Option<u64>,
    /// The parent mount's unique id, `None` as for `id`. The namespace's
    /// root mount sits on a mount that is not listed.
    pub parent_id: Option<u64>,
    /// The id in `/proc/PID/mountinfo` and findmnt's `ID` (reused after an
    /// unmount).
    pub proc_id: u32,
    /// The parent's id in `/proc/PID/mountinfo` (findmnt's `PARENT`).
    pub proc_parent_id: u32,
    /// Where it is mounted, seen from the namespace's root (from the
    /// caller's root, for the caller's own namespace).
    pub mount_point: PathBuf,
    /// The directory of the filesystem that is mounted (`/` unless a bind
    /// mount of a subdirectory; findmnt's `FSROOT`).
    pub root: PathBuf,
    /// The filesystem type, `type.subtype` when it has a subtype.
    pub fs_type: String,
    /// The source (a device, `tmpfs`, ...); `none` when there is none.
    pub source: OsString,
    /// The filesystem's device number `(major, minor)`.
    pub dev: (u32, u32),
    /// The peer group id when the mount is shared (`shared:N`).
    pub peer_group: Option<u64>,
    /// The peer group it receives propagation from when it is a slave
    /// (`master:N`).
    pub master: Option<u64>,
    /// Whether it is unbindable.
    pub unbindable: bool,
    /// The `MOUNT_ATTR_*` bits of `<linux/mount.h>` (read-only, nosuid,
    /// ...), as `mount_setattr(2)` takes them.
    pub attr: u64,
    /// Whether it is an idmapped mount (`MOUNT_ATTR_IDMAP`).
    pub idmapped: bool,
}

impl MountInfo {
    /// Neither shared, nor a slave, nor unbindable: findmnt's `private`.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// // A new mount namespace's mounts are copies; none is unbindable
    /// // unless the original was.
    /// let ns = linuxns::Namespace::new(linuxns::NsType::Mnt)?;
    /// let private = ns.mounts()?.iter().filter(|m| m.is_private()).count();
    /// println!("{private} private mounts");
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_private(&self) -> bool {
        self.peer_group.is_none() && self.master.is_none() && !self.unbindable
    }

    fn from_core(m: Mount) -> MountInfo {
        let nonzero = |v: u64| (v != 0).then_some(v);
        MountInfo {
            id: nonzero(m.id),
            parent_id: nonzero(m.parent_id),
            proc_id: m.proc_id,
            proc_parent_id: m.proc_parent_id,
            mount_point: PathBuf::from(OsString::from_vec(m.mount_point.into_bytes())),
            root: PathBuf::from(OsString::from_vec(m.root.into_bytes())),
            fs_type: String::from_utf8_lossy(m.fs_type.as_bytes()).into_owned(),
            source: OsString::from_vec(m.source.into_bytes()),
            dev: (m.dev_major, m.dev_minor),
            peer_group: (m.propagation & MS_SHARED != 0).then_some(m.peer_group),
            master: (m.propagation & MS_SLAVE != 0).then_some(m.master),
            unbindable: m.propagation & MS_UNBINDABLE != 0,
            attr: m.attr,
            idmapped: m.attr & MOUNT_ATTR_IDMAP != 0,
        }
    }
}

impl Namespace {
    /// The mounts of this mount namespace, without entering it, as
    /// `findmnt -N PID` lists them for a process in it.
    ///
    /// On Linux 6.18 the kernel answers by descriptor (`listmount(2)`,
    /// `statmount(2)`); before, a helper thread of the library joins the
    /// namespace and reads its own `/proc` mountinfo, which needs
    /// `CAP_SYS_ADMIN` over the namespace's owner (`EPERM` otherwise)
    /// unless it is the caller's own namespace. `EINVAL` when this is not
    /// a mount namespace.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// let mine = Namespace::current(NsType::Mnt)?;
    /// for m in mine.mounts()? {
    ///     println!("{} {} {:?} {}", m.proc_id, m.fs_type, m.source, m.mount_point.display());
    /// }
    /// assert!(mine.mounts()?.iter().any(|m| m.mount_point == std::path::Path::new("/proc")
    ///     && m.fs_type == "proc"));
    /// let err = Namespace::current(NsType::Net)?.mounts().unwrap_err();
    /// assert_eq!(err.errno(), libc::EINVAL);
    /// # Ok(())
    /// # }
    /// ```
    pub fn mounts(&self) -> Result<Vec<MountInfo>> {
        let all = mounts::list(self.as_raw_fd())?;
        Ok(all.into_iter().map(MountInfo::from_core).collect())
    }

    /// How many mounts this mount namespace has (`NS_MNT_GET_INFO`, Linux
    /// 6.12; before, the length of [`mounts`](Namespace::mounts)). The
    /// kernel's count includes mounts outside a chrooted caller's root,
    /// which [`mounts`](Namespace::mounts) leaves out of its own namespace.
    ///
    /// ```
    /// use linuxns::{Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let fresh = Namespace::new(NsType::Mnt)?; // a copy of ours
    /// assert_eq!(fresh.mount_count()?, fresh.mounts()?.len() as u64);
    /// # Ok(())
    /// # }
    /// ```
    pub fn mount_count(&self) -> Result<u64> {
        mounts::count(self.as_raw_fd())
    }
}
