#!/bin/sh
# 8-bit models with float32 inputs and outputs (a QUANTIZE after each
# input, a DEQUANTIZE before each output: what TFLite's converter makes by
# default, and `edgeaictl quantize --io=float`) through libedgeai's CPU
# path: the library compiles the graph between them and does their
# arithmetic on the caller's values. Real models of the corpus, quantized
# with --io=float, run by `edgeaictl run --device cpu` (default kernels,
# reference kernels, 2 threads) and by the oracle (TensorFlow Lite 2.9.0)
# on float inputs that hold the quantization grid's halfway points and
# their neighbours (where dividing in binary32 or binary64 rounds apart),
# NaN, infinities, values beyond int32, subnormals and random values:
# every output byte must be the oracle's. An input file of the 8-bit size
# is refused with a message. EDGEAI_MODELS="a b" runs only those models.
# Skips when the oracle or the models cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
ctl=$build/daemon/edgeaictl
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; return "$1"; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
if ! oracle=$("$top/tests/oracle/fetch.sh" 2> "$tmp/err") || ! models=$("$top/tests/models/fetch.sh" 2>> "$tmp/err"); then
	sed 's/^/# /' "$tmp/err"
	echo "1..0 # SKIP oracle or models not available (npm unreachable?)"
	exit 77
fi
make -s -C "$top/libedgeai" BUILD="$build" && make -s -C "$top/daemon" BUILD="$build" || exit 1
${CC:-cc} -O1 -I"$oracle/include" -o "$tmp/oracle-run" "$top/tests/oracle/oracle-run.c" -ldl 2> "$tmp/err"
ok $? "build the oracle runner" || { sed 's/^/# /' "$tmp/err"; echo "1..$n"; exit 1; }
lib=$oracle/lib/libtensorflowlite_c.so
export EDGEAI_CACHE_DIR="$tmp/cache"

for model in ${EDGEAI_MODELS:-face_detection_short_range hand_landmark_lite}; do
	f=$tmp/$model-float-io.tflite q=$tmp/$model-int8.tflite
	"$ctl" -q quantize "$models/$model.tflite" -o "$f" --io=float --samples 8 --seed 1 > /dev/null 2> "$tmp/err"
	ok $? "$model: edgeaictl quantize --io=float" || { sed 's/^/# /' "$tmp/err"; continue; }
	# the same quantization with 8-bit inputs: the input's scale and zero point
	"$ctl" -q quantize "$models/$model.tflite" -o "$q" --samples 8 --seed 1 > /dev/null 2> "$tmp/err" &&
		"$ctl" inspect --json "$q" > "$tmp/q.json" && "$ctl" inspect --json "$f" > "$tmp/f.json"
	ok $? "$model: the int8 twin and both models' inputs" || { sed 's/^/# /' "$tmp/err"; continue; }
	python3 - "$tmp/q.json" "$tmp/f.json" "$tmp/in.bin" "$tmp/in8.bin" > "$tmp/err" 2>&1 <<'PY'
import json, random, struct, sys
q = json.load(open(sys.argv[1]))['inputs'][0]
f = json.load(open(sys.argv[2]))['inputs'][0]
assert f['type'] == 'float32' and q['type'] in ('int8', 'uint8'), (f, q)
s = struct.unpack('<f', struct.pack('<f', q['quantization']['scale'][0]))[0]
n = 1
for d in f['shape']:
    n *= d
f32 = lambda x: struct.unpack('<f', struct.pack('<f', x))[0]
def step(x, d):
    b = struct.unpack('<i', struct.pack('<f', x))[0] + (d if x > 0 else -d)
    return struct.unpack('<f', struct.pack('<i', b))[0]
vals = []
for k in range(-300, 300):
    h = f32((k + 0.5) * s)
    vals += [h, step(h, 1), step(h, -1)]
vals += [float('inf'), float('-inf'), float('nan'), -0.0, 0.0, 1e-40, -1e-40,
         1e6, -1e6, 3e9, -3e9, 1e30, -1e30]
r = random.Random(1)
vals = vals[:n]
vals += [r.uniform(-1.5, 1.5) for _ in range(n - len(vals))]
r.shuffle(vals)
open(sys.argv[3], 'wb').write(struct.pack('<%df' % n, *vals))
open(sys.argv[4], 'wb').write(bytes(n))
print('%d float32 values, input scale %.9g' % (n, s))
PY
	ok $? "$model: float inputs with the grid's halfway points, NaN, infinities" &&
		sed 's/^/# /' "$tmp/err" || { sed 's/^/# /' "$tmp/err"; continue; }
	"$tmp/oracle-run" "$lib" "$f" "$tmp/oracle.bin" "$tmp/in.bin" > "$tmp/err" 2>&1
	ok $? "$model: the oracle runs the float-I/O model" || { sed 's/^/# /' "$tmp/err"; continue; }
	for extra in "" --reference "--threads 2"; do
		rm -rf "$tmp/out"
		# shellcheck disable=SC2086
		"$ctl" run "$f" --input "$tmp/in.bin" --output-dir "$tmp/out" --device cpu $extra > "$tmp/run.log" 2> "$tmp/err"
		ok $? "$model: edgeaictl run --device cpu${extra:+ $extra}" || { sed 's/^/# /' "$tmp/err"; continue; }
		cat "$tmp"/out/output*.bin > "$tmp/ours.bin"
		diffs=$(cmp -l "$tmp/oracle.bin" "$tmp/ours.bin" 2>&1 | wc -l)
		[ "$diffs" -eq 0 ]
		ok $? "$model${extra:+ ($extra)}: float32 outputs, $(stat -c %s "$tmp/oracle.bin") bytes, $diffs differ from the oracle"
	done
	# the input's 8-bit size is not what the model takes
	"$ctl" run "$f" --input "$tmp/in8.bin" --output-dir "$tmp/out" --device cpu > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc -ne 0 ] && grep -q "bytes" "$tmp/err"
	ok $? "$model: an input of the 8-bit size is refused ($(head -1 "$tmp/err"))"
done
echo "1..$n"
exit $fail
