#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: target.sh NAME
# Prepares the build environment of one kernel of the matrix and prints
# shell assignments for it:
#   KVER=...   the kernel release          SUITE=...  the Debian suite
#   KDIR=...   its headers, as seen where the build runs
#   ROOT=...   the suite's chroot, empty when the host builds it
#
# NAME is a kernel of the matrix: 5.10 (bullseye), 6.1 (bookworm, this
# machine's suite: built on the host), 6.12 (trixie), sid (unstable's
# newest).  A chroot is made once with debootstrap --variant=minbase and
# its own apt sources list, and kept in the cache.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

name=${1:?usage: target.sh NAME}
suite=$(matrix_suite "$name") || die "unknown kernel '$name' (known: $DAXKIT_MATRIX)"

if [ "$suite" = bookworm ]; then
	kver=$(host_kver)
	printf 'SUITE=%s\nKVER=%s\nKDIR=%s\nROOT=\n' "$suite" "$kver" "/usr/src/linux-headers-$kver"
	exit 0
fi

root=$DAXKIT_CACHE/chroots/$suite
# What the build needs in a chroot; perl is for scripts/kernel-doc, which
# W=1 runs on every source file.
packages="gcc make libc6-dev perl linux-headers-amd64"
mkdir -p "$DAXKIT_CACHE/chroots"
if [ ! -f "$root/.done" ]; then
	as_root rm -rf "$root"
	log "creating the $suite chroot (debootstrap, a few minutes)"
	mirror=$(host_mirror)
	[ -n "$mirror" ] || die "cannot tell which Debian archive this machine's apt uses"
	# debootstrap writes the chroot's own sources.list for $suite.
	as_root debootstrap --variant=minbase --include="${packages// /,}" \
		"$suite" "$root" "$mirror" > "$DAXKIT_CACHE/chroots/$suite.log" 2>&1 ||
		die "debootstrap $suite failed; see $DAXKIT_CACHE/chroots/$suite.log"
	# The archive this machine reaches may be a frozen snapshot, whose
	# Release files are past their Valid-Until date (seen for sid).
	echo 'Acquire::Check-Valid-Until "false";' |
		as_root tee "$root/etc/apt/apt.conf.d/99daxkit-snapshot" > /dev/null
	in_root "$root" apt-get update -q > /dev/null ||
		die "apt-get update in the $suite chroot failed"
	echo "$packages" | as_root tee "$root/.done" > /dev/null
elif [ "$(cat "$root/.done")" != "$packages" ]; then
	log "adding to the $suite chroot: $packages"
	in_root "$root" apt-get install -y -q --no-install-recommends $packages > /dev/null 2>&1 ||
		die "apt-get install in the $suite chroot failed"
	echo "$packages" | as_root tee "$root/.done" > /dev/null
fi

kver=
for d in "$root"/usr/src/linux-headers-*-amd64; do
	[ -f "$d/Makefile" ] && kver=${d##*/linux-headers-}
done
[ -n "$kver" ] || die "no amd64 kernel headers in the $suite chroot"
printf 'SUITE=%s\nKVER=%s\nKDIR=%s\nROOT=%s\n' "$suite" "$kver" "/usr/src/linux-headers-$kver" "$root"
