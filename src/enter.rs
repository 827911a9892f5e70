//! Changing the calling thread's namespaces: unshare and setns.

use std::os::fd::{AsFd, AsRawFd, RawFd};

use crate::error::{Context, Error, Result};
use crate::handles::{self, explain_exited, is_namespace, is_own, ns_stat, pidfd_target};
use crate::procfs::{pidfd_pid, thread_count};
use crate::sys::{self, consts::*, features, Fd};
use crate::types::{check_mask, mask_text, NsType, NS_MNT, NS_USER};

/// unshare(2) for the calling thread: NS_* types plus CLONE_FILES, CLONE_FS
/// and CLONE_SYSVSEM.
pub fn unshare(flags: libc::c_int) -> Result<()> {
    let allowed = crate::types::NS_ALL | CLONE_FILES | CLONE_FS | CLONE_SYSVSEM;
    if flags & !allowed != 0 {
        return Err(
            Error::invalid(format!("unshare flags {flags:#x}")).with_hint(format!(
                "bits {:#x} are neither NS_* types nor CLONE_FILES, CLONE_FS, CLONE_SYSVSEM",
                flags & !allowed
            )),
        );
    }
    if flags == 0 {
        return Ok(());
    }
    sys::unshare(flags).map_err(|e| {
        let err = Error::io(e, format!("unshare({})", mask_text(flags)));
        explain_thread_refusal(err, flags)
    })
}

/// The kernel answers EINVAL when a multithreaded process asks for a user
/// namespace, or a thread sharing its fs context for a mount namespace.
fn explain_thread_refusal(err: Error, types: libc::c_int) -> Error {
    if err.errno() != libc::EINVAL {
        return err;
    }
    let threads = thread_count();
    if threads <= 1 {
        return err;
    }
    if types & NS_USER != 0 {
        err.with_hint(format!(
            "the kernel refuses to move a multithreaded process into a user namespace; this process has {threads} threads"
        ))
    } else if types & NS_MNT != 0 {
        err.with_hint(format!(
            "a thread that shares its filesystem context with other threads ({threads} here) cannot join a mount namespace; unshare CLONE_FS in this thread first, or enter from a fresh thread (run_in)"
        ))
    } else {
        err
    }
}

/// Does the calling thread share its filesystem context (root, cwd) with
/// another thread? kcmp(KCMP_FS) against each. A process with one thread
/// shares nothing; when the other threads cannot be listed (no free
/// descriptor, no /proc) that is the error.
fn fs_shared_with_other_threads() -> Result<bool> {
    let me = sys::gettid();
    let mut shared = false;
    let mut first_error = None;
    crate::procfs::for_each_task(|tid| {
        if tid == me || shared {
            return;
        }
        match sys::process::kcmp_fs(me, tid) {
            Ok(0) => shared = true,
            Ok(_) => {}
            Err(e) => {
                if e.raw_os_error() != Some(libc::ESRCH) {
                    // kcmp not allowed or missing: assume shared.
                    first_error.get_or_insert(e);
                    shared = true;
                }
            }
        }
    })?;
    Ok(shared)
}

enum FdKind {
    Namespace(NsType),
    Pidfd,
}

fn classify(fd: RawFd) -> Result<FdKind> {
    if is_namespace(fd)? {
        return Ok(FdKind::Namespace(handles::ns_type(fd)?));
    }
    if pidfd_pid(fd)?.is_some() {
        return Ok(FdKind::Pidfd);
    }
    Err(Error::invalid(format!("setns fd {fd}")).with_hint("neither a namespace nor a pidfd"))
}

/// setns(2) for the calling thread. `fd` a namespace: `types` 0 or its type.
/// `fd` a pidfd: `types` a non-empty mask, entered at once (5.8+) or one by
/// one, user namespace first.
pub fn setns(fd: RawFd, types: libc::c_int) -> Result<()> {
    if fd < 0 {
        return Err(Error::new(libc::EBADF, format!("setns fd {fd}")));
    }
    check_mask(types, "setns types")?;
    if types & NS_MNT != 0 && fs_shared_with_other_threads()? {
        // The kernel refuses a mount namespace to such a thread, except
        // through a pidfd with other types in the mask: then it moves the
        // root and cwd of every thread sharing the context. Refuse it in
        // every case, before anything changes.
        return Err(Error::invalid(format!("setns(fd {fd}, {})", mask_text(types))).with_hint(
            "the calling thread shares its filesystem context with other threads, and a mount namespace would move them all; unshare CLONE_FS in this thread first, or enter from a fresh thread (run_in)",
        ));
    }
    if features::pidfd_setns() {
        // Fast path: the kernel checks fd and types itself; we only look
        // closer when it refuses.
        match sys::setns(fd, types) {
            Ok(()) => return Ok(()),
            Err(e) if e.raw_os_error() != Some(libc::EINVAL) => {
                return Err(explain_exited(Error::io(
                    e,
                    format!("setns(fd {fd}, {})", mask_text(types)),
                )));
            }
            Err(_) => {}
        }
    }
    match classify(fd)? {
        FdKind::Namespace(t) => setns_namespace(fd, t, types),
        FdKind::Pidfd => setns_pidfd(fd, types),
    }
}

fn setns_namespace(fd: RawFd, t: NsType, types: libc::c_int) -> Result<()> {
    if types != 0 && types != t.bit() {
        return Err(
            Error::invalid(format!("setns(fd {fd}, {})", mask_text(types)))
                .with_hint(format!("fd is a {} namespace", t.name())),
        );
    }
    // SAFETY: fd stays open for this call; the borrow does not outlive it.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    if t.bit() == NS_USER && is_own(borrowed, t)? {
        // Already there: the kernel would say EINVAL; the contract says no-op.
        return Ok(());
    }
    sys::setns(fd, t.bit()).map_err(|e| {
        explain_thread_refusal(
            Error::io(e, format!("setns(fd {fd}, {})", t.name())),
            t.bit(),
        )
    })
}

fn setns_pidfd(fd: RawFd, types: libc::c_int) -> Result<()> {
    if types == 0 {
        return Err(Error::invalid(format!("setns(pidfd {fd}, 0)"))
            .with_hint("a pidfd needs a non-empty set of namespace types"));
    }
    let pid = pidfd_target(fd)?;
    let mut types = types;
    if types & NS_USER != 0 {
        let target = Fd::track(|| handles::open_pidfd(fd, NS_USER)).map_err(|e| {
            if e.errno() == libc::EACCES {
                e.with_errno(libc::EPERM)
            } else {
                e
            }
        })?;
        if is_own(target.as_fd(), crate::types::USER)? {
            types &= !NS_USER;
        }
        if types == 0 {
            return Ok(());
        }
    }
    if features::pidfd_setns() {
        return sys::setns(fd, types).map_err(|e| {
            explain_thread_refusal(
                explain_exited(Error::io(
                    e,
                    format!("setns(pidfd {fd}, {})", mask_text(types)),
                )),
                types,
            )
        });
    }
    setns_one_by_one(pid, types, || {
        sys::pidfd_check_alive(fd)
            .step(|| format!("pidfd {fd} (pid {pid})"))
            .map_err(explain_exited)
    })
}

/// Kernels before 5.8: open every target namespace first (so a failure
/// there changes nothing), check the pidfd still names the same process,
/// then join them user namespace first. If a join fails part-way, the
/// namespaces already joined are left again where the kernel allows
/// (not the user namespace).
fn setns_one_by_one(
    pid: libc::pid_t,
    types: libc::c_int,
    still_same: impl Fn() -> Result<()>,
) -> Result<()> {
    let mut targets: Vec<(NsType, Fd, Option<Fd>)> = Vec::new();
    // As nsenter: an unprivileged caller needs the user namespace first to
    // gain rights over the others; a privileged one keeps its rights by
    // entering it last.
    let privileged = sys::process::geteuid() == 0;
    let mut order: Vec<NsType> = NsType::in_mask(types).collect();
    if privileged {
        order.rotate_left(usize::from(types & NS_USER != 0));
    }
    for t in order {
        // The kernel's setns says EPERM where /proc's access check says
        // EACCES; answer as the one-step path would.
        let fd = Fd::track(|| handles::open_pid(pid, t.bit())).map_err(|e| {
            if e.errno() == libc::EACCES {
                e.with_errno(libc::EPERM)
            } else {
                e
            }
        })?;
        let back = if t.bit() == NS_USER {
            None
        } else {
            Some(handles::own(t)?)
        };
        targets.push((t, fd, back));
    }
    still_same()?;
    for i in 0..targets.len() {
        let (t, fd, _) = &targets[i];
        ns_stat(fd.as_raw_fd())?;
        if let Err(e) = sys::setns(fd.as_raw_fd(), t.bit()) {
            let err = explain_thread_refusal(
                Error::io(
                    e,
                    format!("setns(/proc/{pid}/ns/{}, {})", t.name(), t.name()),
                ),
                t.bit(),
            );
            for (bt, _, back) in targets[..i].iter().rev() {
                if let Some(b) = back {
                    let _ = sys::setns(b.as_raw_fd(), bt.bit());
                }
            }
            return Err(err);
        }
    }
    Ok(())
}

/// Moves the calling thread into namespaces `types` of process `pid` (0:
/// every namespace in which pid differs from the caller), skipping those
/// the caller is already in; one atomic setns where the kernel allows.
pub fn enter_pid(pid: libc::pid_t, types: libc::c_int) -> Result<()> {
    if pid <= 0 {
        return Err(Error::invalid(format!("pid {pid}")).with_hint("a process id is positive"));
    }
    check_mask(types, "types")?;
    let pidfd = match sys::pidfd_open_internal(pid) {
        Ok(fd) => fd,
        // pidfd_open filtered (a seccomp profile) or missing: /proc.
        Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => return enter_pid_by_proc(pid, types),
        Err(e) => {
            return Err(Error::io(e, format!("pidfd_open({pid})")));
        }
    };
    // Errors name the pid, not our own pidfd's number.
    let by_pid = |e: Error, what: String| e.with_step(what);
    let differ = differing_types(types, |t| {
        Fd::track(|| handles::open_pidfd(pidfd.as_raw_fd(), t.bit()))
            .map_err(|e| by_pid(e, format!("namespace {} of pid {pid}", t.name())))
    })?;
    if differ == 0 {
        return Ok(());
    }
    setns(pidfd.as_raw_fd(), differ)
        .map_err(|e| by_pid(e, format!("setns(pid {pid}, {})", mask_text(differ))))
}

/// The types of `types` (0: all) in which the process whose namespaces
/// `open` opens differs from the calling thread.
fn differing_types(types: libc::c_int, open: impl Fn(NsType) -> Result<Fd>) -> Result<libc::c_int> {
    let wanted = if types == 0 {
        crate::types::NS_ALL
    } else {
        types
    };
    let mut differ = 0;
    for t in NsType::in_mask(wanted) {
        let theirs = match open(t) {
            Ok(fd) => fd,
            // Not allowed to look: not allowed to enter either, as the
            // kernel's setns would say.
            Err(e) if e.errno() == libc::EACCES => return Err(e.with_errno(libc::EPERM)),
            // A type this kernel lacks can only be skipped when not asked for.
            Err(e) if e.errno() == libc::EOPNOTSUPP && types == 0 => continue,
            Err(e) => return Err(e),
        };
        if !is_own(theirs.as_fd(), t)? {
            differ |= t.bit();
        }
    }
    Ok(differ)
}

/// ns_enter_pid without pidfds: the namespaces are opened through /proc
/// (which must be this PID namespace's), then the process is checked to be
/// the same one (its start time unchanged) before any is joined.
fn enter_pid_by_proc(pid: libc::pid_t, types: libc::c_int) -> Result<()> {
    crate::procfs::check_proc_is_ours()?;
    let started = crate::procfs::start_time(pid)?;
    let differ = differing_types(types, |t| Fd::track(|| handles::open_pid(pid, t.bit())))?;
    if differ == 0 {
        return Ok(());
    }
    if differ & NS_MNT != 0 && fs_shared_with_other_threads()? {
        return Err(Error::invalid(format!("enter pid {pid} ({})", mask_text(differ))).with_hint(
            "the calling thread shares its filesystem context with other threads, and a mount namespace would move them all; unshare CLONE_FS in this thread first, or enter from a fresh thread (run_in)",
        ));
    }
    setns_one_by_one(pid, differ, || {
        if crate::procfs::start_time(pid).ok() == Some(started) {
            Ok(())
        } else {
            Err(Error::new(libc::ESRCH, format!("pid {pid}"))
                .with_hint("the process has exited (or its pid was reused)"))
        }
    })
}

/// Runs `f` on a fresh thread that has joined `fd` (as ns_setns takes it)
/// and returns f's result; the calling thread never moves. User namespaces
/// cannot be joined by one thread of a process: EINVAL. The thread blocks
/// every signal (no handler runs in the joined namespaces).
pub fn run_in<T: Send>(fd: RawFd, types: libc::c_int, f: impl FnOnce() -> T + Send) -> Result<T> {
    if fd < 0 {
        return Err(Error::new(libc::EBADF, format!("fd {fd}")));
    }
    check_mask(types, "types")?;
    let joins = match classify(fd)? {
        FdKind::Namespace(t) => {
            if types != 0 && types != t.bit() {
                return Err(
                    Error::invalid(format!("fd {fd}, types {}", mask_text(types)))
                        .with_hint(format!("fd is a {} namespace", t.name())),
                );
            }
            t.bit()
        }
        FdKind::Pidfd => {
            if types == 0 {
                return Err(Error::invalid(format!("pidfd {fd}, types 0"))
                    .with_hint("a pidfd needs a non-empty set of namespace types"));
            }
            types
        }
    };
    if joins & NS_USER != 0 {
        return Err(Error::invalid(format!("fd {fd}, types {}", mask_text(joins)))
            .with_hint("one thread cannot join a user namespace (the kernel allows it only to single-threaded processes); start a process in it instead (a spawn that joins it)"));
    }
    crate::create::on_fresh_thread(move || {
        if joins & NS_MNT != 0 {
            // A thread shares its filesystem context with its process
            // until it unshares it; the kernel requires that for mnt.
            sys::unshare(CLONE_FS).step(|| "unshare(CLONE_FS)".into())?;
        }
        setns(fd, types)?;
        Ok(f())
    })
}
