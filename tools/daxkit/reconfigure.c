// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit reconfigure-device: a device's mode.  system-ram hands its
 * memory to the kernel as hot-plugged System RAM (the kmem driver of
 * dax_dev, through its new_id) and onlines it, in ZONE_MOVABLE unless
 * told otherwise; devdax offlines that memory, all or nothing, takes it
 * back (kmem's remove_id) and binds the device to dax_dev again.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "daxkit.h"

struct recfg_opts {
	enum dk_mode mode;
	bool online, movable, force;
};

static bool to_ram_wanted(const struct dk_dev *d)
{
	return d->size && d->mode != DK_MODE_SYSTEM_RAM;
}

static bool to_devdax_wanted(const struct dk_dev *d)
{
	return d->mode == DK_MODE_SYSTEM_RAM;
}

/* A driver file the change needs: there, or an exit code after saying so. */
static int need_file(const char *driver, const char *file, const char *module)
{
	char path[PATH_MAX];

	if (!dk_driver_file(driver, file, path, sizeof(path)) && dk_exists(path))
		return 0;
	dk_err(driver, "the driver is not there", ENOENT, path);
	if (strcmp(driver, DK_DRV_KMEM))
		dk_hint("%s is not loaded: 'modprobe %s'", module, module);
	else
		dk_hint("%s is not loaded ('modprobe %s'), or was built for a kernel without memory hot-remove (CONFIG_MEMORY_HOTREMOVE)",
			module, module);
	return EXIT_NOMODULES;
}

/*
 * Hot-added memory is onlined by the kernel, in the zone it picks, unless
 * auto_online_blocks is offline (or online_movable, which is what
 * system-ram wants).  Without -f, refuse what the kernel would defeat.
 */
static int policy_check(const struct recfg_opts *o)
{
	char policy[64], path[PATH_MAX], what[256];

	if (o->force || dk_auto_online(policy, sizeof(policy)) || !strcmp(policy, "offline"))
		return 0;
	if (o->online && (!o->movable || !strcmp(policy, "online_movable")))
		return 0;
	dk_path(path, sizeof(path), "/sys/devices/system/memory/auto_online_blocks");
	snprintf(what, sizeof(what), "kernel policy (auto_online_blocks: %s) will online the memory %s",
		 policy, o->online ? "in its own zone, not movable" : "itself: --no-online cannot keep it offline");
	dk_err("memory", what, EBUSY, path);
	dk_hint("%sor set auto_online_blocks to offline (echo offline > /sys/devices/system/memory/auto_online_blocks); -f goes on anyway",
		o->online ? "use --no-movable, " : "");
	return EXIT_FAILED;
}

/* Checks before anything is written, when some device is to change. */
static int recfg_checks(const struct recfg_opts *o, struct dk_dev **devs, int n)
{
	bool ram = o->mode == DK_MODE_SYSTEM_RAM;
	int i, rc;

	for (i = 0; i < n; i++)
		if (ram ? to_ram_wanted(devs[i]) : to_devdax_wanted(devs[i]))
			break;
	if (i == n)
		return 0;
	if (!ram)
		return need_file(DK_DRV_DEVDAX, "bind", "dax_dev") ?:
			need_file(DK_DRV_KMEM, "remove_id", "dax_dev");
	rc = need_file(DK_DRV_KMEM, "new_id", "dax_dev");
	return rc ? rc : policy_check(o);
}

static void new_id_hint(const struct dk_dev *d, int rc)
{
	switch (-rc) {
	case EOPNOTSUPP:
		dk_hint("region %d cannot lend its memory to the kernel", d->region_id);
		break;
	case EINVAL:
	case ERANGE:
		dk_hint("the kernel adds whole memory blocks only (block_size_bytes in /sys/devices/system/memory): a device smaller than a block, or with no block-aligned one in it, cannot be System RAM");
		break;
	case EBUSY:
		dk_hint("the device is bound to a driver, or its memory is in use");
		break;
	case EACCES:
	case EPERM:
		dk_hint("changing devices needs root");
		break;
	default:
		break;
	}
}

/* Say how much of an unchanged system-ram device's memory is online. */
static void ram_state_note(const struct dk_dev *d)
{
	struct dk_blocks bs;

	if (dk_dev_blocks(d, &bs))
		return;
	if (bs.online < bs.n)
		dk_note("%s: %d of %d memory blocks online: 'daxkit online-memory %s' onlines the rest",
			d->name, bs.online, bs.n, d->name);
	dk_blocks_free(&bs);
}

/*
 * devdax to system-ram: unbind it (if bound), write its name to kmem's
 * new_id (bound again if that fails), online its offline blocks.
 */
static int to_system_ram(struct dk_dev *d, const struct recfg_opts *o, bool *changed)
{
	bool was_bound = d->enabled;
	char path[PATH_MAX];
	struct dk_blocks bs;
	int rc;

	if (d->mode == DK_MODE_SYSTEM_RAM) {
		dk_note("%s: already in system-ram mode", d->name);
		ram_state_note(d);
		return 0;
	}
	if (!d->size) {
		dk_err(d->name, "cannot give a device of size 0 to the kernel", EINVAL, d->path);
		dk_hint("'daxkit resize %s -s SIZE' first", d->name);
		return -EINVAL;
	}
	if (was_bound) {
		rc = dk_dev_bind(d, false);
		if (rc)
			return rc;
	}
	rc = dk_kmem_write(d, "new_id");
	if (rc) {
		dk_driver_file(DK_DRV_KMEM, "new_id", path, sizeof(path));
		dk_err(d->name, "cannot hand its memory to the kernel (kmem new_id)", rc, path);
		new_id_hint(d, rc);
		if (was_bound && !dk_dev_bind(d, true))
			dk_note("%s: enabled again as devdax", d->name);
		return rc;
	}
	*changed = true;
	if (!o->online)
		return 0;
	rc = dk_dev_blocks(d, &bs);
	if (rc) {
		dk_err(d->name, "cannot read its memory blocks to online them", rc, NULL);
		return rc;
	}
	if (!bs.n)
		dk_note("%s: no memory block lies in its ranges", d->name);
	rc = dk_blocks_online(d, &bs, o->movable);
	dk_blocks_free(&bs);
	return rc;
}

/*
 * system-ram to devdax: offline its online blocks (all or nothing), write
 * its name to kmem's remove_id (the blocks put back online if that
 * fails), bind it to dax_dev.
 */
static int to_devdax(struct dk_dev *d, bool *changed)
{
	char path[PATH_MAX];
	struct dk_blocks bs;
	int rc;

	if (d->mode != DK_MODE_SYSTEM_RAM) {
		dk_note("%s: already in devdax mode%s", d->name,
			d->enabled ? "" : " (disabled: 'daxkit enable-device' enables it)");
		return 0;
	}
	rc = dk_dev_blocks(d, &bs);
	if (rc) {
		dk_err(d->name, "cannot read its memory blocks", rc, d->path);
		if (rc == -EACCES || rc == -EPERM)
			dk_hint("changing devices needs root");
		return rc;
	}
	rc = dk_blocks_offline(d, &bs);
	if (rc) {
		dk_note("%s: left in system-ram mode, its memory as it was", d->name);
		dk_blocks_free(&bs);
		return rc;
	}
	rc = dk_kmem_write(d, "remove_id");
	if (rc) {
		dk_driver_file(DK_DRV_KMEM, "remove_id", path, sizeof(path));
		dk_err(d->name, "cannot take its memory back from the kernel (kmem remove_id)", rc, path);
		dk_blocks_restore(d, &bs);
		dk_note("%s: left in system-ram mode", d->name);
		dk_blocks_free(&bs);
		return rc;
	}
	dk_blocks_free(&bs);
	*changed = true;
	d->mode = DK_MODE_DEVDAX;
	d->enabled = false;
	rc = dk_dev_bind(d, true);
	if (rc)
		dk_hint("%s is left disabled, its memory no longer System RAM: 'daxkit enable-device %s'",
			d->name, d->name);
	return rc;
}

static int recfg_parse(int argc, char **argv, struct recfg_opts *o, int *region)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "region", required_argument, NULL, 'r' },
		{ "no-online", no_argument, NULL, 'N' },
		{ "no-movable", no_argument, NULL, 'M' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool have = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->online = o->movable = true;
	*region = -1;
	while ((c = getopt_long(argc, argv, "m:r:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "system-ram"))
				o->mode = DK_MODE_SYSTEM_RAM;
			else if (!strcmp(optarg, "devdax"))
				o->mode = DK_MODE_DEVDAX;
			else
				return dk_bad_usage("not a mode: '%s' (system-ram or devdax)", optarg);
			have = true;
			break;
		case 'r':
			if (dk_parse_region(optarg, region))
				return dk_bad_usage("not a region id: '%s'", optarg);
			break;
		case 'N': o->online = false; break;
		case 'M': o->movable = false; break;
		case 'f': o->force = true; break;
		default:
			dk_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!have)
		return dk_bad_usage("which mode? (-m system-ram or -m devdax)%s", NULL);
	if (o->mode == DK_MODE_DEVDAX && (!o->online || !o->movable))
		return dk_bad_usage("--no-online and --no-movable go with -m system-ram%s", NULL);
	if (optind + 1 != argc)
		return dk_bad_usage("which device? (DEVICE or all)%s", NULL);
	return 0;
}

int cmd_reconfigure_device(int argc, char **argv)
{
	struct dk_dev **devs = NULL;
	struct recfg_opts o;
	struct dk_bus bus;
	int i, n, region, done = 0, failed = 0, rc, worst = 0;
	bool ram;

	rc = recfg_parse(argc, argv, &o, &region);
	if (rc)
		return rc;
	ram = o.mode == DK_MODE_SYSTEM_RAM;
	n = dk_scan_targets(&bus, argv[optind], region,
			    ram ? to_ram_wanted : to_devdax_wanted, &devs);
	if (n < 0)
		return -n;
	rc = recfg_checks(&o, devs, n);
	if (rc) {
		free(devs);
		dk_bus_free(&bus);
		return rc;
	}
	for (i = 0; i < n; i++) {
		bool changed = false;

		rc = ram ? to_system_ram(devs[i], &o, &changed) : to_devdax(devs[i], &changed);
		done += changed;
		if (rc) {
			failed++;
			worst = dk_bind_exit(rc);
		}
	}
	dk_print_devs(devs, n);
	dk_note("reconfigured %d device%s to %s%s", done, done == 1 ? "" : "s",
		dk_mode_name(o.mode), failed ? "; errors above" : "");
	free(devs);
	dk_bus_free(&bus);
	return n == 1 || worst == EXIT_NOMODULES ? worst : worst ? EXIT_FAILED : EXIT_OK;
}
