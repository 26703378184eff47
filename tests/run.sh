#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: installs what the suite needs, runs the host tests,
# then on every kernel of the matrix (KERNELS="6.1 sid" picks a subset)
# the VM suite and the package lane (the .deb installed in that suite's
# chroot, its modules booted), then the VM suite on the debug kernel
# (tests/vm/debug: lockdep, PROVE_RCU, KASAN, kmemleak; built once, about
# 12 minutes cold here; DEBUG_KERNEL=0 leaves it out, DEBUG_KERNEL=auto runs
# it only when it is already built), and on 6.1 the power-cut lane of
# daxkitfs (tests/vm/powercut.sh; POWERCUT=0 leaves it out).  Prints a
# table per kernel and ends with "N passed, N failed"; exits non-zero on
# any failure.  The full output is kept in $DAXKIT_CACHE/last-run.log.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"

start=$(date +%s)
ensure_host_packages
run_log=$DAXKIT_CACHE/last-run.log
: > "$run_log"

run() {
	log "running $*"
	"$@" 2>&1 | tee -a "$run_log" | grep --line-buffered -E '^RESULT: |^\[daxkit\]'
	local rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || fail "$(basename "$1")${2:+ [$2]}" "exited $rc" | tee -a "$run_log"
}

lanes=${KERNELS:-$DAXKIT_MATRIX}
case ${DEBUG_KERNEL:-1} in
0) ;;
auto) "$DAXKIT_SRC/tests/vm/debug/kernel.sh" --cached > /dev/null 2>&1 && lanes="$lanes debug" ;;
*) lanes="$lanes debug" ;;
esac
# A debug kernel that is not built yet builds in the background (niced,
# so that the guests of the other lanes keep their pace) while the other
# lanes run: on two cores that is most of a cold run.
debug_build=
case " $lanes " in *" debug "*)
	if ! "$DAXKIT_SRC/tests/vm/debug/kernel.sh" --cached > /dev/null 2>&1; then
		log "building the debug kernel in the background (log: $DAXKIT_CACHE/debug-build.log)"
		nice -n 19 "$DAXKIT_SRC/tests/vm/debug/kernel.sh" > "$DAXKIT_CACHE/debug-build.log" 2>&1 &
		debug_build=$!
	fi ;;
esac
for t in "$DAXKIT_SRC"/tests/host/t_*.sh; do
	run "$t"
done
for k in $lanes; do
	if [ "$k" = debug ] && [ -n "$debug_build" ]; then
		log "waiting for the debug kernel build"
		if ! wait "$debug_build"; then
			fail debug-kernel-build "$(tail -n 5 "$DAXKIT_CACHE/debug-build.log" | tr '\n' '|')" | tee -a "$run_log"
			continue
		fi
	fi
	run "$DAXKIT_SRC/tests/vm/suite.sh" "$k"
	[ "$k" = debug ] || run "$DAXKIT_SRC/tests/vm/package.sh" "$k"
	# The power-cut lane of daxkitfs (about 6 minutes), on one kernel:
	# POWERCUT=NAME picks another, POWERCUT=0 leaves it out.  It boots
	# the build suite.sh just made.
	if [ "$k" = "${POWERCUT:-6.1}" ]; then
		DAXKIT_PC_REUSE_BUILD=1 run "$DAXKIT_SRC/tests/vm/powercut.sh" "$k"
	fi
done

passed=$(grep -c '^RESULT: PASS ' "$run_log")
failed=$(grep -c '^RESULT: FAIL ' "$run_log")
log "took $(( $(date +%s) - start ))s; full output in $run_log"
echo
printf '%-6s %-26s %-14s %-8s %-8s %s\n' kernel release build-warnings passed failed splats
for k in $lanes; do
	line=$(grep "^MATRIX: $k " "$run_log" | tail -n1)
	if [ -n "$line" ]; then
		set -- $line
		printf '%-6s %-26s %-14s %-8s %-8s %s\n' "$2" "$3" "$4" "$5" "$6" "$7"
	else
		printf '%-6s %-26s %s\n' "$k" "-" "did not run to the end (see $run_log)"
	fi
done
echo
if [ "$failed" -gt 0 ]; then
	echo "failed tests:"
	grep '^RESULT: FAIL ' "$run_log" | sed 's/^RESULT: FAIL /  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
