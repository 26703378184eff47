# SPDX-License-Identifier: GPL-2.0
# dax_fs_helper (issue 16) on a devdax namespace of the emulated NVDIMM that
# daxkit serves with fsdax pages (dax_pmem fsdax=(X+1)*100+Y): its KTAP
# self-test (tests/guest/lib.sh fs_selftest) over libnvdimm's page map, with
# the struct pages on the media, and the region's flush as the barrier.
# Before t_70, which sets the region up again for the namespaces reboot.sh
# checks; the namespace is destroyed after.
. /tests/lib.sh

# nd_fs_namespace: a 32 MiB devdax namespace daxkit-fs, in a region with
# labels (t_70, after this, sets them up again for its own namespaces).
nd_fs_namespace() {
	ndctl disable-region all > /dev/null 2>&1 && ndctl init-labels -f all > /dev/null 2>&1 &&
		ndctl enable-region all > /dev/null 2>&1 &&
		ndctl create-namespace -m devdax -M dev -s 32M -n daxkit-fs -r $NDR 2>&1
}

# A devdax namespace daxkit serves, reloaded with fsdax pages: libnvdimm's
# page map (struct pages on the media) and its region's flush as barrier.
t=fs-helper-nd-namespace
if ! nd_up; then
	echo "NOTE: $t: no NVDIMM region (nfit, nd_pmem): not tested"
elif ! modprobe dax_pmem || ! out=$(nd_fs_namespace) ||
	! d=$(nd_dax_of daxkit-fs) || ! ns=$(rd $ND/$d/namespace) || [ -z "$ns" ]; then
	fail $t "ndctl create-namespace: $(echo "${out:-}" | tail -n 2 | tr '\n' '|')"
else
	x=${ns#namespace}
	id=$(( (${x%.*} + 1) * 100 + ${x#*.} ))
	modprobe -r dax_pmem
	if ! modprobe dax_pmem fsdax=$id || ! wait_for /dev/daxkit$id.0; then
		fail $t "no daxkit$id.0 after modprobe dax_pmem fsdax=$id"
	elif [ "$(rd $ND/$d/daxkit_region/pages)" != fsdax ]; then
		fail $t "$d's region shows '$(rd $ND/$d/daxkit_region/pages)', want fsdax"
	elif ! modprobe dax_fs_helper; then
		fail $t "modprobe dax_fs_helper failed"
	else
		pass $t
		fs_selftest fs-nd-selftest dev=daxkit$id.0 && rmmod dax_fs_selftest
		modprobe -r dax_fs_helper
	fi
	modprobe dax_pmem && ndctl destroy-namespace -f "$ns" > /dev/null 2>&1 ||
		fail $t-cleanup "ndctl destroy-namespace $ns failed"
fi
modprobe -r dax_pmem
nd_down
if loaded dax_pmem || loaded dax_fs_helper; then
	fail fs-helper-nd-unload "daxkit modules still loaded"
else
	pass fs-helper-nd-unload
fi
