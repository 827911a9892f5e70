//! The prepare phase of a spawn: one value owning the plan the child reads
//! and everything the plan points into (the program path, joins, texts,
//! the descriptor shuffle, stacks) and the descriptors of the conversation.
//! The plan points only into heap buffers and mappings, never into the
//! value itself, so it can be moved before the clone.

use std::ffi::{c_char, c_int, CStr, CString};
use std::os::fd::AsRawFd;

use super::attr::SpawnAttr;
use super::mode::{Maps, Mode};
use super::parent::Program;
use super::plan::*;
use super::prep::*;
use crate::error::{Error, Result};
use crate::sys::{self, CloneArgs, Fd};

extern "C" {
    static environ: *const *const c_char;
}

/// What the preparation depends on besides the program.
pub(crate) struct Params<'a> {
    pub attr: &'a SpawnAttr,
    pub mode: &'a Mode,
    pub clone3: bool,
    pub exit_signal: u64,
    pub clear_sighand: u64,
    pub supervise: bool,
    /// Texts of maps the child writes itself (Maps::Child).
    pub self_maps: Option<SelfMaps>,
    /// Descriptors of joins the calling thread makes for the clone
    /// (Launch::caller_joins): not the child's to join.
    pub caller_joins: &'a [c_int],
}

/// A prepared spawn.
pub(crate) struct Prepared {
    pub plan: Plan,
    /// Our end of the report channel (None: vfork, shared memory).
    pub report: Option<Fd>,
    /// A descriptor kept free for one the child sends (see converse::Talk).
    pub reserve: Option<Fd>,
    /// The write end of the go pipe (maps written).
    pub go_w: Option<Fd>,
    /// The write end of a holder's pipe.
    pub hold_w: Option<Fd>,
    /// The library descriptors the first child keeps; it closes every
    /// other one open when it is created.
    pub needed: Vec<c_int>,
    pub stack_a: Stack,
    /// The child's ends, closed in the caller once it is created.
    child_ends: Vec<Fd>,
    // What the plan points into.
    _stack_b: Option<Stack>,
    _parent_pidfd: Option<Fd>,
    _resolved: Option<CString>,
    _more: Vec<*const c_char>,
    _joins: Vec<RawJoin>,
    _root_tree: Option<Fd>,
    _time_text: Vec<u8>,
    _self_maps: Option<SelfMaps>,
    _keep: Vec<c_int>,
    _fd_ops: Vec<FdOp>,
    _pid_env: PidEnv,
    _proc_plan: Box<super::procplan::ProcPlan>,
}

impl Prepared {
    /// Closes our copies of the child's ends (the report channel's EOF
    /// must come from the children alone).
    pub(crate) fn drop_child_ends(&mut self) {
        self.child_ends.clear();
    }
}

/// Builds the plan and opens what the spawn needs, nothing started yet.
///
/// # Safety
/// As spawn: for Program::Exec, argv (and envp unless NULL) are
/// NULL-terminated arrays of C strings.
pub(crate) unsafe fn prepare(p: Params<'_>, program: &Program<'_>) -> Result<Box<Prepared>> {
    let (attr, mode) = (p.attr, p.mode);
    let mut child_ends = Vec::new();
    let mut hold_w = None;
    let mut resolved = None;
    let mut pid_env = PidEnv::default();
    let mut more: Vec<*const c_char> = Vec::new();
    let run = match program {
        Program::Exec { path, argv, envp } => {
            let path = resolve(path)?;
            let run = exec_run(attr, &path, &[], *argv, *envp, &mut pid_env)?;
            resolved = Some(path);
            run
        }
        Program::ExecFirst { paths, argv, envp } => {
            let Some(first) = paths.first() else {
                return Err(Error::new(libc::ENOENT, "program").with_hint("no path to try"));
            };
            more = paths[1..].iter().map(|p| p.as_ptr()).collect();
            exec_run(attr, first, &more, *argv, *envp, &mut pid_env)?
        }
        // The mask is filled in once signals are blocked.
        Program::Call { f, arg } => Run::Call {
            f: *f,
            arg: *arg,
            sigmask: 0,
        },
        Program::Hold { unshare, lo_up, .. } => {
            let (r, w) = sys::pipe().map_err(|e| Error::io(e, "pipe2"))?;
            let fd = r.as_raw_fd();
            child_ends.push(r);
            hold_w = Some(w);
            Run::Hold {
                fd,
                unshare: *unshare,
                lo_up: *lo_up,
            }
        }
    };
    let exec = matches!(run, Run::Exec { .. });
    let intermediate = mode.intermediate;
    let targets: Vec<c_int> = attr.fds.iter().map(|&(c, _)| c).collect();
    // Descriptors come back over a socket; otherwise a pipe does, for less.
    let (report, report_child) = if mode.vfork {
        (None, -1)
    } else {
        let (ours, theirs) = if mode.sends_fds {
            sys::seqpacket_pair().map_err(|e| Error::io(e, "socketpair"))?
        } else {
            sys::pipe().map_err(|e| Error::io(e, "pipe2"))?
        };
        // The child reports an exec failure after its dup2s: keep its end
        // off every descriptor number they write.
        let theirs = avoid_numbers(theirs, &targets)?;
        let raw = theirs.as_raw_fd();
        child_ends.push(theirs);
        (Some(ours), raw)
    };
    // A free slot for each descriptor the child will send: no slot, no
    // spawn, before anything starts.
    let reserve = match &report {
        Some(ours) if mode.sends_fds => Some(
            sys::dup_min(ours.as_raw_fd(), 0).map_err(|e| Error::io(e, "reserve a descriptor"))?,
        ),
        _ => None,
    };
    // A socket, not a pipe: the child may be gone (killed by anyone) when
    // we tell it to go, and a write to a pipe nobody reads would send us
    // SIGPIPE; a send with MSG_NOSIGNAL only fails.
    let (go_fd, go_w) = if mode.maps == Maps::Parent {
        let (r, w) = sys::seqpacket_pair().map_err(|e| Error::io(e, "socketpair"))?;
        let raw = r.as_raw_fd();
        child_ends.push(r);
        (raw, Some(w))
    } else {
        (-1, None)
    };
    // Compared with getppid() by a child armed with a death signal.
    let my_pid = if attr.pdeathsig != 0 {
        sys::process::getpid()
    } else {
        0
    };
    let parent_pidfd = if attr.pdeathsig != 0 {
        match sys::pidfd_open_internal(my_pid) {
            Ok(fd) => Some(fd),
            // Filtered or missing: the child compares getppid() instead.
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => None,
            Err(e) => return Err(Error::io(e, format!("pidfd_open({my_pid})"))),
        }
    } else {
        None
    };

    let mut joins = prepare_joins(attr)?;
    joins.retain(|j| !p.caller_joins.contains(&j.fd));
    // An idmapped root is made here, with the caller's privileges (a child
    // in a new user namespace may not idmap a host filesystem), and only
    // attached by the child.
    let root_tree = match (&attr.root, &attr.root_idmap) {
        (Some(root), Some(userns)) => Some(crate::idmount::idmapped_tree(
            root,
            userns.as_raw_fd(),
            "root",
        )?),
        _ => None,
    };
    let has_maps = attr.uid_map.is_some() || attr.gid_map.is_some();
    if has_maps && attr.new_types & crate::types::NS_USER != 0 && joins.iter().any(|j| j.is_user) {
        // The kernel takes a map only from a process in the new user
        // namespace or its parent, here the joined one; the caller is in
        // neither.
        return Err(Error::new(libc::EOPNOTSUPP, "uid/gid maps")
            .with_hint("a user namespace created inside a joined one cannot be given maps by the caller (the kernel requires the writer to be in its parent); create it without maps, or join without a new user namespace"));
    }
    let time_text = time_offsets_text(&attr.time_offsets);
    let mut keep: Vec<c_int> = attr
        .fds
        .iter()
        .filter(|&&(c, p)| c >= 3 && p >= 0)
        .map(|&(c, _)| c)
        .collect();
    keep.sort_unstable();
    keep.dedup();
    let fd_ops = fd_program(&attr.fds);

    let stack_a = Stack::get()?;
    let stack_b = if intermediate {
        Some(Stack::get()?)
    } else {
        None
    };
    // The final child shares the memory of its parent (the caller, or an
    // intermediate) unless it runs a function.
    let vm = if matches!(run, Run::Call { .. }) {
        0
    } else {
        libc::CLONE_VM as u64
    };
    let text = |b: &[u8]| {
        if b.is_empty() {
            Text::NONE
        } else {
            Text::of(b)
        }
    };
    let self_maps = p.self_maps;
    // The intermediate that reports through shared memory waits for the
    // final child's exec (or failure) before it does.
    let vfork_b = if mode.files_shared {
        libc::CLONE_VFORK as u64
    } else {
        0
    };
    let proc_plan = super::procplan::ProcPlan::of(&attr.proc);
    let new = attr.new_types;
    let plan = Plan {
        report_fd: report_child,
        shared: SharedError::default(),
        go_fd,
        send_proc_dir: mode.send_proc_dir,
        close_first: std::ptr::null(),
        nclose_first: 0,
        first_is_final: !intermediate,
        files_shared: mode.files_shared,
        pidfd_on_error: false,
        lean: false,
        supervise: p.supervise,
        joins: joins.as_ptr(),
        njoins: joins.len(),
        unshare_flags: if intermediate || mode.fast_joins {
            new
        } else {
            0
        },
        joins_in_final: mode.fast_joins,
        time_offsets: text(&time_text),
        // With CLONE_PARENT the final child inherits the intermediate's
        // exit signal (clone3 insists on 0 here), so the intermediate
        // carries it. A supervised program is the intermediate's own
        // child, started with vfork.
        final_args: CloneArgs {
            flags: if p.supervise {
                vm | libc::CLONE_VFORK as u64 | p.clear_sighand
            } else {
                libc::CLONE_PARENT as u64 | vm | vfork_b | p.clear_sighand
            },
            exit_signal: if p.supervise { libc::SIGCHLD as u64 } else { 0 },
            stack: stack_b.as_ref().map_or(0, |s| s.base as u64),
            stack_size: stack_b.as_ref().map_or(0, |s| s.len as u64),
            ..Default::default()
        },
        use_clone3: p.clone3,
        final_legacy_flags: if p.supervise {
            vm | libc::CLONE_VFORK as u64 | libc::SIGCHLD as u64
        } else {
            libc::CLONE_PARENT as u64 | vm | vfork_b | p.exit_signal
        },
        final_stack_top: stack_b.as_ref().map_or(0, |s| s.top()),
        maps_in_final: !intermediate,
        self_setgroups: text(self_maps.as_ref().map_or(&[][..], |m| m.setgroups)),
        self_gid_map: text(self_maps.as_ref().map_or(&[][..], |m| &m.gid)),
        self_uid_map: text(self_maps.as_ref().map_or(&[][..], |m| &m.uid)),
        pdeathsig: attr.pdeathsig,
        parent_pidfd: parent_pidfd.as_ref().map_or(-1, |f| f.as_raw_fd()),
        parent_pid: my_pid,
        hostname: attr
            .hostname
            .as_ref()
            .map_or(Text::NONE, |h| Text::of(h.to_bytes())),
        propagation: propagation_flag(attr),
        root: attr.root.as_ref().map_or(std::ptr::null(), |r| r.as_ptr()),
        root_tree: root_tree.as_ref().map_or(-1, |t| t.as_raw_fd()),
        put_old_rel: attr
            .put_old
            .as_ref()
            .map_or(std::ptr::null(), |o| o.rel.as_ptr()),
        put_old_inside: attr
            .put_old
            .as_ref()
            .map_or(std::ptr::null(), |o| o.inside.as_ptr()),
        detach_old_root: attr.put_old.as_ref().map_or(true, |o| o.detach),
        mount_proc: attr.mount_proc,
        chroot: attr
            .chroot
            .as_ref()
            .map_or(std::ptr::null(), |c| c.as_ptr()),
        pgroup: attr.pgroup.unwrap_or(-1),
        cwd: attr.cwd.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
        fd_ops: fd_ops.as_ptr(),
        nfd_ops: fd_ops.len(),
        close_fds: attr.close_fds,
        keep: keep.as_ptr(),
        nkeep: keep.len(),
        // Read by the child only where close_range(2) is missing.
        fd_limit: if attr.close_fds || !attr.close_ranges.is_empty() {
            super::launch::fd_limit()
        } else {
            0
        },
        close_ranges: attr.close_ranges.as_ptr(),
        nclose_ranges: attr.close_ranges.len(),
        reset_signals: if exec { ALL_SIGNALS } else { 0 },
        keep_sigmask: exec && attr.keep_sigmask,
        // The caller's mask, filled in once signals are blocked.
        caller_sigmask: 0,
        pid_env: pid_env.slots.as_ptr(),
        npid_env: pid_env.slots.len(),
        proc: &*proc_plan,
        creds: PlanCreds {
            uid: attr.creds.uid.map_or(-1, i64::from),
            gid: attr.creds.gid.map_or(-1, i64::from),
            set_groups: attr.creds.groups.is_some(),
            groups: attr
                .creds
                .groups
                .as_ref()
                .map_or(std::ptr::null(), |g| g.as_ptr()),
            ngroups: attr.creds.groups.as_ref().map_or(0, Vec::len),
            caps: attr.proc.caps.given,
        },
        run,
    };
    let mut needed = vec![report_child, go_fd, plan.parent_pidfd];
    if let Run::Hold { fd, .. } = plan.run {
        needed.push(fd);
    }
    needed.extend(joins.iter().map(|j| j.fd));
    needed.push(plan.root_tree);
    // A set_fd source may be one of ours (a helper's stderr pipe).
    needed.extend(attr.fds.iter().map(|&(_, p)| p));
    // On the heap: the caller's frame stays small while the report is
    // read (callers may spawn from threads with the smallest stacks).
    // Allocated first and written in place, not built on this frame and
    // copied: fewer cold cache lines per spawn.
    let slot =
        Box::into_raw(Box::new(std::mem::MaybeUninit::<Prepared>::uninit())).cast::<Prepared>();
    // SAFETY: slot is a fresh allocation for one Prepared, written once
    // here and then owned by the returned box.
    unsafe {
        slot.write(Prepared {
            plan,
            report,
            reserve,
            go_w,
            hold_w,
            needed,
            stack_a,
            child_ends,
            _stack_b: stack_b,
            _parent_pidfd: parent_pidfd,
            _resolved: resolved,
            _more: more,
            _joins: joins,
            _root_tree: root_tree,
            _time_text: time_text,
            _self_maps: self_maps,
            _keep: keep,
            _fd_ops: fd_ops,
            _pid_env: pid_env,
            _proc_plan: proc_plan,
        })
    };
    // SAFETY: as above: initialized, and allocated as a box of its type.
    Ok(unsafe { Box::from_raw(slot) })
}

/// Room for a pid and its NUL: PID_MAX_LIMIT (2^22) has 7 digits.
const PID_ROOM: usize = 12;

/// An environment whose `names` entries the child fills with its pid: the
/// caller's entries but those, then "NAME=" and room for each.
#[derive(Default)]
struct PidEnv {
    bufs: Vec<Vec<u8>>,
    envp: Vec<*const c_char>,
    slots: Vec<PidSlot>,
}

/// The child's exec: `path`, then `more` (which, like path, must outlive
/// the child's use of the plan); envp NULL is the caller's environment.
fn exec_run(
    attr: &SpawnAttr,
    path: &CStr,
    more: &[*const c_char],
    argv: *const *const c_char,
    envp: *const *const c_char,
    pid_env: &mut PidEnv,
) -> Result<Run> {
    if argv.is_null() {
        return Err(Error::invalid("argv").with_hint("NULL"));
    }
    let envp = if envp.is_null() {
        // SAFETY: environ is the C library's, read once here.
        unsafe { environ }
    } else {
        envp
    };
    let envp = if attr.pid_env.is_empty() {
        envp
    } else {
        // SAFETY: envp is a NULL-terminated array of C strings.
        *pid_env = unsafe { with_pid_env(envp, &attr.pid_env) };
        pid_env.envp.as_ptr()
    };
    Ok(Run::Exec {
        path: path.as_ptr(),
        more: more.as_ptr(),
        nmore: more.len(),
        argv,
        envp,
    })
}

/// # Safety
/// envp is a NULL-terminated array of C strings.
unsafe fn with_pid_env(envp: *const *const c_char, names: &[CString]) -> PidEnv {
    let mut out = PidEnv::default();
    let is_named = |entry: &[u8]| {
        names.iter().any(|n| {
            let n = n.to_bytes();
            entry.len() > n.len() && entry.starts_with(n) && entry[n.len()] == b'='
        })
    };
    let mut p = envp;
    // SAFETY: per the contract, up to its NULL.
    unsafe {
        while !p.is_null() && !(*p).is_null() {
            if !is_named(std::ffi::CStr::from_ptr(*p).to_bytes()) {
                out.envp.push(*p);
            }
            p = p.add(1);
        }
    }
    for n in names {
        let mut b = n.to_bytes().to_vec();
        b.push(b'=');
        b.resize(b.len() + PID_ROOM, 0);
        out.bufs.push(b);
    }
    // The child writes through the slots, the kernel reads through envp:
    // raw pointers into buffers nothing else touches until they go.
    for b in out.bufs.iter_mut() {
        let at = b.len() - PID_ROOM;
        out.envp.push(b.as_ptr().cast());
        out.slots.push(PidSlot {
            // SAFETY: at + PID_ROOM is the buffer's length.
            ptr: unsafe { b.as_mut_ptr().add(at) },
            len: PID_ROOM,
        });
    }
    out.envp.push(std::ptr::null());
    out
}
