// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV and
 * BATCH_MATMUL.
 *
 * TFLite 2.9.0: acc = sum over in-bounds taps of (w - zp_w) * (x - zp_in)
 * (zp_w is 0 for int8 per-channel filters), acc += bias, then
 * MultiplyByQuantizedMultiplier with the channel's (or the tensor's)
 * multiplier, + zp_out, clamp to the fused activation range. Taps that fall
 * into padding contribute nothing (equivalently, they read zp_in).
 *
 * Rounding: TFLite's x86-64 build computes CONV_2D and FULLY_CONNECTED
 * (int8 and uint8) with ruy's GEMM, whose multiplier rounds half up
 * (ek_mbqm_up()); DEPTHWISE_CONV_2D uses its own kernels with gemmlowp's
 * round-half-away-from-zero (ek_mbqm()). Both verified against the
 * oracle by the golden tests, on ties included.
 *
 * TRANSPOSE_CONV: see ek_tconv().
 */
#include "ops-internal.h"

/* One output position of a convolution: which input window it reads. */
struct ek_win {
	uint32_t n;
	int32_t y0;
	int32_t x0;
};

static int ek_shift_ok(int32_t mul, int32_t shift)
{
	return mul >= 0 && shift >= -31 && shift <= 30;
}

/* Dot product of n filter and input values, both offset (8-bit). */
static int32_t ek_dot8(const struct ek_tensor *f, uint32_t fi,
		       const struct ek_tensor *in, uint32_t ii, uint32_t n)
{
	int32_t acc = 0, fz = f->zp, xz = in->zp;
	uint32_t k;

	if (in->dtype == EDGEAI_DTYPE_INT8) {
		const int8_t *fp = (const int8_t *)f->data + fi;
		const int8_t *xp = (const int8_t *)in->data + ii;

		for (k = 0; k < n; k++)
			acc = ek_wadd(acc, (fp[k] - fz) * (xp[k] - xz));
	} else {
		const uint8_t *fp = (const uint8_t *)f->data + fi;
		const uint8_t *xp = (const uint8_t *)in->data + ii;

		for (k = 0; k < n; k++)
			acc = ek_wadd(acc, (fp[k] - fz) * (xp[k] - xz));
	}
	return acc;
}

/* Sum over the window of CONV_2D output channel oc. */
static int32_t ek_conv_acc(const struct ek_op *o, const struct ek_win *win,
			   uint32_t oc)
{
	const struct edgeai_prog_conv_params *p =
		(const struct edgeai_prog_conv_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1];
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2], acc = 0;
	uint32_t ky, kx, ich = in->d[3];

	for (ky = 0; ky < f->d[1]; ky++) {
		int32_t iy = win->y0 + (int32_t)(ky * p->dilation_h);

		if (iy < 0 || iy >= h)
			continue;
		for (kx = 0; kx < f->d[2]; kx++) {
			int32_t ix = win->x0 + (int32_t)(kx * p->dilation_w);
			uint32_t ii, fi;

			if (ix < 0 || ix >= w)
				continue;
			ii = ek_idx(in, win->n, (uint32_t)iy, (uint32_t)ix, 0);
			fi = ek_idx(f, oc, ky, kx, 0);
			acc = ek_wadd(acc, ek_dot8(f, fi, in, ii, ich));
		}
	}
	return acc;
}

/* Sum over the window of DEPTHWISE_CONV_2D output channel oc. */
static int32_t ek_dw_acc(const struct ek_op *o, const struct ek_win *win,
			 uint32_t oc)
{
	const struct edgeai_prog_conv_params *p =
		(const struct edgeai_prog_conv_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1];
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2], acc = 0;
	uint32_t ky, kx, ic = oc / p->depth_multiplier;

	for (ky = 0; ky < f->d[1]; ky++) {
		int32_t iy = win->y0 + (int32_t)(ky * p->dilation_h);

		if (iy < 0 || iy >= h)
			continue;
		for (kx = 0; kx < f->d[2]; kx++) {
			int32_t ix = win->x0 + (int32_t)(kx * p->dilation_w);
			int32_t wv, xv;

			if (ix < 0 || ix >= w)
				continue;
			wv = ek_ld(f, ek_idx(f, 0, ky, kx, oc)) - f->zp;
			xv = ek_ld(in, ek_idx(in, win->n, (uint32_t)iy,
					      (uint32_t)ix, ic)) - in->zp;
			acc = ek_wadd(acc, wv * xv);
		}
	}
	return acc;
}

/*
 * The bias and output multipliers of a convolution of @o->out.d[3]
 * channels: per channel at @qmul_offset of the constants (*@q), or one for
 * all (@mul, @shift; *@q NULL). Return: 0, or EK_EXEC_BAD_OP when the bias
 * or a multiplier is malformed.
 */
static int ek_conv_terms(const struct ek_op *o, uint32_t qmul_offset, int32_t mul,
			 int32_t shift, const struct edgeai_prog_qmul **q)
{
	const struct ek_tensor *b = &o->in[2];
	uint32_t i, och = o->out.d[3];

	*q = NULL;
	if (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och))
		return EK_EXEC_BAD_OP;
	if (qmul_offset == EDGEAI_PROG_NO_CONST)
		return ek_shift_ok(mul, shift) ? 0 : EK_EXEC_BAD_OP;
	*q = ek_const(o, qmul_offset, (uint64_t)och * sizeof(**q), 4);
	if (!*q)
		return EK_EXEC_BAD_OP;
	for (i = 0; i < och; i++)
		if (!ek_shift_ok((*q)[i].multiplier, (*q)[i].shift))
			return EK_EXEC_BAD_OP;
	return 0;
}

static int ek_conv_common(const struct ek_op *o, int depthwise)
{
	const struct edgeai_prog_conv_params *p =
		(const struct edgeai_prog_conv_params *)o->op->params;
	const struct ek_tensor *b = &o->in[2], *out = &o->out;
	uint32_t i, cnt = ek_count(out), och = out->d[3];
	uint32_t ow = out->d[2], oh = out->d[1];
	const struct edgeai_prog_qmul *q = NULL;

	if (ek_conv_terms(o, p->qmul_offset, p->out_multiplier, p->out_shift, &q))
		return EK_EXEC_BAD_OP;

	for (i = 0; i < cnt; i++) {
		uint32_t oc = i % och, ox = (i / och) % ow;
		uint32_t oy = (i / och / ow) % oh;
		struct ek_win win;
		int32_t acc, mul;
		int shift;

		win.n = i / och / ow / oh;
		win.y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		win.x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
		acc = depthwise ? ek_dw_acc(o, &win, oc) : ek_conv_acc(o, &win, oc);
		if (b->data)
			acc = ek_wadd(acc, ek_ld(b, oc));
		mul = q ? q[oc].multiplier : p->out_multiplier;
		shift = q ? q[oc].shift : p->out_shift;
		if (depthwise)
			acc = ek_mbqm(acc, mul, shift);
		else
			acc = ek_mbqm_up(acc, mul, shift);
		ek_st(out, i, ek_wadd(acc, out->zp), p->act_min, p->act_max);
	}
	return EK_EXEC_OK;
}

int ek_conv(const struct ek_op *o)
{
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype ||
	    out->dtype != in->dtype || f->d[3] != in->d[3] ||
	    f->d[0] != out->d[3] || in->d[0] != out->d[0])
		return EK_EXEC_BAD_OP;
	return ek_conv_common(o, 0);
}

int ek_depthwise(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p =
		(const struct edgeai_prog_conv_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype ||
	    out->dtype != in->dtype || !p->depth_multiplier ||
	    f->d[3] != out->d[3] || in->d[3] * p->depth_multiplier != out->d[3] ||
	    in->d[0] != out->d[0])
		return EK_EXEC_BAD_OP;
	return ek_conv_common(o, 1);
}

int ek_fc(const struct ek_op *o)
{
	const struct edgeai_prog_fc_params *p =
		(const struct edgeai_prog_fc_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2];
	const struct ek_tensor *out = &o->out;
	uint32_t ich = f->d[3], och = f->d[2], batches, bi, oc;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype ||
	    out->dtype != in->dtype || !ich || ek_count(in) % ich ||
	    out->d[3] != och)
		return EK_EXEC_BAD_OP;
	batches = ek_count(in) / ich;
	if (ek_count(out) != batches * och || ek_count(f) != och * ich ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)) ||
	    !ek_shift_ok(p->out_multiplier, p->out_shift))
		return EK_EXEC_BAD_OP;

	for (bi = 0; bi < batches; bi++) {
		for (oc = 0; oc < och; oc++) {
			int32_t acc = ek_dot8(f, oc * ich, in, bi * ich, ich);

			if (b->data)
				acc = ek_wadd(acc, ek_ld(b, oc));
			acc = ek_mbqm_up(acc, p->out_multiplier, p->out_shift);
			ek_st(out, bi * och + oc, ek_wadd(acc, out->zp), p->act_min,
			      p->act_max);
		}
	}
	return EK_EXEC_OK;
}

/*
 * BATCH_MATMUL (int8): TFLite 2.9.0 runs it through the GEMM that runs
 * FULLY_CONNECTED, the right matrices (transposed to rows) as its weights,
 * so the same rounding (ek_mbqm_up()); both zero points subtracted. Element
 * (m, k) of a left matrix is at m * K + k, or k * M + m with adj_x; (k, n)
 * of a right one at k * N + n, or n * K + k with adj_y. A batch dimension
 * of 1 broadcasts.
 */
int ek_matmul_dims(const struct ek_op *o, uint32_t *m, uint32_t *k, uint32_t *n)
{
	const struct edgeai_prog_matmul_params *p =
		(const struct edgeai_prog_matmul_params *)o->op->params;
	const struct ek_tensor *l = &o->in[0], *r = &o->in[1], *out = &o->out;
	uint32_t km = p->adj_x ? l->d[2] : l->d[3];
	int d;

	if (l->dtype != EDGEAI_DTYPE_INT8 || r->dtype != EDGEAI_DTYPE_INT8 ||
	    out->dtype != EDGEAI_DTYPE_INT8 || p->adj_x > 1 || p->adj_y > 1 ||
	    (p->adj_x ? l->d[3] : l->d[2]) != out->d[2] ||
	    (p->adj_y ? r->d[3] : r->d[2]) != km ||
	    (p->adj_y ? r->d[2] : r->d[3]) != out->d[3] ||
	    !ek_shift_ok(p->out_multiplier, p->out_shift) || p->act_min < -128 ||
	    p->act_max > 127 || p->act_min > p->act_max)
		return EK_EXEC_BAD_OP;
	for (d = 0; d < 2; d++)
		if ((l->d[d] != out->d[d] && l->d[d] != 1) ||
		    (r->d[d] != out->d[d] && r->d[d] != 1))
			return EK_EXEC_BAD_OP;
	*m = out->d[2];
	*k = km;
	*n = out->d[3];
	return EK_EXEC_OK;
}

int ek_matmul(const struct ek_op *o)
{
	const struct edgeai_prog_matmul_params *p =
		(const struct edgeai_prog_matmul_params *)o->op->params;
	const struct ek_tensor *l = &o->in[0], *r = &o->in[1], *out = &o->out;
	uint32_t m, n, k, b0, b1, i, j, t;
	uint32_t lm = p->adj_x ? 1 : l->d[3], lk = p->adj_x ? l->d[3] : 1;
	uint32_t rk = p->adj_y ? 1 : r->d[3], rn = p->adj_y ? r->d[3] : 1;
	const int8_t *ld = l->data, *rd = r->data;

	if (ek_matmul_dims(o, &m, &k, &n))
		return EK_EXEC_BAD_OP;

	for (b0 = 0; b0 < out->d[0]; b0++) {
		for (b1 = 0; b1 < out->d[1]; b1++) {
			const int8_t *lb = ld + ((l->d[0] > 1 ? b0 : 0) * l->d[1] +
						 (l->d[1] > 1 ? b1 : 0)) * m * k;
			const int8_t *rb = rd + ((r->d[0] > 1 ? b0 : 0) * r->d[1] +
						 (r->d[1] > 1 ? b1 : 0)) * k * n;
			uint32_t ob = (b0 * out->d[1] + b1) * m * n;

			for (i = 0; i < m; i++) {
				for (j = 0; j < n; j++) {
					int32_t acc = 0;

					for (t = 0; t < k; t++)
						acc = ek_wadd(acc, (lb[i * lm + t * lk] - l->zp) *
							      (rb[t * rk + j * rn] - r->zp));
					acc = ek_mbqm_up(acc, p->out_multiplier, p->out_shift);
					ek_st(out, ob + i * n + j, ek_wadd(acc, out->zp),
					      p->act_min, p->act_max);
				}
			}
		}
	}
	return EK_EXEC_OK;
}

/* Sum of the taps of TRANSPOSE_CONV that land on output (n, oy, ox, oc). */
static int32_t ek_tconv_acc(const struct ek_op *o, uint32_t n, uint32_t oy,
			    uint32_t ox, uint32_t oc)
{
	const struct edgeai_prog_tconv_params *p =
		(const struct edgeai_prog_tconv_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1];
	uint32_t ky, kx, ich = in->d[3];
	int32_t acc = 0;

	for (ky = 0; ky < f->d[1]; ky++) {
		/* input row iy with iy * stride_h - pad_top + ky == oy */
		uint32_t ty = oy + p->pad_top, iy;

		if (ty < ky || (ty - ky) % p->stride_h)
			continue;
		iy = (ty - ky) / p->stride_h;
		if (iy >= in->d[1])
			continue;
		for (kx = 0; kx < f->d[2]; kx++) {
			uint32_t tx = ox + p->pad_left, ix;

			if (tx < kx || (tx - kx) % p->stride_w)
				continue;
			ix = (tx - kx) / p->stride_w;
			if (ix >= in->d[2])
				continue;
			acc = ek_wadd(acc, ek_dot8(f, ek_idx(f, oc, ky, kx, 0), in,
						   ek_idx(in, n, iy, ix, 0), ich));
		}
	}
	return acc;
}

/*
 * TRANSPOSE_CONV as TFLite 2.9.0 computes it (transpose_conv.cc, int8 per
 * channel and uint8 per tensor): every input pixel adds
 * (w - zp_w) * (x - zp_in) for each tap and output channel into an int32
 * scratch at output (y * stride - pad + ky, x * stride - pad + kx) when
 * that lands inside the output; then each scratch element gets its bias
 * and is requantized with MultiplyByQuantizedMultiplier, outside the GEMM
 * (gemmlowp rounding, ek_mbqm(), not ruy's), + zp_out, clamped.
 *
 * The scratch sums wrap in 32 bits, and wrapping addition is associative
 * and commutative, so gathering per output element the taps that land on
 * it gives the scratch's int32 exactly: no scratch buffer is needed.
 */
int ek_tconv(const struct ek_op *o)
{
	const struct edgeai_prog_tconv_params *p =
		(const struct edgeai_prog_tconv_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2];
	const struct ek_tensor *out = &o->out;
	uint32_t i, cnt = ek_count(out), och = out->d[3];
	uint32_t ow = out->d[2], oh = out->d[1];
	const struct edgeai_prog_qmul *q = NULL;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype ||
	    out->dtype != in->dtype || f->d[3] != in->d[3] ||
	    f->d[0] != och || in->d[0] != out->d[0] ||
	    !p->stride_h || !p->stride_w)
		return EK_EXEC_BAD_OP;
	if (ek_conv_terms(o, p->qmul_offset, p->out_multiplier, p->out_shift, &q))
		return EK_EXEC_BAD_OP;

	for (i = 0; i < cnt; i++) {
		uint32_t oc = i % och, ox = (i / och) % ow;
		uint32_t oy = (i / och / ow) % oh, n = i / och / ow / oh;
		int32_t acc = ek_tconv_acc(o, n, oy, ox, oc);

		if (b->data)
			acc = ek_wadd(acc, ek_ld(b, oc));
		if (q)
			acc = ek_mbqm(acc, q[oc].multiplier, q[oc].shift);
		else
			acc = ek_mbqm(acc, p->out_multiplier, p->out_shift);
		ek_st(out, i, ek_wadd(acc, out->zp), p->act_min, p->act_max);
	}
	return EK_EXEC_OK;
}
