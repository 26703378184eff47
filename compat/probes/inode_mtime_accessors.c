// SPDX-License-Identifier: GPL-2.0
/*
 * probe: inode_get_mtime() and inode_set_mtime_to_ts() (v6.7)
 */
#include <linux/fs.h>

void daxkit_probe(struct inode *inode);

void daxkit_probe(struct inode *inode)
{
	inode_set_mtime_to_ts(inode, inode_get_mtime(inode));
	inode_set_atime_to_ts(inode, inode_get_atime(inode));
}
