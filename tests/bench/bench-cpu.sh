#!/bin/sh
# CPU latency of libedgeai (edgeaictl bench --device cpu: the AVX2 kernels
# where the CPU has them, and the portable reference kernels) against
# TensorFlow Lite 2.9.0 on the same int8 models, side by side in one run,
# single thread: TFLite with its XNNPACK delegate (int8 enabled, flags
# QS8 | QU8) and TFLite's built-in kernels (the oracle). Models: the int8
# BlazeFace short/full range and hand landmark lite of the toolchain
# issue (edgeaictl quantize --samples 8 --seed 1).
#
# Prints a table with ratios (ours / theirs: below 1 is faster) and writes
# $BENCH_OUT/cpu.json. BENCH_CPU_ITERS (default 30) timed runs per engine
# and model. Skips when the oracle or the models cannot be fetched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${EDGEAI_BUILD:-$top/build}
out=${BENCH_OUT:-$build/bench}
iters=${BENCH_CPU_ITERS:-30}
mkdir -p "$out" "$build/bench-cpu"
work=$build/bench-cpu

make -s -C "$top/libedgeai" BUILD="$build" && make -s -C "$top/daemon" BUILD="$build" || exit 1
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
if ! oracle=$("$top/tests/oracle/fetch.sh") || ! models=$("$top/tests/models/fetch.sh"); then
	echo "bench-cpu: SKIP (oracle or models not available)"
	echo '{"skipped": "oracle or models not available"}' > "$out/cpu.json"
	exit 0
fi
lib=$oracle/lib/libtensorflowlite_c.so
${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -I"$oracle/include" -o "$work/tflite-bench" \
	"$top/tests/bench/cpu/tflite-bench.c" -ldl || exit 1

: > "$work/rows"
for model in face_detection_short_range face_detection_full_range hand_landmark_lite; do
	q=$work/$model-int8.tflite
	if [ ! -s "$q" ]; then
		"$build/daemon/edgeaictl" -q quantize "$models/$model.tflite" -o "$q" --samples 8 --seed 1 \
			> /dev/null || exit 1
	fi
	"$ctl" bench "$q" --device cpu -n "$iters" -w 3 -q --json > "$work/ours.json" || exit 1
	"$ctl" bench "$q" --device cpu -n "$iters" -w 3 -q --json --reference > "$work/ref.json" || exit 1
	"$work/tflite-bench" "$lib" "$q" xnnpack "$iters" 3 > "$work/xnn.json" 2> /dev/null || exit 1
	"$work/tflite-bench" "$lib" "$q" builtin "$iters" 3 > "$work/builtin.json" 2> /dev/null || exit 1
	python3 - "$model" "$work" >> "$work/rows" <<'PY'
import json, sys
m, w = sys.argv[1], sys.argv[2]
ours = json.load(open(w + '/ours.json'))
ref = json.load(open(w + '/ref.json'))
xnn = json.load(open(w + '/xnn.json'))
bi = json.load(open(w + '/builtin.json'))
print(json.dumps({'model': m, 'ops': len(ours['placement']), 'cpu_kernels': ours['cpu_kernels'],
                  'ours_median_ms': ours['median_ms'], 'ours_reference_median_ms': ref['median_ms'],
                  'tflite_xnnpack_median_ms': xnn['median_ms'], 'xnnpack_delegated': xnn['delegated'],
                  'tflite_builtin_median_ms': bi['median_ms'],
                  'ratio_vs_xnnpack': ours['median_ms'] / xnn['median_ms'],
                  'ratio_vs_builtin': ours['median_ms'] / bi['median_ms'],
                  'ratio_reference_vs_xnnpack': ref['median_ms'] / xnn['median_ms']}))
PY
done
python3 - "$work/rows" "$out/cpu.json" "$iters" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print('%-28s %10s %10s %10s %10s %9s %9s' % ('model (median ms, 1 thread)', 'ours', 'ours-ref', 'xnnpack',
                                              'tflite', 'vs xnnpk', 'vs tflite'))
for r in rows:
    print('%-28s %10.2f %10.2f %10.2f %10.2f %8.2fx %8.2fx' % (
        r['model'], r['ours_median_ms'], r['ours_reference_median_ms'], r['tflite_xnnpack_median_ms'],
        r['tflite_builtin_median_ms'], r['ratio_vs_xnnpack'], r['ratio_vs_builtin']))
print('ratios are ours / theirs (above 1: we are slower); %s timed runs each, medians' % sys.argv[3])
json.dump({'iterations': int(sys.argv[3]), 'models': rows}, open(sys.argv[2], 'w'), indent=2)
PY
