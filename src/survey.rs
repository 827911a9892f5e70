//! Every namespace on the system, as lsns(8) sees them: one pass over
//! /proc, plus namespace bind mounts from /proc/self/mountinfo.

use std::collections::HashMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};

use crate::error::{Error, Result};
use crate::handles::{get_parent, get_userns, id, ns_type, open_path, owner_uid};
use crate::procfs::StackPath;
use crate::types::{check_mask, ns_info, NsType, NS_ALL, NS_PID, NS_USER};

struct Found {
    info: ns_info,
    /// Where to open it for the details: a /proc path or a bind mount.
    path: Option<CString>,
}

fn stat_path(p: &std::ffi::CStr) -> Option<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: NUL-terminated path; st valid for writing.
    (unsafe { libc::stat(p.as_ptr(), st.as_mut_ptr()) } == 0).then(|| unsafe { st.assume_init() })
}

/// Every distinct namespace of `types` (0 = all), ascending by (type, id).
pub fn list(types: libc::c_int) -> Result<Vec<ns_info>> {
    check_mask(types, "ns_list types")?;
    let mask = if types == 0 { NS_ALL } else { types };
    let wanted: Vec<NsType> = NsType::in_mask(mask).collect();
    let mut found: HashMap<(i32, u64), Found> = HashMap::new();

    let proc = std::fs::read_dir("/proc").map_err(|e| Error::io(e, "read /proc"))?;
    for entry in proc.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        for &t in &wanted {
            let mut p = StackPath::new();
            p.push("/proc/")
                .push_num(pid.into())
                .push("/ns/")
                .push(t.name());
            // Processes we may not inspect, or that just exited, are skipped.
            let Some(st) = stat_path(p.as_cstr()) else {
                continue;
            };
            let f = found.entry((t.bit(), st.st_ino)).or_insert_with(|| Found {
                info: ns_info {
                    id: st.st_ino,
                    r#type: t.bit(),
                    pid,
                    ..Default::default()
                },
                path: Some(p.as_cstr().to_owned()),
            });
            f.info.nprocs += 1;
            if pid < f.info.pid {
                f.info.pid = pid;
                f.path = Some(p.as_cstr().to_owned());
            }
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
            path: Some(path),
        });
    }

    let mut out: Vec<ns_info> = found
        .into_values()
        .map(|mut f| {
            if let Some(fd) = f.path.as_deref().and_then(|p| open_path(p, 0).ok()) {
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
