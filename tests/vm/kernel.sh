#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel.sh KVER
# Fetches Debian's image of kernel KVER (the linux-image-KVER package) into
# the cache once, with its modules indexed, and prints its directory:
#   DIR/vmlinuz, DIR/root/lib/modules/KVER/...
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

kver=${1:?usage: kernel.sh KVER}
dir=$DAXKIT_CACHE/kernels/$kver
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/dl"
log "downloading the kernel image linux-image-$kver"
( cd "$dir/dl" && apt-get download "linux-image-$kver" >/dev/null 2>&1 ) || {
	as_root apt-get update -q >/dev/null
	( cd "$dir/dl" && apt-get download "linux-image-$kver" >/dev/null 2>&1 )
} || die "cannot download linux-image-$kver"
dpkg-deb -x "$dir"/dl/*.deb "$dir/root"
rm -rf "$dir/dl"
# sid keeps the image in /usr/lib/modules/KVER/vmlinuz, older suites in /boot.
for f in "$dir/root/boot/vmlinuz-$kver" "$dir/root/usr/lib/modules/$kver/vmlinuz"; do
	[ -f "$f" ] && cp "$f" "$dir/vmlinuz"
done
[ -f "$dir/vmlinuz" ] || die "no vmlinuz in linux-image-$kver"
if [ -d "$dir/root/usr/lib/modules" ] && [ ! -d "$dir/root/lib/modules" ]; then
	mkdir -p "$dir/root/lib" && mv "$dir/root/usr/lib/modules" "$dir/root/lib/modules"
fi
depmod -b "$dir/root" "$kver"
touch "$dir/.done"
echo "$dir"
