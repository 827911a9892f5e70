//! [`ExitStatus`]: how a child ended, as the `unshare` crate tells it.

use std::fmt;
use std::io;
use std::os::unix::process::ExitStatusExt;

use super::Signal;

/// How a process ended: its exit code, or the signal that killed it.
///
/// ```
/// use linuxns::unshare::{ExitStatus, Signal};
/// let ok = ExitStatus::Exited(0);
/// assert!(ok.success());
/// assert_eq!(ok.to_string(), "exited with code 0");
/// let killed = ExitStatus::Signaled(Signal::SIGKILL, false);
/// assert_eq!((killed.code(), killed.signal()), (None, Some(9)));
/// assert_eq!(killed.to_string(), "killed by signal SIGKILL[9]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// It exited with this code (as `i8`: exit code 255 is `-1`).
    Exited(i8),
    /// It was killed by this signal; the flag says whether it dumped core.
    Signaled(Signal, bool),
}

impl ExitStatus {
    /// Did it exit with code 0?
    ///
    /// ```
    /// assert!(!linuxns::unshare::ExitStatus::Exited(1).success());
    /// ```
    pub fn success(&self) -> bool {
        *self == ExitStatus::Exited(0)
    }

    /// Its exit code, if it exited (`Exited(-1)` gives `-1`).
    ///
    /// ```
    /// assert_eq!(linuxns::unshare::ExitStatus::Exited(3).code(), Some(3));
    /// ```
    pub fn code(&self) -> Option<i32> {
        match *self {
            ExitStatus::Exited(c) => Some(i32::from(c)),
            ExitStatus::Signaled(..) => None,
        }
    }

    /// The number of the signal that killed it, if one did.
    ///
    /// ```
    /// use linuxns::unshare::{ExitStatus, Signal};
    /// assert_eq!(ExitStatus::Signaled(Signal::SIGTERM, false).signal(), Some(15));
    /// ```
    pub fn signal(&self) -> Option<i32> {
        match *self {
            ExitStatus::Exited(_) => None,
            ExitStatus::Signaled(s, _) => Some(s as i32),
        }
    }

    /// From the status of `std` (the native [`Child`](crate::Child)'s): a
    /// real-time signal has no [`Signal`], which is `EINVAL` (as for the
    /// `unshare` crate, whose `nix` refuses it).
    pub(crate) fn from_std(st: std::process::ExitStatus) -> io::Result<ExitStatus> {
        if let Some(c) = st.code() {
            return Ok(ExitStatus::Exited(c as i8));
        }
        match st.signal() {
            Some(sig) => Ok(ExitStatus::Signaled(
                Signal::try_from(sig)?,
                st.core_dumped(),
            )),
            None => Err(io::Error::from_raw_os_error(libc::EINVAL)),
        }
    }
}

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ExitStatus::Exited(c) => write!(f, "exited with code {c}"),
            ExitStatus::Signaled(sig, core) => {
                write!(f, "killed by signal {:?}[{}]", sig, sig as i32)?;
                if core {
                    f.write_str(" (core dumped)")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_std_statuses() {
        let exited = |c: i32| std::process::ExitStatus::from_raw(c << 8);
        assert_eq!(
            ExitStatus::from_std(exited(0)).unwrap(),
            ExitStatus::Exited(0)
        );
        assert_eq!(
            ExitStatus::from_std(exited(255)).unwrap(),
            ExitStatus::Exited(-1)
        );
        assert_eq!(ExitStatus::Exited(-1).code(), Some(-1));
        let killed = std::process::ExitStatus::from_raw(libc::SIGSEGV | 0x80);
        assert_eq!(
            ExitStatus::from_std(killed).unwrap(),
            ExitStatus::Signaled(Signal::SIGSEGV, true)
        );
        assert_eq!(
            ExitStatus::Signaled(Signal::SIGSEGV, true).to_string(),
            "killed by signal SIGSEGV[11] (core dumped)"
        );
        let rt = std::process::ExitStatus::from_raw(libc::SIGRTMIN() + 1);
        assert_eq!(
            ExitStatus::from_std(rt).unwrap_err().raw_os_error(),
            Some(libc::EINVAL)
        );
    }
}
