# SPDX-License-Identifier: GPL-2.0
# daxkit: out-of-tree DAX stack.  `make` builds the four modules against
# KDIR (default: the running kernel's build directory).

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
W ?= 1
DAXKIT_ROOT := $(CURDIR)
COMPAT_H := compat/generated/daxkit_compat.h
KBUILD_ARGS := -C $(KDIR) M=$(DAXKIT_ROOT) DAXKIT_ROOT=$(DAXKIT_ROOT) W=$(W) \
	$(if $(DAXKIT_ABI_SKEW),DAXKIT_ABI_SKEW=$(DAXKIT_ABI_SKEW))

.PHONY: all modules compat clean check demo sparse kdir-check test-modules FORCE

all: modules

kdir-check:
	@tests/lib/kdir-check.sh "$(KDIR)"

# The probe script rewrites the header only when an outcome changed, so a
# second build against the same kernel recompiles nothing.
$(COMPAT_H): FORCE | kdir-check
	@compat/probe.sh "$(KDIR)" compat/generated

compat: $(COMPAT_H)

modules: $(COMPAT_H)
	$(MAKE) $(KBUILD_ARGS) modules

# The test modules of tests/kmod, against this tree's Module.symvers.
test-modules: modules
	$(MAKE) -C $(KDIR) M=$(DAXKIT_ROOT)/tests/kmod DAXKIT_ROOT=$(DAXKIT_ROOT) W=$(W) \
		KBUILD_EXTRA_SYMBOLS=$(DAXKIT_ROOT)/Module.symvers modules

# sparse over every source file (C=2), not only those rebuilt.
sparse: $(COMPAT_H)
	$(MAKE) $(KBUILD_ARGS) C=2 modules

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(DAXKIT_ROOT) DAXKIT_ROOT=$(DAXKIT_ROOT) clean
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(DAXKIT_ROOT)/tests/kmod clean
	rm -rf compat/generated

# The whole suite: host checks, then the VM suite on every kernel of the
# matrix (KERNELS="6.1 sid" for a subset).  Installs what it needs.
check:
	KERNELS="$(KERNELS)" tests/run.sh

# Boot a VM over emulated pmem and show the stack working.
demo:
	tests/vm/demo.sh
