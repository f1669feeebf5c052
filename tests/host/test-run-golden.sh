#!/bin/sh
# The single-op golden corpus through the whole library path: every case
# of tests/oracle/gen.py is compiled from its .tflite by libedgeai and run
# with `edgeaictl run --device cpu` (the default CPU kernels, the AVX2 set
# and the portable reference kernels with --reference; EDGEAI_RUN_MODES
# names others: a set named there must be the one that ran); all must equal the
# oracle's (TensorFlow Lite 2.9.0 built-in kernels) byte for byte. Also
# checks the run contract: DIR/output0.bin, the placement lines, --json.
#
#   tests/host/test-run-golden.sh [FILTER]
#
# Skips (77) when the oracle cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
filter=${1:-}
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
n=0 failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

echo "TAP version 13"
if ! oracle=$("$top/tests/oracle/fetch.sh"); then
	echo "1..0 # SKIP oracle not available (npm pack tfjs-tflite-node@0.0.2)"
	exit 77
fi
mkdir -p "$build/tests/run-golden"
run=$(mktemp -d "$build/tests/run-golden/run.XXXXXX") || exit 1
${CC:-cc} -std=gnu11 -O1 -I"$oracle/include" -o "$run/oracle-run" \
	"$top/tests/oracle/oracle-run.c" -ldl > "$run/build.log" 2>&1
ok $? "build the oracle runner"
"$ctl" run --help 2> /dev/null | grep -q -- --output-dir
ok $? "edgeaictl has the run command ($ctl)"
python3 -B "$top/tests/oracle/gen.py" "$run/cases" "$filter" > "$run/gen.log" 2>&1
ok $? "generate the single-op cases"
lib=$oracle/lib/libtensorflowlite_c.so
# a private compile cache: the --reference run of each case loads what the first stored
export EDGEAI_CACHE_DIR="$run/cache"
while read -r name op; do
	d=$run/cases/$name
	set --
	k=0
	while [ -f "$d/in$k.bin" ]; do
		set -- "$@" --input "$d/in$k.bin"
		k=$((k + 1))
	done
	# oracle-run takes the plain input paths: every second word of $@
	ins=$(printf '%s\n' "$@" | sed -n 'n;p')
	# shellcheck disable=SC2086
	if ! "$run/oracle-run" "$lib" "$d/model.tflite" "$d/oracle.bin" $ins > "$d/oracle.log" 2>&1; then
		ok 1 "$name ($op): oracle failed: $(tail -1 "$d/oracle.log")"
		continue
	fi
	res=''
	for mode in $modes; do
		mode_args "$mode"
		# shellcheck disable=SC2086
		if ! EDGEAI_CPU_KERNELS=$kset "$ctl" run "$d/model.tflite" "$@" --output-dir "$d/$mode" --device cpu $extra \
			> "$d/$mode.log" 2>&1; then
			res="$res $mode: run failed: $(tail -1 "$d/$mode.log");"
		elif [ -n "$kset" ] && ! grep -q "CPU kernels: $kset)" "$d/$mode.log"; then
			res="$res $mode: other kernels ran: $(grep -o 'CPU kernels: [a-z0-9]*' "$d/$mode.log");"
		elif ! cmp -s "$d/oracle.bin" "$d/$mode/output0.bin"; then
			res="$res $mode: $(cmp -l "$d/oracle.bin" "$d/$mode/output0.bin" 2>/dev/null | wc -l) bytes differ;"
		fi
	done
	if [ -z "$res" ]; then
		ok 0 "$name ($op): $(stat -c %s "$d/oracle.bin") bytes equal to the oracle"
	else
		ok 1 "$name ($op):$res"
	fi
	echo "$op ${res:+fail}" >> "$run/summary"
done < "$run/cases/cases.txt"
echo "# per-op results (cases failed):"
sort "$run/summary" | awk '{t[$1]++; if ($2 == "fail") f[$1]++} END {for (o in t) printf "#   %-26s %d/%d failed\n", o, f[o], t[o]}' | sort

# The CLI contract on one case of one input: placement lines, --json, files.
d=
while read -r name _; do
	[ -f "$run/cases/$name/in1.bin" ] || { d=$run/cases/$name; break; }
done < "$run/cases/cases.txt"
if [ -z "$d" ]; then
	echo "# no case of one input here (FILTER $filter): the CLI checks are skipped"
	echo "1..$n"
	[ "$failed" -eq 0 ] && rm -rf "$run"
	[ "$failed" -eq 0 ]
	exit
fi
"$ctl" run "$d/model.tflite" --input "$d/in0.bin" --output-dir "$d/json" --device cpu --json > "$d/run.json" 2>&1 &&
	python3 - "$d/run.json" "$d/json/output0.bin" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
assert r['outputs'][0]['path'].endswith('output0.bin') and os.path.getsize(sys.argv[2]) == r['outputs'][0]['bytes']
assert all(p['device'] == 'cpu' and p['reason'] for p in r['placement']), r
PY
ok $? "run --json: outputs and a placement with a reason per op"
"$ctl" run "$d/model.tflite" --output-dir "$d/x" > /dev/null 2>&1
[ $? -eq 2 ]
ok $? "run without the model's --input count is a usage error (exit 2)"
head -c 3 /dev/zero > "$d/short.bin"
"$ctl" run "$d/model.tflite" --input "$d/short.bin" --output-dir "$d/x" > /dev/null 2> "$d/short.err"
[ $? -eq 1 ] && grep -q 'needs' "$d/short.err"
ok $? "an input of the wrong size fails and says the size it needs"
"$ctl" run "$d/model.tflite" --input "$d/in0.bin" --output-dir "$d/x" --device gpu > /dev/null 2>&1
[ $? -eq 2 ]
ok $? "--device gpu is a usage error"
echo "1..$n"
if [ "$failed" -eq 0 ]; then
	rm -rf "$run"
	exit 0
fi
echo "# cases kept in $run"
exit 1
