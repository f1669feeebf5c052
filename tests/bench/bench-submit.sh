#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# io_uring vs ioctl submit overhead in the VM (issue 5): the same tiny job
# (64-byte FILL, device in compute-off mode) through SUBMIT + WAIT and
# through IORING_OP_URING_CMD, interleaved in rounds (ABBA). Prints the
# median per-job microseconds of each method and their ratio, and writes
# $BENCH_OUT/submit.json. Needs `make all`; takes about a minute.
#
# The VM is QEMU TCG: every guest instruction is emulated, so the absolute
# microseconds are many times those of real hardware. The ratio, measured
# side by side in one boot, is the figure.
set -u
. "$(dirname "$0")/lib.sh"
bench_init bench-submit
cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -I/usr/include/libdrm \
	-Itests/kselftest -o "$out/edgeai-submit-bench" tests/bench/edgeai-submit-bench.c \
	-static -luring -lm || exit 1
bench_boot tests/bench/init-submit.sh 600 "about a minute" \
	--bin "$out/edgeai-submit-bench" /usr/bin/edgeai-submit-bench

python3 - "$out/results.log" "$BENCH_OUT/submit.json" <<'PY'
import json, sys
res = None
for line in open(sys.argv[1]):
    if line.startswith("bench submit "):
        txt = line.rstrip("\n").split(" ", 2)[2]
        try:
            res = json.loads(txt)
        except ValueError:
            sys.exit("bench submit: guest said: " + txt)
if res is None:
    sys.exit("bench submit: no result from the guest")
i, u, u1 = res["ioctl"], res["io_uring"], res["io_uring_1enter"]
fig = {
    "note": "QEMU TCG guest: absolute times are emulated-CPU times; compare the ratios",
    "job": res["job"],
    "rounds": res["rounds"],
    "jobs_per_method": i["jobs"],
    "ioctl_us_per_job": i["rt_median_us"],
    "io_uring_us_per_job": u["rt_median_us"],
    "ratio_us_per_job_uring_over_ioctl": round(res["ratio_rt_uring_over_ioctl"], 4),
    "ioctl_submit_call_us": i["submit_call_median_us"],
    "io_uring_submit_call_us": u["submit_call_median_us"],
    "ratio_submit_call_uring_over_ioctl": round(res["ratio_submit_call_uring_over_ioctl"], 4),
    "ioctl_overhead_us": i["overhead_median_us"],
    "io_uring_overhead_us": u["overhead_median_us"],
    "ratio_overhead_uring_over_ioctl": round(res["ratio_overhead_uring_over_ioctl"], 4),
    "burst_depth": res["burst_depth"],
    "ioctl_burst_us_per_job": i["burst_us_per_job"],
    "io_uring_burst_us_per_job": u["burst_us_per_job"],
    "ratio_burst_uring_over_ioctl": round(res["ratio_burst_uring_over_ioctl"], 4),
    "io_uring_1enter_setup": res["io_uring_1enter_setup"],
    "io_uring_1enter_us_per_job": u1["rt_median_us"],
    "io_uring_1enter_overhead_us": u1["overhead_median_us"],
    "ratio_us_per_job_uring1_over_ioctl": round(res["ratio_rt_uring1_over_ioctl"], 4),
    "ratio_overhead_uring1_over_ioctl": round(res["ratio_overhead_uring1_over_ioctl"], 4),
    "ratio_burst_uring1_over_ioctl": round(res["ratio_burst_uring1_over_ioctl"], 4),
    "raw": res,
}
with open(sys.argv[2], "w") as fh:
    json.dump(fig, fh, indent=2, sort_keys=True)
    fh.write("\n")
print("submit overhead per job, %s, %d rounds x %d jobs per method (ABBA)"
      % (res["job"], res["rounds"], res["jobs_per_round"]))
print("NOTE: QEMU TCG guest - absolute us are emulated-CPU times, many x real hardware;"
      " the ratios are the figures")
print("io_uring: submit, then wait (2 system calls); 1 enter: both in one io_uring_enter, "
      "ring %s" % res["io_uring_1enter_setup"])
print("%-40s %10s %10s %10s %12s %12s" % ("median per job", "ioctl", "io_uring", "1 enter",
                                          "uring/ioctl", "1enter/ioctl"))
for name, a, b, c in (
        ("submit -> completion seen (us)", i["rt_median_us"], u["rt_median_us"],
         u1["rt_median_us"]),
        ("  of which host overhead (rt - device)", i["overhead_median_us"],
         u["overhead_median_us"], u1["overhead_median_us"]),
        ("submitting syscall alone (us)", i["submit_call_median_us"], u["submit_call_median_us"],
         u1["submit_call_median_us"]),
        ("device time reported (us)", i["device_median_us"], u["device_median_us"],
         u1["device_median_us"]),
        ("burst of %d in flight, per job (us)" % res["burst_depth"], i["burst_us_per_job"],
         u["burst_us_per_job"], u1["burst_us_per_job"])):
    print("%-40s %10.1f %10.1f %10.1f %11.3fx %11.3fx" % (name, a, b, c, b / a if a else 0,
                                                         c / a if a else 0))
PY
