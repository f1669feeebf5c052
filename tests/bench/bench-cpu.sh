#!/bin/sh
# CPU latency of libedgeai (edgeaictl bench --device cpu) with each of its
# kernel sets - the best this CPU has (AVX-512 VNNI where present), AVX2
# (EDGEAI_CPU_KERNELS=avx2) and the portable reference kernels - against
# TensorFlow Lite 2.9.0 on the same int8 models, side by side in one run,
# single thread: TFLite with its XNNPACK delegate (int8 enabled, flags
# QS8 | QU8) and TFLite's built-in kernels (the oracle); then ours with
# the best set and XNNPACK both on BENCH_CPU_THREADS threads (default 2;
# edgeaictl bench --threads N, XNNPACK's num_threads N; 1: skipped).
# Models: every
# model of the corpus (tests/models/fetch.sh --list), int8 by edgeaictl
# quantize --samples 8 --seed 1. Ours binds each model's inputs and outputs
# in place (edgeaictl bench --zero-copy), as tflite-bench leaves them in the
# interpreter's tensors: neither side copies them in or out per run.
#
# The engines take turns in BENCH_CPU_ROUNDS rounds (default 3) of
# BENCH_CPU_ITERS / rounds timed runs each (default 30 in all; the
# reference kernels get a third of that), so that the load of this shared
# machine drifts over all of them alike; each figure is the median of the
# per-round medians. The order turns around every round (ABBA: ours and
# XNNPACK run next to each other, first one then the other), and each
# round also runs BENCH_CPU_MT_PAIRS (default 2) pairs of ours and XNNPACK
# on the second thread count, the pairs in turn ours-first and
# XNNPACK-first. Each adjacent pair gives a ratio measured under the same
# load; the ratios' median and spread (min, max, and the quartiles) are
# reported beside the ratio of the medians, with the speedup each engine
# got from its threads and the load average around the model's rounds:
# on a machine whose second core is busy the threads cannot help, and
# the figures say so. Prints a table with ratios (ours / theirs: above 1
# is slower) and writes $BENCH_OUT/cpu.json. Then the per-op profile
# (edgeaictl bench --profile, BENCH_CPU_ITERS runs) of the model with the
# highest ours/XNNPACK ratio, by op type, into cpu.json too
# ("slowest_model_profile"). Skips when the oracle or the models cannot be
# fetched.
#
# The single-thread runs of every engine are pinned to one core
# (taskset -c BENCH_CPU_CORE, default the last online CPU): a core whose
# hyperthread sibling on the host is busy slows some code more than other
# code (on one machine here, our kernels up to 45% for minutes at a time,
# XNNPACK's not), so two engines that the scheduler puts on different
# cores compare the cores as much as the code. The multi-thread runs are
# not pinned.
#
#   BENCH_CPU_MODELS="a b"   only these models of the corpus
#   BENCH_CPU_THREADS=N      the second thread count (default 2; 1: none)
#   BENCH_CPU_CORE=N         the core of the single-thread runs ("": none)
#   BENCH_CPU_MT_PAIRS=N     pairs at that count per round (default 2)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${EDGEAI_BUILD:-$top/build}
out=${BENCH_OUT:-$build/bench}
iters=${BENCH_CPU_ITERS:-30}
rounds=${BENCH_CPU_ROUNDS:-3}
threads=${BENCH_CPU_THREADS:-2}
mt_pairs=${BENCH_CPU_MT_PAIRS:-2}
mkdir -p "$out" "$build/bench-cpu"
work=$build/bench-cpu
per=$(( (iters + rounds - 1) / rounds ))
per_ref=$(( (per + 2) / 3 ))
pin=
core=${BENCH_CPU_CORE-$(($(getconf _NPROCESSORS_ONLN) - 1))}
if [ -n "$core" ] && command -v taskset > /dev/null; then
	pin="taskset -c $core"
fi

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
for model in ${BENCH_CPU_MODELS:-$("$top/tests/models/fetch.sh" --list)}; do
	q=$work/$model-int8.tflite
	if [ ! -s "$q" ]; then
		"$build/daemon/edgeaictl" -q quantize "$models/$model.tflite" -o "$q" --samples 8 --seed 1 \
			> /dev/null || exit 1
	fi
	rm -f "$work"/r.*.json
	cut -d' ' -f1 /proc/loadavg > "$work/load.before"
	r=1
	while [ $r -le "$rounds" ]; do
		# ABBA: odd rounds in this order, even rounds reversed
		engs="best xnnpack avx2 ref builtin"
		if [ "$threads" -gt 1 ]; then
			k=1
			while [ "$k" -le "$mt_pairs" ]; do
				if [ $((k % 2)) -eq 1 ]; then
					engs="$engs bestmt:$k xnnpackmt:$k"
				else
					engs="$engs xnnpackmt:$k bestmt:$k"
				fi
				k=$((k + 1))
			done
		fi
		[ $((r % 2)) -eq 0 ] && engs=$(echo "$engs" | tr ' ' '\n' | tac | tr '\n' ' ')
		for e in $engs; do
			eng=${e%%:*}
			o=$work/r.$eng.$r.json
			[ "$eng" != "$e" ] && o=$work/r.$eng.$r.${e#*:}.json
			case $eng in
			best) EDGEAI_CPU_KERNELS='' $pin "$ctl" bench "$q" --device cpu -n "$per" -w 2 -q --json \
				--zero-copy > "$o" ;;
			bestmt) EDGEAI_CPU_KERNELS='' "$ctl" bench "$q" --device cpu -n "$per" -w 2 -q --json \
				--zero-copy --threads "$threads" > "$o" ;;
			xnnpackmt) "$work/tflite-bench" "$lib" "$q" xnnpack "$per" 2 "$threads" > "$o" \
				2> /dev/null ;;
			avx2) EDGEAI_CPU_KERNELS=avx2 $pin "$ctl" bench "$q" --device cpu -n "$per" -w 2 -q \
				--json --zero-copy > "$o" ;;
			ref) $pin "$ctl" bench "$q" --device cpu -n "$per_ref" -w 1 -q --json --reference \
				--zero-copy > "$o" ;;
			*) $pin "$work/tflite-bench" "$lib" "$q" "$eng" "$per" 2 > "$o" 2> /dev/null ;;
			esac || { echo "bench-cpu: $model: $eng failed" >&2; exit 1; }
		done
		r=$((r + 1))
	done
	cut -d' ' -f1 /proc/loadavg > "$work/load.after"
	python3 - "$model" "$work" "$rounds" "$threads" "$mt_pairs" >> "$work/rows" <<'PY'
import json, statistics, sys
m, w, rounds, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pairs = int(sys.argv[5])
def load(eng):
    if eng.endswith('mt'):
        return [json.load(open('%s/r.%s.%d.%d.json' % (w, eng, r, k)))
                for r in range(1, rounds + 1) for k in range(1, pairs + 1)]
    return [json.load(open('%s/r.%s.%d.json' % (w, eng, r))) for r in range(1, rounds + 1)]
def spread(ratios):
    q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return {'n': len(ratios), 'median': statistics.median(ratios), 'min': min(ratios),
            'max': max(ratios), 'q1': q[0], 'q3': q[2]}
def paired(a, b):
    # ours / XNNPACK of each adjacent pair (same round, same pair slot)
    return spread([x['median_ms'] / y['median_ms'] for x, y in zip(a, b)])
def med(runs):
    return statistics.median(x['median_ms'] for x in runs)
best, avx2, ref, xnn, bi = (load(e) for e in ('best', 'avx2', 'ref', 'xnnpack', 'builtin'))
row = {'model': m, 'ops': len(best[0]['placement']), 'cpu_kernels': best[0]['cpu_kernels'],
       'avx2_kernels': avx2[0]['cpu_kernels'], 'rounds': rounds,
       'ours_median_ms': med(best), 'ours_avx2_median_ms': med(avx2),
       'ours_reference_median_ms': med(ref),
       'tflite_xnnpack_median_ms': med(xnn), 'xnnpack_delegated': xnn[0]['delegated'],
       'tflite_builtin_median_ms': med(bi),
       'round_medians_ms': {e: [x['median_ms'] for x in v] for e, v in
                            (('ours', best), ('ours_avx2', avx2), ('ours_reference', ref),
                             ('xnnpack', xnn), ('builtin', bi))}}
row['ratio_vs_xnnpack'] = row['ours_median_ms'] / row['tflite_xnnpack_median_ms']
row['ratio_avx2_vs_xnnpack'] = row['ours_avx2_median_ms'] / row['tflite_xnnpack_median_ms']
row['ratio_reference_vs_xnnpack'] = row['ours_reference_median_ms'] / row['tflite_xnnpack_median_ms']
row['ratio_vs_builtin'] = row['ours_median_ms'] / row['tflite_builtin_median_ms']
row['speedup_over_avx2'] = row['ours_avx2_median_ms'] / row['ours_median_ms']
row['ratio_vs_xnnpack_paired'] = paired(best, xnn)
if threads > 1:
    omt, xmt = load('bestmt'), load('xnnpackmt')
    row['threads'] = threads
    row['mt_pairs'] = len(omt)
    row['ours_cpu_threads'] = omt[0].get('cpu_threads')
    row['ours_mt_median_ms'] = med(omt)
    row['tflite_xnnpack_mt_median_ms'] = med(xmt)
    row['ratio_vs_xnnpack_mt'] = row['ours_mt_median_ms'] / row['tflite_xnnpack_mt_median_ms']
    row['ratio_vs_xnnpack_mt_paired'] = paired(omt, xmt)
    # what the threads bought each engine (1.0: no free core to use)
    row['ours_thread_speedup'] = row['ours_median_ms'] / row['ours_mt_median_ms']
    row['xnnpack_thread_speedup'] = (row['tflite_xnnpack_median_ms'] /
                                     row['tflite_xnnpack_mt_median_ms'])
    row['round_medians_ms']['ours_mt'] = [x['median_ms'] for x in omt]
    row['round_medians_ms']['xnnpack_mt'] = [x['median_ms'] for x in xmt]
row['loadavg_1min'] = [float(open('%s/load.%s' % (w, x)).read()) for x in ('before', 'after')]
print(json.dumps(row))
PY
done
slowest=$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(max(rows, key=lambda r: r["ratio_vs_xnnpack"])["model"] if rows else "")' "$work/rows")
: > "$work/profile.json"
if [ -n "$slowest" ]; then
	"$ctl" bench "$work/$slowest-int8.tflite" --device cpu -n "$iters" -w 2 -q --json --profile \
		> "$work/profile.json" || { echo "bench-cpu: $slowest: --profile failed" >&2; exit 1; }
fi
python3 - "$work/rows" "$out/cpu.json" "$iters" "$rounds" "$work/profile.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
prof = None
try:
    b = json.load(open(sys.argv[5]))
    prof = {'model': b['model'].split('/')[-1].replace('-int8.tflite', ''),
            'cpu_kernels': b['cpu_kernels'], 'median_ms': b['median_ms'],
            'iterations': b['iterations'], 'types': b['profile']['types'],
            'ops': b['profile']['ops']}
except (ValueError, KeyError, OSError):
    pass
best = rows[0]['cpu_kernels'] if rows else '?'
print('median ms, 1 thread; ours = libedgeai with the "%s" kernel set (this CPU\'s best)' % best)
print('%-44s %8s %8s %9s %8s %8s | %8s %8s %8s %8s' % (
    'model', 'ours', 'avx2', 'reference', 'xnnpack', 'tflite',
    'ours/xnn', 'avx2/xnn', 'ref/xnn', 'ours/tfl'))
for r in rows:
    print('%-44s %8.2f %8.2f %9.2f %8.2f %8.2f | %7.2fx %7.2fx %7.1fx %7.2fx' % (
        r['model'], r['ours_median_ms'], r['ours_avx2_median_ms'], r['ours_reference_median_ms'],
        r['tflite_xnnpack_median_ms'], r['tflite_builtin_median_ms'], r['ratio_vs_xnnpack'],
        r['ratio_avx2_vs_xnnpack'], r['ratio_reference_vs_xnnpack'], r['ratio_vs_builtin']))
print('ratios are ours / theirs (above 1: we are slower than TFLite); %s timed runs per engine'
      ' and model (reference: a third) in %s interleaved rounds, median of round medians'
      % (sys.argv[3], sys.argv[4]))
if rows:
    gm = 1.0
    for r in rows:
        gm *= r['ratio_vs_xnnpack']
    gm **= 1.0 / len(rows)
    print('geometric mean of ours/xnn: %.2fx over %d models' % (gm, len(rows)))
    print('ours/xnn of the adjacent pairs (ABBA), 1 thread: median [min .. max], load avg')
    for r in rows:
        p = r['ratio_vs_xnnpack_paired']
        print('  %-44s %6.2fx [%5.2f .. %5.2f] of %d pairs, load %.1f -> %.1f' % (
            r['model'], p['median'], p['min'], p['max'], p['n'], r['loadavg_1min'][0],
            r['loadavg_1min'][1]))
else:
    gm = None
gm_mt = None
mt = [r for r in rows if 'ratio_vs_xnnpack_mt' in r]
if mt:
    print('%d threads (ours --threads %d, XNNPACK num_threads %d), median ms:'
          % (mt[0]['threads'], mt[0]['threads'], mt[0]['threads']))
    print('%-44s %8s %8s | %8s | %-27s | %s' % ('model', 'ours', 'xnnpack', 'ours/xnn',
                                               'pairs: median [q1 .. q3]', 'speedup ours/xnn'))
    gm_mt = 1.0
    for r in mt:
        p = r['ratio_vs_xnnpack_mt_paired']
        print('%-44s %8.2f %8.2f | %7.2fx | %5.2fx [%5.2f .. %5.2f] n=%-3d | %4.2fx / %4.2fx' % (
            r['model'], r['ours_mt_median_ms'], r['tflite_xnnpack_mt_median_ms'],
            r['ratio_vs_xnnpack_mt'], p['median'], p['q1'], p['q3'], p['n'],
            r['ours_thread_speedup'], r['xnnpack_thread_speedup']))
        gm_mt *= r['ratio_vs_xnnpack_mt']
    gm_mt **= 1.0 / len(mt)
    print('geometric mean of ours/xnn at %d threads: %.2fx over %d models'
          % (mt[0]['threads'], gm_mt, len(mt)))
    print('pairs: ours/xnn of each adjacent pair at %d threads (ours first and XNNPACK first'
          ' in turn); speedup: 1-thread median / %d-thread median of each engine (about 1:'
          ' no free core during the run, the %d-thread figures say little)'
          % (mt[0]['threads'], mt[0]['threads'], mt[0]['threads']))
if prof:
    print('per-op profile of the slowest model (highest ours/xnn), %s, %s kernels, ms per run:'
          % (prof['model'], prof['cpu_kernels']))
    for t in prof['types']:
        print('  %-24s %4d ops  %-18s %9.3f %6.1f%%' % (t['op'], t['ops'], t['kernels'], t['ms'],
                                                     t['percent']))
json.dump({'iterations': int(sys.argv[3]), 'rounds': int(sys.argv[4]), 'models': rows,
           'geomean_ratio_vs_xnnpack': gm, 'geomean_ratio_vs_xnnpack_mt': gm_mt,
           'slowest_model_profile': prof},
          open(sys.argv[2], 'w'), indent=2)
PY
