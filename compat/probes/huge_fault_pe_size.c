// SPDX-License-Identifier: GPL-2.0
/*
 * probe: huge_fault takes an enum page_entry_size (before v6.6, an order after)
 *
 * An order argument (unsigned int) and the enum are compatible types to the
 * compiler, so probe for the enum itself.
 */
#include <linux/mm.h>

static vm_fault_t daxkit_probe_huge_fault(struct vm_fault *vmf, enum page_entry_size pe)
{
	return pe == PE_SIZE_PMD ? VM_FAULT_FALLBACK : VM_FAULT_SIGBUS;
}

const struct vm_operations_struct daxkit_probe_vm_ops = {
	.huge_fault = daxkit_probe_huge_fault,
};
