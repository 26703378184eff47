// SPDX-License-Identifier: GPL-2.0
/*
 * probe: vmf_error(-EHWPOISON) is VM_FAULT_HWPOISON (v6.5)
 *
 * Before, a fault fs/dax.c cannot serve because the page is poisoned is
 * VM_FAULT_SIGBUS: the process gets BUS_ADRERR, not BUS_MCEERR_AR.  Only
 * the guest tests read it (t_89).
 */
#include <linux/build_bug.h>
#include <linux/mm.h>

void daxkit_probe_vmf_error(void);
void daxkit_probe_vmf_error(void)
{
	BUILD_BUG_ON(vmf_error(-EHWPOISON) != VM_FAULT_HWPOISON);
}
