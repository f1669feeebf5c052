// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the op library's arithmetic and command processor, through
 * its header (firmware/ops/ops.h): the fixed-point helpers on hand-computed
 * values (ties included), the integer binary32 emulation against the host
 * FPU, and the program walker on good and broken programs, with and without
 * per-op hooks. Golden comparisons against TFLite live in test-golden.sh.
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

int main(void)
{
	ktap_start();
	test_fixed_point();
	test_softfloat();
	test_exec();
	test_hooks();
	return ktap_finish();
}
