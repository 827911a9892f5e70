//! Keeping namespaces alive on the filesystem: bind mounts of namespace
//! files, and named network namespaces as iproute2 keeps them.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use crate::error::{Error, Result};
use crate::handles::{check_netns_name, ns_stat};
use crate::sys::{self, consts::NSFS_MAGIC};
use crate::types::NS_NET;

/// Where `ip netns` keeps its names.
pub const NETNS_RUN_DIR: &str = "/run/netns";

fn cstring(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::invalid(format!("path \"{s}\"")).with_hint("contains NUL"))
}

/// Is a namespace bind-mounted at `path`? A namespace file (statfs: nsfs)
/// that is a mount point: the path itself (not followed: /proc/PID/ns/X
/// are links in proc) is on another device than its directory.
fn is_bound(path: &CStr) -> bool {
    if sys::fs::statfs_type(path).ok() != Some(NSFS_MAGIC) {
        return false;
    }
    let bytes = path.to_bytes();
    let dir = match bytes.iter().rposition(|&c| c == b'/') {
        Some(0) => b"/".to_vec(),
        Some(i) => bytes[..i].to_vec(),
        None => b".".to_vec(),
    };
    let Ok(dir) = CString::new(dir) else {
        return false;
    };
    match (sys::fs::lstat(path), sys::fs::stat(&dir)) {
        (Ok(file), Ok(dir)) => file.st_dev != dir.st_dev,
        _ => false,
    }
}

/// Creates an empty file (O_EXCL) through a tracked descriptor.
fn create_excl(path: &CStr, mode: libc::mode_t) -> std::io::Result<()> {
    sys::Fd::create(|| sys::fs::create_excl(path, mode)).map(drop)
}

/// Bind-mounts namespace `fd` on `path`, creating the file if missing; the
/// namespace then lives while the mount does.
pub fn bind(fd: RawFd, path: &CStr) -> Result<()> {
    ns_stat(fd)?;
    let show = path.to_string_lossy();
    if is_bound(path) {
        return Err(Error::new(libc::EEXIST, format!("bind {show}"))
            .with_hint("a namespace is already bound there"));
    }
    let created = match create_excl(path, 0o444) {
        Ok(()) => true,
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => false,
        Err(e) => return Err(Error::io(e, format!("create {show}"))),
    };
    let src = cstring(&format!("/proc/self/fd/{fd}"))?;
    // SAFETY: NUL-terminated strings.
    if let Err(e) = sys::fs::mount(&src, path, c"none", libc::MS_BIND) {
        // The source is /proc/self/fd/N: without /proc, say so.
        let err = crate::procfs::explain_proc_error(Error::io(
            e,
            format!("bind-mount fd {fd} on {show}"),
        ));
        if created {
            // We made this file.
            let _ = sys::fs::unlink(path);
        }
        return Err(err);
    }
    Ok(())
}

/// Undoes bind: detaches the namespace mount at `path` and removes the file.
pub fn unbind(path: &CStr) -> Result<()> {
    let show = path.to_string_lossy();
    if !is_bound(path) {
        if let Err(e) = sys::fs::access(path, libc::F_OK) {
            return Err(Error::io(e, format!("unbind {show}")));
        }
        return Err(
            Error::invalid(format!("unbind {show}")).with_hint("no namespace is bound there")
        );
    }
    sys::fs::umount_detach(path).map_err(|e| Error::io(e, format!("umount {show}")))?;
    match sys::fs::unlink(path) {
        Err(e) if e.raw_os_error() != Some(libc::ENOENT) => {
            Err(Error::io(e, format!("unlink {show}")))
        }
        _ => Ok(()),
    }?;
    Ok(())
}

/// What a netns_add did to /run/netns, so a failure can undo it.
#[derive(Default)]
struct RunDir {
    made_dir: bool,
    made_mount: bool,
}

impl RunDir {
    fn undo(&self, dir: &CStr) {
        // Only what this call made is undone.
        if self.made_mount {
            let _ = sys::fs::umount_detach(dir);
        }
        if self.made_dir {
            let _ = sys::fs::rmdir(dir);
        }
    }
}

/// The directory's permissions say EACCES where the kernel's mount would
/// say EPERM: answer as documented, -EPERM without privilege.
fn unprivileged(e: Error) -> Error {
    if e.errno() == libc::EACCES {
        e.with_errno(libc::EPERM)
            .with_hint("named network namespaces need privilege over /run/netns")
    } else {
        e
    }
}

/// Creates /run/netns if missing.
fn make_run_dir(dir: &CStr, done: &mut RunDir) -> Result<()> {
    match sys::fs::mkdir(dir, 0o755) {
        Ok(()) => {
            done.made_dir = true;
            Ok(())
        }
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => Ok(()),
        Err(e) => Err(unprivileged(Error::io(e, format!("mkdir {NETNS_RUN_DIR}")))),
    }
}

/// Makes /run/netns a shared mount point, as iproute2 does, so that a name
/// removed in one mount namespace is removed in all of them.
fn share_run_dir(dir: &CStr, done: &mut RunDir) -> Result<()> {
    loop {
        let e = match sys::fs::mount(c"none", dir, c"none", libc::MS_SHARED | libc::MS_REC) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        if e.raw_os_error() != Some(libc::EINVAL) || done.made_mount {
            return Err(Error::io(e, format!("make {NETNS_RUN_DIR} shared")));
        }
        // Not a mount point yet: bind it onto itself, then retry.
        sys::fs::mount(dir, dir, c"none", libc::MS_BIND | libc::MS_REC)
            .map_err(|e| Error::io(e, format!("bind {NETNS_RUN_DIR} on itself")))?;
        done.made_mount = true;
    }
}

/// `ip netns add NAME`: a new network namespace kept at /run/netns/NAME;
/// returns a descriptor of it. A failure leaves no file or mount behind.
pub fn netns_add(name: &CStr) -> Result<OwnedFd> {
    let name = check_netns_name(name.to_bytes())?;
    let dir = cstring(NETNS_RUN_DIR)?;
    let path = cstring(&format!("{NETNS_RUN_DIR}/{name}"))?;
    let mut done = RunDir::default();
    make_run_dir(&dir, &mut done)?;
    // Reserve the name before anything else: O_EXCL makes a taken name
    // (a symlink included) EEXIST.
    if let Err(e) = create_excl(&path, 0) {
        let err = unprivileged(Error::io(e, format!("create {NETNS_RUN_DIR}/{name}")));
        done.undo(&dir);
        return Err(if err.errno() == libc::EEXIST {
            err.with_hint("the name is taken")
        } else {
            err
        });
    }
    let undo = |e: Error, done: &RunDir| {
        // We created the file.
        let _ = sys::fs::unlink(&path);
        done.undo(&dir);
        e
    };
    if let Err(e) = share_run_dir(&dir, &mut done) {
        return Err(undo(e, &done));
    }
    let ns = crate::create::new_ns(NS_NET).map_err(|e| undo(e, &done))?;
    let src = cstring(&format!("/proc/self/fd/{}", ns.as_raw_fd())).map_err(|e| undo(e, &done))?;
    if let Err(e) = sys::fs::mount(&src, &path, c"none", libc::MS_BIND) {
        let e = crate::procfs::explain_proc_error(Error::io(
            e,
            format!("bind-mount the new namespace on {NETNS_RUN_DIR}/{name}"),
        ));
        return Err(undo(e, &done));
    }
    Ok(ns)
}

/// `ip netns delete NAME`.
pub fn netns_del(name: &CStr) -> Result<()> {
    let name = check_netns_name(name.to_bytes())?;
    let path = cstring(&format!("{NETNS_RUN_DIR}/{name}"))?;
    if let Err(e) = sys::fs::access(&path, libc::F_OK) {
        return Err(Error::io(e, format!("{NETNS_RUN_DIR}/{name}"))
            .with_hint("no network namespace of that name"));
    }
    // As iproute2: detach, then unlink. EINVAL (nothing mounted there) is
    // fine; anything else, EPERM above all, stops before the unlink.
    match sys::fs::umount_detach(&path) {
        Err(e) if e.raw_os_error() != Some(libc::EINVAL) => {
            return Err(Error::io(e, format!("umount {NETNS_RUN_DIR}/{name}")));
        }
        _ => {}
    }
    sys::fs::unlink(&path).map_err(|e| Error::io(e, format!("unlink {NETNS_RUN_DIR}/{name}")))?;
    Ok(())
}
