#!/bin/sh
# Writes a C file that exports one function-pointer variable per exported
# function of liblinuxns (linuxns_abi_<name>, of the type the header gives
# it), so that abidw records every prototype and, through them, the layout
# of every struct the API passes: the library itself is Rust, whose debug
# information abidw reads only as symbols and return types.
#   abi_shim.sh LIBRARY > shim.c
set -eu
lib=$1
echo '#include <linuxns.h>'
nm -D --defined-only "$lib" | awk '$3 ~ /^ns_/ {print $3}' | sed 's/@.*//' | sort -u | while read -r f; do
	echo "__typeof__(&$f) linuxns_abi_$f = 0;"
done
