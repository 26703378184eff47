// SPDX-License-Identifier: GPL-2.0
/*
 * daxkitfs: the superblock, mounting, and the device's notices.
 *
 *   mount -t daxkitfs /dev/daxkitR.N /mnt
 *
 * The device is held through dax_fs_helper for as long as the filesystem
 * is mounted: /dev/daxkitR.N does not open meanwhile.  Free space is
 * rebuilt from the inodes at every mount (recover.c), which also repairs
 * what an interrupted operation left.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/fs_context.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/statfs.h>
#include <linux/vmalloc.h>
#include "daxkitfs.h"

static struct kmem_cache *dkfs_inode_cache;

/**
 * dkfs_corrupt() - say once (ratelimited) that the filesystem is damaged
 * @sb: the filesystem
 * @fmt: what was found
 */
void dkfs_corrupt(struct super_block *sb, const char *fmt, ...)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 1);
	struct va_format vaf;
	va_list args;

	if (!__ratelimit(&rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%s: corrupt: %pV; run fsck.daxkitfs\n", DKFS_SB(sb)->name, &vaf);
	va_end(args);
}

static int dkfs_alive(struct super_block *sb)
{
	return READ_ONCE(DKFS_SB(sb)->dead) ? -EIO : 0;
}

/**
 * dkfs_meta_read() - read metadata
 * @sb: the filesystem
 * @offset: byte offset in the device
 * @buf: where to
 * @len: bytes
 *
 * Return: 0 or a negative errno (-EIO on poison or after the device died).
 */
int dkfs_meta_read(struct super_block *sb, u64 offset, void *buf, size_t len)
{
	return dkfs_alive(sb) ?: dax_fs_read(DKFS_SB(sb)->fdev, offset, buf, len);
}

/**
 * dkfs_meta_write() - write metadata, not yet durable (see dkfs_commit())
 * @sb: the filesystem
 * @offset: byte offset in the device
 * @buf: what
 * @len: bytes
 *
 * Return: 0 or a negative errno.
 */
int dkfs_meta_write(struct super_block *sb, u64 offset, const void *buf,
		    size_t len)
{
	return dkfs_alive(sb) ?: dax_fs_write(DKFS_SB(sb)->fdev, offset, buf, len);
}

/**
 * dkfs_barrier() - make every metadata write so far durable
 * @sb: the filesystem
 *
 * Return: 0 or a negative errno.
 */
int dkfs_barrier(struct super_block *sb)
{
	return dkfs_alive(sb) ?: dax_fs_barrier(DKFS_SB(sb)->fdev);
}

/**
 * dkfs_commit() - the commit point of an operation
 * @sb: the filesystem
 * @offset: of an aligned 8-byte word
 * @word: its new value
 *
 * What the word points at, written before, is made durable first; then
 * the word is stored with one 8-byte store and made durable.
 *
 * Return: 0 or a negative errno.
 */
int dkfs_commit(struct super_block *sb, u64 offset, u64 word)
{
	__le64 v = cpu_to_le64(word);

	if (WARN_ON_ONCE(offset & 7))
		return -EINVAL;
	return dkfs_barrier(sb) ?: dkfs_meta_write(sb, offset, &v, sizeof(v)) ?:
		dkfs_barrier(sb);
}

static int dkfs_set_state(struct super_block *sb, u64 state)
{
	return dkfs_commit(sb, DAXKITFS_STATE_OFFSET, state);
}

/* ---- inodes in memory ---- */

static struct inode *dkfs_alloc_inode(struct super_block *sb)
{
	struct dkfs_inode_info *di = kmem_cache_alloc(dkfs_inode_cache, GFP_KERNEL);

	if (!di)
		return NULL;
	di->ext = NULL;
	di->nr_ext = 0;
	di->cap_ext = 0;
	di->xblocks = NULL;
	di->nr_xblocks = 0;
	di->slot_map = NULL;
	di->parent = 0;
	return &di->vfs_inode;
}

static void dkfs_free_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		kfree(inode->i_link);
	kmem_cache_free(dkfs_inode_cache, DKFS_I(inode));
}

static void dkfs_inode_init_once(void *obj)
{
	struct dkfs_inode_info *di = obj;

	init_rwsem(&di->mmap_lock);
	init_rwsem(&di->ext_lock);
	inode_init_once(&di->vfs_inode);
}

/* ---- the superblock ---- */

static int dkfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct super_block *sb = dentry->d_sb;
	struct dkfs_sb_info *sbi = DKFS_SB(sb);

	buf->f_type = sb->s_magic;
	buf->f_bsize = DAXKITFS_BLOCK_SIZE;
	buf->f_frsize = DAXKITFS_BLOCK_SIZE;
	buf->f_namelen = DAXKITFS_NAME_MAX;
	mutex_lock(&sbi->alloc_lock);
	buf->f_blocks = sbi->nr_blocks - sbi->data_start;
	buf->f_bfree = sbi->free_blocks;
	buf->f_bavail = sbi->free_blocks;
	buf->f_files = sbi->nr_inodes - 1;
	buf->f_ffree = sbi->free_inodes;
	mutex_unlock(&sbi->alloc_lock);
	buf->f_fsid.val[0] = (u32)sbi->nr_blocks ^ (u32)(sbi->nr_inodes << 8);
	buf->f_fsid.val[1] = (u32)sb->s_dev;
	return 0;
}

static int dkfs_sync_fs(struct super_block *sb, int wait)
{
	if (READ_ONCE(DKFS_SB(sb)->dead))
		return -EIO;
	return dax_fs_sync_fs(DKFS_SB(sb)->fdev, wait);
}

static void dkfs_free_sbi(struct dkfs_sb_info *sbi)
{
	kvfree(sbi->block_map);
	kvfree(sbi->inode_map);
	kfree(sbi);
}

static void dkfs_put_super(struct super_block *sb)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);

	if (!sb_rdonly(sb) && !sbi->dead)
		dkfs_set_state(sb, DAXKITFS_STATE_CLEAN);
	dax_fs_put(sbi->fdev);
	sb->s_fs_info = NULL;
	dkfs_free_sbi(sbi);
}

static void dkfs_dirty_inode(struct inode *inode, int flags)
{
	if (flags & (I_DIRTY_SYNC | I_DIRTY_DATASYNC))
		dkfs_write_attrs(inode);
}

static const struct super_operations dkfs_sops = {
	.alloc_inode = dkfs_alloc_inode,
	.free_inode = dkfs_free_inode,
	.dirty_inode = dkfs_dirty_inode,
	.evict_inode = dkfs_evict_inode,
	.put_super = dkfs_put_super,
	.sync_fs = dkfs_sync_fs,
	.statfs = dkfs_statfs,
};

/* ---- the device's notices ---- */

struct dkfs_failure {
	u64 pblk;
	u64 nblk;
	int mf_flags;
};

/* Kill the mappers of the part of @e that failed. */
static void dkfs_failed_extent(struct inode *inode, const struct dkfs_extent *e,
			       void *arg)
{
	struct dkfs_failure *f = arg;
	u64 start = max(f->pblk, e->pblk);
	u64 end = min(f->pblk + f->nblk, e->pblk + e->len);

	if (start >= end)
		return;
	dax_fs_kill_procs(inode->i_mapping, e->lblk + (start - e->pblk),
			  end - start, f->mf_flags);
}

/*
 * The inodes in memory, one reference each, so that each can be handled
 * where sleeping is allowed.
 */
static void dkfs_for_each_inode(struct super_block *sb,
				void (*fn)(struct inode *inode, void *arg), void *arg)
{
	struct inode *inode, *prev = NULL;

	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		/* igrab() skips inodes on their way out. */
		if (!S_ISREG(inode->i_mode) || !igrab(inode))
			continue;
		spin_unlock(&sb->s_inode_list_lock);
		iput(prev);
		prev = inode;
		fn(inode, arg);
		cond_resched();
		spin_lock(&sb->s_inode_list_lock);
	}
	spin_unlock(&sb->s_inode_list_lock);
	iput(prev);
}

static void dkfs_inode_failed(struct inode *inode, void *arg)
{
	dkfs_for_each_extent(inode, dkfs_failed_extent, arg);
}

static void dkfs_inode_unmap(struct inode *inode, void *arg)
{
	unmap_mapping_range(inode->i_mapping, 0, 0, 1);
}

/*
 * A range of the device failed (its pages are poisoned already: reads of
 * them are EIO, a write of a whole page recovers it): the processes that
 * map it get SIGBUS.  Before the device goes away: every mapping goes, and
 * everything after is EIO.
 */
static int dkfs_notify_failure(struct dax_fs_device *fdev, u64 offset, u64 len,
			       int mf_flags)
{
	struct super_block *sb = dax_fs_holder(fdev);
	struct dkfs_failure f = {
		.pblk = offset >> DAXKITFS_BLOCK_SHIFT,
		.nblk = DIV_ROUND_UP_ULL(offset_in_page(offset) + min(len, U64_MAX / 2),
					 DAXKITFS_BLOCK_SIZE),
		.mf_flags = mf_flags,
	};

	if (mf_flags & DAX_FS_NOTIFY_PRE_REMOVE) {
		WRITE_ONCE(DKFS_SB(sb)->dead, true);
		pr_warn("%s: the device is going away: the filesystem is dead\n",
			DKFS_SB(sb)->name);
		dkfs_for_each_inode(sb, dkfs_inode_unmap, NULL);
		return 0;
	}
	pr_warn_ratelimited("%s: media failure at device offset %#llx, %llu bytes\n",
			    DKFS_SB(sb)->name, offset, len);
	dkfs_for_each_inode(sb, dkfs_inode_failed, &f);
	return 0;
}

static const struct dax_fs_holder_operations dkfs_holder_ops = {
	.notify_failure = dkfs_notify_failure,
};

/* ---- mounting ---- */

static int dkfs_bad_super(struct super_block *sb, int silent, const char *why)
{
	if (!silent)
		pr_err("%s: not mounted: %s\n", DKFS_SB(sb)->name, why);
	return -EINVAL;
}

/* Check the superblock against the format and the device. */
static int dkfs_check_super(struct super_block *sb, struct daxkitfs_super *ds,
			    int silent)
{
	struct dkfs_sb_info *sbi = DKFS_SB(sb);
	u64 dev_blocks = dax_fs_size(sbi->fdev) >> DAXKITFS_BLOCK_SHIFT;
	u32 csum = le32_to_cpu(ds->s_csum);
	u64 table;

	if (le64_to_cpu(ds->s_magic) != DAXKITFS_MAGIC)
		return dkfs_bad_super(sb, silent, "no daxkitfs superblock (bad magic)");
	if (le32_to_cpu(ds->s_version) != DAXKITFS_VERSION)
		return dkfs_bad_super(sb, silent, "unsupported version");
	ds->s_csum = 0;
	if (~daxkitfs_crc32c(~0U, ds, sizeof(*ds)) != csum) {
		if (!silent)
			pr_err("%s: not mounted: superblock checksum mismatch; run fsck.daxkitfs\n",
			       sbi->name);
		return -EUCLEAN;
	}
	ds->s_csum = cpu_to_le32(csum);
	sbi->nr_blocks = le64_to_cpu(ds->s_nr_blocks);
	sbi->nr_inodes = le64_to_cpu(ds->s_nr_inodes);
	sbi->data_start = le64_to_cpu(ds->s_data_start);
	table = DIV_ROUND_UP_ULL(sbi->nr_inodes, DAXKITFS_INODES_PER_BLOCK);
	if (le32_to_cpu(ds->s_block_size) != DAXKITFS_BLOCK_SIZE ||
	    le32_to_cpu(ds->s_inode_size) != DAXKITFS_INODE_SIZE ||
	    le64_to_cpu(ds->s_inode_start) != DAXKITFS_INODE_START ||
	    le64_to_cpu(ds->s_features) ||
	    sbi->nr_inodes < DAXKITFS_MIN_INODES || sbi->nr_inodes > DAXKITFS_MAX_INODES ||
	    sbi->nr_blocks < DAXKITFS_MIN_BLOCKS || sbi->nr_blocks > dev_blocks ||
	    sbi->data_start % DAXKITFS_RUN_BLOCKS ||
	    sbi->data_start < DAXKITFS_INODE_START + table ||
	    sbi->data_start >= sbi->nr_blocks) {
		if (!silent)
			pr_err("%s: not mounted: superblock geometry invalid or beyond the device (%llu blocks)\n",
			       sbi->name, dev_blocks);
		return -EUCLEAN;
	}
	return 0;
}

static int dkfs_read_super(struct super_block *sb, int silent, bool *clean)
{
	struct daxkitfs_super *ds;
	__le64 state;
	int rc;

	ds = kmalloc(sizeof(*ds), GFP_KERNEL);
	if (!ds)
		return -ENOMEM;
	rc = dkfs_meta_read(sb, 0, ds, sizeof(*ds)) ?:
		dkfs_meta_read(sb, DAXKITFS_STATE_OFFSET, &state, sizeof(state));
	if (!rc)
		rc = dkfs_check_super(sb, ds, silent);
	if (!rc) {
		*clean = le64_to_cpu(state) == DAXKITFS_STATE_CLEAN;
		memcpy(&sb->s_uuid, ds->s_uuid, sizeof(sb->s_uuid));
	}
	kfree(ds);
	return rc;
}

static int dkfs_alloc_maps(struct dkfs_sb_info *sbi)
{
	sbi->block_map = kvcalloc(BITS_TO_LONGS(sbi->nr_blocks), sizeof(long), GFP_KERNEL);
	sbi->inode_map = kvcalloc(BITS_TO_LONGS(sbi->nr_inodes), sizeof(long), GFP_KERNEL);
	if (!sbi->block_map || !sbi->inode_map)
		return -ENOMEM;
	return 0;
}

static int dkfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct dkfs_sb_info *sbi;
	struct inode *root;
	bool clean = false;
	int rc;

	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->alloc_lock);
	sb->s_fs_info = sbi;
	strscpy(sbi->name, fc->source ?: "?", sizeof(sbi->name));
	sbi->fdev = dax_fs_get_by_path(fc->source, sb, &dkfs_holder_ops);
	if (IS_ERR(sbi->fdev)) {
		rc = PTR_ERR(sbi->fdev);
		errorf(fc, "daxkitfs: %s: cannot hold the device (%d)", fc->source, rc);
		sbi->fdev = NULL;
		goto out_free;
	}
	strscpy(sbi->name, dax_fs_name(sbi->fdev), sizeof(sbi->name));

	sb->s_magic = (unsigned long)DAXKITFS_MAGIC;
	sb->s_op = &dkfs_sops;
	sb->s_blocksize = DAXKITFS_BLOCK_SIZE;
	sb->s_blocksize_bits = DAXKITFS_BLOCK_SHIFT;
	sb->s_maxbytes = (loff_t)U32_MAX << DAXKITFS_BLOCK_SHIFT;
	sb->s_time_gran = 1;
	sb->s_flags |= SB_NOSEC;
	rc = dkfs_read_super(sb, fc->sb_flags & SB_SILENT, &clean);
	if (rc)
		goto out_put;
	/* Writeback (fsync's too) needs a bdi that writes back. */
	rc = super_setup_bdi(sb) ?: dkfs_alloc_maps(sbi);
	if (rc)
		goto out_put;
	rc = dkfs_recover(sb, clean);
	if (rc)
		goto out_put;
	root = dkfs_iget(sb, DAXKITFS_ROOT_INO);
	if (IS_ERR(root)) {
		rc = PTR_ERR(root);
		goto out_put;
	}
	if (!S_ISDIR(root->i_mode)) {
		iput(root);
		dkfs_corrupt(sb, "the root is not a directory");
		rc = -EUCLEAN;
		goto out_put;
	}
	sb->s_root = d_make_root(root);
	if (!sb->s_root) {
		rc = -ENOMEM;
		goto out_put;
	}
	if (!sb_rdonly(sb)) {
		rc = dkfs_set_state(sb, DAXKITFS_STATE_MOUNTED);
		if (rc)
			return rc;	/* put_super cleans up from here */
	}
	return 0;

out_put:
	dax_fs_put(sbi->fdev);
out_free:
	sb->s_fs_info = NULL;
	dkfs_free_sbi(sbi);
	return rc;
}

static int dkfs_get_tree(struct fs_context *fc)
{
	if (!fc->source)
		return invalf(fc, "daxkitfs: no device given");
	return get_tree_nodev(fc, dkfs_fill_super);
}

/* Remounting read-only marks the filesystem clean, read-write mounted. */
static int dkfs_reconfigure(struct fs_context *fc)
{
	struct super_block *sb = fc->root->d_sb;
	bool to_ro = fc->sb_flags & SB_RDONLY;

	sync_filesystem(sb);
	if (to_ro == sb_rdonly(sb))
		return 0;
	return dkfs_set_state(sb, to_ro ? DAXKITFS_STATE_CLEAN : DAXKITFS_STATE_MOUNTED);
}

static const struct fs_context_operations dkfs_context_ops = {
	.get_tree = dkfs_get_tree,
	.reconfigure = dkfs_reconfigure,
};

static int dkfs_init_fs_context(struct fs_context *fc)
{
	fc->ops = &dkfs_context_ops;
	return 0;
}

static struct file_system_type dkfs_fs_type = {
	.owner = THIS_MODULE,
	.name = "daxkitfs",
	.init_fs_context = dkfs_init_fs_context,
	.kill_sb = kill_anon_super,
};
MODULE_ALIAS_FS("daxkitfs");

static int __init dkfs_init(void)
{
	int rc = dax_fs_abi_check(KBUILD_MODNAME);

	BUILD_BUG_ON(sizeof(struct daxkitfs_super) != 256);
	BUILD_BUG_ON(sizeof(struct daxkitfs_inode) != DAXKITFS_INODE_SIZE);
	BUILD_BUG_ON(sizeof(struct daxkitfs_xblock) != DAXKITFS_BLOCK_SIZE);
	BUILD_BUG_ON(sizeof(struct daxkitfs_dirent) != DAXKITFS_SLOT_SIZE);
	BUILD_BUG_ON(DAXKITFS_BLOCK_SHIFT != PAGE_SHIFT);
	if (rc)
		return rc;
	dkfs_inode_cache = kmem_cache_create("daxkitfs_inode",
					     sizeof(struct dkfs_inode_info), 0,
					     SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT,
					     dkfs_inode_init_once);
	if (!dkfs_inode_cache)
		return -ENOMEM;
	rc = register_filesystem(&dkfs_fs_type);
	if (rc)
		kmem_cache_destroy(dkfs_inode_cache);
	return rc;
}

static void __exit dkfs_exit(void)
{
	unregister_filesystem(&dkfs_fs_type);
	/* Inodes are freed after an RCU grace period. */
	rcu_barrier();
	kmem_cache_destroy(dkfs_inode_cache);
}

module_init(dkfs_init);
module_exit(dkfs_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkitfs: a reference DAX filesystem on daxkit devices");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
MODULE_INFO(dax_fs_abi, DAX_FS_ABI_STR);
DAXKIT_IMPORT_NS();
