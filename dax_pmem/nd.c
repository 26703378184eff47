// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pmem: libnvdimm namespaces in devdax mode.
 *
 * Installed, our dax_pmem shadows the in-tree one, so it must serve what
 * that one served: an nd_dax device (ND_DEVICE_DAX_PMEM, alias "nd:t7")
 * that claims a namespace whose first 8 KiB hold the devdax info block.
 * The info block says where the data starts and whether the struct pages
 * live in RAM or on the namespace itself (an altmap); the data becomes a
 * daxkit region with one device, /dev/daxkitR.0, the same bytes the
 * in-tree /dev/daxX.Y showed.
 *
 * The nd_dax device is set up with libnvdimm's own nvdimm_setup_pfn(),
 * as the in-tree driver does: it validates the info block or, for an
 * nd_dax device ndctl has just configured, writes one, and it fills in
 * the page map (with an altmap in pmem mode).  It is exported but
 * declared only in libnvdimm's private header, so nd_private.h declares
 * it; no private structure is looked into.  It cannot be avoided: the
 * nd_dax device's own "size" and "resource" attributes read the info
 * block libnvdimm keeps for the bound driver, and oops when it is
 * missing.  Where the data starts is read from the block itself, through
 * nvdimm_read_bytes(), and parsed by our own code.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/libnvdimm.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nd.h>
#include <linux/numa.h>
#include <daxkit/core.h>
#include "dax_pmem.h"
#include "nd_private.h"

#define DAX_PMEM_INFO_SIG	"NVDIMM_DAX_INFO"
#define DAX_PMEM_INFO_OFFSET	SZ_4K
/* The namespace's first 8 KiB: 4 KiB left alone, then the info block. */
#define DAX_PMEM_META_RESERVE	SZ_8K

/**
 * struct dax_pmem_info - the devdax info block at namespace offset 4 KiB
 * @signature: "NVDIMM_DAX_INFO\0"
 * @uuid: the nd_dax device's uuid
 * @parent_uuid: the namespace's uuid (all zero for label-less namespaces)
 * @flags: zero
 * @version_major: 1
 * @version_minor: what the fields below exist since (4 when written here)
 * @dataoff: where the data starts, from the namespace start plus @start_pad
 * @npfns: pages of data
 * @mode: where the struct pages live: 1 in RAM, 2 on the namespace
 * @start_pad: (1.1) deprecated start padding; never written non-zero
 * @end_trunc: (1.1) bytes cut off the end to keep it aligned
 * @align: (1.2) the mapping alignment
 * @page_size: (1.4) PAGE_SIZE of the kernel that wrote it
 * @page_struct_size: (1.4) bytes budgeted for each on-media struct page
 * @padding: zero
 * @checksum: Fletcher-64 of the block with this field zero
 *
 * An on-media format shared with libnvdimm's own devdax and fsdax modes.
 */
struct dax_pmem_info {
	u8 signature[16];
	u8 uuid[16];
	u8 parent_uuid[16];
	__le32 flags;
	__le16 version_major;
	__le16 version_minor;
	__le64 dataoff;
	__le64 npfns;
	__le32 mode;
	__le32 start_pad;
	__le32 end_trunc;
	__le32 align;
	__le32 page_size;
	__le16 page_struct_size;
	u8 padding[3994];
	__le64 checksum;
};
static_assert(sizeof(struct dax_pmem_info) == SZ_4K);

/**
 * struct dax_pmem_nd - an nd_dax device daxkit serves
 * @ndns: the namespace it claims
 * @res: the namespace's physical range
 * @info: its info block
 * @range: the data, as a daxkit region
 */
struct dax_pmem_nd {
	struct nd_namespace_common *ndns;
	struct resource res;
	struct dax_pmem_info info;
	struct dax_pmem_range range;
};

static u64 dax_pmem_checksum(struct dax_pmem_info *info)
{
	__le64 saved = info->checksum;
	u64 sum;

	info->checksum = 0;
	sum = nd_fletcher64(info, sizeof(*info), true);
	info->checksum = saved;
	return sum;
}

/*
 * Let libnvdimm validate (or write) the info block and lay out the pages,
 * then read the block for ourselves, all while the namespace is enabled.
 */
static int dax_pmem_nd_setup(struct dax_pmem_nd *nd, struct device *dev)
{
	/* struct nd_dax is a struct nd_pfn and nothing more. */
	struct nd_pfn *nd_pfn = (struct nd_pfn *)to_nd_dax(dev);
	int rc;

	rc = devm_namespace_enable(dev, nd->ndns, DAX_PMEM_META_RESERVE);
	if (rc)
		return rc;
	rc = nvdimm_setup_pfn(nd_pfn, &nd->range.pgmap);
	if (!rc)
		rc = nvdimm_read_bytes(nd->ndns, DAX_PMEM_INFO_OFFSET, &nd->info,
				       sizeof(nd->info), 0);
	devm_namespace_disable(dev, nd->ndns);
	return rc;
}

/* Where the data starts, from the start of the page map; 0 if unusable. */
static u64 dax_pmem_dataoff(struct dax_pmem_nd *nd, unsigned long *align)
{
	struct dax_pmem_info *info = &nd->info;
	u64 offset = le64_to_cpu(info->dataoff);

	if (memcmp(info->signature, DAX_PMEM_INFO_SIG, sizeof(info->signature)) ||
	    le64_to_cpu(info->checksum) != dax_pmem_checksum(info))
		return 0;
	*align = le16_to_cpu(info->version_minor) >= 2 ? le32_to_cpu(info->align) : 0;
	if (!*align && offset)
		*align = 1UL << ilog2(offset);
	if (offset < DAX_PMEM_META_RESERVE || offset >= range_len(&nd->range.pgmap.range) ||
	    !*align || !IS_ALIGNED(nd->range.pgmap.range.start + offset, *align))
		return 0;
	return offset;
}

static void dax_pmem_nd_release(void *data)
{
	struct dax_pmem_nd *nd = data;

	dax_pmem_range_fini(&nd->range);
}

/*
 * The persistence barrier of a namespace's region: libnvdimm's flush
 * (write-pending-queue flush hints, or virtio-pmem's request to the host).
 */
static int dax_pmem_nd_persist(void *nd_region)
{
	return nvdimm_flush(nd_region, NULL);
}

static int dax_pmem_nd_serve(struct dax_pmem_nd *nd, struct device *dev)
{
	struct range *pages = &nd->range.pgmap.range;
	unsigned long align;
	u64 offset, size;
	int rc;

	offset = dax_pmem_dataoff(nd, &align);
	if (!offset) {
		dev_err(dev, "devdax info block unusable\n");
		return -EOPNOTSUPP;
	}
	size = ALIGN_DOWN(range_len(pages) - offset, align);
	/* The metadata is held while bound, as the in-tree driver holds it. */
	if (!devm_request_mem_region(dev, nd->res.start, pages->start + offset - nd->res.start,
				     dev_name(&nd->ndns->dev)))
		return -EBUSY;
	rc = devm_add_action_or_reset(dev, dax_pmem_nd_release, nd);
	if (rc)
		return rc;
	/* namespaceX.Y, as the in-tree driver reads it: dax<X>.<Y> in class dax. */
	if (sscanf(dev_name(&nd->ndns->dev), "namespace%d.%d", &nd->range.nd_region,
		   &nd->range.nd_ns) == 2)
		nd->range.show_dax = true;
	rc = dax_pmem_range_init(&nd->range, pages->start + offset, size, align,
				 nd->range.show_dax ?
				 dax_pmem_nd_id(nd->range.nd_region, nd->range.nd_ns) : -1);
	if (rc)
		return rc;
	nd->range.persist = dax_pmem_nd_persist;
	nd->range.persist_data = to_nd_region(dev->parent);
	return dax_pmem_range_start(&nd->range, dev, phys_to_target_node(pages->start));
}

/*
 * Unbinding undoes it all through devres, in reverse: the region, pages and
 * data claim (dax_pmem_nd_release), then the metadata claim, then @nd.  The
 * device's driver data is the daxkit region's, not ours.
 */
static int dax_pmem_nd_probe(struct device *dev)
{
	struct nd_namespace_common *ndns;
	struct dax_pmem_nd *nd;
	int rc;

	ndns = nvdimm_namespace_common_probe(dev);
	if (IS_ERR(ndns))
		return PTR_ERR(ndns);
	nd = devm_kzalloc(dev, sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return -ENOMEM;
	nd->range.id = -1;
	nd->ndns = ndns;
	nd->res = to_nd_namespace_io(&ndns->dev)->res;
	rc = dax_pmem_nd_setup(nd, dev);
	if (rc)
		return rc;
	return dax_pmem_nd_serve(nd, dev);
}

static struct nd_device_driver dax_pmem_nd_driver = {
	.probe = dax_pmem_nd_probe,
	.drv = {
		.name = "daxkit_pmem",
	},
	.type = ND_DRIVER_DAX_PMEM,
};

/**
 * dax_pmem_nd_init() - start serving libnvdimm devdax namespaces
 *
 * Return: 0, or the errno of registering the nd driver.
 */
int dax_pmem_nd_init(void)
{
	return nd_driver_register(&dax_pmem_nd_driver);
}

/**
 * dax_pmem_nd_exit() - stop serving them; every bound one is released
 */
void dax_pmem_nd_exit(void)
{
	nd_driver_unregister(&dax_pmem_nd_driver);
}

/**
 * dax_pmem_nd_owns() - whether a device is on libnvdimm's bus
 * @dev: the device
 *
 * Only valid between dax_pmem_nd_init() and dax_pmem_nd_exit().
 *
 * Return: true for an nd device (a namespace, pfn, dax or btt device).
 */
bool dax_pmem_nd_owns(struct device *dev)
{
	return dev->bus && dev->bus == dax_pmem_nd_driver.drv.bus;
}

/**
 * dax_pmem_nd_watch() - hear of libnvdimm's devices binding and going
 * @nb: the notifier, called with the bus's BUS_NOTIFY_* events
 *
 * Only between dax_pmem_nd_init() and dax_pmem_nd_exit(); undone by
 * dax_pmem_nd_unwatch().
 *
 * Return: 0 or the errno of registering it.
 */
int dax_pmem_nd_watch(struct notifier_block *nb)
{
	return bus_register_notifier(dax_pmem_nd_driver.drv.bus, nb);
}

/**
 * dax_pmem_nd_unwatch() - undo dax_pmem_nd_watch()
 * @nb: the notifier
 *
 * Returns once no call of @nb is in flight.
 */
void dax_pmem_nd_unwatch(struct notifier_block *nb)
{
	bus_unregister_notifier(dax_pmem_nd_driver.drv.bus, nb);
}

MODULE_ALIAS_ND_DEVICE(ND_DEVICE_DAX_PMEM);
