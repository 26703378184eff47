#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel.sh KVER [ROOT]
# Fetches Debian's image of kernel KVER into the cache once, with its
# modules indexed, and prints its directory:
#   DIR/vmlinuz, DIR/root/lib/modules/KVER/...
# The packages come through the apt of chroot ROOT (that suite's archive),
# or of the host when ROOT is empty.  Most suites ship the kernel in
# linux-image-KVER; newer ones split it into linux-binary-KVER (the image),
# linux-modules-KVER and linux-base-KVER (modules.order, modules.builtin),
# with linux-image-KVER only a meta package.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

kver=${1:?usage: kernel.sh KVER [ROOT]}
root=${2:-}
dir=$DAXKIT_CACHE/kernels/$kver
layout=2    # bump when what is kept here changes
if [ "$(cat "$dir/.done" 2>/dev/null)" = "$layout" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
dl=$root/tmp/daxkit-kernel-dl
as_root rm -rf "$dl"
as_root mkdir -p "$dl"
as_root chmod 777 "$dl"    # apt's download sandbox user writes here
fetch() {
	local p got=0
	for p in "linux-image-$kver" "linux-binary-$kver" "linux-modules-$kver" "linux-base-$kver"; do
		in_root "$root" apt-cache show "$p" > /dev/null 2>&1 || continue
		in_root "$root" sh -c "cd /tmp/daxkit-kernel-dl && apt-get download -q $p" > /dev/null 2>&1 ||
			return 1
		got=1
	done
	[ $got = 1 ]
}
log "downloading the kernel image of $kver"
fetch || { in_root "$root" apt-get update -q > /dev/null; fetch; } ||
	die "cannot download the kernel image packages of $kver"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
as_root rm -rf "$dl"
for f in "$dir/root/boot/vmlinuz-$kver" "$dir/root/usr/lib/modules/$kver/vmlinuz"; do
	[ -f "$f" ] && cp "$f" "$dir/vmlinuz"
done
[ -f "$dir/vmlinuz" ] || die "no vmlinuz in the packages of $kver"
# Merged-/usr suites put modules in /usr/lib/modules: keep one tree.
if [ -d "$dir/root/usr/lib/modules/$kver" ]; then
	mkdir -p "$dir/root/lib/modules/$kver"
	cp -a "$dir/root/usr/lib/modules/$kver/." "$dir/root/lib/modules/$kver/"
	rm -rf "$dir/root/usr/lib/modules"
fi
for f in modules.order modules.builtin; do
	[ -f "$dir/root/lib/modules/$kver/$f" ] || die "no $f in the packages of $kver"
done
depmod -b "$dir/root" "$kver"
echo "$layout" > "$dir/.done"
echo "$dir"
