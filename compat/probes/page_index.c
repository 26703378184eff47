// SPDX-License-Identifier: GPL-2.0
/*
 * probe: struct page has ->index (folio-only ->index since v6.16 or so)
 */
#include <linux/mm_types.h>

void daxkit_probe_index(struct page *page);
void daxkit_probe_index(struct page *page)
{
	page->index = 0;
}
