# SPDX-License-Identifier: GPL-2.0
# Issue 17: the daxkit command (/usr/bin/daxkit, built from tools/daxkit)
# drives the real stack: modules status, load, unload and reload through
# libkmod (unload refused while a daxkitfs filesystem is mounted, which
# loaded daxkitfs itself); list and its filters; create, resize, set-align, destroy,
# enable and disable on the legacy range's region, each refusal changing
# nothing; poison list and clear; stack and unstack on a raw namespace;
# save and restore (here, and across the power-off: reboot.sh); check
# finding each problem it is made to meet; exit codes; a user that is not
# root.
. /tests/lib.sh

MB=1048576
T=/usr/bin/daxkit
B=/sys/bus/daxkit/devices
C=/tests/bin/daxcheck
# jf KEY: the values of "KEY" in the JSON on stdin, one per line.
jf() { sed -n "s/^ *\"$1\": //p" | sed 's/,$//; s/^"//; s/"$//'; }
# run NAME WANT_RC CMD...: CMD's output in $out (stdout) and $err, and
# whether it exited WANT_RC.
run() {
	local want=$1
	shift
	"$@" > /tmp/tool.out 2> /tmp/tool.err
	rc=$?
	out=$(cat /tmp/tool.out)
	err=$(cat /tmp/tool.err)
	[ "$rc" = "$want" ]
}
# snap: the daxkit bus's devices as sysfs says (to see that a refusal changed nothing).
snap() {
	local d
	for d in $B/*; do
		echo "$(basename $d) $(rd $d/size) $(rd $d/align) $([ -e $d/driver ] && echo on)"
	done
}

[ -x $T ] || { fail tool-installed "no $T in the guest"; exit 0; }
# From a known state: no daxkit module.
nd_down

t=tool-version
want=$(expected_version dax_core)
expect $t "daxkit $want" "$($T --version)" "daxkit --version"

# --- modules ---
t=tool-modules-status-unloaded
if ! run 0 $T modules status; then
	fail $t "exit $rc: $err"
elif [ "$(echo "$out" | jf state | sort -u)" != unloaded ]; then
	fail $t "states: $(echo "$out" | jf state | tr '\n' ' ')"
elif [ "$(echo "$out" | jf name | tr '\n' ' ')" != "dax_core dax_dev dax_pmem dax_fs_helper daxkitfs " ]; then
	fail $t "names: $(echo "$out" | jf name | tr '\n' ' ')"
elif [ "$(echo "$out" | jf path | grep -c /updates/)" != 5 ]; then
	fail $t "paths: $(echo "$out" | jf path | tr '\n' ' ')"
else
	pass $t
fi
# dax_core's ABI for the four that link to it; daxkitfs has dax_fs_helper's.
t=tool-modules-abi-from-modinfo
got=$(echo "$out" | jf abi | tr '\n' ' ')
fgot=$(echo "$out" | jf fs_abi | tr '\n' ' ')
want=$(modinfo -F daxkit_abi dax_core)
fwant=$(modinfo -F dax_fs_abi dax_fs_helper)
if [ -z "$want" ] || [ "$got" != "$want $want $want $want null " ]; then
	fail $t "abi '$got', modinfo dax_core says '$want'"
elif [ -z "$fwant" ] || [ "$fgot" != "null null null $fwant $(modinfo -F dax_fs_abi daxkitfs) " ]; then
	fail $t "fs_abi '$fgot', modinfo dax_fs_helper says '$fwant', daxkitfs '$(modinfo -F dax_fs_abi daxkitfs)'"
else
	pass $t
fi

t=tool-modules-load
if ! run 0 $T modules load --ranges=1G@4G; then
	fail $t "exit $rc: $err"
elif ! loaded dax_core || ! loaded dax_dev || ! loaded dax_pmem; then
	fail $t "loaded: $(lsmod | grep dax | tr '\n' ' ')"
elif [ "$(rd /sys/module/dax_pmem/parameters/ranges)" != 1G@4G ]; then
	fail $t "ranges= is '$(rd /sys/module/dax_pmem/parameters/ranges)'"
else
	pass $t
fi
t=tool-modules-status-loaded
run 0 $T modules
st=$(echo "$out" | jf state | head -n 3 | sort -u)
labi=$(echo "$out" | jf loaded_abi)
expect $t "live $(rd /sys/module/dax_core/parameters/abi_version)" "$st $labi" "states and dax_core's loaded ABI"
t=tool-dax-core-abi-param-read-only
if modprobe -r dax_pmem dax_dev dax_core && ! modprobe dax_core abi_version=9.9 2>/dev/null &&
	! loaded dax_core && modprobe dax_pmem ranges=1G@4G; then
	pass $t
else
	fail $t "dax_core loaded with abi_version=9.9, or the reload failed"
fi

# A dax_dev built for another dax_core ABI (the suite's skewed build) in
# the place of ours: status names both ABIs before loading, and the load's
# refusal says both, with the kernel's own line.
t=tool-modules-abi-mismatch
K=/lib/modules/$(uname -r)/updates
modprobe -r dax_pmem dax_dev dax_core
if ! mount --bind /test/abi-skew/dax_dev.ko $K/dax_dev.ko; then
	fail $t "cannot put the skewed dax_dev in place"
else
	run 5 $T modules status
	w=$(echo "$err" | grep -c 'dax_dev: built for dax_core ABI 3.4, but the installed dax_core provides 2.4')
	run 1 $T modules load
	if [ "$w" != 1 ]; then
		fail $t "status did not warn once: $err"
	elif ! echo "$err" | grep -q 'hint: dax_dev is built for dax_core ABI 3.4' ||
		! echo "$err" | grep -q '^kernel: dax_dev: built for dax_core ABI 3.4, but the loaded dax_core provides ABI 2.4'; then
		fail $t "load exit $rc said: $(echo "$err" | tr '\n' '|')"
	else
		pass $t
	fi
	umount $K/dax_dev.ko
	modprobe -r dax_pmem dax_dev dax_core 2>/dev/null
fi
# The package's dax_pmem missing (modprobe would load the kernel's own):
# status, load and check say so.
t=tool-modules-in-tree-shadow
mkdir -p /tmp/mods
cp -a /lib/modules/$(uname -r) /tmp/mods/
rm /tmp/mods/$(uname -r)/updates/dax_pmem.ko
if ! mount --bind /tmp/mods/$(uname -r) /lib/modules/$(uname -r) || ! /sbin/depmod; then
	fail $t "cannot hide our dax_pmem"
else
	run 5 $T modules status
	s1=$(echo "$err" | grep -c 'dax_pmem: modprobe loads the in-tree module')
	run 5 $T modules load
	s2=$(echo "$err" | grep -c 'modprobe would load the in-tree dax_pmem')
	run 1 $T check
	s3=$(echo "$out" | grep -c '^error: in-tree-dax-pmem-shadows')
	umount /lib/modules/$(uname -r)
	expect $t "1 1 1" "$s1 $s2 $s3" "status, load and check naming the in-tree dax_pmem ($(echo "$err $out" | tr '\n' '|' | head -c 400))"
fi
rm -rf /tmp/mods
nd_down 2>/dev/null
# Earlier tests leave namespaces on the NVDIMM, and nfit does not unload
# (its reference count is 1 from boot): with its regions disabled, our
# dax_pmem serves no namespace, and the devices below are only those of
# the legacy range and ranges=, until the check section enables them.
nd_disabled=
if nd_region > /dev/null && ndctl disable-region all > /dev/null 2>&1; then
	nd_disabled=yes
fi
modprobe dax_pmem ranges=1G@4G

# --- list ---
i=0
while [ $i -lt 20 ] && [ ! -c /dev/daxkit0.0 ]; do sleep 0.2; i=$((i + 1)); done
t=tool-list-default
run 0 $T list
expect $t "daxkit0.0 daxkit16.0 daxkit32.0" "$(echo "$out" | jf chardev | tr '\n' ' ' | sed 's/ $//')" "devices listed"
t=tool-list-device-fields
run 0 $T list -d daxkit0.0
got="$(echo "$out" | jf size) $(echo "$out" | jf align) $(echo "$out" | jf mode) $(echo "$out" | jf region)"
expect $t "$((256 * MB)) $(rd $B/daxkit0.0/align) devdax 0" "$got" "size align mode region"
t=tool-list-regions
run 0 $T list -R
got="$(echo "$out" | jf id | tr '\n' ' ')/$(echo "$out" | jf provider | tr '\n' ' ')"
expect $t "0 16 32 /legacy ranges soft-reserved " "$got" "region ids and providers"
t=tool-list-regions-devices
run 0 $T list -R -D -r 16
got="$(echo "$out" | jf id) $(echo "$out" | jf chardev) $(echo "$out" | jf available_size)"
expect $t "16 daxkit16.0 0" "$got" "region 16 with its device"
t=tool-list-human
run 0 $T list -u -d daxkit0.0
expect $t "256.00 MiB (268.44 MB)" "$(echo "$out" | jf size)" "size with -u"
t=tool-list-mappings
run 0 $T list -M -d daxkit0.0
got="$(echo "$out" | jf start) $(echo "$out" | jf end) $(echo "$out" | jf page_offset)"
expect $t "$((1024 * MB)) $((1280 * MB - 1)) 0" "$got" "mapping0 of daxkit0.0"
t=tool-list-unknown-device
run 3 $T list -d daxkit9.9 && [ "$out" = "[
]" ] && pass $t || fail $t "exit $rc, out '$out'"

# --- create, resize, set-align, enable, disable, destroy (region 0) ---
t=tool-disable-device
run 0 $T disable-device daxkit0.0 && [ ! -e $B/daxkit0.0/driver ] &&
	echo "$err" | grep -q 'disabled 1 device$' && pass $t || fail $t "exit $rc: $err"
t=tool-list-idle
run 0 $T list
n1=$(echo "$out" | jf chardev | grep -c daxkit0.0)
run 0 $T list -i
n2=$(echo "$out" | jf chardev | grep -c daxkit0.0)
expect $t "0 1 disabled" "$n1 $n2 $(echo "$out" | jf state)" "daxkit0.0 without and with -i, state"
t=tool-resize
run 0 $T resize daxkit0.0 -s 64m && [ "$(rd $B/daxkit0.0/size)" = $((64 * MB)) ] &&
	pass $t || fail $t "exit $rc, size $(rd $B/daxkit0.0/size): $err"
before=$(snap)
t=tool-create-refused-too-big
run 1 $T create-device -r 0 -s 1g && echo "$err" | grep -q 'No space left' &&
	[ "$(snap)" = "$before" ] && pass $t || fail $t "exit $rc: $err; before '$before' after '$(snap)'"
t=tool-create-refused-bad-align
run 1 $T create-device -r 0 -s 32m -a 12288 && [ "$(snap)" = "$before" ] &&
	pass $t || fail $t "exit $rc: $err"
t=tool-create-usage
run 2 $T create-device -r 0 -s 12q && pass $t || fail $t "exit $rc: $err"
t=tool-create-device
if ! run 0 $T create-device -r 0 -s 32m -a 4k; then
	fail $t "exit $rc: $err"
else
	new=$(echo "$out" | jf chardev)
	i=0
	while [ $i -lt 20 ] && [ ! -c /dev/$new ]; do sleep 0.2; i=$((i + 1)); done
	got="$(rd $B/$new/size) $(rd $B/$new/align) $([ -e $B/$new/driver ] && echo on) $([ -c /dev/$new ] && echo node)"
	expect $t "$((32 * MB)) 4096 on node" "$got" "$new: size align bound node"
fi
new=${new:-daxkit0.1}
/tests/bin/daxmap /dev/$new write 0 $((2 * MB)) 71 > /dev/null 2>&1
t=tool-set-align-needs-force
before=$(snap)
run 1 $T set-align $new -a 2m && echo "$err" | grep -q 'enabled' && [ "$(snap)" = "$before" ] &&
	pass $t || fail $t "exit $rc: $err"
t=tool-set-align-force
run 0 $T set-align $new -a 2m -f && [ "$(rd $B/$new/align) $([ -e $B/$new/driver ] && echo on)" = "2097152 on" ] &&
	pass $t || fail $t "exit $rc: $err; align $(rd $B/$new/align)"
t=tool-resize-refused-misaligned
before=$(snap)
run 1 $T resize $new -s 5m -f && [ "$(snap)" = "$before" ] && pass $t || fail $t "exit $rc: $err"
t=tool-data-kept-through-changes
out=$(/tests/bin/daxmap /dev/$new verify 0 $((2 * MB)) 71 2>&1) && pass $t || fail $t "$out"

# --- poison list and clear ---
t=tool-poison-list-clear
P=$((2 * MB))
/tests/bin/daxmap /dev/$new write $P $((2 * MB)) 72 > /dev/null 2>&1
if ! out2=$(/tests/bin/daxmap /dev/$new poison $P $((2 * MB)) 2>&1); then
	fail $t "could not poison a page of $new: $out2"
else
	raw=$(cat $B/$new/poison)
	run 0 $T poison list $new
	lo="$(echo "$out" | jf offset) $(echo "$out" | jf length)"
	if [ -z "$raw" ] || [ "$lo" != "$raw" ]; then
		fail $t "daxkit poison list says '$lo', sysfs '$raw'"
	elif ! run 0 $T poison clear $new --all; then
		fail $t "clear: exit $rc: $err"
	elif [ -n "$(cat $B/$new/poison)" ] || ! echo "$err" | grep -q 'no poison left'; then
		fail $t "after clear: sysfs '$(cat $B/$new/poison)', said '$err'"
	else
		pass $t
	fi
fi
t=tool-poison-clear-usage
run 2 $T poison clear $new --offset 100 --length 4096 && pass $t || fail $t "exit $rc: $err"

# --- save and restore in this boot ---
t=tool-save-restore
if ! run 0 $T save /tmp/layout.json; then
	fail $t "save: exit $rc: $err"
else
	maps=$(sed -n 's/.*"start": \([0-9]*\).*/\1/p' /tmp/layout.json | tr '\n' ' ')
	run 0 $T destroy-device all -r 0 -f
	gone=$(ls $B | tr '\n' ' ')
	if ! run 0 $T restore /tmp/layout.json; then
		fail $t "restore: exit $rc: $err (after destroy: $gone)"
	elif [ "$(rd $B/daxkit0.0/size) $(rd $B/$new/size) $(rd $B/$new/align)" != "$((64 * MB)) $((32 * MB)) 2097152" ]; then
		fail $t "after restore: $(snap | tr '\n' '|')"
	elif ! out=$(/tests/bin/daxmap /dev/$new verify 0 $((2 * MB)) 71 2>&1); then
		fail $t "the data of $new is not back: $out"
	else
		pass $t
	fi
fi
t=tool-restore-idempotent
before=$(snap)
run 0 $T restore /tmp/layout.json && [ "$(snap)" = "$before" ] && pass $t || fail $t "exit $rc: $err"

t=tool-destroy-needs-force
before=$(snap)
run 1 $T destroy-device $new && [ "$(snap)" = "$before" ] && pass $t || fail $t "exit $rc: $err"
t=tool-destroy-device
run 0 $T destroy-device $new -f && [ ! -e $B/$new ] && echo "$err" | grep -q 'destroyed 1 device$' &&
	pass $t || fail $t "exit $rc: $err"
t=tool-enable-device
run 0 $T resize daxkit0.0 -s 256m -f
run 0 $T enable-device all && [ -e $B/daxkit0.0/driver ] && pass $t || fail $t "exit $rc: $err"

# --- modules unload with a user, reload ---
t=tool-modules-unload-busy
exec 7< /dev/daxkit0.0
if run 1 $T modules unload && echo "$err" | grep -q 'hint: in use' && loaded dax_dev && loaded dax_pmem; then
	pass $t
else
	fail $t "exit $rc: $err"
fi
exec 7<&-
t=tool-modules-reload-keeps-parameters
run 0 $T modules reload && [ "$(rd /sys/module/dax_pmem/parameters/ranges)" = 1G@4G ] &&
	[ -d $B/daxkit16.0 ] && pass $t || fail $t "exit $rc: $err; ranges '$(rd /sys/module/dax_pmem/parameters/ranges)'"

# --- a user that is not root ---
t=tool-list-non-root
if run 0 $C run-as-nobody $T list -R -D; then
	if echo "$out" | grep -q '"chardev": "daxkit0.0"' && ! echo "$out" | grep -q '"resource"' &&
		[ "$(echo "$err" | grep -c 'need root')" = 1 ]; then
		pass $t
	else
		fail $t "out: $(echo "$out" | tr '\n' ' ' | head -c 300); err: $err"
	fi
else
	fail $t "exit $rc: $err"
fi
t=tool-create-non-root
before=$(snap)
run 4 $C run-as-nobody $T resize daxkit0.0 -s 64m -f && [ "$(snap)" = "$before" ] &&
	pass $t || fail $t "exit $rc: $err"

# --- check ---
[ -n "$nd_disabled" ] && ndctl enable-region all > /dev/null 2>&1
t=tool-check-clean
if run 0 $T check --json; then
	pass $t
else
	fail $t "exit $rc: $(echo "$out" | grep -A2 '"error"' | tr '\n' ' ')"
fi
t=tool-check-kernel-too-old
DAXKIT_UNAME_R=4.19.0-27-amd64 run 1 $T check && echo "$out" | grep -q '^error: kernel-too-old' &&
	pass $t || fail $t "exit $rc: $out"
t=tool-check-devnode-permission
run 0 $C run-as-nobody $T check && echo "$out" | grep -q '^warning: devnode-permission' &&
	pass $t || fail $t "exit $rc: $out"
t=tool-check-memmap-not-applied
echo "$(cat /proc/cmdline) memmap=64M!6G" > /tmp/cmdline
if mount --bind /tmp/cmdline /proc/cmdline 2>/dev/null; then
	run 1 $T check && echo "$out" | grep -q '^error: memmap-not-applied: memmap=64M!6G' &&
		! echo "$out" | grep -q 'memmap-not-applied: memmap=256M!1G' &&
		pass $t || fail $t "exit $rc: $out"
	umount /proc/cmdline
else
	fail $t "cannot bind-mount over /proc/cmdline"
fi
t=tool-check-modules-not-loaded
$T modules unload > /dev/null 2>&1
run 0 $T check && echo "$out" | grep -q '^warning: modules-not-loaded' && pass $t || fail $t "exit $rc: $out"
t=tool-list-no-modules
run 5 $T list && pass $t || fail $t "exit $rc: $err"

# --- daxkitfs: mount loads it; unload refuses while it is mounted ---
t=tool-modules-unload-refuses-mounted-daxkitfs
D=/dev/daxkit0.0
M=/mnt/dkfs
mkdir -p $M
if ! modprobe dax_pmem fsdax=0 || ! wait_for $D; then
	fail $t "modprobe dax_pmem fsdax=0: no $D"
elif ! out2=$(mkfs.daxkitfs -q -f $D 2>&1) || ! out2=$(mount -t daxkitfs $D $M 2>&1); then
	fail $t "mkfs.daxkitfs and mount: $out2"
else
	run 0 $T modules
	st=$(echo "$out" | jf state | tail -n 1)
	n=$(echo "$out" | jf refcount | tail -n 1)
	run 1 $T modules unload
	if [ "$st" != live ] || [ "${n:-0}" -lt 1 ]; then
		fail $t "status says daxkitfs is '$st', refcount '$n': want live, in use"
	elif ! echo "$err" | grep -qx 'daxkit: modules: daxkitfs: in use: nothing unloaded: Device or resource busy' ||
		! echo "$err" | grep -q "unmount them ('findmnt -t daxkitfs')"; then
		fail $t "exit $rc: $(echo "$err" | tr '\n' '|')"
	elif ! mounted $M || ! loaded daxkitfs || ! loaded dax_fs_helper || ! loaded dax_pmem; then
		fail $t "something was unloaded: $(grep -o '^dax[a-z_]*' /proc/modules | tr '\n' ' ')"
	else
		pass $t
	fi
	umount $M
	t=tool-modules-unload-daxkitfs-after-umount
	if run 0 $T modules unload && ! loaded daxkitfs && ! loaded dax_fs_helper && ! loaded dax_core; then
		pass $t
	else
		fail $t "exit $rc: $(echo "$err" | tr '\n' '|'); loaded: $(grep -o '^dax[a-z_]*' /proc/modules | tr '\n' ' ')"
	fi
fi
# nd_labels: the NVDIMM region with labels, set up here when no namespace has a name
# (label-less: a run of this file alone; in the suite t_70 has set it up).
nd_labels() {
	ndctl list -N -r $NDR 2>/dev/null | grep -q '"name"' && return 0
	ndctl disable-region all > /dev/null 2>&1 && ndctl init-labels -f all > /dev/null 2>&1 &&
		ndctl enable-region all > /dev/null 2>&1
}

t=tool-check-in-tree-dax-pmem-loaded
if intree_dax_pmem_load 2>/dev/null; then
	run 1 $T check && echo "$out" | grep -q '^error: in-tree-dax-pmem-loaded' &&
		pass $t || fail $t "exit $rc: $out"
	t=tool-modules-load-in-tree-loaded
	run 1 $T modules load && echo "$err" | grep -q 'the in-tree dax_pmem is loaded' &&
		pass $t || fail $t "exit $rc: $err"
	# A devdax namespace made now is the in-tree driver's: check says so.
	t=tool-check-nd-dax-in-tree
	if ! nd_up || ! nd_labels ||
		! out2=$(ndctl create-namespace -m devdax -s 32M -n daxkit-it -r $NDR 2>&1); then
		fail $t "ndctl create-namespace: $(echo "${out2:-}" | tail -n 2 | tr '\n' '|')"
	else
		ns=$(echo "$out2" | sed -n 's/^ *"dev": *"\([^"]*\)".*/\1/p' | head -n 1)
		run 1 $T check
		echo "$out" | grep -q "^warning: nd-dax-in-tree: dax[0-9.]* (a devdax namespace) is held by the in-tree dax_pmem" &&
			pass $t || fail $t "exit $rc: $out"
		[ -n "$ns" ] && ndctl destroy-namespace -f "$ns" > /dev/null 2>&1
	fi
	modprobe -r dax_pmem device_dax 2>/dev/null
else
	fail $t "cannot load the in-tree dax_pmem"
fi
nd_down 2>/dev/null

# The legacy range given to the kernel's nd_e820: check says who holds it
# and how to hand it over.
t=tool-check-range-held-by-in-tree
if modprobe nd_e820 && modprobe nd_pmem; then
	i=0
	while [ $i -lt 20 ] && ! grep -q 'namespace' /proc/iomem; do sleep 0.25; i=$((i + 1)); done
	run 0 $T check
	echo "$out" | grep -q '^info: range-held-by-in-tree: the persistent memory at 0x40000000-0x4fffffff is held by the in-tree stack' &&
		pass $t || fail $t "exit $rc: $out; iomem: $(grep -A2 -i persistent /proc/iomem | tr '\n' '|')"
else
	fail $t "cannot load nd_e820 and nd_pmem"
fi
nd_down 2>/dev/null


# --- stack and unstack on a raw namespace ---
t=tool-stack-unstack
if ! nd_up || ! nd_labels; then
	fail $t "no nd region"
elif ! out2=$(ndctl create-namespace -m raw -s 32M -n daxkit-tool -r $NDR 2>&1); then
	fail $t "ndctl create-namespace: $(echo "$out2" | tail -n 2 | tr '\n' '|')"
else
	blk=/dev/$(echo "$out2" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p; s/^ *"blockdev": *"\([^"]*\)".*/\1/p' | head -n 1)
	ns=$(echo "$out2" | sed -n 's/^ *"dev": *"\([^"]*\)".*/\1/p' | head -n 1)
	$T modules load > /dev/null 2>&1
	if ! run 0 $T stack $blk; then
		fail $t "stack $blk: exit $rc: $err"
	else
		r=$(echo "$out" | jf region)
		run 0 $T stacks
		l=$(echo "$out" | jf blockdev)
		run 0 $T list -R -r "$r"
		p="$(echo "$out" | jf provider) $(echo "$out" | jf blockdev)"
		if [ "$l" != "$blk" ] || [ "$p" != "stack $blk" ]; then
			fail $t "stacks says '$l', list -R '$p', want $blk"
		elif ! run 0 $T unstack daxkit$r || [ -d /sys/bus/daxkit/devices/daxkit$r.0 ]; then
			fail $t "unstack daxkit$r: exit $rc: $err"
		else
			pass $t
		fi
	fi
	t=tool-unstack-not-stacked
	run 3 $T unstack daxkit12345 && pass $t || fail $t "exit $rc: $err"
	[ -n "$ns" ] && ndctl destroy-namespace -f "$ns" > /dev/null 2>&1
fi

# --- a layout for after the power-off (reboot.sh restores it) ---
# A devdax namespace on the NVDIMM, its region cut in two devices, data on
# the second; `daxkit save` writes the layout, and the console carries the
# file to the host, which gives it to the next boot as /etc/daxkit
# (tests/vm/suite.sh): a disk's /etc, as the unit would find it.
t=tool-save-for-reboot
$T modules unload > /dev/null 2>&1
if ! out2=$(ndctl create-namespace -m devdax -s 32M -n daxkit-rs -r $NDR 2>&1); then
	fail $t "ndctl create-namespace: $(echo "$out2" | tail -n 2 | tr '\n' '|')"
elif ! $T modules load > /dev/null 2>&1 || ! rd=$(nd_dax_of daxkit-rs) ||
	! R=$(rd /sys/bus/nd/devices/$rd/daxkit_region/id) || [ -z "$R" ]; then
	fail $t "no daxkit region for namespace daxkit-rs"
elif ! run 0 $T resize daxkit$R.0 -s 8m -f || ! run 0 $T create-device -r $R -s 8m ||
	[ "$(echo "$out" | jf chardev)" != daxkit$R.1 ]; then
	fail $t "cannot cut region $R in two: exit $rc: $err"
elif ! wait_for /dev/daxkit$R.1 || ! /tests/bin/daxmap /dev/daxkit$R.1 write 0 $((2 * MB)) 73 > /dev/null 2>&1; then
	fail $t "cannot write daxkit$R.1"
elif ! run 0 $T list -v -d daxkit$R.0 || ! ns=$(rd /sys/bus/nd/devices/$rd/namespace) ||
	{ has_class_view && [ "$(echo "$out" | jf class_dev)" != "dax${ns#namespace}" ]; } ||
	{ ! has_class_view && [ -n "$(echo "$out" | jf class_dev)" ]; }; then
	fail $t "daxkit$R.0's class_dev is '$(echo "$out" | jf class_dev)' ($ns, class view: $(has_class_view && echo yes || echo no))"
elif ! run 0 $T save /tmp/saved.json; then
	fail $t "save: exit $rc: $err"
else
	echo "DAXKIT-LAYOUT-BEGIN"
	cat /tmp/saved.json
	echo "DAXKIT-LAYOUT-END"
	pass $t
fi
$T modules unload > /dev/null 2>&1
nd_down 2>/dev/null
modprobe -r dax_pmem dax_dev dax_core 2>/dev/null
true
