# SPDX-License-Identifier: GPL-2.0
# The guest has the persistent memory the suite relies on: the memmap=
# legacy range (256 MiB at 1 GiB), the soft-reserved range (256 MiB at
# 2 GiB) and, once nfit is loaded, the emulated NVDIMM with its region on
# the libnvdimm bus.
. /tests/lib.sh

t=platform-memmap-legacy-pmem
if grep -q '^40000000-4fffffff : Persistent Memory (legacy)$' /proc/iomem; then
	pass $t
else
	fail $t "no 256 MiB legacy range at 1 GiB in /proc/iomem"
fi

# memmap=256M%0x80000000+0xefffffff: 256 MiB at 2 GiB soft-reserved (t_93).
# Checked first thing: later tests push the boot lines out of the log.
t=platform-soft-reserved-range
if dmesg | grep -q '0x0000000080000000-0x000000008fffffff\] *soft reserved'; then
	pass $t
else
	fail $t "the boot log does not say 256 MiB at 2 GiB is soft reserved: $(dmesg | grep -i 'soft res' | head -n 3 | tr '\n' '|')"
fi

t=platform-emulated-nvdimm
if ! modprobe nfit; then
	fail $t "modprobe nfit failed"
else
	i=0
	while [ $i -lt 20 ] && ! ls /sys/bus/nd/devices 2>/dev/null | grep -q '^region'; do
		sleep 0.5; i=$((i + 1))
	done
	if ! ls /sys/bus/nd/devices 2>/dev/null | grep -q '^nmem'; then
		fail $t "no nmem device on the nd bus"
	elif ! grep -q ': Persistent Memory$' /proc/iomem; then
		fail $t "no NVDIMM range in /proc/iomem"
	else
		pass $t
	fi
fi
