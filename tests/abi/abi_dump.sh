#!/bin/sh
# The ABI of a build, as abidw sees it: the library's symbols (names and
# versions) and the types of the header through a C shim (abi_shim.sh).
#   abi_dump.sh LIBRARY INCLUDE_DIR OUT_DIR
# writes OUT_DIR/liblinuxns.abi and OUT_DIR/types.abi.
set -eu
lib=$1 inc=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Symbols and their versions only: the Rust debug information describes
# the functions as Rust sees them (paths, no parameters) and changes with
# the code; the types come from the header below.
objcopy --strip-debug "$lib" "$tmp/liblinuxns.so"
abidw --no-corpus-path --no-comp-dir-path --no-show-locs "$tmp/liblinuxns.so" > "$out/liblinuxns.abi"
sh "$here/abi_shim.sh" "$lib" > "$tmp/shim.c"
cc -g -O0 -shared -fPIC -I"$inc" -o "$tmp/linuxns-abi-types.so" "$tmp/shim.c"
abidw --no-corpus-path --no-comp-dir-path --no-show-locs "$tmp/linuxns-abi-types.so" > "$out/types.abi"
