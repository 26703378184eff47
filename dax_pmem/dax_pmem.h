/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dax_pmem: what its legacy-range part (pmem.c) and its libnvdimm
 * namespace part (nd.c) share.
 */
#ifndef _DAX_PMEM_H
#define _DAX_PMEM_H

#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/types.h>

struct daxkit_region;
struct device;
struct notifier_block;
struct platform_device;

/**
 * struct dax_pmem_range - one range of persistent memory daxkit serves
 * @start: physical start of the data, what the daxkit region spans
 * @size: bytes of data
 * @align: the region's alignment (PAGE_SIZE, PMD_SIZE or PUD_SIZE)
 * @id: the daxkit region id (daxkit<id>.N)
 * @claim: our claim on the data in /proc/iomem
 * @mapped: @pgmap's pages exist
 * @nid: the node of @pgmap's struct pages
 * @async: the media is not synchronous (virtio-pmem): writes need the
 *	provider's flush to be durable, and the region refuses MAP_SYNC
 * @fsdax: @pgmap's pages are MEMORY_DEVICE_FS_DAX, order 0 (fsdax=)
 * @persist: the region's persistence barrier, or NULL for a store fence
 * @persist_data: what @persist is given
 * @pgmap: the ZONE_DEVICE pages.  The owner may fill in the range (and an
 *	altmap) before dax_pmem_range_start(), to cover more than the data;
 *	left empty, it covers exactly the data
 * @region: the daxkit region
 * @pdev: legacy and stacked ranges: the parent,
 *	/sys/devices/platform/daxkit_pmem.N or daxkit_stack.N
 * @node: legacy ranges only: the place in the list of them
 * @show_dax: show the region in class "dax" (a devdax namespace: the
 *	parent is its nd_dax), as dax<@nd_region>.<@nd_ns>
 * @nd_region: X of the namespace namespaceX.Y
 * @nd_ns: Y
 */
struct dax_pmem_range {
	phys_addr_t start;
	u64 size;
	unsigned int align;
	int id;
	struct resource *claim;
	bool mapped;
	int nid;
	bool async;
	bool fsdax;
	int (*persist)(void *persist_data);
	void *persist_data;
	struct dev_pagemap pgmap;
	struct daxkit_region *region;
	struct platform_device *pdev;
	struct list_head node;
	bool show_dax;
	int nd_region;
	int nd_ns;
};

/*
 * Region ids (R of daxkitR.N), the same on every boot: legacy ranges
 * 0..15 in address order, ranges= entries 16..31 in its order,
 * soft-reserved ranges 32..47 in address order, libnvdimm namespaces
 * dax_pmem_nd_id() (100 on); ids from DAX_PMEM_ID_DYNAMIC on when the
 * wanted one is taken.
 */
#define DAX_PMEM_ID_SOFT	32
#define DAX_PMEM_ID_DYNAMIC	100000

int dax_pmem_range_init(struct dax_pmem_range *r, phys_addr_t start, u64 size,
			unsigned int align, int want);
int dax_pmem_nd_id(int nd_region, int ns);
int dax_pmem_range_start(struct dax_pmem_range *r, struct device *parent,
			 int target_node);
int dax_pmem_range_pages(struct dax_pmem_range *r, struct device *parent,
			 int target_node);
int dax_pmem_range_serve(struct dax_pmem_range *r, struct device *parent,
			 int target_node, void *kaddr);
void dax_pmem_range_fini(struct dax_pmem_range *r);
int dax_pmem_range_notify(struct dax_pmem_range *r, phys_addr_t phys, u64 len,
			  int mf_flags);


#if IS_ENABLED(CONFIG_NVDIMM_DAX)
int dax_pmem_nd_init(void);
void dax_pmem_nd_exit(void);
bool dax_pmem_nd_owns(struct device *dev);
int dax_pmem_nd_watch(struct notifier_block *nb);
void dax_pmem_nd_unwatch(struct notifier_block *nb);
int dax_pmem_stack_init(void);
void dax_pmem_stack_exit(void);
#else
static inline int dax_pmem_stack_init(void)
{
	return 0;
}

static inline void dax_pmem_stack_exit(void)
{
}

static inline int dax_pmem_nd_init(void)
{
	return 0;
}

static inline void dax_pmem_nd_exit(void)
{
}
#endif

#endif /* _DAX_PMEM_H */
