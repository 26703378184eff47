#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: build.sh OUT [VERSION]
# Builds the packages from a copy of this tree, as a distributor would:
#   OUT/daxkit-dkms_VERSION_all.deb         dpkg-buildpackage -b  (OUT/deb.log)
#   OUT/daxkit-tools_VERSION_amd64.deb      (the same run)
#   OUT/daxkit-dkms-VERSION-1.noarch.rpm    rpmbuild -ba          (OUT/rpm.log)
#   OUT/daxkit-dkms-VERSION-1.src.rpm
#   OUT/daxkit-tools-VERSION-1.x86_64.rpm   rpmbuild -ba          (OUT/rpm-tools.log)
#   OUT/daxkit-tools-VERSION-1.src.rpm
# (amd64 and x86_64 on this machine: the host's architecture.)
# rpmbuild runs with --nodeps: Debian's rpm has an empty package database,
# so it cannot see that BuildRequires (make, gcc, libkmod's and json-c's
# headers, which the host has as Debian packages) are installed; and it
# loads tests/pkg/rpmbuild-host.macros, the macros Fedora's rpmbuild has
# and Debian's lacks (the systemd directories, debuginfo, man page
# compression).  The tools RPM's debuginfo package lands in OUT too.
# With VERSION, the copy is first made version VERSION everywhere (for the
# upgrade test): dkms.conf, the modules' VERSION files, debian/changelog
# and both specs; the daxkit command takes its version from dkms.conf.
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
	for v in "$1"/dax_*/VERSION "$1"/daxkitfs/VERSION; do echo "$newver" > "$v"; done
	sed -i "s/^Version: .*/Version:        $newver/" "$1/rpm/daxkit-dkms.spec" \
		"$1/rpm/daxkit-tools.spec"
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
# rpmbuild SPEC LOG: build SPEC's packages from the tarball.
rpmbuild_spec() {
	rpmbuild -ba --nodeps --load "$DAXKIT_SRC/tests/pkg/rpmbuild-host.macros" \
		--define "_topdir $work/rpm" "$work/src/daxkit-$ver/rpm/$1" \
		> "$out/$2" 2>&1 || { tail -n 20 "$out/$2" >&2; die "rpmbuild $1 failed; see $out/$2"; }
}
rpmbuild_spec daxkit-dkms.spec rpm.log
rpmbuild_spec daxkit-tools.spec rpm-tools.log
cp "$work"/rpm/RPMS/*/*.rpm "$work"/rpm/SRPMS/*.rpm "$out/"
