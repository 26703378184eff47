// SPDX-License-Identifier: GPL-2.0
/*
 * probe: dax_mem2blk_err(): poison is -EHWPOISON to fs/dax.c, which retries a write in recovery mode (v6.5; -EIO before)
 */
#include <linux/dax.h>

int daxkit_probe_err(int err);
int daxkit_probe_err(int err)
{
	return dax_mem2blk_err(err);
}
