// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit online-memory and offline-memory: the memory blocks of a device
 * in system-ram mode, onlined (in ZONE_MOVABLE unless told otherwise) or
 * offlined (all or nothing); the device stays in system-ram mode.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

static bool ram_wanted(const struct dk_dev *d)
{
	return d->mode == DK_MODE_SYSTEM_RAM;
}

/* Online or offline @d's blocks; *@changed gets how many changed. */
static int memory_one(struct dk_dev *d, bool online, bool movable, int *changed)
{
	struct dk_blocks bs;
	int rc, before;

	if (d->mode != DK_MODE_SYSTEM_RAM) {
		dk_err(d->name, "not in system-ram mode", EINVAL, d->path);
		dk_hint("'daxkit reconfigure-device -m system-ram %s' first", d->name);
		return -EINVAL;
	}
	rc = dk_dev_blocks(d, &bs);
	if (rc) {
		dk_err(d->name, "cannot read its memory blocks", rc, d->path);
		if (rc == -EACCES || rc == -EPERM)
			dk_hint("changing memory blocks needs root");
		return rc;
	}
	before = bs.online;
	if (!bs.n)
		dk_note("%s: no memory block lies in its ranges", d->name);
	else if (online && bs.online == bs.n)
		dk_note("%s: all %d memory blocks already online", d->name, bs.n);
	else if (!online && !bs.online)
		dk_note("%s: all %d memory blocks already offline", d->name, bs.n);
	else if (online)
		rc = dk_blocks_online(d, &bs, movable);
	else
		rc = dk_blocks_offline(d, &bs);
	*changed = online ? bs.online - before : before - bs.online;
	dk_blocks_free(&bs);
	return rc;
}

static int set_memory(int argc, char **argv, bool online)
{
	static const struct option longopts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "no-movable", no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	struct dk_dev **devs = NULL;
	struct dk_bus bus;
	int c, i, n, region = -1, blocks = 0, rc, worst = 0;
	bool movable = true;

	while ((c = getopt_long(argc, argv, "r:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (dk_parse_region(optarg, &region))
				return dk_bad_usage("not a region id: '%s'", optarg);
			break;
		case 'M':
			if (online) {
				movable = false;
				break;
			}
			/* fall through */
		default:
			dk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return dk_bad_usage("which device? (DEVICE or all)%s", NULL);
	n = dk_scan_targets(&bus, argv[optind], region, ram_wanted, &devs);
	if (n < 0)
		return -n;
	for (i = 0; i < n; i++) {
		int changed = 0;

		rc = memory_one(devs[i], online, movable, &changed);
		blocks += changed;
		if (rc)
			worst = dk_exit_of(rc);
	}
	dk_print_devs(devs, n);
	dk_note("%s %d memory block%s of %d device%s%s", online ? "onlined" : "offlined",
		blocks, blocks == 1 ? "" : "s", n, n == 1 ? "" : "s", worst ? "; errors above" : "");
	free(devs);
	dk_bus_free(&bus);
	return n == 1 ? worst : worst ? EXIT_FAILED : EXIT_OK;
}

int cmd_online_memory(int argc, char **argv)
{
	return set_memory(argc, argv, true);
}

int cmd_offline_memory(int argc, char **argv)
{
	return set_memory(argc, argv, false);
}
