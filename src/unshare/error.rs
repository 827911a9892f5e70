//! [`Error`]: the `unshare` crate's error, one variant per kind of step,
//! made from the library's own [`crate::Error`] by the step it names.

use std::fmt;
use std::io;

/// Why a spawn failed: the kind of step, with its errno.
///
/// The variants are those of the `unshare` crate. Each is made from the
/// step the library's spawn reports (see [`crate::Error::step`]), so
/// `Exec(ENOENT)` is a missing program, `Chdir(..)` a bad
/// [`current_dir`](super::Command::current_dir), `SetIdMap(..)` a refused
/// uid or gid map. `NixError`, `UnknownError`, `AuxCommandExited`,
/// `AuxCommandKilled`, `BeforeUnfreeze` and `PreExec` are never made here
/// (a failing newuidmap/newgidmap is `SetIdMap(EPERM)`); they exist so
/// that matches written for the `unshare` crate compile.
///
/// ```
/// use linuxns::unshare::{Command, Error};
/// let e = Command::new("/nonexistent").spawn().unwrap_err();
/// assert!(matches!(e, Error::Exec(libc::ENOENT)));
/// assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
/// assert_eq!(e.to_string(), "error when executing: No such file or directory (os error 2)");
/// ```
#[derive(Debug)]
pub enum Error {
    /// Never made here (an unknown error of `nix`).
    NixError,
    /// Never made here (a bad code on the `unshare` crate's signal pipe).
    UnknownError,
    /// Creating a pipe or opening `/dev/null` for the child.
    CreatePipe(i32),
    /// Creating the child (clone), or a step with no other kind.
    Fork(i32),
    /// `execve`: a missing program, no permission, a bad argument.
    Exec(i32),
    /// Entering the working directory.
    Chdir(i32),
    /// Setting the parent-death signal, or the parent gone before exec.
    ParentDeathSignal(i32),
    /// Talking to the child while it starts.
    PipeError(i32),
    /// Waiting for the child ([`Command::status`](super::Command::status)).
    WaitError(i32),
    /// Setting up the child's descriptors.
    StdioError(i32),
    /// Setting the supplementary groups, the gid or the uid.
    SetUser(i32),
    /// `pivot_root`, `chroot`, the mounts around them and the working
    /// directory inside the new root.
    ChangeRoot(i32),
    /// Writing the uid or gid map, directly or with the map commands.
    SetIdMap(i32),
    /// Never made here: a map command that fails is `SetIdMap(EPERM)`.
    AuxCommandExited(i32),
    /// Never made here: a map command that fails is `SetIdMap(EPERM)`.
    AuxCommandKilled(i32),
    /// Making the child a process group leader.
    SetPGid(i32),
    /// Joining a namespace (`set_namespace`).
    SetNs(i32),
    /// Keeping capabilities (`keep_caps`).
    CapSet(i32),
    /// Never made here: there is no `before_unfreeze` callback.
    BeforeUnfreeze(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// Never made here: there is no `pre_exec` callback.
    PreExec(i32),
}

impl Error {
    /// The errno, as [`io::Error::raw_os_error`]; None for the variants
    /// without one.
    ///
    /// ```
    /// use linuxns::unshare::Error;
    /// assert_eq!(Error::Chdir(libc::ENOENT).raw_os_error(), Some(libc::ENOENT));
    /// assert_eq!(Error::UnknownError.raw_os_error(), None);
    /// ```
    pub fn raw_os_error(&self) -> Option<i32> {
        use Error::*;
        match *self {
            NixError | UnknownError | AuxCommandExited(_) | AuxCommandKilled(_) => None,
            BeforeUnfreeze(_) => None,
            CreatePipe(e) | Fork(e) | Exec(e) | Chdir(e) | ParentDeathSignal(e) | PipeError(e)
            | WaitError(e) | StdioError(e) | SetUser(e) | ChangeRoot(e) | SetIdMap(e)
            | SetPGid(e) | SetNs(e) | CapSet(e) | PreExec(e) => Some(e),
        }
    }

    fn title(&self) -> &'static str {
        use Error::*;
        match self {
            NixError => "some unknown nix error",
            UnknownError => "unexpected value received via signal pipe",
            CreatePipe(_) => "can't create pipe",
            Fork(_) => "error when forking",
            Exec(_) => "error when executing",
            Chdir(_) => "error when setting working directory",
            ParentDeathSignal(_) => "error when death signal",
            PipeError(_) => "error in signalling pipe",
            WaitError(_) => "error in waiting for child",
            StdioError(_) => "error setting up stdio for child",
            SetUser(_) => "error setting user or groups",
            ChangeRoot(_) => "error changing root directory",
            SetIdMap(_) => "error setting uid/gid mappings",
            AuxCommandExited(_) => "aux command exited with non-zero code",
            AuxCommandKilled(_) => "aux command was killed by signal",
            SetPGid(_) => "error when calling setpgid",
            SetNs(_) => "error when calling setns",
            CapSet(_) => "error when setting capabilities",
            BeforeUnfreeze(_) => "error in before_unfreeze callback",
            PreExec(_) => "error in pre_exec callback",
        }
    }

    /// The kind of step a failure of the library's spawn was, by the step
    /// it names.
    pub(crate) fn from_native(e: &crate::Error) -> Error {
        Kind::of_step(e.step()).wrap(e.errno())
    }
}

impl fmt::Display for Error {
    /// `title: reason (os error N)`, as the `unshare` crate writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.raw_os_error(), self) {
            (Some(code), _) => write!(
                f,
                "{}: {}",
                self.title(),
                io::Error::from_raw_os_error(code)
            ),
            (None, Error::BeforeUnfreeze(e)) => write!(f, "{}: {}", self.title(), e),
            (None, _) => f.write_str(self.title()),
        }
    }
}

/// An addition of this library: `unshare`'s error is no
/// `std::error::Error`.
impl std::error::Error for Error {}

impl From<Error> for io::Error {
    /// An `io::Error` with the same errno (or `Other`), whose text is the
    /// error's.
    fn from(e: Error) -> io::Error {
        match e.raw_os_error() {
            Some(code) => io::Error::new(io::Error::from_raw_os_error(code).kind(), e),
            None => io::Error::other(e),
        }
    }
}

/// The kinds of [`Error`] that carry an errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    CreatePipe,
    Fork,
    Exec,
    Chdir,
    ParentDeathSignal,
    PipeError,
    StdioError,
    SetUser,
    ChangeRoot,
    SetIdMap,
    SetPGid,
    SetNs,
    CapSet,
}

impl Kind {
    pub(crate) fn wrap(self, errno: i32) -> Error {
        match self {
            Kind::CreatePipe => Error::CreatePipe(errno),
            Kind::Fork => Error::Fork(errno),
            Kind::Exec => Error::Exec(errno),
            Kind::Chdir => Error::Chdir(errno),
            Kind::ParentDeathSignal => Error::ParentDeathSignal(errno),
            Kind::PipeError => Error::PipeError(errno),
            Kind::StdioError => Error::StdioError(errno),
            Kind::SetUser => Error::SetUser(errno),
            Kind::ChangeRoot => Error::ChangeRoot(errno),
            Kind::SetIdMap => Error::SetIdMap(errno),
            Kind::SetPGid => Error::SetPGid(errno),
            Kind::SetNs => Error::SetNs(errno),
            Kind::CapSet => Error::CapSet(errno),
        }
    }

    /// The kind of a step of the library's spawn: the child's steps
    /// ("child: execve"), then the caller's (writing maps, pipes, the
    /// builder's checks). Fork for anything else.
    pub(crate) fn of_step(step: &str) -> Kind {
        if let Some(s) = step.strip_prefix("child: ") {
            return Kind::of_child_step(s);
        }
        let has = |w: &str| step.contains(w);
        let starts = |w: &str| step.starts_with(w);
        if has("uid_map")
            || has("gid_map")
            || has("setgroups")
            || has("newuidmap")
            || has("newgidmap")
            || has("uid map")
            || has("gid map")
            || has("uid/gid map")
            || starts("map helper")
            || starts("pid ")
        {
            Kind::SetIdMap
        } else if starts("pipe2")
            || starts("socketpair")
            || starts("reserve a descriptor")
            || starts("open /dev/null")
        {
            Kind::CreatePipe
        } else if has("child report") || starts("receive a descriptor") {
            Kind::PipeError
        } else if starts("current_dir") || step == "dir" {
            Kind::Chdir
        } else if starts("root") || starts("put_old") || starts("chroot") || starts("propagation") {
            Kind::ChangeRoot
        } else if starts("uid ") || starts("gid ") || starts("group") || has(" groups") {
            Kind::SetUser
        } else if starts("signal ") {
            Kind::ParentDeathSignal
        } else if starts("process group") {
            Kind::SetPGid
        } else if starts("fd ") || starts("child fd") || starts("close range") {
            Kind::StdioError
        } else if starts("pidfd ") || starts("copy") || has("join") || starts("types") {
            Kind::SetNs
        } else if starts("program")
            || starts("argv")
            || starts("argument")
            || starts("environment variable")
            || starts("path")
        {
            Kind::Exec
        } else {
            Kind::Fork
        }
    }

    fn of_child_step(s: &str) -> Kind {
        let starts = |w: &str| s.starts_with(w);
        if starts("prctl(PR_SET_PDEATHSIG)") || starts("parent exited") {
            Kind::ParentDeathSignal
        } else if starts("setns") {
            Kind::SetNs
        } else if starts("wait for uid/gid maps") {
            Kind::PipeError
        } else if starts("write /proc/self/setgroups")
            || starts("write /proc/self/gid_map")
            || starts("write /proc/self/uid_map")
            || starts("open /proc/self")
        {
            Kind::SetIdMap
        } else if starts("mount propagation")
            || starts("bind-mount new root")
            || starts("attach idmapped root")
            || starts("chdir to new root")
            || starts("pivot_root")
            || starts("detach old root")
            || starts("mount /proc")
            || starts("chroot")
        {
            Kind::ChangeRoot
        } else if starts("chdir") {
            Kind::Chdir
        } else if starts("dup2") {
            Kind::StdioError
        } else if starts("execve") || starts("reset signals") {
            Kind::Exec
        } else if starts("setgroups") || starts("setresgid") || starts("setresuid") {
            Kind::SetUser
        } else if starts("capset")
            || starts("raise ambient capability")
            || starts("drop from the bounding set")
        {
            Kind::CapSet
        } else if starts("setpgid") {
            Kind::SetPGid
        } else {
            // clone, unshare, the intermediate process; sethostname and
            // time offsets, which this module never asks for.
            Kind::Fork
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_child_step_has_its_kind() {
        let expect = |name: &str| -> Kind {
            match name {
                "prctl(PR_SET_PDEATHSIG)" | "parent exited before exec" => Kind::ParentDeathSignal,
                "setns" => Kind::SetNs,
                "unshare" | "clone" | "sethostname" | "write /proc/self/timens_offsets" => {
                    Kind::Fork
                }
                "wait for uid/gid maps" => Kind::PipeError,
                "mount propagation of /"
                | "bind-mount new root"
                | "attach idmapped root"
                | "chdir to new root"
                | "pivot_root"
                | "detach old root"
                | "mount /proc"
                | "chroot" => Kind::ChangeRoot,
                "chdir" => Kind::Chdir,
                "dup2" => Kind::StdioError,
                "reset signals" | "execve" => Kind::Exec,
                "write /proc/self/setgroups"
                | "write /proc/self/gid_map"
                | "write /proc/self/uid_map"
                | "open /proc/self" => Kind::SetIdMap,
                "setgroups" | "setresgid" | "setresuid" => Kind::SetUser,
                "capset (keep capabilities)"
                | "capset (permitted, effective, inheritable)"
                | "raise ambient capability"
                | "drop from the bounding set" => Kind::CapSet,
                "setpgid" => Kind::SetPGid,
                // Process attributes this module never asks for.
                "setsid"
                | "setrlimit"
                | "prctl(PR_SET_NO_NEW_PRIVS)"
                | "install seccomp filter"
                | "bring lo up (SIOCSIFFLAGS)" => Kind::Fork,
                other => panic!("a new step of the child: {other:?}; give it its kind"),
            }
        };
        let mut code = 1;
        loop {
            let name = crate::spawn::step_name(code);
            if name == "?" {
                break;
            }
            assert_eq!(
                Kind::of_step(&format!("child: {name}")),
                expect(name),
                "{name}"
            );
            assert_eq!(
                Kind::of_step(&format!("child: {name} (fd 5)")),
                expect(name)
            );
            code += 1;
        }
        assert!(code > 25);
    }

    #[test]
    fn caller_steps_have_their_kind() {
        for (step, kind) in [
            ("write /proc/4242/uid_map", Kind::SetIdMap),
            ("open /proc/4242/gid_map", Kind::SetIdMap),
            ("write /proc/4242/setgroups", Kind::SetIdMap),
            ("newgidmap 4242 0 1000 1", Kind::SetIdMap),
            ("gid map entry 0 (0 0 0)", Kind::SetIdMap),
            ("uid map", Kind::SetIdMap),
            ("uid/gid maps", Kind::SetIdMap),
            ("pid 4242", Kind::SetIdMap),
            ("pipe2", Kind::CreatePipe),
            ("open /dev/null", Kind::CreatePipe),
            ("read child report", Kind::PipeError),
            ("clone(net|user)", Kind::Fork),
            ("clone3/clone(user)", Kind::Fork),
            ("mmap child stack", Kind::Fork),
            ("current_dir \"a\\0b\"", Kind::Chdir),
            ("root: /nonexistent", Kind::ChangeRoot),
            ("root", Kind::ChangeRoot),
            ("put_old", Kind::ChangeRoot),
            ("uid 4294967295", Kind::SetUser),
            ("group 4294967295", Kind::SetUser),
            ("70000 groups", Kind::SetUser),
            ("signal 99", Kind::ParentDeathSignal),
            ("fd 7", Kind::StdioError),
            ("child fd -1", Kind::StdioError),
            ("pidfd 7", Kind::SetNs),
            ("user namespace of join 0", Kind::SetNs),
            ("program", Kind::Exec),
            ("argument \"a\\0\"", Kind::Exec),
            ("environment variable \"A=B\"", Kind::Exec),
        ] {
            assert_eq!(Kind::of_step(step), kind, "{step}");
        }
    }

    #[test]
    fn display_and_io() {
        let e = Error::SetIdMap(libc::EPERM);
        assert_eq!(
            e.to_string(),
            "error setting uid/gid mappings: Operation not permitted (os error 1)"
        );
        let io: io::Error = e.into();
        assert_eq!(io.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(
            Error::AuxCommandExited(3).to_string(),
            "aux command exited with non-zero code"
        );
        assert_eq!(Error::AuxCommandExited(3).raw_os_error(), None);
        let b = Error::BeforeUnfreeze("no".into());
        assert_eq!(b.to_string(), "error in before_unfreeze callback: no");
    }
}
