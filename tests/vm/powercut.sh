#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: powercut.sh [NAME]
# The power-cut lane of daxkitfs (issue 18) on one kernel of the matrix
# (default 6.1): daxkitfs on a namespace of the lane's own emulated NVDIMM
# (its backing file, QEMU's memory-backend-file share=on, keeps every
# store the guest made when QEMU dies; a memmap= range would not).
# DAXKIT_PC_CYCLES boots (default 20), each: the guest checks what the
# boots before acknowledged, then a writer makes records durable in the
# four ways of FS-HELPER.md and prints a DKPC-ACK line for each
# (tests/guest/powercut.sh, tests/guest/src/dkfspc.c); a random 1 to 6 s
# after it starts writing, QEMU is killed (SIGKILL: no shutdown of any
# kind).  The ACK lines of every boot so far go into the next boot's
# initramfs (/etc/dkpc/acks, a second cpio archive, as suite.sh passes the
# daxkit layout), reduced to those that acknowledge something the others do
# not (dkfspc compact, built here too).  One last boot only checks.  DAXKIT_PC_SEED replays a
# run's delays (the seed is printed); DAXKIT_PC_REUSE_BUILD below.  Results:
#   powercut-cycles-completed   every boot wrote and was cut
#   powercut-records-lost-0     every boot after a cut finds every
#                               acknowledged record intact
#   powercut-mount-after-cut    every such boot mounts
#   powercut-fsck-clean         fsck -n after the mount's repair finds nothing
#   powercut-no-splat           no oops/BUG/WARNING/lockdep/KASAN in any boot
# and "measured:" lines: records acknowledged per method, fsck before
# the repair, the lane's time.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/klog.sh"

name=${1:-6.1}
cycles=${DAXKIT_PC_CYCLES:-20}
seed=${DAXKIT_PC_SEED:-$(( $(date +%s) % 32768 ))}
start=$(date +%s)
KIMG=
eval "$("$DAXKIT_SRC/tests/vm/target.sh" "$name")"
kimg=${KIMG:-$("$DAXKIT_SRC/tests/vm/kernel.sh" "$KVER" "$ROOT")}
log "$name: building against $KDIR${ROOT:+ in the $SUITE chroot}"
# DAXKIT_PC_REUSE_BUILD=1 (tests/run.sh, right after suite.sh built the
# same tree): take that build instead of making it again (2 minutes).
out=$DAXKIT_CACHE/build/$KVER
[ -z "$ROOT" ] || out=$ROOT/daxkit-build
if [ "${DAXKIT_PC_REUSE_BUILD:-0}" != 1 ] || [ ! -f "$out/main/dax_core/dax_core.ko" ] ||
	[ ! -f "$out/skew/dax_pmem/dax_pmem.ko" ]; then
	out=$("$DAXKIT_SRC/tests/vm/build.sh" "$KVER" "$KDIR" "$ROOT")
fi
pc=$out/powercut
rm -rf "$pc"
mkdir -p "$pc"
"$DAXKIT_SRC/tests/vm/initramfs.sh" "$KVER" "$kimg" "$out/main" "$out/skew" "$pc/initrd.gz"
res() { echo "RESULT: $1 $2 [$name]${3:+: $3}"; }

export DAXKIT_NVDIMM=$pc/nvdimm.img
export DAXKIT_VPMEM=$pc/vpmem.img
export DAXKIT_QEMU_PIDFILE=$pc/qemu.pid
export DAXKIT_GUEST_ARGS="daxkit.clients=none"
acks=$pc/acks
: > "$acks"
gcc -O2 -Wall -Wextra -Werror -o "$pc/dkfspc" "$DAXKIT_SRC/tests/guest/src/dkfspc.c" ||
	die "cannot build dkfspc"
RANDOM=$seed
log "$name: $cycles power cuts, seed $seed (DAXKIT_PC_SEED=$seed replays the delays); logs in $pc"

# initrd_for CYCLE [last]: the initramfs of a boot, with its generation
# and the ACK lines so far (the first boot has none).
initrd_for() {
	local d
	[ "$1" = 0 ] && { echo "$pc/initrd.gz"; return; }
	d=$(mktemp -d)
	mkdir -p "$d/etc/dkpc"
	echo "$1" > "$d/etc/dkpc/gen"
	cp "$acks" "$d/etc/dkpc/acks"
	[ -z "${2:-}" ] || echo last > "$d/etc/dkpc/last"
	{ cat "$pc/initrd.gz"; ( cd "$d" && find etc | cpio -o -H newc --quiet | gzip -1 ); } > "$pc/initrd-cycle.gz"
	rm -rf "$d"
	echo "$pc/initrd-cycle.gz"
}

# lines LOG PREFIX: the log's lines starting with PREFIX, \r removed.
lines() { tr -d '\r' < "$1" | grep -a "^$2" || true; }

# power_cut CYCLE LOG DELAY: boot, wait for the writer, wait DELAY ms,
# kill QEMU.  Returns 1 when the guest never started writing.
power_cut() {
	local c=$1 logf=$2 delay=$3 bpid
	rm -f "$DAXKIT_QEMU_PIDFILE"
	: > "$logf"
	# (its stderr: the shell's "Killed" when QEMU is)
	"$DAXKIT_SRC/tests/vm/boot.sh" "$kimg/vmlinuz" "$(initrd_for "$c")" powercut "$logf" 300 \
		2>> "$pc/boot.err" &
	bpid=$!
	while kill -0 $bpid 2> /dev/null && ! serial_has '^(DKPC-WRITING|DKPC-END)' "$logf"; do
		sleep 0.2
	done
	if serial_has '^DKPC-WRITING' "$logf"; then
		sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
	fi
	[ ! -f "$DAXKIT_QEMU_PIDFILE" ] || kill -KILL "$(cat "$DAXKIT_QEMU_PIDFILE")" 2> /dev/null || true
	wait $bpid || true
	serial_has '^DKPC-WRITING' "$logf"
}

# num LINE KEY: the number after KEY= in LINE, 0 when there is none.
num() { local n; n=$(echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"); echo "${n:-0}"; }

# check CYCLE LOG: what a boot after a cut found; sets bad and the totals.
lost=0 corrupt=0 checked=0 mounts=0 fsck_bad= fsck_before=
check() {
	local c=$1 logf=$2 v f
	if serial_has '^DKPC-STEP (mount|umount|mount-writer|device|namespace|nvdimm) fail' "$logf"; then
		bad="$bad cycle $c: $(lines "$logf" 'DKPC-STEP [a-z-]* fail' | head -n 1);"
		return
	fi
	mounts=$((mounts + 1))
	v=$(lines "$logf" 'DKPC-VERIFY ' | tail -n 1)
	if [ -z "$v" ]; then
		bad="$bad cycle $c: no DKPC-VERIFY line;"
	else
		lost=$((lost + $(num "$v" lost)))
		corrupt=$((corrupt + $(num "$v" corrupt)))
		checked=$(num "$v" records)
		lines "$logf" 'DKPC-BAD ' | head -n 3 | sed "s/^/[daxkit] cycle $c: /" >&2
	fi
	f=$(lines "$logf" 'DKPC-FSCK before ' | tail -n 1)
	set -- $f
	fsck_before="$fsck_before ${4:-?}"
	f=$(lines "$logf" 'DKPC-FSCK after ' | tail -n 1)
	[ "$f" = "DKPC-FSCK after 0 0" ] || fsck_bad="$fsck_bad cycle $c: '${f:-no fsck line}' $(lines "$logf" DKPC-FSCK-OUT | head -n 3 | tr '\n' '|');"
}

bad= done=0 splats= delays=
acked_fsync=0 acked_dsync=0 acked_mapsync=0 acked_rename=0 acked_badack=0
for c in $(seq 0 "$cycles"); do
	logf=$pc/cycle$c.log
	if [ "$c" = "$cycles" ]; then
		# The last boot: check, unmount, fsck, power off.
		log "$name: boot $c of $cycles: checking only (log: $logf)"
		"$DAXKIT_SRC/tests/vm/boot.sh" "$kimg/vmlinuz" "$(initrd_for "$c" last)" powercut "$logf" 300 || true
		serial_has '^DAXKIT-GUEST-DONE' "$logf" || bad="$bad last boot: did not finish;"
	else
		delay=$((1000 + RANDOM % 5000))
		log "$name: boot $c of $cycles: cut $delay ms after the writer starts (log: $logf)"
		if ! power_cut "$c" "$logf" "$delay"; then
			bad="$bad cycle $c: the writer did not start: $(lines "$logf" 'DKPC-\(STEP\|ERROR\)' | tail -n 2 | tr '\n' '|');"
		elif serial_has '^(DKPC-ERROR|DKPC-STEP writer fail)' "$logf"; then
			bad="$bad cycle $c: the writer stopped: $(lines "$logf" 'DKPC-\(STEP\|ERROR\)' | tail -n 2 | tr '\n' '|');"
		else
			done=$((done + 1))
			delays="$delays $delay"
		fi
	fi
	[ "$c" = 0 ] || check "$c" "$logf"
	splats="$splats$(klog_splats "$logf" | sed "s/^/cycle $c: /" || true)"
	# This boot's acknowledgements, counted, and kept with the others.
	lines "$logf" 'DKPC-ACK ' > "$pc/new"
	n=$("$pc/dkfspc" compact < "$pc/new" 2>&1 > /dev/null)
	for k in fsync dsync mapsync rename badack; do
		eval "acked_$k=\$((acked_$k + $(num "$n" $k)))"
	done
	cat "$acks" "$pc/new" | "$pc/dkfspc" compact > "$pc/acks.new" 2> /dev/null
	mv "$pc/acks.new" "$acks"
	[ -z "$bad" ] || break
done

if [ "$done" = "$cycles" ]; then
	res PASS powercut-cycles-completed "$done cuts, delays (ms):$delays"
else
	res FAIL powercut-cycles-completed "$done of $cycles cuts:$bad"
fi
if [ "$mounts" -lt "$cycles" ]; then
	res FAIL powercut-mount-after-cut "$mounts of $cycles boots after a cut mounted:$bad"
else
	res PASS powercut-mount-after-cut
fi
if [ "$lost" = 0 ] && [ "$corrupt" = 0 ] && [ "$checked" -gt 0 ] && [ "$mounts" = "$cycles" ]; then
	res PASS powercut-records-lost-0 "the last boot checked $checked records ($(lines "$pc/cycle$cycles.log" 'DKPC-VERIFY ' | tail -n 1 | grep -o 'fsync=.*'))"
else
	res FAIL powercut-records-lost-0 "$lost lost, $corrupt corrupt (summed over the boots); the last boot checked $checked records"
fi
if [ -z "$fsck_bad" ] && [ "$mounts" = "$cycles" ]; then
	res PASS powercut-fsck-clean
else
	res FAIL powercut-fsck-clean "${fsck_bad:-not every boot reached fsck}"
fi
if [ -z "$splats" ]; then
	res PASS powercut-no-splat
else
	res FAIL powercut-no-splat "$(echo "$splats" | head -n 5 | tr '\n' '|')"
fi
per=$(lines "$pc/cycle$cycles.log" 'DKPC-VERIFY ' | tail -n 1 | sed 's/^DKPC-VERIFY //')
echo "measured: powercut [$name]: $done cuts, seed $seed; records acknowledged: fsync $acked_fsync, O_DSYNC $acked_dsync, MAP_SYNC $acked_mapsync, rename $acked_rename ($acked_badack ACK lines garbled or cut); the last boot checked: ${per:-nothing}"
echo "measured: powercut [$name]: problems fsck -n finds before the mount's repair, per boot (the unclean state word is one):$fsck_before"
echo "measured: powercut [$name]: the lane took $(( $(date +%s) - start ))s"
