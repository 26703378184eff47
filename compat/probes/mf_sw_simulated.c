// SPDX-License-Identifier: GPL-2.0
/*
 * probe: MF_SW_SIMULATED, memory_failure() flag of injected poison, which keeps unpoison usable (v5.19)
 */
#include <linux/mm.h>

int daxkit_probe_flag = MF_SW_SIMULATED;
