// SPDX-License-Identifier: GPL-2.0
/*
 * dax_dev: the mappable character device of daxkit, /dev/daxkitR.N, with
 * device-dax semantics: MAP_SHARED only; address, offset and length
 * aligned to the device's alignment; faults served at exactly that size
 * (a PTE for 4K, a PMD for 2M, a PUD for 1G), never a silent fallback,
 * SIGBUS where a fault cannot be served; the liveness section across a
 * fault is SRCU (dax_core_read_lock), which may sleep to allocate page
 * tables (Req-04, Req-16).  Unbinding kills the device, which zaps every
 * mapping: the next access faults and gets SIGBUS (Req-06, Req-61).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <daxkit/core.h>
#include <daxkit/compat_mm.h>
#include "dax_dev.h"

static struct daxkit_dev *vmf_to_ddev(struct vm_fault *vmf)
{
	return vmf->vma->vm_file->private_data;
}

/* Checks common to mmap and every fault; rejections are ratelimited. */
static int dax_dev_check_vma(struct daxkit_dev *ddev, struct vm_area_struct *vma,
			     const char *what)
{
	struct device *dev = dax_core_dev_device(ddev);
	unsigned long mask = dax_core_dev_align(ddev) - 1;

	/*
	 * Where device memory is mapped as folios, fsdax pages (order 0,
	 * refcount 0 while idle) are fs/dax.c's alone.
	 */
	if (DAXKIT_PGMAP_COMPOUND && dax_core_dev_fsdax(ddev)) {
		dev_info_ratelimited(dev, "%s: %s: on this kernel fsdax pages map only through a filesystem\n",
				     current->comm, what);
		return -ENODEV;
	}
	/* VM_MAYSHARE: mmap clears VM_SHARED for MAP_SHARED on an O_RDONLY fd. */
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		dev_info_ratelimited(dev, "%s: %s: private mapping refused\n",
				     current->comm, what);
		return -EINVAL;
	}
	if ((vma->vm_start & mask) || (vma->vm_end & mask) ||
	    ((vma->vm_pgoff << PAGE_SHIFT) & mask)) {
		dev_info_ratelimited(dev, "%s: %s: address, offset or length not aligned to %#lx\n",
				     current->comm, what, mask + 1);
		return -EINVAL;
	}
	return 0;
}

/*
 * Every page of the mapping, each subpage of a PMD too, names the device's
 * address_space and its offset, so memory_failure() finds the mappers
 * (Req-26).  dax_core clears them when the range leaves the device.
 */
static void dax_dev_set_owner(struct vm_fault *vmf, phys_addr_t phys,
			      pgoff_t pgoff, unsigned long size)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	unsigned long i, pfn = PHYS_PFN(phys);

	for (i = 0; i < size >> PAGE_SHIFT; i++)
		daxkit_page_set_owner(pfn_to_page(pfn + i), mapping, pgoff + i);
}

/*
 * A page memory_failure() marked poisoned is not handed out again until
 * its poison is cleared (dax_core's clear_poison).  The page faulted on
 * gets BUS_MCEERR_AR; another poisoned page of the same huge page a plain
 * SIGBUS: the huge page cannot be mapped, and the device's alignment
 * forbids mapping the rest of it with smaller pages.
 */
static vm_fault_t dax_dev_poison(struct daxkit_dev *ddev, struct vm_fault *vmf,
				 pgoff_t pgoff, unsigned long size)
{
	if (!dax_core_dev_poisoned(ddev, pgoff, size >> PAGE_SHIFT))
		return 0;
	return dax_core_dev_poisoned(ddev, vmf->pgoff, 1) ?
		VM_FAULT_HWPOISON : VM_FAULT_SIGBUS;
}

static vm_fault_t dax_dev_pte_fault(struct daxkit_dev *ddev, struct vm_fault *vmf)
{
	phys_addr_t phys;
	vm_fault_t ret;

	if (dax_core_dev_align(ddev) > PAGE_SIZE)
		return VM_FAULT_SIGBUS;
	phys = dax_core_dev_pgoff_to_phys(ddev, vmf->pgoff, PAGE_SIZE);
	if (phys == (phys_addr_t)-1)
		return VM_FAULT_SIGBUS;
	ret = dax_dev_poison(ddev, vmf, vmf->pgoff, PAGE_SIZE);
	if (ret)
		return ret;
	dax_dev_set_owner(vmf, phys, vmf->pgoff, PAGE_SIZE);
	return daxkit_insert_pte(vmf, phys);
}

/*
 * A PMD or PUD fault: served only at exactly the device alignment.  A
 * smaller alignment falls back to the next smaller size; a larger one, or
 * a huge page that does not fit the vma, gets SIGBUS (Req-20).
 */
static vm_fault_t dax_dev_huge_fault_at(struct daxkit_dev *ddev,
					struct vm_fault *vmf, unsigned long size)
{
	unsigned long addr = vmf->address & ~(size - 1);
	unsigned long align = dax_core_dev_align(ddev);
	phys_addr_t phys;
	vm_fault_t ret;
	pgoff_t pgoff;

	if (align > size)
		return VM_FAULT_SIGBUS;
	if (align < size)
		return VM_FAULT_FALLBACK;
	if (addr < vmf->vma->vm_start || addr + size > vmf->vma->vm_end)
		return VM_FAULT_SIGBUS;
	pgoff = linear_page_index(vmf->vma, addr);
	phys = dax_core_dev_pgoff_to_phys(ddev, pgoff, size);
	if (phys == (phys_addr_t)-1)
		return VM_FAULT_SIGBUS;
	ret = dax_dev_poison(ddev, vmf, pgoff, size);
	if (ret)
		return ret;
	dax_dev_set_owner(vmf, phys, pgoff, size);
#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
	if (size == PUD_SIZE)
		return daxkit_insert_pud(vmf, phys);
#endif
	return daxkit_insert_pmd(vmf, phys);
}

static vm_fault_t dax_dev_fault_order(struct vm_fault *vmf, unsigned int order)
{
	struct daxkit_dev *ddev = vmf_to_ddev(vmf);
	vm_fault_t ret = VM_FAULT_SIGBUS;
	int id;

	/* SRCU: the insert below may allocate page tables and sleep. */
	id = dax_core_read_lock();
	if (!dax_core_alive(dax_core_dev_dax(ddev)) ||
	    dax_dev_check_vma(ddev, vmf->vma, "fault"))
		goto out;
	if (order == 0)
		ret = dax_dev_pte_fault(ddev, vmf);
	else if (order == PMD_SHIFT - PAGE_SHIFT)
		ret = dax_dev_huge_fault_at(ddev, vmf, PMD_SIZE);
#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
	else if (order == PUD_SHIFT - PAGE_SHIFT)
		ret = dax_dev_huge_fault_at(ddev, vmf, PUD_SIZE);
#endif
	else
		ret = VM_FAULT_FALLBACK;
out:
	dax_core_read_unlock(id);
	return ret;
}

static vm_fault_t dax_dev_fault(struct vm_fault *vmf)
{
	return dax_dev_fault_order(vmf, 0);
}

#ifdef HAVE_HUGE_FAULT_PE_SIZE
static vm_fault_t dax_dev_huge_fault(struct vm_fault *vmf, enum page_entry_size pe)
{
	return dax_dev_fault_order(vmf, pe == PE_SIZE_PTE ? 0 :
				   pe == PE_SIZE_PMD ? PMD_SHIFT - PAGE_SHIFT :
				   PUD_SHIFT - PAGE_SHIFT);
}
#else
static vm_fault_t dax_dev_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	return dax_dev_fault_order(vmf, order);
}
#endif

/* A split below the device alignment would reach the huge-page BUG (Req-19). */
static int dax_dev_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	struct daxkit_dev *ddev = vma->vm_file->private_data;

	return IS_ALIGNED(addr, dax_core_dev_align(ddev)) ? 0 : -EINVAL;
}

static unsigned long dax_dev_pagesize(struct vm_area_struct *vma)
{
	struct daxkit_dev *ddev = vma->vm_file->private_data;

	return dax_core_dev_align(ddev);
}

static const struct vm_operations_struct dax_dev_vm_ops = {
	.fault = dax_dev_fault,
	.huge_fault = dax_dev_huge_fault,
	DAXKIT_VM_OPS_SPLIT = dax_dev_may_split,
	.pagesize = dax_dev_pagesize,
};

/*
 * MAP_SYNC promises that a store is durable once the CPU caches are
 * written back.  Media that needs a provider flush (virtio-pmem) cannot
 * keep that promise: refused, as fs-dax refuses it.
 */
static int dax_dev_check_sync(struct daxkit_dev *ddev, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SYNC) || dax_core_dev_synchronous(ddev))
		return 0;
	dev_info_ratelimited(dax_core_dev_device(ddev),
			     "%s: mmap: MAP_SYNC refused: the media needs a flush to be durable\n",
			     current->comm);
	return -EOPNOTSUPP;
}

static int dax_dev_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct daxkit_dev *ddev = filp->private_data;
	int rc = -ENXIO, id;

	id = dax_core_read_lock();
	if (dax_core_alive(dax_core_dev_dax(ddev)))
		rc = dax_dev_check_vma(ddev, vma, "mmap") ?:
			dax_dev_check_sync(ddev, vma);
	dax_core_read_unlock(id);
	if (rc)
		return rc;
	vma->vm_ops = &dax_dev_vm_ops;
	daxkit_vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

/*
 * Hand out addresses aligned to the device, so that aligned faults fit:
 * search for len plus one alignment, and start at the aligned address
 * inside what was found.  A hint or MAP_FIXED is the caller's to keep.
 */
static unsigned long dax_dev_get_unmapped_area(struct file *filp, unsigned long addr,
					       unsigned long len, unsigned long pgoff,
					       unsigned long flags)
{
	struct daxkit_dev *ddev = filp ? filp->private_data : NULL;
	unsigned long align = ddev ? dax_core_dev_align(ddev) : PAGE_SIZE;
	unsigned long base;

	if (align <= PAGE_SIZE || addr || (flags & MAP_FIXED) || len < align ||
	    len + align < len)
		return daxkit_default_unmapped_area(filp, addr, len, pgoff, flags);
	base = daxkit_default_unmapped_area(filp, 0, len + align, pgoff, flags);
	if (IS_ERR_VALUE(base))
		return base;
	return ALIGN(base, align);
}

/*
 * The cdev of the binding the file was opened through: it holds its device
 * (cdev_set_parent() in probe), and the open file holds the cdev, so the
 * device outlives the file even across an unbind and a new binding.
 */
static struct daxkit_dev *dax_dev_from_inode(struct inode *inode)
{
	return dax_core_to_dev(kobj_to_dev(inode->i_cdev->kobj.parent));
}

/*
 * One user at a time: a device a filesystem holds (dax_fs_helper) does not
 * open, and an open one cannot be taken until its files are released.
 */
static int dax_dev_open(struct inode *inode, struct file *filp)
{
	struct daxkit_dev *ddev = dax_dev_from_inode(inode);
	struct dax_core_device *dcore = dax_core_dev_dax(ddev);
	struct inode *dinode = dax_core_inode(dcore);

	if (dax_core_open_claim(dcore)) {
		dev_dbg(dax_core_dev_device(ddev), "open: a filesystem holds the device\n");
		return -EBUSY;
	}
	/* Mappings hang off the device's inode, so kill can zap them all. */
	inode->i_mapping = dinode->i_mapping;
	inode->i_mapping->host = dinode;
	filp->f_mapping = inode->i_mapping;
	filp->f_wb_err = filemap_sample_wb_err(filp->f_mapping);
	filp->private_data = ddev;
	inode->i_flags = S_DAX;
	return 0;
}

static int dax_dev_release(struct inode *inode, struct file *filp)
{
	struct daxkit_dev *ddev = filp->private_data;

	dax_core_open_release(dax_core_dev_dax(ddev));
	return 0;
}

/*
 * SEEK_END finds the device's size: what QEMU's memory-backend-file falls
 * back to when a device is not in class "dax" (legacy ranges).
 */
static loff_t dax_dev_llseek(struct file *filp, loff_t offset, int whence)
{
	struct daxkit_dev *ddev = filp->private_data;
	loff_t size = -ENXIO;
	int id;

	id = dax_core_read_lock();
	if (dax_core_alive(dax_core_dev_dax(ddev)))
		size = dax_core_dev_size(ddev);
	dax_core_read_unlock(id);
	if (size < 0)
		return size;
	return fixed_size_llseek(filp, offset, whence, size);
}

/*
 * read(2) and write(2) of the device's bytes, for programs that cannot map
 * it (mkfs.daxkitfs and fsck.daxkitfs on kernels where an fsdax region's
 * pages do not map through the node).  Reads are machine-check safe;
 * writes bypass or write back the CPU caches, and fsync(2) is the
 * persistence barrier.  A poisoned page is EIO to both: writing whole
 * pages over poison is a filesystem's job (dax_fs_zero_blocks()).
 */
static ssize_t dax_dev_rw_page(struct daxkit_dev *ddev, loff_t pos,
			       struct iov_iter *iter, bool write)
{
	pgoff_t pgoff = pos >> PAGE_SHIFT;
	size_t n = min_t(size_t, iov_iter_count(iter),
			 PAGE_SIZE - offset_in_page(pos));
	void *kaddr;
	long avail;
	size_t done;

	avail = dax_core_direct_access(dax_core_dev_dax(ddev), pgoff, 1, &kaddr, NULL);
	if (avail > 0 && !dax_core_dev_clean_pages(ddev, pgoff, 1))
		avail = -EIO;
	if (avail < 0)
		return avail;
	kaddr += offset_in_page(pos);
	if (write)
		done = _copy_from_iter_flushcache(kaddr, n, iter);
	else
		done = _copy_mc_to_iter(kaddr, n, iter);
	if (done)
		return done;
	return write ? -EFAULT : -EIO;
}

static ssize_t dax_dev_rw(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	struct daxkit_dev *ddev = iocb->ki_filp->private_data;
	ssize_t done = 0, n = 0;
	loff_t size;
	int id;

	id = dax_core_read_lock();
	if (!dax_core_alive(dax_core_dev_dax(ddev))) {
		dax_core_read_unlock(id);
		return -ENXIO;
	}
	size = dax_core_dev_size(ddev);
	if (iocb->ki_pos >= size) {
		dax_core_read_unlock(id);
		return write && iov_iter_count(iter) ? -ENOSPC : 0;
	}
	iov_iter_truncate(iter, size - iocb->ki_pos);
	while (iov_iter_count(iter)) {
		n = dax_dev_rw_page(ddev, iocb->ki_pos, iter, write);
		if (n <= 0)
			break;
		iocb->ki_pos += n;
		done += n;
		if (fatal_signal_pending(current))
			break;
	}
	dax_core_read_unlock(id);
	return done ?: n;
}

static ssize_t dax_dev_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return dax_dev_rw(iocb, to, false);
}

static ssize_t dax_dev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return dax_dev_rw(iocb, from, true);
}

static int dax_dev_fsync(struct file *filp, loff_t start, loff_t end, int datasync)
{
	struct daxkit_dev *ddev = filp->private_data;

	return dax_core_barrier(dax_core_dev_dax(ddev));
}

static const struct file_operations dax_dev_fops = {
	.llseek = dax_dev_llseek,
	.owner = THIS_MODULE,
	.open = dax_dev_open,
	.release = dax_dev_release,
	.read_iter = dax_dev_read_iter,
	.write_iter = dax_dev_write_iter,
	.fsync = dax_dev_fsync,
	.get_unmapped_area = dax_dev_get_unmapped_area,
	.mmap = dax_dev_mmap,
	DAXKIT_FOP_MAP_SYNC,
};

/**
 * struct dax_dev_binding - the cdevs of one binding
 * @cdev: for /dev/daxkitR.N, and for /dev/dax<R>.<n> when the device is
 *	shown in class "dax" (else NULL)
 */
struct dax_dev_binding {
	struct cdev *cdev[2];
};

/*
 * A cdev for @devt that holds @dev: files opened through it find the
 * device from it (dax_dev_from_inode()), whichever node they opened.
 */
static struct cdev *dax_dev_cdev_add(struct device *dev, dev_t devt)
{
	struct cdev *cdev;
	int rc;

	cdev = cdev_alloc();
	if (!cdev)
		return ERR_PTR(-ENOMEM);
	cdev->ops = &dax_dev_fops;
	cdev->owner = THIS_MODULE;
	cdev_set_parent(cdev, &dev->kobj);
	rc = cdev_add(cdev, devt, 1);
	if (rc) {
		/* cdev_add() took no reference on the parent: its release must not drop one. */
		cdev->kobj.parent = NULL;
		kobject_put(&cdev->kobj);
		return ERR_PTR(rc);
	}
	return cdev;
}

static void dax_dev_binding_free(struct dax_dev_binding *b)
{
	if (b->cdev[1])
		cdev_del(b->cdev[1]);
	if (b->cdev[0])
		cdev_del(b->cdev[0]);
	kfree(b);
}

/*
 * Each binding has cdevs of its own (Req-07, Req-32): a file opened
 * through an earlier binding still holds that one, and re-initialising a
 * cdev such a file holds would hand its last reference to the new
 * binding's.  The driver core clears the driver data after remove.
 */
static int dax_dev_probe(struct daxkit_dev *ddev)
{
	struct device *dev = dax_core_dev_device(ddev);
	dev_t view = dax_core_dev_view_devt(ddev);
	struct dax_dev_binding *b;
	struct cdev *cdev;

	/* A region with no memory behind it (a test region) is not served. */
	if (!dax_core_dev_has_memory(ddev))
		return -ENXIO;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	cdev = dax_dev_cdev_add(dev, dev->devt);
	if (IS_ERR(cdev))
		goto err;
	b->cdev[0] = cdev;
	if (view) {
		cdev = dax_dev_cdev_add(dev, view);
		if (IS_ERR(cdev))
			goto err;
		b->cdev[1] = cdev;
	}
	dev_set_drvdata(dev, b);
	return 0;
err:
	dax_dev_binding_free(b);
	return PTR_ERR(cdev);
}

static void dax_dev_remove(struct daxkit_dev *ddev)
{
	dax_dev_binding_free(dev_get_drvdata(dax_core_dev_device(ddev)));
}

static struct dax_core_driver dax_dev_driver = {
	.drv = {
		.name = "dax_dev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = dax_dev_probe,
	.remove = dax_dev_remove,
};

static int __init dax_dev_init(void)
{
	int rc;

	rc = dax_core_abi_check(KBUILD_MODNAME);
	if (rc)
		return rc;
	rc = dax_core_driver_register(&dax_dev_driver);
	if (rc)
		return rc;
	rc = dax_dev_kmem_init();
	if (rc)
		dax_core_driver_unregister(&dax_dev_driver);
	return rc;
}

static void __exit dax_dev_exit(void)
{
	dax_dev_kmem_exit();
	dax_core_driver_unregister(&dax_dev_driver);
}

module_init(dax_dev_init);
module_exit(dax_dev_exit);
MODULE_AUTHOR("daxkit developers");
MODULE_DESCRIPTION("daxkit: mappable character devices over persistent memory, or its memory as System RAM");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXKIT_MODULE_VERSION);
MODULE_INFO(daxkit_abi, DAX_CORE_ABI_WANTED_STR);
MODULE_ALIAS("daxkit:t0*");
DAXKIT_IMPORT_NS();
