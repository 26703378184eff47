// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit create-device: a new device in a region, of a size and an
 * alignment checked against the region before anything is written; a
 * step the kernel refuses undoes the steps before it.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include "daxkit.h"

#define SZ_2M	(2ULL << 20)

/* The region's empty device (its seed), or a new one from `create`. */
static int create_seed(struct dk_bus *bus, struct dk_region *r, char *name, size_t len,
		       bool *made)
{
	char path[PATH_MAX];
	int rc;

	*made = false;
	if (!dk_region_attr(r, "seed", path, sizeof(path)) &&
	    !dk_read(path, name, len) && name[0] && dk_find_dev(bus, name, NULL))
		return 0;
	rc = dk_region_attr(r, "create", path, sizeof(path));
	if (!rc)
		rc = dk_write(path, "1");
	if (!rc)
		rc = dk_read(path, name, len);
	if (rc || !name[0]) {
		dk_err("region", "cannot create a device", rc ? rc : -EIO, path);
		return rc ? rc : -EIO;
	}
	*made = true;
	return 0;
}

/* Take back a device that could not be set up. */
static void create_undo(struct dk_region *r, struct dk_dev *d, bool made,
			unsigned long long align)
{
	char path[PATH_MAX];

	if (d->size)
		dk_dev_write(d, "size", 0);
	if (made) {
		if (!dk_region_attr(r, "delete", path, sizeof(path)))
			dk_write(path, d->name);
	} else if (align && d->align != align) {
		dk_dev_write(d, "align", align);
	}
}

static int create_checks(const struct dk_region *r, unsigned long long *size,
			 unsigned long long *align)
{
	char want[64], have[64];

	if (!*align)
		*align = dk_align_supported(r, SZ_2M) ? SZ_2M : (r->naligns ? r->aligns[0] : 4096);
	if (!dk_align_supported(r, *align)) {
		fprintf(stderr, "daxkit: create-device: region %d: alignment %llu is not supported: %s\n",
			r->id, *align, strerror(EINVAL));
		dk_hint("supported_alignments of region %d: see 'daxkit list -R -r %d'", r->id, r->id);
		return -EINVAL;
	}
	if (!r->available) {
		fprintf(stderr, "daxkit: create-device: region %d: no space left: %s\n",
			r->id, strerror(ENOSPC));
		dk_hint("'daxkit list -R -D -i -r %d' shows what its devices use", r->id);
		return -ENOSPC;
	}
	if (!*size)
		*size = r->available / *align * *align;
	dk_human_size(want, sizeof(want), *size);
	dk_human_size(have, sizeof(have), r->available);
	if (*size > r->available) {
		fprintf(stderr, "daxkit: create-device: region %d: size %s is more than the %s available: %s\n",
			r->id, want, have, strerror(ENOSPC));
		return -ENOSPC;
	}
	if (!*size || *size % *align) {
		fprintf(stderr, "daxkit: create-device: region %d: size %s is not a multiple of the alignment %llu: %s\n",
			r->id, want, *align, strerror(EINVAL));
		return -EINVAL;
	}
	return 0;
}

static int create_in(struct dk_bus *bus, struct dk_region *r, unsigned long long size,
		     unsigned long long align)
{
	char name[DK_NAME_MAX];
	unsigned long long old_align;
	struct dk_dev *d;
	bool made;
	int rc;

	rc = create_checks(r, &size, &align);
	if (rc)
		return rc;
	rc = create_seed(bus, r, name, sizeof(name), &made);
	if (rc)
		return rc;
	if (made) {
		int id = r->id;

		dk_bus_free(bus);
		rc = dk_bus_scan(bus);
		r = rc ? NULL : dk_find_region(bus, id);
	}
	d = r ? dk_find_dev(bus, name, NULL) : NULL;
	if (!d) {
		dk_err(name, "the new device is not on the bus", ENODEV, NULL);
		return -ENODEV;
	}
	old_align = d->align;
	rc = d->align == align ? 0 : dk_dev_write(d, "align", align);
	if (!rc)
		rc = dk_dev_write(d, "size", size);
	if (!rc) {
		d->size = size;
		rc = dk_dev_bind(d, true);
	}
	if (rc) {
		dk_dev_refresh(d);
		create_undo(r, d, made, old_align);
		return rc == -ENOENT ? -ENOEXEC : rc;	/* ENOEXEC: dax_dev missing */
	}
	dk_print_devs(&d, 1);
	dk_note("created 1 device: %s", d->name);
	return 0;
}

int cmd_create_device(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "align", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long size = 0, align = 0;
	struct dk_region *r;
	struct dk_bus bus;
	int c, id = -1, rc;

	while ((c = getopt_long(argc, argv, "r:s:a:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (dk_parse_region(optarg, &id))
				return dk_bad_usage("not a region id: '%s'", optarg);
			break;
		case 's':
			if (dk_parse_size(optarg, &size) || !size)
				return dk_bad_usage("not a size: '%s'", optarg);
			break;
		case 'a':
			if (dk_parse_size(optarg, &align) || !align)
				return dk_bad_usage("not an alignment: '%s'", optarg);
			break;
		default:
			dk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return dk_bad_usage("unexpected argument '%s'", argv[optind]);
	if (id < 0)
		return dk_bad_usage("which region? (-r REGION)%s", NULL);
	rc = dk_scan(&bus);
	if (rc)
		return rc;
	r = dk_find_region(&bus, id);
	if (!r) {
		fprintf(stderr, "daxkit: create-device: region %d: no such region\n", id);
		dk_bus_free(&bus);
		return EXIT_NOTFOUND;
	}
	rc = create_in(&bus, r, size, align);
	dk_bus_free(&bus);
	if (rc == -ENOEXEC)
		return dk_bind_exit(-ENOENT);
	return dk_exit_of(rc);
}
