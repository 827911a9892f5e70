//! Persistent namespaces: bind mounts and named network namespaces.

use std::ffi::{c_char, c_int};

use super::{arg_str, ffi, give_fd};
use crate::persist;

/// Keeps namespace `fd` alive by bind-mounting it on `path` (created as an
/// empty file if missing), as `ip netns` and `unshare --net=FILE` do. The
/// namespace lives until ns_unbind, even with no process in it; ns_open_path
/// opens it again.
///
/// Errors: -EBADF, -EINVAL when fd is not a namespace or path is NULL;
/// -EEXIST when a namespace is already bound at path; mount(2)'s errors
/// (-EPERM without CAP_SYS_ADMIN; -EINVAL for a mount namespace bound
/// inside itself). A failed call leaves no file or mount behind.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ns_bind(fd: c_int, path: *const c_char) -> c_int {
    ffi("ns_bind", || {
        // SAFETY: per this function's contract.
        let path = unsafe { arg_str(path, "ns_bind: path") }?;
        persist::bind(fd, path).map(|()| 0)
    })
}

/// Undoes ns_bind: detaches the namespace mounted at `path` (lazily, as
/// umount -l) and removes the file.
///
/// Errors: -EINVAL for NULL or when no namespace is bound at path; -ENOENT
/// when path does not exist; umount2(2)'s errors.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ns_unbind(path: *const c_char) -> c_int {
    ffi("ns_unbind", || {
        // SAFETY: per this function's contract.
        let path = unsafe { arg_str(path, "ns_unbind: path") }?;
        persist::unbind(path).map(|()| 0)
    })
}

/// As `ip netns add NAME`: a new network namespace bind-mounted at
/// /run/netns/NAME, with /run/netns made a shared mount point the way
/// iproute2 does it, so `ip netns list/exec/delete`, Go's netns and
/// pyroute2 see it and the other way round. Returns an O_CLOEXEC
/// descriptor of the new namespace.
///
/// Errors: -EINVAL for NULL, "", ".", "..", names with '/' or longer than
/// 255 bytes; -EEXIST when the name is taken; -EPERM without CAP_SYS_ADMIN
/// or without write access to /run/netns. A failed call leaves no file,
/// directory or mount behind.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ns_netns_add(name: *const c_char) -> c_int {
    ffi("ns_netns_add", || {
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "ns_netns_add: name") }?;
        persist::netns_add(name).map(give_fd)
    })
}

/// As `ip netns delete NAME`: detaches /run/netns/NAME and removes it. The
/// namespace itself lives on while processes or descriptors use it.
///
/// Errors: -EINVAL for bad names (as ns_netns_add); -ENOENT when no such
/// name exists; -EPERM without privilege.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ns_netns_del(name: *const c_char) -> c_int {
    ffi("ns_netns_del", || {
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "ns_netns_del: name") }?;
        persist::netns_del(name).map(|()| 0)
    })
}
