//! Every namespace on the system, as lsns(8) sees them: one pass over
//! /proc, plus namespace bind mounts from /proc/self/mountinfo.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};

use crate::error::{Error, Result};
use crate::handles::{get_parent, get_userns, id, ns_type, open_path, owner_uid};
use crate::procfs::StackPath;
use crate::types::{check_mask, ns_info, NsType, NS_ALL, NS_PID, NS_USER};

struct Found {
    info: ns_info,
    /// A bind mount to open it by, when no process is in it.
    mount: Option<CString>,
}

fn stat_path(p: &CStr) -> Option<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: NUL-terminated path; st valid for writing.
    (unsafe { libc::stat(p.as_ptr(), st.as_mut_ptr()) } == 0).then(|| unsafe { st.assume_init() })
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

/// Every distinct namespace of `types` (0 = all), ascending by (type, id).
pub fn list(types: libc::c_int) -> Result<Vec<ns_info>> {
    check_mask(types, "ns_list types")?;
    let mask = if types == 0 { NS_ALL } else { types };
    let wanted: Vec<NsType> = NsType::in_mask(mask).collect();
    let mut found: HashMap<(i32, u64), Found> = HashMap::new();

    for_each_pid(|pid| {
        for &t in &wanted {
            // Processes we may not inspect, or that just exited, are skipped.
            let Some(st) = stat_path(ns_path(pid, t).as_cstr()) else {
                continue;
            };
            let f = found.entry((t.bit(), st.st_ino)).or_insert_with(|| Found {
                info: ns_info {
                    id: st.st_ino,
                    r#type: t.bit(),
                    pid,
                    ..Default::default()
                },
                mount: None,
            });
            f.info.nprocs += 1;
            f.info.pid = f.info.pid.min(pid);
        }
    })?;
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
                (None, Some(t)) => open_path(ns_path(f.info.pid, t).as_cstr(), 0).ok(),
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
    let Ok(text) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in text.lines() {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        if right.split(' ').next() != Some("nsfs") {
            continue;
        }
        let Some(mp) = left.split(' ').nth(4) else {
            continue;
        };
        if let Ok(c) = CString::new(unescape(mp)) {
            out.push(c);
        }
    }
    out
}

/// mountinfo escapes space, tab, newline and backslash as \ooo.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn mountinfo_escapes() {
        assert_eq!(super::unescape(r"/run/netns/a\040b"), b"/run/netns/a b");
        assert_eq!(super::unescape("/plain"), b"/plain");
    }
}
