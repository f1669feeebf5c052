#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: the edgeai board in a VM. Boots the systemd VM of the e2e
# lane (Debian bookworm, systemd as PID 1, Debian's 6.12 kernel; module,
# firmware, libedgeai, edgeaid and edgeaictl installed by `make install`),
# then shows:
#   - systemctl status edgeaid with its live STATUS= line, edgeaictl status;
#   - BlazeFace short range (@mediapipe/face_detection, quantized to int8 by
#     `edgeaictl quantize`, calibrated on the picture) finding the face in
#     scikit-image's astronaut.png on the NPU: the box is drawn into
#     build/demo/astronaut-faces.png;
#   - two applications (edgeaictl bench as transient units demo-camera and
#     demo-doorbell, weights 300 and 100 in an edgeaid.conf.d drop-in)
#     sharing the NPU, with edgeaictl clients, top and status.
# Pre- and post-processing run on the host (tests/e2e/demo/blazeface.py:
# numpy and scikit-image); the same input also runs on the host CPU path as
# the reference, through libedgeai's Python bindings (libedgeai/python).
# Everything is logged under build/demo/.
#
#   tests/e2e/demo.sh     exit 0 when every step worked and the NPU found a face
#
# DEMO_TIMEOUT (seconds, default 900) bounds the VM; DEMO_ITERATIONS (12)
# is the number of timed runs of each of the two applications.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck disable=SC2034 # read by tests/vm/lib.sh and tests/e2e/lib.sh
VM_TOP=$top
# shellcheck source=tests/vm/lib.sh
. tests/vm/lib.sh
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh
# shellcheck source=tests/e2e/demo/common.sh
. tests/e2e/demo/common.sh
out=$top/build/demo
ctl=$top/build/daemon/edgeaictl
# the whole transcript also goes to build/demo/demo.log
if [ -z "${DEMO_TRANSCRIPT:-}" ]; then
	mkdir -p "$out"
	rm -f "$out/demo.rc"
	{
		DEMO_TRANSCRIPT=1 "$0" "$@"
		echo $? > "$out/demo.rc"
	} 2>&1 | tee "$out/demo.log"
	exit "$(cat "$out/demo.rc" 2> /dev/null || echo 1)"
fi
t0=$(date +%s)
say() { echo "demo: $*"; }
fail() { say "FAILED: $*"; exit 1; }
elapsed() { echo "$(($(date +%s) - t0)) s"; }

rm -rf "$out/vm" "$out/cpu" "$out/npu" "$out/auto" "$out/model" "$out"/*.png "$out"/*.json
mkdir -p "$out/vm" "$out/cpu"

py=$(demo_python) || fail "python3 with numpy and scikit-image is missing: run 'make deps' (python3-skimage)"
img=$(demo_image "$py")
[ -f "$img" ] || fail "astronaut.png is missing from scikit-image's data ($img)"

echo
say "building edgeai and the VM's root filesystem (make all, make install, Debian rootfs cached in ${EDGEAI_CACHE:-~/.cache/edgeai}/e2e)"
e2e_stage "$out" || fail "preparing the VM (logs in ${out#"$top"/})"

echo
say "quantizing BlazeFace short range with edgeaictl quantize, calibrated on $(basename "$img") and 5 variants"
demo_prepare "$ctl" "$py" "$out/model"
r=$?
[ $r -eq 77 ] && fail "the model could not be fetched (tests/models/fetch.sh: $(tail -n 1 "$out/model/fetch.log"))"
[ $r -eq 0 ] || fail "quantizing (see ${out#"$top"/}/model/)"
grep -E '^(size|operators) ' "$out/model/quantize.log" | sed 's/^/  /'
grep -E '^  output ' "$out/model/quantize.log"
sed 's/^/  /' "$out/model/input.log"

echo
say "reference on the host CPU, through the Python bindings (libedgeai/python; the device path must give the same bytes)"
EDGEAI_LIBRARY=$top/build/libedgeai/libedgeai.so.0 PYTHONPATH=$top/libedgeai/python${PYTHONPATH:+:$PYTHONPATH} \
	"$py" "$demo_py" run "$out/model/blazeface-int8.tflite" "$img" "$out/cpu" cpu > "$out/cpu/run.log" 2>&1 ||
	fail "blazeface.py run (see ${out#"$top"/}/cpu/run.log)"
sed 's/^/  /' "$out/cpu/run.log"
cmp -s "$out/cpu/input0.bin" "$out/model/input.bin" ||
	fail "the Python run's input tensor differs from the one the VM gets (model/input.bin)"
"$py" "$demo_py" detect "$img" "$out/model/inspect.json" "$out/cpu" "$out/astronaut-faces-cpu.png" \
	--json "$out/faces-cpu.json" | sed 's/^/  /'

# what the guest needs: the model, its input, the two applications' rules
d=$E2E_STAGE/usr/share/edgeai-demo
mkdir -p "$d" "$E2E_STAGE/etc/edgeai/edgeaid.conf.d"
cp "$out/model/blazeface-int8.tflite" "$out/model/input.bin" "$d/"
echo "BENCH_ITERATIONS=${DEMO_ITERATIONS:-12}" > "$d/demo.env"
cat > "$E2E_STAGE/etc/edgeai/edgeaid.conf.d/50-demo.conf" <<'EOC'
# make demo: two applications sharing the NPU 3:1
[Application]
Name=camera
Unit=demo-camera.service
Weight=300

[Application]
Name=doorbell
Unit=demo-doorbell.service
Weight=100
EOC
# a load generator, to show the weights under contention (as in run.sh)
mkdir -p "$E2E_STAGE/usr/local/bin"
cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -I/usr/include/libdrm -Itests/kselftest \
	-o "$E2E_STAGE/usr/local/bin/edgeai-load" tests/e2e/edgeai-load.c > "$out/load.log" 2>&1 ||
	fail "building tests/e2e/edgeai-load.c (see ${out#"$top"/}/load.log)"
e2e_guest_service edgeai-demo tests/e2e/demo/guest.sh || fail "staging the guest script"

echo
say "booting the systemd VM (QEMU TCG: a few minutes; console in ${out#"$top"/}/console.log)"
tb=$(date +%s)
{
	VM_ECHO=1 e2e_pack_boot "$out" "${DEMO_TIMEOUT:-900}"
	echo $? > "$out/boot.rc"
} | sed -u -e '/^# edgeai-demo: file /,/^# edgeai-demo: end /d' -e '/^# edgeai-vm: /d' -e '/^edgeai-vm: end of tests/d'
boot=$(cat "$out/boot.rc" 2> /dev/null || echo 1)
tvm=$(($(date +%s) - tb))

# the files the guest sent back (base64 between marker lines)
awk -v dir="$out/vm" '
	/^# edgeai-demo: file / { f = dir "/" $4 ".b64"; printf "" > f; next }
	/^# edgeai-demo: end / { close(f); f = ""; next }
	f != "" { print >> f }
' "$out/results.log"
for b in "$out"/vm/*.b64; do
	[ -f "$b" ] || continue
	base64 -d "$b" > "${b%.b64}" && rm -f "$b"
done

echo
rc=0
[ "$boot" -eq 0 ] || { say "the VM did not finish cleanly (status $boot; see ${out#"$top"/}/console.log)"; rc=1; }
if ! vm_splats "$out/console.log" > "$out/splats.txt"; then
	say "kernel splat in the console log (${out#"$top"/}/splats.txt)"
	rc=1
fi
grep -q '^# edgeai-vm: exit demo 0' "$out/results.log" || { say "a step in the VM failed (see above)"; rc=1; }

dev=
for x in npu auto; do [ -f "$out/vm/$x-output0.bin" ] && { dev=$x; break; }; done
if [ -n "$dev" ]; then
	mkdir -p "$out/$dev"
	for f in "$out/vm/$dev"-output*.bin; do cp "$f" "$out/$dev/${f##*/"$dev"-}"; done
	nnpu=$(awk '$1 == "op" && $4 == "npu"' "$out/vm/run-$dev.log" | wc -l)
	nall=$(awk '$1 == "op"' "$out/vm/run-$dev.log" | wc -l)
	say "the face, from the run in the VM (--device $dev: $nnpu of $nall ops on the NPU), decoded on the host"
	"$py" "$demo_py" detect "$img" "$out/model/inspect.json" "$out/$dev" "$out/astronaut-faces.png" \
		--json "$out/faces.json" | sed 's/^/  /'
	grep -q '"score"' "$out/faces.json" 2> /dev/null || rc=1
	cat "$out/cpu"/output*.bin > "$out/cpu.all"
	cat "$out/$dev"/output*.bin > "$out/$dev.all"
	ndiff=$(cmp -l "$out/cpu.all" "$out/$dev.all" 2>&1 | wc -l)
	if [ "$ndiff" -eq 0 ]; then
		echo "  output tensors: identical to the host CPU reference ($(wc -c < "$out/$dev.all") bytes)"
	else
		echo "  output tensors: $ndiff of $(wc -c < "$out/cpu.all") bytes DIFFER from the host CPU reference"
		rc=1
	fi
	rm -f "$out/cpu.all" "$out/$dev.all"
	echo "  open it: ${out#"$top"/}/astronaut-faces.png"
else
	say "no output tensors came back from the VM"
	rc=1
fi

echo
say "timings: total $(elapsed), of which the VM (boot, demo, poweroff under TCG) ${tvm} s"
if [ -f "$top/build/bench/report/index.html" ]; then
	say "pictures: build/bench/report/index.html (latency per device, 3:1 sharing over time, thermal throttling; from make bench)"
else
	say "pictures: make bench draws latency per device, 3:1 sharing over time and thermal throttling into build/bench/report/index.html"
fi
say "logs: ${out#"$top"/}/ (demo.log: this transcript; results.log: the guest's output; console.log: kernel; vm/journal.log; vm/run-*.log; vm/bench-*.log; model/quantize.log)"
if [ $rc -eq 0 ]; then say "done"; else say "done, with failures (above)"; fi
exit $rc
