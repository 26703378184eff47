# SPDX-License-Identifier: GPL-2.0
# Soft-reserved memory (issue 19).  The guest boots with 256 MiB at 2 GiB
# soft-reserved (memmap=256M%0x80000000+0xefffffff, tests/vm/boot.sh):
# dax_pmem serves it as region 32, mappable, and in system-ram mode it
# joins node 0; soft_reserved=0 leaves it alone; once the in-tree
# dax_hmem stack holds it, dax_pmem leaves it to that stack, with one log
# line, and serves it again when the stack lets go.
. /tests/lib.sh

MB=1048576
SR=0x80000000
KMEM=/sys/bus/daxkit/drivers/kmem
k=daxkit32.0

t=soft-reserved-served-as-region-32
if ! modprobe dax_pmem; then
	fail $t "modprobe dax_pmem failed"
elif ! wait_for /dev/$k; then
	fail $t "no /dev/$k: $(ls /sys/bus/daxkit/devices | tr '\n' ' ')"
elif [ "$(rd /sys/bus/daxkit/devices/$k/resource)" != $SR ] ||
	[ "$(rd /sys/bus/daxkit/devices/$k/size)" != $((256 * MB)) ]; then
	fail $t "$k: resource $(rd /sys/bus/daxkit/devices/$k/resource) size $(rd /sys/bus/daxkit/devices/$k/size)"
elif [ "$(rd /sys/bus/daxkit/devices/$k/target_node)" != 0 ]; then
	fail $t "$k: target node '$(rd /sys/bus/daxkit/devices/$k/target_node)', want 0"
elif ! out=$(/tests/bin/daxmap /dev/$k write $((8 * MB)) $((2 * MB)) 93 2>&1) ||
	! out=$(/tests/bin/daxmap /dev/$k verify $((8 * MB)) $((2 * MB)) 93 2>&1); then
	fail $t "daxmap on /dev/$k: $out"
else
	pass $t
fi

# System-ram mode works on it too: node 0 grows by its blocks.
t=soft-reserved-system-ram
before=$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node0/meminfo)
policy=$(rd /sys/devices/system/memory/auto_online_blocks)
wr offline /sys/devices/system/memory/auto_online_blocks > /dev/null
echo $k > /sys/bus/daxkit/drivers/dax_dev/unbind 2>/dev/null
if ! out=$(wr $k $KMEM/new_id); [ -n "$out" ]; then
	fail $t "new_id: $out"
else
	for b in /sys/devices/system/memory/memory[0-9]*; do
		s=$((0x$(rd $b/phys_index) * 0x$(rd /sys/devices/system/memory/block_size_bytes)))
		[ $s -ge $((SR)) ] && [ $s -lt $((SR + 256 * MB)) ] && wr online_movable $b/state > /dev/null
	done
	after=$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node0/meminfo)
	if [ $((after - before)) != $((256 * 1024)) ]; then
		fail $t "node0 MemTotal grew by $((after - before)) kB, want $((256 * 1024))"
	elif ! out=$(wr $k $KMEM/remove_id); [ -n "$out" ]; then
		fail $t "remove_id: $out"
	elif ! out=$(wr $k /sys/bus/daxkit/drivers/dax_dev/bind); [ -n "$out" ]; then
		fail $t "back to dax_dev: $out"
	else
		pass $t
	fi
fi
wr "$policy" /sys/devices/system/memory/auto_online_blocks > /dev/null
modprobe -r dax_pmem

t=soft-reserved-param-off
if ! modprobe dax_pmem soft_reserved=0; then
	fail $t "modprobe dax_pmem soft_reserved=0 failed"
elif [ -e /sys/bus/daxkit/devices/$k ]; then
	fail $t "$k exists with soft_reserved=0"
else
	pass $t
fi
modprobe -r dax_pmem

# The in-tree stack: dax_hmem makes dax0.0 over the range; device_dax
# (before 6.3) or kmem (from 6.3, which gives such ranges to kmem) claims
# it.  Not in the debug kernel, which has no dax_hmem.
t=soft-reserved-left-to-intree-hmem
if ! modinfo dax_hmem > /dev/null 2>&1; then
	echo "NOTE: t_93: no dax_hmem in this kernel: $t not run"
elif ! modprobe dax_hmem || ! modprobe device_dax || ! modprobe kmem; then
	fail $t "cannot load dax_hmem, device_dax and kmem"
else
	i=0
	while [ $i -lt 20 ] && ! grep -q 'dax[0-9]*\.[0-9]' /proc/iomem; do sleep 0.25; i=$((i + 1)); done
	held=$(grep -E '^ *80000000-8fffffff : (dax[0-9]+\.[0-9]+|System RAM \(kmem\))' /proc/iomem | tr -s ' ' | tr '\n' '|')
	klog_mark $t
	if [ -z "$held" ]; then
		fail $t "the in-tree stack claims nothing in the range: $(grep -A3 80000000 /proc/iomem | tr -s ' ' | tr '\n' '|')"
	elif ! modprobe dax_pmem; then
		fail $t "modprobe dax_pmem failed with the range held"
	elif [ -e /sys/bus/daxkit/devices/$k ]; then
		fail $t "$k exists although the in-tree stack holds the range ($held)"
	elif [ "$(klog_since $t | grep -c 'dax_pmem: 0x0*80000000+0x10000000 is held by another driver')" != 1 ]; then
		fail $t "want one 'held by another driver' line: $(klog_since $t | grep dax_pmem | tr '\n' '|')"
	else
		pass $t
	fi
	modprobe -r dax_pmem
	# kmem cannot give back memory it onlined (6.3+): that needs a reboot.
	t=soft-reserved-served-again-after-intree
	if grep -q 'System RAM (kmem)' /proc/iomem; then
		echo "NOTE: t_93: the in-tree kmem onlined the range; it stays System RAM until reboot: $t not run"
	elif ! modprobe -r device_dax dax_hmem || ! modprobe dax_pmem || ! wait_for /dev/$k; then
		fail $t "no $k after the in-tree stack unloaded"
	else
		pass $t
	fi
	modprobe -r dax_pmem
fi
exit 0
