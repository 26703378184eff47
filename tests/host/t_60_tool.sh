#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The daxkit command (tools/daxkit), built outside the tree, against a
# fake system under DAXKIT_ROOT: a sysfs laid out as dax_core and
# dax_pmem lay it out (regions in a daxkit_region group of their provider
# device, devices on the daxkit bus by relative symlinks, root-only
# attributes 0400, write-only ones 0200), /proc/iomem and /proc/cmdline,
# /dev/kmsg as a plain file of kmsg records, /dev nodes as plain files,
# /sys/module, a /lib/modules/KVER of minimal .ko files (an ELF with a
# .modinfo section) indexed by the host's depmod, and a DKMS tree.
#
# The fake regions: 0, a legacy memmap range (1 GiB at 4 GiB: daxkit0.0
# 512 MiB and daxkit0.2 256 MiB enabled, daxkit0.1 the empty seed, 256 MiB
# available); 16, a ranges= entry with fsdax pages (daxkit16.0, empty);
# 100, namespace0.0's nd_dax dax0.1 (daxkit100.0 enabled, 2 GiB on NUMA
# node 1, shown in class dax as dax0.0; daxkit100.1 the seed); 101,
# stacked on /dev/pmem1 (daxkit101.0, 64 MiB, disabled).  Beside
# dax_dev, the bus has the kmem driver of dax_dev (new_id, remove_id);
# memory hotplug's /sys/devices/system/memory has 128 MiB blocks, two of
# boot RAM (memory0, memory1) and auto_online_blocks offline; the checks
# of system-ram mode add the blocks of their devices.
#
# A write-only attribute (bind, unbind, delete, mapping, clear_poison,
# unstack, new_id, remove_id) is a FIFO that the helper below holds open:
# the tool's writes land there and each check reads exactly what was
# written, write after write.  A read-write one (size, align, stack, a
# memory block's state) is a plain file: the tool
# writes at its start without truncating (sysfs needs no more), so a
# check looks at the start of the file.  Each check that says nothing
# changed compares every file, link and FIFO of the tree before and
# after.  A tree is fresh (copied from a template) for each check that
# changes something.
#
# Not covered here, and why: `modules load`, `unload` and `reload` past
# their refusals (they call init_module and delete_module on the host's
# own kernel; the VM suite runs them), and a `create` attribute that makes
# a device appear (the fake makes it beforehand).
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

umask 022
PY=/usr/bin/python3	# Debian's: python3-jsonschema is installed for it
src=$DAXKIT_SRC/tools/daxkit
schemas=$DAXKIT_SRC/tests/host/tool-schema
KVER=6.1.0-99-amd64	# no machine runs it: everything comes from the fake
VER=$(daxkit_version)
work=$(mktemp -d /tmp/daxkit-tool.XXXXXX)
chmod 755 "$work"	# uid 65534 runs the tool too
seen_rc=()
prefill=

cleanup() {
	if [ -n "${HELPER_PID:-}" ]; then
		exec {HELPER[1]}>&-
		wait "$HELPER_PID" 2> /dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

if [ ! -f "$src/main.c" ]; then
	fail tool-build "tools/daxkit is missing"
	exit 0
fi

# ---- the helper: a coprocess that holds the FIFOs, snapshots the tree,
# and checks JSON against the schemas and against expressions.

cat > "$work/h.py" <<'EOF'
# One request: a line with the number of arguments, then one line each;
# one line in reply: "ok" or "fail: why".
import hashlib, json, os, resource, stat, sys, time, warnings

warnings.simplefilter("ignore")
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
try:
    from jsonschema import Draft7Validator, RefResolver
except ImportError:
    Draft7Validator = None
held = {}
validators = {}


def norm(p):
    return os.path.normpath(p)


def drain(fd):
    data = b""
    while True:
        try:
            c = os.read(fd, 65536)
        except BlockingIOError:
            break
        if not c:
            break
        data += c
    return data


def c_hold(root):
    for d, dirs, files in os.walk(root):
        for n in files:
            p = norm(os.path.join(d, n))
            st = os.lstat(p)
            if not stat.S_ISFIFO(st.st_mode):
                continue
            if p in held:
                if os.fstat(held[p]).st_ino == st.st_ino:
                    continue
                os.close(held[p])
            held[p] = os.open(p, os.O_RDWR | os.O_NONBLOCK)
    return "ok"


def c_state(root, snap, wdir=None):
    lines = []
    for d, dirs, files in os.walk(root):
        for n in sorted(dirs + files):
            p = norm(os.path.join(d, n))
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            m = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                lines.append(f"l {rel} {os.readlink(p)}")
            elif stat.S_ISDIR(st.st_mode):
                lines.append(f"d {rel} {m:o}")
            elif stat.S_ISFIFO(st.st_mode):
                data = drain(held[p]) if p in held else b""
                if data and wdir:
                    out = os.path.join(wdir, rel)
                    os.makedirs(os.path.dirname(out), exist_ok=True)
                    with open(out, "ab") as f:
                        f.write(data)
                lines.append(f"p {rel} {m:o}")
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    h = hashlib.sha256(f.read()).hexdigest()[:16]
                lines.append(f"f {rel} {m:o} {h}")
            else:
                lines.append(f"o {rel} {m:o}")
    with open(snap, "w") as f:
        f.write("\n".join(sorted(lines)) + "\n")
    return "ok"


def c_put(path, data):
    os.write(held[norm(path)], (data + "\n").encode())
    return "ok"


def c_fill(path):
    fd = held[norm(path)]
    for n in (4096, 1):
        while True:
            try:
                os.write(fd, b"#" * n)
            except BlockingIOError:
                break
    return "ok"


def c_take(path, out):
    with open(out, "ab") as f:
        f.write(drain(held[norm(path)]))
    return "ok"


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        try:
            with open(f"/proc/{p}/stat") as f:
                if p.isdigit() and f.read().rsplit(")", 1)[1].split()[1] == pid:
                    out.append(p)
        except (OSError, IndexError):
            pass
    return out


def c_wait_open(pid, path, timeout):
    """Whether process pid, or a child of it, has path open."""
    end = time.time() + float(timeout)
    want = os.path.realpath(path)
    while time.time() < end:
        for p in [pid] + children(pid):
            try:
                for fd in os.listdir(f"/proc/{p}/fd"):
                    if os.readlink(f"/proc/{p}/fd/{fd}") == want:
                        return "ok"
            except OSError:
                pass
        time.sleep(0.01)
    return "fail: the tool did not open " + path


def validator(name):
    if name not in validators:
        sdir = os.environ["SCHEMAS"]
        store = {}
        for n in os.listdir(sdir):
            if n.endswith(".json"):
                with open(os.path.join(sdir, n)) as f:
                    store["file://" + os.path.join(sdir, n)] = json.load(f)
        uri = "file://" + os.path.join(sdir, name + ".json")
        Draft7Validator.check_schema(store[uri])
        validators[name] = Draft7Validator(store[uri],
                                           resolver=RefResolver(uri, store[uri], store=store))
    return validators[name]


def compact(d):
    return json.dumps(d, separators=(",", ":"))[:240]


def names(a):
    return [x.get("chardev") for x in a]


def by(a, key, val):
    return next((x for x in a if x.get(key) == val), {})


def c_json(*args):
    mode = schema = None
    if args[0] in ("--each", "--whole"):
        mode, schema, args = args[0], args[1], args[2:]
    path, exprs = args[0], args[1:]
    with open(path) as f:
        text = f.read()
    try:
        d = json.loads(text)
    except ValueError as e:
        return f"fail: {os.path.basename(path)} is not JSON ({e}): {text[:80]!r}"
    if mode:
        if Draft7Validator is None:
            return "fail: python3-jsonschema is not installed"
        if mode == "--each" and not isinstance(d, list):
            return f"fail: not a JSON array: {text[:80]!r}"
        v = validator(schema)
        for i, x in enumerate(d if mode == "--each" else [d]):
            errs = sorted(v.iter_errors(x), key=lambda e: list(map(str, e.absolute_path)))
            if errs:
                where = "/".join(map(str, errs[0].absolute_path)) or "top"
                return f"fail: {schema} schema, item {i}, at {where}: {errs[0].message[:160]}"
    env = {"d": d, "names": names, "by": by, "sorted": sorted, "any": any, "all": all,
           "len": len, "set": set, "isinstance": isinstance}
    if isinstance(d, list):
        env["mod"] = lambda n: next((x for x in d if isinstance(x, dict) and
                                     n in (x.get("name"), x.get("module"))), {})
        env["codes"] = lambda level=None: [x.get("code") for x in d if isinstance(x, dict)
                                           and level in (None, x.get("level"))]
        env["found"] = lambda code: [x for x in d if isinstance(x, dict) and x.get("code") == code]
    for e in exprs:
        try:
            ok = eval(e, env)
        except Exception as ex:
            return f"fail: {e}: {type(ex).__name__}: {ex}; in {compact(d)}"
        if not ok:
            return f"fail: not {e}; in {compact(d)}"
    return "ok"


cmds = {"hold": c_hold, "state": c_state, "put": c_put, "fill": c_fill, "take": c_take,
        "wait-open": c_wait_open, "json": c_json}
while True:
    line = sys.stdin.readline()
    if not line:
        break
    args = [sys.stdin.readline().rstrip("\n") for _ in range(int(line))]
    try:
        r = cmds[args[0]](*args[1:])
    except Exception as e:
        r = f"fail: {args[0]}: {type(e).__name__}: {e}"
    print(r.replace("\n", " ")[:600], flush=True)
EOF
coproc HELPER { SCHEMAS=$schemas exec "$PY" "$work/h.py"; }

# hq ARG...: a request to the helper; its reply in $reply; true on "ok".
# (Not in $(...) or a pipeline: the coprocess is not there.)
hq() {
	printf '%s\n' "$#" "$@" >&"${HELPER[1]}"
	IFS= read -r reply <&"${HELPER[0]}" || reply="fail: the helper died"
	[ "$reply" = ok ]
}

# ---- one check: begin, run the tool, want..., verdict NAME.

why=
begin() { why=; }
because() { why="$why${why:+; }$*"; }
verdict() {
	if [ -z "$why" ]; then pass "$1"; else fail "$1" "${why:0:600}"; fi
}
errtext() { head -c 240 "$work/err" | tr '\n' '|'; }
want_rc() { [ "$rc" = "$1" ] || because "exit $rc, want $1 (stderr: $(errtext))"; }
# want_json [--each|--whole SCHEMA] EXPR...: stdout is JSON (each element
# of an array, or the whole, valid against tool-schema/SCHEMA.json) and
# makes each Python EXPR true (d: the document).
want_json() { want_jsonf "$work/out" "$@"; }
want_jsonf() {
	local f=$1 opt=()
	shift
	case ${1-} in --each | --whole) opt=("$1" "$2"); shift 2 ;; esac
	hq json "${opt[@]}" "$f" "$@" || because "${reply#fail: }"
}
want_out() { [ "$(cat "$work/out")" = "$1" ] || because "stdout '$(head -c 80 "$work/out")', want '$1'"; }
want_err() { grep -qE -- "$1" "$work/err" || because "stderr lacks /$1/ (stderr: $(errtext))"; }
want_no_err() {
	! grep -qE -- "$1" "$work/err" || because "stderr has: $(grep -m1 -E -- "$1" "$work/err")"
}
# Nothing written: no file, link or mode changed, no FIFO written.
want_unchanged() {
	[ -z "$changed" ] || because "changed: $changed"
	[ -z "$(ls -A "$work/writes")" ] ||
		because "wrote to: $(cd "$work/writes" && find . -type f | sed 's#.*/sys/##' | tr '\n' ' ')"
}
# want_changed REL...: exactly these regular files changed.
want_changed() { [ "$changed" = "$*" ] || because "changed '$changed', want '$*'"; }
# want_wrote REL VALUE: all that was written to the FIFO REL.
want_wrote() {
	local got
	got=$(cat "$work/writes/$1" 2> /dev/null)
	[ "$got" = "$2" ] || because "wrote '${got:0:80}' to ${1#sys/}, want '$2'"
}
# want_file REL VALUE: the plain file REL starts with VALUE.
want_file() {
	local got
	got=$(head -c "${#2}" "$root/$1")
	[ "$got" = "$2" ] || because "${1#sys/} starts '$got', want '$2'"
}

# run [--nobody] [VAR=VALUE...] ARG...: the tool, on $root; sets rc,
# $work/out, $work/err, $changed (files changed) and $work/writes/REL
# (what went to each FIFO).
run() {
	local pre=() envs=("DAXKIT_ROOT=$root" "DAXKIT_UNAME_R=$KVER")
	while [ $# -gt 0 ]; do
		case $1 in
		--nobody) pre=(setpriv --reuid=65534 --regid=65534 --clear-groups) ;;
		[A-Z]*=*) envs+=("$1") ;;
		*) break ;;
		esac
		shift
	done
	hq state "$root" "$work/snap.before" || because "helper: $reply"
	rm -rf "$work/writes"
	mkdir "$work/writes"
	if [ -n "$prefill" ]; then
		hq put "${prefill%%=*}" "${prefill#*=}" || because "helper: $reply"
		prefill=
	fi
	timeout 20 "${pre[@]}" env "${envs[@]}" "$tool" "$@" > "$work/out" 2> "$work/err"
	rc=$?
	hq state "$root" "$work/snap.after" "$work/writes" || because "helper: $reply"
	changed=$(diff "$work/snap.before" "$work/snap.after" |
		sed -n 's/^[<>] [a-z] \([^ ]*\).*/\1/p' | sort -u | tr '\n' ' ')
	changed=${changed% }
	seen_rc[rc]=1
	keep_json "$@"
	# The checks that change nothing share one tree: one that a bug changed
	# is made again, so that the next check does not see the change.
	if [ "$root" = "$work/base" ] && { [ -n "$changed" ] || [ -n "$(ls -A "$work/writes")" ]; }; then
		rm -rf "$root"
		cp -a "$work/template" "$root"
		hq hold "$root" || because "helper: $reply"
	fi
	format_check "$@"
}

# format_check ARG...: every line on stderr of the command ARG... is
# "daxkit: CMD: ...", "hint: ...", "kernel: ..." or the usage line.
format_check() {
	case " list create-device destroy-device resize set-align enable-device disable-device reconfigure-device online-memory offline-memory modules stack unstack stacks poison save restore check " in
	*" ${1-} "*)
		awk -v cmd="$1" '!(index($0, "daxkit: " cmd ": ") == 1 || /^hint: ./ ||
			/^kernel: ./ || index($0, "usage: daxkit " cmd) == 1) { print cmd ": " $0 }' \
			"$work/err" >> "$work/format-bad" ;;
	esac
}

# keep_json ARG...: keep the stdout of the command ARG... with the schema
# its elements have, for the checks at the end that validate every output.
nkept=0
mkdir "$work/json"
keep_json() {
	local schema= a
	case " $* " in *" --help "* | *" -h "*) return 0 ;; esac
	case ${1-} in
	list)
		schema=device
		for a in "$@"; do case $a in -R | --regions | -*R*) schema=region ;; esac; done
		[ "$rc" != 2 ] || schema= ;;
	create-device | resize | set-align | enable-device | disable-device | reconfigure-device | \
		online-memory | offline-memory) schema=device ;;
	stacks | stack) schema=stack ;;
	poison) case ${2-} in list) schema=poison ;; clear) schema=poison-clear ;; esac ;;
	check) case " $* " in *" --json "*) schema=finding ;; esac ;;
	modules) case ${2-} in status | --json | '') schema=module ;; esac ;;
	esac
	[ -n "$schema" ] || return 0
	# list prints JSON also when it fails; the others when they have any
	[ "$1" = list ] || [ -s "$work/out" ] || return 0
	nkept=$((nkept + 1))
	cp "$work/out" "$work/json/$nkept"
	printf '%s %s %s\n' "$schema" "$nkept" "$*" >> "$work/json/index"
}

# ---- build, outside the tree

t=tool-build-out-of-tree
files_before=$(find "$DAXKIT_SRC/tools" "$DAXKIT_SRC/tests" | sort)
mkdir "$work/build"
cp "$src"/*.c "$src"/*.h "$src/Makefile" "$work/build/"
if ! make -s -j"$(nproc)" -C "$work/build" VERSION="$VER" daxkit > "$work/build.log" 2>&1; then
	fail $t "$(grep -v 'dkms.conf' "$work/build.log" | tail -n 5 | tr '\n' '|')"
	exit 0
fi
tool=$work/build/daxkit
chmod 755 "$work/build" "$tool"
begin
[ "$(find "$DAXKIT_SRC/tools" "$DAXKIT_SRC/tests" | sort)" = "$files_before" ] ||
	because "the build added or removed files in the tree"
[ "$("$tool" --version)" = "daxkit $VER" ] || because "--version: '$("$tool" --version)'"
verdict $t

# ---- the fake system

attr() {	# attr FILE VALUE [MODE]
	printf '%s\n' "$2" > "$1"
	chmod "${3:-644}" "$1"
}
fifo() { mkfifo -m "${2:-200}" "$1"; }
rlink() {	# rlink TARGET LINK: a relative symlink, as sysfs makes them
	ln -s "$(realpath -m --relative-to="$(dirname "$2")" "$1")" "$2"
}

# mkregion DIR ID SIZE ALIGN SUPPORTED AVAILABLE SEED PAGES YOUNGEST
mkregion() {
	local g=$1/daxkit_region
	mkdir -p "$g"
	attr "$g/id" "$2" 444
	attr "$g/size" "$3" 444
	attr "$g/align" "$4" 400
	attr "$g/supported_alignments" "$5" 444
	attr "$g/available_size" "$6" 444
	attr "$g/seed" "$7" 444
	attr "$g/pages" "$8" 444
	attr "$g/create" "$9" 644
	fifo "$g/delete"
}

# mkdev PARENT NAME SIZE ALIGN RESOURCE NODE DRIVER ["START END PGOFF"...]
mkdev() {
	local d=$1/$2 name=$2 i=0 m
	mkdir -p "$d"
	attr "$d/size" "$3"
	attr "$d/align" "$4"
	[ -z "$5" ] || attr "$d/resource" "$5" 400
	attr "$d/numa_node" "$6" 444
	attr "$d/target_node" "$6" 444
	attr "$d/modalias" "daxkit:t0" 444
	: > "$d/poison"
	chmod 400 "$d/poison"
	fifo "$d/clear_poison"
	fifo "$d/mapping"
	[ -z "$7" ] || rlink "$root/sys/bus/daxkit/drivers/$7" "$d/driver"
	rlink "$root/sys/bus/daxkit" "$d/subsystem"
	rlink "$d" "$root/sys/bus/daxkit/devices/$name"
	shift 7
	for m in "$@"; do
		set -- $m
		mkdir "$d/mapping$i"
		attr "$d/mapping$i/start" "$1" 400
		attr "$d/mapping$i/end" "$2" 400
		attr "$d/mapping$i/page_offset" "$3" 400
		i=$((i + 1))
	done
}

# mkblock ID STATE ZONES: memory block ID (of 128 MiB, at ID * 128 MiB) of
# memory hotplug's sysfs, as the kernel shows it: phys_index in hex,
# state, valid_zones (an online block's zone; an offline one's choices).
mkblock() {
	local b=$root/sys/devices/system/memory/memory$1
	mkdir -p "$b"
	attr "$b/phys_index" "$(printf '%08x' "$1")" 444
	attr "$b/state" "$2"
	attr "$b/valid_zones" "$3" 444
}

# to_kmem PARENT NAME: device NAME bound to kmem, as new_id leaves it.
to_kmem() {
	rm -f "$1/$2/driver"
	rlink "$root/sys/bus/daxkit/drivers/kmem" "$1/$2/driver"
}

# The .ko files: an ELF relocatable with the .modinfo modinfo(8) reads.
# ko NAME MODNAME VERSION ABI [VERMAGIC-RELEASE] [FS-ABI]
ko() {
	local i=0 kv
	{
		for kv in "name=$2" "vermagic=${5:-$KVER} SMP preempt mod_unload modversions " \
			"license=GPL" ${3:+"version=$3"} ${4:+"daxkit_abi=$4"} ${6:+"dax_fs_abi=$6"}; do
			i=$((i + 1))
			printf '__attribute__((section(".modinfo"), used, aligned(1))) static const char m%d[] = "%s";\n' \
				$i "$kv"
		done
	} > "$work/ko/$1.c"
}
mkdir "$work/ko"
ko core dax_core "$VER" 2.3
ko dev dax_dev "$VER" 2.3
ko dev-abi3 dax_dev "$VER" 3.0
ko dev-abi21 dax_dev "$VER" 2.1
ko pmem dax_pmem "$VER" 2.3
ko pmem-other dax_pmem "$VER" 2.3 6.1.0-98-amd64
ko fs dax_fs_helper "$VER" 2.3 "" 1.4
ko dkfs daxkitfs "$VER" "" "" 1.2
ko dkfs-abi2 daxkitfs "$VER" "" "" 2.0
ko intree dax_pmem "" ""
(cd "$work/ko" && gcc -c ./*.c) > "$work/ko.log" 2>&1 || {
	fail tool-fake-modules "gcc: $(head -c 200 "$work/ko.log")"
	exit 0
}
depmod_root() { depmod -b "$root" "$KVER" 2> /dev/null; }

build_template() {
	root=$work/template
	local s=$root/sys m
	local p0=$s/devices/platform/daxkit_pmem.0 p16=$s/devices/platform/daxkit_pmem.16
	local nd=$s/devices/platform/e820_pmem/ndbus0/region0/dax0.1
	local st=$s/devices/platform/daxkit_stack.101
	mkdir -p "$s/bus/daxkit/devices" "$s/bus/daxkit/drivers/dax_dev" "$s/bus/nd/devices" \
		"$s/bus/nd/drivers/dax_pmem" "$s/class/dax" "$root/proc" "$root/dev" "$root/etc"
	fifo "$s/bus/daxkit/drivers/dax_dev/bind"
	fifo "$s/bus/daxkit/drivers/dax_dev/unbind"
	mkdir "$s/bus/daxkit/drivers/kmem"
	fifo "$s/bus/daxkit/drivers/kmem/new_id"
	fifo "$s/bus/daxkit/drivers/kmem/remove_id"
	mkdir -p "$s/devices/system/memory"
	attr "$s/devices/system/memory/block_size_bytes" 8000000 444
	attr "$s/devices/system/memory/auto_online_blocks" offline
	mkblock 0 online Normal
	mkblock 1 online Normal
	attr "$s/bus/daxkit/stack" "/dev/pmem1=daxkit101"
	fifo "$s/bus/daxkit/unstack"

	mkregion "$p0" 0 1073741824 2097152 "4096 2097152 1073741824" 268435456 daxkit0.1 devdax daxkit0.2
	mkdev "$p0" daxkit0.0 536870912 2097152 0x100000000 0 dax_dev "0x100000000 0x11fffffff 0x0"
	mkdev "$p0" daxkit0.1 0 4096 0x100000000 0 ""
	mkdev "$p0" daxkit0.2 268435456 2097152 0x120000000 0 dax_dev "0x120000000 0x12fffffff 0x20000"
	printf '4096 4096\n1052672 8192\n' > "$p0/daxkit0.0/poison"

	mkregion "$p16" 16 268435456 2097152 "4096 2097152" 268435456 daxkit16.0 fsdax daxkit16.0
	mkdev "$p16" daxkit16.0 0 2097152 "" 0 ""

	mkregion "$nd" 100 2147483648 2097152 "4096 2097152" 0 daxkit100.1 devdax daxkit100.1
	mkdev "$nd" daxkit100.0 2147483648 2097152 0x180000000 1 dax_dev "0x180000000 0x1ffffffff 0x0"
	mkdev "$nd" daxkit100.1 0 2097152 "" 1 ""
	printf '0 4096\n# 3 more runs not listed\n' > "$nd/daxkit100.0/poison"
	attr "$nd/namespace" namespace0.0 444
	rlink "$s/bus/nd" "$nd/subsystem"
	rlink "$s/bus/nd/drivers/dax_pmem" "$nd/driver"
	rlink "$nd" "$s/bus/nd/devices/dax0.1"
	# daxkit100.0 as class dax shows it (device 0 of namespace0.0: dax0.0),
	# in the "dax" directory the driver core makes for a class device
	# whose parent (the nd_dax) is not of its class
	mkdir -p "$nd/dax/dax0.0"
	attr "$nd/dax/dax0.0/dev" 251:1 444
	attr "$nd/dax/dax0.0/size" 2147483648 444
	rlink "$s/class/dax" "$nd/dax/dax0.0/subsystem"
	rlink "$nd/dax/dax0.0" "$s/class/dax/dax0.0"

	mkregion "$st" 101 67108864 4096 "4096 2097152" 0 "" devdax daxkit101.0
	mkdev "$st" daxkit101.0 67108864 2097152 0x200000000 0 "" "0x200000000 0x203ffffff 0x0"

	for m in dax_core dax_dev dax_pmem; do
		mkdir -p "$root/sys/module/$m/holders" "$root/sys/module/$m/parameters"
		attr "$root/sys/module/$m/initstate" live 444
		attr "$root/sys/module/$m/version" "$VER" 444
	done
	attr "$root/sys/module/dax_core/refcnt" 2 444
	attr "$root/sys/module/dax_dev/refcnt" 1 444
	attr "$root/sys/module/dax_pmem/refcnt" 0 444
	attr "$root/sys/module/dax_core/parameters/abi_version" 2.3 444
	ln -s ../../dax_dev "$root/sys/module/dax_core/holders/dax_dev"
	ln -s ../../dax_pmem "$root/sys/module/dax_core/holders/dax_pmem"
	ln -s ../../dax_pmem "$root/sys/module/dax_dev/holders/dax_pmem"

	printf '%s\n' '00000000-00000fff : Reserved' '00001000-0009fbff : System RAM' \
		'00100000-bffdffff : System RAM' '100000000-13fffffff : Persistent Memory (legacy)' \
		'  100000000-13fffffff : daxkit' > "$root/proc/iomem"
	attr "$root/proc/cmdline" "BOOT_IMAGE=/vmlinuz-$KVER root=/dev/vda1 ro memmap=1G!4G console=ttyS0" 444
	printf '%s\n' '6,100,1000,-;e1000: eth0 NIC Link is Up' '6,123,456,-;dax_pmem: something' \
		' SUBSYSTEM=platform' ' DEVICE=+platform:daxkit_pmem.0' '4,124,457,-;dax_core: ABI 2.3' \
		> "$root/dev/kmsg"
	for m in daxkit0.0 daxkit0.2 daxkit100.0; do attr "$root/dev/$m" "" 600; done

	local lm=$root/lib/modules/$KVER
	mkdir -p "$lm/updates/dkms" "$lm/kernel/drivers/dax/pmem" "$lm/build"
	cp "$work/ko/core.o" "$lm/updates/dkms/dax_core.ko"
	cp "$work/ko/dev.o" "$lm/updates/dkms/dax_dev.ko"
	cp "$work/ko/pmem.o" "$lm/updates/dkms/dax_pmem.ko"
	cp "$work/ko/fs.o" "$lm/updates/dkms/dax_fs_helper.ko"
	cp "$work/ko/dkfs.o" "$lm/updates/dkms/daxkitfs.ko"
	cp "$work/ko/intree.o" "$lm/kernel/drivers/dax/pmem/dax_pmem.ko"
	depmod_root
	# DKMS's tree, as dkms install leaves it
	mkdir -p "$root/var/lib/dkms/daxkit/$VER/$KVER/x86_64/module"
	ln -s "/usr/src/daxkit-$VER" "$root/var/lib/dkms/daxkit/$VER/source"
	ln -s "$VER/$KVER/x86_64" "$root/var/lib/dkms/daxkit/kernel-$KVER-x86_64"
}
build_template

# fresh NAME: a copy of the template as $root, its FIFOs held.
fresh() {
	root=$work/$1
	cp -a "$work/template" "$root"
	hq hold "$root" || fail "$1" "helper: $reply"
}
P0=sys/devices/platform/daxkit_pmem.0
ND=sys/devices/platform/e820_pmem/ndbus0/region0/dax0.1
DRV=sys/bus/daxkit/drivers/dax_dev
fresh base

# ---- list

begin
run list
want_rc 0
want_json --each device "names(d) == ['daxkit0.0', 'daxkit0.2', 'daxkit100.0']" \
	"all('state' not in x for x in d)" "by(d, 'chardev', 'daxkit0.0')['poison_count'] == 2" \
	"by(d, 'chardev', 'daxkit100.0')['poison_count'] == 4" \
	"by(d, 'chardev', 'daxkit100.0')['numa_node'] == 1" \
	"by(d, 'chardev', 'daxkit0.0')['size'] == 536870912" "by(d, 'chardev', 'daxkit0.0')['region'] == 0"
want_unchanged
verdict tool-list-default-enabled-devices

begin
run list -i
want_rc 0
want_json --each device \
	"names(d) == ['daxkit0.0', 'daxkit0.1', 'daxkit0.2', 'daxkit16.0', 'daxkit100.0', 'daxkit100.1', 'daxkit101.0']" \
	"[x['chardev'] for x in d if x.get('state') == 'disabled'] == ['daxkit0.1', 'daxkit16.0', 'daxkit100.1', 'daxkit101.0']"
verdict tool-list-idle

begin
run list -R
want_rc 0
want_json --each region "[x['id'] for x in d] == [0, 16, 100, 101]" \
	"[x['provider'] for x in d] == ['legacy', 'ranges', 'namespace', 'stack']" \
	"[x['pages'] for x in d] == ['devdax', 'fsdax', 'devdax', 'devdax']" \
	"all('devices' not in x for x in d)" "d[0]['align'] == 2097152" \
	"d[0]['supported_alignments'] == [4096, 2097152, 1073741824]" \
	"d[0]['size'] == 1073741824 and d[0]['available_size'] == 268435456" \
	"d[2].get('namespace') == 'namespace0.0'" "d[3].get('blockdev') == '/dev/pmem1'" \
	"'namespace' not in d[0] and 'blockdev' not in d[0]"
verdict tool-list-regions

begin
run list -R -D
want_rc 0
want_json --each region "[names(x['devices']) for x in d] == [['daxkit0.0', 'daxkit0.2'], [], ['daxkit100.0'], []]"
run list -R -D -i -r 101
want_rc 0
want_json --each region "len(d) == 1 and d[0]['id'] == 101" \
	"names(d[0]['devices']) == ['daxkit101.0'] and d[0]['devices'][0]['state'] == 'disabled'"
verdict tool-list-regions-with-devices

begin
for a in daxkit0.1 0.1 /dev/daxkit0.1; do
	run list -d "$a"
	want_rc 0
	want_json --each device "names(d) == ['daxkit0.1']"
done
run list -d all
want_rc 0
want_json --each device "names(d) == ['daxkit0.0', 'daxkit0.2', 'daxkit100.0']"
run list -R -D -d daxkit100.0
want_rc 0
want_json --each region "[x['id'] for x in d] == [100] and names(d[0]['devices']) == ['daxkit100.0']"
verdict tool-list-device

begin
run list -r 100
want_rc 0
want_json --each device "names(d) == ['daxkit100.0']"
run list -R -r daxkit0
want_rc 0
want_json --each region "[x['id'] for x in d] == [0]"
verdict tool-list-region

begin
run list -U 1
want_rc 0
want_json --each device "names(d) == ['daxkit100.0']"
run list -U 0 -i
want_rc 0
want_json --each device "names(d) == ['daxkit0.0', 'daxkit0.1', 'daxkit0.2', 'daxkit16.0', 'daxkit101.0']"
run list -U 5
want_rc 0
want_json "d == []"
verdict tool-list-numa-node

begin
run list -M
want_rc 0
want_json --each device \
	"by(d, 'chardev', 'daxkit0.0')['mappings'] == [{'page_offset': 0, 'start': 4294967296, 'end': 4831838207, 'size': 536870912}]" \
	"by(d, 'chardev', 'daxkit0.2')['mappings'] == [{'page_offset': 131072, 'start': 4831838208, 'end': 5100273663, 'size': 268435456}]"
run list -M -d 0.1
want_json --each device "d[0]['mappings'] == []"
verdict tool-list-mappings

begin
run list -P
want_rc 0
want_json --each device \
	"by(d, 'chardev', 'daxkit0.0')['poison'] == [{'offset': 4096, 'length': 4096}, {'offset': 1052672, 'length': 8192}]" \
	"by(d, 'chardev', 'daxkit0.2')['poison'] == []" \
	"by(d, 'chardev', 'daxkit100.0')['poison'] == [{'offset': 0, 'length': 4096}]"
verdict tool-list-poison

begin
run list -u -M -v
want_rc 0
want_json --each device "by(d, 'chardev', 'daxkit0.2')['size'] == '256.00 MiB (268.44 MB)'" \
	"by(d, 'chardev', 'daxkit0.0')['size'] == '512.00 MiB (536.87 MB)'" \
	"by(d, 'chardev', 'daxkit100.0')['size'] == '2.00 GiB (2.15 GB)'" \
	"by(d, 'chardev', 'daxkit0.0')['resource'] == '0x100000000'" \
	"by(d, 'chardev', 'daxkit0.2')['mappings'][0] == {'page_offset': '0x20000', 'start': '0x120000000', 'end': '0x12fffffff', 'size': '256.00 MiB (268.44 MB)'}" \
	"by(d, 'chardev', 'daxkit0.0')['align'] == 2097152"
run list -u -R -D -i
want_rc 0
want_json --each region "d[0]['size'] == '1.00 GiB (1.07 GB)'" \
	"d[0]['available_size'] == '256.00 MiB (268.44 MB)'" "d[3]['available_size'] == 0" \
	"by(d[0]['devices'], 'chardev', 'daxkit0.1')['size'] == 0"
run list -u -d 9.9
want_rc 3
want_json "d == []"
verdict tool-list-human

begin
run list -v -i
want_rc 0
want_json --each device "by(d, 'chardev', 'daxkit0.0')['devnode'] == '/dev/daxkit0.0'" \
	"by(d, 'chardev', 'daxkit0.0')['resource'] == 4294967296" \
	"by(d, 'chardev', 'daxkit0.0')['driver'] == 'dax_dev'" \
	"'driver' not in by(d, 'chardev', 'daxkit0.1')" \
	"all(x['devnode'] == '/dev/' + x['chardev'] for x in d)"
verdict tool-list-verbose

# The man page: class_dev (verbose) "daxX.Y, its name in class dax, when
# it is shown there (devices of devdax namespaces)".
begin
run list -v -i
want_json --each device "by(d, 'chardev', 'daxkit100.0').get('class_dev') == 'dax0.0'" \
	"'class_dev' not in by(d, 'chardev', 'daxkit0.0')"
verdict tool-list-verbose-class-dev

begin
run list -d daxkit9.9
want_rc 3
want_json "d == []"
want_err "^daxkit: list: daxkit9\.9: no such device$"
run list -r 7
want_rc 3
want_json "d == []"
want_err "^daxkit: list: region 7: no such region$"
verdict tool-list-not-found

begin
for a in --bogus "-d foo" "-U x" "-r x" extra; do
	run list $a
	want_rc 2
	want_err "^usage: daxkit list "
	[ ! -s "$work/out" ] || because "list $a: stdout '$(head -c 40 "$work/out")'"
done
verdict tool-list-usage

fresh nobus
rm -rf "$root/sys/bus/daxkit"
begin
run list
want_rc 5
want_json "d == []"
want_err "^daxkit: list: .*dax_core is not loaded"
want_err "^hint: "
run list -R -u
want_rc 5
want_json "d == []"
verdict tool-list-no-bus

# Run by uid 65534: root-only attributes (0400) cannot be read.
if command -v setpriv > /dev/null; then
	root=$work/base
	begin
	run --nobody list -R -D -i -v -P
	want_rc 0
	want_json --each region "all('align' not in x for x in d)" \
		"all('resource' not in v and 'poison_count' not in v and 'poison' not in v for x in d for v in x['devices'])" \
		"names(d[0]['devices']) == ['daxkit0.0', 'daxkit0.1', 'daxkit0.2']"
	verdict tool-list-nonroot-fields-left-out
	begin
	run --nobody list -R -D -i
	[ "$(wc -l < "$work/err")" = 1 ] || because "stderr has $(wc -l < "$work/err") lines: $(errtext)"
	verdict tool-list-nonroot-one-line
	[ "$(cat "$work/err")" = "daxkit: list: some fields need root: left out" ] &&
		pass tool-list-nonroot-message ||
		fail tool-list-nonroot-message "stderr '$(errtext)', want 'daxkit: list: some fields need root: left out'"
	begin
	run --nobody list -M
	want_rc 0
	want_json --each device "all('mappings' not in x for x in d)"
	verdict tool-list-nonroot-mappings-left-out
else
	log "setpriv missing: the checks as uid 65534 do not run"
fi

# ---- create-device

fresh create
begin
run create-device -r 0 -s 256M
want_rc 0
want_json --each device "names(d) == ['daxkit0.1']"
want_file "$P0/daxkit0.1/align" 2097152
want_file "$P0/daxkit0.1/size" 268435456
want_wrote "$DRV/bind" daxkit0.1
want_changed "$P0/daxkit0.1/align" "$P0/daxkit0.1/size"
want_err "^daxkit: create-device: created 1 device"
verdict tool-create-device-seed

fresh create-a
begin
run create-device -r 0 -a 4k
want_rc 0
want_file "$P0/daxkit0.1/size" 268435456
want_changed "$P0/daxkit0.1/size"
want_wrote "$DRV/bind" daxkit0.1
verdict tool-create-device-default-size-same-align

root=$work/base
begin
run create-device -r 0 -s 512M
want_rc 1
want_err "^daxkit: create-device: region 0: size 512\.00 MiB \(536\.87 MB\) is more than the 256\.00 MiB \(268\.44 MB\) available: No space left on device$"
want_unchanged
want_out ""
verdict tool-create-device-too-big

begin
run create-device -r 100
want_rc 1
want_err "^daxkit: create-device: region 100: .*No space left on device"
want_unchanged
verdict tool-create-device-full-region

begin
run create-device -r 0 -s 64M -a 64k
want_rc 1
want_err "^daxkit: create-device: region 0: alignment 65536 is not supported: Invalid argument$"
want_unchanged
verdict tool-create-device-unsupported-align

begin
run create-device -r 0 -s 3M -a 2M
want_rc 1
want_err "not a multiple of the alignment 2097152: Invalid argument$"
want_unchanged
verdict tool-create-device-misaligned-size

begin
run create-device -r 0 -s 12q
want_rc 2
want_err "^daxkit: create-device: not a size: '12q'$"
want_err "^usage: daxkit create-device "
want_unchanged
run create-device -s 64M
want_rc 2
want_unchanged
run create-device -r 7 -s 64M
want_rc 3
want_err "^daxkit: create-device: region 7: no such region$"
want_unchanged
verdict tool-create-device-usage

# No seed: a new device from the region's `create` (write 1, read its
# name).  The FIFO holds the name the kernel would answer with; the
# device is there beforehand.
fresh create-attr
attr "$root/$P0/daxkit_region/seed" ""
mkdev "$root/$P0" daxkit0.3 0 4096 "" 0 ""
rm "$root/$P0/daxkit_region/create"
fifo "$root/$P0/daxkit_region/create" 644
hq hold "$root"
begin
prefill="$root/$P0/daxkit_region/create=daxkit0.3"
run create-device -r 0 -s 128M
want_rc 0
want_json --each device "names(d) == ['daxkit0.3']"
want_file "$P0/daxkit0.3/size" 134217728
want_wrote "$DRV/bind" daxkit0.3
verdict tool-create-device-create-attr

# dax_dev not loaded: binding fails; the steps before are undone.
fresh create-nodrv
rm -rf "$root/$DRV"
begin
run create-device -r 0 -s 256M
want_file "$P0/daxkit0.1/size" 0
want_file "$P0/daxkit0.1/align" 4096
want_err "^daxkit: create-device: daxkit0\.1: enable \(bind to dax_dev\): No such file or directory \(.*/$DRV/bind\)$"
want_err "^hint: dax_dev is not loaded"
verdict tool-create-device-bind-fails-undone
begin
want_rc 5	# "not loaded where a command needs them"
verdict tool-create-device-bind-fails-exit-5

# ---- destroy-device

root=$work/base
begin
run destroy-device daxkit0.2
want_rc 1
want_err "^daxkit: destroy-device: daxkit0\.2: the device is enabled: Device or resource busy \(/.*/daxkit0\.2\)$"
want_err "^hint: .*-f"
want_unchanged
verdict tool-destroy-device-enabled-refused

fresh destroy
begin
run destroy-device daxkit0.2 -f
want_rc 0
want_wrote "$DRV/unbind" daxkit0.2
want_file "$P0/daxkit0.2/size" 0
want_wrote "$P0/daxkit_region/delete" daxkit0.2
want_changed "$P0/daxkit0.2/size"
want_err "^daxkit: destroy-device: destroyed 1 device"
verdict tool-destroy-device-force
begin
want_json "isinstance(d, list)"	# the man page: "print the JSON of the devices they changed"
verdict tool-destroy-device-prints-json

fresh destroy0
begin
run destroy-device 0.0 -f
want_rc 0
want_wrote "$DRV/unbind" daxkit0.0
want_file "$P0/daxkit0.0/size" 0
[ ! -e "$work/writes/$P0/daxkit_region/delete" ] || because "daxkit0.0 deleted"
verdict tool-destroy-device-first-kept

fresh destroy-all
begin
run destroy-device all -r 0 -f
want_rc 0
want_wrote "$DRV/unbind" daxkit0.0daxkit0.2
want_wrote "$P0/daxkit_region/delete" daxkit0.1daxkit0.2
want_changed "$P0/daxkit0.0/size" "$P0/daxkit0.2/size"
want_err "^daxkit: destroy-device: destroyed 3 devices"
verdict tool-destroy-device-all

fresh destroy-seed
begin
run destroy-device /dev/daxkit0.1
want_rc 0
want_wrote "$P0/daxkit_region/delete" daxkit0.1
want_changed
verdict tool-destroy-device-disabled

root=$work/base
begin
run destroy-device daxkit9.9 -f
want_rc 3
want_err "^daxkit: destroy-device: daxkit9\.9: no such device$"
run destroy-device
want_rc 2
run destroy-device all -r 7
want_rc 3
want_unchanged
verdict tool-destroy-device-not-found

# ---- resize

fresh resize
begin
run resize 0.1 -s 128M
want_rc 0
want_json --each device "names(d) == ['daxkit0.1']"
want_file "$P0/daxkit0.1/size" 134217728
want_changed "$P0/daxkit0.1/size"
want_unchanged_writes() { [ -z "$(ls -A "$work/writes")" ] || because "wrote to FIFOs"; }
want_unchanged_writes
verdict tool-resize-disabled

root=$work/base
begin
run resize daxkit0.2 -s 128M
want_rc 1
want_err "^daxkit: resize: daxkit0\.2: the device is enabled: Device or resource busy"
want_unchanged
verdict tool-resize-enabled-refused

fresh resize-f
begin
run resize daxkit0.2 --size 128M -f
want_rc 0
want_wrote "$DRV/unbind" daxkit0.2
want_file "$P0/daxkit0.2/size" 134217728
want_wrote "$DRV/bind" daxkit0.2
verdict tool-resize-force

root=$work/base
begin
run resize 0.1 -s 512M
want_rc 1
want_err "^daxkit: resize: daxkit0\.1: growing by 512\.00 MiB \(536\.87 MB\) needs more than the 256\.00 MiB \(268\.44 MB\) available in region 0: No space left on device$"
want_unchanged
run resize 0.2 -s 3M -f
want_rc 1
want_err "^daxkit: resize: daxkit0\.2: 3145728 is not a multiple of its alignment 2097152: Invalid argument$"
want_unchanged
verdict tool-resize-checks-first

begin
run resize 0.1
want_rc 2
run resize 0.1 -s 12q
want_rc 2
run resize -s 2M
want_rc 2
run resize 9.9 -s 2M
want_rc 3
want_unchanged
verdict tool-resize-usage

if command -v setpriv > /dev/null; then
	begin
	run --nobody resize 0.1 -s 2M
	want_rc 4
	want_err "^daxkit: resize: daxkit0\.1: cannot set size to 2097152: Permission denied"
	want_err "^hint: changing devices needs root"
	want_unchanged
	verdict tool-resize-nonroot
fi

# ---- set-align

fresh align
begin
run set-align 0.1 -a 2M
want_rc 0
want_json --each device "names(d) == ['daxkit0.1']"
want_file "$P0/daxkit0.1/align" 2097152
want_changed "$P0/daxkit0.1/align"
verdict tool-set-align

root=$work/base
begin
run set-align 0.1 -a 64k
want_rc 1
want_err "^daxkit: set-align: daxkit0\.1: alignment 65536 is not one region 0 supports: Invalid argument$"
want_unchanged
run set-align 0.0 -a 1G -f
want_rc 1
want_err "^daxkit: set-align: daxkit0\.0: its size 536870912 is not a multiple of 1073741824: Invalid argument$"
want_unchanged
run set-align 0.0 -a 4k
want_rc 1
want_err "^daxkit: set-align: daxkit0\.0: the device is enabled: Device or resource busy"
want_unchanged
run set-align 0.0
want_rc 2
run set-align 9.9 -a 4k
want_rc 3
want_unchanged
verdict tool-set-align-checks-first

fresh align-f
begin
run set-align 0.0 --align 4k -f
want_rc 0
want_wrote "$DRV/unbind" daxkit0.0
want_file "$P0/daxkit0.0/align" 4096
want_wrote "$DRV/bind" daxkit0.0
verdict tool-set-align-force

# ---- enable-device, disable-device

# count: N of "enabled N device(s)" on stderr.
count() { sed -n "s/^daxkit: [a-z-]*: $1 \([0-9]*\) device.*/\1/p" "$work/err"; }
fresh enable
begin
run enable-device all
want_rc 0
want_wrote "$DRV/bind" daxkit101.0
[ "$(count enabled)" = 1 ] || because "count '$(count enabled)', want 1 (stderr: $(errtext))"
want_json --each device "names(d) == ['daxkit101.0']"
want_changed
verdict tool-enable-device-all

root=$work/base
begin
run enable-device daxkit0.0
want_rc 0
want_err "^daxkit: enable-device: daxkit0\.0: already enabled$"
[ "$(count enabled)" = 0 ] || because "count '$(count enabled)', want 0"
want_unchanged
verdict tool-enable-device-already

begin
run enable-device 0.1
want_rc 1
want_err "^daxkit: enable-device: daxkit0\.1: cannot enable a device of size 0: Invalid argument"
want_unchanged
run enable-device all -r 7
want_rc 3
run enable-device
want_rc 2
run disable-device 9.9
want_rc 3
want_unchanged
verdict tool-enable-device-errors

fresh disable
begin
run disable-device all
want_rc 0
want_wrote "$DRV/unbind" daxkit0.0daxkit0.2daxkit100.0
[ "$(count disabled)" = 3 ] || because "count '$(count disabled)', want 3 (stderr: $(errtext))"
want_json --each device "names(d) == ['daxkit0.0', 'daxkit0.2', 'daxkit100.0']"
verdict tool-disable-device-all

fresh disable-r
begin
run disable-device all -r 100
want_rc 0
want_wrote "$DRV/unbind" daxkit100.0
[ "$(count disabled)" = 1 ] || because "count '$(count disabled)', want 1"
run disable-device daxkit0.2
want_rc 0
want_wrote "$DRV/unbind" daxkit0.2
want_json --each device "names(d) == ['daxkit0.2']"
verdict tool-disable-device-region-and-one

# ---- stacks, stack, unstack

root=$work/base
begin
run stacks
want_rc 0
want_json --each stack "d == [{'blockdev': '/dev/pmem1', 'region': 101}]"
want_unchanged
run stacks extra
want_rc 2
verdict tool-stacks

fresh stack
begin
run stack /dev/pmem0
want_rc 0
want_file sys/bus/daxkit/stack /dev/pmem0
want_json --each stack "all(x['blockdev'] == '/dev/pmem0' for x in d)"
run stack pmem0
want_rc 2
run stack
want_rc 2
verdict tool-stack

fresh unstack
begin
run unstack daxkit101
want_rc 0
want_wrote sys/bus/daxkit/unstack /dev/pmem1
want_err "^daxkit: unstack: unstacked /dev/pmem1$"
run unstack /dev/pmem1
want_rc 0
want_wrote sys/bus/daxkit/unstack /dev/pmem1
run unstack daxkit7
want_rc 3
want_err "^daxkit: unstack: region 7: not a stacked region$"
want_unchanged
run unstack nonsense
want_rc 2
verdict tool-unstack

fresh nostack
rm "$root/sys/bus/daxkit/stack" "$root/sys/bus/daxkit/unstack"
hq hold "$root"
begin
run stacks
want_rc 5
want_json "d == []"
want_err "^hint: dax_pmem is not loaded"
run stack /dev/pmem0
want_rc 5
want_err "^daxkit: stack: /dev/pmem0: cannot stack a region on it: No such file or directory \(/.*/sys/bus/daxkit/stack\)$"
want_unchanged
verdict tool-stack-no-dax-pmem

# ---- poison

root=$work/base
begin
run poison list
want_rc 0
want_json --each poison "d == [{'chardev': 'daxkit0.0', 'offset': 4096, 'length': 4096}, {'chardev': 'daxkit0.0', 'offset': 1052672, 'length': 8192}, {'chardev': 'daxkit100.0', 'offset': 0, 'length': 4096}]"
want_err "^daxkit: poison: daxkit100\.0: 3 more runs"
want_unchanged
run poison list 0.2
want_rc 0
want_json "d == []"
run poison list 9.9
want_rc 3
verdict tool-poison-list

fresh poison
begin
run poison clear daxkit0.0 --offset 4096 --length 4096
want_wrote "$P0/daxkit0.0/clear_poison" "4096 4096"
# The fake's poison does not change: the run is still there, and said so.
want_rc 1
want_json --each poison-clear "d == [{'chardev': 'daxkit0.0', 'offset': 4096, 'length': 4096, 'remaining': [{'offset': 4096, 'length': 4096}]}]"
want_err "^daxkit: poison: daxkit0\.0: 1 run of poison remain"
run poison clear 0.0 --offset 8k --length 4k
want_rc 0
want_wrote "$P0/daxkit0.0/clear_poison" "8192 4096"
want_json --each poison-clear "d[0]['remaining'] == []"
want_err "^daxkit: poison: daxkit0\.0: no poison left in 8192\+4096$"
run poison clear 0.0 --all
want_rc 1
want_wrote "$P0/daxkit0.0/clear_poison" "0 536870912"
want_json --each poison-clear "len(d[0]['remaining']) == 2"
verdict tool-poison-clear

root=$work/base
begin
for a in "--offset 100 --length 4096" "--offset 512M --length 4k" "--offset 0 --length 1G" \
	"--all --offset 0" "--offset 0" "--length 4096" ""; do
	run poison clear 0.0 $a
	want_rc 2
done
want_unchanged
run poison clear 9.9 --all
want_rc 3
run poison frob
want_rc 2
run poison
want_rc 2
want_unchanged
verdict tool-poison-clear-checks

if command -v setpriv > /dev/null; then
	begin
	run --nobody poison list
	want_rc 4
	want_err "^daxkit: poison: daxkit0\.0: cannot read the poison list: Permission denied"
	want_err "^hint: the poison list is readable by root only"
	verdict tool-poison-list-nonroot
fi

# ---- save, restore

root=$work/base
begin
run save "$work/layout.json"
want_rc 0
want_out ""
want_jsonf "$work/layout.json" --whole layout "[r['id'] for r in d['regions']] == [0, 16, 100, 101]" \
	"d['regions'][0]['devices'] == [{'chardev': 'daxkit0.0', 'size': 536870912, 'align': 2097152, 'enabled': True, 'mappings': [{'start': 4294967296, 'end': 4831838207}]}, {'chardev': 'daxkit0.2', 'size': 268435456, 'align': 2097152, 'enabled': True, 'mappings': [{'start': 4831838208, 'end': 5100273663}]}]" \
	"d['regions'][1]['devices'] == []" \
	"d['regions'][3]['devices'][0]['enabled'] is False" \
	"[r['provider'] for r in d['regions']] == ['legacy', 'ranges', 'namespace', 'stack']"
want_err "^daxkit: save: saved 4 devices of 4 regions"
want_unchanged
verdict tool-save

fresh save-default
begin
run save
want_rc 0
want_changed etc/daxkit etc/daxkit/devices.json
[ ! -f "$root/etc/daxkit/devices.json" ] ||
	want_jsonf "$root/etc/daxkit/devices.json" --whole layout
verdict tool-save-default-file

if command -v setpriv > /dev/null; then
	root=$work/base
	begin
	run --nobody save "$work/nobody.json"
	want_rc 4
	[ ! -e "$work/nobody.json" ] || because "wrote the file"
	verdict tool-save-nonroot
fi

# The layout already there: nothing to do.
root=$work/base
begin
run restore "$work/layout.json"
want_rc 0
want_unchanged
want_err "^daxkit: restore: restored 0 devices"
verdict tool-restore-as-saved

# A fresh region 0 (daxkit0.0 spanning it, as the kernel makes it), and a
# layout of one device over it at another alignment: daxkit0.0 is
# disabled, emptied, given the saved alignment and range, and enabled.
# The fake's size reads 0x40000000 before and after (writing "0" over it
# leaves it so): what the kernel's reads after the mapping write.
fresh restore
rm -rf "$root/$P0/daxkit0.2" "$root/sys/bus/daxkit/devices/daxkit0.2"
attr "$root/$P0/daxkit0.0/size" 0x40000000
attr "$root/$P0/daxkit0.0/align" 4096
attr "$root/$P0/daxkit0.0/mapping0/end" 0x13fffffff 400
attr "$root/$P0/daxkit_region/available_size" 0 444
hq hold "$root"
cat > "$work/layout1.json" <<EOF
{ "daxkit_layout": 1, "regions": [ { "id": 0, "size": 1073741824, "provider": "legacy",
  "devices": [ { "chardev": "daxkit0.0", "size": 1073741824, "align": 2097152, "enabled": true,
  "mappings": [ { "start": 4294967296, "end": 5368709119 } ] } ] } ] }
EOF
begin
want_jsonf "$work/layout1.json" --whole layout
run restore "$work/layout1.json"
want_rc 0
want_wrote "$DRV/unbind" daxkit0.0
want_file "$P0/daxkit0.0/align" 2097152
want_wrote "$P0/daxkit0.0/mapping" 100000000-13fffffff
want_wrote "$DRV/bind" daxkit0.0
want_err "^daxkit: restore: restored 1 device"
verdict tool-restore-fresh-region

root=$work/base
begin
run restore "$work/layout1.json"
want_rc 1
want_err "^daxkit: restore: region 0: has devices that are not in the saved layout: left alone: File exists"
want_unchanged
verdict tool-restore-foreign-region

begin
sed 's/1073741824, "provider"/2147483648, "provider"/' "$work/layout1.json" > "$work/layout2.json"
run restore "$work/layout2.json"
want_rc 1
want_err "^daxkit: restore: region 0: its size is not the saved one: left alone"
want_unchanged
run restore "$work/missing.json"
want_rc 3
echo '{"x": 1}' > "$work/other.json"
run restore "$work/other.json"
want_rc 1
want_err "not a daxkit layout"
run restore a b
want_rc 2
want_unchanged
verdict tool-restore-errors

root=$work/nobus
begin
run restore --boot "$work/layout.json"
want_rc 0
run restore "$work/layout.json"
want_rc 5
verdict tool-restore-no-bus

# ---- modules

root=$work/base
begin
run modules
want_rc 0
want_json "mod('dax_pmem')['path'].endswith('/lib/modules/$KVER/updates/dkms/dax_pmem.ko')" \
	"mod('dax_pmem')['in_tree'] is False" "mod('dax_core')['version'] == '$VER'" \
	"mod('dax_core')['abi'] == '2.3'" "mod('dax_core')['state'] == 'live'" \
	"mod('dax_core')['loaded_version'] == '$VER'" "sorted(mod('dax_core')['holders']) == ['dax_dev', 'dax_pmem']" \
	"mod('dax_core')['refcount'] == 2" "mod('dax_fs_helper')['state'] == 'unloaded'" \
	"mod('daxkitfs')['state'] == 'unloaded'" \
	"mod('daxkitfs')['path'].endswith('/lib/modules/$KVER/updates/dkms/daxkitfs.ko')" \
	"mod('daxkitfs')['fs_abi'] == '1.2' and mod('daxkitfs')['abi'] is None" \
	"mod('dax_fs_helper')['fs_abi'] == '1.4' and mod('dax_core')['fs_abi'] is None" \
	"all(x['warnings'] == [] for x in d)"
[ ! -s "$work/err" ] || because "stderr: $(errtext)"
want_unchanged
run modules status --json
want_rc 0
want_json "[x['name'] for x in d] == ['dax_core', 'dax_dev', 'dax_pmem', 'dax_fs_helper', 'daxkitfs']" \
	"mod('dax_dev')['path'].endswith('/updates/dkms/dax_dev.ko')"
verdict tool-modules-status

fresh mod-intree
rm "$root/lib/modules/$KVER/updates/dkms/dax_pmem.ko"
depmod_root
begin
run modules
want_rc 5
want_json "mod('dax_pmem')['path'].endswith('/lib/modules/$KVER/kernel/drivers/dax/pmem/dax_pmem.ko')" \
	"mod('dax_pmem')['in_tree'] is True" "mod('dax_pmem')['version'] is None" \
	"any('in-tree' in w for w in mod('dax_pmem')['warnings'])"
want_err "^daxkit: modules: dax_pmem: modprobe loads the in-tree module "
verdict tool-modules-in-tree-shadowing
begin
run modules load
want_rc 5
want_err "^daxkit: modules: dax_pmem: modprobe would load the in-tree dax_pmem"
verdict tool-modules-load-refuses-in-tree

fresh mod-reload
attr "$root/sys/module/dax_core/version" 0.0.9 444
begin
run modules
want_rc 0
want_json "any('0.0.9' in w and 'reload' in w for w in mod('dax_core')['warnings'])" \
	"mod('dax_dev')['warnings'] == []"
want_err "^daxkit: modules: dax_core: version 0\.0\.9 is loaded, $VER is installed: reload"
verdict tool-modules-version-differs

fresh mod-abi
cp "$work/ko/dev-abi3.o" "$root/lib/modules/$KVER/updates/dkms/dax_dev.ko"
depmod_root
begin
run modules
want_json "mod('dax_dev')['abi'] == '3.0'" \
	"any('ABI 3.0' in w and '2.3' in w for w in mod('dax_dev')['warnings'])" \
	"mod('dax_pmem')['warnings'] == []"
want_err "^daxkit: modules: dax_dev: built for dax_core ABI 3\.0"
cp "$work/ko/dev-abi21.o" "$root/lib/modules/$KVER/updates/dkms/dax_dev.ko"
depmod_root
run modules
want_json "mod('dax_dev')['abi'] == '2.1' and mod('dax_dev')['warnings'] == []"
verdict tool-modules-abi-mismatch

# daxkitfs's ABI is dax_fs_helper's (dax_fs_abi), not dax_core's.
fresh mod-fs-abi
cp "$work/ko/dkfs-abi2.o" "$root/lib/modules/$KVER/updates/dkms/daxkitfs.ko"
depmod_root
begin
run modules
want_rc 0
want_json "mod('daxkitfs')['fs_abi'] == '2.0'" \
	"mod('daxkitfs')['warnings'] == ['built for dax_fs_helper ABI 2.0, but the installed dax_fs_helper provides 1.4']" \
	"all(x['warnings'] == [] for x in d if x['name'] != 'daxkitfs')"
want_err "^daxkit: modules: daxkitfs: built for dax_fs_helper ABI 2\.0"
verdict tool-modules-fs-abi-mismatch

# A mounted daxkitfs holds its module (the mount's reference): unload
# refuses before unloading anything, names daxkitfs, says to unmount.  Its
# reference on dax_fs_helper (a holder of ours) is not a user.
fresh mod-mounted
for m in dax_fs_helper daxkitfs; do
	mkdir -p "$root/sys/module/$m/holders"
	attr "$root/sys/module/$m/initstate" live 444
	attr "$root/sys/module/$m/version" "$VER" 444
	attr "$root/sys/module/$m/refcnt" 1 444
done
ln -s ../../dax_fs_helper "$root/sys/module/dax_core/holders/dax_fs_helper"
ln -s ../../daxkitfs "$root/sys/module/dax_fs_helper/holders/daxkitfs"
attr "$root/sys/module/dax_core/refcnt" 3 444
begin
run modules unload
want_rc 1
want_err "^daxkit: modules: daxkitfs: in use: nothing unloaded: Device or resource busy"
want_err "hint: in use \(refcount 1, holders \[ *\]\): daxkitfs filesystems are mounted: unmount them \('findmnt -t daxkitfs'\)"
[ "$(grep -c 'in use: nothing unloaded' "$work/err")" = 1 ] || because "other modules named in use: $(errtext)"
grep -q 'unloaded [0-9]* module' "$work/err" && because "it unloaded something: $(errtext)"
want_unchanged
run modules
want_json "mod('daxkitfs')['state'] == 'live' and mod('daxkitfs')['refcount'] == 1" \
	"mod('dax_fs_helper')['holders'] == ['daxkitfs']"
verdict tool-modules-unload-refuses-mounted-daxkitfs

fresh mod-vermagic
cp "$work/ko/pmem-other.o" "$root/lib/modules/$KVER/updates/dkms/dax_pmem.ko"
depmod_root
begin
run modules
want_json "any('another kernel' in w for w in mod('dax_pmem')['warnings'])"
verdict tool-modules-other-kernel

fresh mod-none
rm -rf "$root/lib/modules"
begin
run modules
want_rc 5
want_json "all(x['path'] is None for x in d)" "all(any('not installed' in w for w in x['warnings']) for x in d)"
verdict tool-modules-not-installed

fresh mod-loaded-intree
rm "$root/sys/module/dax_pmem/version"
begin
run modules
want_json "mod('dax_pmem')['loaded_version'] is None" \
	"any('no version' in w for w in mod('dax_pmem')['warnings'])"
run modules load --ranges=256M@8G
want_rc 1
want_err "^daxkit: modules: dax_pmem: the in-tree dax_pmem is loaded"
verdict tool-modules-in-tree-loaded

root=$work/base
begin
for a in frob "status --ranges=1G@4G" "load --bogus" "unload --fsdax=0" --bogus; do
	run modules $a
	want_rc 2
done
run modules load "--ranges=1G@4G 2G@8G"
want_rc 2
want_unchanged
verdict tool-modules-usage

# ---- check

fresh check
begin
run check --json
want_rc 0
want_json --each finding "codes('error') == []" \
	"not set(codes()) & {'kernel-too-old', 'headers-missing', 'modules-not-built', 'in-tree-dax-pmem-shadows', 'in-tree-dax-pmem-loaded', 'modules-not-loaded', 'no-pmem', 'memmap-not-applied', 'memmap-unchecked', 'nd-dax-in-tree', 'devnode-missing', 'devnode-permission', 'no-regions', 'no-enabled-device', 'dkms-none'}" \
	"any('dax0.1' in x['message'] and 'daxkit' in x['message'] for x in found('nd-device'))"
want_unchanged
verdict tool-check-clean

# DKMS keeps a kernel-KVER-ARCH link beside the versions: not a version.
begin
want_json --each finding "found('dkms-not-built') == []"
verdict tool-check-dkms-kernel-link

begin
run check
want_rc 0
tail -n 1 "$work/out" | grep -qx '0 errors' || because "last line '$(tail -n 1 "$work/out")'"
grep -qE '^info: kernel-log: dax_pmem: something$' "$work/out" || because "no kernel-log line in the text"
bad=$(grep -vE '^(error|warning|info): [a-z0-9-]+: .|^  hint: .|^[0-9]+ errors?$' "$work/out" | head -n 2)
[ -z "$bad" ] || because "lines: $(tr '\n' '|' <<< "$bad")"
root=$work/mod-intree
run check
want_rc 1
grep -qE '^error: in-tree-dax-pmem-shadows: modprobe dax_pmem loads ' "$work/out" || because "no in-tree-dax-pmem-shadows line"
grep -qE '^  hint: ' "$work/out" || because "no hint line"
tail -n 1 "$work/out" | grep -qx '1 error' || because "last line '$(tail -n 1 "$work/out")'"
run check --bogus
want_rc 2
root=$work/check
verdict tool-check-text

begin
run check --json
want_json --each finding \
	"[x['message'] for x in found('kernel-log')] == ['dax_pmem: something', 'dax_core: ABI 2.3']" \
	"all(x['level'] == 'info' for x in found('kernel-log'))"
verdict tool-check-kernel-log

begin
run DAXKIT_UNAME_R=4.19.0 check --json
want_rc 1
want_json --each finding "by(found('kernel-too-old'), 'level', 'error')" \
	"by(found('headers-missing'), 'level', 'error')" "len(found('modules-not-built')) == 2"
verdict tool-check-kernel-too-old

fresh check-headers
rm -rf "$root/lib/modules/$KVER/build"
begin
run check --json
want_rc 0
want_json --each finding "[x['level'] for x in found('headers-missing')] == ['warning']" \
	"'$KVER' in found('headers-missing')[0]['message']"
verdict tool-check-headers-missing

fresh check-nomods
rm -rf "$root/lib/modules"
begin
run check --json
want_rc 1
want_json --each finding "[x['level'] for x in found('headers-missing')] == ['error']" \
	"sorted(x['message'].split()[0] for x in found('modules-not-built')) == ['dax_core', 'dax_dev']" \
	"all(x['level'] == 'error' for x in found('modules-not-built'))"
verdict tool-check-modules-not-built

root=$work/mod-intree
begin
run check --json
want_rc 1
want_json --each finding "by(found('in-tree-dax-pmem-shadows'), 'level', 'error')"
verdict tool-check-in-tree-dax-pmem-shadows

root=$work/mod-loaded-intree
begin
run check --json
want_rc 1
want_json --each finding "by(found('in-tree-dax-pmem-loaded'), 'level', 'error')"
verdict tool-check-in-tree-dax-pmem-loaded

fresh check-unloaded
rm -rf "$root/sys/module/dax_pmem" "$root/sys/bus/daxkit"
begin
run check --json
want_rc 0
want_json --each finding "by(found('modules-not-loaded'), 'level', 'warning')" "found('no-regions') == []"
verdict tool-check-modules-not-loaded

fresh check-dkms
rm -rf "$root/var/lib/dkms/daxkit"
begin
run check --json
want_json --each finding "by(found('dkms-none'), 'level', 'info')"
mkdir -p "$root/var/lib/dkms/daxkit/$VER/$KVER/x86_64" "$root/var/lib/dkms/daxkit/0.0.9/5.10.0-9-amd64"
run check --json
want_json --each finding "[x['level'] for x in found('dkms-not-built')] == ['warning']" \
	"'0.0.9' in found('dkms-not-built')[0]['message']" "found('dkms-none') == []"
verdict tool-check-dkms

fresh check-nopmem
printf '%s\n' '00001000-0009fbff : System RAM' '100000000-13fffffff : System RAM' > "$root/proc/iomem"
attr "$root/proc/cmdline" "root=/dev/vda1 ro" 444
begin
run check --json
want_rc 0
want_json --each finding "[x['level'] for x in found('no-pmem')] == ['warning']"
verdict tool-check-no-pmem

fresh check-held
printf '%s\n' '  180000000-1ffffffff : namespace1.0' |
	sed '1i 180000000-1ffffffff : Persistent Memory' >> "$root/proc/iomem"
begin
run check --json
want_json --each finding "[x['level'] for x in found('range-held-by-in-tree')] == ['info']" \
	"'0x180000000-0x1ffffffff' in found('range-held-by-in-tree')[0]['message']" \
	"'namespace1.0' in found('range-held-by-in-tree')[0]['message']"
verdict tool-check-range-held-by-in-tree

fresh check-memmap
attr "$root/proc/cmdline" 'root=/dev/vda1 memmap=1G!4G memmap=2G!8G memmap=1G$16G' 444
begin
run check --json
want_rc 1
want_json --each finding "[x['message'].split()[0] for x in found('memmap-not-applied')] == ['memmap=2G!8G']" \
	"found('memmap-not-applied')[0]['level'] == 'error'"
sed -i 's/^[0-9a-f]*-[0-9a-f]* : Persistent/00000000-00000000 : Persistent/; s/^  [0-9a-f]*-[0-9a-f]* : daxkit/  00000000-00000000 : daxkit/' "$root/proc/iomem"
run check --json
want_rc 0
want_json --each finding "len(found('memmap-unchecked')) == 2" "found('memmap-not-applied') == []"
verdict tool-check-memmap

fresh check-nd
nd1=$root/sys/devices/platform/e820_pmem/ndbus0/region1/dax1.0
mkdir -p "$nd1"
rlink "$root/sys/bus/nd/drivers/dax_pmem" "$nd1/driver"
rlink "$nd1" "$root/sys/bus/nd/devices/dax1.0"
mkdir -p "$root/sys/devices/platform/e820_pmem/ndbus0/region1/dax1.1"
rlink "$root/sys/devices/platform/e820_pmem/ndbus0/region1/dax1.1" "$root/sys/bus/nd/devices/dax1.1"
begin
run check --json
want_json --each finding "[x['level'] for x in found('nd-dax-in-tree')] == ['warning']" \
	"'dax1.0' in found('nd-dax-in-tree')[0]['message']"
verdict tool-check-nd-dax-in-tree

fresh check-node
rm "$root/dev/daxkit0.0"
begin
run check --json
want_json --each finding "[x['level'] for x in found('devnode-missing')] == ['warning']" \
	"'daxkit0.0' in found('devnode-missing')[0]['message']"
verdict tool-check-devnode-missing

if command -v setpriv > /dev/null; then
	root=$work/check
	begin
	run --nobody check --json
	want_json --each finding "any('/dev/daxkit0.0 is mode 0600' in x['message'] and x['level'] == 'warning' for x in found('devnode-permission'))"
	verdict tool-check-devnode-permission
fi

fresh check-noregions
rm -f "$root"/sys/bus/daxkit/devices/*
begin
run check --json
want_json --each finding "[x['level'] for x in found('no-regions')] == ['warning']" \
	"found('no-enabled-device') == []"
verdict tool-check-no-regions

fresh check-noenabled
find "$root/sys/devices" -name driver -path '*daxkit*' -type l -delete
begin
run check --json
want_json --each finding "[x['level'] for x in found('no-enabled-device')] == ['warning']"
verdict tool-check-no-enabled-device

# ---- system-ram mode: list, reconfigure-device, online-memory, offline-memory

# The fake kernel does not react to writes: kmem's new_id and remove_id
# are FIFOs that keep what was written, a block's state is a plain file
# the tool writes over (without truncating, as sysfs needs), and a device
# "bound to kmem" and its blocks are set up beforehand.  Which write came
# before which is seen by run_held: the tool blocks writing to one FIFO
# while the check looks at what it had done until then.
KMEM=sys/bus/daxkit/drivers/kmem
MEM=sys/devices/system/memory
ST=sys/devices/platform/daxkit_stack.101

# kmem_tree NAME: a fresh tree where daxkit0.0 (cut to 384 MiB: the
# blocks 32 to 34), daxkit0.2 (blocks 36 and 37) and daxkit101.0 (64 MiB,
# less than a block: none) are bound to kmem; blocks 32 and 33 online in
# ZONE_MOVABLE, 34 offline, 36 online in ZONE_NORMAL, 37 in ZONE_MOVABLE;
# 31 and 35, online in ZONE_NORMAL, lie beside daxkit0.0, not in it;
# 64 starts where daxkit101.0 does but goes on past its end: not in it.
kmem_tree() {
	fresh "$1"
	attr "$root/$P0/daxkit0.0/size" 402653184
	attr "$root/$P0/daxkit0.0/mapping0/end" 0x117ffffff 400
	to_kmem "$root/$P0" daxkit0.0
	to_kmem "$root/$P0" daxkit0.2
	to_kmem "$root/$ST" daxkit101.0
	mkblock 31 online Normal
	mkblock 32 online Movable
	mkblock 33 online Movable
	mkblock 34 offline "Normal Movable"
	mkblock 35 online Normal
	mkblock 36 online Normal
	mkblock 37 online Movable
	mkblock 64 online Normal
}

# ram_tree NAME: a fresh tree where daxkit0.2's blocks (36, 37) are
# there, offline: what new_id leaves with auto_online_blocks offline.
ram_tree() {
	fresh "$1"
	mkblock 36 offline "Normal Movable"
	mkblock 37 offline "Normal Movable"
}

# run_held FIFO CHECK ARG...: the tool with ARG..., blocked writing to
# the FIFO (filled to the brim) while the function CHECK looks at what it
# had done; then the FIFO is drained and the tool goes on.  As run, and
# $work/held: what was written to the FIFO.
run_held() {
	local fifo=$root/$1 check=$2 pid
	shift 2
	hq state "$root" "$work/snap.before" || because "helper: $reply"
	rm -rf "$work/writes"
	mkdir "$work/writes"
	: > "$work/held"
	if ! hq fill "$fifo"; then
		because "helper: $reply"
		return
	fi
	timeout 20 env DAXKIT_ROOT="$root" DAXKIT_UNAME_R="$KVER" "$tool" "$@" \
		> "$work/out" 2> "$work/err" &
	pid=$!
	if hq wait-open "$pid" "$fifo" 10; then
		"$check"
	else
		because "$reply"
	fi
	hq take "$fifo" "$work/held"
	wait "$pid"
	rc=$?
	hq take "$fifo" "$work/held"
	sed -i 's/#//g' "$work/held"
	hq state "$root" "$work/snap.after" "$work/writes" || because "helper: $reply"
	changed=$(diff "$work/snap.before" "$work/snap.after" |
		sed -n 's/^[<>] [a-z] \([^ ]*\).*/\1/p' | sort -u | tr '\n' ' ')
	changed=${changed% }
	seen_rc[rc]=1
	keep_json "$@"
	format_check "$@"
}
want_held() { [ "$(cat "$work/held")" = "$1" ] || because "held FIFO got '$(head -c 80 "$work/held")', want '$1'"; }
want_no_write() { [ ! -s "$work/writes/$1" ] || because "wrote '$(head -c 80 "$work/writes/$1")' to ${1#sys/}"; }
# want_state BLOCK VALUE WAS: memoryBLOCK's state file holds VALUE
# written at the start of WAS, what it held before (the fake keeps a
# write over a longer value's tail: online over offline reads "onlinee").
want_state() {
	local want=$2${3:${#2}} got
	got=$(cat "$root/$MEM/memory$1/state"; echo x)
	got=${got%x}
	[ "$got" = "$want" ] || because "memory$1/state holds '$got', want '$want'"
}
blocks_json() { printf "[by(d, 'chardev', '%s').get(k) for k in ('online_memblocks', 'total_memblocks', 'movable')] == %s" "$1" "$2"; }

kmem_tree kmem-list
begin
run list
want_rc 0
want_json --each device "names(d) == ['daxkit0.0', 'daxkit0.2', 'daxkit100.0', 'daxkit101.0']" \
	"[x['mode'] for x in d] == ['system-ram', 'system-ram', 'devdax', 'system-ram']" \
	"$(blocks_json daxkit0.0 '[2, 3, True]')" "$(blocks_json daxkit0.2 '[2, 2, False]')" \
	"$(blocks_json daxkit100.0 '[None, None, None]')" \
	"all('state' not in x for x in d)"
want_unchanged
verdict tool-list-system-ram-memblocks

begin
run list -i -d daxkit101.0
want_json --each device "$(blocks_json daxkit101.0 '[0, 0, None]')"
run list -i
want_json --each device "by(d, 'chardev', 'daxkit0.1')['mode'] == 'devdax'" \
	"by(d, 'chardev', 'daxkit0.1')['state'] == 'disabled'"
run list -v -d 0.0
want_json --each device "d[0]['driver'] == 'kmem'"
verdict tool-list-system-ram-no-block-and-disabled

if command -v setpriv > /dev/null; then
	begin
	run --nobody list
	want_rc 0
	want_json --each device "by(d, 'chardev', 'daxkit0.0')['mode'] == 'system-ram'" \
		"$(blocks_json daxkit0.0 '[None, None, None]')"
	want_err "^daxkit: list: some fields need root: left out$"
	verdict tool-list-system-ram-nonroot
fi

# kmem makes no /dev node: check does not miss one.
begin
run check --json
want_json --each finding "not any('daxkit101.0' in x['message'] for x in found('devnode-missing'))"
verdict tool-check-system-ram-no-devnode

begin
run disable-device daxkit0.2
want_rc 1
want_err "^daxkit: disable-device: daxkit0\.2: disable \(unbind\): its memory is System RAM: Device or resource busy"
want_err "^hint: 'daxkit reconfigure-device -m devdax daxkit0\.2'"
want_unchanged
verdict tool-disable-device-system-ram-refused

begin
run reconfigure-device -m system-ram daxkit0.0
want_rc 0
want_err "^daxkit: reconfigure-device: daxkit0\.0: already in system-ram mode$"
want_err "^daxkit: reconfigure-device: daxkit0\.0: 2 of 3 memory blocks online: 'daxkit online-memory daxkit0\.0'"
want_err "^daxkit: reconfigure-device: reconfigured 0 devices to system-ram$"
want_json --each device "names(d) == ['daxkit0.0']"
want_unchanged
run reconfigure-device -m devdax 100.0
want_rc 0
want_err "^daxkit: reconfigure-device: daxkit100\.0: already in devdax mode$"
run reconfigure-device -m devdax 0.1
want_rc 0
want_err "^daxkit: reconfigure-device: daxkit0\.1: already in devdax mode \(disabled: "
want_unchanged
verdict tool-reconfigure-already

root=$work/base
begin
run reconfigure-device 0.2
want_rc 2
want_err "^daxkit: reconfigure-device: which mode\? "
run reconfigure-device -m ram 0.2
want_rc 2
run reconfigure-device -m devdax --no-movable 0.2
want_rc 2
run reconfigure-device -m devdax
want_rc 2
run reconfigure-device -m devdax 9.9
want_rc 3
run reconfigure-device -m system-ram all -r 7
want_rc 3
run online-memory
want_rc 2
run offline-memory --no-movable 0.0
want_rc 2
want_unchanged
verdict tool-reconfigure-usage

# To system-ram: unbound from dax_dev first, new_id, then the blocks
# onlined movable; nothing bound again.
ram_tree kmem-ram
at_new_id() {
	hq take "$root/$DRV/unbind" "$work/mid.unbind"
	[ "$(cat "$work/mid.unbind")" = daxkit0.2 ] ||
		because "when new_id was written, unbind had '$(cat "$work/mid.unbind")', want daxkit0.2"
	[ "$(head -c 7 "$root/$MEM/memory36/state")" = offline ] ||
		because "memory36 onlined before new_id"
}
begin
run_held "$KMEM/new_id" at_new_id reconfigure-device -m system-ram daxkit0.2
want_rc 0
want_held daxkit0.2
want_state 36 online_movable $'offline\n'
want_state 37 online_movable $'offline\n'
want_changed "$MEM/memory36/state" "$MEM/memory37/state"
want_no_write "$DRV/bind"
want_json --each device "names(d) == ['daxkit0.2']"
want_err "^daxkit: reconfigure-device: reconfigured 1 device to system-ram$"
verdict tool-reconfigure-system-ram-order

# A disabled device: nothing to unbind.  No block in it: said.
ram_tree kmem-ram-disabled
begin
run reconfigure-device -m system-ram daxkit101.0
want_rc 0
want_wrote "$KMEM/new_id" daxkit101.0
want_no_write "$DRV/unbind"
want_err "^daxkit: reconfigure-device: daxkit101\.0: no memory block lies in its ranges$"
want_changed
verdict tool-reconfigure-system-ram-disabled-device

ram_tree kmem-no-online
begin
run reconfigure-device -m system-ram --no-online 0.2
want_rc 0
want_wrote "$KMEM/new_id" daxkit0.2
want_changed
verdict tool-reconfigure-system-ram-no-online

# The kernel's policy onlines hot-added memory: refused unless movable is
# not wanted, or -f; online_movable is what is wanted.
ram_tree kmem-policy
attr "$root/$MEM/auto_online_blocks" online
begin
run reconfigure-device -m system-ram daxkit0.2
want_rc 1
want_err "^daxkit: reconfigure-device: memory: kernel policy \(auto_online_blocks: online\) will online the memory in its own zone, not movable: Device or resource busy \(/.*/$MEM/auto_online_blocks\)$"
want_err "^hint: use --no-movable, or set auto_online_blocks to offline"
want_out ""
want_unchanged
run reconfigure-device -m system-ram --no-online --no-movable daxkit0.2
want_rc 1
want_err "will online the memory itself: --no-online cannot keep it offline"
want_unchanged
run reconfigure-device -m system-ram all
want_rc 1
[ "$(grep -c 'kernel policy' "$work/err")" = 1 ] || because "all: the refusal said $(grep -c 'kernel policy' "$work/err") times"
want_unchanged
verdict tool-reconfigure-system-ram-policy-refused

begin
run reconfigure-device -m system-ram --no-movable daxkit0.2
want_rc 0
want_wrote "$DRV/unbind" daxkit0.2
want_wrote "$KMEM/new_id" daxkit0.2
want_state 36 online $'offline\n'
want_state 37 online $'offline\n'
want_changed "$MEM/memory36/state" "$MEM/memory37/state"
verdict tool-reconfigure-system-ram-no-movable

ram_tree kmem-policy-f
attr "$root/$MEM/auto_online_blocks" online_kernel
begin
run reconfigure-device -m system-ram -f daxkit0.2
want_rc 0
want_wrote "$KMEM/new_id" daxkit0.2
want_state 36 online_movable $'offline\n'
verdict tool-reconfigure-system-ram-policy-force

ram_tree kmem-policy-movable
attr "$root/$MEM/auto_online_blocks" online_movable
begin
run reconfigure-device -m system-ram daxkit0.2
want_rc 0
want_wrote "$KMEM/new_id" daxkit0.2
verdict tool-reconfigure-system-ram-policy-online-movable

# new_id refused (here: not writable, a directory): bound again.
ram_tree kmem-refused
rm "$root/$KMEM/new_id"
mkdir "$root/$KMEM/new_id"
begin
run reconfigure-device -m system-ram 0.2
want_rc 1
want_err "^daxkit: reconfigure-device: daxkit0\.2: cannot hand its memory to the kernel \(kmem new_id\): Is a directory \(/.*/$KMEM/new_id\)$"
want_err "^daxkit: reconfigure-device: daxkit0\.2: enabled again as devdax$"
want_wrote "$DRV/unbind" daxkit0.2
want_wrote "$DRV/bind" daxkit0.2
want_changed
verdict tool-reconfigure-system-ram-refused-bound-again

# What the kmem driver logs while the command runs follows the error (appended
# to /dev/kmsg while the tool is held writing to unbind).
ram_tree kmem-klog
rm "$root/$KMEM/new_id"
mkdir "$root/$KMEM/new_id"
kmem_logs() {
	printf '%s\n' '6,600,999999,-;kmem daxkit0.2: holds no whole memory block of 128 MiB' >> "$root/dev/kmsg"
}
begin
run_held "$DRV/unbind" kmem_logs reconfigure-device -m system-ram 0.2
want_rc 1
want_held daxkit0.2
want_err "^kernel: kmem daxkit0.2: holds no whole memory block of 128 MiB$"
verdict tool-reconfigure-kernel-log

fresh nokmem
rm -rf "$root/$KMEM"
begin
run reconfigure-device -m system-ram daxkit0.2
want_rc 5
want_err "^daxkit: reconfigure-device: kmem: the driver is not there: No such file or directory"
want_err "^hint: dax_dev is not loaded"
want_unchanged
run reconfigure-device -m devdax 0.2
want_rc 0
want_unchanged
verdict tool-reconfigure-no-kmem

# To devdax: the blocks offlined, then remove_id, then bound to dax_dev.
kmem_tree kmem-dd
at_remove_id() {
	hq take "$root/$DRV/bind" "$work/mid.bind"
	[ ! -s "$work/mid.bind" ] || because "bound to dax_dev before remove_id"
	[ "$(head -c 7 "$root/$MEM/memory36/state")" = offline ] &&
		[ "$(head -c 7 "$root/$MEM/memory37/state")" = offline ] ||
		because "when remove_id was written, memory36 and 37 were not offline"
}
begin
run_held "$KMEM/remove_id" at_remove_id reconfigure-device -m devdax daxkit0.2
want_rc 0
want_held daxkit0.2
want_wrote "$DRV/bind" daxkit0.2
want_state 36 offline $'online\n'
want_state 37 offline $'online\n'
want_changed "$MEM/memory36/state" "$MEM/memory37/state"
want_err "^daxkit: reconfigure-device: reconfigured 1 device to devdax$"
verdict tool-reconfigure-devdax-order

kmem_tree kmem-dd-all
begin
run reconfigure-device -m devdax all
want_rc 0
want_wrote "$KMEM/remove_id" daxkit0.0daxkit0.2daxkit101.0
want_wrote "$DRV/bind" daxkit0.0daxkit0.2daxkit101.0
want_changed "$MEM/memory32/state" "$MEM/memory33/state" "$MEM/memory36/state" "$MEM/memory37/state"
want_err "^daxkit: reconfigure-device: reconfigured 3 devices to devdax$"
verdict tool-reconfigure-devdax-all

# A block that will not go offline: those offlined before it are put
# back online in the zone they were in, nothing else is written.  Run as
# uid 65534, for whom memory34's state (0444) is not writable; the
# others and the FIFOs are (a write to them would show).
if command -v setpriv > /dev/null; then
	kmem_tree kmem-busy
	chmod 444 "$root/$P0/daxkit0.0/mapping0/"*
	chmod 666 "$root/$MEM/memory32/state" "$root/$MEM/memory33/state" \
		"$root/$KMEM/remove_id" "$root/$DRV/bind"
	attr "$root/$MEM/memory33/valid_zones" Normal 444
	attr "$root/$MEM/memory34/state" online 444
	attr "$root/$MEM/memory34/valid_zones" Movable 444
	begin
	run --nobody reconfigure-device -m devdax daxkit0.0
	want_rc 4
	want_err "^daxkit: reconfigure-device: daxkit0\.0: memory34: cannot offline \(offline\): Permission denied \(/.*/$MEM/memory34/state\)$"
	want_err "^daxkit: reconfigure-device: daxkit0\.0: left in system-ram mode, its memory as it was$"
	want_state 32 online_movable offline
	want_state 33 online_kernel offline
	want_state 34 online $'online\n'
	want_changed "$MEM/memory32/state" "$MEM/memory33/state"
	want_no_write "$KMEM/remove_id"
	want_no_write "$DRV/bind"
	verdict tool-reconfigure-devdax-offline-fails-put-back
fi

# remove_id refused (a directory here): the blocks back online, not bound.
kmem_tree kmem-dd-refused
rm "$root/$KMEM/remove_id"
mkdir "$root/$KMEM/remove_id"
begin
run reconfigure-device -m devdax daxkit0.2
want_rc 1
want_err "^daxkit: reconfigure-device: daxkit0\.2: cannot take its memory back from the kernel \(kmem remove_id\): Is a directory"
want_state 36 online_kernel offline
want_state 37 online_movable offline
want_no_write "$DRV/bind"
verdict tool-reconfigure-devdax-remove-id-fails-put-back

kmem_tree kmem-online
begin
run online-memory daxkit0.0
want_rc 0
want_state 34 online_movable $'offline\n'
want_changed "$MEM/memory34/state"
want_json --each device "names(d) == ['daxkit0.0']"
want_err "^daxkit: online-memory: onlined 1 memory block of 1 device$"
verdict tool-online-memory

kmem_tree kmem-online-nm
begin
run online-memory --no-movable 0.0
want_rc 0
want_state 34 online $'offline\n'
want_changed "$MEM/memory34/state"
verdict tool-online-memory-no-movable

root=$work/kmem-list
begin
run online-memory daxkit0.2
want_rc 0
want_err "^daxkit: online-memory: daxkit0\.2: all 2 memory blocks already online$"
want_unchanged
run offline-memory daxkit100.0
want_rc 1
want_err "^daxkit: offline-memory: daxkit100\.0: not in system-ram mode: Invalid argument"
want_unchanged
verdict tool-online-memory-nothing-to-do

kmem_tree kmem-offline
begin
run offline-memory all
want_rc 0
want_changed "$MEM/memory32/state" "$MEM/memory33/state" "$MEM/memory36/state" "$MEM/memory37/state"
want_state 32 offline $'online\n'
want_state 37 offline $'online\n'
want_no_write "$KMEM/remove_id"
want_err "^daxkit: offline-memory: offlined 4 memory blocks of 3 devices$"
want_err "^daxkit: offline-memory: daxkit101\.0: no memory block lies in its ranges$"
verdict tool-offline-memory-all

# ---- the kernel log of a failure

# On failure the tool prints what our modules logged while it ran.  The
# fake /dev/kmsg is a plain file and nothing appends to it by itself:
# no line from before the command is printed.
root=$work/base
begin
run enable-device 0.1
want_rc 1
want_no_err "^kernel: "
verdict tool-klog-no-old-lines

# The test plays the kernel: the tool blocks writing daxkit0.0's unbind
# (a FIFO filled to the brim) while a record is appended to /dev/kmsg;
# then it fails on daxkit0.2, whose driver has no unbind file.
fresh klog
rm "$root/$P0/daxkit0.2/driver"
rlink "$root/sys/bus/daxkit/drivers/gone" "$root/$P0/daxkit0.2/driver"
unbind=$root/$DRV/unbind
begin
: > "$work/unbind.data"
if hq fill "$unbind"; then
	timeout 20 env DAXKIT_ROOT="$root" DAXKIT_UNAME_R="$KVER" "$tool" disable-device all \
		> "$work/out" 2> "$work/err" &
	pid=$!
	hq wait-open "$pid" "$unbind" 10 || because "$reply"
	printf '%s\n' '6,500,999999,-;dax_dev daxkit0.0: unbound while the command ran' \
		'6,501,999999,-;e1000: not ours' >> "$root/dev/kmsg"
	hq take "$unbind" "$work/unbind.data"
	wait "$pid"
	rc=$?
	hq take "$unbind" "$work/unbind.data"
	want_rc 1
	[ "$(tr -d '#' < "$work/unbind.data")" = daxkit0.0daxkit100.0 ] ||
		because "unbind got '$(tr -d '#' < "$work/unbind.data" | head -c 60)'"
	want_err "^daxkit: disable-device: daxkit0\.2: disable \(unbind\): No such file or directory \(/.*/sys/bus/daxkit/drivers/gone/unbind\)$"
	want_err "^kernel: dax_dev daxkit0\.0: unbound while the command ran$"
	want_no_err "^kernel: (dax_pmem: something|dax_core: ABI|e1000)"
	sed -n '/^daxkit: disable-device: daxkit0\.2/,$p' "$work/err" | grep -q '^kernel: ' ||
		because "the kernel: line is not after the error"
else
	because "helper: $reply"
fi
verdict tool-klog-lines-of-the-command

# With the real /dev/kmsg (a node of the kernel's, 1:11, in the fake
# tree): positions in it are records, not bytes.  A line written before
# the command must not be printed as the command's.  (Writes one line to
# the host's kernel log.)
fresh kmsg
rm "$root/dev/kmsg"
if [ -w /dev/kmsg ] && mknod "$root/dev/kmsg" c 1 11 2> /dev/null &&
	dd if="$root/dev/kmsg" of=/dev/null bs=8192 count=1 iflag=nonblock 2> /dev/null; then
	marker="daxkit t_60_tool: a line from before the command, test $$x$RANDOM"
	echo "<6>$marker" > /dev/kmsg
	begin
	run enable-device 0.1
	want_rc 1
	want_no_err "^kernel: .*$marker"
	verdict tool-klog-real-kmsg-mark
else
	log "cannot use the kernel's /dev/kmsg in the fake tree: tool-klog-real-kmsg-mark does not run"
fi

# ---- the rest: help, version, unknown commands; then what all runs showed

root=$work/base
begin
run --help
want_rc 0
grep -q '^usage: daxkit COMMAND' "$work/out" || because "--help: no usage on stdout"
run help
want_rc 0
run list --help
want_rc 0
grep -q '^usage: daxkit list ' "$work/out" || because "list --help: no usage on stdout"
run --version
want_out "daxkit $VER"
run frob
want_rc 2
want_err "^daxkit: unknown command 'frob'"
run
want_rc 2
verdict tool-help-version-usage

begin
for c in 0 1 2 3 4 5; do
	[ -n "${seen_rc[c]:-}" ] || because "no command exited $c"
done
verdict tool-exit-codes-all-seen

begin
[ ! -s "$work/format-bad" ] || because "$(head -n 3 "$work/format-bad" | tr '\n' '|')"
verdict tool-error-format

# Every JSON output of the runs above against its schema (an array of
# them, always, for list); the modules' apart, one check of their own.
json_all() {	# json_all NAME GREP-FLAG: the kept outputs, modules or not
	local schema n cmd k=0
	begin
	while read -r schema n cmd; do
		[ "$2" = "-v" ] && [ "$schema" = module ] && continue
		[ "$2" = "" ] && [ "$schema" != module ] && continue
		k=$((k + 1))
		hq json --each "$schema" "$work/json/$n" || because "daxkit $cmd: ${reply#fail: }"
	done < "$work/json/index"
	[ "$k" -gt 0 ] || because "no output kept"
	verdict "$1"
}
json_all tool-json-every-output-valid -v
json_all tool-modules-json-every-output-valid ""
