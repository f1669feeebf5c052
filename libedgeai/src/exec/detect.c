// SPDX-License-Identifier: MIT
/*
 * TFLite_Detection_PostProcess, as TFLite 2.9's detection_postprocess.cc
 * computes it (detect.h), with both of its non-maximum suppressions: the
 * fast one (the exports' default; one class per detection) and the
 * regular one (a suppression per class).
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
	if (!o->regular_nms && o->max_classes_per_detection > 1 && o->num_classes > 1)
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

size_t exec_detect_layout(const struct exec_detect *d, float *base, float *out[EXEC_DETECT_N])
{
	size_t at = 0;
	unsigned int i;

	for (i = 0; i < EXEC_DETECT_N; i++) {
		if (base)
			out[i] = base + at;
		at += exec_detect_size(d, i);
	}
	return at;
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

/* Scratch of one run: per box, and the selection of one suppression. */
struct run {
	const struct exec_detect *d;
	struct box *boxes;	/* [n_boxes] decoded */
	uint8_t *q;		/* [n_boxes] the score each box is sorted by, unsigned order */
	uint32_t *order, *sel;	/* [n_boxes] */
	uint8_t *active;	/* [n_boxes] */
};

/* A score of unsigned order @q (the 8-bit score, int8 flipped), dequantized. */
static float score_of(const struct exec_detect *d, uint8_t q)
{
	return deq(d->cls_s8, d->cls_zp, d->cls_scale, q ^ (d->cls_s8 ? 0x80 : 0));
}

/*
 * NonMaxSuppressionSingleClassHelper() on the scores r->q: the boxes at
 * or above the score threshold, ordered by decreasing score (stable:
 * counted by score), each kept unless its IoU with a box kept before is
 * above the threshold, at most @limit. The kept boxes in r->sel; how many.
 */
static uint32_t suppress(struct run *r, uint32_t limit)
{
	const struct exec_detect *d = r->d;
	uint32_t i, j, k, n_keep = 0, n_sel = 0, n_active, count[256] = { 0 };

	/* SelectDetectionsAboveScoreThreshold() (score >= threshold), counted by score */
	for (i = 0; i < d->n_boxes; i++)
		if (score_of(d, r->q[i]) >= d->o.score_threshold) {
			n_keep++;
			count[r->q[i]]++;
		}
	/* DecreasingArgSort(): stable, by decreasing score */
	for (k = 256, j = 0; k-- > 0;) {
		uint32_t c = count[k];

		count[k] = j;
		j += c;
	}
	for (i = 0; i < d->n_boxes; i++)
		if (score_of(d, r->q[i]) >= d->o.score_threshold)
			r->order[count[r->q[i]]++] = i;
	if (n_keep < limit)
		limit = n_keep;
	memset(r->active, 1, n_keep);
	n_active = n_keep;
	for (i = 0; i < n_keep; i++) {
		if (!n_active || n_sel >= limit)
			break;
		if (!r->active[i])
			continue;
		r->sel[n_sel++] = r->order[i];
		r->active[i] = 0;
		n_active--;
		for (j = i + 1; j < n_keep; j++)
			if (r->active[j] &&
			    iou(&r->boxes[r->order[i]], &r->boxes[r->order[j]]) > d->o.iou_threshold) {
				r->active[j] = 0;
				n_active--;
			}
	}
	return n_sel;
}

/* One detection, of the @n_det the outputs hold. */
struct det {
	uint32_t box, cls;
	uint8_t q;
};

/*
 * NonMaxSuppressionMultiClassFastHelper(): each box's best class (the
 * first largest score, ArgMaxVector; found on the 8-bit scores) into
 * @best, one suppression over those scores.
 */
static uint32_t fast(struct run *r, const uint8_t *cls, struct det *det, struct det *best)
{
	const struct exec_detect *d = r->d;
	uint32_t i, k, n_sel, off = d->n_cls - (uint32_t)d->o.num_classes;
	uint8_t flip = d->cls_s8 ? 0x80 : 0;

	for (i = 0; i < d->n_boxes; i++) {
		const uint8_t *s = cls + (size_t)d->n_cls * i + off;
		uint8_t mq = s[0] ^ flip;
		uint32_t bc = 0;

		for (k = 1; k < (uint32_t)d->o.num_classes; k++)
			if ((uint8_t)(s[k] ^ flip) > mq) {
				mq = s[k] ^ flip;
				bc = k;
			}
		r->q[i] = mq;
		best[i].cls = bc;
	}
	n_sel = suppress(r, (uint32_t)d->o.max_detections);
	for (k = 0; k < n_sel; k++) {
		uint32_t b = r->sel[k];

		det[k] = (struct det){ b, best[b].cls, r->q[b] };
	}
	return n_sel;
}

/*
 * NonMaxSuppressionMultiClassRegularHelper(): a suppression per class (at
 * most min(detections_per_class, max_detections) each), the selections
 * merged by decreasing score and cut to max_detections after each class.
 * TFLite 2.9 puts a class's detections before the earlier classes' of the
 * same score (measured against it: its merge takes the new one on a tie);
 * within a class they keep their order. @det holds max_detections +
 * detections_per_class.
 */
static uint32_t regular(struct run *r, const uint8_t *cls, struct det *det, struct det *tmp)
{
	const struct exec_detect *d = r->d;
	uint32_t i, c, n = 0, off = d->n_cls - (uint32_t)d->o.num_classes;
	uint32_t max = (uint32_t)d->o.max_detections, per = (uint32_t)d->o.detections_per_class;
	uint8_t flip = d->cls_s8 ? 0x80 : 0;

	if (per > max)
		per = max;
	for (c = 0; c < (uint32_t)d->o.num_classes; c++) {
		uint32_t n_sel, a = 0, b = 0, m = 0;

		for (i = 0; i < d->n_boxes; i++)
			r->q[i] = cls[(size_t)d->n_cls * i + off + c] ^ flip;
		n_sel = suppress(r, per);
		/* merge: the old n in det[], the new n_sel in sel[]; new first on a tie */
		while (m < max && (a < n || b < n_sel)) {
			if (b < n_sel && (a == n || r->q[r->sel[b]] >= det[a].q)) {
				tmp[m++] = (struct det){ r->sel[b], c, r->q[r->sel[b]] };
				b++;
			} else {
				tmp[m++] = det[a++];
			}
		}
		memcpy(det, tmp, sizeof(*det) * m);
		n = m;
	}
	return n;
}

int exec_detect_run(const struct exec_detect *d, const uint8_t *enc, const uint8_t *cls,
		    float *const out[EXEC_DETECT_N])
{
	uint32_t n = d->n_boxes, stride = (uint32_t)d->o.max_classes_per_detection;
	uint32_t i, k, n_det, n_slots = d->o.regular_nms ? (uint32_t)d->o.max_detections : n;
	struct run r = { .d = d };
	struct det *det, *tmp;
	int ret = -ENOMEM;

	r.boxes = malloc(sizeof(*r.boxes) * n);
	r.q = malloc(n);
	r.order = malloc(sizeof(*r.order) * n);
	r.sel = malloc(sizeof(*r.sel) * n);
	r.active = malloc(n);
	det = malloc(sizeof(*det) * n_slots);
	tmp = malloc(sizeof(*tmp) * n_slots);
	if (!r.boxes || !r.q || !r.order || !r.sel || !r.active || !det || !tmp)
		goto out;
	for (i = 0; i < n; i++)
		r.boxes[i] = decode(d, enc, i);
	n_det = d->o.regular_nms ? regular(&r, cls, det, tmp) : fast(&r, cls, det, tmp);
	/*
	 * The outputs. TFLite's fast suppression leaves the detections after
	 * the count as they were (its regular one zeroes them): zero here.
	 */
	memset(out[EXEC_DETECT_BOXES], 0, sizeof(float) * 4 * d->n_out);
	memset(out[EXEC_DETECT_CLASSES], 0, sizeof(float) * d->n_out);
	memset(out[EXEC_DETECT_SCORES], 0, sizeof(float) * d->n_out);
	for (k = 0; k < n_det; k++) {
		/* fast: max_classes_per_detection slots per detection, the first used */
		uint32_t at = d->o.regular_nms ? k : stride * k;

		memcpy(out[EXEC_DETECT_BOXES] + 4 * (size_t)at, &r.boxes[det[k].box],
		       sizeof(r.boxes[0]));
		out[EXEC_DETECT_CLASSES][at] = (float)det[k].cls;
		out[EXEC_DETECT_SCORES][at] = score_of(d, det[k].q);
	}
	out[EXEC_DETECT_COUNT][0] = (float)n_det;
	ret = 0;
out:
	free(r.boxes);
	free(r.q);
	free(r.order);
	free(r.sel);
	free(r.active);
	free(det);
	free(tmp);
	return ret;
}
