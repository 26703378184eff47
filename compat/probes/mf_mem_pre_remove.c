// SPDX-License-Identifier: GPL-2.0
/*
 * probe: MF_MEM_PRE_REMOVE, a dax holder's notice before its device goes away (v6.6)
 */
#include <linux/mm.h>

int daxkit_probe_flag = MF_MEM_PRE_REMOVE;
