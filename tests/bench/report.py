#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The pictures of `make bench`: build/bench.json -> build/bench/report/.

    tests/bench/report.py [BENCH_JSON [OUTDIR]]
        (default build/bench.json and build/bench/report)

Writes, from the "timeline" section (tests/bench/bench-timeline.sh):
  latency.svg  per-inference latency of the corpus model on each device
               (cpu, npu, dsp, auto) as a cumulative distribution
  share.svg    two clients of weights 3:1 on one device: their cumulative
               device-time shares over time against the entitled shares
  thermal.svg  temperature (the zone's, and the value forced), the cooling
               device's state and the clock over time under full load
and index.html showing them, with the scalar figures of the other sections.
SVG is written directly (standard library only): axes, ticks, labels with
units, a legend. Every series is a <polyline> (or <path>) with a
data-series attribute naming it.

Exit status: 0 when every plot was drawn (a section the bench itself
skipped, e.g. no models offline, is said on stderr and in the page but is
not an error); 1 when bench.json is unreadable, a section is missing or
malformed (one clear line on stderr each, no traceback); the other plots
and index.html are still written.
"""
import html
import json
import math
import os
import sys

PROG = 'report'
W, H = 720, 440
COLORS = ('#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b')
FONT = 'font-family="sans-serif"'


class Missing(Exception):
    """A section or member the plot needs is not in bench.json."""


def esc(s):
    return html.escape(str(s), quote=True)


def fmt(v):
    """A tick label: no needless zeros."""
    if v == 0:
        return '0'
    if abs(v) >= 1000 or abs(v) < 0.01:
        return '%g' % v
    return ('%.3f' % v).rstrip('0').rstrip('.')


def nice_ticks(lo, hi, n=6):
    """About @n round ticks (1, 2, 5 x 10^k steps) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks, t = [], first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi:
        ticks.append(round(t, 10))
    return ticks


def log_ticks(lo, hi):
    """1, 2, 5 x 10^k ticks covering [lo, hi] (lo > 0)."""
    ticks = []
    k = math.floor(math.log10(lo))
    while True:
        for m in (1, 2, 5):
            t = m * 10 ** k
            if t >= lo / 5 and (not ticks or ticks[-1] < hi):
                ticks.append(t)
        if ticks and ticks[-1] >= hi:
            break
        k += 1
    # keep the last tick below lo and the first above hi as the ends
    while len(ticks) > 2 and ticks[1] <= lo:
        ticks.pop(0)
    if len(ticks) < 2:      # every sample the same
        ticks.append(ticks[-1] * (2.5 if str(ticks[-1])[0] == '2' else 2))
    return ticks


class Panel:
    """One plot area of an SVG: axes, ticks, series, legend."""

    def __init__(self, svg, box, xrange_, yrange, xlabel, ylabel, xlog=False, yticks=None,
                 xticks=None):
        self.svg, (self.x0, self.y0, self.w, self.h) = svg, box
        self.xlog = xlog
        if xlog:
            self.xt = xticks or log_ticks(*xrange_)
        else:
            self.xt = xticks or nice_ticks(*xrange_, n=9)
        self.yt = yticks or nice_ticks(*yrange)
        self.xmin, self.xmax = self.xt[0], self.xt[-1]
        self.ymin, self.ymax = self.yt[0], self.yt[-1]
        self.legend = []
        self.drawn = []     # every point drawn, in pixels, for the legend's place
        out = svg.out
        out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="white" '
                   'stroke="#444" stroke-width="1"/>' % (self.x0, self.y0, self.w, self.h))
        for t in self.xt:
            x = self.px(t)
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>'
                       % (x, self.y0, x, self.y0 + self.h))
            out.append('<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" %s>%s</text>'
                       % (x, self.y0 + self.h + 14, FONT, esc(fmt(t))))
        for t in self.yt:
            y = self.py(t)
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>'
                       % (self.x0, y, self.x0 + self.w, y))
            out.append('<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" %s>%s</text>'
                       % (self.x0 - 5, y + 4, FONT, esc(fmt(t))))
        out.append('<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" %s>%s</text>'
                   % (self.x0 + self.w / 2, self.y0 + self.h + 30, FONT, esc(xlabel)))
        cy = self.y0 + self.h / 2
        out.append('<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" %s '
                   'transform="rotate(-90 %.1f %.1f)">%s</text>'
                   % (self.x0 - 44, cy, FONT, self.x0 - 44, cy, esc(ylabel)))

    def px(self, x):
        if self.xlog:
            x = max(x, self.xmin)
            f = (math.log10(x) - math.log10(self.xmin)) / (math.log10(self.xmax) -
                                                             math.log10(self.xmin))
        else:
            f = (x - self.xmin) / ((self.xmax - self.xmin) or 1)
        return self.x0 + f * self.w

    def py(self, y):
        return self.y0 + self.h - (y - self.ymin) / ((self.ymax - self.ymin) or 1) * self.h

    def line(self, name, label, xs, ys, color, dash=None, step=False, width=1.8):
        """A series; None values break the line."""
        pts, runs = [], []
        prev = None
        for x, y in zip(xs, ys):
            if x is None or y is None:
                if pts:
                    runs.append(pts)
                pts, prev = [], None
                continue
            if step and prev is not None:
                pts.append((self.px(x), self.py(prev)))
            pts.append((self.px(x), self.py(y)))
            self.drawn.append(pts[-1])
            prev = y
        if pts:
            runs.append(pts)
        for run in runs:
            for (ax, ay), (bx, by) in zip(run, run[1:]):
                k = max(1, int(math.hypot(bx - ax, by - ay) / 8))
                self.drawn.extend((ax + (bx - ax) * i / k, ay + (by - ay) * i / k)
                                  for i in range(1, k))
        style = 'fill="none" stroke="%s" stroke-width="%.1f"%s' % (
            color, width, ' stroke-dasharray="%s"' % dash if dash else '')
        for k, run in enumerate(runs):
            self.svg.out.append('<polyline data-series="%s"%s points="%s" %s/>' % (
                esc(name), ' data-part="%d"' % k if len(runs) > 1 else '',
                ' '.join('%.2f,%.2f' % p for p in run), style))
        self.legend.append((label, color, dash))

    def hline(self, name, label, y, color, dash='6,4'):
        self.line(name, label, [self.xmin, self.xmax], [y, y], color, dash=dash, width=1.2)

    def draw_legend(self, below=False):
        """The legend box: under the x axis label with @below, else in the corner (or
        middle of a side) that hides the fewest points. Returns the y under it."""
        lh = 16
        width = 14 + 6.5 * max(len(lbl) for lbl, _, _ in self.legend) + 30
        height = lh * len(self.legend) + 8
        xs = (self.x0 + self.w - width - 8, self.x0 + 8)
        ys = (self.y0 + 8, self.y0 + (self.h - height) / 2, self.y0 + self.h - height - 8)

        def hidden(xy):
            x, y = xy
            return sum(1 for px, py in self.drawn
                       if x - 4 <= px <= x + width + 4 and y - 4 <= py <= y + height + 4)
        if below:
            x, y = self.x0 + (self.w - width) / 2, self.y0 + self.h + 40
        else:
            # right side first, top first: the order breaks ties
            x, y = min(((x, y) for x in xs for y in ys), key=hidden)
        out = self.svg.out
        out.append('<g class="legend">')
        out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="white" '
                   'fill-opacity="0.85" stroke="#999"/>' % (x, y, width, height))
        for i, (label, color, dash) in enumerate(self.legend):
            yy = y + 12 + i * lh
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" '
                       'stroke-width="2"%s/>' % (x + 6, yy, x + 30, yy, color,
                                               ' stroke-dasharray="%s"' % dash if dash else ''))
            out.append('<text x="%.1f" y="%.1f" font-size="11" %s>%s</text>'
                       % (x + 36, yy + 4, FONT, esc(label)))
        out.append('</g>')
        return y + height


class Svg:
    def __init__(self, title, height=H):
        self.h = height     # may grow until write()
        self.out = [None,
                    '<title>%s</title>' % esc(title),
                    '<rect width="100%" height="100%" fill="white"/>',
                    '<text x="%d" y="22" font-size="15" font-weight="bold" text-anchor="middle" '
                    '%s>%s</text>' % (W // 2, FONT, esc(title))]

    def note(self, text, y):
        """A grey line of text centred at @y, wrapped at 110 characters; returns the next y."""
        words, line = text.split(' '), ''
        for w in words + [None]:
            if w is not None and (not line or len(line) + 1 + len(w) <= 110):
                line = w if not line else line + ' ' + w
                continue
            self.out.append('<text x="%d" y="%d" font-size="11" fill="#555" '
                            'text-anchor="middle" %s>%s</text>' % (W // 2, y, FONT, esc(line)))
            y += 14
            line = w or ''
        return y

    def write(self, path):
        self.out[0] = ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                       'viewBox="0 0 %d %d">' % (W, self.h, W, self.h))
        with open(path, 'w') as f:
            f.write('\n'.join(self.out + ['</svg>']) + '\n')


def need(d, key, what):
    if not isinstance(d, dict) or key not in d:
        raise Missing('%s has no "%s"' % (what, key))
    return d[key]


def series(d, key, what):
    v = need(d, key, what)
    if not isinstance(v, list) or not v:
        raise Missing('%s: "%s" is not a non-empty list' % (what, key))
    return v


def plot_latency(sec, path):
    """CDF of the per-inference latencies of each device, log time axis."""
    what = 'timeline.latency'
    devs = need(sec, 'devices', what)
    ran = {d: v for d, v in devs.items() if 'samples_ms' in v}
    if not ran:
        raise Missing('%s: no device ran the model (%s)' % (what, '; '.join(
            '%s: %s' % (d, v.get('error', '?')) for d, v in devs.items())))
    allv = [x for v in ran.values() for x in series(v, 'samples_ms', what)]
    lo, hi = min(allv), max(allv)
    if lo <= 0:
        raise Missing('%s: a latency <= 0 ms' % what)
    missing = ['%s: %s' % (d, v['error']) for d, v in devs.items() if 'error' in v]
    svg = Svg('Latency per inference: %s' % sec.get('model', 'model'))
    p = Panel(svg, (70, 40, W - 100, H - 150), (lo, hi), (0, 1),
              'latency per inference (ms, log scale)', 'fraction of runs (CDF)', xlog=True,
              yticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0])
    for i, d in enumerate(('cpu', 'npu', 'dsp', 'auto')):
        if d not in ran:
            continue
        v = sorted(ran[d]['samples_ms'])
        n = len(v)
        xs = [x for x in v for _ in (0, 1)]
        ys = [y for k in range(n) for y in (k / n, (k + 1) / n)]
        med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
        p.line(d, '%s: median %s ms, %d runs' % (d, fmt(round(med, 3)), n), xs, ys,
               COLORS[i])
    y = p.draw_legend(below=True) + 20
    for m in missing:
        y = svg.note('not plotted, ' + m, y)
    if sec.get('note'):
        y = svg.note(sec['note'], y)
    svg.h = int(y)      # the legend and the notes under the plot set the height
    svg.write(path)
    return missing


def plot_share(sec, path):
    what = 'timeline.share'
    t = series(sec, 't_s', what)
    shares = series(sec, 'share', what)
    w = series(sec, 'weights', what)
    ent = series(sec, 'entitled', what)
    if len(shares) != len(w) or len(ent) != len(w) or any(len(s) != len(t) for s in shares):
        raise Missing('%s: weights, entitled and share do not match in length' % what)
    svg = Svg('Weighted fair sharing: weights %s on the %s' % (
        ':'.join(str(x) for x in w), str(sec.get('device', '?')).upper()))
    p = Panel(svg, (70, 40, W - 100, H - 150), (0, max(t)), (0, 1),
              'time since both clients started (s)',
              'cumulative share of device time', yticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0])
    for i, (s, wt, e) in enumerate(zip(shares, w, ent)):
        p.line('client%d' % i, 'client %d, weight %s: share' % (i, wt), t, s, COLORS[i])
        p.hline('entitled%d' % i, 'client %d: entitled %s' % (i, fmt(round(e, 4))), e,
                COLORS[i])
    p.draw_legend()
    svg.note('device time from fdinfo (drm-engine-%s) every %s ms; share = own / both, '
             'since the start' % (sec.get('device', '?'), sec.get('period_ms', '?')), H - 52)
    svg.write(path)


def plot_thermal(sec, path):
    what = 'timeline.thermal'
    t = series(sec, 't_s', what)
    temp = series(sec, 'temp_c', what)
    forced = series(sec, 'forced_c', what)
    freq = series(sec, 'cur_freq_mhz', what)
    state = series(sec, 'cooling_state', what)
    passive = need(sec, 'passive_c', what)
    if not len(t) == len(temp) == len(forced) == len(freq) == len(state):
        raise Missing('%s: the series differ in length' % what)
    height = 680
    svg = Svg('Thermal throttling of the %s: temperature, cooling state, clock'
              % str(sec.get('device', '?')).upper(), height)
    tmax = max(t)
    temps = [x for x in temp + forced + [passive] if x is not None]
    p1 = Panel(svg, (70, 40, W - 100, 200), (0, tmax), (min(temps) - 1, max(temps) + 1),
               'time (s)', 'temperature (°C)')
    p1.line('temp', 'thermal zone temperature', t, temp, COLORS[0])
    p1.line('forced', 'forced (debugfs force_temp_mc)', t, forced, COLORS[4], dash='2,3')
    p1.hline('passive', 'passive trip %s °C' % fmt(passive), passive, COLORS[1])
    p1.draw_legend()
    ms = need(sec, 'max_state', what)
    p2 = Panel(svg, (70, 285, W - 100, 110), (0, tmax), (0, max(ms, max(state), 1)),
               'time (s)', 'cooling state', yticks=list(range(0, max(ms, max(state), 1) + 1)))
    p2.line('state', 'cooling device cur_state (max %s)' % ms, t, state, COLORS[3], step=True)
    p2.draw_legend()
    fmax = max(freq + [sec.get('max_freq_mhz') or 0])
    p3 = Panel(svg, (70, 440, W - 100, 150), (0, tmax), (0, fmax), 'time (s)', 'clock (MHz)')
    p3.line('freq', 'devfreq cur_freq', t, freq, COLORS[2], step=True)
    p3.draw_legend()
    y = svg.note('full load on both cores, sampled every %s ms; the step_wise governor drives '
                 'the devfreq cooling device, whose state caps the clock; under the cap '
                 'simple_ondemand follows the load' % sec.get('period_ms', '?'), height - 36)
    svg.h = max(height, y)
    svg.write(path)


def scalars(d, prefix=''):
    """(key, value) of the numbers, strings and booleans of a section, nested keys joined."""
    for k in sorted(d):
        v = d[k]
        if k == 'raw' or k == 'timeline':
            continue
        if isinstance(v, dict):
            yield from scalars(v, prefix + k + '.')
        elif isinstance(v, (int, float, str, bool)) or v is None:
            yield prefix + k, v


def write_index(bench, outdir, plots, problems):
    rows = []
    for name in sorted(bench):
        if name == 'timeline' or not isinstance(bench[name], dict):
            continue
        for k, v in scalars(bench[name]):
            rows.append('<tr><td>%s</td><td>%s</td><td>%s</td></tr>' % (
                esc(name), esc(k), esc(json.dumps(v))))
    body = ['<!DOCTYPE html>', '<html><head><meta charset="utf-8">',
            '<title>edgeai bench report</title>',
            '<style>body{font-family:sans-serif;max-width:780px;margin:2em auto}'
            'td{padding:2px 8px;border-bottom:1px solid #eee;font-size:13px}'
            '.bad{color:#b00}</style></head><body>',
            '<h1>edgeai bench report</h1>',
            '<p>From <code>build/bench.json</code> (<code>make bench</code>); the series are '
            'measured in the VM on the simulated devices (tests/bench/bench-timeline.sh).</p>']
    for f, caption in plots:
        body.append('<figure><img src="%s" alt="%s" width="%d"><figcaption>%s</figcaption>'
                    '</figure>' % (esc(f), esc(caption), W, esc(caption)))
    for p in problems:
        body.append('<p class="bad">%s</p>' % esc(p))
    if rows:
        body.append('<h2>Figures</h2><table>%s</table>' % ''.join(rows))
    body.append('</body></html>')
    with open(os.path.join(outdir, 'index.html'), 'w') as f:
        f.write('\n'.join(body) + '\n')


PLOTS = (('latency', 'latency.svg', plot_latency,
          'Per-inference latency on each device (CDF): edgeaictl bench --latencies'),
         ('share', 'share.svg', plot_share,
          'Cumulative device-time shares of two clients of weights 3:1, from fdinfo'),
         ('thermal', 'thermal.svg', plot_thermal,
          'Temperature, cooling state and clock under full load, temperature forced '
          'over the passive trip and back'))


def main(argv):
    src = argv[1] if len(argv) > 1 else 'build/bench.json'
    outdir = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(src) or '.', 'bench',
                                                         'report')
    try:
        with open(src) as f:
            bench = json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write('%s: cannot read %s: %s\n' % (PROG, src, e))
        return 1
    if not isinstance(bench, dict):
        sys.stderr.write('%s: %s is not a JSON object of sections\n' % (PROG, src))
        return 1
    try:
        os.makedirs(outdir, exist_ok=True)
    except OSError as e:
        sys.stderr.write('%s: %s: %s\n' % (PROG, outdir, e.strerror))
        return 1
    status, plots, problems = 0, [], []
    tl = bench.get('timeline')
    for key, fname, fn, caption in PLOTS:
        path = os.path.join(outdir, fname)
        if os.path.exists(path):
            os.remove(path)
        if not isinstance(tl, dict):
            msg = ('%s: no %s plot: %s has no "timeline" section (run '
                   'tests/bench/bench-timeline.sh, or make bench)' % (PROG, key, src))
            status = 1
        elif isinstance(tl.get(key), dict) and 'skipped' in tl[key]:
            msg = '%s: no %s plot: the bench skipped it: %s' % (PROG, key, tl[key]['skipped'])
        else:
            try:
                sec = tl.get(key)
                if not isinstance(sec, dict):
                    raise Missing('the "timeline" section has no "%s"' % key)
                extra = fn(sec, path) or []
                plots.append((fname, caption))
                for m in extra:
                    sys.stderr.write('%s: %s: not plotted, %s\n' % (PROG, key, m))
                continue
            except Missing as e:
                msg = '%s: no %s plot: %s: %s' % (PROG, key, src, e)
                status = 1
            except (TypeError, ValueError, KeyError) as e:
                msg = '%s: no %s plot: %s: malformed "timeline.%s" (%s)' % (
                    PROG, key, src, key, e)
                status = 1
        sys.stderr.write(msg + '\n')
        problems.append(msg)
    write_index(bench, outdir, plots, problems)
    print('%s: %s/index.html (%s)' % (PROG, outdir, ', '.join(f for f, _ in plots) or
                                      'no plots'))
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv))
