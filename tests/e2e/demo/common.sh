# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Shared by `make demo` (tests/e2e/demo.sh) and its host test
# (tests/host/test-demo-blazeface.sh). Source after setting $top.
#
#   demo_python               print a python3 that has numpy and scikit-image
#                             (Debian's /usr/bin/python3 when the python3 on
#                             PATH lacks them); non-zero when there is none
#   demo_image PY             print the path of astronaut.png (scikit-image's
#                             data directory, package python3-skimage)
#   demo_prepare CTL PY OUT   quantize BlazeFace short range (tests/models/
#                             fetch.sh) with `CTL quantize --calib`, calibrated
#                             on the picture and variants of it: OUT/
#                             blazeface-int8.tflite, quantize.log, inspect.json
#                             (CTL inspect --json) and input.bin (the picture as
#                             the model's int8 input tensor). Returns 77 when
#                             the model cannot be fetched, 1 on a failure.

demo_py=${top:?}/tests/e2e/demo/blazeface.py

demo_python() {
	for _p in python3 /usr/bin/python3; do
		if "$_p" -c 'import numpy, skimage.io, skimage.transform, skimage.draw' > /dev/null 2>&1; then
			echo "$_p"
			return 0
		fi
	done
	return 1
}

demo_image() {
	"$1" -c 'import os, skimage; print(os.path.join(skimage.data_dir, "astronaut.png"))'
}

demo_prepare() {
	_ctl=$1 _py=$2 _out=$3
	mkdir -p "$_out"
	_models=$("$top/tests/models/fetch.sh" 2> "$_out/fetch.log") || return 77
	_img=$(demo_image "$_py") && [ -f "$_img" ] || return 77
	rm -rf "$_out/calib"
	"$_py" "$demo_py" calib "$_img" "$_out/calib" > "$_out/calib.log" 2>&1 || return 1
	"$_ctl" quantize "$_models/face_detection_short_range.tflite" -o "$_out/blazeface-int8.tflite" \
		--calib "$_out/calib" > "$_out/quantize.log" 2>&1 || return 1
	"$_ctl" inspect --json "$_out/blazeface-int8.tflite" > "$_out/inspect.json" 2>> "$_out/quantize.log" || return 1
	"$_py" "$demo_py" input "$_img" "$_out/inspect.json" "$_out/input.bin" > "$_out/input.log" 2>&1 || return 1
}
