//! Process attributes of a spawned program, as bubblewrap and container
//! runtimes set them: ids, session and process group, capability sets,
//! resource limits, a seccomp filter, the umask. Each setter checks its
//! input now; ns_spawn checks the combination.

use std::ffi::{c_int, c_uint};

use super::spawn_attr::set;
use crate::error::Error;
use crate::procattrs::Insn;
use crate::types::ns_spawn_attr;

/// Sets the uid, gid and supplementary groups the program runs with.
///
/// Taken in the child with setgroups, setresgid and setresuid (real,
/// effective and saved ids), after the namespaces, mounts, root, cwd,
/// descriptors, resource limits and bounding set, and before the other
/// capability sets, the umask and the seccomp filter: in the child's final
/// namespaces, so inside a new user namespace these are ids of its maps
/// (with ns_spawn_attr_map_root, 0). Leaving uid 0 clears the program's
/// capabilities unless ns_spawn_attr_set_caps gives some, and clears the
/// parent-death signal, which the library then sets again. Checked whole
/// before anything changes: a refused call changes nothing.
///
/// `uid`: the uid; (uid_t)-1 leaves the uid as set before (by default,
/// the caller's).
///
/// `gid`: the gid; (gid_t)-1 leaves it as set before.
///
/// `groups`: the supplementary groups, `ngroups` of them (copied); NULL
/// leaves them as set before (by default, the caller's); non-NULL with
/// `ngroups` 0 means none. setgroups is refused in a user namespace whose
/// setgroups is denied (as ns_spawn_attr_map_root makes it): leave
/// `groups` NULL there.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `groups` holds (gid_t)-1, `ngroups` is above 65536
///   (NGROUPS_MAX), or `attr` is NULL; from ns_spawn, "child: setresuid
///   (uid N)" or "child: setresgid (gid N)" for an id the child's user
///   namespace does not map.
/// -EPERM: from ns_spawn, the same steps without CAP_SETUID or
///   CAP_SETGID, and "child: setgroups" without CAP_SETGID or with
///   setgroups denied.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_ids(
    attr: *mut ns_spawn_attr,
    uid: libc::uid_t,
    gid: libc::gid_t,
    groups: *const libc::gid_t,
    ngroups: usize,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_ids", attr, |a| {
            let groups = if groups.is_null() {
                None
            } else {
                // Refused before a slice of that length is made.
                crate::spawn::attr::check_group_count(ngroups)?;
                Some(super::arg_slice(groups, ngroups, "groups")?)
            };
            let keep = |id: u32| (id != u32::MAX).then_some(id);
            a.set_ids(keep(uid), keep(gid), groups)
        })
    }
}

/// Starts the program in a new session (setsid).
///
/// The child becomes the leader of a new session and of a new process
/// group, both with its pid, and has no controlling terminal, so it
/// cannot inject input into the caller's terminal (TIOCSTI), as
/// bubblewrap's --new-session. Done right after the namespaces are
/// created, beside the process group (whether the uid/gid maps come before
/// or after depends on who writes them; neither depends on the other), and
/// before the hostname, mounts, root, cwd, descriptors, limits, ids,
/// capabilities, umask and seccomp filter. A session leader cannot change
/// its process group: ns_spawn refuses it together with
/// ns_spawn_attr_set_pgid.
///
/// `on`: non-zero for a new session; 0, the default, for the caller's.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` is NULL. From ns_spawn: -EINVAL with
///   ns_spawn_attr_set_pgid ("setsid and process group").
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_setsid(attr: *mut ns_spawn_attr, on: c_int) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { set("ns_spawn_attr_set_setsid", attr, |a| a.set_setsid(on != 0)) }
}

/// Puts the program into a process group (setpgid).
///
/// setpgid(0, pgid) in the child, first thing after its namespaces are
/// created (before the hostname, mounts, descriptors, ids and the rest;
/// the uid/gid maps may come before or after), so a job-control shell can
/// wait for and signal the group.
/// Replaces an earlier call. Not with ns_spawn_attr_set_setsid.
///
/// `pgid`: an existing process group of the caller's session, or 0 for a
/// new group whose id is the program's pid. In a new PID namespace only 0
/// works (the caller's groups are not visible there).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `pgid` is negative, or `attr` is NULL; from ns_spawn,
///   together with ns_spawn_attr_set_setsid.
/// -EPERM: from ns_spawn, "child: setpgid" for a group of another session
///   or none such.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_pgid(
    attr: *mut ns_spawn_attr,
    pgid: libc::pid_t,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_pgid", attr, |a| {
            a.set_process_group(pgid)
        })
    }
}

/// Sets capability sets of the program.
///
/// Each set named in `which` becomes `caps`; a later call replaces the
/// sets it names; a set never named is left as the kernel leaves it. In
/// the child, in this order: (1) NS_CAPS_BOUNDING, after the descriptors
/// and resource limits and before the ids change: every capability
/// outside `caps` is dropped (PR_CAPBSET_DROP, which needs CAP_SETPCAP);
/// ones already dropped stay so, and none is ever added. (2) When any of
/// the other sets is named, PR_SET_KEEPCAPS, so that leaving uid 0 keeps
/// the permitted set. (3) groups, gid, uid (ns_spawn_attr_set_ids). (4)
/// NS_CAPS_PERMITTED, NS_CAPS_EFFECTIVE, NS_CAPS_INHERITABLE with one
/// capset; a set not named keeps its value after the uid change (leaving
/// uid 0 empties the effective set). (5) NS_CAPS_AMBIENT: cleared, then
/// each capability raised (PR_CAP_AMBIENT). Then the umask, the signal
/// reset, no_new_privs and the seccomp filter, and exec.
///
/// Across exec (capabilities(7)): a program that runs as uid 0 gets
/// permitted = effective = bounding set + inheritable set, so for it the
/// bounding set is the limit; a program under another uid gets permitted
/// = effective = its ambient set (a set-uid, set-gid or file-capability
/// program loses the ambient set instead, and gains nothing under
/// no_new_privs). The bounding and inheritable sets are kept. So a
/// non-root program keeps capabilities C with NS_CAPS_PERMITTED |
/// NS_CAPS_EFFECTIVE | NS_CAPS_INHERITABLE | NS_CAPS_AMBIENT and C (the
/// Rust API's keep_caps), and a root program is limited to C with
/// NS_CAPS_BOUNDING and C.
///
/// `which`: an OR of NS_CAPS_BOUNDING, NS_CAPS_PERMITTED,
/// NS_CAPS_EFFECTIVE, NS_CAPS_INHERITABLE, NS_CAPS_AMBIENT.
///
/// `caps`: bit n for capability n, as linux/capability.h numbers them
/// (CAP_NET_BIND_SERVICE is 10); 0 for none.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `which` is 0 or has other bits, `caps` names a
///   capability this kernel does not have (above
///   /proc/sys/kernel/cap_last_cap), or `attr` is NULL; from ns_spawn,
///   before anything starts, when the sets given contradict the kernel's
///   rules (effective outside permitted, ambient outside permitted or
///   inheritable).
/// -EPERM: from ns_spawn: "child: drop from the bounding set (capability
///   N)" without CAP_SETPCAP, "child: capset (permitted, effective,
///   inheritable)" for capabilities the child does not have, "child: raise
///   ambient capability (capability N)" for one not permitted and
///   inheritable.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any; ambient capabilities need 4.3.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_caps(
    attr: *mut ns_spawn_attr,
    which: c_uint,
    caps: u64,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { set("ns_spawn_attr_set_caps", attr, |a| a.set_caps(which, caps)) }
}

/// Sets a resource limit of the program.
///
/// prlimit64 in the child, after the descriptors and before the bounding
/// set and the ids change (so a privileged caller may raise hard limits),
/// for each resource in the order first set. Repeatable: once per
/// resource, a later call replacing it. The limits are in force for the
/// rest of the child's setup too (RLIMIT_AS can make execve fail).
///
/// `resource`: one of RLIMIT_* (sys/resource.h), 0 to 15.
///
/// `rl`: the soft and hard limits (copied); RLIM_INFINITY for none. On
/// 32-bit systems the fields are read as the library's rlim_t (32 bits:
/// a caller compiled with _FILE_OFFSET_BITS=64 has 64-bit ones).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `resource` is not one, `rl` is NULL, its soft limit is
///   above its hard limit, or `attr` is NULL.
/// -EPERM: from ns_spawn, "child: setrlimit (resource N)", when the hard
///   limit is raised without CAP_SYS_RESOURCE in the initial user
///   namespace (a new user namespace does not give it; lowering always
///   works), or RLIMIT_NOFILE above /proc/sys/fs/nr_open.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any (prlimit64, 2.6.36).
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_rlimit(
    attr: *mut ns_spawn_attr,
    resource: c_int,
    rl: *const libc::rlimit,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_rlimit", attr, |a| {
            // NULL or a struct rlimit, per the contract.
            let rl = rl
                .as_ref()
                .ok_or_else(|| Error::invalid("rl").with_hint("NULL"))?;
            // A 32-bit rlim_t says infinity with all ones too (and needs
            // the conversion that is the identity on 64-bit systems).
            #[allow(clippy::useless_conversion)]
            let wide = |v: libc::rlim_t| {
                if v == libc::RLIM_INFINITY {
                    u64::MAX
                } else {
                    u64::from(v)
                }
            };
            a.set_rlimit(resource, wide(rl.rlim_cur), wide(rl.rlim_max))
        })
    }
}

/// Sets a seccomp filter for the program.
///
/// A classic BPF program over struct seccomp_data (linux/seccomp.h),
/// checked now as the kernel will check it (the instructions seccomp
/// allows, loads inside struct seccomp_data, 32-bit aligned, jumps inside
/// the program, scratch memory written before it is read, a return last)
/// and copied. Replaces an earlier filter.
///
/// In the child it is installed last: after the namespaces, mounts,
/// descriptors, limits, ids, capabilities, umask and the signal reset,
/// right before execve, so it sees execve and nothing of the library's
/// before it: prctl(PR_SET_NO_NEW_PRIVS, 1), then seccomp(2) with
/// SECCOMP_SET_MODE_FILTER. no_new_privs is always set with a filter: the
/// kernel takes a filter without it only from a process with CAP_SYS_ADMIN
/// in its user namespace, which the program has mostly lost by then (ids,
/// capability sets), and it keeps set-uid, set-gid and file-capability
/// programs from gaining privileges under a filter they do not expect (as
/// bubblewrap). It stacks on the caller's own filters, which the child
/// inherits. A filter that refuses execve makes ns_spawn fail with its
/// errno ("child: execve"); a failed execve is reported with write(2) and
/// the child ends with exit_group(2), so a filter must let those through
/// (or a failed execve goes unreported: ns_spawn succeeds and the child
/// exits with status 127). With ns_spawn_fn the filter is installed before
/// the function runs, and also sees the library's last two close(2) and
/// rt_sigprocmask(2).
///
/// `filter`: `len` instructions (struct sock_filter, linux/filter.h).
///
/// `len`: 1 to 4096 (BPF_MAXINSNS).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `filter` or `attr` is NULL, `len` is 0 or above 4096,
///   or an instruction is refused (ns_last_error names it and why); from
///   ns_spawn, "child: install seccomp filter", on a kernel without
///   seccomp filters (CONFIG_SECCOMP_FILTER).
/// -ENOMEM: from ns_spawn, "child: install seccomp filter", when the
///   process's filters together would pass the kernel's 32768
///   instructions.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: seccomp(2) 3.17; where a filter refuses it (ENOSYS), and with
/// LINUXNS_FORCE_FALLBACK=1, prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)
/// (3.5) installs the same filter.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_seccomp(
    attr: *mut ns_spawn_attr,
    filter: *const libc::sock_filter,
    len: std::ffi::c_ushort,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_seccomp", attr, |a| {
            let prog = super::arg_slice(filter.cast::<Insn>(), len.into(), "filter")?;
            a.set_seccomp(prog)
        })
    }
}

/// Sets the program's umask.
///
/// umask(2) in the child after the ids and capability sets, before the
/// signal reset, the seccomp filter and exec.
///
/// `mask`: permission bits, 0 to 0777.
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `mask` has bits outside 0777, or `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: any.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_umask(
    attr: *mut ns_spawn_attr,
    mask: libc::mode_t,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { set("ns_spawn_attr_set_umask", attr, |a| a.set_umask(mask)) }
}

/// Starts the program with no_new_privs set.
///
/// With no_new_privs, execve never grants privileges: set-user-ID and
/// set-group-ID bits and file capabilities are ignored, for the program
/// and everything it runs (the flag is inherited and cannot be cleared).
/// A seccomp filter (ns_spawn_attr_set_seccomp) sets it as well.
///
/// `on`: non-zero to set it, 0 not to (the default).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EINVAL: when `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: clone3's CLONE_NNP (7.1) sets it as the program's process is
/// created, when the caller clones it directly (no joins, time offsets);
/// on every kernel (and with LINUXNS_FORCE_FALLBACK=1, and through
/// clone(2) where a filter refuses clone3) the child also sets it with
/// prctl(PR_SET_NO_NEW_PRIVS) (3.5) after the ids, capabilities and umask,
/// right before the seccomp filter and exec.
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_no_new_privs(
    attr: *mut ns_spawn_attr,
    on: c_int,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_no_new_privs", attr, |a| {
            a.set_no_new_privs(on != 0)
        })
    }
}

/// Lets the kernel reap the program when it exits.
///
/// The program never becomes a zombie and sends no exit signal (SIGCHLD);
/// waitpid and waitid cannot wait for it (ECHILD). Its pidfd (from
/// ns_spawn) becomes readable when it exits, and ns_pidfd_status then
/// gives its wait status (PIDFD_GET_INFO). A runtime that reaps every
/// child (a waitpid(-1) loop) never sees it.
///
/// `on`: non-zero to ask for it, 0 not to (the default; also clears
/// ns_spawn_attr_set_autokill).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EOPNOTSUPP: when `on` is non-zero and the kernel has no
///   CLONE_AUTOREAP (before Linux 7.1, clone3 refused by a filter, and
///   with LINUXNS_FORCE_FALLBACK=1): there is no fallback, wait for the
///   program as usual; from ns_spawn, with joins that need an
///   intermediate process (see ns_spawn), ns_spawn_attr_set_time_offset
///   or a joined time namespace (the kernel reaps only a child cloned by
///   the caller itself).
/// -EINVAL: when `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: clone3's CLONE_AUTOREAP (7.1), probed once per process
/// (ns_features, NS_FEATURE_CLONE_AUTOREAP).
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_autoreap(attr: *mut ns_spawn_attr, on: c_int) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_autoreap", attr, |a| {
            a.set_autoreap(on != 0)
        })
    }
}

/// Kills the program when the last descriptor of its pidfd closes.
///
/// The pidfd ns_spawn returns is then the program's lifeline: closing it
/// (and every duplicate, in any process it was sent to) sends the program
/// SIGKILL, and so does the caller's exit or execve (the pidfd is
/// close-on-exec). Implies ns_spawn_attr_set_autoreap (the kernel's rule),
/// so the status comes from ns_pidfd_status, and
/// ns_spawn_attr_set_no_new_privs (the kernel requires it of a caller
/// without CAP_SYS_ADMIN; the library sets it for every caller, so that
/// the outcome does not depend on the caller's privileges).
///
/// `on`: non-zero to ask for it, 0 not to (the default).
///
/// Returns: 0, or a negative errno.
///
/// Errors:
/// -EOPNOTSUPP: when `on` is non-zero and the kernel has no
///   CLONE_PIDFD_AUTOKILL (before Linux 7.1, clone3 refused by a filter,
///   and with LINUXNS_FORCE_FALLBACK=1): there is no fallback, end the
///   program yourself (ns_spawn_attr_set_pdeathsig ties it to the calling
///   thread); from ns_spawn, as for ns_spawn_attr_set_autoreap.
/// -EINVAL: when `attr` is NULL.
///
/// Thread safety: changes only the attribute object. An ns_spawn_attr may
/// be used by any number of threads at once for spawning (ns_spawn,
/// ns_spawn_fn), but this setter must not run concurrently with any use of
/// the same attr (another setter, a spawn, ns_spawn_attr_free).
/// ns_last_error is per thread.
///
/// Kernel: clone3's CLONE_PIDFD_AUTOKILL (7.1), probed once per process
/// (ns_features, NS_FEATURE_CLONE_PIDFD_AUTOKILL).
#[no_mangle]
pub unsafe extern "C" fn ns_spawn_attr_set_autokill(attr: *mut ns_spawn_attr, on: c_int) -> c_int {
    // SAFETY: per this function's contract.
    unsafe {
        set("ns_spawn_attr_set_autokill", attr, |a| {
            a.set_autokill(on != 0)
        })
    }
}
