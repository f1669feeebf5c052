#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write shape_ops.tflite: the data-movement ops the compiler lowers.

(With SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND, which it lowers to PAD,
TRANSPOSE and STRIDED_SLICE, TILE and BROADCAST_TO, which it lowers to
CONCATENATIONs, MEAN over other axes than H and W, REDUCE_MAX and RELU_N1_TO_1,
which it lowers to MEAN, MAX_POOL_2D and RELU6 on views, REDUCE_MIN and
ARG_MIN, which it lowers to REDUCE_MAX's and ARG_MAX's ops on the
stored bytes flipped by a TABLE, ARG_MAX,
MIRROR_PAD, which it lowers to STRIDED_SLICEs and concatenations,
GATHER, which it lowers to a STRIDED_SLICE or a RESIZE_NEAREST_NEIGHBOR
whose map is the indices, ELU, GELU, ABS and RSQRT, which become the program's
TABLE op, a layer normalization: MEAN, SQUARED_DIFFERENCE, RSQRT, and
L2_NORMALIZATION.)

SLICE, SPLIT, SPLIT_V, UNPACK, PACK, EXPAND_DIMS and PADV2 move bytes
that the program's STRIDED_SLICE, CONCATENATION, PAD and RESHAPE move;
the compiler lowers them to those (libedgeai/src/compiler/compile.c).
Detectors, landmark and audio models from converters other than
MediaPipe's use them (a Conv1D is EXPAND_DIMS, CONV_2D, SQUEEZE; SSD
heads SPLIT and PACK; TF's quantized max-pool padding PADV2 with the
lowest value). On [1, 12, 10, 3]:

    CONV_2D 3x3 -> 8 channels
    SPLIT (channels, 2)          -> a, b            [1, 12, 10, 4] each
    SPLIT_V (rows 10, -1) of a   -> a1 [1, 10, ...], a2 [1, 2, ...]
    UNPACK (rows) of a1, PACK (rows) in reverse order: a1 upside down
                                 (ten inputs: two program concatenations)
    SQUEEZE a2, EXPAND_DIMS back: the same bytes through a rank-3 tensor
    CONCATENATION (rows) of the two                -> [1, 12, 10, 4]
    SLICE b (begin 0 2 1 0, size 1 -1 8 -1)        -> [1, 10, 8, 4]
    PADV2 (rows 1 1, columns 0 2) with -2.5        -> [1, 12, 10, 4]
    UNPACK (channels) of the padded tensor, PACK (channels) in another order
    ADD of the two halves, CONV_2D 1x1 -> output 0 [1, 12, 10, 5]
    output 1: the second SPLIT_V piece [1, 2, 10, 4]
    output 2: MEAN of the sum over the columns [1, 12, 4] (the reference path)
    output 3: REDUCE_MAX of the permuted tensor over H and W [1, 1, 1, 4]
    output 4: RELU_N1_TO_1 of the concatenation [1, 12, 10, 4]
    output 5: ARG_MAX of output 0 over the channels, int64 [1, 12, 10]
    output 6: the concatenation MIRROR_PADded, REFLECT (rows 2 1, columns
              1 3) then SYMMETRIC (rows 0 1, channels 1 1), then GATHERed
              on the channels by 5 4 3 3 0 1 2 (a run down, a repeat, a
              run up) [1, 16, 14, 7]
    output 7: rows 11, 0 and 6 of the permuted tensor (GATHER, axis -3)
    output 8: GELU (tanh form) of ELU of the permuted tensor [1, 12, 10, 4]
    output 9: GELU (erf form) of the sum [1, 12, 10, 4]
    output 10: RSQRT of ABS of the permuted tensor plus 0.5 [1, 12, 10, 4]
    output 11: the sum normalized over its channels, as a converted
               LayerNormalization is: (x - mean) * RSQRT(MEAN of
               SQUARED_DIFFERENCE(x, mean) + 0.001) [1, 12, 10, 4]
    output 12: L2_NORMALIZATION of output 0 over its channels [1, 12, 10, 5]
    output 13: REDUCE_MIN of the permuted tensor over H and W [1, 1, 1, 4]
    output 14: ARG_MIN of output 0 over the channels, int32 [1, 12, 10]
    output 15: SUM of the sum over the channels [1, 12, 10] (float in TFLite)
    output 16: a 3x3 convolution of the sum dilated by 2, as TF's older
               converters write one: SPACE_TO_BATCH_ND (block 2 2,
               paddings rows 2 4, columns 2 2) -> [4, 9, 7, 4], CONV_2D
               VALID, BATCH_TO_SPACE_ND (crops rows 0 2) [1, 12, 10, 4]
    output 17: the mean over the channels BROADCAST_TO [1, 12, 10, 4]
    output 18: output 3 TILEd by 1 3 2 3 [1, 3, 2, 12]
    output 19: self-attention over each row of the sum, as converted
               attention is: BATCH_MATMUL(s, s, adj_y) [1, 12, 10, 10],
               SOFTMAX, BATCH_MATMUL of that by s [1, 12, 10, 4]
    output 20: the sum times constant weights [4, 6] (BATCH_MATMUL of a
               layer's weights, which the compiler makes FULLY_CONNECTED)
               [1, 12, 10, 6]
    output 21: the sum times constant matrices [12, 4, 3], one per row
               (a constant right input with a batch) [1, 12, 10, 3]
    output 22: the permuted tensor reversed along its columns (REVERSE_V2,
               axis -2) [1, 12, 10, 4]
    output 23: the mean over the columns reversed along its channels
               (REVERSE_V2 of a rank-3 tensor, axis 2) [1, 12, 4]
    output 24: the sum's channels shuffled as ShuffleNet does: RESHAPE to
               [1, 12, 10, 2, 2], TRANSPOSE 0 1 2 4 3, RESHAPE back
               [1, 12, 10, 4]
    output 25: the first convolution's channels moved into rows through
               rank 5 (four axes move apart): RESHAPE to [1, 12, 10, 2, 4],
               TRANSPOSE 0 1 3 2 4, RESHAPE [1, 24, 10, 4]
    output 26: channel 2 of the sum (STRIDED_SLICE shrinking axis 3, as
               x[..., 2] is written) TILEd by 1 1 2 [1, 12, 20]
    output 27: column 3 of the sum (shrinking axis 2) reversed along its
               rows [1, 12, 4]
    output 28: 80 seeded columns of the sum, repeats and all (GATHER,
               axis 2: more runs than slices would do) [1, 12, 80, 4]

The pad value lies below what the convolution gives, so the quantized
model pads with a value other than the zero point (a concatenation of
constant rows); the UNPACK and PACK on the channels need RESHAPE views
(their axis is not the first). Weights are seeded: the file is the same
on every run.

    tests/models/shape_ops.py OUT.tflite
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

OP = {'ADD': 0, 'CONCATENATION': 2, 'CONV_2D': 3, 'RELU_N1_TO_1': 20, 'MEAN': 40,
      'ARG_MAX': 56, 'ARG_MIN': 79, 'REDUCE_MIN': 89, 'SUM': 74, 'MIRROR_PAD': 100, 'GATHER': 36,
      'SQUEEZE': 43, 'SPLIT': 49, 'PADV2': 60, 'SLICE': 65, 'EXPAND_DIMS': 70,
      'REDUCE_MAX': 82, 'PACK': 83, 'UNPACK': 88, 'SPLIT_V': 102, 'ELU': 111,
      'GELU': 150, 'ABS': 101, 'RSQRT': 76,
      'SQUARED_DIFFERENCE': 99, 'SUB': 41, 'MUL': 18, 'L2_NORMALIZATION': 11,
      'SPACE_TO_BATCH_ND': 38, 'BATCH_TO_SPACE_ND': 37, 'TILE': 69, 'BROADCAST_TO': 130,
      'BATCH_MATMUL': 126, 'SOFTMAX': 25, 'REVERSE_V2': 105, 'RESHAPE': 22, 'TRANSPOSE': 39,
      'STRIDED_SLICE': 45}
OPT = {'Conv2D': 1, 'Concatenation': 10, 'Add': 11, 'Reducer': 27, 'Squeeze': 30,
       'Split': 35, 'PadV2': 43, 'Slice': 48, 'ExpandDims': 52, 'Pack': 59,
       'Unpack': 64, 'SplitV': 79, 'ArgMax': 40, 'ArgMin': 57, 'MirrorPad': 77,
       'Gather': 23, 'Gelu': 116, 'Sub': 28, 'Mul': 21, 'L2Norm': 12,
       'BatchToSpaceND': 24, 'SpaceToBatchND': 25, 'BatchMatMul': 101, 'Softmax': 9,
       'Reshape': 17, 'Transpose': 26, 'StridedSlice': 32}
F32, I32 = tw.TT_FLOAT32, tw.TT_INT32


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


def conv(m, r, x, ic, oc, k, shape, pad=tw.PAD_SAME):
    w = m.t([oc, k, k, ic], [r.uniform(-0.5, 0.5) for _ in range(oc * k * k * ic)])
    b = m.t([oc], [r.uniform(-0.2, 0.2) for _ in range(oc)])
    y = m.t(shape)
    m.op('CONV_2D', 'Conv2D', [(0, 'b', pad), (1, 'i', 1), (2, 'i', 1),
                               (3, 'b', 0), (4, 'i', 1), (5, 'i', 1)], [x, w, b], [y])
    return y


def main():
    r = random.Random(65)
    m = Model()
    x = m.t([1, 12, 10, 3])
    c = conv(m, r, x, 3, 8, 3, [1, 12, 10, 8])
    a, b = m.t([1, 12, 10, 4]), m.t([1, 12, 10, 4])
    m.op('SPLIT', 'Split', [(0, 'i', 2)], [m.t([], [3], I32), c], [a, b])
    a1, a2 = m.t([1, 10, 10, 4]), m.t([1, 2, 10, 4])
    m.op('SPLIT_V', 'SplitV', [(0, 'i', 2)], [a, m.t([2], [10, -1], I32), m.t([], [1], I32)],
         [a1, a2])
    rows = [m.t([1, 10, 4]) for _ in range(10)]
    m.op('UNPACK', 'Unpack', [(0, 'i', 10), (1, 'i', 1)], [a1], rows)
    flip = m.t([1, 10, 10, 4])
    m.op('PACK', 'Pack', [(0, 'i', 10), (1, 'i', 1)], rows[::-1], [flip])
    sq = m.t([2, 10, 4])
    m.op('SQUEEZE', 'Squeeze', [], [a2], [sq])
    ex = m.t([1, 2, 10, 4])
    m.op('EXPAND_DIMS', 'ExpandDims', [], [sq, m.t([], [0], I32)], [ex])
    top = m.t([1, 12, 10, 4])
    m.op('CONCATENATION', 'Concatenation', [(0, 'i', 1), (1, 'b', 0)], [flip, ex], [top])
    sl = m.t([1, 10, 8, 4])
    m.op('SLICE', 'Slice', [], [b, m.t([4], [0, 2, 1, 0], I32), m.t([4], [1, -1, 8, -1], I32)],
         [sl])
    pd = m.t([1, 12, 10, 4])
    m.op('PADV2', 'PadV2', [], [sl, m.t([4, 2], [0, 0, 1, 1, 0, 2, 0, 0], I32),
                                m.t([], [-2.5])], [pd])
    chans = [m.t([1, 12, 10]) for _ in range(4)]
    m.op('UNPACK', 'Unpack', [(0, 'i', 4), (1, 'i', 3)], [pd], chans)
    perm = m.t([1, 12, 10, 4])
    m.op('PACK', 'Pack', [(0, 'i', 4), (1, 'i', -1)], [chans[2], chans[0], chans[3], chans[1]],
         [perm])
    s = m.t([1, 12, 10, 4])
    m.op('ADD', 'Add', [(0, 'b', 0)], [top, perm], [s])
    y = conv(m, r, s, 4, 5, 1, [1, 12, 10, 5])
    mw = m.t([1, 12, 4])
    m.op('MEAN', 'Reducer', [(0, 'b', 0)], [s, m.t([1], [2], I32)], [mw])
    mx = m.t([1, 1, 1, 4])
    m.op('REDUCE_MAX', 'Reducer', [(0, 'b', 1)], [perm, m.t([2], [1, 2], I32)], [mx])
    cl = m.t([1, 12, 10, 4])
    m.op('RELU_N1_TO_1', None, [], [top], [cl])
    am = m.t([1, 12, 10], ttype=tw.TT_INT64)
    m.op('ARG_MAX', 'ArgMax', [(0, 'b', tw.TT_INT64)], [y, m.t([], [-1], I32)], [am])
    rf = m.t([1, 15, 14, 4])
    m.op('MIRROR_PAD', 'MirrorPad', [(0, 'b', 0)],
         [top, m.t([4, 2], [0, 0, 2, 1, 1, 3, 0, 0], I32)], [rf])
    sy = m.t([1, 16, 14, 6])
    m.op('MIRROR_PAD', 'MirrorPad', [(0, 'b', 1)],
         [rf, m.t([4, 2], [0, 0, 0, 1, 0, 0, 1, 1], I32)], [sy])
    ga = m.t([1, 16, 14, 7])
    m.op('GATHER', 'Gather', [(0, 'i', 3), (1, 'i', 0)],
         [sy, m.t([7], [5, 4, 3, 3, 0, 1, 2], I32)], [ga])
    gr = m.t([1, 3, 10, 4])
    m.op('GATHER', 'Gather', [(0, 'i', -3), (1, 'i', 0)], [perm, m.t([3], [11, 0, 6], I32)], [gr])
    el = m.t([1, 12, 10, 4])
    m.op('ELU', None, [], [perm], [el])
    gt = m.t([1, 12, 10, 4])
    m.op('GELU', 'Gelu', [(0, 'B', 1)], [el], [gt])
    ge = m.t([1, 12, 10, 4])
    m.op('GELU', 'Gelu', [(0, 'B', 0)], [s], [ge])
    ab = m.t([1, 12, 10, 4])
    m.op('ABS', None, [], [perm], [ab])
    ap = m.t([1, 12, 10, 4])
    m.op('ADD', 'Add', [(0, 'b', 0)], [ab, m.t([1], [0.5])], [ap])
    rs = m.t([1, 12, 10, 4])
    m.op('RSQRT', None, [], [ap], [rs])
    mu = m.t([1, 12, 10, 1])
    m.op('MEAN', 'Reducer', [(0, 'b', 1)], [s, m.t([1], [-1], I32)], [mu])
    dv = m.t([1, 12, 10, 4])
    m.op('SUB', 'Sub', [(0, 'b', 0)], [s, mu], [dv])
    sq = m.t([1, 12, 10, 4])
    m.op('SQUARED_DIFFERENCE', None, [], [s, mu], [sq])
    var = m.t([1, 12, 10, 1])
    m.op('MEAN', 'Reducer', [(0, 'b', 1)], [sq, m.t([1], [-1], I32)], [var])
    ve = m.t([1, 12, 10, 1])
    m.op('ADD', 'Add', [(0, 'b', 0)], [var, m.t([1], [0.001])], [ve])
    rv = m.t([1, 12, 10, 1])
    m.op('RSQRT', None, [], [ve], [rv])
    ln = m.t([1, 12, 10, 4])
    m.op('MUL', 'Mul', [(0, 'b', 0)], [dv, rv], [ln])
    l2 = m.t([1, 12, 10, 5])
    m.op('L2_NORMALIZATION', 'L2Norm', [(0, 'b', 0)], [y], [l2])
    mn = m.t([1, 1, 1, 4])
    m.op('REDUCE_MIN', 'Reducer', [(0, 'b', 1)], [perm, m.t([2], [1, 2], I32)], [mn])
    ai = m.t([1, 12, 10], ttype=tw.TT_INT32)
    m.op('ARG_MIN', 'ArgMin', [(0, 'b', tw.TT_INT32)], [y, m.t([], [-1], I32)], [ai])
    sm = m.t([1, 12, 10])
    m.op('SUM', 'Reducer', [(0, 'b', 0)], [s, m.t([1], [-1], I32)], [sm])
    # a dilated convolution as TF's older converters leave it
    sb = m.t([4, 9, 7, 4])
    m.op('SPACE_TO_BATCH_ND', 'SpaceToBatchND', [],
         [s, m.t([2], [2, 2], I32), m.t([2, 2], [2, 4, 2, 2], I32)], [sb])
    dc = conv(m, r, sb, 4, 4, 3, [4, 7, 5, 4], tw.PAD_VALID)
    dl = m.t([1, 12, 10, 4])
    m.op('BATCH_TO_SPACE_ND', 'BatchToSpaceND', [],
         [dc, m.t([2], [2, 2], I32), m.t([2, 2], [0, 2, 0, 0], I32)], [dl])
    bc = m.t([1, 12, 10, 4])
    m.op('BROADCAST_TO', None, [], [mu, m.t([4], [1, 12, 10, 4], I32)], [bc])
    tl = m.t([1, 3, 2, 12])
    m.op('TILE', None, [], [mx, m.t([4], [1, 3, 2, 3], I32)], [tl])
    # attention over each row's 10 positions
    sc = m.t([1, 12, 10, 10])
    m.op('BATCH_MATMUL', 'BatchMatMul', [(0, 'b', 0), (1, 'b', 1)], [s, s], [sc])
    pr = m.t([1, 12, 10, 10])
    m.op('SOFTMAX', 'Softmax', [(0, 'f', 1.0)], [sc], [pr])
    at = m.t([1, 12, 10, 4])
    m.op('BATCH_MATMUL', 'BatchMatMul', [(0, 'b', 0), (1, 'b', 0)], [pr, s], [at])
    mw2 = m.t([1, 12, 10, 6])
    m.op('BATCH_MATMUL', 'BatchMatMul', [(0, 'b', 0), (1, 'b', 0)],
         [s, m.t([4, 6], [r.uniform(-0.6, 0.6) for _ in range(24)])], [mw2])
    mw3 = m.t([1, 12, 10, 3])
    m.op('BATCH_MATMUL', 'BatchMatMul', [(0, 'b', 0), (1, 'b', 0)],
         [s, m.t([12, 4, 3], [r.uniform(-0.6, 0.6) for _ in range(144)])], [mw3])
    rw = m.t([1, 12, 10, 4])
    m.op('REVERSE_V2', None, [], [perm, m.t([1], [-2], I32)], [rw])
    rc = m.t([1, 12, 4])
    m.op('REVERSE_V2', None, [], [mw, m.t([1], [2], I32)], [rc])
    s5 = m.t([1, 12, 10, 2, 2])
    m.op('RESHAPE', 'Reshape', [], [s, m.t([5], [1, 12, 10, 2, 2], I32)], [s5])
    t5 = m.t([1, 12, 10, 2, 2])
    m.op('TRANSPOSE', 'Transpose', [], [s5, m.t([5], [0, 1, 2, 4, 3], I32)], [t5])
    sh = m.t([1, 12, 10, 4])
    m.op('RESHAPE', 'Reshape', [], [t5, m.t([4], [1, 12, 10, 4], I32)], [sh])
    c5 = m.t([1, 12, 10, 2, 4])
    m.op('RESHAPE', 'Reshape', [], [c, m.t([5], [1, 12, 10, 2, 4], I32)], [c5])
    t6 = m.t([1, 12, 2, 10, 4])
    m.op('TRANSPOSE', 'Transpose', [], [c5, m.t([5], [0, 1, 3, 2, 4], I32)], [t6])
    ps = m.t([1, 24, 10, 4])
    m.op('RESHAPE', 'Reshape', [], [t6, m.t([4], [1, 24, 10, 4], I32)], [ps])
    c2 = m.t([1, 12, 10])
    m.op('STRIDED_SLICE', 'StridedSlice', [(4, 'i', 8)],
         [s, m.t([4], [0, 0, 0, 2], I32), m.t([4], [1, 12, 10, 3], I32),
          m.t([4], [1, 1, 1, 1], I32)], [c2])
    ct = m.t([1, 12, 20])
    m.op('TILE', None, [], [c2, m.t([3], [1, 1, 2], I32)], [ct])
    w3 = m.t([1, 12, 4])
    m.op('STRIDED_SLICE', 'StridedSlice', [(4, 'i', 4)],
         [s, m.t([4], [0, 0, 3, 0], I32), m.t([4], [1, 12, 4, 4], I32),
          m.t([4], [1, 1, 1, 1], I32)], [w3])
    wr = m.t([1, 12, 4])
    m.op('REVERSE_V2', None, [], [w3, m.t([1], [1], I32)], [wr])
    gc = m.t([1, 12, 80, 4])
    m.op('GATHER', 'Gather', [(0, 'i', 2), (1, 'i', 0)],
         [s, m.t([80], [r.randrange(10) for _ in range(80)], I32)], [gc])
    with open(sys.argv[1], 'wb') as f:
        # BROADCAST_TO's versions start at 2 in TFLite's op resolver
        f.write(tw.model_ops(m.ops, m.tensors, [x],
                             [y, a2, mw, mx, cl, am, ga, gr, gt, ge, rs, ln, l2, mn, ai, sm,
                              dl, bc, tl, at, mw2, mw3, rw, rc, sh, ps, ct, wr, gc],
                             versions={OP['BROADCAST_TO']: 2}))


if __name__ == '__main__':
    main()
