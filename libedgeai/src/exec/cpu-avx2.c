// SPDX-License-Identifier: MIT
/*
 * Optimized x86-64 CPU kernels (AVX2) for the heavy ops: CONV_2D,
 * DEPTHWISE_CONV_2D (depth multiplier 1), FULLY_CONNECTED and
 * TRANSPOSE_CONV, int8 and uint8; and for the rest of what real models use: PRELU,
 * RESIZE_BILINEAR (int8 fixed point, uint8 float weights), RESIZE_NEAREST_NEIGHBOR, ADD/SUB/MUL/MAXIMUM/MINIMUM in
 * every broadcast form, AVERAGE_POOL_2D, MEAN, CONCATENATION and SOFTMAX (the VNNI
 * set passes these down to this one). Chosen at run time (cpu.c, __builtin_cpu_supports), else the
 * portable reference kernels of firmware/ops/ run.
 *
 * Bit exactness: only the accumulation is vectorized, and it is exact
 * integer arithmetic (16-bit offset values, 32-bit sums: the same sum in
 * another order). Padding taps contribute 0 as in the reference. Bias,
 * rescaling (the same ek_mbqm / ek_mbqm_up functions), zero point
 * and clamping are the reference's, per output element. Anything unusual
 * (a shape or parameter the reference would reject, dilation with odd
 * layouts, depth multiplier > 1) goes to the reference.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/cpu-opt.h"

#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

/* 32-byte aligned; C11 wants the size a multiple of the alignment. */
static void *aalloc(size_t n)
{
	return aligned_alloc(32, (n + 31) & ~(size_t)31);
}

static int shift_ok(int32_t mul, int32_t shift)
{
	return mul >= 0 && shift >= -31 && shift <= 30;
}

static inline int32_t ld8(const uint8_t *p, int s8)
{
	return s8 ? (int32_t)(int8_t)*p : (int32_t)*p;
}

static inline int32_t hsum(__m256i v)
{
	__m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));

	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
	return _mm_cvtsi128_si32(s);
}

/* Four dot products of @a with b0..b3, @kp a multiple of 16. */
static inline void dot16x4(const int16_t *a, const int16_t *b, size_t stride, uint32_t kp,
			   int32_t r[4])
{
	__m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
	uint32_t k;

	for (k = 0; k < kp; k += 16) {
		__m256i x = _mm256_load_si256((const __m256i *)(a + k));

		s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)(b + k))));
		s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)(b + stride + k))));
		s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)(b + 2 * stride + k))));
		s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(x, _mm256_load_si256((const __m256i *)(b + 3 * stride + k))));
	}
	r[0] = hsum(s0);
	r[1] = hsum(s1);
	r[2] = hsum(s2);
	r[3] = hsum(s3);
}

static inline int32_t dot16(const int16_t *a, const int16_t *b, uint32_t kp)
{
	__m256i s = _mm256_setzero_si256();
	uint32_t k;

	for (k = 0; k < kp; k += 16)
		s = _mm256_add_epi32(s, _mm256_madd_epi16(_mm256_load_si256((const __m256i *)(a + k)),
							  _mm256_load_si256((const __m256i *)(b + k))));
	return hsum(s);
}

/* Offset 8-bit values as int16: dst[i] = src[i] - zp. */
static void to16(int16_t *dst, const void *src, uint32_t n, uint32_t dtype, int32_t zp)
{
	uint32_t i;

	if (dtype == EDGEAI_DTYPE_INT8)
		for (i = 0; i < n; i++)
			dst[i] = (int16_t)(((const int8_t *)src)[i] - zp);
	else
		for (i = 0; i < n; i++)
			dst[i] = (int16_t)(((const uint8_t *)src)[i] - zp);
}

/* Row-padded int16 copy of [rows][k] weights minus their zero point; rows padded to 4. */
static int16_t *weights16(const struct ek_tensor *f, uint32_t rows, uint32_t k, uint32_t kp)
{
	uint32_t r4 = (rows + 3) & ~3U, r;
	int16_t *w = aalloc((size_t)r4 * kp * 2);

	if (!w)
		return NULL;
	memset(w, 0, (size_t)r4 * kp * 2);
	for (r = 0; r < rows; r++)
		to16(w + (size_t)r * kp, (const uint8_t *)f->data + (size_t)r * k, k, f->dtype, f->zp);
	return w;
}

static inline void finish(const struct ek_tensor *out, uint32_t i, int32_t acc,
			  const struct ek_tensor *b, uint32_t oc, int32_t mul, int shift, int up,
			  int32_t lo, int32_t hi)
{
	if (b->data)
		acc = ek_wadd(acc, ((const int32_t *)b->data)[oc]);
	acc = up ? ek_mbqm_up(acc, mul, shift) : ek_mbqm(acc, mul, shift);
	ek_st(out, i, ek_wadd(acc, out->zp), lo, hi);
}

static const struct edgeai_prog_qmul *qmuls(const struct ek_op *o,
					    const struct edgeai_prog_conv_params *p, uint32_t och,
					    int *ok)
{
	const struct edgeai_prog_qmul *q = NULL;
	uint32_t i;

	*ok = 1;
	if (p->qmul_offset != EDGEAI_PROG_NO_CONST) {
		q = ek_const(o, p->qmul_offset, (uint64_t)och * sizeof(*q), 4);
		if (!q) {
			*ok = 0;
			return NULL;
		}
		for (i = 0; i < och; i++)
			if (!shift_ok(q[i].multiplier, q[i].shift))
				*ok = 0;
	} else if (!shift_ok(p->out_multiplier, p->out_shift)) {
		*ok = 0;
	}
	return q;
}

static int conv(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ic = in->d[3], kh = f->d[1], kw = f->d[2], och = out->d[3];
	uint32_t k = kh * kw * ic, kp = (k + 15) & ~15U, n, oy, ox, oc, ky, kx;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	const struct edgeai_prog_qmul *q;
	int16_t *wt, *patch;
	int ok;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    f->d[3] != ic || f->d[0] != och || in->d[0] != out->d[0] ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)))
		return EXEC_OPT_NOT_HANDLED;
	q = qmuls(o, p, och, &ok);
	if (!ok)
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? (int16_t *)prep : weights16(f, och, k, kp);
	patch = aalloc((size_t)kp * 2);
	if (!wt || !patch) {
		if (!prep)
			free(wt);
		free(patch);
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
				for (oc = 0; oc < och; oc += 4) {
					int32_t r[4];
					uint32_t j;

					dot16x4(patch, wt + (size_t)oc * kp, kp, kp, r);
					for (j = 0; j < 4 && oc + j < och; j++)
						finish(out, base + oc + j, r[j], b, oc + j,
						       q ? q[oc + j].multiplier : p->out_multiplier,
						       q ? q[oc + j].shift : p->out_shift, 1,
						       p->act_min, p->act_max);
				}
			}
		}
	}
	if (!prep)
		free(wt);
	free(patch);
	return 0;
}

/*
 * TRANSPOSE_CONV. The input converted once to int16 minus its zero point,
 * channels padded to a multiple of 16 (@icp, zeros); the weights
 * [OC (padded to 4)][KH * KW taps][icp] likewise (tconv_weights()). Per
 * output pixel, the taps that land on it, from a per-column table and a
 * per-row list (no division in the loop), four output channels at a time:
 * one dot16x4() per tap, summed. That is the reference's int32 in another
 * order (exact: 16-bit values, 32-bit sums wrapping the same way); then the
 * reference's bias, ek_mbqm() (gemmlowp rounding, as TFLite requantizes
 * its scratch) and clamp. Filters over TCONV_MAX_K a side go to the
 * reference.
 */
#define TCONV_MAX_K 32

static int16_t *tconv_weights(const struct ek_tensor *f, uint32_t icp)
{
	uint32_t och = f->d[0], taps = f->d[1] * f->d[2], ic = f->d[3], r4 = (och + 3) & ~3U;
	uint32_t oc, t;
	int16_t *w = aalloc((size_t)r4 * taps * icp * 2);

	if (!w)
		return NULL;
	memset(w, 0, (size_t)r4 * taps * icp * 2);
	for (oc = 0; oc < och; oc++)
		for (t = 0; t < taps; t++)
			to16(w + ((size_t)oc * taps + t) * icp,
			     (const uint8_t *)f->data + ((size_t)oc * taps + t) * ic, ic, f->dtype, f->zp);
	return w;
}

struct tconv_job {
	const struct ek_op *o;
	const int16_t *x16, *wt;	/* [N][H][W][icp], [OC4][taps][icp] */
	const int32_t *xtap;		/* [OW][KW]: the input column of tap kx, or -1 */
	const struct edgeai_prog_qmul *q;
	uint32_t icp;
};

/* Output rows [begin, end) (batch * OH + y). */
static void tconv_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct tconv_job *j = ctx;
	const struct ek_op *o = j->o;
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t kh = f->d[1], kw = f->d[2], och = out->d[3], icp = j->icp, row;
	size_t wstride = (size_t)kh * kw * icp;

	for (row = begin; row < end; row++) {
		uint32_t n = row / out->d[1], oy = row % out->d[1], ty = oy + p->pad_top;
		uint32_t rky[TCONV_MAX_K], riy[TCONV_MAX_K], nr = 0, ky, ox, oc, r, kx;

		for (ky = 0; ky < kh; ky++) {
			if (ty < ky || (ty - ky) % p->stride_h || (ty - ky) / p->stride_h >= in->d[1])
				continue;
			rky[nr] = ky;
			riy[nr++] = (ty - ky) / p->stride_h;
		}
		for (ox = 0; ox < out->d[2]; ox++) {
			const int32_t *xt = j->xtap + (size_t)ox * kw;
			uint32_t base = ((n * out->d[1] + oy) * out->d[2] + ox) * och;

			for (oc = 0; oc < och; oc += 4) {
				int32_t acc[4] = { 0, 0, 0, 0 }, d[4];
				uint32_t k;

				for (r = 0; r < nr; r++) {
					const int16_t *xrow = j->x16 +
						((size_t)n * in->d[1] + riy[r]) * in->d[2] * icp;
					const int16_t *wrow = j->wt + (size_t)oc * wstride +
							      (size_t)rky[r] * kw * icp;

					for (kx = 0; kx < kw; kx++) {
						if (xt[kx] < 0)
							continue;
						if (och - oc == 1) {
							/* a last single channel: one dot product */
							acc[0] = ek_wadd(acc[0], dot16(xrow + (size_t)xt[kx] * icp,
										       wrow + (size_t)kx * icp, icp));
							continue;
						}
						dot16x4(xrow + (size_t)xt[kx] * icp, wrow + (size_t)kx * icp,
							wstride, icp, d);
						for (k = 0; k < 4; k++)
							acc[k] = ek_wadd(acc[k], d[k]);
					}
				}
				for (k = 0; k < 4 && oc + k < och; k++)
					finish(out, base + oc + k, acc[k], b, oc + k,
					       j->q ? j->q[oc + k].multiplier : p->out_multiplier,
					       j->q ? j->q[oc + k].shift : p->out_shift, 0,
					       p->act_min, p->act_max);
			}
		}
	}
}

/* @n 8-bit values minus @zp as int16, 16 at a time where they fill a vector. */
static void to16_fast(int16_t *dst, const void *src, uint32_t n, uint32_t dtype, int32_t zp)
{
	const __m256i z = _mm256_set1_epi16((int16_t)zp);
	uint32_t i = 0;

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)((const uint8_t *)src + i));
		__m256i w = dtype == EDGEAI_DTYPE_INT8 ? _mm256_cvtepi8_epi16(v) : _mm256_cvtepu8_epi16(v);

		_mm256_storeu_si256((__m256i *)(dst + i), _mm256_sub_epi16(w, z));
	}
	to16(dst + i, (const uint8_t *)src + i, n - i, dtype, zp);
}

static int tconv(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ic = in->d[3], kw = f->d[2], och = out->d[3], icp = (ic + 15) & ~15U;
	uint32_t pix = in->d[0] * in->d[1] * in->d[2], rows = out->d[0] * out->d[1], i, ox, kx;
	struct tconv_job j = { .o = o, .icp = icp };
	/* the multiplier fields qmuls() reads, as CONV_2D carries them */
	const struct edgeai_prog_conv_params cp = {
		.out_multiplier = p->out_multiplier,
		.out_shift = p->out_shift,
		.qmul_offset = p->qmul_offset,
	};
	int16_t *x16 = NULL, *wt = NULL;
	int32_t *xtap = NULL;
	int ok, r = EXEC_OPT_NOT_HANDLED;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    f->d[3] != ic || f->d[0] != och || in->d[0] != out->d[0] || !p->stride_h ||
	    !p->stride_w || f->d[1] > TCONV_MAX_K || kw > TCONV_MAX_K ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)))
		return EXEC_OPT_NOT_HANDLED;
	j.q = qmuls(o, &cp, och, &ok);
	if (!ok)
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? (int16_t *)prep : tconv_weights(f, icp);
	x16 = aalloc((size_t)pix * icp * 2);
	xtap = malloc((size_t)out->d[2] * kw * sizeof(*xtap));
	if (!wt || !x16 || !xtap)
		goto out;
	for (i = 0; i < pix; i++) {
		to16_fast(x16 + (size_t)i * icp, (const uint8_t *)in->data + (size_t)i * ic, ic,
			  in->dtype, in->zp);
		memset(x16 + (size_t)i * icp + ic, 0, (size_t)(icp - ic) * 2);
	}
	for (ox = 0; ox < out->d[2]; ox++) {
		uint32_t tx = ox + p->pad_left;

		for (kx = 0; kx < kw; kx++)
			xtap[ox * kw + kx] = tx < kx || (tx - kx) % p->stride_w ||
					     (tx - kx) / p->stride_w >= in->d[2] ? -1 :
					     (int32_t)((tx - kx) / p->stride_w);
	}
	j.x16 = x16;
	j.wt = wt;
	j.xtap = xtap;
	if (exec_par_worth((uint64_t)ek_count(out) * f->d[1] * kw * ic /
			   ((uint64_t)p->stride_h * p->stride_w)))
		exec_par_for(rows, tconv_rows, &j);
	else
		tconv_rows(&j, 0, rows);
	r = 0;
out:
	if (!prep)
		free(wt);
	free(x16);
	free(xtap);
	return r;
}

static int32_t *dw_weights(const struct ek_tensor *f)
{
	uint32_t c, n = f->d[1] * f->d[2] * f->d[3];
	int32_t *wt = aalloc(((size_t)n + 8) * 4);

	if (wt)
		for (c = 0; c < n; c++)
			wt[c] = ek_ld(f, c) - f->zp;
	return wt;
}

static int depthwise(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ch = in->d[3], kh = f->d[1], kw = f->d[2], n, oy, ox, c, ky, kx;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	const struct edgeai_prog_qmul *q;
	int32_t *wt, *acc;
	int ok, s8 = in->dtype == EDGEAI_DTYPE_INT8;

	if (!exec_dw_shape_ok(o))
		return EXEC_OPT_NOT_HANDLED;
	q = qmuls(o, p, ch, &ok);
	if (!ok)
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? (int32_t *)prep : dw_weights(f);
	acc = aalloc(((size_t)ch + 8) * 4);
	if (!wt || !acc) {
		if (!prep)
			free(wt);
		free(acc);
		return EXEC_OPT_NOT_HANDLED;
	}
	for (n = 0; n < out->d[0]; n++) {
		for (oy = 0; oy < out->d[1]; oy++) {
			for (ox = 0; ox < out->d[2]; ox++) {
				int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
				int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
				uint32_t base = ((n * out->d[1] + oy) * out->d[2] + ox) * ch;

				memset(acc, 0, (size_t)ch * 4);
				for (ky = 0; ky < kh; ky++) {
					int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

					if (iy < 0 || iy >= h)
						continue;
					for (kx = 0; kx < kw; kx++) {
						int32_t ix = x0 + (int32_t)(kx * p->dilation_w);
						const uint8_t *src;
						const int32_t *wk = wt + (ky * kw + kx) * ch;
						__m256i zp = _mm256_set1_epi32(in->zp);

						if (ix < 0 || ix >= w)
							continue;
						src = (const uint8_t *)in->data +
						      ek_idx(in, n, (uint32_t)iy, (uint32_t)ix, 0);
						for (c = 0; c + 8 <= ch; c += 8) {
							__m128i raw = _mm_loadl_epi64((const __m128i *)(src + c));
							__m256i x = s8 ? _mm256_cvtepi8_epi32(raw) :
									 _mm256_cvtepu8_epi32(raw);
							__m256i a = _mm256_loadu_si256((const __m256i *)(acc + c));

							x = _mm256_sub_epi32(x, zp);
							a = _mm256_add_epi32(a, _mm256_mullo_epi32(x,
								_mm256_loadu_si256((const __m256i *)(wk + c))));
							_mm256_storeu_si256((__m256i *)(acc + c), a);
						}
						for (; c < ch; c++)
							acc[c] += ((s8 ? (int32_t)(int8_t)src[c] :
								    (int32_t)src[c]) - in->zp) * wk[c];
					}
				}
				for (c = 0; c < ch; c++)
					finish(out, base + c, acc[c], b, c,
					       q ? q[c].multiplier : p->out_multiplier,
					       q ? q[c].shift : p->out_shift, 0, p->act_min,
					       p->act_max);
			}
		}
	}
	if (!prep)
		free(wt);
	free(acc);
	return 0;
}

static int fc(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_fc_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ich = f->d[3], och = f->d[2], kp = (ich + 15) & ~15U, batches, bi, oc;
	int16_t *wt, *x;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype || !ich ||
	    ek_count(in) % ich || out->d[3] != och)
		return EXEC_OPT_NOT_HANDLED;
	batches = ek_count(in) / ich;
	if (ek_count(out) != batches * och || ek_count(f) != och * ich ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)) ||
	    !shift_ok(p->out_multiplier, p->out_shift))
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? (int16_t *)prep : weights16(f, och, ich, kp);
	x = aalloc((size_t)kp * 2);
	if (!wt || !x) {
		if (!prep)
			free(wt);
		free(x);
		return EXEC_OPT_NOT_HANDLED;
	}
	memset(x, 0, (size_t)kp * 2);
	for (bi = 0; bi < batches; bi++) {
		to16(x, (const uint8_t *)in->data + (size_t)bi * ich, ich, in->dtype, in->zp);
		for (oc = 0; oc < och; oc++)
			finish(out, bi * och + oc, dot16(x, wt + (size_t)oc * kp, kp), b, oc,
			       p->out_multiplier, p->out_shift, 1, p->act_min, p->act_max);
	}
	if (!prep)
		free(wt);
	free(x);
	return 0;
}

/*
 * PRELU with an alpha that varies along channels only (or is one value)
 * and an input of the output's shape: the reference's arithmetic without
 * its per-element broadcast indexing. Each input byte maps to one output
 * byte per channel: a table of 256 bytes per alpha channel, computed with
 * the reference's arithmetic (x >= 0: the identity rescale, whatever the
 * channel; x < 0: x times the channel's alpha, rescaled). The table
 * depends on constants only: the prepare hook builds it once (below);
 * without one, or when the tensors differ from what it was built for,
 * the run builds its own.
 */
struct prelu_tab {
	uint32_t dtype, ac;		/* input dtype, alpha channels */
	int32_t in_zp, out_zp, al_zp;
	uint8_t tab[];			/* [256][ac] */
};

static inline uint8_t prelu_neg(const struct edgeai_prog_prelu_params *p, int32_t x, int32_t y,
				int32_t zo, int32_t lo, int32_t hi)
{
	int32_t r = ek_wadd(ek_mbqm(x * y, p->alpha_multiplier, p->alpha_shift), zo);

	return (uint8_t)(r < lo ? lo : r > hi ? hi : r);
}

/* The table of @o (only its tensors' types and zero points, alpha's data); NULL: declined. */
static struct prelu_tab *prelu_table(const struct ek_op *o)
{
	const struct edgeai_prog_prelu_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *al = &o->in[1], *out = &o->out;
	uint32_t ac = al->d[3], c, v;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255, x;
	struct prelu_tab *t;

	if (!ek_is8(in->dtype) || in->dtype != out->dtype || al->dtype != out->dtype ||
	    !al->data || al->d[0] != 1 || al->d[1] != 1 || al->d[2] != 1 || !ac || ac > 4096)
		return NULL;
	t = malloc(sizeof(*t) + (size_t)256 * ac);
	if (!t)
		return NULL;
	t->dtype = in->dtype;
	t->ac = ac;
	t->in_zp = in->zp;
	t->out_zp = out->zp;
	t->al_zp = al->zp;
	for (v = 0; v < 256; v++) {
		uint8_t *row = t->tab + (size_t)v * ac;

		x = (s8 ? (int32_t)(int8_t)v : (int32_t)v) - in->zp;
		if (x >= 0) {
			int32_t r = ek_wadd(ek_mbqm(x, p->identity_multiplier, p->identity_shift),
					    out->zp);

			memset(row, r < lo ? lo : r > hi ? hi : r, ac);
			continue;
		}
		for (c = 0; c < ac; c++)
			row[c] = prelu_neg(p, x, ek_ld(al, c) - al->zp, out->zp, lo, hi);
	}
	return t;
}

/* Pixels [begin, end) through the table. */
struct prelu_job {
	const struct prelu_tab *t;
	const uint8_t *src;
	uint8_t *dst;
	uint32_t ch;
};

static void prelu_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct prelu_job *pj = ctx;
	const uint8_t *tab = pj->t->tab;
	uint32_t ch = pj->ch, i, c;
	const uint8_t *src = pj->src + (size_t)begin * ch;
	uint8_t *dst = pj->dst + (size_t)begin * ch;

	if (pj->t->ac == 1) {
		for (i = 0; i < (end - begin) * ch; i++)
			dst[i] = tab[src[i]];
		return;
	}
	for (i = begin; i < end; i++, src += ch, dst += ch)
		for (c = 0; c < ch; c++)
			dst[c] = tab[(size_t)src[c] * ch + c];
}

static int prelu(const struct ek_op *o, const struct prelu_tab *prep)
{
	const struct ek_tensor *in = &o->in[0], *al = &o->in[1], *out = &o->out;
	uint32_t ch = out->d[3], ac = al->d[3], cnt = ek_count(out), pixels;
	const struct prelu_tab *t = prep;
	struct prelu_tab *own = NULL;
	const uint8_t *src = in->data;
	uint8_t *dst = out->data;

	if (!ek_is8(in->dtype) || in->dtype != out->dtype || al->dtype != out->dtype ||
	    memcmp(in->d, out->d, sizeof(in->d)) || al->d[0] != 1 || al->d[1] != 1 ||
	    al->d[2] != 1 || !ch || (ac != ch && ac != 1) || ac > 4096)
		return EXEC_OPT_NOT_HANDLED;
	if (!t || t->dtype != in->dtype || t->ac != ac || t->in_zp != in->zp ||
	    t->out_zp != out->zp || t->al_zp != al->zp)
		t = own = prelu_table(o);
	if (!t)
		return EXEC_OPT_NOT_HANDLED;
	pixels = cnt / ch;
	{
		struct prelu_job pj = { .t = t, .src = src, .dst = dst, .ch = ch };

		if (exec_par_worth(cnt))
			exec_par_for(pixels, prelu_part, &pj);
		else
			prelu_part(&pj, 0, pixels);
	}
	free(own);
	return 0;
}

/*
 * RESIZE_BILINEAR of int8 tensors (EDGEAI_RESIZE_FIXED10): the reference's
 * 64-bit sum of the four taps times their 10.10 fixed-point weights fits
 * in 32 bits when the weights do (checked: |w_lo| + |w_hi| <= 4000 on
 * each axis, so |sum| < 128 * 4000^2 < 2^31 - 2^19; half-pixel centres
 * give weights a little outside 0..1024 at the edges), so eight
 * channels at a time in int32, with the reference's rounding (half away
 * from zero, then / 2^20 toward zero). The float arithmetic of uint8:
 * resize_rows_f32() below.
 */
/* |w_lo| + |w_hi| <= 4000, in 64 bits (any 32-bit pattern may come). */
static int w_ok(const struct edgeai_prog_interp *m)
{
	int64_t a = (int32_t)m->w_lo, b = (int32_t)m->w_hi;

	return (a < 0 ? -a : a) + (b < 0 ? -b : b) <= 4000;
}

/* Output rows [begin, end) (batch * oh + y) of a RESIZE_BILINEAR. */
struct resize_job {
	const struct ek_op *o;
	const struct edgeai_prog_interp *ym, *xm;
};

static void resize_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct resize_job *rj = ctx;
	const struct ek_op *o = rj->o;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], row, n, y, x, c, k;
	const __m256i half = _mm256_set1_epi32(1 << 19), zero = _mm256_setzero_si256();

	for (row = begin; row < end; row++) {
		const struct edgeai_prog_interp *r = &rj->ym[row % out->d[1]];
		const int8_t *rlo, *rhi;
		int8_t *dst;

		n = row / out->d[1];
		y = row % out->d[1];
		/* the two input rows and the output row: no index arithmetic per pixel */
		rlo = (const int8_t *)in->data + ek_idx(in, n, r->lo, 0, 0);
		rhi = (const int8_t *)in->data + ek_idx(in, n, r->hi, 0, 0);
		dst = (int8_t *)out->data + ek_idx(out, n, y, 0, 0);
		for (x = 0; x < out->d[2]; x++, dst += ch) {
			const struct edgeai_prog_interp *q = &rj->xm[x];
			const int8_t *tap[4];
			int32_t s[4];
			__m256i w[4];

			s[0] = (int32_t)r->w_lo * (int32_t)q->w_lo;
			s[1] = (int32_t)r->w_lo * (int32_t)q->w_hi;
			s[2] = (int32_t)r->w_hi * (int32_t)q->w_lo;
			s[3] = (int32_t)r->w_hi * (int32_t)q->w_hi;
			tap[0] = rlo + (size_t)q->lo * ch;
			tap[1] = rlo + (size_t)q->hi * ch;
			tap[2] = rhi + (size_t)q->lo * ch;
			tap[3] = rhi + (size_t)q->hi * ch;
			c = 0;
			if (ch >= 8) {
				for (k = 0; k < 4; k++)
					w[k] = _mm256_set1_epi32(s[k]);
			}
			for (; c + 8 <= ch; c += 8) {
				__m256i acc = zero, neg, res;
				__m128i pk;

				for (k = 0; k < 4; k++)
					acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(
						_mm256_cvtepi8_epi32(_mm_loadl_epi64(
							(const __m128i *)(tap[k] + c))), w[k]));
				/* half away from zero, then truncate toward zero */
				neg = _mm256_cmpgt_epi32(zero, acc);
				res = _mm256_abs_epi32(acc);
				res = _mm256_add_epi32(res, _mm256_andnot_si256(
					_mm256_cmpeq_epi32(acc, zero), half));
				res = _mm256_srli_epi32(res, 20);
				res = _mm256_sub_epi32(_mm256_xor_si256(res, neg), neg);
				pk = _mm_packs_epi32(_mm256_castsi256_si128(res),
						     _mm256_extracti128_si256(res, 1));
				_mm_storel_epi64((__m128i *)(dst + c), _mm_packs_epi16(pk, pk));
			}
			for (; c < ch; c++) {
				int32_t acc = 0, v;

				for (k = 0; k < 4; k++)
					acc += tap[k][c] * s[k];
				acc += acc > 0 ? (1 << 19) : -(1 << 19);
				v = acc >= 0 ? acc >> 20 : -((-acc) >> 20);
				dst[c] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
			}
		}
	}
}

/*
 * RESIZE_BILINEAR with float weights (EDGEAI_RESIZE_FLOAT32: TFLite's
 * uint8 ResizeBilinearGenericSmallChannel, which the reference replays in
 * software binary32) on this CPU's single precision: per output pixel
 * the four weight products, then eight channels at a time x * s[k]
 * summed in the reference's order, + 0.5, truncated (the rest of a row
 * one channel at a time, the same operations in scalar floats). Same
 * bits while MXCSR rounds to nearest without FTZ/DAZ (checked per call)
 * and every weight is finite with |w| <= 2^8 (no step overflows: the
 * software pipeline expects no infinity); the empty asm keeps a compiler
 * from fusing a multiply into an add.
 */
static inline int32_t resize_f32_one(const uint8_t *const tap[4], uint32_t c, const float s[4],
				     int s8)
{
	float v = (float)ld8(tap[0] + c, s8) * s[0], t;
	int k;

	for (k = 1; k < 4; k++) {
		t = (float)ld8(tap[k] + c, s8) * s[k];
		__asm__("" : "+x"(t));
		v += t;
	}
	v += 0.5f;
	return (int32_t)v;
}

static void resize_rows_f32(void *ctx, uint32_t begin, uint32_t end)
{
	const struct resize_job *rj = ctx;
	const struct ek_op *o = rj->o;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], row, x, c, k;
	int s8 = out->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255;
	const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
	const __m256 half = _mm256_set1_ps(0.5f);

	for (row = begin; row < end; row++) {
		const struct edgeai_prog_interp *r = &rj->ym[row % out->d[1]];
		uint32_t n = row / out->d[1], y = row % out->d[1];
		const uint8_t *rlo = (const uint8_t *)in->data + ek_idx(in, n, r->lo, 0, 0);
		const uint8_t *rhi = (const uint8_t *)in->data + ek_idx(in, n, r->hi, 0, 0);
		uint8_t *dst = (uint8_t *)out->data + ek_idx(out, n, y, 0, 0);
		float wyl, wyh;

		memcpy(&wyl, &r->w_lo, 4);
		memcpy(&wyh, &r->w_hi, 4);
		for (x = 0; x < out->d[2]; x++, dst += ch) {
			const struct edgeai_prog_interp *q = &rj->xm[x];
			const uint8_t *tap[4];
			float wxl, wxh, s[4];
			__m256 w[4];

			memcpy(&wxl, &q->w_lo, 4);
			memcpy(&wxh, &q->w_hi, 4);
			s[0] = wyl * wxl;
			s[1] = wyl * wxh;
			s[2] = wyh * wxl;
			s[3] = wyh * wxh;
			tap[0] = rlo + (size_t)q->lo * ch;
			tap[1] = rlo + (size_t)q->hi * ch;
			tap[2] = rhi + (size_t)q->lo * ch;
			tap[3] = rhi + (size_t)q->hi * ch;
			for (k = 0; k < 4; k++)
				w[k] = _mm256_set1_ps(s[k]);
			for (c = 0; c + 8 <= ch; c += 8) {
				__m256 v = _mm256_setzero_ps(), t;
				__m256i res;
				__m128i pk;

				for (k = 0; k < 4; k++) {
					__m128i raw = _mm_loadl_epi64((const __m128i *)(tap[k] + c));

					t = _mm256_mul_ps(_mm256_cvtepi32_ps(s8 ? _mm256_cvtepi8_epi32(raw) :
									    _mm256_cvtepu8_epi32(raw)),
							  w[k]);
					__asm__("" : "+x"(t));
					v = k ? _mm256_add_ps(v, t) : t;
				}
				res = _mm256_cvttps_epi32(_mm256_add_ps(v, half));
				res = _mm256_min_epi32(_mm256_max_epi32(res, vlo), vhi);
				pk = _mm_packs_epi32(_mm256_castsi256_si128(res),
						     _mm256_extracti128_si256(res, 1));
				_mm_storel_epi64((__m128i *)(dst + c),
						 s8 ? _mm_packs_epi16(pk, pk) : _mm_packus_epi16(pk, pk));
			}
			for (; c < ch; c++) {
				int32_t v = resize_f32_one(tap, c, s, s8);

				dst[c] = (uint8_t)(v < lo ? lo : v > hi ? hi : v);
			}
		}
	}
}

/* A binary32 weight that is finite with magnitude at most 2^8 (any 32-bit pattern may come). */
static int wf_ok(uint32_t bits)
{
	uint32_t e = bits >> 23 & 0xff;

	return e < 127 + 8 || (e == 127 + 8 && !(bits & 0x7fffff));
}

static int resize_bilinear(const struct ek_op *o)
{
	const struct edgeai_prog_resize_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], y, x, rows = out->d[0] * out->d[1];
	struct resize_job rj = { .o = o };
	int f32 = p->arith == EDGEAI_RESIZE_FLOAT32;

	if (!ek_is8(in->dtype) || out->dtype != in->dtype ||
	    (p->arith != EDGEAI_RESIZE_FIXED10 && !f32) ||
	    (!f32 && in->dtype != EDGEAI_DTYPE_INT8) || (f32 && (_mm_getcsr() & 0xe040)) ||
	    in->d[0] != out->d[0] || in->d[3] != ch)
		return EXEC_OPT_NOT_HANDLED;
	rj.ym = ek_const(o, p->y_map_offset, (uint64_t)out->d[1] * sizeof(*rj.ym), 4);
	rj.xm = ek_const(o, p->x_map_offset, (uint64_t)out->d[2] * sizeof(*rj.xm), 4);
	if (!rj.ym || !rj.xm)
		return EXEC_OPT_NOT_HANDLED;
	for (y = 0; y < out->d[1]; y++)
		if (rj.ym[y].lo >= in->d[1] || rj.ym[y].hi >= in->d[1] ||
		    (f32 ? !wf_ok(rj.ym[y].w_lo) || !wf_ok(rj.ym[y].w_hi) : !w_ok(&rj.ym[y])))
			return EXEC_OPT_NOT_HANDLED;
	for (x = 0; x < out->d[2]; x++)
		if (rj.xm[x].lo >= in->d[2] || rj.xm[x].hi >= in->d[2] ||
		    (f32 ? !wf_ok(rj.xm[x].w_lo) || !wf_ok(rj.xm[x].w_hi) : !w_ok(&rj.xm[x])))
			return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth((uint64_t)ek_count(out) * (f32 ? 8 : 4)))
		exec_par_for(rows, f32 ? resize_rows_f32 : resize_rows, &rj);
	else if (f32)
		resize_rows_f32(&rj, 0, rows);
	else
		resize_rows(&rj, 0, rows);
	return 0;
}

/*
 * Element strides of @t read for each output dimension: 0 where @t is
 * broadcast (a dimension of 1); -1 when @t does not broadcast to @out.
 */
static int bstrides(const struct ek_tensor *t, const struct ek_tensor *out, size_t st[4])
{
	size_t acc = 1;
	int i;

	for (i = 3; i >= 0; i--) {
		if (t->d[i] != out->d[i] && t->d[i] != 1)
			return -1;
		st[i] = t->d[i] == 1 ? 0 : acc;
		acc *= t->d[i];
	}
	return 0;
}

/*
 * The binary elementwise ops in any broadcast form, 8-bit: the
 * reference's per-element arithmetic, walked with strides instead of its
 * per-element index divisions. ADD/SUB: each input's rescale depends on
 * its byte only, so it comes from a 256-entry table the same functions
 * fill. Rows of channels 8 at a time (MAXIMUM/MINIMUM: 32 bytes), an
 * input broadcast along the row (a scalar, one value per pixel) as its
 * byte in every lane.
 */
/*
 * ek_mbqm() of 8 lanes, for a multiplier >= 0: gemmlowp's saturating
 * rounding doubling high multiply is floor((x * m + 2^30) / 2^31) for every
 * x when m >= 0 (the nudge 1 - 2^30 of a negative product, then division
 * toward zero, comes to the same), so bits 31..62 of x * m + 2^30, which a
 * logical shift of the 64-bit lanes gives as well as an arithmetic one;
 * then the rounding right shift by @right, half away from zero.
 */
struct mbqm8 {
	__m256i m, mask, half;
	__m128i left, right;
};

static void mbqm8_make(struct mbqm8 *q, int32_t mul, int32_t shift)
{
	int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;

	q->m = _mm256_set1_epi32(mul);
	q->mask = _mm256_set1_epi32((int32_t)((1U << right) - 1));
	q->half = _mm256_set1_epi32((int32_t)(((1U << right) - 1) >> 1));
	q->left = _mm_cvtsi32_si128(left);
	q->right = _mm_cvtsi32_si128(right);
}

static inline __m256i mbqm8(__m256i x, const struct mbqm8 *q)
{
	const __m256i n = _mm256_set1_epi64x((int64_t)1 << 30);
	__m256i pe, po, r, rem, thr;

	x = _mm256_sll_epi32(x, q->left);
	pe = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, q->m), n), 31);
	po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), q->m), n);
	po = _mm256_slli_epi64(_mm256_srli_epi64(po, 31), 32);
	r = _mm256_blend_epi32(pe, po, 0xaa);
	rem = _mm256_and_si256(r, q->mask);
	thr = _mm256_sub_epi32(q->half, _mm256_srai_epi32(r, 31));
	return _mm256_sub_epi32(_mm256_sra_epi32(r, q->right), _mm256_cmpgt_epi32(rem, thr));
}

/*
 * ADD/SUB (@ta, @tb: the inputs' rescales by byte value) or MUL of @n
 * channels written contiguously, 8 at a time (the rest is the caller's):
 * the scalar loop's arithmetic. Each input is read contiguously (step 1)
 * or is one byte for the whole row (step 0: an input broadcast along the
 * channels, a scalar). Returns the channels done.
 */
static uint32_t binary8(const struct ek_op *o, const uint8_t *pa, const uint8_t *pb,
			uint32_t astep, uint32_t bstep, uint8_t *dst, uint32_t n,
			const int32_t *ta, const int32_t *tb, const struct mbqm8 *q, int32_t zo,
			int32_t lo, int32_t hi)
{
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1];
	uint32_t op = o->op->opcode, c;
	int s8 = o->out.dtype == EDGEAI_DTYPE_INT8;
	const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
	const __m256i vzo = _mm256_set1_epi32(zo), za = _mm256_set1_epi32(a->zp);
	const __m256i zb = _mm256_set1_epi32(b->zp);
	/* a broadcast input's 8 bytes */
	const __m128i sa = _mm_set1_epi8((char)*pa), sb = _mm_set1_epi8((char)*pb);

	for (c = 0; c + 8 <= n; c += 8) {
		__m128i la = astep ? _mm_loadl_epi64((const __m128i *)(pa + c)) : sa;
		__m128i lb = bstep ? _mm_loadl_epi64((const __m128i *)(pb + c)) : sb;
		__m256i x, y, r;

		if (op == EDGEAI_OP_MUL) {
			x = s8 ? _mm256_cvtepi8_epi32(la) : _mm256_cvtepu8_epi32(la);
			y = s8 ? _mm256_cvtepi8_epi32(lb) : _mm256_cvtepu8_epi32(lb);
			r = _mm256_mullo_epi32(_mm256_sub_epi32(x, za), _mm256_sub_epi32(y, zb));
		} else {
			/* the tables are by byte value: zero-extend */
			x = _mm256_i32gather_epi32(ta, _mm256_cvtepu8_epi32(la), 4);
			y = _mm256_i32gather_epi32(tb, _mm256_cvtepu8_epi32(lb), 4);
			r = op == EDGEAI_OP_SUB ? _mm256_sub_epi32(x, y) : _mm256_add_epi32(x, y);
		}
		r = _mm256_add_epi32(mbqm8(r, q), vzo);
		r = _mm256_min_epi32(_mm256_max_epi32(r, vlo), vhi);
		/* 8 lanes in [lo, hi], inside the 8-bit range: pack without saturating anything */
		r = _mm256_packs_epi32(r, r);
		r = _mm256_permute4x64_epi64(r, 0x08);
		_mm_storel_epi64((__m128i *)(dst + c),
				 s8 ? _mm_packs_epi16(_mm256_castsi256_si128(r), _mm256_castsi256_si128(r)) :
				      _mm_packus_epi16(_mm256_castsi256_si128(r),
						       _mm256_castsi256_si128(r)));
	}
	return c;
}

static int same_dims(const struct ek_tensor *a, const struct ek_tensor *b)
{
	return !memcmp(a->d, b->d, sizeof(a->d));
}

/*
 * Rows of the output's channels (of every element when each input has
 * the output's shape or is a scalar), each input read along the row or
 * broadcast (stride 0: one byte for the row).
 */
static int binary(const struct ek_op *o)
{
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	uint32_t op = o->op->opcode, n, h, w, c, ch = out->d[3];
	uint32_t dims[3] = { out->d[0], out->d[1], out->d[2] };
	int s8 = out->dtype == EDGEAI_DTYPE_INT8;
	int32_t ta[256], tb[256], lo = s8 ? -128 : 0, hi = s8 ? 127 : 255, v;
	const struct edgeai_prog_add_params *ap = (const void *)o->op->params;
	const struct edgeai_prog_mul_params *mp = (const void *)o->op->params;
	uint8_t *dst = out->data;
	size_t sa[4], sb[4];
	struct mbqm8 q8;

	if (!ek_is8(out->dtype) || a->dtype != out->dtype || b->dtype != out->dtype ||
	    bstrides(a, out, sa) || bstrides(b, out, sb))
		return EXEC_OPT_NOT_HANDLED;
	if (op == EDGEAI_OP_MUL) {
		if (mp->out_multiplier < 0 || mp->act_min < lo || mp->act_max > hi)
			return EXEC_OPT_NOT_HANDLED;
		mbqm8_make(&q8, mp->out_multiplier, mp->out_shift);
	}
	if (op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB) {
		if (ap->left_shift > 30 || ap->out_multiplier < 0 || ap->act_min < lo ||
		    ap->act_max > hi)
			return EXEC_OPT_NOT_HANDLED;
		mbqm8_make(&q8, ap->out_multiplier, ap->out_shift);
		for (v = 0; v < 256; v++) {
			int32_t x = (s8 ? (int32_t)(int8_t)v : v) - a->zp;
			int32_t y = (s8 ? (int32_t)(int8_t)v : v) - b->zp;

			ta[v] = ek_mbqm((int32_t)((uint32_t)x << ap->left_shift),
					ap->in0_multiplier, ap->in0_shift);
			tb[v] = ek_mbqm((int32_t)((uint32_t)y << ap->left_shift),
					ap->in1_multiplier, ap->in1_shift);
		}
	}
	/*
	 * inputs each of the output's shape or one value (a scalar): one row of
	 * every element (a tensor of few channels is not a row per pixel)
	 */
	if ((same_dims(a, out) || ek_count(a) == 1) && (same_dims(b, out) || ek_count(b) == 1)) {
		ch = ek_count(out);
		dims[0] = dims[1] = dims[2] = 1;
		sa[3] = same_dims(a, out);
		sb[3] = same_dims(b, out);
	}
	for (n = 0; n < dims[0]; n++) {
		for (h = 0; h < dims[1]; h++) {
			for (w = 0; w < dims[2]; w++, dst += ch) {
				const uint8_t *pa = (const uint8_t *)a->data +
						    n * sa[0] + h * sa[1] + w * sa[2];
				const uint8_t *pb = (const uint8_t *)b->data +
						    n * sb[0] + h * sb[1] + w * sb[2];
				int32_t r;

				switch (op) {
				case EDGEAI_OP_ADD:
				case EDGEAI_OP_SUB:
					c = sa[3] <= 1 && sb[3] <= 1 ?
					    binary8(o, pa, pb, (uint32_t)sa[3], (uint32_t)sb[3], dst, ch,
						    ta, tb, &q8, out->zp, ap->act_min, ap->act_max) : 0;
					for (; c < ch; c++) {
						int32_t x = ta[pa[c * sa[3]]], y = tb[pb[c * sb[3]]];

						r = op == EDGEAI_OP_SUB ? ek_wsub(x, y) : ek_wadd(x, y);
						r = ek_wadd(ek_mbqm(r, ap->out_multiplier,
								    ap->out_shift), out->zp);
						r = r < ap->act_min ? ap->act_min : r;
						r = r > ap->act_max ? ap->act_max : r;
						dst[c] = (uint8_t)r;
					}
					break;
				case EDGEAI_OP_MUL:
					c = sa[3] <= 1 && sb[3] <= 1 ?
					    binary8(o, pa, pb, (uint32_t)sa[3], (uint32_t)sb[3], dst, ch,
						    NULL, NULL, &q8, out->zp, mp->act_min,
						    mp->act_max) : 0;
					for (; c < ch; c++) {
						int32_t x = ld8(pa + c * sa[3], s8) - a->zp;
						int32_t y = ld8(pb + c * sb[3], s8) - b->zp;

						r = ek_wadd(ek_mbqm(x * y, mp->out_multiplier,
								    mp->out_shift), out->zp);
						r = r < mp->act_min ? mp->act_min : r;
						r = r > mp->act_max ? mp->act_max : r;
						dst[c] = (uint8_t)r;
					}
					break;
				default: {	/* MAXIMUM, MINIMUM */
					int mx = op == EDGEAI_OP_MAXIMUM;

					c = 0;
					if (sa[3] <= 1 && sb[3] <= 1) {
						/* an input broadcast along the row: its byte in every lane */
						const __m256i xs = _mm256_set1_epi8((char)*pa);
						const __m256i ys = _mm256_set1_epi8((char)*pb);

						for (; c + 32 <= ch; c += 32) {
							__m256i x = sa[3] ? _mm256_loadu_si256((const __m256i *)(pa + c)) : xs;
							__m256i y = sb[3] ? _mm256_loadu_si256((const __m256i *)(pb + c)) : ys;

							x = mx ? (s8 ? _mm256_max_epi8(x, y) : _mm256_max_epu8(x, y)) :
								 (s8 ? _mm256_min_epi8(x, y) : _mm256_min_epu8(x, y));
							_mm256_storeu_si256((__m256i *)(dst + c), x);
						}
					}
					for (; c < ch; c++) {
						int32_t x = ld8(pa + c * sa[3], s8), y = ld8(pb + c * sb[3], s8);

						r = mx ? (x > y ? x : y) : (x < y ? x : y);
						dst[c] = (uint8_t)(r < lo ? lo : r > hi ? hi : r);
					}
				}
				}
			}
		}
	}
	return 0;
}

/*
 * AVERAGE_POOL_2D and MEAN (over H and W): the window's sums in int32,
 * eight channels at a time (exact: no more than 2^20 taps of 8-bit
 * values), then the reference's rounding division (pool) or output
 * function (MEAN) per channel.
 */
static void sum_rows(int32_t *acc, const uint8_t *src, uint32_t ch, int s8)
{
	uint32_t c = 0;

	for (; c + 8 <= ch; c += 8) {
		__m128i raw = _mm_loadl_epi64((const __m128i *)(src + c));
		__m256i x = s8 ? _mm256_cvtepi8_epi32(raw) : _mm256_cvtepu8_epi32(raw);
		__m256i s = _mm256_loadu_si256((const __m256i *)(acc + c));

		_mm256_storeu_si256((__m256i *)(acc + c), _mm256_add_epi32(s, x));
	}
	for (; c < ch; c++)
		acc[c] += ld8(src + c, s8);
}

/* Output rows [begin, end) (image * oh + row) of an AVERAGE_POOL_2D. */
struct avgpool_job {
	const struct ek_op *o;
	_Atomic int failed;	/* a part had no room for its sums: the op is declined */
};

static void avgpool_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct avgpool_job *aj = ctx;
	const struct ek_op *o = aj->o;
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], r, ox, c;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t *acc = malloc(((size_t)ch + 8) * 4);

	if (!acc) {
		aj->failed = 1;
		return;
	}
	for (r = begin; r < end; r++) {
		uint32_t n = r / out->d[1], oy = r % out->d[1];
		uint8_t *dst = (uint8_t *)out->data + (size_t)r * out->d[2] * ch;

		for (ox = 0; ox < out->d[2]; ox++, dst += ch) {
			int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
			int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
			int32_t ys = y0 < 0 ? 0 : y0, xs = x0 < 0 ? 0 : x0, y, x, cnt;
			int32_t ye = y0 + (int32_t)p->filter_h, xe = x0 + (int32_t)p->filter_w;

			ye = ye > (int32_t)in->d[1] ? (int32_t)in->d[1] : ye;
			xe = xe > (int32_t)in->d[2] ? (int32_t)in->d[2] : xe;
			memset(acc, 0, (size_t)ch * 4);
			for (y = ys; y < ye; y++)
				for (x = xs; x < xe; x++)
					sum_rows(acc, (const uint8_t *)in->data +
						 ek_idx(in, n, (uint32_t)y, (uint32_t)x, 0), ch, s8);
			cnt = ye > ys && xe > xs ? (ye - ys) * (xe - xs) : 0;
			for (c = 0; c < ch; c++) {
				int32_t v = acc[c];

				/* a window entirely in the padding gives 0 */
				v = cnt <= 0 ? 0 : v > 0 ? (v + cnt / 2) / cnt : (v - cnt / 2) / cnt;
				v = v < p->act_min ? p->act_min : v;
				v = v > p->act_max ? p->act_max : v;
				dst[c] = (uint8_t)v;
			}
		}
	}
	free(acc);
}

static int avgpool(const struct ek_op *o)
{
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	struct avgpool_job aj = { .o = o };
	uint32_t rows = out->d[0] * out->d[1];

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || in->d[3] != out->d[3] ||
	    in->d[0] != out->d[0] || !p->filter_h || !p->filter_w ||
	    (uint64_t)p->filter_h * p->filter_w > (1U << 20))
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth((uint64_t)ek_count(out) * p->filter_h * p->filter_w / 4))
		exec_par_for(rows, avgpool_rows, &aj);
	else
		avgpool_rows(&aj, 0, rows);
	/* the reference then writes every output */
	return aj.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

/*
 * MEAN: the window's sums eight channels at a time, then each output
 * finished by the reference's own ek_mean_out() (the integer rescale, the
 * binary32 pipeline or the division). Items [begin, end) are blocks of
 * MEAN_CB channels of one image (image * blocks + block); a part sums up
 * to MEAN_CHUNK channels of an image in one pass over its pixels.
 */
#define MEAN_CB 16
#define MEAN_CHUNK 256
struct mean_job {
	const struct ek_op *o;
	uint32_t blocks, fbias;
	int f32;	/* the binary32 pipeline on this CPU's float unit (mean_f32()) */
};

/* A binary32 pattern that is zero, or normal with an exponent in -100..100. */
static int f32_tame(uint32_t bits)
{
	uint32_t e = bits >> 23 & 0xff;

	return !(bits & 0x7fffffff) || (e >= 127 - 100 && e <= 127 + 100);
}

/*
 * The binary32 pipeline of MEAN (ek_mean_out() with
 * EDGEAI_PROG_MEAN_FLOAT) on eight outputs at a time, with the CPU's
 * IEEE single-precision divide, multiply and add in place of the op
 * library's software ones: the same correctly rounded results while the
 * rounding mode is to nearest (checked per call: MXCSR is per thread).
 * mean() takes this path only when the scale and the constant term are
 * zero or normal within 2^-100..2^100, so that for the sums of at most
 * 2^20 8-bit values no step overflows and every product is normal; a
 * sum that is subnormal (flushed to zero under FTZ) rounds to 0 either
 * way. std::round() is the truncation plus one away from zero when the
 * fraction is at least a half (the fraction is exact); the value is held
 * to +-2^30 before the conversion, where the reference saturates at
 * +-(2^31 - 1): both clamp to the same 8-bit value. The empty asm keeps
 * a compiler from fusing the multiply and the add. Returns the outputs
 * done (a multiple of 8), the rest left to ek_mean_out().
 */
static uint32_t mean_f32(const struct mean_job *mj, const int32_t *acc, uint32_t cnt,
			 uint8_t *dst, int32_t lo, int32_t hi)
{
	const struct edgeai_prog_mean_params *p = (const void *)mj->o->op->params;
	uint32_t hw = mj->o->in[0].d[1] * mj->o->in[0].d[2], c;
	const __m256 vn = _mm256_set1_ps((float)hw), half = _mm256_set1_ps(0.5f);
	const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
	const __m256 big = _mm256_set1_ps(1073741824.0f), nbig = _mm256_set1_ps(-1073741824.0f);
	const __m256i zp = _mm256_set1_epi32(mj->o->out.zp);
	const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
	__m256 scale, bias;
	float f;

	if (_MM_GET_ROUNDING_MODE() != _MM_ROUND_NEAREST)
		return 0;
	memcpy(&f, &p->scale, 4);
	scale = _mm256_set1_ps(f);
	memcpy(&f, &mj->fbias, 4);
	bias = _mm256_set1_ps(f);
	for (c = 0; c + 8 <= cnt; c += 8) {
		__m256 x = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(acc + c)));
		__m256 y = _mm256_mul_ps(_mm256_div_ps(x, vn), scale), t, d, adj;
		__m256i r;
		int32_t v[8];
		int j;

		__asm__("" : "+x"(y));
		y = _mm256_add_ps(y, bias);
		t = _mm256_round_ps(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
		d = _mm256_andnot_ps(sign, _mm256_sub_ps(y, t));
		adj = _mm256_and_ps(_mm256_cmp_ps(d, half, _CMP_GE_OQ),
				    _mm256_or_ps(one, _mm256_and_ps(y, sign)));
		t = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(t, adj), nbig), big);
		r = _mm256_add_epi32(_mm256_cvtps_epi32(t), zp);
		r = _mm256_min_epi32(_mm256_max_epi32(r, vlo), vhi);
		_mm256_storeu_si256((__m256i *)v, r);
		for (j = 0; j < 8; j++)
			dst[c + j] = (uint8_t)v[j];
	}
	return c;
}

static void mean_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct mean_job *mj = ctx;
	const struct ek_op *o = mj->o;
	const struct ek_tensor *in = &o->in[0];
	uint32_t ch = in->d[3], hw = in->d[1] * in->d[2], i, k, c;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255, acc[MEAN_CHUNK];

	for (i = begin; i < end;) {
		uint32_t n = i / mj->blocks, b = i % mj->blocks;
		uint32_t c0 = b * MEAN_CB, c1 = ch;
		const uint8_t *src = (const uint8_t *)in->data + (size_t)n * hw * ch;
		uint8_t *dst = (uint8_t *)o->out.data + (size_t)n * ch;

		/* this image's blocks of the part, at most MEAN_CHUNK channels */
		if (end - i < mj->blocks - b && (end - i) * MEAN_CB < ch - c0)
			c1 = c0 + (end - i) * MEAN_CB;
		if (c1 - c0 > MEAN_CHUNK)
			c1 = c0 + MEAN_CHUNK;
		memset(acc, 0, (c1 - c0) * sizeof(acc[0]));
		for (k = 0; k < hw; k++)
			sum_rows(acc, src + (size_t)k * ch + c0, c1 - c0, s8);
		c = c0 + (mj->f32 ? mean_f32(mj, acc, c1 - c0, dst + c0, lo, hi) : 0);
		for (; c < c1; c++) {
			int32_t v = ek_mean_out(o, acc[c - c0], mj->fbias);

			dst[c] = (uint8_t)(v < lo ? lo : v > hi ? hi : v);
		}
		i += (c1 - c0 + MEAN_CB - 1) / MEAN_CB;
	}
}

static int mean(const struct ek_op *o)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = in->d[3], hw = in->d[1] * in->d[2];
	struct mean_job mj = { .o = o, .blocks = (ch + MEAN_CB - 1) / MEAN_CB };
	uint32_t items = in->d[0] * mj.blocks;

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || out->d[0] != in->d[0] ||
	    out->d[1] != 1 || out->d[2] != 1 || out->d[3] != ch ||
	    (uint64_t)in->d[1] * in->d[2] > (1U << 20) || (p->flags && !hw))
		return EXEC_OPT_NOT_HANDLED;
	mj.fbias = ek_mean_fbias(o);
	mj.f32 = p->flags == EDGEAI_PROG_MEAN_FLOAT && f32_tame(p->scale) && f32_tame(mj.fbias);
	/* the software binary32 pipeline costs about as much per output as 64 taps */
	if (exec_par_worth((uint64_t)in->d[0] * ch *
			   (hw + (p->flags == EDGEAI_PROG_MEAN_FLOAT && !mj.f32 ? 64 : 1))))
		exec_par_for(items, mean_part, &mj);
	else
		mean_part(&mj, 0, items);
	return 0;
}

/* CONCATENATION of 8-bit tensors (same quantization): rows copied whole. */
static int concat(const struct ek_op *o)
{
	const struct edgeai_prog_concat_params *p = (const void *)o->op->params;
	const struct ek_tensor *out = &o->out;
	uint32_t k, i, outer = 1, inner = 1, base = 0, ax = p->axis;

	if (ax > 3 || !o->n_in || !ek_is8(out->dtype))
		return EXEC_OPT_NOT_HANDLED;
	for (i = 0; i < ax; i++)
		outer *= out->d[i];
	for (i = ax + 1; i < 4; i++)
		inner *= out->d[i];
	for (k = 0; k < o->n_in; k++) {
		const struct ek_tensor *in = &o->in[k];

		for (i = 0; i < 4; i++)
			if (i != ax && in->d[i] != out->d[i])
				return EXEC_OPT_NOT_HANDLED;
		if (!in->data || in->dtype != out->dtype || in->zp != out->zp)
			return EXEC_OPT_NOT_HANDLED;
		base += in->d[ax];
	}
	if (base != out->d[ax])
		return EXEC_OPT_NOT_HANDLED;
	base = 0;
	for (k = 0; k < o->n_in; k++) {
		const struct ek_tensor *in = &o->in[k];
		size_t chunk = (size_t)in->d[ax] * inner;

		for (i = 0; i < outer; i++)
			memcpy((uint8_t *)out->data + ((size_t)i * out->d[ax] + base) * inner,
			       (const uint8_t *)in->data + i * chunk, chunk);
		base += in->d[ax];
	}
	return 0;
}

/* RESIZE_NEAREST_NEIGHBOR of 8-bit tensors: a pixel's channels copied whole. */
static int resize_nearest(const struct ek_op *o)
{
	const struct edgeai_prog_resize_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], n, y, x;
	const uint32_t *ym, *xm;

	if (!ek_is8(in->dtype) || in->dtype != out->dtype || in->d[0] != out->d[0] ||
	    in->d[3] != ch || p->arith)
		return EXEC_OPT_NOT_HANDLED;
	ym = ek_const(o, p->y_map_offset, 4ULL * out->d[1], 4);
	xm = ek_const(o, p->x_map_offset, 4ULL * out->d[2], 4);
	if (!ym || !xm)
		return EXEC_OPT_NOT_HANDLED;
	for (y = 0; y < out->d[1]; y++)
		if (ym[y] >= in->d[1])
			return EXEC_OPT_NOT_HANDLED;
	for (x = 0; x < out->d[2]; x++)
		if (xm[x] >= in->d[2])
			return EXEC_OPT_NOT_HANDLED;
	for (n = 0; n < out->d[0]; n++)
		for (y = 0; y < out->d[1]; y++)
			for (x = 0; x < out->d[2]; x++)
				memcpy((uint8_t *)out->data + ek_idx(out, n, y, x, 0),
				       (const uint8_t *)in->data + ek_idx(in, n, ym[y], xm[x], 0), ch);
	return 0;
}

/*
 * SOFTMAX (ek_softmax(): TFLite's float table pipeline, replayed by the
 * reference on integers) with this CPU's binary32 arithmetic: per row the
 * maximum, the sum of table[max - x] in the reference's order (scalar
 * adds, one after the other), inv = 1 / (sum * s_out), then eight outputs
 * at a time: table[max - x] * inv, rounded half away from zero (the
 * truncation, plus one when the fraction, exact, is at least a half), +
 * zero point, clamped. IEEE single-precision add, multiply and divide
 * round like the reference's software ones while MXCSR rounds to nearest
 * and neither flushes nor treats subnormals as zero (checked per call:
 * MXCSR is per thread); the empty asm keeps a compiler from fusing a
 * multiply into an add. Taken only for a table whose entries are finite,
 * not negative and at most 2^8, whose table[0] (every row's maximum
 * reads it, so no sum is below it) is at least 2^-40, with s_out in
 * 2^-40..2^40 and max(table) / (table[0] s_out) below 2^29: no step
 * overflows or divides by zero, and no output reaches the reference's
 * saturation (TFLite's tables are exp(-beta s_in d): at most 1, table[0]
 * 1). Rows [begin, end) per part.
 */
struct softmax_job {
	const struct ek_op *o;
	float tab[256], scale;
};

static void softmax_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct softmax_job *sj = ctx;
	const struct ek_tensor *in = &sj->o->in[0], *out = &sj->o->out;
	uint32_t depth = in->d[3], r, j;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255;
	const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
	const __m256i zp = _mm256_set1_epi32(out->zp), vlo = _mm256_set1_epi32(lo);
	const __m256i vhi = _mm256_set1_epi32(hi);

	for (r = begin; r < end; r++) {
		const uint8_t *x = (const uint8_t *)in->data + (size_t)r * depth;
		uint8_t *dst = (uint8_t *)out->data + (size_t)r * depth;
		int32_t max = ld8(x, s8);
		float sum = 0.0f, inv;
		__m256i vmax;
		__m256 vinv;

		for (j = 1; j < depth; j++)
			max = ld8(x + j, s8) > max ? ld8(x + j, s8) : max;
		for (j = 0; j < depth; j++)
			sum += sj->tab[max - ld8(x + j, s8)];
		inv = sum * sj->scale;
		__asm__("" : "+x"(inv));
		inv = 1.0f / inv;
		vmax = _mm256_set1_epi32(max);
		vinv = _mm256_set1_ps(inv);
		for (j = 0; j + 8 <= depth; j += 8) {
			__m128i raw = _mm_loadl_epi64((const __m128i *)(x + j));
			__m256i idx = _mm256_sub_epi32(vmax, s8 ? _mm256_cvtepi8_epi32(raw) :
								  _mm256_cvtepu8_epi32(raw));
			__m256 v = _mm256_mul_ps(_mm256_i32gather_ps(sj->tab, idx, 4), vinv), t;
			__m256i q;

			__asm__("" : "+x"(v));
			t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
			t = _mm256_add_ps(t, _mm256_and_ps(_mm256_cmp_ps(_mm256_sub_ps(v, t), half,
									 _CMP_GE_OQ), one));
			q = _mm256_add_epi32(_mm256_cvtps_epi32(t), zp);
			q = _mm256_min_epi32(_mm256_max_epi32(q, vlo), vhi);
			q = _mm256_packs_epi32(q, q);
			q = _mm256_permute4x64_epi64(q, 0x08);
			_mm_storel_epi64((__m128i *)(dst + j),
					 s8 ? _mm_packs_epi16(_mm256_castsi256_si128(q),
							      _mm256_castsi256_si128(q)) :
					      _mm_packus_epi16(_mm256_castsi256_si128(q),
							       _mm256_castsi256_si128(q)));
		}
		for (; j < depth; j++) {
			float v = sj->tab[max - ld8(x + j, s8)] * inv, t;
			int32_t q;

			__asm__("" : "+x"(v));
			t = (float)(int32_t)v;
			q = (int32_t)t + (v - t >= 0.5f) + out->zp;
			dst[j] = (uint8_t)(q < lo ? lo : q > hi ? hi : q);
		}
	}
}

/* A binary32 pattern that is finite and in [2^-lo_e, 2^hi_e] (0: zero allowed below). */
static int f32_in(uint32_t bits, int lo_e, int hi_e, int zero_ok)
{
	uint32_t e = bits >> 23 & 0xff;

	if (bits >> 31)
		return 0;
	if (e < (uint32_t)(127 - lo_e))
		return zero_ok;
	return e != 0xff && (e < (uint32_t)(127 + hi_e) || (e == (uint32_t)(127 + hi_e) &&
							      !(bits & 0x7fffff)));
}

static int softmax(const struct ek_op *o)
{
	const struct edgeai_prog_softmax_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const uint32_t *table = ek_const(o, p->table_offset, 1024, 4);
	uint32_t depth = in->d[3], rows, i;
	struct softmax_job sj = { .o = o };
	float tmax = 0.0f;

	if (!table || !ek_is8(in->dtype) || out->dtype != in->dtype || !depth ||
	    ek_count(in) != ek_count(out) || out->d[3] != depth ||
	    (_mm_getcsr() & 0xe040) ||
	    !f32_in(table[0], 40, 8, 0) || !f32_in(p->out_scale, 40, 40, 0))
		return EXEC_OPT_NOT_HANDLED;
	for (i = 0; i < 256; i++) {
		/* subnormal entries are fine: this CPU does not flush them (MXCSR) */
		if (!f32_in(table[i], 126, 8, 1))
			return EXEC_OPT_NOT_HANDLED;
		memcpy(&sj.tab[i], &table[i], 4);
		tmax = sj.tab[i] > tmax ? sj.tab[i] : tmax;
	}
	memcpy(&sj.scale, &p->out_scale, 4);
	if ((double)tmax / ((double)sj.tab[0] * sj.scale) >= (double)(1 << 29))
		return EXEC_OPT_NOT_HANDLED;
	rows = ek_count(in) / depth;
	if (exec_par_worth((uint64_t)ek_count(in) * 8))
		exec_par_for(rows, softmax_rows, &sj);
	else
		softmax_rows(&sj, 0, rows);
	return 0;
}

static int avx2_run(const struct ek_op *o, const void *prep)
{
	switch (o->op->opcode) {
	case EDGEAI_OP_ADD:
	case EDGEAI_OP_SUB:
	case EDGEAI_OP_MUL:
	case EDGEAI_OP_MAXIMUM:
	case EDGEAI_OP_MINIMUM:
		return binary(o);
	case EDGEAI_OP_AVERAGE_POOL_2D:
		return avgpool(o);
	case EDGEAI_OP_MEAN:
		return mean(o);
	case EDGEAI_OP_CONCATENATION:
		return concat(o);
	case EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR:
		return resize_nearest(o);
	case EDGEAI_OP_PRELU:
		return prelu(o, prep);
	case EDGEAI_OP_RESIZE_BILINEAR:
		return resize_bilinear(o);
	case EDGEAI_OP_CONV_2D:
		return conv(o, prep);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return depthwise(o, prep);
	case EDGEAI_OP_FULLY_CONNECTED:
		return fc(o, prep);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return tconv(o, prep);
	case EDGEAI_OP_SOFTMAX:
		return softmax(o);
	default:
		return EXEC_OPT_NOT_HANDLED;
	}
}

static void *avx2_prepare(const struct ek_op *o)
{
	const struct ek_tensor *f = &o->in[1];
	uint32_t k;

	if (o->n_in < 2 || !f->data || !ek_is8(f->dtype))
		return NULL;
	switch (o->op->opcode) {
	case EDGEAI_OP_PRELU:
		return prelu_table(o);
	case EDGEAI_OP_CONV_2D:
		k = f->d[1] * f->d[2] * f->d[3];
		return weights16(f, f->d[0], k, (k + 15) & ~15U);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return f->d[0] == 1 ? dw_weights(f) : NULL;
	case EDGEAI_OP_FULLY_CONNECTED:
		return weights16(f, f->d[2], f->d[3], (f->d[3] + 15) & ~15U);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return f->d[1] <= TCONV_MAX_K && f->d[2] <= TCONV_MAX_K ?
		       tconv_weights(f, (f->d[3] + 15) & ~15U) : NULL;
	default:
		return NULL;
	}
}

static const struct exec_kset_ops avx2_ops = {
	.run = avx2_run,
	.prepare = avx2_prepare,
	.prepare_free = free,
};

const struct exec_kset_ops *const exec_avx2_ops = &avx2_ops;

#else /* no AVX2 at build time: the reference kernels only */

const struct exec_kset_ops *const exec_avx2_ops = NULL;

#endif
