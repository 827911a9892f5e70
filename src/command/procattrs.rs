//! [`Command`]'s process attributes, as bubblewrap and container runtimes
//! set them: a new session, resource limits, capability sets, a seccomp
//! filter and the umask (crate::procattrs; the ids and the process group
//! are in command.rs).

use std::ops::BitOr;

use super::Command;
use crate::procattrs::Insn;
use crate::types::*;

/// A resource whose limit [`Command::rlimit`] sets: the `RLIMIT_*` of
/// setrlimit(2).
///
/// ```
/// let _ = linuxns::Command::new("true").rlimit(linuxns::Resource::Core, 0, 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// `RLIMIT_CPU`: CPU time, in seconds.
    Cpu,
    /// `RLIMIT_FSIZE`: the largest file the process may write, in bytes.
    Fsize,
    /// `RLIMIT_DATA`: the data segment, in bytes.
    Data,
    /// `RLIMIT_STACK`: the main thread's stack, in bytes.
    Stack,
    /// `RLIMIT_CORE`: the largest core dump, in bytes.
    Core,
    /// `RLIMIT_RSS`: resident set size (not enforced by Linux).
    Rss,
    /// `RLIMIT_NPROC`: processes of the real uid.
    Nproc,
    /// `RLIMIT_NOFILE`: one more than the highest descriptor number.
    Nofile,
    /// `RLIMIT_MEMLOCK`: locked memory, in bytes.
    Memlock,
    /// `RLIMIT_AS`: the address space, in bytes.
    As,
    /// `RLIMIT_LOCKS`: file locks (not enforced by Linux).
    Locks,
    /// `RLIMIT_SIGPENDING`: queued signals of the real uid.
    Sigpending,
    /// `RLIMIT_MSGQUEUE`: POSIX message queue bytes of the real uid.
    Msgqueue,
    /// `RLIMIT_NICE`: the ceiling of the nice value, as 20 - nice.
    Nice,
    /// `RLIMIT_RTPRIO`: the ceiling of the real-time priority.
    Rtprio,
    /// `RLIMIT_RTTIME`: real-time CPU time without a blocking call, in µs.
    Rttime,
}

impl Resource {
    /// The kernel's number for it (which differs between architectures).
    fn number(self) -> i32 {
        (match self {
            Resource::Cpu => libc::RLIMIT_CPU,
            Resource::Fsize => libc::RLIMIT_FSIZE,
            Resource::Data => libc::RLIMIT_DATA,
            Resource::Stack => libc::RLIMIT_STACK,
            Resource::Core => libc::RLIMIT_CORE,
            Resource::Rss => libc::RLIMIT_RSS,
            Resource::Nproc => libc::RLIMIT_NPROC,
            Resource::Nofile => libc::RLIMIT_NOFILE,
            Resource::Memlock => libc::RLIMIT_MEMLOCK,
            Resource::As => libc::RLIMIT_AS,
            Resource::Locks => libc::RLIMIT_LOCKS,
            Resource::Sigpending => libc::RLIMIT_SIGPENDING,
            Resource::Msgqueue => libc::RLIMIT_MSGQUEUE,
            Resource::Nice => libc::RLIMIT_NICE,
            Resource::Rtprio => libc::RLIMIT_RTPRIO,
            Resource::Rttime => libc::RLIMIT_RTTIME,
        }) as i32
    }
}

/// Capability sets, for [`Command::capabilities`]; combine with `|`.
///
/// ```
/// use linuxns::CapSets;
/// let s = CapSets::PERMITTED | CapSets::AMBIENT;
/// assert!(s.contains(CapSets::AMBIENT) && !s.contains(CapSets::BOUNDING));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CapSets(u32);

impl CapSets {
    /// The bounding set: the most a program can ever hold.
    pub const BOUNDING: CapSets = CapSets(NS_CAPS_BOUNDING);
    /// The permitted set.
    pub const PERMITTED: CapSets = CapSets(NS_CAPS_PERMITTED);
    /// The effective set: what the kernel checks.
    pub const EFFECTIVE: CapSets = CapSets(NS_CAPS_EFFECTIVE);
    /// The inheritable set.
    pub const INHERITABLE: CapSets = CapSets(NS_CAPS_INHERITABLE);
    /// The ambient set: what a program not running as root keeps across
    /// exec.
    pub const AMBIENT: CapSets = CapSets(NS_CAPS_AMBIENT);

    /// No set.
    ///
    /// ```
    /// assert_eq!(linuxns::CapSets::empty(), linuxns::CapSets::default());
    /// ```
    pub const fn empty() -> CapSets {
        CapSets(0)
    }

    /// Are the sets of `other` all in `self`?
    ///
    /// ```
    /// use linuxns::CapSets;
    /// assert!((CapSets::BOUNDING | CapSets::AMBIENT).contains(CapSets::BOUNDING));
    /// ```
    pub const fn contains(self, other: CapSets) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for CapSets {
    type Output = CapSets;
    fn bitor(self, rhs: CapSets) -> CapSets {
        CapSets(self.0 | rhs.0)
    }
}

impl Command {
    /// Starts the program in a new session (setsid(2)): it leads a new
    /// session and process group, without a controlling terminal, as
    /// bubblewrap's `--new-session`. Not with
    /// [`process_group`](Command::process_group).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// // Field 6 of /proc/PID/stat is the session.
    /// let out = linuxns::Command::new("sh")
    ///     .args(["-c", "echo $$; cut -d' ' -f6 /proc/$$/stat"])
    ///     .setsid(true).output()?;
    /// let text = String::from_utf8_lossy(&out.stdout).into_owned();
    /// let lines: Vec<&str> = text.lines().collect();
    /// assert_eq!(lines[0], lines[1]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn setsid(&mut self, on: bool) -> &mut Command {
        let r = self.attr.set_setsid(on);
        self.record(r)
    }

    /// Sets a resource limit of the program (prlimit64 in the child,
    /// before its ids change); `u64::MAX` is `RLIM_INFINITY`. Raising a
    /// hard limit needs `CAP_SYS_RESOURCE` in the initial user namespace.
    /// Repeatable, once per resource.
    ///
    /// ```
    /// use linuxns::{Command, Resource};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("sh").args(["-c", "ulimit -n; ulimit -Hn"])
    ///     .rlimit(Resource::Nofile, 64, 128).output()?;
    /// assert_eq!(out.stdout, b"64\n128\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn rlimit(&mut self, resource: Resource, soft: u64, hard: u64) -> &mut Command {
        let r = self.attr.set_rlimit(resource.number(), soft, hard);
        self.record(r)
    }

    /// Sets capability sets of the program: each of `sets` becomes `caps`
    /// (bit n: capability n, `CAP_NET_BIND_SERVICE` is 10), as the C API's
    /// `ns_spawn_attr_set_caps` (whose documentation gives the order and
    /// what survives exec): the bounding set before the ids change, the
    /// others after it. A program not running as root keeps its ambient
    /// set across exec; one running as root gets its bounding set.
    /// [`keep_caps`](Command::keep_caps) is all sets but the bounding one.
    ///
    /// ```
    /// use linuxns::{CapSets, Command};
    /// # fn main() -> linuxns::Result<()> {
    /// # if !linuxns::is_root() { return Ok(()); }
    /// const CAP_NET_BIND_SERVICE: u64 = 10;
    /// let out = Command::new("grep").args(["-E", "^Cap(Eff|Amb)", "/proc/self/status"])
    ///     .uid(65534)
    ///     .capabilities(CapSets::PERMITTED | CapSets::INHERITABLE | CapSets::AMBIENT, 1 << CAP_NET_BIND_SERVICE)
    ///     .output()?;
    /// assert_eq!(out.stdout, b"CapEff:\t0000000000000400\nCapAmb:\t0000000000000400\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn capabilities(&mut self, sets: CapSets, caps: u64) -> &mut Command {
        let r = self.attr.set_caps(sets.0, caps);
        self.record(r)
    }

    /// The bounding set: every capability outside `caps` is dropped for
    /// good (`capabilities(CapSets::BOUNDING, caps)`). Needs
    /// `CAP_SETPCAP`, which a new user namespace gives.
    ///
    /// ```
    /// use linuxns::{Command, NsSet};
    /// # fn main() -> linuxns::Result<()> {
    /// let out = Command::new("grep").args(["CapBnd", "/proc/self/status"])
    ///     .unshare(NsSet::USER).map_root().bounding_caps(1 << 10).output()?;
    /// assert_eq!(out.stdout, b"CapBnd:\t0000000000000400\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn bounding_caps(&mut self, caps: u64) -> &mut Command {
        self.capabilities(CapSets::BOUNDING, caps)
    }

    /// A seccomp filter (classic BPF over `struct seccomp_data`), checked
    /// now as the kernel will check it and installed last before exec,
    /// with no_new_privs, as the C API's `ns_spawn_attr_set_seccomp`.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// // uname(2) fails with EPERM, everything else is allowed.
    /// let insn = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    /// let filter = [
    ///     insn(0x20, 0, 0, 0),                        // A = seccomp_data.nr
    ///     insn(0x15, 0, 1, libc::SYS_uname as u32),   // A == uname?
    ///     insn(0x06, 0, 0, 0x0005_0000 | libc::EPERM as u32), // SECCOMP_RET_ERRNO
    ///     insn(0x06, 0, 0, 0x7fff_0000),              // SECCOMP_RET_ALLOW
    /// ];
    /// let out = linuxns::Command::new("uname").seccomp(&filter).output()?;
    /// assert!(!out.status.success());
    /// assert!(String::from_utf8_lossy(&out.stderr).contains("not permitted"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn seccomp(&mut self, filter: &[libc::sock_filter]) -> &mut Command {
        let prog: Vec<Insn> = filter
            .iter()
            .map(|i| Insn {
                code: i.code,
                jt: i.jt,
                jf: i.jf,
                k: i.k,
            })
            .collect();
        let r = self.attr.set_seccomp(&prog);
        self.record(r)
    }

    /// The program's umask (permission bits, 0 to 0o777).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("sh").args(["-c", "umask"]).umask(0o027).output()?;
    /// assert_eq!(out.stdout, b"0027\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn umask(&mut self, mask: u32) -> &mut Command {
        let r = self.attr.set_umask(mask);
        self.record(r)
    }

    /// Starts the program with no_new_privs set: execve never grants it
    /// privileges (set-user-ID bits and file capabilities are ignored),
    /// nor anything it runs. CLONE_NNP where the kernel has it (7.1, a
    /// spawn without joins), and prctl(PR_SET_NO_NEW_PRIVS) in the child
    /// right before exec on every kernel.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let out = linuxns::Command::new("grep").args(["NoNewPrivs", "/proc/self/status"])
    ///     .no_new_privs(true).output()?;
    /// assert_eq!(out.stdout, b"NoNewPrivs:\t1\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn no_new_privs(&mut self, on: bool) -> &mut Command {
        let r = self.attr.set_no_new_privs(on);
        self.record(r)
    }

    /// Lets the kernel reap the program when it exits (CLONE_AUTOREAP,
    /// Linux 7.1): it never becomes a zombie and sends no SIGCHLD, so a
    /// runtime that reaps every child never sees it. [`Child::wait`](crate::Child::wait) then
    /// waits for its pidfd and reads the status the kernel keeps there.
    ///
    /// Errors (at spawn): `EOPNOTSUPP` on kernels before 7.1 (there is no
    /// fallback: wait for it as usual), and with joins or time offsets
    /// (they need an intermediate process, and the kernel reaps only a
    /// child the caller cloned itself).
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut cmd = linuxns::Command::new("true");
    /// if linuxns::features().contains(linuxns::Features::CLONE_AUTOREAP) {
    ///     assert!(cmd.autoreap(true).status()?.success());
    /// } else {
    ///     let e = cmd.autoreap(true).status().unwrap_err();
    ///     assert_eq!(e.errno(), libc::EOPNOTSUPP);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn autoreap(&mut self, on: bool) -> &mut Command {
        let r = self.attr.set_autoreap(on);
        self.record(r)
    }

    /// Kills the program when the last descriptor of its pidfd closes
    /// (CLONE_PIDFD_AUTOKILL, Linux 7.1): dropping the [`Child`](crate::Child) (or the
    /// caller's exit) ends it. Implies [`autoreap`](Command::autoreap) and
    /// [`no_new_privs`](Command::no_new_privs) (the kernel requires the
    /// latter of callers without CAP_SYS_ADMIN; set for every caller).
    ///
    /// Errors (at spawn): `EOPNOTSUPP` on kernels before 7.1 (no
    /// fallback), and with joins or time offsets, as for autoreap.
    ///
    /// ```
    /// # fn main() -> linuxns::Result<()> {
    /// let mut cmd = linuxns::Command::new("sleep");
    /// cmd.arg("60").autokill(true);
    /// if linuxns::features().contains(linuxns::Features::CLONE_PIDFD_AUTOKILL) {
    ///     drop(cmd.spawn()?); // closes the pidfd: the kernel kills it
    /// } else {
    ///     assert_eq!(cmd.spawn().unwrap_err().errno(), libc::EOPNOTSUPP);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn autokill(&mut self, on: bool) -> &mut Command {
        let r = self.attr.set_autokill(on);
        self.record(r)
    }
}
