#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guests run under KVM where it is usable, in software emulation
# otherwise: qemu_accel (tests/lib/common.sh) decides, and every QEMU the
# harness starts takes its arguments from it.  This checks the choice,
# not KVM: DAXKIT_KVM_DEV points it at files made here (this machine may
# have no /dev/kvm).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

t=item20-kvm-when-usable
kvm="-accel kvm"
tcg="-accel tcg,thread=multi"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
# A copy that nobody (below) can read wherever the tree is.
install -m 644 "$DAXKIT_SRC/tests/lib/common.sh" "$work/common.sh"
why=

# expect CASE WANT [VAR=VALUE...]: qemu_accel, in a subshell with those
# variables, prints WANT (given the kernel T22_KERNEL, when that is set).
expect() {
	local c=$1 want=$2 got
	shift 2
	got=$(env -u DAXKIT_KVM_DEV -u DAXKIT_ACCEL "$@" bash -c \
		'. "$0/common.sh" && qemu_accel ${T22_KERNEL:-}' "$work" 2>&1)
	[ "$got" = "$want" ] || why="$why $c: got '$got', want '$want';"
}

if ! declare -F qemu_accel > /dev/null; then
	fail $t "tests/lib/common.sh has no qemu_accel"
	exit 0
fi

expect no-device "$tcg" DAXKIT_KVM_DEV="$work/none"
[ -e "$work/none" ] && why="$why no-device: qemu_accel created $work/none;"

touch "$work/rw"
chmod 666 "$work/rw"
expect usable-device "$kvm" DAXKIT_KVM_DEV="$work/rw"

# Not openable for reading and writing.  root opens anything, so that
# case runs as nobody.
touch "$work/ro"
chmod 444 "$work/ro"
if [ "$(id -u)" != 0 ]; then
	expect read-only-device "$tcg" DAXKIT_KVM_DEV="$work/ro"
	chmod 000 "$work/ro"
	expect no-access-device "$tcg" DAXKIT_KVM_DEV="$work/ro"
else
	if ! runuser -u nobody -- true 2> /dev/null; then
		why="$why cannot run as nobody (runuser) for the unusable-device cases;"
	else
		expect read-only-device "$tcg" DAXKIT_KVM_DEV="$work/ro" runuser -u nobody -- \
			env DAXKIT_CACHE="$work"
		chown nobody "$work/rw"
		expect usable-device-as-nobody "$kvm" DAXKIT_KVM_DEV="$work/rw" runuser -u nobody -- \
			env DAXKIT_CACHE="$work"
		chmod 000 "$work/rw"
		expect no-access-device "$tcg" DAXKIT_KVM_DEV="$work/rw" runuser -u nobody -- \
			env DAXKIT_CACHE="$work"
		chmod 666 "$work/rw"
	fi
fi

# A /dev/kvm that opens and starts QEMU but runs no guest (a nested KVM
# without long mode: the first cold CI run of issue 16 hung every guest on
# it): given the kernel, qemu_accel boots it under KVM and falls back to
# emulation when no banner comes.  A fake QEMU stands in for both cases.
printf '#!/bin/sh\nsleep 30\n' > "$work/qemu-hangs"
printf '#!/bin/sh\necho "[    0.000000] Linux version 6.1.0-test"\nsleep 30\n' > "$work/qemu-boots"
chmod 755 "$work/qemu-hangs" "$work/qemu-boots"
expect kvm-runs-no-guest "$tcg" DAXKIT_KVM_DEV="$work/rw" DAXKIT_QEMU="$work/qemu-hangs" \
	DAXKIT_KVM_PROBE_SECS=2 DAXKIT_CACHE="$work" T22_KERNEL=/vmlinuz
expect kvm-boots-the-kernel "$kvm" DAXKIT_KVM_DEV="$work/rw" DAXKIT_QEMU="$work/qemu-boots" \
	DAXKIT_KVM_PROBE_SECS=5 DAXKIT_CACHE="$work" T22_KERNEL=/vmlinuz

# Forced either way.
expect forced-tcg "$tcg" DAXKIT_KVM_DEV="$work/rw" DAXKIT_ACCEL=tcg
expect forced-kvm "$kvm" DAXKIT_KVM_DEV="$work/none" DAXKIT_ACCEL=kvm

# The machine's own /dev/kvm: where there is none (here), emulation.
if [ ! -e /dev/kvm ]; then
	expect no-dev-kvm "$tcg"
fi

# No QEMU of the harness picks its accelerator itself.
fixed=$(grep -rnE -- '-accel[ =]|-enable-kvm|,accel=' "$DAXKIT_SRC/tests" |
	grep -v "^$DAXKIT_SRC/tests/lib/common.sh:" | grep -v "^$DAXKIT_SRC/tests/host/t_22_qemu_accel.sh:")
[ -n "$fixed" ] && why="$why accelerator not from qemu_accel: $(head -n 2 <<< "$fixed" | tr '\n' '|')"
grep -q 'qemu_accel' "$DAXKIT_SRC/tests/vm/boot.sh" || why="$why tests/vm/boot.sh does not use qemu_accel;"

why=${why# }
if [ -n "$why" ]; then
	fail $t "${why%;}"
else
	pass $t
fi
