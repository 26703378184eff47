// SPDX-License-Identifier: GPL-2.0
/*
 * The daxkit bus: /sys/bus/daxkit, where daxkit's regions and devices
 * live and where dax_dev binds to them.  It mirrors the in-tree dax bus
 * but has a name of its own, so both stacks can be loaded at once.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <daxkit/core.h>
#include "dax_core.h"

static struct bus_type dax_core_bus_type = {
	.name = "daxkit",
};

/**
 * dax_core_driver_register() - register a driver on the daxkit bus
 * @drv: the driver; its bus is set here and must be left unset
 *
 * Return: 0 on success, -EINVAL when @drv already names a bus, else the
 * error of driver_register().
 */
int dax_core_driver_register(struct device_driver *drv)
{
	if (drv->bus)
		return -EINVAL;
	drv->bus = &dax_core_bus_type;
	return driver_register(drv);
}
DAXKIT_EXPORT(dax_core_driver_register);

/**
 * dax_core_driver_unregister() - unregister a driver from the daxkit bus
 * @drv: a driver that dax_core_driver_register() registered
 */
void dax_core_driver_unregister(struct device_driver *drv)
{
	driver_unregister(drv);
	drv->bus = NULL;
}
DAXKIT_EXPORT(dax_core_driver_unregister);

int dax_core_bus_init(void)
{
	return bus_register(&dax_core_bus_type);
}

void dax_core_bus_exit(void)
{
	bus_unregister(&dax_core_bus_type);
}
