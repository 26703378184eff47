// SPDX-License-Identifier: GPL-2.0
/*
 * probe: walk_soft_reserve_res(), soft-reserved ranges in a tree of their
 * own rather than in iomem (v7.0)
 */
#include <linux/ioport.h>

static int daxkit_probe_note(struct resource *res, void *arg)
{
	return 0;
}

int daxkit_probe_walk(void);
int daxkit_probe_walk(void)
{
	return walk_soft_reserve_res(0, -1, NULL, daxkit_probe_note);
}
