#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkfs.daxkitfs and fsck.daxkitfs (tools/daxkitfs) on image files: mkfs's
# geometry, options and refusals; fsck on valid images (made by mkfs and
# populated by tests/host/dkfs-populate.c, a host-only builder that
# follows the format as the module does) and on images corrupted one
# rule at a time: `fsck -n` must report it (exit 4), `fsck -y` repair it
# (exit 1) and a second `fsck -n` find nothing (exit 0); then the fuzzer
# (tests/guest/src/dkfsfuzz.c) on DKFS_FUZZ_IMAGES (1000) images: fsck -y
# exits 0, 1, 4 or 8 within 10 seconds, and after it fsck -n exits 0.
# The man pages render without warnings.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

src=$DAXKIT_SRC/tools/daxkitfs
work=$(mktemp -d /tmp/daxkitfs-tools.XXXXXX)
# The build goes into the source directory; what this test built, it
# cleans (a source tarball made later must not pick the binaries up).
built_here=1
[ -e "$src/mkfs.daxkitfs" ] && built_here=
cleanup() {
	[ -z "$built_here" ] || make -s -C "$src" clean > /dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
npass=0
nfail=0
why=

begin() { why=; }
because() { why="$why${why:+; }$*"; }
verdict() {
	if [ -z "$why" ]; then
		pass "$1"
		npass=$((npass + 1))
	else
		fail "$1" "${why:0:600}"
		nfail=$((nfail + 1))
	fi
}
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" = 0 ]
	exit
}

begin
if [ ! -f "$src/mkfs.c" ]; then
	because "tools/daxkitfs is missing"
elif ! make -s -C "$src" > "$work/build.log" 2>&1; then
	because "make: $(tail -n 5 "$work/build.log" | tr '\n' '|')"
fi
for h in "$DAXKIT_SRC/tests/host/dkfs-populate.c:dkp" "$DAXKIT_SRC/tests/guest/src/dkfsfuzz.c:dkfsfuzz"; do
	# The fuzzer as the guest builds it; the builder with the project's flags.
	if [ "${h##*:}" = dkfsfuzz ]; then
		flags=(-static -O2 -Wall -Wextra -Werror -pthread)
	else
		flags=(-std=gnu11 -O2 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes
			-Wstrict-prototypes -I"$DAXKIT_SRC/include")
	fi
	gcc "${flags[@]}" -o "$work/${h##*:}" "${h%:*}" > "$work/cc.log" 2>&1 ||
		because "${h%:*}: $(head -n 5 "$work/cc.log" | tr '\n' '|')"
done
verdict daxkitfs-tools-build
[ -z "$why" ] || finish

MKFS=$src/mkfs.daxkitfs
FSCK=$src/fsck.daxkitfs
DKP=$work/dkp
img=$work/img

# run CMD...: $rc, $work/out, $work/err
run() {
	"$@" > "$work/out" 2> "$work/err"
	rc=$?
}
errtext() { head -c 300 "$work/err" | tr '\n' '|'; }
outtext() { head -c 300 "$work/out" | tr '\n' '|'; }
want_rc() { [ "$rc" = "$1" ] || because "$2: exit $rc, want $1 (out: $(outtext) err: $(errtext))"; }
# q PROBE: one probe of the builder on $img
q() { echo "$*" | "$DKP" "$img"; }
# want_field NAME OFFSET SIZE VALUE: the image holds VALUE there
want_field() {
	local v
	v=$(q get "$2" "$3")
	[ "$v" = "$4" ] || because "$1 is $v, want $4"
}

# ---- mkfs

begin
head -c $((4 * 1024 * 1024 - 1)) /dev/urandom > "$img"
sum=$(md5sum < "$img")
run "$MKFS" "$img"
want_rc 1 "mkfs on 4 MiB - 1"
grep -q "device too small: 4194303 bytes, need at least 4194304" "$work/err" ||
	because "message: $(errtext)"
[ "$(md5sum < "$img")" = "$sum" ] || because "the image changed"
verdict mkfs-refuses-too-small

begin
rm -f "$img"; truncate -s 4M "$img"
run "$MKFS" -q "$img"
want_rc 0 "mkfs on 4 MiB"
[ -s "$work/out" ] && because "-q printed: $(outtext)"
want_field nr_blocks 24 8 1024
want_field data_start 48 8 512
run "$FSCK" "$img"
want_rc 0 "fsck"
verdict mkfs-smallest-4MiB

begin
rm -f "$img"; truncate -s 8M "$img"
run "$MKFS" "$img"
want_rc 0 mkfs
for f in "2048 blocks" "inodes: 128" "data: blocks 512-2047" "uuid: "; do
	grep -q "$f" "$work/out" || because "summary lacks '$f': $(outtext)"
done
want_field magic 0 8 $((0x53465449584b4144))
want_field version 8 4 1
want_field block_size 16 4 4096
want_field inode_size 20 4 256
want_field nr_blocks 24 8 2048
want_field inode_start 32 8 2
want_field nr_inodes 40 8 128
want_field data_start 48 8 512
want_field features 64 8 0
want_field state 2048 8 $((0x4e41454c43))
want_field root_mode $((8192 + 256)) 4 $((0040755))
want_field root_nlink $((8192 + 256 + 4)) 4 2
want_field root_size $((8192 + 256 + 16)) 8 0
want_field root_parent $((8192 + 256 + 64)) 8 1
[ "$(od -An -tx1 -j 0 -N 256 "$img")" = "$(od -An -tx1 -j 4096 -N 256 "$img")" ] ||
	because "the backup differs from the primary"
[ "$(od -An -tx1 -j $((8192 + 512)) -N $((126 * 256)) "$img" | tr -d ' \n*' | tr -d 0)" = "" ] ||
	because "inodes 2.. are not zero"
run "$FSCK" "$img"
want_rc 0 fsck
grep -q "1 inodes in use, 512 blocks used, 0 problems found, 0 fixed" "$work/out" ||
	because "summary: $(outtext)"
verdict mkfs-8MiB-geometry

begin
rm -f "$img"; truncate -s 768M "$img"
run "$MKFS" -q "$img"
want_rc 0 mkfs
want_field nr_blocks 24 8 196608
want_field nr_inodes 40 8 12288
want_field data_start 48 8 1024
[ "$(du -k "$img" | cut -f1)" -lt 8192 ] || because "the sparse image grew to $(du -k "$img" | cut -f1) KiB"
run "$FSCK" "$img"
want_rc 0 fsck
verdict mkfs-768MiB-sparse-geometry

begin
rm -f "$img"; truncate -s 8M "$img"
run "$MKFS" -q -N 1000 -L daxkit-label-31-bytes-long-xxxx -U 0123abcd-4567-89ef-0011-223344556677 "$img"
want_rc 0 "mkfs -N -L -U"
want_field nr_inodes 40 8 1000
want_field data_start 48 8 512
[ "$(od -An -c -j 88 -N 32 "$img" | tr -d ' \n')" = 'daxkit-label-31-bytes-long-xxxx\0' ] ||
	because "label: $(od -An -c -j 88 -N 32 "$img" | tr -d '\n')"
[ "$(od -An -tx1 -j 72 -N 16 "$img" | tr -d ' \n')" = 0123abcd456789ef0011223344556677 ] ||
	because "uuid: $(od -An -tx1 -j 72 -N 16 "$img")"
run "$MKFS" -q -f -L daxkit-label-32-bytes-long-xxxxx "$img"
want_rc 1 "mkfs -L 32 bytes"
run "$MKFS" -q -f -U not-a-uuid "$img"
want_rc 1 "mkfs -U not-a-uuid"
run "$MKFS" -q -f -N 63 "$img"
want_rc 1 "mkfs -N 63"
sum=$(md5sum < "$img")
run "$MKFS" -q -f -N 100000 "$img"
want_rc 1 "mkfs -N 100000 on 8 MiB"
[ "$(md5sum < "$img")" = "$sum" ] || because "a refused -N changed the image"
verdict mkfs-options

begin
run "$MKFS" -q "$img"
want_rc 1 "mkfs over a daxkitfs without -f"
grep -q "holds a daxkitfs" "$work/err" || because "message: $(errtext)"
[ "$(md5sum < "$img")" = "$sum" ] || because "the refusal changed the image"
dd if=/dev/zero of="$img" bs=256 count=1 conv=notrunc status=none
run "$MKFS" -q "$img"
want_rc 1 "mkfs over a daxkitfs with only its backup"
dd if=/dev/zero of="$img" bs=4096 count=2 conv=notrunc status=none
printf 'XFSB' | dd of="$img" conv=notrunc status=none
run "$MKFS" -q "$img"
want_rc 1 "mkfs over an XFS signature"
grep -q "XFS" "$work/err" || because "XFS message: $(errtext)"
run "$MKFS" -q -f "$img"
want_rc 0 "mkfs -f"
u1=$(od -An -tx1 -j 72 -N 16 "$img")
run "$MKFS" -q -f "$img"
[ "$(od -An -tx1 -j 72 -N 16 "$img")" != "$u1" ] || because "two runs made the same UUID"
verdict mkfs-refuses-overwrite-without-f

begin
bdev=$(for d in /dev/loop0 /dev/vda /dev/sda /dev/nvme0n1 /dev/zram0; do [ -b "$d" ] && echo "$d" && break; done)
if [ -n "$bdev" ]; then
	run "$MKFS" -q -f "$bdev"
	want_rc 1 "mkfs on block device $bdev"
	grep -q "block device" "$work/err" || because "message: $(errtext)"
	run "$FSCK" -n "$bdev"
	want_rc 8 "fsck on block device $bdev"
fi
run "$MKFS" --help
want_rc 0 "mkfs --help"
grep -q "^Usage: mkfs.daxkitfs" "$work/out" || because "mkfs --help: $(outtext)"
run "$FSCK" --help
want_rc 0 "fsck --help"
grep -q "^Usage: fsck.daxkitfs" "$work/out" || because "fsck --help: $(outtext)"
run "$MKFS" -V
want_rc 0 "mkfs -V"
run "$MKFS"
want_rc 1 "mkfs without a device"
run "$FSCK" -n -y "$img"
want_rc 16 "fsck -n -y"
run "$FSCK" --bogus "$img"
want_rc 16 "fsck --bogus"
run "$FSCK" -n "$work/none"
want_rc 8 "fsck on a missing file"
verdict tools-usage-and-refusals

begin
for m in mkfs.daxkitfs.8 fsck.daxkitfs.8; do
	w=$(MANWIDTH=80 man --warnings -l "$src/$m" 2>&1 > /dev/null)
	[ -z "$w" ] || because "$m: $(head -c 200 <<< "$w" | tr '\n' '|')"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
		MANWIDTH=80 man -l "$src/$m" 2> /dev/null | grep -q "^$s" || because "$m: no $s"
	done
done
make -s -C "$src" install DESTDIR="$work/inst" prefix=/usr > "$work/inst.log" 2>&1 ||
	because "make install: $(tail -n 3 "$work/inst.log" | tr '\n' '|')"
for f in sbin/mkfs.daxkitfs sbin/fsck.daxkitfs share/man/man8/mkfs.daxkitfs.8 share/man/man8/fsck.daxkitfs.8; do
	[ -f "$work/inst/usr/$f" ] || because "make install: no /usr/$f"
done
verdict daxkitfs-man-pages-and-install

# ---- a populated template

tmpl=$work/tmpl
rm -f "$tmpl"; truncate -s 8M "$tmpl"
"$MKFS" -q "$tmpl"
# Three slots: 48 name bytes in the first, 56 in each continuation.
long=a-very-long-name-that-takes-three-slots-in-a-dir-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123
{
	echo "mkdir /d"
	echo "mkdir /d/e"
	echo "mkdir /m"
	echo "file /f 3 1"
	echo "file /d/big 40 30"
	echo "file /d/e/$long 2 2"
	echo "symlink /d/l /some/target"
	echo "link /f /d/hard"
	echo "mknod /d/c c"
	echo "mknod /d/b b"
	echo "mknod /p p"
	echo "mknod /s s"
	for i in $(seq 1 70); do echo "mknod /m/n$i p"; done
} | "$DKP" "$tmpl" || die "dkfs-populate failed"

begin
cp "$tmpl" "$img"
run "$FSCK" -n "$img"
want_rc 0 "fsck -n on the populated template"
grep -q "82 inodes in use, 564 blocks used, 0 problems found, 0 fixed" "$work/out" ||
	because "summary: $(outtext)"
run "$FSCK" -y "$img"
want_rc 0 "fsck -y on the populated template"
cmp -s "$tmpl" "$img" || because "fsck -y wrote to a clean filesystem"
D_long=$(q doff /d/e "$long")
[ "$(q get $((D_long + 8)) 1)" = ${#long} ] || because "the long name's entry"
[ "$(q get $((D_long + 10)) 1)" = 3 ] || because "the long name's slot count"
for k in 1 2; do
	# A continuation: its first word zero, the name on from byte 8.
	[ "$(q get $((D_long + k * 64)) 8)" = 0 ] || because "continuation $k: first word not zero"
	c=${long:$((48 + (k - 1) * 56)):1}
	[ "$(q get $((D_long + k * 64 + 8)) 1)" = "$(printf %d "'$c")" ] ||
		because "continuation $k: byte 8 is not name byte $((48 + (k - 1) * 56)) ('$c')"
done
verdict fsck-populated-clean

# Offsets in the template, for the corruptions.
img=$tmpl
I_f=$(q ioff /f); I_d=$(q ioff /d); I_e=$(q ioff /d/e); I_big=$(q ioff /d/big)
I_l=$(q ioff /d/l); I_c=$(q ioff /d/c); I_p=$(q ioff /p); I_m=$(q ioff /m)
N_d=$(q ino /d); N_e=$(q ino /d/e); N_f=$(q ino /f); N_big=$(q ino /d/big)
X_big=$(q xblock /d/big)
B_big0=$(q bmap /d/big 0)
B_l=$(q bmap /d/l 0)
B_root=$(q bmap / 0)
D_big=$(q doff /d big); D_f=$(q doff / f); D_s=$(q doff / s); D_dir_d=$(q doff / d)
D_hard=$(q doff /d hard); D_e=$(q doff /d e); D_long=$(q doff /d/e "$long")
B_e=$(q bmap /d/e 0)
I_free=$((8192 + 120 * 256))
img=$work/img
EXT=96	# i_ext[0]; e_lblk +0, e_len +4, e_pblk +8

# corrupt NAME REGEX COMMAND...: the template, changed by the builder's
# COMMANDs; fsck -n reports REGEX and exits 4, fsck -y exits 1, fsck -n 0.
corrupt() {
	local t=fsck-$1 re=$2
	shift 2
	begin
	cp "$tmpl" "$img"
	printf '%s\n' "$@" | "$DKP" "$img" > /dev/null || because "the builder failed"
	sum=$(md5sum < "$img")
	run "$FSCK" -n "$img"
	want_rc 4 "fsck -n"
	grep -qE "$re" "$work/out" || because "fsck -n does not say /$re/: $(outtext)"
	[ "$(md5sum < "$img")" = "$sum" ] || because "fsck -n wrote"
	run "$FSCK" -y "$img"
	want_rc 1 "fsck -y"
	grep -qE "$re.*; " "$work/out" || because "fsck -y does not say what it did: $(outtext)"
	grep -qE "problems found, [1-9][0-9]* fixed" "$work/out" || because "fsck -y summary: $(outtext)"
	cp "$img" "$work/repaired"
	run "$FSCK" -n "$img"
	want_rc 0 "fsck -n after -y"
	verdict "$t"
}

corrupt sb-checksum "block 0: superblock: bad checksum" "set 200 1 0x41"
corrupt sb-magic "block 0: superblock: bad magic" "set 0 1 0x41"
corrupt sb-geometry-unaligned "block 0: superblock: data start not aligned" "set 48 8 513" resum
corrupt sb-geometry-too-big "block 0: superblock: larger than the device" "set 24 8 4096" resum
corrupt sb-geometry-inodes "block 0: superblock: inode count out of range" "set 40 8 63" resum
corrupt sb-geometry-table "block 0: superblock: inode table overlaps" "set 40 8 200000" resum
corrupt sb-backup-differs "block 1: backup superblock" "set $((4096 + 100)) 1 0x41"
corrupt state-mounted "state word MOUNTED" "set 2048 8 $((0x4445544e554f4d))"
corrupt inode0-in-use "inode 0: in use" "set 8192 4 $((0100644))"
corrupt root-not-dir "inode 1: the root is not a directory" "set $((8192 + 256)) 4 $((0100644))"
corrupt root-parent "inode 1: the root's parent is 5" "set $((8192 + 256 + 64)) 8 5"
corrupt bad-mode "inode $N_f: in use with invalid mode" "set $I_f 4 $((0170644))"
corrupt extent-before-data "inode $N_f: extent 0 .* outside the data area" "set $((I_f + EXT + 8)) 8 3"
corrupt extent-past-end "inode $N_f: extent 0 .* outside the data area" "set $((I_f + EXT + 8)) 8 2046"
corrupt extent-lblk-2e32 "inode $N_f: extent 0 .* beyond file block 2\^32" "set $((I_f + EXT)) 4 0xffffffff"
corrupt extent-file-overlap "inode $N_big: extent 1 .* overlaps another extent" "set $((I_big + EXT + 16)) 4 0"
corrupt extent-device-twice "inode $N_big: extent 0: blocks $B_big0\+1 already in use" \
	"set $((I_f + EXT + 8)) 8 $B_big0" "set $((I_f + EXT + 4)) 4 1"
corrupt xblock-magic "inode $N_big: extent block $X_big without the extent-block magic" "set $((X_big * 4096)) 1 0"
corrupt xblock-cycle "inode $N_big: extent block $X_big \(after $X_big\) already in use" "set $((X_big * 4096 + 8)) 8 $X_big"
corrupt xblock-outside "inode $N_big: extent block 5 outside the data area" "set $((I_big + 80)) 8 5"
corrupt xblock-shared "inode $N_big: extent block $X_big already in use" "set $((I_f + 80)) 8 $X_big"
corrupt chardev-extent "a character device with extent 0" "set $((I_c + EXT + 4)) 4 1" "set $((I_c + EXT + 8)) 8 2000"
corrupt fifo-xblock "a FIFO with extent block" "set $((I_p + 80)) 8 2000"
corrupt dir-hole "directory extent .* after a hole at file block 1" "set $((I_m + EXT + 16)) 4 2"
corrupt dir-size "inode $N_d: directory size 8192, its blocks make 4096" "set $((I_d + 16)) 8 8192"
corrupt symlink-size "symbolic link: size out of 1..4095" "set $((I_l + 16)) 8 0"
corrupt symlink-nul "symbolic link: NUL in its target" "set $((B_l * 4096 + 3)) 1 0"
corrupt symlink-unterminated "symbolic link: target not NUL-terminated" "set $((B_l * 4096 + 12)) 1 0x41"
corrupt symlink-unmapped "symbolic link: no block for its target" "set $((I_l + EXT)) 4 1"
corrupt dirent-nslots "entry \"big\" .*slot count does not match" "set $((D_big + 10)) 1 3"
corrupt dirent-empty-name "directory inode $N_d block [0-9]+ slot [0-9]+ .*empty name" "set $((D_big + 8)) 1 0"
corrupt dirent-slash "entry \"/ig\" .*'/' in the name" "set $((D_big + 16)) 1 0x2f"
corrupt dirent-nul "entry .*NUL in the name" "set $((D_big + 17)) 1 0"
corrupt dirent-dot "entry \"\.\" .*\"\.\" or \"\.\.\" as a name" "set $((D_f + 16)) 1 0x2e"
corrupt dirent-dotdot "entry \"\.\.\" .*as a name" "set $((D_s + 8)) 1 2" "set $((D_s + 16)) 2 $((0x2e2e))"
corrupt dirent-continuation-slash "entry \"${long:0:104}/.*'/' in the name" "set $((D_long + 2 * 64 + 8)) 1 0x2f"
corrupt dirent-continuation-nul "entry \"${long:0:48}\" .*NUL in the name" "set $((D_long + 64 + 8)) 1 0"
corrupt dirent-continuation-live "entry \"${long:0:48}[^\"]*\" .*continuation slot [0-9]+ has a non-zero first word" \
	"set $((D_long + 64)) 8 $N_f"
corrupt dirent-continuation-high-byte "entry \"$long\" .*continuation slot [0-9]+ has a non-zero first word" \
	"set $((D_long + 2 * 64 + 7)) 1 0x80"
corrupt dirent-ino-range "entry \"f\" .*beyond the table" "set $D_f 8 128"
corrupt dirent-ino-free "entry \"f\" .*refers to a free inode" "set $D_f 8 120"
corrupt dirent-ino-root "entry \"hard\" .*refers to the root" "set $D_hard 8 1"
corrupt dirent-ino-self "entry \"hard\" .*its own directory" "set $D_hard 8 $N_d"
corrupt dirent-type "entry \"f\" .*type 4, the inode's is 8" "set $((D_f + 9)) 1 4"
corrupt dirent-duplicate "entry \"p\" .*a second entry of that name" "set $((D_s + 16)) 1 0x70"
corrupt dirent-past-block "slot 63 .*runs past the end of its block" \
	"set $((B_root * 4096 + 63 * 64 + 8)) 1 60" "set $((B_root * 4096 + 63 * 64 + 10)) 1 2" \
	"set $((B_root * 4096 + 63 * 64 + 16)) 1 0x41" "set $((B_root * 4096 + 63 * 64)) 8 $N_f"
corrupt dir-linked-twice "entry \"x\": another link to directory inode $N_d" \
	"set $((B_e * 4096 + 10 * 64 + 8)) 1 1" "set $((B_e * 4096 + 10 * 64 + 9)) 1 4" \
	"set $((B_e * 4096 + 10 * 64 + 10)) 1 1" "set $((B_e * 4096 + 10 * 64 + 16)) 1 0x78" \
	"set $((B_e * 4096 + 10 * 64)) 8 $N_d"
corrupt dir-parent "inode $N_e: directory's parent is 1, its entry is in $N_d" "set $((I_e + 64)) 8 1"
corrupt orphan "inode 120: regular file not linked from the tree" "set $I_free 4 $((0100644))" "set $((I_free + 4)) 4 1"
corrupt unreachable-dir "inode $N_e: directory not linked from the tree" "set $D_e 8 0"
corrupt nlink-file "inode $N_f: link count 5, should be 2" "set $((I_f + 4)) 4 5"
corrupt nlink-dir "inode $N_d: link count 7, should be 3" "set $((I_d + 4)) 4 7"

# Details the generic checks above do not look at.
begin
cp "$tmpl" "$img"
"$DKP" "$img" <<< "set 200 1 0x41"
run "$FSCK" -y "$img"
cmp -s <(od -An -tx1 -N 256 "$img") <(od -An -tx1 -j 4096 -N 256 "$tmpl") ||
	because "the primary is not the backup after the restore"
"$DKP" "$img" <<< "set $((4096 + 3)) 1 0x41
set 3 1 0x41"
sum=$(md5sum < "$img")
run "$FSCK" -y "$img"
want_rc 8 "fsck -y with both superblocks bad"
grep -q "no daxkitfs superblock" "$work/err" || because "message: $(errtext)"
[ "$(md5sum < "$img")" = "$sum" ] || because "fsck -y wrote with no superblock"
verdict fsck-backup-restore-and-none

begin
# A directory linked from its parent and from the root: the root's entry
# comes first, the one in i_parent (/d) is kept.
cp "$tmpl" "$img"
"$DKP" "$img" <<-EOF
	set $((B_root * 4096 + 40 * 64 + 8)) 1 1
	set $((B_root * 4096 + 40 * 64 + 9)) 1 4
	set $((B_root * 4096 + 40 * 64 + 10)) 1 1
	set $((B_root * 4096 + 40 * 64 + 16)) 1 0x79
	set $((B_root * 4096 + 40 * 64)) 8 $N_e
EOF
run "$FSCK" -y "$img"
want_rc 1 "fsck -y"
grep -q "directory inode 1 entry \"y\": another link to directory inode $N_e; entry cleared" "$work/out" ||
	because "not the root's entry cleared: $(outtext)"
[ "$(q ino /d/e)" = "$N_e" ] || because "/d/e is gone"
[ "$(q get $((B_root * 4096 + 40 * 64)) 8)" = 0 ] || because "the root's entry is still there"
# The root not a directory: an empty root, everything else freed.
cp "$tmpl" "$img"
"$DKP" "$img" <<< "set $((8192 + 256)) 4 $((0100644))"
run "$FSCK" -y "$img"
want_rc 1 "fsck -y, root a file"
grep -q "1 inodes in use, 512 blocks used" "$work/out" || because "after the root: $(outtext)"
# Orphans are zeroed, all 256 bytes.
cp "$tmpl" "$img"
"$DKP" "$img" <<< "set $D_big 8 0"
run "$FSCK" -y "$img"
[ "$(od -An -tx1 -j "$I_big" -N 256 "$img" | tr -d ' \n*0')" = "" ] || because "the orphan is not zeroed"
grep -q "81 inodes in use, 523 blocks used" "$work/out" || because "the orphan's blocks: $(outtext)"
verdict fsck-repair-choices

begin
cp "$tmpl" "$img"
run "$FSCK" -v -n "$img"
want_rc 0 "fsck -v"
grep -q "pass 3" "$work/out" || because "-v: $(outtext)"
# A chain of two extent blocks, with a cycle back to the first.
"$DKP" "$img" <<< "file /huge 300 300"
run "$FSCK" -n "$img"
want_rc 0 "fsck -n with a chain of 2 extent blocks"
img2=$img
img=$img2
X1=$(q xblock /huge)
X2=$(q get $((X1 * 4096 + 8)) 8)
[ "$X2" != 0 ] || because "no second extent block"
"$DKP" "$img" <<< "set $((X2 * 4096 + 8)) 8 $X1"
run timeout 10 "$FSCK" -y "$img"
want_rc 1 "fsck -y on a 2-block cycle"
grep -q "extent block $X1 (after $X2) already in use" "$work/out" || because "cycle: $(outtext)"
run "$FSCK" -n "$img"
want_rc 0 "fsck -n after the cycle"
verdict fsck-xblock-chain-cycle

# ---- the fuzzer

begin
cp "$tmpl" "$img"
"$work/dkfsfuzz" "$img" 42 > "$work/f1"
cp "$tmpl" "$img"
"$work/dkfsfuzz" "$img" 42 > "$work/f2"
cmp -s "$work/f1" "$work/f2" || because "seed 42 twice: not the same flips"
[ "$(wc -l < "$work/f1")" = 8 ] || because "not 8 flips: $(head -c 200 "$work/f1")"
grep -qvE '^flip block [0-9]+ offset [0-9]+: 0x[0-9a-f]{2} -> 0x[0-9a-f]{2}$' "$work/f1" &&
	because "format: $(head -n 2 "$work/f1")"
cmp -s "$tmpl" "$img" && because "the image did not change"
"$work/dkfsfuzz" "$img" 43 100 | awk '{ print $3 }' | sort -nu > "$work/blocks"
grep -qx 600 "$work/blocks" && because "flipped a plain file's data block"
[ "$(grep -cvE '^[0-9]$' "$work/blocks")" -gt 0 ] || because "only the table and superblocks flipped"
verdict fuzz-deterministic-and-metadata

begin
n=${DKFS_FUZZ_IMAGES:-1000}
declare -A seen=()
start=$(date +%s)
for ((i = 1; i <= n; i++)); do
	cp "$tmpl" "$img"
	"$work/dkfsfuzz" "$img" "$i" > /dev/null || { because "seed $i: dkfsfuzz failed"; break; }
	timeout 10 "$FSCK" -y "$img" > "$work/out" 2>&1
	rc=$?
	seen[$rc]=$((${seen[$rc]:-0} + 1))
	case $rc in
	0 | 1 | 4 | 8) ;;
	*) because "seed $i: fsck -y exited $rc: $(tail -c 200 "$work/out" | tr '\n' '|')"; continue ;;
	esac
	[ "$rc" = 8 ] && continue
	timeout 10 "$FSCK" -n "$img" > "$work/out" 2>&1
	rc=$?
	[ "$rc" = 0 ] || because "seed $i: fsck -n after -y exited $rc: $(head -c 200 "$work/out" | tr '\n' '|')"
done
log "fuzz: $n images in $(($(date +%s) - start))s, fsck -y exits: $(for k in "${!seen[@]}"; do printf '%s:%s ' "$k" "${seen[$k]}"; done)"
[ "${seen[1]:-0}" -gt $((n / 2)) ] || because "fewer than half the images needed a repair"
verdict "fuzz-fsck-${n}-images"

finish
