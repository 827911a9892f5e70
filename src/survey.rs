//! Every namespace on the system, as lsns(8) sees them: one pass over
//! /proc, plus namespace bind mounts from /proc/self/mountinfo.

use std::collections::HashMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, Ordering};

use crate::error::{Error, Result};
use crate::handles::{get_parent, get_userns, id, ns_type, open_path, owner_uid};
use crate::procfs::StackPath;
use crate::types::{check_mask, ns_info, NsType, NS_ALL, NS_PID, NS_USER};

struct Found {
    info: ns_info,
    /// A bind mount to open it by, when no process is in it.
    mount: Option<CString>,
}

/// The N of "type:[N]", read from the link of type t in a /proc/PID/ns
/// directory.
fn read_ns_link(dir: &OwnedFd, t: NsType) -> Option<u64> {
    let mut buf = [0u8; 64];
    // SAFETY: NUL-terminated name; buf valid for its length.
    let n = unsafe {
        libc::readlinkat(
            dir.as_raw_fd(),
            t.c_name().as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    let text = buf.get(..usize::try_from(n).ok()?)?;
    parse_ns_link(text)
}

/// "net:[4026531840]" -> 4026531840: a type name (lower case and '_'),
/// ":[", digits, "]", and nothing else.
pub fn parse_ns_link(text: &[u8]) -> Option<u64> {
    let open = text.iter().position(|&c| c == b'[')?;
    let name = text.get(..open.checked_sub(1)?)?;
    if text.get(open - 1) != Some(&b':')
        || name.is_empty()
        || !name.iter().all(|&c| c.is_ascii_lowercase() || c == b'_')
    {
        return None;
    }
    let digits = text.get(open + 1..text.len().checked_sub(1)?)?;
    if text.last() != Some(&b']') || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn ns_path(pid: i32, t: NsType) -> StackPath {
    let mut p = StackPath::new();
    p.push("/proc/")
        .push_num(pid.into())
        .push("/ns/")
        .push(t.name());
    p
}

/// Calls `f` with every numeric entry of /proc, read with getdents64 into
/// one buffer: nothing is allocated per process.
fn for_each_pid(mut f: impl FnMut(i32)) -> Result<()> {
    let dir = crate::sys::open(c"/proc", libc::O_RDONLY | libc::O_DIRECTORY)
        .map_err(|e| Error::io(e, "open /proc"))?;
    let mut buf = [0u8; 32 * 1024];
    loop {
        // SAFETY: buf is valid for writing its length.
        let n = unsafe {
            libc::syscall(
                libc::SYS_getdents64,
                dir.as_raw_fd(),
                buf.as_mut_ptr(),
                buf.len(),
            )
        };
        if n < 0 {
            return Err(Error::io(std::io::Error::last_os_error(), "read /proc"));
        }
        if n == 0 {
            return Ok(());
        }
        let mut off = 0usize;
        while off + 19 < n as usize {
            // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name.
            let reclen = u16::from_ne_bytes([buf[off + 16], buf[off + 17]]) as usize;
            if reclen == 0 {
                break;
            }
            let name = &buf[off + 19..(off + reclen).min(n as usize)];
            let name = name.split(|&c| c == 0).next().unwrap_or(&[]);
            if !name.is_empty() && name.iter().all(u8::is_ascii_digit) {
                if let Some(pid) = std::str::from_utf8(name).ok().and_then(|s| s.parse().ok()) {
                    f(pid);
                }
            }
            off += reclen;
        }
    }
}

/// The namespaces of the processes `pids`, with counts and lowest pids.
fn scan(pids: &[i32], wanted: &[NsType]) -> HashMap<(i32, u64), Found> {
    let mut found: HashMap<(i32, u64), Found> = HashMap::new();
    for &pid in pids {
        // One directory open, then readlinkat per type: reading "net:[N]"
        // costs the kernel far less than a stat, which has to build an
        // inode for the link's target.
        let mut dir = StackPath::new();
        dir.push("/proc/").push_num(pid.into()).push("/ns");
        // Processes we may not inspect, or that just exited, are skipped.
        let Ok(dirfd) = crate::sys::open(dir.as_cstr(), libc::O_RDONLY | libc::O_DIRECTORY) else {
            continue;
        };
        for &t in wanted {
            let Some(ino) = read_ns_link(&dirfd, t) else {
                continue;
            };
            let f = found.entry((t.bit(), ino)).or_insert_with(|| Found {
                info: ns_info {
                    id: ino,
                    r#type: t.bit(),
                    pid,
                    ..Default::default()
                },
                mount: None,
            });
            f.info.nprocs += 1;
            f.info.pid = f.info.pid.min(pid);
        }
    }
    found
}

/// Every distinct namespace of `types` (0 = all), ascending by (type, id).
pub fn list(types: libc::c_int) -> Result<Vec<ns_info>> {
    check_mask(types, "ns_list types")?;
    let mask = if types == 0 { NS_ALL } else { types };
    let wanted: Vec<NsType> = NsType::in_mask(mask).collect();
    let mut found: HashMap<(i32, u64), Found> = HashMap::new();

    let mut pids = Vec::with_capacity(1024);
    for_each_pid(|pid| pids.push(pid))?;
    // The per-link work is the kernel's; with many processes, share it out
    // over the cores (each worker scans a slice, the counts are merged).
    let workers = if pids.len() >= 128 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let chunk = pids.len().div_ceil(workers).max(1);
    let parts: Vec<HashMap<(i32, u64), Found>> = if workers == 1 {
        vec![scan(&pids, &wanted)]
    } else {
        let tids: Vec<AtomicI32> = (0..workers).map(|_| AtomicI32::new(0)).collect();
        let parts = std::thread::scope(|s| {
            let handles: Vec<_> = pids
                .chunks(chunk)
                .zip(&tids)
                .map(|(c, tid)| {
                    s.spawn(|| {
                        tid.store(crate::sys::gettid(), Ordering::Relaxed);
                        scan(c, &wanted)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        // As with every helper thread: gone from the kernel before we return.
        for tid in &tids {
            crate::create::wait_thread_gone(tid.load(Ordering::Relaxed));
        }
        parts
    };
    for part in parts {
        for (key, f) in part {
            let e = found.entry(key).or_insert(Found {
                info: ns_info {
                    nprocs: 0,
                    ..f.info
                },
                mount: None,
            });
            e.info.nprocs += f.info.nprocs;
            e.info.pid = e.info.pid.min(f.info.pid);
        }
    }
    for path in nsfs_mounts() {
        let Ok(fd) = open_path(&path, 0) else {
            continue;
        };
        let (Ok(t), Ok(ino)) = (ns_type(fd.as_raw_fd()), id(fd.as_raw_fd())) else {
            continue;
        };
        if mask & t.bit() == 0 {
            continue;
        }
        found.entry((t.bit(), ino)).or_insert_with(|| Found {
            info: ns_info {
                id: ino,
                r#type: t.bit(),
                ..Default::default()
            },
            mount: Some(path),
        });
    }

    let mut out: Vec<ns_info> = found
        .into_values()
        .map(|mut f| {
            let t = NsType::from_bit(f.info.r#type);
            let fd = match (&f.mount, t) {
                (Some(m), _) => open_path(m, 0).ok(),
                // A /proc/PID/ns link is a namespace by construction; the id
                // check below catches a pid that went away meanwhile.
                (None, Some(t)) => {
                    crate::sys::open(ns_path(f.info.pid, t).as_cstr(), libc::O_RDONLY).ok()
                }
                _ => None,
            };
            // Only if it is still the same namespace (the pid may be gone).
            if let Some(fd) = fd.filter(|fd| id(fd.as_raw_fd()).ok() == Some(f.info.id)) {
                fill_details(&mut f.info, &fd);
            }
            f.info
        })
        .collect();
    out.sort_unstable_by_key(|i| (i.r#type, i.id));
    Ok(out)
}

/// The owning user namespace, the parent, the owner's uid.
fn fill_details(info: &mut ns_info, fd: &OwnedFd) {
    let raw = fd.as_raw_fd();
    let owner = get_userns(raw).ok();
    if let Some(u) = &owner {
        info.userns_id = id(u.as_raw_fd()).unwrap_or(0);
    }
    if info.r#type == NS_PID || info.r#type == NS_USER {
        if let Ok(p) = get_parent(raw) {
            info.parent_id = id(p.as_raw_fd()).unwrap_or(0);
        }
    }
    // For a user namespace: its creator; otherwise the creator of the
    // user namespace that owns it (lsns's "UID" for both).
    let uid = if info.r#type == NS_USER {
        owner_uid(raw)
    } else {
        owner.as_ref().map_or(Ok(0), |u| owner_uid(u.as_raw_fd()))
    };
    info.owner_uid = uid.unwrap_or(0);
}

/// Mount points of nsfs files, from /proc/self/mountinfo.
fn nsfs_mounts() -> Vec<CString> {
    // Bytes, not UTF-8: a mount path anywhere on the system may be neither.
    std::fs::read("/proc/self/mountinfo")
        .map_or_else(|_| Vec::new(), |t| parse_nsfs_mounts_bytes(&t))
}

/// The mount points of nsfs mounts in a /proc/PID/mountinfo text.
pub fn parse_nsfs_mounts(text: &str) -> Vec<CString> {
    parse_nsfs_mounts_bytes(text.as_bytes())
}

/// As parse_nsfs_mounts, on the raw bytes of the file.
pub fn parse_nsfs_mounts_bytes(text: &[u8]) -> Vec<CString> {
    let mut out = Vec::new();
    for line in text.split(|&c| c == b'\n') {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER
        let Some(sep) = line.windows(3).position(|w| w == b" - ") else {
            continue;
        };
        let (left, right) = (&line[..sep], &line[sep + 3..]);
        if right.split(|&c| c == b' ').next() != Some(&b"nsfs"[..]) {
            continue;
        }
        let Some(mp) = left.split(|&c| c == b' ').nth(4) else {
            continue;
        };
        if let Ok(c) = CString::new(unescape(mp)) {
            out.push(c);
        }
    }
    out
}

/// mountinfo escapes space, tab, newline and backslash as \ooo (one byte:
/// \000 to \377); any other backslash is kept as it is.
fn unescape(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let esc = b.get(i + 1..i + 4).filter(|d| {
            b[i] == b'\\'
                && (b'0'..=b'3').contains(&d[0])
                && d[1..].iter().all(|c| (b'0'..=b'7').contains(c))
        });
        match esc {
            Some(d) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ns_links_parse() {
        assert_eq!(super::parse_ns_link(b"net:[4026531840]"), Some(4026531840));
        assert_eq!(super::parse_ns_link(b"net:[]"), None);
        assert_eq!(super::parse_ns_link(b"net:[12"), None);
        assert_eq!(super::parse_ns_link(b"garbage"), None);
    }

    #[test]
    fn mountinfo_escapes() {
        assert_eq!(super::unescape(br"/run/netns/a\040b"), b"/run/netns/a b");
        assert_eq!(super::unescape(b"/plain"), b"/plain");
        let line = b"1 2 0:4 net:[5] /run/netns/\xff rw - nsfs nsfs rw\n";
        assert_eq!(super::parse_nsfs_mounts_bytes(line).len(), 1);
    }
}
