// SPDX-License-Identifier: GPL-2.0
/*
 * probe: pfn_t, phys_to_pfn_t() and PFN_DEV|PFN_MAP (gone in v6.17)
 */
#include <linux/mm.h>
#include <linux/pfn_t.h>

pfn_t daxkit_probe_pfn(phys_addr_t phys);
pfn_t daxkit_probe_pfn(phys_addr_t phys)
{
	return phys_to_pfn_t(phys, PFN_DEV | PFN_MAP);
}
