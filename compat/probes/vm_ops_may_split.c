// SPDX-License-Identifier: GPL-2.0
/*
 * probe: vm_operations_struct.may_split (renamed from .split in v5.11)
 */
#include <linux/mm.h>

static int daxkit_probe_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return 0;
}

const struct vm_operations_struct daxkit_probe_vm_ops = {
	.may_split = daxkit_probe_may_split,
};
