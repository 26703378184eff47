#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host build checks against this machine's 6.1 headers: a missing KDIR
# gets a message naming the installed headers; a kernel older than 5.10
# is refused by name; sparse (C=2) is clean;
# a second build reuses the cached probe outcomes and rebuilds nothing.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

kver=$(host_kver)
kdir=/usr/src/linux-headers-$kver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source_tar | tar -C "$work" -xf -

t=kdir-missing-names-installed-headers
out=$(make -C "$work" KDIR=/nonexistent/kdir 2>&1)
rc=$?
if [ $rc = 0 ]; then
	fail $t "make succeeded without a kernel tree"
elif ! grep -q "no kernel build tree at KDIR=/nonexistent/kdir" <<< "$out"; then
	fail $t "no clear message: $(tail -n 2 <<< "$out" | tr '\n' '|')"
elif ! grep -qF "$kdir" <<< "$out"; then
	fail $t "the message does not name the installed headers $kdir"
else
	pass $t
fi

t=kdir-older-than-5.10-refused
old=$work/old-kdir
mkdir -p "$old/include/config"
cp "$kdir/Makefile" "$old/Makefile"
echo 4.19.0-27-amd64 > "$old/include/config/kernel.release"
out=$(make -C "$work" KDIR="$old" 2>&1)
rc=$?
if [ $rc = 0 ]; then
	fail $t "make succeeded against a 4.19 tree"
elif ! grep -q "kernel 4.19.0-27-amd64 is older than 5.10" <<< "$out"; then
	fail $t "no clear message: $(tail -n 2 <<< "$out" | tr '\n' '|')"
else
	pass $t
fi
rm -rf "$old"

t=sparse-clean-$kver
out=$(make -C "$work" KDIR="$kdir" W=1 sparse 2>&1)
rc=$?
nchk=$(grep -c '^  CHECK ' <<< "$out")
bad=$(grep -E 'warning:|error:' <<< "$out")
if [ $rc != 0 ] || [ -n "$bad" ]; then
	fail $t "$(head -n 3 <<< "${bad:-$out}" | tr '\n' '|')"
elif [ "$nchk" -lt 4 ]; then
	fail $t "sparse checked $nchk files; is it installed?"
else
	pass $t
fi

t=rebuild-is-incremental-$kver
make -C "$work" KDIR="$kdir" W=1 > /dev/null 2>&1
out=$(make -C "$work" KDIR="$kdir" W=1 2>&1)
if ! grep -q '^compat: (cached) HAVE_' <<< "$out"; then
	fail $t "the probes ran again against an unchanged kernel"
elif grep -qE '^  CC \[M\]' <<< "$out"; then
	fail $t "a second build recompiled: $(grep -E '^  CC' <<< "$out" | head -n2 | tr '\n' '|')"
else
	pass $t
fi
