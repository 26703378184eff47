/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkit: the command-line tool of the daxkit DAX stack.  Shared helpers:
 * paths under DAXKIT_ROOT, sysfs reads and writes, sizes, errors with the
 * kernel log lines our modules wrote, and the model of regions and devices.
 */
#ifndef DAXKIT_TOOL_H
#define DAXKIT_TOOL_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

/* Exit codes: never a negative errno. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* failed on some target */
	EXIT_USAGE = 2,
	EXIT_NOTFOUND = 3,
	EXIT_PERM = 4,
	EXIT_NOMODULES = 5,	/* the modules are not loaded or not available */
};

#define DK_NAME_MAX	64
#define DK_MAX_ALIGNS	4

/* ---- util.c ---- */

extern const char *dk_cmd;	/* the command running, for messages */

const char *dk_root(void);
int dk_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int dk_read(const char *path, char *buf, size_t len);
int dk_read_u64(const char *path, unsigned long long *val);
int dk_read_int(const char *path, int *val);
int dk_write(const char *path, const char *val);
bool dk_exists(const char *path);
bool dk_is_root(void);
int dk_parse_size(const char *s, unsigned long long *val);
void dk_human_size(char *buf, size_t len, unsigned long long size);
json_object *dk_json_size(unsigned long long size, bool human);
json_object *dk_json_addr(unsigned long long addr, bool human);
void dk_json_print(json_object *obj);
int dk_exit_of(int err);

/* ---- log.c: errors, hints and the kernel log ---- */

void dk_klog_mark(void);
void dk_err(const char *object, const char *what, int err, const char *path);
void dk_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dk_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dk_klog_lines(char lines[][256], int max, bool since_mark);
void dk_klog_print(void);

/* ---- model.c: regions and devices as sysfs shows them ---- */

struct dk_mapping {
	unsigned long long page_offset, start, end;
};

/* The drivers of bus daxkit: a device's mode is the one it is bound to. */
#define DK_DRV_DEVDAX	"dax_dev"	/* /dev/daxkitR.N */
#define DK_DRV_KMEM	"kmem"		/* in dax_dev: hot-plugged System RAM */

enum dk_mode {
	DK_MODE_DEVDAX,		/* bound to dax_dev, to no driver, or to another */
	DK_MODE_SYSTEM_RAM,	/* bound to kmem */
};

struct dk_dev {
	char name[DK_NAME_MAX];		/* daxkitR.N */
	char path[PATH_MAX];		/* its sysfs directory */
	int region_id, id;
	unsigned long long size, align, resource;
	bool has_resource;
	int numa_node, target_node;
	bool enabled;			/* bound to a driver */
	enum dk_mode mode;
	char driver[DK_NAME_MAX];
	char class_dev[DK_NAME_MAX];	/* daxX.Y in class dax, or "" */
	long poison_count;		/* -1: not readable */
};

struct dk_region {
	int id;
	char path[PATH_MAX];		/* the provider device (holds daxkit_region/) */
	char parent[DK_NAME_MAX];	/* its name: daxkit_pmem.0, dax0.1, ... */
	const char *provider;		/* legacy, ranges, namespace, stack, other */
	char namespace[DK_NAME_MAX];	/* namespaceX.Y for nd regions */
	char blockdev[PATH_MAX];	/* the block device of a stack */
	unsigned long long size, available, align;
	bool has_align;
	unsigned long long aligns[DK_MAX_ALIGNS];
	int naligns;
	char pages[16];
	struct dk_dev *devs;
	int ndevs;
};

struct dk_bus {
	struct dk_region *regions;
	int nregions;
	bool loaded;		/* /sys/bus/daxkit exists */
	bool restricted;	/* some root-only attribute could not be read */
};

int dk_bus_scan(struct dk_bus *bus);
void dk_bus_free(struct dk_bus *bus);
struct dk_region *dk_find_region(struct dk_bus *bus, int id);
struct dk_dev *dk_find_dev(struct dk_bus *bus, const char *name, struct dk_region **region);
int dk_parse_dev_name(const char *arg, char *name, size_t len);
int dk_parse_region(const char *arg, int *id);
bool dk_align_supported(const struct dk_region *r, unsigned long long align);
int dk_read_poison(const struct dk_dev *dev, json_object *runs, long *count);
json_object *dk_dev_json(const struct dk_dev *dev, unsigned int flags);
json_object *dk_region_json(const struct dk_region *r, unsigned int flags);
int dk_require_bus(const struct dk_bus *bus);

#define DK_JSON_HUMAN		0x1
#define DK_JSON_VERBOSE		0x2
#define DK_JSON_MAPPINGS	0x4
#define DK_JSON_POISON		0x8

/* ---- ops.c: the sysfs writes that change a device ---- */

int dk_dev_bind(const struct dk_dev *dev, bool bind);
int dk_bind_exit(int rc);
int dk_dev_write(const struct dk_dev *dev, const char *attr, unsigned long long val);
int dk_dev_refresh(struct dk_dev *dev);
int dk_targets(struct dk_bus *bus, const char *arg, int region,
	       bool (*want)(const struct dk_dev *), struct dk_dev ***out);
void dk_print_devs(struct dk_dev **devs, int n);
int dk_region_attr(const struct dk_region *r, const char *attr, char *buf, size_t len);
int dk_dev_quiesce(struct dk_dev *dev, bool force, bool *rebind);
int dk_scan(struct dk_bus *bus);
int dk_scan_targets(struct dk_bus *bus, const char *arg, int region,
		    bool (*want)(const struct dk_dev *), struct dk_dev ***out);
int dk_scan_find(struct dk_bus *bus, const char *name, struct dk_dev **dev,
		 struct dk_region **region);

/* ---- memory.c: memory blocks (memory hotplug's sysfs) ---- */

struct dk_block {
	unsigned int id;		/* memoryN */
	unsigned long long start;	/* phys_index * block size */
	bool online;			/* state "online" */
	bool movable;			/* online in ZONE_MOVABLE (valid_zones) */
	bool changed;			/* offlined by us: dk_blocks_restore() undoes it */
};

struct dk_blocks {
	struct dk_block *b;		/* by address */
	int n, online;
	unsigned long long size;	/* block_size_bytes */
};

const char *dk_mode_name(enum dk_mode mode);
int dk_dev_blocks(const struct dk_dev *dev, struct dk_blocks *bs);
void dk_blocks_free(struct dk_blocks *bs);
bool dk_blocks_movable(const struct dk_blocks *bs);
int dk_blocks_online(const struct dk_dev *dev, struct dk_blocks *bs, bool movable);
int dk_blocks_offline(const struct dk_dev *dev, struct dk_blocks *bs);
void dk_blocks_restore(const struct dk_dev *dev, struct dk_blocks *bs);
int dk_auto_online(char *buf, size_t len);
int dk_kmem_write(const struct dk_dev *dev, const char *file);
int dk_driver_file(const char *driver, const char *file, char *path, size_t len);

/* ---- modules.c ---- */

struct kmod_ctx;
const char *dk_kernel_release(void);
struct kmod_ctx *dk_kmod_new(void);

/* ---- main.c ---- */

void dk_usage(FILE *f);
int dk_bad_usage(const char *fmt, const char *arg);

/* ---- the commands, one file each ---- */

int cmd_list(int argc, char **argv);
int cmd_create_device(int argc, char **argv);
int cmd_destroy_device(int argc, char **argv);
int cmd_resize(int argc, char **argv);
int cmd_set_align(int argc, char **argv);
int cmd_enable_device(int argc, char **argv);
int cmd_disable_device(int argc, char **argv);
int cmd_modules(int argc, char **argv);
int cmd_stack(int argc, char **argv);
int cmd_unstack(int argc, char **argv);
int cmd_stacks(int argc, char **argv);
int cmd_poison(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_reconfigure_device(int argc, char **argv);
int cmd_online_memory(int argc, char **argv);
int cmd_offline_memory(int argc, char **argv);

/* save.c */
int dk_layout_file(const char *arg, char *buf, size_t len);

#endif
