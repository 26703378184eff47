// SPDX-License-Identifier: GPL-2.0
/*
 * System-ram mode: driver "kmem" on bus daxkit hands a device's memory to
 * the page allocator, as the kernel's kmem does for device-dax.
 *
 * It binds only the devices named in its new_id file (dax_core's byid.c).
 * Probing borrows the region's memory from its provider (dax_core's
 * lend.c) and hot-adds each range of the device, trimmed inward to whole
 * memory blocks, as driver-managed memory: "System RAM (daxkit)" in
 * /proc/iomem, of the region's target node.  The kernel's policy
 * (auto_online_blocks) onlines it or leaves it offline; no module can
 * choose the zone, so `daxkit reconfigure-device` onlines blocks movable
 * as daxctl does.
 *
 * Leaving the mode is remove_id: every range is offlined and removed, or,
 * when a block cannot be offlined, the ranges removed so far are added
 * back and the write fails with EBUSY.  The generic unbind file, which
 * cannot refuse, is suppressed.  While any memory is added the module
 * holds a reference to itself, so rmmod is refused.  A device that goes
 * while its memory is online (its namespace disabled) leaves that memory
 * to the kernel until reboot, with one log line, as the kernel's kmem
 * does.  Memory failure on this memory is the kernel's ordinary path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/slab.h>
#include <daxkit/core.h>
#include <daxkit/compat_mm.h>
#include "dax_dev.h"

/*
 * What kexec, kdump and /proc/iomem readers take for RAM.  The kernel
 * keeps this pointer: it lives in the module image, which stays while any
 * of the memory is added.
 */
static const char dax_kmem_ram_name[] = "System RAM (daxkit)";

/**
 * struct dax_kmem_range - one range of a device, in whole memory blocks
 * @start: first byte
 * @size: bytes; 0 for a range smaller than a block
 * @claim: "daxkitR.N" in /proc/iomem, not busy, the parent of the RAM
 * @added: the range is hot-added
 */
struct dax_kmem_range {
	u64 start;
	u64 size;
	struct resource *claim;
	bool added;
};

/**
 * struct dax_kmem - a device in system-ram mode
 * @nid: the node its memory joins
 * @name: the name of the claims, the device's; it outlives them
 * @nr: entries in @r
 * @r: its ranges
 */
struct dax_kmem {
	int nid;
	char name[32];
	int nr;
	struct dax_kmem_range r[];
};

static int dax_kmem_count_ranges(struct daxkit_dev *ddev)
{
	struct range range;
	int n = 0;

	while (!dax_core_dev_range(ddev, n, &range))
		n++;
	return n;
}

/* The device's ranges, trimmed to whole blocks; NULL when none is left. */
static struct dax_kmem *dax_kmem_alloc(struct daxkit_dev *ddev, int nid)
{
	u64 block = memory_block_size_bytes(), total = 0;
	int i, n = dax_kmem_count_ranges(ddev);
	struct dax_kmem *k;
	struct range range;

	k = kzalloc(struct_size(k, r, n), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->nid = nid;
	k->nr = n;
	strscpy(k->name, dev_name(dax_core_dev_device(ddev)), sizeof(k->name));
	for (i = 0; i < n && !dax_core_dev_range(ddev, i, &range); i++) {
		u64 start = ALIGN(range.start, block);
		u64 end = ALIGN_DOWN(range.end + 1, block);

		if (start < end) {
			k->r[i].start = start;
			k->r[i].size = end - start;
			total += end - start;
		}
	}
	if (!total) {
		kfree(k);
		return ERR_PTR(-ENOSPC);
	}
	return k;
}

static void dax_kmem_drop_claim(struct dax_kmem_range *r)
{
	remove_resource(r->claim);
	kfree(r->claim);
	r->claim = NULL;
}

static int dax_kmem_add_range(struct dax_kmem *k, struct dax_kmem_range *r)
{
	int rc;

	r->claim = request_mem_region(r->start, r->size, k->name);
	if (!r->claim)
		return -EBUSY;
	/* Not busy, so that the hot-added RAM nests in it. */
	r->claim->flags = IORESOURCE_SYSTEM_RAM;
	rc = add_memory_driver_managed(k->nid, r->start, r->size, dax_kmem_ram_name,
				       MHP_NONE);
	if (rc) {
		dax_kmem_drop_claim(r);
		return rc;
	}
	r->added = true;
	return 0;
}

static int dax_kmem_remove_range(struct dax_kmem *k, struct dax_kmem_range *r)
{
	int rc;

	rc = daxkit_offline_and_remove_memory(k->nid, r->start, r->size);
	if (rc)
		return rc;
	r->added = false;
	dax_kmem_drop_claim(r);
	return 0;
}

/*
 * Take every added range out of the kernel.  Return: 0, or the error of
 * the first range that would not go; the ranges removed before it are
 * added back when @undo, else left removed.
 */
static int dax_kmem_remove_all(struct dax_kmem *k, bool undo)
{
	int i, j, rc = 0;

	for (i = 0; i < k->nr; i++) {
		if (!k->r[i].added)
			continue;
		rc = dax_kmem_remove_range(k, &k->r[i]);
		if (rc)
			break;
	}
	if (!rc || !undo)
		return rc;
	for (j = 0; j < i; j++)
		if (k->r[j].size && !k->r[j].added && dax_kmem_add_range(k, &k->r[j]))
			pr_warn("%s: %#llx+%#llx could not be added back\n", k->name,
				k->r[j].start, k->r[j].size);
	return rc;
}

/* All memory is out of the kernel: give it back to the region, let go. */
static void dax_kmem_release(struct daxkit_dev *ddev, struct dax_kmem *k)
{
	struct device *dev = dax_core_dev_device(ddev);
	int rc;

	rc = dax_core_dev_reclaim(ddev);
	if (rc)
		dev_err(dev, "the region could not take its memory back: %d\n", rc);
	dev_set_drvdata(dev, NULL);
	kfree(k);
	module_put(THIS_MODULE);
}

static int dax_kmem_add_all(struct dax_kmem *k)
{
	int i, rc;

	for (i = 0; i < k->nr; i++) {
		if (!k->r[i].size)
			continue;
		rc = dax_kmem_add_range(k, &k->r[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int dax_kmem_probe(struct daxkit_dev *ddev)
{
	struct device *dev = dax_core_dev_device(ddev);
	int rc, nid = dax_core_dev_target_node(ddev);
	struct dax_kmem *k;

	if (nid == NUMA_NO_NODE) {
		dev_info_ratelimited(dev, "no target node: its memory cannot be System RAM\n");
		return -EINVAL;
	}
	k = dax_kmem_alloc(ddev, nid);
	if (IS_ERR(k)) {
		if (PTR_ERR(k) == -ENOSPC)
			dev_info_ratelimited(dev, "holds no whole memory block of %lu MiB\n",
					     memory_block_size_bytes() >> 20);
		return PTR_ERR(k);
	}
	rc = dax_core_dev_lend(ddev);
	if (rc)
		goto err_free;
	__module_get(THIS_MODULE);
	dev_set_drvdata(dev, k);
	rc = dax_kmem_add_all(k);
	if (rc)
		goto err_remove;
	return 0;

err_remove:
	if (dax_kmem_remove_all(k, false)) {
		dev_err(dev, "hot-add failed (%d) and its memory cannot be removed: it stays System RAM until reboot\n",
			rc);
		return rc;
	}
	dax_kmem_release(ddev, k);
	return rc;
err_free:
	kfree(k);
	return rc;
}

/* remove_id: leave system-ram mode, or refuse with nothing changed. */
static int dax_kmem_leave(struct daxkit_dev *ddev)
{
	struct device *dev = dax_core_dev_device(ddev);
	struct dax_kmem *k = dev_get_drvdata(dev);
	int rc;

	if (!k)
		return 0;
	rc = dax_kmem_remove_all(k, true);
	if (rc) {
		dev_info_ratelimited(dev, "memory in use, cannot be offlined (%d): staying System RAM\n",
				     rc);
		return -EBUSY;
	}
	dax_kmem_release(ddev, k);
	return 0;
}

/* Unbinding that cannot be refused: the device or its region is going. */
static void dax_kmem_remove(struct daxkit_dev *ddev)
{
	struct device *dev = dax_core_dev_device(ddev);
	struct dax_kmem *k = dev_get_drvdata(dev);

	if (!k)
		return;
	if (dax_kmem_remove_all(k, false)) {
		dev_err(dev, "going away with memory that cannot be offlined: it stays System RAM until reboot\n");
		return;
	}
	dax_kmem_release(ddev, k);
}

static struct dax_core_driver dax_kmem_driver = {
	.drv = {
		.name = "kmem",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		/* remove_id leaves the mode; unbind could not refuse. */
		.suppress_bind_attrs = true,
	},
	.probe = dax_kmem_probe,
	.remove = dax_kmem_remove,
};

/**
 * dax_dev_kmem_init() - register the system-ram driver
 *
 * Return: 0 or the error of registering it.
 */
int dax_dev_kmem_init(void)
{
	return dax_core_driver_register_by_id(&dax_kmem_driver, dax_kmem_leave);
}

/**
 * dax_dev_kmem_exit() - unregister it; no memory is added (the module is held
 * while there is)
 */
void dax_dev_kmem_exit(void)
{
	dax_core_driver_unregister(&dax_kmem_driver);
}
