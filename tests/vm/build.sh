#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: build.sh KVER KDIR [ROOT]
# Builds daxkit against KDIR in a copy of the tree of its own, so that
# kernels never share objects: OUT/main, and OUT/skew, whose dependents
# expect a core ABI that does not exist (for the ABI refusal test), both
# with W=1 (the Makefile's default is kbuild's own).  With ROOT, the build
# runs in that suite's chroot, with its compiler, and OUT lies inside it.
# Prints OUT; the build logs are OUT/main.log and OUT/skew.log.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

kver=$1 kdir=$2 root=${3:-}
if [ -n "$root" ]; then
	inner=/daxkit-build
	out=$root$inner
else
	out=$DAXKIT_CACHE/build/$kver
	inner=$out
fi
as_root rm -rf "$out"
as_root mkdir -p "$out"
for v in main skew; do
	as_root mkdir -p "$out/$v"
	source_tar | as_root tar -C "$out/$v" -xf -
done
in_root "$root" make -C "$inner/main" KDIR="$kdir" W=1 modules test-modules > "$out/main.log" 2>&1 ||
	{ cat "$out/main.log" >&2; die "build against $kdir failed"; }
in_root "$root" make -C "$inner/skew" KDIR="$kdir" W=1 DAXKIT_ABI_SKEW=1 > "$out/skew.log" 2>&1 ||
	{ cat "$out/skew.log" >&2; die "ABI-skew build against $kdir failed"; }
echo "$out"
