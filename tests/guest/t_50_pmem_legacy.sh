# SPDX-License-Identifier: GPL-2.0
# dax_pmem over the memmap= legacy range (256 MiB at 1 GiB): it becomes a
# region with one device spanning it; a range another driver holds is
# skipped with one log line; a bad ranges= parameter fails the load with
# EINVAL and one log line; a device bound to dax_dev is busy.
. /tests/lib.sh

MB=1048576
P=/sys/devices/platform/daxkit_pmem.0
B=/sys/bus/daxkit/devices

t=pmem-legacy-region
if ! modprobe dax_pmem; then
	fail $t "modprobe dax_pmem failed"
else
	got="id=$(rd $P/daxkit_region/id) size=$(rd $P/daxkit_region/size) align=$(rd $P/daxkit_region/align) avail=$(rd $P/daxkit_region/available_size)"
	want="id=0 size=$((256 * MB)) align=2097152 avail=0"
	dev="size=$(rd $B/daxkit0.0/size) resource=$(rd $B/daxkit0.0/resource)"
	if [ "$got" != "$want" ]; then
		fail $t "region: got '$got', want '$want'"
	elif [ "$dev" != "size=$((256 * MB)) resource=0x40000000" ]; then
		fail $t "device daxkit0.0: $dev"
	elif ! grep -q '^  40000000-4fffffff : daxkit$' /proc/iomem; then
		fail $t "no daxkit claim under the legacy range in /proc/iomem"
	else
		pass $t
	fi
fi

t=pmem-bound-device-busy
if [ ! -e $B/daxkit0.0/driver ]; then
	fail $t "dax_dev did not bind daxkit0.0"
elif ! wr 0 $B/daxkit0.0/size | grep -q 'Device or resource busy'; then
	fail $t "a bound device was resized"
elif ! wr 4096 $B/daxkit0.0/align | grep -q 'Device or resource busy'; then
	fail $t "a bound device was realigned"
else
	pass $t
fi
modprobe -r dax_pmem

t=pmem-legacy-reload-3x
i=0 why=
while [ $i -lt 3 ]; do
	modprobe dax_pmem || { why="load $i failed"; break; }
	[ "$(rd $B/daxkit0.0/size)" = $((256 * MB)) ] || { why="load $i: no 256M daxkit0.0"; break; }
	modprobe -r dax_pmem || { why="unload $i failed"; break; }
	grep -q ': daxkit$' /proc/iomem && { why="unload $i left the claim in /proc/iomem"; break; }
	i=$((i + 1))
done
[ -z "$why" ] && pass $t || fail $t "$why"

t=pmem-bad-ranges-param
klog_mark $t
for v in garbage 1M@ 0@1G 4097@8G 256M@1G,x; do
	if modprobe dax_pmem ranges=$v 2>/dev/null; then
		fail $t "ranges=$v was accepted"; modprobe -r dax_pmem; continue 2
	fi
done
n=$(klog_since $t | grep -c 'dax_pmem: ranges=')
loaded dax_pmem && fail $t "dax_pmem loaded" ||
	{ [ "$n" = 5 ] && pass $t || fail $t "$n log lines for 5 bad values, want one each"; }
t=pmem-ranges-param-ram-refused
modprobe dax_pmem ranges=2M@16M 2>/dev/null && { fail $t "system RAM accepted"; modprobe -r dax_pmem; } || pass $t
modprobe -r dax_dev dax_core 2>/dev/null

# The in-tree stack holds the range: nd_e820 + nd_pmem make a pmemN over
# it (pmem0, or pmem1 where the in-tree hmem took memregion id 0 for the
# soft-reserved range: 5.10 and 6.1).
t=pmem-held-range-skipped
klog_mark $t
modprobe nd_e820 && modprobe nd_pmem
i=0 pm=
while [ $i -lt 20 ] && [ -z "$pm" ]; do
	for b in /dev/pmem[0-9]*; do [ -b "$b" ] && pm=$b && break; done
	[ -n "$pm" ] || sleep 0.5
	i=$((i + 1))
done
if [ -z "$pm" ]; then
	fail $t "the in-tree stack made no /dev/pmemN over the legacy range"
elif ! modprobe dax_pmem; then
	fail $t "modprobe dax_pmem failed"
else
	n=$(klog_since $t | grep -c 'is held by another driver; skipping it')
	if [ -e $B/daxkit0.0 ]; then
		fail $t "daxkit took the range $pm holds"
	elif [ "$n" != 1 ]; then
		fail $t "$n log lines about the held range, want 1"
	elif [ ! -b $pm ]; then
		fail $t "$pm vanished"
	else
		pass $t
	fi
	modprobe -r dax_pmem
fi
modprobe -r nd_pmem nd_e820 2>/dev/null || true
