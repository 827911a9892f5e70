#!/bin/sh
# Checks that the Haddock documentation of the linuxns Haskell package covers
# every exported item (100% in each module), after ctest-build.sh:
#   ctest-haddock.sh SOURCE_DIR WORK_DIR
# Uses cabal's build tree when cabal built the package, else hsc2hs and
# haddock directly. Nothing is written into the source tree.
set -eu
src=$1
work=$2
libdir=$(pkg-config --variable=libdir linuxns)
incdir=$(pkg-config --variable=includedir linuxns)
export HOME="$work/home" CABAL_DIR="$work/home/.cabal"
cd "$src"
out="$work/haddock.log"
if command -v cabal >/dev/null 2>&1 && [ -f "$work/cabal.config" ]; then
    cabal --config-file="$work/cabal.config" v2-haddock lib:linuxns \
        --builddir="$work/dist" \
        --extra-lib-dirs="$libdir" --extra-include-dirs="$incdir" >"$out" 2>&1 || { cat "$out"; exit 1; }
else
    mkdir -p "$work/haddock-gen"
    hsc2hs -I"$incdir" -o "$work/haddock-gen/LinuxNS.hs" src/LinuxNS.hsc
    haddock --html -o "$work/haddock-html" --optghc=-i"$work/haddock-gen" --optghc=-isrc \
        "$work/haddock-gen/LinuxNS.hs" src/System/Linux/Namespaces.hs >"$out" 2>&1 || { cat "$out"; exit 1; }
fi
# "100% ( 97 / 97) in 'LinuxNS'": one line per module
grep -E "%.*\) in '" "$out"
modules=$(grep -cE "%.*\) in '" "$out" || true)
full=$(grep -cE "^ *100% .*\) in '" "$out" || true)
if [ "$modules" -lt 2 ] || [ "$modules" != "$full" ]; then
    echo "ctest-haddock.sh: Haddock coverage is not 100% in every module ($full of $modules):" >&2
    grep -A20 "Missing documentation" "$out" >&2 || true
    exit 1
fi
echo "Haddock coverage: 100% in all $modules modules"
