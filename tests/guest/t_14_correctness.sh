# SPDX-License-Identifier: GPL-2.0
# Issue 14 ("Correctness"): one test per item, named after it (item1-...,
# item2-...).  Each failed on the code before its fix, except where the
# comment says why it cannot be forced.  The guest log must stay clean
# (the host scans it), and the debug lane runs all of this under lockdep,
# KASAN, DEBUG_LIST and kmemleak.
. /tests/lib.sh

MB=1048576
B=/sys/bus/daxkit/devices
C=/tests/bin/daxcheck
M=/tests/bin/daxmap
DRV=/sys/bus/daxkit/drivers/dax_dev
TR=/sys/devices/daxkit_test/daxkit_region
LR=/sys/devices/platform/daxkit_pmem.0/daxkit_region
folios=0
pages_are_folios && folios=1

# ---- on a test region of dax_core_test (no memory behind it) ----
modprobe dax_core || { fail item14 "modprobe dax_core failed"; exit 0; }
if ! insmod /test/kmod/dax_core_test.ko selftest=0 region_mb=2048 region_id=98; then
	fail item14 "insmod dax_core_test failed"; modprobe -r dax_core; exit 0
fi
TR=/sys/devices/daxkit_test/daxkit_region
base=$(rd $B/daxkit98.0/resource)

# Item 1: "delete" of a device still being created (the next name is
# predictable) must find nothing until the device is added.
t=item1-create-delete-race
wr 1 $TR/create > /dev/null
minor0=$(rd $B/daxkit98.1/dev)
wr daxkit98.1 $TR/delete > /dev/null
# daxkit.rounds=N on the command line: the debug lane (KASAN, lockdep)
# runs fewer rounds; the code before the fix oopsed within a few hundred.
rounds=10000
for w in $(cat /proc/cmdline); do
	case $w in daxkit.rounds=*) rounds=${w#daxkit.rounds=} ;; esac
done
out=$($C race-create-delete $TR daxkit98 $rounds)
# What the deleter missed (a create that ran before an old id was freed).
for d in $(ls $B | grep '^daxkit98\.' | grep -v '^daxkit98\.0$'); do
	wr $d $TR/delete > /dev/null
done
left=$(ls $B | grep -c '^daxkit98\.')
wr 1 $TR/create > /dev/null
minor1=$(rd $B/daxkit98.1/dev)
wr daxkit98.1 $TR/delete > /dev/null
case $out in
"created $rounds deleted "*) ;;
*) out="bad run: $out" ;;
esac
if [ "${out#bad}" != "$out" ]; then
	fail $t "$out"
elif [ "$left" != 1 ]; then
	fail $t "$left daxkit98.* devices left after the race and deleting them, want 1: $(ls $B | grep daxkit98 | head -n 5 | tr '\n' ' ')"
elif [ -z "$minor0" ] || [ "$minor0" != "$minor1" ]; then
	fail $t "a fresh device got $minor1 after the race, $minor0 before: a minor leaked"
else
	pass $t
fi

# Item 10: a size write reads the alignment under the locks align_store
# takes.  A race: the old code checked the size against the alignment
# before locking, so an align write could slip between (not forced here).
t=item10-size-align-race
wr 1 $TR/create > /dev/null
D=$B/daxkit98.1
out=$($C race-size-align $D 5000)
case $out in
"violations 0 sizes "*) [ "${out#violations 0 sizes }" -gt 0 ] && pass $t ||
	fail $t "no size write succeeded: $out" ;;
*) fail $t "$out (a 4096-byte device with a 2M alignment)" ;;
esac
wr 0 $D/size > /dev/null
wr 2097152 $D/align > /dev/null

# Item 10: growth that runs out of aligned space part way gives back what
# it took.  Two 4K pieces at 2M and 6M leave 2G - 8K free, but only
# 2G - 4M of it in aligned 2M pieces: a 2G - 2M device cannot be made.
t=item10-enospc-rolled-back
wr 1 $TR/create > /dev/null
A=$B/daxkit98.2
wr 4096 $A/align > /dev/null
e1=$(wr "$(printf '%#x-%#x' $((base + 2 * MB)) $((base + 2 * MB + 4095)))" $A/mapping)
e2=$(wr "$(printf '%#x-%#x' $((base + 6 * MB)) $((base + 6 * MB + 4095)))" $A/mapping)
avail0=$(rd $TR/available_size)
e=$(wr $((2048 * MB - 2 * MB)) $D/size)
if [ -n "$e1$e2" ]; then
	fail $t "4K mappings refused: $e1 $e2"
elif [ -z "$e" ]; then
	fail $t "a 2G - 2M device was made in 2G - 4M of aligned space"
elif [ "$(rd $D/size)" != 0 ] || [ "$(rd $TR/available_size)" != "$avail0" ]; then
	fail $t "refused ($e) but size $(rd $D/size), available $(rd $TR/available_size) (was $avail0)"
else
	pass $t
fi

# Item 13: a mapping bound beyond 64 bits is refused, not wrapped: these
# wrap to the first 2M of the region, which is free.
t=item13-mapping-overflow-refused
big=$(printf '1%016x-1%016x' $base $((base + 2 * MB - 1)))
refused $t "$big" $D/mapping 'Invalid argument'
[ "$(rd $D/size)" = 0 ] || fail $t-nothing-changed "size $(rd $D/size) after '$big'"
t=item13-mapping-still-parsed
e=$(wr "$(printf '%x-%x' $base $((base + 2 * MB - 1)))" $D/mapping)
[ -z "$e" ] && [ "$(rd $D/size)" = $((2 * MB)) ] && pass $t ||
	fail $t "'base-end' without 0x: '$e', size $(rd $D/size)"

# Item 14: the modalias attribute says what the uevent says.
t=item14-modalias-matches-uevent
ue=$(sed -n 's/^MODALIAS=//p' $D/uevent)
ma=$(rd $D/modalias)
[ -n "$ue" ] && [ "$ue" = "$ma" ] && pass $t || fail $t "modalias '$ma', uevent MODALIAS '$ue'"

rmmod dax_core_test
modprobe -r dax_core

# ---- on the legacy range (256M at 1G) ----
if ! modprobe dax_pmem || ! wait_for /dev/daxkit0.0; then
	fail item14-legacy "modprobe dax_pmem gave no /dev/daxkit0.0"; nd_down; exit 0
fi

# Item 6: MAP_SHARED on an O_RDONLY fd clears VM_SHARED but not VM_MAYSHARE.
t=item6-readonly-shared-map
$M /dev/daxkit0.0 write 0 $((2 * MB)) 61 > /dev/null
want=$($M /dev/daxkit0.0 touch 0 $((2 * MB)) 0)
got=$($C ro-shared /dev/daxkit0.0 $((2 * MB)))
[ -n "$want" ] && [ "$got" = "$want" ] && pass $t || fail $t "O_RDONLY PROT_READ MAP_SHARED: '$got', want '$want'"

# Item 2: a file opened before an unbind survives a new binding; closing
# it must not release the new binding's cdev.
t=item2-rebind-with-fd-open
exec 3<> /dev/daxkit0.0
wr daxkit0.0 $DRV/unbind > /dev/null
wr daxkit0.0 $DRV/bind > /dev/null
exec 3>&-
if ! out=$($M /dev/daxkit0.0 write $((4 * MB)) $((2 * MB)) 62) ||
	! out=$($M /dev/daxkit0.0 verify $((4 * MB)) $((2 * MB)) 62); then
	fail $t "after the old fd closed: $out"
elif ! out=$($M /dev/daxkit0.0 write $((4 * MB)) $((2 * MB)) 63); then
	fail $t "a second open after the old fd closed: $out"
else
	pass $t
fi
exec 3< /dev/daxkit0.0
wr daxkit0.0 $DRV/unbind > /dev/null
exec 3<&-
wr daxkit0.0 $DRV/bind > /dev/null

# Item 9: poison is root's to read.
t=item9-poison-root-only
out=$($C as-nobody $B/daxkit0.0/poison)
ctl=$($C as-nobody $B/daxkit0.0/size)
if [ "$ctl" != ok ]; then
	fail $t "uid 65534 cannot read size either ($ctl): no check"
elif [ "$out" != EACCES ] || [ ! -r $B/daxkit0.0/poison ]; then
	fail $t "uid 65534 reading poison: $out, want EACCES"
else
	pass $t
fi

# Item 3: a device is dead until a driver binds it: no holder before.
t=item3-dead-until-bound
wr daxkit0.0 $DRV/unbind > /dev/null
wr $((128 * MB)) $B/daxkit0.0/size > /dev/null
wr 1 $LR/create > /dev/null
e=$(wr $((64 * MB)) $B/daxkit0.1/size)
if [ -n "$e" ] || [ "$(rd $B/daxkit0.1/size)" != $((64 * MB)) ]; then
	fail $t "daxkit0.1 could not be sized: $e"
elif insmod /test/kmod/daxkit_holder.ko parent=daxkit_pmem.0 dev=daxkit0.1 2> /tmp/holder.err; then
	fail $t "a holder took daxkit0.1 while no driver bound it"
	rmmod daxkit_holder
elif ! grep -q 'No such device or address' /tmp/holder.err; then
	fail $t "the holder was refused with '$(cat /tmp/holder.err)', want ENXIO"
elif ! wr daxkit0.1 $DRV/bind > /dev/null ||
	! insmod /test/kmod/daxkit_holder.ko parent=daxkit_pmem.0 dev=daxkit0.1; then
	fail $t "no holder once daxkit0.1 is bound"
else
	rmmod daxkit_holder
	pass $t
fi

# Item 11: where device pages are folios, compound at the region's 2M, a
# 4K device is carved in whole folios so that no folio (whose owner and
# index memory_failure() reads) is shared by two devices.
t=item11-folio-not-shared
wr daxkit0.1 $DRV/unbind > /dev/null
wr 0 $B/daxkit0.1/size > /dev/null
wr 4096 $B/daxkit0.1/align > /dev/null
e=$(wr 4096 $B/daxkit0.1/size)
e2=$(wr $((2 * MB)) $B/daxkit0.1/size)
start=$(rd $B/daxkit0.1/mapping0/start)
if [ -n "$e2" ]; then
	fail $t "a 2M device of 4K alignment refused: $e2"
elif [ $((start % (2 * MB))) != 0 ]; then
	fail $t "its range starts at $start, inside a 2M folio"
elif [ $folios = 1 ] && [ "${e#*Invalid argument}" = "$e" ]; then
	fail $t "a 4K size was '${e:-accepted}' where pages are 2M folios, want EINVAL"
elif [ $folios = 0 ] && [ -n "$e" ]; then
	fail $t "a 4K size was refused ($e) where pages are not folios"
else
	pass $t
fi
modprobe -r dax_pmem

# ---- on the 1G reserved at 4G (ranges=) ----
if ! modprobe dax_pmem ranges=1G@4G; then
	fail item14-ranges "modprobe dax_pmem ranges=1G@4G failed"; nd_down; exit 0
fi
k=$(dev_at 0x100000000)
K=$B/$k
# Item 9: a listing longer than a page says how much it left out.  300
# poisoned pages 2M apart (a folio's head each, where pages are folios),
# in pages mapped once so that memory_failure() finds their owner.
t=item9-poison-listing-not-truncated
n=300
$M /dev/$k faults $((n * 2 * MB)) > /dev/null
modprobe hwpoison_inject
i=0
while [ $i -lt $n ]; do
	echo $((0x100000 + i * 512)) > /sys/kernel/debug/hwpoison/corrupt-pfn 2>/dev/null
	i=$((i + 1))
done
lines=$(grep -c '^[0-9]* 4096$' $K/poison)
more=$(sed -n 's/^# \([0-9]*\) more runs not listed$/\1/p' $K/poison)
if [ "$((lines + ${more:-0}))" != $n ] || [ -z "$more" ]; then
	fail $t "$lines runs listed, '${more:-no}' more said, want $n in all and the rest said"
else
	pass $t
fi
wr "0 $((n * 2 * MB))" $K/clear_poison > /dev/null
t=item9-poison-cleared
[ -z "$(cat $K/poison)" ] && pass $t || fail $t "poison left: $(head -n 2 $K/poison | tr '\n' ' ')"
modprobe -r hwpoison_inject

# Item 8: giving back pages walks their struct pages in chunks that
# reschedule.  Not forceable at this size (a soft lockup takes terabytes);
# the figure is the unload of the largest region the VM has, all of it
# faulted (every page has an owner to clear).
t=item8-unload-1g-faulted
$M /dev/$k faults $((1024 * MB)) > /dev/null
t0=$(cut -d' ' -f1 /proc/uptime)
modprobe -r dax_pmem
t1=$(cut -d' ' -f1 /proc/uptime)
ms=$(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 1000 }')
echo "NOTE: $t: modprobe -r dax_pmem with a 1 GiB region, every page owned: $ms ms"
[ "$ms" -lt 60000 ] && pass $t || fail $t "unload took $ms ms"
nd_down
