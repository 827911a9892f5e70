//! One error type for the whole library: the errno and the step that failed.

use std::borrow::Cow;
use std::io;

/// Why a call failed: the errno, the step that failed and, where there is
/// one, a hint.
///
/// The step names what was being done and with which argument
/// (`write /proc/4242/uid_map`, `path "/run/netns/x"`); the hint says what
/// to do about it (`setgroups was not denied`). Displayed, an error reads
/// `step: reason (hint)`, the reason being the C library's text for the
/// errno. The C API returns the same errno, negated, and its
/// `ns_last_error()` text is the same with the C function's name in front.
///
/// An `Error` converts into [`std::io::Error`] (with `?` in functions that
/// return `io::Result`), keeping the errno's [`io::ErrorKind`] and the text.
///
/// ```
/// # fn main() {
/// use linuxns::{Namespace, NsType};
///
/// let err = Namespace::open_pid(-1, NsType::Net).unwrap_err();
/// assert_eq!(err.errno(), libc::EINVAL);
/// assert!(err.step().contains("-1"));
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
/// # }
/// ```
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct Error {
    errno: i32,
    step: Cow<'static, str>,
    hint: Option<Cow<'static, str>>,
}

/// The result of the library's calls.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A failure with this errno at this step.
    pub(crate) fn new(errno: i32, step: impl Into<Cow<'static, str>>) -> Self {
        Error {
            errno,
            step: step.into(),
            hint: None,
        }
    }

    /// Bad input: EINVAL with a description of what was wrong.
    pub(crate) fn invalid(step: impl Into<Cow<'static, str>>) -> Self {
        Error::new(libc::EINVAL, step)
    }

    /// A system call's error at this step.
    pub(crate) fn io(err: io::Error, step: impl Into<Cow<'static, str>>) -> Self {
        Error::new(err.raw_os_error().unwrap_or(libc::EIO), step)
    }

    /// Adds an explanation shown after the reason, in parentheses.
    pub(crate) fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Replaces the errno, keeping the text (e.g. ENOENT -> ESRCH for /proc).
    pub(crate) fn with_errno(mut self, errno: i32) -> Self {
        self.errno = errno;
        self
    }

    /// Replaces the step, keeping errno and hint (a step that named a
    /// descriptor of the library's own, which the caller never saw).
    pub(crate) fn with_step(mut self, step: impl Into<Cow<'static, str>>) -> Self {
        self.step = step.into();
        self
    }

    /// The positive errno value (`libc::EPERM`, ...).
    ///
    /// ```
    /// let e = linuxns::Namespace::open_path("/nonexistent", None).unwrap_err();
    /// assert_eq!(e.errno(), libc::ENOENT);
    /// ```
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// What was being done when it failed, with the argument involved.
    ///
    /// ```
    /// let e = linuxns::Namespace::open_path("/nonexistent", None).unwrap_err();
    /// assert!(e.step().contains("/nonexistent"));
    /// ```
    pub fn step(&self) -> &str {
        &self.step
    }

    /// What to do about it, or why the kernel said no, when the library
    /// knows.
    ///
    /// ```
    /// let e = linuxns::Namespace::open_path("/etc/hostname", None).unwrap_err();
    /// assert_eq!(e.errno(), libc::EINVAL);
    /// assert!(e.hint().is_some());
    /// ```
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The errno as an [`io::ErrorKind`].
    ///
    /// ```
    /// let e = linuxns::Namespace::open_path("/nonexistent", None).unwrap_err();
    /// assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    /// ```
    pub fn kind(&self) -> io::ErrorKind {
        io::Error::from_raw_os_error(self.errno).kind()
    }
}

impl Error {
    fn render(&self) -> String {
        let mut s = format!("{}: {}", self.step, strerror(self.errno));
        if let Some(h) = &self.hint {
            s.push_str(" (");
            s.push_str(h);
            s.push(')');
        }
        s
    }
}

impl From<Error> for io::Error {
    /// An `io::Error` of the errno's kind whose text is the whole message;
    /// the `Error` itself is its [`get_ref`](io::Error::get_ref) source.
    fn from(e: Error) -> io::Error {
        io::Error::new(e.kind(), e)
    }
}

/// The C library's text for an errno, without Rust's "(os error N)" suffix.
pub(crate) fn strerror(errno: i32) -> String {
    crate::sys::process::strerror(errno).unwrap_or_else(|| format!("error {errno}"))
}

/// Shorthand: attach a step to an io::Result.
pub(crate) trait Context<T> {
    fn step(self, step: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for io::Result<T> {
    fn step(self, step: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::io(e, step()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Under Miri, strerror_r is Miri's own shim, with Rust's wording.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn text_names_step_reason_and_hint() {
        let e = Error::new(libc::EPERM, "write /proc/4242/gid_map")
            .with_hint("setgroups was not denied");
        assert_eq!(
            e.to_string(),
            "write /proc/4242/gid_map: Operation not permitted (setgroups was not denied)"
        );
        assert_eq!(e.errno(), libc::EPERM);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn strerror_has_no_rust_suffix() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
    }
}
