#!/bin/sh
# The manual pages under man/:
#  (a) they are what tools/mangen.py makes of the committed header (so they
#      are not stale), and every doc comment follows the template;
#  (b) every page renders without a warning: mandoc -T lint -W warning, or
#      groff -ww when mandoc is missing; `man -l` displays ns_spawn(3);
#  (c) the man3 page names are exactly the ns_* symbols liblinuxns.so
#      exports, plus the types a shared page is named after (ns_spawn_attr).
# Usage: man_test.sh [path/to/liblinuxns.so]
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
lib=${1:-$src/target/release/liblinuxns.so}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# (a) Regenerate into a temporary directory and compare.
if python3 "$src/tools/mangen.py" --header "$src/include/linuxns.h" --out "$tmp/man" 2>"$tmp/gen.err"; then
    ok "mangen: every function's doc comment follows the template"
    if diff -r "$src/man" "$tmp/man" >"$tmp/diff" 2>&1; then
        ok "man/ is what mangen makes of include/linuxns.h"
    else
        head -40 "$tmp/diff"; bad "man/ is stale: run python3 tools/mangen.py and commit man/"
    fi
else
    cat "$tmp/gen.err"; bad "mangen: doc comments off the template"
fi

# (b) Lint every page. The .TH line carries the library version instead of
# a date (so a page changes only when its source does); mandoc's warning
# about that one missing date is expected, every other one fails.
cd "$src/man" || { bad "no man/ directory"; echo "$pass passed, $fail failed"; exit 1; }
if command -v mandoc >/dev/null; then linter="mandoc -T lint -W warning"; else linter="groff -ww -z -man"; fi
lint_bad=0; pages=0; links=0
for f in man3/*.3 man7/*.7; do
    [ -f "$f" ] || continue
    first=$(head -n 1 "$f")
    case $first in
    .so\ *)
        links=$((links + 1))
        target=${first#.so }
        if [ "$(wc -l <"$f")" != 1 ] || [ ! -f "$target" ] || head -n 1 "$target" | grep -q '^\.so'; then
            echo "  $f: a link must be one .so line naming a page: $first"; lint_bad=$((lint_bad + 1))
        fi
        continue ;;
    esac
    pages=$((pages + 1))
    if [ "$linter" = "groff -ww -z -man" ]; then
        out=$(groff -ww -z -man "$f" 2>&1); status=0
    else
        out=$(mandoc -T lint -W warning "$f" 2>&1); status=$?
        out=$(printf '%s\n' "$out" | grep -v 'WARNING: missing date, using "": TH$' | grep -v '^$')
        [ "$status" -le 2 ] && status=0
    fi
    if [ -n "$out" ] || [ "$status" != 0 ]; then
        printf '%s\n' "$out" | sed 's/^/  /'; lint_bad=$((lint_bad + 1))
    fi
done
if [ "$lint_bad" = 0 ] && [ "$pages" -gt 0 ]; then
    ok "$linter: $pages pages without a warning, $links .so links resolve"
else
    bad "$linter: $lint_bad of $((pages + links)) pages have warnings or broken links"
fi
if command -v man >/dev/null; then
    if MANPAGER=cat MANWIDTH=80 man -l man3/ns_spawn.3 2>"$tmp/man.err" | grep -q '^SYNOPSIS' &&
       [ ! -s "$tmp/man.err" ]; then
        ok "man -l man/man3/ns_spawn.3 displays"
    else
        cat "$tmp/man.err"; bad "man -l man/man3/ns_spawn.3"
    fi
fi

# (c) One page (or .so link) per exported symbol, and no page for a name
# that is neither a symbol nor a type of the header.
if [ -f "$lib" ]; then
    nm -D --defined-only "$lib" | awk '$3 ~ /^ns_/ { sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/symbols"
    ls man3 | sed -n 's/\.3$//p' | sort -u >"$tmp/pages"
    missing=$(comm -23 "$tmp/symbols" "$tmp/pages")
    extra=""
    for name in $(comm -13 "$tmp/symbols" "$tmp/pages"); do
        if head -n 1 "man3/$name.3" | grep -q '^\.so' ||
           ! grep -Eq "^typedef struct $name $name;|^} $name;" "$src/include/linuxns.h"; then
            extra="$extra $name"
        fi
    done
    if [ -z "$missing" ] && [ -z "$extra" ]; then
        ok "man3 covers the $(wc -l <"$tmp/symbols") exported symbols, nothing else (shared: $(comm -13 "$tmp/symbols" "$tmp/pages" | paste -sd ' ' -))"
    else
        [ -n "$missing" ] && echo "  no page for:" $missing
        [ -n "$extra" ] && echo "  a page for what is neither a symbol nor a type of linuxns.h:$extra"
        bad "man3 page names differ from the exported symbols"
    fi
else
    bad "no library at $lib (build it first: cargo build --release)"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
