//! System-wide knobs and plain system calls: namespace limits, time
//! namespace offsets, pivot_root, kcmp.

use std::ffi::CStr;
use std::os::fd::AsFd;

use crate::error::{Error, Result};
use crate::procfs::pid_dir;
use crate::sys;
use crate::types::*;

fn limit_path(ty: libc::c_int) -> Result<String> {
    let t = NsType::from_bit(ty).ok_or_else(|| {
        Error::invalid(format!("type {ty:#x}")).hint("exactly one NS_* type is needed")
    })?;
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
        .map_err(|_| Error::new(libc::EIO, format!("read {path}")).hint("not a number"))
}

/// Writes /proc/sys/user/max_TYPE_namespaces (0 to INT_MAX).
pub fn set_limit(ty: libc::c_int, value: i64) -> Result<()> {
    let path = limit_path(ty)?;
    if !(0..=i64::from(i32::MAX)).contains(&value) {
        return Err(Error::invalid(format!("limit {value}")).hint("0 to 2147483647"));
    }
    let cpath = std::ffi::CString::new(path.as_str()).map_err(|_| Error::invalid("path"))?;
    let fd = sys::open_internal(&cpath, libc::O_WRONLY)
        .map_err(|e| crate::procfs::explain_proc_error(Error::io(e, format!("open {path}"))))?;
    sys::write_once(fd.as_fd(), value.to_string().as_bytes())
        .map_err(|e| Error::io(e, format!("write {path}")))
}

/// Writes /proc/PID/timens_offsets (pid 0: the caller) for one clock; the
/// kernel allows it only before any process has entered the namespace.
pub fn set_time_offset(
    pid: libc::pid_t,
    clock: libc::clockid_t,
    sec: i64,
    nsec: i64,
) -> Result<()> {
    if pid < 0 {
        return Err(Error::invalid(format!("pid {pid}")));
    }
    let name = match clock {
        libc::CLOCK_MONOTONIC => "monotonic",
        libc::CLOCK_BOOTTIME => "boottime",
        _ => {
            return Err(
                Error::invalid(format!("clock {clock}")).hint("CLOCK_MONOTONIC or CLOCK_BOOTTIME")
            )
        }
    };
    if !(0..1_000_000_000).contains(&nsec) {
        return Err(Error::invalid(format!("nsec {nsec}")).hint("0 to 999999999"));
    }
    if pid != 0 {
        // A pid is looked up in /proc, which must be this PID namespace's.
        crate::procfs::check_proc_is_ours()?;
    }
    let mut path = pid_dir(pid, false);
    path.push("timens_offsets");
    let fd = sys::open_internal(path.as_cstr(), libc::O_WRONLY).map_err(|e| {
        let err = Error::io(e, format!("open {}", path.as_str()));
        if err.errno() == libc::ENOENT && !crate::procfs::proc_mounted() {
            err.hint("/proc is not mounted")
        } else if err.errno() == libc::ENOENT && !crate::procfs::pid_exists(pid) {
            err.with_errno(libc::ESRCH)
        } else {
            err
        }
    })?;
    let text = format!("{name} {sec} {nsec}\n");
    sys::write_once(fd.as_fd(), text.as_bytes()).map_err(|e| {
        let err = Error::io(e, format!("write {}", path.as_str()));
        if err.errno() == libc::EACCES {
            err.hint("a process has already entered that time namespace")
        } else {
            err
        }
    })
}

/// pivot_root(2).
pub fn pivot_root(new_root: &CStr, put_old: &CStr) -> Result<()> {
    // SAFETY: NUL-terminated strings.
    let r = unsafe { libc::syscall(libc::SYS_pivot_root, new_root.as_ptr(), put_old.as_ptr()) };
    if r != 0 {
        return Err(Error::io(
            std::io::Error::last_os_error(),
            format!(
                "pivot_root({}, {})",
                new_root.to_string_lossy(),
                put_old.to_string_lossy()
            ),
        ));
    }
    Ok(())
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
        return Err(Error::invalid(format!("kcmp type {ty}")).hint("one of NS_KCMP_*"));
    }
    if ty == NS_KCMP_FILE && (idx1 > i32::MAX as libc::c_ulong || idx2 > i32::MAX as libc::c_ulong)
    {
        // The kernel would truncate them to int and compare other fds.
        return Err(Error::new(libc::EBADF, format!("kcmp fds {idx1}, {idx2}"))
            .hint("not file descriptors"));
    }
    // SAFETY: plain system call with integer arguments.
    let r = unsafe { libc::syscall(libc::SYS_kcmp, pid1, pid2, ty, idx1, idx2) };
    if r < 0 {
        return Err(Error::io(
            std::io::Error::last_os_error(),
            format!("kcmp({pid1}, {pid2}, {ty})"),
        ));
    }
    Ok(r as libc::c_int)
}
