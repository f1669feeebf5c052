#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host CPU per inference of dynamic batching (issue 14), measured outside
# the guest: QEMU's own CPU time. bench-batch.sh reports edgeaictl's CPU
# time per inference from getrusage() inside the guest, and under our
# `-accel tcg,thread=single -smp 2` that figure is not the host work: the
# two vCPUs share one host thread, the guest clock is the host's, so a
# thread is charged wall time for as long as its vCPU has it on, also
# while QEMU emulates the other vCPU or is itself off the host CPU (the
# machine is shared). A load that keeps both vCPUs busy at once, as the
# bursts of a batch completing do, is charged up to twice what it cost;
# a busy host stretches every charge.
#
# Here each bench is a process of its own between two marks on the
# results port, and a reader on the host takes QEMU's CPU time (utime +
# stime of the process, /proc/PID/stat) at each mark. With the devices in
# compute-off mode, the NPU at 600 MHz and BATCH_CONCURRENCY (8) threads:
#   off1: BATCH_RUNS (200) runs one by one; off3: three times as many;
#   both: `--batch BATCH_MAX`, BATCH_RUNS runs one by one and BATCH_RUNS
#   batched (rounds off, on, on, off), each mode after BATCH_WARM (16)
#   warm-up runs,
# in the order off1 off3 both both off3 off1, BATCH_CPU_ROUNDS (2) times.
# Then, in QEMU CPU ms (the emulation's real work, idle excluded):
#   one by one, per inference = (off3 - off1) / (2 * BATCH_RUNS)
#   batched, per inference    = (both - off1) / (BATCH_RUNS + BATCH_WARM)
# (the differences cancel start-up, compile-cache load and the warm-up
# runs one by one), the medians over the pairs of each round; next to
# them the guest's own figures (edgeaictl's rusage per inference, and the
# busy time of both vCPUs over QEMU's CPU time: above 1 the guest charged
# more than QEMU did). Writes $BENCH_OUT/batch-cpu.json. Needs `make all`
# and the models (npm); takes a few minutes.
set -u
. "$(dirname "$0")/lib.sh"
ctl=build/daemon/edgeaictl
bench_init bench-batch-cpu "$ctl" build/firmware/edgeai/npu.bin
models=$(tests/models/fetch.sh) || models=
if [ -z "$models" ]; then
	echo "bench batch-cpu: no models (npm not reachable?): skipped"
	echo '{"skipped": "no models"}' > "$BENCH_OUT/batch-cpu.json"
	exit 0
fi
# shellcheck disable=SC2086
bench_models "$models" ${BATCH_MODELS:-face_detection_full_range}
conc=${BATCH_CONCURRENCY:-8}
runs=${BATCH_RUNS:-200}
warm=${BATCH_WARM:-16}
echo "$conc $runs ${BATCH_WAIT_US:-5000} ${BATCH_MAX:-$conc} ${BATCH_CPU_ROUNDS:-2} $warm" \
	> "$out/params"

# The reader: QEMU's CPU time at each mark, as the guest writes it.
rm -f "$out/marks.txt"
python3 - "$out" <<'PY' &
import os, subprocess, sys, time
d = sys.argv[1]
tck = os.sysconf("SC_CLK_TCK")
pid, t0 = None, time.time()
while pid is None and time.time() - t0 < 300:
    for p in subprocess.run(["pgrep", "-f", os.path.join(d, "console.log")],
                            capture_output=True, text=True).stdout.split():
        try:
            if open("/proc/%s/comm" % p).read().startswith("qemu"):
                pid = p
        except OSError:
            pass
    time.sleep(0.02)
if pid is None:
    sys.exit(0)
out, pos, buf = open(os.path.join(d, "marks.txt"), "w"), 0, b""
while os.path.exists("/proc/" + pid):
    try:
        with open(os.path.join(d, "results.raw"), "rb") as fh:
            fh.seek(pos)
            chunk = fh.read()
    except OSError:
        chunk = b""
    pos += len(chunk)
    buf += chunk
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        line = line.decode(errors="replace").strip("\r")
        if line.startswith("mark "):
            try:
                f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
                ms = (int(f[11]) + int(f[12])) * 1000.0 / tck
            except (OSError, IndexError):
                ms = -1
            out.write("%s %.1f\n" % (line, ms))
            out.flush()
    time.sleep(0.002)
PY
reader=$!
bench_boot tests/bench/init-batch-cpu.sh 1500 "a few minutes" \
	--dir "$out/models" /lib/edgeai-models \
	--file "$out/params" /etc/edgeai-bench-batch-cpu \
	--bin "$ctl" /usr/bin/edgeaictl
wait $reader
if [ ! -s "$out/marks.txt" ]; then
	echo "bench batch-cpu: no QEMU CPU times read (QEMU not found, or no marks)" >&2
	exit 1
fi

python3 - "$out/results.log" "$out/marks.txt" "$BENCH_OUT/batch-cpu.json" "$runs" "$warm" <<'PY'
import json, statistics, sys
runs, warm = int(sys.argv[4]), int(sys.argv[5])
bench, stat, fails = {}, {}, []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split(" ", 5)
    if len(f) < 6 or f[0] != "bench":
        continue
    key = tuple(f[2:5])
    if f[1] == "cpu":
        try:
            bench.setdefault(key, []).append(json.loads(f[5]))
        except ValueError:
            fails.append("%s: guest said: %s" % (" ".join(key), f[5][:200]))
    elif f[1] == "stat":
        a, b = f[5].split("|")
        a = [int(x) for x in a.split()[1:]]
        b = [int(x) for x in b.split()[1:]]
        # user nice system idle iowait irq softirq (USER_HZ ticks)
        busy = sum(b[i] - a[i] for i in (0, 1, 2, 5, 6)) * 1000.0 / 100
        stat.setdefault(key, []).append(busy)
if fails or not bench:
    sys.exit("bench batch-cpu: " + ("; ".join(fails) or "no result from the guest"))
# Each (model, tag, round) ran twice (ABBA): QEMU's CPU time over each of
# its two intervals between marks, in order.
spans = {}
cur = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) != 6:
        continue
    key = tuple(f[2:5])
    if f[1] == "start":
        cur[key] = float(f[5])
    elif f[1] == "end" and key in cur and float(f[5]) >= 0 and cur[key] >= 0:
        spans.setdefault(key, []).append(float(f[5]) - cur.pop(key))
fig = {"note": "QEMU's own CPU time (host), per inference; compute-off NPU",
       "runs": runs, "warm": warm, "models": {}}
print("QEMU CPU ms per inference (the emulation's work, host-side); guest figures beside")
print("%-28s %6s %10s %10s %8s %22s %22s" % ("model", "round", "one by one", "batched",
      "b / o", "guest rusage o / b", "guest busy/QEMU o / b"))
for m in sorted({k[0] for k in bench}):
    rounds = sorted({int(k[2]) for k in bench if k[0] == m})
    per_o, per_b, rows = [], [], []
    for r in rounds:
        k1, k3, kb = (m, "off1", str(r)), (m, "off3", str(r)), (m, "both", str(r))
        if not all(k in spans and len(spans[k]) == 2 for k in (k1, k3, kb)):
            continue
        for i in range(2):
            # ABBA: off1[0] pairs with both[0] and off3[0], [1] with [1]
            o = (spans[k3][i] - spans[k1][i]) / (2.0 * runs)
            b = (spans[kb][i] - spans[k1][i]) / float(runs + warm)
            per_o.append(o)
            per_b.append(b)
        jb = bench[kb]
        jo = bench[k1] + bench[k3]
        ru_o = statistics.mean(j["unbatched"]["cpu_user_ms_per_inference"] +
                               j["unbatched"]["cpu_kernel_ms_per_inference"] for j in jo)
        ru_b = statistics.mean(j["batched"]["cpu_user_ms_per_inference"] +
                               j["batched"]["cpu_kernel_ms_per_inference"] for j in jb)
        ratio = lambda k: sum(stat[k]) / sum(spans[k])
        rows.append({"round": r, "qemu_ms_one_by_one": [round(x, 4) for x in per_o[-2:]],
                     "qemu_ms_batched": [round(x, 4) for x in per_b[-2:]],
                     "guest_rusage_ms_one_by_one": round(ru_o, 4),
                     "guest_rusage_ms_batched": round(ru_b, 4),
                     "guest_busy_over_qemu_off3": round(ratio(k3), 3),
                     "guest_busy_over_qemu_both": round(ratio(kb), 3),
                     "throughput_ratio": [round(j["throughput_ratio"], 3) for j in jb]})
        print("%-28s %6d %10.3f %10.3f %7.2fx %10.3f / %-9.3f %10.2f / %-9.2f" % (
              m, r, statistics.mean(per_o[-2:]), statistics.mean(per_b[-2:]),
              statistics.mean(per_b[-2:]) / statistics.mean(per_o[-2:]), ru_o, ru_b,
              ratio(k3), ratio(kb)))
    if not per_o:
        continue
    e = {"qemu_cpu_ms_per_inference_one_by_one": round(statistics.median(per_o), 4),
         "qemu_cpu_ms_per_inference_batched": round(statistics.median(per_b), 4),
         "rounds": rows}
    e["batched_over_one_by_one"] = round(e["qemu_cpu_ms_per_inference_batched"] /
                                         e["qemu_cpu_ms_per_inference_one_by_one"], 3)
    fig["models"][m] = e
    print("%-28s median QEMU CPU ms per inference: one by one %.3f, batched %.3f (%.2fx)" % (
          m, e["qemu_cpu_ms_per_inference_one_by_one"], e["qemu_cpu_ms_per_inference_batched"],
          e["batched_over_one_by_one"]))
with open(sys.argv[3], "w") as fh:
    json.dump(fig, fh, indent=2, sort_keys=True)
    fh.write("\n")
PY
