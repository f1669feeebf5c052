#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write a seeded random float graph: the shapes and op mixes no corpus model has.

    tests/models/random_graph.py [--wide] SEED OUT.tflite

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

With --wide, a profile of its own (its own random stream: the files
without --wide stay what they were): an input [N, H, W, C] (N 1 to 3, C
up to 512 with H and W kept small, H and W up to 40 with few channels) or
[N, T, C], 4 to 14 ops on tensors of rank 1 to 4 (5 between a RESHAPE and
a TRANSPOSE, which the compiler's view of at most 4 moving axis groups
takes): CONV_2D and DEPTHWISE_CONV_2D with kernels up to 7x7, 1x7 and
7x1, strides and dilations up to 3 (either axis), depth multipliers up to
4; TRANSPOSE_CONV (stride up to 3, SAME or VALID); FULLY_CONNECTED
(keep_num_dims or not, without a bias now and then); BATCH_MATMUL (adj_x,
adj_y, a constant right input); ADD, SUB, MUL, MAXIMUM, MINIMUM,
SQUARED_DIFFERENCE with tensors broadcast from a reduction (keep_dims, or
a lower rank) and DIV by a constant; the activations, ABS, RSQRT (of a
positive tensor), SOFTMAX and L2_NORMALIZATION on the last axis; MEAN,
SUM, REDUCE_MAX, REDUCE_MIN over a run of axes (any order, negative
numbers, keep_dims or not; the compiler refuses holes longer than 1); ARG_MAX
and ARG_MIN (int32 or int64, as outputs of the graph); RESHAPE chains,
TRANSPOSE of rank 2 to 5, SQUEEZE (with and without squeeze_dims),
EXPAND_DIMS, REVERSE_V2 (one axis: TFLite 2.9 reverses only the first),
TILE, BROADCAST_TO, SLICE and STRIDED_SLICE (begin and end masks,
shrink_axis_mask, negative indices and strides), SPLIT, SPLIT_V, UNPACK
then PACK, GATHER (runs of indices up and down, 2-D indices),
CONCATENATION on any axis (a tensor with itself too), PAD, PADV2,
MIRROR_PAD, pools (kernels up to 7x7, strides up to 3, SAME or VALID),
resizes and DEPTH_TO_SPACE/SPACE_TO_DEPTH with blocks up to 4. Tensors stay
within 32768 elements and weighted ops within 3 million MACs.

From wide seed 25 (1 to 24, which every run of test-random-graphs.sh
takes, draw as before) the profile draws more: reductions over axes apart
only by axes of size 1 (a run of the axes longer than 1 with any of the
axes of size 1, an axis twice now and then, SUM of one value); global
reductions over more than 65536 values (a map resized to about 300 x 260,
reduced and broadcast back); GATHER by up to 300 scattered indices
(repeats, one index, runs up and down); and blocks as real models have
them: inverted residual blocks (1x1 expansion, depthwise 3x3 or 5x5,
1x1 projection, the input added back; RELU6 or HARD_SWISH), squeeze-excite
(MEAN over H, W keep_dims, 1x1 conv or FULLY_CONNECTED down, RELU, up,
hard-sigmoid or LOGISTIC, MUL broadcast), FPN levels (stride-2 convs, 1x1
laterals, nearest or bilinear upsampling and ADD), SSD heads (class and box
convs reshaped to [N, h * w * A, K] and concatenated on axis 1, LOGISTIC or
SOFTMAX, the boxes a second output), and a LOGISTIC or SOFTMAX head. NEG, SQRT,
POW and DIV by a tensor are not drawn: the quantizer's float reference
(libedgeai/src/quant/fref.c) does not take them.

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


# --- the wide profile (--wide) ------------------------------------------------
# Its own builtin codes and options; the default profile's tables and draws
# above stay as they are, so its files do not change.
WOPS = dict(OPS, SQUEEZE=43, EXPAND_DIMS=70, TRANSPOSE=39, REVERSE_V2=105, TILE=69,
            SLICE=65, SPLIT=49, SPLIT_V=102, PACK=83, UNPACK=88, GATHER=36,
            BATCH_MATMUL=126, ARG_MAX=56, ARG_MIN=79, SQUARED_DIFFERENCE=99, RSQRT=76,
            ABS=101, DIV=42, SUM=74, REDUCE_MAX=82, REDUCE_MIN=89, MIRROR_PAD=100,
            PADV2=60, BROADCAST_TO=130, L2_NORMALIZATION=11, RELU_N1_TO_1=20)
WOPT = dict(OPT, Squeeze=30, ExpandDims=52, Transpose=26, Slice=48, Split=35, SplitV=79,
            Pack=59, Unpack=64, Gather=23, BatchMatMul=101, ArgMax=40, ArgMin=57, Div=29,
            MirrorPad=77, PadV2=43, L2Norm=12)
WCHANS = [1, 2, 3, 5, 7, 8, 13, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512]
ELEMS = 32768       # elements of one activation tensor at most
MACS = 3000000      # multiply-accumulates of one weighted op at most
WACTS = ['NONE', 'NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1']


def prod(s):
    n = 1
    for d in s:
        n *= d
    return n


class WideGraph(Graph):
    """Graph's draws widened: tensors of rank 1 to 5 (5 only between RESHAPE and TRANSPOSE)."""

    def op(self, name, opts_t, opts, ins, shape, live=True, ttype=F32):
        out = self.tensor(shape, ttype=ttype)
        self.ops.append((WOPS[name], opts_t, opts, ins, [out]))
        self.names.append(name)
        if live and ttype == F32:
            self.live.append((out, list(shape)))
        return out, list(shape)

    def multi(self, name, opts_t, opts, ins, shapes):
        outs = [self.tensor(s) for s in shapes]
        self.ops.append((WOPS[name], opts_t, opts, ins, outs))
        self.names.append(name)
        for t, s in zip(outs, shapes):
            self.live.append((t, list(s)))
        return list(zip(outs, shapes))

    def ints(self, vals, shape=None):
        return self.tensor([len(vals)] if shape is None else shape, list(vals), I32)

    def pick_rank(self, lo=1, hi=4):
        """pick(), the newest tensor of rank lo..hi when that one is not."""
        x = self.pick()
        if lo <= len(x[1]) <= hi:
            return x
        for y in reversed(self.live):
            if lo <= len(y[1]) <= hi:
                return y
        return None

    def factor(self, n, rank):
        """A random shape of rank dims with n elements."""
        r = self.r
        ps, p, m = [], 2, n
        while m > 1:
            while m % p == 0:
                ps.append(p)
                m //= p
            p += 1
        s = [1] * rank
        for p in ps:
            s[r.randrange(rank)] *= p
        return s

    def reshape(self, x, shape):
        return self.op('RESHAPE', WOPT['Reshape'], [], [x[0], self.ints(shape)], shape)

    def to4(self, x):
        """x as [1, H, W, C] (a RESHAPE when it is not of rank 4)."""
        t, s = x
        if len(s) == 4:
            return x
        n = prod(s)
        c = s[-1] if s else 1
        hw = n // c
        h = 1
        for d in range(int(math.sqrt(hw)), 0, -1):
            if hw % d == 0:
                h = d
                break
        return self.reshape(x, [1, h, hw // h, c])

    # --- weighted ops ----------------------------------------------------------
    def kernel(self, h, w):
        r = self.r
        kh, kw = r.choice([(1, 1), (1, 1), (2, 2), (3, 3), (3, 3), (4, 4), (5, 5), (7, 7),
                           (1, 7), (7, 1), (1, 3), (3, 1), (1, 5), (5, 1), (2, 3)])
        sh = r.choice([1, 1, 1, 2, 2, 3])
        sw = sh if r.random() < 0.8 else r.choice([1, 2, 3])
        dh = r.choice([1, 1, 1, 2, 3]) if kh > 1 else 1
        dw = dh if r.random() < 0.8 else (r.choice([1, 2, 3]) if kw > 1 else 1)
        fits = h >= (kh - 1) * dh + 1 and w >= (kw - 1) * dw + 1
        pad = tw.PAD_VALID if fits and r.random() < 0.3 else tw.PAD_SAME
        if pad == tw.PAD_SAME:
            oh, ow = pad_same(h, kh, sh, dh)[0], pad_same(w, kw, sw, dw)[0]
        else:
            oh, ow = out_valid(h, kh, sh, dh), out_valid(w, kw, sw, dw)
        return kh, kw, sh, sw, dh, dw, pad, oh, ow

    def wconv(self, x, oc=None, act=None, live=True):
        t, (n, h, w, c) = self.to4(x)
        r = self.r
        kh, kw, sh, sw, dh, dw, pad, oh, ow = self.kernel(h, w)
        oc = oc or r.choice(WCHANS)
        oc = max(1, min(oc, ELEMS // (n * oh * ow), MACS // (n * oh * ow * kh * kw * c) or 1))
        a = math.sqrt(3.0 / (kh * kw * c))
        f = self.tensor([oc, kh, kw, c], self.floats(oc * kh * kw * c, a))
        b = self.tensor([oc], self.floats(oc, 0.1))
        act = act if act is not None else r.choice(WACTS)
        opts = [(0, 'b', pad), (1, 'i', sw), (2, 'i', sh), (3, 'b', tw.ACT[act]), (4, 'i', dw),
                (5, 'i', dh)]
        return self.op('CONV_2D', OPT['Conv2D'], opts, [t, f, b], [n, oh, ow, oc], live)

    def wdwconv(self, x):
        t, (n, h, w, c) = self.to4(x)
        r = self.r
        kh, kw, sh, sw, dh, dw, pad, oh, ow = self.kernel(h, w)
        dm = r.choice([1, 1, 1, 2, 3, 4])
        if n * oh * ow * c * dm > ELEMS:
            dm = 1
        oc = c * dm
        f = self.tensor([1, kh, kw, oc], self.floats(oc * kh * kw, math.sqrt(3.0 / (kh * kw))))
        b = self.tensor([oc], self.floats(oc, 0.1))
        opts = [(0, 'b', pad), (1, 'i', sw), (2, 'i', sh), (3, 'i', dm),
                (4, 'b', tw.ACT[r.choice(WACTS)]), (5, 'i', dw), (6, 'i', dh)]
        return self.op('DEPTHWISE_CONV_2D', OPT['DepthwiseConv2D'], opts, [t, f, b],
                       [n, oh, ow, oc])

    def wtconv(self, x):
        t, (n, h, w, c) = self.to4(x)
        r = self.r
        s = r.choice([1, 2, 2, 3])
        k = r.choice([1, 2, 3, 4, 5])
        if r.random() < 0.5:
            pad, oh, ow = tw.PAD_SAME, h * s, w * s
        else:
            pad, oh, ow = tw.PAD_VALID, (h - 1) * s + k, (w - 1) * s + k
        if n * oh * ow > ELEMS // 2:
            return self.wconv(x)
        oc = r.choice(WCHANS)
        oc = max(1, min(oc, ELEMS // (n * oh * ow), MACS // (n * h * w * k * k * c) or 1))
        shape = self.ints([n, oh, ow, oc])
        f = self.tensor([oc, k, k, c], self.floats(oc * k * k * c, math.sqrt(3.0 / (k * k * c))))
        opts = [(0, 'b', pad), (1, 'i', s), (2, 'i', s)]
        return self.op('TRANSPOSE_CONV', OPT['TransposeConv'], opts, [shape, f, t],
                       [n, oh, ow, oc])

    def wfc(self, x):
        """FULLY_CONNECTED on the last axis: keep_num_dims, or the rows flattened."""
        t, s = x
        r = self.r
        k = s[-1]
        rows = prod(s) // k
        units = r.choice(WCHANS)
        units = max(1, min(units, ELEMS // rows, MACS // (rows * k) or 1))
        f = self.tensor([units, k], self.floats(units * k, math.sqrt(3.0 / k)))
        b = self.tensor([units], self.floats(units, 0.1)) if r.random() < 0.8 else -1
        keep = len(s) > 2 and r.random() < 0.6
        shape = s[:-1] + [units] if keep else [rows, units]
        opts = [(0, 'b', tw.ACT[r.choice(WACTS)]), (1, 'b', 0), (2, 'b', int(keep))]
        return self.op('FULLY_CONNECTED', OPT['FullyConnected'], opts, [t, f, b], shape)

    def wmatmul(self, x):
        t, s = x
        r = self.r
        if len(s) < 2:
            return self.wunary(x)
        if len(s) == 2 or r.random() < 0.4:
            # times a constant [K, N] (or [N, K] with adj_y)
            k = s[-1]
            nn = r.choice(WCHANS[:12])
            adj_y = r.random() < 0.4
            ws = [nn, k] if adj_y else [k, nn]
            y = self.tensor(ws, self.floats(nn * k, math.sqrt(3.0 / k)))
            out = s[:-1] + [nn]
            if prod(out) > ELEMS:
                return self.wunary(x)
            return self.op('BATCH_MATMUL', WOPT['BatchMatMul'], [(0, 'b', 0), (1, 'b', int(adj_y))],
                           [t, y], out)
        # x by itself (transposed) or by a same-shaped tensor: scores as attention has them
        same = [z for z in self.live if z[1] == s]
        y = r.choice(same)[0]
        m, k = s[-2], s[-1]
        if r.random() < 0.5:
            opts, out = [(0, 'b', 0), (1, 'b', 1)], s[:-1] + [m]     # x y^T
        else:
            opts, out = [(0, 'b', 1), (1, 'b', 0)], s[:-2] + [k, k]  # x^T y
        if prod(out) > ELEMS or prod(out) * max(m, k) > MACS:
            return self.wunary(x)
        return self.op('BATCH_MATMUL', WOPT['BatchMatMul'], opts, [t, y], out)

    # --- elementwise -----------------------------------------------------------
    def wbinary(self, x):
        t, s = x
        r = self.r
        name = r.choice(['ADD', 'ADD', 'SUB', 'MUL', 'MUL', 'MAXIMUM', 'MINIMUM',
                         'SQUARED_DIFFERENCE', 'DIV'])
        u = r.random()
        same = [y for y in self.live if y[1] == s and y[0] != t]
        if name == 'DIV':
            # by a constant (the quantizer makes it a MUL by the reciprocal)
            c = s[-1] if s and r.random() < 0.6 else 1
            y = self.tensor([c] if c > 1 else [], [r.uniform(0.5, 2.0) * r.choice([-1, 1])
                                                 for _ in range(c)])
            ins = [t, y]
        else:
            if same and u < 0.35:
                y = r.choice(same)[0]
            elif u < 0.5:
                # a reduction of x with keep_dims: a broadcast over the reduced axes
                y = self.wreduce(x, keep=True, name='MEAN', live=False)[0]
            elif u < 0.6 and len(s) >= 2:
                # x's mean over its leading axes: a tensor of a lower rank broadcast
                k = r.randint(1, len(s) - 1)
                y = self.op('MEAN', OPT['Reducer'], [(0, 'b', 0)], [t, self.ints(range(k))],
                            s[k:], live=False)[0]
            else:
                c = s[-1] if s and r.random() < 0.6 else 1
                y = self.tensor([c] if c > 1 else [], [r.uniform(0.3, 1.5) * r.choice([-1, 1])
                                                     for _ in range(c)])
            ins = [t, y] if r.random() < 0.5 else [y, t]
        opts_t = {'ADD': OPT['Add'], 'SUB': OPT['Sub'], 'MUL': OPT['Mul'],
                  'DIV': WOPT['Div']}.get(name, 0)
        if name in ('MAXIMUM', 'MINIMUM'):
            opts_t = OPT['MaximumMinimum']
        act = [(0, 'b', tw.ACT[r.choice(WACTS)])] if name in ('ADD', 'SUB', 'MUL', 'DIV') else []
        return self.op(name, opts_t, act, ins, s)

    def wunary(self, x):
        t, s = x
        r = self.r
        name = r.choice(['RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH',
                         'LEAKY_RELU', 'ELU', 'GELU', 'ABS', 'RSQRT', 'PRELU'])
        if name == 'RSQRT':
            # of |x| + a constant: a positive input
            a, _ = self.op('ABS', 0, [], [t], s, live=False)
            e, _ = self.op('ADD', OPT['Add'], [(0, 'b', 0)],
                           [a, self.tensor([], [r.choice([0.01, 0.1, 0.5, 1.0])])], s, live=False)
            return self.op('RSQRT', 0, [], [e], s)
        if name == 'GELU':
            return self.op(name, OPT['Gelu'], [(0, 'B', int(r.random() < 0.5))], [t], s)
        if name == 'HARD_SWISH':
            return self.op(name, OPT['HardSwish'], [], [t], s)
        if name == 'LEAKY_RELU':
            return self.op(name, OPT['LeakyRelu'], [(0, 'f', r.choice([0.1, 0.2, 0.01, 0.5]))],
                           [t], s)
        if name == 'PRELU':
            if len(s) < 1:
                return self.op('RELU', 0, [], [t], s)
            c = s[-1]
            al = self.tensor([c], [r.uniform(0.0, 0.5) for _ in range(c)])
            return self.op(name, 0, [], [t, al], s)
        return self.op(name, 0, [], [t], s)

    # --- reductions ------------------------------------------------------------
    def wreduce(self, x, keep=None, name=None, live=True):
        t, s = x
        r = self.r
        rank = len(s)
        name = name or r.choice(['MEAN', 'MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN'])
        keep = keep if keep is not None else r.random() < 0.5
        if self.more:
            return self.wreduce_holes(x, keep, name, live)
        # a run of axes next to each other (the compiler takes no other), in any
        # order, negative now and then
        a = r.randrange(rank)
        b = r.randrange(a, rank)
        if not keep and a == 0 and b == rank - 1 and rank > 1:
            b -= 1
        axes = list(range(a, b + 1))
        r.shuffle(axes)
        axes = [ax - rank if r.random() < 0.3 else ax for ax in axes]
        if name == 'SUM' and prod(s[a:b + 1]) == 1:
            # a sum of one value keeps the input's range: TFLite then adds in
            # 8 bits, which the compiler refuses by name
            name = 'MEAN'
        out = [1 if a <= k <= b else d for k, d in enumerate(s)] if keep else \
            [d for k, d in enumerate(s) if not a <= k <= b]
        return self.op(name, OPT['Reducer'], [(0, 'b', int(keep))], [t, self.ints(axes)], out,
                       live)

    def wreduce_holes(self, x, keep, name, live):
        """A reduction over axes apart only by axes of size 1: a run of the axes
        of size > 1, any of the axes of size 1 with it (wherever they are), an
        axis twice now and then; SUM of one value too."""
        t, s = x
        r = self.r
        rank = len(s)
        big = [k for k, d in enumerate(s) if d > 1]
        ones = [k for k, d in enumerate(s) if d == 1]
        if big:
            i = r.randrange(len(big))
            j = r.randrange(i, len(big))
            axes = big[i:j + 1]
        else:
            axes = []
        axes += [k for k in ones if r.random() < 0.5]
        if not axes:
            axes = [r.randrange(rank)]
        if not keep and len(set(axes)) == rank and rank > 1:
            keep = True     # a scalar is no tensor the draws take
        axes = sorted(set(axes))
        red = set(axes)
        r.shuffle(axes)
        if r.random() < 0.1:
            axes.append(axes[0])
        axes = [ax - rank if r.random() < 0.3 else ax for ax in axes]
        out = [1 if k in red else d for k, d in enumerate(s)] if keep else \
            [d for k, d in enumerate(s) if k not in red]
        return self.op(name, OPT['Reducer'], [(0, 'b', int(keep))], [t, self.ints(axes)], out,
                       live)

    def wbigreduce(self, x):
        """A global reduction over more than 65536 values: x to one or two channels,
        resized to about 300 x 260, reduced (keep_dims) and broadcast back into x."""
        t, (n, h, w, c) = x4 = self.to4(x)
        r = self.r
        oc = r.choice([1, 1, 2])
        y = self.fconv(x4, oc, 1, 1, r.choice(['NONE', 'RELU']))
        bh, bw = r.choice([(300, 260), (257, 256), (181, 363), (400, 200)])
        if n > 1:
            bh //= n
        size = self.ints([bh, bw])
        name = r.choice(['RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR'])
        opts = [(2, 'b', 0), (3, 'b', 1)] if name == 'RESIZE_BILINEAR' else \
            [(0, 'b', 0), (1, 'b', 0)]
        y = self.op(name, OPT['ResizeBilinear'] if name == 'RESIZE_BILINEAR'
                    else OPT['ResizeNearestNeighbor'], opts, [y[0], size], [n, bh, bw, oc],
                    live=False)
        axes = r.choice([[1, 2], [1, 2, 3], [0, 1, 2, 3], [2, 1], [-3, -2, -1]])
        rn = r.choice(['MEAN', 'MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN'])
        red = set(a % 4 for a in axes)
        out = [1 if k in red else d for k, d in enumerate([n, bh, bw, oc])]
        m = self.op(rn, OPT['Reducer'], [(0, 'b', 1)], [y[0], self.ints(axes)], out, live=False)
        if out[3] != 1 and out[3] != c:
            m = self.op('MEAN', OPT['Reducer'], [(0, 'b', 1)], [m[0], self.ints([3])],
                        out[:3] + [1], live=False)
        name = r.choice(['ADD', 'MUL'])
        ins = [x4[0], m[0]] if r.random() < 0.5 else [m[0], x4[0]]
        return self.op(name, OPT['Add'] if name == 'ADD' else OPT['Mul'], [(0, 'b', 0)], ins,
                       [n, h, w, c])

    # --- blocks as real models have them (seeds above 24) -----------------------
    def fconv(self, x, oc, k, stride, act, live=False, dw=False, clamp=True):
        """A k x k convolution (depthwise with dw), SAME, of x of rank 4."""
        t, (n, h, w, c) = x
        r = self.r
        oh, ow = -(-h // stride), -(-w // stride)
        if dw:
            f = self.tensor([1, k, k, c], self.floats(c * k * k, math.sqrt(3.0 / (k * k))))
            b = self.tensor([c], self.floats(c, 0.1))
            opts = [(0, 'b', tw.PAD_SAME), (1, 'i', stride), (2, 'i', stride), (3, 'i', 1),
                    (4, 'b', tw.ACT[act]), (5, 'i', 1), (6, 'i', 1)]
            return self.op('DEPTHWISE_CONV_2D', OPT['DepthwiseConv2D'], opts, [t, f, b],
                           [n, oh, ow, c], live)
        if clamp:
            oc = max(1, min(oc, ELEMS // (n * oh * ow), MACS // (n * oh * ow * k * k * c) or 1))
        a = math.sqrt(3.0 / (k * k * c))
        f = self.tensor([oc, k, k, c], self.floats(oc * k * k * c, a))
        b = self.tensor([oc], self.floats(oc, 0.1)) if r.random() < 0.95 else -1
        opts = [(0, 'b', tw.PAD_SAME), (1, 'i', stride), (2, 'i', stride), (3, 'b', tw.ACT[act]),
                (4, 'i', 1), (5, 'i', 1)]
        return self.op('CONV_2D', OPT['Conv2D'], opts, [t, f, b], [n, oh, ow, oc], live)

    def act(self, x, name):
        """x through the activation name: RELU6 fused mostly (the caller's), else an op."""
        if name == 'HARD_SWISH':
            return self.op(name, OPT['HardSwish'], [], [x[0]], x[1], live=False)
        if name == 'NONE':
            return x
        return self.op(name, 0, [], [x[0]], x[1], live=False)

    def hsigmoid(self, x):
        """RELU6(x + 3) / 6 as Keras writes it: ADD, RELU6, MUL (or DIV) by a constant."""
        r = self.r
        y = self.op('ADD', OPT['Add'], [(0, 'b', tw.ACT['RELU6'] if r.random() < 0.5 else 0)],
                    [x[0], self.tensor([], [3.0])], x[1], live=False)
        if r.random() < 0.5:
            y = self.op('RELU6', 0, [], [y[0]], y[1], live=False)
        if r.random() < 0.7:
            return self.op('MUL', OPT['Mul'], [(0, 'b', 0)],
                           [y[0], self.tensor([], [1.0 / 6.0])], y[1], live=False)
        return self.op('DIV', WOPT['Div'], [(0, 'b', 0)], [y[0], self.tensor([], [6.0])], y[1],
                       live=False)

    def wse(self, x, live=True):
        """Squeeze-excite: MEAN over H, W (keep_dims), down by a 1x1 conv or an FC, RELU,
        up, hard-sigmoid or LOGISTIC, MUL broadcast over x."""
        t, (n, h, w, c) = x4 = self.to4(x)
        r = self.r
        m = self.op('MEAN', OPT['Reducer'], [(0, 'b', 1)],
                    [t, self.ints(r.choice([[1, 2], [2, 1], [-3, -2]]))], [n, 1, 1, c],
                    live=False)
        mid = max(1, c // r.choice([4, 4, 8, 16]))
        sep = r.random() < 0.3
        if r.random() < 0.6:
            d = self.fconv(m, mid, 1, 1, 'NONE' if sep else 'RELU')
            d = self.act(d, 'RELU') if sep else d
            u = self.fconv(d, c, 1, 1, 'NONE')
        else:
            v = self.reshape(m, [n, c])
            d = self.wfc_to(v, mid, 'NONE' if sep else 'RELU')
            d = self.act(d, 'RELU') if sep else d
            u = self.reshape(self.wfc_to(d, c, 'NONE'), [n, 1, 1, c])
        g = self.hsigmoid(u) if r.random() < 0.5 else self.act(u, 'LOGISTIC')
        ins = [t, g[0]] if r.random() < 0.8 else [g[0], t]
        return self.op('MUL', OPT['Mul'], [(0, 'b', 0)], ins, [n, h, w, c], live=live)

    def wfc_to(self, x, units, act):
        t, s = x
        k = s[-1]
        f = self.tensor([units, k], self.floats(units * k, math.sqrt(3.0 / k)))
        b = self.tensor([units], self.floats(units, 0.1))
        return self.op('FULLY_CONNECTED', OPT['FullyConnected'],
                       [(0, 'b', tw.ACT[act]), (1, 'b', 0), (2, 'b', 0)], [t, f, b],
                       [prod(s) // k, units], live=False)

    def wirb(self, x):
        """An inverted residual block (MobileNet v2/v3): a 1x1 expansion, a depthwise
        3x3 or 5x5 (stride 1 or 2), squeeze-excite now and then, a 1x1 projection,
        the input added back when the shapes agree. RELU6 or hard-swish."""
        t, (n, h, w, c) = x4 = self.to4(x)
        r = self.r
        act = r.choice(['RELU6', 'RELU6', 'HARD_SWISH', 'RELU'])
        fused = act if act != 'HARD_SWISH' and r.random() < 0.8 else 'NONE'
        e = r.choice([1, 2, 3, 4, 6])
        ce = max(1, min(c * e, ELEMS // (n * h * w), MACS // (n * h * w * c) or 1))
        y = x4
        if e > 1:
            y = self.act(self.fconv(y, ce, 1, 1, fused), act if fused == 'NONE' else 'NONE')
        s = 2 if r.random() < 0.3 and min(h, w) >= 2 else 1
        y = self.fconv(y, 0, r.choice([3, 3, 5]), s, fused, dw=True)
        y = self.act(y, act if fused == 'NONE' else 'NONE')
        if r.random() < 0.35:
            y = self.wse(y, live=False)
        co = c if s == 1 and r.random() < 0.7 else r.choice(WCHANS[:14])
        y = self.fconv(y, co, 1, 1, 'NONE')
        if s == 1 and y[1][3] == c:
            ins = [t, y[0]] if r.random() < 0.5 else [y[0], t]
            return self.op('ADD', OPT['Add'], [(0, 'b', 0)], ins, [n, h, w, c])
        self.live.append(y)
        return y

    def wfpn(self, x):
        """FPN: x down by a stride-2 conv (or two), a 1x1 lateral on each level, the
        coarser one upsampled (nearest mostly) to the finer one's size and added,
        a 3x3 conv after now and then."""
        t, (n, h, w, c) = x4 = self.to4(x)
        r = self.r
        if min(h, w) < 2:
            return self.wirb(x)
        f = max(1, min(r.choice([8, 16, 24, 32, 64]), ELEMS // (n * h * w),
                       MACS // (n * h * w * c) or 1))
        levels = [x4]
        for _ in range(r.choice([1, 1, 2])):
            p = levels[-1]
            if min(p[1][1], p[1][2]) < 2:
                break
            levels.append(self.fconv(p, r.choice([8, 16, 32]), 3, 2, r.choice(['RELU', 'RELU6'])))
        top = self.fconv(levels[-1], f, 1, 1, 'NONE')
        for lv in reversed(levels[:-1]):
            lh, lw = lv[1][1], lv[1][2]
            near = r.random() < 0.75
            size = self.ints([lh, lw])
            if near:
                up = self.op('RESIZE_NEAREST_NEIGHBOR', OPT['ResizeNearestNeighbor'],
                             [(0, 'b', 0), (1, 'b', int(r.random() < 0.5))], [top[0], size],
                             [n, lh, lw, f], live=False)
            else:
                up = self.op('RESIZE_BILINEAR', OPT['ResizeBilinear'],
                             [(2, 'b', 0), (3, 'b', int(r.random() < 0.7))], [top[0], size],
                             [n, lh, lw, f], live=False)
            lat = self.fconv(lv, f, 1, 1, 'NONE')
            assert lat[1] == up[1], (lat, up)
            ins = [up[0], lat[0]] if r.random() < 0.5 else [lat[0], up[0]]
            top = self.op('ADD', OPT['Add'], [(0, 'b', 0)], ins, [n, lh, lw, f], live=False)
        if r.random() < 0.5:
            top = self.fconv(top, f, 3, 1, r.choice(['NONE', 'RELU']))
        self.live.append(top)
        return top

    def wssd(self, x):
        """SSD heads: on x and one or two coarser maps, a conv to A * K classes and
        one to A * 4 boxes, each reshaped to [N, h * w * A, K], concatenated on axis 1;
        LOGISTIC or SOFTMAX on the classes, the boxes a second output."""
        t, (n, h, w, c) = x4 = self.to4(x)
        r = self.r
        feats = [x4]
        for _ in range(r.choice([0, 1, 2])):
            p = feats[-1]
            if min(p[1][1], p[1][2]) < 2:
                break
            feats.append(self.fconv(p, r.choice([8, 16, 32]), 3, 2, 'RELU6'))
        a = r.choice([1, 2, 3, 6])
        k = r.choice([1, 2, 3, 5, 21, 91])
        rows = sum(f[1][1] * f[1][2] * a for f in feats)
        ks = r.choice([1, 3])
        c = max(f[1][3] for f in feats)
        while k > 1 and (n * rows * k > ELEMS // 2 or n * rows * k * ks * ks * c > 2 * MACS):
            k = max(1, k // 3)
        if n * rows * k > ELEMS // 2 or n * rows * max(k, 4) * ks * ks * c > 2 * MACS:
            return self.wirb(x)
        cls, box = [], []
        for f in feats:
            hh, ww = f[1][1], f[1][2]
            y = self.fconv(f, a * k, ks, 1, 'NONE', clamp=False)
            cls.append(self.reshape(y, [n, hh * ww * a, k])[0])
            z = self.fconv(f, a * 4, ks, 1, 'NONE', clamp=False)
            box.append(self.reshape(z, [n, hh * ww * a, 4])[0])
        if len(cls) > 1:
            y = self.op('CONCATENATION', OPT['Concatenation'],
                        [(0, 'i', r.choice([1, -2])), (1, 'b', 0)], cls, [n, rows, k], live=False)
            z = self.op('CONCATENATION', OPT['Concatenation'],
                        [(0, 'i', 1), (1, 'b', 0)], box, [n, rows, 4], live=False)
        else:
            y, z = (cls[0], [n, rows, k]), (box[0], [n, rows, 4])
        self.extra_outs.append(z[0])
        if k > 1 and r.random() < 0.5:
            return self.op('SOFTMAX', OPT['Softmax'], [(0, 'f', 1.0)], [y[0]], y[1])
        return self.op('LOGISTIC', 0, [], [y[0]], y[1])

    def warg(self, x):
        """ARG_MAX or ARG_MIN: an int32 or int64 output of the graph."""
        t, s = x
        r = self.r
        name = r.choice(['ARG_MAX', 'ARG_MIN'])
        ax = r.randrange(len(s))
        tt = r.choice([tw.TT_INT32, tw.TT_INT64])
        opts_t = WOPT['ArgMax'] if name == 'ARG_MAX' else WOPT['ArgMin']
        o, _ = self.op(name, opts_t, [(0, 'b', tt)],
                       [t, self.tensor([], [ax - len(s) if r.random() < 0.3 else ax], I32)],
                       s[:ax] + s[ax + 1:], ttype=tt)
        self.extra_outs.append(o)
        return x

    def wsoftmax(self, x):
        t, s = x
        r = self.r
        if r.random() < 0.3:
            return self.op('L2_NORMALIZATION', WOPT['L2Norm'], [(0, 'b', 0)], [t], s)
        return self.op('SOFTMAX', OPT['Softmax'], [(0, 'f', r.choice([1.0, 1.0, 0.5, 2.0]))],
                       [t], s)

    # --- shapes ----------------------------------------------------------------
    def wreshape(self, x):
        t, s = x
        r = self.r
        y = x
        for _ in range(r.randint(1, 3)):
            y = self.reshape(y, self.factor(prod(s), r.randint(1, 4)))
        return y

    def wtranspose(self, x):
        t, s = x
        r = self.r
        rank = r.randint(2, 5)
        y = self.reshape(x, self.factor(prod(s), rank)) if rank != len(s) or r.random() < 0.3 \
            else x
        ys = y[1]
        for _ in range(20):
            perm = list(range(rank))
            r.shuffle(perm)
            if rank < 5 or self.groups(ys, perm) <= 4:
                break
        else:
            perm = list(range(rank))
            perm[-1], perm[-2] = perm[-2], perm[-1]
        z = self.op('TRANSPOSE', WOPT['Transpose'], [], [y[0], self.ints(perm)],
                    [ys[p] for p in perm])
        if rank == 5:
            z = self.reshape(z, self.factor(prod(s), r.randint(2, 4)))
        return z

    @staticmethod
    def groups(s, perm):
        """The compiler's count of input axis groups that move apart (c_transpose_merged)."""
        ng, prev = 0, -1
        for a in perm:
            if s[a] == 1:
                continue
            if prev >= 0 and a > prev and all(s[j] == 1 for j in range(prev + 1, a)):
                pass
            else:
                ng += 1
            prev = a
        return ng

    def wsqueeze(self, x):
        t, s = x
        r = self.r
        ones = [k for k, d in enumerate(s) if d == 1]
        if ones and len(ones) < len(s):
            if r.random() < 0.8:
                dims = [k for k in ones if r.random() < 0.6] or ones[:1]
                sq = [(0, 'ref', tw.Vector('i', [k - len(s) if r.random() < 0.3 else k
                                                 for k in dims]))]
            else:
                dims, sq = ones, []     # no squeeze_dims: every axis of size 1
            out = [d for k, d in enumerate(s) if k not in dims]
            y = self.op('SQUEEZE', WOPT['Squeeze'], sq, [t], out)
            if len(out) < 4 and r.random() < 0.5:
                return self.wexpand(y)
            return y
        if len(s) < 4:
            return self.wexpand(x)
        return self.wreshape(x)

    def wexpand(self, x):
        t, s = x
        r = self.r
        ax = r.randint(0, len(s))
        out = s[:ax] + [1] + s[ax:]
        if r.random() < 0.3:
            ax = ax - len(s) - 1
        return self.op('EXPAND_DIMS', WOPT['ExpandDims'], [], [t, self.tensor([], [ax], I32)],
                       out)

    def wreverse(self, x):
        t, s = x
        r = self.r
        ax = r.randrange(len(s))
        if r.random() < 0.3:
            ax -= len(s)
        return self.op('REVERSE_V2', 0, [], [t, self.ints([ax])], s)

    def wtile(self, x):
        t, s = x
        r = self.r
        m = [r.choice([1, 1, 2, 3]) for _ in s]
        if prod(s) * prod(m) > ELEMS:
            m = [1] * len(s)
            m[r.randrange(len(s))] = 2 if prod(s) * 2 <= ELEMS else 1
        out = [d * k for d, k in zip(s, m)]
        if r.random() < 0.2 and 1 in s:
            # BROADCAST_TO where the input has a 1
            out = [d if d != 1 else r.randint(1, 4) for d in s]
            if prod(out) <= ELEMS:
                return self.op('BROADCAST_TO', 0, [], [t, self.ints(out)], out)
            out = [d * k for d, k in zip(s, m)]
        return self.op('TILE', 0, [], [t, self.ints(m)], out)

    def wslice(self, x):
        t, s = x
        r = self.r
        rank = len(s)
        if r.random() < 0.3:
            b = [r.randrange(d) for d in s]
            size = [r.choice([-1, r.randint(1, d - bb)]) for d, bb in zip(s, b)]
            out = [d - bb if z == -1 else z for d, bb, z in zip(s, b, size)]
            return self.op('SLICE', WOPT['Slice'], [], [t, self.ints(b), self.ints(size)], out)
        b, e, st, out = [], [], [], []
        bm = em = sm = 0
        for k, d in enumerate(s):
            stride = r.choice([1, 1, 1, 2, 3, -1, -1, -2])
            if r.random() < 0.12 and rank > 1:
                # shrink this axis: one index, the axis dropped
                i = r.randrange(d)
                b.append(i - d if r.random() < 0.3 else i)
                e.append(i + 1)
                st.append(1)
                sm |= 1 << k
                continue
            if stride > 0:
                lo = r.randrange(d)
                hi = r.randint(lo + 1, d)
            else:
                hi = r.randrange(d)         # the first index read
                lo = r.randint(-1, hi - 1)  # one past the last (exclusive, going down)
            start, stop = (lo, hi) if stride > 0 else (hi, lo)
            if r.random() < 0.15:
                bm |= 1 << k
                start = 0 if stride > 0 else d - 1
            if r.random() < 0.15:
                em |= 1 << k
                stop = d if stride > 0 else -1
            n = (stop - start + stride - 1) // stride if stride > 0 else \
                (start - stop - stride - 1) // -stride
            bv = start - d if start >= 0 and not bm & 1 << k and r.random() < 0.2 else start
            if stop == -1 and not em & 1 << k:
                ev = -d - 1     # TFLite clamps a negative end below -D to "before 0"
            else:
                ev = stop
            b.append(bv)
            e.append(ev)
            st.append(stride)
            out.append(max(n, 1))
        if sm == (1 << rank) - 1:
            sm &= ~1
            out.insert(0, 1)
        full = out
        opts = [(0, 'i', bm), (1, 'i', em), (4, 'i', sm)]
        return self.op('STRIDED_SLICE', OPT['StridedSlice'], opts,
                       [t, self.ints(b), self.ints(e), self.ints(st)], full)

    def wsplit(self, x):
        t, s = x
        r = self.r
        axes = [k for k, d in enumerate(s) if d >= 2]
        if not axes:
            return self.wunary(x)
        ax = r.choice(axes)
        d = s[ax]
        axv = ax - len(s) if r.random() < 0.3 else ax
        divs = [k for k in range(2, min(d, 8) + 1) if d % k == 0]
        if divs and r.random() < 0.5:
            k = r.choice(divs)
            shapes = [s[:ax] + [d // k] + s[ax + 1:]] * k
            outs = self.multi('SPLIT', WOPT['Split'], [(0, 'i', k)],
                              [self.tensor([], [axv], I32), t], shapes)
        else:
            k = r.randint(2, min(d, 5))
            cuts = sorted(r.sample(range(1, d), k - 1))
            sizes = [b - a for a, b in zip([0] + cuts, cuts + [d])]
            shapes = [s[:ax] + [z] + s[ax + 1:] for z in sizes]
            if r.random() < 0.3:
                sizes[r.randrange(k)] = -1
            outs = self.multi('SPLIT_V', WOPT['SplitV'], [(0, 'i', k)],
                              [t, self.ints(sizes), self.tensor([], [axv], I32)], shapes)
        return r.choice(outs)

    def wunpack(self, x):
        t, s = x
        r = self.r
        axes = [k for k, d in enumerate(s) if 2 <= d <= 12]
        if not axes or len(s) < 2:
            return self.wsplit(x)
        ax = r.choice(axes)
        d = s[ax]
        sub = s[:ax] + s[ax + 1:]
        outs = self.multi('UNPACK', WOPT['Unpack'], [(0, 'i', d), (1, 'i', ax)], [t],
                          [sub] * d)
        ins = [o for o, _ in outs]
        r.shuffle(ins)
        ins = ins[:r.randint(1, d)]
        if r.random() < 0.3:
            ins = ins + ins[:1]
        pax = r.randint(0, len(sub))
        out = sub[:pax] + [len(ins)] + sub[pax:]
        paxv = pax - len(sub) - 1 if r.random() < 0.3 else pax
        return self.op('PACK', WOPT['Pack'], [(0, 'i', len(ins)), (1, 'i', paxv)], ins, out)

    def wgather(self, x):
        t, s = x
        r = self.r
        ax = r.randrange(len(s))
        d = s[ax]
        if self.more and r.random() < 0.6:
            return self.wgather_many(x, ax)
        n = r.randint(1, min(3 * d, 40))
        idx = [r.randrange(d) for _ in range(n)]
        if r.random() < 0.4:
            a = r.randrange(d)
            idx = list(range(a, d)) + idx[:3] + list(range(a, -1, -1))
        idx = idx[:1024]    # the quantizer and the compiler take at most 1024
        ishape = [len(idx)]
        if len(idx) % 2 == 0 and len(s) < 4 and r.random() < 0.3:
            ishape = [2, len(idx) // 2]
        out = s[:ax] + ishape + s[ax + 1:]
        if prod(out) > ELEMS or len(out) > 4:
            return self.wreverse(x)
        return self.op('GATHER', WOPT['Gather'],
                       [(0, 'i', ax - len(s) if r.random() < 0.3 else ax), (1, 'i', 0)],
                       [t, self.ints(idx, ishape)], out)

    def wgather_many(self, x, ax):
        """GATHER by many scattered indices (up to 300), repeats, all one index,
        sorted or not; 1-D or 2-D indices."""
        t, s = x
        r = self.r
        d = s[ax]
        rest = prod(s) // d
        n = min(r.choice([r.randint(1, 300), r.randint(40, 300), r.randint(1, 12)]),
                ELEMS // rest)
        if n < 1:
            return self.wreverse(x)
        kind = r.choice(['rand', 'rand', 'sorted', 'few', 'one', 'runs'])
        if kind == 'few':
            pool = [r.randrange(d) for _ in range(r.randint(1, 4))]
            idx = [r.choice(pool) for _ in range(n)]
        elif kind == 'one':
            idx = [r.randrange(d)] * n
        elif kind == 'runs':
            idx = []
            while len(idx) < n:
                a = r.randrange(d)
                ln = r.randint(1, d - a)
                up = r.random() < 0.6
                idx += list(range(a, a + ln)) if up else list(range(a + ln - 1, a - 1, -1))
            idx = idx[:n]
        else:
            idx = [r.randrange(d) for _ in range(n)]
            if kind == 'sorted':
                idx.sort()
        ishape = [n]
        if len(s) < 4 and r.random() < 0.3:
            f = [k for k in range(2, 20) if n % k == 0]
            if f:
                k = r.choice(f)
                ishape = [k, n // k]
        out = s[:ax] + ishape + s[ax + 1:]
        if len(out) > 4:
            ishape, out = [n], s[:ax] + [n] + s[ax + 1:]
        return self.op('GATHER', WOPT['Gather'],
                       [(0, 'i', ax - len(s) if r.random() < 0.3 else ax), (1, 'i', 0)],
                       [t, self.ints(idx, ishape)], out)

    def wconcat(self, x):
        t, s = x
        r = self.r
        ax = r.randrange(len(s))
        ins = [t]
        for y in self.live:
            if len(y[1]) == len(s) and all(a == b for k, (a, b) in enumerate(zip(y[1], s))
                                           if k != ax) and r.random() < 0.4:
                ins.append(y[0])
        if len(ins) == 1:
            ins.append(t)       # the tensor with itself
        ins = ins[:6]
        r.shuffle(ins)
        size = sum(self.shape_of(i)[ax] for i in ins)
        out = s[:ax] + [size] + s[ax + 1:]
        if prod(out) > ELEMS:
            return self.wunary(x)
        return self.op('CONCATENATION', OPT['Concatenation'],
                       [(0, 'i', ax - len(s) if r.random() < 0.3 else ax),
                        (1, 'b', 0)], ins, out)

    def shape_of(self, t):
        return self.tensors[t]['shape']

    def wpad(self, x):
        t, s = x
        r = self.r
        name = r.choice(['PAD', 'PADV2', 'MIRROR_PAD'])
        p = []
        for d in s:
            if name == 'MIRROR_PAD':
                p += [r.randint(0, min(3, d - 1)), r.randint(0, min(3, d - 1))]
            else:
                p += [r.choice([0, 0, 1, 2, 3]), r.choice([0, 0, 1, 2, 3])]
        out = [d + p[2 * k] + p[2 * k + 1] for k, d in enumerate(s)]
        if prod(out) > ELEMS:
            return self.wunary(x)
        pt = self.ints(p, [len(s), 2])
        if name == 'PAD':
            return self.op('PAD', OPT['Pad'], [], [t, pt], out)
        if name == 'PADV2':
            return self.op('PADV2', WOPT['PadV2'], [], [t, pt, self.tensor([], [r.uniform(-2, 2)])],
                           out)
        # REFLECT (0) or SYMMETRIC (1): paddings of at most size - 1 suit both
        mode = r.randint(0, 1)
        return self.op('MIRROR_PAD', WOPT['MirrorPad'], [(0, 'b', mode)], [t, pt], out)

    def wpool(self, x):
        t, (n, h, w, c) = self.to4(x)
        r = self.r
        name = r.choice(['MAX_POOL_2D', 'AVERAGE_POOL_2D'])
        kh, kw = r.choice([(2, 2), (3, 3), (2, 2), (5, 5), (7, 7), (1, 3), (3, 1), (2, 3)])
        sh, sw = r.choice([(1, 1), (2, 2), (2, 2), (3, 3), (1, 2), (2, 1)])
        if h >= kh and w >= kw and r.random() < 0.5:
            pad, oh, ow = tw.PAD_VALID, (h - kh) // sh + 1, (w - kw) // sw + 1
        else:
            pad, oh, ow = tw.PAD_SAME, -(-h // sh), -(-w // sw)
        opts = [(0, 'b', pad), (1, 'i', sw), (2, 'i', sh), (3, 'i', kw), (4, 'i', kh),
                (5, 'b', tw.ACT[r.choice(WACTS)])]
        return self.op(name, OPT['Pool2D'], opts, [t], [n, oh, ow, c])

    def wresize(self, x):
        t, (n, h, w, c) = self.to4(x)
        r = self.r
        f = r.choice([0.5, 1.5, 2, 2, 3, 4])
        oh = max(1, int(h * f) + r.choice([0, 0, 1, -1]))
        ow = max(1, int(w * f) + r.choice([0, 0, 1, -1]))
        if n * oh * ow * c > ELEMS:
            oh, ow = max(1, h // 2), max(1, w // 2)
        size = self.ints([oh, ow])
        align = r.random() < 0.3 and oh > 1 and ow > 1
        hpc = not align and r.random() < 0.6
        if r.random() < 0.6:
            return self.op('RESIZE_BILINEAR', OPT['ResizeBilinear'],
                           [(2, 'b', int(align)), (3, 'b', int(hpc))], [t, size], [n, oh, ow, c])
        return self.op('RESIZE_NEAREST_NEIGHBOR', OPT['ResizeNearestNeighbor'],
                       [(0, 'b', int(align)), (1, 'b', int(hpc))], [t, size], [n, oh, ow, c])

    def wblocks(self, x):
        t, (n, h, w, c) = self.to4(x)
        r = self.r
        b = r.choice([2, 2, 3, 4])
        if h % b == 0 and w % b == 0 and r.random() < 0.5:
            return self.op('SPACE_TO_DEPTH', OPT['SpaceToDepth'], [(0, 'i', b)], [t],
                           [n, h // b, w // b, c * b * b])
        if c % (b * b) == 0:
            return self.op('DEPTH_TO_SPACE', OPT['DepthToSpace'], [(0, 'i', b)], [t],
                           [n, h * b, w * b, c // (b * b)])
        return self.wtranspose((t, [n, h, w, c]))


def main_wide(seed, out):
    g = WideGraph('wide %d' % seed)
    g.extra_outs = []
    # seeds 1 to 24 (test-random-graphs.sh runs them every time) draw as the
    # profile's first version did; the others draw what came since too
    g.more = seed > 24
    r = g.r
    n = r.choice([1, 1, 1, 1, 1, 2, 3])
    if r.random() < 0.5:
        c = r.choice(WCHANS)
        side = max(1, min(17, int(math.sqrt(ELEMS // 4 // c // n))))
        shape = [n, r.randint(1, side), r.randint(1, side), c]
    else:
        shape = [n, r.randint(3, 40 // n), r.randint(3, 40), r.choice([1, 2, 3, 4, 8, 16])]
    if r.random() < 0.2:
        # tokens or a signal: [N, T, C] or [T, C]
        shape = [n, shape[1] * shape[2], shape[3]][r.randint(0, 1):]
    inp = g.tensor(shape)
    g.live.append((inp, shape))
    # a first weighted op: the quantizer's input scale comes from the data
    if len(shape) == 4:
        g.wconv(g.live[-1])
    else:
        g.wfc(g.live[-1])
    draws = [(g.wconv, 4), (g.wdwconv, 3), (g.wtconv, 1), (g.wfc, 1), (g.wmatmul, 2),
             (g.wbinary, 5), (g.wunary, 3), (g.wreduce, 3), (g.warg, 1), (g.wsoftmax, 1),
             (g.wreshape, 2), (g.wtranspose, 3), (g.wsqueeze, 2), (g.wreverse, 2),
             (g.wtile, 1), (g.wslice, 3), (g.wsplit, 2), (g.wunpack, 2), (g.wgather, 2),
             (g.wconcat, 2), (g.wpad, 2), (g.wpool, 2), (g.wresize, 1), (g.wblocks, 1)]
    if g.more:
        draws += [(g.wirb, 4), (g.wse, 2), (g.wfpn, 2), (g.wssd, 1), (g.wbigreduce, 1)]
    fns = [f for f, wgt in draws for _ in range(wgt)]
    for _ in range(r.randint(4, 14)):
        x = g.pick_rank(1, 4)
        if x is None or prod(x[1]) < 1:
            break
        f = r.choice(fns)
        if len(x[1]) < 2 and f in (g.wmatmul, g.wunpack):
            f = g.wunary
        f(x)
    last = g.pick_rank(1, 4)
    if g.more and r.random() < 0.3:
        # a classifier's or a detector's head: LOGISTIC, or SOFTMAX on the last axis
        if r.random() < 0.5:
            last = g.op('LOGISTIC', 0, [], [last[0]], last[1])
        else:
            last = g.op('SOFTMAX', OPT['Softmax'], [(0, 'f', 1.0)], [last[0]], last[1])
    outs = [last[0]]
    inner = [t for t, s in g.live[1:] if t != last[0] and 1 <= len(s) <= 4]
    if inner and r.random() < 0.4:
        outs.append(r.choice(inner))
    outs += g.extra_outs
    with open(out, 'wb') as f:
        f.write(tw.model_ops(g.ops, g.tensors, [inp], outs,
                             versions={WOPS['BROADCAST_TO']: 2}))
    print('seed %d (wide): input %s, %d ops: %s; outputs %d' % (
        seed, shape, len(g.ops), ' '.join(g.names), len(outs)))


def main():
    args = sys.argv[1:]
    if args and args[0] == '--wide':
        main_wide(int(args[1]), args[2])
        return
    seed, out = int(args[0]), args[1]
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
