#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: suite.sh [KVER]
# The VM suite on one kernel (default: this machine's 6.1 headers): build
# the modules, fetch the kernel image, make the initramfs, boot, and report
# one RESULT line per guest test, plus the run's own checks: the build has
# no warning, the guest finished, its kernel log has no splat.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/klog.sh"

kver=${1:-$(host_kver)}
headers=/usr/src/linux-headers-$kver
kimg=$("$DAXKIT_SRC/tests/vm/kernel.sh" "$kver")
log "building against $headers"
out=$("$DAXKIT_SRC/tests/vm/build.sh" "$kver" "$headers")

t=build-w1-no-warnings-$kver
warn=$(grep -iE 'warning|error' "$out/main.log" || true)
if [ -z "$warn" ]; then pass "$t"; else fail "$t" "$(echo "$warn" | head -n3)"; fi

t=compat-probes-reported-$kver
if grep -qE '^compat: HAVE_[A-Z0-9_]+ +(yes|no) ' "$out/main.log"; then
	pass "$t"
else
	fail "$t" "the build log does not show the probe outcomes"
fi

"$DAXKIT_SRC/tests/vm/initramfs.sh" "$kver" "$kimg" "$out/main" "$out/skew" "$out/initrd.gz"
serial=$out/serial.log
log "booting $kver under QEMU (log: $serial)"
start=$(date +%s)
rc=0
"$DAXKIT_SRC/tests/vm/boot.sh" "$kimg/vmlinuz" "$out/initrd.gz" suite "$serial" || rc=$?
log "guest ran $(( $(date +%s) - start ))s, qemu exit $rc"

tr -d '\r' < "$serial" | sed -n '/^DAXKIT-RESULTS-BEGIN$/,/^DAXKIT-RESULTS-END$/p' |
	grep -E '^RESULT: (PASS|FAIL) ' || true

t=guest-suite-completed-$kver
if [ $rc = 124 ]; then
	fail "$t" "timed out; tail of $serial: $(tr -d '\r' < "$serial" | tail -n 5 | tr '\n' '|')"
elif ! grep -q '^DAXKIT-GUEST-DONE' <(tr -d '\r' < "$serial"); then
	fail "$t" "the guest did not finish (qemu exit $rc); tail: $(tr -d '\r' < "$serial" | tail -n 5 | tr '\n' '|')"
else
	pass "$t"
fi

t=guest-kernel-log-clean-$kver
if splats=$(klog_splats "$serial"); then
	fail "$t" "$(echo "$splats" | head -n 5 | tr '\n' '|')"
else
	pass "$t"
fi
