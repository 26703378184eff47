// SPDX-License-Identifier: GPL-2.0
/*
 * The registry: struct dax_core_device, an inode of daxkit's own pseudo
 * filesystem that carries a provider's operations and private data, its
 * holder, and its liveness.
 *
 * Liveness follows the kernel's device-dax rules.  Readers (data access,
 * faults, failure notices) run under dax_core_read_lock(), which is SRCU
 * so that they may sleep and allocate (Req-04); dax_core_kill() clears
 * ALIVE and then waits for every reader, so once it returns no access
 * succeeds and the holder is gone (Req-06).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/libnvdimm.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <daxkit/core.h>
#include <daxkit/compat_mm.h>
#include "dax_core.h"

#define DAXKIT_FS_MAGIC		0x64616b74	/* "dakt" */

enum dax_core_flags {
	DAX_CORE_ALIVE,
};

/**
 * struct dax_core_device - the registry's object
 * @inode: its inode in the daxkit pseudo filesystem; its address_space is
 *	where mappings of the device hang
 * @private: the provider's
 * @ops: the provider's operations
 * @flags: DAX_CORE_ALIVE
 * @holder_data: the exclusive holder, or NULL; written under
 *	dax_core_holder_lock, with @holder_ops
 * @holder_ops: what the holder hears
 * @name: the name it is found by, once added
 * @bdev: the block device it serves, or NULL
 * @list: its place in the lookup list
 * @users: files open on the device's nodes; written under
 *	dax_core_holder_lock.  A holder and users exclude each other
 */
struct dax_core_device {
	struct inode inode;
	void *private;
	const struct dax_core_operations *ops;
	unsigned long flags;
	void *holder_data;
	const struct dax_core_holder_operations *holder_ops;
	char name[32];
	struct block_device *bdev;
	struct list_head list;
	unsigned int users;
};

DEFINE_STATIC_SRCU(dax_core_srcu);
static struct kmem_cache *dax_core_cache;
static struct vfsmount *dax_core_mnt;
static struct super_block *dax_core_sb;
/* The devices that can be looked up; dead ones leave it at kill. */
static LIST_HEAD(dax_core_hosts);
static DEFINE_MUTEX(dax_core_hosts_lock);
/*
 * Makes a holder and its operations one value: registering, unregistering
 * and kill change both at once, and a notice reads both at once, so a
 * stale unregister can never take a newer holder's operations.
 */
static DEFINE_SPINLOCK(dax_core_holder_lock);
/* One kill at a time: a second kill of a device waits for the first. */
static DEFINE_MUTEX(dax_core_kill_lock);

/*
 * The inode's pages are device memory: dirtying and invalidating them are
 * no-ops, never the buffer-head defaults (Req-25).  Since mappers name
 * the inode's address_space in struct page (Req-26), the mm reaches these
 * when it zaps a dirty mapping.
 */
#ifndef HAVE_NOOP_DIRTY_FOLIO
/* Before folios, the kernel's no-op helpers were not all exported: ours. */
static void dax_core_invalidatepage(struct page *page, unsigned int offset,
				    unsigned int length)
{
}
#endif

static const struct address_space_operations dax_core_aops = {
	DAXKIT_AOPS_NOOP_DIRTY,
#ifndef HAVE_NOOP_DIRTY_FOLIO
	.invalidatepage = dax_core_invalidatepage,
#endif
};

static struct dax_core_device *to_dax_core(struct inode *inode)
{
	return container_of(inode, struct dax_core_device, inode);
}

/**
 * dax_core_read_lock() - enter a section where devices cannot die
 *
 * The section may sleep.  dax_core_kill() waits for it to end.
 *
 * Return: a cookie for dax_core_read_unlock().
 */
int dax_core_read_lock(void) __acquires(&dax_core_srcu)
{
	return srcu_read_lock(&dax_core_srcu);
}
DAXKIT_EXPORT(dax_core_read_lock);

/**
 * dax_core_read_unlock() - leave a dax_core_read_lock() section
 * @id: the cookie dax_core_read_lock() returned
 */
void dax_core_read_unlock(int id) __releases(&dax_core_srcu)
{
	srcu_read_unlock(&dax_core_srcu, id);
}
DAXKIT_EXPORT(dax_core_read_unlock);

/**
 * dax_core_alive() - whether @dcore still accepts access
 * @dcore: the device
 *
 * Must be called under dax_core_read_lock() (Req-03): only there does the
 * answer stay true until the section ends.  Lockdep checks it.
 *
 * Return: true until dax_core_kill() has begun.
 */
bool dax_core_alive(struct dax_core_device *dcore)
{
	RCU_LOCKDEP_WARN(!srcu_read_lock_held(&dax_core_srcu),
			 "dax_core_alive() needs dax_core_read_lock()");
	return test_bit(DAX_CORE_ALIVE, &dcore->flags);
}
DAXKIT_EXPORT(dax_core_alive);

/**
 * dax_core_supported() - whether @dcore can do DAX at all
 * @dcore: the device, or NULL
 *
 * Return: false for NULL (Req-01) or a dead device, true otherwise.
 */
bool dax_core_supported(struct dax_core_device *dcore)
{
	bool ret;
	int id;

	if (!dcore)
		return false;
	id = dax_core_read_lock();
	ret = dax_core_alive(dcore);
	dax_core_read_unlock(id);
	return ret;
}
DAXKIT_EXPORT(dax_core_supported);

/**
 * dax_core_private() - the provider's private data of @dcore
 * @dcore: the device
 *
 * Return: the @private given to dax_core_alloc().
 */
void *dax_core_private(struct dax_core_device *dcore)
{
	return dcore->private;
}
DAXKIT_EXPORT(dax_core_private);

/**
 * dax_core_inode() - the inode of @dcore
 * @dcore: the device
 *
 * Return: the inode whose address_space mappings of the device use.
 */
struct inode *dax_core_inode(struct dax_core_device *dcore)
{
	return &dcore->inode;
}
DAXKIT_EXPORT(dax_core_inode);

/**
 * dax_core_direct_access() - where pages of @dcore are
 * @dcore: the device
 * @pgoff: first page, in device pages
 * @nr_pages: how many pages the caller wants, at least one
 * @kaddr: set to the kernel address of @pgoff, unless NULL
 * @pfn: set to the pfn of @pgoff, unless NULL
 *
 * Call under dax_core_read_lock().
 *
 * Return: the number of contiguous pages available at @pgoff (at most
 * @nr_pages); -EOPNOTSUPP for a NULL @dcore; -ENXIO for a dead device;
 * -EINVAL for a @nr_pages below one; -ERANGE when the provider reports no
 * page at @pgoff; or the provider's own negative errno.
 */
long dax_core_direct_access(struct dax_core_device *dcore, pgoff_t pgoff,
			    long nr_pages, void **kaddr, unsigned long *pfn)
{
	long avail;

	if (!dcore)
		return -EOPNOTSUPP;
	if (!dax_core_alive(dcore))
		return -ENXIO;
	if (nr_pages < 1)
		return -EINVAL;
	avail = dcore->ops->direct_access(dcore, pgoff, nr_pages, kaddr, pfn);
	if (!avail)
		return -ERANGE;
	return min(avail, nr_pages);
}
DAXKIT_EXPORT(dax_core_direct_access);

/**
 * dax_core_zero_page_range() - zero pages of @dcore through its provider
 * @dcore: the device
 * @pgoff: first page
 * @nr_pages: how many
 *
 * Call under dax_core_read_lock().
 *
 * Return: 0, -ENXIO for a dead device, or the provider's error.
 */
int dax_core_zero_page_range(struct dax_core_device *dcore, pgoff_t pgoff,
			     size_t nr_pages)
{
	if (!dax_core_alive(dcore))
		return -ENXIO;
	return dcore->ops->zero_page_range(dcore, pgoff, nr_pages);
}
DAXKIT_EXPORT(dax_core_zero_page_range);

/**
 * dax_core_recovery_write() - write over poisoned pages of @dcore
 * @dcore: the device
 * @pgoff: page of @addr
 * @addr: kernel address, from dax_core_direct_access()
 * @bytes: how many bytes
 * @iter: the data
 *
 * Call under dax_core_read_lock().
 *
 * Return: bytes written; 0 for a dead device or a provider that cannot.
 */
size_t dax_core_recovery_write(struct dax_core_device *dcore, pgoff_t pgoff,
			       void *addr, size_t bytes, struct iov_iter *iter)
{
	if (!dax_core_alive(dcore) || !dcore->ops->recovery_write)
		return 0;
	return dcore->ops->recovery_write(dcore, pgoff, addr, bytes, iter);
}
DAXKIT_EXPORT(dax_core_recovery_write);

/**
 * dax_core_flush() - write CPU caches back to the media of @dcore
 * @dcore: the device
 * @addr: kernel address, from dax_core_direct_access()
 * @size: bytes
 *
 * Uses the provider's flush, or the architecture's persistent-memory
 * writeback.  Does nothing for a dead device.  Call under
 * dax_core_read_lock().
 */
void dax_core_flush(struct dax_core_device *dcore, void *addr, size_t size)
{
	if (!dax_core_alive(dcore))
		return;
	if (dcore->ops->flush)
		dcore->ops->flush(dcore, addr, size);
	else
		arch_wb_cache_pmem(addr, size);
}
DAXKIT_EXPORT(dax_core_flush);

/**
 * dax_core_holder_register() - become the exclusive holder of @dcore
 * @dcore: the device
 * @holder: the holder's cookie, not NULL
 * @ops: what the holder hears
 *
 * Holding is 1:1, like claiming a block device: there is no chain of
 * holders (Req-12).
 *
 * Return: 0; -EINVAL for a NULL @holder; -ENXIO for a dead device;
 * -EBUSY when it already has a holder, or files are open on its nodes
 * (dax_core_open_claim()).
 */
int dax_core_holder_register(struct dax_core_device *dcore, void *holder,
			     const struct dax_core_holder_operations *ops)
{
	int rc = 0, id;

	if (!holder)
		return -EINVAL;
	id = dax_core_read_lock();
	spin_lock(&dax_core_holder_lock);
	if (!dax_core_alive(dcore)) {
		rc = -ENXIO;
	} else if (dcore->holder_data || dcore->users) {
		rc = -EBUSY;
	} else {
		WRITE_ONCE(dcore->holder_data, holder);
		WRITE_ONCE(dcore->holder_ops, ops);
	}
	spin_unlock(&dax_core_holder_lock);
	dax_core_read_unlock(id);
	return rc;
}
DAXKIT_EXPORT(dax_core_holder_register);

static void dax_core_holder_clear(struct dax_core_device *dcore)
{
	lockdep_assert_held(&dax_core_holder_lock);
	WRITE_ONCE(dcore->holder_data, NULL);
	WRITE_ONCE(dcore->holder_ops, NULL);
}

/**
 * dax_core_holder_unregister() - stop holding @dcore
 * @dcore: the device
 * @holder: the cookie given to dax_core_holder_register()
 *
 * Changes nothing when @holder does not hold it (after kill, or when
 * another holder has it since).  On return no notice to @holder is still
 * running, so the holder may free what its operations use.  May sleep;
 * not from the holder's own notify_failure.
 */
void dax_core_holder_unregister(struct dax_core_device *dcore, void *holder)
{
	spin_lock(&dax_core_holder_lock);
	if (dcore->holder_data == holder)
		dax_core_holder_clear(dcore);
	spin_unlock(&dax_core_holder_lock);
	synchronize_srcu(&dax_core_srcu);
}
DAXKIT_EXPORT(dax_core_holder_unregister);

/**
 * dax_core_open_claim() - a file is being opened on a node of @dcore
 * @dcore: the device
 *
 * A device a holder (a filesystem) has cannot be opened for mapping, and
 * one that is open cannot be taken by a holder: one user at a time.
 * Undone by dax_core_open_release() when the file is released (after its
 * last mapping went).
 *
 * Return: 0, or -EBUSY while the device has a holder.
 */
int dax_core_open_claim(struct dax_core_device *dcore)
{
	int rc = 0;

	spin_lock(&dax_core_holder_lock);
	if (dcore->holder_data)
		rc = -EBUSY;
	else
		dcore->users++;
	spin_unlock(&dax_core_holder_lock);
	return rc;
}
DAXKIT_EXPORT(dax_core_open_claim);

/**
 * dax_core_open_release() - undo dax_core_open_claim()
 * @dcore: the device
 */
void dax_core_open_release(struct dax_core_device *dcore)
{
	spin_lock(&dax_core_holder_lock);
	if (!WARN_ON_ONCE(!dcore->users))
		dcore->users--;
	spin_unlock(&dax_core_holder_lock);
}
DAXKIT_EXPORT(dax_core_open_release);

/**
 * dax_core_holder() - the holder of @dcore
 * @dcore: the device
 *
 * Return: the holder's cookie, or NULL.
 */
void *dax_core_holder(struct dax_core_device *dcore)
{
	return READ_ONCE(dcore->holder_data);
}
DAXKIT_EXPORT(dax_core_holder);

/**
 * dax_core_notify_failure() - tell the holder of @dcore of a failure
 * @dcore: the device
 * @offset: byte offset of the failure in the device
 * @len: its length
 * @mf_flags: memory_failure() flags
 *
 * Runs under dax_core_read_lock() (Req-13).
 *
 * Return: -ENXIO for a dead device, -EOPNOTSUPP with no holder, else the
 * holder's answer.
 */
int dax_core_notify_failure(struct dax_core_device *dcore, u64 offset,
			    u64 len, int mf_flags)
{
	const struct dax_core_holder_operations *ops;
	void *holder;
	int rc, id;

	id = dax_core_read_lock();
	if (!dax_core_alive(dcore)) {
		rc = -ENXIO;
		goto out;
	}
	spin_lock(&dax_core_holder_lock);
	holder = dcore->holder_data;
	ops = dcore->holder_ops;
	spin_unlock(&dax_core_holder_lock);
	if (!holder || !ops || !ops->notify_failure) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	rc = ops->notify_failure(dcore, offset, len, mf_flags);
out:
	dax_core_read_unlock(id);
	return rc;
}
DAXKIT_EXPORT(dax_core_notify_failure);

/**
 * dax_core_barrier() - make what was written back to @dcore's media durable
 * @dcore: the device
 *
 * The persistence barrier a filesystem issues at fsync and syncfs, after
 * writing back CPU caches (dax_core_flush()): the provider's, or a store
 * fence for memory that is durable once written back.  May sleep.
 *
 * Return: 0, -ENXIO for a dead device, or the provider's error.
 */
int dax_core_barrier(struct dax_core_device *dcore)
{
	int rc = -ENXIO, id;

	id = dax_core_read_lock();
	if (dax_core_alive(dcore)) {
		rc = 0;
		if (dcore->ops->persist)
			rc = dcore->ops->persist(dcore);
		else
			wmb();
	}
	dax_core_read_unlock(id);
	return rc;
}
DAXKIT_EXPORT(dax_core_barrier);

/**
 * dax_core_add_host() - make @dcore findable
 * @dcore: the device, alive
 * @name: the name dax_core_get_by_name() finds it by
 * @bdev: the block device it serves, for dax_core_get_by_bdev(), or NULL
 *
 * The device leaves the lookup list when it is killed.
 *
 * Return: 0; -EINVAL for an empty or too long name; -EEXIST when the name
 * or the block device is taken; -ENXIO for a dead device.
 */
int dax_core_add_host(struct dax_core_device *dcore, const char *name,
		      struct block_device *bdev)
{
	struct dax_core_device *pos;
	int rc = 0;

	if (!name || !*name || strlen(name) >= sizeof(dcore->name))
		return -EINVAL;
	mutex_lock(&dax_core_hosts_lock);
	if (!test_bit(DAX_CORE_ALIVE, &dcore->flags) || !list_empty(&dcore->list)) {
		rc = test_bit(DAX_CORE_ALIVE, &dcore->flags) ? -EEXIST : -ENXIO;
		goto out;
	}
	list_for_each_entry(pos, &dax_core_hosts, list) {
		if (!strcmp(pos->name, name) || (bdev && pos->bdev == bdev)) {
			rc = -EEXIST;
			goto out;
		}
	}
	strscpy(dcore->name, name, sizeof(dcore->name));
	dcore->bdev = bdev;
	list_add_tail(&dcore->list, &dax_core_hosts);
out:
	mutex_unlock(&dax_core_hosts_lock);
	return rc;
}
DAXKIT_EXPORT(dax_core_add_host);

/**
 * dax_core_get_by_name() - find a device by the name it was added with
 * @name: the name
 *
 * Return: the device with a reference the caller drops with
 * dax_core_put(), or NULL when no live device has that name (Req-09).
 */
struct dax_core_device *dax_core_get_by_name(const char *name)
{
	struct dax_core_device *pos, *found = NULL;

	mutex_lock(&dax_core_hosts_lock);
	list_for_each_entry(pos, &dax_core_hosts, list) {
		if (!strcmp(pos->name, name)) {
			found = pos;
			ihold(&pos->inode);
			break;
		}
	}
	mutex_unlock(&dax_core_hosts_lock);
	return found;
}
DAXKIT_EXPORT(dax_core_get_by_name);

/**
 * dax_core_get_by_bdev() - find the device that serves a block device
 * @bdev: the block device, whole disk or partition
 * @start_off: set to the byte offset of @bdev in the device, unless NULL
 *
 * A partition shares its disk's device; offsets given to the holder are
 * whole-device offsets and a filesystem adds @start_off itself (Req-14).
 *
 * Return: the device, referenced (dax_core_put() it), or NULL.
 */
struct dax_core_device *dax_core_get_by_bdev(struct block_device *bdev,
					     u64 *start_off)
{
	struct dax_core_device *pos, *found = NULL;

	mutex_lock(&dax_core_hosts_lock);
	list_for_each_entry(pos, &dax_core_hosts, list) {
		if (pos->bdev && pos->bdev->bd_disk == bdev->bd_disk) {
			found = pos;
			ihold(&pos->inode);
			break;
		}
	}
	mutex_unlock(&dax_core_hosts_lock);
	if (found && start_off)
		*start_off = (u64)get_start_sect(bdev) << SECTOR_SHIFT;
	return found;
}
DAXKIT_EXPORT(dax_core_get_by_bdev);

/**
 * dax_core_alloc() - a new, live device
 * @private: the provider's, returned by dax_core_private()
 * @ops: the provider's operations; direct_access and zero_page_range are
 *	required
 *
 * Return: the device, with one reference, or ERR_PTR(-EINVAL) for bad
 * @ops, ERR_PTR(-ENOMEM).  Never NULL, never ERR_PTR(0) (Req-11).
 */
struct dax_core_device *dax_core_alloc(void *private,
				       const struct dax_core_operations *ops)
{
	struct dax_core_device *dcore;
	struct inode *inode;

	if (!ops || !ops->direct_access || !ops->zero_page_range)
		return ERR_PTR(-EINVAL);
	inode = new_inode(dax_core_sb);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	dcore = to_dax_core(inode);
	inode->i_mode = S_IFCHR;
	inode->i_flags = S_DAX;
	inode->i_mapping->a_ops = &dax_core_aops;
	dcore->private = private;
	dcore->ops = ops;
	set_bit(DAX_CORE_ALIVE, &dcore->flags);
	return dcore;
}
DAXKIT_EXPORT(dax_core_alloc);

/**
 * dax_core_kill() - end all access to @dcore
 * @dcore: the device
 *
 * First the holder, if any, hears that the device is going away: a notice
 * for the whole device with DAX_CORE_MF_PRE_REMOVE, so that it can stop
 * using it (a filesystem unmaps its files and stops new access).  Then
 * clears ALIVE, then waits for every dax_core_read_lock() section, so on
 * return no new access or fault succeeds, failure notices get -ENXIO, the
 * holder is gone and the device can no longer be looked up (Req-06).
 * Mappings of its inode are torn down; the next access faults and finds
 * it dead (Req-61).  May sleep; idempotent.
 */
void dax_core_kill(struct dax_core_device *dcore)
{
	bool was_alive;

	if (!dcore)
		return;
	if (dax_core_holder(dcore))
		dax_core_notify_failure(dcore, 0, U64_MAX, DAX_CORE_MF_PRE_REMOVE);
	mutex_lock(&dax_core_kill_lock);
	mutex_lock(&dax_core_hosts_lock);
	was_alive = test_and_clear_bit(DAX_CORE_ALIVE, &dcore->flags);
	list_del_init(&dcore->list);
	mutex_unlock(&dax_core_hosts_lock);
	/*
	 * Only readers that saw it alive need waiting for; a device dead
	 * already was waited for by the kill that made it so, which has
	 * finished (kills are serialised), or was never alive.
	 */
	if (was_alive)
		synchronize_srcu(&dax_core_srcu);
	spin_lock(&dax_core_holder_lock);
	dax_core_holder_clear(dcore);
	spin_unlock(&dax_core_holder_lock);
	unmap_mapping_range(dcore->inode.i_mapping, 0, 0, 1);
	mutex_unlock(&dax_core_kill_lock);
}
DAXKIT_EXPORT(dax_core_kill);

/* Make a killed device alive again: daxkit devices, when a driver binds. */
void dax_core_revive(struct dax_core_device *dcore)
{
	set_bit(DAX_CORE_ALIVE, &dcore->flags);
}

/*
 * A device no one else can reach yet starts dead: daxkit devices stay dead
 * until a driver binds them, as in-tree, so that no holder, notice or
 * access reaches ranges a size write may be changing.  Nothing can be
 * reading it, so no grace period is needed.
 */
void dax_core_mark_dead(struct dax_core_device *dcore)
{
	clear_bit(DAX_CORE_ALIVE, &dcore->flags);
}

/**
 * dax_core_get() - take a reference on @dcore
 * @dcore: the device
 */
void dax_core_get(struct dax_core_device *dcore)
{
	ihold(&dcore->inode);
}
DAXKIT_EXPORT(dax_core_get);

/**
 * dax_core_put() - drop a reference on @dcore
 * @dcore: the device, or NULL
 *
 * The last put frees it; kill it first.
 */
void dax_core_put(struct dax_core_device *dcore)
{
	if (dcore)
		iput(&dcore->inode);
}
DAXKIT_EXPORT(dax_core_put);

static struct inode *dax_core_alloc_inode(struct super_block *sb)
{
	struct dax_core_device *dcore;

	dcore = kmem_cache_alloc(dax_core_cache, GFP_KERNEL);
	if (!dcore)
		return NULL;
	/* The slab constructor ran once; a reused object needs resetting. */
	dcore->private = NULL;
	dcore->ops = NULL;
	dcore->flags = 0;
	dcore->holder_data = NULL;
	dcore->holder_ops = NULL;
	dcore->name[0] = '\0';
	dcore->bdev = NULL;
	dcore->users = 0;
	return &dcore->inode;
}

static void dax_core_evict_inode(struct inode *inode)
{
	struct dax_core_device *dcore = to_dax_core(inode);

	/* A provider that forgot dax_core_kill(): keep the list sound. */
	if (WARN_ONCE(test_bit(DAX_CORE_ALIVE, &dcore->flags),
		      "daxkit: dax_core_device put while alive\n"))
		dax_core_kill(dcore);
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
}

static void dax_core_free_inode(struct inode *inode)
{
	kmem_cache_free(dax_core_cache, to_dax_core(inode));
}

static void dax_core_init_once(void *obj)
{
	struct dax_core_device *dcore = obj;

	memset(dcore, 0, sizeof(*dcore));
	inode_init_once(&dcore->inode);
	INIT_LIST_HEAD(&dcore->list);
}

static const struct super_operations dax_core_sops = {
	.statfs = simple_statfs,
	.alloc_inode = dax_core_alloc_inode,
	.free_inode = dax_core_free_inode,
	.evict_inode = dax_core_evict_inode,
};

static int dax_core_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, DAXKIT_FS_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->ops = &dax_core_sops;
	return 0;
}

static struct file_system_type dax_core_fs_type = {
	.name = "daxkit",
	.init_fs_context = dax_core_init_fs_context,
	.kill_sb = kill_anon_super,
};

int dax_core_fs_init(void)
{
	int rc;

	dax_core_cache = kmem_cache_create("daxkit_cache",
					   sizeof(struct dax_core_device), 0,
					   SLAB_HWCACHE_ALIGN | SLAB_RECLAIM_ACCOUNT |
					   SLAB_ACCOUNT, dax_core_init_once);
	if (!dax_core_cache)
		return -ENOMEM;

	dax_core_mnt = kern_mount(&dax_core_fs_type);
	if (IS_ERR(dax_core_mnt)) {
		rc = PTR_ERR(dax_core_mnt);
		goto err_mount;
	}
	dax_core_sb = dax_core_mnt->mnt_sb;
	return 0;

err_mount:
	kmem_cache_destroy(dax_core_cache);
	return rc;
}

void dax_core_fs_exit(void)
{
	kern_unmount(dax_core_mnt);
	rcu_barrier();
	kmem_cache_destroy(dax_core_cache);
}
