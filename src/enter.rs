//! Changing the calling thread's namespaces: unshare and setns.

use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

use crate::error::{Context, Error, Result};
use crate::handles::{self, is_namespace, is_own, ns_stat, pidfd_target};
use crate::procfs::{pidfd_pid, thread_count};
use crate::sys::{self, consts::*, features};
use crate::types::{check_mask, mask_text, NsType, NS_MNT, NS_USER};

/// unshare(2) for the calling thread: NS_* types plus CLONE_FILES, CLONE_FS
/// and CLONE_SYSVSEM.
pub fn unshare(flags: libc::c_int) -> Result<()> {
    let allowed = crate::types::NS_ALL | CLONE_FILES | CLONE_FS | CLONE_SYSVSEM;
    if flags & !allowed != 0 {
        return Err(
            Error::invalid(format!("unshare flags {flags:#x}")).hint(format!(
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
        err.hint(format!(
            "the kernel refuses to move a multithreaded process into a user namespace; this process has {threads} threads"
        ))
    } else if types & NS_MNT != 0 {
        err.hint(format!(
            "a thread that shares its filesystem context with other threads ({threads} here) cannot join a mount namespace; ns_unshare(CLONE_FS) first, or use ns_run_in"
        ))
    } else {
        err
    }
}

enum FdKind {
    Namespace(NsType),
    Pidfd,
}

fn classify(fd: RawFd) -> Result<FdKind> {
    if is_namespace(fd)? {
        return Ok(FdKind::Namespace(handles::ns_type(fd)?));
    }
    if pidfd_pid(fd).is_some() {
        return Ok(FdKind::Pidfd);
    }
    Err(Error::invalid(format!("setns fd {fd}")).hint("neither a namespace nor a pidfd"))
}

/// setns(2) for the calling thread. `fd` a namespace: `types` 0 or its type.
/// `fd` a pidfd: `types` a non-empty mask, entered at once (5.8+) or one by
/// one, user namespace first.
pub fn setns(fd: RawFd, types: libc::c_int) -> Result<()> {
    if fd < 0 {
        return Err(Error::new(libc::EBADF, format!("setns fd {fd}")));
    }
    check_mask(types, "setns types")?;
    if features::pidfd_setns() {
        // Fast path: the kernel checks fd and types itself; we only look
        // closer when it refuses.
        match sys::setns(fd, types) {
            Ok(()) => return Ok(()),
            Err(e) if e.raw_os_error() != Some(libc::EINVAL) => {
                return Err(explain_esrch(Error::io(
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

fn explain_esrch(e: Error) -> Error {
    if e.errno() == libc::ESRCH {
        e.hint("the process has exited")
    } else {
        e
    }
}

fn setns_namespace(fd: RawFd, t: NsType, types: libc::c_int) -> Result<()> {
    if types != 0 && types != t.bit() {
        return Err(
            Error::invalid(format!("setns(fd {fd}, {})", mask_text(types)))
                .hint(format!("fd is a {} namespace", t.name())),
        );
    }
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
            .hint("a pidfd needs a non-empty NS_* mask"));
    }
    let pid = pidfd_target(fd)?;
    let mut types = types;
    if types & NS_USER != 0 {
        let target = handles::open_pidfd(fd, NS_USER)?;
        if is_own(
            target.as_fd(),
            NsType::from_bit(NS_USER).unwrap_or_else(|| unreachable!()),
        )? {
            types &= !NS_USER;
        }
        if types == 0 {
            return Ok(());
        }
    }
    if features::pidfd_setns() {
        return sys::setns(fd, types).map_err(|e| {
            explain_thread_refusal(
                explain_esrch(Error::io(
                    e,
                    format!("setns(pidfd {fd}, {})", mask_text(types)),
                )),
                types,
            )
        });
    }
    setns_one_by_one(fd, pid, types)
}

/// Kernels before 5.8: open every target namespace first (so a failure
/// there changes nothing), check the pidfd still names the same process,
/// then join them user namespace first. If a join fails part-way, the
/// namespaces already joined are left again where the kernel allows
/// (not the user namespace).
fn setns_one_by_one(pidfd: RawFd, pid: libc::pid_t, types: libc::c_int) -> Result<()> {
    let mut targets: Vec<(NsType, OwnedFd, Option<OwnedFd>)> = Vec::new();
    for t in NsType::in_mask(types) {
        // The kernel's setns says EPERM where /proc's access check says
        // EACCES; answer as the one-step path would.
        let fd = handles::open_pid(pid, t.bit()).map_err(|e| {
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
    sys::pidfd_check_alive(pidfd)
        .step(|| format!("pidfd {pidfd} (pid {pid})"))
        .map_err(explain_esrch)?;
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
