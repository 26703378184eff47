#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every function a daxkit module exports has a kernel-doc comment, and
# scripts/kernel-doc of this machine's 6.1 headers finds no fault in any.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

cd "$DAXKIT_SRC" || exit 1
t=kernel-doc-on-every-export
missing=
for f in dax_core/*.c dax_dev/*.c dax_pmem/*.c dax_fs_helper/*.c; do
	for sym in $(sed -n 's/^DAXKIT_EXPORT(\([a-z0-9_]*\));$/\1/p' "$f"); do
		grep -q "^ \* $sym() - " "$f" || missing="$missing $f:$sym"
	done
done
n=$(cat dax_*/*.c | grep -c '^DAXKIT_EXPORT(')
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
elif out=$("$kdoc" -none -Werror dax_*/*.c include/daxkit/*.h 2>&1); then
	pass $t
else
	fail $t "$(echo "$out" | head -n 3 | tr '\n' '|')"
fi
