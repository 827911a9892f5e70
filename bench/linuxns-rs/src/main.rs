//! Helper of bench/spawn_bench.c: spawns through the linuxns crate's safe
//! Rust API, `linuxns::Command` (this repository, by path).
//!
//! Reads one command per line on fd 3 and answers one line on fd 4, as the
//! unshare-rs helper does:
//!   "prog PATH" -> "ok"               program to spawn from now on
//!   "mem MIB"   -> "ok"               allocate and touch MIB MiB, keep it
//!   "run SET"   -> "<ns> <status> <cpu>"
//!                                     one Command::spawn + Child::wait,
//!                                     timed here; cpu is sched_getcpu()
//!                                     right after the wait
//!   "runc SET"  -> "<ns> <status> <cpu>"
//!                                     control: one ns_spawn + waitpid
//!                                     through the C API of the same
//!                                     library, in this same process,
//!                                     timed the same way
//!   failure     -> "err <text>"
//! SET is none, six (user+pid+mnt+uts+ipc+cgroup) or net (six + net).
//! map_root: the caller's euid/egid map to 0, setgroups denied, as
//! `unshare -r`.

use std::ffi::{c_char, c_int, CStr, CString};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::io::FromRawFd;
use std::os::unix::process::ExitStatusExt;
use std::time::Instant;

use linuxns::{Command, NsSet};

const SETS: [&str; 3] = ["none", "six", "net"];

fn set_index(set: &str) -> Result<usize, String> {
    SETS.iter()
        .position(|s| *s == set)
        .ok_or_else(|| format!("unknown set {set}"))
}

fn ns_set(i: usize) -> NsSet {
    let six = NsSet::USER | NsSet::PID | NsSet::MNT | NsSet::UTS | NsSet::IPC | NsSet::CGROUP;
    match i {
        1 => six,
        _ => six | NsSet::NET,
    }
}

/// One Command per set, built once when the program is chosen and reused
/// (spawn takes &mut self), as a program would keep its configuration.
fn command(prog: &str, i: usize) -> Command {
    let mut cmd = Command::new(prog);
    if i != 0 {
        cmd.unshare(ns_set(i)).map_root();
    }
    cmd
}

// The C API of the same library (linked in from the linuxns rlib), for the
// control contender: the same calls spawn_bench.c makes for `ns_spawn`.
#[repr(C)]
struct NsSpawnAttr {
    _private: [u8; 0],
}

extern "C" {
    fn ns_spawn_attr_new() -> *mut NsSpawnAttr;
    fn ns_spawn_attr_set_namespaces(attr: *mut NsSpawnAttr, types: c_int) -> c_int;
    fn ns_spawn_attr_map_root(attr: *mut NsSpawnAttr) -> c_int;
    fn ns_spawn(
        path: *const c_char,
        argv: *const *mut c_char,
        envp: *const *mut c_char,
        attr: *const NsSpawnAttr,
        pidfd: *mut c_int,
    ) -> libc::pid_t;
    fn ns_last_error() -> *const c_char;
}

fn last_error() -> String {
    // SAFETY: ns_last_error returns a NUL-terminated thread-local string or
    // NULL.
    let p = unsafe { ns_last_error() };
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: non-NULL, NUL-terminated, valid until the next call.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

/// The C attrs, one per set (NULL for none), built once and never freed.
fn c_attrs() -> Result<[*mut NsSpawnAttr; 3], String> {
    let mut attrs = [std::ptr::null_mut(); 3];
    for (i, a) in attrs.iter_mut().enumerate().skip(1) {
        // SAFETY: plain C API calls on an attr we own.
        unsafe {
            *a = ns_spawn_attr_new();
            if a.is_null() {
                return Err(format!("ns_spawn_attr_new: {}", last_error()));
            }
            let mut rc = ns_spawn_attr_set_namespaces(*a, ns_set(i).bits());
            if rc == 0 {
                rc = ns_spawn_attr_map_root(*a);
            }
            if rc < 0 {
                return Err(format!("ns_spawn_attr ({}): {}", SETS[i], last_error()));
            }
        }
    }
    Ok(attrs)
}

/// The CPU this thread runs on (-1 if unknown).
fn getcpu() -> i32 {
    // SAFETY: no arguments, no memory.
    unsafe { libc::sched_getcpu() }
}

/// exit code, or -signal
fn wait_status(pid: libc::pid_t) -> Result<i32, String> {
    let mut st: c_int = 0;
    loop {
        // SAFETY: waits for our own child.
        let r = unsafe { libc::waitpid(pid, &mut st, 0) };
        if r >= 0 {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(format!("waitpid: {e}"));
        }
    }
    Ok(if libc::WIFEXITED(st) {
        libc::WEXITSTATUS(st)
    } else {
        -libc::WTERMSIG(st)
    })
}

fn main() {
    // Our protocol descriptors must not reach the spawned programs.
    // SAFETY: fcntl on descriptors the driver gave us.
    unsafe {
        libc::fcntl(3, libc::F_SETFD, libc::FD_CLOEXEC);
        libc::fcntl(4, libc::F_SETFD, libc::FD_CLOEXEC);
    }
    // SAFETY: fds 3 and 4 are ours (set up by the driver), owned here.
    let input = BufReader::new(unsafe { File::from_raw_fd(3) });
    // SAFETY: as above.
    let mut out = unsafe { File::from_raw_fd(4) };
    let mut ballast: Vec<u8> = Vec::new();
    let mut cmds: Vec<Command> = Vec::new();
    let mut prog_c = CString::default();
    let attrs = match c_attrs() {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(out, "err {e}");
            return;
        }
    };

    for line in input.lines() {
        let line = match line {
            Ok(l) => l,
            Err(_) => break,
        };
        let mut words = line.splitn(2, ' ');
        let verb = words.next().unwrap_or("");
        let arg = words.next().unwrap_or("");
        let answer = match verb {
            "prog" => match CString::new(arg) {
                Ok(c) => {
                    prog_c = c;
                    cmds = (0..SETS.len()).map(|i| command(arg, i)).collect();
                    "ok".to_string()
                }
                Err(e) => format!("err prog: {e}"),
            },
            "mem" => match arg.parse::<usize>() {
                Ok(mib) => {
                    // malloc + memset
                    ballast = vec![1u8; mib << 20];
                    std::hint::black_box(&ballast);
                    "ok".to_string()
                }
                Err(e) => format!("err mem: {e}"),
            },
            "run" => match set_index(arg) {
                Err(e) => format!("err {e}"),
                Ok(_) if cmds.is_empty() => "err run before prog".to_string(),
                Ok(i) => {
                    let cmd = &mut cmds[i];
                    let t0 = Instant::now();
                    let r = cmd.spawn().and_then(|mut child| child.wait());
                    let dt = t0.elapsed().as_nanos();
                    let cpu = getcpu();
                    match r {
                        Ok(st) => {
                            let code = match st.code() {
                                Some(c) => c,
                                None => -st.signal().unwrap_or(0),
                            };
                            format!("{dt} {code} {cpu}")
                        }
                        Err(e) => format!("err spawn: {e}"),
                    }
                }
            },
            "runc" => match set_index(arg) {
                Err(e) => format!("err {e}"),
                Ok(_) if cmds.is_empty() => "err runc before prog".to_string(),
                Ok(i) => {
                    let argv = [prog_c.as_ptr() as *mut c_char, std::ptr::null_mut()];
                    // A pidfd, as linuxns::Command's Child holds one: the
                    // same work through the C API.
                    let mut pidfd: c_int = -1;
                    let t0 = Instant::now();
                    // SAFETY: path and argv are NUL-terminated and live
                    // across the call; envp NULL is the caller's
                    // environment; attr is ours or NULL; pidfd is ours.
                    let pid = unsafe {
                        ns_spawn(
                            prog_c.as_ptr(),
                            argv.as_ptr(),
                            std::ptr::null(),
                            attrs[i],
                            &mut pidfd,
                        )
                    };
                    let r = if pid < 0 {
                        Err(format!("ns_spawn: {}", last_error()))
                    } else {
                        let r = wait_status(pid);
                        // SAFETY: the pidfd ns_spawn gave us, closed once.
                        unsafe { libc::close(pidfd) };
                        r
                    };
                    let dt = t0.elapsed().as_nanos();
                    let cpu = getcpu();
                    match r {
                        Ok(code) => format!("{dt} {code} {cpu}"),
                        Err(e) => format!("err {e}"),
                    }
                }
            },
            _ => format!("err unknown command '{line}'"),
        };
        if writeln!(out, "{answer}").is_err() {
            break;
        }
    }
    drop(ballast);
}
