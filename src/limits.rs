//! The per-user limits of namespaces: /proc/sys/user/max_TYPE_namespaces.

use std::os::fd::AsFd;

use crate::error::{Error, Result};
use crate::sys;
use crate::types::*;

fn limit_path(ty: libc::c_int) -> Result<String> {
    let t = parse_one_type(ty)?;
    Ok(format!("/proc/sys/user/max_{}_namespaces", t.name()))
}

/// /proc/sys/user/max_TYPE_namespaces.
pub fn get_limit(ty: libc::c_int) -> Result<i64> {
    let path = limit_path(ty)?;
    let cpath = std::ffi::CString::new(path.as_str()).map_err(|_| Error::invalid("path"))?;
    let mut buf = [0u8; 64];
    let n = crate::procfs::read_small(&cpath, &mut buf)
        .map_err(|e| crate::procfs::explain_proc_error(Error::io(e, format!("read {path}"))))?;
    String::from_utf8_lossy(&buf[..n])
        .trim()
        .parse()
        .map_err(|_| Error::new(libc::EIO, format!("read {path}")).with_hint("not a number"))
}

/// Writes /proc/sys/user/max_TYPE_namespaces (0 to INT_MAX).
pub fn set_limit(ty: libc::c_int, value: i64) -> Result<()> {
    let path = limit_path(ty)?;
    if !(0..=i64::from(i32::MAX)).contains(&value) {
        return Err(Error::invalid(format!("limit {value}")).with_hint("0 to 2147483647"));
    }
    let cpath = std::ffi::CString::new(path.as_str()).map_err(|_| Error::invalid("path"))?;
    let fd = sys::open_internal(&cpath, libc::O_WRONLY)
        .map_err(|e| crate::procfs::explain_proc_error(Error::io(e, format!("open {path}"))))?;
    sys::write_once(fd.as_fd(), value.to_string().as_bytes())
        .map_err(|e| Error::io(e, format!("write {path}")))
}
