//! Two plain system calls of the API: pivot_root(2) and kcmp(2).

use std::ffi::CStr;

use crate::error::{Error, Result};
use crate::sys;
use crate::types::*;

/// pivot_root(2).
pub fn pivot_root(new_root: &CStr, put_old: &CStr) -> Result<()> {
    sys::fs::pivot_root(new_root, put_old).map_err(|e| {
        Error::io(
            e,
            format!(
                "pivot_root({}, {})",
                new_root.to_string_lossy(),
                put_old.to_string_lossy()
            ),
        )
    })
}

/// kcmp(2): 0 equal, 1 less, 2 greater, 3 not equal (unordered).
pub fn kcmp(
    pid1: libc::pid_t,
    pid2: libc::pid_t,
    ty: libc::c_int,
    idx1: libc::c_ulong,
    idx2: libc::c_ulong,
) -> Result<libc::c_int> {
    if !(NS_KCMP_FILE..=NS_KCMP_SYSVSEM).contains(&ty) {
        return Err(Error::invalid(format!("kcmp type {ty}")).with_hint("one of NS_KCMP_*"));
    }
    if ty == NS_KCMP_FILE && (idx1 > i32::MAX as libc::c_ulong || idx2 > i32::MAX as libc::c_ulong)
    {
        // The kernel would truncate them to int and compare other fds.
        return Err(Error::new(libc::EBADF, format!("kcmp fds {idx1}, {idx2}"))
            .with_hint("not file descriptors"));
    }
    sys::process::kcmp(pid1, pid2, ty, idx1, idx2)
        .map_err(|e| Error::io(e, format!("kcmp({pid1}, {pid2}, {ty})")))
}
