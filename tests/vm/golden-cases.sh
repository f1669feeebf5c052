#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host side of the VM golden tests: write the single-op cases of
# tests/oracle/gen.py into OUTDIR and run the oracle (TensorFlow Lite 2.9.0,
# tests/oracle/fetch.sh) on each, so the guest (edgeai_golden_test) only
# compares. OUTDIR gets cases.txt and per case prog.bin, in*.bin and
# oracle.bin for edgeai_golden_test, and model.tflite for the library runs
# (tests/vm/guest-lib-run.sh: edgeaictl run on the devices).
#
#   tests/vm/golden-cases.sh OUTDIR [FILTER]
#
# Exits 77 (and leaves OUTDIR without cases.txt) when the oracle cannot be
# fetched; the guest then reports a skip.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
filter=${2:-}
cc=${CC:-cc}

rm -rf "$out"
mkdir -p "$out"
oracle=$("$top/tests/oracle/fetch.sh") || exit 77
tmp=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
$cc -std=gnu11 -Wall -Wextra -Werror -O1 -I"$oracle/include" \
	-o "$tmp/oracle-run" "$top/tests/oracle/oracle-run.c" -ldl || exit 1
python3 -B "$top/tests/oracle/gen.py" "$tmp/cases" "$filter" > "$tmp/gen.log" 2>&1 || {
	tail -5 "$tmp/gen.log" >&2
	exit 1
}
lib=$oracle/lib/libtensorflowlite_c.so
n=0
while read -r name op; do
	d=$tmp/cases/$name
	ins='' k=0
	while [ -f "$d/in$k.bin" ]; do
		ins="$ins $d/in$k.bin" k=$((k + 1))
	done
	# shellcheck disable=SC2086
	if ! "$tmp/oracle-run" "$lib" "$d/model.tflite" "$d/oracle.bin" $ins \
		> "$d/oracle.log" 2>&1; then
		echo "golden-cases: oracle failed on $name: $(tail -1 "$d/oracle.log")" >&2
		exit 1
	fi
	mkdir -p "$out/$name"
	cp "$d/prog.bin" "$d/model.tflite" "$d/oracle.bin" "$d"/in*.bin "$out/$name/"
	echo "$name $op" >> "$out/cases.tmp"
	n=$((n + 1))
done < "$tmp/cases/cases.txt"
mv "$out/cases.tmp" "$out/cases.txt"
echo "golden-cases: $n cases with oracle outputs in $out" >&2
