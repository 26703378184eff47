# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest tests (busybox sh).  Source it.

# Busybox's sh runs its own applets before anything on PATH: route the
# module tools to kmod, as on an installed system.
modprobe() { /sbin/modprobe "$@"; }
insmod() { /sbin/insmod "$@"; }
rmmod() { /sbin/rmmod "$@"; }
lsmod() { /sbin/lsmod "$@"; }
modinfo() { /sbin/modinfo "$@"; }

pass() { echo "RESULT: PASS $1"; }
fail() { echo "RESULT: FAIL $1: $2"; }

# check NAME CMD...: NAME passes when CMD succeeds; its output, on one
# line, says why when it does not.
check() {
	local t=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$t"; else fail "$t" "$(echo "$out" | tr '\n' '|')"; fi
}

# expect NAME WANT GOT WHAT: NAME passes when GOT is WANT.
expect() { [ "$3" = "$2" ] && pass "$1" || fail "$1" "$4: got '$3', want '$2'"; }

# loaded MOD: true when module MOD is in the kernel.
loaded() { [ -d "/sys/module/$1" ] && [ -f "/sys/module/$1/refcnt" ]; }

# 0 when this kernel's device pages are folios compound at the region's
# alignment (v6.17: no pfn_t, DAXKIT_PGMAP_COMPOUND): devices of a 2M region
# are carved in whole 2M folios there, so a 4K device is refused (item 11).
pages_are_folios() { ! grep -q '^#define HAVE_PFN_T' /etc/daxkit-compat.h; }

# 0 when dax_core shows devdax namespaces' devices in class dax: the
# kernel's DAX core does not own that class (issue 15, dax_core/view.c).
has_class_view() { grep -q '^#define HAVE_DAX_CLASS_FREE' /etc/daxkit-compat.h; }

# chrdev_major NAME: the major of char driver NAME in /proc/devices.
chrdev_major() {
	awk -v n="$1" '/^Character devices:/ { c = 1; next }
		/^Block devices:/ { c = 0 }
		c && $2 == n { print $1 }' /proc/devices
}

# expected_version MOD: the version in MOD's VERSION file at build time.
expected_version() { awk -v m="$1" '$1 == m { print $2 }' /etc/daxkit-versions; }

# wr VALUE FILE: write VALUE to a sysfs FILE; prints the shell's error, if any.
wr() { ( echo "$1" > "$2" ) 2>&1; }

# rd FILE: the file's first line, without forking; empty if it cannot be read.
rd() { local v; { read -r v < "$1"; } 2>/dev/null; echo "$v"; }

# refused TEST VALUE FILE ERRNO-TEXT: writing VALUE to FILE must fail with
# ERRNO-TEXT (the shell's words for the errno).
refused() {
	local e
	e=$(wr "$2" "$3")
	case $e in
	*"$4"*) pass "$1" ;;
	*) fail "$1" "'$2' > ${3##*/}: '${e:-accepted}', want '$4'" ;;
	esac
}

# Marks the kernel log so a test can read only what it caused.
klog_mark() { echo "<6>daxkit-test: $1" > /dev/kmsg; }
klog_since() { dmesg | sed -n "/daxkit-test: $1\$/,\$p"; }

# kmemleak_ours: scans for leaks (twice, as kmemleak reports an object
# only once it has stayed unreferenced for a whole scan) and prints the
# reports whose backtrace runs through a daxkit module: by name, or by a
# module-space address left unnamed because the module is gone.  Returns
# 2 on a kernel without kmemleak.
kmemleak_ours() {
	k=/sys/kernel/debug/kmemleak
	[ -w $k ] || return 2
	sleep 6    # objects younger than 5 s are not reported
	echo scan > $k
	echo scan > $k
	awk '/^unreferenced object/ { if (ours) print blk; blk = $0; ours = 0; next }
		{ blk = blk "\n" $0 }
		/\[(dax_[a-z_]+|daxkit_[a-z_]+)\]$/ || / 0xffffffff[a-f][0-9a-f]+$/ { ours = 1 }
		END { if (ours) print blk }' $k
}

# --- libnvdimm helpers (the emulated NVDIMM) ---
ND=/sys/bus/nd/devices

# nd_region: the emulated NVDIMM's region (regionN on the ACPI NFIT's bus).
# Not always region0: region ids are memregion ids, which the in-tree
# hmem takes first on 5.10 and 6.1 for the soft-reserved range (boot.sh).
nd_region() {
	local r
	for r in $ND/region*; do
		case $(readlink -f "$r") in */ACPI0012:*) echo "${r##*/}"; return 0 ;; esac
	done
	return 1
}

# nd_up: nfit and nd_pmem loaded, the NVDIMM's region present, its name in
# NDR.  Returns 1 if not.
nd_up() {
	modprobe nfit && modprobe nd_pmem || return 1
	local i=0
	while [ $i -lt 40 ] && ! NDR=$(nd_region); do sleep 0.25; i=$((i + 1)); done
	[ -n "$NDR" ]
}

# intree_dax_pmem_load: the kernel's own dax_pmem (shadowed by ours for
# modprobe), loaded by path after its dependencies, with device_dax.
intree_dax_pmem_load() {
	local ko dep
	ko=$(find /lib/modules/"$(uname -r)"/kernel -name 'dax_pmem.ko*' | head -n 1)
	[ -n "$ko" ] || return 1
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$ko" && modprobe device_dax
}

# nd_dax_of NAME: the nd_dax device claiming the namespace named NAME.
nd_dax_of() {
	local d ns
	for d in $ND/dax*; do
		read -r ns < "$d/namespace" 2>/dev/null || continue
		[ -n "$ns" ] && [ "$(cat "$ND/$ns/alt_name" 2>/dev/null)" = "$1" ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

# nd_driver DAX: the driver the nd_dax device DAX is bound to, or nothing.
nd_driver() { [ -e "$ND/$1/driver" ] && basename "$(readlink "$ND/$1/driver")"; }

# daxkit_of DAX: the daxkit device (daxkitR.0) serving nd_dax device DAX.
daxkit_of() {
	local id
	read -r id < "$ND/$1/daxkit_region/id" 2>/dev/null && echo "daxkit$id.0"
}

# intree_chardev_of DAX: the in-tree device-dax device (daxR.N) of DAX.
intree_chardev_of() {
	local c
	for c in "$ND/$1"/dax[0-9]*.[0-9]*; do
		[ -e "$c/size" ] && { basename "$c"; return 0; }
	done
	return 1
}

# region_of DEV: the daxkit_region directory of daxkit device DEV (its
# provider's), where create, delete and the region's attributes are.
region_of() { echo "$(readlink -f /sys/bus/daxkit/devices/$1/..)/daxkit_region"; }

# dev_at RESOURCE: the daxkitR.0 whose memory starts at RESOURCE; false
# when there is none.
dev_at() {
	local d
	for d in /sys/bus/daxkit/devices/daxkit*.0; do
		[ "$(rd $d/resource)" = "$1" ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

# wait_for PATH: up to 10 s for PATH to exist.
wait_for() {
	local i=0
	while [ $i -lt 40 ] && [ ! -e "$1" ]; do sleep 0.25; i=$((i + 1)); done
	[ -e "$1" ]
}

# nd_down: every daxkit module, the in-tree dax ones and the libnvdimm
# stack gone, so that no namespace (nd_e820's over the legacy range, say)
# is left holding memory a later test expects to be free.
nd_down() {
	local m
	for m in daxkitfs dax_pmem dax_dev dax_fs_helper dax_core dax_pmem_compat dax_pmem_core \
		device_dax nd_pmem nd_btt nd_e820 nfit libnvdimm; do
		loaded $m && rmmod $m 2>/dev/null
	done
	true
}

# bg_wait_for OUT WORD: up to 5 s for WORD to show in OUT, a background
# program's output.
bg_wait_for() {
	local i=0
	while [ $i -lt 50 ] && ! grep -q "$2" "$1"; do sleep 0.1; i=$((i + 1)); done
}

# bg_expect_end PID OUT: the background program PID, whose device went
# away, must end by itself within 10 s with a line "ok: ..." in OUT.
# Prints why not.
bg_expect_end() {
	local i=0
	while [ $i -lt 100 ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1"; wait "$1" 2>/dev/null
		echo "it went on after the device went away"; return 1
	fi
	wait "$1" 2>/dev/null
	grep -q '^ok: ' "$2" || { tr '\n' '|' < "$2"; return 1; }
}

# holder_hears TEST DEV OFF [HOLDER-ARGS]: with tests/kmod/daxkit_holder.ko
# holding DEV (daxkitR.N; HOLDER-ARGS say which), poison injected at byte
# OFF of DEV through hwpoison_inject must reach the holder as "failure at
# offset OFF len 0x1000" (Req-15).  Passes or fails TEST; the holder and
# hwpoison_inject are unloaded after.
holder_hears() {
	local t=$1 k=$2 off=$3 start pfn got want
	shift 3
	start=$(cat /sys/bus/daxkit/devices/$k/resource)
	pfn=$(((start + off) / 4096))
	klog_mark $t
	if ! insmod /test/kmod/daxkit_holder.ko "$@"; then
		fail $t "the test holder could not hold $k"
		return
	fi
	if ! modprobe hwpoison_inject || ! echo $pfn > /sys/kernel/debug/hwpoison/corrupt-pfn; then
		fail $t "cannot inject poison at pfn $pfn"
	else
		got=$(klog_since $t | grep -o "daxkit_holder: $k: failure at .*")
		want=$(printf "daxkit_holder: $k: failure at offset %#x len 0x1000" $off)
		case "$got" in
		"$want flags "*) pass $t ;;
		'') fail $t "the holder heard nothing: $(klog_since $t | grep -i -m2 -e memory -e dax | tr '\n' '|')" ;;
		*) fail $t "the holder heard '$got', want '$want'" ;;
		esac
	fi
	rmmod daxkit_holder
	modprobe -r hwpoison_inject 2>/dev/null
}

# --- regions stacked on pmem block devices (dax_pmem's stack requests) ---
# Where the requests go, in one place: the daxkit bus (issue 14 item 18;
# dax_pmem's stack parameter is read-only, for the load).
STACK_REQ=/sys/bus/daxkit/stack
UNSTACK_REQ=/sys/bus/daxkit/unstack

# stack_req BLKPATH / unstack_req BLKPATH: ask for a region on the block
# device, or for its release; print the shell's error, if any.
stack_req() { wr "$1" $STACK_REQ; }
unstack_req() { wr "$1" $UNSTACK_REQ; }

# stacked_dev BLKPATH: the daxkit device (daxkitR.0) stacked on BLKPATH.
stacked_dev() { rd $STACK_REQ | sed -n "s|.*$1=\(daxkit[0-9]*\).*|\1.0|p"; }

# --- the clients: fio, daxctl, PMDK of the lane's Debian suite (t_80) ---
# The suite's chroot, shared read-only over 9p (tests/vm/clients.sh);
# DAXKIT_CLIENTS names the suite, "none" where the lane has none.
CL=/clients

# mounted DIR: something is mounted on DIR (busybox has no mountpoint).
mounted() { awk -v d="$1" '$2 == d { f = 1 } END { exit !f }' /proc/mounts; }

# clients_up: the chroot mounted at $CL with /dev, /sys, /proc and a
# writable /tmp; returns 1 if it cannot be.
clients_up() {
	mounted $CL/tmp && return 0
	# The 9p device is a virtio PCI device: t_74 unloads virtio_pci.
	modprobe virtio_pci 2>/dev/null
	modprobe 9pnet_virtio && modprobe 9p || return 1
	mkdir -p $CL
	mounted $CL || mount -t 9p -o trans=virtio,version=9p2000.L,ro clients $CL || return 1
	mount -o bind /dev $CL/dev && mount -o bind /sys $CL/sys &&
		mount -o bind /proc $CL/proc && mount -t tmpfs tmpfs $CL/tmp
}

# clients_down: undo clients_up.
clients_down() {
	local m
	for m in tmp proc sys dev; do mounted $CL/$m && umount $CL/$m; done
	mounted $CL && umount $CL
	modprobe -r 9p 9pnet_virtio 2>/dev/null
	true
}

# cl CMD...: run CMD in the clients' chroot, as a login shell would.
cl() { chroot $CL /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LC_ALL=C.UTF-8 "$@"; }

# view_of DAX: the class dax device (daxR.n) daxkit shows for nd_dax DAX.
view_of() {
	local v
	for v in "$ND/$1"/dax/dax[0-9]*.[0-9]*; do
		[ -e "$v/size" ] && { basename "$v"; return 0; }
	done
	return 1
}

# fs_selftest PREFIX ARGS...: insmod dax_fs_helper's self-test with ARGS,
# one RESULT line per KTAP result named PREFIX-NAME, and PREFIX-plan.  Leaves it loaded.
fs_selftest() {
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
