#!/bin/sh
# Smoke test for the mounts example: for a process in a fresh mount
# namespace with a tmpfs of its own, the mount points it lists are those
# `findmnt -N PID -l -n -o TARGET` lists, the tmpfs among them and not in the
# caller's namespace; a bad pid is an error. Needs root (unshare -m).
set -u
MOUNTS=$1
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v findmnt >/dev/null && command -v unshare >/dev/null ||
    { echo "skip: needs findmnt and unshare (util-linux)"; exit 77; }

DIR=$(mktemp -d /tmp/mounts-smoke-XXXXXX) || exit 1
unshare -m --propagation private sh -c \
    "mount -t tmpfs mounts-smoke '$DIR' && echo ready && exec sleep 60" > "$DIR.ready" &
HOLDER=$!
cleanup() { kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; rm -f "$DIR.ready"; rmdir "$DIR"; }
trap cleanup EXIT
i=0
until grep -q ready "$DIR.ready" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "the holder did not start"; exit 1; }
    sleep 0.1
done
# The holder is sh, or sleep once it has exec'd: the same process.
OUT=$("$MOUNTS" "$HOLDER") || { echo "mounts $HOLDER failed"; exit 1; }
echo "$OUT" | head -5
# Column 3 is the target; mount points here have no spaces.
echo "$OUT" | awk 'NR > 1 { print $3 }' | sort > "$DIR.ours"
findmnt -N "$HOLDER" -l -n -o TARGET | sort > "$DIR.findmnt"
if ! cmp -s "$DIR.ours" "$DIR.findmnt"; then
    echo "targets differ from findmnt -N $HOLDER:"; diff "$DIR.ours" "$DIR.findmnt"
    rm -f "$DIR.ours" "$DIR.findmnt"; exit 1
fi
rm -f "$DIR.ours" "$DIR.findmnt"
echo "$OUT" | awk -v d="$DIR" '$3 == d && $4 == "mounts-smoke" && $5 == "tmpfs" { f = 1 } END { exit !f }' ||
    { echo "the holder's tmpfs at $DIR is missing"; exit 1; }
"$MOUNTS" $$ | awk -v d="$DIR" '$3 == d { f = 1 } END { exit f }' ||
    { echo "the holder's tmpfs shows in the caller's namespace"; exit 1; }
if "$MOUNTS" 0 >/dev/null 2>&1 || "$MOUNTS" >/dev/null 2>&1; then
    echo "mounts accepted a bad pid"; exit 1
fi
echo "ok"
