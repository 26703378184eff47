/* SPDX-License-Identifier: GPL-2.0 */
/* dax_dev: what its device-dax part (dev.c) and system-ram part (kmem.c) share. */
#ifndef _DAX_DEV_H
#define _DAX_DEV_H

#ifdef CONFIG_MEMORY_HOTREMOVE
int dax_dev_kmem_init(void);
void dax_dev_kmem_exit(void);
#else
static inline int dax_dev_kmem_init(void)
{
	return 0;
}

static inline void dax_dev_kmem_exit(void)
{
}
#endif

#endif /* _DAX_DEV_H */
