# SPDX-License-Identifier: GPL-2.0
# Issue 14 item 12: dax_pmem's ranges= serves only memory the firmware
# reserved (what memmap=1G$4G makes) or that no resource claims, in whole
# 2 MiB subsections (start and size), and no more than 16 ranges counting
# the legacy ones.  Anything else (firmware tables, a PCI window, RAM, the
# legacy range itself, too many) fails the load with EINVAL and exactly
# one dax_pmem log line naming the range; the reserved 1 GiB at 4 GiB
# still loads.  The ranges are read from this guest's /proc/iomem.
. /tests/lib.sh

MB=1048576
GB=$((1024 * MB))
SUB=$((2 * MB))
B=/sys/bus/daxkit/devices
klog_mark t_55-start

# iomem NAME: "START END" (decimal) of the first /proc/iomem line, at any
# depth, whose name is NAME.
iomem() {
	local r
	r=$(sed -n "s/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : $1\$/\1 \2/p" /proc/iomem | head -n 1)
	[ -n "$r" ] && set -- $r && echo "$((0x$1)) $((0x$2))"
}

# entry SIZE START: a ranges= entry, in hex.
entry() { printf '%#x@%#x' "$1" "$2"; }

# nth_2m FIRST N: N entries of 2 MiB, one after the other from FIRST.
nth_2m() {
	local i=0 v=
	while [ $i -lt "$2" ]; do
		v="$v${v:+,}$(entry $SUB $(($1 + i * SUB)))"
		i=$((i + 1))
	done
	echo "$v"
}

# load_refused TEST VALUE WHY: modprobe dax_pmem ranges=VALUE must fail with
# EINVAL, leave dax_pmem unloaded and log exactly one dax_pmem line, which
# says WHY.
load_refused() {
	local t=$1 v=$2 out lines n
	klog_mark $t
	if out=$(modprobe dax_pmem ranges=$v 2>&1); then
		fail $t "ranges=$v was accepted: $(ls $B | tr '\n' ' ')"
		modprobe -r dax_pmem
		return
	fi
	lines=$(klog_since $t | grep 'dax_pmem:')
	n=$(echo "$lines" | grep -c 'dax_pmem:')
	case $out in
	*"Invalid argument"*) ;;
	*) fail $t "ranges=$v: '$out', want Invalid argument"; return ;;
	esac
	if loaded dax_pmem; then
		fail $t "dax_pmem is loaded"
	elif [ "$n" != 1 ]; then
		fail $t "$n dax_pmem log lines for ranges=$v, want 1: $(echo "$lines" | tr '\n' '|')"
	elif ! echo "$lines" | grep -q -e "$3"; then
		fail $t "the log line does not say '$3': $lines"
	else
		pass $t
	fi
}

# subsection_refused TEST ADDR: the 2 MiB subsection holding ADDR is
# refused as overlapping what is there (load_refused).
subsection_refused() {
	local s=$(($2 / SUB * SUB))
	load_refused $1 "$(entry $SUB $s)" "$(entry $SUB $s) refused: overlaps "
}

t=item12-ranges-reserved-served
if ! modprobe dax_pmem ranges=1G@4G; then
	fail $t "modprobe dax_pmem ranges=1G@4G failed"
elif ! grep -q '^  100000000-13fffffff : daxkit$' /proc/iomem; then
	fail $t "no daxkit claim of 100000000-13fffffff in /proc/iomem"
else
	pass $t
fi
modprobe -r dax_pmem

# top_level: /proc/iomem's outermost lines, as "START END NAME" (decimal).
top_level() {
	sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : \(.*\)$/\1 \2 \3/p' /proc/iomem |
		while read -r s e name; do echo "$((0x$s)) $((0x$e)) $name"; done
}

# The end of low RAM: the last byte of the last System RAM below 4 GiB.
LOWRAM=$(top_level | awk -v g=$((4 * GB)) '$3 " " $4 == "System RAM" && $2 < g { e = $2 } END { print e }')

# The PCI hole: 2 MiB inside the first PCI bus window that holds a whole
# subsection.
t=item12-ranges-pci-window-refused
s=$(top_level | while read -r a e name; do
	case $name in 'PCI Bus '*) ;; *) continue ;; esac
	a=$(((a + SUB - 1) / SUB * SUB))
	[ $((a + SUB - 1)) -le $e ] && { echo $a; break; }
done)
if [ -z "$s" ]; then
	fail $t "no PCI bus window holds 2 MiB in /proc/iomem"
else
	load_refused $t "$(entry $SUB $s)" "$(entry $SUB $s) refused: .*device or bus window"
fi

# A PCI device's BAR: the subsection around the first one.
t=item12-ranges-pci-bar-refused
set -- $(iomem '0000:00:[0-9a-f.]*')
if [ $# != 2 ]; then
	fail $t "no PCI BAR in /proc/iomem"
else
	subsection_refused $t $1
fi

# The firmware's ACPI tables: "ACPI Tables", or where SeaBIOS keeps them,
# the reserved range right after low RAM.  The subsection around them.
t=item12-ranges-acpi-tables-refused
set -- $(iomem 'ACPI Tables')
[ $# = 2 ] || set -- $(top_level | awk -v r=$((LOWRAM + 1)) '$1 == r && $3 == "Reserved" { print $1, $2 }')
if [ $# != 2 ]; then
	fail $t "no ACPI Tables, nor a reserved range after low RAM, in /proc/iomem"
else
	subsection_refused $t $1
fi

# The reserved range holding 4 GiB, and the subsection past its end.
t=item12-ranges-partly-reserved-refused
e=$(top_level | awk -v g=4294967296 '$3 == "Reserved" && $1 <= g && $2 >= g { print $2 }')
if [ -z "$e" ]; then
	fail $t "no reserved range at 4 GiB in /proc/iomem"
else
	s=$((e + 1 - SUB))
	load_refused $t "$(entry $((2 * SUB)) $s)" 'a reserved range that does not hold all of it'
fi

# The reserved 1 GiB at 4 GiB, but 4 KiB-aligned only, in start or size.
load_refused item12-ranges-start-not-2m-aligned-refused "$(entry $SUB $((4 * GB + 4096)))" \
	'multiples of 2 MiB'
load_refused item12-ranges-size-not-2m-aligned-refused "$(entry $((3 * MB)) $((4 * GB)))" \
	'multiples of 2 MiB'
load_refused item12-ranges-one-page-refused 4K@4G "0x1000@0x100000000 refused: .*smaller than 2 MiB"

# More than 16: in ranges= alone, and with the boot's legacy range.
load_refused item12-ranges-seventeen-refused "$(nth_2m $((4 * GB)) 17)" 'more than 16'
load_refused item12-ranges-sixteen-and-legacy-refused "$(nth_2m $((4 * GB)) 16)" \
	'more than 16 ranges: 16 in ranges= and 1 legacy'

t=item12-ranges-fifteen-and-legacy-served
if ! modprobe dax_pmem soft_reserved=0 ranges=$(nth_2m $((4 * GB)) 15); then
	fail $t "15 ranges and the legacy one were refused"
else
	n=$(ls -d $B/daxkit*.0 | wc -l)
	[ "$n" = 16 ] && pass $t || fail $t "$n regions, want 16"
	modprobe -r dax_pmem
fi

# Partly RAM: the last subsection of low RAM and the one after it.
t=item12-ranges-partly-ram-refused
if [ -z "$LOWRAM" ]; then
	fail $t "no System RAM below 4 GiB in /proc/iomem"
else
	s=$((LOWRAM / SUB * SUB))
	load_refused $t "$(entry $((2 * SUB)) $s)" "$(entry $((2 * SUB)) $s) refused: overlaps System RAM"
fi

# The legacy range, which dax_pmem serves anyway: not a second time.
load_refused item12-ranges-legacy-range-refused 256M@1G 'overlaps Persistent Memory (legacy)'

t=item12-ranges-log-clean
bad=$(klog_since t_55-start | grep -e 'WARNING' -e 'BUG' -e 'Call Trace' | head -n 3)
[ -z "$bad" ] && pass $t || fail $t "$(echo "$bad" | tr '\n' '|')"
modprobe -r dax_dev dax_core 2>/dev/null
true
