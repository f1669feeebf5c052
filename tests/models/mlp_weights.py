#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write mlp_weights.tflite: a model whose device time is its weights.

Three FULLY_CONNECTED layers, [1, 2048] -> 2048 (RELU) -> 2048 (RELU)
-> 1024: 10.5 M weights (10 MiB int8) for 10.5 M MACs, the shape of a
classifier's or a recommender's dense head. Each inference reads every
weight once and does one MAC per weight byte, so by the simulator's
timing model (firmware/README.md) its device time is the weight traffic,
which a batch reads once for all its jobs: the kind of program dynamic
batching is for (tests/bench/bench-batch.sh). The corpus's detectors
are the other kind: their time is activations and MACs, which every job
of a batch pays again. Weights are seeded, so the file is the same on
every run.

    tests/models/mlp_weights.py OUT.tflite
"""
import array
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

FULLY_CONNECTED, OPT_FC = 9, 8
WIDTHS = [2048, 2048, 2048, 1024]


def floats(n, r, scale):
    # a small LCG seeded from r: 10 M values in seconds, the same every run
    x = r.getrandbits(32) | 1
    a = array.array('f', bytes(4 * n))
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        a[i] = (x / 0x7fffffff * 2.0 - 1.0) * scale
    return a.tobytes()


def main():
    r = random.Random(31)
    f32 = tw.TT_FLOAT32
    tensors = [{'shape': [1, WIDTHS[0]], 'type': f32}]
    ops = []
    for k in range(len(WIDTHS) - 1):
        i, o = WIDTHS[k], WIDTHS[k + 1]
        x = len(tensors) - 1
        tensors.append({'shape': [o, i], 'type': f32,
                        'data': floats(o * i, r, 1.0 / i ** 0.5)})
        tensors.append({'shape': [o], 'type': f32, 'data': floats(o, r, 0.1)})
        tensors.append({'shape': [1, o], 'type': f32})
        act = 'RELU' if k + 2 < len(WIDTHS) else 'NONE'
        ops.append((FULLY_CONNECTED, OPT_FC, [(0, 'b', tw.ACT[act])],
                    [x, x + 1, x + 2], [x + 3]))
    with open(sys.argv[1], 'wb') as f:
        f.write(tw.model_ops(ops, tensors, [0], [len(tensors) - 1]))


if __name__ == '__main__':
    main()
