# SPDX-License-Identifier: GPL-2.0
# dax_core's in-kernel self-test (tests/kmod/dax_core_test.c): its KTAP
# results become one RESULT line each; the plan must match the count.
# Where KUnit is built in, its run of the same tests must pass too.
. /tests/lib.sh

modprobe dax_core || { fail core-selftest "modprobe dax_core failed"; exit 0; }
klog_mark core-selftest
if ! insmod /test/kmod/dax_core_test.ko selftest=1; then
	fail core-selftest "insmod dax_core_test failed"
	modprobe -r dax_core
	exit 0
fi
out=$(klog_since core-selftest | sed 's/^\[[^]]*\] //')
plan=$(echo "$out" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p')
n=0
echo "$out" | grep -E '^(not )?ok [0-9]+ dax_core_' > /tmp/ktap
while read -r line; do
	n=$((n + 1))
	name=${line##* }
	case $line in
	ok*) pass "$name" ;;
	*) fail "$name" "$(echo "$out" | grep -F '    # ' | grep -F "t_" | head -n 3 | tr '\n' '|')" ;;
	esac
done < /tmp/ktap
n=$(wc -l < /tmp/ktap)
if [ -z "$plan" ] || [ "$n" != "$plan" ]; then
	fail core-selftest-plan "KTAP plan '$plan', results $n"
else
	pass core-selftest-plan
fi
# Kernels with KUnit built in (the debug lane) also ran the same tests as
# the KUnit suite daxkit_core: one result per test, and the suite's own.
if [ -d /sys/module/kunit ]; then
	t=core-kunit-suite
	kout=$(echo "$out" | sed 's/^[[:space:]]*//')
	# Its per-test results are indented (subtests); ours are not.
	nk=$(echo "$out" | grep -cE '^[[:space:]]+ok [0-9]+ (- )?dax_core_')
	if ! echo "$kout" | grep -qE '^# Subtest: daxkit_core$'; then
		fail $t "no KUnit suite daxkit_core in the kernel log"
	elif ! echo "$kout" | grep -qE '^ok [0-9]+ (- )?daxkit_core$'; then
		fail $t "$(echo "$kout" | grep -E '^not ok' | head -n 3 | tr '\n' '|')"
	elif [ "$nk" != "$plan" ]; then
		fail $t "$nk KUnit results, KTAP plan $plan"
	else
		pass $t
	fi
fi
rmmod dax_core_test
modprobe -r dax_core
