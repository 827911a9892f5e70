#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets/*.rs) for FUZZ_SECONDS each
# (default 300), one after the other: `make fuzz`, or fuzz/run.sh [TARGET...].
# Not part of `make test` or CI.
#
#   FUZZ_SECONDS=60 make fuzz        shorter runs
#   fuzz/run.sh spawn_attr           one target
#   FUZZ_JOBS=2 make fuzz            two targets at a time (one core each)
#
# Corpora grow in fuzz/corpus/TARGET (started from fuzz/seeds/TARGET),
# crashing inputs land in fuzz/artifacts/TARGET, each run's output in
# fuzz/logs/TARGET.log. The script exits 1 if any target crashed; replay a
# crash from fuzz/ with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET artifacts/TARGET/crash-...
# and add it to tests/fuzz_regressions.rs.
#
# Toolchain: cargo-fuzz builds with nightly-only flags (-Zsanitizer=address
# and sanitizer-coverage options). The project uses the stable toolchain
# only, so the fuzz build sets RUSTC_BOOTSTRAP=1, which lets the stable
# compiler accept them. That is for this local, instrumented build alone;
# nothing that is shipped is built that way. With a nightly toolchain it is
# harmless.
set -euo pipefail
cd "$(dirname "$0")"

FUZZ_SECONDS=${FUZZ_SECONDS:-300}
FUZZ_JOBS=${FUZZ_JOBS:-1}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build
mkdir -p logs

run_one() {
  local t=$1
  local dirs=("corpus/$t")
  mkdir -p "corpus/$t"
  if [ -d "seeds/$t" ]; then dirs+=("seeds/$t"); fi
  # Arguments after -- go to libFuzzer; new inputs are kept in corpus/$t.
  if cargo fuzz run "$t" "${dirs[@]}" -- \
      -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 >"logs/$t.log" 2>&1; then
    echo "ok"
  else
    echo "FAILED"
  fi >"logs/$t.result"
}

failed=()
running=0
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${FUZZ_SECONDS}s (log: fuzz/logs/$t.log)"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$FUZZ_JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

for t in "${targets[@]}"; do
  log="logs/$t.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  # libFuzzer's corpus (units/bytes) at the end, and the files kept.
  corp=$(sed -n 's/^#[0-9]*[[:space:]]*DONE.* corp: \([^ ]*\).*/\1/p' "$log" | tail -n 1)
  files=$(find "corpus/$t" -type f | wc -l)
  result=$(cat "logs/$t.result" 2>/dev/null || echo FAILED)
  printf 'fuzz: %-14s %-6s executions %s, %s exec/s, corpus %s (%s files)\n' \
    "$t" "$result" "${execs:-?}" "${speed:-?}" "${corp:-?}" "$files"
  if [ "$result" != ok ]; then
    failed+=("$t")
    grep -m 1 -E 'panicked at|ERROR: (AddressSanitizer|libFuzzer)' -A 2 "$log" >&2 || tail -n 20 "$log" >&2
    ls artifacts/"$t"/ 2>/dev/null | sed "s|^|fuzz:   artifacts/$t/|" >&2 || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${FUZZ_SECONDS}s without a crash"
