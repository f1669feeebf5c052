#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write dilated_convs.tflite: dilated convolutions as TF's older converters
wrote them, SPACE_TO_BATCH_ND, a convolution, BATCH_TO_SPACE_ND.

The compiler runs such a stride-1 VALID CONV_2D or DEPTHWISE_CONV_2D
between two of one block as one dilated convolution (find_dilation() in
libedgeai/src/compiler/compile.c); any other three stay three ops. On
x [1, 19, 23, 6] (block; paddings; crops):

    output 0: CONV_2D 3x3 -> 8, block 2 2; 2 3, 2 3; 0 1, 0 1
    output 1: DEPTHWISE_CONV_2D 3x3, block 3 2; 3 5, 2 3; 0 2, 0 1
    output 2: CONV_2D 5x3 -> 4, block 4 1; 8 9, 1 1; 0 1, 0 0 (RELU6)
    output 3: CONV_2D 3x3 -> 5 SAME inside the pieces, block 2 2;
              1 0, 1 0; 1 0, 1 0: not a dilated convolution, three ops
    output 4: CONV_2D 3x3 -> 4, block 2 2; 2 3, 2 3; 0 1, 0 1, and the
              SPACE_TO_BATCH_ND's output is also output 5: three ops
    output 6: CONV_2D 1x1 -> 3, block 2 2; 0 1, 0 1; 0 1, 0 1
    output 7: DEPTHWISE_CONV_2D 3x3, depth multiplier 2, block 2 2;
              2 3, 2 3; 0 1, 0 1

Weights are seeded: the file is the same on every run.

    tests/models/dilated_convs.py OUT.tflite
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

OP = {'CONV_2D': 3, 'DEPTHWISE_CONV_2D': 4, 'SPACE_TO_BATCH_ND': 38, 'BATCH_TO_SPACE_ND': 37}
OPT = {'Conv2D': 1, 'DepthwiseConv2D': 2}
F32, I32 = tw.TT_FLOAT32, tw.TT_INT32
ACT = {'NONE': 0, 'RELU6': 3}


class Model:
    def __init__(self):
        self.tensors, self.ops = [], []

    def t(self, shape, data=None, ttype=F32):
        d = {'shape': list(shape), 'type': ttype}
        if data is not None:
            d['data'] = struct.pack('<%d%s' % (len(data), 'f' if ttype == F32 else 'i'),
                                    *data)
        self.tensors.append(d)
        return len(self.tensors) - 1

    def op(self, name, opt, opts, ins, outs):
        self.ops.append((OP[name], OPT[opt] if opt else 0, opts, ins, outs))


def dilated(m, r, x, shape, oc, k, block, pads, crops, dw=0, pad=tw.PAD_VALID,
            act='NONE'):
    """SPACE_TO_BATCH_ND, the convolution, BATCH_TO_SPACE_ND on x of
    @shape; returns (the output, the SPACE_TO_BATCH_ND's output)."""
    n, h, w, c = shape
    bh, bw = block
    kh, kw = k
    hp, wp = h + pads[0] + pads[1], w + pads[2] + pads[3]
    ph, pw = hp // bh, wp // bw
    sb = m.t([n * bh * bw, ph, pw, c])
    m.op('SPACE_TO_BATCH_ND', None, [],
         [x, m.t([2], list(block), I32), m.t([2, 2], list(pads), I32)], [sb])
    oh, ow = (ph, pw) if pad == tw.PAD_SAME else (ph - kh + 1, pw - kw + 1)
    fan = kh * kw * (1 if dw else c)
    if dw:
        oc = c * dw
        wt = m.t([1, kh, kw, oc], [r.uniform(-1, 1) / fan ** 0.5 for _ in range(kh * kw * oc)])
    else:
        wt = m.t([oc, kh, kw, c],
                 [r.uniform(-1, 1) / fan ** 0.5 for _ in range(oc * kh * kw * c)])
    b = m.t([oc], [r.uniform(-0.2, 0.2) for _ in range(oc)])
    cv = m.t([n * bh * bw, oh, ow, oc])
    if dw:
        m.op('DEPTHWISE_CONV_2D', 'DepthwiseConv2D',
             [(0, 'b', pad), (1, 'i', 1), (2, 'i', 1), (3, 'i', dw), (4, 'b', ACT[act]),
              (5, 'i', 1), (6, 'i', 1)], [sb, wt, b], [cv])
    else:
        m.op('CONV_2D', 'Conv2D', [(0, 'b', pad), (1, 'i', 1), (2, 'i', 1),
                                   (3, 'b', ACT[act]), (4, 'i', 1), (5, 'i', 1)],
             [sb, wt, b], [cv])
    y = m.t([n, oh * bh - crops[0] - crops[1], ow * bw - crops[2] - crops[3], oc])
    m.op('BATCH_TO_SPACE_ND', None, [],
         [cv, m.t([2], list(block), I32), m.t([2, 2], list(crops), I32)], [y])
    return y, sb


def main():
    r = random.Random(77)
    m = Model()
    s = [1, 19, 23, 6]
    x = m.t(s)
    outs = [dilated(m, r, x, s, 8, (3, 3), (2, 2), (2, 3, 2, 3), (0, 1, 0, 1))[0],
            dilated(m, r, x, s, 0, (3, 3), (3, 2), (3, 5, 2, 3), (0, 2, 0, 1), dw=1)[0],
            dilated(m, r, x, s, 4, (5, 3), (4, 1), (8, 9, 1, 1), (0, 1, 0, 0),
                    act='RELU6')[0],
            dilated(m, r, x, s, 5, (3, 3), (2, 2), (1, 0, 1, 0), (1, 0, 1, 0),
                    pad=tw.PAD_SAME)[0]]
    y, sb = dilated(m, r, x, s, 4, (3, 3), (2, 2), (2, 3, 2, 3), (0, 1, 0, 1))
    outs += [y, sb, dilated(m, r, x, s, 3, (1, 1), (2, 2), (0, 1, 0, 1), (0, 1, 0, 1))[0],
             dilated(m, r, x, s, 0, (3, 3), (2, 2), (2, 3, 2, 3), (0, 1, 0, 1), dw=2)[0]]
    with open(sys.argv[1], 'wb') as f:
        f.write(tw.model_ops(m.ops, m.tensors, [x], outs))


if __name__ == '__main__':
    main()
