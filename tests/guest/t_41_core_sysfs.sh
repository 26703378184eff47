# SPDX-License-Identifier: GPL-2.0
# The daxkit bus ABI through sysfs, on a test region of dax_core_test:
# every attribute read, create/resize/delete loops that leak nothing
# (Req-11), bad writes of every kind refused without a change or a log
# line (Req-29), names from the region id (Req-33), more than 256 devices
# at once with a minor each (Req-31), unload with devices present (Req-61).
. /tests/lib.sh

MB=1048576
REGION_MB=2048
R=/sys/devices/daxkit_test/daxkit_region
B=/sys/bus/daxkit/devices

modprobe dax_core || { fail core-sysfs "modprobe dax_core failed"; exit 0; }
if ! insmod /test/kmod/dax_core_test.ko selftest=0 region_mb=$REGION_MB region_id=99; then
	fail core-sysfs "insmod dax_core_test region_mb=$REGION_MB failed"
	modprobe -r dax_core
	exit 0
fi
full=$((REGION_MB * MB))

t=core-sysfs-region-attributes
got="id=$(rd $R/id) size=$(rd $R/size) align=$(rd $R/align) supported=$(rd $R/supported_alignments) avail=$(rd $R/available_size) seed=$(rd $R/seed) create=$(rd $R/create)"
sup="4096 2097152"
grep -qw pdpe1gb /proc/cpuinfo && grep -q 'daxkit.pud=1' /proc/cmdline && sup="$sup 1073741824"
want="id=99 size=$full align=2097152 supported=$sup avail=$full seed=daxkit99.0 create=daxkit99.0"
[ "$got" = "$want" ] && pass $t || fail $t "got '$got', want '$want'"

t=core-sysfs-device-attributes
D=$B/daxkit99.0
got="size=$(rd $D/size) align=$(rd $D/align) resource=$(rd $D/resource) target_node=$(rd $D/target_node) modalias=$(rd $D/modalias)"
want="size=0 align=2097152 resource=0x100000000000 target_node=-1 modalias=daxkit:t0"
numa=$(rd $D/numa_node)
if [ "$got" != "$want" ]; then
	fail $t "got '$got', want '$want'"
elif ! [ "$numa" -ge -1 ] 2>/dev/null; then
	fail $t "numa_node '$numa' is not a node number"
elif [ ! -c /dev/daxkit99.0 ]; then
	fail $t "no /dev/daxkit99.0"
else
	pass $t
fi

t=core-sysfs-resize-mapping
err=$(wr $((64 * MB)) $D/size)
m=$D/mapping0
if [ -n "$err" ]; then
	fail $t "size 64M: $err"
elif [ "$(rd $D/size)" != $((64 * MB)) ] || [ "$(rd $R/available_size)" != $((full - 64 * MB)) ]; then
	fail $t "size $(rd $D/size), available $(rd $R/available_size)"
elif [ "$(rd $m/start) $(rd $m/end) $(rd $m/page_offset)" != "0x100000000000 0x100003ffffff 0x0" ]; then
	fail $t "mapping0 says $(rd $m/start) $(rd $m/end) $(rd $m/page_offset)"
elif [ -n "$(wr 0 $D/size)" ] || [ -e $m ] || [ "$(rd $R/available_size)" != $full ]; then
	fail $t "shrinking to 0 left mapping0 or space behind"
else
	pass $t
fi

# Req-11, Req-33: 1000 rounds of create, size, shrink, delete; the same
# name each time, the region whole again after each, no duplicate name.
t=core-sysfs-create-delete-1000
klog_mark $t
i=0 why=
while [ $i -lt 1000 ]; do
	e=$(wr 1 $R/create) || true
	[ -z "$e" ] || { why="round $i: create: $e"; break; }
	n=$(rd $R/create)
	[ "$n" = daxkit99.1 ] || { why="round $i: created '$n', want daxkit99.1"; break; }
	e=$(wr $(( (i % 4 + 1) * 2 * MB )) $B/$n/size)
	[ -z "$e" ] || { why="round $i: size: $e"; break; }
	e=$(wr 0 $B/$n/size)
	[ -z "$e" ] || { why="round $i: size 0: $e"; break; }
	e=$(wr $n $R/delete)
	[ -z "$e" ] || { why="round $i: delete: $e"; break; }
	[ "$(rd $R/available_size)" = $full ] || { why="round $i: available $(rd $R/available_size)"; break; }
	i=$((i + 1))
done
if [ -n "$why" ]; then
	fail $t "$why"
elif [ -e $B/daxkit99.1 ]; then
	fail $t "daxkit99.1 still exists"
elif klog_since $t | grep -q 'duplicate'; then
	fail $t "sysfs reported a duplicate name"
else
	pass $t
fi

# Bad writes: refused with the right errno, nothing changes, no log line.
klog_mark core-sysfs-bad-writes
lines0=$(dmesg | wc -l)
wr $((4 * MB)) $D/size > /dev/null
bad() {	# NAME VALUE FILE ERRNO-TEXT
	local before_s before_a before_al e
	before_s=$(rd $D/size) before_a=$(rd $R/available_size) before_al=$(rd $D/align)
	e=$(wr "$2" "$3")
	if [ -z "$e" ]; then
		fail "core-sysfs-bad-$1" "'$2' > $(basename "$3") was accepted"
	elif ! echo "$e" | grep -q "$4"; then
		fail "core-sysfs-bad-$1" "'$2' > $(basename "$3"): '$e', want '$4'"
	elif [ "$(rd $D/size) $(rd $R/available_size) $(rd $D/align)" != "$before_s $before_a $before_al" ]; then
		fail "core-sysfs-bad-$1" "'$2' changed size/available/align"
	else
		pass "core-sysfs-bad-$1"
	fi
}
bad size-garbage garbage $D/size 'Invalid argument'
bad size-negative -1 $D/size 'Invalid argument'
bad size-overflow 99999999999999999999999 $D/size 'Numerical result out of range'
bad size-misaligned 4096 $D/size 'Invalid argument'
bad size-larger-than-region $((2 * full)) $D/size 'No space left on device'
bad align-garbage xyz $D/align 'Invalid argument'
bad align-unsupported 12345 $D/align 'Invalid argument'
bad align-4k-misaligned-size 8192 $D/align 'Invalid argument'
bad create-not-one 2 $R/create 'Invalid argument'
bad create-garbage abc $R/create 'Invalid argument'
bad delete-unknown daxkit99.77 $R/delete 'No such device or address'
bad delete-sized daxkit99.0 $R/delete 'Device or resource busy'
bad mapping-garbage zzz $D/mapping 'Invalid argument'
bad mapping-outside 0-1fffff $D/mapping 'Invalid argument'
bad mapping-taken 100000000000-1000001fffff $D/mapping 'Device or resource busy'
wr 0 $D/size > /dev/null
bad delete-device-0 daxkit99.0 $R/delete 'Device or resource busy'
lines1=$(dmesg | wc -l)
t=core-sysfs-bad-writes-log-nothing
[ $((lines1 - lines0)) = 0 ] && pass $t || fail $t "$((lines1 - lines0)) kernel-log lines: $(klog_since core-sysfs-bad-writes | tail -n 2 | tr '\n' '|')"

t=core-sysfs-align
if [ -n "$(wr 4096 $D/align)" ] || [ "$(rd $D/align)" != 4096 ]; then
	fail $t "align 4096 refused on an empty device"
elif [ -n "$(wr $((6 * MB + 4096)) $D/size)" ]; then
	fail $t "size 6M+4K refused at 4K alignment"
elif [ -z "$(wr 2097152 $D/align)" ]; then
	fail $t "a 6M+4K device took a 2M alignment"
elif [ -n "$(wr 0 $D/size)" ] || [ -n "$(wr 2097152 $D/align)" ] || [ "$(rd $D/align)" != 2097152 ]; then
	fail $t "align 2M refused on an empty device"
else
	pass $t
fi

# 1G alignment where the CPU has 1G pages (pdpe1gb) and the build maps
# device pages with pfn_t (daxkit.pud=1, from the suite: elsewhere pages
# are compound at the region's 2M), refused elsewhere; a 1G-aligned
# device gets 1G-aligned memory.
t=core-sysfs-align-1g
wr 1 $R/create > /dev/null
n=$(rd $R/create)
if grep -qw pdpe1gb /proc/cpuinfo && grep -q 'daxkit.pud=1' /proc/cmdline; then
	if [ -n "$(wr 1073741824 $B/$n/align)" ]; then
		fail $t "align 1G refused though the CPU has pdpe1gb"
	elif ! wr $((2 * MB)) $B/$n/size | grep -q 'Invalid argument'; then
		fail $t "a 1G-aligned device took a 2M size"
	else
		pass $t
	fi
else
	wr 1073741824 $B/$n/align | grep -q 'Invalid argument' && pass $t ||
		fail $t "align 1G accepted without pdpe1gb or pfn_t"
fi
wr $n $R/delete > /dev/null

# Req-31: more than 256 devices at once, each with its own minor.
t=core-sysfs-300-devices
i=0 why=
while [ $i -lt 300 ]; do
	e=$(wr 1 $R/create)
	[ -z "$e" ] || { why="device $i: $e"; break; }
	i=$((i + 1))
done
ndev=$(ls -d $B/daxkit99.* | wc -l)
nmin=$(ls -l /dev/ | grep ' daxkit99\.' | awk '{ print $5 $6 }' | sort -u | wc -l)
if [ -n "$why" ]; then
	fail $t "$why"
elif [ "$ndev" != 301 ] || [ "$nmin" != 301 ]; then
	fail $t "$ndev devices, $nmin distinct device numbers in /dev, want 301"
else
	pass $t
fi
for n in $(ls $B | grep '^daxkit99\.' | grep -v '^daxkit99\.0$'); do wr $n $R/delete > /dev/null; done
t=core-sysfs-300-devices-deleted
left=$(ls $B | grep -c '^daxkit99\.')
[ "$left" = 1 ] && [ "$(rd $R/available_size)" = $full ] && pass $t ||
	fail $t "$left devices left, available $(rd $R/available_size)"

# dax_dev does not bind to a device with no memory behind it.
t=core-sysfs-no-memory-no-bind
modprobe dax_dev
wr 1 $R/create > /dev/null
n=$(rd $R/create)
wr $((2 * MB)) $B/$n/size > /dev/null
e=$(wr $n /sys/bus/daxkit/drivers/dax_dev/bind)
if [ -z "$e" ] || [ -e $B/$n/driver ]; then
	fail $t "dax_dev bound $n, a device of a test region"
else
	pass $t
fi
modprobe -r dax_dev

# Unload with devices present: the region and its devices go.
wr 1 $R/create > /dev/null
wr $((2 * MB)) $B/$(rd $R/create)/size > /dev/null
t=core-sysfs-unload-with-devices
if rmmod dax_core_test && [ ! -e $B/daxkit99.0 ] && [ ! -e /sys/devices/daxkit_test ] &&
	modprobe -r dax_core && ! loaded dax_core; then
	pass $t
else
	fail $t "devices or the region outlived the module"
fi
