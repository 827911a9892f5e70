#!/bin/sh
# Run once per (contender, namespace set, memory size) before measuring, in
# place of the no-op: what of its caller's signal state and mount
# propagation did the program get? Exit status is a bit mask:
#   1  a signal is still ignored (SigIgn of /proc/self/status not zero)
#   2  a signal is still blocked (SigBlk not zero)
#   4  the root mount still propagates (shared: or master: in mountinfo)
# The driver and its twin ignore SIGPIPE and block SIGUSR2; ns_spawn's
# contract is that the program gets neither, and, with a new mount
# namespace, a private mount tree.
m=0
while read -r k v; do
	case $k in
	SigIgn:) [ "$v" = 0000000000000000 ] || m=$((m | 1)) ;;
	SigBlk:) [ "$v" = 0000000000000000 ] || m=$((m | 2)) ;;
	esac
done </proc/self/status
while read -r id parent dev root mp rest; do
	if [ "$mp" = / ]; then
		case " $rest " in
		*" shared:"* | *" master:"*) m=$((m | 4)) ;;
		esac
	fi
done </proc/self/mountinfo
exit $m
