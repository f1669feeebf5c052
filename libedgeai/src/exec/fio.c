// SPDX-License-Identifier: MIT
/*
 * Float inputs and outputs of an 8-bit model: the edge QUANTIZE and
 * DEQUANTIZE ops come off the graph before it compiles, and their
 * arithmetic runs here, on the caller's values (fio.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "exec/fio.h"
#include "model/tflite-schema.h"

void exec_fio_free(struct exec_fio *f)
{
	if (!f)
		return;
	free(f->in);
	free(f->out);
	exec_detect_free(f->det);
	free(f);
}

/* The 8-bit, per-tensor quantized tensor @t's terms, or 0. */
static int io_of(const struct model_tensor *t, struct exec_fio_io *io)
{
	if ((t->type != TFL_INT8 && t->type != TFL_UINT8) || t->q.n != 1 || !t->q.scale ||
	    !t->q.zero_point || !(t->q.scale[0] > 0) || !isfinite(t->q.scale[0]))
		return 0;
	io->scale = t->q.scale[0];
	io->zp = (int32_t)t->q.zero_point[0];
	io->s8 = t->type == TFL_INT8;
	if (io->zp < (io->s8 ? -128 : 0) || io->zp > (io->s8 ? 127 : 255))
		return 0;
	io->on = 1;
	return 1;
}

/* The ops that read tensor @t, and the last of them in *@op. */
static uint32_t readers(const struct edgeai_model *m, int32_t t, uint32_t *op)
{
	uint32_t k, j, n = 0;

	for (k = 0; k < m->n_ops; k++)
		for (j = 0; j < m->ops[k].n_in; j++)
			if (m->ops[k].in[j] == t) {
				*op = k;
				n++;
				break;
			}
	return n;
}

static int is_output(const struct edgeai_model *m, int32_t t)
{
	for (uint32_t i = 0; i < m->n_out; i++)
		if (m->out[i] == t)
			return 1;
	return 0;
}

/* The QUANTIZE op that alone reads float input @t, or -1. */
static int64_t edge_quantize(const struct edgeai_model *m, int32_t t, struct exec_fio_io *io)
{
	const struct model_op *op;
	uint32_t k = 0;

	if (m->t[t].type != TFL_FLOAT32 || is_output(m, t) || readers(m, t, &k) != 1)
		return -1;
	op = &m->ops[k];
	if (op->code != TFL_OP_QUANTIZE || op->n_in != 1 || op->n_out != 1 ||
	    is_output(m, op->out[0]) || !io_of(&m->t[op->out[0]], io))
		return -1;
	return k;
}

/* The DEQUANTIZE op that writes float output @t from an 8-bit tensor, or -1. */
static int64_t edge_dequantize(const struct edgeai_model *m, int32_t t, struct exec_fio_io *io)
{
	const struct model_op *op;
	uint32_t k, r;

	if (m->t[t].type != TFL_FLOAT32 || readers(m, t, &r))
		return -1;
	for (k = 0; k < m->n_ops; k++)
		if (m->ops[k].n_out == 1 && m->ops[k].out[0] == t)
			break;
	if (k == m->n_ops)
		return -1;
	op = &m->ops[k];
	if (op->code != TFL_OP_DEQUANTIZE || op->n_in != 1 || op->in[0] < 0 ||
	    !io_of(&m->t[op->in[0]], io))
		return -1;
	return k;
}

/*
 * The 8-bit tensor that float32 @t holds dequantized: @t itself when it is
 * 8-bit, else the input of the DEQUANTIZE that writes it and that only
 * op @reader reads (*@deq: that DEQUANTIZE); -1 for neither.
 */
static int32_t as_8bit(const struct edgeai_model *m, int32_t t, uint32_t reader, int64_t *deq)
{
	uint32_t k, r = 0;

	*deq = -1;
	if (t < 0)
		return -1;
	if (m->t[t].type == TFL_INT8 || m->t[t].type == TFL_UINT8)
		return t;
	if (m->t[t].type != TFL_FLOAT32 || is_output(m, t) || readers(m, t, &r) != 1 ||
	    r != reader)
		return -1;
	for (k = 0; k < m->n_ops; k++)
		if (m->ops[k].code == TFL_OP_DEQUANTIZE && m->ops[k].n_in == 1 &&
		    m->ops[k].n_out == 1 && m->ops[k].out[0] == t)
			break;
	if (k == m->n_ops || m->ops[k].in[0] < 0 ||
	    (m->t[m->ops[k].in[0]].type != TFL_INT8 && m->t[m->ops[k].in[0]].type != TFL_UINT8))
		return -1;
	*deq = k;
	return m->ops[k].in[0];
}

/*
 * The TFLite_Detection_PostProcess op whose outputs nothing else reads,
 * the model's only one, or -1; its 8-bit inputs in @box and @cls.
 */
static int64_t edge_detect(const struct edgeai_model *m, int32_t *box, int32_t *cls,
			   int64_t deq[2])
{
	int64_t found = -1;
	uint32_t k, j, r;

	for (k = 0; k < m->n_ops; k++) {
		const struct model_op *op = &m->ops[k];

		if (!model_is_detect(op))
			continue;
		if (found >= 0 || op->n_in != 3 || op->n_out != EXEC_DETECT_N)
			return -1;
		for (j = 0; j < op->n_out; j++)
			if (op->out[j] < 0 || readers(m, op->out[j], &r))
				return -1;
		*box = as_8bit(m, op->in[0], k, &deq[0]);
		*cls = as_8bit(m, op->in[1], k, &deq[1]);
		if (*box < 0 || *cls < 0)
			return -1;
		found = k;
	}
	return found;
}

/* Output @i of @m is output @which of the detection op @det, or -1. */
static int detect_output(const struct edgeai_model *m, int64_t det, uint32_t i)
{
	if (det < 0)
		return -1;
	for (int j = 0; j < EXEC_DETECT_N; j++)
		if (m->ops[det].out[j] == m->out[i])
			return j;
	return -1;
}

/* Index of tensor @t in @out[*@n], appended when absent. */
static uint32_t out_index(int32_t *out, uint32_t *n, int32_t t)
{
	for (uint32_t i = 0; i < *n; i++)
		if (out[i] == t)
			return i;
	out[*n] = t;
	return (*n)++;
}

int exec_fio_strip(const struct edgeai_model *m, struct edgeai_model **ret_model,
		   struct exec_fio **ret_fio, char *errbuf, size_t errbuf_size)
{
	struct edgeai_model *c = NULL;
	struct exec_fio *f;
	int32_t box = -1, cls = -1, *outs = NULL;
	int64_t k, det, deq[2] = { -1, -1 };
	uint32_t i, n = 0, n_outs = 0;
	int r = -ENOMEM;

	*ret_model = NULL;
	*ret_fio = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->n_in = m->n_in;
	f->n_out = m->n_out;
	f->in = calloc(m->n_in ? m->n_in : 1, sizeof(*f->in));
	f->out = calloc(m->n_out ? m->n_out : 1, sizeof(*f->out));
	if (!f->in || !f->out)
		goto fail;
	det = edge_detect(m, &box, &cls, deq);
	for (i = 0; i < m->n_in; i++)
		n += edge_quantize(m, m->in[i], &f->in[i]) >= 0;
	for (i = 0; i < m->n_out; i++)
		n += edge_dequantize(m, m->out[i], &f->out[i]) >= 0;
	if (!n && det < 0) {
		exec_fio_free(f);
		return 0;
	}
	c = model_clone(m);
	outs = malloc(sizeof(*outs) * (m->n_out + 2));
	if (!c || !outs)
		goto fail;
	for (i = 0; i < m->n_in; i++) {
		k = edge_quantize(m, m->in[i], &f->in[i]);
		if (k >= 0) {
			c->in[i] = m->ops[k].out[0];
			c->ops[k].code = -1;
		}
	}
	for (i = 0; i < m->n_out; i++) {
		int which = detect_output(m, det, i);

		if (which >= 0) {
			f->out[i] = (struct exec_fio_io){ .on = 1, .detect = 1 + which };
			continue;
		}
		k = edge_dequantize(m, m->out[i], &f->out[i]);
		if (k >= 0)
			c->ops[k].code = -1;
		f->out[i].prog = out_index(outs, &n_outs, k >= 0 ? m->ops[k].in[0] : m->out[i]);
	}
	if (det >= 0) {
		r = exec_detect_new(m, &m->ops[det], box, cls, &f->det, errbuf, errbuf_size);
		if (r)
			goto fail;
		for (i = 0; i < m->n_out; i++) {
			const struct model_tensor *t = &m->t[m->out[i]];
			uint64_t elems = 0;

			if (f->out[i].detect &&
			    (t->type != TFL_FLOAT32 || model_tensor_elems(t, &elems) ||
			     elems != exec_detect_size(f->det, f->out[i].detect - 1))) {
				r = base_errf(errbuf, errbuf_size, -EINVAL, "%s: output %u (%s) "
					      "must be float32 of %zu values", MODEL_DETECT_CUSTOM,
					      f->out[i].detect - 1, t->name ? t->name : "",
					      exec_detect_size(f->det, f->out[i].detect - 1));
				goto fail;
			}
		}
		f->det_box = out_index(outs, &n_outs, box);
		f->det_cls = out_index(outs, &n_outs, cls);
		c->ops[det].code = -1;
		for (i = 0; i < 2; i++)
			if (deq[i] >= 0)
				c->ops[deq[i]].code = -1;
	}
	free(c->out);
	c->out = outs;
	c->n_out = n_outs;
	outs = NULL;
	r = model_prune(c);
	if (r)
		goto fail;
	*ret_model = c;
	*ret_fio = f;
	return 0;
fail:
	free(outs);
	if (c)
		edgeai_model_unref(c);
	exec_fio_free(f);
	return r;
}

void exec_fio_quantize(const struct exec_fio_io *io, const float *src, uint8_t *dst, size_t n)
{
	int32_t lo = io->s8 ? -128 : 0, hi = io->s8 ? 127 : 255;
	double s = io->scale;

	for (size_t i = 0; i < n; i++) {
		/* optimized_ops::AffineQuantize divides in binary64 (the oracle's bytes) */
		double v = round(src[i] / s);
		/* cvttsd2si: INT32_MIN for NaN and what int32 does not hold */
		int32_t q = v >= -2147483648.0 && v < 2147483648.0 ? (int32_t)v : INT32_MIN;

		/* int32 arithmetic as TFLite's, wrapping */
		q = (int32_t)((uint32_t)q + (uint32_t)io->zp);
		dst[i] = (uint8_t)(q < lo ? lo : q > hi ? hi : q);
	}
}

void exec_fio_dequantize(const struct exec_fio_io *io, const uint8_t *src, float *dst, size_t n)
{
	double s = io->scale;

	for (size_t i = 0; i < n; i++) {
		int32_t q = io->s8 ? (int8_t)src[i] : src[i];

		/* the product is exact in binary64: one rounding to binary32 */
		dst[i] = (float)(s * (q - io->zp));
	}
}
