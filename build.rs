//! Build script: writes `include/linuxns.h` with cbindgen, fills the
//! uninstalled pkg-config file, and gives the shared library its soname and
//! export list.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// What a static link of liblinuxns.a needs (rustc --print native-static-libs);
/// the Makefile's install target writes the same list.
const STATIC_LIBS: &str = "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc";

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let version = env::var("CARGO_PKG_VERSION").unwrap();
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let patch = env::var("CARGO_PKG_VERSION_PATCH").unwrap();

    for p in [
        "src",
        "cbindgen.toml",
        "pkgconfig/linuxns.pc.in",
        "linuxns.map",
    ] {
        println!("cargo:rerun-if-changed={p}");
    }

    // The soname carries the ABI major version; only ns_* is exported.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,liblinuxns.so.{major}");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        crate_dir.join("linuxns.map").display()
    );

    // The header is generated in the source tree only. A build from the
    // published package (cargo package's verify step, a dependency from
    // crates.io, docs.rs) must leave its source directory as it is and has
    // no use for cbindgen, which runs `cargo metadata`: there the shipped
    // include/linuxns.h, generated from the same sources, is the header.
    // cargo package adds Cargo.toml.orig to every package.
    let packaged = crate_dir.join("Cargo.toml.orig").exists();
    if !packaged && env::var_os("DOCS_RS").is_none() {
        write_header(&crate_dir, &major, &minor, &patch);
    }

    let profile_dir = profile_dir();
    write_uninstalled_pc(&crate_dir, &profile_dir, &version);
    // Programs linked against liblinuxns.so record the soname; give them the
    // file under that name in the build tree too.
    let link = profile_dir.join(format!("liblinuxns.so.{major}"));
    if fs::symlink_metadata(&link).is_err() {
        let _ = std::os::unix::fs::symlink("liblinuxns.so", &link);
    }
}

fn write_header(crate_dir: &Path, major: &str, minor: &str, patch: &str) {
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable");
    config.after_includes = Some(format!(
        "\n#define LINUXNS_VERSION_MAJOR {major}\n\
         #define LINUXNS_VERSION_MINOR {minor}\n\
         #define LINUXNS_VERSION_PATCH {patch}\n\
         #define LINUXNS_VERSION_STRING \"{major}.{minor}.{patch}\"\n"
    ));
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    // The Rust API's associated constants are excluded, but cbindgen
    // leaves a blank line for each: keep at most one blank line.
    let mut out = String::from_utf8(out).expect("the header is UTF-8");
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    let out = out.into_bytes();
    write_if_changed(&crate_dir.join("include/linuxns.h"), &out);
}

/// target/<profile>, found from OUT_DIR = target/<profile>/build/<pkg>/out.
fn profile_dir() -> PathBuf {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    out.ancestors()
        .nth(3)
        .expect("OUT_DIR has the usual depth")
        .to_path_buf()
}

fn write_uninstalled_pc(crate_dir: &Path, profile_dir: &Path, version: &str) {
    let template = fs::read_to_string(crate_dir.join("pkgconfig/linuxns.pc.in"))
        .expect("pkgconfig/linuxns.pc.in is readable");
    let libdir = profile_dir.display().to_string();
    let text = template
        .replace("@PREFIX@", &crate_dir.display().to_string())
        .replace("@LIBDIR@", &libdir)
        .replace(
            "@INCLUDEDIR@",
            &crate_dir.join("include").display().to_string(),
        )
        .replace("@VERSION@", version)
        // Uninstalled: let programs find the library where it was built.
        .replace("@EXTRA_LIBS@", "-Wl,-rpath,${libdir}")
        .replace("@STATIC_LIBS@", STATIC_LIBS);
    write_if_changed(&profile_dir.join("linuxns-uninstalled.pc"), text.as_bytes());
}

fn write_if_changed(path: &Path, content: &[u8]) {
    if fs::read(path).ok().as_deref() != Some(content) {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).expect("output directory can be created");
        }
        fs::write(path, content).expect("output file can be written");
    }
}
