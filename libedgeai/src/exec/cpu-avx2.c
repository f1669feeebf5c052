// SPDX-License-Identifier: MIT
/*
 * Optimized x86-64 CPU kernels (AVX2) for the heavy ops: CONV_2D,
 * DEPTHWISE_CONV_2D (depth multiplier 1), FULLY_CONNECTED and
 * TRANSPOSE_CONV, int8 and uint8; and for the rest of what real models use:
 * int8 RESIZE_BILINEAR, ADD/SUB/MUL/MAXIMUM/MINIMUM in every broadcast form,
 * AVERAGE_POOL_2D, MAX_POOL_2D and MEAN (the VNNI set passes these down to
 * this one, except MAX_POOL_2D, which it has).
 * Chosen at run time (cpu.c, __builtin_cpu_supports); what it declines goes
 * to the kernels every set shares (cpu-common.c), else to the portable
 * reference kernels of firmware/ops/.
 *
 * Bit exactness: the accumulation is exact integer arithmetic (16-bit
 * offset values, 32-bit sums: the same sum modulo 2^32 in another order);
 * padding taps contribute 0 as in the reference. CONV_2D and
 * DEPTHWISE_CONV_2D rescale in vectors with the arithmetic of ek_mbqm_up()
 * and ek_mbqm() per lane (mbqv_up(), mbqv()); FULLY_CONNECTED and
 * TRANSPOSE_CONV call those functions per output element. Anything unusual
 * (a shape or parameter the reference would reject, a clamp outside the
 * type's range) goes to the reference; cpu.c hands depthwise ops of
 * depth multiplier > 1 as multiplier 1 on a repeated input.
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

/*
 * TRANSPOSE_CONV: exec_tconv() (cpu-common.c) lays out the input and the
 * weights and walks the output pixels; here the sums of one pixel's
 * channels, four at a time: one dot16x4() per tap, summed. That is the
 * reference's int32 in another order (exact: 16-bit values, 32-bit sums
 * wrapping the same way).
 */
static void tconv_px(const int16_t *const *xs, const int16_t *const *ws, const uint32_t *nt,
		     uint32_t np, size_t wstride, uint32_t icp, uint32_t och, int32_t *acc)
{
	uint32_t och4 = (och + 3) & ~3U, px, oc, t, k;

	for (px = 0; px < np; px++, acc += och4) {
		for (oc = 0; oc < och; oc += 4) {
			int32_t a[4] = { 0, 0, 0, 0 }, d[4];

			for (t = nt[px]; t < nt[px + 1]; t++) {
				if (och - oc == 1) {
					/* a last single channel: one dot product */
					a[0] = ek_wadd(a[0], dot16(xs[t], ws[t] + oc * wstride, icp));
					continue;
				}
				dot16x4(xs[t], ws[t] + oc * wstride, wstride, icp, d);
				for (k = 0; k < 4; k++)
					a[k] = ek_wadd(a[k], d[k]);
			}
			for (k = 0; k < 4; k++)
				acc[oc + k] = a[k];
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

/*
 * DEPTHWISE_CONV_2D (depth multiplier 1): channels in the lanes, 16 per
 * group, two taps at a time. The input is first converted once to int16
 * x - zx (each input pixel serves up to kh * kw outputs). For a pair of
 * taps the 16 values of each interleave (vpunpcklwd / vpunpckhwd) into
 * (x_a, x_b) pairs of channels 0-3, 8-11 and 4-7, 12-15, and one vpmaddwd
 * against the weights laid out the same way adds x_a (w_a - zw) + x_b
 * (w_b - zw) to each channel's int32 sum (|x - zx|, |w - zw| <= 255: no
 * int16 product or pair sum overflows). Padding taps read a row of zeros;
 * the sums start at the bias: the reference's sum modulo 2^32, like its
 * own. vpackssdw of the two halves puts the channels back in order. Then
 * ek_mbqm() per lane (mbqv()), the output zero point and the clamp.
 */

/* The prepared weights: one allocation (free()). */
struct dw_prep {
	uint32_t ch, taps, groups, pairs;
	int16_t *w;		/* [pairs][groups][2 halves][16]: (w_a, w_b) per lane */
};

/*
 * The weights of @f as int16 pairs (w - zw) for vpmaddwd, as both
 * convolutions read them: 16 channels per block of 64 bytes, lane l of
 * half h channel 8 (l / 4) + 4 h + l % 4, two consecutive taps (k) in
 * each lane; zero past @nc channels and @nk taps. Element (c, k) of @f is
 * at c @cs + k @ks; the block of channel group g and tap pair p is block
 * g @gs + p @ps of @w.
 */
static void pack_pairs16(int16_t *w, const struct ek_tensor *f, uint32_t nc, uint32_t nk,
			 size_t cs, size_t ks, size_t gs, size_t ps)
{
	uint32_t g, p, h, l, kk, c, k;

	for (g = 0; g < (nc + 15) / 16; g++)
		for (p = 0; p < (nk + 1) / 2; p++)
			for (h = 0; h < 2; h++)
				for (l = 0; l < 8; l++)
					for (kk = 0; kk < 2; kk++) {
						c = g * 16 + (l / 4) * 8 + h * 4 + l % 4;
						k = 2 * p + kk;
						w[((g * gs + p * ps) * 2 + h) * 16 + 2 * l + kk] =
							c < nc && k < nk ?
							(int16_t)(ek_ld(f, c * cs + k * ks) - f->zp) : 0;
					}
}

static struct dw_prep *dw_pack(const struct ek_tensor *f)
{
	uint32_t taps = f->d[1] * f->d[2], ch = f->d[3], g = (ch + 15) / 16, np = (taps + 1) / 2;
	struct dw_prep *d;

	if (f->d[0] != 1 || !taps || !ch)
		return NULL;
	d = aalloc(64 + (size_t)np * g * 2 * 16 * 2);
	if (!d)
		return NULL;
	d->ch = ch;
	d->taps = taps;
	d->groups = g;
	d->pairs = np;
	d->w = (int16_t *)((uint8_t *)d + 64);
	/* pair-major: the groups of one tap pair side by side */
	pack_pairs16(d->w, f, ch, taps, 1, ch, 1, g);
	return d;
}

/*
 * ek_mbqm() on 8 lanes with each lane's multiplier (>= 0) and shift:
 * mbqm8()'s arithmetic with per-lane shifts and the odd lanes' multipliers
 * moved to the even slots for vpmuldq.
 */
struct mbqv {
	__m256i m, mo, left, right, mask, half;
	__m256i hb;	/* mbqv_up(): 2^(right - 1), 0 for right 0 */
};

static void mbqv_make(struct mbqv *q, const int32_t mul[8], const int32_t shift[8])
{
	int32_t l[8], r[8], mk[8], hf[8], hb[8];
	int i;

	for (i = 0; i < 8; i++) {
		l[i] = shift[i] > 0 ? shift[i] : 0;
		r[i] = shift[i] > 0 ? 0 : -shift[i];
		mk[i] = (int32_t)((1U << r[i]) - 1);
		hf[i] = (int32_t)(((1U << r[i]) - 1) >> 1);
		hb[i] = r[i] ? (int32_t)(1U << (r[i] - 1)) : 0;
	}
	q->hb = _mm256_loadu_si256((const __m256i *)hb);
	q->m = _mm256_loadu_si256((const __m256i *)mul);
	q->mo = _mm256_srli_epi64(q->m, 32);
	q->left = _mm256_loadu_si256((const __m256i *)l);
	q->right = _mm256_loadu_si256((const __m256i *)r);
	q->mask = _mm256_loadu_si256((const __m256i *)mk);
	q->half = _mm256_loadu_si256((const __m256i *)hf);
}

static inline __m256i mbqv(__m256i x, const struct mbqv *q)
{
	const __m256i n = _mm256_set1_epi64x((int64_t)1 << 30);
	__m256i pe, po, r, rem, thr;

	x = _mm256_sllv_epi32(x, q->left);
	pe = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, q->m), n), 31);
	po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), q->mo), n);
	po = _mm256_slli_epi64(_mm256_srli_epi64(po, 31), 32);
	r = _mm256_blend_epi32(pe, po, 0xaa);
	rem = _mm256_and_si256(r, q->mask);
	thr = _mm256_sub_epi32(q->half, _mm256_srai_epi32(r, 31));
	return _mm256_sub_epi32(_mm256_srav_epi32(r, q->right), _mm256_cmpgt_epi32(rem, thr));
}

/*
 * ek_mbqm_up() on 8 lanes: the same doubling high multiply, v, then
 * (v + 2^(e-1)) >> e, which is (v >> e) plus bit e - 1 of v (no 32-bit
 * overflow on the way).
 */
static inline __m256i mbqv_up(__m256i x, const struct mbqv *q)
{
	const __m256i n = _mm256_set1_epi64x((int64_t)1 << 30), one = _mm256_set1_epi32(1);
	__m256i pe, po, r;

	x = _mm256_sllv_epi32(x, q->left);
	pe = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, q->m), n), 31);
	po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), q->mo), n);
	po = _mm256_slli_epi64(_mm256_srli_epi64(po, 31), 32);
	r = _mm256_blend_epi32(pe, po, 0xaa);
	return _mm256_add_epi32(_mm256_srav_epi32(r, q->right),
				_mm256_min_epu32(_mm256_and_si256(r, q->hb), one));
}

/* Per 16-channel group, per half (channels 0-3, 8-11 / 4-7, 12-15): start and rescale. */
struct dw_half {
	__m256i init;
	struct mbqv q;
};

/*
 * The starting sums (the bias) and rescales of @n channels in the lanes'
 * order, [blocks of 16][2 halves], followed by blocks * 16 int16 zeros
 * (the depthwise padding row). One allocation (free()).
 */
static struct dw_half *lane_terms(const struct ek_op *o, const struct edgeai_prog_conv_params *p,
				  const struct edgeai_prog_qmul *q, uint32_t n)
{
	const struct ek_tensor *b = &o->in[2];
	uint32_t nb = (n + 15) / 16, g, h, l, c;
	struct dw_half *t = aalloc((size_t)nb * 2 * sizeof(*t) + (size_t)nb * 32);

	if (!t)
		return NULL;
	memset(t + 2 * nb, 0, (size_t)nb * 32);
	for (g = 0; g < nb; g++) {
		for (h = 0; h < 2; h++) {
			int32_t init[8], mul[8], shift[8];

			for (l = 0; l < 8; l++) {
				c = g * 16 + (l / 4) * 8 + h * 4 + l % 4;
				init[l] = mul[l] = shift[l] = 0;
				if (c >= n)
					continue;
				init[l] = b->data ? ((const int32_t *)b->data)[c] : 0;
				mul[l] = q ? q[c].multiplier : p->out_multiplier;
				shift[l] = q ? q[c].shift : p->out_shift;
			}
			t[2 * g + h].init = _mm256_loadu_si256((const __m256i *)init);
			mbqv_make(&t[2 * g + h].q, mul, shift);
		}
	}
	return t;
}

struct dw_job {
	const struct ek_op *o;
	const struct dw_prep *d;
	const struct dw_half *gh;	/* [groups][2] */
	const int16_t *x;		/* the input as x - zx, 16 values of slack */
	const int16_t *zrow;		/* groups * 16 zeros */
	_Atomic int failed;		/* no room for a part's taps: the op is declined */
};

/*
 * Group @g of one output pixel from its taps @tap (pairs * 2 pointers to
 * the pixels' channel 0 in the int16 input, or to the zero row); @rest >
 * 0: the last group, of @rest channels (the lanes past them read the
 * next pixel's values, or the slack, against weights of 0), stored whole
 * when the 16 bytes end by @row_end (the bytes past the pixel belong to
 * the pixels after it in the row, written later by this same part), else
 * through a copy.
 */
static inline void dw_group(const struct dw_job *dj, const int16_t *const *tap, uint32_t g,
			    uint32_t rest, uint8_t *dst, const uint8_t *row_end, int s8, __m256i zo,
			    __m256i lo, __m256i hi)
{
	const struct dw_prep *d = dj->d;
	const struct dw_half *gh = dj->gh + 2 * g;
	const __m256i *w = (const __m256i *)d->w + 2 * g;
	__m256i a0 = gh[0].init, a1 = gh[1].init, r;
	uint32_t p, off = 16 * g;

	for (p = 0; p < d->pairs; p++, w += 2 * d->groups) {
		__m256i xa = _mm256_loadu_si256((const __m256i *)(tap[2 * p] + off));
		__m256i xb = _mm256_loadu_si256((const __m256i *)(tap[2 * p + 1] + off));

		a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_unpacklo_epi16(xa, xb),
							     _mm256_load_si256(w)));
		a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_unpackhi_epi16(xa, xb),
							     _mm256_load_si256(w + 1)));
	}
	a0 = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(mbqv(a0, &gh[0].q), zo), lo), hi);
	a1 = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(mbqv(a1, &gh[1].q), zo), lo), hi);
	/* channels 0-7 | 8-15 as int16, every value in the 8-bit type's range */
	r = _mm256_packs_epi32(a0, a1);
	r = s8 ? _mm256_packs_epi16(r, r) : _mm256_packus_epi16(r, r);
	r = _mm256_permute4x64_epi64(r, 0x08);
	if (rest && dst + off + 16 > row_end) {
		uint8_t t[16];

		_mm_storeu_si128((__m128i *)t, _mm256_castsi256_si128(r));
		memcpy(dst + off, t, rest);
	} else {
		_mm_storeu_si128((__m128i *)(dst + off), _mm256_castsi256_si128(r));
	}
}

/* Output rows [begin, end) (image * oh + row). */
static void dw_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct dw_job *dj = ctx;
	const struct ek_op *o = dj->o;
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t ch = in->d[3], kh = f->d[1], kw = f->d[2], taps = kh * kw, full = ch / 16;
	uint32_t r, ox, ky, kx, g, t;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	int32_t ylast = (int32_t)((kh - 1) * p->dilation_h), xlast = (int32_t)((kw - 1) * p->dilation_w);
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	const __m256i zo = _mm256_set1_epi32(out->zp), lo = _mm256_set1_epi32(p->act_min);
	const __m256i hi = _mm256_set1_epi32(p->act_max);
	const int16_t **tap = malloc((size_t)dj->d->pairs * 2 * sizeof(*tap) + taps * sizeof(size_t));
	size_t *toff;

	if (!tap) {
		dj->failed = 1;
		return;
	}
	toff = (size_t *)(tap + 2 * dj->d->pairs);
	/* the taps of a window wholly inside the input: these offsets from its first */
	for (ky = 0; ky < kh; ky++)
		for (kx = 0; kx < kw; kx++)
			toff[ky * kw + kx] = ((size_t)ky * p->dilation_h * (uint32_t)w +
					      (size_t)kx * p->dilation_w) * ch;
	/* an odd last tap's partner: weight 0 */
	tap[2 * dj->d->pairs - 1] = dj->zrow;
	for (r = begin; r < end; r++) {
		uint32_t n = r / out->d[1], oy = r % out->d[1];
		int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		const int16_t *img = dj->x + (size_t)n * in->d[1] * in->d[2] * ch;
		uint8_t *dst = (uint8_t *)out->data + (size_t)r * out->d[2] * ch;
		const uint8_t *row_end = dst + (size_t)out->d[2] * ch;
		int yin = y0 >= 0 && y0 + ylast < h;

		for (ox = 0; ox < out->d[2]; ox++, dst += ch) {
			int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;

			if (yin && x0 >= 0 && x0 + xlast < w) {
				const int16_t *base = img + ((size_t)y0 * (uint32_t)w + (uint32_t)x0) * ch;

				for (t = 0; t < taps; t++)
					tap[t] = base + toff[t];
			} else {
				for (ky = 0; ky < kh; ky++) {
					int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

					for (kx = 0; kx < kw; kx++) {
						int32_t ix = x0 + (int32_t)(kx * p->dilation_w);

						tap[ky * kw + kx] =
							iy < 0 || iy >= h || ix < 0 || ix >= w ? dj->zrow :
							img + ((size_t)iy * (uint32_t)w + (uint32_t)ix) * ch;
					}
				}
			}
			for (g = 0; g < full; g++)
				dw_group(dj, tap, g, 0, dst, row_end, s8, zo, lo, hi);
			if (ch % 16)
				dw_group(dj, tap, full, ch % 16, dst, row_end, s8, zo, lo, hi);
		}
	}
	free(tap);
}

/* Input rows [begin, end) (image * h + row) to int16 x - zx. */
struct dw_cvt {
	const struct ek_tensor *in;
	int16_t *x;
};

static void dw_convert(void *ctx, uint32_t begin, uint32_t end)
{
	const struct dw_cvt *cv = ctx;
	size_t row = (size_t)cv->in->d[2] * cv->in->d[3];

	to16_fast(cv->x + begin * row, (const uint8_t *)cv->in->data + begin * row,
		  (uint32_t)((end - begin) * row), cv->in->dtype, cv->in->zp);
}

static int depthwise(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t ch = in->d[3], taps = f->d[1] * f->d[2], rows = out->d[0] * out->d[1];
	const struct dw_prep *d = prep;
	struct dw_prep *own = NULL;
	const struct edgeai_prog_qmul *q;
	struct dw_job dj = { .o = o };
	struct dw_cvt cv = { .in = in };
	struct dw_half *gh;
	size_t count = ek_count(in);
	int ok;

	/* the clamp in the type's range (the vector packs saturate; ek_st() would wrap) */
	if (!exec_dw_shape_ok(o) || p->act_min < (in->dtype == EDGEAI_DTYPE_INT8 ? -128 : 0) ||
	    p->act_max > (in->dtype == EDGEAI_DTYPE_INT8 ? 127 : 255))
		return EXEC_OPT_NOT_HANDLED;
	q = qmuls(o, p, ch, &ok);
	if (!ok)
		return EXEC_OPT_NOT_HANDLED;
	if (!d || d->ch != ch || d->taps != taps)
		d = own = dw_pack(f);
	if (!d)
		return EXEC_OPT_NOT_HANDLED;
	gh = lane_terms(o, p, q, ch);
	cv.x = aalloc((count + 16) * 2);
	if (!gh || !cv.x) {
		free(gh);
		free(cv.x);
		free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	/* the slack a last group reads past the input, against weights of 0 */
	memset(cv.x + count, 0, 32);
	if (exec_par_worth(count * 2))
		exec_par_for(in->d[0] * in->d[1], dw_convert, &cv);
	else
		dw_convert(&cv, 0, in->d[0] * in->d[1]);
	dj.d = d;
	dj.gh = gh;
	dj.x = cv.x;
	dj.zrow = (const int16_t *)(gh + 2 * d->groups);
	if (exec_par_worth((uint64_t)ek_count(out) * taps / 4))
		exec_par_for(rows, dw_rows, &dj);
	else
		dw_rows(&dj, 0, rows);
	free(cv.x);
	free(gh);
	free(own);
	/* a part that had no room wrote nothing: the reference then writes every output */
	return dj.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

/*
 * CONV_2D: output channels in the lanes, 16 per block, for CONV_PIX output
 * pixels at a time. Each pixel's patch (its taps' input channels, the
 * filter's order) as int16 x - zx (padding taps 0, as the reference
 * adds nothing for them), padded to an even length; per pair of patch
 * values, one vpbroadcastd of the (x_k, x_k+1) pair and one vpmaddwd
 * against the weights (w_k - zw, w_k+1 - zw) of 8 output channels adds
 * both products (|x - zx|, |w - zw| <= 255: no int16 product or pair
 * sum overflows) to the channels' int32 sums, which start at the bias:
 * the reference's sums modulo 2^32, in another order. Output channels are
 * laid out 0-3, 8-11 / 4-7, 12-15 in the two vectors of a block so that
 * vpackssdw puts them back in order; then ek_mbqm_up() per lane
 * (mbqv_up()), the zero point and the clamp.
 */
#define CONV_PIX 4

/* The prepared weights: one allocation (free()). */
struct conv_prep {
	uint32_t och, k, pairs, blocks;
	int16_t *w;	/* [blocks][pairs][2 halves][8 lanes][2] */
};

static struct conv_prep *conv_pack(const struct ek_tensor *f)
{
	uint32_t och = f->d[0], k = f->d[1] * f->d[2] * f->d[3], pairs = (k + 1) / 2;
	uint32_t nb = (och + 15) / 16;
	struct conv_prep *d;

	if (!och || !k)
		return NULL;
	d = aalloc(64 + (size_t)nb * pairs * 64);
	if (!d)
		return NULL;
	d->och = och;
	d->k = k;
	d->pairs = pairs;
	d->blocks = nb;
	d->w = (int16_t *)((uint8_t *)d + 64);
	/* block-major: one block of 16 output channels over all its pairs */
	pack_pairs16(d->w, f, och, k, k, 1, pairs, 1);
	return d;
}

struct conv_job {
	const struct ek_op *o;
	const struct conv_prep *d;
	const struct dw_half *bh;	/* [blocks][2]: the bias and the rescale */
	uint32_t pixels, kp;		/* output pixels; patch row length (even) */
	_Atomic int failed;		/* no room for a part's patches: the op is declined */
};

/* The sums of output channel block @b of @np pixels (patches @x, @kp apart) into @dst[i]. */
static inline __attribute__((always_inline)) void
conv_tile(const struct conv_job *cj, const int16_t *x, uint32_t b, int np, uint8_t *const *dst,
	  int s8, __m256i zo, __m256i lo, __m256i hi)
{
	const struct conv_prep *d = cj->d;
	const struct dw_half *bh = cj->bh + 2 * b;
	const __m256i *w = (const __m256i *)d->w + (size_t)b * d->pairs * 2;
	uint32_t j, off = 16 * b, rest = d->och - off < 16 ? d->och - off : 0;
	__m256i a[CONV_PIX][2];
	int i;

	_Pragma("GCC unroll 4")
	for (i = 0; i < np; i++) {
		a[i][0] = bh[0].init;
		a[i][1] = bh[1].init;
	}
	for (j = 0; j < d->pairs; j++, w += 2) {
		__m256i w0 = _mm256_load_si256(w), w1 = _mm256_load_si256(w + 1);

		_Pragma("GCC unroll 4")
		for (i = 0; i < np; i++) {
			int32_t pr;
			__m256i v;

			memcpy(&pr, x + (size_t)i * cj->kp + 2 * j, 4);
			v = _mm256_set1_epi32(pr);
			a[i][0] = _mm256_add_epi32(a[i][0], _mm256_madd_epi16(v, w0));
			a[i][1] = _mm256_add_epi32(a[i][1], _mm256_madd_epi16(v, w1));
		}
	}
	_Pragma("GCC unroll 4")
	for (i = 0; i < np; i++) {
		__m256i r0 = _mm256_add_epi32(mbqv_up(a[i][0], &bh[0].q), zo);
		__m256i r1 = _mm256_add_epi32(mbqv_up(a[i][1], &bh[1].q), zo), r;

		r0 = _mm256_min_epi32(_mm256_max_epi32(r0, lo), hi);
		r1 = _mm256_min_epi32(_mm256_max_epi32(r1, lo), hi);
		/* channels 0-7 | 8-15 as int16, every value in the 8-bit type's range */
		r = _mm256_packs_epi32(r0, r1);
		r = s8 ? _mm256_packs_epi16(r, r) : _mm256_packus_epi16(r, r);
		r = _mm256_permute4x64_epi64(r, 0x08);
		if (rest) {
			uint8_t t[16];

			_mm_storeu_si128((__m128i *)t, _mm256_castsi256_si128(r));
			memcpy(dst[i] + off, t, rest);
		} else {
			_mm_storeu_si128((__m128i *)(dst[i] + off), _mm256_castsi256_si128(r));
		}
	}
}

/*
 * A run of @n input bytes at @src (the input ends at @end) as int16 x -
 * zx at @dst, 16 at a time: up to 15 values past @n are written too
 * (from the bytes after the run, or any), for the caller to overwrite or
 * to meet weights of 0.
 */
static inline void patch16(int16_t *dst, const uint8_t *src, uint32_t n, const uint8_t *end,
			   int s8, __m256i vz)
{
	uint32_t i;

	for (i = 0; i < n; i += 16) {
		__m128i v;

		if (src + i + 16 <= end) {
			v = _mm_loadu_si128((const __m128i *)(src + i));
		} else {
			uint8_t t[16] = { 0 };

			memcpy(t, src + i, n - i < 16 ? n - i : 16);
			v = _mm_loadu_si128((const __m128i *)t);
		}
		_mm256_storeu_si256((__m256i *)(dst + i),
				    _mm256_sub_epi16(s8 ? _mm256_cvtepi8_epi16(v) :
						     _mm256_cvtepu8_epi16(v), vz));
	}
}

/* Blocks [begin, end) of CONV_PIX output pixels (the last may be shorter). */
static void conv_blocks(void *ctx, uint32_t begin, uint32_t end)
{
	struct conv_job *cj = ctx;
	const struct ek_op *o = cj->o;
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t ic = in->d[3], kh = f->d[1], kw = f->d[2], och = out->d[3], kp = cj->kp;
	uint32_t oh = out->d[1], ow = out->d[2], blk, b, ky, kx;
	uint32_t n, oy, ox;	/* the next pixel's image, row and column */
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	int s8 = in->dtype == EDGEAI_DTYPE_INT8, np, i;
	const __m256i zo = _mm256_set1_epi32(out->zp), lo = _mm256_set1_epi32(p->act_min);
	const __m256i hi = _mm256_set1_epi32(p->act_max);
	/* room for the last run's overrun (patch16()) */
	int16_t *x = aalloc(((size_t)CONV_PIX * kp + 16) * 2);
	const uint8_t *in_end = (const uint8_t *)in->data + ek_count(in);
	const __m256i vz = _mm256_set1_epi16((int16_t)in->zp);
	uint8_t *dst[CONV_PIX];

	if (!x) {
		cj->failed = 1;
		return;
	}
	/* what no run writes (the pad past k, rows past a short block's) is read against 0 weights */
	memset(x, 0, ((size_t)CONV_PIX * kp + 16) * 2);
	/* then counted up, no division per pixel (an empty part has nothing to find) */
	n = begin < end ? begin * CONV_PIX / (oh * ow) : 0;
	oy = begin < end ? begin * CONV_PIX / ow % oh : 0;
	ox = begin < end ? begin * CONV_PIX % ow : 0;
	for (blk = begin; blk < end; blk++) {
		uint32_t px0 = blk * CONV_PIX;

		np = cj->pixels - px0 < CONV_PIX ? (int)(cj->pixels - px0) : CONV_PIX;
		for (i = 0; i < np; i++) {
			uint32_t px = px0 + (uint32_t)i;
			int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
			int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
			int16_t *row = x + (size_t)i * kp;

			dst[i] = (uint8_t *)out->data + (size_t)px * och;
			/* in filter order: a run's overrun is rewritten by the runs after it */
			for (ky = 0; ky < kh; ky++) {
				int32_t iy = y0 + (int32_t)(ky * p->dilation_h);
				int16_t *t = row + ky * kw * ic;

				if (iy < 0 || iy >= h) {
					memset(t, 0, (size_t)kw * ic * 2);
					continue;
				}
				if (p->dilation_w == 1 && x0 >= 0 && x0 + (int32_t)kw <= w) {
					/* the filter row's taps: one run of input */
					patch16(t, (const uint8_t *)in->data +
						ek_idx(in, n, (uint32_t)iy, (uint32_t)x0, 0), kw * ic,
						in_end, s8, vz);
					continue;
				}
				for (kx = 0; kx < kw; kx++, t += ic) {
					int32_t ix = x0 + (int32_t)(kx * p->dilation_w);

					if (ix < 0 || ix >= w)
						memset(t, 0, (size_t)ic * 2);
					else
						patch16(t, (const uint8_t *)in->data +
							ek_idx(in, n, (uint32_t)iy, (uint32_t)ix, 0), ic,
							in_end, s8, vz);
				}
			}
			if (++ox == ow) {
				ox = 0;
				if (++oy == oh) {
					oy = 0;
					n++;
				}
			}
		}
		for (b = 0; b < cj->d->blocks; b++) {
			switch (np) {
			case 4:
				conv_tile(cj, x, b, 4, dst, s8, zo, lo, hi);
				break;
			case 3:
				conv_tile(cj, x, b, 3, dst, s8, zo, lo, hi);
				break;
			case 2:
				conv_tile(cj, x, b, 2, dst, s8, zo, lo, hi);
				break;
			default:
				conv_tile(cj, x, b, 1, dst, s8, zo, lo, hi);
				break;
			}
		}
	}
	free(x);
}

static int conv(const struct ek_op *o, const void *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ic = in->d[3], k = f->d[1] * f->d[2] * ic, och = out->d[3], blocks;
	const struct conv_prep *d = prep;
	struct conv_prep *own = NULL;
	const struct edgeai_prog_qmul *q;
	struct conv_job cj = { .o = o };
	int ok, s8 = in->dtype == EDGEAI_DTYPE_INT8;

	/* the clamp in the type's range (the vector packs saturate; ek_st() would wrap) */
	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    f->d[3] != ic || f->d[0] != och || in->d[0] != out->d[0] || !k ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)) ||
	    p->act_min < (s8 ? -128 : 0) || p->act_max > (s8 ? 127 : 255))
		return EXEC_OPT_NOT_HANDLED;
	q = qmuls(o, p, och, &ok);
	if (!ok)
		return EXEC_OPT_NOT_HANDLED;
	if (!d || d->och != och || d->k != k)
		d = own = conv_pack(f);
	if (!d)
		return EXEC_OPT_NOT_HANDLED;
	cj.bh = lane_terms(o, p, q, och);
	if (!cj.bh) {
		free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	cj.d = d;
	cj.pixels = out->d[0] * out->d[1] * out->d[2];
	cj.kp = 2 * d->pairs;
	blocks = (cj.pixels + CONV_PIX - 1) / CONV_PIX;
	if (exec_par_worth((uint64_t)ek_count(out) * k / 8))
		exec_par_for(blocks, conv_blocks, &cj);
	else
		conv_blocks(&cj, 0, blocks);
	free((void *)cj.bh);
	free(own);
	/* a part that had no room wrote nothing: the reference then writes every output */
	return cj.failed ? EXEC_OPT_NOT_HANDLED : 0;
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
 * RESIZE_BILINEAR of int8 tensors (EDGEAI_RESIZE_FIXED10): the reference's
 * 64-bit sum of the four taps times their 10.10 fixed-point weights fits
 * in 32 bits when the weights do (checked: |w_lo| + |w_hi| <= 4000 on
 * each axis, so |sum| < 128 * 4000^2 < 2^31 - 2^19; half-pixel centres
 * give weights a little outside 0..1024 at the edges), so eight lanes at
 * a time in int32: the rows' weighted sums V (resize_vrow()), then each
 * output pixel's two columns of V weighted, with the reference's
 * rounding (half away from zero, then / 2^20 toward zero) (resize_px());
 * exec_resize_bilinear() (cpu-common.c) walks the rows and pixels and
 * does the rest. The float arithmetic of uint8: resize_f32_px() below.
 */
static uint32_t resize_vrow(const int8_t *lo, const int8_t *hi, int32_t wl, int32_t wh,
			    int32_t *v, uint32_t n)
{
	const __m256i l = _mm256_set1_epi32(wl), h = _mm256_set1_epi32(wh);
	uint32_t j;

	for (j = 0; j + 8 <= n; j += 8) {
		__m256i a = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(lo + j)));
		__m256i b = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(hi + j)));

		_mm256_storeu_si256((__m256i *)(v + j),
				    _mm256_add_epi32(_mm256_mullo_epi32(a, l), _mm256_mullo_epi32(b, h)));
	}
	return j;
}

static uint32_t resize_px(const int32_t *a, const int32_t *b, int32_t wl, int32_t wh,
			  int8_t *dst, uint32_t ch)
{
	const __m256i half = _mm256_set1_epi32(1 << 19), zero = _mm256_setzero_si256();
	const __m256i l = _mm256_set1_epi32(wl), h = _mm256_set1_epi32(wh);
	uint32_t c;

	for (c = 0; c + 8 <= ch; c += 8) {
		__m256i acc = _mm256_add_epi32(
			_mm256_mullo_epi32(_mm256_loadu_si256((const __m256i *)(a + c)), l),
			_mm256_mullo_epi32(_mm256_loadu_si256((const __m256i *)(b + c)), h));
		__m256i neg, res;
		__m128i pk;

		/* half away from zero, then truncate toward zero */
		neg = _mm256_cmpgt_epi32(zero, acc);
		res = _mm256_abs_epi32(acc);
		res = _mm256_add_epi32(res, _mm256_andnot_si256(_mm256_cmpeq_epi32(acc, zero), half));
		res = _mm256_srli_epi32(res, 20);
		res = _mm256_sub_epi32(_mm256_xor_si256(res, neg), neg);
		pk = _mm_packs_epi32(_mm256_castsi256_si128(res), _mm256_extracti128_si256(res, 1));
		_mm_storel_epi64((__m128i *)(dst + c), _mm_packs_epi16(pk, pk));
	}
	return c;
}

/*
 * RESIZE_BILINEAR's float arithmetic (uint8), eight channels of a pixel
 * at a time for exec_resize_bl_f32() (cpu-common.c): the taps to binary32,
 * times their weight products, added in the reference's order (an empty
 * asm after each product: no fused multiply-add), + 0.5, truncated,
 * clamped to the type. Of the channels past the last multiple of eight,
 * the last eight are done again (the same values written twice) when
 * there are eight.
 */
static inline __m256 ld8f(const uint8_t *p, int s8)
{
	__m128i raw = _mm_loadl_epi64((const __m128i *)p);

	return _mm256_cvtepi32_ps(s8 ? _mm256_cvtepi8_epi32(raw) : _mm256_cvtepu8_epi32(raw));
}

static uint32_t resize_f32_px(const uint8_t *const tap[4], const float s[4], uint8_t *dst,
			      uint32_t ch, int s8)
{
	const __m256 half = _mm256_set1_ps(0.5f);
	const __m256i lo = _mm256_set1_epi32(s8 ? -128 : 0), hi = _mm256_set1_epi32(s8 ? 127 : 255);
	uint32_t c;
	int k;

	for (c = 0; c < ch; c += 8) {
		__m256 v, t;
		__m256i q;
		__m128i pk;

		/* a last part of the channels: the last eight again */
		if (c + 8 > ch) {
			if (ch < 8)
				break;
			c = ch - 8;
		}
		v = _mm256_mul_ps(ld8f(tap[0] + c, s8), _mm256_set1_ps(s[0]));
		for (k = 1; k < 4; k++) {
			t = _mm256_mul_ps(ld8f(tap[k] + c, s8), _mm256_set1_ps(s[k]));
			__asm__("" : "+x"(t), "+x"(v));
			v = _mm256_add_ps(v, t);
		}
		q = _mm256_cvttps_epi32(_mm256_add_ps(v, half));
		q = _mm256_min_epi32(_mm256_max_epi32(q, lo), hi);
		pk = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
		_mm_storel_epi64((__m128i *)(dst + c), s8 ? _mm_packs_epi16(pk, pk) :
							    _mm_packus_epi16(pk, pk));
	}
	return c;
}

/*
 * The binary elementwise ops in any broadcast form, 8-bit: the walk is
 * exec_binary_run()'s (cpu-common.c); here the runs both inputs read
 * contiguously. ADD/SUB: each input's rescale by byte value from the
 * walk's tables; MAXIMUM/MINIMUM: 32 bytes at a time.
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

/*
 * The rescales of a binary op: the output's; for ADD/SUB whose input
 * rescales suit mbqm8() (multipliers >= 0, shifts -31..30: @arith), each
 * input's too, or (@sha, @shb) a halving: TFLite rescales the input of
 * the larger scale to twice its scale, a multiplier of 2^30 with shift 0,
 * and ek_mbqm(X, 2^30, 0) of an even X (x << left_shift, left_shift >=
 * 1) is exactly X / 2.
 */
struct add_in8 {
	int fast;		/* exec_add_in's (cpu-opt.h): 1, 2; 0: mbqm8() */
	__m256i mh, ml, c2, c3, half;
	__m128i k, e, lg;
};

struct bin_vec {
	struct mbqm8 out, ina, inb;
	struct add_in8 fa, fb;
	__m128i ls;		/* left_shift */
	int arith, sha, shb;
};

static void add_in8_make(struct add_in8 *ai, int32_t mul, int32_t shift, uint32_t ls, int32_t za)
{
	struct exec_add_in t;

	exec_add_in_make(&t, mul, shift, ls, za);
	ai->fast = t.fast;
	ai->mh = _mm256_set1_epi32(t.mh);
	ai->ml = _mm256_set1_epi32(t.ml);
	ai->c2 = _mm256_set1_epi32(t.c2);
	ai->c3 = _mm256_set1_epi32(t.c3);
	ai->half = _mm256_set1_epi32(t.half);
	ai->k = _mm_cvtsi32_si128(t.k);
	ai->e = _mm_cvtsi32_si128(t.e);
	ai->lg = _mm_cvtsi32_si128(t.lg);
}

/*
 * The rescaled input of the stored values @x (zero point not subtracted):
 * in 32-bit lanes where exec_add_in_make() found the terms (@f->fast),
 * else minus the zero point @z, << left_shift and mbqm8() (or a halving,
 * @half).
 */
static inline __m256i add_in8(__m256i x, __m256i z, const struct add_in8 *f,
			      const struct mbqm8 *q, int half, __m128i ls)
{
	if (f->fast == 2)
		return _mm256_add_epi32(_mm256_sll_epi32(x, f->lg), f->c3);
	if (f->fast == 1) {
		__m256i lo = _mm256_sra_epi32(_mm256_add_epi32(_mm256_mullo_epi32(x, f->ml), f->c2),
					      f->k);
		__m256i w = _mm256_add_epi32(_mm256_add_epi32(_mm256_mullo_epi32(x, f->mh), lo),
					     f->c3);

		/* w - 2^(e-1) < 0: one less (e = 0: half is INT32_MIN, never above w) */
		w = _mm256_add_epi32(w, _mm256_cmpgt_epi32(f->half, w));
		return _mm256_sra_epi32(w, f->e);
	}
	x = _mm256_sll_epi32(_mm256_sub_epi32(x, z), ls);
	return half ? _mm256_srai_epi32(x, 1) : mbqm8(x, q);
}

/*
 * ADD/SUB of @n channels, 8 at a time, in arithmetic: each input minus
 * its zero point, << left_shift (wrapping as the reference's uint32
 * shift), its rescale (in 32-bit lanes where add_in8() can), the wrapping
 * sum or difference, the output rescale, zero point and clamp: the
 * reference's steps on 8 lanes.
 * Inputs as binary8()'s. Returns the channels done.
 */
static inline __attribute__((always_inline)) __m256i
add8_vec(const struct bin_vec *v, __m128i la, __m128i lb, int s8, int sub, __m256i za, __m256i zb,
	 __m256i vzo, __m256i vlo, __m256i vhi)
{
	__m256i x = s8 ? _mm256_cvtepi8_epi32(la) : _mm256_cvtepu8_epi32(la);
	__m256i y = s8 ? _mm256_cvtepi8_epi32(lb) : _mm256_cvtepu8_epi32(lb), r;

	x = add_in8(x, za, &v->fa, &v->ina, v->sha, v->ls);
	y = add_in8(y, zb, &v->fb, &v->inb, v->shb, v->ls);
	r = sub ? _mm256_sub_epi32(x, y) : _mm256_add_epi32(x, y);
	r = _mm256_add_epi32(mbqm8(r, &v->out), vzo);
	return _mm256_min_epi32(_mm256_max_epi32(r, vlo), vhi);
}

static uint32_t add8(const struct ek_op *o, const struct bin_vec *v, const uint8_t *pa,
		     const uint8_t *pb, uint32_t astep, uint32_t bstep, uint8_t *dst, uint32_t n,
		     int32_t lo, int32_t hi)
{
	/* a copy: the byte stores below cannot alias it, its terms stay in registers */
	const struct bin_vec vv = *v;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1];
	int s8 = o->out.dtype == EDGEAI_DTYPE_INT8, sub = o->op->opcode == EDGEAI_OP_SUB;
	const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
	const __m256i vzo = _mm256_set1_epi32(o->out.zp), za = _mm256_set1_epi32(a->zp);
	const __m256i zb = _mm256_set1_epi32(b->zp);
	/* dword 4 k + L of the packed bytes: vector k's lanes 4 L..4 L + 3 (128-bit lane L) */
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
	const __m128i sa = _mm_set1_epi8((char)*pa), sb = _mm_set1_epi8((char)*pb);
	uint32_t c, k;

	/* 32 at a time: the lanes are in [lo, hi], inside the 8-bit range, so the packs saturate nothing */
	for (c = 0; c + 32 <= n; c += 32) {
		__m256i r[4], p01, p23;

		for (k = 0; k < 4; k++)
			r[k] = add8_vec(&vv,
					astep ? _mm_loadl_epi64((const __m128i *)(pa + c + 8 * k)) : sa,
					bstep ? _mm_loadl_epi64((const __m128i *)(pb + c + 8 * k)) : sb,
					s8, sub, za, zb, vzo, vlo, vhi);
		p01 = _mm256_packs_epi32(r[0], r[1]);
		p23 = _mm256_packs_epi32(r[2], r[3]);
		p01 = s8 ? _mm256_packs_epi16(p01, p23) : _mm256_packus_epi16(p01, p23);
		_mm256_storeu_si256((__m256i *)(dst + c), _mm256_permutevar8x32_epi32(p01, order));
	}
	for (; c + 8 <= n; c += 8) {
		__m256i r = add8_vec(&vv, astep ? _mm_loadl_epi64((const __m128i *)(pa + c)) : sa,
				     bstep ? _mm_loadl_epi64((const __m128i *)(pb + c)) : sb, s8, sub,
				     za, zb, vzo, vlo, vhi);

		r = _mm256_packs_epi32(r, r);
		r = _mm256_permute4x64_epi64(r, 0x08);
		_mm_storel_epi64((__m128i *)(dst + c),
				 s8 ? _mm_packs_epi16(_mm256_castsi256_si128(r), _mm256_castsi256_si128(r)) :
				      _mm_packus_epi16(_mm256_castsi256_si128(r),
						       _mm256_castsi256_si128(r)));
	}
	return c;
}

static uint32_t binary_row(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb,
			   uint8_t *dst, uint32_t n)
{
	const struct ek_op *o = bj->o;
	const struct bin_vec *v = bj->vec;
	uint32_t op = o->op->opcode, c = 0;
	int s8 = bj->s8, mx = op == EDGEAI_OP_MAXIMUM;

	if ((op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB) && v->arith)
		return add8(o, v, pa, pb, (uint32_t)bj->ca, (uint32_t)bj->cb, dst, n, bj->lo, bj->hi);
	if (op != EDGEAI_OP_MAXIMUM && op != EDGEAI_OP_MINIMUM)
		return binary8(o, pa, pb, (uint32_t)bj->ca, (uint32_t)bj->cb, dst, n, bj->ta, bj->tb,
			       &v->out, o->out.zp, bj->lo, bj->hi);
	for (; c + 32 <= n; c += 32) {
		/* an input broadcast along the run: its byte in every lane */
		__m256i x = bj->ca ? _mm256_loadu_si256((const __m256i *)(pa + c)) :
				     _mm256_set1_epi8((char)*pa);
		__m256i y = bj->cb ? _mm256_loadu_si256((const __m256i *)(pb + c)) :
				     _mm256_set1_epi8((char)*pb);

		x = mx ? (s8 ? _mm256_max_epi8(x, y) : _mm256_max_epu8(x, y)) :
			 (s8 ? _mm256_min_epi8(x, y) : _mm256_min_epu8(x, y));
		_mm256_storeu_si256((__m256i *)(dst + c), x);
	}
	return c;
}

static int binary(const struct ek_op *o)
{
	const struct edgeai_prog_add_params *ap = (const void *)o->op->params;
	uint32_t op = o->op->opcode;
	struct exec_binary bj;
	struct bin_vec v = { .arith = 0 };

	if (exec_binary_init(&bj, o))
		return EXEC_OPT_NOT_HANDLED;
	mbqm8_make(&v.out, bj.mul, bj.shift);
	/* exec_binary_init() checked left_shift <= 30 */
	if ((op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB) &&
	    shift_ok(ap->in0_multiplier, ap->in0_shift) &&
	    shift_ok(ap->in1_multiplier, ap->in1_shift)) {
		v.arith = 1;
		v.ls = _mm_cvtsi32_si128((int)ap->left_shift);
		v.sha = ap->left_shift >= 1 && ap->in0_multiplier == 1 << 30 && !ap->in0_shift;
		v.shb = ap->left_shift >= 1 && ap->in1_multiplier == 1 << 30 && !ap->in1_shift;
		mbqm8_make(&v.ina, ap->in0_multiplier, ap->in0_shift);
		mbqm8_make(&v.inb, ap->in1_multiplier, ap->in1_shift);
		add_in8_make(&v.fa, ap->in0_multiplier, ap->in0_shift, ap->left_shift, o->in[0].zp);
		add_in8_make(&v.fb, ap->in1_multiplier, ap->in1_shift, ap->left_shift, o->in[1].zp);
	}
	bj.row = binary_row;
	bj.vec = &v;
	exec_binary_run(&bj);
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

/*
 * MEAN's sums (exec_mean_sum_fn): 32 channels at a time, the pixels'
 * values widened to int16 and added in registers for up to MEAN_RUN
 * pixels (|sum| <= 128 * 255 fits), then widened into the int32 sums,
 * which stay in registers for all @npx pixels; the last channels 8 and
 * then 1 at a time.
 */
#define MEAN_RUN 128
static inline __m256i w16(__m128i x, int s8)
{
	return s8 ? _mm256_cvtepi8_epi16(x) : _mm256_cvtepu8_epi16(x);
}

static void mean_sum(int32_t *acc, const uint8_t *src, uint32_t n, size_t stride, uint32_t npx,
		     int s8)
{
	uint32_t c = 0, k, k0;

	for (; c + 32 <= n; c += 32) {
		__m256i a[4];
		int j;

		for (j = 0; j < 4; j++)
			a[j] = _mm256_loadu_si256((const __m256i *)(acc + c + 8 * j));
		for (k0 = 0; k0 < npx; k0 += MEAN_RUN) {
			uint32_t k1 = npx - k0 < MEAN_RUN ? npx : k0 + MEAN_RUN;
			__m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
			const uint8_t *p = src + (size_t)k0 * stride + c;

			for (k = k0; k < k1; k++, p += stride) {
				s0 = _mm256_add_epi16(s0, w16(_mm_loadu_si128((const __m128i *)p), s8));
				s1 = _mm256_add_epi16(s1, w16(_mm_loadu_si128((const __m128i *)(p + 16)), s8));
			}
			a[0] = _mm256_add_epi32(a[0], _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s0)));
			a[1] = _mm256_add_epi32(a[1], _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s0, 1)));
			a[2] = _mm256_add_epi32(a[2], _mm256_cvtepi16_epi32(_mm256_castsi256_si128(s1)));
			a[3] = _mm256_add_epi32(a[3], _mm256_cvtepi16_epi32(_mm256_extracti128_si256(s1, 1)));
		}
		for (j = 0; j < 4; j++)
			_mm256_storeu_si256((__m256i *)(acc + c + 8 * j), a[j]);
	}
	for (; c + 8 <= n; c += 8) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(acc + c));
		const uint8_t *p = src + c;

		for (k = 0; k < npx; k++, p += stride) {
			__m128i raw = _mm_loadl_epi64((const __m128i *)p);

			a = _mm256_add_epi32(a, s8 ? _mm256_cvtepi8_epi32(raw) : _mm256_cvtepu8_epi32(raw));
		}
		_mm256_storeu_si256((__m256i *)(acc + c), a);
	}
	for (; c < n; c++)
		for (k = 0; k < npx; k++)
			acc[c] += ld8(src + (size_t)k * stride + c, s8);
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
 * MAX_POOL_2D: the maximum of the in-bounds taps (padding taps take no
 * part; a window entirely in the padding gives the type's minimum), then
 * the clamp, 32 channels at a time (vpmaxsb / vpmaxub); a last block
 * shorter than 32 is done as the 32 (16, 8) channels that end there,
 * overlapping the block before: the same maxima written twice. Under 8
 * channels, one at a time. Output rows [begin, end) (image * oh + row)
 * per part.
 */
struct maxpool_job {
	const struct ek_op *o;
	int32_t lo, hi;		/* the clamp within the type's range */
};

static inline __m256i max32(__m256i a, __m256i b, int s8)
{
	return s8 ? _mm256_max_epi8(a, b) : _mm256_max_epu8(a, b);
}

static inline __m128i max16(__m128i a, __m128i b, int s8)
{
	return s8 ? _mm_max_epi8(a, b) : _mm_max_epu8(a, b);
}

/*
 * Channels [c, c + @nb) (32, 16 or 8) of one output pixel: the window's
 * @ny rows of @nx pixels from @src (its first in-bounds pixel), @rs bytes
 * a row, @ps a pixel.
 */
static inline void maxpool_block(const uint8_t *src, int32_t ny, int32_t nx, size_t rs, size_t ps,
				 uint32_t c, uint32_t nb, uint8_t *dst, int s8, int32_t tmin,
				 int32_t lo, int32_t hi)
{
	int32_t y, x;

	src += c;
	if (nb == 32) {
		__m256i v = _mm256_set1_epi8((char)tmin);

		for (y = 0; y < ny; y++)
			for (x = 0; x < nx; x++)
				v = max32(v, _mm256_loadu_si256((const __m256i *)(src + y * rs +
										   x * ps)), s8);
		v = max32(v, _mm256_set1_epi8((char)lo), s8);
		v = s8 ? _mm256_min_epi8(v, _mm256_set1_epi8((char)hi)) :
			 _mm256_min_epu8(v, _mm256_set1_epi8((char)hi));
		_mm256_storeu_si256((__m256i *)(dst + c), v);
	} else {
		__m128i v = _mm_set1_epi8((char)tmin);

		for (y = 0; y < ny; y++)
			for (x = 0; x < nx; x++) {
				const uint8_t *q = src + y * rs + x * ps;

				v = max16(v, nb == 16 ? _mm_loadu_si128((const __m128i *)q) :
						   _mm_loadl_epi64((const __m128i *)q), s8);
			}
		v = max16(v, _mm_set1_epi8((char)lo), s8);
		v = s8 ? _mm_min_epi8(v, _mm_set1_epi8((char)hi)) :
			 _mm_min_epu8(v, _mm_set1_epi8((char)hi));
		if (nb == 16)
			_mm_storeu_si128((__m128i *)(dst + c), v);
		else
			_mm_storel_epi64((__m128i *)(dst + c), v);
	}
}

static void maxpool_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct maxpool_job *mj = ctx;
	const struct ek_op *o = mj->o;
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t tmin = s8 ? -128 : 0, lo = mj->lo, hi = mj->hi, y, x;
	uint32_t ch = in->d[3], r, ox, c, i;
	size_t ps = ch, rs = (size_t)in->d[2] * ch;

	for (r = begin; r < end; r++) {
		uint32_t n = r / out->d[1], oy = r % out->d[1];
		int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		int32_t ys = y0 < 0 ? 0 : y0, ye = y0 + (int32_t)p->filter_h;

		ye = ye > (int32_t)in->d[1] ? (int32_t)in->d[1] : ye;
		for (ox = 0; ox < out->d[2]; ox++) {
			int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
			int32_t xs = x0 < 0 ? 0 : x0, xe = x0 + (int32_t)p->filter_w;
			uint8_t *dst = (uint8_t *)out->data + ek_idx(out, n, oy, ox, 0);
			const uint8_t *src;
			int32_t ny, nx;

			xe = xe > (int32_t)in->d[2] ? (int32_t)in->d[2] : xe;
			ny = ye > ys ? ye - ys : 0;
			nx = xe > xs ? xe - xs : 0;
			/* no in-bounds tap: no input read (the pointer is not used) */
			src = (const uint8_t *)in->data +
			      (ny && nx ? ek_idx(in, n, (uint32_t)ys, (uint32_t)xs, 0) : 0);
			for (c = 0; c + 32 <= ch; c += 32)
				maxpool_block(src, ny, nx, rs, ps, c, 32, dst, s8, tmin, lo, hi);
			if (c == ch)
				continue;
			if (ch >= 32) {
				maxpool_block(src, ny, nx, rs, ps, ch - 32, 32, dst, s8, tmin, lo, hi);
			} else if (ch >= 16) {
				maxpool_block(src, ny, nx, rs, ps, 0, 16, dst, s8, tmin, lo, hi);
				maxpool_block(src, ny, nx, rs, ps, ch - 16, 16, dst, s8, tmin, lo, hi);
			} else if (ch >= 8) {
				maxpool_block(src, ny, nx, rs, ps, 0, 8, dst, s8, tmin, lo, hi);
				maxpool_block(src, ny, nx, rs, ps, ch - 8, 8, dst, s8, tmin, lo, hi);
			} else {
				for (i = 0; i < ch; i++) {
					int32_t v = tmin;

					for (y = 0; y < ny; y++)
						for (x = 0; x < nx; x++) {
							int32_t t = ld8(src + y * rs + x * ps + i, s8);

							v = t > v ? t : v;
						}
					v = v < lo ? lo : v > hi ? hi : v;
					dst[i] = (uint8_t)v;
				}
			}
		}
	}
}

static int maxpool(const struct ek_op *o)
{
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t tmin = s8 ? -128 : 0, tmax = s8 ? 127 : 255, lo = p->act_min, hi = p->act_max;
	uint32_t rows = out->d[0] * out->d[1];
	struct maxpool_job mj = { .o = o };

	/* a clamp crossed or wholly outside the type's range: the reference's */
	if (!ek_is8(in->dtype) || out->dtype != in->dtype || in->d[3] != out->d[3] ||
	    in->d[0] != out->d[0] || !p->filter_h || !p->filter_w || lo > hi || lo > tmax ||
	    hi < tmin)
		return EXEC_OPT_NOT_HANDLED;
	mj.lo = lo < tmin ? tmin : lo;
	mj.hi = hi > tmax ? tmax : hi;
	if (exec_par_worth((uint64_t)ek_count(out) * p->filter_h * p->filter_w / 4))
		exec_par_for(rows, maxpool_rows, &mj);
	else
		maxpool_rows(&mj, 0, rows);
	return 0;
}

/* Eight int32 outputs of MEAN @r, clamped to [@vlo, @vhi], stored as bytes. */
static inline void mean_st8(uint8_t *dst, __m256i r, __m256i vlo, __m256i vhi)
{
	int32_t v[8];
	int j;

	_mm256_storeu_si256((__m256i *)v, _mm256_min_epi32(_mm256_max_epi32(r, vlo), vhi));
	for (j = 0; j < 8; j++)
		dst[j] = (uint8_t)v[j];
}

/*
 * MEAN's integer pipeline (ek_mean_out() with flags 0) on eight outputs at
 * a time: ek_mbqm() as mbqm8(), the folded bias added wrapping, the clamp.
 * Returns the outputs done (a multiple of 8; none for a shift mbqm8()
 * does not take), the rest left to ek_mean_out().
 */
static uint32_t mean_int(const struct ek_op *o, const int32_t *acc, uint32_t cnt, uint8_t *dst,
			 int32_t lo, int32_t hi)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	const __m256i bias = _mm256_set1_epi32(p->bias);
	const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
	struct mbqm8 q;
	uint32_t c;

	if (!shift_ok(p->out_multiplier, p->out_shift))
		return 0;
	mbqm8_make(&q, p->out_multiplier, p->out_shift);
	for (c = 0; c + 8 <= cnt; c += 8) {
		__m256i r = mbqm8(_mm256_loadu_si256((const __m256i *)(acc + c)), &q);

		mean_st8(dst + c, _mm256_add_epi32(r, bias), vlo, vhi);
	}
	return c;
}

/*
 * int8 MEAN's reference pipeline (ek_mean_int(), EDGEAI_PROG_MEAN_INT) on
 * eight outputs at a time: the sums less n zp_in, mbqm8(), n / 2 added
 * away from zero, all wrapping as the reference's; then the division by
 * n in binary64, truncated. That is C's division: the quotient of an
 * int32 by n <= 2^20 (exec_mean() lets no more through) is an integer or
 * at least 1 / n >= 2^-20 from one, and binary64 rounds it by at most
 * 2^-22 (its ulp below 2^31) in any rounding mode, so the truncation
 * crosses no integer. Returns the outputs done, as mean_int().
 */
static uint32_t mean_ref_int(const struct ek_op *o, const int32_t *acc, uint32_t cnt,
			     uint8_t *dst, int32_t lo, int32_t hi)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	uint32_t n = o->in[0].d[1] * o->in[0].d[2], c;
	const __m256i off = _mm256_set1_epi32((int32_t)(n * (uint32_t)o->in[0].zp));
	const __m256i h = _mm256_set1_epi32((int32_t)(n / 2));
	const __m256i nh = _mm256_set1_epi32(-(int32_t)(n / 2)), zp = _mm256_set1_epi32(o->out.zp);
	const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
	const __m256i zero = _mm256_setzero_si256();
	const __m256d vn = _mm256_set1_pd(n);
	struct mbqm8 q;

	if (!shift_ok(p->out_multiplier, p->out_shift))
		return 0;
	mbqm8_make(&q, p->out_multiplier, p->out_shift);
	for (c = 0; c + 8 <= cnt; c += 8) {
		__m256i t = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(acc + c)), off);
		__m256d d0, d1;

		t = mbqm8(t, &q);
		t = _mm256_add_epi32(t, _mm256_blendv_epi8(nh, h, _mm256_cmpgt_epi32(t, zero)));
		d0 = _mm256_cvtepi32_pd(_mm256_castsi256_si128(t));
		d1 = _mm256_cvtepi32_pd(_mm256_extracti128_si256(t, 1));
		t = _mm256_set_m128i(_mm256_cvttpd_epi32(_mm256_div_pd(d1, vn)),
				     _mm256_cvttpd_epi32(_mm256_div_pd(d0, vn)));
		mean_st8(dst + c, _mm256_add_epi32(t, zp), vlo, vhi);
	}
	return c;
}

/*
 * The binary32 pipeline of MEAN (ek_mean_out() with
 * EDGEAI_PROG_MEAN_FLOAT) on eight outputs at a time, with the CPU's
 * IEEE single-precision divide, multiply and add in place of the op
 * library's software ones: the same correctly rounded results while the
 * rounding mode is to nearest (checked per call: MXCSR is per thread).
 * exec_mean() takes this path only when the scale and the constant term are
 * zero or normal within 2^-100..2^100, so that for the sums of at most
 * 2^20 8-bit values no step overflows and every product is normal; a
 * sum that is subnormal (flushed to zero under FTZ) rounds to 0 either
 * way. std::round() is the truncation plus one away from zero when the
 * fraction is at least a half (the fraction is exact); the value is held
 * to +-2^30 before the conversion, where the reference saturates at
 * +-(2^31 - 1): both clamp to the same 8-bit value. The empty asm keeps
 * a compiler from fusing the multiply and the add. Returns the outputs
 * done (a multiple of 8), the rest left to ek_mean_out(). The integer
 * pipelines go to mean_int() and mean_ref_int().
 */
static uint32_t mean_f32(const struct ek_op *o, uint32_t fbias, const int32_t *acc, uint32_t cnt,
			 uint8_t *dst, int32_t lo, int32_t hi)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	uint32_t hw = o->in[0].d[1] * o->in[0].d[2], c;
	const __m256 vn = _mm256_set1_ps((float)hw), half = _mm256_set1_ps(0.5f);
	const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
	const __m256 big = _mm256_set1_ps(1073741824.0f), nbig = _mm256_set1_ps(-1073741824.0f);
	const __m256i zp = _mm256_set1_epi32(o->out.zp);
	const __m256i vlo = _mm256_set1_epi32(lo), vhi = _mm256_set1_epi32(hi);
	__m256 scale, bias;
	float f;

	if (!p->flags)
		return mean_int(o, acc, cnt, dst, lo, hi);
	if (p->flags == EDGEAI_PROG_MEAN_INT)
		return mean_ref_int(o, acc, cnt, dst, lo, hi);
	if (_MM_GET_ROUNDING_MODE() != _MM_ROUND_NEAREST)
		return 0;
	memcpy(&f, &p->scale, 4);
	scale = _mm256_set1_ps(f);
	memcpy(&f, &fbias, 4);
	bias = _mm256_set1_ps(f);
	for (c = 0; c + 8 <= cnt; c += 8) {
		__m256 x = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(acc + c)));
		__m256 y = _mm256_mul_ps(_mm256_div_ps(x, vn), scale), t, d, adj;
		__m256i r;

		__asm__("" : "+x"(y));
		y = _mm256_add_ps(y, bias);
		t = _mm256_round_ps(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
		d = _mm256_andnot_ps(sign, _mm256_sub_ps(y, t));
		adj = _mm256_and_ps(_mm256_cmp_ps(d, half, _CMP_GE_OQ),
				    _mm256_or_ps(one, _mm256_and_ps(y, sign)));
		t = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(t, adj), nbig), big);
		r = _mm256_add_epi32(_mm256_cvtps_epi32(t), zp);
		mean_st8(dst + c, r, vlo, vhi);
	}
	return c;
}

/*
 * SOFTMAX rows [begin, end) for exec_softmax() (cpu-common.c, where the
 * pipeline and the tables it takes are described): per row the maximum
 * and the sum in the reference's order, one after the other, then eight
 * outputs at a time, the table gathered; the empty asm keeps a compiler
 * from fusing a multiply into an add.
 */
static void softmax_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct exec_softmax_job *sj = ctx;
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
			sum += sj->t->tab[max - ld8(x + j, s8)];
		inv = sum * sj->t->scale;
		__asm__("" : "+x"(inv));
		inv = 1.0f / inv;
		vmax = _mm256_set1_epi32(max);
		vinv = _mm256_set1_ps(inv);
		for (j = 0; j + 8 <= depth; j += 8) {
			__m128i raw = _mm_loadl_epi64((const __m128i *)(x + j));
			__m256i idx = _mm256_sub_epi32(vmax, s8 ? _mm256_cvtepi8_epi32(raw) :
								  _mm256_cvtepu8_epi32(raw));
			__m256 v = _mm256_mul_ps(_mm256_i32gather_ps(sj->t->tab, idx, 4), vinv), t;
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
			float v = sj->t->tab[max - ld8(x + j, s8)] * inv, t;
			int32_t q;

			__asm__("" : "+x"(v));
			t = (float)(int32_t)v;
			q = (int32_t)t + (v - t >= 0.5f) + out->zp;
			dst[j] = (uint8_t)(q < lo ? lo : q > hi ? hi : q);
		}
	}
}

/*
 * The table ops (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU: the program's
 * 256-entry table, as ek_lut() reads it; cpu.c's tables go through here
 * too) 32 bytes at a time. vpshufb looks up 16 entries by a byte's low
 * nibble, or gives 0 when the byte's top bit is set. For x < 128 in row
 * h = x >> 4 of the table, x - 16 k is in [0, 127] with x's low nibble for
 * every k <= h, and negative (top bit set) for k > h; so with D_0 = row 0
 * and D_k = row k ^ row k - 1, the xor of vpshufb(D_k, x - 16 k) over k =
 * 0..7 is row h's entry (the rows in between cancel). The same on x ^ 0x80
 * with rows 8..15 gives the entries of x >= 128, and x's top bit picks one
 * of the two. About 50 instructions for 32 bytes, against a load and a
 * store a byte. Blocks of 32 bytes [begin, end) per part.
 */
struct lut_job {
	__m256i d[16];		/* D_0..D_7 of the low half, then of the high half, in both lanes */
	const uint8_t *src;
	uint8_t *dst;
	uint32_t cnt;
};

static inline __m256i lut32(const struct lut_job *lj, __m256i x)
{
	const __m256i sixteen = _mm256_set1_epi8(16);
	__m256i ilo = x, ihi = _mm256_xor_si256(x, _mm256_set1_epi8((char)0x80));
	__m256i lo = _mm256_shuffle_epi8(lj->d[0], ilo), hi = _mm256_shuffle_epi8(lj->d[8], ihi);
	int k;

	for (k = 1; k < 8; k++) {
		ilo = _mm256_sub_epi8(ilo, sixteen);
		ihi = _mm256_sub_epi8(ihi, sixteen);
		lo = _mm256_xor_si256(lo, _mm256_shuffle_epi8(lj->d[k], ilo));
		hi = _mm256_xor_si256(hi, _mm256_shuffle_epi8(lj->d[8 + k], ihi));
	}
	return _mm256_blendv_epi8(lo, hi, x);
}

static void lut_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct lut_job *lj = ctx;
	size_t i, e = (size_t)end * 32 < lj->cnt ? (size_t)end * 32 : lj->cnt;
	uint8_t tail[32];

	for (i = (size_t)begin * 32; i + 32 <= e; i += 32)
		_mm256_storeu_si256((__m256i *)(lj->dst + i),
				    lut32(lj, _mm256_loadu_si256((const __m256i *)(lj->src + i))));
	if (i < e) {
		memset(tail, 0, sizeof(tail));
		memcpy(tail, lj->src + i, e - i);
		_mm256_storeu_si256((__m256i *)tail,
				    lut32(lj, _mm256_loadu_si256((const __m256i *)tail)));
		memcpy(lj->dst + i, tail, e - i);
	}
}

static int lut(const struct ek_op *o)
{
	const struct edgeai_prog_lut_params *p = (const void *)o->op->params;
	const uint8_t *tab = ek_const(o, p->table_offset, 256, 1);
	struct lut_job lj = { .src = o->in[0].data, .dst = o->out.data, .cnt = ek_count(&o->out) };
	int h, k;

	if (!tab || !ek_is8(o->in[0].dtype) || !ek_is8(o->out.dtype) ||
	    ek_count(&o->in[0]) != lj.cnt)
		return EXEC_OPT_NOT_HANDLED;
	for (h = 0; h < 2; h++)
		for (k = 0; k < 8; k++) {
			const uint8_t *row = tab + 128 * h + 16 * k;
			__m128i d = _mm_loadu_si128((const __m128i *)row);

			if (k)
				d = _mm_xor_si128(d, _mm_loadu_si128((const __m128i *)(row - 16)));
			lj.d[8 * h + k] = _mm256_broadcastsi128_si256(d);
		}
	if (exec_par_worth(lj.cnt / 2))
		exec_par_for((lj.cnt + 31) / 32, lut_part, &lj);
	else
		lut_part(&lj, 0, (lj.cnt + 31) / 32);
	return 0;
}

/* exec_matmul()'s four dot products: 16 products a vpmaddwd, pairs summed in 32 bits. */
static void dot4(const int16_t *a, const int16_t *b, size_t bs, uint32_t kp, uint32_t out[4])
{
	__m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
	__m128i lo, hi;
	uint32_t t;

	for (t = 0; t < kp; t += 16) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(a + t));

		s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(x, _mm256_loadu_si256(
			(const __m256i *)(b + t))));
		s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(x, _mm256_loadu_si256(
			(const __m256i *)(b + bs + t))));
		s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(x, _mm256_loadu_si256(
			(const __m256i *)(b + 2 * bs + t))));
		s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(x, _mm256_loadu_si256(
			(const __m256i *)(b + 3 * bs + t))));
	}
	/* the four sums, lane by lane: hadd pairs 0/1 and 2/3, then the halves */
	s0 = _mm256_hadd_epi32(s0, s1);
	s2 = _mm256_hadd_epi32(s2, s3);
	s0 = _mm256_hadd_epi32(s0, s2);
	lo = _mm256_castsi256_si128(s0);
	hi = _mm256_extracti128_si256(s0, 1);
	_mm_storeu_si128((__m128i *)out, _mm_add_epi32(lo, hi));
}

/* exec_matmul()'s outputs of a row: mbqv_up() on 8 sums at a time, the tail per value. */
static void mm_rq(const uint32_t *acc, uint32_t n, int32_t mul, int32_t shift, int32_t zo,
		  int32_t lo, int32_t hi, int8_t *dst)
{
	int32_t m8[8], s8[8];
	struct mbqv q;
	uint32_t c;
	int i;

	for (i = 0; i < 8; i++)
		m8[i] = mul, s8[i] = shift;
	mbqv_make(&q, m8, s8);
	for (c = 0; c + 8 <= n; c += 8) {
		__m256i v = mbqv_up(_mm256_loadu_si256((const __m256i *)(acc + c)), &q);
		__m128i w;

		v = _mm256_add_epi32(v, _mm256_set1_epi32(zo));
		v = _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(lo)),
				     _mm256_set1_epi32(hi));
		w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
		_mm_storel_epi64((__m128i *)(dst + c), _mm_packs_epi16(w, w));
	}
	for (; c < n; c++) {
		int32_t v = (int32_t)((uint32_t)ek_mbqm_up((int32_t)acc[c], mul, shift) +
				      (uint32_t)zo);

		dst[c] = (int8_t)(v < lo ? lo : v > hi ? hi : v);
	}
}

/* exec_l2norm()'s squares of x - zp, 16 a vpmaddwd (|x - zp| <= 255: each pair's sum fits). */
static uint32_t l2_sq(const uint8_t *x, uint32_t n, const struct exec_l2 *l, int32_t *acc)
{
	__m256i z = _mm256_set1_epi16((int16_t)l->zp), s = _mm256_setzero_si256();
	uint32_t c;

	for (c = 0; c + 16 <= n; c += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)(x + c));
		__m256i v = _mm256_sub_epi16(l->s8 ? _mm256_cvtepi8_epi16(b) : _mm256_cvtepu8_epi16(b),
					     z);

		s = _mm256_add_epi32(s, _mm256_madd_epi16(v, v));
	}
	*acc = (int32_t)((uint32_t)*acc + (uint32_t)hsum(s));
	return c;
}

/* exec_l2norm()'s outputs, 8 at a time: mbqm8(), the offset, the type's clamp. */
static uint32_t l2_scale(const uint8_t *x, uint8_t *y, uint32_t n, const struct exec_l2 *l)
{
	__m256i z = _mm256_set1_epi32(l->zp), off = _mm256_set1_epi32(l->s8 ? 0 : 128);
	__m256i lo = _mm256_set1_epi32(l->s8 ? -128 : 0), hi = _mm256_set1_epi32(l->s8 ? 127 : 255);
	struct mbqm8 q;
	uint32_t c;

	mbqm8_make(&q, l->mul, l->shift);
	for (c = 0; c + 8 <= n; c += 8) {
		__m128i b = _mm_loadl_epi64((const __m128i *)(x + c)), w;
		__m256i v = _mm256_sub_epi32(l->s8 ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b),
					     z);

		if (!l->s8)
			v = _mm256_slli_epi32(v, 7);
		v = _mm256_add_epi32(mbqm8(v, &q), off);
		v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
		w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
		_mm_storel_epi64((__m128i *)(y + c), l->s8 ? _mm_packs_epi16(w, w) :
							    _mm_packus_epi16(w, w));
	}
	return c;
}

/* The largest int8 of @v in every byte. */
static inline __m256i hmax8(__m256i v)
{
	__m128i m = _mm_max_epi8(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));

	m = _mm_max_epi8(m, _mm_srli_si128(m, 8));
	m = _mm_max_epi8(m, _mm_srli_si128(m, 4));
	m = _mm_max_epi8(m, _mm_srli_si128(m, 2));
	m = _mm_max_epi8(m, _mm_srli_si128(m, 1));
	return _mm256_broadcastb_epi8(m);
}

/*
 * exec_argmax()'s rows, uint8 as int8 with the sign bit flipped (the same
 * order). Up to 32 bytes: one load, the bytes past the row set to -128
 * (after its own bytes: the first largest is the row's), the largest
 * broadcast, the first equal byte; while a load of 32 stays within the
 * rows. Longer rows: the largest of their 32-byte blocks (the last block
 * ending at the row's end), then the first block that holds it.
 */
static uint32_t argmax_rows(const uint8_t *x, uint32_t len, uint32_t n, int u8, uint32_t *at)
{
	const __m256i flip = _mm256_set1_epi8(u8 ? (char)0x80 : 0);
	const __m256i idx = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
					     16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
					     30, 31);
	size_t end = (size_t)len * n;
	uint32_t r, k;

	if (len < 32) {
		__m256i past = _mm256_cmpgt_epi8(idx, _mm256_set1_epi8((char)(len - 1)));

		for (r = 0; r < n && (size_t)r * len + 32 <= end; r++) {
			__m256i v = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)
									(x + (size_t)r * len)), flip);

			v = _mm256_or_si256(_mm256_andnot_si256(past, v),
					    _mm256_and_si256(past, _mm256_set1_epi8((char)0x80)));
			at[r] = (uint32_t)__builtin_ctz((uint32_t)_mm256_movemask_epi8(
				_mm256_cmpeq_epi8(v, hmax8(v))));
		}
		return r;
	}
	for (r = 0; r < n; r++) {
		const uint8_t *p = x + (size_t)r * len;
		__m256i m = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(p + len - 32)), flip);
		uint32_t e;

		for (k = 0; k + 32 < len; k += 32)
			m = _mm256_max_epi8(m, _mm256_xor_si256(_mm256_loadu_si256(
				(const __m256i *)(p + k)), flip));
		m = hmax8(m);
		for (k = 0;; k = k + 64 <= len ? k + 32 : len - 32) {
			e = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, _mm256_xor_si256(
				_mm256_loadu_si256((const __m256i *)(p + k)), flip)));
			if (e)
				break;
		}
		at[r] = k + (uint32_t)__builtin_ctz(e);
	}
	return r;
}

static int avx2_run(const struct ek_op *o, const void *prep)
{
	switch (o->op->opcode) {
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE:
		return lut(o);
	case EDGEAI_OP_ADD:
	case EDGEAI_OP_SUB:
	case EDGEAI_OP_MUL:
	case EDGEAI_OP_MAXIMUM:
	case EDGEAI_OP_MINIMUM:
		return binary(o);
	case EDGEAI_OP_AVERAGE_POOL_2D:
		return avgpool(o);
	case EDGEAI_OP_MAX_POOL_2D:
		return maxpool(o);
	case EDGEAI_OP_MEAN:
		return exec_mean(o, mean_sum, mean_f32);
	case EDGEAI_OP_L2_NORMALIZATION:
		return exec_l2norm(o, l2_sq, l2_scale);
	case EDGEAI_OP_ARG_MAX:
		return exec_argmax(o, argmax_rows);
	case EDGEAI_OP_SOFTMAX:
		return exec_softmax(o, prep, softmax_rows);
	case EDGEAI_OP_RESIZE_BILINEAR:
		if (((const struct edgeai_prog_resize_params *)(const void *)o->op->params)
			    ->arith == EDGEAI_RESIZE_FLOAT32)
			return exec_resize_bl_f32(o, resize_f32_px);
		return exec_resize_bilinear(o, resize_vrow, resize_px);
	case EDGEAI_OP_CONV_2D:
		return conv(o, prep);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return depthwise(o, prep);
	case EDGEAI_OP_FULLY_CONNECTED:
		return fc(o, prep);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return exec_tconv(o, prep, tconv_px, to16_fast);
	case EDGEAI_OP_BATCH_MATMUL:
		return exec_matmul(o, dot4, mm_rq);
	default:
		return EXEC_OPT_NOT_HANDLED;
	}
}

static void *avx2_prepare(const struct ek_op *o)
{
	const struct ek_tensor *f = &o->in[1];

	if (o->op->opcode == EDGEAI_OP_SOFTMAX)
		return exec_softmax_tab_make(o);
	if (o->n_in < 2 || !f->data || !ek_is8(f->dtype))
		return NULL;
	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		return conv_pack(f);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return dw_pack(f);
	case EDGEAI_OP_FULLY_CONNECTED:
		return weights16(f, f->d[2], f->d[3], (f->d[3] + 15) & ~15U);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return exec_tconv_weights(f);
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
