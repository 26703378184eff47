// SPDX-License-Identifier: GPL-2.0
/*
 * probe: offline_and_remove_memory() and remove_memory() without the node
 * argument (v5.15); 5.10's take the node first
 */
#include <linux/memory_hotplug.h>

int daxkit_probe_remove(u64 start, u64 size);
int daxkit_probe_remove(u64 start, u64 size)
{
	return offline_and_remove_memory(start, size);
}
