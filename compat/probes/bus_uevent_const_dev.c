// SPDX-License-Identifier: GPL-2.0
/*
 * probe: bus_type.uevent takes a const struct device * (v6.3)
 */
#include <linux/device.h>

static int daxkit_probe_uevent(const struct device *dev, struct kobj_uevent_env *env)
{
	return 0;
}

struct bus_type daxkit_probe_bus = {
	.name = "daxkit_probe",
	.uevent = daxkit_probe_uevent,
};
