//! enter: run a command in the namespaces of another process, like
//! `nsenter -a -t PID`. The Rust twin of `examples-c/enter.c`.
//!
//! ```text
//! cargo run --example enter -- PID                   # a shell there
//! cargo run --example enter -- PID sh -c 'hostname; echo $$'
//! ```
//!
//! A pidfd names the target race-free: if PID exits and its number is
//! reused, the calls below fail with ESRCH instead of entering a stranger.
//! Every namespace in which the target differs from us is entered by
//! [`Command::join_pidfd`], in the child before it execs: this program's
//! own threads never move, so the same code is safe in a multithreaded
//! program. Since the child is created inside the target's PID namespace
//! too, `echo $$` prints its pid there. The user namespace is left out
//! when it is already ours. Errors are printed with the library's text,
//! exit status 1; the command's status is passed on.

use std::ffi::OsString;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitCode;

use linuxns::{Command, Namespace, NsSet, NsType};

/// A pidfd of `pid` (pidfd_open(2), Linux 5.3).
fn pidfd_open(pid: i32) -> std::io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor
    // or -1; no memory is passed.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fd is a descriptor we just opened and nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// The types in which the process behind `pidfd` is in another namespace
/// than we are.
fn differing(pidfd: &OwnedFd) -> linuxns::Result<NsSet> {
    let mut set = NsSet::empty();
    for ty in NsType::ALL {
        let theirs = match Namespace::open_pidfd(pidfd.as_fd(), ty) {
            Ok(ns) => ns,
            // This kernel has no such namespace type.
            Err(e) if e.errno() == libc::EOPNOTSUPP => continue,
            Err(e) => return Err(e),
        };
        if !theirs.same(&Namespace::current(ty)?)? {
            set |= ty;
        }
    }
    Ok(set)
}

fn run(pid: i32, cmd: &[OsString]) -> Result<u8, String> {
    let pidfd = pidfd_open(pid).map_err(|e| format!("pidfd_open {pid}: {e}"))?;
    let types = differing(&pidfd).map_err(|e| e.to_string())?;
    let mut command = match cmd.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
        None => Command::new("/bin/sh"),
    };
    if !types.is_empty() {
        command.join_pidfd(pidfd.as_fd(), types);
    }
    let status = command.status().map_err(|e| e.to_string())?;
    Ok(match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(sig)) => 128u8.wrapping_add(sig as u8),
        (None, None) => 1,
    })
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some(pid) = args
        .first()
        .and_then(|a| a.to_str())
        .and_then(|a| a.parse::<i32>().ok())
    else {
        eprintln!("usage: enter PID [CMD [ARGS...]]");
        return ExitCode::from(2);
    };
    match run(pid, &args[1..]) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("enter: {err}");
            ExitCode::FAILURE
        }
    }
}
