// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pmem: puts persistent memory into daxkit.
 *
 * It carries the name of the in-tree dax_pmem on purpose: installed under
 * updates/, it shadows that module, so `modprobe dax_pmem` starts daxkit.
 *
 * Legacy ranges: at load, every "Persistent Memory (legacy)" range (what
 * memmap=nn!ss makes) that no driver holds becomes a daxkit region with
 * one device spanning it; the ranges= parameter names more: memory the
 * firmware reserved (memmap=nn$ss) or that no resource claims, in whole
 * 2 MiB subsections, at most 16 ranges in all.  A ranges= entry that is not
 * fails the load with EINVAL.  A legacy range another driver holds is
 * skipped with one log line, never taken.  So are soft-reserved ranges
 * (EFI_MEMORY_SP: memory the firmware sets aside for a driver, which the
 * in-tree dax_hmem serves otherwise), unless soft_reserved=0.  The
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
		 "more physical ranges to serve, reserved (memmap=nn$ss) or unclaimed, 2M-aligned: size@start[,size@start...], e.g. 256M@4G");

/*
 * Regions whose pages are for filesystems: chosen when the region is set
 * up, because the type of its struct pages is fixed by memremap_pages()
 * and cannot change while anything maps them.
 */
static int fsdax[DAX_PMEM_MAX_RANGES];
static unsigned int fsdax_nr;
module_param_array(fsdax, int, &fsdax_nr, 0444);
MODULE_PARM_DESC(fsdax,
		 "region ids whose pages fs/dax.c can own (for filesystems on dax_fs_helper): id[,id...], e.g. 0,16,100");

static bool soft_reserved = true;
module_param(soft_reserved, bool, 0444);
MODULE_PARM_DESC(soft_reserved,
		 "serve soft-reserved memory (EFI_MEMORY_SP, memmap=nn%ss+0xefffffff) that no driver holds (default Y)");

static LIST_HEAD(dax_pmem_ranges);
static DEFINE_IDA(dax_pmem_ida);
/* Orders a failure notice against the region going away: r->region. */
static DEFINE_MUTEX(dax_pmem_mf_lock);

/**
 * struct dax_pmem_found - the ranges a load serves
 * @nr: ranges in @r: first those ranges= names, then the legacy ones
 * @asked: how many of them ranges= names
 * @legacy: legacy ranges the firmware has, counted beyond @r too
 * @r: the ranges
 */
struct dax_pmem_found {
	int nr;
	int asked;
	int legacy;
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
	found->legacy++;
	return 0;
}

/**
 * dax_pmem_range_init() - describe a range and give it a region id
 * @r: the range, zeroed by the caller
 * @start: physical start of the data
 * @size: bytes of data
 * @align: the region's alignment
 * @want: the id that names this range the same on every boot
 *	(dax_pmem_nd_id(), or the range's place at load), or -1 for none
 *
 * A range gets @want unless another region holds it; then, and without
 * @want, the lowest free id from DAX_PMEM_ID_DYNAMIC on, with one log line.
 *
 * Return: 0, or -ENOMEM when no region id is left.  Undone by
 * dax_pmem_range_fini().
 */
int dax_pmem_range_init(struct dax_pmem_range *r, phys_addr_t start, u64 size,
			unsigned int align, int want)
{
	r->start = start;
	r->size = size;
	r->align = align;
	r->id = -ENOSPC;
	if (want >= 0 && want < DAX_PMEM_ID_DYNAMIC)
		r->id = ida_alloc_range(&dax_pmem_ida, want, want, GFP_KERNEL);
	if (r->id < 0) {
		r->id = ida_alloc_min(&dax_pmem_ida, DAX_PMEM_ID_DYNAMIC, GFP_KERNEL);
		if (want >= 0 && r->id >= 0)
			pr_info("region id %d is taken: %pa+%#llx is region %d\n", want,
				&start, size, r->id);
	}
	return r->id < 0 ? r->id : 0;
}

/**
 * dax_pmem_nd_id() - the region id of a libnvdimm namespace's range
 * @nd_region: X of namespaceX.Y (and of its pmemX or pmemX.Y)
 * @ns: Y
 *
 * Stable across boots as libnvdimm's own names are: (X + 1) * 100 + Y,
 * daxkit100.0 for namespace0.0.
 *
 * Return: the id, or -1 when Y or X is too large for the scheme.
 */
int dax_pmem_nd_id(int nd_region, int ns)
{
	if (nd_region < 0 || ns < 0 || ns >= 100 ||
	    nd_region >= DAX_PMEM_ID_DYNAMIC / 100 - 1)
		return -1;
	return (nd_region + 1) * 100 + ns;
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

/* Whether fsdax= names region @id. */
static bool dax_pmem_wants_fsdax(int id)
{
	unsigned int i;

	for (i = 0; i < fsdax_nr; i++)
		if (fsdax[i] == id)
			return true;
	return false;
}

/*
 * ZONE_DEVICE pages for the range; *kaddr is where the data starts.  A
 * region fsdax= names gets pages fs/dax.c can own: MEMORY_DEVICE_FS_DAX,
 * order 0 (fs/dax.c makes its own huge entries, and from v6.15 its own
 * folios).  Memory
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
	r->fsdax = IS_ENABLED(CONFIG_FS_DAX) && dax_pmem_wants_fsdax(r->id);
	r->pgmap.type = r->fsdax ? MEMORY_DEVICE_FS_DAX : MEMORY_DEVICE_GENERIC;
	r->pgmap.ops = DAX_PMEM_PGMAP_OPS;
#if DAXKIT_PGMAP_COMPOUND
	if (!r->fsdax)
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
		.fsdax = r->fsdax,
		.persist = r->persist,
		.persist_data = r->persist_data,
	};
	struct daxkit_region *region;
	struct daxkit_dev *ddev;

	int rc;

	region = dax_core_region_create(parent, &info);
	if (IS_ERR(region))
		return PTR_ERR(region);
	mutex_lock(&dax_pmem_mf_lock);
	r->region = region;
	mutex_unlock(&dax_pmem_mf_lock);
	if (r->show_dax) {
		rc = dax_core_region_show_dax(region, r->nd_region, r->nd_ns);
		if (rc)
			return rc;
	}
	ddev = dax_core_dev_create(region, r->size);
	if (IS_ERR(ddev))
		return PTR_ERR(ddev);
	dev_info(parent, "region %d: %pa+%#llx, device %s%s%s\n", r->id, &r->start,
		 r->size, dev_name(dax_core_dev_device(ddev)),
		 r->fsdax ? ", fsdax pages" : "",
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

	r->nid = dev_to_node(parent);
	rc = dax_pmem_map(r, r->nid, &kaddr);
	if (rc)
		return rc;
	return dax_pmem_range_serve(r, parent, target_node, kaddr);
}

/*
 * System-ram mode borrows the memory (dax_core's lend.c): the pages and
 * the claim go, so that the range can be hot-added, and the module stays
 * until the memory is back.
 */
static int dax_pmem_lend(void *data)
{
	struct dax_pmem_range *r = data;

	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	memunmap_pages(&r->pgmap);
	r->mapped = false;
	release_mem_region(r->start, r->size);
	r->claim = NULL;
	return 0;
}

static int dax_pmem_reclaim(void *data, void **kaddr)
{
	struct dax_pmem_range *r = data;
	int rc;

	r->claim = request_mem_region(r->start, r->size, "daxkit");
	if (!r->claim)
		return -EBUSY;
	rc = dax_pmem_map(r, r->nid, kaddr);
	if (rc) {
		release_mem_region(r->start, r->size);
		r->claim = NULL;
		return rc;
	}
	module_put(THIS_MODULE);
	return 0;
}

static const struct dax_core_memory_ops dax_pmem_memory_ops = {
	.lend = dax_pmem_lend,
	.reclaim = dax_pmem_reclaim,
};

/**
 * dax_pmem_range_start() - serve a range: claim, struct pages, region, device
 * @r: a range set up by dax_pmem_range_init()
 * @parent: the device the region's attributes and devices hang off
 * @target_node: the NUMA node the memory would be onlined to
 *
 * Claims the data in /proc/iomem as "daxkit", then as
 * dax_pmem_range_pages(); the region can lend its memory to system-ram
 * mode.
 *
 * Return: 0, -EBUSY when another driver holds part of the data, or the
 * errno of the step that failed.  Whatever was done is undone by
 * dax_pmem_range_fini(), on failure too.
 */
int dax_pmem_range_start(struct dax_pmem_range *r, struct device *parent,
			 int target_node)
{
	int rc;

	r->claim = request_mem_region(r->start, r->size, "daxkit");
	if (!r->claim)
		return -EBUSY;
	rc = dax_pmem_range_pages(r, parent, target_node);
	if (!rc)
		dax_core_region_set_memory_ops(r->region, &dax_pmem_memory_ops, r);
	return rc;
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

static int dax_pmem_legacy_serve(phys_addr_t start, u64 size, int want)
{
	unsigned int align = IS_ALIGNED(start | size, PMD_SIZE) ? PMD_SIZE : PAGE_SIZE;
	struct dax_pmem_range *r;
	int rc;

	if (!IS_ALIGNED(start | size, SUBSECTION_SIZE)) {
		pr_err("%pa+%#llx is not in whole %lu MiB subsections, which memory hotplug needs; skipping it\n",
		       &start, size, SUBSECTION_SIZE >> 20);
		return -EINVAL;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	rc = dax_pmem_range_init(r, start, size, align, want);
	if (rc)
		goto err;
	r->pdev = platform_device_register_simple("daxkit_pmem", r->id, NULL, 0);
	if (IS_ERR(r->pdev)) {
		rc = PTR_ERR(r->pdev);
		r->pdev = NULL;
		goto err;
	}
	rc = dax_pmem_range_start(r, &r->pdev->dev, phys_to_target_node(start));
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

/* The one log line refusing a ranges= entry: what it is and why. */
static __printf(3, 4) int dax_pmem_refuse(u64 start, u64 size, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err_ratelimited("ranges= entry %#llx@%#llx refused: %pV\n", size, start, &vaf);
	va_end(args);
	return -EINVAL;
}

/* What a resource in the way of a ranges= entry is, for the log line. */
static const char *dax_pmem_res_kind(const struct resource *res)
{
	if (res->flags & IORESOURCE_SYSRAM)
		return "System RAM";
	switch (res->desc) {
	case IORES_DESC_ACPI_TABLES:
		return "ACPI Tables";
	case IORES_DESC_ACPI_NV_STORAGE:
		return "ACPI Non-volatile Storage";
	case IORES_DESC_PERSISTENT_MEMORY:
		return "Persistent Memory";
	case IORES_DESC_PERSISTENT_MEMORY_LEGACY:
		return "Persistent Memory (legacy)";
	case IORES_DESC_SOFT_RESERVED:
		return "Soft Reserved";
	case IORES_DESC_RESERVED:
		return res->flags & IORESOURCE_BUSY ? "a reserved range a driver holds" :
		       "a reserved range that does not hold all of it";
	default:
		return "a device or bus window";
	}
}

/**
 * struct dax_pmem_iomem - what /proc/iomem has over a ranges= entry
 * @start: the entry's first byte
 * @end: its last byte
 * @reserved: one firmware-reserved resource (what memmap=nn$ss makes),
 *	free for a driver to claim, holds all of it
 * @what: the first other resource in the way, or NULL
 * @hit: where @what overlaps the entry
 */
struct dax_pmem_iomem {
	u64 start;
	u64 end;
	bool reserved;
	const char *what;
	struct range hit;
};

/*
 * Runs under the resource lock, once for each outermost resource over the
 * entry (clipped to it): a reserved one must hold all of it, any other is
 * in the way.  Children of a reserved one are dax_pmem_claim_fits()'s.
 */
static int dax_pmem_iomem_note(struct resource *res, void *arg)
{
	struct dax_pmem_iomem *m = arg;

	if (res->desc == IORES_DESC_RESERVED &&
	    !(res->flags & (IORESOURCE_BUSY | IORESOURCE_SYSRAM)) &&
	    res->start == m->start && res->end == m->end) {
		m->reserved = true;
		return 0;
	}
	m->what = dax_pmem_res_kind(res);
	m->hit.start = res->start;
	m->hit.end = res->end;
	return 1;
}

/*
 * Whether the claim dax_pmem_range_start() will make lands directly in the
 * reserved resource, or at the top where no resource is: claimed, and
 * released again.  A claim refused or nested deeper means something inside
 * the reserved range (PCI MMCONFIG, another driver's claim, a window) is in
 * the way.  The parent of a claim we hold stays where it is.
 */
static bool dax_pmem_claim_fits(u64 start, u64 size)
{
	struct resource *claim, *parent;
	bool fits;

	claim = request_mem_region(start, size, "daxkit");
	if (!claim)
		return false;
	parent = claim->parent;
	fits = parent == &iomem_resource ||
	       (parent->parent == &iomem_resource && parent->desc == IORES_DESC_RESERVED);
	release_mem_region(start, size);
	return fits;
}

/*
 * Entry @i of ranges=: whole subsections (memremap_pages() maps nothing
 * less), clear of the entries before it, over memory the firmware reserved
 * or that no resource claims.  -EINVAL, with one log line, otherwise.
 */
static int dax_pmem_check_range(const struct dax_pmem_found *found, int i)
{
	u64 start = found->r[i].start, size = range_len(&found->r[i]);
	struct dax_pmem_iomem m = { .start = start, .end = found->r[i].end };
	int j;

	if (size < SUBSECTION_SIZE)
		return dax_pmem_refuse(start, size, "smaller than %lu MiB, the least memory hotplug maps",
				       SUBSECTION_SIZE >> 20);
	if (!IS_ALIGNED(start | size, SUBSECTION_SIZE))
		return dax_pmem_refuse(start, size, "start and size must be multiples of %lu MiB",
				       SUBSECTION_SIZE >> 20);
	for (j = 0; j < i; j++)
		if (found->r[j].start <= m.end && m.start <= found->r[j].end)
			return dax_pmem_refuse(start, size, "overlaps %#llx@%#llx before it",
					       range_len(&found->r[j]), found->r[j].start);
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, m.start, m.end, &m,
			    dax_pmem_iomem_note);
	if (m.what)
		return dax_pmem_refuse(start, size, "overlaps %s at [mem %#llx-%#llx]",
				       m.what, m.hit.start, m.hit.end);
	if (!dax_pmem_claim_fits(start, size))
		return dax_pmem_refuse(start, size, "overlaps another resource%s",
				       m.reserved ? " inside the reserved range" : "");
	return 0;
}

/* Parse ranges= into @found and check it; -EINVAL, with one log line, if bad. */
static int dax_pmem_parse_ranges(struct dax_pmem_found *found)
{
	char *p = ranges;
	u64 size, start;
	int i, rc;

	/* The syntax first: a malformed value is refused whatever it names. */
	while (p && *p) {
		size = memparse(p, &p);
		if (*p != '@')
			goto bad;
		start = memparse(p + 1, &p);
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto bad;
		if (!size || start + size - 1 < start)
			goto bad;
		if (found->nr == DAX_PMEM_MAX_RANGES) {
			pr_err_ratelimited("ranges=%s: more than %d ranges\n", ranges,
					   DAX_PMEM_MAX_RANGES);
			return -EINVAL;
		}
		found->r[found->nr].start = start;
		found->r[found->nr].end = start + size - 1;
		found->nr++;
	}
	found->asked = found->nr;
	for (i = 0; i < found->asked; i++) {
		rc = dax_pmem_check_range(found, i);
		if (rc)
			return rc;
	}
	return 0;
bad:
	pr_err_ratelimited("ranges=%s: want size@start[,size@start...]\n", ranges);
	return -EINVAL;
}

/* The legacy ranges after ranges='s; -EINVAL, with one log line, if too many. */
static int dax_pmem_find_legacy(struct dax_pmem_found *found)
{
	walk_iomem_res_desc(IORES_DESC_PERSISTENT_MEMORY_LEGACY, IORESOURCE_MEM,
			    0, -1, found, dax_pmem_note_legacy);
	if (found->asked + found->legacy <= DAX_PMEM_MAX_RANGES)
		return 0;
	pr_err_ratelimited("more than %d ranges: %d in ranges= and %d legacy (memmap=nn!ss); serving none\n",
			   DAX_PMEM_MAX_RANGES, found->asked, found->legacy);
	return -EINVAL;
}

/*
 * Soft-reserved memory, regions DAX_PMEM_ID_SOFT.. in address order.  The
 * kernel keeps these ranges in iomem up to 6.x and in a tree of their own
 * from 7.0.  A range the in-tree stack has taken (dax_hmem's device bound
 * to device_dax or kmem) has a busy claim in it, so dax_pmem_range_start()
 * fails and dax_pmem_legacy_serve() skips it, as it does a legacy range
 * another driver holds.
 */
static void dax_pmem_serve_soft_reserved(void)
{
	struct dax_pmem_found *soft;
	int i;

	soft = kzalloc(sizeof(*soft), GFP_KERNEL);
	if (!soft)
		return;
#ifdef HAVE_WALK_SOFT_RESERVE_RES
	walk_soft_reserve_res(0, -1, soft, dax_pmem_note_legacy);
#else
	walk_iomem_res_desc(IORES_DESC_SOFT_RESERVED, IORESOURCE_MEM, 0, -1, soft,
			    dax_pmem_note_legacy);
#endif
	if (soft->legacy > soft->nr)
		pr_info("%d soft-reserved ranges: serving the first %d\n", soft->legacy, soft->nr);
	for (i = 0; i < soft->nr; i++)
		dax_pmem_legacy_serve(soft->r[i].start, range_len(&soft->r[i]),
				      DAX_PMEM_ID_SOFT + i);
	kfree(soft);
}

static void dax_pmem_legacy_release_all(void)
{
	struct dax_pmem_range *r, *next;

	list_for_each_entry_safe_reverse(r, next, &dax_pmem_ranges, node) {
		list_del(&r->node);
		dax_pmem_legacy_release(r);
	}
}

/* fsdax= names region ids, on a kernel that has fs-dax. */
static int __init dax_pmem_check_fsdax(void)
{
	unsigned int i;

	if (fsdax_nr && !IS_ENABLED(CONFIG_FS_DAX)) {
		pr_err("fsdax= refused: this kernel is built without CONFIG_FS_DAX\n");
		return -EOPNOTSUPP;
	}
	for (i = 0; i < fsdax_nr; i++) {
		if (fsdax[i] < 0 || fsdax[i] >= DAX_PMEM_ID_DYNAMIC) {
			pr_err("fsdax= refused: %d is not a region id (0 to %d)\n",
			       fsdax[i], DAX_PMEM_ID_DYNAMIC - 1);
			return -EINVAL;
		}
	}
	return 0;
}

static int __init dax_pmem_init(void)
{
	struct dax_pmem_found *found;
	int rc, i;

	rc = dax_core_abi_check(KBUILD_MODNAME);
	if (rc)
		return rc;
	rc = dax_pmem_check_fsdax();
	if (rc)
		return rc;
	found = kzalloc(sizeof(*found), GFP_KERNEL);
	if (!found)
		return -ENOMEM;
	rc = dax_pmem_parse_ranges(found);
	if (rc)
		goto out;
	rc = dax_pmem_find_legacy(found);
	if (rc)
		goto out;
	/* Legacy ranges are 0.. in address order, ranges= entries 16.. in its order. */
	for (i = 0; i < found->nr; i++)
		dax_pmem_legacy_serve(found->r[i].start, range_len(&found->r[i]),
				      i < found->asked ? DAX_PMEM_MAX_RANGES + i :
				      i - found->asked);
	if (soft_reserved)
		dax_pmem_serve_soft_reserved();
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
MODULE_INFO(daxkit_abi, DAX_CORE_ABI_WANTED_STR);
/* The devices dax_pmem provides are mapped through dax_dev: load it first. */
MODULE_SOFTDEP("pre: dax_dev");
DAXKIT_IMPORT_NS();
