# SPDX-License-Identifier: GPL-2.0
# A region stacked on a virtio-pmem namespace (issue 14, item 7).  The
# in-tree virtio_pmem driver makes a label-less namespace in a region that
# is not synchronous: the host makes writes durable only on a flush (an
# fsync of the block device).  MAP_SYNC cannot be honoured there and is
# refused with EOPNOTSUPP, one log line; plain shared mappings work and
# read back through the block device, whose fsync (the flush) works while
# the region holds it.  The legacy range, whose media is synchronous,
# still grants MAP_SYNC.  virtio_pmem is loaded only here (it binds the
# PCI device when loaded) and unloaded after, so no other test sees its
# region.  Where the kernel cannot stack on a namespace served with DAX
# (as t_72's fsdax one), the refusal is checked and a NOTE says why.
. /tests/lib.sh

MB=1048576
M=/tests/bin/daxmap

# virtio_blk: the pmem block device whose namespace virtio_pmem made.
virtio_blk() {
	local b
	for b in /sys/block/pmem*; do
		case $(readlink -f "$b") in
		*/virtio*) basename "$b"; return 0 ;;
		esac
	done
	return 1
}

# virtio_down: daxkit unloaded, the virtio device let go by virtio_pmem
# (its nvdimm bus pins the module while the device is bound), virtio_pmem
# unloaded, then the PCI transport where it is a module (6.12's is built
# in); the errors, if any, in /tmp/virtio-down.err.
virtio_down() {
	local d
	modprobe -r dax_pmem dax_dev dax_core 2>/dev/null
	{
		for d in /sys/bus/virtio/drivers/virtio_pmem/virtio*; do
			[ -e "$d" ] && echo "${d##*/}" > /sys/bus/virtio/drivers/virtio_pmem/unbind
		done
		modprobe -r virtio_pmem &&
			{ [ ! -f /sys/module/virtio_pci/refcnt ] || modprobe -r virtio_pci; }
	} > /tmp/virtio-down.err 2>&1
	nd_down
}

t=virtio-pmem-namespace
blk=
if modprobe nd_pmem && modprobe virtio_pci && modprobe virtio_pmem; then
	i=0
	while [ $i -lt 40 ] && ! blk=$(virtio_blk); do sleep 0.25; i=$((i + 1)); done
fi
if [ -z "$blk" ] || ! wait_for /dev/$blk; then
	fail $t "no pmem block device under a virtio device: $(ls /sys/block | tr '\n' ' ')"
	virtio_down; exit 0
fi
pass $t

modprobe dax_pmem
can=0
grep -q '^#define HAVE_FS_DAX_GET_BY_BDEV_HOLDER' /etc/daxkit-compat.h &&
	grep -q '^#define HAVE_PFN_T' /etc/daxkit-compat.h && can=1
if [ $can = 0 ]; then
	echo "NOTE: this kernel cannot stack on a pmem namespace served with DAX (fs_dax_get_by_bdev holder, pfn_t): virtio-pmem is one"
	t=virtio-pmem-stack-refused-here
	case $(stack_req /dev/$blk) in
	*'not supported'*) pass $t ;;
	*) fail $t "stacking /dev/$blk was not refused with EOPNOTSUPP" ;;
	esac
	virtio_down; exit 0
fi

t=virtio-pmem-stack
k=
if ! e=$(stack_req /dev/$blk); then
	fail $t "stack /dev/$blk: $e"
elif k=$(stacked_dev /dev/$blk) && [ -n "$k" ] && wait_for /dev/$k; then
	pass $t
else
	fail $t "no daxkit device listed for /dev/$blk: '$(rd $STACK_REQ)'"
	k=
fi

if [ -n "$k" ]; then
	t=item7-virtio-map-sync-refused
	klog_mark $t
	out=$($M /dev/$k refuse-map-sync $((2 * MB)) 2>&1)
	n=$(klog_since $t | grep -c "MAP_SYNC refused")
	if [ "$out" != ok ]; then
		fail $t "$out"
	elif [ "$n" != 1 ]; then
		fail $t "$n log lines for the refusal, want 1"
	else
		pass $t
	fi

	t=virtio-pmem-map-shared-reads-back
	if ! out=$($M /dev/$k write $((16 * MB)) $((8 * MB)) 74 2>&1); then
		fail $t "write through /dev/$k: $out"
	elif ! out=$($M /dev/$k verify $((16 * MB)) $((8 * MB)) 74 2>&1); then
		fail $t "read back through /dev/$k: $out"
	elif ! out=$($M /dev/$blk pread-verify $((16 * MB)) $((8 * MB)) 74 2>&1); then
		fail $t "/dev/$blk reads otherwise: $out"
	else
		pass $t
	fi

	# What a user does to make the writes durable: the block device's flush.
	t=virtio-pmem-fsync-block-device-while-stacked
	out=$($M /dev/$blk fsync 2>&1)
	[ "$out" = ok ] && pass $t || fail $t "$out"

	t=virtio-pmem-unstack-releases
	e=$(unstack_req /dev/$blk)
	if [ -n "$e" ]; then
		fail $t "unstack /dev/$blk: $e"
	elif [ -e /dev/$k ] || [ "$($M /dev/$blk excl)" != ok ]; then
		fail $t "/dev/$k still there or /dev/$blk still held"
	else
		pass $t
	fi
fi

# Synchronous media keep MAP_SYNC: the legacy range's device.
# Synchronous media keep MAP_SYNC: t_70's NVDIMM namespace daxkit-a (while
# libnvdimm is loaded the legacy range is not daxkit's).
t=item7-nvdimm-devdax-map-sync-still-accepted
out=
if ! nd_up || ! sk=$(daxkit_of "$(nd_dax_of daxkit-a)") || ! wait_for /dev/$sk; then
	fail $t "no daxkit device for daxkit-a"
elif out=$($M /dev/$sk map-sync 2>&1); then
	pass $t
else
	fail $t "/dev/$sk: $out"
fi

virtio_down
t=virtio-pmem-unloaded
if loaded virtio_pmem || loaded virtio_pci || virtio_blk > /dev/null; then
	fail $t "virtio_pmem or its block device is still there: $(tr '\n' '|' < /tmp/virtio-down.err) $(lsmod | grep -e virtio -e nd_ -e nvdimm | tr '\n' '|')"
else
	pass $t
fi
true
