//! /proc/PID/mountinfo, parsed: the fallback source of mount listings.
//!
//! A line (Documentation/filesystems/proc.rst, section 3.5, `/proc/<pid>/mountinfo`):
//!
//! ```text
//! 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//! id parent maj:min root mount-point mount-options [optional fields...] - fstype source super-options
//! ```
//!
//! The optional fields are zero or more `shared:N`, `master:N`,
//! `propagate_from:N`, `unbindable`, ended by a lone `-`. Paths, types and
//! sources have space, tab, newline, backslash and `#` written as `\ooo`
//! (fs/proc_namespace.c, mangle()); an empty source is an empty field.

use std::ffi::CString;

use crate::mounts::Mount;
use crate::survey::unescape;
use crate::sys::mounts::*;

fn c_field(field: &[u8]) -> Option<CString> {
    CString::new(unescape(field)).ok()
}

fn number<T: std::str::FromStr>(field: &[u8]) -> Option<T> {
    std::str::from_utf8(field).ok()?.parse().ok()
}

/// The per-mount options ("rw,nosuid,relatime,idmapped") as MOUNT_ATTR_*
/// bits, as statmount's mnt_attr gives them (fs/namespace.c,
/// mnt_to_attr_flags): neither noatime nor relatime is strictatime.
pub fn mount_attr(options: &[u8]) -> u64 {
    let mut attr = 0;
    let mut atime = MOUNT_ATTR_STRICTATIME;
    for opt in options.split(|&c| c == b',') {
        attr |= match opt {
            b"ro" => MOUNT_ATTR_RDONLY,
            b"nosuid" => MOUNT_ATTR_NOSUID,
            b"nodev" => MOUNT_ATTR_NODEV,
            b"noexec" => MOUNT_ATTR_NOEXEC,
            b"nodiratime" => MOUNT_ATTR_NODIRATIME,
            b"nosymfollow" => MOUNT_ATTR_NOSYMFOLLOW,
            b"idmapped" => MOUNT_ATTR_IDMAP,
            _ => 0,
        };
        match opt {
            b"noatime" => atime = MOUNT_ATTR_NOATIME,
            // MOUNT_ATTR_RELATIME is 0.
            b"relatime" if atime != MOUNT_ATTR_NOATIME => atime = 0,
            _ => {}
        }
    }
    attr | atime
}

/// One mountinfo line; None if it is not one.
pub fn parse_line(line: &[u8]) -> Option<Mount> {
    // Fields are separated by exactly one space; an empty source is an
    // empty field, so never split on runs of spaces.
    let fields: Vec<&[u8]> = line.split(|&c| c == b' ').collect();
    let sep = fields.iter().skip(6).position(|f| *f == b"-")? + 6;
    if fields.len() < sep + 3 {
        return None;
    }
    let (maj, min) = {
        let dev = fields[2];
        let colon = dev.iter().position(|&c| c == b':')?;
        (number(&dev[..colon])?, number(&dev[colon + 1..])?)
    };
    let mut m = Mount {
        proc_id: number(fields[0])?,
        proc_parent_id: number(fields[1])?,
        dev_major: maj,
        dev_minor: min,
        root: c_field(fields[3])?,
        mount_point: c_field(fields[4])?,
        attr: mount_attr(fields[5]),
        fs_type: c_field(fields[sep + 1])?,
        source: c_field(fields[sep + 2])?,
        ..Mount::default()
    };
    for opt in &fields[6..sep] {
        if let Some(n) = opt.strip_prefix(b"shared:") {
            m.propagation |= MS_SHARED;
            m.peer_group = number(n)?;
        } else if let Some(n) = opt.strip_prefix(b"master:") {
            m.propagation |= MS_SLAVE;
            m.master = number(n)?;
        } else if *opt == b"unbindable" {
            m.propagation |= MS_UNBINDABLE;
        }
        // propagate_from:N and fields of future kernels: not reported.
    }
    m.finish();
    Some(m)
}

/// Every mount of a mountinfo text, in its order.
pub fn parse(text: &[u8]) -> Option<Vec<Mount>> {
    text.split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .map(parse_line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_escapes_and_stray_backslashes() {
        let m =
            parse_line(br"1 2 3:4 /r\134s /a\040b\011c\012d\134e\043 rw - t\040x s\0 o").unwrap();
        assert_eq!(m.mount_point.as_bytes(), b"/a b\tc\nd\\e#");
        assert_eq!(m.root.as_bytes(), br"/r\s");
        assert_eq!(m.fs_type.as_bytes(), b"t x");
        assert_eq!(m.source.as_bytes(), br"s\0");
    }

    #[test]
    fn a_line_with_optional_fields() {
        let m = parse_line(
            b"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 propagate_from:2 - ext3 /dev/root rw,errors=continue",
        )
        .unwrap();
        assert_eq!((m.proc_id, m.proc_parent_id), (36, 35));
        assert_eq!((m.dev_major, m.dev_minor), (98, 0));
        assert_eq!(m.root.as_bytes(), b"/mnt1");
        assert_eq!(m.mount_point.as_bytes(), b"/mnt2");
        assert_eq!(m.fs_type.as_bytes(), b"ext3");
        assert_eq!(m.source.as_bytes(), b"/dev/root");
        assert_eq!(m.propagation, MS_SHARED | MS_SLAVE);
        assert_eq!((m.peer_group, m.master), (7, 1));
        assert_eq!(m.attr, MOUNT_ATTR_NOATIME);
        assert_eq!((m.id, m.parent_id), (0, 0));
    }

    #[test]
    fn private_unbindable_idmapped_and_escaped() {
        let m = parse_line(
            br"40 27 0:45 / /tmp/a\040b ro,nosuid,nodev,noexec,relatime,idmapped unbindable - tmpfs my\040src rw",
        )
        .unwrap();
        assert_eq!(m.mount_point.as_bytes(), b"/tmp/a b");
        assert_eq!(m.source.as_bytes(), b"my src");
        assert_eq!(m.propagation, MS_UNBINDABLE);
        assert_eq!(
            m.attr,
            MOUNT_ATTR_RDONLY
                | MOUNT_ATTR_NOSUID
                | MOUNT_ATTR_NODEV
                | MOUNT_ATTR_NOEXEC
                | MOUNT_ATTR_IDMAP
        );
        let p = parse_line(b"41 27 0:46 / /x rw - tmpfs tmpfs rw").unwrap();
        assert_eq!(p.propagation, MS_PRIVATE);
        assert_eq!(p.attr, MOUNT_ATTR_STRICTATIME);
    }

    #[test]
    fn an_empty_source_reads_as_none() {
        let m = parse_line(b"65 44 0:39 / /e rw,relatime - tmpfs  rw").unwrap();
        assert_eq!(m.source.as_bytes(), b"none");
        assert_eq!(m.fs_type.as_bytes(), b"tmpfs");
    }

    #[test]
    fn broken_lines_are_refused() {
        assert!(parse_line(b"").is_none());
        assert!(parse_line(b"1 2 3:4 / / rw shared:1").is_none());
        assert!(parse_line(b"x 2 3:4 / / rw - t s o").is_none());
        assert!(parse_line(b"1 2 34 / / rw - t s o").is_none());
        assert!(parse_line(b"1 2 3:4 / / rw shared:x - t s o").is_none());
        assert!(parse(b"1 2 3:4 / / rw - t s o\nbad\n").is_none());
        assert_eq!(parse(b"1 2 3:4 / / rw - t s o\n").unwrap().len(), 1);
    }
}
