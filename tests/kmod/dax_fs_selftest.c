// SPDX-License-Identifier: GPL-2.0
/*
 * dax_fs_selftest: KTAP self-test of dax_fs_helper on a real daxkit device.
 *
 *   insmod dax_fs_selftest.ko dev=daxkit0.0 [devdax=daxkit16.0]
 *
 * @dev must be bound to dax_dev, on an fsdax region (dax_pmem fsdax=), at
 * least 8 MiB, and its contents are overwritten.  @devdax, if given, is a
 * device of a region without fsdax pages: the helper must refuse it.
 *
 * The test is a filesystem in miniature: one file whose blocks are the
 * device's, block for block, served through the helper the way a real
 * filesystem would (iomap_ops, vm_operations, fsync, a lock standing for
 * the invalidate lock).  The loading process (insmod) is the process that
 * maps it: the module maps the file into insmod's address space and
 * touches it with put_user(), so the faults are real page faults.  Results
 * are KTAP lines in the kernel log, then "# dax_fs_selftest: N passed, N
 * failed, N skipped"; the module stays loaded until rmmod.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iomap.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/xarray.h>
#include <daxkit/core.h>
#include <daxkit/compat_mm.h>
#include <daxkit/fs.h>

#define FST_MAGIC	0x64667374	/* "dfst" */
#define FST_MIN_SIZE	(8UL << 20)
#define SZ_2MB		(2UL << 20)

static char *dev = "daxkit0.0";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "the fsdax daxkit device to test on (overwritten)");
static char *devdax;
module_param(devdax, charp, 0444);
MODULE_PARM_DESC(devdax, "a daxkit device without fsdax pages, which must be refused");

/**
 * struct fst - the miniature filesystem's state
 * @fdev: the held device
 * @inode: its one file, whose block N is the device's page N
 * @file: an open file of @inode
 * @mnt: the pseudo filesystem @inode lives in
 * @lock: what a filesystem's invalidate lock is: faults share it,
 *	truncate holds it exclusively
 * @pte: PTE faults served
 * @pmd: PMD faults served
 * @mkwrite: write faults on pages already mapped read-only
 * @syncs: MAP_SYNC write faults that had to make metadata durable
 * @meta_dirty: the file's metadata is "not yet durable": iomaps say
 *	IOMAP_F_DIRTY, so MAP_SYNC write faults sync first
 * @notices: failure notices heard
 * @off: the last notice's offset
 * @len: its length
 * @flags: its flags
 * @passed: results
 * @failed: results
 * @skipped: results
 * @nr: the number of the last test
 */
struct fst {
	struct dax_fs_device *fdev;
	struct inode *inode;
	struct file *file;
	struct vfsmount *mnt;
	struct rw_semaphore lock;
	atomic_t pte, pmd, mkwrite, syncs, notices;
	bool meta_dirty;
	u64 off, len;
	int flags;
	int passed, failed, skipped, nr;
};

static struct fst fst;

static void fst_result(bool ok, const char *name, const char *why)
{
	fst.nr++;
	if (ok) {
		fst.passed++;
		pr_info("ok %d %s\n", fst.nr, name);
	} else {
		fst.failed++;
		pr_info("not ok %d %s # %s\n", fst.nr, name, why);
	}
}

static void fst_skip(const char *name, const char *why)
{
	fst.nr++;
	fst.skipped++;
	pr_info("ok %d %s # SKIP %s\n", fst.nr, name, why);
}

#define CHECK(name, cond) fst_result((cond), (name), #cond)

/* A call's result against the one wanted, both in the failure line. */
static void fst_want(const char *name, long got, long want)
{
	char why[64];

	snprintf(why, sizeof(why), "got %ld, want %ld", got, want);
	fst_result(got == want, name, why);
}

/* ---- the miniature filesystem ---- */

static int fst_iomap_begin(struct inode *inode, loff_t pos, loff_t length,
			   unsigned int flags, struct iomap *iomap,
			   struct iomap *srcmap)
{
	u64 size = dax_fs_size(fst.fdev);

	if (pos >= size)
		return -EIO;
	iomap->offset = round_down(pos, PAGE_SIZE);
	iomap->length = size - iomap->offset;
	iomap->addr = iomap->offset;
	iomap->type = IOMAP_MAPPED;
	iomap->flags = READ_ONCE(fst.meta_dirty) ? IOMAP_F_DIRTY : 0;
	iomap->bdev = NULL;
	iomap->dax_dev = dax_fs_dax_device(fst.fdev);
	return 0;
}

static const struct iomap_ops fst_iomap_ops = {
	.iomap_begin = fst_iomap_begin,
};

static vm_fault_t fst_fault_order(struct vm_fault *vmf, unsigned int order)
{
	dax_fs_pfn_t pfn;
	vm_fault_t ret;

	down_read(&fst.lock);
	ret = dax_fs_fault(vmf, order, &fst_iomap_ops, &pfn);
	up_read(&fst.lock);
	if (ret & VM_FAULT_NEEDDSYNC) {
		atomic_inc(&fst.syncs);
		ret = dax_fs_finish_sync_fault(vmf, order, pfn);
	}
	if (ret & VM_FAULT_NOPAGE)
		atomic_inc(order == DAX_FS_PMD_ORDER ? &fst.pmd : &fst.pte);
	return ret;
}

static vm_fault_t fst_fault(struct vm_fault *vmf)
{
	return fst_fault_order(vmf, DAX_FS_PTE_ORDER);
}

static vm_fault_t fst_mkwrite(struct vm_fault *vmf)
{
	atomic_inc(&fst.mkwrite);
	return fst_fault_order(vmf, DAX_FS_PTE_ORDER);
}

DAX_FS_HUGE_FAULT(fst_huge_fault, fst_fault_order)

static const struct vm_operations_struct fst_vm_ops = {
	.fault = fst_fault,
	.huge_fault = fst_huge_fault,
	.page_mkwrite = fst_mkwrite,
	.pfn_mkwrite = fst_mkwrite,
};

static int fst_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!dax_fs_mapping_supported(fst.fdev, file_inode(file), vma->vm_flags))
		return -EOPNOTSUPP;
	file_accessed(file);
	vma->vm_ops = &fst_vm_ops;
	daxkit_vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

static ssize_t fst_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t rc;

	inode_lock_shared(inode);
	rc = dax_fs_rw_iter(iocb, to, &fst_iomap_ops);
	inode_unlock_shared(inode);
	return rc;
}

static ssize_t fst_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t rc;

	inode_lock(inode);
	rc = dax_fs_rw_iter(iocb, from, &fst_iomap_ops);
	inode_unlock(inode);
	return rc;
}

/* The file's data, then its "metadata": durable from here on. */
static int fst_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	int rc = dax_fs_fsync(file, start, end, fst.fdev);

	if (!rc)
		WRITE_ONCE(fst.meta_dirty, false);
	return rc;
}

static const struct file_operations fst_fops = {
	.read_iter = fst_read_iter,
	.write_iter = fst_write_iter,
	.mmap = fst_mmap,
	.fsync = fst_fsync,
	DAXKIT_FOP_MAP_SYNC,
};

static int fst_writepages(struct address_space *mapping,
			  struct writeback_control *wbc)
{
	return dax_fs_writepages(mapping, wbc, fst.fdev);
}

static const struct address_space_operations fst_aops = {
	.writepages = fst_writepages,
	DAXKIT_AOPS_NOOP_DIRTY,
};

static int fst_notify(struct dax_fs_device *fdev, u64 offset, u64 len,
		      int mf_flags)
{
	fst.off = offset;
	fst.len = len;
	fst.flags = mf_flags;
	atomic_inc(&fst.notices);
	if (mf_flags & DAX_FS_NOTIFY_PRE_REMOVE) {
		unmap_mapping_range(fst.inode->i_mapping, 0, 0, 1);
		return 0;
	}
	dax_fs_kill_procs(fst.inode->i_mapping, PHYS_PFN(offset),
			  DIV_ROUND_UP(len, PAGE_SIZE), mf_flags);
	return 0;
}

static const struct dax_fs_holder_operations fst_holder_ops = {
	.notify_failure = fst_notify,
};

/* A DAX inode is evicted after its pages are idle (v6.15: fs/dax.c asks). */
static void fst_evict_inode(struct inode *inode)
{
	dax_fs_break_layouts_final(inode);
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
}

static const struct super_operations fst_sops = {
	.statfs = simple_statfs,
	.evict_inode = fst_evict_inode,
};

static int fst_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, FST_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->ops = &fst_sops;
	return 0;
}

static struct file_system_type fst_fs_type = {
	.name = "dax_fs_selftest",
	.init_fs_context = fst_init_fs_context,
	.kill_sb = kill_anon_super,
};

/* The one file: every block of the device, DAX, 4 KiB blocks. */
static int fst_make_file(void)
{
	struct inode *inode;

	int rc;

	fst.mnt = kern_mount(&fst_fs_type);
	if (IS_ERR(fst.mnt))
		return PTR_ERR(fst.mnt);
	/*
	 * Writeback (fsync's too) runs only where the backing_dev_info can
	 * write back: a filesystem without a block device needs its own.
	 */
	rc = super_setup_bdi(fst.mnt->mnt_sb);
	if (rc)
		return rc;
	inode = new_inode(fst.mnt->mnt_sb);
	if (!inode)
		return -ENOMEM;
	inode->i_ino = 1;
	inode->i_mode = S_IFREG | 0600;
	inode->i_blkbits = PAGE_SHIFT;
	inode->i_flags |= S_DAX;
	inode->i_mapping->a_ops = &fst_aops;
	i_size_write(inode, dax_fs_size(fst.fdev));
	fst.inode = inode;
	fst.file = alloc_file_pseudo(inode, fst.mnt, "data", O_RDWR, &fst_fops);
	if (IS_ERR(fst.file)) {
		rc = PTR_ERR(fst.file);
		fst.file = NULL;
		return rc;
	}
	return 0;
}

/* ---- helpers of the tests ---- */

static unsigned long fst_map(unsigned long len, unsigned long off, bool aligned)
{
	unsigned long addr = 0, hole;

	if (aligned) {
		/* Find room for a 2 MiB-aligned mapping, then take it. */
		hole = vm_mmap(NULL, 0, len + SZ_2MB, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS, 0);
		if (IS_ERR_VALUE(hole))
			return hole;
		vm_munmap(hole, len + SZ_2MB);
		addr = ALIGN(hole, SZ_2MB);
	}
	return vm_mmap(fst.file, addr, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (aligned ? MAP_FIXED : 0), off);
}

/* Entries of the file's mapping with @mark: how many, the first two indices. */
static int fst_tagged(xa_mark_t mark, unsigned long *idx)
{
	XA_STATE(xas, &fst.inode->i_mapping->i_pages, 0);
	void *entry;
	int n = 0;

	xas_lock_irq(&xas);
	xas_for_each_marked(&xas, entry, ULONG_MAX, mark) {
		if (n < 2)
			idx[n] = xas.xa_index;
		n++;
	}
	xas_unlock_irq(&xas);
	return n;
}

static ssize_t fst_pwrite(const void *buf, size_t len, loff_t pos)
{
	return kernel_write(fst.file, buf, len, &pos);
}

static ssize_t fst_pread(void *buf, size_t len, loff_t pos)
{
	return kernel_read(fst.file, buf, len, &pos);
}

/* ---- the tests ---- */

/*
 * With the device node open, a get is refused.  In a thread of its own:
 * only there does closing the node release it at once (flush_delayed_fput),
 * where insmod's own fput would wait for its return to user space.
 */
static int fst_node_busy(void *done)
{
	struct dax_fs_device *other;
	struct file *node;
	char path[64];

	snprintf(path, sizeof(path), "/dev/%s", dev);
	node = filp_open(path, O_RDWR, 0);
	if (IS_ERR(node)) {
		fst_result(false, "get-while-node-open-ebusy", "cannot open the node");
	} else {
		other = dax_fs_get_by_name(dev, &fst, NULL);
		CHECK("get-while-node-open-ebusy", PTR_ERR(other) == -EBUSY);
		if (!IS_ERR(other))
			dax_fs_put(other);
		filp_close(node, NULL);
		flush_delayed_fput();
	}
	complete(done);
	return 0;
}

/* A device no driver is bound to cannot be held. */
static void fst_test_unbound(void)
{
	struct daxkit_dev *ddev = dax_core_dev_get_by_name(dev);
	struct dax_fs_device *other;
	struct device *d;

	if (!ddev) {
		fst_result(false, "get-unbound-enxio", "no such device");
		return;
	}
	d = dax_core_dev_device(ddev);
	device_release_driver(d);
	other = dax_fs_get_by_name(dev, &fst, NULL);
	CHECK("get-unbound-enxio", PTR_ERR(other) == -ENXIO);
	if (!IS_ERR(other))
		dax_fs_put(other);
	CHECK("unbound-device-binds-again", device_attach(d) == 1);
	dax_core_dev_put(ddev);
}

static void fst_test_refusals(void)
{
	DECLARE_COMPLETION_ONSTACK(done);
	struct dax_fs_device *other;
	struct task_struct *t;

	u32 have = dax_fs_abi_version();

	CHECK("abi-check", dax_fs_abi_check(KBUILD_MODNAME) == 0);
	/* What a filesystem built for another helper ABI meets (one log line each). */
	CHECK("abi-other-major-refused",
	      daxkit_abi_check(KBUILD_MODNAME, "dax_fs_helper", have,
			       DAX_CORE_ABI(DAX_FS_ABI_MAJOR + 1, 0)) == -ENOEXEC);
	CHECK("abi-newer-minor-refused",
	      daxkit_abi_check(KBUILD_MODNAME, "dax_fs_helper", have,
			       DAX_CORE_ABI(DAX_FS_ABI_MAJOR, DAX_FS_ABI_MINOR + 1)) == -ENOEXEC);
	CHECK("abi-same-major-minor-0-accepted",
	      daxkit_abi_check(KBUILD_MODNAME, "dax_fs_helper", have,
			       DAX_CORE_ABI(DAX_FS_ABI_MAJOR, 0)) == 0);
	other = dax_fs_get_by_name("daxkit99999.9", &fst, NULL);
	CHECK("get-unknown-device-enodev", PTR_ERR(other) == -ENODEV);
	other = dax_fs_get_by_path("/proc/self/status", &fst, NULL);
	CHECK("get-by-path-not-a-device-enodev", PTR_ERR(other) == -ENODEV);
	other = dax_fs_get_by_name(dev, NULL, NULL);
	CHECK("get-without-holder-einval", PTR_ERR(other) == -EINVAL);
	if (devdax) {
		other = dax_fs_get_by_name(devdax, &fst, NULL);
		CHECK("get-devdax-pages-eopnotsupp", PTR_ERR(other) == -EOPNOTSUPP);
	} else {
		fst_skip("get-devdax-pages-eopnotsupp", "no devdax= device given");
	}
	fst_test_unbound();
	t = kthread_run(fst_node_busy, &done, "dax_fs_selftest");
	if (IS_ERR(t))
		fst_result(false, "get-while-node-open-ebusy", "no thread");
	else
		wait_for_completion(&done);
}

static void fst_test_held(void)
{
	struct dax_fs_device *other;
	struct file *node;
	char path[64];

	other = dax_fs_get_by_name(dev, &other, NULL);
	CHECK("second-holder-ebusy", PTR_ERR(other) == -EBUSY);
	snprintf(path, sizeof(path), "/dev/%s", dev);
	node = filp_open(path, O_RDWR, 0);
	CHECK("node-open-while-held-ebusy", PTR_ERR(node) == -EBUSY);
	if (!IS_ERR(node))
		filp_close(node, NULL);
}

static void fst_test_rw(char *a, char *b)
{
	memset(a, 0x5a, 8192);
	memset(b, 0, 8192);
	fst_want("write-iter", fst_pwrite(a, 8192, 12288), 8192);
	CHECK("read-iter-reads-it-back", fst_pread(b, 8192, 12288) == 8192 &&
	      !memcmp(a, b, 8192));
	memset(b, 0, 8192);
	CHECK("metadata-read-sees-it", !dax_fs_read(fst.fdev, 12288, b, 8192) &&
	      !memcmp(a, b, 8192));
	CHECK("metadata-write-then-read-iter", !dax_fs_write(fst.fdev, 12290, "daxkit", 6) &&
	      fst_pread(b, 6, 12290) == 6 && !memcmp(b, "daxkit", 6));
	CHECK("metadata-read-beyond-device-erange",
	      dax_fs_read(fst.fdev, dax_fs_size(fst.fdev) - 2, b, 4) == -ERANGE);
	CHECK("zero-blocks-unaligned-einval", dax_fs_zero_blocks(fst.fdev, 100, 4096) == -EINVAL);
}

/*
 * Faults at 4K and 2M, then fsync: exactly the two dirtied entries are
 * written back and cleaned, and a store after fsync dirties again.
 */
static void fst_test_faults(unsigned long *small, unsigned long *big)
{
	unsigned long idx[2] = { ~0UL, ~0UL };
	int pte, pmd, mk, n;

	*small = fst_map(64 << 10, 0, false);
	*big = fst_map(4 * SZ_2MB / 2, SZ_2MB, true);
	if (IS_ERR_VALUE(*small) || IS_ERR_VALUE(*big)) {
		fst_result(false, "map-the-file", "vm_mmap failed");
		return;
	}
	pte = atomic_read(&fst.pte);
	pmd = atomic_read(&fst.pmd);
	CHECK("fault-4k-write", !put_user(0x11, (char __user *)*small + 4096 + 7) &&
	      atomic_read(&fst.pte) > pte && atomic_read(&fst.pmd) == pmd);
	CHECK("fault-2m-write", !put_user(0x22, (char __user *)*big + 64) &&
	      atomic_read(&fst.pmd) == pmd + 1);
	n = fst_tagged(PAGECACHE_TAG_DIRTY, idx);
	CHECK("dirty-entries-are-the-two-stores", n == 2 && idx[0] == 1 &&
	      idx[1] == SZ_2MB >> PAGE_SHIFT);
	CHECK("fsync", vfs_fsync(fst.file, 0) == 0);
	CHECK("fsync-cleaned-every-dirty-entry", fst_tagged(PAGECACHE_TAG_DIRTY, idx) == 0 &&
	      fst_tagged(PAGECACHE_TAG_TOWRITE, idx) == 0);
	mk = atomic_read(&fst.mkwrite);
	CHECK("store-after-fsync-faults-and-redirties",
	      !put_user(0x33, (char __user *)*small + 4096 + 8) &&
	      atomic_read(&fst.mkwrite) == mk + 1 &&
	      fst_tagged(PAGECACHE_TAG_DIRTY, idx) == 1 && idx[0] == 1);
	CHECK("fsync-again", vfs_fsync(fst.file, 1) == 0 &&
	      fst_tagged(PAGECACHE_TAG_DIRTY, idx) == 0);
}

/*
 * MAP_SYNC: accepted on this synchronous region, and a write fault while
 * the file's metadata is not durable syncs it before the page is writable.
 */
static void fst_test_map_sync(void)
{
	unsigned long addr;
	int syncs = atomic_read(&fst.syncs);

	addr = vm_mmap(fst.file, 0, 64 << 10, PROT_READ | PROT_WRITE,
		       MAP_SHARED_VALIDATE | MAP_SYNC, 0);
	CHECK("map-sync-accepted", !IS_ERR_VALUE(addr));
	if (IS_ERR_VALUE(addr))
		return;
	WRITE_ONCE(fst.meta_dirty, true);
	CHECK("map-sync-write-fault-syncs-metadata",
	      !put_user(0x44, (char __user *)addr + 8192) &&
	      atomic_read(&fst.syncs) == syncs + 1 && !READ_ONCE(fst.meta_dirty));
	vm_munmap(addr, 64 << 10);
	/* The store dirtied page 2 once its page was writable: clean it. */
	CHECK("fsync-after-map-sync", vfs_fsync(fst.file, 0) == 0);
}

/* Zeroing through fs/dax.c, and the truncate page's tail. */
static void fst_test_zero(char *a, char *b)
{
	bool did = false;

	memset(a, 0x77, 8192);
	if (fst_pwrite(a, 8192, 40960) != 8192) {
		fst_result(false, "zero-range", "cannot write the range first");
		return;
	}
	CHECK("zero-range", !dax_fs_zero_range(fst.inode, 40960 + 100, 5000, &did,
					       &fst_iomap_ops) && did &&
	      fst_pread(b, 8192, 40960) == 8192 && b[99] == 0x77 && !b[100] &&
	      !b[5099] && b[5100] == 0x77);
	CHECK("truncate-page-zeroes-the-tail", fst_pwrite(a, 8192, 40960) == 8192 &&
	      !dax_fs_truncate_page(fst.inode, 40960 + 4096 + 10, &did, &fst_iomap_ops) &&
	      fst_pread(b, 8192, 40960) == 8192 && b[4095] == 0x77 &&
	      b[4096 + 9] == 0x77 && !b[4096 + 10] && !b[8191]);
	CHECK("sync-fs-and-barrier", !dax_fs_sync_fs(fst.fdev, 1) &&
	      !dax_fs_sync_fs(fst.fdev, 0) && !dax_fs_barrier(fst.fdev));
}

static void fst_wait(struct inode *inode)
{
	up_write(&fst.lock);
	schedule();
	down_write(&fst.lock);
}

static struct completion fst_truncated;
static int fst_truncate_rc;

/* What a filesystem's truncate does before freeing blocks beyond 2 MiB. */
static int fst_truncate(void *unused)
{
	down_write(&fst.lock);
	fst_truncate_rc = dax_fs_break_layouts(fst.inode, SZ_2MB, LLONG_MAX, fst_wait);
	if (!fst_truncate_rc)
		truncate_pagecache(fst.inode, SZ_2MB);
	up_write(&fst.lock);
	complete(&fst_truncated);
	return 0;
}

/* O_DIRECT in flight is a pinned page: truncate must wait for it (Req-58). */
static void fst_test_pinned_truncate(unsigned long big)
{
	struct task_struct *t;
	struct page *page;
	bool waited;

	if (pin_user_pages_fast(big + SZ_2MB / 2, 1, FOLL_WRITE, &page) != 1) {
		fst_result(false, "truncate-waits-for-pinned-page", "cannot pin a page");
		return;
	}
	init_completion(&fst_truncated);
	t = kthread_run(fst_truncate, NULL, "dax_fs_selftest");
	if (IS_ERR(t)) {
		unpin_user_page(page);
		fst_result(false, "truncate-waits-for-pinned-page", "no thread");
		return;
	}
	waited = !wait_for_completion_timeout(&fst_truncated, msecs_to_jiffies(500));
	unpin_user_page(page);
	CHECK("truncate-waits-for-pinned-page", waited);
	CHECK("truncate-goes-on-when-unpinned",
	      wait_for_completion_timeout(&fst_truncated, 10 * HZ) && !fst_truncate_rc);
	CHECK("truncate-removed-the-entries", fst.inode->i_mapping->nrpages == 0 ||
	      !xa_load(&fst.inode->i_mapping->i_pages, SZ_2MB >> PAGE_SHIFT));
}

#ifdef HAVE_PGMAP_MEMORY_FAILURE
/* Injected, as hwpoison_inject does: the kernel does not take it for a real one. */
#ifdef HAVE_MF_SW_SIMULATED
#define FST_MF_FLAGS	MF_SW_SIMULATED
#else
#define FST_MF_FLAGS	0
#endif

/* Poison at 3 MiB + 8 KiB: the notice, the refusal, the recovery. */
static void fst_test_poison(char *a, char *b)
{
	const u64 off = 3 * (1UL << 20) + 8192;
	struct daxkit_dev *ddev = dax_core_dev_get_by_name(dev);
	phys_addr_t phys;
	int before = atomic_read(&fst.notices);

	if (!ddev) {
		fst_result(false, "poison-notice-offset", "device gone");
		return;
	}
	phys = dax_core_dev_pgoff_to_phys(ddev, PHYS_PFN(off), PAGE_SIZE);
	CHECK("poison-memory-failure-handled", memory_failure(PHYS_PFN(phys), FST_MF_FLAGS) == 0);
	CHECK("poison-notice-offset", atomic_read(&fst.notices) == before + 1 &&
	      fst.off == off && fst.len == PAGE_SIZE &&
	      !(fst.flags & DAX_FS_NOTIFY_PRE_REMOVE));
	CHECK("poison-marked", dax_core_dev_poisoned(ddev, PHYS_PFN(off), 1));
	fst_want("poisoned-read-eio", fst_pread(b, 4096, off), -EIO);
	CHECK("poisoned-metadata-read-eio", dax_fs_read(fst.fdev, off, b, 16) == -EIO);
	CHECK("poisoned-neighbour-reads", fst_pread(b, 4096, off + 4096) == 4096);
	memset(a, 0x6b, 4096);
	fst_want("whole-page-write-recovers", fst_pwrite(a, 4096, off), 4096);
	CHECK("recovered-page-unmarked", !dax_core_dev_poisoned(ddev, PHYS_PFN(off), 1));
	CHECK("recovered-page-reads-back", fst_pread(b, 4096, off) == 4096 &&
	      !memcmp(a, b, 4096));
	/* Zeroing whole blocks (a filesystem's fresh allocation) clears poison too. */
	phys += PAGE_SIZE;
	memory_failure(PHYS_PFN(phys), FST_MF_FLAGS);
	CHECK("zero-blocks-clears-poison", dax_core_dev_poisoned(ddev, PHYS_PFN(off) + 1, 1) &&
	      !dax_fs_zero_blocks(fst.fdev, off + PAGE_SIZE, PAGE_SIZE) &&
	      !dax_core_dev_poisoned(ddev, PHYS_PFN(off) + 1, 1) &&
	      fst_pread(b, 4096, off + PAGE_SIZE) == 4096 && !memchr_inv(b, 0, 4096));
	dax_core_dev_put(ddev);
}
#else
static void fst_test_poison(char *a, char *b)
{
	fst_skip("poison-notice-offset",
		 "this kernel has no dev_pagemap memory_failure operation: memory_failure() kills the mappers, no notice comes");
}
#endif

/* Unbinding the device: the holder hears first, then access ends. */
static void fst_test_pre_remove(char *b)
{
	struct daxkit_dev *ddev = dax_core_dev_get_by_name(dev);
	struct device *d;
	int before = atomic_read(&fst.notices);

	if (!ddev) {
		fst_result(false, "pre-remove-notice", "device gone");
		return;
	}
	d = dax_core_dev_device(ddev);
	device_release_driver(d);
	CHECK("pre-remove-notice", atomic_read(&fst.notices) == before + 1 &&
	      (fst.flags & DAX_FS_NOTIFY_PRE_REMOVE) && fst.off == 0 &&
	      fst.len == U64_MAX);
	CHECK("read-after-removal-fails", fst_pread(b, 16, 0) < 0);
	CHECK("device-binds-again", device_attach(d) == 1);
	dax_core_dev_put(ddev);
}

static void fst_teardown(unsigned long small, unsigned long big)
{
	if (!IS_ERR_VALUE(small) && small)
		vm_munmap(small, 64 << 10);
	if (!IS_ERR_VALUE(big) && big)
		vm_munmap(big, 4 * SZ_2MB / 2);
}

static void fst_run(void)
{
	unsigned long small = 0, big = 0;
	char *a, *b, path[64];

	a = kmalloc(8192, GFP_KERNEL);
	b = kmalloc(8192, GFP_KERNEL);
	if (!a || !b)
		goto out;
	fst_test_refusals();
	snprintf(path, sizeof(path), "/dev/%s", dev);
	fst.fdev = dax_fs_get_by_path(path, &fst, &fst_holder_ops);
	CHECK("get-by-path", !IS_ERR(fst.fdev));
	if (IS_ERR(fst.fdev))
		goto out;
	if (dax_fs_size(fst.fdev) < FST_MIN_SIZE || fst_make_file()) {
		fst_result(false, "make-the-file", "device under 8 MiB or no memory");
		goto out;
	}
	fst_test_held();
	fst_test_rw(a, b);
	fst_test_zero(a, b);
	fst_test_faults(&small, &big);
	fst_test_map_sync();
	if (!IS_ERR_VALUE(big))
		fst_test_pinned_truncate(big);
	fst_teardown(small, big);
	i_size_write(fst.inode, dax_fs_size(fst.fdev));
	fst_test_poison(a, b);
	fst_test_pre_remove(b);
out:
	kfree(a);
	kfree(b);
}

/*
 * The file's last fput() runs when insmod returns to user space; the inode
 * is evicted then, and the mount and the device go at rmmod, after it.
 */
static void fst_release(void)
{
	if (!IS_ERR_OR_NULL(fst.mnt))
		kern_unmount(fst.mnt);
	fst.mnt = NULL;
	if (!IS_ERR_OR_NULL(fst.fdev))
		dax_fs_put(fst.fdev);
	fst.fdev = NULL;
}

static int __init dax_fs_selftest_init(void)
{
	int rc = dax_fs_abi_check(KBUILD_MODNAME);

	if (rc)
		return rc;
	init_rwsem(&fst.lock);
	pr_info("KTAP version 1\n");
	fst_run();
	pr_info("1..%d\n", fst.nr);
	if (fst.file)
		fput(fst.file);
	fst.file = NULL;
	pr_info("# dax_fs_selftest: %d passed, %d failed, %d skipped\n",
		fst.passed, fst.failed, fst.skipped);
	return 0;
}

static void __exit dax_fs_selftest_exit(void)
{
	fst_release();
}

module_init(dax_fs_selftest_init);
module_exit(dax_fs_selftest_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: KTAP self-test of dax_fs_helper");
MODULE_LICENSE("GPL");
DAXKIT_IMPORT_NS();
