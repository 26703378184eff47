// SPDX-License-Identifier: GPL-2.0
/*
 * The daxkit bus as sysfs shows it: regions (a provider device with a
 * daxkit_region group) and their devices (/sys/bus/daxkit/devices), read
 * into memory and written out as JSON.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daxkit.h"

static bool restricted;	/* a root-only attribute was left out */

/* Read a u64 attribute of @dir; an unreadable root-only one is noted. */
static int attr_u64(const char *dir, const char *attr, unsigned long long *val)
{
	char path[PATH_MAX];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	rc = dk_read_u64(path, val);
	if (rc == -EACCES)
		restricted = true;
	return rc;
}

static int attr_str(const char *dir, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return dk_read(path, buf, len);
}

/* The basename of the symlink @dir/@link points to, or "". */
static void link_name(const char *dir, const char *link, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	buf[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, link) >= (int)sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	snprintf(buf, len, "%s", basename(target));
}

/* "daxkitR.N", "/dev/daxkitR.N" or "R.N" into "daxkitR.N". */
int dk_parse_dev_name(const char *arg, char *name, size_t len)
{
	int r, n, used = 0;

	if (!strncmp(arg, "/dev/", 5))
		arg += 5;
	if (!strncmp(arg, "daxkit", 6))
		arg += 6;
	if (sscanf(arg, "%d.%d%n", &r, &n, &used) != 2 || arg[used] || r < 0 || n < 0)
		return -EINVAL;
	snprintf(name, len, "daxkit%d.%d", r, n);
	return 0;
}

/* A region id: "R" or "daxkitR" or "regionR". */
int dk_parse_region(const char *arg, int *id)
{
	char *end;
	long v;

	if (!strncmp(arg, "daxkit", 6))
		arg += 6;
	else if (!strncmp(arg, "region", 6))
		arg += 6;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > INT_MAX)
		return -EINVAL;
	*id = (int)v;
	return 0;
}

static int dev_read(struct dk_dev *d)
{
	char p[PATH_MAX + 16];
	long count;
	int rc;

	rc = attr_u64(d->path, "size", &d->size);
	if (rc)
		return rc;
	if (attr_u64(d->path, "align", &d->align))
		d->align = 0;
	d->has_resource = !attr_u64(d->path, "resource", &d->resource);
	snprintf(p, sizeof(p), "%s/numa_node", d->path);
	if (dk_read_int(p, &d->numa_node))
		d->numa_node = -1;
	snprintf(p, sizeof(p), "%s/target_node", d->path);
	if (dk_read_int(p, &d->target_node))
		d->target_node = -1;
	link_name(d->path, "driver", d->driver, sizeof(d->driver));
	d->enabled = d->driver[0] != '\0';
	d->mode = strcmp(d->driver, DK_DRV_KMEM) ? DK_MODE_DEVDAX : DK_MODE_SYSTEM_RAM;
	d->poison_count = -1;
	if (!dk_read_poison(d, NULL, &count))
		d->poison_count = count;
	return 0;
}

/* Re-read a device's attributes after a change. */
int dk_dev_refresh(struct dk_dev *dev)
{
	return dev_read(dev);
}

/*
 * A device's poison attribute (root only): "OFFSET LENGTH" per run of
 * poisoned pages, maybe ending "# N more runs not listed".  Appends
 * {offset, length} objects to @runs (when given); @count gets the number
 * of runs, those not listed included.
 */
int dk_read_poison(const struct dk_dev *dev, json_object *runs, long *count)
{
	char path[PATH_MAX], line[128];
	FILE *f;
	long n = 0;

	if (snprintf(path, sizeof(path), "%s/poison", dev->path) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f) {
		if (errno == EACCES)
			restricted = true;
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long off, len;
		long more;

		if (sscanf(line, "# %ld more runs", &more) == 1) {
			n += more;
			continue;
		}
		if (sscanf(line, "%llu %llu", &off, &len) != 2)
			continue;
		n++;
		if (runs) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "offset", json_object_new_int64((int64_t)off));
			json_object_object_add(o, "length", json_object_new_int64((int64_t)len));
			json_object_array_add(runs, o);
		}
	}
	fclose(f);
	*count = n;
	return 0;
}

/* "path=daxkitR,..." of /sys/bus/daxkit/stack: the block device of region @id. */
static void stack_blockdev(int id, char *buf, size_t len)
{
	char path[PATH_MAX], list[4096], want[32], *tok, *save = NULL;

	buf[0] = '\0';
	if (dk_path(path, sizeof(path), "/sys/bus/daxkit/stack") ||
	    dk_read(path, list, sizeof(list)))
		return;
	snprintf(want, sizeof(want), "=daxkit%d", id);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strrchr(tok, '=');

		if (eq && !strcmp(eq, want)) {
			*eq = '\0';
			snprintf(buf, len, "%s", tok);
		}
	}
}

static void region_provider(struct dk_region *r)
{
	char sub[DK_NAME_MAX];

	link_name(r->path, "subsystem", sub, sizeof(sub));
	if (!strncmp(r->parent, "daxkit_pmem.", 12)) {
		/* dax_pmem's ids: legacy 0..15, ranges= 16..31, soft-reserved 32..47 */
		r->provider = r->id < 16 ? "legacy" : r->id < 32 ? "ranges" : "soft-reserved";
	} else if (!strncmp(r->parent, "daxkit_stack.", 13)) {
		r->provider = "stack";
		stack_blockdev(r->id, r->blockdev, sizeof(r->blockdev));
	} else if (!strcmp(sub, "nd")) {
		r->provider = "namespace";
		if (attr_str(r->path, "namespace", r->namespace, sizeof(r->namespace)))
			r->namespace[0] = '\0';
	} else {
		r->provider = "other";
	}
}

static int region_read(struct dk_region *r)
{
	char grp[PATH_MAX], buf[256], *tok, *save = NULL;
	unsigned long long v;
	char tmp[PATH_MAX];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s", r->path);
	snprintf(r->parent, sizeof(r->parent), "%s", basename(tmp));
	if (snprintf(grp, sizeof(grp), "%s/daxkit_region", r->path) >= (int)sizeof(grp))
		return -ENAMETOOLONG;
	rc = attr_u64(grp, "size", &r->size);
	if (rc)
		return rc;
	if (attr_u64(grp, "available_size", &r->available))
		r->available = 0;
	r->has_align = !attr_u64(grp, "align", &r->align);
	r->naligns = 0;
	if (!attr_str(grp, "supported_alignments", buf, sizeof(buf)))
		for (tok = strtok_r(buf, " ", &save); tok && r->naligns < DK_MAX_ALIGNS;
		     tok = strtok_r(NULL, " ", &save))
			if (!dk_parse_size(tok, &v))
				r->aligns[r->naligns++] = v;
	if (attr_str(grp, "pages", r->pages, sizeof(r->pages)))
		snprintf(r->pages, sizeof(r->pages), "devdax");
	region_provider(r);
	return 0;
}

bool dk_align_supported(const struct dk_region *r, unsigned long long align)
{
	int i;

	for (i = 0; i < r->naligns; i++)
		if (r->aligns[i] == align)
			return true;
	return false;
}

static struct dk_region *region_get(struct dk_bus *bus, const char *dir, int id)
{
	struct dk_region *r;
	int i;

	for (i = 0; i < bus->nregions; i++)
		if (bus->regions[i].id == id)
			return &bus->regions[i];
	r = realloc(bus->regions, (size_t)(bus->nregions + 1) * sizeof(*r));
	if (!r)
		return NULL;
	bus->regions = r;
	r = &bus->regions[bus->nregions];
	memset(r, 0, sizeof(*r));
	r->id = id;
	snprintf(r->path, sizeof(r->path), "%s", dir);
	if (region_read(r))
		return NULL;
	bus->nregions++;
	return r;
}

/*
 * The name a namespace region's first device has in class dax (daxX.Y for
 * namespaceX.Y, a child of the nd_dax: <nd_dax>/dax/daxX.Y), if shown
 * there.  Later devices of the region have views too, but sysfs links
 * nothing from daxkitR.N to them.
 */
static void dev_class_view(const struct dk_region *r, struct dk_dev *d)
{
	char view[DK_NAME_MAX], path[PATH_MAX + 2 * DK_NAME_MAX];

	d->class_dev[0] = '\0';
	if (d->id || strncmp(r->namespace, "namespace", 9))
		return;
	snprintf(view, sizeof(view), "dax%s", r->namespace + 9);
	snprintf(path, sizeof(path), "%s/dax/%s", r->path, view);
	if (dk_exists(path))
		memcpy(d->class_dev, view, sizeof(view));
}

/* Add the device at @link (a /sys/bus/daxkit/devices entry) to its region. */
static int bus_add_dev(struct dk_bus *bus, const char *link, const char *name)
{
	char real[PATH_MAX], tmp[PATH_MAX], parent[PATH_MAX], idpath[PATH_MAX], *dn;
	struct dk_region *r;
	struct dk_dev *d;
	int id, rid, nid;

	if (sscanf(name, "daxkit%d.%d", &rid, &nid) != 2 || strlen(name) >= DK_NAME_MAX)
		return 0;
	if (!realpath(link, real))
		return 0;	/* gone meanwhile */
	memcpy(tmp, real, sizeof(tmp));
	dn = dirname(tmp);
	memmove(parent, dn, strlen(dn) + 1);
	if (snprintf(idpath, sizeof(idpath), "%s/daxkit_region/id", parent) >= (int)sizeof(idpath) ||
	    dk_read_int(idpath, &id))
		return 0;	/* not a region's device (gone, or not ours) */
	r = region_get(bus, parent, id);
	if (!r)
		return -ENOMEM;
	d = realloc(r->devs, (size_t)(r->ndevs + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	r->devs = d;
	d = &r->devs[r->ndevs];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, strlen(name) + 1);
	snprintf(d->path, sizeof(d->path), "%s", real);
	d->region_id = id;
	d->id = nid;
	if (dev_read(d))
		return 0;	/* gone meanwhile */
	dev_class_view(r, d);
	r->ndevs++;
	return 0;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct dk_dev *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_region(const void *a, const void *b)
{
	const struct dk_region *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Read the bus.  Returns 0 (bus->loaded false when dax_core is not
 * loaded) or -errno.
 */
int dk_bus_scan(struct dk_bus *bus)
{
	char dir[PATH_MAX], link[PATH_MAX * 2];
	struct dirent *de;
	DIR *d;
	int i, rc = 0;

	memset(bus, 0, sizeof(*bus));
	restricted = false;
	if (dk_path(dir, sizeof(dir), "/sys/bus/daxkit/devices"))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	bus->loaded = true;
	while ((de = readdir(d)) && !rc) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		rc = bus_add_dev(bus, link, de->d_name);
	}
	closedir(d);
	qsort(bus->regions, (size_t)bus->nregions, sizeof(*bus->regions), cmp_region);
	for (i = 0; i < bus->nregions; i++)
		qsort(bus->regions[i].devs, (size_t)bus->regions[i].ndevs,
		      sizeof(struct dk_dev), cmp_dev);
	bus->restricted = restricted;
	return rc;
}

void dk_bus_free(struct dk_bus *bus)
{
	int i;

	for (i = 0; i < bus->nregions; i++)
		free(bus->regions[i].devs);
	free(bus->regions);
	memset(bus, 0, sizeof(*bus));
}

/* Say that dax_core is not loaded; EXIT_NOMODULES, or 0 when it is. */
int dk_require_bus(const struct dk_bus *bus)
{
	if (bus->loaded)
		return 0;
	fprintf(stderr, "daxkit: %s: the daxkit bus is not there: dax_core is not loaded\n",
		dk_cmd);
	dk_hint("'daxkit modules load' (or 'modprobe dax_pmem'); 'daxkit check' says why it may not load");
	return EXIT_NOMODULES;
}

struct dk_region *dk_find_region(struct dk_bus *bus, int id)
{
	int i;

	for (i = 0; i < bus->nregions; i++)
		if (bus->regions[i].id == id)
			return &bus->regions[i];
	return NULL;
}

struct dk_dev *dk_find_dev(struct dk_bus *bus, const char *name, struct dk_region **region)
{
	int i, j;

	for (i = 0; i < bus->nregions; i++)
		for (j = 0; j < bus->regions[i].ndevs; j++)
			if (!strcmp(bus->regions[i].devs[j].name, name)) {
				if (region)
					*region = &bus->regions[i];
				return &bus->regions[i].devs[j];
			}
	return NULL;
}

/* A device's mappingN children as JSON; NULL when they are root's only. */
static json_object *mappings_json(const struct dk_dev *d, bool human)
{
	json_object *arr = json_object_new_array();
	char dir[PATH_MAX + 32];
	int i, rc;

	for (i = 0;; i++) {
		unsigned long long start, end, pgoff;
		json_object *o;

		snprintf(dir, sizeof(dir), "%s/mapping%d", d->path, i);
		if (!dk_exists(dir))
			break;
		rc = attr_u64(dir, "start", &start);
		if (!rc)
			rc = attr_u64(dir, "end", &end);
		if (!rc)
			rc = attr_u64(dir, "page_offset", &pgoff);
		if (rc == -EACCES) {
			json_object_put(arr);
			return NULL;
		}
		if (rc)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "page_offset", dk_json_addr(pgoff, human));
		json_object_object_add(o, "start", dk_json_addr(start, human));
		json_object_object_add(o, "end", dk_json_addr(end, human));
		json_object_object_add(o, "size", dk_json_size(end - start + 1, human));
		json_object_array_add(arr, o);
	}
	return arr;
}

/*
 * A system-ram device's memory blocks, as daxctl counts them: how many are
 * online, how many there are, and whether all those online are in
 * ZONE_MOVABLE (left out when none is online).  Nothing when the ranges
 * cannot be read (root only) or the kernel has no memory hotplug.
 */
static void memblocks_json(const struct dk_dev *d, json_object *o)
{
	struct dk_blocks bs;
	int rc = dk_dev_blocks(d, &bs);

	if (rc == -EACCES)
		restricted = true;
	if (rc)
		return;
	json_object_object_add(o, "online_memblocks", json_object_new_int(bs.online));
	json_object_object_add(o, "total_memblocks", json_object_new_int(bs.n));
	if (bs.online)
		json_object_object_add(o, "movable", json_object_new_boolean(dk_blocks_movable(&bs)));
	dk_blocks_free(&bs);
}

/* A device as `daxkit list` shows it; daxctl's field names where they mean the same. */
json_object *dk_dev_json(const struct dk_dev *d, unsigned int flags)
{
	bool human = flags & DK_JSON_HUMAN;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "chardev", json_object_new_string(d->name));
	json_object_object_add(o, "region", json_object_new_int(d->region_id));
	json_object_object_add(o, "size", dk_json_size(d->size, human));
	json_object_object_add(o, "align", json_object_new_int64((int64_t)d->align));
	json_object_object_add(o, "target_node", json_object_new_int(d->target_node));
	json_object_object_add(o, "numa_node", json_object_new_int(d->numa_node));
	json_object_object_add(o, "mode", json_object_new_string(dk_mode_name(d->mode)));
	if (!d->enabled)
		json_object_object_add(o, "state", json_object_new_string("disabled"));
	if (d->mode == DK_MODE_SYSTEM_RAM)
		memblocks_json(d, o);
	if (d->poison_count >= 0)
		json_object_object_add(o, "poison_count", json_object_new_int64(d->poison_count));
	if (flags & DK_JSON_VERBOSE) {
		char devnode[PATH_MAX];

		snprintf(devnode, sizeof(devnode), "/dev/%s", d->name);
		json_object_object_add(o, "devnode", json_object_new_string(devnode));
		if (d->has_resource)
			json_object_object_add(o, "resource", dk_json_addr(d->resource, human));
		if (d->enabled)
			json_object_object_add(o, "driver", json_object_new_string(d->driver));
		if (d->class_dev[0])
			json_object_object_add(o, "class_dev", json_object_new_string(d->class_dev));
		json_object_object_add(o, "path", json_object_new_string(d->path));
	}
	if (flags & DK_JSON_MAPPINGS) {
		json_object *maps = mappings_json(d, human);

		if (maps)
			json_object_object_add(o, "mappings", maps);
	}
	if (flags & DK_JSON_POISON) {
		json_object *runs = json_object_new_array();
		long n;

		if (!dk_read_poison(d, runs, &n))
			json_object_object_add(o, "poison", runs);
		else
			json_object_put(runs);
	}
	return o;
}

json_object *dk_region_json(const struct dk_region *r, unsigned int flags)
{
	bool human = flags & DK_JSON_HUMAN;
	json_object *o = json_object_new_object(), *al = json_object_new_array();
	int i;

	json_object_object_add(o, "id", json_object_new_int(r->id));
	json_object_object_add(o, "size", dk_json_size(r->size, human));
	json_object_object_add(o, "available_size", dk_json_size(r->available, human));
	if (r->has_align)
		json_object_object_add(o, "align", json_object_new_int64((int64_t)r->align));
	for (i = 0; i < r->naligns; i++)
		json_object_array_add(al, json_object_new_int64((int64_t)r->aligns[i]));
	json_object_object_add(o, "supported_alignments", al);
	json_object_object_add(o, "provider", json_object_new_string(r->provider));
	json_object_object_add(o, "pages", json_object_new_string(r->pages));
	if (r->namespace[0])
		json_object_object_add(o, "namespace", json_object_new_string(r->namespace));
	if (r->blockdev[0])
		json_object_object_add(o, "blockdev", json_object_new_string(r->blockdev));
	if (flags & DK_JSON_VERBOSE) {
		json_object_object_add(o, "provider_device", json_object_new_string(r->parent));
		json_object_object_add(o, "path", json_object_new_string(r->path));
	}
	return o;
}
