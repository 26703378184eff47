# SPDX-License-Identifier: GPL-2.0
# The second boot over the same NVDIMM (mode "reboot"), after
# t_70_nd_devdax.sh and t_72_nd_fsdax_stack.sh: the namespaces come back
# by themselves, daxkit serves them (the fsdax one stacked) with the data
# written before the power-off, and once daxkit is
# gone the in-tree driver serves them again, daxkit's info block included.
. /tests/lib.sh

MB=1048576
verify() { # verify DEV SEED SIZE
	/tests/bin/daxmap "/dev/$1" verify $((16 * MB)) $((8 * MB)) "$2" &&
		/tests/bin/daxmap "/dev/$1" verify $(($3 - 2 * MB)) $((2 * MB)) $(($2 + 100))
}

t=nd-reboot-namespaces-found
if ! nd_up; then
	fail $t "no NVDIMM region after modprobe nfit nd_pmem"; exit 0
fi

# t_87's layout, saved before the power-off (the host put the file in
# /etc/daxkit): `daxkit restore` cuts the namespace's region as it was,
# on the same physical ranges, so the second device has its data.  First,
# on its own load of dax_pmem: what follows finds the regions as the
# kernel makes them.
t=tool-restore-after-power-off
modprobe dax_pmem
i=0
while [ $i -lt 40 ] && ! rs=$(nd_dax_of daxkit-rs); do sleep 0.25; i=$((i + 1)); done
if [ ! -f /etc/daxkit/devices.json ]; then
	fail $t "no saved layout in /etc/daxkit (t_87 did not save one)"
elif ! rs=$(nd_dax_of daxkit-rs) || ! R=$(rd $ND/$rs/daxkit_region/id) || [ -z "$R" ]; then
	fail $t "no daxkit region for namespace daxkit-rs"
elif ! out=$(/usr/bin/daxkit restore 2>&1); then
	fail $t "daxkit restore: $(echo "$out" | tr '\n' '|')"
elif [ "$(rd /sys/bus/daxkit/devices/daxkit$R.0/size) $(rd /sys/bus/daxkit/devices/daxkit$R.1/size)" != "$((8 * MB)) $((8 * MB))" ]; then
	fail $t "daxkit$R.0 and .1 are $(rd /sys/bus/daxkit/devices/daxkit$R.0/size) and $(rd /sys/bus/daxkit/devices/daxkit$R.1/size) bytes"
elif ! wait_for /dev/daxkit$R.1 || ! out=$(/tests/bin/daxmap /dev/daxkit$R.1 verify 0 $((2 * MB)) 73 2>&1); then
	fail $t "daxkit$R.1 does not read back: $out"
else
	pass $t
fi
t=tool-restore-again-changes-nothing
before=$(ls /sys/bus/daxkit/devices | tr '\n' ' ')
out=$(/usr/bin/daxkit restore 2>&1) && [ "$(ls /sys/bus/daxkit/devices | tr '\n' ' ')" = "$before" ] &&
	pass $t || fail $t "$(echo "$out" | tr '\n' '|')"
modprobe -r dax_pmem dax_dev dax_core

t=nd-reboot-namespaces-found
# nd_pmem finds the info blocks and makes the nd_dax devices.
i=0
while [ $i -lt 40 ] && { ! da=$(nd_dax_of daxkit-a) || ! db=$(nd_dax_of daxkit-b); }; do
	sleep 0.25; i=$((i + 1))
done
if [ -z "${da:-}" ] || [ -z "${db:-}" ]; then
	fail $t "no nd_dax device for daxkit-a or daxkit-b: $(ls $ND | tr '\n' ' ')"; exit 0
fi
pass $t

t=nd-reboot-daxkit-reads-back
if ! modprobe dax_pmem; then
	fail $t "modprobe dax_pmem failed"
elif ! ka=$(daxkit_of "$da") || ! kb=$(daxkit_of "$db") || ! wait_for /dev/$ka || ! wait_for /dev/$kb; then
	fail $t "daxkit serves $da as '${ka:-}' and $db as '${kb:-}'"
elif ! out=$(verify "$ka" 12 "$(rd /sys/bus/daxkit/devices/$ka/size)"); then
	fail $t "daxkit-a (struct pages in RAM) through /dev/$ka: $out"
elif ! out=$(verify "$kb" 21 "$(rd /sys/bus/daxkit/devices/$kb/size)"); then
	fail $t "daxkit-b (struct pages on the media) through /dev/$kb: $out"
else
	pass $t
fi

# Issue 15: a namespace's names are a function of the namespace, never of
# the order things were probed in: namespaceX.Y is daxkit<(X+1)*100+Y>.0
# and, in class dax, daxX.Y.
t=nd-reboot-names-stable
bad=
for d in "$da" "$db"; do
	ns=$(rd $ND/$d/namespace)
	x=${ns#namespace}; y=${x#*.}; x=${x%.*}
	want=daxkit$(((x + 1) * 100 + y)).0
	[ "$(daxkit_of "$d")" = "$want" ] || bad="$bad $d ($ns) is $(daxkit_of "$d"), want $want;"
	has_class_view || continue
	[ "$(view_of "$d")" = "dax$x.$y" ] || bad="$bad $d ($ns) shows '$(view_of "$d")' in class dax, want dax$x.$y;"
done
if [ -n "$bad" ]; then fail $t "$bad"; else pass $t; fi

# t_80's libpmemobj pool, written before the power-off.
t=clients-reboot-libpmemobj-reads-back
if [ "${DAXKIT_CLIENTS:-none}" = none ]; then
	echo "NOTE: $t: this lane has no client programs"
elif ! has_class_view; then
	echo "NOTE: $t: the kernel owns class dax, so t_80 wrote no pool"
elif ! dc=$(nd_dax_of daxkit-cl) || ! v=$(view_of "$dc") || ! wait_for /dev/$v; then
	fail $t "no class dax device for daxkit-cl"
elif ! clients_up; then
	fail $t "cannot mount the clients"
elif ! out=$(cl /daxkit-clients/pobj read /dev/$v daxkit-pobj-$DAXKIT_CLIENTS 2>&1); then
	fail $t "/dev/$v: $out"
else
	pass $t
fi
clients_down

modprobe -r dax_pmem dax_dev dax_core

# t_72's fsdax namespace, stacked at load (stack=), reads back what
# daxkit wrote through the stacked region before the power-off.
t=nd-reboot-fsdax-stack-reads-back
fs=
for p in $ND/pfn*; do
	ns=$(rd $p/namespace)
	[ -n "$ns" ] && [ "$(rd $ND/$ns/alt_name)" = daxkit-fs ] && fs=$(ls $p/block 2>/dev/null | head -n 1)
done
if ! grep -q '^#define HAVE_FS_DAX_GET_BY_BDEV_HOLDER' /etc/daxkit-compat.h ||
	! grep -q '^#define HAVE_PFN_T' /etc/daxkit-compat.h; then
	echo "NOTE: $t: this kernel cannot stack on a pmem block device"
elif [ -z "$fs" ] || ! wait_for /dev/$fs; then
	fail $t "no block device for the fsdax namespace daxkit-fs: $(ls $ND | tr '\n' ' ')"
elif ! modprobe dax_pmem stack=/dev/$fs; then
	fail $t "modprobe dax_pmem stack=/dev/$fs failed"
elif ! k=$(stacked_dev /dev/$fs) ||
	[ -z "$k" ] || ! wait_for /dev/$k; then
	fail $t "no daxkit device stacked on /dev/$fs: '$(rd $STACK_REQ)'"
elif ! out=$(/tests/bin/daxmap /dev/$k verify $((16 * MB)) $((8 * MB)) 33) ||
	! out=$(/tests/bin/daxmap /dev/$k verify $(($(rd /sys/bus/daxkit/devices/$k/size) - 2 * MB)) $((2 * MB)) 34); then
	fail $t "/dev/$k over /dev/$fs: $out"
else
	pass $t
fi
modprobe -r dax_pmem dax_dev dax_core 2>/dev/null

t=nd-reboot-intree-reads-daxkit-namespaces
if ! intree_dax_pmem_load; then
	fail $t "cannot load the in-tree dax_pmem"
elif [ "$(nd_driver "$da")" != dax_pmem ] || [ "$(nd_driver "$db")" != dax_pmem ]; then
	fail $t "the in-tree dax_pmem did not take $da ($(nd_driver "$da")) and $db ($(nd_driver "$db"))"
elif ! ca=$(intree_chardev_of "$da") || ! cb=$(intree_chardev_of "$db") ||
	! wait_for /dev/$ca || ! wait_for /dev/$cb; then
	fail $t "no device-dax devices for $da and $db"
elif ! out=$(verify "$ca" 12 "$(rd /sys/bus/dax/devices/$ca/size)"); then
	fail $t "daxkit-a through the in-tree /dev/$ca: $out"
elif ! out=$(verify "$cb" 21 "$(rd /sys/bus/dax/devices/$cb/size)"); then
	fail $t "daxkit-b, made by daxkit, through the in-tree /dev/$cb: $out"
else
	pass $t
fi
nd_down
