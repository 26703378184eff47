# SPDX-License-Identifier: GPL-2.0
# Mode "package": the guest boots with only the modules the daxkit-dkms
# package made DKMS install (under updates/dkms), next to the kernel's own
# dax_pmem, as on a user's machine after `apt install daxkit-dkms`, and
# with daxkit-tools's mkfs.daxkitfs and fsck.daxkitfs in /usr/sbin.
. /tests/lib.sh

MB=1048576
kver=$(uname -r)

t=pkg-dax_pmem-shadows-in-tree
intree=$(find /lib/modules/$kver/kernel -name 'dax_pmem.ko*' | head -n 1)
path=$(modinfo -n dax_pmem 2>&1)
case $path in
*/updates/dkms/dax_pmem.ko*)
	if [ -n "$intree" ]; then pass $t; else fail $t "the kernel's own dax_pmem is not in the image"; fi ;;
*) fail $t "modprobe would load '$path', not the package's" ;;
esac

t=pkg-modprobe-dax_pmem
if ! out=$(modprobe dax_pmem 2>&1); then
	fail $t "modprobe dax_pmem: $out"
elif ! loaded dax_core || ! loaded dax_dev || ! loaded dax_pmem; then
	fail $t "loaded: $(grep -o '^dax_[a-z_]*' /proc/modules | tr '\n' ' ')"
else
	bad=
	for m in dax_core dax_dev dax_pmem; do
		v=$(cat /sys/module/$m/version 2>/dev/null)
		[ "$v" = "$(expected_version $m)" ] || bad="$bad $m=$v"
	done
	if [ -n "$bad" ]; then fail $t "wrong versions loaded:$bad"; else pass $t; fi
fi

t=pkg-device-mapped-and-used
sleep 1
if [ ! -c /dev/daxkit0.0 ]; then
	fail $t "no /dev/daxkit0.0"
elif ! out=$(/tests/bin/daxmap /dev/daxkit0.0 write $((8 * MB)) $((2 * MB)) 77 2>&1) ||
	! out=$(/tests/bin/daxmap /dev/daxkit0.0 verify $((8 * MB)) $((2 * MB)) 77 2>&1); then
	fail $t "$out"
else
	pass $t
fi

t=pkg-modprobe-r-unloads
modprobe -r dax_pmem dax_dev dax_core 2>/dev/null
if loaded dax_pmem || loaded dax_dev || loaded dax_core; then
	fail $t "still loaded: $(grep -o '^dax_[a-z_]*' /proc/modules | tr '\n' ' ')"
else
	pass $t
fi

# daxkitfs, as DKMS installed it, with the package's mkfs and fsck: mount
# loads the module (its fs-daxkitfs alias), the data survive a remount,
# fsck finds nothing, and it all unloads.
D=/dev/daxkit0.0
M=/mnt/dkfs
MKFS=/usr/sbin/mkfs.daxkitfs
FSCK=/usr/sbin/fsck.daxkitfs
mkdir -p $M

t=pkg-daxkitfs-in-updates-dkms
path=$(modinfo -n daxkitfs 2>&1)
v=$(modinfo -F version daxkitfs 2>&1)
case $path in
*/updates/dkms/daxkitfs.ko*)
	expect $t "$(expected_version daxkitfs)" "$v" "modinfo daxkitfs version" ;;
*) fail $t "modprobe would load '$path'" ;;
esac

t=pkg-daxkitfs-packaged-tools
if [ "$(cat /etc/daxkit-packaged-tools 2>/dev/null | tr '\n' ' ')" != "$MKFS $FSCK " ] ||
	[ ! -x $MKFS ] || [ ! -x $FSCK ]; then
	fail $t "the guest has not the package's mkfs and fsck: $(cat /etc/daxkit-packaged-tools 2>&1 | tr '\n' ' ')"
elif [ -e /sbin/mkfs.daxkitfs ] || [ -e /sbin/fsck.daxkitfs ]; then
	fail $t "another mkfs.daxkitfs or fsck.daxkitfs is in /sbin"
else
	pass $t
fi

t=pkg-daxkitfs-mkfs
if ! modprobe dax_pmem fsdax=0 || ! wait_for $D; then
	fail $t "modprobe dax_pmem fsdax=0: no $D"
elif loaded daxkitfs; then
	fail $t "daxkitfs is loaded before any mount"
elif ! out=$($MKFS -q $D 2>&1); then
	fail $t "$out"
else
	pass $t
fi

t=pkg-daxkitfs-mount-loads-it
if ! out=$(mount -t daxkitfs $D $M 2>&1) || ! mounted $M; then
	fail $t "mount: $out $(dmesg | tail -n 3 | tr '\n' '|')"
elif ! loaded daxkitfs || ! grep -q 'daxkitfs$' /proc/filesystems; then
	fail $t "mounted, but daxkitfs is not loaded or not in /proc/filesystems"
else
	pass $t
	t=pkg-daxkitfs-data-survive-remount
	dd if=/dev/urandom of=/tmp/rand bs=4096 count=768 2>/dev/null
	if ! cp /tmp/rand $M/f || ! mkdir $M/d || ! ln -s ../f $M/d/l || ! umount $M; then
		fail $t "write, mkdir, symlink or umount failed"
	else
		t=pkg-daxkitfs-fsck-clean
		if out=$($FSCK -n $D 2>&1); then pass $t; else fail $t "$(echo "$out" | tail -n 3 | tr '\n' '|')"; fi
		t=pkg-daxkitfs-data-survive-remount
		if mount -t daxkitfs $D $M && cmp -s /tmp/rand $M/f && cmp -s /tmp/rand $M/d/l; then
			pass $t
		else
			fail $t "after remount: $(ls -la $M 2>&1 | tr '\n' '|')"
		fi
	fi
	umount $M 2>/dev/null
	rm -f /tmp/rand
fi

t=pkg-daxkitfs-unloads
modprobe -r daxkitfs dax_fs_helper dax_pmem dax_dev dax_core 2>/dev/null
if loaded daxkitfs || loaded dax_fs_helper || loaded dax_pmem || loaded dax_core; then
	fail $t "still loaded: $(grep -o '^dax[a-z_]*' /proc/modules | tr '\n' ' ')"
else
	pass $t
fi
