# SPDX-License-Identifier: GPL-2.0
# What the demo shows: daxkit loaded over emulated pmem, a device mapped
# and used, its data still there after the stack is reloaded; then a
# devdax namespace served by daxkit and used by Debian 12's daxctl,
# pmempool and fio (tests/vm/clients.sh, over 9p).
. /tests/lib.sh

MB=1048576
echo "--- the guest's persistent memory: a memmap= range and an emulated NVDIMM"
modprobe nfit
sleep 1
grep -i persistent /proc/iomem
echo "--- daxkit modules load (dax_core, dax_dev, dax_pmem, as modprobe dax_pmem would)"
daxkit modules load && daxkit modules | grep -E '"(name|path|version|state|loaded_abi)"'
sleep 1
echo "--- daxkit list -R -D -u: the region and its device on the daxkit bus"
R=/sys/devices/platform/daxkit_pmem.0/daxkit_region
daxkit list -R -D -u
ls -l /dev/daxkit0.0
echo "--- daxkit disable-device, resize, create-device, then back: no sysfs by hand"
daxkit disable-device daxkit0.0 > /dev/null && daxkit resize daxkit0.0 -s 128m > /dev/null &&
	daxkit enable-device daxkit0.0 > /dev/null && daxkit create-device -r 0 -s 64m -a 4k
daxkit destroy-device daxkit0.1 -f > /dev/null && daxkit resize daxkit0.0 -s 256m -f > /dev/null
daxkit list
echo "--- map /dev/daxkit0.0, write 16 MiB at offset 64 MiB, read it back"
/tests/bin/daxmap /dev/daxkit0.0 write $((64 * MB)) $((16 * MB)) 2026
echo "--- faults for reading all 256 MiB (2 MiB device alignment: one PMD each)"
/tests/bin/daxmap /dev/daxkit0.0 faults $((256 * MB))
echo "--- smaps KernelPageSize of a mapping, kB"
/tests/bin/daxmap /dev/daxkit0.0 pagesize $((4 * MB))
echo "--- modprobe -r dax_pmem; modprobe dax_pmem; the data is still there"
modprobe -r dax_pmem && modprobe dax_pmem && sleep 1
/tests/bin/daxmap /dev/daxkit0.0 verify $((64 * MB)) $((16 * MB)) 2026
echo "--- ndctl create-namespace -m devdax: daxkit serves it, in class dax too"
nd_up && ndctl disable-region all > /dev/null 2>&1 && ndctl init-labels -f all > /dev/null 2>&1 &&
	ndctl enable-region all > /dev/null 2>&1
ndctl create-namespace -m devdax -s 128M -n demo -r $NDR | grep -E '"(dev|mode|size|chardev)"'
d=$(nd_dax_of demo)
echo "$d is bound to $(nd_driver $d); class dax: $(ls /sys/class/dax | tr '\n' ' ')"
v=$(view_of $d) && wait_for /dev/$v && ls -l /dev/$v /dev/$(daxkit_of $d)
if clients_up; then
	echo "--- daxctl list (Debian 12's daxctl)"
	cl daxctl list
	echo "--- pmempool create obj /dev/$v; pmempool check"
	cl pmempool create obj /dev/$v && cl pmempool check -v /dev/$v
	echo "--- fio's dev-dax engine: 64 MiB at 2 MiB, crc32c verified"
	cl fio --name=demo --ioengine=dev-dax --filename=/dev/$v --rw=write --bs=2m --size=64m \
		--thread --direct=0 --verify=crc32c --do_verify=1 --verify_fatal=1 \
		--verify_state_save=0 2>&1 | grep -E 'WRITE:|READ:|err='
	clients_down
fi
echo "--- system-ram mode: a namespace on NUMA node 1 (the NVDIMM's, no CPUs, no RAM)"
echo "    becomes System RAM of node 1, onlined movable; a program bound to node 1 uses it"
ndctl create-namespace -m devdax -M mem -s 384M -n demo-ram -r $NDR > /dev/null
kr=$(daxkit_of "$(nd_dax_of demo-ram)") && wait_for /dev/$kr
echo offline > /sys/devices/system/memory/auto_online_blocks
daxkit reconfigure-device -m system-ram $kr |
	grep -E '"(chardev|mode|target_node|online_memblocks|total_memblocks|movable)"'
grep 'System RAM (daxkit)' /proc/iomem
grep MemTotal /sys/devices/system/node/node1/meminfo
echo "dkmbind 1 64 (mbind to node 1, touch 64 MiB): $(/tests/bin/dkmbind 1 64)"
daxkit reconfigure-device -m devdax $kr | grep -E '"(chardev|mode)"'
echo "node1 after: $(grep MemTotal /sys/devices/system/node/node1/meminfo 2>/dev/null || echo gone)"
echo "--- daxkitfs, the reference filesystem on dax_fs_helper: dax_pmem fsdax=0 gives"
echo "    region 0 the pages fs/dax.c needs; mkfs.daxkitfs, mount -t daxkitfs"
modprobe -r dax_pmem && modprobe dax_pmem fsdax=0 && wait_for /dev/daxkit0.0
echo "daxkit_region/pages: $(cat $R/pages)"
mkdir -p /mnt/dkfs
mkfs.daxkitfs /dev/daxkit0.0 && mount -t daxkitfs /dev/daxkit0.0 /mnt/dkfs &&
	grep daxkitfs /proc/mounts
dd if=/dev/urandom of=/tmp/demo bs=1M count=8 2>/dev/null
mkdir /mnt/dkfs/docs && cp /tmp/demo /mnt/dkfs/docs/random && ln -s docs/random /mnt/dkfs/link &&
	truncate -s 64M /mnt/dkfs/big && ls -lR /mnt/dkfs | grep -v '^total'
echo "faults for storing to all 64 MiB of a mapped file (2 MiB extents: one PMD each):" \
	"$(/tests/bin/dkfsops map /mnt/dkfs/big $((64 * MB)))"
echo "FIEMAP extents of the 64 MiB file: $(/tests/bin/dkfsops fiemap /mnt/dkfs/big)"
umount /mnt/dkfs && fsck.daxkitfs -n /dev/daxkit0.0
mount -t daxkitfs /dev/daxkit0.0 /mnt/dkfs && cmp /tmp/demo /mnt/dkfs/link &&
	echo "after umount, fsck and mount again: docs/random is intact"
umount /mnt/dkfs
modprobe -r daxkitfs dax_fs_helper
echo "--- modprobe -r dax_pmem"
modprobe -r dax_pmem
echo "daxkit modules still loaded: $(grep -c '^\(dax_\(core\|dev\|pmem\|fs_helper\)\|daxkitfs\) ' /proc/modules)"
