#!/bin/sh
# The header compiles cleanly, with every warning an error, as C99, C11 and
# C++17, and a C++ program using it links against the library.
set -u
here=$(cd "$(dirname "$0")" && pwd)
inc=$(cd "$here/../../include" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
flags="-Wall -Wextra -Werror -pedantic -I$inc"
pass=0; fail=0
try() { if "$@" 2>"$tmp/err"; then pass=$((pass + 1)); echo "ok   $*"; else fail=$((fail + 1)); echo "FAIL $*"; cat "$tmp/err"; fi; }
try cc -std=c99 $flags -c "$here/use_header.c" -o "$tmp/c99.o"
try cc -std=c11 $flags -c "$here/use_header.c" -o "$tmp/c11.o"
cp "$here/use_header.c" "$tmp/use_header.cpp"
try c++ -std=c++17 $flags -c "$tmp/use_header.cpp" -o "$tmp/cxx.o"
try c++ -o "$tmp/cxx" "$tmp/cxx.o" $(pkg-config --libs linuxns)
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
