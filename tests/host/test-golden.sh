#!/bin/sh
# Golden tests: the op library (firmware/ops/), built on the host, against
# the oracle (TensorFlow Lite 2.9.0's built-in kernels, tests/oracle/README.md).
#
# tests/oracle/gen.py writes every single-op case twice from one
# description: as a .tflite model and as an edgeai program. The oracle runs
# the model (tests/oracle/oracle-run.c), the kernels run the program
# (tests/oracle/golden-exec.c, built with ASan/UBSan), and the outputs must
# be equal byte for byte. One TAP line per case, then a per-op summary.
#
#   tests/host/test-golden.sh [FILTER]    only cases whose name has FILTER
#
# Skips (77) when the oracle cannot be fetched (no npm registry access and
# nothing cached).
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
out=$build/tests/golden
filter=${1:-}
cc=${CC:-cc}

if ! oracle=$("$top/tests/oracle/fetch.sh"); then
	echo "ok 1 - golden # SKIP oracle not available (npm pack tfjs-tflite-node@0.0.2)"
	exit 77
fi
# A private directory per run: lanes of several engineers may share build/.
mkdir -p "$out"
run=$(mktemp -d "$out/run.XXXXXX") || exit 1
n=0 failed=0

bail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	echo "1..$n"
	exit 1
}

$cc -std=gnu11 -Wall -Wextra -Werror -O1 -I"$oracle/include" \
	-o "$run/oracle-run" "$top/tests/oracle/oracle-run.c" -ldl \
	> "$run/build.log" 2>&1 || bail "build oracle-run: $(cat "$run/build.log")"
$cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$top/firmware/ops" -I"$top/uapi" \
	-o "$run/golden-exec" "$top/tests/oracle/golden-exec.c" \
	"$top"/firmware/ops/*.c > "$run/build.log" 2>&1 ||
	bail "build golden-exec: $(cat "$run/build.log")"
python3 -B "$top/tests/oracle/gen.py" "$run/cases" "$filter" > "$run/gen.log" 2>&1 ||
	bail "generate cases: $(tail -5 "$run/gen.log")"

lib=$oracle/lib/libtensorflowlite_c.so
summary=$run/summary.txt
: > "$summary"
while read -r name op; do
	d=$run/cases/$name
	n=$((n + 1))
	ins='' k=0
	while [ -f "$d/in$k.bin" ]; do
		ins="$ins $d/in$k.bin" k=$((k + 1))
	done
	# The input file names have no blanks: split $ins on purpose.
	# shellcheck disable=SC2086
	if ! "$run/oracle-run" "$lib" "$d/model.tflite" "$d/oracle.bin" $ins \
		> "$d/oracle.log" 2>&1; then
		echo "not ok $n - $name: oracle failed: $(tail -1 "$d/oracle.log")"
		failed=$((failed + 1)) res=fail
	elif ! "$run/golden-exec" "$d/prog.bin" "$d/ours.bin" $ins \
		> "$d/ours.log" 2>&1; then
		echo "not ok $n - $name: kernels failed: $(head -3 "$d/ours.log")"
		failed=$((failed + 1)) res=fail
	elif ! cmp -s "$d/oracle.bin" "$d/ours.bin"; then
		diffs=$(cmp -l "$d/oracle.bin" "$d/ours.bin" 2>/dev/null | wc -l)
		echo "not ok $n - $name: $diffs of $(stat -c %s "$d/oracle.bin") bytes differ"
		cmp -l "$d/oracle.bin" "$d/ours.bin" 2>&1 | head -5 | sed 's/^/#   /'
		failed=$((failed + 1)) res=fail
	else
		echo "ok $n - $name ($(stat -c %s "$d/oracle.bin") bytes equal)"
		res=pass
	fi
	echo "$op $res" >> "$summary"
done < "$run/cases/cases.txt"

echo "# per-op results (cases passed/total):"
sort "$summary" | awk '{t[$1]++; if ($2 == "pass") p[$1]++}
	END {for (o in t) printf "#   %-26s %d/%d\n", o, p[o], t[o]}' | sort
echo "1..$n"
if [ "$n" -gt 0 ] && [ "$failed" -eq 0 ]; then
	rm -rf "$run"
	exit 0
fi
echo "# cases, models and outputs kept in $run"
exit 1
