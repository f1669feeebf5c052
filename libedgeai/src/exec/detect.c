// SPDX-License-Identifier: MIT
/*
 * TFLite_Detection_PostProcess, as TFLite 2.9's detection_postprocess.cc
 * computes it (detect.h), with its fast non-maximum suppression (one
 * class per detection, the default of the exports).
 *
 * Every value is TFLite's: the 8-bit inputs dequantized as its
 * Dequantizer does ((q - zp) x scale, one rounding to binary32), the
 * boxes decoded in binary64 and rounded to binary32, the IoU in binary32
 * in its order of operations, the sort stable (ties keep the lower box
 * index). Two shortcuts give the same values: a box's best class is
 * found on the 8-bit scores (dequantizing is strictly increasing in q, so
 * the first largest q is the first largest score), and the candidates
 * are ordered by counting their 8-bit scores.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "edgeai/edgeai.h"
#include "exec/detect.h"
#include "model/tflite-schema.h"

void exec_detect_free(struct exec_detect *d)
{
	if (!d)
		return;
	free(d->anchors);
	free(d);
}

/* 8-bit tensor @t: per-tensor scale and zero point, or -EINVAL. */
static int quant8(const struct model_tensor *t, float *scale, int32_t *zp, int *s8)
{
	if ((t->type != TFL_INT8 && t->type != TFL_UINT8) || t->q.n != 1 || !t->q.scale ||
	    !t->q.zero_point || !(t->q.scale[0] > 0) || !isfinite(t->q.scale[0]))
		return -EINVAL;
	*scale = t->q.scale[0];
	*zp = (int32_t)t->q.zero_point[0];
	*s8 = t->type == TFL_INT8;
	return 0;
}

/* TFLite's Dequantizer: (q - zp) x scale in binary32 (q - zp is exact). */
static float deq(int s8, int32_t zp, float scale, uint8_t q)
{
	return ((float)(s8 ? (int8_t)q : q) - (float)zp) * scale;
}

static int rank3(const struct model_tensor *t, int32_t d0)
{
	return t->rank == 3 && t->shape[0] == d0;
}

int exec_detect_new(const struct edgeai_model *m, const struct model_op *op, int32_t box,
		    int32_t cls, struct exec_detect **ret, char *errbuf, size_t errbuf_size)
{
	const struct model_detect_opts *o = &op->o.det;
	const struct model_tensor *tb = &m->t[box], *tc = &m->t[cls], *ta;
	struct exec_detect *d;
	int32_t anc = op->n_in == 3 ? op->in[2] : -1;
	uint32_t i, k;

	*ret = NULL;
	if (o->regular_nms)
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s with use_regular_nms: not "
				 "supported (the fast suppression of the exports is)",
				 MODEL_DETECT_CUSTOM);
	if (o->max_classes_per_detection > 1 && o->num_classes > 1)
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s with max_classes_per_detection "
				 "%d: not supported (1 is: each box's best class)",
				 MODEL_DETECT_CUSTOM, o->max_classes_per_detection);
	if (!rank3(tb, 1) || tb->shape[1] < 1 || tb->shape[2] < 4 || !rank3(tc, 1) ||
	    tc->shape[1] != tb->shape[1])
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: box encodings must be [1, "
				 "boxes, >= 4] and class scores [1, boxes, classes]",
				 MODEL_DETECT_CUSTOM);
	if (tc->shape[2] < o->num_classes || tc->shape[2] - o->num_classes > 1)
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: %d class scores per box for "
				 "num_classes %d (TFLite takes that many, or one more for the "
				 "background)", MODEL_DETECT_CUSTOM, tc->shape[2], o->num_classes);
	if (anc < 0 || !model_is_const(m, anc))
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: the anchors (input 2) must "
				 "be a constant", MODEL_DETECT_CUSTOM);
	ta = &m->t[anc];
	if (ta->rank != 2 || ta->shape[0] < tb->shape[1] || ta->shape[1] != 4)
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: anchors must be [boxes, 4] "
				 "(%d boxes)", MODEL_DETECT_CUSTOM, tb->shape[1]);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->o = *o;
	d->n_boxes = (uint32_t)tb->shape[1];
	d->box_len = (uint32_t)tb->shape[2];
	d->n_cls = (uint32_t)tc->shape[2];
	d->n_out = (uint32_t)o->max_detections * (uint32_t)o->max_classes_per_detection;
	if (quant8(tb, &d->box_scale, &d->box_zp, &d->box_s8) ||
	    quant8(tc, &d->cls_scale, &d->cls_zp, &d->cls_s8)) {
		exec_detect_free(d);
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: box encodings and class "
				 "scores must be int8 or uint8 with one scale each",
				 MODEL_DETECT_CUSTOM);
	}
	d->anchors = malloc(sizeof(float) * 4 * d->n_boxes);
	if (!d->anchors) {
		exec_detect_free(d);
		return -ENOMEM;
	}
	/*
	 * TFLite 2.9 takes uint8 or float32 inputs (an int8 model dequantizes
	 * them first); 8-bit anchors are read as the encodings' type, float32
	 * ones go with float32 encodings. The anchors' buffer holds the
	 * shape's bytes (model_validate()).
	 */
	if ((op->in[0] == box && tb->type != TFL_UINT8) ||
	    (op->in[1] == cls && tc->type != TFL_UINT8)) {
		exec_detect_free(d);
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: %s inputs (TFLite 2.9 takes "
				 "uint8 or float32 box encodings and class scores)",
				 MODEL_DETECT_CUSTOM, edgeai_tensor_type_name(
					 (op->in[0] == box ? tb : tc)->type));
	}
	if (op->in[0] != box && ta->type == TFL_FLOAT32) {
		memcpy(d->anchors, m->buf[ta->buffer].data, sizeof(float) * 4 * d->n_boxes);
	} else if (op->in[0] == box && ta->type == TFL_UINT8) {
		float s;
		int32_t zp;
		int s8;

		if (quant8(ta, &s, &zp, &s8)) {
			exec_detect_free(d);
			return base_errf(errbuf, errbuf_size, -EINVAL, "%s: 8-bit anchors need one "
					 "scale", MODEL_DETECT_CUSTOM);
		}
		for (i = 0; i < 4 * d->n_boxes; i++)
			d->anchors[i] = deq(s8, zp, s, m->buf[ta->buffer].data[i]);
	} else {
		exec_detect_free(d);
		return base_errf(errbuf, errbuf_size, -EINVAL, "%s: anchors of type %s for box "
				 "encodings of type %s (TFLite reads them as the encodings' type)",
				 MODEL_DETECT_CUSTOM, edgeai_tensor_type_name(ta->type),
				 edgeai_tensor_type_name(m->t[op->in[0]].type));
	}
	for (i = 0; i < d->n_boxes; i++)
		for (k = 2; k < 4; k++)
			if (d->anchors[4 * i + k] < 0) {
				exec_detect_free(d);
				/* a negative half size: ymin > ymax, which fails every invoke */
				return base_errf(errbuf, errbuf_size, -EINVAL, "%s: anchor %u has a "
						 "negative %s: TFLite fails every run",
						 MODEL_DETECT_CUSTOM, i, k == 2 ? "height" : "width");
			}
	*ret = d;
	return 0;
}

size_t exec_detect_size(const struct exec_detect *d, unsigned int which)
{
	switch (which) {
	case EXEC_DETECT_BOXES:
		return 4 * (size_t)d->n_out;
	case EXEC_DETECT_CLASSES:
	case EXEC_DETECT_SCORES:
		return d->n_out;
	default:
		return 1;
	}
}

struct box {
	float ymin, xmin, ymax, xmax;
};

/* std::max<float> and std::min<float>: the first argument unless the comparison holds */
static float fmaxf_std(float a, float b)
{
	return a < b ? b : a;
}

static float fminf_std(float a, float b)
{
	return b < a ? b : a;
}

/* ComputeIntersectionOverUnion(), in its order of binary32 operations. */
static float iou(const struct box *a, const struct box *b)
{
	float area_a = (a->ymax - a->ymin) * (a->xmax - a->xmin);
	float area_b = (b->ymax - b->ymin) * (b->xmax - b->xmin);
	float ymin, xmin, ymax, xmax, inter;

	if (area_a <= 0 || area_b <= 0)
		return 0;
	ymin = fmaxf_std(a->ymin, b->ymin);
	xmin = fmaxf_std(a->xmin, b->xmin);
	ymax = fminf_std(a->ymax, b->ymax);
	xmax = fminf_std(a->xmax, b->xmax);
	inter = fmaxf_std(ymax - ymin, 0) * fmaxf_std(xmax - xmin, 0);
	return inter / (area_a + area_b - inter);
}

/* DecodeCenterSizeBoxes() of box @i. */
static struct box decode(const struct exec_detect *d, const uint8_t *enc, uint32_t i)
{
	const float *a = d->anchors + 4 * (size_t)i;
	const uint8_t *e = enc + (size_t)d->box_len * i;
	float y = deq(d->box_s8, d->box_zp, d->box_scale, e[0]);
	float x = deq(d->box_s8, d->box_zp, d->box_scale, e[1]);
	float h = deq(d->box_s8, d->box_zp, d->box_scale, e[2]);
	float w = deq(d->box_s8, d->box_zp, d->box_scale, e[3]);
	/* anchors are y, x, h, w: a[2] the height */
	float yc = (float)((double)y / (double)d->o.y_scale * (double)a[2] + (double)a[0]);
	float xc = (float)((double)x / (double)d->o.x_scale * (double)a[3] + (double)a[1]);
	float hh = (float)(0.5 * exp((double)h / (double)d->o.h_scale) * (double)a[2]);
	float hw = (float)(0.5 * exp((double)w / (double)d->o.w_scale) * (double)a[3]);

	return (struct box){ yc - hh, xc - hw, yc + hh, xc + hw };
}

int exec_detect_run(const struct exec_detect *d, const uint8_t *enc, const uint8_t *cls,
		    float *const out[EXEC_DETECT_N])
{
	uint32_t n = d->n_boxes, off = d->n_cls - (uint32_t)d->o.num_classes;
	uint32_t stride = (uint32_t)d->o.max_classes_per_detection;
	uint32_t i, j, k, n_keep = 0, n_sel = 0, n_active, limit, count[256] = { 0 };
	uint32_t *best, *keep, *order;
	uint8_t *qmax, *active;
	struct box *boxes;
	int r = -ENOMEM;

	best = malloc(sizeof(*best) * n);
	keep = malloc(sizeof(*keep) * n);
	order = malloc(sizeof(*order) * n);
	qmax = malloc(n);
	active = malloc(n);
	boxes = malloc(sizeof(*boxes) * n);
	if (!best || !keep || !order || !qmax || !active || !boxes)
		goto out;
	for (i = 0; i < n; i++)
		boxes[i] = decode(d, enc, i);
	/*
	 * Each box's best class: the first largest score (ArgMaxVector), on
	 * the 8-bit scores flipped to unsigned order.
	 */
	for (i = 0; i < n; i++) {
		const uint8_t *s = cls + (size_t)d->n_cls * i + off;
		uint8_t flip = d->cls_s8 ? 0x80 : 0, mq = s[0] ^ flip;
		uint32_t bc = 0;

		for (k = 1; k < (uint32_t)d->o.num_classes; k++)
			if ((uint8_t)(s[k] ^ flip) > mq) {
				mq = s[k] ^ flip;
				bc = k;
			}
		best[i] = bc;
		qmax[i] = mq;
	}
	/* SelectDetectionsAboveScoreThreshold() (score >= threshold), counted by score */
	for (i = 0; i < n; i++) {
		float sc = deq(d->cls_s8, d->cls_zp, d->cls_scale, qmax[i] ^ (d->cls_s8 ? 0x80 : 0));

		if (sc >= d->o.score_threshold) {
			keep[n_keep++] = i;
			count[qmax[i]]++;
		}
	}
	/* DecreasingArgSort(): stable, by decreasing score */
	for (k = 256, j = 0; k-- > 0;) {
		uint32_t c = count[k];

		count[k] = j;
		j += c;
	}
	for (i = 0; i < n_keep; i++)
		order[count[qmax[keep[i]]]++] = keep[i];
	/* NonMaxSuppressionSingleClassHelper() */
	limit = n_keep < (uint32_t)d->o.max_detections ? n_keep : (uint32_t)d->o.max_detections;
	memset(active, 1, n_keep);
	n_active = n_keep;
	for (i = 0; i < n_keep; i++) {
		if (!n_active || n_sel >= limit)
			break;
		if (!active[i])
			continue;
		keep[n_sel++] = order[i];	/* keep[] is free: it becomes the selection */
		active[i] = 0;
		n_active--;
		for (j = i + 1; j < n_keep; j++)
			if (active[j] && iou(&boxes[order[i]], &boxes[order[j]]) > d->o.iou_threshold) {
				active[j] = 0;
				n_active--;
			}
	}
	/* The outputs: TFLite leaves the detections after the count as they were; zero here. */
	memset(out[EXEC_DETECT_BOXES], 0, sizeof(float) * 4 * d->n_out);
	memset(out[EXEC_DETECT_CLASSES], 0, sizeof(float) * d->n_out);
	memset(out[EXEC_DETECT_SCORES], 0, sizeof(float) * d->n_out);
	for (k = 0; k < n_sel; k++) {
		uint32_t b = keep[k], at = stride * k;

		memcpy(out[EXEC_DETECT_BOXES] + 4 * (size_t)at, &boxes[b], sizeof(boxes[b]));
		out[EXEC_DETECT_CLASSES][at] = (float)best[b];
		out[EXEC_DETECT_SCORES][at] = deq(d->cls_s8, d->cls_zp, d->cls_scale,
						  qmax[b] ^ (d->cls_s8 ? 0x80 : 0));
	}
	out[EXEC_DETECT_COUNT][0] = (float)n_sel;
	r = 0;
out:
	free(best);
	free(keep);
	free(order);
	free(qmax);
	free(active);
	free(boxes);
	return r;
}
