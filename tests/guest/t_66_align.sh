# SPDX-License-Identifier: GPL-2.0
# One 1 GiB device at 4K, 2M and 1G alignment, over a range named with
# dax_pmem's ranges= parameter (the boot reserves it with memmap=1G$4G, so
# only the parameter serves it): the mmap matrix (Req-18), fault size and
# count (Req-20), smaps (Req-24), splits refused (Req-19), a fork child
# sharing a 1G mapping (Req-22), and what one alignment wrote read back
# through the others (Req-21: every offset is the media, at every size).
# 1G: where the build has pfn_t (device pages need not be compound) and
# the CPU has 1 GiB pages (daxkit.pud=1 from the suite, pdpe1gb here);
# elsewhere a 1G alignment must be refused.
. /tests/lib.sh

MB=1048576
GB=$((1024 * MB))
B=/sys/bus/daxkit/devices
M=/tests/bin/daxmap

t=pmem-ranges-param-served
if ! modprobe dax_pmem ranges=1G@4G; then
	fail $t "modprobe dax_pmem ranges=1G@4G failed"
	exit 0
fi
dev=$(dev_at 0x100000000)
R=$(region_of $dev)
if [ -z "$dev" ]; then
	fail $t "no device at 0x100000000: $(ls $B)"; modprobe -r dax_pmem; exit 0
elif [ "$(rd $B/$dev/size) $(rd $R/size)" != "$GB $GB" ]; then
	fail $t "device $dev size $(rd $B/$dev/size), region size $(rd $R/size), want $GB"
elif ! grep -q '^  100000000-13fffffff : daxkit$' /proc/iomem; then
	fail $t "no daxkit claim of 100000000-13fffffff in /proc/iomem"
else
	pass $t
fi
D=/dev/$dev

# realign A: unbind, set the alignment, bind again.
realign() {
	echo $dev > /sys/bus/daxkit/drivers/dax_dev/unbind &&
		echo "$1" > $B/$dev/align &&
		echo $dev > /sys/bus/daxkit/drivers/dax_dev/bind &&
		[ "$(rd $B/$dev/align)" = "$1" ] && [ -c $D ]
}

# --- 2M, the region's alignment ---
n=$($M $D faults $GB)
expect dax-dev-req20-2m-faults-per-gib 512 "$n" "faults to read 1 GiB at 2M"
echo "measured: reading 1 GiB of a 2 MiB-aligned daxkit device took $n faults" > /dev/kmsg
check dax-dev-req18-2m-matrix $M $D matrix $((2 * MB)) $GB
check dax-dev-req21-2m-write-whole-device $M $D write 0 $GB 21

# --- 1G ---
pud=0
grep -q 'daxkit.pud=1' /proc/cmdline && grep -qw pdpe1gb /proc/cpuinfo && pud=1
sup=$(rd $R/supported_alignments)
if [ $pud = 1 ]; then
	t=dax-dev-req20-1g-offered
	case " $sup " in
	*" $GB "*) realign $GB && pass $t || fail $t "could not set align $GB" ;;
	*) fail $t "supported_alignments '$sup' lacks $GB" ;;
	esac
	check dax-dev-req21-1g-reads-2m-data $M $D verify 0 $GB 21
	n=$($M $D faults $GB)
	expect dax-dev-req20-1g-faults-per-gib 1 "$n" "faults to read 1 GiB at 1G"
	echo "measured: reading 1 GiB of a 1 GiB-aligned daxkit device took $n faults" > /dev/kmsg
	n=$($M $D pagesize $GB)
	expect dax-dev-req24-1g-smaps-pagesize 1048576 "$n" "smaps KernelPageSize, kB"
	check dax-dev-req18-1g-matrix $M $D matrix $GB $GB
	check dax-dev-req19-1g-split-2m-refused $M $D split $GB $((2 * MB))
	check dax-dev-req22-1g-fork-child-shares $M $D fork-share $GB
	check dax-dev-req21-1g-write-whole-device $M $D write 0 $GB 37
	seed=37
else
	t=dax-dev-req20-1g-refused-here
	case " $sup " in
	*" $GB "*) fail $t "supported_alignments '$sup' offers $GB where it cannot be served" ;;
	*)
		echo $dev > /sys/bus/daxkit/drivers/dax_dev/unbind
		if wr $GB $B/$dev/align | grep -q 'Invalid argument'; then pass $t; else
			fail $t "align $GB was not refused with EINVAL"; fi
		echo $dev > /sys/bus/daxkit/drivers/dax_dev/bind
		echo "NOTE: no 1G faults here (daxkit.pud, pdpe1gb: $(grep -o 'daxkit.pud=[01]' /proc/cmdline), $(grep -cw pdpe1gb /proc/cpuinfo))" > /dev/kmsg
		;;
	esac
	seed=21
fi

# An alignment larger than the region (the legacy 256 MiB one) is neither
# offered nor taken: such a device could never be sized.
t=dax-dev-align-larger-than-region-refused
l=$(dev_at 0x40000000)
LR=$(region_of $l)
sup0=$(rd $LR/supported_alignments)
echo $l > /sys/bus/daxkit/drivers/dax_dev/unbind
e=$(wr $GB $B/$l/align)
echo $l > /sys/bus/daxkit/drivers/dax_dev/bind
if [ -z "$l" ] || [ "$(rd $B/$l/size)" != $((256 * MB)) ]; then
	fail $t "no 256M legacy device at 0x40000000"
elif [ "${sup0%$GB}" != "$sup0" ]; then
	fail $t "supported_alignments of a 256M region: '$sup0'"
elif [ "${e#*Invalid argument}" = "$e" ]; then
	fail $t "align 1G on a 256M region: '${e:-accepted}'"
else
	pass $t
fi

# --- 4K ---
t=dax-dev-4k-realign
realign 4096 && pass $t || fail $t "could not set align 4096"
check dax-dev-req21-4k-reads-data $M $D verify 0 $((256 * MB)) $seed
n=$($M $D faults $((256 * MB)))
expect dax-dev-req20-4k-faults-per-256m 65536 "$n" "faults to read 256 MiB at 4K"
n=$($M $D pagesize $((2 * MB)))
expect dax-dev-req24-4k-smaps-pagesize 4 "$n" "smaps KernelPageSize, kB"
check dax-dev-req18-4k-matrix $M $D matrix 4096 $GB

# Req-25: stores through PTEs and an unmap that finds the pages dirty run
# the device inode's no-op dirtying, never fs/buffer.c's (a WARNING).
t=dax-dev-req25-dirty-unmap-no-warning
klog_mark $t
if ! out=$($M $D dirty-unmap $((64 * MB))); then
	fail $t "$out"
elif klog_since $t | grep -q -e 'WARNING:' -e 'BUG:'; then
	fail $t "$(klog_since $t | grep -m1 -e 'WARNING:' -e 'BUG:')"
else
	pass $t
fi

t=pmem-ranges-param-released
modprobe -r dax_pmem
if grep -q ': daxkit$' /proc/iomem; then
	fail $t "a daxkit claim is left in /proc/iomem"
else
	pass $t
fi
modprobe -r dax_dev dax_core
true
