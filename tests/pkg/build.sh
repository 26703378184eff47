#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: build.sh OUT [VERSION]
# Builds the packages from a copy of this tree, as a distributor would:
#   OUT/daxkit-dkms_VERSION_all.deb      dpkg-buildpackage -b  (OUT/deb.log)
#   OUT/daxkit-dkms-VERSION-1.noarch.rpm rpmbuild -ba          (OUT/rpm.log)
#   OUT/daxkit-dkms-VERSION-1.src.rpm
# rpmbuild runs with --nodeps: Debian's rpm has an empty package database,
# so it cannot see that BuildRequires (make) is installed.
# With VERSION, the copy is first made version VERSION everywhere (for the
# upgrade test): dkms.conf, the modules' VERSION files, debian/changelog
# and the spec.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

out=${1:?usage: build.sh OUT [VERSION]}
newver=${2:-}
ver=$(daxkit_version)
[ -n "$ver" ] || die "no PACKAGE_VERSION in dkms.conf"

# copy_tree DIR: this tree, at version $ver, into DIR.
copy_tree() {
	source_tar | tar -C "$1" -xf -
	[ -n "$newver" ] || return 0
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$newver\"/" "$1/dkms.conf"
	for v in "$1"/dax_*/VERSION; do echo "$newver" > "$v"; done
	sed -i "s/^Version: .*/Version:        $newver/" "$1/rpm/daxkit-dkms.spec"
	{
		printf 'daxkit (%s) unstable; urgency=medium\n\n  * Test build.\n\n' "$newver"
		printf ' -- daxkit developers <daxkit@packages.debian.invalid>  %s\n\n' "$(date -R)"
		cat "$1/debian/changelog"
	} > "$1/debian/changelog.new"
	mv "$1/debian/changelog.new" "$1/debian/changelog"
}
[ -z "$newver" ] || ver=$newver
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/deb/daxkit-$ver"
copy_tree "$work/deb/daxkit-$ver"
( cd "$work/deb/daxkit-$ver" && dpkg-buildpackage -b -us -uc ) > "$out/deb.log" 2>&1 ||
	{ tail -n 20 "$out/deb.log" >&2; die "dpkg-buildpackage failed; see $out/deb.log"; }
cp "$work"/deb/*.deb "$out/"

mkdir -p "$work/rpm/SOURCES" "$work/src/daxkit-$ver"
copy_tree "$work/src/daxkit-$ver"
tar -C "$work/src" -czf "$work/rpm/SOURCES/daxkit-$ver.tar.gz" "daxkit-$ver"
rpmbuild -ba --nodeps --define "_topdir $work/rpm" "$work/src/daxkit-$ver/rpm/daxkit-dkms.spec" \
	> "$out/rpm.log" 2>&1 || { tail -n 20 "$out/rpm.log" >&2; die "rpmbuild failed; see $out/rpm.log"; }
cp "$work"/rpm/RPMS/noarch/*.rpm "$work"/rpm/SRPMS/*.rpm "$out/"
