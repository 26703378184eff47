/* SPDX-License-Identifier: GPL-2.0 */
/* Private to dax_core. */
#ifndef _DAX_CORE_PRIVATE_H
#define _DAX_CORE_PRIVATE_H

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

struct dax_core_device;

int dax_core_bus_init(void);
void dax_core_bus_exit(void);
int dax_core_fs_init(void);
void dax_core_fs_exit(void);

/**
 * struct daxkit_mapping - one physical range of a device, as sysfs shows it
 * @dev: the "mappingN" child of the device
 * @lock: guards the three values while the range is trimmed or extended
 * @start: first byte
 * @end: last byte
 * @pgoff: the device page where the range begins
 */
struct daxkit_mapping {
	struct device dev;
	spinlock_t lock;
	u64 start;
	u64 end;
	unsigned long pgoff;
};

/**
 * struct daxkit_range - one physical range of a device
 * @res: the range, a child of the region's
 * @pgoff: the device page where it begins
 * @mapping: its "mappingN" in sysfs
 */
struct daxkit_range {
	struct resource *res;
	unsigned long pgoff;
	struct daxkit_mapping *mapping;
};

/**
 * struct daxkit_region - a provider's range, carved into devices
 * @id: R of daxkitR.N
 * @dev: the provider's parent device, where the attributes are
 * @res: the range, parent of the devices' resources
 * @res_name: @res's name
 * @align: its alignment
 * @target_node: the NUMA node its memory would be onlined to
 * @kaddr: where the kernel reaches @res.start; NULL for test regions
 * @async: writes need a provider flush to be durable; MAP_SYNC refused
 * @fsdax: its struct pages are MEMORY_DEVICE_FS_DAX, order 0
 * @persist: the provider's persistence barrier, or NULL
 * @persist_data: what @persist is given
 * @ida: device ids
 * @kref: the region and each of its devices
 * @lock: layout, devices, seed, youngest
 * @devs: its devices
 * @seed: the device "create" hands out next
 * @youngest: the last device created
 * @poison_seen: a failure notice reached the region; its devices' pages
 *	are checked for poison from then on (see poison.c)
 * @view_id: R of its devices' names in class "dax" (dax<R>.<n>), or -1
 *	when they are not shown there (view.c)
 * @view_first: n of device 0 there
 * @mem_ops: how the provider lends the memory, or NULL when it cannot
 * @mem_data: what @mem_ops are given
 * @lent: the device whose driver has the region's memory as System RAM,
 *	or NULL; no other device of the region may change meanwhile
 */
struct daxkit_region {
	int id;
	struct device *dev;
	struct resource res;
	char res_name[32];
	unsigned int align;
	int target_node;
	void *kaddr;
	bool async;
	bool fsdax;
	int (*persist)(void *persist_data);
	void *persist_data;
	struct ida ida;
	struct kref kref;
	struct mutex lock;
	struct list_head devs;
	struct daxkit_dev *seed;
	struct daxkit_dev *youngest;
	bool poison_seen;
	int view_id;
	int view_first;
	const struct dax_core_memory_ops *mem_ops;
	void *mem_data;
	struct daxkit_dev *lent;
};

/**
 * struct daxkit_dev - the device daxkitR.N
 * @dev: on the daxkit bus, child of the region's parent
 * @region: its region (referenced)
 * @dcore: its registry object
 * @id: N
 * @align: the fault and allocation granularity
 * @dead: being deleted; no attribute changes it any more
 * @nr_range: entries in @ranges
 * @ranges: its physical ranges, in device order
 * @node: its place in the region's list
 * @view: its device in class "dax", or NULL (view.c)
 * @view_key: which name @view holds (view.c)
 * @probe_rc: what the last probe of a driver returned (byid.c reports it)
 */
struct daxkit_dev {
	struct device dev;
	struct daxkit_region *region;
	struct dax_core_device *dcore;
	int id;
	unsigned int align;
	bool dead;
	int nr_range;
	struct daxkit_range *ranges;
	struct list_head node;
	struct device *view;
	int view_key;
	int probe_rc;
};

extern dev_t dax_core_devt;
extern struct bus_type dax_core_bus_type;
bool daxkit_is_dev(struct device *dev);
u64 daxkit_dev_size(struct daxkit_dev *ddev);

/* byid.c: drivers that bind only the devices named to them */
int daxkit_byid_match(struct device *dev, const struct device_driver *drv);
void daxkit_byid_remove_files(struct device_driver *drv);
void daxkit_byid_forget(struct device_driver *drv);
void daxkit_byid_dev_gone(const char *name);
int dax_core_minor_get(void);
void dax_core_minor_put(int minor);

/* bus.c's attributes that view.c shows in class "dax" too */
extern struct device_attribute dev_attr_size;
extern struct device_attribute dev_attr_align;
extern struct device_attribute dev_attr_resource;
extern struct device_attribute dev_attr_numa_node;
extern struct device_attribute dev_attr_target_node;
extern struct device_attribute dev_attr_region_size;
extern struct device_attribute dev_attr_region_align;
extern struct device_attribute dev_attr_available_size;

/* view.c */
int daxkit_view_init(void);
void daxkit_view_exit(void);
int daxkit_view_add(struct daxkit_dev *ddev);
void daxkit_view_del(struct daxkit_dev *ddev);
void daxkit_view_region_hide(struct daxkit_region *region);
void dax_core_revive(struct dax_core_device *dcore);
void dax_core_mark_dead(struct dax_core_device *dcore);

/* poison.c */
extern struct device_attribute dev_attr_poison;
extern struct device_attribute dev_attr_clear_poison;
void dax_core_region_poison_seen(struct daxkit_region *region);
bool daxkit_dev_recover_page(struct daxkit_dev *ddev, pgoff_t pgoff, void *kaddr);

#endif /* _DAX_CORE_PRIVATE_H */
