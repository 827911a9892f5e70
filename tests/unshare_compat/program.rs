// A program written for the `unshare` crate 0.7, included by two hosts:
// tests/unshare_dropin.rs, where `unshare` is `linuxns::unshare`, and
// tests/unshare_compat/real, where it is the `unshare` crate itself. It
// uses nothing but `unshare::`, std and libc, and asserts what the kernel
// shows. Checks that need root return early when not root.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use unshare::{Command, Error, ExitStatus, Fd, GidMap, Namespace, Signal, Stdio, Style, UidMap};

fn euid() -> u32 {
    // SAFETY: plain getter.
    unsafe { libc::geteuid() }
}

fn egid() -> u32 {
    // SAFETY: plain getter.
    unsafe { libc::getegid() }
}

fn skip_unless_root(what: &str) -> bool {
    if euid() != 0 {
        eprintln!("{what}: skipped, needs root");
        return true;
    }
    false
}

fn read_all(r: &mut impl Read) -> String {
    let mut s = String::new();
    r.read_to_string(&mut s).expect("read the child's output");
    s
}

/// Runs `script` with `sh -c` as `cmd` says, returning its standard
/// output once it exited 0.
fn output_of(cmd: &mut Command) -> String {
    cmd.stdout(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let out = read_all(child.stdout.as_mut().expect("stdout piped"));
    match child.wait().expect("wait") {
        ExitStatus::Exited(0) => out,
        other => panic!("{other}, output {out:?}"),
    }
}

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(script);
    cmd
}

fn fields(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

fn ns_link(path: &str) -> String {
    std::fs::read_link(path)
        .expect("readlink")
        .to_string_lossy()
        .into_owned()
}

/// The child in new user, UTS and PID namespaces, mapped to root: the
/// kernel shows other namespaces, its maps, its hostname, pid 1.
pub fn check_namespaces_and_maps() {
    let (uid, gid) = (euid(), egid());
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(
            "readlink /proc/self/ns/uts /proc/self/ns/user /proc/self/ns/pid_for_children; \
             hostname box && hostname; id -u; id -g; echo $$; \
             cat /proc/self/uid_map /proc/self/gid_map",
        )
        .unshare(&[Namespace::User, Namespace::Uts, Namespace::Pid])
        .set_id_maps(
            vec![UidMap {
                inside_uid: 0,
                outside_uid: uid,
                count: 1,
            }],
            vec![GidMap {
                inside_gid: 0,
                outside_gid: gid,
                count: 1,
            }],
        )
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn in new namespaces");
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    match child.wait().unwrap() {
        ExitStatus::Exited(0) => {}
        other => panic!("the child {other}: {out:?}"),
    }
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9, "{out:?}");
    assert_ne!(
        lines[0],
        ns_link("/proc/self/ns/uts"),
        "a new UTS namespace"
    );
    assert_ne!(
        lines[1],
        ns_link("/proc/self/ns/user"),
        "a new user namespace"
    );
    assert_ne!(
        lines[2],
        ns_link("/proc/self/ns/pid"),
        "a new PID namespace"
    );
    assert_eq!(&lines[3..7], ["box", "0", "0", "1"]);
    assert_eq!(fields(lines[7]), ["0", &uid.to_string(), "1"]);
    assert_eq!(fields(lines[8]), ["0", &gid.to_string(), "1"]);
}

/// The maps as the parent reads them in /proc/PID while the child runs;
/// kill() ends it with SIGKILL.
pub fn check_maps_from_outside_and_kill() {
    let (uid, gid) = (euid(), egid());
    let mut child = Command::new("/bin/sleep")
        .arg("60")
        .set_id_maps(
            vec![UidMap {
                inside_uid: 1000,
                outside_uid: uid,
                count: 1,
            }],
            vec![GidMap {
                inside_gid: 1000,
                outside_gid: gid,
                count: 1,
            }],
        )
        .spawn()
        .expect("spawn");
    let pid = child.pid();
    assert_eq!(child.id(), pid as u32);
    let uid_map = std::fs::read_to_string(format!("/proc/{pid}/uid_map")).unwrap();
    let gid_map = std::fs::read_to_string(format!("/proc/{pid}/gid_map")).unwrap();
    assert_eq!(fields(&uid_map), ["1000", &uid.to_string(), "1"]);
    assert_eq!(fields(&gid_map), ["1000", &gid.to_string(), "1"]);
    assert_ne!(
        ns_link(&format!("/proc/{pid}/ns/user")),
        ns_link("/proc/self/ns/user")
    );
    child.kill().unwrap();
    let st = child.wait().unwrap();
    assert_eq!(st, ExitStatus::Signaled(Signal::SIGKILL, false));
    assert_eq!(st.signal(), Some(libc::SIGKILL));
    assert_eq!(st.code(), None);
    assert!(!st.success());
    assert_eq!(st.to_string(), "killed by signal SIGKILL[9]");
    // Waiting again gives the same; signalling a waited child is refused.
    assert_eq!(child.wait().unwrap(), st);
    let e = child.kill().unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}

/// Exit codes through status() and spawn().wait().
pub fn check_status_codes() {
    let st = sh("exit 3").status().unwrap();
    assert_eq!(st, ExitStatus::Exited(3));
    assert_eq!(st.code(), Some(3));
    assert_eq!(st.signal(), None);
    assert!(!st.success());
    assert_eq!(st.to_string(), "exited with code 3");
    assert_eq!(sh("exit 255").status().unwrap(), ExitStatus::Exited(-1));
    assert!(Command::new("/bin/true").status().unwrap().success());
    match Command::new("/bin/false").spawn().unwrap().wait().unwrap() {
        ExitStatus::Exited(1) => {}
        other => panic!("{other}"),
    }
}

/// signal() with a chosen signal.
pub fn check_signal() {
    let mut child = Command::new("/bin/sleep").arg("60").spawn().unwrap();
    child.signal(Signal::SIGTERM).unwrap();
    let st = child.wait().unwrap();
    assert_eq!(st, ExitStatus::Signaled(Signal::SIGTERM, false));
    assert_eq!(st.to_string(), "killed by signal SIGTERM[15]");
}

/// Failures: their kind and errno.
pub fn check_errors() {
    let e = Command::new("/nonexistent/program").spawn().unwrap_err();
    assert!(matches!(e, Error::Exec(libc::ENOENT)), "{e:?}");
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    assert_eq!(
        e.to_string(),
        "error when executing: No such file or directory (os error 2)"
    );
    // No PATH search: "sh" is ./sh.
    match Command::new("sh").status() {
        Err(Error::Exec(errno)) => assert_eq!(errno, libc::ENOENT),
        other => panic!("{other:?}"),
    }
    let e = Command::new("/bin/true")
        .current_dir("/nonexistent")
        .status()
        .unwrap_err();
    assert!(matches!(e, Error::Chdir(libc::ENOENT)), "{e:?}");
    let e = Command::new("/").spawn().unwrap_err();
    assert!(matches!(e, Error::Exec(libc::EACCES)), "{e:?}");
    // A namespace of another kind than said.
    let net = std::fs::File::open("/proc/self/ns/net").unwrap();
    let mut cmd = Command::new("/bin/true");
    cmd.set_namespace(&net, Namespace::Uts).unwrap();
    let e = cmd.spawn().unwrap_err();
    assert!(matches!(e, Error::SetNs(libc::EINVAL)), "{e:?}");
    // A file that is no namespace at all.
    let file = std::fs::File::open("/etc/hostname").unwrap();
    let mut cmd = Command::new("/bin/true");
    cmd.set_namespace(&file, Namespace::Net).unwrap();
    let e = cmd.spawn().unwrap_err();
    assert!(matches!(e, Error::SetNs(libc::EINVAL)), "{e:?}");
}

/// Arguments, argv[0], the environment, a pid variable.
pub fn check_env_and_args() {
    std::env::set_var("UNSHARE_CHECK_INHERITED", "yes");
    let out = output_of(
        sh(
            "echo \"$0|$1|${UNSHARE_CHECK_INHERITED-}|${HOME-unset}|$A$B\"; \
            tr '\\0' '\\n' </proc/$$/cmdline | head -n 2",
        )
        .arg0("renamed")
        .args(&["zero", "first"])
        .env_remove("HOME")
        .envs(vec![("A", "1"), ("B", "2")]),
    );
    assert_eq!(out, "zero|first|yes|unset|12\nrenamed\n-c\n");
    let out = output_of(Command::new("/usr/bin/env").env_clear().env("ONLY", "1"));
    assert_eq!(out, "ONLY=1\n");
    let out = output_of(sh("test \"$LISTEN_PID\" = $$ && echo ok").env_var_with_pid("LISTEN_PID"));
    assert_eq!(out, "ok\n");
    // env() after env_var_with_pid() wins.
    let out = output_of(
        sh("echo $LISTEN_PID")
            .env_var_with_pid("LISTEN_PID")
            .env("LISTEN_PID", "x"),
    );
    assert_eq!(out, "x\n");
}

/// Pipes both ways, /dev/null, a file given as stdin.
pub fn check_stdio() {
    let mut child = Command::new("/bin/cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"through cat").unwrap();
    drop(input);
    assert_eq!(read_all(child.stdout.as_mut().unwrap()), "through cat");
    assert!(child.wait().unwrap().success());

    let out = output_of(Command::new("/bin/cat").stdin(Stdio::null()));
    assert_eq!(out, "");
    let f = std::fs::File::open("/etc/hostname").unwrap();
    let out = output_of(Command::new("/bin/cat").stdin(Stdio::dup_file(&f).unwrap()));
    assert_eq!(out, std::fs::read_to_string("/etc/hostname").unwrap());
    // The copy shares the file's offset, now at its end.
    let out = output_of(Command::new("/bin/cat").stdin(Stdio::from_file(f)));
    assert_eq!(out, "");
    let f = std::fs::File::open("/etc/hostname").unwrap();
    let out = output_of(Command::new("/bin/cat").stdin(Stdio::from_file(f)));
    assert_eq!(out, std::fs::read_to_string("/etc/hostname").unwrap());
    let mut child = sh("echo err >&2").stderr(Stdio::piped()).spawn().unwrap();
    assert_eq!(read_all(child.stderr.as_mut().unwrap()), "err\n");
    child.wait().unwrap();
}

/// Descriptors above 2: pipes, /dev/null, inherited, closed.
pub fn check_file_descriptors() {
    use std::os::unix::io::AsRawFd;
    // A file whose number is none of the targets below (the test
    // harness's other threads open files too).
    let mut held = Vec::new();
    let mut f = std::fs::File::open("/etc/hostname").unwrap();
    while [5, 6, 8, 9].contains(&f.as_raw_fd()) {
        let copy = f.try_clone().unwrap();
        held.push(f);
        f = copy;
    }
    let n = f.as_raw_fd();
    // sh takes single-digit descriptors only: read fd n through /proc.
    let script = format!(
        "echo out >&5; read line <&6; echo \"$line\" >&5; cat /proc/self/fd/{n} >&5; \
         test -e /proc/self/fd/8 && echo eight >&5; test -e /proc/self/fd/9 || echo no-nine >&5"
    );
    let mut cmd = sh(&script);
    cmd.file_descriptor(5, Fd::piped_write())
        .file_descriptor(6, Fd::piped_read())
        .file_descriptor(n, Fd::inherit())
        .file_descriptor(8, Fd::read_null())
        .file_descriptor(9, Fd::from_file(std::fs::File::open("/dev/null").unwrap()))
        .close_fds(9..10);
    let mut child = cmd.spawn().unwrap();
    let mut w = child.take_pipe_writer(6).unwrap();
    w.write_all(b"in\n").unwrap();
    drop(w);
    let out = read_all(&mut child.take_pipe_reader(5).unwrap());
    assert!(child.take_pipe_reader(5).is_none());
    assert!(child.wait().unwrap().success());
    let host = std::fs::read_to_string("/etc/hostname").unwrap();
    // fd 9 is given and so is never closed by close_fds.
    assert_eq!(out, format!("out\nin\n{host}eight\n"));
    // The inherited descriptor stays, unless a range closes it and it is
    // not given.
    let check = format!("test -e /proc/self/fd/{n}");
    let mut cmd = sh(&check);
    cmd.file_descriptor(n, Fd::inherit()).close_fds(..);
    assert!(cmd.status().unwrap().success());
    cmd.reset_fds();
    assert!(!cmd.status().unwrap().success());

    // A descriptor that is not close-on-exec reaches the child, unless a
    // range closes it.
    let open = std::fs::File::open("/dev/null").unwrap();
    let m = open.as_raw_fd();
    // SAFETY: clears FD_CLOEXEC of our own open descriptor.
    assert_eq!(unsafe { libc::fcntl(m, libc::F_SETFD, 0) }, 0);
    let check = format!("test -e /proc/self/fd/{m}");
    assert!(sh(&check).status().unwrap().success());
    assert!(!sh(&check).close_fds(m..m + 1).status().unwrap().success());
    assert!(!sh(&check).close_fds(..).status().unwrap().success());
    assert!(!sh(&check).close_fds(m..).status().unwrap().success());
    assert!(sh(&check).close_fds(m + 1..).status().unwrap().success());
    assert!(sh(&check).close_fds(3..m).status().unwrap().success());
    assert!(sh(&check)
        .close_fds(..)
        .file_descriptor(m, Fd::inherit())
        .status()
        .unwrap()
        .success());
    drop(open);
}

/// The default parent-death signal: the child dies with the thread that
/// spawned it, unless allow_daemonize().
pub fn check_parent_death_signal() {
    fn state(pid: i32) -> char {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        after.chars().next().unwrap()
    }
    fn spawn_from_thread(daemon: bool) -> unshare::Child {
        std::thread::spawn(move || {
            let mut cmd = Command::new("/bin/sleep");
            cmd.arg("60");
            if daemon {
                cmd.allow_daemonize();
            }
            cmd.spawn().unwrap()
        })
        .join()
        .unwrap()
    }
    let mut child = spawn_from_thread(false);
    let mut dead = false;
    for _ in 0..200 {
        if state(child.pid()) == 'Z' {
            dead = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(dead, "the child outlived the thread that spawned it");
    assert_eq!(
        child.wait().unwrap(),
        ExitStatus::Signaled(Signal::SIGKILL, false)
    );

    let mut child = spawn_from_thread(true);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(state(child.pid()), 'S', "a daemon-allowed child lives on");
    child.signal(Signal::SIGTERM).unwrap();
    assert_eq!(
        child.wait().unwrap(),
        ExitStatus::Signaled(Signal::SIGTERM, false)
    );
}

/// A tree with /bin/sh (and what it links), /etc/marker, /old, /tmp, in
/// a new temporary directory.
pub fn make_rootfs(tag: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("unshare-compat-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    make_rootfs_at(&root);
    root
}

/// The tree of make_rootfs at `root`.
pub fn make_rootfs_at(root: &Path) {
    for d in ["bin", "etc", "old", "tmp"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(root.join("etc/marker"), "inside\n").unwrap();
    let copy = |from: &Path, to: &Path| {
        let dest = root.join(to.strip_prefix("/").unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from, &dest).unwrap();
    };
    copy(Path::new("/bin/sh"), Path::new("/bin/sh"));
    let ldd = std::process::Command::new("ldd")
        .arg("/bin/sh")
        .output()
        .unwrap();
    for line in String::from_utf8_lossy(&ldd.stdout).lines() {
        if let Some(p) = line.split_whitespace().find(|w| w.starts_with('/')) {
            copy(Path::new(p), Path::new(p));
        }
    }
}

/// chroot_dir(): the child sees the new root, with its working directory
/// inside (a user namespace gives the capability).
pub fn check_chroot() {
    let root = make_rootfs("chroot");
    let out = output_of(
        sh("pwd; read l </etc/marker; echo $l; test -e /proc/self || echo no-proc")
            .unshare(&[Namespace::User])
            .chroot_dir(&root),
    );
    assert_eq!(out, "/\ninside\nno-proc\n");
    let out = output_of(
        sh("pwd")
            .unshare(&[Namespace::User])
            .chroot_dir(&root)
            .current_dir("tmp"),
    );
    assert_eq!(out, "/tmp\n");
    std::fs::remove_dir_all(&root).unwrap();
}

/// uid, gid and supplementary groups (root only).
pub fn check_uid_gid_groups() {
    if skip_unless_root("check_uid_gid_groups") {
        return;
    }
    let out = output_of(
        sh("id -u; id -g; id -G")
            .uid(65534)
            .gid(65534)
            .groups(vec![65534, 100]),
    );
    assert_eq!(out, "65534\n65534\n65534 100\n");
}

/// keep_caps(): the capability stays, ambient, across the uid change
/// (root only).
pub fn check_keep_caps() {
    if skip_unless_root("check_keep_caps") {
        return;
    }
    let mut cmd = sh("grep -E '^Cap(Eff|Amb)' /proc/self/status");
    cmd.uid(65534).gid(65534);
    cmd.keep_caps(&[unshare::Capability::CAP_NET_BIND_SERVICE]);
    let out = output_of(&mut cmd);
    assert_eq!(
        out,
        "CapEff:\t0000000000000400\nCapAmb:\t0000000000000400\n"
    );
}

/// make_group_leader(): its own process group.
pub fn check_group_leader() {
    let out = output_of(sh("echo $$ $(cut -d' ' -f5 /proc/$$/stat)").make_group_leader(true));
    let f = fields(&out);
    assert_eq!(f[0], f[1]);
    let out = output_of(&mut sh("cut -d' ' -f5 /proc/$$/stat"));
    // SAFETY: plain getter.
    let ours = unsafe { libc::getpgrp() };
    assert_eq!(out.trim(), ours.to_string());
}

/// keep_sigmask(): the ignored SIGPIPE of a Rust program stays ignored;
/// by default it is reset.
pub fn check_sigmask() {
    fn sigpipe_ignored(cmd: &mut Command) -> bool {
        let out = output_of(cmd);
        let mask = u64::from_str_radix(out.trim_start_matches("SigIgn:").trim(), 16).unwrap();
        mask & (1 << (libc::SIGPIPE - 1)) != 0
    }
    let script = "grep SigIgn /proc/self/status";
    assert!(!sigpipe_ignored(&mut sh(script)));
    assert!(sigpipe_ignored(sh(script).keep_sigmask()));
}

/// Debug and display of a command.
pub fn check_display() {
    let mut cmd = Command::new("/bin/hello");
    cmd.env_clear();
    cmd.env("A", "B");
    assert_eq!(
        format!("{:?}", cmd),
        r#"<Command "/bin/hello"; environ: {"A"="B",}>"#
    );
    assert_eq!(
        cmd.display(&Style::debug().env(false)).to_string(),
        r#"<Command "/bin/hello"; environ[1]>"#
    );
    cmd.arg("world!");
    assert_eq!(
        cmd.display(&Style::short()).to_string(),
        r#""hello" "world!""#
    );
    cmd.uid(5).current_dir("/x");
    assert_eq!(
        cmd.display(&Style::debug().env(false)).to_string(),
        r#"<Command "/bin/hello" "world!"; environ[1]; work-dir="/x"; uid=5>"#
    );
}

/// Every check, by name.
pub const CHECKS: &[(&str, fn())] = &[
    ("namespaces_and_maps", check_namespaces_and_maps),
    (
        "maps_from_outside_and_kill",
        check_maps_from_outside_and_kill,
    ),
    ("status_codes", check_status_codes),
    ("signal", check_signal),
    ("errors", check_errors),
    ("env_and_args", check_env_and_args),
    ("stdio", check_stdio),
    ("file_descriptors", check_file_descriptors),
    ("parent_death_signal", check_parent_death_signal),
    ("chroot", check_chroot),
    ("uid_gid_groups", check_uid_gid_groups),
    ("keep_caps", check_keep_caps),
    ("group_leader", check_group_leader),
    ("sigmask", check_sigmask),
    ("display", check_display),
];
