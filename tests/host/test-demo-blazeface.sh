#!/bin/sh
# The detection of `make demo` on the host CPU path: BlazeFace short range
# quantized by `edgeaictl quantize --calib` on scikit-image's astronaut.png
# (tests/e2e/demo/common.sh), run by `edgeaictl run --device cpu`, decoded
# by tests/e2e/demo/blazeface.py. Exactly one face must be found, and its
# box must sit on the astronaut's face (centre inside x 170..300, y 40..200
# of the 512x512 picture, IoU with that region >= 0.3, eyes above the mouth);
# with the face painted over, nothing may be found. Skips when numpy/
# scikit-image (python3-skimage) or the model (tests/models/fetch.sh) are
# missing.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
ctl=$build/daemon/edgeaictl
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
ok $r "edgeaictl quantize --calib (astronaut.png and 5 variants), inspect, input tensor" ||
	{ cat "$tmp"/model/*.log | sed 's/^/# /'; echo "1..$n"; exit 1; }
grep -E '^  output ' "$tmp/model/quantize.log" | sed 's/^/#/'

"$ctl" run "$tmp/model/blazeface-int8.tflite" --input "$tmp/model/input.bin" --output-dir "$tmp/cpu" \
	--device cpu > "$tmp/run.log" 2>&1
ok $? "edgeaictl run --device cpu" || { sed 's/^/# /' "$tmp/run.log"; echo "1..$n"; exit 1; }

"$py" "$demo_py" detect "$img" "$tmp/model/inspect.json" "$tmp/cpu" "$tmp/faces.png" --json "$tmp/faces.json" \
	> "$tmp/detect.log" 2>&1
ok $? "blazeface.py detect finds a face" || { sed 's/^/# /' "$tmp/detect.log"; echo "1..$n"; exit 1; }
sed 's/^/# /' "$tmp/detect.log"

"$py" - "$tmp/faces.json" "$tmp/faces.png" > "$tmp/check" 2>&1 <<'PY'
import json, sys
import numpy as np
import skimage.io
r = json.load(open(sys.argv[1]))
faces = r['faces']
print('ok exactly one face (%d)' % len(faces) if len(faces) == 1 else 'bad exactly one face (%d)' % len(faces))
f = faces[0]
x0, y0, x1, y1 = f['box']
cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
good = 170 <= cx <= 300 and 40 <= cy <= 200
print('%s box centre (%.0f, %.0f) inside x 170..300, y 40..200' % ('ok' if good else 'bad', cx, cy))
rx0, ry0, rx1, ry1 = 170, 40, 300, 200
iw = max(0, min(x1, rx1) - max(x0, rx0))
ih = max(0, min(y1, ry1) - max(y0, ry0))
inter = iw * ih
iou = inter / ((x1 - x0) * (y1 - y0) + (rx1 - rx0) * (ry1 - ry0) - inter)
print('%s IoU with the face region %.2f >= 0.3' % ('ok' if iou >= 0.3 else 'bad', iou))
k = f['keypoints']
eyes_y = (k['right eye'][1] + k['left eye'][1]) / 2
good = eyes_y < k['nose tip'][1] < k['mouth'][1] and k['right eye'][0] < k['left eye'][0]
print('%s keypoints: eyes (y %.0f) above the nose (%.0f) above the mouth (%.0f)'
      % ('ok' if good else 'bad', eyes_y, k['nose tip'][1], k['mouth'][1]))
print('%s score %.3f >= 0.75' % ('ok' if f['score'] >= 0.75 else 'bad', f['score']))
img = skimage.io.imread(sys.argv[2])
# the top edge: a green line within a few rows of y0
rows = img[max(0, int(y0) - 4):int(y0) + 2, int(x0) + 5:int(x1) - 5, :3]
green = max(np.mean((row[:, 1] == 255) & (row[:, 0] == 0)) for row in rows)
print('%s the PNG (%dx%d) has the box drawn (top edge %.0f%% green)'
      % ('ok' if img.shape[:2] == (r['height'], r['width']) and green > 0.9 else 'bad',
         img.shape[1], img.shape[0], 100 * green))
PY
[ -s "$tmp/check" ] || echo "bad the checks ran" > "$tmp/check"
while read -r verdict rest; do
	[ "$verdict" = ok ]
	ok $? "$rest" || sed 's/^/# /' "$tmp/check"
done < "$tmp/check"

# the same picture with the face painted over: no face
"$py" - "$img" "$tmp/noface.png" <<'PY'
import sys
import skimage.io
img = skimage.io.imread(sys.argv[1])[..., :3].copy()
img[30:210, 150:320] = (128, 128, 128)
skimage.io.imsave(sys.argv[2], img, check_contrast=False)
PY
"$py" "$demo_py" input "$tmp/noface.png" "$tmp/model/inspect.json" "$tmp/noface.bin" > /dev/null &&
	"$ctl" run "$tmp/model/blazeface-int8.tflite" --input "$tmp/noface.bin" --output-dir "$tmp/noface" \
		--device cpu > /dev/null 2>&1
ok $? "edgeaictl run --device cpu on the picture with the face painted over"
"$py" "$demo_py" detect "$tmp/noface.png" "$tmp/model/inspect.json" "$tmp/noface" "$tmp/noface-out.png" \
	> "$tmp/noface.log" 2>&1
r=$?
sed 's/^/# /' "$tmp/noface.log"
[ $r -eq 1 ] && grep -q '^face: none' "$tmp/noface.log"
ok $? "face painted over: no face found"
echo "1..$n"
exit $fail
