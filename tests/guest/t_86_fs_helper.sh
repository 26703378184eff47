# SPDX-License-Identifier: GPL-2.0
# dax_fs_helper (issue 16): its KTAP self-test (tests/kmod/dax_fs_selftest.c)
# on the legacy range served with fsdax pages (dax_pmem fsdax=0), where the
# 1 GiB ranges= region, served without them, must be refused (t_69 runs it
# on an NVDIMM namespace).  Each KTAP result becomes a RESULT line; the
# plan must match.  The kernel's fs_dax tracepoints show what fsync wrote
# back: exactly the entries the test dirtied (Req-54, Req-56).
. /tests/lib.sh

T=/sys/kernel/debug/tracing
[ -d $T/events ] || T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

# fsdax= names region ids: anything else fails the load, with one line.
t=fs-helper-fsdax-param-refused
bad=
for v in -1 100000 x; do
	klog_mark "$t$v"
	if modprobe dax_pmem fsdax=$v 2>/dev/null; then
		bad="$bad fsdax=$v loaded;"
		modprobe -r dax_pmem
	elif [ "$v" != x ] && [ "$(klog_since "$t$v" | grep -c 'fsdax= refused')" != 1 ]; then
		bad="$bad fsdax=$v: not one 'fsdax= refused' line;"
	fi
done
loaded dax_pmem && bad="$bad dax_pmem left loaded;"
[ -z "$bad" ] && pass $t || fail $t "${bad% }"
modprobe -r dax_dev dax_core 2>/dev/null

t=fs-helper-load
if ! modprobe dax_pmem fsdax=0 ranges=0x40000000@0x100000000 || ! wait_for /dev/daxkit0.0; then
	fail $t "modprobe dax_pmem fsdax=0 failed: $(dmesg | tail -n 3 | tr '\n' '|')"
	modprobe -r dax_pmem
	exit 0
fi
R0=/sys/devices/platform/daxkit_pmem.0/daxkit_region/pages
case $(rd $R0) in
fsdax) pass fs-helper-region-pages-fsdax ;;
*) fail fs-helper-region-pages-fsdax "region 0 shows '$(rd $R0)'" ;;
esac
if ! modprobe dax_fs_helper; then
	fail $t "modprobe dax_fs_helper failed"
	modprobe -r dax_pmem
	exit 0
fi
pass $t

ev=$T/events/fs_dax/dax_writeback_one
trace=no
if [ -f $ev/enable ]; then
	echo > $T/trace
	echo 1 > $ev/enable && trace=yes
fi
fs_selftest fs-selftest dev=daxkit0.0 devdax=daxkit16.0
[ $trace = yes ] && echo 0 > $ev/enable

# What fsync wrote back, as fs/dax.c traced it: the 4K entry at page 1 and
# the 2M entry at page 0x200, then page 1 again after the second store,
# then page 2, which the MAP_SYNC store dirtied.
t=fs-fsync-wrote-back-exactly-the-dirty-entries
if [ $trace != yes ]; then
	echo "NOTE: $t: no fs_dax tracepoints in this kernel"
else
	got=$(grep -o 'pgoff 0x[0-9a-f]* pglen 0x[0-9a-f]*' $T/trace | tr '\n' ',')
	want='pgoff 0x1 pglen 0x1,pgoff 0x200 pglen 0x200,pgoff 0x1 pglen 0x1,pgoff 0x2 pglen 0x1,'
	if [ "$got" = "$want" ]; then
		pass $t
	else
		fail $t "traced writebacks '$got', want '$want'"
	fi
fi

# The device is free again after rmmod: the node opens.
rmmod dax_fs_selftest
t=fs-helper-device-free-after-put
if exec 3<>/dev/daxkit0.0; then
	exec 3>&-
	pass $t
else
	fail $t "/dev/daxkit0.0 does not open after the test let it go"
fi
# With no filesystem holding it, the node maps an fsdax region's device,
# except where device memory is mapped as folios: fsdax pages are fs/dax.c's
# there (6.17 and newer), and mmap says ENODEV.
t=fs-helper-fsdax-device-node-mapping
if pages_are_folios; then
	if out=$(/tests/bin/daxmap /dev/daxkit0.0 write $((4 << 20)) $((2 << 20)) 86 2>&1); then
		fail $t "mmap of an fsdax region's node worked on a folio kernel"
	else
		case $out in
		*"No such device"*) pass $t ;;
		*) fail $t "mmap refused with '$out', want ENODEV" ;;
		esac
	fi
elif out=$(/tests/bin/daxmap /dev/daxkit0.0 write $((4 << 20)) $((2 << 20)) 86 2>&1) &&
	out=$(/tests/bin/daxmap /dev/daxkit0.0 verify $((4 << 20)) $((2 << 20)) 86 2>&1); then
	pass $t
else
	fail $t "/dev/daxkit0.0: $out"
fi
modprobe -r dax_fs_helper dax_pmem
if loaded dax_pmem || loaded dax_fs_helper; then
	fail fs-helper-unload "daxkit modules still loaded"
else
	pass fs-helper-unload
fi
