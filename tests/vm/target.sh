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
# newest), or debug (the debug lane's kernel, tests/vm/debug).  A chroot
# is made once with debootstrap --variant=minbase and its own apt sources
# list, and kept in the cache (tests/vm/chroot.sh).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

name=${1:?usage: target.sh NAME}
if [ "$name" = debug ]; then
	# The debug lane: bookworm's 6.1 built from source (tests/vm/debug),
	# on the host; KIMG is its image, made by that build, not apt.
	printf 'SUITE=bookworm\nROOT=\n'
	"$DAXKIT_SRC/tests/vm/debug/kernel.sh"
	exit 0
fi
suite=$(matrix_suite "$name") || die "unknown kernel '$name' (known: $DAXKIT_MATRIX)"

if [ "$suite" = bookworm ]; then
	kver=$(host_kver)
	printf 'SUITE=%s\nKVER=%s\nKDIR=%s\nROOT=\n' "$suite" "$kver" "/usr/src/linux-headers-$kver"
	exit 0
fi

root=$("$DAXKIT_SRC/tests/vm/chroot.sh" "$suite")
kver=$(chroot_kver "$root") ||
	die "no amd64 kernel headers in the $suite chroot"
printf 'SUITE=%s\nKVER=%s\nKDIR=%s\nROOT=%s\n' "$suite" "$kver" "/usr/src/linux-headers-$kver" "$root"
