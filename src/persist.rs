//! Keeping namespaces alive on the filesystem: bind mounts of namespace
//! files, and named network namespaces as iproute2 keeps them.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use crate::error::{Error, Result};
use crate::handles::{check_netns_name, ns_stat};
use crate::sys::consts::NSFS_MAGIC;
use crate::types::NS_NET;

/// Where `ip netns` keeps its names.
pub const NETNS_RUN_DIR: &str = "/run/netns";

fn cstring(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::invalid(format!("path \"{s}\"")).hint("contains NUL"))
}

fn last_err() -> std::io::Error {
    std::io::Error::last_os_error()
}

/// Is a namespace bind-mounted at `path`? (statfs: nsfs)
// f_type's integer type differs between architectures.
#[allow(clippy::unnecessary_cast)]
fn is_bound(path: &CStr) -> bool {
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: NUL-terminated path; st valid for writing.
    unsafe {
        libc::statfs(path.as_ptr(), st.as_mut_ptr()) == 0
            && st.assume_init().f_type as i64 == NSFS_MAGIC
    }
}

/// Creates an empty file (O_EXCL) through a tracked descriptor.
fn create_excl(path: &CStr, mode: libc::mode_t) -> std::io::Result<()> {
    crate::sys::Fd::create(|| {
        // SAFETY: NUL-terminated path.
        let f = unsafe {
            libc::open(
                path.as_ptr(),
                libc::O_RDONLY | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC,
                mode,
            )
        };
        if f < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a new descriptor we own.
        Ok(unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(f) })
    })
    .map(drop)
}

/// Bind-mounts namespace `fd` on `path`, creating the file if missing; the
/// namespace then lives while the mount does.
pub fn bind(fd: RawFd, path: &CStr) -> Result<()> {
    ns_stat(fd)?;
    let show = path.to_string_lossy();
    if is_bound(path) {
        return Err(Error::new(libc::EEXIST, format!("bind {show}"))
            .hint("a namespace is already bound there"));
    }
    // SAFETY: NUL-terminated path.
    let created = match create_excl(path, 0o444) {
        Ok(()) => true,
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => false,
        Err(e) => return Err(Error::io(e, format!("create {show}"))),
    };
    let src = cstring(&format!("/proc/self/fd/{fd}"))?;
    // SAFETY: NUL-terminated strings.
    let r = unsafe {
        libc::mount(
            src.as_ptr(),
            path.as_ptr(),
            c"none".as_ptr(),
            libc::MS_BIND,
            std::ptr::null(),
        )
    };
    if r != 0 {
        // The source is /proc/self/fd/N: without /proc, say so.
        let err = crate::procfs::explain_proc_error(Error::io(
            last_err(),
            format!("bind-mount fd {fd} on {show}"),
        ));
        if created {
            // SAFETY: NUL-terminated path; we made this file.
            unsafe { libc::unlink(path.as_ptr()) };
        }
        return Err(err);
    }
    Ok(())
}

/// Undoes bind: detaches the namespace mount at `path` and removes the file.
pub fn unbind(path: &CStr) -> Result<()> {
    let show = path.to_string_lossy();
    if !is_bound(path) {
        // SAFETY: NUL-terminated path.
        if unsafe { libc::access(path.as_ptr(), libc::F_OK) } != 0 {
            return Err(Error::io(last_err(), format!("unbind {show}")));
        }
        return Err(Error::invalid(format!("unbind {show}")).hint("no namespace is bound there"));
    }
    // SAFETY: NUL-terminated path.
    if unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH | libc::UMOUNT_NOFOLLOW) } != 0 {
        return Err(Error::io(last_err(), format!("umount {show}")));
    }
    // SAFETY: NUL-terminated path.
    if unsafe { libc::unlink(path.as_ptr()) } != 0
        && last_err().raw_os_error() != Some(libc::ENOENT)
    {
        return Err(Error::io(last_err(), format!("unlink {show}")));
    }
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
        // SAFETY: NUL-terminated path; only what this call made is undone.
        unsafe {
            if self.made_mount {
                libc::umount2(dir.as_ptr(), libc::MNT_DETACH | libc::UMOUNT_NOFOLLOW);
            }
            if self.made_dir {
                libc::rmdir(dir.as_ptr());
            }
        }
    }
}

/// The directory's permissions say EACCES where the kernel's mount would
/// say EPERM: answer as documented, -EPERM without privilege.
fn unprivileged(e: Error) -> Error {
    if e.errno() == libc::EACCES {
        e.with_errno(libc::EPERM)
            .hint("named network namespaces need privilege over /run/netns")
    } else {
        e
    }
}

/// Creates /run/netns if missing.
fn make_run_dir(dir: &CStr, done: &mut RunDir) -> Result<()> {
    // SAFETY: NUL-terminated path.
    if unsafe { libc::mkdir(dir.as_ptr(), 0o755) } == 0 {
        done.made_dir = true;
        return Ok(());
    }
    match last_err().raw_os_error() {
        Some(libc::EEXIST) => Ok(()),
        _ => Err(unprivileged(Error::io(
            last_err(),
            format!("mkdir {NETNS_RUN_DIR}"),
        ))),
    }
}

/// Makes /run/netns a shared mount point, as iproute2 does, so that a name
/// removed in one mount namespace is removed in all of them.
fn share_run_dir(dir: &CStr, done: &mut RunDir) -> Result<()> {
    loop {
        // SAFETY: NUL-terminated strings.
        let r = unsafe {
            libc::mount(
                c"none".as_ptr(),
                dir.as_ptr(),
                c"none".as_ptr(),
                libc::MS_SHARED | libc::MS_REC,
                std::ptr::null(),
            )
        };
        if r == 0 {
            return Ok(());
        }
        if last_err().raw_os_error() != Some(libc::EINVAL) || done.made_mount {
            return Err(Error::io(
                last_err(),
                format!("make {NETNS_RUN_DIR} shared"),
            ));
        }
        // Not a mount point yet: bind it onto itself, then retry.
        // SAFETY: NUL-terminated strings.
        let r = unsafe {
            libc::mount(
                dir.as_ptr(),
                dir.as_ptr(),
                c"none".as_ptr(),
                libc::MS_BIND | libc::MS_REC,
                std::ptr::null(),
            )
        };
        if r != 0 {
            return Err(Error::io(
                last_err(),
                format!("bind {NETNS_RUN_DIR} on itself"),
            ));
        }
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
            err.hint("the name is taken")
        } else {
            err
        });
    }
    let undo = |e: Error, done: &RunDir| {
        // SAFETY: NUL-terminated path; we created the file.
        unsafe { libc::unlink(path.as_ptr()) };
        done.undo(&dir);
        e
    };
    if let Err(e) = share_run_dir(&dir, &mut done) {
        return Err(undo(e, &done));
    }
    let ns = crate::create::new_ns(NS_NET).map_err(|e| undo(e, &done))?;
    let src = cstring(&format!("/proc/self/fd/{}", ns.as_raw_fd())).map_err(|e| undo(e, &done))?;
    // SAFETY: NUL-terminated strings.
    let r = unsafe {
        libc::mount(
            src.as_ptr(),
            path.as_ptr(),
            c"none".as_ptr(),
            libc::MS_BIND,
            std::ptr::null(),
        )
    };
    if r != 0 {
        let e = crate::procfs::explain_proc_error(Error::io(
            last_err(),
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
    // SAFETY: NUL-terminated path.
    if unsafe { libc::access(path.as_ptr(), libc::F_OK) } != 0 {
        return Err(Error::io(last_err(), format!("{NETNS_RUN_DIR}/{name}"))
            .hint("no network namespace of that name"));
    }
    // As iproute2: detach, then unlink. EINVAL (nothing mounted there) is
    // fine; anything else, EPERM above all, stops before the unlink.
    // SAFETY: NUL-terminated path.
    if unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH | libc::UMOUNT_NOFOLLOW) } != 0
        && last_err().raw_os_error() != Some(libc::EINVAL)
    {
        return Err(Error::io(
            last_err(),
            format!("umount {NETNS_RUN_DIR}/{name}"),
        ));
    }
    // SAFETY: NUL-terminated path.
    if unsafe { libc::unlink(path.as_ptr()) } != 0 {
        return Err(Error::io(
            last_err(),
            format!("unlink {NETNS_RUN_DIR}/{name}"),
        ));
    }
    Ok(())
}
