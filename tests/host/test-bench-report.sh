#!/bin/sh
# The bench report generator (tests/bench/report.py) on a small synthetic
# bench.json: the SVGs are well-formed XML (xml.etree) with the expected
# series (data-series), points placed by the data, axis labels with units
# and legends, and index.html shows them; a missing "timeline" section, a
# section the bench skipped, a malformed section and an unreadable file
# each give a clear message (no traceback) and the right exit status.
set -u
top=${EDGEAI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
py=${EDGEAI_PYTHON:-/usr/bin/python3}
report=$top/tests/bench/report.py
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
diag() { sed 's/^/# /' "$1"; }
echo "TAP version 13"

# gen FILE WHAT: a bench.json; WHAT: full, no-timeline, skipped, flat, malformed
gen() {
	"$py" - "$1" "$2" <<'PY'
import json, sys
path, what = sys.argv[1:]
t = [round(0.1 * i, 1) for i in range(1, 41)]
s0 = [0.75 + 0.3 / (i + 2) * (-1) ** i for i in range(40)]
lat = {'model': 'synthetic (int8)', 'note': 'made up by the test', 'devices': {
    'cpu': {'samples_ms': [10.0 + (i % 7) * 0.5 for i in range(30)]},
    'npu': {'samples_ms': [2.0 + (i % 5) * 0.1 for i in range(20)]},
    'dsp': {'error': 'edgeaictl: m.tflite: --device dsp: op 0 (CONV_2D) cannot run'},
    'auto': {'samples_ms': [2.5 + (i % 3) * 0.2 for i in range(25)]}}}
share = {'device': 'dsp', 'weights': [300, 100], 'entitled': [0.75, 0.25], 'period_ms': 100,
         't_s': t, 'share': [s0, [round(1 - x, 5) for x in s0]]}
state = [0] * 10 + [1, 2, 3, 3, 3, 3, 2, 1] + [0] * 22
freq = [800 - 200 * x for x in state]
thermal = {'device': 'npu', 'period_ms': 100, 'passive_c': 85.0, 'critical_c': 100.0,
           'max_state': 3, 'max_freq_mhz': 800.0, 'min_freq_mhz': 200.0, 't_s': t,
           'temp_c': [50 + i for i in range(40)],
           'forced_c': [None] * 8 + [81.0 + i for i in range(10)] + [None] * 22,
           'cur_freq_mhz': freq, 'cooling_state': state}
b = {'kernel': {'fairness_jain_4_equal': 0.9991, 'raw': {'hidden': 1}},
     'timeline': {'latency': lat, 'share': share, 'thermal': thermal}}
if what == 'no-timeline':
    del b['timeline']
elif what == 'skipped':
    b['timeline']['latency'] = {'skipped': 'no models (npm not reachable?)'}
elif what == 'flat':
    lat['devices'] = {'cpu': {'samples_ms': [10.0] * 5}, 'npu': {'samples_ms': [10.0]}}
    thermal['cooling_state'] = [0] * 40
    thermal['cur_freq_mhz'] = [800.0] * 40
elif what == 'malformed':
    del b['timeline']['share']['share']
    b['timeline']['thermal']['temp_c'] = 'hot'
json.dump(b, open(path, 'w'))
PY
}

gen "$tmp/full.json" full
"$py" "$report" "$tmp/full.json" "$tmp/out" > "$tmp/stdout" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q "^report: $tmp/out/index.html (latency.svg, share.svg, thermal.svg)" "$tmp/stdout"
ok $? "report on a full bench.json: exit 0, names the three plots"
diag "$tmp/err"
grep -q "^report: latency: not plotted, dsp: edgeaictl: m.tflite: --device dsp" "$tmp/err"
ok $? "a device that could not run the model is said, with edgeaictl's reason"

"$py" - "$tmp/out" "$tmp/full.json" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
out, src = sys.argv[1:]
b = json.load(open(src))['timeline']
NS = '{http://www.w3.org/2000/svg}'
bad = []


def check(cond, what):
    print('# %s - %s' % ('ok' if cond else 'FAIL', what))
    if not cond:
        bad.append(what)


def load(name):
    root = ET.parse('%s/%s.svg' % (out, name)).getroot()   # raises on malformed XML
    check(root.tag == NS + 'svg', '%s.svg: an <svg> root in the SVG namespace' % name)
    lines = {}
    for pl in root.iter(NS + 'polyline'):
        pts = [tuple(map(float, p.split(','))) for p in pl.get('points').split()]
        lines.setdefault(pl.get('data-series'), []).extend(pts)
    text = [t.text or '' for t in root.iter(NS + 'text')]
    return lines, text


def falls_when_rises(pts, vals):
    """SVG y grows downwards: a larger value is drawn higher (smaller y)."""
    return all((vals[i] - vals[j]) * (pts[i][1] - pts[j][1]) <= 1e-9
               for i in range(len(vals)) for j in range(i))


lines, text = load('latency')
check(sorted(lines) == ['auto', 'cpu', 'npu'], 'latency: the series cpu, npu, auto, no dsp')
for d in ('cpu', 'npu', 'auto'):
    n = len(b['latency']['devices'][d]['samples_ms'])
    check(len(lines[d]) == 2 * n, 'latency %s: a CDF step per sample (%d)' % (d, n))
    ys = [p[1] for p in lines[d]]
    check(ys == sorted(ys, reverse=True), 'latency %s: the CDF never falls' % d)
check(max(p[0] for p in lines['npu']) < min(p[0] for p in lines['cpu']),
      'latency: the faster device is drawn to the left')
check('latency per inference (ms, log scale)' in text and 'fraction of runs (CDF)' in text,
      'latency: axis labels with units')
check(any(t.startswith('cpu: median 11') for t in text), 'latency: legend with the median')
check(any('not plotted, dsp:' in t for t in text), 'latency: the dsp error is on the picture')

lines, text = load('share')
check(sorted(lines) == ['client0', 'client1', 'entitled0', 'entitled1'],
      'share: two clients and their entitled lines')
for i in (0, 1):
    v = b['share']['share'][i]
    check(len(lines['client%d' % i]) == len(v), 'share client %d: a point per sample' % i)
    check(falls_when_rises(lines['client%d' % i], v), 'share client %d: placed by value' % i)
check(lines['entitled0'][0][1] < lines['entitled1'][0][1], 'share: 0.75 is above 0.25')
check('client 0, weight 300: share' in text and 'client 1: entitled 0.25' in text,
      'share: legend names weights and entitlements')
check('cumulative share of device time' in text and
      'time since both clients started (s)' in text, 'share: axis labels')

lines, text = load('thermal')
check(sorted(lines) == ['forced', 'freq', 'passive', 'state', 'temp'],
      'thermal: temperature, forced, passive trip, cooling state, clock')
check(len(lines['temp']) == 40 and falls_when_rises(lines['temp'], b['thermal']['temp_c']),
      'thermal: temperature a point per sample, placed by value')
check(len(lines['forced']) == 10, 'thermal: the forced series only where forced')
fr = [p[1] for p in lines['freq']]
check(max(fr) > min(fr) and len(fr) == 2 * 40 - 1, 'thermal: the clock steps down and up')
check('temperature (°C)' in text and 'clock (MHz)' in text and 'cooling state' in text,
      'thermal: axis labels with units')
check('passive trip 85 °C' in text, 'thermal: the passive trip in the legend')

idx = open(out + '/index.html').read()
check(all('src="%s.svg"' % n in idx for n in ('latency', 'share', 'thermal')),
      'index.html shows the three plots')
check('fairness_jain_4_equal' in idx and 'hidden' not in idx,
      'index.html lists the other sections\' figures (not raw)')
sys.exit(1 if bad else 0)
PY
ok $? "the SVGs parse as XML and hold the expected series, placed by the data, with labels and legends"

gen "$tmp/none.json" no-timeline
"$py" "$report" "$tmp/none.json" "$tmp/out2" > "$tmp/stdout" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(grep -c 'has no "timeline" section (run tests/bench/bench-timeline.sh' "$tmp/err")" -eq 3 ] &&
	! grep -q Traceback "$tmp/err" && [ -f "$tmp/out2/index.html" ] && ! ls "$tmp/out2"/*.svg > /dev/null 2>&1
ok $? "no timeline section: exit 1, one clear line per plot, no traceback, index.html without plots"
diag "$tmp/err"

gen "$tmp/skip.json" skipped
"$py" "$report" "$tmp/skip.json" "$tmp/out3" > "$tmp/stdout" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q "^report: no latency plot: the bench skipped it: no models" "$tmp/err" &&
	[ ! -e "$tmp/out3/latency.svg" ] && [ -s "$tmp/out3/share.svg" ] && [ -s "$tmp/out3/thermal.svg" ]
ok $? "a section the bench skipped: said, not an error; the other plots are drawn"

gen "$tmp/flat.json" flat
"$py" "$report" "$tmp/flat.json" "$tmp/out6" > "$tmp/stdout" 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] &&
	"$py" -c 'import sys, xml.etree.ElementTree as E; [E.parse(f) for f in sys.argv[1:]]' \
		"$tmp/out6/latency.svg" "$tmp/out6/thermal.svg"
ok $? "flat series (equal latencies, one sample, a constant clock): drawn, no error"
diag "$tmp/err"

gen "$tmp/bad.json" malformed
"$py" "$report" "$tmp/bad.json" "$tmp/out4" > "$tmp/stdout" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q '^report: no share plot: .*timeline.share has no "share"' "$tmp/err" &&
	grep -q '^report: no thermal plot: .*"temp_c" is not a non-empty list' "$tmp/err" &&
	! grep -q Traceback "$tmp/err" && [ -s "$tmp/out4/latency.svg" ]
ok $? "malformed sections: exit 1 naming the member, no traceback; the good plot is drawn"
diag "$tmp/err"

"$py" "$report" "$tmp/nonexistent.json" "$tmp/out5" > "$tmp/stdout" 2> "$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^report: cannot read $tmp/nonexistent.json" "$tmp/err" && ! grep -q Traceback "$tmp/err"
ok $? "an unreadable bench.json: exit 1 with the path, no traceback"

echo "1..$n"
exit $fail
