# SPDX-License-Identifier: GPL-2.0
# daxkitfs (issue 18): mkfs.daxkitfs, mount, the file operations, fsck, on
# the legacy range served with fsdax pages (dax_pmem fsdax=0).  Each
# operation is a test of its own; /tests/bin/dkfsops does what busybox
# cannot.
. /tests/lib.sh

D=/dev/daxkit0.0
M=/mnt/dkfs
OPS=/tests/bin/dkfsops
MB=1048576
mkdir -p $M

if ! modprobe dax_pmem fsdax=0 || ! wait_for $D; then
	fail dkfs-setup "modprobe dax_pmem fsdax=0 failed: $(dmesg | tail -n 3 | tr '\n' '|')"
	exit 0
fi

# ---- mkfs and mount ----
# (busybox mount passes MS_SILENT, which quiets the line: dkfsops does not)
t=dkfs-mount-refuses-unformatted
dd if=/dev/zero of=$D bs=4096 count=2 conv=notrunc 2>/dev/null
modprobe daxkitfs
klog_mark $t
out=$($OPS mount $D $M)
if [ "$out" != EINVAL ]; then
	fail $t "mount of an unformatted device: $out, want EINVAL"
	umount $M 2>/dev/null
elif ! loaded daxkitfs; then
	fail $t "daxkitfs did not load"
elif [ "$(klog_since $t | grep -c 'daxkitfs')" != 1 ]; then
	fail $t "want one log line, got: $(klog_since $t | grep daxkitfs | tr '\n' '|')"
else
	pass $t
fi

t=dkfs-mkfs
if out=$(mkfs.daxkitfs -q $D 2>&1); then pass $t; else fail $t "$out"; fi
t=dkfs-mkfs-refuses-existing
if out=$(mkfs.daxkitfs -q $D 2>&1); then fail $t "mkfs overwrote a filesystem without -f"; else pass $t; fi
t=dkfs-fsck-fresh-clean
if out=$(fsck.daxkitfs -n $D 2>&1); then pass $t; else fail $t "$(echo "$out" | tail -n 3 | tr '\n' '|')"; fi

t=dkfs-mount
if ! out=$(mount -t daxkitfs $D $M 2>&1) || ! mounted $M; then
	fail $t "mount: $out $(dmesg | tail -n 3 | tr '\n' '|')"
	modprobe -r daxkitfs dax_fs_helper dax_pmem
	exit 0
fi
pass $t

t=dkfs-device-busy-while-mounted
if ( exec 3<> $D ) 2>/dev/null; then fail $t "$D opened while mounted"
elif mount -t daxkitfs $D /tmp 2>/dev/null; then fail $t "mounted twice"; umount /tmp
else pass $t; fi

# ---- files ----
# prefix_is FILE N: the first N bytes of FILE are those of /tmp/rand.
prefix_is() {
	head -c "$2" "$1" > /tmp/prefix && head -c "$2" /tmp/rand | cmp -s - /tmp/prefix
}
# nonzero FILE SKIP COUNT: how many of COUNT bytes from SKIP are not zero.
nonzero() {
	dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null | tr -d '\000' | wc -c
}

dd if=/dev/urandom of=/tmp/rand bs=4096 count=300 2>/dev/null
check dkfs-write-read sh -c "cp /tmp/rand $M/f1 && cmp /tmp/rand $M/f1"
expect dkfs-stat-size $((300 * 4096)) "$(stat -c %s $M/f1)" result
check dkfs-append sh -c "cat /tmp/rand >> $M/f1 && [ \$(stat -c %s $M/f1) = $((600 * 4096)) ] && tail -c $((300 * 4096)) $M/f1 | cmp - /tmp/rand"
check dkfs-mkdir-nested sh -c "mkdir -p $M/a/b/c && [ -d $M/a/b/c ]"
expect dkfs-dir-nlink 3 "$(stat -c %h $M/a)" result
check dkfs-many-files sh -c "i=0; while [ \$i -lt 200 ]; do echo \$i > $M/a/b/file-with-a-long-name-\$i-$(printf '%0100d' 0) || exit 1; i=\$((i + 1)); done; [ \$(ls $M/a/b | wc -l) = 201 ]"
check dkfs-readdir-names sh -c "[ \"\$(cat $M/a/b/file-with-a-long-name-77-$(printf '%0100d' 0))\" = 77 ]"
check dkfs-symlink sh -c "ln -s ../f1 $M/a/link && [ \"\$(readlink $M/a/link)\" = ../f1 ] && cmp $M/a/link $M/f1"
check dkfs-hardlink sh -c "ln $M/f1 $M/a/hard && [ \$(stat -c %h $M/f1) = 2 ] && cmp $M/a/hard $M/f1"
check dkfs-unlink sh -c "rm $M/a/hard && [ \$(stat -c %h $M/f1) = 1 ] && [ ! -e $M/a/hard ]"
check dkfs-rename sh -c "mv $M/f1 $M/a/b/c/moved && [ ! -e $M/f1 ]"
check dkfs-rename-keeps-data prefix_is $M/a/b/c/moved $((300 * 4096))
check dkfs-rename-over sh -c "echo x > $M/x && echo y > $M/y && mv $M/x $M/y && [ \"\$(cat $M/y)\" = x ] && [ ! -e $M/x ]"
check dkfs-rename-dir sh -c "mv $M/a/b/c $M/c2 && [ -f $M/c2/moved ] && [ \$(stat -c %h $M/a/b) = 2 ] && [ \$(stat -c %h $M) = 4 ]"
echo z > $M/z
expect dkfs-rename-noreplace EEXIST "$($OPS rename-noreplace $M/z $M/y)" result
expect dkfs-rename-noreplace-free ok "$($OPS rename-noreplace $M/z $M/z2)" result
check dkfs-rmdir sh -c "! rmdir $M/a/b 2>/dev/null && rm $M/a/b/* && rmdir $M/a/b && [ ! -e $M/a/b ] && [ \$(stat -c %h $M/a) = 2 ]"
check dkfs-mknod sh -c "mknod $M/fifo p && [ -p $M/fifo ] && mknod $M/null c 1 3 && echo hi > $M/null"
check dkfs-chmod-chown sh -c "chmod 640 $M/y && chown 12:34 $M/y && [ \"\$(stat -c '%a %u %g' $M/y)\" = '640 12 34' ]"
t=dkfs-truncate
truncate -s 10000 $M/c2/moved
expect $t 10000 "$(stat -c %s $M/c2/moved)" result
check dkfs-truncate-keeps-head prefix_is $M/c2/moved 10000
truncate -s 20000 $M/c2/moved
expect dkfs-truncate-up-reads-zeros 0 "$(nonzero $M/c2/moved 10000 10000)" result

# ---- fallocate, holes, extents ----
F=$M/sparse
: > $F
expect dkfs-fallocate-plain ok "$($OPS fallocate $F plain 0 $((4 * MB)))" result
expect dkfs-fallocate-size $((4 * MB)) "$(stat -c %s $F)" result
expect dkfs-fallocate-keep-size "ok/$((4 * MB))" "$($OPS fallocate $F keep $((4 * MB)) $((2 * MB)))/$(stat -c %s $F)" result
expect dkfs-punch-hole ok "$($OPS fallocate $F punch $MB $MB)" result
expect dkfs-seek-hole $MB "$($OPS seek $F hole 0)" result
expect dkfs-seek-data $((2 * MB)) "$($OPS seek $F data $MB)" result
expect dkfs-seek-data-eof ENXIO "$($OPS seek $F data $((4 * MB)))" result
expect dkfs-fiemap 2 "$($OPS fiemap $F)" result
dd if=/dev/urandom of=$F bs=4096 count=1 seek=600 conv=notrunc 2>/dev/null
expect dkfs-zero-range ok "$($OPS fallocate $F zero $((600 * 4096 + 100)) 200)" result
t=dkfs-zero-range-zeroes
z=$(nonzero $F $((600 * 4096 + 100)) 200)
b=$(nonzero $F $((600 * 4096)) 100)
# The 100 random bytes before the range stay (a few may be zero by chance).
if [ "$z" = 0 ] && [ "$b" -gt 80 ]; then pass $t; else fail $t "range: $z non-zero bytes; before it: $b of 100"; fi
expect dkfs-fallocate-collapse-unsupported "fallocate: EOPNOTSUPP" "$($OPS fallocate $F collapse 0 $MB)" result
expect dkfs-xattr-unsupported EOPNOTSUPP "$($OPS xattr $F)" result

# ---- mappings, O_DIRECT, sync ----
B=$M/big
truncate -s $((8 * MB)) $B
n=$($OPS map $B $((8 * MB)))
t=dkfs-mmap-pmd-faults
# 8 MiB at a 2 MiB-aligned address over 2 MiB-aligned blocks: a handful of
# faults (PMDs), not 2048 (PTEs).
if [ -n "$n" ] && [ "$n" -ge 1 ] 2>/dev/null && [ "$n" -le 64 ]; then pass $t; else fail $t "storing to 8 MiB took '$n' faults"; fi
echo "measured: daxkitfs: storing to a mapped 8 MiB file took $n faults" > /dev/kmsg
S=$M/small
dd if=/dev/urandom of=$S bs=4096 count=8 2>/dev/null
n=$($OPS map $S 32768)
t=dkfs-mmap-pte-faults
# A small file's blocks are not a 2 MiB run: one fault per page.
if [ -n "$n" ] && [ "$n" -ge 8 ] 2>/dev/null && [ "$n" -le 16 ]; then pass $t; else fail $t "storing to 8 pages took '$n' faults"; fi
expect dkfs-map-sync 1 "$($OPS map $B $((2 * MB)) sync | grep -c '^[0-9]')" result
expect dkfs-odirect ok "$($OPS odirect $M/direct $((256 * 1024)))" result
expect dkfs-fsync-fdatasync-syncfs ok "$($OPS syncs $B)" result

t=dkfs-statfs
set -- $($OPS statfs $M)
if [ "$1" -gt 0 ] 2>/dev/null && [ "$2" -lt "$1" ] && [ "$4" -lt "$3" ]; then pass $t; else fail $t "statfs: $*"; fi
before=$2
dd if=/dev/zero of=$M/fill bs=$MB count=8 2>/dev/null
set -- $($OPS statfs $M)
expect dkfs-statfs-counts-blocks 1 "$((before - $2 >= 2048))" result
rm $M/fill
set -- $($OPS statfs $M)
expect dkfs-statfs-frees-blocks "$before" "$2" result

# ---- unmount, fsck, remount ----
t=dkfs-umount
if umount $M; then pass $t; else fail $t "umount failed"; fi
t=dkfs-fsck-after-use-clean
if out=$(fsck.daxkitfs -n $D 2>&1); then pass $t; else fail $t "$(echo "$out" | tail -n 5 | tr '\n' '|')"; fi
t=dkfs-remount-keeps-data
if mount -t daxkitfs $D $M && prefix_is $M/c2/moved 10000 &&
	[ "$(cat $M/y)" = x ] && [ "$(readlink $M/a/link)" = ../f1 ] && [ -p $M/fifo ]; then
	pass $t
else
	fail $t "after remount: $(ls -la $M 2>&1 | tr '\n' '|')"
fi
# Unlinked while open, unmounted: freed on the last close.
umount $M 2>/dev/null
t=dkfs-unload
if modprobe -r daxkitfs && ! loaded daxkitfs; then pass $t; else fail $t "daxkitfs did not unload"; fi
modprobe -r dax_fs_helper dax_pmem
rm -f /tmp/rand
