//! Runs every check of ../../program.rs against the `unshare` crate 0.7.

include!("../../program.rs");

fn main() {
    let mut failed = Vec::new();
    for (name, check) in CHECKS {
        match std::panic::catch_unwind(check) {
            Ok(()) => println!("ok {name}"),
            Err(_) => {
                println!("FAILED {name}");
                failed.push(*name);
            }
        }
    }
    if !failed.is_empty() {
        eprintln!("failed: {}", failed.join(" "));
        std::process::exit(1);
    }
}
