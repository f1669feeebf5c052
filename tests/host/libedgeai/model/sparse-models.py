# SPDX-License-Identifier: GPL-2.0
"""Sparse-weight test models for test-tflite.c, written with
tests/oracle/tflite_writer.py.

    sparse-models.py OUTDIR

Each good case is a float model whose weights are a sparse constant (TFLite
SparsityParameters) densified by DENSIFY, as the TFLite converter writes
them, in NAME.tflite, and the same model with the weights dense (no
DENSIFY) in NAME.dense.tflite. The sparse encoding is made here, from the
dense weights, by the format's definition (see libedgeai/src/model/sparse.c):
the levels in traversal order, a SPARSE_CSR level keeping the coordinates
below which some value is non-zero. Each bad case, NAME.tflite, is a good
one with one part of its metadata (or values) broken. OUTDIR/manifest
lists them, a line each: "good NAME" or "bad NAME MESSAGE", MESSAGE being
what the reader's error must contain.
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

T_F32, T_F16 = 0, 1
CONV_2D, DEQUANTIZE, FULLY_CONNECTED, DENSIFY = 3, 6, 9, 124
OPT_CONV2D, OPT_FC = 1, 8
DENSE, CSR = 0, 1
SIV = {'i': 1, 'H': 2, 'B': 3}      # SparseIndexVector union types


def encode(dense, shape, order, block_map, block, fmts):
    """The levels of the sparse form of @dense: (sizes, segments, indices, values)."""
    n, k = len(shape), len(block_map)
    blocked = list(shape)
    for b, d in enumerate(block_map):
        blocked[d] //= block[b]
    sizes = [blocked[d] if d < n else block[d - n] for d in order]
    segs = [[0] for _ in order]
    idxs = [[] for _ in order]
    vals = []

    def flat(coord):
        orig = [0] * n
        for lv in range(n):
            orig[order[lv]] = coord[lv]
        for lv in range(n, n + k):
            b = order[lv] - n
            orig[block_map[b]] = orig[block_map[b]] * block[b] + coord[lv]
        f = 0
        for d in range(n):
            f = f * shape[d] + orig[d]
        return f

    def nonzero(lv, coord):
        if lv == n + k:
            return dense[flat(coord)] != 0
        return any(nonzero(lv + 1, coord + [i]) for i in range(sizes[lv]))

    def emit(lv, coord):
        if lv == n + k:
            vals.append(dense[flat(coord)])
            return
        for i in range(sizes[lv]):
            if fmts[lv] == CSR:
                if not nonzero(lv + 1, coord + [i]):
                    continue
                idxs[lv].append(i)
            emit(lv + 1, coord + [i])
        if fmts[lv] == CSR:
            segs[lv].append(len(idxs[lv]))

    emit(0, [])
    return sizes, segs, idxs, vals


def index_vector(kind, items):
    return tw.Table([(0, 'ref', tw.Vector(kind, items))])


def sparsity(order, block_map, levels):
    """levels: per level, a dict: format, dense_size or segments/indices
    (each (kind, items), kind one of SIV, or a raw (union type, Table))."""
    metas = []
    for lv in levels:
        f = [(0, 'b', lv['format'])]
        if 'dense_size' in lv:
            f.append((1, 'i', lv['dense_size']))
        for fid, key in ((2, 'segments'), (4, 'indices')):
            if key not in lv:
                continue
            kind, items = lv[key]
            if kind in SIV:
                f += [(fid, 'B', SIV[kind]), (fid + 1, 'ref', index_vector(kind, items))]
            else:
                f += [(fid, 'B', kind), (fid + 1, 'ref', items)]
        metas.append(tw.Table(f))
    fields = [(0, 'ref', tw.Vector('i', order))]
    if block_map:
        fields.append((1, 'ref', tw.Vector('i', block_map)))
    fields.append((2, 'ref', tw.Vector('ref', metas)))
    return tw.Table(fields)


def levels_of(fmts, sizes, segs, idxs, seg_kind, idx_kind):
    out = []
    for lv, f in enumerate(fmts):
        if f == DENSE:
            out.append({'format': DENSE, 'dense_size': sizes[lv]})
        else:
            out.append({'format': CSR, 'segments': (seg_kind, segs[lv]),
                        'indices': (idx_kind, idxs[lv])})
    return out


def pack(vals, wtype):
    return struct.pack('<%d%s' % (len(vals), 'e' if wtype == T_F16 else 'f'), *vals)


class Case:
    """A one-op float model (CONV_2D 'VALID' or FULLY_CONNECTED) whose
    weights @shape are a sparse constant."""

    def __init__(self, name, op, shape, wtype, order, block_map, block, fmts,
                 seg_kind='B', idx_kind='B', seed=1, density=0.4):
        r = random.Random(seed)
        self.name, self.op, self.shape, self.wtype = name, op, shape, wtype
        self.order, self.block_map = order, block_map
        n = 1
        for s in shape:
            n *= s
        # fp16-exact values, about @density of them non-zero, in clusters
        self.dense = [0.0] * n
        for i in range(n):
            if r.random() < density:
                self.dense[i] = r.randint(-64, 64) / 32.0 or 0.5
        self.sizes, self.segs, self.idxs, self.vals = encode(
            self.dense, shape, order, block_map, block, fmts)
        self.levels = levels_of(fmts, self.sizes, self.segs, self.idxs, seg_kind, idx_kind)

    def model(self, sparse=True, levels=None, order=None, block_map=None, vals=None,
              no_data=False, sparse_shape=None):
        shape, wt = self.shape, self.wtype
        if self.op == CONV_2D:
            o, kh, kw, ci = shape
            x = [1, kh + 2, kw + 1, ci]
            y = [1, 3, 2, o]
        else:
            o, ci = shape
            x, y = [1, ci], [1, o]
        bias = struct.pack('<%df' % shape[0], *[0.125 * (i % 5) - 0.25 for i in range(shape[0])])
        t = [{'name': 'x', 'shape': x, 'type': T_F32},
             {'name': 'bias', 'shape': [shape[0]], 'type': T_F32, 'data': bias},
             {'name': 'y', 'shape': y, 'type': T_F32}]
        ops = []
        # w: what the op reads; float32 (DEQUANTIZE of fp16) either way
        if wt == T_F16:
            t.append({'name': 'w/fp16', 'shape': shape, 'type': T_F16})
            t.append({'name': 'w', 'shape': shape, 'type': T_F32})
            dense_name = 'w/fp16'
        else:
            t.append({'name': 'w', 'shape': shape, 'type': T_F32})
            dense_name = 'w'
        ix = {d['name']: i for i, d in enumerate(t)}
        if sparse:
            sp = sparsity(self.order if order is None else order,
                          self.block_map if block_map is None else block_map,
                          self.levels if levels is None else levels)
            data = None if no_data else pack(self.vals if vals is None else vals, wt)
            t.append({'name': 'w/sparse', 'shape': sparse_shape or shape, 'type': wt,
                      'data': data, 'sparsity': sp})
            ops.append((DENSIFY, 0, [], [len(t) - 1], [ix[dense_name]]))
        else:
            t[ix[dense_name]]['data'] = pack(self.dense, wt)
        if wt == T_F16:
            ops.append((DEQUANTIZE, 0, [], [ix['w/fp16']], [ix['w']]))
        if self.op == CONV_2D:
            opts = [(0, 'b', tw.PAD_VALID), (1, 'i', 1), (2, 'i', 1)]
            ops.append((CONV_2D, OPT_CONV2D, opts, [0, ix['w'], 1], [2]))
        else:
            ops.append((FULLY_CONNECTED, OPT_FC, [(0, 'b', 0)], [0, ix['w'], 1], [2]))
        return tw.model_ops(ops, t, [0], [2])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    manifest = []

    def good(c):
        open(os.path.join(out, c.name + '.tflite'), 'wb').write(c.model())
        open(os.path.join(out, c.name + '.dense.tflite'), 'wb').write(c.model(sparse=False))
        manifest.append('good ' + c.name)

    def bad(name, data, msg):
        open(os.path.join(out, name + '.tflite'), 'wb').write(data)
        manifest.append('bad %s %s' % (name, msg))

    # MediaPipe's layout: 1x1 conv weights [O,1,1,I] fp16, DENSE x3 then CSR on I
    mp = Case('csr-mediapipe', CONV_2D, [8, 1, 1, 6], T_F16, [0, 1, 2, 3], [], [],
              [DENSE, DENSE, DENSE, CSR], 'H', 'B', seed=1)
    good(mp)
    # two CSR levels under dense ones, int32 segments, uint16 indices
    two = Case('csr-two-levels', CONV_2D, [4, 3, 3, 5], T_F16, [0, 1, 2, 3], [], [],
               [DENSE, CSR, DENSE, CSR], 'i', 'H', seed=2, density=0.3)
    good(two)
    # column-major traversal, CSR outermost, float32 FULLY_CONNECTED weights
    good(Case('csr-column-major', FULLY_CONNECTED, [6, 8], T_F32, [1, 0], [], [],
              [CSR, DENSE], 'B', 'i', seed=3))
    # block-sparse: 2x4 blocks of a [4,8] matrix, blocks in CSR
    blk = Case('block-2x4', FULLY_CONNECTED, [4, 8], T_F32, [0, 1, 2, 3], [0, 1], [2, 4],
               [DENSE, CSR, DENSE, DENSE], 'B', 'B', seed=4, density=0.25)
    good(blk)
    # block-sparse with the dimensions and the blocks traversed column-major, fp16
    good(Case('block-transposed', FULLY_CONNECTED, [6, 4], T_F16, [1, 0, 3, 2], [0, 1], [3, 2],
              [DENSE, CSR, DENSE, DENSE], 'H', 'H', seed=5, density=0.3))
    # a 1x16 block on the inner dimension only (TFLite's sparse FULLY_CONNECTED layout)
    good(Case('block-1x16', FULLY_CONNECTED, [3, 32], T_F32, [0, 1, 2], [1], [16],
              [DENSE, CSR, DENSE], 'B', 'B', seed=6, density=0.2))

    def lv(case, i, **kw):
        levels = [dict(x) for x in case.levels]
        levels[i].update(kw)
        return levels

    m = mp
    csr = mp.levels[3]
    seg, idx = csr['segments'][1], csr['indices'][1]
    bad('bad-order-repeat', m.model(order=[0, 0, 2, 3]),
        "bad sparsity: tensor 5 ('w/sparse') traversal_order[1] = 0 is not a permutation "
        "of the original dimensions 0..3")
    bad('bad-order-short', m.model(order=[0, 1, 2], levels=mp.levels[:3]),
        "of rank 4 has a traversal order of 3 dimensions and 0 block dimensions")
    bad('bad-order-range', m.model(order=[0, 1, 2, 9]),
        "traversal_order[3] = 9 is not a permutation")
    bad('bad-dim-count', m.model(levels=mp.levels[:3]),
        "has 3 dimension metadata entries for a traversal order of 4")
    bad('bad-dense-size', m.model(levels=lv(mp, 0, dense_size=9)),
        "dense level 0 has size 9, dimension 0 is 8")
    bad('bad-format', m.model(levels=lv(mp, 1, format=2)), "level 1 has unknown format 2")
    bad('bad-index-range', m.model(levels=lv(mp, 3, indices=('B', [6] + idx[1:]))),
        "array_indices[0] = 6 is outside dimension 3 (6)")
    # a repeated index in the first segment with two
    p = next(p for p in range(len(seg) - 1) if seg[p + 1] - seg[p] >= 2)
    rep = list(idx)
    rep[seg[p] + 1] = rep[seg[p]]
    bad('bad-index-order', m.model(levels=lv(mp, 3, indices=('B', rep))),
        "array_indices[%d] = %d does not increase within its segment" % (seg[p] + 1, rep[seg[p]]))
    bad('bad-segments-count', m.model(levels=lv(mp, 3, segments=('H', seg[:-1]))),
        "sparse level 3 has 8 array_segments, want 9")
    bad('bad-segments-start', m.model(levels=lv(mp, 3, segments=('H', [1] + seg[1:]))),
        "array_segments run from 1 to %d, want 0 to %d" % (seg[-1], len(idx)))
    bad('bad-segments-end', m.model(levels=lv(mp, 3, segments=('H', seg[:-1] + [seg[-1] + 1]))),
        "array_segments run from 0 to %d, want 0 to %d" % (seg[-1] + 1, len(idx)))
    # a segment bound below the one before (the first non-zero one, less one)
    q = next(q for q in range(1, len(seg) - 1) if seg[q] > 0)
    dec = list(seg)
    dec[q + 1] = seg[q] - 1
    bad('bad-segments-decrease', m.model(levels=lv(mp, 3, segments=('H', dec))),
        "array_segments[%d] = %d is below the one before (%d)" % (q + 1, dec[q + 1], dec[q]))
    past = list(seg)
    past[1] = len(idx) + 50      # a segment past the indices, the last bound still right
    bad('bad-segments-past', m.model(levels=lv(mp, 3, segments=('H', past))),
        "array_segments[1] = %d is past the %d array_indices" % (len(idx) + 50, len(idx)))
    bad('bad-segments-missing', m.model(levels=[dict(x) for x in mp.levels[:3]] +
                                        [{'format': CSR, 'indices': ('B', idx)}]),
        "sparse level 3 has 0 array_segments, want 9")
    bad('bad-negative-index', m.model(levels=lv(mp, 3, indices=('i', [-1] + idx[1:]))),
        "bad sparsity: tensor 5 ('w/sparse') level 3: array_indices[0] is -1")
    bad('bad-union-type', m.model(levels=lv(mp, 3, indices=(7, index_vector('B', idx)))),
        "level 3 has array_indices of union type 7")
    bad('bad-values-short', m.model(vals=mp.vals[:-1]),
        "stores %d bytes of values, its sparsity metadata places %d values of 2 bytes" %
        (2 * (len(mp.vals) - 1), len(mp.vals)))
    bad('bad-values-long', m.model(vals=mp.vals + [1.0]),
        "stores %d bytes of values" % (2 * (len(mp.vals) + 1)))
    bad('bad-no-data', m.model(no_data=True),
        "bad sparsity: tensor 5 ('w/sparse') is sparse but has no constant data")
    bad('bad-shape-negative', m.model(sparse_shape=[-8, 1, 1, 6]),
        "bad dimensions: sparse tensor 5 ('w/sparse') dimension 0 is -8")
    # 8192 dense elements from 16 stored values: over 256 per value
    thin = Case('thin', FULLY_CONNECTED, [4096, 2], T_F32, [0, 1], [], [], [DENSE, CSR],
                'i', 'B', seed=7, density=0)
    for i in range(16):
        thin.dense[i * 512] = 1.0
    thin.sizes, thin.segs, thin.idxs, thin.vals = encode(thin.dense, thin.shape, [0, 1], [], [],
                                                         [DENSE, CSR])
    thin.levels = levels_of([DENSE, CSR], thin.sizes, thin.segs, thin.idxs, 'i', 'B')
    bad('bad-too-sparse', thin.model(),
        "huge: sparse tensor 4 ('w/sparse') of 8192 elements stores 16 values "
        "(at most 256 elements per value)")
    b = blk
    bad('bad-block-divide', b.model(levels=lv(blk, 3, dense_size=3)),
        "block size 3 does not divide dimension 1 (8)")
    bad('bad-block-map', b.model(block_map=[1, 0]),
        "block_map[1] = 0 is not a dimension below 2 in increasing order")
    bad('bad-block-order', b.model(order=[0, 2, 1, 3]),
        "traversal_order[1] = 2 is not a permutation of the original dimensions 0..1")
    bad('bad-block-sparse', b.model(levels=lv(blk, 3, format=CSR, segments=('B', [0]),
                                              indices=('B', []))),
        "block dimension 3 is not dense")
    bad('bad-block-count', b.model(block_map=[0, 1, 1]),
        "of rank 2 has a traversal order of 4 dimensions and 3 block dimensions")
    open(os.path.join(out, 'manifest'), 'w').write('\n'.join(manifest) + '\n')


if __name__ == '__main__':
    main()
