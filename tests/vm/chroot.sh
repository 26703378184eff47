#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: chroot.sh SUITE
# Makes (once, cached) a debootstrap --variant=minbase chroot of Debian
# SUITE with what building daxkit needs, its own apt sources list for that
# suite, and prints its path.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

suite=${1:?usage: chroot.sh SUITE}
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

echo "$root"
