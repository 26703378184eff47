// SPDX-License-Identifier: GPL-2.0
/*
 * The class view: daxkit devices as the programs users run look for
 * device-dax (PMDK, daxio, daxctl, fio, QEMU).  They recognise a device
 * only when /sys/dev/char/M:m/subsystem is named "dax", and PMDK and daxctl
 * find it the way the kernel presented device-dax before v5.1: a device
 * of class "dax" named dax<R>.<n>, a child of the region's device, whose
 * node is /dev/dax<R>.<n>, with the "dax_region" group on the region's
 * device (docs/clients-research.md says what each client reads).
 *
 * A region is shown this way only when its provider asks for it with the
 * id those clients compute: for a libnvdimm devdax namespace, the nd
 * region id, with the region's device being the nd_dax.  Any other region
 * (legacy ranges, ranges=, stacked block devices) stays on the daxkit bus
 * alone: PMDK would crash on a device of subsystem "dax" that no nd_dax
 * lists, and refuses one of subsystem "daxkit" cleanly.
 *
 * A shown device has a second minor: /dev/daxkitR.N (subsystem daxkit)
 * and /dev/dax<R>.<n> (subsystem dax) open the same device through the
 * same driver.  The names cannot collide with the in-tree stack's: the
 * nd region id comes from the allocator the in-tree hmem and CXL regions
 * share (memregion), and an nd_dax is bound by one driver only.
 *
 * Where the kernel's own DAX core owns class "dax" (kernels built with
 * CONFIG_DEV_DAX_PMEM_COMPAT, v5.1 to v5.16) no device is shown; one log
 * line says so at load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <daxkit/core.h>
#include "dax_core.h"

/* n of dax<R>.<n>: device 0 takes the provider's, the others these. */
#define DAXKIT_VIEW_N_BITS	12
#define DAXKIT_VIEW_N_MASK	((1 << DAXKIT_VIEW_N_BITS) - 1)
#define DAXKIT_VIEW_N_DYNAMIC	256

static struct class daxkit_view_class = {
	.name = "dax",
};

static bool daxkit_view_registered;
/* (R << DAXKIT_VIEW_N_BITS) | n of every shown device: no name twice. */
static DEFINE_IDA(daxkit_view_ida);

/**
 * struct daxkit_view_attr - an attribute of the view that shows the
 *	daxkit device's attribute of the same name
 * @attr: the view's attribute
 * @target: the daxkit device's
 */
struct daxkit_view_attr {
	struct device_attribute attr;
	struct device_attribute *target;
};

static struct daxkit_dev *view_to_ddev(struct device *view)
{
	return dev_get_drvdata(view);
}

/* Show @attr's target attribute of @dev. */
static ssize_t daxkit_view_forward(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	struct daxkit_view_attr *va = container_of(attr, struct daxkit_view_attr, attr);

	return va->target->show(dev, va->target, buf);
}

/* A view's attribute: its daxkit device's. */
static ssize_t daxkit_view_show(struct device *view, struct device_attribute *attr,
				char *buf)
{
	return daxkit_view_forward(&view_to_ddev(view)->dev, attr, buf);
}

#define DAXKIT_VIEW_ATTR(_name, _mode)					\
	static struct daxkit_view_attr daxkit_view_##_name = {		\
		.attr = __ATTR(_name, _mode, daxkit_view_show, NULL),	\
		.target = &dev_attr_##_name,				\
	}

DAXKIT_VIEW_ATTR(size, 0444);
DAXKIT_VIEW_ATTR(align, 0444);
DAXKIT_VIEW_ATTR(resource, 0400);
DAXKIT_VIEW_ATTR(target_node, 0444);
DAXKIT_VIEW_ATTR(numa_node, 0444);

static struct attribute *daxkit_view_attrs[] = {
	&daxkit_view_size.attr.attr,
	&daxkit_view_align.attr.attr,
	&daxkit_view_resource.attr.attr,
	&daxkit_view_target_node.attr.attr,
	&daxkit_view_numa_node.attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(daxkit_view);

/* The view holds its daxkit device, so the attributes above may use it. */
static void daxkit_view_release(struct device *view)
{
	struct daxkit_dev *ddev = view_to_ddev(view);

	dax_core_minor_put(MINOR(view->devt));
	ida_free(&daxkit_view_ida, ddev->view_key);
	kfree(view);
	put_device(&ddev->dev);
}

static const struct device_type daxkit_view_type = {
	.name = "dax",
	.release = daxkit_view_release,
	.groups = daxkit_view_groups,
};

/*
 * A key no other shown device has: device 0 takes n from the provider
 * (clients find a device by R and its node, so any free n would do).
 */
static int daxkit_view_key(struct daxkit_dev *ddev)
{
	struct daxkit_region *region = ddev->region;
	int base = region->view_id << DAXKIT_VIEW_N_BITS;
	int key = -ENOSPC;

	if (ddev->id == 0 && region->view_first >= 0 &&
	    region->view_first < DAXKIT_VIEW_N_DYNAMIC)
		key = ida_alloc_range(&daxkit_view_ida, base + region->view_first,
				      base + region->view_first, GFP_KERNEL);
	if (key == -ENOSPC)
		key = ida_alloc_range(&daxkit_view_ida, base + DAXKIT_VIEW_N_DYNAMIC,
				      base + DAXKIT_VIEW_N_MASK, GFP_KERNEL);
	return key;
}

static struct device *daxkit_view_alloc(struct daxkit_dev *ddev)
{
	struct device *view;
	int minor, key, rc;

	key = daxkit_view_key(ddev);
	if (key < 0)
		return ERR_PTR(key);
	minor = dax_core_minor_get();
	if (minor < 0) {
		rc = minor;
		goto err_minor;
	}
	view = kzalloc(sizeof(*view), GFP_KERNEL);
	if (!view) {
		rc = -ENOMEM;
		goto err_alloc;
	}
	ddev->view_key = key;
	get_device(&ddev->dev);
	device_initialize(view);
	view->class = &daxkit_view_class;
	view->type = &daxkit_view_type;
	view->parent = ddev->region->dev;
	view->devt = MKDEV(MAJOR(dax_core_devt), minor);
	dev_set_drvdata(view, ddev);
	set_dev_node(view, dev_to_node(&ddev->dev));
	return view;

err_alloc:
	dax_core_minor_put(minor);
err_minor:
	ida_free(&daxkit_view_ida, key);
	return ERR_PTR(rc);
}

/**
 * daxkit_view_add() - show a new device in class "dax" if its region is
 * @ddev: the device, initialised and not yet added to the bus
 *
 * Return: 0 (also for a region not shown), or the errno of the step that
 * failed, with nothing left behind.
 */
int daxkit_view_add(struct daxkit_dev *ddev)
{
	struct device *view;
	int key, rc;

	if (!daxkit_view_registered || ddev->region->view_id < 0)
		return 0;
	view = daxkit_view_alloc(ddev);
	if (IS_ERR(view))
		return PTR_ERR(view);
	key = ddev->view_key;
	rc = dev_set_name(view, "dax%d.%d", key >> DAXKIT_VIEW_N_BITS,
			  key & DAXKIT_VIEW_N_MASK);
	if (!rc)
		rc = device_add(view);
	if (rc) {
		put_device(view);
		return rc;
	}
	ddev->view = view;
	return 0;
}

/**
 * daxkit_view_del() - take a device out of class "dax"
 * @ddev: the device, unbound: no cdev has the view's number any more,
 *	which the view's release gives back
 */
void daxkit_view_del(struct daxkit_dev *ddev)
{
	struct device *view = ddev->view;

	if (!view)
		return;
	ddev->view = NULL;
	device_unregister(view);
}

/**
 * dax_core_dev_view_devt() - the second device number of a shown device
 * @ddev: the device
 *
 * Return: the number of /dev/dax<R>.<n>, or 0 when the device is not
 * shown in class "dax".  A driver serves it like the device's own.
 */
dev_t dax_core_dev_view_devt(struct daxkit_dev *ddev)
{
	return ddev->view ? ddev->view->devt : 0;
}
DAXKIT_EXPORT(dax_core_dev_view_devt);

static ssize_t dax_region_id_show(struct device *dev, struct device_attribute *attr,
				  char *buf)
{
	struct daxkit_region *region = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", region->view_id);
}

#define DAXKIT_REGION_VIEW_ATTR(_name, _target)					\
	static struct daxkit_view_attr daxkit_region_view_##_name = {		\
		.attr = __ATTR(_name, 0444, daxkit_view_forward, NULL),		\
		.target = &_target,						\
	}

static struct device_attribute dax_region_id = __ATTR(id, 0444, dax_region_id_show, NULL);
DAXKIT_REGION_VIEW_ATTR(size, dev_attr_region_size);
DAXKIT_REGION_VIEW_ATTR(align, dev_attr_region_align);
DAXKIT_REGION_VIEW_ATTR(available_size, dev_attr_available_size);

static struct attribute *dax_region_attrs[] = {
	&dax_region_id.attr,
	&daxkit_region_view_size.attr.attr,
	&daxkit_region_view_align.attr.attr,
	&daxkit_region_view_available_size.attr.attr,
	NULL,
};

static const struct attribute_group dax_region_group = {
	.name = "dax_region",
	.attrs = dax_region_attrs,
};

/**
 * dax_core_region_show_dax() - show a region's devices in class "dax"
 * @region: a region with no device yet
 * @id: R of the devices' names dax<R>.<n>: the id the clients derive
 *	from the region's device (for an nd_dax, its nd region's id)
 * @first: n of device 0 (for an nd_dax, the namespace's number); the
 *	devices created later take n from 256 on
 *
 * The region's device gets the "dax_region" group (id, size, align,
 * available_size) and each device of the region a device of class "dax"
 * beside it.  Where the kernel owns class "dax" it does nothing and
 * returns 0: the devices are then on the daxkit bus alone.
 *
 * Return: 0, -EINVAL for a negative @id or a region that has devices,
 * or the errno of creating the group.  Undone by dax_core_region_destroy().
 */
int dax_core_region_show_dax(struct daxkit_region *region, int id, int first)
{
	int rc;

	if (id < 0 || id >= 1 << (30 - DAXKIT_VIEW_N_BITS))
		return -EINVAL;
	if (!daxkit_view_registered)
		return 0;
	mutex_lock(&region->lock);
	rc = list_empty(&region->devs) && region->view_id < 0 ? 0 : -EINVAL;
	mutex_unlock(&region->lock);
	if (rc)
		return rc;
	rc = sysfs_create_group(&region->dev->kobj, &dax_region_group);
	if (rc)
		return rc;
	region->view_first = first;
	region->view_id = id;
	return 0;
}
DAXKIT_EXPORT(dax_core_region_show_dax);

/**
 * daxkit_view_region_hide() - undo dax_core_region_show_dax()
 * @region: the region, whose devices are gone
 */
void daxkit_view_region_hide(struct daxkit_region *region)
{
	if (region->view_id < 0)
		return;
	sysfs_remove_group(&region->dev->kobj, &dax_region_group);
	region->view_id = -1;
}

/**
 * daxkit_view_init() - register class "dax", unless the kernel has it
 *
 * Return: 0, or the errno of class_register().
 */
int daxkit_view_init(void)
{
	int rc;

	if (!IS_ENABLED(HAVE_DAX_CLASS_FREE)) {
		pr_info("the kernel's DAX core owns class dax (CONFIG_DEV_DAX_PMEM_COMPAT): devices are /dev/daxkitR.N only, which PMDK, daxctl and QEMU do not recognise\n");
		return 0;
	}
	rc = class_register(&daxkit_view_class);
	if (rc)
		return rc;
	daxkit_view_registered = true;
	return 0;
}

/**
 * daxkit_view_exit() - undo daxkit_view_init(); every device is gone
 */
void daxkit_view_exit(void)
{
	if (daxkit_view_registered)
		class_unregister(&daxkit_view_class);
	daxkit_view_registered = false;
}
