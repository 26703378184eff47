#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms add, build and install daxkit for this machine's installed 6.1
# headers, check what was installed, then dkms remove, and leave the
# machine as it was: /usr/src, /var/lib/dkms and /lib/modules/KVER list
# exactly the files they listed before.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

kver=$(host_kver)
ver=$(daxkit_version)
t=dkms-roundtrip-$kver
snap() {
	find /usr/src /var/lib/dkms "/lib/modules/$kver" -xdev 2>/dev/null | sort
}

if dkms status -m daxkit 2>/dev/null | grep -q . || [ -e "/usr/src/daxkit-$ver" ]; then
	fail "$t" "daxkit $ver is already known to dkms or in /usr/src; not touching it"
	exit 0
fi
before=$(mktemp) after=$(mktemp) work=$(mktemp -d)
trap 'rm -rf "$before" "$after" "$work"' EXIT
snap > "$before"

# A clean copy: what a source package would ship, without build output.
source_tar | tar -C "$work" -xf -

err=
as_root dkms add "$work" > "$work.log" 2>&1 || err="dkms add failed"
[ -z "$err" ] && { as_root dkms build -m daxkit -v "$ver" -k "$kver" >> "$work.log" 2>&1 || err="dkms build failed"; }
[ -z "$err" ] && { as_root dkms install -m daxkit -v "$ver" -k "$kver" >> "$work.log" 2>&1 || err="dkms install failed"; }
if [ -z "$err" ]; then
	for m in dax_core dax_dev dax_pmem dax_fs_helper daxkitfs; do
		ko=$(ls /lib/modules/"$kver"/updates/dkms/$m.ko* 2>/dev/null | head -n1)
		if [ -z "$ko" ]; then
			err="$m not installed in updates/dkms"; break
		fi
		got=$(modinfo -F version "$ko")
		want=$(cat "$DAXKIT_SRC/$m/VERSION")
		[ "$got" = "$want" ] || { err="$m has version '$got', want '$want'"; break; }
	done
fi
[ -z "$err" ] && { dkms status -m daxkit -v "$ver" -k "$kver" | grep -q installed || err="dkms status does not say installed"; }

# Undo, whatever happened above.
as_root dkms remove -m daxkit -v "$ver" --all >> "$work.log" 2>&1 ||
	{ [ -z "$err" ] && err="dkms remove failed"; }
as_root rm -rf "/usr/src/daxkit-$ver"
snap > "$after"
# dkms install creates depmod's indexes, and a signing key on first use,
# where none were: remove what this test created, nothing else.
comm -13 "$before" "$after" | sort -r | while read -r f; do
	case $f in
	/lib/modules/"$kver"/modules.*|/lib/modules/"$kver"/updates|/lib/modules/"$kver"/updates/dkms|/var/lib/dkms/mok.*)
		as_root rm -rf "$f" ;;
	esac
done
snap > "$after"
if [ -z "$err" ] && ! cmp -s "$before" "$after"; then
	err="the machine differs after dkms remove: $(diff "$before" "$after" | head -n 5 | tr '\n' ' ')"
fi

if [ -n "$err" ]; then
	fail "$t" "$err (log: $(tail -n 5 "$work.log" | tr '\n' '|'))"
else
	pass "$t"
fi
rm -f "$work.log"
