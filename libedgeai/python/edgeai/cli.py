# SPDX-License-Identifier: MIT
"""python3 -m edgeai: run, bench and inspect models, as `edgeaictl run|bench|inspect` do."""
import argparse
import collections
import json
import os
import sys
import threading
import time

import numpy as np

from . import _core
from ._errors import Error

PROG = 'python3 -m edgeai'
EXIT_USAGE = 2

DESCRIPTION = """\
Run, benchmark and inspect quantized TensorFlow Lite models with libedgeai,
through its Python bindings (the edgeai package). The commands mirror
edgeaictl run, bench and inspect: the same options, the same output files
and the same --json members, so scripts can use either.
"""

EPILOG = """\
commands:
  run MODEL --input IN0.bin [...] --output-dir DIR
                    Compile an int8/uint8 model and run it once: raw input
                    tensors in model order, DIR/output0.bin, ... out, and
                    where each operator ran and why.
  bench MODEL       Latency (mean, median, p95, p99) and throughput.
  inspect MODEL     Inputs and outputs (shape, type, quantization) and the
                    operators with counts.
  Each command has its own --help.

exit status:
  0  success
  1  failure (a malformed model, one that cannot be compiled, a failed run,
     an input file of the wrong size)
  2  usage error (unknown command or option, wrong number of --input)

environment:
  EDGEAI_LIBRARY    path of the libedgeai.so.0 to load (default: the
                    installed one, found by the dynamic loader)
  EDGEAI_CACHE_DIR  compile cache directory (set but empty: no cache)
  EDGEAI_DEBUG=1    libedgeai logs each failing call to standard error

examples:
  python3 -m edgeai inspect face_detection_short_range-int8.tflite
  python3 -m edgeai run model-int8.tflite --input in0.bin --output-dir out --device auto
  python3 -m edgeai bench model-int8.tflite --device cpu --iterations 100 --json
  python3 -m edgeai bench model-int8.tflite --device npu1   # the second NPU

See also: edgeaictl(1), pydoc3 edgeai
"""

DEVICE_HELP = ('where to run (default auto): auto (accelerator where possible, CPU otherwise), '
               'cpu (CPU only), npu or dsp (that kind only: fails instead of falling back), '
               'npuN or dspN (the Nth NPU or DSP, from 0, in the order of their nodes), accelN '
               'or PATH (one device node: /dev/accel/accelN, or PATH); edgeaictl\'s grammar')

DEVICE_FORMS = ('not a device; use auto, cpu, npu, dsp, npuN, dspN,\n'
                'accelN or a node path such as /dev/accel/accel0')
_KINDS = {'npu': 'NPU', 'dsp': 'DSP'}
_NODE_MAX = 256     # edgeaictl's struct ctl_device.node, with its NUL


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write("%s: %s\nTry '%s --help' for more information.\n"
                         % (self.prog, message, self.prog))
        sys.exit(EXIT_USAGE)


def _parser():
    fmt = argparse.RawDescriptionHelpFormatter
    p = _Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, formatter_class=fmt)
    p.add_argument('-V', '--version', action='version',
                   version='edgeai (Python) with libedgeai %s (%s)' % (
                       _core.version(), _core._capi.path))
    sub = p.add_subparsers(dest='command', metavar='COMMAND', parser_class=_Parser)

    r = sub.add_parser(
        'run', formatter_class=fmt, help='run a model once',
        description='Compile an int8/uint8 TFLite model and run it once.\n\n'
        'Each --input file holds the raw bytes of the next input tensor (model order);\n'
        'DIR/output0.bin, output1.bin, ... receive the raw bytes of the outputs.\n'
        'Prints where each operator ran and why.',
        epilog='exit status: 0 success, 1 failure, 2 usage error.\n\n'
        'example:\n  %s run model-int8.tflite -i in0.bin -O out -d cpu --json' % PROG)
    r.add_argument('model', metavar='MODEL.tflite')
    r.add_argument('-i', '--input', action='append', default=[], metavar='FILE',
                   help='raw bytes of the next input tensor (model order)')
    r.add_argument('-O', '--output-dir', required=True, metavar='DIR',
                   help='write DIR/output0.bin, output1.bin, ... (model order)')
    r.add_argument('-d', '--device', default='auto', metavar='DEV', help=DEVICE_HELP)
    r.add_argument('--reference', action='store_true',
                   help='CPU: portable reference kernels only')
    r.add_argument('--no-cache', action='store_true', help='do not use the compile cache')
    r.add_argument('--cache-dir', metavar='DIR',
                   help='keep the compile cache in DIR (created; "" for none) instead of '
                   '$EDGEAI_CACHE_DIR or the default')
    r.add_argument('--threads', type=_count(1, 256), default=1, metavar='N',
                   help='CPU: split the heavy ops across N threads, 1..256 (default 1; '
                   'same bytes)')
    r.add_argument('-j', '--json', action='store_true', help='machine-readable result on stdout')
    r.add_argument('-q', '--quiet', action='store_true', help=argparse.SUPPRESS)

    b = sub.add_parser(
        'bench', formatter_class=fmt, help='latency and throughput of a model',
        description='Measure the latency of a compiled model: mean, median, p95, p99 and\n'
        'throughput over N runs (default 50) after N warm-up runs (default 3).\n'
        'Inputs are seeded random bytes unless --input gives them. With\n'
        '--in-flight N > 1 the runs are submitted without waiting (Program.submit),\n'
        'N at a time; latency is then from submit to completion.',
        epilog='exit status: 0 success, 1 failure, 2 usage error.\n\n'
        'example:\n  %s bench model-int8.tflite -d auto -n 200 --in-flight 4' % PROG)
    b.add_argument('model', metavar='MODEL.tflite')
    b.add_argument('-d', '--device', default='auto', metavar='DEV', help=DEVICE_HELP)
    b.add_argument('-n', '--iterations', type=_count(1, 1000000), default=50, metavar='N',
                   help='timed runs, 1..1000000')
    b.add_argument('-w', '--warmup', type=_count(0, 1000), default=3, metavar='N',
                   help='untimed runs first, 0..1000')
    b.add_argument('-i', '--input', action='append', default=[], metavar='FILE',
                   help='raw bytes of the next input tensor')
    b.add_argument('--in-flight', type=_count(1, 64), default=1, metavar='N',
                   help='runs in flight at once, 1..64 (default 1: run and wait)')
    b.add_argument('--reference', action='store_true',
                   help='CPU: portable reference kernels only')
    b.add_argument('--latencies', metavar='FILE',
                   help="write each timed run's latency to FILE: ms, one line per run, in "
                   'run order (completion order with --in-flight)')
    b.add_argument('--threads', type=_count(1, 256), default=1, metavar='N',
                   help='CPU: split the heavy ops across N threads, 1..256 (default 1)')
    b.add_argument('-j', '--json', action='store_true', help='machine-readable result on stdout')
    b.add_argument('-q', '--quiet', action='store_true', help='no progress on stderr')

    i = sub.add_parser(
        'inspect', formatter_class=fmt, help='show a model',
        description='Show a .tflite model: inputs and outputs with shapes, types and\n'
        'quantization, and its operators with counts.',
        epilog='exit status: 0 success, 1 failure (a malformed model), 2 usage error.')
    i.add_argument('model', metavar='MODEL.tflite')
    i.add_argument('-j', '--json', action='store_true', help='machine-readable result on stdout')
    return p


def _count(lo, hi):
    def parse(s):
        try:
            v = int(s, 10)
        except ValueError:
            v = None
        if v is None or not lo <= v <= hi:
            raise argparse.ArgumentTypeError('needs %d..%d' % (lo, hi))
        return v
    return parse


class _Fail(Exception):
    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


class Device(collections.namedtuple('Device', 'how kind index node text')):
    """A parsed --device: how is 'auto', 'cpu', 'kind' (npu, dsp), 'index' (npuN, dspN)
    or 'node' (accelN, a path); kind 'npu'/'dsp' or None; index N; node the path."""


def _index(s):
    """N of "N" (0..255, no sign, no leading zero, digits only), else None: as edgeaictl."""
    if not s or not '0' <= s[0] <= '9' or (s[0] == '0' and len(s) > 1) or \
            not all('0' <= c <= '9' for c in s):
        return None
    v = int(s, 10)
    return v if v <= 255 else None


def parse_device(s):
    """Parse a --device value with edgeaictl's grammar (daemon/ctl-device.c) into a Device.

    Raises _Fail (usage error, exit 2) with edgeaictl's message for anything else.
    """
    if s in ('auto', 'cpu'):
        return Device(s, None, None, None, s)
    if s in _KINDS:
        return Device('kind', s, None, None, s)
    if len(s) > 3 and s[:3] in _KINDS and _index(s[3:]) is not None:
        return Device('index', s[:3], _index(s[3:]), None, s)
    if s.startswith('accel') and _index(s[5:]) is not None:
        return Device('node', None, _index(s[5:]), '/dev/accel/accel%d' % _index(s[5:]), s)
    if s.startswith('/') and len(os.fsencode(s)) < _NODE_MAX:
        return Device('node', None, None, s, s)
    raise _Fail("--device '%s': %s" % (s, DEVICE_FORMS), EXIT_USAGE)


def _compile_args(d):
    """compile()'s device, policy and minor for the Device @d, as edgeaictl's run and bench
    choose them: one device (npuN, accelN, a path) is resolved to its minor here."""
    if d.how in ('auto', 'cpu'):
        return d.how, ('cpu_only' if d.how == 'cpu' else 'auto'), None
    if d.how == 'kind':
        return d.kind, 'device_only', None
    if d.how == 'node':
        try:
            info = _core.device_info(d.node)
        except Error as e:
            raise _Fail('%s: %s' % (d.node, e.strerror)) from e
    else:
        same = [i for i in _core.devices() if i.type == d.kind]
        if not same:
            raise _Fail('--device %s: no such edgeai %s (is the edgeai module loaded?)'
                        % (d.text, _KINDS[d.kind]))
        if d.index >= len(same):
            if len(same) == 1:
                raise _Fail('--device %s: there is one edgeai %s, %s0'
                            % (d.text, _KINDS[d.kind], d.kind))
            raise _Fail('--device %s: there are %d edgeai %ss, %s0 to %s%d'
                        % (d.text, len(same), _KINDS[d.kind], d.kind, d.kind, len(same) - 1))
        info = same[d.index]
    kind = info.type if info.type in _KINDS else 'auto'
    return kind, 'device_only', info.minor


_HOST_OPS = ('TFLite_Detection_PostProcess',)


def _compile(args):
    """Load and compile args.model as edgeaictl does (--device npu|dsp: DEVICE_ONLY)."""
    device, policy, minor = _compile_args(args.device)
    with _core.Model(args.model) as m:
        # ops the library computes on the host after the program (no placement)
        args.host = [o.name for o in m.ops if o.name in _HOST_OPS]
        return m.compile(device=device, policy=policy, reference=args.reference,
                         cache=not getattr(args, 'no_cache', False),
                         cache_dir=getattr(args, 'cache_dir', None), minor=minor,
                         threads=getattr(args, 'threads', 1))


def _read_inputs(args, prog, random):
    files = args.input
    n = len(prog.inputs)
    if (files or not random) and len(files) != n:
        raise _Fail('%s has %d input%s, %d --input given' % (args.model, n, '' if n == 1 else 's',
                                                              len(files)), EXIT_USAGE)
    arrays = []
    for k, t in enumerate(prog.inputs):
        shape = tuple(max(d, 1) for d in t.shape)
        if files:
            try:
                raw = open(files[k], 'rb').read()
            except OSError as e:
                raise _Fail('%s: %s' % (files[k], e.strerror)) from e
            if len(raw) != t.nbytes:
                raise _Fail("%s: %d bytes, input %d ('%s', %s) needs %d"
                            % (files[k], len(raw), k, t.name, t.type, t.nbytes))
            arrays.append(np.frombuffer(raw, dtype=t.dtype).reshape(shape))
        else:
            rng = np.random.default_rng(k)
            raw = rng.integers(0, 256, size=t.nbytes, dtype=np.uint8).tobytes()
            arrays.append(np.frombuffer(raw, dtype=t.dtype).reshape(shape))
    return arrays


def _cache_words(prog):
    return ' '.join(prog.cache_state) or 'off'


def _print_placement(placement):
    for p in placement:
        print('  op %3d %-26s %-4s %s' % (p['op'], p['name'], p['device'], p['reason']))


def cmd_run(args):
    prog = _compile(args)
    with prog:
        arrays = _read_inputs(args, prog, random=False)
        try:
            os.makedirs(args.output_dir, exist_ok=True)
        except OSError as e:
            raise _Fail('%s: %s' % (args.output_dir, e.strerror)) from e
        t0 = time.perf_counter()
        try:
            outs = prog.run(arrays)
        except Error as e:
            raise _Fail('%s: run failed: %s (%d)' % (args.model, e, e.code)) from e
        ms = (time.perf_counter() - t0) * 1e3
        files = []
        for k, a in enumerate(outs):
            path = '%s/output%d.bin' % (args.output_dir, k)
            try:
                with open(path, 'wb') as f:
                    f.write(a.tobytes())
            except OSError as e:
                raise _Fail('%s: %s' % (path, e.strerror)) from e
            files.append({'index': k, 'path': path, 'bytes': a.nbytes})
        if args.json:
            json.dump({'model': args.model, 'cpu_kernels': prog.cpu_kernels,
                       'compile_ms': round(prog.compile_ms, 3), 'cache': _cache_words(prog),
                       'run_ms': round(ms, 3), 'outputs': files, 'placement': outs.placement,
                       'host': args.host, 'stats': outs.stats}, sys.stdout)
            print()
            return 0
        n = len(outs.placement)
        print('%s: %d op%s, ran in %.3f ms (compile %.3f ms, cache: %s, CPU kernels: %s)'
              % (args.model, n, '' if n == 1 else 's', ms, prog.compile_ms, _cache_words(prog),
                 prog.cpu_kernels))
        for h in args.host:
            print('host: %s, after the program (float32 detections, as TFLite computes them)'
                  % h)
        print('placement:')
        _print_placement(outs.placement)
        for f in files:
            print('wrote %s (%d bytes)' % (f['path'], f['bytes']))
    return 0


def _pct(v, p):
    """Percentile @p of the sorted list @v, interpolated as edgeaictl does."""
    k = p / 100.0 * (len(v) - 1)
    lo = int(k)
    if lo + 1 >= len(v):
        return v[-1]
    return v[lo] + (v[lo + 1] - v[lo]) * (k - lo)


def _bench_async(prog, arrays, n, in_flight):
    """@n runs, @in_flight at a time; returns (latencies in ms, the last Outputs)."""
    lat, last = [], [None]
    slots = threading.Semaphore(in_flight)
    futs = collections.deque()
    for _ in range(n):
        slots.acquire()
        t0 = time.perf_counter()
        f = prog.submit(arrays)

        def done(f, t0=t0):
            if not f.exception():
                lat.append((time.perf_counter() - t0) * 1e3)
                last[0] = f.result()
            slots.release()
        f.add_done_callback(done)
        futs.append(f)
        while futs and futs[0].done():
            futs.popleft().result()
    for f in futs:
        f.result()
    return lat, last[0]


def cmd_bench(args):
    prog = _compile(args)
    with prog:
        arrays = _read_inputs(args, prog, random=True)
        progress = not args.quiet and sys.stderr.isatty()
        try:
            for _ in range(args.warmup):
                outs = prog.run(arrays)
            start = time.perf_counter()
            if args.in_flight > 1:
                lat, outs = _bench_async(prog, arrays, args.iterations, args.in_flight)
            else:
                lat, shown = [], start
                for k in range(args.iterations):
                    t0 = time.perf_counter()
                    outs = prog.run(arrays)
                    lat.append((time.perf_counter() - t0) * 1e3)
                    if progress and time.perf_counter() - shown > 1.0:
                        shown = time.perf_counter()
                        sys.stderr.write('\r%s: %d/%d runs, %.3f ms mean'
                                         % (PROG, k + 1, args.iterations, sum(lat) / len(lat)))
                if progress and shown != start:
                    sys.stderr.write('\n')
            wall = time.perf_counter() - start
        except Error as e:
            raise _Fail('%s: run failed: %s (%d)' % (args.model, e, e.code)) from e
        if args.latencies is not None:
            try:
                with open(args.latencies, 'w') as f:
                    f.write(''.join('%.6f\n' % x for x in lat))
            except OSError as e:
                raise _Fail('--latencies %s: %s' % (args.latencies, e.strerror)) from e
        lat.sort()
        mean = sum(lat) / len(lat)
        # throughput: runs per second of wall clock (with runs in flight, not 1/mean)
        tput = len(lat) / wall if args.in_flight > 1 else (1000.0 / mean if mean > 0 else 0.0)
        r = {'model': args.model, 'cpu_kernels': prog.cpu_kernels,
             'cpu_threads': prog.cpu_threads, 'iterations': args.iterations, 'warmup': args.warmup, 'in_flight': args.in_flight,
             'compile_ms': round(prog.compile_ms, 3), 'mean_ms': round(mean, 4),
             'median_ms': round(_pct(lat, 50), 4), 'p95_ms': round(_pct(lat, 95), 4),
             'p99_ms': round(_pct(lat, 99), 4), 'min_ms': round(lat[0], 4),
             'max_ms': round(lat[-1], 4), 'throughput_per_s': round(tput, 3),
             # edgeaictl bench's member: the inputs are copied in on every run here
             'zero_copy': False, 'placement': outs.placement, 'host': args.host}
        if args.json:
            json.dump(r, sys.stdout)
            print()
            return 0
        print('%s: %d runs (%d warm-up%s), CPU kernels %s'
              % (args.model, args.iterations, args.warmup,
                 ', %d in flight' % args.in_flight if args.in_flight > 1 else '', prog.cpu_kernels))
        print('latency ms: mean %.3f  median %.3f  p95 %.3f  p99 %.3f  min %.3f  max %.3f'
              % (mean, r['median_ms'], r['p95_ms'], r['p99_ms'], lat[0], lat[-1]))
        print('throughput: %.2f inferences/s' % tput)
        for h in args.host:
            print('host: %s, after the program (float32 detections, as TFLite computes them)'
                  % h)
        print('placement:')
        _print_placement(outs.placement)
    return 0


def _shape(t):
    return '[%s]' % ','.join(str(d) for d in t.shape)


def cmd_inspect(args):
    with _core.Model(args.model) as m:
        size = os.path.getsize(args.model)
        counts = collections.OrderedDict()
        for o in m.ops:
            key = (o.name, o.code)
            counts[key] = counts.get(key, 0) + 1
        if args.json:
            json.dump({'model': args.model, 'size': size, 'tensors': m.n_tensors,
                       'operators': len(m.ops), 'inputs': [t.to_dict() for t in m.inputs],
                       'outputs': [t.to_dict() for t in m.outputs],
                       'ops': [{'op': name, 'code': code, 'count': c}
                               for (name, code), c in counts.items()]}, sys.stdout)
            print()
            return 0
        print('model      %s (%d bytes, %d tensors, %d operators)'
              % (args.model, size, m.n_tensors, len(m.ops)))
        for title, tensors in (('inputs', m.inputs), ('outputs', m.outputs)):
            print(title)
            for k, t in enumerate(tensors):
                if not t.scales:
                    q = '-'
                elif len(t.scales) == 1:
                    q = 'scale %.9g zero_point %d' % (t.scales[0], t.zero_points[0])
                else:
                    q = 'per-channel (dim %d, %d scales)' % (t.quant_dim, len(t.scales))
                print('  %-2d %-28s %-8s %s  %s' % (k, t.name, t.type, _shape(t), q))
        print('operators')
        for (name, _), c in counts.items():
            print('  %-26s %5d' % (name, c))
    return 0


def main(argv=None):
    """Entry point of `python3 -m edgeai`; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.error('missing command (run, bench, inspect)')
    try:
        if hasattr(args, 'device'):
            args.device = parse_device(args.device)
        return {'run': cmd_run, 'bench': cmd_bench, 'inspect': cmd_inspect}[args.command](args)
    except _Fail as e:
        sys.stderr.write('%s: %s\n' % (PROG, e))
        return e.status
    except Error as e:
        sys.stderr.write('%s: %s\n' % (PROG, e))
        return 1
