// SPDX-License-Identifier: MIT
/*
 * Optimized arm64 CPU kernels with the Armv8.2 dot product instructions
 * (SDOT/UDOT; HWCAP_ASIMDDP): CONV_2D and FULLY_CONNECTED, int8 and uint8.
 * Built with -march=armv8.2-a+dotprod and called only after the AT_HWCAP
 * check (cpu.c); what it declines goes to the NEON set (cpu-neon.c).
 *
 * Bit exactness: SDOT/UDOT multiply the stored 8-bit values, so the
 * offsets are applied afterwards, exactly, in 32-bit arithmetic that wraps
 * like the reference's ek_wadd():
 *   sum((x - zx)(w - zw)) = sum(x w) - zw sum(x) - zx sum(w) + K zx zw
 * over the K taps of the window. A padding tap holds zx (so x - zx = 0, as
 * the reference skips it); the tail up to a multiple of 16 holds 0 in both
 * operands and is not counted in sum(x) or K. The requantization and
 * store are cpu-neon.h's (the reference's fixed point).
 */
#include <stdlib.h>
#include <string.h>

#include "exec/cpu-opt.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include "exec/cpu-neon.h"

/* Weights [rows][k] as stored, rows padded to 4 and to @kp bytes with 0; sum(w) per row. */
struct dp_w {
	uint8_t *w;
	int32_t *sum;
	uint32_t rows, k, kp;
	int32_t zp;
};

static void dp_w_free(void *prep)
{
	struct dp_w *p = prep;

	if (p) {
		free(p->w);
		free(p->sum);
		free(p);
	}
}

static struct dp_w *dp_pack(const struct ek_tensor *f, uint32_t rows, uint32_t k)
{
	uint32_t r4 = (rows + 3) & ~3U, kp = (k + 15) & ~15U, r, i;
	struct dp_w *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->w = neon_alloc((size_t)r4 * kp);
	p->sum = neon_alloc((size_t)r4 * 4);
	if (!p->w || !p->sum) {
		dp_w_free(p);
		return NULL;
	}
	memset(p->w, 0, (size_t)r4 * kp);
	memset(p->sum, 0, (size_t)r4 * 4);
	p->rows = rows;
	p->k = k;
	p->kp = kp;
	p->zp = f->zp;
	for (r = 0; r < rows; r++) {
		const uint8_t *src = (const uint8_t *)f->data + (size_t)r * k;
		uint32_t s = 0;

		memcpy(p->w + (size_t)r * kp, src, k);
		for (i = 0; i < k; i++)
			s += f->dtype == EDGEAI_DTYPE_INT8 ? (uint32_t)(int32_t)(int8_t)src[i] : src[i];
		p->sum[r] = (int32_t)s;
	}
	return p;
}

/* Raw dot products of @a with rows b, b + kp, .. b + 3 kp; @kp a multiple of 16. */
static inline int32x4_t dot8x4(const uint8_t *a, const uint8_t *b, uint32_t kp, int s8)
{
	uint32_t k;

	if (s8) {
		int32x4_t s0 = vdupq_n_s32(0), s1 = s0, s2 = s0, s3 = s0;

		for (k = 0; k < kp; k += 16) {
			int8x16_t x = vld1q_s8((const int8_t *)a + k);

			s0 = vdotq_s32(s0, x, vld1q_s8((const int8_t *)b + k));
			s1 = vdotq_s32(s1, x, vld1q_s8((const int8_t *)b + kp + k));
			s2 = vdotq_s32(s2, x, vld1q_s8((const int8_t *)b + 2 * kp + k));
			s3 = vdotq_s32(s3, x, vld1q_s8((const int8_t *)b + 3 * kp + k));
		}
		return vpaddq_s32(vpaddq_s32(s0, s1), vpaddq_s32(s2, s3));
	} else {
		uint32x4_t s0 = vdupq_n_u32(0), s1 = s0, s2 = s0, s3 = s0;

		for (k = 0; k < kp; k += 16) {
			uint8x16_t x = vld1q_u8(a + k);

			s0 = vdotq_u32(s0, x, vld1q_u8(b + k));
			s1 = vdotq_u32(s1, x, vld1q_u8(b + kp + k));
			s2 = vdotq_u32(s2, x, vld1q_u8(b + 2 * kp + k));
			s3 = vdotq_u32(s3, x, vld1q_u8(b + 3 * kp + k));
		}
		return vreinterpretq_s32_u32(vpaddq_u32(vpaddq_u32(s0, s1), vpaddq_u32(s2, s3)));
	}
}

/* sum(x) of @k stored values (wrapping). */
static uint32_t sum8(const uint8_t *x, uint32_t k, int s8)
{
	uint32_t s = 0, i;

	for (i = 0; i < k; i++)
		s += s8 ? (uint32_t)(int32_t)(int8_t)x[i] : x[i];
	return s;
}

/*
 * Output channels @oc..@oc+3 of one window @x (sum(x) @sx): the raw dot
 * products corrected for the zero points, then requantized and stored.
 */
static inline void dp_out4(const struct ek_tensor *out, uint32_t i, const struct dp_w *w,
			   const uint8_t *x, uint32_t sx, int32_t zx, uint32_t oc, uint32_t och,
			   const struct neon_rq *rq, int s8)
{
	uint32_t c0 = (uint32_t)w->k * (uint32_t)zx * (uint32_t)w->zp - (uint32_t)w->zp * sx;
	uint32x4_t acc = vreinterpretq_u32_s32(dot8x4(x, w->w + (size_t)oc * w->kp, w->kp, s8));

	acc = vaddq_u32(acc, vdupq_n_u32(c0));
	acc = vsubq_u32(acc, vmulq_n_u32(vreinterpretq_u32_s32(vld1q_s32(w->sum + oc)),
					 (uint32_t)zx));
	neon_st(out, i, neon_rq4(vreinterpretq_s32_u32(acc), rq, oc, 1), och - oc, rq);
}

static int conv(const struct ek_op *o, const struct dp_w *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ic = in->d[3], kh = f->d[1], kw = f->d[2], och = out->d[3];
	uint32_t k = kh * kw * ic, n, oy, ox, oc, ky, kx;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	const struct edgeai_prog_qmul *q;
	const struct dp_w *wt;
	struct dp_w *own = NULL;
	struct neon_rq rq;
	uint8_t *patch;
	int ok;

	/* padding taps hold zx: it must be a stored value */
	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    f->d[3] != ic || f->d[0] != och || in->d[0] != out->d[0] ||
	    !neon_zp_ok(in) ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)))
		return EXEC_OPT_NOT_HANDLED;
	q = neon_qmuls(o, p, och, &ok);
	if (!ok || neon_rq_make(&rq, q, p->out_multiplier, p->out_shift, b, och, out, p->act_min,
				p->act_max))
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? prep : (own = dp_pack(f, och, k));
	patch = wt ? neon_alloc(wt->kp) : NULL;
	if (!wt || !patch) {
		dp_w_free(own);
		free(patch);
		neon_rq_free(&rq);
		return EXEC_OPT_NOT_HANDLED;
	}
	memset(patch, 0, wt->kp);
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
						uint8_t *dst = patch + (ky * kw + kx) * ic;

						if (iy < 0 || iy >= h || ix < 0 || ix >= w)
							memset(dst, (uint8_t)in->zp, ic);
						else
							memcpy(dst, (const uint8_t *)in->data +
							       ek_idx(in, n, (uint32_t)iy, (uint32_t)ix, 0),
							       ic);
					}
				}
				for (oc = 0; oc < och; oc += 4)
					dp_out4(out, base + oc, wt, patch, sum8(patch, k, s8), in->zp, oc,
						och, &rq, s8);
			}
		}
	}
	dp_w_free(own);
	free(patch);
	neon_rq_free(&rq);
	return 0;
}

static int fc(const struct ek_op *o, const struct dp_w *prep)
{
	const struct edgeai_prog_fc_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ich = f->d[3], och = f->d[2], batches, bi, oc;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	const struct dp_w *wt;
	struct dp_w *own = NULL;
	struct neon_rq rq;
	uint8_t *x;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype || !ich ||
	    ek_count(in) % ich || out->d[3] != och)
		return EXEC_OPT_NOT_HANDLED;
	batches = ek_count(in) / ich;
	if (ek_count(out) != batches * och || ek_count(f) != och * ich ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)) ||
	    neon_rq_make(&rq, NULL, p->out_multiplier, p->out_shift, b, och, out, p->act_min,
			 p->act_max))
		return EXEC_OPT_NOT_HANDLED;
	wt = prep ? prep : (own = dp_pack(f, och, ich));
	x = wt ? neon_alloc(wt->kp) : NULL;
	if (!wt || !x) {
		dp_w_free(own);
		free(x);
		neon_rq_free(&rq);
		return EXEC_OPT_NOT_HANDLED;
	}
	memset(x, 0, wt->kp);
	for (bi = 0; bi < batches; bi++) {
		uint32_t sx;

		memcpy(x, (const uint8_t *)in->data + (size_t)bi * ich, ich);
		sx = sum8(x, ich, s8);
		for (oc = 0; oc < och; oc += 4)
			dp_out4(out, bi * och + oc, wt, x, sx, in->zp, oc, och, &rq, s8);
	}
	dp_w_free(own);
	free(x);
	neon_rq_free(&rq);
	return 0;
}

/* The prepared weights fit this op (the same filter tensor as at prepare time). */
static const struct dp_w *dp_prep(const void *prep, uint32_t rows, uint32_t k)
{
	const struct dp_w *p = prep;

	return p && p->rows == rows && p->k == k ? p : NULL;
}

static int dotprod_run(const struct ek_op *o, const void *prep)
{
	const struct ek_tensor *f = &o->in[1];

	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		return conv(o, dp_prep(prep, f->d[0], f->d[1] * f->d[2] * f->d[3]));
	case EDGEAI_OP_FULLY_CONNECTED:
		return fc(o, dp_prep(prep, f->d[2], f->d[3]));
	default:
		return EXEC_OPT_NOT_HANDLED;
	}
}

static void *dotprod_prepare(const struct ek_op *o)
{
	const struct ek_tensor *f = &o->in[1];

	if (o->n_in < 2 || !f->data || !ek_is8(f->dtype))
		return NULL;
	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		return dp_pack(f, f->d[0], f->d[1] * f->d[2] * f->d[3]);
	case EDGEAI_OP_FULLY_CONNECTED:
		return dp_pack(f, f->d[2], f->d[3]);
	default:
		return NULL;
	}
}

static const struct exec_kset_ops dotprod_ops = {
	.run = dotprod_run,
	.prepare = dotprod_prepare,
	.prepare_free = dp_w_free,
};

const struct exec_kset_ops *const exec_dotprod_ops = &dotprod_ops;

#else /* not arm64, or the compiler has no dot product instructions */

const struct exec_kset_ops *const exec_dotprod_ops = NULL;

#endif
