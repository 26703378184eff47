# SPDX-License-Identifier: GPL-2.0
# daxkitfs under load (issue 18), on the legacy range served with fsdax
# pages (dax_pmem fsdax=0), after t_88's file operations:
#  - dkfsx (tests/guest/src/dkfsx.c), 100,000 random operations checked
#    against a copy in memory (25,000 on the debug lane), then a tenth as
#    many on a larger file (up to 4 MiB, so 2 MiB extents) with O_DIRECT
#    reopens; seeded from the clock, the seed printed for replay;
#  - fio verify (crc32c) with the psync, mmap and libaio (O_DIRECT) engines,
#    one file each, on a 96 MiB filesystem, then a file that takes the
#    rest, and the three verified again full and after a remount (the
#    lane's fio, from its suite's chroot);
#  - 8 threads writing, truncating, punching, mapping and renaming for a
#    bounded time (tests/guest/src/dkfsconc.c), then fsck;
#  - a poisoned page of a file: the process mapping it gets SIGBUS with
#    BUS_MCEERR_AR, a read of it EIO, its neighbours read, a new mapping
#    faults (SIGBUS), a write of the whole page clears it (before v5.19:
#    a punch and a write);
#  - mkfs refuses a 2 MiB device;
#  - the mount fuzzer: 1,000 images with 8 metadata bytes changed each,
#    mounted, walked, changed and unmounted (tests/guest/src/dkfsfuzz.c -m);
#    no oops, no hang, refusals EINVAL or EUCLEAN.
. /tests/lib.sh

D=/dev/daxkit0.0
M=/mnt/dkfs
BIN=/tests/bin
MB=1048576
mkdir -p $M

if ! modprobe dax_pmem fsdax=0 || ! wait_for $D; then
	fail dkfs-stress-setup "modprobe dax_pmem fsdax=0 failed: $(dmesg | tail -n 3 | tr '\n' '|')"
	exit 0
fi
# fresh MOUNTPOINT: a new filesystem on $D mounted there.
fresh() {
	mkfs.daxkitfs -q -f $D && mount -t daxkitfs $D "$1"
}
B=/sys/bus/daxkit
# resize BYTES: daxkit0.0 made BYTES long.
resize() {
	echo daxkit0.0 > $B/drivers/dax_dev/unbind && echo $1 > $B/devices/daxkit0.0/size &&
		echo daxkit0.0 > $B/drivers/dax_dev/bind && wait_for $D
}
# fsck_clean TEST: unmount $M, fsck -n must find nothing.
fsck_clean() {
	local out
	if ! umount $M; then
		fail $1 "umount $M failed"
	elif out=$(fsck.daxkitfs -n $D 2>&1); then
		pass $1
	else
		fail $1 "$(echo "$out" | tail -n 5 | tr '\n' '|')"
	fi
}
if ! fresh $M; then
	fail dkfs-stress-setup "mkfs or mount failed: $(dmesg | tail -n 3 | tr '\n' '|')"
	modprobe -r dax_pmem
	exit 0
fi

# ---- dkfsx ----
# daxkit.fsxops=N: the debug lane (KASAN, lockdep) runs fewer operations.
ops=100000
for w in $(cat /proc/cmdline); do
	case $w in daxkit.fsxops=*) ops=${w#daxkit.fsxops=} ;; esac
done
seed=$(( $(date +%s) % 1000000 ))
echo "NOTE: t_89: dkfsx seed $seed (replay: dkfsx -E strict -S $seed ... as below)"
# run_fsx TEST ARGS...: dkfsx must end with OK.
run_fsx() {
	local t=$1 out start
	shift
	start=$(date +%s)
	if out=$($BIN/dkfsx -E strict -S $seed "$@" 2>&1); then
		pass $t
		echo "measured: daxkitfs: $t: $(echo "$out" | grep -o '[0-9]* operations in .*')" > /dev/kmsg
	else
		fail $t "dkfsx -E strict -S $seed $*: $(echo "$out" | grep -v '^ *[0-9]* ' | tail -n 6 | tr '\n' '|')"
	fi
	echo "NOTE: t_89: $t took $(( $(date +%s) - start )) s"
}
run_fsx dkfs-fsx-ops -N $ops -l 64k -s 1m $M/fsx
run_fsx dkfs-fsx-odirect-large-file -N $((ops / 10)) -d -l 256k -s 4m $M/fsx-big
rm -f $M/fsx $M/fsx-big
fsck_clean dkfs-fsck-after-fsx

# ---- fio verify over a full filesystem ----
# On daxkit0.0 cut to 96 MiB (fio's time is its size); what follows
# mounts a fresh filesystem on whatever size it has.
if [ "${DAXKIT_CLIENTS:-none}" = none ]; then
	echo "NOTE: t_89: no clients on this lane: no fio"
elif ! clients_up; then
	fail dkfs-fio-setup "cannot mount the $DAXKIT_CLIENTS clients over 9p"
elif ! resize $((96 * MB)) || ! fresh $CL/mnt; then
	fail dkfs-fio-setup "resize to 96 MiB, mkfs or mount on $CL/mnt failed"
else
	# Three files of a third of the free space each, less 2 MiB (an
	# allocation's last 2 MiB run, directory and extent blocks), then a
	# file that takes the rest: the files are verified again with the
	# filesystem full, and after a remount.
	set -- $($BIN/dkfsops statfs $CL/mnt)
	each=$(( (($2 * 4096) / 3 - 2 * MB) / 65536 * 65536 ))
	echo "NOTE: t_89: fio: three files of $((each / 1024)) KiB, $(($2 * 4096 / 1024)) KiB free"
	# fio_job ENGINE [ARGS...]: fio on /mnt/ENGINE (crc32c), terse.
	fio_job() {
		local e=$1 extra=
		shift
		[ $e = libaio ] && extra="--direct=1 --iodepth=8"
		# shellcheck disable=SC2086
		cl fio --name=dkfs-fio-$e --filename=/mnt/$e --ioengine=$e $extra \
			--rw=randwrite --bs=64k --size=$each --verify=crc32c \
			--verify_fatal=1 --output-format=terse "$@" 2>&1
	}
	for e in psync mmap libaio; do
		t=dkfs-fio-verify-$e
		if out=$(fio_job $e --do_verify=1) && ! echo "$out" | grep -qi 'verify.*bad\|error'; then
			pass $t
		else
			fail $t "$(echo "$out" | tail -n 3 | tr '\n' '|')"
		fi
	done
	t=dkfs-full-write-enospc
	out=$(dd if=/dev/zero of=$CL/mnt/rest bs=65536 2>&1)
	case "$out" in
	*"No space left"*) pass $t ;;
	*) fail $t "writing until the filesystem is full: $(echo "$out" | tr '\n' '|')" ;;
	esac
	set -- $($BIN/dkfsops statfs $CL/mnt)
	t=dkfs-fio-filled-the-filesystem
	if [ "$2" -lt 16 ]; then pass $t; else fail $t "$2 blocks still free"; fi
	# verify_all TEST: the three files read back as fio wrote them.
	verify_all() {
		local e out bad=
		for e in psync mmap libaio; do
			out=$(fio_job $e --verify_only=1) || bad="$bad $e: $(echo "$out" | tail -n 2 | tr '\n' '|')"
		done
		if [ -z "$bad" ]; then pass $1; else fail $1 "$bad"; fi
	}
	verify_all dkfs-fio-files-intact-on-full-filesystem
	umount $CL/mnt && mount -t daxkitfs $D $CL/mnt
	verify_all dkfs-fio-files-intact-after-remount
	umount $CL/mnt
	t=dkfs-fsck-after-fio
	if out=$(fsck.daxkitfs -n $D 2>&1); then pass $t; else fail $t "$(echo "$out" | tail -n 5 | tr '\n' '|')"; fi
	clients_down
fi

# ---- concurrent writers and truncates ----
t=dkfs-concurrent-8-threads
if ! fresh $M; then
	fail $t "mkfs or mount failed"
elif out=$($BIN/dkfsconc $M 8 10 $seed 2>&1); then
	pass $t
	echo "measured: daxkitfs: 8 threads for 10 s: $out" > /dev/kmsg
else
	fail $t "dkfsconc $M 8 10 $seed: $out"
fi
fsck_clean dkfs-fsck-after-concurrency

# ---- a poisoned page of a file ----
mount -t daxkitfs $D $M
P=$M/poisoned
dd if=/dev/urandom of=$P bs=4096 count=16 2>/dev/null
t=dkfs-poison-mapper-sigbus-mceerr
if out=$($BIN/daxmap $P poison $((4 * 4096)) 4096 2>&1); then pass $t; else fail $t "$out"; fi
expect dkfs-poison-read-eio EIO "$($BIN/dkfsops pread $P $((4 * 4096)) 4096)" result
expect dkfs-poison-neighbour-reads ok "$($BIN/dkfsops pread $P $((5 * 4096)) 4096)" result
# A new mapping faults the page through fs/dax.c, which turns the
# helper's EHWPOISON into BUS_MCEERR_AR from v6.5 (HAVE_DAX_FAULT_HWPOISON)
# and into BUS_ADRERR before, as for ext4 -o dax on those kernels.
t=dkfs-poison-mapped-again-sigbus
want="sigbus BUS_ADRERR"
grep -q '^#define HAVE_DAX_FAULT_HWPOISON' /etc/daxkit-compat.h && want="sigbus BUS_MCEERR_AR"
out=$($BIN/daxmap $P touch $((4 * 4096)) 4096 0 2>&1)
case "$out" in
"$want "*) pass $t ;;
*) fail $t "a read through a new mapping of the poisoned page: '$out', want '$want ...'" ;;
esac
# A write of the whole page recovers it where fs/dax.c has a recovery write
# (HAVE_DAX_ACCESS_MODE, v5.19).  Before, the write fails with EIO, as
# ext4 -o dax's does there; punching the page out and writing it again
# does it (a new block is zeroed first, which clears poison).
if grep -q '^#define HAVE_DAX_ACCESS_MODE' /etc/daxkit-compat.h; then
	expect dkfs-poison-whole-page-write-clears ok "$($BIN/dkfsops pwrite $P $((4 * 4096)) 4096 0x5a)" result
else
	expect dkfs-poison-whole-page-write-eio-before-v5.19 EIO "$($BIN/dkfsops pwrite $P $((4 * 4096)) 4096 0x5a)" result
	expect dkfs-poison-punch-and-write-clears ok/ok "$($BIN/dkfsops fallocate $P punch $((4 * 4096)) 4096)/$($BIN/dkfsops pwrite $P $((4 * 4096)) 4096 0x5a)" result
fi
expect dkfs-poison-cleared-page-maps "value 0x5a5a5a5a5a5a5a5a" "$($BIN/daxmap $P touch $((4 * 4096)) 4096 0 2>&1)" result
fsck_clean dkfs-fsck-after-poison

# ---- a device too small, then the mount fuzzer ----
t=dkfs-mkfs-refuses-too-small-device
if ! resize $((2 * MB)); then
	fail $t "cannot make daxkit0.0 2 MiB"
elif out=$(mkfs.daxkitfs -f $D 2>&1); then
	fail $t "mkfs made a filesystem on a 2 MiB device"
else
	case "$out" in
	*"device too small"*) pass $t ;;
	*) fail $t "mkfs on a 2 MiB device: $out" ;;
	esac
fi
# An 8 MiB device (the smallest daxkitfs is 4 MiB): the image is written
# to it again for each of the 1,000 rounds.
t=dkfs-mount-fuzz-1000-images
if ! resize $((8 * MB)); then
	fail $t "cannot make daxkit0.0 8 MiB"
elif ! fresh $M; then
	fail $t "mkfs or mount of the 8 MiB device failed"
else
	# A little of everything: nested directories, a long one, files small
	# and large (one extent block), a symlink, a hard link, a FIFO.
	mkdir -p $M/a/b/c $M/long
	i=0
	while [ $i -lt 80 ]; do echo $i > $M/long/entry-with-a-longer-name-$i; i=$((i + 1)); done
	dd if=/dev/urandom of=$M/a/b/data bs=4096 count=40 2>/dev/null
	j=0
	while [ $j -lt 24 ]; do
		dd if=/dev/urandom of=$M/a/frag bs=4096 count=1 seek=$((j * 2)) conv=notrunc 2>/dev/null
		j=$((j + 1))
	done
	ln -s ../a/b/data $M/long/link
	ln $M/a/b/data $M/a/hard
	mknod $M/a/b/c/fifo p
	umount $M
	dd if=$D of=/tmp/fuzz.img bs=$MB 2>/dev/null
	start=$(date +%s)
	if out=$($BIN/dkfsfuzz -m $D /tmp/fuzz.img $M $seed 1000 2>&1); then
		pass $t
	else
		fail $t "$(echo "$out" | grep -v '^progress' | tail -n 3 | tr '\n' '|') (replay: dkfsfuzz -m $D IMAGE $M SEED 1)"
	fi
	echo "NOTE: t_89: the mount fuzzer took $(( $(date +%s) - start )) s: $(echo "$out" | tail -n 1)"
	echo "measured: daxkitfs: mount fuzzer, seeds from $seed: $(echo "$out" | tail -n 1)" > /dev/kmsg
	mounted $M && umount $M
	rm -f /tmp/fuzz.img
fi

t=dkfs-stress-unload
if modprobe -r daxkitfs && ! loaded daxkitfs; then pass $t; else fail $t "daxkitfs did not unload"; fi
modprobe -r dax_fs_helper dax_pmem
true
