//! Process attributes of a spawned program, as bubblewrap and container
//! runtimes set them: ids, a new session, resource limits, capability
//! sets, the umask and a seccomp filter. Each setter checks its input when
//! it is called; what depends on several of them is checked before a
//! spawn starts ([`ProcAttrs::check`]). The child applies them in the
//! order spawn/child.rs documents.

pub(crate) mod bpf;

use crate::error::{Error, Result};
use crate::spawn::SpawnAttr;
use crate::sys::procattrs::{cap_last_cap, RLIM_NLIMITS};
use crate::types::*;

pub(crate) use bpf::Insn;

/// The capability sets, in the order of their NS_CAPS_* bits.
pub(crate) const CAP_SETS: [(u32, &str); 5] = [
    (NS_CAPS_BOUNDING, "bounding"),
    (NS_CAPS_PERMITTED, "permitted"),
    (NS_CAPS_EFFECTIVE, "effective"),
    (NS_CAPS_INHERITABLE, "inheritable"),
    (NS_CAPS_AMBIENT, "ambient"),
];
const ALL_CAP_SETS: u32 = NS_CAPS_BOUNDING
    | NS_CAPS_PERMITTED
    | NS_CAPS_EFFECTIVE
    | NS_CAPS_INHERITABLE
    | NS_CAPS_AMBIENT;

/// The capability sets asked for: bit i of `given` (NS_CAPS_*) says set i
/// of [`CAP_SETS`] was given, its value in `caps[i]` (bit n: capability n).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CapValues {
    pub given: u32,
    pub caps: [u64; 5],
}

impl CapValues {
    /// The value of one set (an NS_CAPS_* bit), if it was given.
    pub(crate) fn get(&self, set: u32) -> Option<u64> {
        // No indexing: the spawn child calls this too.
        let (_, v) = CAP_SETS
            .iter()
            .zip(self.caps.iter())
            .find(|((b, _), _)| *b == set)?;
        (self.given & set != 0).then_some(*v)
    }
}

/// A resource limit: the resource and its struct rlimit64 (soft, hard),
/// as prlimit64(2) takes them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rlimit {
    pub resource: u32,
    pub soft: u64,
    pub hard: u64,
}

/// RLIM_INFINITY of the kernel's struct rlimit64.
const RLIM_INFINITY: u64 = u64::MAX;

/// What the setters of this module record in a [`SpawnAttr`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ProcAttrs {
    /// setsid(2) in the child.
    pub setsid: bool,
    pub caps: CapValues,
    /// At most one per resource, in the order first set.
    pub rlimits: Vec<Rlimit>,
    /// The seccomp filter (a checked copy); empty: none.
    pub seccomp: Vec<Insn>,
    pub umask: Option<u32>,
    /// prctl(PR_SET_NO_NEW_PRIVS) before exec (and CLONE_NNP where the
    /// kernel has it).
    pub no_new_privs: bool,
    /// CLONE_AUTOREAP (7.1): the kernel reaps the program.
    pub autoreap: bool,
    /// CLONE_PIDFD_AUTOKILL (7.1, with autoreap): the program dies with the
    /// last descriptor of its pidfd.
    pub autokill: bool,
}

fn check_id(id: u32, what: &str) -> Result<()> {
    if id == u32::MAX {
        return Err(Error::invalid(format!("{what} 4294967295"))
            .with_hint(format!("(uid_t)-1 is not a {what}")));
    }
    Ok(())
}

/// A capability mask names only capabilities the running kernel knows.
fn check_caps(caps: u64) -> Result<()> {
    let last = cap_last_cap();
    if last < 63 && caps >> (last + 1) != 0 {
        let first = (last + 1..64)
            .find(|c| caps & (1u64 << c) != 0)
            .unwrap_or(64);
        return Err(Error::invalid(format!("capability {first}"))
            .with_hint(format!("this kernel's capabilities are 0 to {last}")));
    }
    Ok(())
}

impl ProcAttrs {
    /// What the sets, given together, cannot be: the kernel's own rules,
    /// so a spawn that would fail in the child fails before it starts.
    pub(crate) fn check(&self, has_pgroup: bool) -> Result<()> {
        if self.setsid && has_pgroup {
            return Err(Error::invalid("setsid and process group").with_hint(
                "a new session is a new process group of its own, which a session leader cannot leave",
            ));
        }
        let c = &self.caps;
        let subset = |a: u32, b: u32| match (c.get(a), c.get(b)) {
            (Some(x), Some(y)) => x & !y,
            _ => 0,
        };
        for (a, b, why) in [
            (
                NS_CAPS_EFFECTIVE,
                NS_CAPS_PERMITTED,
                "effective capabilities must be permitted",
            ),
            (
                NS_CAPS_AMBIENT,
                NS_CAPS_PERMITTED,
                "ambient capabilities must be permitted",
            ),
            (
                NS_CAPS_AMBIENT,
                NS_CAPS_INHERITABLE,
                "ambient capabilities must be inheritable",
            ),
        ] {
            let extra = subset(a, b);
            if extra != 0 {
                return Err(
                    Error::invalid(format!("capability {}", extra.trailing_zeros())).with_hint(why),
                );
            }
        }
        Ok(())
    }
}

impl SpawnAttr {
    /// The program's uid, gid and supplementary groups at once; None
    /// leaves what was set before (by default the caller's). Checked
    /// whole before anything changes.
    pub fn set_ids(
        &mut self,
        uid: Option<u32>,
        gid: Option<u32>,
        groups: Option<&[u32]>,
    ) -> Result<()> {
        if let Some(u) = uid {
            check_id(u, "uid")?;
        }
        if let Some(g) = gid {
            check_id(g, "gid")?;
        }
        if let Some(gs) = groups {
            crate::spawn::attr::check_groups(gs)?;
        }
        if let Some(gs) = groups {
            self.set_groups(gs)?;
        }
        if let Some(u) = uid {
            self.set_uid(u)?;
        }
        if let Some(g) = gid {
            self.set_gid(g)?;
        }
        Ok(())
    }

    /// setsid(2) in the child: a new session and process group.
    pub fn set_setsid(&mut self, on: bool) -> Result<()> {
        self.proc.setsid = on;
        Ok(())
    }

    /// Capability sets (an OR of NS_CAPS_*) of the program, each set to
    /// `caps`; repeatable, a later call replacing the sets it names.
    pub fn set_caps(&mut self, which: u32, caps: u64) -> Result<()> {
        if which == 0 || which & !ALL_CAP_SETS != 0 {
            return Err(Error::invalid(format!("capability sets {which:#x}"))
                .with_hint("an OR of NS_CAPS_BOUNDING, NS_CAPS_PERMITTED, NS_CAPS_EFFECTIVE, NS_CAPS_INHERITABLE, NS_CAPS_AMBIENT"));
        }
        check_caps(caps)?;
        for (i, &(bit, _)) in CAP_SETS.iter().enumerate() {
            if which & bit != 0 {
                self.proc.caps.caps[i] = caps;
            }
        }
        self.proc.caps.given |= which;
        Ok(())
    }

    /// The limit of `resource` (RLIMIT_*) with prlimit64 in the child;
    /// repeatable, a later call for the same resource replacing it.
    pub fn set_rlimit(&mut self, resource: i32, soft: u64, hard: u64) -> Result<()> {
        if resource < 0 || resource as u32 >= RLIM_NLIMITS {
            return Err(Error::invalid(format!("resource {resource}"))
                .with_hint("one of RLIMIT_* (0 to 15)"));
        }
        if soft > hard {
            let show = |v: u64| {
                if v == RLIM_INFINITY {
                    "RLIM_INFINITY".to_string()
                } else {
                    v.to_string()
                }
            };
            return Err(
                Error::invalid(format!("resource {resource}")).with_hint(format!(
                    "the soft limit {} is above the hard limit {}",
                    show(soft),
                    show(hard)
                )),
            );
        }
        let r = Rlimit {
            resource: resource as u32,
            soft,
            hard,
        };
        match self
            .proc
            .rlimits
            .iter_mut()
            .find(|l| l.resource == r.resource)
        {
            Some(l) => *l = r,
            None => self.proc.rlimits.push(r),
        }
        Ok(())
    }

    /// A seccomp filter the child installs last before exec (with
    /// no_new_privs); checked now as the kernel will check it, and copied.
    pub(crate) fn set_seccomp(&mut self, filter: &[Insn]) -> Result<()> {
        bpf::check(filter)?;
        self.proc.seccomp = filter.to_vec();
        Ok(())
    }

    /// The program's umask (permission bits only).
    pub fn set_umask(&mut self, mask: u32) -> Result<()> {
        if mask & !0o777 != 0 {
            return Err(Error::invalid(format!("umask 0{mask:o}"))
                .with_hint("permission bits only (0 to 0777)"));
        }
        self.proc.umask = Some(mask);
        Ok(())
    }

    /// Starts the program with no_new_privs set: execve can never grant it
    /// privileges (set-user-ID bits and file capabilities are ignored).
    pub(crate) fn set_no_new_privs(&mut self, on: bool) -> Result<()> {
        self.proc.no_new_privs = on;
        Ok(())
    }

    /// Lets the kernel reap the program when it exits (CLONE_AUTOREAP,
    /// 7.1); its status stays readable through its pidfd (PIDFD_GET_INFO).
    pub(crate) fn set_autoreap(&mut self, on: bool) -> Result<()> {
        if on && !crate::sys::features::clone_autoreap() {
            return Err(Error::new(libc::EOPNOTSUPP, "CLONE_AUTOREAP").with_hint(
                "the kernel reaps a child itself from Linux 7.1 (clone3); here, wait for it as usual (waitid with P_PIDFD)",
            ));
        }
        self.proc.autoreap = on;
        if !on {
            self.proc.autokill = false;
        }
        Ok(())
    }

    /// Kills the program when the last descriptor of its pidfd closes
    /// (CLONE_PIDFD_AUTOKILL, 7.1); implies autoreap and no_new_privs
    /// (the kernel requires NNP of unprivileged callers; set for all).
    pub(crate) fn set_autokill(&mut self, on: bool) -> Result<()> {
        if on && !crate::sys::features::clone_autokill() {
            return Err(Error::new(libc::EOPNOTSUPP, "CLONE_PIDFD_AUTOKILL").with_hint(
                "a child that dies with its pidfd needs Linux 7.1 (clone3); here, kill it yourself (ns_spawn_attr_set_pdeathsig ties it to the calling thread)",
            ));
        }
        self.proc.autokill = on;
        if on {
            self.proc.autoreap = true;
            self.proc.no_new_privs = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_check_and_replace() {
        let mut a = SpawnAttr::new();
        assert!(a.set_rlimit(-1, 0, 0).is_err());
        assert!(a.set_rlimit(16, 0, 0).is_err());
        assert!(a.set_rlimit(7, 10, 9).is_err());
        a.set_rlimit(7, 10, 20).unwrap();
        a.set_rlimit(4, 0, 0).unwrap();
        a.set_rlimit(7, 5, RLIM_INFINITY).unwrap();
        assert_eq!(
            a.proc.rlimits,
            [
                Rlimit {
                    resource: 7,
                    soft: 5,
                    hard: RLIM_INFINITY
                },
                Rlimit {
                    resource: 4,
                    soft: 0,
                    hard: 0
                }
            ]
        );
        assert!(a.set_umask(0o1000).is_err());
        a.set_umask(0o027).unwrap();
        assert!(a.set_caps(0, 1).is_err());
        assert!(a.set_caps(0x20, 1).is_err());
        a.set_caps(NS_CAPS_PERMITTED | NS_CAPS_AMBIENT, 1 << 10)
            .unwrap();
        a.set_caps(NS_CAPS_AMBIENT, 1 << 12).unwrap();
        assert_eq!(a.proc.caps.get(NS_CAPS_PERMITTED), Some(1 << 10));
        assert_eq!(a.proc.caps.get(NS_CAPS_AMBIENT), Some(1 << 12));
        assert_eq!(a.proc.caps.get(NS_CAPS_BOUNDING), None);
        // Ambient 12 is not permitted, and not inheritable once that is given.
        assert!(a.proc.check(false).is_err());
        a.set_caps(NS_CAPS_PERMITTED | NS_CAPS_INHERITABLE, 1 << 12)
            .unwrap();
        a.proc.check(false).unwrap();
        a.set_setsid(true).unwrap();
        assert!(a.proc.check(true).is_err());
    }

    #[test]
    fn ids_change_all_or_nothing() {
        let mut a = SpawnAttr::new();
        a.set_ids(Some(5), None, None).unwrap();
        assert!(a.set_ids(Some(6), Some(7), Some(&[1, u32::MAX])).is_err());
        assert_eq!((a.creds.uid, a.creds.gid), (Some(5), None));
        assert!(a.set_ids(None, Some(u32::MAX), None).is_err());
        a.set_ids(None, Some(7), Some(&[])).unwrap();
        assert_eq!(a.creds.uid, Some(5));
        assert_eq!(a.creds.gid, Some(7));
        assert_eq!(a.creds.groups.as_deref(), Some(&[][..]));
    }
}
