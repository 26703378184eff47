// SPDX-License-Identifier: GPL-2.0
/*
 * probe: dev_pagemap_ops.memory_failure, so a ZONE_DEVICE page's owner hears of poison (v5.19)
 */
#include <linux/memremap.h>

static int daxkit_probe_mf(struct dev_pagemap *pgmap, unsigned long pfn,
			   unsigned long nr_pages, int mf_flags)
{
	return 0;
}

const struct dev_pagemap_ops daxkit_probe_pgmap_ops = {
	.memory_failure = daxkit_probe_mf,
};
