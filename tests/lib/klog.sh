# SPDX-License-Identifier: GPL-2.0
# Reading the guest's serial log.  Source it.

# The kernel's own markers of an oops, BUG, WARNING, lockdep or RCU splat,
# KASAN/UBSAN/kmemleak report, hung task or panic.  Matched only against
# kernel-log lines (those with a printk timestamp), so neither the boot
# command line (oops=panic) nor a test's own output can trip it.
KLOG_SPLAT_RE='(Oops:|BUG:|WARNING:|kernel BUG at|Kernel panic|general protection fault|Unable to handle kernel|Call Trace:|INFO: task .* blocked for more than|INFO: rcu_[a-z]* (self-)?detected stall|rcu: INFO:|possible recursive locking|possible circular locking|suspicious RCU usage|UBSAN:|KASAN:|kmemleak: [0-9]+ new suspected)'

# klog_lines LOG: the kernel-log lines of a serial log, \r removed.
klog_lines() { tr -d '\r' < "$1" | grep -E '^\[ *[0-9]+\.[0-9]+\] '; }

# klog_splats LOG: prints every splat line; true when there is one.
klog_splats() { klog_lines "$1" | grep -E "$KLOG_SPLAT_RE"; }

# serial_has ERE LOG: true when a line of the serial log (\r removed)
# matches.  grep reads to the end (no -q): under pipefail, a writer cut off
# by an early exit would otherwise turn a match into a failure.
serial_has() { tr -d '\r' < "$2" | grep -E "$1" > /dev/null; }

# guest_boot VMLINUZ INITRD MODE LOG [LIMIT]: boots the guest (boot.sh)
# and returns QEMU's status.  A guest that died before /init ran never
# reached daxkit's code: that is the emulator (software TCG on a loaded
# machine), not the suite; it boots once more and says so, keeping the
# first console log as LOG.first-boot.
guest_boot() {
	local rc=0
	"$DAXKIT_SRC/tests/vm/boot.sh" "$@" || rc=$?
	if ! serial_has '^DAXKIT-GUEST-START' "$4"; then
		cp "$4" "$4.first-boot"
		log "the guest died before /init (see $4.first-boot); booting again"
		rc=0
		"$DAXKIT_SRC/tests/vm/boot.sh" "$@" || rc=$?
	fi
	return $rc
}

# guest_results LOG: the guest's RESULT lines from the quiet block after
# its run, one "VERDICT TEST WHY" per line.
guest_results() {
	tr -d '\r' < "$1" | sed -n '/^DAXKIT-RESULTS-BEGIN$/,/^DAXKIT-RESULTS-END$/p' |
		sed -n 's/^RESULT: \(PASS\|FAIL\) \([^:]*\)\(: \(.*\)\)\{0,1\}$/\1 \2 \4/p'
}

# guest_run VMLINUZ INITRD MODE LOG LIMIT NAME: guest_boot, then every
# result of the guest and one more, NAME, that passes when the guest
# finished, each through the caller's res VERDICT TEST [WHY].  Returns
# QEMU's status (124: timed out).
guest_run() {
	local rc=0 why
	guest_boot "$1" "$2" "$3" "$4" "$5" || rc=$?
	guest_results "$4" |
		while read -r verdict test why; do res "$verdict" "$test" "$why"; done
	if serial_has '^DAXKIT-GUEST-DONE' "$4"; then
		res PASS "$6"
	else
		why="the guest did not finish (qemu exit $rc)"
		[ $rc != 124 ] || why="timed out"
		res FAIL "$6" "$why; tail: $(tr -d '\r' < "$4" | tail -n 5 | tr '\n' '|')"
	fi
	return $rc
}
