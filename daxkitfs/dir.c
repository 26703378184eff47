// SPDX-License-Identifier: GPL-2.0
/*
 * daxkitfs: directories.  A directory's blocks hold 64-byte slots; an
 * entry is committed by the store of its de_ino, after its name is
 * written, and removed by clearing it.  Link counts are committed after
 * the entry that adds a link and after the entry that removes one: a
 * crash in between leaves a count too high or an orphan, both repaired
 * by the next mount (recover.c).  Rename writes the new entry (or swaps
 * the inode number of the one it replaces) before it clears the old one.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include "daxkitfs.h"

/**
 * struct dkfs_slot - where a directory entry is, or where one fits
 * @off: device byte offset of its first slot
 * @ino: its inode number (0 when it is a free place)
 * @type: its DT_ type
 */
struct dkfs_slot {
	u64 off;
	u64 ino;
	u8 type;
};

/* The entry at @slot of block @blk: its fields, and its other slots' first words zero. */
static bool dkfs_dirent_valid(struct super_block *sb, const u8 *blk, unsigned int slot)
{
	const struct daxkitfs_dirent *de = (const void *)(blk + slot * DAXKITFS_SLOT_SIZE);
	unsigned int len = de->de_name_len, i;

	if (!len || de->de_nslots != daxkitfs_dirent_slots(len) ||
	    slot + de->de_nslots > DAXKITFS_SLOTS_PER_BLOCK ||
	    le64_to_cpu(de->de_ino) >= DKFS_SB(sb)->nr_inodes)
		return false;
	for (i = 1; i < de->de_nslots; i++)
		if (*(const __le64 *)(blk + (slot + i) * DAXKITFS_SLOT_SIZE))
			return false;
	return true;
}

/* The name of the (valid) entry at @slot of @blk, NUL-terminated; false if bad. */
static bool dkfs_dirent_name(const u8 *blk, unsigned int slot, char *name)
{
	const struct daxkitfs_dirent *de = (const void *)(blk + slot * DAXKITFS_SLOT_SIZE);
	unsigned int len = de->de_name_len, done, n, i;

	done = min_t(unsigned int, len, DAXKITFS_NAME_FIRST);
	memcpy(name, de->de_name, done);
	for (i = 1; done < len; i++) {
		n = min_t(unsigned int, len - done, DAXKITFS_NAME_NEXT);
		memcpy(name + done, blk + (slot + i) * DAXKITFS_SLOT_SIZE + 8, n);
		done += n;
	}
	name[len] = 0;
	return !memchr(name, '/', len) && strlen(name) == len &&
		strcmp(name, ".") && strcmp(name, "..");
}

/* Read directory block @blk of @dir into @buf; its device offset in @off. */
static int dkfs_dir_block(struct inode *dir, u32 blk, void *buf, u64 *off)
{
	u64 pblk;
	u32 len;

	if (!dkfs_lookup(dir, blk, &len, &pblk)) {
		dkfs_corrupt(dir->i_sb, "directory %llu: block %u missing", (u64)dir->i_ino, blk);
		return -EUCLEAN;
	}
	*off = pblk << DAXKITFS_BLOCK_SHIFT;
	return dkfs_meta_read(dir->i_sb, *off, buf, DAXKITFS_BLOCK_SIZE);
}

static u32 dkfs_dir_blocks(struct inode *dir)
{
	return i_size_read(dir) >> DAXKITFS_BLOCK_SHIFT;
}

/**
 * dkfs_dir_scan() - call @fn for each valid entry of @dir
 * @sb: the filesystem
 * @dir: the directory
 * @first: the slot number to start from (0: the first slot)
 * @fn: called for each entry; a non-zero return stops the scan and is
 *	returned
 * @arg: for @fn
 *
 * Invalid entries are skipped, with one log line.
 *
 * Return: 0, @fn's non-zero return, or a negative errno.
 */
int dkfs_dir_scan(struct super_block *sb, struct inode *dir, u64 first,
		  int (*fn)(struct super_block *sb, u64 dir_ino,
			    const struct dkfs_entry *e, void *arg),
		  void *arg)
{
	u32 blk, nblk = dkfs_dir_blocks(dir);
	char name[DAXKITFS_NAME_MAX + 1];
	struct dkfs_entry e = { .name = name };
	unsigned int slot;
	u8 *buf;
	u64 off;
	int rc = 0;

	buf = kmalloc(DAXKITFS_BLOCK_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (blk = first / DAXKITFS_SLOTS_PER_BLOCK; blk < nblk && !rc; blk++) {
		rc = dkfs_dir_block(dir, blk, buf, &off);
		slot = blk == first / DAXKITFS_SLOTS_PER_BLOCK ? first % DAXKITFS_SLOTS_PER_BLOCK : 0;
		for (; !rc && slot < DAXKITFS_SLOTS_PER_BLOCK; slot++) {
			e.de = (void *)(buf + slot * DAXKITFS_SLOT_SIZE);
			if (!e.de->de_ino)
				continue;
			if (!dkfs_dirent_valid(sb, buf, slot) || !dkfs_dirent_name(buf, slot, name)) {
				dkfs_corrupt(sb, "directory %llu: bad entry in block %u slot %u",
					     (u64)dir->i_ino, blk, slot);
				continue;
			}
			e.off = off + slot * DAXKITFS_SLOT_SIZE;
			e.index = (u64)blk * DAXKITFS_SLOTS_PER_BLOCK + slot;
			rc = fn(sb, dir->i_ino, &e, arg);
			slot += e.de->de_nslots - 1;
		}
		cond_resched();
	}
	kfree(buf);
	return rc;
}

struct dkfs_find {
	const struct qstr *name;
	struct dkfs_slot *found;
};

static int dkfs_match(struct super_block *sb, u64 dir_ino,
		      const struct dkfs_entry *e, void *arg)
{
	struct dkfs_find *f = arg;

	if (e->de->de_name_len != f->name->len ||
	    memcmp(e->name, f->name->name, f->name->len))
		return 0;
	f->found->off = e->off;
	f->found->ino = le64_to_cpu(e->de->de_ino);
	f->found->type = e->de->de_type;
	return 1;
}

/* The entry @name of @dir: 1 and @found filled, 0 when absent, or an errno. */
static int dkfs_find_entry(struct inode *dir, const struct qstr *name,
			   struct dkfs_slot *found)
{
	struct dkfs_find f = { .name = name, .found = found };

	return dkfs_dir_scan(dir->i_sb, dir, 0, dkfs_match, &f);
}

/* Free slots in a row for @nslots in block @buf: the first, or -1. */
static int dkfs_free_run(const u8 *buf, unsigned int nslots)
{
	unsigned int slot = 0, run = 0;

	while (slot < DAXKITFS_SLOTS_PER_BLOCK) {
		const struct daxkitfs_dirent *de = (void *)(buf + slot * DAXKITFS_SLOT_SIZE);

		if (!de->de_ino) {
			if (++run == nslots)
				return slot + 1 - nslots;
			slot++;
			continue;
		}
		run = 0;
		/* A live entry's slots, or one bad slot. */
		if (de->de_nslots && slot + de->de_nslots <= DAXKITFS_SLOTS_PER_BLOCK)
			slot += de->de_nslots;
		else
			slot++;
	}
	return -1;
}

/* A place for an entry of @nslots: in a block with room, or a new block. */
static int dkfs_find_room(struct inode *dir, unsigned int nslots, u64 *where)
{
	u32 blk, nblk = dkfs_dir_blocks(dir), len;
	bool new;
	u64 off, pblk;
	u8 *buf;
	int rc = 0, slot;

	buf = kmalloc(DAXKITFS_BLOCK_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (blk = 0; blk < nblk; blk++) {
		rc = dkfs_dir_block(dir, blk, buf, &off);
		if (rc)
			goto out;
		slot = dkfs_free_run(buf, nslots);
		if (slot >= 0) {
			*where = off + slot * DAXKITFS_SLOT_SIZE;
			goto out;
		}
	}
	/* A new block, zeroed and mapped, then the size that shows it. */
	rc = dkfs_map_blocks(dir, nblk, 1, false, &len, &pblk, &new) ?:
		dkfs_set_size(dir, (loff_t)(nblk + 1) << DAXKITFS_BLOCK_SHIFT);
	if (!rc)
		*where = pblk << DAXKITFS_BLOCK_SHIFT;
out:
	kfree(buf);
	return rc;
}

/* Write the entry @name -> @inode at @where, committed. */
static int dkfs_write_entry(struct inode *dir, u64 where, const struct qstr *name,
			    struct inode *inode)
{
	unsigned int nslots = daxkitfs_dirent_slots(name->len), done, n, i;
	struct daxkitfs_dirent *de;
	int rc;

	de = kzalloc(nslots * DAXKITFS_SLOT_SIZE, GFP_KERNEL);
	if (!de)
		return -ENOMEM;
	de->de_name_len = name->len;
	de->de_type = fs_umode_to_dtype(inode->i_mode);
	de->de_nslots = nslots;
	done = min_t(unsigned int, name->len, DAXKITFS_NAME_FIRST);
	memcpy(de->de_name, name->name, done);
	for (i = 1; done < name->len; i++) {
		n = min_t(unsigned int, name->len - done, DAXKITFS_NAME_NEXT);
		memcpy((u8 *)de + i * DAXKITFS_SLOT_SIZE + 8, name->name + done, n);
		done += n;
	}
	rc = dkfs_meta_write(dir->i_sb, where, de, nslots * DAXKITFS_SLOT_SIZE) ?:
		dkfs_commit(dir->i_sb, where, inode->i_ino);
	kfree(de);
	return rc;
}

static void dkfs_touch_dir(struct inode *dir)
{
	struct timespec64 now = current_time(dir);

	dkfs_set_mtime(dir, now);
	dkfs_set_ctime(dir, now);
	dkfs_write_attrs(dir);
}

static int dkfs_add_entry(struct inode *dir, const struct qstr *name, struct inode *inode)
{
	u64 where;
	int rc;

	if (name->len > DAXKITFS_NAME_MAX)
		return -ENAMETOOLONG;
	rc = dkfs_find_room(dir, daxkitfs_dirent_slots(name->len), &where) ?:
		dkfs_write_entry(dir, where, name, inode);
	if (!rc)
		dkfs_touch_dir(dir);
	return rc;
}

/* Remove the entry @name of @dir (it must be there). */
static int dkfs_del_entry(struct inode *dir, const struct qstr *name)
{
	struct dkfs_slot s;
	int rc = dkfs_find_entry(dir, name, &s);

	if (rc <= 0)
		return rc ?: -ENOENT;
	rc = dkfs_commit(dir->i_sb, s.off, 0);
	if (!rc)
		dkfs_touch_dir(dir);
	return rc;
}

static int dkfs_any(struct super_block *sb, u64 dir_ino,
		    const struct dkfs_entry *e, void *arg)
{
	return 1;
}

static int dkfs_dir_empty(struct inode *dir)
{
	int rc = dkfs_dir_scan(dir->i_sb, dir, 0, dkfs_any, NULL);

	return rc < 0 ? rc : !rc;
}

/* ---- inode operations ---- */

static struct dentry *dkfs_lookup_op(struct inode *dir, struct dentry *dentry,
				     unsigned int flags)
{
	struct inode *inode = NULL;
	struct dkfs_slot s;
	int rc;

	if (dentry->d_name.len > DAXKITFS_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	rc = dkfs_find_entry(dir, &dentry->d_name, &s);
	if (rc < 0)
		return ERR_PTR(rc);
	if (rc) {
		inode = dkfs_iget(dir->i_sb, s.ino);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	}
	return d_splice_alias(inode, dentry);
}

/* A new inode of @mode, linked as @dentry in @dir. */
static int dkfs_make(DKFS_IDMAP_ARG struct inode *dir, struct dentry *dentry,
		     umode_t mode, dev_t rdev, const char *target)
{
	struct inode *inode;
	size_t tlen;
	u64 pblk;
	u32 len;
	bool new;
	int rc;

	if (dentry->d_name.len > DAXKITFS_NAME_MAX)
		return -ENAMETOOLONG;
	inode = dkfs_new_inode(DKFS_IDMAP dir, mode, rdev);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (target) {
		tlen = strlen(target);
		inode->i_link = kstrdup(target, GFP_KERNEL);
		rc = inode->i_link ? 0 : -ENOMEM;
		if (!rc)
			rc = dkfs_map_blocks(inode, 0, 1, false, &len, &pblk, &new) ?:
				dkfs_meta_write(dir->i_sb, pblk << DAXKITFS_BLOCK_SHIFT,
						target, tlen) ?:
				dkfs_set_size(inode, tlen);
		if (rc)
			goto out_discard;
	}
	rc = dkfs_add_entry(dir, &dentry->d_name, inode);
	if (rc)
		goto out_discard;
	if (S_ISDIR(mode)) {
		rc = dkfs_set_nlink(dir, dir->i_nlink + 1);
		if (rc)	/* the entry is there: the next mount fixes the count */
			inc_nlink(dir);
	}
	d_instantiate_new(dentry, inode);
	return 0;

out_discard:
	clear_nlink(inode);
	discard_new_inode(inode);
	return rc;
}

static int dkfs_create(DKFS_IDMAP_ARG struct inode *dir, struct dentry *dentry,
		       umode_t mode, bool excl)
{
	return dkfs_make(DKFS_IDMAP dir, dentry, (mode & ~S_IFMT) | S_IFREG, 0, NULL);
}

static int dkfs_mknod(DKFS_IDMAP_ARG struct inode *dir, struct dentry *dentry,
		      umode_t mode, dev_t rdev)
{
	if (!S_ISREG(mode) && !S_ISCHR(mode) && !S_ISBLK(mode) && !S_ISFIFO(mode) &&
	    !S_ISSOCK(mode))
		return -EINVAL;
	return dkfs_make(DKFS_IDMAP dir, dentry, mode, rdev, NULL);
}

static int dkfs_symlink(DKFS_IDMAP_ARG struct inode *dir, struct dentry *dentry,
			const char *target)
{
	if (strlen(target) >= DAXKITFS_BLOCK_SIZE)
		return -ENAMETOOLONG;
	return dkfs_make(DKFS_IDMAP dir, dentry, S_IFLNK | 0777, 0, target);
}

#ifdef HAVE_IOP_MKDIR_DENTRY
static struct dentry *dkfs_mkdir(DKFS_IDMAP_ARG struct inode *dir,
				 struct dentry *dentry, umode_t mode)
{
	return ERR_PTR(dkfs_make(DKFS_IDMAP dir, dentry, mode | S_IFDIR, 0, NULL));
}
#else
static int dkfs_mkdir(DKFS_IDMAP_ARG struct inode *dir, struct dentry *dentry,
		      umode_t mode)
{
	return dkfs_make(DKFS_IDMAP dir, dentry, mode | S_IFDIR, 0, NULL);
}
#endif

static int dkfs_link(struct dentry *old, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(old);
	int rc;

	rc = dkfs_set_nlink(inode, inode->i_nlink + 1);
	if (rc)
		return rc;
	rc = dkfs_add_entry(dir, &dentry->d_name, inode);
	if (rc) {
		dkfs_set_nlink(inode, inode->i_nlink - 1);
		return rc;
	}
	dkfs_set_ctime(inode, current_time(inode));
	dkfs_write_attrs(inode);
	ihold(inode);
	d_instantiate(dentry, inode);
	return 0;
}

/* One link fewer for @inode (a directory loses both of its own). */
static int dkfs_drop_link(struct inode *inode)
{
	unsigned int n = S_ISDIR(inode->i_mode) ? 0 : inode->i_nlink - 1;

	dkfs_set_ctime(inode, current_time(inode));
	dkfs_write_attrs(inode);
	if (dkfs_set_nlink(inode, n)) {
		/* The entry is gone: the next mount fixes the count. */
		set_nlink(inode, n);
		return -EIO;
	}
	return 0;
}

static int dkfs_unlink(struct inode *dir, struct dentry *dentry)
{
	int rc = dkfs_del_entry(dir, &dentry->d_name);

	return rc ?: dkfs_drop_link(d_inode(dentry));
}

static int dkfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	int rc = dkfs_dir_empty(inode);

	if (rc <= 0)
		return rc ?: -ENOTEMPTY;
	rc = dkfs_del_entry(dir, &dentry->d_name);
	if (rc)
		return rc;
	dkfs_drop_link(inode);
	return dkfs_set_nlink(dir, dir->i_nlink - 1);
}

/* @new_dentry's entry now names @inode: one store swaps the number. */
static int dkfs_replace_entry(struct inode *new_dir, struct dentry *new_dentry,
			      struct inode *inode)
{
	struct dkfs_slot s;
	u8 type = fs_umode_to_dtype(inode->i_mode);
	int rc = dkfs_find_entry(new_dir, &new_dentry->d_name, &s);

	if (rc <= 0)
		return rc ?: -ENOENT;
	rc = dkfs_commit(new_dir->i_sb, s.off, inode->i_ino);
	if (!rc && type != s.type)
		rc = dkfs_meta_write(new_dir->i_sb, s.off + offsetof(struct daxkitfs_dirent, de_type),
				     &type, 1);
	if (!rc)
		dkfs_touch_dir(new_dir);
	return rc;
}

static int dkfs_rename(DKFS_IDMAP_ARG struct inode *old_dir, struct dentry *old_dentry,
		       struct inode *new_dir, struct dentry *new_dentry,
		       unsigned int flags)
{
	struct inode *inode = d_inode(old_dentry);
	struct inode *target = d_inode(new_dentry);
	bool isdir = S_ISDIR(inode->i_mode);
	int rc;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (target && S_ISDIR(target->i_mode)) {
		rc = dkfs_dir_empty(target);
		if (rc <= 0)
			return rc ?: -ENOTEMPTY;
	}
	if (target)
		rc = dkfs_replace_entry(new_dir, new_dentry, inode);
	else
		rc = dkfs_add_entry(new_dir, &new_dentry->d_name, inode);
	if (rc)
		return rc;
	if (isdir && old_dir != new_dir)
		rc = dkfs_set_parent(inode, new_dir->i_ino);
	if (!rc)
		rc = dkfs_del_entry(old_dir, &old_dentry->d_name);
	if (rc)
		return rc;
	/* Link counts: what a crash before here leaves, the next mount fixes. */
	if (target)
		dkfs_drop_link(target);
	if (isdir && old_dir != new_dir) {
		if (!target)
			dkfs_set_nlink(new_dir, new_dir->i_nlink + 1);
		dkfs_set_nlink(old_dir, old_dir->i_nlink - 1);
	} else if (isdir && target) {
		dkfs_set_nlink(new_dir, new_dir->i_nlink - 1);
	}
	dkfs_set_ctime(inode, current_time(inode));
	dkfs_write_attrs(inode);
	return 0;
}

const struct inode_operations dkfs_dir_iops = {
	.lookup = dkfs_lookup_op,
	.create = dkfs_create,
	.mknod = dkfs_mknod,
	.symlink = dkfs_symlink,
	.mkdir = dkfs_mkdir,
	.link = dkfs_link,
	.unlink = dkfs_unlink,
	.rmdir = dkfs_rmdir,
	.rename = dkfs_rename,
	.setattr = dkfs_setattr,
};

/* ---- reading a directory ---- */

static int dkfs_emit(struct super_block *sb, u64 dir_ino,
		     const struct dkfs_entry *e, void *arg)
{
	struct dir_context *ctx = arg;

	ctx->pos = 2 + e->index;
	if (!dir_emit(ctx, e->name, e->de->de_name_len, le64_to_cpu(e->de->de_ino),
		      e->de->de_type))
		return 1;
	ctx->pos = 2 + e->index + e->de->de_nslots;
	return 0;
}

/* ctx->pos: 0 ".", 1 "..", then 2 + the slot number. */
static int dkfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file_inode(file);
	int rc;

	if (!dir_emit_dots(file, ctx))
		return 0;
	rc = dkfs_dir_scan(dir->i_sb, dir, ctx->pos - 2, dkfs_emit, ctx);
	if (rc < 0)
		return rc;
	if (!rc)
		ctx->pos = 2 + (loff_t)dkfs_dir_blocks(dir) * DAXKITFS_SLOTS_PER_BLOCK;
	return 0;
}

static int dkfs_dir_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	return dkfs_barrier(file_inode(file)->i_sb);
}

const struct file_operations dkfs_dir_fops = {
	.llseek = generic_file_llseek,
	.read = generic_read_dir,
	.iterate_shared = dkfs_readdir,
	.fsync = dkfs_dir_fsync,
};
