#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: install what is needed, build daxkit against Debian 12's
# 6.1 kernel, boot that kernel under QEMU with emulated persistent memory
# (a memmap= range and an NVDIMM) and show the stack loaded.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/klog.sh"

ensure_host_packages
kver=$(host_kver)
kimg=$("$DAXKIT_SRC/tests/vm/kernel.sh" "$kver")
log "building daxkit against /usr/src/linux-headers-$kver"
out=$("$DAXKIT_SRC/tests/vm/build.sh" "$kver" "/usr/src/linux-headers-$kver")
"$DAXKIT_SRC/tests/vm/initramfs.sh" "$kver" "$kimg" "$out/main" "$out/skew" "$out/initrd.gz"
# Debian 12's daxctl, pmempool and fio, for the guest to run (over 9p).
DAXKIT_CLIENTS=$("$DAXKIT_SRC/tests/vm/clients.sh" bookworm)
export DAXKIT_CLIENTS DAXKIT_GUEST_ARGS="${DAXKIT_GUEST_ARGS:-} daxkit.clients=bookworm"
export DAXKIT_NVDIMM=$out/demo-nvdimm.img
rm -f "$DAXKIT_NVDIMM"
log "booting Debian's $kver under QEMU (software emulation, ~10 s)"
rc=0
"$DAXKIT_SRC/tests/vm/boot.sh" "$kimg/vmlinuz" "$out/initrd.gz" demo "$out/demo.log" 300 || rc=$?
tr -d '\r' < "$out/demo.log" | sed -n '/^DAXKIT-RESULTS-BEGIN$/,/^DAXKIT-RESULTS-END$/p' | sed '1d;$d'
[ $rc = 0 ] || die "the VM exited with $rc; its console log is $out/demo.log"
if splats=$(klog_splats "$out/demo.log"); then
	die "the guest's kernel log has reports: $splats"
fi
log "the guest's kernel log is clean (full console log: $out/demo.log)"
