# SPDX-License-Identifier: GPL-2.0
# The stack loads and unloads three times in a row; the daxkit bus and
# the chrdev region appear and vanish with it; `modprobe dax_pmem` pulls
# in dax_core and dax_dev and loads our dax_pmem, not the in-tree one.
. /tests/lib.sh

t=load-unload-3x
for round in 1 2 3; do
	if ! out=$(modprobe dax_pmem 2>&1); then
		fail $t "round $round: modprobe dax_pmem: $out"; exit 0
	fi
	for m in dax_core dax_dev dax_pmem; do
		loaded $m || { fail $t "round $round: $m not loaded"; exit 0; }
	done
	[ -d /sys/bus/daxkit ] || { fail $t "round $round: no /sys/bus/daxkit"; exit 0; }
	[ -d /sys/bus/daxkit/drivers/dax_dev ] ||
		{ fail $t "round $round: driver dax_dev not on the bus"; exit 0; }
	major=$(chrdev_major daxkit)
	[ -n "$major" ] && [ "$major" -gt 0 ] ||
		{ fail $t "round $round: no daxkit chrdev region"; exit 0; }
	if ! out=$(modprobe -r dax_pmem 2>&1); then
		fail $t "round $round: modprobe -r dax_pmem: $out"; exit 0
	fi
	for m in dax_pmem dax_dev dax_core; do
		loaded $m && { fail $t "round $round: $m still loaded"; exit 0; }
	done
	[ -e /sys/bus/daxkit ] && { fail $t "round $round: /sys/bus/daxkit left behind"; exit 0; }
	[ -n "$(chrdev_major daxkit)" ] &&
		{ fail $t "round $round: chrdev region left behind"; exit 0; }
done
pass $t

t=modprobe-finds-updates
path=$(modinfo -n dax_pmem)
case $path in
*/updates/dax_pmem.ko) pass $t ;;
*) fail $t "modprobe resolves dax_pmem to $path, not updates/" ;;
esac

t=fs-helper-load-unload
if modprobe dax_fs_helper && loaded dax_core && modprobe -r dax_fs_helper &&
	! loaded dax_fs_helper && ! loaded dax_core; then
	pass $t
else
	fail $t "dax_fs_helper did not load and unload with dax_core"
fi
