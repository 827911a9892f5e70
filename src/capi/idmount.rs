//! C API: idmapped mounts, and the idmapped root of a spawn.

use std::ffi::{c_char, c_int, c_uint};

use super::spawn_attr::set;
use super::{arg_str, ffi};
use crate::idmount;
use crate::types::ns_spawn_attr;

/// Bind-mounts a directory tree with its file owners mapped through a user namespace.
///
/// An idmapped mount (mount_setattr(2), MOUNT_ATTR_IDMAP): `source`, with
/// every mount below it, is bind-mounted on `target` in the calling
/// thread's mount namespace, and each file's owner and group show through
/// the new mount as the user namespace maps them: an id N as the
/// filesystem stores it (the host's numbering, for a host filesystem) is
/// taken as the id N inside `userns_fd` and shown as the id it maps to
/// outside. With a map of "0 65534 1", a file of root's shows as uid
/// 65534 through `target` (and still as 0 at `source`), and a process
/// in a user namespace with that map sees it as its own root's. Writes
/// through `target` are mapped back: a file created by host uid 65534 is
/// stored as uid 0. Ids the map leaves out show as the overflow id
/// (65534) and cannot be written.
///
/// Needs CAP_SYS_ADMIN in the caller's mount namespace and over the
/// filesystem's user namespace (root, for a host filesystem), and
/// filesystems that support idmapped mounts: ext4, xfs, btrfs, tmpfs from
/// 6.3 and others do; proc, sysfs and devtmpfs do not. Remove the mount
/// with umount(2) on `target`.
///
/// `source`: a NUL-terminated path of a directory (or file) to mount.
///
/// `target`: a NUL-terminated path of an existing directory (or file, for
/// a file `source`) to mount on.
///
/// `userns_fd`: a user namespace descriptor (e.g. from ns_new_userns); the
/// mount keeps the mapping, the descriptor stays the caller's.
///
/// `flags`: 0; no flag is defined yet.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `flags` is not 0, `source` or `target` is NULL, or
///   `userns_fd` is not a user namespace; the kernel's, when a filesystem
///   of the tree does not support idmapped mounts, or the user namespace
///   has no uid/gid map written (as from ns_new(NS_USER)) or is the
///   filesystem's own (that of a tmpfs mounted inside it, say).
/// -EBADF: when `userns_fd` is not open.
/// -EPERM: when the caller lacks those privileges: any caller but root,
///   for a host filesystem ("an idmapped mount needs CAP_SYS_ADMIN ..." in
///   ns_last_error); the kernel's, for the initial user namespace, whose
///   identity map it takes for no mapping at all.
/// -ENOENT: when `source` or `target` does not exist.
/// -EOPNOTSUPP: on kernels before 5.12, or when a seccomp filter refuses
///   mount_setattr.
///
/// Thread safety: mounts in the calling thread's mount namespace (the
/// process's, unless the thread has unshared it); safe from any thread.
/// ns_last_error is per thread.
///
/// Kernel: open_tree and move_mount (5.2) and mount_setattr with
/// MOUNT_ATTR_IDMAP (5.12), probed once; -EOPNOTSUPP before 5.12 (no
/// fallback; also with LINUXNS_FORCE_FALLBACK=1). tmpfs supports idmapped
/// mounts from 6.3.
#[no_mangle]
pub unsafe extern "C" fn ns_mount_idmapped(
    source: *const c_char,
    target: *const c_char,
    userns_fd: c_int,
    flags: c_uint,
) -> c_int {
    ffi("ns_mount_idmapped", || {
        // SAFETY: per this function's contract.
        let s = unsafe { arg_str(source, "source") }?;
        // SAFETY: per this function's contract.
        let t = unsafe { arg_str(target, "target") }?;
        idmount::bind_idmapped(s, t, userns_fd, flags).map(|()| 0)
    })
}

/// Mounts the child's root idmapped through a user namespace.
///
/// The directory given to ns_spawn_attr_set_root is mounted idmapped
/// (see ns_mount_idmapped) instead of bind-mounted, then pivoted into as
/// usual. Meant for a privileged caller that starts a sandbox in a new
/// user namespace (NS_USER with maps) on a root filesystem owned by host
/// ids: with `userns_fd` mapping ids as the sandbox's own maps do (e.g.
/// "0 65534 1" for both), the sandbox's root owns the files that host
/// root owns on disk, and what it creates is stored as host root's. The
/// idmapped tree is made by ns_spawn in the caller, which has the
/// privileges, before the child starts; the child, in its new
/// namespaces, only attaches it. The attribute keeps its own copy of the
/// descriptor; a later call replaces it.
///
/// `userns_fd`: a user namespace descriptor (e.g. from ns_new_userns).
///
/// Returns: 0, or a negative errno. ns_spawn then fails with -EINVAL
/// ("root_idmap: ... needs a root") when no root is set, and with
/// ns_mount_idmapped's errors (-EPERM for a caller that is not root,
/// -EINVAL for a filesystem that cannot be idmapped) naming "root".
///
/// Errors:
/// -EBADF: when `userns_fd` is not open.
/// -EINVAL: when `userns_fd` is not a user namespace, or `attr` is NULL.
/// -EMFILE: when no descriptor is free for the attribute's copy.
/// -EOPNOTSUPP: on kernels before 5.12 (or when a seccomp filter refuses
///   mount_setattr).
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: idmapped mounts, 5.12 (mount_setattr, probed once); no
/// fallback: -EOPNOTSUPP before, and with LINUXNS_FORCE_FALLBACK=1.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_root_idmap(
    attr: *mut ns_spawn_attr,
    userns_fd: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_root_idmap", attr, |a| {
            a.set_root_idmap(userns_fd)
        })
    }
}
