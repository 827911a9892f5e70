//! The caller's side of a spawn: preparation, the clone, the conversation
//! with the child over the report pipe, reaping on failure.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use super::attr::SpawnAttr;
use super::child::{self, Msg, Plan, RawJoin, Run, MSG_CHILD, MSG_ERROR, MSG_HELD, MSG_READY};
use crate::error::{Error, Result};
use crate::handles::{is_namespace, is_own, open_pidfd};
use crate::idmap::{write_map, MapKind};
use crate::sys::{consts::*, features, raw, CloneArgs};
use crate::types::*;

/// What the child runs.
pub enum Program<'a> {
    /// execve(path, argv, envp); envp NULL is the caller's environment; a
    /// path without '/' is looked up in PATH.
    Exec {
        path: &'a CStr,
        argv: *const *const c_char,
        envp: *const *const c_char,
    },
    /// fn(arg) in a fork-like copy of the caller; its return is the status.
    Call {
        f: unsafe extern "C" fn(*mut c_void) -> c_int,
        arg: *mut c_void,
    },
    /// Nothing: the child waits in its namespaces while `f(pid)` runs in
    /// the caller, then exits and is reaped before spawn returns (which
    /// then gives pid 0). For acquiring namespaces, e.g. a user namespace
    /// with maps.
    Hold(&'a mut dyn FnMut(libc::pid_t) -> Result<()>),
}

const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
const CLONE_ARGS_SIZE_VER2: usize = 88;
const STACK_SIZE: usize = 256 * 1024;

extern "C" {
    static environ: *const *const c_char;
}

/// An mmap'd stack with a guard page below it.
struct Stack {
    base: *mut c_void,
    len: usize,
}

impl Stack {
    fn new() -> Result<Stack> {
        let len = STACK_SIZE;
        // SAFETY: a fresh anonymous mapping.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(Error::io(
                std::io::Error::last_os_error(),
                "mmap child stack",
            ));
        }
        // SAFETY: the first page of our own mapping becomes the guard.
        unsafe { libc::mprotect(base, 4096, libc::PROT_NONE) };
        Ok(Stack { base, len })
    }

    /// 16-byte aligned top.
    fn top(&self) -> usize {
        (self.base as usize + self.len) & !15
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: our own mapping, no longer used by any child.
        unsafe { libc::munmap(self.base, self.len) };
    }
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as c_int; 2];
    // SAFETY: fds is valid for two ints.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(Error::io(std::io::Error::last_os_error(), "pipe2"));
    }
    // SAFETY: two new descriptors we own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Moves fd to a number >= min (close-on-exec), so the child's dup2s cannot
/// land on it.
fn move_above(fd: OwnedFd, min: RawFd) -> Result<OwnedFd> {
    if fd.as_raw_fd() >= min {
        return Ok(fd);
    }
    // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor or fails.
    let n = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, min) };
    if n < 0 {
        return Err(Error::io(
            std::io::Error::last_os_error(),
            "fcntl F_DUPFD_CLOEXEC",
        ));
    }
    // SAFETY: new descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(n) })
}

/// Is clone3 usable here? Probed once with an invalid size: EINVAL means
/// it exists, ENOSYS (old kernel or a seccomp filter) that it does not.
fn have_clone3() -> bool {
    features::CLONE3.get_or_probe(|| {
        // SAFETY: size 0 is refused before anything is created.
        let r = unsafe { raw::syscall(SYS_CLONE3, &[0, 0]) };
        r != -(libc::ENOSYS as isize)
    })
}

/// Looks `path` up in PATH when it has no '/'.
fn resolve(path: &CStr) -> Result<CString> {
    let bytes = path.to_bytes();
    if bytes.is_empty() {
        return Err(Error::new(libc::ENOENT, "ns_spawn: path").hint("empty"));
    }
    if bytes.contains(&b'/') {
        return Ok(path.to_owned());
    }
    let paths = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    for dir in std::env::split_paths(&paths) {
        let mut cand = dir.into_os_string().into_encoded_bytes();
        if cand.is_empty() {
            cand.push(b'.');
        }
        cand.push(b'/');
        cand.extend_from_slice(bytes);
        let Ok(c) = CString::new(cand) else { continue };
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: NUL-terminated paths; st valid for writing.
        let ok = unsafe {
            libc::stat(c.as_ptr(), st.as_mut_ptr()) == 0
                && st.assume_init().st_mode & libc::S_IFMT == libc::S_IFREG
                && libc::access(c.as_ptr(), libc::X_OK) == 0
        };
        if ok {
            return Ok(c);
        }
    }
    Err(Error::new(
        libc::ENOENT,
        format!("ns_spawn: {}", path.to_string_lossy()),
    )
    .hint("not found in PATH"))
}

fn time_offsets_text(offsets: &[(libc::clockid_t, i64, i64)]) -> Vec<u8> {
    let mut s = String::new();
    for &(clock, sec, nsec) in offsets {
        let name = if clock == libc::CLOCK_BOOTTIME {
            "boottime"
        } else {
            "monotonic"
        };
        s.push_str(&format!("{name} {sec} {nsec}\n"));
    }
    s.into_bytes()
}

/// Blocks every signal of the calling thread until dropped.
struct SignalsBlocked(libc::sigset_t);

impl SignalsBlocked {
    fn new() -> SignalsBlocked {
        // SAFETY: sigset operations on local values.
        unsafe {
            let mut all = std::mem::zeroed::<libc::sigset_t>();
            let mut old = std::mem::zeroed::<libc::sigset_t>();
            libc::sigfillset(&mut all);
            libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
            SignalsBlocked(old)
        }
    }
}

impl Drop for SignalsBlocked {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved in new().
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.0, std::ptr::null_mut()) };
    }
}

/// Starts the child. Returns its pid and, if asked, its pidfd.
///
/// # Safety
/// For `Program::Exec`, argv (and envp unless NULL) are NULL-terminated
/// arrays of C strings; for `Program::Call`, f(arg) is safe to run in a
/// fork-like copy of the caller.
pub unsafe fn spawn(
    attr: &SpawnAttr,
    program: Program<'_>,
    want_pidfd: bool,
) -> Result<(libc::pid_t, Option<OwnedFd>)> {
    attr.check()?;
    let clone3 = have_clone3();
    if attr.cgroup.is_some() && !clone3 {
        return Err(Error::new(libc::EOPNOTSUPP, "ns_spawn: cgroup")
            .hint("CLONE_INTO_CGROUP needs clone3 (5.7)"));
    }
    let exec = matches!(program, Program::Exec { .. });
    let shares_memory = !matches!(program, Program::Call { .. });
    let mut hold = None;
    let mut hold_pipe = None;
    let resolved;
    let run = match program {
        Program::Exec { path, argv, envp } => {
            if argv.is_null() {
                return Err(Error::invalid("ns_spawn: argv").hint("NULL"));
            }
            resolved = resolve(path)?;
            // SAFETY: environ is the C library's, read once here.
            let envp = if envp.is_null() {
                unsafe { environ }
            } else {
                envp
            };
            Run::Exec {
                path: resolved.as_ptr(),
                argv,
                envp,
            }
        }
        Program::Call { f, arg } => Run::Call {
            f,
            arg,
            // Filled in below, once signals are blocked.
            // SAFETY: an all-zero sigset is a valid empty set.
            sigmask: unsafe { std::mem::zeroed() },
        },
        Program::Hold(f) => {
            let (r, w) = pipe()?;
            let (fd, write_fd) = (r.as_raw_fd(), w.as_raw_fd());
            hold = Some(f);
            hold_pipe = Some((r, w));
            Run::Hold { fd, write_fd }
        }
    };

    let new = attr.new_types;
    let intermediate =
        !attr.joins.is_empty() || !attr.time_offsets.is_empty() || (new & NS_TIME != 0 && !clone3);
    let maps = new & NS_USER != 0 && (attr.uid_map.is_some() || attr.gid_map.is_some());

    // Pipes, kept above every descriptor the child's dup2s touch.
    let high = attr.fds.iter().map(|&(c, p)| c.max(p)).max().unwrap_or(2);
    let (report_r, report_w) = pipe()?;
    let report_w = move_above(report_w, high + 1)?;
    let (go_r, go_w) = if maps {
        let (r, w) = pipe()?;
        (Some(move_above(r, high + 1)?), Some(w))
    } else {
        (None, None)
    };
    let fd_scratch = high
        .max(report_w.as_raw_fd())
        .max(go_r.as_ref().map_or(0, |f| f.as_raw_fd()))
        + 1;

    // Joins: the user namespace first when we are unprivileged (to gain
    // rights over the others), last when privileged (to keep ours).
    // SAFETY: geteuid has no memory effects.
    let privileged = unsafe { libc::geteuid() } == 0;
    let mut joins = prepare_joins(attr)?;
    joins.sort_by_key(|j| j.is_user == privileged);

    let time_text = time_offsets_text(&attr.time_offsets);
    let parent_pidfd = if attr.pdeathsig != 0 {
        // SAFETY: plain system call.
        let r = unsafe { libc::syscall(SYS_PIDFD_OPEN, libc::getpid(), 0) };
        if r < 0 {
            return Err(Error::io(
                std::io::Error::last_os_error(),
                "pidfd_open(self)",
            ));
        }
        // SAFETY: a new descriptor we own.
        Some(unsafe { OwnedFd::from_raw_fd(r as RawFd) })
    } else {
        None
    };
    let mut keep: Vec<c_int> = attr
        .fds
        .iter()
        .filter(|&&(c, p)| c >= 3 && p >= 0)
        .map(|&(c, _)| c)
        .collect();
    keep.sort_unstable();
    keep.dedup();
    let fd_limit = {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: rl is valid for writing.
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) };
        rl.rlim_cur.min(65536) as c_int
    };

    let stack_a = Stack::new()?;
    let stack_b = if intermediate {
        Some(Stack::new()?)
    } else {
        None
    };
    let vm = if shares_memory {
        libc::CLONE_VM as u64
    } else {
        0
    };
    let clear_sighand = if exec && clone3 {
        CLONE_CLEAR_SIGHAND
    } else {
        0
    };

    // With CLONE_PARENT the final child inherits the intermediate's exit
    // signal (clone3 insists on 0 here), so the intermediate carries SIGCHLD.
    let final_args = CloneArgs {
        flags: libc::CLONE_PARENT as u64 | vm | clear_sighand,
        exit_signal: 0,
        stack: stack_b.as_ref().map_or(0, |s| s.base as u64),
        stack_size: stack_b.as_ref().map_or(0, |s| s.len as u64),
        ..Default::default()
    };
    let mut plan = Plan {
        report_fd: report_w.as_raw_fd(),
        go_fd: go_r.as_ref().map_or(-1, |f| f.as_raw_fd()),
        go_w_fd: go_w.as_ref().map_or(-1, |f| f.as_raw_fd()),
        joins: joins.as_ptr(),
        njoins: joins.len(),
        unshare_flags: if intermediate { new } else { 0 },
        time_offsets: time_text.as_ptr(),
        time_offsets_len: time_text.len(),
        final_args: if clone3 {
            final_args
        } else {
            CloneArgs {
                flags: libc::CLONE_PARENT as u64 | vm | libc::SIGCHLD as u64,
                ..Default::default()
            }
        },
        use_clone3: clone3,
        final_stack_top: stack_b.as_ref().map_or(0, |s| s.top()),
        maps_in_final: !intermediate,
        pdeathsig: attr.pdeathsig,
        parent_pidfd: parent_pidfd.as_ref().map_or(-1, |f| f.as_raw_fd()),
        hostname: attr
            .hostname
            .as_ref()
            .map_or(std::ptr::null(), |h| h.as_ptr().cast()),
        hostname_len: attr.hostname.as_ref().map_or(0, |h| h.to_bytes().len()),
        propagation: propagation_flag(attr),
        root: attr.root.as_ref().map_or(std::ptr::null(), |r| r.as_ptr()),
        mount_proc: attr.mount_proc,
        cwd: attr.cwd.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
        fds: attr.fds.as_ptr(),
        nfds: attr.fds.len(),
        fd_scratch,
        close_fds: attr.close_fds,
        keep: keep.as_ptr(),
        nkeep: keep.len(),
        fd_limit,
        reset_signals: exec,
        run,
    };

    let mut pidfd: c_int = -1;
    let entry: raw::ChildEntry = if intermediate {
        child::intermediate_entry
    } else {
        child::final_entry
    };
    let first_pid = {
        let blocked = SignalsBlocked::new();
        if let Run::Call {
            ref mut sigmask, ..
        } = plan.run
        {
            *sigmask = blocked.0;
        }
        let cgroup = attr.cgroup_fd();
        let ret = if clone3 {
            let mut args = CloneArgs {
                flags: vm | clear_sighand | if intermediate { 0 } else { new as u32 as u64 },
                exit_signal: libc::SIGCHLD as u64,
                stack: stack_a.base as u64,
                stack_size: stack_a.len as u64,
                ..Default::default()
            };
            if want_pidfd && !intermediate {
                args.flags |= CLONE_PIDFD;
                args.pidfd = &mut pidfd as *mut c_int as u64;
            }
            if let Some(cg) = cgroup {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = cg as u64;
            }
            let size = if cgroup.is_some() {
                CLONE_ARGS_SIZE_VER2
            } else {
                CLONE_ARGS_SIZE_VER0
            };
            // SAFETY: the child runs entry(&plan) on stack_a; plan, stacks
            // and every pointer in plan outlive it (we wait for EOF below).
            unsafe {
                raw::clone3_call(
                    &mut args as *mut CloneArgs as *mut c_void,
                    size,
                    entry,
                    &plan as *const Plan as *mut c_void,
                )
            }
        } else {
            let mut flags =
                vm | libc::SIGCHLD as u64 | if intermediate { 0 } else { new as u32 as u64 };
            if want_pidfd && !intermediate {
                flags |= CLONE_PIDFD;
            }
            // SAFETY: as above, through the C library's clone.
            unsafe { child::legacy_clone(&plan, entry, flags, stack_a.top(), &mut pidfd) }
        };
        drop(blocked);
        ret
    };
    drop(report_w);
    drop(go_r);
    if first_pid < 0 {
        return Err(Error::new(
            (-first_pid) as i32,
            format!("clone({})", mask_text(if intermediate { 0 } else { new })),
        ));
    }
    let first_pid = first_pid as libc::pid_t;
    let first_pidfd = (pidfd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(pidfd) });

    let (hold_r, hold_w) = hold_pipe.map_or((None, None), |(r, w)| (Some(r), Some(w)));
    drop(hold_r);
    let held = hold.map(|f| (f, hold_w));
    let is_hold = held.is_some();
    let outcome = converse(attr, &report_r, go_w, first_pid, intermediate, held);

    if intermediate {
        // ECHILD if the caller's runtime reaped it first: harmless.
        reap(first_pid, 0);
    }
    let final_pid = if intermediate {
        outcome.final_pid
    } else {
        Some(first_pid)
    };
    // The plan and stacks may go now: every child has exec'd or exited.
    std::hint::black_box(&plan);
    drop(stack_a);
    drop(stack_b);

    if let Some(err) = outcome.error {
        if let Some(p) = final_pid {
            reap(p, 0);
        }
        return Err(err);
    }
    let Some(pid) = final_pid else {
        return Err(Error::new(libc::ECHILD, "child: intermediate process")
            .hint("it ended without starting the program"));
    };
    if is_hold {
        reap(pid, 0);
        return Ok((0, None));
    }
    let pidfd = if !want_pidfd {
        None
    } else if let Some(fd) = first_pidfd {
        Some(fd)
    } else {
        // The final child is our own unreaped child: its pid cannot be
        // reused before we wait for it, so this pidfd is race-free.
        // SAFETY: plain system call.
        let r = unsafe { libc::syscall(SYS_PIDFD_OPEN, pid, 0) };
        if r < 0 {
            return Err(Error::io(
                std::io::Error::last_os_error(),
                format!("pidfd_open({pid})"),
            ));
        }
        // SAFETY: a new descriptor we own.
        Some(unsafe { OwnedFd::from_raw_fd(r as RawFd) })
    };
    Ok((pid, pidfd))
}

/// The joins as the child performs them. Joining the user namespace the
/// caller is in is a no-op (the kernel would refuse it), so it is dropped
/// here, at spawn time, as ns_setns does.
fn prepare_joins(attr: &SpawnAttr) -> Result<Vec<RawJoin>> {
    let user = NsType::from_bit(NS_USER).ok_or_else(|| Error::invalid("user"))?;
    let mut out = Vec::with_capacity(attr.joins.len());
    for j in &attr.joins {
        let fd = j.fd.as_raw_fd();
        let mut types = j.types;
        if j.covers & NS_USER != 0 {
            let target = if is_namespace(fd)? {
                None
            } else {
                Some(open_pidfd(fd, NS_USER)?)
            };
            let target_fd = target.as_ref().map_or(fd, |t| t.as_raw_fd());
            // SAFETY: target_fd is open for the duration of this call.
            if is_own(unsafe { BorrowedFd::borrow_raw(target_fd) }, user)? {
                if target.is_none() {
                    continue;
                }
                types &= !NS_USER;
            }
        }
        out.push(RawJoin {
            fd,
            types,
            is_user: types & NS_USER != 0 || (types == 0 && j.covers == NS_USER),
        });
    }
    Ok(out)
}

fn propagation_flag(attr: &SpawnAttr) -> libc::c_ulong {
    if attr.new_types & NS_MNT == 0 {
        return 0;
    }
    match attr.propagation.unwrap_or(NS_PROPAGATION_PRIVATE) {
        NS_PROPAGATION_SLAVE => libc::MS_SLAVE,
        NS_PROPAGATION_SHARED => libc::MS_SHARED,
        NS_PROPAGATION_UNCHANGED => 0,
        _ => libc::MS_PRIVATE,
    }
}

struct Outcome {
    error: Option<Error>,
    final_pid: Option<libc::pid_t>,
}

/// Reads the child's messages until every writer is gone (exec or exit),
/// writing the maps when the child says it is ready for them.
type Held<'a, 'b> = (
    &'a mut dyn FnMut(libc::pid_t) -> Result<()>,
    Option<OwnedFd>,
);

fn converse(
    attr: &SpawnAttr,
    report: &OwnedFd,
    mut go: Option<OwnedFd>,
    map_pid: libc::pid_t,
    intermediate: bool,
    mut held: Option<Held<'_, '_>>,
) -> Outcome {
    let mut out = Outcome {
        error: None,
        final_pid: if intermediate { None } else { Some(map_pid) },
    };
    let mut held_pending = false;
    loop {
        let mut msg = Msg::default();
        // SAFETY: msg is a plain struct valid for writing.
        let n = unsafe {
            libc::read(
                report.as_raw_fd(),
                &mut msg as *mut Msg as *mut c_void,
                std::mem::size_of::<Msg>(),
            )
        };
        if n < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            out.error.get_or_insert_with(|| {
                Error::io(std::io::Error::last_os_error(), "read child report")
            });
            break;
        }
        if n == 0 {
            break;
        }
        match msg.kind {
            MSG_READY => match write_maps(attr, map_pid) {
                Ok(()) => {
                    if let Some(g) = go.take() {
                        // SAFETY: one byte from a local.
                        unsafe { libc::write(g.as_raw_fd(), b"g".as_ptr().cast(), 1) };
                    }
                }
                Err(e) => {
                    // Closing the go pipe makes the child leave.
                    go = None;
                    out.error.get_or_insert(e);
                }
            },
            MSG_CHILD => out.final_pid = Some(msg.arg),
            MSG_HELD => held_pending = true,
            MSG_ERROR => {
                let mut step = child::step_name(msg.step).to_string();
                if msg.arg >= 0 {
                    step = match msg.step {
                        s if s == child::Step::Setns as u32 => format!("{step} (join {})", msg.arg),
                        _ => format!("{step} (fd {})", msg.arg),
                    };
                }
                out.error
                    .get_or_insert(Error::new(msg.errno, format!("child: {step}")));
            }
            _ => {}
        }
        // The holding child is ready once both its HELD and (through an
        // intermediate) its pid have arrived; then run the callback and
        // release it by closing the hold pipe.
        if let (true, Some(pid)) = (held_pending, out.final_pid) {
            if let Some((f, w)) = held.take() {
                if let Err(e) = f(pid) {
                    out.error.get_or_insert(e);
                }
                drop(w);
            }
            held_pending = false;
        }
    }
    out
}

fn write_maps(attr: &SpawnAttr, pid: libc::pid_t) -> Result<()> {
    if let Some(g) = &attr.gid_map {
        write_map(MapKind::Gid, pid, &g.map, g.flags)?;
    }
    if let Some(u) = &attr.uid_map {
        write_map(MapKind::Uid, pid, &u.map, u.flags)?;
    }
    Ok(())
}

fn reap(pid: libc::pid_t, flags: c_int) {
    let mut status = 0;
    loop {
        // SAFETY: status is valid for writing.
        let r = unsafe { libc::waitpid(pid, &mut status, flags) };
        if r >= 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            break;
        }
    }
}
