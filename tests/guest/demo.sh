# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows: the stack loaded over emulated pmem.
. /tests/lib.sh
echo "--- persistent memory the guest sees (/proc/iomem)"
grep -i persistent /proc/iomem
echo "--- modprobe dax_pmem"
modprobe dax_pmem && lsmod | grep -E '^dax_(core|dev|pmem)'
echo "--- /sys/bus/daxkit"
ls -l /sys/bus/daxkit /sys/bus/daxkit/drivers
echo "--- chrdev region"
grep daxkit /proc/devices
echo "--- versions"
for m in dax_core dax_dev dax_pmem; do echo "$m $(cat /sys/module/$m/version)"; done
echo "--- modprobe -r dax_pmem"
modprobe -r dax_pmem && { lsmod | grep -c '^dax_' ; ls /sys/bus | grep -c daxkit; } 
