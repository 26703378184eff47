/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkit: opening a block device exclusively, in the form the kernel has
 * (the HAVE_* probes of compat/).
 */
#ifndef _DAXKIT_COMPAT_BLK_H
#define _DAXKIT_COMPAT_BLK_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <daxkit/compat.h>

/**
 * struct daxkit_bdev - a block device daxkit holds open exclusively
 * @bdev: the block device
 * @handle: what closes it: the file, the bdev_handle or the holder
 */
struct daxkit_bdev {
	struct block_device *bdev;
	void *handle;
};

#if defined(HAVE_BDEV_FILE_OPEN_BY_PATH)
static inline int daxkit_bdev_open(struct daxkit_bdev *b, const char *path, void *holder)
{
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						holder, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	b->bdev = file_bdev(f);
	b->handle = f;
	return 0;
}

static inline void daxkit_bdev_close(struct daxkit_bdev *b)
{
	fput(b->handle);
}
#elif defined(HAVE_BDEV_OPEN_BY_PATH)
static inline int daxkit_bdev_open(struct daxkit_bdev *b, const char *path, void *holder)
{
	struct bdev_handle *h = bdev_open_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE,
						  holder, NULL);

	if (IS_ERR(h))
		return PTR_ERR(h);
	b->bdev = h->bdev;
	b->handle = h;
	return 0;
}

static inline void daxkit_bdev_close(struct daxkit_bdev *b)
{
	bdev_release(b->handle);
}
#elif defined(HAVE_BLKDEV_GET_BY_PATH_HOPS)
static inline int daxkit_bdev_open(struct daxkit_bdev *b, const char *path, void *holder)
{
	b->bdev = blkdev_get_by_path(path, BLK_OPEN_READ | BLK_OPEN_WRITE, holder, NULL);
	if (IS_ERR(b->bdev))
		return PTR_ERR(b->bdev);
	b->handle = holder;
	return 0;
}

static inline void daxkit_bdev_close(struct daxkit_bdev *b)
{
	blkdev_put(b->bdev, b->handle);
}
#else
#define DAXKIT_BDEV_MODE	(FMODE_READ | FMODE_WRITE | FMODE_EXCL)

static inline int daxkit_bdev_open(struct daxkit_bdev *b, const char *path, void *holder)
{
	b->bdev = blkdev_get_by_path(path, DAXKIT_BDEV_MODE, holder);
	if (IS_ERR(b->bdev))
		return PTR_ERR(b->bdev);
	b->handle = holder;
	return 0;
}

static inline void daxkit_bdev_close(struct daxkit_bdev *b)
{
	blkdev_put(b->bdev, DAXKIT_BDEV_MODE);
}
#endif

#endif /* _DAXKIT_COMPAT_BLK_H */
