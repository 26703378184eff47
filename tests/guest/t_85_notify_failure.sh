# SPDX-License-Identifier: GPL-2.0
# Memory failure reaches the holder (Req-15, Req-35): with a holder on
# daxkit0.0 (tests/kmod/daxkit_holder.ko, a stand-in for a filesystem),
# poison injected at a physical page of the legacy range is told to the
# holder through notify_failure with the page's offset in the device, and
# the kernel survives.  Needs dev_pagemap_ops.memory_failure (v5.19): on
# older kernels a NOTE says it cannot be tested, no result is given.
. /tests/lib.sh

MB=1048576
t=pmem-req15-notify-failure-reaches-holder
if ! grep -q '^#define HAVE_PGMAP_MEMORY_FAILURE' /etc/daxkit-compat.h; then
	echo "NOTE: $t: this kernel has no dev_pagemap memory_failure operation; poison goes to the mappers only"
	exit 0
fi
if ! modprobe dax_pmem || ! wait_for /dev/daxkit0.0; then
	fail $t "no daxkit0.0"
else
	holder_hears $t daxkit0.0 $((100 * MB + 8192))
fi
modprobe -r dax_pmem
true
