# SPDX-License-Identifier: GPL-2.0
# More than 256 devices at once (Req-31): the device of the 1G region at
# 4G (ranges=) is emptied, then 300 devices are created through the
# region's "create", sized and bound to dax_dev; each has its own /dev node,
# minors go past 255, and the last one maps and keeps data.  A device is
# 4 KiB, or 2 MiB where pages are 2M folios (a 4K device is refused there,
# issue 14 item 11), which is why the 1G region and not the 256M legacy one.
. /tests/lib.sh

N=300
B=/sys/bus/daxkit
t=dax-dev-req31-more-than-256-devices
unit=4096
pages_are_folios && unit=$((2 << 20))
made=0 why=
if ! modprobe dax_pmem ranges=1G@4G || ! d0=$(dev_at 0x100000000) ||
	! wait_for /dev/$d0; then
	why="no device at 4G"
elif ! echo $d0 > $B/drivers/dax_dev/unbind || ! echo 0 > $B/devices/$d0/size; then
	why="cannot empty $d0"
else
	R=$(region_of $d0)
	r=${d0%%.*}
	while [ $made -lt $N ]; do
		echo 1 > $R/create || { why="create $made failed"; break; }
		d=$(cat $R/create)
		{ echo $unit > $B/devices/$d/align && echo $unit > $B/devices/$d/size &&
			echo $d > $B/drivers/dax_dev/bind; } 2>/dev/null ||
			{ why="$d: cannot size or bind it"; break; }
		made=$((made + 1))
	done
fi
if [ -z "$why" ]; then
	nodes=$(ls /dev | grep -c "^$r\\.")
	maxminor=$(ls -l /dev/$r.* | awk '{ sub(",", "", $5); print $6 }' | sort -n | tail -n 1)
	last=$(cat $R/create)
	if [ "$nodes" -lt $N ]; then
		why="$nodes /dev/$r.* nodes for $N devices"
	elif [ "${maxminor:-0}" -le 255 ]; then
		why="no minor above 255 (highest $maxminor)"
	elif ! out=$(/tests/bin/daxmap /dev/$last write 0 $unit 31); then
		why="/dev/$last: $out"
	fi
fi
[ -z "$why" ] && pass $t || fail $t "$why"
echo "NOTE: $t: $made devices of $unit bytes made, ${nodes:-0} nodes, highest minor ${maxminor:-none}"
modprobe -r dax_pmem dax_dev dax_core
true
