//! lsns: list the namespaces of the system, like lsns(8). The Rust twin of
//! `examples-c/lsns.c`.
//!
//! ```text
//! cargo run --example lsns                 # every namespace
//! cargo run --example lsns -- net user     # only these types
//! ```
//!
//! TYPE is one of mnt cgroup uts ipc user pid net time. One line per
//! namespace, by type then id: its id (the inode number `readlink
//! /proc/PID/ns/TYPE` shows), type, how many processes are in it and the
//! lowest of their pids, the uid that created its owning user namespace,
//! that user namespace's id, the parent (pid and user namespaces) and the
//! command line of the lowest pid. Namespaces kept only by a bind mount
//! (`ip netns add`, `Namespace::bind`) show 0 processes and no pid. An
//! unknown type is a usage error (exit 2); other errors exit 1.

use std::io::Write;
use std::process::ExitCode;

use linuxns::{list, NsInfo, NsSet, NsType};

/// The command line of `pid` (NULs as spaces), `[comm]` for a kernel
/// thread, "" when unreadable.
fn command_of(pid: i32) -> String {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    if cmdline.is_empty() {
        return std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|c| format!("[{}]", c.trim_end()))
            .unwrap_or_default();
    }
    let text: Vec<u8> = cmdline
        .iter()
        .map(|&b| if b == 0 { b' ' } else { b })
        .collect();
    String::from_utf8_lossy(&text).trim_end().to_owned()
}

fn print_all(all: &[NsInfo]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:>10} {:<6} {:>6} {:>7} {:>5} {:>10} {:>10} COMMAND",
        "NS", "TYPE", "NPROCS", "PID", "UID", "USERNS", "PARENT"
    )?;
    for ns in all {
        let pid = ns.pid.map_or("-".to_owned(), |p| p.to_string());
        let parent = ns.parent_id.map_or("-".to_owned(), |p| p.to_string());
        let command = ns.pid.map_or("(bind mount only)".to_owned(), command_of);
        writeln!(
            out,
            "{:>10} {:<6} {:>6} {:>7} {:>5} {:>10} {:>10} {}",
            ns.id, ns.ns_type, ns.nprocs, pid, ns.owner_uid, ns.userns_id, parent, command
        )?;
    }
    out.flush()
}

fn main() -> ExitCode {
    let mut types = NsSet::empty();
    for arg in std::env::args_os().skip(1) {
        match arg.to_string_lossy().parse::<NsType>() {
            Ok(t) => types |= t,
            Err(err) => {
                eprintln!("lsns: {err}");
                eprintln!("usage: lsns [mnt|cgroup|uts|ipc|user|pid|net|time]...");
                return ExitCode::from(2);
            }
        }
    }
    let all = match list(types) {
        Ok(all) => all,
        Err(err) => {
            eprintln!("lsns: {err}");
            return ExitCode::FAILURE;
        }
    };
    match print_all(&all) {
        Ok(()) => ExitCode::SUCCESS,
        // `lsns | head`: the reader is gone, nothing more to say.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lsns: {err}");
            ExitCode::FAILURE
        }
    }
}
