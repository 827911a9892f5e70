#!/bin/sh
# The ABI check: the built library and header against the committed
# baseline of release 0.1 (abi/0.1/), with abidiff. Additions pass (new
# functions go in a new version node of linuxns.map); a removed symbol, a
# changed symbol version, a changed prototype or struct layout fails.
# Also: every ns_* function the header declares is exported, and the other
# way round (a function missing from linuxns.map would not be).
#   abi_test.sh [ROOT]   (default: the repository containing this script)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-$(cd "$here/../.." && pwd)}
lib=$root/target/release/liblinuxns.so
base=$root/abi/0.1
command -v abidiff >/dev/null || { echo "abidiff missing (apt-get install abigail-tools)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/abi_dump.sh" "$lib" "$root/include" "$tmp"
fail=0
for f in liblinuxns.abi types.abi; do
	if abidiff --no-added-syms "$base/$f" "$tmp/$f" > "$tmp/$f.diff" 2>&1; then
		echo "ok   $f: nothing removed or changed since 0.1"
	else
		echo "FAIL $f: the ABI of 0.1 changed:"
		cat "$tmp/$f.diff"
		fail=1
	fi
done
grep -o '\bns_[a-z_0-9]*(' "$root/include/linuxns.h" | tr -d '(' | sort -u > "$tmp/declared"
nm -D --defined-only "$lib" | awk '$3 ~ /^ns_/ {print $3}' | sed 's/@.*//' | sort -u > "$tmp/exported"
if cmp -s "$tmp/declared" "$tmp/exported"; then
	echo "ok   the header declares exactly the exported functions ($(wc -l < "$tmp/exported"))"
else
	echo "FAIL declared in the header (<) and exported (>) differ:"
	diff "$tmp/declared" "$tmp/exported" || true
	fail=1
fi
if [ "$fail" = 0 ]; then echo "3 passed, 0 failed"; else echo "some ABI checks failed"; fi
exit "$fail"
