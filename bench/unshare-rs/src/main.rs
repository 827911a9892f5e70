//! Helper of bench/spawn_bench.c: spawns through the `unshare` crate (0.7).
//!
//! Reads one command per line on fd 3 and answers one line on fd 4:
//!   "prog PATH" -> "ok"               program to spawn from now on
//!   "mem MIB"   -> "ok"               allocate and touch MIB MiB, keep it
//!   "run SET"   -> "<ns> <status> <cpu>"
//!                                     one spawn + wait, timed here; cpu is
//!                                     sched_getcpu() right after the wait
//!   failure     -> "err <text>"
//! SET is none, six (user+pid+mnt+uts+ipc+cgroup) or net (six + net).
//! The crate writes the maps itself (from the parent, while the child
//! waits): the caller's euid/egid map to 0, as `unshare -r`.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::io::FromRawFd;
use std::time::Instant;

use unshare::{Command, GidMap, Namespace, UidMap};

const SIX: &[Namespace] = &[
    Namespace::User,
    Namespace::Pid,
    Namespace::Mount,
    Namespace::Uts,
    Namespace::Ipc,
    Namespace::Cgroup,
];

fn command(prog: &str, set: &str) -> Result<Command, String> {
    let mut cmd = Command::new(prog);
    let net = match set {
        "none" => return Ok(cmd),
        "six" => false,
        "net" => true,
        _ => return Err(format!("unknown set {set}")),
    };
    cmd.unshare(SIX);
    if net {
        cmd.unshare(&[Namespace::Net]);
    }
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    cmd.set_id_maps(
        vec![UidMap { inside_uid: 0, outside_uid: euid, count: 1 }],
        vec![GidMap { inside_gid: 0, outside_gid: egid, count: 1 }],
    );
    Ok(cmd)
}

fn main() {
    // Our protocol descriptors must not reach the spawned programs.
    unsafe {
        libc::fcntl(3, libc::F_SETFD, libc::FD_CLOEXEC);
        libc::fcntl(4, libc::F_SETFD, libc::FD_CLOEXEC);
    }
    let input = BufReader::new(unsafe { File::from_raw_fd(3) });
    let mut out = unsafe { File::from_raw_fd(4) };
    let mut ballast: Vec<u8> = Vec::new();
    // One Command per set, built once and reused (spawn takes &mut self),
    // as a program would keep its configuration.
    let mut cmds: Vec<(String, Command)> = Vec::new();
    let mut prog = String::new();

    for line in input.lines() {
        let line = match line {
            Ok(l) => l,
            Err(_) => break,
        };
        let mut words = line.splitn(2, ' ');
        let verb = words.next().unwrap_or("");
        let arg = words.next().unwrap_or("");
        let answer = match verb {
            "prog" => {
                prog = arg.to_string();
                cmds.clear();
                "ok".to_string()
            }
            "mem" => match arg.parse::<usize>() {
                Ok(mib) => {
                    // malloc + memset
                    ballast = vec![1u8; mib << 20];
                    std::hint::black_box(&ballast);
                    "ok".to_string()
                }
                Err(e) => format!("err mem: {e}"),
            },
            "run" => {
                let idx = match cmds.iter().position(|(s, _)| s == arg) {
                    Some(i) => Ok(i),
                    None => command(&prog, arg).map(|c| {
                        cmds.push((arg.to_string(), c));
                        cmds.len() - 1
                    }),
                };
                match idx {
                    Err(e) => format!("err {e}"),
                    Ok(i) => {
                        let cmd = &mut cmds[i].1;
                        let t0 = Instant::now();
                        let r = cmd.spawn().and_then(|mut child| {
                            child.wait().map_err(|e| unshare::Error::WaitError(
                                e.raw_os_error().unwrap_or(-1)))
                        });
                        let dt = t0.elapsed().as_nanos();
                        // SAFETY: no arguments, no memory.
                        let cpu = unsafe { libc::sched_getcpu() };
                        match r {
                            Ok(st) => {
                                // the crate keeps the exit code as an i8
                                let code = match st.code() {
                                    Some(c) => c & 0xff,
                                    None => -st.signal().unwrap_or(0),
                                };
                                format!("{dt} {code} {cpu}")
                            }
                            Err(e) => format!("err spawn: {e}"),
                        }
                    }
                }
            }
            _ => format!("err unknown command '{line}'"),
        };
        if writeln!(out, "{answer}").is_err() {
            break;
        }
    }
    drop(ballast);
}
