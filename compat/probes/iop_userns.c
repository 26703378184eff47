// SPDX-License-Identifier: GPL-2.0
/*
 * probe: inode_operations take a struct user_namespace * first (v5.12-v6.2)
 */
#include <linux/fs.h>

static int daxkit_probe_create(struct user_namespace *userns, struct inode *dir,
			       struct dentry *dentry, umode_t mode, bool excl)
{
	return 0;
}

const struct inode_operations daxkit_probe_iops = {
	.create = daxkit_probe_create,
};
