//! Spawning: the settings of a [`Command`] become a [`crate::Command`],
//! which is spawned; its failure becomes an [`Error`] of the kind of its
//! step.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use super::stdio::PipeHolder;
use super::{Child, Command, Error, ExitStatus, Fd, GidMap, PipeReader, PipeWriter, UidMap};
use crate::{IdMap, MapFlags, NsSet, Propagation};

/// The caller's ends of the pipes made for descriptors 3 and above, and
/// what must stay open until the spawn returns.
#[derive(Default)]
struct Extra {
    pipes: HashMap<RawFd, PipeHolder>,
    keep: Vec<OwnedFd>,
    /// The descriptors given to joins, which errors name.
    joins: Vec<RawFd>,
}

impl Command {
    /// Spawns the child and waits for it to end; its standard descriptors
    /// are those set (inherited by default).
    ///
    /// ```
    /// use linuxns::unshare::{Command, Error, ExitStatus};
    /// let mut cmd = Command::new("/bin/sh");
    /// cmd.args(&["-c", "exit 7"]);
    /// assert_eq!(cmd.status().unwrap(), ExitStatus::Exited(7));
    /// let e = Command::new("sh").status().unwrap_err(); // no PATH search
    /// assert!(matches!(e, Error::Exec(libc::ENOENT)));
    /// ```
    pub fn status(&mut self) -> Result<ExitStatus, Error> {
        self.spawn()?
            .wait()
            .map_err(|e| Error::WaitError(e.raw_os_error().unwrap_or(-1)))
    }

    /// Starts the child; returns once it runs the program (or with the
    /// error of the step that failed, nothing left running).
    ///
    /// ```
    /// use std::io::Read;
    /// use linuxns::unshare::{Command, Stdio};
    /// let mut child = Command::new("/bin/echo").arg("hi").stdout(Stdio::piped()).spawn().unwrap();
    /// let mut s = String::new();
    /// child.stdout.take().unwrap().read_to_string(&mut s).unwrap();
    /// assert_eq!(s, "hi\n");
    /// assert!(child.wait().unwrap().success());
    /// ```
    pub fn spawn(&mut self) -> Result<Child, Error> {
        self.init_env_map();
        let mut extra = Extra::default();
        let mut native = self.to_native(&mut extra)?;
        let mut inner = native.spawn().map_err(|e| {
            // A join's descriptor that is neither a namespace nor a pidfd
            // is named by its number.
            let join = extra.joins.iter().any(|n| {
                let step = e.step();
                step == format!("fd {n}") || step.starts_with(&format!("pidfd {n}"))
            });
            if join {
                Error::SetNs(e.errno())
            } else {
                Error::from_native(&e)
            }
        })?;
        drop(extra.keep);
        let stdin = inner
            .stdin
            .take()
            .map(|p| PipeWriter::from(OwnedFd::from(p)));
        let stdout = inner
            .stdout
            .take()
            .map(|p| PipeReader::from(OwnedFd::from(p)));
        let stderr = inner
            .stderr
            .take()
            .map(|p| PipeReader::from(OwnedFd::from(p)));
        Ok(Child {
            pid: inner.id() as libc::pid_t,
            inner,
            status: None,
            fds: extra.pipes,
            stdin,
            stdout,
            stderr,
        })
    }

    /// The library's command for these settings.
    fn to_native(&self, extra: &mut Extra) -> Result<crate::Command, Error> {
        let mut cmd = crate::Command::new(&self.filename);
        cmd.search_path(false)
            .arg0(&self.args[0])
            .args(&self.args[1..]);
        if let Some(env) = &self.environ {
            cmd.env_clear().envs(env);
        }
        for key in &self.pid_env_vars {
            cmd.pid_env(key);
        }

        let new: NsSet = self.namespaces.iter().map(|ns| ns.ns_type()).collect();
        cmd.unshare(new);
        if new.contains(NsSet::MNT) && self.pivot_root.is_none() {
            // As the unshare crate: the mounts keep their propagation.
            cmd.propagation(Propagation::Unchanged);
        }
        for (ns, file) in &self.setns_namespaces {
            let handle = file
                .0
                .try_clone()
                .map(crate::Namespace::from)
                .map_err(|e| Error::SetNs(e.raw_os_error().unwrap_or(libc::EBADF)))?;
            match handle.ns_type() {
                Ok(t) if t == ns.ns_type() => {
                    cmd.join(&handle);
                }
                // A namespace of another kind: setns(2) says EINVAL.
                Ok(_) => return Err(Error::SetNs(libc::EINVAL)),
                // A pidfd, for the namespace of this kind of its process.
                Err(_) => {
                    extra.joins.push(file.as_raw_fd());
                    cmd.join_pidfd(file.as_fd(), NsSet::from(ns.ns_type()));
                }
            }
        }

        if let Some((uids, gids)) = &self.id_maps {
            self.set_maps(&mut cmd, uids, gids);
        }
        if let Some(uid) = self.uid {
            cmd.uid(uid);
        }
        if let Some(gid) = self.gid {
            cmd.gid(gid);
        }
        if let Some(groups) = &self.groups {
            cmd.groups(groups);
        }

        if let Some((new_root, put_old, unmount)) = &self.pivot_root {
            // pivot_root checked that no component differs; a put_old
            // shorter than new_root is not under it, as the kernel says.
            let inside = put_old
                .strip_prefix(new_root)
                .map_err(|_| Error::ChangeRoot(libc::EINVAL))?;
            cmd.root(new_root)
                .old_root(Path::new("/").join(inside), *unmount);
        }
        if let Some(dir) = &self.chroot_dir {
            cmd.chroot(dir);
        }
        if let Some(dir) = self.effective_work_dir() {
            cmd.current_dir(dir);
        }

        self.set_fds(&mut cmd, extra)?;

        if let Some(sig) = self.death_sig {
            cmd.parent_death_signal(sig as i32);
        }
        if let Some([lo, hi]) = self.keep_caps {
            cmd.keep_caps(u64::from(lo) | (u64::from(hi) << 32));
        }
        if self.make_group_leader {
            cmd.process_group(0);
        }
        if !self.restore_sigmask {
            cmd.keep_sigmask(true);
        }
        Ok(cmd)
    }

    /// The maps: through the map commands if set; written directly else,
    /// with setgroups denied where the kernel requires it (an unprivileged
    /// caller mapping its own gid).
    fn set_maps(&self, cmd: &mut crate::Command, uids: &[UidMap], gids: &[GidMap]) {
        let umap: Vec<IdMap> = uids
            .iter()
            .map(|m| IdMap::new(m.inside_uid, m.outside_uid, m.count))
            .collect();
        let gmap: Vec<IdMap> = gids
            .iter()
            .map(|m| IdMap::new(m.inside_gid, m.outside_gid, m.count))
            .collect();
        let (uflags, gflags) = match &self.id_map_commands {
            Some((newuidmap, newgidmap)) => {
                cmd.map_helpers(newuidmap, newgidmap);
                (MapFlags::USE_HELPER, MapFlags::USE_HELPER)
            }
            None if needs_setgroups_denied(&gmap) => (MapFlags::empty(), MapFlags::DENY_SETGROUPS),
            None => (MapFlags::empty(), MapFlags::empty()),
        };
        // An empty list leaves that map unwritten, as the unshare crate's
        // empty write does.
        if !umap.is_empty() {
            cmd.uid_map(&umap, uflags);
        }
        if !gmap.is_empty() {
            cmd.gid_map(&gmap, gflags);
        }
    }

    /// The working directory to enter: as set without a new root; inside
    /// the new root (chroot, after pivot_root) the caller's own directory
    /// if it is under it (else `/`), then the one set, relative to that.
    fn effective_work_dir(&self) -> Option<PathBuf> {
        let root = match (&self.pivot_root, &self.chroot_dir) {
            (None, None) => return self.work_dir.clone(),
            (Some((new_root, _, _)), Some(chroot)) => {
                new_root.join(chroot.strip_prefix("/").unwrap_or(chroot))
            }
            (Some((new_root, _, _)), None) => new_root.clone(),
            (None, Some(chroot)) => chroot.clone(),
        };
        let inherited = std::env::current_dir()
            .ok()
            .and_then(|cur| {
                cur.strip_prefix(&root)
                    .ok()
                    .map(|rest| Path::new("/").join(rest))
            })
            .unwrap_or_else(|| PathBuf::from("/"));
        Some(match &self.work_dir {
            Some(dir) => inherited.join(dir),
            None => inherited,
        })
    }

    /// Standard descriptors, then the others (pipes made here), then the
    /// ranges to close.
    fn set_fds(&self, cmd: &mut crate::Command, extra: &mut Extra) -> Result<(), Error> {
        let stdio_err =
            |e: std::io::Error| Error::StdioError(e.raw_os_error().unwrap_or(libc::EBADF));
        for n in 0..3 {
            let cfg = match self.fds.get(&n) {
                None | Some(Fd::Inherit) => crate::Stdio::inherit(),
                Some(Fd::ReadPipe) | Some(Fd::WritePipe) => crate::Stdio::piped(),
                Some(Fd::ReadNull) | Some(Fd::WriteNull) => crate::Stdio::null(),
                Some(Fd::Fd(c)) => crate::Stdio::from(c.0.try_clone().map_err(stdio_err)?),
            };
            match n {
                0 => cmd.stdin(cfg),
                1 => cmd.stdout(cfg),
                _ => cmd.stderr(cfg),
            };
        }
        let mut others: Vec<(&RawFd, &Fd)> = self.fds.iter().filter(|(n, _)| **n > 2).collect();
        others.sort_by_key(|(n, _)| **n);
        for (&n, cfg) in others {
            match cfg {
                Fd::ReadPipe | Fd::WritePipe => {
                    let (r, w) = crate::sys::pipe().map_err(|e| Error::CreatePipe(errno(&e)))?;
                    let (theirs, ours) = match cfg {
                        Fd::ReadPipe => (r, PipeHolder::Writer(PipeWriter::from(w.into_owned()))),
                        _ => (w, PipeHolder::Reader(PipeReader::from(r.into_owned()))),
                    };
                    let theirs = theirs.into_owned();
                    cmd.fd(n, &theirs);
                    extra.keep.push(theirs);
                    extra.pipes.insert(n, ours);
                }
                Fd::ReadNull | Fd::WriteNull => {
                    let null = OpenOptions::new()
                        .read(matches!(cfg, Fd::ReadNull))
                        .write(matches!(cfg, Fd::WriteNull))
                        .open("/dev/null")
                        .map_err(|e| Error::CreatePipe(errno(&e)))?;
                    cmd.fd(n, &null);
                }
                Fd::Inherit => {
                    crate::sys::fstat(n).map_err(stdio_err)?;
                    // SAFETY: the caller's descriptor n is open (checked
                    // just now); it is only duplicated.
                    let fd = unsafe { BorrowedFd::borrow_raw(n) };
                    cmd.fd(n, fd);
                }
                Fd::Fd(c) => {
                    cmd.fd(n, c);
                }
            }
        }
        for &(first, end) in &self.close_fds {
            cmd.close_fd_range(first, end);
        }
        Ok(())
    }
}

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}

/// An unprivileged caller (no CAP_SETGID) may write a gid map only after
/// denying setgroups, and only one of its own gid: deny it then, which
/// turns a certain EPERM into a working map.
fn needs_setgroups_denied(gmap: &[IdMap]) -> bool {
    let own = matches!(gmap, [m] if m.count == 1 && m.outside == crate::current_gid());
    own && !has_cap_setgid()
}

/// Is CAP_SETGID in the calling thread's effective set?
fn has_cap_setgid() -> bool {
    const CAP_SETGID: u32 = 6;
    let status = crate::procfs::read_all(c"/proc/thread-self/status")
        .or_else(|_| crate::procfs::read_all(c"/proc/self/status"));
    let Ok(text) = status else {
        return crate::is_root();
    };
    String::from_utf8_lossy(&text)
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .map_or_else(crate::is_root, |caps| caps & (1 << CAP_SETGID) != 0)
}
