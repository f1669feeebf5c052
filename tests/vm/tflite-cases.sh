#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host side of the TFLite delegate runs in the "vm" lane: the test program
# of tests/host/test-tflite-delegate.c built without sanitizers (the guest
# has no libasan), the models of the partial delegations (the float
# island, BlazeFace with float inputs/outputs) and two manifests naming the
# guest's paths:
#   golden.txt  every single-op case of GOLDEN (tests/vm/golden-cases.sh,
#               in the guest at /lib/edgeai-golden)
#   models.txt  the partial models, then the int8 models of MODELS
#               (tests/vm/model-cases.sh, at /lib/edgeai-models); the
#               last one is a real model (the cache checks use it)
# The guest (tests/vm/guest-lib-run.sh, lib_tflite) runs TensorFlow Lite
# 2.9's C library from npm with the delegate, from /lib/edgeai-tflite.
#
#   tests/vm/tflite-cases.sh OUTDIR GOLDEN MODELS EDGEAICTL
#
# Exits 77 (OUTDIR without manifests) when the oracle or the models cannot
# be fetched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1 golden=$2 models=$3 ctl=$4
build=${EDGEAI_BUILD:-$top/build}
cc=${CC:-cc}
guest=/lib/edgeai-tflite

rm -rf "$out"
mkdir -p "$out"
oracle=$("$top/tests/oracle/fetch.sh") || exit 77
src=$("$top/tests/models/fetch.sh") || exit 77
tmp=$(mktemp -d "${TMPDIR:-/tmp}/edgeai-tflite.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers -g -O2 \
	-I"$top/libedgeai/include" -I"$top/tests/host" -isystem "$oracle/include" \
	-o "$out/test-tflite-delegate" "$top/tests/host/test-tflite-delegate.c" \
	"$build/libedgeai/libedgeai.a" $(pkg-config --libs libdrm libudev liburing) \
	-ldl -lm -lpthread || exit 1
python3 -B "$top/tests/host/tflite-float-island.py" "$top/tests/oracle" \
	"$out/float-island.tflite" || exit 1
"$ctl" -q quantize "$src/face_detection_short_range.tflite" -o "$out/fd-float-io.tflite" \
	--samples 8 --seed 1 --io float > /dev/null 2> "$tmp/err" || {
	echo "tflite-cases: quantize failed: $(tail -1 "$tmp/err")" >&2
	exit 1
}

if [ -f "$golden/cases.txt" ]; then
	while read -r name _; do
		ins='' k=0
		while [ -f "$golden/$name/in$k.bin" ]; do
			ins="$ins /lib/edgeai-golden/$name/in$k.bin"
			k=$((k + 1))
		done
		echo "$name all /lib/edgeai-golden/$name/model.tflite$ins"
	done < "$golden/cases.txt" > "$out/golden.tmp"
	mv "$out/golden.tmp" "$out/golden.txt"
fi
{
	echo "float_island partial $guest/float-island.tflite"
	echo "face_detection_short_range-float-io partial $guest/fd-float-io.tflite"
	if [ -f "$models/models.txt" ]; then
		# the float-I/O ones (NAME@float) are partial for the delegate,
		# as fd-float-io.tflite above: TFLite runs their edge ops
		while read -r m; do
			case $m in *@float) continue ;; esac
			echo "$m-int8 all /lib/edgeai-models/$m/model.tflite /lib/edgeai-models/$m/in0.bin"
		done < "$models/models.txt"
	fi
} > "$out/models.txt"
echo "tflite-cases: $(wc -l < "$out/golden.txt" 2>/dev/null || echo 0) golden cases," \
	"$(wc -l < "$out/models.txt") models for the delegate in $out" >&2
