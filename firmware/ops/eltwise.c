// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Elementwise ops: ADD, SUB, MUL, MAXIMUM, MINIMUM, QUANTIZE/RELU/RELU6
 * (requantize and clamp), PRELU, the 256-entry table ops (LOGISTIC,
 * TANH, HARD_SWISH, LEAKY_RELU, TABLE), SQUARED_DIFFERENCE and
 * L2_NORMALIZATION.
 *
 * Binary ops broadcast NumPy-style over the padded 4-D shapes: an input
 * dimension of 1 is repeated. TFLite's broadcast and non-broadcast paths
 * compute the same per-element arithmetic, so one loop serves both.
 */
#include "ops-internal.h"

/* Index of the input element that output (n, h, w, c) reads. */
static uint32_t ek_bidx(const struct ek_tensor *t, uint32_t n, uint32_t h,
			uint32_t w, uint32_t c)
{
	return ek_idx(t, t->d[0] == 1 ? 0 : n, t->d[1] == 1 ? 0 : h,
		      t->d[2] == 1 ? 0 : w, t->d[3] == 1 ? 0 : c);
}

/* Index into t of the element output element i reads. */
static uint32_t ek_bpos(const struct ek_tensor *out, uint32_t i,
			const struct ek_tensor *t)
{
	uint32_t c = i % out->d[3], w = (i / out->d[3]) % out->d[2];
	uint32_t h = (i / out->d[3] / out->d[2]) % out->d[1];
	uint32_t n = i / out->d[3] / out->d[2] / out->d[1];

	return ek_bidx(t, n, h, w, c);
}

static int ek_bcast_ok(const struct ek_tensor *a, const struct ek_tensor *out)
{
	int i;

	for (i = 0; i < 4; i++)
		if (a->d[i] != out->d[i] && a->d[i] != 1)
			return 0;
	return 1;
}

/*
 * ADD/SUB (TFLite add.cc/sub.cc, 8-bit): inputs shifted left by
 * left_shift (20), each rescaled to twice the larger input scale, summed,
 * rescaled to the output. @sub 2: SQUARED_DIFFERENCE (squared_difference.cc,
 * int8; left_shift 7), the difference squared before the output rescale.
 */
int ek_add(const struct ek_op *o, int sub)
{
	const struct edgeai_prog_add_params *p =
		(const struct edgeai_prog_add_params *)o->op->params;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	uint32_t i;

	if (!ek_is8(out->dtype) || a->dtype != out->dtype ||
	    b->dtype != out->dtype || p->left_shift > 30 ||
	    !ek_bcast_ok(a, out) || !ek_bcast_ok(b, out))
		return EK_EXEC_BAD_OP;

	for (i = 0; i < ek_count(out); i++) {
		uint32_t ia = ek_bpos(out, i, a), ib = ek_bpos(out, i, b);
		int32_t x = ek_ld(a, ia) - a->zp;
		int32_t y = ek_ld(b, ib) - b->zp;
		int32_t r;

		x = (int32_t)((uint32_t)x << p->left_shift);
		y = (int32_t)((uint32_t)y << p->left_shift);
		x = ek_mbqm(x, p->in0_multiplier, p->in0_shift);
		y = ek_mbqm(y, p->in1_multiplier, p->in1_shift);
		r = sub ? ek_wsub(x, y) : ek_wadd(x, y);
		if (sub == 2)
			r = (int32_t)((uint32_t)r * (uint32_t)r);
		r = ek_wadd(ek_mbqm(r, p->out_multiplier, p->out_shift), out->zp);
		ek_st(out, i, r, p->act_min, p->act_max);
	}
	return EK_EXEC_OK;
}

/* MUL (TFLite mul.cc, 8-bit): product of offset inputs, one rescale. */
int ek_mul(const struct ek_op *o)
{
	const struct edgeai_prog_mul_params *p =
		(const struct edgeai_prog_mul_params *)o->op->params;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	uint32_t i;

	if (!ek_is8(out->dtype) || a->dtype != out->dtype ||
	    b->dtype != out->dtype || !ek_bcast_ok(a, out) ||
	    !ek_bcast_ok(b, out))
		return EK_EXEC_BAD_OP;

	for (i = 0; i < ek_count(out); i++) {
		uint32_t ia = ek_bpos(out, i, a), ib = ek_bpos(out, i, b);
		int32_t x = ek_ld(a, ia) - a->zp;
		int32_t y = ek_ld(b, ib) - b->zp;
		int32_t r = ek_mbqm(x * y, p->out_multiplier, p->out_shift);

		ek_st(out, i, ek_wadd(r, out->zp), p->act_min,
		      p->act_max);
	}
	return EK_EXEC_OK;
}

/*
 * MAXIMUM/MINIMUM (TFLite maximum_minimum.cc): compares the stored values;
 * TFLite requires (and the compiler guarantees) shared quantization.
 */
int ek_maxmin(const struct ek_op *o, int is_max)
{
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	uint32_t i;

	if (a->dtype != out->dtype || b->dtype != out->dtype ||
	    !ek_bcast_ok(a, out) || !ek_bcast_ok(b, out))
		return EK_EXEC_BAD_OP;

	for (i = 0; i < ek_count(out); i++) {
		uint32_t ia = ek_bpos(out, i, a), ib = ek_bpos(out, i, b);
		int32_t x = ek_ld(a, ia);
		int32_t y = ek_ld(b, ib);
		int32_t r = is_max ? (x > y ? x : y) : (x < y ? x : y);

		ek_st(out, i, r, EK_I32_MIN, EK_I32_MAX);
	}
	return EK_EXEC_OK;
}

/*
 * QUANTIZE (8-bit to 8-bit, TFLite quantize.cc Requantize), RELU and RELU6
 * (TFLite activations.cc ReluQuantized): MBQM(x - zp_in) + zp_out, clamp.
 */
int ek_requant(const struct ek_op *o)
{
	const struct edgeai_prog_requant_params *p =
		(const struct edgeai_prog_requant_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t i, cnt = ek_count(out);

	if (!ek_is8(in->dtype) || !ek_is8(out->dtype) || ek_count(in) != cnt)
		return EK_EXEC_BAD_OP;
	for (i = 0; i < cnt; i++) {
		int32_t v = ek_mbqm(ek_ld(in, i) - in->zp, p->out_multiplier,
					p->out_shift);

		ek_st(out, i, ek_wadd(v, out->zp), p->act_min, p->act_max);
	}
	return EK_EXEC_OK;
}

/* Table ops: the compiler built the table the way TFLite computes the op. */
int ek_lut(const struct ek_op *o)
{
	const struct edgeai_prog_lut_params *p =
		(const struct edgeai_prog_lut_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const uint8_t *table = ek_const(o, p->table_offset, 256, 1);
	const uint8_t *src = in->data;
	uint8_t *dst = out->data;
	uint32_t i, cnt = ek_count(out);

	if (!table || !ek_is8(in->dtype) || !ek_is8(out->dtype) ||
	    ek_count(in) != cnt)
		return EK_EXEC_BAD_OP;
	for (i = 0; i < cnt; i++)
		dst[i] = table[src[i]];
	return EK_EXEC_OK;
}

/*
 * PRELU (TFLite activations.cc, 8-bit): x >= zp_in rescales (x - zp_in)
 * by the identity multiplier; otherwise (x - zp_in) * (a - zp_a) by the
 * alpha multiplier.
 */
int ek_prelu(const struct ek_op *o)
{
	const struct edgeai_prog_prelu_params *p =
		(const struct edgeai_prog_prelu_params *)o->op->params;
	const struct ek_tensor *a = &o->in[0], *al = &o->in[1], *out = &o->out;
	int32_t lo = ek_type_min(out->dtype), hi = ek_type_max(out->dtype);
	uint32_t i;

	if (!ek_is8(out->dtype) || a->dtype != out->dtype ||
	    al->dtype != out->dtype || !ek_bcast_ok(a, out) ||
	    !ek_bcast_ok(al, out))
		return EK_EXEC_BAD_OP;

	for (i = 0; i < ek_count(out); i++) {
		uint32_t ia = ek_bpos(out, i, a), ib = ek_bpos(out, i, al);
		int32_t x = ek_ld(a, ia) - a->zp;
		int32_t r;

		if (x >= 0) {
			r = ek_mbqm(x, p->identity_multiplier,
				    p->identity_shift);
		} else {
			int32_t y = ek_ld(al, ib) - al->zp;

			r = ek_mbqm(x * y, p->alpha_multiplier,
				    p->alpha_shift);
		}
		ek_st(out, i, ek_wadd(r, out->zp), lo, hi);
	}
	return EK_EXEC_OK;
}

/*
 * L2_NORMALIZATION (TFLite l2norm.cc, 8-bit): per row along the last
 * dimension, the sum of (x - zp_in)^2 and its inverse square root in
 * fixed point (ek_inv_sqrt()); int8 (reference_integer_ops): out =
 * MBQM(x - zp_in, mul, shift + 7), uint8: 128 + MBQM(128 (x - zp_in), mul,
 * shift), clamped.
 */
int ek_l2norm(const struct ek_op *o)
{
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t depth = out->d[3], rows, r, c;
	int s8 = out->dtype == EDGEAI_DTYPE_INT8;

	if (!ek_is8(out->dtype) || in->dtype != out->dtype || !depth || depth > 32768 ||
	    ek_count(in) != ek_count(out))
		return EK_EXEC_BAD_OP;
	rows = ek_count(out) / depth;
	for (r = 0; r < rows; r++) {
		int32_t acc = 0, mul, v;
		int shift;

		for (c = 0; c < depth; c++) {
			v = ek_ld(in, r * depth + c) - in->zp;
			acc += v * v;
		}
		ek_inv_sqrt(acc, &mul, &shift);
		for (c = 0; c < depth; c++) {
			v = ek_ld(in, r * depth + c) - in->zp;
			v = s8 ? ek_mbqm(v, mul, shift + 7) : 128 + ek_mbqm(128 * v, mul, shift);
			ek_st(out, r * depth + c, v, s8 ? -128 : 0, s8 ? 127 : 255);
		}
	}
	return EK_EXEC_OK;
}
