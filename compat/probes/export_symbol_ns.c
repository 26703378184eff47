// SPDX-License-Identifier: GPL-2.0
/*
 * probe: symbol namespaces, EXPORT_SYMBOL_NS_GPL and MODULE_IMPORT_NS (v5.4)
 */
#include <linux/module.h>
#include <linux/export.h>

#if !defined(EXPORT_SYMBOL_NS_GPL) || !defined(MODULE_IMPORT_NS)
#error "no symbol namespaces"
#endif
MODULE_LICENSE("GPL");
