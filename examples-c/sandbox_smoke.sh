#!/bin/sh
# Smoke test of the sandbox demo: its default output must show root inside,
# the hostname "sandbox", pid 1 and only lo; as root, also run it as uid
# 65534 (the unprivileged path) with a command of our own.
set -u
sandbox=$1
fail() { echo "FAIL: $*"; exit 1; }

out=$("$sandbox") || fail "sandbox exited $?"
echo "$out"
echo "$out" | grep -q '^id: *uid=0' || fail "not uid 0 inside"
echo "$out" | grep -q '^hostname: sandbox$' || fail "hostname is not sandbox"
echo "$out" | grep -q '^pid: *1$' || fail "not pid 1"
echo "$out" | grep -q 'lo' || fail "no lo interface listed"
[ "$(echo "$out" | sed -n '/^network interfaces:/,$p' | tail -n +2 | grep -vc '^lo\|Inter-\|face')" -le 0 ] ||
    fail "interfaces other than lo"
[ "$(hostname)" != sandbox ] || fail "the caller's hostname changed"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    got=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$sandbox" sh -c 'id -u; hostname; cat /proc/self/uid_map') ||
        fail "sandbox as uid 65534 exited $?"
    echo "as 65534: $got"
    [ "$(echo "$got" | sed -n 1p)" = 0 ] || fail "uid 65534 did not become 0"
    [ "$(echo "$got" | sed -n 2p)" = sandbox ] || fail "hostname as 65534"
    echo "$got" | sed -n 3p | grep -Eq '^ *0 +65534 +1$' || fail "uid_map as 65534"
fi
echo "sandbox smoke test passed"
