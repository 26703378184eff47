# SPDX-License-Identifier: GPL-2.0
# dax_fs_helper (issue 16): its KTAP self-test (tests/kmod/dax_fs_selftest.c)
# on the legacy range served with fsdax pages (dax_pmem fsdax=0), where the
# 1 GiB ranges= region, served without them, must be refused; then on a
# devdax namespace of the emulated NVDIMM served with fsdax pages
# (fsdax=(X+1)*100+Y).  Each KTAP result becomes a RESULT line; the plan
# must match.  The kernel's fs_dax tracepoints show what fsync wrote back
# in the first run: exactly the entries the test dirtied (Req-54, Req-56).
. /tests/lib.sh

T=/sys/kernel/debug/tracing
[ -d $T/events ] || T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

# selftest PREFIX ARGS...: insmod the self-test with ARGS, one RESULT line
# per KTAP result named PREFIX-NAME, and PREFIX-plan.  Leaves it loaded.
selftest() {
	local p=$1 out plan n line
	shift
	klog_mark "$p"
	if ! insmod /test/kmod/dax_fs_selftest.ko "$@"; then
		fail "$p" "insmod dax_fs_selftest $* failed"
		return 1
	fi
	out=$(klog_since "$p" | sed 's/^\[[^]]*\] //' | sed -n 's/^dax_fs_selftest: //p')
	plan=$(echo "$out" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p')
	echo "$out" | grep -E '^(not )?ok [0-9]+ ' > /tmp/ktap
	while read -r line; do
		set -- $line
		case $line in
		"ok "*" # SKIP "*) echo "NOTE: $p-$3 skipped: ${line#* # SKIP }" ;;
		ok*) pass "$p-$3" ;;
		*) fail "$p-$4" "${line#* # }" ;;
		esac
	done < /tmp/ktap
	n=$(wc -l < /tmp/ktap)
	if [ -z "$plan" ] || [ "$n" != "$plan" ]; then
		fail "$p-plan" "KTAP plan '$plan', results $n"
	else
		pass "$p-plan"
	fi
}

t=fs-helper-load
if ! modprobe dax_pmem fsdax=0 ranges=0x40000000@0x100000000 || ! wait_for /dev/daxkit0.0; then
	fail $t "modprobe dax_pmem fsdax=0 failed: $(dmesg | tail -n 3 | tr '\n' '|')"
	modprobe -r dax_pmem
	exit 0
fi
R0=/sys/devices/platform/daxkit_pmem.0/daxkit_region/pages
case $(rd $R0) in
fsdax) pass fs-helper-region-pages-fsdax ;;
*) fail fs-helper-region-pages-fsdax "region 0 shows '$(rd $R0)'" ;;
esac
if ! modprobe dax_fs_helper; then
	fail $t "modprobe dax_fs_helper failed"
	modprobe -r dax_pmem
	exit 0
fi
pass $t

ev=$T/events/fs_dax/dax_writeback_one
trace=no
if [ -f $ev/enable ]; then
	echo > $T/trace
	echo 1 > $ev/enable && trace=yes
fi
selftest fs-selftest dev=daxkit0.0 devdax=daxkit16.0
[ $trace = yes ] && echo 0 > $ev/enable

# What fsync wrote back, as fs/dax.c traced it: the 4K entry at page 1 and
# the 2M entry at page 0x200, then page 1 again after the second store,
# then page 2, which the MAP_SYNC store dirtied.
t=fs-fsync-wrote-back-exactly-the-dirty-entries
if [ $trace != yes ]; then
	echo "NOTE: $t: no fs_dax tracepoints in this kernel"
else
	got=$(grep -o 'pgoff 0x[0-9a-f]* pglen 0x[0-9a-f]*' $T/trace | tr '\n' ',')
	want='pgoff 0x1 pglen 0x1,pgoff 0x200 pglen 0x200,pgoff 0x1 pglen 0x1,pgoff 0x2 pglen 0x1,'
	if [ "$got" = "$want" ]; then
		pass $t
	else
		fail $t "traced writebacks '$got', want '$want'"
	fi
fi

# The device is free again after rmmod: the node opens.
rmmod dax_fs_selftest
t=fs-helper-device-free-after-put
if exec 3<>/dev/daxkit0.0; then
	exec 3>&-
	pass $t
else
	fail $t "/dev/daxkit0.0 does not open after the test let it go"
fi
# With no filesystem holding it, the node maps an fsdax region's device,
# except where device memory is mapped as folios: fsdax pages are fs/dax.c's
# there (6.17 and newer), and mmap says ENODEV.
t=fs-helper-fsdax-device-node-mapping
if pages_are_folios; then
	if out=$(/tests/bin/daxmap /dev/daxkit0.0 write $((4 << 20)) $((2 << 20)) 86 2>&1); then
		fail $t "mmap of an fsdax region's node worked on a folio kernel"
	else
		case $out in
		*"No such device"*) pass $t ;;
		*) fail $t "mmap refused with '$out', want ENODEV" ;;
		esac
	fi
elif out=$(/tests/bin/daxmap /dev/daxkit0.0 write $((4 << 20)) $((2 << 20)) 86 2>&1) &&
	out=$(/tests/bin/daxmap /dev/daxkit0.0 verify $((4 << 20)) $((2 << 20)) 86 2>&1); then
	pass $t
else
	fail $t "/dev/daxkit0.0: $out"
fi
modprobe -r dax_fs_helper dax_pmem

# nd_fs_namespace: a 32 MiB devdax namespace daxkit-fs.  The region's labels
# are set up by t_70, whose namespaces reboot.sh checks: they are set up
# here only when t_70 has not run (daxkit.only=86).
nd_fs_namespace() {
	local create="ndctl create-namespace -m devdax -M dev -s 32M -n daxkit-fs -r region0"

	$create 2>&1 && return 0
	nd_dax_of daxkit-a > /dev/null && return 1
	ndctl disable-region all > /dev/null 2>&1 && ndctl init-labels -f all > /dev/null 2>&1 &&
		ndctl enable-region all > /dev/null 2>&1 && $create 2>&1
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
		selftest fs-nd-selftest dev=daxkit$id.0 && rmmod dax_fs_selftest
		modprobe -r dax_fs_helper
	fi
	modprobe dax_pmem && ndctl destroy-namespace -f "$ns" > /dev/null 2>&1 ||
		fail $t-cleanup "ndctl destroy-namespace $ns failed"
fi
modprobe -r dax_pmem
nd_down
if loaded dax_pmem || loaded dax_fs_helper; then
	fail fs-helper-unload "daxkit modules still loaded"
else
	pass fs-helper-unload
fi
