// SPDX-License-Identifier: GPL-2.0
/*
 * CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED.
 *
 * TFLite 2.9.0: acc = sum over in-bounds taps of (w - zp_w) * (x - zp_in)
 * (zp_w is 0 for int8 per-channel filters), acc += bias, then
 * MultiplyByQuantizedMultiplier with the channel's (or the tensor's)
 * multiplier, + zp_out, clamp to the fused activation range. Taps that fall
 * into padding contribute nothing (equivalently, they read zp_in).
 *
 * Rounding: TFLite's x86-64 build computes CONV_2D and FULLY_CONNECTED
 * (int8 and uint8) with ruy's GEMM, whose multiplier rounds half up
 * (edgeai_mbqm_up()); DEPTHWISE_CONV_2D uses its own kernels with gemmlowp's
 * round-half-away-from-zero (edgeai_mbqm()). Both verified against the
 * oracle by the golden tests, on ties included.
 */
#include "ek_internal.h"

static void ek_qmul(const struct ek_op *o, uint32_t qoff, int32_t m, int32_t s,
		    uint32_t c, int32_t *mul, int *shift)
{
	if (qoff == EDGEAI_PROG_NO_CONST) {
		*mul = m;
		*shift = s;
	} else {
		const struct edgeai_prog_qmul *q =
			(const struct edgeai_prog_qmul *)(o->consts + qoff);

		*mul = q[c].multiplier;
		*shift = q[c].shift;
	}
}

int ek_conv(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p =
		(const struct edgeai_prog_conv_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2];
	const struct ek_tensor *out = &o->out;
	uint32_t n, oy, ox, oc, ky, kx, ic;
	uint32_t kh = f->d[1], kw = f->d[2], ich = in->d[3];
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || f->d[3] != ich ||
	    f->d[0] != out->d[3])
		return EDGEAI_EXEC_BAD_OP;

	for (n = 0; n < out->d[0]; n++)
	for (oy = 0; oy < out->d[1]; oy++)
	for (ox = 0; ox < out->d[2]; ox++)
	for (oc = 0; oc < out->d[3]; oc++) {
		int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
		int32_t acc = 0, mul;
		int shift;

		for (ky = 0; ky < kh; ky++) {
			int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

			if (iy < 0 || iy >= h)
				continue;
			for (kx = 0; kx < kw; kx++) {
				int32_t ix = x0 + (int32_t)(kx * p->dilation_w);
				uint32_t ii, fi;

				if (ix < 0 || ix >= w)
					continue;
				ii = ek_idx(in, n, (uint32_t)iy, (uint32_t)ix, 0);
				fi = ek_idx(f, oc, ky, kx, 0);
				for (ic = 0; ic < ich; ic++)
					acc += (ek_ld(f, fi + ic) - f->zp) *
					       (ek_ld(in, ii + ic) - in->zp);
			}
		}
		if (b->data)
			acc += ek_ld(b, oc);
		ek_qmul(o, p->qmul_offset, p->out_multiplier, p->out_shift, oc,
			&mul, &shift);
		acc = edgeai_mbqm_up(acc, mul, shift) + out->zp;
		ek_st(out, ek_idx(out, n, oy, ox, oc), acc, p->act_min,
		      p->act_max);
	}
	return EDGEAI_EXEC_OK;
}

int ek_depthwise(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p =
		(const struct edgeai_prog_conv_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2];
	const struct ek_tensor *out = &o->out;
	uint32_t n, oy, ox, oc, ky, kx;
	uint32_t kh = f->d[1], kw = f->d[2], dm = p->depth_multiplier;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || !dm ||
	    f->d[3] != out->d[3] || in->d[3] * dm != out->d[3])
		return EDGEAI_EXEC_BAD_OP;

	for (n = 0; n < out->d[0]; n++)
	for (oy = 0; oy < out->d[1]; oy++)
	for (ox = 0; ox < out->d[2]; ox++)
	for (oc = 0; oc < out->d[3]; oc++) {
		int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
		uint32_t ic = oc / dm;
		int32_t acc = 0, mul;
		int shift;

		for (ky = 0; ky < kh; ky++) {
			int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

			if (iy < 0 || iy >= h)
				continue;
			for (kx = 0; kx < kw; kx++) {
				int32_t ix = x0 + (int32_t)(kx * p->dilation_w);

				if (ix < 0 || ix >= w)
					continue;
				acc += (ek_ld(f, ek_idx(f, 0, ky, kx, oc)) - f->zp) *
				       (ek_ld(in, ek_idx(in, n, (uint32_t)iy,
							 (uint32_t)ix, ic)) - in->zp);
			}
		}
		if (b->data)
			acc += ek_ld(b, oc);
		ek_qmul(o, p->qmul_offset, p->out_multiplier, p->out_shift, oc,
			&mul, &shift);
		acc = edgeai_mbqm(acc, mul, shift) + out->zp;
		ek_st(out, ek_idx(out, n, oy, ox, oc), acc, p->act_min,
		      p->act_max);
	}
	return EDGEAI_EXEC_OK;
}

int ek_fc(const struct ek_op *o)
{
	const struct edgeai_prog_fc_params *p =
		(const struct edgeai_prog_fc_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2];
	const struct ek_tensor *out = &o->out;
	uint32_t ich = f->d[3], och = f->d[2], batches, bi, oc, i;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || !ich ||
	    ek_count(in) % ich || out->d[3] != och)
		return EDGEAI_EXEC_BAD_OP;
	batches = ek_count(in) / ich;
	if (ek_count(out) != batches * och)
		return EDGEAI_EXEC_BAD_OP;

	for (bi = 0; bi < batches; bi++)
	for (oc = 0; oc < och; oc++) {
		int32_t acc = 0;

		for (i = 0; i < ich; i++)
			acc += (ek_ld(f, oc * ich + i) - f->zp) *
			       (ek_ld(in, bi * ich + i) - in->zp);
		if (b->data)
			acc += ek_ld(b, oc);
		acc = edgeai_mbqm_up(acc, p->out_multiplier, p->out_shift) +
		      out->zp;
		ek_st(out, bi * och + oc, acc, p->act_min, p->act_max);
	}
	return EDGEAI_EXEC_OK;
}
