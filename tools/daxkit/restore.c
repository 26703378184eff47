// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit restore [FILE] [--boot]: the devices `daxkit save` wrote, made
 * again with the same sizes, alignments and physical ranges (so that
 * their data is where it was), and enabled as they were.  A region is
 * changed only when it is as the kernel made it (one device spanning it,
 * or none with memory); one already as saved is left as it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

static unsigned long long jget_u64(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? (unsigned long long)json_object_get_int64(v) : 0;
}

static const char *jget_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static json_object *jget_arr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

/* Whether device @d has exactly the saved device's size, alignment and ranges. */
static bool dev_matches(const struct dk_dev *d, json_object *sd)
{
	json_object *maps = jget_arr(sd, "mappings");
	char p[PATH_MAX + 64];
	size_t i;

	if (d->size != jget_u64(sd, "size") || d->align != jget_u64(sd, "align") || !maps)
		return false;
	for (i = 0; i < json_object_array_length(maps); i++) {
		json_object *m = json_object_array_get_idx(maps, i);
		unsigned long long start, end;

		snprintf(p, sizeof(p), "%s/mapping%zu/start", d->path, i);
		if (dk_read_u64(p, &start) || start != jget_u64(m, "start"))
			return false;
		snprintf(p, sizeof(p), "%s/mapping%zu/end", d->path, i);
		if (dk_read_u64(p, &end) || end != jget_u64(m, "end"))
			return false;
	}
	snprintf(p, sizeof(p), "%s/mapping%zu", d->path, i);
	return !dk_exists(p);
}

/* The region is as saved: each saved device there as it was, no other with memory. */
static bool region_matches(const struct dk_region *r, json_object *devs)
{
	size_t i;
	int j, sized = 0;

	for (j = 0; j < r->ndevs; j++)
		sized += r->devs[j].size != 0;
	if ((size_t)sized != json_object_array_length(devs))
		return false;
	for (i = 0; i < json_object_array_length(devs); i++) {
		json_object *sd = json_object_array_get_idx(devs, i);
		struct dk_dev *d = NULL;

		for (j = 0; j < r->ndevs; j++)
			if (!strcmp(r->devs[j].name, jget_str(sd, "chardev")))
				d = &r->devs[j];
		if (!d || !dev_matches(d, sd))
			return false;
	}
	return true;
}

/* As the kernel made it: no device with memory but device 0, spanning the region or empty. */
static bool region_fresh(const struct dk_region *r)
{
	int j;

	for (j = 0; j < r->ndevs; j++) {
		const struct dk_dev *d = &r->devs[j];

		if (d->id ? d->size != 0 : d->size != 0 && d->size != r->size)
			return false;
	}
	return true;
}

/* Give device @d the saved device @sd's alignment and ranges; it is disabled and empty. */
static int dev_apply(struct dk_dev *d, json_object *sd)
{
	json_object *maps = jget_arr(sd, "mappings");
	char path[PATH_MAX + 16], val[64];
	unsigned long long align = jget_u64(sd, "align");
	size_t i;
	int rc = 0;

	if (align && align != d->align)
		rc = dk_dev_write(d, "align", align);
	snprintf(path, sizeof(path), "%s/mapping", d->path);
	for (i = 0; !rc && maps && i < json_object_array_length(maps); i++) {
		json_object *m = json_object_array_get_idx(maps, i);

		snprintf(val, sizeof(val), "%llx-%llx", jget_u64(m, "start"), jget_u64(m, "end"));
		rc = dk_write(path, val);
		if (rc)
			dk_err(d->name, "cannot map the saved range", rc, path);
	}
	if (!rc) {
		dk_dev_refresh(d);
		if (d->size != jget_u64(sd, "size")) {
			dk_err(d->name, "the restored size differs from the saved one", EIO, d->path);
			rc = -EIO;
		}
	}
	if (!rc && json_object_get_boolean(json_object_object_get(sd, "enabled")))
		rc = dk_dev_bind(d, true);
	return rc;
}

/* A device for saved device @sd: device 0 for daxkitR.0, else a new one. */
static struct dk_dev *dev_for(struct dk_bus *bus, int id, json_object *sd)
{
	char path[PATH_MAX], name[DK_NAME_MAX];
	struct dk_region *r = dk_find_region(bus, id);
	const char *want = jget_str(sd, "chardev");
	int rid, nid;

	if (sscanf(want, "daxkit%d.%d", &rid, &nid) == 2 && nid == 0)
		return dk_find_dev(bus, want, NULL);
	if (dk_region_attr(r, "create", path, sizeof(path)) || dk_write(path, "1") ||
	    dk_read(path, name, sizeof(name)) || !name[0]) {
		dk_err("region", "cannot create a device", EIO, path);
		return NULL;
	}
	dk_bus_free(bus);
	if (dk_bus_scan(bus))
		return NULL;
	if (strcmp(name, want))
		dk_note("%s is restored as %s", want, name);
	return dk_find_dev(bus, name, NULL);
}

static int region_rebuild(struct dk_bus *bus, int id, json_object *devs, int *made)
{
	struct dk_region *r = dk_find_region(bus, id);
	struct dk_dev *d0 = NULL;
	size_t i;
	int j, rc;

	for (j = 0; j < r->ndevs; j++)
		if (!r->devs[j].id)
			d0 = &r->devs[j];
	if (d0 && d0->size) {
		bool rebind;

		rc = dk_dev_quiesce(d0, true, &rebind);
		if (!rc)
			rc = dk_dev_write(d0, "size", 0);
		if (rc)
			return rc;
	}
	for (i = 0; i < json_object_array_length(devs); i++) {
		json_object *sd = json_object_array_get_idx(devs, i);
		struct dk_dev *d = dev_for(bus, id, sd);

		if (!d)
			return -ENODEV;
		dk_dev_refresh(d);
		rc = dev_apply(d, sd);
		if (rc)
			return rc;
		(*made)++;
	}
	return 0;
}

static int restore_region(struct dk_bus *bus, json_object *sr, bool boot, int *made)
{
	int id = (int)jget_u64(sr, "id");
	json_object *devs = jget_arr(sr, "devices");
	struct dk_region *r = dk_find_region(bus, id);
	char obj[32];
	int j;

	snprintf(obj, sizeof(obj), "region %d", id);
	if (!devs)
		return 0;
	if (!r) {
		if (boot)
			return 0;	/* it may come later: the udev rule runs us again */
		dk_err(obj, "not there", ENODEV, NULL);
		dk_hint("load the modules, or make the namespace, it was on ('daxkit list -R')");
		return -ENODEV;
	}
	if (r->size != jget_u64(sr, "size")) {
		dk_err(obj, "its size is not the saved one: left alone", EINVAL, r->path);
		return -EINVAL;
	}
	if (region_matches(r, devs)) {
		for (j = 0; j < r->ndevs; j++) {
			struct dk_dev *d = &r->devs[j];
			size_t i;

			for (i = 0; i < json_object_array_length(devs); i++) {
				json_object *sd = json_object_array_get_idx(devs, i);

				if (!strcmp(d->name, jget_str(sd, "chardev")) && !d->enabled &&
				    json_object_get_boolean(json_object_object_get(sd, "enabled")))
					dk_dev_bind(d, true);
			}
		}
		return 0;
	}
	if (!region_fresh(r)) {
		dk_err(obj, "has devices that are not in the saved layout: left alone", EEXIST, r->path);
		dk_hint("'daxkit destroy-device all -r %d -f' first to restore the saved layout there", id);
		return -EEXIST;
	}
	return region_rebuild(bus, id, devs, made);
}

int cmd_restore(int argc, char **argv)
{
	const char *arg = NULL;
	char file[PATH_MAX];
	json_object *doc, *regions;
	struct dk_bus bus;
	bool boot = false;
	int i, rc = 0, worst = 0, made = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--boot"))
			boot = true;
		else if (argv[i][0] == '-' || arg)
			return dk_bad_usage("unexpected argument '%s'", argv[i]);
		else
			arg = argv[i];
	}
	if (dk_layout_file(arg, file, sizeof(file)))
		return dk_bad_usage("file name too long%s", NULL);
	doc = json_object_from_file(file);
	if (!doc) {
		dk_err(file, "cannot read a saved layout", errno ? errno : EINVAL, NULL);
		dk_hint("'daxkit save' writes it");
		return errno == ENOENT ? EXIT_NOTFOUND : EXIT_FAILED;
	}
	regions = jget_arr(doc, "regions");
	if (jget_u64(doc, "daxkit_layout") != 1 || !regions) {
		dk_err(file, "not a daxkit layout (version 1)", EINVAL, NULL);
		json_object_put(doc);
		return EXIT_FAILED;
	}
	rc = dk_bus_scan(&bus);
	if (rc || !bus.loaded) {
		json_object_put(doc);
		if (boot && !rc)
			return EXIT_OK;
		return rc ? dk_exit_of(rc) : dk_require_bus(&bus);
	}
	for (k = 0; k < json_object_array_length(regions); k++) {
		rc = restore_region(&bus, json_object_array_get_idx(regions, k), boot, &made);
		if (rc)
			worst = EXIT_FAILED;
	}
	dk_note("restored %d device%s%s", made, made == 1 ? "" : "s",
		worst ? ", failed on some regions" : "");
	json_object_put(doc);
	dk_bus_free(&bus);
	return worst;
}
