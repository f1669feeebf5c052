#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# System calls and submission overhead per inference, io_uring against the
# ioctl path (issue 14), in the VM: the int8 models of the test corpus
# (tests/vm/model-cases.sh) run with `edgeaictl bench --device auto` (whole
# on the NPU, but hand_landmark_lite's MEAN on the CPU), the devices in compute-off mode so that the library's and
# the kernel's own cost is what differs. System calls are counted exactly
# by tests/bench/syscount.c (ptrace, every thread), per inference as the
# difference between a 25-run and a 5-run bench over 20; latency is the
# median of 30 runs timed without ptrace, in ABBA rounds. Prints a table
# and writes $BENCH_OUT/syscalls.json. Needs `make all` and the oracle and
# models (npm); takes a few minutes.
set -u
. "$(dirname "$0")/lib.sh"
ctl=build/daemon/edgeaictl
bench_init bench-syscalls "$ctl" build/firmware/edgeai/npu.bin
tests/vm/model-cases.sh "$out/models" "$ctl"
if [ ! -f "$out/models/models.txt" ]; then
	echo "bench syscalls: no models or oracle (npm not reachable?): skipped"
	echo '{"skipped": "no models or oracle"}' > "$BENCH_OUT/syscalls.json"
	exit 0
fi
cc -O2 -std=gnu11 -Wall -Wextra -Werror -static -o "$out/syscount" tests/bench/syscount.c || exit 1
bench_boot tests/bench/init-syscalls.sh 900 "a few minutes" \
	--dir "$out/models" /lib/edgeai-models \
	--bin "$out/syscount" /usr/bin/syscount \
	--bin "$ctl" /usr/bin/edgeaictl

python3 - "$out/results.log" "$BENCH_OUT/syscalls.json" <<'PY'
import json, statistics, sys

# x86_64 numbers of the calls worth naming; the rest are summed as "other"
NAMES = {0: "read", 1: "write", 7: "poll", 16: "ioctl", 202: "futex",
         232: "epoll_wait", 270: "pselect6", 271: "ppoll", 426: "io_uring_enter",
         228: "clock_gettime", 9: "mmap", 11: "munmap"}
counts, lat, ovh, run, fails = {}, {}, {}, {}, []
for line in open(sys.argv[1]):
    f = line.split(None, 5)
    if len(f) >= 3 and f[:2] == ["bench", "fail"]:
        fails.append(line.strip())
    elif len(f) == 6 and f[:2] == ["bench", "sys"]:
        m, path, n, body = f[2], f[3], int(f[4]), f[5]
        c = {}
        for item in body.strip().split(";"):
            w = item.split()
            if len(w) == 3 and w[0] == "sys":
                c[int(w[1])] = int(w[2])
            elif len(w) == 3 and w[0] == "ioctl":
                c["ioctl " + w[1]] = int(w[2])
            elif len(w) == 2 and w[0] == "total":
                c["total"] = int(w[1])
        counts.setdefault(m, {}).setdefault(path, {})[n] = c
    elif len(f) == 6 and f[:2] == ["bench", "lat"] and f[5].strip() != "none":
        lat.setdefault(f[2], {}).setdefault(f[3], []).append(float(f[5]))
    elif len(f) == 6 and f[:2] == ["bench", "ovh"] and f[5].strip() != "none":
        ovh.setdefault(f[2], {}).setdefault(f[3], []).append(float(f[5]))
    elif len(f) == 6 and f[:2] == ["bench", "run"] and f[5].strip() != "none":
        run.setdefault(f[2], {}).setdefault(f[3], []).append(float(f[5]))
if fails:
    sys.exit("bench syscalls: " + "; ".join(fails))
if not counts:
    sys.exit("bench syscalls: no result from the guest")

res = {}
for m in sorted(counts):
    r = {}
    for path in ("uring", "ioctl"):
        c = counts[m].get(path, {})
        if 5 not in c or 25 not in c:
            sys.exit("bench syscalls: %s %s: counts missing" % (m, path))
        keys = set(c[5]) | set(c[25])
        per = {k: (c[25].get(k, 0) - c[5].get(k, 0)) / 20.0 for k in keys}
        named = {NAMES.get(k, k) if isinstance(k, int) else k: v for k, v in per.items()
                 if v and (not isinstance(k, int) or k in NAMES)}
        named["other"] = sum(v for k, v in per.items() if isinstance(k, int) and k not in NAMES)
        r[path] = {"syscalls_per_inference": per["total"],
                   "by_call": {k: round(v, 2) for k, v in sorted(named.items(), key=str) if v},
                   "median_ms": statistics.median(lat.get(m, {}).get(path, [float("nan")])),
                   "overhead_median_ms": statistics.median(ovh.get(m, {}).get(path, [float("nan")])),
                   "run_overhead_median_ms": statistics.median(run.get(m, {}).get(path, [float("nan")]))}
    r["syscalls_ratio_ioctl_vs_uring"] = r["ioctl"]["syscalls_per_inference"] / max(r["uring"]["syscalls_per_inference"], 1e-9)
    r["latency_ratio_ioctl_vs_uring"] = r["ioctl"]["median_ms"] / r["uring"]["median_ms"]
    r["overhead_ratio_ioctl_vs_uring"] = (r["ioctl"]["overhead_median_ms"] /
                                          r["uring"]["overhead_median_ms"])
    r["run_overhead_ratio_ioctl_vs_uring"] = (r["ioctl"]["run_overhead_median_ms"] /
                                              r["uring"]["run_overhead_median_ms"])
    res[m] = r
fig = {"note": "per inference of edgeaictl bench --device auto, compute off; syscalls "
               "counted with ptrace (25 runs minus 5 runs, over 20); latency: median "
               "of the round medians of 30 runs, ABBA rounds, without ptrace; overhead: "
               "the same of each run's latency less the device time of its jobs; run "
               "overhead: the same of edgeai_request_run() alone (submit to complete)",
       "models": res}
with open(sys.argv[2], "w") as fh:
    json.dump(fig, fh, indent=2, sort_keys=True)
    fh.write("\n")
print("per inference, --device auto, compute off: io_uring against ioctl")
print("%-28s %9s %9s %6s %9s %9s %6s %9s %9s %6s" % ("model", "sys uring", "sys ioctl",
      "ratio", "ms uring", "ms ioctl", "ratio", "ovh uring", "ovh ioctl", "ratio"))
for m, r in res.items():
    print("%-28s %9.2f %9.2f %5.2fx %9.3f %9.3f %5.2fx %9.3f %9.3f %5.2fx" % (m,
          r["uring"]["syscalls_per_inference"], r["ioctl"]["syscalls_per_inference"],
          r["syscalls_ratio_ioctl_vs_uring"], r["uring"]["median_ms"],
          r["ioctl"]["median_ms"], r["latency_ratio_ioctl_vs_uring"],
          r["uring"]["overhead_median_ms"], r["ioctl"]["overhead_median_ms"],
          r["overhead_ratio_ioctl_vs_uring"]))
    print("    run overhead (submit to complete) ms: uring %.3f ioctl %.3f ratio %.2fx" % (
          r["uring"]["run_overhead_median_ms"], r["ioctl"]["run_overhead_median_ms"],
          r["run_overhead_ratio_ioctl_vs_uring"]))
    for path in ("uring", "ioctl"):
        print("    %-6s %s" % (path, " ".join("%s=%g" % kv for kv in r[path]["by_call"].items())))
PY
