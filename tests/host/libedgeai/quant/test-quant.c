// SPDX-License-Identifier: MIT
/*
 * edgeai_quantize() on a small float CNN: the int8 model has the TFLite
 * converter's layout (int8 activations, per-channel symmetric weights on
 * axis 0 / 3, per-tensor FC weights, int32 bias with scale s_in * s_w,
 * LOGISTIC output (1/256, -128), pool/reshape sharing their input's
 * parameters), the same options give the same bytes, a different seed
 * gives different bytes, the uint8/float I/O variants have edge ops, a
 * bias two ops share becomes one int32 bias per op, and bad options are
 * refused.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "test-tflite-build.h"

static int quantize(struct edgeai_model *m, uint32_t io, uint64_t seed, void **data, size_t *size,
		    struct edgeai_model **ret)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = io, .n_samples = 4, .seed = seed };
	struct edgeai_quant_report rep;
	char err[256] = "";
	int r = edgeai_quantize(m, &o, ret, &rep, err, sizeof(err));

	if (r < 0) {
		ktap_diag("quantize: %d %s", r, err);
		return r;
	}
	return edgeai_model_save(*ret, data, size);
}

static const struct model_tensor *byname(const struct edgeai_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->n_tensors; i++)
		if (!strcmp(m->t[i].name, name))
			return &m->t[i];
	return NULL;
}

int main(void)
{
	struct edgeai_model *f = tb_small_cnn(), *q = NULL, *q2 = NULL, *q3 = NULL, *qu = NULL;
	void *d1 = NULL, *d2 = NULL, *d3 = NULL, *du = NULL;
	size_t s1 = 0, s2 = 0, s3 = 0, su = 0;
	const struct model_tensor *in, *conv, *w, *b, *dw, *dww, *pool, *flat, *fcw, *fcb, *prob;

	ktap_start();
	if (!ktap_ok(quantize(f, EDGEAI_QUANT_IO_INT8, 1, &d1, &s1, &q) == 0, "quantize the small CNN"))
		return ktap_finish();
	in = byname(q, "input");
	conv = byname(q, "conv");
	w = byname(q, "conv/w");
	b = byname(q, "conv/b");
	dw = byname(q, "dw");
	dww = byname(q, "dw/w");
	pool = byname(q, "pool");
	flat = byname(q, "flat");
	fcw = byname(q, "fc/w");
	fcb = byname(q, "fc/b");
	prob = byname(q, "prob");
	if (!ktap_ok(in && conv && w && b && dw && dww && pool && flat && fcw && fcb && prob,
		     "every tensor is still there"))
		return ktap_finish();
	ktap_ok(in->type == TFL_INT8 && conv->type == TFL_INT8 && prob->type == TFL_INT8 &&
		in->q.n == 1, "activations are int8 per tensor");
	ktap_ok(conv->q.zero_point[0] == -128, "RELU output range starts at 0: zero point -128");
	ktap_ok(w->type == TFL_INT8 && w->q.n == 4 && w->q.dim == 0, "CONV_2D weights: 4 scales on axis 0");
	ktap_ok(dww->type == TFL_INT8 && dww->q.n == 4 && dww->q.dim == 3,
		"DEPTHWISE weights: 4 scales on axis 3");
	ktap_ok(fcw->type == TFL_INT8 && fcw->q.n == 1 && fcw->q.zero_point[0] == 0,
		"FULLY_CONNECTED weights: per tensor, zero point 0");
	{
		const float *wf = (const float *)f->buf[f->t[1].buffer].data;
		const int8_t *wq = (const int8_t *)q->buf[w->buffer].data;
		int good = 1, hits127 = 0;

		for (int c = 0; c < 4; c++) {
			float mx = 0;

			for (int i = 0; i < 27; i++)
				mx = fmaxf(mx, fabsf(wf[c * 27 + i]));
			good &= fabsf(w->q.scale[c] - mx / 127.0f) <= 1e-7f && w->q.zero_point[c] == 0;
			for (int i = 0; i < 27; i++) {
				good &= wq[c * 27 + i] >= -127;
				hits127 += abs(wq[c * 27 + i]) == 127;
			}
		}
		ktap_ok(good && hits127 >= 4, "weight scale = max|w| / 127 per channel, values in [-127, 127]");
	}
	ktap_ok(b->type == TFL_INT32 && b->q.n == 4 && b->q.zero_point[0] == 0 &&
		b->q.scale[2] == in->q.scale[0] * w->q.scale[2],
		"CONV_2D bias: int32, scale s_in * s_w[c], zero point 0");
	ktap_ok(fcb->type == TFL_INT32 && fcb->q.scale[0] == flat->q.scale[0] * fcw->q.scale[0],
		"FC bias: scale s_in * s_w");
	ktap_ok(prob->q.scale[0] == 1.0f / 256.0f && prob->q.zero_point[0] == -128,
		"LOGISTIC output: (1/256, -128)");
	ktap_ok(pool->q.scale[0] == dw->q.scale[0] && pool->q.zero_point[0] == dw->q.zero_point[0] &&
		flat->q.scale[0] == pool->q.scale[0] && flat->q.zero_point[0] == pool->q.zero_point[0],
		"MAX_POOL_2D and RESHAPE share their input's (scale, zero point)");
	ktap_ok(q->ops[0].version == 3 && q->ops[4].version == 4, "int8 op versions (CONV_2D 3, FC 4)");

	quantize(f, EDGEAI_QUANT_IO_INT8, 1, &d2, &s2, &q2);
	ktap_ok(d2 && s1 == s2 && !memcmp(d1, d2, s1), "same options: same bytes");
	quantize(f, EDGEAI_QUANT_IO_INT8, 2, &d3, &s3, &q3);
	ktap_ok(d3 && (s1 != s3 || memcmp(d1, d3, s1)), "another seed: other calibration, other bytes");
	quantize(f, EDGEAI_QUANT_IO_UINT8, 1, &du, &su, &qu);
	ktap_ok(qu && qu->t[qu->in[0]].type == TFL_UINT8 && qu->ops[0].code == TFL_OP_QUANTIZE &&
		qu->t[qu->in[0]].q.zero_point[0] == in->q.zero_point[0] + 128 &&
		qu->ops[qu->n_ops - 1].code == TFL_OP_QUANTIZE && qu->t[qu->out[0]].type == TFL_UINT8,
		"--io uint8: uint8 edges with QUANTIZE, zero point + 128");
	{
		struct edgeai_quant_options o = { .size = sizeof(o), .percentile = 40 };
		struct edgeai_model *x = NULL;

		KTAP_EXPECT_EQ(edgeai_quantize(f, &o, &x, NULL, NULL, 0), -EINVAL, "percentile 40: -EINVAL");
		o.percentile = 0;
		o.size = 4;
		KTAP_EXPECT_EQ(edgeai_quantize(f, &o, &x, NULL, NULL, 0), -EINVAL, "short options: -EINVAL");
	}
	{
		struct edgeai_model *c = tb_small_cnn(), *x = NULL;
		char err[256] = "";

		c->ops[5].code = TFL_OP_CUSTOM;
		KTAP_EXPECT_EQ(edgeai_quantize(c, NULL, &x, NULL, err, sizeof(err)), -EOPNOTSUPP,
			       "unsupported op: -EOPNOTSUPP");
		ktap_diag("%s", err);
		edgeai_model_unref(c);
	}
	{
		/* one bias constant read by two ops: an int32 bias of each op's own scale */
		struct edgeai_model *c = tb_small_cnn(), *x = NULL;
		const struct model_tensor *b0, *b1, *i0, *i1, *w0, *w1;
		void *dx = NULL;
		size_t sx = 0;
		int good = 1;

		c->ops[1].in[2] = c->ops[0].in[2];	/* the depthwise reads conv/b */
		if (ktap_ok(quantize(c, EDGEAI_QUANT_IO_INT8, 1, &dx, &sx, &x) == 0,
			    "quantize a model whose CONV_2D and DEPTHWISE_CONV_2D share a bias")) {
			b0 = &x->t[x->ops[0].in[2]], b1 = &x->t[x->ops[1].in[2]];
			i0 = &x->t[x->ops[0].in[0]], i1 = &x->t[x->ops[1].in[0]];
			w0 = &x->t[x->ops[0].in[1]], w1 = &x->t[x->ops[1].in[1]];
			for (uint32_t ch = 0; ch < 4 && b0->q.n == 4 && b1->q.n == 4; ch++) {
				int32_t v0, v1;

				memcpy(&v0, x->buf[b0->buffer].data + 4 * ch, 4);
				memcpy(&v1, x->buf[b1->buffer].data + 4 * ch, 4);
				good &= b0->q.scale[ch] == i0->q.scale[0] * w0->q.scale[ch] &&
					b1->q.scale[ch] == i1->q.scale[0] * w1->q.scale[ch] &&
					v0 == (int32_t)nearbyint((double)(0.1f * (float)ch - 0.1f) /
								 (double)b0->q.scale[ch]) &&
					v1 == (int32_t)nearbyint((double)(0.1f * (float)ch - 0.1f) /
								 (double)b1->q.scale[ch]);
			}
			ktap_ok(x->ops[0].in[2] != x->ops[1].in[2] && b0->type == TFL_INT32 &&
				b1->type == TFL_INT32 && b0->q.n == 4 && b1->q.n == 4 && good &&
				!strcmp(b0->name, "conv/b") && !strncmp(b1->name, "conv/b_", 7),
				"each op gets its own int32 bias ('%s', '%s'), scale s_in * s_w of that op",
				b0->name, b1->name);
		}
		free(dx);
		edgeai_model_unref(x);
		edgeai_model_unref(c);
	}
	free(d1);
	free(d2);
	free(d3);
	free(du);
	edgeai_model_unref(q);
	edgeai_model_unref(q2);
	edgeai_model_unref(q3);
	edgeai_model_unref(qu);
	edgeai_model_unref(f);
	return ktap_finish();
}
