// SPDX-License-Identifier: GPL-2.0
/*
 * probe: blkdev_get_by_path() takes BLK_OPEN_* and holder ops (v6.5 to v6.8)
 */
#include <linux/blkdev.h>

struct block_device *daxkit_probe_open(const char *path, void *holder);
struct block_device *daxkit_probe_open(const char *path, void *holder)
{
	struct block_device *bdev = blkdev_get_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						       holder, NULL);

	if (!IS_ERR(bdev))
		blkdev_put(bdev, holder);
	return bdev;
}
