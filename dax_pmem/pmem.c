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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <daxkit/core.h>
#include <daxkit/compat_mm.h>

#define DAX_PMEM_MAX_RANGES	16

static char *ranges;
module_param(ranges, charp, 0444);
MODULE_PARM_DESC(ranges,
		 "more physical ranges to serve: size@start[,size@start...], e.g. 256M@4G");

/**
 * struct dax_pmem_range - one range daxkit serves
 * @start: physical start
 * @size: bytes
 * @claim: our claim on the range in /proc/iomem
 * @pdev: the parent of the region, /sys/devices/platform/daxkit_pmem.N
 * @pgmap: the ZONE_DEVICE pages of the range
 * @region: the daxkit region
 * @node: its place in dax_pmem_ranges
 */
struct dax_pmem_range {
	phys_addr_t start;
	u64 size;
	struct resource *claim;
	struct platform_device *pdev;
	struct dev_pagemap pgmap;
	struct daxkit_region *region;
	struct list_head node;
};

static LIST_HEAD(dax_pmem_ranges);
static int dax_pmem_next_id;

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

static void dax_pmem_release(struct dax_pmem_range *r)
{
	if (r->region)
		dax_core_region_destroy(r->region);
	if (r->pgmap.nr_range)
		memunmap_pages(&r->pgmap);
	if (r->pdev)
		platform_device_unregister(r->pdev);
	if (r->claim)
		release_mem_region(r->start, r->size);
	kfree(r);
}

static int dax_pmem_map(struct dax_pmem_range *r, unsigned int align, void **kaddr)
{
	r->pgmap.type = MEMORY_DEVICE_GENERIC;
#if DAXKIT_PGMAP_COMPOUND
	r->pgmap.vmemmap_shift = order_base_2(align >> PAGE_SHIFT);
#endif
	r->pgmap.range.start = r->start;
	r->pgmap.range.end = r->start + r->size - 1;
	r->pgmap.nr_range = 1;
	*kaddr = memremap_pages(&r->pgmap, dev_to_node(&r->pdev->dev));
	if (IS_ERR(*kaddr)) {
		r->pgmap.nr_range = 0;
		return PTR_ERR(*kaddr);
	}
	return 0;
}

static int dax_pmem_serve(phys_addr_t start, u64 size)
{
	struct daxkit_region_info info = { .target_node = NUMA_NO_NODE };
	struct dax_pmem_range *r;
	struct daxkit_dev *ddev;
	int rc;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->start = start;
	r->size = size;
	r->claim = request_mem_region(start, size, "daxkit");
	if (!r->claim) {
		pr_info("%pa+%#llx is held by another driver; skipping it\n", &start, size);
		kfree(r);
		return -EBUSY;
	}
	info.id = dax_pmem_next_id++;
	r->pdev = platform_device_register_simple("daxkit_pmem", info.id, NULL, 0);
	if (IS_ERR(r->pdev)) {
		rc = PTR_ERR(r->pdev);
		r->pdev = NULL;
		goto err;
	}
	info.start = start;
	info.size = size;
	info.align = IS_ALIGNED(start | size, PMD_SIZE) ? PMD_SIZE : PAGE_SIZE;
	rc = dax_pmem_map(r, info.align, &info.kaddr);
	if (rc)
		goto err;
	r->region = dax_core_region_create(&r->pdev->dev, &info);
	if (IS_ERR(r->region)) {
		rc = PTR_ERR(r->region);
		r->region = NULL;
		goto err;
	}
	ddev = dax_core_dev_create(r->region, size);
	if (IS_ERR(ddev)) {
		rc = PTR_ERR(ddev);
		goto err;
	}
	list_add_tail(&r->node, &dax_pmem_ranges);
	pr_info("region %d: %pa+%#llx, device %s\n", info.id, &start, size,
		dev_name(dax_core_dev_device(ddev)));
	return 0;
err:
	pr_err("cannot serve %pa+%#llx: %d\n", &start, size, rc);
	dax_pmem_release(r);
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

static void dax_pmem_release_all(void)
{
	struct dax_pmem_range *r, *next;

	list_for_each_entry_safe_reverse(r, next, &dax_pmem_ranges, node) {
		list_del(&r->node);
		dax_pmem_release(r);
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
		dax_pmem_serve(found->r[i].start, range_len(&found->r[i]));
out:
	kfree(found);
	return rc;
}

static void __exit dax_pmem_exit(void)
{
	dax_pmem_release_all();
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
