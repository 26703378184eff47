// SPDX-License-Identifier: GPL-2.0
/*
 * probe: no class dax in the kernel's DAX core (CONFIG_DEV_DAX_PMEM_COMPAT unset)
 *
 * With CONFIG_DEV_DAX_PMEM_COMPAT (v5.1 to v5.16, =m or =y) the built-in
 * DAX core registers class "dax" at boot; a second registration would fail
 * with a duplicate-name warning, so daxkit must know before it tries.
 */
#include <linux/kconfig.h>

#if IS_ENABLED(CONFIG_DEV_DAX_PMEM_COMPAT)
#error "the DAX core of this kernel owns class dax"
#endif

int daxkit_probe_dax_class_free;
