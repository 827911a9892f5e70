//! netns: named network namespaces, like `ip netns`, and interoperable with
//! it (the names live in /run/netns, where iproute2 keeps them). The Rust
//! twin of `examples-c/netns.c`; needs root.
//!
//! ```text
//! cargo run --example netns -- add NAME            # a new network namespace called NAME
//! cargo run --example netns -- exec NAME CMD...    # run CMD in it
//! cargo run --example netns -- del NAME            # forget the name
//! cargo run --example netns -- list                # the names
//! ```
//!
//! Unlike `ip netns exec`, exec does not remount /sys or bind /etc/netns/NAME
//! files: it only starts CMD in the network namespace (the caller's threads
//! never move). Errors are printed with the library's text, exit status 1;
//! a usage error exits 2; exec exits with CMD's status.

use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitCode;

use linuxns::{Command, Namespace};

/// The names in /run/netns that really hold a network namespace.
fn list() -> std::io::Result<Vec<String>> {
    let entries = match std::fs::read_dir("/run/netns") {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if Namespace::open_name(&name).is_ok() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Runs CMD in the namespace called `name`; its exit status.
fn exec(name: &str, cmd: &[OsString]) -> linuxns::Result<u8> {
    let ns = Namespace::open_name(name)?;
    let status = Command::new(&cmd[0]).args(&cmd[1..]).join(&ns).status()?;
    Ok(match (status.code(), status.signal()) {
        (Some(code), _) => code as u8,
        (None, Some(sig)) => 128u8.wrapping_add(sig as u8),
        (None, None) => 1,
    })
}

fn usage() -> ExitCode {
    eprintln!("usage: netns add NAME | exec NAME CMD [ARGS...] | del NAME | list");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let words: Vec<String> = args
        .iter()
        .take(2)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let result = match (words.as_slice(), args.len()) {
        (["list"], 1) => match list() {
            Ok(names) => {
                for n in names {
                    println!("{n}");
                }
                return ExitCode::SUCCESS;
            }
            Err(err) => {
                eprintln!("netns list: /run/netns: {err}");
                return ExitCode::FAILURE;
            }
        },
        (["add", name], 2) => linuxns::netns_add(name).map(|_| 0).map_err(|e| ("add", e)),
        (["del", name], 2) => linuxns::netns_del(name).map(|_| 0).map_err(|e| ("del", e)),
        (["exec", name], n) if n >= 3 => exec(name, &args[2..]).map_err(|e| ("exec", e)),
        _ => return usage(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err((what, err)) => {
            eprintln!("netns {what}: {err}");
            ExitCode::FAILURE
        }
    }
}
