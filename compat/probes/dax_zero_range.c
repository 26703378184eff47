// SPDX-License-Identifier: GPL-2.0
/*
 * probe: dax_zero_range() and dax_truncate_page() (v5.17; before, iomap's served DAX too)
 */
#include <linux/dax.h>
#include <linux/iomap.h>

int daxkit_probe_zero(struct inode *inode, const struct iomap_ops *ops);
int daxkit_probe_zero(struct inode *inode, const struct iomap_ops *ops)
{
	bool did;

	return dax_zero_range(inode, 0, 1, &did, ops) ?:
		dax_truncate_page(inode, 0, &did, ops);
}
