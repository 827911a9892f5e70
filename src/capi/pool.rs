//! Namespace pools: sets of namespaces made ahead of time by a background
//! thread, taken by spawns (ns_spawn_attr_use_pool) or by the caller
//! (ns_pool_take).

use std::ffi::{c_int, c_uint};

use super::{arg_out, ffi, NoCancel};
use crate::error::Error;
use crate::pool::Pool;
use crate::types::{ns_pool, ns_spawn_attr};

/// Creates a pool of namespace sets, refilled in the background.
///
/// The pool keeps `size` sets of never-used namespaces of `types` ready.
/// One background thread of the pool makes them (the pool starts empty and
/// fills within a few milliseconds per set) and makes another each time
/// one is taken, once the pool has gone 2 ms without a take and without a
/// spawn running on a pooled set (making a set beside a spawn slows it).
/// A take wakes no thread: it arms the pool's timer descriptor, and the
/// kernel wakes the refill thread when it expires. Each set is handed out at most once: no process has ever
/// run in a pooled namespace, so it is exactly as fresh as a new one. A
/// pooled user namespace maps the caller's euid and egid (as when the pool
/// was made) to 0, setgroups denied, as ns_spawn_attr_map_root does; with
/// NS_USER, the pool's other namespaces are owned by it, so a program
/// spawned into the set has every capability over them (CAP_NET_ADMIN in
/// its network namespace: `ip link set lo up` works there). A PID
/// namespace is kept empty: the first process spawned into it is its
/// pid 1.
///
/// Cost model: the CPU of creating each set moves to the refill thread
/// (about the cost of a spawn with those namespaces), off the latency of
/// the spawns that take one; the teardown of a used set still happens
/// when its last process exits. Each ready set holds one descriptor per
/// type and the kernel memory of its namespaces (a network namespace:
/// some hundreds of KiB). While the pool exists the process has one more
/// thread (which blocks every signal: the caller's are never delivered to
/// it) and one more descriptor (a close-on-exec timerfd; without one,
/// e.g. timerfd_create refused by a seccomp filter, a take wakes the
/// thread at once instead), so calls that need a single-threaded process
/// (unshare(CLONE_NEWUSER), setns into a user namespace from the caller
/// itself) fail in it with EINVAL; the library's own calls do not need
/// that.
///
/// `types`: an OR of NS_USER, NS_NET, NS_UTS, NS_IPC, NS_CGROUP, NS_PID
/// (at least one). NS_MNT and NS_TIME cannot be pooled: a pooled mount
/// namespace would be a copy of the mounts as they were when it was made,
/// a time namespace takes its offsets before its first process.
///
/// `size`: how many sets to keep ready, 1 to 1024.
///
/// `flags`: 0, or NS_POOL_LO_UP (with NS_NET): the loopback device of each
/// pooled network namespace is up before the set is handed out.
///
/// Returns: a new pool, or NULL with errno set (and ns_last_error).
///
/// Errors:
/// EINVAL: when `types` is 0 or has other bits, `size` is 0 or above 1024,
///   `flags` has bits other than NS_POOL_LO_UP, or NS_POOL_LO_UP without
///   NS_NET.
/// EAGAIN: when the refill thread cannot be started.
/// ENOMEM: only if memory runs out; the errors of making the sets
///   (EPERM for namespaces the caller may not create, ENOSPC at a
///   max_*_namespaces limit) come from the next ns_pool_take, and while
///   one is pending the pool stops refilling.
///
/// Thread safety: a pool may be used from any number of threads at once
/// (ns_pool_take, spawns with attrs that use it); ns_pool_free must not
/// run concurrently with ns_pool_take on the same pool.
///
/// Kernel: any; NS_PID needs 6.11: an empty PID namespace (the holding
/// process's namespace for children, which no process is in yet) can be
/// opened only through its pidfd (PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE).
/// Before 6.11 every refill of a pool with NS_PID fails with EOPNOTSUPP,
/// which ns_pool_take reports, and spawns create their namespaces.
#[no_mangle]
pub extern "C" fn ns_pool_new(types: c_int, size: c_uint, flags: c_uint) -> *mut ns_pool {
    ffi("ns_pool_new", || {
        let inner = Pool::new(types, size, flags)?;
        Ok(Box::into_raw(Box::new(ns_pool { inner })))
    })
}

/// Frees a pool.
///
/// Stops the refill thread and waits for it (at most the time it takes to
/// finish the set it is making), closes every ready set, and leaves no
/// thread, descriptor or child process behind. Attrs that use the pool
/// stay valid: their spawns then create every namespace themselves, as
/// with an empty pool. One exception, so that it never waits forever: if
/// the thread that frees cannot arm the pool's timer (a seccomp filter
/// installed since ns_pool_new refuses timerfd_settime), the refill
/// thread, waiting on that timer, cannot be woken; it is left waiting with
/// its timer descriptor, and the rest is freed.
///
/// `pool`: from ns_pool_new, not yet freed, or NULL (then nothing
/// happens).
///
/// Returns: nothing.
///
/// Errors: none.
///
/// Thread safety: must not run concurrently with ns_pool_take on the same
/// pool; spawns with attrs that use it may run meanwhile. In a child of
/// fork() of the process that made the pool, it frees the object without
/// touching the refill thread (which is the parent's); the child's copies
/// of the ready sets' descriptors close when it execs or exits.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_pool_free(pool: *mut ns_pool) {
    if !pool.is_null() {
        // Joins the refill thread: not to be cancelled meanwhile.
        let _no_cancel = NoCancel::new();
        // SAFETY: allocated by ns_pool_new, freed once.
        drop(unsafe { Box::from_raw(pool) });
    }
}

/// Takes a set of namespaces from a pool, for the caller's own use.
///
/// Never waits: a set is either ready or not. The descriptors are the
/// caller's (O_CLOEXEC), one per type of the pool, in ascending order of
/// the NS_* bits (NS_CGROUP, NS_UTS, NS_IPC, NS_USER, NS_PID, NS_NET);
/// ns_setns, ns_spawn_attr_join or ns_bind take them.
///
/// `pool`: from ns_pool_new.
///
/// `fds_out`: room for as many ints as the pool has types.
///
/// Returns: the number of descriptors written (the number of the pool's
/// types), or a negative errno.
///
/// Errors:
/// -EAGAIN: when no set is ready (the pool is refilling).
/// -EINVAL: when `pool` or `fds_out` is NULL, or in a child of fork() of
///   the process that made the pool (its sets are the parent's).
/// -EPERM: when the refill thread's last attempt failed with it (and so
///   for -ENOSPC and any other error of making a set), once, before any
///   set; the message names the step ("refill the pool: ..."); the
///   thread starts again after this report.
/// -EOPNOTSUPP: the same, for a pool with NS_PID before Linux 6.11.
///
/// Thread safety: any number of threads may take from one pool at once;
/// each set goes to one of them.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_pool_take(pool: *mut ns_pool, fds_out: *mut c_int) -> c_int {
    ffi("ns_pool_take", || {
        // SAFETY: per this function's contract.
        let pool =
            unsafe { pool.as_ref() }.ok_or_else(|| Error::invalid("pool").with_hint("NULL"))?;
        // SAFETY: as above.
        let out = unsafe { arg_out(fds_out, "fds_out") }? as *mut c_int;
        let set = pool.inner.take()?.ok_or_else(|| {
            Error::new(libc::EAGAIN, "take a set")
                .with_hint("none is ready yet; the pool refills in the background")
        })?;
        let n = set.len();
        for (i, fd) in set.into_iter().enumerate() {
            // SAFETY: the caller gave room for one int per type.
            unsafe { out.add(i).write(super::give_fd(fd.into_owned())) };
        }
        Ok(n as c_int)
    })
}

/// Lets spawns with this attribute take their namespaces from a pool.
///
/// A spawn then takes a ready set and joins its namespaces (as
/// ns_spawn_attr_join would: with CAP_SYS_ADMIN the calling thread enters
/// a pooled PID namespace for the clone and the program's process joins
/// the others; without it, a pooled PID namespace is joined through a
/// short-lived intermediate process, a vfork child of the caller's: such
/// a spawn took 647-763 us here against 661-688 us with CAP_SYS_ADMIN)
/// in place of creating those types, and creates the attr's other types
/// (owned by the pooled user namespace, when the pool has one); with the
/// pool empty (or freed)
/// it creates every type itself, as without a pool; it never waits for
/// the refill thread.
///
/// Checked by ns_spawn: the pool's types must all be among the attr's
/// ns_spawn_attr_set_namespaces types and none of them joined; with
/// NS_USER in the pool, the attr's maps must be none or those of
/// ns_spawn_attr_map_root (the pooled user namespace has them already).
///
/// `attr`: from ns_spawn_attr_new.
///
/// `pool`: from ns_pool_new, or NULL to stop using one. The attr keeps a
/// reference to the pool's sets, not to the ns_pool object: freeing the
/// pool first is safe (its spawns then create everything), and so is a
/// spawn in a child of fork() of the process that made the pool (it
/// creates everything).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` is NULL; from ns_spawn, when the checks above
///   fail.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_use_pool(
    attr: *mut ns_spawn_attr,
    pool: *const ns_pool,
) -> c_int {
    // SAFETY: per this function's contract.
    let pool = unsafe { pool.as_ref() }.map(|p| &p.inner);
    // SAFETY: as above.
    unsafe { super::spawn_attr::set("ns_spawn_attr_use_pool", attr, |a| a.use_pool(pool)) }
}
