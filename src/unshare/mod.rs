//! The API of the [`unshare`](https://docs.rs/unshare/0.7.0) crate 0.7, on
//! this library's spawn: a program written for `unshare` compiles and runs
//! with `unshare::` replaced by `linuxns::unshare::` (or with
//! `use linuxns::unshare;`).
//!
//! [`Command`] keeps the settings as the `unshare` crate does and, at each
//! spawn, turns them into a [`crate::Command`] and spawns that: there is
//! one spawn in this library. So a [`Child`] is tracked by a pidfd, the
//! spawn is safe from any thread, and a failure names its step; it comes
//! back as an [`Error`] of the `unshare` crate's kinds.
//!
//! ```
//! use std::io::Read;
//! use linuxns::unshare::{Command, ExitStatus, GidMap, Namespace, Stdio, UidMap};
//!
//! let (uid, gid) = (linuxns::current_uid(), linuxns::current_gid());
//! let mut child = Command::new("/bin/sh")
//!     .arg("-c")
//!     .arg("hostname box && hostname && id -u && echo $$")
//!     .unshare(&[Namespace::User, Namespace::Uts, Namespace::Pid])
//!     .set_id_maps(
//!         vec![UidMap { inside_uid: 0, outside_uid: uid, count: 1 }],
//!         vec![GidMap { inside_gid: 0, outside_gid: gid, count: 1 }],
//!     )
//!     .stdout(Stdio::piped())
//!     .spawn()
//!     .unwrap();
//! let mut out = String::new();
//! child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
//! assert_eq!(child.wait().unwrap(), ExitStatus::Exited(0));
//! assert_eq!(out, "box\n0\n1\n");
//! ```
//!
//! # Same defaults
//!
//! As with the `unshare` crate: the program path is used as given (no
//! `PATH` search; a name without `/` is relative to the working
//! directory); the child gets `SIGKILL` when the thread that spawned it
//! exits, unless [`allow_daemonize`](Command::allow_daemonize); the
//! environment is the caller's, copied at the first change or spawn;
//! standard descriptors are inherited ([`status`](Command::status) too);
//! every signal is reset to its default and the mask emptied before exec
//! unless [`keep_sigmask`](Command::keep_sigmask); uid/gid maps are written
//! directly, or by the commands of
//! [`set_id_map_commands`](Command::set_id_map_commands).
//!
//! # Differences
//!
//! - **setgroups.** An unprivileged caller (no `CAP_SETGID`) may write a
//!   gid map only after denying setgroups(2) in the new namespace, so for
//!   such a caller whose gid map is one gid, its own, written directly,
//!   `deny` is written to `/proc/PID/setgroups` first. The `unshare` crate
//!   does not, and its spawn fails with `SetIdMap(EPERM)`; here it runs
//!   (and [`groups`](Command::groups) then fails with `SetUser(EPERM)`).
//!   Any other map is written as given.
//! - **Order.** Namespaces of [`set_namespace`](Command::set_namespace)
//!   are joined before the new ones are created (the `unshare` crate
//!   joins them after, from inside the new user namespace, where joining
//!   one the caller's user namespace owns fails with `EPERM`). The working
//!   directory is entered before the uid and gid change (there, after).
//! - **pivot_root.** It needs `Namespace::Mount` (else `ChangeRoot(EINVAL)`,
//!   rather than moving the root of the caller's own mount namespace); the
//!   mounts of the new namespace are made private first (pivot_root(2)
//!   refuses shared ones) and `new_root` is bind-mounted on itself (so it
//!   need not be a mount point).
//! - **keep_caps.** A capability that cannot be raised as ambient is an
//!   error (`CapSet`); the `unshare` crate ignores it.
//! - **Signal.** [`Signal`] is this module's own enum with `nix`'s variant
//!   names and numbers, `as_str`, `Display`, `FromStr`, `TryFrom<i32>` and
//!   `iterator`; its conversions fail with an `io::Error` (`EINVAL`), not
//!   a `nix::Error`, and it does not mix with `nix`'s functions.
//! - **Errors.** A failure's [`Error`] kind comes from the step the
//!   library names; a failing newuidmap/newgidmap is `SetIdMap(EPERM)`,
//!   never `AuxCommandExited`/`AuxCommandKilled`. A NUL byte in an argument
//!   or a path is `EINVAL` at spawn (the `unshare` crate panics when it is
//!   given).
//! - **Joining one's own user namespace** with `set_namespace` is skipped
//!   (setns(2) would refuse it with `EINVAL`, as it does for the `unshare`
//!   crate).
//! - **Map commands** run newgidmap's before newuidmap's (the `unshare`
//!   crate runs newuidmap's first).
//! - **Child.** [`Child::wait`] does not close the child's standard input
//!   (as in the `unshare` crate); [`Child::signal`] of a child already
//!   waited for is `InvalidInput`, as there. `take_pipe_reader` of a
//!   descriptor whose pipe the child reads returns None and keeps the
//!   writer (the `unshare` crate drops it), and the other way round.
//!
//! # Left out
//!
//! - `Command::before_unfreeze` and `Command::pre_exec`: the library's
//!   spawn runs none of the caller's code between clone and exec (the
//!   child shares the caller's memory until it execs and runs raw system
//!   calls only, which is what makes it safe from any thread). The
//!   `Error::BeforeUnfreeze` and `Error::PreExec` variants remain, unused.
//! - `reap_zombies`, `child_events`, `ChildEvent`: they reap any child of
//!   the process with `waitpid(-1)`, behind the back of every other owner
//!   of a child; a [`Child`] here is waited for through its pidfd.

mod child;
mod debug;
mod error;
mod namespace;
mod run;
mod signal;
mod status;
mod stdio;

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};

use libc::{gid_t, uid_t};

pub use child::Child;
pub use debug::{Printer, Style};
pub use error::Error;
pub use namespace::{Capability, GidMap, Namespace, UidMap};
pub use signal::{Signal, SignalIterator};
pub use status::ExitStatus;
pub use stdio::{AnyRange, Closing, Fd, PipeReader, PipeWriter, Stdio};

use stdio::dup_file_cloexec;

/// A process builder in the spirit of `std::process::Command`, with
/// namespaces, maps, a new root, uid and gid, as the `unshare` crate's.
///
/// ```
/// use linuxns::unshare::{Command, ExitStatus};
/// let mut cmd = Command::new("/bin/sh");
/// cmd.arg("-c").arg("exit 3");
/// assert_eq!(cmd.status().unwrap(), ExitStatus::Exited(3));
/// ```
pub struct Command {
    filename: OsString,
    /// argv, `argv[0]` first.
    args: Vec<OsString>,
    environ: Option<HashMap<OsString, OsString>>,
    pid_env_vars: HashSet<OsString>,
    work_dir: Option<PathBuf>,
    uid: Option<uid_t>,
    gid: Option<gid_t>,
    groups: Option<Vec<gid_t>>,
    death_sig: Option<Signal>,
    namespaces: Vec<Namespace>,
    setns_namespaces: HashMap<Namespace, Closing>,
    id_maps: Option<(Vec<UidMap>, Vec<GidMap>)>,
    id_map_commands: Option<(PathBuf, PathBuf)>,
    chroot_dir: Option<PathBuf>,
    pivot_root: Option<(PathBuf, PathBuf, bool)>,
    fds: HashMap<RawFd, Fd>,
    close_fds: Vec<(RawFd, RawFd)>,
    keep_caps: Option<[u32; 2]>,
    restore_sigmask: bool,
    make_group_leader: bool,
}

fn std_fds() -> HashMap<RawFd, Fd> {
    [(0, Fd::Inherit), (1, Fd::Inherit), (2, Fd::Inherit)]
        .into_iter()
        .collect()
}

impl Command {
    /// A command that runs the program at path `program` (no `PATH`
    /// search) with no arguments, the caller's environment, working
    /// directory and standard descriptors, and `SIGKILL` as its
    /// parent-death signal.
    ///
    /// ```
    /// let st = linuxns::unshare::Command::new("/bin/true").status().unwrap();
    /// assert!(st.success());
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        let program = program.as_ref().to_os_string();
        Command {
            args: vec![program.clone()],
            filename: program,
            environ: None,
            pid_env_vars: HashSet::new(),
            work_dir: None,
            uid: None,
            gid: None,
            groups: None,
            death_sig: Some(Signal::SIGKILL),
            namespaces: Vec::new(),
            setns_namespaces: HashMap::new(),
            id_maps: None,
            id_map_commands: None,
            chroot_dir: None,
            pivot_root: None,
            fds: std_fds(),
            close_fds: Vec::new(),
            keep_caps: None,
            restore_sigmask: true,
            make_group_leader: false,
        }
    }

    /// Adds an argument.
    ///
    /// ```
    /// let mut cmd = linuxns::unshare::Command::new("/bin/test");
    /// assert!(cmd.arg("-d").arg("/").status().unwrap().success());
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    /// Adds arguments.
    ///
    /// ```
    /// let mut cmd = linuxns::unshare::Command::new("/bin/test");
    /// assert!(cmd.args(&["-d", "/"]).status().unwrap().success());
    /// ```
    pub fn args<S: AsRef<OsStr>>(&mut self, args: &[S]) -> &mut Command {
        self.args
            .extend(args.iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// Copies the caller's environment into the command, if it has none
    /// yet (done by every change of the environment and by spawn).
    #[doc(hidden)]
    pub fn init_env_map(&mut self) {
        if self.environ.is_none() {
            self.environ = Some(std::env::vars_os().collect());
        }
    }

    fn env_map(&mut self) -> &mut HashMap<OsString, OsString> {
        self.environ
            .get_or_insert_with(|| std::env::vars_os().collect())
    }

    /// Sets an environment variable.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test \"$GREETING\" = hi"]).env("GREETING", "hi");
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let key = key.as_ref();
        self.env_map()
            .insert(key.to_os_string(), val.as_ref().to_os_string());
        self.pid_env_vars.remove(key);
        self
    }

    /// Sets several environment variables.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test \"$A$B\" = 12"]).envs([("A", "1"), ("B", "2")]);
    /// assert!(cmd.status().unwrap().success());
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

    /// Removes an environment variable.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test -z \"${HOME+set}\""]).env_remove("HOME");
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        let key = key.as_ref();
        self.env_map().remove(key);
        self.pid_env_vars.remove(key);
        self
    }

    /// Empties the environment.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/usr/bin/env");
    /// cmd.env_clear().env("ONLY", "1").stdout(linuxns::unshare::Stdio::piped());
    /// let mut child = cmd.spawn().unwrap();
    /// let mut out = String::new();
    /// std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    /// assert_eq!(out, "ONLY=1\n");
    /// child.wait().unwrap();
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.environ = Some(HashMap::new());
        self.pid_env_vars.clear();
        self
    }

    /// The working directory. With [`chroot_dir`](Command::chroot_dir) or
    /// [`pivot_root`](Command::pivot_root) it is a path inside the new
    /// root: an absolute `dir` is that path; a relative one is taken from
    /// the caller's working directory inside the new root if it is under
    /// it, else from the new root's `/`. Without `dir`, that directory (or
    /// `/`) is the working directory, so `current_dir(env::current_dir())`
    /// is not a no-op there.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Error};
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test $(pwd) = /tmp"]).current_dir("/tmp");
    /// assert!(cmd.status().unwrap().success());
    /// let e = Command::new("/bin/true").current_dir("/nonexistent").spawn().unwrap_err();
    /// assert!(matches!(e, Error::Chdir(libc::ENOENT)));
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.work_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Standard input.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Stdio};
    /// assert!(Command::new("/bin/cat").stdin(Stdio::null()).status().unwrap().success());
    /// ```
    pub fn stdin(&mut self, cfg: Stdio) -> &mut Command {
        self.fds.insert(0, cfg.to_fd(false));
        self
    }

    /// Standard output.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Stdio};
    /// assert!(Command::new("/bin/echo").stdout(Stdio::null()).status().unwrap().success());
    /// ```
    pub fn stdout(&mut self, cfg: Stdio) -> &mut Command {
        self.fds.insert(1, cfg.to_fd(true));
        self
    }

    /// Standard error.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Stdio};
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "echo oops >&2"]).stderr(Stdio::null());
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn stderr(&mut self, cfg: Stdio) -> &mut Command {
        self.fds.insert(2, cfg.to_fd(true));
        self
    }

    /// The child's uid (root, or inside a new user namespace an id of its
    /// map).
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// if linuxns::is_root() {
    ///     let mut cmd = Command::new("/bin/sh");
    ///     cmd.args(&["-c", "test $(id -u) = 65534"]).uid(65534).gid(65534).groups(vec![]);
    ///     assert!(cmd.status().unwrap().success());
    /// }
    /// ```
    pub fn uid(&mut self, id: uid_t) -> &mut Command {
        self.uid = Some(id);
        self
    }

    /// The child's gid.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// if linuxns::is_root() {
    ///     let mut cmd = Command::new("/bin/sh");
    ///     cmd.args(&["-c", "test $(id -g) = 65534"]).gid(65534);
    ///     assert!(cmd.status().unwrap().success());
    /// }
    /// ```
    pub fn gid(&mut self, id: gid_t) -> &mut Command {
        self.gid = Some(id);
        self
    }

    /// The child's supplementary groups.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// if linuxns::is_root() {
    ///     let mut cmd = Command::new("/bin/sh");
    ///     cmd.args(&["-c", "test \"$(id -G)\" = '0 100'"]).gid(0).groups(vec![0, 100]);
    ///     assert!(cmd.status().unwrap().success());
    /// }
    /// ```
    pub fn groups(&mut self, ids: Vec<gid_t>) -> &mut Command {
        self.groups = Some(ids);
        self
    }

    /// No parent-death signal: the child may outlive the thread that
    /// spawned it (by default it gets `SIGKILL`).
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// assert!(Command::new("/bin/true").allow_daemonize().status().unwrap().success());
    /// ```
    pub fn allow_daemonize(&mut self) -> &mut Command {
        self.death_sig = None;
        self
    }

    /// The signal the child gets when the thread that spawned it exits
    /// (`SIGKILL` by default; PR_SET_PDEATHSIG). It reaches the child
    /// only, not its own children: a new PID namespace
    /// (`Namespace::Pid`) makes the child's death end them all.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Signal};
    /// let mut cmd = Command::new("/bin/true");
    /// assert!(cmd.set_parent_death_signal(Signal::SIGTERM).status().unwrap().success());
    /// ```
    pub fn set_parent_death_signal(&mut self, sig: Signal) -> &mut Command {
        self.death_sig = Some(sig);
        self
    }

    /// chroot(2) into `dir` before exec (after
    /// [`pivot_root`](Command::pivot_root), inside the new root), with the
    /// working directory inside it (see
    /// [`current_dir`](Command::current_dir)). Needs `CAP_SYS_CHROOT`,
    /// which a new user namespace gives.
    ///
    /// # Panics
    ///
    /// If `dir` is not absolute.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Namespace};
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test $(pwd) = /tmp"]).chroot_dir("/")
    ///     .unshare(&[Namespace::User]).current_dir("/tmp");
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn chroot_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        let dir = dir.as_ref();
        assert!(dir.is_absolute(), "Chroot dir must be absolute");
        self.chroot_dir = Some(dir.to_path_buf());
        self
    }

    /// Makes `new_root` the root with pivot_root(2), the old root going
    /// to `put_old` (under `new_root`), detached afterwards when
    /// `unmount`. Needs `Namespace::Mount`, whose mounts are made private
    /// first; `new_root` is bind-mounted on itself, so it need not be a
    /// mount point.
    ///
    /// # Panics
    ///
    /// If either path is not absolute, or `new_root` is not a prefix of
    /// `put_old`.
    ///
    /// ```no_run
    /// use linuxns::unshare::{Command, Namespace};
    /// // /srv/rootfs is a file system tree with /bin/sh and /old in it.
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.unshare(&[Namespace::User, Namespace::Mount])
    ///     .pivot_root("/srv/rootfs", "/srv/rootfs/old", true);
    /// cmd.status().unwrap();
    /// ```
    pub fn pivot_root<A: AsRef<Path>, B: AsRef<Path>>(
        &mut self,
        new_root: A,
        put_old: B,
        unmount: bool,
    ) -> &mut Command {
        let (new_root, put_old) = (new_root.as_ref(), put_old.as_ref());
        assert!(new_root.is_absolute(), "New root must be absolute");
        assert!(put_old.is_absolute(), "The `put_old` dir must be absolute");
        let differs = new_root
            .components()
            .zip(put_old.components())
            .any(|(n, o)| n != o);
        assert!(!differs, "The new_root is not a prefix of put old");
        self.pivot_root = Some((new_root.to_path_buf(), put_old.to_path_buf(), unmount));
        self
    }

    /// Creates these namespaces for the child (adding to earlier calls).
    ///
    /// ```
    /// use linuxns::unshare::{Command, Namespace};
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test $$ = 1"]).unshare(&[Namespace::User, Namespace::Pid]);
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn unshare<'x>(&mut self, iter: impl IntoIterator<Item = &'x Namespace>) -> &mut Command {
        for ns in iter {
            if !self.namespaces.contains(ns) {
                self.namespaces.push(*ns);
            }
        }
        self
    }

    /// Makes the child join the namespace `file` refers to (a namespace
    /// file, or a pidfd for that process's namespace of kind `ns`),
    /// replacing an earlier one of that kind. The descriptor is copied
    /// now; a namespace of another kind is `SetNs(EINVAL)` at spawn.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Namespace};
    /// if linuxns::is_root() {
    ///     let net = std::fs::File::open("/proc/self/ns/net").unwrap();
    ///     let mut cmd = Command::new("/bin/true");
    ///     cmd.set_namespace(&net, Namespace::Net).unwrap();
    ///     assert!(cmd.status().unwrap().success());
    /// }
    /// ```
    pub fn set_namespace<F: AsRawFd>(
        &mut self,
        file: &F,
        ns: Namespace,
    ) -> io::Result<&mut Command> {
        let fd = dup_file_cloexec(file)?;
        self.setns_namespaces.insert(ns, fd);
        Ok(self)
    }

    /// The uid and gid maps of a new user namespace (`Namespace::User` is
    /// added); an empty list leaves that map unwritten. They are written
    /// directly, or with the commands of
    /// [`set_id_map_commands`](Command::set_id_map_commands). A caller
    /// without `CAP_SETGID` may map only its own ids, one each; setgroups
    /// is then denied for it (see the module's notes).
    ///
    /// ```
    /// use linuxns::unshare::{Command, GidMap, UidMap};
    /// let (uid, gid) = (linuxns::current_uid(), linuxns::current_gid());
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test $(id -u):$(id -g) = 0:0"]).set_id_maps(
    ///     vec![UidMap { inside_uid: 0, outside_uid: uid, count: 1 }],
    ///     vec![GidMap { inside_gid: 0, outside_gid: gid, count: 1 }],
    /// );
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn set_id_maps(&mut self, uid_map: Vec<UidMap>, gid_map: Vec<GidMap>) -> &mut Command {
        self.unshare(&[Namespace::User]);
        self.id_maps = Some((uid_map, gid_map));
        self
    }

    /// Writes the maps of [`set_id_maps`](Command::set_id_maps) with these
    /// programs, which take the arguments of newuidmap(1) and
    /// newgidmap(1): the child's pid, then inside, outside and count per
    /// range (the ranges of `/etc/subuid` and `/etc/subgid`).
    ///
    /// ```no_run
    /// use linuxns::unshare::{Command, GidMap, UidMap};
    /// let mut cmd = Command::new("/bin/true");
    /// cmd.set_id_maps(
    ///     vec![UidMap { inside_uid: 0, outside_uid: 100000, count: 65536 }],
    ///     vec![GidMap { inside_gid: 0, outside_gid: 100000, count: 65536 }],
    /// ).set_id_map_commands("/usr/bin/newuidmap", "/usr/bin/newgidmap");
    /// cmd.status().unwrap();
    /// ```
    pub fn set_id_map_commands<A: AsRef<Path>, B: AsRef<Path>>(
        &mut self,
        newuidmap: A,
        newgidmap: B,
    ) -> &mut Command {
        self.id_map_commands = Some((
            newuidmap.as_ref().to_path_buf(),
            newgidmap.as_ref().to_path_buf(),
        ));
        self
    }

    /// Keeps the caller's signal mask and ignored signals for the child
    /// (by default every signal is reset to its default and the mask
    /// emptied). Handlers are reset either way.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/true");
    /// assert!(cmd.keep_sigmask().status().unwrap().success());
    /// ```
    pub fn keep_sigmask(&mut self) -> &mut Command {
        self.restore_sigmask = false;
        self
    }

    /// The child's `argv[0]` (by default the program's path).
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.arg0("mysh").args(&["-c", "test $0 = mysh"]);
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.args[0] = arg.as_ref().to_os_string();
        self
    }

    /// Makes the child the leader of a new process group (setpgid), as a
    /// shell does for a job.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test $$ = $(cut -d' ' -f5 /proc/$$/stat)"]).make_group_leader(true);
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn make_group_leader(&mut self, make_group_leader: bool) -> &mut Command {
        self.make_group_leader = make_group_leader;
        self
    }

    /// Sets the environment variable `key` to the child's pid, as its PID
    /// namespace numbers it (e.g. `LISTEN_PID`).
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "test $LISTEN_PID = $$"]).env_var_with_pid("LISTEN_PID");
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn env_var_with_pid<K>(&mut self, key: K) -> &mut Command
    where
        K: AsRef<OsStr>,
    {
        let key = key.as_ref();
        self.env_map().remove(key);
        self.pid_env_vars.insert(key.to_os_string());
        self
    }

    /// Drops every capability but these, which the child keeps (permitted,
    /// effective, inheritable and ambient), across a uid change too; the
    /// caller must have them. Replaces an earlier call.
    ///
    /// ```
    /// use linuxns::unshare::{Capability, Command};
    /// if linuxns::is_root() {
    ///     let mut cmd = Command::new("/bin/sh");
    ///     cmd.args(&["-c", "grep -q 'CapAmb:.*0000000000000400' /proc/self/status"]).uid(65534);
    ///     cmd.keep_caps(&[Capability::CAP_NET_BIND_SERVICE]);
    ///     assert!(cmd.status().unwrap().success());
    /// }
    /// ```
    pub fn keep_caps<'x>(&mut self, caps: impl IntoIterator<Item = &'x Capability>) {
        let mut mask = [0u32; 2];
        for cap in caps {
            let n = *cap as u32;
            if let Some(word) = mask.get_mut((n >> 5) as usize) {
                *word |= 1 << (n & 31);
            }
        }
        self.keep_caps = Some(mask);
    }

    /// What the child's descriptor `target_fd` (3 or above) is.
    /// Descriptors the caller opened are close-on-exec (as Rust opens
    /// them), so only those given here and the standard ones reach the
    /// child.
    ///
    /// # Panics
    ///
    /// If `target_fd` is 0, 1 or 2: use [`stdin`](Command::stdin),
    /// [`stdout`](Command::stdout), [`stderr`](Command::stderr).
    ///
    /// ```
    /// use linuxns::unshare::{Command, Fd};
    /// let f = std::fs::File::open("/etc/hostname").unwrap();
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "cat <&7 >/dev/null"]).file_descriptor(7, Fd::dup_file(&f).unwrap());
    /// assert!(cmd.status().unwrap().success());
    /// ```
    pub fn file_descriptor(&mut self, target_fd: RawFd, cfg: Fd) -> &mut Command {
        assert!(
            target_fd > 2,
            "Stdio file descriptors must be configured with respective methods \
             instead of passing fd {target_fd} to `file_descritor()`"
        );
        self.fds.insert(target_fd, cfg);
        self
    }

    /// Closes a range of the caller's descriptors in the child (adding to
    /// earlier calls): `a..b`, `..b` (from 3), `a..` or `..` (to the
    /// last); never 0-2 nor those of
    /// [`file_descriptor`](Command::file_descriptor). Descriptors Rust
    /// opened are close-on-exec anyway.
    ///
    /// # Panics
    ///
    /// If the range starts below 3.
    ///
    /// ```
    /// use linuxns::unshare::Command;
    /// let mut cmd = Command::new("/bin/true");
    /// assert!(cmd.close_fds(..).status().unwrap().success());
    /// ```
    pub fn close_fds<A: Into<AnyRange>>(&mut self, range: A) -> &mut Command {
        let (first, end) = match range.into() {
            AnyRange::Range(a, b) => (a, b),
            AnyRange::RangeFrom(a) => (a, RawFd::MAX),
        };
        assert!(first >= 3, "close_fds range starts at {first}, below 3");
        self.close_fds.push((first, end));
        self
    }

    /// Back to the standard descriptors inherited and nothing else given
    /// or closed.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Stdio};
    /// let mut cmd = Command::new("/bin/true");
    /// cmd.stdout(Stdio::piped()).close_fds(..).reset_fds();
    /// let mut child = cmd.spawn().unwrap();
    /// assert!(child.stdout.is_none());
    /// child.wait().unwrap();
    /// ```
    pub fn reset_fds(&mut self) -> &mut Command {
        self.fds = std_fds();
        self.close_fds.clear();
        self
    }

    /// The command shown in `style`.
    ///
    /// ```
    /// use linuxns::unshare::{Command, Style};
    /// let mut cmd = Command::new("/usr/bin/env");
    /// cmd.arg0("printenv");
    /// assert_eq!(cmd.display(&Style::short()).to_string(), r#""printenv""#);
    /// assert_eq!(cmd.display(&Style::short().path(true)).to_string(), r#""/usr/bin/env" ("printenv")"#);
    /// ```
    pub fn display<'a>(&'a self, style: &'a Style) -> Printer<'a> {
        Printer(self, style)
    }
}
