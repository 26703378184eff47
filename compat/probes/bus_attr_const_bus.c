// SPDX-License-Identifier: GPL-2.0
/*
 * probe: bus_attribute show and store take a const struct bus_type * (v6.4)
 */
#include <linux/device.h>

static ssize_t daxkit_probe_show(const struct bus_type *bus, char *buf)
{
	return 0;
}

static ssize_t daxkit_probe_store(const struct bus_type *bus, const char *buf,
				  size_t count)
{
	return count;
}

struct bus_attribute daxkit_probe_attr =
	__ATTR(daxkit_probe, 0644, daxkit_probe_show, daxkit_probe_store);
