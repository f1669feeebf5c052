#!/bin/sh
# TFLite_Detection_PostProcess, the custom op that ends SSD and
# EfficientDet exports, against the oracle (TensorFlow Lite 2.9.0): the
# SSD tails of tests/models/ssd_postprocess.py (uint8 inputs into the op,
# int8 through DEQUANTIZE ops, no background class, fewer detections than
# asked, none, options of 8-byte values, three slots per detection, the
# regular suppression (one per class) on uint8 and int8 inputs, the op
# alone (a program of no operators), the size of an SSD for COCO (1936
# anchors, 91 classes); a float export quantized by `edgeaictl
# quantize`, with int8 and with float inputs, which keeps the op float32
# behind DEQUANTIZE ops) on
# seeded random box encodings and class logits, run by `edgeaictl run
# --device cpu` (requests; default kernels, AVX2, reference) and by
# libedgeai/examples/run-model (edgeai_program_run()): all four float32
# outputs equal to the oracle's byte for byte; run names the op it ran
# on the host. The models the library
# does not run (TFLite fails the int8 inputs and the float32 anchors of
# uint8 encodings; options without a scale) are refused
# by `edgeaictl run` with a message naming the fault. Skips (77) when the
# oracle cannot be fetched.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
	return "$1"
}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
oracle_runner "$tmp"
example=
if [ -z "${EDGEAI_CTL:-}" ]; then
	example=$tmp/run-model
	# shellcheck disable=SC2046
	${CC:-cc} -std=c11 -O1 -I"$top/libedgeai/include" -o "$example" \
		"$top/libedgeai/examples/run-model.c" "$top/libedgeai/examples/example-util.c" \
		"$build/libedgeai/libedgeai.a" $(pkg-config --libs libdrm libudev liburing) \
		-lm -lpthread 2> "$tmp/err"
	ok $? "build examples/run-model against the static library" ||
		{ sed 's/^/# /' "$tmp/err"; example=; }
fi
export EDGEAI_CACHE_DIR="$tmp/cache"

# the outputs of a run in @1 (a directory) concatenated in their order into @2
cat_outputs() {
	: > "$2"
	for k in 0 1 2 3; do
		cat "$1/output$k.bin" >> "$2" || return 1
	done
}

seed=0
for v in uint8 int8 nobg few none wide multi alone coco regular regular_int8 float@int8 float@float; do
	seed=$((seed + 1))
	m=$tmp/$(printf %s "$v" | tr @ _)
	case $v in
	float*)
		# a float export, quantized by edgeaictl with int8 or float inputs
		python3 "$top/tests/models/ssd_postprocess.py" float "$m-f32.tflite" &&
			"$ctl" -q quantize "$m-f32.tflite" -o "$m.tflite" --samples 8 --seed 1 \
				--io="${v#float@}" > /dev/null
		;;
	*)
		python3 "$top/tests/models/ssd_postprocess.py" "$v" "$m.tflite"
		;;
	esac 2> "$tmp/err"
	if [ $? -ne 0 ]; then
		ok 1 "$v: written by tests/models/ssd_postprocess.py (and quantized)"
		sed 's/^/# /' "$tmp/err"
		continue
	fi
	"$ctl" inspect --json "$m.tflite" > "$m.json" &&
		"$top/tests/models/random_input.py" "$m.json" "$seed" "$m.in0" "$m.in1"
	"$tmp/oracle-run" "$lib" "$m.tflite" "$m.oracle" "$m.in0" "$m.in1" > "$tmp/err" 2>&1
	if [ $? -ne 0 ]; then
		ok 1 "$v: the oracle runs it"
		sed 's/^/# /' "$tmp/err"
		continue
	fi
	count=$(od -An -tf4 -j $(($(stat -c %s "$m.oracle") - 4)) "$m.oracle" | tr -d ' ')
	for mode in $modes; do
		mode_args "$mode"
		rm -rf "$tmp/out"
		# shellcheck disable=SC2086
		EDGEAI_CPU_KERNELS=$kset "$ctl" run "$m.tflite" --input "$m.in0" --input "$m.in1" \
			--output-dir "$tmp/out" --device cpu $extra > "$tmp/run.log" 2> "$tmp/err"
		if [ $? -ne 0 ]; then
			ok 1 "$v: edgeaictl run ($mode)"
			sed 's/^/# /' "$tmp/err"
			continue
		fi
		cat_outputs "$tmp/out" "$m.ours"
		diffs=$(cmp -l "$m.oracle" "$m.ours" 2>&1 | wc -l)
		[ "$diffs" -eq 0 ]
		ok $? "$v ($mode): $count detections, $diffs of $(stat -c %s "$m.oracle") bytes differ from the oracle"
	done
	[ -n "$example" ] || continue
	rm -rf "$tmp/out" && mkdir "$tmp/out"
	"$example" "$m.tflite" "$tmp/out" "$m.in0" "$m.in1" > "$tmp/run.log" 2>&1 &&
		cat_outputs "$tmp/out" "$m.ours" && cmp -s "$m.oracle" "$m.ours"
	rc=$?
	ok $rc "$v: edgeai_program_run() (examples/run-model) equal to the oracle"
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/run.log"
done

# the op has no placement of its own: run says where it ran
m=$tmp/uint8
"$ctl" run "$m.tflite" --input "$m.in0" --input "$m.in1" --output-dir "$tmp/out" --device cpu \
	> "$tmp/run.log" 2>&1 &&
	grep -q '^host: TFLite_Detection_PostProcess, after the program' "$tmp/run.log" &&
	"$ctl" run "$m.tflite" --input "$m.in0" --input "$m.in1" --output-dir "$tmp/out" \
		--device cpu --json > "$tmp/run.json" &&
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(d["host"] != ["TFLite_Detection_PostProcess"] or len(d["placement"]) != 2)' "$tmp/run.json"
ok $? "edgeaictl run names the detection op it ran on the host (text and --json \"host\")"

# refused, each with its reason
for c in "int8_direct:int8 inputs (TFLite 2.9 takes uint8 or float32" \
	"float_anchors:anchors of type float32 for box encodings of type uint8" \
	"noscale:has no y_scale"; do
	v=${c%%:*} want=${c#*:}
	python3 "$top/tests/models/ssd_postprocess.py" "$v" "$tmp/$v.tflite" &&
		head -c 1600 /dev/zero > "$tmp/$v.in0" && head -c 2800 /dev/zero > "$tmp/$v.in1"
	"$ctl" run "$tmp/$v.tflite" --input "$tmp/$v.in0" --input "$tmp/$v.in1" --device cpu \
		--output-dir "$tmp/out" > /dev/null 2> "$tmp/err"
	rc=$?
	[ $rc -ne 0 ] && grep -qF "$want" "$tmp/err"
	ok $? "$v: refused (exit $rc): $(head -1 "$tmp/err")"
done
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
