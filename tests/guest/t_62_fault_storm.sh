# SPDX-License-Identifier: GPL-2.0
# Unbind and unload during a fault storm (Req-06, Req-61): four threads map
# 64 MiB of daxkit0.0 (2 MiB alignment), fault on every 2 MiB, unmap, and
# again; the device goes away under them.  Every thread's next fault gets
# SIGBUS (or its next mmap is refused), the process ends within 10 s, the
# stack still unloads, and the kernel log stays clean (checked for the
# whole run by the host).
. /tests/lib.sh

MB=1048576
D=/dev/daxkit0.0

# storm ACTION...: start the storm, let it run a second, do ACTION, expect
# the storm to end by itself.
storm() {
	local pid
	: > /tmp/storm.out
	/tests/bin/daxmap $D storm $((64 * MB)) $((2 * MB)) 4 > /tmp/storm.out 2>&1 &
	pid=$!
	bg_wait_for /tmp/storm.out mapped
	sleep 1
	# A storm it is: the threads have faulted many times already.
	faults=$(awk '{ print $10 }' /proc/$pid/stat 2>/dev/null)
	if [ "${faults:-0}" -lt 100 ]; then
		kill -9 $pid; wait $pid 2>/dev/null
		echo "only ${faults:-no} page faults in the first second"; return 1
	fi
	echo "$faults faults before the device went away" >&2
	"$@"
	bg_expect_end $pid /tmp/storm.out
}
unbind() { echo daxkit0.0 > /sys/bus/daxkit/drivers/dax_dev/unbind; }

t=dax-dev-req61-fault-storm-unbind
if ! modprobe dax_pmem || ! wait_for $D; then
	fail $t "no $D"
elif ! out=$(storm unbind 2>/tmp/storm.faults); then
	fail $t "$out"
elif ! echo daxkit0.0 > /sys/bus/daxkit/drivers/dax_dev/bind || ! wait_for $D ||
	! out=$(/tests/bin/daxmap $D write $((128 * MB)) $((4 * MB)) 62); then
	fail $t "the device is not usable after binding again: $out"
else
	pass $t
	echo "NOTE: $t: $(cat /tmp/storm.faults)"
fi

t=dax-dev-req61-fault-storm-unload
if [ ! -c $D ]; then
	fail $t "no $D"
elif ! out=$(storm modprobe -r dax_pmem 2>/tmp/storm.faults); then
	fail $t "$out"
elif loaded dax_pmem; then
	fail $t "dax_pmem is still loaded"
elif ! modprobe -r dax_dev dax_core; then
	fail $t "dax_dev and dax_core did not unload after the storm"
else
	pass $t
fi
modprobe -r dax_pmem dax_dev dax_core 2>/dev/null
true
