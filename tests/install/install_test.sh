#!/bin/sh
# Installs linuxns into a temporary prefix with `make install`, then builds
# consumers the ways outside projects do: pkg-config (shared and static) and
# CMake's find_package; checks the soname, the man pages, DESTDIR staging
# and uninstall.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/linuxns-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok   $*"; }
bad() { fails=$((fails + 1)); echo "FAIL $*"; }
run_make() { env -u MAKEFLAGS -u MAKELEVEL make -s -C "$src" "$@" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; return 1; }; }

run_make install PREFIX="$prefix" || { echo "make install failed"; exit 1; }
lib=$prefix/lib
for f in liblinuxns.so.0.1.0 liblinuxns.a pkgconfig/linuxns.pc \
         cmake/linuxns/linuxnsConfig.cmake cmake/linuxns/linuxnsConfigVersion.cmake; do
    [ -f "$lib/$f" ] && ok "installed lib/$f" || bad "missing lib/$f"
done
[ -f "$prefix/include/linuxns.h" ] && ok "installed include/linuxns.h" || bad "missing include/linuxns.h"
[ "$(readlink "$lib/liblinuxns.so.0")" = liblinuxns.so.0.1.0 ] && ok "link liblinuxns.so.0" || bad "link liblinuxns.so.0"
[ "$(readlink "$lib/liblinuxns.so")" = liblinuxns.so.0 ] && ok "link liblinuxns.so" || bad "link liblinuxns.so"
readelf -d "$lib/liblinuxns.so.0.1.0" | grep -q 'SONAME.*\[liblinuxns.so.0\]' && ok "soname liblinuxns.so.0" || bad "soname"
grep -q "^prefix=$prefix\$" "$lib/pkgconfig/linuxns.pc" && ok "pc prefix" || bad "pc prefix"

# The man pages: one per function in man3 (the ns_spawn_attr_* names are .so
# links to ns_spawn_attr.3, resolved inside the same tree), linuxns.7.
man=$prefix/share/man
if [ -f "$man/man3/ns_spawn.3" ] && [ -f "$man/man7/linuxns.7" ] && [ -f "$man/man3/ns_spawn_attr.3" ] &&
   [ "$(cat "$man/man3/ns_spawn_attr_set_fd.3")" = ".so man3/ns_spawn_attr.3" ] &&
   [ "$(ls "$man/man3" | wc -l)" = "$(ls "$src/man/man3" | wc -l)" ]; then
    ok "installed share/man: man3/ns_spawn.3 and $(($(ls "$man/man3" | wc -l) - 1)) more, man7/linuxns.7"
else
    bad "man pages under share/man"
fi
if command -v man >/dev/null; then
    if [ "$(MANPATH="$man" man -w ns_spawn 2>/dev/null)" = "$man/man3/ns_spawn.3" ] &&
       MANPATH="$man" MANPAGER=cat man ns_spawn_attr_set_fd 2>/dev/null | grep -q 'ns_spawn_attr_set_fd' &&
       MANPATH="$man" MANPAGER=cat man 7 linuxns 2>/dev/null | grep -q 'THREADS AND RUNTIMES'; then
        ok "man ns_spawn, man ns_spawn_attr_set_fd (a .so link), man 7 linuxns"
    else
        bad "man finds the installed pages"
    fi
fi

export PKG_CONFIG_PATH="$lib/pkgconfig"
unset PKG_CONFIG_LIBDIR
# Shared, with nothing but pkg-config's flags.
if cc -o "$tmp/dyn" "$here/consumer.c" $(pkg-config --cflags --libs linuxns) &&
   LD_LIBRARY_PATH="$lib" "$tmp/dyn" >/dev/null &&
   readelf -d "$tmp/dyn" | grep -q 'NEEDED.*\[liblinuxns.so.0\]'; then
    ok "pkg-config shared consumer builds, runs, needs liblinuxns.so.0"
else
    bad "pkg-config shared consumer"
fi
# Static against liblinuxns.a, with Libs.private.
static_libs=$(pkg-config --static --libs linuxns | sed 's/-llinuxns/-l:liblinuxns.a/')
if cc -o "$tmp/static" "$here/consumer.c" $(pkg-config --cflags linuxns) $static_libs &&
   "$tmp/static" >/dev/null && ! ldd "$tmp/static" | grep -q linuxns; then
    ok "pkg-config static consumer builds, runs, no liblinuxns in ldd"
else
    bad "pkg-config static consumer"
fi
# CMake find_package.
if command -v cmake >/dev/null; then
    if cmake -S "$here/cmake_consumer" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/cm.log" 2>&1 &&
       cmake --build "$tmp/cm" >>"$tmp/cm.log" 2>&1 &&
       LD_LIBRARY_PATH="$lib" "$tmp/cm/consumer_cmake" >/dev/null &&
       "$tmp/cm/consumer_cmake_static" >/dev/null &&
       ! ldd "$tmp/cm/consumer_cmake_static" | grep -q linuxns; then
        ok "CMake find_package(linuxns) consumer, shared and static"
    else
        cat "$tmp/cm.log"; bad "CMake consumer"
    fi
else
    bad "cmake not installed"
fi

# DESTDIR staging keeps the final prefix in the files.
run_make install DESTDIR="$tmp/stage" PREFIX=/usr || bad "make install DESTDIR"
[ -f "$tmp/stage/usr/lib/liblinuxns.so.0.1.0" ] && grep -q '^prefix=/usr$' "$tmp/stage/usr/lib/pkgconfig/linuxns.pc" &&
    ok "DESTDIR staging" || bad "DESTDIR staging"

# cargo-c: `cargo cinstall` installs the same library files. Debian 12's
# cargo-c embeds cargo 0.66, which reaches crates.io only through the sparse
# protocol, still unstable there: hence the channel override.
if command -v cargo-cinstall >/dev/null; then
    if (cd "$src" && CARGO_REGISTRIES_CRATES_IO_PROTOCOL=sparse CARGO_UNSTABLE_SPARSE_REGISTRY=true \
            __CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS=nightly \
            cargo cinstall --release --prefix=/usr --destdir="$tmp/cc" >"$tmp/cc.log" 2>&1); then
        ok "cargo cinstall"
    else
        tail -20 "$tmp/cc.log"; bad "cargo cinstall"
    fi
    list() { (cd "$1" && find . \( -type f -o -type l \) ! -path '*/cmake/*' ! -path './share/man/*' | sort); }
    if [ "$(list "$tmp/cc/usr")" = "$(list "$tmp/stage/usr")" ]; then
        ok "cargo cinstall installs the same files as make install (CMake files and man pages aside)"
    else
        echo "cargo-c:"; list "$tmp/cc/usr"; echo "make:"; list "$tmp/stage/usr"; bad "file lists differ"
    fi
    cmp -s "$tmp/cc/usr/include/linuxns.h" "$src/include/linuxns.h" && ok "cargo-c header is the committed one" || bad "cargo-c header differs"
    readelf -d "$tmp/cc/usr/lib/liblinuxns.so.0.1.0" | grep -q 'SONAME.*\[liblinuxns.so.0\]' && ok "cargo-c soname" || bad "cargo-c soname"
    if cc -o "$tmp/ccdyn" "$here/consumer.c" -I"$tmp/cc/usr/include" -L"$tmp/cc/usr/lib" -llinuxns &&
       LD_LIBRARY_PATH="$tmp/cc/usr/lib" "$tmp/ccdyn" >/dev/null; then
        ok "consumer against cargo-c's library"
    else
        bad "consumer against cargo-c's library"
    fi
else
    bad "cargo-c (cargo-cinstall) not installed"
fi

run_make uninstall PREFIX="$prefix" || bad "make uninstall"
[ ! -e "$man/man3/ns_spawn.3" ] && [ ! -e "$man/man3/ns_spawn_attr_set_fd.3" ] && [ ! -e "$man/man7/linuxns.7" ] &&
    ok "uninstall removes the man pages" || bad "uninstall left man pages"
left=$(find "$prefix" -type f -o -type l | wc -l)
[ "$left" = 0 ] && ok "uninstall removes every file" || { find "$prefix"; bad "uninstall left $left files"; }

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
