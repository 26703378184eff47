// SPDX-License-Identifier: GPL-2.0
/*
 * dax_core: the registry of the daxkit DAX stack.
 *
 * It owns the registry of dax_core_device objects (super.c), the daxkit
 * bus with its regions and devices (bus.c), and the character-device
 * region that daxkit devices take their numbers from, and publishes the
 * ABI version its dependents check at load time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <daxkit/core.h>
#include "dax_core.h"

/*
 * A dynamic major and every minor alloc_chrdev_region() can hand out:
 * asking for a fixed count invites both a too-small limit and a request
 * the allocator refuses (Req-31).
 */
#define DAX_CORE_NR_MINORS	(MINORMASK + 1)

dev_t dax_core_devt;

/**
 * dax_core_abi_version() - the ABI version this dax_core implements
 *
 * Return: DAX_CORE_ABI(major, minor) of the running core.  Dependents
 * compare it with the version they were built for through
 * dax_core_abi_check().
 */
u32 dax_core_abi_version(void)
{
	return DAX_CORE_ABI(DAX_CORE_ABI_MAJOR, DAX_CORE_ABI_MINOR);
}
DAXKIT_EXPORT(dax_core_abi_version);

/*
 * The abi_version parameter: the ABI this core implements, "MAJOR.MINOR",
 * in /sys/module/dax_core/parameters/abi_version for user space (`daxkit
 * modules`).  Read-only: a value given at load time fails the load.
 */
static int dax_core_abi_param_set(const char *val, const struct kernel_param *kp)
{
	pr_warn_ratelimited("abi_version is read-only: it is %s\n", DAX_CORE_ABI_STR);
	return -EPERM;
}

static int dax_core_abi_param_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n", DAX_CORE_ABI_STR);
}

static const struct kernel_param_ops dax_core_abi_param_ops = {
	.set = dax_core_abi_param_set,
	.get = dax_core_abi_param_get,
};
module_param_cb(abi_version, &dax_core_abi_param_ops, NULL, 0444);
MODULE_PARM_DESC(abi_version, "the dax_core ABI this module implements (read-only)");

static int __init dax_core_init(void)
{
	int rc;

	rc = dax_core_fs_init();
	if (rc)
		return rc;

	rc = alloc_chrdev_region(&dax_core_devt, 0, DAX_CORE_NR_MINORS,
				 "daxkit");
	if (rc)
		goto err_chrdev;

	rc = dax_core_bus_init();
	if (rc)
		goto err_bus;

	rc = daxkit_view_init();
	if (rc)
		goto err_view;

	pr_info("ABI %u.%u, chrdev major %u\n", DAX_CORE_ABI_MAJOR,
		DAX_CORE_ABI_MINOR, MAJOR(dax_core_devt));
	return 0;

err_view:
	dax_core_bus_exit();
err_bus:
	unregister_chrdev_region(dax_core_devt, DAX_CORE_NR_MINORS);
err_chrdev:
	dax_core_fs_exit();
	return rc;
}

static void __exit dax_core_exit(void)
{
	daxkit_view_exit();
	dax_core_bus_exit();
	unregister_chrdev_region(dax_core_devt, DAX_CORE_NR_MINORS);
	dax_core_fs_exit();
}

module_init(dax_core_init);
module_exit(dax_core_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: DAX device registry and the daxkit bus");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
MODULE_INFO(daxkit_abi, DAX_CORE_ABI_STR);
