#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Single-op int8/uint8 models at the sizes of real models, for
tests/bench/bench-cpu-shapes.sh.

    shapes.py OUTDIR [FILTER]

Writes OUTDIR/NAME/model.tflite for each case (the builders of
tests/oracle/gen.py: real per-channel or per-tensor quantization, seeded
data) and OUTDIR/cases.txt, one "NAME OPCODE CLASS" line per case. The
shape classes are those of models outside our corpus: audio and keyword
spotting (1-channel inputs, FULLY_CONNECTED), attention (BATCH_MATMUL),
RGB stems, pointwise and small 3x3 convolutions, depthwise convolutions
of many channel counts, element-wise and table ops, resizes, data
movement (DEPTH_TO_SPACE, SPACE_TO_DEPTH, TRANSPOSE, STRIDED_SLICE, TILE),
L2 normalization, pooling, reductions, legacy uint8 (convolutions and
RESIZE_BILINEAR, which TFLite computes in float for uint8).
Each case is sized so the op takes roughly 50 us or more on one core
where the real layer is that big; the few that are smaller in real
models (SOFTMAX 1x12, FULLY_CONNECTED 2000->12) are kept at their real
size and show the per-inference overhead ("tiny", the smallest op, shows
it alone).
"""
import os
import sys
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'oracle'))
import gen  # noqa: E402


def cases():
    """(name, class, builder, kwargs)."""
    L = []

    def add(name, cls, fn, **kw):
        L.append((name, cls, fn, kw))

    def conv(name, cls, **kw):
        add(name, cls, gen.conv_case, **kw)

    def dw(name, ch, hw, k, s, **kw):
        add(name, 'dw%dx%d s%d' % (k, k, s), gen.conv_case, depthwise=True,
            h=hw, w=hw, ic=ch, kh=k, kw=k, stride=(s, s), zp_in=-2,
            zp_out=6, **kw)

    # the per-inference overhead: the smallest op there is
    add('tiny_add_8', 'overhead', gen.add_case, shape_a=(1, 1, 1, 8),
        shape_b=(1, 1, 1, 8))
    # CONV_2D: 1-channel inputs (spectrograms, keyword spotting)
    conv('conv_1ch_98x40_3x3_32', 'conv 1ch', h=98, w=40, ic=1, oc=32)
    conv('conv_1ch_49x10_10x4s2_64', 'conv 1ch', h=49, w=10, ic=1, oc=64,
         kh=10, kw=4, stride=(2, 2))
    conv('conv_1ch_98x40_10x4s2_64', 'conv 1ch', h=98, w=40, ic=1, oc=64,
         kh=10, kw=4, stride=(2, 2))
    # RGB stems
    conv('conv_rgb_224_3x3s2_32', 'conv rgb', h=224, w=224, ic=3, oc=32,
         stride=(2, 2), act='RELU6')
    conv('conv_rgb_192_5x5s2_24', 'conv rgb', h=192, w=192, ic=3, oc=24,
         kh=5, kw=5, stride=(2, 2))
    conv('conv_rgb_128_3x3s2_16', 'conv rgb', h=128, w=128, ic=3, oc=16,
         stride=(2, 2), act='RELU')
    conv('conv_rgb_224_7x7s2_64', 'conv rgb', h=224, w=224, ic=3, oc=64,
         kh=7, kw=7, stride=(2, 2), act='RELU')
    # pointwise
    conv('conv_pw_56x56_64_128', 'conv 1x1', h=56, w=56, ic=64, oc=128,
         kh=1, kw=1, act='RELU6')
    conv('conv_pw_14x14_256_256', 'conv 1x1', h=14, w=14, ic=256, oc=256,
         kh=1, kw=1)
    conv('conv_pw_7x7_1024_1024', 'conv 1x1', h=7, w=7, ic=1024, oc=1024,
         kh=1, kw=1)
    conv('conv_pw_28x28_24_144', 'conv 1x1', h=28, w=28, ic=24, oc=144,
         kh=1, kw=1)
    # few output channels: the projections of bottlenecks
    conv('conv_pw_56x56_96_16', 'conv 1x1', h=56, w=56, ic=96, oc=16,
         kh=1, kw=1)
    conv('conv_pw_14x14_288_48', 'conv 1x1', h=14, w=14, ic=288, oc=48,
         kh=1, kw=1)
    # few input channels: the expansions of bottlenecks (BlazeFace, MobileNet)
    conv('conv_pw_96x96_8_32', 'conv 1x1', h=96, w=96, ic=8, oc=32,
         kh=1, kw=1)
    conv('conv_pw_112x112_16_96', 'conv 1x1', h=112, w=112, ic=16, oc=96,
         kh=1, kw=1, act='RELU6')
    conv('conv_pw_14x14_576_160', 'conv 1x1', h=14, w=14, ic=576, oc=160,
         kh=1, kw=1)
    # 3x3 with few channels
    conv('conv_3x3_64x64_16_16', 'conv 3x3', h=64, w=64, ic=16, oc=16,
         act='RELU')
    conv('conv_3x3_40x40_32_32', 'conv 3x3', h=40, w=40, ic=32, oc=32)
    conv('conv_3x3_28x28_64_64', 'conv 3x3', h=28, w=28, ic=64, oc=64)
    conv('conv_3x3s2_56x56_16_32', 'conv 3x3', h=56, w=56, ic=16, oc=32,
         stride=(2, 2))
    # wider and other kernels: ResNet's and Inception's middle stages
    conv('conv_3x3_14x14_256_256', 'conv 3x3', h=14, w=14, ic=256, oc=256,
         act='RELU')
    conv('conv_3x3s2_28x28_128_256', 'conv 3x3', h=28, w=28, ic=128,
         oc=256, stride=(2, 2))
    conv('conv_5x5_28x28_32_32', 'conv kxk', h=28, w=28, ic=32, oc=32,
         kh=5, kw=5)
    conv('conv_1x7_17x17_128_128', 'conv kxk', h=17, w=17, ic=128, oc=128,
         kh=1, kw=7)
    conv('conv_7x1_17x17_128_128', 'conv kxk', h=17, w=17, ic=128, oc=128,
         kh=7, kw=1)
    # DEPTHWISE_CONV_2D
    dw('dw3_s1_112_c8', 8, 112, 3, 1)
    dw('dw3_s1_56_c24', 24, 56, 3, 1)
    dw('dw3_s1_56_c32', 32, 56, 3, 1)
    dw('dw3_s1_28_c96', 96, 28, 3, 1)
    dw('dw3_s1_28_c144', 144, 28, 3, 1)
    dw('dw3_s1_14_c240', 240, 14, 3, 1)
    dw('dw3_s1_7_c960', 960, 7, 3, 1)
    dw('dw3_s1_40_c35', 35, 40, 3, 1)
    dw('dw3_s2_112_c8', 8, 112, 3, 2)
    dw('dw3_s2_112_c24', 24, 112, 3, 2)
    dw('dw3_s2_112_c96', 96, 112, 3, 2)
    dw('dw3_s2_56_c144', 144, 56, 3, 2)
    dw('dw3_s2_40_c35', 35, 40, 3, 2)
    dw('dw5_s1_56_c32', 32, 56, 5, 1)
    dw('dw5_s1_28_c144', 144, 28, 5, 1)
    dw('dw5_s1_14_c240', 240, 14, 5, 1)
    dw('dw5_s1_40_c35', 35, 40, 5, 1)
    dw('dw5_s2_56_c24', 24, 56, 5, 2)
    dw('dw5_s2_28_c240', 240, 28, 5, 2)
    dw('dw5_s1_7_c672', 672, 7, 5, 1)
    # atrous (dilated) depthwise and 3x3 convolutions: DeepLab's last stages
    for name, ch, d in (('dw3_d2_33_c320', 320, 2), ('dw3_d4_33_c64', 64, 4)):
        add(name, 'dw atrous', gen.conv_case, depthwise=True, h=33, w=33,
            ic=ch, dil=(d, d), zp_in=-2, zp_out=6)
    conv('conv_3x3_d2_33x33_64_64', 'conv atrous', h=33, w=33, ic=64,
         oc=64, dil=(2, 2))
    # FULLY_CONNECTED
    add('fc_b1_1024_256', 'fc b1', gen.fc_case, batch=1, ic=1024, oc=256)
    add('fc_b1_2000_12', 'fc b1', gen.fc_case, batch=1, ic=2000, oc=12)
    add('fc_b1_256_256', 'fc b1', gen.fc_case, batch=1, ic=256, oc=256)
    add('fc_b1_1024_1000', 'fc b1', gen.fc_case, batch=1, ic=1024, oc=1000)
    add('fc_b8_256_256', 'fc batch', gen.fc_case, batch=8, ic=256, oc=256)
    add('fc_b49_64_64', 'fc batch', gen.fc_case, batch=49, ic=64, oc=64)
    # attention (BATCH_MATMUL): a ViT-tiny's scores (197 tokens, 3 heads of
    # 64) and their weights times V; an audio transformer's 4 heads of 32
    # over 100 frames; a Keras Dense on [1, 196, 192] (constant weights)
    add('matmul_qk_3x197x64', 'matmul', gen.matmul_case, lshape=(1, 3, 197, 64),
        rshape=(1, 3, 197, 64), adj_y=True)
    add('matmul_pv_3x197x197x64', 'matmul', gen.matmul_case,
        lshape=(1, 3, 197, 197), rshape=(1, 3, 197, 64), s_l=1 / 256.0, zp_l=-128)
    add('matmul_qk_4x100x32', 'matmul', gen.matmul_case, lshape=(1, 4, 100, 32),
        rshape=(1, 4, 100, 32), adj_y=True)
    add('matmul_dense_196x192x192', 'matmul', gen.matmul_case, lshape=(1, 196, 192),
        rshape=(192, 192), rconst=True, zp_r=0)
    # element-wise
    big = (1, 56, 56, 64)
    add('add_eq_56x56x64', 'add/mul', gen.add_case, shape_a=big, shape_b=big)
    add('add_bc_56x56x64_c', 'add/mul', gen.add_case, shape_a=big,
        shape_b=(1, 1, 1, 64))
    add('add_scalar_56x56x64', 'add/mul', gen.add_case, shape_a=big,
        shape_b=(1,))
    add('mul_eq_56x56x64', 'add/mul', gen.add_case, op='MUL', shape_a=big,
        shape_b=big)
    add('mul_bc_28x28x96_c', 'add/mul', gen.add_case, op='MUL',
        shape_a=(1, 28, 28, 96), shape_b=(1, 1, 1, 96))
    add('mul_scalar_56x56x64', 'add/mul', gen.add_case, op='MUL',
        shape_a=big, shape_b=(1,))
    # a map of one channel over every channel (spatial attention, masks)
    add('add_hw1_28x28x96', 'add/mul', gen.add_case, shape_a=(1, 28, 28, 96),
        shape_b=(1, 28, 28, 1))
    add('mul_hw1_28x28x96', 'add/mul', gen.add_case, op='MUL',
        shape_a=(1, 28, 28, 96), shape_b=(1, 28, 28, 1))
    # x + 3, 0.5 * x: a constant of one element (the compiler's TABLE)
    add('add_const_56x56x64', 'add/mul', gen.add_case, shape_a=big,
        shape_b=(1,), const='b')
    add('mul_const_56x56x64', 'add/mul', gen.add_case, op='MUL',
        shape_a=big, shape_b=(1,), const='b')
    add('max_eq_56x56x64', 'max/min', gen.maxmin_case, op='MAXIMUM',
        shape_a=big, shape_b=big)
    add('min_scalar_56x56x64', 'max/min', gen.maxmin_case, op='MINIMUM',
        shape_a=big, shape_b=(1, 1, 1, 1))
    add('prelu_56x56x64', 'prelu', gen.prelu_case, shape=big)
    for op in ('LEAKY_RELU', 'LOGISTIC', 'HARD_SWISH', 'TANH'):
        kw = dict(s_out=0.04, zp_out=7) if op == 'LEAKY_RELU' else {}
        if op == 'HARD_SWISH':
            kw = dict(s_out=0.03, zp_out=-40)
        add('%s_56x56x64' % op.lower(), 'table', gen.lut_case, op=op,
            shape=big, **kw)
    # resize, data movement
    add('resize_bl_x2_align_28x28x64', 'resize', gen.resize_bl_case,
        shape=(1, 28, 28, 64), size=(56, 56), align=True)
    add('resize_bl_x2_hpc_28x28x64', 'resize', gen.resize_bl_case,
        shape=(1, 28, 28, 64), size=(56, 56), hpc=True)
    add('resize_bl_x2_hpc_64x64x8', 'resize', gen.resize_bl_case,
        shape=(1, 64, 64, 8), size=(128, 128), hpc=True)
    # DeepLab v3's logits to the image, int8 (an odd channel count)
    add('resize_bl_65_to_257_x21', 'resize', gen.resize_bl_case,
        shape=(1, 65, 65, 21), size=(257, 257), align=True)
    # uint8: TFLite's float arithmetic (a TF1 segmentation model's output)
    add('u8_resize_bl_x2_hpc_28x28x64', 'resize', gen.resize_bl_case,
        dtype='uint8', shape=(1, 28, 28, 64), size=(56, 56), hpc=True)
    add('u8_resize_bl_65_to_257_x21', 'resize', gen.resize_bl_case,
        dtype='uint8', shape=(1, 65, 65, 21), size=(257, 257), align=True)
    add('resize_nn_x2_28x28x64', 'resize', gen.resize_nn_case,
        shape=(1, 28, 28, 64), size=(56, 56))
    add('pad_hw_56x56x64', 'pad/concat', gen.pad_case, shape=big,
        pads=((0, 0), (1, 1), (1, 1), (0, 0)))
    add('pad_c_28x28x48_to64', 'pad/concat', gen.pad_case,
        shape=(1, 28, 28, 48), pads=((0, 0), (0, 0), (0, 0), (0, 16)))
    add('concat_c_56x56_32_32', 'pad/concat', gen.concat_case,
        shapes=((1, 56, 56, 32), (1, 56, 56, 32)))
    add('concat_c_28x28_24_40_8', 'pad/concat', gen.concat_case,
        shapes=((1, 28, 28, 24), (1, 28, 28, 40), (1, 28, 28, 8)))
    # table ops (activations a model keeps apart from its producer)
    for op in ('LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU'):
        add(op.lower() + '_56x56x64', 'table', gen.lut_case, op=op,
            shape=(1, 56, 56, 64), s_out=0.06, zp_out=-20)
    # data movement and the rest
    add('depth_to_space_56x56x64_b2', 'movement', gen.block_case,
        op='DEPTH_TO_SPACE', shape=(1, 56, 56, 64))
    add('space_to_depth_112x112x16_b2', 'movement', gen.block_case,
        op='SPACE_TO_DEPTH', shape=(1, 112, 112, 16))
    add('transpose_56x56x64_c_first', 'movement', gen.transpose_case,
        shape=(1, 56, 56, 64), perm=(0, 3, 1, 2))
    add('slice_56x56x64_half_c', 'movement', gen.slice_case,
        shape=(1, 56, 56, 64), begin=(0, 0, 0, 0), end=(1, 56, 56, 32),
        strides=(1, 1, 1, 1))
    # YOLOv5's Focus: every other row and column
    add('slice_s2_hw_160x160x16', 'movement', gen.slice_case,
        shape=(1, 160, 160, 16), begin=(0, 1, 0, 0), end=(1, 160, 160, 16),
        strides=(1, 2, 2, 1))
    add('tile_hw_1x1x64_to_28x28', 'movement', gen.tile_case, op='TILE',
        shape=(1, 1, 1, 64), mult=(1, 28, 28, 1))
    add('tile_c2_28x28x32', 'movement', gen.tile_case, op='TILE',
        shape=(1, 28, 28, 32), mult=(1, 1, 1, 2))
    add('sqdiff_56x56x64', 'elementwise', gen.add_case,
        op='SQUARED_DIFFERENCE', shape_a=(1, 56, 56, 64),
        shape_b=(1, 56, 56, 64))
    add('l2norm_56x56x64', 'l2norm', gen.l2norm_case,
        shape=(1, 56, 56, 64))
    add('reduce_max_hw_14x14x576', 'reduce', gen.reduce_max_case,
        shape=(1, 14, 14, 576))
    add('sum_hw_14x14x576', 'reduce', gen.sum_case, shape=(1, 14, 14, 576))
    add('argmax_c_56x56x21', 'reduce', gen.argmax_case,
        shape=(1, 56, 56, 21))
    # pooling, reductions, softmax
    add('avgpool_2x2s2_112x112x32', 'pool', gen.pool_case,
        op='AVERAGE_POOL_2D', h=112, w=112, ch=32, fh=2, fw=2,
        padding='VALID')
    add('avgpool_global_7x7x1024', 'pool', gen.pool_case,
        op='AVERAGE_POOL_2D', h=7, w=7, ch=1024, fh=7, fw=7, stride=(1, 1),
        padding='VALID')
    add('maxpool_2x2s2_112x112x32', 'pool', gen.pool_case, op='MAX_POOL_2D',
        h=112, w=112, ch=32, fh=2, fw=2, padding='VALID')
    add('maxpool_3x3s2_56x56x64', 'pool', gen.pool_case, op='MAX_POOL_2D',
        h=56, w=56, ch=64, fh=3, fw=3)
    add('mean_hw_7x7x1024', 'mean', gen.mean_case, shape=(1, 7, 7, 1024))
    add('mean_hw_14x14x576_nokeep', 'mean', gen.mean_case,
        shape=(1, 14, 14, 576), keep_dims=False)
    add('softmax_1x1000', 'softmax', gen.softmax_case, shape=(1, 1000))
    add('softmax_1x12', 'softmax', gen.softmax_case, shape=(1, 12))
    add('softmax_896x2', 'softmax', gen.softmax_case, shape=(896, 2))
    # TRANSPOSE_CONV
    add('tconv_k3s2_28x28_64_32', 'tconv', gen.tconv_case, h=28, w=28,
        ic=64, oc=32)
    add('tconv_k2s2_32x32_32_16', 'tconv', gen.tconv_case, h=32, w=32,
        ic=32, oc=16, kh=2, kw=2, zp_in=-4, zp_out=6)
    add('tconv_k4s2_16x16_64_32', 'tconv', gen.tconv_case, h=16, w=16,
        ic=64, oc=32, kh=4, kw=4)
    # a segmentation head: few classes out at full size
    add('tconv_k2s2_128x128_16_1', 'tconv', gen.tconv_case, h=128, w=128,
        ic=16, oc=1, kh=2, kw=2)
    # legacy uint8
    u8 = dict(dtype='uint8', zp_in=131, zp_out=120, w_zp=119)
    conv('u8_conv_rgb_224_3x3s2_32', 'uint8 conv', h=224, w=224, ic=3,
         oc=32, stride=(2, 2), **u8)
    conv('u8_conv_pw_28x28_128_128', 'uint8 conv', h=28, w=28, ic=128,
         oc=128, kh=1, kw=1, **u8)
    conv('u8_conv_3x3_28x28_32_32', 'uint8 conv', h=28, w=28, ic=32,
         oc=32, **u8)
    u8d = dict(dtype='uint8', depthwise=True, zp_in=140, zp_out=110,
               w_zp=100)
    conv('u8_dw3_s1_56_c32', 'uint8 dw', h=56, w=56, ic=32, **u8d)
    conv('u8_dw3_s2_112_c64', 'uint8 dw', h=112, w=112, ic=64,
         stride=(2, 2), **u8d)
    conv('u8_dw3_s1_14_c512', 'uint8 dw', h=14, w=14, ic=512, **u8d)
    add('u8_fc_b1_1024_1000', 'uint8 fc', gen.fc_case, dtype='uint8',
        batch=1, ic=1024, oc=1000, zp_in=120, w_zp=130, zp_out=110)
    add('u8_avgpool_global_7x7x1024', 'uint8 pool', gen.pool_case,
        op='AVERAGE_POOL_2D', dtype='uint8', h=7, w=7, ch=1024, fh=7, fw=7,
        stride=(1, 1), padding='VALID', zp=118)
    return L


def main():
    if len(sys.argv) not in (2, 3) or sys.argv[1].startswith('-'):
        # --help, or no OUTDIR: the docstring says how to call this
        asked = sys.argv[1:2] in (['-h'], ['--help'])
        print(__doc__.strip(), file=sys.stdout if asked else sys.stderr)
        sys.exit(0 if asked else 2)
    out = sys.argv[1]
    filt = sys.argv[2] if len(sys.argv) > 2 else ''
    gen.OUTDIR = out
    os.makedirs(out, exist_ok=True)
    lines = []
    for name, cls, fn, kw in cases():
        if filt and filt not in name:
            continue
        c = fn(name, zlib.crc32(name.encode()), **kw)
        lines.append('%s %s %s\n' % (name, c.opname, cls.replace(' ', '_')))
    with open(os.path.join(out, 'cases.txt'), 'w') as f:
        f.write(''.join(lines))
    print('%d cases in %s' % (len(lines), out))


if __name__ == '__main__':
    main()
