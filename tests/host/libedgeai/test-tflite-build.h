/* SPDX-License-Identifier: MIT */
/*
 * Build small TFLite models in memory for the reader and quantizer tests,
 * through libedgeai's private model structures and its writer.
 */
#ifndef EDGEAI_TEST_TFLITE_BUILD_H
#define EDGEAI_TEST_TFLITE_BUILD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static inline int tb_tensor(struct edgeai_model *m, const char *name, uint8_t type, int rank,
			    const int32_t *shape, const void *data, size_t size)
{
	struct model_tensor *t;

	m->t = realloc(m->t, (m->n_tensors + 1) * sizeof(*m->t));
	t = &m->t[m->n_tensors];
	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	t->type = type;
	t->rank = (uint32_t)rank;
	memcpy(t->shape, shape, sizeof(int32_t) * (size_t)rank);
	if (data) {
		m->buf = realloc(m->buf, (m->n_buffers + 1) * sizeof(*m->buf));
		m->buf[m->n_buffers].data = malloc(size);
		memcpy(m->buf[m->n_buffers].data, data, size);
		m->buf[m->n_buffers].size = size;
		t->buffer = m->n_buffers++;
	}
	return (int)m->n_tensors++;
}

static inline struct model_op *tb_op(struct edgeai_model *m, int32_t code, int n_in, const int32_t *in,
				     int n_out, const int32_t *out)
{
	struct model_op *op;

	m->ops = realloc(m->ops, (m->n_ops + 1) * sizeof(*m->ops));
	op = &m->ops[m->n_ops++];
	memset(op, 0, sizeof(*op));
	op->code = code;
	op->version = 1;
	op->n_in = (uint32_t)n_in;
	op->n_out = (uint32_t)n_out;
	op->in = malloc(sizeof(int32_t) * (size_t)n_in);
	op->out = malloc(sizeof(int32_t) * (size_t)n_out);
	memcpy(op->in, in, sizeof(int32_t) * (size_t)n_in);
	memcpy(op->out, out, sizeof(int32_t) * (size_t)n_out);
	op->o.stride_w = op->o.stride_h = op->o.dil_w = op->o.dil_h = op->o.depth_mult = 1;
	op->o.beta = 1.0f;
	return op;
}

/* An empty model: buffer 0 is the empty sentinel. */
static inline struct edgeai_model *tb_new(void)
{
	struct edgeai_model *m = model_new();

	m->version = 3;
	m->buf = calloc(1, sizeof(*m->buf));
	m->n_buffers = 1;
	return m;
}

static inline void tb_io(struct edgeai_model *m, int n_in, const int32_t *in, int n_out,
			 const int32_t *out)
{
	m->n_in = (uint32_t)n_in;
	m->n_out = (uint32_t)n_out;
	m->in = malloc(sizeof(int32_t) * (size_t)(n_in ? n_in : 1));
	m->out = malloc(sizeof(int32_t) * (size_t)(n_out ? n_out : 1));
	memcpy(m->in, in, sizeof(int32_t) * (size_t)n_in);
	memcpy(m->out, out, sizeof(int32_t) * (size_t)n_out);
}

/*
 * A small float CNN: input [1,8,8,3] -> CONV_2D 3x3 SAME stride 1 (4 out,
 * RELU) -> DEPTHWISE 3x3 stride 2 -> MAX_POOL 2x2 -> RESHAPE [1,16] ->
 * FULLY_CONNECTED (5) -> LOGISTIC. Weights from a fixed pattern.
 */
static inline struct edgeai_model *tb_small_cnn(void)
{
	struct edgeai_model *m = tb_new();
	float w1[4 * 3 * 3 * 3], b1[4], w2[3 * 3 * 4], b2[4], w3[5 * 16], b3[5];
	int32_t shape_in[] = { 1, 8, 8, 3 }, sw1[] = { 4, 3, 3, 3 }, sb[] = { 4 };
	int32_t s1[] = { 1, 8, 8, 4 }, sw2[] = { 1, 3, 3, 4 }, s2[] = { 1, 4, 4, 4 };
	int32_t s3[] = { 1, 2, 2, 4 }, s4[] = { 1, 16 }, sw3[] = { 5, 16 }, sb3[] = { 5 };
	int32_t s5[] = { 1, 5 }, shp[] = { 2 }, newshape[] = { 1, 16 };
	int t[16];
	struct model_op *op;

	for (size_t i = 0; i < sizeof(w1) / sizeof(w1[0]); i++)
		w1[i] = (float)((int)(i * 37 % 17) - 8) / 16.0f;
	for (size_t i = 0; i < 4; i++)
		b1[i] = 0.1f * (float)i - 0.1f, b2[i] = 0.05f * (float)i;
	for (size_t i = 0; i < sizeof(w2) / sizeof(w2[0]); i++)
		w2[i] = (float)((int)(i * 29 % 13) - 6) / 8.0f;
	for (size_t i = 0; i < sizeof(w3) / sizeof(w3[0]); i++)
		w3[i] = (float)((int)(i * 41 % 23) - 11) / 20.0f;
	for (size_t i = 0; i < 5; i++)
		b3[i] = 0.2f - 0.1f * (float)i;

	t[0] = tb_tensor(m, "input", TFL_FLOAT32, 4, shape_in, NULL, 0);
	t[1] = tb_tensor(m, "conv/w", TFL_FLOAT32, 4, sw1, w1, sizeof(w1));
	t[2] = tb_tensor(m, "conv/b", TFL_FLOAT32, 1, sb, b1, sizeof(b1));
	t[3] = tb_tensor(m, "conv", TFL_FLOAT32, 4, s1, NULL, 0);
	t[4] = tb_tensor(m, "dw/w", TFL_FLOAT32, 4, sw2, w2, sizeof(w2));
	t[5] = tb_tensor(m, "dw/b", TFL_FLOAT32, 1, sb, b2, sizeof(b2));
	t[6] = tb_tensor(m, "dw", TFL_FLOAT32, 4, s2, NULL, 0);
	t[7] = tb_tensor(m, "pool", TFL_FLOAT32, 4, s3, NULL, 0);
	t[8] = tb_tensor(m, "shape", TFL_INT32, 1, shp, newshape, sizeof(newshape));
	t[9] = tb_tensor(m, "flat", TFL_FLOAT32, 2, s4, NULL, 0);
	t[10] = tb_tensor(m, "fc/w", TFL_FLOAT32, 2, sw3, w3, sizeof(w3));
	t[11] = tb_tensor(m, "fc/b", TFL_FLOAT32, 1, sb3, b3, sizeof(b3));
	t[12] = tb_tensor(m, "fc", TFL_FLOAT32, 2, s5, NULL, 0);
	t[13] = tb_tensor(m, "prob", TFL_FLOAT32, 2, s5, NULL, 0);

	op = tb_op(m, TFL_OP_CONV_2D, 3, (int32_t[]){ t[0], t[1], t[2] }, 1, (int32_t[]){ t[3] });
	op->o.type = TFL_OPT_CONV2D;
	op->o.padding = TFL_PAD_SAME;
	op->o.act = TFL_ACT_RELU;
	op = tb_op(m, TFL_OP_DEPTHWISE_CONV_2D, 3, (int32_t[]){ t[3], t[4], t[5] }, 1, (int32_t[]){ t[6] });
	op->o.type = TFL_OPT_DEPTHWISE;
	op->o.padding = TFL_PAD_SAME;
	op->o.stride_w = op->o.stride_h = 2;
	op = tb_op(m, TFL_OP_MAX_POOL_2D, 1, (int32_t[]){ t[6] }, 1, (int32_t[]){ t[7] });
	op->o.type = TFL_OPT_POOL2D;
	op->o.padding = TFL_PAD_VALID;
	op->o.stride_w = op->o.stride_h = op->o.filter_w = op->o.filter_h = 2;
	op = tb_op(m, TFL_OP_RESHAPE, 2, (int32_t[]){ t[7], t[8] }, 1, (int32_t[]){ t[9] });
	op->o.type = TFL_OPT_RESHAPE;
	op->o.has_ints = 1;
	op->o.n_ints = 2;
	op->o.ints = malloc(sizeof(newshape));
	memcpy(op->o.ints, newshape, sizeof(newshape));
	op = tb_op(m, TFL_OP_FULLY_CONNECTED, 3, (int32_t[]){ t[9], t[10], t[11] }, 1, (int32_t[]){ t[12] });
	op->o.type = TFL_OPT_FULLY_CONNECTED;
	tb_op(m, TFL_OP_LOGISTIC, 1, (int32_t[]){ t[12] }, 1, (int32_t[]){ t[13] });
	tb_io(m, 1, (int32_t[]){ t[0] }, 1, (int32_t[]){ t[13] });
	return m;
}

/*
 * tb_small_cnn() quantized to int8 (4 samples of @seed); NULL on failure,
 * said in a TAP comment line (this header is also built without ktap.h).
 */
static inline struct edgeai_model *tb_small_cnn_int8(uint64_t seed)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8,
					  .n_samples = 4, .seed = seed };
	struct edgeai_model *f = tb_small_cnn(), *q = NULL;
	struct edgeai_quant_report rep;
	char err[256] = "";

	if (edgeai_quantize(f, &o, &q, &rep, err, sizeof(err)) < 0)
		printf("# quantize: %s\n", err);
	edgeai_model_unref(f);
	return q;
}

#endif
