// SPDX-License-Identifier: GPL-2.0
/*
 * probe: inode_state_read_once(), i_state no longer an integer (v6.19)
 */
#include <linux/fs.h>

bool daxkit_probe(struct inode *inode);

bool daxkit_probe(struct inode *inode)
{
	return inode_state_read_once(inode) & I_NEW;
}
