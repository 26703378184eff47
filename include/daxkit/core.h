/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkit core: the registry every other daxkit module builds on.
 *
 * The modules of the suite are versioned separately.  dax_core exports the
 * ABI version it implements; a dependent module checks at load time that it
 * was built for a compatible one (same major, core minor at least the one
 * it was built against) and refuses to load otherwise.
 */
#ifndef _DAXKIT_CORE_H
#define _DAXKIT_CORE_H

#include <linux/types.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/stringify.h>
#include <linux/printk.h>
#include <linux/mm.h>
#include <linux/range.h>
#include <daxkit/compat.h>

#define DAX_CORE_ABI_MAJOR	2
#define DAX_CORE_ABI_MINOR	4

#define DAX_CORE_ABI(major, minor)	(((u32)(major) << 16) | (u16)(minor))
#define DAX_CORE_ABI_MAJOR_OF(abi)	((abi) >> 16)
#define DAX_CORE_ABI_MINOR_OF(abi)	((abi) & 0xffff)

/*
 * The ABI this module was built for.  DAXKIT_ABI_SKEW exists for the test
 * suite only: it builds dependents that expect an ABI no core provides.
 */
#ifdef DAXKIT_ABI_SKEW
#define DAX_CORE_ABI_WANTED \
	DAX_CORE_ABI(DAX_CORE_ABI_MAJOR + DAXKIT_ABI_SKEW, DAX_CORE_ABI_MINOR)
#else
#define DAX_CORE_ABI_WANTED \
	DAX_CORE_ABI(DAX_CORE_ABI_MAJOR, DAX_CORE_ABI_MINOR)
#endif

/*
 * The same as text, "MAJOR.MINOR", for MODULE_INFO(daxkit_abi, ...): what
 * `modinfo -F daxkit_abi` and `daxkit modules` read before a module loads.
 * dax_core gives the ABI it implements, a dependent the one it was built
 * for (DAXKIT_ABI_SKEW_MAJOR: the skewed major, from daxkit.kbuild).
 */
#define DAX_CORE_ABI_STR \
	__stringify(DAX_CORE_ABI_MAJOR) "." __stringify(DAX_CORE_ABI_MINOR)
#ifdef DAXKIT_ABI_SKEW
#define DAX_CORE_ABI_WANTED_STR \
	__stringify(DAXKIT_ABI_SKEW_MAJOR) "." __stringify(DAX_CORE_ABI_MINOR)
#else
#define DAX_CORE_ABI_WANTED_STR	DAX_CORE_ABI_STR
#endif

/*
 * (2.3) The mf_flags of the notice a holder gets before its device goes
 * away (dax_core_kill()): the kernel's MF_MEM_PRE_REMOVE where it has one
 * (v6.6), a bit memory_failure() never uses elsewhere.
 */
#ifdef HAVE_MF_MEM_PRE_REMOVE
#define DAX_CORE_MF_PRE_REMOVE	MF_MEM_PRE_REMOVE
#else
#define DAX_CORE_MF_PRE_REMOVE	(1 << 30)
#endif

struct block_device;
struct iov_iter;
struct dax_core_device;
struct daxkit_region;
struct daxkit_dev;

/**
 * struct dax_core_operations - what a provider does for its devices
 * @direct_access: translate @pgoff to a kernel address and pfn for up to
 *	@nr_pages pages; return how many pages are contiguous there (> 0), or
 *	a negative errno.  Required.
 * @zero_page_range: zero @nr_pages pages at @pgoff, clearing poison where
 *	the media allows.  Required.
 * @recovery_write: write @bytes from @iter at @addr (page @pgoff), clearing
 *	poison on the way.  Optional.
 * @flush: write back CPU caches for [@addr, @addr + @size).  Optional; the
 *	architecture's persistent-memory writeback is used without it.
 * @persist: (2.3) make what was written back durable.  Optional; a store
 *	fence without it.  May sleep.
 */
struct dax_core_operations {
	long (*direct_access)(struct dax_core_device *dcore, pgoff_t pgoff,
			      long nr_pages, void **kaddr, unsigned long *pfn);
	int (*zero_page_range)(struct dax_core_device *dcore, pgoff_t pgoff,
			       size_t nr_pages);
	size_t (*recovery_write)(struct dax_core_device *dcore, pgoff_t pgoff,
				 void *addr, size_t bytes, struct iov_iter *iter);
	void (*flush)(struct dax_core_device *dcore, void *addr, size_t size);
	int (*persist)(struct dax_core_device *dcore);
};

/**
 * struct dax_core_holder_operations - what the holder of a device hears
 * @notify_failure: [@offset, @offset + @len) of the device failed (or is
 *	going away); @mf_flags are memory_failure()'s flags.
 */
struct dax_core_holder_operations {
	int (*notify_failure)(struct dax_core_device *dcore, u64 offset,
			      u64 len, int mf_flags);
};

u32 dax_core_abi_version(void);

/* The registry: struct dax_core_device and its liveness. */
struct dax_core_device *dax_core_alloc(void *private,
				       const struct dax_core_operations *ops);
void dax_core_kill(struct dax_core_device *dcore);
void dax_core_put(struct dax_core_device *dcore);
void dax_core_get(struct dax_core_device *dcore);
int dax_core_read_lock(void);
void dax_core_read_unlock(int id);
bool dax_core_alive(struct dax_core_device *dcore);
void *dax_core_private(struct dax_core_device *dcore);
struct inode *dax_core_inode(struct dax_core_device *dcore);
bool dax_core_supported(struct dax_core_device *dcore);

/* Data access through the provider. */
long dax_core_direct_access(struct dax_core_device *dcore, pgoff_t pgoff,
			    long nr_pages, void **kaddr, unsigned long *pfn);
int dax_core_zero_page_range(struct dax_core_device *dcore, pgoff_t pgoff,
			     size_t nr_pages);
size_t dax_core_recovery_write(struct dax_core_device *dcore, pgoff_t pgoff,
			       void *addr, size_t bytes, struct iov_iter *iter);
void dax_core_flush(struct dax_core_device *dcore, void *addr, size_t size);
/* (2.3) */
int dax_core_barrier(struct dax_core_device *dcore);

/* Holders and failure notices. */
int dax_core_holder_register(struct dax_core_device *dcore, void *holder,
			     const struct dax_core_holder_operations *ops);
void dax_core_holder_unregister(struct dax_core_device *dcore, void *holder);
void *dax_core_holder(struct dax_core_device *dcore);
/* (2.3) One user at a time: a holder, or files open on the device. */
int dax_core_open_claim(struct dax_core_device *dcore);
void dax_core_open_release(struct dax_core_device *dcore);
int dax_core_notify_failure(struct dax_core_device *dcore, u64 offset,
			    u64 len, int mf_flags);

/* Lookup. */
int dax_core_add_host(struct dax_core_device *dcore, const char *name,
		      struct block_device *bdev);
struct dax_core_device *dax_core_get_by_name(const char *name);
struct dax_core_device *dax_core_get_by_bdev(struct block_device *bdev,
					     u64 *start_off);

/* The daxkit bus: drivers, regions and devices. */

/**
 * struct dax_core_driver - a driver of daxkit devices (dcore)
 * @drv: the driver-core driver; set its name, leave its bus unset
 * @probe: bind to @ddev; -ENXIO for a device that cannot be served yet
 * @remove: unbind from @ddev
 */
struct dax_core_driver {
	struct device_driver drv;
	int (*probe)(struct daxkit_dev *ddev);
	void (*remove)(struct daxkit_dev *ddev);
};

int dax_core_driver_register(struct dax_core_driver *ddrv);
void dax_core_driver_unregister(struct dax_core_driver *ddrv);
/*
 * (2.4) A driver that binds only the devices named to it in its new_id
 * file (system-ram mode).  @leave runs when remove_id names a device it
 * has bound: an errno refuses, and the device stays bound.
 */
int dax_core_driver_register_by_id(struct dax_core_driver *ddrv,
				   int (*leave)(struct daxkit_dev *ddev));
/* (2.1) Files of a provider in /sys/bus/daxkit. */
int dax_core_bus_create_file(struct bus_attribute *attr);
void dax_core_bus_remove_file(struct bus_attribute *attr);

/**
 * struct daxkit_region_info - what a provider says of a new region
 * @id: region id, unique among daxkit regions: devices are daxkit<id>.N
 * @start: physical address of the region
 * @size: its size in bytes
 * @align: the region's alignment and its devices' default (PAGE_SIZE,
 *	PMD_SIZE or PUD_SIZE).  Where device memory is mapped as folios the
 *	provider's pages are compound at it, and a device's huge alignment
 *	must be exactly it; elsewhere a device may take any alignment the
 *	CPU and its ranges allow (supported_alignments lists them)
 * @target_node: the NUMA node the memory would be onlined to
 * @kaddr: where the kernel reaches @start (from memremap_pages()), or
 *	NULL for a region with no memory behind it (test regions only:
 *	its devices cannot be accessed or bound)
 * @async: the media is not synchronous: writes need a provider flush to
 *	be durable (virtio-pmem), so MAP_SYNC is refused.  False, the
 *	zero-initialised default, for memory durable once CPU caches are
 *	written back
 * @fsdax: (2.3) the provider's struct pages are MEMORY_DEVICE_FS_DAX and
 *	order-0, so a filesystem's fs/dax.c can own them (dax_fs_helper)
 * @persist: (2.3) the persistence barrier for the region's memory, given
 *	@persist_data, or NULL for a store fence
 * @persist_data: what @persist is given
 */
struct daxkit_region_info {
	int id;
	phys_addr_t start;
	u64 size;
	unsigned int align;
	int target_node;
	void *kaddr;
	bool async;
	bool fsdax;
	int (*persist)(void *persist_data);
	void *persist_data;
};

struct daxkit_region *dax_core_region_create(struct device *parent,
					     const struct daxkit_region_info *info);
void dax_core_region_destroy(struct daxkit_region *region);
struct daxkit_dev *dax_core_dev_create(struct daxkit_region *region, u64 size);
struct device *dax_core_dev_device(struct daxkit_dev *ddev);
struct dax_core_device *dax_core_dev_dax(struct daxkit_dev *ddev);
struct daxkit_dev *dax_core_to_dev(struct device *dev);
phys_addr_t dax_core_dev_pgoff_to_phys(struct daxkit_dev *ddev, pgoff_t pgoff,
				       unsigned long size);
u64 dax_core_dev_size(struct daxkit_dev *ddev);
unsigned int dax_core_dev_align(struct daxkit_dev *ddev);
bool dax_core_dev_has_memory(struct daxkit_dev *ddev);
bool dax_core_dev_synchronous(struct daxkit_dev *ddev);
bool dax_core_dev_poisoned(struct daxkit_dev *ddev, pgoff_t pgoff,
			   unsigned long nr_pages);
/**
 * struct dax_core_memory_ops - (2.4) a provider lends a region's memory
 * @lend: take the region's struct pages and claim away, so that its
 *	memory can be hot-added as System RAM.  May sleep.
 * @reclaim: claim and map the memory again; *@kaddr is where the kernel
 *	reaches the region's start from then on.  May sleep.
 */
struct dax_core_memory_ops {
	int (*lend)(void *data);
	int (*reclaim)(void *data, void **kaddr);
};

/* (2.4) For system-ram mode. */
void dax_core_region_set_memory_ops(struct daxkit_region *region,
				    const struct dax_core_memory_ops *ops,
				    void *data);
int dax_core_dev_lend(struct daxkit_dev *ddev);
int dax_core_dev_reclaim(struct daxkit_dev *ddev);
int dax_core_dev_range(struct daxkit_dev *ddev, int i, struct range *range);
int dax_core_dev_target_node(struct daxkit_dev *ddev);
/* (2.2) Regions shown in class "dax", for the programs users run. */
int dax_core_region_show_dax(struct daxkit_region *region, int id, int first);
dev_t dax_core_dev_view_devt(struct daxkit_dev *ddev);
int dax_core_region_notify_failure(struct daxkit_region *region, phys_addr_t phys,
				   u64 len, int mf_flags);
/* (2.3) For dax_fs_helper: devices by name or node, fsdax pages, poison. */
struct daxkit_dev *dax_core_dev_get_by_name(const char *name);
struct daxkit_dev *dax_core_dev_get_by_devt(dev_t devt);
void dax_core_dev_put(struct daxkit_dev *ddev);
bool dax_core_dev_fsdax(struct daxkit_dev *ddev);
void dax_core_dev_forget_owners(struct daxkit_dev *ddev);
long dax_core_dev_clean_pages(struct daxkit_dev *ddev, pgoff_t pgoff, long nr_pages);
void dax_core_dev_mark_poison(struct daxkit_dev *ddev, pgoff_t pgoff,
			      unsigned long nr_pages);

/**
 * daxkit_abi_check() - whether a module may run against the ABI it found
 * @modname: name of the calling module, for the log line
 * @provider: the module whose ABI it checks ("dax_core", "dax_fs_helper")
 * @have: the ABI @provider implements, DAX_CORE_ABI(major, minor)
 * @want: the ABI the caller was built for
 *
 * Compatible: the same major, and the provider's minor at least the one
 * the caller was built against.
 *
 * Return: 0, or -ENOEXEC after one kernel-log line saying both versions.
 */
static inline int daxkit_abi_check(const char *modname, const char *provider,
				   u32 have, u32 want)
{
	if (DAX_CORE_ABI_MAJOR_OF(have) == DAX_CORE_ABI_MAJOR_OF(want) &&
	    DAX_CORE_ABI_MINOR_OF(have) >= DAX_CORE_ABI_MINOR_OF(want))
		return 0;

	/* printk, not pr_err: the caller's pr_fmt would name it twice. */
	printk(KERN_ERR "%s: built for %s ABI %u.%u, but the loaded %s provides ABI %u.%u; refusing to load\n",
	       modname, provider, DAX_CORE_ABI_MAJOR_OF(want), DAX_CORE_ABI_MINOR_OF(want),
	       provider, DAX_CORE_ABI_MAJOR_OF(have), DAX_CORE_ABI_MINOR_OF(have));
	return -ENOEXEC;
}

/**
 * dax_core_abi_check() - refuse to run against an incompatible dax_core
 * @modname: name of the calling module, for the log line
 *
 * Call first thing in a dependent module's init function.
 *
 * Return: 0 when the loaded dax_core implements the ABI the caller was
 * built for, else -ENOEXEC after one kernel-log line saying both versions.
 */
static inline int dax_core_abi_check(const char *modname)
{
	return daxkit_abi_check(modname, "dax_core", dax_core_abi_version(),
				DAX_CORE_ABI_WANTED);
}

#endif /* _DAXKIT_CORE_H */
