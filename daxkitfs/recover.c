// SPDX-License-Identifier: GPL-2.0
/*
 * daxkitfs: the mount-time scan.  Free space is not on disk: every mount
 * reads every inode in use, marks its blocks, and counts the directory
 * entries that point at each inode.  What an interrupted operation can
 * leave is repaired here (when mounted read-write):
 *
 *   - an inode no entry points at (a create cut short, or unlinked while
 *     open): freed;
 *   - a link count too high or too low (link, unlink, mkdir, rmdir and
 *     rename commit the entry and the count separately): set right;
 *   - a directory named twice (a rename across directories cut short):
 *     the entry outside its parent is cleared;
 *   - a directory block mapped beyond the directory's size: shown;
 *   - an extent contained in another (a cut cut short): dropped when the
 *     inode is read (extent.c).
 *
 * Anything else (a block owned twice, an entry naming a free inode, an
 * invalid inode) is damage: the mount fails with EUCLEAN and one line,
 * and fsck.daxkitfs repairs it.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "daxkitfs.h"

/**
 * struct dkfs_scan - what the scan learns
 * @inodes: the inodes in use, by number (referenced)
 * @refs: entries naming each inode
 * @subdirs: subdirectories of each directory
 * @first_dir: for a directory: the directory of the entry kept
 * @first_off: and that entry's device offset
 * @fixed: repairs made
 * @orphans: inodes freed
 */
struct dkfs_scan {
	struct inode **inodes;
	u32 *refs;
	u32 *subdirs;
	u64 *first_dir;
	u64 *first_off;
	unsigned int fixed;
	unsigned int orphans;
};

static void dkfs_mark_extent(struct inode *inode, const struct dkfs_extent *e, void *arg)
{
	struct dkfs_sb_info *sbi = DKFS_SB(inode->i_sb);
	bool *twice = arg;

	if (find_next_bit(sbi->block_map, e->pblk + e->len, e->pblk) < e->pblk + e->len)
		*twice = true;
	bitmap_set(sbi->block_map, e->pblk, e->len);
	sbi->free_blocks -= e->len;
}

/* Mark the blocks of @inode in use; EUCLEAN when another owns one. */
static int dkfs_mark_blocks(struct inode *inode)
{
	struct dkfs_sb_info *sbi = DKFS_SB(inode->i_sb);
	struct dkfs_inode_info *di = DKFS_I(inode);
	bool twice = false;
	unsigned int i;

	dkfs_for_each_extent(inode, dkfs_mark_extent, &twice);
	for (i = 0; i < di->nr_xblocks; i++) {
		if (test_and_set_bit(di->xblocks[i], sbi->block_map))
			twice = true;
		sbi->free_blocks--;
	}
	if (twice) {
		dkfs_corrupt(inode->i_sb, "inode %llu: a block is owned twice", (u64)inode->i_ino);
		return -EUCLEAN;
	}
	return 0;
}

/* Read every inode in use (the table, a chunk at a time). */
static int dkfs_read_inodes(struct super_block *sb, struct dkfs_scan *s)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);
	const unsigned int per = 256;
	struct daxkitfs_inode *buf;
	u64 ino, i;
	int rc = 0;

	buf = kvmalloc_array(per, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (ino = 0; ino < sbi->nr_inodes && !rc; ino += per) {
		u64 n = min_t(u64, per, sbi->nr_inodes - ino);

		rc = dkfs_meta_read(sb, dkfs_inode_offset(ino), buf, n * sizeof(*buf));
		for (i = 0; i < n && !rc; i++) {
			struct inode *inode;

			if (!buf[i].i_mode || ino + i == 0)
				continue;
			inode = dkfs_iget_from(sb, ino + i, &buf[i]);
			if (IS_ERR(inode)) {
				rc = PTR_ERR(inode);
				break;
			}
			s->inodes[ino + i] = inode;
			__set_bit(ino + i, sbi->inode_map);
			sbi->free_inodes--;
			rc = dkfs_mark_blocks(inode);
		}
		cond_resched();
	}
	kvfree(buf);
	return rc;
}

static int dkfs_clear_entry(struct super_block *sb, struct dkfs_scan *s, u64 off)
{
	s->fixed++;
	return sb_rdonly(sb) ? 0 : dkfs_commit(sb, off, 0);
}

static int dkfs_count_entry(struct super_block *sb, u64 dir_ino,
			    const struct dkfs_entry *e, void *arg)
{
	struct dkfs_scan *s = arg;
	u64 ino = le64_to_cpu(e->de->de_ino), off = e->off;
	struct inode *inode = s->inodes[ino];
	u64 prev_off;

	if (!inode || ino == DAXKITFS_ROOT_INO) {
		dkfs_corrupt(sb, "directory %llu: an entry names inode %llu, %s", dir_ino, ino,
			     inode ? "the root" : "which is free");
		return -EUCLEAN;
	}
	if (!S_ISDIR(inode->i_mode)) {
		s->refs[ino]++;
		return 0;
	}
	if (!s->refs[ino]) {
		s->refs[ino] = 1;
		s->subdirs[dir_ino]++;
		s->first_dir[ino] = dir_ino;
		s->first_off[ino] = off;
		return 0;
	}
	/* Named twice (a rename cut short): the entry in its parent stays. */
	if (dir_ino != DKFS_I(inode)->parent)
		return dkfs_clear_entry(sb, s, off);
	prev_off = s->first_off[ino];
	s->subdirs[s->first_dir[ino]]--;
	s->subdirs[dir_ino]++;
	s->first_dir[ino] = dir_ino;
	s->first_off[ino] = off;
	return dkfs_clear_entry(sb, s, prev_off);
}

/*
 * A directory whose only entry is outside its parent: the parent follows
 * the entry.
 */
static int dkfs_fix_parent(struct super_block *sb, struct dkfs_scan *s, struct inode *inode)
{
	u64 first = s->first_dir[inode->i_ino];

	if (!first || first == DKFS_I(inode)->parent)
		return 0;
	s->fixed++;
	return sb_rdonly(sb) ? 0 : dkfs_set_parent(inode, first);
}

/* A directory block mapped past the size (an append cut short): shown. */
static int dkfs_fix_dir_size(struct super_block *sb, struct dkfs_scan *s, struct inode *inode)
{
	loff_t size = i_size_read(inode);
	u32 blk = size >> DAXKITFS_BLOCK_SHIFT, len;
	u64 pblk;

	if (!dkfs_lookup(inode, blk, &len, &pblk))
		return 0;
	s->fixed++;
	return sb_rdonly(sb) ? 0 :
		dkfs_set_size(inode, size + ((loff_t)len << DAXKITFS_BLOCK_SHIFT));
}

/* Count the entries of every directory. */
static int dkfs_count_links(struct super_block *sb, struct dkfs_scan *s)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);
	u64 ino;
	int rc = 0;

	for (ino = 1; ino < sbi->nr_inodes && !rc; ino++) {
		struct inode *inode = s->inodes[ino];

		if (!inode || !S_ISDIR(inode->i_mode))
			continue;
		rc = dkfs_fix_dir_size(sb, s, inode) ?:
			dkfs_dir_scan(sb, inode, 0, dkfs_count_entry, s);
	}
	for (ino = 1; ino < sbi->nr_inodes && !rc; ino++)
		if (s->inodes[ino] && S_ISDIR(s->inodes[ino]->i_mode))
			rc = dkfs_fix_parent(sb, s, s->inodes[ino]);
	return rc;
}

/* Link counts from the entries; orphans freed (through eviction). */
static int dkfs_fix_links(struct super_block *sb, struct dkfs_scan *s)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);
	u64 ino;
	int rc = 0;

	for (ino = 1; ino < sbi->nr_inodes && !rc; ino++) {
		struct inode *inode = s->inodes[ino];
		unsigned int want;

		if (!inode)
			continue;
		if (ino != DAXKITFS_ROOT_INO && !s->refs[ino]) {
			s->orphans++;
			clear_nlink(inode);	/* iput frees it, if writable */
			continue;
		}
		want = S_ISDIR(inode->i_mode) ? 2 + s->subdirs[ino] : s->refs[ino];
		if (inode->i_nlink == want)
			continue;
		s->fixed++;
		if (sb_rdonly(sb))
			set_nlink(inode, want);
		else
			rc = dkfs_set_nlink(inode, want);
	}
	return rc;
}

static void dkfs_scan_free(struct super_block *sb, struct dkfs_scan *s)
{
	u64 ino;

	if (s->inodes)
		for (ino = 0; ino < DKFS_SB(sb)->nr_inodes; ino++)
			iput(s->inodes[ino]);
	kvfree(s->inodes);
	kvfree(s->refs);
	kvfree(s->subdirs);
	kvfree(s->first_dir);
	kvfree(s->first_off);
}

/**
 * dkfs_recover() - build the free maps and repair what a crash left
 * @sb: the filesystem, its maps allocated and empty
 * @clean: it was unmounted cleanly (then any repair is worth a warning)
 *
 * Return: 0, -EUCLEAN for damage the mount cannot repair, or another
 * negative errno.
 */
int dkfs_recover(struct super_block *sb, bool clean)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);
	u64 n = sbi->nr_inodes;
	struct dkfs_scan s = {};
	int rc;

	bitmap_set(sbi->block_map, 0, sbi->data_start);
	sbi->free_blocks = sbi->nr_blocks - sbi->data_start;
	__set_bit(0, sbi->inode_map);
	sbi->free_inodes = n - 1;
	sbi->small_cursor = sbi->data_start;
	sbi->inode_cursor = DAXKITFS_ROOT_INO + 1;
	s.inodes = kvcalloc(n, sizeof(*s.inodes), GFP_KERNEL);
	s.refs = kvcalloc(n, sizeof(*s.refs), GFP_KERNEL);
	s.subdirs = kvcalloc(n, sizeof(*s.subdirs), GFP_KERNEL);
	s.first_dir = kvcalloc(n, sizeof(*s.first_dir), GFP_KERNEL);
	s.first_off = kvcalloc(n, sizeof(*s.first_off), GFP_KERNEL);
	rc = (s.inodes && s.refs && s.subdirs && s.first_dir && s.first_off) ? 0 : -ENOMEM;
	if (!rc)
		rc = dkfs_read_inodes(sb, &s);
	if (!rc && (!s.inodes[DAXKITFS_ROOT_INO] ||
		    !S_ISDIR(s.inodes[DAXKITFS_ROOT_INO]->i_mode))) {
		dkfs_corrupt(sb, "no root directory");
		rc = -EUCLEAN;
	}
	if (!rc)
		rc = dkfs_count_links(sb, &s) ?: dkfs_fix_links(sb, &s);
	if (!rc && (s.fixed || s.orphans))
		pr_warn("daxkitfs: %s: %s: %u orphan inode(s) freed, %u link count(s) or entries fixed%s\n",
			sbi->name, clean ? "repaired after a clean unmount" :
			"recovered after an unclean shutdown", s.orphans, s.fixed,
			sb_rdonly(sb) ? " (in memory only: read-only)" : "");
	dkfs_scan_free(sb, &s);
	return rc;
}
