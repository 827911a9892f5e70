#!/bin/sh
# Smoke test for the lsns example: it lists the caller's own namespaces
# (the net id that readlink /proc/self/ns/net shows), `lsns net` lists only
# network namespaces, and an unknown type is a usage error.
set -u
LSNS=$1
NET=$(readlink /proc/self/ns/net | sed 's/.*\[\(.*\)\]/\1/')
UTS=$(readlink /proc/self/ns/uts | sed 's/.*\[\(.*\)\]/\1/')
[ -n "$NET" ] || { echo "cannot read /proc/self/ns/net"; exit 1; }

ALL=$("$LSNS") || { echo "lsns failed"; exit 1; }
echo "$ALL" | head -5
echo "$ALL" | awk -v id="$NET" '$1 == id && $2 == "net" { f = 1 } END { exit !f }' ||
    { echo "net:[$NET] missing from lsns"; exit 1; }
echo "$ALL" | awk -v id="$UTS" '$1 == id && $2 == "uts" { f = 1 } END { exit !f }' ||
    { echo "uts:[$UTS] missing from lsns"; exit 1; }

ONLY=$("$LSNS" net) || { echo "lsns net failed"; exit 1; }
echo "$ONLY" | awk -v id="$NET" '$1 == id && $2 == "net" { f = 1 } END { exit !f }' ||
    { echo "net:[$NET] missing from lsns net"; exit 1; }
echo "$ONLY" | awk 'NR > 1 && $2 != "net" { bad = 1 } END { exit bad }' ||
    { echo "lsns net listed other types"; exit 1; }

if "$LSNS" bogus >/dev/null 2>&1; then
    echo "lsns bogus succeeded"; exit 1
fi
echo "ok"
