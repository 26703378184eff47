// SPDX-License-Identifier: GPL-2.0
/*
 * probe: MODULE_IMPORT_NS and EXPORT_SYMBOL_NS take a string literal (v6.13)
 *
 * Before v6.13 the namespace was a bare token that the macro stringified;
 * since cdd30ebb1b9f it is a string literal used as it is.  Both forms
 * compile when handed "NS", so look at what MODULE_IMPORT_NS makes of it:
 * catch the string it hands to MODULE_INFO and check its length.
 */
#include <linux/module.h>

#ifndef MODULE_IMPORT_NS
#error "no symbol namespaces"
#endif
#undef MODULE_INFO
#define MODULE_INFO(tag, info) static const char daxkit_probe_ns[] __used = info

MODULE_IMPORT_NS("NS");
/* "NS" used as it is has 3 bytes; stringified again it has 5. */
_Static_assert(sizeof(daxkit_probe_ns) == 3, "namespace is stringified");
