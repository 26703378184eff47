// SPDX-License-Identifier: GPL-2.0
/*
 * Drivers that bind only the devices named to them: system-ram mode.
 *
 * dax_dev binds every daxkit device.  A driver registered by id binds a
 * device only once user space writes the device's name to the driver's
 * new_id file, and from then on it is the only driver that matches the
 * device, so reloading dax_dev never takes it back.  remove_id asks the
 * driver to let the device go (it may refuse: the write fails and nothing
 * changed), unbinds it and forgets the name: the device matches dax_dev
 * again, which binds it through its bind file.  This is the shape of the
 * kernel's dax bus (kmem's new_id and remove_id), which daxctl drives.
 *
 * A name is one device's: new_id succeeds only when that device exists,
 * is unbound, and the driver's probe takes it; the name goes when the
 * device is deleted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <daxkit/core.h>
#include "dax_core.h"

/* daxkitR.N: room for two ints */
#define DAXKIT_BYID_NAME_MAX	32

/**
 * struct daxkit_byid - a driver registered by id
 * @node: in daxkit_byid_drivers
 * @drv: the driver
 * @leave: asked before remove_id unbinds a device; an errno refuses
 * @names: the devices named to it (struct daxkit_byid_name)
 * @files: its new_id and remove_id files exist
 */
struct daxkit_byid {
	struct list_head node;
	struct device_driver *drv;
	int (*leave)(struct daxkit_dev *ddev);
	struct list_head names;
	bool files;
};

struct daxkit_byid_name {
	struct list_head node;
	char name[DAXKIT_BYID_NAME_MAX];
};

static LIST_HEAD(daxkit_byid_drivers);
/* The drivers and their names; taken by match, under a device's lock. */
static DEFINE_MUTEX(daxkit_byid_lock);
/* One new_id or remove_id at a time: a name's checks and its binding. */
static DEFINE_MUTEX(daxkit_byid_op_lock);

static struct daxkit_byid *daxkit_byid_of(const struct device_driver *drv)
{
	struct daxkit_byid *b;

	lockdep_assert_held(&daxkit_byid_lock);
	list_for_each_entry(b, &daxkit_byid_drivers, node)
		if (b->drv == drv)
			return b;
	return NULL;
}

/* The driver @name is named to, or NULL. */
static struct daxkit_byid *daxkit_byid_owner(const char *name)
{
	struct daxkit_byid_name *n;
	struct daxkit_byid *b;

	lockdep_assert_held(&daxkit_byid_lock);
	list_for_each_entry(b, &daxkit_byid_drivers, node)
		list_for_each_entry(n, &b->names, node)
			if (!strcmp(n->name, name))
				return b;
	return NULL;
}

/**
 * daxkit_byid_match() - whether @drv may bind @dev, a daxkit device
 * @dev: the device
 * @drv: the driver
 *
 * A device named to a by-id driver matches that driver only; any other
 * matches every driver not registered by id.
 *
 * Return: 1 on a match, else 0.
 */
int daxkit_byid_match(struct device *dev, const struct device_driver *drv)
{
	struct daxkit_byid *owner, *b;

	mutex_lock(&daxkit_byid_lock);
	owner = daxkit_byid_owner(dev_name(dev));
	b = daxkit_byid_of(drv);
	mutex_unlock(&daxkit_byid_lock);
	return b ? owner == b : !owner;
}

/* Copy a written device name, without its newline. */
static int daxkit_byid_parse(const char *buf, char *name)
{
	if (strscpy(name, buf, DAXKIT_BYID_NAME_MAX) < 0)
		return -EINVAL;
	strim(name);
	return *name ? 0 : -EINVAL;
}

static int daxkit_byid_add(struct device_driver *drv, const char *name)
{
	struct daxkit_byid_name *n;
	struct daxkit_byid *b;
	int rc = 0;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	strscpy(n->name, name, sizeof(n->name));
	mutex_lock(&daxkit_byid_lock);
	b = daxkit_byid_of(drv);
	if (!b)
		rc = -ENODEV;
	else if (daxkit_byid_owner(name))
		rc = -EEXIST;
	else
		list_add_tail(&n->node, &b->names);
	mutex_unlock(&daxkit_byid_lock);
	if (rc)
		kfree(n);
	return rc;
}

/* With daxkit_byid_lock held: drop @name from @b; whether it was there. */
static bool daxkit_byid_del_locked(struct daxkit_byid *b, const char *name)
{
	struct daxkit_byid_name *n;

	lockdep_assert_held(&daxkit_byid_lock);
	list_for_each_entry(n, &b->names, node) {
		if (!strcmp(n->name, name)) {
			list_del(&n->node);
			kfree(n);
			return true;
		}
	}
	return false;
}

static bool daxkit_byid_del(struct device_driver *drv, const char *name)
{
	struct daxkit_byid *b;
	bool found = false;

	mutex_lock(&daxkit_byid_lock);
	b = daxkit_byid_of(drv);
	if (b)
		found = daxkit_byid_del_locked(b, name);
	mutex_unlock(&daxkit_byid_lock);
	return found;
}

/*
 * Bind @dev, already named to @drv, to it.  Return: 0 once bound, else
 * -EBUSY for a device bound elsewhere or the error of @drv's probe.
 */
static int daxkit_byid_attach(struct device *dev, struct device_driver *drv)
{
	struct daxkit_dev *ddev = dax_core_to_dev(dev);
	int rc;

	device_lock(dev);
	rc = dev->driver ? -EBUSY : 0;
	ddev->probe_rc = -ENXIO;
	device_unlock(dev);
	if (rc)
		return rc;
	rc = device_attach(dev);
	if (rc < 0)
		return rc;
	device_lock(dev);
	rc = dev->driver == drv ? 0 : ddev->probe_rc ? ddev->probe_rc : -ENXIO;
	device_unlock(dev);
	return rc;
}

static ssize_t new_id_store(struct device_driver *drv, const char *buf,
			    size_t count)
{
	char name[DAXKIT_BYID_NAME_MAX];
	struct device *dev;
	int rc;

	rc = daxkit_byid_parse(buf, name);
	if (rc)
		return rc;
	dev = bus_find_device_by_name(&dax_core_bus_type, NULL, name);
	if (!dev)
		return -ENODEV;
	if (!daxkit_is_dev(dev)) {
		put_device(dev);
		return -ENODEV;
	}
	mutex_lock(&daxkit_byid_op_lock);
	rc = daxkit_byid_add(drv, name);
	if (!rc) {
		rc = daxkit_byid_attach(dev, drv);
		if (rc)
			daxkit_byid_del(drv, name);
	}
	mutex_unlock(&daxkit_byid_op_lock);
	put_device(dev);
	return rc ? rc : count;
}
static DRIVER_ATTR_WO(new_id);

/* Ask @b's driver to let @dev go, then unbind it.  Return: 0 or its no. */
static int daxkit_byid_detach(struct daxkit_byid *b, struct device *dev)
{
	bool bound;
	int rc = 0;

	device_lock(dev);
	bound = dev->driver == b->drv;
	if (bound && b->leave)
		rc = b->leave(dax_core_to_dev(dev));
	device_unlock(dev);
	if (bound && !rc)
		device_release_driver(dev);
	return rc;
}

static ssize_t remove_id_store(struct device_driver *drv, const char *buf,
			       size_t count)
{
	char name[DAXKIT_BYID_NAME_MAX];
	struct daxkit_byid *b;
	struct device *dev;
	int rc;

	rc = daxkit_byid_parse(buf, name);
	if (rc)
		return rc;
	mutex_lock(&daxkit_byid_op_lock);
	mutex_lock(&daxkit_byid_lock);
	b = daxkit_byid_of(drv);
	rc = b && daxkit_byid_owner(name) == b ? 0 : -ENODEV;
	mutex_unlock(&daxkit_byid_lock);
	dev = rc ? NULL : bus_find_device_by_name(&dax_core_bus_type, NULL, name);
	if (dev) {
		rc = daxkit_byid_detach(b, dev);
		put_device(dev);
	}
	if (!rc)
		daxkit_byid_del(drv, name);
	mutex_unlock(&daxkit_byid_op_lock);
	return rc ? rc : count;
}
static DRIVER_ATTR_WO(remove_id);

/**
 * dax_core_driver_register_by_id() - register a driver of named devices only
 * @ddrv: the driver, as for dax_core_driver_register(); set
 *	@ddrv->drv.suppress_bind_attrs when it must be able to refuse to let
 *	a device go (the generic unbind file cannot refuse)
 * @leave: called under the device's lock when remove_id names a device
 *	@ddrv has bound, before it is unbound; an errno refuses, and the
 *	device stays bound.  NULL: never refuses
 *
 * The driver gets new_id and remove_id files in its sysfs directory; it
 * binds no device until one is named there.
 *
 * Return: 0, -ENOMEM, or the error of registering the driver or its files.
 */
int dax_core_driver_register_by_id(struct dax_core_driver *ddrv,
				   int (*leave)(struct daxkit_dev *ddev))
{
	struct daxkit_byid *b;
	int rc;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->drv = &ddrv->drv;
	b->leave = leave;
	INIT_LIST_HEAD(&b->names);
	mutex_lock(&daxkit_byid_lock);
	list_add_tail(&b->node, &daxkit_byid_drivers);
	mutex_unlock(&daxkit_byid_lock);
	rc = dax_core_driver_register(ddrv);
	if (rc) {
		daxkit_byid_forget(&ddrv->drv);
		return rc;
	}
	b->files = true;
	rc = driver_create_file(&ddrv->drv, &driver_attr_new_id);
	if (!rc)
		rc = driver_create_file(&ddrv->drv, &driver_attr_remove_id);
	if (rc)
		dax_core_driver_unregister(ddrv);
	return rc;
}
DAXKIT_EXPORT(dax_core_driver_register_by_id);

/**
 * daxkit_byid_remove_files() - no new_id or remove_id of @drv runs any more
 * @drv: any daxkit driver; nothing happens for one not registered by id
 *
 * Waits for writes in flight.  The first step of unregistering.
 */
void daxkit_byid_remove_files(struct device_driver *drv)
{
	struct daxkit_byid *b;
	bool files;

	mutex_lock(&daxkit_byid_lock);
	b = daxkit_byid_of(drv);
	files = b && b->files;
	if (b)
		b->files = false;
	mutex_unlock(&daxkit_byid_lock);
	if (!files)
		return;
	driver_remove_file(drv, &driver_attr_remove_id);
	driver_remove_file(drv, &driver_attr_new_id);
}

/**
 * daxkit_byid_forget() - @drv is gone: drop its names and its entry
 * @drv: any daxkit driver; nothing happens for one not registered by id
 *
 * Call after driver_unregister(), so that the driver never matches an
 * unnamed device meanwhile.
 */
void daxkit_byid_forget(struct device_driver *drv)
{
	struct daxkit_byid_name *n, *next;
	struct daxkit_byid *b;

	mutex_lock(&daxkit_byid_lock);
	b = daxkit_byid_of(drv);
	if (b)
		list_del(&b->node);
	mutex_unlock(&daxkit_byid_lock);
	if (!b)
		return;
	list_for_each_entry_safe(n, next, &b->names, node)
		kfree(n);
	kfree(b);
}

/**
 * daxkit_byid_dev_gone() - a device is deleted: its name is nobody's
 * @name: the device's name
 */
void daxkit_byid_dev_gone(const char *name)
{
	struct daxkit_byid *b;

	mutex_lock(&daxkit_byid_lock);
	b = daxkit_byid_owner(name);
	if (b)
		daxkit_byid_del_locked(b, name);
	mutex_unlock(&daxkit_byid_lock);
}
