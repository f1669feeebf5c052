// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * AVERAGE_POOL_2D, MAX_POOL_2D and MEAN (TFLite 2.9.0, 8-bit).
 *
 * Pooling excludes padding taps: the maximum is over in-bounds taps and the
 * average divides by the in-bounds tap count n, rounding half away from
 * zero: (sum + n/2) / n for sum > 0, (sum - n/2) / n otherwise, with C's
 * truncating division. Then the fused activation clamp.
 */
#include "ops-internal.h"

/* One pooled value: channel c of the window at (y0, x0) of image n. */
static int32_t ek_pool_one(const struct ek_op *o, uint32_t n, int32_t y0,
			   int32_t x0, uint32_t c, int is_max)
{
	const struct edgeai_prog_pool_params *p =
		(const struct edgeai_prog_pool_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0];
	int32_t ys = y0 < 0 ? 0 : y0, xs = x0 < 0 ? 0 : x0;
	int32_t ye = y0 + (int32_t)p->filter_h, xe = x0 + (int32_t)p->filter_w;
	int32_t acc = is_max ? ek_type_min(in->dtype) : 0, cnt, y, x;

	if (ye > (int32_t)in->d[1])
		ye = (int32_t)in->d[1];
	if (xe > (int32_t)in->d[2])
		xe = (int32_t)in->d[2];
	for (y = ys; y < ye; y++) {
		for (x = xs; x < xe; x++) {
			int32_t v = ek_ld(in, ek_idx(in, n, (uint32_t)y,
						     (uint32_t)x, c));

			if (!is_max)
				acc = ek_wadd(acc, v);
			else if (v > acc)
				acc = v;
		}
	}
	if (is_max)
		return acc;
	cnt = (ye - ys) * (xe - xs);
	if (cnt <= 0)		/* a window entirely in the padding */
		return 0;
	return acc > 0 ? (acc + cnt / 2) / cnt : (acc - cnt / 2) / cnt;
}

int ek_pool(const struct ek_op *o, int is_max)
{
	const struct edgeai_prog_pool_params *p =
		(const struct edgeai_prog_pool_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t i, cnt = ek_count(out), ch = out->d[3];
	uint32_t ow = out->d[2], oh = out->d[1];

	if (!ek_is8(in->dtype) || out->dtype != in->dtype ||
	    in->d[3] != out->d[3] || in->d[0] != out->d[0] ||
	    !p->filter_h || !p->filter_w)
		return EK_EXEC_BAD_OP;

	for (i = 0; i < cnt; i++) {
		uint32_t c = i % ch, ox = (i / ch) % ow, oy = (i / ch / ow) % oh;
		int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
		int32_t v = ek_pool_one(o, i / ch / ow / oh, y0, x0, c, is_max);

		ek_st(out, i, v, p->act_min, p->act_max);
	}
	return EK_EXEC_OK;
}

/*
 * MEAN without keep_dims (reference_ops::QuantizedMeanOrSum), in binary32
 * as TFLite computes it: round((float)sum / (float)n * scale +
 * (float)-zp_in * scale) + zp_out, clamped.
 */
static int32_t ek_mean_float(int32_t sum, uint32_t n, uint32_t scale, uint32_t bias,
			     int32_t zp_out)
{
	uint32_t m = ek_f32_div(ek_f32_from_int(sum), ek_f32_from_int((int32_t)n));
	int64_t r = (int64_t)ek_f32_round(ek_f32_add(ek_f32_mul(m, scale), bias)) + zp_out;

	return r > EK_I32_MAX ? EK_I32_MAX : r < -EK_I32_MAX ? -EK_I32_MAX : (int32_t)r;
}

/*
 * SUM of 8-bit tensors whose quantization changes (QuantizedMeanOrSum with
 * compute_sum), in binary32 as TFLite computes it: (int32)round((float)sum
 * * scale + bias) + zp_out, wrapping; the caller stores the low byte
 * (TFLite casts the int to the 8-bit type). A rounded value outside
 * int32, or NaN, converts to INT32_MIN, as on x86.
 */
static int32_t ek_sum_float(int32_t sum, uint32_t scale, uint32_t bias, int32_t zp_out)
{
	uint32_t f = ek_f32_add(ek_f32_mul(ek_f32_from_int(sum), scale), bias);
	/* |f| >= 2^31, infinite or NaN: the largest binary32 below 2^31 rounds to itself */
	int32_t v = (f >> 23 & 0xff) >= 127 + 31 ? EK_I32_MIN : ek_f32_round(f);

	return ek_wadd(v, zp_out);
}

/*
 * int8 MEAN over H and W with keep_dims (reference_integer_ops::Mean, what
 * TFLite 2.9's x86 builds run): the sum of (stored value - zp_in) in int32,
 * wrapping as TFLite's does, rescaled by s_in / s_out, then divided by n
 * rounding half away from zero (C's division truncates) and offset.
 */
static int32_t ek_mean_int(int32_t sum, uint32_t n, int32_t zp_in,
			   const struct edgeai_prog_mean_params *p, int32_t zp_out)
{
	int32_t acc = (int32_t)((uint32_t)sum - n * (uint32_t)zp_in);
	int32_t t = ek_mbqm(acc, p->out_multiplier, p->out_shift), h = (int32_t)(n / 2);

	t = t > 0 ? ek_wadd(t, h) : ek_wadd(t, -h);
	return ek_wadd(n > (uint32_t)EK_I32_MAX ? 0 : t / (int32_t)n, zp_out);
}

uint32_t ek_mean_fbias(const struct ek_op *o)
{
	const struct edgeai_prog_mean_params *p =
		(const struct edgeai_prog_mean_params *)o->op->params;
	uint32_t b;

	if (p->flags != EDGEAI_PROG_MEAN_FLOAT && p->flags != EDGEAI_PROG_MEAN_SUM)
		return 0;
	b = ek_f32_mul(ek_f32_from_int(-o->in[0].zp), p->scale);
	/* SUM: -zp_in * scale * n, the count converted to float last */
	if (p->flags == EDGEAI_PROG_MEAN_SUM)
		b = ek_f32_mul(b, ek_f32_from_int((int32_t)(o->in[0].d[1] * o->in[0].d[2])));
	return b;
}

int32_t ek_mean_out(const struct ek_op *o, int32_t sum, uint32_t fbias)
{
	const struct edgeai_prog_mean_params *p =
		(const struct edgeai_prog_mean_params *)o->op->params;
	uint32_t hw = o->in[0].d[1] * o->in[0].d[2];

	if (p->flags == EDGEAI_PROG_MEAN_FLOAT)
		return ek_mean_float(sum, hw, p->scale, fbias, o->out.zp);
	if (p->flags == EDGEAI_PROG_MEAN_SUM)
		return ek_sum_float(sum, p->scale, fbias, o->out.zp);
	if (p->flags == EDGEAI_PROG_MEAN_DIV)
		return sum / (int32_t)hw;	/* hw <= 2^32 / 2^8: no overflow */
	if (p->flags == EDGEAI_PROG_MEAN_INT)
		return ek_mean_int(sum, hw, o->in[0].zp, p, o->out.zp);
	return ek_wadd(ek_mbqm(sum, p->out_multiplier, p->out_shift), p->bias);
}

/*
 * MEAN over H and W. The integer pipeline (reduce.cc, keep_dims, axes 1
 * and 2, input and output quantization differing, uint8): the raw stored
 * values are summed, rescaled once, and the folded bias (which carries
 * both zero points) is added. int8's reference pipeline: ek_mean_int().
 * The float one: ek_mean_float(). The integer division
 * (reference_ops::Mean, equal quantization): sum / n toward zero. SUM's
 * float pipeline: ek_sum_float(), its low byte stored, not clamped.
 * ek_mean_out() takes a sum to its output.
 */
int ek_mean(const struct ek_op *o)
{
	const struct edgeai_prog_mean_params *p =
		(const struct edgeai_prog_mean_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	int32_t lo = ek_type_min(out->dtype), hi = ek_type_max(out->dtype);
	uint32_t i, y, x, ch = in->d[3], hw = in->d[1] * in->d[2], fbias;

	if (!ek_is8(in->dtype) || out->dtype != in->dtype ||
	    out->d[0] != in->d[0] || out->d[1] != 1 || out->d[2] != 1 ||
	    out->d[3] != ch || (p->flags && !hw) ||
	    (p->flags == EDGEAI_PROG_MEAN_SUM && hw > (uint32_t)EK_I32_MAX))
		return EK_EXEC_BAD_OP;
	fbias = ek_mean_fbias(o);

	for (i = 0; i < in->d[0] * ch; i++) {
		uint32_t n = i / ch, c = i % ch;
		int32_t acc = 0;

		for (y = 0; y < in->d[1]; y++)
			for (x = 0; x < in->d[2]; x++)
				acc = ek_wadd(acc, ek_ld(in, ek_idx(in, n, y, x, c)));
		if (p->flags == EDGEAI_PROG_MEAN_SUM)
			((uint8_t *)out->data)[i] = (uint8_t)ek_mean_out(o, acc, fbias);
		else
			ek_st(out, i, ek_mean_out(o, acc, fbias), lo, hi);
	}
	return EK_EXEC_OK;
}

/*
 * ARG_MAX: per row along the axis, the index of the largest stored value,
 * the first of equal ones (TFLite's ArgMinMax with std::greater); the
 * index little-endian into 4 or 8 bytes. The output holds the input's
 * elements with the axis removed, in order, whatever its dims.
 */
int ek_argmax(const struct ek_op *o)
{
	const struct edgeai_prog_argmax_params *p =
		(const struct edgeai_prog_argmax_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t a = p->axis, outer = 1, inner = 1, len, i, j, k, b, es;
	uint8_t *dst = out->data, *at;

	es = out->dtype == EDGEAI_DTYPE_INT64 ? 8 : 4;
	if (!ek_is8(in->dtype) || a > 3 ||
	    (out->dtype != EDGEAI_DTYPE_INT32 && out->dtype != EDGEAI_DTYPE_INT64))
		return EK_EXEC_BAD_OP;
	for (k = 0; k < a; k++)
		outer *= in->d[k];
	for (k = a + 1; k < 4; k++)
		inner *= in->d[k];
	len = in->d[a];
	if (ek_count(out) != outer * inner)
		return EK_EXEC_BAD_OP;
	for (i = 0; i < outer; i++)
		for (j = 0; j < inner; j++) {
			uint32_t base = i * len * inner + j, best = 0;
			int32_t v = ek_ld(in, base);

			for (k = 1; k < len; k++)
				if (ek_ld(in, base + k * inner) > v) {
					v = ek_ld(in, base + k * inner);
					best = k;
				}
			at = dst + (i * inner + j) * es;
			for (b = 0; b < es; b++)
				at[b] = b < 4 ? (uint8_t)(best >> (8 * b)) : 0;
		}
	return EK_EXEC_OK;
}
