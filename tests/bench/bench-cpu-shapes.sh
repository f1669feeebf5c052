#!/bin/sh
# CPU latency of libedgeai's best kernel set against TensorFlow Lite 2.9.0
# with its XNNPACK delegate (int8 enabled, flags QS8 | QU8), one op at a
# time, 1 thread: the shape classes of models outside our corpus
# (tests/bench/cpu/shapes.py writes the single-op models with the
# builders of tests/oracle/gen.py: 1-channel and RGB convolution stems,
# pointwise and small 3x3 convolutions, depthwise convolutions of many
# channel counts, FULLY_CONNECTED, element-wise and table ops, resizes,
# PAD, CONCATENATION, pooling, MEAN, SOFTMAX, TRANSPOSE_CONV, uint8
# CONV_2D and DEPTHWISE_CONV_2D, BATCH_MATMUL).
#
# Ours is edgeaictl bench --device cpu --zero-copy (the op's input and
# output bound in place, as tflite-bench leaves them in the interpreter's
# tensors: neither side copies them per run), XNNPACK tests/bench/cpu/tflite-bench.c;
# both pinned to one core (taskset -c BENCH_CPU_CORE, default the last
# online CPU; see bench-cpu.sh for why). For each case the two take turns
# in BENCH_SHAPES_ROUNDS rounds (default 6) of BENCH_SHAPES_ITERS timed
# runs (default 40, after 5 warm-up runs), in the order ours, XNNPACK in
# odd rounds and XNNPACK, ours in even ones (ABBA); each figure is the
# median of the round medians, and the ratio of each adjacent pair is
# reported too (its median). Where XNNPACK did not take the op
# (tflite-bench's "delegated": false: the op stayed with the built-in
# kernels), or refused the model so that the interpreter
# could not be built (TFLite 2.9's XNNPACK and uint8 CONV_2D), the
# comparison is against TFLite's built-in kernels and the table says so
# ("builtin"). One more run of ours with --profile
# names the kernel set that ran the op (vnni, avx2, common, reference).
#
# The case "tiny_add_8" (an ADD of 8 bytes) measures each engine's fixed
# cost per inference; the "net" ratio subtracts it from both sides.
# Prints a table (ratios ours / XNNPACK: above 1, we are slower) and
# writes $BENCH_OUT/cpu-shapes.json. Skips when the oracle cannot be
# fetched.
#
#   BENCH_SHAPES_FILTER=str  only the cases whose name contains str
#   BENCH_SHAPES_ROUNDS=N    rounds per case (default 6)
#   BENCH_SHAPES_ITERS=N     timed runs per engine and round (default 40)
#   BENCH_CPU_CORE=N         the core of the runs ("": not pinned)
#   EDGEAI_CPU_KERNELS=set   our kernel set (default: this CPU's best)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${EDGEAI_BUILD:-$top/build}
out=${BENCH_OUT:-$build/bench}
rounds=${BENCH_SHAPES_ROUNDS:-6}
iters=${BENCH_SHAPES_ITERS:-40}
filter=${BENCH_SHAPES_FILTER:-}
work=$build/bench-cpu-shapes
mkdir -p "$out" "$work"
pin=
core=${BENCH_CPU_CORE-$(($(getconf _NPROCESSORS_ONLN) - 1))}
if [ -n "$core" ] && command -v taskset > /dev/null; then
	pin="taskset -c $core"
fi

make -s -C "$top/libedgeai" BUILD="$build" && make -s -C "$top/daemon" BUILD="$build" || exit 1
ctl=$build/daemon/edgeaictl
if ! oracle=$("$top/tests/oracle/fetch.sh"); then
	echo "bench-cpu-shapes: SKIP (oracle not available)"
	echo '{"skipped": "oracle not available"}' > "$out/cpu-shapes.json"
	exit 0
fi
lib=$oracle/lib/libtensorflowlite_c.so
${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror -I"$oracle/include" -o "$work/tflite-bench" \
	"$top/tests/bench/cpu/tflite-bench.c" -ldl || exit 1

# the models, written again when the generator changes
stamp=$(cat "$top/tests/bench/cpu/shapes.py" "$top/tests/oracle/gen.py" \
	"$top/tests/oracle/tflite_writer.py" | cksum | cut -d' ' -f1)
models=$work/models
if [ "$(cat "$models/stamp" 2> /dev/null)" != "$stamp" ]; then
	rm -rf "$models"
	python3 "$top/tests/bench/cpu/shapes.py" "$models" > /dev/null || exit 1
	echo "$stamp" > "$models/stamp"
fi

: > "$work/rows"
while read -r name opname cls; do
	case $name in *"$filter"*) ;; *) continue ;; esac
	m=$models/$name/model.tflite
	rm -f "$work"/r.*.json
	# XNNPACK of TFLite 2.9 refuses some ops outright (the interpreter
	# fails to build: uint8 CONV_2D): those run on the built-in kernels
	theirs=xnnpack
	"$work/tflite-bench" "$lib" "$m" xnnpack 1 0 1 > /dev/null 2>&1 || theirs=builtin
	r=1
	while [ "$r" -le "$rounds" ]; do
		engs="ours xnnpack"
		[ $((r % 2)) -eq 0 ] && engs="xnnpack ours"
		for e in $engs; do
			o=$work/r.$e.$r.json
			case $e in
			ours) $pin "$ctl" -q bench "$m" --device cpu -n "$iters" -w 5 --json --zero-copy \
				> "$o" ;;
			xnnpack) $pin "$work/tflite-bench" "$lib" "$m" "$theirs" "$iters" 5 1 > "$o" \
				2> /dev/null ;;
			esac || { echo "bench-cpu-shapes: $name: $e failed" >&2; exit 1; }
		done
		r=$((r + 1))
	done
	$pin "$ctl" -q bench "$m" --device cpu -n 3 -w 1 --json --profile > "$work/r.profile.json" ||
		{ echo "bench-cpu-shapes: $name: --profile failed" >&2; exit 1; }
	python3 - "$name" "$opname" "$cls" "$work" "$rounds" >> "$work/rows" <<'PY'
import json, statistics, sys
name, op, cls, w, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def load(e):
    return [json.load(open('%s/r.%s.%d.json' % (w, e, r))) for r in range(1, rounds + 1)]
ours, xnn = load('ours'), load('xnnpack')
prof = json.load(open('%s/r.profile.json' % w))
kern = sorted({o['kernels'] for o in prof['profile']['ops']})
om = statistics.median(x['median_ms'] for x in ours)
xm = statistics.median(x['median_ms'] for x in xnn)
print(json.dumps({
    'case': name, 'op': op, 'class': cls.replace('_', ' '), 'kernels': '+'.join(kern),
    'cpu_kernels': ours[0]['cpu_kernels'], 'ours_median_ms': om, 'xnnpack_median_ms': xm,
    'xnnpack_delegated': xnn[0]['delegated'], 'xnnpack_refused': xnn[0]['mode'] != 'xnnpack',
    'xnnpack_delegated_nodes': xnn[0].get('delegated_nodes'),
    'ratio': om / xm,
    'ratio_paired_median': statistics.median(a['median_ms'] / b['median_ms']
                                             for a, b in zip(ours, xnn)),
    'round_medians_ms': {'ours': [x['median_ms'] for x in ours],
                         'xnnpack': [x['median_ms'] for x in xnn]}}))
PY
done < "$models/cases.txt"

python3 - "$work/rows" "$out/cpu-shapes.json" "$iters" "$rounds" <<'PY'
import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
tiny = next((r for r in rows if r['case'] == 'tiny_add_8'), None)
ovh_o = tiny['ours_median_ms'] if tiny else 0.0
ovh_x = tiny['xnnpack_median_ms'] if tiny else 0.0
for r in rows:
    no, nx = r['ours_median_ms'] - ovh_o, r['xnnpack_median_ms'] - ovh_x
    r['ratio_net'] = no / nx if r is not tiny and no > 0 and nx > 0 else None
print('median ms, 1 thread (pinned); ours = libedgeai, %s; theirs = TFLite 2.9 + XNNPACK'
      % (rows[0]['cpu_kernels'] if rows else '?'))
print('%-30s %-10s %-17s %-7s %8s %8s %7s %7s %7s  %s' % (
    'case', 'class', 'op', 'kernels', 'ours', 'xnnpack', 'ratio', 'paired', 'net', 'theirs'))
for r in rows:
    print('%-30s %-10s %-17s %-7s %8.4f %8.4f %6.2fx %6.2fx %7s  %s' % (
        r['case'], r['class'], r['op'], r['kernels'], r['ours_median_ms'],
        r['xnnpack_median_ms'], r['ratio'], r['ratio_paired_median'],
        '%.2fx' % r['ratio_net'] if r['ratio_net'] else '-',
        'xnnpack' if r['xnnpack_delegated'] else
        'builtin (XNNPACK refused the model)' if r['xnnpack_refused'] else
        'builtin (not delegated)'))
def gmean(v):
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None
body = [r for r in rows if r is not tiny]
gm = gmean([r['ratio'] for r in body])
classes = {}
for r in body:
    classes.setdefault(r['class'], []).append(r['ratio'])
cls = {c: gmean(v) for c, v in classes.items()}
print('ratio: ours / theirs of the medians of %d rounds (ABBA) of %s runs; paired: median of'
      ' the rounds\' ratios; net: both less their tiny_add_8 time (%.4f / %.4f ms), the'
      ' fixed cost per inference' % (int(sys.argv[4]), sys.argv[3], ovh_o, ovh_x))
if gm:
    print('geometric mean of ours/theirs over %d cases: %.2fx; by class: %s' % (
        len(body), gm, ', '.join('%s %.2fx' % (c, g) for c, g in cls.items())))
    slow = [r['case'] for r in body if r['ratio'] > 0.9]
    print('above 0.9x: %s' % (' '.join(slow) if slow else 'none'))
json.dump({'iterations': int(sys.argv[3]), 'rounds': int(sys.argv[4]),
           'overhead_ms': {'ours': ovh_o, 'xnnpack': ovh_x}, 'geomean_ratio': gm,
           'geomean_ratio_by_class': cls, 'cases': rows},
          open(sys.argv[2], 'w'), indent=2)
PY
