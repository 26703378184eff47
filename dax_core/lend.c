// SPDX-License-Identifier: GPL-2.0
/*
 * Lending a region's memory to the kernel: system-ram mode.
 *
 * A provider maps a whole region as ZONE_DEVICE pages and claims it in
 * /proc/iomem when it creates it, so none of it can be hot-added as System
 * RAM meanwhile: the sections exist and the claim is busy.  A provider
 * that can give both back says how (dax_core_region_set_memory_ops()).
 * A driver of system-ram mode then borrows the memory of a device that is
 * its region's only device with memory: the device is killed (no access
 * through daxkit any more), the provider unmaps and unclaims the region,
 * and until the memory is given back no other device of the region may
 * grow, shrink or move (daxkit_dev_lock_for_change()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <daxkit/core.h>
#include "dax_core.h"

/**
 * dax_core_region_set_memory_ops() - say how the provider lends the memory
 * @region: the region
 * @ops: the provider's lend and reclaim, or NULL: it cannot lend
 * @data: what @ops are given
 *
 * Set once, after dax_core_region_create(); a region without them refuses
 * to lend (EOPNOTSUPP).
 */
void dax_core_region_set_memory_ops(struct daxkit_region *region,
				    const struct dax_core_memory_ops *ops,
				    void *data)
{
	mutex_lock(&region->lock);
	region->mem_ops = ops;
	region->mem_data = data;
	mutex_unlock(&region->lock);
}
DAXKIT_EXPORT(dax_core_region_set_memory_ops);

/* Whether @ddev may borrow its region's memory: 0 or why not. */
static int daxkit_region_may_lend(struct daxkit_region *region,
				  struct daxkit_dev *ddev)
{
	struct daxkit_dev *d;

	lockdep_assert_held(&region->lock);
	if (region->lent || ddev->dead)
		return -EBUSY;
	if (!region->mem_ops || !region->kaddr)
		return -EOPNOTSUPP;
	list_for_each_entry(d, &region->devs, node)
		if (d != ddev && daxkit_dev_size(d))
			return -EBUSY;
	return 0;
}

/**
 * dax_core_dev_lend() - borrow a device's memory for the kernel
 * @ddev: the device, which its caller (a driver's probe) has bound
 *
 * Kills @ddev (its mappings are torn down, no access through daxkit
 * succeeds), then has the provider unmap and unclaim the region.  Its
 * ranges (dax_core_dev_range()) are then free to hot-add.  Undone by
 * dax_core_dev_reclaim().
 *
 * Return: 0; -EOPNOTSUPP when the provider cannot lend this region (or it
 * has no memory); -EBUSY when another device of the region has memory or
 * the memory is lent already; or the provider's error.
 */
int dax_core_dev_lend(struct daxkit_dev *ddev)
{
	struct daxkit_region *region = ddev->region;
	void *kaddr;
	int rc;

	dax_core_kill(ddev->dcore);
	mutex_lock(&region->lock);
	rc = daxkit_region_may_lend(region, ddev);
	kaddr = region->kaddr;
	if (!rc) {
		/* From here no page walker (poison) starts on the region. */
		region->lent = ddev;
		region->kaddr = NULL;
	}
	mutex_unlock(&region->lock);
	if (rc)
		return rc;
	/*
	 * Not under the region's lock: unmapping waits for every reference
	 * to the pages, and a failure notice holds one while it waits for
	 * that lock.
	 */
	rc = region->mem_ops->lend(region->mem_data);
	if (rc) {
		mutex_lock(&region->lock);
		region->lent = NULL;
		region->kaddr = kaddr;
		mutex_unlock(&region->lock);
	}
	return rc;
}
DAXKIT_EXPORT(dax_core_dev_lend);

/**
 * dax_core_dev_reclaim() - give memory dax_core_dev_lend() borrowed back
 * @ddev: the device that borrowed it; none of it may still be System RAM
 *
 * The provider claims and maps the region again.  The device stays dead
 * until a driver binds it again.
 *
 * Return: 0, -EINVAL when @ddev has not borrowed the memory, or the
 * provider's error (the memory then stays lent).
 */
int dax_core_dev_reclaim(struct daxkit_dev *ddev)
{
	struct daxkit_region *region = ddev->region;
	void *kaddr;
	int rc;

	mutex_lock(&region->lock);
	rc = region->lent == ddev ? 0 : -EINVAL;
	mutex_unlock(&region->lock);
	if (rc)
		return rc;
	/* Only @ddev's driver gives the memory back: nothing races this. */
	rc = region->mem_ops->reclaim(region->mem_data, &kaddr);
	if (rc)
		return rc;
	mutex_lock(&region->lock);
	region->kaddr = kaddr;
	region->lent = NULL;
	mutex_unlock(&region->lock);
	return 0;
}
DAXKIT_EXPORT(dax_core_dev_reclaim);

/**
 * dax_core_dev_range() - one physical range of a device
 * @ddev: the device
 * @i: which, from 0
 * @range: filled in with the range's first and last byte
 *
 * Return: 0, or -ENOENT past the last range.
 */
int dax_core_dev_range(struct daxkit_dev *ddev, int i, struct range *range)
{
	struct daxkit_region *region = ddev->region;
	int rc = -ENOENT;

	mutex_lock(&region->lock);
	if (i >= 0 && i < ddev->nr_range) {
		range->start = ddev->ranges[i].res->start;
		range->end = ddev->ranges[i].res->end;
		rc = 0;
	}
	mutex_unlock(&region->lock);
	return rc;
}
DAXKIT_EXPORT(dax_core_dev_range);

/**
 * dax_core_dev_target_node() - the node a device's memory goes to as RAM
 * @ddev: the device
 *
 * Return: its region's target node, or NUMA_NO_NODE when none is known.
 */
int dax_core_dev_target_node(struct daxkit_dev *ddev)
{
	return ddev->region->target_node;
}
DAXKIT_EXPORT(dax_core_dev_target_node);
