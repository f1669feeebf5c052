# SPDX-License-Identifier: GPL-2.0
"""Minimal FlatBuffers writer for TFLite model files (schema version 3).

Written from the FlatBuffers binary format: a root uoffset, the file
identifier, then tables (soffset to a vtable, inline fields) and vectors
(u32 length, elements). This writer lays objects out front to back: a
table's children follow it, so every uoffset is positive as the format
requires. Every scalar is aligned to its size from the start of the file.
Only what single-op test models need is covered, and flexbuffer_map()
for the FlexBuffer map a custom op's options are.
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


def flexbuffer_map(items, width=4):
    """A FlexBuffer whose root is a map of numbers (a custom op's options).

    items: dict of key -> int, float or bool, written inline in width
    bytes each (4: floats as binary32, 8: binary64). Written from the
    FlexBuffers format: keys as NUL-terminated strings, the keys vector
    (length, then offsets back to each key), the map (offset back to the
    keys vector, the keys' width, the length, the values, one packed type
    byte per value), then the root: an offset back to the map's values,
    the map's packed type and the root's width. Offsets count back from
    where they are stored; keys are sorted, as readers search them.
    """
    log2 = {1: 0, 2: 1, 4: 2, 8: 3}[width]
    unsigned = {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}[width]
    signed = unsigned.lower()
    keys = sorted(items)
    buf = bytearray()

    def align():
        while len(buf) % width:
            buf.append(0)

    at = []
    for k in keys:
        at.append(len(buf))
        buf.extend(k.encode() + b'\0')
    align()
    buf.extend(struct.pack('<' + unsigned, len(keys)))
    kvec = len(buf)
    for a in at:
        buf.extend(struct.pack('<' + unsigned, len(buf) - a))
    align()
    buf.extend(struct.pack('<' + unsigned, len(buf) - kvec))
    buf.extend(struct.pack('<' + unsigned, width))
    buf.extend(struct.pack('<' + unsigned, len(keys)))
    values = len(buf)
    types = []
    for k in keys:
        v = items[k]
        if isinstance(v, bool):
            buf.extend(struct.pack('<' + unsigned, int(v)))
            types.append(26 << 2 | log2)
        elif isinstance(v, int):
            buf.extend(struct.pack('<' + signed, v))
            types.append(1 << 2 | log2)
        else:
            buf.extend(struct.pack('<' + ('f' if width == 4 else 'd'), v))
            types.append(3 << 2 | log2)
    buf.extend(bytes(types))
    align()
    buf.extend(struct.pack('<' + unsigned, len(buf) - values))
    buf.extend(bytes([9 << 2 | log2, width]))
    return bytes(buf)


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
    """A model of ops in order, each (opcode, opts_type, opts, inputs, outputs),
    or for a custom op (name, 0, None, inputs, outputs, options bytes).

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
    # an opcode that is a string names a custom op; its options (bytes)
    # are the op's sixth element
    codes = sorted(set(o[0] for o in ops), key=lambda c: (isinstance(c, str), c))
    optables = [Table([
        (0, 'I', codes.index(op[0])),
        (1, 'ref', Vector('i', op[3])),
        (2, 'ref', Vector('i', op[4])),
        (3, 'B', op[1]),
        (4, 'ref', Table(op[2]) if op[1] else None),
        (5, 'ref', Vector('B', op[5]) if len(op) > 5 else None),
    ]) for op in ops]
    subgraph = Table([
        (0, 'ref', Vector('ref', ttables)),
        (1, 'ref', Vector('i', graph_inputs)),
        (2, 'ref', Vector('i', graph_outputs)),
        (3, 'ref', Vector('ref', optables)),
        (4, 'ref', String('main')),
    ])
    opcodes = [Table([
        (0, 'b', 32 if isinstance(opcode, str) else min(opcode, 127)),
        (1, 'ref', String(opcode) if isinstance(opcode, str) else None),
        (2, 'i', (versions or {}).get(opcode, 1)),
        (3, 'i', 32 if isinstance(opcode, str) else opcode),
    ]) for opcode in codes]
    root = Table([
        (0, 'I', 3),
        (1, 'ref', Vector('ref', opcodes)),
        (2, 'ref', Vector('ref', [subgraph])),
        (3, 'ref', String('edgeai golden case')),
        (4, 'ref', Vector('ref', buffers)),
    ])
    return serialize(root)
