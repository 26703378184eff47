#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: suite.sh [NAME]
# The VM suite on one kernel of the matrix (default: 6.1, this machine's
# own): build the modules there, fetch that kernel's image, make the
# initramfs, boot, and report one RESULT line per guest test, plus the
# run's own checks: the build has no warning, the guest finished, its
# kernel log has no splat.  Ends with one MATRIX line for the summary:
#   MATRIX: NAME KVER WARNINGS PASSED FAILED SPLATS
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/klog.sh"

name=${1:-6.1}
KIMG=
eval "$("$DAXKIT_SRC/tests/vm/target.sh" "$name")"
kimg=${KIMG:-$("$DAXKIT_SRC/tests/vm/kernel.sh" "$KVER" "$ROOT")}
log "$name: building against $KDIR${ROOT:+ in the $SUITE chroot}"
out=$("$DAXKIT_SRC/tests/vm/build.sh" "$KVER" "$KDIR" "$ROOT")
results=$(mktemp)
trap 'rm -f "$results"' EXIT
res() { echo "RESULT: $1 $2 [$name]${3:+: $3}" | tee -a "$results"; }

warn=$(grep -iE 'warning|error' "$out/main.log" || true)
nwarn=$(grep -ciE 'warning|error' "$out/main.log" || true)
if [ -z "$warn" ]; then
	res PASS build-w1-no-warnings
else
	res FAIL build-w1-no-warnings "$(echo "$warn" | head -n3 | tr '\n' '|')"
fi

if grep -qE '^compat: HAVE_[A-Z0-9_]+ +(yes|no) ' "$out/main.log"; then
	res PASS compat-probes-reported
else
	res FAIL compat-probes-reported "the build log does not show the probe outcomes"
fi

"$DAXKIT_SRC/tests/vm/initramfs.sh" "$KVER" "$kimg" "$out/main" "$out/skew" "$out/initrd.gz"
serial=$out/serial.log
# 1G device faults are expected where the build maps device pages with
# pfn_t (so its pages need not be compound at 1G) and the kernel has PUD
# huge pages; the guest adds the CPU's side (t_66).
pud=0
if grep -q '^#define HAVE_PFN_T' "$out/main/compat/generated/daxkit_compat.h" &&
	grep -q '^CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD=y' "$ROOT$KDIR/include/config/auto.conf"; then
	pud=1
fi
# t_14's create/delete race: 10,000 rounds (issue 14), fewer under KASAN;
# likewise t_89's dkfsx operations (100,000, issue 18), and the guest's
# time limit is longer there.
rounds=10000 fsxops=100000 limit=900
[ "$name" = debug ] && rounds=3000 fsxops=25000 limit=2400
export DAXKIT_GUEST_ARGS="${DAXKIT_GUEST_ARGS:-} daxkit.pud=$pud daxkit.rounds=$rounds daxkit.fsxops=$fsxops"
# The clients (fio, daxctl, PMDK) of the lane's suite, from its own
# packages (t_80, t_89), reached over 9p.
DAXKIT_CLIENTS=$("$DAXKIT_SRC/tests/vm/clients.sh" "$SUITE")
export DAXKIT_CLIENTS
export DAXKIT_GUEST_ARGS="$DAXKIT_GUEST_ARGS daxkit.clients=$SUITE"
# The lane's own NVDIMM, empty at the start: the reboot boot reads what the
# suite's boot left on it.
export DAXKIT_NVDIMM=$out/nvdimm.img
rm -f "$DAXKIT_NVDIMM"
# Likewise its virtio-pmem device (t_74).
export DAXKIT_VPMEM=$out/vpmem.img
rm -f "$DAXKIT_VPMEM"
log "$name: booting $KVER under QEMU (log: $serial)"
start=$(date +%s)
rc=0
guest_run "$kimg/vmlinuz" "$out/initrd.gz" suite "$serial" $limit guest-suite-completed || rc=$?
log "$name: the guest ran $(( $(date +%s) - start ))s, qemu exit $rc"

# Power off, boot again over the same NVDIMM: tests/guest/reboot.sh.  The
# layout t_87 saved (`daxkit save`, printed on the console) goes into that
# boot's /etc/daxkit, as a disk would keep it: a second cpio archive after
# the first, which the kernel unpacks over it.
reboot=$out/reboot.log
rinitrd=$out/initrd.gz
layout=$(mktemp -d)
mkdir -p "$layout/etc/daxkit"
tr -d '\r' < "$serial" | sed -n '/^DAXKIT-LAYOUT-BEGIN$/,/^DAXKIT-LAYOUT-END$/p' | sed '1d;$d' \
	> "$layout/etc/daxkit/devices.json"
if [ -s "$layout/etc/daxkit/devices.json" ]; then
	rinitrd=$out/initrd-reboot.gz
	{ cat "$out/initrd.gz"; ( cd "$layout" && find etc | cpio -o -H newc --quiet | gzip -1 ); } > "$rinitrd"
fi
rm -rf "$layout"
log "$name: booting again over the same NVDIMM (log: $reboot)"
guest_run "$kimg/vmlinuz" "$rinitrd" reboot "$reboot" 600 guest-reboot-completed || true

nsplat=0
# Both boots' logs: any splat in either fails the lane.
splats=$({ klog_splats "$serial"; klog_splats "$reboot"; } || true)
if [ -n "$splats" ]; then
	nsplat=$(echo "$splats" | wc -l)
	res FAIL guest-kernel-log-clean "$(echo "$splats" | head -n 5 | tr '\n' '|')"
else
	res PASS guest-kernel-log-clean
fi

# The debug lane proves it would catch the seeds' bugs: one more boot loads
# tests/kmod/daxkit_canary.ko (sleeps under rcu_read_lock, leaks, writes
# out of bounds) and each report must be in that boot's log.
if [ "$name" = debug ]; then
	canary=$out/canary.log
	log "$name: booting again with the deliberately broken module (log: $canary)"
	guest_boot "$kimg/vmlinuz" "$out/initrd.gz" canary "$canary" 600 || true
	# Here-strings, not pipes into grep -q: under pipefail, a writer cut
	# off by grep's early exit would fail the check.
	caught=$(klog_splats "$canary" || true)
	klog=$(klog_lines "$canary")
	if ! serial_has '^CANARY-LOADED 0$' "$canary"; then
		res FAIL debug-lane-canary-loaded "the canary did not load; tail: $(tr -d '\r' < "$canary" | tail -n 3 | tr '\n' '|')"
	else
		res PASS debug-lane-canary-loaded
	fi
	if grep -q 'BUG: sleeping function called from invalid context' <<< "$caught" &&
		grep -q 'canary_sleep_in_rcu' <<< "$klog"; then
		res PASS debug-lane-catches-sleep-under-rcu
	else
		res FAIL debug-lane-catches-sleep-under-rcu "no might_sleep report naming canary_sleep_in_rcu"
	fi
	if grep -q 'BUG: KASAN: slab-out-of-bounds' <<< "$caught" &&
		grep -q 'canary_oob' <<< "$klog"; then
		res PASS debug-lane-catches-kasan-out-of-bounds
	else
		res FAIL debug-lane-catches-kasan-out-of-bounds "no KASAN report naming canary_oob"
	fi
	if serial_has '^CANARY-KMEMLEAK: unreferenced object' "$canary"; then
		res PASS debug-lane-catches-kmemleak
	else
		res FAIL debug-lane-catches-kmemleak "kmemleak_ours found no leak of the canary"
	fi
fi

echo "MATRIX: $name $KVER $nwarn $(grep -c '^RESULT: PASS' "$results") $(grep -c '^RESULT: FAIL' "$results") $nsplat"
