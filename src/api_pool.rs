//! The Rust face of namespace pools (crate::pool).

use crate::api::{Namespace, NsSet};
use crate::error::Result;

/// A pool of namespace sets made ahead of time by a background thread,
/// so that a spawn can take fresh namespaces instead of creating them on
/// its own critical path (a network namespace is most of a sandbox
/// spawn's cost).
///
/// The pool keeps `size` sets of never-used namespaces ready and makes
/// another each time one is taken; each set is handed out at most once,
/// so a pooled namespace is exactly as fresh as a new one. A pooled user
/// namespace maps the caller's uid and gid to 0 (as
/// [`Command::map_root`](crate::Command::map_root)), and owns the set's
/// other namespaces: a sandbox spawned into it has every capability over
/// them. A pooled PID namespace is empty: the first process spawned into
/// it is its pid 1. Types: user, net, uts, ipc, cgroup, pid (a mount
/// namespace would be a copy of the mounts when it was made, a time
/// namespace would miss its offsets).
///
/// [`Command::pool`](crate::Command::pool) makes a spawn take a set when
/// one is ready (and create everything itself otherwise: it never waits);
/// [`Pool::take`] gives a set to the caller. Dropping the pool stops the
/// thread and closes the ready sets. While it exists the process has one
/// more thread (which blocks every signal, so the caller's are never
/// delivered to it) and one more descriptor, a timer that wakes the
/// thread (see `ns_pool_new(3)` for the cost model).
///
/// ```
/// use linuxns::{Command, NsSet, Pool};
/// # fn main() -> linuxns::Result<()> {
/// let pool = Pool::new(NsSet::USER | NsSet::NET, 2, true)?;
/// // Spawns with this Command take a ready user+net set (lo already up),
/// // and create the rest (owned by the pooled user namespace).
/// let mut cmd = Command::new("cat");
/// cmd.arg("/sys/class/net/lo/operstate")
///     .unshare(NsSet::USER | NsSet::NET | NsSet::MNT)
///     .map_root()
///     .pool(&pool);
/// let out = cmd.output()?;
/// assert!(out.status.success());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Pool {
    pub(crate) inner: crate::pool::Pool,
}

impl Pool {
    /// Starts a pool of `size` (1 to 1024) sets of `types`; with
    /// `loopback_up` (needs NET) the loopback device of each pooled
    /// network namespace is up before the set is handed out. The pool
    /// starts empty; its thread fills it in the background.
    ///
    /// Errors: `EINVAL` for types outside user, net, uts, ipc, cgroup,
    /// pid (or none), a size of 0 or above 1024, `loopback_up` without
    /// NET. Failures of the refill thread come from the next
    /// [`take`](Pool::take) (with PID before Linux 6.11: `EOPNOTSUPP`,
    /// an empty PID namespace can be kept only through a pidfd there).
    pub fn new(types: NsSet, size: u32, loopback_up: bool) -> Result<Pool> {
        let flags = if loopback_up {
            crate::pool::POOL_LO_UP
        } else {
            0
        };
        Ok(Pool {
            inner: crate::pool::Pool::new(types.bits(), size, flags)?,
        })
    }

    /// A ready set, one [`Namespace`] per type in ascending order of the
    /// `CLONE_NEW*` bits (cgroup, uts, ipc, user, pid, net); `None` when
    /// none is ready (it never waits). The refill thread's last failure
    /// comes first, once.
    ///
    /// ```
    /// use linuxns::{NsSet, NsType, Pool};
    /// # fn main() -> linuxns::Result<()> {
    /// let pool = Pool::new(NsSet::USER | NsSet::UTS, 1, false)?;
    /// let set = loop {
    ///     if let Some(set) = pool.take()? {
    ///         break set;
    ///     }
    ///     std::thread::sleep(std::time::Duration::from_millis(1));
    /// };
    /// assert_eq!(set[0].ns_type()?, NsType::Uts);
    /// assert_eq!(set[1].ns_type()?, NsType::User);
    /// # Ok(())
    /// # }
    /// ```
    pub fn take(&self) -> Result<Option<Vec<Namespace>>> {
        Ok(self.inner.take()?.map(|set| {
            set.into_iter()
                .map(|fd| Namespace::from(fd.into_owned()))
                .collect()
        }))
    }

    /// How many sets are ready now.
    pub fn ready(&self) -> usize {
        self.inner.ready()
    }
}
