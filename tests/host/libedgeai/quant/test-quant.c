// SPDX-License-Identifier: MIT
/*
 * edgeai_quantize() on a small float CNN: the int8 model has the TFLite
 * converter's layout (int8 activations, per-channel symmetric weights on
 * axis 0 / 3, per-tensor FC weights, int32 bias with scale s_in * s_w,
 * LOGISTIC output (1/256, -128), pool/reshape sharing their input's
 * parameters), the same options give the same bytes, a different seed
 * gives different bytes, the uint8/float I/O variants have edge ops, a
 * bias two ops share becomes one int32 bias per op, and bad options are
 * refused. MediaPipe's Convolution2DTransposeBias: the float reference
 * against a hand scatter, and the int8 model with TFLite's builtin
 * TRANSPOSE_CONV (version 3, output_shape, per-channel weights). A SUB,
 * SQUARED_DIFFERENCE or HARD_SWISH whose output is always 0 gets the
 * narrowest scale TFLite runs; a LOGISTIC concatenated with a wider
 * tensor is requantized into the concatenation's own range. A
 * dynamic-range model (int8 weights, float activations) quantizes as the
 * float model of its dequantized weights.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "quant/fref.h"
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

/*
 * A float model of one Convolution2DTransposeBias: [1,3,5,4] -> [1,5,9,3]
 * with a 2x2 filter, stride 2, SAME (MediaPipe: 2 * (3 - 1) + 2 - 1 = 5
 * rows, 2 * (5 - 1) + 2 - 1 = 9 columns, nothing cut before).
 */
static struct edgeai_model *tb_tconv_bias(int32_t stride)
{
	struct edgeai_model *m = tb_new();
	float w[3 * 2 * 2 * 4], b[3] = { 0.25f, -0.5f, 0.125f };
	int32_t sin[] = { 1, 3, 5, 4 }, sw[] = { 3, 2, 2, 4 }, sb[] = { 3 }, so[] = { 1, 5, 9, 3 };
	struct model_op *op;
	int t[4];

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		w[i] = (float)((int)(i * 37 % 19) - 9) / 12.0f;
	t[0] = tb_tensor(m, "input", TFL_FLOAT32, 4, sin, NULL, 0);
	t[1] = tb_tensor(m, "up/w", TFL_FLOAT32, 4, sw, w, sizeof(w));
	t[2] = tb_tensor(m, "up/b", TFL_FLOAT32, 1, sb, b, sizeof(b));
	t[3] = tb_tensor(m, "up", TFL_FLOAT32, 4, so, NULL, 0);
	op = tb_op(m, TFL_OP_CUSTOM, 3, (int32_t[]){ t[0], t[1], t[2] }, 1, (int32_t[]){ t[3] });
	op->custom_code = strdup(MODEL_TCONV_BIAS_CUSTOM);
	op->o.padding = TFL_PAD_SAME;
	op->o.stride_w = op->o.stride_h = stride;
	tb_io(m, 1, (int32_t[]){ t[0] }, 1, (int32_t[]){ t[3] });
	return m;
}

static void test_tconv(void)
{
	struct edgeai_model *f = tb_tconv_bias(2), *q = NULL, *bad = tb_tconv_bias(3);
	const float *w = (const float *)f->buf[f->t[1].buffer].data;
	const float *b = (const float *)f->buf[f->t[2].buffer].data;
	struct quant_fref *x = NULL;
	float ref[5 * 9 * 3], *in, *out;
	char err[256] = "";
	size_t n = 0;
	int bad_vals = 0;

	/* the float reference: a hand scatter of every input pixel */
	if (!ktap_ok(quant_fref_new(f, &x, err, sizeof(err)) == 0,
		     "tconv: the float reference takes Convolution2DTransposeBias (%s)", err))
		goto out;
	in = quant_fref_tensor(x, 0, &n);
	for (size_t i = 0; i < n; i++)
		in[i] = (float)((int)(i * 13 % 11) - 5) / 4.0f;
	for (int i = 0; i < 5 * 9; i++)
		for (int c = 0; c < 3; c++)
			ref[i * 3 + c] = b[c];
	for (int y = 0; y < 3; y++)
		for (int xx = 0; xx < 5; xx++)
			for (int ky = 0; ky < 2; ky++)
				for (int kx = 0; kx < 2; kx++)
					for (int c = 0; c < 3; c++)
						for (int ic = 0; ic < 4; ic++) {
		int oy = 2 * y + ky, ox = 2 * xx + kx;

		if (oy < 5 && ox < 9)
			ref[(oy * 9 + ox) * 3 + c] += in[(y * 5 + xx) * 4 + ic] *
						      w[((c * 2 + ky) * 2 + kx) * 4 + ic];
	}
	ktap_ok(quant_fref_run(x, NULL, NULL, err, sizeof(err)) == 0, "tconv: the float reference runs");
	out = quant_fref_tensor(x, 3, &n);
	for (size_t i = 0; i < n; i++)
		bad_vals += fabsf(out[i] - ref[i]) > 1e-5f;
	ktap_ok(n == 5 * 9 * 3 && !bad_vals, "tconv: float output equals the scatter (%d of %zu differ)",
		bad_vals, n);
	x = quant_fref_free(x);

	/* the int8 model: TFLite's builtin op, which 2.9 runs in int8 */
	if (!ktap_ok(edgeai_quantize(f, NULL, &q, NULL, err, sizeof(err)) == 0,
		     "tconv: quantize Convolution2DTransposeBias (%s)", err))
		goto out;
	{
		const struct model_op *op = &q->ops[0];
		const struct model_tensor *sh = op->n_in == 4 ? &q->t[op->in[0]] : NULL;
		const struct model_tensor *wt = op->n_in == 4 ? &q->t[op->in[1]] : NULL;
		const struct model_tensor *it = op->n_in == 4 ? &q->t[op->in[2]] : NULL;
		const struct model_tensor *bt = op->n_in == 4 ? &q->t[op->in[3]] : NULL;
		const int32_t *shape = sh && sh->buffer ? (const int32_t *)q->buf[sh->buffer].data : NULL;
		int bias_ok = bt && bt->type == TFL_INT32 && wt && it && bt->q.n == 3 && wt->q.n == 3;

		for (int c = 0; bias_ok && c < 3; c++)
			bias_ok = fabsf(bt->q.scale[c] - it->q.scale[0] * wt->q.scale[c]) <=
				  1e-6f * bt->q.scale[c];
		ktap_ok(q->n_ops == 1 && op->code == TFL_OP_TRANSPOSE_CONV && !op->custom_code &&
			op->version == 3 && op->o.type == TFL_OPT_TRANSPOSE_CONV &&
			op->o.padding == TFL_PAD_SAME && op->o.stride_h == 2 && op->o.stride_w == 2,
			"tconv: builtin TRANSPOSE_CONV, version 3, SAME, stride 2");
		ktap_ok(sh && sh->type == TFL_INT32 && sh->rank == 1 && sh->shape[0] == 4 && shape &&
			shape[0] == 1 && shape[1] == 5 && shape[2] == 9 && shape[3] == 3,
			"tconv: output_shape is the constant {1, 5, 9, 3}");
		ktap_ok(wt && wt->type == TFL_INT8 && wt->q.n == 3 && wt->q.dim == 0 && it &&
			it->type == TFL_INT8, "tconv: int8 weights with 3 scales on axis 0, int8 input");
		ktap_ok(bias_ok, "tconv: int32 bias with scale s_in * s_w per channel");
	}
	/* stride 3: MediaPipe's output would be 7 x 13, not 5 x 9 */
	edgeai_model_unref(q);
	q = NULL;
	KTAP_EXPECT_EQ(edgeai_quantize(bad, NULL, &q, NULL, err, sizeof(err)), -EBADMSG,
		       "tconv: an output the strides do not produce is refused");
	ktap_diag("%s", err);
out:
	quant_fref_free(x);
	edgeai_model_unref(q);
	edgeai_model_unref(bad);
	edgeai_model_unref(f);
}

/*
 * Float @m (then released) quantized with int8 I/O, checked as @what;
 * NULL where that failed.
 */
static struct edgeai_model *quantized(struct edgeai_model *m, const char *what)
{
	struct edgeai_model *q = NULL;
	void *data = NULL;
	size_t size = 0;

	if (!ktap_ok(quantize(m, EDGEAI_QUANT_IO_INT8, 1, &data, &size, &q) == 0, "quantize %s",
		     what)) {
		edgeai_model_unref(q);
		q = NULL;
	}
	free(data);
	edgeai_model_unref(m);
	return q;
}

/* Int8 @q compiles for the CPU; @q released. */
static void compiles(struct edgeai_model *q, const char *what)
{
	struct edgeai_compile_options co = { .policy = EDGEAI_POLICY_CPU_ONLY,
					     .flags = EDGEAI_COMPILE_NO_CACHE };
	struct edgeai_program *p = NULL;
	char err[256] = "";

	ktap_ok(edgeai_model_compile(q, &co, &p, err, sizeof(err)) == 0, "%s compiles%s%s", what,
		*err ? ": " : "", err);
	edgeai_program_unref(p);
	edgeai_model_unref(q);
}

/* A float model of @n_ops ops of @code on [1, 4, 4, 2] tensors x, t1, t2...; output the last. */
static struct edgeai_model *chain(int n_ops, const int32_t *code, const int32_t (*in)[2])
{
	struct edgeai_model *m = tb_new();
	int32_t s[] = { 1, 4, 4, 2 }, one[] = { 1 }, t[8];
	float k = -200.0f;
	char name[8];
	int i;

	t[0] = tb_tensor(m, "x", TFL_FLOAT32, 4, s, NULL, 0);
	t[1] = tb_tensor(m, "k", TFL_FLOAT32, 1, one, &k, sizeof(k));
	for (i = 0; i < n_ops; i++) {
		snprintf(name, sizeof(name), "t%d", i + 2);
		t[i + 2] = tb_tensor(m, name, TFL_FLOAT32, 4, s, NULL, 0);
		tb_op(m, code[i], code[i] == TFL_OP_HARD_SWISH ? 1 : 2,
		      (int32_t[]){ t[in[i][0]], t[in[i][1]] }, 1, &t[i + 2]);
	}
	tb_io(m, 1, &t[0], 1, &t[n_ops + 1]);
	return m;
}

static float sc(const struct edgeai_model *q, const char *name)
{
	const struct model_tensor *t = byname(q, name);

	return t ? t->q.scale[0] : 0.0f;
}

/*
 * Tensors that are 0 on every input calibrate to a range of almost
 * nothing; TFLite's SUB and ADD abort on an output scale at or below
 * 2 max(s1, s2) / 2^20, SQUARED_DIFFERENCE refuses one at or below
 * (2 max(s1, s2))^2 / 2^14, HARD_SWISH one at or below 1/128 of its
 * input's. The quantizer widens such an output to the narrowest range
 * TFLite takes (each ratio just below 1), and the model compiles.
 */
static void test_zero_outputs(void)
{
	struct edgeai_model *q;
	double r;

	/* t2 = x - x, t3 = t2 + x */
	q = quantized(chain(2, (const int32_t[]){ TFL_OP_SUB, TFL_OP_ADD },
			    (const int32_t[][2]){ { 0, 0 }, { 2, 0 } }), "(x - x) + x");
	if (q) {
		r = 2.0 * (double)sc(q, "x") / ((double)(1 << 20) * (double)sc(q, "t2"));
		ktap_ok(r < 1.0 && r > 0.95, "x - x: output scale %g, TFLite's rescale %.4f "
			"(below 1, as it needs)", (double)sc(q, "t2"), r);
		compiles(q, "(x - x) + x");
	}
	/* t2 = (x - x)^2 */
	q = quantized(chain(1, (const int32_t[]){ TFL_OP_SQUARED_DIFFERENCE },
			    (const int32_t[][2]){ { 0, 0 } }), "(x - x)^2");
	if (q) {
		r = 4.0 * (double)sc(q, "x") * (double)sc(q, "x") /
		    ((double)(1 << 14) * (double)sc(q, "t2"));
		ktap_ok(r < 1.0 && r > 0.95, "(x - x)^2: output scale %g, TFLite's rescale %.4f "
			"(below 1)", (double)sc(q, "t2"), r);
		compiles(q, "(x - x)^2");
	}
	/* t2 = x - 200, t3 = HARD_SWISH(t2) */
	q = quantized(chain(2, (const int32_t[]){ TFL_OP_ADD, TFL_OP_HARD_SWISH },
			    (const int32_t[][2]){ { 0, 1 }, { 2, 2 } }), "HARD_SWISH(x - 200)");
	if (q) {
		/* HardSwishPrepare's output multiplier: (1/128 s_in, in float) / s_out */
		r = (double)((1.0f / 128.0f) * sc(q, "t2") / sc(q, "t3"));
		ktap_ok(r < 1.0 && r > 0.95, "HARD_SWISH output scale %g, input %g: TFLite's "
			"rescale %.4f (below 1, as it needs)", (double)sc(q, "t3"),
			(double)sc(q, "t2"), r);
		compiles(q, "HARD_SWISH(x - 200)");
	}
}

/*
 * CONCATENATION(50 x, LOGISTIC(x)): the concatenation gets its own range
 * (about [-50, 50]), not the LOGISTIC's fixed 1/256, and the int8 model
 * reads the LOGISTIC's output through a QUANTIZE into it.
 */
static void test_concat_fixed(void)
{
	struct edgeai_model *m = tb_new(), *q;
	int32_t s[] = { 1, 4, 4, 2 }, sc2[] = { 1, 4, 4, 4 }, one[] = { 1 }, t[5];
	float k = 50.0f;
	struct model_op *op;
	int quant = 0, reads = 0;

	t[0] = tb_tensor(m, "x", TFL_FLOAT32, 4, s, NULL, 0);
	t[1] = tb_tensor(m, "k", TFL_FLOAT32, 1, one, &k, sizeof(k));
	t[2] = tb_tensor(m, "wide", TFL_FLOAT32, 4, s, NULL, 0);
	t[3] = tb_tensor(m, "sig", TFL_FLOAT32, 4, s, NULL, 0);
	t[4] = tb_tensor(m, "cat", TFL_FLOAT32, 4, sc2, NULL, 0);
	tb_op(m, TFL_OP_MUL, 2, (int32_t[]){ t[0], t[1] }, 1, &t[2]);
	tb_op(m, TFL_OP_LOGISTIC, 1, &t[0], 1, &t[3]);
	op = tb_op(m, TFL_OP_CONCATENATION, 2, (int32_t[]){ t[2], t[3] }, 1, &t[4]);
	op->o.type = TFL_OPT_CONCATENATION;
	op->o.axis = 3;
	tb_io(m, 1, &t[0], 1, &t[4]);
	q = quantized(m, "CONCATENATION(50 x, LOGISTIC(x))");
	if (!q)
		return;
	for (uint32_t i = 0; i < q->n_ops; i++) {
		const struct model_op *o = &q->ops[i];

		if (o->code != TFL_OP_QUANTIZE)
			continue;
		quant++;
		reads += o->in[0] == byname(q, "sig") - q->t &&
			 q->t[o->out[0]].q.scale[0] == sc(q, "cat") &&
			 q->t[o->out[0]].q.zero_point[0] == byname(q, "cat")->q.zero_point[0];
	}
	ktap_ok(sc(q, "sig") == 1.0f / 256.0f && sc(q, "cat") > 0.35f && sc(q, "cat") < 0.45f &&
		quant == 1 && reads == 1,
		"the LOGISTIC keeps 1/256 (%g), the concatenation its own range (scale %g), "
		"%d QUANTIZE into it", (double)sc(q, "sig"), (double)sc(q, "cat"), quant);
	compiles(q, "CONCATENATION(50 x, LOGISTIC(x))");
}

/*
 * x / 6 (a constant divisor): TFLite has no int8 DIV; the int8 model has
 * a MUL by 1/6 (its constant stored about 0.1667) and no DIV, and
 * compiles. x / 0 stays a DIV, which quantizing names.
 */
static void test_div_const(void)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8, .seed = 1 };
	struct edgeai_model *q, *q0 = NULL;
	const struct model_tensor *k = NULL;
	int divs = 0, muls = 0, r;
	char err[256] = "";
	float kv = 0.0f;
	uint32_t i;

	q = quantized(chain(1, (const int32_t[]){ TFL_OP_DIV },
			    (const int32_t[][2]){ { 0, 1 } }), "x / -200");
	if (q) {
		for (i = 0; i < q->n_ops; i++) {
			divs += q->ops[i].code == TFL_OP_DIV;
			if (q->ops[i].code == TFL_OP_MUL) {
				muls++;
				k = &q->t[q->ops[i].in[1]];
			}
		}
		if (k && k->type == TFL_INT8 && k->q.n == 1 && k->buffer)
			kv = k->q.scale[0] * (float)(*(const int8_t *)q->buf[k->buffer].data -
						     (int32_t)k->q.zero_point[0]);
		ktap_ok(!divs && muls == 1 && fabsf(kv + 0.005f) < 1e-4f,
			"x / -200 is a MUL by its reciprocal (%d DIV, %d MUL, the constant %g)",
			divs, muls, (double)kv);
		compiles(q, "x / -200");
	}
	q = chain(1, (const int32_t[]){ TFL_OP_DIV }, (const int32_t[][2]){ { 0, 1 } });
	*(float *)q->buf[q->t[1].buffer].data = 0.0f;
	r = edgeai_quantize(q, &o, &q0, NULL, err, sizeof(err));
	ktap_ok(r < 0 && strstr(err, "DIV"), "x / 0 is not rewritten; quantizing it fails: %s",
		err);
	edgeai_model_unref(q0);
	edgeai_model_unref(q);
}

/*
 * Weight @w of @m as int8, symmetric, @n scales along @dim: into @m itself
 * (a dynamic-range model's weight, which its float op reads directly) or,
 * with @deq, as the float32 values those bytes stand for.
 */
static void to_int8_weight(struct edgeai_model *m, int w, uint32_t n, int32_t dim, int deq)
{
	struct model_tensor *t = &m->t[w];
	uint64_t elems = 1, inner = 1;
	float *f = (float *)m->buf[t->buffer].data, *scale = calloc(n, sizeof(float));
	int8_t *q;

	for (uint32_t d = 0; d < t->rank; d++) {
		elems *= (uint64_t)t->shape[d];
		if (n > 1 && d > (uint32_t)dim)
			inner *= (uint64_t)t->shape[d];
	}
	q = malloc(elems);
	for (uint64_t i = 0; i < elems; i++)
		scale[(i / inner) % n] = fmaxf(scale[(i / inner) % n], fabsf(f[i]) / 127.0f);
	for (uint64_t i = 0; i < elems; i++) {
		float s = scale[(i / inner) % n];

		q[i] = (int8_t)lrintf(f[i] / s);
		if (deq)
			f[i] = s * (float)q[i];
	}
	if (deq) {
		free(q);
		free(scale);
		return;
	}
	free(m->buf[t->buffer].data);
	m->buf[t->buffer].data = (uint8_t *)q;
	m->buf[t->buffer].size = elems;
	t->type = TFL_INT8;
	t->q.n = n;
	t->q.dim = dim;
	t->q.scale = scale;
	t->q.zero_point = calloc(n, sizeof(int64_t));
}

/*
 * A dynamic-range model (TFLite's converter without a representative
 * dataset): float activations, int8 weights read directly by CONV_2D (4
 * scales on axis 0), DEPTHWISE_CONV_2D (4 on axis 3) and FULLY_CONNECTED
 * (one). It quantizes as the float model of its dequantized weights.
 */
static void test_hybrid(void)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8,
					  .n_samples = 4, .seed = 1 };
	struct edgeai_model *h = tb_small_cnn(), *f = tb_small_cnn(), *qh = NULL, *qf = NULL;
	struct edgeai_quant_report rh, rf;
	void *dh = NULL, *df = NULL;
	size_t sh = 0, sf = 0;
	char err[256] = "";
	int r;

	to_int8_weight(h, 1, 4, 0, 0);
	to_int8_weight(h, 4, 4, 3, 0);
	to_int8_weight(h, 10, 1, 0, 0);
	to_int8_weight(f, 1, 4, 0, 1);
	to_int8_weight(f, 4, 4, 3, 1);
	to_int8_weight(f, 10, 1, 0, 1);
	r = edgeai_quantize(h, &o, &qh, &rh, err, sizeof(err));
	if (ktap_ok(r == 0, "quantize a dynamic-range model%s%s", *err ? ": " : "", err) &&
	    edgeai_quantize(f, &o, &qf, &rf, err, sizeof(err)) == 0 &&
	    edgeai_model_save(qh, &dh, &sh) == 0 && edgeai_model_save(qf, &df, &sf) == 0) {
		ktap_ok(rh.n_folded == 3 && rf.n_folded == 0,
			"its 3 int8 weights are folded to float32 (%u; the float model: %u)",
			rh.n_folded, rf.n_folded);
		ktap_ok(sh == sf && !memcmp(dh, df, sh),
			"its int8 model is, byte for byte, the float model's with those weights "
			"(%zu and %zu bytes)", sh, sf);
	}
	free(dh);
	free(df);
	edgeai_model_unref(qh);
	edgeai_model_unref(qf);
	edgeai_model_unref(h);
	edgeai_model_unref(f);
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
	test_tconv();
	test_zero_outputs();
	test_concat_fixed();
	test_div_const();
	test_hybrid();
	return ktap_finish();
}
