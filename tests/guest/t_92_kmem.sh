# SPDX-License-Identifier: GPL-2.0
# System-ram mode (issue 19).  A devdax namespace on the NVDIMM, which is
# all NUMA node 1 has (tests/vm/boot.sh), goes to the kernel as System RAM
# through dax_dev's second driver, kmem: new_id binds it and hot-adds its
# whole memory blocks, node 1 appears with that size, a program bound to
# node 1 gets its pages there.  Leaving (remove_id) migrates movable pages
# away; with pages that cannot migrate (dkmbind pin) it is refused, EBUSY,
# nothing changed, and works once they are let go.
# rmmod is refused while memory is added.  Then back to devdax.
. /tests/lib.sh

MB=1048576
KMEM=/sys/bus/daxkit/drivers/kmem
DEVDAX=/sys/bus/daxkit/drivers/dax_dev
MEM=/sys/devices/system/memory

# node_kb N: node N's MemTotal in kB; 0 when it has no memory or no node.
node_kb() {
	local kb
	kb=$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node$1/meminfo 2>/dev/null)
	echo "${kb:-0}"
}

# blocks START END: the memoryN directories of the blocks in [START, END).
blocks() {
	local bs d s
	bs=$((0x$(rd $MEM/block_size_bytes)))
	for d in $MEM/memory[0-9]*; do
		s=$((0x$(rd $d/phys_index) * bs))
		[ $s -ge $1 ] && [ $((s + bs)) -le $2 ] && echo $d
	done
}

# count_state STATE: how many of the device's blocks are in STATE.
count_state() {
	local b n=0
	for b in $(blocks $lo $hi); do
		[ "$(rd $b/state)" = "$1" ] && n=$((n + 1))
	done
	echo $n
}

# online_all TYPE: write TYPE (online_movable, online_kernel) to each
# offline block of the device; prints the blocks it could not online.
online_all() {
	local b
	for b in $(blocks $lo $hi); do
		[ "$(rd $b/state)" = offline ] || continue
		wr "$1" $b/state > /dev/null || echo "${b##*/}"
	done
}

# leave: remove_id for $k (60 s at most); then it must be unbound, with no
# daxkit RAM in /proc/iomem and nothing on node 1.  Prints why not.
leave() {
	local out
	out=$(timeout 60 sh -c "echo $k > $KMEM/remove_id" 2>&1) || { echo "remove_id: $out"; return 1; }
	[ -z "$(drv $k)" ] && [ "$(ram)" = 0 ] && [ "$(node_kb 1)" = 0 ] && return 0
	echo "after remove_id: driver '$(drv $k)', $(ram) RAM entries, node1 $(node_kb 1) kB"
	return 1
}

drv() { [ -e /sys/bus/daxkit/devices/$1/driver ] && basename "$(readlink /sys/bus/daxkit/devices/$1/driver)"; }
ram() { grep -c 'System RAM (daxkit)' /proc/iomem; }

t=kmem-setup
if ! nd_up; then
	fail $t "no NVDIMM region: $(ls /sys/bus/nd/devices | tr '\n' ' '); $(dmesg | grep -iE 'nfit|nvdimm|nd_|acpi0012' | tail -n 5 | tr '\n' '|')"
	exit 0
elif ! modprobe dax_pmem; then
	fail $t "modprobe dax_pmem failed"; exit 0
fi
# Run alone (daxkit.only=92), the region has no labels yet: label it as
# t_70 does, or nothing can be carved out of it.
if ! ndctl list -N -r $NDR 2>/dev/null | grep -q '"uuid"'; then
	ndctl disable-region all > /dev/null 2>&1 && ndctl init-labels -f all > /dev/null 2>&1
	ndctl enable-region all > /dev/null 2>&1
fi
avail=$(ndctl list -r $NDR 2>/dev/null | grep -o '"available_size":[0-9]*' | cut -d: -f2)
size=$(( ${avail:-0} / (128 * MB) * (128 * MB) ))
[ $size -le $((512 * MB)) ] || size=$((512 * MB))
k=
if [ $size -lt $((384 * MB)) ]; then
	fail $t "$NDR has ${avail:-no} bytes free, 384 MiB wanted"
elif ! out=$(ndctl create-namespace -m devdax -M mem -s $size -n daxkit-kmem -r $NDR 2>&1); then
	fail $t "ndctl create-namespace: $(echo "$out" | tail -n 2 | tr '\n' '|')"
elif ! dx=$(nd_dax_of daxkit-kmem) || ! k=$(daxkit_of "$dx") || ! wait_for /dev/$k; then
	fail $t "no daxkit device for daxkit-kmem"; k=
else
	ns=$(rd $ND/$dx/namespace)
	pass $t
fi
[ -n "$k" ] || { modprobe -r dax_pmem; nd_down; exit 0; }

bs=$((0x$(rd $MEM/block_size_bytes)))
start=$(rd /sys/bus/daxkit/devices/$k/resource)
lo=$(( (start + bs - 1) / bs * bs ))
hi=$(( (start + $(rd /sys/bus/daxkit/devices/$k/size)) / bs * bs ))
nblocks=$(( (hi - lo) / bs ))
want_kb=$(( (hi - lo) / 1024 ))
echo "NOTE: t_92: $k at $start, $nblocks blocks of $((bs / MB)) MiB, target node $(rd /sys/bus/daxkit/devices/$k/target_node)"
policy=$(rd $MEM/auto_online_blocks)

t=kmem-driver-files
if [ ! -e $KMEM/new_id ] || [ ! -e $KMEM/remove_id ]; then
	fail $t "no new_id or remove_id in $KMEM"
elif [ -e $KMEM/bind ] || [ -e $KMEM/unbind ]; then
	fail $t "$KMEM has bind or unbind: leaving could not be refused"
else
	pass $t
fi
refused kmem-new-id-while-bound "$k" $KMEM/new_id "busy"
expect kmem-new-id-while-bound-changes-nothing "dax_dev" "$(drv $k)" "driver of $k"
refused kmem-new-id-no-such-device daxkit999.9 $KMEM/new_id "No such device"
refused kmem-remove-id-not-named "$k" $KMEM/remove_id "No such device"

t=kmem-new-id-hot-adds
node0=$(node_kb 0)
echo "$k" > $DEVDAX/unbind
wr offline $MEM/auto_online_blocks > /dev/null
if ! out=$(wr "$k" $KMEM/new_id); [ -n "$out" ]; then
	fail $t "new_id: $out"
elif [ "$(drv $k)" != kmem ]; then
	fail $t "$k is bound to '$(drv $k)', not kmem"
elif [ "$(ram)" != 1 ]; then
	fail $t "/proc/iomem has $(ram) 'System RAM (daxkit)' entries, want 1"
elif [ "$(count_state offline)" != $nblocks ]; then
	fail $t "$(count_state offline) of $nblocks blocks offline with auto_online_blocks=offline"
elif [ ! -d /sys/devices/system/node/node1 ]; then
	fail $t "no node1 after the hot-add"
else
	pass $t
fi
refused kmem-dax-dev-bind-refused-while-named "$k" $DEVDAX/bind "No such device"

t=kmem-node1-online-movable
bad=$(online_all online_movable)
zones=$(for b in $(blocks $lo $hi); do rd $b/valid_zones; done | sort -u | tr '\n' ' ')
if [ -n "$bad" ]; then
	fail $t "could not online $bad"
elif [ "$(node_kb 1)" != $want_kb ]; then
	fail $t "node1 MemTotal $(node_kb 1) kB, want $want_kb"
elif [ "$zones" != "Movable " ]; then
	fail $t "zones of the blocks: '$zones', want Movable"
elif [ "$(node_kb 0)" != "$node0" ]; then
	fail $t "node0 changed: $node0 kB before, $(node_kb 0) after"
else
	pass $t
fi

t=kmem-mbind-allocates-on-node1
out=$(/tests/bin/dkmbind 1 64 2>&1)
case $out in
"ok 16384 pages on node 1") pass $t ;;
*) fail $t "dkmbind 1 64: $out" ;;
esac

t=kmem-rmmod-refused-while-added
if rmmod dax_dev 2>/dev/null; then
	fail $t "rmmod dax_dev succeeded with memory online"; exit 0
elif rmmod dax_pmem 2>/dev/null; then
	fail $t "rmmod dax_pmem succeeded with its region's memory lent"; exit 0
elif [ "$(drv $k)" != kmem ] || [ "$(node_kb 1)" != $want_kb ]; then
	fail $t "after the refused rmmod: driver '$(drv $k)', node1 $(node_kb 1) kB"
else
	pass $t
fi

# In use but movable: leaving migrates the pages to node 0, the program
# keeps its data.
t=kmem-leave-migrates-movable-pages
rm -f /tmp/hold.in /tmp/hold.out
mkfifo /tmp/hold.in
/tests/bin/dkmbind 1 32 hold < /tmp/hold.in > /tmp/hold.out 2>&1 &
hold=$!
exec 7> /tmp/hold.in
bg_wait_for /tmp/hold.out held
if ! grep -q held /tmp/hold.out; then
	fail $t "dkmbind did not hold: $(tr '\n' '|' < /tmp/hold.out)"
elif ! out=$(leave); then
	fail $t "$out"
else
	pass $t
fi
exec 7>&-
wait $hold
expect kmem-leave-migrated-data-intact "ok 8192 pages on node 1" "$(tail -n 1 /tmp/hold.out)" "dkmbind after the migration"

# Pages that cannot migrate (a pipe holds references to them, dkmbind
# pin): offlining retries until a signal, so leaving is interrupted after
# 5 s and refused, EBUSY, with nothing changed.  Once the program ends,
# leaving works.
t=kmem-leave-refused-while-pinned
rm -f /tmp/pin.in /tmp/pin.out
mkfifo /tmp/pin.in
pin=
if ! out=$(wr "$k" $KMEM/new_id); [ -n "$out" ]; then
	fail $t "new_id again: $out"
elif bad=$(online_all online_movable); [ -n "$bad" ]; then
	fail $t "could not online $bad"
else
	/tests/bin/dkmbind 1 4 pin < /tmp/pin.in > /tmp/pin.out 2>&1 &
	pin=$!
	exec 8> /tmp/pin.in
	bg_wait_for /tmp/pin.out held
	klog_mark $t
	timeout -s INT 5 sh -c "echo $k > $KMEM/remove_id" 2> /tmp/pin.err
	if ! grep -q held /tmp/pin.out; then
		fail $t "dkmbind did not pin: $(tr '\n' '|' < /tmp/pin.out)"
	elif [ "$(drv $k)" != kmem ] || [ "$(ram)" != 1 ] || [ "$(node_kb 1)" != $want_kb ] ||
		[ "$(count_state online)" != $nblocks ]; then
		fail $t "changed: driver '$(drv $k)', $(ram) RAM entries, node1 $(node_kb 1) kB, $(count_state online) blocks online"
	elif [ "$(klog_since $t | grep -c 'memory in use')" != 1 ]; then
		fail $t "want one 'memory in use' line: $(klog_since $t | grep -v daxkit-test | tr '\n' '|')"
	else
		pass $t
	fi
fi

t=kmem-leave-after-unpin
if [ -n "$pin" ]; then
	exec 8>&-
	wait $pin
fi
if [ "$(drv $k)" != kmem ]; then
	fail $t "not in system-ram mode to start with"
elif ! out=$(leave); then
	fail $t "after the pin ended: $out"
else
	pass $t
fi
expect kmem-pinned-data-intact "ok 1024 pages on node 1" "$(tail -n 1 /tmp/pin.out)" "dkmbind pin"

t=kmem-devdax-again
if ! out=$(wr "$k" $DEVDAX/bind); [ -n "$out" ]; then
	fail $t "bind to dax_dev: $out"
elif ! wait_for /dev/$k || ! out=$(/tests/bin/daxmap /dev/$k write $((16 * MB)) $((2 * MB)) 92 2>&1); then
	fail $t "/dev/$k after coming back: $out"
else
	pass $t
fi

# The same round trip with the tool, as a user would (daxctl's way: new_id,
# then online_movable to each block; back: offline, remove_id, bind).
jf() { sed -n "s/^ *\"$1\": //p" | sed 's/,$//; s/^"//; s/"$//'; }
t=kmem-tool-reconfigure-system-ram
if ! out=$(daxkit reconfigure-device -m system-ram $k 2>&1); then
	fail $t "exit $?: $(echo "$out" | tr '\n' '|')"
elif ! l=$(daxkit list -d $k 2>&1); then
	fail $t "daxkit list -d $k: $(echo "$l" | tr '\n' '|')"
else
	got="$(echo "$l" | jf mode) $(echo "$l" | jf online_memblocks) $(echo "$l" | jf total_memblocks) $(echo "$l" | jf movable) $(node_kb 1)"
	expect $t "system-ram $nblocks $nblocks true $want_kb" "$got" "mode, online and total blocks, movable, node1 kB"
fi
t=kmem-tool-reconfigure-devdax
if ! out=$(daxkit reconfigure-device -m devdax $k 2>&1); then
	fail $t "exit $?: $(echo "$out" | tr '\n' '|')"
else
	got="$(daxkit list -d $k | jf mode) $(drv $k) $(ram) $(node_kb 1)"
	expect $t "devdax dax_dev 0 0" "$got" "mode, driver, RAM entries, node1 kB"
fi

# Struct pages on the media (-M dev: an altmap in the namespace's
# reserve): lending unmaps them, taking the memory back maps them again
# from the same reserve, and the device maps and keeps data after.
ndctl destroy-namespace -f "$ns" > /dev/null 2>&1
t=kmem-altmap-round-trip
if ! out=$(ndctl create-namespace -m devdax -M dev -s $size -n daxkit-kmem-dev -r $NDR 2>&1); then
	fail $t "ndctl create-namespace -M dev: $(echo "$out" | tail -n 2 | tr '\n' '|')"
elif ! dx=$(nd_dax_of daxkit-kmem-dev) || ! k=$(daxkit_of "$dx") || ! wait_for /dev/$k; then
	fail $t "no daxkit device for daxkit-kmem-dev"
else
	ns=$(rd $ND/$dx/namespace)
	/tests/bin/daxmap /dev/$k write $((16 * MB)) $((2 * MB)) 921 > /dev/null 2>&1
	echo "$k" > $DEVDAX/unbind
	if ! out=$(wr "$k" $KMEM/new_id); [ -n "$out" ]; then
		fail $t "new_id: $out"
	elif [ "$(ram)" != 1 ]; then
		fail $t "$(ram) 'System RAM (daxkit)' entries after new_id"
	elif ! out=$(wr "$k" $KMEM/remove_id); [ -n "$out" ]; then
		fail $t "remove_id: $out"
	elif ! out=$(wr "$k" $DEVDAX/bind); [ -n "$out" ] || ! wait_for /dev/$k; then
		fail $t "back to dax_dev: $out"
	elif ! out=$(/tests/bin/daxmap /dev/$k write $((16 * MB)) $((2 * MB)) 922 2>&1) ||
		! out=$(/tests/bin/daxmap /dev/$k verify $((16 * MB)) $((2 * MB)) 922 2>&1); then
		fail $t "/dev/$k after the round trip: $out"
	else
		pass $t
	fi
fi

wr "$policy" $MEM/auto_online_blocks > /dev/null
ndctl destroy-namespace -f "$ns" > /dev/null 2>&1
modprobe -r dax_pmem
nd_down
exit 0
