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
    /// A pooled namespace: made for this spawn's kind, never the caller's
    /// own (no need to check).
    pub pooled: bool,
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
    /// A user namespace (our own copy) through which the root is mounted
    /// idmapped (set_root_idmap).
    pub(crate) root_idmap: Option<Fd>,
    pub(crate) mount_proc: bool,
    pub(crate) propagation: Option<libc::c_int>,
    pub(crate) cwd: Option<CString>,
    pub(crate) fds: Vec<(RawFd, RawFd)>,
    pub(crate) close_fds: bool,
    pub(crate) pdeathsig: libc::c_int,
    pub(crate) cgroup: Option<Fd>,
    pub(crate) time_offsets: Vec<(libc::clockid_t, i64, i64)>,
    pub(crate) creds: Creds,
    /// chroot(2) into this directory (then chdir "/"), after the root and
    /// /proc are set up.
    pub(crate) chroot: Option<CString>,
    /// Where pivot_root puts the old root (with `root`); None: stacked
    /// under the new root and detached.
    pub(crate) put_old: Option<PutOld>,
    /// Programs run for MapFlags::USE_HELPER instead of newuidmap and
    /// newgidmap from PATH: [uid, gid].
    pub(crate) map_helpers: [Option<CString>; 2],
    /// Descriptor ranges (first, end exclusive) closed before exec, except
    /// 0-2 and the set_fd targets.
    pub(crate) close_ranges: Vec<(RawFd, RawFd)>,
    /// setpgid(0, pgid) in the child.
    pub(crate) pgroup: Option<libc::pid_t>,
    /// Exec with the caller's signal mask and ignored signals kept.
    pub(crate) keep_sigmask: bool,
    /// Environment variables whose value is the program's own pid.
    pub(crate) pid_env: Vec<CString>,
    /// Session, resource limits, capability sets, umask, seccomp filter
    /// (crate::procattrs).
    pub(crate) proc: crate::procattrs::ProcAttrs,
    /// A pool whose sets replace the creation of its types (use_pool).
    pub(crate) pool: Option<std::sync::Arc<crate::pool::Shared>>,
}

/// Where pivot_root puts the old root: `inside` the new root ("/old"),
/// `rel` the same path relative to the new root ("./old"), detached after
/// the pivot when `detach`.
#[derive(Clone, Debug)]
pub(crate) struct PutOld {
    pub rel: CString,
    pub inside: CString,
    pub detach: bool,
}

/// The program's credentials, taken after everything else is set up.
#[derive(Clone, Debug, Default)]
pub(crate) struct Creds {
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub groups: Option<Vec<u32>>,
}

/// The kernel's NGROUPS_MAX.
const NGROUPS_MAX: usize = 65536;

/// At most NGROUPS_MAX supplementary groups.
pub(crate) fn check_group_count(n: usize) -> Result<()> {
    if n > NGROUPS_MAX {
        return Err(Error::invalid(format!("{n} groups")).with_hint("at most 65536 (NGROUPS_MAX)"));
    }
    Ok(())
}

/// A list setgroups(2) takes: at most NGROUPS_MAX ids, none (gid_t)-1.
pub(crate) fn check_groups(groups: &[u32]) -> Result<()> {
    check_group_count(groups.len())?;
    if groups.contains(&u32::MAX) {
        return Err(Error::invalid("group 4294967295").with_hint("(gid_t)-1 is not a gid"));
    }
    Ok(())
}

/// Our own copy of a caller's descriptor, tracked (see sys::fdtrack): a
/// child of another call must not keep it, and with it a namespace, alive.
fn dup_cloexec(fd: RawFd, what: &str) -> Result<Fd> {
    sys::dup_min(fd, 3).map_err(|e| Error::io(e, format!("{what}: fd {fd}")))
}

impl SpawnAttr {
    /// Nothing asked for but new namespaces (not a time namespace), maps,
    /// the mount propagation and joins (which the lean path takes only
    /// when the calling thread makes them all), and a pool at most (when
    /// it has no set ready): a spawn the lean path (spawn::lean) may
    /// take. Without a pool, such an attribute passes
    /// [`SpawnAttr::check`] (a test says so), which the lean path then
    /// skips. Every field is named here, so that a new one cannot be
    /// forgotten.
    pub(crate) fn is_lean(&self) -> bool {
        let SpawnAttr {
            new_types,
            // Checked when they are set; see spawn::lean.
            joins: _,
            uid_map,
            gid_map,
            hostname,
            root,
            root_idmap,
            mount_proc,
            propagation,
            cwd,
            fds,
            close_fds,
            pdeathsig,
            cgroup,
            time_offsets,
            creds: Creds { uid, gid, groups },
            chroot,
            put_old,
            // Used only by maps the parent writes (not lean).
            map_helpers: _,
            close_ranges,
            pgroup,
            keep_sigmask,
            pid_env,
            proc,
            // Looked at first (spawn_with): a pool without a set ready
            // leaves the spawn creating its types, as without one.
            pool: _,
        } = self;
        let crate::procattrs::ProcAttrs {
            setsid,
            caps,
            rlimits,
            seccomp,
            umask,
            no_new_privs,
            autoreap,
            autokill,
        } = proc;
        new_types & NS_TIME == 0
            && (uid_map.is_none() && gid_map.is_none() || new_types & NS_USER != 0)
            && (propagation.is_none() || new_types & NS_MNT != 0)
            && hostname.is_none()
            && root.is_none()
            && root_idmap.is_none()
            && !mount_proc
            && cwd.is_none()
            && fds.is_empty()
            && !close_fds
            && *pdeathsig == 0
            && cgroup.is_none()
            && time_offsets.is_empty()
            && uid.is_none()
            && gid.is_none()
            && groups.is_none()
            && chroot.is_none()
            && put_old.is_none()
            && close_ranges.is_empty()
            && pgroup.is_none()
            && !keep_sigmask
            && pid_env.is_empty()
            && !setsid
            && caps.given == 0
            && rlimits.is_empty()
            && seccomp.is_empty()
            && umask.is_none()
            && !no_new_privs
            && !autoreap
            && !autokill
    }

    /// A plain spawn: no namespaces, nothing changed.
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
                return Err(Error::invalid(format!("fd {fd}")).with_hint(format!(
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
                    return Err(Error::invalid(format!("fd {fd}"))
                        .with_hint("neither a namespace nor a pidfd"))
                }
                Err(e) => return Err(e),
            }
            if types == 0 {
                return Err(Error::invalid(format!("pidfd {fd}"))
                    .with_hint("a pidfd needs a non-empty set of namespace types"));
            }
            types
        };
        let fd = dup_cloexec(fd, "copy")?;
        self.joins.push(Join {
            fd,
            types,
            covers,
            pooled: false,
        });
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

    /// The uid or gid map of the new user namespace, written with `flags`.
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

    /// The program runs as this uid (setresuid, in its final namespaces).
    pub fn set_uid(&mut self, uid: u32) -> Result<()> {
        if uid == u32::MAX {
            return Err(Error::invalid("uid 4294967295").with_hint("(uid_t)-1 is not a uid"));
        }
        self.creds.uid = Some(uid);
        Ok(())
    }

    /// The program runs with this gid (setresgid).
    pub fn set_gid(&mut self, gid: u32) -> Result<()> {
        if gid == u32::MAX {
            return Err(Error::invalid("gid 4294967295").with_hint("(gid_t)-1 is not a gid"));
        }
        self.creds.gid = Some(gid);
        Ok(())
    }

    /// The program's supplementary groups (setgroups; empty: none).
    pub fn set_groups(&mut self, groups: &[u32]) -> Result<()> {
        check_groups(groups)?;
        self.creds.groups = Some(groups.to_vec());
        Ok(())
    }

    /// Capabilities (bit n: capability n) the program keeps when its uid
    /// changes, raised as ambient so that they survive exec: the
    /// permitted, effective, inheritable and ambient sets of set_caps.
    pub fn set_keep_caps(&mut self, caps: u64) -> Result<()> {
        use crate::types::*;
        let sets = NS_CAPS_PERMITTED | NS_CAPS_EFFECTIVE | NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT;
        self.set_caps(sets, caps)
    }

    /// The hostname of the new UTS namespace (1 to 64 bytes).
    pub fn set_hostname(&mut self, name: &CStr) -> Result<()> {
        let n = name.to_bytes().len();
        if n == 0 || n > HOST_NAME_MAX {
            return Err(Error::invalid(format!("hostname of {n} bytes")).with_hint("1 to 64 bytes"));
        }
        self.hostname = Some(name.to_owned());
        Ok(())
    }

    /// The directory that becomes the root (pivot_root).
    pub fn set_root(&mut self, dir: &CStr) -> Result<()> {
        check_dir(dir, "root")?;
        self.root = Some(dir.to_owned());
        Ok(())
    }

    /// Mount the root idmapped through the user namespace `userns_fd`
    /// (keeping a copy of the descriptor): made by the parent, which has
    /// the privileges, and attached by the child instead of a bind mount.
    pub fn set_root_idmap(&mut self, userns_fd: RawFd) -> Result<()> {
        crate::idmount::check_userns(userns_fd)?;
        crate::idmount::check_available("root_idmap")?;
        self.root_idmap = Some(dup_cloexec(userns_fd, "copy")?);
        Ok(())
    }

    /// Mount a fresh /proc.
    pub fn set_mount_proc(&mut self, on: bool) -> Result<()> {
        self.mount_proc = on;
        Ok(())
    }

    /// Mount propagation of the new mount namespace (NS_PROPAGATION_*).
    pub fn set_propagation(&mut self, mode: libc::c_int) -> Result<()> {
        if !(NS_PROPAGATION_PRIVATE..=NS_PROPAGATION_UNCHANGED).contains(&mode) {
            return Err(Error::invalid(format!("propagation mode {mode}"))
                .with_hint("one of NS_PROPAGATION_*"));
        }
        self.propagation = Some(mode);
        Ok(())
    }

    /// The working directory, entered after root and mounts.
    pub fn set_cwd(&mut self, dir: &CStr) -> Result<()> {
        if dir.to_bytes().is_empty() {
            return Err(Error::invalid("dir").with_hint("empty"));
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

    /// Close every descriptor but 0-2 and the set_fd targets before exec.
    pub fn set_close_fds(&mut self, on: bool) -> Result<()> {
        self.close_fds = on;
        Ok(())
    }

    /// The parent-death signal (0: none).
    pub fn set_pdeathsig(&mut self, sig: libc::c_int) -> Result<()> {
        if !(0..=libc::SIGRTMAX()).contains(&sig) {
            return Err(Error::invalid(format!("signal {sig}")));
        }
        self.pdeathsig = sig;
        Ok(())
    }

    /// Start in this cgroup (a cgroup2 directory fd).
    pub fn set_cgroup(&mut self, fd: RawFd) -> Result<()> {
        if fd < 0 {
            return Err(Error::new(libc::EBADF, format!("fd {fd}")));
        }
        let st = sys::fstat(fd).step(|| format!("fd {fd}"))?;
        let magic = sys::fstatfs_type(fd).step(|| format!("fstatfs fd {fd}"))?;
        if st.st_mode & libc::S_IFMT != libc::S_IFDIR || magic != CGROUP2_SUPER_MAGIC {
            return Err(Error::invalid(format!("fd {fd}")).with_hint("not a cgroup2 directory"));
        }
        self.cgroup = Some(dup_cloexec(fd, "copy")?);
        Ok(())
    }

    /// An offset of CLOCK_MONOTONIC or CLOCK_BOOTTIME in the new time namespace.
    pub fn set_time_offset(&mut self, clock: libc::clockid_t, sec: i64, nsec: i64) -> Result<()> {
        crate::timens::check_offset(clock, nsec)?;
        self.time_offsets.retain(|&(c, _, _)| c != clock);
        self.time_offsets.push((clock, sec, nsec));
        Ok(())
    }

    /// chroot(2) into `dir` (then chdir "/") after the root and /proc are
    /// set up: a path as the child sees it then, so not checked here.
    pub fn set_chroot(&mut self, dir: &CStr) -> Result<()> {
        if dir.to_bytes().first() != Some(&b'/') {
            return Err(Error::invalid(format!("chroot {:?}", dir)).with_hint("an absolute path"));
        }
        self.chroot = Some(dir.to_owned());
        Ok(())
    }

    /// With `set_root`: pivot_root puts the old root at `inside`, a path
    /// inside the new root, detaching it afterwards when `detach`.
    pub fn set_put_old(&mut self, inside: &CStr, detach: bool) -> Result<()> {
        if inside.to_bytes().first() != Some(&b'/') {
            return Err(Error::invalid(format!("put_old {:?}", inside))
                .with_hint("an absolute path inside the new root"));
        }
        let mut rel = b".".to_vec();
        rel.extend_from_slice(inside.to_bytes());
        let rel = CString::new(rel).map_err(|_| Error::invalid("put_old"))?;
        self.put_old = Some(PutOld {
            rel,
            inside: inside.to_owned(),
            detach,
        });
        Ok(())
    }

    /// The program MapFlags::USE_HELPER runs for this kind of map, instead
    /// of newuidmap/newgidmap from PATH.
    pub fn set_map_helper(&mut self, kind: MapKind, path: &CStr) -> Result<()> {
        if path.to_bytes().is_empty() {
            return Err(Error::new(libc::ENOENT, "map helper").with_hint("empty"));
        }
        let i = match kind {
            MapKind::Uid => 0,
            MapKind::Gid => 1,
        };
        self.map_helpers[i] = Some(path.to_owned());
        Ok(())
    }

    /// Also close descriptors `first..end` (end exclusive, first >= 3)
    /// before exec, except the set_fd targets; repeatable.
    pub fn add_close_range(&mut self, first: RawFd, end: RawFd) -> Result<()> {
        if first < 3 {
            return Err(Error::invalid(format!("close range {first}..{end}"))
                .with_hint("it starts at 3 or above"));
        }
        if end > first {
            self.close_ranges.push((first, end));
        }
        Ok(())
    }

    /// Forgets the ranges of add_close_range.
    pub fn clear_close_ranges(&mut self) {
        self.close_ranges.clear();
    }

    /// setpgid(0, pgid) in the child (0: a group of its own).
    pub fn set_process_group(&mut self, pgid: libc::pid_t) -> Result<()> {
        if pgid < 0 {
            return Err(Error::invalid(format!("process group {pgid}")));
        }
        self.pgroup = Some(pgid);
        Ok(())
    }

    /// Exec with the caller's signal mask and ignored signals (by default
    /// every disposition is reset and the mask emptied).
    pub fn set_keep_sigmask(&mut self, on: bool) -> Result<()> {
        self.keep_sigmask = on;
        Ok(())
    }

    /// The environment variable `name` holds the program's pid (as its
    /// PID namespace numbers it), replacing any value it had.
    pub fn add_pid_env(&mut self, name: &CStr) -> Result<()> {
        let b = name.to_bytes();
        if b.is_empty() || b.contains(&b'=') {
            return Err(Error::invalid(format!("environment variable {:?}", name))
                .with_hint("a name is not empty and has no '='"));
        }
        if !self.pid_env.iter().any(|n| n.as_c_str() == name) {
            self.pid_env.push(name.to_owned());
        }
        Ok(())
    }

    /// Types joined by the join list.
    pub(crate) fn joined_types(&self) -> libc::c_int {
        self.joins.iter().fold(0, |m, j| m | j.covers)
    }

    /// Spawns take their namespaces of the pool's types from `pool` when
    /// it has a set ready (None: no pool).
    pub(crate) fn use_pool(&mut self, pool: Option<&crate::pool::Pool>) -> Result<()> {
        self.pool = pool.map(|p| std::sync::Arc::clone(p.shared()));
        Ok(())
    }

    /// Are the maps those of map_root (the maps a pooled user namespace
    /// has), or absent?
    fn maps_fit_pool(&self) -> bool {
        let one = |m: &Option<MapSpec>, outside: u32, flags: libc::c_uint| match m {
            None => true,
            Some(s) => {
                s.flags & !NS_MAP_DENY_SETGROUPS == flags & !NS_MAP_DENY_SETGROUPS
                    && s.map.len() == 1
                    && s.map[0].inside == 0
                    && s.map[0].outside == outside
                    && s.map[0].count == 1
            }
        };
        one(&self.uid_map, sys::process::geteuid(), 0)
            && one(
                &self.gid_map,
                sys::process::getegid(),
                NS_MAP_DENY_SETGROUPS,
            )
            && self
                .gid_map
                .as_ref()
                .map_or(true, |g| g.flags & NS_MAP_DENY_SETGROUPS != 0)
    }

    /// What a pool asks of the attribute: its types among the new ones,
    /// none of them also joined, and, for a pooled user namespace, no maps
    /// but map_root's.
    fn check_pool(&self) -> Result<()> {
        let Some(pool) = &self.pool else {
            return Ok(());
        };
        let t = pool.types;
        if t & !self.new_types != 0 {
            return Err(Error::invalid("pool").with_hint(format!(
                "the pool holds {}, which the attr does not create (set_namespaces: {})",
                mask_text(t),
                mask_text(self.new_types)
            )));
        }
        if t & self.joined_types() != 0 {
            return Err(
                Error::invalid("pool").with_hint("a type both joined and taken from the pool")
            );
        }
        if t & NS_USER != 0 && !self.maps_fit_pool() {
            return Err(Error::invalid("pool").with_hint(
                "a pooled user namespace maps the caller's uid and gid to 0 (as map_root): other maps cannot be written into it",
            ));
        }
        Ok(())
    }

    /// This attribute with a pooled set in place of creating its types:
    /// the set's namespaces joined (after any joins of its own), the maps
    /// left out (a pooled user namespace has map_root's).
    pub(crate) fn with_pooled_set(&self, set: crate::pool::NsSetFds) -> Result<SpawnAttr> {
        let types = self.pool.as_ref().map_or(0, |p| p.types);
        let dup = |f: &Fd| dup_cloexec(f.as_raw_fd(), "copy");
        let mut joins = Vec::with_capacity(self.joins.len() + set.len());
        for j in &self.joins {
            joins.push(Join {
                fd: dup(&j.fd)?,
                types: j.types,
                covers: j.covers,
                pooled: j.pooled,
            });
        }
        let mut bits = (0..31).map(|b| 1 << b).filter(|b| types & b != 0);
        for fd in set {
            let bit = bits.next().unwrap_or(0);
            joins.push(Join {
                fd,
                types: bit,
                covers: bit,
                pooled: true,
            });
        }
        let (uid_map, gid_map) = if types & NS_USER != 0 {
            (None, None)
        } else {
            (self.uid_map.clone(), self.gid_map.clone())
        };
        Ok(SpawnAttr {
            new_types: self.new_types & !types,
            joins,
            uid_map,
            gid_map,
            hostname: self.hostname.clone(),
            root: self.root.clone(),
            root_idmap: self.root_idmap.as_ref().map(dup).transpose()?,
            mount_proc: self.mount_proc,
            propagation: self.propagation,
            cwd: self.cwd.clone(),
            fds: self.fds.clone(),
            close_fds: self.close_fds,
            pdeathsig: self.pdeathsig,
            cgroup: self.cgroup.as_ref().map(dup).transpose()?,
            time_offsets: self.time_offsets.clone(),
            creds: self.creds.clone(),
            chroot: self.chroot.clone(),
            put_old: self.put_old.clone(),
            map_helpers: self.map_helpers.clone(),
            close_ranges: self.close_ranges.clone(),
            pgroup: self.pgroup,
            keep_sigmask: self.keep_sigmask,
            pid_env: self.pid_env.clone(),
            proc: self.proc.clone(),
            pool: None,
        })
    }

    /// The safety checks of the contract: nothing may change the caller's
    /// own host.
    pub(crate) fn check(&self) -> Result<()> {
        let new = self.new_types;
        let needs =
            |what: &'static str, why: &'static str| Err(Error::invalid(what).with_hint(why));
        if self.hostname.is_some() && (new | self.joined_types()) & NS_UTS == 0 {
            return needs("hostname", "needs a new or joined UTS namespace");
        }
        if self.root.is_some() && new & NS_MNT == 0 {
            return needs("root", "needs a new mount namespace");
        }
        if self.root_idmap.is_some() && self.root.is_none() {
            return needs("root_idmap", "needs a root to mount (set_root)");
        }
        if self.put_old.is_some() && self.root.is_none() {
            return needs("put_old", "needs a root to pivot into");
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
        self.check_pool()?;
        self.proc.check(self.pgroup.is_some())
    }

    pub(crate) fn cgroup_fd(&self) -> Option<RawFd> {
        self.cgroup.as_ref().map(|f| f.as_raw_fd())
    }

    /// The program set_map_helper gave for this kind of map.
    pub(crate) fn map_helper(&self, kind: MapKind) -> Option<&CStr> {
        let i = match kind {
            MapKind::Uid => 0,
            MapKind::Gid => 1,
        };
        self.map_helpers[i].as_deref()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What is_lean accepts without a pool passes check (the lean path
    /// skips it); what check refuses is never lean.
    #[test]
    fn lean_attributes_pass_check() {
        type Setup = fn(&mut SpawnAttr) -> Result<()>;
        let cases: [(Setup, bool); 9] = [
            (|_| Ok(()), true),
            (|a| a.set_namespaces(NS_USER | NS_PID | NS_MNT), true),
            (
                |a| {
                    a.set_namespaces(NS_USER | NS_MNT | NS_NET)?;
                    a.map_root()
                },
                true,
            ),
            (
                |a| {
                    a.set_namespaces(NS_MNT)?;
                    a.set_propagation(NS_PROPAGATION_SLAVE)
                },
                true,
            ),
            // Refused by check: never lean.
            (|a| a.set_propagation(NS_PROPAGATION_SLAVE), false),
            (|a| a.map_root(), false),
            (
                |a| {
                    a.set_namespaces(NS_UTS)?;
                    a.set_hostname(c"h")
                },
                false,
            ),
            (
                |a| {
                    a.set_namespaces(NS_USER | NS_TIME)?;
                    a.map_root()
                },
                false,
            ),
            (|a| a.set_cwd(c"/"), false),
        ];
        for (i, (setup, lean)) in cases.iter().enumerate() {
            let mut a = SpawnAttr::new();
            setup(&mut a).expect("setup");
            assert_eq!(a.is_lean(), *lean, "case {i}");
            if a.is_lean() {
                assert!(a.check().is_ok(), "case {i}: {:?}", a.check());
            }
        }
    }
}
