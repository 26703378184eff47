// SPDX-License-Identifier: GPL-2.0
/*
 * daxkitfs: inodes.  The inode table is read and written field by field;
 * the fields that commit something (i_mode with i_nlink, i_size,
 * i_parent, i_xblock) are written with dkfs_commit().
 */
#include <linux/pagemap.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "daxkitfs.h"

static bool dkfs_type_valid(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return true;
	}
	return false;
}

/**
 * dkfs_set_ops() - the operations of an inode, by its type
 * @inode: the inode, its mode (and for special files its rdev) set
 */
void dkfs_set_ops(struct inode *inode)
{
	switch (inode->i_mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &dkfs_file_iops;
		inode->i_fop = &dkfs_file_fops;
		inode->i_mapping->a_ops = &dkfs_aops;
		inode->i_flags |= S_DAX;
		break;
	case S_IFDIR:
		inode->i_op = &dkfs_dir_iops;
		inode->i_fop = &dkfs_dir_fops;
		break;
	case S_IFLNK:
		inode->i_op = &dkfs_symlink_iops;
		break;
	default:
		inode->i_op = &dkfs_special_iops;
		init_special_inode(inode, inode->i_mode, inode->i_rdev);
		break;
	}
}

static struct timespec64 dkfs_ts(__le64 sec, __le32 nsec)
{
	struct timespec64 ts = {
		.tv_sec = (s64)le64_to_cpu(sec),
		.tv_nsec = min_t(u32, le32_to_cpu(nsec), NSEC_PER_SEC - 1),
	};

	return ts;
}

/* A symbolic link's target, from its block 0, as i_link. */
static int dkfs_read_link(struct inode *inode)
{
	loff_t size = i_size_read(inode);
	u64 pblk;
	u32 len;
	char *link;
	int rc;

	if (size < 1 || size >= DAXKITFS_BLOCK_SIZE || !dkfs_lookup(inode, 0, &len, &pblk))
		return -EUCLEAN;
	link = kmalloc(size + 1, GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	rc = dkfs_meta_read(inode->i_sb, pblk << DAXKITFS_BLOCK_SHIFT, link, size);
	link[size] = 0;
	if (!rc && strlen(link) != size)
		rc = -EUCLEAN;
	if (rc) {
		kfree(link);
		return rc;
	}
	inode->i_link = link;
	return 0;
}

static int dkfs_fill_inode(struct inode *inode, const struct daxkitfs_inode *di)
{
	struct dkfs_inode_info *dki = DKFS_I(inode);
	umode_t mode = le32_to_cpu(di->i_mode);
	loff_t size = le64_to_cpu(di->i_size);
	bool special;
	int rc;

	if (!mode)
		return -ESTALE;
	if (!dkfs_type_valid(mode) || le32_to_cpu(di->i_mode) > 0xffff || size < 0 ||
	    size > inode->i_sb->s_maxbytes)
		return -EUCLEAN;
	special = !S_ISREG(mode) && !S_ISDIR(mode) && !S_ISLNK(mode);
	inode->i_mode = mode;
	set_nlink(inode, le32_to_cpu(di->i_nlink));
	i_uid_write(inode, le32_to_cpu(di->i_uid));
	i_gid_write(inode, le32_to_cpu(di->i_gid));
	i_size_write(inode, size);
	dkfs_set_atime(inode, dkfs_ts(di->i_atime, di->i_atime_nsec));
	dkfs_set_mtime(inode, dkfs_ts(di->i_mtime, di->i_mtime_nsec));
	dkfs_set_ctime(inode, dkfs_ts(di->i_ctime, di->i_ctime_nsec));
	inode->i_generation = le32_to_cpu(di->i_generation);
	inode->i_rdev = special ? new_decode_dev(le32_to_cpu(di->i_rdev)) : 0;
	dki->parent = le64_to_cpu(di->i_parent);
	rc = dkfs_load_extents(inode, di);
	if (rc)
		return rc;
	if (special && (dki->nr_ext || dki->nr_xblocks))
		return -EUCLEAN;
	if (S_ISDIR(mode) && (size & (DAXKITFS_BLOCK_SIZE - 1) ||
			      (dki->parent < 1 || dki->parent >= DKFS_SB(inode->i_sb)->nr_inodes)))
		return -EUCLEAN;
	if (S_ISLNK(mode))
		rc = dkfs_read_link(inode);
	return rc;
}

static void dkfs_count_blocks(struct inode *inode, const struct dkfs_extent *e, void *arg)
{
	inode->i_blocks += (blkcnt_t)e->len << (DAXKITFS_BLOCK_SHIFT - 9);
}

/**
 * dkfs_iget_from() - an inode by number, from @raw when not in memory
 * @sb: the filesystem
 * @ino: its number
 * @raw: its copy from the table, or NULL to read it
 *
 * Return: the inode, or ERR_PTR(-EUCLEAN) when the inode is corrupt or
 * free (a directory entry pointed at it), -EIO, -ENOMEM.
 */
struct inode *dkfs_iget_from(struct super_block *sb, u64 ino,
			     const struct daxkitfs_inode *raw)
{
	struct daxkitfs_inode *di = NULL;
	struct inode *inode;
	int rc = 0;

	if (ino < 1 || ino >= DKFS_SB(sb)->nr_inodes) {
		dkfs_corrupt(sb, "inode number %llu out of range", ino);
		return ERR_PTR(-EUCLEAN);
	}
	inode = iget_locked(sb, ino);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!dkfs_inode_is_new(inode))
		return inode;
	if (!raw) {
		di = kmalloc(sizeof(*di), GFP_KERNEL);
		rc = di ? dkfs_meta_read(sb, dkfs_inode_offset(ino), di, sizeof(*di)) : -ENOMEM;
		raw = di;
	}
	if (!rc)
		rc = dkfs_fill_inode(inode, raw);
	kfree(di);
	if (rc) {
		if (rc == -EUCLEAN || rc == -ESTALE) {
			dkfs_corrupt(sb, "inode %llu: %s", ino,
				     rc == -ESTALE ? "in use but free" : "invalid");
			rc = -EUCLEAN;
		}
		dkfs_drop_extents(inode);
		iget_failed(inode);
		return ERR_PTR(rc);
	}
	inode->i_blocks = (blkcnt_t)DKFS_I(inode)->nr_xblocks << (DAXKITFS_BLOCK_SHIFT - 9);
	dkfs_for_each_extent(inode, dkfs_count_blocks, NULL);
	dkfs_set_ops(inode);
	unlock_new_inode(inode);
	return inode;
}

/**
 * dkfs_iget() - an inode by number, read from the table when not in memory
 * @sb: the filesystem
 * @ino: its number
 *
 * Return: as dkfs_iget_from().
 */
struct inode *dkfs_iget(struct super_block *sb, u64 ino)
{
	return dkfs_iget_from(sb, ino, NULL);
}

static void dkfs_pack_times(struct inode *inode, struct daxkitfs_inode *di)
{
	struct timespec64 a = dkfs_get_atime(inode), m = dkfs_get_mtime(inode),
		c = dkfs_get_ctime(inode);

	di->i_atime = cpu_to_le64(a.tv_sec);
	di->i_mtime = cpu_to_le64(m.tv_sec);
	di->i_ctime = cpu_to_le64(c.tv_sec);
	di->i_atime_nsec = cpu_to_le32(a.tv_nsec);
	di->i_mtime_nsec = cpu_to_le32(m.tv_nsec);
	di->i_ctime_nsec = cpu_to_le32(c.tv_nsec);
}

/**
 * dkfs_write_attrs() - write permissions, owner and times (not committed:
 *	the next commit or fsync makes them durable)
 * @inode: the inode
 *
 * Return: 0 or a negative errno.
 */
int dkfs_write_attrs(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	u64 off = dkfs_inode_offset(inode->i_ino);
	struct daxkitfs_inode di;
	__le32 mode = cpu_to_le32(inode->i_mode);
	__le32 owner[2] = { cpu_to_le32(i_uid_read(inode)), cpu_to_le32(i_gid_read(inode)) };

	if (sb_rdonly(sb) || !inode->i_nlink)
		return 0;
	dkfs_pack_times(inode, &di);
	return dkfs_meta_write(sb, off, &mode, sizeof(mode)) ?:
		dkfs_meta_write(sb, off + offsetof(struct daxkitfs_inode, i_uid), owner,
				sizeof(owner)) ?:
		dkfs_meta_write(sb, off + offsetof(struct daxkitfs_inode, i_atime), &di.i_atime,
				offsetof(struct daxkitfs_inode, i_generation) -
				offsetof(struct daxkitfs_inode, i_atime));
}

/**
 * dkfs_set_size() - commit a new size
 * @inode: the inode
 * @size: bytes
 *
 * Return: 0 or a negative errno.
 */
int dkfs_set_size(struct inode *inode, loff_t size)
{
	int rc = dkfs_commit(inode->i_sb, dkfs_inode_offset(inode->i_ino) +
			     offsetof(struct daxkitfs_inode, i_size), size);

	if (!rc)
		i_size_write(inode, size);
	return rc;
}

/**
 * dkfs_set_nlink() - commit a new link count
 * @inode: the inode
 * @nlink: links
 *
 * Return: 0 or a negative errno.
 */
int dkfs_set_nlink(struct inode *inode, unsigned int nlink)
{
	int rc = dkfs_commit(inode->i_sb, dkfs_inode_offset(inode->i_ino),
			     inode->i_mode | ((u64)nlink << 32));

	if (!rc)
		set_nlink(inode, nlink);
	return rc;
}

/**
 * dkfs_set_parent() - commit a directory's new parent
 * @inode: the directory
 * @parent: the parent's inode number
 *
 * Return: 0 or a negative errno.
 */
int dkfs_set_parent(struct inode *inode, u64 parent)
{
	int rc = dkfs_commit(inode->i_sb, dkfs_inode_offset(inode->i_ino) +
			     offsetof(struct daxkitfs_inode, i_parent), parent);

	if (!rc)
		DKFS_I(inode)->parent = parent;
	return rc;
}

/**
 * dkfs_new_inode() - allocate and write a new inode, not linked yet
 * @dir: the directory it will be in
 * @mode: type and permissions
 * @rdev: device special files: the device
 *
 * Takes the mount's idmap first where the kernel has one (DKFS_IDMAP_ARG).
 * The inode is written and durable before the caller commits the
 * directory entry; until then, a crash leaves an orphan, which the next
 * mount frees.  The caller finishes with d_instantiate_new(), or on
 * failure clear_nlink() and discard_new_inode().
 *
 * Return: the inode (I_NEW), or an ERR_PTR.
 */
struct inode *dkfs_new_inode(DKFS_IDMAP_ARG struct inode *dir, umode_t mode, dev_t rdev)
{
	struct super_block *sb = dir->i_sb;
	struct daxkitfs_inode *di;
	struct inode *inode;
	struct timespec64 now;
	u64 ino;
	int rc;

	rc = dkfs_alloc_ino(sb, &ino);
	if (rc)
		return ERR_PTR(rc);
	inode = new_inode(sb);
	di = kzalloc(sizeof(*di), GFP_KERNEL);
	if (!inode || !di) {
		rc = -ENOMEM;
		goto out_free;
	}
	inode->i_ino = ino;
	inode_init_owner(DKFS_IDMAP inode, dir, mode);
	inode->i_rdev = rdev;
	now = current_time(inode);
	dkfs_set_atime(inode, now);
	dkfs_set_mtime(inode, now);
	dkfs_set_ctime(inode, now);
	inode->i_generation = get_random_u32();
	set_nlink(inode, S_ISDIR(mode) ? 2 : 1);
	DKFS_I(inode)->parent = S_ISDIR(mode) ? dir->i_ino : 0;
	rc = dkfs_load_extents(inode, di);
	if (rc)
		goto out_free;
	di->i_mode = cpu_to_le32(inode->i_mode);
	di->i_nlink = cpu_to_le32(inode->i_nlink);
	di->i_uid = cpu_to_le32(i_uid_read(inode));
	di->i_gid = cpu_to_le32(i_gid_read(inode));
	dkfs_pack_times(inode, di);
	di->i_generation = cpu_to_le32(inode->i_generation);
	di->i_parent = cpu_to_le64(DKFS_I(inode)->parent);
	di->i_rdev = cpu_to_le32(new_encode_dev(rdev));
	rc = dkfs_meta_write(sb, dkfs_inode_offset(ino), di, sizeof(*di));
	if (rc)
		goto out_drop;
	dkfs_set_ops(inode);
	rc = insert_inode_locked(inode);
	if (rc)
		goto out_drop;
	kfree(di);
	return inode;

out_drop:
	dkfs_drop_extents(inode);
out_free:
	kfree(di);
	if (inode) {
		make_bad_inode(inode);
		iput(inode);
	}
	dkfs_free_ino(sb, ino);
	return ERR_PTR(rc);
}

/* Truncate and hole punching wait here for pinned pages, lock dropped. */
static void dkfs_layout_wait(struct inode *inode)
{
	up_write(&DKFS_I(inode)->mmap_lock);
	schedule();
	down_write(&DKFS_I(inode)->mmap_lock);
}

/**
 * dkfs_break_layouts() - unmap a range and wait for its pinned pages
 * @inode: the file, its mmap_lock held exclusively
 * @start: first byte
 * @end: last byte
 *
 * Return: 0 or -ERESTARTSYS.
 */
int dkfs_break_layouts(struct inode *inode, loff_t start, loff_t end)
{
	lockdep_assert_held_write(&DKFS_I(inode)->mmap_lock);
	return dax_fs_break_layouts(inode, start, end, dkfs_layout_wait);
}

/**
 * dkfs_truncate() - change a regular file's size
 * @inode: the file, i_rwsem held
 * @size: the new size
 *
 * Shrinking zeroes the rest of the new last block, commits the size,
 * drops mappings beyond it and then frees the blocks beyond it.
 * Growing zeroes the rest of the old last block first (a store through a
 * mapping may have gone past the old end) and commits the size.
 *
 * Return: 0 or a negative errno.
 */
int dkfs_truncate(struct inode *inode, loff_t size)
{
	struct dkfs_inode_info *di = DKFS_I(inode);
	loff_t old = i_size_read(inode);
	int rc;

	down_write(&di->mmap_lock);
	if (size > old) {
		rc = dax_fs_truncate_page(inode, old, NULL, &dkfs_iomap_ops) ?:
			dkfs_set_size(inode, size);
		goto out;
	}
	rc = dkfs_break_layouts(inode, round_down(size, PAGE_SIZE), LLONG_MAX) ?:
		dax_fs_truncate_page(inode, size, NULL, &dkfs_iomap_ops) ?:
		dkfs_set_size(inode, size);
	if (rc)
		goto out;
	truncate_pagecache(inode, size);
	rc = dkfs_free_range(inode, DIV_ROUND_UP_ULL(size, DAXKITFS_BLOCK_SIZE), U32_MAX);
out:
	up_write(&di->mmap_lock);
	return rc;
}

/**
 * dkfs_setattr() - chmod, chown, utimes and truncate
 * @dentry: what
 * @attr: the changes
 *
 * Takes the mount's idmap first where the kernel has one (DKFS_IDMAP_ARG).
 *
 * Return: 0 or a negative errno.
 */
int dkfs_setattr(DKFS_IDMAP_ARG struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int rc;

	rc = setattr_prepare(DKFS_IDMAP dentry, attr);
	if (rc)
		return rc;
	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size != i_size_read(inode)) {
		if (!S_ISREG(inode->i_mode))
			return -EINVAL;
		rc = dkfs_truncate(inode, attr->ia_size);
		if (rc)
			return rc;
	}
	setattr_copy(DKFS_IDMAP inode, attr);
	return dkfs_write_attrs(inode);
}

/**
 * dkfs_evict_inode() - an inode leaves memory; unlinked, it is freed
 * @inode: the inode
 *
 * An unlinked inode is cleared on disk (durably) before its blocks and
 * number go back to the allocator: nothing can reuse them while the
 * table still says they are this inode's.
 */
void dkfs_evict_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	static const struct daxkitfs_inode zero;
	bool free = !inode->i_nlink && !is_bad_inode(inode) && !sb_rdonly(sb);

	dax_fs_break_layouts_final(inode);
	truncate_inode_pages_final(&inode->i_data);
	if (free && !dkfs_meta_write(sb, dkfs_inode_offset(inode->i_ino), &zero,
				     sizeof(zero)) && !dkfs_barrier(sb)) {
		dkfs_free_all(inode);
		dkfs_free_ino(sb, inode->i_ino);
	} else {
		/* Not freed: the next mount's scan finds the orphan. */
		dkfs_drop_extents(inode);
	}
	clear_inode(inode);
}

const struct inode_operations dkfs_symlink_iops = {
	.get_link = simple_get_link,
	.setattr = dkfs_setattr,
};

const struct inode_operations dkfs_special_iops = {
	.setattr = dkfs_setattr,
};
