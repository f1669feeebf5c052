#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Dynamic batching in the VM (issue 14, uAPI 1.6): 8 application threads
# (BATCH_CONCURRENCY) each keep one request of a model in flight on the
# NPU (the two face detection models of the corpus, and mlp_weights: a
# dense model written by tests/models/mlp_weights.py whose device time is
# its 10 MiB of weights, the kind of program batching is for), `edgeaictl bench --concurrency 8 --batch 8`,
# batching off and on in rounds off, on, on, off in one run, so the two
# are side by side: throughput (inferences/s) and latency p50/p95/p99 of
# each, and the driver's count of jobs run in batches (fdinfo and sysfs).
# The devices are in compute-off mode (jobs take their modelled device
# time, the host does not execute them: under TCG the emulation of the
# ops takes seconds per inference and would hide everything else), the
# NPU clock pinned at 600 MHz (devfreq would follow the load, which
# differs between the modes). BATCH_RUNS (800) timed runs, half per mode;
# BATCH_MODELS, BATCH_CONCURRENCY (8), BATCH_MAX (the batch limit, default
# the concurrency) and BATCH_WAIT_US change the rest.
# Besides the wall-clock figures, the device time per inference of each
# mode (what each request is charged: a batch's time shared equally) says
# what batching saves on the device by the timing model (one start-up cost
# per device job, the weights read once per batch); on the emulated host
# the library's and the kernel's own work per request weighs more:
# edgeaictl's CPU time per inference (user and kernel, all its threads)
# says how much. That figure is the guest's charge, not the host's work:
# under -accel tcg,thread=single -smp 2 a thread is charged while its vCPU
# waits for QEMU to run the other one, which the bursts of a batch
# completing make frequent (bench-batch-cpu.sh reads QEMU's own CPU time
# per inference instead: batched no higher than one by one).
# What the throughput ratio can reach: with BATCH_MAX = BATCH_CONCURRENCY
# every request in flight is in the one batch, so the host's work on a
# batch's results and the device's time for the next batch cannot
# overlap: per inference the batched mode takes at least host + device
# (h + d_b), one by one at most h + d_u, and the ratio stays below
# (h + d_u) / (h + d_b) < d_u / d_b, the device-time ratio printed
# below (about 1.05 and 1.1 for the face detection models by the timing
# model: they are compute-bound, a batch saves the start-up overhead and
# the weight reads only; about 7.6 for mlp_weights, whose time is the
# weight reads). A BATCH_MAX below the concurrency lets batches
# of different requests alternate on the device while the host works.
# Then the same load from BATCH_CONCURRENCY processes of one thread each:
# the driver gives them one program object (uAPI 1.7), so every batch is
# of jobs of several processes; their throughputs summed, batching off
# and on (each process runs the same rounds; they start together).
# Targets: batched throughput at least 1.5x one by one; batched p99 within
# the configured bound, one-by-one p99 plus batch_wait_us
# (BATCH_WAIT_US, default 5000) -- what batching may add to a request.
# Writes $BENCH_OUT/batch.json. Needs `make all` and the models (npm);
# takes a few minutes.
#
# The VM is QEMU TCG: absolute times are those of an emulated CPU; the
# ratios, measured in one boot, are the figures.
set -u
. "$(dirname "$0")/lib.sh"
ctl=build/daemon/edgeaictl
bench_init bench-batch "$ctl" build/firmware/edgeai/npu.bin
models=$(tests/models/fetch.sh) || models=
if [ -z "$models" ]; then
	echo "bench batch: no models (npm not reachable?): skipped"
	echo '{"skipped": "no models"}' > "$BENCH_OUT/batch.json"
	exit 0
fi
# Models of the corpus that run whole on the NPU (one job per inference),
# and mlp_weights, written by tests/models/mlp_weights.py: a dense model
# whose device time is its weights, which a batch reads once.
# shellcheck disable=SC2086
bench_models "$models" ${BATCH_MODELS:-face_detection_short_range face_detection_full_range mlp_weights}
conc=${BATCH_CONCURRENCY:-8}
wait_us=${BATCH_WAIT_US:-5000}
echo "$conc ${BATCH_RUNS:-800} $wait_us ${BATCH_MAX:-$conc}" > "$out/params"
bench_boot tests/bench/init-batch.sh 1500 "a few minutes" \
	--dir "$out/models" /lib/edgeai-models \
	--file "$out/params" /etc/edgeai-bench-batch \
	--bin "$ctl" /usr/bin/edgeaictl

python3 - "$out/results.log" "$BENCH_OUT/batch.json" "$wait_us" <<'PY'
import json, sys
wait_ms = int(sys.argv[3]) / 1000.0
res, sysfs, fails, procs = {}, {}, [], {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split(" ", 4)
    if len(f) == 5 and f[:2] == ["bench", "batch-proc"]:
        try:
            procs.setdefault(f[2], []).append(json.loads(f[4]))
        except ValueError:
            fails.append("%s process %s: guest said: %s" % (f[2], f[3], f[4]))
        continue
    if len(f) == 5 and f[:2] == ["bench", "batch"]:
        try:
            res[(f[2], f[3])] = json.loads(f[4])
        except ValueError:
            fails.append("%s %s: guest said: %s" % (f[2], f[3], f[4]))
    elif len(f) == 5 and f[:2] == ["bench", "batch-sysfs"]:
        v = [int(x) for x in f[4].split()]
        sysfs[(f[2], f[3])] = v
if fails or not res:
    sys.exit("bench batch: " + ("; ".join(fails) or "no result from the guest"))
fig = {"note": "QEMU TCG guest, NPU, compute off (modelled device time): absolute times are "
               "emulated-CPU times; compare the ratios. Rounds off, on, on, off in one run.",
       "target_throughput_ratio": 1.5, "models": {}}
print("%d threads, each one request in flight, NPU; batching off/on side by side, "
      "batch_max %d, batch_wait_us %d" % (next(iter(res.values()))["concurrency"],
                                           next(iter(res.values()))["batch_max"],
                                           next(iter(res.values()))["batch_wait_us"]))
print("NOTE: QEMU TCG guest - absolute times are emulated-CPU times; the ratios are the figures")
print("%-44s %-11s %11s %9s %9s %9s %10s %8s %8s %s" % ("model", "mode", "infer/s", "p50 ms",
      "p95 ms", "p99 ms", "device ms", "tput x", "p99 x", "batched jobs / runs"))
for (mode, m), r in sorted(res.items()):
    u, b = r["unbatched"], r["batched"]
    c0j, c0b, c0k, c0t, c1j, c1b, c1k, c1t = sysfs.get((mode, m), [0] * 8)
    jobs, bjobs, batches = c1j - c0j, c1b - c0b, c1k - c0k
    runs = u["runs"] + b["runs"] + 2 * r["warmup"]
    bound = u["p99_ms"] + r["batch_wait_us"] / 1000.0
    e = {"unbatched": u, "batched": b, "throughput_ratio": round(r["throughput_ratio"], 3),
         "p99_ratio": round(r["p99_ratio"], 3),
         "device_time_ratio_unbatched_over_batched": round(r["device_time_ratio"], 3),
         "npu_busy_ms": round((c1t - c0t) / 1000.0, 3),
         "p99_bound_ms": round(bound, 3), "p99_within_bound": b["p99_ms"] <= bound,
         "jobs_per_inference": round(jobs / runs, 2),
         "device_jobs_per_inference": round((jobs - bjobs + batches) / runs, 3),
         "jobs_in_batches": bjobs, "batches": batches,
         "mean_batch": round(bjobs / batches, 2) if batches else 0,
         "meets_throughput_target": r["throughput_ratio"] >= 1.5,
         "placement_devices": sorted({p["device"] for p in r["placement"]})}
    fig["models"].setdefault(m, {})[mode] = e
    for name, x in (("one by one", u), ("batched", b)):
        print("%-44s %-11s %11.1f %9.3f %9.3f %9.3f %10.4f" % (
              m if name == "one by one" else "", name, x["throughput_per_s"], x["p50_ms"],
              x["p95_ms"], x["p99_ms"], x["device_ms_per_inference"]), end="")
        if name == "batched":
            print(" %7.2fx %7.2fx %d/%d" % (r["throughput_ratio"], r["p99_ratio"],
                  b.get("batched_jobs", -1), b["runs"]))
        else:
            print()
    print("%28s p99 %.3f ms %s the bound %.3f ms (one by one + batch_wait_us); "
          "%d jobs in %d batches (mean %.2f);\n%28s %.2f jobs/inference; one by one takes "
          "%.2fx the device time per inference; devices %s" % (
          "", b["p99_ms"], "within" if e["p99_within_bound"] else "OVER", bound,
          bjobs, batches, e["mean_batch"], "", e["jobs_per_inference"],
          r["device_time_ratio"], ",".join(e["placement_devices"])))
    # Where the wall time goes: edgeaictl's CPU time per inference (the
    # library and its system calls, all threads) against the NPU's.
    if "cpu_user_ms_per_inference" in u:
        print("%28s CPU ms per inference (user + kernel): one by one %.3f + %.3f, batched "
              "%.3f + %.3f; NPU %.4f and %.4f; wall per inference %.3f and %.3f" % (
              "", u["cpu_user_ms_per_inference"], u["cpu_kernel_ms_per_inference"],
              b["cpu_user_ms_per_inference"], b["cpu_kernel_ms_per_inference"],
              u["device_ms_per_inference"], b["device_ms_per_inference"],
              u["wall_ms"] / u["runs"], b["wall_ms"] / b["runs"]))
# The same load from one-thread processes: a batch is of several processes.
if procs:
    print("\n%d processes of one thread each (one program object in the driver), batching off/on"
          % len(next(iter(procs.values()))))
    print("%-44s %11s %11s %8s %12s %s" % ("model", "off infer/s", "on infer/s", "tput x",
                                          "on p99 ms", "jobs in batches / batches"))
for m, ps in sorted(procs.items()):
    off = sum(p["unbatched"]["throughput_per_s"] for p in ps)
    on = sum(p["batched"]["throughput_per_s"] for p in ps)
    p99 = max(p["batched"]["p99_ms"] for p in ps)
    c0j, c0b, c0k, c0t, c1j, c1b, c1k, c1t = sysfs.get(("processes", m), [0] * 8)
    bjobs, batches = c1b - c0b, c1k - c0k
    per_proc = [p["batched"].get("batched_jobs", -1) for p in ps]
    e = {"processes": len(ps), "throughput_unbatched_per_s": round(off, 1),
         "throughput_batched_per_s": round(on, 1),
         "throughput_ratio": round(on / off, 3) if off else 0,
         "batched_p99_ms_worst_process": p99, "jobs_in_batches": bjobs, "batches": batches,
         "batched_jobs_per_process": per_proc,
         "note": "sum of each process's throughput in its own rounds (off, on, on, off); "
                 "the processes start together and run the same rounds, so their rounds "
                 "overlap but not exactly"}
    fig.setdefault("processes", {})[m] = e
    print("%-44s %11.1f %11.1f %7.2fx %12.3f %d / %d; per process %s" % (
          m, off, on, e["throughput_ratio"], p99, bjobs, batches,
          " ".join(str(x) for x in per_proc)))
with open(sys.argv[2], "w") as fh:
    json.dump(fig, fh, indent=2, sort_keys=True)
    fh.write("\n")
PY
