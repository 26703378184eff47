// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fs_helper: the file data path.  Each function is the kernel's fs/dax.c
 * in one form across kernels; the filesystem passes its iomap_ops, whose
 * iomap_begin sets iomap->dax_dev = dax_fs_dax_device(), iomap->bdev = NULL
 * and iomap->addr = the byte offset in the daxkit device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/wait_bit.h>
#include <linux/writeback.h>
#include <daxkit/core.h>
#include <daxkit/fs.h>
#include "fs_helper.h"

#if DAX_FS_CAN

/**
 * dax_fs_rw_iter() - read or write a DAX file
 * @iocb: the I/O
 * @iter: the data
 * @ops: the filesystem's iomap_ops
 *
 * Reads never consume poison (they fail with EIO there); a write over a
 * poisoned page recovers it when it covers the whole page (v5.19 on).
 * Call with the inode locked as the filesystem's read/write paths require.
 *
 * Return: bytes done, or a negative errno when none were.
 */
ssize_t dax_fs_rw_iter(struct kiocb *iocb, struct iov_iter *iter,
		       const struct iomap_ops *ops)
{
	return dax_iomap_rw(iocb, iter, ops);
}
DAXKIT_EXPORT(dax_fs_rw_iter);

#ifdef HAVE_HUGE_FAULT_PE_SIZE
static enum page_entry_size dax_fs_pe_size(unsigned int order)
{
	if (order == DAX_FS_PMD_ORDER)
		return PE_SIZE_PMD;
	if (order == DAX_FS_PUD_ORDER)
		return PE_SIZE_PUD;
	return PE_SIZE_PTE;
}
#define DAX_FS_FAULT_SIZE(order)	dax_fs_pe_size(order)
#else
#define DAX_FS_FAULT_SIZE(order)	(order)
#endif

/**
 * dax_fs_fault() - a page fault on a DAX file
 * @vmf: the fault
 * @order: DAX_FS_PTE_ORDER from ->fault and ->page_mkwrite/->pfn_mkwrite,
 *	the order DAX_FS_HUGE_FAULT() passes from ->huge_fault
 * @ops: the filesystem's iomap_ops
 * @pfn: set when the result has VM_FAULT_NEEDDSYNC
 *
 * A PMD or PUD fault that cannot be served whole falls back to smaller
 * pages.  With MAP_SYNC and metadata not yet durable (the filesystem's
 * iomap has IOMAP_F_DIRTY) the result has VM_FAULT_NEEDDSYNC: release the
 * fault's locks, then call dax_fs_finish_sync_fault() with @pfn.
 *
 * Return: the VM_FAULT_* result.
 */
vm_fault_t dax_fs_fault(struct vm_fault *vmf, unsigned int order,
			const struct iomap_ops *ops, dax_fs_pfn_t *pfn)
{
	DAX_FS_PFN_ARG kpfn;
	vm_fault_t ret;

	ret = dax_iomap_fault(vmf, DAX_FS_FAULT_SIZE(order), &kpfn, NULL, ops);
	if (ret & VM_FAULT_NEEDDSYNC)
		memcpy(&pfn->val, &kpfn, min(sizeof(pfn->val), sizeof(kpfn)));
	return ret;
}
DAXKIT_EXPORT(dax_fs_fault);

/**
 * dax_fs_finish_sync_fault() - complete a MAP_SYNC write fault
 * @vmf: the fault
 * @order: as given to dax_fs_fault()
 * @pfn: what dax_fs_fault() set
 *
 * Makes the file's metadata durable (through the filesystem's fsync, so it
 * takes the filesystem's locks: call with none of the fault's held), then
 * maps the page writable.
 *
 * Return: the VM_FAULT_* result.
 */
vm_fault_t dax_fs_finish_sync_fault(struct vm_fault *vmf, unsigned int order,
				    dax_fs_pfn_t pfn)
{
	DAX_FS_PFN_ARG kpfn;

	memset(&kpfn, 0, sizeof(kpfn));
	memcpy(&kpfn, &pfn.val, min(sizeof(pfn.val), sizeof(kpfn)));
	return dax_finish_sync_fault(vmf, DAX_FS_FAULT_SIZE(order), kpfn);
}
DAXKIT_EXPORT(dax_fs_finish_sync_fault);

/**
 * dax_fs_mapping_supported() - the MAP_SYNC gate of a filesystem's mmap
 * @fdev: the device the file is on
 * @inode: the file
 * @vm_flags: the mapping's flags
 *
 * MAP_SYNC needs a DAX file on media that is durable once CPU caches are
 * written back; a virtio-pmem region is not.
 *
 * Return: false when the mapping asks for MAP_SYNC and cannot have it.
 */
bool dax_fs_mapping_supported(struct dax_fs_device *fdev, struct inode *inode,
			      unsigned long vm_flags)
{
	if (!(vm_flags & VM_SYNC))
		return true;
	return IS_DAX(inode) && dax_core_dev_synchronous(fdev->ddev);
}
DAXKIT_EXPORT(dax_fs_mapping_supported);

/**
 * dax_fs_writepages() - a DAX file's address_space_operations.writepages
 * @mapping: the file's mapping
 * @wbc: what to write back
 * @fdev: the device the file is on
 *
 * Writes back the CPU caches of exactly the entries dirtied since the last
 * writeback, write-protecting their mappings so that the next store dirties
 * them again (Req-45, Req-56).  Errors are recorded in @mapping for fsync.
 * Files must have 4 KiB blocks (i_blkbits == PAGE_SHIFT, Req-52).
 *
 * Return: 0, or a negative errno.
 */
int dax_fs_writepages(struct address_space *mapping,
		      struct writeback_control *wbc, struct dax_fs_device *fdev)
{
	if (mapping->host->i_blkbits != PAGE_SHIFT) {
		pr_warn_ratelimited("%s: writeback of an inode with %u-byte blocks refused: DAX needs page-sized blocks\n",
				    dax_fs_name(fdev), 1U << mapping->host->i_blkbits);
		return -EIO;
	}
	return dax_writeback_mapping_range(mapping, fdev->dax_dev, wbc);
}
DAXKIT_EXPORT(dax_fs_writepages);

/**
 * dax_fs_fsync() - make a DAX file's data durable
 * @file: the file
 * @start: first byte
 * @end: last byte (LLONG_MAX: to the end)
 * @fdev: the device the file is on
 *
 * Writes back (through ->writepages) what was dirtied in the range, waits,
 * then issues the persistence barrier.  The filesystem makes its own
 * metadata durable before or after, as its design needs.  A writeback
 * error is reported once to each file that has not seen it (Req-57).
 *
 * Return: 0, or the first error.
 */
int dax_fs_fsync(struct file *file, loff_t start, loff_t end,
		 struct dax_fs_device *fdev)
{
	int rc = file_write_and_wait_range(file, start, end);
	int barrier = dax_fs_barrier(fdev);

	return rc ?: barrier;
}
DAXKIT_EXPORT(dax_fs_fsync);

/**
 * dax_fs_sync_fs() - the DAX part of super_operations.sync_fs
 * @fdev: the device
 * @wait: sync_fs's @wait
 *
 * The VFS has written back every file (their ->writepages) before the
 * call with @wait set; this issues the persistence barrier then, so that
 * syncfs() and sync() make DAX stores durable (Req-54).
 *
 * Return: 0, or the barrier's error.
 */
int dax_fs_sync_fs(struct dax_fs_device *fdev, int wait)
{
	return wait ? dax_fs_barrier(fdev) : 0;
}
DAXKIT_EXPORT(dax_fs_sync_fs);

/**
 * dax_fs_zero_range() - zero part of a DAX file
 * @inode: the file
 * @pos: first byte
 * @len: bytes
 * @did_zero: set when something was zeroed, or NULL
 * @ops: the filesystem's iomap_ops
 *
 * Holes and unwritten extents are skipped; whole poisoned pages are
 * recovered.
 *
 * Return: 0 or a negative errno.
 */
int dax_fs_zero_range(struct inode *inode, loff_t pos, loff_t len,
		      bool *did_zero, const struct iomap_ops *ops)
{
#ifdef HAVE_DAX_ZERO_RANGE
	return dax_zero_range(inode, pos, len, did_zero, ops);
#else
	return iomap_zero_range(inode, pos, len, did_zero, ops);
#endif
}
DAXKIT_EXPORT(dax_fs_zero_range);

/**
 * dax_fs_truncate_page() - zero the tail of the page at a new EOF
 * @inode: the file
 * @pos: the new size
 * @did_zero: set when something was zeroed, or NULL
 * @ops: the filesystem's iomap_ops
 *
 * Return: 0 or a negative errno.
 */
int dax_fs_truncate_page(struct inode *inode, loff_t pos, bool *did_zero,
			 const struct iomap_ops *ops)
{
#ifdef HAVE_DAX_ZERO_RANGE
	return dax_truncate_page(inode, pos, did_zero, ops);
#else
	return iomap_truncate_page(inode, pos, did_zero, ops);
#endif
}
DAXKIT_EXPORT(dax_fs_truncate_page);

#ifndef HAVE_DAX_BREAK_LAYOUT
/* An fsdax page is idle again when only its memmap reference is left. */
static bool dax_fs_page_idle(struct page *page)
{
	return page_ref_count(page) == 1;
}
#endif

/**
 * dax_fs_break_layouts() - wait until no page of a range is pinned
 * @inode: the file
 * @start: first byte
 * @end: last byte, LLONG_MAX for to the end
 * @wait: sleeps until woken: drops the filesystem's locks (its
 *	invalidate lock, which the caller took exclusively), schedule()s,
 *	retakes them
 *
 * Before truncate or a hole punch frees blocks: pages of the range that a
 * driver has pinned for DMA (O_DIRECT from the mapping into another
 * device, RDMA) must not be freed under it (Req-58).  Mappings of the
 * range are unmapped; then this waits for each pinned page.  Call while
 * holding the filesystem's invalidate lock exclusively (the filesystem's
 * own lock, which the helper cannot check), so no new mapping appears.
 *
 * Return: 0, or -ERESTARTSYS (-EINTR) when a signal interrupted the wait.
 */
int dax_fs_break_layouts(struct inode *inode, loff_t start, loff_t end,
			 void (*wait)(struct inode *inode))
{
#ifdef HAVE_DAX_BREAK_LAYOUT
	return dax_break_layout(inode, start, end, wait);
#else
	struct page *page;
	int rc;

	for (;;) {
		page = dax_layout_busy_page_range(inode->i_mapping, start, end);
		if (!page)
			return 0;
		rc = ___wait_var_event(&page->_refcount, dax_fs_page_idle(page),
				       TASK_INTERRUPTIBLE, 0, 0, wait(inode));
		if (rc)
			return rc;
	}
#endif
}
DAXKIT_EXPORT(dax_fs_break_layouts);

/**
 * dax_fs_break_layouts_final() - the last wait, when an inode is evicted
 * @inode: the file, before truncate_inode_pages_final()
 *
 * From v6.15 fs/dax.c needs every page of an evicted inode idle before its
 * entries go; before, eviction cannot meet a pinned page (pins hold the
 * inode).  Call from super_operations.evict_inode.
 */
void dax_fs_break_layouts_final(struct inode *inode)
{
#ifdef HAVE_DAX_BREAK_LAYOUT
	dax_break_layout_final(inode);
#endif
}
DAXKIT_EXPORT(dax_fs_break_layouts_final);

/**
 * dax_fs_kill_procs() - kill the processes that map failed file pages
 * @mapping: the file's mapping
 * @index: the first failed page of the file
 * @count: how many pages
 * @mf_flags: the notice's flags
 *
 * For a filesystem's notify_failure: each process mapping one of the pages
 * gets SIGBUS (BUS_MCEERR_AR or _AO), as memory_failure() would do.
 *
 * Return: 0; -EOPNOTSUPP before v5.19 (memory_failure() kills the mappers
 * itself there, and no notice comes).
 */
int dax_fs_kill_procs(struct address_space *mapping, pgoff_t index,
		      unsigned long count, int mf_flags)
{
#ifdef HAVE_MF_DAX_KILL_PROCS
	return mf_dax_kill_procs(mapping, index, count, mf_flags);
#else
	return -EOPNOTSUPP;
#endif
}
DAXKIT_EXPORT(dax_fs_kill_procs);

#endif /* DAX_FS_CAN */
