// SPDX-License-Identifier: GPL-2.0
/*
 * probe: a DAX fault on a poisoned page is VM_FAULT_HWPOISON (v6.5)
 *
 * From v6.5 vmf_error() turns the -EHWPOISON a dax_device's direct_access
 * returns for a poisoned page into VM_FAULT_HWPOISON: the process gets
 * BUS_MCEERR_AR.  Before, fs/dax.c's fault is VM_FAULT_SIGBUS: BUS_ADRERR.
 * Only the guest tests read it (t_89).
 */
#include <linux/build_bug.h>
#include <linux/mm.h>

void daxkit_probe_dax_fault_hwpoison(void);
void daxkit_probe_dax_fault_hwpoison(void)
{
	BUILD_BUG_ON(vmf_error(-EHWPOISON) != VM_FAULT_HWPOISON);
}
