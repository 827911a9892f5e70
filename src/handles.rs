//! Namespace handles: opening namespaces of processes, pidfds and paths,
//! and asking the kernel about them (ids, types, owners, parents).

use std::ffi::CStr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Context, Error, Result};
use crate::procfs::{pid_dir, pid_exists, pidfd_pid};
use crate::sys::{self, consts::*, features, Fd};
use crate::types::{parse_any_type, parse_open_type, NsType, NS_NET};

/// Device number of nsfs, learnt from the first namespace fd we verify, so
/// later checks cost one fstat.
static NSFS_DEV: AtomicU64 = AtomicU64::new(u64::MAX);

/// fstat of fd, checked to be a namespace file: EBADF for a bad fd, EINVAL
/// for any other file.
pub(crate) fn ns_stat(fd: RawFd) -> Result<libc::stat> {
    let st = sys::fstat(fd).step(|| format!("fstat fd {fd}"))?;
    let dev = st.st_dev as u64;
    if dev == NSFS_DEV.load(Ordering::Relaxed) {
        return Ok(st);
    }
    match sys::fstatfs_type(fd) {
        Ok(NSFS_MAGIC) => {
            NSFS_DEV.store(dev, Ordering::Relaxed);
            Ok(st)
        }
        Ok(_) => Err(Error::invalid(format!("fd {fd}")).with_hint("not a namespace")),
        Err(e) => Err(Error::io(e, format!("fstatfs fd {fd}"))),
    }
}

/// Is fd a namespace file? Errors only for a bad fd.
pub(crate) fn is_namespace(fd: RawFd) -> Result<bool> {
    match ns_stat(fd) {
        Ok(_) => Ok(true),
        Err(e) if e.errno() == libc::EINVAL => Ok(false),
        Err(e) => Err(e),
    }
}

/// The namespace's inode number, as in `net:[N]`.
pub fn id(fd: RawFd) -> Result<u64> {
    Ok(ns_stat(fd)?.st_ino as u64)
}

/// The NS_* type of a namespace fd.
pub fn ns_type(fd: RawFd) -> Result<NsType> {
    ns_stat(fd)?;
    type_unchecked(fd)
}

fn type_unchecked(fd: RawFd) -> Result<NsType> {
    let bit = sys::ioctl_none(fd, NS_GET_NSTYPE).step(|| format!("ioctl NS_GET_NSTYPE fd {fd}"))?;
    NsType::from_bit(bit).ok_or_else(|| {
        Error::new(libc::EOPNOTSUPP, format!("fd {fd}")).with_hint("unknown namespace type")
    })
}

/// Opens namespace `ty` (an NS_* bit, maybe with NS_FOR_CHILDREN) of
/// process or thread `pid`; 0 is the calling thread.
pub fn open_pid(pid: libc::pid_t, ty: libc::c_int) -> Result<OwnedFd> {
    let (t, for_children) = parse_open_type(ty)?;
    if pid < 0 {
        return Err(Error::invalid(format!("pid {pid}"))
            .with_hint("a pid is 0 (the calling thread) or positive"));
    }
    open_proc_ns(pid, t, for_children)
}

fn open_proc_ns(pid: libc::pid_t, t: NsType, for_children: bool) -> Result<OwnedFd> {
    let mut path = pid_dir(pid, true);
    path.push("ns/").push(t.proc_name(for_children));
    sys::open(path.as_cstr(), libc::O_RDONLY).map_err(|e| {
        let err = Error::io(e, format!("open {}", path.as_str()));
        match err.errno() {
            libc::ENOENT => explain_missing_ns(err, pid, t, for_children),
            _ => err,
        }
    })
}

/// /proc/PID/ns/X is missing: no such process, a process that has exited
/// (a zombie keeps /proc/PID but loses its namespaces), a kernel without
/// the type, or a *_for_children namespace no process has entered yet.
fn explain_missing_ns(err: Error, pid: libc::pid_t, t: NsType, for_children: bool) -> Error {
    if !crate::procfs::proc_mounted() {
        return err.with_hint("/proc is not mounted");
    }
    if !pid_exists(pid) {
        return err.with_errno(libc::ESRCH);
    }
    let mut own = pid_dir(0, true);
    own.push("ns/").push(t.name());
    if sys::fs::access(own.as_cstr(), libc::F_OK).is_err() {
        return err
            .with_errno(libc::EOPNOTSUPP)
            .with_hint("this kernel has no such namespace type");
    }
    // A zombie keeps its pid namespace link but loses those of its nsproxy
    // (uts among them): that tells "exited" from "nobody in it yet".
    let mut probe = pid_dir(pid, true);
    probe.push("ns/uts");
    let alive = sys::fs::access(probe.as_cstr(), libc::F_OK).is_ok();
    if for_children && alive {
        return err.with_hint("the kernel shows this namespace only once a process is in it");
    }
    err.with_errno(libc::ESRCH)
        .with_hint("the process has exited")
}

/// Opens namespace `ty` of the process behind `pidfd`, race-free against
/// pid reuse.
pub fn open_pidfd(pidfd: RawFd, ty: libc::c_int) -> Result<OwnedFd> {
    let (t, for_children) = parse_open_type(ty)?;
    if pidfd < 0 {
        return Err(Error::new(libc::EBADF, format!("pidfd {pidfd}")));
    }
    if features::PIDFD_NS_IOCTL.get() != Some(false) {
        match sys::ioctl_fd(pidfd, pidfd_ioctl(t, for_children)) {
            Ok(fd) => {
                features::PIDFD_NS_IOCTL.set(true);
                return Ok(fd);
            }
            // ENOTTY: an old kernel's pidfd, or no pidfd at all; below.
            Err(e) if e.raw_os_error() == Some(libc::ENOTTY) => {}
            Err(e) => {
                return Err(explain_pidfd_error(Error::io(
                    e,
                    format!(
                        "ioctl PIDFD_GET_{}_NAMESPACE pidfd {pidfd}",
                        t.name().to_uppercase()
                    ),
                )))
            }
        }
    }
    let pid = pidfd_target(pidfd)?;
    if features::PIDFD_NS_IOCTL.get().is_none() {
        // A real pidfd refused the ioctl: this kernel predates it.
        features::PIDFD_NS_IOCTL.set(false);
    }
    let fd = open_proc_ns(pid, t, for_children)?;
    // The pid could have been reused between reading it and the open; if
    // the pidfd's process is still alive, it was not.
    sys::pidfd_check_alive(pidfd)
        .step(|| format!("pidfd {pidfd} (pid {pid})"))
        .map_err(explain_pidfd_error)?;
    Ok(fd)
}

/// ESRCH about a pidfd's process: it has exited.
pub(crate) fn explain_exited(e: Error) -> Error {
    if e.errno() == libc::ESRCH {
        e.with_hint("the process has exited")
    } else {
        e
    }
}

/// The hints for what a pidfd's process can answer: gone, or not ours to
/// look at.
pub(crate) fn explain_pidfd_error(e: Error) -> Error {
    match e.errno() {
        libc::ESRCH => explain_exited(e),
        libc::EPERM | libc::EACCES => {
            e.with_hint("the caller may not inspect that process (ptrace read access is needed)")
        }
        _ => e,
    }
}

/// The pid behind a pidfd: EBADF if fd is not a pidfd, ESRCH if the
/// process is gone.
pub(crate) fn pidfd_target(pidfd: RawFd) -> Result<libc::pid_t> {
    sys::fstat(pidfd).step(|| format!("fstat pidfd {pidfd}"))?;
    match pidfd_pid(pidfd)? {
        None => Err(Error::new(libc::EBADF, format!("fd {pidfd}")).with_hint("not a pidfd")),
        Some(p) if p <= 0 => {
            Err(Error::new(libc::ESRCH, format!("pidfd {pidfd}"))
                .with_hint("the process has exited"))
        }
        Some(p) if sys::pidfd_exited(pidfd) => {
            Err(Error::new(libc::ESRCH, format!("pidfd {pidfd} (pid {p})"))
                .with_hint("the process has exited"))
        }
        Some(p) => Ok(p),
    }
}

fn pidfd_ioctl(t: NsType, for_children: bool) -> libc::c_ulong {
    match (t.bit(), for_children) {
        (CLONE_NEWCGROUP, _) => PIDFD_GET_CGROUP_NAMESPACE,
        (CLONE_NEWIPC, _) => PIDFD_GET_IPC_NAMESPACE,
        (CLONE_NEWNS, _) => PIDFD_GET_MNT_NAMESPACE,
        (CLONE_NEWNET, _) => PIDFD_GET_NET_NAMESPACE,
        (CLONE_NEWPID, false) => PIDFD_GET_PID_NAMESPACE,
        (CLONE_NEWPID, true) => PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE,
        (CLONE_NEWTIME, false) => PIDFD_GET_TIME_NAMESPACE,
        (CLONE_NEWTIME, true) => PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE,
        (CLONE_NEWUSER, _) => PIDFD_GET_USER_NAMESPACE,
        (CLONE_NEWUTS, _) => PIDFD_GET_UTS_NAMESPACE,
        // NsType holds only the eight bits above.
        _ => 0,
    }
}

/// Opens a namespace file (/proc/PID/ns/X, a bind mount, /run/netns/NAME);
/// `ty` 0 accepts any type.
pub fn open_path(path: &CStr, ty: libc::c_int) -> Result<OwnedFd> {
    open_path_flags(path, ty, 0)
}

/// open_path with extra open flags (O_NOFOLLOW for names we look up).
fn open_path_flags(path: &CStr, ty: libc::c_int, extra: libc::c_int) -> Result<OwnedFd> {
    let want = parse_any_type(ty)?;
    let show = || path.to_string_lossy().into_owned();
    // O_NONBLOCK so a FIFO at that path cannot block us; cleared below.
    let fd = sys::open(
        path,
        libc::O_RDONLY | libc::O_NOCTTY | libc::O_NONBLOCK | extra,
    )
    .step(|| format!("open {}", show()))?;
    let raw = fd.as_raw_fd();
    if !is_namespace(raw)? {
        return Err(Error::invalid(show()).with_hint("not a namespace file"));
    }
    let got = type_unchecked(raw)?;
    if let Some(w) = want {
        if w != got {
            return Err(Error::invalid(show()).with_hint(format!(
                "a {} namespace, not {}",
                got.name(),
                w.name()
            )));
        }
    }
    let _ = sys::fs::clear_status_flags(raw);
    Ok(fd)
}

/// Checks a name as `ip netns` takes it.
pub(crate) fn check_netns_name(name: &[u8]) -> Result<&str> {
    let bad = |why: &'static str| {
        Err(
            Error::invalid(format!("netns name \"{}\"", String::from_utf8_lossy(name)))
                .with_hint(why),
        )
    };
    if name.is_empty() {
        return bad("empty");
    }
    if name == b"." || name == b".." {
        return bad("\".\" and \"..\" are not names");
    }
    if name.contains(&b'/') {
        return bad("a name has no '/'");
    }
    if name.len() > 255 {
        return bad("longer than 255 bytes");
    }
    std::str::from_utf8(name).or_else(|_| bad("not UTF-8"))
}

/// The network namespace `ip netns` knows as `name`: /run/netns/NAME, then
/// /var/run/netns/NAME.
pub fn open_name(name: &CStr) -> Result<OwnedFd> {
    let name = check_netns_name(name.to_bytes())?;
    let mut last = None;
    for dir in ["/run/netns/", "/var/run/netns/"] {
        let path = std::ffi::CString::new(format!("{dir}{name}"))
            .map_err(|_| Error::invalid("netns name"))?;
        // A name is a file in that directory, never a symlink to follow.
        match open_path_flags(&path, NS_NET, libc::O_NOFOLLOW) {
            Err(e) if e.errno() == libc::ENOENT => last = Some(e),
            r => return r,
        }
    }
    Err(last
        .unwrap_or_else(|| Error::new(libc::ENOENT, name.to_owned()))
        .with_hint("no network namespace of that name in /run/netns or /var/run/netns"))
}

/// The owning user namespace of a namespace.
pub fn get_userns(fd: RawFd) -> Result<OwnedFd> {
    ns_stat(fd)?;
    sys::ioctl_fd(fd, NS_GET_USERNS).map_err(|e| {
        let err = Error::io(e, format!("ioctl NS_GET_USERNS fd {fd}"));
        if err.errno() == libc::EPERM {
            err.with_hint("the owning user namespace is outside the caller's")
        } else {
            err
        }
    })
}

/// The parent of a pid or user namespace.
pub fn get_parent(fd: RawFd) -> Result<OwnedFd> {
    ns_stat(fd)?;
    sys::ioctl_fd(fd, NS_GET_PARENT).map_err(|e| {
        let err = Error::io(e, format!("ioctl NS_GET_PARENT fd {fd}"));
        match err.errno() {
            libc::EINVAL => err.with_hint("only pid and user namespaces have a parent"),
            libc::EPERM => err.with_hint("the parent is outside what the caller may see"),
            _ => err,
        }
    })
}

/// The uid (in the caller's user namespace) that created a user namespace.
pub fn owner_uid(fd: RawFd) -> Result<libc::uid_t> {
    ns_stat(fd)?;
    sys::ioctl_read::<libc::uid_t>(fd, NS_GET_OWNER_UID).map_err(|e| {
        let err = Error::io(e, format!("ioctl NS_GET_OWNER_UID fd {fd}"));
        if err.errno() == libc::EINVAL {
            err.with_hint("not a user namespace")
        } else {
            err
        }
    })
}

/// Do both fds name the same namespace?
pub fn same(a: RawFd, b: RawFd) -> Result<bool> {
    let sa = ns_stat(a)?;
    let sb = ns_stat(b)?;
    Ok(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
}

/// The kernel's 64-bit, never reused namespace id (NS_GET_ID, 6.18).
pub fn unique_id(fd: RawFd) -> Result<u64> {
    ns_stat(fd)?;
    let unsupported = || {
        Error::new(libc::EOPNOTSUPP, format!("ioctl NS_GET_ID fd {fd}"))
            .with_hint("the kernel predates NS_GET_ID (6.18)")
    };
    if features::NS_GET_ID.get() == Some(false) {
        return Err(unsupported());
    }
    match sys::ioctl_read::<u64>(fd, NS_GET_ID) {
        Ok(v) => {
            features::NS_GET_ID.set(true);
            Ok(v)
        }
        Err(e) if e.raw_os_error() == Some(libc::ENOTTY) => {
            features::NS_GET_ID.set(false);
            Err(unsupported())
        }
        Err(e) => Err(Error::io(e, format!("ioctl NS_GET_ID fd {fd}"))),
    }
}

/// The caller's own namespace of type t (its thread's).
pub(crate) fn own(t: NsType) -> Result<Fd> {
    Fd::track(|| open_proc_ns(0, t, false))
}

/// The calling thread's namespace of type t, or its *_for_children one.
pub(crate) fn open_proc_ns_of_thread(t: NsType, for_children: bool) -> Result<OwnedFd> {
    open_proc_ns(0, t, for_children)
}

/// Are fd's namespace and the calling thread's namespace of the same type
/// the same?
pub(crate) fn is_own(fd: BorrowedFd<'_>, t: NsType) -> Result<bool> {
    let mine = own(t)?;
    same(fd.as_raw_fd(), mine.as_fd().as_raw_fd())
}
