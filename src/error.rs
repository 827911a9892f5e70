//! One error type for the whole library: the errno and the step that failed.

use std::borrow::Cow;
use std::io;

/// A failed step: the errno the C API returns and a description of the step
/// (`write /proc/4242/uid_map`) with an optional hint (`setgroups was not
/// denied`). The text is built only when something fails.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct Error {
    errno: i32,
    step: Cow<'static, str>,
    hint: Option<Cow<'static, str>>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A failure with this errno at this step.
    pub fn new(errno: i32, step: impl Into<Cow<'static, str>>) -> Self {
        Error {
            errno,
            step: step.into(),
            hint: None,
        }
    }

    /// Bad input: EINVAL with a description of what was wrong.
    pub fn invalid(step: impl Into<Cow<'static, str>>) -> Self {
        Error::new(libc::EINVAL, step)
    }

    /// A system call's error at this step.
    pub fn io(err: io::Error, step: impl Into<Cow<'static, str>>) -> Self {
        Error::new(err.raw_os_error().unwrap_or(libc::EIO), step)
    }

    /// Adds an explanation shown after the reason, in parentheses.
    pub fn hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Replaces the errno, keeping the text (e.g. ENOENT -> ESRCH for /proc).
    pub fn with_errno(mut self, errno: i32) -> Self {
        self.errno = errno;
        self
    }

    /// Replaces the step, keeping errno and hint (a step that named a
    /// descriptor of the library's own, which the caller never saw).
    pub(crate) fn with_step(mut self, step: impl Into<Cow<'static, str>>) -> Self {
        self.step = step.into();
        self
    }

    /// The positive errno value.
    pub fn errno(&self) -> i32 {
        self.errno
    }

    /// The step that failed.
    pub fn step(&self) -> &str {
        &self.step
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

/// The C library's text for an errno, without Rust's "(os error N)" suffix.
pub fn strerror(errno: i32) -> String {
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
        let e =
            Error::new(libc::EPERM, "write /proc/4242/gid_map").hint("setgroups was not denied");
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
