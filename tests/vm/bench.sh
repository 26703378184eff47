#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: bench.sh [NAME]   (`make bench`; NAME a kernel of the matrix, 6.1
# by default)
# In one boot over a 6 GiB emulated NVDIMM (tests/guest/bench.sh):
# - on the same devdax namespaces, the in-tree stack and daxkit, three
#   rounds, alternating: fio's dev-dax engine (4 KiB random write and
#   read, 2 MiB sequential write; 5 s each, one thread) and the faults
#   and time to touch a whole device at 4K, 2M and 1G alignment;
# - on two 1.5 GiB namespaces, daxkitfs on a daxkit device against ext4
#   -o dax on an in-tree fsdax namespace, both made afresh in each of
#   three rounds and measured back to back: fio's psync engine (4 KiB
#   random read and write, 1 MiB sequential read and write) and mmap
#   engine (4 KiB random write), files created, written and fsynced per
#   second, and the share of a mapped 1 GiB file that PMDs serve.
# Prints two tables: medians, and the ratio per row (for the filesystems
# the median of the per-round ratios, each round's shown).  Figures,
# never a verdict: it does not fail on speed (only on a kernel splat).
# Under software emulation (no KVM) the absolute figures are the
# emulator's; the ratios are what to read.
# DAXKIT_GUEST_ARGS="daxkit.only=devdax" (or fs) runs one part,
# "daxkit.rounds=N" N rounds.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/klog.sh"

name=${1:-6.1}
ensure_host_packages
KIMG=
eval "$("$DAXKIT_SRC/tests/vm/target.sh" "$name")"
kimg=${KIMG:-$("$DAXKIT_SRC/tests/vm/kernel.sh" "$KVER" "$ROOT")}
out=$("$DAXKIT_SRC/tests/vm/build.sh" "$KVER" "$KDIR" "$ROOT")
"$DAXKIT_SRC/tests/vm/initramfs.sh" "$KVER" "$kimg" "$out/main" "$out/skew" "$out/initrd.gz"
DAXKIT_CLIENTS=$("$DAXKIT_SRC/tests/vm/clients.sh" "$SUITE")
export DAXKIT_CLIENTS DAXKIT_NVDIMM=$out/bench-nvdimm.img DAXKIT_NVDIMM_SIZE=6G
export DAXKIT_GUEST_ARGS="${DAXKIT_GUEST_ARGS:-} daxkit.clients=$SUITE"
rm -f "$DAXKIT_NVDIMM"
log "$name: benchmark boot of $KVER (log: $out/bench.log)"
rc=0
t0=$SECONDS
"$DAXKIT_SRC/tests/vm/boot.sh" "$kimg/vmlinuz" "$out/initrd.gz" bench "$out/bench.log" 1500 || rc=$?
log "$name: the benchmark boot took $((SECONDS - t0)) s"
rm -f "$DAXKIT_NVDIMM"
res=$(tr -d '\r' < "$out/bench.log" | sed -n '/^DAXKIT-RESULTS-BEGIN$/,/^DAXKIT-RESULTS-END$/p')
grep '^BENCH-ERROR' <<< "$res" >&2 || true
[ $rc = 0 ] || log "the VM exited with $rc; its console log is $out/bench.log"
accel=$(qemu_accel "$kimg/vmlinuz")
awk -v accel="${accel:-(no accelerator)}" -v kver="$KVER" -v name="$name" '
	$1 == "BENCH-ROUND:" { rnd = $2; if (rnd > nrnd) nrnd = rnd }
	$1 == "BENCH:" { n = ++cnt[$2, $3]; v[$2, $3, n] = $0; vr[$2, $3, n] = rnd }
	# The median of field i over the runs of a measurement.
	function f(stack, what, i,   k, m, j, t, a, x) {
		m = cnt[stack, what]
		if (!m) return ""
		for (k = 1; k <= m; k++) { split(v[stack, what, k], a, " "); x[k] = a[i] + 0 }
		for (k = 2; k <= m; k++)
			for (j = k; j > 1 && x[j - 1] > x[j]; j--) { t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
		return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
	}
	# A row: the figure of stack A (the reference) and of stack B, and B
	# against A, higher better for B (higher: B / A; else A / B).
	function row(label, what, i, higher, unit,   t, d, r) {
		t = f(A, what, i); d = f(B, what, i)
		if (t == "" || d == "") { printf "| %s | %s | %s | n/a |\n", label, t, d; return }
		if (higher) r = t ? sprintf("%.2f", d / t) : (d ? "inf" : "1.00")
		else r = d ? sprintf("%.2f", t / d) : (t ? "inf" : "1.00")
		printf "| %s | %s %s | %s %s | %s |\n", label, t, unit, d, unit, r
	}
	function frow(n, align,   t, d, s) {
		t = f(A, "fault-" n, 5); d = f(B, "fault-" n, 5); s = f(B, "fault-" n, 9)
		if (s == "") s = f(A, "fault-" n, 9)
		printf "| faults touching the %s device (size / align = %d) | %s | %s | %s |\n", n,
			s / align, t, d, (t == "" || d == "") ? "n/a" : sprintf("%.2f", d == t ? 1 : t / d)
		row("time to touch the " n " device", "fault-" n, 7, 0, "us")
	}
	# The mean of field i of a measurement in round r ("" if none).
	function rmean(stack, what, i, r,   k, a, sum, m) {
		for (k = 1; k <= cnt[stack, what]; k++)
			if (vr[stack, what, k] == r) { split(v[stack, what, k], a, " "); sum += a[i]; m++ }
		return m ? sum / m : ""
	}
	# A row of the filesystem table: the medians of stack A (the
	# reference) and of stack B; the ratio of B against A (higher better
	# for B) in each round, where both were measured back to back, and
	# the median of those.
	function prow(label, what, i, higher, unit, fmt,   t, d, r, ta, da, x, m, k, j, y, list) {
		t = f(A, what, i); d = f(B, what, i)
		if (t == "" || d == "") { printf "| %s | %s | %s | n/a | |\n", label, t, d; return }
		m = 0; list = ""
		for (r = 1; r <= nrnd; r++) {
			ta = rmean(A, what, i, r); da = rmean(B, what, i, r)
			if (ta == "" || da == "") continue
			if (higher) x[++m] = ta ? da / ta : (da ? 999 : 1)
			else x[++m] = da ? ta / da : (ta ? 999 : 1)
			list = list sprintf(" %.2f", x[m])
		}
		for (k = 2; k <= m; k++)
			for (j = k; j > 1 && x[j - 1] > x[j]; j--) { y = x[j]; x[j] = x[j - 1]; x[j - 1] = y }
		if (unit != "") unit = " " unit
		printf "| %s | " fmt "%s | " fmt "%s | %s |%s |\n", label, t, unit, d, unit,
			m ? sprintf("%.2f", m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2) : "n/a", list
	}
	END { devdax(); fs() }
	function devdax(   rounds) {
		rounds = cnt["daxkit", "fault-4k"] + 0
		if (!rounds) return
		printf "daxkit against the in-tree stack, %s (%s), same namespaces, one boot, medians of %d alternating rounds, QEMU %s\n", kver, name, rounds, accel
		A = "in-tree"; B = "daxkit"
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
		print ""
	}
	function fs() {
		A = "ext4-dax"; B = "daxkitfs"
		if (!cnt[A, "create"] && !cnt[B, "create"]) return
		printf "daxkitfs against ext4 -o dax, %s (%s), %d and %d MiB devices on one NVDIMM, one boot, %d rounds, QEMU %s\n",
			kver, name, f(A, "size", 4) / 1048576, f(B, "size", 4) / 1048576, nrnd, accel
		print "| measure | ext4 -o dax | daxkitfs | ratio | per round |"
		print "|---|---|---|---|---|"
		prow("fio psync 4 KiB random read (higher better)", "randread-4k", 4, 1, "MiB/s", "%.1f")
		prow("fio psync 4 KiB random write (higher better)", "randwrite-4k", 4, 1, "MiB/s", "%.1f")
		prow("fio psync 1 MiB sequential read (higher better)", "read-1m", 4, 1, "MiB/s", "%.1f")
		prow("fio psync 1 MiB sequential write (higher better)", "write-1m", 4, 1, "MiB/s", "%.1f")
		prow("fio mmap 4 KiB random write (higher better)", "mmap-randwrite-4k", 4, 1, "MiB/s", "%.1f")
		prow("files created, 4 KiB written, fsynced (higher better)", "create", 4, 1, "files/s", "%d")
		prow("share of a mapped 1 GiB file PMDs serve (higher better)", "pmd", 4, 1, "%", "%.1f")
		prow("faults storing to every page of it (lower better)", "pmd", 11, 0, "", "%d")
		prow("time to fallocate it and store to every page (lower better)", "pmd", 5, 0, "ms", "%d")
		print ""
		print "Values: medians of every run.  ratio: daxkitfs against ext4-dax, higher is better for daxkitfs"
		print "(rates and shares: daxkitfs / ext4-dax; faults and times: ext4-dax / daxkitfs), the median of"
		print "the per-round ratios; in each round both were measured back to back (fio: A B B A per measure)."
	}' <<< "$res"
if splats=$(klog_splats "$out/bench.log"); then
	echo "BENCH-ERROR: the guest kernel log has a splat: $(echo "$splats" | head -n 3 | tr '\n' '|')" >&2
	exit 1
fi
