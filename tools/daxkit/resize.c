// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit resize: a device's size, checked against its alignment and the
 * region's available size first; -f disables it for the change and
 * enables it again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

static int resize_checks(const struct dk_region *r, const struct dk_dev *d,
			 unsigned long long size)
{
	char want[64], have[64];

	if (d->align && size % d->align) {
		fprintf(stderr, "daxkit: resize: %s: %llu is not a multiple of its alignment %llu: %s\n",
			d->name, size, d->align, strerror(EINVAL));
		return -EINVAL;
	}
	if (size > d->size && size - d->size > r->available) {
		dk_human_size(want, sizeof(want), size - d->size);
		dk_human_size(have, sizeof(have), r->available);
		fprintf(stderr, "daxkit: resize: %s: growing by %s needs more than the %s available in region %d: %s\n",
			d->name, want, have, r->id, strerror(ENOSPC));
		return -ENOSPC;
	}
	return 0;
}

int cmd_resize(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long size = 0;
	struct dk_region *r = NULL;
	char name[DK_NAME_MAX];
	bool force = false, have = false, rebind = false;
	struct dk_dev *d;
	struct dk_bus bus;
	int c, rc;

	while ((c = getopt_long(argc, argv, "s:f", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (dk_parse_size(optarg, &size))
				return dk_bad_usage("not a size: '%s'", optarg);
			have = true;
			break;
		case 'f':
			force = true;
			break;
		default:
			dk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || dk_parse_dev_name(argv[optind], name, sizeof(name)))
		return dk_bad_usage("which device? '%s'", optind < argc ? argv[optind] : "");
	if (!have)
		return dk_bad_usage("which size? (-s SIZE)%s", NULL);
	rc = dk_scan_find(&bus, name, &d, &r);
	if (rc)
		return rc;
	rc = resize_checks(r, d, size);
	if (!rc && size != d->size)
		rc = dk_dev_quiesce(d, force, &rebind);
	if (!rc && size != d->size) {
		rc = dk_dev_write(d, "size", size);
		if (rebind)	/* enabled again, resized or not */
			rc = dk_dev_bind(d, true) ?: rc;
	}
	if (!rc)
		dk_print_devs(&d, 1);
	dk_bus_free(&bus);
	return dk_exit_of(rc);
}
