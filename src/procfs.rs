//! Paths under /proc, built on the stack so hot calls do not allocate.

use std::ffi::CStr;
use std::io::Write;
use std::os::fd::{AsFd, AsRawFd};

use crate::error::{Error, Result};
use crate::sys;

/// A NUL-terminated path of at most 63 bytes, built without allocating.
pub(crate) struct StackPath {
    buf: [u8; 64],
    len: usize,
}

impl StackPath {
    pub(crate) fn new() -> Self {
        StackPath {
            buf: [0; 64],
            len: 0,
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        let end = (self.len + s.len()).min(self.buf.len() - 1);
        let n = end - self.len;
        self.buf[self.len..end].copy_from_slice(&s.as_bytes()[..n]);
        self.len = end;
        self
    }

    pub(crate) fn push_num(&mut self, n: i64) -> &mut Self {
        let mut tmp = [0u8; 24];
        let mut w = &mut tmp[..];
        let _ = write!(w, "{n}");
        let used = 24 - w.len();
        // Digits and '-' are ASCII.
        self.push(std::str::from_utf8(&tmp[..used]).unwrap_or(""))
    }

    pub(crate) fn as_cstr(&self) -> &CStr {
        // The buffer always has a NUL after len (it is never filled past 63).
        CStr::from_bytes_until_nul(&self.buf[..=self.len]).unwrap_or(c"")
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// "/proc/PID/" or "/proc/thread-self/" (pid 0) or "/proc/self/" (pid 0,
/// process-wide files).
pub(crate) fn pid_dir(pid: libc::pid_t, thread: bool) -> StackPath {
    let mut p = StackPath::new();
    p.push("/proc/");
    if pid == 0 {
        p.push(if thread { "thread-self" } else { "self" });
    } else {
        p.push_num(pid.into());
    }
    p.push("/");
    p
}

/// Does /proc/PID exist? (For telling "no such process" from "no such file".)
pub(crate) fn pid_exists(pid: libc::pid_t) -> bool {
    if pid == 0 {
        return true;
    }
    let mut p = StackPath::new();
    p.push("/proc/").push_num(pid.into());
    sys::fs::access(p.as_cstr(), libc::F_OK).is_ok()
}

/// Number of threads of the calling process ("Threads:" of
/// /proc/self/status; 1 if it cannot be read).
pub(crate) fn thread_count() -> usize {
    let mut buf = vec![0u8; 4096];
    read_small(c"/proc/self/status", &mut buf)
        .ok()
        .and_then(|n| parse_status_threads(&String::from_utf8_lossy(&buf[..n])))
        .unwrap_or(1)
}

/// The "Threads:" field of a /proc/PID/status text.
pub fn parse_status_threads(text: &str) -> Option<usize> {
    text.lines()
        .find_map(|l| l.strip_prefix("Threads:"))?
        .trim()
        .parse()
        .ok()
}

/// Reads up to buf.len() bytes of a small /proc file through a tracked
/// descriptor.
pub(crate) fn read_small(path: &CStr, buf: &mut [u8]) -> std::io::Result<usize> {
    let fd = sys::open_internal(path, libc::O_RDONLY)?;
    let mut got = 0;
    while got < buf.len() {
        match sys::fs::read(fd.as_raw_fd(), &mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// The whole of a /proc file, through a tracked descriptor.
pub(crate) fn read_all(path: &CStr) -> std::io::Result<Vec<u8>> {
    let fd = sys::open_internal(path, libc::O_RDONLY)?;
    let mut out = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match sys::fs::read(fd.as_raw_fd(), &mut buf)? {
            0 => return Ok(out),
            n => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// Calls `f` with the id of every thread of the calling process
/// (/proc/self/task, read with getdents64).
pub(crate) fn for_each_task(f: impl FnMut(libc::pid_t)) -> Result<()> {
    for_each_number(c"/proc/self/task", f)
}

/// Calls `f` with every numeric entry of a /proc directory, read with
/// getdents64 into one heap buffer: nothing is allocated per entry.
pub(crate) fn for_each_number(dir: &CStr, mut f: impl FnMut(i32)) -> Result<()> {
    let what = || format!("open {}", dir.to_string_lossy());
    let fd = sys::open_internal(dir, libc::O_RDONLY | libc::O_DIRECTORY)
        .map_err(|e| explain_proc_error(Error::io(e, what())))?;
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let n = sys::fs::getdents64(fd.as_fd(), &mut buf)
            .map_err(|e| Error::io(e, format!("read {}", dir.to_string_lossy())))?;
        if n == 0 {
            return Ok(());
        }
        let n = n as usize;
        let mut off = 0usize;
        while off + 19 < n {
            // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name.
            let reclen = u16::from_ne_bytes([buf[off + 16], buf[off + 17]]) as usize;
            if reclen == 0 {
                break;
            }
            let name = buf.get(off + 19..(off + reclen).min(n)).unwrap_or(&[]);
            let name = name.split(|&c| c == 0).next().unwrap_or(&[]);
            if !name.is_empty() && name.iter().all(u8::is_ascii_digit) {
                if let Some(v) = std::str::from_utf8(name).ok().and_then(|s| s.parse().ok()) {
                    f(v);
                }
            }
            off += reclen;
        }
    }
}

/// The start time of process `pid` (field 22 of /proc/PID/stat, in clock
/// ticks since boot): with the pid, it names one process for good.
pub(crate) fn start_time(pid: libc::pid_t) -> Result<u64> {
    let mut path = pid_dir(pid, false);
    path.push("stat");
    let mut buf = [0u8; 1024];
    let n = read_small(path.as_cstr(), &mut buf).map_err(|e| {
        let err = Error::io(e, format!("read {}", path.as_str()));
        if err.errno() == libc::ENOENT && proc_mounted() {
            err.with_errno(libc::ESRCH)
        } else {
            explain_proc_error(err)
        }
    })?;
    parse_stat_start_time(&buf[..n])
        .ok_or_else(|| Error::new(libc::EIO, format!("parse {}", path.as_str())))
}

/// Field 22 (starttime) of a /proc/PID/stat text; the command name (field
/// 2, in parentheses) may contain spaces and parentheses, so fields are
/// counted after its last ')'.
pub fn parse_stat_start_time(text: &[u8]) -> Option<u64> {
    let close = text.iter().rposition(|&c| c == b')')?;
    let rest = std::str::from_utf8(text.get(close + 1..)?).ok()?;
    // After ')' come fields 3, 4, ...: starttime is the 20th of them.
    rest.split_ascii_whitespace().nth(19)?.parse().ok()
}

/// Is /proc a proc filesystem?
pub(crate) fn proc_mounted() -> bool {
    sys::fs::statfs_type(c"/proc").ok() == Some(sys::consts::PROC_SUPER_MAGIC)
}

/// ENOENT under /proc because /proc is not there: say so.
pub(crate) fn explain_proc_error(err: Error) -> Error {
    if err.errno() == libc::ENOENT && !proc_mounted() {
        err.with_hint("/proc is not mounted")
    } else {
        err
    }
}

/// Checks that /proc is mounted and shows this process's PID namespace, so
/// that a pid of ours names the same process there. As pid 1 of a new PID
/// namespace that still sees its parent's /proc, /proc/PID is somebody
/// else.
pub(crate) fn check_proc_is_ours() -> Result<()> {
    let mut buf = [0u8; 32];
    let n = sys::fs::readlink(c"/proc/self", &mut buf).map_err(|e| {
        let err = Error::io(e, "readlink /proc/self");
        if proc_mounted() {
            err
        } else {
            err.with_errno(libc::ENOENT)
                .with_hint("/proc is not mounted")
        }
    })?;
    let me = sys::process::getpid();
    let text = buf.get(..n).unwrap_or(&[]);
    let shown = std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse::<libc::pid_t>().ok());
    if shown != Some(me) {
        return Err(Error::new(libc::EOPNOTSUPP, "/proc").with_hint(format!(
            "the /proc mounted here belongs to another PID namespace (it shows this process as {}, not {me}); mount a /proc for this one",
            String::from_utf8_lossy(text)
        )));
    }
    Ok(())
}

/// The pid a pidfd refers to, from /proc/self/fdinfo: None if fd is not a
/// pidfd, Some(-1) if its process has exited (and been reaped). Errors
/// (no free descriptor, no /proc) are reported, never taken for "not a
/// pidfd".
pub(crate) fn pidfd_pid(fd: libc::c_int) -> Result<Option<libc::pid_t>> {
    let mut path = StackPath::new();
    path.push("/proc/self/fdinfo/").push_num(fd.into());
    let mut buf = [0u8; 1024];
    let n = read_small(path.as_cstr(), &mut buf)
        .map_err(|e| explain_proc_error(Error::io(e, format!("read {}", path.as_str()))))?;
    Ok(parse_fdinfo_pid(&String::from_utf8_lossy(&buf[..n])))
}

/// The "Pid:" field of a /proc/PID/fdinfo/FD text (pidfds only).
pub fn parse_fdinfo_pid(text: &str) -> Option<libc::pid_t> {
    text.lines()
        .find_map(|l| l.strip_prefix("Pid:"))?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_fdinfo_fields() {
        assert_eq!(
            parse_status_threads("Name:\tx\nThreads:\t3\nSigQ:\t0/1\n"),
            Some(3)
        );
        assert_eq!(parse_status_threads("Threads:\tmany\n"), None);
        assert_eq!(
            parse_fdinfo_pid("pos:\t0\nflags:\t02000002\nPid:\t-1\n"),
            Some(-1)
        );
        assert_eq!(parse_fdinfo_pid("pos:\t0\n"), None);
    }

    #[test]
    fn stat_start_time() {
        let line = b"42 (a) b) c) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 12345 999 1\n";
        assert_eq!(parse_stat_start_time(line), Some(12345));
        assert_eq!(parse_stat_start_time(b"42 (x) S 1"), None);
    }

    #[test]
    fn paths() {
        let mut p = pid_dir(4242, true);
        p.push("ns/").push("net");
        assert_eq!(p.as_str(), "/proc/4242/ns/net");
        assert_eq!(p.as_cstr().to_bytes(), b"/proc/4242/ns/net");
        let mut p = pid_dir(0, true);
        p.push("ns/time_for_children");
        assert_eq!(p.as_str(), "/proc/thread-self/ns/time_for_children");
        let mut long = StackPath::new();
        long.push(&"x".repeat(100));
        assert_eq!(long.as_str().len(), 63);
    }
}
