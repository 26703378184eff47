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
