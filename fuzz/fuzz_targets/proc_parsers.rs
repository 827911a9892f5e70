//! The /proc text parsers: status ("Threads:"), fdinfo ("Pid:"), ns links
//! ("net:[4026531840]") and mountinfo (nsfs mount points).
//!
//! Every input is given to all four as it is (text parsers get it as
//! lossy UTF-8). Then two round trips: the input as a "Threads:"/"Pid:"
//! value, and the input as a mount point, escaped as the kernel escapes
//! it in mountinfo, which must come back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linuxns::fuzzing::{parse_fdinfo_pid, parse_ns_link, parse_nsfs_mounts, parse_status_threads};

/// The value after the first line starting with `key`, as the parsers take
/// it (str::lines: "\n" or "\r\n" ends a line).
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .map(str::trim)
}

fn check_ns_link(data: &[u8]) {
    let Some(n) = parse_ns_link(data) else {
        return;
    };
    // Some(n) only for exactly "<something>:[<digits>]" with digits = n.
    let open = data
        .iter()
        .position(|&c| c == b'[')
        .expect("Some without '['");
    let (head, rest) = data.split_at(open);
    assert!(
        head.last() == Some(&b':'),
        "parse_ns_link({:?}) = Some({n}) without ':' before '['",
        String::from_utf8_lossy(data)
    );
    assert_eq!(rest.last(), Some(&b']'), "Some({n}) without a final ']'");
    let digits = &rest[1..rest.len() - 1];
    assert!(
        !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        "Some({n}) for non-digits {:?}",
        String::from_utf8_lossy(digits)
    );
    let value: u64 = std::str::from_utf8(digits).unwrap().parse().unwrap();
    assert_eq!(value, n);
}

fn check_status(text: &str) {
    let got = parse_status_threads(text);
    let want = field(text, "Threads:").and_then(|v| v.parse::<usize>().ok());
    assert_eq!(got, want, "parse_status_threads({text:?})");
}

fn check_fdinfo(text: &str) {
    let got = parse_fdinfo_pid(text);
    let want = field(text, "Pid:").and_then(|v| v.parse::<i32>().ok());
    assert_eq!(got, want, "parse_fdinfo_pid({text:?})");
}

fn check_mounts(text: &str) {
    let got = parse_nsfs_mounts(text);
    // At most one mount point per line naming nsfs after " - ".
    let nsfs_lines = text
        .lines()
        .filter(|l| {
            l.split_once(" - ")
                .is_some_and(|(_, r)| r.starts_with("nsfs"))
        })
        .count();
    assert!(got.len() <= nsfs_lines, "{got:?} from {text:?}");
    for mp in &got {
        // Escapes only ever shorten the field.
        assert!(mp.as_bytes().len() <= text.len());
    }
}

/// The kernel's mangling of a path in mountinfo (seq_path_root with
/// " \t\n\\"): those four bytes become \ooo.
fn escape(path: &[u8]) -> String {
    let mut s = String::new();
    for &c in path {
        if matches!(c, b' ' | b'\t' | b'\n' | b'\\') {
            s.push_str(&format!("\\{c:03o}"));
        } else {
            s.push(c as char);
        }
    }
    s
}

fn check_mount_round_trip(data: &[u8]) {
    // A mount point is an absolute, NUL-free path (mountinfo leaves out
    // mounts outside the reader's root); parse_nsfs_mounts takes text, so
    // keep to ASCII here (escape() writes each byte as one char).
    let path: Vec<u8> = std::iter::once(b'/')
        .chain(data.iter().copied().filter(|&c| c != 0 && c.is_ascii()))
        .collect();
    let e = escape(&path);
    let text = format!(
        "22 1 0:21 / /proc rw,nosuid - proc proc rw\n\
         612 29 0:4 net:[4026532300] {e} rw shared:5 - nsfs nsfs rw\n\
         613 29 0:4 net:[4026532301] {e}x rw - tmpfs tmpfs rw\n"
    );
    let got = parse_nsfs_mounts(&text);
    assert_eq!(got.len(), 1, "{got:?} from {text:?}");
    assert_eq!(got[0].as_bytes(), &path[..], "round trip of {e:?}");
}

fuzz_target!(|data: &[u8]| {
    check_ns_link(data);
    let text = String::from_utf8_lossy(data);
    check_status(&text);
    check_fdinfo(&text);
    check_mounts(&text);
    // The input as a field value.
    let line = text.replace('\n', " ");
    check_status(&format!("Name:\tx\nThreads:\t{line}\nSigQ:\t0/1\n"));
    check_fdinfo(&format!("pos:\t0\nflags:\t02000002\nPid:\t{line}\n"));
    check_mount_round_trip(data);
});
