# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side scripts of the test suite.  Source it.

DAXKIT_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Everything downloaded or built for tests lives here, outside the tree.
DAXKIT_CACHE=${DAXKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/daxkit}
mkdir -p "$DAXKIT_CACHE"

log() { printf '[daxkit] %s\n' "$*" >&2; }
die() { printf '[daxkit] error: %s\n' "$*" >&2; exit 1; }

# One result line per test; tests/run.sh counts them.
pass() { printf 'RESULT: PASS %s\n' "$1"; }
fail() { printf 'RESULT: FAIL %s: %s\n' "$1" "$2"; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian packages the suite needs on the host (Debian 12).
DAXKIT_HOST_PACKAGES="build-essential libc6-dev linux-headers-amd64 dkms sparse
qemu-system-x86 busybox-static cpio kmod xz-utils zstd file"

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
