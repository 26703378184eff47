// SPDX-License-Identifier: GPL-2.0
/*
 * probe: dax_break_layout() and dax_break_layout_final() (v6.15: idle fsdax pages at refcount 0)
 */
#include <linux/dax.h>

int daxkit_probe_break(struct inode *inode, void (*cb)(struct inode *));
int daxkit_probe_break(struct inode *inode, void (*cb)(struct inode *))
{
	dax_break_layout_final(inode);
	return dax_break_layout(inode, 0, LLONG_MAX, cb);
}
