//! [`Command`]: a process builder shaped like `std::process::Command` that
//! starts the program in new or existing namespaces, through the same
//! spawn as the C API's `ns_spawn`.

use std::collections::BTreeMap;
use std::ffi::{c_char, CString, OsStr, OsString};
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{ChildStderr, ChildStdin, ChildStdout, ExitStatus, Output};

use crate::api::{c_os, c_path, to_c_maps, Clock, IdMap, MapFlags, Namespace, NsSet};
use crate::error::{Error, Result};
use crate::idmap::MapKind;
use crate::spawn::{spawn, Program, SpawnAttr};
use crate::sys::{self, Exit, Fd};
use crate::types::*;

mod procattrs;
pub use procattrs::{CapSets, Resource};

/// Mount propagation of a new mount namespace's mounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Propagation {
    /// Every mount private: nothing propagates either way (the default,
    /// as unshare(1)).
    #[default]
    Private,
    /// Receive mount events from the parent namespace, send none.
    Slave,
    /// Every mount shared.
    Shared,
    /// Keep the propagation copied from the parent namespace.
    Unchanged,
}

impl Propagation {
    fn c_value(self) -> libc::c_int {
        match self {
            Propagation::Private => NS_PROPAGATION_PRIVATE,
            Propagation::Slave => NS_PROPAGATION_SLAVE,
            Propagation::Shared => NS_PROPAGATION_SHARED,
            Propagation::Unchanged => NS_PROPAGATION_UNCHANGED,
        }
    }
}

/// What a child's standard input, output or error is connected to.
///
/// ```
/// use linuxns::{Command, Stdio};
/// # fn main() -> linuxns::Result<()> {
/// let out = Command::new("echo").arg("hi").stdout(Stdio::piped()).output()?;
/// assert_eq!(out.stdout, b"hi\n");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Stdio(StdioKind);

#[derive(Debug)]
enum StdioKind {
    Inherit,
    Null,
    Piped,
    Fd(OwnedFd),
}

impl Stdio {
    /// The caller's own descriptor (the default for `spawn` and `status`).
    ///
    /// ```
    /// let _ = linuxns::Command::new("true").stdin(linuxns::Stdio::inherit());
    /// ```
    pub fn inherit() -> Stdio {
        Stdio(StdioKind::Inherit)
    }

    /// `/dev/null`.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let st = linuxns::Command::new("cat").stdin(linuxns::Stdio::null()).status()?;
    /// assert!(st.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn null() -> Stdio {
        Stdio(StdioKind::Null)
    }

    /// A new pipe, whose other end is [`Child::stdin`], [`Child::stdout`]
    /// or [`Child::stderr`].
    ///
    /// ```
    /// use std::io::Read;
    /// # fn main() -> linuxns::Result<()> {
    /// let mut child = linuxns::Command::new("echo").arg("x").stdout(linuxns::Stdio::piped()).spawn()?;
    /// let mut s = String::new();
    /// child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
    /// assert_eq!(s, "x\n");
    /// child.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn piped() -> Stdio {
        Stdio(StdioKind::Piped)
    }
}

impl From<OwnedFd> for Stdio {
    fn from(fd: OwnedFd) -> Stdio {
        Stdio(StdioKind::Fd(fd))
    }
}

impl From<std::fs::File> for Stdio {
    fn from(f: std::fs::File) -> Stdio {
        Stdio(StdioKind::Fd(f.into()))
    }
}

impl From<ChildStdin> for Stdio {
    fn from(p: ChildStdin) -> Stdio {
        Stdio(StdioKind::Fd(p.into()))
    }
}

impl From<ChildStdout> for Stdio {
    fn from(p: ChildStdout) -> Stdio {
        Stdio(StdioKind::Fd(p.into()))
    }
}

impl From<ChildStderr> for Stdio {
    fn from(p: ChildStderr) -> Stdio {
        Stdio(StdioKind::Fd(p.into()))
    }
}

/// A process builder, shaped like [`std::process::Command`], whose program
/// starts in new namespaces (with maps, hostname, root, `/proc`), in
/// existing ones, or both.
///
/// The child is created with `clone3` directly in its namespaces, sharing
/// the caller's memory until it execs as `posix_spawn` does, so a spawn
/// costs the same whether the caller uses 10 MiB or 10 GiB, and it is safe
/// from any thread of any runtime: the caller never changes namespace and
/// no code of the caller's runs in the child. Failures before exec (a
/// namespace refused, a mount, `execve` itself) come back from
/// [`spawn`](Command::spawn) as an [`Error`] naming the step.
///
/// The program starts with every signal disposition at its default and an
/// empty signal mask; descriptors are inherited as by `std` (only those
/// not close-on-exec, plus the ones given to [`stdin`](Command::stdin),
/// [`fd`](Command::fd), ...). A builder method that gets bad input records
/// the error and [`spawn`](Command::spawn) returns it, so chains stay
/// chains.
///
/// ```
/// use linuxns::{Command, NsSet};
/// # fn main() -> linuxns::Result<()> {
/// // An unprivileged sandbox: own user, UTS, IPC and PID namespaces,
/// // root mapped to the caller, its own hostname.
/// let out = Command::new("sh")
///     .args(["-c", "echo $(id -u) $(hostname) $$"])
///     .unshare(NsSet::USER | NsSet::UTS | NsSet::IPC | NsSet::PID)
///     .map_root()
///     .hostname("sandbox")
///     .output()?;
/// assert_eq!(String::from_utf8_lossy(&out.stdout), "0 sandbox 1\n");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Command {
    program: OsString,
    arg0: Option<OsString>,
    args: Vec<OsString>,
    env_clear: bool,
    env: BTreeMap<OsString, Option<OsString>>,
    stdin: Option<Stdio>,
    stdout: Option<Stdio>,
    stderr: Option<Stdio>,
    fds: Vec<(RawFd, OwnedFd)>,
    search_path: bool,
    attr: SpawnAttr,
    error: Option<Error>,
}

/// Which end of a pipe the child gets, per standard descriptor.
const STDIO_READS: [bool; 3] = [true, false, false];

impl Command {
    /// A command that runs `program` with no arguments, the caller's
    /// environment and working directory, in the caller's namespaces.
    ///
    /// A program without `/` is looked up in `PATH` as execvp(3) does, in
    /// the child, after its namespaces, root, working directory and
    /// credentials are in place: the `PATH` given with
    /// [`env`](Command::env) if any, else the caller's; entries whose file
    /// is missing or not executable by the child are passed over; a
    /// relative entry is relative to the child's working directory. So
    /// the program found is the one the child can run, inside its own
    /// root. If none runs, the error is `EACCES` when one was found but
    /// not permitted (or an entry's directory could not be searched, as
    /// execvp reports it), else `ENOENT`, naming the program.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// assert!(linuxns::Command::new("true").status()?.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            program: program.as_ref().to_owned(),
            arg0: None,
            args: Vec::new(),
            env_clear: false,
            env: BTreeMap::new(),
            stdin: None,
            stdout: None,
            stderr: None,
            fds: Vec::new(),
            search_path: true,
            attr: SpawnAttr::new(),
            error: None,
        }
    }

    fn record(&mut self, r: Result<()>) -> &mut Command {
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
        self
    }

    /// Adds an argument.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("echo").arg("a b").output()?;
    /// assert_eq!(out.stdout, b"a b\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Adds arguments.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("echo").args(["a", "b"]).output()?;
    /// assert_eq!(out.stdout, b"a b\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// The program's `argv[0]` (by default the program as given).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").arg0("mysh").args(["-c", "echo $0"]).output()?;
    /// assert_eq!(out.stdout, b"mysh\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn arg0(&mut self, arg0: impl AsRef<OsStr>) -> &mut Command {
        self.arg0 = Some(arg0.as_ref().to_owned());
        self
    }

    /// Sets an environment variable for the program.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").args(["-c", "echo $GREETING"]).env("GREETING", "hi").output()?;
    /// assert_eq!(out.stdout, b"hi\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env(&mut self, key: impl AsRef<OsStr>, val: impl AsRef<OsStr>) -> &mut Command {
        self.env
            .insert(key.as_ref().to_owned(), Some(val.as_ref().to_owned()));
        self
    }

    /// Sets several environment variables.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").args(["-c", "echo $A$B"])
    ///     .envs([("A", "1"), ("B", "2")]).output()?;
    /// assert_eq!(out.stdout, b"12\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        for (k, v) in vars {
            self.env(k, v);
        }
        self
    }

    /// Removes an environment variable from the program's environment.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").args(["-c", "echo ${HOME-unset}"]).env_remove("HOME").output()?;
    /// assert_eq!(out.stdout, b"unset\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.env.insert(key.as_ref().to_owned(), None);
        self
    }

    /// Starts from an empty environment (variables set afterwards are
    /// kept). The program is still looked up in the caller's `PATH`
    /// unless one is set with [`env`](Command::env).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("env").env_clear().env("ONLY", "1").output()?;
    /// assert_eq!(out.stdout, b"ONLY=1\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.env_clear = true;
        self.env.clear();
        self
    }

    /// The program's working directory, entered after its namespaces and
    /// root are set up (so it is a path inside them).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("pwd").current_dir("/tmp").output()?;
    /// assert_eq!(out.stdout, b"/tmp\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        let r = c_path(dir.as_ref(), "current_dir").and_then(|d| self.attr.set_cwd(&d));
        self.record(r)
    }

    /// Standard input (default: inherited; `/dev/null` for
    /// [`output`](Command::output)).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let st = linuxns::Command::new("true").stdin(linuxns::Stdio::null()).status()?;
    /// assert!(st.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.stdin = Some(cfg.into());
        self
    }

    /// Standard output (default: inherited; a pipe for
    /// [`output`](Command::output)).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let st = linuxns::Command::new("echo").stdout(linuxns::Stdio::null()).status()?;
    /// assert!(st.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.stdout = Some(cfg.into());
        self
    }

    /// Standard error (default: inherited; a pipe for
    /// [`output`](Command::output)).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").args(["-c", "echo e >&2"]).output()?;
    /// assert_eq!(out.stderr, b"e\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.stderr = Some(cfg.into());
        self
    }

    /// Gives the program a copy of `fd` as its descriptor `child_fd`
    /// (dup2 in the child; the copy is made now).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let f = std::fs::File::open("/etc/hostname").unwrap();
    /// let out = linuxns::Command::new("sh").args(["-c", "cat <&5"]).fd(5, &f).output()?;
    /// assert_eq!(out.stdout, std::fs::read("/etc/hostname").unwrap());
    /// # Ok(())
    /// # }
    /// ```
    pub fn fd(&mut self, child_fd: RawFd, fd: impl AsFd) -> &mut Command {
        if child_fd < 0 {
            let e = Error::new(libc::EBADF, format!("child fd {child_fd}"));
            return self.record(Err(e));
        }
        match fd.as_fd().try_clone_to_owned() {
            Ok(own) => {
                self.fds.retain(|(c, _)| *c != child_fd);
                self.fds.push((child_fd, own));
                self
            }
            Err(e) => {
                let raw = fd.as_fd().as_raw_fd();
                self.record(Err(Error::io(e, format!("fd {raw}"))))
            }
        }
    }

    /// Closes every descriptor but 0, 1, 2 and those given with
    /// [`fd`](Command::fd) before exec.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// assert!(linuxns::Command::new("true").close_fds(true).status()?.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn close_fds(&mut self, on: bool) -> &mut Command {
        let r = self.attr.set_close_fds(on);
        self.record(r)
    }

    /// Whether a program name without `/` is looked up in `PATH` (default
    /// true); false runs it relative to the current directory, as execve
    /// would.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let e = linuxns::Command::new("true").search_path(false).status().unwrap_err();
    /// assert_eq!(e.errno(), libc::ENOENT);
    /// # Ok(())
    /// # }
    /// ```
    pub fn search_path(&mut self, on: bool) -> &mut Command {
        self.search_path = on;
        self
    }

    /// Creates these new namespaces for the program (replacing an earlier
    /// call). Without a user namespace the others need `CAP_SYS_ADMIN`;
    /// with one, any user may, and [`map_root`](Command::map_root) or
    /// [`uid_map`](Command::uid_map) give it ids.
    ///
    /// ```
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("sh").args(["-c", "echo $$"])
    ///     .unshare(NsSet::USER | NsSet::PID).map_root().output()?;
    /// assert_eq!(out.stdout, b"1\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn unshare(&mut self, types: impl Into<NsSet>) -> &mut Command {
        let r = self.attr.set_namespaces(types.into().bits());
        self.record(r)
    }

    /// Enters an existing namespace before the program starts (repeatable;
    /// the user namespace, if any, is entered first, then the new
    /// namespaces are created inside). The handle is copied now. A new user
    /// namespace created inside a joined one (other than the caller's)
    /// cannot be given maps: the kernel takes them only from a process in
    /// its parent, which the caller is not, so the spawn fails with
    /// `EOPNOTSUPP`. With `CAP_SYS_ADMIN`, a joined PID namespace (and,
    /// with new PID or time namespaces, joined network, UTS and cgroup
    /// ones) is entered by the calling thread for the clone alone, then
    /// left, so that no intermediate process is needed; see
    /// `ns_spawn_attr_join` in the C header.
    ///
    /// ```
    /// use linuxns::{Command, Namespace, NsType};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let net = Namespace::new(NsType::Net)?;
    /// let out = Command::new("readlink").arg("/proc/self/ns/net").join(&net).output()?;
    /// assert_eq!(String::from_utf8_lossy(&out.stdout), format!("net:[{}]\n", net.id()?));
    /// # Ok(())
    /// # }
    /// ```
    pub fn join(&mut self, ns: &Namespace) -> &mut Command {
        let r = self.attr.join(ns.as_raw_fd(), 0);
        self.record(r)
    }

    /// Enters the namespaces `types` of the process behind `pidfd`, all at
    /// once (setns with a pidfd, 5.8).
    ///
    /// ```
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let mut target = Command::new("sleep").arg("5").unshare(NsSet::UTS).hostname("there").spawn()?;
    /// let out = Command::new("hostname").join_pidfd(target.pidfd().unwrap(), NsSet::UTS).output()?;
    /// assert_eq!(out.stdout, b"there\n");
    /// target.kill()?;
    /// target.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_pidfd(&mut self, pidfd: BorrowedFd<'_>, types: NsSet) -> &mut Command {
        let r = self.attr.join(pidfd.as_raw_fd(), types.bits());
        self.record(r)
    }

    /// In the new user namespace, the caller's uid and gid are root, and
    /// setgroups is denied (as `unshare -r`).
    ///
    /// ```
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("id").arg("-u").unshare(NsSet::USER).map_root().output()?;
    /// assert_eq!(out.stdout, b"0\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn map_root(&mut self) -> &mut Command {
        let r = self.attr.map_root();
        self.record(r)
    }

    /// Takes the namespaces of the pool's types from `pool` when it has a
    /// set ready, joining them in place of creating those types (the
    /// others are created as usual, owned by the pooled user namespace
    /// when the pool has one); with the pool empty, creates everything
    /// itself (it never waits). The pool's types must be among
    /// [`unshare`](Command::unshare)'s and, with a user namespace, the
    /// maps none or [`map_root`](Command::map_root)'s: checked at spawn
    /// (`EINVAL`). See [`Pool`](crate::Pool).
    ///
    /// ```
    /// use linuxns::{Command, NsSet, Pool};
    /// # fn main() -> linuxns::Result<()> {
    /// let pool = Pool::new(NsSet::USER | NsSet::UTS, 1, false)?;
    /// let st = Command::new("true").unshare(NsSet::USER | NsSet::UTS | NsSet::PID)
    ///     .map_root().pool(&pool).status()?;
    /// assert!(st.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn pool(&mut self, pool: &crate::Pool) -> &mut Command {
        let r = self.attr.use_pool(Some(&pool.inner));
        self.record(r)
    }

    /// The uid map of the new user namespace (at most 340 ranges).
    /// [`MapFlags::USE_HELPER`] writes it with newuidmap(1).
    ///
    /// ```
    /// use linuxns::{Command, IdMap, MapFlags, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let me = linuxns::current_uid();
    /// let out = Command::new("cat").arg("/proc/self/uid_map").unshare(NsSet::USER)
    ///     .uid_map(&[IdMap::new(1000, me, 1)], MapFlags::empty()).output()?;
    /// let fields: Vec<String> = String::from_utf8_lossy(&out.stdout)
    ///     .split_whitespace().map(String::from).collect();
    /// assert_eq!(fields, ["1000", &me.to_string(), "1"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn uid_map(&mut self, map: &[IdMap], flags: MapFlags) -> &mut Command {
        let r = self
            .attr
            .set_map(MapKind::Uid, &to_c_maps(map), flags_bits(flags));
        self.record(r)
    }

    /// The gid map of the new user namespace; an unprivileged caller needs
    /// [`MapFlags::DENY_SETGROUPS`] unless it uses the helper.
    ///
    /// ```
    /// use linuxns::{Command, IdMap, MapFlags, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let g = linuxns::current_gid();
    /// let out = Command::new("id").arg("-g").unshare(NsSet::USER)
    ///     .gid_map(&[IdMap::new(0, g, 1)], MapFlags::DENY_SETGROUPS).output()?;
    /// assert_eq!(out.stdout, b"0\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn gid_map(&mut self, map: &[IdMap], flags: MapFlags) -> &mut Command {
        let r = self
            .attr
            .set_map(MapKind::Gid, &to_c_maps(map), flags_bits(flags));
        self.record(r)
    }

    /// The hostname in the new UTS namespace (1 to 64 bytes; needs
    /// `NsSet::UTS`).
    ///
    /// ```
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("hostname").unshare(NsSet::USER | NsSet::UTS).map_root()
    ///     .hostname("box").output()?;
    /// assert_eq!(out.stdout, b"box\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn hostname(&mut self, name: &str) -> &mut Command {
        let r = c_os(OsStr::new(name), "hostname").and_then(|n| self.attr.set_hostname(&n));
        self.record(r)
    }

    /// Makes `dir` the program's root with pivot_root(2) (the old root is
    /// detached); needs a new mount namespace.
    ///
    /// ```no_run
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// Command::new("/bin/sh").unshare(NsSet::USER | NsSet::MNT).map_root()
    ///     .root("/srv/rootfs").status()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn root(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        let r = c_path(dir.as_ref(), "root").and_then(|d| self.attr.set_root(&d));
        self.record(r)
    }

    /// Mounts the [`root`](Command::root) idmapped through the user
    /// namespace `userns` instead of bind-mounting it (see
    /// [`mount_idmapped`](crate::mount_idmapped)): for a privileged caller
    /// starting a sandbox in a new user namespace on a root filesystem
    /// owned by host ids. With `userns` mapping ids as the sandbox's own
    /// maps do, the sandbox's root owns what host root owns on disk. The
    /// idmapped tree is made by the caller before the child starts (root:
    /// CAP_SYS_ADMIN over the filesystem), the child only attaches it.
    /// Needs a root, a filesystem that supports idmapped mounts, and Linux
    /// 5.12 (`EOPNOTSUPP` before).
    ///
    /// ```
    /// use linuxns::{Command, IdMap, MapFlags, Namespace, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() || std::fs::read_link("/bin").ok() != Some("usr/bin".into()) {
    /// #     return Ok(());
    /// # }
    /// let nobody = [IdMap::new(0, 65534, 1)];
    /// let userns = Namespace::new_userns(Some(&nobody), Some(&nobody), MapFlags::empty())?;
    /// // With a merged /usr, /usr holds /bin and the libraries: a root of
    /// // host root's files, which the sandbox's root sees as its own.
    /// let out = Command::new("/bin/stat").args(["-c", "%u", "/bin/stat"])
    ///     .unshare(NsSet::USER | NsSet::MNT)
    ///     .uid_map(&nobody, MapFlags::empty())
    ///     .gid_map(&nobody, MapFlags::empty())
    ///     .root("/usr")
    ///     .root_idmap(&userns)
    ///     .output()?;
    /// assert_eq!(out.stdout, b"0\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn root_idmap(&mut self, userns: &Namespace) -> &mut Command {
        let r = self.attr.set_root_idmap(userns.as_raw_fd());
        self.record(r)
    }

    /// Mounts a fresh `/proc` (for a new PID namespace; needs a new mount
    /// namespace).
    ///
    /// ```
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("sh").args(["-c", "echo /proc/[0-9]*"])
    ///     .unshare(NsSet::USER | NsSet::PID | NsSet::MNT).map_root().mount_proc(true).output()?;
    /// assert_eq!(out.stdout, b"/proc/1\n"); // only the shell itself
    /// # Ok(())
    /// # }
    /// ```
    pub fn mount_proc(&mut self, on: bool) -> &mut Command {
        let r = self.attr.set_mount_proc(on);
        self.record(r)
    }

    /// The propagation of the new mount namespace's mounts (default
    /// [`Propagation::Private`]).
    ///
    /// ```
    /// use linuxns::{Command, NsSet, Propagation};
    /// # fn main() -> linuxns::Result<()> {
    /// let st = Command::new("true").unshare(NsSet::USER | NsSet::MNT).map_root()
    ///     .propagation(Propagation::Slave).status()?;
    /// assert!(st.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn propagation(&mut self, mode: Propagation) -> &mut Command {
        let r = self.attr.set_propagation(mode.c_value());
        self.record(r)
    }

    /// Starts the program in this cgroup (a cgroup v2 directory's
    /// descriptor; clone3's `CLONE_INTO_CGROUP`, 5.7).
    ///
    /// ```no_run
    /// # fn main() -> linuxns::Result<()> {
    /// let cg = std::fs::File::open("/sys/fs/cgroup/sandbox").unwrap();
    /// linuxns::Command::new("true").cgroup(&cg).status()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn cgroup(&mut self, dir: impl AsFd) -> &mut Command {
        let r = self.attr.set_cgroup(dir.as_fd().as_raw_fd());
        self.record(r)
    }

    /// An offset of a clock in the new time namespace (needs
    /// `NsSet::TIME`; `nsec` below one second).
    ///
    /// ```
    /// use linuxns::{Clock, Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("cat").arg("/proc/uptime")
    ///     .unshare(NsSet::USER | NsSet::TIME).map_root()
    ///     .time_offset(Clock::Boottime, 86400 * 365, 0).output()?;
    /// let up: f64 = String::from_utf8_lossy(&out.stdout).split(' ').next().unwrap().parse().unwrap();
    /// assert!(up > 86400.0 * 365.0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn time_offset(&mut self, clock: Clock, sec: i64, nsec: i64) -> &mut Command {
        let r = self.attr.set_time_offset(clock.id(), sec, nsec);
        self.record(r)
    }

    /// The signal the program gets when the thread that spawned it exits
    /// (PR_SET_PDEATHSIG; 0: none, the default).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// assert!(linuxns::Command::new("true").parent_death_signal(libc::SIGKILL).status()?.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn parent_death_signal(&mut self, sig: i32) -> &mut Command {
        let r = self.attr.set_pdeathsig(sig);
        self.record(r)
    }

    /// The program runs as this uid (setresuid, after the namespaces are
    /// set up; inside a new user namespace, an id of its map).
    ///
    /// ```
    /// use linuxns::{Command, IdMap, MapFlags, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let out = Command::new("id").arg("-u").uid(65534).gid(65534).groups(&[]).output()?;
    /// assert_eq!(out.stdout, b"65534\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn uid(&mut self, uid: u32) -> &mut Command {
        let r = self.attr.set_uid(uid);
        self.record(r)
    }

    /// The program runs with this gid (setresgid).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let out = linuxns::Command::new("id").arg("-g").gid(65534).output()?;
    /// assert_eq!(out.stdout, b"65534\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn gid(&mut self, gid: u32) -> &mut Command {
        let r = self.attr.set_gid(gid);
        self.record(r)
    }

    /// The program's supplementary groups (setgroups; needs setgroups
    /// allowed, so not with [`map_root`](Command::map_root)).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// let out = linuxns::Command::new("id").arg("-G").gid(0).groups(&[0, 100]).output()?;
    /// assert_eq!(out.stdout, b"0 100\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn groups(&mut self, groups: &[u32]) -> &mut Command {
        let r = self.attr.set_groups(groups);
        self.record(r)
    }

    /// Capabilities the program keeps across a [`uid`](Command::uid)
    /// change and exec (bit n: capability n; made permitted, effective,
    /// inheritable and ambient).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// const CAP_NET_BIND_SERVICE: u64 = 10;
    /// let out = linuxns::Command::new("grep").args(["CapAmb", "/proc/self/status"])
    ///     .uid(65534).keep_caps(1 << CAP_NET_BIND_SERVICE).output()?;
    /// assert_eq!(out.stdout, b"CapAmb:\t0000000000000400\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn keep_caps(&mut self, caps: u64) -> &mut Command {
        let r = self.attr.set_keep_caps(caps);
        self.record(r)
    }

    /// chroot(2) into `dir` (an absolute path, as the program sees the
    /// file system after [`root`](Command::root) and
    /// [`mount_proc`](Command::mount_proc)), then chdir to its `/`;
    /// [`current_dir`](Command::current_dir) is then a path inside it.
    /// Needs `CAP_SYS_CHROOT`, which a new user namespace gives.
    ///
    /// ```
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("/bin/pwd").unshare(NsSet::USER).map_root().chroot("/").output()?;
    /// assert_eq!(out.stdout, b"/\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn chroot(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        let r = c_path(dir.as_ref(), "chroot").and_then(|d| self.attr.set_chroot(&d));
        self.record(r)
    }

    /// With [`root`](Command::root): pivot_root(2) puts the old root at
    /// `put_old`, an absolute path inside the new root (an existing
    /// directory), and leaves it mounted there unless `detach` (by default
    /// the old root is detached).
    ///
    /// ```no_run
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// // /srv/rootfs/old exists; the program sees the host's files there.
    /// Command::new("/bin/ls").arg("/old")
    ///     .unshare(NsSet::USER | NsSet::MNT).map_root()
    ///     .root("/srv/rootfs").old_root("/old", false).status()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn old_root(&mut self, put_old: impl AsRef<Path>, detach: bool) -> &mut Command {
        let r = c_path(put_old.as_ref(), "put_old").and_then(|p| self.attr.set_put_old(&p, detach));
        self.record(r)
    }

    /// The programs [`MapFlags::USE_HELPER`] runs to write the uid and
    /// gid maps, instead of newuidmap(1) and newgidmap(1) from `PATH`
    /// (same arguments: the pid, then inside, outside and count per
    /// range).
    ///
    /// ```no_run
    /// use linuxns::{Command, IdMap, MapFlags, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let map = [IdMap::new(0, 100000, 65536)];
    /// Command::new("/bin/true").unshare(NsSet::USER)
    ///     .uid_map(&map, MapFlags::USE_HELPER).gid_map(&map, MapFlags::USE_HELPER)
    ///     .map_helpers("/opt/shadow/bin/newuidmap", "/opt/shadow/bin/newgidmap")
    ///     .status()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn map_helpers(
        &mut self,
        newuidmap: impl AsRef<Path>,
        newgidmap: impl AsRef<Path>,
    ) -> &mut Command {
        let r = c_path(newuidmap.as_ref(), "newuidmap")
            .and_then(|p| self.attr.set_map_helper(MapKind::Uid, &p))
            .and_then(|()| c_path(newgidmap.as_ref(), "newgidmap"))
            .and_then(|p| self.attr.set_map_helper(MapKind::Gid, &p));
        self.record(r)
    }

    /// Closes descriptors `first..end` (`first` at least 3, `end`
    /// excluded) before exec, except those given with
    /// [`fd`](Command::fd); repeatable. [`close_fds`](Command::close_fds)
    /// closes them all.
    ///
    /// ```
    /// use std::os::fd::AsRawFd;
    /// # fn main() -> linuxns::Result<()> {
    /// let f = std::fs::File::open("/dev/null").unwrap();
    /// let n = f.as_raw_fd();
    /// let check = format!("test -e /proc/self/fd/{n}");
    /// // A descriptor given with fd() is never closed by a range.
    /// let st = linuxns::Command::new("sh").args(["-c", &check]).fd(n, &f)
    ///     .close_fd_range(3, n + 1).status()?;
    /// assert!(st.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn close_fd_range(&mut self, first: RawFd, end: RawFd) -> &mut Command {
        let r = self.attr.add_close_range(first, end);
        self.record(r)
    }

    /// Puts the program into process group `pgid` (setpgid(2); 0: a new
    /// group whose id is its pid), as
    /// `std::os::unix::process::CommandExt::process_group`.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").args(["-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"])
    ///     .process_group(0).output()?;
    /// let text = String::from_utf8_lossy(&out.stdout).into_owned();
    /// let lines: Vec<&str> = text.lines().collect();
    /// assert_eq!(lines[0], lines[1]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn process_group(&mut self, pgid: i32) -> &mut Command {
        let r = self.attr.set_process_group(pgid);
        self.record(r)
    }

    /// Starts the program with the caller's signal mask and the signals
    /// the caller ignores still ignored (by default every disposition is
    /// reset and the mask emptied). Handlers are reset either way.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// // Rust programs ignore SIGPIPE (13); by default the child does not.
    /// let ignored = |keep: bool| -> linuxns::Result<bool> {
    ///     let out = linuxns::Command::new("grep").args(["SigIgn", "/proc/self/status"])
    ///         .keep_sigmask(keep).output()?;
    ///     let text = String::from_utf8_lossy(&out.stdout).into_owned();
    ///     let mask = u64::from_str_radix(text.trim_start_matches("SigIgn:").trim(), 16).unwrap();
    ///     Ok(mask & (1 << (13 - 1)) != 0)
    /// };
    /// assert!(ignored(true)?);
    /// assert!(!ignored(false)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn keep_sigmask(&mut self, on: bool) -> &mut Command {
        let r = self.attr.set_keep_sigmask(on);
        self.record(r)
    }

    /// Sets environment variable `key` to the program's own pid, as its
    /// PID namespace numbers it (1 in a new one), e.g. `LISTEN_PID` for
    /// systemd's socket activation. It wins over a value given with
    /// [`env`](Command::env).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").args(["-c", "test $MY_PID = $$ && echo ok"])
    ///     .pid_env("MY_PID").output()?;
    /// assert_eq!(out.stdout, b"ok\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn pid_env(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        let r = c_os(key.as_ref(), "environment variable").and_then(|k| self.attr.add_pid_env(&k));
        self.record(r)
    }

    /// Starts the program; the standard descriptors default to the
    /// caller's. Returns once the program has been exec'd, or the error of
    /// the step that failed (nothing is left running then).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut child = linuxns::Command::new("sleep").arg("0").spawn()?;
    /// assert!(child.wait()?.success());
    /// let e = linuxns::Command::new("/nonexistent").spawn().unwrap_err();
    /// assert_eq!(e.errno(), libc::ENOENT);
    /// # Ok(())
    /// # }
    /// ```
    pub fn spawn(&mut self) -> Result<Child> {
        self.spawn_with([false; 3])
    }

    /// Runs the program to its end and returns its status.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let st = linuxns::Command::new("sh").args(["-c", "exit 3"]).status()?;
    /// assert_eq!(st.code(), Some(3));
    /// # Ok(())
    /// # }
    /// ```
    pub fn status(&mut self) -> Result<ExitStatus> {
        self.spawn_with([false; 3])?.wait()
    }

    /// Runs the program to its end, collecting its standard output and
    /// error (piped unless set otherwise; standard input is `/dev/null`
    /// unless set otherwise).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("uname").arg("-s").output()?;
    /// assert!(out.status.success());
    /// assert_eq!(out.stdout, b"Linux\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn output(&mut self) -> Result<Output> {
        self.spawn_with([true; 3])?.wait_with_output()
    }

    /// `defaults`: use output()'s defaults (null, piped, piped) for the
    /// descriptors not set.
    fn spawn_with(&mut self, defaults: [bool; 3]) -> Result<Child> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let paths = self.program_paths()?;
        let mut argv_c: Vec<CString> = Vec::with_capacity(self.args.len() + 1);
        argv_c.push(c_os(
            self.arg0.as_deref().unwrap_or(&self.program),
            "argv[0]",
        )?);
        for a in &self.args {
            argv_c.push(c_os(a, "argument")?);
        }
        let mut argv: Vec<*const c_char> = argv_c.iter().map(|a| a.as_ptr()).collect();
        argv.push(std::ptr::null());
        let env_c = self.env_block()?;
        let envp: Option<Vec<*const c_char>> = env_c.as_ref().map(|v| {
            let mut p: Vec<*const c_char> = v.iter().map(|e| e.as_ptr()).collect();
            p.push(std::ptr::null());
            p
        });

        // The standard descriptors: what the child gets, what we keep.
        let cfgs = [&self.stdin, &self.stdout, &self.stderr];
        let mut child_ends: Vec<(RawFd, StdEnd)> = Vec::new();
        let mut ours: [Option<OwnedFd>; 3] = [None, None, None];
        for (n, cfg) in cfgs.iter().enumerate() {
            let kind = cfg.as_ref().map(|Stdio(k)| k);
            let reads = STDIO_READS[n];
            let end = match (kind, defaults[n]) {
                (Some(StdioKind::Inherit), _) | (None, false) => continue,
                (Some(StdioKind::Null), _) | (None, true) if n == 0 => {
                    StdEnd::Own(open_null(reads)?)
                }
                (Some(StdioKind::Null), _) => StdEnd::Own(open_null(reads)?),
                (Some(StdioKind::Piped), _) | (None, true) => {
                    let (r, w) = sys::pipe().map_err(|e| Error::io(e, "pipe2"))?;
                    let (theirs, mine) = if reads { (r, w) } else { (w, r) };
                    ours[n] = Some(mine.into_owned());
                    StdEnd::Tracked(theirs)
                }
                (Some(StdioKind::Fd(fd)), _) => StdEnd::Borrowed(fd.as_raw_fd()),
            };
            child_ends.push((n as RawFd, end));
        }

        let saved_fds = self.attr.fds.clone();
        let result = (|| {
            for (child_fd, end) in &child_ends {
                self.attr.set_fd(*child_fd, end.raw())?;
            }
            for (child_fd, fd) in &self.fds {
                self.attr.set_fd(*child_fd, fd.as_raw_fd())?;
            }
            let program = Program::ExecFirst {
                paths: &paths,
                argv: argv.as_ptr(),
                envp: envp.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
            };
            // SAFETY: argv and envp are NULL-terminated arrays of C strings
            // that live until spawn returns.
            unsafe { spawn(&self.attr, program, true) }
        })();
        self.attr.fds = saved_fds;
        drop(child_ends);
        let (pid, pidfd) = result?;
        let [i, o, e] = ours;
        Ok(Child {
            pid,
            pidfd,
            status: None,
            autoreap: self.attr.proc.autoreap,
            stdin: i.map(ChildStdin::from),
            stdout: o.map(ChildStdout::from),
            stderr: e.map(ChildStderr::from),
        })
    }

    /// The paths the child tries, in order: the program as given when it
    /// has a '/' (or PATH search is off), else one per PATH entry (the
    /// program's own PATH if set, else the caller's), tried in the child
    /// as execvp tries them.
    fn program_paths(&self) -> Result<Vec<CString>> {
        let prog = c_os(&self.program, "program")?;
        let name = prog.as_bytes();
        if name.is_empty() {
            return Err(Error::new(libc::ENOENT, "program").with_hint("empty"));
        }
        if name.contains(&b'/') {
            return Ok(vec![prog]);
        }
        if !self.search_path {
            // Relative to the working directory, as execve takes it.
            let mut p = b"./".to_vec();
            p.extend_from_slice(name);
            return Ok(vec![c_os(OsStr::from_bytes(&p), "program")?]);
        }
        let own = self.env.get(OsStr::new("PATH")).and_then(|v| v.clone());
        let path = own
            .or_else(|| std::env::var_os("PATH"))
            .unwrap_or_else(|| crate::spawn::prep::DEFAULT_PATH.into());
        let mut out = Vec::new();
        for dir in path.as_bytes().split(|&b| b == b':') {
            let mut cand = if dir.is_empty() {
                b".".to_vec()
            } else {
                dir.to_vec()
            };
            cand.push(b'/');
            cand.extend_from_slice(name);
            // An entry with a NUL cannot name a directory.
            if let Ok(c) = CString::new(cand) {
                out.push(c);
            }
        }
        if out.is_empty() {
            return Err(
                Error::new(libc::ENOENT, format!("program {:?}", self.program))
                    .with_hint("PATH is empty"),
            );
        }
        Ok(out)
    }

    /// The program's environment, or None for the caller's own.
    fn env_block(&self) -> Result<Option<Vec<CString>>> {
        if !self.env_clear && self.env.is_empty() {
            return Ok(None);
        }
        let mut vars: BTreeMap<OsString, OsString> = BTreeMap::new();
        if !self.env_clear {
            vars.extend(std::env::vars_os());
        }
        for (k, v) in &self.env {
            match v {
                Some(v) => vars.insert(k.clone(), v.clone()),
                None => vars.remove(k),
            };
        }
        let mut out = Vec::with_capacity(vars.len());
        for (k, v) in vars {
            if k.is_empty() || k.as_bytes().contains(&b'=') {
                return Err(Error::invalid(format!("environment variable {k:?}"))
                    .with_hint("a name is not empty and has no '='"));
            }
            let mut kv = k.into_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            out.push(c_os(OsStr::from_bytes(&kv), "environment variable")?);
        }
        Ok(Some(out))
    }
}

use std::os::unix::ffi::OsStringExt;

fn flags_bits(f: MapFlags) -> libc::c_uint {
    let mut b = 0;
    if f.contains(MapFlags::DENY_SETGROUPS) {
        b |= NS_MAP_DENY_SETGROUPS;
    }
    if f.contains(MapFlags::USE_HELPER) {
        b |= NS_MAP_USE_HELPER;
    }
    b
}

/// The child's end of one standard descriptor, held open until the spawn
/// returns.
enum StdEnd {
    Own(OwnedFd),
    Tracked(Fd),
    Borrowed(RawFd),
}

impl StdEnd {
    fn raw(&self) -> RawFd {
        match self {
            StdEnd::Own(f) => f.as_raw_fd(),
            StdEnd::Tracked(f) => f.as_raw_fd(),
            StdEnd::Borrowed(f) => *f,
        }
    }
}

fn open_null(read: bool) -> Result<OwnedFd> {
    std::fs::OpenOptions::new()
        .read(read)
        .write(!read)
        .open("/dev/null")
        .map(OwnedFd::from)
        .map_err(|e| Error::io(e, "open /dev/null"))
}

/// A running or exited child started by [`Command::spawn`].
///
/// It is tracked by a pidfd taken when it was created, so waiting for it
/// or signalling it can never reach another process that reused its pid,
/// and a runtime that reaps children itself cannot make
/// [`wait`](Child::wait) hang.
///
/// As with [`std::process::Child`], there is no implementation of `Drop`
/// that waits: a child dropped before it is waited for keeps running, and
/// once it exits it stays a zombie until the process reaps it (or exits).
/// Call [`wait`](Child::wait), or [`kill`](Child::kill) then `wait`.
///
/// ```
/// use std::io::Write;
/// use linuxns::{Command, Stdio};
/// # fn main() -> linuxns::Result<()> {
/// let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
/// child.stdin.take().unwrap().write_all(b"ping").unwrap();
/// let out = child.wait_with_output()?;
/// assert_eq!(out.stdout, b"ping");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Child {
    pid: libc::pid_t,
    pidfd: Option<OwnedFd>,
    status: Option<ExitStatus>,
    /// Reaped by the kernel (CLONE_AUTOREAP): waited for through its pidfd.
    autoreap: bool,
    /// The write end of its standard input, when it was
    /// [`Stdio::piped`].
    pub stdin: Option<ChildStdin>,
    /// The read end of its standard output, when it was
    /// [`Stdio::piped`].
    pub stdout: Option<ChildStdout>,
    /// The read end of its standard error, when it was
    /// [`Stdio::piped`].
    pub stderr: Option<ChildStderr>,
}

fn exit_status(e: Exit) -> ExitStatus {
    match e {
        Exit::Code(c) => ExitStatus::from_raw((c & 0xff) << 8),
        Exit::Signal(s) => ExitStatus::from_raw(s & 0x7f),
        Exit::Dumped(s) => ExitStatus::from_raw((s & 0x7f) | 0x80),
    }
}

impl Child {
    /// Its process id (in the caller's PID namespace).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut c = linuxns::Command::new("true").spawn()?;
    /// assert!(c.id() > 0);
    /// c.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn id(&self) -> u32 {
        self.pid as u32
    }

    /// Its pidfd, for polling (readable when it exits), `setns` into its
    /// namespaces, or [`Namespace::open_pidfd`]. `None` only where the
    /// kernel has no pidfds.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut c = linuxns::Command::new("true").spawn()?;
    /// assert!(c.pidfd().is_some());
    /// c.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn pidfd(&self) -> Option<BorrowedFd<'_>> {
        self.pidfd.as_ref().map(|f| f.as_fd())
    }

    fn raw_pidfd(&self) -> RawFd {
        self.pidfd.as_ref().map_or(-1, |f| f.as_raw_fd())
    }

    /// Waits for it to exit and reaps it (closing its standard input
    /// first, so a program reading it sees the end). Waiting again gives
    /// the same status. `ECHILD` when someone else reaped it first (a
    /// `waitpid(-1)` elsewhere in the process) on a kernel too old to keep
    /// the status for its pidfd (before 6.15).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut c = linuxns::Command::new("false").spawn()?;
    /// assert_eq!(c.wait()?.code(), Some(1));
    /// assert_eq!(c.wait()?.code(), Some(1));
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait(&mut self) -> Result<ExitStatus> {
        drop(self.stdin.take());
        if let Some(s) = self.status {
            return Ok(s);
        }
        let fd = self.raw_pidfd();
        if self.autoreap && fd >= 0 {
            // Not waitable: its pidfd turns readable when it exits, and
            // then holds its status (PIDFD_GET_INFO).
            sys::wait_readable(fd).map_err(|e| Error::io(e, "poll pidfd"))?;
        }
        let exit = sys::wait_pidfd(fd, self.pid)
            .or_else(|| (fd >= 0).then(|| sys::pidfd_exit_status(fd)).flatten())
            .ok_or_else(|| self.reaped_elsewhere())?;
        let st = exit_status(exit);
        self.status = Some(st);
        Ok(st)
    }

    fn reaped_elsewhere(&self) -> Error {
        Error::new(libc::ECHILD, format!("wait for child {}", self.pid)).with_hint(
            "another waiter of this process reaped it, and this kernel keeps no exit status for pidfds (6.15)",
        )
    }

    /// Reaps it if it has exited, without waiting: `Ok(None)` while it
    /// runs.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut c = linuxns::Command::new("sleep").arg("5").spawn()?;
    /// assert_eq!(c.try_wait()?, None);
    /// c.kill()?;
    /// assert!(c.wait()?.code().is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        if let Some(s) = self.status {
            return Ok(Some(s));
        }
        let fd = self.raw_pidfd();
        if self.autoreap && fd >= 0 && !sys::pidfd_exited(fd) {
            return Ok(None);
        }
        match sys::try_wait_pidfd(fd, self.pid) {
            Ok(Some(exit)) => {
                let st = exit_status(exit);
                self.status = Some(st);
                Ok(Some(st))
            }
            Ok(None) => Ok(None),
            Err(e) if e.raw_os_error() == Some(libc::ECHILD) => {
                match (fd >= 0).then(|| sys::pidfd_exit_status(fd)).flatten() {
                    Some(exit) => {
                        let st = exit_status(exit);
                        self.status = Some(st);
                        Ok(Some(st))
                    }
                    None => Err(self.reaped_elsewhere()),
                }
            }
            Err(e) => Err(Error::io(e, format!("waitid child {}", self.pid))),
        }
    }

    /// Sends it `SIGKILL` (through its pidfd). Succeeds when it has
    /// already exited.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut c = linuxns::Command::new("sleep").arg("60").spawn()?;
    /// c.kill()?;
    /// assert_eq!(std::os::unix::process::ExitStatusExt::signal(&c.wait()?), Some(libc::SIGKILL));
    /// # Ok(())
    /// # }
    /// ```
    pub fn kill(&mut self) -> Result<()> {
        self.signal(libc::SIGKILL)
    }

    /// Sends it signal `sig` (through its pidfd). Succeeds when it has
    /// already exited.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut c = linuxns::Command::new("sleep").arg("60").spawn()?;
    /// c.signal(libc::SIGTERM)?;
    /// assert_eq!(std::os::unix::process::ExitStatusExt::signal(&c.wait()?), Some(libc::SIGTERM));
    /// # Ok(())
    /// # }
    /// ```
    pub fn signal(&mut self, sig: i32) -> Result<()> {
        if self.status.is_some() {
            return Ok(());
        }
        let r = match &self.pidfd {
            Some(fd) => sys::pidfd_signal(fd.as_raw_fd(), sig),
            None => sys::process::kill(self.pid, sig),
        };
        match r {
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) => Ok(()),
            r => r.map_err(|e| Error::io(e, format!("signal {sig} to child {}", self.pid))),
        }
    }

    /// Waits for it to exit, reading its piped standard output and error
    /// to their ends meanwhile.
    ///
    /// ```
    /// use linuxns::{Command, Stdio};
    /// # fn main() -> linuxns::Result<()> {
    /// let c = Command::new("echo").arg("done").stdout(Stdio::piped()).spawn()?;
    /// assert_eq!(c.wait_with_output()?.stdout, b"done\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_with_output(mut self) -> Result<Output> {
        drop(self.stdin.take());
        let err_pipe = self.stderr.take();
        let err_reader = err_pipe.map(|mut p| {
            // Started with every signal blocked: the caller's signals are
            // not delivered to it (see SignalsBlocked).
            let _quiet = crate::sys::process::SignalsBlocked::new();
            std::thread::spawn(move || {
                let mut v = Vec::new();
                p.read_to_end(&mut v).map(|_| v)
            })
        });
        let mut stdout = Vec::new();
        if let Some(mut p) = self.stdout.take() {
            p.read_to_end(&mut stdout)
                .map_err(|e| Error::io(e, "read the child's stdout"))?;
        }
        let stderr = match err_reader {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Ok(Vec::new()))
                .map_err(|e| Error::io(e, "read the child's stderr"))?,
            None => Vec::new(),
        };
        let status = self.wait()?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}
