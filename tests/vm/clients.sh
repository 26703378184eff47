#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: clients.sh SUITE
# The programs users run on device-dax, as Debian SUITE packages them
# (fio, daxctl and ndctl, pmdk-tools for daxio and pmempool, and
# libpmemobj-dev, with which tests/clients/pobj.c is built): installed
# once into the suite's chroot (tests/vm/chroot.sh), which the guest
# mounts read-only over 9p and runs them in (tests/guest/lib.sh
# clients_up).  Prints the chroot's path.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

suite=${1:?usage: clients.sh SUITE}
root=$("$DAXKIT_SRC/tests/vm/chroot.sh" "$suite")
packages="fio daxctl ndctl pmdk-tools libpmemobj-dev"
if [ "$(cat "$root/.clients-done" 2>/dev/null)" != "$packages" ]; then
	log "installing the $suite clients: $packages"
	in_root "$root" apt-get install -y -q --no-install-recommends $packages \
		> "$DAXKIT_CACHE/chroots/$suite-clients.log" 2>&1 ||
		{ in_root "$root" apt-get update -q > /dev/null &&
		in_root "$root" apt-get install -y -q --no-install-recommends $packages \
			> "$DAXKIT_CACHE/chroots/$suite-clients.log" 2>&1; } ||
		die "apt-get install $packages in the $suite chroot failed; see $DAXKIT_CACHE/chroots/$suite-clients.log"
	echo "$packages" | as_root tee "$root/.clients-done" > /dev/null
fi
# Our programs on the suite's libraries, built each run (they are small).
as_root rm -rf "$root/daxkit-clients"
as_root mkdir -p "$root/daxkit-clients"
for c in "$DAXKIT_SRC"/tests/clients/*.c; do
	as_root cp "$c" "$root/daxkit-clients/"
	in_root "$root" gcc -O2 -Wall -Wextra -Werror -o "/daxkit-clients/$(basename "$c" .c)" \
		"/daxkit-clients/$(basename "$c")" -lpmemobj -lpmem ||
		die "cannot build $c in the $suite chroot"
done
echo "$root"
