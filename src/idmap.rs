//! uid and gid maps: validation, formatting and the single write the kernel
//! requires, directly or through newuidmap/newgidmap.

use std::fmt::Write as _;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use crate::error::{Context, Error, Result};
use crate::procfs::{pid_dir, pid_exists};
use crate::spawn::parent::{spawn_with, Options, Program};
use crate::spawn::SpawnAttr;
use crate::sys::{self, features, Fd};
use crate::types::{ns_idmap, NS_MAP_DENY_SETGROUPS, NS_MAP_MAX_RANGES, NS_MAP_USE_HELPER};

/// Which map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// A uid map.
    Uid,
    /// A gid map.
    Gid,
}

impl MapKind {
    fn name(self) -> &'static str {
        match self {
            MapKind::Uid => "uid",
            MapKind::Gid => "gid",
        }
    }
    fn helper(self) -> &'static str {
        match self {
            MapKind::Uid => "newuidmap",
            MapKind::Gid => "newgidmap",
        }
    }
}

/// Checks a map as the kernel will, before anything is written: 1..=340
/// ranges, each non-empty, none reaching id 2^32-1, inside ranges disjoint,
/// outside ranges disjoint.
pub fn validate(kind: MapKind, map: &[ns_idmap]) -> Result<()> {
    let what = kind.name();
    if map.is_empty() {
        return Err(Error::invalid(format!("{what} map")).with_hint("at least one range is needed"));
    }
    if map.len() > NS_MAP_MAX_RANGES {
        return Err(
            Error::new(libc::E2BIG, format!("{what} map of {} ranges", map.len()))
                .with_hint("the kernel takes at most 340"),
        );
    }
    let entry = |i: usize| {
        let m = map[i];
        format!(
            "{what} map entry {i} ({} {} {})",
            m.inside, m.outside, m.count
        )
    };
    for (i, m) in map.iter().enumerate() {
        if m.count == 0 {
            return Err(Error::invalid(entry(i)).with_hint("count must be at least 1"));
        }
        // The last id of a range must be at most 2^32-2: (uid_t)-1 is never valid.
        let limit = u64::from(u32::MAX);
        if u64::from(m.inside) + u64::from(m.count) > limit
            || u64::from(m.outside) + u64::from(m.count) > limit
        {
            return Err(Error::invalid(entry(i)).with_hint("range runs past 4294967294"));
        }
    }
    let overlap = |a: u32, b: u32, n: u32, m: u32| {
        let (a, b, n, m) = (u64::from(a), u64::from(b), u64::from(n), u64::from(m));
        a < b + m && b < a + n
    };
    for i in 0..map.len() {
        for j in i + 1..map.len() {
            let (x, y) = (map[i], map[j]);
            if overlap(x.inside, y.inside, x.count, y.count) {
                return Err(Error::invalid(format!("{} and {}", entry(i), entry(j)))
                    .with_hint("inside ranges overlap"));
            }
            if overlap(x.outside, y.outside, x.count, y.count) {
                return Err(Error::invalid(format!("{} and {}", entry(i), entry(j)))
                    .with_hint("outside ranges overlap"));
            }
        }
    }
    Ok(())
}

/// The kernel takes a map only in one write of less than a page (also
/// through newuidmap/newgidmap, which write it the same way).
pub fn check_text_len(kind: MapKind, map: &[ns_idmap]) -> Result<()> {
    let len = format(map).len();
    if len >= sys::process::page_size() {
        return Err(
            Error::new(libc::E2BIG, format!("{} map of {len} bytes", kind.name()))
                .with_hint("the kernel takes less than one page in its single write"),
        );
    }
    Ok(())
}

/// The text written to /proc/PID/{uid,gid}_map: "inside outside count\n"
/// per range.
pub fn format(map: &[ns_idmap]) -> String {
    let mut s = String::with_capacity(map.len() * 24);
    for m in map {
        let _ = writeln!(s, "{} {} {}", m.inside, m.outside, m.count);
    }
    s
}

/// Where a map goes: a process by pid (0: the calling process), or a child
/// through the /proc/self directory it opened itself, which names it
/// whatever PID namespace /proc belongs to.
pub(crate) struct MapTarget<'a> {
    pub pid: libc::pid_t,
    pub dir: Option<BorrowedFd<'a>>,
    /// The pid is known to name the process in /proc (a child of ours,
    /// unreaped, and /proc checked to be our PID namespace's).
    pub pid_checked: bool,
}

/// Writes a uid or gid map of process `pid` (0: the calling process).
pub fn write_map(
    kind: MapKind,
    pid: libc::pid_t,
    map: &[ns_idmap],
    flags: libc::c_uint,
) -> Result<()> {
    if pid < 0 {
        check_flags(kind, flags)?;
        return Err(Error::invalid(format!("pid {pid}"))
            .with_hint("a pid is 0 (the calling process) or positive"));
    }
    let target = MapTarget {
        pid,
        dir: None,
        pid_checked: false,
    };
    write_map_at(kind, &target, map, flags)
}

/// The map writers' flags: NS_MAP_DENY_SETGROUPS (gid maps only) and
/// NS_MAP_USE_HELPER; any other bit is EINVAL.
pub(crate) fn check_flags(kind: MapKind, flags: libc::c_uint) -> Result<()> {
    let known = NS_MAP_DENY_SETGROUPS | NS_MAP_USE_HELPER;
    if flags & !known != 0 {
        return Err(
            Error::invalid(format!("{} map flags {flags:#x}", kind.name()))
                .with_hint("unknown bits"),
        );
    }
    if kind == MapKind::Uid && flags & NS_MAP_DENY_SETGROUPS != 0 {
        return Err(Error::invalid("uid map flags NS_MAP_DENY_SETGROUPS")
            .with_hint("setgroups concerns gid maps only"));
    }
    Ok(())
}

/// Writes a uid or gid map of `target`.
pub(crate) fn write_map_at(
    kind: MapKind,
    target: &MapTarget<'_>,
    map: &[ns_idmap],
    flags: libc::c_uint,
) -> Result<()> {
    write_map_via(kind, target, map, flags, None)
}

/// [`write_map_at`], where NS_MAP_USE_HELPER runs `helper` (if given)
/// instead of newuidmap/newgidmap from PATH.
pub(crate) fn write_map_via(
    kind: MapKind,
    target: &MapTarget<'_>,
    map: &[ns_idmap],
    flags: libc::c_uint,
    helper: Option<&std::ffi::CStr>,
) -> Result<()> {
    let what = kind.name();
    check_flags(kind, flags)?;
    validate(kind, map)?;
    check_text_len(kind, map)?;
    let text = format(map);
    let use_helper = flags & NS_MAP_USE_HELPER != 0;
    let helper = match (use_helper, helper) {
        (false, _) => None,
        (true, Some(path)) => Some(path.to_owned()),
        (true, None) => Some(find_in_path(kind.helper())?),
    };
    // A pid is looked up in /proc, which must then be this PID namespace's
    // (newuidmap looks it up there too).
    let by_pid = target.pid != 0 && target.dir.is_none() && !target.pid_checked;
    if use_helper || by_pid {
        crate::procfs::check_proc_is_ours()?;
        if !pid_exists(target.pid) {
            return Err(Error::new(libc::ESRCH, format!("pid {}", target.pid)));
        }
    }
    if flags & NS_MAP_DENY_SETGROUPS != 0 {
        write_proc(target, "setgroups", b"deny")?;
    }
    match helper {
        Some(prog) => run_helper(kind, &prog, target.pid, map),
        None => write_proc(target, &format!("{what}_map"), text.as_bytes())
            .map_err(|e| explain_map_error(e, kind, target)),
    }
}

fn write_proc(target: &MapTarget<'_>, file: &str, data: &[u8]) -> Result<()> {
    let mut path = pid_dir(target.pid, false);
    path.push(file);
    let name = std::ffi::CString::new(file).map_err(|_| Error::invalid("file name"))?;
    let opened = Fd::track(|| match target.dir {
        Some(dir) => sys::openat(dir, &name, libc::O_WRONLY),
        None => sys::open(path.as_cstr(), libc::O_WRONLY),
    });
    let pid = target.pid;
    let fd = opened.map_err(|e| {
        let err = Error::io(e, format!("open {}", path.as_str()));
        match err.errno() {
            libc::ENOENT if !crate::procfs::proc_mounted() => err.with_hint("/proc is not mounted"),
            libc::ENOENT if !pid_exists(pid) => err.with_errno(libc::ESRCH),
            // Another user's process: the same refusal the write would get.
            libc::EACCES => err
                .with_errno(libc::EPERM)
                .with_hint("the caller may not write that process's maps"),
            _ => err,
        }
    })?;
    sys::write_once(fd.as_fd(), data).step(|| format!("write {}", path.as_str()))
}

fn explain_map_error(err: Error, kind: MapKind, target: &MapTarget<'_>) -> Error {
    if err.errno() != libc::EPERM {
        return err;
    }
    let read = |f: &str| -> String {
        let Ok(name) = std::ffi::CString::new(f) else {
            return String::new();
        };
        let fd = Fd::track(|| match target.dir {
            Some(dir) => sys::openat(dir, &name, libc::O_RDONLY),
            None => {
                let mut p = pid_dir(target.pid, false);
                p.push(f);
                sys::open(p.as_cstr(), libc::O_RDONLY)
            }
        });
        let Ok(fd) = fd else {
            return String::new();
        };
        let mut buf = [0u8; 256];
        let n = sys::fs::read(fd.as_raw_fd(), &mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    if !read(&format!("{}_map", kind.name())).trim().is_empty() {
        return err.with_hint("the map was already written; the kernel allows one write");
    }
    if kind == MapKind::Gid && read("setgroups").trim() == "allow" {
        return err.with_hint("setgroups was not denied");
    }
    err.with_hint(match kind {
        MapKind::Uid => "without CAP_SETUID over the parent user namespace only one line mapping the writer's own euid is allowed",
        MapKind::Gid => "without CAP_SETGID over the parent user namespace only one line mapping the writer's own egid is allowed, after setgroups is denied",
    })
}

/// Looks a helper up in the absolute directories of PATH.
fn find_in_path(prog: &str) -> Result<std::ffi::CString> {
    crate::spawn::prep::search_path(prog.as_bytes(), false)?.ok_or_else(|| {
        Error::new(libc::ENOENT, format!("find {prog}"))
            .with_hint("not in PATH; it comes with shadow's uidmap package")
    })
}

/// Runs newuidmap/newgidmap as a child of the library's own (exit signal
/// 0, tracked by its pidfd), so that a runtime reaping children itself
/// cannot take its exit status; its stderr comes back in the error.
fn run_helper(
    kind: MapKind,
    prog: &std::ffi::CStr,
    pid: libc::pid_t,
    map: &[ns_idmap],
) -> Result<()> {
    let pid = if pid == 0 {
        sys::process::getpid()
    } else {
        pid
    };
    let mut args = vec![pid.to_string()];
    for m in map {
        args.extend([
            m.inside.to_string(),
            m.outside.to_string(),
            m.count.to_string(),
        ]);
    }
    let step = || format!("{} {}", kind.helper(), args.join(" "));
    let bad = |_| Error::invalid(step()).with_hint("NUL in an argument");
    let path = prog;
    let mut cargs = vec![std::ffi::CString::new(kind.helper()).map_err(bad)?];
    for a in &args {
        cargs.push(std::ffi::CString::new(a.as_str()).map_err(bad)?);
    }
    let mut argv: Vec<*const libc::c_char> = cargs.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());

    let (err_r, err_w) = sys::pipe().map_err(|e| Error::io(e, "pipe2"))?;
    let null = sys::open_internal(c"/dev/null", libc::O_RDWR)
        .map_err(|e| Error::io(e, "open /dev/null"))?;
    let mut attr = SpawnAttr::new();
    attr.set_fd(0, null.as_raw_fd())?;
    attr.set_fd(1, null.as_raw_fd())?;
    attr.set_fd(2, err_w.as_raw_fd())?;
    let program = Program::Exec {
        path,
        argv: argv.as_ptr(),
        envp: std::ptr::null(),
    };
    // Its status, even if the caller's runtime reaps it: kept for its
    // pidfd by the kernel (6.15), or handed on by a supervising process.
    let opts = Options {
        internal: true,
        supervise: !features::pidfd_info_exit(),
        pidfd_unused: false,
    };
    // SAFETY: argv is NULL-terminated; envp NULL is our environment.
    let child = unsafe { spawn_with(&attr, program, opts) }.map_err(|e| {
        let text = e.to_string();
        Error::new(e.errno(), step()).with_hint(text)
    })?;
    drop(err_w);
    drop(null);
    let mut stderr = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(n) = sys::fs::read(err_r.as_raw_fd(), &mut buf) {
        if n == 0 {
            break;
        }
        if stderr.len() < 4096 {
            stderr.extend_from_slice(&buf[..n]);
        }
    }
    let exit = child.wait();
    if exit == Some(sys::Exit::Code(0)) {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&stderr).trim().replace('\n', "; ");
    let stderr = if !stderr.is_empty() {
        stderr
    } else {
        match exit {
            Some(sys::Exit::Code(c)) => format!("exit status {c}"),
            Some(sys::Exit::Signal(s) | sys::Exit::Dumped(s)) => format!("killed by signal {s}"),
            None => "its exit status could not be read".into(),
        }
    };
    Err(Error::new(libc::EPERM, step()).with_hint(stderr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(inside: u32, outside: u32, count: u32) -> ns_idmap {
        ns_idmap {
            inside,
            outside,
            count,
        }
    }

    #[test]
    fn good_maps_pass_and_format() {
        let map = [m(0, 1000, 1), m(1, 100000, 65536)];
        validate(MapKind::Uid, &map).unwrap();
        assert_eq!(format(&map), "0 1000 1\n1 100000 65536\n");
        validate(MapKind::Gid, &[m(0, 0, u32::MAX)]).unwrap();
    }

    #[test]
    fn bad_maps_are_named() {
        let e = validate(MapKind::Uid, &[]).unwrap_err();
        assert_eq!(e.errno(), libc::EINVAL);
        let big = vec![m(0, 0, 1); 341];
        assert_eq!(
            validate(MapKind::Uid, &big).unwrap_err().errno(),
            libc::E2BIG
        );
        let e = validate(MapKind::Gid, &[m(0, 0, 1), m(5, 5, 0)]).unwrap_err();
        assert!(e.to_string().starts_with("gid map entry 1 (5 5 0)"), "{e}");
        let e = validate(MapKind::Uid, &[m(0, 100, 10), m(5, 200, 10)]).unwrap_err();
        assert!(e.to_string().contains("inside ranges overlap"), "{e}");
        let e = validate(MapKind::Uid, &[m(0, 100, 10), m(50, 105, 10)]).unwrap_err();
        assert!(e.to_string().contains("outside ranges overlap"), "{e}");
        let e = validate(MapKind::Uid, &[m(4294967290, 0, 10)]).unwrap_err();
        assert!(e.to_string().contains("runs past"), "{e}");
        assert!(validate(
            MapKind::Uid,
            &[m(0, 0, u32::MAX - 1), m(u32::MAX - 1, 5, 1)]
        )
        .is_err());
    }

    #[test]
    fn adjacent_ranges_do_not_overlap() {
        validate(MapKind::Uid, &[m(0, 100, 10), m(10, 110, 10)]).unwrap();
    }

    #[test]
    fn flags_are_checked_first() {
        let map = [m(0, 0, 1)];
        assert_eq!(
            write_map(MapKind::Uid, 0, &map, 0x8).unwrap_err().errno(),
            libc::EINVAL
        );
        assert_eq!(
            write_map(MapKind::Uid, 0, &map, NS_MAP_DENY_SETGROUPS)
                .unwrap_err()
                .errno(),
            libc::EINVAL
        );
        assert_eq!(
            write_map(MapKind::Uid, -1, &map, 0).unwrap_err().errno(),
            libc::EINVAL
        );
    }

    #[test]
    fn oversized_text_is_refused_before_writing() {
        let map: Vec<_> = (0..340u32)
            .map(|i| m(4_000_000_000 + i * 100, 4_000_000_000 + i * 100, 1))
            .collect();
        let e = write_map(MapKind::Uid, 0, &map, 0).unwrap_err();
        assert_eq!(e.errno(), libc::E2BIG, "{e}");
    }
}
