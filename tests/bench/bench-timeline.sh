#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The series behind the plots of the bench report (tests/bench/report.py),
# measured in the VM on the real module:
#   latency  every timed run of `edgeaictl bench --latencies` on BlazeFace
#            (face_detection_short_range of the corpus, quantized by
#            edgeaictl) with --device cpu, npu, dsp and auto; a device that
#            cannot run the model alone is recorded with edgeaictl's reason
#   share    two clients of weights 300:100 saturating the DSP, their
#            cumulative device-time shares from fdinfo (drm-engine-dsp)
#            every 100 ms, and the entitled shares
#   thermal  full load on the NPU while force_temp_mc ramps 4 C over the
#            passive trip and 8 C below it: the zone's temperature, the
#            cooling device's state and devfreq's cur_freq every 100 ms
# Prints a summary and writes $BENCH_OUT/timeline.json. Needs `make all`
# (and the models from npm for the latency series: skipped without them);
# takes a few minutes.
set -u
. "$(dirname "$0")/lib.sh"
ctl=${EDGEAICTL:-build/daemon/edgeaictl}
bench_init bench-timeline "$ctl" build/firmware/edgeai/npu.bin
cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -I/usr/include/libdrm \
	-Itests/kselftest -o "$out/edgeai-bench" tests/bench/edgeai-bench.c -static -lm || exit 1
model=face_detection_short_range
rm -rf "$out/models" && mkdir -p "$out/models"
if models=$(tests/models/fetch.sh 2> "$out/fetch.log"); then
	"$ctl" -q quantize "$models/$model.tflite" -o "$out/models/model.tflite" \
		--samples 8 --seed 1 > /dev/null 2> "$out/quantize.log" ||
		{ echo "bench timeline: quantize $model failed: $(tail -n 1 "$out/quantize.log")" >&2; exit 1; }
else
	echo "bench timeline: no models (npm not reachable?): no latency series"
fi
bench_boot tests/bench/init-timeline.sh 1200 "a few minutes" \
	--dir "$out/models" /lib/edgeai-models \
	--bin "$ctl" /usr/bin/edgeaictl \
	--bin "$out/edgeai-bench" /usr/bin/edgeai-bench

python3 - "$out/results.log" "$BENCH_OUT/timeline.json" "$model" <<'PY'
import json, sys
log, dest, model = sys.argv[1:]
lat, err, share, thermal = {}, {}, None, None
for line in open(log):
    f = line.rstrip('\n').split(' ', 3)
    if len(f) < 3 or f[0] != 'bench':
        continue
    if f[1] == 'samples':
        lat[f[2]] = [float(x) for x in f[3].split(',')] if len(f) > 3 and f[3] else []
    elif f[1] == 'error':
        err[f[2]] = f[3] if len(f) > 3 else 'failed'
    elif f[1] in ('share', 'thermal'):
        try:
            js = json.loads(' '.join(f[2:]))
        except ValueError:
            sys.exit('bench timeline: %s: not JSON: %s' % (f[1], ' '.join(f[2:])[:300]))
        if f[1] == 'share':
            share = js
        else:
            thermal = js
if share is None or thermal is None:
    sys.exit('bench timeline: no share or thermal series from the guest')


def pct(v, p):
    v = sorted(v)
    k = p / 100 * (len(v) - 1)
    lo = int(k)
    return v[lo] if lo + 1 >= len(v) else v[lo] + (v[lo + 1] - v[lo]) * (k - lo)


fig = {}
if lat or err:
    devs = {}
    for d in ('cpu', 'npu', 'dsp', 'auto'):
        if d in lat and lat[d]:
            s = lat[d]
            devs[d] = {'samples_ms': s, 'median_ms': round(pct(s, 50), 4),
                       'p99_ms': round(pct(s, 99), 4), 'min_ms': min(s), 'max_ms': max(s)}
        elif d in err:
            devs[d] = {'error': err[d]}
    fig['latency'] = {'model': model + ' (BlazeFace, int8)',
                      'note': 'edgeaictl bench --latencies in the VM (TCG): simulated devices',
                      'devices': devs}
else:
    fig['latency'] = {'skipped': 'no models (npm not reachable?)'}

w = share['weights']
tot = [a + b for a, b in zip(share['engine_ns_0'], share['engine_ns_1'])]
fig['share'] = {
    'device': share['device'], 'weights': w, 'period_ms': share['period_ms'],
    'entitled': [round(x / sum(w), 5) for x in w],
    't_s': [t / 1000 for t in share['t_ms']],
    'share': [[round(e / t, 5) if t > 0 else None for e, t in zip(share[k], tot)]
              for k in ('engine_ns_0', 'engine_ns_1')],
    'engine_ns': [share['engine_ns_0'], share['engine_ns_1']],
}
th = thermal
fig['thermal'] = {
    'device': th['device'], 'period_ms': th['period_ms'],
    'passive_c': th['passive_mc'] / 1000, 'critical_c': th['critical_mc'] / 1000,
    'max_state': th['max_state'], 'max_freq_mhz': th['max_freq_hz'] / 1e6,
    'min_freq_mhz': th['min_freq_hz'] / 1e6,
    't_s': [t / 1000 for t in th['t_ms']],
    'temp_c': [t / 1000 for t in th['temp_mc']],
    'forced_c': [t / 1000 if t else None for t in th['forced_mc']],
    'cur_freq_mhz': [f / 1e6 for f in th['cur_freq_hz']],
    'cooling_state': th['cooling_state'],
}
t = fig['thermal']
fq, st = t['cur_freq_mhz'], t['cooling_state']
fmax, low = max(fq), min(fq)
# throttled: the cooling device acted and the clock went below the top;
# recovered: after its last non-zero state the clock was at the top again
last_hot = max((i for i, s in enumerate(st) if s > 0), default=None)
t['throttled'] = last_hot is not None and min(fq[i] for i, s in enumerate(st) if s > 0) < fmax
t['recovered'] = last_hot is not None and st[-1] == 0 and fmax in fq[last_hot + 1:]
with open(dest, 'w') as fh:
    json.dump(fig, fh, indent=1, sort_keys=True)
    fh.write('\n')

if 'devices' in fig['latency']:
    for d, v in fig['latency']['devices'].items():
        if 'error' in v:
            print('latency %-4s  %s' % (d, v['error']))
        else:
            print('latency %-4s  median %8.3f ms  p99 %8.3f ms  (%d runs)'
                  % (d, v['median_ms'], v['p99_ms'], len(v['samples_ms'])))
s = fig['share']
print('share 3:1     final %.3f / %.3f, entitled %.3f / %.3f (%d samples)'
      % (s['share'][0][-1], s['share'][1][-1], s['entitled'][0], s['entitled'][1], len(s['t_s'])))
print('thermal       passive %.1f C, clock %.0f..%.0f MHz, cooling state up to %d; '
      'throttled: %s, recovered: %s' % (t['passive_c'], low, fmax, max(t['cooling_state']),
                                         t['throttled'], t['recovered']))
PY
