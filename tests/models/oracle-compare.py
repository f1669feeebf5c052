#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a float model and its int8 quantization in the oracle (TFLite 2.9.0,
tests/oracle/oracle-run) on the same seeded random inputs and print, per
output, the correlation and max error of the int8 outputs (dequantized)
against the float outputs, as one JSON object.

  oracle-compare.py ORACLE_RUN LIB.so FLOAT.tflite INT8.tflite INSPECT.json \
      SEED N WORKDIR

INSPECT.json is `edgeaictl inspect --json INT8.tflite`. Inputs are uniform in
[-1, 1], rounded onto the int8 input grid so both models see the same values.
"""
import json
import math
import random
import struct
import subprocess
import sys


def main():
    run, lib, fmodel, qmodel, info, seed, n, work = sys.argv[1:9]
    info = json.load(open(info))
    rng = random.Random(int(seed))
    stats = [dict(n=0, sx=0.0, sy=0.0, sxx=0.0, syy=0.0, sxy=0.0, maxerr=0.0)
             for _ in info['outputs']]
    for s in range(int(n)):
        fin, qin = [], []
        for i, t in enumerate(info['inputs']):
            sc = t['quantization']['scale'][0]
            zp = t['quantization']['zero_point'][0]
            count = math.prod(t['shape'])
            q = [max(-128, min(127, round(rng.uniform(-1, 1) / sc) + zp))
                 for _ in range(count)]
            fpath, qpath = f'{work}/f{s}_{i}.bin', f'{work}/q{s}_{i}.bin'
            with open(fpath, 'wb') as f:
                f.write(struct.pack(f'<{count}f', *[(v - zp) * sc for v in q]))
            with open(qpath, 'wb') as f:
                f.write(struct.pack(f'<{count}b', *q))
            fin.append(fpath)
            qin.append(qpath)
        subprocess.run([run, lib, fmodel, f'{work}/fout.bin'] + fin, check=True)
        subprocess.run([run, lib, qmodel, f'{work}/qout.bin'] + qin, check=True)
        fo = open(f'{work}/fout.bin', 'rb').read()
        qo = open(f'{work}/qout.bin', 'rb').read()
        foff = qoff = 0
        for k, t in enumerate(info['outputs']):
            count = math.prod(t['shape'])
            sc = t['quantization']['scale'][0]
            zp = t['quantization']['zero_point'][0]
            fv = struct.unpack_from(f'<{count}f', fo, foff)
            qv = struct.unpack_from(f'<{count}b', qo, qoff)
            foff += 4 * count
            qoff += count
            st = stats[k]
            for x, q in zip(fv, qv):
                y = (q - zp) * sc
                st['n'] += 1
                st['sx'] += x
                st['sy'] += y
                st['sxx'] += x * x
                st['syy'] += y * y
                st['sxy'] += x * y
                st['maxerr'] = max(st['maxerr'], abs(x - y))
        if foff != len(fo) or qoff != len(qo):
            sys.exit('output sizes do not match the models')
    out = []
    for t, st in zip(info['outputs'], stats):
        nn = st['n']
        cov = st['sxy'] - st['sx'] * st['sy'] / nn
        vx = st['sxx'] - st['sx'] ** 2 / nn
        vy = st['syy'] - st['sy'] ** 2 / nn
        corr = cov / math.sqrt(vx * vy) if vx > 0 and vy > 0 else 0.0
        out.append(dict(name=t['name'], correlation=corr, max_abs_error=st['maxerr'],
                        lsb=t['quantization']['scale'][0]))
    print(json.dumps(out))


main()
