#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion of the daxkit command (tools/daxkit/daxkit.bash-completion)
# against a fake sysfs and /dev under DAXKIT_ROOT: two regions (0 with
# daxkit0.0 and daxkit0.1, 100 with daxkit100.0), NUMA nodes 0 and 1, pmem
# block devices, partitions and a BTT device, one stacked region.  Each
# case sources the file in a fresh bash (with set -u), sets COMP_WORDS and
# COMP_CWORD as bash does, calls _daxkit and compares COMPREPLY, sorted;
# the function must print nothing itself.
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

file=$DAXKIT_SRC/tools/daxkit/daxkit.bash-completion
if [ ! -f "$file" ]; then
	fail completion-file "tools/daxkit/daxkit.bash-completion is missing"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

root=$work/root
plat=$root/sys/devices/platform/daxkit_pmem.0
nd=$root/sys/devices/platform/e820_pmem/ndbus0/region0/dax0.1
mkdir -p "$plat/daxkit_region" "$plat/daxkit0.0" "$plat/daxkit0.1" \
	"$nd/daxkit_region" "$nd/daxkit100.0" "$root/sys/bus/daxkit/devices" \
	"$root/sys/devices/system/node/node0" "$root/sys/devices/system/node/node1" \
	"$root/dev" "$work/files/sub"
echo 0 > "$plat/daxkit_region/id"
echo "4096 2097152 1073741824" > "$plat/daxkit_region/supported_alignments"
echo 100 > "$nd/daxkit_region/id"
echo "4096 2097152" > "$nd/daxkit_region/supported_alignments"
# As the kernel links them: devices/NAME -> ../../../devices/.../NAME
for d in daxkit0.0 daxkit0.1; do
	ln -s "../../../devices/platform/daxkit_pmem.0/$d" "$root/sys/bus/daxkit/devices/$d"
done
ln -s ../../../devices/platform/e820_pmem/ndbus0/region0/dax0.1/daxkit100.0 \
	"$root/sys/bus/daxkit/devices/daxkit100.0"
echo /dev/pmem1.0=daxkit201 > "$root/sys/bus/daxkit/stack"
touch "$root/dev/pmem0" "$root/dev/pmem0p1" "$root/dev/pmem1s" "$root/dev/pmem1.0" \
	"$root/dev/daxkit0.0" "$work/files/devices.json" "$work/files/other.json"
mkdir -p "$work/empty"

# comp WORD...: the completions of the command line "daxkit WORD...",
# completing its last word, in $got (sorted, space-separated) and what
# the function printed in $noise.  $ROOT, when set, replaces the fake
# tree as DAXKIT_ROOT.
comp() {
	got=$(cd "$work/files" && DAXKIT_ROOT=${ROOT-$root} LC_ALL=C bash -c '
		set -u
		. "$0"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_daxkit >&2
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		"$file" daxkit "$@" 2> "$work/noise")
	got=${got% }
	noise=$(head -c 300 "$work/noise")
}

# check NAME WANT WORD...: daxkit WORD... completes to WANT, silently.
check() {
	local t=completion-$1 want=$2
	shift 2
	comp "$@"
	if [ -n "$noise" ]; then
		fail "$t" "daxkit $*<TAB>: the function printed: $noise"
	elif [ "$got" != "$want" ]; then
		fail "$t" "daxkit $*<TAB>: got '$got', want '$want'"
	else
		pass "$t"
	fi
}

all_cmds="check create-device destroy-device disable-device enable-device help list modules"
all_cmds="$all_cmds offline-memory online-memory poison reconfigure-device resize restore save"
all_cmds="$all_cmds set-align stack stacks unstack"
devs="daxkit0.0 daxkit0.1 daxkit100.0"

check commands "$all_cmds" ""
check command-prefix "create-device" cr
check global-options "--help --version" --
check enable-all-devices "all $devs" enable-device ""
check disable-devices-prefix "daxkit100.0" disable-device daxkit1
check destroy-dev-path "/dev/daxkit0.0 /dev/daxkit0.1" destroy-device /dev/daxkit0
check resize-devices "daxkit0.0 daxkit0.1" resize daxkit0.
check resize-one-device "" resize daxkit0.0 ""
check resize-options "--force --help --size -f -s" resize daxkit0.0 -
check resize-size-arg "" resize daxkit0.1 -s ""
check list-regions "0 100" list -r ""
check create-regions "0 100" create-device -r ""
check list-device-arg "all $devs" list -d ""
check list-long-options \
	"--device --devices --help --human --idle --mappings --numa-node --poison --region --regions --verbose" \
	list --
check list-numa-nodes "0 1" list -U ""
check list-after-options "--device --devices" list -R --region 0 --dev
check list-long-region "0 100" list --region ""
check set-align-long "1073741824 2097152 4096" set-align daxkit0.1 --align ""
check set-align-aligns "1073741824 2097152 4096" set-align daxkit0.1 -a ""
check stack-pmem "/dev/pmem0 /dev/pmem1.0" stack ""
check stack-pmem-prefix "/dev/pmem1.0" stack /dev/pmem1
check unstack-stacked "/dev/pmem1.0 daxkit201" unstack ""
check modules-subcommands "load reload status unload" modules ""
check modules-status-options "--help --json" modules status --
check modules-load-options "--fsdax= --help --ranges= --stack=" modules load --
check modules-stack-split "/dev/pmem0 /dev/pmem1.0" modules load --stack = ""
check modules-stack-split-prefix "/dev/pmem0" modules reload --stack = /dev/pmem0
check modules-stack-word "--stack=/dev/pmem0" modules load --stack=/dev/pmem0
check poison-subcommands "clear list" poison ""
check poison-list-devices "$devs" poison list ""
check poison-clear-options "--all --help --length --offset" poison clear daxkit0.0 --
check save-files "devices.json" save d
check restore-files "devices.json other.json sub" restore ""
check restore-options "--boot --help" restore --
check check-options "--help --json" check --
check reconfigure-modes "devdax system-ram" reconfigure-device -m ""
check reconfigure-mode-long "system-ram" reconfigure-device daxkit0.0 --mode s
check reconfigure-devices "all $devs" reconfigure-device -m devdax ""
check reconfigure-options "--force --help --mode --no-movable --no-online --region" reconfigure-device --
check online-memory-options "--help --no-movable --region" online-memory --
check offline-memory-devices "all $devs" offline-memory ""
ROOT=$work/empty check root-prefix-devices "all" enable-device ""
ROOT=$work/empty check root-prefix-regions "" list -r ""
ROOT=$work/empty check root-prefix-pmem "" stack ""

t=completion-registered
reg=$(bash -c '. "$0" && complete -p daxkit' "$file" 2>&1)
case $reg in
*"-F _daxkit "*daxkit) pass $t ;;
*) fail $t "complete -p daxkit: '$reg'" ;;
esac
