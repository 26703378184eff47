// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: kernel memory on one node, which nothing can migrate.
 *
 * Loaded, it allocates pages= pages on node nid= with GFP_KERNEL and
 * __GFP_THISNODE (unmovable, so a memory block holding one of them cannot
 * be offlined); unloaded, it frees them.  t_92 makes system-ram mode
 * refuse to leave with it.  The load fails with ENOMEM when the node has
 * no kernel-usable memory (all its blocks movable, or none online).
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>

static int nid = 1;
module_param(nid, int, 0444);
static int pages = 64;
module_param(pages, int, 0444);

static LIST_HEAD(daxkit_pin_pages);

static void daxkit_pin_free(void)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &daxkit_pin_pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

static int __init daxkit_pin_init(void)
{
	struct page *page;
	int i;

	if (nid < 0 || nid >= MAX_NUMNODES || !node_online(nid) || pages < 1)
		return -EINVAL;
	for (i = 0; i < pages; i++) {
		page = alloc_pages_node(nid, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0);
		if (!page || page_to_nid(page) != nid) {
			if (page)
				__free_page(page);
			daxkit_pin_free();
			return -ENOMEM;
		}
		list_add(&page->lru, &daxkit_pin_pages);
	}
	pr_info("daxkit_pin: %d pages on node %d\n", pages, nid);
	return 0;
}

static void __exit daxkit_pin_exit(void)
{
	daxkit_pin_free();
}

module_init(daxkit_pin_init);
module_exit(daxkit_pin_exit);
MODULE_DESCRIPTION("daxkit test: unmovable kernel pages on a node");
MODULE_LICENSE("GPL");
