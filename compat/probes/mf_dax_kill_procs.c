// SPDX-License-Identifier: GPL-2.0
/*
 * probe: mf_dax_kill_procs(), how a filesystem kills the mappers of a failed fsdax page (v5.19)
 */
#include <linux/mm.h>

int daxkit_probe_kill(struct address_space *mapping);
int daxkit_probe_kill(struct address_space *mapping)
{
	return mf_dax_kill_procs(mapping, 0, 1, 0);
}
