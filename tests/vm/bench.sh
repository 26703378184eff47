#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: bench.sh [NAME]   (`make bench`; NAME a kernel of the matrix, 6.1
# by default)
# In one boot, on the same devdax namespaces of a 3 GiB emulated NVDIMM,
# the in-tree stack and daxkit, three rounds each, alternating
# (tests/guest/bench.sh): fio's dev-dax engine (4 KiB random write and
# read, 2 MiB sequential write; 5 s each, one thread) and the faults and
# time to touch a whole device at 4K, 2M and 1G alignment.  Prints one
# table with the median of each figure, daxkit's against the in-tree
# one, per row.  Figures, never a verdict: it does not fail on
# speed.  Under software emulation (no KVM) the absolute figures are the
# emulator's; the ratios are what to read.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

name=${1:-6.1}
ensure_host_packages
KIMG=
eval "$("$DAXKIT_SRC/tests/vm/target.sh" "$name")"
kimg=${KIMG:-$("$DAXKIT_SRC/tests/vm/kernel.sh" "$KVER" "$ROOT")}
out=$("$DAXKIT_SRC/tests/vm/build.sh" "$KVER" "$KDIR" "$ROOT")
"$DAXKIT_SRC/tests/vm/initramfs.sh" "$KVER" "$kimg" "$out/main" "$out/skew" "$out/initrd.gz"
DAXKIT_CLIENTS=$("$DAXKIT_SRC/tests/vm/clients.sh" "$SUITE")
export DAXKIT_CLIENTS DAXKIT_NVDIMM=$out/bench-nvdimm.img DAXKIT_NVDIMM_SIZE=3G
export DAXKIT_GUEST_ARGS="${DAXKIT_GUEST_ARGS:-} daxkit.clients=$SUITE"
rm -f "$DAXKIT_NVDIMM"
log "$name: benchmark boot of $KVER (log: $out/bench.log)"
rc=0
"$DAXKIT_SRC/tests/vm/boot.sh" "$kimg/vmlinuz" "$out/initrd.gz" bench "$out/bench.log" 900 || rc=$?
rm -f "$DAXKIT_NVDIMM"
res=$(tr -d '\r' < "$out/bench.log" | sed -n '/^DAXKIT-RESULTS-BEGIN$/,/^DAXKIT-RESULTS-END$/p')
grep '^BENCH-ERROR' <<< "$res" >&2 || true
[ $rc = 0 ] || log "the VM exited with $rc; its console log is $out/bench.log"
accel=$(qemu_accel "$kimg/vmlinuz")
echo "daxkit against the in-tree stack, $KVER ($name), same namespaces, one boot, medians of 3 alternating rounds, QEMU ${accel:-(no accelerator)}"
awk '
	$1 == "BENCH:" { n = ++cnt[$2, $3]; v[$2, $3, n] = $0 }
	# Field i of the median run of a measurement (the runs sorted by field i).
	function f(stack, what, i,   k, m, j, t, a, x) {
		m = cnt[stack, what]
		if (!m) return ""
		for (k = 1; k <= m; k++) { split(v[stack, what, k], a, " "); x[k] = a[i] + 0 }
		for (k = 2; k <= m; k++)
			for (j = k; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
		return x[int((m + 1) / 2)]
	}
	function row(label, what, i, higher, unit,   t, d, r) {
		t = f("in-tree", what, i); d = f("daxkit", what, i)
		if (t == "" || d == "") { printf "| %s | %s | %s | n/a |\n", label, t, d; return }
		r = higher ? d / t : t / d
		printf "| %s | %s %s | %s %s | %.2f |\n", label, t, unit, d, unit, r
	}
	function frow(n, align,   t, d, s) {
		t = f("in-tree", "fault-" n, 5); d = f("daxkit", "fault-" n, 5); s = f("daxkit", "fault-" n, 9)
		if (s == "") s = f("in-tree", "fault-" n, 9)
		printf "| faults touching the %s device (size / align = %d) | %s | %s | %s |\n", n,
			s / align, t, d, (t == "" || d == "") ? "n/a" : sprintf("%.2f", d == t ? 1 : t / d)
		row("time to touch the " n " device", "fault-" n, 7, 0, "us")
	}
	END {
		print "| measure | in-tree | daxkit | ratio |"
		print "|---|---|---|---|"
		row("fio 4 KiB random write, bandwidth", "randwrite-4k", 4, 1, "MiB/s")
		row("fio 4 KiB random write, mean latency", "randwrite-4k", 5, 0, "us")
		row("fio 4 KiB random read, bandwidth", "randread-4k", 4, 1, "MiB/s")
		row("fio 4 KiB random read, mean latency", "randread-4k", 5, 0, "us")
		row("fio 2 MiB sequential write, bandwidth", "write-2m", 4, 1, "MiB/s")
		row("fio 2 MiB sequential write, mean latency", "write-2m", 5, 0, "us")
		frow("4k", 4096); frow("2m", 2097152); frow("1g", 1073741824)
		print ""
		print "ratio: daxkit against in-tree, higher is better for daxkit (bandwidth: daxkit / in-tree;"
		print "latency and time: in-tree / daxkit; faults: in-tree count / daxkit count)"
	}' <<< "$res"
