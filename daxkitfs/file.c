// SPDX-License-Identifier: GPL-2.0
/*
 * daxkitfs: regular files, all DAX, through dax_fs_helper and the kernel's
 * fs/dax.c.  The iomap is the device offset of the file's blocks;
 * allocation happens in iomap_begin for writes and write faults, zeroed
 * and committed before fs/dax.c sees the blocks, so metadata is never
 * dirty (no IOMAP_F_DIRTY) and MAP_SYNC needs nothing more at fault time.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/falloc.h>
#include <linux/huge_mm.h>
#include <linux/iomap.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/uio.h>
#include <daxkit/compat_mm.h>
#include "daxkitfs.h"

#define DKFS_MAX_LBLK	((u64)U32_MAX)

/* Large files get whole aligned 2 MiB runs. */
static bool dkfs_big(struct inode *inode, u32 lblk, u64 want)
{
	return lblk >= DAXKITFS_RUN_BLOCKS || want >= DAXKITFS_RUN_BLOCKS / 2 ||
		i_size_read(inode) >= (loff_t)DAXKITFS_RUN_BLOCKS << DAXKITFS_BLOCK_SHIFT;
}

static int dkfs_iomap_begin(struct inode *inode, loff_t pos, loff_t length,
			    unsigned int flags, struct iomap *iomap,
			    struct iomap *srcmap)
{
	struct dkfs_sb_info *sbi = DKFS_SB(inode->i_sb);
	u64 lblk = pos >> DAXKITFS_BLOCK_SHIFT;
	u64 last = (pos + length - 1) >> DAXKITFS_BLOCK_SHIFT;
	u64 want = last - lblk + 1;
	bool mapped, new = false;
	u64 pblk = 0;
	u32 len;
	int rc;

	if (READ_ONCE(sbi->dead))
		return -EIO;
	if (lblk >= DKFS_MAX_LBLK)
		return -EFBIG;
	want = min(want, DKFS_MAX_LBLK - lblk);
	if ((flags & IOMAP_WRITE) && !(flags & IOMAP_ZERO)) {
		rc = dkfs_map_blocks(inode, lblk, min_t(u64, want, U32_MAX),
				     dkfs_big(inode, lblk, want), &len, &pblk, &new);
		if (rc)
			return rc;
		mapped = true;
	} else {
		mapped = dkfs_lookup(inode, lblk, &len, &pblk);
	}
	iomap->offset = lblk << DAXKITFS_BLOCK_SHIFT;
	iomap->length = (u64)len << DAXKITFS_BLOCK_SHIFT;
	iomap->bdev = NULL;
	iomap->dax_dev = dax_fs_dax_device(sbi->fdev);
	iomap->flags = new ? IOMAP_F_NEW : 0;
	if (mapped) {
		iomap->type = IOMAP_MAPPED;
		iomap->addr = pblk << DAXKITFS_BLOCK_SHIFT;
	} else {
		iomap->type = IOMAP_HOLE;
		iomap->addr = IOMAP_NULL_ADDR;
	}
	return 0;
}

const struct iomap_ops dkfs_iomap_ops = {
	.iomap_begin = dkfs_iomap_begin,
};

/* ---- read and write ---- */

static ssize_t dkfs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t rc;

	if (!iov_iter_count(to))
		return 0;
	if (iocb->ki_flags & IOCB_NOWAIT) {
		if (!inode_trylock_shared(inode))
			return -EAGAIN;
	} else {
		inode_lock_shared(inode);
	}
	rc = dax_fs_rw_iter(iocb, to, &dkfs_iomap_ops);
	inode_unlock_shared(inode);
	file_accessed(iocb->ki_filp);
	return rc;
}

static ssize_t dkfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	ssize_t rc;
	int err;

	if (iocb->ki_flags & IOCB_NOWAIT) {
		if (!inode_trylock(inode))
			return -EAGAIN;
	} else {
		inode_lock(inode);
	}
	rc = generic_write_checks(iocb, from);
	if (rc <= 0)
		goto out;
	rc = file_remove_privs(file);
	if (!rc)
		rc = file_update_time(file);
	if (rc)
		goto out;
	rc = dax_fs_rw_iter(iocb, from, &dkfs_iomap_ops);
	if (rc > 0 && iocb->ki_pos > i_size_read(inode)) {
		err = dkfs_set_size(inode, iocb->ki_pos);
		if (err)
			rc = err;
	}
out:
	inode_unlock(inode);
	if (rc > 0)
		rc = generic_write_sync(iocb, rc);
	return rc;
}

/* ---- mappings ---- */

static vm_fault_t dkfs_fault_order(struct vm_fault *vmf, unsigned int order)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	struct dkfs_inode_info *di = DKFS_I(inode);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	dax_fs_pfn_t pfn;
	vm_fault_t ret;

	if (write) {
		sb_start_pagefault(inode->i_sb);
		file_update_time(vmf->vma->vm_file);
	}
	down_read(&di->mmap_lock);
	ret = dax_fs_fault(vmf, order, &dkfs_iomap_ops, &pfn);
	up_read(&di->mmap_lock);
	if (ret & VM_FAULT_NEEDDSYNC)
		ret = dax_fs_finish_sync_fault(vmf, order, pfn);
	if (write)
		sb_end_pagefault(inode->i_sb);
	return ret;
}

static vm_fault_t dkfs_fault(struct vm_fault *vmf)
{
	return dkfs_fault_order(vmf, DAX_FS_PTE_ORDER);
}

DAX_FS_HUGE_FAULT(dkfs_huge_fault, dkfs_fault_order)

static const struct vm_operations_struct dkfs_vm_ops = {
	.fault = dkfs_fault,
	.huge_fault = dkfs_huge_fault,
	.page_mkwrite = dkfs_fault,
	.pfn_mkwrite = dkfs_fault,
};

static int dkfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(file);

	if (READ_ONCE(DKFS_SB(inode->i_sb)->dead))
		return -EIO;
	if (!dax_fs_mapping_supported(DKFS_SB(inode->i_sb)->fdev, inode, vma->vm_flags))
		return -EOPNOTSUPP;
	file_accessed(file);
	vma->vm_ops = &dkfs_vm_ops;
	daxkit_vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

/* ---- sync, seek, extents ---- */

static int dkfs_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct super_block *sb = file_inode(file)->i_sb;

	if (READ_ONCE(DKFS_SB(sb)->dead))
		return -EIO;
	return dax_fs_fsync(file, start, end, DKFS_SB(sb)->fdev);
}

static loff_t dkfs_llseek(struct file *file, loff_t offset, int whence)
{
	struct inode *inode = file_inode(file);

	switch (whence) {
	case SEEK_HOLE:
		inode_lock_shared(inode);
		offset = iomap_seek_hole(inode, offset, &dkfs_iomap_ops);
		inode_unlock_shared(inode);
		break;
	case SEEK_DATA:
		inode_lock_shared(inode);
		offset = iomap_seek_data(inode, offset, &dkfs_iomap_ops);
		inode_unlock_shared(inode);
		break;
	default:
		return generic_file_llseek(file, offset, whence);
	}
	if (offset < 0)
		return offset;
	return vfs_setpos(file, offset, inode->i_sb->s_maxbytes);
}

static int dkfs_fiemap(struct inode *inode, struct fiemap_extent_info *fieinfo,
		       u64 start, u64 len)
{
	int rc;

	inode_lock_shared(inode);
	rc = iomap_fiemap(inode, fieinfo, start, len, &dkfs_iomap_ops);
	inode_unlock_shared(inode);
	return rc;
}

/* ---- fallocate ---- */

/* Allocate (zeroed) every hole of [@pos, @end). */
static int dkfs_alloc_range(struct inode *inode, loff_t pos, loff_t end)
{
	u64 lblk = pos >> DAXKITFS_BLOCK_SHIFT;
	u64 last = DIV_ROUND_UP_ULL(end, DAXKITFS_BLOCK_SIZE);
	u64 pblk;
	bool new;
	u32 len;
	int rc;

	while (lblk < last) {
		if (lblk >= DKFS_MAX_LBLK)
			return -EFBIG;
		rc = dkfs_map_blocks(inode, lblk, min_t(u64, last - lblk, U32_MAX),
				     dkfs_big(inode, lblk, last - lblk), &len, &pblk, &new);
		if (rc)
			return rc;
		lblk += len;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* Zero [@pos, @end): partial blocks in place, whole blocks freed. */
static int dkfs_punch(struct inode *inode, loff_t pos, loff_t end)
{
	loff_t first = round_up(pos, DAXKITFS_BLOCK_SIZE);
	loff_t last = round_down(end, DAXKITFS_BLOCK_SIZE);
	int rc;

	rc = dkfs_break_layouts(inode, round_down(pos, PAGE_SIZE), end - 1);
	if (rc)
		return rc;
	if (first >= last)
		return dax_fs_zero_range(inode, pos, end - pos, NULL, &dkfs_iomap_ops);
	rc = dax_fs_zero_range(inode, pos, first - pos, NULL, &dkfs_iomap_ops) ?:
		dax_fs_zero_range(inode, last, end - last, NULL, &dkfs_iomap_ops);
	if (rc)
		return rc;
	truncate_pagecache_range(inode, first, last - 1);
	return dkfs_free_range(inode, first >> DAXKITFS_BLOCK_SHIFT,
			       min_t(u64, last >> DAXKITFS_BLOCK_SHIFT, DKFS_MAX_LBLK));
}

static long dkfs_fallocate(struct file *file, int mode, loff_t pos, loff_t len)
{
	struct inode *inode = file_inode(file);
	struct dkfs_inode_info *di = DKFS_I(inode);
	loff_t end = pos + len, size;
	long rc;

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && (mode & FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if (!S_ISREG(inode->i_mode))
		return -ENODEV;
	inode_lock(inode);
	size = i_size_read(inode);
	rc = inode_newsize_ok(inode, end);
	if (rc)
		goto out;
	rc = file_modified(file);
	if (rc)
		goto out;
	down_write(&di->mmap_lock);
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		if (pos < size)
			rc = dkfs_punch(inode, pos, min(end, size));
	} else {
		if (mode & FALLOC_FL_ZERO_RANGE)
			rc = dkfs_punch(inode, pos, end);
		if (!rc)
			rc = dkfs_alloc_range(inode, pos, end);
		if (!rc && !(mode & FALLOC_FL_KEEP_SIZE) && end > size)
			rc = dkfs_set_size(inode, end);
	}
	up_write(&di->mmap_lock);
out:
	inode_unlock(inode);
	return rc;
}

/* ---- open ---- */

static int dkfs_open(struct inode *inode, struct file *file)
{
#ifdef FMODE_CAN_ODIRECT
	/* DAX I/O does not go through a page cache: O_DIRECT is the same. */
	file->f_mode |= FMODE_CAN_ODIRECT;
#endif
	return generic_file_open(inode, file);
}

const struct file_operations dkfs_file_fops = {
	.llseek = dkfs_llseek,
	.read_iter = dkfs_read_iter,
	.write_iter = dkfs_write_iter,
	.mmap = dkfs_mmap,
	.open = dkfs_open,
	.fsync = dkfs_fsync,
	.fallocate = dkfs_fallocate,
	.get_unmapped_area = thp_get_unmapped_area,
	DAXKIT_FOP_MAP_SYNC,
};

const struct inode_operations dkfs_file_iops = {
	.setattr = dkfs_setattr,
	.fiemap = dkfs_fiemap,
};

/* ---- address space ---- */

static int dkfs_writepages(struct address_space *mapping,
			   struct writeback_control *wbc)
{
	struct super_block *sb = mapping->host->i_sb;

	return dax_fs_writepages(mapping, wbc, DKFS_SB(sb)->fdev);
}

const struct address_space_operations dkfs_aops = {
	.writepages = dkfs_writepages,
	DAXKIT_AOPS_NOOP_DIRTY,
#ifndef FMODE_CAN_ODIRECT
	/* What lets open(O_DIRECT) through where there is no FMODE_CAN_ODIRECT. */
	.direct_IO = noop_direct_IO,
#endif
};
