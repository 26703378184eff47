# SPDX-License-Identifier: GPL-2.0
# modinfo shows each module's own version, the one in its VERSION file,
# and the loaded module reports the same one in sysfs.
. /tests/lib.sh

for m in dax_core dax_dev dax_pmem dax_fs_helper daxkitfs; do
	t=modinfo-version-$m
	want=$(expected_version $m)
	got=$(modinfo -F version $m)
	if [ -z "$want" ] || [ "$got" != "$want" ]; then
		fail $t "modinfo says '$got', VERSION says '$want'"; continue
	fi
	modprobe $m || { fail $t "modprobe $m failed"; continue; }
	sys=$(cat /sys/module/$m/version 2>/dev/null)
	# modprobe -r tries daxkitfs's dependencies in the order it lists
	# them: dax_core (still held by dax_fs_helper) before dax_fs_helper.
	case $m in
	daxkitfs) modprobe -r daxkitfs dax_fs_helper dax_core ;;
	*) modprobe -r $m ;;
	esac
	[ "$sys" = "$want" ] && pass $t || fail $t "/sys/module/$m/version says '$sys'"
done
