//! The discovery half of the NS_LIST_ALL scan (survey_all.rs): what every
//! process and thread shows under /proc that can keep a namespace alive
//! with no process in it — descriptors, a thread's own namespace links,
//! pid_for_children and time_for_children — and one /proc directory per
//! mount namespace, whose mountinfo names its nsfs bind mounts. Nothing is
//! opened here but /proc directories: links are read, not followed.

use std::ffi::{CStr, CString};

use crate::error::{Error, Result};
use crate::procfs::StackPath;
use crate::survey::{is_resource_error, parse_ns_link, unescape};
use crate::survey_all::Key;
use crate::sys;
use crate::types::{NsType, NS_KCMP_FILES};

/// The types followed: those asked for, and mount namespaces always (they
/// hold bind mounts of every type).
pub(crate) fn followed(mask: libc::c_int, t: NsType) -> bool {
    mask & t.bit() != 0 || t == NsType::Mnt
}

/// `"net:[4026531840]"` -> (Net, 4026531840); None for any other link
/// (`"socket:[N]"`, `"pipe:[N]"`, a path).
pub fn parse_typed_link(text: &[u8]) -> Option<(NsType, u64)> {
    let ino = parse_ns_link(text)?;
    let colon = text.iter().position(|&c| c == b':')?;
    Some((NsType::from_name(&text[..colon])?, ino))
}

/// What a /proc link shows.
enum Link {
    Ns(NsType, u64),
    /// Another kind of file, or gone meanwhile.
    Other,
    /// The process may not be inspected (EACCES, EPERM): nor may the rest
    /// of its links.
    Denied,
}

/// Reads a /proc link. Running out of a resource is an error.
fn read_link(path: &CStr) -> Result<Link> {
    let mut buf = [0u8; 64];
    match sys::fs::readlink(path, &mut buf) {
        Ok(n) => Ok(match buf.get(..n).and_then(parse_typed_link) {
            Some((t, ino)) => Link::Ns(t, ino),
            None => Link::Other,
        }),
        Err(e) => match e.raw_os_error() {
            Some(c) if is_resource_error(c) => {
                Err(Error::io(e, format!("readlink {}", path.to_string_lossy())))
            }
            Some(libc::EACCES) | Some(libc::EPERM) => Ok(Link::Denied),
            _ => Ok(Link::Other),
        },
    }
}

/// What the scan of some processes found: namespaces with a path to open
/// them by, and one /proc directory per mount namespace seen.
#[derive(Default)]
pub(crate) struct Discovered {
    pub paths: Vec<(Key, CString)>,
    pub mount_dirs: Vec<(u64, String)>,
}

impl Discovered {
    /// Notes the namespace link `path` shows; false when the process may
    /// not be inspected.
    fn add(&mut self, mask: libc::c_int, path: &CStr) -> Result<bool> {
        match read_link(path)? {
            Link::Ns(t, ino) if followed(mask, t) => {
                self.paths.push(((t.bit(), ino), path.to_owned()));
            }
            Link::Denied => return Ok(false),
            _ => {}
        }
        Ok(true)
    }

    /// One task: /proc/PID or /proc/PID/task/TID. The main thread's own
    /// links are ns_list's; a thread's are read here.
    fn task(&mut self, mask: libc::c_int, dir: &str, thread: bool, fds: bool) -> Result<()> {
        let link = |name: &str| {
            let mut p = StackPath::new();
            p.push(dir).push("/ns/").push(name);
            p
        };
        if let Link::Ns(NsType::Mnt, ino) = read_link(link("mnt").as_cstr())? {
            self.mount_dirs.push((ino, dir.to_owned()));
        }
        for t in NsType::ALL.into_iter().filter(|&t| followed(mask, t)) {
            if thread && !self.add(mask, link(t.name()).as_cstr())? {
                return Ok(());
            }
            if t.has_for_children() {
                let name = format!("{}_for_children", t.name());
                self.add(mask, link(&name).as_cstr())?;
            }
        }
        if fds {
            let mut fd_dir = StackPath::new();
            fd_dir.push(dir).push("/fd");
            let mut numbers = Vec::new();
            if !skippable(crate::procfs::for_each_number(fd_dir.as_cstr(), |n| {
                numbers.push(n)
            }))? {
                for n in numbers {
                    let mut p = StackPath::new();
                    p.push(dir).push("/fd/").push_num(n.into());
                    // One refused, all refused (a process that is not
                    // dumpable lists its descriptors, but not their links).
                    if !self.add(mask, p.as_cstr())? {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Processes `pids` and their threads.
    pub(crate) fn processes(pids: &[i32], mask: libc::c_int) -> Result<Discovered> {
        let mut d = Discovered::default();
        for &pid in pids {
            let dir = format!("/proc/{pid}");
            d.task(mask, &dir, false, true)?;
            let mut tids = Vec::new();
            let task_dir = CString::new(format!("{dir}/task")).unwrap_or_default();
            if skippable(crate::procfs::for_each_number(&task_dir, |t| tids.push(t)))? {
                continue;
            }
            for tid in tids.into_iter().filter(|&t| t != pid) {
                // A thread with a descriptor table of its own (it unshared
                // CLONE_FILES): kcmp says so. Refused, its links would be
                // too; without kcmp (ENOSYS), look anyway.
                let own_table = match sys::process::kcmp(pid, tid, NS_KCMP_FILES, 0, 0) {
                    Ok(r) => r != 0,
                    Err(e) => !matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)),
                };
                d.task(mask, &format!("{dir}/task/{tid}"), true, own_table)?;
            }
        }
        Ok(d)
    }
}

/// A directory that could not be listed because its process went away or
/// may not be inspected: Ok(true), skip it. Running out of a resource is
/// an error (the answer would be incomplete).
pub(crate) fn skippable(r: Result<()>) -> Result<bool> {
    match r {
        Ok(()) => Ok(false),
        Err(e) if is_resource_error(e.errno()) => Err(e),
        Err(_) => Ok(true),
    }
}

/// The nsfs mounts of a mountinfo text: (type, id) from the mount's root
/// field (nsfs shows `"net:[N]"` there) and the unescaped mount point.
pub fn parse_nsfs_mount_roots(text: &[u8]) -> Vec<(NsType, u64, Vec<u8>)> {
    let mut out = Vec::new();
    for line in text.split(|&c| c == b'\n') {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE ...
        let Some(sep) = line.windows(3).position(|w| w == b" - ") else {
            continue;
        };
        if line[sep + 3..].split(|&c| c == b' ').next() != Some(&b"nsfs"[..]) {
            continue;
        }
        let mut fields = line[..sep].split(|&c| c == b' ');
        let (Some(root), Some(mp)) = (fields.nth(3), fields.next()) else {
            continue;
        };
        if let Some((t, ino)) = parse_typed_link(&unescape(root)) {
            out.push((t, ino, unescape(mp)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_links() {
        assert_eq!(
            parse_typed_link(b"net:[4026531840]"),
            Some((NsType::Net, 4026531840))
        );
        assert_eq!(
            parse_typed_link(b"pid:[4026531836]"),
            Some((NsType::Pid, 4026531836))
        );
        assert_eq!(parse_typed_link(b"socket:[12345]"), None);
        assert_eq!(parse_typed_link(b"pipe:[12345]"), None);
        assert_eq!(parse_typed_link(b"anon_inode:[pidfd]"), None);
        assert_eq!(parse_typed_link(b"/dev/null"), None);
    }

    #[test]
    fn mount_roots() {
        let text = b"25 1 0:4 net:[4026532281] /run/netns/a\\040b rw shared:5 - nsfs nsfs rw\n\
                     26 1 0:4 uts:[4026532290] /tmp/x rw - nsfs nsfs rw\n\
                     27 1 0:22 / /proc rw - proc proc rw\n\
                     28 1 0:4 / /weird rw - nsfs nsfs rw\n";
        assert_eq!(
            parse_nsfs_mount_roots(text),
            vec![
                (NsType::Net, 4026532281, b"/run/netns/a b".to_vec()),
                (NsType::Uts, 4026532290, b"/tmp/x".to_vec()),
            ]
        );
    }
}
