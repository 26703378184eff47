// SPDX-License-Identifier: GPL-2.0
/*
 * dax_dev: the mappable character device of daxkit (device-dax semantics).
 *
 * At this stage it checks the core's ABI and binds to daxkit devices that
 * have a size; the character device and mmap come next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <daxkit/core.h>

static int dax_dev_probe(struct daxkit_dev *ddev)
{
	/* A region with no memory behind it (a test region) is not served. */
	if (!dax_core_dev_has_memory(ddev))
		return -ENXIO;
	return 0;
}

static void dax_dev_remove(struct daxkit_dev *ddev)
{
}

static struct dax_core_driver dax_dev_driver = {
	.drv = {
		.name = "dax_dev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = dax_dev_probe,
	.remove = dax_dev_remove,
};

static int __init dax_dev_init(void)
{
	int rc;

	rc = dax_core_abi_check(KBUILD_MODNAME);
	if (rc)
		return rc;
	return dax_core_driver_register(&dax_dev_driver);
}

static void __exit dax_dev_exit(void)
{
	dax_core_driver_unregister(&dax_dev_driver);
}

module_init(dax_dev_init);
module_exit(dax_dev_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: mappable character devices over persistent memory");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
MODULE_ALIAS("daxkit:t0*");
DAXKIT_IMPORT_NS();
