# SPDX-License-Identifier: GPL-2.0
# /dev/daxkit0.0 over the memmap= range (256 MiB, 2 MiB alignment):
# mapped and used, with device-dax's rules; its data survives unload and
# reload; unbind with a live mapping gives the mapper SIGBUS.
. /tests/lib.sh

MB=1048576
D=/dev/daxkit0.0
M=/tests/bin/daxmap

modprobe dax_pmem || { fail dax-dev "modprobe dax_pmem failed"; exit 0; }
i=0
while [ $i -lt 20 ] && [ ! -c $D ]; do sleep 0.2; i=$((i + 1)); done

check dax-dev-map-write-read $M $D write $((8 * MB)) $((16 * MB)) 7
check dax-dev-req18-private-refused $M $D refuse-private
check dax-dev-req18-unaligned-refused $M $D refuse-unaligned $((2 * MB))
check dax-dev-req23-map-sync $M $D map-sync
check dax-dev-req19-misaligned-split-refused $M $D split $((2 * MB))
check dax-dev-req22-fork-child-shares $M $D fork-share $((2 * MB))

# read(2)/write(2)/fsync(2) of the node (what mkfs.daxkitfs uses): what
# write(2) wrote a mapping reads, what a mapping wrote read(2) reads (also
# from an unaligned offset, across pages); writing at the end is ENOSPC,
# reading there gives 0 bytes.
t=dax-dev-read-write
bad=
out=$($M $D pwrite $((2 * MB)) $((2 * MB)) 61 2>&1) || bad="$bad pwrite: $out;"
out=$($M $D verify $((2 * MB)) $((2 * MB)) 61 2>&1) || bad="$bad map verify: $out;"
out=$($M $D write $((4 * MB)) $((4 * MB)) 62 2>&1) || bad="$bad map write: $out;"
out=$($M $D pread-verify $((4 * MB)) $((4 * MB)) 62 2>&1) || bad="$bad pread-verify: $out;"
dd if=$D of=/tmp/rw.a bs=4096 skip=$((4 * MB / 4096)) count=16 2>/dev/null
dd if=$D of=/tmp/rw.b bs=1 skip=$((4 * MB + 100)) count=$((16 * 4096 - 100)) 2>/dev/null
tail -c +101 /tmp/rw.a > /tmp/rw.c
[ -s /tmp/rw.b ] && cmp -s /tmp/rw.c /tmp/rw.b || bad="$bad unaligned read differs;"
rm -f /tmp/rw.a /tmp/rw.b /tmp/rw.c
sz=$((256 * MB))
out=$(printf x | dd of=$D bs=1 seek=$sz conv=notrunc 2>&1) && bad="$bad write at the end worked;"
case $out in *"No space left"*) ;; *) bad="$bad write at the end: '$out';" ;; esac
n=$(dd if=$D bs=4096 skip=$((sz / 4096)) 2>/dev/null | wc -c)
[ "$n" = 0 ] || bad="$bad read at the end gave $n bytes;"
[ -z "$bad" ] && pass $t || fail $t "${bad% }"

t=dax-dev-req20-fault-count
n=$($M $D faults $((256 * MB)))
[ "$n" = 128 ] && pass $t || fail $t "reading 256M on a 2M device took '$n' faults, want 128"
echo "measured: reading 256 MiB of a 2 MiB-aligned daxkit device took $n faults" > /dev/kmsg

t=dax-dev-req24-smaps-pagesize
n=$($M $D pagesize $((4 * MB)))
[ "$n" = 2048 ] && pass $t || fail $t "smaps KernelPageSize '$n' kB, want 2048"

# Req-29: a burst of refused mmaps logs at most the ratelimit's burst (10).
t=dax-dev-req29-refusals-ratelimited
klog_mark $t
out=$($M $D refuse-private $((2 * MB)) 200)
n=$(klog_since $t | grep -c 'private mapping refused')
if [ "$out" != ok ]; then
	fail $t "$out"
elif [ "$n" -lt 1 ] || [ "$n" -gt 10 ]; then
	fail $t "$n log lines for 200 refused mmaps, want 1 to 10"
else
	pass $t
fi

# Req-16: the fault path may sleep (SRCU, not RCU); on a kernel with the
# sleep-in-atomic and RCU checkers (the debug lane) faults of every kind
# leave no report.  Elsewhere the checkers are absent: no result.
if [ -e /proc/lockdep ]; then
	t=dax-dev-req16-fault-may-sleep
	klog_mark $t
	$M $D storm $((8 * MB)) $((2 * MB)) 2 > /dev/null 2>&1 &
	pid=$!
	$M $D faults $((32 * MB)) > /dev/null
	sleep 3
	kill $pid
	wait $pid
	bad=$(klog_since $t | grep -m1 -e 'BUG: sleeping function' -e 'suspicious RCU usage' \
		-e 'WARNING:' -e 'BUG:')
	[ -z "$bad" ] && pass $t || fail $t "$bad"
fi

# Issue 4: the data written before an unload is there after a reload.
t=pmem-data-survives-reload
$M $D write $((64 * MB)) $((4 * MB)) 42 > /dev/null
modprobe -r dax_pmem && modprobe dax_pmem
i=0
while [ $i -lt 20 ] && [ ! -c $D ]; do sleep 0.2; i=$((i + 1)); done
check $t $M $D verify $((64 * MB)) $((4 * MB)) 42

# Req-06, Req-61: unbind while a process touches the mapping in a loop.
t=dax-dev-req61-unbind-while-mapped
$M $D touch-loop $((4 * MB)) > /tmp/loop.out 2>&1 &
pid=$!
i=0
while [ $i -lt 50 ] && ! grep -q mapped /tmp/loop.out; do sleep 0.1; i=$((i + 1)); done
echo daxkit0.0 > /sys/bus/daxkit/drivers/dax_dev/unbind
i=0
while [ $i -lt 50 ] && kill -0 $pid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
	kill -9 $pid
	fail $t "the mapper kept running after unbind"
elif ! grep -q 'ok: SIGBUS' /tmp/loop.out; then
	fail $t "$(cat /tmp/loop.out)"
else
	pass $t
fi
wait $pid 2>/dev/null
t=dax-dev-rebind-after-unbind
echo daxkit0.0 > /sys/bus/daxkit/drivers/dax_dev/bind
check $t $M $D verify $((64 * MB)) $((4 * MB)) 42

# Req-17: a file opened while the device was enabled cannot map it once
# it is unbound (ENXIO); bound again, it can.
t=dax-dev-req17-mmap-after-unbind-refused
rm -f /tmp/cue /tmp/cue.out
mkfifo /tmp/cue
$M $D map-on-cue $((2 * MB)) < /tmp/cue > /tmp/cue.out 2>&1 &
pid=$!
exec 4> /tmp/cue
i=0
while [ $i -lt 50 ] && ! grep -q open /tmp/cue.out; do sleep 0.1; i=$((i + 1)); done
echo daxkit0.0 > /sys/bus/daxkit/drivers/dax_dev/unbind
echo go >&4
exec 4>&-
wait $pid
got=$(tail -n 1 /tmp/cue.out)
echo daxkit0.0 > /sys/bus/daxkit/drivers/dax_dev/bind
if [ "$got" != ENXIO ]; then
	fail $t "mmap after unbind: '$got', want ENXIO"
elif ! out=$($M $D verify $((64 * MB)) $((4 * MB)) 42); then
	fail $t "bound again: $out"
else
	pass $t
fi
modprobe -r dax_pmem

# Req-07, Req-32: an open fd keeps the device object (its embedded cdev's
# kobject holds it) alive past the provider's
# unload; closing it afterwards is clean (no splat), and dax_dev, whose
# fops the fd uses, unloads after the close.
t=dax-dev-req07-req32-open-fd-outlives-unload
modprobe dax_pmem
i=0
while [ $i -lt 20 ] && [ ! -c $D ]; do sleep 0.2; i=$((i + 1)); done
( exec 3<> $D; echo open > /tmp/fd.out; sleep 2 ) &
holder=$!
i=0
while [ $i -lt 20 ] && [ ! -s /tmp/fd.out ]; do sleep 0.1; i=$((i + 1)); done
rmmod dax_pmem
if loaded dax_pmem; then
	fail $t "dax_pmem did not unload with the fd open"
elif ! loaded dax_dev; then
	fail $t "dax_dev unloaded while its fops were in use"
else
	wait $holder
	if modprobe -r dax_dev dax_core && ! loaded dax_dev; then
		pass $t
	else
		fail $t "dax_dev did not unload after the fd was closed"
	fi
fi
true
