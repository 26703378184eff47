# SPDX-License-Identifier: GPL-2.0
# daxkit regions stacked on the /dev/pmemX of an fsdax namespace and of a
# raw one (issue 4): made on request through dax_pmem's stack parameter;
# each holds the block device exclusively; what daxkit writes is what the
# block device reads; poison reaches daxkit's holder with the offset in the
# daxkit device (Req-15); unbinding the namespace while a process touches
# the mapping tears the region down first (SIGBUS, no splat, Req-61);
# unstack and unload let the block device go.  The fsdax namespace stays
# for the reboot boot (reboot.sh).  Where the kernel cannot stack on fsdax
# (no fs_dax_get_by_bdev holder, or no pfn_t), a NOTE says so and only the
# refusal is checked there; raw stacks on every kernel.  Requests go to
# the daxkit bus (/sys/bus/daxkit/stack and unstack, issue 14 item 18);
# the stack parameter is read-only, for the load.
. /tests/lib.sh

MB=1048576
S=/sys/bus/daxkit
P=/sys/module/dax_pmem/parameters
M=/tests/bin/daxmap

# stack_on TEST BLK: stack on /dev/BLK, check it is held exclusively while
# stacked; prints the daxkit device.
stack_on() {
	local t=$1 blk=$2 before during out list k
	before=$($M /dev/$blk excl)
	if ! out=$(wr /dev/$blk $S/stack); then
		fail $t "stack /dev/$blk: $out"; return 1
	fi
	list=$(rd $S/stack)
	k=$(echo "$list" | sed -n "s|.*/dev/$blk=\(daxkit[0-9]*\).*|\1.0|p")
	during=$($M /dev/$blk excl)
	if [ -z "$k" ] || ! wait_for /dev/$k; then
		fail $t "$S/stack lists '$list', no device for /dev/$blk"; return 1
	elif [ "$before $during" != "ok EBUSY" ]; then
		fail $t "exclusive open of /dev/$blk before and during: '$before $during', want 'ok EBUSY'"
		return 1
	fi
	pass $t
	echo "$k" > /tmp/stacked
}

# data_is_blk TEST K BLK MIN SEED: 8 MiB written through /dev/K at 16 MiB
# are what /dev/BLK reads there; K is at least MIN bytes.
data_is_blk() {
	local t=$1 k=$2 blk=$3 size out
	size=$(rd /sys/bus/daxkit/devices/$k/size)
	if ! out=$($M /dev/$k write $((16 * MB)) $((8 * MB)) $5); then
		fail $t "write through /dev/$k: $out"
	elif ! out=$($M /dev/$blk pread-verify $((16 * MB)) $((8 * MB)) $5); then
		fail $t "/dev/$blk reads otherwise: $out"
	elif [ "$size" -lt $4 ]; then
		fail $t "device size $size, want at least $4"
	else
		pass $t
	fi
}

# unbind_while_mapped TEST K BLK: unbinding BLK's nd device while a
# process touches /dev/K ends the process with SIGBUS and the stack first.
unbind_while_mapped() {
	local t=$1 k=$2 blk=$3 id pdev drv pid out
	id=${k%.0}
	id=${id#daxkit}
	pdev=$(basename "$(readlink -f /sys/block/$blk/device 2>/dev/null || readlink -f /sys/block/$blk/..)")
	: > /tmp/fs-loop.out
	$M /dev/$k touch-loop $((4 * MB)) > /tmp/fs-loop.out 2>&1 &
	pid=$!
	bg_wait_for /tmp/fs-loop.out mapped
	klog_mark $t
	drv=$(basename "$(readlink /sys/bus/nd/devices/$pdev/driver)")
	echo $pdev > /sys/bus/nd/drivers/$drv/unbind
	if ! out=$(bg_expect_end $pid /tmp/fs-loop.out); then
		fail $t "$out"
	elif [ -n "$(rd $S/stack)" ]; then
		fail $t "the stack is still listed: $(rd $S/stack)"
	elif ! klog_since $t | grep -q "is going away: region $id torn down first"; then
		fail $t "no teardown line in the log"
	else
		pass $t
	fi
	echo $pdev > /sys/bus/nd/drivers/$drv/bind
	wait_for /dev/$blk
}

t=nd-fsdax-create
if ! nd_up; then
	fail $t "no NVDIMM region after modprobe nfit nd_pmem"; exit 0
fi
blk=
if ! out=$(ndctl create-namespace -m fsdax -s 96M -n daxkit-fs -r $NDR 2>&1); then
	fail $t "ndctl create-namespace -m fsdax: $(echo "$out" | tail -n 2 | tr '\n' '|')"
	nd_down; exit 0
fi
blk=$(echo "$out" | sed -n 's/.*"blockdev":"\(pmem[0-9.]*\)".*/\1/p' | head -n 1)
if [ -z "$blk" ] || ! wait_for /dev/$blk; then
	fail $t "no block device in: $(echo "$out" | tr -d '\n ')"; nd_down; exit 0
fi
pass $t

# t_70's raw namespace (daxkit-raw): stacks on every kernel.
raw=
for n in $ND/namespace*; do
	[ "$(rd $n/alt_name)" = daxkit-raw ] && raw=$(ls $n/block 2>/dev/null | head -n 1)
done

# Issue 14 item 18: requests go to the daxkit bus, not to parameters.
# stack_listed: /sys/bus/daxkit/stack names /dev/$raw.
stack_listed() { rd $S/stack | grep -q "/dev/$raw=daxkit[0-9]"; }

t=item18-stack-param-readonly
modprobe dax_pmem
e=$(wr /dev/$raw $P/stack)
if [ -z "$raw" ]; then
	fail $t "no raw namespace from t_70"
elif [ "$(stat -c %a $P/stack 2>&1)" != 444 ]; then
	fail $t "$P/stack has mode $(stat -c %a $P/stack 2>&1), want 444"
elif [ -z "$e" ] || [ "$($M /dev/$raw excl)" != ok ]; then
	fail $t "writing /dev/$raw to $P/stack: '${e:-accepted}', /dev/$raw: $($M /dev/$raw excl)"
elif [ -e $P/unstack ]; then
	fail $t "$P/unstack is still there"
else
	pass $t
fi
# Whatever the write did, undo it before the next test.
wr /dev/$raw $P/unstack > /dev/null
wr /dev/$raw $S/unstack > /dev/null

# bus_attrs: stack and unstack through /sys/bus/daxkit; the files come and
# go with dax_pmem while dax_core stays.  Prints what is wrong.
bus_attrs() {
	local e modes
	[ -n "$raw" ] || { echo "no raw namespace from t_70"; return; }
	modes="$(stat -c %a $S/stack 2>&1) $(stat -c %a $S/unstack 2>&1)"
	[ "$modes" = "644 200" ] || { echo "modes of $S/stack and unstack: $modes, want 644 200"; return; }
	e=$(wr /dev/$raw $S/stack)
	[ -z "$e" ] || { echo "stack /dev/$raw: $e"; return; }
	if ! stack_listed || [ "$($M /dev/$raw excl)" != EBUSY ]; then
		echo "after stacking: $S/stack '$(rd $S/stack)', /dev/$raw: $($M /dev/$raw excl)"
		return
	fi
	e=$(wr /dev/$raw $S/unstack)
	[ -z "$e" ] || { echo "unstack /dev/$raw: $e"; return; }
	if [ -n "$(rd $S/stack)" ] || [ "$($M /dev/$raw excl)" != ok ]; then
		echo "after unstacking: $S/stack '$(rd $S/stack)', /dev/$raw: $($M /dev/$raw excl)"
	elif ! rmmod dax_pmem || ! loaded dax_core || [ -e $S/stack ] || [ -e $S/unstack ]; then
		echo "rmmod dax_pmem (dax_core stays) left: $(ls $S 2>&1 | tr '\n' ' ')"
	elif ! modprobe dax_pmem || [ ! -e $S/stack ] || [ ! -e $S/unstack ]; then
		echo "loading dax_pmem again: $(ls $S | tr '\n' ' ')"
	fi
}
t=item18-stack-bus-attrs
e=$(bus_attrs)
[ -z "$e" ] && pass $t || fail $t "$e"
modprobe -r dax_pmem

# The load-time parameter still stacks, and reads back what the load asked.
t=item18-stack-param-at-load
if [ -z "$raw" ]; then
	fail $t "no raw namespace from t_70"
elif ! modprobe dax_pmem stack=/dev/$raw; then
	fail $t "modprobe dax_pmem stack=/dev/$raw failed"
elif ! stack_listed || [ "$(rd $P/stack)" != /dev/$raw ]; then
	fail $t "$S/stack '$(rd $S/stack)', $P/stack '$(rd $P/stack)'"
else
	pass $t
fi
modprobe -r dax_pmem

# Writes racing the unload (they stack and unstack in a loop): the files
# go before the stacks, and no write outlives them; no splat (the suite
# scans the log).
t=item18-stack-bus-attrs-unload-race
i=0 why=
while [ -n "$raw" ] && [ $i -lt 3 ] && [ -z "$why" ]; do
	modprobe dax_pmem || { why="load $i failed"; break; }
	klog_mark $t-$i
	( while :; do echo /dev/$raw > $S/stack; echo /dev/$raw > $S/unstack; done ) 2>/dev/null &
	pid=$!
	sleep 0.$((3 + i))
	rmmod dax_pmem || why="unload $i failed"
	kill $pid; wait $pid 2>/dev/null
	loaded dax_pmem && why="${why:-dax_pmem still loaded after unload $i}"
	[ "$($M /dev/$raw excl)" = ok ] || why="${why:-/dev/$raw still held after unload $i}"
	klog_since $t-$i | grep -q 'daxkit_stack\.[0-9]*: region ' ||
		why="${why:-the writes stacked nothing before unload $i}"
	i=$((i + 1))
done
[ -z "$raw" ] && why="no raw namespace from t_70"
[ -z "$why" ] && pass $t || fail $t "$why"

modprobe dax_pmem
if [ ! -e $S/stack ]; then
	fail nd-fsdax-stack "no $S/stack with dax_pmem loaded"; nd_down; exit 0
fi
can=0
grep -q '^#define HAVE_FS_DAX_GET_BY_BDEV_HOLDER' /etc/daxkit-compat.h &&
	grep -q '^#define HAVE_PFN_T' /etc/daxkit-compat.h && can=1
mf=0
grep -q '^#define HAVE_PGMAP_MEMORY_FAILURE' /etc/daxkit-compat.h && mf=1

if [ $can = 0 ]; then
	t=nd-fsdax-stack-refused-here
	echo "NOTE: this kernel cannot stack on an fsdax pmem block device (fs_dax_get_by_bdev holder, pfn_t)"
	wr /dev/$blk $S/stack | grep -q 'not supported' && pass $t ||
		fail $t "stacking /dev/$blk was not refused with EOPNOTSUPP"
elif stack_on nd-fsdax-stack-holds-exclusively $blk; then
	k=$(cat /tmp/stacked)
	id=${k%.0}
	id=${id#daxkit}
	data_is_blk nd-fsdax-stack-data-is-the-block-device $k $blk $((64 * MB)) 33
	# For reboot.sh: the last 2 MiB carry seed 34.
	size=$(rd /sys/bus/daxkit/devices/$k/size)
	$M /dev/$k write $((size - 2 * MB)) $((2 * MB)) 34 > /dev/null
	holder_hears nd-fsdax-stack-req15-notify-failure-reaches-holder $k \
		$((4 * MB + 8192)) parent=daxkit_stack.$id dev=$k
	unbind_while_mapped nd-fsdax-stack-req61-unbind-while-mapped $k $blk
fi

# Raw: the whole namespace (t_70's daxkit-raw, 32 MiB), on pages of its own.
if [ -z "$raw" ]; then
	fail nd-raw-stack "no raw namespace from t_70"
elif stack_on nd-raw-stack-holds-exclusively $raw; then
	k=$(cat /tmp/stacked)
	id=${k%.0}
	id=${id#daxkit}
	t=nd-raw-stack-spans-the-namespace
	size=$(rd /sys/bus/daxkit/devices/$k/size)
	[ "$size" = $((32 * MB)) ] && pass $t || fail $t "device size $size for a 32M namespace"
	data_is_blk nd-raw-stack-data-is-the-block-device $k $raw $((32 * MB)) 35
	if [ $mf = 1 ]; then
		holder_hears nd-raw-stack-req15-notify-failure-reaches-holder $k \
			$((4 * MB + 8192)) parent=daxkit_stack.$id dev=$k
	else
		echo "NOTE: nd-raw-stack-req15: no dev_pagemap memory_failure operation here"
	fi
	t=nd-raw-unstack-releases
	e=$(wr /dev/$raw $S/unstack)
	if [ -n "$e" ]; then
		fail $t "unstack /dev/$raw: $e"
	elif [ "$($M /dev/$raw excl)" != ok ] || [ -e /dev/$k ] || [ -n "$(rd $S/stack)" ]; then
		fail $t "/dev/$raw still held, /dev/$k still there or still listed: '$(rd $S/stack)'"
	elif ! out=$($M /dev/$raw pread-verify $((16 * MB)) $((8 * MB)) 35); then
		fail $t "/dev/$raw lost the data: $out"
	else
		pass $t
	fi
	t=nd-raw-stack-again-reads-back
	if stack_on nd-raw-stack-again $raw; then
		k=$(cat /tmp/stacked)
		out=$($M /dev/$k verify $((16 * MB)) $((8 * MB)) 35)
		[ "$out" = ok ] && pass $t || fail $t "$out"
		unbind_while_mapped nd-raw-stack-req61-unbind-while-mapped $k $raw
	else
		fail $t "a second stack on /dev/$raw was refused"
	fi
fi

# Bad requests: the errno of the open, one ratelimited line at most.
anydev=$(ls /sys/bus/daxkit/devices | head -n 1)
refused nd-stack-bad-not-a-block-device /dev/${anydev:-daxkit0.0} $S/stack 'Block device required'
refused nd-stack-bad-no-such-path /dev/pmem99 $S/stack 'No such file or directory'
refused nd-stack-bad-two-words "/dev/$raw /dev/$blk" $S/stack 'Invalid argument'
refused nd-stack-bad-too-long "/dev/$(printf '%070d' 0)" $S/stack 'Invalid argument'

t=nd-stack-unload-releases
last=$raw
[ $can = 1 ] && last=$blk
wr /dev/$last $S/stack > /dev/null
modprobe -r dax_pmem
if [ "$($M /dev/$last excl)" != ok ]; then
	fail $t "/dev/$last is still held after unloading dax_pmem"
else
	pass $t
fi
modprobe -r dax_dev dax_core
nd_down
true
