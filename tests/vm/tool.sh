#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: tool.sh
# Builds the daxkit command (tools/daxkit) on the host, outside the tree,
# once per state of its sources: under DAXKIT_CACHE/tool/HASH.  Prints
# the binary's path.  The guests run it with the host's libkmod and
# json-c, copied into their initramfs beside it.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

src=$DAXKIT_SRC/tools/daxkit
hash=$(cat "$src"/*.c "$src"/*.h "$src/Makefile" "$DAXKIT_SRC/dkms.conf" | sha256sum | cut -c1-16)
out=$DAXKIT_CACHE/tool/$hash
if [ ! -x "$out/daxkit" ]; then
	rm -rf "$out.tmp"
	mkdir -p "$out.tmp"
	cp "$src"/*.c "$src"/*.h "$src/Makefile" "$out.tmp/"
	make -s -C "$out.tmp" VERSION="$(daxkit_version)" daxkit > "$out.tmp/build.log" 2>&1 ||
		{ cat "$out.tmp/build.log" >&2; die "cannot build the daxkit tool"; }
	rm -rf "$out"
	mv "$out.tmp" "$out"
fi
echo "$out/daxkit"
