//! [`Signal`]: the standard signals by name, as the `unshare` crate
//! re-exports them from `nix` (same variant names and numbers).

use std::fmt;
use std::io;
use std::str::FromStr;

macro_rules! signals {
    ($($(#[$cfg:meta])* $name:ident,)*) => {
        /// A standard (non-real-time) signal, named as in C.
        ///
        /// The variants are the signal numbers (`Signal::SIGTERM as i32`
        /// is 15); [`TryFrom<i32>`](#impl-TryFrom%3Ci32%3E-for-Signal) and
        /// [`FromStr`] convert back.
        ///
        /// ```
        /// use linuxns::unshare::Signal;
        /// assert_eq!(Signal::SIGKILL as i32, 9);
        /// assert_eq!(Signal::try_from(15).unwrap(), Signal::SIGTERM);
        /// assert_eq!("SIGHUP".parse::<Signal>().unwrap(), Signal::SIGHUP);
        /// assert_eq!(Signal::SIGINT.to_string(), "SIGINT");
        /// ```
        #[repr(i32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Signal {
            $(
                $(#[$cfg])*
                #[doc = concat!("`", stringify!($name), "`.")]
                $name = libc::$name,
            )*
        }

        /// Every signal, in the order of their numbers.
        const ALL: &[Signal] = &[$($(#[$cfg])* Signal::$name,)*];

        impl Signal {
            /// The signal's name, as in C.
            ///
            /// ```
            /// assert_eq!(linuxns::unshare::Signal::SIGCHLD.as_str(), "SIGCHLD");
            /// ```
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($(#[$cfg])* Signal::$name => stringify!($name),)*
                }
            }
        }
    };
}

signals! {
    SIGHUP,
    SIGINT,
    SIGQUIT,
    SIGILL,
    SIGTRAP,
    SIGABRT,
    SIGBUS,
    SIGFPE,
    SIGKILL,
    SIGUSR1,
    SIGSEGV,
    SIGUSR2,
    SIGPIPE,
    SIGALRM,
    SIGTERM,
    #[cfg(not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")))]
    SIGSTKFLT,
    SIGCHLD,
    SIGCONT,
    SIGSTOP,
    SIGTSTP,
    SIGTTIN,
    SIGTTOU,
    SIGURG,
    SIGXCPU,
    SIGXFSZ,
    SIGVTALRM,
    SIGPROF,
    SIGWINCH,
    SIGIO,
    SIGPWR,
    SIGSYS,
}

/// An iterator over every [`Signal`], made by [`Signal::iterator`].
///
/// ```
/// assert_eq!(linuxns::unshare::Signal::iterator().next(), Some(linuxns::unshare::Signal::SIGHUP));
/// ```
#[derive(Clone, Debug)]
pub struct SignalIterator(std::slice::Iter<'static, Signal>);

impl Iterator for SignalIterator {
    type Item = Signal;
    fn next(&mut self) -> Option<Signal> {
        self.0.next().copied()
    }
}

impl Signal {
    /// Every signal, in the order of their numbers.
    ///
    /// ```
    /// use linuxns::unshare::Signal;
    /// assert!(Signal::iterator().any(|s| s == Signal::SIGTERM));
    /// ```
    pub fn iterator() -> SignalIterator {
        SignalIterator(ALL.iter())
    }
}

fn invalid() -> io::Error {
    io::Error::from_raw_os_error(libc::EINVAL)
}

impl TryFrom<i32> for Signal {
    type Error = io::Error;

    /// The signal numbered `signum`; `EINVAL` for 0, a real-time signal or
    /// no signal at all.
    fn try_from(signum: i32) -> Result<Signal, io::Error> {
        ALL.iter()
            .copied()
            .find(|s| *s as i32 == signum)
            .ok_or_else(invalid)
    }
}

impl FromStr for Signal {
    type Err = io::Error;

    /// The signal named `s` (`"SIGTERM"`); `EINVAL` for any other text.
    fn from_str(s: &str) -> Result<Signal, io::Error> {
        ALL.iter()
            .copied()
            .find(|sig| sig.as_str() == s)
            .ok_or_else(invalid)
    }
}

impl AsRef<str> for Signal {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_and_conversions_agree() {
        for s in Signal::iterator() {
            assert_eq!(Signal::try_from(s as i32).unwrap(), s);
            assert_eq!(s.as_str().parse::<Signal>().unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
        }
        assert_eq!(Signal::SIGTERM as i32, libc::SIGTERM);
        assert_eq!(Signal::SIGSYS as i32, 31);
        assert_eq!(Signal::iterator().count(), 31);
        for bad in [0, -1, 32, libc::SIGRTMIN(), 65] {
            let e = Signal::try_from(bad).unwrap_err();
            assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
        }
        assert!("SIGFOO".parse::<Signal>().is_err());
        assert!("sigterm".parse::<Signal>().is_err());
    }
}
