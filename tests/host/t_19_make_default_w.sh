#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A plain `make` (no W) builds daxkit on a host where scripts/kernel-doc
# cannot run: perl without Pod::Usage (Debian's perl-base alone, say).
# kernel-doc is what kbuild runs with W=1 (and with W=0: any W on its
# command line); the tests ask for W=1 themselves, users get kbuild's
# default.
#
# The shim: a Pod/Usage.pm first in PERL5LIB that fails to load as a
# missing module does, since 6.1's kbuild runs scripts/kernel-doc by its
# own path (#!/usr/bin/perl), not through PATH; and a `perl` first in
# PATH that refuses kernel-doc, for kernels that run it as `perl
# scripts/kernel-doc` or through `#!/usr/bin/env perl`.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

t=item19-make-default-no-kernel-doc
kver=$(host_kver)
kdir=/usr/src/linux-headers-$kver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/shim/Pod"
source_tar | tar -C "$work/src" -xf -
nopod="Can't locate Pod/Usage.pm in @INC"
cat > "$work/shim/perl" <<EOF
#!/bin/sh
case "\$*" in
*kernel-doc*) echo "$nopod (daxkit test shim)" >&2; exit 2 ;;
esac
exec /usr/bin/perl "\$@"
EOF
chmod 755 "$work/shim/perl"
printf 'die "%s (daxkit test shim)\\n";\n' "${nopod//@/\\@}" > "$work/shim/Pod/Usage.pm"
shim=(env PATH="$work/shim:$PATH" PERL5LIB="$work/shim${PERL5LIB:+:$PERL5LIB}")

# The shim must stop kernel-doc as kbuild runs it, or this test proves nothing.
out=$("${shim[@]}" "$kdir/scripts/kernel-doc" -none "$work/src/dax_core/super.c" 2>&1)
rc=$?
if [ $rc = 0 ] || ! grep -qF "$nopod" <<< "$out"; then
	fail $t "the shim does not stop $kdir/scripts/kernel-doc (exit $rc: $(head -n 2 <<< "$out" | tr '\n' '|'))"
	exit 0
fi

out=$("${shim[@]}" make -C "$work/src" KDIR="$kdir" 2>&1)
rc=$?
kos=$(cd "$work/src" && ls dax_core/dax_core.ko dax_dev/dax_dev.ko dax_pmem/dax_pmem.ko \
	dax_fs_helper/dax_fs_helper.ko daxkitfs/daxkitfs.ko 2>/dev/null | wc -l)
if [ $rc != 0 ]; then
	fail $t "plain make failed without Pod::Usage (exit $rc): $(grep -m 3 -E "$nopod|Error|error:" <<< "$out" | tr '\n' '|')"
elif grep -qF "$nopod" <<< "$out"; then
	fail $t "plain make ran kernel-doc: $(grep -m 2 -F "$nopod" <<< "$out" | tr '\n' '|')"
elif [ "$kos" != 5 ]; then
	fail $t "plain make built $kos of the 5 modules"
else
	# And W=1, which the tests use, does run kernel-doc: the shim stops it.
	out=$("${shim[@]}" make -C "$work/src" KDIR="$kdir" W=1 2>&1)
	if grep -qF "$nopod" <<< "$out"; then
		pass $t
	else
		fail $t "make W=1 did not run kernel-doc (or the shim missed it)"
	fi
fi
