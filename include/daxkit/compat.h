/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxkit: one spelling of the kernel APIs that changed between the kernels
 * we build for.  Each choice rests on a HAVE_* macro that compat/probe.sh
 * found by compiling a probe against the target kernel, never on the
 * kernel's version number.
 */
#ifndef _DAXKIT_COMPAT_H
#define _DAXKIT_COMPAT_H

#include <linux/module.h>
#include <linux/export.h>
#include "daxkit_compat.h"

/*
 * Every symbol daxkit exports lives in the DAXKIT namespace where the kernel
 * has namespaces (v5.4+), so no in-tree module picks one up by accident.
 */
#if defined(HAVE_MODULE_IMPORT_NS_STRING)
#define DAXKIT_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, "DAXKIT")
#define DAXKIT_IMPORT_NS()	MODULE_IMPORT_NS("DAXKIT")
#elif defined(HAVE_EXPORT_SYMBOL_NS)
#define DAXKIT_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, DAXKIT)
#define DAXKIT_IMPORT_NS()	MODULE_IMPORT_NS(DAXKIT)
#else
#define DAXKIT_EXPORT(sym)	EXPORT_SYMBOL_GPL(sym)
#define DAXKIT_IMPORT_NS()
#endif

/* bus_type callbacks: const arguments and return types changed. */
#ifdef HAVE_BUS_MATCH_CONST_DRV
#define DAXKIT_BUS_MATCH_DRV_CONST	const
#else
#define DAXKIT_BUS_MATCH_DRV_CONST
#endif

#ifdef HAVE_BUS_UEVENT_CONST_DEV
#define DAXKIT_BUS_UEVENT_DEV_CONST	const
#else
#define DAXKIT_BUS_UEVENT_DEV_CONST
#endif

/* bus_attribute show and store: the bus became const. */
#ifdef HAVE_BUS_ATTR_CONST_BUS
#define DAXKIT_BUS_ATTR_CONST		const
#else
#define DAXKIT_BUS_ATTR_CONST
#endif

#ifdef HAVE_BUS_REMOVE_VOID
#define DAXKIT_BUS_REMOVE_RET		void
#define DAXKIT_BUS_REMOVE_RETURN	return
#else
#define DAXKIT_BUS_REMOVE_RET		int
#define DAXKIT_BUS_REMOVE_RETURN	return 0
#endif

#endif /* _DAXKIT_COMPAT_H */
