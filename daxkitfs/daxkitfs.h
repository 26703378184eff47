/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkitfs: a reference filesystem on dax_fs_helper.  The on-disk format
 * and its consistency rules are in <daxkit/daxkitfs_format.h>.
 */
#ifndef _DAXKITFS_H
#define _DAXKITFS_H

#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <daxkit/compat.h>
#include <daxkit/fs.h>
#include <daxkit/daxkitfs_format.h>

/**
 * struct dkfs_sb_info - a mounted daxkitfs
 * @fdev: the daxkit device, held through dax_fs_helper
 * @nr_blocks: blocks of the filesystem
 * @nr_inodes: inodes in the table
 * @data_start: first data block
 * @alloc_lock: guards @block_map, @inode_map, the counters and cursors
 * @block_map: a set bit for every block in use (metadata area included)
 * @inode_map: a set bit for every inode in use (0 is always set)
 * @free_blocks: clear bits of @block_map
 * @free_inodes: clear bits of @inode_map
 * @small_cursor: where small allocations search from
 * @inode_cursor: where inode allocation searches from
 * @dead: the device went away (or failed to commit): everything is EIO
 * @name: the device's name, for log lines
 */
struct dkfs_sb_info {
	struct dax_fs_device *fdev;
	u64 nr_blocks;
	u64 nr_inodes;
	u64 data_start;
	struct mutex alloc_lock;
	unsigned long *block_map;
	unsigned long *inode_map;
	u64 free_blocks;
	u64 free_inodes;
	u64 small_cursor;
	u64 inode_cursor;
	bool dead;
	char name[32];
};

/**
 * struct dkfs_extent - an extent in memory
 * @lblk: first file block
 * @len: blocks
 * @pblk: first device block
 * @slot: the on-disk slot: below DAXKITFS_INLINE_EXTENTS in the inode,
 *	then in the extent blocks, DAXKITFS_XBLOCK_EXTENTS each
 */
struct dkfs_extent {
	u32 lblk;
	u32 len;
	u64 pblk;
	u32 slot;
};

/**
 * struct dkfs_inode_info - an inode in memory
 * @mmap_lock: faults take it shared; truncate and hole punching take it
 *	exclusively (the invalidate lock)
 * @ext_lock: guards the extents, the extent blocks and @slot_map
 * @ext: the extents, sorted by file block
 * @nr_ext: used entries of @ext
 * @cap_ext: allocated entries of @ext
 * @xblocks: the extent blocks, in chain order
 * @nr_xblocks: how many
 * @slot_map: a set bit for every slot in use
 * @parent: directories: the parent's inode number
 * @vfs_inode: the VFS inode
 */
struct dkfs_inode_info {
	struct rw_semaphore mmap_lock;
	struct rw_semaphore ext_lock;
	struct dkfs_extent *ext;
	unsigned int nr_ext;
	unsigned int cap_ext;
	u64 *xblocks;
	unsigned int nr_xblocks;
	unsigned long *slot_map;
	u64 parent;
	struct inode vfs_inode;
};

static inline struct dkfs_sb_info *DKFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct dkfs_inode_info *DKFS_I(struct inode *inode)
{
	return container_of(inode, struct dkfs_inode_info, vfs_inode);
}

static inline u64 dkfs_inode_offset(u64 ino)
{
	return ((u64)DAXKITFS_INODE_START << DAXKITFS_BLOCK_SHIFT) +
		ino * DAXKITFS_INODE_SIZE;
}

/* Kernel API differences, found by the compat probes. */
#if defined(HAVE_IOP_IDMAP)
#define DKFS_IDMAP_ARG	struct mnt_idmap *idmap,
#define DKFS_IDMAP	idmap,
#elif defined(HAVE_IOP_USERNS)
#define DKFS_IDMAP_ARG	struct user_namespace *idmap,
#define DKFS_IDMAP	idmap,
#else
#define DKFS_IDMAP_ARG
#define DKFS_IDMAP
#endif

#ifdef HAVE_INODE_MTIME_ACCESSORS
#define dkfs_get_atime(i)	inode_get_atime(i)
#define dkfs_get_mtime(i)	inode_get_mtime(i)
#define dkfs_set_atime(i, t)	inode_set_atime_to_ts((i), (t))
#define dkfs_set_mtime(i, t)	inode_set_mtime_to_ts((i), (t))
#else
#define dkfs_get_atime(i)	((i)->i_atime)
#define dkfs_get_mtime(i)	((i)->i_mtime)
#define dkfs_set_atime(i, t)	((i)->i_atime = (t))
#define dkfs_set_mtime(i, t)	((i)->i_mtime = (t))
#endif
#ifdef HAVE_INODE_CTIME_ACCESSORS
#define dkfs_get_ctime(i)	inode_get_ctime(i)
#define dkfs_set_ctime(i, t)	inode_set_ctime_to_ts((i), (t))
#else
#define dkfs_get_ctime(i)	((i)->i_ctime)
#define dkfs_set_ctime(i, t)	((i)->i_ctime = (t))
#endif

/* iget_locked() gave a new inode, to be read in. */
#ifdef HAVE_INODE_STATE_READ_ONCE
#define dkfs_inode_is_new(i)	(inode_state_read_once(i) & I_NEW)
#else
#define dkfs_inode_is_new(i)	((i)->i_state & I_NEW)
#endif

/* super.c */
int dkfs_meta_write(struct super_block *sb, u64 offset, const void *buf,
		    size_t len);
int dkfs_meta_read(struct super_block *sb, u64 offset, void *buf, size_t len);
int dkfs_commit(struct super_block *sb, u64 offset, u64 word);
int dkfs_barrier(struct super_block *sb);
__printf(2, 3) void dkfs_corrupt(struct super_block *sb, const char *fmt, ...);

/* alloc.c */
int dkfs_alloc_blocks(struct super_block *sb, u32 want,
		      bool aligned, u64 *pblk);
void dkfs_free_blocks(struct super_block *sb, u64 pblk, u64 len);
int dkfs_alloc_ino(struct super_block *sb, u64 *ino);
void dkfs_free_ino(struct super_block *sb, u64 ino);

/* extent.c */
int dkfs_load_extents(struct inode *inode, const struct daxkitfs_inode *di);
void dkfs_drop_extents(struct inode *inode);
bool dkfs_lookup(struct inode *inode, u32 lblk, u32 *len, u64 *pblk);
int dkfs_map_blocks(struct inode *inode, u32 lblk, u32 want, bool big,
		    u32 *len, u64 *pblk, bool *new);
int dkfs_free_range(struct inode *inode, u32 start, u32 end);
void dkfs_free_all(struct inode *inode);
void dkfs_for_each_extent(struct inode *inode,
			  void (*fn)(struct inode *inode, const struct dkfs_extent *e,
				     void *arg), void *arg);

/* inode.c */
struct inode *dkfs_iget(struct super_block *sb, u64 ino);
struct inode *dkfs_iget_from(struct super_block *sb, u64 ino,
			     const struct daxkitfs_inode *raw);
struct inode *dkfs_new_inode(DKFS_IDMAP_ARG struct inode *dir, umode_t mode, dev_t rdev);
int dkfs_write_attrs(struct inode *inode);
int dkfs_set_size(struct inode *inode, loff_t size);
int dkfs_set_nlink(struct inode *inode, unsigned int nlink);
int dkfs_set_parent(struct inode *inode, u64 parent);
int dkfs_setattr(DKFS_IDMAP_ARG struct dentry *dentry, struct iattr *attr);
int dkfs_truncate(struct inode *inode, loff_t size);
int dkfs_break_layouts(struct inode *inode, loff_t start, loff_t end);
void dkfs_evict_inode(struct inode *inode);
void dkfs_set_ops(struct inode *inode);
extern const struct inode_operations dkfs_symlink_iops;
extern const struct inode_operations dkfs_special_iops;

/* dir.c */
extern const struct inode_operations dkfs_dir_iops;
extern const struct file_operations dkfs_dir_fops;
/**
 * struct dkfs_entry - a directory entry as dkfs_dir_scan() finds it
 * @de: its first slot
 * @name: its name, NUL-terminated
 * @off: the device offset of its first slot
 * @index: that slot's number in the directory (block * 64 + slot)
 */
struct dkfs_entry {
	const struct daxkitfs_dirent *de;
	const char *name;
	u64 off;
	u64 index;
};

int dkfs_dir_scan(struct super_block *sb, struct inode *dir, u64 first,
		  int (*fn)(struct super_block *sb, u64 dir_ino,
			    const struct dkfs_entry *e, void *arg),
		  void *arg);

/* file.c */
extern const struct inode_operations dkfs_file_iops;
extern const struct file_operations dkfs_file_fops;
extern const struct address_space_operations dkfs_aops;
extern const struct iomap_ops dkfs_iomap_ops;

/* recover.c */
int dkfs_recover(struct super_block *sb, bool clean);

#endif /* _DAXKITFS_H */
