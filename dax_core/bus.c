// SPDX-License-Identifier: GPL-2.0
/*
 * The daxkit bus: /sys/bus/daxkit, its regions and devices.
 *
 * A provider (dax_pmem) creates a region over a physical range; the
 * region's attributes appear in a "daxkit_region" group of the provider's
 * parent device, and its devices daxkitR.N are children of that parent.
 * The attributes mirror the kernel's /sys/bus/dax ABI name for name and
 * format for format, so a daxctl-style tool ports by changing a prefix.
 *
 * Locking: a device's driver-core lock, then its region's lock.  Nothing
 * that removes a device from sysfs runs under either (a store handler of
 * that device may be waiting for them).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/ioport.h>
#include <linux/libnvdimm.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <daxkit/core.h>
#include <daxkit/compat_mm.h>
#include "dax_core.h"

#define DAXKIT_MODALIAS_FMT	"daxkit:t%d"
/* Pages a long walk over struct pages handles between cond_resched(). */
#define DAXKIT_PAGES_PER_RESCHED	4096

static const struct device_type daxkit_dev_type;
/* Minors of the daxkit chrdev region, one per device (Req-31). */
static DEFINE_IDA(dax_core_minor_ida);

/* A minor of the core's chrdev region: one per daxkit device and view. */
int dax_core_minor_get(void)
{
	return ida_alloc_max(&dax_core_minor_ida, MINORMASK, GFP_KERNEL);
}

void dax_core_minor_put(int minor)
{
	ida_free(&dax_core_minor_ida, minor);
}

/**
 * dax_core_to_dev() - the daxkit device of a struct device on the bus
 * @dev: a device of the daxkit bus
 *
 * Return: its daxkit_dev, or NULL if @dev is not one.
 */
struct daxkit_dev *dax_core_to_dev(struct device *dev)
{
	if (dev->type != &daxkit_dev_type)
		return NULL;
	return container_of(dev, struct daxkit_dev, dev);
}
DAXKIT_EXPORT(dax_core_to_dev);

/**
 * dax_core_dev_device() - the struct device of a daxkit device
 * @ddev: the daxkit device
 *
 * Return: its struct device, for dev_* logging and driver data.
 */
struct device *dax_core_dev_device(struct daxkit_dev *ddev)
{
	return &ddev->dev;
}
DAXKIT_EXPORT(dax_core_dev_device);

/**
 * dax_core_dev_dax() - the registry object of a daxkit device
 * @ddev: the daxkit device
 *
 * Return: its dax_core_device; valid while @ddev is.
 */
struct dax_core_device *dax_core_dev_dax(struct daxkit_dev *ddev)
{
	return ddev->dcore;
}
DAXKIT_EXPORT(dax_core_dev_dax);

static u64 daxkit_ranges_size(struct daxkit_dev *ddev)
{
	u64 size = 0;
	int i;

	for (i = 0; i < ddev->nr_range; i++)
		size += resource_size(ddev->ranges[i].res);
	return size;
}

/* The device's size; its region's lock held. */
u64 daxkit_dev_size(struct daxkit_dev *ddev)
{
	lockdep_assert_held(&ddev->region->lock);
	return daxkit_ranges_size(ddev);
}

static u64 daxkit_region_avail(struct daxkit_region *region)
{
	u64 size = resource_size(&region->res);
	struct resource *res;

	lockdep_assert_held(&region->lock);
	for (res = region->res.child; res; res = res->sibling)
		size -= resource_size(res);
	return size;
}

/* The alignments a device may have on this kernel and CPU. */
static bool daxkit_align_valid(unsigned long align)
{
	if (align == PAGE_SIZE)
		return true;
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	if (align == PMD_SIZE && has_transparent_hugepage())
		return true;
#endif
#if defined(CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD) && defined(CONFIG_X86)
	if (align == PUD_SIZE && has_transparent_hugepage() &&
	    boot_cpu_has(X86_FEATURE_GBPAGES))
		return true;
#endif
	return false;
}

/*
 * What supported_alignments lists and align takes: the CPU and the pages
 * allow it, and the region is aligned to it and at least that large.
 */
static bool daxkit_region_align_ok(struct daxkit_region *region,
				   unsigned long align)
{
	return daxkit_align_valid(align) &&
	       daxkit_pages_fit_align(region->align, align) &&
	       IS_ALIGNED(region->res.start, align) &&
	       resource_size(&region->res) >= align;
}

/*
 * The unit a device's ranges are carved in: its alignment and, where
 * device memory is mapped as folios (compound pages at the region's
 * alignment), never less than one folio, so that no folio, whose owner
 * and index memory_failure() reads, is shared by two devices.  Regions
 * without memory (test regions) have no pages to share.
 */
static u64 daxkit_dev_grain(struct daxkit_dev *ddev)
{
	u64 grain = max_t(u64, ddev->align, PAGE_SIZE);

	lockdep_assert_held(&ddev->region->lock);
	if (DAXKIT_PGMAP_COMPOUND && ddev->region->kaddr)
		grain = max_t(u64, grain, ddev->region->align);
	return grain;
}

/* ---- mappingN children ---- */

static struct daxkit_mapping *to_daxkit_mapping(struct device *dev)
{
	return container_of(dev, struct daxkit_mapping, dev);
}

static ssize_t start_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct daxkit_mapping *m = to_daxkit_mapping(dev);
	u64 v;

	spin_lock(&m->lock);
	v = m->start;
	spin_unlock(&m->lock);
	return sysfs_emit(buf, "%#llx\n", v);
}
static DEVICE_ATTR(start, 0400, start_show, NULL);

static ssize_t end_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct daxkit_mapping *m = to_daxkit_mapping(dev);
	u64 v;

	spin_lock(&m->lock);
	v = m->end;
	spin_unlock(&m->lock);
	return sysfs_emit(buf, "%#llx\n", v);
}
static DEVICE_ATTR(end, 0400, end_show, NULL);

static ssize_t page_offset_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct daxkit_mapping *m = to_daxkit_mapping(dev);
	unsigned long v;

	spin_lock(&m->lock);
	v = m->pgoff;
	spin_unlock(&m->lock);
	return sysfs_emit(buf, "%#lx\n", v);
}
static DEVICE_ATTR(page_offset, 0400, page_offset_show, NULL);

static struct attribute *daxkit_mapping_attrs[] = {
	&dev_attr_start.attr,
	&dev_attr_end.attr,
	&dev_attr_page_offset.attr,
	NULL,
};

ATTRIBUTE_GROUPS(daxkit_mapping);

static void daxkit_mapping_release(struct device *dev)
{
	kfree(to_daxkit_mapping(dev));
}

static const struct device_type daxkit_mapping_type = {
	.release = daxkit_mapping_release,
	.groups = daxkit_mapping_groups,
};

static void daxkit_mapping_set(struct daxkit_mapping *m, struct daxkit_range *r)
{
	spin_lock(&m->lock);
	m->start = r->res->start;
	m->end = r->res->end;
	m->pgoff = r->pgoff;
	spin_unlock(&m->lock);
}

static struct daxkit_mapping *daxkit_mapping_add(struct daxkit_dev *ddev, int i)
{
	struct daxkit_mapping *m;
	int rc;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&m->lock);
	daxkit_mapping_set(m, &ddev->ranges[i]);
	device_initialize(&m->dev);
	m->dev.parent = &ddev->dev;
	m->dev.type = &daxkit_mapping_type;
	rc = dev_set_name(&m->dev, "mapping%d", i);
	if (!rc)
		rc = device_add(&m->dev);
	if (rc) {
		put_device(&m->dev);
		return ERR_PTR(rc);
	}
	return m;
}

/* ---- ranges ---- */

/* Add [start, start + len) of the region to the end of @ddev. */
static int daxkit_dev_add_range(struct daxkit_dev *ddev, u64 start, u64 len)
{
	struct daxkit_region *region = ddev->region;
	struct daxkit_range *ranges, *r;
	struct daxkit_mapping *m;
	struct resource *res;

	lockdep_assert_held(&region->lock);
	res = __request_region(&region->res, start, len, dev_name(&ddev->dev), 0);
	if (!res)
		return -EBUSY;
	/* array_size() saturates, so an overflow fails the allocation (Req-11b). */
	ranges = krealloc(ddev->ranges, array_size(ddev->nr_range + 1, sizeof(*ranges)),
			  GFP_KERNEL);
	if (!ranges) {
		__release_region(&region->res, start, len);
		return -ENOMEM;
	}
	ddev->ranges = ranges;
	r = &ranges[ddev->nr_range];
	r->res = res;
	r->pgoff = PHYS_PFN(daxkit_dev_size(ddev));
	r->mapping = NULL;
	ddev->nr_range++;
	/* Before registration, device_add() is yet to come for the parent. */
	if (device_is_registered(&ddev->dev)) {
		m = daxkit_mapping_add(ddev, ddev->nr_range - 1);
		if (IS_ERR(m)) {
			ddev->nr_range--;
			__release_region(&region->res, start, len);
			return PTR_ERR(m);
		}
		r->mapping = m;
	}
	return 0;
}

/*
 * Pages leaving a device forget it: a mapper's address_space must not
 * outlive the device in struct page (Req-26, Req-38 keep it while the
 * device has the range).
 */
static void daxkit_clear_owners(struct daxkit_region *region, phys_addr_t start,
				u64 len)
{
	unsigned long pfn;

	lockdep_assert_held(&region->lock);
	/* No pages: a test region, or one lent to system-ram mode. */
	if (!region->kaddr)
		return;
	/* Struct pages may be on the media: terabytes of them.  Reschedule. */
	for (pfn = PHYS_PFN(start); pfn < PHYS_PFN(start + len); pfn++) {
		daxkit_page_clear_owner(pfn_to_page(pfn));
		if (!(pfn % DAXKIT_PAGES_PER_RESCHED))
			cond_resched();
	}
}

static void daxkit_dev_drop_last_range(struct daxkit_dev *ddev)
{
	struct daxkit_range *r = &ddev->ranges[ddev->nr_range - 1];

	lockdep_assert_held(&ddev->region->lock);
	if (r->mapping)
		device_unregister(&r->mapping->dev);
	daxkit_clear_owners(ddev->region, r->res->start, resource_size(r->res));
	__release_region(&ddev->region->res, r->res->start, resource_size(r->res));
	if (--ddev->nr_range == 0) {
		kfree(ddev->ranges);
		ddev->ranges = NULL;
	}
}

/* Grow @ddev by @len bytes from the free space of its region. */
static int daxkit_dev_grow(struct daxkit_dev *ddev, u64 len)
{
	struct daxkit_region *region = ddev->region;
	u64 align = daxkit_dev_grain(ddev);
	u64 pos = region->res.start, end, chunk;
	struct resource *res, *next;
	struct daxkit_range *last;
	int rc;

	lockdep_assert_held(&region->lock);
	while (len) {
		/* First aligned free gap at or after pos. */
		res = region->res.child;
		for (;;) {
			pos = ALIGN(pos, align);
			while (res && res->end < pos)
				res = res->sibling;
			if (!res || res->start > pos)
				break;
			pos = res->end + 1;
		}
		if (pos > region->res.end)
			return -ENOSPC;
		next = res;
		end = next ? next->start : region->res.end + 1;
		chunk = min(round_down(end - pos, align), len);
		if (!chunk) {
			pos = end;
			continue;
		}
		last = ddev->nr_range ? &ddev->ranges[ddev->nr_range - 1] : NULL;
		if (last && last->res->end + 1 == pos) {
			rc = adjust_resource(last->res, last->res->start,
					     resource_size(last->res) + chunk);
			if (!rc && last->mapping)
				daxkit_mapping_set(last->mapping, last);
		} else {
			rc = daxkit_dev_add_range(ddev, pos, chunk);
		}
		if (rc)
			return rc;
		len -= chunk;
		pos += chunk;
	}
	return 0;
}

/* Shrink @ddev to @size bytes, giving back from its end. */
static int daxkit_dev_shrink(struct daxkit_dev *ddev, u64 size)
{
	u64 cur = daxkit_dev_size(ddev);
	struct daxkit_range *last;
	int rc;

	lockdep_assert_held(&ddev->region->lock);
	while (cur > size) {
		last = &ddev->ranges[ddev->nr_range - 1];
		if (cur - resource_size(last->res) >= size) {
			cur -= resource_size(last->res);
			daxkit_dev_drop_last_range(ddev);
			continue;
		}
		rc = adjust_resource(last->res, last->res->start,
				     resource_size(last->res) - (cur - size));
		if (rc)
			return rc;
		daxkit_clear_owners(ddev->region, last->res->end + 1, cur - size);
		if (last->mapping)
			daxkit_mapping_set(last->mapping, last);
		cur = size;
	}
	return 0;
}

/*
 * A refused change changes nothing: growth that runs out of aligned space
 * part way gives back what it took.  Shrinking to the old size only
 * trims or drops what growth added, which cannot fail.
 */
static int daxkit_dev_resize(struct daxkit_dev *ddev, u64 size)
{
	u64 cur = daxkit_dev_size(ddev);
	int rc;

	lockdep_assert_held(&ddev->region->lock);
	if (!IS_ALIGNED(size, daxkit_dev_grain(ddev)))
		return -EINVAL;
	if (size == cur)
		return 0;
	if (size < cur)
		return daxkit_dev_shrink(ddev, size);
	if (size - cur > daxkit_region_avail(ddev->region))
		return -ENOSPC;
	rc = daxkit_dev_grow(ddev, size - cur);
	if (rc)
		WARN_ON_ONCE(daxkit_dev_shrink(ddev, cur));
	return rc;
}

/* ---- device attributes ---- */

static struct daxkit_dev *attr_to_ddev(struct device *dev)
{
	return container_of(dev, struct daxkit_dev, dev);
}

/*
 * Lock a device and its region for a change through sysfs.  Fails with
 * -EBUSY while a driver is bound or another device of the region has lent
 * its memory to the kernel (lend.c), and -ENXIO once it is being deleted.
 */
static int daxkit_dev_lock_for_change(struct daxkit_dev *ddev)
{
	struct daxkit_region *region = ddev->region;

	device_lock(&ddev->dev);
	mutex_lock(&region->lock);
	if (ddev->dead || ddev->dev.driver || (region->lent && region->lent != ddev)) {
		int rc = ddev->dead ? -ENXIO : -EBUSY;

		mutex_unlock(&ddev->region->lock);
		device_unlock(&ddev->dev);
		return rc;
	}
	return 0;
}

static void daxkit_dev_unlock(struct daxkit_dev *ddev)
{
	mutex_unlock(&ddev->region->lock);
	device_unlock(&ddev->dev);
}

static ssize_t size_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct daxkit_dev *ddev = attr_to_ddev(dev);
	u64 size;

	mutex_lock(&ddev->region->lock);
	size = daxkit_dev_size(ddev);
	mutex_unlock(&ddev->region->lock);
	return sysfs_emit(buf, "%llu\n", size);
}

static ssize_t size_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t len)
{
	struct daxkit_dev *ddev = attr_to_ddev(dev);
	unsigned long long val;
	int rc;

	rc = kstrtoull(buf, 0, &val);
	if (rc)
		return rc;
	/* The alignment is read under the locks that order it against align_store. */
	rc = daxkit_dev_lock_for_change(ddev);
	if (rc)
		return rc;
	rc = daxkit_dev_resize(ddev, val);
	if (rc == -EINVAL)
		dev_dbg_ratelimited(dev, "size %llu is not a multiple of %llu\n",
				    val, daxkit_dev_grain(ddev));
	daxkit_dev_unlock(ddev);
	return rc ? rc : len;
}
DEVICE_ATTR_RW(size);

static ssize_t align_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", attr_to_ddev(dev)->align);
}

static bool daxkit_ranges_aligned(struct daxkit_dev *ddev, unsigned long align)
{
	int i;

	for (i = 0; i < ddev->nr_range; i++) {
		struct resource *res = ddev->ranges[i].res;

		if (!IS_ALIGNED(res->start, align) ||
		    !IS_ALIGNED(resource_size(res), align))
			return false;
	}
	return true;
}

static ssize_t align_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	struct daxkit_dev *ddev = attr_to_ddev(dev);
	unsigned long val;
	int rc;

	rc = kstrtoul(buf, 0, &val);
	if (rc)
		return rc;
	if (!daxkit_region_align_ok(ddev->region, val)) {
		dev_dbg_ratelimited(dev, "align %lu is not supported here\n", val);
		return -EINVAL;
	}
	rc = daxkit_dev_lock_for_change(ddev);
	if (rc)
		return rc;
	if (daxkit_ranges_aligned(ddev, val))
		ddev->align = val;
	else
		rc = -EINVAL;
	daxkit_dev_unlock(ddev);
	return rc ? rc : len;
}
DEVICE_ATTR_RW(align);

/*
 * "START-END", hexadecimal with or without 0x, as upstream's mapping
 * attribute takes it; a value that does not fit in 64 bits is refused by
 * kstrtoull(), never wrapped.
 */
static int daxkit_parse_mapping(const char *buf, u64 *start, u64 *end)
{
	char word[2][24];
	const char *dash = strchr(buf, '-');
	size_t n;

	if (!dash || dash == buf || dash - buf >= sizeof(word[0]))
		return -EINVAL;
	memcpy(word[0], buf, dash - buf);
	word[0][dash - buf] = '\0';
	n = strcspn(dash + 1, "\n");
	if (!n || n >= sizeof(word[1]) || *skip_spaces(dash + 1 + n))
		return -EINVAL;
	memcpy(word[1], dash + 1, n);
	word[1][n] = '\0';
	if (kstrtoull(word[0], 16, start) || kstrtoull(word[1], 16, end))
		return -EINVAL;
	return 0;
}

static ssize_t mapping_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t len)
{
	struct daxkit_dev *ddev = attr_to_ddev(dev);
	struct daxkit_region *region = ddev->region;
	u64 start, end, grain;
	int rc;

	rc = daxkit_parse_mapping(buf, &start, &end);
	if (rc)
		return rc;
	if (end < start || start < region->res.start || end > region->res.end)
		return -EINVAL;
	rc = daxkit_dev_lock_for_change(ddev);
	if (rc)
		return rc;
	grain = daxkit_dev_grain(ddev);
	if (!IS_ALIGNED(start, grain) || !IS_ALIGNED(end + 1, grain))
		rc = -EINVAL;
	else
		rc = daxkit_dev_add_range(ddev, start, end - start + 1);
	daxkit_dev_unlock(ddev);
	return rc ? rc : len;
}
static DEVICE_ATTR_WO(mapping);

static ssize_t resource_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct daxkit_dev *ddev = attr_to_ddev(dev);
	u64 start;

	mutex_lock(&ddev->region->lock);
	start = ddev->nr_range ? ddev->ranges[0].res->start : ddev->region->res.start;
	mutex_unlock(&ddev->region->lock);
	return sysfs_emit(buf, "%#llx\n", start);
}
DEVICE_ATTR(resource, 0400, resource_show, NULL);

static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_node(dev));
}
DEVICE_ATTR_RO(numa_node);

static ssize_t target_node_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", attr_to_ddev(dev)->region->target_node);
}
DEVICE_ATTR_RO(target_node);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	/* What the uevent's MODALIAS says, as upstream's bus does. */
	return sysfs_emit(buf, DAXKIT_MODALIAS_FMT "\n", 0);
}
static DEVICE_ATTR_RO(modalias);

static struct attribute *daxkit_dev_attrs[] = {
	&dev_attr_size.attr,
	&dev_attr_align.attr,
	&dev_attr_mapping.attr,
	&dev_attr_resource.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_target_node.attr,
	&dev_attr_modalias.attr,
	&dev_attr_poison.attr,
	&dev_attr_clear_poison.attr,
	NULL,
};

ATTRIBUTE_GROUPS(daxkit_dev);

static void daxkit_region_release(struct kref *kref)
{
	struct daxkit_region *region = container_of(kref, struct daxkit_region, kref);

	ida_destroy(&region->ida);
	kfree(region);
}

static void daxkit_dev_release(struct device *dev)
{
	struct daxkit_dev *ddev = attr_to_ddev(dev);
	struct daxkit_region *region = ddev->region;

	dax_core_put(ddev->dcore);
	dax_core_minor_put(MINOR(dev->devt));
	ida_free(&region->ida, ddev->id);
	kfree(ddev->ranges);
	kfree(ddev);
	kref_put(&region->kref, daxkit_region_release);
}

static const struct device_type daxkit_dev_type = {
	.name = "daxkit",
	.release = daxkit_dev_release,
	.groups = daxkit_dev_groups,
};

/* ---- the bus ---- */

/* Whether @dev is a daxkit device (not one of its mappingN children). */
bool daxkit_is_dev(struct device *dev)
{
	return dev->type == &daxkit_dev_type;
}

static int daxkit_bus_match(struct device *dev, DAXKIT_BUS_MATCH_DRV_CONST struct device_driver *drv)
{
	return daxkit_is_dev(dev) && daxkit_byid_match(dev, drv);
}

static int daxkit_bus_uevent(DAXKIT_BUS_UEVENT_DEV_CONST struct device *dev,
			     struct kobj_uevent_env *env)
{
	return add_uevent_var(env, "MODALIAS=" DAXKIT_MODALIAS_FMT, 0);
}

static struct dax_core_driver *to_dax_core_driver(struct device_driver *drv)
{
	return container_of(drv, struct dax_core_driver, drv);
}

static int daxkit_bus_probe(struct device *dev)
{
	struct dax_core_driver *ddrv = to_dax_core_driver(dev->driver);
	struct daxkit_dev *ddev = attr_to_ddev(dev);
	struct daxkit_region *region = ddev->region;
	int rc;

	mutex_lock(&region->lock);
	rc = (ddev->dead || !daxkit_dev_size(ddev)) ? -ENXIO : 0;
	mutex_unlock(&region->lock);
	ddev->probe_rc = rc;
	if (rc)
		return rc;
	dax_core_revive(ddev->dcore);
	rc = ddrv->probe ? ddrv->probe(ddev) : 0;
	ddev->probe_rc = rc;
	if (rc) {
		dax_core_kill(ddev->dcore);
		return rc;
	}
	mutex_lock(&region->lock);
	if (region->seed == ddev)
		region->seed = NULL;
	mutex_unlock(&region->lock);
	return 0;
}

static DAXKIT_BUS_REMOVE_RET daxkit_bus_remove(struct device *dev)
{
	struct dax_core_driver *ddrv = to_dax_core_driver(dev->driver);

	struct daxkit_dev *ddev = attr_to_ddev(dev);

	/* No access outlives the binding: kill, which zaps mappings (Req-61). */
	dax_core_kill(ddev->dcore);
	if (ddrv->remove)
		ddrv->remove(ddev);
	DAXKIT_BUS_REMOVE_RETURN;
}

struct bus_type dax_core_bus_type = {
	.name = "daxkit",
	.match = daxkit_bus_match,
	.uevent = daxkit_bus_uevent,
	.probe = daxkit_bus_probe,
	.remove = daxkit_bus_remove,
};

/**
 * dax_core_driver_register() - register a driver of daxkit devices
 * @ddrv: the driver; set @ddrv->drv.name, leave its bus unset
 *
 * Return: 0, -EINVAL when @ddrv->drv already names a bus, or the error of
 * driver_register().
 */
int dax_core_driver_register(struct dax_core_driver *ddrv)
{
	if (ddrv->drv.bus)
		return -EINVAL;
	ddrv->drv.bus = &dax_core_bus_type;
	return driver_register(&ddrv->drv);
}
DAXKIT_EXPORT(dax_core_driver_register);

/**
 * dax_core_driver_unregister() - unregister a daxkit driver
 * @ddrv: a driver dax_core_driver_register() registered
 */
void dax_core_driver_unregister(struct dax_core_driver *ddrv)
{
	daxkit_byid_remove_files(&ddrv->drv);
	driver_unregister(&ddrv->drv);
	daxkit_byid_forget(&ddrv->drv);
	ddrv->drv.bus = NULL;
}
DAXKIT_EXPORT(dax_core_driver_unregister);

/**
 * dax_core_bus_create_file() - add a file to /sys/bus/daxkit
 * @attr: the attribute, for a provider's bus-wide request (dax_pmem's
 *	stack and unstack); it must stay until dax_core_bus_remove_file()
 *
 * Return: 0, or the error of bus_create_file() (-EEXIST for a name
 * already there).
 */
int dax_core_bus_create_file(struct bus_attribute *attr)
{
	return bus_create_file(&dax_core_bus_type, attr);
}
DAXKIT_EXPORT(dax_core_bus_create_file);

/**
 * dax_core_bus_remove_file() - remove a file dax_core_bus_create_file() added
 * @attr: the attribute
 *
 * Waits for reads and writes of the file in flight; none starts after.
 * Call it before whatever its callbacks use goes away, at the latest in
 * the owning module's exit.
 */
void dax_core_bus_remove_file(struct bus_attribute *attr)
{
	bus_remove_file(&dax_core_bus_type, attr);
}
DAXKIT_EXPORT(dax_core_bus_remove_file);

/* ---- data access: device offsets to the region's memory ---- */

/**
 * dax_core_dev_pgoff_to_phys() - the physical address of a device offset
 * @ddev: the daxkit device
 * @pgoff: page offset in the device
 * @size: bytes that must be contiguous from there
 *
 * Stable while a driver is bound (sizes change only while unbound).
 *
 * Return: the physical address, or -1 when [@pgoff, +@size) is not inside
 * one range of the device.
 */
phys_addr_t dax_core_dev_pgoff_to_phys(struct daxkit_dev *ddev, pgoff_t pgoff,
				       unsigned long size)
{
	int i;

	for (i = 0; i < ddev->nr_range; i++) {
		struct daxkit_range *r = &ddev->ranges[i];
		unsigned long nr = PHYS_PFN(resource_size(r->res));
		phys_addr_t phys;

		if (pgoff < r->pgoff || pgoff >= r->pgoff + nr)
			continue;
		phys = r->res->start + PFN_PHYS(pgoff - r->pgoff);
		if (phys + size - 1 > r->res->end)
			return -1;
		return phys;
	}
	return -1;
}
DAXKIT_EXPORT(dax_core_dev_pgoff_to_phys);

/**
 * dax_core_dev_size() - the size of a daxkit device
 * @ddev: the daxkit device
 *
 * Call with a driver bound to @ddev, or from dax_core with its region's
 * lock held: the size changes only otherwise.
 *
 * Return: its size in bytes.
 */
u64 dax_core_dev_size(struct daxkit_dev *ddev)
{
#ifdef CONFIG_LOCKDEP
	/* The layout changes only under the region's lock, and only unbound. */
	WARN_ON_ONCE(debug_locks && !lockdep_is_held(&ddev->region->lock) &&
		     !READ_ONCE(ddev->dev.driver));
#endif
	return daxkit_ranges_size(ddev);
}
DAXKIT_EXPORT(dax_core_dev_size);

/**
 * dax_core_dev_align() - the fault and mapping granularity of a device
 * @ddev: the daxkit device
 *
 * Return: PAGE_SIZE, PMD_SIZE or PUD_SIZE; stable while a driver is bound.
 */
unsigned int dax_core_dev_align(struct daxkit_dev *ddev)
{
	return ddev->align;
}
DAXKIT_EXPORT(dax_core_dev_align);

/**
 * dax_core_dev_has_memory() - whether the kernel reaches a device's memory
 * @ddev: the daxkit device
 *
 * Return: false for devices of a region created without a kernel mapping
 * (test regions): nothing may map or access them.
 */
bool dax_core_dev_has_memory(struct daxkit_dev *ddev)
{
	return ddev->region->kaddr != NULL;
}
DAXKIT_EXPORT(dax_core_dev_has_memory);

/**
 * dax_core_dev_synchronous() - whether a device's media is synchronous
 * @ddev: the daxkit device
 *
 * Return: true when a write is durable once the CPU caches are written
 * back, so MAP_SYNC may be granted; false for a region its provider
 * created with @async set (virtio-pmem: durability takes a flush by the
 * provider).
 */
bool dax_core_dev_synchronous(struct daxkit_dev *ddev)
{
	return !ddev->region->async;
}
DAXKIT_EXPORT(dax_core_dev_synchronous);

static void *daxkit_phys_to_kaddr(struct daxkit_region *region, phys_addr_t phys)
{
	return region->kaddr + (phys - region->res.start);
}

static long daxkit_dev_direct_access(struct dax_core_device *dcore,
				     pgoff_t pgoff, long nr_pages, void **kaddr,
				     unsigned long *pfn)
{
	struct daxkit_dev *ddev = dax_core_private(dcore);
	phys_addr_t phys = dax_core_dev_pgoff_to_phys(ddev, pgoff, PAGE_SIZE);
	long avail = 0;
	int i;

	if (phys == (phys_addr_t)-1 || !ddev->region->kaddr)
		return -ENXIO;
	for (i = 0; i < ddev->nr_range; i++) {
		struct resource *res = ddev->ranges[i].res;

		if (phys >= res->start && phys <= res->end)
			avail = PHYS_PFN(res->end + 1 - phys);
	}
	if (kaddr)
		*kaddr = daxkit_phys_to_kaddr(ddev->region, phys);
	if (pfn)
		*pfn = PHYS_PFN(phys);
	return min(avail, nr_pages);
}

/* Zeroing clears poison: the poisoned pages of the range are recovered. */
static int daxkit_dev_zero_page_range(struct dax_core_device *dcore,
				      pgoff_t pgoff, size_t nr_pages)
{
	struct daxkit_dev *ddev = dax_core_private(dcore);
	void *kaddr;
	long n, i;

	while (nr_pages) {
		n = daxkit_dev_direct_access(dcore, pgoff, nr_pages, &kaddr, NULL);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			void *page = kaddr + (i << PAGE_SHIFT);

			if (!daxkit_dev_recover_page(ddev, pgoff + i, page)) {
				memset(page, 0, PAGE_SIZE);
				arch_wb_cache_pmem(page, PAGE_SIZE);
			}
		}
		pgoff += n;
		nr_pages -= n;
	}
	return 0;
}

/*
 * A write over poison: only a whole page can be recovered (its old data is
 * lost), as in-tree pmem.  Elsewhere an ordinary cache-flushing copy.
 */
static size_t daxkit_dev_recovery_write(struct dax_core_device *dcore,
					pgoff_t pgoff, void *addr, size_t bytes,
					struct iov_iter *iter)
{
	struct daxkit_dev *ddev = dax_core_private(dcore);

	if (dax_core_dev_poisoned(ddev, pgoff, 1)) {
		if (offset_in_page(addr) || bytes != PAGE_SIZE) {
			dev_dbg(&ddev->dev, "recovery write of %zu bytes at page %#lx: a whole page is needed\n",
				bytes, pgoff);
			return 0;
		}
		daxkit_dev_recover_page(ddev, pgoff, addr);
	}
	return _copy_from_iter_flushcache(addr, bytes, iter);
}

/* The region's persistence barrier, or a store fence. */
static int daxkit_dev_barrier(struct dax_core_device *dcore)
{
	struct daxkit_region *region = ((struct daxkit_dev *)dax_core_private(dcore))->region;

	if (region->persist)
		return region->persist(region->persist_data);
	wmb();
	return 0;
}

/* The operations of every daxkit device's registry object. */
static const struct dax_core_operations daxkit_dev_dax_ops = {
	.direct_access = daxkit_dev_direct_access,
	.zero_page_range = daxkit_dev_zero_page_range,
	.recovery_write = daxkit_dev_recovery_write,
	.persist = daxkit_dev_barrier,
};

/* ---- devices ---- */

static struct daxkit_dev *daxkit_dev_alloc(struct daxkit_region *region)
{
	struct dax_core_device *dcore;
	struct daxkit_dev *ddev;
	int id, minor, rc;

	ddev = kzalloc(sizeof(*ddev), GFP_KERNEL);
	if (!ddev)
		return ERR_PTR(-ENOMEM);
	id = ida_alloc(&region->ida, GFP_KERNEL);
	if (id < 0) {
		rc = id;
		goto err_id;
	}
	minor = dax_core_minor_get();
	if (minor < 0) {
		rc = minor;
		goto err_minor;
	}
	dcore = dax_core_alloc(ddev, &daxkit_dev_dax_ops);
	if (IS_ERR(dcore)) {
		rc = PTR_ERR(dcore);
		goto err_dax;
	}
	/* Dead until a driver binds it (daxkit_bus_probe). */
	dax_core_mark_dead(dcore);
	ddev->dcore = dcore;
	ddev->id = id;
	INIT_LIST_HEAD(&ddev->node);
	ddev->region = region;
	ddev->align = region->align;
	kref_get(&region->kref);
	device_initialize(&ddev->dev);
	ddev->dev.parent = region->dev;
	ddev->dev.bus = &dax_core_bus_type;
	ddev->dev.type = &daxkit_dev_type;
	ddev->dev.devt = MKDEV(MAJOR(dax_core_devt), minor);
	set_dev_node(&ddev->dev, dev_to_node(region->dev));
	return ddev;

err_dax:
	dax_core_minor_put(minor);
err_minor:
	ida_free(&region->ida, id);
err_id:
	kfree(ddev);
	return ERR_PTR(rc);
}

static int daxkit_dev_add_mappings(struct daxkit_dev *ddev)
{
	struct daxkit_mapping *m;
	int i;

	for (i = 0; i < ddev->nr_range; i++) {
		m = daxkit_mapping_add(ddev, i);
		if (IS_ERR(m))
			return PTR_ERR(m);
		ddev->ranges[i].mapping = m;
	}
	return 0;
}

static void daxkit_dev_drop_ranges(struct daxkit_dev *ddev)
{
	mutex_lock(&ddev->region->lock);
	while (ddev->nr_range)
		daxkit_dev_drop_last_range(ddev);
	mutex_unlock(&ddev->region->lock);
}

/*
 * Tear down a device that has already left its region's list: end all
 * access, remove its mappingN children while their parent's sysfs
 * directory still exists, unbind and remove it, then its view in class
 * "dax", and only then give its memory back to the region.
 */
static void daxkit_dev_unregister(struct daxkit_dev *ddev)
{
	struct daxkit_region *region = ddev->region;
	int i;

	dax_core_kill(ddev->dcore);
	mutex_lock(&region->lock);
	for (i = 0; i < ddev->nr_range; i++) {
		if (ddev->ranges[i].mapping)
			device_unregister(&ddev->ranges[i].mapping->dev);
		ddev->ranges[i].mapping = NULL;
	}
	mutex_unlock(&region->lock);
	device_del(&ddev->dev);
	daxkit_byid_dev_gone(dev_name(&ddev->dev));
	/* Unbound now: no cdev has the view's number any more, it may go. */
	daxkit_view_del(ddev);
	daxkit_dev_drop_ranges(ddev);
	put_device(&ddev->dev);
}

/* With the region locked: take @ddev out of it, for deletion. */
static void daxkit_dev_detach(struct daxkit_dev *ddev)
{
	struct daxkit_region *region = ddev->region;

	lockdep_assert_held(&region->lock);
	ddev->dead = true;
	list_del_init(&ddev->node);
	if (region->seed == ddev)
		region->seed = NULL;
	if (region->youngest == ddev)
		region->youngest = NULL;
}

/*
 * Make an added device known to its region: deletable by name, the seed
 * when it is empty and unbound, what "create" names.  Until then nothing
 * that finds devices through the region can reach it.
 */
static void daxkit_dev_publish(struct daxkit_dev *ddev)
{
	struct daxkit_region *region = ddev->region;

	device_lock(&ddev->dev);
	mutex_lock(&region->lock);
	list_add_tail(&ddev->node, &region->devs);
	if (!ddev->dev.driver && !daxkit_dev_size(ddev) && !region->seed)
		region->seed = ddev;
	region->youngest = ddev;
	mutex_unlock(&region->lock);
	device_unlock(&ddev->dev);
}

/**
 * dax_core_dev_create() - a new device daxkitR.N in @region
 * @region: the region
 * @size: bytes to take from the region's free space now; 0 for an empty
 *	device that sysfs can size later
 *
 * The device gets the lowest free N, so deleting and creating again never
 * makes a duplicate name (Req-33).  It joins the region's list, where
 * "delete" and failure notices find it, only once it is registered with
 * its mappingN children; an empty one becomes the region's seed when the
 * region has none.
 *
 * Return: the device, or ERR_PTR(): -EINVAL for a size not a multiple of
 * the region's alignment, -ENOSPC when the region lacks the space.
 */
struct daxkit_dev *dax_core_dev_create(struct daxkit_region *region, u64 size)
{
	struct daxkit_dev *ddev;
	int rc;

	if (!IS_ALIGNED(size, region->align))
		return ERR_PTR(-EINVAL);
	ddev = daxkit_dev_alloc(region);
	if (IS_ERR(ddev))
		return ddev;
	rc = dev_set_name(&ddev->dev, "daxkit%d.%d", region->id, ddev->id);
	if (rc)
		goto err_put;
	mutex_lock(&region->lock);
	rc = daxkit_dev_resize(ddev, size);
	mutex_unlock(&region->lock);
	if (rc)
		goto err_ranges;
	/* Before the device: a driver binding it serves the view's number too. */
	rc = daxkit_view_add(ddev);
	if (rc)
		goto err_ranges;
	rc = device_add(&ddev->dev);
	if (rc)
		goto err_view;
	mutex_lock(&region->lock);
	rc = daxkit_dev_add_mappings(ddev);
	mutex_unlock(&region->lock);
	if (rc)
		goto err_del;
	daxkit_dev_publish(ddev);
	return ddev;

err_del:
	mutex_lock(&region->lock);
	ddev->dead = true;
	mutex_unlock(&region->lock);
	/* Kills, unbinds, removes the mappings and the device, drops the ranges. */
	daxkit_dev_unregister(ddev);
	return ERR_PTR(rc);
err_view:
	daxkit_view_del(ddev);
err_ranges:
	daxkit_dev_drop_ranges(ddev);
err_put:
	put_device(&ddev->dev);
	return ERR_PTR(rc);
}
DAXKIT_EXPORT(dax_core_dev_create);

/*
 * With the region locked: the device whose memory holds @phys, referenced,
 * and @phys's byte offset in it; NULL when no device has it.
 */
static struct dax_core_device *daxkit_region_find(struct daxkit_region *region,
						  phys_addr_t phys, u64 *offset,
						  u64 *room)
{
	struct daxkit_dev *ddev;
	struct resource *res;
	int i;

	lockdep_assert_held(&region->lock);
	list_for_each_entry(ddev, &region->devs, node) {
		for (i = 0; i < ddev->nr_range; i++) {
			res = ddev->ranges[i].res;
			if (phys < res->start || phys > res->end)
				continue;
			*offset = PFN_PHYS(ddev->ranges[i].pgoff) + phys - res->start;
			*room = res->end + 1 - phys;
			dax_core_get(ddev->dcore);
			return ddev->dcore;
		}
	}
	return NULL;
}

static int daxkit_match_devt(struct device *dev, const void *data)
{
	const dev_t *devt = data;
	struct daxkit_dev *ddev = dax_core_to_dev(dev);

	return ddev && (dev->devt == *devt ||
			(ddev->view && dax_core_dev_view_devt(ddev) == *devt));
}

static int daxkit_match_name(struct device *dev, const void *data)
{
	return dax_core_to_dev(dev) && sysfs_streq(dev_name(dev), data);
}

/**
 * dax_core_dev_get_by_name() - find a daxkit device by its name
 * @name: "daxkitR.N"
 *
 * Return: the device, referenced (dax_core_dev_put() it), or NULL.
 */
struct daxkit_dev *dax_core_dev_get_by_name(const char *name)
{
	struct device *dev;

	dev = bus_find_device(&dax_core_bus_type, NULL, name, daxkit_match_name);
	return dev ? dax_core_to_dev(dev) : NULL;
}
DAXKIT_EXPORT(dax_core_dev_get_by_name);

/**
 * dax_core_dev_get_by_devt() - find a daxkit device by its node's number
 * @devt: the device number of /dev/daxkitR.N, or of its /dev/daxX.Y
 *
 * Return: the device, referenced (dax_core_dev_put() it), or NULL.
 */
struct daxkit_dev *dax_core_dev_get_by_devt(dev_t devt)
{
	struct device *dev;

	dev = bus_find_device(&dax_core_bus_type, NULL, &devt, daxkit_match_devt);
	return dev ? dax_core_to_dev(dev) : NULL;
}
DAXKIT_EXPORT(dax_core_dev_get_by_devt);

/**
 * dax_core_dev_put() - drop the reference a lookup took
 * @ddev: the device, or NULL
 */
void dax_core_dev_put(struct daxkit_dev *ddev)
{
	if (ddev)
		put_device(&ddev->dev);
}
DAXKIT_EXPORT(dax_core_dev_put);

/**
 * dax_core_dev_fsdax() - whether a filesystem's fs/dax.c can own the pages
 * @ddev: the device
 *
 * Return: true when its region's struct pages are MEMORY_DEVICE_FS_DAX
 * and order-0 (daxkit_region_info.fsdax).
 */
bool dax_core_dev_fsdax(struct daxkit_dev *ddev)
{
	return ddev->region->fsdax && ddev->region->kaddr;
}
DAXKIT_EXPORT(dax_core_dev_fsdax);

/**
 * dax_core_dev_forget_owners() - clear what mappings of the node left in
 *	struct page
 * @ddev: the device, which a holder has just taken (no file is open on it)
 *
 * Mappings of /dev/daxkitR.N name the device's inode in struct page; a
 * filesystem's fs/dax.c expects pages it has not mapped to name nothing.
 */
void dax_core_dev_forget_owners(struct daxkit_dev *ddev)
{
	int i;

	mutex_lock(&ddev->region->lock);
	for (i = 0; i < ddev->nr_range; i++)
		daxkit_clear_owners(ddev->region, ddev->ranges[i].res->start,
				    resource_size(ddev->ranges[i].res));
	mutex_unlock(&ddev->region->lock);
}
DAXKIT_EXPORT(dax_core_dev_forget_owners);

/**
 * dax_core_region_notify_failure() - route a memory failure to a holder
 * @region: the region whose memory failed
 * @phys: physical address of the failure
 * @len: its length in bytes
 * @mf_flags: memory_failure() flags
 *
 * For a provider's dev_pagemap memory_failure operation: finds the device
 * that owns @phys and tells its holder, with the offset in that device
 * (Req-15, Req-35).  A failure running past the end of the device's range
 * is cut there.
 *
 * Return: the holder's answer; -EOPNOTSUPP when no device owns @phys,
 * the device is not bound (dead) or has no holder, so that the kernel's
 * own handling runs (it marks the page poisoned and kills the processes
 * that map it).
 */
int dax_core_region_notify_failure(struct daxkit_region *region, phys_addr_t phys,
				   u64 len, int mf_flags)
{
	struct dax_core_device *dcore;
	u64 offset, room;
	int rc;

	dax_core_region_poison_seen(region);
	mutex_lock(&region->lock);
	dcore = daxkit_region_find(region, phys, &offset, &room);
	mutex_unlock(&region->lock);
	if (!dcore)
		return -EOPNOTSUPP;
	rc = dax_core_notify_failure(dcore, offset, min(len, room), mf_flags);
	dax_core_put(dcore);
	return rc == -ENXIO ? -EOPNOTSUPP : rc;
}
DAXKIT_EXPORT(dax_core_region_notify_failure);

/* ---- region attributes ---- */

static struct daxkit_region *dev_to_region(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t id_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_region(dev)->id);
}
static DEVICE_ATTR_RO(id);

static ssize_t region_size_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (unsigned long long)resource_size(&dev_to_region(dev)->res));
}
struct device_attribute dev_attr_region_size =
	__ATTR(size, 0444, region_size_show, NULL);

static ssize_t region_align_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_region(dev)->align);
}
struct device_attribute dev_attr_region_align =
	__ATTR(align, 0400, region_align_show, NULL);

/* The alignments a device of the region may take, as libnvdimm lists them. */
static ssize_t supported_alignments_show(struct device *dev,
					 struct device_attribute *attr, char *buf)
{
	static const unsigned long sizes[] = { PAGE_SIZE, PMD_SIZE, PUD_SIZE };
	struct daxkit_region *region = dev_to_region(dev);
	ssize_t len = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		if (!daxkit_region_align_ok(region, sizes[i]))
			continue;
		len += sysfs_emit_at(buf, len, "%s%lu", len ? " " : "", sizes[i]);
	}
	return len + sysfs_emit_at(buf, len, "\n");
}
static DEVICE_ATTR_RO(supported_alignments);

/*
 * Whose struct pages the region has: "fsdax" (MEMORY_DEVICE_FS_DAX, order
 * 0: a filesystem can hold its devices through dax_fs_helper) or "devdax".
 */
static ssize_t pages_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", dev_to_region(dev)->fsdax ? "fsdax" : "devdax");
}
static DEVICE_ATTR_RO(pages);

static ssize_t available_size_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct daxkit_region *region = dev_to_region(dev);
	u64 avail;

	mutex_lock(&region->lock);
	avail = daxkit_region_avail(region);
	mutex_unlock(&region->lock);
	return sysfs_emit(buf, "%llu\n", avail);
}
DEVICE_ATTR_RO(available_size);

static ssize_t seed_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct daxkit_region *region = dev_to_region(dev);
	ssize_t rc;

	mutex_lock(&region->lock);
	rc = sysfs_emit(buf, "%s\n", region->seed ? dev_name(&region->seed->dev) : "");
	mutex_unlock(&region->lock);
	return rc;
}
static DEVICE_ATTR_RO(seed);

static ssize_t create_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct daxkit_region *region = dev_to_region(dev);
	ssize_t rc;

	mutex_lock(&region->lock);
	rc = sysfs_emit(buf, "%s\n",
			region->youngest ? dev_name(&region->youngest->dev) : "");
	mutex_unlock(&region->lock);
	return rc;
}

static ssize_t create_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	struct daxkit_region *region = dev_to_region(dev);
	struct daxkit_dev *ddev;
	u64 avail;
	int rc, val;

	rc = kstrtoint(buf, 0, &val);
	if (rc)
		return rc;
	if (val != 1)
		return -EINVAL;
	mutex_lock(&region->lock);
	avail = daxkit_region_avail(region);
	mutex_unlock(&region->lock);
	if (!avail)
		return -ENOSPC;
	ddev = dax_core_dev_create(region, 0);
	return IS_ERR(ddev) ? PTR_ERR(ddev) : len;
}
static DEVICE_ATTR_RW(create);

static ssize_t delete_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t len)
{
	struct daxkit_region *region = dev_to_region(dev);
	struct daxkit_dev *ddev = NULL, *d;
	char name[32];
	int rc = -ENXIO;

	if (strscpy(name, buf, sizeof(name)) < 0)
		return -EINVAL;
	mutex_lock(&region->lock);
	list_for_each_entry(d, &region->devs, node) {
		if (!strcmp(dev_name(&d->dev), strim(name))) {
			ddev = d;
			get_device(&ddev->dev);
			break;
		}
	}
	mutex_unlock(&region->lock);
	if (!ddev)
		return -ENXIO;

	device_lock(&ddev->dev);
	mutex_lock(&region->lock);
	if (ddev->dead)
		rc = -ENXIO;
	else if (ddev->dev.driver || daxkit_dev_size(ddev) || ddev->id == 0)
		rc = -EBUSY;	/* device 0 stays, as in-tree */
	else
		rc = 0;
	if (!rc)
		daxkit_dev_detach(ddev);
	mutex_unlock(&region->lock);
	device_unlock(&ddev->dev);
	if (!rc)
		daxkit_dev_unregister(ddev);
	put_device(&ddev->dev);
	return rc ? rc : len;
}
static DEVICE_ATTR_WO(delete);

static struct attribute *daxkit_region_attrs[] = {
	&dev_attr_pages.attr,
	&dev_attr_id.attr,
	&dev_attr_region_size.attr,
	&dev_attr_region_align.attr,
	&dev_attr_supported_alignments.attr,
	&dev_attr_available_size.attr,
	&dev_attr_seed.attr,
	&dev_attr_create.attr,
	&dev_attr_delete.attr,
	NULL,
};

static const struct attribute_group daxkit_region_group = {
	.name = "daxkit_region",
	.attrs = daxkit_region_attrs,
};

/**
 * dax_core_region_create() - a region of persistent memory for daxkit
 * @parent: the provider's device; it gets the "daxkit_region" group and
 *	its driver data points at the region (it must have none of its own)
 * @info: the region's id, range, alignment, node and provider ops
 *
 * The region starts with no device; the provider creates them with
 * dax_core_dev_create(), users through the region's create attribute.
 *
 * Return: the region, or ERR_PTR(): -EINVAL for a bad range or
 * alignment, -EBUSY when @parent already has driver data, -ENOMEM.
 */
struct daxkit_region *dax_core_region_create(struct device *parent,
					     const struct daxkit_region_info *info)
{
	struct daxkit_region *region;
	int rc;

	if (!info->size || info->id < 0 || !daxkit_align_valid(info->align) ||
	    !IS_ALIGNED(info->start, info->align) ||
	    !IS_ALIGNED(info->size, info->align) ||
	    info->start + info->size - 1 < info->start)
		return ERR_PTR(-EINVAL);
	if (dev_get_drvdata(parent))
		return ERR_PTR(-EBUSY);
	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return ERR_PTR(-ENOMEM);
	region->id = info->id;
	region->dev = parent;
	snprintf(region->res_name, sizeof(region->res_name), "daxkit_region%d", info->id);
	region->res.name = region->res_name;
	region->res.start = info->start;
	region->res.end = info->start + info->size - 1;
	region->res.flags = IORESOURCE_MEM;
	region->align = info->align;
	region->target_node = info->target_node;
	region->kaddr = info->kaddr;
	region->async = info->async;
	region->fsdax = info->fsdax;
	region->persist = info->persist;
	region->persist_data = info->persist_data;
	region->view_id = -1;
	region->view_first = -1;
	ida_init(&region->ida);
	kref_init(&region->kref);
	mutex_init(&region->lock);
	INIT_LIST_HEAD(&region->devs);

	dev_set_drvdata(parent, region);
	rc = sysfs_create_group(&parent->kobj, &daxkit_region_group);
	if (rc) {
		dev_set_drvdata(parent, NULL);
		kref_put(&region->kref, daxkit_region_release);
		return ERR_PTR(rc);
	}
	return region;
}
DAXKIT_EXPORT(dax_core_region_create);

/**
 * dax_core_region_destroy() - remove a region and all its devices
 * @region: the region
 *
 * Each device is killed (no access succeeds any more, mappings are torn
 * down), unbound and removed; the region's memory is free for the
 * provider once this returns.
 */
void dax_core_region_destroy(struct daxkit_region *region)
{
	struct daxkit_dev *ddev, *next;
	LIST_HEAD(dying);

	sysfs_remove_group(&region->dev->kobj, &daxkit_region_group);
	mutex_lock(&region->lock);
	list_for_each_entry_safe(ddev, next, &region->devs, node) {
		daxkit_dev_detach(ddev);
		list_add_tail(&ddev->node, &dying);
	}
	mutex_unlock(&region->lock);
	list_for_each_entry_safe(ddev, next, &dying, node) {
		list_del_init(&ddev->node);
		daxkit_dev_unregister(ddev);
	}
	daxkit_view_region_hide(region);
	dev_set_drvdata(region->dev, NULL);
	kref_put(&region->kref, daxkit_region_release);
}
DAXKIT_EXPORT(dax_core_region_destroy);

int dax_core_bus_init(void)
{
	return bus_register(&dax_core_bus_type);
}

void dax_core_bus_exit(void)
{
	bus_unregister(&dax_core_bus_type);
}
