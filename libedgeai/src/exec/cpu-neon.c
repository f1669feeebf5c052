// SPDX-License-Identifier: MIT
/*
 * Optimized arm64 CPU kernels (Advanced SIMD, which every arm64 CPU has):
 * CONV_2D, DEPTHWISE_CONV_2D (depth multiplier 1), FULLY_CONNECTED,
 * TRANSPOSE_CONV,
 * ADD/SUB/MUL/MAXIMUM/MINIMUM (every broadcast form), MAX_POOL_2D and
 * AVERAGE_POOL_2D, MEAN (its binary32 pipeline on the float unit), the
 * table ops (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU), int8 and uint8; int8
 * RESIZE_BILINEAR. ADD/SUB of equal shapes and the table ops split across
 * the run's threads (exec_par_for()).
 * Chosen at run time (cpu.c, AT_HWCAP), else the portable reference
 * kernels of firmware/ops/ run; cpu-dotprod.c passes what it declines here.
 *
 * Bit exactness: the accumulation is exact integer arithmetic (offset
 * values as int16, SMLAL into 32-bit sums wrapping like ek_wadd(): the
 * same sum in another order); padding taps contribute 0 as in the
 * reference. The requantization is the reference's fixed point on four
 * lanes (cpu-neon.h says why SQRDMULH/SRSHL give the same bytes), the
 * clamp and store are ek_st(). Anything unusual (a shape or parameter the
 * reference would reject, depth multiplier > 1) is declined.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/cpu-opt.h"

#if defined(__aarch64__)
#include "exec/cpu-neon.h"

/* Offset 8-bit values as int16: dst[i] = src[i] - zp. */
static void to16(int16_t *dst, const void *src, uint32_t n, uint32_t dtype, int32_t zp)
{
	int16x8_t z = vdupq_n_s16((int16_t)zp);
	uint32_t i = 0;

	if (dtype == EDGEAI_DTYPE_INT8) {
		const int8_t *s = src;

		for (; i + 8 <= n; i += 8)
			vst1q_s16(dst + i, vsubq_s16(vmovl_s8(vld1_s8(s + i)), z));
		for (; i < n; i++)
			dst[i] = (int16_t)(s[i] - zp);
	} else {
		const uint8_t *s = src;

		for (; i + 8 <= n; i += 8)
			vst1q_s16(dst + i, vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(vld1_u8(s + i))),
						     z));
		for (; i < n; i++)
			dst[i] = (int16_t)(s[i] - zp);
	}
}

/* Weights [rows][k] minus their zero point as int16 [rows padded to 4][kp], zeros around. */
static int16_t *weights16(const struct ek_tensor *f, uint32_t rows, uint32_t k, uint32_t kp)
{
	uint32_t r4 = (rows + 3) & ~3U, r;
	int16_t *w = neon_alloc((size_t)r4 * kp * 2);

	if (!w)
		return NULL;
	memset(w, 0, (size_t)r4 * kp * 2);
	for (r = 0; r < rows; r++)
		to16(w + (size_t)r * kp, (const uint8_t *)f->data + (size_t)r * k, k, f->dtype, f->zp);
	return w;
}

/* Dot products of @a with rows b, b + stride, .. b + 3 * stride; @kp a multiple of 8. */
static inline int32x4_t dot16x4(const int16_t *a, const int16_t *b, size_t stride, uint32_t kp)
{
	int32x4_t s0 = vdupq_n_s32(0), s1 = s0, s2 = s0, s3 = s0;
	uint32_t k;

	for (k = 0; k < kp; k += 8) {
		int16x8_t x = vld1q_s16(a + k), w0 = vld1q_s16(b + k);
		int16x8_t w1 = vld1q_s16(b + stride + k), w2 = vld1q_s16(b + 2 * stride + k);
		int16x8_t w3 = vld1q_s16(b + 3 * stride + k);

		s0 = vmlal_high_s16(vmlal_s16(s0, vget_low_s16(x), vget_low_s16(w0)), x, w0);
		s1 = vmlal_high_s16(vmlal_s16(s1, vget_low_s16(x), vget_low_s16(w1)), x, w1);
		s2 = vmlal_high_s16(vmlal_s16(s2, vget_low_s16(x), vget_low_s16(w2)), x, w2);
		s3 = vmlal_high_s16(vmlal_s16(s3, vget_low_s16(x), vget_low_s16(w3)), x, w3);
	}
	return vpaddq_s32(vpaddq_s32(s0, s1), vpaddq_s32(s2, s3));
}

static int conv(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ic = in->d[3], kh = f->d[1], kw = f->d[2], och = out->d[3];
	uint32_t k = kh * kw * ic, kp = (k + 7) & ~7U, n, oy, ox, oc, ky, kx;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	const struct edgeai_prog_qmul *q;
	struct neon_rq rq;
	int16_t *wt, *patch;
	int ok;

	/* offset values as int16: zero points in the type's range */
	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    !neon_zp_ok(in) || !neon_zp_ok(f) ||
	    f->d[3] != ic || f->d[0] != och || in->d[0] != out->d[0] ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)))
		return EXEC_OPT_NOT_HANDLED;
	q = neon_qmuls(o, p, och, &ok);
	if (!ok || neon_rq_make(&rq, q, p->out_multiplier, p->out_shift, b, och, out, p->act_min,
				p->act_max))
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? (int16_t *)prep : weights16(f, och, k, kp);
	patch = neon_alloc((size_t)kp * 2);
	if (!wt || !patch) {
		if (!prep)
			free(wt);
		free(patch);
		neon_rq_free(&rq);
		return EXEC_OPT_NOT_HANDLED;
	}
	memset(patch, 0, (size_t)kp * 2);
	for (n = 0; n < out->d[0]; n++) {
		for (oy = 0; oy < out->d[1]; oy++) {
			for (ox = 0; ox < out->d[2]; ox++) {
				int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
				int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
				uint32_t base = ((n * out->d[1] + oy) * out->d[2] + ox) * och;

				for (ky = 0; ky < kh; ky++) {
					int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

					for (kx = 0; kx < kw; kx++) {
						int32_t ix = x0 + (int32_t)(kx * p->dilation_w);
						int16_t *dst = patch + (ky * kw + kx) * ic;

						if (iy < 0 || iy >= h || ix < 0 || ix >= w)
							memset(dst, 0, (size_t)ic * 2);
						else
							to16(dst, (const uint8_t *)in->data +
							     ek_idx(in, n, (uint32_t)iy, (uint32_t)ix, 0),
							     ic, in->dtype, in->zp);
					}
				}
				for (oc = 0; oc < och; oc += 4)
					neon_st(out, base + oc,
						neon_rq4(dot16x4(patch, wt + (size_t)oc * kp, kp, kp),
							 &rq, oc, 1),
						och - oc, &rq);
			}
		}
	}
	if (!prep)
		free(wt);
	free(patch);
	neon_rq_free(&rq);
	return 0;
}

/* Depthwise weights minus their zero point: int16 [taps][ch]. */
static int16_t *dw_weights(const struct ek_tensor *f)
{
	uint32_t taps = f->d[1] * f->d[2], ch = f->d[3], t;
	int16_t *wt = neon_alloc(((size_t)taps * ch + 8) * 2);

	if (wt)
		for (t = 0; t < taps; t++)
			to16(wt + (size_t)t * ch, (const uint8_t *)f->data + (size_t)t * ch, ch,
			     f->dtype, f->zp);
	return wt;
}

static int depthwise(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ch = in->d[3], ch4 = (ch + 3) & ~3U, kh = f->d[1], kw = f->d[2];
	uint32_t n, oy, ox, c, ky, kx;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	const struct edgeai_prog_qmul *q;
	struct neon_rq rq;
	int16_t *wt, *x;
	int32_t *acc;
	int ok;

	if (!exec_dw_shape_ok(o) || !neon_zp_ok(in) || !neon_zp_ok(f))
		return EXEC_OPT_NOT_HANDLED;
	q = neon_qmuls(o, p, ch, &ok);
	if (!ok || neon_rq_make(&rq, q, p->out_multiplier, p->out_shift, b, ch, out, p->act_min,
				p->act_max))
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? (int16_t *)prep : dw_weights(f);
	acc = neon_alloc((size_t)ch4 * 4);
	x = neon_alloc((size_t)ch * 2);
	if (!wt || !acc || !x) {
		if (!prep)
			free(wt);
		free(acc);
		free(x);
		neon_rq_free(&rq);
		return EXEC_OPT_NOT_HANDLED;
	}
	for (n = 0; n < out->d[0]; n++) {
		for (oy = 0; oy < out->d[1]; oy++) {
			for (ox = 0; ox < out->d[2]; ox++) {
				int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
				int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
				uint32_t base = ((n * out->d[1] + oy) * out->d[2] + ox) * ch;

				memset(acc, 0, (size_t)ch4 * 4);
				for (ky = 0; ky < kh; ky++) {
					int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

					if (iy < 0 || iy >= h)
						continue;
					for (kx = 0; kx < kw; kx++) {
						int32_t ix = x0 + (int32_t)(kx * p->dilation_w);
						const int16_t *wk = wt + (size_t)(ky * kw + kx) * ch;

						if (ix < 0 || ix >= w)
							continue;
						to16(x, (const uint8_t *)in->data +
						     ek_idx(in, n, (uint32_t)iy, (uint32_t)ix, 0), ch,
						     in->dtype, in->zp);
						for (c = 0; c + 8 <= ch; c += 8) {
							int16x8_t xv = vld1q_s16(x + c), wv = vld1q_s16(wk + c);

							vst1q_s32(acc + c, vmlal_s16(vld1q_s32(acc + c),
										     vget_low_s16(xv),
										     vget_low_s16(wv)));
							vst1q_s32(acc + c + 4, vmlal_high_s16(vld1q_s32(acc + c + 4),
											      xv, wv));
						}
						for (; c < ch; c++)
							acc[c] = ek_wadd(acc[c], x[c] * wk[c]);
					}
				}
				for (c = 0; c < ch; c += 4)
					neon_st(out, base + c, neon_rq4(vld1q_s32(acc + c), &rq, c, 0),
						ch - c, &rq);
			}
		}
	}
	if (!prep)
		free(wt);
	free(acc);
	free(x);
	neon_rq_free(&rq);
	return 0;
}

static int fc(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_fc_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ich = f->d[3], och = f->d[2], kp = (ich + 7) & ~7U, batches, bi, oc;
	struct neon_rq rq;
	int16_t *wt, *x;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype || !ich ||
	    !neon_zp_ok(in) || !neon_zp_ok(f) || ek_count(in) % ich || out->d[3] != och)
		return EXEC_OPT_NOT_HANDLED;
	batches = ek_count(in) / ich;
	if (ek_count(out) != batches * och || ek_count(f) != och * ich ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)) ||
	    neon_rq_make(&rq, NULL, p->out_multiplier, p->out_shift, b, och, out, p->act_min,
			 p->act_max))
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? (int16_t *)prep : weights16(f, och, ich, kp);
	x = neon_alloc((size_t)kp * 2);
	if (!wt || !x) {
		if (!prep)
			free(wt);
		free(x);
		neon_rq_free(&rq);
		return EXEC_OPT_NOT_HANDLED;
	}
	memset(x, 0, (size_t)kp * 2);
	for (bi = 0; bi < batches; bi++) {
		to16(x, (const uint8_t *)in->data + (size_t)bi * ich, ich, in->dtype, in->zp);
		for (oc = 0; oc < och; oc += 4)
			neon_st(out, bi * och + oc,
				neon_rq4(dot16x4(x, wt + (size_t)oc * kp, kp, kp), &rq, oc, 1),
				och - oc, &rq);
	}
	if (!prep)
		free(wt);
	free(x);
	neon_rq_free(&rq);
	return 0;
}

/*
 * TRANSPOSE_CONV: exec_tconv() (cpu-common.c) lays out the input and the
 * weights and walks the output pixels; here the sums of one pixel's
 * channels, four at a time: one dot16x4() per tap (input channels padded
 * to 16 with zeros, output channels to 4 with zero weights), summed
 * wrapping as the reference's int32 does.
 */
/* The four lane sums of the dot product of @a and @b; @kp a multiple of 8. */
static inline int32x4_t dot16x1(const int16_t *a, const int16_t *b, uint32_t kp)
{
	int32x4_t s = vdupq_n_s32(0);
	uint32_t k;

	for (k = 0; k < kp; k += 8) {
		int16x8_t x = vld1q_s16(a + k), w = vld1q_s16(b + k);

		s = vmlal_high_s16(vmlal_s16(s, vget_low_s16(x), vget_low_s16(w)), x, w);
	}
	return s;
}

static void tconv_px(const int16_t *const *xs, const int16_t *const *ws, const uint32_t *nt,
		     uint32_t np, size_t wstride, uint32_t icp, uint32_t och, int32_t *acc)
{
	uint32_t och4 = (och + 3) & ~3U, px, oc, t;

	for (px = 0; px < np; px++, acc += och4) {
		for (oc = 0; oc < och; oc += 4) {
			int32x4_t a = vdupq_n_s32(0);

			if (och - oc == 1) {
				/* a last single channel: one dot product a tap, not four */
				for (t = nt[px]; t < nt[px + 1]; t++)
					a = vaddq_s32(a, dot16x1(xs[t], ws[t] + oc * wstride, icp));
				acc[oc] = vaddvq_s32(a);
				continue;
			}
			for (t = nt[px]; t < nt[px + 1]; t++)
				a = vaddq_s32(a, dot16x4(xs[t], ws[t] + oc * wstride, wstride, icp));
			vst1q_s32(acc + oc, a);
		}
	}
}

static int same_dims(const struct ek_tensor *a, const struct ek_tensor *b)
{
	return !memcmp(a->d, b->d, sizeof(a->d));
}

/*
 * ADD/SUB of inputs of the output's shape: the reference's per-element
 * pipeline on 32-bit lanes, sixteen elements at a time, the blocks of
 * sixteen split across the run's threads.
 *
 * Each input's rescale is ek_mbqm((a - za) << ls, m, shift) for 8-bit a.
 * With L = ls + the left shift (no wrap: |a - za| <= 255 and L <= 23)
 * and k = 31 - L, SQRDMULH's floor(((a - za) 2^L m + 2^30) / 2^31) is
 * floor(((a - za) m + 2^(k-1)) / 2^k), and with m = mh 2^k + ml
 * (ml < 2^k) that is (a - za) mh + floor(((a - za) ml + 2^(k-1)) / 2^k):
 * two 32-bit multiply-adds and a shift, each term within 32 bits for
 * 9 <= L <= 23 and the bound below (the zero point folded into the
 * constants). Then the rounding right shift by e, half away from zero:
 * (v + 2^(e-1) - (v < 0)) >> e. TFLite gives the input of the larger
 * scale the multiplier 2^30 with shift 0 (ml = 0, e = 0): its rescale is
 * (a - za) 2^(L-1), one shift. Other parameters take neon_mbqm4() (the
 * left shifts, SQRDMULH and the rounding shift, as cpu-neon.h says). The
 * output's rescale is neon_mbqm4(); the clamp is ek_st()'s, in 32 bits,
 * so narrowing keeps the byte.
 */
struct add_in {
	int fast;		/* 2: one shift; 1: the split multiply; 0: neon_mbqm4() */
	int32x4_t mh, ml, c2, c3, half, nk, ne;	/* c2 = 2^(k-1) - za ml, c3 = 2^(e-1) - za mh */
	int32x4_t ls, left, mul, nr, z;		/* fast 0 */
};

static void add_in_make(struct add_in *ai, int32_t mul, int32_t shift, uint32_t ls, int32_t za)
{
	int32_t left = shift > 0 ? shift : 0, e = shift > 0 ? 0 : -shift;
	int32_t L = (int32_t)ls + left, k = 31 - L, mh, ml;

	memset(ai, 0, sizeof(*ai));
	ai->ls = vdupq_n_s32((int32_t)ls);
	ai->left = vdupq_n_s32(left);
	ai->mul = vdupq_n_s32(mul);
	ai->nr = vdupq_n_s32(-e);
	ai->z = vdupq_n_s32(za);
	if (L < 9 || L > 23 || e > 30 ||
	    ((int64_t)255 << L) + (e ? (int64_t)1 << (e - 1) : 0) + 512 >= ((int64_t)1 << 31))
		return;
	mh = mul >> k;
	ml = mul & ((1 << k) - 1);
	ai->mh = vdupq_n_s32(mh);
	ai->ml = vdupq_n_s32(ml);
	ai->c2 = vdupq_n_s32((1 << (k - 1)) - za * ml);
	ai->c3 = vdupq_n_s32((e ? 1 << (e - 1) : 0) - za * mh);
	ai->half = vdupq_n_s32(e ? 1 << (e - 1) : INT32_MIN);
	ai->nk = vdupq_n_s32(-k);
	ai->ne = vdupq_n_s32(-e);
	ai->fast = 1;
	if (!ml && !e && mh > 0 && !(mh & (mh - 1))) {
		ai->fast = 2;
		ai->mh = vdupq_n_s32(__builtin_ctz((uint32_t)mh));	/* the shift */
	}
}

/* The rescaled input of four 8-bit values @x (zero point not subtracted); @fast is ai->fast. */
static inline __attribute__((always_inline)) int32x4_t add_in_run(const struct add_in *ai,
								  int32x4_t x, const int fast)
{
	int32x4_t w;

	if (fast == 2)
		return vaddq_s32(vshlq_s32(x, ai->mh), ai->c3);
	if (fast == 0)
		return neon_mbqm4(vshlq_s32(vsubq_s32(x, ai->z), ai->ls), ai->left, ai->mul, ai->nr,
				  0);
	w = vshlq_s32(vmlaq_s32(ai->c2, x, ai->ml), ai->nk);
	w = vmlaq_s32(vaddq_s32(w, ai->c3), x, ai->mh);
	/* v = w - 2^(e-1) < 0: one less (e = 0: half is INT32_MIN, never above w) */
	w = vaddq_s32(w, vreinterpretq_s32_u32(vcltq_s32(w, ai->half)));
	return vshlq_s32(w, ai->ne);
}

struct add_job {
	struct add_in f0, f1;
	int32x4_t oleft, omul, onr, zo, lo, hi;	/* the output's rescale and clamp */
	const uint8_t *pa, *pb;
	uint8_t *po;
	uint32_t cnt;
	int sub, s8;
};

/* Four lanes of the output, from the 8-bit values @x and @y as int32: clamped, not narrowed. */
static inline __attribute__((always_inline)) int32x4_t add4(const struct add_job *aj, int32x4_t x,
							    int32x4_t y, const int f0, const int f1)
{
	int32x4_t u = add_in_run(&aj->f0, x, f0), v = add_in_run(&aj->f1, y, f1);

	u = aj->sub ? vsubq_s32(u, v) : vaddq_s32(u, v);
	u = vaddq_s32(neon_mbqm4(u, aj->oleft, aj->omul, aj->onr, 0), aj->zo);
	return vminq_s32(vmaxq_s32(u, aj->lo), aj->hi);
}

/* ADD/SUB of sixteen elements of @pa and @pb into @po. */
static inline __attribute__((always_inline)) void add16(const struct add_job *aj, const uint8_t *pa,
							const uint8_t *pb, uint8_t *po, const int f0,
							const int f1)
{
	uint8x16_t va = vld1q_u8(pa), vb = vld1q_u8(pb);
	int16x8_t al, ah, bl, bh;
	int32x4_t r0, r1, r2, r3;

	if (aj->s8) {
		al = vmovl_s8(vget_low_s8(vreinterpretq_s8_u8(va)));
		ah = vmovl_high_s8(vreinterpretq_s8_u8(va));
		bl = vmovl_s8(vget_low_s8(vreinterpretq_s8_u8(vb)));
		bh = vmovl_high_s8(vreinterpretq_s8_u8(vb));
	} else {
		al = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(va)));
		ah = vreinterpretq_s16_u16(vmovl_high_u8(va));
		bl = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(vb)));
		bh = vreinterpretq_s16_u16(vmovl_high_u8(vb));
	}
	r0 = add4(aj, vmovl_s16(vget_low_s16(al)), vmovl_s16(vget_low_s16(bl)), f0, f1);
	r1 = add4(aj, vmovl_high_s16(al), vmovl_high_s16(bl), f0, f1);
	r2 = add4(aj, vmovl_s16(vget_low_s16(ah)), vmovl_s16(vget_low_s16(bh)), f0, f1);
	r3 = add4(aj, vmovl_high_s16(ah), vmovl_high_s16(bh), f0, f1);
	vst1q_u8(po, vreinterpretq_u8_s8(vcombine_s8(vmovn_s16(vcombine_s16(vmovn_s32(r0),
									     vmovn_s32(r1))),
						     vmovn_s16(vcombine_s16(vmovn_s32(r2),
									     vmovn_s32(r3))))));
}

/* Blocks [begin, end) of sixteen elements; the last one may be short. */
static inline __attribute__((always_inline)) void add_rows(void *ctx, uint32_t begin, uint32_t end,
							   const int f0, const int f1)
{
	/* a copy: the byte stores cannot alias it, its terms stay in registers */
	const struct add_job aj = *(const struct add_job *)ctx;
	size_t i = (size_t)begin * 16, e = (size_t)end * 16 < aj.cnt ? (size_t)end * 16 : aj.cnt;

	for (; i + 16 <= e; i += 16)
		add16(&aj, aj.pa + i, aj.pb + i, aj.po + i, f0, f1);
	if (i < e) {
		uint8_t ta[16] = { 0 }, tb[16] = { 0 }, to[16];

		memcpy(ta, aj.pa + i, e - i);
		memcpy(tb, aj.pb + i, e - i);
		add16(&aj, ta, tb, to, f0, f1);
		memcpy(aj.po + i, to, e - i);
	}
}

#define ADD_ROWS(f0, f1)                                                         \
	static void add_rows_##f0##f1(void *ctx, uint32_t begin, uint32_t end) \
	{                                                                        \
		add_rows(ctx, begin, end, f0, f1);                               \
	}
ADD_ROWS(0, 0)
ADD_ROWS(0, 1)
ADD_ROWS(0, 2)
ADD_ROWS(1, 0)
ADD_ROWS(1, 1)
ADD_ROWS(1, 2)
ADD_ROWS(2, 0)
ADD_ROWS(2, 1)
ADD_ROWS(2, 2)
#undef ADD_ROWS

static void (*const add_rows_of[3][3])(void *, uint32_t, uint32_t) = {
	{ add_rows_00, add_rows_01, add_rows_02 },
	{ add_rows_10, add_rows_11, add_rows_12 },
	{ add_rows_20, add_rows_21, add_rows_22 },
};

static int add(const struct ek_op *o, int sub)
{
	const struct edgeai_prog_add_params *p = (const void *)o->op->params;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	uint32_t cnt = ek_count(out), blocks = (cnt + 15) / 16;
	void (*rows)(void *, uint32_t, uint32_t);
	struct add_job aj;

	if (!ek_is8(out->dtype) || a->dtype != out->dtype || b->dtype != out->dtype ||
	    p->left_shift > 30 || !same_dims(a, out) || !same_dims(b, out) || !neon_zp_ok(a) ||
	    !neon_zp_ok(b) || !neon_shift_ok(p->in0_multiplier, p->in0_shift) ||
	    !neon_shift_ok(p->in1_multiplier, p->in1_shift) ||
	    !neon_shift_ok(p->out_multiplier, p->out_shift))
		return EXEC_OPT_NOT_HANDLED;
	memset(&aj, 0, sizeof(aj));
	add_in_make(&aj.f0, p->in0_multiplier, p->in0_shift, p->left_shift, a->zp);
	add_in_make(&aj.f1, p->in1_multiplier, p->in1_shift, p->left_shift, b->zp);
	aj.oleft = vdupq_n_s32(p->out_shift > 0 ? p->out_shift : 0);
	aj.omul = vdupq_n_s32(p->out_multiplier);
	aj.onr = vdupq_n_s32(p->out_shift > 0 ? 0 : p->out_shift);
	aj.zo = vdupq_n_s32(out->zp);
	aj.lo = vdupq_n_s32(p->act_min);
	aj.hi = vdupq_n_s32(p->act_max);
	aj.pa = a->data;
	aj.pb = b->data;
	aj.po = out->data;
	aj.cnt = cnt;
	aj.sub = sub;
	aj.s8 = out->dtype == EDGEAI_DTYPE_INT8;
	rows = add_rows_of[aj.f0.fast][aj.f1.fast];
	if (exec_par_worth((uint64_t)cnt * 4))
		exec_par_for(blocks, rows, &aj);
	else
		rows(&aj, 0, blocks);
	return 0;
}

/*
 * RESIZE_BILINEAR of int8 tensors (EDGEAI_RESIZE_FIXED10):
 * exec_resize_bilinear() (cpu-common.c) checks the maps, walks the rows
 * and pixels and does the rest; here the rows' weighted sums V
 * (resize_vrow()) and each output pixel's two columns of V weighted
 * (resize_px()), eight at a time. The reference's 64-bit sum of four taps
 * times their weight products fits in int32 for the weights it lets
 * through, so the sum is exact in 32-bit lanes (MLA by a scalar); its
 * rounding, half away from zero and then division by 2^20 toward zero,
 * is the rounding shift of the magnitude (a tie rounds up, away from
 * zero) with the sign put back; the saturating narrowing is the clamp to
 * the type's range.
 */
/*
 * RESIZE_BILINEAR's float arithmetic (uint8), eight channels of a pixel
 * at a time for exec_resize_bl_f32() (cpu-common.c): the taps to binary32,
 * times their weight products, added in the reference's order (an empty
 * asm after each product: no fused multiply-add), + 0.5, truncated
 * (FCVTZS), clamped to the type by the saturating narrowings. Of the
 * channels past the last multiple of eight, the last eight are done
 * again (the same values written twice) when there are eight.
 */
static inline void ld8f(const uint8_t *p, int s8, float32x4_t f[2])
{
	int16x8_t w = s8 ? vmovl_s8(vld1_s8((const int8_t *)p)) :
			   vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p)));

	f[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(w)));
	f[1] = vcvtq_f32_s32(vmovl_s16(vget_high_s16(w)));
}

static uint32_t resize_f32_px(const uint8_t *const tap[4], const float s[4], uint8_t *dst,
			      uint32_t ch, int s8)
{
	const float32x4_t half = vdupq_n_f32(0.5f);
	uint32_t c;
	int k, h;

	for (c = 0; c < ch; c += 8) {
		float32x4_t v[2], x[2], t;
		int16x8_t q;

		/* a last part of the channels: the last eight again */
		if (c + 8 > ch) {
			if (ch < 8)
				break;
			c = ch - 8;
		}
		ld8f(tap[0] + c, s8, x);
		v[0] = vmulq_n_f32(x[0], s[0]);
		v[1] = vmulq_n_f32(x[1], s[0]);
		for (k = 1; k < 4; k++) {
			ld8f(tap[k] + c, s8, x);
			for (h = 0; h < 2; h++) {
				t = vmulq_n_f32(x[h], s[k]);
				__asm__("" : "+w"(t), "+w"(v[h]));
				v[h] = vaddq_f32(v[h], t);
			}
		}
		q = vcombine_s16(vqmovn_s32(vcvtq_s32_f32(vaddq_f32(v[0], half))),
				 vqmovn_s32(vcvtq_s32_f32(vaddq_f32(v[1], half))));
		if (s8)
			vst1_s8((int8_t *)(dst + c), vqmovn_s16(q));
		else
			vst1_u8(dst + c, vqmovun_s16(q));
	}
	return c;
}

static inline int32x4_t rdiv20(int32x4_t v)
{
	int32x4_t m = vreinterpretq_s32_u32(vrshrq_n_u32(vreinterpretq_u32_s32(vabsq_s32(v)), 20));

	return vbslq_s32(vcltzq_s32(v), vnegq_s32(m), m);
}

static uint32_t resize_vrow(const int8_t *lo, const int8_t *hi, int32_t wl, int32_t wh,
			    int32_t *v, uint32_t n)
{
	uint32_t j;

	for (j = 0; j + 8 <= n; j += 8) {
		int16x8_t a = vmovl_s8(vld1_s8(lo + j)), b = vmovl_s8(vld1_s8(hi + j));

		vst1q_s32(v + j, vmlaq_n_s32(vmulq_n_s32(vmovl_s16(vget_low_s16(a)), wl),
					     vmovl_s16(vget_low_s16(b)), wh));
		vst1q_s32(v + j + 4, vmlaq_n_s32(vmulq_n_s32(vmovl_high_s16(a), wl),
						 vmovl_high_s16(b), wh));
	}
	return j;
}

static uint32_t resize_px(const int32_t *a, const int32_t *b, int32_t wl, int32_t wh,
			  int8_t *dst, uint32_t ch)
{
	uint32_t c;

	for (c = 0; c + 8 <= ch; c += 8) {
		int32x4_t lo = vmlaq_n_s32(vmulq_n_s32(vld1q_s32(a + c), wl), vld1q_s32(b + c), wh);
		int32x4_t hi = vmlaq_n_s32(vmulq_n_s32(vld1q_s32(a + c + 4), wl),
					   vld1q_s32(b + c + 4), wh);

		lo = rdiv20(lo);
		hi = rdiv20(hi);
		vst1_s8(dst + c, vqmovn_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi))));
	}
	return c;
}

/*
 * ADD, SUB, MUL, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE in every
 * broadcast form: the walk is exec_binary_run()'s (cpu-common.c); here
 * each run, eight elements at a time (MAXIMUM/MINIMUM: sixteen), each
 * input read contiguously or one value repeated. ADD/SUB: each input's value minus its zero point, shifted
 * left and rescaled, summed (wrapping) and rescaled again (the reference's
 * ek_mbqm() each time, neon_rq4()); SQUARED_DIFFERENCE: their difference
 * squared (32-bit, wrapping), rescaled; MUL: the product of the offset values
 * (32-bit, wrapping like the reference's int32), rescaled; then the
 * activation clamp, inside the type's range, so narrowing keeps the byte.
 */
struct neon_bin {
	struct neon_rq r0, r1, ro;	/* ADD/SUB: the inputs' rescales; the output's */
	int32x4_t za, zb, ls;
};

/* Eight 8-bit values from @p, consecutive (@step 1) or one repeated (@step 0), as int16. */
static inline int16x8_t ld8x(const uint8_t *p, int step, int s8)
{
	if (!step)
		return vdupq_n_s16(s8 ? (int16_t)(int8_t)*p : (int16_t)*p);
	return s8 ? vmovl_s8(vld1_s8((const int8_t *)p)) : vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p)));
}

/* Four lanes of one output: (ADD/SUB, MUL) from the offset values @x, @y; clamped. */
static inline int32x4_t bin4(const struct neon_bin *nb, uint32_t op, int32x4_t x, int32x4_t y,
			     int32x4_t lo, int32x4_t hi)
{
	int32x4_t r;

	if (op == EDGEAI_OP_MUL) {
		r = vmulq_s32(x, y);
	} else {
		x = neon_rq4(vshlq_s32(x, nb->ls), &nb->r0, 0, 0);
		y = neon_rq4(vshlq_s32(y, nb->ls), &nb->r1, 0, 0);
		r = op == EDGEAI_OP_ADD ? vaddq_s32(x, y) : vsubq_s32(x, y);
		/* SQUARED_DIFFERENCE: the reference's square, 32-bit, wrapping */
		if (op == EDGEAI_OP_SQUARED_DIFFERENCE)
			r = vmulq_s32(r, r);
	}
	return vminq_s32(vmaxq_s32(neon_rq4(r, &nb->ro, 0, 0), lo), hi);
}

static uint32_t binary_row(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb,
			   uint8_t *dst, uint32_t n)
{
	const struct neon_bin *nb = bj->vec;
	uint32_t op = bj->o->op->opcode, c = 0;
	int s8 = bj->s8, ca = bj->ca, cb = bj->cb;
	const int32x4_t lo = vdupq_n_s32(bj->lo), hi = vdupq_n_s32(bj->hi);

	if (op == EDGEAI_OP_MAXIMUM || op == EDGEAI_OP_MINIMUM) {
		int mx = op == EDGEAI_OP_MAXIMUM;

		for (; c + 16 <= n; c += 16) {
			uint8x16_t x = ca ? vld1q_u8(pa + c) : vdupq_n_u8(*pa);
			uint8x16_t y = cb ? vld1q_u8(pb + c) : vdupq_n_u8(*pb);

			if (s8) {
				int8x16_t u = vreinterpretq_s8_u8(x), v = vreinterpretq_s8_u8(y);

				x = vreinterpretq_u8_s8(mx ? vmaxq_s8(u, v) : vminq_s8(u, v));
			} else {
				x = mx ? vmaxq_u8(x, y) : vminq_u8(x, y);
			}
			vst1q_u8(dst + c, x);
		}
		return c;
	}
	for (; c + 8 <= n; c += 8) {
		int16x8_t x = ld8x(pa + c * ca, ca, s8), y = ld8x(pb + c * cb, cb, s8);
		int32x4_t r0 = bin4(nb, op, vsubq_s32(vmovl_s16(vget_low_s16(x)), nb->za),
				    vsubq_s32(vmovl_s16(vget_low_s16(y)), nb->zb), lo, hi);
		int32x4_t r1 = bin4(nb, op, vsubq_s32(vmovl_high_s16(x), nb->za),
				    vsubq_s32(vmovl_high_s16(y), nb->zb), lo, hi);

		vst1_u8(dst + c, vreinterpret_u8_s8(vmovn_s16(vcombine_s16(vmovn_s32(r0),
									   vmovn_s32(r1)))));
	}
	return c;
}

static int binary(const struct ek_op *o)
{
	const struct edgeai_prog_add_params *ap = (const void *)o->op->params;
	const struct ek_tensor nob = { .data = NULL };
	uint32_t op = o->op->opcode;
	struct exec_binary bj;
	struct neon_bin nb;
	int r = EXEC_OPT_NOT_HANDLED;

	if (exec_binary_init(&bj, o))
		return EXEC_OPT_NOT_HANDLED;
	memset(&nb, 0, sizeof(nb));
	nb.za = vdupq_n_s32(o->in[0].zp);
	nb.zb = vdupq_n_s32(o->in[1].zp);
	if (op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB || op == EDGEAI_OP_SQUARED_DIFFERENCE) {
		nb.ls = vdupq_n_s32((int32_t)ap->left_shift);
		if (neon_rq_make(&nb.r0, NULL, ap->in0_multiplier, ap->in0_shift, &nob, 4, &nob, 0, 0) ||
		    neon_rq_make(&nb.r1, NULL, ap->in1_multiplier, ap->in1_shift, &nob, 4, &nob, 0, 0))
			goto out;
	}
	if ((op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB || op == EDGEAI_OP_MUL ||
	     op == EDGEAI_OP_SQUARED_DIFFERENCE) &&
	    neon_rq_make(&nb.ro, NULL, bj.mul, bj.shift, &nob, 4, &o->out, bj.lo, bj.hi))
		goto out;
	bj.row = binary_row;
	bj.vec = &nb;
	exec_binary_run(&bj);
	r = 0;
out:
	free(nb.r0.left);
	free(nb.r1.left);
	free(nb.ro.left);
	return r;
}

/*
 * MEAN over H and W: exec_mean() (cpu-common.c) walks the channel blocks
 * and finishes each output with mean_f32() below where the op takes the
 * binary32 pipeline, else with the reference's ek_mean_out(); the sums
 * of sixteen channels at a time, added in int16 registers for up to
 * MEAN_RUN pixels (|sum| <= 128 * 255 fits), then widened into int32
 * registers for all the pixels (exact for the 2^20 pixels at most it lets
 * through).
 */
#define MEAN_RUN 128
static void mean_sum(int32_t *acc, const uint8_t *src, uint32_t n, size_t stride, uint32_t npx,
		     int s8)
{
	uint32_t c = 0, k, k0;

	for (; c + 16 <= n; c += 16) {
		int32x4_t a0 = vld1q_s32(acc + c), a1 = vld1q_s32(acc + c + 4);
		int32x4_t a2 = vld1q_s32(acc + c + 8), a3 = vld1q_s32(acc + c + 12);

		for (k0 = 0; k0 < npx; k0 += MEAN_RUN) {
			uint32_t k1 = npx - k0 < MEAN_RUN ? npx : k0 + MEAN_RUN;
			int16x8_t lo = vdupq_n_s16(0), hi = vdupq_n_s16(0);
			const uint8_t *p = src + (size_t)k0 * stride + c;

			if (s8)
				for (k = k0; k < k1; k++, p += stride) {
					int8x16_t v = vld1q_s8((const int8_t *)p);

					lo = vaddw_s8(lo, vget_low_s8(v));
					hi = vaddw_high_s8(hi, v);
				}
			else
				for (k = k0; k < k1; k++, p += stride) {
					uint8x16_t v = vld1q_u8(p);

					lo = vreinterpretq_s16_u16(vaddw_u8(vreinterpretq_u16_s16(lo),
									    vget_low_u8(v)));
					hi = vreinterpretq_s16_u16(vaddw_high_u8(vreinterpretq_u16_s16(hi), v));
				}
			a0 = vaddw_s16(a0, vget_low_s16(lo));
			a1 = vaddw_high_s16(a1, lo);
			a2 = vaddw_s16(a2, vget_low_s16(hi));
			a3 = vaddw_high_s16(a3, hi);
		}
		vst1q_s32(acc + c, a0);
		vst1q_s32(acc + c + 4, a1);
		vst1q_s32(acc + c + 8, a2);
		vst1q_s32(acc + c + 12, a3);
	}
	for (; c < n; c++)
		for (k = 0; k < npx; k++)
			acc[c] += s8 ? (int32_t)(int8_t)src[(size_t)k * stride + c] :
				       (int32_t)src[(size_t)k * stride + c];
}

/* Four clamped outputs @r of MEAN, stored as bytes. */
static inline void mean_st4(uint8_t *dst, int32x4_t r)
{
	int16x4_t h = vmovn_s32(r);

	dst[0] = (uint8_t)vget_lane_s16(h, 0);
	dst[1] = (uint8_t)vget_lane_s16(h, 1);
	dst[2] = (uint8_t)vget_lane_s16(h, 2);
	dst[3] = (uint8_t)vget_lane_s16(h, 3);
}

/*
 * MEAN's integer pipeline (ek_mean_out() with flags 0) on four outputs at
 * a time: ek_mbqm() as neon_mbqm4(), the folded bias added wrapping, the
 * clamp. Returns the outputs done (a multiple of 4; none for a shift
 * neon_mbqm4() does not take), the rest left to ek_mean_out().
 */
static uint32_t mean_int(const struct ek_op *o, const int32_t *acc, uint32_t cnt, uint8_t *dst,
			 int32_t lo, int32_t hi)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	const int32x4_t bias = vdupq_n_s32(p->bias), vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
	const int32x4_t left = vdupq_n_s32(p->out_shift > 0 ? p->out_shift : 0);
	const int32x4_t nright = vdupq_n_s32(p->out_shift > 0 ? 0 : p->out_shift);
	const int32x4_t mul = vdupq_n_s32(p->out_multiplier);
	uint32_t c;

	if (!neon_shift_ok(p->out_multiplier, p->out_shift))
		return 0;
	for (c = 0; c + 4 <= cnt; c += 4) {
		int32x4_t r = neon_mbqm4(vld1q_s32(acc + c), left, mul, nright, 0);

		mean_st4(dst + c, vminq_s32(vmaxq_s32(vaddq_s32(r, bias), vlo), vhi));
	}
	return c;
}

/*
 * int8 MEAN's reference pipeline (ek_mean_int(), EDGEAI_PROG_MEAN_INT) on
 * four outputs at a time: the sums less n zp_in, neon_mbqm4(), n / 2
 * added away from zero, all wrapping as the reference's; then the
 * division by n in binary64, truncated (FCVTZS). That is C's division:
 * the quotient of an int32 by n <= 2^20 (exec_mean() lets no more
 * through) is an integer or at least 1 / n >= 2^-20 from one, and
 * binary64 rounds it by at most 2^-22 (its ulp below 2^31) in any
 * rounding mode, so the truncation crosses no integer. Returns the
 * outputs done, as mean_int().
 */
static uint32_t mean_ref_int(const struct ek_op *o, const int32_t *acc, uint32_t cnt,
			     uint8_t *dst, int32_t lo, int32_t hi)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	uint32_t n = o->in[0].d[1] * o->in[0].d[2], c;
	const int32x4_t off = vdupq_n_s32((int32_t)(n * (uint32_t)o->in[0].zp));
	const int32x4_t h = vdupq_n_s32((int32_t)(n / 2)), nh = vdupq_n_s32(-(int32_t)(n / 2));
	const int32x4_t zp = vdupq_n_s32(o->out.zp), vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
	const int32x4_t left = vdupq_n_s32(p->out_shift > 0 ? p->out_shift : 0);
	const int32x4_t nright = vdupq_n_s32(p->out_shift > 0 ? 0 : p->out_shift);
	const int32x4_t mul = vdupq_n_s32(p->out_multiplier);
	const float64x2_t vn = vdupq_n_f64(n);

	if (!neon_shift_ok(p->out_multiplier, p->out_shift))
		return 0;
	for (c = 0; c + 4 <= cnt; c += 4) {
		int32x4_t t = vsubq_s32(vld1q_s32(acc + c), off), r;
		float64x2_t q0, q1;

		t = neon_mbqm4(t, left, mul, nright, 0);
		t = vaddq_s32(t, vbslq_s32(vcgtq_s32(t, vdupq_n_s32(0)), h, nh));
		q0 = vdivq_f64(vcvtq_f64_s64(vmovl_s32(vget_low_s32(t))), vn);
		q1 = vdivq_f64(vcvtq_f64_s64(vmovl_high_s32(t)), vn);
		r = vcombine_s32(vmovn_s64(vcvtq_s64_f64(q0)), vmovn_s64(vcvtq_s64_f64(q1)));
		mean_st4(dst + c, vminq_s32(vmaxq_s32(vaddq_s32(r, zp), vlo), vhi));
	}
	return c;
}

/*
 * The binary32 pipeline of MEAN (ek_mean_out() with
 * EDGEAI_PROG_MEAN_FLOAT) on four outputs at a time, with the float
 * unit's IEEE single-precision convert, divide, multiply and add in place
 * of the op library's software ones: the same correctly rounded results
 * while FPCR rounds to nearest (checked per call: FPCR is per thread).
 * exec_mean() takes this path only when the scale and the constant term
 * are zero or normal within 2^-100..2^100, so that for the sums of at most
 * 2^20 8-bit values no step overflows and every quotient and product is
 * normal; a sum of the two terms that is subnormal (flushed to zero under
 * FPCR.FZ) rounds to 0 either way. std::round() is FCVTAS's rounding, to
 * nearest with ties away from zero; the value is held to +-2^30 before
 * it, where the reference saturates at +-(2^31 - 1): both clamp to the
 * same 8-bit value. The empty asm keeps a compiler from fusing the
 * multiply and the add. Returns the outputs done (a multiple of 4), the
 * rest left to ek_mean_out(). The integer pipelines go to mean_int()
 * and mean_ref_int().
 */
static uint32_t mean_f32(const struct ek_op *o, uint32_t fbias, const int32_t *acc, uint32_t cnt,
			 uint8_t *dst, int32_t lo, int32_t hi)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	uint32_t hw = o->in[0].d[1] * o->in[0].d[2], c;
	const float32x4_t vn = vdupq_n_f32((float)hw);
	const float32x4_t big = vdupq_n_f32(1073741824.0f), nbig = vdupq_n_f32(-1073741824.0f);
	const int32x4_t zp = vdupq_n_s32(o->out.zp), vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
	float32x4_t scale, bias;
	uint64_t fpcr;
	float f;

	if (!p->flags)
		return mean_int(o, acc, cnt, dst, lo, hi);
	if (p->flags == EDGEAI_PROG_MEAN_INT)
		return mean_ref_int(o, acc, cnt, dst, lo, hi);
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	if (fpcr & (3U << 22))	/* RMode: not to nearest */
		return 0;
	memcpy(&f, &p->scale, 4);
	scale = vdupq_n_f32(f);
	memcpy(&f, &fbias, 4);
	bias = vdupq_n_f32(f);
	for (c = 0; c + 4 <= cnt; c += 4) {
		float32x4_t y = vmulq_f32(vdivq_f32(vcvtq_f32_s32(vld1q_s32(acc + c)), vn), scale);
		int32x4_t r;

		__asm__("" : "+w"(y));
		y = vminq_f32(vmaxq_f32(vaddq_f32(y, bias), nbig), big);
		r = vaddq_s32(vcvtaq_s32_f32(y), zp);
		mean_st4(dst + c, vminq_s32(vmaxq_s32(r, vlo), vhi));
	}
	return c;
}

/* Pool shapes and parameters the reference accepts. */
static int pool_ok(const struct ek_op *o)
{
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;

	return ek_is8(in->dtype) && out->dtype == in->dtype && in->d[3] == out->d[3] &&
	       in->d[0] == out->d[0] && p->filter_h && p->filter_w;
}

/*
 * MAX_POOL_2D (@is_max) and AVERAGE_POOL_2D over the in-bounds taps, 16
 * channels at a time: the maximum of the stored values (from the type's
 * minimum), or their sum (widened to 32 bits) and the reference's rounded
 * division by the tap count; then ek_st() with the activation clamp.
 */
static int pool(const struct ek_op *o, int is_max)
{
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	uint32_t ch = in->d[3], ch16 = (ch + 15) & ~15U, n, oy, ox, c;
	int32_t y, x, *sum;
	uint8_t *row, *mx;

	if (!pool_ok(o))
		return EXEC_OPT_NOT_HANDLED;
	sum = neon_alloc((size_t)ch16 * 4);
	row = neon_alloc(ch16);
	mx = neon_alloc(ch16);
	if (!sum || !row || !mx) {
		free(sum);
		free(row);
		free(mx);
		return EXEC_OPT_NOT_HANDLED;
	}
	memset(row, 0, ch16);
	for (n = 0; n < out->d[0]; n++) {
		for (oy = 0; oy < out->d[1]; oy++) {
			int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
			int32_t ys = y0 < 0 ? 0 : y0, ye = y0 + (int32_t)p->filter_h;

			ye = ye > (int32_t)in->d[1] ? (int32_t)in->d[1] : ye;
			for (ox = 0; ox < out->d[2]; ox++) {
				int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
				int32_t xs = x0 < 0 ? 0 : x0, xe = x0 + (int32_t)p->filter_w, cnt;
				uint32_t base = ek_idx(out, n, oy, ox, 0);

				xe = xe > (int32_t)in->d[2] ? (int32_t)in->d[2] : xe;
				memset(sum, 0, (size_t)ch16 * 4);
				memset(mx, s8 ? 0x80 : 0, ch16);
				for (y = ys; y < ye; y++) {
					for (x = xs; x < xe; x++) {
						memcpy(row, (const uint8_t *)in->data +
						       ek_idx(in, n, (uint32_t)y, (uint32_t)x, 0), ch);
						for (c = 0; c < ch16; c += 16) {
							uint8x16_t v = vld1q_u8(row + c), m = vld1q_u8(mx + c);

							if (is_max) {
								m = s8 ? vreinterpretq_u8_s8(vmaxq_s8(
									vreinterpretq_s8_u8(m),
									vreinterpretq_s8_u8(v))) :
									 vmaxq_u8(m, v);
								vst1q_u8(mx + c, m);
								continue;
							}
							if (s8) {
								int16x8_t lo = vmovl_s8(vget_low_s8(vreinterpretq_s8_u8(v)));
								int16x8_t hi = vmovl_high_s8(vreinterpretq_s8_u8(v));

								vst1q_s32(sum + c, vaddw_s16(vld1q_s32(sum + c), vget_low_s16(lo)));
								vst1q_s32(sum + c + 4, vaddw_high_s16(vld1q_s32(sum + c + 4), lo));
								vst1q_s32(sum + c + 8, vaddw_s16(vld1q_s32(sum + c + 8), vget_low_s16(hi)));
								vst1q_s32(sum + c + 12, vaddw_high_s16(vld1q_s32(sum + c + 12), hi));
							} else {
								int16x8_t lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(v)));
								int16x8_t hi = vreinterpretq_s16_u16(vmovl_high_u8(v));

								vst1q_s32(sum + c, vaddw_s16(vld1q_s32(sum + c), vget_low_s16(lo)));
								vst1q_s32(sum + c + 4, vaddw_high_s16(vld1q_s32(sum + c + 4), lo));
								vst1q_s32(sum + c + 8, vaddw_s16(vld1q_s32(sum + c + 8), vget_low_s16(hi)));
								vst1q_s32(sum + c + 12, vaddw_high_s16(vld1q_s32(sum + c + 12), hi));
							}
						}
					}
				}
				cnt = (ye - ys) * (xe - xs);
				for (c = 0; c < ch; c++) {
					int32_t v;

					if (is_max)
						v = s8 ? (int32_t)(int8_t)mx[c] : (int32_t)mx[c];
					else if (cnt <= 0)	/* a window entirely in the padding */
						v = 0;
					else
						v = sum[c] > 0 ? (sum[c] + cnt / 2) / cnt :
								 (sum[c] - cnt / 2) / cnt;
					ek_st(out, base + c, v, p->act_min, p->act_max);
				}
			}
		}
	}
	free(sum);
	free(row);
	free(mx);
	return 0;
}

/*
 * The table ops (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU: the program's
 * 256-entry table, as ek_lut() reads it), sixteen bytes at a time: TBL
 * looks the bytes up in the first 64 entries (an index past them gives
 * 0), then TBX in each next 64 with the bytes less 64, 128 and 192 (an
 * index past them keeps the byte looked up so far): exactly one of the
 * four indices is in range. Blocks of 64 bytes [begin, end) per part.
 */
struct lut_job {
	const uint8_t *tab, *src;
	uint8_t *dst;
	uint32_t cnt;
};

static inline __attribute__((always_inline)) uint8x16_t lut16(uint8x16x4_t t0, uint8x16x4_t t1,
								uint8x16x4_t t2, uint8x16x4_t t3,
								uint8x16_t x)
{
	const uint8x16_t q = vdupq_n_u8(64);
	uint8x16_t r = vqtbl4q_u8(t0, x);

	x = vsubq_u8(x, q);
	r = vqtbx4q_u8(r, t1, x);
	x = vsubq_u8(x, q);
	r = vqtbx4q_u8(r, t2, x);
	x = vsubq_u8(x, q);
	return vqtbx4q_u8(r, t3, x);
}

static void lut_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct lut_job *lj = ctx;
	const uint8_t *src = lj->src;
	uint8_t *dst = lj->dst;
	size_t i = (size_t)begin * 64, e = (size_t)end * 64 < lj->cnt ? (size_t)end * 64 : lj->cnt;
	const uint8x16x4_t t0 = vld1q_u8_x4(lj->tab), t1 = vld1q_u8_x4(lj->tab + 64);
	const uint8x16x4_t t2 = vld1q_u8_x4(lj->tab + 128), t3 = vld1q_u8_x4(lj->tab + 192);

	for (; i + 32 <= e; i += 32) {
		uint8x16_t x0 = vld1q_u8(src + i), x1 = vld1q_u8(src + i + 16);

		vst1q_u8(dst + i, lut16(t0, t1, t2, t3, x0));
		vst1q_u8(dst + i + 16, lut16(t0, t1, t2, t3, x1));
	}
	for (; i + 16 <= e; i += 16)
		vst1q_u8(dst + i, lut16(t0, t1, t2, t3, vld1q_u8(src + i)));
	if (i < e) {
		uint8_t tmp[16] = { 0 };

		memcpy(tmp, src + i, e - i);
		vst1q_u8(tmp, lut16(t0, t1, t2, t3, vld1q_u8(tmp)));
		memcpy(dst + i, tmp, e - i);
	}
}

static int lut(const struct ek_op *o)
{
	const struct edgeai_prog_lut_params *p = (const void *)o->op->params;
	struct lut_job lj = { .src = o->in[0].data, .dst = o->out.data, .cnt = ek_count(&o->out) };
	uint32_t blocks = (lj.cnt + 63) / 64;

	lj.tab = ek_const(o, p->table_offset, 256, 1);
	if (!lj.tab || !ek_is8(o->in[0].dtype) || !ek_is8(o->out.dtype) ||
	    ek_count(&o->in[0]) != lj.cnt)
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth(lj.cnt / 4))
		exec_par_for(blocks, lut_part, &lj);
	else
		lut_part(&lj, 0, blocks);
	return 0;
}

/* exec_matmul()'s four dot products: 4 products a SMLAL, added in 32 bits (wrapping). */
static void dot4(const int16_t *a, const int16_t *b, size_t bs, uint32_t kp, uint32_t out[4])
{
	int32x4_t s[4] = { vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0) };
	uint32_t t, c;

	for (t = 0; t < kp; t += 8) {
		int16x8_t x = vld1q_s16(a + t);

		for (c = 0; c < 4; c++) {
			int16x8_t y = vld1q_s16(b + c * bs + t);

			s[c] = vmlal_s16(s[c], vget_low_s16(x), vget_low_s16(y));
			s[c] = vmlal_high_s16(s[c], x, y);
		}
	}
	for (c = 0; c < 4; c++)
		out[c] = (uint32_t)vaddvq_s32(s[c]);
}

/*
 * exec_matmul()'s outputs of a row, 8 at a time: ek_mbqm_up() as SSHL,
 * SQRDMULH and SRSHL (cpu-neon.h), the zero point, the clamp, two narrows;
 * the tail per value.
 */
static void mm_rq(const uint32_t *acc, uint32_t n, int32_t mul, int32_t shift, int32_t zo,
		  int32_t lo, int32_t hi, int8_t *dst)
{
	const int32x4_t left = vdupq_n_s32(shift > 0 ? shift : 0);
	const int32x4_t right = vdupq_n_s32(shift > 0 ? 0 : shift);
	const int32x4_t vzo = vdupq_n_s32(zo), vlo = vdupq_n_s32(lo), vhi = vdupq_n_s32(hi);
	uint32_t c;
	int h;

	for (c = 0; c + 8 <= n; c += 8) {
		int16x4_t half[2];

		for (h = 0; h < 2; h++) {
			int32x4_t v = vreinterpretq_s32_u32(vld1q_u32(acc + c + 4 * h));

			v = vrshlq_s32(vqrdmulhq_n_s32(vshlq_s32(v, left), mul), right);
			v = vminq_s32(vmaxq_s32(vaddq_s32(v, vzo), vlo), vhi);
			half[h] = vmovn_s32(v);
		}
		vst1_s8(dst + c, vmovn_s16(vcombine_s16(half[0], half[1])));
	}
	for (; c < n; c++) {
		int32_t v = (int32_t)((uint32_t)ek_mbqm_up((int32_t)acc[c], mul, shift) +
				      (uint32_t)zo);

		dst[c] = (int8_t)(v < lo ? lo : v > hi ? hi : v);
	}
}

/* The first byte of @eq (0 or 0xff each, not all 0) that is set: a nibble a byte, its low bit. */
static inline uint32_t first_set(uint8x16_t eq)
{
	uint8x8_t nib = vshrn_n_u16(vreinterpretq_u16_u8(eq), 4);

	return (uint32_t)__builtin_ctzll(vget_lane_u64(vreinterpret_u64_u8(nib), 0)) / 4;
}

/* exec_l2norm()'s squares of x - zp, 16 at a time (|x - zp| <= 255, as int16). */
static uint32_t l2_sq(const uint8_t *x, uint32_t n, const struct exec_l2 *l, int32_t *acc)
{
	uint8x8_t z = vdup_n_u8((uint8_t)l->zp);
	int32x4_t s0 = vdupq_n_s32(0), s1 = s0;
	uint32_t c;

	for (c = 0; c + 16 <= n; c += 16) {
		uint8x16_t b = vld1q_u8(x + c);
		/* x - zp modulo 2^16: int8 as its sign-extended bytes, uint8 as they are */
		int16x8_t lo, hi;

		if (l->s8) {
			lo = vsubl_s8(vget_low_s8(vreinterpretq_s8_u8(b)), vreinterpret_s8_u8(z));
			hi = vsubl_s8(vget_high_s8(vreinterpretq_s8_u8(b)), vreinterpret_s8_u8(z));
		} else {
			lo = vreinterpretq_s16_u16(vsubl_u8(vget_low_u8(b), z));
			hi = vreinterpretq_s16_u16(vsubl_u8(vget_high_u8(b), z));
		}
		s0 = vmlal_s16(s0, vget_low_s16(lo), vget_low_s16(lo));
		s1 = vmlal_s16(s1, vget_high_s16(lo), vget_high_s16(lo));
		s0 = vmlal_s16(s0, vget_low_s16(hi), vget_low_s16(hi));
		s1 = vmlal_s16(s1, vget_high_s16(hi), vget_high_s16(hi));
	}
	*acc = (int32_t)((uint32_t)*acc + (uint32_t)vaddvq_s32(vaddq_s32(s0, s1)));
	return c;
}

/* exec_l2norm()'s outputs, 8 at a time: neon_mbqm4(), the offset, saturating narrows (the clamp). */
static uint32_t l2_scale(const uint8_t *x, uint8_t *y, uint32_t n, const struct exec_l2 *l)
{
	int32x4_t left = vdupq_n_s32(l->shift > 0 ? l->shift : 0), mul = vdupq_n_s32(l->mul);
	int32x4_t nright = vdupq_n_s32(l->shift > 0 ? 0 : l->shift);
	int32x4_t off = vdupq_n_s32(l->s8 ? 0 : 128);
	uint8x8_t z = vdup_n_u8((uint8_t)l->zp);
	uint32_t c;

	for (c = 0; c + 8 <= n; c += 8) {
		uint8x8_t b = vld1_u8(x + c);
		int16x8_t d = l->s8 ? vsubl_s8(vreinterpret_s8_u8(b), vreinterpret_s8_u8(z)) :
				      vreinterpretq_s16_u16(vsubl_u8(b, z));
		int32x4_t v0 = vmovl_s16(vget_low_s16(d)), v1 = vmovl_s16(vget_high_s16(d));
		int16x8_t w;

		if (!l->s8) {
			v0 = vshlq_n_s32(v0, 7);
			v1 = vshlq_n_s32(v1, 7);
		}
		v0 = vaddq_s32(neon_mbqm4(v0, left, mul, nright, 0), off);
		v1 = vaddq_s32(neon_mbqm4(v1, left, mul, nright, 0), off);
		w = vcombine_s16(vqmovn_s32(v0), vqmovn_s32(v1));
		if (l->s8)
			vst1_s8((int8_t *)(y + c), vqmovn_s16(w));
		else
			vst1_u8(y + c, vqmovun_s16(w));
	}
	return c;
}

/*
 * exec_argmax()'s rows, uint8 as int8 with the sign bit flipped (the same
 * order). Up to 16 bytes: one load, the bytes past the row -128 (after
 * its own: the first largest is the row's), the largest (SMAXV), the
 * first equal byte; while a load of 16 stays within the rows. Longer
 * rows: the largest of their 16-byte blocks (the last one ending at the
 * row's end), then the first block holding it.
 */
static uint32_t argmax_rows(const uint8_t *x, uint32_t len, uint32_t n, int u8, uint32_t *at)
{
	static const int8_t idx[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	const uint8x16_t flip = vdupq_n_u8(u8 ? 0x80 : 0);
	size_t end = (size_t)len * n;
	uint32_t r, k;

	if (len < 16) {
		uint8x16_t in = vcltq_s8(vld1q_s8(idx), vdupq_n_s8((int8_t)len));

		for (r = 0; r < n && (size_t)r * len + 16 <= end; r++) {
			int8x16_t v = vreinterpretq_s8_u8(vandq_u8(veorq_u8(vld1q_u8(x + (size_t)r * len),
									  flip), in));
			uint8x16_t eq;

			/* past the row: 0 and 0x80 (-128) */
			v = vreinterpretq_s8_u8(vorrq_u8(vreinterpretq_u8_s8(v),
							 vbicq_u8(vdupq_n_u8(0x80), in)));
			eq = vceqq_s8(v, vdupq_n_s8(vmaxvq_s8(v)));
			at[r] = first_set(eq);
		}
		return r;
	}
	for (r = 0; r < n; r++) {
		const uint8_t *p = x + (size_t)r * len;
		int8x16_t m = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(p + len - 16), flip)), b;
		uint8x16_t eq;

		for (k = 0; k + 16 < len; k += 16)
			m = vmaxq_s8(m, vreinterpretq_s8_u8(veorq_u8(vld1q_u8(p + k), flip)));
		m = vdupq_n_s8(vmaxvq_s8(m));
		for (k = 0;; k = k + 32 <= len ? k + 16 : len - 16) {
			b = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(p + k), flip));
			eq = vceqq_s8(b, m);
			if (vmaxvq_u8(eq))
				break;
		}
		at[r] = k + first_set(eq);
	}
	return r;
}

static int neon_run(const struct ek_op *o, const void *prep)
{
	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		return conv(o, prep);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return depthwise(o, prep);
	case EDGEAI_OP_FULLY_CONNECTED:
		return fc(o, prep);
	case EDGEAI_OP_ADD:
	case EDGEAI_OP_SUB: {
		int r = add(o, o->op->opcode == EDGEAI_OP_SUB);

		return r == EXEC_OPT_NOT_HANDLED ? binary(o) : r;
	}
	case EDGEAI_OP_MUL:
	case EDGEAI_OP_MAXIMUM:
	case EDGEAI_OP_MINIMUM:
	case EDGEAI_OP_SQUARED_DIFFERENCE:
		return binary(o);
	case EDGEAI_OP_MAX_POOL_2D:
		return pool(o, 1);
	case EDGEAI_OP_AVERAGE_POOL_2D:
		return pool(o, 0);
	case EDGEAI_OP_RESIZE_BILINEAR:
		if (((const struct edgeai_prog_resize_params *)(const void *)o->op->params)
			    ->arith == EDGEAI_RESIZE_FLOAT32)
			return exec_resize_bl_f32(o, resize_f32_px);
		return exec_resize_bilinear(o, resize_vrow, resize_px);
	case EDGEAI_OP_MEAN:
		return exec_mean(o, mean_sum, mean_f32);
	case EDGEAI_OP_L2_NORMALIZATION:
		return exec_l2norm(o, l2_sq, l2_scale);
	case EDGEAI_OP_ARG_MAX:
		return exec_argmax(o, argmax_rows);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return exec_tconv(o, prep, tconv_px, to16);
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE:
		return lut(o);
	case EDGEAI_OP_BATCH_MATMUL:
		return exec_matmul(o, dot4, mm_rq);
	default:
		return EXEC_OPT_NOT_HANDLED;
	}
}

static void *neon_prepare(const struct ek_op *o)
{
	const struct ek_tensor *f = &o->in[1];
	uint32_t k;

	if (o->n_in < 2 || !f->data || !ek_is8(f->dtype))
		return NULL;
	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		k = f->d[1] * f->d[2] * f->d[3];
		return weights16(f, f->d[0], k, (k + 7) & ~7U);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return f->d[0] == 1 ? dw_weights(f) : NULL;
	case EDGEAI_OP_FULLY_CONNECTED:
		return weights16(f, f->d[2], f->d[3], (f->d[3] + 7) & ~7U);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return exec_tconv_weights(f);
	default:
		return NULL;
	}
}

static const struct exec_kset_ops neon_ops = {
	.run = neon_run,
	.prepare = neon_prepare,
	.prepare_free = free,
};

const struct exec_kset_ops *const exec_neon_ops = &neon_ops;

#else /* not arm64 */

const struct exec_kset_ops *const exec_neon_ops = NULL;

#endif
