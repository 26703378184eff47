// SPDX-License-Identifier: GPL-2.0
/*
 * dax_pmem: puts persistent memory into daxkit.
 *
 * It carries the name of the in-tree dax_pmem on purpose: installed under
 * updates/, it shadows that module, so `modprobe dax_pmem` starts daxkit.
 * At this stage it checks the core's ABI; finding the memory comes next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <daxkit/core.h>

static int __init dax_pmem_init(void)
{
	return dax_core_abi_check(KBUILD_MODNAME);
}

static void __exit dax_pmem_exit(void)
{
}

module_init(dax_pmem_init);
module_exit(dax_pmem_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: persistent memory provider (legacy ranges, libnvdimm namespaces)");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
/* The devices dax_pmem provides are mapped through dax_dev: load it first. */
MODULE_SOFTDEP("pre: dax_dev");
DAXKIT_IMPORT_NS();
