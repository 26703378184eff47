#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packages, built as a distributor would (tests/pkg/build.sh): the
# versions agree everywhere, the .debs are lintian clean, the RPMs and
# their specs are rpmlint clean; daxkit-dkms holds exactly the DKMS
# source tree that `make install-src` lays out, with a dkms.conf that
# builds and installs every module its Kbuild builds (the five, daxkitfs
# among them), its maintainer scripts drive dkms and it recommends
# daxkit-tools; daxkit-tools holds exactly the daxkit command,
# mkfs.daxkitfs and fsck.daxkitfs, their man pages (which render without
# a warning), the bash completion, the systemd unit (which systemd-analyze
# verifies, and which the package never enables) and the udev rule.
# Installing the .debs for real, per kernel, is tests/vm/package.sh.
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

# modules_of DIR: the module folders DIR's Kbuild builds (obj-m += X/).
modules_of() {
	sed -n 's|^obj-m *+= *||p' "$1/Kbuild" | tr ' ' '\n' | sed -n 's|/$||p' | LC_ALL=C sort
}

versions_agree() {
	local mods
	mods=$(modules_of "$DAXKIT_SRC" | tr '\n' ' ')
	[ "$mods" = "dax_core dax_dev dax_fs_helper dax_pmem daxkitfs " ] ||
		{ echo "Kbuild builds '$mods', not the five modules"; return 1; }
	local m v bad=
	for m in $(modules_of "$DAXKIT_SRC"); do
		v=$(cat "$DAXKIT_SRC/$m/VERSION")
		[ "$v" = "$ver" ] || bad="$bad $m/VERSION=$v"
	done
	v=$(cd "$DAXKIT_SRC" && dpkg-parsechangelog -S Version)
	[ "$v" = "$ver" ] || bad="$bad debian/changelog=$v"
	for m in daxkit-dkms daxkit-tools; do
		v=$(rpmspec -q --qf '%{VERSION}\n' --srpm "$DAXKIT_SRC/rpm/$m.spec" 2>/dev/null)
		[ "$v" = "$ver" ] || bad="$bad rpm/$m.spec=$v"
	done
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
tdeb=$out/daxkit-tools_${ver}_$(dpkg --print-architecture).deb
trpm=$out/daxkit-tools-$ver-1.$(rpm --eval '%{_arch}').rpm
tsrpm=$out/daxkit-tools-$ver-1.src.rpm
check deb-built test -f "$deb"
check rpm-built test -f "$rpm" -a -f "$srpm"
check tools-deb-built test -f "$tdeb"
check tools-rpm-built test -f "$trpm" -a -f "$tsrpm"

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

# dkms_conf_modules TREE: the packaged tree's dkms.conf (TREE/usr/src/
# daxkit-VER) builds every module its Kbuild builds, from the folder of
# its source, into updates/dkms; and daxkitfs is one of them.
dkms_conf_modules() {
	local src=$1/usr/src/daxkit-$ver conf want got bad= m
	[ -f "$src/dkms.conf" ] || { echo "no $src/dkms.conf"; return 1; }
	conf=$(cd "$src" && kernelver=x kernel_source_dir=x bash -c '. ./dkms.conf
		for i in "${!BUILT_MODULE_NAME[@]}"; do
			echo "${BUILT_MODULE_NAME[$i]} ${BUILT_MODULE_LOCATION[$i]} ${DEST_MODULE_LOCATION[$i]}"
		done')
	want=$(modules_of "$src")
	got=$(awk '{ print $1 }' <<< "$conf" | LC_ALL=C sort)
	[ "$got" = "$want" ] || { echo "dkms.conf names $(echo $got), Kbuild builds $(echo $want)"; return 1; }
	grep -qx daxkitfs <<< "$got" || { echo "no daxkitfs in dkms.conf"; return 1; }
	while read -r m loc dest; do
		[ "$loc" = "$m/" ] && [ "$dest" = /updates/dkms ] || bad="$bad $m: $loc -> $dest;"
		grep -qE "^obj-m *\+= *$m\.o" "$src/$m/Kbuild" 2>/dev/null || bad="$bad $m/Kbuild builds no $m.o;"
		ls "$src/$m/"*.c > /dev/null 2>&1 || bad="$bad no $m/*.c;"
	done <<< "$conf"
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}
deb_dkms_conf() {
	local d rc=0
	d=$(mktemp -d)
	dpkg-deb -x "$deb" "$d"
	dkms_conf_modules "$d" || rc=1
	rm -rf "$d"
	return $rc
}
check deb-dkms-conf-builds-every-module deb_dkms_conf

deb_recommends_tools() {
	dpkg-deb -f "$deb" Recommends | tr ',' '\n' | grep -qx ' *daxkit-tools' ||
		{ echo "Recommends: $(dpkg-deb -f "$deb" Recommends)"; return 1; }
}
check deb-dkms-recommends-tools deb_recommends_tools

# lintian DEB: no error and no warning (pedantic and info tags are shown
# in the log, not failed on).
lintian_clean() {
	local rc=0 log=$out/lintian-${1##*/}.log
	lintian --fail-on error,warning "$1" > "$log" 2>&1 || rc=$?
	grep -v 'running with root privileges' "$log"
	[ "$rc" = 0 ] && ! grep -qE '^[EW]: ' "$log"
}
check deb-lintian-clean lintian_clean "$deb"
check tools-deb-lintian-clean lintian_clean "$tdeb"

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

rpm_dkms_conf() {
	local d rc=0
	d=$(mktemp -d)
	(cd "$d" && rpm2cpio "$rpm" | cpio -idm --quiet) || { rm -rf "$d"; echo "rpm2cpio failed"; return 1; }
	dkms_conf_modules "$d" || rc=1
	rm -rf "$d"
	return $rc
}
check rpm-dkms-conf-builds-every-module rpm_dkms_conf

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

rpm_recommends_tools() {
	rpm -qp --recommends "$rpm" 2>/dev/null | grep -qx 'daxkit-tools' ||
		{ echo "recommends: $(rpm -qp --recommends "$rpm" 2>&1 | tr '\n' ' ')"; return 1; }
}
check rpm-dkms-recommends-tools rpm_recommends_tools

# rpmlint NAME RPM SRPM: the packages and the spec rpm/NAME.spec, with
# rpm/NAME.rpmlintrc (which says why each message it filters does not
# apply): no error and no warning (rpmlint exits 0 on warnings).
rpmlint_clean() {
	local o rc=0
	o=$(rpmlint -r "$DAXKIT_SRC/rpm/$1.rpmlintrc" "$2" "$3" "$DAXKIT_SRC/rpm/$1.spec" 2>&1) || rc=$?
	echo "$o"
	[ "$rc" = 0 ] && ! grep -qE '^[^ ]+: [EW]: ' <<< "$o" && grep -qE ' 0 errors, 0 warnings' <<< "$o"
}
check rpmlint-clean rpmlint_clean daxkit-dkms "$rpm" "$srpm"
check tools-rpmlint-clean rpmlint_clean daxkit-tools "$trpm" "$tsrpm"

# daxkit-tools: the command, mkfs.daxkitfs and fsck.daxkitfs, their man
# pages, the completion, unit and udev rule, and the docs; nothing else.  The .deb has the unit and rule where
# bookworm's debhelper and udev look (/lib, /usr/lib through the merged
# /usr on later suites), the RPM where Fedora's systemd-rpm-macros say.
tools_deb_contents() {
	local list got want
	list=$(dpkg-deb -c "$tdeb")
	got=$(echo "$list" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./||' | sort)
	want=$(sort <<- EOF
		usr/bin/daxkit
		usr/share/man/man8/daxkit.8.gz
		usr/sbin/mkfs.daxkitfs
		usr/sbin/fsck.daxkitfs
		usr/share/man/man8/mkfs.daxkitfs.8.gz
		usr/share/man/man8/fsck.daxkitfs.8.gz
		usr/share/bash-completion/completions/daxkit
		lib/systemd/system/daxkit-restore.service
		lib/udev/rules.d/60-daxkit.rules
		usr/share/doc/daxkit-tools/copyright
		usr/share/doc/daxkit-tools/changelog.gz
		EOF
	)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head -n 5; return 1; }
	for f in usr/bin/daxkit usr/sbin/mkfs.daxkitfs usr/sbin/fsck.daxkitfs; do
		echo "$list" | grep -q "^-rwxr-xr-x .* \./$f\$" || { echo "$f is not 755"; return 1; }
	done
	[ "$(dpkg-deb -f "$tdeb" Architecture)" = "$(dpkg --print-architecture)" ] &&
		[ "$(dpkg-deb -f "$tdeb" Section)" = admin ] || { echo "not Architecture: any, Section: admin"; return 1; }
	# ${shlibs:Depends}: the libraries the binary links.
	dpkg-deb -f "$tdeb" Depends | grep -q 'libkmod2' && dpkg-deb -f "$tdeb" Depends | grep -q 'libjson-c' ||
		{ echo "Depends: $(dpkg-deb -f "$tdeb" Depends)"; return 1; }
}
check tools-deb-holds-the-command tools_deb_contents

tools_rpm_contents() {
	local got want
	# Regular files only: no directories, no /usr/lib/.build-id symlinks.
	got=$(rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$trpm" 2>/dev/null |
		awk '$1 ~ /^-/ { print $2 }' | sort)
	want=$(sort <<- EOF
		/usr/bin/daxkit
		/usr/share/man/man8/daxkit.8.gz
		/usr/sbin/mkfs.daxkitfs
		/usr/sbin/fsck.daxkitfs
		/usr/share/man/man8/mkfs.daxkitfs.8.gz
		/usr/share/man/man8/fsck.daxkitfs.8.gz
		/usr/share/bash-completion/completions/daxkit
		/usr/lib/systemd/system/daxkit-restore.service
		/usr/lib/udev/rules.d/60-daxkit.rules
		/usr/share/licenses/daxkit-tools/copyright
		/usr/share/doc/daxkit-tools/README.md
		EOF
	)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head -n 5; return 1; }
	for f in /usr/bin/daxkit /usr/sbin/mkfs.daxkitfs /usr/sbin/fsck.daxkitfs; do
		rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$trpm" | grep -qx -- "-rwxr-xr-x $f" ||
			{ echo "$f is not 755"; return 1; }
	done
	[ "$(rpm -qp --qf '%{ARCH}' "$trpm")" = "$(rpm --eval '%{_arch}')" ] || { echo "arch $(rpm -qp --qf '%{ARCH}' "$trpm")"; return 1; }
	rpm -qp --requires "$trpm" | grep -q '^libkmod\.so' && rpm -qp --requires "$trpm" | grep -q '^libjson-c\.so' ||
		{ echo "no automatic requires on libkmod and json-c"; return 1; }
}
check tools-rpm-holds-the-command tools_rpm_contents

# The unit is installed, never enabled or started.  .deb: dh_installsystemd
# --no-enable --no-start; its postinst, run for a first install with stand-in
# deb-systemd-helper, deb-systemd-invoke and systemctl (which answer as on a
# machine where the unit is new), enables and starts nothing, and its postrm
# forgets the unit on purge.  RPM: the spec, expanded with stand-in systemd
# macros, has no %systemd_post (presets) and disables the unit on erase.
tools_deb_unit_not_enabled() {
	local d r=
	d=$(mktemp -d)
	dpkg-deb -e "$tdeb" "$d/ctl"
	for c in deb-systemd-helper deb-systemd-invoke systemctl; do
		printf '#!/bin/sh\necho "%s $*" >> %s/calls\ncase "$*" in *debian-installed*) exit 1 ;; esac\nexit 0\n' \
			"$c" "$d" > "$d/$c"
		chmod +x "$d/$c"
	done
	if [ -f "$d/ctl/postinst" ]; then
		PATH=$d:$PATH DPKG_MAINTSCRIPT_PACKAGE=daxkit-tools sh "$d/ctl/postinst" configure '' > /dev/null 2>&1 ||
			r="postinst configure failed;"
	fi
	grep -E ' (enable|start|restart|reload-or-restart)( |$)' "$d/calls" 2>/dev/null | grep -q . &&
		r="$r postinst ran: $(grep -E ' (enable|start|restart)' "$d/calls" | tr '\n' ' ');"
	grep -q "deb-systemd-helper purge 'daxkit-restore.service'" "$d/ctl/postrm" 2>/dev/null ||
		r="$r postrm does not purge the unit's state (dh_installsystemd did not see it);"
	rm -rf "$d"
	[ -z "$r" ] || { echo "$r"; return 1; }
}
check tools-deb-unit-not-enabled tools_deb_unit_not_enabled

tools_rpm_unit_not_enabled() {
	local p
	rpm -qp --scripts "$trpm" 2>/dev/null | grep -qE 'systemctl.*(enable|start|preset)|systemd-update-helper install' &&
		{ echo "the RPM's scriptlets enable or start the unit"; return 1; }
	p=$(rpmspec -P --load "$DAXKIT_SRC/tests/pkg/rpmbuild-host.macros" \
		--define 'systemd_post() SYSTEMD_POST %{?*}' --define 'systemd_preun() SYSTEMD_PREUN %{?*}' \
		--define 'systemd_postun_with_restart() SYSTEMD_RESTART %{?*}' \
		"$DAXKIT_SRC/rpm/daxkit-tools.spec" 2>&1) || { echo "$p"; return 1; }
	grep -qE 'SYSTEMD_POST|SYSTEMD_RESTART|systemctl' <<< "$p" && { echo "the spec enables, starts or restarts the unit"; return 1; }
	grep -qx 'SYSTEMD_PREUN daxkit-restore.service' <<< "$p" || { echo "no %systemd_preun daxkit-restore.service"; return 1; }
}
check tools-rpm-unit-not-enabled tools_rpm_unit_not_enabled

# The man pages as packaged, through man-db and groff as lintian runs them.
tools_man_pages() {
	local d w p bad= rc
	d=$(mktemp -d)
	dpkg-deb -x "$tdeb" "$d"
	for p in daxkit mkfs.daxkitfs fsck.daxkitfs; do
		rc=0
		w=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$d/usr/share/man/man8/$p.8.gz" 2>&1 > /dev/null) || rc=$?
		[ "$rc" = 0 ] && [ -z "$w" ] || bad="$bad $p.8: man exited $rc: $w;"
	done
	rm -rf "$d"
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}
check tools-man-pages-render-cleanly tools_man_pages

# systemd-analyze verify, in a root made of the .deb and this machine's
# units (sysinit.target, ...): the unit parses without a warning, its
# ExecStart= is the packaged binary, its Documentation= man page is the
# packaged one.
tools_unit_verify() {
	local d o rc=0
	d=$(mktemp -d)
	dpkg-deb -x "$tdeb" "$d"
	mkdir -p "$d/usr/lib/systemd/system"
	cp -a /usr/lib/systemd/system/. "$d/usr/lib/systemd/system/"
	rm -f "$d/usr/lib/systemd/system/daxkit-restore.service"
	o=$(cd "$d" && MANPATH=$d/usr/share/man SYSTEMD_LOG_COLOR=0 \
		systemd-analyze verify --root="$d" /lib/systemd/system/daxkit-restore.service 2>&1) || rc=$?
	rm -rf "$d"
	[ "$rc" = 0 ] && [ -z "$o" ] || { echo "systemd-analyze verify exited $rc: $o"; return 1; }
}
if command -v systemd-analyze > /dev/null && [ -d /usr/lib/systemd/system ]; then
	check tools-unit-verifies tools_unit_verify
else
	echo "NOTE: tools-unit-verifies: no systemd-analyze on this machine (package systemd); not tested"
fi

for d in "$deb" "$tdeb"; do
	echo "[daxkit] package contents: ${d##*/}:" >&2
	dpkg-deb -c "$d" | awk '$1 !~ /^d/ { print "    " $6 }' >&2
done
