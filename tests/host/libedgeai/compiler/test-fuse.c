// SPDX-License-Identifier: MIT
/*
 * Activation fusion, on the small CNN of test-tflite-build.h.
 *
 * Compiler: an int8 model with a separate RELU or RELU6 after CONV_2D (the
 * quantized small CNN with its fused RELU taken back out into an op of
 * its own) compiles to as many program ops as the model with the
 * activation fused, and runs to the same bytes; a RELU whose input
 * quantization differs from its output's, or whose input is also a graph
 * output, is not fused (one program op more) and still gives the bytes of
 * the fused model where the math is the same.
 *
 * Quantizer: a float CONV_2D followed by a RELU6 op comes out as one
 * CONV_2D with fused_activation_function RELU6, its output range
 * calibrated after the activation ([0, 6] at most: zero point -128); a
 * RELU whose input is also a graph output stays an op.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drm/edgeai_program.h"
#include "ktap.h"
#include "test-tflite-build.h"

static struct edgeai_model *quantize(const struct edgeai_model *f)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8,
					  .n_samples = 4, .seed = 7 };
	struct edgeai_model *q = NULL;
	char err[256] = "";

	if (edgeai_quantize(f, &o, &q, NULL, err, sizeof(err)) < 0)
		ktap_diag("quantize: %s", err);
	return q;
}

static int32_t tensor_named(const struct edgeai_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->n_tensors; i++)
		if (!strcmp(m->t[i].name, name))
			return (int32_t)i;
	return -1;
}

/* Insert an op (@code, @in -> @out) at index @at. */
static void insert_op(struct edgeai_model *m, uint32_t at, int32_t code, int32_t in, int32_t out)
{
	struct model_op op;

	tb_op(m, code, 1, &in, 1, &out);
	op = m->ops[m->n_ops - 1];
	memmove(&m->ops[at + 1], &m->ops[at], sizeof(op) * (m->n_ops - 1 - at));
	m->ops[at] = op;
}

/*
 * A copy of @m with the activation of op @k (writing tensor @name) taken
 * out into an op @code after it, through a new tensor with @name's type,
 * shape and quantization if it has one (its scale times @scale_mul).
 */
static struct edgeai_model *unfuse(const struct edgeai_model *m, uint32_t k, const char *name,
				   int32_t code, float scale_mul)
{
	struct edgeai_model *u = model_clone(m);
	int32_t t = u ? tensor_named(u, name) : -1, mid, shape[MODEL_MAX_RANK];
	struct model_tensor *mt;

	if (t < 0)
		return u;
	/* tb_tensor() moves u->t */
	memcpy(shape, u->t[t].shape, sizeof(shape));
	mid = tb_tensor(u, "pre-activation", u->t[t].type, (int)u->t[t].rank, shape, NULL, 0);
	mt = &u->t[mid];
	if (!u->t[t].q.n)
		goto out;	/* float */
	mt->q.n = 1;
	mt->q.scale = malloc(sizeof(float));
	mt->q.zero_point = malloc(sizeof(int64_t));
	mt->q.scale[0] = u->t[t].q.scale[0] * scale_mul;
	mt->q.zero_point[0] = u->t[t].q.zero_point[0];
out:
	u->ops[k].out[0] = mid;
	u->ops[k].o.act = TFL_ACT_NONE;
	insert_op(u, k + 1, code, mid, t);
	return u;
}

/* Compiles @m (CPU_ONLY), runs it on @in; program ops in *ops. */
static int run(const struct edgeai_model *m, const uint8_t *in, size_t in_size, uint8_t *out,
	       size_t out_size, uint32_t *ops)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY };
	struct edgeai_program *p = NULL;
	const void *ins[1] = { in }, *blob = NULL;
	void *outs[1] = { out };
	size_t size = 0;
	uint64_t arena = 0;
	char err[256] = "";
	int r;

	if (!m)
		return -ENOMEM;
	r = edgeai_model_compile(m, &o, &p, err, sizeof(err));
	if (r) {
		ktap_diag("compile: %d %s", r, err);
		return r;
	}
	r = edgeai_program_get_blob(p, &blob, &size, &arena);
	if (!r)
		*ops = ((const struct edgeai_prog_header *)blob)->op_count;
	if (!r)
		r = edgeai_program_run(p, ins, &in_size, 1, outs, &out_size, 1);
	edgeai_program_unref(p);
	return r;
}

int main(void)
{
	struct edgeai_model *f = tb_small_cnn(), *q, *q6, *u, *u6, *ud, *uo, *f6, *q6f, *fo, *qo;
	uint8_t in[8 * 8 * 3], ref[5], ref6[5], out[5];
	uint32_t ops_q = 0, ops_q6 = 0, ops = 0;
	int32_t c;
	int r;

	ktap_start();
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 73 + 11);

	q = quantize(f);
	if (!ktap_ok(q && q->ops[0].code == TFL_OP_CONV_2D && q->ops[0].o.act == TFL_ACT_RELU,
		     "the quantized small CNN: CONV_2D with a fused RELU"))
		return ktap_finish();
	r = run(q, in, sizeof(in), ref, sizeof(ref), &ops_q);
	ktap_ok(r == 0 && ops_q == q->n_ops, "it runs: %u program ops", ops_q);
	q6 = model_clone(q);
	q6->ops[0].o.act = TFL_ACT_RELU6;
	r = run(q6, in, sizeof(in), ref6, sizeof(ref6), &ops_q6);
	ktap_ok(r == 0 && ops_q6 == ops_q, "with RELU6 fused instead: %u program ops", ops_q6);

	/* the compiler fuses a separate RELU / RELU6 of the same quantization */
	u = unfuse(q, 0, "conv", TFL_OP_RELU, 1.0f);
	ktap_ok(u && u->n_ops == q->n_ops + 1 && u->ops[1].code == TFL_OP_RELU,
		"the RELU taken out into an op of its own (%u ops)", u ? u->n_ops : 0);
	r = run(u, in, sizeof(in), out, sizeof(out), &ops);
	ktap_ok(r == 0 && ops == ops_q && !memcmp(out, ref, sizeof(out)),
		"separate RELU, same quantization: fused (%u program ops, %u fused), same bytes", ops,
		ops_q);
	u6 = unfuse(q, 0, "conv", TFL_OP_RELU6, 1.0f);
	r = run(u6, in, sizeof(in), out, sizeof(out), &ops);
	ktap_ok(r == 0 && ops == ops_q6 && !memcmp(out, ref6, sizeof(out)),
		"separate RELU6, same quantization: fused (%u program ops), same bytes", ops);

	/* not a clamp: another quantization on the RELU's input */
	ud = unfuse(q, 0, "conv", TFL_OP_RELU, 0.5f);
	r = run(ud, in, sizeof(in), out, sizeof(out), &ops);
	ktap_ok(r == 0 && ops == ops_q + 1,
		"RELU rescaling its input: not fused (%u program ops)", ops);

	/* the pre-activation tensor is also a graph output: not fused */
	uo = unfuse(q, 0, "conv", TFL_OP_RELU, 1.0f);
	c = tensor_named(uo, "pre-activation");
	uo->out = realloc(uo->out, 2 * sizeof(int32_t));
	uo->out[uo->n_out++] = c;
	{
		struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY };
		struct edgeai_program *p = NULL;
		const void *blob = NULL;
		size_t size = 0;
		uint64_t arena = 0;
		char err[256] = "";

		r = edgeai_model_compile(uo, &o, &p, err, sizeof(err));
		if (!r)
			r = edgeai_program_get_blob(p, &blob, &size, &arena);
		ktap_ok(!r && ((const struct edgeai_prog_header *)blob)->op_count == ops_q + 1,
			"pre-activation tensor is a graph output: not fused (%d %s)", r, err);
		edgeai_program_unref(p);
	}

	/* the quantizer fuses a float RELU6 op into the CONV_2D before it */
	f6 = unfuse(f, 0, "conv", TFL_OP_RELU6, 1.0f);
	q6f = quantize(f6);
	c = q6f ? tensor_named(q6f, "conv") : -1;
	ktap_ok(q6f && q6f->n_ops == q->n_ops && q6f->ops[0].code == TFL_OP_CONV_2D &&
		q6f->ops[0].o.act == TFL_ACT_RELU6 && c >= 0 && q6f->ops[0].out[0] == c &&
		tensor_named(q6f, "pre-activation") < 0,
		"quantizer: CONV_2D + RELU6 become one CONV_2D with fused RELU6 (%u ops)",
		q6f ? q6f->n_ops : 0);
	ktap_ok(c >= 0 && q6f->t[c].q.zero_point[0] == -128 &&
		q6f->t[c].q.scale[0] <= 6.0f / 255.0f * 1.0001f,
		"quantizer: the output range is calibrated after the activation (scale %g, zp %lld)",
		c >= 0 ? (double)q6f->t[c].q.scale[0] : 0.0,
		c >= 0 ? (long long)q6f->t[c].q.zero_point[0] : 0);

	/* a float RELU whose input is also a graph output stays */
	fo = unfuse(f, 0, "conv", TFL_OP_RELU, 1.0f);
	c = tensor_named(fo, "pre-activation");
	fo->out = realloc(fo->out, 2 * sizeof(int32_t));
	fo->out[fo->n_out++] = c;
	qo = quantize(fo);
	ktap_ok(qo && qo->n_ops == q->n_ops + 1 && qo->ops[1].code == TFL_OP_RELU &&
		qo->ops[0].o.act == TFL_ACT_NONE,
		"quantizer: a RELU whose input is a graph output stays an op (%u ops)",
		qo ? qo->n_ops : 0);

	edgeai_model_unref(qo);
	edgeai_model_unref(fo);
	edgeai_model_unref(q6f);
	edgeai_model_unref(f6);
	edgeai_model_unref(uo);
	edgeai_model_unref(ud);
	edgeai_model_unref(u6);
	edgeai_model_unref(u);
	edgeai_model_unref(q6);
	edgeai_model_unref(q);
	edgeai_model_unref(f);
	return ktap_finish();
}
