#!/bin/sh
# libedgeai-tflite.so, the TFLite external delegate, under TensorFlow Lite
# 2.9's own C library from npm (the oracle): builds the plugin, checks that
# it exports the two tflite_plugin_* functions and nothing else, then runs
# test-tflite-delegate.c (built here: it needs the TFLite C headers) on
#   - every single-op golden case of tests/oracle/gen.py (all delegated),
#   - a model with a float island (CONV_2D, DEQUANTIZE, QUANTIZE, CONV_2D:
#     two partitions, the float ops left to TFLite),
#   - BlazeFace short range quantized with float inputs/outputs (its
#     QUANTIZE and DEQUANTIZE left to TFLite),
#   - tests/models/shape_ops.py quantized (SPLIT, UNPACK: nodes of many
#     outputs; PACK, PADV2, ...: all delegated), and attention.py (a small
#     vision transformer: BATCH_MATMUL, all delegated),
#   - an int8 FULLY_CONNECTED pair whose second op has block-sparse
#     weights (that op left to TFLite's sparse kernel),
#   - SSD tails ending in TFLite_Detection_PostProcess (tests/models/
#     ssd_postprocess.py: uint8, int8 through DEQUANTIZE, the regular
#     suppression, the op alone, a float one quantized: all delegated,
#     the custom op and its DEQUANTIZE nodes too),
#   - every real int8 model of test-run-models.sh (tests/models/fetch.sh
#     --list, all delegated),
# each compared byte for byte with TFLite alone, plus the option errors,
# policy=device_only, cache_dir and a corrupt cache entry.
#
#   tests/host/test-tflite-delegate.sh [OPTIONS...]
#
# OPTIONS are delegate configurations for every model (default
# "device=cpu" "device=auto"); on the board, e.g.
# "device=npu,policy=device_only" "device=dsp". Skips (77) when the oracle
# or the models cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; return "$1"; }
finish() { echo "1..$n"; exit $fail; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
if ! oracle=$("$top/tests/oracle/fetch.sh" 2> "$tmp/err") || ! models=$("$top/tests/models/fetch.sh" 2>> "$tmp/err"); then
	sed 's/^/# /' "$tmp/err"
	echo "1..0 # SKIP oracle or models not available (npm unreachable?)"
	exit 77
fi
lib=$oracle/lib/libtensorflowlite_c.so

# The plugin as shipped, and its exports.
make -s -C "$top/libedgeai/tflite" BUILD="$build" TFLITE_INCLUDE="$oracle/include" > "$tmp/err" 2>&1
ok $? "make -C libedgeai/tflite: $build/libedgeai/libedgeai-tflite.so" || { sed 's/^/# /' "$tmp/err"; finish; }
syms=$(nm -D --defined-only "$build/libedgeai/libedgeai-tflite.so" | awk '{ print $3 }' | sort | tr '\n' ' ')
[ "$syms" = "tflite_plugin_create_delegate tflite_plugin_destroy_delegate " ]
ok $? "the plugin exports the two tflite_plugin_* functions and nothing else (${syms% })"

# A copy with the delegate's own code under ASan/UBSan, and the test program.
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
out=$build/tests/tflite-delegate
mkdir -p "$out"
make -s -C "$top/libedgeai/tflite" BUILD="$build" TFLITE_INCLUDE="$oracle/include" \
	OBJDIR="$out/obj" SO="$out/libedgeai-tflite.so" CFLAGS="-O1 -g $san" LDFLAGS="$san" \
	> "$tmp/err" 2>&1
ok $? "the plugin with sanitizers" || { sed 's/^/# /' "$tmp/err"; finish; }
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O1 $san \
	-I"$top/libedgeai/include" -I"$top/tests/host" -isystem "$oracle/include" \
	-o "$out/test-tflite-delegate" "$top/tests/host/test-tflite-delegate.c" \
	"$build/libedgeai/libedgeai.a" $(pkg-config --libs libdrm libudev liburing) -ldl -lm -lpthread \
	> "$tmp/err" 2>&1
ok $? "build test-tflite-delegate" || { sed 's/^/# /' "$tmp/err"; finish; }

# The models.
python3 -B "$top/tests/oracle/gen.py" "$tmp/cases" > "$tmp/err" 2>&1
ok $? "generate the single-op golden cases" || { sed 's/^/# /' "$tmp/err"; finish; }
python3 -B "$top/tests/host/tflite-float-island.py" "$top/tests/oracle" "$tmp/float-island.tflite"
ok $? "write the float-island model"
python3 -B "$top/tests/host/tflite-sparse-fc.py" "$top" "$tmp/sparse-fc.tflite"
ok $? "write the sparse FULLY_CONNECTED model"
ctl=$build/daemon/edgeaictl
quant_ok=0
for m in $("$top/tests/models/fetch.sh" --list); do
	"$ctl" -q quantize "$models/$m.tflite" -o "$tmp/$m-int8.tflite" --samples 8 --seed 1 \
		> /dev/null 2> "$tmp/err" || { sed 's/^/# /' "$tmp/err"; quant_ok=1; }
done
for g in shape_ops attention; do
	python3 -B "$top/tests/models/$g.py" "$tmp/$g.tflite" &&
		"$ctl" -q quantize "$tmp/$g.tflite" -o "$tmp/$g-int8.tflite" --samples 8 --seed 1 \
			> /dev/null 2> "$tmp/err" || { sed 's/^/# /' "$tmp/err"; quant_ok=1; }
done
"$ctl" -q quantize "$models/face_detection_short_range.tflite" -o "$tmp/fd-float-io.tflite" \
	--samples 8 --seed 1 --io float > /dev/null 2> "$tmp/err" || { sed 's/^/# /' "$tmp/err"; quant_ok=1; }
for v in uint8 int8 regular alone float; do
	python3 -B "$top/tests/models/ssd_postprocess.py" $v "$tmp/ssd-$v.tflite" || quant_ok=1
done
"$ctl" -q quantize "$tmp/ssd-float.tflite" -o "$tmp/ssd-float-int8.tflite" --samples 8 --seed 1 \
	> /dev/null 2> "$tmp/err" || { sed 's/^/# /' "$tmp/err"; quant_ok=1; }
ok $quant_ok "edgeaictl quantize: the int8 models of the corpus, tests/models/shape_ops.py and attention.py, BlazeFace with float inputs/outputs and a float SSD tail"

# golden cases first, a real int8 model last (the cache checks use it)
while read -r name _; do
	d=$tmp/cases/$name
	ins='' k=0
	while [ -f "$d/in$k.bin" ]; do
		ins="$ins $d/in$k.bin"
		k=$((k + 1))
	done
	echo "$name all $d/model.tflite$ins"
done < "$tmp/cases/cases.txt" > "$tmp/manifest"
{
	echo "float_island partial $tmp/float-island.tflite"
	echo "sparse_fc partial $tmp/sparse-fc.tflite"
	echo "face_detection_short_range-float-io partial $tmp/fd-float-io.tflite"
	echo "shape_ops-int8 all $tmp/shape_ops-int8.tflite"
	echo "attention-int8 all $tmp/attention-int8.tflite"
	for v in uint8 int8 regular alone float-int8; do
		echo "ssd_postprocess-$v all $tmp/ssd-$v.tflite"
	done
	for m in $("$top/tests/models/fetch.sh" --list | grep -vx face_detection_short_range) face_detection_short_range; do
		echo "$m-int8 all $tmp/$m-int8.tflite"
	done
} >> "$tmp/manifest"

# a private compile cache, as the other host tests use
EDGEAI_CACHE_DIR=$tmp/cache "$out/test-tflite-delegate" "$lib" "$out/libedgeai-tflite.so" \
	"$tmp/manifest" "$@" > "$tmp/out" 2>&1
rc=$?
# one TAP stream: continue this script's numbering
awk -v n=$n '
	/^TAP version/ || /^1\.\.[0-9]+$/ { next }
	$1 == "ok" && $2 ~ /^[0-9]+$/ { $2 = ++n }
	$1 == "not" && $2 == "ok" && $3 ~ /^[0-9]+$/ { $3 = ++n }
	{ print }
	END { print n > "/dev/stderr" }' "$tmp/out" 2> "$tmp/n"
n=$(cat "$tmp/n")
[ $rc -eq 0 ] || { [ $rc -ne 1 ] && ok 1 "test-tflite-delegate exited with status $rc"; fail=1; }
finish
