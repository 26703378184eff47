// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit list: regions and devices as a JSON array, always an array.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

struct list_opts {
	bool regions, devices, idle;
	int region;		/* -1: all */
	char dev[DK_NAME_MAX];	/* "": all */
	int node;		/* -1: any */
	unsigned int flags;
};

static bool dev_listed(const struct list_opts *o, const struct dk_dev *d)
{
	if (o->dev[0] && strcmp(o->dev, d->name))
		return false;
	if (o->node >= 0 && d->numa_node != o->node && d->target_node != o->node)
		return false;
	/* Idle: disabled or empty; shown with -i, or when named. */
	if (!o->idle && !o->dev[0] && (!d->enabled || !d->size))
		return false;
	return true;
}

static json_object *list_devices(const struct list_opts *o, const struct dk_region *r)
{
	json_object *arr = json_object_new_array();
	int j;

	for (j = 0; j < r->ndevs; j++)
		if (dev_listed(o, &r->devs[j]))
			json_object_array_add(arr, dk_dev_json(&r->devs[j], o->flags));
	return arr;
}

static int list_parse(int argc, char **argv, struct list_opts *o)
{
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "dev", required_argument, NULL, 'd' },
		{ "device", required_argument, NULL, 'd' },
		{ "regions", no_argument, NULL, 'R' },
		{ "devices", no_argument, NULL, 'D' },
		{ "mappings", no_argument, NULL, 'M' },
		{ "poison", no_argument, NULL, 'P' },
		{ "idle", no_argument, NULL, 'i' },
		{ "numa-node", required_argument, NULL, 'U' },
		{ "human", no_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->region = -1;
	o->node = -1;
	while ((c = getopt_long(argc, argv, "r:d:RDMPiU:uv", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (dk_parse_region(optarg, &o->region))
				return dk_bad_usage("not a region id: '%s'", optarg);
			break;
		case 'd':
			if (strcmp(optarg, "all") && dk_parse_dev_name(optarg, o->dev, sizeof(o->dev)))
				return dk_bad_usage("not a device name: '%s'", optarg);
			break;
		case 'R': o->regions = true; break;
		case 'D': o->devices = true; break;
		case 'M': o->flags |= DK_JSON_MAPPINGS; break;
		case 'P': o->flags |= DK_JSON_POISON; break;
		case 'i': o->idle = true; break;
		case 'u': o->flags |= DK_JSON_HUMAN; break;
		case 'v': o->flags |= DK_JSON_VERBOSE; break;
		case 'U':
			o->node = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || o->node < 0)
				return dk_bad_usage("not a NUMA node: '%s'", optarg);
			break;
		default:
			dk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return dk_bad_usage("unexpected argument '%s'", argv[optind]);
	if (!o->regions)
		o->devices = true;
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct list_opts o;
	struct dk_bus bus;
	json_object *out;
	int i, rc;

	rc = list_parse(argc, argv, &o);
	if (rc)
		return rc;
	rc = dk_bus_scan(&bus);
	if (rc) {
		dk_err("/sys/bus/daxkit", "cannot read the bus", rc, NULL);
		return dk_exit_of(rc);
	}
	out = json_object_new_array();
	if (!bus.loaded) {
		dk_json_print(out);
		json_object_put(out);
		return dk_require_bus(&bus);
	}
	if (o.region >= 0 && !dk_find_region(&bus, o.region)) {
		fprintf(stderr, "daxkit: list: region %d: no such region\n", o.region);
		rc = EXIT_NOTFOUND;
	} else if (o.dev[0] && !dk_find_dev(&bus, o.dev, NULL)) {
		fprintf(stderr, "daxkit: list: %s: no such device\n", o.dev);
		rc = EXIT_NOTFOUND;
	}
	for (i = 0; i < bus.nregions && !rc; i++) {
		const struct dk_region *r = &bus.regions[i];
		json_object *devs;

		if (o.region >= 0 && r->id != o.region)
			continue;
		devs = list_devices(&o, r);
		if (!o.regions) {
			size_t k;

			for (k = 0; k < json_object_array_length(devs); k++)
				json_object_array_add(out,
					json_object_get(json_object_array_get_idx(devs, k)));
			json_object_put(devs);
			continue;
		}
		if ((o.dev[0] || o.node >= 0) && !json_object_array_length(devs)) {
			json_object_put(devs);
			continue;
		}
		{
			json_object *ro = dk_region_json(r, o.flags);

			if (o.devices)
				json_object_object_add(ro, "devices", devs);
			else
				json_object_put(devs);
			json_object_array_add(out, ro);
		}
	}
	/* Also when a device or region was not found: the output stays JSON. */
	dk_json_print(out);
	json_object_put(out);
	if (bus.restricted && !dk_is_root())
		fprintf(stderr, "daxkit: list: some fields need root: left out\n");
	dk_bus_free(&bus);
	return rc;
}
