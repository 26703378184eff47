// SPDX-License-Identifier: GPL-2.0
/*
 * probe: mm_get_unmapped_area(filp, addr, len, pgoff, flags) (v6.13 or so)
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>

unsigned long daxkit_probe_gua(struct file *f);
unsigned long daxkit_probe_gua(struct file *f)
{
	return mm_get_unmapped_area(f, 0, PAGE_SIZE, 0, 0);
}
