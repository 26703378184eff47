# SPDX-License-Identifier: GPL-2.0
# Runs every guest test file in order; each prints its RESULT lines.
for t in /tests/t_*.sh; do
	echo "== $(basename "$t")"
	sh "$t" || echo "RESULT: FAIL $(basename "$t" .sh): exited $?"
	# Each test file leaves no daxkit module behind.
	left=$(awk '$1 ~ /^dax_(core|dev|pmem|fs_helper)$/ { print $1 }' /proc/modules)
	if [ -n "$left" ]; then
		echo "RESULT: FAIL $(basename "$t" .sh)-cleanup: left loaded: $left"
		for m in dax_pmem dax_dev dax_fs_helper dax_core; do
			/sbin/rmmod $m 2>/dev/null
		done
	fi
done
