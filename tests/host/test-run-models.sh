#!/bin/sh
# The int8 models of the toolchain issue through libedgeai's CPU path:
# BlazeFace short and full range and hand landmark lite (tests/models/
# fetch.sh), quantized by `edgeaictl quantize --samples 8 --seed 1` as in
# test-quant-models.sh, then run by `edgeaictl run --device cpu` on seeded
# random inputs and by the oracle (TensorFlow Lite 2.9.0 built-in kernels):
# every output must be equal byte for byte (0 differing bytes), with the
# default CPU kernels (the best set this CPU has: AVX-512 VNNI or AVX2),
# the AVX2 set (EDGEAI_CPU_KERNELS=avx2) and the portable reference kernels
# (EDGEAI_RUN_MODES names other sets: each must be the one that ran). Skips when
# the oracle or the models cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
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

for model in face_detection_short_range face_detection_full_range hand_landmark_lite; do
	q=$tmp/$model-int8.tflite
	"$qctl" -q quantize "$models/$model.tflite" -o "$q" --samples 8 --seed 1 > /dev/null 2> "$tmp/err"
	ok $? "$model: edgeaictl quantize --samples 8 --seed 1" || { sed 's/^/# /' "$tmp/err"; continue; }
	"$qctl" inspect --json "$q" > "$tmp/$model.json"
	for seed in 1 2; do
		in=$tmp/$model.$seed.in0.bin
		python3 - "$tmp/$model.json" "$seed" "$in" <<'PY'
import json, random, sys
t = json.load(open(sys.argv[1]))['inputs'][0]
n = 1
for s in t['shape']:
    n *= s
r = random.Random(int(sys.argv[2]))
open(sys.argv[3], 'wb').write(bytes(r.randrange(256) for _ in range(n)))
PY
		"$tmp/oracle-run" "$lib" "$q" "$tmp/oracle.bin" "$in" > "$tmp/err" 2>&1
		ok $? "$model seed $seed: the oracle runs the int8 model" || { sed 's/^/# /' "$tmp/err"; continue; }
		for mode in $modes; do
			extra='' kset=''
			case $mode in
			reference) extra=--reference ;;
			default) ;;
			*) kset=$mode ;;
			esac
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
done
echo "1..$n"
exit $fail
