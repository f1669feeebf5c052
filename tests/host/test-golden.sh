#!/bin/sh
# Golden tests: the firmware op kernels, built on the host, against the
# oracle (TensorFlow Lite 2.9.0's built-in kernels, see QUANT.md).
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
mkdir -p "$out"
n=0 failed=0

bail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	echo "1..$n"
	exit 1
}

$cc -std=gnu11 -Wall -Wextra -Werror -O1 -I"$oracle/include" \
	-o "$out/oracle-run" "$top/tests/oracle/oracle-run.c" -ldl \
	> "$out/build.log" 2>&1 || bail "build oracle-run: $(cat "$out/build.log")"
$cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$top/firmware/include" -I"$top/uapi" \
	-o "$out/golden-exec" "$top/tests/oracle/golden-exec.c" \
	"$top"/firmware/kernels/*.c > "$out/build.log" 2>&1 ||
	bail "build golden-exec: $(cat "$out/build.log")"
rm -rf "$out/cases"
python3 -B "$top/tests/oracle/gen.py" "$out/cases" $filter > "$out/gen.log" 2>&1 ||
	bail "generate cases: $(tail -5 "$out/gen.log")"

lib=$oracle/lib/libtensorflowlite_c.so
summary=$out/summary.txt
: > "$summary"
while read -r name op; do
	d=$out/cases/$name
	n=$((n + 1))
	ins=$(ls "$d"/in*.bin | sort -V)
	# shellcheck disable=SC2086
	if ! "$out/oracle-run" "$lib" "$d/model.tflite" "$d/oracle.bin" $ins \
		> "$d/oracle.log" 2>&1; then
		echo "not ok $n - $name: oracle failed: $(tail -1 "$d/oracle.log")"
		failed=$((failed + 1)) res=fail
	# shellcheck disable=SC2086
	elif ! "$out/golden-exec" "$d/prog.bin" "$d/ours.bin" $ins \
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
done < "$out/cases/cases.txt"

echo "# per-op results (cases passed/total):"
sort "$summary" | awk '{t[$1]++; if ($2 == "pass") p[$1]++}
	END {for (o in t) printf "#   %-26s %d/%d\n", o, p[o], t[o]}' | sort
echo "1..$n"
[ "$n" -gt 0 ] || exit 1
[ "$failed" -eq 0 ]
