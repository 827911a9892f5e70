//! Pids across PID namespaces ([`pid_translate`]) and the state of any
//! process behind a pidfd, without waiting or reaping ([`pidfd_status`]).

use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use crate::api::Namespace;
use crate::error::{Error, Result};
use crate::procfs;
use crate::sys::{self, features};
use crate::types::NsType;
use crate::{handles, pidns_proc};

/// EBADF / EINVAL unless fd is a PID namespace; `what` names the argument.
fn check_pid_ns(fd: RawFd, what: &str) -> Result<()> {
    let t = handles::ns_type(fd).map_err(|e| e.with_step(format!("{what} (fd {fd})")))?;
    if t != NsType::Pid {
        return Err(Error::invalid(format!("{what} (fd {fd})"))
            .with_hint(format!("a {} namespace, not a PID namespace", t.name())));
    }
    Ok(())
}

/// The pid, as PID namespace `to` numbers it, of the process (or thread)
/// that PID namespace `from` numbers `pid`.
pub(crate) fn translate(pid: libc::pid_t, from: RawFd, to: RawFd) -> Result<libc::pid_t> {
    if pid <= 0 {
        return Err(Error::invalid(format!("pid {pid}")).with_hint("a pid is positive"));
    }
    check_pid_ns(from, "from")?;
    check_pid_ns(to, "to")?;
    if !features::pid_translate() {
        return pidns_proc::translate(pid, from, to);
    }
    // The kernel translates between the caller's PID namespace and one
    // other: through ours, then.
    let mine = match sys::pidinfo::pid_from_pidns(from, pid) {
        Ok(p) => p,
        // A filter that refuses the ioctl (or a kernel that lost it): the
        // /proc way, from now on.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::ENOTTY | libc::ENOSYS | libc::EPERM)
            ) =>
        {
            features::PID_TRANSLATE.set(false);
            return pidns_proc::translate(pid, from, to);
        }
        Err(e) => {
            let err = Error::io(e, format!("pid {pid} of from (fd {from})"));
            return Err(match err.errno() {
                libc::ESRCH => err.with_hint(
                    "no such process there, or it lives outside the caller's PID namespace, which the kernel translates through",
                ),
                _ => err,
            });
        }
    };
    sys::pidinfo::pid_in_pidns(to, mine).map_err(|e| {
        let err = Error::io(e, format!("pid {pid} of from in to (fd {to})"));
        match err.errno() {
            libc::ESRCH => err.with_hint(
                "the process is not visible there: to is not its PID namespace nor an ancestor of it",
            ),
            _ => err,
        }
    })
}

/// The wait status of the process behind `pidfd` once it has exited,
/// reaped or not; None while it runs. Never waits, never reaps.
pub(crate) fn status(pidfd: RawFd) -> Result<Option<libc::c_int>> {
    let not_pidfd = || Error::new(libc::EBADF, format!("fd {pidfd}")).with_hint("not a pidfd");
    if pidfd < 0 {
        return Err(Error::new(libc::EBADF, format!("pidfd {pidfd}")));
    }
    // Our child: waitid leaves it waitable (WNOWAIT).
    match sys::pidinfo::peek_child(pidfd) {
        Ok(r) => return Ok(r),
        // Not our child, or reaped already; EINVAL: no P_PIDFD (before
        // 5.4); ENOSYS, EPERM: a seccomp filter. The ways below still work.
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::ECHILD | libc::EINVAL | libc::ENOSYS | libc::EPERM)
            ) => {}
        Err(e) if e.raw_os_error() == Some(libc::EBADF) => return Err(not_pidfd()),
        Err(e) => return Err(Error::io(e, format!("waitid pidfd {pidfd}"))),
    }
    // A non-child zombie can be reaped (and its pid reused) at any time:
    // each round reads the pid, then checks it again.
    for _ in 0..3 {
        let pid = procfs::pidfd_pid(pidfd)?.ok_or_else(not_pidfd)?;
        if pid > 0 && !sys::pidfd_exited(pidfd) {
            return Ok(None);
        }
        if features::pidfd_get_info() && features::pidfd_info_exit() {
            if let Ok(Some(st)) = sys::pidinfo::pidfd_exit_code(pidfd) {
                return Ok(Some(st));
            }
        }
        match pid {
            0 => {
                return Err(Error::new(libc::ESRCH, format!("pidfd {pidfd}")).with_hint(
                    "its process is outside the PID namespace of /proc, which cannot show it",
                ))
            }
            -1 => {
                if features::pidfd_get_info() && features::pidfd_info_exit() {
                    // Reaped just after the ioctl above: ask again.
                    continue;
                }
                return Err(
                    Error::new(libc::EOPNOTSUPP, format!("pidfd {pidfd}")).with_hint(reaped_hint())
                );
            }
            p => {
                if let Some(st) = zombie_status(pidfd, p)? {
                    return Ok(Some(st));
                }
            }
        }
    }
    Err(Error::new(libc::EAGAIN, format!("pidfd {pidfd}"))
        .with_hint("its process kept changing state; try again"))
}

fn reaped_hint() -> &'static str {
    if sys::features::force_fallback() {
        "reaped; LINUXNS_FORCE_FALLBACK=1 plays a kernel before 6.15, which keeps no exit status for a reaped process"
    } else {
        "reaped; kernels before 6.15 keep no exit status for a reaped process (PIDFD_INFO_EXIT)"
    }
}

/// The status of a zombie that is not our child, from field 52
/// (exit_code) of /proc/PID/stat, which the kernel shows to whoever may
/// ptrace-read the process. None when it was reaped meanwhile (the caller
/// looks again).
fn zombie_status(pidfd: RawFd, pid: libc::pid_t) -> Result<Option<libc::c_int>> {
    let mut link = procfs::pid_dir(pid, false);
    link.push("ns/pid");
    let mut buf = [0u8; 64];
    if let Err(e) = sys::fs::readlink(link.as_cstr(), &mut buf) {
        return match e.raw_os_error() {
            Some(libc::ENOENT) => Ok(None),
            _ => Err(Error::io(e, format!("readlink {}", link.as_str())).with_hint(
                "not our child: its exit status is in /proc/PID/stat, shown only to whoever may ptrace it",
            )),
        };
    }
    let mut path = procfs::pid_dir(pid, false);
    path.push("stat");
    let mut text = [0u8; 1024];
    let n = match procfs::read_small(path.as_cstr(), &mut text) {
        Ok(n) => n,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(None),
        Err(e) => return Err(Error::io(e, format!("read {}", path.as_str()))),
    };
    let Some((state, code)) = parse_stat_exit(&text[..n]) else {
        return Err(Error::new(libc::EIO, format!("parse {}", path.as_str())));
    };
    // Still unreaped (the same pid behind the pidfd) after the read: the
    // file was this process's.
    if procfs::pidfd_pid(pidfd)? != Some(pid) || !matches!(state, b'Z' | b'X') {
        return Ok(None);
    }
    Ok(Some(code))
}

/// Field 3 (state) and field 52 (exit_code, a wait status) of a
/// /proc/PID/stat text, counted after the command name's last ')'.
pub fn parse_stat_exit(text: &[u8]) -> Option<(u8, libc::c_int)> {
    let close = text.iter().rposition(|&c| c == b')')?;
    let rest = std::str::from_utf8(text.get(close + 1..)?).ok()?;
    let mut fields = rest.split_ascii_whitespace();
    let state = *fields.next()?.as_bytes().first()?;
    let code = fields.nth(48)?.parse().ok()?;
    Some((state, code))
}

/// Translates a pid from one PID namespace to another: the pid that `to`
/// gives the process (or thread) that `from` numbers `pid`.
///
/// A process is visible in its own PID namespace and every ancestor of
/// it. The kernel (NS_GET_PID_FROM_PIDNS / NS_GET_PID_IN_PIDNS, 6.11)
/// translates through the caller's PID namespace, so the process must
/// also be visible there. Before 6.11 (or with `LINUXNS_FORCE_FALLBACK=1`)
/// the `NSpid` lines of `/proc/PID/status` are read instead; then `from`
/// and `to` must each be the caller's PID namespace, one below it, or the
/// top one of `/proc`, and the caller must be allowed to open the
/// `/proc/PID/ns/pid` of processes below its own namespace.
///
/// Errors: `ESRCH` when `from` has no such process, or `to` cannot see it;
/// `EINVAL` when `pid` is not positive or a namespace is not a PID
/// namespace.
///
/// ```
/// use linuxns::{pid_translate, Command, Namespace, NsSet, NsType};
/// # fn main() -> linuxns::Result<()> {
/// // A child that is pid 1 of a new PID namespace (in a user namespace
/// // of its own, so any user may do this).
/// let mut child = Command::new("sleep").arg("10")
///     .unshare(NsSet::USER | NsSet::PID).map_root().spawn()?;
/// let mine = Namespace::current(NsType::Pid)?;
/// let its = Namespace::open_pidfd(child.pidfd().unwrap(), NsType::Pid)?;
/// assert_eq!(pid_translate(child.id() as i32, &mine, &its)?, 1);
/// assert_eq!(pid_translate(1, &its, &mine)?, child.id() as i32);
/// child.kill()?;
/// child.wait()?;
/// # Ok(())
/// # }
/// ```
pub fn pid_translate(pid: i32, from: &Namespace, to: &Namespace) -> Result<i32> {
    translate(pid, from.as_raw_fd(), to.as_raw_fd())
}

/// The exit status of the process behind a pidfd, without waiting and
/// without reaping it: `None` while it runs.
///
/// Works for any pidfd, not only for children: for an exited child that
/// nobody reaped yet, `waitid(P_PIDFD, WNOWAIT)` (the child stays a zombie,
/// still waitable); for a process that was reaped (by anyone), the status
/// the kernel keeps for its pidfd (`PIDFD_GET_INFO`, 6.15); for an exited
/// process that is not our child and not yet reaped, `/proc/PID/stat`.
/// The status keeps its core-dump bit.
///
/// Errors: `EOPNOTSUPP` for a reaped process before 6.15 (and with
/// `LINUXNS_FORCE_FALLBACK=1`); `EBADF` when the descriptor is not a
/// pidfd; `EACCES` for an exited process that is not our child when the
/// caller may not ptrace it.
///
/// ```
/// use std::os::unix::process::ExitStatusExt;
/// use linuxns::{pidfd_status, Command};
/// # fn main() -> linuxns::Result<()> {
/// let mut child = Command::new("sh").args(["-c", "exit 3"]).spawn()?;
/// while pidfd_status(child.pidfd().unwrap())?.is_none() {
///     std::thread::sleep(std::time::Duration::from_millis(5));
/// }
/// let status = pidfd_status(child.pidfd().unwrap())?.unwrap();
/// assert_eq!(status.code(), Some(3));
/// assert_eq!(child.wait()?.code(), Some(3)); // still there to be reaped
/// # Ok(())
/// # }
/// ```
pub fn pidfd_status(pidfd: BorrowedFd<'_>) -> Result<Option<ExitStatus>> {
    Ok(status(pidfd.as_raw_fd())?.map(ExitStatus::from_raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_exit_code() {
        let mut line = b"42 (a) b) Z 1 42 42 0 -1 4194560".to_vec();
        for i in 10..=51 {
            line.extend_from_slice(format!(" {i}").as_bytes());
        }
        line.extend_from_slice(b" 768\n");
        assert_eq!(parse_stat_exit(&line), Some((b'Z', 768)));
        assert_eq!(parse_stat_exit(b"42 (x) S 1"), None);
    }
}
