// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fs_helper: what an out-of-tree filesystem uses to do DAX on a daxkit
 * device (include/daxkit/fs.h).
 *
 * For each device a filesystem holds, the helper makes an in-tree struct
 * dax_device whose operations forward to dax_core, so that the kernel's
 * fs/dax.c serves the filesystem's files: its page-cache entries are the
 * ones mm's truncate and memory-failure code expect, and its writeback
 * cleans entries together with their page-table entries.  The filesystem
 * is the daxkit device's holder: failure notices reach it with the offset
 * in the device, and before the device goes away it hears so and the
 * dax_device dies, so fs/dax.c stops reaching the memory before dax_core
 * lets it go.
 *
 * This file: the module, taking and releasing devices, the dax_device's
 * operations and metadata access.  iomap.c: the file data path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <daxkit/core.h>
#include <daxkit/fs.h>
#include "fs_helper.h"

/**
 * dax_fs_abi_version() - the filesystem ABI this helper implements
 *
 * Return: DAX_CORE_ABI(DAX_FS_ABI_MAJOR, DAX_FS_ABI_MINOR); filesystems
 * compare it with theirs through dax_fs_abi_check().
 */
u32 dax_fs_abi_version(void)
{
	return DAX_CORE_ABI(DAX_FS_ABI_MAJOR, DAX_FS_ABI_MINOR);
}
DAXKIT_EXPORT(dax_fs_abi_version);

#if DAX_FS_CAN

/*
 * How many pages from @pgoff the dax_device may hand out: a read (and a
 * fault) never reaches poison, and a recovery write gets the poisoned page
 * alone, which it must overwrite whole.
 */
static long dax_fs_avail(struct dax_fs_device *fdev, pgoff_t pgoff, long avail,
			 bool recovery)
{
	long clean = dax_core_dev_clean_pages(fdev->ddev, pgoff, avail);

	if (clean)
		return clean;
	return recovery ? 1 : DAX_FS_POISON_ERR;
}

static long dax_fs_direct_access(struct dax_device *dax_dev, pgoff_t pgoff,
				 long nr_pages, DAX_FS_ACCESS_MODE_ARG void **kaddr,
				 DAX_FS_PFN_ARG *pfn)
{
	struct dax_fs_device *fdev = dax_get_private(dax_dev);
	unsigned long raw;
	long avail;
	int id;

	id = dax_core_read_lock();
	avail = dax_core_direct_access(fdev->dcore, pgoff, nr_pages, kaddr, &raw);
	if (avail > 0)
		avail = dax_fs_avail(fdev, pgoff, avail, DAX_FS_RECOVERY);
	dax_core_read_unlock(id);
	if (avail > 0 && pfn)
		*pfn = dax_fs_to_kernel_pfn(raw);
	return avail;
}

static int dax_fs_zero_page_range(struct dax_device *dax_dev, pgoff_t pgoff,
				  size_t nr_pages)
{
	struct dax_fs_device *fdev = dax_get_private(dax_dev);
	int rc, id;

	id = dax_core_read_lock();
	rc = dax_core_zero_page_range(fdev->dcore, pgoff, nr_pages);
	dax_core_read_unlock(id);
	return rc;
}

#ifdef HAVE_DAX_ACCESS_MODE
static size_t dax_fs_recovery_write(struct dax_device *dax_dev, pgoff_t pgoff,
				    void *addr, size_t bytes, struct iov_iter *iter)
{
	struct dax_fs_device *fdev = dax_get_private(dax_dev);
	size_t done;
	int id;

	id = dax_core_read_lock();
	done = dax_core_recovery_write(fdev->dcore, pgoff, addr, bytes, iter);
	dax_core_read_unlock(id);
	return done;
}
#endif

#ifndef HAVE_ALLOC_DAX_OPS
/* Before v5.17 fs/dax.c copies through the dax_device: cache-bypassing. */
static size_t dax_fs_copy_from_iter(struct dax_device *dax_dev, pgoff_t pgoff,
				    void *addr, size_t bytes, struct iov_iter *iter)
{
	return _copy_from_iter_flushcache(addr, bytes, iter);
}

static size_t dax_fs_copy_to_iter(struct dax_device *dax_dev, pgoff_t pgoff,
				  void *addr, size_t bytes, struct iov_iter *iter)
{
	return _copy_mc_to_iter(addr, bytes, iter);
}
#endif

static const struct dax_operations dax_fs_dax_ops = {
	.direct_access = dax_fs_direct_access,
	.zero_page_range = dax_fs_zero_page_range,
#ifdef HAVE_DAX_ACCESS_MODE
	.recovery_write = dax_fs_recovery_write,
#endif
#ifndef HAVE_ALLOC_DAX_OPS
	.copy_from_iter = dax_fs_copy_from_iter,
	.copy_to_iter = dax_fs_copy_to_iter,
#endif
};

/*
 * dax_core's notice to the holder: poison is marked on the device's pages
 * and passed on; before removal the filesystem hears it first, then the
 * dax_device dies (kill_dax() waits for fs/dax.c's readers).
 */
static int dax_fs_core_notify(struct dax_core_device *dcore, u64 offset,
			      u64 len, int mf_flags)
{
	struct dax_fs_device *fdev = dax_core_holder(dcore);
	int rc = -EOPNOTSUPP;

	if (!fdev)
		return -EOPNOTSUPP;
	if (!(mf_flags & DAX_FS_NOTIFY_PRE_REMOVE))
		dax_core_dev_mark_poison(fdev->ddev, PHYS_PFN(offset),
					 DIV_ROUND_UP(len, PAGE_SIZE));
	if (fdev->ops && fdev->ops->notify_failure)
		rc = fdev->ops->notify_failure(fdev, offset, len, mf_flags);
	if (mf_flags & DAX_FS_NOTIFY_PRE_REMOVE) {
		pr_info("%s is going away: its filesystem's access ends\n",
			dax_fs_name(fdev));
		kill_dax(fdev->dax_dev);
	}
	return rc;
}

static const struct dax_core_holder_operations dax_fs_core_holder_ops = {
	.notify_failure = dax_fs_core_notify,
};

static int dax_fs_new_dax(struct dax_fs_device *fdev)
{
	struct dax_device *dax_dev;

	dax_dev = dax_fs_alloc_dax(fdev, &dax_fs_dax_ops,
				   dax_core_dev_synchronous(fdev->ddev));
	if (IS_ERR_OR_NULL(dax_dev))
		return dax_dev ? PTR_ERR(dax_dev) : -ENOMEM;
	/* fs/dax.c writes CPU caches back only for a write-cache device. */
	dax_write_cache(dax_dev, true);
	fdev->dax_dev = dax_dev;
	return 0;
}

static void dax_fs_free(struct dax_fs_device *fdev)
{
	if (fdev->dax_dev) {
		kill_dax(fdev->dax_dev);
		put_dax(fdev->dax_dev);
	}
	dax_core_put(fdev->dcore);
	dax_core_dev_put(fdev->ddev);
	kfree(fdev);
}

/* Why @rc refused @ddev, in the one log line of a refused get. */
static void dax_fs_refused(struct daxkit_dev *ddev, int rc)
{
	const char *name = dev_name(dax_core_dev_device(ddev));

	if (rc == -EBUSY)
		pr_info_ratelimited("%s: in use: open through its device node, or held by another filesystem\n",
				    name);
	else if (rc == -ENXIO)
		pr_info_ratelimited("%s: not bound to a driver\n", name);
	else if (rc == -EOPNOTSUPP)
		pr_info_ratelimited("%s: its region's pages are not fsdax (dax_pmem's fsdax= names the regions that are)\n",
				    name);
	else
		pr_info_ratelimited("%s: cannot be held: %d\n", name, rc);
}

/*
 * The device's size, fixed while a driver is bound: read while it is alive
 * (bound), or -ENXIO when an unbind came first.
 */
static int dax_fs_read_size(struct dax_fs_device *fdev)
{
	int id, rc = -ENXIO;

	id = dax_core_read_lock();
	if (dax_core_alive(fdev->dcore)) {
		fdev->size = dax_core_dev_size(fdev->ddev);
		rc = 0;
	}
	dax_core_read_unlock(id);
	return rc;
}

/* Take @ddev (referenced; the reference passes to the result or is dropped). */
static struct dax_fs_device *dax_fs_get(struct daxkit_dev *ddev, void *holder,
					const struct dax_fs_holder_operations *ops)
{
	struct dax_fs_device *fdev;
	int rc;

	if (!holder) {
		dax_core_dev_put(ddev);
		return ERR_PTR(-EINVAL);
	}
	if (!dax_core_dev_fsdax(ddev)) {
		rc = -EOPNOTSUPP;
		goto err_ddev;
	}
	fdev = kzalloc(sizeof(*fdev), GFP_KERNEL);
	if (!fdev) {
		rc = -ENOMEM;
		goto err_ddev;
	}
	fdev->ddev = ddev;
	fdev->dcore = dax_core_dev_dax(ddev);
	dax_core_get(fdev->dcore);
	fdev->holder = holder;
	fdev->ops = ops;
	rc = dax_fs_new_dax(fdev);
	if (rc)
		goto err_fdev;
	rc = dax_core_holder_register(fdev->dcore, fdev, &dax_fs_core_holder_ops);
	if (rc)
		goto err_fdev;
	rc = dax_fs_read_size(fdev);
	if (rc)
		goto err_holder;
	dax_core_dev_forget_owners(ddev);
	return fdev;

err_holder:
	dax_core_holder_unregister(fdev->dcore, fdev);

err_fdev:
	dax_fs_refused(ddev, rc);
	dax_fs_free(fdev);
	return ERR_PTR(rc);
err_ddev:
	dax_fs_refused(ddev, rc);
	dax_core_dev_put(ddev);
	return ERR_PTR(rc);
}

/**
 * dax_fs_get_by_name() - hold a daxkit device for a filesystem
 * @name: the device, "daxkitR.N"
 * @holder: the filesystem's cookie (its super_block, say), not NULL
 * @ops: what the filesystem hears of the device, or NULL
 *
 * The device must be bound (to dax_dev) and its region have fsdax pages.
 * Holding is exclusive: no other filesystem, and no open file of its node.
 *
 * Return: the device, or ERR_PTR: -ENODEV no such device, -EINVAL no
 * @holder, -EBUSY in use, -ENXIO not bound, -EOPNOTSUPP not fsdax pages
 * (or a kernel without fs-dax), -ENOMEM.  A refusal logs one line.
 */
struct dax_fs_device *dax_fs_get_by_name(const char *name, void *holder,
					 const struct dax_fs_holder_operations *ops)
{
	struct daxkit_dev *ddev = dax_core_dev_get_by_name(name);

	if (!ddev)
		return ERR_PTR(-ENODEV);
	return dax_fs_get(ddev, holder, ops);
}
DAXKIT_EXPORT(dax_fs_get_by_name);

/**
 * dax_fs_get_by_path() - hold the daxkit device a device node names
 * @path: /dev/daxkitR.N (or its /dev/daxX.Y), as a mount's source
 * @holder: the filesystem's cookie, not NULL
 * @ops: what the filesystem hears of the device, or NULL
 *
 * Return: as dax_fs_get_by_name(); -ENOTBLK-like refusals are -ENODEV:
 * @path is not a character device of a daxkit device.  Errors of the path
 * lookup itself (-ENOENT, -EACCES...) are returned as they are.
 */
struct dax_fs_device *dax_fs_get_by_path(const char *path, void *holder,
					 const struct dax_fs_holder_operations *ops)
{
	struct daxkit_dev *ddev;
	struct path p;
	dev_t devt = 0;
	int rc;

	rc = kern_path(path, LOOKUP_FOLLOW, &p);
	if (rc)
		return ERR_PTR(rc);
	if (S_ISCHR(d_inode(p.dentry)->i_mode))
		devt = d_inode(p.dentry)->i_rdev;
	path_put(&p);
	ddev = devt ? dax_core_dev_get_by_devt(devt) : NULL;
	if (!ddev)
		return ERR_PTR(-ENODEV);
	return dax_fs_get(ddev, holder, ops);
}
DAXKIT_EXPORT(dax_fs_get_by_path);

#else /* !DAX_FS_CAN */

static struct dax_fs_device *dax_fs_cannot(void)
{
	pr_info_ratelimited("refused: this kernel has no fs-dax (CONFIG_FS_DAX, or only FS_DAX_LIMITED)\n");
	return ERR_PTR(-EOPNOTSUPP);
}

struct dax_fs_device *dax_fs_get_by_name(const char *name, void *holder,
					 const struct dax_fs_holder_operations *ops)
{
	return dax_fs_cannot();
}
DAXKIT_EXPORT(dax_fs_get_by_name);

struct dax_fs_device *dax_fs_get_by_path(const char *path, void *holder,
					 const struct dax_fs_holder_operations *ops)
{
	return dax_fs_cannot();
}
DAXKIT_EXPORT(dax_fs_get_by_path);

static void dax_fs_free(struct dax_fs_device *fdev)
{
}
#endif /* DAX_FS_CAN */

/**
 * dax_fs_put() - release a device dax_fs_get_by_*() gave
 * @fdev: the device, or NULL or an ERR_PTR (nothing happens)
 *
 * Call after the filesystem's last inode is evicted (at the end of
 * kill_sb): no notice reaches the holder once this returns.
 */
void dax_fs_put(struct dax_fs_device *fdev)
{
	if (IS_ERR_OR_NULL(fdev))
		return;
	dax_core_holder_unregister(fdev->dcore, fdev);
	dax_fs_free(fdev);
}
DAXKIT_EXPORT(dax_fs_put);

/**
 * dax_fs_dax_device() - the value for iomap->dax_dev
 * @fdev: the device
 *
 * Return: the helper's in-tree dax_device for @fdev.
 */
struct dax_device *dax_fs_dax_device(struct dax_fs_device *fdev)
{
	return fdev->dax_dev;
}
DAXKIT_EXPORT(dax_fs_dax_device);

/**
 * dax_fs_holder() - the filesystem's cookie
 * @fdev: the device
 *
 * Return: the @holder given to dax_fs_get_by_*().
 */
void *dax_fs_holder(struct dax_fs_device *fdev)
{
	return fdev->holder;
}
DAXKIT_EXPORT(dax_fs_holder);

/**
 * dax_fs_size() - the size of the device
 * @fdev: the device
 *
 * Return: bytes; it does not change while the device is held.
 */
u64 dax_fs_size(struct dax_fs_device *fdev)
{
	return fdev->size;
}
DAXKIT_EXPORT(dax_fs_size);

/**
 * dax_fs_name() - the device's name
 * @fdev: the device
 *
 * Return: "daxkitR.N".
 */
const char *dax_fs_name(struct dax_fs_device *fdev)
{
	return dev_name(dax_core_dev_device(fdev->ddev));
}
DAXKIT_EXPORT(dax_fs_name);

/*
 * Run @step over [@offset, @offset + @len) of the device, page-run by
 * page-run, under dax_core's read lock: the pages are clean (not
 * poisoned) unless @recover, and reachable at the kaddr given.
 */
static int dax_fs_walk(struct dax_fs_device *fdev, u64 offset, size_t len,
		       bool recover,
		       int (*step)(void *kaddr, size_t done, size_t n, void *arg),
		       void *arg)
{
	size_t done = 0, n;
	unsigned long pfn;
	void *kaddr;
	long avail;
	int rc = 0, id;

	if (offset > fdev->size || len > fdev->size - offset)
		return -ERANGE;
	id = dax_core_read_lock();
	while (!rc && done < len) {
		u64 pos = offset + done;
		pgoff_t pgoff = PHYS_PFN(pos);

		avail = dax_core_direct_access(fdev->dcore, pgoff,
					       PHYS_PFN(offset_in_page(pos) + len - done +
							PAGE_SIZE - 1), &kaddr, &pfn);
		if (avail > 0 && !recover)
			avail = dax_core_dev_clean_pages(fdev->ddev, pgoff, avail) ?: -EIO;
		if (avail < 0) {
			rc = avail;
			break;
		}
		n = min_t(size_t, len - done, ((size_t)avail << PAGE_SHIFT) -
			  offset_in_page(pos));
		rc = step(kaddr + offset_in_page(pos), done, n, arg);
		done += n;
	}
	dax_core_read_unlock(id);
	return rc;
}

static int dax_fs_read_step(void *kaddr, size_t done, size_t n, void *buf)
{
	return copy_mc_to_kernel(buf + done, kaddr, n) ? -EIO : 0;
}

/**
 * dax_fs_read() - read the filesystem's metadata from the device
 * @fdev: the device
 * @offset: byte offset in the device
 * @buf: where to
 * @len: bytes
 *
 * A read that meets poison fails instead of consuming it.
 *
 * Return: 0; -ERANGE beyond the device, -EIO on poison, -ENXIO when the
 * device is gone.
 */
int dax_fs_read(struct dax_fs_device *fdev, u64 offset, void *buf, size_t len)
{
	return dax_fs_walk(fdev, offset, len, false, dax_fs_read_step, buf);
}
DAXKIT_EXPORT(dax_fs_read);

static int dax_fs_write_step(void *kaddr, size_t done, size_t n, void *buf)
{
	memcpy_flushcache(kaddr, buf + done, n);
	return 0;
}

/**
 * dax_fs_write() - write the filesystem's metadata to the device
 * @fdev: the device
 * @offset: byte offset in the device
 * @buf: what
 * @len: bytes
 *
 * The data bypasses or is written back from the CPU caches before this
 * returns; dax_fs_barrier() then makes it durable.  An 8-byte aligned
 * store of 8 bytes is one store (a commit point).  A write over poisoned
 * pages fails; dax_fs_zero_blocks() recovers them.
 *
 * Return: 0; -ERANGE beyond the device, -EIO on poison, -ENXIO when the
 * device is gone.
 */
int dax_fs_write(struct dax_fs_device *fdev, u64 offset, const void *buf,
		 size_t len)
{
	return dax_fs_walk(fdev, offset, len, false, dax_fs_write_step, (void *)buf);
}
DAXKIT_EXPORT(dax_fs_write);

/**
 * dax_fs_zero_blocks() - zero whole pages of the device, clearing poison
 * @fdev: the device
 * @offset: byte offset, page aligned
 * @len: bytes, page aligned
 *
 * What a filesystem does to newly allocated blocks before any mapping or
 * index can show them (Req-48); the zeros are written back on return.
 *
 * Return: 0; -EINVAL unaligned, -ERANGE beyond the device, -ENXIO gone.
 */
int dax_fs_zero_blocks(struct dax_fs_device *fdev, u64 offset, u64 len)
{
	int rc, id;

	if (!PAGE_ALIGNED(offset) || !PAGE_ALIGNED(len))
		return -EINVAL;
	if (offset > fdev->size || len > fdev->size - offset)
		return -ERANGE;
	id = dax_core_read_lock();
	rc = dax_core_zero_page_range(fdev->dcore, PHYS_PFN(offset), PHYS_PFN(len));
	dax_core_read_unlock(id);
	return rc;
}
DAXKIT_EXPORT(dax_fs_zero_blocks);

/**
 * dax_fs_barrier() - make everything written back to the device durable
 * @fdev: the device
 *
 * The persistence barrier (the provider's, or a store fence), after CPU
 * caches are written back.  dax_fs_fsync() and dax_fs_sync_fs() issue it.
 *
 * Return: 0, -ENXIO when the device is gone, or the provider's error.
 */
int dax_fs_barrier(struct dax_fs_device *fdev)
{
	return dax_core_barrier(fdev->dcore);
}
DAXKIT_EXPORT(dax_fs_barrier);

static int __init dax_fs_helper_init(void)
{
	int rc = dax_core_abi_check(KBUILD_MODNAME);

	if (rc)
		return rc;
	if (!DAX_FS_CAN)
		pr_info("this kernel has no fs-dax (CONFIG_FS_DAX): every get is refused\n");
	return 0;
}

static void __exit dax_fs_helper_exit(void)
{
}

module_init(dax_fs_helper_init);
module_exit(dax_fs_helper_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: fs-dax helpers for out-of-tree filesystems");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
MODULE_INFO(daxkit_abi, DAX_CORE_ABI_WANTED_STR);
MODULE_INFO(dax_fs_abi, DAX_FS_ABI_STR);
DAXKIT_IMPORT_NS();
