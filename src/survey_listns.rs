//! NS_LIST_ALL through listns(2) (Linux 6.19): the kernel lists every
//! active namespace — in use by a task, held by a descriptor or a bind
//! mount, or the parent or owner of an active one — by its 64-bit id, in
//! ascending order, a page at a time. Each id is opened through an nsfs
//! file handle (6.18) for its inode number, type and details; process
//! counts come from /proc as on the scan path, so both paths give the same
//! ns_info for the same namespace.
//!
//! The kernel shows others only the namespaces they are in (listns checks
//! may_see_all_namespaces(): CAP_SYS_ADMIN in the initial user namespace,
//! from the initial PID namespace), so it is used only by callers that may
//! see all, and only where nsfs handles open (a filter that refuses
//! open_by_handle_at sends the call to the scan); everyone else gets the
//! scan, which finds what they may inspect.
//!
//! Turning the kernel's pages into results is pure ([`collect_ids`] over
//! a call, [`assemble`] over a table of what each id resolved to): tested
//! in survey_listns_tests.rs against a page laid out as
//! include/uapi/linux/nsfs.h describes, since this code cannot run on a
//! kernel before 6.19.

use std::collections::{HashMap, HashSet};
use std::io;
use std::os::fd::AsRawFd;

use crate::error::{Error, Result};
use crate::handles::{id, ns_type};
use crate::survey::{is_resource_error, ns_path};
use crate::survey_all::{details, Key};
use crate::sys::consts::{CAP_SYS_ADMIN, PID_NS_INIT_INO, USER_NS_INIT_INO};
use crate::sys::nslist::{self, NsIdReq};
use crate::sys::{self, features, Fd};
use crate::types::{ns_info, NsType};

/// What one listed namespace resolved to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub ns_type: i32,
    pub ino: u64,
    pub userns_id: u64,
    pub parent_id: u64,
    pub owner_uid: u32,
}

/// Ids per call at first; the kernel allows up to 1,000,000.
const FIRST_PAGE: usize = 1024;
const MAX_PAGE: usize = 1_000_000;

/// Every id listns reports for the types in `mask` (0: all), ascending,
/// through `call` (listns itself, or a recording in the tests). A full
/// page continues after its last id. The kernel answers ENOENT to a
/// continuation whose next id belongs to a namespace that died meanwhile;
/// the listing then starts over with pages twice as large, which need
/// fewer continuations.
pub(crate) fn collect_ids(
    mask: u32,
    call: impl FnMut(&NsIdReq, &mut [u64]) -> io::Result<usize>,
) -> io::Result<Vec<u64>> {
    collect_ids_paged(mask, FIRST_PAGE, call)
}

/// collect_ids with pages of `first_page` ids to begin with.
fn collect_ids_paged(
    mask: u32,
    first_page: usize,
    mut call: impl FnMut(&NsIdReq, &mut [u64]) -> io::Result<usize>,
) -> io::Result<Vec<u64>> {
    let mut page_len = first_page.clamp(1, MAX_PAGE);
    'restart: loop {
        let mut page = vec![0u64; page_len];
        let mut out: Vec<u64> = Vec::new();
        let mut after = 0;
        loop {
            let n = match call(&NsIdReq::new(mask, after), &mut page) {
                Ok(n) => n.min(page.len()),
                Err(e) if after != 0 && e.raw_os_error() == Some(libc::ENOENT) => {
                    if page_len == MAX_PAGE {
                        return Err(e);
                    }
                    page_len = (page_len * 2).min(MAX_PAGE);
                    continue 'restart;
                }
                Err(e) => return Err(e),
            };
            // Ascending and past the cursor, as the kernel promises; an id
            // out of order would make the next page repeat or skip.
            let ids = &page[..n];
            if ids.first().is_some_and(|&f| f <= after) || ids.windows(2).any(|w| w[0] >= w[1]) {
                return Err(io::Error::from_raw_os_error(libc::EIO));
            }
            out.extend_from_slice(ids);
            if n < page.len() {
                return Ok(out);
            }
            after = ids[n - 1];
        }
    }
}

/// The results: one ns_info per distinct namespace of `mask` that an id of
/// `ids` resolved to (`table`), with the process count and lowest pid of
/// `procs` (0 and 0 when no process is in it), ascending by (type, id);
/// and the namespaces of `procs` that listns did not show (created after
/// it ran), which the caller resolves from /proc.
pub(crate) fn assemble(
    ids: &[u64],
    table: &HashMap<u64, Resolved>,
    procs: &HashMap<Key, ns_info>,
    mask: i32,
) -> (Vec<ns_info>, Vec<Key>) {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(ids.len());
    for r in ids.iter().filter_map(|i| table.get(i)) {
        let key = (r.ns_type, r.ino);
        if r.ns_type & mask == 0 || !seen.insert(key) {
            continue;
        }
        let p = procs.get(&key);
        out.push(ns_info {
            id: r.ino,
            userns_id: r.userns_id,
            parent_id: r.parent_id,
            r#type: r.ns_type,
            nprocs: p.map_or(0, |p| p.nprocs),
            pid: p.map_or(0, |p| p.pid),
            owner_uid: r.owner_uid,
        });
    }
    out.sort_unstable_by_key(|i| (i.r#type, i.id));
    let mut missing: Vec<Key> = procs
        .keys()
        .filter(|k| k.0 & mask != 0 && !seen.contains(k))
        .copied()
        .collect();
    missing.sort_unstable();
    (out, missing)
}

/// Does the kernel show this caller every namespace? CAP_SYS_ADMIN in the
/// initial user namespace (our user namespace is the initial one and the
/// capability is effective), from the initial PID namespace: the
/// condition of listns and NS_MNT_GET_NEXT (may_see_all_namespaces).
fn sees_everything() -> Result<bool> {
    let own = |t: NsType| -> Result<Option<u64>> {
        let mut p = crate::procfs::pid_dir(0, true);
        p.push("ns/").push(t.name());
        let mut buf = [0u8; 64];
        match sys::fs::readlink(p.as_cstr(), &mut buf) {
            Ok(n) => Ok(crate::survey::parse_ns_link(&buf[..n])),
            Err(e) => Err(Error::io(e, format!("readlink {}", p.as_str()))),
        }
    };
    Ok(own(NsType::User)? == Some(USER_NS_INIT_INO)
        && own(NsType::Pid)? == Some(PID_NS_INIT_INO)
        && sys::nshandle::has_effective_cap(CAP_SYS_ADMIN).unwrap_or(false))
}

/// The namespace's type, inode number and details.
fn resolve(fd: &Fd) -> Result<Resolved> {
    let raw = fd.as_raw_fd();
    let t = ns_type(raw)?.bit();
    let d = details(fd, t)?;
    Ok(Resolved {
        ns_type: t,
        ino: id(raw)?,
        userns_id: d.userns_id,
        parent_id: d.parent_id,
        owner_uid: d.owner_uid,
    })
}

/// NS_LIST_ALL by listns: None when listns is missing (before 6.19, or
/// filtered) or would not show this caller everything.
pub(crate) fn list(mask: i32, procs: &HashMap<Key, ns_info>) -> Result<Option<Vec<ns_info>>> {
    if !features::listns() || !features::nsfs_handles() || !sees_everything()? {
        return Ok(None);
    }
    let ids = match collect_ids(mask as u32, nslist::listns) {
        Ok(ids) => ids,
        // Filtered since the probe: the scan, from now on.
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS) | Some(libc::EPERM)) => {
            features::LISTNS.set(false);
            return Ok(None);
        }
        Err(e) => return Err(Error::io(e, "listns")),
    };
    let mut table = HashMap::with_capacity(ids.len());
    for &nsid in &ids {
        match nslist::open_ns_by_id(nsid) {
            Ok(fd) => {
                table.insert(nsid, resolve(&fd)?);
            }
            Err(e) if e.raw_os_error().is_some_and(is_resource_error) => {
                return Err(Error::io(e, format!("open namespace {nsid} by handle")));
            }
            // Gone since it was listed.
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::ESTALE)) => {}
            // Handles refused (a filter, EPERM, ENOSYS): listed ids that
            // cannot be opened would leave the answer short; the scan.
            Err(_) => return Ok(None),
        }
    }
    let (mut out, missing) = assemble(&ids, &table, procs, mask);
    for key in missing {
        let (Some(info), Some(t)) = (procs.get(&key), NsType::from_bit(key.0)) else {
            continue;
        };
        let mut info = *info;
        let path = ns_path(info.pid, t);
        match sys::open_internal(path.as_cstr(), libc::O_RDONLY) {
            Ok(fd) if id(fd.as_raw_fd()).ok() == Some(key.1) => {
                let r = resolve(&fd)?;
                (info.userns_id, info.parent_id, info.owner_uid) =
                    (r.userns_id, r.parent_id, r.owner_uid);
            }
            Err(e) if e.raw_os_error().is_some_and(is_resource_error) => {
                return Err(Error::io(e, format!("open {}", path.as_str())));
            }
            _ => {}
        }
        out.push(info);
    }
    out.sort_unstable_by_key(|i| (i.r#type, i.id));
    Ok(Some(out))
}

#[cfg(test)]
#[path = "survey_listns_tests.rs"]
mod tests;
