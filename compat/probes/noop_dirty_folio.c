// SPDX-License-Identifier: GPL-2.0
/*
 * probe: address_space_operations.dirty_folio and noop_dirty_folio (v5.18)
 */
#include <linux/fs.h>
#include <linux/pagemap.h>

const struct address_space_operations daxkit_probe_aops = {
	.dirty_folio = noop_dirty_folio,
};
