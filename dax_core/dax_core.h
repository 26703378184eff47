/* SPDX-License-Identifier: GPL-2.0 */
/* Private to dax_core. */
#ifndef _DAX_CORE_PRIVATE_H
#define _DAX_CORE_PRIVATE_H

int dax_core_bus_init(void);
void dax_core_bus_exit(void);
int dax_core_fs_init(void);
void dax_core_fs_exit(void);

extern dev_t dax_core_devt;
struct dax_core_device;
void dax_core_revive(struct dax_core_device *dax_dev);

#endif /* _DAX_CORE_PRIVATE_H */
