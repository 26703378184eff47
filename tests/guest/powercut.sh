# SPDX-License-Identifier: GPL-2.0
# One boot of the power-cut lane (mode "powercut", tests/vm/powercut.sh):
# daxkitfs on a devdax namespace of the emulated NVDIMM (the only memory
# that keeps its bytes when QEMU is killed), served by daxkit with fsdax
# pages (dax_pmem fsdax=ID, as t_69).  The host puts the boot's
# generation in /etc/dkpc/gen (none: the first boot), the ACK lines of
# every earlier boot in /etc/dkpc/acks, and "last" in /etc/dkpc/last for
# the boot that only checks.
#
# First boot: the namespace, mkfs.daxkitfs, mount.  Later boots: fsck -n
# before the mount (it sees the unclean state word, and whatever an
# interrupted operation left, which the mount repairs), mount, check every
# acknowledged record (dkfspc verify), unmount, fsck -n again (must find
# nothing), mount again.  Then, but on the last boot, the writer
# (dkfspc write) runs until the host kills QEMU.  Lines for the host:
#   DKPC-STEP NAME ok|fail WHY
#   DKPC-FSCK before|after RC PROBLEMS
#   DKPC-VERIFY ... (dkfspc), DKPC-BAD ...
#   DKPC-WRITING ..., DKPC-ACK ... (dkfspc)
. /tests/lib.sh

MB=1048576
M=/mnt/dkpc
NAME=daxkit-pc
mkdir -p $M
gen=0
[ -f /etc/dkpc/gen ] && gen=$(cat /etc/dkpc/gen)

step() { echo "DKPC-STEP $1 $2${3:+ $3}"; }
stop() { step "$1" fail "$2"; echo DKPC-END; exit 0; }

# fsck_count WHEN: fsck.daxkitfs -n; its status and problems found.
fsck_count() {
	local out rc=0 n
	out=$(fsck.daxkitfs -n $D 2>&1) || rc=$?
	n=$(echo "$out" | sed -n 's/.* \([0-9]*\) problems found.*/\1/p' | tail -n 1)
	echo "DKPC-FSCK $1 $rc ${n:-?}"
	[ $rc = 0 ] || echo "$out" | head -n 8 | sed 's/^/DKPC-FSCK-OUT /'
}

# id_of NDDAX: the daxkit region id of the namespace NDDAX claims.
id_of() {
	local ns x
	ns=$(rd $ND/$1/namespace)
	[ -n "$ns" ] || return 1
	x=${ns#namespace}
	echo $(( (${x%.*} + 1) * 100 + ${x#*.} ))
}

nd_up || stop nvdimm "no NVDIMM region (nfit, nd_pmem)"
if [ "$gen" = 0 ]; then
	# A 128 MiB devdax namespace, struct pages on the media.
	modprobe dax_pmem || stop namespace "modprobe dax_pmem failed"
	out=$( { ndctl disable-region all && ndctl init-labels -f all && ndctl enable-region all &&
		ndctl create-namespace -m devdax -M dev -s 128M -n $NAME -r $NDR; } 2>&1) ||
		stop namespace "ndctl: $(echo "$out" | tail -n 2 | tr '\n' '|')"
	modprobe -r dax_pmem
fi
i=0
while [ $i -lt 40 ] && ! d=$(nd_dax_of $NAME); do sleep 0.25; i=$((i + 1)); done
d=$(nd_dax_of $NAME) && id=$(id_of "$d") || stop namespace "no nd_dax device for $NAME: $(ls $ND | tr '\n' ' ')"
D=/dev/daxkit$id.0
modprobe dax_pmem fsdax=$id && wait_for $D || stop device "no $D after modprobe dax_pmem fsdax=$id"
[ "$(rd $ND/$d/daxkit_region/pages)" = fsdax ] ||
	stop device "$d's region shows '$(rd $ND/$d/daxkit_region/pages)', want fsdax"
modprobe daxkitfs || stop device "modprobe daxkitfs failed"
step device ok "$D"

if [ "$gen" = 0 ]; then
	out=$(mkfs.daxkitfs -q $D 2>&1) || stop mkfs "$out"
	step mkfs ok
else
	fsck_count before
	out=$(mount -t daxkitfs $D $M 2>&1) || stop mount "$out $(dmesg | tail -n 3 | tr '\n' '|')"
	step mount ok "$(dmesg | grep daxkitfs | tail -n 1)"
	/tests/bin/dkfspc verify $M /etc/dkpc/acks
	umount $M || stop umount "umount failed"
	fsck_count after
fi
[ -f /etc/dkpc/last ] && { step done ok; echo DKPC-END; exit 0; }
out=$(mount -t daxkitfs $D $M 2>&1) || stop mount-writer "$out"
/tests/bin/dkfspc write $M "$gen"
step writer fail "dkfspc write ended"
echo DKPC-END
