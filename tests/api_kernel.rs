//! The safe Rust API against the kernel: every call's effect is read back
//! from what the kernel shows (`readlink /proc/PID/ns/X`, `/proc/PID/uid_map`,
//! `uname -n` run inside, `lsns -J`, `ip netns list`), as the C tests do.
//!
//! A `harness = false` test. Namespace-changing calls (setns, unshare and
//! enter_pid of the calling thread, set_time_offset of the caller,
//! pivot_root) must not run in the threads of a multithreaded harness, nor
//! fork it; so `main` re-executes this binary once per case (`--case NAME`):
//! each case runs in a fresh, single-threaded process of its own, which it
//! may move into any namespace. Run as root, it runs every case, then the
//! cases that apply to an unprivileged caller again as uid 65534 (through
//! `setpriv --reuid 65534 --regid 65534 --clear-groups`), asserting what
//! such a caller can do and what the kernel refuses it. Run as another
//! user, the cases that need root report `skipped (needs root)`.
//!
//! ```text
//! cargo test --release --test api_kernel                 # all cases
//! cargo test --release --test api_kernel -- cmd_ list    # cases whose name contains a word
//! cargo test --release --test api_kernel -- --verbose    # show every case's output
//! ```
//!
//! The `example_*` cases run the programs of `examples/` (built with
//! `cargo build --examples` first, in this binary's profile) and check
//! their output against the kernel, as `examples-c/*_smoke.sh` do.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{CStr, OsStr};
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{self as sp, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::{Duration, Instant};

use linuxns::{
    enter_pid, kcmp, limit, list, netns_add, netns_del, pivot_root, run_in, set_limit,
    set_time_offset, setns, unbind, unshare, write_gid_map, write_uid_map, Child, Clock, Command,
    IdMap, KcmpType, MapFlags, Namespace, NsInfo, NsSet, NsType, Stdio,
};

// ---------------------------------------------------------------------
// The cases.

/// Who runs a case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Root, and again as uid 65534 (when run as root).
    Any,
    /// Root only; `skipped (needs root)` otherwise.
    Root,
    /// An unprivileged caller only (as root: through setpriv as 65534).
    Unpriv,
}

struct Case {
    name: &'static str,
    who: Who,
    run: fn(),
}

const fn case(name: &'static str, who: Who, run: fn()) -> Case {
    Case { name, who, run }
}

const CASES: &[Case] = &[
    case("nsset_ops", Who::Any, nsset_ops),
    case("namespace_open_pid", Who::Any, namespace_open_pid),
    case("namespace_for_children", Who::Any, namespace_for_children),
    case("namespace_open_pidfd", Who::Any, namespace_open_pidfd),
    case("namespace_open_path", Who::Any, namespace_open_path),
    case("namespace_open_name", Who::Any, namespace_open_name),
    case("namespace_handle_ids", Who::Any, namespace_handle_ids),
    case("namespace_owner_parent", Who::Any, namespace_owner_parent),
    case("namespace_new", Who::Root, namespace_new),
    case("namespace_new_userns", Who::Any, namespace_new_userns),
    case("namespace_bind_unbind", Who::Root, namespace_bind_unbind),
    case("setns_unshare_root", Who::Root, setns_unshare_root),
    case("setns_unshare_unpriv", Who::Unpriv, setns_unshare_unpriv),
    case("enter_pid_root", Who::Root, enter_pid_root),
    case("enter_pid_unpriv", Who::Unpriv, enter_pid_unpriv),
    case("run_in_root", Who::Root, run_in_root),
    case("run_in_unpriv", Who::Unpriv, run_in_unpriv),
    case("list_vs_kernel", Who::Any, list_vs_kernel),
    case("list_bind_mounted", Who::Root, list_bind_mounted),
    case("write_maps", Who::Any, write_maps),
    case("netns_add_del", Who::Root, netns_add_del),
    case("limits", Who::Any, limits),
    case("time_offset", Who::Any, time_offset),
    case("pivot_root", Who::Any, pivot_root_case),
    case("kcmp", Who::Any, kcmp_case),
    case("error_format", Who::Any, error_format),
    case("unpriv_refusals", Who::Unpriv, unpriv_refusals),
    case("cmd_namespaces", Who::Any, cmd_namespaces),
    case("cmd_map_root", Who::Any, cmd_map_root),
    case("cmd_uid_gid_map", Who::Any, cmd_uid_gid_map),
    case("cmd_hostname", Who::Any, cmd_hostname),
    case("cmd_mount_proc", Who::Any, cmd_mount_proc),
    case("cmd_current_dir", Who::Any, cmd_current_dir),
    case("cmd_env", Who::Any, cmd_env),
    case("cmd_stdio", Who::Any, cmd_stdio),
    case("cmd_fd_close_fds", Who::Any, cmd_fd_close_fds),
    case("cmd_join_new", Who::Root, cmd_join_new),
    case("cmd_join_pidfd", Who::Any, cmd_join_pidfd),
    case("cmd_join_time", Who::Any, cmd_join_time),
    case("cmd_uid_gid_groups", Who::Root, cmd_uid_gid_groups),
    case("cmd_keep_caps", Who::Root, cmd_keep_caps),
    case("cmd_time_offset", Who::Any, cmd_time_offset),
    case("cmd_spawn_errors", Who::Any, cmd_spawn_errors),
    case("cmd_child", Who::Any, cmd_child),
    case("cmd_core_dump", Who::Any, cmd_core_dump),
    case("cmd_join_user_nested", Who::Any, cmd_join_user_nested),
    case("cmd_path_search", Who::Any, cmd_path_search),
    case("cmd_output", Who::Any, cmd_output),
    case("cmd_threads", Who::Any, cmd_threads),
    case("example_sandbox", Who::Any, example_sandbox),
    case("example_lsns", Who::Any, example_lsns),
    case("example_netns", Who::Root, example_netns),
    case("example_enter", Who::Any, example_enter),
];

// ---------------------------------------------------------------------
// Helpers for the cases (all run in the case's own process).

const TEN_YEARS: i64 = 10 * 365 * 86400;

fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

fn egid() -> u32 {
    // SAFETY: getegid has no preconditions.
    unsafe { libc::getegid() }
}

fn root() -> bool {
    euid() == 0
}

fn my_pid() -> i32 {
    std::process::id() as i32
}

fn gettid() -> i32 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() }
}

/// Ends the case as skipped, saying why.
fn skip(why: &str) -> ! {
    println!("SKIP: {why}");
    std::process::exit(SKIP_CODE)
}

/// `readlink /proc/PID/ns/TY`, e.g. `net:[4026531840]`.
fn link(pid: impl std::fmt::Display, ty: &str) -> String {
    let p = format!("/proc/{pid}/ns/{ty}");
    let l = fs::read_link(&p).unwrap_or_else(|e| panic!("readlink {p}: {e}"));
    l.to_string_lossy().into_owned()
}

/// The id in `readlink /proc/PID/ns/TY`.
fn link_id(pid: impl std::fmt::Display, ty: &str) -> u64 {
    let l = link(pid, ty);
    let inner = l
        .split_once(":[")
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .unwrap_or_else(|| panic!("unexpected link {l}"));
    inner
        .parse()
        .unwrap_or_else(|_| panic!("unexpected link {l}"))
}

fn ns_link(t: NsType, id: u64) -> String {
    format!("{}:[{id}]", t.name())
}

/// The words of a file.
fn words(path: impl AsRef<Path>) -> Vec<String> {
    let p = path.as_ref();
    fs::read_to_string(p)
        .unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
        .split_whitespace()
        .map(String::from)
        .collect()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `sh -c script` with std (in the case process's own namespaces,
/// or those it moved into): its standard output, trimmed at the end.
fn sh(script: &str) -> String {
    let out = sp::Command::new("sh")
        .args(["-c", script])
        .stdin(sp::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("sh -c {script:?}: {e}"));
    assert!(
        out.status.success(),
        "sh -c {script:?}: {:?}, stderr {:?}",
        out.status,
        text(&out.stderr)
    );
    text(&out.stdout).trim_end().to_owned()
}

/// Runs a linuxns Command to its end: its standard output, trimmed at the
/// end; panics when it fails or exits non-zero.
fn out(cmd: &mut Command) -> String {
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    assert!(
        o.status.success(),
        "{cmd:?}: {:?}, stderr {:?}",
        o.status,
        text(&o.stderr)
    );
    text(&o.stdout).trim_end().to_owned()
}

/// The error of `r`, which must be one of `errnos`.
#[track_caller]
fn expect_err<T: std::fmt::Debug>(
    r: linuxns::Result<T>,
    errnos: &[i32],
    what: &str,
) -> linuxns::Error {
    match r {
        Ok(v) => panic!("{what}: succeeded ({v:?}), expected errno {errnos:?}"),
        Err(e) => {
            assert!(
                errnos.contains(&e.errno()),
                "{what}: errno {} ({e}), expected {errnos:?}",
                e.errno()
            );
            e
        }
    }
}

/// A child that is killed and reaped however the case ends.
struct Reap(Child);

impl Reap {
    fn pid(&self) -> i32 {
        self.0.id() as i32
    }
}

impl std::ops::Deref for Reap {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Reap {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `sleep 60` started by `cmd` (whose program is replaced).
fn sleeper(cmd: &mut Command) -> Reap {
    let c = cmd
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    Reap(c)
}

fn sleep_cmd() -> Command {
    let mut c = Command::new("sleep");
    c.arg("60");
    c
}

/// A pid that no process has: a child of ours, reaped.
fn dead_pid() -> i32 {
    let mut c = sp::Command::new("true").spawn().expect("spawn true");
    let pid = c.id() as i32;
    c.wait().expect("wait true");
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "pid {pid} reused"
    );
    pid
}

/// A directory removed when the case ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("lnstest-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap_or_else(|e| panic!("mkdir {}: {e}", p.display()));
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // A case that failed between bind and unbind leaves a mount here.
        let info = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let prefix = format!("{}/", self.0.display());
        for mp in info.lines().filter_map(|l| l.split(' ').nth(4)) {
            if mp.starts_with(&prefix) {
                let c = std::ffi::CString::new(mp).expect("no NUL");
                // SAFETY: c is a NUL-terminated path.
                unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
            }
        }
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The mount point's fstype in our /proc/self/mountinfo, if `path` is one.
fn mounted_fstype(path: &Path) -> Option<String> {
    let info = fs::read_to_string("/proc/self/mountinfo").expect("mountinfo");
    let want = path.to_str().expect("utf-8 path");
    info.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        let mp = left.split(' ').nth(4)?;
        (mp == want).then(|| right.split(' ').next().unwrap_or("").to_owned())
    })
}

/// The pids of this thread's children (/proc/PID/task/TID/children).
fn my_children() -> Vec<i32> {
    let p = format!("/proc/{}/task/{}/children", my_pid(), gettid());
    match fs::read_to_string(&p) {
        Ok(s) => s
            .split_whitespace()
            .map(|w| w.parse().expect("pid"))
            .collect(),
        Err(e) => panic!("read {p}: {e}"),
    }
}

/// One line of /proc/PID/status, without its label.
fn status_field(status: &str, label: &str) -> String {
    status
        .lines()
        .find_map(|l| l.strip_prefix(label).map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| panic!("no {label} in status"))
}

/// `lsns -J -o NS,TYPE`: its (type, id) pairs, or None without lsns.
fn lsns_pairs() -> Option<BTreeSet<(String, u64)>> {
    let out = match sp::Command::new("lsns")
        .args(["-J", "-o", "NS,TYPE"])
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("lsns: {e}"),
    };
    assert!(
        out.status.success(),
        "lsns -J: {:?} {}",
        out.status,
        text(&out.stderr)
    );
    let json = text(&out.stdout);
    let mut pairs = BTreeSet::new();
    for obj in json.split('{').skip(2) {
        let field = |key: &str| -> String {
            let at = obj
                .find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("{key} in {obj}"));
            obj[at + key.len() + 3..]
                .trim_start()
                .split([',', '}', '\n'])
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_owned()
        };
        let id: u64 = field("ns")
            .parse()
            .unwrap_or_else(|_| panic!("ns in {obj}"));
        pairs.insert((field("type"), id));
    }
    assert!(!pairs.is_empty(), "lsns -J listed nothing: {json}");
    Some(pairs)
}

fn pairs_of(list: &[NsInfo]) -> BTreeSet<(String, u64)> {
    list.iter()
        .map(|n| (n.ns_type.name().to_owned(), n.id))
        .collect()
}

/// /proc/uptime's first field.
fn uptime(text: &str) -> f64 {
    text.split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("uptime {text:?}"))
}

/// The lines of /proc/PID/timens_offsets, blanks collapsed.
fn offset_lines(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// A mount(2) of ours, for the cases that set up a root.
fn mount(src: &str, target: &Path, fstype: &str, flags: libc::c_ulong) {
    let c = |s: &[u8]| std::ffi::CString::new(s).expect("no NUL");
    let (src, tgt, ty) = (
        c(src.as_bytes()),
        c(target.as_os_str().as_bytes()),
        c(fstype.as_bytes()),
    );
    let ty_ptr = if fstype.is_empty() {
        std::ptr::null()
    } else {
        ty.as_ptr()
    };
    // SAFETY: the strings are NUL-terminated and live across the call.
    let r = unsafe { libc::mount(src.as_ptr(), tgt.as_ptr(), ty_ptr, flags, std::ptr::null()) };
    assert_eq!(
        r,
        0,
        "mount {target:?}: {}",
        std::io::Error::last_os_error()
    );
}

/// The hostname of the calling thread's UTS namespace.
fn my_hostname() -> String {
    // SAFETY: utsname is plain data; uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: u is a valid utsname.
    assert_eq!(unsafe { libc::uname(&mut u) }, 0);
    // SAFETY: the kernel NUL-terminates nodename.
    unsafe { CStr::from_ptr(u.nodename.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn set_my_hostname(name: &str) -> std::io::Result<()> {
    // SAFETY: the pointer and length describe `name`.
    let r = unsafe { libc::sethostname(name.as_ptr().cast(), name.len()) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The directory of the built examples (set by the parent).
fn examples_dir() -> PathBuf {
    match std::env::var_os("LNSTEST_EXAMPLES") {
        Some(d) => PathBuf::from(d),
        None => skip(
            &std::env::var("LNSTEST_EXAMPLES_WHY").unwrap_or_else(|_| "examples not built".into()),
        ),
    }
}

/// Runs example `name` with `args` (std, so its exit code comes back).
fn example(name: &str, args: &[&str]) -> sp::Output {
    let exe = examples_dir().join(name);
    sp::Command::new(&exe)
        .args(args)
        .stdin(sp::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", exe.display()))
}

// ---------------------------------------------------------------------
// NsSet and NsType.

fn nsset_ops() {
    let pairs = [
        (NsSet::MNT, NsType::Mnt, libc::CLONE_NEWNS, "mnt"),
        (
            NsSet::CGROUP,
            NsType::Cgroup,
            libc::CLONE_NEWCGROUP,
            "cgroup",
        ),
        (NsSet::UTS, NsType::Uts, libc::CLONE_NEWUTS, "uts"),
        (NsSet::IPC, NsType::Ipc, libc::CLONE_NEWIPC, "ipc"),
        (NsSet::USER, NsType::User, libc::CLONE_NEWUSER, "user"),
        (NsSet::PID, NsType::Pid, libc::CLONE_NEWPID, "pid"),
        (NsSet::NET, NsType::Net, libc::CLONE_NEWNET, "net"),
        (NsSet::TIME, NsType::Time, libc::CLONE_NEWTIME, "time"),
    ];
    for (set, ty, bit, name) in pairs {
        assert_eq!(set.bits(), bit, "{name}");
        assert_eq!(ty.bit(), bit, "{name}");
        assert_eq!(NsSet::from(ty), set);
        assert_eq!(ty.name(), name);
        assert_eq!(ty.to_string(), name);
        assert_eq!(name.parse::<NsType>().expect("parse"), ty);
        assert_eq!(NsType::from_bit(bit), Some(ty));
        assert_eq!(set.len(), 1);
        assert_eq!(set.iter().collect::<Vec<_>>(), [ty]);
        assert_eq!(
            ty.has_for_children(),
            matches!(ty, NsType::Pid | NsType::Time)
        );
    }
    // The kernel's own list of types and their for_children links.
    let mut kernel: Vec<String> = fs::read_dir("/proc/self/ns")
        .expect("/proc/self/ns")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    kernel.sort();
    let names: Vec<&str> = NsType::ALL.iter().map(|t| t.name()).collect();
    let mut expect: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    for t in NsType::ALL.iter().filter(|t| t.has_for_children()) {
        expect.push(format!("{}_for_children", t.name()));
    }
    expect.sort();
    assert_eq!(kernel, expect, "/proc/self/ns vs NsType::ALL");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "NsType::ALL is alphabetical");

    let all: NsSet = NsType::ALL.into_iter().collect();
    assert_eq!(all, NsSet::all());
    assert_eq!(all.len(), 8);
    assert_eq!(all.bits(), pairs.iter().fold(0, |m, p| m | p.2));
    assert!(NsSet::empty().is_empty());
    assert_eq!(NsSet::empty().to_string(), "none");
    let s = NsType::User | NsType::Net;
    assert!(s.contains(NsType::Net) && s.contains(NsSet::USER) && !s.contains(NsType::Pid));
    assert!(!s.contains(NsSet::NET | NsSet::PID));
    assert_eq!(s.to_string(), "net|user");
    assert_eq!(format!("{s:?}"), "NsSet(net|user)");
    assert_eq!(s.iter().collect::<Vec<_>>(), [NsType::Net, NsType::User]);
    assert_eq!(
        s.into_iter().collect::<Vec<_>>(),
        [NsType::Net, NsType::User]
    );
    assert_eq!(
        s | NsSet::UTS,
        NsSet::from_bits(libc::CLONE_NEWUSER | libc::CLONE_NEWNET | libc::CLONE_NEWUTS)
            .expect("bits")
    );
    assert_eq!(s & NsSet::NET, NsSet::NET);
    assert_eq!((s & NsSet::PID), NsSet::empty());
    assert_eq!(s - NsType::User, NsSet::NET);
    assert_eq!(!s, all - s);
    assert_eq!((!s).len(), 6);
    assert_eq!(!NsSet::all(), NsSet::empty());
    let mut m = NsSet::empty();
    m.insert(NsType::Ipc);
    m |= NsType::Time;
    assert_eq!(m.bits(), libc::CLONE_NEWIPC | libc::CLONE_NEWTIME);
    m.remove(NsSet::IPC);
    assert_eq!(m, NsSet::TIME);
    assert_eq!(NsSet::from_bits(0), Some(NsSet::empty()));
    assert_eq!(NsSet::from_bits(libc::CLONE_VM), None);
    assert_eq!(
        NsSet::from_bits(libc::CLONE_NEWNET | libc::CLONE_FILES),
        None
    );
    assert_eq!(
        NsType::from_bit(libc::CLONE_NEWNET | libc::CLONE_NEWUTS),
        None
    );
    let e = expect_err("bogus".parse::<NsType>(), &[libc::EINVAL], "parse bogus");
    assert!(e.step().contains("bogus"), "{e}");
}

// ---------------------------------------------------------------------
// Namespace handles.

fn namespace_open_pid() {
    let me = my_pid();
    for t in NsType::ALL {
        let ns = Namespace::open_pid(me, t).expect("open_pid");
        assert_eq!(ns.id().expect("id"), link_id(me, t.name()), "{t}");
        assert_eq!(ns.ns_type().expect("type"), t);
        let cur = Namespace::current(t).expect("current");
        assert!(cur.same(&ns).expect("same"), "{t}");
        assert_eq!(cur.id().expect("id"), link_id("thread-self", t.name()));
        // A thread of ours, by its tid: pid 0 is the calling thread.
        let zero = Namespace::open_pid(0, t).expect("open_pid 0");
        assert!(zero.same(&cur).expect("same"));
    }
    // pid 1: readable as root, refused as nobody, as readlink is.
    let r = Namespace::open_pid(1, NsType::Net);
    match fs::read_link("/proc/1/ns/net") {
        Ok(l) => assert_eq!(
            ns_link(NsType::Net, r.expect("open_pid 1").id().expect("id")),
            l.to_string_lossy()
        ),
        // Not ours to inspect (as 65534; as a root lacking a capability
        // pid 1 has): the library is refused too.
        Err(e) => {
            let got = expect_err(
                r,
                &[libc::EACCES, libc::EPERM],
                "open_pid 1 where readlink fails",
            );
            assert!(
                matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM)),
                "{e} / {got}"
            );
        }
    }
    let e = expect_err(
        Namespace::open_pid(-1, NsType::Net),
        &[libc::EINVAL],
        "open_pid -1",
    );
    assert!(e.step().contains("-1"), "{e}");
    expect_err(
        Namespace::open_pid(i32::MIN, NsType::Uts),
        &[libc::EINVAL],
        "open_pid MIN",
    );
    let dead = dead_pid();
    let e = expect_err(
        Namespace::open_pid(dead, NsType::Net),
        &[libc::ESRCH],
        "open_pid dead",
    );
    assert!(e.to_string().contains(&dead.to_string()), "{e}");
    expect_err(
        Namespace::open_pid(i32::MAX, NsType::Net),
        &[libc::ESRCH],
        "open_pid MAX",
    );
}

fn namespace_for_children() {
    for t in [NsType::Pid, NsType::Time] {
        let n = Namespace::open_pid_for_children(0, t).expect("for_children");
        let name = format!("{}_for_children", t.name());
        assert_eq!(n.id().expect("id"), link_id("thread-self", &name), "{t}");
        assert_eq!(n.ns_type().expect("type"), t);
        let p = Namespace::open_pid_for_children(my_pid(), t).expect("for_children pid");
        assert!(p.same(&n).expect("same"));
    }
    for t in NsType::ALL.into_iter().filter(|t| !t.has_for_children()) {
        expect_err(
            Namespace::open_pid_for_children(0, t),
            &[libc::EINVAL],
            &format!("{t}_for_children"),
        );
    }
    expect_err(
        Namespace::open_pid_for_children(-5, NsType::Pid),
        &[libc::EINVAL],
        "for_children -5",
    );
    expect_err(
        Namespace::open_pid_for_children(dead_pid(), NsType::Pid),
        &[libc::ESRCH],
        "for_children dead",
    );
    // A process that unshared its pid namespace for its children and
    // forked one (unshare --fork): its pid_for_children is the child's.
    let c = sleeper(
        Command::new("unshare")
            .args(["--pid", "--fork", "sleep", "60"])
            .unshare(NsSet::USER)
            .map_root(),
    );
    let pid = c.pid();
    let deadline = Instant::now() + Duration::from_secs(10);
    let inner = loop {
        let kids =
            fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        if let Some(k) = kids.split_whitespace().next() {
            break k.parse::<i32>().expect("pid");
        }
        assert!(Instant::now() < deadline, "unshare --fork did not fork");
        std::thread::sleep(Duration::from_millis(5));
    };
    let fc = Namespace::open_pid_for_children(pid, NsType::Pid).expect("child's for_children");
    assert_eq!(fc.id().expect("id"), link_id(pid, "pid_for_children"));
    assert_eq!(fc.id().expect("id"), link_id(inner, "pid"));
    assert_ne!(fc.id().expect("id"), link_id(pid, "pid"));
    assert_eq!(
        fc.parent().expect("parent").id().expect("id"),
        link_id(pid, "pid")
    );
}

fn namespace_open_pidfd() {
    let mut c = sleeper(
        sleep_cmd()
            .unshare(NsSet::USER | NsSet::UTS | NsSet::IPC)
            .map_root(),
    );
    let pid = c.pid();
    let new = NsSet::USER | NsSet::UTS | NsSet::IPC;
    {
        let pidfd = c.pidfd().expect("pidfd");
        for t in NsType::ALL {
            let ns = Namespace::open_pidfd(pidfd, t).expect("open_pidfd");
            let id = ns.id().expect("id");
            assert_eq!(id, link_id(pid, t.name()), "{t}");
            assert_eq!(ns.ns_type().expect("type"), t);
            assert_eq!(id != link_id("self", t.name()), new.contains(t), "{t} new?");
        }
        let f = File::open("/etc/hostname").expect("open");
        let e = expect_err(
            Namespace::open_pidfd(f.as_fd(), NsType::Net),
            &[libc::EBADF, libc::EINVAL],
            "open_pidfd of a file",
        );
        assert!(!e.step().is_empty());
    }
    c.kill().expect("kill");
    c.wait().expect("wait");
    let pidfd = c.pidfd().expect("pidfd after wait");
    expect_err(
        Namespace::open_pidfd(pidfd, NsType::Net),
        &[libc::ESRCH],
        "open_pidfd of a reaped child",
    );
}

fn namespace_open_path() {
    let ipc = Namespace::open_path("/proc/self/ns/ipc", Some(NsType::Ipc)).expect("open ipc");
    assert_eq!(ipc.id().expect("id"), link_id("self", "ipc"));
    let any = Namespace::open_path("/proc/self/ns/ipc", None).expect("open any");
    assert!(any.same(&ipc).expect("same"));
    let p = Namespace::open_path("/proc/self/ns/pid_for_children", None).expect("pid_for_children");
    assert_eq!(p.ns_type().expect("type"), NsType::Pid);
    assert_eq!(p.id().expect("id"), link_id("self", "pid_for_children"));
    let e = expect_err(
        Namespace::open_path("/proc/self/ns/ipc", Some(NsType::Net)),
        &[libc::EINVAL],
        "wrong type",
    );
    assert!(e.hint().is_some_and(|h| h.contains("ipc")), "{e}");
    let e = expect_err(
        Namespace::open_path("/etc/hostname", None),
        &[libc::EINVAL],
        "not a namespace",
    );
    assert!(e.step().contains("/etc/hostname"), "{e}");
    expect_err(
        Namespace::open_path("/proc/self/ns", None),
        &[libc::EINVAL],
        "a directory",
    );
    expect_err(
        Namespace::open_path("/dev/null", Some(NsType::Net)),
        &[libc::EINVAL],
        "/dev/null",
    );
    expect_err(
        Namespace::open_path("/nonexistent/lnstest", None),
        &[libc::ENOENT],
        "missing",
    );
    expect_err(
        Namespace::open_path(OsStr::from_bytes(b"/proc/self/ns/net\0x"), None),
        &[libc::EINVAL],
        "NUL",
    );
    let dir = TempDir::new("fifo");
    let fifo = dir.0.join("fifo");
    assert!(sp::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success());
    expect_err(
        Namespace::open_path(&fifo, None),
        &[libc::EINVAL],
        "a FIFO (must not block)",
    );
}

fn namespace_open_name() {
    for bad in ["a/b", "", ".", "..", "/etc", &"x".repeat(256)] {
        let e = expect_err(
            Namespace::open_name(bad),
            &[libc::EINVAL],
            &format!("open_name {bad:?}"),
        );
        assert!(e.hint().is_some(), "{e}");
    }
    expect_err(Namespace::open_name("a\0b"), &[libc::EINVAL], "NUL");
    let missing = format!("lnstest-missing-{}", my_pid());
    let e = expect_err(
        Namespace::open_name(&missing),
        &[libc::ENOENT],
        "missing name",
    );
    assert!(e.to_string().contains(&missing), "{e}");
}

/// NS_GET_ID (Linux 6.18): `_IOR(0xb7, 13, __u64)`.
const NS_GET_ID: libc::c_ulong = 0x8008_b70d;

fn namespace_handle_ids() {
    let a = Namespace::current(NsType::Net).expect("net");
    let b = a.try_clone().expect("try_clone");
    assert_ne!(a.as_raw_fd(), b.as_raw_fd());
    assert!(a.same(&b).expect("same"));
    for fd in [a.as_raw_fd(), b.as_raw_fd()] {
        // SAFETY: F_GETFD on an open descriptor.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
        assert!(
            flags >= 0 && flags & libc::FD_CLOEXEC != 0,
            "fd {fd} not close-on-exec"
        );
    }
    let st = fs::metadata(format!("/proc/self/fd/{}", a.as_raw_fd())).expect("stat fd");
    assert_eq!(a.id().expect("id"), st.ino());
    let uts = Namespace::current(NsType::Uts).expect("uts");
    assert!(!a.same(&uts).expect("same"));
    let mut kid: u64 = 0;
    // SAFETY: NS_GET_ID writes one u64 to the pointer.
    let r = unsafe { libc::ioctl(a.as_raw_fd(), NS_GET_ID, &mut kid as *mut u64) };
    if r == 0 {
        assert_eq!(a.unique_id().expect("uid"), kid, "unique_id vs NS_GET_ID");
        assert_eq!(a.unique_id().expect("uid"), b.unique_id().expect("uid"));
        assert_ne!(a.unique_id().expect("uid"), uts.unique_id().expect("uid"));
        let fresh = Namespace::new_userns(None, None, MapFlags::empty()).expect("userns");
        let cur_user = Namespace::current(NsType::User).expect("user");
        assert_ne!(
            fresh.unique_id().expect("uid"),
            cur_user.unique_id().expect("uid")
        );
    } else {
        let e = std::io::Error::last_os_error();
        assert_eq!(e.raw_os_error(), Some(libc::ENOTTY), "NS_GET_ID: {e}");
        expect_err(a.unique_id(), &[libc::EOPNOTSUPP], "unique_id before 6.18");
    }
    // Round trips through descriptors.
    let raw = b.into_raw_fd();
    // SAFETY: raw came from into_raw_fd and nothing else owns it.
    let c = unsafe { Namespace::from_raw_fd(raw) };
    assert!(c.same(&a).expect("same"));
    let owned: OwnedFd = c.into();
    let d = Namespace::from(owned);
    assert_eq!(d.id().expect("id"), link_id("self", "net"));
    // A handle of a file that is no namespace: every query is EINVAL.
    let f = Namespace::from(OwnedFd::from(File::open("/etc/hostname").expect("open")));
    expect_err(f.id(), &[libc::EINVAL], "id of a file");
    expect_err(f.ns_type(), &[libc::EINVAL], "ns_type of a file");
    expect_err(f.owner(), &[libc::EINVAL], "owner of a file");
    expect_err(f.same(&a), &[libc::EINVAL], "same with a file");
    expect_err(
        a.same(&File::open("/etc/hostname").expect("open")),
        &[libc::EINVAL],
        "same of a file",
    );
}

fn namespace_owner_parent() {
    let net = Namespace::current(NsType::Net).expect("net");
    let owner = net.owner().expect("owner");
    assert_eq!(owner.ns_type().expect("type"), NsType::User);
    assert_eq!(owner.id().expect("id"), link_id("self", "user"));
    expect_err(net.parent(), &[libc::EINVAL], "parent of a net namespace");
    expect_err(
        net.owner_uid(),
        &[libc::EINVAL],
        "owner_uid of a net namespace",
    );
    // Our own user namespace's parent is outside it.
    let user = Namespace::current(NsType::User).expect("user");
    expect_err(
        user.parent(),
        &[libc::EPERM],
        "parent of our user namespace",
    );
    let mine = list(NsSet::USER).expect("list");
    let entry = mine
        .iter()
        .find(|n| n.id == link_id("self", "user"))
        .expect("our user namespace listed");
    assert_eq!(user.owner_uid().expect("owner_uid"), entry.owner_uid);

    // A child's namespaces, created by us.
    let c = sleeper(
        sleep_cmd()
            .unshare(NsSet::USER | NsSet::PID | NsSet::UTS)
            .map_root(),
    );
    let pidfd = c.pidfd().expect("pidfd");
    let cuser = Namespace::open_pidfd(pidfd, NsType::User).expect("user");
    assert_eq!(cuser.id().expect("id"), link_id(c.pid(), "user"));
    assert_eq!(cuser.owner_uid().expect("owner_uid"), euid());
    assert!(cuser.parent().expect("parent").same(&user).expect("same"));
    expect_err(
        cuser.parent().expect("parent").parent(),
        &[libc::EPERM],
        "grandparent outside ours",
    );
    let cuts = Namespace::open_pidfd(pidfd, NsType::Uts).expect("uts");
    assert!(cuts.owner().expect("owner").same(&cuser).expect("same"));
    let cpid = Namespace::open_pidfd(pidfd, NsType::Pid).expect("pid");
    assert_eq!(cpid.id().expect("id"), link_id(c.pid(), "pid"));
    let ppid = cpid.parent().expect("parent of the child's pid namespace");
    assert_eq!(ppid.id().expect("id"), link_id("self", "pid"));
    assert!(cpid.owner().expect("owner").same(&cuser).expect("same"));
    expect_err(
        cpid.owner_uid(),
        &[libc::EINVAL],
        "owner_uid of a pid namespace",
    );
}

fn namespace_new() {
    for t in NsType::ALL.into_iter().filter(|t| *t != NsType::User) {
        let ns = Namespace::new(t).unwrap_or_else(|e| panic!("new {t}: {e}"));
        assert_eq!(ns.ns_type().expect("type"), t);
        let id = ns.id().expect("id");
        assert_ne!(id, link_id("self", t.name()), "{t}: not new");
        assert!(ns
            .owner()
            .expect("owner")
            .same(&Namespace::current(NsType::User).expect("user"))
            .expect("same"));
        // A process that joins it is in it.
        if t == NsType::Pid {
            // Its first process is pid 1 (the namespace was never entered).
            let o = out(Command::new("sh")
                .args(["-c", "echo $$; readlink /proc/self/ns/pid"])
                .join(&ns));
            assert_eq!(
                o,
                format!("1\n{}", ns_link(t, id)),
                "first process of a new pid namespace"
            );
            assert_eq!(
                ns.parent().expect("parent").id().expect("id"),
                link_id("self", "pid")
            );
            // Its init has exited: the kernel takes no new process.
            expect_err(
                Command::new("true").join(&ns).status(),
                &[libc::ENOMEM],
                "a pid namespace whose init exited",
            );
        } else {
            let shown = out(Command::new("readlink")
                .arg(format!("/proc/self/ns/{}", t.name()))
                .join(&ns));
            assert_eq!(shown, ns_link(t, id), "{t}");
        }
    }
    // The caller did not move.
    let before: Vec<String> = NsType::ALL.iter().map(|t| link("self", t.name())).collect();
    let _ = Namespace::new(NsType::Net).expect("net");
    let after: Vec<String> = NsType::ALL.iter().map(|t| link("self", t.name())).collect();
    assert_eq!(before, after);
}

fn namespace_new_userns() {
    let (u, g) = (euid(), egid());
    let ns = Namespace::new_userns(
        Some(&[IdMap::new(0, u, 1)]),
        Some(&[IdMap::new(0, g, 1)]),
        MapFlags::DENY_SETGROUPS,
    )
    .expect("new_userns");
    assert_eq!(ns.ns_type().expect("type"), NsType::User);
    assert_ne!(ns.id().expect("id"), link_id("self", "user"));
    assert_eq!(ns.owner_uid().expect("owner_uid"), u);
    assert!(ns
        .parent()
        .expect("parent")
        .same(&Namespace::current(NsType::User).expect("user"))
        .expect("same"));
    // Its maps, seen through a process in it.
    let c = sleeper(sleep_cmd().join(&ns));
    let pid = c.pid();
    assert_eq!(link_id(pid, "user"), ns.id().expect("id"));
    assert_eq!(
        words(format!("/proc/{pid}/uid_map")),
        ["0", &u.to_string(), "1"]
    );
    assert_eq!(
        words(format!("/proc/{pid}/gid_map")),
        ["0", &g.to_string(), "1"]
    );
    assert_eq!(words(format!("/proc/{pid}/setgroups")), ["deny"]);
    assert_eq!(out(Command::new("id").arg("-u").join(&ns)), "0");
    assert_eq!(out(Command::new("id").arg("-g").join(&ns)), "0");

    // No maps: nothing is mapped, ids show as the overflow ids.
    let overflow = fs::read_to_string("/proc/sys/kernel/overflowuid").expect("overflowuid");
    for bare in [
        Namespace::new(NsType::User).expect("new user"),
        Namespace::new_userns(None, None, MapFlags::empty()).expect("new_userns bare"),
    ] {
        assert_eq!(bare.owner_uid().expect("owner_uid"), u);
        let c = sleeper(sleep_cmd().join(&bare));
        assert!(words(format!("/proc/{}/uid_map", c.pid())).is_empty());
        assert_eq!(
            out(Command::new("id").arg("-u").join(&bare)),
            overflow.trim()
        );
    }
    // Only a uid map.
    let half = Namespace::new_userns(Some(&[IdMap::new(5, u, 1)]), None, MapFlags::empty())
        .expect("uid only");
    let c = sleeper(sleep_cmd().join(&half));
    assert_eq!(
        words(format!("/proc/{}/uid_map", c.pid())),
        ["5", &u.to_string(), "1"]
    );
    assert!(words(format!("/proc/{}/gid_map", c.pid())).is_empty());

    if root() {
        let wide = [IdMap::new(0, 100_000, 1000), IdMap::new(1000, 300_000, 10)];
        let ns = Namespace::new_userns(Some(&wide), Some(&wide), MapFlags::empty()).expect("wide");
        let c = sleeper(sleep_cmd().join(&ns));
        let want = ["0", "100000", "1000", "1000", "300000", "10"];
        assert_eq!(words(format!("/proc/{}/uid_map", c.pid())), want);
        assert_eq!(words(format!("/proc/{}/gid_map", c.pid())), want);
        assert_eq!(words(format!("/proc/{}/setgroups", c.pid())), ["allow"]);
    } else {
        // Someone else's uid; a gid map without denying setgroups.
        expect_err(
            Namespace::new_userns(Some(&[IdMap::new(0, 0, 1)]), None, MapFlags::empty()),
            &[libc::EPERM],
            "mapping uid 0 unprivileged",
        );
        expect_err(
            Namespace::new_userns(None, Some(&[IdMap::new(0, g, 1)]), MapFlags::empty()),
            &[libc::EPERM],
            "gid map without deny, unprivileged",
        );
    }
    let too_many: Vec<IdMap> = (0..341).map(|i| IdMap::new(i, 100_000 + i, 1)).collect();
    expect_err(
        Namespace::new_userns(Some(&too_many), None, MapFlags::empty()),
        &[libc::E2BIG],
        "341 ranges",
    );
}

fn namespace_bind_unbind() {
    let dir = TempDir::new("bind");
    let path = dir.0.join("uts");
    let ns = Namespace::new(NsType::Uts).expect("new uts");
    let id = ns.id().expect("id");
    ns.bind(&path).expect("bind");
    assert_eq!(mounted_fstype(&path).as_deref(), Some("nsfs"), "mountinfo");
    assert_eq!(fs::metadata(&path).expect("stat").ino(), id);
    assert!(Namespace::open_path(&path, Some(NsType::Uts))
        .expect("open")
        .same(&ns)
        .expect("same"));
    expect_err(ns.bind(&path), &[libc::EBUSY, libc::EEXIST], "bind twice");
    drop(ns);
    // Kept alive by the mount alone: a process can still join it.
    let kept = Namespace::open_path(&path, None).expect("open");
    assert_eq!(
        out(Command::new("readlink")
            .arg("/proc/self/ns/uts")
            .join(&kept)),
        ns_link(NsType::Uts, id)
    );
    drop(kept);
    unbind(&path).expect("unbind");
    assert_eq!(mounted_fstype(&path), None, "still mounted");
    assert!(!path.exists(), "file left behind");
    expect_err(unbind(&path), &[libc::ENOENT, libc::EINVAL], "unbind twice");
    expect_err(
        unbind("/etc/hostname"),
        &[libc::EINVAL],
        "unbind a plain file",
    );
    expect_err(
        unbind("/proc/self/ns/uts"),
        &[libc::EINVAL],
        "unbind a /proc link",
    );
    let cur = Namespace::current(NsType::Net).expect("net");
    expect_err(
        cur.bind(dir.0.join("no/such/dir")),
        &[libc::ENOENT],
        "bind into a missing dir",
    );
    // An existing file is used as the mount point.
    let f = dir.0.join("existing");
    fs::write(&f, b"").expect("create");
    cur.bind(&f).expect("bind onto an existing file");
    assert_eq!(
        fs::metadata(&f).expect("stat").ino(),
        link_id("self", "net")
    );
    unbind(&f).expect("unbind");
}

// ---------------------------------------------------------------------
// Moving the calling thread (this case's process is single-threaded).

fn setns_unshare_root() {
    let orig_uts = Namespace::current(NsType::Uts).expect("uts");
    let before = link("self", "uts");
    let host = my_hostname();
    unshare(NsSet::UTS).expect("unshare uts");
    assert_ne!(link("self", "uts"), before);
    set_my_hostname("lnstest-unshared").expect("sethostname");
    assert_eq!(
        sh("uname -n"),
        "lnstest-unshared",
        "a child sees the new hostname"
    );
    assert_eq!(out(Command::new("uname").arg("-n").join(&orig_uts)), host);
    expect_err(
        setns(&orig_uts, NsSet::NET),
        &[libc::EINVAL],
        "setns with the wrong type",
    );
    expect_err(
        setns(&orig_uts, NsSet::UTS | NsSet::NET),
        &[libc::EINVAL],
        "setns with two types",
    );
    setns(&orig_uts, NsSet::empty()).expect("setns back");
    assert_eq!(link("self", "uts"), before);
    assert_eq!(sh("uname -n"), host);

    // setns by pidfd, several types at once.
    let c = sleeper(
        sleep_cmd()
            .unshare(NsSet::UTS | NsSet::IPC | NsSet::NET)
            .hostname("lnstest-pidfd"),
    );
    let pidfd = c.pidfd().expect("pidfd");
    expect_err(
        setns(pidfd, NsSet::empty()),
        &[libc::EINVAL],
        "setns pidfd without types",
    );
    setns(pidfd, NsSet::UTS | NsSet::IPC).expect("setns pidfd");
    assert_eq!(link("self", "uts"), link(c.pid(), "uts"));
    assert_eq!(link("self", "ipc"), link(c.pid(), "ipc"));
    assert_ne!(
        link("self", "net"),
        link(c.pid(), "net"),
        "net was not asked for"
    );
    assert_eq!(sh("uname -n"), "lnstest-pidfd");

    // unshare(PID): only the children move.
    let pid_before = link("self", "pid");
    unshare(NsSet::PID).expect("unshare pid");
    assert_eq!(link("self", "pid"), pid_before);
    // No process in it yet: the kernel shows no pid_for_children link.
    let r = Namespace::open_pid_for_children(0, NsType::Pid);
    match fs::read_link("/proc/thread-self/ns/pid_for_children") {
        Ok(l) => panic!("pid_for_children before any child: {l:?} / {r:?}"),
        Err(e) => {
            let errno = e.raw_os_error().expect("errno");
            expect_err(
                r,
                &[errno],
                "open_pid_for_children of an empty pid namespace",
            );
        }
    }
    let mut init = sp::Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("spawn init");
    let ipid = init.id();
    let nspid = status_field(
        &fs::read_to_string(format!("/proc/{ipid}/status")).expect("status"),
        "NSpid:",
    );
    assert_eq!(
        nspid.split_whitespace().collect::<Vec<_>>(),
        [ipid.to_string().as_str(), "1"]
    );
    assert_ne!(link("self", "pid_for_children"), pid_before);
    assert_eq!(link("self", "pid_for_children"), link(ipid, "pid"));
    let fc = Namespace::open_pid_for_children(0, NsType::Pid).expect("for_children");
    assert_eq!(fc.id().expect("id"), link_id(ipid, "pid"));
    let second: u32 = sh("echo $$").parse().expect("pid");
    assert!(second > 1, "second process got pid {second}");
    init.kill().expect("kill init");
    init.wait().expect("wait init");
}

fn setns_unshare_unpriv() {
    assert!(!root());
    let orig_uts = Namespace::current(NsType::Uts).expect("uts");
    let user_before = link("self", "user");
    let uts_before = link("self", "uts");
    // Without a user namespace the others need privilege.
    for t in [
        NsSet::NET,
        NsSet::UTS,
        NsSet::MNT,
        NsSet::IPC,
        NsSet::PID,
        NsSet::CGROUP,
    ] {
        let e = expect_err(
            unshare(t),
            &[libc::EPERM],
            &format!("unshare {t} unprivileged"),
        );
        assert!(e.to_string().contains("Operation not permitted"), "{e}");
    }
    assert_eq!(link("self", "uts"), uts_before);
    expect_err(
        setns(&orig_uts, NsSet::empty()),
        &[libc::EPERM],
        "setns unprivileged",
    );

    unshare(NsSet::USER | NsSet::UTS).expect("unshare user+uts");
    assert_ne!(link("self", "user"), user_before);
    assert_ne!(link("self", "uts"), uts_before);
    let me = my_pid();
    assert!(words(format!("/proc/{me}/uid_map")).is_empty());
    // Our own maps (pid 0: the calling process).
    write_uid_map(0, &[IdMap::new(0, 65534, 1)], MapFlags::empty()).expect("own uid map");
    write_gid_map(0, &[IdMap::new(0, 65534, 1)], MapFlags::DENY_SETGROUPS).expect("own gid map");
    assert_eq!(words(format!("/proc/{me}/uid_map")), ["0", "65534", "1"]);
    assert_eq!(words(format!("/proc/{me}/setgroups")), ["deny"]);
    assert_eq!(euid(), 0, "root in the new user namespace");
    set_my_hostname("lnstest-unpriv").expect("sethostname in our own uts namespace");
    assert_eq!(sh("uname -n"), "lnstest-unpriv");
    // The original UTS namespace belongs to the initial user namespace.
    expect_err(
        setns(&orig_uts, NsSet::empty()),
        &[libc::EPERM],
        "setns back to the host's uts",
    );
    // Now privileged over our own: a new net namespace.
    let net_before = link("self", "net");
    unshare(NsSet::NET).expect("unshare net inside our user namespace");
    assert_ne!(link("self", "net"), net_before);
}

fn enter_pid_root() {
    expect_err(
        enter_pid(-1, NsSet::empty()),
        &[libc::EINVAL],
        "enter_pid -1",
    );
    expect_err(
        enter_pid(dead_pid(), NsSet::empty()),
        &[libc::ESRCH],
        "enter_pid dead",
    );
    let c = sleeper(
        sleep_cmd()
            .unshare(NsSet::UTS | NsSet::NET | NsSet::IPC)
            .hostname("lnstest-enter"),
    );
    let pid = c.pid();
    let mnt = link("self", "mnt");
    let user = link("self", "user");
    enter_pid(pid, NsSet::UTS).expect("enter uts");
    assert_eq!(link("self", "uts"), link(pid, "uts"));
    assert_ne!(link("self", "net"), link(pid, "net"));
    enter_pid(pid, NsSet::empty()).expect("enter all that differ");
    for t in ["uts", "net", "ipc", "mnt", "user", "pid", "cgroup", "time"] {
        assert_eq!(link("self", t), link(pid, t), "{t}");
    }
    assert_eq!(link("self", "mnt"), mnt);
    assert_eq!(link("self", "user"), user);
    assert_eq!(sh("uname -n"), "lnstest-enter");
    assert_eq!(
        sh("cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '"),
        "lo"
    );
}

fn enter_pid_unpriv() {
    assert!(!root());
    let c = sleeper(
        sleep_cmd()
            .unshare(NsSet::USER | NsSet::UTS | NsSet::IPC)
            .map_root()
            .hostname("lnstest-enter"),
    );
    let pid = c.pid();
    // The UTS namespace alone: it belongs to a user namespace we are not in.
    expect_err(
        enter_pid(pid, NsSet::UTS),
        &[libc::EPERM],
        "enter uts without user",
    );
    assert_ne!(link("self", "uts"), link(pid, "uts"));
    enter_pid(pid, NsSet::empty()).expect("enter_pid");
    for t in ["user", "uts", "ipc", "net", "mnt"] {
        assert_eq!(link("self", t), link(pid, t), "{t}");
    }
    assert_eq!(euid(), 0, "mapped root");
    assert_eq!(sh("uname -n"), "lnstest-enter");
}

fn run_in_root() {
    let net = Namespace::new(NsType::Net).expect("new net");
    let id = net.id().expect("id");
    let before = link("thread-self", "net");
    let me = gettid();
    let (inside, tid, devs) = run_in(&net, NsSet::empty(), || {
        let l = fs::read_link("/proc/thread-self/ns/net").expect("readlink");
        // /proc/net is the main thread's: this thread's is thread-self.
        let devs = fs::read_to_string("/proc/thread-self/net/dev").expect("net/dev");
        (l.to_string_lossy().into_owned(), gettid(), devs)
    })
    .expect("run_in");
    assert_eq!(inside, ns_link(NsType::Net, id));
    assert_ne!(tid, me, "ran on another thread");
    let names: Vec<&str> = devs
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .collect();
    assert_eq!(names, ["lo"], "a new net namespace has only lo");
    assert_eq!(link("thread-self", "net"), before, "the caller moved");
    assert_eq!(link("self", "net"), before);

    // A panic in the closure comes back to the caller.
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = catch_unwind(AssertUnwindSafe(|| {
        run_in(&net, NsSet::empty(), || -> u32 { panic!("boom in run_in") })
    }));
    std::panic::set_hook(prev);
    let payload = r.expect_err("the panic was not resumed");
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert_eq!(msg, "boom in run_in");
    assert_eq!(link("thread-self", "net"), before);

    // A user namespace cannot be joined by one thread; the wrong type.
    let user = Namespace::new_userns(None, None, MapFlags::empty()).expect("userns");
    let ran = AtomicBool::new(false);
    expect_err(
        run_in(&user, NsSet::empty(), || {
            ran.store(true, AtomicOrdering::SeqCst)
        }),
        &[libc::EINVAL],
        "run_in user",
    );
    expect_err(
        run_in(&net, NsSet::UTS, || ran.store(true, AtomicOrdering::SeqCst)),
        &[libc::EINVAL],
        "run_in wrong type",
    );
    assert!(
        !ran.load(AtomicOrdering::SeqCst),
        "the closure ran after a failed setns"
    );

    // Through a pidfd.
    let c = sleeper(sleep_cmd().unshare(NsSet::UTS).hostname("lnstest-runin"));
    let pidfd = c.pidfd().expect("pidfd");
    let h = run_in(&pidfd, NsSet::UTS, my_hostname).expect("run_in pidfd");
    assert_eq!(h, "lnstest-runin");
    assert_ne!(my_hostname(), "lnstest-runin");
    expect_err(
        run_in(&pidfd, NsSet::USER | NsSet::UTS, || {
            ran.store(true, AtomicOrdering::SeqCst)
        }),
        &[libc::EINVAL],
        "run_in pidfd with user",
    );
    assert!(!ran.load(AtomicOrdering::SeqCst));
    // Several at once, from many threads.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let n = net.try_clone().expect("clone");
            std::thread::spawn(move || {
                run_in(&n, NsSet::NET, || link("thread-self", "net")).expect("run_in from a thread")
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().expect("thread"), ns_link(NsType::Net, id));
    }
}

fn run_in_unpriv() {
    assert!(!root());
    let c = sleeper(
        sleep_cmd()
            .unshare(NsSet::USER | NsSet::UTS)
            .map_root()
            .hostname("x"),
    );
    let pidfd = c.pidfd().expect("pidfd");
    let uts = Namespace::open_pidfd(pidfd, NsType::Uts).expect("uts");
    let user = Namespace::open_pidfd(pidfd, NsType::User).expect("user");
    let ran = AtomicBool::new(false);
    let e = expect_err(
        run_in(&uts, NsSet::empty(), || {
            ran.store(true, AtomicOrdering::SeqCst)
        }),
        &[libc::EPERM],
        "run_in a uts we have no caps over",
    );
    assert!(e.to_string().contains("Operation not permitted"), "{e}");
    expect_err(
        run_in(&user, NsSet::empty(), || {
            ran.store(true, AtomicOrdering::SeqCst)
        }),
        &[libc::EINVAL],
        "run_in user",
    );
    expect_err(
        run_in(
            &Namespace::current(NsType::Uts).expect("uts"),
            NsSet::empty(),
            || ran.store(true, AtomicOrdering::SeqCst),
        ),
        &[libc::EPERM],
        "run_in our own uts unprivileged",
    );
    assert!(!ran.load(AtomicOrdering::SeqCst));
    assert_eq!(link("self", "uts"), link("thread-self", "uts"));
}

// ---------------------------------------------------------------------
// Listing.

fn list_vs_kernel() {
    let me = my_pid();
    let all = list(NsSet::empty()).expect("list");
    for t in NsType::ALL {
        let id = link_id("self", t.name());
        let n = all
            .iter()
            .find(|n| n.id == id && n.ns_type == t)
            .unwrap_or_else(|| panic!("our {t}:[{id}] not listed"));
        assert!(n.nprocs >= 1, "{t}");
        let lowest = n.pid.expect("a pid");
        assert!(lowest <= me, "{t}: lowest pid {lowest} above ours");
        // That process may have exited since (other tests' processes
        // come and go); if it is still there, it is in the namespace.
        match fs::read_link(format!("/proc/{lowest}/ns/{}", t.name())) {
            Ok(l) => assert_eq!(
                l.to_string_lossy(),
                format!("{t}:[{id}]"),
                "{t}: pid {lowest} is not in it"
            ),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
            Err(e) => panic!("readlink /proc/{lowest}/ns/{t}: {e}"),
        }
    }
    // Ordered by type, then ascending id.
    let mut seen_types: Vec<NsType> = Vec::new();
    for w in all.windows(2) {
        if w[0].ns_type == w[1].ns_type {
            assert!(w[0].id < w[1].id, "not ascending: {:?} {:?}", w[0], w[1]);
        } else {
            assert!(
                !seen_types.contains(&w[1].ns_type),
                "{} not contiguous",
                w[1].ns_type
            );
            seen_types.push(w[0].ns_type);
        }
    }
    // A type filter.
    let some = list(NsSet::NET | NsSet::UTS).expect("list net|uts");
    assert!(some
        .iter()
        .all(|n| matches!(n.ns_type, NsType::Net | NsType::Uts)));
    assert!(some
        .iter()
        .any(|n| n.ns_type == NsType::Net && n.id == link_id("self", "net")));
    assert!(some
        .iter()
        .any(|n| n.ns_type == NsType::Uts && n.id == link_id("self", "uts")));

    // A child's namespaces, with its pid and our uid.
    let c = sleeper(
        sleep_cmd()
            .unshare(NsSet::USER | NsSet::UTS | NsSet::NET)
            .map_root(),
    );
    let pid = c.pid();
    let l = list(NsSet::USER | NsSet::UTS | NsSet::NET).expect("list");
    let find = |t: NsType| {
        let id = link_id(pid, t.name());
        *l.iter()
            .find(|n| n.ns_type == t && n.id == id)
            .unwrap_or_else(|| panic!("child's {t}:[{id}] not listed"))
    };
    let cuser = find(NsType::User);
    assert_eq!(cuser.owner_uid, euid());
    assert_eq!(cuser.parent_id, Some(link_id("self", "user")));
    assert_eq!((cuser.nprocs, cuser.pid), (1, Some(pid)));
    for t in [NsType::Uts, NsType::Net] {
        let n = find(t);
        assert_eq!((n.nprocs, n.pid), (1, Some(pid)), "{t}");
        assert_eq!(n.userns_id, cuser.id, "{t} owner");
        assert_eq!(n.owner_uid, euid(), "{t}");
        assert_eq!(n.parent_id, None, "{t} has no parent");
    }

    // Against lsns(8): what both lists saw in a process is in lsns, and
    // what lsns saw is in one of them (processes come and go meanwhile;
    // retried). lsns 2.38 omits namespaces kept only by a bind mount:
    // list_bind_mounted checks those against the mount table.
    let mut last = String::new();
    for _ in 0..5 {
        let la = list(NsSet::empty()).expect("list");
        let Some(l) = lsns_pairs() else {
            skip("lsns (util-linux) is not installed")
        };
        let lb = list(NsSet::empty()).expect("list");
        let (a, b) = (pairs_of(&la), pairs_of(&lb));
        let in_procs = |v: &[NsInfo]| {
            pairs_of(
                &v.iter()
                    .filter(|n| n.nprocs > 0)
                    .copied()
                    .collect::<Vec<_>>(),
            )
        };
        let missing: Vec<_> = in_procs(&la)
            .intersection(&in_procs(&lb))
            .filter(|p| !l.contains(*p))
            .cloned()
            .collect();
        let extra: Vec<_> = l
            .iter()
            .filter(|p| !a.contains(*p) && !b.contains(*p))
            .collect();
        if missing.is_empty() && extra.is_empty() {
            assert!(l.contains(&("net".to_owned(), link_id("self", "net"))));
            return;
        }
        last = format!("not in lsns: {missing:?}; only in lsns: {extra:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("list and lsns -J differ: {last}");
}

fn list_bind_mounted() {
    let dir = TempDir::new("listbind");
    let path = dir.0.join("uts");
    let ns = Namespace::new(NsType::Uts).expect("new uts");
    let id = ns.id().expect("id");
    ns.bind(&path).expect("bind");
    drop(ns);
    let l = list(NsSet::UTS).expect("list");
    let n = l
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("bind-mounted uts:[{id}] not listed"));
    assert_eq!((n.nprocs, n.pid), (0, None));
    assert_eq!(n.ns_type, NsType::Uts);
    assert_eq!(n.userns_id, link_id("self", "user"));
    assert_eq!(fs::metadata(&path).expect("stat").ino(), id);
    unbind(&path).expect("unbind");
    assert!(
        !list(NsSet::UTS).expect("list").iter().any(|n| n.id == id),
        "listed after unbind"
    );
}

// ---------------------------------------------------------------------
// Maps, persistence, limits, time, pivot_root, kcmp.

fn write_maps() {
    let (u, g) = (euid(), egid());
    let mut c = sleeper(sleep_cmd().unshare(NsSet::USER));
    let pid = c.pid();
    let uid_map = format!("/proc/{pid}/uid_map");
    assert!(words(&uid_map).is_empty());
    write_uid_map(pid, &[IdMap::new(0, u, 1)], MapFlags::empty()).expect("write_uid_map");
    assert_eq!(words(&uid_map), ["0", &u.to_string(), "1"]);
    let e = expect_err(
        write_uid_map(pid, &[IdMap::new(0, u, 1)], MapFlags::empty()),
        &[libc::EPERM],
        "uid map twice",
    );
    assert!(e.step().contains("uid_map"), "{e}");
    if !root() {
        let e = expect_err(
            write_gid_map(pid, &[IdMap::new(0, g, 1)], MapFlags::empty()),
            &[libc::EPERM],
            "gid map, setgroups allowed",
        );
        assert!(e.step().contains("gid_map"), "{e}");
        assert_eq!(words(format!("/proc/{pid}/setgroups")), ["allow"]);
    }
    write_gid_map(pid, &[IdMap::new(0, g, 1)], MapFlags::DENY_SETGROUPS).expect("write_gid_map");
    assert_eq!(words(format!("/proc/{pid}/setgroups")), ["deny"]);
    assert_eq!(
        words(format!("/proc/{pid}/gid_map")),
        ["0", &g.to_string(), "1"]
    );
    c.kill().expect("kill");
    c.wait().expect("wait");

    // Bad input, checked before anything is written.
    let c2 = sleeper(sleep_cmd().unshare(NsSet::USER));
    let p2 = c2.pid();
    expect_err(
        write_uid_map(-1, &[IdMap::new(0, u, 1)], MapFlags::empty()),
        &[libc::EINVAL],
        "pid -1",
    );
    expect_err(
        write_uid_map(p2, &[], MapFlags::empty()),
        &[libc::EINVAL],
        "empty map",
    );
    let too_many: Vec<IdMap> = (0..341).map(|i| IdMap::new(i, 100_000 + i, 1)).collect();
    expect_err(
        write_uid_map(p2, &too_many, MapFlags::empty()),
        &[libc::E2BIG],
        "341 ranges",
    );
    expect_err(
        write_uid_map(dead_pid(), &[IdMap::new(0, u, 1)], MapFlags::empty()),
        &[libc::ESRCH],
        "dead pid",
    );
    assert!(
        words(format!("/proc/{p2}/uid_map")).is_empty(),
        "a bad call wrote a map"
    );
    if root() {
        let ranges = [IdMap::new(0, 100_000, 65536), IdMap::new(65536, 0, 1)];
        write_uid_map(p2, &ranges, MapFlags::empty()).expect("two ranges as root");
        assert_eq!(
            words(format!("/proc/{p2}/uid_map")),
            ["0", "100000", "65536", "65536", "0", "1"]
        );
        write_gid_map(p2, &ranges, MapFlags::empty()).expect("gid map as root, setgroups allowed");
        assert_eq!(words(format!("/proc/{p2}/setgroups")), ["allow"]);
    } else {
        expect_err(
            write_uid_map(p2, &[IdMap::new(0, 0, 1)], MapFlags::empty()),
            &[libc::EPERM],
            "someone else's uid",
        );
        expect_err(
            write_uid_map(p2, &[IdMap::new(0, u, 2)], MapFlags::empty()),
            &[libc::EPERM],
            "two uids",
        );
        assert!(words(format!("/proc/{p2}/uid_map")).is_empty());
    }
}

fn netns_add_del() {
    let name = format!("lnstest-{}", my_pid());
    struct Del(String);
    impl Drop for Del {
        fn drop(&mut self) {
            let _ = sp::Command::new("ip")
                .args(["netns", "del", &self.0])
                .stderr(sp::Stdio::null())
                .status();
        }
    }
    let _guard = Del(name.clone());
    let listed = |n: &str| -> bool {
        let o = sp::Command::new("ip")
            .args(["netns", "list"])
            .output()
            .expect("ip netns list");
        text(&o.stdout)
            .lines()
            .any(|l| l.split_whitespace().next() == Some(n))
    };
    if sp::Command::new("ip").arg("-V").output().is_err() {
        skip("ip (iproute2) is not installed");
    }
    let ns = netns_add(&name).expect("netns_add");
    let id = ns.id().expect("id");
    assert_ne!(id, link_id("self", "net"));
    assert!(listed(&name), "ip netns list does not show {name}");
    assert_eq!(
        fs::metadata(format!("/run/netns/{name}"))
            .expect("stat")
            .ino(),
        id
    );
    assert!(Namespace::open_name(&name)
        .expect("open_name")
        .same(&ns)
        .expect("same"));
    let theirs = sh(&format!("ip netns exec {name} readlink /proc/self/ns/net"));
    assert_eq!(theirs, ns_link(NsType::Net, id));
    let e = expect_err(netns_add(&name), &[libc::EEXIST], "add twice");
    assert!(e.to_string().contains(&name), "{e}");
    netns_del(&name).expect("netns_del");
    assert!(!listed(&name), "{name} still listed");
    assert!(!Path::new(&format!("/run/netns/{name}")).exists());
    expect_err(netns_del(&name), &[libc::ENOENT], "del twice");
    expect_err(
        Namespace::open_name(&name),
        &[libc::ENOENT],
        "open after del",
    );
    // The handle still holds the namespace.
    assert_eq!(
        out(Command::new("readlink").arg("/proc/self/ns/net").join(&ns)),
        ns_link(NsType::Net, id)
    );
    for bad in ["a/b", "", "..", "."] {
        expect_err(
            netns_add(bad),
            &[libc::EINVAL],
            &format!("netns_add {bad:?}"),
        );
        expect_err(
            netns_del(bad),
            &[libc::EINVAL],
            &format!("netns_del {bad:?}"),
        );
    }
    // One made by iproute2, opened and deleted by us.
    let ipname = format!("lnstest-ip-{}", my_pid());
    let _g2 = Del(ipname.clone());
    sh(&format!("ip netns add {ipname}"));
    let n = Namespace::open_name(&ipname).expect("open ip's netns");
    assert_eq!(n.ns_type().expect("type"), NsType::Net);
    assert_eq!(
        fs::metadata(format!("/run/netns/{ipname}"))
            .expect("stat")
            .ino(),
        n.id().expect("id")
    );
    netns_del(&ipname).expect("del ip's netns");
    assert!(!listed(&ipname));
}

const CAP_SYS_RESOURCE: u32 = 24;

/// Has this process CAP_SYS_RESOURCE (in its user namespace)?
fn have_cap_sys_resource() -> bool {
    let status = fs::read_to_string("/proc/self/status").expect("status");
    let eff = u64::from_str_radix(&status_field(&status, "CapEff:"), 16).expect("CapEff");
    eff & (1 << CAP_SYS_RESOURCE) != 0
}

fn limits() {
    let file = |t: NsType| format!("/proc/sys/user/max_{}_namespaces", t.name());
    let read = |t: NsType| -> u32 {
        let f = file(t);
        let v = fs::read_to_string(&f).unwrap_or_else(|e| panic!("read {f}: {e}"));
        v.trim().parse().expect("number")
    };
    for t in NsType::ALL {
        assert_eq!(limit(t).expect("limit"), read(t), "{t}");
    }
    let old = limit(NsType::Ipc).expect("limit");
    expect_err(
        set_limit(NsType::Ipc, u32::MAX),
        &[libc::EINVAL],
        "set_limit above INT_MAX",
    );
    assert_eq!(read(NsType::Ipc), old);
    if !have_cap_sys_resource() {
        // The kernel opens the file for writing only to CAP_SYS_RESOURCE
        // (which uid 65534 lacks, and root too in some containers and VMs).
        let e = expect_err(
            set_limit(NsType::Ipc, old),
            &[libc::EACCES, libc::EPERM],
            "set_limit without CAP_SYS_RESOURCE",
        );
        assert!(e.step().contains("max_ipc_namespaces"), "{e}");
        assert_eq!(read(NsType::Ipc), old);
    } else {
        struct Restore(u32);
        impl Drop for Restore {
            fn drop(&mut self) {
                let _ = set_limit(NsType::Ipc, self.0);
            }
        }
        let _restore = Restore(old);
        let new = if old < i32::MAX as u32 {
            old + 1
        } else {
            old - 1
        };
        set_limit(NsType::Ipc, new).expect("set_limit");
        assert_eq!(read(NsType::Ipc), new);
        assert_eq!(limit(NsType::Ipc).expect("limit"), new);
        set_limit(NsType::Ipc, old).expect("restore");
        assert_eq!(read(NsType::Ipc), old);
    }

    // The limits are per user namespace: in one of our own we hold
    // CAP_SYS_RESOURCE, and a limit of 0 makes the kernel refuse.
    let (u, g) = (euid(), egid());
    unshare(NsSet::USER).expect("unshare user");
    write_uid_map(0, &[IdMap::new(0, u, 1)], MapFlags::empty()).expect("own uid map");
    write_gid_map(0, &[IdMap::new(0, g, 1)], MapFlags::DENY_SETGROUPS).expect("own gid map");
    assert!(have_cap_sys_resource());
    let mine = limit(NsType::Uts).expect("limit in our user namespace");
    assert_eq!(mine, read(NsType::Uts));
    set_limit(NsType::Uts, 0).expect("set_limit 0");
    assert_eq!(read(NsType::Uts), 0);
    assert_eq!(limit(NsType::Uts).expect("limit"), 0);
    let e = expect_err(
        unshare(NsSet::UTS),
        &[libc::ENOSPC],
        "a UTS namespace over the limit",
    );
    check_text(&e);
    expect_err(
        Command::new("true").unshare(NsSet::UTS).status(),
        &[libc::ENOSPC],
        "spawn over the limit",
    );
    set_limit(NsType::Uts, mine).expect("restore");
    assert_eq!(read(NsType::Uts), mine);
    let before = link("self", "uts");
    unshare(NsSet::UTS).expect("unshare uts under the restored limit");
    assert_ne!(link("self", "uts"), before);
}

fn time_offset() {
    let boot = TEN_YEARS;
    let mono = TEN_YEARS / 2;
    expect_err(
        set_time_offset(-1, Clock::Boottime, 1, 0),
        &[libc::EINVAL],
        "pid -1",
    );
    expect_err(
        set_time_offset(0, Clock::Boottime, 1, 1_000_000_000),
        &[libc::EINVAL],
        "nsec 1e9",
    );
    let time_before = link("self", "time");
    if root() {
        unshare(NsSet::TIME).expect("unshare time");
    } else {
        // Mapped, so that this process can create user namespaces below.
        let (u, g) = (euid(), egid());
        unshare(NsSet::USER | NsSet::TIME).expect("unshare user+time");
        write_uid_map(0, &[IdMap::new(0, u, 1)], MapFlags::empty()).expect("own uid map");
        write_gid_map(0, &[IdMap::new(0, g, 1)], MapFlags::DENY_SETGROUPS).expect("own gid map");
    }
    assert_eq!(link("self", "time"), time_before, "the caller moved");
    assert_ne!(link("self", "time_for_children"), time_before);
    set_time_offset(0, Clock::Boottime, boot, 0).expect("boottime offset");
    set_time_offset(0, Clock::Monotonic, mono, 500).expect("monotonic offset");
    let child_up = uptime(&sh("cat /proc/uptime"));
    let our_up = uptime(&fs::read_to_string("/proc/uptime").expect("uptime"));
    assert!(child_up >= boot as f64, "child's uptime {child_up}");
    assert!(our_up < boot as f64, "our uptime {our_up}");
    let offsets = sh("cat /proc/self/timens_offsets");
    let want: BTreeSet<String> = [
        format!("monotonic {mono} 500"),
        format!("boottime {boot} 0"),
    ]
    .into();
    assert_eq!(offset_lines(&offsets), want, "timens_offsets: {offsets}");
    // A process has entered it: too late.
    let e = expect_err(
        set_time_offset(0, Clock::Boottime, 1, 0),
        &[libc::EACCES],
        "after a process entered",
    );
    assert!(e.hint().is_some(), "{e}");
    // The same for a running child in a new time namespace.
    let c = sleeper(sleep_cmd().unshare(NsSet::USER | NsSet::TIME).map_root());
    expect_err(
        set_time_offset(c.pid(), Clock::Monotonic, 1, 0),
        &[libc::EACCES],
        "a running child",
    );
    expect_err(
        set_time_offset(dead_pid(), Clock::Monotonic, 1, 0),
        &[libc::ESRCH],
        "a dead pid",
    );
}

fn pivot_root_case() {
    expect_err(
        pivot_root("/", "/"),
        &[libc::EBUSY, libc::EINVAL, libc::EPERM],
        "pivot_root onto itself",
    );
    if root() {
        unshare(NsSet::MNT).expect("unshare mnt");
    } else {
        // Mapped, so that files can be created in the new tmpfs.
        let (u, g) = (euid(), egid());
        unshare(NsSet::USER | NsSet::MNT).expect("unshare user+mnt");
        write_uid_map(0, &[IdMap::new(0, u, 1)], MapFlags::empty()).expect("own uid map");
        write_gid_map(0, &[IdMap::new(0, g, 1)], MapFlags::DENY_SETGROUPS).expect("own gid map");
    }
    mount("none", Path::new("/"), "", libc::MS_REC | libc::MS_PRIVATE);
    let old_entries: BTreeSet<_> = fs::read_dir("/")
        .expect("ls /")
        .map(|e| e.expect("e").file_name())
        .collect();
    // A tmpfs over /mnt, private to this mount namespace, is the new root.
    let new = Path::new("/mnt");
    mount("lnstest", new, "tmpfs", 0);
    fs::write(new.join("marker"), b"new root").expect("marker");
    fs::create_dir(new.join("old")).expect("mkdir old");
    fs::create_dir_all(new.join("plain/old")).expect("mkdir plain");
    expect_err(
        pivot_root("/mnt/nonexistent", "/mnt/nonexistent/old"),
        &[libc::ENOENT],
        "missing new root",
    );
    expect_err(
        pivot_root("/mnt/plain", "/mnt/plain/old"),
        &[libc::EINVAL],
        "new root not a mount point",
    );
    expect_err(
        pivot_root("/mnt", "/tmp"),
        &[libc::EBUSY, libc::EINVAL],
        "put_old not under new root",
    );
    pivot_root("/mnt", "/mnt/old").expect("pivot_root");
    std::env::set_current_dir("/").expect("cd /");
    assert_eq!(fs::read("/marker").expect("/marker"), b"new root");
    let moved: BTreeSet<_> = fs::read_dir("/old")
        .expect("ls /old")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(moved, old_entries, "the old root is at /old");
}

fn kcmp_case() {
    use std::cmp::Ordering::Equal;
    let me = my_pid();
    for t in [
        KcmpType::Vm,
        KcmpType::Files,
        KcmpType::Fs,
        KcmpType::Sighand,
    ] {
        assert_eq!(kcmp(me, me, t, 0, 0).expect("kcmp"), Some(Equal), "{t:?}");
    }
    let f = File::open("/etc/hostname").expect("open");
    let dup = f.try_clone().expect("dup");
    let other = File::open("/etc/hostname").expect("open");
    let (fd, dfd, ofd) = (
        f.as_raw_fd() as u64,
        dup.as_raw_fd() as u64,
        other.as_raw_fd() as u64,
    );
    assert_eq!(
        kcmp(me, me, KcmpType::File, fd, dfd).expect("kcmp file"),
        Some(Equal)
    );
    let r = kcmp(me, me, KcmpType::File, fd, ofd).expect("kcmp file");
    assert!(
        matches!(
            r,
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Greater)
        ),
        "{r:?}"
    );
    let c = sleeper(sleep_cmd().fd(7, &f));
    let r = kcmp(me, c.pid(), KcmpType::Vm, 0, 0).expect("kcmp vm");
    assert!(
        matches!(
            r,
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Greater)
        ),
        "{r:?}"
    );
    assert_eq!(
        kcmp(me, c.pid(), KcmpType::File, fd, 7).expect("kcmp inherited"),
        Some(Equal)
    );
    expect_err(
        kcmp(me, me, KcmpType::File, fd, 9999),
        &[libc::EBADF],
        "a closed fd",
    );
    expect_err(
        kcmp(me, dead_pid(), KcmpType::Vm, 0, 0),
        &[libc::ESRCH],
        "a dead pid",
    );
    if !root() {
        expect_err(
            kcmp(me, 1, KcmpType::Vm, 0, 0),
            &[libc::EPERM, libc::EACCES],
            "root's pid 1",
        );
    }
}

// ---------------------------------------------------------------------
// Errors.

fn strerror(errno: i32) -> String {
    // SAFETY: strerror returns a valid C string (this process is
    // single-threaded, so its buffer is not shared).
    unsafe { CStr::from_ptr(libc::strerror(errno)) }
        .to_string_lossy()
        .into_owned()
}

fn check_text(e: &linuxns::Error) {
    let want = match e.hint() {
        Some(h) => format!("{}: {} ({h})", e.step(), strerror(e.errno())),
        None => format!("{}: {}", e.step(), strerror(e.errno())),
    };
    assert_eq!(e.to_string(), want);
    assert!(!e.step().is_empty());
    assert!(!e.to_string().contains("os error"), "{e}");
    assert_eq!(
        e.kind(),
        std::io::Error::from_raw_os_error(e.errno()).kind()
    );
    let io: std::io::Error = e.clone().into();
    assert_eq!(io.kind(), e.kind());
    assert_eq!(io.to_string(), e.to_string());
    let inner = io
        .get_ref()
        .and_then(|r| r.downcast_ref::<linuxns::Error>())
        .expect("source");
    assert_eq!(inner.errno(), e.errno());
}

fn error_format() {
    assert_eq!(linuxns::current_uid(), euid());
    assert_eq!(linuxns::current_gid(), egid());
    assert_eq!(linuxns::is_root(), root());
    let e = expect_err(
        Namespace::open_pid(-1, NsType::Net),
        &[libc::EINVAL],
        "open_pid -1",
    );
    check_text(&e);
    assert!(e.step().contains("-1"), "{e}");
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    let e = expect_err(
        Namespace::open_path("/nonexistent/lnstest", None),
        &[libc::ENOENT],
        "missing",
    );
    check_text(&e);
    assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    assert!(e.step().contains("/nonexistent/lnstest"), "{e}");
    let e = expect_err(
        Namespace::open_path("/etc/hostname", None),
        &[libc::EINVAL],
        "not a namespace",
    );
    check_text(&e);
    let hint = e.hint().expect("a hint");
    assert!(e.to_string().ends_with(&format!(" ({hint})")), "{e}");
    // A spawn's error names its step.
    let e = expect_err(
        Command::new("true").hostname("x").spawn().map(|_| ()),
        &[libc::EINVAL],
        "hostname without uts",
    );
    check_text(&e);
    assert!(e.step().contains("hostname"), "{e}");
    let e = expect_err(
        Command::new("/nonexistent/lnstest").status(),
        &[libc::ENOENT],
        "missing program",
    );
    check_text(&e);
    // `?` into io::Result.
    fn io_fn() -> std::io::Result<u64> {
        Ok(Namespace::open_path("/etc/hostname", None)?.id()?)
    }
    let io = io_fn().expect_err("io error");
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
    assert!(io.to_string().contains("/etc/hostname"), "{io}");
    if !root() {
        let e = expect_err(
            Namespace::new(NsType::Net),
            &[libc::EPERM],
            "new net unprivileged",
        );
        check_text(&e);
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
    }
}

fn unpriv_refusals() {
    assert!(!root());
    for t in NsType::ALL.into_iter().filter(|t| *t != NsType::User) {
        expect_err(
            Namespace::new(t),
            &[libc::EPERM],
            &format!("new {t} without a user namespace"),
        );
    }
    let e = expect_err(
        Command::new("true").unshare(NsSet::NET).status(),
        &[libc::EPERM],
        "Command unshare net",
    );
    check_text(&e);
    // With a user namespace, the same works.
    let shown = out(Command::new("readlink")
        .arg("/proc/self/ns/net")
        .unshare(NsSet::USER | NsSet::NET)
        .map_root());
    assert_ne!(shown, link("self", "net"));
    expect_err(
        netns_add(&format!("lnstest-{}", my_pid())),
        &[libc::EACCES, libc::EPERM],
        "netns_add",
    );
    let dir = TempDir::new("bindu");
    expect_err(
        Namespace::current(NsType::Uts)
            .expect("uts")
            .bind(dir.0.join("uts")),
        &[libc::EPERM, libc::EACCES],
        "bind unprivileged",
    );
    expect_err(
        unbind("/proc/self/ns/uts"),
        &[libc::EINVAL],
        "unbind a /proc link",
    );
    expect_err(
        Command::new("true").uid(0).status(),
        &[libc::EPERM],
        "uid 0 unprivileged",
    );
    expect_err(
        Command::new("true").groups(&[0]).status(),
        &[libc::EPERM],
        "groups unprivileged",
    );
    expect_err(
        Command::new("true").keep_caps(1 << 10).status(),
        &[libc::EPERM],
        "keep_caps unprivileged",
    );
    assert!(my_children().is_empty(), "a failed spawn left a child");
}

// ---------------------------------------------------------------------
// Command.

const TYPES_SCRIPT: &str =
    "for t in cgroup ipc mnt net pid time user uts; do readlink /proc/self/ns/$t; done";

fn child_links(cmd: &mut Command) -> BTreeMap<String, String> {
    let o = out(cmd.arg("-c").arg(TYPES_SCRIPT));
    let mut m = BTreeMap::new();
    for l in o.lines() {
        let (t, _) = l.split_once(':').expect("link");
        m.insert(t.to_owned(), l.to_owned());
    }
    assert_eq!(m.len(), 8, "{o}");
    m
}

fn cmd_namespaces() {
    let all = NsSet::all();
    let got = child_links(Command::new("sh").unshare(all).map_root());
    for t in NsType::ALL {
        assert_ne!(got[t.name()], link("self", t.name()), "{t} not new");
    }
    let got = child_links(
        Command::new("sh")
            .unshare(NsSet::USER | NsSet::UTS)
            .map_root(),
    );
    for t in NsType::ALL {
        let new = matches!(t, NsType::User | NsType::Uts);
        assert_eq!(got[t.name()] != link("self", t.name()), new, "{t}");
    }
    let got = child_links(&mut Command::new("sh"));
    for t in NsType::ALL {
        assert_eq!(got[t.name()], link("self", t.name()), "{t}");
    }
    if root() {
        let got = child_links(Command::new("sh").unshare(NsSet::NET | NsSet::IPC));
        for t in NsType::ALL {
            let new = matches!(t, NsType::Net | NsType::Ipc);
            assert_eq!(got[t.name()] != link("self", t.name()), new, "{t}");
        }
    }
    // The caller did not move.
    assert_eq!(link("self", "user"), link("thread-self", "user"));
}

fn cmd_map_root() {
    let (u, g) = (euid(), egid());
    let c = sleeper(sleep_cmd().unshare(NsSet::USER).map_root());
    let pid = c.pid();
    assert_eq!(
        words(format!("/proc/{pid}/uid_map")),
        ["0", &u.to_string(), "1"]
    );
    assert_eq!(
        words(format!("/proc/{pid}/gid_map")),
        ["0", &g.to_string(), "1"]
    );
    assert_eq!(words(format!("/proc/{pid}/setgroups")), ["deny"]);
    let inside = out(Command::new("sh")
        .args(["-c", "id -u; id -g; cat /proc/self/uid_map"])
        .unshare(NsSet::USER)
        .map_root());
    let w: Vec<&str> = inside.split_whitespace().collect();
    assert_eq!(w, ["0", "0", "0", &u.to_string(), "1"]);
    expect_err(
        Command::new("true").map_root().status(),
        &[libc::EINVAL],
        "map_root without a user namespace",
    );
}

fn cmd_uid_gid_map() {
    let (u, g) = (euid(), egid());
    let o = out(Command::new("sh")
        .args([
            "-c",
            "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map",
        ])
        .unshare(NsSet::USER)
        .uid_map(&[IdMap::new(1000, u, 1)], MapFlags::empty())
        .gid_map(&[IdMap::new(2000, g, 1)], MapFlags::DENY_SETGROUPS));
    let w: Vec<&str> = o.split_whitespace().collect();
    assert_eq!(
        w,
        [
            "1000",
            "2000",
            "1000",
            &u.to_string(),
            "1",
            "2000",
            &g.to_string(),
            "1"
        ]
    );
    if !root() {
        let e = expect_err(
            Command::new("true")
                .unshare(NsSet::USER)
                .uid_map(&[IdMap::new(0, 0, 1)], MapFlags::empty())
                .status(),
            &[libc::EPERM],
            "someone else's uid",
        );
        assert!(e.step().contains("uid_map"), "{e}");
        let e = expect_err(
            Command::new("true")
                .unshare(NsSet::USER)
                .gid_map(&[IdMap::new(0, g, 1)], MapFlags::empty())
                .status(),
            &[libc::EPERM],
            "gid map without deny",
        );
        assert!(e.step().contains("gid_map"), "{e}");
    } else {
        let o = out(Command::new("cat")
            .arg("/proc/self/gid_map")
            .unshare(NsSet::USER)
            .gid_map(
                &[IdMap::new(0, 100_000, 10), IdMap::new(10, 0, 1)],
                MapFlags::empty(),
            ));
        assert_eq!(
            o.split_whitespace().collect::<Vec<_>>(),
            ["0", "100000", "10", "10", "0", "1"]
        );
    }
    assert!(my_children().is_empty(), "a failed spawn left a child");
}

fn cmd_hostname() {
    let host = my_hostname();
    let got = out(Command::new("uname")
        .arg("-n")
        .unshare(NsSet::USER | NsSet::UTS)
        .map_root()
        .hostname("lnstest-box"));
    assert_eq!(got, "lnstest-box");
    assert_eq!(sh("uname -n"), host, "our hostname changed");
    assert_ne!(host, "lnstest-box");
    // Without a hostname, a new UTS namespace starts with a copy of ours.
    let got = out(Command::new("uname")
        .arg("-n")
        .unshare(NsSet::USER | NsSet::UTS)
        .map_root());
    assert_eq!(got, host);
    let long = "h".repeat(65);
    expect_err(
        Command::new("true")
            .unshare(NsSet::USER | NsSet::UTS)
            .map_root()
            .hostname(&long)
            .status(),
        &[libc::EINVAL],
        "65 bytes",
    );
    let max = "h".repeat(64);
    assert_eq!(
        out(Command::new("uname")
            .arg("-n")
            .unshare(NsSet::USER | NsSet::UTS)
            .map_root()
            .hostname(&max)),
        max
    );
}

fn cmd_mount_proc() {
    let o = out(Command::new("ls")
        .arg("/proc")
        .unshare(NsSet::USER | NsSet::PID | NsSet::MNT)
        .map_root()
        .mount_proc(true));
    let pids: Vec<&str> = o
        .lines()
        .filter(|l| l.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert_eq!(pids, ["1"], "only the child itself");
    assert!(
        Path::new(&format!("/proc/{}", my_pid())).exists(),
        "our /proc changed"
    );
    let o = out(Command::new("sh")
        .args(["-c", "readlink /proc/self/ns/pid; echo $$; ls /proc"])
        .unshare(NsSet::USER | NsSet::PID | NsSet::MNT)
        .map_root()
        .mount_proc(true));
    let mut it = o.lines();
    assert_ne!(it.next().expect("pid link"), link("self", "pid"));
    assert_eq!(it.next(), Some("1"), "sh is pid 1");
    let pids: Vec<&str> = it
        .filter(|l| l.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert_eq!(pids.len(), 2, "sh and ls: {pids:?}");
    assert_eq!(pids[0], "1");
    expect_err(
        Command::new("true")
            .unshare(NsSet::USER | NsSet::MNT)
            .map_root()
            .mount_proc(true)
            .status(),
        &[libc::EINVAL],
        "mount_proc without pid",
    );
}

fn cmd_current_dir() {
    let dir = TempDir::new("cwd");
    let canon = fs::canonicalize(&dir.0).expect("canonicalize");
    assert_eq!(
        out(Command::new("pwd").arg("-P").current_dir(&dir.0)),
        canon.to_string_lossy()
    );
    assert_eq!(
        out(Command::new("sh")
            .args(["-c", "readlink /proc/$$/cwd"])
            .current_dir("/")),
        "/"
    );
    let e = expect_err(
        Command::new("true")
            .current_dir("/nonexistent/lnstest")
            .status(),
        &[libc::ENOENT],
        "missing dir",
    );
    assert!(e.step().contains("chdir"), "{e}");
    check_text(&e);
    expect_err(
        Command::new("true").current_dir("/etc/hostname").status(),
        &[libc::ENOTDIR],
        "a file",
    );
}

fn cmd_env() {
    std::env::set_var("LNSTEST_INHERITED", "from-parent");
    let o = out(Command::new("sh").args(["-c", "echo ${LNSTEST_INHERITED-unset}"]));
    assert_eq!(o, "from-parent");
    let o = out(Command::new("sh")
        .args(["-c", "echo ${LNSTEST_INHERITED-unset}"])
        .env_remove("LNSTEST_INHERITED"));
    assert_eq!(o, "unset");
    let o = out(Command::new("sh")
        .args(["-c", "echo $A-$B-$LNSTEST_INHERITED"])
        .env("A", "1")
        .envs([("B", "2"), ("LNSTEST_INHERITED", "over")]));
    assert_eq!(o, "1-2-over");
    let o = out(Command::new("env").env_clear().env("ONLY", "1"));
    assert_eq!(o, "ONLY=1");
    let o = out(Command::new("env").env_clear());
    assert_eq!(o, "");
    // The program is looked up in the child's PATH when one is given.
    let e = expect_err(
        Command::new("true").env("PATH", "/nonexistent").status(),
        &[libc::ENOENT],
        "PATH without true",
    );
    assert!(e.to_string().contains("true"), "{e}");
    let o = out(Command::new("sh")
        .args(["-c", "echo $PATH"])
        .env("PATH", "/usr/bin:/bin"));
    assert_eq!(o, "/usr/bin:/bin");
    expect_err(
        Command::new("true").env("A=B", "1").status(),
        &[libc::EINVAL],
        "a name with '='",
    );
    expect_err(
        Command::new("true").env("", "1").status(),
        &[libc::EINVAL],
        "an empty name",
    );
}

fn cmd_stdio() {
    // stdin and stdout piped.
    let mut c = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cat");
    assert!(c.stderr.is_none());
    c.stdin
        .take()
        .expect("stdin")
        .write_all(b"ping")
        .expect("write");
    let o = c.wait_with_output().expect("wait");
    assert_eq!(o.stdout, b"ping");
    // What the child's descriptors are, seen by the child.
    let o = Command::new("sh")
        .args([
            "-c",
            "x=$(readlink /proc/$$/fd/0 /proc/$$/fd/1); echo \"$x\" >&2",
        ])
        .stdout(Stdio::null())
        .output()
        .expect("sh");
    assert_eq!(o.stdout, b"");
    assert_eq!(
        text(&o.stderr),
        "/dev/null\n/dev/null\n",
        "output() default stdin, stdout null"
    );
    let o = Command::new("sh")
        .args(["-c", "echo e >&2; echo o"])
        .stderr(Stdio::null())
        .output()
        .expect("sh");
    assert_eq!(
        (o.stdout.as_slice(), o.stderr.as_slice()),
        (&b"o\n"[..], &b""[..])
    );
    // status() inherits: the child's stdout is ours.
    let dir = TempDir::new("stdio");
    let file = dir.0.join("out");
    let f = File::create(&file).expect("create");
    let st = Command::new("sh")
        .args(["-c", "readlink /proc/$$/fd/1; echo to-file"])
        .stdout(f)
        .status()
        .expect("sh");
    assert!(st.success());
    assert_eq!(
        fs::read_to_string(&file).expect("read"),
        format!("{}\nto-file\n", file.display())
    );
    let ours = fs::read_link("/proc/self/fd/1").expect("our stdout");
    let o = sp::Command::new("true").status(); // keep std in use
    assert!(o.expect("true").success());
    let mut inherit = Command::new("sh")
        .args(["-c", "x=$(readlink /proc/$$/fd/1); echo \"$x\" >&2"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("inherit");
    let mut s = String::new();
    inherit
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut s)
        .expect("read");
    assert!(inherit.wait().expect("wait").success());
    assert_eq!(s.trim_end(), ours.to_string_lossy(), "stdout not inherited");
    // One child's output is another's input.
    let mut first = Command::new("echo")
        .arg("chain")
        .stdout(Stdio::piped())
        .spawn()
        .expect("echo");
    let pipe = first.stdout.take().expect("stdout");
    let o = Command::new("tr")
        .args(["a-z", "A-Z"])
        .stdin(pipe)
        .output()
        .expect("tr");
    assert!(first.wait().expect("wait").success());
    assert_eq!(o.stdout, b"CHAIN\n");
    // stdin null: cat reads nothing.
    let o = Command::new("cat")
        .stdin(Stdio::null())
        .output()
        .expect("cat");
    assert_eq!((o.status.success(), o.stdout.len()), (true, 0));
}

fn cmd_fd_close_fds() {
    let f = File::open("/etc/hostname").expect("open");
    let want = fs::read("/etc/hostname").expect("read");
    let o = Command::new("sh")
        .args(["-c", "cat <&5"])
        .fd(5, &f)
        .output()
        .expect("fd 5");
    assert_eq!(o.stdout, want);
    let f = File::open("/etc/hostname").expect("open again"); // the offset moved
    let o = Command::new("cat")
        .fd(0, &f)
        .stdout(Stdio::piped())
        .spawn()
        .expect("fd 0")
        .wait_with_output()
        .expect("wait");
    assert_eq!(o.stdout, want, "fd(0) replaces stdin");
    expect_err(
        Command::new("true").fd(-1, &f).status(),
        &[libc::EBADF],
        "fd -1",
    );
    // A descriptor of ours without close-on-exec, above the usual ones.
    // SAFETY: F_DUPFD of an open descriptor returns a new one we own.
    let raw: RawFd = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_DUPFD, 50) };
    assert!(raw >= 50);
    // SAFETY: raw is ours alone.
    let leaky = unsafe { OwnedFd::from_raw_fd(raw) };
    let probe = format!("if [ -e /proc/$$/fd/{raw} ]; then echo open; else echo closed; fi; if [ -e /proc/$$/fd/9 ]; then echo 9; fi");
    assert_eq!(out(Command::new("sh").args(["-c", &probe])), "open");
    assert_eq!(
        out(Command::new("sh").args(["-c", &probe]).close_fds(true)),
        "closed"
    );
    assert_eq!(
        out(Command::new("sh")
            .args(["-c", &probe])
            .close_fds(true)
            .fd(9, &f)),
        "closed\n9"
    );
    assert_eq!(
        out(Command::new("sh").args(["-c", &probe]).close_fds(false)),
        "open"
    );
    drop(leaky);
    // A close-on-exec descriptor never reaches the child.
    let cloexec = f.as_raw_fd();
    let o = out(Command::new("sh").args([
        "-c",
        &format!("[ -e /proc/$$/fd/{cloexec} ] && echo open || echo closed"),
    ]));
    assert_eq!(o, "closed");
}

fn cmd_join_new() {
    let net = Namespace::new(NsType::Net).expect("net");
    let uts = Namespace::new(NsType::Uts).expect("uts");
    let o = out(Command::new("sh")
        .args([
            "-c",
            "readlink /proc/self/ns/net /proc/self/ns/uts; uname -n",
        ])
        .join(&net)
        .join(&uts)
        .hostname("lnstest-joined"));
    let w: Vec<&str> = o.lines().collect();
    assert_eq!(
        w,
        [
            ns_link(NsType::Net, net.id().expect("id")).as_str(),
            &ns_link(NsType::Uts, uts.id().expect("id")),
            "lnstest-joined"
        ]
    );
    // The hostname stays with the namespace.
    assert_eq!(
        out(Command::new("uname").arg("-n").join(&uts)),
        "lnstest-joined"
    );
    assert_ne!(my_hostname(), "lnstest-joined");
    // Join one, create another.
    let o = out(Command::new("sh")
        .args(["-c", "readlink /proc/self/ns/net /proc/self/ns/ipc"])
        .join(&net)
        .unshare(NsSet::IPC));
    let w: Vec<&str> = o.lines().collect();
    assert_eq!(w[0], ns_link(NsType::Net, net.id().expect("id")));
    assert_ne!(w[1], link("self", "ipc"));
    // A joined user namespace (made by us, root mapped).
    let user = Namespace::new_userns(
        Some(&[IdMap::new(0, 0, 1)]),
        Some(&[IdMap::new(0, 0, 1)]),
        MapFlags::empty(),
    )
    .expect("userns");
    let o = out(Command::new("sh")
        .args([
            "-c",
            "readlink /proc/self/ns/user; readlink /proc/self/ns/uts",
        ])
        .join(&user)
        .unshare(NsSet::UTS));
    let w: Vec<&str> = o.lines().collect();
    assert_eq!(w[0], ns_link(NsType::User, user.id().expect("id")));
    assert_ne!(w[1], link("self", "uts"));
}

fn cmd_join_pidfd() {
    let mut target = if root() {
        sleeper(
            sleep_cmd()
                .unshare(NsSet::UTS | NsSet::NET | NsSet::PID | NsSet::MNT)
                .mount_proc(true)
                .hostname("lnstest-target"),
        )
    } else {
        sleeper(
            sleep_cmd()
                .unshare(NsSet::USER | NsSet::UTS | NsSet::NET | NsSet::PID | NsSet::MNT)
                .map_root()
                .mount_proc(true)
                .hostname("lnstest-target"),
        )
    };
    let tpid = target.pid();
    let mut types = NsSet::UTS | NsSet::NET | NsSet::PID | NsSet::MNT;
    if !root() {
        types |= NsSet::USER;
    }
    let pidfd = target.pidfd().expect("pidfd");
    let script = "uname -n; echo $$; for t in uts net pid mnt user; do readlink /proc/self/ns/$t; done; ls /proc";
    let o = out(Command::new("sh")
        .args(["-c", script])
        .join_pidfd(pidfd, types));
    let w: Vec<&str> = o.lines().collect();
    assert_eq!(w[0], "lnstest-target");
    for (i, t) in ["uts", "net", "pid", "mnt", "user"].iter().enumerate() {
        assert_eq!(w[2 + i], link(tpid, t), "{t}");
    }
    // The target's /proc: sleep (1), sh and ls, no pid of ours.
    let pids: Vec<&str> = w[7..]
        .iter()
        .copied()
        .filter(|l| l.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert_eq!(pids.len(), 3, "{pids:?}");
    assert_eq!(pids[0], "1");
    assert!(
        pids.contains(&w[1]),
        "sh's pid {} in the target's namespace",
        w[1]
    );
    // The same through namespace handles.
    let mut cmd = Command::new("uname");
    cmd.arg("-n");
    for t in types.iter() {
        cmd.join(&Namespace::open_pidfd(pidfd, t).expect("open"));
    }
    assert_eq!(out(&mut cmd), "lnstest-target");
    expect_err(
        Command::new("true")
            .join_pidfd(pidfd, NsSet::empty())
            .status(),
        &[libc::EINVAL],
        "pidfd, no types",
    );
    let f = File::open("/etc/hostname").expect("open");
    let e = expect_err(
        Command::new("true")
            .join_pidfd(f.as_fd(), NsSet::UTS)
            .status(),
        &[libc::EINVAL],
        "a plain file",
    );
    assert!(e.hint().is_some(), "{e}");
    let net = Namespace::current(NsType::Net).expect("net");
    expect_err(
        Command::new("true")
            .join_pidfd(net.as_fd(), NsSet::UTS)
            .status(),
        &[libc::EINVAL],
        "a net namespace for uts",
    );
    if !root() {
        let e = expect_err(
            Command::new("true").join_pidfd(pidfd, NsSet::UTS).status(),
            &[libc::EPERM],
            "uts without its user namespace",
        );
        check_text(&e);
    }
    target.kill().expect("kill");
    target.wait().expect("wait");
    let pidfd = target.pidfd().expect("pidfd");
    expect_err(
        Command::new("true").join_pidfd(pidfd, NsSet::UTS).status(),
        &[libc::ESRCH],
        "an exited target",
    );
    assert!(my_children().is_empty(), "a failed spawn left a child");
}

fn cmd_join_time() {
    // A target in a time namespace of its own, ten years after boot.
    let target = sleeper(
        sleep_cmd()
            .unshare(NsSet::USER | NsSet::TIME)
            .map_root()
            .time_offset(Clock::Boottime, TEN_YEARS, 0),
    );
    let tpid = target.pid();
    assert_ne!(link(tpid, "time"), link("self", "time"));
    let pidfd = target.pidfd().expect("pidfd");
    let both = NsSet::USER | NsSet::TIME;
    let o = out(Command::new("sh")
        .args(["-c", "readlink /proc/self/ns/time; cat /proc/uptime"])
        .join_pidfd(pidfd, both));
    let l: Vec<&str> = o.lines().collect();
    assert_eq!(l[0], link(tpid, "time"));
    assert!(uptime(l[1]) >= TEN_YEARS as f64, "uptime {}", l[1]);
    // By handles.
    let user = Namespace::open_pidfd(pidfd, NsType::User).expect("user");
    let time = Namespace::open_pidfd(pidfd, NsType::Time).expect("time");
    let o = out(Command::new("readlink")
        .arg("/proc/self/ns/time")
        .join(&user)
        .join(&time));
    assert_eq!(o, link(tpid, "time"));
    // Joined, then a new namespace inside (owned by the joined user
    // namespace, where the target's map makes us root).
    let o = out(Command::new("sh")
        .args(["-c", "id -u; uname -n; readlink /proc/self/ns/time"])
        .join_pidfd(pidfd, both)
        .unshare(NsSet::UTS)
        .hostname("lnstest-time"));
    assert_eq!(o, format!("0\nlnstest-time\n{}", link(tpid, "time")));
    // A failure after the join comes back; nothing is left running.
    let e = expect_err(
        Command::new("/nonexistent/lnstest")
            .join_pidfd(pidfd, both)
            .status(),
        &[libc::ENOENT],
        "exec after a time join",
    );
    check_text(&e);
    assert_eq!(my_children(), [tpid], "a failed spawn left a child");
    // Several at once.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (u, t) = (
                user.try_clone().expect("clone"),
                time.try_clone().expect("clone"),
            );
            std::thread::spawn(move || {
                (0..5)
                    .map(|_| {
                        out(Command::new("readlink")
                            .arg("/proc/self/ns/time")
                            .join(&u)
                            .join(&t))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for t in threads {
        for o in t.join().expect("thread") {
            assert_eq!(o, link(tpid, "time"));
        }
    }
    if root() {
        // A new time namespace, joined without a user namespace.
        let t = Namespace::new(NsType::Time).expect("new time");
        let o = out(Command::new("readlink").arg("/proc/self/ns/time").join(&t));
        assert_eq!(o, ns_link(NsType::Time, t.id().expect("id")));
    }
}

fn cmd_uid_gid_groups() {
    let o = out(Command::new("sh")
        .args([
            "-c",
            "id -u; id -g; grep -E '^(Uid|Gid|Groups):' /proc/$$/status",
        ])
        .uid(65534)
        .gid(65533)
        .groups(&[100, 65533, 7]));
    let lines: Vec<&str> = o.lines().collect();
    assert_eq!(lines[0], "65534");
    assert_eq!(lines[1], "65533");
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["Uid:", "65534", "65534", "65534", "65534"]
    );
    assert_eq!(
        lines[3].split_whitespace().collect::<Vec<_>>(),
        ["Gid:", "65533", "65533", "65533", "65533"]
    );
    let mut g: Vec<&str> = lines[4].split_whitespace().skip(1).collect();
    g.sort();
    assert_eq!(g, ["100", "65533", "7"]);
    let o = out(Command::new("id").arg("-G").gid(65533).groups(&[]));
    assert_eq!(o, "65533", "empty groups");
    // Inside a new user namespace, an id of its map.
    let o = out(Command::new("sh")
        .args(["-c", "id -u; id -g"])
        .unshare(NsSet::USER)
        .uid_map(&[IdMap::new(0, 100_000, 1000)], MapFlags::empty())
        .gid_map(&[IdMap::new(0, 100_000, 1000)], MapFlags::empty())
        .uid(5)
        .gid(6));
    assert_eq!(o, "5\n6");
    expect_err(
        Command::new("true")
            .unshare(NsSet::USER)
            .map_root()
            .uid(5)
            .status(),
        &[libc::EINVAL, libc::EPERM],
        "a uid outside the map",
    );
}

fn cmd_keep_caps() {
    const CAP_NET_BIND_SERVICE: u64 = 10;
    let grab = "grep -E '^Cap(Inh|Prm|Eff|Amb):' /proc/$$/status";
    let o = out(Command::new("sh")
        .args(["-c", grab])
        .uid(65534)
        .keep_caps(1 << CAP_NET_BIND_SERVICE));
    for l in o.lines() {
        assert!(l.ends_with("0000000000000400"), "{l}");
    }
    assert_eq!(o.lines().count(), 4);
    let o = out(Command::new("sh").args(["-c", grab]).uid(65534));
    for l in o.lines() {
        assert!(l.ends_with("0000000000000000"), "{l}");
    }
    // It is a real capability: binding port 80 as uid 65534.
    // By path: PATH may list a directory uid 65534 cannot search.
    let py = "/usr/bin/python3";
    if Path::new(py).exists() {
        let script = "import socket; s=socket.socket(); s.bind(('127.0.0.1', 80)); print('bound')";
        let o = Command::new(py)
            .args(["-c", script])
            .uid(65534)
            .keep_caps(1 << CAP_NET_BIND_SERVICE)
            .unshare(NsSet::NET)
            .output()
            .expect("python");
        assert_eq!(text(&o.stdout), "bound\n", "{}", text(&o.stderr));
        let o = Command::new(py)
            .args(["-c", script])
            .uid(65534)
            .unshare(NsSet::NET)
            .output()
            .expect("python");
        assert!(!o.status.success(), "bound port 80 without the capability");
    }
}

fn cmd_time_offset() {
    let boot = TEN_YEARS;
    let o = out(Command::new("sh")
        .args(["-c", "cat /proc/uptime; cat /proc/self/timens_offsets"])
        .unshare(NsSet::USER | NsSet::TIME)
        .map_root()
        .time_offset(Clock::Boottime, boot, 0)
        .time_offset(Clock::Monotonic, -3600, 5));
    let mut lines = o.lines();
    let up = uptime(lines.next().expect("uptime"));
    assert!(up >= boot as f64, "uptime {up}");
    assert!(uptime(&fs::read_to_string("/proc/uptime").expect("uptime")) < boot as f64);
    let rest = offset_lines(&lines.collect::<Vec<_>>().join("\n"));
    let want: BTreeSet<String> =
        ["monotonic -3600 5".to_owned(), format!("boottime {boot} 0")].into();
    assert_eq!(rest, want, "{o}");
    expect_err(
        Command::new("true")
            .unshare(NsSet::USER)
            .map_root()
            .time_offset(Clock::Boottime, 1, 0)
            .status(),
        &[libc::EINVAL],
        "without a time namespace",
    );
    expect_err(
        Command::new("true")
            .unshare(NsSet::USER | NsSet::TIME)
            .map_root()
            .time_offset(Clock::Boottime, 1, 2_000_000_000)
            .status(),
        &[libc::EINVAL],
        "nsec out of range",
    );
}

fn cmd_spawn_errors() {
    let e = expect_err(
        Command::new("true").hostname("x").status(),
        &[libc::EINVAL, libc::EPERM],
        "hostname without uts",
    );
    assert!(e.step().contains("hostname"), "{e}");
    // A PATH of searchable directories: an entry the caller may not search
    // (a directory under /root, as uid 65534) would make it EACCES, as
    // execvp(3) reports it.
    let e = expect_err(
        Command::new("lnstest-no-such-program")
            .env("PATH", "/usr/bin:/bin")
            .status(),
        &[libc::ENOENT],
        "missing program",
    );
    assert!(e.to_string().contains("lnstest-no-such-program"), "{e}");
    expect_err(
        Command::new("/nonexistent/prog").status(),
        &[libc::ENOENT],
        "missing path",
    );
    expect_err(Command::new("").status(), &[libc::ENOENT], "empty program");
    expect_err(
        Command::new("true")
            .search_path(false)
            .current_dir("/")
            .status(),
        &[libc::ENOENT],
        "no PATH lookup",
    );
    assert!(Command::new("true")
        .search_path(false)
        .current_dir("/usr/bin")
        .status()
        .expect("./true")
        .success());
    let dir = TempDir::new("noexec");
    let plain = dir.0.join("plain");
    fs::write(&plain, b"#!/bin/sh\ntrue\n").expect("write");
    fs::set_permissions(&plain, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let e = expect_err(
        Command::new(&plain).status(),
        &[libc::EACCES],
        "not executable",
    );
    assert!(e.step().contains("execve"), "{e}");
    expect_err(
        Command::new("true").arg("a\0b").status(),
        &[libc::EINVAL],
        "NUL in an argument",
    );
    expect_err(
        Command::new("true").root("/").status(),
        &[libc::EINVAL],
        "root without mnt",
    );
    expect_err(
        Command::new("true")
            .unshare(NsSet::USER | NsSet::MNT)
            .map_root()
            .root("/nonexistent/lnstest")
            .status(),
        &[libc::ENOENT],
        "missing root",
    );
    // A failed spawn leaves nothing running.
    assert!(
        my_children().is_empty(),
        "a failed spawn left a child: {:?}",
        my_children()
    );
    // The builder keeps the first error.
    let e = expect_err(
        Command::new("true")
            .fd(-2, File::open("/etc/hostname").expect("open"))
            .current_dir("/nonexistent")
            .status(),
        &[libc::EBADF],
        "first error",
    );
    assert!(e.step().contains("-2"), "{e}");
}

/// PATH is searched in the child, as execvp does: the program's own PATH,
/// past entries that are missing or not executable for it; EACCES wins
/// over ENOENT; the error names the program.
fn cmd_path_search() {
    use std::os::unix::fs::PermissionsExt;
    let base = std::env::temp_dir().join(format!("linuxns-path-{}", my_pid()));
    let (a, b, c) = (base.join("a"), base.join("b"), base.join("c"));
    for d in [&a, &b, &c] {
        fs::create_dir_all(d).expect("mkdir");
    }
    fs::set_permissions(&base, fs::Permissions::from_mode(0o755)).expect("chmod");
    let script = |dir: &std::path::Path, text: &str, mode: u32| {
        let f = dir.join("linuxns-prog");
        fs::write(&f, format!("#!/bin/sh\necho {text}\n")).expect("write");
        fs::set_permissions(&f, fs::Permissions::from_mode(mode)).expect("chmod");
    };
    // a: not executable at all; b: executable by its owner only; c: by all.
    script(&a, "a", 0o644);
    script(&b, "b", 0o744);
    script(&c, "c", 0o755);
    fs::set_permissions(&b, fs::Permissions::from_mode(0o700)).expect("chmod");
    let path = format!("{}:{}:{}", a.display(), b.display(), c.display());
    let out = Command::new("linuxns-prog")
        .env("PATH", &path)
        .output()
        .expect("search");
    // The owner (us) may run b's; a's is skipped (EACCES), b's runs.
    assert_eq!(out.stdout, b"b\n", "{out:?}");
    if linuxns::is_root() {
        // As 65534, b's directory is closed: c's runs, as execvp would.
        let out = Command::new("linuxns-prog")
            .env("PATH", &path)
            .uid(65534)
            .gid(65534)
            .groups(&[])
            .output()
            .expect("search as 65534");
        assert_eq!(out.stdout, b"c\n", "{out:?}");
    }
    // Only a non-executable file: EACCES, not ENOENT.
    let e = Command::new("linuxns-prog")
        .env("PATH", a.display().to_string())
        .status()
        .expect_err("not executable");
    assert_eq!(e.errno(), libc::EACCES, "{e}");
    // Nowhere: ENOENT, and the text names the program and PATH.
    let e = Command::new("linuxns-no-such-prog")
        .env("PATH", &path)
        .status()
        .expect_err("missing");
    assert_eq!(e.errno(), libc::ENOENT, "{e}");
    let text = e.to_string();
    assert!(
        text.contains("execve \"linuxns-no-such-prog\" (searched in PATH)"),
        "{text}"
    );
    // The caller's PATH when the program's environment has none of its own.
    let out = Command::new("echo")
        .arg("x")
        .env_clear()
        .output()
        .expect("echo");
    assert_eq!(out.stdout, b"x\n");
    let _ = fs::remove_dir_all(&base);
}

/// A new user namespace inside a joined one: without maps it is created,
/// its parent the joined one; with maps the spawn is refused before
/// anything starts (EOPNOTSUPP), as the caller cannot write them.
fn cmd_join_user_nested() {
    let target = sleeper(sleep_cmd().unshare(NsSet::USER).map_root());
    let tpid = target.pid();
    let pidfd = target.pidfd().expect("pidfd");
    let e = Command::new("true")
        .join_pidfd(pidfd, NsSet::USER)
        .unshare(NsSet::USER)
        .map_root()
        .status()
        .expect_err("maps in a nested namespace");
    assert_eq!(e.errno(), libc::EOPNOTSUPP, "{e}");
    assert!(e.to_string().contains("joined"), "{e}");
    let o = out(Command::new("sh")
        .args([
            "-c",
            "readlink /proc/self/ns/user; cat /proc/self/uid_map | wc -l",
        ])
        .join_pidfd(pidfd, NsSet::USER)
        .unshare(NsSet::USER));
    let w: Vec<&str> = o.lines().collect();
    assert_ne!(w[0], link(tpid, "user"), "not a new user namespace");
    assert_eq!(w[1].trim(), "0", "the nested namespace has no map");
    // Its parent is the joined namespace.
    let inner = sleeper(
        sleep_cmd()
            .join_pidfd(pidfd, NsSet::USER)
            .unshare(NsSet::USER),
    );
    let nested = Namespace::open_pid(inner.pid(), NsType::User).expect("nested user ns");
    let joined = Namespace::open_pid(tpid, NsType::User).expect("target user ns");
    let parent = nested.parent().expect("parent");
    assert!(
        parent.same(&joined).expect("same"),
        "parent is not the joined namespace"
    );
    drop(inner);
    drop(target);
}

/// A child killed with a core dump says so (the wait keeps the core flag),
/// where the kernel writes a core file into the child's directory.
fn cmd_core_dump() {
    let pattern = fs::read_to_string("/proc/sys/kernel/core_pattern").expect("core_pattern");
    if pattern.trim() != "core" {
        skip(&format!(
            "core_pattern is {:?}, not \"core\"",
            pattern.trim()
        ));
    }
    let dir = std::env::temp_dir().join(format!("linuxns-core-{}", my_pid()));
    fs::create_dir_all(&dir).expect("mkdir");
    // The directory must be writable by whoever runs the case.
    let st = Command::new("sh")
        .args(["-c", "ulimit -c unlimited && kill -QUIT $$"])
        .current_dir(&dir)
        .status()
        .expect("sh");
    let core = dir.join("core").exists();
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(st.signal(), Some(libc::SIGQUIT), "{st:?}");
    assert!(core, "no core file was written");
    assert!(
        st.core_dumped(),
        "core file written, status {st:?} says no dump"
    );
    let st = Command::new("sh")
        .args(["-c", "ulimit -c 0 && kill -QUIT $$"])
        .status()
        .expect("sh");
    assert_eq!(st.signal(), Some(libc::SIGQUIT));
    assert!(
        !st.core_dumped(),
        "no core allowed, status {st:?} says dumped"
    );
}

fn cmd_child() {
    let mut c = Command::new("sh")
        .args(["-c", "exit 3"])
        .spawn()
        .expect("sh");
    assert!(c.pidfd().is_some());
    let st = c.wait().expect("wait");
    assert_eq!(st.code(), Some(3));
    assert_eq!(c.wait().expect("wait again"), st);
    assert_eq!(c.try_wait().expect("try_wait"), Some(st));
    c.kill().expect("kill after exit");

    let mut c = Command::new("sleep").arg("60").spawn().expect("sleep");
    let pid = c.id();
    // Exec'd: the kernel wakes the spawner when the new memory is in
    // place, a moment before it renames the task.
    let deadline = Instant::now() + Duration::from_secs(10);
    while fs::read_to_string(format!("/proc/{pid}/comm"))
        .expect("comm")
        .trim()
        != "sleep"
    {
        assert!(Instant::now() < deadline, "pid {pid} is not sleep");
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(my_children().contains(&(pid as i32)));
    assert_eq!(c.try_wait().expect("try_wait"), None);
    c.kill().expect("kill");
    let st = c.wait().expect("wait");
    assert_eq!((st.code(), st.signal()), (None, Some(libc::SIGKILL)));
    assert!(!Path::new(&format!("/proc/{pid}")).exists(), "not reaped");
    assert_eq!(c.wait().expect("wait again"), st);

    let mut c = Command::new("sleep").arg("60").spawn().expect("sleep");
    c.signal(libc::SIGTERM).expect("signal");
    assert_eq!(c.wait().expect("wait").signal(), Some(libc::SIGTERM));
    // try_wait sees an exit without blocking.
    let mut c = Command::new("true").spawn().expect("true");
    let deadline = Instant::now() + Duration::from_secs(10);
    let st = loop {
        if let Some(st) = c.try_wait().expect("try_wait") {
            break st;
        }
        assert!(Instant::now() < deadline, "try_wait never saw the exit");
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(st.success());
    // wait closes a piped stdin first.
    let mut c = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("cat");
    assert!(c.stdin.is_some());
    assert!(c.wait().expect("wait").success());
    // A pid in a new pid namespace is ours.
    let mut c = Command::new("sleep")
        .arg("60")
        .unshare(NsSet::USER | NsSet::PID)
        .map_root()
        .spawn()
        .expect("sleep");
    let nspid = status_field(
        &fs::read_to_string(format!("/proc/{}/status", c.id())).expect("status"),
        "NSpid:",
    );
    assert_eq!(
        nspid.split_whitespace().collect::<Vec<_>>(),
        [c.id().to_string().as_str(), "1"]
    );
    c.kill().expect("kill");
    assert_eq!(c.wait().expect("wait").signal(), Some(libc::SIGKILL));
    assert!(my_children().is_empty());
}

fn cmd_output() {
    let o = Command::new("sh")
        .args(["-c", "echo out; echo err >&2; exit 4"])
        .output()
        .expect("output");
    assert_eq!(
        (o.stdout.as_slice(), o.stderr.as_slice(), o.status.code()),
        (&b"out\n"[..], &b"err\n"[..], Some(4))
    );
    // Both streams larger than a pipe: read at the same time.
    let o = Command::new("sh")
        .args([
            "-c",
            "head -c 1048576 /dev/zero; head -c 2097152 /dev/zero >&2; head -c 5 /dev/zero",
        ])
        .output()
        .expect("big output");
    assert!(o.status.success());
    assert_eq!((o.stdout.len(), o.stderr.len()), (1_048_581, 2_097_152));
    let c = Command::new("sh")
        .args(["-c", "echo x; echo y >&2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh");
    let o = c.wait_with_output().expect("wait_with_output");
    assert_eq!(
        (o.stdout.as_slice(), o.stderr.as_slice()),
        (&b"x\n"[..], &b"y\n"[..])
    );
    let o = Command::new("sh")
        .args(["-c", "kill -9 $$"])
        .output()
        .expect("killed");
    assert_eq!(o.status.signal(), Some(libc::SIGKILL));
    // In namespaces.
    let o = Command::new("sh")
        .args(["-c", "echo $$; id -u >&2"])
        .unshare(NsSet::USER | NsSet::PID)
        .map_root()
        .output()
        .expect("output in namespaces");
    assert_eq!(
        (o.stdout.as_slice(), o.stderr.as_slice()),
        (&b"1\n"[..], &b"0\n"[..])
    );
}

fn cmd_threads() {
    const THREADS: usize = 8;
    const SPAWNS: usize = 20;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || -> Result<(), String> {
                for i in 0..SPAWNS {
                    let code = (t * SPAWNS + i) % 200 + 1;
                    if i % 4 == 0 {
                        let name = format!("t{t}i{i}");
                        let o = Command::new("sh")
                            .args(["-c", &format!("uname -n; exit {code}")])
                            .unshare(NsSet::USER | NsSet::UTS)
                            .map_root()
                            .hostname(&name)
                            .output()
                            .map_err(|e| format!("spawn {t}/{i}: {e}"))?;
                        if o.status.code() != Some(code as i32) || text(&o.stdout).trim() != name {
                            return Err(format!("{t}/{i}: {:?} {:?}", o.status, text(&o.stdout)));
                        }
                    } else {
                        let st: ExitStatus = Command::new("sh")
                            .args(["-c", &format!("exit {code}")])
                            .status()
                            .map_err(|e| format!("spawn {t}/{i}: {e}"))?;
                        if st.code() != Some(code as i32) {
                            return Err(format!("{t}/{i}: {st:?}, expected {code}"));
                        }
                    }
                }
                Ok(())
            })
        })
        .collect();
    let mut errors = Vec::new();
    for h in handles {
        if let Err(e) = h.join().expect("thread panicked") {
            errors.push(e);
        }
    }
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        my_children().is_empty(),
        "children left: {:?}",
        my_children()
    );
}

// ---------------------------------------------------------------------
// The examples.

fn example_sandbox() {
    let o = example("sandbox", &[]);
    let s = text(&o.stdout);
    assert!(
        o.status.success(),
        "sandbox: {:?} {}",
        o.status,
        text(&o.stderr)
    );
    assert!(
        s.lines()
            .any(|l| l.starts_with("id:") && l.contains("uid=0")),
        "{s}"
    );
    assert!(s.lines().any(|l| l == "hostname: sandbox"), "{s}");
    assert!(
        s.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["pid:", "1"]),
        "{s}"
    );
    let ifaces: Vec<&str> = s
        .lines()
        .skip_while(|l| *l != "network interfaces:")
        .skip(1)
        .filter(|l| !l.starts_with("Inter-") && !l.trim_start().starts_with("face"))
        .collect();
    assert!(
        !ifaces.is_empty() && ifaces.iter().all(|l| l.trim_start().starts_with("lo")),
        "interfaces: {ifaces:?}"
    );
    assert_ne!(my_hostname(), "sandbox");

    let o = example("sandbox", &["sh", "-c", "id -u; hostname; cat /proc/self/uid_map; readlink /proc/self/ns/uts /proc/self/ns/net; echo $$; exit 7"]);
    assert_eq!(
        o.status.code(),
        Some(7),
        "exit status passed on: {}",
        text(&o.stderr)
    );
    let s = text(&o.stdout);
    let l: Vec<&str> = s.lines().collect();
    assert_eq!(l[0], "0");
    assert_eq!(l[1], "sandbox");
    assert_eq!(
        l[2].split_whitespace().collect::<Vec<_>>(),
        ["0", &euid().to_string(), "1"]
    );
    assert_ne!(l[3], link("self", "uts"));
    assert_ne!(l[4], link("self", "net"));
    assert_eq!(l[5], "1");
    let o = example("sandbox", &["/nonexistent/lnstest"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.starts_with("sandbox: ") && err.contains("No such file or directory"),
        "{err}"
    );
    // pid 1 ignores SIGKILL sent from inside its namespace: a grandchild dies.
    let o = example("sandbox", &["sh", "-c", "sh -c 'kill -9 $$'; exit $?"]);
    assert_eq!(o.status.code(), Some(128 + 9));
}

fn example_lsns() {
    let o = example("lsns", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    let rows: Vec<Vec<&str>> = s
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(
        s.lines().next().is_some_and(|h| h
            .split_whitespace()
            .take(5)
            .eq(["NS", "TYPE", "NPROCS", "PID", "UID"])),
        "{s}"
    );
    for t in NsType::ALL {
        let id = link_id("self", t.name()).to_string();
        assert!(
            rows.iter().any(|r| r[0] == id && r[1] == t.name()),
            "{t}:[{id}] missing"
        );
    }
    // A child of ours: one process, its pid, our uid.
    let c = sleeper(sleep_cmd().unshare(NsSet::USER | NsSet::UTS).map_root());
    let o = example("lsns", &["uts", "user"]);
    assert!(o.status.success());
    let s = text(&o.stdout);
    let rows: Vec<Vec<&str>> = s
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(rows.iter().all(|r| r[1] == "uts" || r[1] == "user"), "{s}");
    let uts = link_id(c.pid(), "uts").to_string();
    let row = rows
        .iter()
        .find(|r| r[0] == uts && r[1] == "uts")
        .unwrap_or_else(|| panic!("child's uts missing: {s}"));
    assert_eq!(row[2..5], ["1", &c.pid().to_string(), &euid().to_string()]);
    assert_eq!(row[5], link_id(c.pid(), "user").to_string());
    assert!(row[7..].join(" ").starts_with("sleep 60"), "{row:?}");
    let o = example("lsns", &["net"]);
    let s = text(&o.stdout);
    assert!(
        s.lines()
            .skip(1)
            .all(|l| l.split_whitespace().nth(1) == Some("net")),
        "{s}"
    );
    assert!(s
        .lines()
        .any(|l| l.split_whitespace().next() == Some(&link_id("self", "net").to_string())));
    let o = example("lsns", &["bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("bogus"));
}

fn example_netns() {
    if sp::Command::new("ip").arg("-V").output().is_err() {
        skip("ip (iproute2) is not installed");
    }
    let name = format!("lnsexample-{}", my_pid());
    struct Del(String);
    impl Drop for Del {
        fn drop(&mut self) {
            let _ = sp::Command::new("ip")
                .args(["netns", "del", &self.0])
                .stderr(sp::Stdio::null())
                .status();
        }
    }
    let _g = Del(name.clone());
    let listed = |n: &str| {
        sh("ip netns list")
            .lines()
            .any(|l| l.split_whitespace().next() == Some(n))
    };
    let o = example("netns", &["add", &name]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(listed(&name));
    let o = example("netns", &["list"]);
    assert!(text(&o.stdout).lines().any(|l| l == name));
    let o = example("netns", &["add", &name]);
    assert_eq!(o.status.code(), Some(1), "second add");
    assert!(
        text(&o.stderr).starts_with("netns add: ") && text(&o.stderr).contains("File exists"),
        "{}",
        text(&o.stderr)
    );
    let o = example("netns", &["exec", &name, "ip", "-o", "link"]);
    let links = text(&o.stdout);
    assert_eq!(links.lines().count(), 1, "{links}");
    assert!(links.starts_with("1: lo:"), "{links}");
    let ours = text(&example("netns", &["exec", &name, "readlink", "/proc/self/ns/net"]).stdout);
    let theirs = sh(&format!("ip netns exec {name} readlink /proc/self/ns/net"));
    assert_eq!(ours.trim_end(), theirs);
    assert_ne!(theirs, link("self", "net"));
    let o = example("netns", &["exec", &name, "sh", "-c", "exit 5"]);
    assert_eq!(o.status.code(), Some(5));
    let o = example("netns", &["del", &name]);
    assert!(o.status.success());
    assert!(!listed(&name));
    let o = example("netns", &["del", &name]);
    assert_eq!(o.status.code(), Some(1), "second del");
    assert_eq!(example("netns", &[]).status.code(), Some(2));
}

fn example_enter() {
    let mut cmd = sleep_cmd();
    if root() {
        cmd.unshare(NsSet::UTS | NsSet::PID | NsSet::MNT | NsSet::IPC);
    } else {
        cmd.unshare(NsSet::USER | NsSet::UTS | NsSet::PID | NsSet::MNT | NsSet::IPC)
            .map_root();
    }
    let target = sleeper(cmd.mount_proc(true).hostname("lnstest-enter"));
    let pid = target.pid().to_string();
    let o = example("enter", &[&pid, "sh", "-c", "hostname; for t in uts pid mnt ipc user net; do readlink /proc/self/ns/$t; done; exit 6"]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    let l: Vec<&str> = s.lines().collect();
    assert_eq!(l[0], "lnstest-enter");
    for (i, t) in ["uts", "pid", "mnt", "ipc", "user", "net"]
        .iter()
        .enumerate()
    {
        assert_eq!(l[1 + i], link(&pid, t), "{t}");
    }
    assert_ne!(l[1], link("self", "uts"));
    let o = example("enter", &["2147483647", "true"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).starts_with("enter: "),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(example("enter", &[]).status.code(), Some(2));
    // Our own pid: nothing differs, the command runs here.
    let o = example(
        "enter",
        &[&my_pid().to_string(), "readlink", "/proc/self/ns/uts"],
    );
    assert_eq!(text(&o.stdout).trim_end(), link("self", "uts"));
}

// ---------------------------------------------------------------------
// The driver.

const SKIP_CODE: i32 = 77;
const CASE_TIMEOUT: Duration = Duration::from_secs(60);
const NOBODY: &str = "65534";

fn run_case_here(name: &str) -> ! {
    let Some(c) = CASES.iter().find(|c| c.name == name) else {
        eprintln!("no case {name}");
        std::process::exit(2);
    };
    match c.who {
        Who::Root if !root() => skip("needs root"),
        Who::Unpriv if root() => skip("needs an unprivileged caller"),
        _ => {}
    }
    (c.run)();
    std::process::exit(0)
}

enum Outcome {
    Ok,
    Skipped(String),
    Failed(String),
}

/// Runs one case in a new process (as uid 65534 through setpriv when
/// `nobody`), with a deadline; its outcome and output.
fn spawn_case(name: &str, nobody: bool, examples: &Result<PathBuf, String>) -> (Outcome, String) {
    let exe = std::env::current_exe().expect("current_exe");
    let log_path = std::env::temp_dir().join(format!(
        "lnstest-log-{}-{name}-{nobody}",
        std::process::id()
    ));
    let mut log = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&log_path)
        .expect("log file");
    let _ = fs::remove_file(&log_path);
    let mut cmd = if nobody {
        let mut c = sp::Command::new("setpriv");
        c.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"])
            .arg(&exe);
        c
    } else {
        sp::Command::new(&exe)
    };
    cmd.args(["--case", name])
        .stdin(sp::Stdio::null())
        .stdout(log.try_clone().expect("dup"))
        .stderr(log.try_clone().expect("dup"))
        .env("RUST_BACKTRACE", "0")
        .process_group(0);
    match examples {
        Ok(dir) => cmd.env("LNSTEST_EXAMPLES", dir),
        Err(why) => cmd
            .env_remove("LNSTEST_EXAMPLES")
            .env("LNSTEST_EXAMPLES_WHY", why),
    };
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (Outcome::Failed(format!("cannot start: {e}")), String::new()),
    };
    let pgid = child.id() as i32;
    let deadline = Instant::now() + CASE_TIMEOUT;
    let status = loop {
        match child.try_wait().expect("try_wait") {
            Some(st) => break Some(st),
            None if Instant::now() > deadline => {
                // SAFETY: kill has no memory effects.
                unsafe { libc::kill(-pgid, libc::SIGKILL) };
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    // Whatever the case left running (it was killed, or it failed).
    // SAFETY: kill has no memory effects.
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
    let mut output = String::new();
    log.seek(SeekFrom::Start(0)).expect("seek");
    let _ = log.read_to_string(&mut output);
    let outcome = match status {
        None => Outcome::Failed(format!("timed out after {CASE_TIMEOUT:?}")),
        Some(st) if st.success() => Outcome::Ok,
        Some(st) if st.code() == Some(SKIP_CODE) => {
            let why = output
                .lines()
                .rev()
                .find_map(|l| l.strip_prefix("SKIP: "))
                .unwrap_or("no reason given");
            Outcome::Skipped(why.to_owned())
        }
        Some(st) => Outcome::Failed(format!("{st}")),
    };
    (outcome, output)
}

/// Builds the examples in this test's profile and target directory; their
/// directory, or why they are not there.
fn prepare_examples() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("no profile directory")?
        .to_owned();
    let dir = profile_dir.join("examples");
    let names = ["sandbox", "netns", "lsns", "enter"];
    if let Some(cargo) = std::env::var_os("CARGO") {
        let profile = match profile_dir.file_name().and_then(OsStr::to_str) {
            Some("debug") => "dev".to_owned(),
            Some(p) => p.to_owned(),
            None => return Err("no profile name".into()),
        };
        let target_dir = profile_dir.parent().ok_or("no target directory")?;
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let o = sp::Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "--examples",
                "--profile",
                &profile,
                "--manifest-path",
                manifest,
            ])
            .env("CARGO_TARGET_DIR", target_dir)
            .stdin(sp::Stdio::null())
            .output()
            .map_err(|e| format!("cargo build --examples: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "cargo build --examples failed: {}",
                text(&o.stderr).trim()
            ));
        }
    }
    match names.iter().find(|n| !dir.join(n).exists()) {
        None => Ok(dir),
        Some(n) => Err(format!(
            "examples not built ({} missing; cargo build --examples)",
            dir.join(n).display()
        )),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--case") {
        run_case_here(args.get(1).map(String::as_str).unwrap_or(""));
    }
    let verbose = args.iter().any(|a| a == "--verbose" || a == "--nocapture");
    let filters: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let selected: Vec<&Case> = CASES
        .iter()
        .filter(|c| filters.is_empty() || filters.iter().any(|f| c.name.contains(f)))
        .collect();
    let is_root = root();
    let have_setpriv = is_root
        && sp::Command::new("setpriv")
            .arg("--version")
            .stdout(sp::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    let examples = if selected.iter().any(|c| c.name.starts_with("example_")) {
        prepare_examples()
    } else {
        Err("not selected".into())
    };

    // Every run: (case, as nobody?). As root, the unprivileged runs come
    // after all of root's.
    let mut runs: Vec<(&Case, bool)> = Vec::new();
    for c in &selected {
        if !(is_root && c.who == Who::Unpriv) {
            runs.push((c, false));
        }
    }
    if is_root {
        runs.extend(
            selected
                .iter()
                .filter(|c| c.who != Who::Root)
                .map(|c| (*c, true)),
        );
    }
    println!(
        "\nrunning {} cases as uid {} ({} runs)",
        selected.len(),
        euid(),
        runs.len()
    );
    let start = Instant::now();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), 0);
    for (c, nobody) in runs {
        let label = if nobody {
            format!("{} [uid {NOBODY}]", c.name)
        } else {
            c.name.to_owned()
        };
        let t0 = Instant::now();
        let (outcome, output) = if !is_root && c.who == Who::Root {
            (Outcome::Skipped("needs root".into()), String::new())
        } else if nobody && !have_setpriv {
            (Outcome::Skipped("setpriv missing".into()), String::new())
        } else {
            spawn_case(c.name, nobody, &examples)
        };
        let ms = t0.elapsed().as_millis();
        match &outcome {
            Outcome::Ok => {
                passed += 1;
                println!("case {label} ... ok ({ms} ms)");
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                println!("case {label} ... skipped ({why})");
            }
            Outcome::Failed(why) => {
                failed.push(label.clone());
                println!("case {label} ... FAILED ({why})");
            }
        }
        if verbose || matches!(outcome, Outcome::Failed(_)) {
            for l in output.lines() {
                println!("    | {l}");
            }
        }
    }
    println!(
        "\nresult: {}. {passed} passed; {} failed; {skipped} skipped; finished in {:.2}s",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len(),
        start.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        println!("failed: {}", failed.join(", "));
        std::process::exit(1);
    }
}
