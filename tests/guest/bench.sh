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
	echo "BENCH-ERROR: no labelled NVDIMM region"; exit 0
fi
# The namespaces are made with the in-tree driver, as a user of the
# in-tree stack would have them; one per alignment, the 1G one with 1 GiB
# of padding.
intree_dax_pmem_load || { echo "BENCH-ERROR: cannot load the in-tree dax_pmem"; exit 0; }
for spec in 4k:4K:256M 2m:2M:256M 1g:1G:2G; do
	n=${spec%%:*}; a=${spec#*:}; a=${a%:*}; s=${spec##*:}
	out=$(ndctl create-namespace -m devdax -M mem -a $a -s $s -n bench-$n -r $NDR 2>&1) ||
		echo "BENCH-ERROR: namespace bench-$n (-a $a -s $s): $(echo "$out" | tail -n 1)"
done
# The filesystems' two, the same size, struct pages on the media for both
# (ndctl's default): ext4's in fsdax mode (nd_pmem's /dev/pmemN), daxkitfs's
# in devdax mode (served by daxkit for the filesystem part).
FS_SIZE=1536M
PMEM=
out=$(ndctl create-namespace -m fsdax -M dev -s $FS_SIZE -n bench-ext4 -r $NDR 2>&1) &&
	PMEM=$(echo "$out" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p') ||
	echo "BENCH-ERROR: namespace bench-ext4 (fsdax -s $FS_SIZE): $(echo "$out" | tail -n 1)"
out=$(ndctl create-namespace -m devdax -M dev -s $FS_SIZE -n bench-dkfs -r $NDR 2>&1) ||
	echo "BENCH-ERROR: namespace bench-dkfs (devdax -s $FS_SIZE): $(echo "$out" | tail -n 1)"

# fio_run WHAT FIO-ARGS...: one fio run of the jobs FIO-ARGS name (each
# --name=STACK.MEASURE, stonewalled: one after the other), 1 s of ramp
# and one thread each; prints "BENCH: STACK MEASURE MIB/S LATENCY-US" per
# job.  One run for many jobs: under emulation, starting fio and perl
# from the clients' chroot costs seconds each time.
fio_run() {
	local what=$1
	shift
	cl fio --ramp_time=1 --time_based --thread --iodepth=1 --numjobs=1 --norandommap \
		--output-format=json --output=/tmp/fio.json "$@" > /tmp/fio.out 2>&1 ||
		{ echo "BENCH-ERROR: fio $what: $(tail -n 2 /tmp/fio.out | tr '\n' '|')"; return; }
	cl perl -MJSON::PP -e '
		local $/;
		for my $j (@{decode_json(<STDIN>)->{jobs}}) {
			my ($stack, $what) = split /\./, $j->{jobname}, 2;
			my $d = $j->{"job options"}{rw} =~ /read/ ? "read" : "write";
			printf "BENCH: %s %s %.1f %.2f\n", $stack, $what,
				$j->{$d}{bw} / 1024, $j->{$d}{lat_ns}{mean} / 1000;
		}' < $CL/tmp/fio.json
}

# fio_devdax STACK DEV: fio's dev-dax engine on /dev/DEV, 5 s per job.
fio_devdax() {
	local spec args=
	for spec in randwrite-4k:randwrite:4k randread-4k:randread:4k write-2m:write:2m; do
		set -- $1 $2 $(echo $spec | tr : ' ')
		args="$args --name=$1.$3 --rw=$4 --bs=$5 --stonewall"
	done
	fio_run "dev-dax on /dev/$2 ($1)" --ioengine=dev-dax --filename=/dev/$2 --size=128m \
		--runtime=5 --direct=0 $args
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
		[ $n = 2m ] && fio_devdax $1 $v
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

# fio_fs: fio's psync and mmap engines on a 256 MiB file of each
# filesystem of $FSES (mounted at $CL/tmp/FS), 3 s per job, each measure
# on the filesystems in turn and back (A B B A) after a warm-up: for the
# host's load, which drifts, to weigh on both alike.  The files are laid out (written)
# before a job's first run (overwrite=1), so every job overwrites
# allocated blocks.
fio_fs() {
	local spec fs back= args=
	[ -n "$FSES" ] || return
	for fs in $FSES; do back="$fs $back"; done
	for spec in randwrite-4k:psync:randwrite:4k randread-4k:psync:randread:4k \
		write-1m:psync:write:1m read-1m:psync:read:1m mmap-randwrite-4k:mmap:randwrite:4k; do
		set -- $(echo $spec | tr : ' ')
		# First an unreported warm-up on the filesystem that goes
		# last: measured here, the first job of a kind ran up to 1.9
		# times faster than the three after it, whichever filesystem
		# it was on.
		fs=${back%% *}
		args="$args --name=warm-up.$1 --filename=/tmp/$fs/fio.dat --ioengine=$2 --rw=$3 --bs=$4 --runtime=2 --stonewall"
		for fs in $FSES $back; do
			args="$args --name=$fs.$1 --filename=/tmp/$fs/fio.dat --ioengine=$2 --rw=$3 --bs=$4 --runtime=3 --stonewall"
		done
	done
	fio_run "on $FSES" --size=256m --overwrite=1 $args
}

# fs_make FS DEV: make FS on /dev/DEV afresh, mount it at $CL/tmp/FS.
fs_make() {
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
		return 1
	fi
}

# fs_pmd FS: a 1 GiB file, fallocated, mapped, stored to: how much of it
# PMDs serve, and how long it took.
fs_pmd() {
	local fs=$1
	if set -- $(/tests/bin/dkfsbench pmd $CL/tmp/$1/big $((1024 * MB))) && [ "$1" = pmd ]; then
		[ "${10}" = 1 ] || echo "BENCH-ERROR: $fs: statx does not call the file DAX"
		echo "BENCH: $fs pmd $(awk -v p=$2 -v c=$4 'BEGIN { printf "%.1f", p * 100 / c }') $(($8 / 1000)) chunks $2 of $4 faults $6"
	else
		echo "BENCH-ERROR: $fs: dkfsbench pmd failed"
	fi
	rm -f $CL/tmp/$fs/big
}

# fs_create FS: files created, written and fsynced per second, 3 s.
fs_create() {
	local fs=$1
	mkdir $CL/tmp/$1/c
	if set -- $(/tests/bin/dkfsbench create $CL/tmp/$1/c 3 20000) && [ "$1" = files ] &&
		[ "$4" -gt 0 ]; then
		echo "BENCH: $fs create $(($2 * 1000000 / $4)) files $2 usec $4"
	else
		echo "BENCH-ERROR: $fs: dkfsbench create failed"
	fi
}

# fs_round: both filesystems made afresh and mounted; each measure on
# one, then on the other; unmounted.
fs_round() {
	local fs dev ok=
	for fs in $FSES; do
		dev=$KDEV
		[ $fs = ext4-dax ] && dev=$PMEM
		fs_make $fs $dev && ok="$ok $fs"
	done
	FSES=$ok
	fio_fs
	for fs in $FSES; do rm -f $CL/tmp/$fs/fio.dat; done
	for fs in $FSES; do fs_pmd $fs; done
	for fs in $FSES; do fs_create $fs; done
	for fs in $FSES; do umount $CL/tmp/$fs || echo "BENCH-ERROR: $fs: umount failed"; done
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
	echo "BENCH-ROUND: $round"
	# Which goes first alternates from round to round.
	FSES=
	if [ $((round % 2)) = 1 ]; then
		[ -n "$PMEM" ] && FSES="$FSES ext4-dax"
		[ -n "$KDEV" ] && FSES="$FSES daxkitfs"
	else
		[ -n "$KDEV" ] && FSES="$FSES daxkitfs"
		[ -n "$PMEM" ] && FSES="$FSES ext4-dax"
	fi
	fs_round
done
modprobe -r daxkitfs dax_fs_helper
clients_down
modprobe -r dax_pmem
nd_down
