// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit destroy-device: give a device's memory back to its region and
 * delete it (a region's first device, daxkitR.0, stays, empty).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

/* "all": every device that holds memory or is not the region's first. */
static bool destroy_wanted(const struct dk_dev *d)
{
	return d->size || d->id;
}

static int destroy_one(struct dk_bus *bus, struct dk_dev *d, bool force)
{
	struct dk_region *r = NULL;
	char path[PATH_MAX];
	bool rebind;
	int rc;

	dk_find_dev(bus, d->name, &r);
	rc = dk_dev_quiesce(d, force, &rebind);
	if (rc)
		return rc;
	if (d->size) {
		rc = dk_dev_write(d, "size", 0);
		if (rc)
			return rc;
	}
	if (!d->id)
		return 0;	/* kept, as in-tree: the region's first device */
	rc = dk_region_attr(r, "delete", path, sizeof(path));
	if (!rc)
		rc = dk_write(path, d->name);
	if (rc)
		dk_err(d->name, "cannot delete the device", rc, path);
	return rc;
}

int cmd_destroy_device(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	json_object *out = json_object_new_array();
	struct dk_dev **devs = NULL;
	struct dk_bus bus;
	int c, i, n, region = -1, done = 0, rc, worst = 0;
	bool force = false;

	while ((c = getopt_long(argc, argv, "r:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (dk_parse_region(optarg, &region))
				return dk_bad_usage("not a region id: '%s'", optarg);
			break;
		case 'f':
			force = true;
			break;
		default:
			dk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return dk_bad_usage("which device? (DEVICE or all)%s", NULL);
	n = dk_scan_targets(&bus, argv[optind], region, destroy_wanted, &devs);
	if (n < 0) {
		json_object_put(out);
		return -n;
	}
	for (i = 0; i < n; i++) {
		rc = destroy_one(&bus, devs[i], force);
		if (rc) {
			worst = dk_exit_of(rc);
			continue;
		}
		devs[i]->size = 0;
		devs[i]->enabled = false;
		json_object_array_add(out, dk_dev_json(devs[i], 0));
		done++;
	}
	dk_json_print(out);
	json_object_put(out);
	dk_note("destroyed %d device%s%s", done, done == 1 ? "" : "s",
		worst ? ", failed on the rest" : "");
	free(devs);
	dk_bus_free(&bus);
	return n == 1 ? worst : worst ? EXIT_FAILED : EXIT_OK;
}
