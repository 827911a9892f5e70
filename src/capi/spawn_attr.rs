//! The spawn attribute object: creation, freeing and every setter. Each
//! setter checks its input now; ns_spawn checks the combination.

use std::ffi::{c_char, c_int, c_uint};

use super::{arg_slice, arg_str, ffi, NoCancel};
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
        .ok_or_else(|| Error::invalid(what).with_hint("attr is NULL"))
}

/// Creates a spawn attribute object.
///
/// The new object asks for nothing: no namespaces, no maps, nothing
/// changed (ns_spawn with it is a plain spawn). Free it with
/// ns_spawn_attr_free.
///
/// Returns: a new attribute object, or NULL with errno set.
///
/// Errors:
/// ENOMEM: only if memory runs out.
///
/// Thread safety: safe from any thread. The object is the caller's: an
/// ns_spawn_attr may be used by any number of threads at once for spawning
/// (ns_spawn, ns_spawn_fn), but its setters and ns_spawn_attr_free must
/// not run concurrently with any use of the same attr.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_spawn_attr_new() -> *mut ns_spawn_attr {
    ffi("ns_spawn_attr_new", || {
        Ok(Box::into_raw(Box::new(ns_spawn_attr {
            inner: SpawnAttr::new(),
        })))
    })
}

/// Frees a spawn attribute object.
///
/// Also closes the descriptors it keeps (its own copies of those given to
/// ns_spawn_attr_join, ns_spawn_attr_set_cgroup and
/// ns_spawn_attr_set_root_idmap).
///
/// `attr`: an object from ns_spawn_attr_new not yet freed, or NULL (then
/// nothing happens).
///
/// Returns: nothing.
///
/// Errors: none.
///
/// Thread safety: must not run concurrently with any other use of the same
/// attr (a setter, a spawn): free it once every spawn that uses it has
/// returned.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_free(attr: *mut ns_spawn_attr) {
    if !attr.is_null() {
        // Closes descriptors (close is a cancellation point).
        let _no_cancel = NoCancel::new();
        // SAFETY: allocated by ns_spawn_attr_new, freed once.
        drop(unsafe { Box::from_raw(attr) });
    }
}

/// Runs a setter body on a live attribute object.
///
/// # Safety
/// `attr` is NULL or a live attribute object.
pub(super) unsafe fn set(
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

/// Sets the namespaces the child gets new.
///
/// Replaces an earlier call. They are created in one step, after the
/// joins. With NS_PID the program is pid 1 of the new PID namespace; with
/// NS_MNT every mount becomes private unless ns_spawn_attr_set_propagation
/// says otherwise.
///
/// `types`: an OR of NS_* values; 0 for none.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `types` has bits that are not NS_*, or `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any; NS_TIME needs 5.6, and clone3 (5.3) or else a short-lived
/// intermediate process at spawn time.
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

/// Adds existing namespaces for the child to join.
///
/// Repeatable; joins happen before new namespaces are created, user
/// namespaces first when the caller is not root (last when it is). A new
/// user namespace created inside a joined one (other than the caller's)
/// cannot have maps: ns_spawn refuses that with -EOPNOTSUPP. The
/// attribute keeps its own copy of `fd`: one of the library's tracked
/// descriptors, so a child that another call starts meanwhile (ns_clone,
/// ns_spawn_fn, any spawn) closes it first thing, and it never keeps the
/// namespace alive.
///
/// Who joins: the program's process joins with setns(2), then creates the
/// new types. Where that cannot give the program the namespace (a joined
/// PID namespace applies only to the children of whoever joins it; a new
/// PID or time namespace must be made by the clone, after which a child
/// in a new user namespace may no longer join one of the caller's), a
/// short-lived intermediate process joins and then creates the program's
/// process (see ns_spawn). A caller with
/// CAP_SYS_ADMIN avoids it where joins are given one type per descriptor:
/// the calling thread itself enters a joined PID namespace for the clone
/// alone (every signal blocked), and with new PID or time namespaces also
/// joined network, UTS and cgroup namespaces, and goes back to its own
/// right after (which it reads from /proc/thread-self: without /proc, the
/// intermediate). Other threads are not affected, and the program and its
/// errors are the same either way.
///
/// `fd`: a namespace descriptor or a pidfd, as ns_setns takes them.
///
/// `types`: for a namespace, 0 or its NS_* type; for a pidfd, a non-empty
/// NS_* mask.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EBADF: when `fd` is not open.
/// -EINVAL: when `fd` is neither a namespace nor a pidfd, or `types` does
///   not fit it; when `attr` is NULL.
/// -ESRCH: when the pidfd's process has exited.
/// -EMFILE: when no descriptor is free (for the attribute's own copy of
///   `fd`, or to tell a pidfd from other files).
/// -ENOENT: when telling a pidfd from other files needs /proc and it is
///   not mounted.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any; a pidfd's namespaces are joined in one step from 5.8,
/// one at a time before.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_join(
    attr: *mut ns_spawn_attr,
    fd: c_int,
    types: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { set("ns_spawn_attr_join", attr, |a| a.join(fd, types)) }
}

/// Maps the caller's uid and gid to root in the child's new user namespace.
///
/// Like `unshare -r`: the caller's euid and egid become 0, with setgroups
/// denied. Needs NS_USER in ns_spawn_attr_set_namespaces (checked by
/// ns_spawn). Replaces earlier maps. The child writes these maps itself.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_map_root(attr: *mut ns_spawn_attr) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { set("ns_spawn_attr_map_root", attr, |a| a.map_root()) }
}

/// Sets the uid map of the child's new user namespace.
///
/// Needs NS_USER (checked by ns_spawn). The map gets ns_write_uid_map's
/// checks and flags, now (the page-size limit too); the array is copied.
/// A single id mapping the caller's own euid is written by the child
/// itself, as the kernel allows; any other map is written by the caller
/// while the child waits, so several ranges and NS_MAP_USE_HELPER work.
///
/// `m`: points at `n` struct ns_idmap entries.
///
/// `n`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
///
/// `flags`: 0 or NS_MAP_USE_HELPER.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` or `m` is NULL, `n` is 0, `flags` has unknown bits
///   or NS_MAP_DENY_SETGROUPS, or a range is empty, runs past 4294967294 or
///   overlaps another.
/// -E2BIG: when `n` is above 340 or the map's text is a page or longer.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
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

/// Sets the gid map of the child's new user namespace.
///
/// As ns_spawn_attr_set_uid_map; NS_MAP_DENY_SETGROUPS writes "deny" to
/// the child's setgroups first.
///
/// `m`: points at `n` struct ns_idmap entries.
///
/// `n`: the number of entries, 1 to NS_MAP_MAX_RANGES (340).
///
/// `flags`: an OR of NS_MAP_USE_HELPER and NS_MAP_DENY_SETGROUPS.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` or `m` is NULL, `n` is 0, `flags` has unknown
///   bits, or a range is empty, runs past 4294967294 or overlaps another.
/// -E2BIG: when `n` is above 340 or the map's text is a page or longer.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
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

/// Sets the child's hostname.
///
/// Needs a new or joined UTS namespace, checked by ns_spawn.
///
/// `name`: a NUL-terminated name of 1 to 64 bytes; it is copied.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` or `name` is NULL, or `name` is "" or longer than
///   64 bytes.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
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

/// Sets the directory that becomes the child's root.
///
/// It is bind-mounted on itself (or mounted idmapped, see
/// ns_spawn_attr_set_root_idmap), pivot_root(2) moves the child into it
/// and the old root is detached, so nothing of the host's tree stays
/// reachable. Needs NS_MNT. The program path, the cwd and /proc are then
/// taken inside the new root.
///
/// `dir`: a NUL-terminated path of a directory; it is copied.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` or `dir` is NULL.
/// -ENOTDIR: when `dir` is not a directory.
/// -ENOENT: stat(2)'s, when `dir` does not exist.
/// -EACCES: stat(2)'s, when `dir` cannot be reached.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any. The program's mount namespace holds the root's mounts and
/// nothing of the caller's tree, on every kernel: it starts as a copy of
/// the caller's, and the old root is detached after pivot_root.
/// CLONE_EMPTY_MNTNS (7.1, a mount namespace that starts empty) is probed
/// (ns_features) but not used: how a root is attached to an empty
/// namespace could not be exercised on the kernels this release was
/// tested on, so the copy and pivot_root serve every kernel.
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

/// Asks for a fresh /proc in the child.
///
/// A fresh proc is mounted on /proc in the child (after the root change),
/// showing the child's new PID namespace. Needs new PID and mount
/// namespaces, checked by ns_spawn.
///
/// `on`: non-zero to mount it, 0 not to.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
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

/// Sets the mount propagation of the child's new mount namespace.
///
/// Needs NS_MNT, checked by ns_spawn.
///
/// `mode`: NS_PROPAGATION_PRIVATE (the default, as unshare(1)),
/// NS_PROPAGATION_SLAVE, NS_PROPAGATION_SHARED, or
/// NS_PROPAGATION_UNCHANGED to keep what was copied.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for any other `mode`, or a NULL `attr`.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
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

/// Sets the child's working directory.
///
/// It is entered after the root change and /proc.
///
/// `dir`: a NUL-terminated path, relative to the caller's cwd or, with
/// ns_spawn_attr_set_root, to the new root; it is copied.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` or `dir` is NULL, or `dir` is "".
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
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

/// Makes a child descriptor a copy of a caller's descriptor, or closes it.
///
/// Repeatable; a later call for the same `child_fd` replaces the earlier
/// one. All copies are made as if at once, so swapping two descriptors
/// works. As with posix_spawn's adddup2, `parent_fd` is taken by number
/// when ns_spawn runs: it is checked now, but must still be open then and
/// name the file meant (a closed one gives "child: dup2 (fd N)" and
/// -EBADF from ns_spawn).
///
/// `child_fd`: the descriptor number in the child, >= 0.
///
/// `parent_fd`: the caller's descriptor that `child_fd` becomes a copy of
/// (dup2, without close-on-exec), or -1 to close `child_fd`.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EBADF: for a negative `child_fd`, `parent_fd` < -1, or a `parent_fd`
///   that is not open now.
/// -EINVAL: when `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
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

/// Asks the child to close every other descriptor >= 3.
///
/// Every descriptor >= 3 except those set with ns_spawn_attr_set_fd is
/// marked close-on-exec in the child, so the program starts without them.
///
/// `on`: non-zero to close them, 0 not to.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: close_range(2) with CLOSE_RANGE_CLOEXEC (5.11); before, one
/// fcntl per descriptor up to RLIMIT_NOFILE (at most 65536).
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_close_fds(attr: *mut ns_spawn_attr, on: c_int) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_close_fds", attr, |a| {
            a.set_close_fds(on != 0)
        })
    }
}

/// Sets the signal the child gets when the thread that spawned it ends.
///
/// prctl PR_SET_PDEATHSIG. If the caller dies before the child has set
/// it, the child does not start the program.
///
/// `sig`: a signal number; 0, the default, for none.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for a negative or too large signal, or a NULL `attr`.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any. The caller is watched through a pidfd (pidfd_open, 5.3);
/// with pidfd_open filtered, the child compares getppid() instead.
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

/// Sets the cgroup the child starts in.
///
/// CLONE_INTO_CGROUP: the child is in that cgroup from its first
/// instruction. The attribute keeps its own copy of the descriptor.
///
/// `cgroup_fd`: a descriptor of a cgroup v2 directory.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EBADF: when `cgroup_fd` is not open.
/// -EINVAL: when it is not a cgroup2 directory, or `attr` is NULL.
/// -EMFILE: when no descriptor is free for the attribute's copy.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: clone3 with CLONE_INTO_CGROUP, 5.7; ns_spawn gives -EOPNOTSUPP
/// where clone3 is unavailable.
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

/// Sets a clock offset of the child's new time namespace.
///
/// Needs NS_TIME, checked by ns_spawn: the child sees the clock plus the
/// offset. One per clock; a later call replaces. The offsets are written
/// before any process enters the namespace, which costs one extra process
/// step in ns_spawn.
///
/// `clock`: CLOCK_MONOTONIC or CLOCK_BOOTTIME.
///
/// `sec`: the offset's seconds (may be negative).
///
/// `nsec`: the offset's nanoseconds, 0 to 999999999.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: for other clocks or `nsec` outside 0..999999999, or a NULL
///   `attr`.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: time namespaces, 5.6.
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
