//! sandbox: run a command in new user, PID, mount, UTS, IPC, network and
//! cgroup namespaces, as root inside (the caller's uid and gid mapped to 0),
//! with the hostname "sandbox" and a fresh /proc. Works as root and as an
//! ordinary user (the user namespace gives the privilege for the others).
//! The Rust twin of `examples-c/sandbox.c`.
//!
//! ```text
//! cargo run --example sandbox                          # show what the sandbox sees
//! cargo run --example sandbox -- sh -c 'id; hostname'  # run a command inside
//! ```
//!
//! Exits with the command's status (128 + N when killed by signal N), or 1
//! with the library's error text when the sandbox cannot be set up.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitCode;

use linuxns::{Command, NsSet};

/// What the sandbox shows when no command is given.
const SHOW: &str = "echo \"id:       $(id)\"; \
    echo \"hostname: $(hostname)\"; \
    echo \"pid:      $$\"; \
    echo \"processes:\"; ps -eo pid,comm 2>/dev/null || ls /proc | grep '^[0-9]'; \
    echo \"network interfaces:\"; \
    if command -v ip >/dev/null; then ip -brief link; else cat /proc/net/dev; fi";

fn run(args: &[OsString]) -> linuxns::Result<u8> {
    let mut cmd = match args.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest);
            c
        }
        None => {
            let mut c = Command::new("/bin/sh");
            c.args(["-c", SHOW]);
            c
        }
    };
    let status = cmd
        .unshare(
            NsSet::USER
                | NsSet::PID
                | NsSet::MNT
                | NsSet::UTS
                | NsSet::IPC
                | NsSet::NET
                | NsSet::CGROUP,
        )
        .map_root()
        .hostname("sandbox")
        .mount_proc(true)
        .status()?;
    // The command is pid 1 of its PID namespace, but our direct child.
    Ok(match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(sig)) => {
            eprintln!("sandbox: killed by signal {sig}");
            128u8.wrapping_add(sig as u8)
        }
        (None, None) => 1,
    })
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("sandbox: {err}");
            ExitCode::FAILURE
        }
    }
}
