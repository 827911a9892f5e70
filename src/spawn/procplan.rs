//! The process attributes of crate::procattrs as the child reads them:
//! plain values and pointers into the attribute's own vectors, which
//! outlive the spawn (the attribute is borrowed for the whole of it).

use crate::procattrs::{CapValues, Insn, ProcAttrs, Rlimit};
use crate::sys::features;

/// See [`super::plan::Plan::proc`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProcPlan {
    pub setsid: bool,
    /// The capability sets given (the bounding set among them).
    pub caps: CapValues,
    /// prlimit64 for each, in order.
    pub rlimits: *const Rlimit,
    pub nrlimits: usize,
    /// umask(2); -1: leave it.
    pub umask: i32,
    /// The seccomp filter; NULL: none.
    pub filter: *const Insn,
    pub nfilter: u16,
    /// Install it with prctl(PR_SET_SECCOMP) (seccomp(2) filtered, or the
    /// fallback forced).
    pub seccomp_prctl: bool,
    /// prctl(PR_SET_NO_NEW_PRIVS) before exec, without a filter too.
    pub no_new_privs: bool,
}

impl ProcPlan {
    /// Nothing changed: ProcAttrs::default()'s plan, without a box.
    pub(crate) fn plain() -> ProcPlan {
        ProcPlan {
            setsid: false,
            caps: CapValues::default(),
            rlimits: std::ptr::null(),
            nrlimits: 0,
            umask: -1,
            filter: std::ptr::null(),
            nfilter: 0,
            seccomp_prctl: false,
            no_new_privs: false,
        }
    }

    /// Boxed: the plan holds a pointer to it.
    pub(crate) fn of(p: &ProcAttrs) -> Box<ProcPlan> {
        let has_filter = !p.seccomp.is_empty();
        Box::new(ProcPlan {
            setsid: p.setsid,
            caps: p.caps,
            rlimits: p.rlimits.as_ptr(),
            nrlimits: p.rlimits.len(),
            umask: p.umask.map_or(-1, |m| m as i32),
            filter: if has_filter {
                p.seccomp.as_ptr()
            } else {
                std::ptr::null()
            },
            // At most BPF_MAXINSNS (4096), checked by the setter.
            nfilter: p.seccomp.len() as u16,
            seccomp_prctl: has_filter && !features::seccomp_syscall(),
            no_new_privs: p.no_new_privs,
        })
    }
}
