#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write attention.tflite: a small vision transformer as TF's converter writes one.

Audio transformers, MobileViT-style blocks and ViT heads convert to the
same ops: FULLY_CONNECTED on [1, tokens, dim] (keep_num_dims), heads split
by RESHAPE and TRANSPOSE, BATCH_MATMUL for the scores (adj_y) and for the
weights times V, a scalar MUL for 1/sqrt(head dim), SOFTMAX over the
keys, a converted LayerNormalization (MEAN, SQUARED_DIFFERENCE, RSQRT)
and a GELU MLP. On [1, 16, 16, 3]:

    CONV_2D 3x3 stride 2 -> [1, 8, 8, 24], RESHAPE -> 64 tokens [1, 64, 24]
    two blocks of
      LayerNormalization, Q, K, V = FULLY_CONNECTED 24 -> 24
      each RESHAPE [1, 64, 4, 6], TRANSPOSE 0 2 1 3 -> 4 heads [1, 4, 64, 6]
      BATCH_MATMUL(Q, K, adj_y) [1, 4, 64, 64], MUL 1/sqrt(6), SOFTMAX
      BATCH_MATMUL(., V) [1, 4, 64, 6], TRANSPOSE back, RESHAPE [1, 64, 24]
      FULLY_CONNECTED 24 -> 24, ADD the block's input
      LayerNormalization, FULLY_CONNECTED 24 -> 48, GELU, 48 -> 24, ADD
    output 0: MEAN over the tokens, FULLY_CONNECTED 24 -> 10, SOFTMAX [1, 10]
    output 1: the tokens after the blocks [1, 64, 24]

Weights are seeded: the file is the same on every run.

    tests/models/attention.py OUT.tflite
"""
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402
from shape_ops import OP, OPT, I32, Model  # noqa: E402

OP.update({'FULLY_CONNECTED': 9, 'RESHAPE': 22, 'TRANSPOSE': 39, 'ADD': 0,
           'MUL': 18, 'SOFTMAX': 25, 'BATCH_MATMUL': 126})
OPT.update({'FullyConnected': 8, 'Reshape': 17, 'Transpose': 26, 'Softmax': 9,
            'BatchMatMul': 101})
TOKENS, DIM, HEADS = 64, 24, 4
HD = DIM // HEADS


def fc(m, r, x, din, dout, lead):
    w = m.t([dout, din], [r.uniform(-1, 1) / math.sqrt(din) for _ in range(dout * din)])
    b = m.t([dout], [r.uniform(-0.1, 0.1) for _ in range(dout)])
    y = m.t(lead + [dout])
    # fused activation NONE, default weights format, keep_num_dims
    m.op('FULLY_CONNECTED', 'FullyConnected', [(0, 'b', 0), (1, 'b', 0), (2, 'b', 1)],
         [x, w, b], [y])
    return y


def reshape(m, x, shape):
    y = m.t(shape)
    m.op('RESHAPE', 'Reshape', [], [x, m.t([len(shape)], shape, I32)], [y])
    return y


def transpose(m, x, perm, shape):
    y = m.t(shape)
    m.op('TRANSPOSE', 'Transpose', [], [x, m.t([len(perm)], perm, I32)], [y])
    return y


def binary(m, name, a, b, shape):
    y = m.t(shape)
    m.op(name, 'Add' if name == 'ADD' else 'Mul', [(0, 'b', 0)], [a, b], [y])
    return y


def layer_norm(m, r, x):
    """(x - mean) * RSQRT(MEAN((x - mean)^2) + eps) * gamma + beta, over DIM."""
    sh = [1, TOKENS, DIM]
    axis = m.t([1], [-1], I32)
    mu = m.t([1, TOKENS, 1])
    m.op('MEAN', 'Reducer', [(0, 'b', 1)], [x, axis], [mu])
    sq = m.t(sh)
    m.op('SQUARED_DIFFERENCE', None, [], [x, mu], [sq])
    var = m.t([1, TOKENS, 1])
    m.op('MEAN', 'Reducer', [(0, 'b', 1)], [sq, axis], [var])
    ve = binary(m, 'ADD', var, m.t([], [1e-3]), [1, TOKENS, 1])
    inv = m.t([1, TOKENS, 1])
    m.op('RSQRT', None, [], [ve], [inv])
    d = m.t(sh)
    m.op('SUB', 'Sub', [(0, 'b', 0)], [x, mu], [d])
    n = binary(m, 'MUL', d, inv, sh)
    g = binary(m, 'MUL', n, m.t([DIM], [r.uniform(0.7, 1.3) for _ in range(DIM)]), sh)
    return binary(m, 'ADD', g, m.t([DIM], [r.uniform(-0.2, 0.2) for _ in range(DIM)]), sh)


def heads(m, x):
    return transpose(m, reshape(m, x, [1, TOKENS, HEADS, HD]), [0, 2, 1, 3],
                     [1, HEADS, TOKENS, HD])


def block(m, r, t):
    sh = [1, TOKENS, DIM]
    ln = layer_norm(m, r, t)
    q, k, v = (heads(m, fc(m, r, ln, DIM, DIM, [1, TOKENS])) for _ in range(3))
    sc = m.t([1, HEADS, TOKENS, TOKENS])
    m.op('BATCH_MATMUL', 'BatchMatMul', [(0, 'b', 0), (1, 'b', 1)], [q, k], [sc])
    sc = binary(m, 'MUL', sc, m.t([], [1 / math.sqrt(HD)]), [1, HEADS, TOKENS, TOKENS])
    p = m.t([1, HEADS, TOKENS, TOKENS])
    m.op('SOFTMAX', 'Softmax', [(0, 'f', 1.0)], [sc], [p])
    ctx = m.t([1, HEADS, TOKENS, HD])
    m.op('BATCH_MATMUL', 'BatchMatMul', [(0, 'b', 0), (1, 'b', 0)], [p, v], [ctx])
    ctx = reshape(m, transpose(m, ctx, [0, 2, 1, 3], [1, TOKENS, HEADS, HD]), sh)
    t = binary(m, 'ADD', fc(m, r, ctx, DIM, DIM, [1, TOKENS]), t, sh)
    h = fc(m, r, layer_norm(m, r, t), DIM, 2 * DIM, [1, TOKENS])
    g = m.t([1, TOKENS, 2 * DIM])
    m.op('GELU', 'Gelu', [(0, 'b', 0)], [h], [g])
    return binary(m, 'ADD', fc(m, r, g, 2 * DIM, DIM, [1, TOKENS]), t, sh)


def main():
    r = random.Random(77)
    m = Model()
    x = m.t([1, 16, 16, 3])
    c = m.t([1, 8, 8, DIM])
    w = m.t([DIM, 3, 3, 3], [r.uniform(-0.5, 0.5) for _ in range(DIM * 27)])
    b = m.t([DIM], [r.uniform(-0.1, 0.1) for _ in range(DIM)])
    m.op('CONV_2D', 'Conv2D', [(0, 'b', tw.PAD_SAME), (1, 'i', 2), (2, 'i', 2),
                               (3, 'b', 0), (4, 'i', 1), (5, 'i', 1)], [x, w, b], [c])
    t = reshape(m, c, [1, TOKENS, DIM])
    for _ in range(2):
        t = block(m, r, t)
    pooled = m.t([1, DIM])
    m.op('MEAN', 'Reducer', [(0, 'b', 0)], [t, m.t([1], [1], I32)], [pooled])
    logits = fc(m, r, pooled, DIM, 10, [1])
    prob = m.t([1, 10])
    m.op('SOFTMAX', 'Softmax', [(0, 'f', 1.0)], [logits], [prob])
    with open(sys.argv[1], 'wb') as f:
        f.write(tw.model_ops(m.ops, m.tensors, [x], [prob, t]))


if __name__ == '__main__':
    main()
