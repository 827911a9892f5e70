//! The mounts of a mount namespace.

use std::ffi::{c_int, c_void};

use super::ffi;
use crate::error::Error;
use crate::mounts::{self, ns_mount_info};

/// The callback of ns_mount_list: called once per mount; a non-zero
/// return stops the walk.
#[allow(non_camel_case_types)]
pub type ns_mount_cb =
    Option<unsafe extern "C" fn(info: *const ns_mount_info, arg: *mut c_void) -> c_int>;

/// Lists the mounts of a mount namespace without entering it.
///
/// Reports every mount of the namespace that is reachable from its root,
/// as /proc/PID/mountinfo of a process in it shows them (and findmnt -N
/// PID): one call of `cb` per mount, in the kernel's order (listmount's
/// order of the unique ids, or mountinfo's). Mount points are as seen
/// from the namespace's root; for the caller's own mount namespace, from
/// the caller's root (as /proc/self/mountinfo). The listing is a snapshot
/// as good as mountinfo's: a mount made or removed during the call may or
/// may not be in it.
///
/// Both paths (statmount(2), and the mountinfo fallback) give the same
/// mounts with the same fields, except `id` and `parent_id`, which only
/// statmount(2) gives (0 on the fallback). `source` is "none" for a mount
/// without a source, or with an empty one.
///
/// `mntns_fd`: a mount namespace descriptor (ns_open_pid(pid, NS_MNT),
/// ns_open_pidfd, ns_open_path, ns_new(NS_MNT)).
///
/// `cb`: called as cb(info, arg) on the calling thread, after the listing
/// is complete (so it may call any ns_* function); `info` and its strings
/// are valid only during the call. A non-zero return stops the walk.
///
/// `arg`: passed to `cb` unchanged.
///
/// Returns: the number of mounts reported to `cb` (the one whose callback
/// stopped the walk included), or a negative errno.
///
/// Errors:
/// -EINVAL: for a NULL `cb`, or when `mntns_fd` is not a mount namespace
///   (another namespace type, or not a namespace at all).
/// -EBADF: when `mntns_fd` is not an open descriptor.
/// -EPERM: for a namespace other than the caller's own, when the kernel
///   refuses: on the fallback path (joining the namespace) without
///   CAP_SYS_ADMIN over the namespace's owning user namespace and
///   CAP_SYS_CHROOT; on the statmount(2) path, on kernels that check
///   CAP_SYS_ADMIN over the owner (6.18 does not: a descriptor is enough).
///   The caller's own namespace is readable by any user on both paths.
/// -ENOENT: when the fallback path needs /proc and it is not mounted
///   ("/proc is not mounted").
/// -EMFILE: when no descriptor is free.
/// -ENOMEM: when the kernel runs out of memory.
/// -EIO: when mountinfo holds a line the library cannot parse.
///
/// Thread safety: moves nothing; safe from any thread. The fallback path
/// runs a helper thread of the library's own (gone before the call
/// returns) for a namespace other than the caller's; `cb` always runs on
/// the calling thread. ns_last_error is per thread.
///
/// Kernel: listmount(2) and statmount(2) of the namespace named by its
/// descriptor (mnt_id_req.mnt_ns_fd, 6.18) with statmount's supported mask
/// (6.15), where present; else a helper thread that unshares CLONE_FS,
/// joins the namespace and reads /proc/thread-self/mountinfo (any kernel),
/// or, for the caller's own namespace, the caller's mountinfo.
#[no_mangle]
pub unsafe extern "C" fn ns_mount_list(
    mntns_fd: c_int,
    cb: ns_mount_cb,
    arg: *mut c_void,
) -> c_int {
    ffi("ns_mount_list", || {
        let cb = cb.ok_or_else(|| Error::invalid("cb").with_hint("NULL"))?;
        let all = mounts::list(mntns_fd)?;
        let mut n = 0;
        for m in &all {
            n += 1;
            let info = m.to_c();
            // SAFETY: the caller's callback, per contract; info and its
            // strings outlive the call.
            if unsafe { cb(&info, arg) } != 0 {
                break;
            }
        }
        Ok(n)
    })
}

/// Counts the mounts of a mount namespace without entering it.
///
/// The kernel's count of the mounts in the namespace: the number of
/// mounts ns_mount_list reports for it, barring mounts made or removed in
/// between, and except for a caller under a chroot(2) asking about its own
/// namespace: the count then includes the mounts outside its root, which
/// the listing leaves out (on the fallback path, which counts the listing,
/// it does not).
///
/// `mntns_fd`: a mount namespace descriptor.
///
/// Returns: the number of mounts (>= 0; a namespace holds at most
/// fs.mount-max, 100000 by default, so an int suffices), or a negative
/// errno.
///
/// Errors:
/// -EINVAL: when `mntns_fd` is not a mount namespace.
/// -EBADF: when `mntns_fd` is not an open descriptor.
/// -EPERM: on the fallback path, as ns_mount_list's (NS_MNT_GET_INFO needs
///   only the descriptor).
/// -ENOENT: when the fallback path needs /proc and it is not mounted.
/// -EMFILE: when no descriptor is free.
/// -ENOMEM: when the kernel runs out of memory.
/// -EIO: when mountinfo holds a line the library cannot parse.
///
/// Thread safety: moves nothing; safe from any thread. The fallback path
/// may run a helper thread, as ns_mount_list's. ns_last_error is per
/// thread.
///
/// Kernel: the NS_MNT_GET_INFO ioctl (6.12) where present; else the
/// mounts are counted as ns_mount_list finds them.
#[no_mangle]
pub extern "C" fn ns_mount_count(mntns_fd: c_int) -> c_int {
    ffi("ns_mount_count", || {
        mounts::count(mntns_fd).and_then(|n| {
            c_int::try_from(n).map_err(|_| {
                Error::new(libc::EOVERFLOW, format!("{n} mounts"))
                    .with_hint("more than an int holds")
            })
        })
    })
}
