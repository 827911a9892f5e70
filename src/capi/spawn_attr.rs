//! The spawn attribute object: creation, freeing and every setter. Each
//! setter checks its input now; ns_spawn checks the combination.

use std::ffi::{c_char, c_int, c_uint};

use super::{arg_slice, arg_str, ffi, ffi_ptr};
use crate::error::{Error, Result};
use crate::idmap::MapKind;
use crate::spawn::SpawnAttr;
use crate::types::{ns_idmap, ns_spawn_attr};

/// # Safety
/// `a` is NULL or from ns_spawn_attr_new and not yet freed.
unsafe fn attr_mut<'a>(a: *mut ns_spawn_attr, what: &'static str) -> Result<&'a mut SpawnAttr> {
    // SAFETY: per the caller's contract.
    unsafe { a.as_mut() }
        .map(|a| &mut a.inner)
        .ok_or_else(|| Error::invalid(what).hint("attr is NULL"))
}

/// A new spawn attribute object: no namespaces, no maps, nothing changed
/// (ns_spawn with it is a plain spawn). Free it with ns_spawn_attr_free.
///
/// Returns NULL with errno ENOMEM only if memory runs out.
#[no_mangle]
pub extern "C" fn ns_spawn_attr_new() -> *mut ns_spawn_attr {
    ffi_ptr("ns_spawn_attr_new", || {
        Ok(Box::into_raw(Box::new(ns_spawn_attr {
            inner: SpawnAttr::new(),
        })))
    })
}

/// Frees an attribute object and the descriptors it keeps (its own copies
/// of those given to ns_spawn_attr_join and ns_spawn_attr_set_cgroup).
/// NULL is fine.
///
/// # Safety
/// `attr` is NULL or from ns_spawn_attr_new and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_free(attr: *mut ns_spawn_attr) {
    if !attr.is_null() {
        // SAFETY: allocated by ns_spawn_attr_new, freed once.
        drop(unsafe { Box::from_raw(attr) });
    }
}

/// Runs a setter body on a live attribute object.
///
/// # Safety
/// `attr` is NULL or a live attribute object.
unsafe fn set(
    name: &'static str,
    attr: *mut ns_spawn_attr,
    body: impl FnOnce(&mut SpawnAttr) -> Result<()>,
) -> c_int {
    ffi(name, || {
        // SAFETY: per the caller's contract.
        let a = unsafe { attr_mut(attr, name) }?;
        body(a).map(|()| 0)
    })
}

/// The namespaces the child gets new: an OR of NS_* values (0: none),
/// replacing an earlier call. Created in one step, after the joins.
/// With NS_PID the program is pid 1 of the new PID namespace; with
/// NS_MNT every mount becomes private unless ns_spawn_attr_set_propagation
/// says otherwise.
///
/// Errors: -EINVAL for bits that are not NS_*, or a NULL attr.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_namespaces(
    attr: *mut ns_spawn_attr,
    types: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_namespaces", attr, |a| {
            a.set_namespaces(types)
        })
    }
}

/// Existing namespaces for the child to join, as ns_setns takes them: a
/// namespace fd with `types` 0 or its type, or a pidfd with a non-empty
/// NS_* mask. Repeatable; joins happen before new namespaces are
/// created, user namespaces first when the caller is not root (last
/// when it is). The attribute keeps its own copy of `fd`.
///
/// Errors: -EBADF when fd is not open; -EINVAL when it is neither a
/// namespace nor a pidfd, or types does not fit it; -ESRCH when the
/// pidfd's process has exited; -EMFILE when no descriptor is free (for
/// the attribute's own copy of fd, or to tell a pidfd from other files).
///
/// The attribute's copy is one of the library's tracked descriptors: a
/// child that another call starts meanwhile (ns_clone, ns_spawn_fn, any
/// spawn) closes it first thing, so it never keeps the namespace alive.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_join(
    attr: *mut ns_spawn_attr,
    fd: c_int,
    types: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { set("ns_spawn_attr_join", attr, |a| a.join(fd, types)) }
}

/// Maps the caller's effective uid and gid to 0 in the child's new user
/// namespace, with setgroups denied, like `unshare -r`. Needs NS_USER
/// in ns_spawn_attr_set_namespaces. Replaces earlier maps.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_map_root(attr: *mut ns_spawn_attr) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { set("ns_spawn_attr_map_root", attr, |a| a.map_root()) }
}

/// The uid map of the child's new user namespace (needs NS_USER), with
/// ns_write_uid_map's checks and flags, checked now (the page-size limit
/// too: -E2BIG); the array is copied.
/// A single id mapping the caller's own euid is written by the child
/// itself, as the kernel allows; any other map is written by the caller
/// while the child waits, so several ranges and NS_MAP_USE_HELPER work.
///
/// Errors: as ns_write_uid_map's checks.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_uid_map(
    attr: *mut ns_spawn_attr,
    m: *const ns_idmap,
    n: usize,
    flags: c_uint,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_uid_map", attr, |a| {
            let map = arg_slice(m, n, "ns_spawn_attr_set_uid_map: map")?;
            a.set_map(MapKind::Uid, map, flags)
        })
    }
}

/// The gid map of the child's new user namespace, as
/// ns_spawn_attr_set_uid_map; NS_MAP_DENY_SETGROUPS writes "deny" to
/// the child's setgroups first.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_gid_map(
    attr: *mut ns_spawn_attr,
    m: *const ns_idmap,
    n: usize,
    flags: c_uint,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_gid_map", attr, |a| {
            let map = arg_slice(m, n, "ns_spawn_attr_set_gid_map: map")?;
            a.set_map(MapKind::Gid, map, flags)
        })
    }
}

/// The child's hostname (1 to 64 bytes). Needs a new or joined UTS
/// namespace, checked by ns_spawn.
///
/// Errors: -EINVAL for NULL, "" or a longer name.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_hostname(
    attr: *mut ns_spawn_attr,
    name: *const c_char,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_hostname", attr, |a| {
            a.set_hostname(arg_str(name, "ns_spawn_attr_set_hostname: name")?)
        })
    }
}

/// The directory that becomes the child's root: it is bind-mounted on
/// itself, pivot_root(2) moves the child into it and the old root is
/// detached, so nothing of the host's tree stays reachable. Needs
/// NS_MNT. The program path, the cwd and /proc are then taken inside
/// the new root.
///
/// Errors: -EINVAL for NULL; stat(2)'s errors for the directory;
/// -ENOTDIR when it is not one.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_root(
    attr: *mut ns_spawn_attr,
    dir: *const c_char,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_root", attr, |a| {
            a.set_root(arg_str(dir, "ns_spawn_attr_set_root: dir")?)
        })
    }
}

/// With `on` non-zero, mounts a fresh proc on /proc in the child (after
/// the root change), showing the child's new PID namespace. Needs new
/// PID and mount namespaces.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_mount_proc(
    attr: *mut ns_spawn_attr,
    on: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_mount_proc", attr, |a| {
            a.set_mount_proc(on != 0)
        })
    }
}

/// The mount propagation of the child's new mount namespace (needs
/// NS_MNT): NS_PROPAGATION_PRIVATE (the default, as unshare(1)),
/// _SLAVE, _SHARED, or _UNCHANGED to keep what was copied.
///
/// Errors: -EINVAL for any other value.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_propagation(
    attr: *mut ns_spawn_attr,
    mode: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_propagation", attr, |a| {
            a.set_propagation(mode)
        })
    }
}

/// The child's working directory, entered after the root change and
/// /proc (relative paths are relative to the caller's cwd, or to the
/// new root).
///
/// Errors: -EINVAL for NULL or "".
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_cwd(
    attr: *mut ns_spawn_attr,
    dir: *const c_char,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_cwd", attr, |a| {
            a.set_cwd(arg_str(dir, "ns_spawn_attr_set_cwd: dir")?)
        })
    }
}

/// In the child, descriptor `child_fd` becomes a copy of the caller's
/// `parent_fd` (dup2, without close-on-exec), or is closed when
/// parent_fd is -1. Repeatable; a later call for the same child_fd
/// replaces the earlier one. All copies are made as if at once, so
/// swapping two descriptors works. As with posix_spawn's adddup2,
/// parent_fd is taken by number when ns_spawn runs: it is checked now, but
/// must still be open then and name the file meant (a closed one gives
/// "child: dup2 (fd N)" and -EBADF).
///
/// Errors: -EBADF for a negative child_fd, parent_fd < -1, or a
/// parent_fd that is not open now.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_fd(
    attr: *mut ns_spawn_attr,
    child_fd: c_int,
    parent_fd: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_fd", attr, |a| {
            a.set_fd(child_fd, parent_fd)
        })
    }
}

/// With `on` non-zero, the child closes every descriptor >= 3 except
/// those set with ns_spawn_attr_set_fd (they are marked close-on-exec,
/// with close_range(2) where the kernel has it).
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_close_fds(attr: *mut ns_spawn_attr, on: c_int) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_close_fds", attr, |a| {
            a.set_close_fds(on != 0)
        })
    }
}

/// The signal the child gets when the thread that spawned it ends
/// (prctl PR_SET_PDEATHSIG); 0, the default, for none. If the caller
/// dies before the child has set it, the child does not start the
/// program.
///
/// Errors: -EINVAL for a negative or too large signal.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_pdeathsig(
    attr: *mut ns_spawn_attr,
    sig: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_pdeathsig", attr, |a| {
            a.set_pdeathsig(sig)
        })
    }
}

/// Starts the child in the cgroup v2 directory `cgroup_fd`
/// (CLONE_INTO_CGROUP, kernel 5.7). The attribute keeps its own copy
/// of the descriptor.
///
/// Errors: -EBADF when not open; -EINVAL when not a cgroup2 directory;
/// ns_spawn gives -EOPNOTSUPP where clone3 is unavailable.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_cgroup(
    attr: *mut ns_spawn_attr,
    cgroup_fd: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_cgroup", attr, |a| {
            a.set_cgroup(cgroup_fd)
        })
    }
}

/// The offset of CLOCK_MONOTONIC or CLOCK_BOOTTIME in the child's new
/// time namespace (needs NS_TIME): the child sees clock + offset. One
/// per clock; a later call replaces. The offsets are written before
/// any process enters the namespace, which costs one extra process
/// step in ns_spawn.
///
/// Errors: -EINVAL for other clocks or nsec outside 0..999999999.
///
/// # Safety
/// `attr` is NULL or a live attribute object; pointers are NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_time_offset(
    attr: *mut ns_spawn_attr,
    clock: c_int,
    sec: i64,
    nsec: i64,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_time_offset", attr, |a| {
            a.set_time_offset(clock, sec, nsec)
        })
    }
}
