#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: initramfs.sh KVER KERNEL_DIR MODULES_DIR SKEW_DIR OUT
#        initramfs.sh --installed KVER KERNEL_DIR INSTALLED_DIR OUT [TOOLS_ROOT]
#
# Builds the guest's initramfs: busybox-static, kmod (so that modprobe,
# modinfo and depmod behave as on an installed system), the kernel's own
# modules the tests need, daxkit's modules under /lib/modules/KVER/updates,
# depmod'ed, the ABI-skewed test build under /test/abi-skew, and the guest
# suite under /tests.
# With --installed, daxkit's modules are those DKMS installed into
# INSTALLED_DIR (a package's updates/dkms), kept there under the same
# path, with the kernel's own dax_pmem beside them; no test modules.
# With TOOLS_ROOT (the daxkit-tools .deb unpacked), its mkfs.daxkitfs and
# fsck.daxkitfs are the guest's, in /usr/sbin where the package puts them
# (listed in /etc/daxkit-packaged-tools), instead of this tree's builds.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

installed= tools=
if [ "$1" = --installed ]; then
	kver=$2 kdir=$3 installed=$4 out=$5 tools=${6:-}
	mods= skew=
else
	kver=$1 kdir=$2 mods=$3 skew=$4 out=$5
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# The guest's /: mktemp makes it 0700, which would keep every user but
# root out of everything (tests run programs as other users).
chmod 755 "$root"

# The kernel's own modules a test needs, with their dependencies.
KERNEL_MODULES="nfit nd_pmem nd_e820 nd_btt libnvdimm device_dax kmem hwpoison_inject dax_pmem
	virtio_pci virtio_pmem"
# Where the kernel has them: 9p, to reach the clients (t_80, t_89's
# fio); ext4, for `make bench`'s ext4 -o dax; dax_hmem, the in-tree
# driver of soft-reserved memory (t_93; not in the debug kernel).
OPTIONAL_MODULES="9p 9pnet_virtio ext4 dax_hmem"

mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,mnt,etc,lib/modules/"$kver"/updates}
cp /bin/busybox "$root/bin/busybox"

# kmod, ndctl and the daxkit tool (tests/vm/tool.sh built it for this
# run), and the shared libraries they need.
cp /bin/kmod "$root/sbin/kmod"
for t in modprobe insmod rmmod lsmod modinfo depmod; do ln -s kmod "$root/sbin/$t"; done
cp /usr/bin/ndctl "$root/bin/ndctl"
tool=$("$DAXKIT_SRC/tests/vm/tool.sh")
mkdir -p "$root/usr/bin"
cp "$tool" "$root/usr/bin/daxkit"
ldd /bin/kmod /usr/bin/ndctl "$tool" | grep -o '/[^ ]*' | grep -v ':$' | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

# mkfs.daxkitfs and fsck.daxkitfs, static: no libraries to copy.
for p in mkfs fsck; do
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$DAXKIT_SRC/include" \
		-DDAXKIT_VERSION="\"$(daxkit_version)\"" -o "$root/sbin/$p.daxkitfs" \
		"$DAXKIT_SRC/tools/daxkitfs/$p.c" "$DAXKIT_SRC/tools/daxkitfs/dkfs.c" ||
		die "cannot build $p.daxkitfs"
done
if [ -n "$tools" ]; then
	rm "$root"/sbin/mkfs.daxkitfs "$root"/sbin/fsck.daxkitfs
	mkdir -p "$root/usr/sbin"
	for p in mkfs.daxkitfs fsck.daxkitfs; do
		[ -x "$tools/usr/sbin/$p" ] || die "no usr/sbin/$p in $tools"
		cp "$tools/usr/sbin/$p" "$root/usr/sbin/$p"
		echo "/usr/sbin/$p" >> "$root/etc/daxkit-packaged-tools"
	done
	ldd "$tools"/usr/sbin/*.daxkitfs | grep -o '/[^ ]*' | grep -v ':$' | sort -u | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi

src=$kdir/root/lib/modules/$kver
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$src/$f" ] && cp "$src/$f" "$root/lib/modules/$kver/"
done
{
	for m in $KERNEL_MODULES; do
		modprobe -C /dev/null -d "$kdir/root" -S "$kver" --show-depends "$m" ||
			die "$kver has no module $m"
	done
	for m in $OPTIONAL_MODULES; do
		modprobe -C /dev/null -d "$kdir/root" -S "$kver" --show-depends "$m" 2>/dev/null || true
	done
} | awk '$1 == "insmod" { print $2 }' | sort -u | while read -r path; do
	rel=${path#"$kdir"/root}
	mkdir -p "$root$(dirname "$rel")"
	cp "$path" "$root$rel"
done

if [ -n "$installed" ]; then
	mkdir -p "$root/lib/modules/$kver/updates/dkms"
	for m in dax_core dax_dev dax_pmem dax_fs_helper daxkitfs; do
		ko=$(ls "$installed/$m".ko* 2>/dev/null | head -n 1)
		[ -n "$ko" ] || die "$m is not in $installed"
		cp "$ko" "$root/lib/modules/$kver/updates/dkms/"
		echo "$m $(modinfo -F version "$ko")" >> "$root/etc/daxkit-versions"
	done
else
	for m in dax_core dax_dev dax_pmem dax_fs_helper daxkitfs; do
		cp "$mods/$m/$m.ko" "$root/lib/modules/$kver/updates/"
		echo "$m $(cat "$mods/$m/VERSION")" >> "$root/etc/daxkit-versions"
	done

	# What the compat probes found, for tests of kernel-dependent features.
	cp "$mods/compat/generated/daxkit_compat.h" "$root/etc/daxkit-compat.h"
	mkdir -p "$root/test/kmod"
	cp "$mods"/tests/kmod/*.ko "$root/test/kmod/"
	mkdir -p "$root/test/abi-skew"
	for m in dax_dev dax_pmem dax_fs_helper; do
		cp "$skew/$m/$m.ko" "$root/test/abi-skew/"
	done
fi
depmod -b "$root" "$kver"

cp -r "$DAXKIT_SRC/tests/guest" "$root/tests"
mkdir -p "$root/tests/bin"
for c in "$DAXKIT_SRC"/tests/guest/src/*.c; do
	gcc -static -O2 -Wall -Wextra -Werror -pthread -o "$root/tests/bin/$(basename "$c" .c)" "$c" ||
		die "cannot build the guest program $c"
done
cp "$DAXKIT_SRC/tests/guest/init" "$root/init"
chmod +x "$root/init" "$root"/tests/*.sh

( cd "$root" && find . | cpio -o -H newc --quiet ) | gzip -1 > "$out"
