// SPDX-License-Identifier: GPL-2.0
/*
 * A system-ram device's memory as memory hotplug's sysfs shows it: the
 * blocks of /sys/devices/system/memory that lie in the device's physical
 * ranges, each online or offline, and in which zone; onlining and
 * offlining them, the offlining all or nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

struct dk_range {
	unsigned long long start, end;	/* first and last byte */
};

const char *dk_mode_name(enum dk_mode mode)
{
	return mode == DK_MODE_SYSTEM_RAM ? "system-ram" : "devdax";
}

/* A file of @driver's directory on bus daxkit, as a path. */
int dk_driver_file(const char *driver, const char *file, char *path, size_t len)
{
	return dk_path(path, len, "/sys/bus/daxkit/drivers/%s/%s", driver, file);
}

/* Write @dev's name to kmem's @file (new_id or remove_id); 0 or -errno. */
int dk_kmem_write(const struct dk_dev *dev, const char *file)
{
	char path[PATH_MAX];
	int rc;

	rc = dk_driver_file(DK_DRV_KMEM, file, path, sizeof(path));
	return rc ? rc : dk_write(path, dev->name);
}

/* The kernel's policy for hot-added blocks: auto_online_blocks. */
int dk_auto_online(char *buf, size_t len)
{
	char path[PATH_MAX];
	int rc;

	rc = dk_path(path, sizeof(path), "/sys/devices/system/memory/auto_online_blocks");
	return rc ? rc : dk_read(path, buf, len);
}

/* Memory hotplug's numbers are hexadecimal without 0x. */
static int read_hex(const char *path, unsigned long long *val)
{
	char buf[64], *end;
	int rc = dk_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	*val = strtoull(buf, &end, 16);
	return errno || end == buf || *end ? -EINVAL : 0;
}

/*
 * @dev's physical ranges: its mappingN children (root only), or its
 * resource and size when it has none.
 */
static int dev_ranges(const struct dk_dev *dev, struct dk_range **out, int *n)
{
	char path[PATH_MAX + 32];
	struct dk_range *r = NULL, *tmp;
	int i, rc = 0;

	*n = 0;
	for (i = 0;; i++) {
		unsigned long long start, end;

		snprintf(path, sizeof(path), "%s/mapping%d", dev->path, i);
		if (!dk_exists(path))
			break;
		snprintf(path, sizeof(path), "%s/mapping%d/start", dev->path, i);
		rc = dk_read_u64(path, &start);
		if (!rc) {
			snprintf(path, sizeof(path), "%s/mapping%d/end", dev->path, i);
			rc = dk_read_u64(path, &end);
		}
		if (rc)
			break;
		tmp = realloc(r, (size_t)(*n + 1) * sizeof(*r));
		if (!tmp) {
			rc = -ENOMEM;
			break;
		}
		r = tmp;
		r[*n].start = start;
		r[(*n)++].end = end;
	}
	if (!rc && !*n && dev->has_resource && dev->size) {
		r = malloc(sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->start = dev->resource;
		r->end = dev->resource + dev->size - 1;
		*n = 1;
	}
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* An online block's zone: its valid_zones is the one zone it is in. */
static void block_zone(struct dk_block *b)
{
	char path[PATH_MAX], buf[128];

	b->movable = false;
	if (!dk_path(path, sizeof(path), "/sys/devices/system/memory/memory%u/valid_zones", b->id) &&
	    !dk_read(path, buf, sizeof(buf))) {
		buf[strcspn(buf, " ")] = '\0';
		b->movable = !strcmp(buf, "Movable");
	}
}

/* Read block @b's state and zone. */
static void block_read(struct dk_block *b)
{
	char path[PATH_MAX], buf[128];

	b->online = false;
	b->movable = false;
	if (!dk_path(path, sizeof(path), "/sys/devices/system/memory/memory%u/state", b->id) &&
	    !dk_read(path, buf, sizeof(buf)))
		b->online = !strcmp(buf, "online");
	if (b->online)
		block_zone(b);
}

static bool in_ranges(const struct dk_range *r, int n, unsigned long long start,
		      unsigned long long size)
{
	int i;

	for (i = 0; i < n; i++)
		if (start >= r[i].start && start + size - 1 <= r[i].end)
			return true;
	return false;
}

static int cmp_block(const void *a, const void *b)
{
	const struct dk_block *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* Add block memory@id to @bs when it lies in one of the ranges. */
static int add_block(struct dk_blocks *bs, const char *dir, unsigned int id,
		     const struct dk_range *r, int nr)
{
	char path[PATH_MAX + 48];
	unsigned long long idx;
	struct dk_block *tmp;

	snprintf(path, sizeof(path), "%s/memory%u/phys_index", dir, id);
	if (read_hex(path, &idx) || idx > ~0ULL / bs->size)
		return 0;	/* gone meanwhile, or not a block */
	if (!in_ranges(r, nr, idx * bs->size, bs->size))
		return 0;
	tmp = realloc(bs->b, (size_t)(bs->n + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	bs->b = tmp;
	tmp = &bs->b[bs->n++];
	memset(tmp, 0, sizeof(*tmp));
	tmp->id = id;
	tmp->start = idx * bs->size;
	block_read(tmp);
	bs->online += tmp->online;
	return 0;
}

/*
 * The memory blocks whose whole range lies in one of @dev's ranges, by
 * address, each with its state and zone.  0 or -errno (-EACCES: the
 * ranges are root's only; -ENOENT: no memory hotplug).
 */
int dk_dev_blocks(const struct dk_dev *dev, struct dk_blocks *bs)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct dk_range *r = NULL;
	struct dirent *de;
	int nr, rc;
	DIR *d;

	memset(bs, 0, sizeof(*bs));
	rc = dev_ranges(dev, &r, &nr);
	if (rc)
		return rc;
	rc = dk_path(dir, sizeof(dir), "/sys/devices/system/memory");
	if (!rc) {
		snprintf(path, sizeof(path), "%s/block_size_bytes", dir);
		rc = read_hex(path, &bs->size);
	}
	if (!rc && !bs->size)
		rc = -EINVAL;
	d = rc ? NULL : opendir(dir);
	if (!rc && !d)
		rc = -errno;
	while (d && !rc && (de = readdir(d))) {
		unsigned int id;
		int used = 0;

		if (sscanf(de->d_name, "memory%u%n", &id, &used) == 1 && !de->d_name[used])
			rc = add_block(bs, dir, id, r, nr);
	}
	if (d)
		closedir(d);
	free(r);
	if (rc) {
		dk_blocks_free(bs);
		return rc;
	}
	qsort(bs->b, (size_t)bs->n, sizeof(*bs->b), cmp_block);
	return 0;
}

void dk_blocks_free(struct dk_blocks *bs)
{
	free(bs->b);
	memset(bs, 0, sizeof(*bs));
}

/* Whether every online block is in ZONE_MOVABLE (some must be online). */
bool dk_blocks_movable(const struct dk_blocks *bs)
{
	int i;

	for (i = 0; i < bs->n; i++)
		if (bs->b[i].online && !bs->b[i].movable)
			return false;
	return bs->online > 0;
}

/* Write @state to block @b's state; 0 or -errno, reported. */
static int block_write(const struct dk_dev *dev, const struct dk_block *b, const char *state,
		       const char *what)
{
	char path[PATH_MAX], msg[128];
	int rc;

	rc = dk_path(path, sizeof(path), "/sys/devices/system/memory/memory%u/state", b->id);
	if (!rc)
		rc = dk_write(path, state);
	if (rc) {
		snprintf(msg, sizeof(msg), "memory%u: %s (%s)", b->id, what, state);
		dk_err(dev->name, msg, rc, path);
	}
	return rc;
}

static void blocks_count(struct dk_blocks *bs)
{
	int i;

	bs->online = 0;
	for (i = 0; i < bs->n; i++)
		bs->online += bs->b[i].online;
}

/*
 * Online @dev's offline blocks: online_movable, or online (the kernel's
 * choice of zone) when !@movable.  Goes on after a failure; returns 0 or
 * the last -errno.
 */
int dk_blocks_online(const struct dk_dev *dev, struct dk_blocks *bs, bool movable)
{
	const char *state = movable ? "online_movable" : "online";
	int i, rc, err = 0, failed = 0;

	for (i = 0; i < bs->n; i++) {
		if (bs->b[i].online)
			continue;
		rc = block_write(dev, &bs->b[i], state, "cannot online");
		if (rc) {
			err = rc;
			failed++;
			continue;
		}
		bs->b[i].online = true;
		block_zone(&bs->b[i]);
	}
	blocks_count(bs);
	if (!failed)
		return 0;
	dk_note("%s: %d of %d memory blocks not online", dev->name, failed, bs->n);
	if (err == -EACCES || err == -EPERM)
		dk_hint("changing memory blocks needs root");
	else if (movable)
		dk_hint("the kernel may refuse ZONE_MOVABLE for a block (memory of ZONE_NORMAL above it on the node): 'daxkit online-memory --no-movable %s'",
			dev->name);
	return err;
}

/*
 * Put back online the blocks dk_blocks_offline() offlined, each in the
 * kind of zone it was in.
 */
void dk_blocks_restore(const struct dk_dev *dev, struct dk_blocks *bs)
{
	int i;

	for (i = 0; i < bs->n; i++) {
		struct dk_block *b = &bs->b[i];

		if (!b->changed)
			continue;
		if (!block_write(dev, b, b->movable ? "online_movable" : "online_kernel",
				 "cannot put it back online"))
			b->online = true;
		b->changed = false;
	}
	blocks_count(bs);
}

/*
 * Offline @dev's online blocks, by address; at the first failure, put
 * those offlined back online and return its -errno: all or nothing.
 */
int dk_blocks_offline(const struct dk_dev *dev, struct dk_blocks *bs)
{
	int i, rc = 0;

	for (i = 0; i < bs->n && !rc; i++) {
		struct dk_block *b = &bs->b[i];

		if (!b->online)
			continue;
		rc = block_write(dev, b, "offline", "cannot offline");
		if (!rc) {
			b->changed = true;
			b->online = false;
		}
	}
	if (!rc) {
		blocks_count(bs);
		return 0;
	}
	dk_blocks_restore(dev, bs);
	if (rc == -EBUSY)
		dk_hint("pages of the block are in use and cannot be moved out (unmovable allocations: likelier outside ZONE_MOVABLE); any blocks offlined before it are back online");
	else if (rc == -EACCES || rc == -EPERM)
		dk_hint("changing memory blocks needs root");
	return rc;
}
