// SPDX-License-Identifier: GPL-2.0
/*
 * probe: bdev_file_open_by_path() opens a block device as a file (v6.9)
 */
#include <linux/blkdev.h>
#include <linux/fs.h>

struct block_device *daxkit_probe_open(const char *path, void *holder);
struct block_device *daxkit_probe_open(const char *path, void *holder)
{
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						holder, NULL);

	return IS_ERR(f) ? NULL : file_bdev(f);
}
