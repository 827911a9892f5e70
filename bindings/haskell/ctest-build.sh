#!/bin/sh
# Builds the linuxns Haskell package and its two test programs out of the
# source tree, offline: cabal with a config file that names no package
# repository (only GHC's bundled libraries are used), or plain ghc --make
# when cabal-install is missing.
#   ctest-build.sh SOURCE_DIR WORK_DIR
# Leaves WORK_DIR/bin/test-threaded, WORK_DIR/bin/test-nonthreaded and
# WORK_DIR/bin/example-task (examples/Task.hs, the README's example).
# liblinuxns is found with pkg-config (PKG_CONFIG_PATH).
set -eu
src=$1
work=$2
libdir=$(pkg-config --variable=libdir linuxns)
incdir=$(pkg-config --variable=includedir linuxns)
mkdir -p "$work/home" "$work/bin"
export HOME="$work/home" CABAL_DIR="$work/home/.cabal"
cd "$src"

if command -v cabal >/dev/null 2>&1; then
    printf -- '-- no repository: offline, GHC bundled libraries only\n' >"$work/cabal.config"
    cabal --config-file="$work/cabal.config" v2-build all \
        --builddir="$work/dist" --enable-tests \
        --extra-lib-dirs="$libdir" --extra-include-dirs="$incdir" \
        --ghc-options="-optl-Wl,-rpath,$libdir"
    for t in test-threaded test-nonthreaded; do
        exe=$(find "$work/dist" -type f -name "$t" -perm -u+x | head -n 1)
        [ -n "$exe" ] || { echo "ctest-build.sh: $t not built" >&2; exit 1; }
        cp "$exe" "$work/bin/$t"
    done
    db=$(find "$work/dist/packagedb" -mindepth 1 -maxdepth 1 -type d -name 'ghc-*' | head -n 1)
    ghc -v0 -package-db "$db" -package linuxns -outputdir "$work/example" \
        -o "$work/bin/example-task" examples/Task.hs -optl-Wl,-rpath,"$libdir"
else
    echo "ctest-build.sh: cabal not found (Debian: cabal-install): building with ghc --make" >&2
    mkdir -p "$work/gen"
    hsc2hs -I"$incdir" -o "$work/gen/LinuxNS.hs" src/LinuxNS.hsc
    for t in threaded nonthreaded; do
        flags=""
        [ "$t" = threaded ] && flags="-threaded -with-rtsopts=-N2"
        # shellcheck disable=SC2086
        ghc --make -Wall $flags -outputdir "$work/ghc-$t" -i"$work/gen" -isrc -itest \
            -o "$work/bin/test-$t" test/Main.hs \
            -llinuxns -L"$libdir" -optl-Wl,-rpath,"$libdir"
    done
    ghc --make -v0 -outputdir "$work/example" -i"$work/gen" -isrc -o "$work/bin/example-task" \
        examples/Task.hs -llinuxns -L"$libdir" -optl-Wl,-rpath,"$libdir"
fi
