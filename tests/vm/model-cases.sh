#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host side of the VM model runs: the int8 models of tests/host/
# test-run-models.sh (tests/models/fetch.sh, quantized by `edgeaictl
# quantize --samples 8 --seed 1`), one seeded random input each, and the
# oracle's outputs (TensorFlow Lite 2.9.0, tests/oracle/fetch.sh), so the
# guest only runs `edgeaictl run` on the devices and compares.
#
#   tests/vm/model-cases.sh OUTDIR EDGEAICTL
#
# MODEL_CASES names the models (default: the three the vm lane runs,
# npu_dsp_chain, npu_d2s_between, two random graphs and one model with
# float inputs and outputs; the benches take every model of
# tests/models/fetch.sh --list). A name with a generator
# tests/models/NAME.py is a synthetic float model written by it
# (npu_dsp_chain: an NPU job chained to a DSP job; npu_d2s_between: the
# block ops lowered between convolutions, one NPU job), quantized like
# the real ones; random_graph@SEED is tests/models/random_graph.py's graph
# of that seed. NAME@float is model NAME quantized with --io=float
# (float32 inputs and outputs, converted by the library) on random float
# inputs. ssd_postprocess@VARIANT is the already quantized SSD tail of
# tests/models/ssd_postprocess.py (two inputs; the model ends in
# TFLite_Detection_PostProcess, which the library runs after the
# program).
#
# OUTDIR gets models.txt ("NAME" lines) and per model model.tflite,
# in0.bin and oracle.bin (every output, concatenated in model order).
# Exits 77 (OUTDIR without models.txt) when the oracle or the models
# cannot be fetched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
ctl=$2
cc=${CC:-cc}

rm -rf "$out"
mkdir -p "$out"
oracle=$("$top/tests/oracle/fetch.sh") || exit 77
models=$("$top/tests/models/fetch.sh") || exit 77
tmp=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-models.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
$cc -std=gnu11 -Wall -Wextra -Werror -O1 -I"$oracle/include" \
	-o "$tmp/oracle-run" "$top/tests/oracle/oracle-run.c" -ldl || exit 1
lib=$oracle/lib/libtensorflowlite_c.so
for m in ${MODEL_CASES:-face_detection_short_range face_detection_full_range hand_landmark_lite npu_dsp_chain npu_d2s_between shape_ops dilated_convs attention random_graph@6 random_graph@158 ssd_postprocess@uint8 ssd_postprocess@int8 ssd_postprocess@alone face_detection_short_range@float}; do
	d=$out/$m
	mkdir -p "$d"
	base=${m%@float} io=int8
	[ "$base" = "$m" ] || io=float
	src=$models/$base.tflite
	case $base in
	ssd_postprocess@*)
		"$top/tests/models/ssd_postprocess.py" "${base#ssd_postprocess@}" "$d/model.tflite" &&
			"$ctl" inspect --json "$d/model.tflite" > "$tmp/$m.json" &&
			"$top/tests/models/random_input.py" "$tmp/$m.json" 1 "$d/in0.bin" "$d/in1.bin" ||
			exit 1
		"$tmp/oracle-run" "$lib" "$d/model.tflite" "$d/oracle.bin" "$d/in0.bin" "$d/in1.bin" \
			> "$tmp/err" 2>&1 || {
			echo "model-cases: oracle failed on $m: $(tail -1 "$tmp/err")" >&2
			exit 1
		}
		echo "$m" >> "$out/models.tmp"
		continue
		;;
	random_graph@*)
		src=$tmp/$base.tflite
		"$top/tests/models/random_graph.py" "${base#random_graph@}" "$src" > /dev/null || exit 1
		;;
	*)
		if [ -x "$top/tests/models/$base.py" ]; then
			src=$tmp/$base.tflite
			"$top/tests/models/$base.py" "$src" || exit 1
		fi
		;;
	esac
	"$ctl" -q quantize "$src" -o "$d/model.tflite" --samples 8 --seed 1 --io="$io" \
		> /dev/null 2> "$tmp/err" || {
		echo "model-cases: quantize $m failed: $(tail -1 "$tmp/err")" >&2
		exit 1
	}
	"$ctl" inspect --json "$d/model.tflite" > "$tmp/$m.json" || exit 1
	"$top/tests/models/random_input.py" "$tmp/$m.json" 1 "$d/in0.bin" || exit 1
	"$tmp/oracle-run" "$lib" "$d/model.tflite" "$d/oracle.bin" "$d/in0.bin" \
		> "$tmp/err" 2>&1 || {
		echo "model-cases: oracle failed on $m: $(tail -1 "$tmp/err")" >&2
		exit 1
	}
	echo "$m" >> "$out/models.tmp"
done
mv "$out/models.tmp" "$out/models.txt"
echo "model-cases: $(wc -l < "$out/models.txt") 8-bit models with oracle outputs in $out" >&2
