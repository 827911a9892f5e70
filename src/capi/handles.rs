//! Handles and introspection.

use std::ffi::{c_char, c_int};

use super::{arg_out, arg_str, ffi, give_fd};
use crate::handles;

/// Opens a namespace of the process behind a pidfd, safe from pid reuse.
///
/// Like ns_open_pid, but the process is named by a pidfd, so a pid reused
/// in between cannot be opened by mistake.
///
/// `pidfd`: a pidfd (pidfd_open(2), CLONE_PIDFD, the `pidfd` of ns_spawn).
///
/// `type`: one NS_* value; NS_FOR_CHILDREN works as with ns_open_pid.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EBADF: when `pidfd` is not open or not a pidfd.
/// -ESRCH: when its process has exited.
/// -EINVAL: for a bad `type`.
/// -EOPNOTSUPP: when the kernel lacks the namespace type.
/// -EACCES: when the caller may not inspect the process.
/// -EPERM: when the caller may not inspect the process.
/// -ENOENT: when the /proc fallback is needed and /proc is not mounted.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: the kernel's PIDFD_GET_*_NAMESPACE (6.11) where present; else
/// /proc/PID/ns, then a check that the pidfd's process is still alive (so
/// the pid was not reused in between).
#[no_mangle]
pub extern "C" fn ns_open_pidfd(pidfd: c_int, r#type: c_int) -> c_int {
    ffi("ns_open_pidfd", || {
        handles::open_pidfd(pidfd, r#type).map(give_fd)
    })
}

/// Opens a namespace file by path.
///
/// `path`: a NUL-terminated path of a namespace file: /proc/PID/ns/X, a
/// bind mount of one (see ns_bind), /run/netns/NAME.
///
/// `type`: 0 accepts any namespace, else the one NS_* type required.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EINVAL: when `path` is NULL, the file is not a namespace or not of
///   `type`, or `type` is not 0 or one NS_* value.
/// -ENOENT: open(2)'s: when the file does not exist.
/// -EACCES: open(2)'s: when the caller may not open it.
/// -ENOTDIR: open(2)'s: when a directory in the path is not one.
/// -ELOOP: open(2)'s: when the path has too many symbolic links.
/// -ENAMETOOLONG: open(2)'s: when the path is too long.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_open_path(path: *const c_char, r#type: c_int) -> c_int {
    ffi("ns_open_path", || {
        // SAFETY: per this function's contract.
        let path = unsafe { arg_str(path, "ns_open_path: path") }?;
        handles::open_path(path, r#type).map(give_fd)
    })
}

/// Opens a network namespace by the name `ip netns` gives it.
///
/// Looks in /run/netns/NAME, else /var/run/netns/NAME. The name is never a
/// symlink to follow (O_NOFOLLOW).
///
/// `name`: a NUL-terminated name, as `ip netns add` takes it.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EINVAL: for NULL, "", ".", "..", names with '/' or longer than 255
///   bytes, and files that are not network namespaces.
/// -ENOENT: when no such name exists.
/// -ELOOP: when the name is a symbolic link.
/// -EACCES: when the caller may not open the file.
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
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
/// `fd`: a namespace descriptor.
///
/// Returns: one NS_* value, or a negative errno.
///
/// Errors:
/// -EBADF: when `fd` is not open.
/// -EINVAL: when it is not a namespace.
/// -EOPNOTSUPP: when it is a namespace of a type this library does not
///   know (a newer kernel's).
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_type(fd: c_int) -> c_int {
    ffi("ns_type", || handles::ns_type(fd).map(|t| t.bit()))
}

/// Opens the user namespace that owns a namespace.
///
/// `fd`: a namespace descriptor; for a user namespace the owner is its
/// parent.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EBADF: when `fd` is not open.
/// -EINVAL: when `fd` is not a namespace.
/// -EPERM: when the owner lies outside the caller's user namespace (e.g.
///   for anything owned by the initial user namespace, seen from inside a
///   child one, or from the initial one itself when asking about the
///   initial user namespace).
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_get_userns(fd: c_int) -> c_int {
    ffi("ns_get_userns", || handles::get_userns(fd).map(give_fd))
}

/// Opens the parent of a PID or user namespace.
///
/// `fd`: a PID or user namespace descriptor.
///
/// Returns: a new O_CLOEXEC descriptor, the caller's to close, or a
/// negative errno.
///
/// Errors:
/// -EBADF: when `fd` is not open.
/// -EINVAL: when `fd` is not a namespace, or one of the other types.
/// -EPERM: at the top of what the caller may see (the initial namespace,
///   or the caller's own when it is the root of its view).
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_get_parent(fd: c_int) -> c_int {
    ffi("ns_get_parent", || handles::get_parent(fd).map(give_fd))
}

/// The uid that created a user namespace.
///
/// The uid is as seen in the caller's user namespace (65534, the overflow
/// uid, when it has no mapping there).
///
/// `fd`: a user namespace descriptor.
///
/// `uid`: points at a uid_t that receives the uid (NULL is refused).
///
/// Returns: 0 with `*uid` set, or a negative errno.
///
/// Errors:
/// -EINVAL: when `uid` is NULL or `fd` is not a user namespace.
/// -EBADF: when `fd` is not open.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_owner_uid(fd: c_int, uid: *mut libc::uid_t) -> c_int {
    ffi("ns_owner_uid", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(uid, "ns_owner_uid: uid") }?;
        *out = handles::owner_uid(fd)?;
        Ok(0)
    })
}

/// Tells whether two descriptors name the same namespace.
///
/// They do when device and inode are the same.
///
/// `fd_a`: a namespace descriptor.
///
/// `fd_b`: another namespace descriptor.
///
/// Returns: 1 if both name the same namespace, 0 if not, or a negative
/// errno.
///
/// Errors:
/// -EBADF: when either is not open.
/// -EINVAL: when either is not a namespace.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_same(fd_a: c_int, fd_b: c_int) -> c_int {
    ffi("ns_same", || handles::same(fd_a, fd_b).map(c_int::from))
}

/// The kernel's 64-bit namespace id, never reused.
///
/// Unique for the life of the system, never reused (unlike the inode
/// number of ns_id), and increasing with creation order.
///
/// `fd`: a namespace descriptor.
///
/// `id`: points at a uint64_t that receives the id (NULL is refused).
///
/// Returns: 0 with `*id` set, or a negative errno.
///
/// Errors:
/// -EOPNOTSUPP: on kernels before 6.18.
/// -EINVAL: when `id` is NULL or `fd` is not a namespace.
/// -EBADF: when `fd` is not open.
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: NS_GET_ID, 6.18; no fallback (-EOPNOTSUPP before).
#[no_mangle]
pub unsafe extern "C" fn ns_unique_id(fd: c_int, id: *mut u64) -> c_int {
    ffi("ns_unique_id", || {
        // SAFETY: per this function's contract.
        let out = unsafe { arg_out(id, "ns_unique_id: id") }?;
        *out = handles::unique_id(fd)?;
        Ok(0)
    })
}
