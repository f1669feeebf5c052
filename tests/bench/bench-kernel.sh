#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel benchmarks in the VM (issue 6): fairness (Jain's index of 4 equal
# clients), weighted share error (3:1), isolation (high-priority p99 alone
# vs with 3 saturating clients), thermal (peak over the passive trip,
# throughput kept while throttled), power (idle-to-first-job latency and
# time suspended over an idle minute). Prints a table and writes
# $BENCH_OUT/kernel.json. Needs `make all`; takes about 3 minutes.
set -u
. "$(dirname "$0")/lib.sh"
bench_init bench
cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -I/usr/include/libdrm \
	-Itests/kselftest -o "$out/edgeai-bench" tests/bench/edgeai-bench.c -static -lm || exit 1
bench_boot tests/bench/init-bench.sh 600 "about 3 minutes" \
	--bin "$out/edgeai-bench" /usr/bin/edgeai-bench

python3 - "$out/results.log" "$BENCH_OUT/kernel.json" <<'PY'
import json, sys
res = {}
for line in open(sys.argv[1]):
    if line.startswith("bench "):
        _, name, js = line.rstrip("\n").split(" ", 2)
        res[name] = json.loads(js)
f, w, i, t, p = (res[k] for k in ("fairness", "weighted", "isolation", "thermal", "power"))
fig = {
    "fairness_jain_4_equal": round(f["jain"], 5),
    "weighted_3_1_share_error_pct": round(w["max_share_error_pct"], 3),
    "isolation_p99_ratio": round(i["ratio"], 3),
    "isolation_solo_p99_ns": i["solo_p99_ns"],
    "isolation_loaded_p99_ns": i["loaded_p99_ns"],
    "isolation_longest_job_ns": i["longest_job_ns"],
    "isolation_within_bound": i["within_bound"],
    "thermal_peak_over_passive_c": round(t["peak_over_passive_mc"] / 1000, 2),
    "thermal_throughput_kept": round(t["throughput_kept"], 4),
    "power_first_job_suspended_us": round(p["first_job_suspended_ns"] / 1000, 1),
    "power_first_job_active_us": round(p["first_job_active_ns"] / 1000, 1),
    "power_suspended_fraction_idle_minute": round(p["suspended_fraction"], 4),
    "raw": res,
}
with open(sys.argv[2], "w") as fh:
    json.dump(fig, fh, indent=2, sort_keys=True)
    fh.write("\n")
rows = [
    ("fairness: Jain, 4 equal clients", fig["fairness_jain_4_equal"], ">= 0.99"),
    ("weighted 3:1: share error %", fig["weighted_3_1_share_error_pct"], "<= 5"),
    ("isolation: HP p99 loaded/solo", fig["isolation_p99_ratio"],
     "<= 1.5x + longest job (%s)" % ("met" if i["within_bound"] else "MISSED")),
    ("isolation: longest BE job us", round(i["longest_job_ns"] / 1000, 1), "bound term"),
    ("thermal: peak - passive C", fig["thermal_peak_over_passive_c"], "<= 2"),
    ("thermal: throughput kept", fig["thermal_throughput_kept"], "ratio"),
    ("power: first job, suspended us", fig["power_first_job_suspended_us"], ""),
    ("power: first job, active us", fig["power_first_job_active_us"], ""),
    ("power: suspended share, idle min", fig["power_suspended_fraction_idle_minute"], ""),
]
for name, v, goal in rows:
    print("%-36s %12s   %s" % (name, v, goal))
PY
