#!/bin/sh
# Cold start and peak memory of the CPU path against TensorFlow Lite 2.9.0,
# per model of the corpus (tests/models/fetch.sh --list, int8 by edgeaictl
# quantize --samples 8 --seed 1, as bench-cpu.sh), one thread, each
# measurement a fresh process:
#   ours:   load the .tflite, compile for the CPU, run once
#           (tests/bench/cpu/edgeai-cold.c: the public API), without the
#           compile cache (EDGEAI_COMPILE_NO_CACHE) and with it (a private
#           cache directory, filled by one run first);
#   TFLite: load the model, create the interpreter (with the XNNPACK
#           delegate, QS8 | QU8; or the built-in kernels), AllocateTensors,
#           the first Invoke (tests/bench/cpu/tflite-bench.c, 1 run, no
#           warm-up).
# First inference in ms and the process's peak resident memory (max RSS,
# getrusage) of each. The engines take turns in BENCH_COLD_ROUNDS rounds
# (default 9), in turned-around order every other round (ABBA: each of
# ours runs next to TFLite with XNNPACK, before it and after it in turn);
# each figure is the median over the rounds, and each ratio to XNNPACK
# also the median of the rounds' own ratios, with their quartiles (the
# spread a shared machine's load gives them) and the load average around
# the model's rounds. Prints a table with ratios (ours / theirs: above 1
# is slower or bigger) and writes $BENCH_OUT/cpu-cold.json. Skips when
# the oracle or the models cannot be fetched.
#
#   BENCH_CPU_MODELS="a b"   only these models of the corpus
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${EDGEAI_BUILD:-$top/build}
out=${BENCH_OUT:-$build/bench}
rounds=${BENCH_COLD_ROUNDS:-9}
mkdir -p "$out" "$build/bench-cpu"
work=$build/bench-cpu

make -s -C "$top/libedgeai" BUILD="$build" && make -s -C "$top/daemon" BUILD="$build" || exit 1
ctl=$build/daemon/edgeaictl
if ! oracle=$("$top/tests/oracle/fetch.sh") || ! models=$("$top/tests/models/fetch.sh"); then
	echo "bench-cpu-cold: SKIP (oracle or models not available)"
	echo '{"skipped": "oracle or models not available"}' > "$out/cpu-cold.json"
	exit 0
fi
lib=$oracle/lib/libtensorflowlite_c.so
cc=${CC:-cc}
$cc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$oracle/include" -o "$work/tflite-bench" \
	"$top/tests/bench/cpu/tflite-bench.c" -ldl || exit 1
$cc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/libedgeai/include" -o "$work/edgeai-cold" \
	"$top/tests/bench/cpu/edgeai-cold.c" -L"$build/libedgeai" -ledgeai \
	-Wl,-rpath,"$build/libedgeai" || exit 1
cache=$work/cold-cache
rm -rf "$cache"
mkdir -p "$cache"

: > "$work/cold-rows"
for model in ${BENCH_CPU_MODELS:-$("$top/tests/models/fetch.sh" --list)}; do
	q=$work/$model-int8.tflite
	if [ ! -s "$q" ]; then
		"$ctl" -q quantize "$models/$model.tflite" -o "$q" --samples 8 --seed 1 \
			> /dev/null || exit 1
	fi
	# fill the cache: the "cache" runs below start warm
	EDGEAI_CACHE_DIR=$cache "$work/edgeai-cold" "$q" cache > /dev/null || exit 1
	rm -f "$work"/c.*.json
	cut -d' ' -f1 /proc/loadavg > "$work/load.before"
	r=1
	while [ "$r" -le "$rounds" ]; do
		engs="nocache xnnpack cache builtin"
		[ $((r % 2)) -eq 0 ] && engs="builtin cache xnnpack nocache"
		for eng in $engs; do
			o=$work/c.$eng.$r.json
			case $eng in
			nocache) "$work/edgeai-cold" "$q" nocache > "$o" ;;
			cache) EDGEAI_CACHE_DIR=$cache "$work/edgeai-cold" "$q" cache > "$o" ;;
			*) "$work/tflite-bench" "$lib" "$q" "$eng" 1 0 > "$o" 2> /dev/null ;;
			esac || { echo "bench-cpu-cold: $model: $eng failed" >&2; exit 1; }
		done
		r=$((r + 1))
	done
	cut -d' ' -f1 /proc/loadavg > "$work/load.after"
	python3 - "$model" "$work" "$rounds" >> "$work/cold-rows" <<'PY'
import json, statistics, sys
m, w, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
def load(eng):
    return [json.load(open('%s/c.%s.%d.json' % (w, eng, r))) for r in range(1, rounds + 1)]
def med(runs, key):
    return statistics.median(x[key] for x in runs)
def paired(a, b):
    # each round's own ratio: the two ran next to each other
    v = [x['first_ms'] / y['first_ms'] for x, y in zip(a, b)]
    q = statistics.quantiles(v, n=4) if len(v) > 1 else v * 3
    return {'n': len(v), 'median': statistics.median(v), 'q1': q[0], 'q3': q[2],
            'min': min(v), 'max': max(v)}
nc, c, xnn, bi = (load(e) for e in ('nocache', 'cache', 'xnnpack', 'builtin'))
row = {'model': m, 'rounds': rounds,
       'ours_first_ms_nocache': med(nc, 'first_ms'), 'ours_first_ms_cache': med(c, 'first_ms'),
       'ours_compile_ms_nocache': med(nc, 'compile_ms'), 'ours_compile_ms_cache': med(c, 'compile_ms'),
       'ours_load_ms': med(nc, 'load_ms'), 'ours_first_run_ms': med(nc, 'run_ms'),
       'tflite_xnnpack_first_ms': med(xnn, 'first_ms'),
       'tflite_builtin_first_ms': med(bi, 'first_ms'),
       'ours_max_rss_kb_nocache': med(nc, 'max_rss_kb'), 'ours_max_rss_kb_cache': med(c, 'max_rss_kb'),
       'tflite_xnnpack_max_rss_kb': med(xnn, 'max_rss_kb'),
       'tflite_builtin_max_rss_kb': med(bi, 'max_rss_kb')}
for k in ('nocache', 'cache'):
    row['ratio_first_%s_vs_xnnpack' % k] = row['ours_first_ms_' + k] / row['tflite_xnnpack_first_ms']
    row['ratio_rss_%s_vs_xnnpack' % k] = (row['ours_max_rss_kb_' + k] /
                                         row['tflite_xnnpack_max_rss_kb'])
row['ratio_first_nocache_vs_builtin'] = row['ours_first_ms_nocache'] / row['tflite_builtin_first_ms']
row['ratio_first_nocache_vs_xnnpack_paired'] = paired(nc, xnn)
row['ratio_first_cache_vs_xnnpack_paired'] = paired(c, xnn)
row['loadavg_1min'] = [float(open('%s/load.%s' % (w, x)).read()) for x in ('before', 'after')]
print(json.dumps(row))
PY
done
python3 - "$work/cold-rows" "$out/cpu-cold.json" "$rounds" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print('first inference (load + compile + first run; TFLite: load + interpreter + allocate +'
      ' first invoke), ms, 1 thread, fresh processes, median of %s rounds' % sys.argv[3])
print('%-44s %8s %8s %8s %8s | %9s %9s' % ('model', 'nocache', 'cache', 'xnnpack', 'tflite',
                                           'nc/xnn', 'cache/xnn'))
for r in rows:
    print('%-44s %8.2f %8.2f %8.2f %8.2f | %8.2fx %8.2fx' % (
        r['model'], r['ours_first_ms_nocache'], r['ours_first_ms_cache'],
        r['tflite_xnnpack_first_ms'], r['tflite_builtin_first_ms'],
        r['ratio_first_nocache_vs_xnnpack'], r['ratio_first_cache_vs_xnnpack']))
print('the rounds\' own ratios to XNNPACK (each engine next to it), median [q1 .. q3]:')
print('%-44s %-22s %-22s %s' % ('model', 'nocache/xnn', 'cache/xnn', 'load avg'))
for r in rows:
    a, b = r['ratio_first_nocache_vs_xnnpack_paired'], r['ratio_first_cache_vs_xnnpack_paired']
    print('%-44s %5.2fx [%4.2f .. %4.2f]  %5.2fx [%4.2f .. %4.2f]  %.1f -> %.1f' % (
        r['model'], a['median'], a['q1'], a['q3'], b['median'], b['q1'], b['q3'],
        r['loadavg_1min'][0], r['loadavg_1min'][1]))
print('peak resident memory (max RSS of the process), MiB:')
print('%-44s %8s %8s %8s %8s | %9s %9s' % ('model', 'nocache', 'cache', 'xnnpack', 'tflite',
                                           'nc/xnn', 'cache/xnn'))
for r in rows:
    print('%-44s %8.1f %8.1f %8.1f %8.1f | %8.2fx %8.2fx' % (
        r['model'], r['ours_max_rss_kb_nocache'] / 1024, r['ours_max_rss_kb_cache'] / 1024,
        r['tflite_xnnpack_max_rss_kb'] / 1024, r['tflite_builtin_max_rss_kb'] / 1024,
        r['ratio_rss_nocache_vs_xnnpack'], r['ratio_rss_cache_vs_xnnpack']))
print('ratios are ours / TFLite with XNNPACK (above 1: we start slower or use more memory)')
json.dump({'rounds': int(sys.argv[3]), 'models': rows}, open(sys.argv[2], 'w'), indent=2)
PY
