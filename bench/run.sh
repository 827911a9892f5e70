#!/bin/sh
# Spawn benchmark: ns_spawn against the raw syscalls, the `unshare` crate,
# util-linux unshare(1) and Go's os/exec. Run by `make bench` after
# `cargo build --release`; see bench/README.md.
#
# Environment: BENCH_N_SMALL / BENCH_N_LARGE override the iteration counts
# (default 1000 at ~0 and 150 at 1 GiB: about a minute
# of measuring on a 2-core machine).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$here/build"
n_small=${BENCH_N_SMALL:-1000}
n_large=${BENCH_N_LARGE:-150}

if [ "$(id -u)" != 0 ]; then
	# The unshare crate writes gid_map from the parent without denying
	# setgroups first, which only a privileged caller may do.
	echo "bench: run as root (the unshare crate's id maps need it)" >&2
	exit 1
fi

# Tools: command -> Debian package.
missing=""
for t in cc:gcc pkg-config:pkg-config unshare:util-linux go:golang-go; do
	command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
if [ -n "$missing" ]; then
	if command -v apt-get >/dev/null 2>&1; then
		echo "bench: installing:$missing"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	else
		echo "bench: missing tools (install the packages:$missing)" >&2
		exit 1
	fi
fi
command -v cargo >/dev/null 2>&1 || { echo "bench: cargo not found" >&2; exit 1; }

# liblinuxns (make bench has built it; build it when run by hand).
[ -e "$root/target/release/liblinuxns.so" ] || (cd "$root" && cargo build --release)
export PKG_CONFIG_PATH="$root/target/release${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

mkdir -p "$out"
echo "bench: building the no-op, the driver and the helpers"
gcc -nostdlib -static -o "$out/noop" "$here/noop.S"
# shellcheck disable=SC2046
cc -O2 -Wall -Wextra -o "$out/spawn_bench" "$here/spawn_bench.c" \
	$(pkg-config --cflags --libs linuxns)
cargo build --release --quiet --locked \
	--manifest-path "$here/unshare-rs/Cargo.toml" \
	--target-dir "$out/unshare-rs"
(cd "$here/go-helper" && go build -o "$out/go-helper" .)

exec "$out/spawn_bench" "$out/noop" "$here/nscheck.sh" \
	"$out/unshare-rs/release/unshare-bench" "$out/go-helper" \
	"$n_small" "$n_large"
