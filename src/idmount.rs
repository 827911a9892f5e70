//! Idmapped mounts: a bind mount whose files show their owners through the
//! id map of a user namespace (mount_setattr's MOUNT_ATTR_IDMAP, 5.12).
//! The same detached tree serves [`mount_idmapped`] and a spawn's
//! idmapped root, which the parent makes with its own privileges and the
//! child attaches in its new namespaces.

use std::ffi::CStr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;

use crate::api::{c_path, Namespace};
use crate::error::{Error, Result};
use crate::handles::ns_type;
use crate::sys::consts::USER_NS_INIT_INO;
use crate::sys::{features, idmount, Fd};
use crate::types::NsType;

/// What the kernel needs for an idmapped mount, said with EPERM.
const PRIVILEGE_HINT: &str = "an idmapped mount needs CAP_SYS_ADMIN in the caller's mount namespace and over the filesystem's user namespace: root, for a host filesystem";

/// Said with the kernel's EINVAL for a tree it will not idmap.
const FILESYSTEM_HINT: &str = "the filesystem, or one mounted below it, does not support idmapped mounts (ext4, xfs, btrfs and, from 6.3, tmpfs do; proc, sysfs and devtmpfs do not), or the user namespace has no uid/gid map (the kernel refuses an empty one) or is the filesystem's own";

/// Said with the kernel's EPERM for the initial user namespace.
const INITIAL_HINT: &str = "the initial user namespace, whose identity map the kernel refuses for an idmapped mount: use a user namespace with the map wanted";

/// EOPNOTSUPP: the kernel has no idmapped mounts (or a filter hides them).
fn unsupported(step: String) -> Error {
    Error::new(libc::EOPNOTSUPP, step).with_hint(
        "idmapped mounts need Linux 5.12 (mount_setattr with MOUNT_ATTR_IDMAP), missing here or blocked by a seccomp filter",
    )
}

/// Fails with EOPNOTSUPP unless the kernel offers idmapped mounts.
pub(crate) fn check_available(what: &str) -> Result<()> {
    if features::idmapped_mounts() {
        Ok(())
    } else {
        Err(unsupported(what.to_owned()))
    }
}

/// Checks that `fd` is a user namespace: EBADF when it is not open,
/// EINVAL when it is another file or another type of namespace.
pub(crate) fn check_userns(fd: RawFd) -> Result<()> {
    let step = || format!("userns fd {fd}");
    if fd < 0 {
        return Err(Error::new(libc::EBADF, step()));
    }
    match ns_type(fd) {
        Ok(NsType::User) => Ok(()),
        Ok(t) => Err(Error::invalid(step())
            .with_hint(format!("a {} namespace, not a user namespace", t.name()))),
        Err(e) => Err(e.with_step(step())),
    }
}

/// Maps a system call's error at `step`, explaining the kernel's answers.
fn explain(e: std::io::Error, step: String, einval: Option<&'static str>) -> Error {
    let errno = e.raw_os_error();
    if errno == Some(libc::ENOSYS) {
        // A filter installed since the probe: remember it.
        features::IDMAPPED_MOUNTS.set(false);
        return unsupported(step);
    }
    let err = Error::io(e, step);
    match errno {
        Some(libc::EPERM) => err.with_hint(PRIVILEGE_HINT),
        Some(libc::EINVAL) => match einval {
            Some(h) => err.with_hint(h),
            None => err,
        },
        _ => err,
    }
}

/// A detached, recursive copy of the mount tree at `source` (as the caller
/// sees it), idmapped through the user namespace `userns`; `what` names
/// `source` in errors. Closing it before it is attached unmounts it.
pub(crate) fn idmapped_tree(source: &CStr, userns: RawFd, what: &str) -> Result<Fd> {
    let step = || format!("{what} {:?}", source.to_string_lossy());
    check_userns(userns)?;
    check_available(&step())?;
    let tree =
        Fd::create(|| idmount::open_tree_clone(source)).map_err(|e| explain(e, step(), None))?;
    // SAFETY: check_userns saw userns open; the caller keeps it open.
    let ns = unsafe { BorrowedFd::borrow_raw(userns) };
    idmount::mount_setattr_idmap(tree.as_fd(), ns).map_err(|e| {
        let initial = || crate::handles::id(userns).is_ok_and(|i| i == USER_NS_INIT_INO);
        if e.raw_os_error() == Some(libc::EPERM) && initial() {
            return Error::io(e, format!("userns fd {userns}")).with_hint(INITIAL_HINT);
        }
        explain(e, step(), Some(FILESYSTEM_HINT))
    })?;
    Ok(tree)
}

/// ns_mount_idmapped: `source` bind-mounted (recursively) on `target` in
/// the caller's mount namespace, its ids mapped through `userns`.
pub(crate) fn bind_idmapped(
    source: &CStr,
    target: &CStr,
    userns: RawFd,
    flags: libc::c_uint,
) -> Result<()> {
    if flags != 0 {
        return Err(Error::invalid(format!("flags {flags:#x}"))
            .with_hint("no flags are defined yet; pass 0"));
    }
    let tree = idmapped_tree(source, userns, "source")?;
    idmount::move_mount_to(tree.as_fd(), target)
        .map_err(|e| explain(e, format!("target {:?}", target.to_string_lossy()), None))
}

/// Bind-mounts `source` on `target`, with every file's owner and group
/// shown through the id map of the user namespace `userns`: a file that
/// `source` shows as owned by uid N (as the filesystem's own user namespace
/// numbers it, the host's for a host filesystem) shows through `target` as
/// owned by the id that N has inside `userns`, mapped back out; writes
/// through `target` are mapped the other way. With `userns` mapping 0 to
/// 65534, root's files show as 65534's, and a process whose uid 0 is
/// host uid 65534 (a sandbox in a user namespace with that map) sees them
/// as its own.
///
/// The mount is recursive (every mount under `source` comes along, and
/// each must support idmapped mounts) and lands in the calling thread's
/// mount namespace. Needs CAP_SYS_ADMIN in that mount namespace and over
/// the filesystem's user namespace (root, for a host filesystem), and a
/// filesystem that supports idmapped mounts (ext4, xfs, btrfs, tmpfs from
/// 6.3, ...; not proc or sysfs). Linux 5.12.
///
/// Errors: `EPERM` for a caller without those privileges (and for the
/// initial user namespace), `EINVAL` for a filesystem that cannot be
/// idmapped or a `userns` that is not a user namespace, has no uid/gid
/// map, or is the filesystem's own, `ENOENT` when `source` or `target`
/// does not exist, `EOPNOTSUPP` before 5.12.
///
/// ```
/// use std::os::unix::fs::MetadataExt;
/// use linuxns::{IdMap, MapFlags, Namespace};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # if !linuxns::is_root() { return Ok(()); }
/// let nobody = [IdMap::new(0, 65534, 1)];
/// let userns = Namespace::new_userns(Some(&nobody), Some(&nobody), MapFlags::empty())?;
/// let base = std::env::temp_dir().join(format!("linuxns-doc-idmap-{}", std::process::id()));
/// let (source, target) = (base.join("source"), base.join("target"));
/// std::fs::create_dir_all(&source)?;
/// std::fs::create_dir_all(&target)?;
/// std::fs::write(source.join("file"), "")?; // owned by root
///
/// linuxns::mount_idmapped(&source, &target, &userns)?;
/// assert_eq!(std::fs::metadata(target.join("file"))?.uid(), 65534);
/// assert_eq!(std::fs::metadata(source.join("file"))?.uid(), 0);
///
/// std::process::Command::new("umount").arg(&target).status()?;
/// std::fs::remove_dir_all(&base)?;
/// # Ok(())
/// # }
/// ```
pub fn mount_idmapped(
    source: impl AsRef<Path>,
    target: impl AsRef<Path>,
    userns: &Namespace,
) -> Result<()> {
    let s = c_path(source.as_ref(), "source")?;
    let t = c_path(target.as_ref(), "target")?;
    bind_idmapped(&s, &t, userns.as_raw_fd(), 0)
}
