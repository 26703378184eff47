// SPDX-License-Identifier: GPL-2.0
/*
 * probe: bdev_open_by_path() returns a struct bdev_handle (v6.7 to v6.8)
 */
#include <linux/blkdev.h>

struct block_device *daxkit_probe_open(const char *path, void *holder);
struct block_device *daxkit_probe_open(const char *path, void *holder)
{
	struct bdev_handle *h = bdev_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						  holder, NULL);

	if (IS_ERR(h))
		return NULL;
	bdev_release(h);
	return h->bdev;
}
