//! Time namespace offsets: checked and written as /proc/PID/timens_offsets
//! wants them, for ns_set_time_offset and for spawns.

use std::os::fd::AsFd;

use crate::error::{Error, Result};
use crate::procfs::pid_dir;
use crate::sys;

/// The clock's name in timens_offsets; EINVAL for another clock or an nsec
/// outside 0..1e9.
pub(crate) fn check_offset(clock: libc::clockid_t, nsec: i64) -> Result<&'static str> {
    let name = match clock {
        libc::CLOCK_MONOTONIC => "monotonic",
        libc::CLOCK_BOOTTIME => "boottime",
        _ => {
            return Err(Error::invalid(format!("clock {clock}"))
                .with_hint("CLOCK_MONOTONIC or CLOCK_BOOTTIME"))
        }
    };
    if !(0..1_000_000_000).contains(&nsec) {
        return Err(Error::invalid(format!("nsec {nsec}")).with_hint("0 to 999999999"));
    }
    Ok(name)
}

/// One line of timens_offsets (the offset checked before).
pub(crate) fn offset_line(clock: libc::clockid_t, sec: i64, nsec: i64) -> String {
    let name = if clock == libc::CLOCK_BOOTTIME {
        "boottime"
    } else {
        "monotonic"
    };
    format!("{name} {sec} {nsec}\n")
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
    check_offset(clock, nsec)?;
    if pid != 0 {
        // A pid is looked up in /proc, which must be this PID namespace's.
        crate::procfs::check_proc_is_ours()?;
    }
    let mut path = pid_dir(pid, false);
    path.push("timens_offsets");
    let fd = sys::open_internal(path.as_cstr(), libc::O_WRONLY).map_err(|e| {
        let err = Error::io(e, format!("open {}", path.as_str()));
        if err.errno() == libc::ENOENT && !crate::procfs::proc_mounted() {
            err.with_hint("/proc is not mounted")
        } else if err.errno() == libc::ENOENT && !crate::procfs::pid_exists(pid) {
            err.with_errno(libc::ESRCH)
        } else {
            err
        }
    })?;
    let text = offset_line(clock, sec, nsec);
    sys::write_once(fd.as_fd(), text.as_bytes()).map_err(|e| {
        let err = Error::io(e, format!("write {}", path.as_str()));
        if err.errno() == libc::EACCES {
            err.with_hint("a process has already entered that time namespace")
        } else {
            err
        }
    })
}
