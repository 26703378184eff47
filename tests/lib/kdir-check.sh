#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kdir-check.sh KDIR -- fail with a useful message when KDIR is not a
# kernel build tree, naming the kernel headers that are installed.
kdir=$1
[ -f "$kdir/Makefile" ] && [ -d "$kdir/include" ] && exit 0
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
