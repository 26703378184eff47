# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows: the stack loaded over emulated pmem.
. /tests/lib.sh

echo "--- the guest's persistent memory: a memmap= range and an emulated NVDIMM"
modprobe nfit
sleep 1
grep -i persistent /proc/iomem
ls /sys/bus/nd/devices 2>/dev/null | tr '\n' ' '; echo
echo "--- modprobe dax_pmem (pulls in dax_core and dax_dev)"
modprobe dax_pmem && lsmod | grep -E '^dax_(core|dev|pmem) '
echo "--- the daxkit bus and its drivers"
ls /sys/bus/daxkit/drivers
echo "--- the daxkit chrdev region (dynamic major)"
grep daxkit /proc/devices
echo "--- module versions"
for m in dax_core dax_dev dax_pmem; do echo "$m $(cat /sys/module/$m/version)"; done
echo "--- modprobe -r dax_pmem"
modprobe -r dax_pmem
echo "daxkit modules still loaded: $(grep -c '^dax_\(core\|dev\|pmem\) ' /proc/modules)"
echo "/sys/bus/daxkit present: $([ -d /sys/bus/daxkit ] && echo yes || echo no)"
