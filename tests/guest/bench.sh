# SPDX-License-Identifier: GPL-2.0
# `make bench`, in the guest (mode "bench"): the in-tree stack and daxkit
# on the same devdax namespaces of the emulated NVDIMM, in one boot, in
# turn: one stack's dax_pmem binds the nd_dax devices, is unloaded, the
# other's binds them (its class dax devices have the same names), three
# rounds.  Prints "BENCH: STACK WHAT VALUE..." lines
# for tests/vm/bench.sh, which makes the table; a step that cannot run
# prints "BENCH-ERROR: ...".
. /tests/lib.sh

MB=1048576
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
for round in 1 2 3; do
	for stack in in-tree daxkit; do
		serve $stack
		measure $stack
	done
done
clients_down
modprobe -r dax_pmem
nd_down
