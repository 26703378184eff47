/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkit core: the registry every other daxkit module builds on.
 *
 * The modules of the suite are versioned separately.  dax_core exports the
 * ABI version it implements; a dependent module checks at load time that it
 * was built for a compatible one (same major, core minor at least the one
 * it was built against) and refuses to load otherwise.
 */
#ifndef _DAXKIT_CORE_H
#define _DAXKIT_CORE_H

#include <linux/types.h>
#include <linux/device.h>
#include <daxkit/compat.h>

#define DAX_CORE_ABI_MAJOR	1
#define DAX_CORE_ABI_MINOR	0

#define DAX_CORE_ABI(major, minor)	(((u32)(major) << 16) | (u16)(minor))
#define DAX_CORE_ABI_MAJOR_OF(abi)	((abi) >> 16)
#define DAX_CORE_ABI_MINOR_OF(abi)	((abi) & 0xffff)

/*
 * The ABI this module was built for.  DAXKIT_ABI_SKEW exists for the test
 * suite only: it builds dependents that expect an ABI no core provides.
 */
#ifdef DAXKIT_ABI_SKEW
#define DAX_CORE_ABI_WANTED \
	DAX_CORE_ABI(DAX_CORE_ABI_MAJOR + DAXKIT_ABI_SKEW, DAX_CORE_ABI_MINOR)
#else
#define DAX_CORE_ABI_WANTED \
	DAX_CORE_ABI(DAX_CORE_ABI_MAJOR, DAX_CORE_ABI_MINOR)
#endif

u32 dax_core_abi_version(void);
int dax_core_driver_register(struct device_driver *drv);
void dax_core_driver_unregister(struct device_driver *drv);

/**
 * dax_core_abi_check() - refuse to run against an incompatible dax_core
 * @modname: name of the calling module, for the log line
 *
 * Call first thing in a dependent module's init function.
 *
 * Return: 0 when the loaded dax_core implements the ABI the caller was
 * built for, else -ENOEXEC after one kernel-log line saying both versions.
 */
static inline int dax_core_abi_check(const char *modname)
{
	u32 have = dax_core_abi_version();
	u32 want = DAX_CORE_ABI_WANTED;

	if (DAX_CORE_ABI_MAJOR_OF(have) == DAX_CORE_ABI_MAJOR_OF(want) &&
	    DAX_CORE_ABI_MINOR_OF(have) >= DAX_CORE_ABI_MINOR_OF(want))
		return 0;

	/* printk, not pr_err: the caller's pr_fmt would name it twice. */
	printk(KERN_ERR "%s: built for dax_core ABI %u.%u, but the loaded dax_core provides ABI %u.%u; refusing to load\n",
	       modname, DAX_CORE_ABI_MAJOR_OF(want), DAX_CORE_ABI_MINOR_OF(want),
	       DAX_CORE_ABI_MAJOR_OF(have), DAX_CORE_ABI_MINOR_OF(have));
	return -ENOEXEC;
}

#endif /* _DAXKIT_CORE_H */
