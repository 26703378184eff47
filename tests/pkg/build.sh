#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: build.sh OUT
# Builds the packages from a copy of this tree, as a distributor would:
#   OUT/daxkit-dkms_VERSION_all.deb      dpkg-buildpackage -b  (OUT/deb.log)
#   OUT/daxkit-dkms-VERSION-1.noarch.rpm rpmbuild -ba          (OUT/rpm.log)
#   OUT/daxkit-dkms-VERSION-1.src.rpm
# rpmbuild runs with --nodeps: Debian's rpm has an empty package database,
# so it cannot see that BuildRequires (make) is installed.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

out=${1:?usage: build.sh OUT}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$DAXKIT_SRC/dkms.conf")
[ -n "$ver" ] || die "no PACKAGE_VERSION in dkms.conf"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/deb/daxkit-$ver"
source_tar | tar -C "$work/deb/daxkit-$ver" -xf -
( cd "$work/deb/daxkit-$ver" && dpkg-buildpackage -b -us -uc ) > "$out/deb.log" 2>&1 ||
	{ tail -n 20 "$out/deb.log" >&2; die "dpkg-buildpackage failed; see $out/deb.log"; }
cp "$work"/deb/*.deb "$out/"

mkdir -p "$work/rpm/SOURCES" "$work/src/daxkit-$ver"
source_tar | tar -C "$work/src/daxkit-$ver" -xf -
tar -C "$work/src" -czf "$work/rpm/SOURCES/daxkit-$ver.tar.gz" "daxkit-$ver"
rpmbuild -ba --nodeps --define "_topdir $work/rpm" "$DAXKIT_SRC/rpm/daxkit-dkms.spec" \
	> "$out/rpm.log" 2>&1 || { tail -n 20 "$out/rpm.log" >&2; die "rpmbuild failed; see $out/rpm.log"; }
cp "$work"/rpm/RPMS/noarch/*.rpm "$work"/rpm/SRPMS/*.rpm "$out/"
