#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: kernel.sh [--cached]
# Builds the debug lane's kernel once and prints shell assignments for it:
#   KVER=...  its release       KDIR=...  its build tree (for our modules)
#   KIMG=...  DIR with DIR/vmlinuz and DIR/root/lib/modules/KVER
# The source is Debian's linux-source-6.1 (the 6.1 lane's kernel), the
# configuration x86_64 allnoconfig merged with debug.config next to this
# script.  The result is cached outside the repository, keyed by the
# source package's version, the hash of the fragment and $layout (bump it
# when a change here changes what is built);
# a cold build took 12 minutes here on two cores.  With --cached,
# only says (by its status) whether the build is there.
set -euo pipefail
. "$(dirname "$0")/../../lib/common.sh"

here=$DAXKIT_SRC/tests/vm/debug
frag=$here/debug.config
pkg=linux-source-6.1
ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	as_root apt-get update -q > /dev/null
	ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
fi
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "apt knows no $pkg"
layout=1
hash=$(sha256sum < "$frag" | cut -c1-12)
top=$DAXKIT_CACHE/debug-kernel
dir=$top/$ver-$hash-$layout
build=$dir/build

srcdir=$top/src-$ver    # the extracted source, kept across fragments
src=$srcdir/linux-source-6.1

emit() {
	printf 'KVER=%s\nKDIR=%s\nKIMG=%s\n' "$(cat "$dir/.done")" "$build" "$dir/image"
}
if [ -s "$dir/.done" ]; then
	emit
	exit 0
fi
[ "${1:-}" != --cached ] || exit 1

# Earlier builds (other fragments, other versions) are not kept.
for d in "$top"/*; do
	[ -e "$d" ] || continue
	[ "$d" = "$srcdir" ] || [ "$d" = "$dir" ] || as_root rm -rf "$d"
done
mkdir -p "$dir"
log "debug lane: building $pkg $ver with tests/vm/debug/debug.config (about 15 minutes, once; log: $dir/build.log)"
if [ ! -f "$src/.daxkit-extracted" ]; then
	as_root rm -rf "$srcdir"
	mkdir -p "$srcdir"
	(
		cd "$srcdir"
		apt-get download -q "$pkg=$ver" > /dev/null 2>&1 ||
			{ as_root apt-get update -q > /dev/null && apt-get download -q "$pkg=$ver" > /dev/null; }
		dpkg-deb --fsys-tarfile "${pkg}_"*.deb | tar -xf - --wildcards './usr/src/linux-source-6.1.tar.xz'
		tar -xf usr/src/linux-source-6.1.tar.xz
		rm -rf usr "${pkg}_"*.deb
	)
	[ -f "$src/Makefile" ] || die "no kernel tree in $pkg $ver"
	touch "$src/.daxkit-extracted"
fi

kmake() { make -C "$src" O="$build" -j"$(nproc)" "$@"; }
{
	kmake allnoconfig
	"$src/scripts/kconfig/merge_config.sh" -n -m -O "$build" "$build/.config" "$frag"
	kmake olddefconfig
} > "$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; die "configuring the debug kernel failed"; }

# Every line of the fragment must have survived olddefconfig: a missing
# dependency would otherwise drop a checker without a word.
missing=
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	opt=${want#\# }
	opt=${opt%%[= ]*}
	got=$(grep -E "^$opt=|^# $opt is not set" "$build/.config" || true)
	# An option switched off may also vanish with its menu.
	case $want in "# "*) [ -z "$got" ] && continue ;; esac
	[ "$got" = "$want" ] || missing="$missing $want (got: ${got:-absent});"
done < "$frag"
[ -z "$missing" ] || die "debug.config options olddefconfig did not keep:$missing"

kmake bzImage modules >> "$dir/build.log" 2>&1 ||
	{ tail -n 40 "$dir/build.log" >&2; die "building the debug kernel failed; see $dir/build.log"; }
kver=$(make -s -C "$src" O="$build" kernelrelease 2>/dev/null | tail -n1)
mkdir -p "$dir/image/root"
kmake INSTALL_MOD_PATH="$dir/image/root" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod \
	modules_install >> "$dir/build.log" 2>&1 || die "modules_install of the debug kernel failed"
cp "$build/arch/x86/boot/bzImage" "$dir/image/vmlinuz"
echo "$kver" > "$dir/.done"
log "debug lane: built $kver"
emit
