#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write npu_d2s_between.tflite: DEPTH_TO_SPACE and SPACE_TO_DEPTH between convolutions.

CONV_2D 3x3 (3 -> 16 channels, RELU) on [1, 16, 16, 3], DEPTH_TO_SPACE
(block 2) to [1, 32, 32, 4], CONV_2D 1x1 (4 -> 8), SPACE_TO_DEPTH
(block 2) to [1, 16, 16, 32], CONV_2D 1x1 (32 -> 4). The NPU's op set
has neither block op (only the DSP takes them, firmware/README.md), but
between two ops the compiler lowers them to RESHAPE, TRANSPOSE, RESHAPE,
which the NPU takes: `--device auto` runs the model as one NPU job, where
the ops whole would make five jobs (NPU, DSP, NPU, DSP, NPU). The block
ops of face_detection_full_range_sparse and pose_detection sit like
these. Weights are seeded, so the file is the same on every run.

    tests/models/npu_d2s_between.py OUT.tflite
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

CONV_2D, DEPTH_TO_SPACE, SPACE_TO_DEPTH = 3, 5, 26
OPT_CONV2D, OPT_DEPTH_TO_SPACE, OPT_SPACE_TO_DEPTH = 1, 94, 19


def floats(values):
    return struct.pack('<%df' % len(values), *values)


def conv_tensors(r, oc, kh, ic):
    w = [r.uniform(-0.5, 0.5) for _ in range(oc * kh * kh * ic)]
    b = [r.uniform(-0.2, 0.2) for _ in range(oc)]
    f32 = tw.TT_FLOAT32
    return [{'shape': [oc, kh, kh, ic], 'type': f32, 'data': floats(w)},
            {'shape': [oc], 'type': f32, 'data': floats(b)}]


def conv_opts(act):
    return [(0, 'b', tw.PAD_SAME), (1, 'i', 1), (2, 'i', 1),
            (3, 'b', tw.ACT[act]), (4, 'i', 1), (5, 'i', 1)]


def main():
    r = random.Random(28)
    f32 = tw.TT_FLOAT32
    tensors = [{'shape': [1, 16, 16, 3], 'type': f32}]              # 0 x
    tensors += conv_tensors(r, 16, 3, 3)                            # 1, 2
    tensors += [{'shape': [1, 16, 16, 16], 'type': f32},            # 3
                {'shape': [1, 32, 32, 4], 'type': f32}]             # 4
    tensors += conv_tensors(r, 8, 1, 4)                             # 5, 6
    tensors += [{'shape': [1, 32, 32, 8], 'type': f32},             # 7
                {'shape': [1, 16, 16, 32], 'type': f32}]            # 8
    tensors += conv_tensors(r, 4, 1, 32)                            # 9, 10
    tensors += [{'shape': [1, 16, 16, 4], 'type': f32}]             # 11 y
    ops = [(CONV_2D, OPT_CONV2D, conv_opts('RELU'), [0, 1, 2], [3]),
           (DEPTH_TO_SPACE, OPT_DEPTH_TO_SPACE, [(0, 'i', 2)], [3], [4]),
           (CONV_2D, OPT_CONV2D, conv_opts('NONE'), [4, 5, 6], [7]),
           (SPACE_TO_DEPTH, OPT_SPACE_TO_DEPTH, [(0, 'i', 2)], [7], [8]),
           (CONV_2D, OPT_CONV2D, conv_opts('NONE'), [8, 9, 10], [11])]
    with open(sys.argv[1], 'wb') as f:
        f.write(tw.model_ops(ops, tensors, [0], [11]))


if __name__ == '__main__':
    main()
