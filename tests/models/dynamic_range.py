#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write dynamic_range.tflite: a dynamic-range quantized model.

TFLite's converter with optimizations but no representative dataset
writes such models: the activations stay float32 and the weights are int8
constants, with their scales, which the float CONV_2D, DEPTHWISE_CONV_2D
and FULLY_CONNECTED read directly (TFLite runs them with its hybrid
kernels). edgeaictl quantize must take it as the float model of those
weights dequantized and write a full-integer model. On [1, 16, 16, 3]:

    c = CONV_2D 3x3 stride 2 RELU6 (8 channels; int8, 8 scales on axis 0)
    d = DEPTHWISE_CONV_2D 3x3 (int8, 8 scales on axis 3)
    p = CONV_2D 1x1 (8 channels; int8, 8 scales on axis 0)
    y = FULLY_CONNECTED(MEAN(p + c over H and W)) (10; int8, one scale)

    tests/models/dynamic_range.py OUT.tflite
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402
from shape_ops import OP, OPT, Model, I32  # noqa: E402

OP.update({'DEPTHWISE_CONV_2D': 4, 'FULLY_CONNECTED': 9})
OPT.update({'DepthwiseConv2D': 2, 'FullyConnected': 8})


def int8_weight(m, r, shape, axis):
    """An int8 constant of @shape, symmetric, one scale per index of @axis
    (None: one scale), as the converter's dynamic-range weights are."""
    n = 1
    for d in shape:
        n *= d
    scales = ([r.uniform(0.002, 0.01) for _ in range(shape[axis])] if axis is not None
              else [0.004])
    vals = [r.randint(-127, 127) for _ in range(n)]
    m.tensors.append({'shape': list(shape), 'type': tw.TT_INT8,
                      'data': struct.pack('<%db' % n, *vals), 'scale': scales,
                      'zero_point': [0] * len(scales), 'qdim': axis or 0})
    return len(m.tensors) - 1


def bias(m, r, n):
    return m.t([n], [r.uniform(-0.1, 0.1) for _ in range(n)])


def conv_opts(stride, act):
    return [(0, 'b', tw.PAD_SAME), (1, 'i', stride), (2, 'i', stride), (3, 'b', act),
            (4, 'i', 1), (5, 'i', 1)]


def main():
    r = random.Random(17)
    m = Model()
    x = m.t([1, 16, 16, 3])
    c, d, p, s = (m.t([1, 8, 8, 8]) for _ in range(4))
    m.op('CONV_2D', 'Conv2D', conv_opts(2, 3),
         [x, int8_weight(m, r, [8, 3, 3, 3], 0), bias(m, r, 8)], [c])
    m.op('DEPTHWISE_CONV_2D', 'DepthwiseConv2D',
         [(0, 'b', tw.PAD_SAME), (1, 'i', 1), (2, 'i', 1), (3, 'i', 1), (4, 'b', 0),
          (5, 'i', 1), (6, 'i', 1)],
         [c, int8_weight(m, r, [1, 3, 3, 8], 3), bias(m, r, 8)], [d])
    m.op('CONV_2D', 'Conv2D', conv_opts(1, 0),
         [d, int8_weight(m, r, [8, 1, 1, 8], 0), bias(m, r, 8)], [p])
    m.op('ADD', 'Add', [(0, 'b', 0)], [p, c], [s])
    g = m.t([1, 8])
    m.op('MEAN', 'Reducer', [(0, 'b', 0)], [s, m.t([2], [1, 2], I32)], [g])
    y = m.t([1, 10])
    m.op('FULLY_CONNECTED', 'FullyConnected', [(0, 'b', 0)],
         [g, int8_weight(m, r, [10, 8], None), bias(m, r, 10)], [y])
    with open(sys.argv[1], 'wb') as f:
        f.write(tw.model_ops(m.ops, m.tensors, [x], [y]))


if __name__ == '__main__':
    main()
