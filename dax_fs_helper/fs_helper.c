// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fs_helper: what an out-of-tree filesystem uses to do DAX on a daxkit
 * device.  At this stage it checks the core's ABI; the helpers follow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <daxkit/core.h>

static int __init dax_fs_helper_init(void)
{
	return dax_core_abi_check(KBUILD_MODNAME);
}

static void __exit dax_fs_helper_exit(void)
{
}

module_init(dax_fs_helper_init);
module_exit(dax_fs_helper_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: fs-dax helpers for out-of-tree filesystems");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
DAXKIT_IMPORT_NS();
