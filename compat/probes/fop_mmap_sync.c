// SPDX-License-Identifier: GPL-2.0
/*
 * probe: file_operations.fop_flags with FOP_MMAP_SYNC (v6.12)
 */
#include <linux/fs.h>

const struct file_operations daxkit_probe_fops = {
	.fop_flags = FOP_MMAP_SYNC,
};
