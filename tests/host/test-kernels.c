// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the op library's arithmetic and command processor, through
 * its header (firmware/ops/ops.h): the fixed-point helpers on hand-computed
 * values (ties included), the integer binary32 emulation against the host
 * FPU, and the program walker on good and broken programs, with and without
 * per-op hooks; TRANSPOSE_CONV against TFLite's scatter formulation. Golden
 * comparisons against TFLite live in test-golden.sh.
 */
/* host-test-sources: firmware/ops/exec.c firmware/ops/fixedpoint.c firmware/ops/conv.c firmware/ops/eltwise.c firmware/ops/pool.c firmware/ops/shape.c firmware/ops/softfloat.c firmware/ops/softmax.c */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "ops.h"

/* The program format's record sizes are ABI. */
#define EAP_SIZE(s, n) _Static_assert(sizeof(struct s) == (n), #s " size")
EAP_SIZE(edgeai_prog_header, 64);
EAP_SIZE(edgeai_prog_tensor, 48);
EAP_SIZE(edgeai_prog_op, 128);
EAP_SIZE(edgeai_prog_qmul, 8);
EAP_SIZE(edgeai_prog_interp, 16);
EAP_SIZE(edgeai_prog_conv_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_fc_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_add_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_mul_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_pool_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_mean_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_softmax_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_lut_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_requant_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_prelu_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_pad_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_concat_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_resize_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_slice_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_transpose_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_block_params, 4 * EDGEAI_PROG_PARAM_WORDS);
EAP_SIZE(edgeai_prog_tconv_params, 4 * EDGEAI_PROG_PARAM_WORDS);

static uint32_t bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float flt(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

/* std::round() without libm: r - trunc(r) is exact in binary32. */
static int32_t round_away(float r)
{
	int32_t t = (int32_t)r;
	float d = r - (float)t;

	return d >= 0.5f ? t + 1 : d <= -0.5f ? t - 1 : t;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* A finite float, often subnormal or near the ends of the range. */
static uint32_t rnd_float(void)
{
	uint32_t u = rnd(), e;

	switch (u & 7) {
	case 0:
		e = 0;
		break;
	case 1:
		e = 1 + (rnd() % 8);
		break;
	case 2:
		e = 120 + (rnd() % 16);
		break;
	default:
		e = rnd() % 255;
		break;
	}
	return (rnd() & 0x807fffffU) | e << 23;
}

static void test_fixed_point(void)
{
	KTAP_EXPECT_EQ(ek_srdhm(INT32_MIN, INT32_MIN), INT32_MAX,
		       "srdhm saturates INT32_MIN * INT32_MIN");
	KTAP_EXPECT_EQ(ek_srdhm(3, 1 << 30), 2, "srdhm rounds 1.5 up");
	KTAP_EXPECT_EQ(ek_srdhm(-3, 1 << 30), -1, "srdhm rounds -1.5 up");
	KTAP_EXPECT_EQ(ek_rdivpot(-2, 2), -1, "rdivpot rounds -0.5 away from zero");
	KTAP_EXPECT_EQ(ek_rdivpot(2, 2), 1, "rdivpot rounds 0.5 away from zero");
	KTAP_EXPECT_EQ(ek_rdivpot(-3, 2), -1, "rdivpot -0.75");
	KTAP_EXPECT_EQ(ek_rdivpot(12345, 0), 12345, "rdivpot by 2^0");
	KTAP_EXPECT_EQ(ek_mbqm(-4, 1 << 30, -2), -1,
		       "mbqm: -0.5 rounds away from zero");
	KTAP_EXPECT_EQ(ek_mbqm_up(-4, 1 << 30, -2), 0,
		       "mbqm_up: -0.5 rounds up");
	KTAP_EXPECT_EQ(ek_mbqm(4, 1 << 30, -2), 1, "mbqm: 0.5 rounds up");
	KTAP_EXPECT_EQ(ek_mbqm_up(4, 1 << 30, -2), 1, "mbqm_up: 0.5 rounds up");
	KTAP_EXPECT_EQ(ek_mbqm(3, 1 << 30, 2), 6, "mbqm left shift");
	KTAP_EXPECT_EQ(ek_mbqm(1000000, 1518500250, -10), 691,
		       "mbqm 1e6 * 0.7071 / 1024 = 690.5 rounds to 691");
	KTAP_EXPECT_EQ(ek_mbqm(123, 0, 0), 0, "mbqm zero multiplier");
}

static void test_softfloat(void)
{
	unsigned int i, bad_add = 0, bad_mul = 0, bad_div = 0, bad_conv = 0;
	const unsigned int n = 200000;

	for (i = 0; i < n; i++) {
		uint32_t a = rnd_float(), b = rnd_float();
		volatile float fa = flt(a), fb = flt(b);
		volatile float s = fa + fb, p = fa * fb, q;
		int32_t v = (int32_t)(rnd() % 33554432) - 16777216;
		float r = flt(rnd_float() & 0x4fffffffU);

		if (ek_f32_add(a, b) != bits(s) && !(fa == -fb))
			bad_add++;
		if (ek_f32_mul(a, b) != bits(p))
			bad_mul++;
		if (fb != 0.0f) {
			q = fa / fb;
			if (ek_f32_div(a, b) != bits(q))
				bad_div++;
		}
		if ((v > -(1 << 24) && v < (1 << 24) &&
		     ek_f32_from_int(v) != bits((float)v)) ||
		    (r < 1e9f && r > -1e9f &&
		     (ek_f32_round(bits(r)) != round_away(r) ||
		      ek_f32_trunc(bits(r)) != (int32_t)r)))
			bad_conv++;
	}
	KTAP_EXPECT_EQ(bad_add, 0, "binary32 add matches the FPU (200000 pairs)");
	KTAP_EXPECT_EQ(bad_mul, 0, "binary32 mul matches the FPU (200000 pairs)");
	KTAP_EXPECT_EQ(bad_div, 0, "binary32 div matches the FPU (200000 pairs)");
	KTAP_EXPECT_EQ(bad_conv, 0, "int conversion, round and trunc match libm");
}

/* A program with one ADD of two [1,1,2,2] int8 tensors into a third. */
struct tiny_prog {
	struct edgeai_prog_header h;
	struct edgeai_prog_tensor t[3];
	struct edgeai_prog_op op;
} __attribute__((aligned(8)));

static void tiny_init(struct tiny_prog *p)
{
	struct edgeai_prog_add_params *ap;
	int i;

	memset(p, 0, sizeof(*p));
	p->h.magic = EDGEAI_PROG_MAGIC;
	p->h.version = EDGEAI_PROG_VERSION;
	p->h.header_size = sizeof(p->h);
	p->h.total_size = sizeof(*p);
	p->h.tensor_count = 3;
	p->h.op_count = 1;
	p->h.tensor_offset = offsetof(struct tiny_prog, t);
	p->h.op_offset = offsetof(struct tiny_prog, op);
	p->h.const_offset = sizeof(*p);
	p->h.slot_count = 3;
	for (i = 0; i < 3; i++) {
		p->t[i].dtype = EDGEAI_DTYPE_INT8;
		p->t[i].slot = (uint32_t)i;
		p->t[i].dims[0] = p->t[i].dims[1] = 1;
		p->t[i].dims[2] = p->t[i].dims[3] = 2;
	}
	p->op.opcode = EDGEAI_OP_ADD;
	for (i = 0; i < (int)EDGEAI_PROG_MAX_INPUTS; i++)
		p->op.inputs[i] = EDGEAI_PROG_NO_TENSOR;
	p->op.inputs[0] = 0;
	p->op.inputs[1] = 1;
	p->op.output = 2;
	ap = (struct edgeai_prog_add_params *)p->op.params;
	/* same scales everywhere: in multipliers 0.5, out 2^20 * 2 / 2^20 */
	ap->left_shift = 20;
	ap->in0_multiplier = ap->in1_multiplier = 1 << 30;
	ap->out_multiplier = 1 << 30;
	ap->out_shift = -18;
	ap->act_min = -128;
	ap->act_max = 127;
}

static void test_exec(void)
{
	struct tiny_prog p;
	int8_t a[4] = { 1, -2, 100, -100 }, b[4] = { 3, -4, 100, -100 };
	int8_t out[4] = { 0 };
	void *slots[3] = { a, b, out };
	unsigned int failed = 99;
	int ret;

	tiny_init(&p);
	ret = ek_exec_program(&p, sizeof(p), slots, 3, NULL, &failed);
	KTAP_EXPECT_EQ(ret, EK_EXEC_OK, "exec: tiny ADD program runs");
	ktap_ok(out[0] == 4 && out[1] == -6 && out[2] == 127 && out[3] == -128,
		"exec: ADD sums and saturates (%d %d %d %d)", out[0], out[1],
		out[2], out[3]);

	tiny_init(&p);
	p.h.magic ^= 1;
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, NULL),
		       EK_EXEC_BAD_PROGRAM, "exec: bad magic rejected");
	tiny_init(&p);
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p) - 8, slots, 3, NULL, NULL),
		       EK_EXEC_BAD_PROGRAM, "exec: truncated program rejected");
	tiny_init(&p);
	p.h.op_count = 2;
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, NULL),
		       EK_EXEC_BAD_PROGRAM, "exec: op table past the end rejected");
	tiny_init(&p);
	p.op.opcode = EDGEAI_OP_COUNT;
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, &failed),
		       EK_EXEC_BAD_OP, "exec: unknown opcode rejected");
	KTAP_EXPECT_EQ(failed, 0, "exec: failing op index reported");
	tiny_init(&p);
	p.t[2].slot = 3;
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, NULL),
		       EK_EXEC_BAD_PROGRAM, "exec: unbound slot rejected");
	tiny_init(&p);
	p.op.inputs[1] = 7;
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, NULL),
		       EK_EXEC_BAD_PROGRAM, "exec: tensor index out of range rejected");
	tiny_init(&p);
	p.op.opcode = EDGEAI_OP_LOGISTIC;
	p.op.inputs[1] = EDGEAI_PROG_NO_TENSOR;
	memset(p.op.params, 0, sizeof(p.op.params));
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, NULL),
		       EK_EXEC_BAD_OP, "exec: table outside the constant region rejected");
	tiny_init(&p);
	p.op.opcode = EDGEAI_OP_CONCATENATION;
	memset(p.op.params, 0, sizeof(p.op.params));
	p.op.params[0] = 3;	/* axis C: 2 + 2 = 2 does not add up */
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, NULL),
		       EK_EXEC_BAD_OP, "exec: inconsistent concatenation rejected");
	tiny_init(&p);
	p.t[1].dims[3] = 3;
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, NULL),
		       EK_EXEC_BAD_OP, "exec: non-broadcastable shapes rejected");
	tiny_init(&p);
	p.h.version++;
	KTAP_EXPECT_EQ(ek_prog_check(&p, sizeof(p)), EK_EXEC_BAD_PROGRAM,
		       "exec: another format version rejected by ek_prog_check()");
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, NULL, &failed),
		       EK_EXEC_BAD_PROGRAM, "exec: another format version rejected");
	KTAP_EXPECT_EQ(failed, EK_NO_OP, "exec: a refused header names no op");
}

/* What the hook of test_hooks() saw, and what it answers. */
struct hook_log {
	unsigned int calls, last_index;
	const void *out_data;
	int answer;
};

static int test_hook(void *ctx, const struct ek_op *o, unsigned int index)
{
	struct hook_log *log = ctx;

	log->calls++;
	log->last_index = index;
	log->out_data = o->out.data;
	if (log->answer == EK_EXEC_OK)
		memset(o->out.data, 0x55, ek_count(&o->out));
	return log->answer;
}

static void test_hooks(void)
{
	struct tiny_prog p;
	int8_t a[4] = { 1, -2, 100, -100 }, b[4] = { 3, -4, 100, -100 };
	int8_t out[4] = { 0 };
	void *slots[3] = { a, b, out };
	struct hook_log log = { .answer = EK_EXEC_NOT_HANDLED };
	struct ek_exec_hooks hooks = { .run_op = test_hook, .ctx = &log };
	unsigned int failed = 99;
	int ret;

	tiny_init(&p);
	KTAP_EXPECT_EQ(ek_prog_check(&p, sizeof(p)), EK_EXEC_OK,
		       "hooks: ek_prog_check() passes a good program");
	ret = ek_exec_program(&p, sizeof(p), slots, 3, &hooks, &failed);
	ktap_ok(ret == EK_EXEC_OK && out[0] == 4 && out[1] == -6 && out[2] == 127 &&
		out[3] == -128 && failed == EK_NO_OP,
		"hooks: a declined op runs on the reference kernel (%d: %d %d %d %d)", ret,
		out[0], out[1], out[2], out[3]);
	ktap_ok(log.calls == 1 && log.last_index == 0 && log.out_data == out,
		"hooks: the hook sees op 0 with its output resolved (%u calls)", log.calls);

	log.answer = EK_EXEC_OK;
	ret = ek_exec_program(&p, sizeof(p), slots, 3, &hooks, NULL);
	ktap_ok(ret == EK_EXEC_OK && out[0] == 0x55 && out[3] == 0x55,
		"hooks: an op the hook ran is not run again (%d: %d)", ret, out[0]);

	log.answer = EK_EXEC_BAD_OP;
	KTAP_EXPECT_EQ(ek_exec_program(&p, sizeof(p), slots, 3, &hooks, &failed),
		       EK_EXEC_BAD_OP, "hooks: a hook's error stops the program");
	KTAP_EXPECT_EQ(failed, 0, "hooks: a hook's error names the op");

	log.calls = 0;
	p.h.version++;
	ek_exec_program(&p, sizeof(p), slots, 3, &hooks, NULL);
	KTAP_EXPECT_EQ(log.calls, 0, "hooks: no hook runs for a refused program");
}

/* One TRANSPOSE_CONV shape: N, H, W, IC -> OC with a KH x KW filter. */
struct tc_shape {
	const char *name;
	uint32_t n, h, w, ic, oc, kh, kw, sh, sw;
	int same;	/* SAME: cut as TFLite's padding; VALID: nothing cut */
	int bias;
	int u8;		/* uint8, per-tensor, filter zero point 131 */
};

#define TC_MAX	4096

/*
 * TFLite's TRANSPOSE_CONV (reference_integer_ops::TransposeConv): every
 * input pixel scattered into an int32 scratch, then bias, MBQM, clamp.
 * The op library gathers instead; this checks the two agree.
 */
static void tc_scatter(const struct tc_shape *c, const int32_t *x,
		       const int32_t *w, const int32_t *b, int32_t zp_in,
		       int32_t zp_w, uint32_t oh, uint32_t ow, uint32_t pt,
		       uint32_t pl, const struct edgeai_prog_qmul *q,
		       int32_t zp_out, int32_t *ref)
{
	static int32_t scratch[TC_MAX];
	uint32_t n, y, xx, ic, ky, kx, oc, i;

	memset(scratch, 0, sizeof(scratch));
	for (n = 0; n < c->n; n++)
		for (y = 0; y < c->h; y++)
			for (xx = 0; xx < c->w; xx++)
				for (ic = 0; ic < c->ic; ic++)
					for (ky = 0; ky < c->kh; ky++)
						for (kx = 0; kx < c->kw; kx++)
							for (oc = 0; oc < c->oc; oc++) {
		int32_t oy = (int32_t)(y * c->sh + ky) - (int32_t)pt;
		int32_t ox = (int32_t)(xx * c->sw + kx) - (int32_t)pl;
		int32_t xv = x[((n * c->h + y) * c->w + xx) * c->ic + ic] - zp_in;
		int32_t wv = w[((oc * c->kh + ky) * c->kw + kx) * c->ic + ic] - zp_w;

		if (oy < 0 || oy >= (int32_t)oh || ox < 0 || ox >= (int32_t)ow)
			continue;
		scratch[((n * oh + (uint32_t)oy) * ow + (uint32_t)ox) * c->oc + oc] += xv * wv;
	}
	for (i = 0; i < c->n * oh * ow * c->oc; i++) {
		oc = i % c->oc;
		int32_t acc = scratch[i] + (b ? b[oc] : 0);

		acc = ek_mbqm(acc, q[c->u8 ? 0 : oc].multiplier, q[c->u8 ? 0 : oc].shift);
		acc += zp_out;
		ref[i] = acc < (c->u8 ? 0 : -128) ? (c->u8 ? 0 : -128) :
			 acc > (c->u8 ? 255 : 127) ? (c->u8 ? 255 : 127) : acc;
	}
}

static void tc_run(const struct tc_shape *c)
{
	static int32_t x[TC_MAX], w[TC_MAX], ref[TC_MAX];
	static uint8_t xb[TC_MAX], wb[TC_MAX], outb[TC_MAX];
	int32_t b[64], zp_in = c->u8 ? 140 : -7, zp_w = c->u8 ? 131 : 0;
	int32_t zp_out = c->u8 ? 120 : 5;
	struct edgeai_prog_qmul q[64];
	struct edgeai_prog_op op;
	struct edgeai_prog_tconv_params *p = (void *)op.params;
	struct ek_op o;
	uint32_t oh, ow, pt = 0, pl = 0, i, bad = 0, nx, nw, no;
	int ret;

	/* MediaPipe's and TFLite's output size for SAME; the full one for VALID */
	if (c->same) {
		uint32_t ph = c->kh > (c->h - 1) % c->sh + 1 ? c->kh - (c->h - 1) % c->sh - 1 : 0;
		uint32_t pw = c->kw > (c->w - 1) % c->sw + 1 ? c->kw - (c->w - 1) % c->sw - 1 : 0;

		oh = c->sh * (c->h - 1) + c->kh - ph;
		ow = c->sw * (c->w - 1) + c->kw - pw;
		pt = ph / 2;
		pl = pw / 2;
	} else {
		oh = c->sh * (c->h - 1) + c->kh;
		ow = c->sw * (c->w - 1) + c->kw;
	}
	nx = c->n * c->h * c->w * c->ic;
	nw = c->oc * c->kh * c->kw * c->ic;
	no = c->n * oh * ow * c->oc;
	if (nx > TC_MAX || nw > TC_MAX || no > TC_MAX || c->oc > 64) {
		ktap_ok(0, "tconv %s: shape too big for the test", c->name);
		return;
	}
	for (i = 0; i < nx; i++) {
		x[i] = c->u8 ? (int32_t)(rnd() % 256) : (int32_t)(rnd() % 256) - 128;
		xb[i] = (uint8_t)x[i];
	}
	for (i = 0; i < nw; i++) {
		w[i] = c->u8 ? (int32_t)(rnd() % 256) : (int32_t)(rnd() % 255) - 127;
		wb[i] = (uint8_t)w[i];
	}
	for (i = 0; i < c->oc; i++) {
		b[i] = (int32_t)(rnd() % 6001) - 3000;
		/* about 1 / (100 * sqrt(taps)): outputs spread over the range */
		q[i].multiplier = (int32_t)(1U << 30) + (int32_t)(rnd() % (1U << 29));
		q[i].shift = -7 - (int32_t)(rnd() % 3);
	}

	memset(&op, 0, sizeof(op));
	op.opcode = EDGEAI_OP_TRANSPOSE_CONV;
	p->stride_h = c->sh;
	p->stride_w = c->sw;
	p->pad_top = pt;
	p->pad_left = pl;
	p->act_min = c->u8 ? 0 : -128;
	p->act_max = c->u8 ? 255 : 127;
	if (c->u8) {
		p->out_multiplier = q[0].multiplier;
		p->out_shift = q[0].shift;
		p->qmul_offset = EDGEAI_PROG_NO_CONST;
	} else {
		p->qmul_offset = 0;
	}
	memset(&o, 0, sizeof(o));
	o.op = &op;
	o.consts = (const uint8_t *)q;
	o.const_size = sizeof(q);
	o.n_in = c->bias ? 3 : 2;
	o.in[0] = (struct ek_tensor){ xb, c->u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8,
				      zp_in, { c->n, c->h, c->w, c->ic } };
	o.in[1] = (struct ek_tensor){ wb, o.in[0].dtype, zp_w,
				      { c->oc, c->kh, c->kw, c->ic } };
	if (c->bias)
		o.in[2] = (struct ek_tensor){ b, EDGEAI_DTYPE_INT32, 0, { 1, 1, 1, c->oc } };
	o.out = (struct ek_tensor){ outb, o.in[0].dtype, zp_out, { c->n, oh, ow, c->oc } };

	tc_scatter(c, x, w, c->bias ? b : NULL, zp_in, zp_w, oh, ow, pt, pl, q,
		   zp_out, ref);
	ret = ek_run_op(&o);
	for (i = 0; i < no; i++)
		if ((c->u8 ? (int32_t)outb[i] : (int32_t)(int8_t)outb[i]) != ref[i])
			bad++;
	ktap_ok(ret == EK_EXEC_OK && !bad,
		"tconv %s: [%u,%u,%u,%u] -> [%u,%u,%u,%u] equals the scatter (%d, %u of %u differ)",
		c->name, c->n, c->h, c->w, c->ic, c->n, oh, ow, c->oc, ret, bad, no);
}

static void test_tconv(void)
{
	static const struct tc_shape shapes[] = {
		/* name n h w ic oc kh kw sh sw same bias u8 */
		{ "s2_k2_same_even", 1, 4, 6, 3, 5, 2, 2, 2, 2, 1, 1, 0 },
		{ "s2_k2_same_odd", 1, 5, 3, 7, 3, 2, 2, 2, 2, 1, 1, 0 },
		{ "s2_k3_same", 1, 4, 5, 5, 7, 3, 3, 2, 2, 1, 1, 0 },
		{ "s2_k4_same", 2, 3, 4, 3, 3, 4, 4, 2, 2, 1, 0, 0 },
		{ "s1_k3_same", 1, 5, 4, 9, 5, 3, 3, 1, 1, 1, 1, 0 },
		{ "s1_k3_valid", 1, 4, 5, 3, 7, 3, 3, 1, 1, 0, 0, 0 },
		{ "s2_k3_valid", 1, 3, 4, 5, 3, 3, 3, 2, 2, 0, 1, 0 },
		{ "s21_k32_valid", 1, 4, 3, 3, 5, 3, 2, 2, 1, 0, 1, 0 },
		{ "s3_k2_gaps", 1, 3, 3, 3, 3, 2, 2, 3, 3, 0, 1, 0 },
		{ "uint8_s2_same", 1, 4, 5, 3, 5, 3, 3, 2, 2, 1, 1, 1 },
		{ "uint8_s1_valid", 1, 3, 4, 7, 3, 2, 3, 1, 1, 0, 0, 1 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		tc_run(&shapes[i]);
}

int main(void)
{
	ktap_start();
	test_fixed_point();
	test_softfloat();
	test_exec();
	test_hooks();
	test_tconv();
	return ktap_finish();
}
