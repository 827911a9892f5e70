#!/bin/sh
# Run once per (contender, namespace set) before measuring, in place of the
# no-op, to check that every contender really sets up what it claims.
# $BENCH_REF_NS holds the driver's own namespace links, in the order
# "user pid mnt uts ipc cgroup net" (a process in a new user namespace may
# not read the driver's /proc/PID/ns). Exit status is a bit mask: one bit
# per namespace that differs, in that order, and 128 when the uid and gid
# maps are single-id maps with 0 inside ("0 <id> 1").
m=0
b=1
set -- $BENCH_REF_NS
for ns in user pid mnt uts ipc cgroup net; do
	if [ "$(readlink /proc/self/ns/$ns)" != "$1" ]; then
		m=$((m | b))
	fi
	shift
	b=$((b * 2))
done
read ui uo uc < /proc/self/uid_map
read gi go gc < /proc/self/gid_map
if [ "$ui $uc $gi $gc" = "0 1 0 1" ]; then
	m=$((m | 128))
fi
exit $m
