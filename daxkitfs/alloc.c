// SPDX-License-Identifier: GPL-2.0
/*
 * daxkitfs: allocation of blocks and inodes, in memory only.  The maps are
 * rebuilt from the inodes at mount (recover.c); an allocation becomes
 * durable when the extent or directory entry that uses it is committed.
 *
 * Large files get aligned runs of DAXKITFS_RUN_BLOCKS (2 MiB), at the same
 * offset modulo 2 MiB as in the file, so that PMD faults can map them;
 * small allocations fill partly used runs first, from a cursor.
 */
#include <linux/bitmap.h>
#include "daxkitfs.h"

/* @want (a multiple of the run size) free blocks at the start of a run. */
static bool dkfs_find_aligned(struct dkfs_sb_info *sbi, u32 want, u64 *pblk)
{
	unsigned long start;

	start = bitmap_find_next_zero_area(sbi->block_map, sbi->nr_blocks,
					   sbi->data_start, want,
					   DAXKITFS_RUN_BLOCKS - 1);
	if (start >= sbi->nr_blocks)
		return false;
	*pblk = start;
	return true;
}

/* Up to @want free blocks in a row, the first free one from @from on. */
static u32 dkfs_find_small(struct dkfs_sb_info *sbi, u64 from, u32 want, u64 *pblk)
{
	unsigned long first, next;

	first = find_next_zero_bit(sbi->block_map, sbi->nr_blocks, from);
	if (first >= sbi->nr_blocks)
		return 0;
	next = find_next_bit(sbi->block_map, min_t(u64, sbi->nr_blocks, first + want),
			     first);
	*pblk = first;
	return next - first;
}

/**
 * dkfs_alloc_blocks() - take free blocks
 * @sb: the filesystem
 * @want: how many
 * @aligned: a whole aligned run is wanted (@want is a multiple of
 *	DAXKITFS_RUN_BLOCKS); falls back to smaller pieces
 * @pblk: the first one taken
 *
 * The blocks are not zeroed here.
 *
 * Return: blocks taken (contiguous, at least one), or -ENOSPC.
 */
int dkfs_alloc_blocks(struct super_block *sb, u32 want,
		      bool aligned, u64 *pblk)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);
	u32 got = 0;

	mutex_lock(&sbi->alloc_lock);
	if (aligned && dkfs_find_aligned(sbi, want, pblk))
		got = want;
	if (!got) {
		want = min_t(u32, want, DAXKITFS_RUN_BLOCKS);
		got = dkfs_find_small(sbi, max(sbi->small_cursor, sbi->data_start),
				      want, pblk);
		if (!got)
			got = dkfs_find_small(sbi, sbi->data_start, want, pblk);
		if (got)
			sbi->small_cursor = *pblk + got;
	}
	if (got) {
		bitmap_set(sbi->block_map, *pblk, got);
		sbi->free_blocks -= got;
	}
	mutex_unlock(&sbi->alloc_lock);
	return got ?: -ENOSPC;
}

/**
 * dkfs_free_blocks() - give blocks back
 * @sb: the filesystem
 * @pblk: the first
 * @len: how many
 *
 * Call after the extent that used them is gone (committed) and no mapping
 * of them is left.
 */
void dkfs_free_blocks(struct super_block *sb, u64 pblk, u64 len)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);

	if (WARN_ON_ONCE(pblk < sbi->data_start || pblk + len > sbi->nr_blocks))
		return;
	mutex_lock(&sbi->alloc_lock);
	bitmap_clear(sbi->block_map, pblk, len);
	sbi->free_blocks += len;
	/* Partly used runs are filled first. */
	if (pblk < sbi->small_cursor &&
	    round_down(pblk, DAXKITFS_RUN_BLOCKS) != pblk)
		sbi->small_cursor = pblk;
	mutex_unlock(&sbi->alloc_lock);
}

/**
 * dkfs_alloc_ino() - take a free inode number
 * @sb: the filesystem
 * @ino: the number
 *
 * Return: 0 or -ENOSPC.
 */
int dkfs_alloc_ino(struct super_block *sb, u64 *ino)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);
	unsigned long n;

	mutex_lock(&sbi->alloc_lock);
	n = find_next_zero_bit(sbi->inode_map, sbi->nr_inodes, sbi->inode_cursor);
	if (n >= sbi->nr_inodes)
		n = find_next_zero_bit(sbi->inode_map, sbi->nr_inodes, 1);
	if (n < sbi->nr_inodes) {
		set_bit(n, sbi->inode_map);
		sbi->free_inodes--;
		sbi->inode_cursor = n + 1;
		*ino = n;
	}
	mutex_unlock(&sbi->alloc_lock);
	return n < sbi->nr_inodes ? 0 : -ENOSPC;
}

/**
 * dkfs_free_ino() - give an inode number back, once its inode is cleared
 * @sb: the filesystem
 * @ino: the number
 */
void dkfs_free_ino(struct super_block *sb, u64 ino)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);

	mutex_lock(&sbi->alloc_lock);
	if (!WARN_ON_ONCE(!test_bit(ino, sbi->inode_map))) {
		clear_bit(ino, sbi->inode_map);
		sbi->free_inodes++;
	}
	mutex_unlock(&sbi->alloc_lock);
}
