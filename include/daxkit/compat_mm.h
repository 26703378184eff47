/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkit: one spelling of the memory-management APIs that changed between
 * the kernels we build for, chosen by the HAVE_* probes of compat/.
 */
#ifndef _DAXKIT_COMPAT_MM_H
#define _DAXKIT_COMPAT_MM_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/huge_mm.h>
#include <linux/sched/mm.h>
#include <daxkit/compat.h>

#ifdef HAVE_VM_OPS_MAY_SPLIT
#define DAXKIT_VM_OPS_SPLIT	.may_split
#else
#define DAXKIT_VM_OPS_SPLIT	.split
#endif

static inline void daxkit_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#ifdef HAVE_FOP_MMAP_SYNC
#define DAXKIT_FOP_MAP_SYNC	.fop_flags = FOP_MMAP_SYNC
#else
#define DAXKIT_FOP_MAP_SYNC	.mmap_supported_flags = MAP_SYNC
#endif

/*
 * DAX mappings have no page cache to dirty: an address_space_operations
 * initializer that makes dirtying a no-op (.dirty_folio from v5.18; before,
 * .set_page_dirty, whose no-op helpers were not all exported).
 */
#ifdef HAVE_NOOP_DIRTY_FOLIO
#define DAXKIT_AOPS_NOOP_DIRTY	.dirty_folio = noop_dirty_folio
#else
static inline int daxkit_set_page_dirty_noop(struct page *page)
{
	return 0;
}
#define DAXKIT_AOPS_NOOP_DIRTY	.set_page_dirty = daxkit_set_page_dirty_noop
#endif

#ifdef HAVE_MM_GET_UNMAPPED_AREA_FILP
#define daxkit_default_unmapped_area(filp, addr, len, pgoff, flags) \
	mm_get_unmapped_area(filp, addr, len, pgoff, flags)
#elif defined(HAVE_MM_GET_UNMAPPED_AREA_MM)
#define daxkit_default_unmapped_area(filp, addr, len, pgoff, flags) \
	mm_get_unmapped_area(current->mm, filp, addr, len, pgoff, flags)
#else
#define daxkit_default_unmapped_area(filp, addr, len, pgoff, flags) \
	current->mm->get_unmapped_area(filp, addr, len, pgoff, flags)
#endif

/*
 * The owner of a device page, for memory_failure() to find its mappers
 * through rmap (Req-26): set on the page where struct page has an index,
 * on its folio where only folios do.
 */
static inline void daxkit_page_set_owner(struct page *page,
					 struct address_space *mapping, pgoff_t index)
{
#ifdef HAVE_PAGE_INDEX
	if (page->mapping)
		return;
	page->mapping = mapping;
	page->index = index;
#else
	struct folio *folio = page_folio(page);

	if (folio->mapping)
		return;
	folio->mapping = mapping;
	folio->index = index;
#endif
}

static inline void daxkit_page_clear_owner(struct page *page)
{
#ifdef HAVE_PAGE_INDEX
	page->mapping = NULL;
	page->index = 0;
#else
	page_folio(page)->mapping = NULL;
	page_folio(page)->index = 0;
#endif
}

#ifdef HAVE_PFN_T
#include <linux/pfn_t.h>

/* Device pages, with struct pages, so get_user_pages works (Req-28). */
static inline vm_fault_t daxkit_insert_pte(struct vm_fault *vmf, phys_addr_t phys)
{
	return vmf_insert_mixed(vmf->vma, vmf->address,
				phys_to_pfn_t(phys, PFN_DEV | PFN_MAP));
}

static inline vm_fault_t daxkit_insert_pmd(struct vm_fault *vmf, phys_addr_t phys)
{
	return vmf_insert_pfn_pmd(vmf, phys_to_pfn_t(phys, PFN_DEV | PFN_MAP),
				  vmf->flags & FAULT_FLAG_WRITE);
}

#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
static inline vm_fault_t daxkit_insert_pud(struct vm_fault *vmf, phys_addr_t phys)
{
	return vmf_insert_pfn_pud(vmf, phys_to_pfn_t(phys, PFN_DEV | PFN_MAP),
				  vmf->flags & FAULT_FLAG_WRITE);
}
#endif
/* Without pfn_t the page tables take refcounted pages and folios. */
#define DAXKIT_PGMAP_COMPOUND	0
#else
/*
 * Kernels without pfn_t (v6.17+) map device memory as pages and folios:
 * a PMD takes a folio of PMD order, so the provider's struct pages must
 * be compound at the region's alignment (DAXKIT_PGMAP_COMPOUND).
 */
#define DAXKIT_PGMAP_COMPOUND	1

static inline vm_fault_t daxkit_insert_pte(struct vm_fault *vmf, phys_addr_t phys)
{
	return vmf_insert_page_mkwrite(vmf, pfn_to_page(PHYS_PFN(phys)),
				       vmf->flags & FAULT_FLAG_WRITE);
}

static inline vm_fault_t daxkit_insert_pmd(struct vm_fault *vmf, phys_addr_t phys)
{
	return vmf_insert_folio_pmd(vmf, page_folio(pfn_to_page(PHYS_PFN(phys))),
				    vmf->flags & FAULT_FLAG_WRITE);
}

#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
static inline vm_fault_t daxkit_insert_pud(struct vm_fault *vmf, phys_addr_t phys)
{
	return vmf_insert_folio_pud(vmf, page_folio(pfn_to_page(PHYS_PFN(phys))),
				    vmf->flags & FAULT_FLAG_WRITE);
}
#endif
#endif

/*
 * Whether a device of @region_align's region may have alignment @align as
 * far as its struct pages go: where device memory is mapped as folios, a
 * PMD or PUD takes a folio of exactly that order, and the provider makes
 * its pages compound at the region's alignment (DAXKIT_PGMAP_COMPOUND).
 */
static inline bool daxkit_pages_fit_align(unsigned long region_align,
					  unsigned long align)
{
	return !DAXKIT_PGMAP_COMPOUND || align <= PAGE_SIZE || align == region_align;
}

/* Hot-removal took the node first until v5.15. */
#ifdef HAVE_MHP_REMOVE_NO_NID
#define daxkit_offline_and_remove_memory(nid, start, size) \
	offline_and_remove_memory(start, size)
#else
#define daxkit_offline_and_remove_memory(nid, start, size) \
	offline_and_remove_memory(nid, start, size)
#endif

#endif /* _DAXKIT_COMPAT_MM_H */
