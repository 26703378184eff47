// SPDX-License-Identifier: GPL-2.0
/*
 * probe: inode_operations.mkdir returns a struct dentry * (v6.15)
 */
#include <linux/fs.h>

static struct dentry *daxkit_probe_mkdir(struct mnt_idmap *idmap, struct inode *dir,
					 struct dentry *dentry, umode_t mode)
{
	return NULL;
}

const struct inode_operations daxkit_probe_iops = {
	.mkdir = daxkit_probe_mkdir,
};
