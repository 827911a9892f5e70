//! Entry points for the fuzz targets (fuzz/): the parsers and validators
//! that take untrusted or arbitrary input, reachable without the C API.
//! Not part of the API; hidden from the documentation.

pub use crate::idmap::{format as format_map, validate as validate_map, MapKind};
pub use crate::procfs::{parse_fdinfo_pid, parse_status_threads};
pub use crate::spawn::SpawnAttr;
pub use crate::survey::{parse_ns_link, parse_nsfs_mounts, parse_nsfs_mounts_bytes};
pub use crate::types::ns_idmap;

/// The C API's constants, for the test that compares them with the header.
pub mod c_constants {
    pub use crate::types::NS_HANDLE_TEXT_MAX;
    pub use crate::types::NS_LIST_ALL;
    pub use crate::types::NS_POOL_LO_UP;
    pub use crate::types::{
        NS_ALL, NS_CGROUP, NS_FOR_CHILDREN, NS_IPC, NS_KCMP_FILE, NS_KCMP_FILES, NS_KCMP_FS,
        NS_KCMP_IO, NS_KCMP_SIGHAND, NS_KCMP_SYSVSEM, NS_KCMP_VM, NS_MAP_DENY_SETGROUPS,
        NS_MAP_MAX_RANGES, NS_MAP_USE_HELPER, NS_MNT, NS_NET, NS_PID, NS_PROPAGATION_PRIVATE,
        NS_PROPAGATION_SHARED, NS_PROPAGATION_SLAVE, NS_PROPAGATION_UNCHANGED, NS_TIME, NS_USER,
        NS_UTS,
    };
    pub use crate::types::{
        NS_CAPS_AMBIENT, NS_CAPS_BOUNDING, NS_CAPS_EFFECTIVE, NS_CAPS_INHERITABLE,
        NS_CAPS_PERMITTED,
    };
    pub use crate::types::{
        NS_FEATURE_CLONE3, NS_FEATURE_CLONE_AUTOREAP, NS_FEATURE_CLONE_EMPTY_MNTNS,
        NS_FEATURE_CLONE_INTO_CGROUP, NS_FEATURE_CLONE_NNP, NS_FEATURE_CLONE_PIDFD_AUTOKILL,
        NS_FEATURE_IDMAPPED_MOUNTS, NS_FEATURE_LISTMOUNT, NS_FEATURE_LISTMOUNT_NS_FD,
        NS_FEATURE_LISTNS, NS_FEATURE_MNTNS_IOCTLS, NS_FEATURE_NSFS_HANDLES, NS_FEATURE_NS_GET_ID,
        NS_FEATURE_PIDFD_GET_NAMESPACE, NS_FEATURE_PIDFD_INFO_EXIT, NS_FEATURE_PID_TRANSLATE,
        NS_FEATURE_SETNS_PIDFD,
    };
}
