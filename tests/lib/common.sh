# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side scripts of the test suite.  Source it.

DAXKIT_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Everything downloaded or built for tests lives here, outside the tree.
DAXKIT_CACHE=${DAXKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/daxkit}
mkdir -p "$DAXKIT_CACHE"

log() { printf '[daxkit] %s\n' "$*" >&2; }
die() { printf '[daxkit] error: %s\n' "$*" >&2; exit 1; }

# source_tar: the source tree as a tar stream on stdout, without git
# metadata or build output, as a source package would ship it.
source_tar() {
	tar -C "$DAXKIT_SRC" --exclude=.git --exclude='*.o' --exclude='*.ko' \
		--exclude=compat/generated --exclude=tools/daxkit/daxkit -cf - .
}

# One result line per test; tests/run.sh counts them.
# exports FILE...: the functions the C files export (DAXKIT_EXPORT or
# the kernel's EXPORT_SYMBOL*), a name a line.
exports() {
	sed -n 's/^\(DAXKIT_EXPORT\|EXPORT_SYMBOL[A-Z_]*\)(\([a-z0-9_]*\).*/\2/p' "$@"
}

pass() { printf 'RESULT: PASS %s\n' "$1"; }
fail() { printf 'RESULT: FAIL %s: %s\n' "$1" "$2"; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian packages the suite needs on the host (Debian 12).  The daxkit
# command (tools/daxkit) builds on libkmod-dev, libjson-c-dev and pkgconf;
# man-db and groff-base render its man page, elfutils (eu-strip) makes the
# RPM's debuginfo.
DAXKIT_HOST_PACKAGES="build-essential libc6-dev linux-headers-amd64 dkms sparse
bison flex libelf-dev bc libssl-dev dpkg-dev debhelper dh-dkms lintian rpm rpmlint
qemu-system-x86 busybox-static cpio kmod ndctl xz-utils zstd file debootstrap
libkmod-dev libjson-c-dev pkgconf man-db groff-base elfutils python3-jsonschema"

# The kernel matrix: our name for each kernel, and the Debian suite whose
# headers, compiler and image it comes from.
DAXKIT_MATRIX="5.10 6.1 6.12 sid"

# The Debian archive this machine's apt uses for its own suite: the
# chroots of the other suites come from the same place.
host_mirror() {
	{
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" && $3 ~ /^[a-z]+$/ && $2 !~ /security/ { print $2; exit }'
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
			/^$/ { if (u != "" && s ~ /(^| )[a-z]+( |$)/ && u !~ /security/) { print u; exit } u = s = "" }
			/^URIs:/ { u = $2 }
			/^Suites:/ { $1 = ""; s = $0 }
			END { if (u != "" && u !~ /security/) print u }'
	} | head -n1
}
matrix_suite() {
	case $1 in
	5.10) echo bullseye ;;
	6.1) echo bookworm ;;
	6.12) echo trixie ;;
	sid) echo sid ;;
	*) return 1 ;;
	esac
}

# daxkit_version: the package version, dkms.conf's PACKAGE_VERSION.
daxkit_version() { sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$DAXKIT_SRC/dkms.conf"; }

# chroot_kver ROOT: the release of the amd64 kernel headers in chroot ROOT
# (the last in name order, when there are several); fails when none.
chroot_kver() {
	local d k=
	for d in "$1"/usr/src/linux-headers-*-amd64; do
		[ -f "$d/Makefile" ] && k=${d##*/linux-headers-}
	done
	[ -n "$k" ] && echo "$k"
}

# in_root ROOT CMD...: run CMD in chroot ROOT (with /proc, which objtool
# reads, mounted in a private mount namespace), or on the host when ROOT
# is empty.
in_root() {
	local root=$1
	shift
	if [ -z "$root" ]; then
		"$@"
	else
		as_root unshare -m sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive "$@"' "$root" "$@"
	fi
}

# qemu_accel [KERNEL]: QEMU's accelerator arguments for the guests, on
# stdout.  KVM where it is usable: DAXKIT_KVM_DEV (default /dev/kvm) exists
# and opens for reading and writing; for /dev/kvm itself, QEMU starts with
# -accel kvm (QEMU always opens /dev/kvm, so another DAXKIT_KVM_DEV, which
# is for testing this choice, skips that probe); and, given a KERNEL, that
# kernel gets as far as printing its banner under KVM (qemu_kvm_boots: a
# /dev/kvm can open and start QEMU and still run no guest, as on a host
# whose own KVM is nested without long mode).  Software emulation
# (multi-threaded TCG) otherwise.  DAXKIT_ACCEL=kvm or tcg forces one.
qemu_accel() {
	local dev=${DAXKIT_KVM_DEV:-/dev/kvm} kvm="-accel kvm" tcg="-accel tcg,thread=multi"
	case ${DAXKIT_ACCEL:-} in
	kvm) echo "$kvm"; return 0 ;;
	tcg) echo "$tcg"; return 0 ;;
	'') ;;
	*) die "DAXKIT_ACCEL=$DAXKIT_ACCEL: kvm or tcg" ;;
	esac
	if [ -e "$dev" ] && (exec 3<> "$dev") 2> /dev/null &&
		{ [ -n "${DAXKIT_KVM_DEV:-}" ] || qemu_kvm_starts; } &&
		{ [ -z "${1:-}" ] || qemu_kvm_boots "$1"; }; then
		echo "$kvm"
	else
		echo "$tcg"
	fi
}

# qemu_kvm_starts: QEMU starts a machine-less VM under KVM, and quits.
qemu_kvm_starts() {
	echo quit | timeout 30 qemu-system-x86_64 -machine none -accel kvm -nodefaults \
		-display none -monitor stdio > /dev/null 2>&1
}

# qemu_kvm_boots KERNEL: KERNEL prints its banner on the serial console
# under KVM within DAXKIT_KVM_PROBE_SECS (30); a working KVM takes about a
# second.  The answer holds until the host reboots: it is kept, per boot
# of the host, in DAXKIT_CACHE.  DAXKIT_QEMU replaces QEMU (tests).
qemu_kvm_boots() {
	local mark verdict=no
	mark="$DAXKIT_CACHE/kvm-boots.$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)"
	[ -n "${DAXKIT_QEMU:-}" ] && mark=
	if [ -n "$mark" ] && [ -f "$mark" ]; then
		[ "$(cat "$mark")" = yes ]
		return
	fi
	if timeout "${DAXKIT_KVM_PROBE_SECS:-30}" "${DAXKIT_QEMU:-qemu-system-x86_64}" \
		-machine pc -accel kvm -cpu max -m 256 -nodefaults -display none \
		-serial stdio -no-reboot -kernel "$1" -append "console=ttyS0 panic=-1" \
		< /dev/null 2> /dev/null | grep -q -m1 'Linux version'; then
		verdict=yes
	fi
	[ -z "$mark" ] || echo $verdict > "$mark"
	[ $verdict = yes ]
}

# Install what is missing; apt-get update only when something is.
ensure_host_packages() {
	local missing=() p
	for p in $DAXKIT_HOST_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	as_root apt-get update -q >/dev/null
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# The newest installed Debian 6.1 amd64 headers: this machine's suite.
host_kver() {
	local d best=
	for d in /usr/src/linux-headers-6.1.*-amd64; do
		[ -f "$d/Makefile" ] && best=$(basename "$d")
	done
	[ -n "$best" ] || die "no linux-headers-6.1.*-amd64 installed"
	echo "${best#linux-headers-}"
}
