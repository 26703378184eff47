# SPDX-License-Identifier: GPL-2.0
# More than 256 devices at once (Req-31): the legacy region's device is
# emptied, then 300 devices of 4 KiB are created through the region's
# "create", sized and bound to dax_dev; each has its own /dev node, minors
# go past 255, and the last one maps and keeps data.
. /tests/lib.sh

N=300
R=/sys/devices/platform/daxkit_pmem.0/daxkit_region
B=/sys/bus/daxkit
t=dax-dev-req31-more-than-256-devices
made=0 why=
if ! modprobe dax_pmem || ! wait_for /dev/daxkit0.0; then
	why="no daxkit0.0"
elif ! echo daxkit0.0 > $B/drivers/dax_dev/unbind || ! echo 0 > $B/devices/daxkit0.0/size; then
	why="cannot empty daxkit0.0"
else
	while [ $made -lt $N ]; do
		echo 1 > $R/create || { why="create $made failed"; break; }
		d=$(cat $R/create)
		{ echo 4096 > $B/devices/$d/align && echo 4096 > $B/devices/$d/size &&
			echo $d > $B/drivers/dax_dev/bind; } 2>/dev/null ||
			{ why="$d: cannot size or bind it"; break; }
		made=$((made + 1))
	done
fi
if [ -z "$why" ]; then
	nodes=$(ls /dev | grep -c '^daxkit0\.')
	maxminor=$(ls -l /dev/daxkit0.* | awk '{ sub(",", "", $5); print $6 }' | sort -n | tail -n 1)
	last=$(cat $R/create)
	if [ "$nodes" -lt $N ]; then
		why="$nodes /dev/daxkit0.* nodes for $N devices"
	elif [ "${maxminor:-0}" -le 255 ]; then
		why="no minor above 255 (highest $maxminor)"
	elif ! out=$(/tests/bin/daxmap /dev/$last write 0 4096 31); then
		why="/dev/$last: $out"
	fi
fi
[ -z "$why" ] && pass $t || fail $t "$why"
echo "NOTE: $t: $made devices made, ${nodes:-0} nodes, highest minor ${maxminor:-none}"
modprobe -r dax_pmem dax_dev dax_core
true
