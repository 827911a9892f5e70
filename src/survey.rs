//! Every namespace on the system, as lsns(8) sees them: one pass over
//! /proc, plus namespace bind mounts from /proc/self/mountinfo.

use std::collections::HashMap;
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::atomic::{AtomicI32, Ordering};

use crate::error::{Error, Result};
use crate::handles::{get_parent, get_userns, id, ns_type, open_path, owner_uid};
use crate::procfs::{explain_proc_error, read_all, StackPath};
use crate::sys::{self, Fd};
use crate::types::{check_mask, ns_info, NsType, NS_ALL, NS_PID, NS_USER};

struct Found {
    info: ns_info,
    /// A bind mount to open it by, when no process is in it.
    mount: Option<CString>,
}

/// The N of "type:[N]", read from the link of type t in a /proc/PID/ns
/// directory.
fn read_ns_link(dir: &Fd, t: NsType) -> Option<u64> {
    let mut buf = [0u8; 64];
    let n = crate::sys::fs::readlinkat(dir.as_fd(), t.c_name(), &mut buf).ok()?;
    let text = buf.get(..n)?;
    parse_ns_link(text)
}

/// As read_ns_link, through the link's path.
fn read_ns_link_path(pid: i32, t: NsType) -> Option<u64> {
    let mut buf = [0u8; 64];
    let n = sys::fs::readlink(ns_path(pid, t).as_cstr(), &mut buf).ok()?;
    parse_ns_link(buf.get(..n)?)
}

/// `"net:[4026531840]"` -> 4026531840: a type name (lower case and '_'),
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

pub(crate) fn ns_path(pid: i32, t: NsType) -> StackPath {
    let mut p = StackPath::new();
    p.push("/proc/")
        .push_num(pid.into())
        .push("/ns/")
        .push(t.name());
    p
}

/// Calls `f` with every process id of /proc.
fn for_each_pid(f: impl FnMut(i32)) -> Result<()> {
    crate::procfs::for_each_number(c"/proc", f)
}

/// Errors that mean the answer would be incomplete, not that one process
/// went away or may not be inspected.
pub(crate) fn is_resource_error(errno: i32) -> bool {
    matches!(errno, libc::EMFILE | libc::ENFILE | libc::ENOMEM)
}

/// The namespaces of the processes `pids`, with counts and lowest pids.
fn scan(pids: &[i32], wanted: &[NsType]) -> Result<HashMap<(i32, u64), ns_info>> {
    let mut found: HashMap<(i32, u64), ns_info> = HashMap::new();
    for &pid in pids {
        // One directory open, then readlinkat per type: reading "net:[N]"
        // costs the kernel far less than a stat, which has to build an
        // inode for the link's target.
        let mut dir = StackPath::new();
        dir.push("/proc/").push_num(pid.into()).push("/ns");
        // Processes we may not inspect, or that just exited, are skipped;
        // running out of descriptors is an error, not a smaller system.
        let dirfd = match sys::open_internal(dir.as_cstr(), libc::O_RDONLY | libc::O_DIRECTORY) {
            Ok(d) => Some(d),
            Err(e) if e.raw_os_error().is_some_and(is_resource_error) => {
                return Err(Error::io(e, format!("open {}", dir.as_str())));
            }
            // The directory of a process that is not dumpable (a zombie,
            // say) is root's, mode 0511: its links can still be read by
            // path, as lsns reads them.
            Err(e) if e.raw_os_error() == Some(libc::EACCES) => None,
            Err(_) => continue,
        };
        for &t in wanted {
            let ino = match &dirfd {
                Some(d) => read_ns_link(d, t),
                None => read_ns_link_path(pid, t),
            };
            let Some(ino) = ino else {
                continue;
            };
            let f = found.entry((t.bit(), ino)).or_insert_with(|| ns_info {
                id: ino,
                r#type: t.bit(),
                pid,
                ..Default::default()
            });
            f.nprocs += 1;
            f.pid = f.pid.min(pid);
        }
    }
    Ok(found)
}

/// Runs `f` over `pids` in slices: with many processes the per-link work
/// (the kernel's) is shared out over up to 4 threads of the library's own,
/// gone from the kernel before this returns; with few, or when no thread
/// can be started (RLIMIT_NPROC, memory), on the calling thread. One
/// result per slice, in no particular order.
pub(crate) fn for_pid_slices<T: Send>(
    pids: &[i32],
    f: impl Fn(&[i32]) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let workers = if pids.len() >= 128 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    if workers == 1 {
        return Ok(vec![f(pids)?]);
    }
    let chunk = pids.len().div_ceil(workers).max(1);
    let tids: Vec<AtomicI32> = (0..workers).map(|_| AtomicI32::new(0)).collect();
    let f = &f;
    let parts = std::thread::scope(|s| {
        let mut handles = Vec::new();
        let mut results = Vec::new();
        for (c, tid) in pids.chunks(chunk).zip(&tids) {
            // Started with every signal blocked (see SignalsBlocked).
            let quiet = sys::process::SignalsBlocked::new();
            let started = std::thread::Builder::new()
                .name("linuxns-scan".into())
                .spawn_scoped(s, move || {
                    tid.store(sys::gettid(), Ordering::Relaxed);
                    f(c)
                });
            drop(quiet);
            match started {
                Ok(h) => handles.push(h),
                // No thread to be had (RLIMIT_NPROC, memory): this
                // slice is scanned here instead.
                Err(_) => results.push(f(c)),
            }
        }
        for h in handles {
            results.push(h.join().unwrap_or_else(|_| {
                Err(Error::new(libc::EIO, "scan worker").with_hint("it panicked"))
            }));
        }
        results
    });
    // As with every helper thread: gone from the kernel before we return.
    for tid in &tids {
        crate::create::wait_thread_gone(tid.load(Ordering::Relaxed));
    }
    parts.into_iter().collect()
}

/// The namespaces of types `wanted` that processes are in (/proc/PID/ns),
/// each with its process count and lowest pid; ids and types only.
pub(crate) fn process_namespaces(wanted: &[NsType]) -> Result<HashMap<(i32, u64), ns_info>> {
    let mut pids = Vec::with_capacity(1024);
    for_each_pid(|pid| pids.push(pid))?;
    let mut found: HashMap<(i32, u64), ns_info> = HashMap::new();
    for part in for_pid_slices(&pids, |c| scan(c, wanted))? {
        for (key, info) in part {
            let e = found.entry(key).or_insert(ns_info { nprocs: 0, ..info });
            e.nprocs += info.nprocs;
            e.pid = e.pid.min(info.pid);
        }
    }
    Ok(found)
}

/// Every distinct namespace of `types` (0 = all), ascending by (type, id).
pub fn list(types: libc::c_int) -> Result<Vec<ns_info>> {
    check_mask(types, "types")?;
    // Pids of another PID namespace's /proc would be reported as ours.
    crate::procfs::check_proc_is_ours()?;
    let mask = if types == 0 { NS_ALL } else { types };
    let wanted: Vec<NsType> = NsType::in_mask(mask).collect();
    let mut found: HashMap<(i32, u64), Found> = process_namespaces(&wanted)?
        .into_iter()
        .map(|(key, info)| (key, Found { info, mount: None }))
        .collect();
    for path in nsfs_mounts()? {
        let fd = match Fd::track(|| open_path(&path, 0)) {
            Ok(fd) => fd,
            Err(e) if is_resource_error(e.errno()) => return Err(e),
            Err(_) => continue,
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

    let mut out = Vec::with_capacity(found.len());
    for mut f in found.into_values() {
        let t = NsType::from_bit(f.info.r#type);
        let fd = match (&f.mount, t) {
            (Some(m), _) => Fd::track(|| open_path(m, 0)).map(Some),
            // A /proc/PID/ns link is a namespace by construction; the id
            // check below catches a pid that went away meanwhile.
            (None, Some(t)) => sys::open_internal(ns_path(f.info.pid, t).as_cstr(), libc::O_RDONLY)
                .map(Some)
                .map_err(|e| Error::io(e, format!("open {}", ns_path(f.info.pid, t).as_str()))),
            _ => Ok(None),
        };
        let fd = match fd {
            Ok(fd) => fd,
            Err(e) if is_resource_error(e.errno()) => return Err(e),
            Err(_) => None,
        };
        // Only if it is still the same namespace (the pid may be gone).
        if let Some(fd) = fd.filter(|fd| id(fd.as_raw_fd()).ok() == Some(f.info.id)) {
            fill_details(&mut f.info, &fd)?;
        }
        out.push(f.info);
    }
    out.sort_unstable_by_key(|i| (i.r#type, i.id));
    Ok(out)
}

/// The owning user namespace, the parent, the owner's uid. Only running
/// out of a resource is an error (the answer would be incomplete); what
/// the kernel will not tell (the top of what we may see) stays 0.
fn fill_details(info: &mut ns_info, fd: &Fd) -> Result<()> {
    let tolerate = |r: Result<u64>| match r {
        Ok(v) => Ok(v),
        Err(e) if is_resource_error(e.errno()) => Err(e),
        Err(_) => Ok(0),
    };
    let raw = fd.as_raw_fd();
    let owner = match Fd::track(|| get_userns(raw)) {
        Ok(u) => Some(u),
        Err(e) if is_resource_error(e.errno()) => return Err(e),
        Err(_) => None,
    };
    if let Some(u) = &owner {
        info.userns_id = tolerate(id(u.as_raw_fd()))?;
    }
    if info.r#type == NS_PID || info.r#type == NS_USER {
        match Fd::track(|| get_parent(raw)) {
            Ok(p) => info.parent_id = tolerate(id(p.as_raw_fd()))?,
            Err(e) if is_resource_error(e.errno()) => return Err(e),
            Err(_) => {}
        }
    }
    // For a user namespace: its creator; otherwise the creator of the
    // user namespace that owns it (lsns's "UID" for both).
    let uid = if info.r#type == NS_USER {
        owner_uid(raw)
    } else {
        owner.as_ref().map_or(Ok(0), |u| owner_uid(u.as_raw_fd()))
    };
    info.owner_uid = tolerate(uid.map(u64::from))? as u32;
    Ok(())
}

/// Mount points of nsfs files, from /proc/self/mountinfo.
fn nsfs_mounts() -> Result<Vec<CString>> {
    // Bytes, not UTF-8: a mount path anywhere on the system may be neither.
    let text = read_all(c"/proc/self/mountinfo")
        .map_err(|e| explain_proc_error(Error::io(e, "read /proc/self/mountinfo")))?;
    Ok(parse_nsfs_mounts_bytes(&text))
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
pub(crate) fn unescape(b: &[u8]) -> Vec<u8> {
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
