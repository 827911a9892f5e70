//! The constants of include/linuxns.h are the library's own. cbindgen writes
//! most of them from src/types.rs; the flag constants it would print in
//! decimal are written in hex by cbindgen.toml instead (they are marked
//! `cbindgen:ignore` in src/types.rs). This test keeps the two in step: every
//! public constant of src/types.rs is defined once in the header, with the
//! same value, and the flags are spelled in hex.

use std::collections::BTreeMap;

use linuxns::fuzzing::c_constants::*;

/// Every public constant of src/types.rs and its value.
fn rust_constants() -> BTreeMap<&'static str, i64> {
    BTreeMap::from([
        ("NS_MNT", i64::from(NS_MNT)),
        ("NS_CGROUP", i64::from(NS_CGROUP)),
        ("NS_UTS", i64::from(NS_UTS)),
        ("NS_IPC", i64::from(NS_IPC)),
        ("NS_USER", i64::from(NS_USER)),
        ("NS_PID", i64::from(NS_PID)),
        ("NS_NET", i64::from(NS_NET)),
        ("NS_TIME", i64::from(NS_TIME)),
        ("NS_ALL", i64::from(NS_ALL)),
        ("NS_FOR_CHILDREN", i64::from(NS_FOR_CHILDREN)),
        ("NS_MAP_DENY_SETGROUPS", i64::from(NS_MAP_DENY_SETGROUPS)),
        ("NS_MAP_USE_HELPER", i64::from(NS_MAP_USE_HELPER)),
        ("NS_MAP_MAX_RANGES", NS_MAP_MAX_RANGES as i64),
        ("NS_HANDLE_TEXT_MAX", NS_HANDLE_TEXT_MAX as i64),
        ("NS_PROPAGATION_PRIVATE", i64::from(NS_PROPAGATION_PRIVATE)),
        ("NS_PROPAGATION_SLAVE", i64::from(NS_PROPAGATION_SLAVE)),
        ("NS_PROPAGATION_SHARED", i64::from(NS_PROPAGATION_SHARED)),
        (
            "NS_PROPAGATION_UNCHANGED",
            i64::from(NS_PROPAGATION_UNCHANGED),
        ),
        ("NS_KCMP_FILE", i64::from(NS_KCMP_FILE)),
        ("NS_KCMP_VM", i64::from(NS_KCMP_VM)),
        ("NS_KCMP_FILES", i64::from(NS_KCMP_FILES)),
        ("NS_KCMP_FS", i64::from(NS_KCMP_FS)),
        ("NS_KCMP_SIGHAND", i64::from(NS_KCMP_SIGHAND)),
        ("NS_KCMP_IO", i64::from(NS_KCMP_IO)),
        ("NS_KCMP_SYSVSEM", i64::from(NS_KCMP_SYSVSEM)),
        ("NS_LIST_ALL", i64::from(NS_LIST_ALL)),
        ("NS_POOL_LO_UP", i64::from(NS_POOL_LO_UP)),
        ("NS_CAPS_BOUNDING", i64::from(NS_CAPS_BOUNDING)),
        ("NS_CAPS_PERMITTED", i64::from(NS_CAPS_PERMITTED)),
        ("NS_CAPS_EFFECTIVE", i64::from(NS_CAPS_EFFECTIVE)),
        ("NS_CAPS_INHERITABLE", i64::from(NS_CAPS_INHERITABLE)),
        ("NS_CAPS_AMBIENT", i64::from(NS_CAPS_AMBIENT)),
        ("NS_FEATURE_CLONE3", NS_FEATURE_CLONE3 as i64),
        (
            "NS_FEATURE_CLONE_INTO_CGROUP",
            NS_FEATURE_CLONE_INTO_CGROUP as i64,
        ),
        ("NS_FEATURE_SETNS_PIDFD", NS_FEATURE_SETNS_PIDFD as i64),
        (
            "NS_FEATURE_PIDFD_GET_NAMESPACE",
            NS_FEATURE_PIDFD_GET_NAMESPACE as i64,
        ),
        ("NS_FEATURE_NS_GET_ID", NS_FEATURE_NS_GET_ID as i64),
        ("NS_FEATURE_NSFS_HANDLES", NS_FEATURE_NSFS_HANDLES as i64),
        ("NS_FEATURE_LISTNS", NS_FEATURE_LISTNS as i64),
        ("NS_FEATURE_MNTNS_IOCTLS", NS_FEATURE_MNTNS_IOCTLS as i64),
        ("NS_FEATURE_LISTMOUNT", NS_FEATURE_LISTMOUNT as i64),
        (
            "NS_FEATURE_LISTMOUNT_NS_FD",
            NS_FEATURE_LISTMOUNT_NS_FD as i64,
        ),
        (
            "NS_FEATURE_PIDFD_INFO_EXIT",
            NS_FEATURE_PIDFD_INFO_EXIT as i64,
        ),
        (
            "NS_FEATURE_IDMAPPED_MOUNTS",
            NS_FEATURE_IDMAPPED_MOUNTS as i64,
        ),
        ("NS_FEATURE_PID_TRANSLATE", NS_FEATURE_PID_TRANSLATE as i64),
        ("NS_FEATURE_CLONE_NNP", NS_FEATURE_CLONE_NNP as i64),
        (
            "NS_FEATURE_CLONE_PIDFD_AUTOKILL",
            NS_FEATURE_CLONE_PIDFD_AUTOKILL as i64,
        ),
        (
            "NS_FEATURE_CLONE_AUTOREAP",
            NS_FEATURE_CLONE_AUTOREAP as i64,
        ),
        (
            "NS_FEATURE_CLONE_EMPTY_MNTNS",
            NS_FEATURE_CLONE_EMPTY_MNTNS as i64,
        ),
    ])
}

/// The constants that are bit flags: the header spells them in hex.
const FLAGS: &[&str] = &[
    "NS_MNT",
    "NS_CGROUP",
    "NS_UTS",
    "NS_IPC",
    "NS_USER",
    "NS_PID",
    "NS_NET",
    "NS_TIME",
    "NS_FOR_CHILDREN",
    "NS_MAP_DENY_SETGROUPS",
    "NS_MAP_USE_HELPER",
    "NS_LIST_ALL",
    "NS_POOL_LO_UP",
    "NS_CAPS_BOUNDING",
    "NS_CAPS_PERMITTED",
    "NS_CAPS_EFFECTIVE",
    "NS_CAPS_INHERITABLE",
    "NS_CAPS_AMBIENT",
    "NS_FEATURE_CLONE3",
    "NS_FEATURE_CLONE_INTO_CGROUP",
    "NS_FEATURE_SETNS_PIDFD",
    "NS_FEATURE_PIDFD_GET_NAMESPACE",
    "NS_FEATURE_NS_GET_ID",
    "NS_FEATURE_NSFS_HANDLES",
    "NS_FEATURE_LISTNS",
    "NS_FEATURE_MNTNS_IOCTLS",
    "NS_FEATURE_LISTMOUNT",
    "NS_FEATURE_LISTMOUNT_NS_FD",
    "NS_FEATURE_PIDFD_INFO_EXIT",
    "NS_FEATURE_IDMAPPED_MOUNTS",
    "NS_FEATURE_PID_TRANSLATE",
    "NS_FEATURE_CLONE_NNP",
    "NS_FEATURE_CLONE_PIDFD_AUTOKILL",
    "NS_FEATURE_CLONE_AUTOREAP",
    "NS_FEATURE_CLONE_EMPTY_MNTNS",
];

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// `#define NAME VALUE` lines of the header, NS_* only, as written.
fn header_defines() -> Vec<(String, String)> {
    read("include/linuxns.h")
        .lines()
        .filter_map(|l| l.strip_prefix("#define NS_"))
        .map(|rest| {
            let (name, value) = rest.split_once(' ').expect("#define NAME VALUE");
            (format!("NS_{name}"), value.trim().to_string())
        })
        .collect()
}

/// The value of a header constant: a decimal or hex number, or an OR of
/// constants defined before it (NS_ALL), in parentheses or not.
fn eval(value: &str, known: &BTreeMap<String, i64>) -> i64 {
    value
        .split('|')
        .map(|term| {
            let t = term.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
            if let Some(hex) = t.strip_prefix("0x") {
                i64::from_str_radix(hex, 16).expect("a hex number")
            } else if let Ok(n) = t.parse::<i64>() {
                n
            } else {
                *known
                    .get(t)
                    .unwrap_or_else(|| panic!("{t} is not defined before its use"))
            }
        })
        .fold(0, |a, b| a | b)
}

#[test]
fn header_constants_equal_the_rust_ones() {
    let rust = rust_constants();
    let mut header = BTreeMap::new();
    for (name, value) in header_defines() {
        let v = eval(&value, &header);
        assert!(
            header.insert(name.clone(), v).is_none(),
            "{name} is defined twice in linuxns.h"
        );
        assert_eq!(
            Some(&v),
            rust.get(name.as_str()),
            "linuxns.h: #define {name} {value} (src/types.rs has {:?})",
            rust.get(name.as_str())
        );
    }
    for name in rust.keys() {
        assert!(
            header.contains_key(*name),
            "{name} is missing from linuxns.h"
        );
    }
}

#[test]
fn every_public_constant_of_types_rs_is_checked() {
    let rust = rust_constants();
    for line in read("src/types.rs").lines() {
        if let Some(rest) = line.strip_prefix("pub const ") {
            let name = rest.split(':').next().unwrap_or("").trim();
            assert!(
                rust.contains_key(name),
                "src/types.rs: {name} is not in this test's table"
            );
        }
    }
}

#[test]
fn flags_are_written_in_hex() {
    let defines = header_defines();
    for &flag in FLAGS {
        let (_, value) = defines
            .iter()
            .find(|(n, _)| n == flag)
            .unwrap_or_else(|| panic!("{flag} is missing from linuxns.h"));
        assert!(
            value.starts_with("0x"),
            "linuxns.h: {flag} is {value}, not hex"
        );
    }
}
