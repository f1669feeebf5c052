#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Device jobs per inference in the VM (issue 14): every int8 model of the
# test corpus (tests/vm/model-cases.sh: quantized by edgeaictl, oracle
# outputs from TFLite 2.9.0) runs once with --device auto, first with an
# NPU image packed with the op set the NPU had before issue 14 (convolutions,
# FULLY_CONNECTED, ADD/SUB/MUL, pools, MEAN, RESHAPE), then with the
# current image, in the same boot; the library is the same for both (so
# the activations are fused in both: the "before" column shows what the op
# set alone changes). The jobs are counted by the driver's
# sysfs jobs_completed (the sum over the NPU and the DSP), not by our
# library. Prints a table and writes $BENCH_OUT/jobs.json. Needs `make all`
# and the oracle and models (npm); takes a few minutes.
#
#   EDGEAICTL=PATH  measure with another build of edgeaictl and its
#                   libedgeai (quantizer and compiler), e.g. an older one
set -u
. "$(dirname "$0")/lib.sh"
ctl=${EDGEAICTL:-build/daemon/edgeaictl}
bench_init bench-jobs "$ctl" build/firmware/edgeai-fwpack build/firmware/edgeai/npu.bin
# the corpus and the large models (pose_landmark_heavy: 1.93 GMAC)
MODEL_CASES=${MODEL_CASES:-$(tests/models/fetch.sh --list; tests/models/fetch.sh --list-large)} \
	tests/vm/model-cases.sh "$out/models" "$ctl"
if [ ! -f "$out/models/models.txt" ]; then
	echo "bench jobs: no models or oracle (npm not reachable?): skipped"
	echo '{"skipped": "no models or oracle"}' > "$BENCH_OUT/jobs.json"
	exit 0
fi
rm -rf "$out/fw" && mkdir -p "$out/fw" && cp build/firmware/edgeai/*.bin "$out/fw/" || exit 1
# The op set before issue 14: opcodes 1-6, 9-11 and 22 (0x400e7e). Another
# version, so no compile cache entry of one image serves the other.
build/firmware/edgeai-fwpack -D op_mask="4198014 0" -D version=0.9.0 \
	-D version_string='"edgeai-npu 0.9.0"' -o "$out/fw/npu-opset-before.bin" \
	firmware/specs/npu.fwspec || exit 1
BENCH_FW="$out/fw" bench_boot tests/bench/init-jobs.sh 900 "a few minutes" \
	--dir "$out/models" /lib/edgeai-models \
	--bin "$ctl" /usr/bin/edgeaictl

python3 - "$out/results.log" "$BENCH_OUT/jobs.json" <<'PY'
import json, sys
res = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 8 and f[:2] == ["bench", "jobs"]:
        img, model, jobs, result, ops, resets = f[2:]
        res.setdefault(model, {})[img] = {
            "jobs_per_inference": int(jobs), "outputs": result, "resets": int(resets),
            "ops": {k: int(v) for k, v in (kv.split("=") for kv in ops.split(","))}
                   if ops != "none" else {}}
if not res:
    sys.exit("bench jobs: no result from the guest")
fig = {"note": "device jobs of one --device auto inference, from sysfs jobs_completed "
               "(NPU + DSP); opset-before: an NPU image with the op set before issue 14, "
               "same library (activations fused by the quantizer and the compiler)",
       "models": res}
with open(sys.argv[2], "w") as fh:
    json.dump(fig, fh, indent=2, sort_keys=True)
    fh.write("\n")
print("device jobs per inference, --device auto (sysfs jobs_completed)")
print("%-44s %14s %10s %8s  %s" % ("model", "opset-before", "current", "ratio", "current: outputs, ops, resets"))
bad = 0
for m in sorted(res):
    b = res[m].get("opset-before", {})
    c = res[m].get("current", {})
    jb, jc = b.get("jobs_per_inference"), c.get("jobs_per_inference")
    ratio = "%.1fx" % (jb / jc) if jb and jc else "-"
    print("%-44s %14s %10s %8s  %s, %s, %s reset(s)" % (m, jb, jc, ratio, c.get("outputs"),
          " ".join("%s %s" % kv for kv in sorted(c.get("ops", {}).items())), c.get("resets")))
    bad |= b.get("outputs") != "equal" or c.get("outputs") != "equal"
    # the current image: nothing reset, no op rerun on the CPU
    bad |= c.get("resets") != 0 or "cpu" in c.get("ops", {})
if bad:
    sys.exit("bench jobs: an output differs from the oracle, a core was reset or an op ran on the CPU")
PY
