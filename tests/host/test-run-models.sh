#!/bin/sh
# The int8 models of the corpus through libedgeai's CPU path: every model
# of tests/models/fetch.sh --list (BlazeFace short and full range, hand
# landmarks lite and full, face mesh landmarks, pose landmarks lite,
# Objectron sneakers), quantized by `edgeaictl quantize --samples 8 --seed 1` as in
# test-quant-models.sh, then run by `edgeaictl run --device cpu` on seeded
# random inputs and by the oracle (TensorFlow Lite 2.9.0 built-in kernels):
# every output must be equal byte for byte (0 differing bytes), with the
# default CPU kernels (the best set this CPU has: AVX-512 VNNI or AVX2),
# the AVX2 set (EDGEAI_CPU_KERNELS=avx2), the portable reference kernels
# and the default kernels on 2 threads (--threads 2: the heavy ops split
# across the program's pool) (EDGEAI_RUN_MODES names other sets: each must
# be the one that ran; then no threads2 mode is added). Then
# `edgeaictl bench --profile --json` on each: every op once per run with
# the kernel set that ran it, the op types adding up, and the heavy ops
# (convolutions, PRELU, RESIZE_BILINEAR, TRANSPOSE_CONV) on an optimized set where the CPU
# has one. EDGEAI_MODELS="a b" runs only those models. Skips when the
# oracle or the models cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; return "$1"; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
if ! oracle=$("$top/tests/oracle/fetch.sh" 2> "$tmp/err") || ! models=$("$top/tests/models/fetch.sh" 2>> "$tmp/err"); then
	sed 's/^/# /' "$tmp/err"
	echo "1..0 # SKIP oracle or models not available (npm unreachable?)"
	exit 77
fi
${CC:-cc} -O1 -I"$oracle/include" -o "$tmp/oracle-run" "$top/tests/oracle/oracle-run.c" -ldl 2> "$tmp/err"
ok $? "build the oracle runner" || { sed 's/^/# /' "$tmp/err"; echo "1..$n"; exit 1; }
lib=$oracle/lib/libtensorflowlite_c.so
# a private compile cache: later runs of a model load what the first stored
export EDGEAI_CACHE_DIR="$tmp/cache"
qctl=$build/daemon/edgeaictl
# the default kernels on 2 threads too (libedgeai 0.6), unless the caller picked the modes
[ -n "${EDGEAI_RUN_MODES:-}" ] || modes="$modes threads2"

for model in ${EDGEAI_MODELS:-$("$top/tests/models/fetch.sh" --list)}; do
	q=$tmp/$model-int8.tflite
	"$qctl" -q quantize "$models/$model.tflite" -o "$q" --samples 8 --seed 1 > /dev/null 2> "$tmp/err"
	ok $? "$model: edgeaictl quantize --samples 8 --seed 1" || { sed 's/^/# /' "$tmp/err"; continue; }
	"$qctl" inspect --json "$q" > "$tmp/$model.json"
	for seed in 1 2; do
		in=$tmp/$model.$seed.in0.bin
		"$top/tests/models/random_input.py" "$tmp/$model.json" "$seed" "$in"
		"$tmp/oracle-run" "$lib" "$q" "$tmp/oracle.bin" "$in" > "$tmp/err" 2>&1
		ok $? "$model seed $seed: the oracle runs the int8 model" || { sed 's/^/# /' "$tmp/err"; continue; }
		for mode in $modes; do
			mode_args "$mode"
			rm -rf "$tmp/out"
			# shellcheck disable=SC2086
			EDGEAI_CPU_KERNELS=$kset "$ctl" run "$q" --input "$in" --output-dir "$tmp/out" --device cpu $extra > "$tmp/run.log" 2> "$tmp/err"
			ok $? "$model seed $seed: edgeaictl run --device cpu${extra:+ $extra}${kset:+ (EDGEAI_CPU_KERNELS=$kset)}" ||
				{ sed 's/^/# /' "$tmp/err"; continue; }
			if [ -n "$kset" ]; then
				grep -q "CPU kernels: $kset)" "$tmp/run.log"
				ok $? "$model seed $seed: the $kset kernels ran ($(grep -o 'CPU kernels: [a-z0-9]*' "$tmp/run.log"))"
			fi
			cat "$tmp"/out/output*.bin > "$tmp/ours.bin"
			diffs=$(cmp -l "$tmp/oracle.bin" "$tmp/ours.bin" 2>&1 | wc -l)
			[ "$diffs" -eq 0 ]
			ok $? "$model seed $seed ($mode kernels): $(find "$tmp/out" -name "output*.bin" | wc -l) outputs, $(stat -c %s "$tmp/oracle.bin") bytes, $diffs differ from the oracle"
		done
	done
	grep -c ' cpu ' "$tmp/run.log" | sed "s/^/# $model: ops placed on the CPU: /"
	# the per-op profile of `bench --profile`: its structure, not its times
	"$ctl" bench "$q" --device cpu -n 2 -w 0 -q --json --profile > "$tmp/prof.json" 2> "$tmp/err"
	ok $? "$model: edgeaictl bench --profile --json" || { sed 's/^/# /' "$tmp/err"; continue; }
	python3 - "$tmp/prof.json" > "$tmp/err" 2>&1 <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
p = b['profile']
ops, types = p['ops'], p['types']
best = b['cpu_kernels']
sets = {'vnni', 'avx2', 'dotprod', 'neon', 'reference'}
assert ops, 'no ops'
assert [o['index'] for o in ops] == list(range(len(ops))), 'entries out of order'
for o in ops:
    assert o['runs'] == 2, o
    assert o['kernels'] in (sets | {'host'}), o
    assert (o['kernels'] == 'host') == o['host'], o
    # a set passes what it declines down its list (vnni -> avx2, dotprod -> neon)
    assert o['kernels'] in ('reference', 'host', best, 'avx2', 'neon'), (o, best)
assert sum(t['ops'] for t in types) == len(ops), 'types do not add up to the ops'
assert len({t['op'] for t in types}) == len(types), 'a type twice'
for t in types:
    mine = [o for o in ops if o['op'] == t['op']]
    assert len(mine) == t['ops'], t
    assert set(t['kernels'].split('+')) == {o['kernels'] for o in mine}, t
assert [t['ms'] for t in types] == sorted((t['ms'] for t in types), reverse=True), 'not by time'
# the ops the optimized sets took over from the reference kernels
if best != 'reference':
    for o in ops:
        heavy = ('CONV_2D', 'DEPTHWISE_CONV_2D')
        if best in ('vnni', 'avx2'):
            # the arm64 sets leave them to the reference
            heavy += ('PRELU', 'RESIZE_BILINEAR', 'TRANSPOSE_CONV')
        if o['op'] in heavy:
            assert o['kernels'] != 'reference', o
print('%d ops, %d types, kernels %s' % (len(ops), len(types),
      ', '.join('%s %s' % (t['op'], t['kernels']) for t in types)))
PY
	ok $? "$model: the profile has every op once per run, types adding up, the kernel set of each" &&
		sed 's/^/# /' "$tmp/err" || sed 's/^/# /' "$tmp/err"
done

# --cache-dir: the compile cache of this run in a directory of its own
# (edgeai_compile_options.cache_dir), over $EDGEAI_CACHE_DIR
q=$tmp/hand_landmark_lite-int8.tflite
if [ -f "$q" ]; then
	for i in 1 2; do
		rm -rf "$tmp/out"
		"$ctl" run "$q" --input "$tmp/hand_landmark_lite.1.in0.bin" --output-dir "$tmp/out" \
			--device cpu --cache-dir "$tmp/own-cache" > "$tmp/c$i.log" 2> "$tmp/err" ||
			sed 's/^/# /' "$tmp/err"
	done
	grep -q 'cache: stored' "$tmp/c1.log" && grep -q 'cache: program hit' "$tmp/c2.log" &&
		[ "$(find "$tmp/own-cache" -name '*.prog' | wc -l)" -eq 1 ]
	ok $? "edgeaictl run --cache-dir: the first run stores in that directory, the second loads from it"
	rm -rf "$tmp/out"
	"$ctl" run "$q" --input "$tmp/hand_landmark_lite.1.in0.bin" --output-dir "$tmp/out" \
		--device cpu --cache-dir '' > "$tmp/c3.log" 2> "$tmp/err"
	grep -q 'cache: off' "$tmp/c3.log"
	ok $? "edgeaictl run --cache-dir '': no cache" || sed 's/^/# /' "$tmp/c3.log"
fi
echo "1..$n"
exit $fail
