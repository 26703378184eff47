#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest-log scanner that fails a VM run on a splat: it catches each
# kind of report the kernel prints, and is not fooled by the boot command
# line (oops=panic) or by test output that merely mentions the words.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/klog.sh"

f=$(mktemp)
trap 'rm -f "$f"' EXIT
clean_log() {
	printf '%s\r\n' \
		'[    0.000000] Command line: console=ttyS0 panic=-1 oops=panic' \
		'[    2.100000] dax_core: ABI 1.0, chrdev major 246' \
		'RESULT: PASS a test that says WARNING: and BUG: in its own output' \
		'[    2.200000] dax_dev: built for dax_core ABI 2.0, refusing to load'
}

t=klog-scan-clean-log-passes
clean_log > "$f"
if out=$(klog_splats "$f"); then fail $t "flagged: $out"; else pass $t; fi

n=0
while IFS= read -r line; do
	clean_log > "$f"
	printf '%s\r\n' "$line" >> "$f"
	klog_splats "$f" > /dev/null || { fail klog-scan-catches "missed: $line"; n=$((n + 1)); }
done <<'EOF2'
[   12.000001] Oops: general protection fault, probably for non-canonical address 0xdead: 0000 [#1] PREEMPT SMP NOPTI
[   12.000002] BUG: kernel NULL pointer dereference, address: 0000000000000008
[   12.000003] WARNING: CPU: 1 PID: 77 at mm/huge_memory.c:2014 __split_huge_pud+0x1/0x2
[   12.000004] kernel BUG at mm/huge_memory.c:2014!
[   12.000005] WARNING: possible circular locking dependency detected
[   12.000006] WARNING: suspicious RCU usage
[   12.000007] BUG: sleeping function called from invalid context at mm/page_alloc.c:5300
[   12.000008] BUG: KASAN: use-after-free in dax_core_put+0x20/0x40 [dax_core]
[   12.000009] UBSAN: shift-out-of-bounds in dax_dev/dev.c:10:2
[   12.000010] INFO: task modprobe:123 blocked for more than 120 seconds.
[   12.000011] rcu: INFO: rcu_preempt self-detected stall on CPU
[   12.000012] Kernel panic - not syncing: Fatal exception
[   12.000013] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
EOF2
[ $n = 0 ] && pass klog-scan-catches-every-marker
