# SPDX-License-Identifier: GPL-2.0
# Issue 15: the programs users run on device-dax, from the lane's own
# Debian suite (tests/vm/clients.sh; bullseye on 5.10, bookworm on 6.1,
# trixie on 6.12, sid on sid), on daxkit's devices:
#  - a devdax namespace (daxkit-cl, made here) is shown in class dax as
#    /dev/daxR.n: fio's dev-dax engine writes and verifies it without
#    "not a DAX device", daxio zeroes and copies in and out, pmempool
#    creates and checks an obj pool, tests/clients/pobj writes in a
#    transaction and reads it back after dax_pmem is reloaded (and after
#    a power-off: reboot.sh), daxctl lists it as sysfs says, and QEMU's
#    size lookup finds its size; fio also runs beside t_70's data on
#    daxkit-a and daxkit-b;
#  - the legacy range's device is not in class dax (PMDK would crash on
#    it): PMDK and daxio refuse it cleanly, fio works on it (with its
#    "not a DAX device" line), QEMU finds its size with SEEK_END;
#  - a memmap= range through nd_e820 and an ndctl devdax namespace (what
#    the README tells PMDK users) works with pmempool and pobj.
. /tests/lib.sh

MB=1048576
if [ "${DAXKIT_CLIENTS:-none}" = none ]; then
	echo "NOTE: t_80: this lane has no client programs (its kernel has no 9p); nothing run"
	exit 0
fi

t=clients-from-the-suite-packages
if ! clients_up; then
	fail $t "cannot mount the $DAXKIT_CLIENTS clients over 9p"; exit 0
fi
suite=$(sed -n 's/^VERSION_CODENAME=//p' $CL/etc/os-release)
[ -n "$suite" ] || suite=$(sed -n 's/^PRETTY_NAME=.*\/\([a-z]*\)"$/\1/p' $CL/etc/os-release)
dver=$(cl dpkg-query -W -f '${Version}' daxctl 2>/dev/null)
pver=$(cl dpkg-query -W -f '${Version}' pmdk-tools 2>/dev/null)
fver=$(cl dpkg-query -W -f '${Version}' fio 2>/dev/null)
got=$(cl daxctl --version 2>&1)
echo "NOTE: t_80 clients of $DAXKIT_CLIENTS: daxctl $dver, pmdk-tools $pver, fio $fver"
if [ "$suite" != "$DAXKIT_CLIENTS" ] && ! { [ "$DAXKIT_CLIENTS" = sid ] && grep -q sid $CL/etc/debian_version; }; then
	fail $t "the chroot is '$suite', the lane's suite $DAXKIT_CLIENTS"
elif [ -z "$dver" ] || [ -z "$pver" ] || [ -z "$fver" ]; then
	fail $t "daxctl '$dver', pmdk-tools '$pver', fio '$fver': not all installed"
elif [ "${got#"${dver%%-*}"}" = "$got" ] && [ "${dver%%-*}" != "${got%.*}" ]; then
	fail $t "daxctl --version says '$got', its package $dver"
else
	pass $t
fi

# Kernels whose DAX core owns class dax (CONFIG_DEV_DAX_PMEM_COMPAT: Debian
# 11's 5.10) get no class view: dax_core says so once at load, and the
# clients must refuse daxkit's devices cleanly there.
view=0
has_class_view && view=1
modprobe -r dax_pmem dax_dev dax_core 2>/dev/null
klog_mark clients-load
modprobe dax_pmem
t=clients-class-dax-said-once
n=$(klog_since clients-load | grep -c "owns class dax (CONFIG_DEV_DAX_PMEM_COMPAT)")
if [ $view = 1 ] && [ "$n" = 0 ] && [ -d /sys/class/dax ]; then
	pass $t
elif [ $view = 0 ] && [ "$n" = 1 ]; then
	pass $t
	echo "NOTE: t_80: the kernel owns class dax: daxkit devices are not shown to the clients here"
else
	fail $t "class view $view, $n lines saying the kernel owns class dax"
fi
nd_up || { fail clients-nd-up "no NVDIMM region"; exit 0; }

# fio_verify TEST DEV BS [OFFSET [SIZE]]: fio's dev-dax engine writes SIZE
# (64 MiB) of DEV at BS and verifies it (crc32c).  Prints fio's complaint, if any;
# "not a DAX device" is printed as such.
fio_verify() {
	cl fio --name=daxkit --ioengine=dev-dax --filename="/dev/$2" --rw=write --bs="$3" \
		--size="${5:-64m}" --offset="${4:-0}" --thread --iodepth=1 --direct=0 --numjobs=1 \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--output-format=normal > /tmp/fio.out 2>&1
	local rc=$?
	if [ $rc -ne 0 ] || ! grep -q 'err= 0' /tmp/fio.out || grep -qi 'verify:.*bad\|crc32c.*fail' /tmp/fio.out; then
		echo "fio exited $rc: $(grep -i -m3 'err\|bad\|fail\|error' /tmp/fio.out | tr '\n' '|')"
		return 1
	fi
	grep -o 'not a DAX device!*' /tmp/fio.out | head -n 1
	return 0
}

# qemu_size DEV: the size QEMU's get_file_size() takes for /dev/DEV: the
# sysfs size when the subsystem link ends in /dax, else SEEK_END.
qemu_size() {
	local mm link
	mm=$(stat -L -c '%t:%T' /dev/$1) || return 1
	mm=$((0x${mm%:*})):$((0x${mm#*:}))
	link=$(readlink /sys/dev/char/$mm/subsystem)
	case $link in
	*/dax) rd /sys/dev/char/$mm/size ;;
	*) /tests/bin/daxmap /dev/$1 seek-end ;;
	esac
}

# refused_cleanly DEV: PMDK (pmempool, daxio) exit with an error, not a
# signal, on /dev/DEV, and daxctl does not list it.  Prints what is wrong.
refused_cleanly() {
	local rc
	cl pmempool create obj /dev/$1 > /tmp/pp.out 2>&1
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then
		echo "pmempool create obj /dev/$1 exited $rc: $(tail -n 2 /tmp/pp.out | tr '\n' '|')"; return 1
	fi
	cl daxio -z -o /dev/$1 -l 4096 > /tmp/dx.out 2>&1
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then
		echo "daxio on /dev/$1 exited $rc: $(tail -n 2 /tmp/dx.out | tr '\n' '|')"; return 1
	fi
	cl daxctl list -i > /tmp/dc.out 2>&1
	rc=$?
	if [ $rc -ge 128 ] || grep -q "\"$1\"" /tmp/dc.out; then
		echo "daxctl list exited $rc or lists $1: $(head -c 200 /tmp/dc.out | tr '\n' ' ')"; return 1
	fi
}

# A devdax namespace of its own: the clients may write all of it.
t=clients-devdax-namespace-shown-in-class-dax
[ $view = 1 ] || t=clients-devdax-namespace-not-shown
v=
if ! dc=$(nd_dax_of daxkit-cl); then
	out=$(ndctl create-namespace -m devdax -M mem -s 96M -n daxkit-cl -r $NDR 2>&1) ||
		fail $t "ndctl create-namespace: $(echo "$out" | tail -n 2 | tr '\n' '|') ($NDR: $(ndctl list -r $NDR 2>&1 | grep -o '"available_size":[0-9]*'))"
	dc=$(nd_dax_of daxkit-cl)
fi
if [ -z "$dc" ]; then
	[ -n "$out" ] || fail $t "no nd_dax for daxkit-cl"
elif [ "$(nd_driver "$dc")" != daxkit_pmem ] || ! k=$(daxkit_of "$dc") || ! wait_for /dev/$k; then
	fail $t "$dc is not served by daxkit (driver '$(nd_driver "$dc")')"
elif [ $view = 0 ]; then
	# What the README promises there: fio works, PMDK refuses cleanly.
	if [ -e $ND/$dc/dax ] || [ -n "$(ls /sys/class/dax 2>/dev/null)" ]; then
		fail $t "$dc/dax or /sys/class/dax has devices: $(ls /sys/class/dax | tr '\n' ' ')"
	elif ! out=$(refused_cleanly $k); then
		fail $t "$out"
	elif ! out=$(fio_verify $t $k 2m); then
		fail $t "fio on /dev/$k: $out"
	else
		pass $t
	fi
elif ! v=$(view_of "$dc") || ! wait_for /dev/$v; then
	fail $t "$dc/dax has no class dax device: $(ls $ND/$dc | tr '\n' ' ')"
elif [ "$(readlink -f /sys/class/dax/$v)" != "$(readlink -f $ND/$dc)/dax/$v" ]; then
	fail $t "/sys/class/dax/$v is $(readlink -f /sys/class/dax/$v), not under $dc"
elif [ "$(rd /sys/class/dax/$v/size)" != "$(rd $ND/$dc/size)" ] ||
	[ "$(rd /sys/class/dax/$v/size)" != "$(rd /sys/bus/daxkit/devices/$k/size)" ]; then
	fail $t "$v has $(rd /sys/class/dax/$v/size) bytes, $dc $(rd $ND/$dc/size), $k $(rd /sys/bus/daxkit/devices/$k/size)"
elif [ "$(rd $ND/$dc/dax_region/align)" != "$(rd $ND/$dc/align)" ]; then
	fail $t "dax_region/align $(rd $ND/$dc/dax_region/align), the nd_dax's $(rd $ND/$dc/align)"
else
	pass $t
	echo "NOTE: t_80: daxkit-cl is $dc, /dev/$v and /dev/$k"
fi
if [ -z "$v" ]; then
	# Without a class view only the legacy and nd_e820 checks below apply.
	:
else

for bs in 4k 2m; do
	t=clients-fio-dev-dax-verify-$bs
	if ! out=$(fio_verify $t $v $bs); then
		fail $t "/dev/$v: $out"
	elif [ -n "$out" ]; then
		fail $t "/dev/$v: fio says '$out'"
	else
		pass $t
	fi
done

# Beside t_70's patterns (16 MiB + 8 MiB, the last 2 MiB), which reboot.sh
# reads: 8 MiB from 4 MiB (the first 4 are where t_70's mappings store).
t=clients-fio-on-t70-namespaces
bad=
for n in daxkit-a daxkit-b; do
	if ! d=$(nd_dax_of $n) || ! w=$(view_of "$d"); then
		bad="$bad $n: no class dax device;"
	elif ! out=$(fio_verify $t $w 2m 4m 8m) || [ -n "$out" ]; then
		bad="$bad /dev/$w: $out;"
	fi
done
if [ -n "$bad" ]; then fail $t "$bad"; else pass $t; fi

t=clients-daxio-zero-copy-in-copy-out
head -c $((8 * MB)) /dev/urandom > $CL/tmp/in.bin 2>/dev/null ||
	{ dd if=/dev/urandom of=/tmp/in.bin bs=1M count=8 2>/dev/null && cp /tmp/in.bin $CL/tmp/in.bin; }
if ! out=$(cl daxio -z -o /dev/$v -l $((16 * MB)) 2>&1); then
	fail $t "daxio -z: $out"
elif ! out=$(cl daxio -i /dev/$v -o /tmp/zero.bin -l $((16 * MB)) 2>&1) ||
	! cmp -s -n $((16 * MB)) $CL/tmp/zero.bin /dev/zero; then
	fail $t "the first 16 MiB did not read back as zeroes: ${out}"
elif ! out=$(cl daxio -i /tmp/in.bin -o /dev/$v -s $((4 * MB)) -l $((8 * MB)) 2>&1); then
	fail $t "daxio copy in: $out"
elif ! out=$(cl daxio -i /dev/$v -o /tmp/out.bin -k $((4 * MB)) -l $((8 * MB)) 2>&1); then
	fail $t "daxio copy out: $out"
elif ! cmp -s $CL/tmp/in.bin $CL/tmp/out.bin; then
	fail $t "the bytes copied out differ from those copied in"
else
	pass $t
fi
rm -f $CL/tmp/*.bin

t=clients-pmempool-create-check-obj
if ! out=$(cl pmempool create obj /dev/$v 2>&1); then
	fail $t "pmempool create obj /dev/$v: $(echo "$out" | tail -n 2 | tr '\n' '|')"
elif ! out=$(cl pmempool check -v /dev/$v 2>&1) || ! echo "$out" | grep -q consistent; then
	fail $t "pmempool check: $(echo "$out" | tail -n 2 | tr '\n' '|')"
else
	pass $t
fi

# The pool pmempool made goes: pobj creates its own.
cl daxio -z -o /dev/$v -l $((16 * MB)) > /dev/null 2>&1
# reboot.sh reads the same tag after a power-off.
tag=daxkit-pobj-$DAXKIT_CLIENTS
t=clients-libpmemobj-transaction-survives-reload
if ! out=$(cl /daxkit-clients/pobj write /dev/$v "$tag" 2>&1); then
	fail $t "pobj write: $out"
elif ! modprobe -r dax_pmem || loaded dax_pmem || ! modprobe dax_pmem; then
	fail $t "reloading dax_pmem failed"
elif ! wait_for /dev/$v; then
	fail $t "/dev/$v is gone after the reload ($(ls /sys/class/dax | tr '\n' ' '))"
elif ! out=$(cl /daxkit-clients/pobj read /dev/$v "$tag" 2>&1); then
	fail $t "after the reload: $out"
else
	pass $t
fi

t=clients-daxctl-lists-as-sysfs
bad=
for c in /sys/class/dax/dax*; do
	[ -e "$c" ] || continue
	n=${c##*/}
	j=$(cl daxctl list -d $n 2>&1 | tr -d ' \n')
	size=$(echo "$j" | grep -o '"size":[0-9]*' | head -n 1)
	align=$(echo "$j" | grep -o '"align":[0-9]*' | head -n 1)
	case $j in *"\"chardev\":\"$n\""*) ;; *) bad="$bad $n not listed ($j);"; continue ;; esac
	[ "$size" = "\"size\":$(rd $c/size)" ] || bad="$bad $n $size, sysfs $(rd $c/size);"
	[ "$align" = "\"align\":$(rd $c/align)" ] || bad="$bad $n $align, sysfs $(rd $c/align);"
	nlisted=$((${nlisted:-0} + 1))
done
if [ -n "$bad" ]; then
	fail $t "$bad"
elif [ "${nlisted:-0}" -lt 3 ]; then
	fail $t "only ${nlisted:-0} devices in class dax, want daxkit-a, -b and -cl's"
else
	pass $t
fi

t=clients-qemu-size-from-sysfs
s=$(qemu_size $v)
if [ "$s" != "$(rd /sys/bus/daxkit/devices/$k/size)" ]; then
	fail $t "QEMU would take $s bytes for /dev/$v, the device has $(rd /sys/bus/daxkit/devices/$k/size)"
else
	pass $t
fi


# A second device in the namespace's region is shown too, as daxX.256,
# and goes with it; unbinding leaves the node, which then refuses to open.
t=clients-class-dax-follows-the-devices
D0=/sys/bus/daxkit/devices/$k
DRV=/sys/bus/daxkit/drivers/dax_dev
R=$(region_of $k)
size0=$(rd $D0/size)
x=${v#dax}; x=${x%.*}
nv=dax$x.256
if ! echo $k > $DRV/unbind; then
	fail $t "cannot unbind $k"
elif ! ( exec 3<> /dev/$v ) 2>&1 | grep -q 'No such device or address'; then
	fail $t "/dev/$v did not refuse to open (ENXIO) while $k is unbound"
elif ! echo $((size0 - 2 * MB)) > $D0/size || ! echo 1 > $R/create ||
	! nk=$(rd $R/create) || [ -z "$nk" ] || ! echo $((2 * MB)) > /sys/bus/daxkit/devices/$nk/size ||
	! echo $nk > $DRV/bind; then
	fail $t "cannot make a second device in $k's region"
elif ! wait_for /dev/$nv || [ "$(readlink -f /sys/class/dax/$nv)" != "$(readlink -f $ND/$dc)/dax/$nv" ]; then
	fail $t "$nk is not $nv under $dc: $(ls /sys/class/dax | tr '\n' ' ')"
elif ! out=$(/tests/bin/daxmap /dev/$nv write 0 $((2 * MB)) 80) ||
	! out=$(/tests/bin/daxmap /dev/$nk verify 0 $((2 * MB)) 80); then
	fail $t "/dev/$nv and /dev/$nk are not the same memory: $out"
elif ! cl daxctl list -d $nv 2>/dev/null | tr -d ' \n' | grep -q '"size":2097152'; then
	fail $t "daxctl does not list $nv with 2 MiB"
elif ! echo $nk > $DRV/unbind || ! echo 0 > /sys/bus/daxkit/devices/$nk/size ||
	! echo $nk > $R/delete || [ -e /sys/class/dax/$nv ] || [ -e /dev/$nv ]; then
	fail $t "deleting $nk left $nv"
else
	pass $t
fi
# Device 0 as it was, for the pool reboot.sh reads.
[ -e $D0/driver ] && echo $k > $DRV/unbind
echo $size0 > $D0/size
echo $k > $DRV/bind
[ "$(rd $D0/size)" = "$size0" ] && [ -e $D0/driver ] || fail $t-restored "$k is $(rd $D0/size) bytes"
fi

# The legacy range's device: on the daxkit bus only.
L=daxkit0.0
t=clients-legacy-device-not-in-class-dax
mm=$(rd /sys/bus/daxkit/devices/$L/dev)
if [ -z "$mm" ]; then
	fail $t "no $L"
elif [ "$(basename "$(readlink -f /sys/dev/char/$mm/subsystem)")" != daxkit ]; then
	fail $t "/sys/dev/char/$mm/subsystem is $(readlink -f /sys/dev/char/$mm/subsystem)"
elif cl daxctl list -d all 2>/dev/null | grep -q "\"$L\""; then
	fail $t "daxctl lists $L"
else
	pass $t
fi

t=clients-legacy-pmdk-refuses-cleanly
if ! out=$(refused_cleanly $L); then fail $t "$out"; else pass $t; fi

t=clients-legacy-fio-verifies
if ! out=$(fio_verify $t $L 2m); then
	fail $t "/dev/$L: $out"
else
	pass $t
	[ -n "$out" ] && echo "NOTE: t_80: on /dev/$L fio says '$out' (legacy devices are not in class dax)"
fi

t=clients-legacy-qemu-size-by-seek-end
s=$(qemu_size $L)
if [ "$s" != "$(rd /sys/bus/daxkit/devices/$L/size)" ]; then
	fail $t "SEEK_END of /dev/$L gives '$s', the device has $(rd /sys/bus/daxkit/devices/$L/size)"
else
	pass $t
fi

# What the README tells PMDK users with a memmap= range: let nd_e820 have
# it and make it a devdax namespace, which daxkit serves in class dax.
t=clients-memmap-range-pmdk-through-nd-e820
modprobe -r dax_pmem
nd_down
er= ns= ex= ev=
if ! modprobe nd_e820 || ! modprobe nd_pmem || ! modprobe dax_pmem; then
	fail $t "cannot load nd_e820, nd_pmem and dax_pmem"
else
	i=0
	while [ $i -lt 40 ] && [ -z "$er" ]; do
		for r in $ND/region*; do
			[ "$(rd $r/resource)" = 0x40000000 ] && er=${r##*/}
		done
		[ -n "$er" ] || { sleep 0.25; i=$((i + 1)); }
	done
	ns=$(ls -d $ND/$er/namespace*.0 2>/dev/null | head -n 1)
	ns=${ns##*/}
	if [ -z "$ns" ]; then
		fail $t "no nd_e820 region over the memmap= range at 1 GiB: $(ls $ND | tr '\n' ' ')"
	elif ! out=$(ndctl create-namespace -f -e $ns -m devdax 2>&1); then
		fail $t "ndctl create-namespace -e $ns -m devdax: $(echo "$out" | tail -n 2 | tr '\n' '|')"
	elif ! ex=$(for d in $ND/dax*; do [ "$(rd $d/namespace)" = $ns ] && basename $d; done | head -n 1) ||
		[ -z "$ex" ] || [ "$(nd_driver $ex)" != daxkit_pmem ]; then
		fail $t "$ns in devdax mode is not served by daxkit (nd_dax '$ex', driver '$(nd_driver "$ex")')"
	elif [ $view = 0 ]; then
		# No class view: PMDK refuses the device cleanly.
		if ! ek=$(daxkit_of $ex) || ! wait_for /dev/$ek || ! clients_up; then
			fail $t "no daxkit device for $ex, or no clients"
		elif ! out=$(refused_cleanly $ek); then
			fail $t "$out"
		else
			pass $t
		fi
	elif ! ev=$(view_of $ex) || ! wait_for /dev/$ev; then
		fail $t "$ns in devdax mode is not shown in class dax ($ex)"
	elif ! clients_up; then
		fail $t "cannot mount the clients"
	elif ! out=$(cl daxio -z -o /dev/$ev -l $((16 * MB)) 2>&1) ||
		! out=$(cl pmempool create obj /dev/$ev 2>&1) || ! out=$(cl pmempool check /dev/$ev 2>&1); then
		fail $t "pmempool on /dev/$ev: $(echo "$out" | tail -n 2 | tr '\n' '|')"
	elif ! cl daxio -z -o /dev/$ev -l $((16 * MB)) > /dev/null 2>&1 ||
		! out=$(cl /daxkit-clients/pobj write /dev/$ev e820 2>&1) ||
		! out=$(cl /daxkit-clients/pobj read /dev/$ev e820 2>&1); then
		fail $t "pobj on /dev/$ev: $out"
	else
		pass $t
		echo "NOTE: t_80: the memmap= range through nd_e820 is $ns, /dev/$ev"
	fi
	# Back to a raw namespace: the info block goes, the range is a plain
	# legacy range again for the tests that follow.
	[ -n "$ns" ] && ndctl create-namespace -f -e $ns -m raw > /dev/null 2>&1
fi

clients_down
modprobe -r dax_pmem
nd_down
exit 0
