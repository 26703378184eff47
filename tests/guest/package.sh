# SPDX-License-Identifier: GPL-2.0
# Mode "package": the guest boots with only the modules the daxkit-dkms
# package made DKMS install (under updates/dkms), next to the kernel's own
# dax_pmem, as on a user's machine after `apt install daxkit-dkms`.
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
