// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pmem: daxkit regions stacked on the in-tree pmem block devices of
 * fsdax and raw namespaces, on request:
 *
 *	echo /dev/pmem0 > /sys/bus/daxkit/stack	(cat lists path=daxkitR)
 *	echo /dev/pmem0 > /sys/bus/daxkit/unstack
 *
 * (or stack=/dev/pmem0 at load: the parameter is read-only after).  The
 * files are dax_core's bus's, added here: they go before the stacks at
 * unload, and the removal waits for writes in flight, so none outlives
 * them.  The block device is held open
 * exclusively (and an fsdax one's dax_device with daxkit as the holder),
 * so no filesystem can mount it meanwhile.  On an fsdax namespace the
 * region spans what dax_direct_access() reaches: the namespace's data,
 * whose struct pages the pmem driver made; poison the pmem driver reports
 * to its holder goes on to the daxkit device's holder, the offset
 * translated.  When the
 * pmem device is about to be unbound (or destroyed) a notifier on its bus
 * tears the region down first, so no mapping outlives the memory.
 *
 * Raw namespaces have no DAX: the pmem driver made no struct pages for
 * them.  There the region spans the whole namespace and has ZONE_DEVICE
 * pages of its own (the block device, held exclusively, is the claim), so
 * poison reaches daxkit's holder through them.  That works on every kernel.
 * fsdax namespaces are served on the pmem driver's pages, which takes the
 * holder form of fs_dax_get_by_bdev() (v6.0) and device pages mapped with
 * pfn_t (before 6.17): elsewhere they are refused with EOPNOTSUPP.
 *
 * virtio-pmem (the in-tree virtio_pmem driver) makes a label-less raw
 * namespace whose region is not synchronous (ND_REGION_ASYNC): the host
 * makes writes durable only when asked to, through the region's flush.
 * Its region also asks for struct pages (ND_REGION_PAGEMAP), so nd_pmem
 * makes them and serves the namespace with DAX: to this file it looks
 * like an fsdax namespace, and is stacked where those are.  Its daxkit
 * region is marked async, so its devices refuse MAP_SYNC.  To make what
 * was written through a mapping durable, a user writes back the CPU
 * caches as for any pmem (msync, or clflushopt/clwb and a fence) and
 * then fsync()s the block device (/dev/pmemN, opened without O_EXCL: the
 * stack holds it exclusively), which sends the flush to the host.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/completion.h>
#include <linux/dax.h>
#include <linux/device.h>
#include <linux/libnvdimm.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nd.h>
#include <linux/platform_device.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <daxkit/core.h>
#include <daxkit/compat_blk.h>
#include <daxkit/compat_mm.h>
#include "dax_pmem.h"

#if defined(HAVE_FS_DAX_GET_BY_BDEV_HOLDER) && defined(HAVE_PFN_T) && \
	IS_ENABLED(CONFIG_FS_DAX)
#define DAX_PMEM_CAN_STACK_FSDAX	1
#else
#define DAX_PMEM_CAN_STACK_FSDAX	0
#endif

#define DAX_PMEM_PATH_MAX	64

/**
 * struct dax_pmem_stack - a region stacked on a pmem block device
 * @r: the range the region spans (its id, region and parent device)
 * @path: the block device's path, as the request named it
 * @bdev: the block device, open exclusively
 * @dax_dev: fsdax: its dax_device, held with this stack as the holder;
 *	NULL for a raw namespace
 * @start_off: fsdax: the block device's offset in @dax_dev, in bytes
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

/*
 * Locking.  The pmem device's unbind holds its device lock, then the nd
 * bus's notifier chain, and wants its stacks gone before nd_pmem's remove
 * runs.  A stack is therefore started with the pmem device locked, and
 * only while it has a driver; the notifier hands the teardown to a worker
 * and waits for it.  The worker, not the notifier, takes
 * dax_pmem_stack_lock: under it devices are registered and unregistered,
 * which takes the notifier chains of other buses, and lockdep keeps one
 * class for every bus's chain.  Nothing taken under dax_pmem_stack_lock
 * waits for the nd bus, its notifier or a pmem device's lock.
 */
static DEFINE_MUTEX(dax_pmem_stack_lock);
static LIST_HEAD(dax_pmem_stacks);
/*
 * Failure notices.  The pmem driver calls our holder operation under the
 * in-tree DAX SRCU, which fs_put_dax() does not wait for: a notice may run
 * on after the holder is released.  So the operation finds its stack in
 * dax_pmem_stacks (by dax_device: holder_data may by then be another
 * holder's) and uses it only under dax_pmem_stack_srcu; the list changes
 * under dax_pmem_stack_lock with the _rcu list operations, and a stack is
 * freed only after a grace period of dax_pmem_stack_srcu that follows its
 * removal.  Not covered: a notice that read our ops before fs_put_dax()
 * and has not yet entered the operation when the module is unloaded; only
 * the in-tree side could wait for it.
 */
DEFINE_STATIC_SRCU(dax_pmem_stack_srcu);
static bool dax_pmem_stack_ready;
static char dax_pmem_stack_pending[DAX_PMEM_PATH_MAX];

static struct workqueue_struct *dax_pmem_stack_wq;
/* How many stacks there are: the notifier's shortcut when there are none. */
static atomic_t dax_pmem_stack_count = ATOMIC_INIT(0);

#if DAX_PMEM_CAN_STACK_FSDAX
/* The listed stack holding @dax_dev; under dax_pmem_stack_srcu. */
static struct dax_pmem_stack *dax_pmem_stack_of(struct dax_device *dax_dev)
{
	struct dax_pmem_stack *s;

	list_for_each_entry_srcu(s, &dax_pmem_stacks, node,
				 srcu_read_lock_held(&dax_pmem_stack_srcu))
		if (s->dax_dev == dax_dev)
			return s;
	return NULL;
}

/* Poison in the pmem device: on to the daxkit device's holder (Req-15). */
static int dax_pmem_stack_forward(struct dax_pmem_stack *s, u64 offset, u64 len,
				  int mf_flags)
{
	u64 end;

	if (offset + len <= s->start_off || offset >= s->start_off + s->r.size)
		return -ENXIO;
	end = min(offset + len, s->start_off + s->r.size);
	offset = max(offset, s->start_off);
	return dax_pmem_range_notify(&s->r, s->r.start + (offset - s->start_off),
				     end - offset, mf_flags);
}

/*
 * The holder operation.  A stack not (or no longer) listed has no region:
 * -EOPNOTSUPP, so the kernel handles the poison itself.
 */
static int dax_pmem_stack_notify_failure(struct dax_device *dax_dev, u64 offset,
					 u64 len, int mf_flags)
{
	struct dax_pmem_stack *s;
	int rc = -EOPNOTSUPP, idx;

	idx = srcu_read_lock(&dax_pmem_stack_srcu);
	s = dax_pmem_stack_of(dax_dev);
	if (s)
		rc = dax_pmem_stack_forward(s, offset, len, mf_flags);
	srcu_read_unlock(&dax_pmem_stack_srcu, idx);
	return rc;
}

static const struct dax_holder_operations dax_pmem_stack_holder_ops = {
	.notify_failure = dax_pmem_stack_notify_failure,
};

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

/* fsdax: hold the pmem driver's dax_device; find the data and its pages. */
static int dax_pmem_stack_fsdax(struct dax_pmem_stack *s, void **kaddr)
{
	s->dax_dev = fs_dax_get_by_bdev(s->bdev.bdev, &s->start_off, s,
					&dax_pmem_stack_holder_ops);
	if (!s->dax_dev)
		return -ENODEV;
	return dax_pmem_stack_reach(s, kaddr);
}

static void dax_pmem_stack_put_dax(struct dax_pmem_stack *s)
{
	if (s->dax_dev)
		fs_put_dax(s->dax_dev, s);
}
#else
static int dax_pmem_stack_fsdax(struct dax_pmem_stack *s, void **kaddr)
{
	return -ENODEV;
}

static void dax_pmem_stack_put_dax(struct dax_pmem_stack *s)
{
}
#endif

/*
 * raw: the whole namespace, bound to nd_pmem, not a partition of it, with
 * no struct pages yet (the pmem driver makes them for e820 namespaces,
 * which have DAX; memremap_pages() would warn of the conflict).  Ours are
 * made when the region is served.
 */
static int dax_pmem_stack_raw(struct dax_pmem_stack *s)
{
	struct device *ns = s->watched;
	u64 disk = (u64)get_capacity(s->bdev.bdev->bd_disk) << SECTOR_SHIFT;
	struct resource *res;

	if (strncmp(dev_name(ns), "namespace", strlen("namespace")) ||
	    !ns->driver || strcmp(ns->driver->name, "nd_pmem") ||
	    bdev_is_partition(s->bdev.bdev))
		return -EOPNOTSUPP;
	res = &to_nd_namespace_io(ns)->res;
	if (resource_size(res) != disk)
		return -EOPNOTSUPP;
	if (pfn_valid(PHYS_PFN(res->start)) || pfn_valid(PHYS_PFN(res->end)))
		return -EOPNOTSUPP;
	s->r.start = res->start;
	s->r.size = resource_size(res);
	s->r.align = IS_ALIGNED(s->r.start | s->r.size, PMD_SIZE) ? PMD_SIZE : PAGE_SIZE;
	return 0;
}

/*
 * Whether the nd region of @ns (a namespace or pfn device) is
 * synchronous; virtio-pmem's is not: writes need its flush.
 */
static bool dax_pmem_stack_async(struct device *ns)
{
	struct device *region = ns->parent;

	if (!region || !dax_pmem_nd_owns(region) ||
	    strncmp(dev_name(region), "region", strlen("region")))
		return false;
	return !is_nvdimm_sync(to_nd_region(region));
}

/* Undo dax_pmem_stack_add(); any step may not have happened. */
static void dax_pmem_stack_free(struct dax_pmem_stack *s)
{
	dax_pmem_range_fini(&s->r);
	if (s->r.pdev)
		platform_device_unregister(s->r.pdev);
	dax_pmem_stack_put_dax(s);
	if (s->bdev.bdev)
		daxkit_bdev_close(&s->bdev);
	put_device(s->watched);
	/* A failure notice that found @s before it left the list is done. */
	synchronize_srcu(&dax_pmem_stack_srcu);
	kfree(s);
}

/* Open the block device, find the data: fsdax, or raw. */
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
	if (!parent || !dax_pmem_nd_owns(parent))
		return -EOPNOTSUPP;
	s->watched = get_device(parent);
	s->r.async = dax_pmem_stack_async(parent);
	rc = dax_pmem_stack_fsdax(s, kaddr);
	return rc == -ENODEV ? dax_pmem_stack_raw(s) : rc;
}

/* The stable id of a stack: its namespace's, from the disk's pmemX[.Y] name. */
static int dax_pmem_stack_id(struct block_device *bdev)
{
	const char *name = bdev->bd_disk->disk_name;
	int x, y = 0, n;

	if (sscanf(name, "pmem%d%n.%d%n", &x, &n, &y, &n) < 1 || name[n])
		return -1;
	return dax_pmem_nd_id(x, y);
}

/* Serve the region, unless the device lost its driver or the module goes. */
static int dax_pmem_stack_serve(struct dax_pmem_stack *s, void *kaddr)
{
	int rc;

	if (!s->watched->driver)
		return -ENXIO;
	if (!dax_pmem_stack_ready)
		return -ENODEV;
	rc = dax_pmem_range_init(&s->r, s->r.start, s->r.size, s->r.align,
				 dax_pmem_stack_id(s->bdev.bdev));
	if (rc)
		return rc;
	s->r.pdev = platform_device_register_simple("daxkit_stack", s->r.id, NULL, 0);
	if (IS_ERR(s->r.pdev)) {
		rc = PTR_ERR(s->r.pdev);
		s->r.pdev = NULL;
		return rc;
	}
	if (!s->dax_dev)	/* raw */
		return dax_pmem_range_pages(&s->r, &s->r.pdev->dev, NUMA_NO_NODE);
	return dax_pmem_range_serve(&s->r, &s->r.pdev->dev, NUMA_NO_NODE, kaddr);
}

/*
 * With the pmem device locked, so that its unbind waits: serve and list the
 * stack, or undo it.  Either way @s is no longer the caller's.
 */
static int dax_pmem_stack_start(struct dax_pmem_stack *s, void *kaddr)
{
	struct device *dev = get_device(s->watched);
	int rc;

	device_lock(dev);
	mutex_lock(&dax_pmem_stack_lock);
	rc = dax_pmem_stack_serve(s, kaddr);
	if (rc) {
		dax_pmem_stack_free(s);
	} else {
		list_add_tail_rcu(&s->node, &dax_pmem_stacks);
		atomic_inc(&dax_pmem_stack_count);
	}
	mutex_unlock(&dax_pmem_stack_lock);
	device_unlock(dev);
	put_device(dev);
	return rc;
}

/* Stack a region on @path.  Called without dax_pmem_stack_lock. */
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
		dax_pmem_stack_free(s);
	else
		rc = dax_pmem_stack_start(s, kaddr);
	if (rc)
		pr_err_ratelimited("stack %s: %d%s\n", path, rc, rc == -EOPNOTSUPP ?
		       " (not a pmem namespace, or another holder has its DAX)" : "");
	return rc;
}

/* Drop the stacks on @path, or watching @dev; with the lock held. */
static int dax_pmem_stack_drop(const char *path, struct device *dev)
{
	struct dax_pmem_stack *s, *next;
	int n = 0;

	lockdep_assert_held(&dax_pmem_stack_lock);
	list_for_each_entry_safe(s, next, &dax_pmem_stacks, node) {
		if (path ? strcmp(s->path, path) : s->watched != dev)
			continue;
		if (dev)
			pr_info("%s is going away: region %d torn down first\n",
				s->path, s->r.id);
		list_del_rcu(&s->node);
		atomic_dec(&dax_pmem_stack_count);
		dax_pmem_stack_free(s);
		n++;
	}
	return n;
}

/**
 * struct dax_pmem_stack_gone - a pmem device going away, for the worker
 * @work: runs dax_pmem_stack_gone_work()
 * @dev: the device
 * @done: completed once its stacks are gone
 */
struct dax_pmem_stack_gone {
	struct work_struct work;
	struct device *dev;
	struct completion done;
};

static void dax_pmem_stack_gone_work(struct work_struct *work)
{
	struct dax_pmem_stack_gone *g = container_of(work, struct dax_pmem_stack_gone,
						     work);

	mutex_lock(&dax_pmem_stack_lock);
	dax_pmem_stack_drop(NULL, g->dev);
	mutex_unlock(&dax_pmem_stack_lock);
	complete(&g->done);
}

/*
 * An nd device is about to lose its driver, or go: its stacks go first.
 * Losing its driver, its device lock is held, so no stack on it can be
 * starting (a stack starts under that lock, while the device has a
 * driver); one going without a driver has no stack to start.
 */
static int dax_pmem_stack_watch(struct notifier_block *nb, unsigned long action,
				void *data)
{
	struct dax_pmem_stack_gone g = { .dev = data };

	if (action != BUS_NOTIFY_UNBIND_DRIVER && action != BUS_NOTIFY_DEL_DEVICE)
		return NOTIFY_DONE;
	if (action == BUS_NOTIFY_UNBIND_DRIVER)
		device_lock_assert(g.dev);
	if (!atomic_read(&dax_pmem_stack_count))
		return NOTIFY_DONE;
	INIT_WORK_ONSTACK(&g.work, dax_pmem_stack_gone_work);
	init_completion(&g.done);
	queue_work(dax_pmem_stack_wq, &g.work);
	wait_for_completion(&g.done);
	destroy_work_on_stack(&g.work);
	return NOTIFY_OK;
}

static struct notifier_block dax_pmem_stack_nb = {
	.notifier_call = dax_pmem_stack_watch,
};

/* Before any stack: the worker and the notifier. */
static int dax_pmem_stack_watch_start(void)
{
	int rc;

	dax_pmem_stack_wq = alloc_workqueue("daxkit_stack", WQ_UNBOUND, 0);
	if (!dax_pmem_stack_wq)
		return -ENOMEM;
	rc = dax_pmem_nd_watch(&dax_pmem_stack_nb);
	if (rc)
		destroy_workqueue(dax_pmem_stack_wq);
	return rc;
}

/* With no stack left and none to come; no notice or worker in flight after. */
static void dax_pmem_stack_watch_stop(void)
{
	dax_pmem_nd_unwatch(&dax_pmem_stack_nb);
	destroy_workqueue(dax_pmem_stack_wq);
}

/* A path from a request: one word, no newline, short enough. */
static int dax_pmem_stack_path(const char *val, char *path)
{
	size_t n = strcspn(val, "\n");

	if (!n || n >= DAX_PMEM_PATH_MAX || memchr(val, ' ', n))
		return -EINVAL;
	memcpy(path, val, n);
	path[n] = '\0';
	return 0;
}

/* stack= at load only: dax_pmem_stack_init() takes it. */
static int dax_pmem_stack_param_set(const char *val, const struct kernel_param *kp)
{
	char path[DAX_PMEM_PATH_MAX];
	int rc;

	rc = dax_pmem_stack_path(val, path);
	if (rc)
		return rc;
	mutex_lock(&dax_pmem_stack_lock);
	if (dax_pmem_stack_ready)
		rc = -EPERM;
	else
		strscpy(dax_pmem_stack_pending, path, sizeof(dax_pmem_stack_pending));
	mutex_unlock(&dax_pmem_stack_lock);
	return rc;
}

/* What the load asked for; /sys/bus/daxkit/stack lists what is stacked. */
static int dax_pmem_stack_param_get(char *buf, const struct kernel_param *kp)
{
	int len;

	mutex_lock(&dax_pmem_stack_lock);
	len = scnprintf(buf, PAGE_SIZE, "%s\n", dax_pmem_stack_pending);
	mutex_unlock(&dax_pmem_stack_lock);
	return len;
}

static const struct kernel_param_ops dax_pmem_stack_param_ops = {
	.set = dax_pmem_stack_param_set,
	.get = dax_pmem_stack_param_get,
};
module_param_cb(stack, &dax_pmem_stack_param_ops, NULL, 0444);
MODULE_PARM_DESC(stack, "at load: stack a region on a pmem block device, e.g. /dev/pmem0 (later: /sys/bus/daxkit/stack)");

/* /sys/bus/daxkit/stack: stack a region on the path written. */
static ssize_t dax_pmem_stack_store(DAXKIT_BUS_ATTR_CONST struct bus_type *bus,
				    const char *buf, size_t count)
{
	char path[DAX_PMEM_PATH_MAX];
	int rc;

	rc = dax_pmem_stack_path(buf, path);
	if (!rc)
		rc = dax_pmem_stack_add(path);
	return rc ? rc : count;
}

/* /sys/bus/daxkit/stack: path=daxkitR for each stack. */
static ssize_t dax_pmem_stack_show(DAXKIT_BUS_ATTR_CONST struct bus_type *bus, char *buf)
{
	struct dax_pmem_stack *s;
	int len = 0;

	mutex_lock(&dax_pmem_stack_lock);
	list_for_each_entry(s, &dax_pmem_stacks, node)
		len += sysfs_emit_at(buf, len, "%s%s=daxkit%d", len ? "," : "", s->path,
				     s->r.id);
	mutex_unlock(&dax_pmem_stack_lock);
	return len + sysfs_emit_at(buf, len, "\n");
}

/* /sys/bus/daxkit/unstack: drop the stacks on the path written. */
static ssize_t dax_pmem_unstack_store(DAXKIT_BUS_ATTR_CONST struct bus_type *bus,
				      const char *buf, size_t count)
{
	char path[DAX_PMEM_PATH_MAX];
	int rc;

	rc = dax_pmem_stack_path(buf, path);
	if (rc)
		return rc;
	mutex_lock(&dax_pmem_stack_lock);
	rc = dax_pmem_stack_drop(path, NULL) ? 0 : -ENOENT;
	mutex_unlock(&dax_pmem_stack_lock);
	return rc ? rc : count;
}

static struct bus_attribute dax_pmem_bus_stack =
	__ATTR(stack, 0644, dax_pmem_stack_show, dax_pmem_stack_store);
static struct bus_attribute dax_pmem_bus_unstack =
	__ATTR(unstack, 0200, NULL, dax_pmem_unstack_store);

/* The two files on the daxkit bus; undone by dax_pmem_stack_files_remove(). */
static int dax_pmem_stack_files_add(void)
{
	int rc;

	rc = dax_core_bus_create_file(&dax_pmem_bus_stack);
	if (rc)
		return rc;
	rc = dax_core_bus_create_file(&dax_pmem_bus_unstack);
	if (rc)
		dax_core_bus_remove_file(&dax_pmem_bus_stack);
	return rc;
}

/* No request is in flight once this returns, and none starts after. */
static void dax_pmem_stack_files_remove(void)
{
	dax_core_bus_remove_file(&dax_pmem_bus_unstack);
	dax_core_bus_remove_file(&dax_pmem_bus_stack);
}

/**
 * dax_pmem_stack_init() - take stack requests from now on
 *
 * Called once libnvdimm's bus is known (after dax_pmem_nd_init()).  Adds
 * /sys/bus/daxkit/stack and unstack, then serves the stack= of the load,
 * if any; its failure does not fail the load (the log says why).
 *
 * Return: 0, or the errno of setting up the watch on the nd bus or of
 * adding the files.
 */
int dax_pmem_stack_init(void)
{
	char path[DAX_PMEM_PATH_MAX];
	int rc;

	rc = dax_pmem_stack_watch_start();
	if (rc)
		return rc;
	mutex_lock(&dax_pmem_stack_lock);
	dax_pmem_stack_ready = true;
	strscpy(path, dax_pmem_stack_pending, sizeof(path));
	mutex_unlock(&dax_pmem_stack_lock);
	rc = dax_pmem_stack_files_add();
	if (rc)
		goto err;
	if (path[0])
		dax_pmem_stack_add(path);
	return 0;
err:
	mutex_lock(&dax_pmem_stack_lock);
	dax_pmem_stack_ready = false;
	mutex_unlock(&dax_pmem_stack_lock);
	dax_pmem_stack_watch_stop();
	return rc;
}

/**
 * dax_pmem_stack_exit() - refuse further requests, drop every stack
 *
 * The bus files go first, and with them any write in flight.
 */
void dax_pmem_stack_exit(void)
{
	struct dax_pmem_stack *s;

	/* First: a write in flight could add a stack behind the loop below. */
	dax_pmem_stack_files_remove();
	mutex_lock(&dax_pmem_stack_lock);
	dax_pmem_stack_ready = false;
	while (!list_empty(&dax_pmem_stacks)) {
		s = list_first_entry(&dax_pmem_stacks, struct dax_pmem_stack, node);
		dax_pmem_stack_drop(s->path, NULL);
	}
	mutex_unlock(&dax_pmem_stack_lock);
	/* Not under the lock: a notice in flight waits for a worker that wants it. */
	dax_pmem_stack_watch_stop();
}
