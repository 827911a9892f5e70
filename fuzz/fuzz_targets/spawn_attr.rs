//! The spawn attribute builder: a sequence of setter calls decoded from the
//! input, applied to one SpawnAttr (nothing is spawned).
//!
//! Descriptors come from a pool opened once (namespace files, a live and a
//! reaped pidfd, a cgroup2 directory, plain files, a closed number) or are
//! raw numbers; strings are raw bytes cut at the first NUL as the C API
//! sees them, known paths, or long runs (ENAMETOOLONG). Checked: no panic;
//! each error's errno is one the setter documents (include/linuxns.h); a
//! failed setter leaves the attribute as it was (its Debug text); no
//! descriptor is leaked once the attribute is dropped.
#![no_main]

use std::ffi::{CStr, CString};
use std::os::fd::RawFd;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use linuxns::fuzzing::{ns_idmap, MapKind, SpawnAttr};

const NS_BITS: [i32; 8] = [
    0x0002_0000, // NS_MNT
    0x0200_0000, // NS_CGROUP
    0x0400_0000, // NS_UTS
    0x0800_0000, // NS_IPC
    0x1000_0000, // NS_USER
    0x2000_0000, // NS_PID
    0x4000_0000, // NS_NET
    0x0000_0080, // NS_TIME
];

struct Pool {
    fds: Vec<RawFd>,
}

fn open(path: &CStr, flags: i32) -> Option<RawFd> {
    // SAFETY: NUL-terminated path.
    let fd = unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC) };
    (fd >= 0).then_some(fd)
}

fn pidfd_open(pid: libc::pid_t) -> Option<RawFd> {
    // SAFETY: pidfd_open takes no pointers.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    (fd >= 0).then_some(fd as RawFd)
}

fn lowest_free() -> RawFd {
    // SAFETY: F_DUPFD_CLOEXEC on 0 (or fails with -1, which close ignores).
    let n = unsafe { libc::fcntl(0, libc::F_DUPFD_CLOEXEC, 3) };
    // SAFETY: n is ours.
    unsafe { libc::close(n) };
    n
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut fds = vec![0, 1, 2];
        for ns in [
            c"/proc/self/ns/net",
            c"/proc/self/ns/uts",
            c"/proc/self/ns/user",
            c"/proc/self/ns/mnt",
            c"/proc/self/ns/pid",
            c"/proc/self/ns/ipc",
            c"/proc/self/ns/cgroup",
            c"/proc/self/ns/time",
            c"/proc/self/ns/pid_for_children",
        ] {
            fds.extend(open(ns, libc::O_RDONLY));
        }
        // A live pidfd (ourselves) and one of a reaped child.
        // SAFETY: getpid has no memory effects.
        fds.extend(pidfd_open(unsafe { libc::getpid() }));
        if let Ok(mut child) = std::process::Command::new("true").spawn() {
            fds.extend(pidfd_open(child.id() as libc::pid_t));
            let _ = child.wait();
        }
        // cgroup2 at /sys/fs/cgroup, or at .../unified beside v1 hierarchies.
        fds.extend(open(c"/sys/fs/cgroup", libc::O_RDONLY | libc::O_DIRECTORY));
        fds.extend(open(
            c"/sys/fs/cgroup/unified",
            libc::O_RDONLY | libc::O_DIRECTORY,
        ));
        fds.extend(open(
            c"/sys/fs/cgroup/cpu",
            libc::O_RDONLY | libc::O_DIRECTORY,
        ));
        fds.extend(open(c"/", libc::O_RDONLY | libc::O_DIRECTORY));
        fds.extend(open(c"/", libc::O_PATH));
        fds.extend(open(c"/proc/self/ns/net", libc::O_PATH));
        fds.extend(open(c"/dev/null", libc::O_RDWR));
        fds.extend(open(c"/proc/self/status", libc::O_RDONLY));
        // A number that was open and is not any more.
        if let Some(fd) = open(c"/dev/null", libc::O_RDONLY) {
            // SAFETY: ours.
            unsafe { libc::close(fd) };
            fds.push(fd);
        }
        fds.extend([-1, -2, 1_000_000, i32::MAX, i32::MIN]);
        Pool { fds }
    })
}

#[derive(Arbitrary, Debug)]
enum Fd {
    Pool(u8),
    Raw(i32),
}

impl Fd {
    fn get(&self) -> RawFd {
        match *self {
            Fd::Pool(i) => {
                let p = &pool().fds;
                p[usize::from(i) % p.len()]
            }
            Fd::Raw(n) => n,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Mask {
    /// A subset of the eight NS_* bits.
    Types(u8),
    Raw(i32),
}

impl Mask {
    fn get(&self) -> i32 {
        match *self {
            Mask::Types(b) => (0..8)
                .filter(|i| b & (1 << i) != 0)
                .fold(0, |m, i| m | NS_BITS[i]),
            Mask::Raw(m) => m,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Text {
    Bytes(Vec<u8>),
    Known(u8),
    /// `len` bytes of "a" or "a/" repeated: past NAME_MAX or PATH_MAX.
    Long {
        slash: bool,
        len: u16,
    },
}

const KNOWN: &[&[u8]] = &[
    b"",
    b"/",
    b".",
    b"..",
    b"/proc",
    b"/proc/self/ns",
    b"/sys/fs/cgroup",
    b"/dev/null",
    b"/etc/hostname/x",
    b"/nonexistent/dir",
    b"/proc/self/fd/0",
    b"/proc/self/root",
    b"relative/dir",
    b"host",
    b"0123456789012345678901234567890123456789012345678901234567890123",
    b"01234567890123456789012345678901234567890123456789012345678901234",
];

impl Text {
    /// The bytes up to the first NUL, as a C caller's string.
    fn get(&self) -> CString {
        let mut b = match self {
            Text::Bytes(b) => b.clone(),
            Text::Known(i) => KNOWN[usize::from(*i) % KNOWN.len()].to_vec(),
            Text::Long { slash, len } => {
                let unit: &[u8] = if *slash { b"a/" } else { b"a" };
                unit.iter()
                    .copied()
                    .cycle()
                    .take(usize::from(*len))
                    .collect()
            }
        };
        b.push(0);
        CStr::from_bytes_until_nul(&b).unwrap().to_owned()
    }
}

#[derive(Arbitrary, Debug)]
enum Int {
    Small(i8),
    Raw(i32),
}

impl Int {
    fn get(&self) -> i32 {
        match *self {
            Int::Small(v) => v.into(),
            Int::Raw(v) => v,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Map {
    List(Vec<(u32, u32, u32)>),
    /// `n` ranges of `count` ids each, `stride` apart.
    Stride {
        n: u16,
        inside: u32,
        outside: u32,
        stride: u32,
        count: u32,
    },
}

impl Map {
    fn get(&self) -> Vec<ns_idmap> {
        match self {
            Map::List(l) => l
                .iter()
                .map(|&(inside, outside, count)| ns_idmap {
                    inside,
                    outside,
                    count,
                })
                .collect(),
            Map::Stride {
                n,
                inside,
                outside,
                stride,
                count,
            } => (0..u32::from(*n) % 400)
                .map(|i| ns_idmap {
                    inside: inside.wrapping_add(i.wrapping_mul(*stride)),
                    outside: outside.wrapping_add(i.wrapping_mul(*stride)),
                    count: *count,
                })
                .collect(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    SetNamespaces(Mask),
    Join(Fd, Mask),
    MapRoot,
    SetMap {
        uid: bool,
        map: Map,
        flags: u32,
    },
    SetHostname(Text),
    SetRoot(Text),
    SetMountProc(bool),
    SetPropagation(Int),
    SetCwd(Text),
    SetFd(Fd, Fd),
    SetCloseFds(bool),
    SetPdeathsig(Int),
    SetCgroup(Fd),
    SetTimeOffset {
        clock: Int,
        sec: i64,
        nsec: i64,
    },
    /// A fresh attribute (the old one is dropped).
    Reset,
}

/// Applies op; returns its name and the errnos its documentation allows.
fn apply(attr: &mut SpawnAttr, op: &Op) -> (&'static str, &'static [i32], linuxns::Result<()>) {
    use libc::*;
    // stat(2)'s errors for a path (set_root documents them).
    const STAT: &[i32] = &[ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP, EACCES, EOVERFLOW];
    match op {
        Op::SetNamespaces(m) => ("set_namespaces", &[EINVAL], attr.set_namespaces(m.get())),
        Op::Join(fd, m) => (
            "join",
            &[EBADF, EINVAL, ESRCH],
            attr.join(fd.get(), m.get()),
        ),
        Op::MapRoot => ("map_root", &[], attr.map_root()),
        Op::SetMap { uid, map, flags } => {
            let kind = if *uid { MapKind::Uid } else { MapKind::Gid };
            // Mostly known flag bits, sometimes anything.
            let flags = if flags & 0x8000_0000 != 0 {
                *flags
            } else {
                flags & 3
            };
            (
                "set_map",
                &[EINVAL, E2BIG],
                attr.set_map(kind, &map.get(), flags),
            )
        }
        Op::SetHostname(t) => ("set_hostname", &[EINVAL], attr.set_hostname(&t.get())),
        Op::SetRoot(t) => ("set_root", STAT, attr.set_root(&t.get())),
        Op::SetMountProc(on) => ("set_mount_proc", &[], attr.set_mount_proc(*on)),
        Op::SetPropagation(m) => ("set_propagation", &[EINVAL], attr.set_propagation(m.get())),
        Op::SetCwd(t) => ("set_cwd", &[EINVAL], attr.set_cwd(&t.get())),
        Op::SetFd(c, p) => ("set_fd", &[EBADF], attr.set_fd(c.get(), p.get())),
        Op::SetCloseFds(on) => ("set_close_fds", &[], attr.set_close_fds(*on)),
        Op::SetPdeathsig(s) => ("set_pdeathsig", &[EINVAL], attr.set_pdeathsig(s.get())),
        Op::SetCgroup(fd) => ("set_cgroup", &[EBADF, EINVAL], attr.set_cgroup(fd.get())),
        Op::SetTimeOffset { clock, sec, nsec } => {
            // Mostly the two clocks the setter takes.
            let clock = match clock.get() {
                c @ 0..=255 => [CLOCK_MONOTONIC, CLOCK_BOOTTIME][c as usize % 2],
                c => c.wrapping_add(256),
            };
            (
                "set_time_offset",
                &[EINVAL],
                attr.set_time_offset(clock, *sec, *nsec),
            )
        }
        Op::Reset => {
            *attr = SpawnAttr::new();
            ("reset", &[], Ok(()))
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    pool();
    let baseline = lowest_free();
    {
        let mut attr = SpawnAttr::new();
        for op in ops.iter().take(64) {
            let before = format!("{attr:?}");
            let (name, allowed, res) = apply(&mut attr, op);
            if let Err(e) = res {
                assert!(
                    allowed.contains(&e.errno()),
                    "{name}: errno {} ({e}) is not documented; op {op:?}",
                    e.errno()
                );
                assert!(!e.to_string().is_empty());
                assert_eq!(
                    before,
                    format!("{attr:?}"),
                    "{name} failed ({e}) but changed the attribute; op {op:?}"
                );
            }
        }
    }
    // The attribute's own copies of descriptors are closed with it.
    assert_eq!(lowest_free(), baseline, "a descriptor leaked: {ops:?}");
});
