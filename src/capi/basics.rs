//! Version, last error and type names.

use std::ffi::{c_char, c_int};

use super::{arg_str, ffi, last_error_ptr};
use crate::error::Error;
use crate::types::{parse_one_type, NsType};

/// The library version as a string, "MAJOR.MINOR.PATCH".
///
/// It equals the LINUXNS_VERSION_* macros this header was generated with,
/// so a program can compare the two to detect a header and a library that
/// do not match.
///
/// Returns: a static NUL-terminated string owned by the library; never
/// NULL.
///
/// Errors: none.
///
/// Thread safety: moves nothing; safe from any thread at any time.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The calling thread's most recent failure, as a sentence.
///
/// A human-readable account naming the function, the step, the object and
/// the reason, with a hint in parentheses where the library has one, e.g.
/// "ns_write_gid_map: write /proc/4242/gid_map: Operation not permitted
/// (setgroups was not denied)". A successful call does not clear it.
///
/// Returns: a NUL-terminated string that belongs to the library: "" before
/// any failure on this thread; it stays valid until the next ns_* call on
/// the same thread. Never NULL.
///
/// Errors: none.
///
/// Thread safety: the text is per thread: each thread sees only its own
/// failures, so read it on the thread that made the failing call (in Go on
/// a locked OS thread, in Haskell on a bound thread). The negative return
/// value and errno of the failed call are reliable on any thread.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_last_error() -> *const c_char {
    last_error_ptr()
}

/// The name of a namespace type, as in /proc/PID/ns.
///
/// `type`: exactly one NS_* value.
///
/// Returns: a static string owned by the library: "mnt", "cgroup", "uts",
/// "ipc", "user", "pid", "net" or "time"; NULL with errno set on failure.
///
/// Errors:
/// EINVAL: when `type` is not exactly one NS_* value (0, a mask of several,
///   unknown bits).
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub extern "C" fn ns_type_name(r#type: c_int) -> *const c_char {
    match NsType::from_bit(r#type) {
        Some(t) => t.c_name().as_ptr(),
        None => {
            ffi("ns_type_name", || parse_one_type(r#type).map(|_| 0));
            std::ptr::null()
        }
    }
}

/// The NS_* value of a namespace type name, the inverse of ns_type_name.
///
/// `name`: a NUL-terminated string such as "net" or "mnt" (or NULL, which
/// is refused).
///
/// Returns: the NS_* value, or a negative errno.
///
/// Errors:
/// -EINVAL: when `name` is NULL or any other string (names are lower case;
///   the *_for_children names are not types).
///
/// Thread safety: moves nothing; safe from any thread at any time.
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_type_from_name(name: *const c_char) -> c_int {
    ffi("ns_type_from_name", || {
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "ns_type_from_name: name") }?;
        NsType::from_name(name.to_bytes())
            .map(NsType::bit)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "namespace type name \"{}\"",
                    name.to_string_lossy()
                ))
                .with_hint("not one of mnt cgroup uts ipc user pid net time")
            })
    })
}
