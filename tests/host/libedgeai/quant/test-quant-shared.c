// SPDX-License-Identifier: MIT
/*
 * edgeai_quantize() on float constants shared by several operators, as the
 * TFLite converter writes them (one zero bias for many convolutions in
 * the MediaPipe palm detectors): one float bias read by a CONV_2D on the
 * model input, by two CONV_2D on the first one's output (with the same
 * weights) and by a DEPTHWISE_CONV_2D on it; the depthwise weights are
 * also the weights of a 1-channel CONV_2D. Each consumer whose input or
 * weight scales differ gets its own int32 bias with scale s_in * s_w[c]
 * and values round(b / scale); consumers quantized alike share one
 * tensor (the two convolutions with the same input and weights: one bias,
 * one weight tensor); the depthwise and the conv reading one float weight
 * tensor get their own int8 tensors (4 scales on axis 3, 1 on axis 0),
 * and that conv, which has no bias, gets a zero int32 bias. The float bias
 * is also the second operand of an ADD, which reads it as an int8
 * constant of its own range.
 *
 *   test-quant-shared [DIR]   also write DIR/shared-float.tflite and
 *                             DIR/shared-int8.tflite (test-quant-shared.sh
 *                             runs the int8 one in the oracle and on the CPU)
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "test-tflite-build.h"

static const float bias[4] = { 0.25f, -0.5f, 0.75f, 0.125f };

/*
 * input [1,8,8,3] -> conv1 (w1, b) -> y1 [1,8,8,4]
 * y1 -> conv2 (w2, b) -> y2;  y1 -> conv3 (w2, b, stride 2, RELU) -> y3
 * y1 -> dw (wd, b) -> y4;     y1 -> conv4 (wd as [1,3,3,4], no bias) -> y5
 * y2 + b (broadcast) -> y6
 */
static struct edgeai_model *shared_model(void)
{
	struct edgeai_model *m = tb_new();
	float w1[4 * 3 * 3 * 3], w2[4 * 3 * 3 * 4], wd[3 * 3 * 4];
	int32_t sin[] = { 1, 8, 8, 3 }, sw1[] = { 4, 3, 3, 3 }, sb[] = { 4 }, sy[] = { 1, 8, 8, 4 };
	int32_t sw2[] = { 4, 3, 3, 4 }, sy3[] = { 1, 4, 4, 4 }, swd[] = { 1, 3, 3, 4 };
	int32_t sy5[] = { 1, 8, 8, 1 };
	int32_t in, tw1, tb, y1, tw2, y2, y3, twd, y4, y5, y6;
	struct model_op *op;

	for (size_t i = 0; i < sizeof(w1) / sizeof(w1[0]); i++)
		w1[i] = (float)((int)(i * 37 % 17) - 8) / 4.0f;	/* y1 spans several times the input */
	for (size_t i = 0; i < sizeof(w2) / sizeof(w2[0]); i++)
		w2[i] = (float)((int)(i * 29 % 13) - 6) / 16.0f;
	for (size_t i = 0; i < sizeof(wd) / sizeof(wd[0]); i++)
		wd[i] = (float)((int)(i * 23 % 11) - 5) / (8.0f + (float)(i % 4) * 8.0f);

	in = tb_tensor(m, "input", TFL_FLOAT32, 4, sin, NULL, 0);
	tw1 = tb_tensor(m, "w1", TFL_FLOAT32, 4, sw1, w1, sizeof(w1));
	tb = tb_tensor(m, "b", TFL_FLOAT32, 1, sb, bias, sizeof(bias));
	y1 = tb_tensor(m, "y1", TFL_FLOAT32, 4, sy, NULL, 0);
	tw2 = tb_tensor(m, "w2", TFL_FLOAT32, 4, sw2, w2, sizeof(w2));
	y2 = tb_tensor(m, "y2", TFL_FLOAT32, 4, sy, NULL, 0);
	y3 = tb_tensor(m, "y3", TFL_FLOAT32, 4, sy3, NULL, 0);
	twd = tb_tensor(m, "wd", TFL_FLOAT32, 4, swd, wd, sizeof(wd));
	y4 = tb_tensor(m, "y4", TFL_FLOAT32, 4, sy, NULL, 0);
	y5 = tb_tensor(m, "y5", TFL_FLOAT32, 4, sy5, NULL, 0);
	y6 = tb_tensor(m, "y6", TFL_FLOAT32, 4, sy, NULL, 0);

	op = tb_op(m, TFL_OP_CONV_2D, 3, (int32_t[]){ in, tw1, tb }, 1, (int32_t[]){ y1 });
	op->o.type = TFL_OPT_CONV2D;
	op->o.padding = TFL_PAD_SAME;
	op = tb_op(m, TFL_OP_CONV_2D, 3, (int32_t[]){ y1, tw2, tb }, 1, (int32_t[]){ y2 });
	op->o.type = TFL_OPT_CONV2D;
	op->o.padding = TFL_PAD_SAME;
	op = tb_op(m, TFL_OP_CONV_2D, 3, (int32_t[]){ y1, tw2, tb }, 1, (int32_t[]){ y3 });
	op->o.type = TFL_OPT_CONV2D;
	op->o.padding = TFL_PAD_SAME;
	op->o.stride_w = op->o.stride_h = 2;
	op->o.act = TFL_ACT_RELU;
	op = tb_op(m, TFL_OP_DEPTHWISE_CONV_2D, 3, (int32_t[]){ y1, twd, tb }, 1, (int32_t[]){ y4 });
	op->o.type = TFL_OPT_DEPTHWISE;
	op->o.padding = TFL_PAD_SAME;
	/* TFLite 2.9's CONV_2D takes no bias as two inputs, not as a third of -1 */
	op = tb_op(m, TFL_OP_CONV_2D, 2, (int32_t[]){ y1, twd }, 1, (int32_t[]){ y5 });
	op->o.type = TFL_OPT_CONV2D;
	op->o.padding = TFL_PAD_SAME;
	op = tb_op(m, TFL_OP_ADD, 2, (int32_t[]){ y2, tb }, 1, (int32_t[]){ y6 });
	op->o.type = TFL_OPT_ADD;
	tb_io(m, 1, (int32_t[]){ in }, 5, (int32_t[]){ y2, y3, y4, y5, y6 });
	return m;
}

/*
 * The bias of op @k: int32, one scale per output channel equal to
 * s_in * s_w[c] (as float, as TFLite's converter), zero point 0, and
 * values round(b[c] / scale[c]).
 */
static int bias_ok(const struct edgeai_model *q, uint32_t k)
{
	const struct model_op *op = &q->ops[k];
	const struct model_tensor *in = &q->t[op->in[0]], *w = &q->t[op->in[1]], *b = &q->t[op->in[2]];
	const uint8_t *d = q->buf[b->buffer].data;
	int good = b->type == TFL_INT32 && b->q.n == 4 && w->q.n == 4 && in->q.n == 1 &&
		   q->buf[b->buffer].size == 16;

	for (uint32_t c = 0; good && c < 4; c++) {
		float s = in->q.scale[0] * w->q.scale[c];
		int32_t v;

		memcpy(&v, d + 4 * c, 4);
		good = b->q.scale[c] == s && b->q.zero_point[c] == 0 &&
		       v == (int32_t)nearbyint((double)bias[c] / (double)s);
		if (!good)
			ktap_diag("op %u '%s' channel %u: scale %g (s_in * s_w %g), value %d (b / s %.2f)", k,
				  b->name, c, (double)b->q.scale[c], (double)s, v,
				  (double)bias[c] / (double)s);
	}
	return good;
}

static int save(const struct edgeai_model *m, const char *dir, const char *name)
{
	char path[4096];
	void *data = NULL;
	size_t size = 0;
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = edgeai_model_save(m, &data, &size);
	if (r < 0)
		return r;
	f = fopen(path, "wbe");
	r = f && fwrite(data, 1, size, f) == size ? 0 : -EIO;
	if (f && fclose(f))
		r = -EIO;
	free(data);
	return r;
}

int main(int argc, char **argv)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8, .n_samples = 4,
					  .seed = 1 };
	struct edgeai_model *f = shared_model(), *q = NULL;
	struct edgeai_quant_report rep;
	char err[256] = "";
	int r, n_int32 = 0, n_float = 0;

	ktap_start();
	r = edgeai_quantize(f, &o, &q, &rep, err, sizeof(err));
	if (!ktap_ok(r == 0, "a float bias shared by four convolutions and an ADD quantizes")) {
		ktap_diag("%d %s", r, err);
		edgeai_model_unref(f);
		return ktap_finish();
	}
	if (!ktap_ok(q->n_ops == 6 && q->ops[0].code == TFL_OP_CONV_2D &&
		     q->ops[3].code == TFL_OP_DEPTHWISE_CONV_2D && q->ops[4].n_in == 3 &&
		     q->ops[5].code == TFL_OP_ADD, "the int8 model has the six operators"))
		goto out;
	for (uint32_t i = 0; i < q->n_tensors; i++) {
		n_int32 += q->t[i].type == TFL_INT32;
		n_float += q->t[i].type == TFL_FLOAT32;
		ktap_diag("tensor %u %-6s %s, %u scale(s)", i, q->t[i].name,
			  edgeai_tensor_type_name(q->t[i].type), q->t[i].q.n);
	}
	ktap_ok(q->t[q->ops[0].in[0]].q.scale[0] != q->t[q->ops[1].in[0]].q.scale[0],
		"the inputs of conv1 and conv2 have different scales");
	ktap_ok(q->ops[0].in[2] != q->ops[1].in[2] && q->ops[0].in[2] != q->ops[3].in[2] &&
		q->ops[1].in[2] != q->ops[3].in[2], "conv1, conv2 and the depthwise have biases of their own");
	ktap_ok(bias_ok(q, 0), "conv1 bias: int32 with scale s_input * s_w1[c], round(b / scale)");
	ktap_ok(bias_ok(q, 1), "conv2 bias: int32 with scale s_y1 * s_w2[c], round(b / scale)");
	ktap_ok(bias_ok(q, 3), "depthwise bias: int32 with scale s_y1 * s_wd[c], round(b / scale)");
	ktap_ok(q->ops[2].in[2] == q->ops[1].in[2] && q->ops[2].in[1] == q->ops[1].in[1],
		"conv3 (conv2's input and weights) shares conv2's int32 bias and int8 weights");
	{
		const struct model_tensor *wd = &q->t[q->ops[3].in[1]], *w4 = &q->t[q->ops[4].in[1]];

		ktap_ok(q->ops[3].in[1] != q->ops[4].in[1] && wd->type == TFL_INT8 && w4->type == TFL_INT8 &&
			wd->q.n == 4 && wd->q.dim == 3 && w4->q.n == 1 && w4->q.dim == 0,
			"one float weight tensor: depthwise 4 scales on axis 3, conv 1 scale on axis 0");
	}
	{
		const struct model_tensor *b = &q->t[q->ops[4].in[2]];
		const int32_t *v = (const int32_t *)q->buf[b->buffer].data;

		ktap_ok(b->type == TFL_INT32 && b->rank == 1 && b->shape[0] == 1 && b->q.n == 1 && v[0] == 0 &&
			b->q.scale[0] == q->t[q->ops[4].in[0]].q.scale[0] * q->t[q->ops[4].in[1]].q.scale[0],
			"conv4 without a bias gets a zero int32 bias (TFLite 2.9's int8 CONV_2D needs one)");
	}
	{
		const struct model_tensor *c = &q->t[q->ops[5].in[1]];
		const int8_t *v = (const int8_t *)q->buf[c->buffer].data;
		int good = c->type == TFL_INT8 && c->q.n == 1 && c->rank == 1 && c->shape[0] == 4;

		for (int i = 0; good && i < 4; i++)
			good = fabsf(c->q.scale[0] * (float)(v[i] - c->q.zero_point[0]) - bias[i]) <=
			       c->q.scale[0] * 0.5001f;	/* b[3] lies half-way */
		ktap_ok(good, "the ADD reads the float bias as an int8 constant (within half a step)");
	}
	ktap_ok(n_int32 == 4 && n_float == 0 && q->n_tensors == 16,
		"16 tensors: 4 int32 biases, no float copy left (%d int32, %d float, %u tensors)", n_int32,
		n_float, q->n_tensors);
	if (argc > 1) {
		ktap_ok(save(f, argv[1], "shared-float.tflite") == 0 &&
			save(q, argv[1], "shared-int8.tflite") == 0, "write the float and the int8 model");
	}
out:
	edgeai_model_unref(q);
	edgeai_model_unref(f);
	return ktap_finish();
}
