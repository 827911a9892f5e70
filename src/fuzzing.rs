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
    pub use crate::types::{
        NS_ALL, NS_CGROUP, NS_FOR_CHILDREN, NS_IPC, NS_KCMP_FILE, NS_KCMP_FILES, NS_KCMP_FS,
        NS_KCMP_IO, NS_KCMP_SIGHAND, NS_KCMP_SYSVSEM, NS_KCMP_VM, NS_MAP_DENY_SETGROUPS,
        NS_MAP_MAX_RANGES, NS_MAP_USE_HELPER, NS_MNT, NS_NET, NS_PID, NS_PROPAGATION_PRIVATE,
        NS_PROPAGATION_SHARED, NS_PROPAGATION_SLAVE, NS_PROPAGATION_UNCHANGED, NS_TIME, NS_USER,
        NS_UTS,
    };
}
