//! What a spawned child gets: built by the setters, each checking its input
//! when it is set, and checked as a whole before a spawn starts.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, RawFd};

use crate::error::{Context, Error, Result};
use crate::handles::{is_namespace, ns_type, pidfd_target};
use crate::idmap::{validate, MapKind};
use crate::sys::{self, consts::CGROUP2_SUPER_MAGIC, Fd};
use crate::types::*;

const HOST_NAME_MAX: usize = 64;

/// A namespace to join: a descriptor of our own (dup'd) and the types.
#[derive(Debug)]
pub(crate) struct Join {
    pub fd: Fd,
    pub types: libc::c_int,
    /// The NS_* types this join enters.
    pub covers: libc::c_int,
}

/// A uid or gid map to write, with its flags.
#[derive(Clone, Debug)]
pub(crate) struct MapSpec {
    pub map: Vec<ns_idmap>,
    pub flags: libc::c_uint,
}

/// The spawn attributes. `Default` is a plain spawn: no namespaces.
#[derive(Debug, Default)]
pub struct SpawnAttr {
    pub(crate) new_types: libc::c_int,
    pub(crate) joins: Vec<Join>,
    pub(crate) uid_map: Option<MapSpec>,
    pub(crate) gid_map: Option<MapSpec>,
    pub(crate) hostname: Option<CString>,
    pub(crate) root: Option<CString>,
    pub(crate) mount_proc: bool,
    pub(crate) propagation: Option<libc::c_int>,
    pub(crate) cwd: Option<CString>,
    pub(crate) fds: Vec<(RawFd, RawFd)>,
    pub(crate) close_fds: bool,
    pub(crate) pdeathsig: libc::c_int,
    pub(crate) cgroup: Option<Fd>,
    pub(crate) time_offsets: Vec<(libc::clockid_t, i64, i64)>,
}

/// Our own copy of a caller's descriptor, tracked (see sys::fdtrack): a
/// child of another call must not keep it, and with it a namespace, alive.
fn dup_cloexec(fd: RawFd, what: &str) -> Result<Fd> {
    sys::dup_min(fd, 3).map_err(|e| Error::io(e, format!("{what}: fd {fd}")))
}

impl SpawnAttr {
    pub fn new() -> Self {
        Self::default()
    }

    /// New namespaces to create (an OR of NS_*, replacing earlier calls).
    pub fn set_namespaces(&mut self, types: libc::c_int) -> Result<()> {
        check_mask(types, "types")?;
        self.new_types = types;
        Ok(())
    }

    /// Existing namespaces to join, as ns_setns takes them; repeatable.
    pub fn join(&mut self, fd: RawFd, types: libc::c_int) -> Result<()> {
        check_mask(types, "types")?;
        if fd < 0 {
            return Err(Error::new(libc::EBADF, format!("fd {fd}")));
        }
        let covers = if is_namespace(fd)? {
            let t = ns_type(fd)?;
            if types != 0 && types != t.bit() {
                return Err(Error::invalid(format!("fd {fd}")).hint(format!(
                    "a {} namespace, types asks for {}",
                    t.name(),
                    mask_text(types)
                )));
            }
            t.bit()
        } else {
            // Not a namespace: it must be a pidfd with a non-empty mask.
            match pidfd_target(fd) {
                Ok(_) => {}
                Err(e) if e.errno() == libc::EBADF => {
                    return Err(
                        Error::invalid(format!("fd {fd}")).hint("neither a namespace nor a pidfd")
                    )
                }
                Err(e) => return Err(e),
            }
            if types == 0 {
                return Err(Error::invalid(format!("pidfd {fd}"))
                    .hint("a pidfd needs a non-empty NS_* mask"));
            }
            types
        };
        let fd = dup_cloexec(fd, "copy")?;
        self.joins.push(Join { fd, types, covers });
        Ok(())
    }

    /// The caller's euid/egid become 0 inside, setgroups denied (unshare -r).
    pub fn map_root(&mut self) -> Result<()> {
        let (uid, gid) = (sys::process::geteuid(), sys::process::getegid());
        self.uid_map = Some(MapSpec {
            map: vec![ns_idmap {
                inside: 0,
                outside: uid,
                count: 1,
            }],
            flags: 0,
        });
        self.gid_map = Some(MapSpec {
            map: vec![ns_idmap {
                inside: 0,
                outside: gid,
                count: 1,
            }],
            flags: NS_MAP_DENY_SETGROUPS,
        });
        Ok(())
    }

    pub fn set_map(&mut self, kind: MapKind, map: &[ns_idmap], flags: libc::c_uint) -> Result<()> {
        crate::idmap::check_flags(kind, flags)?;
        validate(kind, map)?;
        crate::idmap::check_text_len(kind, map)?;
        let spec = Some(MapSpec {
            map: map.to_vec(),
            flags,
        });
        match kind {
            MapKind::Uid => self.uid_map = spec,
            MapKind::Gid => self.gid_map = spec,
        }
        Ok(())
    }

    pub fn set_hostname(&mut self, name: &CStr) -> Result<()> {
        let n = name.to_bytes().len();
        if n == 0 || n > HOST_NAME_MAX {
            return Err(Error::invalid(format!("hostname of {n} bytes")).hint("1 to 64 bytes"));
        }
        self.hostname = Some(name.to_owned());
        Ok(())
    }

    pub fn set_root(&mut self, dir: &CStr) -> Result<()> {
        check_dir(dir, "root")?;
        self.root = Some(dir.to_owned());
        Ok(())
    }

    pub fn set_mount_proc(&mut self, on: bool) -> Result<()> {
        self.mount_proc = on;
        Ok(())
    }

    pub fn set_propagation(&mut self, mode: libc::c_int) -> Result<()> {
        if !(NS_PROPAGATION_PRIVATE..=NS_PROPAGATION_UNCHANGED).contains(&mode) {
            return Err(
                Error::invalid(format!("propagation mode {mode}")).hint("one of NS_PROPAGATION_*")
            );
        }
        self.propagation = Some(mode);
        Ok(())
    }

    pub fn set_cwd(&mut self, dir: &CStr) -> Result<()> {
        if dir.to_bytes().is_empty() {
            return Err(Error::invalid("dir").hint("empty"));
        }
        self.cwd = Some(dir.to_owned());
        Ok(())
    }

    /// In the child, `child_fd` becomes a copy of the caller's `parent_fd`
    /// (dup2), or is closed when parent_fd is -1.
    pub fn set_fd(&mut self, child_fd: RawFd, parent_fd: RawFd) -> Result<()> {
        if child_fd < 0 || parent_fd < -1 {
            return Err(Error::new(
                libc::EBADF,
                format!("child fd {child_fd}, parent fd {parent_fd}"),
            ));
        }
        if parent_fd >= 0 {
            sys::fstat(parent_fd).step(|| format!("fd {parent_fd}"))?;
        }
        self.fds.retain(|&(c, _)| c != child_fd);
        self.fds.push((child_fd, parent_fd));
        Ok(())
    }

    pub fn set_close_fds(&mut self, on: bool) -> Result<()> {
        self.close_fds = on;
        Ok(())
    }

    pub fn set_pdeathsig(&mut self, sig: libc::c_int) -> Result<()> {
        if !(0..=libc::SIGRTMAX()).contains(&sig) {
            return Err(Error::invalid(format!("signal {sig}")));
        }
        self.pdeathsig = sig;
        Ok(())
    }

    pub fn set_cgroup(&mut self, fd: RawFd) -> Result<()> {
        if fd < 0 {
            return Err(Error::new(libc::EBADF, format!("fd {fd}")));
        }
        let st = sys::fstat(fd).step(|| format!("fd {fd}"))?;
        let magic = sys::fstatfs_type(fd).step(|| format!("fstatfs fd {fd}"))?;
        if st.st_mode & libc::S_IFMT != libc::S_IFDIR || magic != CGROUP2_SUPER_MAGIC {
            return Err(Error::invalid(format!("fd {fd}")).hint("not a cgroup2 directory"));
        }
        self.cgroup = Some(dup_cloexec(fd, "copy")?);
        Ok(())
    }

    pub fn set_time_offset(&mut self, clock: libc::clockid_t, sec: i64, nsec: i64) -> Result<()> {
        crate::timens::check_offset(clock, nsec)?;
        self.time_offsets.retain(|&(c, _, _)| c != clock);
        self.time_offsets.push((clock, sec, nsec));
        Ok(())
    }

    /// Types joined by the join list.
    pub(crate) fn joined_types(&self) -> libc::c_int {
        self.joins.iter().fold(0, |m, j| m | j.covers)
    }

    /// The safety checks of the contract: nothing may change the caller's
    /// own host.
    pub(crate) fn check(&self) -> Result<()> {
        let new = self.new_types;
        let needs = |what: &'static str, why: &'static str| Err(Error::invalid(what).hint(why));
        if self.hostname.is_some() && (new | self.joined_types()) & NS_UTS == 0 {
            return needs("hostname", "needs a new or joined UTS namespace");
        }
        if self.root.is_some() && new & NS_MNT == 0 {
            return needs("root", "needs a new mount namespace");
        }
        if self.propagation.is_some() && new & NS_MNT == 0 {
            return needs("propagation", "needs a new mount namespace");
        }
        if self.mount_proc && (new & NS_MNT == 0 || new & NS_PID == 0) {
            return needs("mount_proc", "needs new PID and mount namespaces");
        }
        if !self.time_offsets.is_empty() && new & NS_TIME == 0 {
            return needs("time offsets", "need a new time namespace");
        }
        if (self.uid_map.is_some() || self.gid_map.is_some()) && new & NS_USER == 0 {
            return needs("uid/gid maps", "need a new user namespace");
        }
        Ok(())
    }

    pub(crate) fn cgroup_fd(&self) -> Option<RawFd> {
        self.cgroup.as_ref().map(|f| f.as_raw_fd())
    }
}

fn check_dir(dir: &CStr, what: &str) -> Result<()> {
    let st = sys::fs::stat(dir)
        .map_err(|e| Error::io(e, format!("{what}: {}", dir.to_string_lossy())))?;
    if st.st_mode & libc::S_IFMT != libc::S_IFDIR {
        return Err(Error::new(
            libc::ENOTDIR,
            format!("{what}: {}", dir.to_string_lossy()),
        ));
    }
    Ok(())
}
