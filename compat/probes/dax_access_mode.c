// SPDX-License-Identifier: GPL-2.0
/*
 * probe: dax direct_access takes an access mode, recovery_write exists (v5.19)
 */
#include <linux/dax.h>

const struct dax_operations daxkit_probe_ops = {
	.recovery_write = NULL,
};
enum dax_access_mode daxkit_probe_mode = DAX_RECOVERY_WRITE;
