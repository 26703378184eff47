// SPDX-License-Identifier: GPL-2.0
/*
 * probe: alloc_dax(private, ops) (v5.17; before, a host, flags and copy_*_iter ops)
 */
#include <linux/dax.h>

struct dax_device *daxkit_probe_alloc(const struct dax_operations *ops);
struct dax_device *daxkit_probe_alloc(const struct dax_operations *ops)
{
	return alloc_dax(NULL, ops);
}
