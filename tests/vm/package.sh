#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: package.sh NAME
# The package lane of one kernel of the matrix: in a throwaway copy (an
# overlay) of that suite's chroot, which has the suite's kernel headers,
# `apt install ./daxkit-dkms_*.deb` as a user would; check that DKMS built
# and installed the five modules for that kernel (running our compat
# probes) and refuses a kernel before 5.10; boot that kernel in QEMU with
# exactly the modules the package installed, beside the kernel's own
# dax_pmem, and the package's mkfs.daxkitfs and fsck.daxkitfs (from the
# daxkit-tools .deb, unpacked), and use the devices and daxkitfs there
# (tests/guest/package.sh); upgrade to a newer package (the same tree as
# version VERSION.1) and check that DKMS swapped the old modules for the
# new; purge the package and check that it left nothing behind.  Then daxkit-tools, where the suite's glibc is
# as new as the host's (it is built here, on bookworm: not on bullseye):
# `apt install ./daxkit-tools_*.deb`, the command, mkfs.daxkitfs and
# fsck.daxkitfs run and report the package version, fsck(8) finds
# fsck.daxkitfs, the man pages are there, the unit is not enabled, and
# `apt purge daxkit-tools` removes it all.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/klog.sh"

name=${1:-6.1}
suite=$(matrix_suite "$name") || die "unknown kernel '$name' (known: $DAXKIT_MATRIX)"
base=$("$DAXKIT_SRC/tests/vm/chroot.sh" "$suite")
kver=$(chroot_kver "$base") ||
	die "no amd64 kernel headers in the $suite chroot"
kimg=$("$DAXKIT_SRC/tests/vm/kernel.sh" "$kver" "$base")
ver=$(daxkit_version)

lane=$DAXKIT_CACHE/pkg-lane/$suite
root=$lane/root
logs=$DAXKIT_CACHE/pkg-logs/$name    # kept after the run
cleanup() {
	if mountpoint -q "$root"; then as_root umount "$root"; fi
	as_root rm -rf "$lane"
}
cleanup    # what a killed run left
rm -rf "$logs"
mkdir -p "$logs"
results=$(mktemp)
trap 'cleanup; rm -f "$results"' EXIT
trap 'exit 1' INT TERM
res() { echo "RESULT: $1 $2 [pkg-$name]${3:+: $3}" | tee -a "$results"; }

# The throwaway copy: an overlay on the cached chroot, or a plain copy
# where overlayfs cannot be mounted.
mkdir -p "$lane"/{upper,work,root}
if ! as_root mount -t overlay overlay \
	-o "lowerdir=$base,upperdir=$lane/upper,workdir=$lane/work" "$root" 2> /dev/null; then
	log "pkg-$name: no overlayfs here; copying the $suite chroot"
	as_root cp -a "$base/." "$root/"
fi

log "pkg-$name: building the packages"
"$DAXKIT_SRC/tests/pkg/build.sh" "$lane/out" > /dev/null
deb=daxkit-dkms_${ver}_all.deb
as_root cp "$lane/out/$deb" "$root/tmp/"

# dkms itself first: what the purge must restore is the machine with dkms.
apt_in() { in_root "$root" apt-get -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "$@"; }
apt_in install dkms > "$logs/dkms.log" 2>&1 ||
	die "installing dkms in the $suite chroot failed; see $logs/dkms.log"
snap() {
	local d
	for d in usr/src var/lib/dkms usr/lib/modules lib/modules etc usr/share/doc; do
		[ -d "$root/$d" ] && [ ! -L "$root/$d" ] || continue
		as_root find "$root/$d" -xdev 2> /dev/null
	done | sed "s|^$root||" |
		# dkms's own signing key, made on its first build, is dkms's.
		grep -vE '^/var/lib/dkms/mok\.(key|pub)$' |
		# ld.so's cache, and depmod's indexes (made by the first depmod
		# where no kernel image made them), belong to no package.
		grep -vE '^/etc/ld\.so\.cache$|^(/usr)?/lib/modules/[^/]+/modules\.[a-z.]+$' | sort
}
snap > "$lane/before"

log "pkg-$name: apt install ./$deb in the $suite chroot (DKMS builds for $kver)"
t=pkg-apt-install
if apt_in install "/tmp/$deb" > "$logs/install.log" 2>&1; then
	res PASS $t
else
	res FAIL $t "$(tail -n 5 "$logs/install.log" | tr '\n' '|')"
fi

t=pkg-dkms-installed-for-$kver
st=$(in_root "$root" dkms status -m daxkit -v "$ver" -k "$kver" 2>&1 || true)
if grep -q ': installed' <<< "$st"; then
	res PASS $t
else
	res FAIL $t "dkms status: $st; install log: $(grep -iE 'error|skip' "$logs/install.log" | head -n 3 | tr '\n' '|')"
fi

t=pkg-five-modules-in-updates-dkms
mods=$root/lib/modules/$kver/updates/dkms
bad=
for m in dax_core dax_dev dax_pmem dax_fs_helper daxkitfs; do
	ko=$(ls "$mods/$m".ko* 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		bad="$bad $m missing;"
	elif [ "$(modinfo -F version "$ko")" != "$(cat "$DAXKIT_SRC/$m/VERSION")" ]; then
		bad="$bad $m has version $(modinfo -F version "$ko");"
	elif [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" != "$kver" ]; then
		bad="$bad $m built for $(modinfo -F vermagic "$ko");"
	fi
done
if [ -z "$bad" ]; then res PASS $t; else res FAIL $t "$bad"; fi

t=pkg-dkms-build-ran-compat-probes
mlog=$root/var/lib/dkms/daxkit/$ver/build/make.log
[ -f "$mlog" ] || mlog=$(ls "$root/var/lib/dkms/daxkit/$ver/$kver"/*/log/make.log 2>/dev/null | head -n 1)
if [ -n "$mlog" ] && grep -qE '^compat: HAVE_[A-Z0-9_]+ +(yes|no) ' "$mlog"; then
	res PASS $t
else
	res FAIL $t "no probe outcomes in dkms's make.log (${mlog:-not found})"
fi

t=pkg-dkms-refuses-4.19
out=$(in_root "$root" dkms build -m daxkit -v "$ver" -k 4.19.0-27-amd64 2>&1) && rc=0 || rc=$?
if [ "$rc" != 0 ] && grep -q 'BUILD_EXCLUSIVE' <<< "$out"; then
	res PASS $t
else
	res FAIL $t "dkms build for 4.19 exited $rc: $(echo "$out" | tail -n 3 | tr '\n' '|')"
fi

tdeb=daxkit-tools_${ver}_$(dpkg --print-architecture).deb
if [ -z "$bad" ]; then
	serial=$logs/serial.log
	# The guest runs the package's mkfs and fsck (linked against this
	# host's glibc, which the initramfs carries, whatever the suite).
	rm -rf "$lane/tools"
	dpkg-deb -x "$lane/out/$tdeb" "$lane/tools"
	"$DAXKIT_SRC/tests/vm/initramfs.sh" --installed "$kver" "$kimg" "$mods" "$lane/initrd.gz" \
		"$lane/tools"
	# The lane's own NVDIMM, empty, as the suite's lanes have theirs.
	export DAXKIT_NVDIMM=$lane/nvdimm.img DAXKIT_VPMEM=$lane/vpmem.img
	rm -f "$DAXKIT_NVDIMM" "$DAXKIT_VPMEM"
	log "pkg-$name: booting $kver with the package's modules (log: $serial)"
	guest_run "$kimg/vmlinuz" "$lane/initrd.gz" package "$serial" 600 pkg-guest-completed || true
	if splats=$(klog_splats "$serial"); then
		res FAIL pkg-guest-kernel-log-clean "$(echo "$splats" | head -n 5 | tr '\n' '|')"
	else
		res PASS pkg-guest-kernel-log-clean
	fi
fi

upver=$ver.1
log "pkg-$name: upgrading to daxkit-dkms $upver"
t=pkg-upgrade-replaces-modules
"$DAXKIT_SRC/tests/pkg/build.sh" "$lane/out-up" "$upver" > /dev/null
as_root cp "$lane/out-up/daxkit-dkms_${upver}_all.deb" "$root/tmp/"
if ! apt_in install "/tmp/daxkit-dkms_${upver}_all.deb" > "$logs/upgrade.log" 2>&1; then
	res FAIL $t "apt install of $upver failed: $(tail -n 3 "$logs/upgrade.log" | tr '\n' '|')"
else
	st=$(in_root "$root" dkms status -m daxkit 2>&1 || true)
	bad=
	grep -q "$upver, $kver, .*: installed" <<< "$st" || bad="$bad $upver not installed;"
	grep -qE "daxkit(/|, )$ver, " <<< "$st" && bad="$bad $ver still known to dkms;"
	[ -e "$root/usr/src/daxkit-$ver" ] && bad="$bad /usr/src/daxkit-$ver left;"
	for m in dax_core dax_dev dax_pmem dax_fs_helper daxkitfs; do
		ko=$(ls "$mods/$m".ko* 2>/dev/null | head -n 1)
		v=$( [ -n "$ko" ] && modinfo -F version "$ko")
		[ "$v" = "$upver" ] || bad="$bad $m is '${v:-missing}';"
	done
	if [ -z "$bad" ]; then res PASS $t; else res FAIL $t "$bad (dkms status: $(echo "$st" | tr '\n' '|'))"; fi
fi

log "pkg-$name: apt purge daxkit-dkms"
t=pkg-purge-leaves-nothing
if ! apt_in purge daxkit-dkms > "$logs/purge.log" 2>&1; then
	res FAIL $t "apt purge failed: $(tail -n 3 "$logs/purge.log" | tr '\n' '|')"
else
	snap > "$lane/after"
	if cmp -s "$lane/before" "$lane/after"; then
		res PASS $t
	else
		res FAIL $t "$(diff "$lane/before" "$lane/after" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
	fi
fi

# daxkit-tools: linked on this host against its glibc (the .deb's libc6
# dependency); a suite with an older one cannot install it.
need=$(dpkg-deb -f "$lane/out/$tdeb" Depends | tr ',' '\n' | sed -n 's/^ *libc6 (>= \(.*\))$/\1/p')
have=$(in_root "$root" dpkg-query -W -f='${Version}' libc6)
t=pkg-tools-apt-install
if [ -n "$need" ] && ! dpkg --compare-versions "$have" ge "$need"; then
	echo "NOTE: $t [pkg-$name]: daxkit-tools is built on this host, against glibc $need; $suite has libc6 $have: not installed there, not tested"
else
	log "pkg-$name: apt install ./$tdeb in the $suite chroot"
	as_root cp "$lane/out/$tdeb" "$root/tmp/"
	if ! apt_in install "/tmp/$tdeb" > "$logs/tools-install.log" 2>&1; then
		res FAIL $t "$(tail -n 5 "$logs/tools-install.log" | tr '\n' '|')"
	else
		res PASS $t

		t=pkg-tools-version
		v=$(in_root "$root" daxkit --version 2>&1 || true)
		if [ "$v" = "daxkit $ver" ]; then res PASS $t; else res FAIL $t "daxkit --version printed '$v', not 'daxkit $ver'"; fi

		t=pkg-tools-man-pages
		bad=
		for p in daxkit mkfs.daxkitfs fsck.daxkitfs; do
			if [ -x "$root/usr/bin/man" ]; then
				mp=$(in_root "$root" man -w $p 2>&1 || true)
			else
				mp=$(ls "$root"/usr/share/man/man8/$p.8* 2>/dev/null | sed "s|^$root||" || true)
			fi
			[[ $mp == /usr/share/man/man8/$p.8* ]] || bad="$bad no $p(8): '$mp';"
		done
		if [ -z "$bad" ]; then res PASS $t; else res FAIL $t "$bad"; fi

		# mkfs.daxkitfs and fsck.daxkitfs run, and fsck(8) finds the
		# checker for -t daxkitfs (-N: says what it would run).
		t=pkg-tools-daxkitfs
		bad=
		for p in mkfs.daxkitfs fsck.daxkitfs; do
			v=$(in_root "$root" $p -V 2>&1 || true)
			[ "$v" = "$p (daxkit) $ver" ] || bad="$bad $p -V printed '$v';"
		done
		f=$(in_root "$root" fsck -N -t daxkitfs /dev/daxkit0.0 2>&1 || true)
		grep -qE '^\[(/usr)?/sbin/fsck\.daxkitfs \(1\) -- /dev/daxkit0\.0\] fsck\.daxkitfs /dev/daxkit0\.0' <<< "$f" ||
			bad="$bad fsck -N -t daxkitfs: '$(echo "$f" | tr '\n' '|')';"
		if [ -z "$bad" ]; then res PASS $t; else res FAIL $t "$bad"; fi

		t=pkg-tools-unit-not-enabled
		bad=
		[ -f "$root/lib/systemd/system/daxkit-restore.service" ] || bad="$bad unit not installed;"
		w=$(as_root find "$root/etc/systemd" -name daxkit-restore.service 2>/dev/null | sed "s|^$root||" | tr '\n' ' ')
		[ -z "$w" ] || bad="$bad enabled: $w;"
		if [ -z "$bad" ]; then res PASS $t; else res FAIL $t "$bad"; fi

		log "pkg-$name: apt purge daxkit-tools"
		t=pkg-tools-purge-removes-it
		if ! apt_in purge daxkit-tools > "$logs/tools-purge.log" 2>&1; then
			res FAIL $t "apt purge failed: $(tail -n 3 "$logs/tools-purge.log" | tr '\n' '|')"
		else
			bad=
			for f in $(dpkg-deb -c "$lane/out/$tdeb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\.||'); do
				[ ! -e "$root$f" ] || bad="$bad $f left;"
			done
			w=$(as_root find "$root/etc/systemd" "$root/var/lib/systemd" -name '*daxkit*' 2>/dev/null | sed "s|^$root||" | tr '\n' ' ')
			[ -z "$w" ] || bad="$bad $w left;"
			st=$(in_root "$root" dpkg-query -W -f='${Status}' daxkit-tools 2>/dev/null || true)
			case $st in '' | *not-installed) ;; *) bad="$bad dpkg says '$st';" ;; esac
			if [ -z "$bad" ]; then res PASS $t; else res FAIL $t "$bad"; fi
		fi
	fi
fi
! grep -q '^RESULT: FAIL' "$results"
