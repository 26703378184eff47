// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit set-align: a device's alignment, one of its region's
 * supported_alignments that divides its size; -f disables it for the
 * change and enables it again.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include "daxkit.h"

int cmd_set_align(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long align = 0;
	struct dk_region *r = NULL;
	char name[DK_NAME_MAX];
	bool force = false, rebind = false;
	struct dk_dev *d;
	struct dk_bus bus;
	int c, rc;

	while ((c = getopt_long(argc, argv, "a:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (dk_parse_size(optarg, &align) || !align)
				return dk_bad_usage("not an alignment: '%s'", optarg);
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
	if (!align)
		return dk_bad_usage("which alignment? (-a ALIGN)%s", NULL);
	rc = dk_scan_find(&bus, name, &d, &r);
	if (rc)
		return rc;
	if (!dk_align_supported(r, align)) {
		fprintf(stderr, "daxkit: set-align: %s: alignment %llu is not one region %d supports: %s\n",
			name, align, r->id, strerror(EINVAL));
		dk_hint("'daxkit list -R -r %d' lists supported_alignments", r->id);
		rc = -EINVAL;
	} else if (d->size % align) {
		fprintf(stderr, "daxkit: set-align: %s: its size %llu is not a multiple of %llu: %s\n",
			name, d->size, align, strerror(EINVAL));
		dk_hint("resize it first ('daxkit resize %s -s SIZE')", name);
		rc = -EINVAL;
	} else if (align != d->align) {
		rc = dk_dev_quiesce(d, force, &rebind);
		if (!rc)
			rc = dk_dev_write(d, "align", align);
		if (rebind)
			rc = dk_dev_bind(d, true) ?: rc;
	}
	if (!rc)
		dk_print_devs(&d, 1);
	dk_bus_free(&bus);
	return dk_exit_of(rc);
}
