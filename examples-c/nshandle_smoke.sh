#!/bin/sh
# Smoke test for the nshandle example: a process in a UTS namespace of its
# own with a hostname of its own; `nshandle save PID uts FILE` writes
# uts:INODE:ID with the inode readlink and lsns show for it, and
# `nshandle enter FILE ...` runs commands that see that namespace (readlink)
# and that hostname (uname -n). Once the process is gone, so is the
# namespace: enter fails and says so. Needs root (unshare -u) and Linux 6.18;
# exits 77 (skipped) otherwise.
set -u
NSHANDLE=$1
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v unshare >/dev/null || { echo "skip: unshare(1) missing"; exit 77; }
command -v lsns >/dev/null || { echo "skip: lsns(8) missing"; exit 77; }

DIR=$(mktemp -d) || exit 1
unshare -u sh -c 'hostname nshandle-smoke && exec sleep 30' &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT

i=0
while [ "$(cat /proc/$PID/comm 2>/dev/null)" != sleep ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "target did not start"; exit 1; }
    sleep 0.1
done
LINK=$(readlink /proc/$PID/ns/uts)
INODE=$(echo "$LINK" | sed 's/.*\[\(.*\)\]/\1/')
[ "$LINK" != "$(readlink /proc/self/ns/uts)" ] || { echo "target shares our uts namespace"; exit 1; }

if ! OUT=$("$NSHANDLE" save "$PID" uts "$DIR/handle" 2>&1); then
    case $OUT in
    *"predates namespace file handles"*) echo "skip: $OUT"; exit 77 ;;
    esac
    echo "save failed: $OUT"; exit 1
fi
TEXT=$(cat "$DIR/handle")
echo "save $PID uts -> $TEXT ($LINK)"
[ "$OUT" = "$TEXT" ] || { echo "printed \"$OUT\", wrote \"$TEXT\""; exit 1; }
case $TEXT in
uts:"$INODE":[1-9]*) ;;
*) echo "\"$TEXT\" is not uts:$INODE:ID"; exit 1 ;;
esac
lsns -n -t uts -o NS,PID | awk -v ns="$INODE" -v pid="$PID" '$1 == ns && $2 == pid { f = 1 } END { exit !f }' ||
    { echo "lsns does not show uts:[$INODE] for pid $PID"; lsns -t uts; exit 1; }

SEEN=$("$NSHANDLE" enter "$DIR/handle" readlink /proc/self/ns/uts) || { echo "enter readlink failed"; exit 1; }
NAME=$("$NSHANDLE" enter "$DIR/handle" uname -n) || { echo "enter uname failed"; exit 1; }
echo "enter -> $SEEN, uname -n: $NAME (ours: $(uname -n))"
[ "$SEEN" = "$LINK" ] || { echo "entered $SEEN, saved $LINK"; exit 1; }
[ "$NAME" = nshandle-smoke ] || { echo "hostname $NAME in the entered namespace"; exit 1; }

kill $PID
wait $PID 2>/dev/null
if ERR=$("$NSHANDLE" enter "$DIR/handle" true 2>&1); then
    echo "enter succeeded after the namespace's last process ended"; exit 1
fi
echo "after the holder ended: $ERR"
case $ERR in
*"Stale file handle (the namespace is gone"*) ;;
*) echo "expected the namespace to be gone"; exit 1 ;;
esac
echo "ok"
