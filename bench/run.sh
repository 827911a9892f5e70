#!/bin/sh
# Benchmarks, run by `make bench` after `cargo build --release`; see
# bench/README.md.
#   spawn      ns_spawn and the Rust API (linuxns::Command) against the raw
#              syscalls (floor, floor+contract), the `unshare` crate,
#              util-linux unshare(1) and Go's os/exec (spawn_bench.c)
#   list       ns_list against the same survey in C without the library
#              and against lsns(8), wall and CPU time (list_bench.c)
#   ns         list, then ns_setns and ns_open_pid+ns_id against the raw
#              syscalls, ns_netns_add/del against ip-netns(8) (ns_bench.c)
#   pool       a sandbox spawn from a warm namespace pool, from an empty
#              one, and creating every namespace; a burst with and
#              without a pool (pool_bench.c); the pool cells again as
#              uid 65534 (setpriv)
#   all        spawn, then ns, then pool (the default; what `make bench`
#              runs)
#   stability  the spawn benchmark twice; for every ratio both runs'
#              intervals and whether they overlap ("stable") or not
#              ("UNSTABLE")
#
# usage: bench/run.sh [spawn|list|ns|pool|all|stability]
#
# Environment (every count used is printed):
#   BENCH_N          spawn iterations (default 1500), each running all 48
#                    (set, memory, contender) cells once
#   BENCH_LIST_N     list iterations (default 200)
#   BENCH_NS_CALLS, BENCH_NS_BATCHES, BENCH_NS_NETNS
#                    ns_bench's counts (default 200000, 20, 100)
#   BENCH_POOL_N, BENCH_POOL_BURST
#                    pool_bench's iterations and burst (default 300, 2000)
#   BENCH_SEED       fixes the random orders and the bootstrap resamples
#                    (default: a random seed, printed); in stability mode
#                    it is the first run's, and BENCH_SEED2 the second's
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$here/build"
n_spawn=${BENCH_N:-1500}
n_list=${BENCH_LIST_N:-200}
ns_calls=${BENCH_NS_CALLS:-200000}
ns_batches=${BENCH_NS_BATCHES:-20}
ns_netns=${BENCH_NS_NETNS:-100}

what=${1:-all}
case $what in
spawn | list | ns | pool | all | stability) ;;
*)
	echo "usage: $0 [spawn|list|ns|pool|all|stability]" >&2
	exit 2
	;;
esac

if [ "$(id -u)" != 0 ]; then
	# The unshare crate writes gid_map from the parent without denying
	# setgroups first, which only a privileged caller may do; setns,
	# other users' /proc/PID/ns and /run/netns need privileges too.
	echo "bench: run as root (the unshare crate's id maps, setns, netns, lsns)" >&2
	exit 1
fi

# Tools: command -> Debian package.
tools="cc:gcc pkg-config:pkg-config"
case $what in
spawn | stability) tools="$tools unshare:util-linux go:golang-go" ;;
list) tools="$tools lsns:util-linux" ;;
pool) tools="$tools setpriv:util-linux" ;;
ns) tools="$tools lsns:util-linux ip:iproute2" ;;
all) tools="$tools unshare:util-linux go:golang-go lsns:util-linux ip:iproute2 setpriv:util-linux" ;;
esac
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

# Which run this is: what, when, from which tree, with which library.
run_header() { # NAME INDEX COUNT
	rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
	dirty=""
	if [ -n "$(git -C "$root" status --porcelain 2>/dev/null | head -n 1)" ]; then
		dirty=", with uncommitted changes in the tree"
	fi
	lib="$root/target/release/liblinuxns.so"
	echo "bench: run $2 of $3: $1; $(date -u '+%Y-%m-%d %H:%M:%S UTC'); commit $rev$dirty;" \
		"$lib built $(date -u -r "$lib" '+%Y-%m-%d %H:%M:%S UTC')"
}

build_spawn() {
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
}

run_spawn() { # [RATIOS_FILE]
	BENCH_RATIOS_OUT=${1:-} "$out/spawn_bench" "$out/noop" "$here/nscheck.sh" \
		"$here/contractcheck.sh" \
		"$out/unshare-rs/release/unshare-bench" "$out/go-helper" \
		"$out/linuxns-rs/release/linuxns-bench" "$n_spawn"
}

build_ns() {
	echo "bench: building list_bench and ns_bench"
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra -o "$out/list_bench" "$here/list_bench.c" \
		$(pkg-config --cflags --libs linuxns) -lpthread
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra -o "$out/ns_bench" "$here/ns_bench.c" \
		$(pkg-config --cflags --libs linuxns)
}

build_pool() {
	echo "bench: building the no-op and pool_bench"
	gcc -nostdlib -static -o "$out/noop" "$here/noop.S"
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra -o "$out/pool_bench" "$here/pool_bench.c" \
		$(pkg-config --cflags --libs linuxns)
}

run_pool() {
	BENCH_N=${BENCH_POOL_N:-300} BENCH_BURST=${BENCH_POOL_BURST:-2000} \
		"$out/pool_bench" "$out/noop"
	# Without privileges a pooled set is joined through the intermediate
	# process (the calling thread may not enter its PID namespace): the
	# pool cells again as uid 65534, without the burst.
	echo
	echo "the pool cells and pool-floor as uid 65534 (setpriv), where a pooled set is joined through an intermediate process:"
	BENCH_N=${BENCH_POOL_N:-300} BENCH_BURST=0 \
		setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$out/pool_bench" "$out/noop"
}

run_list() {
	"$out/list_bench" "$(command -v lsns)" "$n_list"
}

run_ns() {
	"$out/ns_bench" "$(command -v ip)" "$ns_calls" "$ns_batches" "$ns_netns"
}

# Both runs' intervals of every ratio, side by side; overlapping or not.
compare_runs() { # FILE1 FILE2
	awk -F '\t' '
	NR == FNR { n++; name[n] = $1; r1[$1] = $2; l1[$1] = $3; h1[$1] = $4; next }
	{ r2[$1] = $2; l2[$1] = $3; h2[$1] = $4; seen[$1] = 1 }
	END {
		printf "%-44s %-30s %-30s %s\n", "ratio", "run 1: ratio [interval]", "run 2: ratio [interval]", "intervals"
		for (i = 1; i <= n; i++) {
			k = name[i]
			if (!(k in seen)) { printf "%-44s (missing in run 2)\n", k; bad++; continue }
			a = sprintf("%.3f [%.3f, %.3f]", r1[k], l1[k], h1[k])
			b = sprintf("%.3f [%.3f, %.3f]", r2[k], l2[k], h2[k])
			ok = (l1[k] + 0 <= h2[k] + 0) && (l2[k] + 0 <= h1[k] + 0)
			printf "%-44s %-30s %-30s %s\n", k, a, b, ok ? "stable" : "UNSTABLE"
			if (ok) good++; else bad++
		}
		printf "\nstability: %d stable, %d UNSTABLE (of %d ratios)\n", good, bad, n
	}' "$1" "$2"
}

case $what in
spawn)
	build_spawn
	run_header "spawn benchmark, $n_spawn iterations" 1 1
	run_spawn
	;;
list)
	build_ns
	run_header "list benchmark, $n_list iterations" 1 1
	run_list
	;;
ns)
	build_ns
	run_header "list benchmark, $n_list iterations" 1 2
	run_list
	echo
	run_header "namespace operations benchmark" 2 2
	run_ns
	;;
pool)
	build_pool
	run_header "pool benchmark" 1 1
	run_pool
	;;
all)
	build_spawn
	build_ns
	build_pool
	run_header "spawn benchmark, $n_spawn iterations" 1 4
	run_spawn
	echo
	run_header "list benchmark, $n_list iterations" 2 4
	run_list
	echo
	run_header "namespace operations benchmark" 3 4
	run_ns
	echo
	run_header "pool benchmark" 4 4
	run_pool
	;;
stability)
	build_spawn
	r1="$out/ratios-run1.tsv"
	r2="$out/ratios-run2.tsv"
	rm -f "$r1" "$r2"
	run_header "spawn benchmark, $n_spawn iterations (stability, first)" 1 2
	run_spawn "$r1"
	echo
	if [ -n "${BENCH_SEED2:-}" ]; then export BENCH_SEED="$BENCH_SEED2"; else unset BENCH_SEED; fi
	run_header "spawn benchmark, $n_spawn iterations (stability, second)" 2 2
	run_spawn "$r2"
	echo
	echo "bench: stability: every ratio of the two runs, 95% intervals; \"stable\" when they overlap"
	compare_runs "$r1" "$r2"
	;;
esac
