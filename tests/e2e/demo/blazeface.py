# SPDX-License-Identifier: GPL-2.0-only
"""Host side of the BlazeFace demo (`make demo`, tests/e2e/demo.sh).

Pre- and post-processing for MediaPipe's BlazeFace short range detector
(face_detection_short_range.tflite from @mediapipe/face_detection),
written from the model's published description:

  input   1x128x128x3 RGB, values in [-1, 1]
  output  regressors [1, 896, 16]: per anchor the box centre offset
          (x, y) and size (w, h), then six keypoints (x, y), all in
          pixels of the 128x128 input, relative to the anchor centre
          classificators [1, 896, 1]: one logit per anchor
  anchors SSD grid, 4 layers with strides 8, 16, 16, 16, unit-size
          anchors (fixed anchor size), 2 per cell and layer; the
          three stride-16 layers share one 8x8 grid: 16*16*2 + 8*8*6 = 896
  result  sigmoid(logit) >= 0.5, then weighted non-maximum suppression
          (IoU > 0.3 clusters averaged by score)

The model runs in the VM (edgeaictl run) or, with the run command, on the
host through libedgeai's Python bindings (the edgeai package of
libedgeai/python: pre-processing, edgeai.Model(...).compile(...).run(...),
the output tensors written as files). Needs numpy and scikit-image.

  blazeface.py calib  IMAGE DIR            float32 calibration inputs for
                                           `edgeaictl quantize --calib DIR`
                                           (the picture and a few variants)
  blazeface.py input  IMAGE INSPECT OUT    the quantized input tensor (raw
                                           bytes) for `edgeaictl run`;
                                           INSPECT is `edgeaictl inspect --json`
  blazeface.py run MODEL IMAGE OUTDIR [DEVICE]
                                           run the model on the picture
                                           with the Python bindings (DEVICE:
                                           cpu, default; auto, npu, dsp):
                                           OUTDIR/input0.bin, output*.bin
  blazeface.py detect IMAGE INSPECT OUTDIR PNG [--json FILE]
                                           decode OUTDIR/output*.bin, draw
                                           the faces into PNG, print them
"""
import json
import os
import sys
import time

import numpy as np
import skimage.draw
import skimage.io
import skimage.transform

SIZE = 128
STRIDES = (8, 16, 16, 16)
ANCHORS_PER_LAYER = 2
SCORE_MIN = 0.5
NMS_IOU = 0.3
KEYPOINTS = ('right eye', 'left eye', 'nose tip', 'mouth', 'right ear', 'left ear')


def anchors():
    """Anchor centres (896 x 2, normalised x, y) in the order of the outputs."""
    out = []
    layer = 0
    while layer < len(STRIDES):
        stride = STRIDES[layer]
        per_cell = 0
        # consecutive layers of the same stride share one grid
        while layer < len(STRIDES) and STRIDES[layer] == stride:
            per_cell += ANCHORS_PER_LAYER
            layer += 1
        cells = SIZE // stride
        for y in range(cells):
            for x in range(cells):
                c = ((x + 0.5) / cells, (y + 0.5) / cells)
                out.extend([c] * per_cell)
    return np.array(out, dtype=np.float64)


def load_rgb(path):
    img = skimage.io.imread(path)
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    return img[..., :3]


def to_model(img):
    """HxWx3 uint8 -> 128x128x3 float32 in [-1, 1] (the whole picture)."""
    small = skimage.transform.resize(img, (SIZE, SIZE), order=1, anti_aliasing=True)
    return (small * 2.0 - 1.0).astype(np.float32)


def quant(t):
    q = t['quantization']
    if not q or not q.get('scale'):
        raise SystemExit('blazeface: tensor %s is not quantized' % t['name'])
    return float(q['scale'][0]), int(q['zero_point'][0])


def cmd_calib(image, outdir):
    """The picture, mirrored, darker, brighter, zoomed in and shifted."""
    img = load_rgb(image).astype(np.float64) / 255.0
    h, w = img.shape[:2]
    variants = {
        'a-picture': img,
        'b-mirrored': img[:, ::-1],
        'c-darker': img * 0.7,
        'd-brighter': np.clip(img * 1.25 + 0.05, 0, 1),
        'e-zoomed': img[h // 8:h - h // 8, w // 8:w - w // 8],
        'f-shifted': np.pad(img, ((h // 6, 0), (w // 6, 0), (0, 0)), mode='edge')[:h, :w],
    }
    os.makedirs(outdir, exist_ok=True)
    for name, v in variants.items():
        x = to_model((v * 255.0).clip(0, 255).astype(np.uint8))
        x.tofile(os.path.join(outdir, name + '.bin'))
    print('calib: %d inputs in %s' % (len(variants), outdir))


def input_tensor(image, shape, type_, scale=None, zp=None):
    """The picture as the model's input tensor (float32, or quantized int8/uint8)."""
    if list(shape) != [1, SIZE, SIZE, 3]:
        raise SystemExit('blazeface: unexpected input shape %s' % list(shape))
    x = to_model(load_rgb(image))[None]
    if type_ == 'float32':
        return x
    lo, hi, dt = {'int8': (-128, 127, np.int8), 'uint8': (0, 255, np.uint8)}[type_]
    return np.clip(np.round(x / scale) + zp, lo, hi).astype(dt)


def cmd_input(image, inspect, out):
    info = json.load(open(inspect))
    t = info['inputs'][0]
    scale, zp = quant(t) if t['type'] != 'float32' else (None, None)
    input_tensor(image, t['shape'], t['type'], scale, zp).tofile(out)
    if scale is not None:
        print('input: %s -> %s (%s, scale %.6g, zero point %d)'
              % (os.path.basename(image), os.path.basename(out), t['type'], scale, zp))


def cmd_run(model, image, outdir, device='cpu'):
    """Pre-process, run through the Python bindings, write the tensors."""
    import edgeai  # libedgeai/python; only this command needs it

    with edgeai.Model(model) as m:
        prog = m.compile(device=device)
    with prog:
        t = prog.inputs[0]
        x = input_tensor(image, t.shape, t.type, *(t.scales[:1] + t.zero_points[:1]))
        t0 = time.perf_counter()
        outs = prog.run([x])
        ms = (time.perf_counter() - t0) * 1e3
        os.makedirs(outdir, exist_ok=True)
        x.tofile(os.path.join(outdir, 'input0.bin'))
        for i, a in enumerate(outs):
            a.tofile(os.path.join(outdir, 'output%d.bin' % i))
        print("python: edgeai.Model('%s').compile(device='%s').run([x]) in %.1f ms"
              % (os.path.basename(model), device, ms))
        print('  libedgeai %s, CPU kernels %s; x: %s %s from %s; outputs: %s'
              % (edgeai.__version__, prog.cpu_kernels, x.dtype, x.shape, os.path.basename(image),
                 ', '.join('%s %s %s' % (o.name, a.dtype, a.shape)
                           for o, a in zip(prog.outputs, outs))))
        where = {}
        for p in outs.placement:
            where.setdefault((p['device'], p['reason']), []).append(p['name'])
        for (dev, why), names in sorted(where.items()):
            print('  %d ops on the %s (%s)' % (len(names), dev, why))


def read_output(t, path):
    dt = {'int8': np.int8, 'uint8': np.uint8, 'float32': np.float32}[t['type']]
    raw = np.fromfile(path, dtype=dt)
    n = int(np.prod(t['shape']))
    if raw.size != n:
        raise SystemExit('blazeface: %s has %d values, %s needs %d' % (path, raw.size, t['name'], n))
    if t['type'] == 'float32':
        v = raw.astype(np.float64)
    else:
        scale, zp = quant(t)
        v = (raw.astype(np.float64) - zp) * scale
    return v.reshape(t['shape'])


def iou(a, b):
    """a: 4 (x0, y0, x1, y1); b: N x 4."""
    ix0 = np.maximum(a[0], b[:, 0])
    iy0 = np.maximum(a[1], b[:, 1])
    ix1 = np.minimum(a[2], b[:, 2])
    iy1 = np.minimum(a[3], b[:, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area = lambda r: (r[..., 2] - r[..., 0]) * (r[..., 3] - r[..., 1])
    union = area(a) + area(b) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def decode(regressors, logits):
    """-> list of (score, box x0 y0 x1 y1, keypoints 6x2), normalised."""
    a = anchors()
    reg = regressors.reshape(-1, 16)
    if reg.shape[0] != a.shape[0]:
        raise SystemExit('blazeface: %d anchors in the output, %d expected' % (reg.shape[0], a.shape[0]))
    scores = 1.0 / (1.0 + np.exp(-np.clip(logits.reshape(-1), -100, 100)))
    cx = reg[:, 0] / SIZE + a[:, 0]
    cy = reg[:, 1] / SIZE + a[:, 1]
    w = reg[:, 2] / SIZE
    h = reg[:, 3] / SIZE
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    kps = reg[:, 4:].reshape(-1, 6, 2) / SIZE + a[:, None, :]
    keep = np.nonzero(scores >= SCORE_MIN)[0]
    keep = keep[np.argsort(-scores[keep], kind='stable')]
    faces = []
    while keep.size:
        overlap = iou(boxes[keep[0]], boxes[keep])
        cluster = keep[overlap > NMS_IOU]
        wts = scores[cluster][:, None]
        box = (boxes[cluster] * wts).sum(0) / wts.sum()
        kp = (kps[cluster] * wts[:, :, None]).sum(0) / wts.sum()
        faces.append((float(scores[keep[0]]), box, kp, int(cluster.size)))
        keep = keep[overlap <= NMS_IOU]
    return faces, float(scores.max())


def draw(img, faces):
    out = img.copy()
    h, w = out.shape[:2]
    for score, box, kp, _ in faces:
        x0, y0, x1, y1 = box * [w, h, w, h]
        for t in range(3):
            rr, cc = skimage.draw.rectangle_perimeter((y0 - t, x0 - t), end=(y1 + t, x1 + t), shape=out.shape)
            out[rr, cc] = (0, 255, 0)
        for kx, ky in kp:
            rr, cc = skimage.draw.disk((ky * h, kx * w), 4, shape=out.shape)
            out[rr, cc] = (255, 40, 40)
    return out


def cmd_detect(image, inspect, outdir, png, json_out=None):
    info = json.load(open(inspect))
    outs = {}
    for i, t in enumerate(info['outputs']):
        outs[t['name']] = read_output(t, os.path.join(outdir, 'output%d.bin' % i))
    by_shape = {v.shape[-1]: v for v in outs.values()}
    if set(by_shape) != {16, 1}:
        raise SystemExit('blazeface: outputs %s are not BlazeFace\'s' % list(outs))
    faces, best = decode(by_shape[16], by_shape[1])
    img = load_rgb(image)
    h, w = img.shape[:2]
    skimage.io.imsave(png, draw(img, faces), check_contrast=False)
    res = []
    for score, box, kp, n in faces:
        b = [float(v) for v in box * [w, h, w, h]]
        res.append({'score': round(score, 4), 'box': [round(v, 1) for v in b], 'anchors': n,
                    'keypoints': {k: [round(float(x * w), 1), round(float(y * h), 1)]
                                  for k, (x, y) in zip(KEYPOINTS, kp)}})
        print('face: score %.3f  box x %.0f..%.0f  y %.0f..%.0f  (%.0fx%.0f px; %d anchors merged)'
              % (score, b[0], b[2], b[1], b[3], b[2] - b[0], b[3] - b[1], n))
    if not faces:
        print('face: none (best score %.3f, threshold %.2f)' % (best, SCORE_MIN))
    print('picture: %s (%dx%d)' % (png, w, h))
    if json_out:
        json.dump({'image': image, 'width': w, 'height': h, 'best_score': round(best, 4),
                   'faces': res}, open(json_out, 'w'), indent=1)
    return 0 if faces else 1


def main(argv):
    if len(argv) >= 3 and argv[1] == 'calib':
        cmd_calib(argv[2], argv[3])
        return 0
    if len(argv) == 5 and argv[1] == 'input':
        cmd_input(argv[2], argv[3], argv[4])
        return 0
    if len(argv) in (5, 6) and argv[1] == 'run':
        cmd_run(*argv[2:])
        return 0
    if len(argv) in (6, 8) and argv[1] == 'detect':
        j = argv[7] if len(argv) == 8 and argv[6] == '--json' else None
        return cmd_detect(argv[2], argv[3], argv[4], argv[5], j)
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
