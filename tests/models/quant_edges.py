#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write quant_edges.tflite: tensors whose quantization TFLite constrains.

A float graph can hold a tensor that is always 0 (a difference of a value
with itself, HARD_SWISH of values far below -3); calibration then gives it
a range of almost nothing, and a scale that TFLite's ADD, SUB,
SQUARED_DIFFERENCE and HARD_SWISH cannot rescale to (ADD and SUB abort the
interpreter; the others refuse the model). edgeaictl quantize must widen
those outputs to a scale TFLite takes. And a CONCATENATION of a LOGISTIC's
scores (fixed at 1/256, -128) with raw values of a wider range (box
offsets beside class scores, as YOLO-style heads write them) must get its
own range, the scores requantized into it, not the scores' fixed one; of
a LOGISTIC's and a TANH's outputs (two fixed ranges) likewise. TFLite has
no int8 DIV: a DIV by a constant becomes a MUL by its reciprocal, as
TFLite's converter writes it. The int8 model then runs in TFLite and in
edgeai with the same bytes.
On [1, 6, 6, 4]:

    output 0: (x - x) + x               SUB, ADD
    output 1: (x - x)^2 + x             SQUARED_DIFFERENCE, ADD
    output 2: HARD_SWISH(x - 200) + x   ADD of a constant, HARD_SWISH, ADD
    output 3: CONCATENATION(50 x, LOGISTIC(x), TANH(x)) on the channels
    output 4: x / 6 - x                 DIV by a constant, SUB
    output 5: RELU(FULLY_CONNECTED(60 x) - 1000), always 0: TFLite
              refuses an output scale below 50 times the gap between
              s_in * s_w in double and in float (the bias scale)
    output 6: SUM over the rows of x * [1, 0, 0, 0, 0, 0] (one row and
              rows of zeros): the sum's calibrated range is its input's,
              and with equal quantization TFLite adds the stored bytes

    tests/models/quant_edges.py OUT.tflite
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402
from shape_ops import OP, OPT, Model  # noqa: E402

OP.update({'HARD_SWISH': 117, 'LOGISTIC': 14, 'TANH': 28, 'DIV': 42,
           'FULLY_CONNECTED': 9})
OPT.update({'FullyConnected': 8})


def main():
    m = Model()
    s = [1, 6, 6, 4]
    x = m.t(s)
    outs = []
    zero = m.t(s)
    m.op('SUB', 'Sub', [(0, 'b', 0)], [x, x], [zero])
    sq = m.t(s)
    m.op('SQUARED_DIFFERENCE', None, [], [x, x], [sq])
    low, hs = m.t(s), m.t(s)
    m.op('ADD', 'Add', [(0, 'b', 0)], [x, m.t([1], [-200.0])], [low])
    m.op('HARD_SWISH', None, [], [low], [hs])
    for t in (zero, sq, hs):
        y = m.t(s)
        m.op('ADD', 'Add', [(0, 'b', 0)], [t, x], [y])
        outs.append(y)
    wide, sg, th, cat = m.t(s), m.t(s), m.t(s), m.t(s[:3] + [3 * s[3]])
    m.op('MUL', 'Mul', [(0, 'b', 0)], [x, m.t([1], [50.0])], [wide])
    m.op('LOGISTIC', None, [], [x], [sg])
    m.op('TANH', None, [], [x], [th])
    m.op('CONCATENATION', 'Concatenation', [(0, 'i', 3), (1, 'b', 0)], [wide, sg, th], [cat])
    outs.append(cat)
    sixth, d = m.t(s), m.t(s)
    m.op('DIV', None, [], [x, m.t([1], [6.0])], [sixth])
    m.op('SUB', 'Sub', [(0, 'b', 0)], [sixth, x], [d])
    outs.append(d)
    big, fc = m.t(s), m.t([1, 1])
    m.op('MUL', 'Mul', [(0, 'b', 0)], [x, m.t([1], [60.0])], [big])
    m.op('FULLY_CONNECTED', 'FullyConnected', [(0, 'b', 1)],
         [big, m.t([1, 144], [0.37 * (k % 3 - 0.5) for k in range(144)]), m.t([1], [-1000.0])],
         [fc])
    outs.append(fc)
    rows, sm = m.t(s), m.t([1, 1, 6, 4])
    m.op('MUL', 'Mul', [(0, 'b', 0)], [x, m.t([1, 6, 1, 1], [1.0, 0, 0, 0, 0, 0])], [rows])
    m.op('SUM', 'Reducer', [(0, 'b', 1)], [rows, m.t([1], [1], tw.TT_INT32)], [sm])
    outs.append(sm)
    with open(sys.argv[1], 'wb') as f:
        f.write(tw.model_ops(m.ops, m.tensors, [x], outs))


if __name__ == '__main__':
    main()
