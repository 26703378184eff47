#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: build.sh KVER KDIR
# Builds daxkit against KDIR in a copy of the tree under the cache (so that
# several kernels never share objects): OUT/main with W=1, and OUT/skew,
# whose dependents expect a core ABI that does not exist (for the ABI
# refusal test).  Prints OUT.  Build logs: OUT/main.log, OUT/skew.log.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

kver=$1 kdir=$2
out=$DAXKIT_CACHE/build/$kver
rm -rf "$out"
mkdir -p "$out"
for v in main skew; do
	mkdir -p "$out/$v"
	tar -C "$DAXKIT_SRC" --exclude=.git --exclude='*.o' --exclude='*.ko' \
		--exclude=compat/generated -cf - . | tar -C "$out/$v" -xf -
done
make -C "$out/main" KDIR="$kdir" W=1 > "$out/main.log" 2>&1 ||
	{ cat "$out/main.log" >&2; die "build against $kdir failed"; }
make -C "$out/skew" KDIR="$kdir" DAXKIT_ABI_SKEW=1 > "$out/skew.log" 2>&1 ||
	{ cat "$out/skew.log" >&2; die "ABI-skew build against $kdir failed"; }
echo "$out"
