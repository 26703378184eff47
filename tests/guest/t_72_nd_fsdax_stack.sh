# SPDX-License-Identifier: GPL-2.0
# A daxkit region stacked on an fsdax namespace's /dev/pmemX (issue 4):
# made on request through dax_pmem's stack parameter; it holds the block
# device exclusively; what daxkit writes is what the block device reads;
# poison reaches daxkit's holder with the offset in the daxkit device
# (Req-15); unbinding the namespace while a process touches the mapping
# tears the region down first (SIGBUS, no splat, Req-61); a raw namespace
# is refused.  The namespace stays for the reboot boot (reboot.sh).
# Where the kernel cannot stack (no fs_dax_get_by_bdev holder, or no
# pfn_t), a NOTE says so and only the refusal is checked.
. /tests/lib.sh

MB=1048576
P=/sys/module/dax_pmem/parameters
M=/tests/bin/daxmap
rd() { local v; { read -r v < "$1"; } 2>/dev/null; echo "$v"; }

t=nd-fsdax-create
if ! nd_up; then
	fail $t "no region0 after modprobe nfit nd_pmem"; exit 0
fi
blk=
if ! out=$(ndctl create-namespace -m fsdax -s 96M -n daxkit-fs -r region0 2>&1); then
	fail $t "ndctl create-namespace -m fsdax: $(echo "$out" | tail -n 2 | tr '\n' '|')"
	nd_down; exit 0
fi
blk=$(echo "$out" | sed -n 's/.*"blockdev":"\(pmem[0-9.]*\)".*/\1/p' | head -n 1)
if [ -z "$blk" ] || ! wait_for /dev/$blk; then
	fail $t "no block device in: $(echo "$out" | tr -d '\n ')"; nd_down; exit 0
fi
pass $t

modprobe dax_pmem
if [ ! -e $P/stack ]; then
	fail nd-fsdax-stack "dax_pmem has no stack parameter"; nd_down; exit 0
fi
can=0
grep -q '^#define HAVE_FS_DAX_GET_BY_BDEV_HOLDER' /etc/daxkit-compat.h &&
	grep -q '^#define HAVE_PFN_T' /etc/daxkit-compat.h && can=1
if [ $can = 0 ]; then
	t=nd-fsdax-stack-refused-here
	echo "NOTE: this kernel cannot stack on a pmem block device (fs_dax_get_by_bdev holder, pfn_t)"
	wr /dev/$blk $P/stack | grep -q 'not supported' && pass $t ||
		fail $t "stacking /dev/$blk was not refused with EOPNOTSUPP"
	nd_down; exit 0
fi

t=nd-fsdax-stack-holds-exclusively
before=$($M /dev/$blk excl)
if ! out=$(wr /dev/$blk $P/stack); then
	fail $t "stack /dev/$blk: $out"; nd_down; exit 0
fi
list=$(rd $P/stack)
k=$(echo "$list" | sed -n "s|.*/dev/$blk=\(daxkit[0-9]*\).*|\1.0|p")
during=$($M /dev/$blk excl)
if [ -z "$k" ] || ! wait_for /dev/$k; then
	fail $t "the stack parameter lists '$list', no device for /dev/$blk"; nd_down; exit 0
elif [ "$before $during" != "ok EBUSY" ]; then
	fail $t "exclusive open of /dev/$blk before and during: '$before $during', want 'ok EBUSY'"
else
	pass $t
fi

t=nd-fsdax-stack-data-is-the-block-device
size=$(rd /sys/bus/daxkit/devices/$k/size)
if ! out=$($M /dev/$k write $((16 * MB)) $((8 * MB)) 33); then
	fail $t "write through /dev/$k: $out"
elif ! out=$($M /dev/$blk pread-verify $((16 * MB)) $((8 * MB)) 33); then
	fail $t "/dev/$blk reads otherwise: $out"
elif [ "$size" -lt $((64 * MB)) ]; then
	fail $t "device size $size for a 96M namespace"
else
	pass $t
fi
# For reboot.sh: the last 2 MiB carry seed 34.
$M /dev/$k write $((size - 2 * MB)) $((2 * MB)) 34 > /dev/null

t=nd-fsdax-stack-req15-notify-failure-reaches-holder
id=${k%.0}
id=${id#daxkit}
off=$((4 * MB + 8192))
start=$(rd /sys/bus/daxkit/devices/$k/resource)
pfn=$(((start + off) / 4096))
klog_mark $t
if ! insmod /test/kmod/daxkit_holder.ko parent=daxkit_stack.$id dev=$k; then
	fail $t "the test holder could not hold $k"
elif ! modprobe hwpoison_inject || ! echo $pfn > /sys/kernel/debug/hwpoison/corrupt-pfn; then
	fail $t "cannot inject poison at pfn $pfn"
	rmmod daxkit_holder
else
	got=$(klog_since $t | grep -o "daxkit_holder: $k: failure at .*")
	want=$(printf "daxkit_holder: $k: failure at offset %#x len 0x1000" $off)
	case "$got" in
	"$want flags "*) pass $t ;;
	'') fail $t "the holder heard nothing: $(klog_since $t | grep -i -m2 -e memory -e dax | tr '\n' '|')" ;;
	*) fail $t "the holder heard '$got', want '$want'" ;;
	esac
	rmmod daxkit_holder
	echo $pfn > /sys/kernel/debug/hwpoison/unpoison-pfn 2>/dev/null
fi
modprobe -r hwpoison_inject 2>/dev/null

t=nd-fsdax-stack-req61-unbind-while-mapped
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
elif [ -n "$(rd $P/stack)" ]; then
	fail $t "the stack is still listed: $(rd $P/stack)"
elif ! klog_since $t | grep -q "is going away: region $id torn down first"; then
	fail $t "no teardown line in the log"
else
	pass $t
fi
echo $pdev > /sys/bus/nd/drivers/$drv/bind
wait_for /dev/$blk

t=nd-fsdax-stack-raw-refused
raw=
for n in $ND/namespace*; do
	[ "$(rd $n/alt_name)" = daxkit-raw ] && raw=$(ls $n/block 2>/dev/null | head -n 1)
done
if [ -z "$raw" ]; then
	fail $t "no raw namespace from t_70"
elif out=$(wr /dev/$raw $P/stack); then
	fail $t "stacking the raw /dev/$raw was accepted"
	wr /dev/$raw $P/unstack
else
	pass $t
fi

t=nd-fsdax-stack-unload-releases
wr /dev/$blk $P/stack > /dev/null
modprobe -r dax_pmem
if [ "$($M /dev/$blk excl)" != ok ]; then
	fail $t "/dev/$blk is still held after unloading dax_pmem"
else
	pass $t
fi
modprobe -r dax_dev dax_core
nd_down
true
