#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kdir-check.sh KDIR -- fail with a useful message when KDIR is not a
# kernel build tree (naming the kernel headers that are installed), or is
# the tree of a kernel older than daxkit supports.
kdir=$1
min_major=5 min_minor=10

if ! [ -f "$kdir/Makefile" ] || ! [ -d "$kdir/include" ]; then
	{
		echo "daxkit: no kernel build tree at KDIR=$kdir"
		echo "daxkit: kernel headers installed on this machine:"
		found=0
		for d in /lib/modules/*/build /usr/src/linux-headers-*; do
			[ -f "$d/Makefile" ] || continue
			[ -f "$d/include/config/kernel.release" ] || continue
			echo "    $d   (make KDIR=$d)"
			found=1
		done
		[ "$found" = 1 ] || echo "    none: install them, e.g. apt-get install linux-headers-amd64"
	} >&2
	exit 1
fi

rel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
[ -n "$rel" ] || exit 0    # not prepared yet: the kernel's make says so
major=${rel%%.*}
minor=${rel#*.}
minor=${minor%%[!0-9]*}
case $major$minor in *[!0-9]*|'') exit 0 ;; esac
if [ "$major" -lt "$min_major" ] ||
	{ [ "$major" = "$min_major" ] && [ "$minor" -lt "$min_minor" ]; }; then
	echo "daxkit: kernel $rel is older than $min_major.$min_minor, the oldest daxkit supports" >&2
	exit 1
fi
