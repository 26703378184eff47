/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkit fs-dax helper: what an out-of-tree filesystem links against to do
 * DAX on a daxkit device, in one form on every kernel daxkit builds for.
 *
 * The helper gives the filesystem an in-tree struct dax_device for the
 * daxkit device it holds, so the kernel's own fs/dax.c does the work: the
 * filesystem's iomap_begin sets iomap->dax_dev = dax_fs_dax_device(fdev),
 * iomap->bdev = NULL and iomap->addr = the byte offset in the device.
 * Everything that differs between kernels (fault sizes, pfn types, zeroing,
 * layout breaking) is behind the functions below.
 *
 * The device's region must have fsdax pages (dax_pmem's fsdax= parameter):
 * struct pages of type MEMORY_DEVICE_FS_DAX, which fs/dax.c can own.  A
 * filesystem holds a device exclusively: while it does, /dev/daxkitR.N does
 * not open, and while that is open the device cannot be taken (EBUSY).
 *
 * A filesystem with no block device must give its super_block a
 * backing_dev_info that writes back (super_setup_bdi() in fill_super):
 * on the default one, fsync and syncfs write nothing back.
 *
 * Filesystems check the helper's ABI at load, as daxkit's modules check the
 * core's: dax_fs_abi_check(KBUILD_MODNAME) first thing in module init.
 */
#ifndef _DAXKIT_FS_H
#define _DAXKIT_FS_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/types.h>
#include <daxkit/core.h>

#define DAX_FS_ABI_MAJOR	1
#define DAX_FS_ABI_MINOR	0
/* The same as text, for MODULE_INFO(dax_fs_abi, ...) of dax_fs_helper. */
#define DAX_FS_ABI_STR	__stringify(DAX_FS_ABI_MAJOR) "." __stringify(DAX_FS_ABI_MINOR)

/* The helper ABI this filesystem was built for (DAXKIT_FS_ABI_SKEW: tests). */
#ifdef DAXKIT_FS_ABI_SKEW
#define DAX_FS_ABI_WANTED \
	DAX_CORE_ABI(DAX_FS_ABI_MAJOR + DAXKIT_FS_ABI_SKEW, DAX_FS_ABI_MINOR)
#else
#define DAX_FS_ABI_WANTED	DAX_CORE_ABI(DAX_FS_ABI_MAJOR, DAX_FS_ABI_MINOR)
#endif

/* Fault orders, as dax_fs_fault() takes them on every kernel. */
#define DAX_FS_PTE_ORDER	0
#define DAX_FS_PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#define DAX_FS_PUD_ORDER	(PUD_SHIFT - PAGE_SHIFT)

/* In a notice's mf_flags: the device is about to go away. */
#define DAX_FS_NOTIFY_PRE_REMOVE	DAX_CORE_MF_PRE_REMOVE

struct dax_device;
struct iomap_ops;
struct kiocb;
struct iov_iter;
struct writeback_control;
struct dax_fs_device;

/**
 * struct dax_fs_holder_operations - what a filesystem hears of its device
 * @notify_failure: [@offset, @offset + @len) of the device failed; the
 *	pages are marked poisoned already (reads of them fail, faults are
 *	refused, a whole-page write recovers them).  The filesystem maps the
 *	range back to its files and kills their mappers (dax_fs_kill_procs()).
 *	With DAX_FS_NOTIFY_PRE_REMOVE in @mf_flags (offset 0, len U64_MAX)
 *	the device is about to go away: unmap every file and stop using it;
 *	on return the helper's dax_device is dead and access fails with ENXIO.
 *	May sleep.  Return 0 when handled.
 */
struct dax_fs_holder_operations {
	int (*notify_failure)(struct dax_fs_device *fdev, u64 offset, u64 len,
			      int mf_flags);
};

/**
 * typedef dax_fs_pfn_t - a pfn as fs/dax.c handed it to a fault, kept for
 *	dax_fs_finish_sync_fault()
 */
typedef struct {
	u64 val;
} dax_fs_pfn_t;

u32 dax_fs_abi_version(void);

/* Taking and releasing a device */
struct dax_fs_device *dax_fs_get_by_name(const char *name, void *holder,
					 const struct dax_fs_holder_operations *ops);
struct dax_fs_device *dax_fs_get_by_path(const char *path, void *holder,
					 const struct dax_fs_holder_operations *ops);
void dax_fs_put(struct dax_fs_device *fdev);
struct dax_device *dax_fs_dax_device(struct dax_fs_device *fdev);
void *dax_fs_holder(struct dax_fs_device *fdev);
u64 dax_fs_size(struct dax_fs_device *fdev);
const char *dax_fs_name(struct dax_fs_device *fdev);

/* The filesystem's own metadata, by device offset */
int dax_fs_read(struct dax_fs_device *fdev, u64 offset, void *buf, size_t len);
int dax_fs_write(struct dax_fs_device *fdev, u64 offset, const void *buf,
		 size_t len);
int dax_fs_zero_blocks(struct dax_fs_device *fdev, u64 offset, u64 len);
int dax_fs_barrier(struct dax_fs_device *fdev);

/* File data through fs/dax.c */
ssize_t dax_fs_rw_iter(struct kiocb *iocb, struct iov_iter *iter,
		       const struct iomap_ops *ops);
vm_fault_t dax_fs_fault(struct vm_fault *vmf, unsigned int order,
			const struct iomap_ops *ops, dax_fs_pfn_t *pfn);
vm_fault_t dax_fs_finish_sync_fault(struct vm_fault *vmf, unsigned int order,
				    dax_fs_pfn_t pfn);
bool dax_fs_mapping_supported(struct dax_fs_device *fdev, struct inode *inode,
			      unsigned long vm_flags);
int dax_fs_writepages(struct address_space *mapping,
		      struct writeback_control *wbc, struct dax_fs_device *fdev);
int dax_fs_fsync(struct file *file, loff_t start, loff_t end,
		 struct dax_fs_device *fdev);
int dax_fs_sync_fs(struct dax_fs_device *fdev, int wait);
int dax_fs_zero_range(struct inode *inode, loff_t pos, loff_t len,
		      bool *did_zero, const struct iomap_ops *ops);
int dax_fs_truncate_page(struct inode *inode, loff_t pos, bool *did_zero,
			 const struct iomap_ops *ops);
int dax_fs_break_layouts(struct inode *inode, loff_t start, loff_t end,
			 void (*wait)(struct inode *inode));
void dax_fs_break_layouts_final(struct inode *inode);
int dax_fs_kill_procs(struct address_space *mapping, pgoff_t index,
		      unsigned long count, int mf_flags);

/*
 * DAX_FS_HUGE_FAULT(name, fn) defines vm_operations_struct.huge_fault
 * @name, in this kernel's form, calling the filesystem's
 * vm_fault_t fn(struct vm_fault *vmf, unsigned int order) with
 * DAX_FS_PMD_ORDER or DAX_FS_PUD_ORDER.
 */
#ifdef HAVE_HUGE_FAULT_PE_SIZE
#define DAX_FS_HUGE_FAULT(name, fn)					\
static vm_fault_t name(struct vm_fault *vmf, enum page_entry_size pe)	\
{									\
	return fn(vmf, pe == PE_SIZE_PMD ? DAX_FS_PMD_ORDER :		\
		  pe == PE_SIZE_PUD ? DAX_FS_PUD_ORDER : DAX_FS_PTE_ORDER); \
}
#else
#define DAX_FS_HUGE_FAULT(name, fn)					\
static vm_fault_t name(struct vm_fault *vmf, unsigned int order)	\
{									\
	return fn(vmf, order);						\
}
#endif

/**
 * dax_fs_abi_check() - refuse to run against an incompatible dax_fs_helper
 * @modname: name of the calling module, for the log line
 *
 * Call first thing in a filesystem's module init.
 *
 * Return: 0 when the loaded helper implements the ABI the caller was built
 * for (same major, helper minor at least the caller's), else -ENOEXEC after
 * one kernel-log line saying both versions.
 */
static inline int dax_fs_abi_check(const char *modname)
{
	return daxkit_abi_check(modname, "dax_fs_helper", dax_fs_abi_version(),
				DAX_FS_ABI_WANTED);
}

#endif /* _DAXKIT_FS_H */
