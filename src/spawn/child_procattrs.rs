//! CHILD SIDE (see child.rs for the rules): the process attributes of
//! crate::procattrs, applied between clone and exec. Raw system calls
//! only; no allocation, no panics.
//!
//! Where each goes (child.rs calls them): setsid beside setpgid, right
//! after the namespaces exist; resource limits and the bounding set after
//! the descriptors, while the child still has the caller's privileges;
//! PR_SET_KEEPCAPS before and the other sets right after the uid change
//! (set_creds); the umask after it; no_new_privs and the seccomp filter
//! last, after the signal reset, right before execve (or the function).

use super::child_ops::*;
use super::plan::{Plan, Step};
use super::procplan::ProcPlan;
use crate::sys::consts::LINUX_CAPABILITY_VERSION_3;
use crate::sys::procattrs::*;
use crate::sys::raw::syscall;
use crate::types::*;

/// The process attributes of the plan.
fn attrs(plan: &Plan) -> &ProcPlan {
    // SAFETY: never NULL, owned by the prepared spawn, which outlives us.
    unsafe { &*plan.proc }
}

/// setsid(2): a new session and process group, led by the child.
pub(crate) unsafe fn new_session(plan: &Plan) -> Res {
    if !attrs(plan).setsid {
        return Ok(());
    }
    // SAFETY: no arguments.
    check(Step::Setsid, unsafe { syscall(libc::SYS_setsid, &[]) })
}

/// prlimit64(0, resource, {soft, hard}, NULL) for each limit, in order.
pub(crate) unsafe fn apply_rlimits(plan: &Plan) -> Res {
    let p = attrs(plan);
    // SAFETY: the parent prepared nrlimits entries.
    for l in unsafe { slice(p.rlimits, p.nrlimits) } {
        // struct rlimit64: rlim_cur, rlim_max.
        let new: [u64; 2] = [l.soft, l.hard];
        let args = [0, l.resource as usize, new.as_ptr() as usize, 0];
        // SAFETY: `new` outlives the call; the old value is not asked for.
        let r = unsafe { syscall(libc::SYS_prlimit64, &args) };
        check_arg(Step::Rlimit, r, l.resource as i32)?;
    }
    Ok(())
}

/// Drops every capability outside the planned bounding set (needs
/// CAP_SETPCAP); those already dropped are left alone, so an unprivileged
/// child can ask for the set it has.
pub(crate) unsafe fn drop_bounding(plan: &Plan) -> Res {
    let Some(bounding) = attrs(plan).caps.get(NS_CAPS_BOUNDING) else {
        return Ok(());
    };
    for cap in 0..64usize {
        if bounding & (1u64 << cap) != 0 {
            continue;
        }
        // SAFETY: read-only prctl.
        let r = unsafe { syscall(libc::SYS_prctl, &[PR_CAPBSET_READ, cap]) };
        if r == -(libc::EINVAL as isize) {
            // Past the last capability of this kernel.
            break;
        }
        check_arg(Step::Bounding, r, cap as i32)?;
        if r == 1 {
            // SAFETY: plain prctl.
            let r = unsafe { syscall(libc::SYS_prctl, &[PR_CAPBSET_DROP, cap]) };
            check_arg(Step::Bounding, r, cap as i32)?;
        }
    }
    Ok(())
}

/// The sets that capset and PR_CAP_AMBIENT set after the uid change.
const AFTER_UID: u32 =
    NS_CAPS_PERMITTED | NS_CAPS_EFFECTIVE | NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT;

/// PR_SET_KEEPCAPS before the uid change when sets are to be set after
/// it: leaving uid 0 would clear the permitted set (the kernel resets the
/// flag at exec).
pub(crate) unsafe fn keep_caps_over_uid_change(plan: &Plan) -> Res {
    if attrs(plan).caps.given & AFTER_UID == 0 {
        return Ok(());
    }
    let args = [libc::PR_SET_KEEPCAPS as usize, 1];
    // SAFETY: plain prctl.
    check(Step::Caps, unsafe { syscall(libc::SYS_prctl, &args) })
}

/// The permitted, effective and inheritable sets given (capset, the
/// others read first with capget), then the ambient set (cleared, then
/// raised capability by capability).
pub(crate) unsafe fn set_cap_sets(plan: &Plan) -> Res {
    let c = &attrs(plan).caps;
    let pei = NS_CAPS_PERMITTED | NS_CAPS_EFFECTIVE | NS_CAPS_INHERITABLE;
    if c.given & pei != 0 {
        // _LINUX_CAPABILITY_VERSION_3: a header, then two words of struct
        // __user_cap_data_struct {effective, permitted, inheritable}.
        let header: [u32; 2] = [LINUX_CAPABILITY_VERSION_3, 0];
        let mut data = [0u32; 6];
        if c.given & pei != pei {
            let args = [header.as_ptr() as usize, data.as_mut_ptr() as usize];
            // SAFETY: data has room for both words.
            check(Step::CapSets, unsafe { syscall(libc::SYS_capget, &args) })?;
        }
        for (set, at) in [
            (NS_CAPS_EFFECTIVE, 0usize),
            (NS_CAPS_PERMITTED, 1),
            (NS_CAPS_INHERITABLE, 2),
        ] {
            if let Some(v) = c.get(set) {
                if let Some(lo) = data.get_mut(at) {
                    *lo = v as u32;
                }
                if let Some(hi) = data.get_mut(at + 3) {
                    *hi = (v >> 32) as u32;
                }
            }
        }
        let args = [header.as_ptr() as usize, data.as_ptr() as usize];
        // SAFETY: header and data as capset(2) reads them.
        check(Step::CapSets, unsafe { syscall(libc::SYS_capset, &args) })?;
    }
    if let Some(ambient) = c.get(NS_CAPS_AMBIENT) {
        let clear = [PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0];
        // SAFETY: plain prctl.
        check(Step::Ambient, unsafe { syscall(libc::SYS_prctl, &clear) })?;
        for cap in 0..64usize {
            if ambient & (1u64 << cap) == 0 {
                continue;
            }
            let raise = [PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0];
            // SAFETY: plain prctl.
            let r = unsafe { syscall(libc::SYS_prctl, &raise) };
            check_arg(Step::Ambient, r, cap as i32)?;
        }
    }
    Ok(())
}

/// umask(2), which cannot fail.
pub(crate) unsafe fn apply_umask(plan: &Plan) {
    let mask = attrs(plan).umask;
    if mask >= 0 {
        // SAFETY: plain system call.
        unsafe { syscall(libc::SYS_umask, &[mask as usize]) };
    }
}

/// no_new_privs (asked for, or for a filter), then the seccomp filter: seccomp(2), or prctl where that
/// is filtered (planned, or found now: ENOSYS).
pub(crate) unsafe fn install_seccomp(plan: &Plan) -> Res {
    let p = attrs(plan);
    if p.filter.is_null() && !p.no_new_privs {
        return Ok(());
    }
    // Set even when the clone set it (CLONE_NNP): one call, and right
    // whichever clone ran.
    // SAFETY: plain prctl.
    let r = unsafe { syscall(libc::SYS_prctl, &[PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0]) };
    check(Step::NoNewPrivs, r)?;
    if p.filter.is_null() {
        return Ok(());
    }
    let prog = libc::sock_fprog {
        len: p.nfilter,
        filter: p.filter as *mut libc::sock_filter,
    };
    let prog = &prog as *const libc::sock_fprog as usize;
    if !p.seccomp_prctl {
        // SAFETY: prog points at nfilter instructions the parent checked.
        let r = unsafe { syscall(libc::SYS_seccomp, &[SECCOMP_SET_MODE_FILTER, 0, prog]) };
        if r != -(libc::ENOSYS as isize) {
            return check(Step::Seccomp, r);
        }
    }
    let args = [PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog];
    // SAFETY: as above.
    check(Step::Seccomp, unsafe { syscall(libc::SYS_prctl, &args) })
}
