//! ns_list_ex with NS_LIST_ALL: every namespace the caller can find, also
//! those no process is in. listns(2) (6.19) answers in one call where the
//! caller may see every namespace (survey_listns.rs); otherwise, and before
//! 6.19, a scan finds them: the processes' namespaces (as ns_list), then
//! what keeps others alive — descriptors (/proc/PID/fd and the descriptor
//! tables of threads that have their own), threads in other namespaces
//! than their process, pid_for_children and time_for_children, nsfs bind
//! mounts in every mount namespace reachable (/proc/PID/root, or a thread
//! that joins a mount namespace no process is in), the parents and owners
//! of all of these (NS_GET_PARENT, NS_GET_USERNS), and, where the caller
//! may, the kernel's walk over mount namespaces (NS_MNT_GET_NEXT/PREV,
//! 6.12).

use std::collections::{HashMap, HashSet};
use std::ffi::{CStr, CString};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use crate::error::{Error, Result};
use crate::handles::{get_parent, get_userns, id, ns_type, open_path, owner_uid};
use crate::survey::{for_pid_slices, is_resource_error, ns_path};
use crate::survey_discover::{followed, parse_nsfs_mount_roots, Discovered};
use crate::survey_listns;
use crate::sys::{self, features, nslist, Fd};
use crate::types::{check_mask, ns_info, NsType, NS_ALL, NS_LIST_ALL, NS_MNT, NS_PID, NS_USER};

/// (type, inode number): one namespace.
pub(crate) type Key = (i32, u64);

/// ns_list_ex: `flags` 0 is ns_list; NS_LIST_ALL adds every namespace that
/// no process is in. Ascending by (type, id).
pub fn list_ex(types: libc::c_int, flags: libc::c_uint) -> Result<Vec<ns_info>> {
    check_mask(types, "types")?;
    if flags & !NS_LIST_ALL != 0 {
        return Err(
            Error::invalid(format!("flags {flags:#x}")).with_hint(format!(
                "bits {:#x} are not NS_LIST_* flags",
                flags & !NS_LIST_ALL
            )),
        );
    }
    if flags & NS_LIST_ALL == 0 {
        return crate::survey::list(types);
    }
    crate::procfs::check_proc_is_ours()?;
    let mask = if types == 0 { NS_ALL } else { types };
    let wanted: Vec<NsType> = NsType::in_mask(mask).collect();
    // Process counts and lowest pids come from /proc on either path.
    let procs = crate::survey::process_namespaces(&wanted)?;
    if let Some(out) = survey_listns::list(mask, &procs)? {
        return Ok(out);
    }
    let mut scan = Scan::new(mask, procs);
    scan.discover()?;
    scan.drain()?;
    scan.walk_mount_namespaces()?;
    let mut out: Vec<ns_info> = scan
        .found
        .into_values()
        .filter(|i| i.r#type & mask != 0)
        .collect();
    out.sort_unstable_by_key(|i| (i.r#type, i.id));
    Ok(out)
}

/// What the kernel tells about one namespace besides its type and id, and
/// descriptors of its owner and parent to go on from.
pub(crate) struct Details {
    pub userns_id: u64,
    pub parent_id: u64,
    pub owner_uid: u32,
    pub owner: Option<Fd>,
    pub parent: Option<Fd>,
}

/// The owning user namespace, the parent (pid and user), the owner's uid
/// (lsns's UID: for a user namespace its creator, else its owner's
/// creator), as ns_list reports them. Only running out of a resource is an
/// error; what the kernel will not tell (the top of what we may see)
/// stays 0.
pub(crate) fn details(fd: &Fd, t: i32) -> Result<Details> {
    let tolerate = |r: Result<u64>| match r {
        Ok(v) => Ok(v),
        Err(e) if is_resource_error(e.errno()) => Err(e),
        Err(_) => Ok(0),
    };
    let raw = fd.as_raw_fd();
    let related = |r: Result<Fd>| match r {
        Ok(f) => Ok(Some(f)),
        Err(e) if is_resource_error(e.errno()) => Err(e),
        Err(_) => Ok(None),
    };
    let owner = related(Fd::track(|| get_userns(raw)))?;
    let parent = if t == NS_PID || t == NS_USER {
        related(Fd::track(|| get_parent(raw)))?
    } else {
        None
    };
    let userns_id = match &owner {
        Some(u) => tolerate(id(u.as_raw_fd()))?,
        None => 0,
    };
    let parent_id = match &parent {
        Some(p) => tolerate(id(p.as_raw_fd()))?,
        None => 0,
    };
    let uid = if t == NS_USER {
        owner_uid(raw)
    } else {
        owner.as_ref().map_or(Ok(0), |u| owner_uid(u.as_raw_fd()))
    };
    Ok(Details {
        userns_id,
        parent_id,
        owner_uid: tolerate(uid.map(u64::from))? as u32,
        owner,
        parent,
    })
}

/// Where to open a namespace found but not yet looked at.
enum Source {
    /// A link under /proc (ns, fd, task) or a bind mount's path.
    Path(CString),
    /// A descriptor we hold (an owner, a parent, a mount in another mount
    /// namespace).
    Held(Fd),
}

struct Scan {
    mask: libc::c_int,
    /// Every namespace found, with its counts and (once visited) details.
    found: HashMap<Key, ns_info>,
    /// Those visited: details filled, owner and parent followed.
    done: HashSet<Key>,
    /// Found, not yet visited. Held descriptors are pushed only for
    /// owners, parents and mounts, and taken last in first out, so at most
    /// a few nesting levels' worth are open at once.
    stack: Vec<(Key, Source)>,
    /// Mount namespaces whose bind mounts have been read.
    mounts_read: HashSet<u64>,
}

/// The whole of a file opened relative to `dir`.
fn read_all_at(dir: BorrowedFd<'_>, name: &CStr) -> std::io::Result<Vec<u8>> {
    let fd = Fd::create(|| sys::openat(dir, name, libc::O_RDONLY))?;
    let mut out = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match sys::fs::read(fd.as_raw_fd(), &mut buf)? {
            0 => return Ok(out),
            n => out.extend_from_slice(&buf[..n]),
        }
    }
}

impl Scan {
    fn new(mask: libc::c_int, procs: HashMap<Key, ns_info>) -> Scan {
        let mut stack = Vec::with_capacity(procs.len());
        for (key, info) in &procs {
            if let Some(t) = NsType::from_bit(key.0) {
                let path = CString::from(ns_path(info.pid, t).as_cstr());
                stack.push((*key, Source::Path(path)));
            }
        }
        Scan {
            mask,
            found: procs,
            done: HashSet::new(),
            stack,
            mounts_read: HashSet::new(),
        }
    }

    /// Known already, or about to be looked at?
    fn known(&self, key: &Key) -> bool {
        self.found.contains_key(key) || self.done.contains(key)
    }

    fn push(&mut self, key: Key, src: Source) {
        if !self.done.contains(&key) {
            self.stack.push((key, src));
        }
    }

    /// Every process and thread: descriptors, thread links, the
    /// *_for_children links; then the bind mounts of every mount namespace
    /// a process is in.
    fn discover(&mut self) -> Result<()> {
        let mut pids = Vec::with_capacity(1024);
        crate::procfs::for_each_number(c"/proc", |p| pids.push(p))?;
        let mask = self.mask;
        let parts = for_pid_slices(&pids, |c| Discovered::processes(c, mask))?;
        let mut dirs: Vec<(u64, String)> = Vec::new();
        let mut queued = HashSet::new();
        for part in parts {
            for (key, path) in part.paths {
                if !self.known(&key) && queued.insert(key) {
                    self.push(key, Source::Path(path));
                }
            }
            dirs.extend(part.mount_dirs);
        }
        for (ino, dir) in dirs {
            if !self.mounts_read.insert(ino) {
                continue;
            }
            let info = CString::new(format!("{dir}/mountinfo")).unwrap_or_default();
            let text = match crate::procfs::read_all(&info) {
                Ok(t) => t,
                Err(e) if e.raw_os_error().is_some_and(is_resource_error) => {
                    return Err(Error::io(e, format!("read {dir}/mountinfo")));
                }
                // Gone meanwhile: another process of it may tell.
                Err(_) => {
                    self.mounts_read.remove(&ino);
                    continue;
                }
            };
            for (t, ns, mp) in parse_nsfs_mount_roots(&text) {
                let key = (t.bit(), ns);
                if !followed(self.mask, t) || self.known(&key) {
                    continue;
                }
                let mut path = format!("{dir}/root").into_bytes();
                path.extend_from_slice(&mp);
                if let Ok(p) = CString::new(path) {
                    self.push(key, Source::Path(p));
                }
            }
        }
        Ok(())
    }

    /// Looks at everything found until nothing new turns up.
    fn drain(&mut self) -> Result<()> {
        while let Some((key, src)) = self.stack.pop() {
            if self.done.contains(&key) {
                continue;
            }
            let fd = match src {
                Source::Held(fd) => fd,
                Source::Path(p) => match Fd::track(|| open_path(&p, 0)) {
                    Ok(fd) => fd,
                    Err(e) if is_resource_error(e.errno()) => return Err(e),
                    // Gone meanwhile (a process's namespace keeps its
                    // counts, without details, as with ns_list).
                    Err(_) => continue,
                },
            };
            let now = match (ns_type(fd.as_raw_fd()), id(fd.as_raw_fd())) {
                (Ok(t), Ok(ino)) => (t.bit(), ino),
                _ => continue,
            };
            // A pid or descriptor number reused meanwhile names another
            // namespace, which is as real as the one looked for.
            if now != key && self.done.contains(&now) {
                continue;
            }
            self.visit(now, &fd)?;
        }
        Ok(())
    }

    /// Fills in one namespace's details and follows its owner, its parent
    /// and (a mount namespace no process showed) its bind mounts.
    fn visit(&mut self, key: Key, fd: &Fd) -> Result<()> {
        self.done.insert(key);
        let d = details(fd, key.0)?;
        let info = self.found.entry(key).or_insert(ns_info {
            id: key.1,
            r#type: key.0,
            ..Default::default()
        });
        info.userns_id = d.userns_id;
        info.parent_id = d.parent_id;
        info.owner_uid = d.owner_uid;
        if let Some(u) = d
            .owner
            .filter(|_| self.mask & NS_USER != 0 && d.userns_id != 0)
        {
            self.push((NS_USER, d.userns_id), Source::Held(u));
        }
        if let Some(p) = d.parent.filter(|_| d.parent_id != 0) {
            self.push((key.0, d.parent_id), Source::Held(p));
        }
        if key.0 == NS_MNT && self.mounts_read.insert(key.1) {
            self.read_mounts_inside(fd)?;
        }
        Ok(())
    }

    /// The bind mounts of a mount namespace no process of ours is in: a
    /// fresh thread joins it (ns_run_in's way), reads its own mountinfo
    /// through a /proc opened before it moved, and opens each nsfs mount
    /// not yet known. Needs CAP_SYS_ADMIN over the namespace and
    /// CAP_SYS_CHROOT; without them nothing is found this way.
    fn read_mounts_inside(&mut self, mntns: &Fd) -> Result<()> {
        let proc_dir = match sys::open_internal(c"/proc", libc::O_RDONLY | libc::O_DIRECTORY) {
            Ok(d) => d,
            Err(e) => return Err(Error::io(e, "open /proc")),
        };
        let (mask, found, done) = (self.mask, &self.found, &self.done);
        let opened =
            crate::enter::run_in(mntns.as_raw_fd(), NS_MNT, || -> Result<Vec<(Key, Fd)>> {
                let text = read_all_at(proc_dir.as_fd(), c"thread-self/mountinfo")
                    .map_err(|e| Error::io(e, "read /proc/thread-self/mountinfo"))?;
                let mut out = Vec::new();
                for (t, ns, mp) in parse_nsfs_mount_roots(&text) {
                    let key = (t.bit(), ns);
                    if !followed(mask, t) || found.contains_key(&key) || done.contains(&key) {
                        continue;
                    }
                    let Ok(path) = CString::new(mp) else { continue };
                    match Fd::track(|| open_path(&path, 0)) {
                        Ok(fd) => out.push((key, fd)),
                        Err(e) if is_resource_error(e.errno()) => return Err(e),
                        Err(_) => {}
                    }
                }
                Ok(out)
            });
        match opened {
            Ok(Ok(fds)) => {
                for (key, fd) in fds {
                    self.push(key, Source::Held(fd));
                }
                Ok(())
            }
            // No helper thread (RLIMIT_NPROC: EAGAIN), or no descriptor or
            // memory: the answer would be incomplete.
            Ok(Err(e)) | Err(e) if is_resource_error(e.errno()) || e.errno() == libc::EAGAIN => {
                Err(e)
            }
            // Not allowed to join it (or it went away): nothing to add.
            _ => Ok(()),
        }
    }

    /// NS_MNT_GET_NEXT and NS_MNT_GET_PREV from our own mount namespace:
    /// every mount namespace the kernel lets the caller see, held by
    /// anything. Privileged callers only (EPERM otherwise, since a 6.12
    /// stable fix); ENOTTY before 6.12.
    fn walk_mount_namespaces(&mut self) -> Result<()> {
        if features::NS_MNT_WALK.get() == Some(false) {
            return Ok(());
        }
        let own = crate::handles::own(NsType::Mnt)?;
        for previous in [false, true] {
            let mut cur: Option<Fd> = None;
            loop {
                let from = cur.as_ref().unwrap_or(&own).as_raw_fd();
                match nslist::mnt_ns_adjacent(from, previous) {
                    Ok((fd, _)) => {
                        features::NS_MNT_WALK.set(true);
                        let key = (NS_MNT, id(fd.as_raw_fd())?);
                        if !self.done.contains(&key) {
                            self.visit(key, &fd)?;
                            self.drain()?;
                        }
                        cur = Some(fd);
                    }
                    Err(e) => match e.raw_os_error() {
                        Some(libc::ENOENT) => break,
                        Some(libc::ENOTTY) | Some(libc::EINVAL) => {
                            features::NS_MNT_WALK.set(false);
                            return Ok(());
                        }
                        Some(libc::EPERM) | Some(libc::EACCES) => return Ok(()),
                        _ => {
                            let what = if previous {
                                "NS_MNT_GET_PREV"
                            } else {
                                "NS_MNT_GET_NEXT"
                            };
                            return Err(Error::io(e, format!("ioctl {what}")));
                        }
                    },
                }
            }
        }
        Ok(())
    }
}
