# SPDX-License-Identifier: GPL-2.0
"""Minimal FlatBuffers writer for TFLite model files (schema version 3).

Written from the FlatBuffers binary format: a root uoffset, the file
identifier, then tables (soffset to a vtable, inline fields) and vectors
(u32 length, elements). This writer lays objects out front to back: a
table's children follow it, so every uoffset is positive as the format
requires. Every scalar is aligned to its size from the start of the file.
Only what single-op test models need is covered.
"""
import struct


class Table:
    """fields: list of (field_id, kind, value); kind is a struct format
    character for scalars or 'ref' for an offset to a child object."""

    def __init__(self, fields):
        self.fields = [f for f in fields if f[2] is not None]


class Vector:
    """kind: struct format char for scalar elements, or 'ref' (tables)."""

    def __init__(self, kind, items, align=4):
        self.kind = kind
        self.items = list(items)
        self.align = align


class String:
    def __init__(self, s):
        self.data = s.encode()


class _Writer:
    def __init__(self):
        self.buf = bytearray()

    def align(self, n, extra=0):
        while (len(self.buf) + extra) % n:
            self.buf.append(0)

    def patch_uoffset(self, at, target):
        struct.pack_into('<I', self.buf, at, target - at)

    def obj(self, o):
        """Write o (and its children); return its position."""
        if isinstance(o, String):
            self.align(4)
            pos = len(self.buf)
            self.buf += struct.pack('<I', len(o.data)) + o.data + b'\0'
            return pos
        if isinstance(o, Vector):
            if o.kind == 'ref':
                self.align(4)
                pos = len(self.buf)
                self.buf += struct.pack('<I', len(o.items))
                slots = []
                for _ in o.items:
                    slots.append(len(self.buf))
                    self.buf += b'\0\0\0\0'
                for at, child in zip(slots, o.items):
                    self.patch_uoffset(at, self.obj(child))
                return pos
            esize = struct.calcsize('<' + o.kind)
            self.align(max(o.align, esize, 4), 4)
            pos = len(self.buf)
            self.buf += struct.pack('<I', len(o.items))
            if o.kind == 'B' and isinstance(o.items, (bytes, bytearray)):
                self.buf += o.items
            else:
                self.buf += struct.pack('<%d%s' % (len(o.items), o.kind),
                                        *o.items)
            return pos
        return self.table(o)

    def table(self, t):
        # Inline layout: soffset, then fields sorted by size (largest first)
        # so each is naturally aligned when the table starts 8-aligned.
        def size(f):
            return 4 if f[1] == 'ref' else struct.calcsize('<' + f[1])
        fields = sorted(t.fields, key=lambda f: -size(f))
        nslots = (max(f[0] for f in t.fields) + 1) if t.fields else 0
        layout = []
        off = 4
        for f in fields:
            s = size(f)
            while off % s:
                off += 1
            layout.append((f, off))
            off += s
        tsize = off
        vt = [0] * nslots
        for f, o in layout:
            vt[f[0]] = o
        vtable = struct.pack('<HH', 4 + 2 * nslots, tsize) + \
            struct.pack('<%dH' % nslots, *vt)
        self.align(2)
        vpos = len(self.buf)
        self.buf += vtable
        self.align(8)
        tpos = len(self.buf)
        self.buf += bytes(tsize)
        struct.pack_into('<i', self.buf, tpos, tpos - vpos)
        children = []
        for f, o in layout:
            if f[1] == 'ref':
                children.append((tpos + o, f[2]))
            else:
                struct.pack_into('<' + f[1], self.buf, tpos + o, f[2])
        for at, child in children:
            self.patch_uoffset(at, self.obj(child))
        return tpos


def serialize(root, ident=b'TFL3'):
    w = _Writer()
    w.buf += bytes(8)
    w.buf[4:8] = ident
    w.patch_uoffset(0, w.table(root))
    w.align(16)
    return bytes(w.buf)


# TFLite enums used by the generator.
TT_FLOAT32, TT_INT32, TT_UINT8, TT_INT64, TT_INT8, TT_INT16 = 0, 2, 3, 4, 9, 7
ACT = {'NONE': 0, 'RELU': 1, 'RELU_N1_TO_1': 2, 'RELU6': 3}
PAD_SAME, PAD_VALID = 0, 1


def model(opcode, opts_type, opts, tensors, op_inputs, op_outputs,
          graph_inputs, graph_outputs, versions=None):
    """One-op model (model_ops() with one op)."""
    return model_ops([(opcode, opts_type, opts, op_inputs, op_outputs)],
                     tensors, graph_inputs, graph_outputs, versions)


def model_ops(ops, tensors, graph_inputs, graph_outputs, versions=None):
    """A model of ops in order, each (opcode, opts_type, opts, inputs, outputs).

    tensors: list of dicts with shape, type, data (bytes or None),
    scale (list), zero_point (list), qdim, and optionally name (default
    't<index>') and sparsity (a SparsityParameters Table). versions:
    operator code -> op version (default 1).
    """
    buffers = [Table([])]
    ttables = []
    for i, t in enumerate(tensors):
        buf = 0
        if t.get('data') is not None:
            buffers.append(Table([(0, 'ref', Vector('B', t['data'],
                                                    align=16))]))
            buf = len(buffers) - 1
        q = None
        if t.get('scale') is not None:
            q = Table([
                (2, 'ref', Vector('f', t['scale'])),
                (3, 'ref', Vector('q', t['zero_point'])),
                (6, 'i', t.get('qdim', 0)),
            ])
        ttables.append(Table([
            (0, 'ref', Vector('i', t['shape'])),
            (1, 'b', t['type']),
            (2, 'I', buf),
            (3, 'ref', String(t.get('name', 't%d' % i))),
            (4, 'ref', q),
            (6, 'ref', t.get('sparsity')),
        ]))
    codes = sorted(set(o[0] for o in ops))
    optables = [Table([
        (0, 'I', codes.index(opcode)),
        (1, 'ref', Vector('i', op_inputs)),
        (2, 'ref', Vector('i', op_outputs)),
        (3, 'B', opts_type),
        (4, 'ref', Table(opts) if opts_type else None),
    ]) for opcode, opts_type, opts, op_inputs, op_outputs in ops]
    subgraph = Table([
        (0, 'ref', Vector('ref', ttables)),
        (1, 'ref', Vector('i', graph_inputs)),
        (2, 'ref', Vector('i', graph_outputs)),
        (3, 'ref', Vector('ref', optables)),
        (4, 'ref', String('main')),
    ])
    opcodes = [Table([
        (0, 'b', min(opcode, 127)),
        (2, 'i', (versions or {}).get(opcode, 1)),
        (3, 'i', opcode),
    ]) for opcode in codes]
    root = Table([
        (0, 'I', 3),
        (1, 'ref', Vector('ref', opcodes)),
        (2, 'ref', Vector('ref', [subgraph])),
        (3, 'ref', String('edgeai golden case')),
        (4, 'ref', Vector('ref', buffers)),
    ])
    return serialize(root)
