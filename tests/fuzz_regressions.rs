//! Inputs the fuzz targets (fuzz/, `make fuzz`) found failing, each called
//! on the same function as the target that found it.

use std::ffi::CString;

use linuxns::fuzzing::{parse_ns_link, parse_nsfs_mounts};

/// proc_parsers: parse_ns_link took any "...[N]" as a namespace link, without
/// the "type:" in front ("[0]", "\x08\0-[2]" gave Some). A link of
/// /proc/PID/ns is always "type:[N]".
#[test]
fn ns_link_needs_type_and_colon() {
    assert_eq!(parse_ns_link(b"[0]"), None);
    assert_eq!(parse_ns_link(b"\x08\x00-[2]"), None);
    assert_eq!(parse_ns_link(b"net[7]"), None);
    assert_eq!(parse_ns_link(b"net:[4026531840]"), Some(4026531840));
    assert_eq!(
        parse_ns_link(b"pid_for_children:[4026532211]"),
        Some(4026532211)
    );
}

/// proc_parsers: an nsfs mount point with "\554" (first octal digit above 3)
/// overflowed a u8 in mountinfo unescaping: a panic with overflow checks,
/// a wrong byte ('l') without. A backslash that does not start an escape of
/// one byte (\000 to \377) is kept as it is, like "\8" or "\04x".
#[test]
fn mountinfo_escape_above_one_byte() {
    assert_eq!(
        parse_nsfs_mounts("    \\554 - nsfs"),
        vec![CString::new("\\554").unwrap()]
    );
    assert_eq!(
        parse_nsfs_mounts("612 29 0:4 net:[4026532300] /run/netns/a\\777b rw - nsfs nsfs rw\n"),
        vec![CString::new("/run/netns/a\\777b").unwrap()]
    );
    // Real escapes still decode.
    assert_eq!(
        parse_nsfs_mounts(
            "612 29 0:4 net:[4026532300] /run/netns/a\\040b\\134c rw - nsfs nsfs rw\n"
        ),
        vec![CString::new("/run/netns/a b\\c").unwrap()]
    );
}
