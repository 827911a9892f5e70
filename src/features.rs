//! What the library found the running kernel to offer: one bit per
//! feature ([`features`], C: ns_features), each from a probe made once per
//! process and remembered in sys::features.

use std::fmt;
use std::ops::BitOr;

use crate::sys::consts::CLONE_PIDFD;
use crate::sys::features as f;
use crate::sys::probe::{CLONE_AUTOREAP, CLONE_EMPTY_MNTNS, CLONE_NNP, CLONE_PIDFD_AUTOKILL};
use crate::types::*;

/// Kernel features the library found, as [`features`] reports them.
///
/// Each constant is one feature; a value is a set of them (`|` combines,
/// [`contains`](Features::contains) asks). The bits are the C API's
/// `NS_FEATURE_*` values. With `LINUXNS_FORCE_FALLBACK=1` the library
/// avoids every one of them and the set is empty.
///
/// ```
/// use linuxns::Features;
///
/// let set = Features::CLONE3 | Features::NS_GET_ID;
/// assert!(set.contains(Features::CLONE3));
/// assert!(!set.contains(Features::LISTNS));
/// assert_eq!(format!("{set:?}"), "Features(CLONE3 | NS_GET_ID)");
/// assert_eq!(set.bits(), 0x11);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Features(u64);

impl Features {
    /// clone3(2) (5.3), not refused by a seccomp filter.
    pub const CLONE3: Features = Features(NS_FEATURE_CLONE3);
    /// clone3's CLONE_INTO_CGROUP (5.7).
    pub const CLONE_INTO_CGROUP: Features = Features(NS_FEATURE_CLONE_INTO_CGROUP);
    /// setns(2) with a pidfd and a mask of types, all at once (5.8).
    pub const SETNS_PIDFD: Features = Features(NS_FEATURE_SETNS_PIDFD);
    /// The PIDFD_GET_*_NAMESPACE ioctls (6.11).
    pub const PIDFD_GET_NAMESPACE: Features = Features(NS_FEATURE_PIDFD_GET_NAMESPACE);
    /// NS_GET_ID, the 64-bit namespace id (6.18).
    pub const NS_GET_ID: Features = Features(NS_FEATURE_NS_GET_ID);
    /// File handles of namespaces (nsfs, 6.18).
    pub const NSFS_HANDLES: Features = Features(NS_FEATURE_NSFS_HANDLES);
    /// listns(2) (6.19).
    pub const LISTNS: Features = Features(NS_FEATURE_LISTNS);
    /// NS_MNT_GET_INFO, NS_MNT_GET_NEXT, NS_MNT_GET_PREV (6.12).
    pub const MNTNS_IOCTLS: Features = Features(NS_FEATURE_MNTNS_IOCTLS);
    /// listmount(2) and statmount(2) (6.8).
    pub const LISTMOUNT: Features = Features(NS_FEATURE_LISTMOUNT);
    /// listmount and statmount of a mount namespace named by descriptor
    /// (6.18).
    pub const LISTMOUNT_NS_FD: Features = Features(NS_FEATURE_LISTMOUNT_NS_FD);
    /// PIDFD_GET_INFO with PIDFD_INFO_EXIT: the status of a reaped
    /// process (6.15).
    pub const PIDFD_INFO_EXIT: Features = Features(NS_FEATURE_PIDFD_INFO_EXIT);
    /// Idmapped mounts: mount_setattr(2) with MOUNT_ATTR_IDMAP (5.12).
    pub const IDMAPPED_MOUNTS: Features = Features(NS_FEATURE_IDMAPPED_MOUNTS);
    /// NS_GET_PID_FROM_PIDNS / NS_GET_PID_IN_PIDNS (6.11).
    pub const PID_TRANSLATE: Features = Features(NS_FEATURE_PID_TRANSLATE);
    /// clone3's CLONE_NNP (7.1).
    pub const CLONE_NNP: Features = Features(NS_FEATURE_CLONE_NNP);
    /// clone3's CLONE_PIDFD_AUTOKILL (7.1).
    pub const CLONE_PIDFD_AUTOKILL: Features = Features(NS_FEATURE_CLONE_PIDFD_AUTOKILL);
    /// clone3's CLONE_AUTOREAP (7.1).
    pub const CLONE_AUTOREAP: Features = Features(NS_FEATURE_CLONE_AUTOREAP);
    /// clone3's CLONE_EMPTY_MNTNS (7.1).
    pub const CLONE_EMPTY_MNTNS: Features = Features(NS_FEATURE_CLONE_EMPTY_MNTNS);

    /// No feature.
    ///
    /// ```
    /// assert!(linuxns::Features::empty().is_empty());
    /// ```
    pub const fn empty() -> Features {
        Features(0)
    }

    /// The `NS_FEATURE_*` bits.
    ///
    /// ```
    /// assert_eq!(linuxns::Features::CLONE3.bits(), 0x1);
    /// ```
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Is every feature of `other` in the set?
    ///
    /// ```
    /// use linuxns::Features;
    /// assert!((Features::LISTNS | Features::LISTMOUNT).contains(Features::LISTNS));
    /// ```
    pub const fn contains(self, other: Features) -> bool {
        self.0 & other.0 == other.0
    }

    /// Is the set empty?
    ///
    /// ```
    /// assert!(!linuxns::Features::CLONE3.is_empty());
    /// ```
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the features in the set, as the constants are named.
    ///
    /// ```
    /// use linuxns::Features;
    /// let set = Features::LISTNS | Features::CLONE3;
    /// assert_eq!(set.names().collect::<Vec<_>>(), ["CLONE3", "LISTNS"]);
    /// ```
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        TABLE
            .iter()
            .filter(move |e| self.0 & e.bit != 0)
            .map(|e| e.name)
    }
}

impl BitOr for Features {
    type Output = Features;
    fn bitor(self, rhs: Features) -> Features {
        Features(self.0 | rhs.0)
    }
}

impl fmt::Debug for Features {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        write!(out, "Features({})", names.join(" | "))
    }
}

/// One feature: its bit, its name, and how it is found.
struct Entry {
    bit: u64,
    name: &'static str,
    probe: fn() -> bool,
}

const TABLE: [Entry; 17] = [
    Entry {
        bit: NS_FEATURE_CLONE3,
        name: "CLONE3",
        probe: crate::spawn::prep::have_clone3,
    },
    Entry {
        bit: NS_FEATURE_CLONE_INTO_CGROUP,
        name: "CLONE_INTO_CGROUP",
        probe: f::clone_into_cgroup,
    },
    Entry {
        bit: NS_FEATURE_SETNS_PIDFD,
        name: "SETNS_PIDFD",
        probe: f::pidfd_setns,
    },
    Entry {
        bit: NS_FEATURE_PIDFD_GET_NAMESPACE,
        name: "PIDFD_GET_NAMESPACE",
        probe: f::pidfd_ns_ioctl,
    },
    Entry {
        bit: NS_FEATURE_NS_GET_ID,
        name: "NS_GET_ID",
        probe: f::ns_get_id,
    },
    Entry {
        bit: NS_FEATURE_NSFS_HANDLES,
        name: "NSFS_HANDLES",
        probe: f::nsfs_handles,
    },
    Entry {
        bit: NS_FEATURE_LISTNS,
        name: "LISTNS",
        probe: f::listns,
    },
    Entry {
        bit: NS_FEATURE_MNTNS_IOCTLS,
        name: "MNTNS_IOCTLS",
        probe: f::mntns_ioctls,
    },
    Entry {
        bit: NS_FEATURE_LISTMOUNT,
        name: "LISTMOUNT",
        probe: f::listmount,
    },
    Entry {
        bit: NS_FEATURE_LISTMOUNT_NS_FD,
        name: "LISTMOUNT_NS_FD",
        probe: f::listmount_ns_fd,
    },
    Entry {
        bit: NS_FEATURE_PIDFD_INFO_EXIT,
        name: "PIDFD_INFO_EXIT",
        probe: pidfd_info_exit,
    },
    Entry {
        bit: NS_FEATURE_IDMAPPED_MOUNTS,
        name: "IDMAPPED_MOUNTS",
        probe: f::idmapped_mounts,
    },
    Entry {
        bit: NS_FEATURE_PID_TRANSLATE,
        name: "PID_TRANSLATE",
        probe: f::pid_translate,
    },
    Entry {
        bit: NS_FEATURE_CLONE_NNP,
        name: "CLONE_NNP",
        probe: clone_nnp,
    },
    Entry {
        bit: NS_FEATURE_CLONE_PIDFD_AUTOKILL,
        name: "CLONE_PIDFD_AUTOKILL",
        probe: clone_autokill,
    },
    Entry {
        bit: NS_FEATURE_CLONE_AUTOREAP,
        name: "CLONE_AUTOREAP",
        probe: clone_autoreap,
    },
    Entry {
        bit: NS_FEATURE_CLONE_EMPTY_MNTNS,
        name: "CLONE_EMPTY_MNTNS",
        probe: clone_empty_mntns,
    },
];

fn pidfd_info_exit() -> bool {
    f::pidfd_get_info() && f::pidfd_info_exit()
}

fn clone_nnp() -> bool {
    f::clone3_flags_accepted(CLONE_NNP)
}

fn clone_autokill() -> bool {
    // The kernel takes AUTOKILL only with PIDFD and AUTOREAP, and from an
    // unprivileged caller only with NNP.
    f::clone3_flags_accepted(CLONE_PIDFD_AUTOKILL | CLONE_AUTOREAP | CLONE_NNP | CLONE_PIDFD)
}

fn clone_autoreap() -> bool {
    f::clone3_flags_accepted(CLONE_AUTOREAP)
}

fn clone_empty_mntns() -> bool {
    f::clone3_flags_accepted(CLONE_EMPTY_MNTNS)
}

/// The NS_FEATURE_* mask: every probe, each made once per process.
pub(crate) fn detect() -> u64 {
    TABLE
        .iter()
        .filter(|e| (e.probe)())
        .fold(0, |mask, e| mask | e.bit)
}

/// The kernel features the library found and uses on this system.
///
/// Each feature is probed once per process, cheaply and without side
/// effects (a call the kernel refuses after recognising it, or a read-only
/// ioctl on the caller's own namespaces and pidfd), and remembered; a
/// seccomp filter that refuses a call counts as the feature missing. With
/// `LINUXNS_FORCE_FALLBACK=1` the library takes its older paths and the
/// set is empty. The clone3 flags of 7.1 are probed with the values of
/// the 7.1 headers; on older kernels they are absent.
///
/// ```
/// use linuxns::{features, Features};
///
/// let found = features();
/// println!("{found:?}");
/// if found.contains(Features::PID_TRANSLATE) {
///     // linuxns::pid_translate asks the kernel (6.11) rather than /proc.
/// }
/// ```
pub fn features() -> Features {
    Features(detect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_distinct_bit_each() {
        let mut all = 0u64;
        for e in &TABLE {
            assert_eq!(e.bit.count_ones(), 1, "{}", e.name);
            assert_eq!(all & e.bit, 0, "{}", e.name);
            all |= e.bit;
        }
        assert_eq!(all, (1 << TABLE.len()) - 1);
    }
}
