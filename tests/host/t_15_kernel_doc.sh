#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every function a daxkit module exports has a kernel-doc comment, and
# scripts/kernel-doc of this machine's 6.1 headers finds no fault in any;
# no message embeds __func__ (Req-30); the fault paths return vm_fault_t
# (Req-27).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

cd "$DAXKIT_SRC" || exit 1
t=kernel-doc-on-every-export
missing=
for f in dax_core/*.c dax_dev/*.c dax_pmem/*.c dax_fs_helper/*.c daxkitfs/*.c; do
	for sym in $(exports "$f"); do
		grep -q "^ \* $sym() - " "$f" || missing="$missing $f:$sym"
	done
done
n=$(exports dax_*/*.c daxkitfs/*.c | grep -c .)
if [ -n "$missing" ]; then
	fail $t "no kernel-doc for:$missing"
elif [ "$n" -lt 1 ]; then
	fail $t "found no exported function at all"
else
	pass $t
fi

t=kernel-doc-clean
kdoc=/usr/src/linux-headers-$(host_kver | sed 's/-amd64$/-common/')/scripts/kernel-doc
if [ ! -x "$kdoc" ]; then
	fail $t "no scripts/kernel-doc at $kdoc"
elif out=$("$kdoc" -none -Werror dax_*/*.c daxkitfs/*.c daxkitfs/*.h include/daxkit/*.h 2>&1); then
	pass $t
else
	fail $t "$(echo "$out" | head -n 3 | tr '\n' '|')"
fi

# Req-30: no message embeds __func__ (dynamic debug's +f adds it).
t=req30-no-func-in-messages
bad=$(grep -n '__func__' dax_*/*.c dax_*/*.h daxkitfs/*.[ch] include/daxkit/*.h 2>/dev/null)
[ -z "$bad" ] && pass $t || fail $t "$(echo "$bad" | head -n 3 | tr '\n' '|')"

# Req-27: the fault handlers and the inserts they return return vm_fault_t
# (sparse, in t_10, checks that no int carries one: vm_fault_t is
# __bitwise there).
t=req27-fault-paths-return-vm_fault_t
sigs=$(grep -hE '^static (inline )?[a-z_ ]+\*?(dax_dev_[a-z_]*fault[a-z_]*|daxkit_insert_[a-z]+)\(' \
	dax_dev/dev.c include/daxkit/compat_mm.h)
n=$(grep -c . <<< "$sigs")
bad=$(grep -v '^static \(inline \)\?vm_fault_t ' <<< "$sigs")
if [ -n "$bad" ]; then
	fail $t "$(echo "$bad" | head -n 3 | tr '\n' '|')"
elif [ "$n" -lt 6 ]; then
	fail $t "found only $n fault handlers and inserts"
else
	pass $t
fi
