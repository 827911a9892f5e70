//! Version, last error and type names.

use std::ffi::{c_char, c_int};

use super::{arg_str, ffi, last_error_ptr};
use crate::error::Error;
use crate::types::NsType;

/// The library version, "MAJOR.MINOR.PATCH", equal to the
/// LINUXNS_VERSION_* macros this header was generated with.
#[no_mangle]
pub extern "C" fn ns_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// A human-readable account of the calling thread's most recent failure,
/// naming the step, the object and the reason, e.g.
/// "write /proc/4242/gid_map: Operation not permitted (setgroups was not denied)".
///
/// "" before any failure on this thread. The string belongs to the library
/// and stays valid until the next ns_* call on the same thread.
#[no_mangle]
pub extern "C" fn ns_last_error() -> *const c_char {
    last_error_ptr()
}

/// The name of namespace type `type` as in /proc/PID/ns: "mnt", "cgroup",
/// "uts", "ipc", "user", "pid", "net" or "time".
///
/// Returns NULL (errno EINVAL) unless `type` is exactly one NS_* value.
#[no_mangle]
pub extern "C" fn ns_type_name(r#type: c_int) -> *const c_char {
    match NsType::from_bit(r#type) {
        Some(t) => t.c_name().as_ptr(),
        None => {
            ffi("ns_type_name", || {
                Err(Error::invalid(format!("type {type:#x}", type = r#type))
                    .hint("exactly one NS_* type is needed"))
            });
            std::ptr::null()
        }
    }
}

/// The NS_* value of a namespace type name ("net", "mnt", ...), the
/// inverse of ns_type_name.
///
/// Errors: -EINVAL for NULL or any other string (names are lower case; the
/// *_for_children names are not types).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
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
                .hint("not one of mnt cgroup uts ipc user pid net time")
            })
    })
}
