#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkfsx (tests/guest/src/dkfsx.c), the random-operation file exerciser the
# VM suite runs on daxkitfs, here on the host's own filesystems: built
# with the flags the guest build uses (static when the host can, else
# dynamic), it must pass 20000 operations on a tmpfs (/dev/shm) and on a
# directory of the host's disk filesystem (/var/tmp) with a fixed seed;
# replay (the same seed and options give the same operation log, on
# either filesystem); catch a corrupted shadow (-X: exit 1, seed and
# replay line printed); leave out each operation its option disables;
# keep O_DIRECT and -P ranges aligned; stop at a time limit; exit 2 on an
# unexpected system call error and on usage errors.  About 20 s (the
# disk's run, in the background, is the longest).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

src=$DAXKIT_SRC/tests/guest/src/dkfsx.c
CFLAGS=(-O2 -Wall -Wextra -Werror -pthread)	# as tests/vm/initramfs.sh builds it
SEED=6401
npass=0
nfail=0
ok() { pass "$1"; npass=$((npass + 1)); }
ko() { fail "$1" "$2"; nfail=$((nfail + 1)); }
verdict() { if [ -z "$why" ]; then ok "$1"; else ko "$1" "${why:0:600}"; fi; }
because() { why="$why${why:+; }$*"; }
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" = 0 ]
	exit
}

work=$(mktemp -d /tmp/daxkit-dkfsx.XXXXXX)
disk=$(mktemp -d /var/tmp/daxkit-dkfsx.XXXXXX)
shm=
if [ "$(stat -f -c %T /dev/shm 2> /dev/null)" = tmpfs ]; then
	shm=$(mktemp -d /dev/shm/daxkit-dkfsx.XXXXXX)
fi
disk_pid=
trap '[ -z "$disk_pid" ] || kill "$disk_pid" 2> /dev/null; wait; rm -rf "$work" "$disk" ${shm:+"$shm"}' EXIT
# tmpfs for the runs that do not need the disk: faster
fast=${shm:-$disk}

if [ ! -f "$src" ]; then
	ko dkfsx-build "tests/guest/src/dkfsx.c is missing"
	finish
fi

# ---- build

why=
bin=$work/dkfsx
if gcc -static "${CFLAGS[@]}" -o "$bin" "$src" 2> "$work/cc.err"; then
	:
elif gcc "${CFLAGS[@]}" -o "$bin" "$src" 2> "$work/cc.err"; then
	log "dkfsx: no static libc here: built dynamic"
else
	because "gcc: $(head -c 400 "$work/cc.err" | tr '\n' '|')"
fi
gcc "${CFLAGS[@]}" -Wshadow -Wformat=2 -fsyntax-only "$src" 2> "$work/cc2.err" ||
	because "-Wshadow -Wformat=2: $(head -c 300 "$work/cc2.err" | tr '\n' '|')"
verdict dkfsx-build
[ -x "$bin" ] || finish

# run NAME ARG...: dkfsx ARG... under a 60 s timeout; rc, $work/NAME.out,
# $work/NAME.err.
run() {
	local name=$1
	shift
	timeout 60 "$bin" "$@" > "$work/$name.out" 2> "$work/$name.err"
	rc=$?
}
errtext() { head -c 300 "$work/$1.err" | tr '\n' '|'; }
want_rc() { [ "$rc" = "$2" ] || because "exit $rc, want $2 (stderr: $(errtext "$1"))"; }
# The last line of stdout: the summary of a run that passed.
want_ok_line() {	# NAME FILE OPS SEED
	local last
	last=$(tail -n 1 "$work/$1.out")
	[[ $last =~ ^dkfsx:\ $2:\ $3\ operations\ \([0-9]+\ writes,\ [0-9]+\ reads,\ .*\ skipped\),\ seed\ $4:\ OK$ ]] ||
		because "last line '${last:0:200}'"
}
rate() { sed -n 's/.* operations in .* s: \([0-9]*\) ops\/s$/\1/p' "$work/$1.err"; }

# ---- usage and errors

why=
run help --help
want_rc help 0
grep -q '^usage: dkfsx \[options\] FILE' "$work/help.out" || because "--help: no usage line"
for o in -N -S -l -s -o -q -r -t -d -P -E -X -W -R -M -m -T -F -H -Z -K -Y -O -L; do
	grep -qE -- "^ +$o( |$)|  $o  " "$work/help.out" || because "--help does not list $o"
done
run noarg
want_rc noarg 2
run badE -E sloppy "$fast/f"
want_rc badE 2
run badnum -N 12x "$fast/f"
want_rc badnum 2
run badsize -s 5000 "$fast/f"
want_rc badsize 2
verdict dkfsx-usage

why=
run enoent -S 1 -N 10 "$work/no/such/dir/f"
want_rc enoent 2
grep -q 'No such file or directory' "$work/enoent.err" || because "no error text: $(errtext enoent)"
verdict dkfsx-syscall-error-exits-2

# ---- 20000 operations on each filesystem

# The disk's run waits on fsync and msync most of its time: it runs in
# the background while the checks on tmpfs below use the CPU.
timeout 60 "$bin" -o -S $SEED -N 20000 "$disk/file" > "$work/dkfsx-disk-20000.out" \
	2> "$work/dkfsx-disk-20000.err" &
disk_pid=$!

fstype() { df --output=fstype "$1" | tail -n 1; }
# one20k NAME DIR: 20000 operations, the fixed seed, passing (rc set)
one20k() {
	why=
	want_rc "$1" 0
	want_ok_line "$1" "$2/file" 20000 $SEED
	grep -q "^dkfsx: $2/file: seed $SEED, page size [0-9]*; replay with: dkfsx -S $SEED " "$work/$1.out" ||
		because "no start line with the seed"
	log "dkfsx on $(fstype "$2") ($2): $(rate "$1") ops/s; $(tail -n 1 "$work/$1.out")"
	verdict "$1"
}
if [ -n "$shm" ]; then
	run dkfsx-tmpfs-20000 -o -S $SEED -N 20000 "$shm/file"
	one20k dkfsx-tmpfs-20000 "$shm"
else
	log "/dev/shm is not a tmpfs: dkfsx-tmpfs-20000 does not run"
fi

# ---- replay

why=
run replay1 -q -o -S 99 -N 2000 "$fast/r"
want_rc replay1 0
run replay2 -q -o -S 99 -N 2000 "$fast/r"
want_rc replay2 0
cmp -s "$work/replay1.out" "$work/replay2.out" ||
	because "two runs of seed 99 differ: $(diff "$work/replay1.out" "$work/replay2.out" | head -n 3 | tr '\n' '|')"
[ "$(grep -c '^[0-9]* ' "$work/replay1.out")" = 2000 ] ||
	because "$(grep -c '^[0-9]* ' "$work/replay1.out") operation lines, want 2000"
run replay3 -q -o -S 100 -N 2000 "$fast/r"
! cmp -s "$work/replay1.out" "$work/replay3.out" || because "seeds 99 and 100 gave the same log"
verdict dkfsx-replay-same-seed-same-log

# ---- -X: a corrupted shadow must be caught

why=
run selftest -S 4242 -N 3000 -X 1500 "$fast/x"
want_rc selftest 1
grep -q "MISMATCH at op 1500 " "$work/selftest.err" || because "no 'MISMATCH at op 1500': $(errtext selftest)"
grep -qE "first difference at offset 0x[0-9a-f]+ \(expected 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}\)" "$work/selftest.err" ||
	because "no first differing offset"
grep -qE '^  expected 0x[0-9a-f]+:' "$work/selftest.err" && grep -qE '^  got +0x[0-9a-f]+:' "$work/selftest.err" ||
	because "no hex window"
grep -q '^dkfsx: the last 64 operations, oldest first:$' "$work/selftest.err" || because "no ring of operations"
grep -q '^  1500 ' "$work/selftest.err" || because "op 1500 not in the ring"
grep -q "^dkfsx: seed 4242; replay with: dkfsx -S 4242 -N 3000 .* -X 1500 $fast/x$" "$work/selftest.err" ||
	because "no seed and replay line"
! grep -q ': OK$' "$work/selftest.out" || because "printed OK"
# at op 1, the file may be empty: then the size is what is corrupted
run selftest1 -S 4242 -N 10 -X 1 -W -M -F -T "$fast/x"
want_rc selftest1 1
grep -q "MISMATCH at op 1 " "$work/selftest1.err" || because "-X 1 on an empty file: $(errtext selftest1)"
verdict dkfsx-selftest-detects-corruption

# ---- each operation can be left out

run base -q -o -S 7 -N 1000 "$fast/d"
# letter, what its lines look like (ERE, after "N "), the summary word (if one)
while read -r opt re word; do
	why=
	grep -qE "^[0-9]+ ($re)" "$work/base.out" || because "without $opt, no such operation ran: bad test"
	run "off$opt" -q -o -S 7 -N 1000 "$opt" "$fast/d"
	want_rc "off$opt" 0
	! grep -qE "^[0-9]+ ($re)" "$work/off$opt.out" ||
		because "ran: $(grep -m1 -E "^[0-9]+ ($re)" "$work/off$opt.out")"
	[ "$word" = - ] || tail -n 1 "$work/off$opt.out" | grep -qE "[(, ]0 $word[,)]" ||
		because "summary: $(tail -n 1 "$work/off$opt.out")"
	[ "$(grep -c '^[0-9]* ' "$work/off$opt.out")" = 1000 ] || because "not 1000 operations"
	verdict "dkfsx-disable$opt"
done <<'EOF'
-W write  writes
-R read  reads
-M mapwrite mapwrites
-m mapread mapreads
-T truncate truncates
-F fallocate fallocates
-H fallocate.punch_hole -
-Z fallocate.zero_range -
-K fallocate.(keep_size|zero_range_keep_size) -
-Y fsync|fdatasync syncs
-O close.and.reopen reopens
-L seek seeks
EOF

# ---- alignment: O_DIRECT reopens, -P

# The operation log gives offsets and lengths in hex ("0x1f000", "(0x1000"):
# a function for any awk (mawk has no strtonum).
AWKHEX='function hex(s,   i, v, c) {
	sub(/^\(?0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c) return -1
		v = v * 16 + c - 1
	}
	return v
}'

why=
run direct -q -o -d -S 12 -N 3000 "$fast/o"
want_rc direct 0
grep -q '^[0-9]* close and reopen O_DIRECT$' "$work/direct.out" || because "no O_DIRECT reopen"
# after an O_DIRECT reopen, until the next reopen: pread/pwrite at 4096
bad=$(awk "$AWKHEX"'
	/ close and reopen/ { d = ($NF == "O_DIRECT") }
	d && ($2 == "write" || $2 == "read") {
		n++; o = hex($3); l = hex($6)
		if (o < 0 || l <= 0 || o % 4096 || l % 4096) { print; exit } }
	END { if (!n) print "no read or write on an O_DIRECT fd" }' "$work/direct.out" 2>&1)
[ -z "$bad" ] || because "unaligned on an O_DIRECT fd: $bad"
verdict dkfsx-direct-aligned

why=
run pgalign -q -o -P -S 13 -N 2000 "$fast/p"
want_rc pgalign 0
bad=$(awk "$AWKHEX"'
	/ skipped/ { next }
	$2 ~ /^(write|read|mapwrite|mapread|fallocate)$/ {
		n++; i = ($2 == "fallocate") ? 4 : 3
		o = hex($i); l = hex($(i + 3))
		if (o < 0 || l <= 0 || o % 4096 || ($2 != "mapread" && l % 4096)) { print; exit } }
	$2 == "truncate" || $2 == "seek" { n++; if (hex($NF) < 0 || hex($NF) % 4096) { print; exit } }
	END { if (n < 1500) print "only " n " operations with offsets" }' "$work/pgalign.out" 2>&1)
[ -z "$bad" ] || because "not page-aligned: $bad"
verdict dkfsx-page-aligned

# ---- a time limit stops it cleanly

why=
t0=$(date +%s%N)
run timed -S 21 -N 0 -t 1 "$fast/t"
ms=$((($(date +%s%N) - t0) / 1000000))
want_rc timed 0
grep -qE "time limit of 1 s reached after [0-9]+ operations" "$work/timed.err" ||
	because "no time-limit line: $(errtext timed)"
n=$(sed -n 's/.* reached after \([0-9]*\) operations$/\1/p' "$work/timed.err")
want_ok_line timed "$fast/t" "${n:-x}" 21
[ "$ms" -ge 1000 ] && [ "$ms" -lt 8000 ] || because "took $ms ms"
verdict dkfsx-time-limit

# ---- -E strict: an unsupported mode is an error

if grep -q 'note: fallocate .*: Operation not supported' "$work/dkfsx-tmpfs-20000.err" 2> /dev/null; then
	why=
	run strict -E strict -S $SEED -N 20000 "$shm/s"
	want_rc strict 2
	grep -q 'unsupported, and -E strict' "$work/strict.err" || because "$(errtext strict)"
	verdict dkfsx-strict-unsupported-exits-2
else
	log "every fallocate mode works on tmpfs here: dkfsx-strict-unsupported-exits-2 does not run"
fi

# ---- the disk's run, started above

wait "$disk_pid"
rc=$?
one20k dkfsx-disk-20000 "$disk"

# The operations do not depend on the filesystem: tmpfs and the disk
# (whatever each supports) run the same log of seed 6401.
if [ -n "$shm" ]; then
	why=
	ops() { grep '^[0-9]* ' "$work/$1.out"; }
	diff <(ops dkfsx-tmpfs-20000) <(ops dkfsx-disk-20000) > "$work/xfs.diff" ||
		because "the logs differ: $(head -n 3 "$work/xfs.diff" | tr '\n' '|')"
	[ "$(ops dkfsx-disk-20000 | wc -l)" = 20000 ] || because "not 20000 operation lines"
	verdict dkfsx-replay-across-filesystems
fi

finish
