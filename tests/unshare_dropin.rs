//! The drop-in claim of `linuxns::unshare`: a program written for the
//! `unshare` crate 0.7 (tests/unshare_compat/program.rs) compiles and
//! runs against it with `use linuxns::unshare;` and nothing else changed.
//! `real_unshare_crate_runs_the_same_program` builds the same source
//! against the `unshare` crate itself (offline, from the local registry
//! cache) and runs it, when it can. Then come what only linuxns does: an
//! unprivileged caller's maps, joins, pivot_root.
//!
//! Nothing here changes the test process's namespaces: every namespace is
//! the spawned child's. A `harness = false` runner: cases that need root
//! are reported as skipped when not root, never as passed.

use linuxns::unshare;

include!("unshare_compat/program.rs");

fn every_program_check_runs_here() {
    // The list above and the program's own list agree.
    assert_eq!(CHECKS.len(), 15);
}

/// The same program, built against the `unshare` crate (as root, where
/// its maps work without denying setgroups). Skipped when not root, or
/// when the crate cannot be built offline here.
fn real_unshare_crate_runs_the_same_program() {
    if euid() != 0 {
        return skip("needs root: the unshare crate writes gid maps only as root");
    }
    if !Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/unshare_compat/real/Cargo.toml")
        .exists()
    {
        return skip("tests/unshare_compat/real is not in this copy (a packaged crate)");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/unshare_compat/real");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("unshare-compat-real");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let build = std::process::Command::new(&cargo)
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output();
    let build = match build {
        Ok(b) => b,
        Err(e) => {
            return skip(&format!("cannot run cargo: {e}"));
        }
    };
    let stderr = String::from_utf8_lossy(&build.stderr);
    if !build.status.success() {
        let unavailable = [
            "no matching package",
            "failed to download",
            "offline",
            "registry",
        ]
        .iter()
        .any(|w| stderr.contains(w));
        if unavailable && !stderr.contains("error[E") {
            return skip(&format!(
                "the unshare crate is not available offline: {stderr}"
            ));
        }
        panic!("the program does not build against the unshare crate:\n{stderr}");
    }
    let run = std::process::Command::new(target.join("debug/unshare-compat-real"))
        .output()
        .expect("run the program built against the unshare crate");
    let stdout = String::from_utf8_lossy(&run.stdout);
    eprintln!("{stdout}");
    assert!(
        run.status.success(),
        "with the unshare crate:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        CHECKS.len()
    );
}

/// An unprivileged caller's own ids, mapped with set_id_maps: setgroups
/// is denied for it (the kernel's condition for the gid map), not for
/// root, whose maps are written as the unshare crate writes them.
fn setgroups_denied_only_where_the_kernel_requires_it() {
    let (uid, gid) = (euid(), egid());
    let mut child = Command::new("/bin/sleep")
        .arg("60")
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
        .spawn()
        .unwrap();
    let setgroups = std::fs::read_to_string(format!("/proc/{}/setgroups", child.pid())).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let expect = if uid == 0 { "allow" } else { "deny" };
    assert_eq!(setgroups.trim(), expect);

    // A map the kernel refuses an unprivileged caller: SetIdMap(EPERM).
    if uid != 0 {
        let e = Command::new("/bin/true")
            .set_id_maps(
                vec![UidMap {
                    inside_uid: 0,
                    outside_uid: uid,
                    count: 1,
                }],
                vec![GidMap {
                    inside_gid: 0,
                    outside_gid: 0,
                    count: 1,
                }],
            )
            .spawn()
            .unwrap_err();
        assert!(matches!(e, unshare::Error::SetIdMap(libc::EPERM)), "{e:?}");
        assert_eq!(e.raw_os_error(), Some(libc::EPERM));
    }
}

/// Only a uid map (an empty gid list): the gid map stays unwritten.
fn an_empty_map_list_leaves_that_map_unwritten() {
    let out = output_of(
        sh("cat /proc/self/uid_map; cat /proc/self/gid_map; echo end").set_id_maps(
            vec![UidMap {
                inside_uid: 0,
                outside_uid: euid(),
                count: 1,
            }],
            vec![],
        ),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(fields(lines[0]), ["0", &euid().to_string(), "1"]);
    assert_eq!(lines[1], "end");
}

/// set_namespace(): the child joins the namespaces of another process
/// (for an unprivileged caller, its user namespace too, which is joined
/// first).
fn set_namespace_joins_another_process_namespaces() {
    let (uid, gid) = (euid(), egid());
    let mut holder = sh("hostname held && exec sleep 60");
    holder.unshare(&[Namespace::Uts]);
    if uid != 0 {
        holder.set_id_maps(
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
        );
    }
    let mut holder = holder.spawn().unwrap();
    let pid = holder.pid();
    // Wait for the hostname (the shell then execs sleep).
    let mut ok = false;
    for _ in 0..200 {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() == "sleep" {
            ok = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(ok, "the holder did not start");
    let uts = std::fs::File::open(format!("/proc/{pid}/ns/uts")).unwrap();
    let mut cmd = sh("hostname; readlink /proc/self/ns/uts");
    cmd.set_namespace(&uts, Namespace::Uts).unwrap();
    if uid != 0 {
        let user = std::fs::File::open(format!("/proc/{pid}/ns/user")).unwrap();
        cmd.set_namespace(&user, Namespace::User).unwrap();
    }
    let out = output_of(&mut cmd);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "held");
    assert_eq!(lines[1], ns_link(&format!("/proc/{pid}/ns/uts")));
    holder.kill().unwrap();
    holder.wait().unwrap();
}

/// pivot_root(): the child's root is the new tree, the old one at
/// put_old unless unmounted; needs Namespace::Mount.
fn pivot_root_into_a_tree() {
    let root = make_rootfs("pivot");
    let old = root.join("old");
    let (uid, gid) = (euid(), egid());
    let maps = |cmd: &mut Command| {
        cmd.unshare(&[Namespace::Mount]).set_id_maps(
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
        );
    };
    let script = "pwd; read l </etc/marker; echo $l; \
                  test -e /old/etc/hostname && echo old-kept || echo old-gone";
    let mut cmd = sh(script);
    maps(&mut cmd);
    cmd.pivot_root(&root, &old, false);
    assert_eq!(output_of(&mut cmd), "/\ninside\nold-kept\n");
    let mut cmd = sh(script);
    maps(&mut cmd);
    cmd.pivot_root(&root, &old, true).current_dir("tmp");
    assert_eq!(output_of(&mut cmd), "/tmp\ninside\nold-gone\n");
    // With a chroot inside the new root as well.
    make_rootfs_at(&root.join("inner"));
    std::fs::write(root.join("inner/etc/marker"), "inner\n").unwrap();
    let mut cmd = sh("pwd; read l </etc/marker; echo $l");
    maps(&mut cmd);
    cmd.pivot_root(&root, &old, true).chroot_dir("/inner");
    assert_eq!(output_of(&mut cmd), "/\ninner\n");

    // Without a mount namespace: refused, the caller's root untouched.
    let mut cmd = sh("true");
    cmd.unshare(&[Namespace::User])
        .pivot_root(&root, &old, true);
    let e = cmd.spawn().unwrap_err();
    assert!(
        matches!(e, unshare::Error::ChangeRoot(libc::EINVAL)),
        "{e:?}"
    );
    // A put_old outside the new root (not a prefix, not refused early).
    let mut cmd = sh("true");
    maps(&mut cmd);
    cmd.pivot_root(&old, &root, true);
    let e = cmd.spawn().unwrap_err();
    assert!(
        matches!(e, unshare::Error::ChangeRoot(libc::EINVAL)),
        "{e:?}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

fn a_relative_chroot_dir_panics() {
    Command::new("/bin/true").chroot_dir("relative");
}

fn a_put_old_outside_new_root_panics() {
    Command::new("/bin/true").pivot_root("/a/b", "/a/c/old", true);
}

/// env_var_with_pid in a new PID namespace: the pid the child sees.
fn pid_variable_in_a_pid_namespace() {
    let out = output_of(
        sh("echo $LISTEN_PID $$")
            .unshare(&[Namespace::User, Namespace::Pid])
            .env_var_with_pid("LISTEN_PID"),
    );
    assert_eq!(out, "1 1\n");
}

/// A NUL byte in an argument: an error at spawn, not a panic.
fn a_nul_byte_is_an_exec_error() {
    let e = Command::new("/bin/echo").arg("a\0b").spawn().unwrap_err();
    assert!(matches!(e, unshare::Error::Exec(libc::EINVAL)), "{e:?}");
}

/// Errors of the library's own kinds, through the unshare types.
fn more_error_kinds() {
    // The setgroups of an unprivileged child with setgroups denied, or
    // a refused setresuid: SetUser.
    let mut cmd = Command::new("/bin/true");
    if euid() == 0 {
        cmd.unshare(&[Namespace::User]).uid(0);
    } else {
        cmd.set_id_maps(
            vec![UidMap {
                inside_uid: 0,
                outside_uid: euid(),
                count: 1,
            }],
            vec![GidMap {
                inside_gid: 0,
                outside_gid: egid(),
                count: 1,
            }],
        )
        .groups(vec![0]);
    }
    let e = cmd.spawn().unwrap_err();
    assert!(
        matches!(
            e,
            unshare::Error::SetUser(libc::EPERM) | unshare::Error::SetUser(libc::EINVAL)
        ),
        "{e:?}"
    );
    // An inherited descriptor that is not open.
    let e = Command::new("/bin/true")
        .file_descriptor(900, Fd::inherit())
        .spawn()
        .unwrap_err();
    assert!(
        matches!(e, unshare::Error::StdioError(libc::EBADF)),
        "{e:?}"
    );
    // A map command that does not exist.
    let e = Command::new("/bin/true")
        .set_id_maps(
            vec![UidMap {
                inside_uid: 0,
                outside_uid: euid(),
                count: 1,
            }],
            vec![GidMap {
                inside_gid: 0,
                outside_gid: egid(),
                count: 1,
            }],
        )
        .set_id_map_commands("/nonexistent/newuidmap", "/nonexistent/newgidmap")
        .spawn()
        .unwrap_err();
    assert!(matches!(e, unshare::Error::SetIdMap(_)), "{e:?}");
}

/// set_id_map_commands(): the programs get newuidmap's arguments; here
/// scripts that write the maps themselves (as root may).
fn map_commands_get_newuidmap_arguments() {
    if euid() != 0 {
        return skip("needs root");
    }
    let dir = std::env::temp_dir().join(format!("unshare-mapcmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = |kind: &str| {
        let path = dir.join(format!("new{kind}map"));
        let body = format!(
            "#!/bin/sh\npid=$1; shift\necho \"$*\" > {log}\necho \"$1 $2 $3\" > /proc/$pid/{kind}_map\n",
            log = dir.join(format!("{kind}.args")).display()
        );
        std::fs::write(&path, body).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let (u, g) = (script("uid"), script("gid"));
    let out = output_of(
        sh("id -u; id -g")
            .set_id_maps(
                vec![UidMap {
                    inside_uid: 0,
                    outside_uid: 1000,
                    count: 1,
                }],
                vec![GidMap {
                    inside_gid: 0,
                    outside_gid: 1000,
                    count: 1,
                }],
            )
            .set_id_map_commands(&u, &g)
            .uid(0)
            .gid(0),
    );
    // Root outside is not mapped: the child takes the mapped uid 0.
    assert_eq!(out, "0\n0\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("uid.args")).unwrap(),
        "0 1000 1\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("gid.args")).unwrap(),
        "0 1000 1\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------
// The runner (harness = false): every case in this one process, in order;
// a case that cannot run here is reported as skipped, not as passed.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static SKIPPED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Ends a case as skipped (the caller returns right after).
fn skip(why: &str) {
    SKIPPED.with(|s| *s.borrow_mut() = Some(why.to_owned()));
}

struct Case {
    name: &'static str,
    run: fn(),
    /// Skipped (not run) when not root.
    needs_root: bool,
    /// The case passes only by panicking with this text.
    panics_with: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "program::check_namespaces_and_maps",
        run: check_namespaces_and_maps,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_maps_from_outside_and_kill",
        run: check_maps_from_outside_and_kill,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_status_codes",
        run: check_status_codes,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_signal",
        run: check_signal,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_errors",
        run: check_errors,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_env_and_args",
        run: check_env_and_args,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_stdio",
        run: check_stdio,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_file_descriptors",
        run: check_file_descriptors,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_parent_death_signal",
        run: check_parent_death_signal,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_chroot",
        run: check_chroot,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_uid_gid_groups",
        run: check_uid_gid_groups,
        needs_root: true,
        panics_with: None,
    },
    Case {
        name: "program::check_keep_caps",
        run: check_keep_caps,
        needs_root: true,
        panics_with: None,
    },
    Case {
        name: "program::check_group_leader",
        run: check_group_leader,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_sigmask",
        run: check_sigmask,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "program::check_display",
        run: check_display,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "every_program_check_runs_here",
        run: every_program_check_runs_here,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "real_unshare_crate_runs_the_same_program",
        run: real_unshare_crate_runs_the_same_program,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "setgroups_denied_only_where_the_kernel_requires_it",
        run: setgroups_denied_only_where_the_kernel_requires_it,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "an_empty_map_list_leaves_that_map_unwritten",
        run: an_empty_map_list_leaves_that_map_unwritten,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "set_namespace_joins_another_process_namespaces",
        run: set_namespace_joins_another_process_namespaces,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "pivot_root_into_a_tree",
        run: pivot_root_into_a_tree,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "a_relative_chroot_dir_panics",
        run: a_relative_chroot_dir_panics,
        needs_root: false,
        panics_with: Some("Chroot dir must be absolute"),
    },
    Case {
        name: "a_put_old_outside_new_root_panics",
        run: a_put_old_outside_new_root_panics,
        needs_root: false,
        panics_with: Some("not a prefix"),
    },
    Case {
        name: "pid_variable_in_a_pid_namespace",
        run: pid_variable_in_a_pid_namespace,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "a_nul_byte_is_an_exec_error",
        run: a_nul_byte_is_an_exec_error,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "more_error_kinds",
        run: more_error_kinds,
        needs_root: false,
        panics_with: None,
    },
    Case {
        name: "map_commands_get_newuidmap_arguments",
        run: map_commands_get_newuidmap_arguments,
        needs_root: false,
        panics_with: None,
    },
];

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (mut ok, mut failed, mut skipped) = (0, Vec::new(), 0);
    for c in CASES {
        if !filter.is_empty() && !filter.iter().any(|f| c.name.contains(f.as_str())) {
            continue;
        }
        if c.needs_root && euid() != 0 {
            println!("case {} ... skipped (needs root)", c.name);
            skipped += 1;
            continue;
        }
        SKIPPED.with(|s| s.borrow_mut().take());
        // An expected panic is not news: keep its report quiet.
        let quiet = c.panics_with.is_some();
        let hook = quiet.then(|| {
            let prev = std::panic::take_hook();
            std::panic::set_hook(Box::new(|_| {}));
            prev
        });
        let r = catch_unwind(AssertUnwindSafe(c.run));
        if let Some(prev) = hook {
            std::panic::set_hook(prev);
        }
        let skip = SKIPPED.with(|s| s.borrow_mut().take());
        let verdict = match (r, c.panics_with) {
            (Ok(()), None) => match skip {
                Some(why) => {
                    skipped += 1;
                    format!("skipped ({why})")
                }
                None => {
                    ok += 1;
                    "ok".into()
                }
            },
            (Ok(()), Some(text)) => {
                failed.push(c.name);
                format!("FAILED (did not panic with {text:?})")
            }
            (Err(p), Some(text)) => {
                let msg = p
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| p.downcast_ref::<&str>().copied())
                    .unwrap_or("");
                if msg.contains(text) {
                    ok += 1;
                    "ok (panicked as expected)".into()
                } else {
                    failed.push(c.name);
                    format!("FAILED (panicked with {msg:?}, not {text:?})")
                }
            }
            (Err(_), None) => {
                failed.push(c.name);
                "FAILED".into()
            }
        };
        println!("case {} ... {verdict}", c.name);
    }
    println!(
        "\nresult: {}. {ok} passed; {} failed; {skipped} skipped",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len()
    );
    if !failed.is_empty() {
        println!("failed: {}", failed.join(", "));
        std::process::exit(1);
    }
}
