#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write a seeded random float graph: the shapes and op mixes no corpus model has.

    tests/models/random_graph.py SEED OUT.tflite

One float32 input [1, H, W, C] (H, W 5..33, C 1..16), then 4 to 12 ops
drawn from what the quantizer and the compiler take, each on a tensor of
the graph so far (fan-out, residual branches, concatenations of branches
of different depths): CONV_2D (1x1 to 5x5, stride 1 or 2, SAME or VALID,
dilation 2 now and then, a fused activation), DEPTHWISE_CONV_2D (depth
multiplier 1 or 2), TRANSPOSE_CONV, ADD/SUB/MUL/MAXIMUM/MINIMUM of two
branches or with a broadcast constant, CONCATENATION, MAX_POOL_2D and
AVERAGE_POOL_2D, RESIZE_BILINEAR (either corner rule) and
RESIZE_NEAREST_NEIGHBOR, PAD, the activations (RELU, RELU6, LOGISTIC,
TANH, HARD_SWISH, LEAKY_RELU, PRELU, ELU, GELU), DEPTH_TO_SPACE and SPACE_TO_DEPTH,
STRIDED_SLICE; it ends with MEAN and FULLY_CONNECTED (and SOFTMAX) or a
last convolution, and a second output now and then from inside the graph.
Weights are scaled to the fan-in so the values stay near 1 through the
graph. The same seed writes the same file. Prints the ops it drew.

tests/host/test-random-graphs.sh quantizes each graph and runs it on every
CPU kernel set against the oracle: compiler fusion, memory planning and
kernel shape classes in combinations the corpus never has.
"""
import math
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

# TFLite builtin codes and their options' union indices
OPS = {'ADD': 0, 'AVERAGE_POOL_2D': 1, 'CONCATENATION': 2, 'CONV_2D': 3,
       'DEPTHWISE_CONV_2D': 4, 'DEPTH_TO_SPACE': 5, 'FULLY_CONNECTED': 9,
       'LOGISTIC': 14, 'MAX_POOL_2D': 17, 'MUL': 18, 'RELU': 19,
       'RELU6': 21, 'RESHAPE': 22, 'RESIZE_BILINEAR': 23, 'SOFTMAX': 25,
       'SPACE_TO_DEPTH': 26, 'TANH': 28, 'PAD': 34, 'MEAN': 40, 'SUB': 41,
       'STRIDED_SLICE': 45, 'PRELU': 54, 'MAXIMUM': 55, 'MINIMUM': 57,
       'TRANSPOSE_CONV': 67, 'RESIZE_NEAREST_NEIGHBOR': 97,
       'LEAKY_RELU': 98, 'ELU': 111, 'HARD_SWISH': 117, 'GELU': 150}
OPT = {'Conv2D': 1, 'DepthwiseConv2D': 2, 'Pool2D': 5, 'FullyConnected': 8,
       'Softmax': 9, 'Concatenation': 10, 'Add': 11, 'ResizeBilinear': 15,
       'Reshape': 17, 'SpaceToDepth': 19, 'Mul': 21, 'Pad': 22,
       'Reducer': 27, 'Sub': 28, 'StridedSlice': 32, 'MaximumMinimum': 39,
       'TransposeConv': 49, 'ResizeNearestNeighbor': 74, 'LeakyRelu': 75,
       'HardSwish': 91, 'DepthToSpace': 94, 'Gelu': 116}
F32, I32 = tw.TT_FLOAT32, tw.TT_INT32
ACTS = ['NONE', 'NONE', 'RELU', 'RELU6']


def pad_same(size, k, stride, dil):
    eff = (k - 1) * dil + 1
    out = (size + stride - 1) // stride
    return out, max((out - 1) * stride + eff - size, 0) // 2


def out_valid(size, k, stride, dil):
    return (size - ((k - 1) * dil + 1)) // stride + 1


class Graph:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.tensors = []
        self.ops = []
        self.live = []          # (tensor, shape), the tensors ops may read
        self.names = []

    def tensor(self, shape, data=None, ttype=F32):
        t = {'shape': list(shape), 'type': ttype}
        if data is not None:
            fmt = 'f' if ttype == F32 else 'i'
            t['data'] = struct.pack('<%d%s' % (len(data), fmt), *data)
        self.tensors.append(t)
        return len(self.tensors) - 1

    def floats(self, n, a):
        return [self.r.uniform(-a, a) for _ in range(n)]

    def op(self, name, opts_t, opts, ins, shape, live=True):
        out = self.tensor(shape)
        self.ops.append((OPS[name], opts_t, opts, ins, [out]))
        self.names.append(name)
        if live:
            self.live.append((out, list(shape)))
        return out, list(shape)

    def pick(self):
        """A tensor of the graph: the newest mostly, an older one now and then."""
        if self.r.random() < 0.7:
            return self.live[-1]
        return self.r.choice(self.live)

    # --- the ops -------------------------------------------------------------
    def conv(self, x, oc=None, k=None, stride=None, act=None, live=True, same=False):
        t, (n, h, w, c) = x
        r = self.r
        k = k or r.choice([1, 1, 3, 3, 3, 5])
        stride = stride or (2 if r.random() < 0.25 and min(h, w) >= 4 else 1)
        dil = 2 if k == 3 and stride == 1 and r.random() < 0.15 and min(h, w) >= 6 else 1
        pad = (tw.PAD_VALID if not same and r.random() < 0.2 and min(h, w) >= (k - 1) * dil + 1
               else tw.PAD_SAME)
        oc = oc or r.choice([1, 3, 4, 8, 8, 12, 16, 16, 24, 35])
        if pad == tw.PAD_SAME:
            oh, _ = pad_same(h, k, stride, dil)
            ow, _ = pad_same(w, k, stride, dil)
        else:
            oh, ow = out_valid(h, k, stride, dil), out_valid(w, k, stride, dil)
        a = math.sqrt(3.0 / (k * k * c))
        f = self.tensor([oc, k, k, c], self.floats(oc * k * k * c, a))
        b = self.tensor([oc], self.floats(oc, 0.1))
        act = act if act is not None else r.choice(ACTS)
        opts = [(0, 'b', pad), (1, 'i', stride), (2, 'i', stride),
                (3, 'b', tw.ACT[act]), (4, 'i', dil), (5, 'i', dil)]
        return self.op('CONV_2D', OPT['Conv2D'], opts, [t, f, b], [n, oh, ow, oc], live)

    def dwconv(self, x):
        t, (n, h, w, c) = x
        r = self.r
        k = r.choice([3, 3, 5])
        stride = 2 if r.random() < 0.3 and min(h, w) >= 4 else 1
        dm = 2 if r.random() < 0.15 else 1
        oh, _ = pad_same(h, k, stride, 1)
        ow, _ = pad_same(w, k, stride, 1)
        oc = c * dm
        f = self.tensor([1, k, k, oc], self.floats(oc * k * k, math.sqrt(3.0 / (k * k))))
        b = self.tensor([oc], self.floats(oc, 0.1))
        opts = [(0, 'b', tw.PAD_SAME), (1, 'i', stride), (2, 'i', stride), (3, 'i', dm),
                (4, 'b', tw.ACT[r.choice(ACTS)]), (5, 'i', 1), (6, 'i', 1)]
        return self.op('DEPTHWISE_CONV_2D', OPT['DepthwiseConv2D'], opts, [t, f, b],
                       [n, oh, ow, oc])

    def tconv(self, x):
        t, (n, h, w, c) = x
        if h * w > 256:
            return self.conv(x)
        oc = self.r.choice([4, 8, 16])
        k = 2 if self.r.random() < 0.5 else 3
        s = 2
        oh, ow = h * s, w * s
        shape = self.tensor([4], [n, oh, ow, oc], I32)
        f = self.tensor([oc, k, k, c], self.floats(oc * k * k * c, math.sqrt(3.0 / (k * k * c))))
        opts = [(0, 'b', tw.PAD_SAME), (1, 'i', s), (2, 'i', s)]
        return self.op('TRANSPOSE_CONV', OPT['TransposeConv'], opts, [shape, f, t],
                       [n, oh, ow, oc])

    def binary(self, x):
        t, shape = x
        r = self.r
        name = r.choice(['ADD', 'ADD', 'ADD', 'SUB', 'MUL', 'MUL', 'MAXIMUM', 'MINIMUM'])
        opts_t = {'ADD': OPT['Add'], 'SUB': OPT['Sub'], 'MUL': OPT['Mul']}.get(
            name, OPT['MaximumMinimum'])
        act = [(0, 'b', tw.ACT[r.choice(ACTS)])] if name in ('ADD', 'SUB', 'MUL') else []
        same = [y for y in self.live if y[1] == shape and y[0] != t]
        u = r.random()
        if same and u < 0.4:
            y = r.choice(same)[0]
        elif u < 0.75:
            # a branch of x to the same shape: the residual pattern
            y = self.conv(x, oc=shape[3], k=r.choice([1, 3]), stride=1, live=False, same=True)[0]
        else:
            # a constant: one per channel or one value
            c = shape[3] if r.random() < 0.7 else 1
            y = self.tensor([c] if c > 1 else [], [r.uniform(0.3, 1.5) * r.choice([-1, 1])
                                                 for _ in range(c)])
        ins = [t, y] if r.random() < 0.5 else [y, t]
        return self.op(name, opts_t, act, ins, shape)

    def concat(self, x):
        t, (n, h, w, c) = x
        same = [y for y in self.live if y[1][:3] == [n, h, w] and y[0] != t]
        if same and self.r.random() < 0.5:
            y, ys = self.r.choice(same)
        else:
            y, ys = self.conv(x, stride=1, live=False, same=True)
        ins = [t, y] if self.r.random() < 0.5 else [y, t]
        return self.op('CONCATENATION', OPT['Concatenation'], [(0, 'i', 3), (1, 'b', 0)],
                       ins, [n, h, w, c + ys[3]])

    def pool(self, x):
        t, (n, h, w, c) = x
        r = self.r
        name = r.choice(['MAX_POOL_2D', 'AVERAGE_POOL_2D'])
        if min(h, w) >= 2 and r.random() < 0.6:
            k, s, pad = 2, 2, tw.PAD_VALID
            oh, ow = h // 2, w // 2
        else:
            k, s, pad = 3, 1, tw.PAD_SAME
            oh, ow = h, w
        opts = [(0, 'b', pad), (1, 'i', s), (2, 'i', s), (3, 'i', k), (4, 'i', k), (5, 'b', 0)]
        return self.op(name, OPT['Pool2D'], opts, [t], [n, oh, ow, c])

    def resize(self, x):
        t, (n, h, w, c) = x
        r = self.r
        if h * w * 4 > 40 * 40:
            return self.pool(x)
        oh, ow = (2 * h, 2 * w) if r.random() < 0.6 else (h + r.randint(1, 9), w + r.randint(1, 9))
        size = self.tensor([2], [oh, ow], I32)
        align = r.random() < 0.3
        hpc = not align and r.random() < 0.6
        if r.random() < 0.7:
            opts = [(2, 'b', int(align)), (3, 'b', int(hpc))]
            return self.op('RESIZE_BILINEAR', OPT['ResizeBilinear'], opts, [t, size], [n, oh, ow, c])
        opts = [(0, 'b', int(align)), (1, 'b', int(hpc))]
        return self.op('RESIZE_NEAREST_NEIGHBOR', OPT['ResizeNearestNeighbor'], opts, [t, size],
                       [n, oh, ow, c])

    def pad(self, x):
        t, (n, h, w, c) = x
        r = self.r
        p = [0, 0, r.randint(0, 2), r.randint(0, 2), r.randint(0, 2), r.randint(0, 2), 0,
             r.choice([0, 0, 0, 3])]
        pt = self.tensor([4, 2], p, I32)
        return self.op('PAD', OPT['Pad'], [], [t, pt],
                       [n, h + p[2] + p[3], w + p[4] + p[5], c + p[6] + p[7]])

    def activation(self, x):
        t, shape = x
        r = self.r
        name = r.choice(['RELU', 'RELU6', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU',
                         'PRELU', 'PRELU', 'ELU', 'GELU'])
        if name == 'GELU':
            return self.op(name, OPT['Gelu'], [(0, 'B', int(r.random() < 0.5))], [t], shape)
        if name == 'HARD_SWISH':
            return self.op(name, OPT['HardSwish'], [], [t], shape)
        if name == 'LEAKY_RELU':
            return self.op(name, OPT['LeakyRelu'], [(0, 'f', r.choice([0.1, 0.2, 0.01]))],
                           [t], shape)
        if name == 'PRELU':
            c = shape[3]
            al = self.tensor([1, 1, c], [r.uniform(0.0, 0.5) for _ in range(c)])
            return self.op(name, 0, [], [t, al], shape)
        return self.op(name, 0, [], [t], shape)

    def blocks(self, x):
        t, (n, h, w, c) = x
        if h % 2 == 0 and w % 2 == 0 and self.r.random() < 0.5:
            return self.op('SPACE_TO_DEPTH', OPT['SpaceToDepth'], [(0, 'i', 2)], [t],
                           [n, h // 2, w // 2, c * 4])
        if c % 4 == 0 and h * w * 4 <= 40 * 40:
            return self.op('DEPTH_TO_SPACE', OPT['DepthToSpace'], [(0, 'i', 2)], [t],
                           [n, h * 2, w * 2, c // 4])
        return self.activation(x)

    def slice(self, x):
        t, (n, h, w, c) = x
        r = self.r
        if h < 3 or w < 3:
            return self.activation(x)
        b = [0, r.randint(0, h // 3), r.randint(0, w // 3), 0]
        e = [n, h - r.randint(0, h // 3), w - r.randint(0, w // 3), c]
        s = [1, r.choice([1, 1, 2]), r.choice([1, 1, 2]), 1]
        shape = [n] + [-(-(e[i] - b[i]) // s[i]) for i in (1, 2)] + [c]
        ins = [t, self.tensor([4], b, I32), self.tensor([4], e, I32), self.tensor([4], s, I32)]
        return self.op('STRIDED_SLICE', OPT['StridedSlice'], [], ins, shape)

    def head(self, x):
        """MEAN over H and W, FULLY_CONNECTED, SOFTMAX now and then; or a last convolution."""
        t, (n, h, w, c) = x
        r = self.r
        if r.random() < 0.4:
            return self.conv(x, act='NONE')
        ax = self.tensor([2], [1, 2], I32)
        m, _ = self.op('MEAN', OPT['Reducer'], [(0, 'b', 0)], [t, ax], [n, c])
        k = r.choice([2, 10, 17])
        f = self.tensor([k, c], self.floats(k * c, math.sqrt(3.0 / c)))
        b = self.tensor([k], self.floats(k, 0.1))
        y, _ = self.op('FULLY_CONNECTED', OPT['FullyConnected'],
                       [(0, 'b', 0), (1, 'b', 0), (2, 'b', 0)], [m, f, b], [n, k])
        if r.random() < 0.5:
            return self.op('SOFTMAX', OPT['Softmax'], [(0, 'f', 1.0)], [y], [n, k])
        return y, [n, k]


def main():
    seed, out = int(sys.argv[1]), sys.argv[2]
    g = Graph(seed)
    r = g.r
    shape = [1, r.randint(5, 33), r.randint(5, 33), r.choice([1, 2, 3, 3, 4, 8, 16])]
    x = g.tensor(shape)
    g.live.append((x, shape))
    # a stem convolution: the quantizer's input scale comes from the data
    g.conv(g.live[-1])
    draws = [(g.conv, 5), (g.dwconv, 4), (g.binary, 5), (g.concat, 2), (g.pool, 2),
             (g.resize, 2), (g.pad, 1), (g.activation, 3), (g.blocks, 1), (g.slice, 1),
             (g.tconv, 1)]
    fns = [f for f, wgt in draws for _ in range(wgt)]
    for _ in range(r.randint(3, 10)):
        r.choice(fns)(g.pick())
    last, _ = g.head(g.live[-1])
    outs = [last]
    inner = [t for t, s in g.live[1:-1] if t != last]
    if inner and r.random() < 0.3:
        outs.append(r.choice(inner))
    with open(out, 'wb') as f:
        f.write(tw.model_ops(g.ops, g.tensors, [x], outs))
    print('seed %d: input %s, %d ops: %s; outputs %d' % (seed, shape, len(g.ops),
                                                       ' '.join(g.names), len(outs)))


if __name__ == '__main__':
    main()
