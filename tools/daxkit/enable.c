// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit enable-device and disable-device: bind a device to dax_dev
 * (its /dev node appears) or unbind it (mappings are torn down).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

static bool enable_wanted(const struct dk_dev *d)
{
	return !d->enabled && d->size;
}

static bool disable_wanted(const struct dk_dev *d)
{
	return d->enabled;
}

static int set_enabled(int argc, char **argv, bool enable)
{
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct dk_dev **devs = NULL;
	struct dk_bus bus;
	int c, i, n, region = -1, done = 0, rc, worst = 0;

	while ((c = getopt_long(argc, argv, "r:", longopts, NULL)) != -1) {
		if (c != 'r') {
			dk_usage(stderr);
			return EXIT_USAGE;
		}
		if (dk_parse_region(optarg, &region))
			return dk_bad_usage("not a region id: '%s'", optarg);
	}
	if (optind + 1 != argc)
		return dk_bad_usage("which device? (DEVICE or all)%s", NULL);
	n = dk_scan_targets(&bus, argv[optind], region,
			    enable ? enable_wanted : disable_wanted, &devs);
	if (n < 0)
		return -n;
	for (i = 0; i < n; i++) {
		struct dk_dev *d = devs[i];

		if (d->enabled == enable) {
			dk_note("%s: already %s", d->name, enable ? "enabled" : "disabled");
			continue;
		}
		if (enable && !d->size) {
			dk_err(d->name, "cannot enable a device of size 0", EINVAL, d->path);
			dk_hint("'daxkit resize %s -s SIZE' first", d->name);
			worst = EXIT_FAILED;
			continue;
		}
		rc = dk_dev_bind(d, enable);
		if (rc)
			worst = dk_bind_exit(rc);
		else
			done++;
	}
	dk_print_devs(devs, n);
	dk_note("%s %d device%s%s", enable ? "enabled" : "disabled", done, done == 1 ? "" : "s",
		worst ? ", failed on the rest" : "");
	free(devs);
	dk_bus_free(&bus);
	return n == 1 || worst == EXIT_NOMODULES ? worst : worst ? EXIT_FAILED : EXIT_OK;
}

int cmd_enable_device(int argc, char **argv)
{
	return set_enabled(argc, argv, true);
}

int cmd_disable_device(int argc, char **argv)
{
	return set_enabled(argc, argv, false);
}
