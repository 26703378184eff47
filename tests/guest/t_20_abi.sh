# SPDX-License-Identifier: GPL-2.0
# A dependent built against a different core ABI is refused, with one
# clear kernel-log line, and nothing of it stays loaded; the right build
# then loads against the same core.
. /tests/lib.sh

modprobe dax_core || { fail abi-refusal "modprobe dax_core failed"; exit 0; }
abi=$(dmesg | sed -n 's/.*dax_core: ABI \([0-9]*\)\.\([0-9]*\),.*/\1 \2/p' | tail -n1)
set -- $abi
have="$1.$2" want="$(($1 + 1)).$2"

modprobe -r dax_core
for m in dax_dev dax_pmem dax_fs_helper; do
	t=abi-refusal-$m
	modprobe dax_core || { fail $t "modprobe dax_core failed"; continue; }
	klog_mark "$t"
	if insmod /test/abi-skew/$m.ko 2>/dev/null; then
		fail $t "the skewed $m loaded"; rmmod $m; continue
	fi
	line="$m: built for dax_core ABI $want, but the loaded dax_core provides ABI $have; refusing to load"
	n=$(klog_since "$t" | grep -cF "$line")
	if loaded $m; then
		fail $t "$m is loaded after the refusal"
	elif [ "$n" != 1 ]; then
		fail $t "expected the line '$line' once in the kernel log, saw it $n times"
	elif ! modprobe $m; then
		fail $t "the matching build of $m does not load after the refusal"
	else
		pass $t
	fi
	modprobe -r $m dax_core
done
