//! The parent's preparations for a spawn: stacks, pipes, the program path,
//! joins, maps the child may write itself, blocked signals.

use std::ffi::{c_void, CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicPtr, Ordering};

use super::attr::{MapSpec, SpawnAttr};
use super::plan::{FdOp, RawJoin};
use crate::error::{Error, Result};
use crate::handles::{is_namespace, is_own, open_pidfd};
use crate::sys::{self, consts::*, features, raw, Fd};
use crate::types::*;

const STACK_SIZE: usize = 256 * 1024;
const GUARD: usize = 4096;

/// An mmap'd child stack with a guard page below it. Two are kept for the
/// next spawn (one with an intermediate process uses two), so the common
/// case costs no mmap, no munmap and no page faults.
pub(crate) struct Stack {
    pub base: *mut c_void,
    pub len: usize,
}

static SPARE_STACKS: [AtomicPtr<c_void>; 2] = [
    AtomicPtr::new(std::ptr::null_mut()),
    AtomicPtr::new(std::ptr::null_mut()),
];

impl Stack {
    pub(crate) fn get() -> Result<Stack> {
        for slot in &SPARE_STACKS {
            let spare = slot.swap(std::ptr::null_mut(), Ordering::Acquire);
            if !spare.is_null() {
                return Ok(Stack {
                    base: spare,
                    len: STACK_SIZE,
                });
            }
        }
        let base = sys::process::map_stack(STACK_SIZE, GUARD)
            .map_err(|e| Error::io(e, "mmap child stack"))?;
        Ok(Stack {
            base,
            len: STACK_SIZE,
        })
    }

    /// 16-byte aligned top.
    pub(crate) fn top(&self) -> usize {
        (self.base as usize + self.len) & !15
    }
}

impl Drop for Stack {
    /// Only once no child uses it any more: kept as the spare, or unmapped.
    fn drop(&mut self) {
        let kept = SPARE_STACKS.iter().any(|slot| {
            slot.compare_exchange(
                std::ptr::null_mut(),
                self.base,
                Ordering::Release,
                Ordering::Relaxed,
            )
            .is_ok()
        });
        if !kept {
            // SAFETY: our own mapping, which no child uses any more.
            unsafe { sys::process::unmap(self.base, self.len) };
        }
    }
}

/// Moves an internal descriptor off the numbers `avoid` lists (the
/// child's dup2 targets), so the child's shuffle cannot overwrite it. Above
/// them where the descriptor limit allows, else at the lowest free number
/// that is not one of them.
pub(crate) fn avoid_numbers(fd: Fd, avoid: &[RawFd]) -> Result<Fd> {
    if !avoid.contains(&fd.as_raw_fd()) {
        return Ok(fd);
    }
    let above = avoid.iter().copied().max().unwrap_or(0).saturating_add(1);
    let step = || "fcntl F_DUPFD_CLOEXEC";
    match sys::dup_min(fd.as_raw_fd(), above) {
        Ok(n) => return Ok(n),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::EMFILE)) => {}
        Err(e) => return Err(Error::io(e, step())),
    }
    // Held until we return, so each try lands on a new number.
    let mut tried = Vec::new();
    loop {
        let n = sys::dup_min(fd.as_raw_fd(), 0).map_err(|e| Error::io(e, step()))?;
        if !avoid.contains(&n.as_raw_fd()) {
            return Ok(n);
        }
        tried.push(n);
    }
}

/// The descriptor shuffle for `set_fd`'s (child_fd, parent_fd) pairs, as a
/// parallel assignment: every parent_fd is read as the caller had it.
pub(crate) fn fd_program(pairs: &[(RawFd, RawFd)]) -> Vec<FdOp> {
    #[derive(Clone, Copy, PartialEq)]
    enum Src {
        Fd(RawFd),
        Temp,
    }
    let mut ops = Vec::new();
    let mut pending: Vec<(RawFd, Src)> = Vec::new();
    for &(child, parent) in pairs {
        if parent < 0 {
            continue;
        }
        if child == parent {
            ops.push(FdOp::Keep { fd: child });
        } else {
            pending.push((child, Src::Fd(parent)));
        }
    }
    let mut temp_open = false;
    while !pending.is_empty() {
        // A target nobody still reads can be written now.
        let free = pending
            .iter()
            .position(|&(t, _)| !pending.iter().any(|&(_, s)| s == Src::Fd(t)));
        match free {
            Some(i) => {
                let (to, src) = pending.remove(i);
                ops.push(match src {
                    Src::Fd(from) => FdOp::Dup { from, to },
                    Src::Temp => FdOp::FromTemp { to },
                });
            }
            None => {
                // Only cycles are left: save one target's old value.
                if temp_open {
                    ops.push(FdOp::CloseTemp);
                }
                let t = pending[0].0;
                ops.push(FdOp::SaveTemp { from: t });
                temp_open = true;
                for p in pending.iter_mut() {
                    if p.1 == Src::Fd(t) {
                        p.1 = Src::Temp;
                    }
                }
            }
        }
    }
    if temp_open {
        ops.push(FdOp::CloseTemp);
    }
    for &(child, parent) in pairs {
        if parent < 0 {
            ops.push(FdOp::Close { fd: child });
        }
    }
    ops
}

/// Is clone3 usable here? Probed once with an invalid size: EINVAL means
/// it exists, ENOSYS (old kernel or a seccomp filter) that it does not.
pub(crate) fn have_clone3() -> bool {
    features::CLONE3.get_or_probe(|| {
        // SAFETY: size 0 is refused before anything is created.
        let r = unsafe { raw::syscall(SYS_CLONE3, &[0, 0]) };
        r != -(libc::ENOSYS as isize)
    })
}

/// Looks `path` up in PATH when it has no '/'.
pub(crate) fn resolve(path: &CStr) -> Result<CString> {
    let bytes = path.to_bytes();
    if bytes.is_empty() {
        return Err(Error::new(libc::ENOENT, "path").with_hint("empty"));
    }
    if bytes.contains(&b'/') {
        return Ok(path.to_owned());
    }
    search_path(bytes, true)?.ok_or_else(|| {
        Error::new(libc::ENOENT, format!("{}", path.to_string_lossy()))
            .with_hint("not found in PATH")
    })
}

/// PATH when the environment has none.
pub(crate) const DEFAULT_PATH: &str =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The first executable regular file `name` in the directories of PATH, as
/// an absolute path. A relative entry ("", ".", "bin") names a directory
/// of the caller's cwd (the child runs the file found there, whatever
/// set_cwd says); with `relative` false such entries are skipped (for the
/// set-uid helpers the library runs itself).
pub(crate) fn search_path(bytes: &[u8], relative: bool) -> Result<Option<CString>> {
    let paths = std::env::var_os("PATH").unwrap_or_else(|| DEFAULT_PATH.into());
    let mut cwd: Option<Vec<u8>> = None;
    for dir in std::env::split_paths(&paths) {
        let mut cand = dir.into_os_string().into_encoded_bytes();
        if cand.first() != Some(&b'/') {
            if !relative {
                continue;
            }
            if cwd.is_none() {
                let here = std::env::current_dir()
                    .map_err(|e| Error::io(e, "getcwd (for a relative PATH entry)"))?;
                cwd = Some(here.into_os_string().into_encoded_bytes());
            }
            let mut abs = cwd.clone().unwrap_or_default();
            if !cand.is_empty() && cand != b"." {
                abs.push(b'/');
                abs.extend_from_slice(&cand);
            }
            cand = abs;
        }
        cand.push(b'/');
        cand.extend_from_slice(bytes);
        let Ok(c) = CString::new(cand) else { continue };
        let ok = sys::fs::stat(&c).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFREG)
            && sys::fs::access(&c, libc::X_OK).is_ok();
        if ok {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

pub(crate) fn time_offsets_text(offsets: &[(libc::clockid_t, i64, i64)]) -> Vec<u8> {
    let mut s = String::new();
    for &(clock, sec, nsec) in offsets {
        s.push_str(&crate::timens::offset_line(clock, sec, nsec));
    }
    s.into_bytes()
}

/// The joins as the child performs them, user namespaces first when we are
/// unprivileged (to gain rights over the others), last when privileged (to
/// keep ours). Joining the user namespace the caller is in is a no-op (the
/// kernel would refuse it), so it is dropped here, at spawn time, as
/// ns_setns does.
pub(crate) fn prepare_joins(attr: &SpawnAttr) -> Result<Vec<RawJoin>> {
    let user = crate::types::USER;
    let mut out = Vec::with_capacity(attr.joins.len());
    for (i, j) in attr.joins.iter().enumerate() {
        // The attribute's own copy: errors name the join, not its number.
        let fd = j.fd.as_raw_fd();
        let mut types = j.types;
        if j.covers & NS_USER != 0 && !j.pooled {
            let target = if is_namespace(fd)? {
                None
            } else {
                let opened = Fd::track(|| open_pidfd(fd, NS_USER));
                Some(opened.map_err(|e| e.with_step(format!("user namespace of join {i}")))?)
            };
            let target_fd = target.as_ref().map_or(fd, |t| t.as_raw_fd());
            // SAFETY: target_fd is open for the duration of this call.
            if is_own(unsafe { BorrowedFd::borrow_raw(target_fd) }, user)? {
                if target.is_none() {
                    continue;
                }
                types &= !NS_USER;
            }
        }
        let is_user = types & NS_USER != 0 || (types == 0 && j.covers == NS_USER);
        out.push(RawJoin { fd, types, is_user });
    }
    if out.len() > 1 {
        let privileged = sys::process::geteuid() == 0;
        out.sort_by_key(|j| j.is_user == privileged);
    }
    Ok(out)
}

/// Joins the program's process may make itself, then create the new types
/// with unshare(2) (no calling-thread joins, no intermediate): none of PID
/// or time (they apply to children only), no new PID or time namespace,
/// and no type both joined and new.
pub(crate) fn children_join(attr: &SpawnAttr) -> bool {
    let (joined, new) = (attr.joined_types(), attr.new_types);
    joined & !(NS_NET | NS_UTS | NS_IPC | NS_CGROUP | NS_MNT | NS_USER) == 0
        && new & (NS_PID | NS_TIME) == 0
        && new & joined == 0
}

pub(crate) fn propagation_flag(attr: &SpawnAttr) -> libc::c_ulong {
    if attr.new_types & NS_MNT == 0 {
        return 0;
    }
    match attr.propagation.unwrap_or(NS_PROPAGATION_PRIVATE) {
        NS_PROPAGATION_SLAVE => libc::MS_SLAVE,
        NS_PROPAGATION_SHARED => libc::MS_SHARED,
        NS_PROPAGATION_UNCHANGED => 0,
        _ => libc::MS_PRIVATE,
    }
}

/// Texts of maps the child may write for itself: the kernel lets a process
/// in a new user namespace map its own euid/egid (one id), the gid only
/// with setgroups denied. None when the parent must write them.
#[derive(Clone)]
pub(crate) struct SelfMaps {
    pub setgroups: &'static [u8],
    pub gid: Vec<u8>,
    pub uid: Vec<u8>,
}

/// "INSIDE OUTSIDE 1\n", the line of a single-id map (digits written by
/// hand: no formatting machinery on a spawn's path).
fn single_id_line(inside: u32, outside: u32) -> Vec<u8> {
    fn push_decimal(out: &mut Vec<u8>, mut n: u32) {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend_from_slice(&digits[i..]);
    }
    let mut line = Vec::with_capacity(24);
    push_decimal(&mut line, inside);
    line.push(b' ');
    push_decimal(&mut line, outside);
    line.extend_from_slice(b" 1\n");
    line
}

pub(crate) fn self_maps(attr: &SpawnAttr) -> Option<SelfMaps> {
    let (euid, egid) = (sys::process::geteuid(), sys::process::getegid());
    let own = |spec: &Option<MapSpec>, id: u32, need_deny: bool| -> Option<Vec<u8>> {
        match spec {
            None => Some(Vec::new()),
            Some(s) => {
                let single = s.map.len() == 1 && s.map[0].count == 1 && s.map[0].outside == id;
                let flags_ok = s.flags & NS_MAP_USE_HELPER == 0
                    && (!need_deny || s.flags & NS_MAP_DENY_SETGROUPS != 0);
                (single && flags_ok).then(|| single_id_line(s.map[0].inside, id))
            }
        }
    };
    let uid = own(&attr.uid_map, euid, false)?;
    let gid = own(&attr.gid_map, egid, true)?;
    let deny = attr
        .gid_map
        .as_ref()
        .is_some_and(|g| g.flags & NS_MAP_DENY_SETGROUPS != 0);
    Some(SelfMaps {
        setgroups: if deny { b"deny" } else { b"" },
        gid,
        uid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_id_lines() {
        for (i, o) in [
            (0, 0),
            (0, 1000),
            (7, 65534),
            (4294967294, 4294967295),
            (10, 9),
        ] {
            assert_eq!(single_id_line(i, o), format!("{i} {o} 1\n").into_bytes());
        }
    }
    use std::collections::BTreeMap;

    /// Runs a program on a model descriptor table (fd -> what it names),
    /// taking the temporary at the lowest free number, as the child does.
    fn run(table: &BTreeMap<RawFd, u32>, ops: &[FdOp]) -> BTreeMap<RawFd, u32> {
        let mut t = table.clone();
        let mut temp = -1;
        for op in ops {
            match *op {
                FdOp::Dup { from, to } => {
                    let v = t[&from];
                    t.insert(to, v);
                }
                FdOp::Keep { fd } => assert!(t.contains_key(&fd)),
                FdOp::SaveTemp { from } => {
                    temp = (0..).find(|n| !t.contains_key(n)).unwrap();
                    let v = t[&from];
                    t.insert(temp, v);
                }
                FdOp::FromTemp { to } => {
                    let v = t[&temp];
                    t.insert(to, v);
                }
                FdOp::CloseTemp => {
                    t.remove(&temp);
                }
                FdOp::Close { fd } => {
                    t.remove(&fd);
                }
            }
        }
        t
    }

    /// What set_fd promises: every target gets its source as the caller
    /// had it; every other descriptor is unchanged.
    fn expected(table: &BTreeMap<RawFd, u32>, pairs: &[(RawFd, RawFd)]) -> BTreeMap<RawFd, u32> {
        let mut t = table.clone();
        for &(c, p) in pairs {
            if p < 0 {
                t.remove(&c);
            } else {
                t.insert(c, table[&p]);
            }
        }
        t
    }

    fn check(open: &[RawFd], pairs: &[(RawFd, RawFd)]) {
        let table: BTreeMap<RawFd, u32> = open.iter().map(|&f| (f, 1000 + f as u32)).collect();
        let ops = fd_program(pairs);
        assert_eq!(
            run(&table, &ops),
            expected(&table, pairs),
            "{pairs:?} -> {ops:?}"
        );
    }

    #[test]
    fn set_fd_is_a_parallel_assignment() {
        check(&[0, 1, 2, 3, 4, 5], &[(0, 1), (1, 2), (2, 0)]);
        check(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], &[(5, 8), (8, 5)]);
        check(
            &[0, 1, 2, 1021, 1022, 1023],
            &[(1021, 1022), (1022, 1023), (1023, 1021)],
        );
        check(&[0, 1, 2, 1023], &[(3, 1023)]);
        check(&[0, 1, 2, 3], &[(3, 3), (4, 3), (1, -1)]);
        check(&[0, 1, 2, 7], &[(0, 1), (1, 0), (2, 7), (7, 2), (9, 7)]);
        // Every small case: targets and sources among 0..5, some free.
        let mut seed = 12345u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) % 6
        };
        for _ in 0..2000 {
            let open: Vec<RawFd> = (0..6).filter(|_| next() < 4).collect();
            if open.is_empty() {
                continue;
            }
            let mut pairs: Vec<(RawFd, RawFd)> = Vec::new();
            for _ in 0..next() {
                let c = next() as RawFd;
                let p = if next() == 0 {
                    -1
                } else {
                    open[next() as usize % open.len()]
                };
                pairs.retain(|&(pc, _)| pc != c);
                pairs.push((c, p));
            }
            check(&open, &pairs);
        }
    }
}
