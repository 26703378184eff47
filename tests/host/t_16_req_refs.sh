#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every requirement the tree cites resolves inside it: each number cited
# as Req-NN (any file but docs/requirements.md and git's metadata), or as
# reqNN in a test's name (dax-dev-reqNN-..., dax_core_reqNN_...), has its
# line in docs/requirements.md, "Req-NN: what it demands — checked by:
# what checks it".
set -uo pipefail
. "$(dirname "$0")/../lib/common.sh"

t=item16-req-refs-resolve
doc=$DAXKIT_SRC/docs/requirements.md
if [ ! -f "$doc" ]; then
	fail $t "docs/requirements.md is missing"
	exit 0
fi

# cited: "NUMBER FILE" for every citation in the tree (text files only).
cited() {
	{
		grep -rIoE --exclude-dir=.git --exclude=.git 'Req-[0-9]+[a-z]?' "$DAXKIT_SRC"
		grep -rIoP --exclude-dir=.git --exclude=.git '(?<=[-_])req[0-9]{2}[a-z]?(?![a-z0-9])' "$DAXKIT_SRC"
	} | sed -E -e 's#^'"$DAXKIT_SRC"'/##' -e 's#^([^:]*):(Req-|req)([0-9]+[a-z]?)$#\3 \1#' |
		awk '$2 != "docs/requirements.md"'
}
refs=$(cited)
missing=
n=0
for num in $(cut -d' ' -f1 <<< "$refs" | sort -u); do
	n=$((n + 1))
	grep -qE "^Req-$num: " "$doc" && continue
	where=$(awk -v r="$num" '$1 == r { print $2; exit }' <<< "$refs")
	missing="$missing Req-$num ($where)"
done
# Each line names what checks its requirement.
bad=$(grep -E '^Req-[0-9]' "$doc" | grep -vE '^Req-[0-9]+[a-z]?: .+ — checked by: .+' |
	cut -c1-60)
if [ -n "$missing" ]; then
	fail $t "not in docs/requirements.md:$missing"
elif [ -n "$bad" ]; then
	fail $t "lines without 'Req-NN: ... — checked by: ...': $(head -n 3 <<< "$bad" | tr '\n' '|')"
elif [ "$n" -lt 10 ]; then
	fail $t "found only $n cited requirements in the tree; is the pattern right?"
else
	pass $t
fi
