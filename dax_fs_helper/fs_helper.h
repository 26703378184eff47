/* SPDX-License-Identifier: GPL-2.0 */
/* Private to dax_fs_helper: the held device, and the kernel API it uses. */
#ifndef _DAX_FS_HELPER_H
#define _DAX_FS_HELPER_H

#include <linux/dax.h>
#include <daxkit/core.h>
#include <daxkit/fs.h>

/* fs/dax.c is there and owns fsdax pages (not s390's FS_DAX_LIMITED). */
#if IS_ENABLED(CONFIG_FS_DAX) && !IS_ENABLED(CONFIG_FS_DAX_LIMITED)
#define DAX_FS_CAN	1
#else
#define DAX_FS_CAN	0
#endif

/**
 * struct dax_fs_device - a daxkit device a filesystem holds
 * @ddev: the daxkit device (referenced)
 * @dcore: its registry object (referenced), whose holder this is
 * @dax_dev: the in-tree dax_device fs/dax.c reaches it through
 * @holder: the filesystem's cookie
 * @ops: what the filesystem hears
 * @size: the device's size in bytes, fixed while it is held
 */
struct dax_fs_device {
	struct daxkit_dev *ddev;
	struct dax_core_device *dcore;
	struct dax_device *dax_dev;
	void *holder;
	const struct dax_fs_holder_operations *ops;
	u64 size;
};

#ifdef HAVE_PFN_T
#include <linux/pfn_t.h>
#define DAX_FS_PFN_ARG	pfn_t
/* Device pages with a memmap: fs/dax.c maps them as devmap entries. */
static inline pfn_t dax_fs_to_kernel_pfn(unsigned long pfn)
{
	return __pfn_to_pfn_t(pfn, PFN_DEV | PFN_MAP);
}
#else
#define DAX_FS_PFN_ARG	unsigned long
static inline unsigned long dax_fs_to_kernel_pfn(unsigned long pfn)
{
	return pfn;
}
#endif

/*
 * direct_access takes an access mode from v5.19: fs/dax.c retries a write
 * that met poison in DAX_RECOVERY_WRITE mode.  The error that makes it
 * retry is -EIO until v6.5, -EHWPOISON from then on (which fs/dax.c turns
 * into -EIO for the caller, dax_mem2blk_err()).  Before v5.19 poison is
 * -EIO to every access.
 */
#ifdef HAVE_DAX_ACCESS_MODE
#define DAX_FS_ACCESS_MODE_ARG	enum dax_access_mode mode,
#define DAX_FS_RECOVERY		(mode == DAX_RECOVERY_WRITE)
#else
#define DAX_FS_ACCESS_MODE_ARG
#define DAX_FS_RECOVERY		false
#endif
#ifdef HAVE_DAX_MEM2BLK_ERR
#define DAX_FS_POISON_ERR	-EHWPOISON
#else
#define DAX_FS_POISON_ERR	-EIO
#endif

#ifdef HAVE_ALLOC_DAX_OPS
static inline struct dax_device *dax_fs_alloc_dax(void *private,
						  const struct dax_operations *ops,
						  bool sync)
{
	struct dax_device *dax_dev = alloc_dax(private, ops);

	if (!IS_ERR_OR_NULL(dax_dev) && sync)
		set_dax_synchronous(dax_dev);
	return dax_dev;
}
#else
static inline struct dax_device *dax_fs_alloc_dax(void *private,
						  const struct dax_operations *ops,
						  bool sync)
{
	return alloc_dax(private, NULL, ops, sync ? DAXDEV_F_SYNC : 0);
}
#endif

#endif /* _DAX_FS_HELPER_H */
