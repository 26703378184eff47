#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: boot.sh VMLINUZ INITRD MODE LOG [TIMEOUT]
# Boots the guest under QEMU (KVM where usable, else software emulation:
# qemu_accel in tests/lib/common.sh) with persistent memory
# from two sources: a legacy memmap= range (256 MiB at 1 GiB) and an
# emulated NVDIMM backed by a file in the cache (kept across boots); and
# 1 GiB at 4 GiB reserved (memmap=1G$4G: RAM above 4 GiB, clear of the
# firmware's tables at the top of low RAM), which dax_pmem serves only
# when its ranges= parameter names it (t_66); and 256 MiB at 2 GiB
# soft-reserved (memmap=nn%ss+0xefffffff, what EFI_MEMORY_SP gives), which
# dax_pmem serves as region 32 unless the in-tree dax_hmem holds it (t_93).
# A 256 MiB virtio-pmem device (virtio-pmem-pci, file-backed) is there
# too, its driver left unloaded: only t_74 loads virtio_pmem.  Two NUMA
# nodes: 0 has the CPUs and the RAM, 1 only the NVDIMM (node=1), so that
# a namespace's memory hot-added as System RAM (t_92) makes node 1 appear.  Its
# backend's align=2M places it 2 MiB aligned (after the NVDIMM, whose
# label area leaves its end 128 KiB short), as nd_pmem needs to map it.
# The serial console goes to LOG.  Exits with QEMU's status (124 on
# timeout).  DAXKIT_NVDIMM names the NVDIMM's backing file (made, 1280 MiB
# of zeros or DAXKIT_NVDIMM_SIZE, in M or G, when missing), DAXKIT_VPMEM the virtio-pmem one (256 MiB);
# DAXKIT_GUEST_ARGS is added to the command line (daxkit.only=P runs only
# the guest tests t_P*.sh).  DAXKIT_CLIENTS, a directory (a suite's
# chroot with its client programs, tests/vm/clients.sh), is shared with
# the guest read-only over 9p, tag "clients".  DAXKIT_QEMU_PIDFILE, when
# set, is where QEMU writes its process id (the power-cut lane kills it).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

kernel=$1 initrd=$2 mode=$3 logf=$4 limit=${5:-900}
nvdimm=${DAXKIT_NVDIMM:-$DAXKIT_CACHE/vm/nvdimm0.img}
nvsize=${DAXKIT_NVDIMM_SIZE:-1280M}
case $nvsize in
*M) nvmb=${nvsize%M} ;;
*G) nvmb=$((${nvsize%G} * 1024)) ;;
*) die "DAXKIT_NVDIMM_SIZE=$nvsize: want a size in M or G" ;;
esac
mkdir -p "$(dirname "$nvdimm")"
# A backing file of another size (a cache made when the NVDIMM was
# smaller) is made again: QEMU refuses a size mismatch, and its label
# area, at the end, would not be where the guest looks for it.
if [ -f "$nvdimm" ] && [ "$(stat -c %s "$nvdimm")" != $((nvmb << 20)) ]; then
	echo "[daxkit] $nvdimm is not $nvsize: making it again" >&2
	rm -f "$nvdimm"
fi
[ -f "$nvdimm" ] || truncate -s "$nvsize" "$nvdimm"
vpmem=${DAXKIT_VPMEM:-$DAXKIT_CACHE/vm/vpmem0.img}
mkdir -p "$(dirname "$vpmem")"
[ -f "$vpmem" ] || truncate -s 256M "$vpmem"

accel=$(qemu_accel "$kernel")
clients=()
if [ -n "${DAXKIT_CLIENTS:-}" ]; then
	clients=(-fsdev "local,id=clients,path=$DAXKIT_CLIENTS,security_model=none,readonly=on"
		-device virtio-9p-pci,fsdev=clients,mount_tag=clients)
fi
pidfile=()
[ -z "${DAXKIT_QEMU_PIDFILE:-}" ] || pidfile=(-pidfile "$DAXKIT_QEMU_PIDFILE")
cmdline="console=ttyS0 loglevel=5 panic=-1 oops=panic memmap=256M!1G memmap=1G\$4G memmap=256M%0x80000000+0xefffffff daxkit.mode=$mode ${DAXKIT_GUEST_ARGS:-}"
set +e
timeout --foreground "$limit" qemu-system-x86_64 \
	-machine pc,nvdimm=on $accel -cpu max -smp 2 \
	-m 4G,slots=2,maxmem=$((4096 + nvmb + 512))M \
	-object memory-backend-ram,id=ram0,size=4G \
	-numa node,nodeid=0,cpus=0-1,memdev=ram0 -numa node,nodeid=1 \
	-object memory-backend-file,id=nvmem0,share=on,mem-path="$nvdimm",size="$nvsize" \
	-device nvdimm,id=nvdimm0,memdev=nvmem0,label-size=128K,node=1 \
	-object memory-backend-file,id=vpmem0,share=on,mem-path="$vpmem",size=256M,align=2M \
	-device virtio-pmem-pci,id=vpmem0,memdev=vpmem0 \
	"${clients[@]}" "${pidfile[@]}" \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	-display none -vga none -monitor none -serial stdio -no-reboot \
	< /dev/null > "$logf" 2>&1
rc=$?
set -e
exit $rc
