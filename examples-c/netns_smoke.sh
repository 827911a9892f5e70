#!/bin/sh
# Smoke test for the netns example against iproute2: a name it adds is
# listed by `ip netns list`, `netns exec NAME ip -o link` shows only lo and
# the same namespace as `ip netns exec`, and after `netns del` the name is
# gone.  Needs root and ip(8); exits 77 (skipped) otherwise.
set -u
NETNS=$1
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null || { echo "skip: ip (iproute2) missing"; exit 77; }

NAME=lnsexample-$$
trap 'ip netns del "$NAME" 2>/dev/null' EXIT
listed() { ip netns list | awk -v n="$1" '$1 == n { f = 1 } END { exit !f }'; }

"$NETNS" add "$NAME" || { echo "netns add failed"; exit 1; }
listed "$NAME" || { echo "ip netns list does not show $NAME"; exit 1; }
"$NETNS" list | grep -qx "$NAME" || { echo "netns list does not show $NAME"; exit 1; }
if "$NETNS" add "$NAME" 2>/dev/null; then echo "second add succeeded"; exit 1; fi

LINKS=$("$NETNS" exec "$NAME" ip -o link) || { echo "netns exec failed"; exit 1; }
echo "$LINKS"
[ "$(echo "$LINKS" | wc -l)" = 1 ] && echo "$LINKS" | grep -q '^1: lo:' ||
    { echo "expected only lo"; exit 1; }
OURS=$("$NETNS" exec "$NAME" readlink /proc/self/ns/net)
THEIRS=$(ip netns exec "$NAME" readlink /proc/self/ns/net)
echo "netns exec: $OURS, ip netns exec: $THEIRS, here: $(readlink /proc/self/ns/net)"
[ -n "$OURS" ] && [ "$OURS" = "$THEIRS" ] && [ "$OURS" != "$(readlink /proc/self/ns/net)" ] ||
    { echo "not the same namespace"; exit 1; }

"$NETNS" del "$NAME" || { echo "netns del failed"; exit 1; }
if listed "$NAME"; then echo "$NAME still listed"; exit 1; fi
if "$NETNS" del "$NAME" 2>/dev/null; then echo "second del succeeded"; exit 1; fi
echo ok
