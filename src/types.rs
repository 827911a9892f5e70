//! Public constants and plain-data types of the API, and the table of
//! namespace types. The values are the kernel's; `sys::consts` holds the
//! same numbers for internal use and a test checks they agree.

#![allow(non_camel_case_types)]

use std::ffi::{c_int, c_uint, c_void, CStr};

use crate::error::{Error, Result};

/// Mount namespace (CLONE_NEWNS).
///
/// cbindgen:ignore
pub const NS_MNT: c_int = 0x0002_0000;
/// Cgroup namespace (CLONE_NEWCGROUP).
///
/// cbindgen:ignore
pub const NS_CGROUP: c_int = 0x0200_0000;
/// UTS namespace: hostname and domain name (CLONE_NEWUTS).
///
/// cbindgen:ignore
pub const NS_UTS: c_int = 0x0400_0000;
/// IPC namespace: System V IPC and POSIX message queues (CLONE_NEWIPC).
///
/// cbindgen:ignore
pub const NS_IPC: c_int = 0x0800_0000;
/// User namespace: ids and capabilities (CLONE_NEWUSER).
///
/// cbindgen:ignore
pub const NS_USER: c_int = 0x1000_0000;
/// PID namespace (CLONE_NEWPID).
///
/// cbindgen:ignore
pub const NS_PID: c_int = 0x2000_0000;
/// Network namespace (CLONE_NEWNET).
///
/// cbindgen:ignore
pub const NS_NET: c_int = 0x4000_0000;
/// Time namespace: CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets (CLONE_NEWTIME).
///
/// cbindgen:ignore
pub const NS_TIME: c_int = 0x0000_0080;
/// Every namespace type.
pub const NS_ALL: c_int =
    NS_MNT | NS_CGROUP | NS_UTS | NS_IPC | NS_USER | NS_PID | NS_NET | NS_TIME;

/// With ns_open_pid / ns_open_pidfd and NS_PID or NS_TIME: open the namespace
/// the process's future children get (pid_for_children, time_for_children).
///
/// cbindgen:ignore
pub const NS_FOR_CHILDREN: c_int = 0x1;

/// Map writers, gid maps only: write "deny" to /proc/PID/setgroups first, as
/// an unprivileged process must before it may write its gid_map.
///
/// cbindgen:ignore
pub const NS_MAP_DENY_SETGROUPS: c_uint = 0x1;
/// Map writers: write through newuidmap(1) / newgidmap(1), which allow the
/// subordinate ranges of /etc/subuid and /etc/subgid.
///
/// cbindgen:ignore
pub const NS_MAP_USE_HELPER: c_uint = 0x2;

/// The most ranges a uid or gid map may have (the kernel's limit).
pub const NS_MAP_MAX_RANGES: usize = 340;

/// Room for the text form of any namespace handle (ns_handle_format), with
/// its NUL: "cgroup:4294967295:18446744073709551615" is 38 characters.
pub const NS_HANDLE_TEXT_MAX: usize = 40;

/// New mount namespace: make every mount private (the default, as unshare(1)).
pub const NS_PROPAGATION_PRIVATE: c_int = 0;
/// New mount namespace: receive mount events from the parent, send none.
pub const NS_PROPAGATION_SLAVE: c_int = 1;
/// New mount namespace: make every mount shared.
pub const NS_PROPAGATION_SHARED: c_int = 2;
/// New mount namespace: keep the propagation copied from the parent.
pub const NS_PROPAGATION_UNCHANGED: c_int = 3;

/// kcmp(2) type: compare file descriptors (idx1, idx2 are the fds).
pub const NS_KCMP_FILE: c_int = 0;
/// kcmp(2) type: do the processes share their address space?
pub const NS_KCMP_VM: c_int = 1;
/// kcmp(2) type: do they share their file descriptor table?
pub const NS_KCMP_FILES: c_int = 2;
/// kcmp(2) type: do they share filesystem information (root, cwd, umask)?
pub const NS_KCMP_FS: c_int = 3;
/// kcmp(2) type: do they share signal handlers?
pub const NS_KCMP_SIGHAND: c_int = 4;
/// kcmp(2) type: do they share I/O context?
pub const NS_KCMP_IO: c_int = 5;
/// kcmp(2) type: do they share System V semaphore undo lists?
pub const NS_KCMP_SYSVSEM: c_int = 6;

/// ns_list_ex: report every namespace, also those no process is in (held
/// by a descriptor, a bind mount, a thread, a *_for_children link, or
/// alive only as another's parent or owner).
///
/// cbindgen:ignore
pub const NS_LIST_ALL: c_uint = 0x1;

/// ns_pool_new: bring the loopback device (lo) up in each pooled network
/// namespace before it is handed out, as `ip link set lo up` would.
///
/// cbindgen:ignore
pub const NS_POOL_LO_UP: c_uint = 0x1;

/// ns_spawn_attr_set_caps: the bounding set (PR_CAPBSET_DROP of every
/// capability not given).
///
/// cbindgen:ignore
pub const NS_CAPS_BOUNDING: c_uint = 0x1;
/// ns_spawn_attr_set_caps: the permitted set (capset).
///
/// cbindgen:ignore
pub const NS_CAPS_PERMITTED: c_uint = 0x2;
/// ns_spawn_attr_set_caps: the effective set (capset).
///
/// cbindgen:ignore
pub const NS_CAPS_EFFECTIVE: c_uint = 0x4;
/// ns_spawn_attr_set_caps: the inheritable set (capset).
///
/// cbindgen:ignore
pub const NS_CAPS_INHERITABLE: c_uint = 0x8;
/// ns_spawn_attr_set_caps: the ambient set (PR_CAP_AMBIENT), which a
/// program that does not run as root keeps across exec.
///
/// cbindgen:ignore
pub const NS_CAPS_AMBIENT: c_uint = 0x10;

// ns_features: one bit per kernel feature the library found.
/// ns_features: clone3(2) (5.3), not refused by a seccomp filter.
///
/// cbindgen:ignore
pub const NS_FEATURE_CLONE3: u64 = 0x1;
/// ns_features: clone3's CLONE_INTO_CGROUP: start a child in a cgroup
/// (5.7).
///
/// cbindgen:ignore
pub const NS_FEATURE_CLONE_INTO_CGROUP: u64 = 0x2;
/// ns_features: setns(2) with a pidfd and a mask of types, entered at
/// once (5.8).
///
/// cbindgen:ignore
pub const NS_FEATURE_SETNS_PIDFD: u64 = 0x4;
/// ns_features: The PIDFD_GET_*_NAMESPACE ioctls: a pidfd's namespaces
/// (6.11).
///
/// cbindgen:ignore
pub const NS_FEATURE_PIDFD_GET_NAMESPACE: u64 = 0x8;
/// ns_features: NS_GET_ID: the 64-bit namespace id of ns_unique_id
/// (6.18).
///
/// cbindgen:ignore
pub const NS_FEATURE_NS_GET_ID: u64 = 0x10;
/// ns_features: File handles of namespaces (nsfs, 6.18).
///
/// cbindgen:ignore
pub const NS_FEATURE_NSFS_HANDLES: u64 = 0x20;
/// ns_features: listns(2): the kernel lists namespaces (6.19).
///
/// cbindgen:ignore
pub const NS_FEATURE_LISTNS: u64 = 0x40;
/// ns_features: NS_MNT_GET_INFO, NS_MNT_GET_NEXT and NS_MNT_GET_PREV
/// (6.12).
///
/// cbindgen:ignore
pub const NS_FEATURE_MNTNS_IOCTLS: u64 = 0x80;
/// ns_features: listmount(2) and statmount(2) (6.8).
///
/// cbindgen:ignore
pub const NS_FEATURE_LISTMOUNT: u64 = 0x100;
/// ns_features: listmount and statmount of a mount namespace named by
/// descriptor (6.18).
///
/// cbindgen:ignore
pub const NS_FEATURE_LISTMOUNT_NS_FD: u64 = 0x200;
/// ns_features: PIDFD_GET_INFO with PIDFD_INFO_EXIT: the status of a
/// reaped process (6.15).
///
/// cbindgen:ignore
pub const NS_FEATURE_PIDFD_INFO_EXIT: u64 = 0x400;
/// ns_features: Idmapped mounts: mount_setattr(2) with MOUNT_ATTR_IDMAP
/// (5.12).
///
/// cbindgen:ignore
pub const NS_FEATURE_IDMAPPED_MOUNTS: u64 = 0x800;
/// ns_features: NS_GET_PID_FROM_PIDNS / NS_GET_PID_IN_PIDNS: pids
/// across PID namespaces (6.11).
///
/// cbindgen:ignore
pub const NS_FEATURE_PID_TRANSLATE: u64 = 0x1000;
/// ns_features: clone3's CLONE_NNP: the child starts with no_new_privs
/// (7.1).
///
/// cbindgen:ignore
pub const NS_FEATURE_CLONE_NNP: u64 = 0x2000;
/// ns_features: clone3's CLONE_PIDFD_AUTOKILL: the child dies with its
/// clone pidfd (7.1).
///
/// cbindgen:ignore
pub const NS_FEATURE_CLONE_PIDFD_AUTOKILL: u64 = 0x4000;
/// ns_features: clone3's CLONE_AUTOREAP: the child is reaped by the
/// kernel (7.1).
///
/// cbindgen:ignore
pub const NS_FEATURE_CLONE_AUTOREAP: u64 = 0x8000;
/// ns_features: clone3's CLONE_EMPTY_MNTNS: the child gets an empty
/// mount namespace (7.1).
///
/// cbindgen:ignore
pub const NS_FEATURE_CLONE_EMPTY_MNTNS: u64 = 0x10000;

/// One range of a uid or gid map: `count` ids starting at `inside` in the
/// namespace are ids starting at `outside` in the parent namespace.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ns_idmap {
    /// First id inside the namespace.
    pub inside: u32,
    /// First id in the parent namespace.
    pub outside: u32,
    /// How many ids.
    pub count: u32,
}

/// One namespace, as ns_list reports it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ns_info {
    /// Inode number, as in "net:[4026531840]".
    pub id: u64,
    /// Id of the owning user namespace.
    pub userns_id: u64,
    /// Pid and user namespaces: the parent's id; otherwise 0.
    pub parent_id: u64,
    /// One NS_* value.
    pub r#type: i32,
    /// Processes found in it.
    pub nprocs: u32,
    /// Lowest pid found in it; 0 if none (bind-mounted only).
    pub pid: i32,
    /// Uid that created the owning user namespace.
    pub owner_uid: u32,
}

/// ns_list's callback: a non-zero return stops the walk.
pub type ns_list_cb = Option<unsafe extern "C" fn(info: *const ns_info, arg: *mut c_void) -> c_int>;

/// A spawn attribute object: what a spawned child gets (namespaces to
/// create or join, maps, hostname, root, descriptors).
///
/// Created by ns_spawn_attr_new, set up with the ns_spawn_attr_* setters,
/// used by ns_spawn and ns_spawn_fn, freed by ns_spawn_attr_free. Every
/// setter takes an object from ns_spawn_attr_new that has not been freed
/// (NULL is refused with -EINVAL), checks its own input at once and keeps
/// a copy of what it is given; ns_spawn checks the combination. An
/// ns_spawn_attr may be used by any number of threads at once for spawning
/// (ns_spawn, ns_spawn_fn); its setters and ns_spawn_attr_free must not run
/// concurrently with any use of the same attr.
pub struct ns_spawn_attr {
    pub(crate) inner: crate::spawn::SpawnAttr,
}

/// A pool of namespace sets made ahead of time (opaque).
///
/// Created by ns_pool_new, used by ns_spawn_attr_use_pool and
/// ns_pool_take, freed by ns_pool_free. A pool keeps `size` sets of
/// never-used namespaces ready, made by a background thread of its own;
/// any number of threads may take from it (and spawn with attrs that use
/// it) at once.
pub struct ns_pool {
    pub(crate) inner: crate::pool::Pool,
}

/// One namespace type.
///
/// The discriminant is the kernel's `CLONE_NEW*` bit (the C API's `NS_*`
/// value), so `NsType::Net as i32 == libc::CLONE_NEWNET`.
///
/// ```
/// use linuxns::NsType;
///
/// let t: NsType = "net".parse().unwrap();
/// assert_eq!(t, NsType::Net);
/// assert_eq!(t.name(), "net");
/// assert_eq!(t.bit(), libc::CLONE_NEWNET);
/// assert_eq!(t.to_string(), "net");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(i32)]
pub enum NsType {
    /// Mount namespace: the mount table (`CLONE_NEWNS`).
    Mnt = NS_MNT,
    /// Cgroup namespace: the view of the cgroup hierarchy (`CLONE_NEWCGROUP`).
    Cgroup = NS_CGROUP,
    /// UTS namespace: hostname and NIS domain name (`CLONE_NEWUTS`).
    Uts = NS_UTS,
    /// IPC namespace: System V IPC and POSIX message queues (`CLONE_NEWIPC`).
    Ipc = NS_IPC,
    /// User namespace: uids, gids and capabilities (`CLONE_NEWUSER`).
    User = NS_USER,
    /// PID namespace: process ids (`CLONE_NEWPID`).
    Pid = NS_PID,
    /// Network namespace: interfaces, routes, sockets (`CLONE_NEWNET`).
    Net = NS_NET,
    /// Time namespace: `CLOCK_MONOTONIC` and `CLOCK_BOOTTIME` offsets
    /// (`CLONE_NEWTIME`, Linux 5.6).
    Time = NS_TIME,
}

/// In /proc/PID/ns order of the kernel's own listing.
pub(crate) const TYPES: [NsType; 8] = NsType::ALL;

/// The user namespace type, for code that needs it by name.
pub(crate) const USER: NsType = NsType::User;

impl NsType {
    /// Every type, in the order of the kernel's `/proc/PID/ns` listing
    /// (alphabetical).
    ///
    /// ```
    /// assert_eq!(linuxns::NsType::ALL.len(), 8);
    /// ```
    pub const ALL: [NsType; 8] = [
        NsType::Cgroup,
        NsType::Ipc,
        NsType::Mnt,
        NsType::Net,
        NsType::Pid,
        NsType::Time,
        NsType::User,
        NsType::Uts,
    ];

    /// The type whose bit is exactly `bit` (one `CLONE_NEW*` value).
    ///
    /// ```
    /// use linuxns::NsType;
    /// assert_eq!(NsType::from_bit(libc::CLONE_NEWUTS), Some(NsType::Uts));
    /// assert_eq!(NsType::from_bit(libc::CLONE_NEWUTS | libc::CLONE_NEWNET), None);
    /// ```
    pub fn from_bit(bit: c_int) -> Option<NsType> {
        NsType::ALL.iter().copied().find(|t| t.bit() == bit)
    }

    /// The type named as in `/proc/PID/ns` (`"net"`, `"mnt"`, ...).
    pub(crate) fn from_name(name: &[u8]) -> Option<NsType> {
        NsType::ALL
            .iter()
            .copied()
            .find(|t| t.c_name().to_bytes() == name)
    }

    /// The kernel's `CLONE_NEW*` bit for this type.
    ///
    /// ```
    /// assert_eq!(linuxns::NsType::Pid.bit(), libc::CLONE_NEWPID);
    /// ```
    pub fn bit(self) -> c_int {
        self as c_int
    }

    /// The name used in `/proc/PID/ns`, lsns(8) and `net:[4026531840]`.
    ///
    /// ```
    /// assert_eq!(linuxns::NsType::Mnt.name(), "mnt");
    /// ```
    pub fn name(self) -> &'static str {
        // The names are ASCII.
        self.c_name().to_str().unwrap_or("?")
    }

    pub(crate) fn c_name(self) -> &'static CStr {
        match self {
            NsType::Cgroup => c"cgroup",
            NsType::Ipc => c"ipc",
            NsType::Mnt => c"mnt",
            NsType::Net => c"net",
            NsType::Pid => c"pid",
            NsType::Time => c"time",
            NsType::User => c"user",
            NsType::Uts => c"uts",
        }
    }

    /// Only pid and time namespaces have a `*_for_children` link.
    ///
    /// ```
    /// assert!(linuxns::NsType::Pid.has_for_children());
    /// assert!(!linuxns::NsType::Net.has_for_children());
    /// ```
    pub fn has_for_children(self) -> bool {
        matches!(self, NsType::Pid | NsType::Time)
    }

    /// The file name under /proc/PID/ns.
    pub(crate) fn proc_name(self, for_children: bool) -> &'static str {
        match (self, for_children) {
            (NsType::Pid, true) => "pid_for_children",
            (NsType::Time, true) => "time_for_children",
            _ => self.name(),
        }
    }

    /// Every type in `mask`, user namespace first, then the table order.
    pub(crate) fn in_mask(mask: c_int) -> impl Iterator<Item = NsType> {
        let user = Some(NsType::User).filter(|_| mask & NS_USER != 0);
        user.into_iter().chain(
            TYPES
                .iter()
                .copied()
                .filter(move |t| *t != NsType::User && mask & t.bit() != 0),
        )
    }
}

impl std::fmt::Display for NsType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for NsType {
    type Err = Error;

    /// Parses a name as [`NsType::name`] gives it.
    fn from_str(s: &str) -> Result<NsType> {
        NsType::from_name(s.as_bytes()).ok_or_else(|| {
            Error::invalid(format!("namespace type {s:?}"))
                .with_hint("one of cgroup, ipc, mnt, net, pid, time, user, uts")
        })
    }
}

/// The text of a mask for messages: "net|uts" or "0".
pub(crate) fn mask_text(mask: c_int) -> String {
    let mut s: Vec<&str> = TYPES
        .iter()
        .filter(|t| mask & t.bit() != 0)
        .map(|t| t.name())
        .collect();
    let rest = mask & !NS_ALL;
    let hex;
    if rest != 0 {
        hex = format!("{rest:#x}");
        s.push(&hex);
    }
    if s.is_empty() {
        "0".into()
    } else {
        s.join("|")
    }
}

/// A `type` argument that must be exactly one NS_* value.
pub(crate) fn parse_one_type(ty: c_int) -> Result<NsType> {
    NsType::from_bit(ty).ok_or_else(|| {
        Error::invalid(format!("type {ty:#x}")).with_hint("exactly one NS_* type is needed")
    })
}

/// `type` as ns_open_pid takes it: one NS_* bit, optionally with
/// NS_FOR_CHILDREN for pid and time namespaces.
pub(crate) fn parse_open_type(ty: c_int) -> Result<(NsType, bool)> {
    let for_children = ty & NS_FOR_CHILDREN != 0;
    let t =
        parse_one_type(ty & !NS_FOR_CHILDREN).map_err(|e| e.with_step(format!("type {ty:#x}")))?;
    if for_children && !t.has_for_children() {
        return Err(Error::invalid(format!("type {}|NS_FOR_CHILDREN", t.name()))
            .with_hint("only pid and time namespaces have a *_for_children namespace"));
    }
    Ok((t, for_children))
}

/// A `type` argument where 0 means "any": None, or the single type.
pub(crate) fn parse_any_type(ty: c_int) -> Result<Option<NsType>> {
    if ty == 0 {
        return Ok(None);
    }
    NsType::from_bit(ty).map(Some).ok_or_else(|| {
        Error::invalid(format!("type {ty:#x}")).with_hint("0 or exactly one NS_* type is needed")
    })
}

/// A mask of namespace types; any other bit is EINVAL.
pub(crate) fn check_mask(mask: c_int, what: &'static str) -> Result<()> {
    if mask & !NS_ALL != 0 {
        return Err(Error::invalid(format!("{what} {mask:#x}"))
            .with_hint(format!("bits {:#x} are not NS_* types", mask & !NS_ALL)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::consts as k;

    #[test]
    fn constants_are_the_kernel_bits() {
        assert_eq!(NS_MNT, k::CLONE_NEWNS);
        assert_eq!(NS_CGROUP, k::CLONE_NEWCGROUP);
        assert_eq!(NS_UTS, k::CLONE_NEWUTS);
        assert_eq!(NS_IPC, k::CLONE_NEWIPC);
        assert_eq!(NS_USER, k::CLONE_NEWUSER);
        assert_eq!(NS_PID, k::CLONE_NEWPID);
        assert_eq!(NS_NET, k::CLONE_NEWNET);
        assert_eq!(NS_TIME, k::CLONE_NEWTIME);
        assert_eq!(NS_MNT, libc::CLONE_NEWNS);
        assert_eq!(NS_NET, libc::CLONE_NEWNET);
        assert_eq!(NS_ALL.count_ones(), 8);
    }

    #[test]
    fn names_round_trip() {
        for t in TYPES {
            assert_eq!(NsType::from_name(t.name().as_bytes()), Some(t));
            assert_eq!(NsType::from_bit(t.bit()), Some(t));
        }
        assert_eq!(NsType::from_name(b"pid_for_children"), None);
        assert_eq!(NsType::from_name(b"NET"), None);
        assert_eq!(NsType::from_bit(NS_NET | NS_UTS), None);
        assert_eq!(NsType::from_bit(0), None);
    }

    #[test]
    fn open_type_checks() {
        assert!(parse_open_type(NS_PID | NS_FOR_CHILDREN).unwrap().1);
        assert_eq!(
            parse_open_type(NS_TIME | NS_FOR_CHILDREN).unwrap().0.name(),
            "time"
        );
        assert_eq!(
            parse_open_type(NS_NET | NS_FOR_CHILDREN)
                .unwrap_err()
                .errno(),
            libc::EINVAL
        );
        assert_eq!(parse_open_type(0).unwrap_err().errno(), libc::EINVAL);
        assert_eq!(
            parse_open_type(NS_NET | NS_UTS).unwrap_err().errno(),
            libc::EINVAL
        );
        assert_eq!(parse_any_type(0).unwrap(), None);
        assert!(parse_any_type(NS_ALL).is_err());
    }

    #[test]
    fn masks() {
        assert!(check_mask(NS_ALL, "types").is_ok());
        assert!(check_mask(0x100, "types").is_err());
        let order: Vec<_> = NsType::in_mask(NS_NET | NS_USER | NS_UTS)
            .map(|t| t.name())
            .collect();
        assert_eq!(order, ["user", "net", "uts"]);
        assert_eq!(mask_text(NS_NET | NS_UTS | 0x1), "net|uts|0x1");
    }
}
