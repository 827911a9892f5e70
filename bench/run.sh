#!/bin/sh
# Benchmarks, run by `make bench` after `cargo build --release`; see
# bench/README.md.
#   spawn  ns_spawn and the Rust API (linuxns::Command) against the raw
#          syscalls, the `unshare` crate, util-linux unshare(1) and Go's
#          os/exec (spawn_bench.c)
#   ns     ns_list against lsns(8), ns_setns and ns_open_pid+ns_id against
#          the raw syscalls, ns_netns_add/del against ip-netns(8) (ns_bench.c)
#
# usage: bench/run.sh [spawn|ns|all]   (default all: spawn, then ns)
#
# Environment: BENCH_N_SMALL / BENCH_N_LARGE override the spawn iteration
# counts (default 1000 at ~0 and 150 at 1 GiB: about a minute of measuring
# on a 2-core machine); BENCH_SEED fixes the spawn benchmark's contender
# order and bootstrap resamples (default: a random seed, printed).
# BENCH_NS_LIST, BENCH_NS_CALLS, BENCH_NS_BATCHES and BENCH_NS_NETNS
# override ns_bench's (default 100, 200000, 20, 100: about 15 seconds).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$here/build"
n_small=${BENCH_N_SMALL:-1000}
n_large=${BENCH_N_LARGE:-600}
ns_list=${BENCH_NS_LIST:-100}
ns_calls=${BENCH_NS_CALLS:-200000}
ns_batches=${BENCH_NS_BATCHES:-20}
ns_netns=${BENCH_NS_NETNS:-100}

what=${1:-all}
case $what in
spawn | ns | all) ;;
*)
	echo "usage: $0 [spawn|ns|all]" >&2
	exit 2
	;;
esac

if [ "$(id -u)" != 0 ]; then
	# The unshare crate writes gid_map from the parent without denying
	# setgroups first, which only a privileged caller may do; setns and
	# network namespaces under /run/netns need CAP_SYS_ADMIN.
	echo "bench: run as root (the unshare crate's id maps, setns and netns need it)" >&2
	exit 1
fi

# Tools: command -> Debian package.
tools="cc:gcc pkg-config:pkg-config"
[ "$what" = ns ] || tools="$tools unshare:util-linux go:golang-go"
[ "$what" = spawn ] || tools="$tools lsns:util-linux ip:iproute2"
missing=""
for t in $tools; do
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

run_spawn() {
	echo "bench: building the no-op, the driver and the helpers"
	gcc -nostdlib -static -o "$out/noop" "$here/noop.S"
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra -o "$out/spawn_bench" "$here/spawn_bench.c" \
		$(pkg-config --cflags --libs linuxns)
	cargo build --release --quiet --locked \
		--manifest-path "$here/unshare-rs/Cargo.toml" \
		--target-dir "$out/unshare-rs"
	# The Rust API helper builds this repository's crate by path, in a
	# target directory of its own (the first build takes about a minute).
	cargo build --release --quiet --locked \
		--manifest-path "$here/linuxns-rs/Cargo.toml" \
		--target-dir "$out/linuxns-rs"
	(cd "$here/go-helper" && go build -o "$out/go-helper" .)

	"$out/spawn_bench" "$out/noop" "$here/nscheck.sh" \
		"$out/unshare-rs/release/unshare-bench" "$out/go-helper" \
		"$out/linuxns-rs/release/linuxns-bench" "$n_small" "$n_large"
}

run_ns() {
	echo "bench: building ns_bench"
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra -o "$out/ns_bench" "$here/ns_bench.c" \
		$(pkg-config --cflags --libs linuxns)
	"$out/ns_bench" "$(command -v lsns)" "$(command -v ip)" \
		"$ns_list" "$ns_calls" "$ns_batches" "$ns_netns"
}

case $what in
spawn) run_spawn ;;
ns) run_ns ;;
all)
	run_spawn
	echo
	run_ns
	;;
esac
