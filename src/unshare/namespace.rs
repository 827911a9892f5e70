//! Namespace kinds, id map entries and capabilities, as the `unshare`
//! crate names them.

use crate::NsType;

/// A kind of namespace to create ([`Command::unshare`](super::Command::unshare))
/// or join ([`Command::set_namespace`](super::Command::set_namespace)).
///
/// ```
/// use linuxns::unshare::{Command, Namespace};
/// let mut cmd = Command::new("/bin/true");
/// cmd.unshare(&[Namespace::User, Namespace::Uts]);
/// assert!(cmd.status().unwrap().success());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// The mount table (`CLONE_NEWNS`). Its mounts keep the propagation
    /// they had (a shared one still propagates to the parent namespace),
    /// except with [`pivot_root`](super::Command::pivot_root), which makes
    /// them private first.
    Mount,
    /// Hostname and NIS domain name (`CLONE_NEWUTS`).
    Uts,
    /// System V IPC and POSIX message queues (`CLONE_NEWIPC`).
    Ipc,
    /// Users, groups and capabilities (`CLONE_NEWUSER`); lets an
    /// unprivileged caller create the others.
    User,
    /// Process ids (`CLONE_NEWPID`): the child is pid 1, and `/proc` still
    /// shows the parent's namespace unless it mounts its own.
    Pid,
    /// Network devices, addresses, routes and ports (`CLONE_NEWNET`).
    Net,
    /// The view of the cgroup hierarchy (`CLONE_NEWCGROUP`).
    Cgroup,
}

impl Namespace {
    /// The library's type for this kind.
    ///
    /// ```
    /// use linuxns::{unshare::Namespace, NsType};
    /// assert_eq!(Namespace::Mount.ns_type(), NsType::Mnt);
    /// ```
    pub fn ns_type(self) -> NsType {
        match self {
            Namespace::Mount => NsType::Mnt,
            Namespace::Uts => NsType::Uts,
            Namespace::Ipc => NsType::Ipc,
            Namespace::User => NsType::User,
            Namespace::Pid => NsType::Pid,
            Namespace::Net => NsType::Net,
            Namespace::Cgroup => NsType::Cgroup,
        }
    }
}

/// One range of a uid map: `count` uids from `inside_uid` in the new user
/// namespace are those from `outside_uid` outside.
///
/// ```
/// let m = linuxns::unshare::UidMap { inside_uid: 0, outside_uid: 1000, count: 1 };
/// assert_eq!(m.count, 1);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UidMap {
    /// First uid inside.
    pub inside_uid: libc::uid_t,
    /// First uid outside.
    pub outside_uid: libc::uid_t,
    /// How many.
    pub count: libc::uid_t,
}

/// One range of a gid map: `count` gids from `inside_gid` in the new user
/// namespace are those from `outside_gid` outside.
///
/// ```
/// let m = linuxns::unshare::GidMap { inside_gid: 0, outside_gid: 1000, count: 1 };
/// assert_eq!(m.inside_gid, 0);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct GidMap {
    /// First gid inside.
    pub inside_gid: libc::gid_t,
    /// First gid outside.
    pub outside_gid: libc::gid_t,
    /// How many.
    pub count: libc::gid_t,
}

/// A capability, numbered as the kernel does, for
/// [`Command::keep_caps`](super::Command::keep_caps).
///
/// ```
/// use linuxns::unshare::Capability;
/// assert_eq!(Capability::CAP_NET_BIND_SERVICE as u32, 10);
/// ```
#[derive(Debug, PartialEq, Eq, Hash, Clone, Copy)]
// The hidden last variant is the unshare crate's (code naming it keeps
// compiling; `as u32` works across crates, unlike a #[non_exhaustive] one).
#[allow(non_camel_case_types, missing_docs, clippy::manual_non_exhaustive)]
pub enum Capability {
    CAP_CHOWN = 0,
    CAP_DAC_OVERRIDE = 1,
    CAP_DAC_READ_SEARCH = 2,
    CAP_FOWNER = 3,
    CAP_FSETID = 4,
    CAP_KILL = 5,
    CAP_SETGID = 6,
    CAP_SETUID = 7,
    CAP_SETPCAP = 8,
    CAP_LINUX_IMMUTABLE = 9,
    CAP_NET_BIND_SERVICE = 10,
    CAP_NET_BROADCAST = 11,
    CAP_NET_ADMIN = 12,
    CAP_NET_RAW = 13,
    CAP_IPC_LOCK = 14,
    CAP_IPC_OWNER = 15,
    CAP_SYS_MODULE = 16,
    CAP_SYS_RAWIO = 17,
    CAP_SYS_CHROOT = 18,
    CAP_SYS_PTRACE = 19,
    CAP_SYS_PACCT = 20,
    CAP_SYS_ADMIN = 21,
    CAP_SYS_BOOT = 22,
    CAP_SYS_NICE = 23,
    CAP_SYS_RESOURCE = 24,
    CAP_SYS_TIME = 25,
    CAP_SYS_TTY_CONFIG = 26,
    CAP_MKNOD = 27,
    CAP_LEASE = 28,
    CAP_AUDIT_WRITE = 29,
    CAP_AUDIT_CONTROL = 30,
    CAP_SETFCAP = 31,
    CAP_MAC_OVERRIDE = 32,
    CAP_MAC_ADMIN = 33,
    CAP_SYSLOG = 34,
    CAP_WAKE_ALARM = 35,
    CAP_BLOCK_SUSPEND = 36,
    CAP_AUDIT_READ = 37,
    #[doc(hidden)]
    __NonExhaustive,
}
