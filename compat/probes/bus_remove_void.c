// SPDX-License-Identifier: GPL-2.0
/*
 * probe: bus_type.remove returns void (v5.15)
 */
#include <linux/device.h>

static void daxkit_probe_remove(struct device *dev)
{
}

struct bus_type daxkit_probe_bus = {
	.name = "daxkit_probe",
	.remove = daxkit_probe_remove,
};
