#!/bin/sh
# The host side of `make demo` through the Python bindings: BlazeFace short
# range quantized as the demo does (tests/e2e/demo/common.sh), then
# `blazeface.py run` (pre-processing, edgeai.Model(...).compile(device=
# "cpu").run(...)) must feed the model the same input tensor as
# `blazeface.py input` (what the VM gets), give the same output bytes as
# `edgeaictl run --device cpu`, and blazeface.py detect must find the face.
# Skips when numpy/scikit-image or the model are missing.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
# shellcheck source=tests/host/test-run-ctl.inc
. "$top/tests/host/test-run-ctl.inc"
# shellcheck source=tests/e2e/demo/common.sh
. "$top/tests/e2e/demo/common.sh"
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; return "$1"; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
if ! py=$(demo_python); then
	echo "1..0 # SKIP python3 with numpy and scikit-image missing (make deps: python3-skimage)"
	exit 77
fi
img=$(demo_image "$py")
demo_prepare "$ctl" "$py" "$tmp/model"
r=$?
if [ $r -eq 77 ]; then
	sed 's/^/# /' "$tmp/model/fetch.log"
	echo "1..0 # SKIP the model or astronaut.png is not available ($img)"
	exit 77
fi
ok $r "the demo's model: edgeaictl quantize --calib, inspect, input tensor" ||
	{ cat "$tmp"/model/*.log | sed 's/^/# /'; echo "1..$n"; exit 1; }
export EDGEAI_CACHE_DIR="$tmp/cache"
m=$tmp/model/blazeface-int8.tflite
EDGEAI_LIBRARY=$build/libedgeai/libedgeai.so.0 PYTHONPATH=$top/libedgeai/python PYTHONDONTWRITEBYTECODE=1 \
	"$py" "$demo_py" run "$m" "$img" "$tmp/py" cpu > "$tmp/py.log" 2>&1
ok $? "blazeface.py run: the model through the Python bindings" || { sed 's/^/# /' "$tmp/py.log"; echo "1..$n"; exit 1; }
sed 's/^/# /' "$tmp/py.log"
grep -q "^python: edgeai.Model('blazeface-int8.tflite').compile(device='cpu').run(\[x\])" "$tmp/py.log"
ok $? "it prints the Python call"
cmp "$tmp/py/input0.bin" "$tmp/model/input.bin" > "$tmp/cmp" 2>&1
ok $? "its input tensor is the one blazeface.py input writes for the VM" || sed 's/^/# /' "$tmp/cmp"
"$ctl" run "$m" --input "$tmp/model/input.bin" --output-dir "$tmp/ctl" --device cpu > "$tmp/ctl.log" 2>&1
ok $? "edgeaictl run --device cpu on the same input" || sed 's/^/# /' "$tmp/ctl.log"
k=0 same=0
while [ -f "$tmp/ctl/output$k.bin" ]; do
	cmp -s "$tmp/ctl/output$k.bin" "$tmp/py/output$k.bin" && same=$((same + 1))
	k=$((k + 1))
done
[ "$k" -gt 0 ] && [ "$same" -eq "$k" ] && [ ! -f "$tmp/py/output$k.bin" ]
ok $? "the bindings' outputs equal edgeaictl's byte for byte ($same of $k tensors)"
"$py" "$demo_py" detect "$img" "$tmp/model/inspect.json" "$tmp/py" "$tmp/faces.png" --json "$tmp/faces.json" \
	> "$tmp/detect.log" 2>&1
ok $? "blazeface.py detect finds a face in the bindings' outputs" || sed 's/^/# /' "$tmp/detect.log"
sed 's/^/# /' "$tmp/detect.log"
"$py" -c 'import json, sys; f = json.load(open(sys.argv[1]))["faces"]; sys.exit(len(f) != 1)' "$tmp/faces.json"
ok $? "exactly one face"
echo "1..$n"
exit $fail
