//! Persistent namespaces: bind mounts and named network namespaces.

use std::ffi::{c_char, c_int};

use super::{arg_str, ffi, give_fd};
use crate::persist;

/// Keeps a namespace alive by bind-mounting it on a file.
///
/// As `ip netns` and `unshare --net=FILE` do. The namespace lives until
/// ns_unbind, even with no process in it; ns_open_path opens it again. A
/// failed call leaves no file or mount behind.
///
/// `fd`: a namespace descriptor.
///
/// `path`: a NUL-terminated path; the file is created empty if missing.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EBADF: when `fd` is not open.
/// -EINVAL: when `fd` is not a namespace or `path` is NULL; mount(2)'s, for
///   a mount namespace bound inside itself.
/// -EEXIST: when a namespace is already bound at `path`.
/// -EPERM: mount(2)'s, without CAP_SYS_ADMIN.
/// -EACCES: when the file cannot be created there.
/// -ENOENT: when the directory of `path` does not exist, or /proc is not
///   mounted ("/proc is not mounted").
///
/// Thread safety: moves nothing; safe from any thread. The bind mount is
/// made in the calling thread's mount namespace. ns_last_error is per
/// thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_bind(fd: c_int, path: *const c_char) -> c_int {
    ffi("ns_bind", || {
        // SAFETY: per this function's contract.
        let path = unsafe { arg_str(path, "ns_bind: path") }?;
        persist::bind(fd, path).map(|()| 0)
    })
}

/// Undoes ns_bind: detaches a namespace bind mount and removes the file.
///
/// The mount is detached lazily, as umount -l does.
///
/// `path`: a NUL-terminated path where a namespace is bound.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for NULL or when no namespace is bound at `path`.
/// -ENOENT: when `path` does not exist.
/// -EPERM: umount2(2)'s, without CAP_SYS_ADMIN.
/// -EACCES: when the file cannot be removed.
///
/// Thread safety: moves nothing; safe from any thread. The mount is
/// detached in the calling thread's mount namespace. ns_last_error is per
/// thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_unbind(path: *const c_char) -> c_int {
    ffi("ns_unbind", || {
        // SAFETY: per this function's contract.
        let path = unsafe { arg_str(path, "ns_unbind: path") }?;
        persist::unbind(path).map(|()| 0)
    })
}

/// Creates a named network namespace, as `ip netns add NAME`.
///
/// A new network namespace is bind-mounted at /run/netns/NAME, with
/// /run/netns made a shared mount point the way iproute2 does it, so `ip
/// netns list/exec/delete`, Go's netns and pyroute2 see it and the other
/// way round. A failed call leaves no file, directory or mount behind.
///
/// `name`: a NUL-terminated name: not empty, ".", "..", no '/', at most
/// 255 bytes.
///
/// Returns: an O_CLOEXEC descriptor of the new namespace, the caller's to
/// close, or a negative errno.
///
/// Errors:
/// -EINVAL: for NULL, "", ".", "..", names with '/' or longer than 255
///   bytes.
/// -EEXIST: when the name is taken.
/// -EPERM: without CAP_SYS_ADMIN or without write access to /run/netns.
/// -ENOSPC: at the max_net_namespaces limit.
/// -EAGAIN: when no thread can be started (RLIMIT_NPROC).
/// -ENOENT: when /proc is not mounted ("/proc is not mounted").
/// -EMFILE: when no descriptor is free.
///
/// Thread safety: the caller never moves (a helper thread creates the
/// namespace); safe from any thread. The mounts are made in the calling
/// thread's mount namespace. ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_netns_add(name: *const c_char) -> c_int {
    ffi("ns_netns_add", || {
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "ns_netns_add: name") }?;
        persist::netns_add(name).map(give_fd)
    })
}

/// Deletes a named network namespace, as `ip netns delete NAME`.
///
/// Detaches /run/netns/NAME and removes it. The namespace itself lives on
/// while processes or descriptors use it.
///
/// `name`: a NUL-terminated name, as ns_netns_add takes it.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for NULL and bad names (as ns_netns_add).
/// -ENOENT: when no such name exists.
/// -EPERM: without privilege.
/// -EACCES: when the file cannot be removed.
///
/// Thread safety: moves nothing; safe from any thread. The mount is
/// detached in the calling thread's mount namespace. ns_last_error is per
/// thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_netns_del(name: *const c_char) -> c_int {
    ffi("ns_netns_del", || {
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "ns_netns_del: name") }?;
        persist::netns_del(name).map(|()| 0)
    })
}
