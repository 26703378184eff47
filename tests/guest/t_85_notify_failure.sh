# SPDX-License-Identifier: GPL-2.0
# Memory failure reaches the holder (Req-15, Req-35): with a holder on
# daxkit0.0 (tests/kmod/daxkit_holder.ko, a stand-in for a filesystem),
# poison injected at a physical page of the legacy range is told to the
# holder through notify_failure with the page's offset in the device, and
# the kernel survives.  Needs dev_pagemap_ops.memory_failure (v5.19): on
# older kernels a NOTE says it cannot be tested, no result is given.
. /tests/lib.sh

MB=1048576
t=pmem-req15-notify-failure-reaches-holder
if ! grep -q '^#define HAVE_PGMAP_MEMORY_FAILURE' /etc/daxkit-compat.h; then
	echo "NOTE: $t: this kernel has no dev_pagemap memory_failure operation; poison goes to the mappers only"
	exit 0
fi
off=$((100 * MB + 8192))
pfn=$(((0x40000000 + off) / 4096))
klog_mark $t
if ! modprobe dax_pmem || ! wait_for /dev/daxkit0.0; then
	fail $t "no daxkit0.0"
elif ! insmod /test/kmod/daxkit_holder.ko; then
	fail $t "the test holder could not hold daxkit0.0"
elif ! modprobe hwpoison_inject || ! echo $pfn > /sys/kernel/debug/hwpoison/corrupt-pfn; then
	fail $t "cannot inject poison at pfn $pfn"
	rmmod daxkit_holder
else
	got=$(klog_since $t | grep -o 'daxkit_holder: daxkit0.0: failure at .*')
	want=$(printf 'daxkit_holder: daxkit0.0: failure at offset %#x len 0x1000' $off)
	case "$got" in
	"$want flags "*) pass $t ;;
	'') fail $t "the holder heard nothing" ;;
	*) fail $t "the holder heard '$got', want '$want'" ;;
	esac
	rmmod daxkit_holder
fi
modprobe -r hwpoison_inject 2>/dev/null
modprobe -r dax_pmem
true
