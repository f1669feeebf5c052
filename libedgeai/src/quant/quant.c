// SPDX-License-Identifier: MIT
/*
 * Full-integer post-training quantization (edgeai_quantize()).
 *
 *  1. Copy the float model and fold DENSIFY ops of constants (the reader
 *     made them dense) and DEQUANTIZE ops of constant fp16 (or int8/uint8)
 *     tensors into float32 constants, and so the int8 weights that the
 *     float ops of a dynamic-range model read. Make each DIV by a constant a MUL
 *     by its reciprocal (TFLite has no int8 DIV). Turn MediaPipe's
 *     Convolution2DTransposeBias into TFLite's TRANSPOSE_CONV (an int8
 *     kernel exists only for the builtin). Fuse each RELU/RELU6 into
 *     the CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or ADD whose output
 *     only it reads, as the TFLite converter does (fused_activation_function),
 *     so the producer's output range is calibrated after the activation.
 *     Give each weights or bias slot of a constant read by other slots too
 *     a tensor of its own (the bias of each consumer has its own scale).
 *  2. Calibrate: run the float reference kernels on each sample and record
 *     each activation's min/max (or a subsample for percentiles).
 *  3. Tie tensors that must share (scale, zero point) (union-find over the
 *     inputs and outputs of pooling, reshape, pad, concatenation, resize,
 *     slicing, transpose, depth/space, maximum/minimum), apply the fixed
 *     output quantization of SOFTMAX/LOGISTIC/TANH, and derive int8
 *     asymmetric parameters per group the way the TFLite converter does
 *     (range widened to contain 0, zero point nudged onto the grid).
 *  4. Quantize constants by role: per-channel symmetric int8 weights for
 *     CONV_2D and TRANSPOSE_CONV (axis 0) and DEPTHWISE_CONV_2D (axis 3), per-tensor for
 *     FULLY_CONNECTED, int32 bias with scale s_in * s_w, other float
 *     constants per tensor with their own range (or their group's).
 *  5. Evaluate: run the float kernels again with dequantized constants and
 *     every activation rounded onto its int8 grid, and compare each output
 *     with the float model's.
 *  6. Build the int8 model (per-consumer copies that quantized to the
 *     same tensor become one again), add QUANTIZE/DEQUANTIZE edges for
 *     uint8 or float I/O, and drop unused tensors and buffers.
 *
 * A closing TFLite_Detection_PostProcess (SSD, EfficientDet) stays
 * float32, as TFLite's converter leaves it: after step 1 it comes off the
 * float model, whose outputs become the op's box encodings and class
 * scores (calibrated and reported like outputs), and in step 6 it goes
 * back on, behind DEQUANTIZE ops of those two, with its float32 anchors.
 *
 * Everything is deterministic: no clock, no hash order, a seeded PRNG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "quant/fref.h"

enum qc_kind {
	QC_NONE = 0,
	QC_WEIGHTS,	/* symmetric int8, per channel or per tensor */
	QC_BIAS,	/* int32, scale s_in * s_w */
	QC_OTHER,	/* asymmetric int8 per tensor */
};

/* A quantized constant: its new bytes, parameters and dequantized values. */
struct qconst {
	enum qc_kind kind;
	uint32_t n_scale;
	int32_t dim;
	int32_t zp;
	float *scale;
	void *data;
	size_t size;	/* bytes of @data */
	float *deq;
};

#define QERR(q, r, ...) base_errf((q)->err, (q)->errsz, (r), __VA_ARGS__)
#define PCT_PER_SAMPLE 4096

struct qctx {
	struct edgeai_model *fm;	/* folded float model */
	uint32_t nt;
	float *mn, *mx;
	uint8_t *seen;
	float **pv;			/* percentile subsamples */
	size_t *pn;
	size_t pcap;
	int32_t *parent;		/* union-find over tensors */
	float *scale;			/* final per-tensor params (activations) */
	int32_t *zp;
	uint8_t *done;			/* constants already quantized */
	struct qconst *qc;		/* quantized constants, by tensor */
	int32_t *origin;		/* the tensor a per-consumer copy was made of, or -1 */
	/*
	 * The model's TFLite_Detection_PostProcess (@det_op.code 0: none),
	 * taken off the float model, and the float model's outputs before.
	 */
	struct model_op det_op;
	int32_t *det_out;
	uint32_t det_n_out;
	char *err;
	size_t errsz;
};

/* Append a buffer that takes @data; returns its index or -ENOMEM. */
static int add_buffer(struct edgeai_model *m, void *data, size_t size)
{
	struct model_buffer *b = realloc(m->buf, (m->n_buffers + 1) * sizeof(*b));

	if (!b)
		return -ENOMEM;
	m->buf = b;
	b[m->n_buffers] = (struct model_buffer){ data, size };
	return (int)m->n_buffers++;
}

/* Append a tensor (a copy of @like with another type); returns its index. */
static int add_tensor(struct edgeai_model *m, int32_t like, uint8_t type, const char *suffix)
{
	struct model_tensor *t = realloc(m->t, (m->n_tensors + 1) * sizeof(*t)), *n;
	size_t len;

	if (!t)
		return -ENOMEM;
	m->t = t;
	n = &t[m->n_tensors];
	*n = t[like];
	memset(&n->q, 0, sizeof(n->q));
	n->buffer = 0;
	n->type = type;
	len = strlen(t[like].name) + strlen(suffix) + 1;
	n->name = malloc(len);
	if (!n->name)
		return -ENOMEM;
	strcpy(n->name, t[like].name);
	strcat(n->name, suffix);
	return (int)m->n_tensors++;
}

/*
 * Append a float32 constant tensor (a copy of @like, @suffix added to its
 * name) holding the @n values of @data, which the model takes (freed
 * where the buffer cannot be added); returns its index.
 */
static int add_const_f32(struct edgeai_model *m, int32_t like, float *data, size_t n,
			 const char *suffix)
{
	int b = add_buffer(m, data, n * sizeof(*data)), t;

	if (b < 0) {
		free(data);
		return b;
	}
	t = add_tensor(m, like, TFL_FLOAT32, suffix);
	if (t >= 0)
		m->t[t].buffer = (uint32_t)b;
	return t;
}

static int add_op(struct edgeai_model *m, uint32_t at, int32_t code, int32_t version, int32_t in,
		  int32_t out)
{
	struct model_op *ops = realloc(m->ops, (m->n_ops + 1) * sizeof(*ops)), *op;

	if (!ops)
		return -ENOMEM;
	m->ops = ops;
	memmove(&ops[at + 1], &ops[at], (m->n_ops - at) * sizeof(*ops));
	m->n_ops++;
	op = &ops[at];
	memset(op, 0, sizeof(*op));
	op->code = code;
	op->version = version;
	op->o.type = code == TFL_OP_QUANTIZE ? TFL_OPT_QUANTIZE : TFL_OPT_DEQUANTIZE;
	op->in = malloc(sizeof(int32_t));
	op->out = malloc(sizeof(int32_t));
	if (!op->in || !op->out)
		return -ENOMEM;
	op->in[0] = in;
	op->out[0] = out;
	op->n_in = op->n_out = 1;
	return 0;
}

static void set_q1(struct model_tensor *t, float scale, int64_t zp)
{
	model_quant_free(&t->q);
	t->q.scale = malloc(sizeof(float));
	t->q.zero_point = malloc(sizeof(int64_t));
	if (t->q.scale && t->q.zero_point) {
		t->q.scale[0] = scale;
		t->q.zero_point[0] = zp;
		t->q.n = 1;
	}
}

/*
 * Step 1: take the model's TFLite_Detection_PostProcess off the float
 * model (the file header says why): the op's arrays move to @q, the
 * model's outputs become its box encodings and class scores.
 */
static int detach_detect(struct qctx *q)
{
	struct edgeai_model *m = q->fm;
	struct model_op *op = NULL;
	uint32_t k, j, i, at = 0;
	int32_t *outs;

	for (k = 0; k < m->n_ops; k++)
		if (model_is_detect(&m->ops[k])) {
			if (op)
				return QERR(q, -EOPNOTSUPP, "two %s ops: one is quantized",
					    MODEL_DETECT_CUSTOM);
			op = &m->ops[k];
			at = k;
		}
	if (!op)
		return 0;
	if (op->n_in != 3 || op->n_out != 4 || op->in[0] < 0 || op->in[1] < 0 ||
	    m->t[op->in[0]].type != TFL_FLOAT32 || m->t[op->in[1]].type != TFL_FLOAT32 ||
	    model_is_const(m, op->in[0]) || model_is_const(m, op->in[1]) ||
	    !model_is_const(m, op->in[2]) || m->t[op->in[2]].type != TFL_FLOAT32)
		return QERR(q, -EOPNOTSUPP, "%s (operator %u): needs float32 box encodings and "
			    "class scores computed by the model, and float32 constant anchors",
			    MODEL_DETECT_CUSTOM, at);
	for (j = 0; j < op->n_out; j++)
		for (k = 0; k < m->n_ops; k++)
			for (i = 0; i < m->ops[k].n_in; i++)
				if (m->ops[k].in[i] == op->out[j])
					return QERR(q, -EOPNOTSUPP, "%s (operator %u): output %u is read "
						    "by operator %u: only a closing one is quantized",
						    MODEL_DETECT_CUSTOM, at, j, k);
	outs = malloc(sizeof(*outs) * (m->n_out + 2));
	if (!outs)
		return -ENOMEM;
	q->det_out = m->out;
	q->det_n_out = m->n_out;
	m->n_out = 0;
	for (i = 0; i < q->det_n_out; i++) {
		for (j = 0; j < op->n_out && op->out[j] != q->det_out[i]; j++)
			;
		if (j == op->n_out)
			outs[m->n_out++] = q->det_out[i];
	}
	for (j = 0; j < 2; j++) {
		for (i = 0; i < m->n_out && outs[i] != op->in[j]; i++)
			;
		if (i == m->n_out)
			outs[m->n_out++] = op->in[j];
	}
	m->out = outs;
	q->det_op = *op;
	memmove(op, op + 1, (m->n_ops - at - 1) * sizeof(*op));
	m->n_ops--;
	return 0;
}

/*
 * Step 6: the detection op back on the int8 model @m: DEQUANTIZE ops of
 * its two inputs, its anchors and outputs float32 again, the float
 * model's outputs.
 */
static int attach_detect(struct qctx *q, struct edgeai_model *m)
{
	struct model_op *ops, *op = &q->det_op;
	int32_t anc;
	int r, t, b;
	void *data;

	if (!op->code)
		return 0;
	anc = op->in[2];
	for (int j = 0; j < 2; j++) {
		t = add_tensor(m, op->in[j], TFL_FLOAT32, "_dequantized");
		if (t < 0)
			return t;
		r = add_op(m, m->n_ops, TFL_OP_DEQUANTIZE, 2, op->in[j], t);
		if (r < 0)
			return r;
		op->in[j] = t;
	}
	/* the anchors as the float model has them (step 4 may have quantized them) */
	data = base_memdup(q->fm->buf[q->fm->t[anc].buffer].data,
			   q->fm->buf[q->fm->t[anc].buffer].size);
	if (!data)
		return -ENOMEM;
	b = add_buffer(m, data, q->fm->buf[q->fm->t[anc].buffer].size);
	if (b < 0) {
		free(data);
		return b;
	}
	m->t[anc].buffer = (uint32_t)b;
	m->t[anc].type = TFL_FLOAT32;
	model_quant_free(&m->t[anc].q);
	for (uint32_t j = 0; j < op->n_out; j++) {
		m->t[op->out[j]].type = TFL_FLOAT32;
		model_quant_free(&m->t[op->out[j]].q);
	}
	ops = realloc(m->ops, (m->n_ops + 1) * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	m->ops = ops;
	m->ops[m->n_ops++] = *op;
	memset(op, 0, sizeof(*op));
	free(m->out);
	m->out = q->det_out;
	m->n_out = q->det_n_out;
	q->det_out = NULL;
	return 0;
}

/*
 * A new buffer of the @n values of constant @in in float32: fp16, or
 * int8/uint8 with quantization parameters (per tensor or per channel along
 * in->q.dim). Its index, -EOPNOTSUPP for any other type, or -ENOMEM.
 */
static int add_f32_buffer(struct edgeai_model *m, const struct model_tensor *in, uint64_t n)
{
	const uint8_t *d = m->buf[in->buffer].data;
	uint64_t inner = 1;
	float *f;
	int b;

	if (in->type != TFL_FLOAT16 && !((in->type == TFL_INT8 || in->type == TFL_UINT8) && in->q.n))
		return -EOPNOTSUPP;
	f = malloc(n ? n * sizeof(float) : 1);
	if (!f)
		return -ENOMEM;
	if (in->q.n > 1)
		for (uint32_t d2 = (uint32_t)in->q.dim + 1; d2 < in->rank; d2++)
			inner *= (uint64_t)in->shape[d2];
	for (uint64_t i = 0; i < n; i++) {
		uint32_t c = in->q.n > 1 ? (uint32_t)((i / inner) % in->q.n) : 0;
		uint16_t h;

		if (in->type == TFL_FLOAT16) {
			memcpy(&h, d + 2 * i, 2);
			f[i] = model_half_to_float(h);
		} else {
			f[i] = in->q.scale[c] * (float)((in->type == TFL_INT8 ? (int32_t)(int8_t)d[i] :
							 (int32_t)d[i]) - in->q.zero_point[c]);
		}
	}
	b = add_buffer(m, f, n * sizeof(float));
	if (b < 0)
		free(f);
	return b;
}

/*
 * Step 1: DENSIFY of a constant (which the reader made dense) -> that
 * constant; DEQUANTIZE of a constant -> float32 constant. In operator
 * order, so a DEQUANTIZE of a DENSIFY's output folds too.
 */
static int fold_dequantize(struct edgeai_model *m, uint32_t *ret_folded)
{
	uint32_t folded = 0;

	for (uint32_t k = 0; k < m->n_ops; k++) {
		struct model_op *op = &m->ops[k];
		struct model_tensor *in, *out;
		uint64_t n, n_out;
		int b;

		if ((op->code != TFL_OP_DEQUANTIZE && op->code != TFL_OP_DENSIFY) || op->n_in != 1 ||
		    op->n_out != 1 || !model_is_const(m, op->in[0]))
			continue;
		in = &m->t[op->in[0]];
		out = &m->t[op->out[0]];
		if (op->code == TFL_OP_DENSIFY) {
			/* the output shares the dense constant's buffer */
			if (out->type == in->type && model_tensor_elems(in, &n) == 0 &&
			    model_tensor_elems(out, &n_out) == 0 && n == n_out) {
				out->buffer = in->buffer;
				op->code = -1;
			}
			continue;
		}
		if (out->type != TFL_FLOAT32 || model_tensor_elems(in, &n) < 0)
			continue;
		b = add_f32_buffer(m, in, n);
		if (b == -EOPNOTSUPP)
			continue;
		if (b < 0)
			return b;
		m->t[op->out[0]].buffer = (uint32_t)b;
		op->code = -1;
		folded++;
	}
	*ret_folded = folded;
	return model_prune(m);
}

/*
 * Step 1, after fold_dequantize(): a dynamic-range ("hybrid") model's
 * weights. TFLite's converter without a representative dataset leaves the
 * activations float32 and stores the weights of CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, ... as int8 constants with their scales, which those
 * float ops read directly. Each int8/uint8 constant with quantization
 * parameters that only ops with float32 outputs read becomes the float32
 * constant of its dequantized values, so the model is the float model it
 * approximates. *@ret_folded counts them.
 */
static int fold_hybrid_weights(struct edgeai_model *m, uint32_t *ret_folded)
{
	_cleanup_free_ uint8_t *state = calloc(m->n_tensors ? m->n_tensors : 1, 1);
	enum { UNREAD, FLOAT_READ, OTHER_READ };

	if (!state)
		return -ENOMEM;
	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];
		int float_out = op->n_out > 0 && op->out[0] >= 0 &&
				m->t[op->out[0]].type == TFL_FLOAT32;

		for (uint32_t j = 0; j < op->n_in; j++) {
			int32_t t = op->in[j];

			if (t < 0)
				continue;
			if (!float_out)
				state[t] = OTHER_READ;
			else if (state[t] == UNREAD)
				state[t] = FLOAT_READ;
		}
	}
	for (uint32_t i = 0; i < m->n_tensors; i++) {
		struct model_tensor *t = &m->t[i];
		uint64_t n;
		int b;

		if (state[i] != FLOAT_READ || !model_is_const(m, (int32_t)i) ||
		    (t->type != TFL_INT8 && t->type != TFL_UINT8) || model_tensor_elems(t, &n) < 0)
			continue;
		b = add_f32_buffer(m, t, n);
		if (b == -EOPNOTSUPP)
			continue;
		if (b < 0)
			return b;
		t->buffer = (uint32_t)b;
		t->type = TFL_FLOAT32;
		model_quant_free(&t->q);
		(*ret_folded)++;
	}
	return model_prune(m);
}

/*
 * Step 1a': a float DIV by a constant as a MUL by its reciprocal (each
 * value 1 / c in float), as TFLite's converter rewrites it: TFLite has no
 * int8 DIV, and a MUL of a one-element constant compiles to one table.
 * A constant shared with other ops keeps its values (the reciprocals get
 * a tensor of their own); a divisor of 0 or not finite leaves the DIV,
 * which the float reference then names.
 */
static int div_by_constants(struct edgeai_model *m)
{
	uint32_t rewritten = 0;

	for (uint32_t i = 0; i < m->n_ops; i++) {
		struct model_op *op = &m->ops[i];
		const struct model_tensor *k;
		const float *src;
		float *r;
		size_t n, j;
		int t;

		if (op->code != TFL_OP_DIV || op->n_in != 2 || op->n_out != 1 || op->in[1] < 0 ||
		    op->in[0] < 0 || m->t[op->in[0]].type != TFL_FLOAT32)
			continue;
		k = &m->t[op->in[1]];
		if (k->type != TFL_FLOAT32 || !k->buffer || !m->buf[k->buffer].data ||
		    k->is_variable || !m->buf[k->buffer].size || m->buf[k->buffer].size % 4)
			continue;
		src = (const float *)m->buf[k->buffer].data;
		n = m->buf[k->buffer].size / 4;
		for (j = 0; j < n; j++)
			if (!isfinite(src[j]) || src[j] == 0.0f)
				break;
		if (j < n)
			continue;
		r = malloc(n * sizeof(*r));
		if (!r)
			return -ENOMEM;
		for (j = 0; j < n; j++)
			r[j] = 1.0f / src[j];
		t = add_const_f32(m, op->in[1], r, n, "/reciprocal");
		if (t < 0)
			return t;
		op = &m->ops[i];
		op->in[1] = t;
		op->code = TFL_OP_MUL;
		op->version = 1;
		op->o.type = TFL_OPT_MUL;
		rewritten++;
	}
	return rewritten ? model_prune(m) : 0;
}

/*
 * Step 1b: RELU/RELU6 into its producer. The producer (without an
 * activation of its own, or RELU under a RELU6) gets the activation and
 * the RELU's output tensor; the RELU goes. Not when the producer's output
 * is a graph output or has another reader.
 */
static int fuse_activations(struct edgeai_model *m, uint32_t *ret_fused)
{
	uint32_t fused = 0;

	for (uint32_t i = 0; i < m->n_ops; i++) {
		struct model_op *a = &m->ops[i], *p = NULL;
		int32_t t, act;
		uint32_t uses = 0, j, k;
		uint8_t opt;

		if ((a->code != TFL_OP_RELU && a->code != TFL_OP_RELU6) || a->n_in != 1 ||
		    a->n_out != 1 || a->in[0] < 0 || a->out[0] < 0)
			continue;
		t = a->in[0];
		for (j = 0; j < i; j++)
			if (m->ops[j].code >= 0 && m->ops[j].n_out == 1 && m->ops[j].out[0] == t) {
				p = &m->ops[j];
				break;
			}
		if (!p)
			continue;
		switch (p->code) {
		case TFL_OP_CONV_2D: opt = TFL_OPT_CONV2D; break;
		case TFL_OP_DEPTHWISE_CONV_2D: opt = TFL_OPT_DEPTHWISE; break;
		case TFL_OP_FULLY_CONNECTED: opt = TFL_OPT_FULLY_CONNECTED; break;
		case TFL_OP_ADD: opt = TFL_OPT_ADD; break;
		default: continue;
		}
		if (p->o.type != opt && !(p->o.type == TFL_OPT_NONE && p->code == TFL_OP_ADD))
			continue;
		act = a->code == TFL_OP_RELU6 ? TFL_ACT_RELU6 : TFL_ACT_RELU;
		if (p->o.act == TFL_ACT_RELU6 || (p->o.act == TFL_ACT_RELU && act == TFL_ACT_RELU))
			act = p->o.act;	/* already at least as tight */
		else if (p->o.act != TFL_ACT_NONE && p->o.act != TFL_ACT_RELU)
			continue;
		for (k = 0; k < m->n_out; k++)
			uses += m->out[k] == t;
		for (k = 0; k < m->n_ops; k++)
			for (uint32_t l = 0; l < m->ops[k].n_in; l++)
				uses += m->ops[k].code >= 0 && m->ops[k].in[l] == t;
		if (uses != 1 || m->t[t].type != TFL_FLOAT32)
			continue;
		p->o.type = opt;
		p->o.act = (int8_t)act;
		p->out[0] = a->out[0];
		a->code = -1;
		fused++;
	}
	*ret_fused = fused;
	return fused ? model_prune(m) : 0;
}

/*
 * Step 1b': a zero bias for each CONV_2D and DEPTHWISE_CONV_2D without one,
 * as the TFLite converter writes them: TFLite 2.9's int8 CONV_2D refuses
 * to prepare without a bias (conv.cc: "has_bias was not true").
 */
static int add_zero_biases(struct edgeai_model *m)
{
	for (uint32_t k = 0; k < m->n_ops; k++) {
		struct model_op *op = &m->ops[k];
		const struct model_tensor *w;
		int32_t nch;
		float *zeros;
		int t;

		if ((op->code != TFL_OP_CONV_2D && op->code != TFL_OP_DEPTHWISE_CONV_2D) || op->n_in < 2 ||
		    (op->n_in > 2 && op->in[2] >= 0) || op->in[1] < 0 || op->n_out < 1)
			continue;
		w = &m->t[op->in[1]];
		if (w->rank != 4 || w->type != TFL_FLOAT32)
			continue;	/* refused with a message when the weights are quantized */
		nch = w->shape[op->code == TFL_OP_CONV_2D ? 0 : 3];
		if (nch <= 0)
			continue;
		if (op->n_in < 3) {
			int32_t *in = realloc(op->in, 3 * sizeof(int32_t));

			if (!in)
				return -ENOMEM;
			op->in = in;
			op->in[2] = -1;
			op->n_in = 3;
		}
		zeros = calloc((size_t)nch, sizeof(float));
		if (!zeros)
			return -ENOMEM;
		t = add_const_f32(m, op->out[0], zeros, (size_t)nch, "/zero_bias");
		if (t < 0)
			return t;
		m->t[t].rank = 1;
		m->t[t].shape[0] = nch;
		op->in[2] = t;
	}
	return 0;
}

/* The constant slots whose quantization depends on their operator. */
static int per_consumer_slot(const struct model_op *op, uint32_t j)
{
	switch (op->code) {
	case TFL_OP_CONV_2D: case TFL_OP_DEPTHWISE_CONV_2D: case TFL_OP_FULLY_CONNECTED:
		return j == 1 || j == 2;	/* weights, bias */
	default:
		return 0;
	}
}

/*
 * Step 1c: a float constant read by the weights or bias slot of a CONV_2D,
 * DEPTHWISE_CONV_2D or FULLY_CONNECTED and by any other slot too (the
 * converter stores one zero bias for many convolutions) gets a tensor of
 * its own for each such slot, on the same float buffer: the int32 bias
 * has scale s_in * s_w[c] of its consumer, and the weights' axis and
 * per-channel-ness depend on the operator. A constant with no other slot
 * keeps its tensor. (*ret_origin)[t] is the tensor a copy was made of, -1
 * for the others; build_int8() folds copies whose int8 or int32 tensor is
 * the same back into one.
 */
static int unshare_constants(struct edgeai_model *m, int32_t **ret_origin)
{
	_cleanup_free_ uint32_t *uses = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(uint32_t));
	_cleanup_free_ uint8_t *other = calloc(m->n_tensors ? m->n_tensors : 1, 1);
	_cleanup_free_ uint32_t *ncopy = calloc(m->n_tensors ? m->n_tensors : 1, sizeof(uint32_t));
	_cleanup_free_ int32_t *origin = NULL;
	uint32_t n0 = m->n_tensors;

	if (!uses || !other || !ncopy)
		return -ENOMEM;
	for (uint32_t k = 0; k < m->n_ops; k++)
		for (uint32_t j = 0; j < m->ops[k].n_in; j++) {
			int32_t t = m->ops[k].in[j];

			if (t < 0)
				continue;
			uses[t]++;
			if (!per_consumer_slot(&m->ops[k], j))
				other[t] = 1;
		}
	for (uint32_t i = 0; i < m->n_out; i++)
		if (m->out[i] >= 0) {
			uses[m->out[i]]++;
			other[m->out[i]] = 1;
		}
	origin = malloc((n0 + 1) * sizeof(int32_t));
	if (!origin)
		return -ENOMEM;
	for (uint32_t i = 0; i < n0; i++)
		origin[i] = -1;
	for (uint32_t k = 0; k < m->n_ops; k++) {
		for (uint32_t j = 0; j < m->ops[k].n_in; j++) {
			int32_t t = m->ops[k].in[j], *o;
			char suffix[16];
			int nt;

			if (t < 0 || !per_consumer_slot(&m->ops[k], j) || uses[t] < 2 ||
			    !model_is_const(m, t) || m->t[t].type != TFL_FLOAT32)
				continue;
			if (!other[t]) {
				/* the first per-consumer slot keeps the tensor */
				other[t] = 1;
				continue;
			}
			snprintf(suffix, sizeof(suffix), "_%u", ++ncopy[t]);
			nt = add_tensor(m, t, TFL_FLOAT32, suffix);
			if (nt < 0)
				return nt;
			o = realloc(origin, (size_t)(nt + 1) * sizeof(int32_t));
			if (!o)
				return -ENOMEM;
			origin = o;
			origin[nt] = t;
			m->t[nt].buffer = m->t[t].buffer;
			m->ops[k].in[j] = nt;
		}
	}
	*ret_origin = TAKE_PTR(origin);
	return 0;
}

/*
 * Step 1: MediaPipe's Convolution2DTransposeBias -> TFLite's builtin
 * TRANSPOSE_CONV, which TFLite 2.9 runs in int8 (the custom op is float
 * only): inputs output_shape (a new int32 constant), weights, input, bias;
 * the padding (SAME or VALID) whose TFLite cut equals MediaPipe's.
 */
static int tconv_to_builtin(struct edgeai_model *m, char *err, size_t errsz)
{
	for (uint32_t k = 0; k < m->n_ops; k++) {
		struct model_op *op = &m->ops[k];
		struct model_tconv mp, bt;
		struct model_op b;
		int32_t *in, *shape;
		int nt, nb, ok = 0;

		if (op->code != TFL_OP_CUSTOM || !model_is_tconv(op))
			continue;
		if (model_tconv(m, op, &mp) < 0 || mp.bias < 0)
			return base_errf(err, errsz, -EBADMSG, "operator %u (%s): shapes do not fit "
					 "its input, weights, bias and options", k, op->custom_code);
		in = malloc(4 * sizeof(*in));
		shape = malloc(4 * sizeof(*shape));
		if (!in || !shape) {
			free(in);
			free(shape);
			return -ENOMEM;
		}
		in[1] = mp.filter;
		in[2] = mp.in;
		in[3] = mp.bias;
		b = *op;
		b.code = TFL_OP_TRANSPOSE_CONV;
		b.in = in;
		b.n_in = 4;
		for (int pad = TFL_PAD_SAME; pad <= TFL_PAD_VALID && !ok; pad++) {
			b.o.padding = (int8_t)pad;
			ok = model_tconv(m, &b, &bt) == 0 && bt.pad_h == mp.pad_h &&
			     bt.pad_w == mp.pad_w;
		}
		if (!ok) {
			free(in);
			free(shape);
			return base_errf(err, errsz, -EOPNOTSUPP, "operator %u (%s): its cut (%d, %d) "
					 "is neither SAME's nor VALID's of TRANSPOSE_CONV", k,
					 op->custom_code, mp.pad_h, mp.pad_w);
		}
		for (int d = 0; d < 4; d++)
			shape[d] = m->t[mp.out].shape[d];
		nb = add_buffer(m, shape, 4 * sizeof(*shape));
		if (nb < 0) {
			free(in);
			free(shape);
			return nb;
		}
		nt = add_tensor(m, mp.out, TFL_INT32, "_shape");
		if (nt < 0) {
			free(in);
			return nt;
		}
		m->t[nt].rank = 1;
		m->t[nt].shape[0] = 4;
		m->t[nt].buffer = (uint32_t)nb;
		in[0] = nt;
		op = &m->ops[k];
		free(op->in);
		free(op->custom_code);
		op->custom_code = NULL;
		free(op->custom_options);
		op->custom_options = NULL;
		op->n_custom_options = 0;
		op->in = in;
		op->n_in = 4;
		op->code = TFL_OP_TRANSPOSE_CONV;
		op->version = 3;
		op->o.type = TFL_OPT_TRANSPOSE_CONV;
		op->o.padding = b.o.padding;
	}
	return 0;
}

/* Union-find */
static int32_t find(int32_t *p, int32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static void unite(int32_t *p, int32_t a, int32_t b)
{
	a = find(p, a);
	b = find(p, b);
	if (a != b) {
		if (a < b)
			p[b] = a;
		else
			p[a] = b;
	}
}

static int ties_in_out(int32_t code)
{
	switch (code) {
	case TFL_OP_MAX_POOL_2D: case TFL_OP_AVERAGE_POOL_2D: case TFL_OP_RESHAPE:
	case TFL_OP_SQUEEZE: case TFL_OP_PAD: case TFL_OP_RESIZE_BILINEAR:
	case TFL_OP_RESIZE_NEAREST_NEIGHBOR: case TFL_OP_STRIDED_SLICE: case TFL_OP_TRANSPOSE:
	case TFL_OP_DEPTH_TO_SPACE: case TFL_OP_SPACE_TO_DEPTH: case TFL_OP_EXPAND_DIMS:
	case TFL_OP_SLICE: case TFL_OP_REDUCE_MAX: case TFL_OP_MIRROR_PAD: case TFL_OP_GATHER:
	case TFL_OP_REDUCE_MIN: case TFL_OP_SPACE_TO_BATCH_ND: case TFL_OP_BATCH_TO_SPACE_ND:
	case TFL_OP_TILE: case TFL_OP_BROADCAST_TO: case TFL_OP_REVERSE_V2:
		return 1;	/* input 0 and output */
	case TFL_OP_CONCATENATION: case TFL_OP_MAXIMUM: case TFL_OP_MINIMUM: case TFL_OP_PACK:
	case TFL_OP_PADV2:
		return 2;	/* every float input (PADV2: and its constant value) and output */
	case TFL_OP_SPLIT: case TFL_OP_SPLIT_V: case TFL_OP_UNPACK:
		return 3;	/* the input split and every output */
	default:
		return 0;
	}
}

static void calib_hook(void *userdata, uint32_t t, float *data, size_t n)
{
	struct qctx *q = userdata;
	float lo = q->mn[t], hi = q->mx[t];

	for (size_t i = 0; i < n; i++) {
		lo = data[i] < lo ? data[i] : lo;
		hi = data[i] > hi ? data[i] : hi;
	}
	q->mn[t] = lo;
	q->mx[t] = hi;
	q->seen[t] = 1;
	if (q->pv && n) {
		size_t step = n > PCT_PER_SAMPLE ? n / PCT_PER_SAMPLE : 1;

		for (size_t i = 0; i < n && q->pn[t] < q->pcap; i += step)
			q->pv[t][q->pn[t]++] = data[i];
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* TFLite converter's asymmetric int8 parameters for the range [lo, hi]. */
static void choose_qparams(float lo, float hi, int32_t qmin, int32_t qmax, float *ret_scale,
			   int32_t *ret_zp)
{
	double scale, zp;

	if (!(lo <= 0.0f))
		lo = 0.0f;
	if (!(hi >= 0.0f))
		hi = 0.0f;
	if (hi - lo < 1e-6f)
		hi = lo + 1e-6f;
	scale = ((double)hi - (double)lo) / (double)(qmax - qmin);
	zp = (double)qmin - (double)lo / scale;
	*ret_scale = (float)scale;
	if (zp < qmin)
		*ret_zp = qmin;
	else if (zp > qmax)
		*ret_zp = qmax;
	else
		*ret_zp = (int32_t)lround(zp);
}

struct fixedq {
	float scale;
	int32_t zp;
};

static int fixed_output(int32_t code, struct fixedq *f)
{
	switch (code) {
	case TFL_OP_SOFTMAX: case TFL_OP_LOGISTIC:
		*f = (struct fixedq){ 1.0f / 256.0f, -128 };
		return 1;
	case TFL_OP_TANH: case TFL_OP_L2_NORMALIZATION:
		*f = (struct fixedq){ 1.0f / 128.0f, 0 };
		return 1;
	default:
		return 0;
	}
}

/* The int8 scale of weights whose largest magnitude is @mx (1 for all zeros). */
static float weight_scale(float mx)
{
	return mx > 0 ? mx / 127.0f : 1.0f;
}

/* The per-tensor weight_scale() of float weights @t. */
static float tensor_weight_scale(const struct edgeai_model *m, int32_t t)
{
	const struct model_buffer *b = &m->buf[m->t[t].buffer];
	const float *w = (const float *)b->data;
	float mx = 0.0f;

	for (size_t i = 0; i < b->size / 4; i++)
		mx = fmaxf(mx, fabsf(w[i]));
	return weight_scale(mx);
}

/* Whether SUM @op adds several values into its input's own quantization. */
static int sum_in_place(const struct qctx *q, const struct model_op *op)
{
	const struct edgeai_model *m = q->fm;
	int32_t a = op->in[0], out = op->out[0];
	uint64_t ni, no;

	return !model_tensor_elems(&m->t[a], &ni) && !model_tensor_elems(&m->t[out], &no) &&
	       ni != no && q->scale[a] == q->scale[out] && q->zp[a] == q->zp[out];
}

/* The smallest output scale TFLite takes for FULLY_CONNECTED op @op, or 0. */
static double fc_min_scale(const struct qctx *q, const struct model_op *op)
{
	const struct edgeai_model *m = q->fm;
	float s_in, s_w;
	int32_t w;

	if (op->n_in < 3 || op->in[2] < 0 || op->in[0] < 0 || (w = op->in[1]) < 0 ||
	    m->t[w].type != TFL_FLOAT32 || m->t[w].buffer <= 0 ||
	    !m->buf[m->t[w].buffer].size)
		return 0;
	s_in = q->scale[op->in[0]];
	s_w = tensor_weight_scale(m, w);
	return 50.0 * fabs((double)s_in * (double)s_w - (double)(s_in * s_w));
}

/*
 * Output scales TFLite's kernels cannot rescale to. ADD and SUB (add.cc,
 * sub.cc Prepare) rescale their sum by 2 max(s1, s2) / (2^20 s_out) with
 * QuantizeMultiplierSmallerThanOneExp, which aborts the interpreter where
 * that is 1 or more: an output whose calibrated range is a millionth of
 * its inputs' (a difference of equal values, always 0); SQUARED_DIFFERENCE
 * likewise at (2 max(s1, s2))^2 / 2^14 (squared_difference.cc). HARD_SWISH
 * (HardSwishPrepare) refuses an output scale at or below 1/128 of its
 * input's (an input far below -3 everywhere: always 0). Such an output's
 * group gets the narrowest range TFLite takes, a hundredth wider, from its
 * low end up. FULLY_CONNECTED (GetQuantizedConvolutionMultipler) refuses
 * an output scale below 50 times the gap between s_in * s_w in double and
 * the bias scale, that product in float (an output always 0: its scale a
 * millionth). A SUM of several values whose output range came out its
 * input's (a sum of a row and rows of zeros) would make TFLite add the
 * stored bytes, wrapping; its output gets a range a hundredth wider. Ops
 * in the model's order, so that a later op sees an earlier one's output
 * scale.
 */
static int widen_outputs(struct qctx *q, const float *glo, const float *ghi,
			 const uint8_t *has_fix)
{
	struct edgeai_model *m = q->fm;

	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];
		int32_t a, b, out, g;
		double tm, need;
		float lo;

		if (op->code == TFL_OP_HARD_SWISH && op->n_in >= 1 && op->n_out >= 1) {
			a = b = op->in[0];
		} else if ((op->code == TFL_OP_FULLY_CONNECTED || op->code == TFL_OP_SUM) &&
			   op->n_in >= 2 && op->n_out >= 1) {
			a = b = op->in[0];
		} else if ((op->code == TFL_OP_ADD || op->code == TFL_OP_SUB ||
			    op->code == TFL_OP_SQUARED_DIFFERENCE) && op->n_in == 2 && op->n_out >= 1) {
			a = op->in[0];
			b = op->in[1];
		} else {
			continue;
		}
		out = op->out[0];
		if (a < 0 || b < 0 || out < 0 || m->t[out].type != TFL_FLOAT32 ||
		    m->t[a].type != TFL_FLOAT32 || m->t[b].type != TFL_FLOAT32)
			continue;
		g = find(q->parent, out);
		/* the smallest output scale TFLite takes: above tm */
		tm = 2.0 * (double)(q->scale[a] > q->scale[b] ? q->scale[a] : q->scale[b]);
		if (op->code == TFL_OP_HARD_SWISH)
			tm = (double)((1.0f / 128.0f) * q->scale[a]);
		else if (op->code == TFL_OP_FULLY_CONNECTED)
			tm = fc_min_scale(q, op);
		else if (op->code == TFL_OP_SUM)
			tm = sum_in_place(q, op) ? (double)q->scale[out] : 0;
		else if (op->code == TFL_OP_SQUARED_DIFFERENCE)
			tm = tm * tm / (double)(1 << 14);
		else
			tm /= (double)(1 << 20);
		if (has_fix[g] || tm / (double)q->scale[out] < 1.0)
			continue;
		need = tm * 1.01 * 255.0;
		lo = glo[g] <= ghi[g] && glo[g] < 0.0f ? glo[g] : 0.0f;
		for (uint32_t i = 0; i < q->nt; i++)
			if (m->t[i].type == TFL_FLOAT32 && find(q->parent, (int32_t)i) == g)
				choose_qparams(lo, (float)((double)lo + need), -128, 127, &q->scale[i],
					       &q->zp[i]);
	}
	return 0;
}

/*
 * Whether float tensor @t is the output of an op with a fixed output
 * quantization (LOGISTIC, SOFTMAX: 1/256, -128; TANH...), that in *@f.
 */
static int pinned(const struct edgeai_model *m, int32_t t, struct fixedq *f)
{
	struct fixedq g;

	for (uint32_t k = 0; k < m->n_ops; k++)
		if (m->ops[k].n_out >= 1 && m->ops[k].out[0] == t &&
		    fixed_output(m->ops[k].code, f ? f : &g))
			return 1;
	return 0;
}

/*
 * A CONCATENATION (or another op whose inputs share its output's
 * quantization) of such a fixed output and anything else: a sigmoid's
 * scores beside raw box offsets, as YOLO-style heads concatenate them.
 * Tying them would give the other inputs the fixed range (the offsets
 * clipped to [0, 1)) or two fixed ranges at once; TFLite's converter
 * instead gives the op its own range and requantizes the fixed input into
 * it. Its fixed inputs then stay apart (build_int8() adds the QUANTIZE).
 * Not where every float input has the same fixed quantization.
 */
static int pinned_apart(const struct edgeai_model *m, const struct model_op *op)
{
	struct fixedq f0 = { 0 }, f;
	int any = 0, other = 0;

	for (uint32_t j = 0; j < op->n_in; j++) {
		if (op->in[j] < 0 || m->t[op->in[j]].type != TFL_FLOAT32)
			continue;
		if (!pinned(m, op->in[j], &f))
			other = 1;
		else if (!any++)
			f0 = f;
		else if (f.scale != f0.scale || f.zp != f0.zp)
			other = 1;
	}
	return any && other;
}

/*
 * In the int8 model: each input of a CONCATENATION, MAXIMUM, MINIMUM, PACK
 * or PADV2 quantized otherwise than its output (pinned_apart()) is read
 * through a QUANTIZE (int8 to int8: TFLite's Requantize) into the
 * output's scale and zero point, added before the op.
 */
static int requantize_apart(struct edgeai_model *m)
{
	for (uint32_t k = 0; k < m->n_ops; k++) {
		int32_t out = m->ops[k].out[0];

		if (ties_in_out(m->ops[k].code) != 2 || m->t[out].type != TFL_INT8 ||
		    m->t[out].q.n != 1)
			continue;
		for (uint32_t j = 0; j < m->ops[k].n_in; j++) {
			int32_t in = m->ops[k].in[j];
			int nt, r;

			if (in < 0 || m->t[in].type != TFL_INT8 || m->t[in].q.n != 1 ||
			    model_is_const(m, in) ||
			    (m->t[in].q.scale[0] == m->t[out].q.scale[0] &&
			     m->t[in].q.zero_point[0] == m->t[out].q.zero_point[0]))
				continue;
			nt = add_tensor(m, in, TFL_INT8, "_requantized");
			if (nt < 0)
				return nt;
			set_q1(&m->t[nt], m->t[out].q.scale[0], m->t[out].q.zero_point[0]);
			if (!m->t[nt].q.n)
				return -ENOMEM;
			/* QUANTIZE version 2: int8 in and out */
			r = add_op(m, k, TFL_OP_QUANTIZE, 2, in, nt);
			if (r < 0)
				return r;
			k++;
			m->ops[k].in[j] = nt;
		}
	}
	return 0;
}

/* Step 3: parameters of every float activation (and tied constant). */
static int choose_activation_params(struct qctx *q, float percentile)
{
	struct edgeai_model *m = q->fm;
	_cleanup_free_ float *glo = NULL, *ghi = NULL;
	_cleanup_free_ struct fixedq *gfix = NULL;
	_cleanup_free_ uint8_t *has_fix = NULL;

	for (uint32_t i = 0; i < q->nt; i++)
		q->parent[i] = (int32_t)i;
	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];
		int kind = ties_in_out(op->code), apart = kind == 2 && pinned_apart(m, op);

		if (kind == 1 && m->t[op->in[0]].type == TFL_FLOAT32)
			unite(q->parent, op->in[0], op->out[0]);
		for (uint32_t j = 0; kind == 2 && j < op->n_in; j++)
			if (op->in[j] >= 0 && m->t[op->in[j]].type == TFL_FLOAT32 &&
			    !(apart && pinned(m, op->in[j], NULL)))
				unite(q->parent, op->in[j], op->out[0]);
		for (uint32_t j = 0; kind == 3 && j < op->n_out; j++) {
			int32_t src = op->in[op->code == TFL_OP_SPLIT && op->n_in > 1 ? 1 : 0];

			if (src >= 0 && m->t[src].type == TFL_FLOAT32)
				unite(q->parent, src, op->out[j]);
		}
	}

	glo = malloc(q->nt * sizeof(float));
	ghi = malloc(q->nt * sizeof(float));
	gfix = calloc(q->nt, sizeof(*gfix));
	has_fix = calloc(q->nt, 1);
	if (!glo || !ghi || !gfix || !has_fix)
		return -ENOMEM;
	for (uint32_t i = 0; i < q->nt; i++) {
		glo[i] = INFINITY;
		ghi[i] = -INFINITY;
	}
	for (uint32_t i = 0; i < q->nt; i++) {
		int32_t g = find(q->parent, (int32_t)i);
		float lo = q->mn[i], hi = q->mx[i];

		if (m->t[i].type != TFL_FLOAT32)
			continue;
		if (model_is_const(m, (int32_t)i)) {
			const float *d = (const float *)m->buf[m->t[i].buffer].data;
			size_t n = m->buf[m->t[i].buffer].size / sizeof(float);

			lo = INFINITY;
			hi = -INFINITY;
			for (size_t k = 0; k < n; k++) {
				float v;

				memcpy(&v, d + k, sizeof(v));
				lo = fminf(lo, v);
				hi = fmaxf(hi, v);
			}
		} else if (!q->seen[i]) {
			continue;
		} else if (percentile > 0 && q->pv && q->pn[i] > 1) {
			size_t n = q->pn[i], a, b;

			qsort(q->pv[i], n, sizeof(float), cmp_float);
			a = (size_t)floor((double)(100.0f - percentile) / 100.0 * (double)(n - 1));
			b = (size_t)ceil((double)percentile / 100.0 * (double)(n - 1));
			lo = fmaxf(lo, q->pv[i][a]);
			hi = fminf(hi, q->pv[i][b]);
		}
		glo[g] = fminf(glo[g], lo);
		ghi[g] = fmaxf(ghi[g], hi);
	}
	for (uint32_t k = 0; k < m->n_ops; k++) {
		struct fixedq f;
		int32_t g;

		if (!fixed_output(m->ops[k].code, &f))
			continue;
		g = find(q->parent, m->ops[k].out[0]);
		if (has_fix[g] && (gfix[g].scale != f.scale || gfix[g].zp != f.zp))
			return QERR(q, -EOPNOTSUPP, "tensor '%s' needs two different fixed quantizations",
				    m->t[m->ops[k].out[0]].name);
		has_fix[g] = 1;
		gfix[g] = f;
	}
	for (uint32_t i = 0; i < q->nt; i++) {
		int32_t g = find(q->parent, (int32_t)i);

		if (m->t[i].type != TFL_FLOAT32)
			continue;
		if (has_fix[g]) {
			q->scale[i] = gfix[g].scale;
			q->zp[i] = gfix[g].zp;
		} else if (glo[g] <= ghi[g]) {
			choose_qparams(glo[g], ghi[g], -128, 127, &q->scale[i], &q->zp[i]);
		} else {
			/* never computed (not reached by any sample): any valid grid */
			choose_qparams(0.0f, 1.0f, -128, 127, &q->scale[i], &q->zp[i]);
		}
	}
	return widen_outputs(q, glo, ghi, has_fix);
}

/*
 * A float constant to be quantized must be finite: no 8-bit value stands
 * for NaN or an infinity, and a scale made from one is not finite either.
 */
static int const_finite(struct qctx *q, int32_t t, const float *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(d[i]))
			return QERR(q, -EBADMSG, "constant '%s' holds %s at element %zu: it cannot be "
				    "quantized", q->fm->t[t].name, isnan(d[i]) ? "NaN" : "an infinity",
				    i);
	return 0;
}

/* x rounded half away from zero, within +-2^30 (NaN: 0): no long overflows after it */
static long q_round(float x)
{
	return x >= 0x1p30f ? 1L << 30 : x <= -0x1p30f ? -(1L << 30) : x == x ? lroundf(x) : 0;
}

/* Step 4 */
static int quantize_weights(struct qctx *q, int32_t t, int axis, int per_channel)
{
	const struct model_tensor *ten = &q->fm->t[t];
	struct qconst *c = &q->qc[t];
	const float *w = (const float *)q->fm->buf[ten->buffer].data;
	size_t n = q->fm->buf[ten->buffer].size / 4, inner = 1, nch;

	if (axis >= (int)ten->rank)
		return QERR(q, -EBADMSG, "weights '%s' have rank %u", ten->name, ten->rank);
	nch = per_channel ? (size_t)ten->shape[axis] : 1;
	/* a second reader of the same tensor only where it is quantized alike */
	if (q->done[t])
		return c->kind == QC_WEIGHTS && c->n_scale == nch && c->dim == (per_channel ? axis : 0) ? 0 :
			QERR(q, -EOPNOTSUPP, "constant '%s' is used in two roles", ten->name);
	if (const_finite(q, t, w, n))
		return -EBADMSG;
	for (int d = axis + 1; per_channel && d < (int)ten->rank; d++)
		inner *= (size_t)ten->shape[d];
	c->kind = QC_WEIGHTS;
	c->n_scale = (uint32_t)nch;
	c->dim = per_channel ? axis : 0;
	c->scale = calloc(nch ? nch : 1, sizeof(float));
	c->data = malloc(n ? n : 1);
	c->deq = malloc((n ? n : 1) * sizeof(float));
	c->size = n;
	if (!c->scale || !c->data || !c->deq)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t ch = per_channel ? (i / inner) % nch : 0;

		c->scale[ch] = fmaxf(c->scale[ch], fabsf(w[i]));
	}
	for (size_t ch = 0; ch < nch; ch++)
		c->scale[ch] = weight_scale(c->scale[ch]);
	for (size_t i = 0; i < n; i++) {
		size_t ch = per_channel ? (i / inner) % nch : 0;
		long v = q_round(w[i] / c->scale[ch]);

		v = v < -127 ? -127 : v > 127 ? 127 : v;
		((int8_t *)c->data)[i] = (int8_t)v;
		c->deq[i] = (float)v * c->scale[ch];
	}
	q->done[t] = 1;
	return 0;
}

static int quantize_bias(struct qctx *q, int32_t t, float s_in, const struct qconst *w)
{
	const struct model_tensor *ten = &q->fm->t[t];
	struct qconst *c = &q->qc[t];
	const float *b = (const float *)q->fm->buf[ten->buffer].data;
	size_t n = q->fm->buf[ten->buffer].size / 4;

	if (q->done[t])
		return QERR(q, -EOPNOTSUPP, "bias '%s' is shared by two operators", ten->name);
	if (w->n_scale != 1 && w->n_scale != n)
		return QERR(q, -EBADMSG, "bias '%s' has %zu values for %u channels", ten->name, n,
			    w->n_scale);
	if (const_finite(q, t, b, n))
		return -EBADMSG;
	c->kind = QC_BIAS;
	c->n_scale = w->n_scale;
	c->dim = 0;
	c->scale = calloc(w->n_scale, sizeof(float));
	c->data = malloc((n ? n : 1) * 4);
	c->deq = malloc((n ? n : 1) * sizeof(float));
	c->size = n * 4;
	if (!c->scale || !c->data || !c->deq)
		return -ENOMEM;
	for (uint32_t ch = 0; ch < w->n_scale; ch++)
		c->scale[ch] = s_in * w->scale[ch];
	for (size_t i = 0; i < n; i++) {
		float s = c->scale[w->n_scale == 1 ? 0 : i];
		double v = nearbyint((double)b[i] / (double)s);
		int32_t qv = v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX :
			     v == v ? (int32_t)v : 0;	/* 0 / 0: an input scale of 0 */

		memcpy((uint8_t *)c->data + 4 * i, &qv, 4);
		c->deq[i] = (float)qv * s;
	}
	q->done[t] = 1;
	return 0;
}

/* Any other float constant: per-tensor asymmetric int8 with the tensor's (group's) params. */
static int quantize_other(struct qctx *q, int32_t t)
{
	const struct model_tensor *ten = &q->fm->t[t];
	struct qconst *c = &q->qc[t];
	const float *d = (const float *)q->fm->buf[ten->buffer].data;
	size_t n = q->fm->buf[ten->buffer].size / 4;

	if (q->done[t])
		return c->kind == QC_OTHER ? 0 :
			QERR(q, -EOPNOTSUPP, "constant '%s' is used in two roles", ten->name);
	if (const_finite(q, t, d, n))
		return -EBADMSG;
	c->kind = QC_OTHER;
	c->n_scale = 1;
	c->scale = malloc(sizeof(float));
	c->data = malloc(n ? n : 1);
	c->deq = malloc((n ? n : 1) * sizeof(float));
	c->size = n;
	if (!c->scale || !c->data || !c->deq)
		return -ENOMEM;
	c->scale[0] = q->scale[t];
	c->zp = q->zp[t];
	for (size_t i = 0; i < n; i++) {
		long v = q_round(d[i] / c->scale[0]) + c->zp;

		v = v < -128 ? -128 : v > 127 ? 127 : v;
		((int8_t *)c->data)[i] = (int8_t)v;
		c->deq[i] = (float)(v - c->zp) * c->scale[0];
	}
	q->done[t] = 1;
	return 0;
}

static int quantize_constants(struct qctx *q)
{
	struct edgeai_model *m = q->fm;
	int r;

	for (uint32_t k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];
		int axis = -1, per_channel = 1, wi = 1, xi = 0, bi = 2;

		if (op->code == TFL_OP_CONV_2D)
			axis = 0;
		else if (op->code == TFL_OP_TRANSPOSE_CONV)
			axis = 0, wi = 1, xi = 2, bi = 3;
		else if (op->code == TFL_OP_DEPTHWISE_CONV_2D)
			axis = 3;
		else if (op->code == TFL_OP_FULLY_CONNECTED)
			axis = 0, per_channel = 0;
		if (axis >= 0) {
			if (op->n_in <= (uint32_t)xi || op->in[xi] < 0 || !model_is_const(m, op->in[wi]) ||
			    m->t[op->in[wi]].type != TFL_FLOAT32)
				return QERR(q, -EOPNOTSUPP, "operator %u (%s) has non-constant weights", k,
					    edgeai_op_name(op->code));
			r = quantize_weights(q, op->in[wi], axis, per_channel);
			if (r < 0)
				return r;
			if (op->n_in > (uint32_t)bi && op->in[bi] >= 0) {
				if (!model_is_const(m, op->in[bi]) || m->t[op->in[bi]].type != TFL_FLOAT32)
					return QERR(q, -EOPNOTSUPP, "operator %u (%s) has a non-constant bias",
						    k, edgeai_op_name(op->code));
				r = quantize_bias(q, op->in[bi], q->scale[op->in[xi]], &q->qc[op->in[wi]]);
				if (r < 0)
					return r;
			}
			continue;
		}
		for (uint32_t j = 0; j < op->n_in; j++) {
			int32_t t = op->in[j];

			if (t < 0 || !model_is_const(m, t) || m->t[t].type != TFL_FLOAT32)
				continue;
			/*
			 * a BATCH_MATMUL's constant right matrices are a layer's
			 * weights: symmetric, one scale (the compiler runs them as
			 * FULLY_CONNECTED when they have no batch of their own)
			 */
			if (op->code == TFL_OP_BATCH_MATMUL && j == 1) {
				r = quantize_weights(q, t, 0, 0);
				if (r < 0)
					return r;
				continue;
			}
			r = quantize_other(q, t);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Step 5: fake-quantized evaluation */
static void fake_quant_hook(void *userdata, uint32_t t, float *data, size_t n)
{
	struct qctx *q = userdata;
	float s = q->scale[t];
	int32_t zp = q->zp[t];

	if (q->fm->t[t].type != TFL_FLOAT32)
		return;	/* ARG_MAX's and ARG_MIN's indices: not quantized */
	for (size_t i = 0; i < n; i++) {
		float v = nearbyintf(data[i] / s) + (float)zp;

		v = v < -128 ? -128 : v > 127 ? 127 : v;
		data[i] = (v - (float)zp) * s;
	}
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Fill the model inputs of @x with sample @i. */
static int fill_inputs(struct quant_fref *x, const struct edgeai_model *m,
		       const struct edgeai_quant_options *o, unsigned int i, float lo, float hi)
{
	uint64_t st = o->seed * UINT64_C(0x100000001b3) + i;
	size_t off = 0;

	for (uint32_t k = 0; k < m->n_in; k++) {
		size_t n;
		float *d = quant_fref_tensor(x, (uint32_t)m->in[k], &n);

		if (!d)
			return -EOPNOTSUPP;
		if (o->samples) {
			memcpy(d, o->samples[i] + off, n * sizeof(float));
			off += n;
			continue;
		}
		for (size_t j = 0; j < n; j++)
			d[j] = lo + (float)((double)(splitmix64(&st) >> 40) * 0x1p-24) * (hi - lo);
	}
	return 0;
}

struct ostat {
	double sx, sy, sxx, syy, sxy, maxerr, mn, mx;
	uint64_t n;
};

/*
 * Step 6. ELU is version 1: TFLite 2.9 registers no other, its int8
 * kernel included (a version 2 ELU fails to resolve there).
 */
static int32_t int8_version(const struct model_op *op)
{
	switch (op->code) {
	case TFL_OP_CONV_2D: case TFL_OP_DEPTHWISE_CONV_2D:
		return 3;
	case TFL_OP_FULLY_CONNECTED:
		return 4;
	case TFL_OP_TRANSPOSE_CONV:
		/* int8 per channel is version 2, with a bias 3 */
		return op->n_in > 3 && op->in[3] >= 0 ? 3 : 2;
	case TFL_OP_RESIZE_BILINEAR: case TFL_OP_RESIZE_NEAREST_NEIGHBOR:
		return op->o.half_pixel ? 3 : 2;
	case TFL_OP_RESHAPE: case TFL_OP_SQUEEZE: case TFL_OP_HARD_SWISH: case TFL_OP_PRELU:
	case TFL_OP_RELU_N1_TO_1: case TFL_OP_EXPAND_DIMS: case TFL_OP_ELU:
		return 1;
	default:
		return 2;
	}
}

/*
 * A uint8 or float32 model input (@input) or output in place of the int8
 * tensor *@t, with a QUANTIZE (uint8 either way, float32 in) or DEQUANTIZE
 * (float32 out) op between the two; *@t becomes the new tensor.
 */
static int add_io_edge(struct qctx *q, struct edgeai_model *m, uint32_t io, int input, int32_t *t)
{
	int u8 = io == EDGEAI_QUANT_IO_UINT8;
	int32_t inner = *t;
	int nt = add_tensor(m, inner, u8 ? TFL_UINT8 : TFL_FLOAT32, input ? "_in" : "_out");

	if (nt < 0)
		return nt;
	*t = nt;
	if (u8) {
		set_q1(&m->t[nt], q->scale[inner], q->zp[inner] + 128);
		if (!m->t[nt].q.n)
			return -ENOMEM;
	}
	if (input)
		return add_op(m, 0, TFL_OP_QUANTIZE, u8 ? 2 : 1, nt, inner);
	return add_op(m, m->n_ops, u8 ? TFL_OP_QUANTIZE : TFL_OP_DEQUANTIZE, 2, inner, nt);
}

/* Two quantized constants with the same type, parameters and bytes. */
static int qconst_equal(const struct qconst *a, const struct qconst *b)
{
	return a->kind == b->kind && a->n_scale == b->n_scale && a->dim == b->dim && a->zp == b->zp &&
	       a->size == b->size && !memcmp(a->scale, b->scale, a->n_scale * sizeof(float)) &&
	       !memcmp(a->data, b->data, a->size);
}

/*
 * A per-consumer copy of a constant (unshare_constants()) whose int8 or
 * int32 tensor equals that of the original or of an earlier copy: its
 * readers take that one, and the copy goes with model_prune().
 */
static void fold_equal_copies(const struct qctx *q, struct edgeai_model *m)
{
	for (uint32_t i = 0; i < q->nt; i++) {
		int32_t same = -1, o = q->origin[i];

		if (o < 0 || !q->done[i])
			continue;
		for (uint32_t j = (uint32_t)o; j < i && same < 0; j++)
			if ((j == (uint32_t)o || q->origin[j] == o) && q->done[j] &&
			    qconst_equal(&q->qc[i], &q->qc[j]))
				same = (int32_t)j;
		for (uint32_t k = 0; same >= 0 && k < m->n_ops; k++)
			for (uint32_t l = 0; l < m->ops[k].n_in; l++)
				if (m->ops[k].in[l] == (int32_t)i)
					m->ops[k].in[l] = same;
	}
}

static int build_int8(struct qctx *q, const struct edgeai_quant_options *o, struct edgeai_model **ret)
{
	struct edgeai_model *m = model_clone(q->fm);
	uint32_t nt;
	int r = 0;

	if (!m)
		return -ENOMEM;
	nt = m->n_tensors;
	for (uint32_t i = 0; i < nt && r >= 0; i++) {
		struct model_tensor *t = &m->t[i];
		struct qconst *c = &q->qc[i];

		if (t->type != TFL_FLOAT32)
			continue;
		if (q->done[i]) {
			void *data = base_memdup(c->data, c->size);
			int b;

			if (!data) {
				r = -ENOMEM;
				break;
			}
			b = add_buffer(m, data, c->size);
			if (b < 0) {
				free(data);
				r = b;
				break;
			}
			t = &m->t[i];
			t->buffer = (uint32_t)b;
			t->type = c->kind == QC_BIAS ? TFL_INT32 : TFL_INT8;
			set_q1(t, c->scale[0], c->kind == QC_OTHER ? c->zp : 0);
			if (c->n_scale > 1 && t->q.n) {
				free(t->q.scale);
				free(t->q.zero_point);
				t->q.scale = base_memdup(c->scale, c->n_scale * sizeof(float));
				t->q.zero_point = calloc(c->n_scale, sizeof(int64_t));
				t->q.n = c->n_scale;
				t->q.dim = c->dim;
				if (!t->q.scale || !t->q.zero_point)
					r = -ENOMEM;
			}
			if (!t->q.n)
				r = -ENOMEM;
			continue;
		}
		if (model_is_const(m, (int32_t)i))
			continue; /* float constant no op reads (pruned below) */
		t->type = TFL_INT8;
		set_q1(t, q->scale[i], q->zp[i]);
		if (!t->q.n)
			r = -ENOMEM;
	}
	if (r >= 0)
		fold_equal_copies(q, m);
	for (uint32_t k = 0; k < m->n_ops && r >= 0; k++)
		m->ops[k].version = int8_version(&m->ops[k]);
	if (r >= 0)
		r = requantize_apart(m);

	if (r >= 0)
		r = attach_detect(q, m);
	/* I/O edges */
	for (uint32_t i = 0; i < m->n_in && r >= 0 && o->io != EDGEAI_QUANT_IO_INT8; i++)
		r = add_io_edge(q, m, o->io, 1, &m->in[i]);
	for (uint32_t i = 0; i < m->n_out && r >= 0 && o->io != EDGEAI_QUANT_IO_INT8; i++)
		if (m->t[m->out[i]].type == TFL_INT8)	/* not ARG_MAX's or ARG_MIN's indices */
			r = add_io_edge(q, m, o->io, 0, &m->out[i]);
	if (r >= 0)
		r = model_prune(m);
	if (r >= 0)
		r = model_validate(m, q->err, q->errsz);
	if (r < 0) {
		edgeai_model_unref(m);
		return r;
	}
	*ret = m;
	return 0;
}

static void qctx_free(struct qctx *q)
{
	for (uint32_t i = 0; q->pv && i < q->nt; i++)
		free(q->pv[i]);
	for (uint32_t i = 0; q->qc && i < q->nt; i++) {
		free(q->qc[i].scale);
		free(q->qc[i].data);
		free(q->qc[i].deq);
	}
	free(q->pv);
	free(q->pn);
	free(q->qc);
	free(q->mn);
	free(q->mx);
	free(q->seen);
	free(q->parent);
	free(q->scale);
	free(q->zp);
	free(q->done);
	free(q->origin);
	free(q->det_op.custom_code);
	free(q->det_op.custom_options);
	free(q->det_op.in);
	free(q->det_op.out);
	free(q->det_op.o.ints);
	free(q->det_out);
	edgeai_model_unref(q->fm);
}

EDGEAI_PUBLIC int edgeai_quantize(const struct edgeai_model *model,
				  const struct edgeai_quant_options *opts,
				  struct edgeai_model **ret_model,
				  struct edgeai_quant_report *ret_report, char *errbuf,
				  size_t errbuf_size)
{
	struct edgeai_quant_options o = { .size = sizeof(o) };
	struct edgeai_quant_report rep = { 0 };
	struct qctx q = { .err = errbuf, .errsz = errbuf_size };
	struct quant_fref *fx = NULL, *ex = NULL;
	struct ostat *st = NULL;
	struct edgeai_model *out = NULL;
	uint32_t n_fused = 0;
	size_t float32_size = 0;
	float lo, hi;
	int r;

	if (errbuf && errbuf_size)
		errbuf[0] = '\0';
	assert_return(model && ret_model, -EINVAL);
	if (opts) {
		assert_return(opts->size >= sizeof(o), -EINVAL);
		o = *opts;
	}
	assert_return(o.io <= EDGEAI_QUANT_IO_FLOAT, -EINVAL);
	assert_return(o.percentile == 0 || (o.percentile > 50 && o.percentile <= 100), -EINVAL);
	assert_return(!o.samples || o.n_samples > 0, -EINVAL);
	if (!o.n_samples)
		o.n_samples = 8;
	lo = o.rand_lo;
	hi = o.rand_hi;
	if (lo == 0 && hi == 0)
		lo = -1, hi = 1;
	assert_return(lo < hi, -EINVAL);

	/* 1 */
	q.fm = model_clone(model);
	if (!q.fm)
		return -ENOMEM;
	r = fold_dequantize(q.fm, &rep.n_folded);
	if (r >= 0)
		r = fold_hybrid_weights(q.fm, &rep.n_folded);
	if (r >= 0)
		r = div_by_constants(q.fm);
	if (r >= 0)
		r = tconv_to_builtin(q.fm, errbuf, errbuf_size);
	if (r >= 0)
		r = fuse_activations(q.fm, &n_fused);
	if (r >= 0)
		r = detach_detect(&q);
	if (r >= 0) {
		uint8_t *data;

		/* the float32 model (folded, fused), before zero biases and per-consumer copies */
		if (model_write_tflite(q.fm, &data, &float32_size, NULL, 0) >= 0)
			free(data);
		else
			float32_size = 0;
		r = add_zero_biases(q.fm);
		if (r >= 0)
			r = unshare_constants(q.fm, &q.origin);
	}
	if (r < 0)
		goto out;
	for (uint32_t i = 0; i < q.fm->n_in; i++)
		if (q.fm->t[q.fm->in[i]].type != TFL_FLOAT32) {
			r = QERR(&q, -EOPNOTSUPP, "input %u ('%s') is %s: only float32 models are "
				 "quantized", i, q.fm->t[q.fm->in[i]].name,
				 edgeai_tensor_type_name(q.fm->t[q.fm->in[i]].type));
			goto out;
		}
	r = quant_fref_new(q.fm, &fx, errbuf, errbuf_size);
	if (r < 0)
		goto out;
	r = quant_fref_new(q.fm, &ex, errbuf, errbuf_size);
	if (r < 0)
		goto out;

	q.nt = q.fm->n_tensors;
	q.mn = malloc(q.nt * sizeof(float));
	q.mx = malloc(q.nt * sizeof(float));
	q.seen = calloc(q.nt, 1);
	q.parent = malloc(q.nt * sizeof(int32_t));
	q.scale = calloc(q.nt, sizeof(float));
	q.zp = calloc(q.nt, sizeof(int32_t));
	q.done = calloc(q.nt, 1);
	q.qc = calloc(q.nt, sizeof(*q.qc));
	if (!q.mn || !q.mx || !q.seen || !q.parent || !q.scale || !q.zp || !q.done || !q.qc) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < q.nt; i++) {
		q.mn[i] = INFINITY;
		q.mx[i] = -INFINITY;
	}
	if (o.percentile > 0 && o.percentile < 100) {
		q.pcap = (size_t)o.n_samples * PCT_PER_SAMPLE * 2;
		q.pv = calloc(q.nt, sizeof(*q.pv));
		q.pn = calloc(q.nt, sizeof(*q.pn));
		if (!q.pv || !q.pn) {
			r = -ENOMEM;
			goto out;
		}
		for (uint32_t i = 0; i < q.nt; i++)
			if (q.fm->t[i].type == TFL_FLOAT32 && !model_is_const(q.fm, (int32_t)i) &&
			    !(q.pv[i] = malloc(q.pcap * sizeof(float)))) {
				r = -ENOMEM;
				goto out;
			}
	}

	/* 2 */
	for (unsigned int s = 0; s < o.n_samples; s++) {
		r = fill_inputs(fx, q.fm, &o, s, lo, hi);
		if (r >= 0)
			r = quant_fref_run(fx, calib_hook, &q, errbuf, errbuf_size);
		if (r < 0)
			goto out;
		if (o.progress)
			o.progress(o.userdata, "calibrate", s + 1, o.n_samples);
	}

	/* 3, 4 */
	r = choose_activation_params(&q, o.percentile < 100 ? o.percentile : 0);
	if (r >= 0)
		r = quantize_constants(&q);
	if (r < 0)
		goto out;

	/* 5 */
	for (uint32_t i = 0; i < q.nt; i++) {
		size_t n;
		float *d;

		if (!q.done[i])
			continue;
		d = quant_fref_tensor(ex, i, &n);
		if (d && n == (q.qc[i].kind == QC_BIAS ? q.qc[i].size / 4 : q.qc[i].size))
			memcpy(d, q.qc[i].deq, n * sizeof(float));
	}
	rep.n_outputs = q.fm->n_out < EDGEAI_QUANT_MAX_OUTPUTS ? q.fm->n_out : EDGEAI_QUANT_MAX_OUTPUTS;
	st = calloc(rep.n_outputs ? rep.n_outputs : 1, sizeof(*st));
	if (!st) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t k = 0; k < rep.n_outputs; k++) {
		st[k].mn = INFINITY;
		st[k].mx = -INFINITY;
	}
	for (unsigned int s = 0; s < o.n_samples; s++) {
		r = fill_inputs(fx, q.fm, &o, s, lo, hi);
		if (r >= 0)
			r = fill_inputs(ex, q.fm, &o, s, lo, hi);
		if (r >= 0)
			r = quant_fref_run(fx, NULL, NULL, errbuf, errbuf_size);
		if (r >= 0)
			r = quant_fref_run(ex, fake_quant_hook, &q, errbuf, errbuf_size);
		if (r < 0)
			goto out;
		for (uint32_t k = 0; k < rep.n_outputs; k++) {
			size_t n;
			const float *a = quant_fref_tensor(fx, (uint32_t)q.fm->out[k], &n);
			const float *b = quant_fref_tensor(ex, (uint32_t)q.fm->out[k], NULL);

			for (size_t i = 0; a && b && i < n; i++) {
				double x = a[i], y = b[i];

				st[k].sx += x;
				st[k].sy += y;
				st[k].sxx += x * x;
				st[k].syy += y * y;
				st[k].sxy += x * y;
				st[k].maxerr = fmax(st[k].maxerr, fabs(x - y));
				st[k].mn = fmin(st[k].mn, x);
				st[k].mx = fmax(st[k].mx, x);
				st[k].n++;
			}
		}
		if (o.progress)
			o.progress(o.userdata, "evaluate", s + 1, o.n_samples);
	}
	for (uint32_t k = 0; k < rep.n_outputs; k++) {
		double n = (double)st[k].n, cov, vx, vy;
		struct edgeai_quant_output_stat *os = &rep.outputs[k];

		cov = st[k].sxy - st[k].sx * st[k].sy / n;
		vx = st[k].sxx - st[k].sx * st[k].sx / n;
		vy = st[k].syy - st[k].sy * st[k].sy / n;
		os->correlation = vx > 0 && vy > 0 ? cov / sqrt(vx * vy) :
				  st[k].maxerr == 0 ? 1.0 : 0.0;
		os->max_abs_error = st[k].maxerr;
		os->float_min = st[k].mn;
		os->float_max = st[k].mx;
		os->scale = q.scale[q.fm->out[k]];
	}

	/* 6 */
	r = build_int8(&q, &o, &out);
	if (r < 0)
		goto out;
	rep.n_ops_in = model->n_ops;
	rep.n_ops_out = out->n_ops;
	rep.n_ops_quantized = q.fm->n_ops;
	rep.n_samples = o.n_samples;
	rep.float32_size = float32_size;
	*ret_model = out;
	if (ret_report)
		*ret_report = rep;
	r = 0;
out:
	if (r == -ENOMEM)
		QERR(&q, r, "out of memory");
	free(st);
	quant_fref_free(fx);
	quant_fref_free(ex);
	qctx_free(&q);
	return r;
}
