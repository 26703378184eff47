# SPDX-License-Identifier: GPL-2.0
# daxkit: out-of-tree DAX stack.  `make` builds the five modules against
# KDIR (default: the running kernel's build directory).

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
# W: kbuild's extra checks, none by default.  W=1 (what the tests ask for)
# also runs scripts/kernel-doc on every file, which needs perl's Pod::Usage.
# kbuild runs kernel-doc for any W on its command line, W=0 too, and a W
# given to this make reaches it through MAKEFLAGS: so W is always passed
# on, empty when unset or 0, which is kbuild's own default.
W ?=
KBUILD_W := W=$(filter-out 0,$(W))
DAXKIT_ROOT := $(CURDIR)
COMPAT_H := compat/generated/daxkit_compat.h
KBUILD_ARGS := -C $(KDIR) M=$(DAXKIT_ROOT) DAXKIT_ROOT=$(DAXKIT_ROOT) $(KBUILD_W) \
	$(if $(DAXKIT_ABI_SKEW),DAXKIT_ABI_SKEW=$(DAXKIT_ABI_SKEW))

.PHONY: all modules compat clean check demo bench sparse kdir-check test-modules install-src FORCE

all: modules

kdir-check:
	@compat/kdir-check.sh "$(KDIR)"

# The probe script rewrites the header only when an outcome changed, so a
# second build against the same kernel recompiles nothing.
$(COMPAT_H): FORCE | kdir-check
	@compat/probe.sh "$(KDIR)" compat/generated

compat: $(COMPAT_H)

modules: $(COMPAT_H)
	$(MAKE) $(KBUILD_ARGS) modules

# The test modules of tests/kmod, against this tree's Module.symvers.
test-modules: modules
	$(MAKE) -C $(KDIR) M=$(DAXKIT_ROOT)/tests/kmod DAXKIT_ROOT=$(DAXKIT_ROOT) $(KBUILD_W) \
		KBUILD_EXTRA_SYMBOLS=$(DAXKIT_ROOT)/Module.symvers modules

# sparse over every source file (C=2), not only those rebuilt.
sparse: $(COMPAT_H)
	$(MAKE) $(KBUILD_ARGS) C=2 modules

# The DKMS source tree, as the packages install it: DESTDIR/usr/src/daxkit-VERSION.
# debian/rules and rpm/daxkit-dkms.spec both use this list, and nothing else.
DAXKIT_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
SRC_SCRIPTS := compat/probe.sh compat/kdir-check.sh
SRC_FILES := Makefile Kbuild daxkit.kbuild dkms.conf $(SRC_SCRIPTS) \
	$(wildcard compat/probes/*.c include/daxkit/*.h) \
	$(filter-out %.mod.c,$(wildcard dax_*/Kbuild dax_*/VERSION dax_*/*.c dax_*/*.h \
		daxkitfs/Kbuild daxkitfs/VERSION daxkitfs/*.c daxkitfs/*.h))
SRC_DEST = $(DESTDIR)/usr/src/daxkit-$(DAXKIT_VERSION)

install-src:
	@test -n "$(DAXKIT_VERSION)" || { echo "daxkit: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	@for f in $(SRC_FILES); do \
		mode=644; case " $(SRC_SCRIPTS) " in *" $$f "*) mode=755 ;; esac; \
		install -D -m $$mode $$f $(SRC_DEST)/$$f || exit 1; \
	done

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(DAXKIT_ROOT) DAXKIT_ROOT=$(DAXKIT_ROOT) clean
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(DAXKIT_ROOT)/tests/kmod clean
	rm -rf compat/generated

# The whole suite: host checks, then the VM suite and the package lane on
# every kernel of the matrix (KERNELS="6.1 sid" for a subset), and the
# debug lane when its kernel is built (DEBUG_KERNEL=1: build it if need
# be; DEBUG_KERNEL=0: leave it out).  Installs what it needs.
DEBUG_KERNEL ?= auto
check:
	KERNELS="$(KERNELS)" DEBUG_KERNEL="$(DEBUG_KERNEL)" tests/run.sh

# Boot a VM over emulated pmem and show the stack working.
demo:
	tests/vm/demo.sh

# daxkit against the in-tree stack on the same namespaces, one boot:
# figures and ratios, never a failure on speed (BENCH_KERNEL=sid, say).
BENCH_KERNEL ?= 6.1
bench:
	tests/vm/bench.sh $(BENCH_KERNEL)
