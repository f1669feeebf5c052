#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The float-island model of the TFLite delegate tests.

CONV_2D -> DEQUANTIZE -> QUANTIZE -> CONV_2D, int8 at both ends: libedgeai
takes the convolutions, the float tensor between them stays with TFLite
(two partitions). Written with tests/oracle/tflite_writer.py.

    tflite-float-island.py ORACLE_DIR OUT.tflite
"""
import random, struct, sys
sys.path.insert(0, sys.argv[1])
import tflite_writer as tw
r = random.Random(7)
tensors, buffers = [], [tw.Table([])]
def tensor(name, shape, ttype, scale=None, zp=None, data=None, qdim=0):
    buf = 0
    if data is not None:
        buffers.append(tw.Table([(0, 'ref', tw.Vector('B', data, align=16))]))
        buf = len(buffers) - 1
    q = None
    if scale is not None:
        q = tw.Table([(2, 'ref', tw.Vector('f', scale)), (3, 'ref', tw.Vector('q', zp)),
                      (6, 'i', qdim)])
    tensors.append(tw.Table([(0, 'ref', tw.Vector('i', shape)), (1, 'b', ttype), (2, 'I', buf),
                             (3, 'ref', tw.String(name)), (4, 'ref', q)]))
    return len(tensors) - 1
def conv_weights(name, oc, ic, s_in):
    ws = [r.uniform(0.002, 0.02) for _ in range(oc)]
    w = tensor(name + '/w', [oc, 3, 3, ic], tw.TT_INT8, ws, [0] * oc,
               struct.pack('<%db' % (oc * 9 * ic), *[r.randint(-127, 127) for _ in range(oc * 9 * ic)]))
    b = tensor(name + '/b', [oc], tw.TT_INT32, [s_in * s for s in ws], [0] * oc,
               struct.pack('<%di' % oc, *[r.randint(-2000, 2000) for _ in range(oc)]))
    return w, b
x = tensor('input', [1, 8, 8, 3], tw.TT_INT8, [0.05], [3])
w1, b1 = conv_weights('conv1', 4, 3, 0.05)
a = tensor('conv1', [1, 8, 8, 4], tw.TT_INT8, [0.1], [-5])
f = tensor('dequantized', [1, 8, 8, 4], 0)
c = tensor('requantized', [1, 8, 8, 4], tw.TT_INT8, [0.08], [2])
w2, b2 = conv_weights('conv2', 2, 4, 0.08)
y = tensor('output', [1, 8, 8, 2], tw.TT_INT8, [0.2], [0])
codes = [3, 6, 114]   # CONV_2D, DEQUANTIZE, QUANTIZE
conv_opts = tw.Table([(0, 'b', tw.PAD_SAME), (1, 'i', 1), (2, 'i', 1)])
def op(code, ins, outs, opts_type=0, opts=None):
    return tw.Table([(0, 'I', codes.index(code)), (1, 'ref', tw.Vector('i', ins)),
                     (2, 'ref', tw.Vector('i', outs)), (3, 'B', opts_type), (4, 'ref', opts)])
ops = [op(3, [x, w1, b1], [a], 1, conv_opts), op(6, [a], [f]), op(114, [f], [c]),
       op(3, [c, w2, b2], [y], 1, conv_opts)]
sg = tw.Table([(0, 'ref', tw.Vector('ref', tensors)), (1, 'ref', tw.Vector('i', [x])),
               (2, 'ref', tw.Vector('i', [y])), (3, 'ref', tw.Vector('ref', ops)),
               (4, 'ref', tw.String('main'))])
oc = [tw.Table([(0, 'b', min(k, 127)), (2, 'i', 1), (3, 'i', k)]) for k in codes]
root = tw.Table([(0, 'I', 3), (1, 'ref', tw.Vector('ref', oc)), (2, 'ref', tw.Vector('ref', [sg])),
                 (3, 'ref', tw.String('float island')), (4, 'ref', tw.Vector('ref', buffers))])
open(sys.argv[2], 'wb').write(tw.serialize(root))
