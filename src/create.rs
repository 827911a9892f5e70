//! New namespaces as handles, without moving the caller: a helper thread
//! for the types a thread can unshare, a short-lived helper process for
//! user namespaces (whose maps the caller writes while it waits).

use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicI32, Ordering};

use crate::error::{Context, Error, Result};
use crate::handles::open_proc_ns_of_thread;
use crate::idmap::MapKind;
use crate::spawn::parent::{spawn_with, Options};
use crate::spawn::{HeldChild, Program, SpawnAttr};
use crate::sys::{self, consts::*, features};
use crate::types::*;

/// Runs `f` on a fresh OS thread and returns its result; whatever the
/// thread did to its own namespaces ends with it. Returns only once the
/// kernel has removed the thread, so the caller is as single-threaded as
/// before (unshare(CLONE_NEWUSER) right after must not see it).
pub(crate) fn on_fresh_thread<T: Send>(f: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    let tid = AtomicI32::new(0);
    let result = std::thread::scope(|s| {
        // The thread starts with every signal blocked (see SignalsBlocked):
        // no handler of the caller's runs in its namespaces.
        let quiet = sys::process::SignalsBlocked::new();
        let started = std::thread::Builder::new()
            .name("linuxns-helper".into())
            .spawn_scoped(s, || {
                tid.store(sys::gettid(), Ordering::Relaxed);
                f()
            });
        drop(quiet);
        started
            .map_err(|e| Error::io(e, "spawn helper thread"))?
            .join()
            .unwrap_or_else(
                |_| Err(Error::new(libc::EIO, "helper thread").with_hint("it panicked")),
            )
    });
    wait_thread_gone(tid.load(Ordering::Relaxed));
    result
}

/// pthread_join returns when the thread clears its tid, a moment before the
/// kernel takes it out of the thread group; wait for that (bounded).
pub(crate) fn wait_thread_gone(tid: libc::pid_t) {
    if tid <= 0 {
        return;
    }
    let pid = sys::process::getpid();
    for _ in 0..10_000 {
        if !sys::process::thread_exists(pid, tid) {
            return;
        }
        std::thread::yield_now();
    }
}

/// A fresh namespace of exactly one type. For NS_PID and NS_TIME it is the
/// namespace children would get (empty: its first process is pid 1). For
/// NS_USER it has no maps.
pub fn new_ns(ty: libc::c_int) -> Result<OwnedFd> {
    let t = parse_one_type(ty)?;
    match t.bit() {
        NS_USER => new_userns(None, None, 0),
        NS_PID => on_fresh_thread(|| {
            sys::unshare(CLONE_NEWPID).step(|| "unshare(pid)".into())?;
            empty_pid_ns_of_this_thread()
        })
        .or_else(|e| {
            if e.errno() == libc::ENOSYS {
                empty_pid_ns_of_a_helper()
            } else {
                Err(e)
            }
        }),
        NS_TIME => on_fresh_thread(|| {
            sys::unshare(CLONE_NEWTIME).step(|| "unshare(time)".into())?;
            open_proc_ns_of_thread(t, true)
        }),
        bit => on_fresh_thread(move || {
            sys::unshare(bit).step(|| format!("unshare({})", t.name()))?;
            open_proc_ns_of_thread(t, false)
        }),
    }
}

/// The calling thread's pid_for_children namespace before any process is
/// in it: /proc hides it then, a thread pidfd's ioctl (6.11) does not.
fn empty_pid_ns_of_this_thread() -> Result<OwnedFd> {
    let unsupported = || {
        Error::new(libc::EOPNOTSUPP, "new PID namespace")
            .with_hint("an empty PID namespace can be opened only with PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE (kernel 6.11)")
    };
    if features::PIDFD_NS_IOCTL.get() == Some(false) {
        return Err(unsupported());
    }
    let pidfd = sys::Fd::track(|| sys::process::pidfd_open_thread(sys::gettid())).map_err(|e| {
        match e.raw_os_error() {
            Some(libc::EINVAL) => unsupported(),
            _ => Error::io(e, "pidfd_open(this thread)"),
        }
    })?;
    use std::os::fd::AsRawFd;
    match sys::ioctl_fd(pidfd.as_raw_fd(), PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE) {
        Ok(fd) => Ok(fd),
        Err(e) if e.raw_os_error() == Some(libc::ENOTTY) => Err(unsupported()),
        Err(e) => Err(Error::io(e, "ioctl PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE")),
    }
}

/// An empty PID namespace without pidfd_open (filtered by a seccomp
/// profile): a helper process unshares it for its children, and its
/// pidfd, taken by clone itself, gives the namespace (6.11).
fn empty_pid_ns_of_a_helper() -> Result<OwnedFd> {
    let mut got = None;
    let mut grab = |child: &HeldChild<'_>| {
        let pidfd = child
            .pidfd
            .ok_or_else(|| Error::new(libc::EIO, "pid namespace helper").with_hint("no pidfd"))?;
        use std::os::fd::AsRawFd;
        let fd = sys::ioctl_fd(pidfd.as_raw_fd(), PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ENOTTY) => Error::new(libc::EOPNOTSUPP, "new PID namespace")
                    .with_hint("an empty PID namespace can be opened only with PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE (kernel 6.11)"),
                _ => Error::io(e, "ioctl PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE"),
            })?;
        got = Some(fd);
        Ok(())
    };
    let program = Program::Hold {
        unshare: CLONE_NEWPID,
        lo_up: false,
        f: &mut grab,
    };
    // SAFETY: a holding child runs no user code.
    unsafe {
        spawn_with(
            &SpawnAttr::new(),
            program,
            Options {
                internal: true,
                supervise: false,
                pidfd_unused: false,
            },
        )
    }?;
    got.ok_or_else(|| {
        Error::new(libc::ECHILD, "pid namespace helper")
            .with_hint("it ended before the namespace was opened")
    })
}

/// A new user namespace with these maps (either may be absent), created
/// by a helper process that waits while the maps are written and the
/// namespace opened. `flags` as the map writers: NS_MAP_DENY_SETGROUPS for
/// the gid map, NS_MAP_USE_HELPER for both.
pub fn new_userns(
    uid_map: Option<&[ns_idmap]>,
    gid_map: Option<&[ns_idmap]>,
    flags: libc::c_uint,
) -> Result<OwnedFd> {
    // Both flags are known to the gid map writer.
    crate::idmap::check_flags(MapKind::Gid, flags)?;
    let mut attr = SpawnAttr::new();
    attr.set_namespaces(NS_USER)?;
    if let Some(m) = uid_map {
        attr.set_map(MapKind::Uid, m, flags & NS_MAP_USE_HELPER)?;
    }
    if let Some(m) = gid_map {
        attr.set_map(MapKind::Gid, m, flags)?;
    }
    let mut got = None;
    let mut grab = |child: &HeldChild<'_>| {
        // Through the /proc/self the child opened itself: that names it
        // even when /proc is not our PID namespace's.
        let dir = child.proc_dir.ok_or_else(|| {
            Error::new(libc::EIO, "user namespace helper").with_hint("it sent no /proc/self")
        })?;
        let fd = sys::openat(dir, c"ns/user", libc::O_RDONLY)
            .map_err(|e| Error::io(e, format!("open /proc/{}/ns/user", child.pid)))?;
        got = Some(fd);
        Ok(())
    };
    let opts = Options {
        internal: true,
        supervise: false,
        pidfd_unused: false,
    };
    let program = Program::Hold {
        unshare: 0,
        lo_up: false,
        f: &mut grab,
    };
    // SAFETY: a holding child runs no user code.
    unsafe { spawn_with(&attr, program, opts) }?;
    got.ok_or_else(|| {
        Error::new(libc::ECHILD, "user namespace helper")
            .with_hint("it ended before the namespace was opened")
    })
}
