#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write npu_dsp_chain.tflite: a small float model made to run on two devices.

CONV_2D 3x3 (3 -> 16 channels, bias, RELU) on [1, 16, 16, 3], then
DEPTH_TO_SPACE (block 2) to [1, 32, 32, 4]. The NPU takes the
convolution and not DEPTH_TO_SPACE, which only the DSP takes
(firmware/README.md), so `--device auto` runs it as an NPU job chained
to a DSP job on one arena: the path no real model of the corpus takes.
Weights are seeded, so the file is the same on every run.

    tests/models/npu_dsp_chain.py OUT.tflite
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

CONV_2D, DEPTH_TO_SPACE = 3, 5
OPT_CONV2D, OPT_DEPTH_TO_SPACE = 1, 94


def floats(values):
    return struct.pack('<%df' % len(values), *values)


def main():
    r = random.Random(14)
    f32 = tw.TT_FLOAT32
    w = [r.uniform(-0.5, 0.5) for _ in range(16 * 3 * 3 * 3)]
    b = [r.uniform(-0.2, 0.2) for _ in range(16)]
    tensors = [
        {'shape': [1, 16, 16, 3], 'type': f32},
        {'shape': [16, 3, 3, 3], 'type': f32, 'data': floats(w)},
        {'shape': [16], 'type': f32, 'data': floats(b)},
        {'shape': [1, 16, 16, 16], 'type': f32},
        {'shape': [1, 32, 32, 4], 'type': f32},
    ]
    conv_opts = [(0, 'b', tw.PAD_SAME), (1, 'i', 1), (2, 'i', 1),
                 (3, 'b', tw.ACT['RELU']), (4, 'i', 1), (5, 'i', 1)]
    ops = [(CONV_2D, OPT_CONV2D, conv_opts, [0, 1, 2], [3]),
           (DEPTH_TO_SPACE, OPT_DEPTH_TO_SPACE, [(0, 'i', 2)], [3], [4])]
    with open(sys.argv[1], 'wb') as f:
        f.write(tw.model_ops(ops, tensors, [0], [4]))


if __name__ == '__main__':
    main()
