#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The sparse model of the TFLite delegate tests.

FULLY_CONNECTED -> FULLY_CONNECTED, int8; the second one's weights are
block-sparse (1x16 blocks in CSR, the layout TFLite's own sparse
FULLY_CONNECTED kernel takes). libedgeai takes the first op, the sparse
one stays with TFLite (libedgeai/tflite/translate.c says why): a partial
delegation whose outputs must equal TFLite's. Written with
tests/oracle/tflite_writer.py and the encoder of
tests/host/libedgeai/model/sparse-models.py.

    tflite-sparse-fc.py TOP OUT.tflite
"""
import importlib.util
import os
import random
import struct
import sys

top = sys.argv[1]
sys.path.insert(0, os.path.join(top, 'tests', 'oracle'))
import tflite_writer as tw  # noqa: E402

spec = importlib.util.spec_from_file_location(
    'sparse_models', os.path.join(top, 'tests', 'host', 'libedgeai', 'model', 'sparse-models.py'))
sm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sm)

r = random.Random(11)
N, O = 32, 8
w1 = [r.randint(-127, 127) for _ in range(N * N)]
w2 = [0] * (O * N)
for o in range(O):
    for blk in range(N // 16):
        if r.random() < 0.6:
            for j in range(16):
                w2[o * N + blk * 16 + j] = r.randint(-127, 127)
fmts = [sm.DENSE, sm.CSR, sm.DENSE]
sizes, segs, idxs, vals = sm.encode(w2, [O, N], [0, 1, 2], [1], [16], fmts)
sparsity = sm.sparsity([0, 1, 2], [1], sm.levels_of(fmts, sizes, segs, idxs, 'B', 'B'))
s_x, s_w1, s_a, s_w2, s_y = 0.05, 0.004, 0.3, 0.01, 0.5


def i8(v):
    return struct.pack('<%db' % len(v), *v)


def i32(v):
    return struct.pack('<%di' % len(v), *v)


t = [
    {'name': 'input', 'shape': [1, N], 'type': tw.TT_INT8, 'scale': [s_x], 'zero_point': [3]},
    {'name': 'fc1/w', 'shape': [N, N], 'type': tw.TT_INT8, 'scale': [s_w1], 'zero_point': [0],
     'data': i8(w1)},
    {'name': 'fc1/b', 'shape': [N], 'type': tw.TT_INT32, 'scale': [s_x * s_w1], 'zero_point': [0],
     'data': i32([r.randint(-500, 500) for _ in range(N)])},
    {'name': 'fc1', 'shape': [1, N], 'type': tw.TT_INT8, 'scale': [s_a], 'zero_point': [-4]},
    {'name': 'fc2/w', 'shape': [O, N], 'type': tw.TT_INT8, 'scale': [s_w2], 'zero_point': [0],
     'data': i8(vals), 'sparsity': sparsity},
    {'name': 'fc2/b', 'shape': [O], 'type': tw.TT_INT32, 'scale': [s_a * s_w2], 'zero_point': [0],
     'data': i32([r.randint(-500, 500) for _ in range(O)])},
    {'name': 'output', 'shape': [1, O], 'type': tw.TT_INT8, 'scale': [s_y], 'zero_point': [1]},
]
fc_opts = [(0, 'b', 0)]
ops = [(9, 8, fc_opts, [0, 1, 2], [3]), (9, 8, fc_opts, [3, 4, 5], [6])]
open(sys.argv[2], 'wb').write(tw.model_ops(ops, t, [0], [6]))
