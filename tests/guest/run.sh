# SPDX-License-Identifier: GPL-2.0
# Runs every guest test file in order; each prints its RESULT lines.
for t in /tests/t_*.sh; do
	echo "== $(basename "$t")"
	sh "$t" || echo "RESULT: FAIL $(basename "$t" .sh): exited $?"
done
