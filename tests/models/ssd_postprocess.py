#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write an 8-bit SSD tail that ends in TFLite_Detection_PostProcess.

SSD and EfficientDet exports end in this custom op: the network's box
encodings and class scores go in, with a constant anchor per box, and
float32 detections come out (boxes, classes, scores and their count),
decoded and picked by non-maximum suppression. The graph here is the
tail of such a detector, already quantized (as TFLite's converter
writes it):

    input 0 raw box encodings [1, 4 * boxes] -> RESHAPE [1, boxes, 4]
    input 1 class logits [1, boxes, classes] -> LOGISTIC (scores)
    TFLite_Detection_PostProcess(box encodings, scores, anchors)
        -> boxes [1, N, 4], classes [1, N], scores [1, N], count [1]

Anchors lie on a 10 x 10 grid (22 x 22 for coco), four per cell (two sizes, two aspect
ratios), as SSD's anchor generator makes them. The variant names the
rest:

    uint8            uint8 tensors and anchors, the op's inputs uint8 (the
                     TF Object Detection API's quantized export); its
                     options (10 detections, threshold 0.3, IoU 0.6,
                     scales 10 10 5 5, one background class, 6 classes)
    int8             int8 tensors, the op's inputs float32 through
                     DEQUANTIZE ops, float32 anchors (the converter's
                     int8 form: TFLite 2.9's op takes uint8 or float32)
    nobg             int8, no background class (EfficientDet's form), 20
                     detections, IoU 0.5
    few              uint8, 40 detections and a score threshold few boxes
                     reach: fewer detections than max_detections
    none             uint8, a score threshold no box reaches
    wide             uint8, the options as a FlexBuffer of 8-byte values
    multi            int8, one class, max_classes_per_detection 3
    alone            uint8, the op alone: the inputs are its box encodings
                     and class scores (the program has no operator)
    regular          uint8, use_regular_nms (a suppression per class)
    regular_int8     int8, use_regular_nms, no background class, 20
                     detections, at most 3 per class
    coco             uint8, the size of an SSD MobileNet for COCO: 1936
                     anchors (a 22 x 22 grid), 90 classes and a background
    float            float32 throughout (a float export, for `edgeaictl
                     quantize`: it keeps the op float32, as TFLite's
                     converter does)
  refused (TFLite fails them, or the library does not run them):
    int8_direct      int8 inputs straight into the op
    float_anchors    uint8 encodings with float32 anchors (TFLite reads
                     the floats' bytes as uint8)
    noscale          uint8, no y_scale in the options

    tests/models/ssd_postprocess.py VARIANT OUT.tflite
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'oracle'))
import tflite_writer as tw  # noqa: E402

RESHAPE, LOGISTIC, DEQUANTIZE = 22, 14, 6
OPT_RESHAPE = 17
PER_CELL = 4


def anchors(grid):
    out = []
    for i in range(grid):
        for j in range(grid):
            for size in (0.15, 0.3):
                for ratio in (1.0, 2.0):
                    h, w = size / ratio ** 0.5, size * ratio ** 0.5
                    out += [(i + 0.5) / grid, (j + 0.5) / grid, h, w]
    return out


def quantize(values, ttype):
    """values to 8 bits over [0, max]: (bytes, scale, zero point)."""
    scale = max(values) / 255
    zp = -128 if ttype == tw.TT_INT8 else 0
    q = [max(-128 if zp else 0, min(127 if zp else 255, round(v / scale) + zp))
         for v in values]
    return struct.pack('<%d%s' % (len(q), 'b' if zp else 'B'), *q), scale, zp


def main():
    variant, path = sys.argv[1], sys.argv[2]
    t8 = tw.TT_INT8 if variant in ('int8', 'int8_direct', 'nobg', 'multi', 'regular_int8') \
        else tw.TT_UINT8
    dequant = variant in ('int8', 'nobg', 'multi', 'regular_int8')
    if variant == 'float':
        t8 = tw.TT_FLOAT32
    zp0 = 128 if t8 == tw.TT_UINT8 else 0
    grid = 22 if variant == 'coco' else 10
    boxes = grid * grid * PER_CELL
    classes, background = (90, 1) if variant == 'coco' else \
        (20, 0) if variant in ('nobg', 'regular_int8') else \
        (1, 1) if variant == 'multi' else (6, 1)
    opts = {'max_detections': {'nobg': 20, 'few': 40, 'regular_int8': 20}.get(variant, 10),
            'max_classes_per_detection': 3 if variant == 'multi' else 1,
            'detections_per_class': 3 if variant == 'regular_int8' else 100,
            'nms_score_threshold': {'few': 0.925, 'none': 0.926}.get(variant, 0.3),
            'nms_iou_threshold': 0.5 if variant == 'nobg' else 0.6,
            'num_classes': classes,
            'use_regular_nms': variant.startswith('regular'),
            'y_scale': 10.0, 'x_scale': 10.0, 'h_scale': 5.0, 'w_scale': 5.0}
    if variant == 'noscale':
        del opts['y_scale']
    n_det = opts['max_detections'] * opts['max_classes_per_detection']
    cb = classes + background
    tensors = []

    def t(shape, ttype=t8, data=None, scale=None, zp=None, name=None):
        d = {'shape': shape, 'type': ttype, 'data': data}
        if scale is not None and ttype != tw.TT_FLOAT32:
            d['scale'], d['zero_point'] = [scale], [zp]
        if name:
            d['name'] = name
        tensors.append(d)
        return len(tensors) - 1

    raw = t([1, 4 * boxes], scale=0.04, zp=zp0, name='raw_box_encodings')
    box = t([1, boxes, 4], scale=0.04, zp=zp0, name='box_encodings')
    logits = t([1, boxes, cb], scale=0.02, zp=zp0, name='class_logits')
    scores = t([1, boxes, cb], scale=1 / 256, zp=-128 if t8 == tw.TT_INT8 else 0,
               name='class_scores')
    shape = t([3], tw.TT_INT32, struct.pack('<3i', 1, boxes, 4))
    ops = [(RESHAPE, OPT_RESHAPE, [(0, 'ref', tw.Vector('i', [1, boxes, 4]))],
            [raw, shape], [box]),
           (LOGISTIC, 0, None, [logits], [scores])]
    a = anchors(grid)
    if dequant or variant in ('float', 'float_anchors'):
        anc = t([boxes, 4], tw.TT_FLOAT32, struct.pack('<%df' % len(a), *a), name='anchors')
    else:
        data, s, z = quantize(a, t8)
        anc = t([boxes, 4], t8, data, s, z, name='anchors')
    ins = [box, scores]
    graph_in = [raw, logits]
    if variant == 'alone':
        ops, ins = [], [box, scores]
        graph_in = [box, scores]
    if dequant:
        ins = [t([1, boxes, 4], tw.TT_FLOAT32), t([1, boxes, cb], tw.TT_FLOAT32)]
        ops += [(DEQUANTIZE, 0, None, [box], [ins[0]]),
                (DEQUANTIZE, 0, None, [scores], [ins[1]])]
    outs = [t([1, n_det, 4], tw.TT_FLOAT32, name='detection_boxes'),
            t([1, n_det], tw.TT_FLOAT32, name='detection_classes'),
            t([1, n_det], tw.TT_FLOAT32, name='detection_scores'),
            t([1], tw.TT_FLOAT32, name='num_detections')]
    options = tw.flexbuffer_map(opts, 8 if variant == 'wide' else 4)
    ops.append(('TFLite_Detection_PostProcess', 0, None, ins + [anc], outs, options))
    with open(path, 'wb') as f:
        f.write(tw.model_ops(ops, tensors, graph_in, outs))


if __name__ == '__main__':
    main()
