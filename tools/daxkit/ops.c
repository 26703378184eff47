// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs writes that change a device: its size and alignment, and
 * binding it to dax_dev (enable) or unbinding it (disable).
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include "daxkit.h"

/* Bind @dev to dax_dev, or unbind it from its driver; 0 or -errno (reported). */
int dk_dev_bind(const struct dk_dev *dev, bool bind)
{
	char path[PATH_MAX];
	int rc;

	/* kmem has no unbind: its memory must be offlined and removed first. */
	if (!bind && dev->mode == DK_MODE_SYSTEM_RAM) {
		dk_err(dev->name, "disable (unbind): its memory is System RAM", EBUSY, dev->path);
		dk_hint("'daxkit reconfigure-device -m devdax %s' takes it back and enables it as devdax",
			dev->name);
		return -EBUSY;
	}
	if (bind)
		rc = dk_path(path, sizeof(path), "/sys/bus/daxkit/drivers/dax_dev/bind");
	else
		rc = dk_path(path, sizeof(path), "/sys/bus/daxkit/drivers/%s/unbind",
			     dev->driver[0] ? dev->driver : "dax_dev");
	if (!rc)
		rc = dk_write(path, dev->name);
	if (rc) {
		dk_err(dev->name, bind ? "enable (bind to dax_dev)" : "disable (unbind)", rc, path);
		if (bind && rc == -ENOENT)
			dk_hint("dax_dev is not loaded: 'daxkit modules load'");
		if (rc == -EACCES || rc == -EPERM)
			dk_hint("changing devices needs root");
	}
	return rc;
}

/*
 * The exit code for a failed bind: 5 when dax_dev is not loaded (its
 * driver directory is missing), else as dk_exit_of().
 */
int dk_bind_exit(int rc)
{
	char path[PATH_MAX];

	if (rc == -ENOENT && !dk_path(path, sizeof(path), "/sys/bus/daxkit/drivers/dax_dev") &&
	    !dk_exists(path))
		return EXIT_NOMODULES;
	return dk_exit_of(rc);
}

/* Write a number to one of @dev's attributes; 0 or -errno (reported). */
int dk_dev_write(const struct dk_dev *dev, const char *attr, unsigned long long val)
{
	char path[PATH_MAX + 32], num[32], what[64];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dev->path, attr);
	snprintf(num, sizeof(num), "%llu", val);
	rc = dk_write(path, num);
	if (rc) {
		snprintf(what, sizeof(what), "cannot set %s to %llu", attr, val);
		dk_err(dev->name, what, rc, path);
		if (rc == -EBUSY)
			dk_hint("the device is enabled or in use: disable it first (or -f)");
		else if (rc == -EACCES || rc == -EPERM)
			dk_hint("changing devices needs root");
	}
	return rc;
}

/*
 * The devices a command names: one DEVICE, or "all" (every device of
 * REGION, or of every region) for which @want says yes.  Fills @out with
 * pointers into @bus; returns how many, or an exit code (negative) after
 * saying why.
 */
int dk_targets(struct dk_bus *bus, const char *arg, int region,
	       bool (*want)(const struct dk_dev *), struct dk_dev ***out)
{
	struct dk_dev **list = NULL, **tmp;
	char name[DK_NAME_MAX];
	int i, j, n = 0;

	if (region >= 0 && !dk_find_region(bus, region)) {
		fprintf(stderr, "daxkit: %s: region %d: no such region\n", dk_cmd, region);
		return -EXIT_NOTFOUND;
	}
	if (strcmp(arg, "all")) {
		struct dk_dev *d;

		if (dk_parse_dev_name(arg, name, sizeof(name)))
			return -dk_bad_usage("not a device name: '%s'", arg);
		d = dk_find_dev(bus, name, NULL);
		if (!d || (region >= 0 && d->region_id != region)) {
			fprintf(stderr, "daxkit: %s: %s: no such device\n", dk_cmd, name);
			return -EXIT_NOTFOUND;
		}
		list = malloc(sizeof(*list));
		if (!list)
			return -EXIT_FAILED;
		list[n++] = d;
		*out = list;
		return n;
	}
	for (i = 0; i < bus->nregions; i++) {
		struct dk_region *r = &bus->regions[i];

		if (region >= 0 && r->id != region)
			continue;
		for (j = 0; j < r->ndevs; j++) {
			if (want && !want(&r->devs[j]))
				continue;
			tmp = realloc(list, (size_t)(n + 1) * sizeof(*list));
			if (!tmp) {
				free(list);
				return -EXIT_FAILED;
			}
			list = tmp;
			list[n++] = &r->devs[j];
		}
	}
	*out = list;
	return n;
}

/* Print the devices a command changed, re-read, as a JSON array. */
void dk_print_devs(struct dk_dev **devs, int n)
{
	json_object *arr = json_object_new_array();
	int i;

	for (i = 0; i < n; i++) {
		if (!devs[i])
			continue;
		dk_dev_refresh(devs[i]);
		json_object_array_add(arr, dk_dev_json(devs[i], 0));
	}
	dk_json_print(arr);
	json_object_put(arr);
}

/* The region directory's daxkit_region attribute @attr, as a path. */
int dk_region_attr(const struct dk_region *r, const char *attr, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/daxkit_region/%s", r->path, attr) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * A device is enabled and a change needs it disabled: with @force,
 * disable it (*rebind says to enable it again); without, say so.
 * Returns 0 or -errno.
 */
int dk_dev_quiesce(struct dk_dev *dev, bool force, bool *rebind)
{
	int rc;

	*rebind = false;
	if (!dev->enabled)
		return 0;
	if (!force) {
		dk_err(dev->name, "the device is enabled", EBUSY, dev->path);
		dk_hint("'daxkit disable-device %s' first, or -f to disable it and enable it again",
			dev->name);
		return -EBUSY;
	}
	rc = dk_dev_bind(dev, false);
	if (rc)
		return rc;
	*rebind = true;
	return 0;
}

/* Read the bus: 0, or an exit code after saying why (@bus is freed then). */
int dk_scan(struct dk_bus *bus)
{
	int rc = dk_bus_scan(bus);

	if (!rc && bus->loaded)
		return 0;
	rc = rc ? dk_exit_of(rc) : dk_require_bus(bus);
	dk_bus_free(bus);
	return rc;
}

/* Read the bus and find device @name on it: 0, or an exit code as dk_scan(). */
int dk_scan_find(struct dk_bus *bus, const char *name, struct dk_dev **dev,
		 struct dk_region **region)
{
	int rc = dk_scan(bus);

	if (rc)
		return rc;
	*dev = dk_find_dev(bus, name, region);
	if (*dev)
		return 0;
	fprintf(stderr, "daxkit: %s: %s: no such device\n", dk_cmd, name);
	dk_bus_free(bus);
	return EXIT_NOTFOUND;
}

/*
 * Scan the bus, then dk_targets().  Returns how many devices, or an exit
 * code (negative) after saying why, with @bus already freed.
 */
int dk_scan_targets(struct dk_bus *bus, const char *arg, int region,
		    bool (*want)(const struct dk_dev *), struct dk_dev ***out)
{
	int n = dk_scan(bus);

	if (n)
		return -n;
	n = dk_targets(bus, arg, region, want, out);
	if (n < 0)
		dk_bus_free(bus);
	return n;
}
