// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pmem: daxkit regions stacked on the in-tree pmem block devices of
 * fsdax namespaces, on request:
 *
 *	echo /dev/pmem0 > /sys/module/dax_pmem/parameters/stack
 *	echo /dev/pmem0 > /sys/module/dax_pmem/parameters/unstack
 *
 * (or stack=/dev/pmem0 at load).  The block device is held open
 * exclusively and its dax_device with daxkit as the holder, so no
 * filesystem can mount it meanwhile.  The region spans what
 * dax_direct_access() reaches: the namespace's data, whose struct pages
 * the pmem driver made.  Poison the pmem driver reports to its holder
 * goes on to the daxkit device's holder, the offset translated.  When the
 * pmem device is about to be unbound (or destroyed) a notifier on its bus
 * tears the region down first, so no mapping outlives the memory.
 *
 * Only where fs_dax_get_by_bdev() takes a holder (v6.0) and device pages
 * are mapped with pfn_t: elsewhere a request is refused with EOPNOTSUPP.
 * Raw namespaces have no DAX, hence no struct pages: refused too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <daxkit/core.h>
#include <daxkit/compat_blk.h>
#include <daxkit/compat_mm.h>
#include "dax_pmem.h"

#if defined(HAVE_FS_DAX_GET_BY_BDEV_HOLDER) && defined(HAVE_PFN_T) && \
	IS_ENABLED(CONFIG_FS_DAX)
#define DAX_PMEM_CAN_STACK	1
#else
#define DAX_PMEM_CAN_STACK	0
#endif

#define DAX_PMEM_PATH_MAX	64

/**
 * struct dax_pmem_stack - a region stacked on a pmem block device
 * @r: the range the region spans (its id, region and parent device)
 * @path: the block device's path, as the request named it
 * @bdev: the block device, open exclusively
 * @dax_dev: its dax_device, held with this stack as the holder
 * @start_off: the block device's offset in @dax_dev, in bytes
 * @watched: the pmem device's parent, whose unbind tears the stack down
 * @node: the place in dax_pmem_stacks
 */
struct dax_pmem_stack {
	struct dax_pmem_range r;
	char path[DAX_PMEM_PATH_MAX];
	struct daxkit_bdev bdev;
	struct dax_device *dax_dev;
	u64 start_off;
	struct device *watched;
	struct list_head node;
};

/* The stacks, the notifier and whether requests are taken: all under it. */
static DEFINE_MUTEX(dax_pmem_stack_lock);
static LIST_HEAD(dax_pmem_stacks);
static bool dax_pmem_stack_ready;
static char dax_pmem_stack_pending[DAX_PMEM_PATH_MAX];

#if DAX_PMEM_CAN_STACK
static typeof(((struct device *)NULL)->bus) dax_pmem_stack_bus;

/* Poison in the pmem device: on to the daxkit device's holder (Req-15). */
static int dax_pmem_stack_notify_failure(struct dax_device *dax_dev, u64 offset,
					 u64 len, int mf_flags)
{
	struct dax_pmem_stack *s = dax_holder(dax_dev);
	u64 end;

	if (!s || offset + len <= s->start_off || offset >= s->start_off + s->r.size)
		return -ENXIO;
	end = min(offset + len, s->start_off + s->r.size);
	offset = max(offset, s->start_off);
	return dax_pmem_range_notify(&s->r, s->r.start + (offset - s->start_off),
				     end - offset, mf_flags);
}

static const struct dax_holder_operations dax_pmem_stack_holder_ops = {
	.notify_failure = dax_pmem_stack_notify_failure,
};

/* Undo dax_pmem_stack_add(); any step may not have happened. */
static void dax_pmem_stack_free(struct dax_pmem_stack *s)
{
	dax_pmem_range_fini(&s->r);
	if (s->r.pdev)
		platform_device_unregister(s->r.pdev);
	if (s->dax_dev)
		fs_put_dax(s->dax_dev, s);
	if (s->bdev.bdev)
		daxkit_bdev_close(&s->bdev);
	put_device(s->watched);
	kfree(s);
}

/* The data dax_direct_access() reaches: where it is and its struct pages. */
static int dax_pmem_stack_reach(struct dax_pmem_stack *s, void **kaddr)
{
	long want = bdev_nr_bytes(s->bdev.bdev) >> PAGE_SHIFT, got;
	unsigned int align;
	pfn_t pfn;
	int id;

	id = dax_read_lock();
	got = dax_direct_access(s->dax_dev, PHYS_PFN(s->start_off), want, DAX_ACCESS,
				kaddr, &pfn);
	dax_read_unlock(id);
	if (got <= 0)
		return got ? got : -ENXIO;
	if (!pfn_t_has_page(pfn))
		return -EOPNOTSUPP;
	s->r.start = pfn_t_to_phys(pfn);
	s->r.size = (u64)min(want, got) << PAGE_SHIFT;
	align = IS_ALIGNED(s->r.start, PMD_SIZE) && s->r.size >= PMD_SIZE ?
		PMD_SIZE : PAGE_SIZE;
	s->r.size = round_down(s->r.size, align);
	s->r.align = align;
	return 0;
}

/* Open the block device, hold its dax_device, find the data. */
static int dax_pmem_stack_open(struct dax_pmem_stack *s, void **kaddr)
{
	struct device *parent;
	int rc;

	rc = daxkit_bdev_open(&s->bdev, s->path, s);
	if (rc) {
		s->bdev.bdev = NULL;
		return rc;
	}
	parent = disk_to_dev(s->bdev.bdev->bd_disk)->parent;
	if (!parent || !parent->bus || strcmp(parent->bus->name, "nd") ||
	    (dax_pmem_stack_bus && parent->bus != dax_pmem_stack_bus))
		return -EOPNOTSUPP;
	s->watched = get_device(parent);
	s->dax_dev = fs_dax_get_by_bdev(s->bdev.bdev, &s->start_off, s,
					&dax_pmem_stack_holder_ops);
	if (!s->dax_dev)
		return -EOPNOTSUPP;
	return dax_pmem_stack_reach(s, kaddr);
}

static int dax_pmem_stack_watch(struct notifier_block *nb, unsigned long action,
				void *data);
static struct notifier_block dax_pmem_stack_nb = {
	.notifier_call = dax_pmem_stack_watch,
};

/* Stack a region on @path.  Called with dax_pmem_stack_lock held. */
static int dax_pmem_stack_add(const char *path)
{
	struct dax_pmem_stack *s;
	void *kaddr = NULL;
	int rc;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->r.id = -1;
	strscpy(s->path, path, sizeof(s->path));
	rc = dax_pmem_stack_open(s, &kaddr);
	if (rc)
		goto err;
	rc = dax_pmem_range_init(&s->r, s->r.start, s->r.size, s->r.align);
	if (rc)
		goto err;
	if (!dax_pmem_stack_bus) {
		rc = bus_register_notifier(s->watched->bus, &dax_pmem_stack_nb);
		if (rc)
			goto err;
		dax_pmem_stack_bus = s->watched->bus;
	}
	s->r.pdev = platform_device_register_simple("daxkit_stack", s->r.id, NULL, 0);
	if (IS_ERR(s->r.pdev)) {
		rc = PTR_ERR(s->r.pdev);
		s->r.pdev = NULL;
		goto err;
	}
	rc = dax_pmem_range_serve(&s->r, &s->r.pdev->dev, NUMA_NO_NODE, kaddr);
	if (rc)
		goto err;
	list_add_tail(&s->node, &dax_pmem_stacks);
	return 0;
err:
	pr_err_ratelimited("stack %s: %d%s\n", path, rc, rc == -EOPNOTSUPP ?
	       " (not an fsdax pmem device, or another holder has its DAX)" : "");
	dax_pmem_stack_free(s);
	return rc;
}

/* Drop the stacks on @path, or watching @dev; with the lock held. */
static int dax_pmem_stack_drop(const char *path, struct device *dev)
{
	struct dax_pmem_stack *s, *next;
	int n = 0;

	list_for_each_entry_safe(s, next, &dax_pmem_stacks, node) {
		if (path ? strcmp(s->path, path) : s->watched != dev)
			continue;
		if (dev)
			pr_info("%s is going away: region %d torn down first\n",
				s->path, s->r.id);
		list_del(&s->node);
		dax_pmem_stack_free(s);
		n++;
	}
	return n;
}

/* The pmem device is about to lose its driver, or go: drop its stacks. */
static int dax_pmem_stack_watch(struct notifier_block *nb, unsigned long action,
				void *data)
{
	if (action != BUS_NOTIFY_UNBIND_DRIVER && action != BUS_NOTIFY_DEL_DEVICE)
		return NOTIFY_DONE;
	mutex_lock(&dax_pmem_stack_lock);
	dax_pmem_stack_drop(NULL, data);
	mutex_unlock(&dax_pmem_stack_lock);
	return NOTIFY_OK;
}

/* With no stack left and none to come. */
static void dax_pmem_stack_unwatch(void)
{
	if (dax_pmem_stack_bus)
		bus_unregister_notifier(dax_pmem_stack_bus, &dax_pmem_stack_nb);
	dax_pmem_stack_bus = NULL;
}
#else
static int dax_pmem_stack_add(const char *path)
{
	pr_err_ratelimited("stack %s: not on this kernel\n", path);
	return -EOPNOTSUPP;
}

static int dax_pmem_stack_drop(const char *path, struct device *dev)
{
	return 0;
}

static void dax_pmem_stack_unwatch(void)
{
}
#endif

/* A path from a parameter write: one word, no newline, short enough. */
static int dax_pmem_stack_path(const char *val, char *path)
{
	size_t n = strcspn(val, "\n");

	if (!n || n >= DAX_PMEM_PATH_MAX || memchr(val, ' ', n))
		return -EINVAL;
	memcpy(path, val, n);
	path[n] = '\0';
	return 0;
}

static int dax_pmem_stack_set(const char *val, const struct kernel_param *kp)
{
	char path[DAX_PMEM_PATH_MAX];
	int rc;

	rc = dax_pmem_stack_path(val, path);
	if (rc)
		return rc;
	mutex_lock(&dax_pmem_stack_lock);
	if (dax_pmem_stack_ready)
		rc = dax_pmem_stack_add(path);
	else	/* at load: dax_pmem_stack_init() takes it */
		strscpy(dax_pmem_stack_pending, path, sizeof(dax_pmem_stack_pending));
	mutex_unlock(&dax_pmem_stack_lock);
	return rc;
}

static int dax_pmem_stack_get(char *buf, const struct kernel_param *kp)
{
	struct dax_pmem_stack *s;
	int len = 0;

	mutex_lock(&dax_pmem_stack_lock);
	list_for_each_entry(s, &dax_pmem_stacks, node)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s%s=daxkit%d", len ? "," : "",
				 s->path, s->r.id);
	mutex_unlock(&dax_pmem_stack_lock);
	return len + scnprintf(buf + len, PAGE_SIZE - len, "\n");
}

static int dax_pmem_unstack_set(const char *val, const struct kernel_param *kp)
{
	char path[DAX_PMEM_PATH_MAX];
	int rc;

	rc = dax_pmem_stack_path(val, path);
	if (rc)
		return rc;
	mutex_lock(&dax_pmem_stack_lock);
	rc = dax_pmem_stack_drop(path, NULL) ? 0 : -ENOENT;
	mutex_unlock(&dax_pmem_stack_lock);
	return rc;
}

static const struct kernel_param_ops dax_pmem_stack_ops = {
	.set = dax_pmem_stack_set,
	.get = dax_pmem_stack_get,
};
module_param_cb(stack, &dax_pmem_stack_ops, NULL, 0644);
MODULE_PARM_DESC(stack, "stack a region on an fsdax pmem block device, e.g. /dev/pmem0; reads list them");

static const struct kernel_param_ops dax_pmem_unstack_ops = {
	.set = dax_pmem_unstack_set,
};
module_param_cb(unstack, &dax_pmem_unstack_ops, NULL, 0200);
MODULE_PARM_DESC(unstack, "drop the region stacked on a block device, e.g. /dev/pmem0");

/**
 * dax_pmem_stack_init() - take stack requests from now on
 *
 * Serves the stack= of the load, if any; its failure does not fail the
 * load (the log says why).
 *
 * Return: 0.
 */
int dax_pmem_stack_init(void)
{
	mutex_lock(&dax_pmem_stack_lock);
	dax_pmem_stack_ready = true;
	if (dax_pmem_stack_pending[0])
		dax_pmem_stack_add(dax_pmem_stack_pending);
	mutex_unlock(&dax_pmem_stack_lock);
	return 0;
}

/**
 * dax_pmem_stack_exit() - refuse further requests, drop every stack
 */
void dax_pmem_stack_exit(void)
{
	struct dax_pmem_stack *s;

	mutex_lock(&dax_pmem_stack_lock);
	dax_pmem_stack_ready = false;
	while (!list_empty(&dax_pmem_stacks)) {
		s = list_first_entry(&dax_pmem_stacks, struct dax_pmem_stack, node);
		dax_pmem_stack_drop(s->path, NULL);
	}
	mutex_unlock(&dax_pmem_stack_lock);
	/* Not under the lock: a notice in flight holds the chain and wants it. */
	dax_pmem_stack_unwatch();
}
