// SPDX-License-Identifier: GPL-2.0
/*
 * probe: bus_type.match takes a const struct device_driver * (v6.11)
 */
#include <linux/device.h>

static int daxkit_probe_match(struct device *dev, const struct device_driver *drv)
{
	return 1;
}

struct bus_type daxkit_probe_bus = {
	.name = "daxkit_probe",
	.match = daxkit_probe_match,
};
