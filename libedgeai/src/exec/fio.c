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

#include "exec/fio.h"
#include "model/tflite-schema.h"

void exec_fio_free(struct exec_fio *f)
{
	if (!f)
		return;
	free(f->in);
	free(f->out);
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
	uint32_t k;

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

int exec_fio_strip(const struct edgeai_model *m, struct edgeai_model **ret_model,
		   struct exec_fio **ret_fio)
{
	struct edgeai_model *c = NULL;
	struct exec_fio *f;
	uint32_t i, n = 0;
	int64_t k;
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
	for (i = 0; i < m->n_in; i++)
		n += edge_quantize(m, m->in[i], &f->in[i]) >= 0;
	for (i = 0; i < m->n_out; i++)
		n += edge_dequantize(m, m->out[i], &f->out[i]) >= 0;
	if (!n) {
		exec_fio_free(f);
		return 0;
	}
	c = model_clone(m);
	if (!c)
		goto fail;
	for (i = 0; i < m->n_in; i++) {
		k = edge_quantize(m, m->in[i], &f->in[i]);
		if (k >= 0) {
			c->in[i] = m->ops[k].out[0];
			c->ops[k].code = -1;
		}
	}
	for (i = 0; i < m->n_out; i++) {
		k = edge_dequantize(m, m->out[i], &f->out[i]);
		if (k >= 0) {
			c->out[i] = m->ops[k].in[0];
			c->ops[k].code = -1;
		}
	}
	r = model_prune(c);
	if (r)
		goto fail;
	*ret_model = c;
	*ret_fio = f;
	return 0;
fail:
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
