#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 14 item 17: the naming rule of the README's layout section, and
# locked helpers that assert their lock.
#   item17-exports-prefixed: every function a module exports carries the
#	module's prefix (dax_core_, dax_dev_, dax_pmem_, dax_fs_,
#	daxkitfs_; daxkitfs exports nothing today).
#   item17-registry-variables-dcore: a struct dax_core_device is held in a
#	variable named dcore (in a search of a list: the cursor pos and the
#	result found), never in one named dax_dev (the kernel's struct
#	dax_device's name).
#   item17-locked-helpers-assert: the helpers that change or read a
#	device's layout under its region's lock (grow, shrink, drop the last
#	range, clear owners, dax_core_dev_size) and every function whose
#	comment says a lock is held assert it (lockdep_assert_held,
#	lockdep_is_held or device_lock_assert).
# DAXKIT_T17_SRC checks another tree (the code before the fix).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

cd "${DAXKIT_T17_SRC:-$DAXKIT_SRC}" || exit 1
mods="dax_core dax_dev dax_pmem dax_fs_helper daxkitfs"

t=item17-exports-prefixed
bad= n=0
for m in $mods; do
	prefix=${m%_helper}_
	for sym in $(exports $m/*.c); do
		n=$((n + 1))
		case $sym in "$prefix"*) ;; *) bad="$bad $m:$sym" ;; esac
	done
done
if [ -n "$bad" ]; then
	fail $t "exported without the module's prefix:$bad"
elif [ "$n" -lt 10 ]; then
	fail $t "found only $n exported functions"
else
	pass $t
fi

t=item17-registry-variables-dcore
# Declarations and parameters (not functions returning one).
bad=$(grep -noE 'struct dax_core_device \*+[a-z_0-9]+ *[,;)=]' \
		dax_*/*.c dax_*/*.h daxkitfs/*.c daxkitfs/*.h include/daxkit/*.h |
	sed -E 's/struct dax_core_device \*+([a-z_0-9]+).*/\1/' |
	awk -F: '$3 != "dcore" && $3 != "pos" && $3 != "found"' | tr '\n' ' ')
if [ -n "$bad" ]; then
	fail $t "named otherwise: $bad"
else
	pass $t
fi

t=item17-locked-helpers-assert
# body FILE FUNC: the body of FUNC, from its definition to the closing brace.
body() {
	awk -v f="$2" '!in_fn && $0 ~ "^[a-z].*[ *]" f "\\(" && $0 !~ /;[ \t]*$/ { in_fn = 1 }
		in_fn { print } in_fn && /^}/ { exit }' "$1"
}
asserts='lockdep_assert_held|lockdep_is_held|device_lock_assert'
bad=
for fn in daxkit_dev_grow daxkit_dev_shrink daxkit_dev_drop_last_range daxkit_clear_owners \
	  dax_core_dev_size; do
	b=$(body dax_core/bus.c $fn)
	if [ -z "$b" ]; then
		bad="$bad $fn(missing)"
	elif ! grep -qE "$asserts" <<< "$b"; then
		bad="$bad $fn"
	fi
done
# Every function whose comment says a lock is held.
bad="$bad $(awk -v asserts="$asserts" '
	FNR == 1 { cmt = ""; incmt = 0; fn = "" }
	fn == "" && (incmt || /^\/\*/) {
		if (!incmt) cmt = ""
		incmt = !/\*\//; cmt = cmt " " tolower($0); next
	}
	fn == "" && /^[a-z].*\(/ && !/;[ \t]*$/ && !/^(DAXKIT_|MODULE_|module_|EXPORT_|DEFINE_|static DEFINE)/ {
		fn = $0; sub(/\(.*/, "", fn); sub(/.*[ *]/, "", fn)
		want = cmt ~ /(^|[^a-z])lock([^a-z]|$)/ && cmt ~ /(^|[^a-z])held([^a-z]|$)/
		found = 0; next
	}
	fn == "" { if ($0 !~ /^[ \t]*$/) cmt = ""; next }
	$0 ~ asserts { found = 1 }
	/^}/ { if (want && !found) printf "%s:%s ", FILENAME, fn; fn = ""; cmt = "" }
	' dax_*/*.c daxkitfs/*.c)"
bad=$(echo $bad)
[ -z "$bad" ] && pass $t || fail $t "no lock assertion in: $bad"
