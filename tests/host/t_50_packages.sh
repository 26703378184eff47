#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packages, built as a distributor would (tests/pkg/build.sh): the
# versions agree everywhere, the .deb is lintian clean, the RPM and its
# spec are rpmlint clean, both hold exactly the DKMS source tree that
# `make install-src` lays out, and their maintainer scripts drive dkms.
# Installing the .deb for real, per kernel, is tests/vm/package.sh.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

ver=$(daxkit_version)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# check NAME CMD...: one result from a command's status and output.
check() {
	local t=$1 o
	shift
	if o=$("$@" 2>&1); then pass "$t"; else fail "$t" "$(echo "$o" | tail -n 5 | tr '\n' '|')"; fi
}

versions_agree() {
	local m v bad=
	for m in dax_core dax_dev dax_pmem dax_fs_helper; do
		v=$(cat "$DAXKIT_SRC/$m/VERSION")
		[ "$v" = "$ver" ] || bad="$bad $m/VERSION=$v"
	done
	v=$(cd "$DAXKIT_SRC" && dpkg-parsechangelog -S Version)
	[ "$v" = "$ver" ] || bad="$bad debian/changelog=$v"
	v=$(rpmspec -q --qf '%{VERSION}\n' --srpm "$DAXKIT_SRC/rpm/daxkit-dkms.spec" 2>/dev/null)
	[ "$v" = "$ver" ] || bad="$bad rpm/daxkit-dkms.spec=$v"
	[ -n "$ver" ] && [ -z "$bad" ] || { echo "dkms.conf says '$ver', but:$bad"; return 1; }
}
check pkg-versions-agree versions_agree

# BUILD_EXCLUSIVE_KERNEL as dkms applies it: a bash regex on kernelver.
build_exclusive() {
	local re k bad=
	re=$(kernelver=x kernel_source_dir=x bash -c ". '$DAXKIT_SRC/dkms.conf'; echo \"\$BUILD_EXCLUSIVE_KERNEL\"")
	[ -n "$re" ] || { echo "dkms.conf sets no BUILD_EXCLUSIVE_KERNEL"; return 1; }
	for k in 5.10.0-32-amd64 5.15.0-91-generic 6.1.0-56-amd64 6.12.107+deb13-amd64 \
		7.2.13+deb14-amd64 10.1.0; do
		[[ $k =~ $re ]] || bad="$bad refuses $k;"
	done
	for k in 4.18.0-553.el8_10.x86_64 4.19.0-27-amd64 5.4.0-150-generic 5.9.16 3.10.0-1160.el7.x86_64; do
		[[ $k =~ $re ]] && bad="$bad accepts $k;"
	done
	[ -z "$bad" ] || { echo "BUILD_EXCLUSIVE_KERNEL='$re':$bad"; return 1; }
}
check dkms-build-exclusive-5.10-and-newer build_exclusive

if ! "$DAXKIT_SRC/tests/pkg/build.sh" "$out" > "$out/build.out" 2>&1; then
	fail pkg-build "$(tail -n 5 "$out/build.out" | tr '\n' '|')"
	exit 0
fi
deb=$out/daxkit-dkms_${ver}_all.deb
rpm=$out/daxkit-dkms-$ver-1.noarch.rpm
srpm=$out/daxkit-dkms-$ver-1.src.rpm
check deb-built test -f "$deb"
check rpm-built test -f "$rpm" -a -f "$srpm"

# What the packages must hold under /usr: the install-src tree, nothing else.
make -s -C "$DAXKIT_SRC" install-src DESTDIR="$out/tree" > /dev/null
want=$(cd "$out/tree" && find usr -type f | sort)

deb_contents() {
	local list got
	list=$(dpkg-deb -c "$deb")
	got=$(echo "$list" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./||' |
		grep -v '^usr/share/doc/daxkit-dkms/' | sort)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head -n 5; return 1; }
	echo "$list" | grep -q ' \./usr/share/doc/daxkit-dkms/copyright$' || { echo "no copyright"; return 1; }
	# The scripts the DKMS build runs must stay executable.
	echo "$list" | grep -q "^-rwxr-xr-x .* ./usr/src/daxkit-$ver/compat/probe.sh$" ||
		{ echo "compat/probe.sh is not executable in the package"; return 1; }
}
check deb-holds-the-dkms-tree deb_contents

deb_scripts() {
	local d
	d=$(mktemp -d)
	dpkg-deb -e "$deb" "$d"
	dpkg-deb -f "$deb" Depends | grep -q 'dkms' || { echo "no dependency on dkms"; return 1; }
	grep -q 'common.postinst' "$d/postinst" && grep -q '^DKMS_NAME=daxkit$' "$d/postinst" &&
		grep -q "^DKMS_VERSION=$ver\$" "$d/postinst" || { echo "postinst does not run dkms for daxkit $ver"; return 1; }
	grep -q 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all' "$d/prerm" ||
		{ echo "prerm does not dkms remove"; return 1; }
	rm -rf "$d"
}
check deb-maintainer-scripts-drive-dkms deb_scripts

# lintian: no error and no warning (pedantic and info tags are shown in
# the log, not failed on).
lintian_clean() {
	local rc=0
	lintian --fail-on error,warning "$deb" > "$out/lintian.log" 2>&1 || rc=$?
	grep -v 'running with root privileges' "$out/lintian.log"
	[ "$rc" = 0 ] && ! grep -qE '^[EW]: ' "$out/lintian.log"
}
check deb-lintian-clean lintian_clean

rpm_contents() {
	local list got
	# rpm -ql lists directories too: compare the files of the tree only.
	list=$(rpm -qlp "$rpm" 2>/dev/null)
	got=$(echo "$list" | sed 's|^/||' | while read -r f; do
		[ -d "$out/tree/$f" ] || echo "$f"
	done | grep '^usr/src/' | sort)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head -n 5; return 1; }
	[ "$(rpm -qp --qf '%{ARCH}' "$rpm")" = noarch ] || { echo "not noarch"; return 1; }
	rpm -qp --requires "$rpm" | grep -q '^dkms' || { echo "does not require dkms"; return 1; }
}
check rpm-holds-the-dkms-tree rpm_contents

rpm_scripts() {
	local s
	s=$(rpm -qp --scripts "$rpm")
	echo "$s" | grep -q "dkms add -m daxkit -v $ver" &&
		echo "$s" | grep -q "dkms build -m daxkit -v $ver" &&
		echo "$s" | grep -q "dkms install -m daxkit -v $ver" ||
		{ echo "%post does not add, build and install with dkms"; return 1; }
	echo "$s" | sed -n '/^preuninstall/,$p' | grep -q "dkms remove -m daxkit -v $ver --all" ||
		{ echo "%preun does not dkms remove"; return 1; }
	# %preun keeps the modules on an upgrade that reinstalls this very
	# version, removes them on erase ($1 = 0): run it with a fake dkms/rpm.
	local d r
	d=$(mktemp -d)
	printf '#!/bin/sh\necho "dkms $*" >> %s/calls\n' "$d" > "$d/dkms"
	printf '#!/bin/sh\nprintf "%%s\\n" $FAKE_RPM_Q\n' > "$d/rpm"
	chmod +x "$d/dkms" "$d/rpm"
	echo "$s" | sed -n '/^preuninstall/,$p' | sed 1d > "$d/preun"
	r=
	PATH=$d:$PATH FAKE_RPM_Q="daxkit-dkms-$ver-1.noarch" sh "$d/preun" 0
	grep -q "dkms remove" "$d/calls" 2>/dev/null || r="erase did not remove;"
	rm -f "$d/calls"
	PATH=$d:$PATH FAKE_RPM_Q="daxkit-dkms-$ver-1.noarch daxkit-dkms-$ver-2.noarch" sh "$d/preun" 1
	[ -f "$d/calls" ] && r="$r a same-version upgrade removed;"
	rm -f "$d/calls"
	PATH=$d:$PATH FAKE_RPM_Q="daxkit-dkms-$ver-1.noarch daxkit-dkms-9.9.9-1.noarch" sh "$d/preun" 1
	grep -q "dkms remove -m daxkit -v $ver" "$d/calls" 2>/dev/null || r="$r an upgrade to 9.9.9 kept $ver;"
	rm -rf "$d"
	[ -z "$r" ] || { echo "$r"; return 1; }
}
check rpm-scriptlets-drive-dkms rpm_scripts

rpmlint_clean() {
	rpmlint -r "$DAXKIT_SRC/rpm/daxkit-dkms.rpmlintrc" "$rpm" "$srpm" \
		"$DAXKIT_SRC/rpm/daxkit-dkms.spec" 2>&1
}
check rpmlint-clean rpmlint_clean

echo "[daxkit] package contents: daxkit-dkms_${ver}_all.deb:" >&2
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print "    " $6 }' >&2
