#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write seeded random bytes for the inputs of a model.

    tests/models/random_input.py INSPECT.json SEED OUT.bin [OUT1.bin ...]

OUT.bin gets the first input, each further OUT the next input, all from
one seeded stream.

INSPECT.json is `edgeaictl inspect --json MODEL`; the input's shape and
type say how much: random bytes for an 8-bit input, float32 values
uniform in [-1.2, 1.2] for a float one (--io=float models). The same
seed writes the same bytes.
"""
import json
import random
import struct
import sys


def main():
    inputs = json.load(open(sys.argv[1]))['inputs']
    r = random.Random(int(sys.argv[2]))
    for t, path in zip(inputs, sys.argv[3:]):
        n = 1
        for s in t['shape']:
            n *= s
        if t['type'] == 'float32':
            data = struct.pack('<%df' % n, *(r.uniform(-1.2, 1.2) for _ in range(n)))
        else:
            data = bytes(r.randrange(256) for _ in range(n))
        with open(path, 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
