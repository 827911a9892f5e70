//! Namespace pools: sets of never-used namespaces made ahead of time by a
//! background thread, so that a spawn can take one instead of paying for
//! their creation on its own critical path (a network namespace is most of
//! a sandbox spawn's cost).
//!
//! Each set is made by a holding child of the library (a spawn with those
//! namespaces that runs no program), whose namespaces are opened through
//! its /proc/self and kept as descriptors after it exits; a PID namespace
//! is the holder's namespace for children, still empty (its first process
//! becomes pid 1). A set is handed out at most once, so a pooled namespace
//! is as fresh as a new one: no process ever ran in it.

use std::collections::VecDeque;
use std::ffi::c_int;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::error::{Error, Result};
use crate::spawn::parent::{spawn_with, Options};
use crate::spawn::{HeldChild, Program, SpawnAttr};
use std::os::fd::AsRawFd;

use crate::sys::{self, consts::*, Fd};
use crate::types::*;

/// The types a pool may hold. A mount namespace is a copy of the mounts
/// when it was made, and a time namespace takes its offsets before its
/// first process: neither would be as fresh as a new one.
pub(crate) const POOL_TYPES: c_int = NS_USER | NS_NET | NS_UTS | NS_IPC | NS_CGROUP | NS_PID;

/// The most sets a pool keeps ready.
pub(crate) const POOL_MAX_SIZE: u32 = 1024;

/// How long the pool must go without a take before the refill thread
/// makes a set: a refill beside a spawn slows it (for CPU on small
/// machines, and for the kernel's namespace locks), so sets are made in
/// the gaps between spawns. A take does not wake the refill thread: it
/// arms the pool's timer descriptor for this long from now, and the
/// kernel wakes the thread when it expires (waking another thread right
/// before a spawn slowed that spawn by 2-4% here, as a pool-empty spawn
/// right after the take that emptied the pool).
const REFILL_QUIET: std::time::Duration = std::time::Duration::from_millis(2);

/// ns_pool_new's flag: bring the loopback device up in each pooled
/// network namespace.
pub(crate) const POOL_LO_UP: u32 = NS_POOL_LO_UP;

/// The path under /proc/PID of each type's namespace, in ascending order
/// of the NS_* bits (the order of a set's descriptors); NS_PID's is not
/// opened (see make_set).
const ORDER: [(c_int, &std::ffi::CStr); 6] = [
    (NS_CGROUP, c"ns/cgroup"),
    (NS_UTS, c"ns/uts"),
    (NS_IPC, c"ns/ipc"),
    (NS_USER, c"ns/user"),
    (NS_PID, c"ns/pid_for_children"),
    (NS_NET, c"ns/net"),
];

/// One set: a descriptor per type, in ascending order of the NS_* bits.
pub(crate) type NsSetFds = Vec<Fd>;

struct State {
    ready: VecDeque<NsSetFds>,
    /// Spawns running with a set taken from the pool: the refill waits
    /// for them, so that making a set never competes with the spawns it
    /// is meant to speed up (for CPU, and for the kernel's namespace
    /// locks).
    inflight: usize,
    /// Counts takes: the refill starts only after REFILL_QUIET without one.
    takes: u64,
    /// The refill thread's last failure, until a take reports it.
    error: Option<Error>,
    closed: bool,
    /// The refill thread's alarm (see [`Shared::poke`]): a one-shot timer
    /// descriptor it waits on. None without one (timerfd_create refused,
    /// e.g. by a seccomp filter or the descriptor limit): then the thread
    /// waits on the condition variable and a take wakes it at once.
    timer: Option<Fd>,
}

/// What a pool's owner, its refill thread and the attributes that use it
/// share. An attribute keeps this alive, so a pool freed before it only
/// turns empty for its spawns.
pub(crate) struct Shared {
    /// The process that made the pool: in a fork-like copy of it the
    /// refill thread does not exist and the lock may have been copied
    /// held, so there the pool is never touched (empty to spawns).
    owner: libc::pid_t,
    pub(crate) types: c_int,
    size: usize,
    lo_up: bool,
    state: Mutex<State>,
    /// Wakes the refill thread (a set taken, an error reported, closing).
    wake: Condvar,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("types", &mask_text(self.types))
            .field("size", &self.size)
            .finish()
    }
}

impl Shared {
    /// Are we the process that made the pool (not a fork of it)?
    fn ours(&self) -> bool {
        sys::process::getpid() == self.owner
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding it cannot leave State inconsistent (every
        // update is a single push, pop or assignment).
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A ready set for a spawn, never waiting: None when the pool is
    /// empty or freed. The refill waits until the spawn's guard is
    /// dropped.
    pub(crate) fn take_ready(&self) -> Option<(NsSetFds, InFlight<'_>)> {
        if !self.ours() {
            return None;
        }
        let mut st = self.lock();
        if st.closed {
            return None;
        }
        let set = st.ready.pop_front()?;
        st.inflight += 1;
        st.takes += 1;
        Some((set, InFlight(self)))
    }

    /// Tells the refill thread that the pool changed (a set taken, the
    /// last spawn on a pooled set ended, an error seen): it makes the next
    /// set after REFILL_QUIET without another change. With the timer
    /// nothing is woken now; the expiry is moved to REFILL_QUIET from now.
    fn poke(&self, st: &State) {
        match &st.timer {
            Some(t) => {
                // Cannot fail on a timer descriptor with a valid time (a
                // seccomp filter installed since could refuse it: then
                // the pool refills no more and its spawns create their
                // namespaces).
                let _ = sys::timer_arm(t.as_raw_fd(), REFILL_QUIET);
            }
            None => self.wake.notify_one(),
        }
    }
}

/// A spawn running with a pooled set; the refill resumes when the last
/// one ends.
pub(crate) struct InFlight<'a>(&'a Shared);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        st.inflight -= 1;
        if st.inflight == 0 {
            self.0.poke(&st);
        }
    }
}

/// A pool of namespace sets, refilled by a thread of its own.
pub(crate) struct Pool {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.shared.lock();
        f.debug_struct("Pool")
            .field("types", &mask_text(self.shared.types))
            .field("size", &self.shared.size)
            .field("ready", &st.ready.len())
            .finish()
    }
}

impl Pool {
    /// Checks the request, then starts the refill thread (which makes the
    /// first sets in the background: the pool starts empty).
    pub(crate) fn new(types: c_int, size: u32, flags: u32) -> Result<Pool> {
        check_mask(types, "types")?;
        if types == 0 || types & !POOL_TYPES != 0 {
            return Err(Error::invalid(format!("types {}", mask_text(types))).with_hint(
                "a pool holds user, net, uts, ipc, cgroup and pid namespaces (at least one; a mount namespace would be a copy of the mounts when it was made, a time namespace would miss its offsets)",
            ));
        }
        if size == 0 || size > POOL_MAX_SIZE {
            return Err(Error::invalid(format!("size {size}"))
                .with_hint(format!("1 to {POOL_MAX_SIZE} sets")));
        }
        if flags & !POOL_LO_UP != 0 {
            return Err(Error::invalid(format!("flags 0x{flags:x}"))
                .with_hint("the only flag is NS_POOL_LO_UP (0x1)"));
        }
        let lo_up = flags & POOL_LO_UP != 0;
        if lo_up && types & NS_NET == 0 {
            return Err(Error::invalid("NS_POOL_LO_UP").with_hint("needs NS_NET in types"));
        }
        let shared = Arc::new(Shared {
            owner: sys::process::getpid(),
            types,
            size: size as usize,
            lo_up,
            state: Mutex::new(State {
                ready: VecDeque::with_capacity(size as usize),
                inflight: 0,
                takes: 0,
                error: None,
                closed: false,
                timer: alarm(),
            }),
            wake: Condvar::new(),
        });
        let s2 = Arc::clone(&shared);
        // The thread starts with every signal blocked (see SignalsBlocked).
        let quiet = sys::process::SignalsBlocked::new();
        let thread = std::thread::Builder::new()
            .name("linuxns-pool".into())
            .spawn(move || refill(&s2));
        drop(quiet);
        let thread = thread.map_err(|e| Error::io(e, "start the refill thread"))?;
        Ok(Pool {
            shared,
            thread: Some(thread),
        })
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// A ready set (its descriptors, in ascending order of the NS_*
    /// bits), None when none is ready; first the refill thread's error, if
    /// it had one since the last take.
    pub(crate) fn take(&self) -> Result<Option<NsSetFds>> {
        if !self.shared.ours() {
            return Err(Error::invalid("pool").with_hint(
                "a pool belongs to the process that made it; a fork of it has no refill thread",
            ));
        }
        let mut st = self.shared.lock();
        if let Some(e) = st.error.take() {
            // The thread stopped refilling until this was seen.
            self.shared.poke(&st);
            return Err(e);
        }
        let set = st.ready.pop_front();
        if set.is_some() {
            st.takes += 1;
            self.shared.poke(&st);
        }
        Ok(set)
    }

    /// How many sets are ready now.
    pub(crate) fn ready(&self) -> usize {
        if !self.shared.ours() {
            return 0;
        }
        self.shared.lock().ready.len()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if !self.shared.ours() {
            // A fork-like copy: no thread to stop or join, and a lock
            // that may have been copied held. Its copies of the ready
            // sets' descriptors stay open until it exits or execs (they
            // are close-on-exec).
            if let Some(t) = self.thread.take() {
                std::mem::forget(t);
            }
            return;
        }
        let (sets, woken) = {
            let mut st = self.shared.lock();
            st.closed = true;
            let woken = match &st.timer {
                Some(t) => sys::timer_arm(t.as_raw_fd(), std::time::Duration::ZERO).is_ok(),
                None => true,
            };
            (std::mem::take(&mut st.ready), woken)
        };
        self.shared.wake.notify_all();
        drop(sets);
        if let Some(t) = self.thread.take() {
            if woken {
                // It finishes the set it is making (one spawn), drops it
                // and returns.
                let _ = t.join();
            } else {
                // Its timer could not be armed (a seccomp filter installed
                // since the pool was made refuses timerfd_settime): it
                // waits on, holding only the shared state, not joined
                // rather than waited for forever.
                std::mem::forget(t);
                return;
            }
        }
        // The thread has returned: nothing waits on the timer any more.
        drop(self.shared.lock().timer.take());
    }
}

/// The refill thread: keeps `size` sets ready; after a failure, waits
/// until a take has reported it before trying again.
fn refill(shared: &Shared) {
    loop {
        {
            let mut st = shared.lock();
            // With the timer: has it expired since the last set was made
            // (REFILL_QUIET without a poke; or the pool is closing)?
            let mut expired = false;
            while let Some(fd) = st.timer.as_ref().map(|t| t.as_raw_fd()) {
                if st.closed {
                    return;
                }
                let busy = st.ready.len() >= shared.size || st.error.is_some() || st.inflight > 0;
                if expired && !busy {
                    break;
                }
                // Busy: whatever ends it pokes (a take, the last pooled
                // spawn's end, the error's report) and the timer expires
                // again. The descriptor stays open while this thread runs
                // (the pool's drop closes it after the join).
                drop(st);
                let waited = sys::timer_wait(fd);
                st = shared.lock();
                if waited.is_err() {
                    // Cannot happen on a timer descriptor; should it, the
                    // condition variable takes over.
                    st.timer = None;
                }
                expired = true;
            }
            while st.timer.is_none() {
                while !st.closed
                    && (st.ready.len() >= shared.size || st.error.is_some() || st.inflight > 0)
                {
                    st = shared.wake.wait(st).unwrap_or_else(|p| p.into_inner());
                }
                if st.closed {
                    return;
                }
                // Quiet for a moment (no take, no spawn with a pooled
                // set)? Then making a set competes with nobody's spawn.
                let takes = st.takes;
                st = shared
                    .wake
                    .wait_timeout(st, REFILL_QUIET)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
                if st.closed {
                    return;
                }
                if st.takes == takes && st.inflight == 0 {
                    break;
                }
            }
        }
        let made = make_set(shared.types, shared.lo_up);
        let mut st = shared.lock();
        if st.closed {
            return;
        }
        match made {
            Ok(set) => st.ready.push_back(set),
            Err(e) => st.error = Some(e.with_step("refill the pool")),
        }
        // The next set after another quiet moment.
        if st.timer.is_some() {
            shared.poke(&st);
        }
    }
}

/// The refill thread's timer, armed for the first fill; None if the
/// kernel refuses one.
fn alarm() -> Option<Fd> {
    let t = sys::timer_internal().ok()?;
    sys::timer_arm(t.as_raw_fd(), REFILL_QUIET).ok()?;
    Some(t)
}

/// A new set of `types`: a holding child in them (a user namespace mapped
/// as map_root does; a PID namespace unshared for its children), its
/// namespaces opened through its /proc/self.
pub(crate) fn make_set(types: c_int, lo_up: bool) -> Result<NsSetFds> {
    let mut attr = SpawnAttr::new();
    attr.set_namespaces(types & !NS_PID)?;
    if types & NS_USER != 0 {
        attr.map_root()?;
    }
    let mut got: NsSetFds = Vec::with_capacity(ORDER.len());
    let mut grab = |child: &HeldChild<'_>| {
        let dir = child.proc_dir.ok_or_else(|| {
            Error::new(libc::EIO, "namespace holder").with_hint("it sent no /proc/self")
        })?;
        for (bit, path) in ORDER {
            if types & bit == 0 {
                continue;
            }
            let fd = if bit == NS_PID {
                // An empty PID namespace has no pid_for_children link to
                // open; its holder's pidfd gives it (6.11).
                let pidfd = child.pidfd.ok_or_else(|| {
                    Error::new(libc::EIO, "namespace holder").with_hint("no pidfd")
                })?;
                Fd::track(|| {
                    sys::ioctl_fd(pidfd.as_raw_fd(), PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE)
                })
                .map_err(|e| match e.raw_os_error() {
                    Some(libc::ENOTTY) => Error::new(libc::EOPNOTSUPP, "pooled PID namespace")
                        .with_hint("an empty PID namespace can be kept only with PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE (kernel 6.11)"),
                    _ => Error::io(e, "ioctl PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE"),
                })?
            } else {
                Fd::track(|| sys::openat(dir, path, libc::O_RDONLY)).map_err(|e| {
                    Error::io(
                        e,
                        format!("open /proc/{}/{}", child.pid, path.to_string_lossy()),
                    )
                })?
            };
            got.push(fd);
        }
        Ok(())
    };
    let program = Program::Hold {
        unshare: if types & NS_PID != 0 { CLONE_NEWPID } else { 0 },
        lo_up,
        f: &mut grab,
    };
    let opts = Options {
        internal: true,
        supervise: false,
        pidfd_unused: false,
    };
    // SAFETY: a holding child runs no user code.
    unsafe { spawn_with(&attr, program, opts) }?;
    if got.len() != (types as u32).count_ones() as usize {
        return Err(Error::new(libc::ECHILD, "namespace holder")
            .with_hint("it ended before its namespaces were opened"));
    }
    Ok(got)
}
