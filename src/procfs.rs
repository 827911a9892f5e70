//! Paths under /proc, built on the stack so hot calls do not allocate.

use std::ffi::CStr;
use std::io::Write;

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
    // SAFETY: NUL-terminated path.
    unsafe { libc::access(p.as_cstr().as_ptr(), libc::F_OK) == 0 }
}

/// Number of threads of the calling process ("Threads:" of
/// /proc/self/status; 1 if it cannot be read).
pub(crate) fn thread_count() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| parse_status_threads(&t))
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

/// The pid a pidfd refers to, from /proc/self/fdinfo: None if fd is not a
/// pidfd, Some(-1) if its process has exited (and been reaped).
pub(crate) fn pidfd_pid(fd: libc::c_int) -> Option<libc::pid_t> {
    parse_fdinfo_pid(&std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).ok()?)
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
