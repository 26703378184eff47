// SPDX-License-Identifier: GPL-2.0
/*
 * probe: inode_operations take a struct mnt_idmap * first (v6.3)
 */
#include <linux/fs.h>

static int daxkit_probe_create(struct mnt_idmap *idmap, struct inode *dir,
			       struct dentry *dentry, umode_t mode, bool excl)
{
	return 0;
}

const struct inode_operations daxkit_probe_iops = {
	.create = daxkit_probe_create,
};
