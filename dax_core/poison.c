// SPDX-License-Identifier: GPL-2.0
/*
 * Poison on daxkit devices.
 *
 * When memory_failure() handles a failed device page that no holder takes,
 * the kernel marks the page HWPoison, unmaps it and kills its mappers.
 * Mapping it again would hand the poison out again, so from then on:
 *
 *  - a fault over a poisoned page is refused (dax_core_dev_poisoned());
 *  - the device's "poison" attribute (root only) lists its poisoned pages,
 *    one "OFFSET LENGTH" line (bytes, in the device) per run of them; a
 *    listing longer than a page ends with "# N more runs not listed".  Where
 *    device memory is mapped as folios the kernel marks a folio's head
 *    page, whichever of its pages failed: the listing names the head;
 *  - "OFFSET LENGTH" written to its "clear_poison" makes the poisoned pages
 *    of that range usable again: the kernel's direct map of each is
 *    restored (clear_mce_nospec()), the page is overwritten with zeros by
 *    non-temporal stores (its data was lost) and the mark goes.  The other
 *    pages of the range keep their data.
 *
 * The kernel's own unpoison (hwpoison_inject's unpoison-pfn) cannot reach
 * ZONE_DEVICE pages.  An NVDIMM's own record of the error (its ARS list,
 * the region's badblocks) is not touched: ndctl clear-errors does that.
 *
 * Looking costs a read of each page's flags, so it is done only in a
 * region a failure notice reached: providers' dev_pagemap memory_failure
 * operation calls dax_core_region_notify_failure().  Kernels without that
 * operation (before v5.19) give no notice, and there every fault looks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/sched.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <daxkit/core.h>
#include "dax_core.h"

/**
 * dax_core_region_poison_seen() - a failure notice reached @region
 * @region: the region
 */
void dax_core_region_poison_seen(struct daxkit_region *region)
{
	WRITE_ONCE(region->poison_seen, true);
}

static bool daxkit_region_may_be_poisoned(struct daxkit_region *region)
{
	if (!region->kaddr)
		return false;
#ifdef HAVE_PGMAP_MEMORY_FAILURE
	return READ_ONCE(region->poison_seen);
#else
	return true;
#endif
}

/* The page at device page @pgoff and where the kernel reaches it. */
static struct page *daxkit_dev_page(struct daxkit_dev *ddev, pgoff_t pgoff,
				    void **kaddr)
{
	struct daxkit_region *region = ddev->region;
	phys_addr_t phys = dax_core_dev_pgoff_to_phys(ddev, pgoff, PAGE_SIZE);

	if (phys == (phys_addr_t)-1)
		return NULL;
	if (kaddr)
		*kaddr = region->kaddr + (phys - region->res.start);
	return pfn_to_page(PHYS_PFN(phys));
}

static bool daxkit_page_poisoned(struct daxkit_dev *ddev, pgoff_t pgoff)
{
	struct page *page = daxkit_dev_page(ddev, pgoff, NULL);

	return page && PageHWPoison(page);
}

/**
 * dax_core_dev_poisoned() - whether pages of a device are marked poisoned
 * @ddev: the device
 * @pgoff: the first page, in the device
 * @nr_pages: how many
 *
 * For the fault path: a page memory_failure() marked is not mapped again
 * until its poison is cleared.  Call while the device's layout is stable
 * (a driver bound).
 *
 * Return: true if one of the pages is marked HWPoison.
 */
bool dax_core_dev_poisoned(struct daxkit_dev *ddev, pgoff_t pgoff,
			   unsigned long nr_pages)
{
	phys_addr_t phys;
	unsigned long i;

	if (!daxkit_region_may_be_poisoned(ddev->region))
		return false;
	/* A fault's pages are contiguous: one lookup, then the pages. */
	phys = dax_core_dev_pgoff_to_phys(ddev, pgoff, nr_pages << PAGE_SHIFT);
	for (i = 0; i < nr_pages; i++) {
		if (phys != (phys_addr_t)-1 ?
		    PageHWPoison(pfn_to_page(PHYS_PFN(phys) + i)) :
		    daxkit_page_poisoned(ddev, pgoff + i))
			return true;
	}
	return false;
}
DAXKIT_EXPORT(dax_core_dev_poisoned);

/* Room kept for the line that says the listing stops short. */
#define DAXKIT_POISON_TAIL	64

/* One "OFFSET LENGTH" line; once the page would overflow, only counted. */
static void daxkit_poison_emit(char *buf, int *len, unsigned long *more,
			       pgoff_t first, unsigned long run)
{
	char line[48];
	int n;

	n = scnprintf(line, sizeof(line), "%llu %llu\n", (u64)PFN_PHYS(first),
		      (u64)PFN_PHYS(run));
	if (*more || *len + n > PAGE_SIZE - DAXKIT_POISON_TAIL)
		(*more)++;
	else
		*len += sysfs_emit_at(buf, *len, "%s", line);
}

/*
 * Root only: reading looks at every page of the device.  A listing that
 * does not fit in the page ends with a line saying how many runs were
 * left out, never silently.
 */
static ssize_t poison_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct daxkit_dev *ddev = container_of(dev, struct daxkit_dev, dev);
	unsigned long pfn, i, nr, run = 0, more = 0;
	pgoff_t first = 0;
	int s, nr_range, len = 0;

	/*
	 * The scan holds the region's lock: system-ram mode can take the
	 * region's pages away (lend.c), and the layout cannot change under it.
	 */
	mutex_lock(&ddev->region->lock);
	nr_range = daxkit_region_may_be_poisoned(ddev->region) ? ddev->nr_range : 0;
	for (s = 0; s < nr_range; s++) {
		pfn = PHYS_PFN(ddev->ranges[s].res->start);
		nr = PHYS_PFN(resource_size(ddev->ranges[s].res));
		for (i = 0; i < nr; i++) {
			if (PageHWPoison(pfn_to_page(pfn + i))) {
				if (!run++)
					first = ddev->ranges[s].pgoff + i;
				continue;
			}
			if (run)
				daxkit_poison_emit(buf, &len, &more, first, run);
			run = 0;
			if (!(i % 4096))
				cond_resched();
		}
	}
	/* Device pages run on from one range to the next: so may a run. */
	if (run)
		daxkit_poison_emit(buf, &len, &more, first, run);
	mutex_unlock(&ddev->region->lock);
	if (more)
		len += sysfs_emit_at(buf, len, "# %lu more runs not listed\n", more);
	return len;
}
DEVICE_ATTR(poison, 0400, poison_show, NULL);

/* "OFFSET LENGTH": page-aligned bytes, decimal or 0x-prefixed. */
static int daxkit_parse_range(const char *buf, u64 *offset, u64 *length)
{
	char word[3][24];
	int n;

	n = sscanf(buf, "%23s %23s %23s", word[0], word[1], word[2]);
	if (n != 2 || kstrtou64(word[0], 0, offset) || kstrtou64(word[1], 0, length))
		return -EINVAL;
	if (!*length || !PAGE_ALIGNED(*offset) || !PAGE_ALIGNED(*length))
		return -EINVAL;
	return 0;
}

/* Make one poisoned page usable again: mapped, zeroed, unmarked. */
static void daxkit_page_clear_poison(struct page *page, void *kaddr)
{
	clear_mce_nospec(page_to_pfn(page));
	memcpy_flushcache(kaddr, page_address(ZERO_PAGE(0)), PAGE_SIZE);
	/* The zeros are in place before a fault can map the page again. */
	wmb();
	ClearPageHWPoison(page);
}

/**
 * daxkit_dev_recover_page() - make a poisoned page of a device usable again
 * @ddev: the device, bound (its layout cannot change)
 * @pgoff: the page, in the device
 * @kaddr: where the kernel reaches it
 *
 * For writes that overwrite the whole page (recovery_write, zeroing): the
 * page is zeroed and unmarked, the caller writes its data after.
 *
 * Return: true if the page was poisoned (and now is not).
 */
bool daxkit_dev_recover_page(struct daxkit_dev *ddev, pgoff_t pgoff, void *kaddr)
{
	struct page *page;

	if (!daxkit_region_may_be_poisoned(ddev->region))
		return false;
	page = daxkit_dev_page(ddev, pgoff, NULL);
	if (!page || !PageHWPoison(page))
		return false;
	daxkit_page_clear_poison(page, kaddr);
	return true;
}

/**
 * dax_core_dev_clean_pages() - how many pages from @pgoff are not poisoned
 * @ddev: the device, bound
 * @pgoff: the first page, in the device
 * @nr_pages: how many the caller would use
 *
 * For a holder's direct_access: reads must not run into poison.
 *
 * Return: the number of leading pages without the HWPoison mark, 0 when
 * the first one has it.
 */
long dax_core_dev_clean_pages(struct daxkit_dev *ddev, pgoff_t pgoff, long nr_pages)
{
	long i;

	if (!daxkit_region_may_be_poisoned(ddev->region))
		return nr_pages;
	for (i = 0; i < nr_pages; i++)
		if (daxkit_page_poisoned(ddev, pgoff + i))
			break;
	return i;
}
DAXKIT_EXPORT(dax_core_dev_clean_pages);

/**
 * dax_core_dev_mark_poison() - mark failed pages of a device poisoned
 * @ddev: the device, bound
 * @pgoff: the first failed page
 * @nr_pages: how many
 *
 * For a holder that took a failure notice: the kernel marks a failed page
 * only when no holder takes the notice.  Marked pages are refused to
 * faults and reads until a whole-page write or zeroing recovers them, and
 * are listed by the device's "poison" attribute.
 */
void dax_core_dev_mark_poison(struct daxkit_dev *ddev, pgoff_t pgoff,
			      unsigned long nr_pages)
{
	struct page *page;
	unsigned long i;

	dax_core_region_poison_seen(ddev->region);
	for (i = 0; i < nr_pages; i++) {
		page = daxkit_dev_page(ddev, pgoff + i, NULL);
		if (page)
			SetPageHWPoison(page);
	}
}
DAXKIT_EXPORT(dax_core_dev_mark_poison);

/* With the region's lock held (the layout cannot change). */
static long daxkit_dev_clear_poison(struct daxkit_dev *ddev, u64 offset, u64 length)
{
	pgoff_t pgoff, end;
	struct page *page;
	void *kaddr;
	long n = 0;

	lockdep_assert_held(&ddev->region->lock);
	if (offset >= dax_core_dev_size(ddev) ||
	    length > dax_core_dev_size(ddev) - offset)
		return -ERANGE;
	if (!daxkit_region_may_be_poisoned(ddev->region))
		return 0;
	end = PHYS_PFN(offset + length);
	for (pgoff = PHYS_PFN(offset); pgoff < end; pgoff++) {
		page = daxkit_dev_page(ddev, pgoff, &kaddr);
		if (page && PageHWPoison(page)) {
			daxkit_page_clear_poison(page, kaddr);
			n++;
		}
		if (!(pgoff % 4096))
			cond_resched();
	}
	return n;
}

static ssize_t clear_poison_store(struct device *dev, struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct daxkit_dev *ddev = container_of(dev, struct daxkit_dev, dev);
	u64 offset, length;
	long n;
	int rc;

	rc = daxkit_parse_range(buf, &offset, &length);
	if (rc)
		return rc;
	mutex_lock(&ddev->region->lock);
	n = daxkit_dev_clear_poison(ddev, offset, length);
	mutex_unlock(&ddev->region->lock);
	if (n < 0)
		return n;
	if (n)
		dev_info(dev, "poison cleared from %ld page(s) in %#llx+%#llx\n", n,
			 offset, length);
	return len;
}
DEVICE_ATTR_WO(clear_poison);
