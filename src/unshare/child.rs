//! [`Child`]: a started program, as the `unshare` crate hands it out, on
//! the library's own [`crate::Child`] (waited for through its pidfd).

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

use super::stdio::PipeHolder;
use super::{ExitStatus, PipeReader, PipeWriter, Signal};
use crate::sys;

/// A started child: its pid, its pipes, waiting and signalling.
///
/// As with `std`, dropping it neither waits nor kills: call
/// [`wait`](Child::wait) (after [`kill`](Child::kill) if need be).
///
/// ```
/// use linuxns::unshare::{Command, ExitStatus, Signal};
/// let mut child = Command::new("/bin/sleep").arg("60").spawn().unwrap();
/// assert!(child.pid() > 0);
/// child.kill().unwrap();
/// assert_eq!(child.wait().unwrap(), ExitStatus::Signaled(Signal::SIGKILL, false));
/// ```
#[derive(Debug)]
pub struct Child {
    pub(crate) inner: crate::Child,
    pub(crate) pid: libc::pid_t,
    pub(crate) status: Option<ExitStatus>,
    pub(crate) fds: HashMap<RawFd, PipeHolder>,
    /// The caller's end of its standard input, when it is
    /// [`Stdio::piped`](super::Stdio::piped).
    pub stdin: Option<PipeWriter>,
    /// The caller's end of its standard output, when it is
    /// [`Stdio::piped`](super::Stdio::piped).
    pub stdout: Option<PipeReader>,
    /// The caller's end of its standard error, when it is
    /// [`Stdio::piped`](super::Stdio::piped).
    pub stderr: Option<PipeReader>,
}

impl Child {
    /// Its pid, as `std`'s `Child::id`.
    ///
    /// ```
    /// let mut c = linuxns::unshare::Command::new("/bin/true").spawn().unwrap();
    /// assert_eq!(c.id(), c.pid() as u32);
    /// c.wait().unwrap();
    /// ```
    pub fn id(&self) -> u32 {
        self.pid as u32
    }

    /// Its pid (in the caller's PID namespace).
    ///
    /// ```
    /// let mut c = linuxns::unshare::Command::new("/bin/true").spawn().unwrap();
    /// assert!(c.pid() > 0);
    /// c.wait().unwrap();
    /// ```
    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// Waits for it to end and reaps it; again, the same status. An error
    /// when it was killed by a real-time signal (no [`Signal`] names it),
    /// or when someone else reaped it.
    ///
    /// ```
    /// use linuxns::unshare::{Command, ExitStatus};
    /// let mut c = Command::new("/bin/false").spawn().unwrap();
    /// assert_eq!(c.wait().unwrap(), ExitStatus::Exited(1));
    /// assert_eq!(c.wait().unwrap(), ExitStatus::Exited(1));
    /// ```
    pub fn wait(&mut self) -> Result<ExitStatus, io::Error> {
        if let Some(st) = self.status {
            return Ok(st);
        }
        let st = self
            .inner
            .wait()
            .map_err(|e| io::Error::from_raw_os_error(e.errno()))?;
        let st = ExitStatus::from_std(st)?;
        self.status = Some(st);
        Ok(st)
    }

    /// Sends it `signal` (through its pidfd, so never to another process
    /// that took its pid). `InvalidInput` once it has been waited for.
    ///
    /// ```
    /// use linuxns::unshare::{Command, ExitStatus, Signal};
    /// let mut c = Command::new("/bin/sleep").arg("60").spawn().unwrap();
    /// c.signal(Signal::SIGTERM).unwrap();
    /// assert_eq!(c.wait().unwrap(), ExitStatus::Signaled(Signal::SIGTERM, false));
    /// assert_eq!(c.signal(Signal::SIGTERM).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn signal(&self, signal: Signal) -> Result<(), io::Error> {
        if self.status.is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid argument: can't kill an exited process",
            ));
        }
        match self.inner.pidfd() {
            Some(fd) => sys::pidfd_signal(fd.as_raw_fd(), signal as i32),
            // No pidfd (a kernel without them): our unreaped child, whose
            // pid is still its own.
            None => sys::process::kill(self.pid, signal as i32),
        }
    }

    /// Sends it `SIGKILL`.
    ///
    /// ```
    /// use linuxns::unshare::{Command, ExitStatus};
    /// let mut c = Command::new("/bin/sleep").arg("60").spawn().unwrap();
    /// c.kill().unwrap();
    /// assert_eq!(c.wait().unwrap().signal(), Some(libc::SIGKILL));
    /// ```
    pub fn kill(&self) -> Result<(), io::Error> {
        self.signal(Signal::SIGKILL)
    }

    /// The caller's end of the pipe the child writes on `fd`, given with
    /// [`Fd::piped_write`](super::Fd::piped_write); None for another
    /// kind or a second call.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Fd};
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "echo x >&4"]).file_descriptor(4, Fd::piped_write());
    /// let mut c = cmd.spawn().unwrap();
    /// assert!(c.take_pipe_writer(4).is_none());
    /// let mut s = String::new();
    /// std::io::Read::read_to_string(&mut c.take_pipe_reader(4).unwrap(), &mut s).unwrap();
    /// assert_eq!(s, "x\n");
    /// assert!(c.take_pipe_reader(4).is_none());
    /// c.wait().unwrap();
    /// ```
    pub fn take_pipe_reader(&mut self, fd: RawFd) -> Option<PipeReader> {
        match self.fds.remove(&fd) {
            Some(PipeHolder::Reader(r)) => Some(r),
            Some(other) => {
                self.fds.insert(fd, other);
                None
            }
            None => None,
        }
    }

    /// The caller's end of the pipe the child reads on `fd`, given with
    /// [`Fd::piped_read`](super::Fd::piped_read); None for another kind
    /// or a second call.
    ///
    /// ```
    /// use std::io::Write;
    /// use linuxns::unshare::{Command, Fd};
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "read line <&4; test \"$line\" = hello"]).file_descriptor(4, Fd::piped_read());
    /// let mut c = cmd.spawn().unwrap();
    /// c.take_pipe_writer(4).unwrap().write_all(b"hello\n").unwrap();
    /// assert!(c.wait().unwrap().success());
    /// ```
    pub fn take_pipe_writer(&mut self, fd: RawFd) -> Option<PipeWriter> {
        match self.fds.remove(&fd) {
            Some(PipeHolder::Writer(w)) => Some(w),
            Some(other) => {
                self.fds.insert(fd, other);
                None
            }
            None => None,
        }
    }
}
