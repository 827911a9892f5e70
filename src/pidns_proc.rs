//! Pid translation without the 6.11 ioctls: the `NSpid:` line of
//! /proc/PID/status lists a process's pid in every PID namespace from the
//! one /proc belongs to (its "top", level 0) down to the process's own.
//! A namespace's level is found by walking NS_GET_PARENT (4.9) up to the
//! caller's own PID namespace, whose level is the length of the caller's
//! NSpid less one; and a process is in a namespace's subtree when the
//! same walk from the process's own PID namespace meets it at that level.
//!
//! Limits, documented in ns_pid_translate: `from` and `to` must each be
//! the caller's PID namespace, one below it, or the top of /proc (other
//! ancestors and other branches cannot be placed: EOPNOTSUPP); a process
//! below the top whose /proc/PID/ns/pid the caller may not open (another
//! user's, without CAP_SYS_PTRACE) cannot be placed either (EACCES when
//! nothing else matched); a thread id translates only from the top.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use crate::error::{Error, Result};
use crate::handles;
use crate::procfs;
use crate::sys;
use crate::types::{NsType, NS_PID};

/// More levels than the kernel allows (MAX_PID_NS_LEVEL is 32).
const MAX_LEVELS: usize = 40;

/// The `NSpid:` field of a /proc/PID/status text.
pub fn parse_status_nspid(text: &str) -> Option<Vec<libc::pid_t>> {
    let line = text.lines().find_map(|l| l.strip_prefix("NSpid:"))?;
    let v: Option<Vec<libc::pid_t>> = line
        .split_ascii_whitespace()
        .map(|p| p.parse().ok())
        .collect();
    v.filter(|v| !v.is_empty())
}

/// NSpid of /proc/PID/status (pid 0: the calling thread).
fn nspid(pid: libc::pid_t) -> Result<Vec<libc::pid_t>> {
    let mut path = procfs::pid_dir(pid, true);
    path.push("status");
    let text = procfs::read_all(path.as_cstr())
        .map_err(|e| procfs::explain_proc_error(Error::io(e, format!("read {}", path.as_str()))))?;
    parse_status_nspid(&String::from_utf8_lossy(&text)).ok_or_else(|| {
        Error::new(libc::EOPNOTSUPP, format!("read {}", path.as_str()))
            .with_hint("no NSpid line (kernel before 4.1)")
    })
}

/// The caller's place: its own PID namespace and that one's level.
struct View {
    own: sys::Fd,
    level: usize,
}

fn view() -> Result<View> {
    let own = handles::own(NsType::Pid)?;
    let level = match nspid(0) {
        Ok(v) => v.len() - 1,
        Err(e) if e.errno() == libc::ENOENT => {
            return Err(e.with_errno(libc::EOPNOTSUPP).with_hint(
                "the /proc mounted here does not show the calling thread: it belongs to another PID namespace",
            ))
        }
        Err(e) => return Err(e),
    };
    Ok(View { own, level })
}

/// Walks `steps` parents up from `ns`; None when the walk leaves what the
/// caller may see (EPERM).
fn ancestor(ns: RawFd, steps: usize) -> Result<Option<Option<OwnedFd>>> {
    let mut cur: Option<OwnedFd> = None;
    for _ in 0..steps {
        let fd = cur.as_ref().map_or(ns, |c| c.as_raw_fd());
        match handles::get_parent(fd) {
            Ok(p) => cur = Some(p),
            Err(e) if e.errno() == libc::EPERM => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(Some(cur))
}

/// The level of PID namespace `ns` (0: the top of /proc).
fn level_of(ns: RawFd, what: &str, v: &View) -> Result<usize> {
    let mut cur: Option<OwnedFd> = None;
    for steps in 0..MAX_LEVELS {
        let fd = cur.as_ref().map_or(ns, |c| c.as_raw_fd());
        if handles::same(fd, v.own.as_raw_fd())? {
            return Ok(v.level + steps);
        }
        match handles::get_parent(fd) {
            Ok(p) => cur = Some(p),
            Err(e) if e.errno() == libc::EPERM => break,
            Err(e) => return Err(e),
        }
    }
    if is_proc_top(ns)? {
        return Ok(0);
    }
    Err(Error::new(libc::EOPNOTSUPP, format!("{what} (fd {ns})")).with_hint(
        "without the kernel's translation (6.11) only the caller's PID namespace, those below it and the top one of /proc can be placed",
    ))
}

/// Is `ns` the PID namespace of /proc's top level? Any process there
/// (a one-entry NSpid) whose namespace the caller may look at tells.
fn is_proc_top(ns: RawFd) -> Result<bool> {
    let want = sys::fstat(ns).map_err(|e| Error::io(e, format!("fstat fd {ns}")))?;
    let mut answer = None;
    procfs::for_each_number(c"/proc", |p| {
        if answer.is_some() || nspid(p).ok().map(|v| v.len()) != Some(1) {
            return;
        }
        let mut link = procfs::pid_dir(p, false);
        link.push("ns/pid");
        if let Ok(st) = sys::fs::stat(link.as_cstr()) {
            answer = Some(st.st_dev == want.st_dev && st.st_ino == want.st_ino);
        }
    })?;
    Ok(answer.unwrap_or(false))
}

/// Is process `p` (with `depth` NSpid entries) in the subtree of `ns`,
/// the namespace at `level`? Err(EACCES) when its namespace is closed to
/// the caller.
fn in_subtree(p: libc::pid_t, depth: usize, ns: RawFd, level: usize) -> Result<bool> {
    if level == 0 {
        return Ok(true);
    }
    if depth <= level {
        return Ok(false);
    }
    let own = handles::open_pid(p, NS_PID)?;
    match ancestor(own.as_raw_fd(), depth - 1 - level)? {
        None => Ok(false),
        Some(up) => {
            let fd = up.as_ref().map_or(own.as_raw_fd(), |u| u.as_raw_fd());
            handles::same(fd, ns)
        }
    }
}

/// The process `from` (at `level`) numbers `pid`: its /proc pid and NSpid.
fn find(pid: libc::pid_t, from: RawFd, level: usize) -> Result<(libc::pid_t, Vec<libc::pid_t>)> {
    let none = || {
        Error::new(libc::ESRCH, format!("pid {pid} of from (fd {from})"))
            .with_hint("no process of the caller's /proc has that pid there")
    };
    if level == 0 {
        // /proc numbers processes (and threads) as the top does.
        return match nspid(pid) {
            Ok(v) => Ok((pid, v)),
            Err(e) if e.errno() == libc::ENOENT => Err(none()),
            Err(e) => Err(e),
        };
    }
    let mut found = None;
    let mut hidden: Option<Error> = None;
    procfs::for_each_number(c"/proc", |p| {
        if found.is_some() {
            return;
        }
        let Ok(v) = nspid(p) else { return };
        if v.len() <= level || v[level] != pid {
            return;
        }
        match in_subtree(p, v.len(), from, level) {
            Ok(true) => found = Some((p, v)),
            Ok(false) => {}
            Err(e) if matches!(e.errno(), libc::EACCES | libc::EPERM) => hidden = Some(e),
            Err(_) => {}
        }
    })?;
    match (found, hidden) {
        (Some(f), _) => Ok(f),
        (None, Some(e)) => Err(e.with_hint(
            "a process with that pid could not be placed: its PID namespace is closed to the caller",
        )),
        (None, None) => Err(none()),
    }
}

/// ns_pid_translate through /proc (kernels before 6.11).
pub(crate) fn translate(pid: libc::pid_t, from: RawFd, to: RawFd) -> Result<libc::pid_t> {
    let v = view()?;
    let lf = level_of(from, "from", &v)?;
    let lt = level_of(to, "to", &v)?;
    let (p, ids) = find(pid, from, lf)?;
    if lt < ids.len() && in_subtree(p, ids.len(), to, lt)? {
        return Ok(ids[lt]);
    }
    Err(
        Error::new(libc::ESRCH, format!("pid {pid} of from in to (fd {to})")).with_hint(
            "the process is not visible there: to is not its PID namespace nor an ancestor of it",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nspid_lines() {
        let text = "Name:\tsh\nNSpid:\t4242\t17\t1\nNSsid:\t1\n";
        assert_eq!(parse_status_nspid(text), Some(vec![4242, 17, 1]));
        assert_eq!(parse_status_nspid("NSpid:\t7\n"), Some(vec![7]));
        assert_eq!(parse_status_nspid("Name:\tx\n"), None);
        assert_eq!(parse_status_nspid("NSpid:\tx\n"), None);
    }
}
