# SPDX-License-Identifier: GPL-2.0
# libnvdimm devdax namespaces on the emulated NVDIMM (issue 4), first boot.
# Installed, our dax_pmem shadows the in-tree one, so it must serve what
# that one served, and leave on the media what it can read again:
#  - namespace daxkit-a (struct pages in RAM) is made and written by the
#    in-tree driver, then served by daxkit: same size, same bytes;
#  - namespace daxkit-b (struct pages on the media) is made by ndctl with
#    daxkit as the driver, which writes its info block;
#  - ndctl destroys a namespace daxkit serves;
#  - O_DIRECT between a raw namespace and a daxkit mapping (Req-28);
#  - unbind, bind and unload, also while a process touches a mapping.
# The second boot (reboot.sh) reads both back through daxkit, then through
# the in-tree driver again.  Patterns: 8 MiB at 16 MiB and 2 MiB at the
# end; the first 4 MiB are where the mapping tests store.
. /tests/lib.sh

MB=1048576
patterns() { # patterns write|verify DEV SEED
	local size
	size=$(rd "/sys/bus/daxkit/devices/$2/size")
	[ -n "$size" ] || size=$(rd "/sys/bus/dax/devices/$2/size")
	/tests/bin/daxmap "/dev/$2" "$1" $((16 * MB)) $((8 * MB)) "$3" &&
		/tests/bin/daxmap "/dev/$2" "$1" $((size - 2 * MB)) $((2 * MB)) $(($3 + 100))
}

t=nd-setup-labelled-region
if ! nd_up; then
	fail $t "no NVDIMM region after modprobe nfit nd_pmem"; exit 0
fi
# A labelled region, emptied: namespaces can be carved out and named.
if ndctl disable-region all >/dev/null 2>&1 && ndctl init-labels -f all >/dev/null 2>&1 &&
	ndctl enable-region all >/dev/null 2>&1; then
	pass $t
else
	fail $t "ndctl could not initialise the labels"; exit 0
fi

# A: the in-tree driver makes and writes daxkit-a.
t=nd-devdax-intree-data-read-by-daxkit
a_size=
if ! intree_dax_pmem_load; then
	fail $t "cannot load the in-tree dax_pmem"
elif ! out=$(ndctl create-namespace -m devdax -M mem -s 128M -n daxkit-a -r $NDR 2>&1); then
	fail $t "in-tree: ndctl create-namespace: $(echo "$out" | tail -n 2 | tr '\n' '|')"
elif ! da=$(nd_dax_of daxkit-a) || ! c=$(intree_chardev_of "$da") || ! wait_for /dev/$c; then
	fail $t "in-tree: no device-dax device for daxkit-a"
elif ! out=$(patterns write "$c" 11); then
	fail $t "in-tree: writing /dev/$c: $out"
else
	a_size=$(rd /sys/bus/dax/devices/$c/size)
	# Hand it over, as installing the package does: the in-tree driver
	# goes, ours comes by modprobe and binds the nd_dax device itself.
	echo "$da" > /sys/bus/nd/drivers/dax_pmem/unbind
	rmmod dax_pmem
	if ! modprobe dax_pmem; then
		fail $t "modprobe dax_pmem (daxkit) failed"
	elif [ "$(nd_driver "$da")" != daxkit_pmem ]; then
		fail $t "$da is bound to '$(nd_driver "$da")', not daxkit_pmem"
	elif ! k=$(daxkit_of "$da") || ! wait_for /dev/$k; then
		fail $t "no daxkit device for $da"
	elif [ "$(rd /sys/bus/daxkit/devices/$k/size)" != "$a_size" ]; then
		fail $t "$k has $(rd /sys/bus/daxkit/devices/$k/size) bytes, the in-tree $c had $a_size"
	elif ! out=$(patterns verify "$k" 11); then
		fail $t "/dev/$k: $out"
	else
		pass $t
		patterns write "$k" 12 >/dev/null || fail $t-rewrite "writing /dev/$k"
	fi
fi

# B: ndctl makes daxkit-b with daxkit as the driver.
t=nd-devdax-ndctl-create-with-daxkit
if ! loaded dax_pmem; then
	fail $t "daxkit's dax_pmem is not loaded"
elif ! out=$(ndctl create-namespace -m devdax -M dev -s 128M -n daxkit-b -r $NDR 2>&1); then
	fail $t "ndctl create-namespace: $(echo "$out" | tail -n 2 | tr '\n' '|')"
elif ! db=$(nd_dax_of daxkit-b) || [ "$(nd_driver "$db")" != daxkit_pmem ]; then
	fail $t "daxkit-b's nd_dax device is not bound to daxkit_pmem"
elif ! k=$(daxkit_of "$db") || ! wait_for /dev/$k; then
	fail $t "no daxkit device for $db"
elif [ "$(rd $ND/$db/size)" != "$(rd /sys/bus/daxkit/devices/$k/size)" ] ||
	[ "$(rd $ND/$db/resource)" != "$(rd /sys/bus/daxkit/devices/$k/resource)" ]; then
	fail $t "$db says $(rd $ND/$db/size)@$(rd $ND/$db/resource), $k $(rd /sys/bus/daxkit/devices/$k/size)@$(rd /sys/bus/daxkit/devices/$k/resource)"
elif ! ndctl list -N > /dev/null 2>&1; then
	fail $t "ndctl list -N failed with the namespaces bound to daxkit"
elif ! out=$(patterns write "$k" 21); then
	fail $t "/dev/$k: $out"
else
	pass $t
fi

t=nd-devdax-unbind-bind
if [ -z "${db:-}" ] || [ -z "${k:-}" ]; then
	fail $t "no daxkit-b to work with"
elif ! echo "$db" > /sys/bus/nd/drivers/daxkit_pmem/unbind || [ -e /sys/bus/daxkit/devices/$k ]; then
	fail $t "unbinding $db left $k"
elif grep -q ": $(rd $ND/$db/namespace)\$" /proc/iomem; then
	fail $t "unbinding $db left its metadata claim in /proc/iomem"
elif ! echo "$db" > /sys/bus/nd/drivers/daxkit_pmem/bind; then
	fail $t "binding $db again failed"
elif ! k=$(daxkit_of "$db") || ! wait_for /dev/$k || ! out=$(patterns verify "$k" 21); then
	fail $t "after bind: ${out:-no device}"
else
	pass $t
fi

t=nd-devdax-ndctl-destroy-with-daxkit
if ! out=$(ndctl create-namespace -m devdax -s 64M -n daxkit-c -r $NDR 2>&1); then
	fail $t "ndctl create-namespace: $(echo "$out" | tail -n 2 | tr '\n' '|')"
elif ! dc=$(nd_dax_of daxkit-c) || ! kc=$(daxkit_of "$dc") || ! wait_for /dev/$kc; then
	fail $t "no daxkit device for daxkit-c"
elif ! ns=$(rd $ND/$dc/namespace) || ! out=$(ndctl destroy-namespace -f "$ns" 2>&1); then
	fail $t "ndctl destroy-namespace $ns: $(echo "$out" | tail -n 2 | tr '\n' '|')"
elif [ -e /sys/bus/daxkit/devices/$kc ] || nd_dax_of daxkit-c > /dev/null; then
	fail $t "$kc or daxkit-c's nd_dax device survived the destroy"
else
	pass $t
fi

# Req-28: O_DIRECT between a raw namespace's /dev/pmemX and a daxkit
# mapping: the block layer pins daxkit's pages with get_user_pages.
t=dax-dev-req28-odirect-into-and-from-mapping
blk=
if ! out=$(ndctl create-namespace -m raw -s 32M -n daxkit-raw -r $NDR 2>&1); then
	fail $t "ndctl create-namespace -m raw: $(echo "$out" | tail -n 2 | tr '\n' '|')"
else
	for n in $ND/namespace*; do
		[ "$(rd $n/alt_name)" = daxkit-raw ] && blk=$(ls $n/block 2>/dev/null | head -n 1)
	done
	if [ -z "$blk" ] || ! wait_for /dev/$blk; then
		fail $t "no block device for the raw namespace"
	elif [ -z "${k:-}" ] || [ ! -c /dev/$k ]; then
		fail $t "no daxkit-b device to map"
	elif ! out=$(/tests/bin/daxmap /dev/$k odirect /dev/$blk $((2 * MB))); then
		fail $t "$out"
	else
		pass $t
	fi
fi

# loop_until_sigbus DEV ACTION...: a process touches 4 MiB of DEV in a
# loop; ACTION runs; the process must end by SIGBUS (Req-61).
loop_until_sigbus() {
	local dev=$1 pid
	shift
	: > /tmp/nd-loop.out
	/tests/bin/daxmap "/dev/$dev" touch-loop $((4 * MB)) > /tmp/nd-loop.out 2>&1 &
	pid=$!
	bg_wait_for /tmp/nd-loop.out mapped
	"$@"
	bg_expect_end $pid /tmp/nd-loop.out
}
unbind_nd() { echo "$1" > /sys/bus/nd/drivers/daxkit_pmem/unbind; }

t=nd-devdax-req61-unbind-namespace-while-mapped
if [ -z "${k:-}" ] || [ ! -c /dev/$k ]; then
	fail $t "no daxkit-b device to map"
elif ! out=$(loop_until_sigbus "$k" unbind_nd "$db"); then
	fail $t "$out"
elif ! echo "$db" > /sys/bus/nd/drivers/daxkit_pmem/bind || ! k=$(daxkit_of "$db") ||
	! wait_for /dev/$k; then
	fail $t "binding $db again failed"
elif ! out=$(patterns verify "$k" 21); then
	fail $t "after binding again, /dev/$k: $out"
else
	pass $t
fi

t=nd-devdax-req61-unload-while-mapped
if [ -z "${k:-}" ] || [ ! -c /dev/$k ]; then
	fail $t "no daxkit-b device to map"
elif ! out=$(loop_until_sigbus "$k" modprobe -r dax_pmem); then
	fail $t "$out"
else
	pass $t
fi

t=nd-devdax-unload-releases
if loaded dax_pmem && ! modprobe -r dax_pmem; then
	fail $t "modprobe -r dax_pmem failed"
elif ls /sys/bus/daxkit/devices 2>/dev/null | grep -q .; then
	fail $t "daxkit devices left: $(ls /sys/bus/daxkit/devices | tr '\n' ' ')"
elif [ -n "$(nd_driver "${da:-none}")$(nd_driver "${db:-none}")" ]; then
	fail $t "nd_dax devices still bound"
elif claims=$(grep -E ": (daxkit|$(rd $ND/${da:-none}/namespace)|$(rd $ND/${db:-none}/namespace))\$" /proc/iomem); then
	fail $t "claims left in /proc/iomem: $(echo "$claims" | tr '\n' '|')"
else
	pass $t
fi
nd_down
true
