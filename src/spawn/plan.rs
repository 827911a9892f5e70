//! What the parent prepares and the child reads: the plan, the messages on
//! the report pipe, and the names of the child's steps.

use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicI32, AtomicU32};

use crate::sys::CloneArgs;

/// What a child tells the parent through the report pipe.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Msg {
    pub kind: u32,
    pub errno: i32,
    pub step: u32,
    pub arg: i32,
}

pub(crate) const MSG_ERROR: u32 = 1;
/// In a new user namespace, waiting for the parent to write the maps;
/// carries the child's /proc/self directory, through which they are written.
pub(crate) const MSG_READY: u32 = 2;
/// The intermediate process created the final child; `arg` is its pid, and
/// the message carries its pidfd (CLONE_PIDFD).
pub(crate) const MSG_CHILD: u32 = 3;
/// A holding child is set up and waits for its hold pipe to close; carries
/// its /proc/self directory.
pub(crate) const MSG_HELD: u32 = 4;

/// Steps of the child, named for ns_last_error by [`step_name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Step {
    Pdeathsig = 1,
    ParentGone,
    Setns,
    Unshare,
    WaitMaps,
    TimeOffsets,
    Clone,
    Hostname,
    Propagation,
    RootBind,
    RootChdir,
    PivotRoot,
    UmountOldRoot,
    MountProc,
    Chdir,
    Dup,
    Signals,
    Exec,
    Setgroups,
    GidMap,
    UidMap,
    ProcSelf,
    Groups,
    Gid,
    Uid,
    Caps,
    Chroot,
    Setpgid,
    RootIdmap,
    Setsid,
    Rlimit,
    Bounding,
    CapSets,
    Ambient,
    NoNewPrivs,
    Seccomp,
    LoopbackUp,
}

impl Step {
    /// Every step, for turning a code back into a step.
    const ALL: [Step; 37] = [
        Step::Pdeathsig,
        Step::ParentGone,
        Step::Setns,
        Step::Unshare,
        Step::WaitMaps,
        Step::TimeOffsets,
        Step::Clone,
        Step::Hostname,
        Step::Propagation,
        Step::RootBind,
        Step::RootChdir,
        Step::PivotRoot,
        Step::UmountOldRoot,
        Step::MountProc,
        Step::Chdir,
        Step::Dup,
        Step::Signals,
        Step::Exec,
        Step::Setgroups,
        Step::GidMap,
        Step::UidMap,
        Step::ProcSelf,
        Step::Groups,
        Step::Gid,
        Step::Uid,
        Step::Caps,
        Step::Chroot,
        Step::Setpgid,
        Step::RootIdmap,
        Step::Setsid,
        Step::Rlimit,
        Step::Bounding,
        Step::CapSets,
        Step::Ambient,
        Step::NoNewPrivs,
        Step::Seccomp,
        Step::LoopbackUp,
    ];

    /// What the step does, for ns_last_error.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Pdeathsig => "prctl(PR_SET_PDEATHSIG)",
            Step::ParentGone => "parent exited before exec",
            Step::Setns => "setns",
            Step::Unshare => "unshare",
            Step::WaitMaps => "wait for uid/gid maps",
            Step::TimeOffsets => "write /proc/self/timens_offsets",
            Step::Clone => "clone",
            Step::Hostname => "sethostname",
            Step::Propagation => "mount propagation of /",
            Step::RootBind => "bind-mount new root",
            Step::RootChdir => "chdir to new root",
            Step::PivotRoot => "pivot_root",
            Step::UmountOldRoot => "detach old root",
            Step::MountProc => "mount /proc",
            Step::Chdir => "chdir",
            Step::Dup => "dup2",
            Step::Signals => "reset signals",
            Step::Exec => "execve",
            Step::Setgroups => "write /proc/self/setgroups",
            Step::GidMap => "write /proc/self/gid_map",
            Step::UidMap => "write /proc/self/uid_map",
            Step::ProcSelf => "open /proc/self",
            Step::Groups => "setgroups",
            Step::Gid => "setresgid",
            Step::Uid => "setresuid",
            Step::Caps => "capset (keep capabilities)",
            Step::Chroot => "chroot",
            Step::Setpgid => "setpgid",
            Step::RootIdmap => "attach idmapped root",
            Step::Setsid => "setsid",
            Step::Rlimit => "setrlimit",
            Step::Bounding => "drop from the bounding set",
            Step::CapSets => "capset (permitted, effective, inheritable)",
            Step::Ambient => "raise ambient capability",
            Step::NoNewPrivs => "prctl(PR_SET_NO_NEW_PRIVS)",
            Step::Seccomp => "install seccomp filter",
            Step::LoopbackUp => "bring lo up (SIOCSIFFLAGS)",
        }
    }
}

/// The name of the step a child reported by its code.
pub(crate) fn step_name(code: u32) -> &'static str {
    Step::ALL
        .iter()
        .find(|&&s| s as u32 == code)
        .map_or("?", |s| s.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_its_code_and_name() {
        for (i, s) in Step::ALL.iter().enumerate() {
            assert_eq!(*s as u32, i as u32 + 1);
            assert_eq!(step_name(*s as u32), s.name());
        }
        assert_eq!(step_name(0), "?");
        assert_eq!(step_name(999), "?");
    }
}

/// A prepared join: descriptor and types for setns.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawJoin {
    pub fd: c_int,
    pub types: c_int,
    /// Enters a user namespace (ordered first or last by the parent).
    pub is_user: bool,
}

/// What the child runs at the end.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Run {
    Exec {
        path: *const c_char,
        /// Further candidates tried in order when execve of the one
        /// before fails as execvp goes on (not found, not permitted): the
        /// PATH search of a program name, done in the child.
        more: *const *const c_char,
        nmore: usize,
        argv: *const *const c_char,
        envp: *const *const c_char,
    },
    Call {
        f: unsafe extern "C" fn(*mut c_void) -> c_int,
        arg: *mut c_void,
        /// The caller's mask (the kernel's 64-bit set).
        sigmask: u64,
    },
    /// Unshare `unshare`, then stay in the namespaces until `fd` (a
    /// pipe's read end) reaches EOF.
    Hold {
        fd: c_int,
        unshare: c_int,
        /// Set IFF_UP on lo (in its network namespace) before holding.
        lo_up: bool,
    },
}

/// One step of the descriptor shuffle before exec, planned by the parent so
/// that every `set_fd` reads the caller's descriptor as it was (a parallel
/// assignment): a target is written only once nothing still needs its old
/// value; a cycle is broken with one temporary copy, taken at the lowest
/// free number (so it never overwrites a descriptor the child inherited).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FdOp {
    /// dup2(from, to), without close-on-exec.
    Dup { from: c_int, to: c_int },
    /// Keep `fd` itself open across exec (clear FD_CLOEXEC).
    Keep { fd: c_int },
    /// Copy `from` to the temporary.
    SaveTemp { from: c_int },
    /// dup2(temporary, to).
    FromTemp { to: c_int },
    /// Close the temporary.
    CloseTemp,
    /// Close `fd` in the child.
    Close { fd: c_int },
}

/// A failure recorded in shared memory, for vfork children (which have no
/// report pipe): the parent reads it once clone returns.
#[derive(Debug, Default)]
pub(crate) struct SharedError {
    pub errno: AtomicI32,
    pub step: AtomicU32,
    pub arg: AtomicI32,
    /// Plan::files_shared: the final child's pid (0: none created) and
    /// its pidfd, a descriptor of the caller's (the intermediate's clone
    /// made it in the shared table).
    pub final_pid: AtomicI32,
    pub final_pidfd: AtomicI32,
    /// Plan::pidfd_on_error: the pidfd the child opened of itself before
    /// reporting an error (or -errno), a descriptor of the caller's.
    pub own_pidfd: AtomicI32,
}

/// Every signal but SIGKILL and SIGSTOP, which cannot be changed
/// (Plan::reset_signals of a program).
pub(crate) const ALL_SIGNALS: u64 = !((1 << (libc::SIGKILL - 1)) | (1 << (libc::SIGSTOP - 1)));

/// A short text prepared by the parent (a map line, "deny").
#[derive(Clone, Copy, Debug)]
pub(crate) struct Text {
    pub ptr: *const u8,
    pub len: usize,
}

impl Text {
    pub const NONE: Text = Text {
        ptr: std::ptr::null(),
        len: 0,
    };

    pub fn of(b: &[u8]) -> Text {
        Text {
            ptr: b.as_ptr(),
            len: b.len(),
        }
    }
}

/// Everything the child needs, prepared by the parent. Pointers point into
/// the parent's memory, alive until the child has exec'd or exited.
pub(crate) struct Plan {
    /// The child's end of the report socket; -1 in a vfork child (see
    /// `shared`).
    pub report_fd: c_int,
    pub shared: SharedError,
    /// Read end of the parent's "maps written, go on" pipe; -1: no wait.
    pub go_fd: c_int,
    /// Send our /proc/self with MSG_READY: the parent's /proc is another
    /// PID namespace's, where our pid would name another process.
    pub send_proc_dir: bool,
    /// The library's descriptors the first child closes before anything
    /// else: other calls' (and the parent's ends of this call's).
    pub close_first: *const c_int,
    pub nclose_first: usize,
    /// The first child is the final one (no intermediate).
    pub first_is_final: bool,
    /// The intermediate shares the caller's descriptor table and memory
    /// and is a vfork child, as the final child is its vfork child
    /// (Mode::files_shared): the intermediate closes nothing (the final
    /// child closes the library's descriptors in its own copy), and
    /// reports the final child through `shared`.
    pub files_shared: bool,
    /// The child shares the caller's descriptor table until its exec and
    /// was cloned without a pidfd: before reporting an error it opens a
    /// pidfd of itself there (SharedError::own_pidfd), by which the
    /// caller reaps it.
    pub pidfd_on_error: bool,
    /// Built by the lean spawn (spawn::lean): of final_setup's steps, only
    /// the joins (joins_in_final), the maps and the mount propagation can
    /// apply, and only they are looked at.
    pub lean: bool,
    /// The intermediate starts the program as its own child and exits with
    /// its status (a helper whose status a foreign reaper must not take).
    pub supervise: bool,

    // Intermediate process (joins, unshare, time offsets, final clone).
    pub joins: *const RawJoin,
    pub njoins: usize,
    pub unshare_flags: c_int,
    /// The first child is the final one and joins (then unshares) itself.
    pub joins_in_final: bool,
    pub time_offsets: Text,
    pub final_args: CloneArgs,
    pub use_clone3: bool,
    /// clone(2) flags of the final clone, when clone3 cannot be used.
    pub final_legacy_flags: u64,
    pub final_stack_top: usize,

    // Final child.
    /// The final child (not the intermediate) waits for the maps.
    pub maps_in_final: bool,
    /// Single-id maps of the caller's own ids, which the child may write
    /// itself (no round trip to the parent): setgroups, gid_map, uid_map.
    pub self_setgroups: Text,
    pub self_gid_map: Text,
    pub self_uid_map: Text,
    pub pdeathsig: c_int,
    pub parent_pidfd: c_int,
    /// Without a pidfd of the parent (pidfd_open filtered): its pid, checked
    /// against getppid() where the child can see its parent.
    pub parent_pid: c_int,
    pub hostname: Text,
    /// MS_PRIVATE / MS_SLAVE / MS_SHARED, or 0 to leave propagation alone.
    pub propagation: libc::c_ulong,
    pub root: *const c_char,
    /// The root as a detached idmapped mount tree, attached on `root`
    /// instead of a bind mount; -1: none.
    pub root_tree: c_int,
    /// Where pivot_root puts the old root, relative to the new root
    /// ("./old") and inside it ("/old"); NULL: stacked under the new root.
    pub put_old_rel: *const c_char,
    pub put_old_inside: *const c_char,
    /// Detach the old root after the pivot.
    pub detach_old_root: bool,
    pub mount_proc: bool,
    /// chroot(2) here (then chdir "/"), after root and /proc; NULL: none.
    pub chroot: *const c_char,
    /// setpgid(0, pgroup) first; -1: none.
    pub pgroup: c_int,
    pub cwd: *const c_char,
    /// The descriptor shuffle of `set_fd`.
    pub fd_ops: *const FdOp,
    pub nfd_ops: usize,
    pub close_fds: bool,
    /// Sorted child fds >= 3 that close_fds keeps.
    pub keep: *const c_int,
    pub nkeep: usize,
    pub fd_limit: c_int,
    /// More descriptor ranges (first, end exclusive) to close, except the
    /// kept ones.
    pub close_ranges: *const (c_int, c_int),
    pub nclose_ranges: usize,
    /// Signals to set back to SIG_DFL before exec (bit n-1 for signal n);
    /// handled ones are already default through CLONE_CLEAR_SIGHAND.
    pub reset_signals: u64,
    /// Exec with the caller's mask (`caller_sigmask`, filled in when
    /// signals are blocked for the clone) and its ignored signals, the
    /// handled ones reset to default.
    pub keep_sigmask: bool,
    pub caller_sigmask: u64,
    /// Buffers in the program's environment the child fills with its pid.
    pub pid_env: *const PidSlot,
    pub npid_env: usize,
    /// Session, resource limits, capability sets, umask, seccomp filter;
    /// never NULL (a box the prepared spawn owns: the plan stays small, as
    /// callers on small stacks need).
    pub proc: *const super::procplan::ProcPlan,
    /// Credentials to take last (after mounts, root and descriptors).
    pub creds: PlanCreds,
    pub run: Run,
}

/// Room for a pid in an environment entry ("NAME=" then `len` bytes, the
/// last a NUL), owned by the prepared spawn.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PidSlot {
    pub ptr: *mut u8,
    pub len: usize,
}

/// The credentials a spawned program gets; -1: unchanged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlanCreds {
    pub uid: i64,
    pub gid: i64,
    /// Supplementary groups to set (`set_groups`), `ngroups` of them.
    pub set_groups: bool,
    pub groups: *const u32,
    pub ngroups: usize,
    /// The capability sets given (NS_CAPS_*; their values in Plan::proc):
    /// all but the bounding set are set with the ids.
    pub caps: u32,
}

impl PlanCreds {
    pub fn any(&self) -> bool {
        let caps = self.caps & !crate::types::NS_CAPS_BOUNDING;
        self.uid >= 0 || self.gid >= 0 || self.set_groups || caps != 0
    }
}
