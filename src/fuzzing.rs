//! Entry points for the fuzz targets (fuzz/): the parsers and validators
//! that take untrusted or arbitrary input, reachable without the C API.
//! Not part of the API; hidden from the documentation.

pub use crate::idmap::{format as format_map, validate as validate_map, MapKind};
pub use crate::procfs::{parse_fdinfo_pid, parse_status_threads};
pub use crate::spawn::SpawnAttr;
pub use crate::survey::{parse_ns_link, parse_nsfs_mounts, parse_nsfs_mounts_bytes};
pub use crate::types::ns_idmap;
