// SPDX-License-Identifier: GPL-2.0
/*
 * daxkitfs: a file's extents.  In memory, a sorted array; on disk, slots
 * in any order (DAXKITFS_INLINE_EXTENTS in the inode, then extent blocks).
 *
 * Every change is committed by one 8-byte store of a slot's first word
 * (e_lblk, e_len), after the slot's e_pblk and the blocks it maps are
 * durable.  Cutting the head of an extent, or splitting it, writes the
 * remaining tail into a new slot first and then shrinks or clears the old
 * one: interrupted, it leaves a slot contained in another with the same
 * mapping, which loading drops (dkfs_load_extents()).  Blocks go back to
 * the allocator only after the commit that stops using them.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include "daxkitfs.h"

/* Chains longer than this are corrupt (a million extents). */
#define DKFS_MAX_XBLOCKS	4096

static inline u64 dkfs_ext_word(u32 lblk, u32 len)
{
	return (u64)lblk | ((u64)len << 32);
}

static unsigned int dkfs_nr_slots(struct dkfs_inode_info *di)
{
	return DAXKITFS_INLINE_EXTENTS + di->nr_xblocks * DAXKITFS_XBLOCK_EXTENTS;
}

static u64 dkfs_slot_offset(struct inode *inode, u32 slot)
{
	struct dkfs_inode_info *di = DKFS_I(inode);

	if (slot < DAXKITFS_INLINE_EXTENTS)
		return dkfs_inode_offset(inode->i_ino) +
			offsetof(struct daxkitfs_inode, i_ext[slot]);
	slot -= DAXKITFS_INLINE_EXTENTS;
	return (di->xblocks[slot / DAXKITFS_XBLOCK_EXTENTS] << DAXKITFS_BLOCK_SHIFT) +
		offsetof(struct daxkitfs_xblock, x_ext[slot % DAXKITFS_XBLOCK_EXTENTS]);
}

/* Index of the first extent ending after @lblk (nr_ext when none). */
static unsigned int dkfs_find(struct dkfs_inode_info *di, u32 lblk)
{
	unsigned int lo = 0, hi = di->nr_ext;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct dkfs_extent *e = &di->ext[mid];

		if ((u64)e->lblk + e->len <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int dkfs_ext_insert(struct dkfs_inode_info *di, unsigned int at,
			   const struct dkfs_extent *e)
{
	if (di->nr_ext == di->cap_ext) {
		unsigned int cap = max(8U, di->cap_ext * 2);
		struct dkfs_extent *n = krealloc(di->ext, array_size(cap, sizeof(*n)), GFP_NOFS);

		if (!n)
			return -ENOMEM;
		di->ext = n;
		di->cap_ext = cap;
	}
	memmove(&di->ext[at + 1], &di->ext[at], (di->nr_ext - at) * sizeof(*e));
	di->ext[at] = *e;
	di->nr_ext++;
	return 0;
}

static void dkfs_ext_remove(struct dkfs_inode_info *di, unsigned int at)
{
	memmove(&di->ext[at], &di->ext[at + 1], (di->nr_ext - at - 1) * sizeof(di->ext[0]));
	di->nr_ext--;
}

/*
 * Room for @nr slots in the slot map, which holds dkfs_nr_slots(@di) now:
 * grow it before adding an extent block, never after.
 */
static int dkfs_slot_map_grow(struct dkfs_inode_info *di, unsigned int nr)
{
	unsigned long *map = bitmap_zalloc(nr, GFP_NOFS);

	if (!map)
		return -ENOMEM;
	if (di->slot_map)
		bitmap_copy(map, di->slot_map, dkfs_nr_slots(di));
	bitmap_free(di->slot_map);
	di->slot_map = map;
	return 0;
}

/* ---- loading ---- */

static bool dkfs_extent_valid(struct super_block *sb, u32 lblk, u32 len, u64 pblk)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);

	return (u64)lblk + len <= U32_MAX && pblk >= sbi->data_start &&
		pblk < sbi->nr_blocks && len <= sbi->nr_blocks - pblk;
}

/*
 * Add a loaded extent in order.  An extent contained in another with the
 * same mapping is what an interrupted cut leaves: the smaller one goes
 * (its slot is cleared when the filesystem is writable).  Any other
 * overlap is corruption.
 */
static int dkfs_load_one(struct inode *inode, const struct dkfs_extent *e)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	unsigned int at = dkfs_find(di, e->lblk);
	struct dkfs_extent *o = at < di->nr_ext ? &di->ext[at] : NULL;
	struct super_block *sb = inode->i_sb;
	u32 drop;

	__set_bit(e->slot, di->slot_map);
	if (!o || (u64)e->lblk + e->len <= o->lblk)
		return dkfs_ext_insert(di, at, e);
	if (o->pblk - o->lblk != e->pblk - e->lblk) {
		dkfs_corrupt(sb, "inode %llu: overlapping extents", (u64)inode->i_ino);
		return -EUCLEAN;
	}
	if (o->lblk <= e->lblk && (u64)e->lblk + e->len <= (u64)o->lblk + o->len) {
		drop = e->slot;
	} else if (e->lblk <= o->lblk && (u64)o->lblk + o->len <= (u64)e->lblk + e->len &&
		   (at + 1 == di->nr_ext || di->ext[at + 1].lblk >= (u64)e->lblk + e->len)) {
		drop = o->slot;
		*o = *e;
	} else {
		dkfs_corrupt(sb, "inode %llu: overlapping extents", (u64)inode->i_ino);
		return -EUCLEAN;
	}
	__clear_bit(drop, di->slot_map);
	if (sb_rdonly(sb))
		return 0;
	return dkfs_commit(sb, dkfs_slot_offset(inode, drop), 0);
}

static int dkfs_load_slots(struct inode *inode, const struct daxkitfs_extent *ext,
			   unsigned int n, u32 first_slot)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		struct dkfs_extent e = {
			.lblk = le32_to_cpu(ext[i].e_lblk),
			.len = le32_to_cpu(ext[i].e_len),
			.pblk = le64_to_cpu(ext[i].e_pblk),
			.slot = first_slot + i,
		};

		if (!e.len)
			continue;
		if (!dkfs_extent_valid(inode->i_sb, e.lblk, e.len, e.pblk)) {
			dkfs_corrupt(inode->i_sb, "inode %llu: extent beyond the data area",
				     (u64)inode->i_ino);
			return -EUCLEAN;
		}
		rc = dkfs_load_one(inode, &e);
		if (rc)
			return rc;
	}
	return 0;
}

static int dkfs_add_xblock_entry(struct dkfs_inode_info *di, u64 pblk)
{
	u64 *n = krealloc(di->xblocks, array_size(di->nr_xblocks + 1, sizeof(*n)), GFP_NOFS);

	if (!n)
		return -ENOMEM;
	di->xblocks = n;
	di->xblocks[di->nr_xblocks++] = pblk;
	return 0;
}

/* Read the chain of extent blocks from @next on. */
static int dkfs_load_xblocks(struct inode *inode, u64 next)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	struct super_block *sb = inode->i_sb;
	struct daxkitfs_xblock *xb;
	unsigned int i;
	int rc = 0;

	if (!next)
		return 0;
	xb = kmalloc(sizeof(*xb), GFP_NOFS);
	if (!xb)
		return -ENOMEM;
	while (next && !rc) {
		rc = -EUCLEAN;
		if (!dkfs_extent_valid(sb, 0, 1, next) || di->nr_xblocks >= DKFS_MAX_XBLOCKS)
			break;
		for (i = 0; i < di->nr_xblocks; i++)
			if (di->xblocks[i] == next)
				break;
		if (i < di->nr_xblocks)
			break;
		rc = dkfs_meta_read(sb, next << DAXKITFS_BLOCK_SHIFT, xb, sizeof(*xb));
		if (rc)
			break;
		rc = -EUCLEAN;
		if (le64_to_cpu(xb->x_magic) != DAXKITFS_XBLOCK_MAGIC)
			break;
		rc = dkfs_slot_map_grow(di, dkfs_nr_slots(di) + DAXKITFS_XBLOCK_EXTENTS) ?:
			dkfs_add_xblock_entry(di, next);
		if (!rc)
			rc = dkfs_load_slots(inode, xb->x_ext, DAXKITFS_XBLOCK_EXTENTS,
					     dkfs_nr_slots(di) - DAXKITFS_XBLOCK_EXTENTS);
		next = le64_to_cpu(xb->x_next);
	}
	if (rc == -EUCLEAN)
		dkfs_corrupt(sb, "inode %llu: bad extent block chain", (u64)inode->i_ino);
	kfree(xb);
	return rc;
}

/**
 * dkfs_load_extents() - read an inode's extents into memory
 * @inode: the inode, new
 * @di: its on-disk copy
 *
 * Return: 0, -EUCLEAN for corrupt extents, or another negative errno.
 */
int dkfs_load_extents(struct inode *inode, const struct daxkitfs_inode *di)
{
	struct dkfs_inode_info *dki = DKFS_I(inode);
	int rc;

	rc = dkfs_slot_map_grow(dki, DAXKITFS_INLINE_EXTENTS) ?:
		dkfs_load_slots(inode, di->i_ext, DAXKITFS_INLINE_EXTENTS, 0) ?:
		dkfs_load_xblocks(inode, le64_to_cpu(di->i_xblock));
	if (rc)
		dkfs_drop_extents(inode);
	return rc;
}

/**
 * dkfs_drop_extents() - forget the extents in memory (the inode goes)
 * @inode: the inode
 */
void dkfs_drop_extents(struct inode *inode)
{
	struct dkfs_inode_info *di = DKFS_I(inode);

	kfree(di->ext);
	kfree(di->xblocks);
	bitmap_free(di->slot_map);
	di->ext = NULL;
	di->xblocks = NULL;
	di->slot_map = NULL;
	di->nr_ext = 0;
	di->cap_ext = 0;
	di->nr_xblocks = 0;
}

/* ---- lookups ---- */

static bool dkfs_lookup_locked(struct inode *inode, u32 lblk, u32 *len, u64 *pblk)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	unsigned int at = dkfs_find(di, lblk);
	struct dkfs_extent *e = at < di->nr_ext ? &di->ext[at] : NULL;

	lockdep_assert_held(&di->ext_lock);
	if (e && e->lblk <= lblk) {
		*len = e->lblk + e->len - lblk;
		*pblk = e->pblk + (lblk - e->lblk);
		return true;
	}
	*len = e ? e->lblk - lblk : U32_MAX - lblk;
	return false;
}

/**
 * dkfs_lookup() - where a file block is
 * @inode: the file
 * @lblk: the block
 * @len: blocks mapped contiguously from @lblk on; for a hole, its length
 * @pblk: the device block of @lblk, when mapped
 *
 * Return: true when @lblk is mapped.
 */
bool dkfs_lookup(struct inode *inode, u32 lblk, u32 *len, u64 *pblk)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	bool mapped;

	down_read(&di->ext_lock);
	mapped = dkfs_lookup_locked(inode, lblk, len, pblk);
	up_read(&di->ext_lock);
	return mapped;
}

/**
 * dkfs_for_each_extent() - call @fn for each extent of @inode
 * @inode: the file
 * @fn: called under the extent lock (shared); must not change extents
 * @arg: for @fn
 */
void dkfs_for_each_extent(struct inode *inode,
			  void (*fn)(struct inode *inode, const struct dkfs_extent *e,
				     void *arg), void *arg)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	unsigned int i;

	down_read(&di->ext_lock);
	for (i = 0; i < di->nr_ext; i++)
		fn(inode, &di->ext[i], arg);
	up_read(&di->ext_lock);
}

/* ---- changes ---- */

static void dkfs_add_blocks(struct inode *inode, s64 nr)
{
	spin_lock(&inode->i_lock);
	inode->i_blocks += nr << (DAXKITFS_BLOCK_SHIFT - 9);
	spin_unlock(&inode->i_lock);
}

/* A new extent block at the end of the chain: 255 more slots. */
static int dkfs_add_xblock(struct inode *inode)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	struct super_block *sb = inode->i_sb;
	__le64 magic = cpu_to_le64(DAXKITFS_XBLOCK_MAGIC);
	u64 pblk, link;
	int rc;

	lockdep_assert_held_write(&di->ext_lock);
	if (di->nr_xblocks >= DKFS_MAX_XBLOCKS)
		return -EFBIG;
	rc = dkfs_alloc_blocks(sb, 1, false, &pblk);
	if (rc < 0)
		return rc;
	rc = dax_fs_zero_blocks(DKFS_SB(sb)->fdev, pblk << DAXKITFS_BLOCK_SHIFT,
				DAXKITFS_BLOCK_SIZE) ?:
		dkfs_meta_write(sb, pblk << DAXKITFS_BLOCK_SHIFT, &magic, sizeof(magic)) ?:
		dkfs_slot_map_grow(di, dkfs_nr_slots(di) + DAXKITFS_XBLOCK_EXTENTS);
	if (rc)
		goto out_free;
	if (di->nr_xblocks)
		link = (di->xblocks[di->nr_xblocks - 1] << DAXKITFS_BLOCK_SHIFT) +
			offsetof(struct daxkitfs_xblock, x_next);
	else
		link = dkfs_inode_offset(inode->i_ino) +
			offsetof(struct daxkitfs_inode, i_xblock);
	rc = dkfs_add_xblock_entry(di, pblk);
	if (rc)
		goto out_free;
	rc = dkfs_commit(sb, link, pblk);
	if (rc) {
		di->nr_xblocks--;
		goto out_free;
	}
	dkfs_add_blocks(inode, 1);
	return 0;

out_free:
	dkfs_free_blocks(sb, pblk, 1);
	return rc;
}

static int dkfs_get_slot(struct inode *inode, u32 *slot)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	unsigned int n = dkfs_nr_slots(di);
	int rc;

	*slot = find_first_zero_bit(di->slot_map, n);
	if (*slot < n)
		return 0;
	rc = dkfs_add_xblock(inode);
	if (rc)
		return rc;
	*slot = n;
	return 0;
}

/* Write extent @e into its (free) slot, committed. */
static int dkfs_write_slot(struct inode *inode, const struct dkfs_extent *e)
{
	struct super_block *sb = inode->i_sb;
	u64 off = dkfs_slot_offset(inode, e->slot);
	__le64 pblk = cpu_to_le64(e->pblk);
	int rc;

	rc = dkfs_meta_write(sb, off + offsetof(struct daxkitfs_extent, e_pblk),
			     &pblk, sizeof(pblk)) ?:
		dkfs_commit(sb, off, dkfs_ext_word(e->lblk, e->len));
	if (!rc)
		__set_bit(e->slot, DKFS_I(inode)->slot_map);
	return rc;
}

static int dkfs_clear_slot(struct inode *inode, u32 slot)
{
	int rc = dkfs_commit(inode->i_sb, dkfs_slot_offset(inode, slot), 0);

	if (!rc)
		__clear_bit(slot, DKFS_I(inode)->slot_map);
	return rc;
}

/* Commit new blocks [@lblk, +@len) at @pblk: grow the previous extent or add one. */
static int dkfs_add_extent(struct inode *inode, u32 lblk, u32 len, u64 pblk)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	unsigned int at = dkfs_find(di, lblk);
	struct dkfs_extent *prev = at ? &di->ext[at - 1] : NULL;
	struct dkfs_extent e = { .lblk = lblk, .len = len, .pblk = pblk };
	int rc;

	lockdep_assert_held_write(&di->ext_lock);
	if (prev && prev->lblk + prev->len == lblk && prev->pblk + prev->len == pblk &&
	    (u64)prev->len + len <= U32_MAX) {
		rc = dkfs_commit(inode->i_sb, dkfs_slot_offset(inode, prev->slot),
				 dkfs_ext_word(prev->lblk, prev->len + len));
		if (!rc)
			prev->len += len;
		return rc;
	}
	/* Room in memory first: a commit must not be followed by a failure. */
	rc = dkfs_ext_insert(di, at, &e);
	if (rc)
		return rc;
	rc = dkfs_get_slot(inode, &e.slot);
	if (!rc)
		rc = dkfs_write_slot(inode, &e);
	if (rc)
		dkfs_ext_remove(di, at);
	else
		di->ext[at].slot = e.slot;
	return rc;
}

/*
 * Blocks for the hole at @lblk (of @hole blocks): a whole aligned run for
 * a large file when the run containing @lblk is all hole, else up to
 * @want blocks wherever they are free.
 */
static int dkfs_alloc_for(struct inode *inode, u32 lblk, u32 want, u32 hole,
			  bool big, u32 *first, u64 *pblk)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	u32 run = round_down(lblk, DAXKITFS_RUN_BLOCKS);
	unsigned int at = dkfs_find(di, lblk);
	bool prev_clear = !at || di->ext[at - 1].lblk + di->ext[at - 1].len <= run;
	int got;

	if (big && prev_clear && (u64)lblk + hole >= (u64)run + DAXKITFS_RUN_BLOCKS) {
		got = dkfs_alloc_blocks(inode->i_sb, DAXKITFS_RUN_BLOCKS, true, pblk);
		if (got == DAXKITFS_RUN_BLOCKS) {
			*first = run;
			return got;
		}
		if (got > 0)	/* not aligned after all: for @lblk on */
			dkfs_free_blocks(inode->i_sb, *pblk, got);
	}
	*first = lblk;
	return dkfs_alloc_blocks(inode->i_sb, min(want, hole), false, pblk);
}

/**
 * dkfs_map_blocks() - map file blocks, allocating where they are a hole
 * @inode: the file
 * @lblk: the first block
 * @want: blocks wanted from @lblk on (at least one)
 * @big: the file is large: prefer a whole aligned 2 MiB run
 * @len: blocks mapped from @lblk on
 * @pblk: the device block of @lblk
 * @new: set when the blocks were allocated now
 *
 * New blocks are zeroed and durable before the extent that maps them is
 * committed (Req-48).
 *
 * Return: 0 or a negative errno (-ENOSPC, -EFBIG, -EIO).
 */
int dkfs_map_blocks(struct inode *inode, u32 lblk, u32 want, bool big,
		    u32 *len, u64 *pblk, bool *new)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	struct super_block *sb = inode->i_sb;
	u32 hole, first;
	u64 start;
	int got, rc;

	*new = false;
	if (dkfs_lookup(inode, lblk, len, pblk))
		return 0;
	down_write(&di->ext_lock);
	if (dkfs_lookup_locked(inode, lblk, &hole, pblk)) {
		*len = hole;
		up_write(&di->ext_lock);
		return 0;
	}
	got = dkfs_alloc_for(inode, lblk, want, hole, big, &first, &start);
	if (got < 0) {
		rc = got;
		goto out;
	}
	rc = dax_fs_zero_blocks(DKFS_SB(sb)->fdev, start << DAXKITFS_BLOCK_SHIFT,
				(u64)got << DAXKITFS_BLOCK_SHIFT) ?:
		dkfs_add_extent(inode, first, got, start);
	if (rc) {
		dkfs_free_blocks(sb, start, got);
		goto out;
	}
	dkfs_add_blocks(inode, got);
	*new = true;
	*pblk = start + (lblk - first);
	*len = first + got - lblk;
out:
	up_write(&di->ext_lock);
	return rc;
}

/* Cut [@start, @end) out of extent @at, which overlaps it. */
static int dkfs_cut(struct inode *inode, unsigned int at, u32 start, u32 end)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	struct dkfs_extent *e = &di->ext[at];
	struct super_block *sb = inode->i_sb;
	u64 a = e->lblk, b = (u64)e->lblk + e->len;
	u64 from = max_t(u64, a, start), to = min_t(u64, b, end);
	u64 gone_pblk = e->pblk + (from - a);
	struct dkfs_extent tail;
	int rc;

	if (to < b) {
		/* A tail remains: into a new slot first. */
		tail = (struct dkfs_extent){ .lblk = to, .len = b - to,
					     .pblk = e->pblk + (to - a) };
		rc = dkfs_ext_insert(di, at + 1, &tail);
		if (rc)
			return rc;
		e = &di->ext[at];
		rc = dkfs_get_slot(inode, &tail.slot);
		if (!rc)
			rc = dkfs_write_slot(inode, &tail);
		if (rc) {
			dkfs_ext_remove(di, at + 1);
			return rc;
		}
		di->ext[at + 1].slot = tail.slot;
	}
	if (from > a) {
		rc = dkfs_commit(sb, dkfs_slot_offset(inode, e->slot),
				 dkfs_ext_word(e->lblk, from - a));
		if (rc)
			return rc;
		e->len = from - a;
	} else {
		rc = dkfs_clear_slot(inode, e->slot);
		if (rc)
			return rc;
		dkfs_ext_remove(di, at);
	}
	dkfs_free_blocks(sb, gone_pblk, to - from);
	dkfs_add_blocks(inode, -(s64)(to - from));
	return 0;
}

/**
 * dkfs_free_range() - unmap file blocks [@start, @end) and free them
 * @inode: the file, with no mapping of the range left (truncate_pagecache_range)
 * @start: first block
 * @end: block after the last
 *
 * Return: 0 or a negative errno (the range may be partly freed).
 */
int dkfs_free_range(struct inode *inode, u32 start, u32 end)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	unsigned int at;
	int rc = 0;

	down_write(&di->ext_lock);
	for (;;) {
		at = dkfs_find(di, start);
		if (at >= di->nr_ext || di->ext[at].lblk >= end)
			break;
		rc = dkfs_cut(inode, at, start, end);
		if (rc)
			break;
	}
	up_write(&di->ext_lock);
	return rc;
}

/**
 * dkfs_free_all() - give every block of an inode back to the allocator
 * @inode: the inode, already cleared on disk
 */
void dkfs_free_all(struct inode *inode)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	unsigned int i;

	down_write(&di->ext_lock);
	for (i = 0; i < di->nr_ext; i++)
		dkfs_free_blocks(inode->i_sb, di->ext[i].pblk, di->ext[i].len);
	for (i = 0; i < di->nr_xblocks; i++)
		dkfs_free_blocks(inode->i_sb, di->xblocks[i], 1);
	up_write(&di->ext_lock);
	dkfs_drop_extents(inode);
}
