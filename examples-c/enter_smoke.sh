#!/bin/sh
# Smoke test for the enter example: start a process in its own UTS namespace
# with a hostname of its own, then `enter PID hostname` must print that name.
# Needs root (unshare -u); exits 77 (skipped) otherwise.
set -u
ENTER=$1
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v unshare >/dev/null || { echo "skip: unshare(1) missing"; exit 77; }

unshare -u sh -c 'hostname enter-smoke && exec sleep 20' &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT

# Wait until the hostname is set (the shell has exec'd sleep).
i=0
while [ "$(cat /proc/$PID/comm 2>/dev/null)" != sleep ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "target did not start"; exit 1; }
    sleep 0.1
done

OUT=$("$ENTER" "$PID" hostname) || { echo "enter failed"; exit 1; }
echo "enter $PID hostname -> $OUT (ours: $(hostname))"
[ "$OUT" = enter-smoke ]
