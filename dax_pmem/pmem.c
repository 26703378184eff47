// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pmem: puts persistent memory into daxkit.
 *
 * It carries the name of the in-tree dax_pmem on purpose: installed under
 * updates/, it shadows that module, so `modprobe dax_pmem` starts daxkit.
 *
 * Legacy ranges: at load, every "Persistent Memory (legacy)" range (what
 * memmap=nn!ss makes) that no driver holds becomes a daxkit region with
 * one device spanning it; the ranges= parameter names more.  A range
 * another driver holds is skipped with one log line, never taken.  The
 * memory gets ZONE_DEVICE struct pages, so mappings of it have pages
 * (Req-28) and memory_failure() can find its mappers (Req-35).  Nothing
 * here writes the memory: what was there before a load is there after.
 *
 * libnvdimm namespaces in devdax mode are nd.c's; regions stacked on
 * fsdax pmem block devices stack.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <daxkit/core.h>
#include <daxkit/compat_mm.h>
#include "dax_pmem.h"

#define DAX_PMEM_MAX_RANGES	16

static char *ranges;
module_param(ranges, charp, 0444);
MODULE_PARM_DESC(ranges,
		 "more physical ranges to serve: size@start[,size@start...], e.g. 256M@4G");

static LIST_HEAD(dax_pmem_ranges);
static DEFINE_IDA(dax_pmem_ida);
/* Orders a failure notice against the region going away: r->region. */
static DEFINE_MUTEX(dax_pmem_mf_lock);

struct dax_pmem_found {
	int nr;
	struct range r[DAX_PMEM_MAX_RANGES];
};

/* Runs under the resource lock: only note the range. */
static int dax_pmem_note_legacy(struct resource *res, void *arg)
{
	struct dax_pmem_found *found = arg;

	if (found->nr < DAX_PMEM_MAX_RANGES) {
		found->r[found->nr].start = res->start;
		found->r[found->nr].end = res->end;
		found->nr++;
	}
	return 0;
}

/**
 * dax_pmem_range_init() - describe a range and give it a region id
 * @r: the range, zeroed by the caller
 * @start: physical start of the data
 * @size: bytes of data
 * @align: the region's alignment
 *
 * Return: 0, or -ENOMEM when no region id is left.  Undone by
 * dax_pmem_range_fini().
 */
int dax_pmem_range_init(struct dax_pmem_range *r, phys_addr_t start, u64 size,
			unsigned int align)
{
	r->start = start;
	r->size = size;
	r->align = align;
	r->id = ida_alloc(&dax_pmem_ida, GFP_KERNEL);
	return r->id < 0 ? r->id : 0;
}

/**
 * dax_pmem_range_notify() - pass poison in a range to its device's holder
 * @r: the range
 * @phys: physical address of the poison
 * @len: its length in bytes
 * @mf_flags: memory_failure()'s flags
 *
 * Ordered against the region going away (dax_pmem_range_fini()).
 *
 * Return: the holder's answer; -EOPNOTSUPP when the range has no region
 * any more or its device no holder, so the kernel kills the mappers.
 */
int dax_pmem_range_notify(struct dax_pmem_range *r, phys_addr_t phys, u64 len,
			  int mf_flags)
{
	int rc = -EOPNOTSUPP;

	mutex_lock(&dax_pmem_mf_lock);
	if (r->region)
		rc = dax_core_region_notify_failure(r->region, phys, len, mf_flags);
	mutex_unlock(&dax_pmem_mf_lock);
	return rc;
}

#ifdef HAVE_PGMAP_MEMORY_FAILURE
/* Poison on one of our pages: its device's holder hears of it (Req-35). */
static int dax_pmem_memory_failure(struct dev_pagemap *pgmap, unsigned long pfn,
				   unsigned long nr_pages, int mf_flags)
{
	struct dax_pmem_range *r = container_of(pgmap, struct dax_pmem_range, pgmap);

	return dax_pmem_range_notify(r, PFN_PHYS(pfn), (u64)nr_pages << PAGE_SHIFT,
				     mf_flags);
}

static const struct dev_pagemap_ops dax_pmem_pgmap_ops = {
	.memory_failure = dax_pmem_memory_failure,
};
#define DAX_PMEM_PGMAP_OPS	(&dax_pmem_pgmap_ops)
#else
#define DAX_PMEM_PGMAP_OPS	NULL
#endif

/*
 * ZONE_DEVICE pages for the range; *kaddr is where the data starts.  Memory
 * hotplug takes whole subsections (2 MiB): anything else is refused here,
 * before memremap_pages() would warn.
 */
static int dax_pmem_map(struct dax_pmem_range *r, int nid, void **kaddr)
{
	void *base;

	if (!r->pgmap.nr_range) {
		r->pgmap.range.start = r->start;
		r->pgmap.range.end = r->start + r->size - 1;
		r->pgmap.nr_range = 1;
	}
	if (!IS_ALIGNED(r->pgmap.range.start | range_len(&r->pgmap.range),
			SUBSECTION_SIZE))
		return -EINVAL;
	r->pgmap.type = MEMORY_DEVICE_GENERIC;
	r->pgmap.ops = DAX_PMEM_PGMAP_OPS;
#if DAXKIT_PGMAP_COMPOUND
	r->pgmap.vmemmap_shift = order_base_2(r->align >> PAGE_SHIFT);
#endif
	base = memremap_pages(&r->pgmap, nid);
	if (IS_ERR(base))
		return PTR_ERR(base);
	r->mapped = true;
	*kaddr = base + (r->start - r->pgmap.range.start);
	return 0;
}

/**
 * dax_pmem_range_serve() - a daxkit region over a range, one device spanning it
 * @r: a range set up by dax_pmem_range_init(), whose memory has struct pages
 * @parent: the device the region's attributes and devices hang off
 * @target_node: the NUMA node the memory would be onlined to
 * @kaddr: where the kernel reaches the start of the range
 *
 * Return: 0 or the errno of the step that failed.  Whatever was done is
 * undone by dax_pmem_range_fini(), on failure too.
 */
int dax_pmem_range_serve(struct dax_pmem_range *r, struct device *parent,
			 int target_node, void *kaddr)
{
	struct daxkit_region_info info = {
		.id = r->id,
		.start = r->start,
		.size = r->size,
		.align = r->align,
		.target_node = target_node,
		.kaddr = kaddr,
		.async = r->async,
	};
	struct daxkit_region *region;
	struct daxkit_dev *ddev;

	region = dax_core_region_create(parent, &info);
	if (IS_ERR(region))
		return PTR_ERR(region);
	mutex_lock(&dax_pmem_mf_lock);
	r->region = region;
	mutex_unlock(&dax_pmem_mf_lock);
	ddev = dax_core_dev_create(region, r->size);
	if (IS_ERR(ddev))
		return PTR_ERR(ddev);
	dev_info(parent, "region %d: %pa+%#llx, device %s%s\n", r->id, &r->start,
		 r->size, dev_name(dax_core_dev_device(ddev)),
		 r->async ? " (media needs a flush to be durable: no MAP_SYNC)" : "");
	return 0;
}

/**
 * dax_pmem_range_pages() - serve a range another driver holds: struct pages,
 *	region, device
 * @r: a range set up by dax_pmem_range_init()
 * @parent: the device the region's attributes and devices hang off
 * @target_node: the NUMA node the memory would be onlined to
 *
 * For a range whose owner lent it to daxkit (a raw namespace's block
 * device, held exclusively): no claim of our own.  Nothing here writes the
 * memory.
 *
 * Return: 0, -EINVAL for a misaligned range, or the errno of the step that
 * failed.  Whatever was done is undone by dax_pmem_range_fini(), on
 * failure too.
 */
int dax_pmem_range_pages(struct dax_pmem_range *r, struct device *parent,
			 int target_node)
{
	void *kaddr;
	int rc;

	rc = dax_pmem_map(r, dev_to_node(parent), &kaddr);
	if (rc)
		return rc;
	return dax_pmem_range_serve(r, parent, target_node, kaddr);
}

/**
 * dax_pmem_range_start() - serve a range: claim, struct pages, region, device
 * @r: a range set up by dax_pmem_range_init()
 * @parent: the device the region's attributes and devices hang off
 * @target_node: the NUMA node the memory would be onlined to
 *
 * Claims the data in /proc/iomem as "daxkit", then as
 * dax_pmem_range_pages().
 *
 * Return: 0, -EBUSY when another driver holds part of the data, or the
 * errno of the step that failed.  Whatever was done is undone by
 * dax_pmem_range_fini(), on failure too.
 */
int dax_pmem_range_start(struct dax_pmem_range *r, struct device *parent,
			 int target_node)
{
	r->claim = request_mem_region(r->start, r->size, "daxkit");
	if (!r->claim)
		return -EBUSY;
	return dax_pmem_range_pages(r, parent, target_node);
}

/**
 * dax_pmem_range_fini() - undo dax_pmem_range_start() and _init()
 * @r: the range; any step may not have happened
 *
 * Destroys the region (which deletes its devices and zaps their mappings),
 * removes the struct pages, drops the claim and frees the region id.
 */
void dax_pmem_range_fini(struct dax_pmem_range *r)
{
	struct daxkit_region *region;

	/* A failure notice in flight finishes before the region goes. */
	mutex_lock(&dax_pmem_mf_lock);
	region = r->region;
	r->region = NULL;
	mutex_unlock(&dax_pmem_mf_lock);
	if (region)
		dax_core_region_destroy(region);
	if (r->mapped)
		memunmap_pages(&r->pgmap);
	r->mapped = false;
	if (r->claim)
		release_mem_region(r->start, r->size);
	r->claim = NULL;
	if (r->id >= 0)
		ida_free(&dax_pmem_ida, r->id);
	r->id = -1;
}

static void dax_pmem_legacy_release(struct dax_pmem_range *r)
{
	dax_pmem_range_fini(r);
	if (r->pdev)
		platform_device_unregister(r->pdev);
	kfree(r);
}

static int dax_pmem_legacy_serve(phys_addr_t start, u64 size)
{
	unsigned int align = IS_ALIGNED(start | size, PMD_SIZE) ? PMD_SIZE : PAGE_SIZE;
	struct dax_pmem_range *r;
	int rc;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	rc = dax_pmem_range_init(r, start, size, align);
	if (rc)
		goto err;
	r->pdev = platform_device_register_simple("daxkit_pmem", r->id, NULL, 0);
	if (IS_ERR(r->pdev)) {
		rc = PTR_ERR(r->pdev);
		r->pdev = NULL;
		goto err;
	}
	rc = dax_pmem_range_start(r, &r->pdev->dev, NUMA_NO_NODE);
	if (rc)
		goto err;
	list_add_tail(&r->node, &dax_pmem_ranges);
	return 0;
err:
	if (rc == -EBUSY)
		pr_info("%pa+%#llx is held by another driver; skipping it\n", &start, size);
	else
		pr_err("cannot serve %pa+%#llx: %d\n", &start, size, rc);
	dax_pmem_legacy_release(r);
	return rc;
}

/* Parse ranges= into @found; -EINVAL, with one log line, when malformed. */
static int dax_pmem_parse_ranges(struct dax_pmem_found *found)
{
	char *p = ranges;
	u64 size, start;

	while (p && *p) {
		size = memparse(p, &p);
		if (*p != '@' || found->nr >= DAX_PMEM_MAX_RANGES)
			goto bad;
		start = memparse(p + 1, &p);
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto bad;
		if (!size || !PAGE_ALIGNED(start) || !PAGE_ALIGNED(size) ||
		    start + size < start)
			goto bad;
		if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_DISJOINT) {
			pr_err("ranges=%s: %#llx+%#llx is system RAM\n", ranges, start, size);
			return -EINVAL;
		}
		found->r[found->nr].start = start;
		found->r[found->nr].end = start + size - 1;
		found->nr++;
	}
	return 0;
bad:
	pr_err("ranges=%s: want size@start[,size@start...], page aligned, at most %d\n",
	       ranges, DAX_PMEM_MAX_RANGES);
	return -EINVAL;
}

static void dax_pmem_legacy_release_all(void)
{
	struct dax_pmem_range *r, *next;

	list_for_each_entry_safe_reverse(r, next, &dax_pmem_ranges, node) {
		list_del(&r->node);
		dax_pmem_legacy_release(r);
	}
}

static int __init dax_pmem_init(void)
{
	struct dax_pmem_found *found;
	int rc, i;

	rc = dax_core_abi_check(KBUILD_MODNAME);
	if (rc)
		return rc;
	found = kzalloc(sizeof(*found), GFP_KERNEL);
	if (!found)
		return -ENOMEM;
	rc = dax_pmem_parse_ranges(found);
	if (rc)
		goto out;
	walk_iomem_res_desc(IORES_DESC_PERSISTENT_MEMORY_LEGACY, IORESOURCE_MEM,
			    0, -1, found, dax_pmem_note_legacy);
	for (i = 0; i < found->nr; i++)
		dax_pmem_legacy_serve(found->r[i].start, range_len(&found->r[i]));
	rc = dax_pmem_nd_init();
	if (rc)
		goto err_nd;
	rc = dax_pmem_stack_init();
	if (rc)
		goto err_stack;
	kfree(found);
	return 0;
err_stack:
	dax_pmem_nd_exit();
err_nd:
	dax_pmem_legacy_release_all();
out:
	kfree(found);
	return rc;
}

static void __exit dax_pmem_exit(void)
{
	dax_pmem_stack_exit();
	dax_pmem_nd_exit();
	dax_pmem_legacy_release_all();
}

module_init(dax_pmem_init);
module_exit(dax_pmem_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: persistent memory provider (legacy ranges, libnvdimm namespaces)");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
/* The devices dax_pmem provides are mapped through dax_dev: load it first. */
MODULE_SOFTDEP("pre: dax_dev");
DAXKIT_IMPORT_NS();
