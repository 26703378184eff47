// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit save [FILE]: the devices of every region (name, size, alignment,
 * state and the physical ranges they map), as JSON, for `daxkit restore`
 * (and the daxkit-restore unit at boot).  Default FILE:
 * /etc/daxkit/devices.json.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daxkit.h"

/* The saved layout's file: @arg, or /etc/daxkit/devices.json under DAXKIT_ROOT. */
int dk_layout_file(const char *arg, char *buf, size_t len)
{
	if (arg) {
		if (snprintf(buf, len, "%s", arg) >= (int)len)
			return -ENAMETOOLONG;
		return 0;
	}
	return dk_path(buf, len, "/etc/daxkit/devices.json");
}

static json_object *save_mappings(const struct dk_dev *d)
{
	json_object *arr = json_object_new_array();
	char dir[PATH_MAX + 32], p[PATH_MAX + 64];
	int i;

	for (i = 0;; i++) {
		unsigned long long start, end;
		json_object *o;

		snprintf(dir, sizeof(dir), "%s/mapping%d", d->path, i);
		if (!dk_exists(dir))
			break;
		snprintf(p, sizeof(p), "%s/start", dir);
		if (dk_read_u64(p, &start))
			goto fail;
		snprintf(p, sizeof(p), "%s/end", dir);
		if (dk_read_u64(p, &end))
			goto fail;
		o = json_object_new_object();
		json_object_object_add(o, "start", json_object_new_int64((int64_t)start));
		json_object_object_add(o, "end", json_object_new_int64((int64_t)end));
		json_object_array_add(arr, o);
	}
	return arr;
fail:
	json_object_put(arr);
	return NULL;
}

static json_object *save_region(const struct dk_region *r, int *ndevs)
{
	json_object *o = json_object_new_object(), *devs = json_object_new_array();
	int j;

	json_object_object_add(o, "id", json_object_new_int(r->id));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)r->size));
	json_object_object_add(o, "provider", json_object_new_string(r->provider));
	for (j = 0; j < r->ndevs; j++) {
		const struct dk_dev *d = &r->devs[j];
		json_object *dev, *maps;

		if (!d->size)
			continue;
		maps = save_mappings(d);
		if (!maps) {
			json_object_put(devs);
			json_object_put(o);
			return NULL;
		}
		dev = json_object_new_object();
		json_object_object_add(dev, "chardev", json_object_new_string(d->name));
		json_object_object_add(dev, "size", json_object_new_int64((int64_t)d->size));
		json_object_object_add(dev, "align", json_object_new_int64((int64_t)d->align));
		json_object_object_add(dev, "enabled", json_object_new_boolean(d->enabled));
		json_object_object_add(dev, "mappings", maps);
		json_object_array_add(devs, dev);
		(*ndevs)++;
	}
	json_object_object_add(o, "devices", devs);
	return o;
}

/* Write @doc to @file through a temporary file and rename(2). */
static int save_write(const char *file, json_object *doc)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX], *slash;
	const char *text;
	FILE *f;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (fprintf(f, "%s\n", text) < 0 || fflush(f) || fsync(fileno(f)))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, file))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int cmd_save(int argc, char **argv)
{
	json_object *doc, *regions;
	char file[PATH_MAX];
	struct dk_bus bus;
	int i, rc, ndevs = 0;

	if (argc > 2)
		return dk_bad_usage("unexpected argument '%s'", argv[2]);
	if (argc == 2 && argv[1][0] == '-')
		return dk_bad_usage("unknown option '%s'", argv[1]);
	if (dk_layout_file(argc == 2 ? argv[1] : NULL, file, sizeof(file)))
		return dk_bad_usage("file name too long%s", NULL);
	rc = dk_scan(&bus);
	if (rc)
		return rc;
	doc = json_object_new_object();
	regions = json_object_new_array();
	json_object_object_add(doc, "daxkit_layout", json_object_new_int(1));
	json_object_object_add(doc, "regions", regions);
	for (i = 0; i < bus.nregions; i++) {
		json_object *r = save_region(&bus.regions[i], &ndevs);

		if (!r) {
			rc = -EACCES;
			dk_err("save", "cannot read the devices' mappings", EACCES, bus.regions[i].path);
			dk_hint("saving needs root (the mappings are readable by root only)");
			break;
		}
		json_object_array_add(regions, r);
	}
	if (!rc) {
		rc = save_write(file, doc);
		if (rc)
			dk_err(file, "cannot write", rc, NULL);
		else
			dk_note("saved %d device%s of %d region%s to %s", ndevs, ndevs == 1 ? "" : "s",
				bus.nregions, bus.nregions == 1 ? "" : "s", file);
	}
	json_object_put(doc);
	dk_bus_free(&bus);
	return dk_exit_of(rc);
}
