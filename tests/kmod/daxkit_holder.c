// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit_holder: a stand-in for a filesystem, for the suite.  At load it
 * becomes the holder of one daxkit device and logs every failure notice
 * it hears, one line each:
 *
 *   daxkit_holder: daxkit0.0: failure at offset 0x... len 0x... flags 0x...
 *
 * parent= names the platform device the region hangs off (daxkit_pmem.N),
 * dev= the device (daxkitR.N).
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <daxkit/core.h>

static char *parent = "daxkit_pmem.0";
module_param(parent, charp, 0444);
MODULE_PARM_DESC(parent, "platform device of the region");
static char *dev = "daxkit0.0";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "the daxkit device to hold");

static struct dax_core_device *held;

static int holder_notify_failure(struct dax_core_device *dcore, u64 offset,
				 u64 len, int mf_flags)
{
	pr_info("daxkit_holder: %s: failure at offset %#llx len %#llx flags %#x\n",
		dev, offset, len, mf_flags);
	return 0;
}

static const struct dax_core_holder_operations holder_ops = {
	.notify_failure = holder_notify_failure,
};

static struct dax_core_device *holder_find(void)
{
	struct dax_core_device *dcore = NULL;
	struct device *p, *d;

	p = bus_find_device_by_name(&platform_bus_type, NULL, parent);
	if (!p)
		return NULL;
	d = device_find_child_by_name(p, dev);
	if (d) {
		dcore = dax_core_dev_dax(dax_core_to_dev(d));
		dax_core_get(dcore);
		put_device(d);
	}
	put_device(p);
	return dcore;
}

static int __init holder_init(void)
{
	int rc;

	held = holder_find();
	if (!held)
		return -ENODEV;
	rc = dax_core_holder_register(held, &held, &holder_ops);
	if (rc)
		dax_core_put(held);
	return rc;
}

static void __exit holder_exit(void)
{
	dax_core_holder_unregister(held, &held);
	dax_core_put(held);
}

module_init(holder_init);
module_exit(holder_exit);
MODULE_DESCRIPTION("daxkit: a test holder that logs failure notices");
MODULE_LICENSE("GPL");
DAXKIT_IMPORT_NS();
