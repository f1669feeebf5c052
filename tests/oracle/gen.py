#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Golden-case generator: single-op int8/uint8 .tflite models and the same
op as an edgeai program (uapi/drm/edgeai_program.h).

    gen.py OUTDIR [FILTER]

For each case writes OUTDIR/NAME/{model.tflite, prog.bin, in0.bin, ...}
and lists the case names in OUTDIR/cases.txt. Inputs are seeded and
deterministic. The program side plays the compiler: it derives the integer
multipliers, shifts, activation ranges and tables from the float scales the
way TFLite 2.9.0 does in its Prepare() functions (notes at each builder).

Program slots: slot i holds graph input i, slot N (after the inputs) the
output; constant tensors live in the program's constant region.
"""
import math
import os
import random
import struct
import sys
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_writer as tw  # noqa: E402

# --- uapi constants (uapi/drm/edgeai_program.h) ---------------------------
MAGIC, VERSION = 0x47504145, 1
DT = {'int8': 1, 'uint8': 2, 'int16': 3, 'int32': 4, 'int64': 5}
OP = {n: i + 1 for i, n in enumerate([
    'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'SUB', 'MUL',
    'MAXIMUM', 'MINIMUM', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'MEAN',
    'SOFTMAX', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'RELU', 'RELU6',
    'LEAKY_RELU', 'PRELU', 'PAD', 'CONCATENATION', 'RESHAPE',
    'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'QUANTIZE',
    'STRIDED_SLICE', 'TRANSPOSE', 'DEPTH_TO_SPACE', 'SPACE_TO_DEPTH',
    'TRANSPOSE_CONV', 'ARG_MAX', 'TABLE', 'SQUARED_DIFFERENCE',
    'L2_NORMALIZATION', 'BATCH_MATMUL'])}
SLOT_CONST = NO_TENSOR = NO_CONST = 0xffffffff
PARAM_WORDS = 20

# TFLite builtin operator codes and builtin options union indices.
TFL = {'ADD': 0, 'AVERAGE_POOL_2D': 1, 'CONCATENATION': 2, 'CONV_2D': 3,
       'DEPTHWISE_CONV_2D': 4, 'DEPTH_TO_SPACE': 5, 'FULLY_CONNECTED': 9,
       'LOGISTIC': 14, 'MAX_POOL_2D': 17, 'MUL': 18, 'RELU': 19,
       'RELU_N1_TO_1': 20, 'RELU6': 21, 'RESHAPE': 22, 'RESIZE_BILINEAR': 23,
       'SOFTMAX': 25, 'SPACE_TO_DEPTH': 26, 'TANH': 28, 'PAD': 34,
       'TRANSPOSE': 39, 'MEAN': 40, 'SUB': 41, 'STRIDED_SLICE': 45,
       'PRELU': 54, 'MAXIMUM': 55, 'ARG_MAX': 56, 'MINIMUM': 57, 'TRANSPOSE_CONV': 67,
       'REDUCE_MAX': 82, 'REDUCE_MIN': 89, 'ARG_MIN': 79, 'SUM': 74,
       'RESIZE_NEAREST_NEIGHBOR': 97, 'LEAKY_RELU': 98, 'QUANTIZE': 114,
       'HARD_SWISH': 117, 'ELU': 111, 'GELU': 150,
       'ABS': 101, 'RSQRT': 76, 'SQUARED_DIFFERENCE': 99,
       'L2_NORMALIZATION': 11, 'BATCH_TO_SPACE_ND': 37,
       'SPACE_TO_BATCH_ND': 38, 'TILE': 69, 'BROADCAST_TO': 130,
       'BATCH_MATMUL': 126}
OPT = {'Conv2D': 1, 'DepthwiseConv2D': 2, 'Pool2D': 5, 'FullyConnected': 8,
       'Softmax': 9, 'Concatenation': 10, 'Add': 11, 'ResizeBilinear': 15,
       'Reshape': 17, 'SpaceToDepth': 19, 'Mul': 21, 'Pad': 22,
       'Transpose': 26, 'Reducer': 27, 'Sub': 28, 'StridedSlice': 32,
       'TransposeConv': 49,
       'MaximumMinimum': 39, 'ArgMax': 40, 'ArgMin': 57, 'ResizeNearestNeighbor': 74, 'LeakyRelu': 75,
       'Quantize': 89, 'HardSwish': 91, 'DepthToSpace': 94, 'Gelu': 116,
       'L2Norm': 12, 'BatchMatMul': 101}
TTYPE = {'int8': tw.TT_INT8, 'uint8': tw.TT_UINT8, 'int32': tw.TT_INT32,
         'int64': tw.TT_INT64}
QRANGE = {'int8': (-128, 127), 'uint8': (0, 255)}


# --- float32 emulation and TFLite's quantization helpers -------------------
def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def round_away(x):
    """std::round / TfLiteRound: half away from zero."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def quantize_multiplier(m):
    """TFLite QuantizeMultiplier (quantization_util.cc)."""
    if m == 0.0:
        return 0, 0
    q, shift = math.frexp(m)
    qf = round_away(q * (1 << 31))
    if qf == (1 << 31):
        qf //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return qf, shift


def act_range(act, dtype, s_out, zp_out, double=False):
    """CalculateActivationRangeQuantized (QuantizedReluX for the standalone
    RELU6 and RELU_N1_TO_1): f / scale in float, roundf; @double: the
    candidate it is told from (clamp_scale_case()), the division in
    double."""
    qmin, qmax = QRANGE[dtype]

    def q(f):
        if double:
            return zp_out + round_away(f / f32(s_out))
        return zp_out + round_away(f32(f32(f) / f32(s_out)))
    if act == 'NONE':
        return qmin, qmax
    if act == 'RELU':
        return max(qmin, q(0.0)), qmax
    if act == 'RELU6':
        return max(qmin, q(0.0)), min(qmax, q(6.0))
    if act == 'RELU_N1_TO_1':
        return max(qmin, q(-1.0)), min(qmax, q(1.0))
    raise ValueError(act)


def pad_same(size, k, stride, dil):
    """ComputePaddingHeightWidth for SAME: (out, before)."""
    eff = (k - 1) * dil + 1
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + eff - size, 0)
    return out, total // 2


def out_valid(size, k, stride, dil):
    eff = (k - 1) * dil + 1
    return (size + stride - eff) // stride


def pack(fmt, vals):
    return struct.pack('<%d%s' % (len(vals), fmt), *vals)


def npfmt(dtype):
    return {'int8': 'b', 'uint8': 'B', 'int32': 'i'}[dtype]


def dims4(shape):
    shape = list(shape)
    assert len(shape) <= 4
    return [1] * (4 - len(shape)) + shape


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


# --- the program writer -----------------------------------------------------
class Prog:
    def __init__(self):
        self.tensors = []
        self.ops = []
        self.consts = bytearray()

    def const(self, data, align=8):
        while len(self.consts) % align:
            self.consts.append(0)
        off = len(self.consts)
        self.consts += data
        return off

    def tensor(self, dtype, shape, zp=0, slot=None, data=None, off=0):
        if data is not None:
            slot, off = SLOT_CONST, self.const(data)
        self.tensors.append((DT[dtype], slot, off, dims4(shape), zp))
        return len(self.tensors) - 1

    def op(self, name, inputs, output, params=()):
        ins = list(inputs) + [NO_TENSOR] * (8 - len(inputs))
        words = [p & 0xffffffff for p in params]
        words += [0] * (PARAM_WORDS - len(words))
        self.ops.append((OP[name], ins, output, words))

    def blob(self):
        hdr = 64
        toff = hdr
        ooff = toff + 48 * len(self.tensors)
        coff = ooff + 128 * len(self.ops)
        total = coff + len(self.consts)
        total += (-total) % 8
        slots = [t[1] for t in self.tensors if t[1] != SLOT_CONST]
        b = struct.pack('<16I', MAGIC, VERSION, hdr, total, len(self.tensors),
                        len(self.ops), toff, ooff, coff, len(self.consts),
                        max(slots) + 1, 0, 0, 0, 0, 0)
        for dt, slot, off, d, zp in self.tensors:
            b += struct.pack('<IIQ4IiI2I', dt, slot, off, *d, zp, 0, 0, 0)
        for opc, ins, out, words in self.ops:
            b += struct.pack('<II8III20I', opc, 0, *ins, out, 0, *words)
        b += self.consts
        b += bytes(total - len(b))
        assert len(b) == total
        return b


# --- cases ------------------------------------------------------------------
class Case:
    """A single-op case: TFLite tensors plus the matching program."""

    def __init__(self, name, seed):
        self.name = name
        self.rng = random.Random(seed)
        self.tt = []        # TFLite tensors
        self.ginputs = []   # graph input tensor indices
        self.inputs = []    # input bytes per graph input
        self.prog = Prog()
        self.pidx = {}      # TFLite tensor index -> program tensor index

    def act_input(self, shape, dtype, scale, zp):
        i = len(self.tt)
        self.tt.append({'shape': shape, 'type': TTYPE[dtype],
                        'scale': [f32(scale)], 'zero_point': [zp]})
        lo, hi = QRANGE[dtype]
        data = [self.rng.randint(lo, hi) for _ in range(count(shape))]
        self.inputs.append(pack(npfmt(dtype), data))
        self.pidx[i] = self.prog.tensor(dtype, shape, zp,
                                        slot=len(self.ginputs))
        self.ginputs.append(i)
        return i

    def const_tensor(self, shape, dtype, values, scale=None, zp=None,
                     qdim=0, in_prog=True):
        i = len(self.tt)
        data = pack(npfmt(dtype), values)
        t = {'shape': shape, 'type': TTYPE[dtype], 'data': data}
        if scale is not None:
            t.update(scale=[f32(s) for s in scale], zero_point=zp, qdim=qdim)
        self.tt.append(t)
        if in_prog:
            self.pidx[i] = self.prog.tensor(dtype, shape,
                                            zp[0] if zp else 0, data=data)
        return i

    def prog_dims(self, i, shape):
        """The program tensor of TFLite tensor @i with dims @shape (same bytes)."""
        t = self.prog.tensors[self.pidx[i]]
        assert count(shape) == count(self.tt[i]['shape'])
        self.prog.tensors[self.pidx[i]] = (t[0], t[1], t[2], dims4(shape), t[4])

    def reduction(self, shape, axes, keep_dims, dtype, s_in, zp_in, s_out, zp_out):
        """The input, constant axes and output of a reduction over @axes,
        the program tensors in the dims of reduce_view()."""
        view, oview, keep, drop = reduce_view(list(shape), axes)
        inp = self.act_input(list(shape), dtype, s_in, zp_in)
        self.prog_dims(inp, view)
        ax = self.const_tensor([len(axes)], 'int32', list(axes), in_prog=False)
        out = self.output(keep if keep_dims else drop, dtype, s_out, zp_out)
        self.prog_dims(out, oview)
        return inp, ax, out

    def output(self, shape, dtype, scale, zp):
        i = len(self.tt)
        self.tt.append({'shape': shape, 'type': TTYPE[dtype],
                        'scale': [f32(scale)], 'zero_point': [zp]})
        self.pidx[i] = self.prog.tensor(dtype, shape, zp,
                                        slot=len(self.ginputs))
        self.out = i
        return i

    def write(self, outdir, opcode, opts_type, opts, op_inputs, version=1):
        d = os.path.join(outdir, self.name)
        os.makedirs(d, exist_ok=True)
        self.opname = opcode
        m = tw.model(TFL[opcode], opts_type, opts, self.tt, op_inputs,
                     [self.out], self.ginputs, [self.out],
                     {TFL[opcode]: version})
        with open(os.path.join(d, 'model.tflite'), 'wb') as f:
            f.write(m)
        with open(os.path.join(d, 'prog.bin'), 'wb') as f:
            f.write(self.prog.blob())
        for k, data in enumerate(self.inputs):
            with open(os.path.join(d, 'in%d.bin' % k), 'wb') as f:
                f.write(data)


def s32(x):
    return x & 0xffffffff


def conv_case(name, seed, dtype='int8', n=1, h=8, w=8, ic=3, oc=4, kh=3,
              kw=3, stride=(1, 1), dil=(1, 1), padding='SAME', act='NONE',
              s_in=0.05, zp_in=3, s_out=None, zp_out=-5, w_zp=0,
              depthwise=False, dm=1, bias=True, wscale=None, gain=1.0):
    """CONV_2D / DEPTHWISE_CONV_2D.

    TFLite 2.9 PopulateConvolutionQuantizationParams: per channel,
    (double)s_in * (double)s_w[c] / (double)s_out, QuantizeMultiplier.
    uint8 (per-tensor) uses GetQuantizedConvolutionMultipler: s_in * s_w
    rounded to float, then (double) / (double)s_out (product_case()). TFLite 2.9 rejects
    quantized CONV_2D without a bias (and crashes on DEPTHWISE_CONV_2D
    without one), so there are no bias-free conv cases; the kernels accept
    NO_TENSOR there.
    """
    c = Case(name, seed)
    rng = c.rng
    if depthwise:
        oc = ic * dm
    inp = c.act_input([n, h, w, ic], dtype, s_in, zp_in)
    per_channel = dtype == 'int8'
    nsc = oc if per_channel else 1
    if wscale is None:
        wscale = [rng.uniform(0.002, 0.02) for _ in range(nsc)]
    wscale = [f32(s) for s in wscale]
    if dtype == 'int8':
        wvals_range = (-127, 127)
    else:
        wvals_range = (0, 255)
    fshape = [1, kh, kw, oc] if depthwise else [oc, kh, kw, ic]
    wv = [rng.randint(*wvals_range) for _ in range(count(fshape))]
    wzp = [0] * nsc if per_channel else [w_zp]
    filt = c.const_tensor(fshape, dtype, wv, wscale, wzp,
                          qdim=3 if depthwise else 0)
    if s_out is None:
        # Accumulators have a standard deviation of about 5400 * sqrt(taps)
        # (uniform weights and inputs): aim the output at about 50 * gain.
        taps = kh * kw * (1 if depthwise else ic)
        s_out = s_in * (sum(wscale) / len(wscale)) * 110 * math.sqrt(taps) / gain
    s_out = f32(s_out)
    bscale = [f32(f32(s_in) * s) for s in wscale]
    binp = -1
    if bias:
        bv = [rng.randint(-3000, 3000) for _ in range(oc)]
        binp = c.const_tensor([oc], 'int32', bv, bscale, [0] * len(bscale))
    if padding == 'SAME':
        oh, pt = pad_same(h, kh, stride[0], dil[0])
        ow, pl = pad_same(w, kw, stride[1], dil[1])
    else:
        oh, pt = out_valid(h, kh, stride[0], dil[0]), 0
        ow, pl = out_valid(w, kw, stride[1], dil[1]), 0
    out = c.output([n, oh, ow, oc], dtype, s_out, zp_out)
    amin, amax = act_range(act, dtype, s_out, zp_out)
    if per_channel:
        q = [quantize_multiplier(f32(s_in) * s / s_out) for s in wscale]
        qoff = c.prog.const(b''.join(struct.pack('<ii', *x) for x in q))
        om, osh = 0, 0
    else:
        om, osh = quantize_multiplier(f32(f32(s_in) * wscale[0]) / s_out)
        qoff = NO_CONST
    p = [stride[0], stride[1], dil[0], dil[1], pt, pl, dm if depthwise else 1,
         amin, amax, om, osh, qoff]
    c.prog.op('DEPTHWISE_CONV_2D' if depthwise else 'CONV_2D',
              [c.pidx[inp], c.pidx[filt]] +
              ([c.pidx[binp]] if bias else []), c.pidx[out], p)
    pad = tw.PAD_SAME if padding == 'SAME' else tw.PAD_VALID
    if depthwise:
        opts = [(0, 'b', pad), (1, 'i', stride[1]), (2, 'i', stride[0]),
                (3, 'i', dm), (4, 'b', tw.ACT[act]), (5, 'i', dil[1]),
                (6, 'i', dil[0])]
        c.write(OUTDIR, 'DEPTHWISE_CONV_2D', OPT['DepthwiseConv2D'], opts,
                [inp, filt] + ([binp] if bias else []))
        return c
    else:
        opts = [(0, 'b', pad), (1, 'i', stride[1]), (2, 'i', stride[0]),
                (3, 'b', tw.ACT[act]), (4, 'i', dil[1]), (5, 'i', dil[0])]
        c.write(OUTDIR, 'CONV_2D', OPT['Conv2D'], opts,
                [inp, filt] + ([binp] if bias else []))
        return c


def tconv_case(name, seed, dtype='int8', n=1, h=5, w=4, ic=3, oc=5, kh=3,
               kw=3, stride=(2, 2), padding='SAME', out_hw=None, s_in=0.05,
               zp_in=None, zp_out=None, w_zp=131, bias=True, gain=1.0):
    """TRANSPOSE_CONV: inputs output_shape, weights [OC, KH, KW, IC], input,
    optional bias (op version 3 with one).

    TFLite 2.9 (transpose_conv.cc) takes the padding from the output shape:
    ComputePaddingHeightWidth(stride, 1, OH, OW, KH, KW, padding): the conv
    out size of OH (SAME: ceil(OH / s), VALID: (OH - KH + s) / s), total =
    max((out - 1) * s + KH - OH, 0), cut before = total / 2. Multipliers as
    CONV_2D's (int8 per channel in double, uint8 the float product); no fused
    activation in 2.9. Default output: SAME h * s, VALID (h - 1) * s + k.
    """
    c = Case(name, seed)
    rng = c.rng
    if zp_in is None:
        zp_in = 131 if dtype == 'uint8' else -4
    if zp_out is None:
        zp_out = 120 if dtype == 'uint8' else 6
    inp = c.act_input([n, h, w, ic], dtype, s_in, zp_in)
    per_channel = dtype == 'int8'
    nsc = oc if per_channel else 1
    wscale = [f32(rng.uniform(0.002, 0.02)) for _ in range(nsc)]
    if out_hw is None:
        if padding == 'SAME':
            out_hw = (h * stride[0], w * stride[1])
        else:
            out_hw = ((h - 1) * stride[0] + kh, (w - 1) * stride[1] + kw)
    oh, ow = out_hw

    def cut(size, k, s):
        o = (size + s - 1) // s if padding == 'SAME' else (size - k + s) // s
        return max((o - 1) * s + k - size, 0) // 2
    pt, pl = cut(oh, kh, stride[0]), cut(ow, kw, stride[1])
    oshape = c.const_tensor([4], 'int32', [n, oh, ow, oc], in_prog=False)
    wr = (-127, 127) if per_channel else (0, 255)
    fshape = [oc, kh, kw, ic]
    wv = [rng.randint(*wr) for _ in range(count(fshape))]
    filt = c.const_tensor(fshape, dtype, wv, wscale,
                          [0] * nsc if per_channel else [w_zp], qdim=0)
    # taps reaching one output: about kh * kw * ic / (s_h * s_w)
    taps = max(1.0, kh * kw * ic / (stride[0] * stride[1]))
    s_out = f32(s_in * (sum(wscale) / len(wscale)) * 110 * math.sqrt(taps) /
                gain)
    binp = -1
    if bias:
        bscale = [f32(f32(s_in) * s) for s in wscale]
        bv = [rng.randint(-3000, 3000) for _ in range(oc)]
        binp = c.const_tensor([oc], 'int32', bv, bscale, [0] * len(bscale))
    out = c.output([n, oh, ow, oc], dtype, s_out, zp_out)
    amin, amax = QRANGE[dtype]
    if per_channel:
        q = [quantize_multiplier(f32(s_in) * s / s_out) for s in wscale]
        qoff = c.prog.const(b''.join(struct.pack('<ii', *x) for x in q))
        om, osh = 0, 0
    else:
        om, osh = quantize_multiplier(f32(f32(s_in) * wscale[0]) / s_out)
        qoff = NO_CONST
    c.prog.op('TRANSPOSE_CONV', [c.pidx[inp], c.pidx[filt]] +
              ([c.pidx[binp]] if bias else []), c.pidx[out],
              [stride[0], stride[1], pt, pl, amin, amax, om, osh, qoff])
    pad = tw.PAD_SAME if padding == 'SAME' else tw.PAD_VALID
    opts = [(0, 'b', pad), (1, 'i', stride[1]), (2, 'i', stride[0])]
    c.write(OUTDIR, 'TRANSPOSE_CONV', OPT['TransposeConv'], opts,
            [oshape, filt, inp] + ([binp] if bias else []),
            version=3 if bias else (2 if per_channel else 1))
    return c


def fc_case(name, seed, dtype='int8', batch=2, ic=16, oc=8, act='NONE',
            s_in=0.04, zp_in=-7, s_w=0.01, w_zp=0, s_out=None, zp_out=4,
            bias=True, gain=1.0):
    """FULLY_CONNECTED: per-tensor multiplier from
    (double)(s_in * s_w) / (double)s_out, the product in float
    (GetQuantizedConvolutionMultipler); uint8 subtracts the filter zero
    point."""
    c = Case(name, seed)
    rng = c.rng
    inp = c.act_input([batch, ic], dtype, s_in, zp_in)
    lo, hi = (-127, 127) if dtype == 'int8' else (0, 255)
    wv = [rng.randint(lo, hi) for _ in range(oc * ic)]
    filt = c.const_tensor([oc, ic], dtype, wv, [s_w], [w_zp])
    s_w = f32(s_w)
    if s_out is None:
        s_out = s_in * s_w * 110 * math.sqrt(ic) / gain
    s_out = f32(s_out)
    binp = -1
    if bias:
        bv = [rng.randint(-2000, 2000) for _ in range(oc)]
        binp = c.const_tensor([oc], 'int32', bv, [f32(f32(s_in) * s_w)], [0])
    out = c.output([batch, oc], dtype, s_out, zp_out)
    amin, amax = act_range(act, dtype, s_out, zp_out)
    om, osh = quantize_multiplier(f32(f32(s_in) * s_w) / s_out)
    c.prog.op('FULLY_CONNECTED', [c.pidx[inp], c.pidx[filt]] +
              ([c.pidx[binp]] if bias else []), c.pidx[out],
              [amin, amax, om, osh])
    c.write(OUTDIR, 'FULLY_CONNECTED', OPT['FullyConnected'],
            [(0, 'b', tw.ACT[act])], [inp, filt, binp])
    return c


def product_case(name, seed, op, dtype, si, sw, so, w):
    """A 1x1 FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D or TRANSPOSE_CONV
    of one channel and one weight @w, on every stored value, at scales
    @si, @sw, @so (found by a search) where (float)(s_in * s_w) / s_out
    and the product in double round to multipliers that give some of
    those inputs other outputs (with either final rounding):
    FULLY_CONNECTED and the uint8 convolutions take the float product
    (GetQuantizedConvolutionMultipler), int8 convolutions the double one
    (PopulateConvolutionQuantizationParams)."""
    c = Case(name, seed)
    lo, hi = QRANGE[dtype]
    zp = 0 if dtype == 'int8' else 128
    fl = op == 'FULLY_CONNECTED' or dtype == 'uint8'

    def outs(m, w):
        """Each input's output before the clamp, gemmlowp's and ruy's rounding."""
        q, e = quantize_multiplier(m)
        res = []
        for v in range(lo, hi + 1):
            acc = (v - zp) * (w - zp)
            t = mbqm(acc, q, max(e, 0))
            up = (t + (1 << (-e - 1))) >> -e if e < 0 else t
            res.append((mbqm(acc, q, e) + zp, up + zp))
        return res

    def differ(a, b):
        return all(lo <= x <= hi and lo <= y <= hi and x != y for x, y in zip(a, b))
    si, sw, so = f32(si), f32(sw), f32(so)
    assert any(differ(a, b) for a, b in zip(outs(si * sw / so, w), outs(f32(si * sw) / so, w))), \
        name
    shape = [256, 1] if op == 'FULLY_CONNECTED' else [1, 16, 16, 1]
    inp = c.act_input(shape, dtype, si, zp)
    c.inputs[-1] = pack(npfmt(dtype), list(range(lo, hi + 1)))
    filt = c.const_tensor([1, 1] if op == 'FULLY_CONNECTED' else [1, 1, 1, 1], dtype, [w],
                          [sw], [zp], qdim=3 if op == 'DEPTHWISE_CONV_2D' else 0)
    binp = c.const_tensor([1], 'int32', [0], [f32(si * sw)], [0])
    out = c.output(shape, dtype, so, zp)
    om, osh = quantize_multiplier(f32(si * sw) / so if fl else si * sw / so)
    qoff = NO_CONST
    if dtype == 'int8' and op != 'FULLY_CONNECTED':
        qoff = c.prog.const(struct.pack('<ii', om, osh))
        om, osh = 0, 0
    ins = [c.pidx[inp], c.pidx[filt], c.pidx[binp]]
    if op == 'FULLY_CONNECTED':
        c.prog.op(op, ins, c.pidx[out], [lo, hi, om, osh])
        c.write(OUTDIR, op, OPT['FullyConnected'], [(0, 'b', 0)], [inp, filt, binp])
    elif op == 'TRANSPOSE_CONV':
        oshape = c.const_tensor([4], 'int32', shape, in_prog=False)
        c.prog.op(op, ins, c.pidx[out], [1, 1, 0, 0, lo, hi, om, osh, qoff])
        c.write(OUTDIR, op, OPT['TransposeConv'], [(0, 'b', tw.PAD_SAME), (1, 'i', 1),
                                                    (2, 'i', 1)],
                [oshape, filt, inp, binp], version=3)
    else:
        c.prog.op(op, ins, c.pidx[out], [1, 1, 1, 1, 0, 0, 1, lo, hi, om, osh, qoff])
        if op == 'CONV_2D':
            opts = [(0, 'b', tw.PAD_SAME), (1, 'i', 1), (2, 'i', 1), (3, 'b', 0), (4, 'i', 1),
                    (5, 'i', 1)]
        else:
            opts = [(0, 'b', tw.PAD_SAME), (1, 'i', 1), (2, 'i', 1), (3, 'i', 1), (4, 'b', 0),
                    (5, 'i', 1), (6, 'i', 1)]
        c.write(OUTDIR, op, OPT['Conv2D' if op == 'CONV_2D' else 'DepthwiseConv2D'], opts,
                [inp, filt, binp])
    return c


def add_case(name, seed, op='ADD', dtype='int8', shape_a=(1, 4, 5, 3),
             shape_b=(1, 4, 5, 3), s_a=0.05, zp_a=2, s_b=0.03, zp_b=-9,
             s_out=0.07, zp_out=1, act='NONE', const=None):
    """ADD/SUB (add.cc/sub.cc Prepare, 8-bit): left_shift 20,
    twice_max = 2 * (double)max(s_a, s_b) (the max taken in float),
    input multipliers s_i / twice_max, output twice_max / (2^20 * s_out).
    MUL (mul.cc): s_a * s_b / s_out in float, then widened
    (mul_*_scale_ratio).
    @const 'a' or 'b': that input a constant (seeded values), as a model's
    x + 3 or 0.5 * x writes it (the compiler makes a one-element constant
    and a tensor a TABLE)."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp_a, zp_b, zp_out = zp_a + 128, zp_b + 128, zp_out + 128

    def operand(which, shape, s, zp):
        if const != which:
            return c.act_input(list(shape), dtype, s, zp)
        lo, hi = QRANGE[dtype]
        return c.const_tensor(list(shape), dtype,
                              [c.rng.randint(lo, hi) for _ in range(count(shape))],
                              [s], [zp])
    a = operand('a', shape_a, s_a, zp_a)
    b = operand('b', shape_b, s_b, zp_b)
    oshape = [max(x, y) for x, y in zip(dims4(shape_a), dims4(shape_b))]
    oshape = oshape[4 - max(len(shape_a), len(shape_b)):]
    s_a, s_b, s_out = f32(s_a), f32(s_b), f32(s_out)
    out = c.output(oshape, dtype, s_out, zp_out)
    amin, amax = act_range(act, dtype, s_out, zp_out)
    if op in ('ADD', 'SUB'):
        tm = 2 * max(s_a, s_b)
        m0 = quantize_multiplier(s_a / tm)
        m1 = quantize_multiplier(s_b / tm)
        mo = quantize_multiplier(tm / ((1 << 20) * s_out))
        p = [20, m0[0], m0[1], m1[0], m1[1], mo[0], mo[1], amin, amax]
        optt = OPT['Add'] if op == 'ADD' else OPT['Sub']
    elif op == 'MUL':
        mo = quantize_multiplier(f32(f32(s_a * s_b) / s_out))
        p = [mo[0], mo[1], amin, amax]
        optt = OPT['Mul']
    elif op == 'SQUARED_DIFFERENCE':
        # squared_difference.cc (int8): left_shift 7, the output ratio
        # twice_max^2 / (2^14 * s_out); no options, no activation
        tm = 2 * max(s_a, s_b)
        m0 = quantize_multiplier(s_a / tm)
        m1 = quantize_multiplier(s_b / tm)
        mo = quantize_multiplier(tm * tm / ((1 << 14) * s_out))
        p = [7, m0[0], m0[1], m1[0], m1[1], mo[0], mo[1], -128, 127]
        c.prog.op(op, [c.pidx[a], c.pidx[b]], c.pidx[out], p)
        c.write(OUTDIR, op, 0, [], [a, b])
        return c
    c.prog.op(op, [c.pidx[a], c.pidx[b]], c.pidx[out], p)
    c.write(OUTDIR, op, optt, [(0, 'b', tw.ACT[act])], [a, b])
    return c


def arith_params(op, s_a, s_b, s_out, alt=''):
    """The program parameters of ADD, SUB, SQUARED_DIFFERENCE, MUL and
    PRELU as TFLite 2.9's Prepare derives them from float scales @s_a,
    @s_b (PRELU: alpha's), @s_out; @alt names a candidate it is told from
    (binary_scale_case()): 'in', 'out' (the ratios of ADD and SUB, of
    SQUARED_DIFFERENCE in double: 'in' in float, 'out' the output's),
    'ratio' (MUL's s_a * s_b / s_out in float: in double), 'ident' and
    'alpha' (PRELU's two ratios in float: in double)."""
    qm = quantize_multiplier
    if op == 'MUL':
        return list(qm(s_a * s_b / s_out if alt == 'ratio' else f32(f32(s_a * s_b) / s_out)))
    if op == 'PRELU':
        ident = s_a / s_out if alt == 'ident' else f32(s_a / s_out)
        alpha = s_a * s_b / s_out if alt == 'alpha' else f32(f32(s_a * s_b) / s_out)
        return list(qm(ident) + qm(alpha))
    sq = op == 'SQUARED_DIFFERENCE'
    tm = 2 * max(s_a, s_b)
    rin = f32 if alt == 'in' else float
    out = tm * tm / ((1 << 14) * s_out) if sq else tm / ((1 << 20) * s_out)
    if alt == 'out':
        out = f32(f32(tm * tm) / ((1 << 14) * s_out)) if sq else f32(tm / ((1 << 20) * s_out))
    return [7 if sq else 20] + list(qm(rin(s_a / tm)) + qm(rin(s_b / tm)) + qm(out))


def arith_outs(op, dtype, zp_a, zp_b, zp_out, p):
    """out(a, b) of the stored values under parameters @p (arith_params())."""
    lo, hi = QRANGE[dtype]
    if op == 'MUL':
        return lambda a, b: mbqm((a - zp_a) * (b - zp_b), *p) + zp_out
    if op == 'PRELU':
        return lambda a, b: zp_out + (mbqm(a - zp_a, p[0], p[1]) if a >= zp_a else
                                      mbqm((a - zp_a) * (b - zp_b), p[2], p[3]))
    xa = {v: mbqm((v - zp_a) << p[0], p[1], p[2]) for v in range(lo, hi + 1)}
    xb = {v: mbqm((v - zp_b) << p[0], p[3], p[4]) for v in range(lo, hi + 1)}
    if op == 'ADD':
        return lambda a, b: mbqm(xa[a] + xb[b], p[5], p[6]) + zp_out
    if op == 'SUB':
        return lambda a, b: mbqm(xa[a] - xb[b], p[5], p[6]) + zp_out
    return lambda a, b: mbqm((xa[a] - xb[b]) ** 2, p[5], p[6]) + zp_out


def binary_scale_case(name, seed, op, dtype, alt, s_a, zp_a, s_b, zp_b, s_out, zp_out):
    """ADD, SUB, SQUARED_DIFFERENCE, MUL or PRELU at scales (found by a
    search, as product_case() does it) where TFLite's multipliers
    (arith_params()) and candidate @alt give some pairs of stored values
    other outputs: the first input holds every stored value, the second
    (PRELU: the constant alpha) for each the first partner that tells the
    two apart, else a seeded one. Zero points as given (not moved for
    uint8)."""
    c = Case(name, seed)
    lo, hi = QRANGE[dtype]
    s_a, s_b, s_out = f32(s_a), f32(s_b), f32(s_out)
    p = arith_params(op, s_a, s_b, s_out)
    f = arith_outs(op, dtype, zp_a, zp_b, zp_out, p)
    g = arith_outs(op, dtype, zp_a, zp_b, zp_out, arith_params(op, s_a, s_b, s_out, alt))

    def tells(a, b):
        x, y = f(a, b), g(a, b)
        return x != y and lo <= x <= hi and lo <= y <= hi
    bv = [next((b for b in range(lo, hi + 1) if tells(a, b)), None) for a in range(lo, hi + 1)]
    assert any(b is not None for b in bv), name
    bv = [c.rng.randint(lo, hi) if b is None else b for b in bv]
    shape = [1, 16, 16, 1]
    a = c.act_input(shape, dtype, s_a, zp_a)
    c.inputs[-1] = pack(npfmt(dtype), list(range(lo, hi + 1)))
    if op == 'PRELU':
        b = c.const_tensor(shape, dtype, bv, [s_b], [zp_b])
    else:
        b = c.act_input(shape, dtype, s_b, zp_b)
        c.inputs[-1] = pack(npfmt(dtype), bv)
    out = c.output(shape, dtype, s_out, zp_out)
    if op != 'PRELU':
        p += [lo, hi]
    c.prog.op(op, [c.pidx[a], c.pidx[b]], c.pidx[out], p)
    optt = {'ADD': OPT['Add'], 'SUB': OPT['Sub'], 'MUL': OPT['Mul']}.get(op)
    c.write(OUTDIR, op, optt or 0, [(0, 'b', 0)] if optt else [], [a, b])
    return c


def clamp_scale_case(name, seed, op, dtype, act, s_out, zp_out):
    """The clamp of @act (RELU6 or RELU_N1_TO_1) at an output scale (found
    by a search) where zp + round(f / s_out) with the division in float
    (act_range(): TFLite's) and in double give other bounds, fused into a
    1x1 CONV_2D of one channel (weight 100, zero bias) or an ADD, or the
    standalone op (@op == @act). The first input holds every stored value
    at 2 s_out a step about zero point 0 (uint8: 128), so outputs pass both
    bounds; ADD's second seeded values at 0.3 s_out. Zero points as given
    (not moved for uint8)."""
    c = Case(name, seed)
    lo, hi = QRANGE[dtype]
    zp = 0 if dtype == 'int8' else 128
    s_out = f32(s_out)
    s_in = f32(2 * s_out)
    amin, amax = act_range(act, dtype, s_out, zp_out)
    bounds = (act_range(act, dtype, s_out, zp_out, double=True), (amin, amax))
    assert bounds[0] != bounds[1] and lo < min(bounds[0] + bounds[1]), name
    assert max(bounds[0] + bounds[1]) < hi, name
    shape = [1, 16, 16, 1]
    inp = c.act_input(shape, dtype, s_in, zp)
    c.inputs[-1] = pack(npfmt(dtype), list(range(lo, hi + 1)))
    if op == 'ADD':
        s_b = f32(0.3 * s_out)
        bv = [c.rng.randint(lo, hi) for _ in range(256)]
        b = c.act_input(shape, dtype, s_b, zp)
        c.inputs[-1] = pack(npfmt(dtype), bv)
    out = c.output(shape, dtype, s_out, zp_out)
    if op == 'CONV_2D':
        s_w = f32(0.01)
        filt = c.const_tensor([1, 1, 1, 1], dtype, [zp + 100], [s_w], [zp])
        binp = c.const_tensor([1], 'int32', [0], [f32(s_in * s_w)], [0])
        om, osh = quantize_multiplier(s_in * s_w / s_out if dtype == 'int8' else
                                      f32(s_in * s_w) / s_out)
        pre = [mbqm((v - zp) * 100, om, osh) + zp_out for v in range(lo, hi + 1)]
        qoff = NO_CONST
        if dtype == 'int8':
            qoff = c.prog.const(struct.pack('<ii', om, osh))
            om, osh = 0, 0
        c.prog.op(op, [c.pidx[inp], c.pidx[filt], c.pidx[binp]], c.pidx[out],
                  [1, 1, 1, 1, 0, 0, 1, amin, amax, om, osh, qoff])
        c.write(OUTDIR, op, OPT['Conv2D'], [(0, 'b', tw.PAD_SAME), (1, 'i', 1), (2, 'i', 1),
                                            (3, 'b', tw.ACT[act]), (4, 'i', 1), (5, 'i', 1)],
                [inp, filt, binp])
    elif op == 'ADD':
        p = arith_params(op, s_in, s_b, s_out)
        f = arith_outs(op, dtype, zp, zp, zp_out, p)
        pre = [f(v, w) for v, w in zip(range(lo, hi + 1), bv)]
        c.prog.op(op, [c.pidx[inp], c.pidx[b]], c.pidx[out], p + [amin, amax])
        c.write(OUTDIR, op, OPT['Add'], [(0, 'b', tw.ACT[act])], [inp, b])
    else:
        assert op == act, name
        m = quantize_multiplier(f32(s_in / s_out))
        pre = [mbqm(v - zp, *m) + zp_out for v in range(lo, hi + 1)]
        c.prog.op('RELU6', [c.pidx[inp]], c.pidx[out], [m[0], m[1], amin, amax])
        c.write(OUTDIR, op, 0, [], [inp])
    # every bound that moves is passed by a margin no final rounding closes
    for k in range(2):
        x, y = bounds[0][k], bounds[1][k]
        assert x == y or (max(pre) > max(x, y) + 1 if k else min(pre) < min(x, y) - 1), name
    return c


def maxmin_case(name, seed, op, dtype='int8', shape_a=(1, 3, 4, 5),
                shape_b=(1, 3, 4, 5), s=0.05, zp=-3):
    c = Case(name, seed)
    if dtype == 'uint8':
        zp += 128
    a = c.act_input(list(shape_a), dtype, s, zp)
    b = c.act_input(list(shape_b), dtype, s, zp)
    oshape = [max(x, y) for x, y in zip(dims4(shape_a), dims4(shape_b))]
    out = c.output(oshape, dtype, s, zp)
    c.prog.op(op, [c.pidx[a], c.pidx[b]], c.pidx[out])
    c.write(OUTDIR, op, OPT['MaximumMinimum'], [], [a, b])
    return c


def pool_case(name, seed, op, dtype='int8', n=1, h=9, w=7, ch=5, fh=3, fw=3,
              stride=(2, 2), padding='SAME', act='NONE', s=0.05, zp=-10):
    """Pooling: output shares the input quantization; activation range
    from the output scale as for conv."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp += 128
    inp = c.act_input([n, h, w, ch], dtype, s, zp)
    if padding == 'SAME':
        oh, pt = pad_same(h, fh, stride[0], 1)
        ow, pl = pad_same(w, fw, stride[1], 1)
    else:
        oh, pt = out_valid(h, fh, stride[0], 1), 0
        ow, pl = out_valid(w, fw, stride[1], 1), 0
    out = c.output([n, oh, ow, ch], dtype, s, zp)
    amin, amax = act_range(act, dtype, f32(s), zp)
    c.prog.op(op, [c.pidx[inp]], c.pidx[out],
              [fh, fw, stride[0], stride[1], pt, pl, amin, amax])
    pad = tw.PAD_SAME if padding == 'SAME' else tw.PAD_VALID
    c.write(OUTDIR, op, OPT['Pool2D'],
            [(0, 'b', pad), (1, 'i', stride[1]), (2, 'i', stride[0]),
             (3, 'i', fw), (4, 'i', fh), (5, 'b', tw.ACT[act])], [inp])
    return c


def requant_case(name, seed, op, dtype='int8', out_dtype=None,
                 shape=(1, 4, 4, 6), s_in=0.05, zp_in=7, s_out=0.03,
                 zp_out=-4, span=False):
    """QUANTIZE (quantize.cc): (double)s_in / (double)s_out.
    RELU/RELU6 (activations.cc ReluPrepare): the ratio s_in / s_out taken
    in float, then widened; clamp [max(qmin, zp + roundf(0 / s)), qmax]
    (RELU6: min(qmax, zp + roundf(6 / s))). @span: the input is every
    stored value (a shape of 256 elements)."""
    c = Case(name, seed)
    out_dtype = out_dtype or dtype
    if dtype == 'uint8':
        zp_in += 128
    if out_dtype == 'uint8':
        zp_out += 128
    inp = c.act_input(list(shape), dtype, s_in, zp_in)
    if span:
        c.inputs[-1] = pack(npfmt(dtype), list(range(QRANGE[dtype][0], QRANGE[dtype][1] + 1)))
    out = c.output(list(shape), out_dtype, s_out, zp_out)
    s_in, s_out = f32(s_in), f32(s_out)
    lo, hi = QRANGE[out_dtype]
    if op == 'QUANTIZE':
        m = quantize_multiplier(s_in / s_out)
        amin, amax = lo, hi
        optt, opts = OPT['Quantize'], []
    else:
        # QuantizedReluX; RELU_N1_TO_1 (-1, 1): the program's RELU6 op
        # clamps to any range
        m = quantize_multiplier(f32(s_in / s_out))
        amin, amax = act_range(op, out_dtype, s_out, zp_out)
        optt, opts = 0, []
    c.prog.op('RELU6' if op == 'RELU_N1_TO_1' else op, [c.pidx[inp]], c.pidx[out],
              [m[0], m[1], amin, amax])
    c.write(OUTDIR, op, optt, opts, [inp])
    return c


def reshape_case(name, seed, dtype='int8', shape=(1, 4, 6, 2),
                 new=(1, 8, 6)):
    c = Case(name, seed)
    inp = c.act_input(list(shape), dtype, 0.1, 3)
    shp = c.const_tensor([len(new)], 'int32', list(new), in_prog=False)
    out = c.output(list(new), dtype, 0.1, 3)
    c.prog.op('RESHAPE', [c.pidx[inp]], c.pidx[out])
    c.write(OUTDIR, 'RESHAPE', OPT['Reshape'],
            [(0, 'ref', tw.Vector('i', list(new)))], [inp, shp])
    return c


def pad_case(name, seed, dtype='int8', shape=(1, 3, 5, 2),
             pads=((0, 0), (1, 2), (2, 0), (0, 1)), zp=-6):
    c = Case(name, seed)
    if dtype == 'uint8':
        zp += 128
    inp = c.act_input(list(shape), dtype, 0.1, zp)
    pv = [x for pr in pads for x in pr]
    pt = c.const_tensor([len(shape), 2], 'int32', pv, in_prog=False)
    oshape = [d + a + b for d, (a, b) in zip(shape, pads)]
    out = c.output(oshape, dtype, 0.1, zp)
    p4 = [(0, 0)] * (4 - len(shape)) + list(pads)
    c.prog.op('PAD', [c.pidx[inp]], c.pidx[out],
              [a for a, _ in p4] + [b for _, b in p4])
    c.write(OUTDIR, 'PAD', OPT['Pad'], [], [inp, pt])
    return c


def table_concat(s_in, zp_in, s_out, zp_out):
    """uint8 ConcatenationWithScaling of an input of another quantization,
    in binary32: clamp((int)round(q * scale + bias) + zp_out), scale =
    s_in * (1 / s_out), bias = -zp_in * scale."""
    scale = f32(f32(s_in) * f32(1.0 / f32(s_out)))
    bias = f32(-zp_in * scale)
    t = bytearray(256)
    for v in range(256):
        x = f32(f32(v * scale) + bias)
        t[v] = max(0, min(255, round_away(x) + zp_out))
    return bytes(t)


def concat_case(name, seed, dtype='int8', shapes=((1, 2, 3, 4), (1, 2, 3, 5)),
                axis=3, zp=5, quants=None, span=False):
    """CONCATENATION; @quants (uint8): each input's (scale, zero point),
    rescaled to the output's (0.07, zp) by a TABLE into a temporary in
    slot 0 after the first input where they differ. @span: the first
    input holds every stored value (a shape of 256 elements)."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp += 128
    quants = quants or [(0.07, zp)] * len(shapes)
    ins = [c.act_input(list(s), dtype, q[0], q[1]) for s, q in zip(shapes, quants)]
    if span:
        c.inputs[0] = pack(npfmt(dtype), list(range(QRANGE[dtype][0], QRANGE[dtype][1] + 1)))
    oshape = list(shapes[0])
    oshape[axis] = sum(s[axis] for s in shapes)
    out = c.output(oshape, dtype, 0.07, zp)
    ax4 = axis + 4 - len(oshape)
    pins, at = [], (count(shapes[0]) + 7) // 8 * 8
    for i, s, q in zip(ins, shapes, quants):
        if f32(q[0]) == f32(0.07) and q[1] == zp:
            pins.append(c.pidx[i])
            continue
        t = c.prog.tensor(dtype, list(s), zp, slot=0, off=at)
        at += (count(s) + 7) // 8 * 8
        c.prog.op('TABLE', [c.pidx[i]], t,
                  [c.prog.const(table_concat(q[0], q[1], 0.07, zp))])
        pins.append(t)
    c.prog.op('CONCATENATION', pins, c.pidx[out], [ax4])
    c.write(OUTDIR, 'CONCATENATION', OPT['Concatenation'],
            [(0, 'i', axis), (1, 'b', 0)], ins)
    return c


def transpose_case(name, seed, dtype='int8', shape=(2, 3, 4, 5),
                   perm=(0, 3, 1, 2)):
    c = Case(name, seed)
    inp = c.act_input(list(shape), dtype, 0.1, 0)
    pt = c.const_tensor([len(perm)], 'int32', list(perm), in_prog=False)
    oshape = [shape[i] for i in perm]
    out = c.output(oshape, dtype, 0.1, 0)
    off = 4 - len(shape)
    p4 = list(range(off)) + [p + off for p in perm]
    c.prog.op('TRANSPOSE', [c.pidx[inp]], c.pidx[out], p4)
    c.write(OUTDIR, 'TRANSPOSE', OPT['Transpose'], [], [inp, pt])
    return c


def slice_case(name, seed, dtype='int8', shape=(1, 7, 8, 5),
               begin=(0, 1, 0, 1), end=(1, 7, 8, 5), strides=(1, 2, 3, 2),
               end_mask=0):
    """STRIDED_SLICE; end_mask bits mark dimensions that run to the end
    (to index 0 for negative strides), as the compiler resolves them."""
    c = Case(name, seed)
    inp = c.act_input(list(shape), dtype, 0.1, 1)
    bt = c.const_tensor([4], 'int32', list(begin), in_prog=False)
    et = c.const_tensor([4], 'int32', list(end), in_prog=False)
    st = c.const_tensor([4], 'int32', list(strides), in_prog=False)
    oshape = []
    for k, (b, e, s) in enumerate(zip(begin, end, strides)):
        if end_mask & (1 << k):
            e = shape[k] if s > 0 else -1
        oshape.append(max(0, (e - b + s - 1) // s if s > 0 else
                          (b - e - s - 1) // -s))
    out = c.output(oshape, dtype, 0.1, 1)
    c.prog.op('STRIDED_SLICE', [c.pidx[inp]], c.pidx[out],
              list(begin) + list(strides))
    c.write(OUTDIR, 'STRIDED_SLICE', OPT['StridedSlice'],
            [(0, 'i', 0), (1, 'i', end_mask), (2, 'i', 0), (3, 'i', 0),
             (4, 'i', 0)], [inp, bt, et, st])
    return c


def block_case(name, seed, op, dtype='int8', shape=(1, 4, 6, 8), bs=2):
    c = Case(name, seed)
    n, h, w, ch = shape
    inp = c.act_input(list(shape), dtype, 0.1, 2)
    if op == 'DEPTH_TO_SPACE':
        oshape = [n, h * bs, w * bs, ch // (bs * bs)]
        optt = OPT['DepthToSpace']
    else:
        oshape = [n, h // bs, w // bs, ch * bs * bs]
        optt = OPT['SpaceToDepth']
    out = c.output(oshape, dtype, 0.1, 2)
    c.prog.op(op, [c.pidx[inp]], c.pidx[out], [bs])
    c.write(OUTDIR, op, optt, [(0, 'i', bs)], [inp])
    return c


def space_batch_case(name, seed, op, dtype='int8', shape=(1, 6, 5, 3),
                     block=(2, 3), pads=((1, 1), (0, 1)), zp=7):
    """SPACE_TO_BATCH_ND (pads: paddings) and BATCH_TO_SPACE_ND (pads:
    crops) of a 4-D [N, H, W, C] or 3-D [N, H, C] tensor (TFLite's
    [N, H, 1, C], one block axis). The program: the padded input
    [N, H2 * bh, W2 * bw, C] seen as [N * H2 * bh, W2, bw, C], transposed
    to [N * H2 * bh, bw, W2, C] = [N * H2, bh * bw, W2, C], transposed to
    [bh * bw, N * H2, W2, C], the output; BATCH_TO_SPACE_ND the inverse,
    [bh * bw, N * H, W, C] to [N * H, bh * bw, W, C] = [N * H * bh, bw, W, C]
    to [N * H * bh, W, bw, C] = [N, H * bh, W * bw, C], then cropped.
    Temporaries in slot 0 after the input; the views alias them."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp += 128
    rank = len(shape)
    n, h = shape[0], shape[1]
    w = shape[2] if rank == 4 else 1
    ch = shape[-1]
    bh = block[0]
    bw = block[1] if rank == 4 else 1
    p = [pads[0][0], pads[0][1]] + ([pads[1][0], pads[1][1]] if rank == 4 else [0, 0])
    inp = c.act_input(list(shape), dtype, 0.05, zp)
    c.prog_dims(inp, [n, h, w, ch])
    bt = c.const_tensor([rank - 2], 'int32', list(block[:rank - 2]), in_prog=False)
    pt = c.const_tensor([rank - 2, 2], 'int32', p[:2 * (rank - 2)], in_prog=False)
    pin = c.pidx[inp]
    at = (count(shape) + 7) // 8 * 8
    if op == 'SPACE_TO_BATCH_ND':
        hp, wp = h + p[0] + p[1], w + p[2] + p[3]
        h2, w2 = hp // bh, wp // bw
        oshape = [n * bh * bw, h2, ch] if rank == 3 else [n * bh * bw, h2, w2, ch]
        out = c.output(oshape, dtype, 0.05, zp)
        if any(p):
            pad_t = c.prog.tensor(dtype, [n, hp, wp, ch], zp, slot=0, off=at)
            c.prog.op('PAD', [pin], pad_t, [0, p[0], p[2], 0, 0, p[1], p[3], 0])
            pin, at = pad_t, at + (n * hp * wp * ch + 7) // 8 * 8
        v1 = c.prog.tensor(dtype, [n * hp, w2, bw, ch], zp, slot=0,
                           off=c.prog.tensors[pin][2])
        t1 = c.prog.tensor(dtype, [n * hp, bw, w2, ch], zp, slot=0, off=at)
        c.prog.op('TRANSPOSE', [v1], t1, [0, 2, 1, 3])
        v2 = c.prog.tensor(dtype, [n * h2, bh * bw, w2, ch], zp, slot=0, off=at)
        c.prog_dims(out, [bh * bw, n * h2, w2, ch])
        c.prog.op('TRANSPOSE', [v2], c.pidx[out], [1, 0, 2, 3])
        optt = 25
    else:
        no = n // (bh * bw)
        ho, wo = h * bh - p[0] - p[1], w * bw - p[2] - p[3]
        oshape = [no, ho, ch] if rank == 3 else [no, ho, wo, ch]
        out = c.output(oshape, dtype, 0.05, zp)
        v1 = c.prog.tensor(dtype, [bh * bw, no * h, w, ch], zp, slot=0, off=0)
        t1 = c.prog.tensor(dtype, [no * h, bh * bw, w, ch], zp, slot=0, off=at)
        c.prog.op('TRANSPOSE', [v1], t1, [1, 0, 2, 3])
        v2 = c.prog.tensor(dtype, [no * h * bh, bw, w, ch], zp, slot=0, off=at)
        if any(p):
            t2 = c.prog.tensor(dtype, [no * h * bh, w, bw, ch], zp, slot=0, off=2 * at)
            c.prog.op('TRANSPOSE', [v2], t2, [0, 2, 1, 3])
            v3 = c.prog.tensor(dtype, [no, h * bh, w * bw, ch], zp, slot=0, off=2 * at)
            c.prog_dims(out, [no, ho, wo, ch])
            c.prog.op('STRIDED_SLICE', [v3], c.pidx[out],
                      [0, p[0], p[2], 0, 1, 1, 1, 1])
        else:
            c.prog_dims(out, [no * h * bh, w, bw, ch])
            c.prog.op('TRANSPOSE', [v2], c.pidx[out], [0, 2, 1, 3])
        optt = 24
    c.write(OUTDIR, op, optt, [], [inp, bt, pt])
    return c


def tile_case(name, seed, op, dtype='int8', shape=(1, 2, 3, 4),
              mult=(1, 3, 1, 2), zp=-5):
    """TILE by constant multiples, or BROADCAST_TO a constant shape (the
    input's axes of 1 repeated; a lower rank right-aligned): copies of
    stored values, equal quantization. The program: per repeated axis,
    a CONCATENATION of the tensor with itself (doubling) and of the
    doublings that make the multiple, through temporaries in slot 0."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp += 128
    inp = c.act_input(list(shape), dtype, 0.05, zp)
    if op == 'TILE':
        oshape = [d * m for d, m in zip(shape, mult)]
        k = c.const_tensor([len(mult)], 'int32', list(mult), in_prog=False)
        m4 = [1] * (4 - len(mult)) + list(mult)
    else:
        oshape = list(mult)
        k = c.const_tensor([len(oshape)], 'int32', oshape, in_prog=False)
        s4 = dims4(shape)
        m4 = [o // d for o, d in zip(dims4(oshape), s4)]
    out = c.output(oshape, dtype, 0.05, zp)
    cur = c.pidx[inp]
    dims = dims4(shape)
    at = (count(shape) + 7) // 8 * 8
    axes = [a for a in range(4) if m4[a] > 1]
    for a in axes:
        pieces, p, have, pd = [], cur, 1, list(dims)
        while True:
            if m4[a] & have:
                pieces.append(p)
            if have * 2 > m4[a]:
                break
            pd = list(c.prog.tensors[p][3])
            pd[a] *= 2
            q = c.prog.tensor(dtype, pd, zp, slot=0, off=at)
            at += (count(pd) + 7) // 8 * 8
            c.prog.op('CONCATENATION', [p, p], q, [a])
            p, have = q, have * 2
        dims[a] *= m4[a]
        last = a == axes[-1]
        if last:
            c.prog_dims(out, dims)
            nxt = c.pidx[out]
        else:
            nxt = c.prog.tensor(dtype, dims, zp, slot=0, off=at)
            at += (count(dims) + 7) // 8 * 8
        if len(pieces) == 1:
            c.prog.op('RESHAPE', pieces, nxt)
        else:
            c.prog.op('CONCATENATION', pieces, nxt, [a])
        cur = nxt
    if not axes:
        c.prog.op('RESHAPE', [cur], c.pidx[out])
    # BROADCAST_TO's versions start at 2 in TFLite's op resolver
    c.write(OUTDIR, op, 0, [], [inp, k], version=2 if op == 'BROADCAST_TO' else 1)
    return c


def _i16(x):
    x &= 0xffff
    return x - 0x10000 if x & 0x8000 else x


def _srdhm16(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul on int16."""
    if a == b == -32768:
        return 32767
    ab = a * b
    nudge = (1 << 14) if ab >= 0 else 1 - (1 << 14)
    return _trunc_div(ab + nudge, 1 << 15)


def _trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _rdivpot(x, e):
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > thr else 0)


def _sat16(v):
    return max(-32768, min(32767, v))


def _down16(m):
    """DownScaleInt32ToInt16Multiplier."""
    if m >= 2147483647 - (1 << 15):
        return 32767
    return (m + (1 << 15)) >> 16


def table_logistic(dtype, s_in, zp_in, s_out, zp_out):
    """activations.cc PopulateLookupTable with 1 / (1 + exp(-x)), all in
    float32 (exp as expf)."""
    return _float_table(dtype, s_in, zp_in, s_out, zp_out,
                        lambda v: f32(1.0 / f32(1.0 + f32(math.exp(-v)))))


def table_tanh(dtype, s_in, zp_in, s_out, zp_out):
    return _float_table(dtype, s_in, zp_in, s_out, zp_out,
                        lambda v: f32(math.tanh(v)))


def table_elu(dtype, s_in, zp_in, s_out, zp_out):
    """EluPrepare: value < 0 ? expf(value) - 1.0f : value."""
    return _float_table(dtype, s_in, zp_in, s_out, zp_out,
                        lambda v: f32(f32(math.exp(v)) - 1.0) if v < 0 else v)


def table_gelu(dtype, s_in, zp_in, s_out, zp_out, approximate):
    """GeluPrepare (2.9): 0.5f * x * (1.f + erf(x * M_SQRT1_2)), erf and
    the products after it in binary64; approximate, all in binary32:
    0.5f * x * (1.f + tanhf(k * (x + 0.044715f * x * x * x)))."""
    if not approximate:
        return _float_table(dtype, s_in, zp_in, s_out, zp_out,
                            lambda v: f32(f32(0.5 * v) *
                                          (1.0 + math.erf(v * 0.7071067811865476))))
    k = f32(1.1283791670955126 * 0.7071067811865476)
    c = f32(0.044715)

    def fn(v):
        x3 = f32(f32(f32(c * v) * v) * v)
        t = f32(math.tanh(f32(k * f32(v + x3))))
        return f32(f32(0.5 * v) * f32(1.0 + t))
    return _float_table(dtype, s_in, zp_in, s_out, zp_out, fn)


def table_abs(s_in, zp_in, s_out, zp_out):
    """elementwise.cc AbsEvalQuantized (int8): |q - zp_in|, rescaled by
    QuantizeMultiplier(s_in / s_out in float) when the scales differ."""
    m = quantize_multiplier(f32(s_in / s_out)) if s_in != s_out else None
    t = bytearray(256)
    for v in range(-128, 128):
        a = abs(v - zp_in)
        q = max(-128, min(127, (mbqm(a, *m) if m else a) + zp_out))
        t[v & 0xff] = q & 0xff
    return bytes(t)


def _srdhm32(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul on int32."""
    if a == b == -2**31:
        return 2**31 - 1
    ab = a * b
    return _trunc_div(ab + ((1 << 30) if ab >= 0 else 1 - (1 << 30)), 1 << 31)


def _sat_shl32(x, e):
    """gemmlowp SaturatingRoundingMultiplyByPOT<e>, e > 0."""
    thr = (1 << (31 - e)) - 1
    return 2**31 - 1 if x > thr else -2**31 if x < -thr else x << e


def _wrap32(x):
    return ((x + 2**31) % 2**32) - 2**31


def inv_sqrt_multiplier_exp(x):
    """TFLite GetInvSqrtQuantizedMultiplierExp(x, kReverseShift): 1 / sqrt(x)
    as a multiplier and a (left) shift, by five Newton-Raphson steps in
    gemmlowp fixed point (F3: 3 integer bits)."""
    if x <= 1:
        return 2**31 - 1, 0
    shift = 11
    while x >= (1 << 29):
        x //= 4
        shift += 1
    clz = 32 - x.bit_length()
    pairs = (clz - 1) // 2 - 1
    shift -= pairs
    x <<= 2 * pairs
    half_in = _rdivpot(x >> 1, 1)
    half_three = (1 << 28) + (1 << 27)
    v = 1 << 28
    for _ in range(5):
        v3 = _sat_shl32(_srdhm32(_srdhm32(v, v), v), 6)
        v = _sat_shl32(_wrap32(_srdhm32(half_three, v) - _srdhm32(half_in, v3)), 3)
    v = _srdhm32(v, 1518500250)
    if shift < 0:
        v = _wrap32(v << -shift)
        shift = 0
    return v, -shift


def table_rsqrt(s_in, zp_in, s_out, zp_out):
    """elementwise.cc RsqrtEvalQuantized (int8): 127 for q == zp_in, else
    1 / sqrt(q - zp_in) by GetInvSqrtQuantizedMultiplierExp, rescaled by
    QuantizeMultiplier(1. / (sqrtf(s_in) * s_out)) with a shift of 20 kept
    between the two. TFLite fails the invoke for q < zp_in; the table
    gives 127 there."""
    m = quantize_multiplier(1.0 / f32(f32(math.sqrt(s_in)) * s_out))
    t = bytearray(256)
    for v in range(-128, 128):
        x = v - zp_in
        if x <= 0:
            q = 127
        else:
            im, ish = inv_sqrt_multiplier_exp(x)
            d = mbqm(1, im, ish + 20)
            q = max(-128, min(127, mbqm(d, m[0], m[1] - 20) + zp_out))
        t[v & 0xff] = q & 0xff
    return bytes(t)


def _float_table(dtype, s_in, zp_in, s_out, zp_out, fn):
    lo, hi = QRANGE[dtype]
    inv = f32(1.0 / f32(s_out))
    t = bytearray(256)
    for v in range(lo, hi + 1):
        dq = f32(f32(s_in) * f32(v - zp_in))
        r = round_away(f32(fn(dq) * inv))
        q = max(lo, min(hi, int(f32(r + zp_out))))
        t[v & 0xff] = q & 0xff
    return bytes(t)


def table_requant2(dtype, zp_in, zp_out, ident, alpha):
    """LEAKY_RELU (QuantizeLeakyRelu): x - zp_in >= 0 rescales by the
    identity pair, else by the alpha pair."""
    lo, hi = QRANGE[dtype]
    t = bytearray(256)
    for v in range(lo, hi + 1):
        x = v - zp_in
        m = ident if x >= 0 else alpha
        q = max(lo, min(hi, zp_out + mbqm(x, *m)))
        t[v & 0xff] = q & 0xff
    return bytes(t)


def mbqm(x, m, shift):
    """MultiplyByQuantizedMultiplier (double rounding), Python ints."""
    left, right = max(shift, 0), max(-shift, 0)
    x = x << left
    x = ((x + 2**31) % 2**32) - 2**31
    if x == m == -2**31:
        v = 2**31 - 1
    else:
        ab = x * m
        v = _trunc_div(ab + ((1 << 30) if ab >= 0 else 1 - (1 << 30)), 1 << 31)
    return _rdivpot(v, right)


def table_hard_swish(dtype, s_in, zp_in, s_out, zp_out):
    """activations.cc HardSwishPrepare + reference_ops::HardSwish (16-bit
    fixed point)."""
    s_in, s_out = f32(s_in), f32(s_out)
    hires = f32(f32(1.0 / 128.0) * s_in)
    reluish_scale = f32(3.0 / 32768.0)
    om32, oexp = quantize_multiplier(f32(hires / s_out))
    om = _down16(om32)
    rm32, rexp = quantize_multiplier(f32(hires / reluish_scale))
    rm = _down16(rm32)
    lo, hi = QRANGE[dtype]
    t = bytearray(256)
    for v in range(lo, hi + 1):
        x = _i16(v - zp_in)
        xh = _i16(x * 128)
        pre = _srdhm16(xh, om)
        r = xh
        if rexp > 0:
            r = _sat16(r * (1 << (rexp - 1)))
        r = _srdhm16(r, rm)
        if rexp > 0:
            r = _sat16(r * 2)
        if rexp < 0:
            r = _rdivpot(r, -rexp)
        r = _i16((r + (1 << 15)) >> 1)
        if r == pre == -32768:
            p = 32767
        else:
            p = _trunc_div(r * pre, 1 << 15)
        o = _rdivpot(_i16(p), -oexp) + zp_out
        o = max(lo, min(hi, o))
        t[v & 0xff] = o & 0xff
    return bytes(t)


# 2048 random inputs: every one of the 256 table entries is read (all but
# about 0.1 expected to be) -- what a table op's case should cover.
ALL256 = (1, 8, 16, 16)


def lut_case(name, seed, op, dtype='int8', shape=(1, 5, 7, 8), s_in=0.05,
             zp_in=-3, s_out=None, zp_out=None, alpha=0.2, approximate=False,
             span=False):
    """Unary 8-bit ops as a 256-entry table built here, the compiler's
    way. LOGISTIC and TANH have fixed output quantization. @span: the
    input is every stored value (a shape of 256 elements)."""
    c = Case(name, seed)
    u = dtype == 'uint8'
    if u:
        zp_in += 128
    if op == 'LOGISTIC':
        s_out, zp_out = 1.0 / 256, (0 if u else -128)
    elif op == 'TANH':
        s_out, zp_out = 1.0 / 128, (128 if u else 0)
    elif u:
        zp_out += 128
    inp = c.act_input(list(shape), dtype, s_in, zp_in)
    if span:
        c.inputs[-1] = pack(npfmt(dtype), list(range(QRANGE[dtype][0], QRANGE[dtype][1] + 1)))
    out = c.output(list(shape), dtype, s_out, zp_out)
    s_in, s_out = f32(s_in), f32(s_out)
    opts_t, opts = 0, []
    if op == 'LOGISTIC':
        table = table_logistic(dtype, s_in, zp_in, s_out, zp_out)
    elif op == 'TANH':
        table = table_tanh(dtype, s_in, zp_in, s_out, zp_out)
    elif op == 'HARD_SWISH':
        table = table_hard_swish(dtype, s_in, zp_in, s_out, zp_out)
        opts_t = OPT['HardSwish']
    elif op == 'LEAKY_RELU':
        # LeakyReluPrepare: float products/ratios, then widened.
        a = f32(alpha)
        ident = quantize_multiplier(f32(s_in / s_out))
        am = quantize_multiplier(f32(f32(s_in * a) / s_out))
        table = table_requant2(dtype, zp_in, zp_out, ident, am)
        opts_t, opts = OPT['LeakyRelu'], [(0, 'f', a)]
    elif op == 'ELU':
        table = table_elu(dtype, s_in, zp_in, s_out, zp_out)
    elif op == 'ABS':
        table = table_abs(s_in, zp_in, s_out, zp_out)
    elif op == 'RSQRT':
        table = table_rsqrt(s_in, zp_in, s_out, zp_out)
    elif op == 'GELU':
        table = table_gelu(dtype, s_in, zp_in, s_out, zp_out, approximate)
        opts_t, opts = OPT['Gelu'], [(0, 'B', int(approximate))]
    toff = c.prog.const(table)
    c.prog.op('TABLE' if op in ('ELU', 'GELU', 'ABS', 'RSQRT') else op,
              [c.pidx[inp]],
              c.pidx[out], [toff])
    c.write(OUTDIR, op, opts_t, opts, [inp])
    return c


def prelu_case(name, seed, dtype='int8', shape=(1, 4, 5, 6), s_in=0.05,
               zp_in=4, s_a=0.004, zp_a=0, s_out=0.04, zp_out=-2,
               alpha_shape=None):
    """PRELU (PreluPrepare): s_in / s_out and s_in * s_a / s_out in
    float, widened, QuantizeMultiplier."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp_in, zp_a, zp_out = zp_in + 128, zp_a + 128, zp_out + 128
    inp = c.act_input(list(shape), dtype, s_in, zp_in)
    alpha_shape = alpha_shape or [shape[-1]]
    lo, hi = QRANGE[dtype]
    av = [c.rng.randint(lo, hi) for _ in range(count(alpha_shape))]
    al = c.const_tensor(list(alpha_shape), dtype, av, [s_a], [zp_a])
    out = c.output(list(shape), dtype, s_out, zp_out)
    s_in, s_a, s_out = f32(s_in), f32(s_a), f32(s_out)
    m1 = quantize_multiplier(f32(s_in / s_out))
    m2 = quantize_multiplier(f32(f32(s_in * s_a) / s_out))
    c.prog.op('PRELU', [c.pidx[inp], c.pidx[al]], c.pidx[out],
              [m1[0], m1[1], m2[0], m2[1]])
    c.write(OUTDIR, 'PRELU', 0, [], [inp, al])
    return c


def reduce_view(shape, axes):
    """The compiler's view of a reduction (compile.c, reduce_view()): the
    input [outer, R, 1, inner] ([N, H, W, C] as it is for H and W of a
    4-D tensor; an R above the largest dim split into H * W), the
    output [outer, 1, 1, inner], the TFLite output shape with and without
    keep_dims. Reduced axes of size 1 do not count: the others need only
    be next to each other but for axes of size 1."""
    rank = len(shape)
    red = sorted(set(a % rank for a in axes))
    big = [a for a in red if shape[a] != 1] or red[:1]
    first, last = big[0], big[-1]
    assert all(shape[k] == 1 for k in range(first, last + 1) if k not in big)
    outer = count(shape[:first])
    r = count(shape[first:last + 1])
    inner = count(shape[last + 1:])
    view = [outer, r, 1, inner]
    if r > 65536:
        h = next(h for h in range(-(-r // 65536), 65537) if r % h == 0)
        view = [outer, h, r // h, inner]
    if rank == 4 and (first, last) == (1, 2):
        view = list(shape)
    keep = [1 if k in red else d for k, d in enumerate(shape)]
    drop = [d for k, d in enumerate(shape) if k not in red]
    return view, [outer, 1, 1, inner], keep, drop


def mean_case(name, seed, dtype='int8', shape=(1, 5, 6, 7), s_in=0.05,
              zp_in=-9, s_out=0.03, zp_out=5, keep_dims=True, axes=(1, 2), tie_sum=None):
    """MEAN over axes 1, 2 of a 4-D tensor with keep_dims: int8,
    reference_integer_ops::Mean (EDGEAI_PROG_MEAN_INT, what TFLite 2.9's
    x86 builds run): t = MBQM(sum of (q - zp_in), multiplier of s_in /
    s_out), out = (t +- n / 2) / n + zp_out; uint8, bias = zp_out -
    (int)(zp_in * s_in / s_out +- 0.5f), multiplier of s_in / (H * W *
    s_out), all in float. Any
    other (axes, keep_dims): TFLite computes it in float
    (reference_ops::QuantizedMeanOrSum): the program op carries the
    binary32 bits of (float)s_in / (float)s_out (EDGEAI_PROG_MEAN_FLOAT),
    or with equal quantization divides the int sum toward zero
    (reference_ops::Mean, EDGEAI_PROG_MEAN_DIV); the program reduces the
    H of [outer, R, 1, inner] (reduce_view()). Over H and W with
    keep_dims equal quantization changes nothing: int8 takes
    reference_integer_ops::Mean (the multiplier of 1.0), uint8 the
    bias pipeline. @tie_sum: inputs whose sum of (q - zp_in) is that
    (a mean a hair above a half, past binary32's exact integers)."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp_in, zp_out = zp_in + 128, zp_out + 128
    inp, ax, out = c.reduction(shape, axes, keep_dims, dtype, s_in, zp_in, s_out, zp_out)
    s_in, s_out = f32(s_in), f32(s_out)
    same = s_in == s_out and zp_in == zp_out
    # reduce.cc compares the axes as written: [-3, -2] or [1, 2, 1] is not H and W
    hw_keep = keep_dims and len(shape) == 4 and sorted(axes) == [1, 2]
    if hw_keep:
        # the compiler keeps the input's dims there (its H * W may pass
        # the largest program dim)
        c.prog_dims(inp, list(shape))
        c.prog_dims(out, [shape[0], 1, 1, shape[3]])
    if tie_sum is not None:
        n = count(shape)
        data = [zp_in + tie_sum // n + (k < tie_sum % n) for k in range(n)]
        c.inputs[-1] = pack(npfmt(dtype), data)
    if hw_keep and dtype == 'int8':
        # reference_integer_ops::Mean (EDGEAI_PROG_MEAN_INT): the sum less
        # zp_in rescaled by s_in / s_out (in double), divided by H * W
        # rounding half away from zero
        m = quantize_multiplier(s_in / s_out)
        params = [m[0], m[1], 0, 8, 0]
    elif hw_keep:
        h, w = shape[1], shape[2]
        temp = f32(f32(zp_in * s_in) / s_out)
        temp = f32(temp + 0.5) if temp > 0 else f32(temp - 0.5)
        bias = zp_out - int(temp)
        real = f32(s_in / f32(f32(float(h * w)) * s_out))
        m = quantize_multiplier(real)
        params = [m[0], m[1], bias]
    elif same:
        params = [0, 0, 0, 2, 0]
    else:
        scale = struct.unpack('<I', struct.pack('<f', f32(s_in / s_out)))[0]
        params = [0, 0, 0, 1, scale]
    c.prog.op('MEAN', [c.pidx[inp]], c.pidx[out], params)
    c.write(OUTDIR, 'MEAN', OPT['Reducer'], [(0, 'B', int(keep_dims))], [inp, ax])
    return c


def mean_params(dtype, s_in, zp_in, s_out, zp_out, n, alt=False):
    """MEAN over H and W with keep_dims (mean_case()): int8, the multiplier
    of s_in / s_out in double (@alt: in float); uint8, of s_in / (n *
    s_out) in float (@alt: in double) and the bias."""
    if dtype == 'int8':
        m = quantize_multiplier(f32(s_in / s_out) if alt else s_in / s_out)
        return [m[0], m[1], 0, 8, 0]
    temp = f32(f32(zp_in * s_in) / s_out)
    temp = f32(temp + 0.5) if temp > 0 else f32(temp - 0.5)
    real = s_in / (n * s_out) if alt else f32(s_in / f32(f32(float(n)) * s_out))
    return list(quantize_multiplier(real)) + [zp_out - int(temp)]


def mean_out(dtype, zp_in, zp_out, n, p, total):
    """The output of a channel whose stored values add up to @total."""
    if dtype == 'int8':
        t = mbqm(total - n * zp_in, p[0], p[1])
        return _trunc_div(t + n // 2 if t > 0 else t - n // 2, n) + zp_out
    return mbqm(total, p[0], p[1]) + p[2]


def mean_scale_case(name, seed, dtype, s_in, zp_in, s_out, zp_out, ch=128):
    """MEAN over H and W (2 x 1) with keep_dims at scales (found by a
    search) where mean_params()'s multiplier and its @alt candidate give
    some sums other outputs: the first channels hold such sums (each once),
    the others seeded ones. Zero points as given."""
    c = Case(name, seed)
    lo, hi = QRANGE[dtype]
    s_in, s_out = f32(s_in), f32(s_out)
    p = mean_params(dtype, s_in, zp_in, s_out, zp_out, 2)
    q = mean_params(dtype, s_in, zp_in, s_out, zp_out, 2, alt=True)
    outs = [[mean_out(dtype, zp_in, zp_out, 2, x, t) for t in range(2 * lo, 2 * hi + 1)]
            for x in (p, q)]
    tells = [t + 2 * lo for t, (x, y) in enumerate(zip(*outs))
             if x != y and lo <= x <= hi and lo <= y <= hi]
    assert tells and len(tells) <= ch, name
    sums = tells + [c.rng.randint(2 * lo, 2 * hi) for _ in range(ch - len(tells))]
    first = [max(lo, t - hi) + c.rng.randint(0, min(hi, t - lo) - max(lo, t - hi))
             for t in sums]
    shape = [1, 2, 1, ch]
    inp = c.act_input(shape, dtype, s_in, zp_in)
    c.inputs[-1] = pack(npfmt(dtype), first + [t - v for t, v in zip(sums, first)])
    ax = c.const_tensor([2], 'int32', [1, 2], in_prog=False)
    out = c.output([1, 1, 1, ch], dtype, s_out, zp_out)
    c.prog.op('MEAN', [c.pidx[inp]], c.pidx[out], p)
    c.write(OUTDIR, 'MEAN', OPT['Reducer'], [(0, 'B', 1)], [inp, ax])
    return c


def sum_case(name, seed, dtype='int8', shape=(1, 5, 6, 7), s_in=0.05, zp_in=-9,
             s_out=0.3, zp_out=5, keep_dims=True, axes=(1, 2)):
    """SUM of 8-bit tensors whose quantization changes (reduce.cc EvalSum:
    reference_ops::QuantizedMeanOrSum with compute_sum): in binary32,
    (int)round((float)sum * scale + ((float)-zp_in * scale) * (float)n)
    + zp_out, its low byte (TFLite casts the int to the 8-bit type, so a
    sum past the range wraps); the program's MEAN with
    EDGEAI_PROG_MEAN_SUM and the bits of (float)s_in / (float)s_out, over
    the H of [outer, R, 1, inner] (reduce_view()). With equal quantization
    only a sum of one value (axes of size 1): that value, a RESHAPE."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp_in, zp_out = zp_in + 128, zp_out + 128
    inp, ax, out = c.reduction(shape, axes, keep_dims, dtype, s_in, zp_in, s_out, zp_out)
    if f32(s_in) == f32(s_out) and zp_in == zp_out:
        c.prog.op('RESHAPE', [c.pidx[inp]], c.pidx[out])
    else:
        scale = struct.unpack('<I', struct.pack('<f', f32(f32(s_in) / f32(s_out))))[0]
        c.prog.op('MEAN', [c.pidx[inp]], c.pidx[out], [0, 0, 0, 4, scale])
    c.write(OUTDIR, 'SUM', OPT['Reducer'], [(0, 'B', int(keep_dims))], [inp, ax],
            version=2 if dtype == 'int8' else 1)
    return c


def flip_table():
    """The compiler's flip_table(): every bit of a stored byte flipped,
    which reverses the order of int8 and uint8 values alike."""
    return bytes((~k) & 0xff for k in range(256))


def flipped(c, i, shape, off):
    """Program tensor @i flipped into a temporary of dims @shape at byte
    @off of slot 0, after the input (the runners size a slot from its
    tensors and fill its first bytes, the input tensor at offset 0, from
    the input file)."""
    t = c.prog.tensors[i]
    k = c.prog.tensor({v: n for n, v in DT.items()}[t[0]], shape, t[4], slot=0, off=off)
    c.prog.op('TABLE', [i], k, [c.prog.const(flip_table())])
    return k


def reduce_max_case(name, seed, dtype='int8', shape=(1, 5, 6, 7), axes=(1, 2),
                    keep_dims=False, zp=-9, op='REDUCE_MAX'):
    """REDUCE_MAX of 8-bit tensors (equal quantization): the largest stored
    value, a MAX_POOL_2D whose window is the view's H and W (reduce_view()),
    unpadded, unclamped. REDUCE_MIN: the same pool between two flips of the
    stored bytes (flip_table())."""
    c = Case(name, seed)
    if dtype == 'uint8':
        zp += 128
    view, oview, keep, drop = reduce_view(list(shape), axes)
    inp = c.act_input(list(shape), dtype, 0.05, zp)
    c.prog_dims(inp, view)
    ax = c.const_tensor([len(axes)], 'int32', list(axes), in_prog=False)
    out = c.output(keep if keep_dims else drop, dtype, 0.05, zp)
    c.prog_dims(out, oview)
    lo, hi = QRANGE[dtype]
    pin, pout = c.pidx[inp], c.pidx[out]
    if op == 'REDUCE_MIN':
        at = (count(shape) + 7) // 8 * 8
        pin = flipped(c, pin, view, at)
        pout = c.prog.tensor(dtype, oview, zp, slot=0, off=2 * at)
    c.prog.op('MAX_POOL_2D', [pin], pout, [view[1], view[2], 1, 1, 0, 0, lo, hi])
    if op == 'REDUCE_MIN':
        c.prog.op('TABLE', [pout], c.pidx[out], [c.prog.const(flip_table())])
    c.write(OUTDIR, op, OPT['Reducer'], [(0, 'B', int(keep_dims))], [inp, ax],
            version=2 if dtype == 'int8' else 1)
    return c


def l2norm_case(name, seed, dtype='int8', shape=(1, 4, 5, 16), s_in=0.05,
                zp_in=-3):
    """L2_NORMALIZATION (l2norm.cc) along the last dimension: per row
    the sum of (q - zp_in)^2, GetInvSqrtQuantizedMultiplierExp; int8
    (reference_integer_ops) MBQM(q - zp_in, m, shift + 7), uint8 128 +
    MBQM(128 (q - zp_in), m, shift); output (1/128, 0) or (1/128, 128)."""
    c = Case(name, seed)
    u = dtype == 'uint8'
    if u:
        zp_in += 128
    inp = c.act_input(list(shape), dtype, s_in, zp_in)
    out = c.output(list(shape), dtype, 1.0 / 128, 128 if u else 0)
    c.prog.op('L2_NORMALIZATION', [c.pidx[inp]], c.pidx[out], [])
    c.write(OUTDIR, 'L2_NORMALIZATION', OPT['L2Norm'], [(0, 'b', 0)], [inp])
    return c


def matmul_case(name, seed, lshape=(1, 2, 3, 4), rshape=(1, 2, 4, 5),
                adj_x=False, adj_y=False, s_l=0.05, zp_l=-3, s_r=0.04, zp_r=5,
                s_out=None, zp_out=2, rconst=False, span=False):
    """BATCH_MATMUL (int8, version 2): both zero points subtracted, the
    multiplier s_l * s_r / s_out in float (not in double as for
    FULLY_CONNECTED: matmul_int8_products tells them apart), FULLY_CONNECTED's
    GEMM and rounding; batch dimensions broadcast; @rconst makes the right
    input a constant (a layer's weights). @span: both inputs hold every
    int8 value in order (with K = 1, every product)."""
    c = Case(name, seed)
    rng = c.rng
    lhs = c.act_input(list(lshape), 'int8', s_l, zp_l)
    if rconst:
        vals = [rng.randint(-128, 127) for _ in range(count(rshape))]
        rhs = c.const_tensor(list(rshape), 'int8', vals, [s_r], [zp_r])
    else:
        rhs = c.act_input(list(rshape), 'int8', s_r, zp_r)
    if span:
        c.inputs = [pack('b', list(range(-128, 128)))] * 2
    rank = max(len(lshape), len(rshape))
    el = [1] * (rank - len(lshape)) + list(lshape)
    er = [1] * (rank - len(rshape)) + list(rshape)
    batch = [max(a, b) for a, b in zip(el[:-2], er[:-2])]
    m, k = (el[-1], el[-2]) if adj_x else (el[-2], el[-1])
    n = er[-2] if adj_y else er[-1]
    if s_out is None:
        s_out = s_l * s_r * 90 * math.sqrt(k)
    s_out = f32(s_out)
    out = c.output(batch + [m, n], 'int8', s_out, zp_out)
    om, osh = quantize_multiplier(f32(f32(f32(s_l) * f32(s_r)) / s_out))
    c.prog.op('BATCH_MATMUL', [c.pidx[lhs], c.pidx[rhs]], c.pidx[out],
              [int(adj_x), int(adj_y), -128, 127, om, osh])
    c.write(OUTDIR, 'BATCH_MATMUL', OPT['BatchMatMul'],
            [(0, 'b', int(adj_x)), (1, 'b', int(adj_y))], [lhs, rhs],
            version=2)
    return c


def argmax_case(name, seed, dtype='int8', shape=(1, 5, 6, 7), axis=-1,
                out_type='int64', spread=None, op='ARG_MAX'):
    """ARG_MAX: per row along the axis the index of the largest stored
    value, the first of equal ones (std::greater); int32 or int64 indices.
    @spread: inputs drawn from that many values only (ties on purpose).
    ARG_MIN (std::less: the first smallest) is the ARG_MAX of the flipped
    stored bytes (flip_table())."""
    c = Case(name, seed)
    inp = c.act_input(list(shape), dtype, 0.05, 3 if dtype == 'int8' else 131)
    if spread:
        lo, _ = QRANGE[dtype]
        data = [c.rng.randint(lo + 100, lo + 100 + spread - 1) for _ in range(count(shape))]
        c.inputs[-1] = pack(npfmt(dtype), data)
    ax = c.const_tensor([1], 'int32', [axis], in_prog=False)
    rank = len(shape)
    oshape = [d for k, d in enumerate(shape) if k != axis % rank]
    i = len(c.tt)
    c.tt.append({'shape': oshape, 'type': TTYPE[out_type]})
    c.pidx[i] = c.prog.tensor(out_type, oshape, 0, slot=len(c.ginputs))
    c.out = i
    pin = c.pidx[inp]
    if op == 'ARG_MIN':
        pin = flipped(c, pin, shape, (count(shape) + 7) // 8 * 8)
    c.prog.op('ARG_MAX', [pin], c.pidx[i], [axis % rank + 4 - rank])
    c.write(OUTDIR, op, OPT['ArgMax' if op == 'ARG_MAX' else 'ArgMin'],
            [(0, 'b', TTYPE[out_type])], [inp, ax], version=2 if dtype == 'int8' else 1)
    return c


def nn_map(insz, outsz, align, hpc):
    """ResizeNearestNeighbor source index per output index, in float."""
    if align and outsz > 1:
        scale = f32(f32(insz - 1) / f32(outsz - 1))
    else:
        scale = f32(f32(insz) / f32(outsz))
    off = 0.5 if hpc else 0.0
    res = []
    for i in range(outsz):
        v = f32(f32(i + off) * scale)
        k = round_away(v) if align else int(math.floor(v))
        k = min(k, insz - 1)
        if hpc:
            k = max(0, k)
        res.append(k)
    return res


def resize_nn_case(name, seed, dtype='int8', shape=(1, 5, 7, 3), size=(9, 4),
                   align=False, hpc=False):
    c = Case(name, seed)
    inp = c.act_input(list(shape), dtype, 0.1, 3)
    st = c.const_tensor([2], 'int32', list(size), in_prog=False)
    n, h, w, ch = shape
    out = c.output([n, size[0], size[1], ch], dtype, 0.1, 3)
    ym = c.prog.const(pack('I', nn_map(h, size[0], align, hpc)))
    xm = c.prog.const(pack('I', nn_map(w, size[1], align, hpc)))
    c.prog.op('RESIZE_NEAREST_NEIGHBOR', [c.pidx[inp]], c.pidx[out], [ym, xm])
    c.write(OUTDIR, 'RESIZE_NEAREST_NEIGHBOR', OPT['ResizeNearestNeighbor'],
            [(0, 'B', int(align)), (1, 'B', int(hpc))], [inp, st])
    return c


def softmax_table(s_in, beta, alt=''):
    """PopulateSoftmaxLookupTable: expf(scale * d) for d = 0..255 (TFLite's
    table[255 - d]), scale = -s_in * beta in float, its product with d in
    float. @alt a candidate it is told from (softmax_scale_case()):
    'double' (-s_in * beta * d all in double), 'product' (the float scale
    times d in double), 'order' (beta applied last: (-s_in * d) * beta in
    float)."""
    s_in, beta = f32(s_in), f32(beta)
    scale = f32(-s_in * beta)
    arg = {'double': lambda d: -s_in * beta * d,
           'product': lambda d: scale * d,
           'order': lambda d: f32(f32(-s_in * d) * beta)}.get(alt, lambda d: f32(scale * d))
    return [f32(math.exp(arg(d))) for d in range(256)]


def softmax_outs(table, ds):
    """optimized_ops::Softmax's outputs (before the zero point) of a row
    whose stored values lie @ds below its maximum, in order: binary32
    sum, 1 / (sum * (1 / 256)), round(table * inv)."""
    total = 0.0
    for d in ds:
        total = f32(total + table[d])
    inv = f32(1.0 / f32(total * f32(1.0 / 256)))
    return [round_away(f32(table[d] * inv)) for d in ds]


def softmax_case(name, seed, dtype='int8', shape=(2, 10), s_in=0.1, zp_in=5,
                 beta=1.0, data=None):
    """SOFTMAX: PopulateSoftmaxLookupTable, table[255 - v] = expf(scale *
    v) with scale = -s_in * beta in float; the program's table is indexed
    by d = max - x, i.e. expf(scale * d) (softmax_table()). @data: the
    stored input values (else seeded)."""
    c = Case(name, seed)
    u = dtype == 'uint8'
    if u:
        zp_in += 128
    inp = c.act_input(list(shape), dtype, s_in, zp_in)
    if data is not None:
        c.inputs[-1] = pack(npfmt(dtype), data)
    s_out, zp_out = f32(1.0 / 256), (0 if u else -128)
    out = c.output(list(shape), dtype, s_out, zp_out)
    table = [f32bits(x) for x in softmax_table(s_in, beta)]
    toff = c.prog.const(pack('I', table))
    c.prog.op('SOFTMAX', [c.pidx[inp]], c.pidx[out],
              [toff, struct.unpack('<I', struct.pack('<f', s_out))[0]])
    c.write(OUTDIR, 'SOFTMAX', OPT['Softmax'], [(0, 'f', f32(beta))], [inp])
    return c


def softmax_scale_case(name, seed, dtype, s_in, beta, rows):
    """SOFTMAX at an input scale and beta (found by a search) where TFLite's
    table (softmax_table()) and each candidate give some rows other
    outputs: rows of three, the maximum first, every stored value below it
    (the row [max, max - d, min] for every d: every table entry), then
    @rows, pairs (d1, d2): [max, max - d1, max - d2] (a search over such
    triples found them)."""
    lo, hi = QRANGE[dtype]
    ds = [(0, d, 255) for d in range(256)] + [(0, d1, d2) for d1, d2 in rows]
    t = softmax_table(s_in, beta)
    for alt in ('double', 'product', 'order'):
        ta = softmax_table(s_in, beta, alt)
        assert any(softmax_outs(t, r) != softmax_outs(ta, r) for r in ds), (name, alt)
    return softmax_case(name, seed, dtype, shape=(len(ds), 3), s_in=s_in, zp_in=0,
                        beta=beta, data=[hi - d for r in ds for d in r])


def f32bits(x):
    return struct.unpack('<I', struct.pack('<f', f32(x)))[0]


def bl_map(insz, outsz, align, hpc):
    """ComputeInterpolationValues per output index, in float (uint8):
    (lo, hi, 1 - (v - lo), v - lo)."""
    if align and outsz > 1:
        scale = f32(f32(insz - 1) / f32(outsz - 1))
    else:
        scale = f32(f32(insz) / f32(outsz))
    res = b''
    for i in range(outsz):
        if hpc:
            v = f32(f32(f32(i + 0.5) * scale) - 0.5)
        else:
            v = f32(f32(i) * scale)
        lo = max(int(math.floor(v)), 0)
        hi = min(int(math.ceil(v)), insz - 1)
        frac = f32(v - lo)
        res += struct.pack('<4I', lo, hi, f32bits(f32(1.0 - frac)),
                           f32bits(frac))
    return res


def bl_map_fixed(insz, outsz, align, hpc):
    """ComputeInterpolationValuesInteger (int8): 10-bit fixed point."""
    if align and outsz > 1:
        scale = (((insz - 1) << 10) + (outsz - 1) // 2) // (outsz - 1)
    else:
        scale = ((insz << 10) + outsz // 2) // outsz
    res = b''
    for i in range(outsz):
        v = i * scale + scale // 2 - (1 << 9) if hpc else i * scale
        lo = max(_trunc_div(v, 1024), 0)
        hi = min(_trunc_div(v + 1023, 1024), insz - 1)
        frac = v - 1024 * lo
        res += struct.pack('<2I2i', lo, hi, 1024 - frac, frac)
    return res


def resize_bl_case(name, seed, dtype='int8', shape=(1, 5, 7, 3),
                   size=(9, 4), align=False, hpc=False):
    """RESIZE_BILINEAR: uint8 in float, int8 in 10-bit fixed point, as
    TFLite 2.9.0 computes them."""
    c = Case(name, seed)
    inp = c.act_input(list(shape), dtype, 0.1, 3)
    st = c.const_tensor([2], 'int32', list(size), in_prog=False)
    n, h, w, ch = shape
    out = c.output([n, size[0], size[1], ch], dtype, 0.1, 3)
    fixed = dtype == 'int8'
    mp = bl_map_fixed if fixed else bl_map
    ym = c.prog.const(mp(h, size[0], align, hpc))
    xm = c.prog.const(mp(w, size[1], align, hpc))
    c.prog.op('RESIZE_BILINEAR', [c.pidx[inp]], c.pidx[out],
              [ym, xm, 1 if fixed else 0])
    c.write(OUTDIR, 'RESIZE_BILINEAR', OPT['ResizeBilinear'],
            [(2, 'B', int(align)), (3, 'B', int(hpc))], [inp, st])
    return c


def cases():
    """(name, builder, kwargs) for every golden case."""
    L = []

    def add(name, fn, **kw):
        L.append((name, fn, kw))
    # CONV_2D
    for dt in ('int8', 'uint8'):
        u = dt == 'uint8'
        zin = 131 if u else 3
        zout = 120 if u else -5
        base = dict(dtype=dt, zp_in=zin, zp_out=zout, w_zp=119 if u else 0)
        add('conv_%s_same_3x3' % dt, conv_case, **base)
        add('conv_%s_valid_3x3' % dt, conv_case, padding='VALID', **base)
        add('conv_%s_stride2_same' % dt, conv_case, h=9, w=10,
            stride=(2, 2), **base)
        add('conv_%s_stride21_valid' % dt, conv_case, h=9, w=7,
            stride=(2, 1), padding='VALID', kh=3, kw=2, **base)
        add('conv_%s_dilation2' % dt, conv_case, h=10, w=9, dil=(2, 2),
            **base)
        add('conv_%s_dilation_valid' % dt, conv_case, h=10, w=9,
            dil=(2, 3), padding='VALID', **base)
        add('conv_%s_1x1' % dt, conv_case, kh=1, kw=1, ic=16, oc=8, **base)
        add('conv_%s_relu' % dt, conv_case, act='RELU', **base)
        add('conv_%s_relu6' % dt, conv_case, act='RELU6', **base)
        add('conv_%s_relu_n1' % dt, conv_case, act='RELU_N1_TO_1',
            gain=20, **base)
        add('conv_%s_gain_high' % dt, conv_case, gain=8, **base)
        add('conv_%s_gain_low' % dt, conv_case, gain=0.125, **base)
        add('conv_%s_batch2_odd' % dt, conv_case, n=2, h=5, w=3, ic=7,
            oc=5, kh=5, kw=3, **base)
        add('conv_%s_5x5_s2' % dt, conv_case, h=11, w=11, kh=5, kw=5,
            stride=(2, 2), ic=2, oc=3, **base)
        add('conv_%s_large_ic' % dt, conv_case, h=4, w=4, ic=64, oc=6,
            **base)
        add('conv_%s_tiny_scale' % dt, conv_case, s_in=1e-4,
            wscale=[1e-5] * (4 if dt == 'int8' else 1), **base)
        add('conv_%s_big_scale' % dt, conv_case, s_in=2.0,
            wscale=[0.5] * (4 if dt == 'int8' else 1), **base)
    add('conv_int8_zp_extreme_in', conv_case, zp_in=-128, zp_out=127)
    add('conv_int8_zp_extreme_out', conv_case, zp_in=127, zp_out=-128)
    add('conv_uint8_zp_extreme', conv_case, dtype='uint8', zp_in=0,
        zp_out=255, w_zp=255, gain=0.1)
    add('conv_uint8_wzp0', conv_case, dtype='uint8', zp_in=200,
        zp_out=250, w_zp=0, gain=0.2)
    add('conv_int8_1x1_input', conv_case, h=1, w=1, ic=5, oc=3)
    # TRANSPOSE_CONV
    for dt in ('int8', 'uint8'):
        add('tconv_%s_s2_k3_same' % dt, tconv_case, dtype=dt)
        add('tconv_%s_s2_k2_same' % dt, tconv_case, dtype=dt, kh=2, kw=2,
            h=6, w=5, ic=7, oc=3)
        add('tconv_%s_s1_k3_same' % dt, tconv_case, dtype=dt, stride=(1, 1),
            h=6, w=7, ic=5, oc=7)
        add('tconv_%s_s2_k3_valid' % dt, tconv_case, dtype=dt,
            padding='VALID', h=4, w=3, ic=9, oc=5)
        add('tconv_%s_s1_k3_valid_nobias' % dt, tconv_case, dtype=dt,
            padding='VALID', stride=(1, 1), h=4, w=5, ic=3, oc=3, bias=False)
    add('tconv_int8_s2_k4_same_nobias', tconv_case, kh=4, kw=4, bias=False)
    add('tconv_int8_s21_k32_valid', tconv_case, padding='VALID',
        stride=(2, 1), kh=3, kw=2, h=4, w=5, ic=5, oc=3)
    add('tconv_int8_s3_k2_same', tconv_case, stride=(3, 3), kh=2, kw=2,
        h=3, w=4, ic=4, oc=5)
    # MediaPipe's Convolution2DTransposeBias output size, odd input: 2h - 1
    add('tconv_int8_mediapipe_odd', tconv_case, kh=2, kw=2, h=5, w=3,
        out_hw=(9, 5), ic=8, oc=5)
    add('tconv_int8_batch2_odd', tconv_case, n=2, h=3, w=5, ic=5, oc=7)
    add('tconv_int8_gain_high', tconv_case, gain=8)
    add('tconv_int8_zp_extreme', tconv_case, zp_in=-128, zp_out=127)
    add('conv_uint8_1x1_input', conv_case, dtype='uint8', h=1, w=1, ic=5,
        oc=3, zp_in=128, zp_out=128, w_zp=128)
    add('conv_int8_stride3_dil2', conv_case, h=13, w=12, stride=(3, 3),
        dil=(2, 2), ic=3, oc=5)
    add('conv_int8_k_gt_input_same', conv_case, h=2, w=3, kh=5, kw=5, ic=2)
    # Larger layers: tens of thousands of outputs, so rounding ties occur.
    add('conv_int8_big', conv_case, h=28, w=28, ic=32, oc=32)
    add('conv_uint8_big', conv_case, dtype='uint8', h=28, w=28, ic=32,
        oc=32, zp_in=128, zp_out=128, w_zp=128)
    add('dw_int8_big', conv_case, depthwise=True, h=28, w=28, ic=64,
        stride=(2, 2))
    add('dw_uint8_big', conv_case, depthwise=True, dtype='uint8', h=28,
        w=28, ic=64, zp_in=120, zp_out=130, w_zp=140)
    # s_in, s_w, s_out and the weight of each (product_case())
    for op, short, dt, si, sw, so, w in (
            ('FULLY_CONNECTED', 'fc', 'int8', 0.026557063683867455, 0.014507160522043705,
             0.049257464706897736, 66),
            ('CONV_2D', 'conv', 'int8', 0.013637394644320011, 0.0034541438799351454,
             0.026520686224102974, -55),
            ('DEPTHWISE_CONV_2D', 'dw', 'int8', 0.02610592357814312, 0.010126052424311638,
             0.041362859308719635, 113),
            ('TRANSPOSE_CONV', 'tconv', 'int8', 0.02863127924501896, 0.009411659091711044,
             0.04060181602835655, 106),
            ('FULLY_CONNECTED', 'fc', 'uint8', 0.037162233144044876, 0.01790604367852211,
             0.04128153249621391, 54),
            ('CONV_2D', 'conv', 'uint8', 0.027320487424731255, 0.006920202169567347,
             0.011628052219748497, 68),
            ('DEPTHWISE_CONV_2D', 'dw', 'uint8', 0.006476148962974548, 0.043564923107624054,
             0.02018345333635807, 184),
            ('TRANSPOSE_CONV', 'tconv', 'uint8', 0.0062932707369327545, 0.048431091010570526,
             0.01034481544047594, 67)):
        add('%s_%s_scale_product' % (short, dt), product_case, op=op, dtype=dt, si=si, sw=sw,
            so=so, w=w)
    add('fc_int8_big', fc_case, batch=16, ic=256, oc=256)
    add('fc_uint8_big', fc_case, dtype='uint8', batch=16, ic=256, oc=256,
        zp_in=128, zp_out=128, w_zp=128)
    add('conv_int8_wide_scales', conv_case, oc=6,
        wscale=[1e-5, 0.5, 0.003, 0.01, 2e-4, 0.07])
    # DEPTHWISE_CONV_2D
    for dt in ('int8', 'uint8'):
        u = dt == 'uint8'
        base = dict(dtype=dt, depthwise=True, zp_in=140 if u else -2,
                    zp_out=110 if u else 6, w_zp=100 if u else 0)
        add('dw_%s_same_3x3' % dt, conv_case, ic=4, **base)
        add('dw_%s_valid' % dt, conv_case, ic=5, padding='VALID', **base)
        add('dw_%s_stride2' % dt, conv_case, ic=3, h=9, w=8,
            stride=(2, 2), **base)
        add('dw_%s_dm2' % dt, conv_case, ic=3, dm=2, **base)
        add('dw_%s_dm3_valid' % dt, conv_case, ic=2, dm=3,
            padding='VALID', **base)
        add('dw_%s_dilation2' % dt, conv_case, ic=4, h=9, w=9,
            dil=(2, 2), **base)
        add('dw_%s_relu6' % dt, conv_case, ic=8, act='RELU6', **base)
        add('dw_%s_gain_high' % dt, conv_case, ic=6, gain=8, **base)
        add('dw_%s_5x5_relu' % dt, conv_case, ic=3, kh=5, kw=5,
            act='RELU', **base)
        add('dw_%s_batch2' % dt, conv_case, n=2, ic=3, h=6, w=5, **base)
        add('dw_%s_s2_dil2_dm4' % dt, conv_case, ic=2, dm=4, h=11, w=10,
            stride=(2, 2), dil=(2, 2), **base)
        add('dw_%s_relu_n1' % dt, conv_case, ic=4, act='RELU_N1_TO_1',
            gain=20, **base)
    # FULLY_CONNECTED
    for dt in ('int8', 'uint8'):
        u = dt == 'uint8'
        base = dict(dtype=dt, zp_in=121 if u else -7,
                    zp_out=133 if u else 4, w_zp=127 if u else 0)
        add('fc_%s_basic' % dt, fc_case, **base)
        add('fc_%s_relu' % dt, fc_case, act='RELU', **base)
        add('fc_%s_relu6' % dt, fc_case, act='RELU6', **base)
        add('fc_%s_relu_n1' % dt, fc_case, act='RELU_N1_TO_1', gain=20,
            **base)
        add('fc_%s_gain_high' % dt, fc_case, gain=8, batch=4, oc=32, **base)
        add('fc_%s_nobias' % dt, fc_case, bias=False, **base)
        add('fc_%s_wide' % dt, fc_case, batch=1, ic=200, oc=10, **base)
        add('fc_%s_batch5' % dt, fc_case, batch=5, ic=7, oc=3, **base)
        add('fc_%s_gemv_512' % dt, fc_case, batch=1, ic=40, oc=512, **base)
        add('fc_%s_gemm_8x64' % dt, fc_case, batch=8, ic=33, oc=64, **base)
    # ADD / SUB / MUL
    for op in ('ADD', 'SUB', 'MUL'):
        lo = op.lower()
        for dt in ('int8', 'uint8'):
            add('%s_%s_basic' % (lo, dt), add_case, op=op, dtype=dt)
            add('%s_%s_relu' % (lo, dt), add_case, op=op, dtype=dt,
                act='RELU')
            add('%s_%s_relu6' % (lo, dt), add_case, op=op, dtype=dt,
                act='RELU6', s_out=0.03)
            add('%s_%s_bcast_c' % (lo, dt), add_case, op=op, dtype=dt,
                shape_b=(1, 1, 1, 3))
            add('%s_%s_bcast_hw' % (lo, dt), add_case, op=op, dtype=dt,
                shape_a=(1, 4, 1, 3), shape_b=(1, 1, 5, 1))
            add('%s_%s_same_scale' % (lo, dt), add_case, op=op, dtype=dt,
                s_a=0.05, s_b=0.05, s_out=0.05)
            add('%s_%s_scale_extreme' % (lo, dt), add_case, op=op, dtype=dt,
                s_a=0.001, s_b=0.9, s_out=0.002, zp_a=-128, zp_b=127)
            add('%s_%s_rank2' % (lo, dt), add_case, op=op, dtype=dt,
                shape_a=(3, 7), shape_b=(3, 7))
            add('%s_%s_relu_n1' % (lo, dt), add_case, op=op, dtype=dt,
                act='RELU_N1_TO_1', s_out=0.01)
            add('%s_%s_scalar' % (lo, dt), add_case, op=op, dtype=dt,
                shape_a=(1, 3, 4, 5), shape_b=(1,))
            # a constant of one element, second and first, and a clamp
            add('%s_%s_const' % (lo, dt), add_case, op=op, dtype=dt,
                shape_a=(1, 9, 8, 7), shape_b=(1,), const='b')
            add('%s_%s_const_first' % (lo, dt), add_case, op=op, dtype=dt,
                shape_a=(1, 1, 1, 1), shape_b=(2, 16, 8), const='a',
                s_a=0.4, s_b=0.02)
            add('%s_%s_const_relu6' % (lo, dt), add_case, op=op, dtype=dt,
                shape_a=(4, 64), shape_b=(1, 1), const='b', act='RELU6',
                s_out=0.03)
    # Scales where TFLite's multiplier and a candidate formula give other
    # outputs (found by a search; the builders check that they do).
    # MUL: s_a * s_b / s_out in float, not in double
    add('mul_int8_scale_ratio', binary_scale_case, op='MUL', dtype='int8', alt='ratio',
        s_a=0.0025682866107672453, zp_a=-7, s_b=0.04179489240050316, zp_b=16,
        s_out=0.014458474703133106, zp_out=4)
    # ADD: the input ratios in double, not in float; the output's in double
    add('add_int8_scale_in', binary_scale_case, op='ADD', dtype='int8', alt='in',
        s_a=0.023128723725676537, zp_a=-5, s_b=0.007823299616575241, zp_b=-4,
        s_out=0.04638696834445, zp_out=-16)
    add('add_int8_scale_out', binary_scale_case, op='ADD', dtype='int8', alt='out',
        s_a=0.07606642693281174, zp_a=9, s_b=0.04259585216641426, zp_b=11,
        s_out=0.26034438610076904, zp_out=-6)
    add('mul_uint8_scale_ratio', binary_scale_case, op='MUL', dtype='uint8', alt='ratio',
        s_a=0.0059495531022548676, zp_a=142, s_b=0.007264614105224609, zp_b=108,
        s_out=0.012755273841321468, zp_out=111)
    add('add_uint8_scale_in', binary_scale_case, op='ADD', dtype='uint8', alt='in',
        s_a=0.0375702939927578, zp_a=133, s_b=0.05346236750483513, zp_b=124,
        s_out=0.05196787416934967, zp_out=148)
    add('sub_int8_scale_in', binary_scale_case, op='SUB', dtype='int8', alt='in',
        s_a=0.015470310114324093, zp_a=-19, s_b=0.0692330151796341, zp_b=-3,
        s_out=0.12854009866714478, zp_out=10)
    add('sub_int8_scale_out', binary_scale_case, op='SUB', dtype='int8', alt='out',
        s_a=0.00106251728720963, zp_a=17, s_b=0.047308389097452164, zp_b=-16,
        s_out=0.06659786403179169, zp_out=18)
    # PRELU: s_in * s_alpha / s_out in float, not in double
    add('prelu_int8_scale_alpha', binary_scale_case, op='PRELU', dtype='int8', alt='alpha',
        s_a=0.0022657897789031267, zp_a=14, s_b=0.0014396475162357092, zp_b=0,
        s_out=0.00046913576079532504, zp_out=9)
    # QUANTIZE: s_in / s_out in double; RELU, ABS, LEAKY_RELU's identity:
    # in float (at these scales one of the 256 stored values tells them apart)
    ratio = dict(dtype='int8', shape=(1, 16, 16, 1), span=True, s_in=0.005707860458642244,
                 zp_in=-19, s_out=0.011994398199021816, zp_out=5)
    add('quantize_int8_scale_ratio', requant_case, op='QUANTIZE', **ratio)
    add('relu_int8_scale_ratio', requant_case, op='RELU', **ratio)
    add('abs_int8_scale_ratio', lut_case, op='ABS', **ratio)
    add('leaky_relu_int8_scale_identity', lut_case, op='LEAKY_RELU', alpha=0.4441627264022827,
        **ratio)
    # LEAKY_RELU's s_in * alpha / s_out in float, not in double
    add('leaky_relu_int8_scale_alpha', lut_case, op='LEAKY_RELU', dtype='int8',
        shape=(1, 16, 16, 1), span=True, s_in=0.005071813240647316, zp_in=-15,
        s_out=0.0068549225106835365, zp_out=6, alpha=0.3186946213245392)
    # RSQRT: 1. / (sqrtf(s_in) * s_out), sqrtf and the product in float
    add('rsqrt_int8_scale_sqrt', lut_case, op='RSQRT', dtype='int8', shape=(1, 16, 16, 1),
        span=True, s_in=0.0038212642539292574, zp_in=-128, s_out=0.008382715284824371,
        zp_out=-30)
    # HARD_SWISH: (s_in / 128) / s_out in float, not in double
    add('hard_swish_int8_scale_ratio', lut_case, op='HARD_SWISH', dtype='int8',
        shape=(1, 16, 16, 1), span=True, s_in=0.06222498044371605, zp_in=2,
        s_out=0.0712895542383194, zp_out=12)
    # ELU, GELU tables: f(x) * (1 / s_out), not f(x) / s_out
    add('elu_int8_scale_inverse', lut_case, op='ELU', dtype='int8', shape=(1, 16, 16, 1),
        span=True, s_in=0.012822809629142284, zp_in=27, s_out=0.00984227191656828, zp_out=-4)
    for tag, approx in (('', False), ('_tanh', True)):
        add('gelu_int8_scale_inverse' + tag, lut_case, op='GELU', dtype='int8',
            shape=(1, 16, 16, 1), span=True, s_in=0.05150377377867699, zp_in=-26,
            s_out=0.12540049850940704, zp_out=-13, approximate=approx)
    # uint8 CONCATENATION's rescale: s_in * (1 / s_out), not s_in / s_out
    add('concat_uint8_scale_inverse', concat_case, dtype='uint8', axis=1, span=True,
        shapes=((1, 16, 16, 1), (1, 3, 16, 1)), quants=((0.08578428626060486, 160),
                                                        (0.07, 139)), zp=11)
    # MEAN over H, W: int8 s_in / s_out in double; uint8 s_in / (n s_out)
    # in float
    add('mean_int8_scale_ratio', mean_scale_case, dtype='int8', s_in=0.0013128434075042605,
        zp_in=14, s_out=0.00172863167244941, zp_out=2)
    add('mean_uint8_scale_ratio', mean_scale_case, dtype='uint8', s_in=0.0018158374587073922,
        zp_in=148, s_out=0.0014344287337735295, zp_out=144)
    # Fused and standalone clamps: zp + round(6 / s_out), round(+-1 / s_out)
    # with the division in float (not in double: 6 / s_out just below
    # n + 0.5 rounds to n + 0.5 in float; one bound, RELU_N1_TO_1 both, one
    # step out)
    for dt, act, s_out, zp_out in (('int8', 'RELU6', 0.0585365854203701, -5),
                                   ('uint8', 'RELU6', 0.03934426233172417, 10),
                                   ('int8', 'RELU_N1_TO_1', 0.014388489536941051, 3),
                                   ('uint8', 'RELU_N1_TO_1', 0.010695187374949455, 128)):
        tag = {'RELU6': 'relu6', 'RELU_N1_TO_1': 'relu_n1'}[act]
        for op in ('CONV_2D', 'ADD'):
            add('%s_%s_%s_clamp_scale' % ('conv' if op == 'CONV_2D' else 'add', dt, tag),
                clamp_scale_case, op=op, dtype=dt, act=act, s_out=s_out, zp_out=zp_out)
        add('%s_%s_clamp_scale' % (act.lower(), dt), clamp_scale_case, op=act, dtype=dt,
            act=act, s_out=s_out, zp_out=zp_out)
    # SOFTMAX's table: expf(float(float(-s_in * beta) * d)), not in double,
    # not the float scale times d in double, not (-s_in * d) * beta (int8:
    # the row (15, 167) tells all three, (213, 214) 'double' and 'order';
    # uint8: (44, 221) 'double' and 'product', the row of d = 63 'order')
    add('softmax_int8_scale_beta', softmax_scale_case, dtype='int8',
        s_in=0.018663976341485977, beta=0.9065399169921875, rows=((15, 167), (213, 214)))
    add('softmax_uint8_scale_beta', softmax_scale_case, dtype='uint8',
        s_in=0.06986120343208313, beta=0.4904504418373108, rows=((44, 221),))
    # L2_NORMALIZATION: face embeddings' last op
    for dt in ('int8', 'uint8'):
        add('l2norm_%s' % dt, l2norm_case, dtype=dt)
        add('l2norm_%s_rows1' % dt, l2norm_case, dtype=dt, shape=(1, 3, 4, 1))
        add('l2norm_%s_rank2' % dt, l2norm_case, dtype=dt, shape=(3, 512),
            zp_in=60)
    # BATCH_MATMUL (int8 only in TFLite 2.9)
    add('matmul_int8', matmul_case)
    add('matmul_int8_adj_x', matmul_case, lshape=(2, 3, 7, 4), adj_x=True,
        rshape=(2, 3, 7, 6))
    add('matmul_int8_adj_y', matmul_case, lshape=(1, 4, 9, 16), adj_y=True,
        rshape=(1, 4, 11, 16), zp_r=0, zp_l=-128)
    add('matmul_int8_adj_xy', matmul_case, lshape=(3, 5, 8), adj_x=True,
        adj_y=True, rshape=(3, 6, 5))
    add('matmul_int8_bcast', matmul_case, lshape=(2, 1, 3, 8),
        rshape=(1, 3, 8, 4))
    add('matmul_int8_rank2_const', matmul_case, lshape=(6, 32),
        rshape=(32, 10), rconst=True, zp_r=0)
    add('matmul_int8_rank3_const', matmul_case, lshape=(2, 5, 24),
        rshape=(24, 7), rconst=True, zp_r=-4)
    add('matmul_int8_big', matmul_case, lshape=(1, 2, 49, 64), adj_y=True,
        rshape=(1, 2, 49, 64), s_l=0.02, zp_l=4, s_r=0.03, zp_r=-6)
    add('matmul_int8_ties', matmul_case, lshape=(1, 1, 16, 4),
        rshape=(1, 1, 4, 16), s_l=0.5, zp_l=0, s_r=0.5, zp_r=0, s_out=2.0,
        zp_out=0)
    # every product of two int8 values, at scales whose multiplier differs
    # (and changes one output) when s_l * s_r is rounded to float first
    add('matmul_int8_products', matmul_case, lshape=(1, 1, 256, 1),
        rshape=(1, 1, 1, 256), s_l=0.03479135036468506,
        s_r=0.021299779415130615, s_out=0.10273575037717819, zp_l=0,
        zp_r=0, zp_out=0, span=True)
    # SQUARED_DIFFERENCE (int8 only in 2.9): a variance's (x - mean)^2
    sqd = dict(op='SQUARED_DIFFERENCE', s_out=0.2, zp_out=-128)
    add('sqdiff_int8_basic', add_case, **sqd)
    add('sqdiff_int8_bcast_c', add_case, shape_b=(1, 1, 1, 3), **sqd)
    add('sqdiff_int8_mean', add_case, shape_b=(1, 4, 5, 1), **sqd)
    add('sqdiff_int8_scalar', add_case, shape_b=(1,), **sqd)
    add('sqdiff_int8_same_scale', add_case, s_a=0.02, s_b=0.02,
        zp_a=-3, zp_b=5, op='SQUARED_DIFFERENCE', s_out=0.05, zp_out=-128)
    add('sqdiff_int8_saturating', add_case, s_a=0.1, s_b=0.003,
        op='SQUARED_DIFFERENCE', s_out=0.01, zp_out=-100)
    # MAXIMUM / MINIMUM
    for op in ('MAXIMUM', 'MINIMUM'):
        for dt in ('int8', 'uint8'):
            add('%s_%s_basic' % (op.lower(), dt), maxmin_case, op=op,
                dtype=dt)
            add('%s_%s_bcast' % (op.lower(), dt), maxmin_case, op=op,
                dtype=dt, shape_b=(1, 1, 4, 1))
    # Pooling
    for op in ('AVERAGE_POOL_2D', 'MAX_POOL_2D'):
        lo = 'avgpool' if op.startswith('AVER') else 'maxpool'
        for dt in ('int8', 'uint8'):
            add('%s_%s_same_s2' % (lo, dt), pool_case, op=op, dtype=dt)
            add('%s_%s_valid' % (lo, dt), pool_case, op=op, dtype=dt,
                padding='VALID')
            add('%s_%s_2x2' % (lo, dt), pool_case, op=op, dtype=dt, fh=2,
                fw=2, h=8, w=8)
            add('%s_%s_global' % (lo, dt), pool_case, op=op, dtype=dt,
                h=7, w=7, fh=7, fw=7, stride=(1, 1), padding='VALID', ch=9)
            add('%s_%s_s1_same' % (lo, dt), pool_case, op=op, dtype=dt,
                stride=(1, 1), fh=3, fw=2)
            add('%s_%s_relu6' % (lo, dt), pool_case, op=op, dtype=dt,
                act='RELU6', s=0.03)
            add('%s_%s_batch_odd' % (lo, dt), pool_case, op=op, dtype=dt,
                n=3, h=5, w=6, fh=4, fw=3, stride=(3, 2))
            add('%s_%s_relu_n1' % (lo, dt), pool_case, op=op, dtype=dt,
                act='RELU_N1_TO_1', s=0.02)
            add('%s_%s_relu' % (lo, dt), pool_case, op=op, dtype=dt,
                act='RELU', fh=2, fw=3)
    # Requantize-style ops
    for dt in ('int8', 'uint8'):
        add('quantize_%s_rescale' % dt, requant_case, op='QUANTIZE',
            dtype=dt)
        add('quantize_%s_up' % dt, requant_case, op='QUANTIZE', dtype=dt,
            s_in=0.02, s_out=0.09, zp_in=-100, zp_out=20)
        add('relu_%s' % dt, requant_case, op='RELU', dtype=dt)
        add('relu_%s_same_q' % dt, requant_case, op='RELU', dtype=dt,
            s_in=0.05, s_out=0.05, zp_in=-20, zp_out=-20)
        add('relu6_%s' % dt, requant_case, op='RELU6', dtype=dt,
            s_out=0.025)
        add('relu_n1_to_1_%s' % dt, requant_case, op='RELU_N1_TO_1', dtype=dt,
            s_out=0.006)
    add('quantize_int8_to_uint8', requant_case, op='QUANTIZE',
        dtype='int8', out_dtype='uint8', s_in=0.05, s_out=0.05, zp_in=3,
        zp_out=3)
    add('quantize_uint8_to_int8', requant_case, op='QUANTIZE',
        dtype='uint8', out_dtype='int8')
    # Data movement
    for dt in ('int8', 'uint8'):
        add('reshape_%s' % dt, reshape_case, dtype=dt)
        add('pad_%s' % dt, pad_case, dtype=dt)
        add('pad_%s_rank3' % dt, pad_case, dtype=dt, shape=(4, 3, 2),
            pads=((1, 0), (0, 2), (1, 1)))
        add('concat_%s_c' % dt, concat_case, dtype=dt)
        add('concat_%s_h3' % dt, concat_case, dtype=dt, axis=1,
            shapes=((1, 2, 3, 4), (1, 1, 3, 4), (1, 4, 3, 4)))
        add('concat_%s_w_rank3' % dt, concat_case, dtype=dt, axis=1,
            shapes=((2, 3, 4), (2, 5, 4)))
        if dt == 'uint8':
            # TFLite rescales uint8 inputs of other scales (int8: refused)
            add('concat_uint8_rescaled', concat_case, dtype=dt,
                shapes=((1, 2, 3, 4), (1, 2, 3, 5), (1, 2, 3, 3)),
                quants=((0.05, 100), (0.07, 133), (0.3, 0)))
            add('concat_uint8_rescaled_h', concat_case, dtype=dt, axis=1,
                shapes=((1, 8, 16, 16), (1, 9, 16, 16)),
                quants=((0.0123, 255), (0.5, 128)), zp=-128)
        add('transpose_%s' % dt, transpose_case, dtype=dt)
        add('transpose_%s_rank3' % dt, transpose_case, dtype=dt,
            shape=(3, 4, 5), perm=(2, 0, 1))
        add('slice_%s' % dt, slice_case, dtype=dt)
        add('slice_%s_reverse' % dt, slice_case, dtype=dt,
            begin=(0, 6, 7, 4), end=(1, 0, 0, 0), strides=(1, -2, -3, -1),
            end_mask=0b1110)
        add('d2s_%s' % dt, block_case, op='DEPTH_TO_SPACE', dtype=dt)
        add('s2d_%s' % dt, block_case, op='SPACE_TO_DEPTH', dtype=dt)
    add('d2s_int8_b3', block_case, op='DEPTH_TO_SPACE', shape=(1, 2, 3, 18),
        bs=3)
    add('s2d_int8_b3', block_case, op='SPACE_TO_DEPTH', shape=(2, 6, 3, 2),
        bs=3)
    # Table ops
    for dt in ('int8', 'uint8'):
        for op in ('LOGISTIC', 'TANH'):
            lo = op.lower()
            add('%s_%s' % (lo, dt), lut_case, op=op, dtype=dt)
            add('%s_%s_wide' % (lo, dt), lut_case, op=op, dtype=dt,
                s_in=0.1, zp_in=20)
            add('%s_%s_narrow' % (lo, dt), lut_case, op=op, dtype=dt,
                s_in=0.004, zp_in=-100)
        add('hard_swish_%s' % dt, lut_case, op='HARD_SWISH', dtype=dt,
            s_in=0.05, zp_in=-3, s_out=0.03, zp_out=-40)
        add('hard_swish_%s_wide' % dt, lut_case, op='HARD_SWISH', dtype=dt,
            s_in=0.2, zp_in=10, s_out=0.1, zp_out=-100)
        add('hard_swish_%s_narrow' % dt, lut_case, op='HARD_SWISH', dtype=dt,
            s_in=0.01, zp_in=0, s_out=0.02, zp_out=-10)
        add('leaky_relu_%s' % dt, lut_case, op='LEAKY_RELU', dtype=dt,
            s_out=0.04, zp_out=7)
        add('leaky_relu_%s_a03' % dt, lut_case, op='LEAKY_RELU', dtype=dt,
            s_in=0.02, zp_in=30, s_out=0.02, zp_out=30, alpha=0.3)
        # GELU (int8 and uint8) and ELU (int8: TFLite's EluEval refuses
        # uint8): the program's TABLE op (uAPI 1.10)
        # The first pair's scales are fine enough that 5 entries of the
        # two forms' tables differ.
        for tag, approx in (('', False), ('_tanh', True)):
            add('gelu_%s%s' % (dt, tag), lut_case, op='GELU', dtype=dt,
                shape=ALL256, s_in=0.02, zp_in=0, s_out=0.0115, zp_out=-113,
                approximate=approx)
            add('gelu_%s_wide%s' % (dt, tag), lut_case, op='GELU', dtype=dt,
                shape=ALL256, s_in=0.1, zp_in=-20, s_out=0.05, zp_out=-100,
                approximate=approx)
        if dt == 'int8':
            add('elu_int8', lut_case, op='ELU', dtype=dt, shape=ALL256,
                s_in=0.05, zp_in=20, s_out=0.03, zp_out=0)
            add('elu_int8_wide', lut_case, op='ELU', dtype=dt, shape=ALL256,
                s_in=0.2, zp_in=-10, s_out=0.1, zp_out=-118)
            # ABS (int8 only in 2.9): rescaled, and with equal scales
            add('abs_int8', lut_case, op='ABS', dtype=dt, shape=ALL256,
                s_in=0.05, zp_in=7, s_out=0.03, zp_out=-120)
            add('abs_int8_same_scale', lut_case, op='ABS', dtype=dt,
                shape=ALL256, s_in=0.05, zp_in=-30, s_out=0.05, zp_out=-100)
            # RSQRT (int8 only): the input zero point at the bottom, as a
            # variance's is (TFLite fails the invoke below it)
            add('rsqrt_int8', lut_case, op='RSQRT', dtype=dt, shape=ALL256,
                s_in=0.02, zp_in=-128, s_out=0.05, zp_out=-128)
            add('rsqrt_int8_fine', lut_case, op='RSQRT', dtype=dt,
                shape=ALL256, s_in=0.0005, zp_in=-128, s_out=0.4,
                zp_out=-128)
        # SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND: padded and not, batch
        # above 1, 3-D, a block of 1 on one axis
        for op, tag in (('SPACE_TO_BATCH_ND', 's2b'), ('BATCH_TO_SPACE_ND', 'b2s')):
            sb = op == 'SPACE_TO_BATCH_ND'
            add('%s_%s' % (tag, dt), space_batch_case, op=op, dtype=dt,
                shape=(1, 6, 5, 3) if sb else (6, 4, 3, 3))
            add('%s_%s_even' % (tag, dt), space_batch_case, op=op, dtype=dt,
                shape=(2, 8, 8, 16) if sb else (8, 4, 4, 16), block=(2, 2),
                pads=((0, 0), (0, 0)))
            add('%s_%s_3d' % (tag, dt), space_batch_case, op=op, dtype=dt,
                shape=(2, 9, 5) if sb else (6, 5, 7), block=(3,),
                pads=((2, 1),) if sb else ((1, 2),))
            add('%s_%s_1xb' % (tag, dt), space_batch_case, op=op, dtype=dt,
                shape=(1, 5, 12, 7) if sb else (4, 5, 3, 7), block=(1, 4),
                pads=((0, 0), (2, 2)) if sb else ((0, 1), (3, 1)))
            add('%s_%s_batch2' % (tag, dt), space_batch_case, op=op, dtype=dt,
                shape=(2, 5, 7, 4) if sb else (12, 3, 3, 4),
                pads=((1, 0), (1, 1)) if sb else ((1, 0), (2, 1)))
        # TILE and BROADCAST_TO: one axis, several, a multiple of 13
        # (doublings 1 4 8; the compiler repeats H and W by a resize, N
        # and C by concatenations: 13 and 9 along them), a lower rank
        # broadcast
        add('tile_%s' % dt, tile_case, op='TILE', dtype=dt)
        add('tile_%s_13' % dt, tile_case, op='TILE', dtype=dt, shape=(2, 3, 5),
            mult=(1, 13, 1))
        add('tile_%s_c13' % dt, tile_case, op='TILE', dtype=dt, shape=(2, 3, 5),
            mult=(1, 1, 13))
        add('tile_%s_n9' % dt, tile_case, op='TILE', dtype=dt, shape=(3, 2, 1, 2),
            mult=(9, 1, 2, 1))
        add('tile_%s_all' % dt, tile_case, op='TILE', dtype=dt, shape=(2, 1, 3, 2),
            mult=(2, 3, 2, 5))
        add('broadcast_to_%s' % dt, tile_case, op='BROADCAST_TO', dtype=dt,
            shape=(1, 1, 1, 6), mult=(1, 7, 5, 6))
        add('broadcast_to_%s_rank' % dt, tile_case, op='BROADCAST_TO', dtype=dt,
            shape=(3, 1), mult=(2, 4, 3, 9))
        add('prelu_%s' % dt, prelu_case, dtype=dt)
        add('prelu_%s_hw_alpha' % dt, prelu_case, dtype=dt,
            alpha_shape=[1, 5, 6], zp_a=-10)
        add('mean_%s' % dt, mean_case, dtype=dt)
        # 64 channels of 9x9 and 48 of 7x5: enough outputs that the
        # reference and optimized int8 pipelines give different bytes
        add('mean_%s_wide' % dt, mean_case, dtype=dt, shape=(1, 9, 9, 64),
            s_in=0.05, zp_in=-9, s_out=0.031, zp_out=5)
        add('mean_%s_wide2' % dt, mean_case, dtype=dt, shape=(1, 7, 5, 48),
            s_in=0.02, zp_in=30, s_out=0.013, zp_out=-20)
        add('mean_%s_big' % dt, mean_case, dtype=dt, shape=(2, 9, 11, 4),
            s_in=0.02, zp_in=100, s_out=0.01, zp_out=-100)
        add('mean_float_%s' % dt, mean_case, dtype=dt, keep_dims=False)
        # equal quantization: TFLite divides the int sum (toward zero)
        add('mean_div_%s' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(1, 2, 2, 64), s_in=0.02, zp_in=-3, s_out=0.02, zp_out=-3)
        # scale 1, zero points apart: sum / 4 * 1 ending in .5 is a tie
        add('mean_float_%s_ties' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(1, 2, 2, 64), s_in=0.02, zp_in=0, s_out=0.02, zp_out=1)
        add('mean_float_%s_big' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(2, 15, 13, 9), s_in=0.013, zp_in=77, s_out=0.007,
            zp_out=-31)
        # other axes: the reference kernels, on a view [outer, R, 1, inner]
        add('mean_float_%s_time' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(1, 10, 16), axes=(1,), s_in=0.04, zp_in=12, s_out=0.02,
            zp_out=-7)
        add('mean_float_%s_channels' % dt, mean_case, dtype=dt, shape=(1, 4, 5, 12),
            axes=(-1,), s_in=0.03, zp_in=-50, s_out=0.05, zp_out=20)
        add('mean_float_%s_w_keep' % dt, mean_case, dtype=dt, shape=(2, 3, 5, 4),
            axes=(2,))
        add('mean_div_%s_time' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(2, 7, 6), axes=(1,), s_in=0.02, zp_in=-3, s_out=0.02, zp_out=-3)
        add('mean_float_%s_hwc' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(2, 3, 4, 5), axes=(1, 2, 3))
        add('mean_same_q_%s' % dt, mean_case, dtype=dt, shape=(1, 7, 5, 33),
            s_in=0.02, zp_in=-3, s_out=0.02, zp_out=-3)
        add('mean_same_q_%s_ties' % dt, mean_case, dtype=dt, shape=(1, 2, 1, 64),
            s_in=0.02, zp_in=-3, s_out=0.02, zp_out=-3)
        # H and W named otherwise: TFLite's float pipeline, not its H and W one
        add('mean_float_%s_hw_negative' % dt, mean_case, dtype=dt, shape=(1, 9, 9, 64),
            axes=(-3, -2))
        add('mean_float_%s_hw_repeats' % dt, mean_case, dtype=dt, shape=(1, 9, 9, 64),
            axes=(1, 2, 1, -2, 2))
        # 299 * 299 values of sum 16852089 (odd, past 2^24): the mean is
        # 188.5000056, which binary32's sum (16852088) puts below the half
        add('mean_same_q_%s_big_tie' % dt, mean_case, dtype=dt, shape=(1, 299, 299, 1),
            s_in=0.02, zp_in=-128, s_out=0.02, zp_out=-128, tie_sum=16852089)
        add('mean_div_%s_w_keep' % dt, mean_case, dtype=dt, shape=(2, 3, 5, 4),
            axes=(2,), s_in=0.02, zp_in=-3, s_out=0.02, zp_out=-3)
        add('reduce_max_%s' % dt, reduce_max_case, dtype=dt)
        add('argmax_%s' % dt, argmax_case, dtype=dt)
        add('argmax_%s_ties_int32' % dt, argmax_case, dtype=dt, shape=(2, 3, 4, 9),
            out_type='int32', spread=3)
        add('argmax_%s_h' % dt, argmax_case, dtype=dt, shape=(1, 6, 5, 3), axis=1,
            spread=5)
        add('argmax_%s_rank2' % dt, argmax_case, dtype=dt, shape=(3, 1001), axis=1)
        add('reduce_max_%s_keep' % dt, reduce_max_case, dtype=dt, keep_dims=True,
            shape=(2, 4, 3, 9))
        add('reduce_max_%s_channels' % dt, reduce_max_case, dtype=dt, axes=(3,))
        add('reduce_max_%s_time' % dt, reduce_max_case, dtype=dt, shape=(1, 12, 8),
            axes=(-2,))
        add('sum_%s' % dt, sum_case, dtype=dt)
        add('sum_%s_channels' % dt, sum_case, dtype=dt, axes=(-1,), keep_dims=False,
            shape=(2, 3, 4, 24), s_out=0.4)
        add('sum_%s_wraps' % dt, sum_case, dtype=dt, s_out=0.05, zp_out=-2)
        add('sum_%s_many' % dt, sum_case, dtype=dt, shape=(1, 40, 40, 3), s_in=0.01,
            s_out=2.5, zp_in=-100)
        add('sum_%s_rank3_time' % dt, sum_case, dtype=dt, shape=(2, 12, 8), axes=(-2,),
            keep_dims=False, s_out=0.2)
        add('reduce_min_%s' % dt, reduce_max_case, dtype=dt, op='REDUCE_MIN')
        # reduced axes apart but for an axis of size 1 between them; one
        # of size 1 at the end
        add('mean_float_%s_gap' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(2, 5, 1, 6), axes=(1, 3))
        add('mean_div_%s_gap_keep' % dt, mean_case, dtype=dt, shape=(1, 16, 7, 1),
            axes=(1, 3), s_in=0.02, zp_in=-3, s_out=0.02, zp_out=-3)
        add('reduce_max_%s_gap' % dt, reduce_max_case, dtype=dt, shape=(3, 1, 4, 5),
            axes=(0, 2))
        # every reduced axis of size 1, longer ones between them: a rescale
        add('mean_float_%s_ones' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(1, 5, 6, 1), axes=(0, 3))
        # more values than a program dim: the view's H and W share them
        add('mean_float_%s_huge' % dt, mean_case, dtype=dt, keep_dims=False,
            shape=(1, 260, 300, 2), axes=(1, 2))
        add('sum_%s_huge' % dt, sum_case, dtype=dt, shape=(2, 300, 250), axes=(1, 2),
            keep_dims=False, s_out=40.0)
        add('reduce_min_%s_huge' % dt, reduce_max_case, dtype=dt, op='REDUCE_MIN',
            shape=(1, 3, 40000), axes=(1, 2))
        # a SUM of one value with equal quantization is that value
        add('sum_%s_one_same_q' % dt, sum_case, dtype=dt, shape=(2, 3, 1, 4), axes=(2,),
            keep_dims=False, s_in=0.05, zp_in=-9, s_out=0.05, zp_out=-9)
        add('reduce_min_%s_keep_channels' % dt, reduce_max_case, dtype=dt,
            op='REDUCE_MIN', keep_dims=True, shape=(2, 4, 3, 9), axes=(3,))
        add('argmin_%s' % dt, argmax_case, dtype=dt, op='ARG_MIN')
        add('argmin_%s_ties_int32' % dt, argmax_case, dtype=dt, op='ARG_MIN',
            shape=(2, 3, 4, 9), out_type='int32', spread=3)
        add('argmin_%s_h' % dt, argmax_case, dtype=dt, op='ARG_MIN', shape=(1, 6, 5, 3),
            axis=1, spread=5)
        add('resize_nn_%s_up' % dt, resize_nn_case, dtype=dt)
        add('resize_nn_%s_down' % dt, resize_nn_case, dtype=dt,
            shape=(1, 9, 8, 2), size=(4, 3))
        add('resize_nn_%s_align' % dt, resize_nn_case, dtype=dt,
            size=(11, 13), align=True)
        add('resize_nn_%s_hpc' % dt, resize_nn_case, dtype=dt,
            size=(11, 13), hpc=True)
        add('resize_nn_%s_2x' % dt, resize_nn_case, dtype=dt,
            shape=(2, 3, 4, 5), size=(6, 8))
    for dt in ('int8', 'uint8'):
        add('softmax_%s' % dt, softmax_case, dtype=dt)
        add('softmax_%s_1001' % dt, softmax_case, dtype=dt,
            shape=(1, 1001), s_in=0.08)
        add('softmax_%s_4d' % dt, softmax_case, dtype=dt,
            shape=(1, 3, 4, 7), s_in=0.2, zp_in=-20)
        add('softmax_%s_beta' % dt, softmax_case, dtype=dt, shape=(5, 16),
            s_in=0.05, beta=0.7)
        add('softmax_%s_wide' % dt, softmax_case, dtype=dt, shape=(3, 33),
            s_in=0.6)
        add('softmax_%s_narrow' % dt, softmax_case, dtype=dt,
            shape=(4, 64), s_in=0.002)
    for dt in ('int8', 'uint8'):
        add('resize_bl_%s_up' % dt, resize_bl_case, dtype=dt)
        add('resize_bl_%s_down' % dt, resize_bl_case, dtype=dt,
            shape=(1, 9, 8, 2), size=(4, 3))
        add('resize_bl_%s_align' % dt, resize_bl_case, dtype=dt,
            size=(11, 13), align=True)
        add('resize_bl_%s_hpc' % dt, resize_bl_case, dtype=dt,
            size=(11, 13), hpc=True)
        add('resize_bl_%s_2x' % dt, resize_bl_case, dtype=dt,
            shape=(2, 3, 4, 5), size=(6, 8))
        add('resize_bl_%s_hpc_down' % dt, resize_bl_case, dtype=dt,
            shape=(1, 10, 9, 4), size=(3, 7), hpc=True)
        add('resize_bl_%s_align_down' % dt, resize_bl_case, dtype=dt,
            shape=(2, 13, 11, 3), size=(5, 4), align=True)
        add('resize_bl_%s_big' % dt, resize_bl_case, dtype=dt,
            shape=(1, 6, 7, 8), size=(33, 29), hpc=True)
    return L


def main():
    global OUTDIR
    if len(sys.argv) not in (2, 3) or sys.argv[1].startswith('-'):
        # --help, or no OUTDIR: the docstring says how to call this
        asked = sys.argv[1:2] in (['-h'], ['--help'])
        print(__doc__.strip(), file=sys.stdout if asked else sys.stderr)
        sys.exit(0 if asked else 2)
    OUTDIR = sys.argv[1]
    filt = sys.argv[2] if len(sys.argv) > 2 else ''
    os.makedirs(OUTDIR, exist_ok=True)
    names = []
    for name, fn, kw in cases():
        if filt and filt not in name:
            continue
        case = fn(name, zlib.crc32(name.encode()), **kw)
        names.append('%s %s' % (name, case.opname))
    # cases.txt: "NAME OPCODE" per line
    with open(os.path.join(OUTDIR, 'cases.txt'), 'w') as f:
        f.write(''.join(n + '\n' for n in names))
    print('%d cases in %s' % (len(names), OUTDIR))


OUTDIR = None

if __name__ == '__main__':
    main()
