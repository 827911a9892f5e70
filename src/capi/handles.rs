//! Handles and introspection.

use std::ffi::{c_char, c_int};

use super::{arg_out, arg_str, ffi, give_fd};
use crate::handles;

/// Opens namespace `type` of the process behind `pidfd`, like ns_open_pid
/// but without the race against pid reuse: it uses the kernel's
/// PIDFD_GET_*_NAMESPACE (6.11) where present, else /proc/PID/ns and then
/// checks that the pidfd's process is still alive (so the pid was not
/// reused in between). NS_FOR_CHILDREN works as with ns_open_pid.
///
/// Returns a new O_CLOEXEC descriptor.
///
/// Errors: -EBADF when pidfd is not open or not a pidfd; -ESRCH when its
/// process has exited; -EINVAL for a bad type; -EOPNOTSUPP when the kernel
/// lacks the namespace type; -EACCES/-EPERM when the caller may not
/// inspect the process.
#[no_mangle]
pub extern "C" fn ns_open_pidfd(pidfd: c_int, r#type: c_int) -> c_int {
    ffi("ns_open_pidfd", || {
        handles::open_pidfd(pidfd, r#type).map(give_fd)
    })
}

/// Opens a namespace file: /proc/PID/ns/X, a bind mount of one (see
/// ns_bind), /run/netns/NAME. `type` 0 accepts any namespace, else it is
/// the one NS_* type required.
///
/// Returns a new O_CLOEXEC descriptor.
///
/// Errors: -EINVAL when path is NULL, the file is not a namespace or not of
/// `type`, or `type` is not 0 or one NS_* value; open(2)'s errors (-ENOENT,
/// -EACCES, ...).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ns_open_path(path: *const c_char, r#type: c_int) -> c_int {
    ffi("ns_open_path", || {
        // SAFETY: per this function's contract.
        let path = unsafe { arg_str(path, "ns_open_path: path") }?;
        handles::open_path(path, r#type).map(give_fd)
    })
}

/// Opens the network namespace that `ip netns` calls `name`:
/// /run/netns/NAME, else /var/run/netns/NAME. The name is never a symlink
/// to follow (O_NOFOLLOW: -ELOOP).
///
/// Errors: -EINVAL for NULL, "", ".", "..", names with '/' or longer than
/// 255 bytes, and files that are not network namespaces; -ENOENT when no
/// such name exists.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ns_open_name(name: *const c_char) -> c_int {
    ffi("ns_open_name", || {
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "ns_open_name: name") }?;
        handles::open_name(name).map(give_fd)
    })
}

/// The NS_* type of a namespace descriptor.
///
/// Errors: -EBADF when fd is not open; -EINVAL when it is not a namespace.
#[no_mangle]
pub extern "C" fn ns_type(fd: c_int) -> c_int {
    ffi("ns_type", || handles::ns_type(fd).map(|t| t.bit()))
}

/// Opens the user namespace that owns namespace `fd` (for a user namespace:
/// its parent). Returns a new O_CLOEXEC descriptor.
///
/// Errors: -EBADF, -EINVAL as ns_type; -EPERM when the owner lies outside
/// the caller's user namespace (e.g. for anything owned by the initial user
/// namespace, seen from inside a child one... or from the initial one
/// itself when asking about the initial user namespace).
#[no_mangle]
pub extern "C" fn ns_get_userns(fd: c_int) -> c_int {
    ffi("ns_get_userns", || handles::get_userns(fd).map(give_fd))
}

/// Opens the parent of a pid or user namespace. Returns a new O_CLOEXEC
/// descriptor.
///
/// Errors: -EBADF, -EINVAL as ns_type; -EINVAL for the other namespace
/// types; -EPERM at the top of what the caller may see (the initial
/// namespace, or the caller's own when it is the root of its view).
#[no_mangle]
pub extern "C" fn ns_get_parent(fd: c_int) -> c_int {
    ffi("ns_get_parent", || handles::get_parent(fd).map(give_fd))
}

/// The uid that created user namespace `fd`, as seen in the caller's user
/// namespace (65534, the overflow uid, when it has no mapping there).
///
/// Errors: -EINVAL when uid is NULL or fd is not a user namespace; -EBADF.
///
/// # Safety
/// `uid` is NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn ns_owner_uid(fd: c_int, uid: *mut libc::uid_t) -> c_int {
    ffi("ns_owner_uid", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(uid, "ns_owner_uid: uid") }?;
        *out = handles::owner_uid(fd)?;
        Ok(0)
    })
}

/// 1 if both descriptors name the same namespace (same device and inode),
/// 0 if not.
///
/// Errors: -EBADF when either is not open; -EINVAL when either is not a
/// namespace.
#[no_mangle]
pub extern "C" fn ns_same(fd_a: c_int, fd_b: c_int) -> c_int {
    ffi("ns_same", || handles::same(fd_a, fd_b).map(c_int::from))
}

/// The kernel's 64-bit namespace id into `*id`: unique for the life of the
/// system, never reused (unlike the inode number of ns_id), and increasing
/// with creation order. Uses NS_GET_ID (kernel 6.18).
///
/// Errors: -EOPNOTSUPP on older kernels; -EINVAL when id is NULL or fd is
/// not a namespace; -EBADF.
///
/// # Safety
/// `id` is NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn ns_unique_id(fd: c_int, id: *mut u64) -> c_int {
    ffi("ns_unique_id", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(id, "ns_unique_id: id") }?;
        *out = handles::unique_id(fd)?;
        Ok(0)
    })
}
