# SPDX-License-Identifier: GPL-2.0
# daxkitfs (issue 18): every store to a mapped file since the last fsync
# is written back from the CPU caches before fsync returns.  The power-cut
# lane cannot see a missing cache flush (TCG has no volatile cache), so the
# kernel's trace shows it: fs/dax.c's fs_dax:dax_writeback_one tracepoint
# (the file pages an entry covers) and a kprobe on arch_wb_cache_pmem (the
# write-back itself), bracketed by the program's trace_marker lines
# (/tests/bin/dkfswb).  Checked: the pages stored to are all written back
# within fsync, each by a write-back of its own size at its own address;
# pages never touched are not (the trace tells pages apart); stores with
# no fsync yet are not (the check fails without fsync); a second fsync has
# nothing left to write back.  Pages only read are counted, not checked:
# some kernels' fs/dax.c (6.1's) marks the entry of a read fault dirty
# too.  Kernels without kprobe events or without the tracepoint get a
# NOTE and no result.
. /tests/lib.sh

D=/dev/daxkit0.0
M=/mnt/dkwb
t=dkfs-writeback-trace

T=/sys/kernel/tracing
[ -f $T/trace_marker ] || mount -t tracefs nodev $T 2>/dev/null
[ -f $T/trace_marker ] || T=/sys/kernel/debug/tracing
if [ ! -f $T/kprobe_events ]; then
	echo "NOTE: $t: this kernel has no kprobe events (tracefs: $(ls $T 2>/dev/null | wc -l) files): not tested"
	exit 0
fi
if ! modprobe dax_pmem fsdax=0 || ! wait_for $D; then
	fail $t-setup "modprobe dax_pmem fsdax=0 failed"; exit 0
fi
mkdir -p $M
if ! out=$(mkfs.daxkitfs -q -f $D 2>&1) || ! out=$(mount -t daxkitfs $D $M 2>&1); then
	fail $t-setup "mkfs and mount: $out"
	modprobe -r daxkitfs dax_fs_helper dax_pmem
	exit 0
fi

# The tracepoint exists once fs/dax.c is there (built in); the kprobe on
# the kernel's cache write-back (exported, never inlined into fs/dax.c).
ev=$T/events/fs_dax/dax_writeback_one
echo 0 > $T/tracing_on
if [ ! -d $ev ]; then
	echo "NOTE: $t: no fs_dax:dax_writeback_one tracepoint: not tested"
elif ! out=$(wr 'p:kprobes/dkwb_flush arch_wb_cache_pmem addr=%di:x64 size=%si:u64' $T/kprobe_events); then
	fail $t "cannot place a kprobe on arch_wb_cache_pmem: $out"
else
	: > $T/trace
	echo 1 > $ev/enable
	echo 1 > $T/events/kprobes/dkwb_flush/enable
	echo 1 > $T/tracing_on
	seed=$(( $(date +%s) % 100000 ))
	out=$(/tests/bin/dkfswb $M/f $T "$(rd /sys/bus/daxkit/devices/daxkit0.0/resource)" $seed 2>&1)
	echo 0 > $T/tracing_on
	echo 0 > $T/events/kprobes/dkwb_flush/enable
	echo 0 > $ev/enable
	echo "-:kprobes/dkwb_flush" >> $T/kprobe_events
	: > $T/trace
	echo "measured: dkfswb (seed $seed): $out" > /dev/kmsg
	set -- $(echo "$out" | tr '=' ' ')
	# stored N flushed N missing N untouched N untouched-flushed N read N
	# read-flushed N window-a N window-c N unpaired N bases N events N
	if [ "$1" != stored ] || [ $# != 24 ]; then
		fail $t "dkfswb: $out"
	else
		stored=$2 flushed=$4 missing=$6 untouched=$8 uflushed=${10} read=${12}
		rflushed=${14} wa=${16} wc=${18} unpaired=${20} bases=${22}
		expect dkfs-fsync-writes-back-every-stored-page 0 "$missing" \
			"seed $seed: pages of $stored stored and not written back ($flushed were)"
		expect dkfs-fsync-writeback-at-the-pages "0 1" "$unpaired $bases" \
			"seed $seed: entries without their own write-back, direct-map bases"
		expect dkfs-fsync-skips-untouched-pages 0 "$uflushed" \
			"seed $seed: pages of $untouched never touched but written back"
		expect dkfs-no-writeback-before-fsync 0 "$wa" \
			"seed $seed: pages written back before fsync (the check would pass without it)"
		expect dkfs-second-fsync-writes-back-nothing 0 "$wc" \
			"seed $seed: pages written back by an fsync after no store"
		# Not checked: 6.1's fs/dax.c dirties the entry of a read fault too.
		echo "NOTE: $t: fsync wrote back $rflushed of $read pages only read"
	fi
fi
umount $M
modprobe -r daxkitfs dax_fs_helper dax_pmem
