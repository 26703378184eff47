# SPDX-License-Identifier: GPL-2.0
# Mode "canary" (debug lane only): load the deliberately broken module and
# show what the kernel reported.  The host (tests/vm/suite.sh) decides:
# here the reports are expected, and their absence is the failure.
. /tests/lib.sh

insmod /test/kmod/daxkit_canary.ko sleep_in_rcu=1 leak=1 oob=1
echo "CANARY-LOADED $?"
rmmod daxkit_canary
# Loaded and unloaded: its leak's backtrace is unnamed now, as after the suite.
kmemleak_ours | sed 's/^/CANARY-KMEMLEAK: /'
