//! The layering rule: system calls (any call of a `libc::` function) live in
//! `src/sys/` and, for the child side of spawn, in `src/spawn/child*.rs`;
//! everything else calls the wrappers there.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `libc::name(` with a lower-case name: a function call, not a constant,
/// a type or a macro-like helper (WIFEXITED).
fn libc_calls(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("libc::") {
            let after = &rest[i + 6..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_call = after[name.len()..].starts_with('(');
            if is_call && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
                found.push((n + 1, name.clone()));
            }
            rest = &after[name.len()..];
        }
    }
    found
}

#[test]
fn system_calls_only_in_the_syscall_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut outside = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let rel = rel.to_string_lossy();
        if rel.starts_with("sys/") || rel.starts_with("spawn/child") {
            continue;
        }
        let text = std::fs::read_to_string(f).expect("read source");
        for (line, name) in libc_calls(&text) {
            outside.push(format!("src/{rel}:{line}: libc::{name}("));
        }
    }
    assert!(
        outside.is_empty(),
        "system calls outside src/sys and the spawn child module:\n{}",
        outside.join("\n")
    );
}

#[test]
fn the_scanner_finds_calls_and_skips_constants() {
    let text = "let x = libc::EINVAL;\nunsafe { libc::getpid() };\n// libc::read(\nlet t: libc::c_int = 0;\nlibc::WIFEXITED(s);";
    assert_eq!(libc_calls(text), vec![(2, "getpid".to_string())]);
}
