#!/bin/sh
# edgeaictl's command line: --help, --version, usage errors, and status /
# selftest on a machine without an edgeai device (clear message on stderr,
# exit status 1, valid JSON with --json). Device checks are skipped when
# this machine has edgeai devices (the VM lane runs selftest there).
# Then the friction list of issue 16, one check each: help and COMMAND
# --help for every command, global options before run, one --device
# grammar, errors in the user's words, the float-model hint, the placement
# summary, --input -, the verbs without a device, why's word, power set
# validation, UTF-8 in --json, progress on a terminal only.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${EDGEAI_BUILD:-$top/build}
ctl=$build/daemon/edgeaictl
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP"; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
# run and bench compile: a private compile cache
export EDGEAI_CACHE_DIR="$tmp/cache"
# run ARGS...: sets rc, and stdout/stderr in $tmp/out, $tmp/err
run() { "$ctl" "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?; }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2> /dev/null; }
diag() { sed 's/^/# /' "$1"; }

echo "TAP version 13"
[ -x "$ctl" ] || { echo "not ok 1 - $ctl exists"; echo "1..1"; exit 1; }

run --help
[ $rc -eq 0 ] && grep -q '^Usage: edgeaictl' "$tmp/out" && [ ! -s "$tmp/err" ]
ok $? "--help exits 0 with usage on stdout"
for word in status selftest --json --device --version 'Exit status' EDGEAI_DEBUG; do
	grep -q -- "$word" "$tmp/out" || { echo "# --help lacks '$word'"; r=1; }
done
ok "${r:-0}" "--help documents commands, options, exit status and environment"
awk 'length > 80 { bad = 1 } END { exit bad }' "$tmp/out"
ok $? "--help fits 80 columns"
run -h
[ $rc -eq 0 ] && grep -q '^Usage:' "$tmp/out"
ok $? "-h is --help"

run --version
lib=$(sed -n 's/^#define EDGEAI_VERSION_STRING "\(.*\)"/\1/p' "$top/libedgeai/include/edgeai/edgeai.h")
[ $rc -eq 0 ] && grep -qx "edgeaictl $lib (libedgeai $lib)" "$tmp/out"
ok $? "--version prints 'edgeaictl $lib (libedgeai $lib)'"

run --no-such-option
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "no-such-option" "$tmp/err" && grep -q -- "--help" "$tmp/err"
ok $? "unknown option: exit 2, message names it and points to --help"
run frobnicate
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'" "$tmp/err"
ok $? "unknown command: exit 2 with a clear message"
run
[ $rc -eq 2 ] && grep -q "missing command" "$tmp/err"
ok $? "no command: exit 2"
run status extra
[ $rc -eq 2 ] && grep -q "too many arguments" "$tmp/err"
ok $? "extra argument: exit 2"
run status --device
[ $rc -eq 2 ]
ok $? "--device without a value: exit 2"

if [ -n "$(ls /dev/accel 2> /dev/null)" ] && "$ctl" status > /dev/null 2>&1; then
	for t in "status without devices" "status --json without devices" "selftest without devices"; do
		skip "$t (this machine has edgeai devices)"
	done
else
	msg="no edgeai accelerator found (is the edgeai module loaded?)"
	run status
	[ $rc -eq 1 ] && grep -qF "$msg" "$tmp/err" && [ ! -s "$tmp/out" ]
	ok $? "status without devices: exit 1, '$msg'"
	diag "$tmp/err"
	run status --json
	[ $rc -eq 1 ] && json_ok "$tmp/out" &&
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=d.pop("board", None)
sys.exit(not (isinstance(b, str) and b) or d != {"devices": [], "policy": None})' "$tmp/out"
	ok $? "status --json without devices or edgeaid: exit 1, valid JSON {\"board\": ID, \"devices\": [], \"policy\": null}"
	diag "$tmp/out"
	run --json status
	[ $rc -eq 1 ] && json_ok "$tmp/out"
	ok $? "options before the command work too"
	run selftest
	[ $rc -eq 1 ] && grep -qF "$msg" "$tmp/err"
	ok $? "selftest without devices: exit 1 with the message"
	run selftest --json
	[ $rc -eq 1 ] && json_ok "$tmp/out" && grep -q '"result":"fail"' "$tmp/out"
	ok $? "selftest --json without devices: valid JSON, result fail"
fi

run status --device /dev/null
[ $rc -eq 1 ] && grep -q '/dev/null: .*edgeai' "$tmp/err"
ok $? "status --device /dev/null: exit 1, says it is not an edgeai device"
diag "$tmp/err"
# one-op models from tests/oracle/tflite_writer.py: RELU in float32 and in
# int8, and the int8 one with its input tensor named by the bytes FF 01
PYTHONPATH=$top/tests/oracle python3 - "$tmp" <<'PY'
import sys
import tflite_writer as tw
d = sys.argv[1]
f32 = [{'shape': [1, 4], 'type': 0}, {'shape': [1, 4], 'type': 0}]
q = {'scale': [0.1], 'zero_point': [0]}
i8 = [dict(shape=[1, 4], type=tw.TT_INT8, **q), dict(shape=[1, 4], type=tw.TT_INT8, **q)]
open(d + '/float.tflite', 'wb').write(tw.model(19, 0, None, f32, [0], [1], [0], [1]))
b = tw.model(19, 0, None, i8, [0], [1], [0], [1])
open(d + '/int8.tflite', 'wb').write(b)
name = b'\x02\x00\x00\x00t0\x00'
assert b.count(name) == 1
open(d + '/ff.tflite', 'wb').write(b.replace(name, b'\x02\x00\x00\x00\xff\x01\x00'))
PY
ok $? "make the test models (float and int8 RELU, a tensor named FF 01)"
printf 'abcd' > "$tmp/in.bin"

run inspect --json "$tmp/ff.tflite"
[ $rc -eq 0 ] && python3 -m json.tool "$tmp/out" > "$tmp/pretty" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["inputs"][0]["name"] != "\ufffd\u0001")' "$tmp/out"
ok $? "inspect --json of a tensor named by bytes FF 01: valid UTF-8 JSON (json.tool), name U+FFFD U+0001"
diag "$tmp/err"

verbs="status selftest inspect quantize run bench clients top power thermal why help"
run help
r=0
[ $rc -eq 0 ] || r=1
for v in $verbs; do
	grep -q "^  $v\( \|$\)" "$tmp/out" || { echo "# help lacks $v"; r=1; }
done
ok $r "'edgeaictl help' exits 0 and lists all $(echo $verbs | wc -w) commands"
for v in $verbs; do
	run "$v" --help
	[ $rc -eq 0 ] && head -1 "$tmp/out" | grep -q "^Usage: edgeaictl .*$v" && ! grep -q '^Commands:' "$tmp/out" &&
		awk 'length > 80 { bad = 1 } END { exit bad }' "$tmp/out"
	ok $? "'$v --help' prints the help of $v (not the global one), within 80 columns"
	"$ctl" help "$v" > "$tmp/out2" 2>&1
	cmp -s "$tmp/out" "$tmp/out2"
	ok $? "'help $v' is '$v --help'"
done
run help frobnicate
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'" "$tmp/err"
ok $? "'help frobnicate': exit 2"

run --json run "$tmp/int8.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o1"
[ $rc -eq 0 ] && json_ok "$tmp/out" && cmp -s "$tmp/o1/output0.bin" "$tmp/in.bin"
ok $? "'edgeaictl --json run ...': global options before run work (JSON, RELU of positive bytes is the input)"
diag "$tmp/err"
run -d cpu --json bench "$tmp/int8.tflite" -n 3 -w 0
[ $rc -eq 0 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["placement"][0]["device"] != "cpu")' "$tmp/out"
ok $? "'edgeaictl -d cpu --json bench ...': the global --device is bench's"

run bench "$tmp/int8.tflite" -d cpu -n 7 -w 1 --json --latencies "$tmp/samples.txt"
[ $rc -eq 0 ] && python3 - "$tmp/out" "$tmp/samples.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split('\n')
assert lines[-1] == '' and len(lines) == 8, lines          # 7 lines, each ended
v = [float(x) for x in lines[:-1]]
assert all(x > 0 for x in v), v
# the samples are the timed runs the summary is of (JSON rounds to 4 places)
assert abs(min(v) - r['min_ms']) < 1e-3 and abs(max(v) - r['max_ms']) < 1e-3, (v, r)
assert abs(sum(v) / 7 - r['mean_ms']) < 1e-3, (v, r)
assert abs(sorted(v)[3] - r['median_ms']) < 1e-3, (v, r)
PY
ok $? "bench --latencies FILE: one latency in ms per timed run (7 lines), the runs min/max/mean/median are of"
run bench "$tmp/int8.tflite" -d cpu -n 2 --latencies "$tmp/nodir/s.txt"
[ $rc -eq 1 ] && grep -q "^edgeaictl: --latencies $tmp/nodir/s.txt: No such file or directory" "$tmp/err"
ok $? "bench --latencies into a missing directory: exit 1 with the path and the cause"
# a model that cannot be opened: its path named once, with the cause
for verb in inspect run bench; do
	# shellcheck disable=SC2046
	run $verb "$tmp/none.tflite" $([ $verb = run ] && echo "--output-dir $tmp/o")
	[ $rc -eq 1 ] && grep -qx "edgeaictl: $tmp/none.tflite: No such file or directory" "$tmp/err"
	ok $? "$verb of a missing model: exit 1, 'edgeaictl: PATH: No such file or directory'"
done
run inspect "$tmp"
[ $rc -eq 1 ] && grep -qx "edgeaictl: $tmp: not a regular file" "$tmp/err"
ok $? "inspect of a directory: exit 1, 'edgeaictl: PATH: not a regular file'"
run bench "$tmp/int8.tflite" -d cpu -n 2 --latencies ''
[ $rc -eq 2 ] && grep -q "^edgeaictl: --latencies needs a file name" "$tmp/err"
ok $? "bench --latencies '': usage error"

# --zero-copy: the inputs and outputs bound in place, nothing copied per run
run bench "$tmp/int8.tflite" -d cpu -n 3 -w 1 --zero-copy --json
[ $rc -eq 0 ] && python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["zero_copy"] is True and r["iterations"] == 3 and r["median_ms"] > 0, r' "$tmp/out"
ok $? "bench --zero-copy --json: runs with the tensors bound in place (zero_copy: true)"
run bench "$tmp/int8.tflite" -d cpu -n 2 -w 0 --json
[ $rc -eq 0 ] && python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["zero_copy"] is False' "$tmp/out"
ok $? "bench --json without --zero-copy: zero_copy: false"
run bench "$tmp/int8.tflite" -d cpu -n 2 -w 0 --zero-copy
[ $rc -eq 0 ] && grep -q "inputs and outputs bound in place" "$tmp/out"
ok $? "bench --zero-copy: the text says the tensors are bound in place"
run -q quantize "$tmp/float.tflite" -o "$tmp/fio.tflite" --samples 4 --io=float
run bench "$tmp/fio.tflite" -d cpu -n 2 --zero-copy
[ $rc -eq 1 ] && grep -q "^edgeaictl: .*: --zero-copy: a float32 input or output is converted" "$tmp/err"
ok $? "bench --zero-copy of a model with float32 inputs: exit 1, the conversion named"

# --concurrency and --batch: side by side, off/on rounds (the CPU runs
# batches one by one: the device side is tests/bench/bench-batch.sh)
run bench "$tmp/int8.tflite" -d cpu -n 12 -w 1 --concurrency 3 --batch 4 --batch-wait-us 500 --json
[ $rc -eq 0 ] && python3 - "$tmp/out" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
assert r["concurrency"] == 3 and r["batch_max"] == 4 and r["batch_wait_us"] == 500, r
for k in ("unbatched", "batched"):
    m = r[k]
    assert m["runs"] == 6, m                      # rounds off, on, on, off of 3
    assert m["throughput_per_s"] > 0 and m["wall_ms"] > 0, m
    assert 0 < m["min_ms"] <= m["p50_ms"] <= m["p95_ms"] <= m["p99_ms"] <= m["max_ms"], m
    assert abs(m["throughput_per_s"] - 1000 * m["runs"] / m["wall_ms"]) < 0.01 * m["throughput_per_s"], m
    # edgeaictl's CPU time: in ms, at most what its CPUs had in the wall
    # time (with a few ticks of rounding, two samples per round)
    cpu = m["cpu_user_ms_per_inference"] + m["cpu_kernel_ms_per_inference"]
    assert m["cpu_user_ms_per_inference"] >= 0 and m["cpu_kernel_ms_per_inference"] >= 0, m
    assert cpu * m["runs"] <= m["wall_ms"] * os.cpu_count() + 40, m
assert abs(r["throughput_ratio"] - r["batched"]["throughput_per_s"] / r["unbatched"]["throughput_per_s"]) < 1e-3, r
assert r["p99_ratio"] > 0 and r["placement"][0]["device"] == "cpu", r
PY
ok $? "bench --concurrency 3 --batch 4 --json: unbatched and batched side by side, 6 runs each, their ratios and CPU time"
run bench "$tmp/int8.tflite" -d cpu -n 4 -w 0 -c 2
[ $rc -eq 0 ] && grep -q "inferences/s" "$tmp/out" && grep -q "p99 ms" "$tmp/out" &&
	! grep -q "batched" "$tmp/out"
ok $? "bench -c 2: throughput and percentiles of one mode, no batching"
for bad in "--batch 1" "--batch 17" "--concurrency 0" "--concurrency 65" "--batch-wait-us 10" \
	"--batch 4 --batch-wait-us 100001" "-c 2 --latencies $tmp/l.txt" "--batch 2 --profile" \
	"-c 2 --zero-copy"; do
	# shellcheck disable=SC2086
	run bench "$tmp/int8.tflite" -d cpu -n 2 $bad
	[ $rc -eq 2 ] || break
done
[ $rc -eq 2 ]
ok $? "bench: --batch, --batch-wait-us and --concurrency out of range or with --latencies/--profile/--zero-copy: usage errors ($bad)"

run run "$tmp/int8.tflite" --input - --output-dir "$tmp/o2" < "$tmp/in.bin"
[ $rc -eq 0 ] && cmp -s "$tmp/o2/output0.bin" "$tmp/o1/output0.bin"
ok $? "run --input - reads standard input"
printf 'abc' | "$ctl" run "$tmp/int8.tflite" --input - --output-dir "$tmp/o2" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "standard input: 3 bytes, input 0 .* needs 4" "$tmp/err"
ok $? "run --input - of the wrong size names standard input"
run run "$tmp/int8.tflite" --input - --input - --output-dir "$tmp/o2"
[ $rc -eq 2 ]
ok $? "--input - twice is a usage error"

run run "$tmp/int8.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o3" --device cpu
[ $rc -eq 0 ] && grep -q '^placement (1 op; --verbose lists each):$' "$tmp/out" &&
	grep -q '^  cpu    1 op: 0$' "$tmp/out" && grep -q '^      why: CPU_ONLY policy$' "$tmp/out" &&
	! grep -q '^  op ' "$tmp/out"
ok $? "run prints a placement summary (count and op ranges per device, the reason), no line per op"
diag "$tmp/out"
run run "$tmp/int8.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o3" --device cpu --verbose
[ $rc -eq 0 ] && grep -q '^  op   0 RELU  *cpu  CPU_ONLY policy$' "$tmp/out"
ok $? "run --verbose lists each op with its device and reason"

run run "$tmp/float.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o4"
[ $rc -eq 1 ] && grep -q "is a float model" "$tmp/err" && grep -qF "edgeaictl quantize $tmp/float.tflite -o" "$tmp/err" &&
	! grep -q "kernel driver" "$tmp/err"
ok $? "a float model: exit 1 with the hint to run 'edgeaictl quantize', no blame on the kernel driver"
diag "$tmp/err"
python3 "$top/tests/models/dynamic_range.py" "$tmp/hybrid.tflite"
head -c 3072 /dev/zero > "$tmp/hybrid.in"
run run "$tmp/hybrid.tflite" --input "$tmp/hybrid.in" --output-dir "$tmp/o5"
[ $rc -eq 1 ] && grep -q "is a float model (int8 weights, float activations: dynamic-range quantized)" "$tmp/err" &&
	grep -qF "edgeaictl quantize $tmp/hybrid.tflite -o" "$tmp/err"
ok $? "a dynamic-range model (int8 weights only): exit 1, named, with the same hint"
diag "$tmp/err"
run -q quantize "$tmp/hybrid.tflite" -o "$tmp/hybrid-int8.tflite" --samples 4 --json
[ $rc -eq 0 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["fp16_folded"] != 4 or d["ops_quantized"] != 6)' "$tmp/out"
ok $? "quantize takes it: its 4 int8 weights folded to float32, its 6 ops quantized"

for d in gpu npu-1 npu01 accel dsp9x ''; do
	run run "$tmp/int8.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o5" --device "$d"
	[ $rc -eq 2 ] && grep -q "auto, cpu, npu, dsp, npuN, dspN" "$tmp/err" || { echo "# run --device '$d': $rc"; r=1; }
	run --device "$d" status
	[ $rc -eq 2 ] && grep -q "auto, cpu, npu, dsp, npuN, dspN" "$tmp/err" || { echo "# --device '$d' status: $rc"; r=1; }
done
ok "${r:-0}" "a --device that is not a device is a usage error naming the valid forms, for run and globally"
run status --device cpu
[ $rc -eq 2 ] && grep -q "cpu names no accelerator" "$tmp/err"
ok $? "status --device cpu: usage error (the CPU is no accelerator)"
run selftest --device accel7
[ $rc -eq 1 ] && grep -q '^edgeaictl: /dev/accel/accel7: ' "$tmp/err"
ok $? "--device accelN is /dev/accel/accelN"

if [ -n "$(ls /dev/accel 2> /dev/null)" ] && "$ctl" status > /dev/null 2>&1; then
	for t in "run --device npu without devices" "run --device npu1" "--device npu status" \
		"verbs without devices" "why without devices"; do
		skip "$t (this machine has edgeai devices)"
	done
else
	run run "$tmp/int8.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o5" --device npu
	[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -q "^edgeaictl: $tmp/int8.tflite: --device npu: no edgeai NPU device found" "$tmp/err" &&
		! grep -q DEVICE_ONLY "$tmp/err" && ! grep -q '(No edgeai device' "$tmp/err"
	ok $? "run --device npu without an NPU: one line in the user's words (no DEVICE_ONLY, cause given once)"
	diag "$tmp/err"
	run run "$tmp/int8.tflite" --input "$tmp/in.bin" --output-dir "$tmp/o5" --device npu1
	[ $rc -eq 1 ] && grep -q "^edgeaictl: --device npu1: no such edgeai NPU" "$tmp/err"
	ok $? "run --device npu1 without NPUs: exit 1, says which"
	run --device npu status
	[ $rc -eq 1 ] && grep -q "^edgeaictl: --device npu: no such edgeai NPU" "$tmp/err"
	ok $? "--device npu status without NPUs: exit 1, says which"
	msg="no edgeai accelerator found (is the edgeai module loaded?)"
	r=0
	for v in power thermal clients top why; do
		run "$v"
		[ $rc -eq 1 ] && grep -qF "$msg" "$tmp/err" || { echo "# $v: exit $rc, $(cat "$tmp/err")"; r=1; }
		run --json "$v"
		[ $rc -eq 1 ] && grep -qF "$msg" "$tmp/err" && json_ok "$tmp/out" || { echo "# --json $v: exit $rc"; r=1; }
	done
	ok $r "power, thermal, clients, top, why without a device: all exit 1 with '$msg' (--json: valid JSON too)"
	run why
	word=$(sed -n 's/^edgeaid is not running; last advice it left: //p' "$tmp/out")
	run --json why
	[ -n "$word" ] && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["advice"] != sys.argv[2])' "$tmp/out" "$word"
	ok $? "why prints the same advice word as why --json ('$word')"
fi

run power set turbo
[ $rc -eq 2 ] && grep -q "turbo: unknown profile; valid profiles: power-saver, balanced, performance" "$tmp/err"
ok $? "power set turbo: usage error listing the valid profiles"
run power set
[ $rc -eq 2 ] && grep -q "power-saver, balanced or" "$tmp/err"
ok $? "power set without a profile: usage error"

# progress: on a terminal (script(1) gives a pty) one line redrawn with \r,
# cleared at the end; into a file only a plain line per finished stage
if command -v script > /dev/null; then
	script -qec "'$ctl' quantize '$tmp/float.tflite' -o '$tmp/q.tflite' --samples 4 > /dev/null" /dev/null > "$tmp/tty" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -q "$(printf '\r')" "$tmp/tty" && grep -q 'calibrate 4/4' "$tmp/tty" &&
		[ "$(grep -c 'calibrate' "$tmp/tty")" -le 1 ]
	ok $? "quantize on a terminal: one progress line redrawn (carriage returns), not a line per sample"
	run quantize "$tmp/float.tflite" -o "$tmp/q.tflite" --samples 4
	[ $rc -eq 0 ] && ! grep -q "$(printf '\r')" "$tmp/err" && [ "$(grep -c 'calibrate' "$tmp/err")" -eq 1 ]
	ok $? "quantize into a file: plain lines, one per stage"
	script -qec "'$ctl' bench '$tmp/int8.tflite' -n 20 -w 2 > /dev/null" /dev/null > "$tmp/tty" 2>&1
	[ $? -eq 0 ] && grep -q "$(printf '\r')" "$tmp/tty" && grep -q '20/20 runs' "$tmp/tty"
	ok $? "bench on a terminal: a progress line redrawn"
	run bench "$tmp/int8.tflite" -n 20 -w 2
	[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]
	ok $? "bench into a file: no progress"
	run -q quantize "$tmp/float.tflite" -o "$tmp/q.tflite" --samples 4
	[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]
	ok $? "-q quantize: no progress"
else
	for t in "quantize progress on a terminal" "quantize progress into a file" "bench progress on a terminal" \
		"bench progress into a file" "-q quantize"; do
		skip "$t (no script(1))"
	done
fi

run selftest --device /nonexistent/accel7
[ $rc -eq 1 ] && grep -q '/nonexistent/accel7: ' "$tmp/err"
ok $? "selftest --device of a missing node: exit 1 with the path"
echo "1..$n"
exit $fail
