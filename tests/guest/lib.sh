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

# loaded MOD: true when module MOD is in the kernel.
loaded() { [ -d "/sys/module/$1" ] && [ -f "/sys/module/$1/refcnt" ]; }

# chrdev_major NAME: the major of char driver NAME in /proc/devices.
chrdev_major() {
	awk -v n="$1" '/^Character devices:/ { c = 1; next }
		/^Block devices:/ { c = 0 }
		c && $2 == n { print $1 }' /proc/devices
}

# expected_version MOD: the version in MOD's VERSION file at build time.
expected_version() { awk -v m="$1" '$1 == m { print $2 }' /etc/daxkit-versions; }

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
