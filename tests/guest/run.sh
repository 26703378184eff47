# SPDX-License-Identifier: GPL-2.0
# Runs every guest test file in order (or those whose names start t_$DAXKIT_ONLY);
# each prints its RESULT lines.
. /tests/lib.sh
for t in /tests/t_${DAXKIT_ONLY:-}*.sh; do
	echo "== $(basename "$t")"
	start=$(date +%s)
	sh "$t" || echo "RESULT: FAIL $(basename "$t" .sh): exited $?"
	echo "NOTE: $(basename "$t") took $(( $(date +%s) - start )) s"
	# Each test file leaves no daxkit module behind.
	left=$(awk '$1 ~ /^(dax_(core|dev|pmem|fs_helper)|daxkitfs)$/ { print $1 }' /proc/modules)
	if [ -n "$left" ]; then
		echo "RESULT: FAIL $(basename "$t" .sh)-cleanup: left loaded: $left"
		for m in daxkitfs dax_pmem dax_dev dax_fs_helper dax_core; do
			/sbin/rmmod $m 2>/dev/null
		done
	fi
done
# On kernels with kmemleak (the debug lane): nothing daxkit allocated
# during the suite may be left unreferenced.
if leaks=$(kmemleak_ours); then
	if [ -z "$leaks" ]; then
		echo "RESULT: PASS kmemleak-no-daxkit-leaks"
	else
		echo "RESULT: FAIL kmemleak-no-daxkit-leaks: $(echo "$leaks" | grep -E '^unreferenced|\[' | head -n 6 | tr '\n' '|')"
	fi
fi
