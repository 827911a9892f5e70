//! The C API: one thin file per area. Each exported function checks its
//! pointers, calls the core, and turns the result into the C convention
//! through [`ffi`]: `-errno` returned, `errno` set, the text kept for
//! `ns_last_error`. No Rust panic crosses this boundary.

#![allow(clippy::missing_safety_doc)]

pub mod basics;
pub mod core_api;
pub mod enter;
pub mod handles;
pub mod idmount;
pub mod mounts;
pub mod nshandle;
pub mod persist;
pub mod pidinfo;
pub mod pool;
pub mod spawn;
pub mod spawn_attr;
pub mod spawn_procattrs;
pub mod survey;
pub mod survey_ex;

use std::cell::RefCell;
use std::ffi::{c_char, c_int, CStr};
use std::os::fd::{IntoRawFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, Result};
pub(crate) use crate::sys::process::NoCancel;

/// Room for one message; longer ones are cut (at a character boundary).
const LAST_ERROR_SIZE: usize = 2048;

thread_local! {
    // A fixed buffer, so a pointer from ns_last_error never dangles: a
    // later failure rewrites the text in place.
    static LAST_ERROR: RefCell<[u8; LAST_ERROR_SIZE]> = const { RefCell::new([0; LAST_ERROR_SIZE]) };
}

/// Records a failure for ns_last_error and errno; returns -errno. The text
/// is `function: what failed: reason (hint)`: the function's name is added
/// here, once, as the core never names C functions.
fn fail(name: &str, e: &Error) -> c_int {
    let mut text = e.to_string().replace('\0', " ");
    let named = text
        .strip_prefix(name)
        .is_some_and(|rest| rest.starts_with(':'));
    if !named {
        text = format!("{name}: {text}");
    }
    let mut n = text.len().min(LAST_ERROR_SIZE - 1);
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    LAST_ERROR.with(|l| {
        let mut buf = l.borrow_mut();
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        buf[n] = 0;
    });
    let errno = e.errno();
    crate::sys::process::set_errno(errno);
    -errno
}

fn panicked() -> Error {
    Error::new(libc::EIO, "internal error").with_hint("the library panicked; please report it")
}

/// What an API function returns on failure, given -errno: that value for
/// int and int64_t returns, NULL for pointers.
pub(crate) trait Ret {
    fn failed(neg_errno: c_int) -> Self;
}

impl Ret for c_int {
    fn failed(neg_errno: c_int) -> Self {
        neg_errno
    }
}

impl Ret for i64 {
    fn failed(neg_errno: c_int) -> Self {
        neg_errno.into()
    }
}

impl<T> Ret for *mut T {
    fn failed(_: c_int) -> Self {
        std::ptr::null_mut()
    }
}

/// Runs an API body: Ok(v) gives v, Err gives -errno (or NULL) with errno
/// and the last-error text set, a panic gives -EIO (or NULL). The calling
/// thread cannot be cancelled meanwhile (see NoCancel).
pub(crate) fn ffi<T: Ret>(name: &'static str, body: impl FnOnce() -> Result<T>) -> T {
    let _no_cancel = NoCancel::new();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => T::failed(fail(name, &e)),
        Err(_) => T::failed(fail(name, &panicked())),
    }
}

/// Hands a descriptor to the caller.
pub(crate) fn give_fd(fd: OwnedFd) -> c_int {
    fd.into_raw_fd()
}

/// A required C string argument.
///
/// # Safety
/// `p` is NULL or points at a NUL-terminated string valid for 'a.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, what: &'static str) -> Result<&'a CStr> {
    if p.is_null() {
        return Err(Error::invalid(what).with_hint("NULL"));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// A required out pointer.
///
/// # Safety
/// `p` is NULL or valid for writing a T.
pub(crate) unsafe fn arg_out<'a, T>(p: *mut T, what: &'static str) -> Result<&'a mut T> {
    // SAFETY: per the caller's contract.
    unsafe { p.as_mut() }.ok_or_else(|| Error::invalid(what).with_hint("NULL"))
}

/// A required array argument of n elements.
///
/// # Safety
/// `p` is NULL or valid for reading n elements.
pub(crate) unsafe fn arg_slice<'a, T>(
    p: *const T,
    n: usize,
    what: &'static str,
) -> Result<&'a [T]> {
    if p.is_null() {
        return Err(Error::invalid(what).with_hint("NULL"));
    }
    if n == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL and n elements long per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// The calling thread's last-error text.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|l| l.as_ptr() as *const c_char)
}
