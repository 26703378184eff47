# SPDX-License-Identifier: GPL-2.0
# Memory failure on a mapped daxkit page (Req-26, Req-35, Req-36): MADV_SOFT_OFFLINE
# is refused; MADV_HWPOISON
# finds the mapper through page->mapping and kills it with SIGBUS,
# BUS_MCEERR_AR and the mapping's size in si_addr_lsb; the kernel says
# "recovery action for dax page: Recovered" and survives, and the stack
# still unloads.  Last in the suite: the page stays poisoned.
. /tests/lib.sh

MB=1048576
D=/dev/daxkit0.0
modprobe dax_pmem || { fail poison "modprobe dax_pmem failed"; exit 0; }
i=0
while [ $i -lt 20 ] && [ ! -c $D ]; do sleep 0.2; i=$((i + 1)); done
# Req-36: soft-offlining a ZONE_DEVICE page (it cannot be migrated) is
# refused, and the page stays mapped with its data.
t=dax-dev-req36-soft-offline-refused
if out=$(/tests/bin/daxmap $D soft-offline $((252 * MB)) $((2 * MB)) 2>&1); then
	pass $t
else
	fail $t "$out"
fi
t=dax-dev-req26-req35-hwpoison-sigbus
klog_mark $t
if out=$(/tests/bin/daxmap $D poison $((254 * MB)) $((2 * MB)) 2>&1); then
	if klog_since $t | grep -q 'recovery action for dax page: Recovered'; then
		pass $t
	else
		fail $t "no 'Recovered' in the kernel log: $(klog_since $t | grep -i 'memory failure' | head -n 2 | tr '\n' '|')"
	fi
else
	fail $t "$out"
fi
t=dax-dev-unload-after-poison
modprobe -r dax_pmem && ! loaded dax_pmem && pass $t || fail $t "the stack did not unload after the poison"
true
