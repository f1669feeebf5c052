/* SPDX-License-Identifier: MIT */
/*
 * What the arm64 kernel sets (cpu-neon.c, cpu-dotprod.c) share: the
 * reference's requantization on four lanes and the per-channel parameters
 * it reads. Included only where __aarch64__ is defined.
 *
 * Bit exactness of the requantization (firmware/ops/fixedpoint.c):
 * - SQRDMULH is gemmlowp's SaturatingRoundingDoublingHighMul: both compute
 *   (2ab + 2^31) >> 32, halves toward +infinity, INT32_MIN * INT32_MIN
 *   saturating to INT32_MAX (ek_srdhm()); for the multipliers in use
 *   (0..2^31 - 1) it is also ruy's (x * M + 2^30) >> 31 (ek_mbqm_up()).
 * - SRSHL by -e rounds (v + 2^(e-1)) >> e in full precision: ruy's half up
 *   (ek_mbqm_up()). gemmlowp's RoundingDivideByPOT rounds halves away from
 *   zero (ek_rdivpot()): a negative v is first decremented (saturating;
 *   INT32_MIN is no tie), which turns a negative tie down and changes no
 *   other result.
 * - The left shift (SSHL by a positive count) drops the high bits, as the
 *   reference's shift of the value as uint32 does.
 * Bias and zero point are wrapping adds as ek_wadd(); clamping and the
 * store are the reference's ek_st().
 */
#ifndef EDGEAI_CPU_NEON_H
#define EDGEAI_CPU_NEON_H

#include <arm_neon.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cpu-opt.h"

/* 16-byte aligned; C11 wants the size a multiple of the alignment. */
static inline void *neon_alloc(size_t n)
{
	return aligned_alloc(16, (n + 15) & ~(size_t)15);
}

static inline int neon_shift_ok(int32_t mul, int32_t shift)
{
	return mul >= 0 && shift >= -31 && shift <= 30;
}

/* A zero point a stored value of @t's 8-bit type can take (the validator's rule). */
static inline int neon_zp_ok(const struct ek_tensor *t)
{
	return t->dtype == EDGEAI_DTYPE_INT8 ? t->zp >= -128 && t->zp <= 127 :
					       t->zp >= 0 && t->zp <= 255;
}

/* The requantization of one op's output channels (arrays padded to 4). */
struct neon_rq {
	int32_t *left;		/* left shift, 0..30 */
	int32_t *mul;		/* fixed-point multiplier */
	int32_t *nright;	/* minus the right shift, -31..0 */
	int32_t *bias;		/* the op's bias, or 0 */
	int32_t zp, lo, hi;	/* output zero point, activation clamp */
};

/*
 * Fill @r for @och channels: per-channel multipliers @q, else @mul/@shift
 * for all; bias @b (NULL data: none). -1: out of memory or a multiplier the
 * reference rejects (the op is then declined).
 */
static inline int neon_rq_make(struct neon_rq *r, const struct edgeai_prog_qmul *q, int32_t mul,
			       int32_t shift, const struct ek_tensor *b, uint32_t och,
			       const struct ek_tensor *out, int32_t lo, int32_t hi)
{
	uint32_t n = (och + 3) & ~3U, c;
	int32_t *m = neon_alloc((size_t)n * 16);

	if (!m)
		return -1;
	memset(m, 0, (size_t)n * 16);
	r->left = m;
	r->mul = m + n;
	r->nright = m + 2 * n;
	r->bias = m + 3 * n;
	r->zp = out->zp;
	r->lo = lo;
	r->hi = hi;
	for (c = 0; c < och; c++) {
		int32_t s = q ? q[c].shift : shift;

		r->mul[c] = q ? q[c].multiplier : mul;
		if (!neon_shift_ok(r->mul[c], s)) {
			free(m);
			return -1;
		}
		r->left[c] = s > 0 ? s : 0;
		r->nright[c] = s > 0 ? 0 : s;
		r->bias[c] = b->data ? ((const int32_t *)b->data)[c] : 0;
	}
	return 0;
}

static inline void neon_rq_free(struct neon_rq *r)
{
	free(r->left);
}

/*
 * The reference's rescale of four lanes @v (@up: ek_mbqm_up(), else
 * ek_mbqm()): left shift @left (0..30), doubling high multiply by @mul,
 * rounding right shift by -@nright (-31..0).
 */
static inline int32x4_t neon_mbqm4(int32x4_t v, int32x4_t left, int32x4_t mul, int32x4_t nright,
				   int up)
{
	v = vqrdmulhq_s32(vshlq_s32(v, left), mul);
	if (!up)	/* -1 where v < 0 and the right shift is not 0 */
		v = vqaddq_s32(v, vshrq_n_s32(vandq_s32(v, nright), 31));
	return vrshlq_s32(v, nright);
}

/*
 * Channels @c..@c+3 of accumulators @acc: bias, rescale (@up: ek_mbqm_up(),
 * else ek_mbqm()), output zero point.
 */
static inline int32x4_t neon_rq4(int32x4_t acc, const struct neon_rq *r, uint32_t c, int up)
{
	int32x4_t v = vaddq_s32(acc, vld1q_s32(r->bias + c));

	v = neon_mbqm4(v, vld1q_s32(r->left + c), vld1q_s32(r->mul + c), vld1q_s32(r->nright + c),
		       up);
	return vaddq_s32(v, vdupq_n_s32(r->zp));
}

/* Store the first @n lanes of @v at output elements @i.. as ek_st() does. */
static inline void neon_st(const struct ek_tensor *out, uint32_t i, int32x4_t v, uint32_t n,
			   const struct neon_rq *r)
{
	int32_t t[4];
	uint32_t j;

	vst1q_s32(t, v);
	for (j = 0; j < n && j < 4; j++)
		ek_st(out, i + j, t[j], r->lo, r->hi);
}

/* The per-channel multipliers of a conv op, NULL for per-tensor; *ok 0 when unreadable. */
static inline const struct edgeai_prog_qmul *neon_qmuls(const struct ek_op *o,
							const struct edgeai_prog_conv_params *p,
							uint32_t och, int *ok)
{
	*ok = 1;
	if (p->qmul_offset == EDGEAI_PROG_NO_CONST)
		return NULL;
	{
		const struct edgeai_prog_qmul *q =
			ek_const(o, p->qmul_offset, (uint64_t)och * sizeof(*q), 4);

		*ok = q != NULL;
		return q;
	}
}

#endif
