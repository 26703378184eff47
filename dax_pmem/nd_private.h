/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What libnvdimm exports for the driver of an nd_dax device but declares
 * only in its private drivers/nvdimm/nd.h.  The same from 5.10 to 7.2
 * (checked in those kernels' sources and Module.symvers).  The structures
 * stay opaque: nd_dax and nd_pfn are only passed back to libnvdimm.
 */
#ifndef _DAX_PMEM_ND_PRIVATE_H
#define _DAX_PMEM_ND_PRIVATE_H

#include <linux/types.h>

struct device;
struct dev_pagemap;
struct nd_dax;
struct nd_namespace_common;
struct nd_pfn;

struct nd_dax *to_nd_dax(struct device *dev);
struct nd_namespace_common *nvdimm_namespace_common_probe(struct device *dev);
int devm_namespace_enable(struct device *dev, struct nd_namespace_common *ndns,
			  resource_size_t size);
void devm_namespace_disable(struct device *dev, struct nd_namespace_common *ndns);
int nvdimm_setup_pfn(struct nd_pfn *nd_pfn, struct dev_pagemap *pgmap);

#endif /* _DAX_PMEM_ND_PRIVATE_H */
