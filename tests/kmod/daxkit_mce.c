// SPDX-License-Identifier: GPL-2.0
/*
 * daxkit_mce: test module (x86-64).  Does to one page what the kernel's
 * machine-check handling does to a page of memory found poisoned: takes it
 * out of the kernel's direct map (set_mce_nospec()), so that nothing
 * speculates into the poison.  There is no machine check under TCG; with
 * this the suite can check that clearing the poison gives the kernel its
 * access back (Req-37) instead of oopsing on the first write.
 *
 *   insmod daxkit_mce.ko pfn=N   out of the direct map, or the load fails
 *   rmmod daxkit_mce             logs whether pfn N is mapped again
 *
 * set_mce_nospec() is not exported (v5.19 and newer have it out of line;
 * older kernels only inline it): a kprobe finds its address.  Where it
 * cannot, the load fails with ENOENT and the suite says it cannot test.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <asm/pgtable_types.h>

static unsigned long pfn;
module_param(pfn, ulong, 0444);
MODULE_PARM_DESC(pfn, "the page frame to take out of the direct map at load");

static bool daxkit_mce_mapped(void)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)pfn_to_kaddr(pfn), &level);

	return pte && pte_present(*pte);
}

static int __init daxkit_mce_init(void)
{
	struct kprobe kp = { .symbol_name = "set_mce_nospec" };
	int (*nospec)(unsigned long pfn);
	int rc;

	if (!pfn || !pfn_valid(pfn))
		return -EINVAL;
	rc = register_kprobe(&kp);
	if (rc)
		return -ENOENT;
	nospec = (int (*)(unsigned long))kp.addr;
	unregister_kprobe(&kp);
	rc = nospec(pfn);
	if (rc)
		return rc;
	if (daxkit_mce_mapped())
		return -EIO;
	pr_info("pfn %#lx: out of the direct map\n", pfn);
	return 0;
}

static void __exit daxkit_mce_exit(void)
{
	pr_info("pfn %#lx: direct map %s\n", pfn,
		daxkit_mce_mapped() ? "present" : "absent");
}

module_init(daxkit_mce_init);
module_exit(daxkit_mce_exit);
MODULE_DESCRIPTION("daxkit test: a page out of the direct map, as after a machine check");
MODULE_LICENSE("GPL");
