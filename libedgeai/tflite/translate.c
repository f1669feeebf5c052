// SPDX-License-Identifier: MIT
/*
 * TFLite nodes to a libedgeai model.
 *
 * The delegate hands libedgeai the same in-memory model its TFLite reader
 * makes (struct edgeai_model), filled from the TfLiteContext: tensor
 * types, dims, per-tensor or per-channel quantization and constant data
 * come from the context's tensors, each node's code, version, inputs and
 * outputs from its registration and TfLiteNode, and only the builtin
 * options from the model file (model-file.c says why). No TFLite type
 * reaches libedgeai, and libedgeai's compiler alone decides what it can
 * run: the delegate has no op list of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-file.h"
#include "translate.h"

int etfl_tfl_type(TfLiteType type)
{
	switch (type) {
	case kTfLiteFloat32:
		return TFL_FLOAT32;
	case kTfLiteFloat16:
		return TFL_FLOAT16;
	case kTfLiteFloat64:
		return TFL_FLOAT64;
	case kTfLiteInt8:
		return TFL_INT8;
	case kTfLiteUInt8:
		return TFL_UINT8;
	case kTfLiteInt16:
		return TFL_INT16;
	case kTfLiteInt32:
		return TFL_INT32;
	case kTfLiteUInt32:
		return TFL_UINT32;
	case kTfLiteInt64:
		return TFL_INT64;
	case kTfLiteUInt64:
		return TFL_UINT64;
	case kTfLiteBool:
		return TFL_BOOL;
	case kTfLiteString:
		return TFL_STRING;
	case kTfLiteComplex64:
		return TFL_COMPLEX64;
	case kTfLiteComplex128:
		return TFL_COMPLEX128;
	case kTfLiteResource:
		return TFL_RESOURCE;
	case kTfLiteVariant:
		return TFL_VARIANT;
	default:
		return -1;
	}
}

struct builder {
	TfLiteContext *ctx;
	const struct edgeai_model *file;
	struct edgeai_model *m;
	int32_t *map;		/* context tensor -> model tensor, -1 */
	uint32_t cap_t, cap_buf;
	char *err;
	size_t errsz;
};

static int unsupported(struct builder *b, const char *fmt, ...)
{
	va_list ap;

	if (b->err && b->errsz) {
		va_start(ap, fmt);
		vsnprintf(b->err, b->errsz, fmt, ap);
		va_end(ap);
	}
	return -EOPNOTSUPP;
}

static int grow(void **p, uint32_t *cap, uint32_t need, size_t esize)
{
	uint32_t n = *cap ? *cap : 8;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, (size_t)n * esize);
	if (!q)
		return -ENOMEM;
	memset((char *)q + (size_t)*cap * esize, 0, (size_t)(n - *cap) * esize);
	*p = q;
	*cap = n;
	return 0;
}

static int fill_quant(struct builder *b, const TfLiteTensor *t, struct model_tensor *e)
{
	const TfLiteAffineQuantization *aq = NULL;
	uint32_t n, k;

	if (t->quantization.type == kTfLiteAffineQuantization)
		aq = t->quantization.params;
	if (aq && aq->scale && aq->scale->size > 0) {
		n = (uint32_t)aq->scale->size;
		if (!aq->zero_point || aq->zero_point->size != aq->scale->size)
			return unsupported(b, "tensor '%s': %u scales but %d zero points", e->name,
					   n, aq->zero_point ? aq->zero_point->size : 0);
		if (n > 1 && (aq->quantized_dimension < 0 ||
			      (uint32_t)aq->quantized_dimension >= e->rank))
			return unsupported(b, "tensor '%s': quantized dimension %d", e->name,
					   aq->quantized_dimension);
	} else if (t->params.scale != 0.0f) {
		n = 1;	/* only the legacy per-tensor parameters */
	} else {
		return 0;
	}
	e->q.scale = calloc(n, sizeof(*e->q.scale));
	e->q.zero_point = calloc(n, sizeof(*e->q.zero_point));
	if (!e->q.scale || !e->q.zero_point)
		return -ENOMEM;
	e->q.n = n;
	if (aq && aq->scale && aq->scale->size > 0) {
		for (k = 0; k < n; k++) {
			e->q.scale[k] = aq->scale->data[k];
			e->q.zero_point[k] = aq->zero_point->data[k];
		}
		e->q.dim = aq->quantized_dimension;
	} else {
		e->q.scale[0] = t->params.scale;
		e->q.zero_point[0] = t->params.zero_point;
	}
	return 0;
}

/* The model tensor of context tensor @idx, added on first use. */
static int fill_tensor(struct builder *b, int idx)
{
	struct edgeai_model *m = b->m;
	const TfLiteTensor *t;
	struct model_tensor *e;
	int type, r, k;

	if (idx < 0)
		return -1;	/* an absent optional input stays absent */
	if ((size_t)idx >= b->ctx->tensors_size)
		return unsupported(b, "tensor %d of %zu", idx, b->ctx->tensors_size);
	if (b->map[idx] >= 0)
		return b->map[idx];
	t = &b->ctx->tensors[idx];
	r = grow((void **)&m->t, &b->cap_t, m->n_tensors + 1, sizeof(*m->t));
	if (r)
		return r;
	e = &m->t[m->n_tensors];
	e->name = strdup(t->name ? t->name : "");
	if (!e->name)
		return -ENOMEM;
	m->n_tensors++;	/* owned by the model from here on */
	type = etfl_tfl_type(t->type);
	if (type < 0)
		return unsupported(b, "tensor '%s' has TFLite type %d", e->name, (int)t->type);
	e->type = (uint8_t)type;
	e->is_variable = t->is_variable;
	/*
	 * A sparse constant stays with TFLite, on purpose: the model reader's
	 * densifier (model/sparse.c) would turn it into the dense weights, but
	 * TFLite runs such a node with its own sparse kernel, and its int8
	 * FULLY_CONNECTED with 1x16 block-sparse weights does not compute what
	 * the dense op does (measured with 2.9: outputs that differ from the
	 * same model with the weights dense), so delegating it would change
	 * the answer. A DENSIFY node (fp16 weights of float models) is left
	 * to TFLite as any float op is.
	 */
	if (t->sparsity)
		return unsupported(b, "tensor '%s' is sparse: its node stays with TFLite's sparse "
				   "kernels", e->name);
	if (!t->dims || t->dims->size > MODEL_MAX_RANK)
		return unsupported(b, "tensor '%s' has rank %d (at most %d)", e->name,
				   t->dims ? t->dims->size : -1, MODEL_MAX_RANK);
	e->rank = (uint32_t)t->dims->size;
	for (k = 0; k < t->dims->size; k++)
		e->shape[k] = t->dims->data[k];
	r = fill_quant(b, t, e);
	if (r)
		return r;
	if (t->allocation_type == kTfLiteMmapRo && t->bytes) {
		struct model_buffer *buf;

		if (!t->data.raw)
			return unsupported(b, "constant tensor '%s' has no data", e->name);
		/* buf[0] is the empty sentinel: a constant gets buffer n_buffers >= 1 */
		r = grow((void **)&m->buf, &b->cap_buf, m->n_buffers + 1, sizeof(*m->buf));
		if (r)
			return r;
		buf = &m->buf[m->n_buffers];
		buf->data = malloc(t->bytes);
		if (!buf->data)
			return -ENOMEM;
		memcpy(buf->data, t->data.raw, t->bytes);
		buf->size = t->bytes;
		e->buffer = m->n_buffers++;
	}
	b->map[idx] = (int32_t)(m->n_tensors - 1);
	return b->map[idx];
}

static int dup_ints(int32_t **ret, uint32_t *ret_n, const TfLiteIntArray *a)
{
	int k;

	*ret = malloc(sizeof(**ret) * (a && a->size ? (size_t)a->size : 1));
	if (!*ret)
		return -ENOMEM;
	for (k = 0; a && k < a->size; k++)
		(*ret)[k] = a->data[k];
	*ret_n = a ? (uint32_t)a->size : 0;
	return 0;
}

/*
 * The translation function: node @node_index of the context as @op of the
 * model (tensor indices of the model, options of the file's operator).
 */
static int fill_op(struct builder *b, int node_index, struct model_op *op)
{
	const struct model_op *fop;
	TfLiteRegistration *reg;
	TfLiteNode *node;
	uint32_t k;
	int r;

	if (b->ctx->GetNodeAndRegistration(b->ctx, node_index, &node, &reg) != kTfLiteOk)
		return unsupported(b, "TFLite has no node %d", node_index);
	op->code = reg->builtin_code;
	op->version = reg->version;
	fop = etfl_model_file_op(b->file, node_index, node, reg);
	/* of the custom ops, libedgeai runs TFLite_Detection_PostProcess */
	if ((reg->custom_name || reg->builtin_code == TFL_OP_CUSTOM) &&
	    (!fop || !model_is_detect(fop) || !reg->custom_name ||
	     strcmp(reg->custom_name, MODEL_DETECT_CUSTOM)))
		return unsupported(b, "custom op '%s'", reg->custom_name ? reg->custom_name : "");
	if (!fop)
		return unsupported(b, "no operator of the model file matches node %d, so its "
				   "options are unknown", node_index);
	if (fop->custom_code && !(op->custom_code = strdup(fop->custom_code)))
		return -ENOMEM;
	op->o = fop->o;
	op->o.ints = NULL;
	if (fop->o.n_ints) {
		op->o.ints = malloc(sizeof(*op->o.ints) * fop->o.n_ints);
		if (!op->o.ints)
			return -ENOMEM;
		memcpy(op->o.ints, fop->o.ints, sizeof(*op->o.ints) * fop->o.n_ints);
	}
	if ((r = dup_ints(&op->in, &op->n_in, node->inputs)) < 0 ||
	    (r = dup_ints(&op->out, &op->n_out, node->outputs)) < 0)
		return r;
	for (k = 0; k < op->n_in + op->n_out; k++) {
		int32_t *slot = k < op->n_in ? &op->in[k] : &op->out[k - op->n_in];

		r = fill_tensor(b, *slot);
		if (r < -1)
			return r;
		*slot = r;
	}
	return 0;
}

void etfl_graph_done(struct etfl_graph *g)
{
	g->model = edgeai_model_unref(g->model);
	free(g->in);
	free(g->out);
	g->in = g->out = NULL;
	g->n_in = g->n_out = 0;
}

int etfl_graph_build(TfLiteContext *ctx, const struct edgeai_model *file, const int *nodes,
		     int n_nodes, const int *outputs, int n_outputs, struct etfl_graph *ret,
		     char *err, size_t errsz)
{
	struct builder b = { .ctx = ctx, .file = file, .err = err, .errsz = errsz };
	struct etfl_graph g = { 0 };
	uint8_t *written = NULL, *read = NULL;
	size_t nt = ctx->tensors_size ? ctx->tensors_size : 1, i;
	int r = -ENOMEM, k, j;

	if (err && errsz)
		err[0] = 0;
	b.m = g.model = model_new();
	b.map = malloc(sizeof(*b.map) * nt);
	written = calloc(nt, 1);
	read = calloc(nt, 1);
	g.in = malloc(sizeof(*g.in) * nt);
	g.out = malloc(sizeof(*g.out) * nt);
	if (!g.model || !b.map || !written || !read || !g.in || !g.out)
		goto out;
	for (i = 0; i < nt; i++)
		b.map[i] = -1;
	g.model->version = TFL_SCHEMA_VERSION;
	g.model->description = strdup("edgeai-tflite partition");
	/* buf[0]: the empty buffer of tensors without data */
	g.model->buf = calloc(8, sizeof(*g.model->buf));
	if (!g.model->description || !g.model->buf)
		goto out;
	b.cap_buf = 8;
	g.model->n_buffers = 1;
	g.model->ops = calloc((size_t)(n_nodes > 0 ? n_nodes : 1), sizeof(*g.model->ops));
	if (!g.model->ops)
		goto out;

	for (k = 0; k < n_nodes; k++) {
		r = fill_op(&b, nodes[k], &g.model->ops[k]);
		g.model->n_ops = (uint32_t)k + 1;	/* freed with the model, even half-filled */
		if (r < 0)
			goto out;
	}
	/* inputs: read, not written, not constant; in the order of first use */
	for (k = 0; k < n_nodes; k++) {
		const struct model_op *op = &g.model->ops[k];

		for (j = 0; j < (int)op->n_out; j++)
			written[op->out[j]] = 1;
	}
	for (k = 0; k < n_nodes; k++) {
		const struct model_op *op = &g.model->ops[k];

		for (j = 0; j < (int)op->n_in; j++) {
			int32_t t = op->in[j];

			if (t < 0 || written[t] || read[t] || g.model->t[t].buffer)
				continue;
			read[t] = 1;
			g.in[g.n_in++] = t;
		}
	}
	if (outputs) {
		for (k = 0; k < n_outputs; k++) {
			int t = outputs[k] >= 0 && (size_t)outputs[k] < ctx->tensors_size ?
				b.map[outputs[k]] : -1;

			if (t < 0 || !written[t]) {
				r = unsupported(&b, "output tensor %d is not written by the nodes",
						outputs[k]);
				goto out;
			}
			g.out[g.n_out++] = t;
		}
	} else {
		for (i = 0; i < g.model->n_tensors; i++)
			if (written[i])
				g.out[g.n_out++] = (int)i;
	}
	/* the model's inputs/outputs: model tensor indices; @g: context indices */
	g.model->n_in = (uint32_t)g.n_in;
	g.model->n_out = (uint32_t)g.n_out;
	g.model->in = malloc(sizeof(*g.model->in) * (size_t)(g.n_in ? g.n_in : 1));
	g.model->out = malloc(sizeof(*g.model->out) * (size_t)(g.n_out ? g.n_out : 1));
	if (!g.model->in || !g.model->out) {
		r = -ENOMEM;
		goto out;
	}
	for (k = 0; k < g.n_in; k++) {
		g.model->in[k] = g.in[k];
		g.in[k] = -1;
	}
	for (k = 0; k < g.n_out; k++) {
		g.model->out[k] = g.out[k];
		g.out[k] = -1;
	}
	for (i = 0; i < nt; i++) {
		if (b.map[i] < 0)
			continue;
		for (k = 0; k < g.n_in; k++)
			if (g.model->in[k] == b.map[i])
				g.in[k] = (int)i;
		for (k = 0; k < g.n_out; k++)
			if (g.model->out[k] == b.map[i])
				g.out[k] = (int)i;
	}
	r = model_validate(g.model, err, errsz);
	if (r < 0) {
		r = r == -ENOMEM ? r : -EOPNOTSUPP;
		goto out;
	}
	*ret = g;
	g.model = NULL;
	g.in = g.out = NULL;
	r = 0;
out:
	if (r == -ENOMEM && err && errsz)
		snprintf(err, errsz, "out of memory");
	etfl_graph_done(&g);
	free(b.map);
	free(written);
	free(read);
	return r;
}
