#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: installs what the suite needs, runs the host tests and
# the VM suite, and ends with "N passed, N failed".  Exits non-zero on any
# failure.  The full output is kept in $DAXKIT_CACHE/last-run.log.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"

start=$(date +%s)
ensure_host_packages
run_log=$DAXKIT_CACHE/last-run.log
: > "$run_log"

run() {
	log "running $*"
	"$@" 2>&1 | tee -a "$run_log" | grep -E '^RESULT: |^\[daxkit\]'
	local rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || fail "$(basename "$1")" "exited $rc" | tee -a "$run_log"
}

for t in "$DAXKIT_SRC"/tests/host/t_*.sh; do
	run "$t"
done
run "$DAXKIT_SRC/tests/vm/suite.sh"

passed=$(grep -c '^RESULT: PASS ' "$run_log")
failed=$(grep -c '^RESULT: FAIL ' "$run_log")
log "took $(( $(date +%s) - start ))s; full output in $run_log"
if [ "$failed" -gt 0 ]; then
	echo "failed tests:"
	grep '^RESULT: FAIL ' "$run_log" | sed 's/^RESULT: FAIL /  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
