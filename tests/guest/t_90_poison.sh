# SPDX-License-Identifier: GPL-2.0
# Memory failure on a mapped daxkit page (Req-26, Req-35, Req-36): MADV_SOFT_OFFLINE
# is refused; MADV_HWPOISON finds the mapper through page->mapping and
# kills it with SIGBUS, BUS_MCEERR_AR and the mapping's size in
# si_addr_lsb; the kernel says "recovery action for dax page: Recovered"
# and survives.  Then (issue 4, item 4): the poisoned page is listed in the
# device's "poison" and never mapped again, nor is the 2M page around it,
# until clear_poison makes it usable again: zeros in the poisoned page, the
# rest of the data kept.  Bad clear_poison writes are refused, silently.
# The stack still unloads.
. /tests/lib.sh

MB=1048576
D=/dev/daxkit0.0
modprobe dax_pmem || { fail poison "modprobe dax_pmem failed"; exit 0; }
i=0
while [ $i -lt 20 ] && [ ! -c $D ]; do sleep 0.2; i=$((i + 1)); done
# Req-36: soft-offlining a ZONE_DEVICE page (it cannot be migrated) is
# refused, and the page stays mapped with its data.
t=dax-dev-req36-soft-offline-refused
if out=$(/tests/bin/daxmap $D soft-offline $((252 * MB)) $((2 * MB)) 2>&1); then
	pass $t
else
	fail $t "$out"
fi
S=/sys/bus/daxkit/devices/daxkit0.0
P=$((254 * MB))
/tests/bin/daxmap $D write $P $((2 * MB)) 90 > /dev/null
/tests/bin/daxmap $D write $((250 * MB)) $((2 * MB)) 91 > /dev/null
t=pmem-poison-none-listed
out=$(cat $S/poison)
[ -z "$out" ] && pass $t || fail $t "poison lists '$out' before any"
t=dax-dev-req26-req35-hwpoison-sigbus
klog_mark $t
if out=$(/tests/bin/daxmap $D poison $P $((2 * MB)) 2>&1); then
	if klog_since $t | grep -q 'recovery action for dax page: Recovered'; then
		pass $t
	else
		fail $t "no 'Recovered' in the kernel log: $(klog_since $t | grep -i 'memory failure' | head -n 2 | tr '\n' '|')"
	fi
else
	fail $t "$out"
fi
t=pmem-poison-listed
out=$(cat $S/poison)
[ "$out" = "$P 4096" ] && pass $t || fail $t "poison lists '$out', want '$P 4096'"
t=dax-dev-poisoned-page-not-mapped-again
out=$(/tests/bin/daxmap $D touch $P $((2 * MB)) 0 2>&1)
[ "$out" = "sigbus BUS_MCEERR_AR 12 +0" ] && pass $t || fail $t "a read of the poisoned page: $out"
t=dax-dev-poisoned-huge-page-refused
out=$(/tests/bin/daxmap $D touch $P $((2 * MB)) 8192 2>&1)
case $out in
"sigbus BUS_ADRERR "*" +0x2000") pass $t ;;
*) fail $t "a read of a healthy page in the poisoned 2M: $out" ;;
esac
# Bad writes: the right errno, no page changed, no log line.
klog_mark pmem-clear-poison-bad
lines0=$(dmesg | wc -l)
refused pmem-clear-poison-bad-garbage "zap" $S/clear_poison 'Invalid argument'
refused pmem-clear-poison-bad-one-word "$P" $S/clear_poison 'Invalid argument'
refused pmem-clear-poison-bad-three-words "$P 4096 4096" $S/clear_poison 'Invalid argument'
refused pmem-clear-poison-bad-unaligned-offset "$((P + 512)) 4096" $S/clear_poison 'Invalid argument'
refused pmem-clear-poison-bad-unaligned-length "$P 100" $S/clear_poison 'Invalid argument'
refused pmem-clear-poison-bad-zero-length "$P 0" $S/clear_poison 'Invalid argument'
refused pmem-clear-poison-bad-negative "-4096 4096" $S/clear_poison 'Invalid argument'
refused pmem-clear-poison-bad-past-the-end "$((256 * MB)) 4096" $S/clear_poison 'Numerical result out of range'
refused pmem-clear-poison-bad-overflow "$P 18446744073709547520" $S/clear_poison 'Numerical result out of range'
lines1=$(dmesg | wc -l)
t=pmem-clear-poison-bad-writes-log-nothing
[ $((lines1 - lines0)) = 0 ] && pass $t || fail $t "$((lines1 - lines0)) kernel-log lines"
t=pmem-clear-poison-bad-writes-clear-nothing
out=$(cat $S/poison)
[ "$out" = "$P 4096" ] && pass $t || fail $t "poison lists '$out' after the bad writes"
t=pmem-clear-poison-keeps-healthy-pages
e=$(wr "$((250 * MB)) $((2 * MB))" $S/clear_poison)
out=$(/tests/bin/daxmap $D verify $((250 * MB)) $((2 * MB)) 91 2>&1)
[ -z "$e" ] && [ "$out" = ok ] && pass $t || fail $t "clearing a healthy 2M: '$e', then: $out"
# Req-37: what a machine check would have done, the page out of the
# kernel's direct map (tests/kmod/daxkit_mce.ko); clearing must give the
# kernel its access back before it writes the zeros.
t=pmem-req37-clear-restores-direct-map
pfn=$((($(cat $S/resource) + P) / 4096))
mce=0
if [ ! -f /test/kmod/daxkit_mce.ko ]; then
	echo "NOTE: $t: no daxkit_mce.ko for this architecture; not tested"
elif e=$(insmod /test/kmod/daxkit_mce.ko pfn=$pfn 2>&1); then
	mce=1
else
	echo "NOTE: $t: set_mce_nospec() cannot be reached on this kernel ($e); not tested"
fi
t=pmem-clear-poison-usable-again
klog_mark $t
e=$(wr "$P $((2 * MB))" $S/clear_poison)
out=$(/tests/bin/daxmap $D verify $P $((2 * MB)) 90 0 2>&1)
if [ -n "$e" ]; then
	fail $t "clear_poison refused: $e"
elif [ -n "$(cat $S/poison)" ]; then
	fail $t "still listed: $(cat $S/poison)"
elif [ "$out" != ok ]; then
	fail $t "want zeros in the cleared page and the pattern around it: $out"
elif ! klog_since $t | grep -q 'daxkit0.0: poison cleared from 1 page(s)'; then
	fail $t "no 'poison cleared from 1 page(s)' line"
else
	pass $t
fi
if [ $mce = 1 ]; then
	t=pmem-req37-clear-restores-direct-map
	klog_mark $t
	rmmod daxkit_mce
	want=$(printf 'daxkit_mce: pfn %#x: direct map present' $pfn)
	klog_since $t | grep -q "$want" && pass $t ||
		fail $t "no '$want': $(klog_since $t | grep daxkit_mce | tr '\n' '|')"
fi
t=pmem-clear-poison-page-takes-data
out=$(/tests/bin/daxmap $D write $P $((2 * MB)) 92 2>&1)
[ "$out" = ok ] && pass $t || fail $t "$out"
# Req-38: a page's ->mapping outlives its last mapping, as rmap may still
# run: poison on a page that was mapped and unmapped again still finds the
# device's address_space (without it dax_lock_page() fails: "Failed").
t=dax-dev-req38-mapping-kept-after-unmap
Q=$((240 * MB))
/tests/bin/daxmap $D write $Q $((2 * MB)) 93 > /dev/null
pfn=$((($(cat $S/resource) + Q + 8192) / 4096))
# Where device memory is mapped as folios (no pfn_t), the kernel marks the
# head page of the 2M folio, not the page itself.
want=$Q
grep -q '^#define HAVE_PFN_T' /etc/daxkit-compat.h && want=$((Q + 8192))
klog_mark $t
if ! modprobe hwpoison_inject || ! echo $pfn > /sys/kernel/debug/hwpoison/corrupt-pfn; then
	fail $t "cannot inject poison at pfn $pfn"
elif ! klog_since $t | grep -q 'recovery action for dax page: Recovered'; then
	fail $t "not recovered: $(klog_since $t | grep -i 'memory failure' | tr '\n' '|')"
elif [ "$(cat $S/poison)" != "$want 4096" ]; then
	fail $t "poison lists '$(cat $S/poison)', want '$want 4096'"
else
	pass $t
fi
modprobe -r hwpoison_inject 2>/dev/null
wr "$Q $((2 * MB))" $S/clear_poison > /dev/null
t=pmem-poison-none-left
out=$(cat $S/poison)
[ -z "$out" ] && pass $t || fail $t "poison lists '$out' after clearing all"
t=dax-dev-unload-after-poison
modprobe -r dax_pmem && ! loaded dax_pmem && pass $t || fail $t "the stack did not unload after the poison"
true
