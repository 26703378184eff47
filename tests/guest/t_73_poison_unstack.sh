# SPDX-License-Identifier: GPL-2.0
# Poison in a stacked fsdax namespace while the stack goes away (issue 14,
# item 4).  The pmem driver tells its dax_device's holder (the stack) of
# poison under the in-tree DAX SRCU, which releasing the holder
# (fs_put_dax) does not wait for: unstacking must not free the stack under
# a notice still using it.
#   item4-poison-while-unstacking: rounds of stack, poison injected into a
#	page of the region from the background while unstacking; the suite's
#	log scan fails any splat (KASAN on the debug lane).  A race: it rarely
#	hits the window by itself.
#   item4-poison-while-unstacking-notice-held: the window made wide
#	(tests/kmod/daxkit_slow_notify.ko stalls the notice after it found
#	the stack); unstacking must wait for the notice to finish.
# Also item 7's other side: the NVDIMM's region is synchronous, so its
# stack grants MAP_SYNC.  Needs fsdax stacking (6.0 to 6.16): elsewhere a
# NOTE says so.  Uses t_72's fsdax namespace (daxkit-fs).
. /tests/lib.sh

MB=1048576
M=/tests/bin/daxmap
OFF=$((40 * MB + 8192))     # a page of the region nothing maps
ROUNDS=20
CORRUPT=/sys/kernel/debug/hwpoison/corrupt-pfn

if ! grep -q '^#define HAVE_FS_DAX_GET_BY_BDEV_HOLDER' /etc/daxkit-compat.h ||
	! grep -q '^#define HAVE_PFN_T' /etc/daxkit-compat.h; then
	echo "NOTE: item4: this kernel cannot stack on fsdax (no holder of the pmem dax_device): not tested"
	exit 0
fi

# fsdax_blk NAME: the block device of the fsdax namespace named NAME.
fsdax_blk() {
	local d ns
	for d in $ND/pfn*; do
		ns=$(rd $d/namespace)
		[ -n "$ns" ] && [ "$(rd $ND/$ns/alt_name)" = "$1" ] &&
			ls $d/block 2>/dev/null | head -n 1 && return 0
	done
	return 1
}

# stack_pfn BLK: stack on /dev/BLK; prints the daxkit device and the pfn
# of byte OFF of it.
stack_pfn() {
	local k start
	stack_req /dev/$1 > /dev/null || return 1
	k=$(stacked_dev /dev/$1)
	[ -n "$k" ] && wait_for /sys/bus/daxkit/devices/$k/resource || return 1
	start=$(rd /sys/bus/daxkit/devices/$k/resource)
	echo "$k $(((start + OFF) / 4096))"
}

t=item4-fsdax-namespace
if ! nd_up; then
	fail $t "no NVDIMM region after modprobe nfit nd_pmem"; nd_down; exit 0
fi
blk=$(fsdax_blk daxkit-fs)
if [ -z "$blk" ] || ! wait_for /dev/$blk; then
	fail $t "no fsdax namespace daxkit-fs (t_72 makes it): $(ls $ND | tr '\n' ' ')"
	nd_down; exit 0
fi
pass $t
modprobe dax_pmem
modprobe hwpoison_inject

t=item7-nvdimm-fsdax-map-sync-accepted
if ! r=$(stack_pfn $blk); then
	fail $t "cannot stack on /dev/$blk"
else
	set -- $r
	out=$($M /dev/$1 map-sync 2>&1)
	[ "$out" = ok ] && pass $t || fail $t "$out"
	unstack_req /dev/$blk > /dev/null
fi

t=item4-poison-while-unstacking
klog_mark $t
why=
i=0
end=$(($(date +%s) + 150))
while [ $i -lt $ROUNDS ] && [ "$(date +%s)" -lt $end ]; do
	if ! r=$(stack_pfn $blk); then
		why="round $i: cannot stack on /dev/$blk"; break
	fi
	set -- $r
	( for j in 1 2 3 4 5 6; do echo $2 > $CORRUPT; done ) 2>/dev/null &
	e=$(unstack_req /dev/$blk)
	wait $!
	if [ -n "$e" ] || [ -n "$(rd $STACK_REQ)" ]; then
		why="round $i: unstack: '$e', still listed '$(rd $STACK_REQ)'"; break
	fi
	i=$((i + 1))
done
notices=$(klog_since $t | grep -c "Injecting memory failure")
if [ -n "$why" ]; then
	fail $t "$why"
elif [ $i -lt 5 ]; then
	fail $t "only $i rounds in the time"
else
	echo "NOTE: $t: $i rounds, $notices failure notices"
	pass $t
fi

t=item4-poison-while-unstacking-notice-held
if [ ! -f /test/kmod/daxkit_slow_notify.ko ]; then
	echo "NOTE: $t: no daxkit_slow_notify.ko (no kprobes): not tested"
elif ! r=$(stack_pfn $blk); then
	fail $t "cannot stack on /dev/$blk"
elif ! e=$(insmod /test/kmod/daxkit_slow_notify.ko delay_ms=3000 2>&1); then
	fail $t "daxkit_slow_notify: $e"
	unstack_req /dev/$blk > /dev/null
else
	set -- $r
	klog_mark $t
	( echo $2 > $CORRUPT ) 2>/dev/null &
	pid=$!
	i=0
	while [ $i -lt 50 ] && ! klog_since $t | grep -q "stalling a failure notice"; do
		sleep 0.1; i=$((i + 1))
	done
	if ! klog_since $t | grep -q "stalling a failure notice"; then
		fail $t "the notice never reached the stack: $(klog_since $t | grep -i -m 3 -e memory -e dax | tr '\n' '|')"
		unstack_req /dev/$blk > /dev/null
	else
		e=$(unstack_req /dev/$blk)
		if [ -n "$e" ]; then
			fail $t "unstack: $e"
		elif ! klog_since $t | grep -q "notice goes on"; then
			fail $t "unstacking returned while a failure notice still held the stack"
		else
			pass $t
		fi
	fi
	wait $pid
	rmmod daxkit_slow_notify
fi

modprobe -r hwpoison_inject 2>/dev/null
modprobe -r dax_pmem dax_dev dax_core
nd_down
true
