// SPDX-License-Identifier: MIT
/*
 * AVX-512 (VNNI) CPU kernels, chosen at run time (cpu.c checks
 * avx512f/bw/dq/vl/vnni): int8 and uint8 CONV_2D and FULLY_CONNECTED with vpdpbusd,
 * TRANSPOSE_CONV of a filter no shorter than its stride as CONV_2D ops (tconv()),
 * DEPTHWISE_CONV_2D (depth multiplier 1: int8 filters of 4 or more taps
 * across on vpdpbusd, four taps a lane, the rest on vpdpwssd) and ADD/SUB (equal
 * shapes, or an input broadcast along N, H and W) on 16 lanes, MAX_POOL_2D on 64 bytes,
 * AVERAGE_POOL_2D on 16 lanes, int8 and uint8, int8 RESIZE_BILINEAR on 16 lanes, MUL,
 * MAXIMUM and MINIMUM under cpu-common.c's broadcast walk, MEAN's 8-bit pipeline; with
 * AVX-512 VBMI the table ops (lut()). Anything they decline goes to the AVX2
 * kernels, then to the reference (firmware/ops/).
 *
 * The op is a GEMM: rows are output pixels (FC: batches), each an im2col
 * patch of K = kh * kw * ic bytes; columns are output channels in blocks
 * of 16 (one zmm of int32 sums). vpdpbusd multiplies unsigned bytes by
 * signed bytes, four at a time, into int32 without saturation. So:
 *
 *   activations: xu = x + 128 (x ^ 0x80), in 0..255;
 *   weights:     w' = w - zw, must fit int8 (checked: else declined);
 *   sum (x - zx) * w' = sum xu * w' - (128 + zx) * sum w'.
 *
 * Padding taps hold xu = 128 + zx (x = zx): they add (128 + zx) * w',
 * which the correction takes back, i.e. they add 0 as in the reference.
 * Bytes past K in a patch meet zero weights. int32 sums are exact modulo
 * 2^32 in any order, as are the reference's (wrapping) sums, so the
 * result is the same bytes.
 *
 * uint8 (TF1-style per-tensor) GEMMs: activations as they are (xu = x,
 * padding zx), weights w' = w - 128 (always int8), and since
 * w - zw = w' + (128 - zw),
 *
 *   sum (x - zx) * (w - zw) = sum xu * w' - zx * sum w' + (128 - zw) * S,
 *
 * S the output pixel's (FC: batch row's) sum of x - zx over its patch: a
 * per-row term added where the sums start (gemm_radd()).
 *
 * The rescale is the reference's ek_mbqm_up() on 16 lanes: the left
 * shift, (x * M + 2^30) >> 31 in 64-bit lanes, the rounding right shift
 * half up, then zero point and clamp (TRANSPOSE_CONV's: ek_mbqm(), below).
 * int8 weights whose offset values do not fit int8 and odd parameters are
 * declined.
 *
 * Depthwise and ADD/SUB use the reference's gemmlowp rescale
 * (ek_mbqm(): doubling high multiply truncated toward zero, rounding
 * half away from zero) on 16 lanes, v_mbqm(); depthwise sums are int32
 * products of offset values, exact modulo 2^32 like the reference's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "exec/cpu-opt.h"

#if defined(__x86_64__) && defined(__AVX512VNNI__) && defined(__AVX512BW__)
#include <immintrin.h>

#define MR 8	/* rows (output pixels) per micro-kernel call */
/*
 * Unroll the small loops over a micro-kernel's rows and blocks fully, so
 * that its accumulators live in registers (GCC's -O2 would keep them in
 * memory: a load and a store around every vpdpbusd).
 */
#define UNROLL _Pragma("GCC unroll 8")
#define NRMAX 3	/* 16-channel blocks per micro-kernel */

struct dwb;

/*
 * Prepared weights: [nb][k4][16][4] int8 (w - zw; uint8: w - 128), and per
 * channel sum of those.
 */
struct vnni_w {
	uint32_t n, k, k4, nb;
	int u8;			/* a uint8 filter: the rows' sums need rz * S more */
	int32_t rz;		/* 128 - zw (uint8), 0 */
	int32_t *wsum;		/* nb * 16 */
	int8_t *w;		/* nb * k4 * 64 */
	int32_t *w32;		/* depthwise: k (taps) * nb * 16, n = channels */
	/* depthwise on quads of taps (dwq_pack()): [kh][G][nb][16][4] int8, wsum */
	int8_t *wq;
	uint32_t kh, kw, G;
	/*
	 * CONV_2D whose filter rows (kw * ic bytes) are laid out padded to kr
	 * bytes, a multiple of 4, with weights of 0 (conv_kr()); 0: as they are
	 */
	uint32_t kr;
	struct gq *dg;		/* the rescale of each 16-channel block, or NULL */
	struct dwb *db;		/* depthwise: the byte-quad rows' layout (dwb_new()), or NULL */
	/* CONV_2D, FC: the channel terms laid out with the weights (gemm_q()), or NULL */
	struct vnni_q *pq;
	const void *pq_bias;	/* made for this bias and input zero point */
	int32_t pq_zx;
	/*
	 * TRANSPOSE_CONV (tconv_prepare()): the lowered ops' bias, and the
	 * layouts of its phases' convolutions (NULL: one 1x1 convolution, this)
	 */
	int32_t *tb;
	struct vnni_w **ph;
	uint32_t nph;
	struct add_rank *ar;	/* ADD/SUB: add_rank_make()'s tables */
};

static void *aalloc(size_t n)
{
	return aligned_alloc(64, (n + 63) & ~(size_t)63);
}

/* aalloc() of weights laid out ahead of time, written whole at once. */
static void *aalloc_w(size_t n)
{
	return base_alloc_populated(n);
}

/*
 * gemmlowp's rescale as ek_mbqm() computes it, on 16 lanes. The
 * saturating rounding doubling high multiply, (x * m + nudge) / 2^31
 * truncated toward zero with nudge 2^30 (x * m >= 0) or 1 - 2^30, equals
 * (x * m + 2^30) >> 31 (arithmetic) in both cases (for x * m < 0, adding
 * 2^31 - 1 turns the truncation into a floor); m >= 0, so the saturating
 * case cannot occur. The rounding divide by 2^e (half away from zero)
 * equals (v + 2^(e-1) - (v < 0)) >> e for e > 0, in 64-bit lanes where
 * nothing overflows. struct gq holds one 16-lane group's parameters laid
 * out for the even and odd lanes.
 */
struct gq {
	__m512i left, mul, mulo;	/* mulo: the odd lanes' multipliers, in the even slots */
	__m512i se, so;			/* right shifts of the even / odd lanes, 64-bit */
	__m512i rpe, rpo, rne, rno;	/* rounding addends for v >= 0 / v < 0 */
	/* ek_mbqm_up() in one step: (x * m + ue) >> te, even / odd lanes */
	__m512i ue, uo, te, to;
	/*
	 * to - 32: the odd lanes' result straight into the high halves when
	 * every odd lane in use shifts by 32 or more (oddhi)
	 */
	__m512i to2;
	/*
	 * ek_mbqm() in one step: (x * m + une / uno) >> te / to for
	 * x * m < -2^30, with ue / uo otherwise
	 */
	__m512i une, uno;
	/*
	 * v_rq()'s rescale in binary32 (struct rq_f), where no lane shifts
	 * left (fok): r', c' for x > ftneg and x <= ftneg
	 */
	__m512 fr, fcp, fcn;
	__m512i ftneg;
	int fok;
	int oddhi;
	int left_any;			/* some lane shifts left */
};

/*
 * The rescale in binary32. For a right shift e (0..31), ek_mbqm() of x
 * is floor((x M + C) / 2^(31+e)) (struct gq), C = 2^30 + 2^(30+e) where
 * x M >= -2^30, 2^31 less below (x <= tneg; for e = 0, C = 2^30 both
 * ways): floor(x r + c), r = M / 2^(31+e), c = C / 2^(31+e).
 * q = fma(x', r', c') with x', r' and c' + RQ_F_EPS each rounded to
 * binary32, to nearest in each step whatever MXCSR's mode (none is
 * subnormal). Where the output is not clamped, |x r + c| < 256 and |c|
 * <= 1, and the errors of x' and r' (|x r| 2^-24 each), c' (2^-24) and
 * the fma (2^-16) add up to less than 2^-14: q lies 2^-14..3 * 2^-14
 * above x r + c. (MUL folds its zero point into c: |p r| < 513, |c| <=
 * 256, p exact, errors of 2^-15 (r'), 2^-16 (c') and 2^-16 (the fma):
 * the same bound.)
 * So where q's fraction is 2^-12 or more, floor(q) is the reference's;
 * elsewhere (1 lane in 4096 of random values, more with exact ties) the
 * caller redoes it in integers. Where the output is clamped, the error
 * is below 1 for |q| < 2^22, and a |q| of 2^23 or more has no fraction
 * bits: redone.
 */
#define RQ_F_EPS (1.0 / 8192)

struct rq_f {
	double r, cp, cn;	/* exact */
	int32_t tneg;		/* the largest x with x M < -2^30 (INT32_MIN for M = 0) */
};

static void rq_f_make(struct rq_f *f, int32_t mul, int32_t shift)
{
	uint32_t e = shift > 0 ? 0 : (uint32_t)-shift;
	double s = 1.0 / (double)((uint64_t)1 << (31 + e));
	int64_t t = INT32_MIN;

	f->r = mul * s;
	f->cp = ((double)(1 << 30) + (e ? (double)((uint64_t)1 << (30 + e)) : 0)) * s;
	f->cn = f->cp - (e ? (double)(1U << 31) * s : 0);
	if (mul > 0) {
		t = -(((int64_t)1 << 30) / mul);
		if (t * mul >= -((int64_t)1 << 30))
			t--;
	}
	f->tneg = (int32_t)t;
}

/* @v (exact: each term above is) to binary32 to nearest, whatever MXCSR's rounding mode */
static float f32_rn(double v)
{
	return _mm_cvtss_f32(_mm_cvt_roundsd_ss(_mm_setzero_ps(), _mm_set_sd(v),
						_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/* @shift and @mul: 16 lanes each (shift -31..30, mul >= 0). */
static void gq_make(struct gq *g, const int32_t *shift, const int32_t *mul)
{
	int32_t l[16], m[16];
	int64_t se[8], so[8], rp[16], rn[16], u[16], t[16], t2[8], un[16];
	int i;

	float fr[16], fcp[16], fcn[16];
	int32_t ftneg[16];

	g->oddhi = 1;
	g->left_any = 0;
	for (i = 0; i < 16; i++) {
		int32_t e = shift[i] > 0 ? 0 : -shift[i];
		struct rq_f f;

		rq_f_make(&f, mul[i], shift[i]);
		fr[i] = f32_rn(f.r);
		fcp[i] = f32_rn(f.cp + RQ_F_EPS);
		fcn[i] = f32_rn(f.cn + RQ_F_EPS);
		ftneg[i] = f.tneg;
		g->left_any |= shift[i] > 0;
		l[i] = shift[i] > 0 ? shift[i] : 0;
		m[i] = mul[i];
		if (i % 2)
			so[i / 2] = e;
		else
			se[i / 2] = e;
		rp[i] = e ? (int64_t)1 << (e - 1) : 0;
		rn[i] = e ? ((int64_t)1 << (e - 1)) - 1 : 0;
		/*
		 * ((p + 2^30) >> 31 + 2^(e-1)) >> e == (p + 2^30 + 2^(30+e)) >> (31+e):
		 * floor(floor(a / b) + c) / d) == floor((a + c b) / (b d))
		 */
		u[i] = ((int64_t)1 << 30) + (e ? (int64_t)1 << (30 + e) : 0);
		t[i] = 31 + e;
		/*
		 * gemmlowp's: the rounding divide of h = (x * m + 2^30) >> 31 by
		 * 2^e adds 2^(e-1) - (h < 0), and h < 0 iff x * m < -2^30:
		 * (p + 2^30 + (2^(e-1) - 1) * 2^31) >> (31 + e) there
		 */
		un[i] = u[i] - (e ? (int64_t)1 << 31 : 0);
		if (i % 2) {
			/* a lane of multiplier 0 gives 0 with any shift of 31 or more */
			t2[i / 2] = e ? e - 1 : 0;
			if (!e && mul[i])
				g->oddhi = 0;
		}
	}
	g->fr = _mm512_loadu_ps(fr);
	g->fcp = _mm512_loadu_ps(fcp);
	g->fcn = _mm512_loadu_ps(fcn);
	g->ftneg = _mm512_loadu_si512(ftneg);
	g->fok = !g->left_any;
	g->to2 = _mm512_loadu_si512(t2);
	g->une = _mm512_set_epi64(un[14], un[12], un[10], un[8], un[6], un[4], un[2], un[0]);
	g->uno = _mm512_set_epi64(un[15], un[13], un[11], un[9], un[7], un[5], un[3], un[1]);
	g->left = _mm512_loadu_si512(l);
	g->mul = _mm512_loadu_si512(m);
	g->mulo = _mm512_srli_epi64(g->mul, 32);
	g->se = _mm512_loadu_si512(se);
	g->so = _mm512_loadu_si512(so);
	g->rpe = _mm512_set_epi64(rp[14], rp[12], rp[10], rp[8], rp[6], rp[4], rp[2], rp[0]);
	g->rpo = _mm512_set_epi64(rp[15], rp[13], rp[11], rp[9], rp[7], rp[5], rp[3], rp[1]);
	g->rne = _mm512_set_epi64(rn[14], rn[12], rn[10], rn[8], rn[6], rn[4], rn[2], rn[0]);
	g->rno = _mm512_set_epi64(rn[15], rn[13], rn[11], rn[9], rn[7], rn[5], rn[3], rn[1]);
	g->ue = _mm512_set_epi64(u[14], u[12], u[10], u[8], u[6], u[4], u[2], u[0]);
	g->uo = _mm512_set_epi64(u[15], u[13], u[11], u[9], u[7], u[5], u[3], u[1]);
	g->te = _mm512_set_epi64(t[14], t[12], t[10], t[8], t[6], t[4], t[2], t[0]);
	g->to = _mm512_set_epi64(t[15], t[13], t[11], t[9], t[7], t[5], t[3], t[1]);
}

/*
 * gq_make() of one shift and multiplier in every lane, its values
 * broadcast (run per op run by ADD/SUB, MUL, MEAN: gq_make()'s lane loops
 * were a quarter of a small ADD's time).
 */
static void gq_make1(struct gq *g, int32_t shift, int32_t mul)
{
	int32_t e = shift > 0 ? 0 : -shift;
	int64_t rp = e ? (int64_t)1 << (e - 1) : 0;
	int64_t u = ((int64_t)1 << 30) + (e ? (int64_t)1 << (30 + e) : 0);

	g->oddhi = e || !mul;
	g->left_any = shift > 0;
	g->fok = 0;
	g->to2 = _mm512_set1_epi64(e ? e - 1 : 0);
	g->une = g->uno = _mm512_set1_epi64(u - (e ? (int64_t)1 << 31 : 0));
	g->left = _mm512_set1_epi32(shift > 0 ? shift : 0);
	g->mul = _mm512_set1_epi32(mul);
	g->mulo = _mm512_srli_epi64(g->mul, 32);
	g->se = g->so = _mm512_set1_epi64(e);
	g->rpe = g->rpo = _mm512_set1_epi64(rp);
	g->rne = g->rno = _mm512_set1_epi64(e ? rp - 1 : 0);
	g->ue = g->uo = _mm512_set1_epi64(u);
	g->te = g->to = _mm512_set1_epi64(31 + e);
}

/* Per output channel terms of a GEMM op, in the lanes' order. */
struct vnni_q {
	int32_t *c;		/* bias - (128 + zx) * wsum (uint8: bias - zx * wsum) */
	struct gq *g;		/* rescale of each 16-channel block */
	int left;		/* some channel shifts left */
	int u8;			/* uint8 outputs */
	/* ek_mbqm()'s rounding (half away from zero), not ek_mbqm_up()'s: tconv() */
	int away;
	int32_t zo, lo, hi;
};

static void vnni_w_free(struct vnni_w *p)
{
	if (p) {
		free(p->wsum);
		free(p->w);
		free(p->w32);
		free(p->wq);
		free(p->dg);
		free(p->db);
		free(p->tb);
		free(p->ar);
		if (p->ph) {
			uint32_t i;

			for (i = 0; i < p->nph; i++)
				vnni_w_free(p->ph[i]);
			free(p->ph);
		}
		if (p->pq) {
			free(p->pq->c);
			free(p->pq->g);
			free(p->pq);
		}
		free(p);
	}
}

/*
 * The 64 bytes of block row (@ob, @kk) of pack(): lane l holds w - zw of
 * row 16 ob + l, columns 4 kk .. 4 kk + 3 (0 outside [n] x [k]; @u8: the
 * bytes are uint8); @s[l] gets their sum. 0, or -1 when a value is out of
 * int8 range.
 */
static int pack_tile(const int8_t *w, int u8, int32_t zw, uint32_t n, uint32_t k, uint32_t ob,
		     uint32_t kk, int8_t *dst, int32_t *s)
{
	uint32_t l, j;

	for (l = 0; l < 16; l++) {
		uint32_t o = ob * 16 + l;

		for (j = 0; j < 4; j++) {
			uint32_t i = kk * 4 + j;
			int32_t v = o < n && i < k ? (u8 ? (int32_t)((const uint8_t *)w)[(size_t)o * k + i] :
							   w[(size_t)o * k + i]) - zw : 0;

			if (v < -128 || v > 127)
				return -1;
			dst[l * 4 + j] = (int8_t)v;
			s[l] += v;
		}
	}
	return 0;
}

/*
 * @f as [n][k] (CONV_2D: [oc][kh][kw][ic]; FC: [och][ich]), written in
 * order, one 64-byte block row at a time. With a zero point of 0 (TFLite's
 * int8 filters) a whole block row is one gather of 16 dwords (4 bytes of
 * each of 16 rows) and its sums one vpdpbusd by ones; other zero points,
 * the last rows and the last columns go byte by byte (pack_tile()).
 */
static struct vnni_w *pack(const struct ek_tensor *f, uint32_t n, uint32_t k)
{
	const int8_t *src = f->data;
	int u8 = f->dtype == EDGEAI_DTYPE_UINT8;
	/* uint8: w - 128, whatever the zero point (rz = 128 - zw: gemm_radd()) */
	int32_t zw = u8 ? 128 : f->zp;
	struct vnni_w *p;
	uint32_t ob, kk;

	if (!ek_is8(f->dtype) || !n || !k)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->u8 = u8;
	p->rz = u8 ? 128 - f->zp : 0;
	p->n = n;
	p->k = k;
	p->k4 = (k + 3) / 4;
	p->nb = (n + 15) / 16;
	p->wsum = aalloc((size_t)p->nb * 16 * 4);
	p->w = aalloc_w((size_t)p->nb * p->k4 * 64);
	if (!p->wsum || !p->w) {
		vnni_w_free(p);
		return NULL;
	}
	for (ob = 0; ob < p->nb; ob++) {
		/* whole block rows: 16 rows and 4 columns inside the filter */
		uint32_t full = (u8 || f->zp == 0) && ob * 16 + 16 <= n ? k / 4 : 0;
		const __m512i rows = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8,
									7, 6, 5, 4, 3, 2, 1, 0),
							 _mm512_set1_epi32((int32_t)k));
		const int8_t *base = src + (size_t)ob * 16 * k;
		int8_t *dst = p->w + (size_t)ob * p->k4 * 64;
		__m512i sum = _mm512_setzero_si512();
		int32_t s[16];

		for (kk = 0; kk < full; kk++) {
			__m512i v = _mm512_i32gather_epi32(rows, base + 4 * kk, 1);

			if (u8)
				v = _mm512_xor_si512(v, _mm512_set1_epi8((char)0x80));
			_mm512_store_si512(dst + (size_t)kk * 64, v);
			sum = _mm512_dpbusd_epi32(sum, _mm512_set1_epi8(1), v);
		}
		_mm512_storeu_si512(s, sum);
		for (kk = full; kk < p->k4; kk++)
			if (pack_tile(src, u8, zw, n, k, ob, kk, dst + (size_t)kk * 64, s)) {
				vnni_w_free(p);
				return NULL;
			}
		memcpy(p->wsum + (size_t)ob * 16, s, sizeof(s));
	}
	return p;
}

static int shift_ok(int32_t mul, int32_t shift)
{
	return mul >= 0 && shift >= -31 && shift <= 30;
}

static void vnni_q_free(struct vnni_q *q)
{
	free(q->c);
	free(q->g);
}

/*
 * Channel terms of an op: @bias (or NULL), per-channel @qm (or NULL: @mul,
 * @shift for all), input zero point @zx. 0, or -1 (declined).
 */
static int make_q(struct vnni_q *q, const struct vnni_w *w, const int32_t *bias,
		  const struct edgeai_prog_qmul *qm, int32_t mul, int32_t shift, int32_t zx,
		  int32_t zo, int32_t lo, int32_t hi)
{
	uint32_t n = w->nb * 16, o;
	/* the bytes the GEMM reads for x = zx: 128 + zx (int8), zx (uint8) */
	uint32_t xz = (uint32_t)(w->u8 ? zx : 128 + zx);
	int32_t *sh, *mu;

	memset(q, 0, sizeof(*q));
	/* 8-bit outputs: the clamp within the range the saturating store keeps */
	if (lo > hi || (w->u8 ? lo < 0 || hi > 255 : lo < -128 || hi > 127))
		return -1;
	q->u8 = w->u8;
	q->c = aalloc((size_t)n * 12);
	q->g = aalloc((size_t)w->nb * sizeof(*q->g));
	if (!q->c || !q->g) {
		vnni_q_free(q);
		return -1;
	}
	sh = q->c + n;
	mu = sh + n;
	for (o = 0; o < n; o++) {
		int32_t m = o < w->n && qm ? qm[o].multiplier : mul;
		int32_t s = o < w->n && qm ? qm[o].shift : shift;
		uint32_t c = (uint32_t)(o < w->n && bias ? bias[o] : 0);

		if (o < w->n && !shift_ok(m, s)) {
			vnni_q_free(q);
			return -1;
		}
		if (o >= w->n)
			m = 0, s = 0;
		c -= xz * (uint32_t)w->wsum[o];
		q->c[o] = (int32_t)c;
		sh[o] = s;
		mu[o] = m;
		q->left |= s > 0;
	}
	for (o = 0; o < w->nb; o++)
		gq_make(&q->g[o], sh + 16 * o, mu + 16 * o);
	q->zo = zo;
	q->lo = lo;
	q->hi = hi;
	return 0;
}

/*
 * Whether the constant @now (@size bytes; NULL: none) is the one @then
 * a layout was made for: the same place (every run of the program the
 * layout was made for, bound requests too: exec_cpu_run_bound()), or the
 * same bytes (another copy of the program).
 */
static int same_const(const void *then, const void *now, size_t size)
{
	return then == now || (then && now && !memcmp(then, now, size));
}

/*
 * The channel terms of a GEMM op: those the prepare hook laid out with
 * @w when they are this run's (the same bias, zero points and clamp),
 * else made into @own (*@owned set: the caller frees them). NULL: the op
 * is declined.
 */
static const struct vnni_q *gemm_q(struct vnni_q *own, int *owned, const struct vnni_w *w,
				   const int32_t *bias, const struct edgeai_prog_qmul *qm,
				   int32_t mul, int32_t shift, int32_t zx, int32_t zo, int32_t lo,
				   int32_t hi)
{
	*owned = 0;
	if (w->pq && w->pq_zx == zx && w->pq->zo == zo && w->pq->lo == lo && w->pq->hi == hi &&
	    same_const(w->pq_bias, bias, (size_t)w->n * 4))
		return w->pq;
	if (make_q(own, w, bias, qm, mul, shift, zx, zo, lo, hi))
		return NULL;
	*owned = 1;
	return own;
}

/* Lay out @w's channel terms for a bias and zero points known ahead of time. */
static void gemm_q_prepare(struct vnni_w *w, const int32_t *bias,
			   const struct edgeai_prog_qmul *qm, int32_t mul, int32_t shift, int32_t zx,
			   int32_t zo, int32_t lo, int32_t hi)
{
	struct vnni_q *q = malloc(sizeof(*q));

	if (!q)
		return;
	if (make_q(q, w, bias, qm, mul, shift, zx, zo, lo, hi)) {
		free(q);
		return;
	}
	w->pq = q;
	w->pq_bias = bias;
	w->pq_zx = zx;
}

/*
 * ek_mbqm_up() (ruy's rounding) + zero point + clamp on the 16 channels
 * from @o of sums that started at q->c: (x * M + 2^30) >> 31, then the
 * right shift rounding half up, (v + 2^(e-1)) >> e, in 64-bit lanes, as
 * one add and one shift (struct gq). The result fits int32; with odd
 * lanes shifting by 32 + s, shifting by s instead leaves it in the high
 * half, where the blend takes it. With q->away, ek_mbqm() (v_mbqm()'s
 * addend for the negative products).
 */
static inline __attribute__((always_inline)) __m512i
requant(__m512i x, const struct vnni_q *q, uint32_t o)
{
	const struct gq *g = &q->g[o / 16];
	__m512i pe, po, r;

	if (q->left)
		x = _mm512_sllv_epi32(x, g->left);
	pe = _mm512_mul_epi32(x, g->mul);
	po = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), g->mulo);
	if (q->away) {
		const __m512i lim = _mm512_set1_epi64(-((int64_t)1 << 30));

		pe = _mm512_add_epi64(pe, _mm512_mask_blend_epi64(
					      _mm512_cmplt_epi64_mask(pe, lim), g->ue, g->une));
		po = _mm512_add_epi64(po, _mm512_mask_blend_epi64(
					      _mm512_cmplt_epi64_mask(po, lim), g->uo, g->uno));
	} else {
		pe = _mm512_add_epi64(pe, g->ue);
		po = _mm512_add_epi64(po, g->uo);
	}
	pe = _mm512_srav_epi64(pe, g->te);
	if (g->oddhi)
		po = _mm512_srav_epi64(po, g->to2);
	else
		po = _mm512_slli_epi64(_mm512_srav_epi64(po, g->to), 32);
	r = _mm512_mask_blend_epi32(0xaaaa, pe, po);
	r = _mm512_add_epi32(r, _mm512_set1_epi32(q->zo));
	/* the 8-bit range itself by the saturating store (uint8: from lo >= 0 up) */
	if (q->lo > -128 || q->u8)
		r = _mm512_max_epi32(r, _mm512_set1_epi32(q->lo));
	if (q->hi < (q->u8 ? 255 : 127))
		r = _mm512_min_epi32(r, _mm512_set1_epi32(q->hi));
	return r;
}

static inline __attribute__((always_inline)) void
requant_store(__m512i acc, const struct vnni_q *q, uint32_t o, int8_t *dst,
				 __mmask16 m)
{
	if (q->u8)
		_mm512_mask_cvtusepi32_storeu_epi8(dst, m, requant(acc, q, o));
	else
		_mm512_mask_cvtsepi32_storeu_epi8(dst, m, requant(acc, q, o));
}

static inline __m512i bcast4(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return _mm512_set1_epi32(v);
}

/*
 * mr rows x nr blocks of 16 channels from block @b0: rows[i] are patches
 * of k4 * 4 bytes (@doff NULL), or the origins of patches whose dword k
 * is at rows[i] + doff[k] (read in place from the padded image);
 * out[i] the output pixel's channel 0 (NULL: not stored);
 * radd[i] (uint8: gemm_radd()) added to every channel's sum of row i, or
 * @radd NULL.
 */
static inline __attribute__((always_inline)) void
micro(const uint8_t *const *rows, int8_t *const *out, const int32_t *radd,
      const struct vnni_w *w, const struct vnni_q *q0, uint32_t b0, int nr, int mr,
      const int32_t *doff)
{
	/* a copy: the byte stores cannot alias it, its terms stay in registers */
	const struct vnni_q qc = *q0, *q = &qc;
	__m512i acc[MR][NRMAX];
	const int8_t *wb = w->w + (size_t)b0 * w->k4 * 64;
	size_t bs = (size_t)w->k4 * 64;
	uint32_t k4;
	int i, j;

	UNROLL
	for (j = 0; j < nr; j++)
		acc[0][j] = _mm512_load_si512(q->c + (b0 + j) * 16);
	UNROLL
	for (i = mr - 1; i >= 0; i--) {
		UNROLL
		for (j = 0; j < nr; j++)
			acc[i][j] = radd ? _mm512_add_epi32(acc[0][j], _mm512_set1_epi32(radd[i])) :
					   acc[0][j];
	}
	for (k4 = 0; k4 < w->k4; k4++) {
		__m512i wv[NRMAX];
		size_t ko = doff ? (size_t)(uint32_t)doff[k4] : (size_t)4 * k4;

		UNROLL
		for (j = 0; j < nr; j++)
			wv[j] = _mm512_load_si512(wb + j * bs + (size_t)k4 * 64);
		UNROLL
		for (i = 0; i < mr; i++) {
			__m512i a = bcast4(rows[i] + ko);

			UNROLL
			for (j = 0; j < nr; j++)
				acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], a, wv[j]);
		}
	}
	UNROLL
	for (i = 0; i < mr; i++) {
		if (!out[i])
			continue;
		UNROLL
		for (j = 0; j < nr; j++) {
			uint32_t o = (b0 + j) * 16;
			uint32_t left = w->n - o;
			__mmask16 m = left >= 16 ? 0xffff : (__mmask16)((1U << left) - 1);

			requant_store(acc[i][j], q, o, out[i] + o, m);
		}
	}
}

/*
 * MR rows by blocks of 16 channels, three at a time (24 accumulators):
 * each weight vector loaded serves 8 rows.
 */
static inline __attribute__((always_inline)) void
gemm_rows_nr(const uint8_t *const rows[MR], int8_t *const out[MR], const int32_t *radd,
	     const struct vnni_w *w, const struct vnni_q *q, uint32_t b, const int32_t *doff)
{
	if (w->nb - b >= 3)
		micro(rows, out, radd, w, q, b, 3, MR, doff);
	else if (w->nb - b == 2)
		micro(rows, out, radd, w, q, b, 2, MR, doff);
	else
		micro(rows, out, radd, w, q, b, 1, MR, doff);
}

/* @doff: as micro()'s */
static void gemm_rows_part(const uint8_t *const rows[MR], int8_t *const out[MR],
			   const int32_t *radd, const struct vnni_w *w, const struct vnni_q *q,
			   uint32_t t0, uint32_t t1, const int32_t *doff)
{
	uint32_t b;

	for (b = 3 * t0; b < 3 * t1 && b < w->nb; b += 3) {
		if (doff && radd)
			gemm_rows_nr(rows, out, radd, w, q, b, doff);
		else if (doff)
			gemm_rows_nr(rows, out, NULL, w, q, b, doff);
		else if (radd)
			gemm_rows_nr(rows, out, radd, w, q, b, NULL);
		else
			gemm_rows_nr(rows, out, NULL, w, q, b, NULL);
	}
}

/*
 * One row (FULLY_CONNECTED of one batch row: a matrix-vector product)
 * by nr blocks of 16 channels from block @b0: as micro() with mr = 1,
 * but two sums per block, even and odd dwords of the row, so that twice
 * as many vpdpbusd are in flight; added at the end (int32 sums wrap
 * alike in any order).
 */
static inline __attribute__((always_inline)) void
micro1(const uint8_t *row, int8_t *out, int32_t radd, const struct vnni_w *w,
       const struct vnni_q *q0, uint32_t b0, int nr)
{
	const struct vnni_q qc = *q0, *q = &qc;
	__m512i acc[2][NRMAX];
	const int8_t *wb = w->w + (size_t)b0 * w->k4 * 64;
	size_t bs = (size_t)w->k4 * 64;
	uint32_t k4 = 0;
	int j;

	UNROLL
	for (j = 0; j < nr; j++) {
		acc[0][j] = _mm512_add_epi32(_mm512_load_si512(q->c + (b0 + j) * 16),
					     _mm512_set1_epi32(radd));
		acc[1][j] = _mm512_setzero_si512();
	}
	for (; k4 + 2 <= w->k4; k4 += 2) {
		__m512i a0 = bcast4(row + 4 * k4), a1 = bcast4(row + 4 * k4 + 4);

		UNROLL
		for (j = 0; j < nr; j++) {
			acc[0][j] = _mm512_dpbusd_epi32(acc[0][j], a0, _mm512_load_si512(
							wb + j * bs + (size_t)k4 * 64));
			acc[1][j] = _mm512_dpbusd_epi32(acc[1][j], a1, _mm512_load_si512(
							wb + j * bs + (size_t)k4 * 64 + 64));
		}
	}
	if (k4 < w->k4) {
		__m512i a0 = bcast4(row + 4 * k4);

		UNROLL
		for (j = 0; j < nr; j++)
			acc[0][j] = _mm512_dpbusd_epi32(acc[0][j], a0, _mm512_load_si512(
							wb + j * bs + (size_t)k4 * 64));
	}
	UNROLL
	for (j = 0; j < nr; j++) {
		uint32_t o = (b0 + j) * 16, left = w->n - o;
		__mmask16 m = left >= 16 ? 0xffff : (__mmask16)((1U << left) - 1);

		requant_store(_mm512_add_epi32(acc[0][j], acc[1][j]), q, o, out + o, m);
	}
}

/* micro1() over the triples of blocks [t0, t1). */
static void gemv_part(const uint8_t *row, int8_t *out, int32_t radd, const struct vnni_w *w,
		      const struct vnni_q *q, uint32_t t0, uint32_t t1)
{
	uint32_t b;

	for (b = 3 * t0; b < 3 * t1 && b < w->nb; b += 3) {
		if (w->nb - b >= 3)
			micro1(row, out, radd, w, q, b, 3);
		else if (w->nb - b == 2)
			micro1(row, out, radd, w, q, b, 2);
		else
			micro1(row, out, radd, w, q, b, 1);
	}
}

/* The triples of 16-channel blocks gemm_rows() goes through (the last one may be short). */
static inline uint32_t gemm_triples(const struct vnni_w *w)
{
	return (w->nb + 2) / 3;
}

static void gemm_rows(const uint8_t *const rows[MR], int8_t *const out[MR],
		      const int32_t *radd, const struct vnni_w *w, const struct vnni_q *q,
		      const int32_t *doff)
{
	gemm_rows_part(rows, out, radd, w, q, 0, gemm_triples(w), doff);
}

/* dst[i] = src[i] ^ 0x80 (int8 to offset-128 unsigned). */
static void to_u8(uint8_t *dst, const void *src, size_t n)
{
	const __m512i f = _mm512_set1_epi8((char)0x80);
	const uint8_t *s = src;
	size_t i = 0;

	for (; i + 64 <= n; i += 64)
		_mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(s + i), f));
	if (i < n) {
		__mmask64 m = ((__mmask64)1 << (n - i)) - 1;

		_mm512_mask_storeu_epi8(dst + i, m,
					_mm512_xor_si512(_mm512_maskz_loadu_epi8(m, s + i), f));
	}
}

/* The bytes the GEMM reads of 8-bit values: x ^ 0x80 (int8), x (uint8). */
static void to_xu(uint8_t *dst, const void *src, size_t n, int u8)
{
	if (u8)
		memcpy(dst, src, n);
	else
		to_u8(dst, src, n);
}

static inline void copy(uint8_t *d, const uint8_t *s, uint32_t n)
{
	if (n <= 64) {
		__mmask64 m = n == 64 ? ~(__mmask64)0 : ((__mmask64)1 << n) - 1;

		_mm512_mask_storeu_epi8(d, m, _mm512_maskz_loadu_epi8(m, s));
	} else {
		memcpy(d, s, n);
	}
}

static const struct edgeai_prog_qmul *qmuls(const struct ek_op *o,
					    const struct edgeai_prog_conv_params *p, uint32_t och,
					    int *ok)
{
	const struct edgeai_prog_qmul *q = NULL;

	*ok = 1;
	if (p->qmul_offset != EDGEAI_PROG_NO_CONST) {
		q = ek_const(o, p->qmul_offset, (uint64_t)och * sizeof(*q), 4);
		if (!q)
			*ok = 0;
	}
	return q;
}

/*
 * The input as offset-128 bytes (x ^ 0x80; uint8: x) in a padded image:
 * @pt rows and @pl columns of padding before, enough after for every tap
 * of every output pixel, each padding byte 128 + zx (uint8: zx; adds 0,
 * see above); @slack bytes more at the end (reads of lanes past a row's
 * last pixel).
 */
struct pimg {
	uint8_t *d;
	uint32_t ph, pw, ic;
	size_t row;	/* pw * ic */
};

static int pimg_make(struct pimg *pi, const struct ek_tensor *in, uint32_t pt, uint32_t pl,
		     uint32_t ph, uint32_t pw, size_t slack)
{
	uint32_t n = in->d[0], h = in->d[1], w = in->d[2], ic = in->d[3], b, y;
	int u8 = in->dtype == EDGEAI_DTYPE_UINT8;
	uint8_t pv = (uint8_t)(u8 ? in->zp : 128 + in->zp), *d;

	pi->ph = ph;
	pi->pw = pw;
	pi->ic = ic;
	pi->row = (size_t)pw * ic;
	pi->d = aalloc((size_t)n * ph * pi->row + slack);
	if (!pi->d)
		return -1;
	d = pi->d;
	if (pt == 0 && pl == 0 && ph == h && pw == w) {
		to_xu(d, in->data, (size_t)n * h * w * ic, u8);
	} else {
		for (b = 0; b < n; b++) {
			for (y = 0; y < ph; y++) {
				uint8_t *r = d + ((size_t)b * ph + y) * pi->row;

				if (y < pt || y >= pt + h) {
					memset(r, pv, pi->row);
					continue;
				}
				memset(r, pv, (size_t)pl * ic);
				to_xu(r + (size_t)pl * ic, (const uint8_t *)in->data +
					  ((size_t)b * h + (y - pt)) * w * ic, (size_t)w * ic, u8);
				memset(r + (size_t)(pl + w) * ic, pv, (size_t)(pw - pl - w) * ic);
			}
		}
	}
	memset(d + (size_t)n * ph * pi->row, pv, slack);
	return 0;
}

/*
 * Few output channels (och <= 8): output pixels in the lanes too. A vector
 * holds G = 16 / ocp pixels of an output row by ocp >= och channels (a
 * power of two; lane g * ocp + j: pixel g, channel j, lanes j >= och
 * have zero weights and are not stored), so the rescale and the stores
 * work on whole vectors where the row-major GEMM would use och of 16
 * lanes. Lane (g, j) of the activations of dword k of the patches is
 * dword k of pixel g's patch: at byte g * ps + doff[k] of the padded
 * image from the first pixel's patch origin (ps = stride_w * ic).
 */
struct packed {
	uint32_t ocp, G, k4, och;
	size_t ps;
	const int32_t *doff;	/* [k4] */
	const __m512i *w;	/* [k4]: lane L holds filter dword k of channel L % ocp */
	__m512i vidx;		/* gather offsets, or permute indices (ps % 4 == 0, G * ps <= 128) */
	int mode;		/* 0: gather, 1: one load + permute, 2: two loads + permute */
	struct vnni_q q;	/* 16 lanes of the channels' terms, as the lanes run */
};

static inline __m512i packed_a(const struct packed *pk, const uint8_t *pb, uint32_t k)
{
	const uint8_t *s = pb + pk->doff[k];

	switch (pk->mode) {
	case 1:
		return _mm512_permutexvar_epi32(pk->vidx, _mm512_loadu_si512(s));
	case 2:
		return _mm512_permutex2var_epi32(_mm512_loadu_si512(s), pk->vidx,
						 _mm512_loadu_si512(s + 64));
	default:
		return _mm512_i32gather_epi32(pk->vidx, s, 1);
	}
}

/* @nv vectors of G pixels each (the last @glast pixels valid) from @pb, outputs to @dst. */
static inline __attribute__((always_inline)) void
packed_vecs(const struct packed *pk, const uint8_t *pb, int8_t *dst, int nv, uint32_t glast)
{
	const struct vnni_q qc = pk->q;	/* as micro()'s */
	__m512i acc[4];
	uint32_t k;
	int i;

	UNROLL
	for (i = 0; i < nv; i++)
		acc[i] = _mm512_load_si512(pk->q.c);
	for (k = 0; k < pk->k4; k++) {
		__m512i wv = _mm512_load_si512(&pk->w[k]);

		UNROLL
		for (i = 0; i < nv; i++)
			acc[i] = _mm512_dpbusd_epi32(acc[i],
						     packed_a(pk, pb + (size_t)i * pk->G * pk->ps, k),
						     wv);
	}
	UNROLL
	for (i = 0; i < nv; i++) {
		uint32_t g = i == nv - 1 ? glast : pk->G;
		int8_t *d = dst + (size_t)i * pk->G * pk->och;
		__mmask16 sm = (__mmask16)((1U << (g * pk->och)) - 1);

		if (pk->och == pk->ocp) {
			requant_store(acc[i], &qc, 0, d, sm);
		} else {
			/* the stored lanes j < och, packed down */
			__mmask16 cm = 0;
			uint32_t l;

			for (l = 0; l < 16; l++)
				if (l % pk->ocp < pk->och)
					cm |= (__mmask16)(1U << l);
			_mm512_mask_cvtsepi32_storeu_epi8(d, sm, _mm512_maskz_compress_epi32(
				cm, requant(acc[i], &qc, 0)));
		}
	}
}

/* Blocks [begin, end) of MR output pixels of the row-major GEMM. */
struct gemm_job {
	const struct ek_op *o;
	const struct vnni_w *wp;
	const struct vnni_q *q;
	const struct pimg *pi;
	const int32_t *radd;	/* per output pixel (gemm_radd()), or NULL */
	const int32_t *doff;	/* the patches read in place at these offsets (micro()), or NULL */
	int direct;
	_Atomic int failed;	/* a patch buffer could not be had: nothing written is kept */
};

static void gemm_blocks(void *ctx, uint32_t begin, uint32_t end)
{
	struct gemm_job *gj = ctx;
	const struct ek_op *o = gj->o;
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	const struct vnni_w *wp = gj->wp;
	const struct pimg *pi = gj->pi;
	uint32_t ic = in->d[3], kh = f->d[1], kw = f->d[2], och = out->d[3];
	uint32_t k = kh * kw * ic, oh = out->d[1], ow = out->d[2], mtot = out->d[0] * oh * ow;
	uint32_t blk, i;
	uint8_t *patch = NULL;

	if (!gj->direct && !gj->doff) {
		patch = aalloc((size_t)MR * wp->k4 * 4);
		if (!patch) {
			gj->failed = 1;
			return;
		}
	}
	/*
	 * the output pixel of row m: image n, row oy, column ox, and its
	 * patch's origin @org in the padded image (stepped, not computed per row)
	 */
	uint32_t n = begin * MR / (oh * ow), oy = begin * MR / ow % oh, ox = begin * MR % ow;
	size_t sx = (size_t)p->stride_w * ic;
	const uint8_t *org = pi->d + ((size_t)n * pi->ph + (size_t)oy * p->stride_h) * pi->row +
			     ox * sx;

	for (blk = begin; blk < end; blk++) {
		uint32_t m = blk * MR;
		const uint8_t *rows[MR];
		int8_t *outs[MR];
		int32_t ra[MR];

		for (i = 0; i < MR; i++) {
			/* rows past the last pixel repeat it (not stored) */
			uint32_t mm = m + i < mtot ? m + i : mtot - 1;
			const uint8_t *at = org;

			if (m + i + 1 < mtot) {
				org += sx;
				if (++ox == ow) {
					ox = 0;
					if (++oy == oh) {
						oy = 0;
						n++;
					}
					org = pi->d + ((size_t)n * pi->ph + (size_t)oy * p->stride_h) *
						      pi->row;
				}
			}
			outs[i] = m + i < mtot ? (int8_t *)out->data + (size_t)mm * och : NULL;
			ra[i] = gj->radd ? gj->radd[mm] : 0;
			if (gj->direct || gj->doff) {
				rows[i] = at;
			} else {
				uint8_t *dst = patch + (size_t)i * wp->k4 * 4;
				uint32_t ky, kx;

				for (ky = 0; ky < kh; ky++) {
					const uint8_t *sr = at + (size_t)ky * p->dilation_h * pi->row;

					/* a filter row is kw * ic bytes in a row */
					if (p->dilation_w == 1) {
						copy(dst + ky * kw * ic, sr, kw * ic);
						continue;
					}
					for (kx = 0; kx < kw; kx++)
						copy(dst + (ky * kw + kx) * ic,
						     sr + (size_t)kx * p->dilation_w * ic, ic);
				}
				memset(dst + k, 0, wp->k4 * 4 - k);
				rows[i] = dst;
			}
		}
		gemm_rows(rows, outs, gj->radd ? ra : NULL, wp, gj->q, gj->doff);
	}
	free(patch);
}

/* Output rows [begin, end) (batch * oh + oy) of the packed GEMM. */
struct packed_job {
	const struct packed *pk;
	const struct pimg *pi;
	void *out;
	uint32_t oh, ow, sh;
};

static void packed_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct packed_job *pj = ctx;
	const struct packed *pk = pj->pk;
	uint32_t r, x, step = 4 * pk->G, ow = pj->ow;

	for (r = begin; r < end; r++) {
		uint32_t n = r / pj->oh, oy = r % pj->oh;
		const uint8_t *pb = pj->pi->d + ((size_t)n * pj->pi->ph + (size_t)oy * pj->sh) *
						pj->pi->row;
		int8_t *dst = (int8_t *)pj->out + (size_t)r * ow * pk->och;

		for (x = 0; x + step <= ow; x += step)
			packed_vecs(pk, pb + (size_t)x * pk->ps, dst + (size_t)x * pk->och, 4, pk->G);
		for (; x < ow; x += pk->G) {
			uint32_t g = ow - x < pk->G ? ow - x : pk->G;

			packed_vecs(pk, pb + (size_t)x * pk->ps, dst + (size_t)x * pk->och, 1, g);
		}
	}
}

/*
 * Byte offsets of the patch's dwords from the patch origin (row pitch
 * @row): each dword's bytes (those below k) must lie in a row of the image;
 * -1 when one does not.
 */
static int patch_doff(int32_t *doff, uint32_t k4, uint32_t kh, uint32_t kw, uint32_t ic,
		      uint32_t dh, uint32_t dw, size_t row)
{
	uint32_t k = kh * kw * ic, j, b;

	for (j = 0; j < k4; j++) {
		int64_t o0 = 0;

		for (b = 4 * j; b < 4 * j + 4 && b < k; b++) {
			uint32_t ky = b / (kw * ic), kx = b / ic % kw, c = b % ic;
			int64_t o = (int64_t)ky * dh * (int64_t)row + (int64_t)kx * dw * ic + c;

			if (b == 4 * j)
				o0 = o;
			else if (o != o0 + (b - 4 * j))
				return -1;
		}
		if (o0 > INT32_MAX)
			return -1;
		doff[j] = (int32_t)o0;
	}
	return 0;
}

/* The sum of a padded image pixel's @ic bytes, wrapping as uint32. */
static inline uint32_t pix_sum(const uint8_t *s, uint32_t ic)
{
	__m512i acc = _mm512_setzero_si512();
	uint32_t c;

	/* sums of 8 bytes in 64-bit lanes (vpsadbw against 0) */
	for (c = 0; c < ic; c += 64) {
		__mmask64 mk = ic - c >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (ic - c)) - 1;

		acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(mk, s + c),
							     _mm512_setzero_si512()));
	}
	return (uint32_t)_mm512_reduce_add_epi64(acc);
}

/*
 * CONV_2D filter rows of few bytes, not a multiple of 4 (RGB stems: 3x3x3
 * is 9 bytes a row, 1-channel stems): laid out padded to kr bytes, a
 * multiple of 4, with weights of 0 (w - zw = 0), so that each dword of a
 * patch lies in one row of the padded image and the GEMM reads it there
 * (conv_doff()) instead of copying every output pixel's patch together,
 * which costs more than its few vpdpbusd. The padding taps read the
 * image's next bytes (or the padded image's slack), which meet weights of
 * 0. Returns kr, or 0: the filter as it is.
 */
static uint32_t conv_kr(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *f = &o->in[1];
	uint32_t row = f->d[2] * f->d[3];

	if (p->dilation_w != 1 || row % 4 == 0 || row > 32)
		return 0;
	return (row + 3) & ~3U;
}

/* pack() of @o's filter with its rows padded to @kr bytes (conv_kr()). */
static struct vnni_w *pack_rows(const struct ek_op *o, uint32_t kr)
{
	const struct ek_tensor *f = &o->in[1];
	uint32_t n = f->d[0], kh = f->d[1], row = f->d[2] * f->d[3], r, j;
	int u8 = f->dtype == EDGEAI_DTYPE_UINT8;
	/* pack() takes uint8 weights as w - 128, int8 as w - zw: 0 in the padding */
	uint8_t pad = (uint8_t)(u8 ? 128 : f->zp), *buf;
	struct ek_tensor t = *f;
	struct vnni_w *w;

	if (!ek_is8(f->dtype) || (!u8 && (f->zp < -128 || f->zp > 127)) || !n || !kh)
		return NULL;
	buf = malloc((size_t)n * kh * kr);
	if (!buf)
		return NULL;
	for (r = 0; r < n * kh; r++)
		for (j = 0; j < kr; j++)
			buf[(size_t)r * kr + j] = j < row ? ((const uint8_t *)f->data)[(size_t)r * row + j]
							  : pad;
	t.data = buf;
	w = pack(&t, n, kh * kr);
	free(buf);
	if (w)
		w->kr = kr;
	return w;
}

/*
 * The patch's dword offsets (patch_doff()) of @w's layout: its padded
 * rows (kr), or the filter's own.
 */
static int conv_doff(int32_t *doff, const struct vnni_w *w, uint32_t kh, uint32_t kw, uint32_t ic,
		     uint32_t dh, uint32_t dw, size_t row)
{
	uint32_t j;

	if (!w->kr)
		return patch_doff(doff, w->k4, kh, kw, ic, dh, dw, row);
	for (j = 0; j < w->k4; j++) {
		int64_t o = (int64_t)(4 * j / w->kr) * dh * (int64_t)row + 4 * j % w->kr;

		if (o > INT32_MAX)
			return -1;
		doff[j] = (int32_t)o;
	}
	return 0;
}

/*
 * uint8: each output pixel's rz * S (S: the sum of x - zx over its patch,
 * the padding adding 0), from the padded image @pi: for each output row,
 * the sums down the filter's rows at each padded column, then across the
 * taps of each pixel, less zx per tap byte. int32 wrapping as the sums
 * do. Few channels (RGB stems, ic < 16): the column sums byte by byte as
 * running (prefix) sums along the row, so that a tap's ic bytes are the
 * difference of two, rather than a loop per pixel. A row's worth of sums
 * only: a buffer of the whole image's pixel sums (4 bytes a pixel) is
 * large enough to be mapped and faulted in afresh on every run. NULL
 * when there is no room.
 */
static int32_t *gemm_radd(const struct ek_op *o, const struct pimg *pi, int32_t rz)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t nimg = in->d[0], ic = pi->ic, kh = f->d[1], kw = f->d[2], oh = out->d[1];
	uint32_t ow = out->d[2], n, oy, ox, x, ky, kx, zs = (uint32_t)in->zp * ic * kh;
	int32_t *radd = malloc((size_t)nimg * oh * ow * 4);
	uint32_t *cs = malloc(((ic < 16 ? pi->row : pi->pw) + 1) * 4);

	if (!radd || !cs) {
		free(radd);
		free(cs);
		return NULL;
	}
	for (n = 0; n < nimg; n++) {
		for (oy = 0; oy < oh; oy++) {
			int32_t *ra = radd + ((size_t)n * oh + oy) * ow;
			const uint8_t *r0 = pi->d + ((size_t)n * pi->ph + (size_t)oy * p->stride_h) *
						    pi->row;

			if (ic < 16) {
				size_t j, dr = (size_t)p->dilation_h * pi->row, sw = (size_t)p->stride_w * ic;
				size_t dw = (size_t)p->dilation_w * ic;
				uint32_t run = 0;

				/*
				 * cs[j]: the column sums of bytes 0 .. j - 1 of the
				 * row, 16 at a time: the column sums, their prefix
				 * sums in the vector (lanes shifted up by 1, 2, 4, 8
				 * and added), plus the sum so far
				 */
				cs[0] = 0;
				for (j = 0; j < pi->row; j += 16) {
					__mmask16 m = pi->row - j >= 16 ? 0xffff :
						      (__mmask16)((1U << (pi->row - j)) - 1);
					const __m512i z = _mm512_setzero_si512();
					const uint8_t *b = r0 + j;
					__m512i v = z;

					for (ky = 0; ky < kh; ky++, b += dr)
						v = _mm512_add_epi32(v, _mm512_cvtepu8_epi32(
							_mm_maskz_loadu_epi8(m, b)));
					v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 15));
					v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 14));
					v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 12));
					v = _mm512_add_epi32(v, _mm512_alignr_epi32(v, z, 8));
					v = _mm512_add_epi32(v, _mm512_set1_epi32((int32_t)run));
					_mm512_mask_storeu_epi32(cs + j + 1, m, v);
					run = cs[j + (pi->row - j >= 16 ? 16 : pi->row - j)];
				}
				for (ox = 0; ox < ow; ox++) {
					const uint32_t *c0 = cs + (size_t)ox * sw;
					uint32_t sum = 0u - zs * kw;

					for (kx = 0; kx < kw; kx++)
						sum += c0[kx * dw + ic] - c0[kx * dw];
					ra[ox] = (int32_t)(sum * (uint32_t)rz);
				}
				continue;
			}
			for (x = 0; x < pi->pw; x++)
				cs[x] = 0u - zs;
			for (ky = 0; ky < kh; ky++) {
				const uint8_t *r = r0 + (size_t)ky * p->dilation_h * pi->row;

				for (x = 0; x < pi->pw; x++)
					cs[x] += pix_sum(r + (size_t)x * ic, ic);
			}
			for (ox = 0; ox < ow; ox++) {
				const uint32_t *c0 = cs + (size_t)ox * p->stride_w;
				uint32_t sum = 0;

				for (kx = 0; kx < kw; kx++)
					sum += c0[(size_t)kx * p->dilation_w];
				ra[ox] = (int32_t)(sum * (uint32_t)rz);
			}
		}
	}
	free(cs);
	return radd;
}

static int conv(const struct ek_op *o, const struct vnni_w *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ic = in->d[3], kh = f->d[1], kw = f->d[2], och = out->d[3];
	uint32_t k = kh * kw * ic, oh = out->d[1], ow = out->d[2], mtot, blocks;
	uint32_t sh = p->stride_h, sw = p->stride_w, dh = p->dilation_h, dw = p->dilation_w;
	uint32_t kr = conv_kr(o), kp = kr ? kh * kr : k;
	int32_t *rdoff = NULL;
	uint32_t ph, pw;
	const struct edgeai_prog_qmul *qm;
	struct vnni_w *own = NULL;
	const struct vnni_w *wp;
	struct gemm_job gj;
	const struct vnni_q *qp;
	struct vnni_q q;
	int owned;
	struct pimg pi;
	int ok, packed, u8 = in->dtype == EDGEAI_DTYPE_UINT8;
	int32_t *radd = NULL;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    f->d[3] != ic || f->d[0] != och || in->d[0] != out->d[0] || !k || !oh || !ow ||
	    in->zp < (u8 ? 0 : -128) || in->zp > (u8 ? 255 : 127) ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)))
		return EXEC_OPT_NOT_HANDLED;
	qm = qmuls(o, p, och, &ok);
	if (!ok)
		return EXEC_OPT_NOT_HANDLED;
	wp = prep;
	if (!wp)
		wp = own = kr ? pack_rows(o, kr) : pack(f, och, k);
	if (!wp || wp->n != och || wp->k != kp || wp->kr != kr || wp->u8 != u8 ||
	    wp->rz != (u8 ? 128 - f->zp : 0)) {
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	qp = gemm_q(&q, &owned, wp, b->data, qm, p->out_multiplier, p->out_shift, in->zp, out->zp,
		    p->act_min, p->act_max);
	if (!qp) {
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	/* the padded image: every tap of every output pixel in it */
	ph = (oh - 1) * sh + (kh - 1) * dh + 1;
	pw = (ow - 1) * sw + (kw - 1) * dw + 1;
	ph = ph > in->d[1] + p->pad_top ? ph : in->d[1] + p->pad_top;
	pw = pw > in->d[2] + p->pad_left ? pw : in->d[2] + p->pad_left;
	if (pimg_make(&pi, in, p->pad_top, p->pad_left, ph, pw,
		      (size_t)16 * sw * ic + (size_t)wp->k4 * 4 + 256)) {
		if (owned)
			vnni_q_free(&q);
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	/* uint8: its per-pixel terms, which the packed path has no room for */
	if (wp->rz) {
		radd = gemm_radd(o, &pi, wp->rz);
		if (!radd) {
			free(pi.d);
			if (owned)
				vnni_q_free(&q);
			vnni_w_free(own);
			return EXEC_OPT_NOT_HANDLED;
		}
	}
	packed = och <= 8 && ow > 1 && !u8;
	if (packed) {
		struct packed pk;
		int32_t *doff = aalloc((size_t)wp->k4 * 4 + (size_t)wp->k4 * 64 + 64 * 3);
		int32_t vi[16], rep[48];
		uint32_t x, l;

		if (!doff || conv_doff(doff, wp, kh, kw, ic, dh, dw, pi.row)) {
			free(doff);
			goto rowmajor;
		}
		memset(&pk, 0, sizeof(pk));
		pk.och = och;
		pk.ocp = och <= 1 ? 1 : och <= 2 ? 2 : och <= 4 ? 4 : 8;
		pk.G = 16 / pk.ocp;
		pk.k4 = wp->k4;
		pk.ps = (size_t)sw * ic;
		pk.doff = doff;
		pk.w = (const __m512i *)(((uintptr_t)(doff + wp->k4) + 63) & ~(uintptr_t)63);
		for (l = 0; l < 16; l++)
			vi[l] = (int32_t)(l % pk.ocp);
		for (x = 0; x < wp->k4; x++)
			_mm512_store_si512((__m512i *)&pk.w[x],
					   _mm512_permutexvar_epi32(_mm512_loadu_si512(vi),
						   _mm512_load_si512(wp->w + (size_t)x * 64)));
		if (pk.ps % 4 == 0 && pk.G * pk.ps <= 128) {
			pk.mode = pk.G * pk.ps <= 64 ? 1 : 2;
			for (l = 0; l < 16; l++)
				vi[l] = (int32_t)(l / pk.ocp * (pk.ps / 4));
		} else {
			pk.mode = 0;
			for (l = 0; l < 16; l++)
				vi[l] = (int32_t)(l / pk.ocp * pk.ps);
		}
		pk.vidx = _mm512_loadu_si512(vi);
		/* the channels' terms as the lanes run: c, shift, mul of channel L % ocp */
		pk.q = *qp;
		pk.q.c = (int32_t *)((uint8_t *)pk.w + (size_t)wp->k4 * 64);
		pk.q.g = NULL;
		for (l = 0; l < 16; l++) {
			rep[l] = qp->c[l % pk.ocp];
			rep[16 + l] = qp->c[16 + l % pk.ocp];
			rep[32 + l] = qp->c[32 + l % pk.ocp];
		}
		memcpy(pk.q.c, rep, 64);
		{
			struct gq *gg = aalloc(sizeof(*gg));

			if (!gg) {
				free(doff);
				goto rowmajor;
			}
			gq_make(gg, rep + 16, rep + 32);
			pk.q.g = gg;
		}
		{
			struct packed_job pj = { .pk = &pk, .pi = &pi, .out = out->data, .oh = oh,
						 .ow = ow, .sh = sh };
			uint32_t rows = out->d[0] * oh;

			if (exec_par_worth((uint64_t)rows * ow * och * wp->k4))
				exec_par_for(rows, packed_rows, &pj);
			else
				packed_rows(&pj, 0, rows);
		}
		free(pk.q.g);
		free(doff);
		free(pi.d);
		if (owned)
			vnni_q_free(&q);
		vnni_w_free(own);
		return 0;
	}
rowmajor:
	memset(&gj, 0, sizeof(gj));
	gj.o = o;
	gj.wp = wp;
	gj.q = qp;
	gj.pi = &pi;
	gj.radd = radd;
	/* 1x1 taps of whole 4-byte groups read the image in place */
	gj.direct = kh == 1 && kw == 1 && ic % 4 == 0;
	/*
	 * padded filter rows (conv_kr()), filter rows of whole dwords, and
	 * taps of whole dwords at any dilation: read in place too, dword by
	 * dword (where the offsets fit; padded rows must)
	 */
	if (kr || (!gj.direct && ((dw == 1 && (kw * ic) % 4 == 0) || ic % 4 == 0))) {
		rdoff = malloc((size_t)wp->k4 * 4);
		if (rdoff && conv_doff(rdoff, wp, kh, kw, ic, dh, dw, pi.row)) {
			free(rdoff);
			rdoff = NULL;
		}
		if (!rdoff && kr) {
			free(radd);
			free(pi.d);
			if (owned)
				vnni_q_free(&q);
			vnni_w_free(own);
			return EXEC_OPT_NOT_HANDLED;
		}
		gj.doff = rdoff;
	}
	mtot = out->d[0] * oh * ow;
	blocks = (mtot + MR - 1) / MR;
	if (exec_par_worth((uint64_t)mtot * och * (wp->k4 > 4 ? wp->k4 / 4 : 1)))
		exec_par_for(blocks, gemm_blocks, &gj);
	else
		gemm_blocks(&gj, 0, blocks);
	free(rdoff);
	free(radd);
	free(pi.d);
	if (owned)
		vnni_q_free(&q);
	vnni_w_free(own);
	return gj.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

/*
 * Whether the prepare hook knows what the channel terms of GEMM op @o
 * (@n channels) depend on: its int32 bias (a constant), 8-bit input and
 * output types and zero points (exec_cpu_prepare() gives them).
 */
static int gemm_q_known(const struct ek_op *o, uint32_t n)
{
	const struct ek_tensor *b = &o->in[2];

	int u8 = o->in[0].dtype == EDGEAI_DTYPE_UINT8;

	return o->n_in > 2 && b->data && b->dtype == EDGEAI_DTYPE_INT32 && ek_count(b) == n &&
	       ek_is8(o->in[0].dtype) && o->in[1].dtype == o->in[0].dtype &&
	       o->out.dtype == o->in[0].dtype && o->in[0].zp >= (u8 ? 0 : -128) &&
	       o->in[0].zp <= (u8 ? 255 : 127);
}

/* conv()'s layout of @o's filter, with its channel terms when they are known ahead of time. */
static struct vnni_w *conv_prepare(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *f = &o->in[1];
	uint32_t kr = conv_kr(o);
	struct vnni_w *w = kr ? pack_rows(o, kr) : pack(f, f->d[0], f->d[1] * f->d[2] * f->d[3]);
	int ok;

	if (w && gemm_q_known(o, w->n)) {
		const struct edgeai_prog_qmul *qm = qmuls(o, p, w->n, &ok);

		if (ok)
			gemm_q_prepare(w, o->in[2].data, qm, p->out_multiplier, p->out_shift,
				       o->in[0].zp, o->out.zp, p->act_min, p->act_max);
	}
	return w;
}

/*
 * TRANSPOSE_CONV on conv()'s kernels. Output row oy takes the taps ky of
 * input rows y with y * s + ky = oy + pad_top (columns likewise); with
 * r = oy + pad_top, those are ky = r % s + s j, y = r / s - j. So the
 * output rows of one phase p = r % s are a stride-1 convolution of the
 * input with the filter rows p, p + s, ... taken in reverse, J_p =
 * ceil((KH - p) / s) of them; an output pixel's phase is that of its row
 * and its column. tconv() runs the s_h * s_w phases as CONV_2D ops
 * (tconv_phase()) and moves each one's output pixels to theirs
 * (tconv_scatter()). The sums are the same products as ek_tconv()'s, each
 * output's int32 sum plus its bias, rescaled as the transposed
 * convolution does (ek_mbqm(): the phases' channel terms made with struct
 * vnni_q.away), so the bytes are the same.
 *
 * When the kernel is the stride, unpadded, the output the input's size
 * times the stride (the 2x2 stride 2 upsampling of segmentation
 * decoders), every phase is a 1x1 convolution of the same input pixels:
 * then one 1x1 CONV_2D of the input to KH * KW * OC channels, channel
 * (ky * KW + kx) * OC + oc output channel oc of tap (ky, kx), gives
 * every phase at once (tconv_ks()).
 */
static int tconv_ks(const struct ek_op *o)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;

	return f->d[1] == p->stride_h && f->d[2] == p->stride_w && !p->pad_top && !p->pad_left &&
	       (uint64_t)in->d[1] * p->stride_h == out->d[1] &&
	       (uint64_t)in->d[2] * p->stride_w == out->d[2] &&
	       (uint64_t)f->d[0] * f->d[1] * f->d[2] <= 4096;
}

/* One axis of a phase: its taps, first output (r / s), outputs, and the convolution's padding. */
struct tc_axis {
	uint32_t j, r0, cnt, pad;
};

/*
 * Phase @p of an axis of filter @k, stride @s, cut @pt, @on outputs:
 * 0, or -1 when its convolution would need a negative padding (an output
 * cut so that its first row starts past the filter: declined).
 */
static int tc_axis(uint32_t k, uint32_t s, uint32_t pt, uint32_t on, uint32_t p, struct tc_axis *a)
{
	uint64_t last = (uint64_t)on - 1 + pt;

	a->j = (k - p + s - 1) / s;
	a->r0 = pt > p ? (pt - p + s - 1) / s : 0;
	a->cnt = last >= p && (last - p) / s >= a->r0 ? (uint32_t)((last - p) / s) - a->r0 + 1 : 0;
	if (a->r0 > a->j - 1)
		return -1;
	a->pad = a->j - 1 - a->r0;
	return 0;
}

/* The axes of phase @i (row phase i / s_w, column phase i % s_w) of @o. */
static int tc_phase(const struct ek_op *o, uint32_t i, struct tc_axis *ay, struct tc_axis *ax)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *f = &o->in[1], *out = &o->out;

	return tc_axis(f->d[1], p->stride_h, p->pad_top, out->d[1], i / p->stride_w, ay) ||
	       tc_axis(f->d[2], p->stride_w, p->pad_left, out->d[2], i % p->stride_w, ax);
}

/* The TRANSPOSE_CONV tconv() takes: 8-bit, a filter no shorter than the stride, or tconv_ks(). */
static int tconv_ok(const struct ek_op *o)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;

	return ek_is8(in->dtype) && f->dtype == in->dtype && out->dtype == in->dtype &&
	       f->d[3] == in->d[3] && f->d[0] == out->d[3] && in->d[0] == out->d[0] && f->d[3] &&
	       p->stride_h && p->stride_w && p->stride_h <= 8 && p->stride_w <= 8 &&
	       f->d[1] >= p->stride_h && f->d[2] >= p->stride_w;
}

/*
 * The CONV_2D @t (its record @rec) that tconv() runs for @o: filter @f
 * of dims @fd (NULL once laid out), bias @b ([fd[0]]), multipliers @qm
 * ([fd[0]], or NULL: @o's per-tensor one), padding @pt, @pl, output
 * dims [N, @oh, @ow, fd[0]] at no address yet.
 */
static void tconv_lower(const struct ek_op *o, struct ek_op *t, struct edgeai_prog_op *rec,
			const uint32_t fd[4], const int8_t *f, const int32_t *b,
			const struct edgeai_prog_qmul *qm, uint32_t pt, uint32_t pl, uint32_t oh,
			uint32_t ow)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	struct edgeai_prog_conv_params *cp = (void *)rec->params;

	*rec = *o->op;
	memset(rec->params, 0, sizeof(rec->params));
	rec->opcode = EDGEAI_OP_CONV_2D;
	cp->stride_h = cp->stride_w = cp->dilation_h = cp->dilation_w = 1;
	cp->depth_multiplier = 1;
	cp->pad_top = pt;
	cp->pad_left = pl;
	cp->act_min = p->act_min;
	cp->act_max = p->act_max;
	cp->out_multiplier = p->out_multiplier;
	cp->out_shift = p->out_shift;
	cp->qmul_offset = qm ? 0 : EDGEAI_PROG_NO_CONST;
	*t = *o;
	t->op = rec;
	t->consts = (const uint8_t *)qm;
	t->const_size = qm ? fd[0] * (uint32_t)sizeof(*qm) : 0;
	t->n_in = 3;
	t->in[1].data = (void *)f;
	memcpy(t->in[1].d, fd, sizeof(t->in[1].d));
	memset(&t->in[2], 0, sizeof(t->in[2]));
	t->in[2].data = (void *)b;
	t->in[2].dtype = EDGEAI_DTYPE_INT32;
	t->in[2].d[0] = t->in[2].d[1] = t->in[2].d[2] = 1;
	t->in[2].d[3] = fd[0];
	t->out.data = NULL;
	t->out.d[1] = oh;
	t->out.d[2] = ow;
	t->out.d[3] = fd[0];
}

/*
 * conv_prepare() of one lowered op (@fd, @f, @b, @qm, @pt, @pl, @oh, @ow
 * as tconv_lower()'s), its channel terms made with ek_mbqm()'s rounding;
 * NULL: declined.
 */
static struct vnni_w *tconv_layout(const struct ek_op *o, const uint32_t fd[4], const int8_t *f,
				   const int32_t *b, const struct edgeai_prog_qmul *qm,
				   uint32_t pt, uint32_t pl, uint32_t oh, uint32_t ow)
{
	struct edgeai_prog_op rec;
	struct vnni_w *w;
	struct ek_op lo;

	tconv_lower(o, &lo, &rec, fd, f, b, qm, pt, pl, oh, ow);
	w = conv_prepare(&lo);
	if (w && !w->pq) {
		vnni_w_free(w);
		return NULL;
	}
	if (w)
		w->pq->away = 1;
	return w;
}

/*
 * The layouts tconv() runs: tconv_ks()'s 1x1 convolution, or the
 * phases' convolutions in w->ph (NULL where a phase has no output);
 * NULL: declined.
 */
static struct vnni_w *tconv_prepare(const struct ek_op *o)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2];
	uint32_t oc = f->d[0], kh = f->d[1], kw = f->d[2], ic = f->d[3], taps = kh * kw;
	uint32_t ks, n, t, c, i, fd[4];
	const struct edgeai_prog_qmul *qm = NULL;
	struct edgeai_prog_qmul *q2 = NULL;
	struct vnni_w *w = NULL;
	int32_t *b2 = NULL;
	int8_t *f2 = NULL;

	/* a bias that is not a constant (none resolved here) cannot be folded ahead */
	if (!tconv_ok(o) || !f->data ||
	    (o->op->inputs[2] != EDGEAI_PROG_NO_TENSOR &&
	     (!b->data || b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != oc)))
		return NULL;
	ks = tconv_ks(o);
	n = ks ? taps * oc : oc;
	if (p->qmul_offset != EDGEAI_PROG_NO_CONST) {
		qm = ek_const(o, p->qmul_offset, (uint64_t)oc * sizeof(*qm), 4);
		q2 = malloc((size_t)n * sizeof(*q2));
		if (!qm || !q2)
			goto out;
	}
	f2 = malloc((size_t)oc * taps * ic);
	b2 = aalloc((size_t)n * 4);
	if (!f2 || !b2)
		goto out;
	for (i = 0; i < n; i++) {
		b2[i] = b->data ? ek_ld(b, i % oc) : 0;
		if (q2)
			q2[i] = qm[i % oc];
	}
	if (ks) {
		/* filter row (ky * KW + kx) * OC + oc: tap (ky, kx) of channel oc */
		for (t = 0; t < taps; t++)
			for (c = 0; c < oc; c++)
				memcpy(f2 + ((size_t)t * oc + c) * ic,
				       (const int8_t *)f->data + ((size_t)c * taps + t) * ic, ic);
		fd[0] = n, fd[1] = fd[2] = 1, fd[3] = ic;
		w = tconv_layout(o, fd, f2, b2, q2, 0, 0, in->d[1], in->d[2]);
	} else {
		uint32_t nph = p->stride_h * p->stride_w, ty, tx;

		w = calloc(1, sizeof(*w));
		if (w)
			w->ph = calloc(nph, sizeof(*w->ph));
		if (!w || !w->ph)
			goto fail;
		w->nph = nph;
		w->n = oc;
		for (i = 0; i < nph; i++) {
			struct tc_axis ay, ax;

			if (tc_phase(o, i, &ay, &ax))
				goto fail;
			if (!ay.cnt || !ax.cnt)
				continue;
			/* tap (ty, tx) of the phase: filter row p + s (J - 1 - ty) */
			for (c = 0; c < oc; c++)
				for (ty = 0; ty < ay.j; ty++)
					for (tx = 0; tx < ax.j; tx++)
						memcpy(f2 + (((size_t)c * ay.j + ty) * ax.j + tx) * ic,
						       (const int8_t *)f->data +
						       (((size_t)c * kh + i / p->stride_w +
							 p->stride_h * (ay.j - 1 - ty)) * kw +
							i % p->stride_w + p->stride_w * (ax.j - 1 - tx)) * ic,
						       ic);
			fd[0] = oc, fd[1] = ay.j, fd[2] = ax.j, fd[3] = ic;
			w->ph[i] = tconv_layout(o, fd, f2, b2, q2, ay.pad, ax.pad, ay.cnt, ax.cnt);
			if (!w->ph[i])
				goto fail;
		}
	}
	if (w) {
		w->tb = b2;
		b2 = NULL;
	}
out:
	free(q2);
	free(f2);
	free(b2);
	return w;
fail:
	vnni_w_free(w);
	w = NULL;
	goto out;
}

/*
 * Rows [begin, end) (batch * rows + row) of a lowered op's output @src
 * to their pixels of the TRANSPOSE_CONV's: row q to output row
 * y0 + sy q, pixel q' of it to x0 + sx q', @c bytes from @n apart.
 */
struct tcs_job {
	const uint8_t *src;
	uint8_t *dst;
	uint32_t rows, cols, n;
	uint32_t y0, x0, sy, sx, oh, ow;
	size_t c;
};

static void tconv_scatter(void *ctx, uint32_t begin, uint32_t end)
{
	const struct tcs_job *sj = ctx;
	size_t c = sj->c, n = sj->n, step = (size_t)sj->sx * c;
	uint32_t r, x;

	for (r = begin; r < end; r++) {
		const uint8_t *s = sj->src + (size_t)r * sj->cols * n;
		uint8_t *d = sj->dst + (((size_t)(r / sj->rows) * sj->oh + sj->y0 +
					 (size_t)sj->sy * (r % sj->rows)) * sj->ow + sj->x0) * c;

		/* the common widths by fixed-size copies (one load and store each) */
		switch (c) {
		case 2:
			for (x = 0; x < sj->cols; x++)
				memcpy(d + x * step, s + x * n, 2);
			break;
		case 4:
			for (x = 0; x < sj->cols; x++)
				memcpy(d + x * step, s + x * n, 4);
			break;
		case 8:
			for (x = 0; x < sj->cols; x++)
				memcpy(d + x * step, s + x * n, 8);
			break;
		default:
			for (x = 0; x < sj->cols; x++)
				copy(d + x * step, s + x * n, (uint32_t)c);
		}
	}
}

/* @sj's rows over the run's threads. */
static void tconv_scatter_all(struct tcs_job *sj, uint32_t batches)
{
	uint32_t rows = batches * sj->rows;

	if (exec_par_worth((uint64_t)rows * sj->cols * sj->c))
		exec_par_for(rows, tconv_scatter, sj);
	else
		tconv_scatter(sj, 0, rows);
}

static int tconv(const struct ek_op *o, const struct vnni_w *w)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t oc = f->d[0], kh = f->d[1], kw = f->d[2], ic = f->d[3], i, fd[4];
	struct edgeai_prog_op rec;
	struct tcs_job sj;
	struct ek_op lo;
	uint8_t *tmp;
	int r = 0;

	/*
	 * only as laid out: conv() takes the prepared channel terms (the
	 * rounding) when they are this run's, and nothing else makes them so
	 */
	if (!w || !w->tb || !tconv_ok(o) || !ek_count(out))
		return EXEC_OPT_NOT_HANDLED;
	if (!w->ph) {
		const struct vnni_q *q = w->pq;

		if (!tconv_ks(o) || w->n != kh * kw * oc || w->pq_zx != in->zp || q->zo != out->zp ||
		    q->lo != p->act_min || q->hi != p->act_max)
			return EXEC_OPT_NOT_HANDLED;
		fd[0] = w->n, fd[1] = fd[2] = 1, fd[3] = ic;
		tconv_lower(o, &lo, &rec, fd, NULL, w->tb, NULL, 0, 0, in->d[1], in->d[2]);
		if (kh * kw == 1)
			lo.out.data = out->data;
		else
			lo.out.data = tmp = aalloc(ek_count(&lo.out));
		if (!lo.out.data)
			return EXEC_OPT_NOT_HANDLED;
		r = conv(&lo, w);
		if (!r && kh * kw > 1) {
			/* each input row: KH output rows, KW * OC bytes of pixel x at x KW */
			sj = (struct tcs_job){ .src = tmp, .dst = out->data, .rows = in->d[1],
					       .cols = in->d[2], .n = w->n, .y0 = 0, .x0 = 0,
					       .sy = kh, .sx = 1, .oh = out->d[1],
					       .ow = in->d[2], .c = (size_t)kw * oc };
			for (i = 0; i < kh; i++) {
				sj.src = tmp + (size_t)i * kw * oc;
				sj.y0 = i;
				tconv_scatter_all(&sj, in->d[0]);
			}
		}
		if (kh * kw > 1)
			free(tmp);
		return r;
	}
	if (w->nph != p->stride_h * p->stride_w || w->n != oc)
		return EXEC_OPT_NOT_HANDLED;
	for (i = 0; i < w->nph; i++) {
		const struct vnni_w *pw = w->ph[i];
		struct tc_axis ay, ax;

		if (tc_phase(o, i, &ay, &ax))
			return EXEC_OPT_NOT_HANDLED;
		if (!ay.cnt || !ax.cnt)
			continue;
		if (!pw || pw->pq_zx != in->zp || pw->pq->zo != out->zp ||
		    pw->pq->lo != p->act_min || pw->pq->hi != p->act_max)
			return EXEC_OPT_NOT_HANDLED;
		fd[0] = oc, fd[1] = ay.j, fd[2] = ax.j, fd[3] = ic;
		tconv_lower(o, &lo, &rec, fd, NULL, w->tb, NULL, ay.pad, ax.pad, ay.cnt, ax.cnt);
		tmp = aalloc(ek_count(&lo.out));
		if (!tmp)
			return EXEC_OPT_NOT_HANDLED;
		lo.out.data = tmp;
		r = conv(&lo, pw);
		if (!r) {
			sj = (struct tcs_job){ .src = tmp, .dst = out->data, .rows = ay.cnt,
					       .cols = ax.cnt, .n = oc,
					       .y0 = ay.r0 * p->stride_h + i / p->stride_w - p->pad_top,
					       .x0 = ax.r0 * p->stride_w + i % p->stride_w - p->pad_left,
					       .sy = p->stride_h, .sx = p->stride_w, .oh = out->d[1],
					       .ow = out->d[2], .c = oc };
			tconv_scatter_all(&sj, in->d[0]);
		}
		free(tmp);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Items [begin, end) of a FULLY_CONNECTED: item i is the group of MR batch
 * rows i / nt by the triple of 16-channel blocks i % nt, so that one batch
 * row (the usual case) splits across threads by its output channels. Each
 * channel's sum and rescale is the same whichever part computes it.
 */
struct fc_job {
	const struct vnni_w *wp;
	const struct vnni_q *q;
	const int32_t *radd;	/* per batch row (uint8), or NULL */
	const uint8_t *xu;
	int8_t *out;
	uint32_t k4b, batches, och, nt;
};

static void fc_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct fc_job *fj = ctx;
	uint32_t it, i;

	for (it = begin; it < end;) {
		uint32_t bi = it / fj->nt * MR, t0 = it % fj->nt;
		uint32_t t1 = end - it < fj->nt - t0 ? t0 + (end - it) : fj->nt;
		const uint8_t *rows[MR];
		int8_t *outs[MR];
		int32_t ra[MR];

		/* a group of one row (batch 1): not MR copies of it */
		if (fj->batches - bi == 1) {
			gemv_part(fj->xu + (size_t)bi * fj->k4b, fj->out + (size_t)bi * fj->och,
				  fj->radd ? fj->radd[bi] : 0, fj->wp, fj->q, t0, t1);
			it += t1 - t0;
			continue;
		}
		for (i = 0; i < MR; i++) {
			uint32_t r = bi + i < fj->batches ? bi + i : fj->batches - 1;

			rows[i] = fj->xu + (size_t)r * fj->k4b;
			outs[i] = bi + i < fj->batches ? fj->out + (size_t)r * fj->och : NULL;
			ra[i] = fj->radd ? fj->radd[r] : 0;
		}
		gemm_rows_part(rows, outs, fj->radd ? ra : NULL, fj->wp, fj->q, t0, t1, NULL);
		it += t1 - t0;
	}
}

static int fc(const struct ek_op *o, const struct vnni_w *prep)
{
	const struct edgeai_prog_fc_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ich = f->d[3], och = f->d[2], batches, bi, k4b;
	struct vnni_w *own = NULL;
	const struct vnni_w *wp;
	const struct vnni_q *qp;
	struct vnni_q q;
	int owned, u8 = in->dtype == EDGEAI_DTYPE_UINT8;
	int32_t *radd = NULL;
	uint8_t *xu;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    !ich || ek_count(in) % ich || out->d[3] != och || in->zp < (u8 ? 0 : -128) ||
	    in->zp > (u8 ? 255 : 127))
		return EXEC_OPT_NOT_HANDLED;
	batches = ek_count(in) / ich;
	if (ek_count(out) != batches * och || ek_count(f) != och * ich ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)) ||
	    !shift_ok(p->out_multiplier, p->out_shift))
		return EXEC_OPT_NOT_HANDLED;
	wp = prep;
	if (!wp)
		wp = own = pack(f, och, ich);
	if (!wp || wp->n != och || wp->k != ich || wp->u8 != u8 ||
	    wp->rz != (u8 ? 128 - f->zp : 0)) {
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	qp = gemm_q(&q, &owned, wp, b->data, NULL, p->out_multiplier, p->out_shift, in->zp,
		    out->zp, p->act_min, p->act_max);
	if (!qp) {
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	/* each batch row padded to k4 * 4 bytes (the pad meets zero weights) */
	k4b = wp->k4 * 4;
	xu = aalloc((size_t)batches * k4b + 64);
	radd = wp->rz ? malloc((size_t)batches * 4) : NULL;
	if (!xu || (wp->rz && !radd)) {
		free(xu);
		free(radd);
		if (owned)
			vnni_q_free(&q);
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	for (bi = 0; bi < batches; bi++) {
		const uint8_t *x = (const uint8_t *)in->data + (size_t)bi * ich;

		to_xu(xu + (size_t)bi * k4b, x, ich, u8);
		memset(xu + (size_t)bi * k4b + ich, 0, k4b - ich);
		if (radd) {
			/* uint8: rz * the row's sum of x - zx (see the top of the file) */
			uint32_t sum = 0, c;

			for (c = 0; c < ich; c++)
				sum += x[c];
			radd[bi] = (int32_t)((sum - (uint32_t)in->zp * ich) * (uint32_t)wp->rz);
		}
	}
	{
		struct fc_job fj = { .wp = wp, .q = qp, .radd = radd, .xu = xu, .out = out->data,
				     .k4b = k4b,
				     .batches = batches, .och = och, .nt = gemm_triples(wp) };
		uint32_t items = (batches + MR - 1) / MR * fj.nt;

		if (exec_par_worth((uint64_t)batches * och * wp->k4))
			exec_par_for(items, fc_part, &fj);
		else
			fc_part(&fj, 0, items);
	}
	free(radd);
	free(xu);
	if (owned)
		vnni_q_free(&q);
	vnni_w_free(own);
	return 0;
}

/*
 * BATCH_MATMUL: both inputs are activations, so each right matrix is laid
 * out per run, the GEMM's way: dwords of 4 consecutive k per column,
 * [K/4][16 * blocks][4], zero past K and N. The left rows are stored
 * biased by 128 (unsigned for vpdpbusd), zero past K; with the sums of
 * each left row (rsum) and right column (csum) over K,
 *   sum (l - zl) (r - zr) = sum (l + 128) r - (128 + zl) csum - zr rsum
 *                           + K zl zr,
 * all in wrapping 32 bits as the reference's sum. Then FULLY_CONNECTED's
 * rescale (requant(): ek_mbqm_up()). Four rows by two blocks of 16
 * columns at a time.
 */
struct mm_job {
	const uint8_t *lu;	/* the left rows, biased, k4b bytes each */
	const int8_t *rp;	/* the right matrix laid out */
	const int32_t *ct;	/* per column: K zl zr - (128 + zl) csum */
	const int32_t *rt;	/* per row: -zr rsum */
	const struct vnni_q *q;
	int8_t *out;
	uint32_t m, n, k4, nb;
};

static void mm_rows(const struct mm_job *j, uint32_t i0, uint32_t rows)
{
	const size_t rs = (size_t)j->k4 * 4;
	const uint8_t *l0 = j->lu + i0 * rs;
	const uint8_t *l1 = rows > 1 ? l0 + rs : l0, *l2 = rows > 2 ? l0 + 2 * rs : l0;
	const uint8_t *l3 = rows > 3 ? l0 + 3 * rs : l0;
	uint32_t jb, kk, r;

	for (jb = 0; jb < j->nb; jb += 2) {
		uint32_t two = jb + 1 < j->nb;
		const int8_t *b = j->rp + (size_t)jb * 64;
		const size_t bs = (size_t)j->nb * 64;
		__m512i c0 = _mm512_load_si512(j->ct + jb * 16);
		__m512i c1 = two ? _mm512_load_si512(j->ct + jb * 16 + 16) : c0;
		__m512i r0 = _mm512_set1_epi32(j->rt[i0]);
		__m512i r1 = _mm512_set1_epi32(rows > 1 ? j->rt[i0 + 1] : 0);
		__m512i r2 = _mm512_set1_epi32(rows > 2 ? j->rt[i0 + 2] : 0);
		__m512i r3 = _mm512_set1_epi32(rows > 3 ? j->rt[i0 + 3] : 0);
		__m512i a00 = _mm512_add_epi32(c0, r0), a01 = _mm512_add_epi32(c1, r0);
		__m512i a10 = _mm512_add_epi32(c0, r1), a11 = _mm512_add_epi32(c1, r1);
		__m512i a20 = _mm512_add_epi32(c0, r2), a21 = _mm512_add_epi32(c1, r2);
		__m512i a30 = _mm512_add_epi32(c0, r3), a31 = _mm512_add_epi32(c1, r3);
		__m512i out[8];

		for (kk = 0; kk < j->k4; kk++, b += bs) {
			__m512i w0 = _mm512_load_si512(b);
			__m512i w1 = two ? _mm512_load_si512(b + 64) : w0;
			__m512i x;

			x = bcast4(l0 + kk * 4);
			a00 = _mm512_dpbusd_epi32(a00, x, w0);
			a01 = _mm512_dpbusd_epi32(a01, x, w1);
			x = bcast4(l1 + kk * 4);
			a10 = _mm512_dpbusd_epi32(a10, x, w0);
			a11 = _mm512_dpbusd_epi32(a11, x, w1);
			x = bcast4(l2 + kk * 4);
			a20 = _mm512_dpbusd_epi32(a20, x, w0);
			a21 = _mm512_dpbusd_epi32(a21, x, w1);
			x = bcast4(l3 + kk * 4);
			a30 = _mm512_dpbusd_epi32(a30, x, w0);
			a31 = _mm512_dpbusd_epi32(a31, x, w1);
		}
		out[0] = a00;
		out[1] = a01;
		out[2] = a10;
		out[3] = a11;
		out[4] = a20;
		out[5] = a21;
		out[6] = a30;
		out[7] = a31;
		for (r = 0; r < rows; r++) {
			int8_t *dst = j->out + (size_t)(i0 + r) * j->n + jb * 16;
			uint32_t left = j->n - jb * 16;

			requant_store(out[2 * r], j->q, 0, dst,
				      left >= 16 ? 0xffff : (__mmask16)((1u << left) - 1));
			if (two && left > 16)
				requant_store(out[2 * r + 1], j->q, 0, dst + 16,
					      left >= 32 ? 0xffff :
					      (__mmask16)((1u << (left - 16)) - 1));
		}
	}
}

static void mm_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct mm_job *j = ctx;
	uint32_t g;

	for (g = begin; g < end; g++)
		mm_rows(j, g * 4, j->m - g * 4 < 4 ? j->m - g * 4 : 4);
}

/* The right matrix @rb, [K, N] (or [N, K] with @adj_y), laid out. */
static void mm_pack_right(int8_t *rp, const int8_t *rb, uint32_t k, uint32_t n, uint32_t nb,
			  int adj_y)
{
	uint32_t k4 = (k + 3) / 4, kk, jb, j, t;

	if (adj_y) {
		/* column j's K values are a row: its dwords down the layout's column */
		for (j = 0; j < nb * 16; j++)
			for (kk = 0; kk < k4; kk++) {
				int8_t *dst = rp + ((size_t)kk * nb * 16 + j) * 4;

				if (j < n && kk * 4 + 4 <= k) {
					memcpy(dst, rb + (size_t)j * k + kk * 4, 4);
				} else {
					memset(dst, 0, 4);
					if (j < n)
						memcpy(dst, rb + (size_t)j * k + kk * 4, k - kk * 4);
				}
			}
		return;
	}
	for (kk = 0; kk < k4; kk++)
		for (jb = 0; jb < nb; jb++) {
			uint32_t left = n - jb * 16;
			__mmask16 cm = left >= 16 ? 0xffff : (__mmask16)((1u << left) - 1);
			__m128i v[4], ab0, ab1, cd0, cd1;
			int8_t *dst = rp + ((size_t)kk * nb + jb) * 64;

			/* rows 4kk..4kk+3 interleaved: a dword of 4 k per column */
			for (t = 0; t < 4; t++)
				v[t] = kk * 4 + t < k ?
				       _mm_maskz_loadu_epi8(cm, rb + (size_t)(kk * 4 + t) * n +
								jb * 16) :
				       _mm_setzero_si128();
			ab0 = _mm_unpacklo_epi8(v[0], v[1]);
			ab1 = _mm_unpackhi_epi8(v[0], v[1]);
			cd0 = _mm_unpacklo_epi8(v[2], v[3]);
			cd1 = _mm_unpackhi_epi8(v[2], v[3]);
			_mm_store_si128((__m128i *)dst, _mm_unpacklo_epi16(ab0, cd0));
			_mm_store_si128((__m128i *)(dst + 16), _mm_unpackhi_epi16(ab0, cd0));
			_mm_store_si128((__m128i *)(dst + 32), _mm_unpacklo_epi16(ab1, cd1));
			_mm_store_si128((__m128i *)(dst + 48), _mm_unpackhi_epi16(ab1, cd1));
		}
}

/* Per column of the laid-out right matrix: K zl zr - (128 + zl) * its sum. */
static void mm_col_terms(int32_t *ct, const int8_t *rp, uint32_t k4, uint32_t nb, uint32_t kz,
			 int32_t zl)
{
	const __m512i ones = _mm512_set1_epi8(1);
	uint32_t jb, kk;

	for (jb = 0; jb < nb; jb++) {
		__m512i sum = _mm512_setzero_si512();

		for (kk = 0; kk < k4; kk++)
			sum = _mm512_dpbusd_epi32(sum, ones,
						  _mm512_load_si512(rp + ((size_t)kk * nb + jb) * 64));
		_mm512_store_si512(ct + jb * 16,
				   _mm512_sub_epi32(_mm512_set1_epi32((int32_t)kz),
						    _mm512_mullo_epi32(_mm512_set1_epi32(128 + zl),
								       sum)));
	}
}

/*
 * The left matrix @lb, [M, K] (or [K, M] with @adj_x), as rows of k4 * 4
 * bytes biased by 128 (what the layout holds past K is multiplied by its
 * zeros); per row -zr * the row's sum.
 */
static void mm_pack_left(uint8_t *lu, int32_t *rt, const int8_t *lb, uint32_t m, uint32_t k,
			 uint32_t k4, int adj_x, int32_t zr)
{
	uint32_t i, t;

	for (i = 0; i < m; i++) {
		uint8_t *row = lu + (size_t)i * k4 * 4;
		uint32_t sum = 0;

		if (adj_x) {
			for (t = 0; t < k; t++) {
				int8_t v = lb[(size_t)t * m + i];

				row[t] = (uint8_t)(v ^ 0x80);
				sum += (uint32_t)(int32_t)v;
			}
		} else {
			__m512i acc = _mm512_setzero_si512();

			for (t = 0; t < k; t += 64) {
				__mmask64 km = k - t >= 64 ? ~(__mmask64)0 :
					       ((__mmask64)1 << (k - t)) - 1;
				__m512i x = _mm512_maskz_mov_epi8(km, _mm512_xor_si512(
						_mm512_maskz_loadu_epi8(km, lb + (size_t)i * k + t),
						_mm512_set1_epi8((char)0x80)));

				_mm512_mask_storeu_epi8(row + t, km, x);
				acc = _mm512_add_epi64(acc, _mm512_sad_epu8(x, _mm512_setzero_si512()));
			}
			/* the biased bytes' sum less 128 per value */
			sum = (uint32_t)_mm512_reduce_add_epi64(acc) - 128u * k;
		}
		rt[i] = (int32_t)(0u - (uint32_t)zr * sum);
	}
}

static int matmul(const struct ek_op *o)
{
	const struct edgeai_prog_matmul_params *p = (const void *)o->op->params;
	const struct ek_tensor *l = &o->in[0], *r = &o->in[1], *out = &o->out;
	uint32_t m, n, k, k4, nb, b0, b1, kz;
	const int8_t *lb, *rb, *packed = NULL, *lpacked = NULL;
	struct vnni_q q = { 0 };
	struct gq g;
	uint8_t *lu;
	int8_t *rp;
	int32_t *ct, *rt;
	int ret = 0;

	if (ek_matmul_dims(o, &m, &k, &n))
		return EXEC_OPT_NOT_HANDLED;
	k4 = (k + 3) / 4;
	nb = (n + 15) / 16;
	lu = aalloc((size_t)m * k4 * 4);
	rp = aalloc((size_t)k4 * nb * 64);
	ct = aalloc((size_t)nb * 64);
	rt = aalloc((size_t)m * 4);
	if (!lu || !rp || !ct || !rt) {
		ret = EXEC_OPT_NOT_HANDLED;
		goto out;
	}
	gq_make1(&g, p->out_shift, p->out_multiplier);
	q.g = &g;
	q.left = p->out_shift > 0;
	q.zo = out->zp;
	q.lo = p->act_min;
	q.hi = p->act_max;
	kz = (uint32_t)k * (uint32_t)l->zp * (uint32_t)r->zp;
	for (b0 = 0; b0 < out->d[0]; b0++) {
		for (b1 = 0; b1 < out->d[1]; b1++) {
			struct mm_job j = { .lu = lu, .rp = rp, .ct = ct, .rt = rt, .q = &q,
					    .m = m, .n = n, .k4 = k4, .nb = nb };

			lb = (const int8_t *)l->data + ((size_t)(l->d[0] > 1 ? b0 : 0) * l->d[1] +
							(l->d[1] > 1 ? b1 : 0)) * m * k;
			rb = (const int8_t *)r->data + ((size_t)(r->d[0] > 1 ? b0 : 0) * r->d[1] +
							(r->d[1] > 1 ? b1 : 0)) * k * n;
			if (rb != packed) {
				mm_pack_right(rp, rb, k, n, nb, p->adj_y);
				mm_col_terms(ct, rp, k4, nb, kz, l->zp);
				packed = rb;
			}
			/* a broadcast input is laid out once */
			if (lb != lpacked) {
				mm_pack_left(lu, rt, lb, m, k, k4, p->adj_x, r->zp);
				lpacked = lb;
			}
			j.out = (int8_t *)out->data + (size_t)(b0 * out->d[1] + b1) * m * n;
			/* groups of 4 rows, split across threads */
			if (exec_par_worth((uint64_t)m * n * k))
				exec_par_for((m + 3) / 4, mm_part, &j);
			else
				mm_part(&j, 0, (m + 3) / 4);
		}
	}
out:
	free(lu);
	free(rp);
	free(ct);
	free(rt);
	return ret;
}

static inline __m512i v_mbqm(__m512i x, const struct gq *g)
{
	const __m512i lim = _mm512_set1_epi64(-((int64_t)1 << 30));
	__m512i pe, po;

	if (g->left_any)
		x = _mm512_sllv_epi32(x, g->left);
	pe = _mm512_mul_epi32(x, g->mul);
	po = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), g->mulo);
	pe = _mm512_add_epi64(pe, _mm512_mask_blend_epi64(_mm512_cmplt_epi64_mask(pe, lim),
							  g->ue, g->une));
	po = _mm512_add_epi64(po, _mm512_mask_blend_epi64(_mm512_cmplt_epi64_mask(po, lim),
							  g->uo, g->uno));
	pe = _mm512_srav_epi64(pe, g->te);
	if (g->oddhi)
		po = _mm512_srav_epi64(po, g->to2);
	else
		po = _mm512_slli_epi64(_mm512_srav_epi64(po, g->to), 32);
	return _mm512_mask_blend_epi32(0xaaaa, pe, po);
}

/*
 * v_mbqm(@x, @g) + @zo: in binary32 where @g takes it (struct rq_f), in
 * integers for a lane near a rounding or where it does not.
 */
static inline __attribute__((always_inline)) __m512i v_rq(__m512i x, const struct gq *g,
							  __m512i zo)
{
	if (g->fok) {
/* an immediate (clang insists): to nearest, no exceptions */
#define RN (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
		__m512 c = _mm512_mask_blend_ps(_mm512_cmple_epi32_mask(x, g->ftneg), g->fcp,
						g->fcn);
		__m512 q = _mm512_fmadd_round_ps(_mm512_cvt_roundepi32_ps(x, RN), g->fr, c, RN);
#undef RN

		/* q - floor(q): 0 for |q| >= 2^23 */
		if (!_mm512_cmplt_ps_mask(_mm512_reduce_ps(q, _MM_FROUND_TO_NEG_INF | 0x8),
					  _mm512_set1_ps((float)(2 * RQ_F_EPS))))
			return _mm512_add_epi32(_mm512_cvt_roundps_epi32(
				q, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC), zo);
	}
	return _mm512_add_epi32(v_mbqm(x, g), zo);
}

static inline __m512i ld8(const void *p, __mmask16 m, int s8)
{
	__m128i v = _mm_maskz_loadu_epi8(m, p);

	return s8 ? _mm512_cvtepi8_epi32(v) : _mm512_cvtepu8_epi32(v);
}

static inline void st8(void *p, __mmask16 m, __m512i v, int32_t lo, int32_t hi)
{
	v = _mm512_max_epi32(v, _mm512_set1_epi32(lo));
	v = _mm512_min_epi32(v, _mm512_set1_epi32(hi));
	_mm512_mask_cvtepi32_storeu_epi8(p, m, v);
}

/*
 * st8() of an 8-bit output (@s8: int8): a clamp to the type's whole range
 * is the saturating narrowing alone.
 */
static inline void st8c(void *p, __mmask16 m, __m512i v, int32_t lo, int32_t hi, int s8)
{
	if (s8 && lo <= -128 && hi >= 127)
		_mm_mask_storeu_epi8(p, m, _mm512_cvtsepi32_epi8(v));
	else if (!s8 && lo <= 0 && hi >= 255)
		_mm_mask_storeu_epi8(p, m, _mm512_cvtusepi32_epi8(
			_mm512_max_epi32(v, _mm512_setzero_si512())));
	else
		st8(p, m, v, lo, hi);
}

/* Whether the CPU has AVX-512 VBMI (vpermi2b: lut_part(), prelu_part_vbmi()). */
static int cpu_vbmi(void)
{
	static _Atomic int vbmi = -1;

	if (vbmi < 0) {
		__builtin_cpu_init();
		vbmi = __builtin_cpu_supports("avx512vbmi");
	}
	return vbmi;
}

static int same_dims(const struct ek_tensor *a, const struct ek_tensor *b)
{
	return !memcmp(a->d, b->d, sizeof(a->d));
}

/* An ADD/SUB input's rescale in 32-bit lanes: exec_add_in_make()'s terms. */
struct add_in {
	int fast;			/* exec_add_in's; 0: v_mbqm() on 64-bit lanes */
	__m512i mh, ml, c2, c3, half;
	__m128i k, e;
	__m128i lg;			/* fast 2: mh = 2^lg */
};

static void add_in_make(struct add_in *ai, int32_t mul, int32_t shift, uint32_t ls, int32_t za)
{
	struct exec_add_in t;

	exec_add_in_make(&t, mul, shift, ls, za);
	memset(ai, 0, sizeof(*ai));
	ai->fast = t.fast;
	ai->mh = _mm512_set1_epi32(t.mh);
	ai->ml = _mm512_set1_epi32(t.ml);
	ai->c2 = _mm512_set1_epi32(t.c2);
	ai->c3 = _mm512_set1_epi32(t.c3);
	ai->half = _mm512_set1_epi32(t.half);
	ai->k = _mm_cvtsi32_si128(t.k);
	ai->e = _mm_cvtsi32_si128(t.e);
	ai->lg = _mm_cvtsi32_si128(t.lg);
}

/*
 * The rescaled input of the 8-bit values @x (zero point not subtracted);
 * @fast: @ai's, a constant where the caller knows it (0: read it).
 */
static inline __attribute__((always_inline)) __m512i
add_in_run(const struct add_in *ai, __m512i x, const int fast)
{
	if ((fast ? fast : ai->fast) == 2)
		return _mm512_add_epi32(_mm512_sll_epi32(x, ai->lg), ai->c3);

	__m512i lo = _mm512_sra_epi32(_mm512_add_epi32(_mm512_mullo_epi32(x, ai->ml), ai->c2), ai->k);
	__m512i w = _mm512_add_epi32(_mm512_add_epi32(_mm512_mullo_epi32(x, ai->mh), lo), ai->c3);

	/* v = w - 2^(e-1) < 0: one less (e = 0: half is INT32_MIN, never above w) */
	w = _mm512_mask_sub_epi32(w, _mm512_cmplt_epi32_mask(w, ai->half), w, _mm512_set1_epi32(1));
	return _mm512_sra_epi32(w, ai->e);
}

/*
 * An ADD/SUB input's rescaled values of the 8-bit values @x: add_in_run()
 * where @f has the 32-bit terms (@fast: a constant where the caller knows
 * them, else 0), else the reference's steps, minus the zero point @z, <<
 * left_shift @ls, v_mbqm() by @g.
 */
static inline __attribute__((always_inline)) __m512i
add_in_vec(const struct add_in *f, const struct gq *g, __m512i x, __m512i z, __m512i ls,
	   const int fast)
{
	return fast || f->fast ? add_in_run(f, x, fast) :
				 v_mbqm(_mm512_sllv_epi32(_mm512_sub_epi32(x, z), ls), g);
}

/*
 * ADD/SUB: elements [16 begin, 16 end) of the op (the reference's
 * per-element pipeline). An input broadcast along N, H and W (one value,
 * one per channel: TFLite's scalar and bias-like ADDs) comes as its
 * rescaled values, the same for every pixel: @t0/@t1 hold those of
 * channel j % c at [j] for j < c + 16, so that 16 lanes from any channel
 * read on in a row; element i reads from i % c.
 */
struct add_job {
	const struct ek_op *o;
	int sub;
	struct gq g0, g1, go;
	struct add_in f0, f1;
	const int32_t *t0, *t1;	/* or NULL: the input has the output's shape */
	uint32_t c0, c1;
};

/*
 * ADD/SUB of 16 elements (mask @m) of @pa and @pb: the sums, zero point
 * added, not clamped. @fa, @fb: the inputs' add_in paths where the caller
 * fixed them (constants), else 0.
 */
static inline __attribute__((always_inline)) __m512i
add_vec(const struct add_job *aj, const uint8_t *pa, const uint8_t *pb, uint32_t o0, uint32_t o1,
	__mmask16 m, int s8, __m512i za, __m512i zb, __m512i ls, __m512i zo, const int bc,
	const int fa, const int fb)
{
	__m512i x, y;

	if (bc && aj->t0) {
		x = _mm512_loadu_si512(aj->t0 + o0);
	} else {
		x = add_in_vec(&aj->f0, &aj->g0, ld8(pa, m, s8), za, ls, fa);
	}
	if (bc && aj->t1) {
		y = _mm512_loadu_si512(aj->t1 + o1);
	} else {
		y = add_in_vec(&aj->f1, &aj->g1, ld8(pb, m, s8), zb, ls, fb);
	}
	x = aj->sub ? _mm512_sub_epi32(x, y) : _mm512_add_epi32(x, y);
	return _mm512_add_epi32(v_mbqm(x, &aj->go), zo);
}

/*
 * add_part()'s loop; @bc (a constant where it is inlined): an input is
 * broadcast, so that equal shapes run without the tables' tests and steps;
 * @fa, @fb, @s8k: the inputs' add_in paths and int8 (1) or uint8 (0)
 * where fixed (constants: the loop without their tests), else 0, 0, -1.
 */
static inline __attribute__((always_inline)) void
add_rows(void *ctx, uint32_t begin, uint32_t end, const int bc, const int fa, const int fb,
	 const int s8k)
{
	/* a copy: the byte stores below cannot alias it, its terms stay in registers */
	const struct add_job aj = *(const struct add_job *)ctx;
	const struct ek_op *o = aj.o;
	const struct edgeai_prog_add_params *p = (const void *)o->op->params;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	const uint8_t *pa = a->data, *pb = b->data;
	uint8_t *po = out->data;
	int s8 = s8k >= 0 ? s8k : out->dtype == EDGEAI_DTYPE_INT8;
	uint32_t i, k, cnt = ek_count(out);
	__m512i za = _mm512_set1_epi32(a->zp), zb = _mm512_set1_epi32(b->zp);
	__m512i zo = _mm512_set1_epi32(out->zp), ls = _mm512_set1_epi32((int32_t)p->left_shift);
	__m512i lo = _mm512_set1_epi32(p->act_min), hi = _mm512_set1_epi32(p->act_max);
	/* dword 4 g + L of the output: group g (vector g) of 128-bit lane L after the packs */
	const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1,
					       12, 8, 4, 0);
	int32_t lo8 = p->act_min, hi8 = p->act_max;
	/* the tables' offsets of element i, and how far 16 elements move them */
	uint32_t o0 = 16 * begin % aj.c0, o1 = 16 * begin % aj.c1, d0 = 16 % aj.c0, d1 = 16 % aj.c1;

	cnt = cnt < 16 * end ? cnt : 16 * end;
	i = 16 * begin;
	/*
	 * 64 at a time, clamped (to the 8-bit range at least: the op's
	 * clamp lies in it), packed with saturation, one store
	 */
	for (; i + 64 <= cnt && lo8 >= (s8 ? -128 : 0) && hi8 <= (s8 ? 127 : 255); i += 64) {
		__m512i r[4], p01, p23;

		UNROLL
		for (k = 0; k < 4; k++) {
			r[k] = _mm512_min_epi32(_mm512_max_epi32(add_vec(&aj, pa + i + 16 * k,
									 pb + i + 16 * k, o0, o1,
									 0xffff, s8, za, zb, ls, zo, bc,
									 fa, fb),
								 lo), hi);
			if (bc) {
				o0 = o0 + d0 >= aj.c0 ? o0 + d0 - aj.c0 : o0 + d0;
				o1 = o1 + d1 >= aj.c1 ? o1 + d1 - aj.c1 : o1 + d1;
			}
		}
		p01 = _mm512_packs_epi32(r[0], r[1]);
		p23 = _mm512_packs_epi32(r[2], r[3]);
		p01 = s8 ? _mm512_packs_epi16(p01, p23) : _mm512_packus_epi16(p01, p23);
		_mm512_storeu_si512(po + i, _mm512_permutexvar_epi32(order, p01));
	}
	for (; i < cnt; i += 16) {
		__mmask16 m = cnt - i >= 16 ? 0xffff : (__mmask16)((1U << (cnt - i)) - 1);

		st8(po + i, m, add_vec(&aj, pa + i, pb + i, o0, o1, m, s8, za, zb, ls, zo, bc, fa, fb),
		    lo8, hi8);
		o0 = o0 + d0 >= aj.c0 ? o0 + d0 - aj.c0 : o0 + d0;
		o1 = o1 + d1 >= aj.c1 ? o1 + d1 - aj.c1 : o1 + d1;
	}
}

static void add_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct add_job *aj = ctx;
	int fa = aj->f0.fast, fb = aj->f1.fast;

	if (aj->t0 || aj->t1) {
		add_rows(ctx, begin, end, 1, 0, 0, -1);
		return;
	}
	/*
	 * int8 inputs of the output's shape on the 32-bit paths (every ADD
	 * TFLite's converter writes: one input takes the shift), the loop
	 * without the tests
	 */
	if (aj->o->out.dtype == EDGEAI_DTYPE_INT8 && fa && fb) {
		if (fa == 2 && fb == 1)
			add_rows(ctx, begin, end, 0, 2, 1, 1);
		else if (fa == 1 && fb == 2)
			add_rows(ctx, begin, end, 0, 1, 2, 1);
		else if (fa == 1 && fb == 1)
			add_rows(ctx, begin, end, 0, 1, 1, 1);
		else
			add_rows(ctx, begin, end, 0, 2, 2, 1);
		return;
	}
	add_rows(ctx, begin, end, 0, 0, 0, -1);
}

/*
 * The rescaled values of input @t broadcast along N, H and W of @out (one
 * value or one per channel: struct add_job), *@c of them; NULL when @t is
 * not such an input (or no room).
 */
static int32_t *add_table(const struct ek_tensor *t, const struct ek_tensor *out, uint32_t ls,
			  int32_t mul, int32_t shift, uint32_t *c)
{
	uint32_t j;
	int32_t *tab;

	if (t->d[0] != 1 || t->d[1] != 1 || t->d[2] != 1 || (t->d[3] != 1 && t->d[3] != out->d[3]))
		return NULL;
	*c = t->d[3];
	tab = malloc(((size_t)*c + 16) * 4);
	if (!tab)
		return NULL;
	for (j = 0; j < *c + 16; j++)
		tab[j] = ek_mbqm((int32_t)((uint32_t)(ek_ld(t, j % *c) - t->zp) << ls), mul, shift);
	return tab;
}

static uint32_t binary_row(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb,
			   uint8_t *dst, uint32_t n);

/*
 * ADD/SUB in the broadcast forms add_table() does not take (an input
 * along the channels, [N, H, W, 1] beside [N, H, W, C]; along H or W
 * alone), and SQUARED_DIFFERENCE in every form: exec_binary_run()'s walk
 * with binary_row(), the rescales of add_vec().
 */
static int add_other(const struct ek_op *o, const struct edgeai_prog_add_params *p)
{
	struct exec_binary *bj = malloc(sizeof(*bj));
	struct add_job aj = { .o = o };

	if (!bj)
		return EXEC_OPT_NOT_HANDLED;
	if (exec_binary_init(bj, o)) {
		free(bj);
		return EXEC_OPT_NOT_HANDLED;
	}
	gq_make1(&aj.g0, p->in0_shift, p->in0_multiplier);
	gq_make1(&aj.g1, p->in1_shift, p->in1_multiplier);
	gq_make1(&aj.go, p->out_shift, p->out_multiplier);
	add_in_make(&aj.f0, p->in0_multiplier, p->in0_shift, p->left_shift, o->in[0].zp);
	add_in_make(&aj.f1, p->in1_multiplier, p->in1_shift, p->left_shift, o->in[1].zp);
	bj->row = binary_row;
	bj->vec = &aj;
	exec_binary_run(bj);
	free(bj);
	return 0;
}

/*
 * SQUARED_DIFFERENCE (a LayerNormalization's variance): add_other()'s
 * walk and rescales, the difference squared in binary_row().
 */
static int sqd(const struct ek_op *o)
{
	const struct edgeai_prog_add_params *p = (const void *)o->op->params;

	if (p->left_shift > 30 || !shift_ok(p->in0_multiplier, p->in0_shift) ||
	    !shift_ok(p->in1_multiplier, p->in1_shift) ||
	    !shift_ok(p->out_multiplier, p->out_shift))
		return EXEC_OPT_NOT_HANDLED;
	return add_other(o, p);
}

/*
 * ADD/SUB by byte tables, where the CPU has AVX-512 VBMI: inputs of the
 * output's shape, and the broadcast forms through exec_binary_run()'s
 * walk. The reference computes, per element, zo + F(X[a] + Y[b])
 * clamped: X and Y each input's rescale of its byte (SUB: Y negated), F
 * the output rescale ek_mbqm(). For a right shift e in 0..30 (gq_make()'s
 * one step), F(x) = floor((x m + u - n 2^31) / D) with D = 2^(31 + e),
 * u = 2^30 + 2^(30 + e) (e = 0: 2^30), and n = 1 where x m < -2^30 and
 * e > 0, else 0. Split PA = X[a] m + u = qa D + ra and QB = Y[b] m =
 * pb D + rb (0 <= ra, rb < D):
 *
 *   floor((PA + QB) / D) = qa + pb + [rb >= D - ra],
 *
 * and the comparison is one of bytes: rb's rank among the values of the
 * 256 bytes b, against k(a), how many of them lie below D - ra. So every
 * term is a table of one input byte, looked up 64 at a time by vpermi2b
 * (lut_part()). The sum is taken in 16-bit lanes; or, where both terms
 * fit int8 once a constant K moves from one to the other, as one
 * saturating byte add (the type's range clamps it the same).
 *
 * n makes the result one less only where (ra + rb) mod D < 2^31 (an
 * exact tie of the final rounding, for x < 0): the a bytes for which
 * some b gives one are flagged, and a vector holding one redoes those
 * lanes with the reference's arithmetic. The tables are made once, when
 * the program is prepared.
 */
struct add_rank {
	uint8_t qlo[256], qhi[256];	/* zo + qa as int16, by a's byte */
	uint8_t plo[256], phi[256];	/* pb */
	/*
	 * @bytes: zo + qa + K and pb - K (uint8: less 128 too) fit int8 for
	 * some K, and pb - K + 1 too: the sum is one saturating byte add
	 */
	uint8_t q8[256], p8[256];
	uint8_t rank[256];		/* rb's rank, by b's byte */
	uint8_t k[256];			/* k(a); k = 256 is k 0 with qa one less */
	uint8_t flag[256];		/* 0x80: a tie is possible (redo the lane) */
	int32_t x[256], y[256];		/* X, and Y (SUB: -Y), for the lanes redone */
	int32_t m, shift, zo, lo, hi;
	int s8, bytes;
	int flags;			/* some byte is flagged */
};

struct add_rank_key {
	int64_t r;
	uint32_t b;
};

static int add_rank_cmp(const void *p, const void *q)
{
	const struct add_rank_key *a = p, *b = q;

	return (a->r > b->r) - (a->r < b->r);
}

/*
 * How many of the 256 sorted keys lie below @v (a search without
 * branches on the keys: mispredicted ones were most of the tables' time).
 */
static uint32_t add_rank_below(const struct add_rank_key *s, int64_t v)
{
	const struct add_rank_key *b = s;
	uint32_t n;

	for (n = 256; n > 1; n -= n / 2)
		b = b[n / 2 - 1].r < v ? b + n / 2 : b;
	return (uint32_t)(b - s) + (b->r < v);
}

/*
 * Whether a of @t and one of the b whose keys, from @j of the sorted keys
 * @s on, lie below @end make x m < -2^30 (n = 1 of struct add_rank).
 */
static int add_rank_tie(const struct add_rank *t, const struct add_rank_key *s, uint32_t a,
			uint32_t j, int64_t end)
{
	for (; j < 256 && s[j].r < end; j++)
		if (((int64_t)t->x[a] + t->y[s[j].b]) * t->m < -((int64_t)1 << 30))
			return 1;
	return 0;
}

/*
 * One input's rescale of each byte, as ek_add() computes it (@neg:
 * negated). 0, or -1 for a value that cannot be negated.
 */
static int add_rank_in(int32_t *v, const struct ek_tensor *t, uint32_t ls, int32_t mul,
		       int32_t shift, int neg)
{
	uint32_t i;

	exec_add_in_table(v, t, ls, mul, shift);
	for (i = 0; neg && i < 256; i++) {
		if (v[i] == INT32_MIN)
			return -1;
		v[i] = -v[i];
	}
	return 0;
}

/*
 * The tables of ADD/SUB @o, or NULL: no VBMI, a left shift or a right one
 * past 30 at the output, a clamp outside the type, or sums that could
 * leave the 16-bit lanes (or wrap int32 in the reference).
 */
static struct add_rank *add_rank_make(const struct ek_op *o)
{
	const struct edgeai_prog_add_params *p = (const void *)o->op->params;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	int s8 = out->dtype == EDGEAI_DTYPE_INT8, e = -p->out_shift;
	int32_t tlo = s8 ? -128 : 0, thi = s8 ? 127 : 255;
	int64_t d, u, pa[256], xmax = 0, ymax = 0;
	int32_t q[256], pb[256], qmin = INT32_MAX, qmax = INT32_MIN, pmin = INT32_MAX;
	int32_t pmax = INT32_MIN, klo, khi;
	struct add_rank_key s[256];
	struct add_rank *t;
	uint32_t i;

	if (!cpu_vbmi() || o->n_in != 2 || !ek_is8(out->dtype) || a->dtype != out->dtype ||
	    b->dtype != out->dtype || p->left_shift > 30 || e < 0 || e > 30 ||
	    p->out_multiplier < 0 || p->act_min < tlo || p->act_max > thi)
		return NULL;
	t = aalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->m = p->out_multiplier;
	t->shift = p->out_shift;
	t->zo = out->zp;
	t->lo = p->act_min;
	t->hi = p->act_max;
	t->s8 = s8;
	t->flags = 0;
	add_rank_in(t->x, a, p->left_shift, p->in0_multiplier, p->in0_shift, 0);
	if (add_rank_in(t->y, b, p->left_shift, p->in1_multiplier, p->in1_shift,
			o->op->opcode == EDGEAI_OP_SUB))
		goto fail;
	d = (int64_t)1 << (31 + e);
	u = ((int64_t)1 << 30) + (e ? (int64_t)1 << (30 + e) : 0);
	for (i = 0; i < 256; i++) {
		int64_t qb = (int64_t)t->y[i] * t->m;

		xmax = llabs(t->x[i]) > xmax ? llabs(t->x[i]) : xmax;
		ymax = llabs(t->y[i]) > ymax ? llabs(t->y[i]) : ymax;
		pa[i] = (int64_t)t->x[i] * t->m + u;
		s[i].r = qb & (d - 1);
		s[i].b = i;
		/* |pb| < 2^31: |Y m| < 2^62, D >= 2^31 */
		pb[i] = (int32_t)(qb >> (31 + e));
		pmin = pb[i] < pmin ? pb[i] : pmin;
		pmax = pb[i] > pmax ? pb[i] : pmax;
	}
	if (xmax + ymax >= ((int64_t)1 << 31))
		goto fail;
	qsort(s, 256, sizeof(s[0]), add_rank_cmp);
	for (i = 0; i < 256; i++)
		t->rank[s[i].b] = (uint8_t)(i && s[i].r == s[i - 1].r ? t->rank[s[i - 1].b] : i);
	for (i = 0; i < 256; i++) {
		int64_t ra = pa[i] & (d - 1), qa = (pa[i] >> (31 + e)) + t->zo;
		uint32_t k = add_rank_below(s, d - ra);

		/* the tie lanes: those of (ra + rb) mod D < 2^31, and x m < -2^30 */
		t->flag[i] = e && (add_rank_tie(t, s, i, 0, ((int64_t)1 << 31) - ra) ||
				   add_rank_tie(t, s, i, k, d - ra + ((int64_t)1 << 31))) ? 0x80 : 0;
		if (k == 256)
			qa--, k = 0;
		if (qa < -32767 || qa > 32767)
			goto fail;
		q[i] = (int32_t)qa;
		qmin = q[i] < qmin ? q[i] : qmin;
		qmax = q[i] > qmax ? q[i] : qmax;
		t->k[i] = (uint8_t)k;
		t->flags |= t->flag[i];
	}
	/* the sum in 16-bit lanes: |zo + qa| + |pb| + 1 < 2^15 */
	if ((int64_t)(-qmin > qmax ? -qmin : qmax) + (-pmin > pmax ? -pmin : pmax) + 1 > 32767)
		goto fail;
	/* in bytes: K with zo + qa + K in int8 (uint8: less 128), and pb - K, pb - K + 1 */
	klo = -128 - (qmin - (s8 ? 0 : 128));
	klo = pmax - 126 > klo ? pmax - 126 : klo;
	khi = 127 - (qmax - (s8 ? 0 : 128));
	khi = pmin + 128 < khi ? pmin + 128 : khi;
	t->bytes = klo <= khi;
	for (i = 0; i < 256; i++) {
		t->qlo[i] = (uint8_t)q[i];
		t->qhi[i] = (uint8_t)((uint32_t)q[i] >> 8);
		t->plo[i] = (uint8_t)pb[i];
		t->phi[i] = (uint8_t)((uint32_t)pb[i] >> 8);
		t->q8[i] = (uint8_t)(q[i] - (s8 ? 0 : 128) + klo);
		t->p8[i] = (uint8_t)(pb[i] - klo);
	}
	return t;
fail:
	free(t);
	return NULL;
}

/* The byte of each of @x's lanes in the 256-entry table @t (@top: x's top bits). */
static inline __attribute__((always_inline, target("avx512vbmi"))) __m512i
lut256(const uint8_t *t, __m512i x, __mmask64 top)
{
	return _mm512_mask_blend_epi8(top,
				      _mm512_permutex2var_epi8(_mm512_load_si512(t), x,
							       _mm512_load_si512(t + 64)),
				      _mm512_permutex2var_epi8(_mm512_load_si512(t + 128), x,
							       _mm512_load_si512(t + 192)));
}

/*
 * A run of @n / @bj->px pixels of @bj->px channels, one input of one value
 * per pixel (or, @bj->px 0, @n channels of one pixel, one input repeated),
 * where the CPU has AVX-512 VBMI: for each pixel, @row's outputs of every
 * byte of the other input against the pixel's value (a table of 256,
 * exact as the op's own rows are), then the pixel's channels looked up
 * in it (vpermi2b). Making the table costs what four blocks of 64 of the
 * pixel's own would.
 */
static __attribute__((target("avx512vbmi"))) void
px_tab_run(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb, uint8_t *dst,
	   uint32_t n, uint32_t (*row)(const struct exec_binary *bj, const uint8_t *pa,
				       const uint8_t *pb, uint8_t *dst, uint32_t n))
{
	const int pa_px = !bj->ca;
	const uint8_t *pp = pa_px ? pa : pb, *x = pa_px ? pb : pa;
	uint8_t tab[256] __attribute__((aligned(64))), bytes[256];
	struct exec_binary tj = *bj;	/* the table's walk: the bytes against one value */
	uint32_t px = bj->px ? bj->px : n, p, c;

	for (c = 0; c < 256; c++)
		bytes[c] = (uint8_t)c;
	tj.ca = !pa_px;
	tj.cb = pa_px;
	tj.px = 0;
	tj.px_ok = 0;	/* @row's own blocks for the 256 bytes, not a table again */
	for (p = 0; p < n / px; p++, x += px, dst += px) {
		row(&tj, pa_px ? pp + p : bytes, pa_px ? bytes : pp + p, tab, 256);
		for (c = 0; c < px; c += 64) {
			__mmask64 m = px - c >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (px - c)) - 1;
			__m512i v = _mm512_maskz_loadu_epi8(m, x + c);

			_mm512_mask_storeu_epi8(dst + c, m, lut256(tab, v, _mm512_movepi8_mask(v)));
		}
	}
}

struct add_rank_job {
	const struct add_rank *t;
	const uint8_t *a, *b;
	uint8_t *out;
	uint32_t cnt;
};

/*
 * struct add_rank's sums of the bytes @a and @b (lanes @m) into @dst;
 * @clamp: the op's clamp lies inside the type's range; @bytes, @flags:
 * the table's (constants where inlined).
 */
static inline __attribute__((always_inline, target("avx512vbmi"))) void
add_rank_block(const struct add_rank *t, __m512i a, __m512i b, __mmask64 m, uint8_t *dst,
	       const int clamp, const int bytes, const int flags)
{
	__mmask64 ta = _mm512_movepi8_mask(a), tb = _mm512_movepi8_mask(b), c;
	__m512i r;
	uint64_t redo;

	c = _mm512_cmpge_epu8_mask(lut256(t->rank, b, tb), lut256(t->k, a, ta));
	if (bytes) {
		/* (zo + qa + K) + (pb - K + c), saturated (uint8: in the int8 range) */
		__m512i p = lut256(t->p8, b, tb);

		p = _mm512_mask_add_epi8(p, c, p, _mm512_set1_epi8(1));
		r = _mm512_adds_epi8(lut256(t->q8, a, ta), p);
		if (!t->s8)
			r = _mm512_xor_si512(r, _mm512_set1_epi8((char)0x80));
	} else {
		__m512i ql = lut256(t->qlo, a, ta), qh = lut256(t->qhi, a, ta);
		__m512i pl = lut256(t->plo, b, tb), ph = lut256(t->phi, b, tb);
		__m512i cb = _mm512_movm_epi8(c), s0, s1;

		/* in-lane halves as 16-bit lanes; the pack puts them back in order */
		s0 = _mm512_add_epi16(_mm512_unpacklo_epi8(ql, qh), _mm512_unpacklo_epi8(pl, ph));
		s1 = _mm512_add_epi16(_mm512_unpackhi_epi8(ql, qh), _mm512_unpackhi_epi8(pl, ph));
		s0 = _mm512_sub_epi16(s0, _mm512_unpacklo_epi8(cb, cb));
		s1 = _mm512_sub_epi16(s1, _mm512_unpackhi_epi8(cb, cb));
		r = t->s8 ? _mm512_packs_epi16(s0, s1) : _mm512_packus_epi16(s0, s1);
	}
	if (clamp && t->s8)
		r = _mm512_min_epi8(_mm512_max_epi8(r, _mm512_set1_epi8((char)t->lo)),
				    _mm512_set1_epi8((char)t->hi));
	else if (clamp)
		r = _mm512_min_epu8(_mm512_max_epu8(r, _mm512_set1_epi8((char)t->lo)),
				    _mm512_set1_epi8((char)t->hi));
	redo = flags ? _mm512_movepi8_mask(lut256(t->flag, a, ta)) & m : 0;
	if (redo) {
		/* the output may be an input's buffer: from copies */
		uint8_t va[64], vb[64], vr[64];

		_mm512_storeu_si512(va, a);
		_mm512_storeu_si512(vb, b);
		_mm512_storeu_si512(vr, r);
		for (; redo; redo &= redo - 1) {
			uint32_t l = (uint32_t)__builtin_ctzll(redo);
			int32_t v = ek_wadd(ek_mbqm(t->x[va[l]] + t->y[vb[l]], t->m, t->shift), t->zo);

			v = v < t->lo ? t->lo : v;
			vr[l] = (uint8_t)(v > t->hi ? t->hi : v);
		}
		r = _mm512_loadu_si512(vr);
	}
	_mm512_mask_storeu_epi8(dst, m, r);
}

static int add_rank_clamp(const struct add_rank *t)
{
	return t->lo > (t->s8 ? -128 : 0) || t->hi < (t->s8 ? 127 : 255);
}

/* add_rank_part()'s loop, @bytes and @flags constants. */
static inline __attribute__((always_inline, target("avx512vbmi"))) void
add_rank_loop(const struct add_rank_job *j, size_t i, size_t e, const int bytes, const int flags)
{
	const int clamp = add_rank_clamp(j->t);

	for (; i < e; i += 64) {
		__mmask64 m = e - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (e - i)) - 1;

		add_rank_block(j->t, _mm512_maskz_loadu_epi8(m, j->a + i),
			       _mm512_maskz_loadu_epi8(m, j->b + i), m, j->out + i, clamp, bytes,
			       flags);
	}
}

/* struct add_rank's sums for the elements of blocks [begin, end) of 64. */
static __attribute__((target("avx512vbmi"))) void add_rank_part(void *ctx, uint32_t begin,
								uint32_t end)
{
	const struct add_rank_job *j = ctx;
	size_t i = (size_t)begin * 64, e = (size_t)end * 64 < j->cnt ? (size_t)end * 64 : j->cnt;

	if (j->t->bytes && !j->t->flags)
		add_rank_loop(j, i, e, 1, 0);
	else if (j->t->bytes)
		add_rank_loop(j, i, e, 1, 1);
	else
		add_rank_loop(j, i, e, 0, 1);
}

/* ADD/SUB's pixels of at least this many channels go through px_tab_run() */
#define ADD_TAB_PX 384

/*
 * exec_binary_run()'s run of @n outputs of a broadcast ADD/SUB by
 * struct add_rank (@bj->vec): each input contiguous or one byte repeated
 * (@bj->ca, @bj->cb). Returns @n.
 */
static __attribute__((target("avx512vbmi"))) uint32_t
add_rank_row(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb, uint8_t *dst,
	     uint32_t n)
{
	const struct add_rank *t = bj->vec;
	const int clamp = add_rank_clamp(t);
	uint32_t px = bj->px ? bj->px : n, i, c;

	if (bj->px_ok && px >= ADD_TAB_PX && bj->ca != bj->cb) {
		px_tab_run(bj, pa, pb, dst, n, add_rank_row);
		return n;
	}
	if (bj->px >= 64) {
		/*
		 * a run of several pixels of 64 channels or more: blocks of 64
		 * across them, the per-pixel input's one or two values
		 */
		const uint8_t *pp = bj->ca ? pb : pa;
		uint32_t p = 0;
		int32_t edge = (int32_t)px;	/* lanes to the next pixel */

		for (c = 0; c < n; c += 64) {
			__mmask64 m = n - c >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - c)) - 1;
			__m512i v = _mm512_set1_epi8((char)pp[p]);

			if (edge < 64 && c + (uint32_t)edge < n)
				v = _mm512_mask_set1_epi8(v, ~(__mmask64)0 << edge, (char)pp[p + 1]);
			add_rank_block(t, bj->ca ? _mm512_maskz_loadu_epi8(m, pa + c) : v,
				       bj->cb ? _mm512_maskz_loadu_epi8(m, pb + c) : v, m, dst + c,
				       clamp, t->bytes, 1);
			edge -= 64;
			if (edge <= 0) {
				p++;
				edge += (int32_t)px;
			}
		}
		return n;
	}
	/* a run of several pixels (@bj->px) pixel by pixel */
	for (i = 0; i < n; i += px) {
		const uint8_t *a = pa + (bj->ca ? i : i / px), *b = pb + (bj->cb ? i : i / px);

		for (c = 0; c < px; c += 64) {
			__mmask64 m = px - c >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (px - c)) - 1;

			add_rank_block(t, bj->ca ? _mm512_maskz_loadu_epi8(m, a + c) :
						   _mm512_set1_epi8((char)*a),
				       bj->cb ? _mm512_maskz_loadu_epi8(m, b + c) :
						_mm512_set1_epi8((char)*b),
				       m, dst + i + c, clamp, t->bytes, 1);
		}
	}
	return n;
}

/*
 * ADD/SUB: by @prep's tables where it has them (struct add_rank), else
 * inputs of the output's shape or broadcast along N, H and W, or the
 * other broadcast forms (add_other()).
 */
static int add(const struct ek_op *o, int sub, const struct vnni_w *prep)
{
	const struct edgeai_prog_add_params *p = (const void *)o->op->params;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	uint32_t cnt = ek_count(out), vecs = (cnt + 15) / 16;
	int32_t *t0 = NULL, *t1 = NULL;
	struct add_job aj;

	if (prep && prep->ar && same_dims(a, out) && same_dims(b, out)) {
		struct add_rank_job j = { .t = prep->ar, .a = a->data, .b = b->data,
					  .out = out->data, .cnt = cnt };

		if (exec_par_worth((uint64_t)cnt * 2))
			exec_par_for((cnt + 63) / 64, add_rank_part, &j);
		else
			add_rank_part(&j, 0, (cnt + 63) / 64);
		return 0;
	}
	if (prep && prep->ar) {
		/* a broadcast form: the walk of exec_binary_run(), the tables' rows */
		struct exec_binary *bj = malloc(sizeof(*bj));

		if (bj && !exec_binary_init(bj, o)) {
			bj->row = add_rank_row;
			bj->vec = prep->ar;
			bj->px_ok = 1;
			bj->no_tables = 1;
			exec_binary_run(bj);
			free(bj);
			return 0;
		}
		free(bj);
	}
	if (!ek_is8(out->dtype) || a->dtype != out->dtype || b->dtype != out->dtype ||
	    p->left_shift > 30 || !shift_ok(p->in0_multiplier, p->in0_shift) ||
	    !shift_ok(p->in1_multiplier, p->in1_shift) ||
	    !shift_ok(p->out_multiplier, p->out_shift))
		return EXEC_OPT_NOT_HANDLED;
	aj.c0 = aj.c1 = 1;
	if (!same_dims(a, out))
		t0 = add_table(a, out, p->left_shift, p->in0_multiplier, p->in0_shift, &aj.c0);
	if (!same_dims(b, out))
		t1 = add_table(b, out, p->left_shift, p->in1_multiplier, p->in1_shift, &aj.c1);
	if ((!same_dims(a, out) && !t0) || (!same_dims(b, out) && !t1)) {
		free(t0);
		free(t1);
		return add_other(o, p);
	}
	aj.t0 = t0;
	aj.t1 = t1;
	aj.o = o;
	aj.sub = sub;
	gq_make1(&aj.g0, p->in0_shift, p->in0_multiplier);
	gq_make1(&aj.g1, p->in1_shift, p->in1_multiplier);
	gq_make1(&aj.go, p->out_shift, p->out_multiplier);
	add_in_make(&aj.f0, p->in0_multiplier, p->in0_shift, p->left_shift, a->zp);
	add_in_make(&aj.f1, p->in1_multiplier, p->in1_shift, p->left_shift, b->zp);
	if (exec_par_worth((uint64_t)cnt * 4))
		exec_par_for(vecs, add_part, &aj);
	else
		add_part(&aj, 0, vecs);
	free(t0);
	free(t1);
	return 0;
}

/*
 * PRELU with an alpha that varies along channels only (or is one value) on
 * an input of the output's shape: the reference's arithmetic (ek_prelu())
 * 16 elements at a time in 32-bit lanes, both rescales on every lane
 * (v_mbqm()), the sign of x - zx picking one. @al: alpha - za of each
 * channel, the channels rounded up to 16 (one value: 16 copies).
 */
struct prelu_job {
	const uint8_t *src;
	uint8_t *dst;
	const int32_t *al;
	uint32_t ch, flat;	/* flat: one alpha, elements in any order */
	int s8;
	struct gq gi, ga;
	int32_t zx, zo, lo, hi;
};

static inline __attribute__((always_inline)) __m512i
prelu_vec(const struct prelu_job *pj, __m512i x, __m512i a)
{
	__mmask16 neg;

	x = _mm512_sub_epi32(x, _mm512_set1_epi32(pj->zx));
	neg = _mm512_cmplt_epi32_mask(x, _mm512_setzero_si512());
	x = _mm512_mask_blend_epi32(neg, v_mbqm(x, &pj->gi),
				    v_mbqm(_mm512_mullo_epi32(x, a), &pj->ga));
	return _mm512_add_epi32(x, _mm512_set1_epi32(pj->zo));
}

/* Pixels [begin, end) (flat: blocks of 16 elements). */
static void prelu_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct prelu_job pj = *(const struct prelu_job *)ctx;
	uint32_t px, c, n;

	if (pj.flat) {
		__m512i a = _mm512_loadu_si512(pj.al);

		for (c = 16 * begin; c < 16 * end && c < pj.flat; c += 16) {
			n = pj.flat - c < 16 ? pj.flat - c : 16;
			st8(pj.dst + c, (__mmask16)((1U << n) - 1),
			    prelu_vec(&pj, ld8(pj.src + c, (__mmask16)((1U << n) - 1), pj.s8), a),
			    pj.lo, pj.hi);
		}
		return;
	}
	for (px = begin; px < end; px++) {
		const uint8_t *src = pj.src + (size_t)px * pj.ch;
		uint8_t *dst = pj.dst + (size_t)px * pj.ch;

		for (c = 0; c < pj.ch; c += 16) {
			__mmask16 m;

			n = pj.ch - c < 16 ? pj.ch - c : 16;
			m = (__mmask16)((1U << n) - 1);
			st8(dst + c, m, prelu_vec(&pj, ld8(src + c, m, pj.s8),
						  _mm512_loadu_si512(pj.al + c)), pj.lo, pj.hi);
		}
	}
}

/*
 * With AVX-512 VBMI (lut_part()'s lookups): the output byte of each of
 * the 256 input bytes @tab, made by prelu_vec() itself, serves every
 * element whose x - zx >= 0 (the identity's rescale does not depend on
 * the channel) and, with one alpha, every element. Per-channel alphas:
 * 64 elements at a time, the table for all and, where one is below zx,
 * the four groups of 16 through prelu_vec()'s alpha branch with their
 * alphas (element i of channel i % ch: the alphas repeated over ch + 64
 * entries, from the block's first channel on), packed and blended in.
 * Blocks of 64 elements [begin, end).
 */
static void prelu_tab(const struct prelu_job *pj, const int32_t *a, uint8_t *tab)
{
	const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	uint32_t v;

	for (v = 0; v < 256; v += 16) {
		__m512i x = _mm512_add_epi32(_mm512_set1_epi32((int32_t)v), lane);

		if (pj->s8)
			x = _mm512_srai_epi32(_mm512_slli_epi32(x, 24), 24);
		st8(tab + v, 0xffff, prelu_vec(pj, x, a ? _mm512_loadu_si512(a) : _mm512_setzero_si512()),
		    pj->lo, pj->hi);
	}
}

struct prelu_vjob {
	const struct prelu_job *pj;
	uint8_t tab[256];
	size_t cnt;
	const int32_t *alx;	/* alpha - za of channel j % ch at [j], j < ch + 64 */
};

static __attribute__((target("avx512vbmi"))) void prelu_part_vbmi(void *ctx, uint32_t begin,
								   uint32_t end)
{
	const struct prelu_vjob *vj = ctx;
	const struct prelu_job pj = *vj->pj;
	const __m512i t0 = _mm512_loadu_si512(vj->tab), t1 = _mm512_loadu_si512(vj->tab + 64);
	const __m512i t2 = _mm512_loadu_si512(vj->tab + 128);
	const __m512i t3 = _mm512_loadu_si512(vj->tab + 192);
	const __m512i zx8 = _mm512_set1_epi8((char)pj.zx), zx = _mm512_set1_epi32(pj.zx);
	const __m512i zo = _mm512_set1_epi32(pj.zo);
	/* dword 4 g + L of the packed bytes: group g (vector g) of 128-bit lane L */
	const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1,
					       12, 8, 4, 0);
	size_t i, e = (size_t)end * 64 < vj->cnt ? (size_t)end * 64 : vj->cnt;
	uint32_t c = pj.flat ? 0 : (uint32_t)((size_t)begin * 64 % pj.ch);
	int q;

	for (i = (size_t)begin * 64; i < e; i += 64) {
		__mmask64 m = e - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (e - i)) - 1, neg;
		__m512i x = _mm512_maskz_loadu_epi8(m, pj.src + i);
		__m512i r = _mm512_mask_blend_epi8(_mm512_movepi8_mask(x),
						   _mm512_permutex2var_epi8(t0, x, t1),
						   _mm512_permutex2var_epi8(t2, x, t3));

		neg = pj.flat ? 0 : m & (pj.s8 ? _mm512_cmplt_epi8_mask(x, zx8) :
						 _mm512_cmplt_epu8_mask(x, zx8));
		if (neg) {
			/* prelu_vec()'s alpha branch alone, the stored lanes below zx */
			__m512i v[4], p01, p23;

			UNROLL
			for (q = 0; q < 4; q++) {
				__m128i b = _mm_maskz_loadu_epi8((__mmask16)(m >> (16 * q)),
								 pj.src + i + 16 * q);
				__m512i d = _mm512_sub_epi32(pj.s8 ? _mm512_cvtepi8_epi32(b) :
								     _mm512_cvtepu8_epi32(b), zx);

				v[q] = _mm512_add_epi32(v_mbqm(_mm512_mullo_epi32(
						d, _mm512_loadu_si512(vj->alx + c + 16 * q)), &pj.ga), zo);
			}
			/* the type's range by saturating packs (PRELU clamps to it) */
			p01 = _mm512_packs_epi32(v[0], v[1]);
			p23 = _mm512_packs_epi32(v[2], v[3]);
			p01 = pj.s8 ? _mm512_packs_epi16(p01, p23) : _mm512_packus_epi16(p01, p23);
			r = _mm512_mask_blend_epi8(neg, r, _mm512_permutexvar_epi32(order, p01));
		}
		_mm512_mask_storeu_epi8(pj.dst + i, m, r);
		if (!pj.flat)
			for (c += 64; c >= pj.ch; c -= pj.ch)
				;
	}
}

/* alpha - za per channel, rounded up to 16 channels (one value: 16 copies); NULL: declined. */
static int32_t *prelu_alpha(const struct ek_op *o)
{
	const struct ek_tensor *al = &o->in[1];
	uint32_t ac = al->d[3], n = (ac + 15) / 16 * 16, c;
	int32_t *a;

	if (!al->data || !ac || al->d[0] != 1 || al->d[1] != 1 || al->d[2] != 1 || ac > 4096)
		return NULL;
	a = aalloc((size_t)n * 4);
	if (!a)
		return NULL;
	for (c = 0; c < n; c++)
		a[c] = c < ac ? ek_ld(al, c) - al->zp : ac == 1 ? ek_ld(al, 0) - al->zp : 0;
	return a;
}

static int prelu(const struct ek_op *o, const struct vnni_w *prep)
{
	const struct edgeai_prog_prelu_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *al = &o->in[1], *out = &o->out;
	uint32_t ch = out->d[3], ac = al->d[3], cnt = ek_count(out);
	int32_t *own = NULL, *alx = NULL;
	struct prelu_job pj;

	if (!ek_is8(in->dtype) || in->dtype != out->dtype || al->dtype != out->dtype ||
	    !same_dims(in, out) || al->d[0] != 1 || al->d[1] != 1 || al->d[2] != 1 || !ch ||
	    (ac != ch && ac != 1) || !shift_ok(p->identity_multiplier, p->identity_shift) ||
	    !shift_ok(p->alpha_multiplier, p->alpha_shift))
		return EXEC_OPT_NOT_HANDLED;
	memset(&pj, 0, sizeof(pj));
	/* the prepared alphas were made for this alpha tensor (its zero point too) */
	if (prep && prep->w32 && prep->n == ac && prep->pq_zx == al->zp &&
	    same_const(prep->pq_bias, al->data, ac))
		pj.al = prep->w32;
	else
		pj.al = own = prelu_alpha(o);
	if (!pj.al)
		return EXEC_OPT_NOT_HANDLED;
	pj.src = in->data;
	pj.dst = out->data;
	pj.ch = ch;
	pj.flat = ac == 1 ? cnt : 0;
	pj.s8 = out->dtype == EDGEAI_DTYPE_INT8;
	gq_make1(&pj.gi, p->identity_shift, p->identity_multiplier);
	gq_make1(&pj.ga, p->alpha_shift, p->alpha_multiplier);
	pj.zx = in->zp;
	pj.zo = out->zp;
	pj.lo = pj.s8 ? -128 : 0;
	pj.hi = pj.s8 ? 127 : 255;
	if (cpu_vbmi() && (pj.flat || (alx = aalloc(((size_t)ch + 64) * 4)) != NULL)) {
		struct prelu_vjob vj = { .pj = &pj, .cnt = cnt, .alx = alx };
		uint32_t items = (cnt + 63) / 64, j;

		for (j = 0; alx && j < ch + 64; j++)
			alx[j] = pj.al[j % ch];
		prelu_tab(&pj, pj.flat ? pj.al : NULL, vj.tab);
		if (exec_par_worth((uint64_t)cnt))
			exec_par_for(items, prelu_part_vbmi, &vj);
		else
			prelu_part_vbmi(&vj, 0, items);
		free(alx);
	} else {
		uint32_t items = pj.flat ? (cnt + 15) / 16 : cnt / ch;

		if (exec_par_worth((uint64_t)cnt * 2))
			exec_par_for(items, prelu_part, &pj);
		else
			prelu_part(&pj, 0, items);
	}
	free(own);
	return 0;
}

/* PRELU's alphas laid out ahead of time (struct vnni_w: n, w32, pq_bias, pq_zx). */
static struct vnni_w *prelu_prepare(const struct ek_op *o)
{
	struct vnni_w *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->w32 = prelu_alpha(o);
	if (!w->w32) {
		free(w);
		return NULL;
	}
	w->n = o->in[1].d[3];
	w->pq_bias = o->in[1].data;
	w->pq_zx = o->in[1].zp;
	return w;
}

/* Depthwise weights: [taps][ch rounded up to 16] int32 (w - zw). */
static struct vnni_w *dw_pack(const struct ek_tensor *f)
{
	uint32_t taps = f->d[1] * f->d[2], ch = f->d[3], t, c;
	struct vnni_w *p;

	if (f->d[0] != 1 || !ek_is8(f->dtype) || !taps || !ch)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->n = ch;
	p->k = taps;
	p->nb = (ch + 15) / 16;
	p->w32 = aalloc_w((size_t)taps * p->nb * 16 * 4);
	if (!p->w32) {
		free(p);
		return NULL;
	}
	memset(p->w32, 0, (size_t)taps * p->nb * 16 * 4);
	for (t = 0; t < taps; t++)
		for (c = 0; c < ch; c++)
			/* w - zw in the low 16 bits, 0 above: vpdpwssd adds x * w */
			p->w32[(size_t)t * p->nb * 16 + c] =
				(int32_t)(uint16_t)(int16_t)(ek_ld(f, t * ch + c) - f->zp);
	return p;
}

/*
 * NB groups of 16 channels from @c0 of one output pixel: @ntap taps at
 * input byte offsets @off (relative to the pixel's channel 0) with weights
 * at @wt[tap] (int16 in int32 lanes, row pitch @chp).
 */
static inline __attribute__((always_inline)) void
dw_groups(const uint8_t *src, const size_t *off, const uint32_t *tap, uint32_t ntap,
	  const int32_t *w32, uint32_t chp, uint32_t c0, uint32_t ch, int nb, int s8, __m512i zx,
	  __m512i zo, const struct gq *g, const int32_t *bias, uint8_t *dst, int32_t lo,
	  int32_t hi)
{
	__m512i acc[4];
	__mmask16 m[4];
	uint32_t t;
	int j;

	UNROLL
	for (j = 0; j < nb; j++) {
		uint32_t c = c0 + 16 * j;

		m[j] = ch - c >= 16 ? 0xffff : (__mmask16)((1U << (ch - c)) - 1);
		acc[j] = _mm512_load_si512(bias + c);
	}
	for (t = 0; t < ntap; t++) {
		const uint8_t *s = src + off[t] + c0;
		const int32_t *w = w32 + (size_t)tap[t] * chp + c0;

		UNROLL
		for (j = 0; j < nb; j++) {
			/* x - zx fits int16: its low half times w's */
			__m512i x = _mm512_sub_epi32(ld8(s + 16 * j, m[j], s8), zx);

			acc[j] = _mm512_dpwssd_epi32(acc[j], x, _mm512_load_si512(w + 16 * j));
		}
	}
	UNROLL
	for (j = 0; j < nb; j++) {
		uint32_t c = c0 + 16 * j;

		st8c(dst + c, m[j], v_rq(acc[j], &g[c / 16], zo), lo, hi, s8);
	}
}

/* One output pixel, every channel: its in-bounds taps (padding taps add 0). */
static void dw_pixel(const struct ek_op *o, const struct vnni_w *wp, const struct gq *g,
		     const int32_t *bias, size_t *off, uint32_t *tap, uint32_t n, uint32_t oy,
		     uint32_t ox)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t ch = in->d[3], kh = f->d[1], kw = f->d[2], chp = wp->nb * 16, nt = 0, ky, kx, c;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
	int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
	uint8_t *dst = (uint8_t *)out->data + ((size_t)(n * out->d[1] + oy) * out->d[2] + ox) * ch;
	const uint8_t *src = (const uint8_t *)in->data + (size_t)n * in->d[1] * in->d[2] * ch;
	__m512i zx = _mm512_set1_epi32(in->zp), zo = _mm512_set1_epi32(out->zp);
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;

	for (ky = 0; ky < kh; ky++) {
		int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

		if (iy < 0 || iy >= h)
			continue;
		for (kx = 0; kx < kw; kx++) {
			int32_t ix = x0 + (int32_t)(kx * p->dilation_w);

			if (ix < 0 || ix >= w)
				continue;
			off[nt] = ((size_t)iy * (uint32_t)w + (uint32_t)ix) * ch;
			tap[nt++] = ky * kw + kx;
		}
	}
	for (c = 0; c < ch; c += 64) {
		int left = (int)((ch - c + 15) / 16);

		if (left >= 4)
			dw_groups(src, off, tap, nt, wp->w32, chp, c, ch, 4, s8, zx, zo, g, bias, dst,
				  p->act_min, p->act_max);
		else if (left == 3)
			dw_groups(src, off, tap, nt, wp->w32, chp, c, ch, 3, s8, zx, zo, g, bias, dst,
				  p->act_min, p->act_max);
		else if (left == 2)
			dw_groups(src, off, tap, nt, wp->w32, chp, c, ch, 2, s8, zx, zo, g, bias, dst,
				  p->act_min, p->act_max);
		else
			dw_groups(src, off, tap, nt, wp->w32, chp, c, ch, 1, s8, zx, zo, g, bias, dst,
				  p->act_min, p->act_max);
	}
}

/*
 * Stride-1 rows, "flat" lanes: the interior of an output row (the pixels
 * whose taps are all in bounds across) is a run of bytes, and each 16-byte
 * vector of it reads, at each tap, the 16-byte vector of the input as far
 * along. Lane i of vector v holds channel (16 v + i) % ch, so every lane
 * works whatever the channel count, and weights, bias and rescale repeat
 * every L = lcm(ch, 16) / 16 vectors. The sums start at
 * bias - zx * (the row's taps' weights) and add x * (w - zw).
 */
struct dw_flat {
	uint32_t L;		/* vectors per period */
	size_t wpitch;		/* int32 per tap: L * 16 */
	const int32_t *w;	/* [tap][L * 16], w - zw in the low 16 bits */
	const int32_t *bias;	/* [L * 16] */
	const struct gq *g;	/* [L] */
};

/*
 * @np vectors (the same lanes' channels) @vstep bytes apart in the output,
 * @istep in the input; @mlast masks the final one.
 */
static inline __attribute__((always_inline)) void
dw_flat_vecs(const uint8_t *in0, uint8_t *out0, const size_t *off, const uint32_t *tap,
	     uint32_t ntap, const int32_t *w, size_t wpitch, __m512i init, const struct gq *g,
	     size_t vstep, size_t istep, int np, __mmask16 mlast, int s8, __m512i zo, int32_t lo,
	     int32_t hi)
{
	__m512i acc[4];
	uint32_t t;
	int i;

	UNROLL
	for (i = 0; i < np; i++)
		acc[i] = init;
	for (t = 0; t < ntap; t++) {
		__m512i wv = _mm512_load_si512(w + (size_t)tap[t] * wpitch);
		const uint8_t *s = in0 + off[t];

		UNROLL
		for (i = 0; i < np; i++) {
			__m128i xb = i == np - 1 ? _mm_maskz_loadu_epi8(mlast, s + i * istep) :
					_mm_loadu_si128((const __m128i *)(s + i * istep));
			__m512i x = s8 ? _mm512_cvtepi8_epi32(xb) : _mm512_cvtepu8_epi32(xb);

			/* x fits int16: its low half times w's */
			acc[i] = _mm512_dpwssd_epi32(acc[i], x, wv);
		}
	}
	UNROLL
	for (i = 0; i < np; i++)
		st8c(out0 + i * vstep, i == np - 1 ? mlast : 0xffff,
		     v_rq(acc[i], g, zo), lo, hi, s8);
}

#define DW_FLAT_NP 4

static void dw_flat_block(const uint8_t *in0, uint8_t *out0, const size_t *off,
			  const uint32_t *tap, uint32_t ntap, const int32_t *w, size_t wpitch,
			  __m512i init, const struct gq *g, size_t vstep, size_t istep, int np,
			  __mmask16 mlast,
			  int s8, __m512i zo, int32_t lo, int32_t hi)
{
#define DW_CASE(N, S) dw_flat_vecs(in0, out0, off, tap, ntap, w, wpitch, init, g, vstep, istep, N, \
				   mlast, S, zo, lo, hi)
	if (s8) {
		switch (np) {
		case 4: DW_CASE(4, 1); break;
		case 3: DW_CASE(3, 1); break;
		case 2: DW_CASE(2, 1); break;
		default: DW_CASE(1, 1); break;
		}
	} else {
		switch (np) {
		case 4: DW_CASE(4, 0); break;
		case 3: DW_CASE(3, 0); break;
		case 2: DW_CASE(2, 0); break;
		default: DW_CASE(1, 0); break;
		}
	}
#undef DW_CASE
}

/*
 * The in-bounds taps of output row @oy from pixel @oa (@off: input byte
 * offsets from the start of the batch, @tap: their indices), and
 * the sums' start of the lanes of groups @l0..@l1 - 1 of a period in
 * @init: bias - zx * (those taps' weights), kept from the last row where
 * its in-bounds filter rows and groups were the same (@key: theirs, the
 * first row and the count, and @l0 (below 256); ~0: none yet). Returns
 * the number of taps.
 */
static uint32_t dw_flat_init(const struct ek_op *o, const struct dw_flat *fl, int32_t *init,
			     uint32_t *key, size_t *off, uint32_t *tap, uint32_t oy, uint32_t oa,
			     uint32_t l0, uint32_t l1)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1];
	uint32_t ch = in->d[3], kh = f->d[1], kw = f->d[2], nt = 0, ky, kx, l, t;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
	int32_t xa = (int32_t)(oa * p->stride_w) - (int32_t)p->pad_left;
	__m512i zx = _mm512_set1_epi32(in->zp);

	uint32_t k0 = kh;

	for (ky = 0; ky < kh; ky++) {
		int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

		if (iy < 0 || iy >= h)
			continue;
		k0 = k0 < ky ? k0 : ky;
		for (kx = 0; kx < kw; kx++) {
			off[nt] = ((size_t)iy * (uint32_t)w + (size_t)(xa + (int32_t)(kx * p->dilation_w))) *
				  ch;
			tap[nt++] = ky * kw + kx;
		}
	}
	/* the in-bounds rows are consecutive: the first and the count name them */
	if (*key == (l0 << 24 | k0 << 16 | nt / kw))
		return nt;
	*key = l0 << 24 | k0 << 16 | nt / kw;
	for (l = l0; l < l1; l++) {
		__m512i s = _mm512_setzero_si512();

		/* the weights sign-extended from their low 16 bits */
		for (t = 0; t < nt; t++)
			s = _mm512_add_epi32(s, _mm512_srai_epi32(_mm512_slli_epi32(
				_mm512_load_si512(fl->w + tap[t] * fl->wpitch + 16 * l), 16), 16));
		_mm512_store_si512(init + 16 * l,
				   _mm512_sub_epi32(_mm512_load_si512(fl->bias + 16 * l),
						    _mm512_mullo_epi32(s, zx)));
	}
	return nt;
}

/* Output row @oy of batch @n, pixels [oa, ob) (all taps in bounds across), flat lanes. */
static void dw_flat_row(const struct ek_op *o, const struct dw_flat *fl, int32_t *init,
			uint32_t *key, size_t *off, uint32_t *tap, uint32_t n, uint32_t oy,
			uint32_t oa, uint32_t ob)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = in->d[3], nt = dw_flat_init(o, fl, init, key, off, tap, oy, oa, 0, fl->L), l;
	const uint8_t *src = (const uint8_t *)in->data + (size_t)n * in->d[1] * in->d[2] * ch;
	uint8_t *dst = (uint8_t *)out->data + ((size_t)(n * out->d[1] + oy) * out->d[2] + oa) * ch;
	size_t nbytes = (size_t)(ob - oa) * ch, nv = (nbytes + 15) / 16, v, vstep, istep;
	__m512i zo = _mm512_set1_epi32(out->zp);
	__mmask16 tail = nbytes % 16 ? (__mmask16)((1U << (nbytes % 16)) - 1) : 0xffff;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;

	/*
	 * stride 1: the input runs as the output; stride s (ch a multiple of
	 * 16, vector v = group v % L of pixel v / L): s * ch bytes per pixel
	 */
	vstep = (size_t)16 * fl->L;
	istep = p->stride_w == 1 ? vstep : (size_t)p->stride_w * ch;
	for (l = 0; l < fl->L && l < nv; l++) {
		for (v = l; v < nv; v += (size_t)DW_FLAT_NP * fl->L) {
			int np = (int)((nv - 1 - v) / fl->L + 1);
			size_t vl, in0 = p->stride_w == 1 ? 16 * v : (v / fl->L) * istep + 16 * l;

			np = np > DW_FLAT_NP ? DW_FLAT_NP : np;
			vl = v + (size_t)(np - 1) * fl->L;
			dw_flat_block(src + in0, dst + 16 * v, off, tap, nt, fl->w + 16 * l,
				      fl->wpitch, _mm512_load_si512(init + 16 * l), &fl->g[l], vstep,
				      istep, np, vl == nv - 1 ? tail : 0xffff, s8, zo, p->act_min,
				      p->act_max);
		}
	}
}

/*
 * 3x3 filters, stride 1 or 2 (stride 1: any dilation): the interior of an
 * output row DW3_P pixels at a time, every group of 16 channels of them
 * in turn. Each input column of a filter row is widened to int32 once
 * and serves every pixel of the block whose window covers it (at stride
 * 1, 6 columns for the 12 taps of 4 pixels), where the flat rows above
 * load and widen every tap of every pixel. Same sums (dw_flat_init()'s
 * start, x * (w - zw) by vpdpwssd), same rescale. A dilation d takes the
 * row's pixels of each residue modulo d on their own: pixels and columns
 * d pixels apart (@pc bytes), as pixels and columns next to each other
 * are at dilation 1.
 */
#define DW3_P 4

/*
 * @np output pixels @pc bytes apart from @dst, stride @S: at each filter
 * row r the columns from @rw[r] on, weights at @wr[r]. With @padl (@padr)
 * the block's first (last) column is past the row's end and reads as the
 * input's zero point @zx, and @rw[r] is the block's second column: that
 * tap adds zx * w, which @init (bias - zx * the in-bounds rows' weights)
 * takes away again, so the edge pixels come out as TFLite computes them.
 */
static inline __attribute__((always_inline)) void
dw3_block(const uint8_t *const *rw, const int32_t *const *wr, uint32_t nr, size_t pc, size_t chp,
	  const int32_t *init, const struct gq *g, uint8_t *dst, const int np, const int S,
	  const int padl, const int padr, const int s8, __mmask16 m, __m512i zx, __m512i zo,
	  int32_t lo, int32_t hi)
{
	__m512i acc[DW3_P];
	uint32_t r;
	int i;

	UNROLL
	for (i = 0; i < np; i++)
		acc[i] = _mm512_load_si512(init);
	for (r = 0; r < nr; r++) {
		/* here, not above: dead at each row's end, so never stored */
		__m512i col[(DW3_P - 1) * 2 + 3];
		const uint8_t *s = rw[r];
		const int32_t *w = wr[r];
		__m512i w0 = _mm512_load_si512(w), w1 = _mm512_load_si512(w + chp);
		__m512i w2 = _mm512_load_si512(w + 2 * chp);

		UNROLL
		for (i = 0; i < (np - 1) * S + 3; i++) {
			__m128i xb;

			if ((padl && i == 0) || (padr && i == (np - 1) * S + 2)) {
				col[i] = zx;
				continue;
			}
			xb = m == 0xffff ? _mm_loadu_si128((const __m128i *)(s + (i - padl) * pc)) :
					   _mm_maskz_loadu_epi8(m, s + (i - padl) * pc);
			col[i] = s8 ? _mm512_cvtepi8_epi32(xb) : _mm512_cvtepu8_epi32(xb);
		}
		/* x fits int16: its low half times w's */
		UNROLL
		for (i = 0; i < np; i++) {
			acc[i] = _mm512_dpwssd_epi32(acc[i], col[i * S], w0);
			acc[i] = _mm512_dpwssd_epi32(acc[i], col[i * S + 1], w1);
			acc[i] = _mm512_dpwssd_epi32(acc[i], col[i * S + 2], w2);
		}
	}
	UNROLL
	for (i = 0; i < np; i++)
		st8c(dst + i * pc, m, v_rq(acc[i], g, zo), lo, hi, s8);
}

/*
 * @npix output pixels @pc bytes apart from @dst, channels 16 l .. 16 l +
 * 15 (mask @m): from the filter rows' inputs at @rw[r] + 16 l, weights at
 * @wr[r] + 16 l.
 */
static inline __attribute__((always_inline)) void
dw3_group(const uint8_t *const *rw, const int32_t *const *wr, uint32_t nr, uint32_t l, size_t pc,
	  size_t chp, const int32_t *init, const struct gq *g, uint8_t *dst, uint32_t npix,
	  const int S, const int s8, __mmask16 m, __m512i zo, int32_t lo, int32_t hi)
{
	const uint8_t *rl[3];
	const int32_t *wl[3];
	uint32_t r, x;

	for (r = 0; r < nr; r++) {
		rl[r] = rw[r] + 16 * l;
		wl[r] = wr[r] + 16 * l;
	}
#define DW3_BLOCK(N) dw3_block(rl, wl, nr, pc, chp, init + 16 * l, &g[l], dst + x * pc + 16 * l, \
			       N, S, 0, 0, s8, m, zo, zo, lo, hi)
	for (x = 0; x + DW3_P <= npix; x += DW3_P) {
		DW3_BLOCK(DW3_P);
		for (r = 0; r < nr; r++)
			rl[r] += (size_t)DW3_P * S * pc;
	}
	switch (npix - x) {
	case 3:
		DW3_BLOCK(3);
		break;
	case 2:
		DW3_BLOCK(2);
		break;
	case 1:
		DW3_BLOCK(1);
		break;
	default:
		break;
	}
#undef DW3_BLOCK
}

/*
 * dw3_group() of groups of 16 channels @l0..@l1 - 1: the whole ones
 * unmasked (the constant mask folds the masked loads away), then the
 * part left.
 */
static inline __attribute__((always_inline)) void
dw3_pixels(const uint8_t *const *rw, const int32_t *const *wr, uint32_t nr, size_t ch, size_t pc,
	   size_t chp, const int32_t *init, const struct gq *g, uint8_t *dst, uint32_t npix,
	   uint32_t l0, uint32_t l1, const int S, const int s8, __m512i zo, int32_t lo, int32_t hi)
{
	uint32_t l;

	for (l = l0; l < l1 && l < ch / 16; l++)
		dw3_group(rw, wr, nr, l, pc, chp, init, g, dst, npix, S, s8, 0xffff, zo, lo, hi);
	if (ch % 16 && l1 > ch / 16)
		dw3_group(rw, wr, nr, (uint32_t)(ch / 16), pc, chp, init, g, dst, npix, S, s8,
			  (__mmask16)((1U << (ch % 16)) - 1), zo, lo, hi);
}

/*
 * A whole output row of a stride-1, undilated 3x3 depthwise with one
 * column of padding each side (the output as wide as the input; or one
 * residue of a dilated row, @pc apart: dw3e_row()), channels 16 l ..:
 * blocks of DW3_P pixels, the first and last with their outside column
 * read as the zero point (dw3_block()'s @padl, @padr). The edge pixels so
 * cost what the others do, instead of a dw_pixel() each (on a 7x7 map,
 * half of the pixels). @rw: each filter row's input column 0.
 */
static inline __attribute__((always_inline)) void
dw3e_group(const uint8_t *const *rw, const int32_t *const *wr, uint32_t nr, uint32_t l, size_t pc,
	   size_t chp, const int32_t *init, const struct gq *g, uint8_t *dst, uint32_t ow,
	   const int s8, __mmask16 m, __m512i zx, __m512i zo, int32_t lo, int32_t hi)
{
	const uint8_t *rl[3];
	const int32_t *wl[3];
	uint32_t r, x, np;

	for (r = 0; r < nr; r++) {
		rl[r] = rw[r] + 16 * l;
		wl[r] = wr[r] + 16 * l;
	}
#define DW3E(N, L, R) dw3_block(rl, wl, nr, pc, chp, init + 16 * l, &g[l], dst + x * pc + 16 * l, \
				N, 1, L, R, s8, m, zx, zo, lo, hi)
#define DW3E_N(L, R) do { \
		switch (np) { \
		case 4: DW3E(4, L, R); break; \
		case 3: DW3E(3, L, R); break; \
		case 2: DW3E(2, L, R); break; \
		default: DW3E(1, L, R); break; \
		} \
	} while (0)
	x = 0;
	np = ow < DW3_P ? ow : DW3_P;
	if (np == ow) {
		DW3E_N(1, 1);
		return;
	}
	DW3E(DW3_P, 1, 0);
	for (r = 0; r < nr; r++)
		rl[r] += (size_t)(DW3_P - 1) * pc;
	for (x = DW3_P; x + DW3_P < ow; x += DW3_P) {
		DW3E(DW3_P, 0, 0);
		for (r = 0; r < nr; r++)
			rl[r] += (size_t)DW3_P * pc;
	}
	np = ow - x;
	DW3E_N(0, 1);
#undef DW3E_N
#undef DW3E
}

/*
 * dw3e_group() of groups @l0..@l1 - 1, as dw3_pixels(). Dilated by
 * d, with d columns of padding each side, a row is d undilated ones, its
 * pixels k, k + d, ... for each residue k, each padded by one of its own
 * columns: each runs as its own row, d * ch bytes a column.
 */
static void dw3e_row(const struct ek_op *o, const struct dw_flat *fl, int32_t *init, uint32_t *key,
		     size_t *off, uint32_t *tap, uint32_t n, uint32_t oy, uint32_t l0, uint32_t l1)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = in->d[3], ow = out->d[2], d = p->dilation_w, r, l, k;
	uint32_t nt = dw_flat_init(o, fl, init, key, off, tap, oy, d, l0, l1), nr = nt / 3;
	const uint8_t *src = (const uint8_t *)in->data + (size_t)n * in->d[1] * in->d[2] * ch;
	uint8_t *dst = (uint8_t *)out->data + (size_t)(n * out->d[1] + oy) * ow * ch;
	__m512i zx = _mm512_set1_epi32(in->zp), zo = _mm512_set1_epi32(out->zp);
	size_t pc = (size_t)d * ch;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	const uint8_t *rw[3];
	const int32_t *wr[3];

	for (r = 0; r < nr; r++)
		wr[r] = fl->w + (size_t)tap[3 * r] * fl->wpitch;
	for (k = 0; k < d && k < ow; k++) {
		uint32_t np = (ow - k + d - 1) / d;
		uint8_t *dk = dst + (size_t)k * ch;

		/* pixel d's taps: its first column is the row's column 0 */
		for (r = 0; r < nr; r++)
			rw[r] = src + off[3 * r] + (size_t)k * ch;
		for (l = l0; l < l1 && l < ch / 16; l++)
			if (s8)
				dw3e_group(rw, wr, nr, l, pc, fl->wpitch, init, fl->g, dk, np, 1, 0xffff,
					   zx, zo, p->act_min, p->act_max);
			else
				dw3e_group(rw, wr, nr, l, pc, fl->wpitch, init, fl->g, dk, np, 0, 0xffff,
					   zx, zo, p->act_min, p->act_max);
		if (ch % 16 && l1 > ch / 16) {
			__mmask16 m = (__mmask16)((1U << (ch % 16)) - 1);

			l = ch / 16;
			if (s8)
				dw3e_group(rw, wr, nr, l, pc, fl->wpitch, init, fl->g, dk, np, 1, m, zx,
					   zo, p->act_min, p->act_max);
			else
				dw3e_group(rw, wr, nr, l, pc, fl->wpitch, init, fl->g, dk, np, 0, m, zx,
					   zo, p->act_min, p->act_max);
		}
	}
}

/* dw_flat_row() for dw3_ok() ops, groups @l0..@l1 - 1. */
static void dw3_row(const struct ek_op *o, const struct dw_flat *fl, int32_t *init, uint32_t *key,
		    size_t *off, uint32_t *tap, uint32_t n, uint32_t oy, uint32_t oa, uint32_t ob,
		    uint32_t l0, uint32_t l1)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = in->d[3], nt = dw_flat_init(o, fl, init, key, off, tap, oy, oa, l0, l1);
	uint32_t nr = nt / 3;
	uint32_t S = p->stride_w, d = p->dilation_w, r, k;
	const uint8_t *src = (const uint8_t *)in->data + (size_t)n * in->d[1] * in->d[2] * ch;
	uint8_t *dst = (uint8_t *)out->data + ((size_t)(n * out->d[1] + oy) * out->d[2] + oa) * ch;
	__m512i zo = _mm512_set1_epi32(out->zp);
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	const uint8_t *rw[3];
	const int32_t *wr[3];
	size_t pc = (size_t)d * ch;

	for (r = 0; r < nr; r++)
		wr[r] = fl->w + (size_t)tap[3 * r] * fl->wpitch;
	/* the pixels oa + k + d j of each residue k (dilation 1: all of them at once) */
	for (k = 0; k < d && k < ob - oa; k++) {
		uint32_t np = (ob - oa - k + d - 1) / d;

		for (r = 0; r < nr; r++)
			rw[r] = src + off[3 * r] + (size_t)k * ch;
#define DW3_RUN(T, U) dw3_pixels(rw, wr, nr, ch, pc, fl->wpitch, init, fl->g, dst + (size_t)k * ch, \
				 np, l0, l1, T, U, zo, p->act_min, p->act_max)
		if (S == 1 && s8)
			DW3_RUN(1, 1);
		else if (S == 1)
			DW3_RUN(1, 0);
		else if (s8)
			DW3_RUN(2, 1);
		else
			DW3_RUN(2, 0);
#undef DW3_RUN
	}
}

/*
 * Stride-1 rows of int8 filters up to 3 taps across ("byte quads"): the
 * interior of an output row as a run of bytes, 64 at a time. For each
 * filter row, the input run at the row's taps kx = 0, 1, 2 (64 bytes each,
 * as offset-128 bytes xu = x ^ 0x80) interleave (vpunpck{l,h}bw, then
 * {l,h}wd) into four vectors of dwords (xu_0, xu_1, xu_2, 0) of 16
 * output bytes each, and one vpdpbusd per vector adds the row's three
 * taps: a quarter of the instructions of a vpdpwssd per tap. The dwords
 * come out in the order of the unpacks: vector i, lane 4 L + j is output
 * byte 16 L + 4 i + j of the 64, and vpackssdw / vpacksswb of the four
 * rescaled vectors put the bytes back in order; the weights, sums and
 * rescale of each lane are laid out in that order for each 64-byte block
 * of a period of P = lcm(ch, 64) / 64 blocks (byte b of the run is
 * channel b % ch). The sums start at bias - (128 + zx) * (the in-bounds
 * rows' weights): the reference's sums modulo 2^32.
 */
#define DWB_MAX_P 3

static uint32_t gcd32(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Whether the 3x3 rows (dw3_row()) take @o; its flat rows are then laid
 * out in channel order (struct dw_flat of the channels' own layout). At
 * stride 1, an int8 op whose channels repeat within 3 blocks of 64 bytes
 * (8, 24, 40...: a part of a group of 16 would idle up to half the
 * lanes) is the byte-quad rows'.
 */
static int dw3_ok(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *f = &o->in[1];
	uint32_t ch = o->in[0].d[3];

	if (f->d[1] != 3 || f->d[2] != 3 || (p->stride_w != 1 && p->stride_w != 2) ||
	    !p->dilation_w || (p->stride_w == 2 && p->dilation_w != 1) || !ch)
		return 0;
	return ch % 16 == 0 || p->stride_w == 2 || o->in[0].dtype != EDGEAI_DTYPE_INT8 ||
	       ch / gcd32(ch, 64) > DWB_MAX_P;
}

struct dwb {
	uint32_t P, kh;
	const __m512i *w;	/* [P][kh][4]: (w_0, w_1, w_2, 0) - zw per lane */
	const __m512i *ws;	/* [P][kh][4]: the lanes' sums of those */
	const __m512i *bias;	/* [P][4] */
	const struct gq *g;	/* [P][4] */
} __attribute__((aligned(64)));

/* The channel of lane @d of vector @i of block @blk. */
static inline uint32_t dwb_ch(uint32_t blk, uint32_t i, uint32_t d, uint32_t ch)
{
	return (64 * blk + 16 * (d / 4) + 4 * i + d % 4) % ch;
}

/*
 * The bytes a stride-2 row needs in @scr (dwb_scratch()): per filter row,
 * its input pixels split into the even ones and the odd ones (each run
 * contiguous, so that taps 0, 1, 2 are the even run, the odd run and the
 * even run one pixel on).
 */
static size_t dwb_scratch(const struct ek_op *o, uint32_t npix)
{
	return ((size_t)(npix + 1) * o->in[0].d[3] + 64) * 2 * o->in[1].d[1];
}

/*
 * Output row @oy of batch @n, pixels [oa, ob) (all taps in bounds across);
 * stride 2 across: @scr of dwb_scratch(ob - oa) bytes.
 */
static void dwb_row(const struct ek_op *o, const struct dwb *db, uint32_t n, uint32_t oy,
		    uint32_t oa, uint32_t ob, uint8_t *scr)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t ch = in->d[3], kh = f->d[1], kw = f->d[2], nr = 0, ky, blk, i;
	int32_t h = (int32_t)in->d[1], w = (int32_t)in->d[2];
	int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
	size_t xa = (size_t)((int32_t)(oa * p->stride_w) - (int32_t)p->pad_left) * ch;
	const uint8_t *src = (const uint8_t *)in->data + (size_t)n * in->d[1] * in->d[2] * ch;
	uint8_t *dst = (uint8_t *)out->data + ((size_t)(n * out->d[1] + oy) * out->d[2] + oa) * ch;
	size_t nbytes = (size_t)(ob - oa) * ch, v;
	const uint8_t *rows[64], *tx[64][3];
	uint32_t rky[64];
	__m512i init[DWB_MAX_P][4];
	const __m512i f80 = _mm512_set1_epi8((char)0x80), z = _mm512_setzero_si512();
	const __m512i zo = _mm512_set1_epi32(out->zp), lo = _mm512_set1_epi32(p->act_min);
	const __m512i hi = _mm512_set1_epi32(p->act_max), zx = _mm512_set1_epi32(128 + in->zp);

	for (ky = 0; ky < kh; ky++) {
		int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

		if (iy < 0 || iy >= h)
			continue;
		rows[nr] = src + (size_t)iy * (uint32_t)w * ch + xa;
		tx[nr][0] = rows[nr];
		tx[nr][1] = rows[nr] + ch;
		tx[nr][2] = rows[nr] + 2 * ch;
		if (p->stride_w == 2) {
			size_t rs = (size_t)(ob - oa + 1) * ch + 64, j;
			uint8_t *e = scr + 2 * rs * nr, *od = e + rs;

			/*
			 * pixels 2 j and 2 j + 1 of the run: only those a tap
			 * reads (the last even one is tap 2 of the run's last
			 * pixel, the odd ones tap 1); the others may lie past
			 * the row, and past the tensor on its last row, and
			 * the loop below loads no tap past kw
			 */
			for (j = 0; j <= ob - oa; j++) {
				if (j < ob - oa || kw > 2)
					copy(e + j * ch, rows[nr] + 2 * j * ch, ch);
				if (j < ob - oa && kw > 1)
					copy(od + j * ch, rows[nr] + (2 * j + 1) * ch, ch);
			}
			tx[nr][0] = e;
			tx[nr][1] = od;
			tx[nr][2] = e + ch;
		}
		rky[nr++] = ky;
	}
	for (blk = 0; blk < db->P; blk++)
		for (i = 0; i < 4; i++) {
			__m512i sw = z;

			for (ky = 0; ky < nr; ky++)
				sw = _mm512_add_epi32(sw, db->ws[((size_t)blk * db->kh + rky[ky]) * 4 + i]);
			init[blk][i] = _mm512_sub_epi32(db->bias[blk * 4 + i], _mm512_mullo_epi32(sw, zx));
		}
	for (v = 0, blk = 0; v < nbytes; v += 64, blk = blk + 1 == db->P ? 0 : blk + 1) {
		__mmask64 m = nbytes - v >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (nbytes - v)) - 1;
		__m512i acc0 = init[blk][0], acc1 = init[blk][1], acc2 = init[blk][2];
		__m512i acc3 = init[blk][3], p01, p23;
		const struct gq *g = &db->g[blk * 4];
		for (ky = 0; ky < nr; ky++) {
			const __m512i *wv = db->w + ((size_t)blk * db->kh + rky[ky]) * 4;
			__m512i x0 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, tx[ky][0] + v), f80);
			__m512i x1 = kw > 1 ? _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, tx[ky][1] + v),
								f80) : z;
			__m512i x2 = kw > 2 ? _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, tx[ky][2] + v),
								f80) : z;
			__m512i l01 = _mm512_unpacklo_epi8(x0, x1), h01 = _mm512_unpackhi_epi8(x0, x1);
			__m512i l23 = _mm512_unpacklo_epi8(x2, z), h23 = _mm512_unpackhi_epi8(x2, z);

			acc0 = _mm512_dpbusd_epi32(acc0, _mm512_unpacklo_epi16(l01, l23), wv[0]);
			acc1 = _mm512_dpbusd_epi32(acc1, _mm512_unpackhi_epi16(l01, l23), wv[1]);
			acc2 = _mm512_dpbusd_epi32(acc2, _mm512_unpacklo_epi16(h01, h23), wv[2]);
			acc3 = _mm512_dpbusd_epi32(acc3, _mm512_unpackhi_epi16(h01, h23), wv[3]);
		}
#define DWB_OUT(a, k) _mm512_min_epi32(_mm512_max_epi32(v_rq(a, &g[k], zo), \
							  lo), hi)
		/* the clamp lies in int8 (checked): the saturating packs change nothing */
		p01 = _mm512_packs_epi32(DWB_OUT(acc0, 0), DWB_OUT(acc1, 1));
		p23 = _mm512_packs_epi32(DWB_OUT(acc2, 2), DWB_OUT(acc3, 3));
#undef DWB_OUT
		_mm512_mask_storeu_epi8(dst + v, m, _mm512_packs_epi16(p01, p23));
	}
}

/*
 * The byte-quad layout of @o (int8, 1..3 taps across, stride and
 * dilation across 1, w - zw in int8, a clamp in int8, P <= DWB_MAX_P,
 * at most 64 filter rows), for the channels' @bias, @shift and @mul, in
 * one allocation (free()); NULL: not for it (or no room).
 */
static struct dwb *dwb_new(const struct ek_op *o, const int32_t *bias, const int32_t *shift,
			   const int32_t *mul)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1];
	uint32_t ch = in->d[3], kh = f->d[1], kw = f->d[2], P, blk, ky, i, d, kx;
	__m512i *w, *ws, *bv;
	struct dwb *db;
	struct gq *g;

	if (in->dtype != EDGEAI_DTYPE_INT8 || f->dtype != EDGEAI_DTYPE_INT8 || kw > 3 || !ch ||
	    (p->stride_w != 1 && p->stride_w != 2) || p->dilation_w != 1 || kh > 64 ||
	    p->act_min < -128 ||
	    p->act_max > 127 || in->zp < -128 || in->zp > 127)
		return NULL;
	P = ch / gcd32(ch, 64);
	if (P > DWB_MAX_P)
		return NULL;
	for (i = 0; i < kh * kw * ch; i++) {
		int32_t x = ek_ld(f, i) - f->zp;

		if (x < -128 || x > 127)
			return NULL;
	}
	db = aalloc(sizeof(*db) + (size_t)P * kh * 4 * 64 * 2 + (size_t)P * 4 * 64 +
		    (size_t)P * 4 * sizeof(*g));
	if (!db)
		return NULL;
	w = (__m512i *)(db + 1);
	ws = w + (size_t)P * kh * 4;
	bv = ws + (size_t)P * kh * 4;
	g = (struct gq *)(bv + (size_t)P * 4);
	for (blk = 0; blk < P; blk++)
		for (i = 0; i < 4; i++) {
			int32_t b16[16], s16[16], m16[16];

			for (d = 0; d < 16; d++) {
				uint32_t c = dwb_ch(blk, i, d, ch);

				b16[d] = bias[c];
				s16[d] = shift[c];
				m16[d] = mul[c];
			}
			bv[blk * 4 + i] = _mm512_loadu_si512(b16);
			gq_make(&g[blk * 4 + i], s16, m16);
			for (ky = 0; ky < kh; ky++) {
				int8_t q[64];
				int32_t sum[16];

				for (d = 0; d < 16; d++) {
					uint32_t c = dwb_ch(blk, i, d, ch);

					sum[d] = 0;
					for (kx = 0; kx < 4; kx++) {
						int32_t x = kx < kw ? ek_ld(f, (ky * kw + kx) * ch + c) -
								      f->zp : 0;

						q[4 * d + kx] = (int8_t)x;
						sum[d] += x;
					}
				}
				w[((size_t)blk * kh + ky) * 4 + i] = _mm512_loadu_si512(q);
				ws[((size_t)blk * kh + ky) * 4 + i] = _mm512_loadu_si512(sum);
			}
		}
	db->P = P;
	db->kh = kh;
	db->w = w;
	db->ws = ws;
	db->bias = bv;
	db->g = g;
	return db;
}

/* dwb_new() of @o's own bias and multipliers (the prepare hook's), or NULL. */
static struct dwb *dwb_prepare(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *b = &o->in[2];
	uint32_t ch = o->in[0].d[3], c;
	const struct edgeai_prog_qmul *qm;
	struct dwb *db = NULL;
	int32_t *t;
	int ok;

	if (!exec_dw_shape_ok(o) || !ch)
		return NULL;
	qm = qmuls(o, p, ch, &ok);
	t = malloc((size_t)ch * 12);
	if (!ok || !t) {
		free(t);
		return NULL;
	}
	for (c = 0; c < ch; c++) {
		t[c] = b->data ? ((const int32_t *)b->data)[c] : 0;
		t[ch + c] = qm ? qm[c].shift : p->out_shift;
		t[2 * ch + c] = qm ? qm[c].multiplier : p->out_multiplier;
		if (!shift_ok(t[2 * ch + c], t[ch + c]))
			goto out;
	}
	db = dwb_new(o, t, t + ch, t + 2 * ch);
out:
	free(t);
	return db;
}

/* Output rows [begin, end) (batch * oh + oy) of a depthwise op. */
struct dw_job {
	const struct ek_op *o;
	const struct vnni_w *wp;
	const struct gq *g;
	const int32_t *bias;
	const struct dw_flat *fl;
	const struct dwb *db;	/* the byte-quad rows, or NULL */
	int flat;
	int dw3;		/* dw3_row() for the flat rows */
	int dw3e;		/* dw3e_row() for whole rows */
	uint32_t oa, ob, init_n;
	uint32_t gb;		/* dw3: groups of 16 channels per pass over the rows */
	_Atomic int failed;	/* no room for a part's buffers: the op is declined */
};

static void dw_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct dw_job *dj = ctx;
	const struct ek_op *o = dj->o;
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *f = &o->in[1], *out = &o->out;
	uint32_t taps = f->d[1] * f->d[2], ow = out->d[2], r, ox, key = ~0U, l0;
	uint32_t L = dj->dw3 ? dj->fl->L : 1, gb = dj->dw3 ? dj->gb : 1;
	size_t ioff = ((size_t)dj->init_n * 4 + 63) & ~(size_t)63;
	int32_t *init = aalloc(ioff + (size_t)taps * (sizeof(size_t) + sizeof(uint32_t)));
	uint8_t *scr = NULL;
	size_t *off;
	uint32_t *tap;

	if (!init) {
		dj->failed = 1;
		return;
	}
	off = (size_t *)((uint8_t *)init + ioff);
	tap = (uint32_t *)(off + taps);
	if (dj->db && !dj->dw3 && p->stride_w == 2 && dj->ob > dj->oa) {
		scr = aalloc(dwb_scratch(o, dj->ob - dj->oa));
		if (!scr) {
			free(init);
			dj->failed = 1;
			return;
		}
	}
	/* dw3: a pass over the rows for each dj->gb groups of channels; else one */
	for (l0 = 0; l0 < L; l0 += gb) {
		uint32_t l1 = L - l0 < gb ? L : l0 + gb;

		for (r = begin; r < end; r++) {
			uint32_t n = r / out->d[1], oy = r % out->d[1];

			if (dj->dw3e) {
				dw3e_row(o, dj->fl, init, &key, off, tap, n, oy, l0, l1);
				continue;
			}
			if (!dj->flat) {
				for (ox = 0; ox < ow; ox++)
					dw_pixel(o, dj->wp, dj->g, dj->bias, off, tap, n, oy, ox);
				continue;
			}
			/* the edge pixels, all channels: with the first pass */
			for (ox = 0; !l0 && ox < dj->oa; ox++)
				dw_pixel(o, dj->wp, dj->g, dj->bias, off, tap, n, oy, ox);
			if (dj->dw3)
				dw3_row(o, dj->fl, init, &key, off, tap, n, oy, dj->oa, dj->ob, l0,
					l1);
			else if (dj->db)
				dwb_row(o, dj->db, n, oy, dj->oa, dj->ob, scr);
			else
				dw_flat_row(o, dj->fl, init, &key, off, tap, n, oy, dj->oa, dj->ob);
			for (ox = dj->ob; !l0 && ox < ow; ox++)
				dw_pixel(o, dj->wp, dj->g, dj->bias, off, tap, n, oy, ox);
		}
	}
	free(scr);
	free(init);
}

/* Flat lanes for at most this many int32 per tap (L * 16) when ch is not a multiple of 16. */
#define DW_FLAT_MAX 1024

/*
 * Depthwise on vpdpbusd, int8 (dwq): four horizontal taps of a filter row
 * per lane. A "quad row" holds, for each position x of an input row
 * padded at both ends and each channel c, the bytes xu of the pixels x,
 * x + dw, x + 2 dw, x + 3 dw (xu = x ^ 0x80, padding 128 + zx as in the
 * GEMM above); the weights hold w - zw of the taps 4 g .. 4 g + 3 of each
 * filter row (0 past kw). One vpdpbusd adds four taps of 16 channels, and
 * each quad row serves every output row whose window covers it. The sums
 * start at bias - (128 + zx) * sum(w - zw), so padding adds 0, and are
 * the reference's sums modulo 2^32; the rescale, zero point and clamp are
 * those of the 16-lane path below (v_mbqm(), st8()).
 */

/*
 * The rescale of each of @nb 16-channel blocks of depthwise @o's outputs
 * (gq_make() of its multipliers and shifts; 0 past the channels), or NULL
 * where a channel's shift is not one the 16-lane rescale takes.
 */
static struct gq *dw_rescale(const struct ek_op *o, uint32_t nb)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	uint32_t ch = o->in[0].d[3], c, gi;
	const struct edgeai_prog_qmul *qm;
	int32_t sh[16], mu[16];
	struct gq *g;
	int ok;

	qm = qmuls(o, p, ch, &ok);
	if (!ok)
		return NULL;
	for (c = 0; c < ch; c++)
		if (!shift_ok(qm ? qm[c].multiplier : p->out_multiplier,
			      qm ? qm[c].shift : p->out_shift))
			return NULL;
	g = aalloc((size_t)nb * sizeof(*g));
	if (!g)
		return NULL;
	for (gi = 0; gi < nb; gi++) {
		for (c = 0; c < 16; c++) {
			uint32_t cc = gi * 16 + c;

			sh[c] = cc < ch ? (qm ? qm[cc].shift : p->out_shift) : 0;
			mu[c] = cc < ch ? (qm ? qm[cc].multiplier : p->out_multiplier) : 0;
		}
		gq_make(&g[gi], sh, mu);
	}
	return g;
}

/* Quad-tap weights of @o's filter, or NULL (uint8, or w - zw out of int8). */
static struct vnni_w *dwq_pack(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *f = &o->in[1];
	uint32_t kh = f->d[1], kw = f->d[2], ch = f->d[3], ky, kx, c;
	struct vnni_w *w;

	if (f->dtype != EDGEAI_DTYPE_INT8 || f->d[0] != 1 || !kh || !kw || !ch ||
	    p->depth_multiplier != 1)
		return NULL;
	for (c = 0; c < kh * kw * ch; c++) {
		int32_t v = ((const int8_t *)f->data)[c] - f->zp;

		if (v < -128 || v > 127)
			return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->n = ch;
	w->k = kh * kw;
	w->kh = kh;
	w->kw = kw;
	w->G = (kw + 3) / 4;
	w->nb = (ch + 15) / 16;
	w->wq = aalloc((size_t)kh * w->G * w->nb * 64);
	w->wsum = aalloc((size_t)w->nb * 64);
	w->dg = dw_rescale(o, w->nb);
	if (!w->wq || !w->wsum || !w->dg) {
		vnni_w_free(w);
		return NULL;
	}
	memset(w->wq, 0, (size_t)kh * w->G * w->nb * 64);
	memset(w->wsum, 0, (size_t)w->nb * 64);
	for (ky = 0; ky < kh; ky++)
		for (kx = 0; kx < kw; kx++)
			for (c = 0; c < ch; c++) {
				int32_t v = ((const int8_t *)f->data)[(ky * kw + kx) * ch + c] - f->zp;
				size_t at = (((size_t)ky * w->G + kx / 4) * w->nb + c / 16) * 64 +
					    c % 16 * 4 + kx % 4;

				w->wq[at] = (int8_t)v;
				w->wsum[c] += v;
			}
	return w;
}

/* One run's layout of the quad rows. */
struct dwq_job {
	const struct ek_op *o;
	const struct vnni_w *w;
	const int32_t *c;	/* [nb * 16]: bias - (128 + zx) * wsum */
	uint32_t qw;		/* quad positions per row */
	uint32_t uw;		/* padded input pixels per row */
	uint32_t chu;		/* bytes per padded input pixel: nb rounded up to 4, * 16 */
	uint32_t xstep;		/* quad positions built: every xstep-th */
	uint32_t slots;		/* quad rows kept: kh * dilation_h */
	uint32_t rows, group;	/* output rows; rows per part (dwq_groups()) */
	_Atomic int failed;
};

/* Quad row of input row @iy of batch @n into @q, through the padded row @u. */
static void dwq_row(const struct dwq_job *dj, uint8_t *q, uint8_t *u, uint32_t n, int32_t iy)
{
	const struct ek_op *o = dj->o;
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0];
	uint32_t ch = in->d[3], w = in->d[2], nb = dj->w->nb, d = p->dilation_w, x, b, k;
	uint8_t pv = (uint8_t)(128 + in->zp);
	const uint8_t *src = (const uint8_t *)in->data +
			     ((size_t)n * in->d[1] + (uint32_t)iy) * w * ch;
	size_t qs = (size_t)nb * 64;

	for (x = 0; x < dj->uw; x++) {
		int64_t ix = (int64_t)x - p->pad_left;

		if (ix < 0 || ix >= w)
			memset(u + (size_t)x * dj->chu, pv, ch);
		else
			to_u8(u + (size_t)x * dj->chu, src + (size_t)ix * ch, ch);
	}
	for (x = 0; x < dj->qw; x += dj->xstep) {
		const uint8_t *a = u + (size_t)x * dj->chu;
		uint8_t *dst = q + (size_t)x * qs;

		for (b = 0; b < nb; b += 4) {
			__m512i v0 = _mm512_loadu_si512(a + 16 * b);
			__m512i v1 = _mm512_loadu_si512(a + (size_t)d * dj->chu + 16 * b);
			__m512i v2 = _mm512_loadu_si512(a + (size_t)2 * d * dj->chu + 16 * b);
			__m512i v3 = _mm512_loadu_si512(a + (size_t)3 * d * dj->chu + 16 * b);
			__m512i l01 = _mm512_unpacklo_epi8(v0, v1), h01 = _mm512_unpackhi_epi8(v0, v1);
			__m512i l23 = _mm512_unpacklo_epi8(v2, v3), h23 = _mm512_unpackhi_epi8(v2, v3);
			/* q[j], 128-bit lane L: channels 16 L + 4 j .. + 3 of block b + L */
			__m512i q0 = _mm512_unpacklo_epi16(l01, l23), q1 = _mm512_unpackhi_epi16(l01, l23);
			__m512i q2 = _mm512_unpacklo_epi16(h01, h23), q3 = _mm512_unpackhi_epi16(h01, h23);
			/* transposed by 128-bit lanes: r[L] = block b + L */
			__m512i t0 = _mm512_shuffle_i64x2(q0, q1, 0x44), t1 = _mm512_shuffle_i64x2(q2, q3, 0x44);
			__m512i t2 = _mm512_shuffle_i64x2(q0, q1, 0xee), t3 = _mm512_shuffle_i64x2(q2, q3, 0xee);
			__m512i r[4];

			r[0] = _mm512_shuffle_i64x2(t0, t1, 0x88);
			r[1] = _mm512_shuffle_i64x2(t0, t1, 0xdd);
			r[2] = _mm512_shuffle_i64x2(t2, t3, 0x88);
			r[3] = _mm512_shuffle_i64x2(t2, t3, 0xdd);
			for (k = 0; k < 4 && b + k < nb; k++)
				_mm512_store_si512(dst + (size_t)(b + k) * 64, r[k]);
		}
	}
}

#define DWQ_P 4	/* output pixels per inner block */

/* @np pixels from @ox of one output row, channel block @cb. */
static inline __attribute__((always_inline)) void
dwq_pixels(const struct dwq_job *dj, const uint8_t *const *qr, int8_t *dst, uint32_t ox,
	   uint32_t cb, int np, __mmask16 m, __m512i zo)
{
	const struct ek_op *o = dj->o;
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct vnni_w *w = dj->w;
	uint32_t ch = o->out.d[3], G = w->G, ky, g;
	size_t qs = (size_t)w->nb * 64, ps = (size_t)p->stride_w * qs;
	size_t gs = (size_t)4 * p->dilation_w * qs;
	__m512i acc[DWQ_P];
	int i;

	UNROLL
	for (i = 0; i < np; i++)
		acc[i] = _mm512_load_si512(dj->c + 16 * cb);
	for (ky = 0; ky < w->kh; ky++) {
		const uint8_t *s = qr[ky] + (size_t)ox * ps + (size_t)cb * 64;

		for (g = 0; g < G; g++) {
			__m512i wv = _mm512_load_si512(w->wq + (((size_t)ky * G + g) * w->nb + cb) * 64);

			UNROLL
			for (i = 0; i < np; i++)
				acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_load_si512(s + i * ps + g * gs),
							     wv);
		}
	}
	UNROLL
	for (i = 0; i < np; i++)
		st8c(dst + (size_t)(ox + i) * ch + 16 * cb, m,
		     v_rq(acc[i], &w->dg[cb], zo), p->act_min, p->act_max, 1);
}

/* Output rows [begin, end) (batch * oh + oy). */
static void dwq_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct dwq_job *dj = ctx;
	const struct ek_op *o = dj->o;
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const struct vnni_w *w = dj->w;
	uint32_t oh = out->d[1], ow = out->d[2], ch = out->d[3], nb = w->nb, r, ky, x, cb, i;
	size_t qsz = (size_t)dj->qw * nb * 64, usz = ((size_t)dj->uw * dj->chu + 63) & ~(size_t)63;
	__m512i zo = _mm512_set1_epi32(out->zp);
	const uint8_t *qr[64];
	int64_t *tag;
	uint8_t *buf, *u, *pad;

	buf = aalloc(qsz * (dj->slots + 1) + usz + (size_t)dj->slots * sizeof(*tag));
	if (!buf) {
		dj->failed = 1;
		return;
	}
	pad = buf + qsz * dj->slots;
	u = pad + qsz;
	tag = (int64_t *)(u + usz);
	/* positions not built are never read; the padding row is padding everywhere */
	memset(pad, (uint8_t)(128 + in->zp), qsz);
	/* the channels past ch of each pixel meet zero weights */
	memset(u, 0, usz);
	for (i = 0; i < dj->slots; i++)
		tag[i] = -1;
	for (r = begin; r < end; r++) {
		uint32_t n = r / oh, oy = r % oh;
		int8_t *dst = (int8_t *)out->data + (size_t)r * ow * ch;

		for (ky = 0; ky < w->kh; ky++) {
			int64_t iy = (int64_t)oy * p->stride_h - p->pad_top + (int64_t)ky * p->dilation_h;
			int64_t t = (int64_t)n * in->d[1] + iy;
			uint32_t sl;

			if (iy < 0 || iy >= in->d[1]) {
				qr[ky] = pad;
				continue;
			}
			sl = (uint32_t)(iy % dj->slots);
			if (tag[sl] != t) {
				dwq_row(dj, buf + qsz * sl, u, n, (int32_t)iy);
				tag[sl] = t;
			}
			qr[ky] = buf + qsz * sl;
		}
		for (cb = 0; cb < nb; cb++) {
			__mmask16 m = ch - 16 * cb >= 16 ? 0xffff :
				      (__mmask16)((1U << (ch - 16 * cb)) - 1);

			for (x = 0; x + DWQ_P <= ow; x += DWQ_P)
				dwq_pixels(dj, qr, dst, x, cb, DWQ_P, m, zo);
			switch (ow - x) {
			case 3:
				dwq_pixels(dj, qr, dst, x, cb, 3, m, zo);
				break;
			case 2:
				dwq_pixels(dj, qr, dst, x, cb, 2, m, zo);
				break;
			case 1:
				dwq_pixels(dj, qr, dst, x, cb, 1, m, zo);
				break;
			default:
				break;
			}
		}
	}
	free(buf);
}

/* Groups [begin, end) of dj->group output rows (dwq_rows()). */
static void dwq_groups(void *ctx, uint32_t begin, uint32_t end)
{
	struct dwq_job *dj = ctx;
	uint64_t e = (uint64_t)end * dj->group;

	dwq_rows(ctx, begin * dj->group, e < dj->rows ? (uint32_t)e : dj->rows);
}

/* Whether @o's filter and shape are worth the quad rows (dwq() below). */
static int dwq_wanted(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;

	return o->in[1].d[2] >= 4 || (p->stride_w != 1 && o->in[1].d[3] % 16);
}

/* Quad rows above this size (bytes per part) go to the 16-lane path. */
#define DWQ_MAX_BYTES (16u << 20)

/* 0, or EXEC_OPT_NOT_HANDLED (the 16-lane path may take it). */
static int dwq(const struct ek_op *o, const struct vnni_w *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ch = in->d[3], ow = out->d[2], rows = out->d[0] * out->d[1], c;
	struct vnni_w *own = NULL;
	const struct vnni_w *w = prep;
	struct dwq_job dj;
	uint64_t sz;
	int32_t *cv;

	/*
	 * filters narrower than 4 taps: building the quad rows costs about
	 * what the quads save (3x3: 3 vpdpbusd against 9 vpdpwssd per pixel),
	 * except where the 16-lane path has no flat rows (strided, channels
	 * not a multiple of 16) and takes every pixel alone
	 */
	if (!dwq_wanted(o) || in->dtype != EDGEAI_DTYPE_INT8 || f->dtype != EDGEAI_DTYPE_INT8 ||
	    !ow || !rows ||
	    in->zp < -128 || in->zp > 127 || f->d[1] * p->dilation_h > 64 || !p->stride_w ||
	    !p->dilation_w || !p->dilation_h)
		return EXEC_OPT_NOT_HANDLED;
	if (!w || !w->wq)
		w = own = dwq_pack(o);
	if (!w || w->n != ch || w->kh != f->d[1] || w->kw != f->d[2]) {
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	memset(&dj, 0, sizeof(dj));
	dj.o = o;
	dj.w = w;
	dj.qw = (ow - 1) * p->stride_w + 4 * (w->G - 1) * p->dilation_w + 1;
	dj.uw = dj.qw + 3 * p->dilation_w;
	dj.chu = (w->nb + 3) / 4 * 64;
	dj.xstep = (4 * p->dilation_w) % p->stride_w ? 1 : p->stride_w;
	dj.slots = f->d[1] * p->dilation_h;
	sz = (uint64_t)dj.qw * w->nb * 64 * (dj.slots + 1) + (uint64_t)dj.uw * dj.chu;
	cv = aalloc((size_t)w->nb * 64);
	if (sz > DWQ_MAX_BYTES || !cv) {
		free(cv);
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	for (c = 0; c < w->nb * 16; c++) {
		uint32_t v = c < ch && b->data ? (uint32_t)((const int32_t *)b->data)[c] : 0;

		cv[c] = (int32_t)(v - (uint32_t)(128 + in->zp) * (uint32_t)w->wsum[c]);
	}
	dj.c = cv;
	if (exec_par_worth((uint64_t)rows * ow * ch * w->k / 4)) {
		/*
		 * A part builds again the quad rows its first output row reads
		 * (up to slots of them): parts of at least slots rows, a few
		 * per thread, or one per thread where that leaves fewer.
		 */
		uint32_t t = exec_par_threads(), g = (rows + 4 * t - 1) / (4 * t);

		g = g > dj.slots ? g : dj.slots;
		if ((rows + g - 1) / g < t)
			g = (rows + t - 1) / t;
		dj.rows = rows;
		dj.group = g;
		exec_par_for((rows + g - 1) / g, dwq_groups, &dj);
	} else
		dwq_rows(&dj, 0, rows);
	free(cv);
	vnni_w_free(own);
	return dj.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

/* dw_rows(): the rows' bytes per group above which they run in passes, and a pass's */
#ifndef DW3_L1_BYTES
#define DW3_L1_BYTES (12u << 10)
#endif
#ifndef DW3_PASS_MIN_W
#define DW3_PASS_MIN_W 24
#endif
#ifndef DW3_PASS_BYTES
#define DW3_PASS_BYTES (16u << 10)
#endif

static int depthwise(const struct ek_op *o, const struct vnni_w *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ch = in->d[3], kh = f->d[1], kw = f->d[2], taps = kh * kw, c, chp;
	uint32_t ow = out->d[2], oa = 0, ob = 0, lanes = 0, l, t;
	const struct edgeai_prog_qmul *qm;
	int32_t *shift, *mul, *bias, *init = NULL, *fw = NULL;
	struct vnni_w *own = NULL;
	const struct vnni_w *wp;
	struct dw_flat fl = { 0 };
	struct gq *g;
	size_t *off, sz;
	uint32_t *tap;
	struct dwb *dbown = NULL;
	int ok, flat, s2b, d3, need_q;

	if (!exec_dw_shape_ok(o))
		return EXEC_OPT_NOT_HANDLED;
	qm = qmuls(o, p, ch, &ok);
	if (!ok)
		return EXEC_OPT_NOT_HANDLED;
	/* stride 2 with byte-quad rows laid out ahead of time: theirs (dwb_row()) */
	s2b = p->stride_w == 2 && prep && prep->db;
	d3 = dw3_ok(o);
	if (!s2b && !d3 && dwq(o, prep) == 0)
		return 0;
	wp = prep;
	if (!wp || !wp->w32)
		wp = own = dw_pack(f);
	if (!wp || wp->n != ch || wp->k != taps || !wp->w32) {
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	chp = wp->nb * 16;
	/* flat rows: stride 1, or channels in whole groups of 16 (pixels blocked) */
	flat = p->stride_w == 1 || ch % 16 == 0 || s2b || d3;
	if (flat) {
		/* the interior pixels of a row: ox * s - pad_left >= 0 and the last tap < w */
		uint32_t s = p->stride_w;
		int64_t e = (int64_t)in->d[2] - 1 + p->pad_left - (int64_t)(kw - 1) * p->dilation_w;

		oa = (p->pad_left + s - 1) / s;
		oa = oa < ow ? oa : ow;
		e = e < 0 ? 0 : e / s + 1;
		ob = e < (int64_t)oa ? oa : e > (int64_t)ow ? ow : (uint32_t)e;
		lanes = ch % 16 && !d3 ? ch / gcd32(ch, 16) * 16 : 0;
		flat = ob > oa && lanes <= DW_FLAT_MAX;
	}
	/* shift, mul, bias [chp]; g [nb]; off, tap [taps]; flat: init, w, bias, shift, mul, g */
	sz = (size_t)chp * 12 + (size_t)wp->nb * sizeof(*g) +
	     (((size_t)taps * (sizeof(*off) + sizeof(*tap)) + 63) & ~(size_t)63);
	if (flat)
		sz += (size_t)(lanes ? lanes : chp) * 4 +
		      (lanes ? (size_t)lanes * (taps + 3) * 4 + lanes / 16 * sizeof(*g) : 0);
	shift = aalloc(sz);
	if (!shift) {
		vnni_w_free(own);
		return EXEC_OPT_NOT_HANDLED;
	}
	g = (struct gq *)(shift + 3 * (size_t)chp);	/* chp * 12 bytes: 64-aligned */
	mul = shift + chp;
	bias = mul + chp;
	off = (size_t *)(g + wp->nb);
	tap = (uint32_t *)(off + taps);
	init = (int32_t *)((uint8_t *)off +
			   (((size_t)taps * (sizeof(*off) + sizeof(*tap)) + 63) & ~(size_t)63));
	/*
	 * the channels' multipliers and shifts: for their rescale unless it
	 * was laid out ahead of time (wp->dg, from the same constants, checked
	 * there), and for the layouts made here (flat lanes, dwb_new())
	 */
	need_q = !wp->dg || lanes || (flat && !d3 && !wp->db && 64 % ch == 0 && p->stride_w == 1);
	for (c = 0; !need_q && c < chp; c++)
		bias[c] = c < ch && b->data ? ((const int32_t *)b->data)[c] : 0;
	for (c = 0; need_q && c < chp; c++) {
		int32_t m = c < ch ? (qm ? qm[c].multiplier : p->out_multiplier) : 0;
		int32_t sh = c < ch ? (qm ? qm[c].shift : p->out_shift) : 0;

		if (!shift_ok(m, sh)) {
			free(shift);
			vnni_w_free(own);
			return EXEC_OPT_NOT_HANDLED;
		}
		shift[c] = sh;
		mul[c] = m;
		bias[c] = c < ch && b->data ? ((const int32_t *)b->data)[c] : 0;
	}
	if (wp->dg)
		g = wp->dg;	/* laid out ahead of time (vnni_prepare()) */
	else
		for (c = 0; c < wp->nb; c++)
			gq_make(&g[c], shift + 16 * c, mul + 16 * c);
	if (flat && !lanes) {
		/* ch a multiple of 16, or 3x3 rows: the channels' own layout */
		fl.L = wp->nb;
		fl.wpitch = chp;
		fl.w = wp->w32;
		fl.bias = bias;
		fl.g = g;
	} else if (flat) {
		int32_t *fb, *fsh, *fmu;
		struct gq *fg;

		fw = init + lanes;
		fb = fw + (size_t)lanes * taps;
		fsh = fb + lanes;
		fmu = fsh + lanes;
		fg = (struct gq *)(fmu + lanes);	/* lanes * 4 bytes: a multiple of 64 */
		for (l = 0; l < lanes; l++) {
			for (t = 0; t < taps; t++)
				fw[(size_t)t * lanes + l] = wp->w32[(size_t)t * chp + l % ch];
			fb[l] = bias[l % ch];
			fsh[l] = shift[l % ch];
			fmu[l] = mul[l % ch];
		}
		for (l = 0; l < lanes / 16; l++)
			gq_make(&fg[l], fsh + 16 * l, fmu + 16 * l);
		fl.L = lanes / 16;
		fl.wpitch = lanes;
		fl.w = fw;
		fl.bias = fb;
		fl.g = fg;
	}
	{
		struct dw_job dj = { .o = o, .wp = wp, .g = g, .bias = bias, .fl = &fl,
				     .flat = flat, .oa = oa, .ob = ob, .init_n = fl.L * 16,
				     .dw3 = flat && d3 };

		/* stride 1, dilation d, d columns of padding each side: whole rows */
		dj.dw3e = dj.dw3 && p->stride_w == 1 && p->pad_left == p->dilation_w &&
			  oa == p->dilation_w && ob + p->dilation_w == ow && ow == in->d[2];
		uint32_t rows = out->d[0] * out->d[1];
		/*
		 * 3x3 rows of many channels: what a row reads of each group of
		 * 16 channels (weights, rescale, sums' start, three input rows
		 * and the output row) can outgrow the L1 cache, and the next
		 * row would read it all again from L2. Such rows run in passes,
		 * each over the groups that fit in DW3_PASS_BYTES.
		 */
		size_t per = 9 * 64 + sizeof(struct gq) + 64 + ((size_t)3 * in->d[2] + ow) * 16;

		dj.gb = fl.L;
		if (dj.dw3 && p->stride_w == 1 && ow >= DW3_PASS_MIN_W && fl.L * per > DW3_L1_BYTES &&
		    fl.L < 256)
			dj.gb = DW3_PASS_BYTES / per ? (uint32_t)(DW3_PASS_BYTES / per) : 1;
		/*
		 * byte-quad rows: laid out ahead of time, or here where it
		 * costs little (a period of one 64-byte block)
		 */
		if (flat && !d3 && wp->db)
			dj.db = wp->db;
		else if (flat && !d3 && 64 % ch == 0 && p->stride_w == 1)
			dj.db = dbown = dwb_new(o, bias, shift, mul);

		if (exec_par_worth((uint64_t)rows * ow * ch * taps / 4))
			exec_par_for(rows, dw_rows, &dj);
		else
			dw_rows(&dj, 0, rows);
		ok = !dj.failed;
	}
	free(dbown);
	free(shift);
	vnni_w_free(own);
	return ok ? 0 : EXEC_OPT_NOT_HANDLED;
}

/*
 * AVERAGE_POOL_2D: the sums of the in-bounds taps' stored values in int32
 * (exact: at most 2^20 taps), 64 channels at a time, then the reference's
 * division by the tap count n rounding half away from zero, (|v| + n/2) /
 * n with v's sign, on 16 lanes: the quotient q' of the binary32 product
 * by 1/n is within 1 of the true one (|v| + n/2 < 2^28 and the quotient
 * below 2^8: three roundings of relative error 2^-24 each), and the
 * remainder |v| + n/2 - q' n, exact in int32, steps it to it. The
 * reference then clamps to the activation's range (st8()). Output rows
 * [begin, end) (image * oh + row) per part.
 */
struct avgpool_job {
	const struct ek_op *o;
};

static inline __m512i avg_div(__m512i v, __m512 rcp, __m512i cnt, __m512i half)
{
	const __m512i z = _mm512_setzero_si512(), one = _mm512_set1_epi32(1);
	__m512i n = _mm512_add_epi32(_mm512_abs_epi32(v), half);
	__m512i q = _mm512_cvttps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(n), rcp));
	__m512i r = _mm512_sub_epi32(n, _mm512_mullo_epi32(q, cnt));

	q = _mm512_mask_add_epi32(q, _mm512_cmpge_epi32_mask(r, cnt), q, one);
	q = _mm512_mask_sub_epi32(q, _mm512_cmplt_epi32_mask(r, z), q, one);
	return _mm512_mask_sub_epi32(q, _mm512_cmplt_epi32_mask(v, z), z, q);
}

/* @nv vectors of 16 channels from @c of one output pixel (window rows ys..ye, columns xs..xe). */
static inline __attribute__((always_inline)) void
avg_vecs(const struct ek_op *o, uint32_t n, int32_t ys, int32_t ye, int32_t xs, int32_t xe,
	 uint32_t c, uint8_t *dst, int nv, int s8)
{
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0];
	uint32_t ch = in->d[3];
	int32_t cnt = (ye - ys) * (xe - xs), y, x;
	__m512i acc[4];
	__mmask16 m[4];
	int j;

	UNROLL
	for (j = 0; j < nv; j++) {
		uint32_t cj = c + 16 * j;

		m[j] = ch - cj >= 16 ? 0xffff : (__mmask16)((1U << (ch - cj)) - 1);
		acc[j] = _mm512_setzero_si512();
	}
	for (y = ys; y < ye; y++)
		for (x = xs; x < xe; x++) {
			const uint8_t *src = (const uint8_t *)in->data +
					     ek_idx(in, n, (uint32_t)y, (uint32_t)x, c);

			UNROLL
			for (j = 0; j < nv; j++)
				acc[j] = _mm512_add_epi32(acc[j], ld8(src + 16 * j, m[j], s8));
		}
	UNROLL
	for (j = 0; j < nv; j++) {
		__m512i v = cnt > 0 ? avg_div(acc[j], _mm512_set1_ps(1.0f / (float)cnt),
					      _mm512_set1_epi32(cnt), _mm512_set1_epi32(cnt / 2)) :
				      _mm512_setzero_si512();	/* a window entirely in the padding */

		st8(dst + c + 16 * j, m[j], v, p->act_min, p->act_max);
	}
}

static void avgpool_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct avgpool_job *aj = ctx;
	const struct ek_op *o = aj->o;
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	uint32_t ch = in->d[3], r, ox, c;

	for (r = begin; r < end; r++) {
		uint32_t n = r / out->d[1], oy = r % out->d[1];
		int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		int32_t ys = y0 < 0 ? 0 : y0, ye = y0 + (int32_t)p->filter_h;

		ye = ye > (int32_t)in->d[1] ? (int32_t)in->d[1] : ye;
		for (ox = 0; ox < out->d[2]; ox++) {
			int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
			int32_t xs = x0 < 0 ? 0 : x0, xe = x0 + (int32_t)p->filter_w, y1 = ye;
			uint8_t *dst = (uint8_t *)out->data + ek_idx(out, n, oy, ox, 0);

			xe = xe > (int32_t)in->d[2] ? (int32_t)in->d[2] : xe;
			/* an empty window (all padding): a count of 0 */
			if (ye <= ys || xe <= xs)
				y1 = ys, xe = xs;
			for (c = 0; c < ch; c += 64) {
				uint32_t nv = (ch - c + 15) / 16;

				if (nv >= 4)
					avg_vecs(o, n, ys, y1, xs, xe, c, dst, 4, s8);
				else if (nv == 3)
					avg_vecs(o, n, ys, y1, xs, xe, c, dst, 3, s8);
				else if (nv == 2)
					avg_vecs(o, n, ys, y1, xs, xe, c, dst, 2, s8);
				else
					avg_vecs(o, n, ys, y1, xs, xe, c, dst, 1, s8);
			}
		}
	}
}

static int avgpool(const struct ek_op *o)
{
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t rows = out->d[0] * out->d[1];
	struct avgpool_job aj = { .o = o };

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || in->d[3] != out->d[3] ||
	    in->d[0] != out->d[0] || !p->filter_h || !p->filter_w ||
	    (uint64_t)p->filter_h * p->filter_w > (1U << 20))
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth((uint64_t)ek_count(out) * p->filter_h * p->filter_w / 4))
		exec_par_for(rows, avgpool_rows, &aj);
	else
		avgpool_rows(&aj, 0, rows);
	return 0;
}

/*
 * MAX_POOL_2D, separably: for each output row the maximum of its window's
 * in-bounds input rows, 64 bytes at a time over the whole row (a row of
 * its own where the window has one), then for each output pixel the
 * maximum of that row's in-bounds taps, 64 channels at a time. Output
 * rows [begin, end) (image * oh + row) per part.
 */
struct maxpool_job {
	const struct ek_op *o;
	__m512i vlo, vhi, vmin;
	_Atomic int failed;	/* no room for a part's row: the op is declined */
};

static inline __m512i max8(__m512i a, __m512i b, int s8)
{
	return s8 ? _mm512_max_epi8(a, b) : _mm512_max_epu8(a, b);
}

static void maxpool_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct maxpool_job *mj = ctx;
	const struct ek_op *o = mj->o;
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	uint32_t ch = in->d[3], r, ox, c;
	size_t rowb = (size_t)in->d[2] * ch, i;
	uint8_t *vbuf = aalloc(rowb);
	int32_t y, x;

	if (!vbuf) {
		mj->failed = 1;
		return;
	}
	for (r = begin; r < end; r++) {
		uint32_t n = r / out->d[1], oy = r % out->d[1];
		int32_t y0 = (int32_t)(oy * p->stride_h) - (int32_t)p->pad_top;
		int32_t ys = y0 < 0 ? 0 : y0, ye = y0 + (int32_t)p->filter_h;
		const uint8_t *row = (const uint8_t *)in->data + ek_idx(in, n, 0, 0, 0);
		uint8_t *dst = (uint8_t *)out->data + ek_idx(out, n, oy, 0, 0);
		const uint8_t *v;

		ye = ye > (int32_t)in->d[1] ? (int32_t)in->d[1] : ye;
		if (ye <= ys) {
			v = NULL;	/* no row in bounds: every output is the clamped minimum */
		} else if (ye - ys == 1) {
			v = row + (size_t)ys * rowb;
		} else {
			for (i = 0; i < rowb; i += 64) {
				__mmask64 m = rowb - i >= 64 ? ~(__mmask64)0 :
					      ((__mmask64)1 << (rowb - i)) - 1;
				__m512i a = _mm512_maskz_loadu_epi8(m, row + (size_t)ys * rowb + i);

				for (y = ys + 1; y < ye; y++)
					a = max8(a, _mm512_maskz_loadu_epi8(m, row + (size_t)y * rowb + i),
						 s8);
				_mm512_mask_storeu_epi8(vbuf + i, m, a);
			}
			v = vbuf;
		}
		for (ox = 0; ox < out->d[2]; ox++, dst += ch) {
			int32_t x0 = (int32_t)(ox * p->stride_w) - (int32_t)p->pad_left;
			int32_t xs = x0 < 0 ? 0 : x0, xe = x0 + (int32_t)p->filter_w;

			xe = xe > (int32_t)in->d[2] ? (int32_t)in->d[2] : xe;
			if (!v)
				xe = xs;
			for (c = 0; c < ch; c += 64) {
				__mmask64 m = ch - c >= 64 ? ~(__mmask64)0 :
					      ((__mmask64)1 << (ch - c)) - 1;
				__m512i a = mj->vmin;

				for (x = xs; x < xe; x++)
					a = max8(a, _mm512_maskz_loadu_epi8(m, v + (size_t)x * ch + c), s8);
				a = s8 ? _mm512_min_epi8(_mm512_max_epi8(a, mj->vlo), mj->vhi) :
					 _mm512_min_epu8(_mm512_max_epu8(a, mj->vlo), mj->vhi);
				_mm512_mask_storeu_epi8(dst + c, m, a);
			}
		}
	}
	free(vbuf);
}

static int maxpool(const struct ek_op *o)
{
	const struct edgeai_prog_pool_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t tmin = s8 ? -128 : 0, tmax = s8 ? 127 : 255, lo = p->act_min, hi = p->act_max;
	uint32_t rows = out->d[0] * out->d[1];
	struct maxpool_job mj = { .o = o };

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || in->d[3] != out->d[3] ||
	    in->d[0] != out->d[0] || !p->filter_h || !p->filter_w || lo > hi || lo > tmax ||
	    hi < tmin)
		return EXEC_OPT_NOT_HANDLED;
	lo = lo < tmin ? tmin : lo;
	hi = hi > tmax ? tmax : hi;
	mj.vlo = _mm512_set1_epi8((char)lo);
	mj.vhi = _mm512_set1_epi8((char)hi);
	mj.vmin = _mm512_set1_epi8((char)tmin);
	if (exec_par_worth((uint64_t)ek_count(out) * p->filter_h * p->filter_w / 4))
		exec_par_for(rows, maxpool_rows, &mj);
	else
		maxpool_rows(&mj, 0, rows);
	return mj.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

/*
 * The table ops (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU: the program's
 * 256-entry table, as ek_lut() reads it) 64 bytes at a time where the CPU
 * has AVX-512 VBMI (checked at run time; Ice Lake, Zen 4: not every VNNI
 * CPU): vpermi2b looks a byte up in 128 table entries, two of them cover
 * the low and high halves, the byte's top bit picks one. Blocks of 64
 * bytes [begin, end) per part.
 */
struct lut_job {
	const uint8_t *tab, *src;
	uint8_t *dst;
	uint32_t cnt;
};

static __attribute__((target("avx512vbmi"))) void lut_part(void *ctx, uint32_t begin,
							   uint32_t end)
{
	const struct lut_job *lj = ctx;
	const __m512i t0 = _mm512_loadu_si512(lj->tab), t1 = _mm512_loadu_si512(lj->tab + 64);
	const __m512i t2 = _mm512_loadu_si512(lj->tab + 128);
	const __m512i t3 = _mm512_loadu_si512(lj->tab + 192);
	size_t i, e = (size_t)end * 64 < lj->cnt ? (size_t)end * 64 : lj->cnt;

	for (i = (size_t)begin * 64; i < e; i += 64) {
		__mmask64 m = e - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (e - i)) - 1;
		__m512i x = _mm512_maskz_loadu_epi8(m, lj->src + i);
		__m512i lo = _mm512_permutex2var_epi8(t0, x, t1), hi = _mm512_permutex2var_epi8(t2, x, t3);

		_mm512_mask_storeu_epi8(lj->dst + i, m,
					_mm512_mask_blend_epi8(_mm512_movepi8_mask(x), lo, hi));
	}
}

static int lut(const struct ek_op *o)
{
	const struct edgeai_prog_lut_params *p = (const void *)o->op->params;
	struct lut_job lj = { .src = o->in[0].data, .dst = o->out.data, .cnt = ek_count(&o->out) };

	lj.tab = ek_const(o, p->table_offset, 256, 1);
	if (!cpu_vbmi() || !lj.tab || !ek_is8(o->in[0].dtype) || !ek_is8(o->out.dtype) ||
	    ek_count(&o->in[0]) != lj.cnt)
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth(lj.cnt / 8))
		exec_par_for((lj.cnt + 63) / 64, lut_part, &lj);
	else
		lut_part(&lj, 0, (lj.cnt + 63) / 64);
	return 0;
}

/*
 * RESIZE_BILINEAR of int8 tensors: the reference's sum of the four taps
 * times their weight products, as w_lo V[x_lo] + w_hi V[x_hi] with
 * V = w_lo' in[lo'] + w_hi' in[hi'] the two input rows' weighted sum at
 * every input column (the same integer: the products distribute; every
 * partial sum is within the bound exec_resize_maps() checks). Per output
 * row, V over the flat input row 16 lanes at a time, then the output:
 * fewer than 16 channels (heatmaps, masks, few-channel decoders) 16
 * output elements at a time, their V gathered by flat indices (output
 * element j = x * ch + c reads V at x_lo * ch + c and x_hi * ch + c; 4
 * and 8 channels: each pixel's sums loaded whole); 16 channels or more
 * pixel by pixel, 16 channels at a time (rsz_px_wide()). The sums
 * rounded half away from zero by 2^20, (|v| + 2^19) >> 20 with v's sign
 * (0 stays 0), stored with saturation as the reference. Items: output
 * rows (batch * OH + y).
 */
struct rsz_job {
	const struct ek_op *o;
	const struct edgeai_prog_interp *ym, *xm;
	const int32_t *ilo, *ihi, *wlo, *whi;	/* per element of an output row (ch < 16) */
	_Atomic int failed;
};

/* @acc rounded half away from zero by 2^20, stored with saturation (mask @m) */
static inline void rsz_st(int8_t *dst, __mmask16 m, __m512i acc)
{
	const __m512i z = _mm512_setzero_si512();
	__m512i q = _mm512_srli_epi32(_mm512_add_epi32(_mm512_abs_epi32(acc),
						       _mm512_set1_epi32(1 << 19)), 20);

	q = _mm512_mask_sub_epi32(q, _mm512_cmplt_epi32_mask(acc, z), z, q);
	_mm512_mask_cvtsepi32_storeu_epi8(dst, m, q);
}

/*
 * 16 channels or more: each output pixel's two columns of V are loaded
 * whole, 16 channels at a time, with the pixel's two weights.
 */
static void rsz_px_wide(const int32_t *v, const struct edgeai_prog_interp *xm, uint32_t ow,
			uint32_t ch, int8_t *dst)
{
	uint32_t x, c;

	for (x = 0; x < ow; x++, dst += ch) {
		const int32_t *a = v + (size_t)xm[x].lo * ch, *b = v + (size_t)xm[x].hi * ch;
		__m512i wl = _mm512_set1_epi32((int32_t)xm[x].w_lo);
		__m512i wh = _mm512_set1_epi32((int32_t)xm[x].w_hi);

		for (c = 0; c < ch; c += 16) {
			__mmask16 m = ch - c >= 16 ? 0xffff : (__mmask16)((1U << (ch - c)) - 1);
			__m512i acc = _mm512_add_epi32(
				_mm512_mullo_epi32(_mm512_maskz_loadu_epi32(m, a + c), wl),
				_mm512_mullo_epi32(_mm512_maskz_loadu_epi32(m, b + c), wh));

			rsz_st(dst + c, m, acc);
		}
	}
}

/* The 8 sums of V from index @i (a pixel of 8 channels). */
static inline __m256i rsz_ld8(const int32_t *v, int32_t i)
{
	return _mm256_loadu_si256((const __m256i *)(v + i));
}

/* The 4 sums of V of each of 4 pixels of 4 channels, from @idx[0], [4], [8], [12]. */
static inline __m512i rsz_ld4x4(const int32_t *v, const int32_t *idx)
{
	__m256i lo = _mm256_inserti128_si256(
		_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(v + idx[0]))),
		_mm_loadu_si128((const __m128i *)(v + idx[4])), 1);
	__m256i hi = _mm256_inserti128_si256(
		_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(v + idx[8]))),
		_mm_loadu_si128((const __m128i *)(v + idx[12])), 1);

	return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

static void rsz_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct rsz_job *rj = ctx;
	const struct ek_tensor *in = &rj->o->in[0], *out = &rj->o->out;
	uint32_t ch = out->d[3], nv = in->d[2] * ch, no = out->d[2] * ch, row, j;
	const __m512i z = _mm512_setzero_si512();
	int32_t *v = aalloc((size_t)nv * 4);

	if (!v) {
		rj->failed = 1;
		return;
	}
	for (row = begin; row < end; row++) {
		const struct edgeai_prog_interp *r = &rj->ym[row % out->d[1]];
		size_t img = (size_t)(row / out->d[1]) * in->d[1];
		const int8_t *lo = (const int8_t *)in->data + (img + r->lo) * nv;
		const int8_t *hi = (const int8_t *)in->data + (img + r->hi) * nv;
		int8_t *dst = (int8_t *)out->data + (size_t)row * no;
		__m512i wl = _mm512_set1_epi32((int32_t)r->w_lo), wh = _mm512_set1_epi32((int32_t)r->w_hi);

		for (j = 0; j < nv; j += 16) {
			__mmask16 m = nv - j >= 16 ? 0xffff : (__mmask16)((1U << (nv - j)) - 1);

			_mm512_mask_storeu_epi32(v + j, m, _mm512_add_epi32(
				_mm512_mullo_epi32(ld8(lo + j, m, 1), wl),
				_mm512_mullo_epi32(ld8(hi + j, m, 1), wh)));
		}
		if (ch >= 16) {
			rsz_px_wide(v, rj->xm, out->d[2], ch, dst);
			continue;
		}
		for (j = 0; j < no; j += 16) {
			__mmask16 m = no - j >= 16 ? 0xffff : (__mmask16)((1U << (no - j)) - 1);
			__m512i a, b, acc;

			if (m == 0xffff && ch == 8) {
				/* two pixels: their 8 sums each, whole */
				a = _mm512_inserti64x4(_mm512_castsi256_si512(rsz_ld8(v, rj->ilo[j])),
						       rsz_ld8(v, rj->ilo[j + 8]), 1);
				b = _mm512_inserti64x4(_mm512_castsi256_si512(rsz_ld8(v, rj->ihi[j])),
						       rsz_ld8(v, rj->ihi[j + 8]), 1);
			} else if (m == 0xffff && ch == 4) {
				a = rsz_ld4x4(v, rj->ilo + j);
				b = rsz_ld4x4(v, rj->ihi + j);
			} else {
				a = _mm512_mask_i32gather_epi32(z, m, _mm512_maskz_loadu_epi32(m, rj->ilo + j),
								v, 4);
				b = _mm512_mask_i32gather_epi32(z, m, _mm512_maskz_loadu_epi32(m, rj->ihi + j),
								v, 4);
			}
			acc = _mm512_add_epi32(
				_mm512_mullo_epi32(a, _mm512_maskz_loadu_epi32(m, rj->wlo + j)),
				_mm512_mullo_epi32(b, _mm512_maskz_loadu_epi32(m, rj->whi + j)));
			rsz_st(dst + j, m, acc);
		}
	}
	free(v);
}

static int resize_sep(const struct ek_op *o)
{
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], no = out->d[2] * ch, rows = out->d[0] * out->d[1], j;
	const struct edgeai_prog_interp *xm;
	struct rsz_job rj = { .o = o };
	int32_t *t;

	if (exec_resize_maps(o, &rj.ym, &xm) || !ch ||
	    (uint64_t)in->d[2] * ch > INT32_MAX / 4)
		return EXEC_OPT_NOT_HANDLED;
	rj.xm = xm;
	/* fewer than 16 channels: the flat indices and weights of an output row */
	t = ch < 16 ? malloc((size_t)no * 16) : NULL;
	if (ch < 16 && !t)
		return EXEC_OPT_NOT_HANDLED;
	if (t) {
		rj.ilo = t;
		rj.ihi = t + no;
		rj.wlo = t + 2 * (size_t)no;
		rj.whi = t + 3 * (size_t)no;
	}
	for (j = 0; t && j < no; j++) {
		const struct edgeai_prog_interp *q = &xm[j / ch];

		t[j] = (int32_t)(q->lo * ch + j % ch);
		t[no + j] = (int32_t)(q->hi * ch + j % ch);
		t[2 * (size_t)no + j] = (int32_t)q->w_lo;
		t[3 * (size_t)no + j] = (int32_t)q->w_hi;
	}
	if (exec_par_worth((uint64_t)ek_count(out) * 4))
		exec_par_for(rows, rsz_rows, &rj);
	else
		rsz_rows(&rj, 0, rows);
	free(t);
	return rj.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

/*
 * MEAN over H and W, TFLite's 8-bit pipeline (flags 0) and int8's
 * reference pipeline (EDGEAI_PROG_MEAN_INT; the float and division
 * pipelines go to the AVX2 set): the int32 sums of the stored values
 * (exact: at most 2^20 pixels), 64 channels at a time, then ek_mbqm() on
 * 16 lanes (v_mbqm()) and the folded bias added wrapping, or
 * ek_mean_int()'s steps (mean_ref16()); the type's clamp (ek_mean(),
 * ek_mean_out()). Items [begin, end): image i / blocks, 64-channel block
 * i % blocks.
 *
 * The sums run in 16-bit lanes, 32 channels to a register, over at most
 * MEAN_RUN16 pixels at a time (|sum| <= 256 * 128 = 2^15 for int8, read
 * as int16 but for the one sum of -2^15, which int16 holds;
 * 256 * 255 < 2^16 for uint8, read as uint16), and are widened into the
 * int32 sums after each run: the same sums with half the instructions
 * of widening each byte to 32 bits.
 */
#define MEAN_RUN16 256U

struct mean_job {
	const struct ek_op *o;
	struct gq g;
	uint32_t blocks;
	int ref;	/* EDGEAI_PROG_MEAN_INT */
};

/*
 * ek_mean_int() of 16 sums @acc over @n pixels: less n zp_in, v_mbqm(),
 * n / 2 added away from zero, all wrapping as the reference's, then the
 * division by n in binary64, truncated: C's division, as the AVX2 set's
 * mean_ref_int() shows; plus zp_out.
 */
static inline __m512i mean_ref16(const struct mean_job *mj, __m512i acc, uint32_t n)
{
	const struct ek_op *o = mj->o;
	const __m512i h = _mm512_set1_epi32((int32_t)(n / 2));
	const __m512i nh = _mm512_set1_epi32(-(int32_t)(n / 2));
	const __m512d vn = _mm512_set1_pd(n);
	__m512i t = _mm512_sub_epi32(acc, _mm512_set1_epi32((int32_t)(n * (uint32_t)o->in[0].zp)));
	__m512d d0, d1;

	t = v_mbqm(t, &mj->g);
	t = _mm512_add_epi32(t, _mm512_mask_blend_epi32(
					_mm512_cmpgt_epi32_mask(t, _mm512_setzero_si512()), nh, h));
	d0 = _mm512_div_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(t)), vn);
	d1 = _mm512_div_pd(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(t, 1)), vn);
	t = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_cvttpd_epi32(d0)),
			       _mm512_cvttpd_epi32(d1), 1);
	return _mm512_add_epi32(t, _mm512_set1_epi32(o->out.zp));
}

static inline __attribute__((always_inline)) void
mean_vecs(const struct mean_job *mj, uint32_t n, uint32_t c, int nv, int s8)
{
	const struct ek_op *o = mj->o;
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = in->d[3], hw = in->d[1] * in->d[2], px;
	const uint8_t *src = (const uint8_t *)in->data + (size_t)n * hw * ch + c;
	__m512i acc[4];
	__mmask16 m[4];
	__mmask64 m64;
	int j;

	UNROLL
	for (j = 0; j < nv; j++) {
		uint32_t cj = c + 16 * j;

		m[j] = ch - cj >= 16 ? 0xffff : (__mmask16)((1U << (ch - cj)) - 1);
		acc[j] = _mm512_setzero_si512();
	}
	m64 = ch - c >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (ch - c)) - 1;
	for (px = 0; px < hw;) {
		uint32_t e = hw - px < MEAN_RUN16 ? hw : px + MEAN_RUN16;
		__m512i lo = _mm512_setzero_si512(), hi = _mm512_setzero_si512();

		for (; px < e; px++, src += ch) {
			__m512i x = _mm512_maskz_loadu_epi8(m64, src);
			__m256i x0 = _mm512_castsi512_si256(x), x1;

			lo = _mm512_add_epi16(lo, s8 ? _mm512_cvtepi8_epi16(x0) :
						   _mm512_cvtepu8_epi16(x0));
			if (nv > 2) {
				x1 = _mm512_extracti64x4_epi64(x, 1);
				hi = _mm512_add_epi16(hi, s8 ? _mm512_cvtepi8_epi16(x1) :
							   _mm512_cvtepu8_epi16(x1));
			}
		}
		UNROLL
		for (j = 0; j < nv; j++) {
			__m512i h = j < 2 ? lo : hi;
			__m256i w = j % 2 ? _mm512_extracti64x4_epi64(h, 1) :
					    _mm512_castsi512_si256(h);

			acc[j] = _mm512_add_epi32(acc[j], s8 ? _mm512_cvtepi16_epi32(w) :
							       _mm512_cvtepu16_epi32(w));
		}
	}
	UNROLL
	for (j = 0; j < nv; j++)
		st8((uint8_t *)out->data + (size_t)n * ch + c + 16 * j, m[j],
		    mj->ref ? mean_ref16(mj, acc[j], hw) :
			      _mm512_add_epi32(v_mbqm(acc[j], &mj->g), _mm512_set1_epi32(p->bias)),
		    s8 ? -128 : 0, s8 ? 127 : 255);
}

static void mean_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct mean_job *mj = ctx;
	uint32_t ch = mj->o->in[0].d[3], i;
	int s8 = mj->o->in[0].dtype == EDGEAI_DTYPE_INT8;

	for (i = begin; i < end; i++) {
		uint32_t n = i / mj->blocks, c = i % mj->blocks * 64, nv = (ch - c + 15) / 16;

		if (nv >= 4)
			mean_vecs(mj, n, c, 4, s8);
		else if (nv == 3)
			mean_vecs(mj, n, c, 3, s8);
		else if (nv == 2)
			mean_vecs(mj, n, c, 2, s8);
		else
			mean_vecs(mj, n, c, 1, s8);
	}
}

static int mean(const struct ek_op *o)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = in->d[3], items;
	struct mean_job mj = { .o = o };

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || out->d[0] != in->d[0] ||
	    out->d[1] != 1 || out->d[2] != 1 || out->d[3] != ch || !ch ||
	    (p->flags && (p->flags != EDGEAI_PROG_MEAN_INT || !in->d[1] || !in->d[2])) ||
	    (uint64_t)in->d[1] * in->d[2] > (1U << 20) ||
	    !shift_ok(p->out_multiplier, p->out_shift))
		return EXEC_OPT_NOT_HANDLED;
	gq_make1(&mj.g, p->out_shift, p->out_multiplier);
	mj.ref = p->flags == EDGEAI_PROG_MEAN_INT;
	mj.blocks = (ch + 63) / 64;
	items = in->d[0] * mj.blocks;
	if (exec_par_worth((uint64_t)ek_count(in)))
		exec_par_for(items, mean_part, &mj);
	else
		mean_part(&mj, 0, items);
	return 0;
}

/*
 * MUL of outputs @c..@n of a run (binary_row()) by the reference's
 * arithmetic: (a - za) (b - zb) (|.| < 2^16), ek_mbqm() on 16 lanes
 * (v_mbqm()), zero point, the clamp.
 */
static inline __attribute__((always_inline)) void
mul_exact(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb, uint8_t *dst,
	  uint32_t c, uint32_t n)
{
	const struct ek_op *o = bj->o;
	const struct gq *g = bj->vec;
	const __m512i za = _mm512_set1_epi32(o->in[0].zp), zb = _mm512_set1_epi32(o->in[1].zp);
	const __m512i zo = _mm512_set1_epi32(o->out.zp);
	int s8 = bj->s8;
	const __m512i xs = _mm512_sub_epi32(_mm512_set1_epi32(s8 ? (int8_t)*pa : *pa), za);
	const __m512i ys = _mm512_sub_epi32(_mm512_set1_epi32(s8 ? (int8_t)*pb : *pb), zb);

	for (; c < n; c += 16) {
		__mmask16 m = n - c >= 16 ? 0xffff : (__mmask16)((1U << (n - c)) - 1);
		__m512i x = bj->ca ? _mm512_sub_epi32(ld8(pa + c, m, s8), za) : xs;
		__m512i y = bj->cb ? _mm512_sub_epi32(ld8(pb + c, m, s8), zb) : ys;

		st8(dst + c, m, _mm512_add_epi32(v_mbqm(_mm512_mullo_epi32(x, y), g), zo),
		    bj->lo, bj->hi);
	}
}

/*
 * MUL in binary32, exact: struct rq_f's method with the zero point folded
 * into c' (c = zo + C / 2^(31+e)) and the products p exact in binary32.
 * Where a lane lies near a rounding, the block of 64 is redone by
 * mul_exact(). |q| is cut to 1000.5 (the output clamped either way), so
 * that large values, whose binary32 has no fraction bits, are not taken
 * for near-integers.
 *
 * The products: 32 bytes to 32 words less the zero point, their low and
 * high halves (mullo, mulhi) unpacked to int32 by 128-bit lane, the
 * results packed back in that order, and the two halves' bytes put in
 * order (vpermq).
 */
struct mul_f {
	struct gq g;			/* first: mul_exact()'s @bj->vec */
	__m512 r, cp, cn;		/* r', c' for p > @tneg and p <= @tneg */
	__m512 lim, near;		/* 1000.5 and 2^-12 */
	__m512i tneg;
};

static void mul_f_make(struct mul_f *f, int32_t zo, int32_t mul, int32_t shift)
{
	struct rq_f q;

	rq_f_make(&q, mul, shift);
	f->r = _mm512_set1_ps(f32_rn(q.r));
	f->cp = _mm512_set1_ps(f32_rn(zo + q.cp + RQ_F_EPS));
	f->cn = _mm512_set1_ps(f32_rn(zo + q.cn + RQ_F_EPS));
	f->lim = _mm512_set1_ps(1000.5f);
	f->near = _mm512_set1_ps((float)(2 * RQ_F_EPS));
	f->tneg = _mm512_set1_epi32(q.tneg);
}

/* floor(Q) of the 16 products @p, as int32; sets @near's bits of lanes to redo. */
static inline __attribute__((always_inline)) __m512i
mul_f_q(__m512i p, const struct mul_f *f, __mmask16 *near)
{
	__m512 c = _mm512_mask_blend_ps(_mm512_cmple_epi32_mask(p, f->tneg), f->cp, f->cn);
	/* p is exact in binary32; the fma rounds to nearest whatever MXCSR says */
	__m512 q = _mm512_fmadd_round_ps(_mm512_cvtepi32_ps(p), f->r, c,
					 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);

	/* |q| at most 1000.5, its sign kept; q - floor(q) */
	q = _mm512_range_ps(q, f->lim, 0x2);
	*near |= _mm512_cmplt_ps_mask(_mm512_reduce_ps(q, _MM_FROUND_TO_NEG_INF | 0x8), f->near);
	return _mm512_cvt_roundps_epi32(q, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}

/* The bytes @m of 32 from @p (@s8: int8; 0 elsewhere) as words, less @z */
static inline __m512i mul_f_w(const uint8_t *p, __mmask32 m, int s8, __m512i z)
{
	__m256i b = _mm256_maskz_loadu_epi8(m, p);

	return _mm512_sub_epi16(s8 ? _mm512_cvtepi8_epi16(b) : _mm512_cvtepu8_epi16(b), z);
}

/* The terms of mul_f_block() that do not change along a run */
struct mul_f_run {
	const struct mul_f *f;
	__m512i za, zb, lo, hi;
	int s8, narrow;
};

static inline __attribute__((always_inline)) void
mul_f_run_make(struct mul_f_run *rn, const struct exec_binary *bj)
{
	const struct ek_op *o = bj->o;

	rn->f = bj->vec;
	rn->s8 = bj->s8;
	rn->za = _mm512_set1_epi16((int16_t)o->in[0].zp);
	rn->zb = _mm512_set1_epi16((int16_t)o->in[1].zp);
	rn->lo = _mm512_set1_epi8((char)bj->lo);
	rn->hi = _mm512_set1_epi8((char)bj->hi);
	rn->narrow = rn->s8 ? bj->lo > -128 || bj->hi < 127 : bj->lo > 0 || bj->hi < 255;
}

/*
 * Outputs @c.. of a run by mul_f_q(), the bytes @m of 64 (the last block
 * of a run: its lanes past the run may ask for a redo they do not need);
 * a repeated input's words less its zero point in @xr[0] / @yr[0] (lanes
 * 0..31) and [1] (32..63). Returns 1, storing nothing, where a lane lies
 * near a rounding (the caller redoes the block by mul_exact()), else 0.
 */
static inline __attribute__((always_inline)) int
mul_f_block(const struct exec_binary *bj, const struct mul_f_run *rn, const uint8_t *pa,
	    const uint8_t *pb, uint8_t *dst, uint32_t c, __mmask64 m, const __m512i xr[2],
	    const __m512i yr[2])
{
	const __m512i order = _mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0);
	int s8 = rn->s8;
	__m512i x0 = bj->ca ? mul_f_w(pa + c, (__mmask32)m, s8, rn->za) : xr[0];
	__m512i x1 = bj->ca ? mul_f_w(pa + c + 32, (__mmask32)(m >> 32), s8, rn->za) : xr[1];
	__m512i y0 = bj->cb ? mul_f_w(pb + c, (__mmask32)m, s8, rn->zb) : yr[0];
	__m512i y1 = bj->cb ? mul_f_w(pb + c + 32, (__mmask32)(m >> 32), s8, rn->zb) : yr[1];
	__m512i l0 = _mm512_mullo_epi16(x0, y0), h0 = _mm512_mulhi_epi16(x0, y0);
	__m512i l1 = _mm512_mullo_epi16(x1, y1), h1 = _mm512_mulhi_epi16(x1, y1);
	__mmask16 near = 0;
	__m512i r0 = mul_f_q(_mm512_unpacklo_epi16(l0, h0), rn->f, &near);
	__m512i r1 = mul_f_q(_mm512_unpackhi_epi16(l0, h0), rn->f, &near);
	__m512i r2 = mul_f_q(_mm512_unpacklo_epi16(l1, h1), rn->f, &near);
	__m512i r3 = mul_f_q(_mm512_unpackhi_epi16(l1, h1), rn->f, &near);
	__m512i w0, w1, v;

	if (near)
		return 1;
	w0 = _mm512_packs_epi32(r0, r1);
	w1 = _mm512_packs_epi32(r2, r3);
	v = s8 ? _mm512_packs_epi16(w0, w1) : _mm512_packus_epi16(w0, w1);
	v = _mm512_permutexvar_epi64(order, v);
	if (rn->narrow && s8)
		v = _mm512_min_epi8(_mm512_max_epi8(v, rn->lo), rn->hi);
	else if (rn->narrow)
		v = _mm512_min_epu8(_mm512_max_epu8(v, rn->lo), rn->hi);
	_mm512_mask_storeu_epi8(dst + c, m, v);
	return 0;
}

/* mul_row_f() of @n outputs with each input contiguous or one byte repeated. */
static inline __attribute__((always_inline)) void
mul_run_f(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb, uint8_t *dst,
	  uint32_t n)
{
	struct mul_f_run rn;
	__m512i xr[2], yr[2];
	uint32_t c;

	mul_f_run_make(&rn, bj);
	/* a repeated input's words */
	xr[0] = xr[1] = _mm512_sub_epi16(_mm512_set1_epi16(rn.s8 ? (int8_t)*pa : *pa), rn.za);
	yr[0] = yr[1] = _mm512_sub_epi16(_mm512_set1_epi16(rn.s8 ? (int8_t)*pb : *pb), rn.zb);
	for (c = 0; n - c >= 64; c += 64)
		if (mul_f_block(bj, &rn, pa, pb, dst, c, ~(__mmask64)0, xr, yr))
			mul_exact(bj, pa, pb, dst, c, c + 64);
	if (c < n && mul_f_block(bj, &rn, pa, pb, dst, c, ((__mmask64)1 << (n - c)) - 1, xr, yr))
		mul_exact(bj, pa, pb, dst, c, n);
}

/*
 * mul_row_f() of a run of several pixels of @bj->px >= 64 channels, one
 * input of one value per pixel: blocks of 64 across the pixels, that
 * input's one or two values (a block redone, pixel by pixel).
 */
static inline __attribute__((always_inline)) void
mul_run_px(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb, uint8_t *dst,
	   uint32_t n)
{
	const int pa_px = !bj->ca;
	const uint8_t *pp = pa_px ? pa : pb;
	uint32_t px = bj->px, p = 0, c;
	int32_t edge = (int32_t)px;	/* lanes to the next pixel */
	struct mul_f_run rn;
	__m512i z;

	mul_f_run_make(&rn, bj);
	z = pa_px ? rn.za : rn.zb;
	for (c = 0; c < n; c += 64) {
		__mmask64 m = n - c >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - c)) - 1;
		uint32_t end = n - c >= 64 ? c + 64 : n, mid = end;
		__m512i r[2];

		r[0] = _mm512_sub_epi16(_mm512_set1_epi16(rn.s8 ? (int8_t)pp[p] : pp[p]), z);
		r[1] = r[0];
		if (edge < 64 && c + (uint32_t)edge < n) {
			__m512i w = _mm512_sub_epi16(_mm512_set1_epi16(rn.s8 ? (int8_t)pp[p + 1] :
									       pp[p + 1]), z);
			__mmask64 k = ~(__mmask64)0 << edge;

			r[0] = _mm512_mask_blend_epi16((__mmask32)k, r[0], w);
			r[1] = _mm512_mask_blend_epi16((__mmask32)(k >> 32), r[1], w);
			mid = c + (uint32_t)edge;
		}
		if (mul_f_block(bj, &rn, pa, pb, dst, c, m, r, r)) {
			mul_exact(bj, pa_px ? pp + p : pa, pa_px ? pb : pp + p, dst, c, mid);
			if (mid < end)
				mul_exact(bj, pa_px ? pp + p + 1 : pa, pa_px ? pb : pp + p + 1, dst,
					  mid, end);
		}
		edge -= 64;
		if (edge <= 0) {
			p++;
			edge += (int32_t)px;
		}
	}
}

/* MUL's pixels of at least this many channels go through px_tab_run() */
#define MUL_TAB_PX 256

/*
 * binary_row() of MUL by mul_f_q(), 64 outputs at a time; a run of
 * several pixels (@bj->px): through a table per pixel (px_tab_run()),
 * across them (mul_run_px()), or of fewer than 64 channels pixel by
 * pixel.
 */
static uint32_t
mul_row_f(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb, uint8_t *dst,
	  uint32_t n)
{
	uint32_t px = bj->px ? bj->px : n, i;

	if (bj->px_ok && px >= MUL_TAB_PX && bj->ca != bj->cb && cpu_vbmi()) {
		px_tab_run(bj, pa, pb, dst, n, mul_row_f);
		return n;
	}
	if (bj->px >= 64) {
		mul_run_px(bj, pa, pb, dst, n);
		return n;
	}

	for (i = 0; i < n; i += px)
		mul_run_f(bj, pa + (bj->ca ? i : i / px), pb + (bj->cb ? i : i / px), dst + i, px);
	return n;
}

/*
 * MUL, MAXIMUM and MINIMUM of 8-bit tensors in every broadcast form
 * (cpu-common.c's walk, exec_binary_run()): a run of @n outputs, each
 * input contiguous or one byte repeated (@ca, @cb). MUL by mul_exact()
 * (mul_row_f() where the shift is to the right), the clamp in the 8-bit
 * range (checked by exec_binary_init()); MAXIMUM/MINIMUM 64 bytes at a
 * time. Returns @n.
 */
static uint32_t binary_row(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb,
			   uint8_t *dst, uint32_t n)
{
	const struct ek_op *o = bj->o;
	uint32_t op = o->op->opcode, c;
	int s8 = bj->s8;

	if (op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB || op == EDGEAI_OP_SQUARED_DIFFERENCE) {
		const struct add_job *aj = bj->vec;
		const struct edgeai_prog_add_params *p = (const void *)o->op->params;
		const __m512i za = _mm512_set1_epi32(o->in[0].zp), zb = _mm512_set1_epi32(o->in[1].zp);
		const __m512i zo = _mm512_set1_epi32(o->out.zp);
		const __m512i ls = _mm512_set1_epi32((int32_t)p->left_shift);
		/* a repeated input: its one rescaled value, from exec_binary_run()'s table */
		const __m512i xs = _mm512_set1_epi32(bj->ta[*pa]), ys = _mm512_set1_epi32(bj->tb[*pb]);

		for (c = 0; c < n; c += 16) {
			__mmask16 m = n - c >= 16 ? 0xffff : (__mmask16)((1U << (n - c)) - 1);
			__m512i x = xs, y = ys;

			if (bj->ca)
				x = add_in_vec(&aj->f0, &aj->g0, ld8(pa + c, m, s8), za, ls, 0);
			if (bj->cb)
				y = add_in_vec(&aj->f1, &aj->g1, ld8(pb + c, m, s8), zb, ls, 0);
			if (op == EDGEAI_OP_SQUARED_DIFFERENCE) {
				/* the reference's square: 32-bit, wrapping */
				x = _mm512_sub_epi32(x, y);
				x = _mm512_mullo_epi32(x, x);
			} else {
				x = op == EDGEAI_OP_SUB ? _mm512_sub_epi32(x, y) : _mm512_add_epi32(x, y);
			}
			st8(dst + c, m, _mm512_add_epi32(v_mbqm(x, &aj->go), zo), bj->lo, bj->hi);
		}
		return n;
	}
	if (op == EDGEAI_OP_MUL) {
		mul_exact(bj, pa, pb, dst, 0, n);
		return n;
	}
	for (c = 0; c < n; c += 64) {
		__mmask64 m = n - c >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - c)) - 1;
		__m512i x = bj->ca ? _mm512_maskz_loadu_epi8(m, pa + c) : _mm512_set1_epi8((char)*pa);
		__m512i y = bj->cb ? _mm512_maskz_loadu_epi8(m, pb + c) : _mm512_set1_epi8((char)*pb);

		x = op == EDGEAI_OP_MAXIMUM ? (s8 ? _mm512_max_epi8(x, y) : _mm512_max_epu8(x, y)) :
					      (s8 ? _mm512_min_epi8(x, y) : _mm512_min_epu8(x, y));
		_mm512_mask_storeu_epi8(dst + c, m, x);
	}
	return n;
}

static int binary(const struct ek_op *o)
{
	struct exec_binary bj;
	struct mul_f f;

	if (exec_binary_init(&bj, o) || !shift_ok(bj.mul, bj.shift))
		return EXEC_OPT_NOT_HANDLED;
	gq_make1(&f.g, bj.shift, bj.mul);
	bj.row = binary_row;
	bj.vec = &f;
	if (o->op->opcode == EDGEAI_OP_MUL && bj.shift <= 0) {
		mul_f_make(&f, o->out.zp, bj.mul, bj.shift);
		bj.row = mul_row_f;
		bj.px_ok = 1;
	}
	exec_binary_run(&bj);
	return 0;
}

/* exec_l2norm()'s squares of x - zp: 32 int16 lanes a vpdpwssd (|x - zp| <= 255). */
static uint32_t l2_sq(const uint8_t *x, uint32_t n, const struct exec_l2 *l, int32_t *acc)
{
	__m512i z = _mm512_set1_epi16((int16_t)l->zp), s = _mm512_setzero_si512();
	uint32_t c;

	for (c = 0; c + 32 <= n; c += 32) {
		__m256i b = _mm256_loadu_si256((const __m256i *)(x + c));
		__m512i v = _mm512_sub_epi16(l->s8 ? _mm512_cvtepi8_epi16(b) : _mm512_cvtepu8_epi16(b),
					     z);

		s = _mm512_dpwssd_epi32(s, v, v);
	}
	*acc = (int32_t)((uint32_t)*acc + (uint32_t)_mm512_reduce_add_epi32(s));
	return c;
}

/* exec_l2norm()'s outputs, 16 at a time (the last ones masked): v_mbqm(), offset, clamp. */
static uint32_t l2_scale(const uint8_t *x, uint8_t *y, uint32_t n, const struct exec_l2 *l)
{
	__m512i z = _mm512_set1_epi32(l->zp), off = _mm512_set1_epi32(l->s8 ? 0 : 128);
	struct gq g;
	uint32_t c;

	gq_make1(&g, l->shift, l->mul);
	for (c = 0; c < n; c += 16) {
		__mmask16 m = n - c >= 16 ? 0xffff : (__mmask16)((1U << (n - c)) - 1);
		__m512i v = _mm512_sub_epi32(ld8(x + c, m, l->s8), z);

		if (!l->s8)
			v = _mm512_slli_epi32(v, 7);
		st8c(y + c, m, _mm512_add_epi32(v_mbqm(v, &g), off), l->s8 ? -128 : 0,
		     l->s8 ? 127 : 255, l->s8);
	}
	return n;
}

/* The largest int8 of @v in every byte. */
static inline __m512i hmax8(__m512i v)
{
	__m256i h = _mm256_max_epi8(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
	__m128i m = _mm_max_epi8(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));

	m = _mm_max_epi8(m, _mm_srli_si128(m, 8));
	m = _mm_max_epi8(m, _mm_srli_si128(m, 4));
	m = _mm_max_epi8(m, _mm_srli_si128(m, 2));
	m = _mm_max_epi8(m, _mm_srli_si128(m, 1));
	return _mm512_broadcastb_epi8(m);
}

/*
 * exec_argmax()'s rows, uint8 as int8 with the sign bit flipped (the same
 * order). Up to 64 bytes: one masked load, the lanes past the row -128
 * (after its own: the first largest is the row's), the largest
 * broadcast, the first equal lane. Longer rows: the largest of their
 * 64-byte blocks (the last one masked), then the first block holding it.
 */
static uint32_t argmax_rows(const uint8_t *x, uint32_t len, uint32_t n, int u8, uint32_t *at)
{
	const __m512i flip = _mm512_set1_epi8(u8 ? (char)0x80 : 0);
	const __m512i low = _mm512_set1_epi8((char)(u8 ? 0 : 0x80));	/* the stored minimum */
	uint32_t r, k;

	for (r = 0; r < n; r++) {
		const uint8_t *p = x + (size_t)r * len;
		__m512i m = _mm512_set1_epi8((char)0x80);
		uint64_t e;

		for (k = 0; k < len; k += 64) {
			__mmask64 in = len - k >= 64 ? ~0ULL : (1ULL << (len - k)) - 1;

			m = _mm512_max_epi8(m, _mm512_xor_si512(_mm512_mask_loadu_epi8(low, in, p + k),
								flip));
		}
		m = hmax8(m);
		for (k = 0;; k += 64) {
			__mmask64 in = len - k >= 64 ? ~0ULL : (1ULL << (len - k)) - 1;

			e = _mm512_mask_cmpeq_epi8_mask(in, m, _mm512_xor_si512(
				_mm512_maskz_loadu_epi8(in, p + k), flip));
			if (e)
				break;
		}
		at[r] = k + (uint32_t)__builtin_ctzll(e);
	}
	return n;
}

static int vnni_run(const struct ek_op *o, const void *prep)
{
	switch (o->op->opcode) {
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE:
		return lut(o);
	case EDGEAI_OP_MAX_POOL_2D:
		return maxpool(o);
	case EDGEAI_OP_AVERAGE_POOL_2D:
		return avgpool(o);
	case EDGEAI_OP_RESIZE_BILINEAR:
		return resize_sep(o);
	case EDGEAI_OP_MUL:
	case EDGEAI_OP_MAXIMUM:
	case EDGEAI_OP_MINIMUM:
		return binary(o);
	case EDGEAI_OP_MEAN:
		return mean(o);
	case EDGEAI_OP_L2_NORMALIZATION:
		return exec_l2norm(o, l2_sq, l2_scale);
	case EDGEAI_OP_ARG_MAX:
		return exec_argmax(o, argmax_rows);
	case EDGEAI_OP_CONV_2D:
		return conv(o, prep);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return tconv(o, prep);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return depthwise(o, prep);
	case EDGEAI_OP_FULLY_CONNECTED:
		return fc(o, prep);
	case EDGEAI_OP_BATCH_MATMUL:
		return matmul(o);
	case EDGEAI_OP_ADD:
		return add(o, 0, prep);
	case EDGEAI_OP_SUB:
		return add(o, 1, prep);
	case EDGEAI_OP_SQUARED_DIFFERENCE:
		return sqd(o);
	case EDGEAI_OP_PRELU:
		return prelu(o, prep);
	default:
		return EXEC_OPT_NOT_HANDLED;
	}
}

static void *vnni_prepare(const struct ek_op *o)
{
	const struct ek_tensor *f = &o->in[1];
	struct vnni_w *w;

	if (o->op->opcode == EDGEAI_OP_ADD || o->op->opcode == EDGEAI_OP_SUB) {
		struct add_rank *ar = add_rank_make(o);

		w = ar ? calloc(1, sizeof(*w)) : NULL;
		if (w)
			w->ar = ar;
		else
			free(ar);
		return w;
	}
	if (o->n_in < 2 || !f->data)
		return NULL;
	if (o->op->opcode == EDGEAI_OP_PRELU)
		return prelu_prepare(o);
	if (o->op->opcode == EDGEAI_OP_DEPTHWISE_CONV_2D) {
		const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
		/*
		 * byte-quad rows (1..3 taps across, strides 1 and 2) before the
		 * quads'; at stride 2 only where the 16-lane rows cannot take
		 * the op (channels not in whole groups of 16): there they are
		 * as fast; the 3x3 filters dw3_ok() takes have the 3x3 rows
		 * (dw3_row()) instead
		 */
		struct dwb *db = (p->stride_w == 2 && o->in[0].d[3] % 16 == 0) || dw3_ok(o) ?
				 NULL : dwb_prepare(o);

		w = !db && !dw3_ok(o) && dwq_wanted(o) ? dwq_pack(o) : NULL;
		if (w)
			return w;
		w = dw_pack(f);
		if (w) {
			w->db = db;
			/* NULL (declined at run time too) or the blocks' rescale */
			w->dg = dw_rescale(o, w->nb);
		} else {
			free(db);
		}
		return w;
	}
	if (!ek_is8(f->dtype))
		return NULL;
	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		return conv_prepare(o);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return tconv_prepare(o);
	case EDGEAI_OP_FULLY_CONNECTED:
		w = pack(f, f->d[2], f->d[3]);
		if (w && gemm_q_known(o, w->n)) {
			const struct edgeai_prog_fc_params *p = (const void *)o->op->params;

			if (shift_ok(p->out_multiplier, p->out_shift))
				gemm_q_prepare(w, o->in[2].data, NULL, p->out_multiplier,
					       p->out_shift, o->in[0].zp, o->out.zp, p->act_min,
					       p->act_max);
		}
		return w;
	default:
		return NULL;
	}
}

static void vnni_prepare_free(void *prep)
{
	vnni_w_free(prep);
}

static const struct exec_kset_ops vnni_ops = {
	.run = vnni_run,
	.prepare = vnni_prepare,
	.prepare_free = vnni_prepare_free,
};

const struct exec_kset_ops *const exec_vnni_ops = &vnni_ops;

#else /* not built with AVX-512 VNNI */

const struct exec_kset_ops *const exec_vnni_ops = NULL;

#endif
