//! Descriptors the library holds for its own use, tracked so that a child
//! started by one call never keeps another call's descriptors.
//!
//! A child gets a copy of the caller's descriptor table at clone time. Those
//! of other calls in flight (their report sockets, pidfds, a dup'd join fd
//! of a shared spawn attribute) would stay open in it until it execs — for
//! ever in a child that never execs (ns_clone, a holding helper) — and keep
//! that call waiting for an EOF, or a namespace alive. So every internal
//! descriptor is registered while it exists, and the calls that start a
//! child take a snapshot of the register at the moment of the clone; the
//! child closes what the snapshot lists, except its own.
//!
//! Every tracked descriptor is close-on-exec. So the lean spawn's program
//! (spawn::lean), which execs right after a few system calls that wait for
//! nothing, closes none of them itself: its exec does, and until then the
//! caller holds the gate exclusively (vfork), as for any clone. Closing
//! them one by one before the exec would cost its spawn time in
//! proportion to the library's descriptors (a pool's sets).
//!
//! Descriptors handed to the caller (ns_open_pid's, a spawn's pidfd) are
//! the caller's from the moment they exist, and like any of the caller's a
//! fork-like child (ns_clone) inherits them; they are not tracked, or stop
//! being tracked when handed over (Fd::into_owned).
//!
//! Creating or closing a tracked descriptor holds the gate shared; a clone
//! holds it exclusively, so the snapshot is exactly what the child's table
//! holds of ours: nothing created but not yet registered, nothing
//! unregistered but not yet closed (whose number the caller could reuse).
//!
//! The caller's own fork(3) takes the gate too (pthread_atfork handlers,
//! registered at its first use): its child has one thread, and a gate
//! or register lock held by another thread of the parent at the fork
//! would be held there for ever, every spawn of the child waiting on it.
//! Held by the forking thread, the gate is released in both processes
//! after the fork, and the child's register lists exactly the tracked
//! descriptors its table holds (the parent's calls in flight made them;
//! they stay open in the child, as a fork leaves any descriptor, until
//! its exec closes them).

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The gate: a reader-writer lock of our own (not std's), because a
/// fork-like child (ns_clone, ns_spawn_fn) is created while the gate is
/// held exclusively and inherits it so, with no thread left to release
/// it; the child resets it ([`reset_in_fork_child`]) before the caller's
/// function runs. Low bits: readers; WAITING: a writer waits (new readers
/// hold back, so a clone is not starved); HELD: a writer holds it.
static GATE: AtomicU32 = AtomicU32::new(0);
const HELD: u32 = 1 << 31;
const WAITING: u32 = 1 << 30;
static OPEN: Mutex<Vec<RawFd>> = Mutex::new(Vec::new());

fn open_list() -> MutexGuard<'static, Vec<RawFd>> {
    OPEN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits a little: spins first (a clone holds the gate for well under a
/// millisecond), then yields, then sleeps (a holder that was preempted).
fn backoff(round: &mut u32) {
    if *round < 64 {
        std::hint::spin_loop();
    } else if *round < 1024 {
        std::thread::yield_now();
    } else {
        std::thread::sleep(std::time::Duration::from_micros(50));
    }
    *round = round.saturating_add(1);
}

/// The gate held shared, until dropped.
struct Shared;

fn shared() -> Shared {
    fork_hooks();
    let mut round = 0;
    loop {
        let s = GATE.load(Ordering::Relaxed);
        if s & (HELD | WAITING) == 0
            && GATE
                .compare_exchange_weak(s, s + 1, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            return Shared;
        }
        backoff(&mut round);
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        GATE.fetch_sub(1, Ordering::Release);
    }
}

/// The gate held exclusively, until dropped.
struct Held;

fn exclusive() -> Held {
    fork_hooks();
    let mut round = 0;
    loop {
        GATE.fetch_or(WAITING, Ordering::Relaxed);
        if GATE
            .compare_exchange_weak(WAITING, HELD, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return Held;
        }
        backoff(&mut round);
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        GATE.store(0, Ordering::Release);
    }
}

static FORK_HOOKS: AtomicBool = AtomicBool::new(false);

/// Registers the fork(3) handlers, once. No waiting here (a fork while
/// another thread registered would leave a waiting lock held in the
/// child): a call racing the first one may go on before they exist.
fn fork_hooks() {
    if FORK_HOOKS.load(Ordering::Relaxed) || FORK_HOOKS.swap(true, Ordering::AcqRel) {
        return;
    }
    // SAFETY: three functions that only touch atomics. Registered from
    // this library, they go away when it is unloaded (dlclose).
    unsafe {
        libc::pthread_atfork(
            Some(before_fork),
            Some(after_fork_parent),
            Some(after_fork_child),
        )
    };
}

/// Before the caller's fork: the gate held exclusively, so that no other
/// thread is between making or closing a tracked descriptor and the
/// register (nor in the register's lock) at the fork.
extern "C" fn before_fork() {
    std::mem::forget(exclusive());
}

/// In the parent after its fork: released (other waiters go on).
extern "C" fn after_fork_parent() {
    drop(Held);
}

/// In the child of the caller's fork: free, with no waiter left (the
/// other threads are not in the child).
extern "C" fn after_fork_child() {
    GATE.store(0, Ordering::Release);
}

/// In a fork-like child (its own copy of memory, one thread): the gate
/// its parent held while cloning is free here, and the parent's register
/// (whose descriptors the child closed first thing) is emptied, so that
/// the library works in the child as in any process. Only atomics and an
/// uncontended lock: nothing allocates.
pub(crate) fn reset_in_fork_child() {
    GATE.store(0, Ordering::Release);
    if let Ok(mut list) = OPEN.try_lock() {
        list.clear();
    }
}

fn register(fd: RawFd) {
    open_list().push(fd);
}

fn unregister(fd: RawFd) {
    let mut list = open_list();
    if let Some(i) = list.iter().rposition(|&f| f == fd) {
        list.swap_remove(i);
    }
}

/// An internal descriptor: registered while it lives, closed on drop.
#[derive(Debug)]
pub(crate) struct Fd(RawFd);

impl Fd {
    /// Runs `create` (which makes one new descriptor) with the gate held.
    pub(crate) fn create(create: impl FnOnce() -> io::Result<OwnedFd>) -> io::Result<Fd> {
        let _g = shared();
        let fd = create()?.into_raw_fd();
        register(fd);
        Ok(Fd(fd))
    }

    /// As [`Fd::create`] for any error type: the way the core tracks the
    /// descriptors it opens for its own use through functions that return
    /// an OwnedFd to their other callers.
    pub(crate) fn track<E>(
        create: impl FnOnce() -> std::result::Result<OwnedFd, E>,
    ) -> std::result::Result<Fd, E> {
        let _g = shared();
        let fd = create()?.into_raw_fd();
        register(fd);
        Ok(Fd(fd))
    }

    /// Runs `create` (which makes two new descriptors) with the gate held.
    pub(crate) fn create_pair(
        create: impl FnOnce() -> io::Result<(OwnedFd, OwnedFd)>,
    ) -> io::Result<(Fd, Fd)> {
        let _g = shared();
        let (a, b) = create()?;
        let (a, b) = (a.into_raw_fd(), b.into_raw_fd());
        register(a);
        register(b);
        Ok((Fd(a), Fd(b)))
    }

    /// Hands the descriptor over (to the caller of the library): no longer
    /// tracked, no longer closed by us.
    pub(crate) fn into_owned(self) -> OwnedFd {
        let _g = shared();
        let fd = self.0;
        std::mem::forget(self);
        unregister(fd);
        // SAFETY: we owned fd and have given up our claim on it.
        unsafe { OwnedFd::from_raw_fd(fd) }
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        let _g = shared();
        unregister(self.0);
        // SAFETY: our own descriptor, closed once.
        unsafe { libc::close(self.0) };
    }
}

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

impl AsFd for Fd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: open for as long as self lives.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

/// The gate held exclusively around a clone: no tracked descriptor is
/// created or closed meanwhile.
pub(crate) struct Exclusive {
    _g: Held,
}

impl Exclusive {
    pub(crate) fn take() -> Exclusive {
        Exclusive { _g: exclusive() }
    }

    /// Every tracked descriptor open now.
    pub(crate) fn snapshot(&self) -> Vec<RawFd> {
        open_list().clone()
    }

    /// Tracks a descriptor the kernel made during the exclusive section
    /// (a pidfd from CLONE_PIDFD).
    ///
    /// # Safety
    /// `fd` is a new descriptor that nothing else owns.
    pub(crate) unsafe fn adopt(&self, fd: RawFd) -> Fd {
        register(fd);
        Fd(fd)
    }
}

/// Runs `f` (which may receive descriptors, e.g. recvmsg with SCM_RIGHTS)
/// with the gate held shared, and tracks the descriptors it returns.
///
/// # Safety
/// The descriptors `f` returns are new and owned by nothing else.
pub(crate) unsafe fn adopt_shared<T>(
    f: impl FnOnce() -> io::Result<(T, Vec<RawFd>)>,
) -> io::Result<(T, Vec<Fd>)> {
    let _g = shared();
    let (v, fds) = f()?;
    let fds = fds
        .into_iter()
        .filter(|&fd| fd >= 0)
        .map(|fd| {
            register(fd);
            Fd(fd)
        })
        .collect();
    Ok((v, fds))
}
