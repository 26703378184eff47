// SPDX-License-Identifier: GPL-2.0
/*
 * probe: vm_flags_set(), vma->vm_flags read-only (v6.3)
 */
#include <linux/mm.h>

void daxkit_probe_flags(struct vm_area_struct *vma);
void daxkit_probe_flags(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_HUGEPAGE);
}
