# SPDX-License-Identifier: GPL-2.0
# `make bench`, in the guest (mode "bench"): the in-tree stack and daxkit
# on the same devdax namespaces of the emulated NVDIMM, in one boot, in
# turn: one stack's dax_pmem binds the nd_dax devices, is unloaded, the
# other's binds them (its class dax devices have the same names), three
# rounds.  Then the filesystems, in turn, three rounds: ext4 -o dax on
# the /dev/pmemN of an in-tree fsdax namespace, and daxkitfs on the daxkit
# device of a devdax namespace of the same size that daxkit's dax_pmem
# serves with fsdax pages (fsdax=ID, as in t_69), each made afresh per
# round.  Prints "BENCH: STACK WHAT VALUE..." lines for tests/vm/bench.sh,
# which makes the tables; a step that cannot run prints "BENCH-ERROR: ...".
. /tests/lib.sh

MB=1048576
# daxkit.only=devdax or daxkit.only=fs (DAXKIT_ONLY, from init) runs one
# part; daxkit.rounds=N, N rounds instead of 3.
ROUNDS=3
for w in $(cat /proc/cmdline); do
	case $w in daxkit.rounds=[1-9]*) ROUNDS=${w#daxkit.rounds=} ;; esac
done
ROUND_LIST=$(seq $ROUNDS)
clients_up || echo "BENCH-ERROR: cannot mount the clients"
if ! nd_up || ! ndctl disable-region all >/dev/null 2>&1 ||
	! ndctl init-labels -f all >/dev/null 2>&1 || ! ndctl enable-region all >/dev/null 2>&1; then
	echo "BENCH-ERROR: no labelled region0"; exit 0
fi
# The namespaces are made with the in-tree driver, as a user of the
# in-tree stack would have them; one per alignment, the 1G one with 1 GiB
# of padding.
intree_dax_pmem_load || { echo "BENCH-ERROR: cannot load the in-tree dax_pmem"; exit 0; }
for spec in 4k:4K:256M 2m:2M:256M 1g:1G:2G; do
	n=${spec%%:*}; a=${spec#*:}; a=${a%:*}; s=${spec##*:}
	out=$(ndctl create-namespace -m devdax -M mem -a $a -s $s -n bench-$n -r region0 2>&1) ||
		echo "BENCH-ERROR: namespace bench-$n (-a $a -s $s): $(echo "$out" | tail -n 1)"
done
# The filesystems' two, the same size, struct pages on the media for both
# (ndctl's default): ext4's in fsdax mode (nd_pmem's /dev/pmemN), daxkitfs's
# in devdax mode (served by daxkit for the filesystem part).
FS_SIZE=1536M
PMEM=
out=$(ndctl create-namespace -m fsdax -M dev -s $FS_SIZE -n bench-ext4 -r region0 2>&1) &&
	PMEM=$(echo "$out" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p') ||
	echo "BENCH-ERROR: namespace bench-ext4 (fsdax -s $FS_SIZE): $(echo "$out" | tail -n 1)"
out=$(ndctl create-namespace -m devdax -M dev -s $FS_SIZE -n bench-dkfs -r region0 2>&1) ||
	echo "BENCH-ERROR: namespace bench-dkfs (devdax -s $FS_SIZE): $(echo "$out" | tail -n 1)"

# fio_job STACK NAME DEV RW BS: one fio dev-dax job, 5 s; prints MiB/s and
# mean latency in microseconds.
fio_job() {
	cl fio --name=bench --ioengine=dev-dax --filename=/dev/$3 --rw=$4 --bs=$5 \
		--size=128m --time_based --runtime=5 --ramp_time=1 --thread --iodepth=1 \
		--direct=0 --numjobs=1 --norandommap --output-format=json --output=/tmp/fio.json \
		> /dev/null 2>&1 || { echo "BENCH-ERROR: $1: fio $2 on /dev/$3"; return; }
	dir=write; case $4 in *read) dir=read ;; esac
	echo "BENCH: $1 $2 $(cl perl -MJSON::PP -e '
		local $/; my $j = decode_json(<STDIN>)->{jobs}[0]{$ARGV[0]};
		printf "%.1f %.2f", $j->{bw} / 1024, $j->{lat_ns}{mean} / 1000' $dir < $CL/tmp/fio.json)"
}

# measure STACK: every measurement on the three namespaces' devices.
measure() {
	local d v n size
	for n in 4k 2m 1g; do
		if ! d=$(nd_dax_of bench-$n) || ! v=$(view_of "$d" 2>/dev/null || intree_chardev_of "$d") ||
			! wait_for /dev/$v; then
			echo "BENCH-ERROR: $1: no device for bench-$n"; continue
		fi
		size=$(rd /sys/class/dax/$v/size)
		[ -n "$size" ] || size=$(rd /sys/bus/dax/devices/$v/size)
		echo "BENCH: $1 fault-$n $(/tests/bin/daxmap /dev/$v faults-timed $size) size $size"
		if [ $n = 2m ]; then
			fio_job $1 randwrite-4k $v randwrite 4k
			fio_job $1 randread-4k $v randread 4k
			fio_job $1 write-2m $v write 2m
		fi
	done
}

# serve STACK: the namespaces' nd_dax devices bound to that stack's
# dax_pmem (both are named dax_pmem: one is loaded at a time).
serve() {
	local d drv=daxkit_pmem
	[ "$1" = daxkit ] && drv=dax_pmem
	for d in $ND/dax*; do
		[ "$(nd_driver ${d##*/})" = $drv ] && echo ${d##*/} > /sys/bus/nd/drivers/$drv/unbind
	done
	loaded dax_pmem && rmmod dax_pmem
	if [ "$1" = daxkit ]; then
		modprobe dax_pmem || echo "BENCH-ERROR: modprobe dax_pmem (daxkit) failed"
	else
		intree_dax_pmem_load || echo "BENCH-ERROR: cannot load the in-tree dax_pmem"
	fi
}

# Three rounds, the stacks alternating: software emulation translates a
# stack's code paths the first time they run, and the host's load drifts;
# tests/vm/bench.sh takes each figure's median.
for round in $ROUND_LIST; do
	[ "${DAXKIT_ONLY:-}" = fs ] && break
	for stack in in-tree daxkit; do
		serve $stack
		measure $stack
	done
done

# ---- the filesystems ----

# fio_fs FS: fio's psync and mmap engines on a 256 MiB file of the
# filesystem mounted at $CL/tmp/FS, one job after the other, 5 s each;
# the file is laid out (written) before the first (overwrite=1), so every
# job overwrites allocated blocks.  Prints one line per job: MiB/s, mean
# latency in microseconds and the minor faults fio counted.
fio_fs() {
	local j
	cl fio --filename=/tmp/$1/fio.dat --size=256m --overwrite=1 --time_based --runtime=5 \
		--ramp_time=1 --thread --iodepth=1 --numjobs=1 --norandommap \
		--output-format=json --output=/tmp/fio.json \
		--name=randwrite-4k --ioengine=psync --rw=randwrite --bs=4k --stonewall \
		--name=randread-4k --ioengine=psync --rw=randread --bs=4k --stonewall \
		--name=write-1m --ioengine=psync --rw=write --bs=1m --stonewall \
		--name=read-1m --ioengine=psync --rw=read --bs=1m --stonewall \
		--name=mmap-randwrite-4k --ioengine=mmap --rw=randwrite --bs=4k --stonewall \
		> /tmp/fio.out 2>&1 || { echo "BENCH-ERROR: $1: fio: $(tail -n 2 /tmp/fio.out | tr '\n' '|')"; return; }
	cl perl -MJSON::PP -e '
		local $/; my $fs = shift;
		for my $j (@{decode_json(<STDIN>)->{jobs}}) {
			my $d = $j->{jobname} =~ /read/ ? "read" : "write";
			printf "BENCH: %s %s %.1f %.2f minflt %d\n", $fs, $j->{jobname},
				$j->{$d}{bw} / 1024, $j->{$d}{lat_ns}{mean} / 1000, $j->{minf};
		}' $1 < $CL/tmp/fio.json
}

# fs_round FS DEV: make FS on /dev/DEV afresh, mount it, measure, unmount.
fs_round() {
	local fs=$1 dev=$2 m=$CL/tmp/$1 out
	mkdir -p $m
	if [ $fs = ext4-dax ]; then
		# Inode tables and journal written by mkfs, not by a kernel
		# thread in the background of the measurements.
		out=$(cl mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0 /dev/$dev 2>&1) &&
			out=$(mount -t ext4 -o dax /dev/$dev $m 2>&1)
	else
		out=$(mkfs.daxkitfs -q -f /dev/$dev 2>&1) && out=$(mount -t daxkitfs /dev/$dev $m 2>&1)
	fi
	if [ $? != 0 ] || ! mounted $m; then
		echo "BENCH-ERROR: $fs: cannot make or mount it on /dev/$dev: $(echo "$out" | tail -n 1)"
		return
	fi
	fio_fs $fs
	rm -f $m/fio.dat
	# A 1 GiB file, fallocated, mapped, stored to: how much of it PMDs serve.
	if set -- $(/tests/bin/dkfsbench pmd $m/big $((1024 * MB))) && [ "$1" = pmd ]; then
		[ "${10}" = 1 ] || echo "BENCH-ERROR: $fs: statx does not call the file DAX"
		echo "BENCH: $fs pmd $(($2 * 1000 / $4)) $(($8 / 1000)) chunks $2 of $4 faults $6"
	else
		echo "BENCH-ERROR: $fs: dkfsbench pmd failed"
	fi
	rm -f $m/big
	mkdir $m/c
	if set -- $(/tests/bin/dkfsbench create $m/c 3 20000) && [ "$1" = files ] && [ "$4" -gt 0 ]; then
		echo "BENCH: $fs create $(($2 * 1000000 / $4)) files $2 usec $4"
	else
		echo "BENCH-ERROR: $fs: dkfsbench create failed"
	fi
	umount $m || echo "BENCH-ERROR: $fs: umount failed"
}

# daxkit's dax_pmem again, the daxkitfs namespace's region with fsdax
# pages; both filesystems' modules.
KDEV=
loaded dax_pmem && rmmod dax_pmem
if ! d=$(nd_dax_of bench-dkfs) || ! ns=$(rd $ND/$d/namespace) || [ -z "$ns" ]; then
	echo "BENCH-ERROR: no nd_dax device for bench-dkfs"
else
	x=${ns#namespace}
	if ! modprobe dax_pmem fsdax=$(( (${x%.*} + 1) * 100 + ${x#*.} )) ||
		! KDEV=$(daxkit_of $d) || ! wait_for /dev/$KDEV; then
		echo "BENCH-ERROR: no daxkit device for bench-dkfs ($d) with fsdax pages"; KDEV=
	elif [ "$(rd $ND/$d/daxkit_region/pages)" != fsdax ]; then
		echo "BENCH-ERROR: $KDEV's region has '$(rd $ND/$d/daxkit_region/pages)' pages, not fsdax"; KDEV=
	fi
fi
loaded dax_pmem || modprobe dax_pmem
modprobe ext4 || echo "BENCH-ERROR: modprobe ext4 failed"
modprobe daxkitfs || echo "BENCH-ERROR: modprobe daxkitfs failed"
[ -n "$PMEM" ] && echo "BENCH: ext4-dax size $(($(rd /sys/block/$PMEM/size) * 512)) /dev/$PMEM"
[ -n "$KDEV" ] && echo "BENCH: daxkitfs size $(rd /sys/bus/daxkit/devices/$KDEV/size) /dev/$KDEV"
for round in $ROUND_LIST; do
	[ "${DAXKIT_ONLY:-}" = devdax ] && break
	[ -n "$PMEM" ] && fs_round ext4-dax $PMEM
	[ -n "$KDEV" ] && fs_round daxkitfs $KDEV
done
modprobe -r daxkitfs dax_fs_helper
clients_down
modprobe -r dax_pmem
nd_down
