// SPDX-License-Identifier: GPL-2.0
/*
 * probe: fs_dax_get_by_bdev() takes a holder and its ops, dax_direct_access() a mode (v6.0)
 */
#include <linux/blkdev.h>
#include <linux/dax.h>

long daxkit_probe_dax(struct block_device *bdev, void *holder,
		      const struct dax_holder_operations *ops);
long daxkit_probe_dax(struct block_device *bdev, void *holder,
		      const struct dax_holder_operations *ops)
{
	struct dax_device *dax_dev;
	u64 start;
	void *kaddr;
	pfn_t pfn;

	dax_dev = fs_dax_get_by_bdev(bdev, &start, holder, ops);
	return dax_direct_access(dax_dev, 0, 1, DAX_ACCESS, &kaddr, &pfn);
}
