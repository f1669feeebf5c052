// SPDX-License-Identifier: MIT
/*
 * The optimized CPU kernel sets of this architecture (x86-64:
 * libedgeai/src/exec/cpu-avx2.c, and cpu-vnni.c: AVX-512 VNNI; arm64:
 * cpu-neon.c and cpu-dotprod.c: SDOT/UDOT; and cpu-common.c's plain-C
 * kernels every set shares, counted as the set in use) against the
 * firmware reference kernels on
 * seeded random CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED programs:
 * odd channel counts (not multiples of the vector width), SAME and VALID
 * padding, depthwise depth multipliers 2..16 (one input channel, 3 or odd:
 * cpu.c repeats the input's channels),
 * strides, dilation, int8 per-channel (or, 1 time in 4, per-tensor) and
 * uint8 per-tensor with extreme zero points, large reductions; for the VNNI GEMM also 1x1 convolutions
 * read in place (channels a multiple of 4), many output channels (several
 * 64-channel blocks plus a tail), int8 filters with a non-zero zero point
 * (offset weights in int8 range, or not: then the op is declined) and
 * extreme activations (-128/127 in long reductions); then ADD/SUB (same
 * shapes, or broadcast: VNNI declines, AVX2 takes; a time in four every
 * pair of input bytes, a time in eight scales of powers of two, whose
 * rescales tie exactly; also with the prepared layouts, VNNI's byte
 * tables), RELU/RELU6/QUANTIZE (the 256-entry
 * table path), PAD (channels padded, or not: rows copied whole) and
 * MAX_POOL_2D on random tensors and parameters;
 * PRELU (alpha per channel or one value, channel counts 1, 3, odd and
 * wide; an alpha broadcast over rows too, which the sets decline) and
 * RESIZE_BILINEAR (int8 fixed point: up and down scaling, 1/3/odd/wide
 * channels, extreme values, half-pixel edge weights below 0, weights
 * too large for 32-bit sums declined; uint8: the float pipeline, weights
 * of 24 random bits, random-bit weights declined); MUL, MAXIMUM/MINIMUM,
 * ADD/SUB and SQUARED_DIFFERENCE in broadcast forms, CONCATENATION, AVERAGE_POOL_2D, MEAN (its integer,
 * binary32 and division pipelines; up to 700 channels, up to 900 pixels,
 * a time in four every value the type's minimum or maximum) and
 * RESIZE_NEAREST_NEIGHBOR (one_more()), LOGISTIC/TANH/HARD_SWISH/LEAKY_RELU/TABLE
 * with random tables (kind 19), and AVERAGE_POOL_2D on random
 * padded windows (one_elt()); and CONV_2D and DEPTHWISE_CONV_2D on wide
 * rows (kinds 17, 18: 16..105 pixels, channel counts 1, 3, 5, 8, 13, 16,
 * 24, 31, 64, 67, few output channels, 1x1/3x3/5x5 filters, strides 1-2,
 * dilations, padding), where the kernels lay pixels in the lanes (flat
 * depthwise rows, the packed few-channel GEMM: whole blocks of vectors and
 * row tails). The convolutions, PRELU and RESIZE_BILINEAR run twice:
 * constants converted on the fly, and laid out ahead of time
 * (exec_cpu_prepare(), as compiled programs run: weights, PRELU's tables).
 * TRANSPOSE_CONV (kind 20, one_tconv(): strides, cuts, channel counts).
 * CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED at the shapes of real
 * models' layers too (struct layer: RGB and 1-channel stems, depthwise
 * rows of 8..240 and odd channel counts, matrix-vector products of
 * keyword spotting), int8 and uint8, with the best set. BATCH_MATMUL
 * (kind 24, one_matmul(): broadcast batches, adj_x and adj_y, tails).
 * Every output byte must be equal. Each set runs forced in turn (exec_cpu_set_kernels());
 * a set this CPU lacks is skipped (not the reference run). Then the ops
 * that split across threads run again on pools of 2 and 3 threads, every
 * op split: with the best set of this CPU, and on x86-64 again with the
 * AVX2 set forced (an AVX2-only CPU's kernels).
 */
#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "exec/cpu.h"
#include "drm/edgeai_program.h"
#include "ktap.h"

static uint64_t rs = 88172645463325252ULL;

static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

struct pb {
	uint8_t buf[1 << 20];
	struct edgeai_prog_tensor t[8];
	struct edgeai_prog_op op;
	uint8_t k[1 << 19];
	uint32_t nt, nk;
};

static uint32_t add_t(struct pb *p, uint32_t dt, uint32_t slot, uint64_t off, const uint32_t d[4],
		      int32_t zp)
{
	struct edgeai_prog_tensor *t = &p->t[p->nt];

	memset(t, 0, sizeof(*t));
	t->dtype = dt;
	t->slot = slot;
	t->offset = off;
	memcpy(t->dims, d, sizeof(t->dims));
	t->zero_point = zp;
	return p->nt++;
}

static uint32_t add_k(struct pb *p, uint32_t len)
{
	uint32_t off = (p->nk + 7) & ~7U;

	p->nk = off + len;
	return off;
}

static size_t blob(struct pb *p)
{
	struct edgeai_prog_header *h = (void *)p->buf;
	size_t toff = sizeof(*h), ooff = toff + sizeof(p->t[0]) * p->nt, koff = ooff + sizeof(p->op);
	size_t total = (koff + p->nk + 7) & ~(size_t)7;

	memset(p->buf, 0, total);
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = (uint32_t)total;
	h->tensor_count = p->nt;
	h->op_count = 1;
	h->tensor_offset = (uint32_t)toff;
	h->op_offset = (uint32_t)ooff;
	h->const_offset = (uint32_t)koff;
	h->const_size = p->nk;
	h->slot_count = 2;
	memcpy(p->buf + toff, p->t, sizeof(p->t[0]) * p->nt);
	memcpy(p->buf + ooff, &p->op, sizeof(p->op));
	memcpy(p->buf + koff, p->k, p->nk);
	return total;
}

static struct pb P;

/* P emptied for the next random program: no tensors, no constants, no inputs. */
static void prog_reset(void)
{
	unsigned int i;

	memset(&P.op, 0, sizeof(P.op));
	P.nt = P.nk = 0;
	for (i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		P.op.inputs[i] = EDGEAI_PROG_NO_TENSOR;
}

/*
 * An output scale: mostly small (right shifts), 1 in 8 in [0.5, 1) (no
 * shift) or in [1, 64) (left shifts, outputs mostly clamped).
 */
static double oscale(double small)
{
	switch (rnd(16)) {
	case 0:
		return 0.5 + rnd(1000) / 2000.0;
	case 1:
		return 1.0 + rnd(63000) / 1000.0;
	default:
		return small;
	}
}
static uint8_t in[1 << 18], out_ref[1 << 18];
/* the optimized run's output: out_at_guard() */
static uint8_t *out_opt;

/*
 * @n bytes that end where a page without access begins, in mapping @k
 * (0: the inputs' slot, 1: the optimized run's output), each as large as
 * in[].
 */
static uint8_t *guarded(int k, size_t n)
{
	static uint8_t *base[2];
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = (sizeof(in) + page - 1) / page * page;

	if (!base[k]) {
		base[k] = mmap(NULL, len + page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (base[k] == MAP_FAILED || mprotect(base[k] + len, page, PROT_NONE))
			abort();
	}
	if (n > len)
		abort();
	return base[k] + len - n;
}

/*
 * The slot of the inputs as the runs see it: the bytes of in[] the
 * program's slot-0 tensors use, copied so that they end where a page
 * without access begins. A kernel that reads one byte past its input
 * (a vector load of a row's last pixels, say) faults here, where in[]
 * would have given it the next bytes; sanitizers do not see the masked
 * vector loads the sets use.
 */
static void *at_guard(void)
{
	size_t end = 0, e;
	uint32_t i, k;

	for (i = 0; i < P.nt; i++) {
		const struct edgeai_prog_tensor *t = &P.t[i];

		if (t->slot)
			continue;
		e = t->dtype == EDGEAI_DTYPE_INT32 ? 4 : t->dtype == EDGEAI_DTYPE_INT16 ? 2 : 1;
		for (k = 0; k < 4; k++)
			e *= t->dims[k];
		e += t->offset;
		end = e > end ? e : end;
	}
	if (end > sizeof(in))
		abort();
	return memcpy(guarded(0, end), in, end);
}

/*
 * The optimized run's output, @n bytes, ending where a page without
 * access begins: a store past the output (which in a program's arena
 * would overwrite the next tensor) faults.
 */
static uint8_t *out_at_guard(size_t n)
{
	return out_opt = guarded(1, n);
}
/* one(): draw wide rows (kinds 17, 18) */
static int wide;
/*
 * one(): a layer of a real model's shape instead of the drawn one (one
 * image, depth multiplier 1; padding, zero points, weights and scales
 * still drawn): the shape classes of
 * tests/bench/cpu/shapes.py, where the kernels take other paths than on
 * the small random shapes (RGB and 1-channel stems, depthwise rows of
 * many channels).
 */
struct layer {
	int kind;	/* 0: CONV_2D, 1: DEPTHWISE_CONV_2D, 2: FULLY_CONNECTED (1..4 rows) */
	uint32_t h, w, ic, oc, kh, kw, s;
	uint32_t d;	/* dilation (0: 1) */
};
static const struct layer *fixed;
/* one(): the optimized run on this pool of threads (NULL: one thread) */
static struct exec_pool *pool;
static uint32_t channels(void);

/*
 * A multiplier M in 2^30..2^31 - 1 and a right shift e (@mul, @shift)
 * that put x M + C within |x| / 2 of n 2^(31+e), x and n of one sign:
 * the rescale of x lies within |x| / 2^(32+e) of a rounding, next to n.
 * C is ek_mbqm_up()'s, 2^30 + 2^(30+e); with @neg, ek_mbqm()'s for a
 * negative product, 2^31 less. Returns 0, or -1: none (|n| > |x|, or M
 * would leave the range).
 */
static int near_multiplier(int64_t x, int64_t n, int neg, int32_t *mul, int32_t *shift)
{
	int e;

	for (e = 0; e < 31; e++) {
		double c = ldexp(1, 30) + (e ? ldexp(1, 30 + e) : 0) - (neg && e ? ldexp(1, 31) : 0);
		double m = ((double)n * ldexp(1, 31 + e) - c) / (double)x;

		/* M doubles with e */
		if (m >= 2147483647.0)
			return -1;
		if (m >= ldexp(1, 30)) {
			*mul = (int32_t)llround(m);
			*shift = -e;
			return 0;
		}
	}
	return -1;
}

/*
 * Conv (kind 0) and depthwise (1) with per-channel multipliers: half the
 * channels get weights of the zero point @zw, so that their sums are their
 * bias b whatever the input, and a bias and multiplier that put b M + C
 * within |b| / 2 of a multiple of 2^(31+e) (ek_mbqm_up()'s C, and for a
 * negative b a time in two ek_mbqm()'s): every output of the channel lies
 * within 2^-16 of a rounding, one side or the other. @df: the filter's
 * dims, at @foff in P.k; the biases at @boff, the multipliers at @qoff.
 */
static void sums_near(int kind, uint32_t oc, const uint32_t df[4], uint32_t foff, uint32_t boff,
		      uint32_t qoff, int32_t zw)
{
	uint32_t taps = kind ? df[1] * df[2] : df[1] * df[2] * df[3], j, t;
	struct edgeai_prog_qmul q;

	for (j = 0; j < oc; j++) {
		int64_t b = 1 + rnd(60000), n = 1 + rnd(b < 120 ? (uint32_t)b : 120);

		if (rnd(2))
			continue;
		if (rnd(2))
			b = -b, n = -n;
		if (near_multiplier(b, n, b < 0 && rnd(2), &q.multiplier, &q.shift))
			continue;
		for (t = 0; t < taps; t++) {
			size_t at = kind ? (size_t)t * oc + j : (size_t)j * taps + t;

			P.k[foff + at] = (uint8_t)zw;
		}
		memcpy(&P.k[boff + 4 * j], &(int32_t){ (int32_t)b }, 4);
		memcpy(&P.k[qoff + 8 * j], &q, 8);
	}
}

/*
 * The program of P (its reference output in out_ref, @osz bytes) again
 * with the constant layouts of exec_cpu_prepare(), as a compiled program
 * runs: 1 when the output differs (or the run fails).
 */
static int prepared_differs(size_t size, void **slots, size_t osz, const char *what)
{
	void **prep = exec_cpu_prepare(P.buf, size);
	unsigned int failed;
	int r;

	slots[1] = out_at_guard(osz);
	memset(out_opt, 0x5a, osz);
	r = exec_cpu_run_prof(P.buf, size, slots, 2, 0, prep, NULL, pool, &failed);
	exec_cpu_prepare_free(prep, P.buf);
	if (r) {
		ktap_diag("%s: exec with the prepared layouts %d", what, r);
		return 1;
	}
	return memcmp(out_ref, out_opt, osz) != 0;
}

static int one(int kind, int u8, char *what, size_t wsz)
{
	uint32_t n = 1 + rnd(2), h = 1 + rnd(12), w = 1 + rnd(12), ic = 1 + rnd(kind == 2 ? 300 : 40);
	uint32_t oc = 1 + rnd(37), kh = 1 + rnd(5), kw = 1 + rnd(5), sh = 1 + rnd(3), sw = 1 + rnd(3);
	uint32_t dh = 1 + rnd(2), dw_ = 1 + rnd(2), oh, ow, i, dm = 1, dt = u8 ? EDGEAI_DTYPE_UINT8 :
			 EDGEAI_DTYPE_INT8, din[4], dout[4], df[4], db[4], fsz, osz;
	int32_t zin = u8 ? (int32_t)rnd(256) : (int32_t)rnd(256) - 128;
	int32_t zout = u8 ? (int32_t)rnd(256) : (int32_t)rnd(256) - 128, zw = u8 ? (int32_t)rnd(256) : 0;
	/* 0: as drawn; 1: 1x1, ic % 4 == 0, many channels; 2: int8 filter zero point; 3: extremes */
	uint32_t shape = rnd(4);
	int32_t wlo = -127, whi = 127;

	if (shape == 1 && kind != 2) {
		kh = kw = 1;
		ic = 4 * (1 + rnd(24));
		oc = 1 + rnd(150);
		h = 1 + rnd(8), w = 1 + rnd(8);
	} else if (shape == 1) {
		oc = 1 + rnd(150);
	}
	if (wide) {
		static const uint32_t few[] = { 1, 1, 2, 3, 4, 5, 6, 7, 8, 8, 16, 24 };

		h = 1 + rnd(4), w = 16 + rnd(90);
		ic = channels();
		oc = few[rnd(sizeof(few) / sizeof(few[0]))];
		kh = 1 + 2 * rnd(3), kw = rnd(4) ? kh : 1 + 2 * rnd(3);
		sh = 1 + rnd(2), sw = rnd(3) ? 1 : 2;
		dh = rnd(4) ? 1 : 2, dw_ = rnd(4) ? 1 : 2;
	}
	if (shape == 2 && !u8) {
		/* offset weights w - zw: in int8 range (VNNI runs) or, 1 time in 4, not (declined) */
		zw = (int32_t)rnd(41) - 20;
		wlo = rnd(4) ? (zw - 128 > -128 ? zw - 128 : -128) : -128;
		whi = rnd(4) ? (zw + 127 < 127 ? zw + 127 : 127) : 127;
	}
	if (fixed) {
		n = 1, h = fixed->h, w = fixed->w, ic = fixed->ic, oc = fixed->oc;
		kh = fixed->kh, kw = fixed->kw, sh = sw = fixed->s;
		dh = dw_ = fixed->d ? fixed->d : 1;
	}
	uint32_t ti, tf, tb, to, foff, boff, qoff = EDGEAI_PROG_NO_CONST;
	struct edgeai_prog_conv_params *cp = (void *)P.op.params;
	struct edgeai_prog_fc_params *fp = (void *)P.op.params;
	void *slots[2];
	unsigned int failed;
	size_t size;
	int r1, r2;

	prog_reset();
	if (kind == 1) {
		/*
		 * a depth multiplier > 1 one time in three, mostly on one input
		 * channel (audio models' first layer), else 3 or odd
		 */
		if (!rnd(3) && !fixed) {
			static const uint32_t dms[] = { 2, 3, 4, 8, 16 };

			dm = dms[rnd(sizeof(dms) / sizeof(dms[0]))];
			ic = rnd(2) ? 1 : 1 + 2 * rnd(4);
		}
		oc = ic * dm;
	}
	if (kind == 2) {
		din[0] = 1, din[1] = 1, din[2] = n * (1 + rnd(4)), din[3] = ic;
		dout[0] = 1, dout[1] = 1, dout[2] = din[2], dout[3] = oc;
		df[0] = 1, df[1] = 1, df[2] = oc, df[3] = ic;
	} else {
		uint32_t ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw_ + 1;
		/* VALID padding one time in four (where the filter fits), else SAME */
		int valid = !rnd(4) && h >= ekh && w >= ekw;

		oh = valid ? (h - ekh) / sh + 1 : (h + sh - 1) / sh;
		ow = valid ? (w - ekw) / sw + 1 : (w + sw - 1) / sw;
		din[0] = n, din[1] = h, din[2] = w, din[3] = ic;
		dout[0] = n, dout[1] = oh, dout[2] = ow, dout[3] = oc;
		if (kind == 0)
			df[0] = oc, df[1] = kh, df[2] = kw, df[3] = ic;
		else
			df[0] = 1, df[1] = kh, df[2] = kw, df[3] = oc;
		cp->stride_h = sh;
		cp->stride_w = sw;
		cp->dilation_h = dh;
		cp->dilation_w = dw_;
		/* SAME-style padding (VALID: none), clamped to what the format allows */
		cp->pad_top = (uint32_t)(!valid && ((int32_t)((oh - 1) * sh + ekh) - (int32_t)h) > 0 ?
					 ((oh - 1) * sh + ekh - h) / 2 : 0);
		cp->pad_left = (uint32_t)(!valid && ((int32_t)((ow - 1) * sw + ekw) - (int32_t)w) > 0 ?
					  ((ow - 1) * sw + ekw - w) / 2 : 0);
		if (cp->pad_top >= kh * dh)
			cp->pad_top = kh * dh - 1;
		if (cp->pad_left >= kw * dw_)
			cp->pad_left = kw * dw_ - 1;
		cp->depth_multiplier = dm;
	}
	db[0] = db[1] = db[2] = 1;
	db[3] = oc;
	fsz = df[0] * df[1] * df[2] * df[3];
	osz = dout[0] * dout[1] * dout[2] * dout[3];
	if (din[0] * din[1] * din[2] * din[3] > sizeof(in) || osz > sizeof(out_ref) ||
	    fsz > 200000)
		return -1;
	ti = add_t(&P, dt, 0, 0, din, zin);
	foff = add_k(&P, fsz);
	for (i = 0; i < fsz; i++) {
		int32_t v = wlo + (int32_t)rnd((uint32_t)(whi - wlo + 1));	/* int8: -127..127 */

		if (shape == 3 && !u8)
			v = rnd(2) ? -128 : 127;
		P.k[foff + i] = (uint8_t)(u8 ? rnd(256) : (uint32_t)v);
	}
	tf = add_t(&P, dt, EDGEAI_PROG_SLOT_CONST, foff, df, zw);
	boff = add_k(&P, 4 * oc);
	for (i = 0; i < oc; i++) {
		int32_t b = (int32_t)rnd(200001) - 100000;

		memcpy(&P.k[boff + 4 * i], &b, 4);
	}
	tb = add_t(&P, EDGEAI_DTYPE_INT32, EDGEAI_PROG_SLOT_CONST, boff, db, 0);
	to = add_t(&P, dt, 1, 0, dout, zout);
	P.op.inputs[0] = ti;
	P.op.inputs[1] = tf;
	P.op.inputs[2] = rnd(5) ? tb : EDGEAI_PROG_NO_TENSOR;
	P.op.output = to;
	if (kind == 2) {
		P.op.opcode = EDGEAI_OP_FULLY_CONNECTED;
		cc_quantize_multiplier(oscale(0.0001 + (double)rnd(1000) / 1e5), &fp->out_multiplier,
				       &fp->out_shift);
		fp->act_min = u8 ? (int32_t)rnd(20) : -128 + (int32_t)rnd(20);
		fp->act_max = u8 ? 255 - (int32_t)rnd(20) : 127 - (int32_t)rnd(20);
	} else {
		P.op.opcode = kind ? EDGEAI_OP_DEPTHWISE_CONV_2D : EDGEAI_OP_CONV_2D;
		cp->act_min = u8 ? (int32_t)rnd(20) : -128 + (int32_t)rnd(20);
		cp->act_max = u8 ? 255 - (int32_t)rnd(20) : 127 - (int32_t)rnd(20);
		/* int8: per-channel multipliers, 1 time in 4 one per tensor (uint8's) */
		if (!u8 && rnd(4)) {
			struct edgeai_prog_qmul q;

			qoff = add_k(&P, 8 * oc);
			for (i = 0; i < oc; i++) {
				cc_quantize_multiplier(oscale(1e-5 + (double)rnd(100000) / 1e7),
						       &q.multiplier, &q.shift);
				memcpy(&P.k[qoff + 8 * i], &q, 8);
			}
			if (!rnd(4) && !fixed) {
				sums_near(kind, oc, df, foff, boff, qoff, zw);
				P.op.inputs[2] = tb;
			}
		} else {
			cc_quantize_multiplier(oscale(1e-5 + (double)rnd(100000) / 1e7),
					       &cp->out_multiplier, &cp->out_shift);
		}
		cp->qmul_offset = qoff;
	}
	for (i = 0; i < din[0] * din[1] * din[2] * din[3]; i++)
		in[i] = (uint8_t)(shape == 3 ? (rnd(2) ? 0x80 : 0x7f) : rnd(256));
	size = blob(&P);
	slots[0] = at_guard();
	slots[1] = out_ref;
	memset(out_ref, 0xa5, osz);
	r1 = exec_cpu_run(P.buf, size, slots, 2, 1, &failed);
	slots[1] = out_at_guard(osz);
	memset(out_opt, 0x5a, osz);
	r2 = exec_cpu_run_prof(P.buf, size, slots, 2, 0, NULL, NULL, pool, &failed);
	snprintf(what, wsz, "%s %s n%u %ux%ux%u -> %u k%ux%u s%ux%u d%ux%u dm%u zp %d/%d/%d shape %u%s",
		 kind == 0 ? "conv" : kind == 1 ? "dw" : "fc", u8 ? "uint8" : "int8", n, h, w, ic,
		 oc, kh, kw, sh, sw, dh, dw_, dm, zin, zw, zout, shape, wide ? " wide" : "");
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	if (memcmp(out_ref, out_opt, osz))
		return 1;
	return prepared_differs(size, slots, osz, what);
}

/*
 * ADD/SUB (kind 3: same shapes, or one input broadcast, which the
 * optimized sets decline), RELU/RELU6/QUANTIZE (kind 4: the table path),
 * PAD (5), MAX_POOL_2D (6), AVERAGE_POOL_2D (16: windows partly in
 * the padding, clamps) and the table ops (19: the program's table)
 * on random 8-bit tensors and parameters.
 */
/* A channel count: 1, 3, odd, a multiple of 8, or wide. */
static uint32_t channels(void)
{
	static const uint32_t c[] = { 1, 3, 5, 8, 13, 16, 24, 31, 64, 67 };

	return c[rnd(sizeof(c) / sizeof(c[0]))];
}

/*
 * PRELU (kind 7) and RESIZE_BILINEAR (kind 8): channels() or, a time in
 * four, 2 or 4 (the VNNI resize of fewer than 16 channels loads 4 and 8
 * channels a pixel at a time, gathers the others).
 */
static int one_act(int kind, int u8, char *what, size_t wsz)
{
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], da[4], od[4], cnt, i;
	int32_t lo = u8 ? 0 : -128;
	int32_t za = lo + (int32_t)rnd(256), zb = lo + (int32_t)rnd(256), zo = lo + (int32_t)rnd(256);
	uint32_t form = rnd(4);
	void *slots[2];
	unsigned int failed;
	size_t size;
	int r1, r2;

	prog_reset();
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(40), d[2] = 1 + rnd(40), d[3] = channels();
	if (!rnd(4))
		d[3] = rnd(2) ? 2 : 4;
	cnt = d[0] * d[1] * d[2] * d[3];
	if (cnt > sizeof(in) / 2)
		return -1;
	for (i = 0; i < cnt; i++)
		in[i] = (uint8_t)(form == 3 ? (rnd(2) ? 0x80 : 0x7f) : rnd(256));
	P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	memcpy(od, d, sizeof(od));
	if (kind == 7) {
		struct edgeai_prog_prelu_params *pp = (void *)P.op.params;
		double si = 0.001 + rnd(1000) / 1e4, sa = 0.001 + rnd(1000) / 1e4;
		double so = 0.001 + rnd(1000) / 1e4;
		uint32_t aoff;

		P.op.opcode = EDGEAI_OP_PRELU;
		/* alpha [1,1,1,C] (TFLite's usual), [1,1,1,1], or [1,1,W,C] (declined) */
		da[0] = da[1] = da[2] = 1;
		da[3] = form == 1 ? 1 : d[3];
		if (form == 2)
			da[2] = d[2];
		aoff = add_k(&P, da[2] * da[3]);
		for (i = 0; i < da[2] * da[3]; i++)
			P.k[aoff + i] = (uint8_t)rnd(256);
		cc_quantize_multiplier(si / so, &pp->identity_multiplier, &pp->identity_shift);
		cc_quantize_multiplier(si * sa / so, &pp->alpha_multiplier, &pp->alpha_shift);
		P.op.inputs[1] = add_t(&P, dt, EDGEAI_PROG_SLOT_CONST, aoff, da, zb);
	} else {
		struct edgeai_prog_resize_params *rp = (void *)P.op.params;
		struct edgeai_prog_interp m;
		uint32_t yoff, xoff, ax, k, big = !rnd(8);

		P.op.opcode = EDGEAI_OP_RESIZE_BILINEAR;
		/* up (x2, x3, odd) or down scaling */
		od[1] = form == 0 ? 2 * d[1] : form == 1 ? 1 + rnd(3 * d[1]) : 1 + rnd(d[1]);
		od[2] = form == 0 ? 2 * d[2] : form == 1 ? 1 + rnd(3 * d[2]) : 1 + rnd(d[2]);
		if (od[0] * od[1] * od[2] * od[3] > sizeof(out_ref))
			return -1;
		rp->arith = u8 ? EDGEAI_RESIZE_FLOAT32 : EDGEAI_RESIZE_FIXED10;
		zo = za;
		yoff = add_k(&P, od[1] * sizeof(m));
		xoff = add_k(&P, od[2] * sizeof(m));
		for (ax = 1; ax <= 2; ax++) {
			for (k = 0; k < od[ax]; k++) {
				uint32_t f = rnd(1025);

				m.lo = rnd(d[ax]);
				m.hi = m.lo + 1 < d[ax] ? m.lo + 1 : m.lo;
				if (u8 && big) {
					/* random bits: huge, infinite, NaN (declined) or not */
					m.w_lo = rnd(65536) << 16 | rnd(65536);
					m.w_hi = rnd(65536) << 16 | rnd(65536);
				} else if (u8) {
					/*
					 * a weight of 24 random bits (the float pipeline's
					 * roundings), 1 - it; half-pixel edges: one a little
					 * below 0
					 */
					float wh = (float)(rnd(1U << 24) | 1) / 16777216.0f, wl;

					if (!rnd(4))
						wh = -wh / 8;
					wl = 1.0f - wh;
					memcpy(&m.w_lo, &wl, 4);
					memcpy(&m.w_hi, &wh, 4);
				} else if (big) {
					/* past what 32-bit sums hold: declined */
					m.w_lo = 1024 - f;
					m.w_hi = f + 4000;
				} else if (!rnd(4)) {
					/* half-pixel edges: a weight a little below 0 */
					m.w_hi = (uint32_t)-(int32_t)(f / 4);
					m.w_lo = 1024 + f / 4;
				} else {
					m.w_lo = 1024 - f;
					m.w_hi = f;
				}
				memcpy(&P.k[(ax == 1 ? yoff : xoff) + k * sizeof(m)], &m, sizeof(m));
			}
		}
		rp->y_map_offset = yoff;
		rp->x_map_offset = xoff;
	}
	cnt = od[0] * od[1] * od[2] * od[3];
	P.op.output = add_t(&P, dt, 1, 0, od, zo);
	size = blob(&P);
	slots[0] = at_guard();
	slots[1] = out_ref;
	memset(out_ref, 0xa5, cnt);
	r1 = exec_cpu_run(P.buf, size, slots, 2, 1, &failed);
	slots[1] = out_at_guard(cnt);
	memset(out_opt, 0x5a, cnt);
	r2 = exec_cpu_run_prof(P.buf, size, slots, 2, 0, NULL, NULL, pool, &failed);
	snprintf(what, wsz, "%s %s %ux%ux%ux%u -> %ux%ux%ux%u form %u zp %d/%d/%d",
		 kind == 7 ? "PRELU" : "RESIZE_BILINEAR", u8 ? "uint8" : "int8", d[0], d[1], d[2],
		 d[3], od[0], od[1], od[2], od[3], form, za, zb, zo);
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	if (memcmp(out_ref, out_opt, cnt))
		return 1;
	return prepared_differs(size, slots, cnt, what);
}

/* A broadcast form of @d into @f: as is, or some dimensions 1. */
static void bform(const uint32_t d[4], uint32_t f[4])
{
	static const uint8_t masks[] = { 0, 0x7, 0x8, 0x6, 0x2, 0xf, 0x9, 0x1 };
	uint8_t m = masks[rnd(sizeof(masks))];
	int i;

	for (i = 0; i < 4; i++)
		f[i] = (m >> i) & 1 ? 1 : d[i];
}

/*
 * MUL: a multiplier and right shift e (@mp's) that put the product p of
 * two bytes (@b, of inputs of zero points @za, @zb; @lo: the type's least
 * value) within |p| / 2^(32+e) of a rounding of ek_mbqm(), either side of
 * it, and the result near one of 1..120 in size (near_multiplier()).
 * Returns 1, or 0: none found.
 */
static int mul_near(struct edgeai_prog_mul_params *mp, int32_t za, int32_t zb, int32_t lo,
		    uint8_t b[2])
{
	int64_t p, n;

	b[0] = (uint8_t)(lo + (int32_t)rnd(256));
	b[1] = (uint8_t)(lo + (int32_t)rnd(256));
	p = (int64_t)((lo ? (int8_t)b[0] : b[0]) - za) * ((lo ? (int8_t)b[1] : b[1]) - zb);
	if (!p)
		return 0;
	n = 1 + rnd((uint32_t)(llabs(p) < 120 ? llabs(p) : 120));
	n = p < 0 ? -n : n;
	return !near_multiplier(p, n, p < 0, &mp->out_multiplier, &mp->out_shift);
}

/*
 * MUL (9), MAXIMUM/MINIMUM (10) and ADD/SUB (11, also prepared) in
 * broadcast forms (either input or both: per channel, per pixel, one
 * value, rows; a time in five 250..849 channels),
 * CONCATENATION (12: axis 1..3, 1..3 inputs, odd sizes), AVERAGE_POOL_2D
 * (13: windows partly or wholly in the padding, strides, clamps), MEAN
 * over H and W (14; one channel of up to 400 images too) and
 * RESIZE_NEAREST_NEIGHBOR (15: up/down maps, or a TILE's wrapping ones).
 */
static int one_more(int kind, int u8, char *what, size_t wsz)
{
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], da[4], db[4], od[4];
	uint32_t cnt, i, op = 0, nin = 1, k;
	int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
	int32_t za = lo + (int32_t)rnd(256), zb = lo + (int32_t)rnd(256), zo = lo + (int32_t)rnd(256);
	void *slots[2];
	unsigned int failed;
	size_t size, off = 0;
	int r1, r2, near = 0;
	uint8_t near_b[2];

	prog_reset();
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(30), d[2] = 1 + rnd(30), d[3] = channels();
	if (kind == 14 && !rnd(4)) {
		/* wider than a part's pass (256 channels), few pixels */
		d[1] = 1 + rnd(7), d[2] = 1 + rnd(7), d[3] = 200 + rnd(500);
	} else if (kind == 14 && !rnd(3)) {
		/*
		 * one channel, many images: the compiler's [outer, R, 1, 1]
		 * view of a MEAN over the last axis (a LayerNormalization's),
		 * more images than a part's chunk (256 outputs)
		 */
		d[0] = 1 + rnd(400), d[1] = 1 + rnd(100), d[2] = 1, d[3] = 1;
	} else if (kind >= 9 && kind <= 11 && !rnd(5)) {
		/* wide pixels, few of them: VNNI's MUL and ADD/SUB by a table per pixel */
		d[1] = 1 + rnd(6), d[2] = 1 + rnd(6), d[3] = 250 + rnd(600);
	}
	memcpy(od, d, sizeof(od));
	memcpy(da, d, sizeof(da));
	memcpy(db, d, sizeof(db));
	if (kind >= 9 && kind <= 11) {
		bform(d, da);
		bform(d, db);
		nin = 2;
	}
	if (kind == 12) {
		struct edgeai_prog_concat_params *cp = (void *)P.op.params;

		op = EDGEAI_OP_CONCATENATION;
		cp->axis = 1 + rnd(3);
		nin = 1 + rnd(3);
		od[cp->axis] = 0;
		for (k = 0; k < nin; k++) {
			uint32_t dk[4];

			memcpy(dk, d, sizeof(dk));
			dk[cp->axis] = 1 + rnd(cp->axis == 3 ? 40 : 12);
			od[cp->axis] += dk[cp->axis];
			if (off + dk[0] * dk[1] * dk[2] * dk[3] > sizeof(in))
				return -1;
			/* the same quantization throughout, 1 time in 8 not (declined) */
			P.op.inputs[k] = add_t(&P, dt, 0, off, dk, rnd(8) ? za : zb);
			off += dk[0] * dk[1] * dk[2] * dk[3];
		}
		zo = za;
	} else {
		uint32_t na = da[0] * da[1] * da[2] * da[3];

		if (na + db[0] * db[1] * db[2] * db[3] > sizeof(in))
			return -1;
		P.op.inputs[0] = add_t(&P, dt, 0, 0, da, za);
		if (nin == 2)
			P.op.inputs[1] = add_t(&P, dt, 0, na, db, zb);
		off = na + (nin == 2 ? db[0] * db[1] * db[2] * db[3] : 0);
	}
	if (kind == 9) {
		struct edgeai_prog_mul_params *mp = (void *)P.op.params;

		op = EDGEAI_OP_MUL;
		cc_quantize_multiplier(oscale((0.001 + rnd(1000) / 1e4) * (0.001 + rnd(1000) / 1e4) /
					      (0.0001 + rnd(1000) / 1e5)),
				       &mp->out_multiplier, &mp->out_shift);
		if (!rnd(6)) {
			/*
			 * multipliers of few bits (2^30, 3 * 2^29, 5 * 2^28 ...):
			 * products land exactly on, and just below, the roundings
			 * (VNNI's binary32 path redoes those lanes exactly)
			 */
			mp->out_multiplier = (int32_t)((1U << 30) | (rnd(8) << 27));
			mp->out_shift = -(int32_t)rnd(17);
		}
		mp->act_min = rnd(4) ? lo + (int32_t)rnd(30) : lo;
		mp->act_max = rnd(4) ? hi - (int32_t)rnd(30) : hi;
		if (!rnd(3))
			near = mul_near(mp, za, zb, lo, near_b);
	} else if (kind == 10) {
		op = rnd(2) ? EDGEAI_OP_MAXIMUM : EDGEAI_OP_MINIMUM;
		zb = zo = za;
		P.t[P.op.inputs[1]].zero_point = za;
	} else if (kind == 11) {
		struct edgeai_prog_add_params *ap = (void *)P.op.params;
		double s0 = 0.001 + rnd(1000) / 1e4, s1 = 0.001 + rnd(1000) / 1e4;
		double so = 0.001 + rnd(1000) / 1e4, twice = 2 * (s0 > s1 ? s0 : s1);

		op = rnd(2) ? EDGEAI_OP_ADD : EDGEAI_OP_SUB;
		ap->left_shift = 20;
		cc_quantize_multiplier(s0 / twice, &ap->in0_multiplier, &ap->in0_shift);
		cc_quantize_multiplier(s1 / twice, &ap->in1_multiplier, &ap->in1_shift);
		cc_quantize_multiplier(twice / ((1 << 20) * so), &ap->out_multiplier, &ap->out_shift);
		ap->act_min = lo + (int32_t)rnd(30);
		ap->act_max = hi - (int32_t)rnd(30);
		if (dt == EDGEAI_DTYPE_INT8 && !rnd(3)) {
			/* SQUARED_DIFFERENCE: TFLite's left shift of 7, the square's rescale */
			op = EDGEAI_OP_SQUARED_DIFFERENCE;
			ap->left_shift = 7;
			cc_quantize_multiplier(twice * twice / ((1 << 14) * so * 100),
					       &ap->out_multiplier, &ap->out_shift);
			ap->act_min = lo;
			ap->act_max = hi;
		}
	} else if (kind == 13) {
		struct edgeai_prog_pool_params *pl = (void *)P.op.params;

		op = EDGEAI_OP_AVERAGE_POOL_2D;
		pl->filter_h = 1 + rnd(5);
		pl->filter_w = 1 + rnd(5);
		pl->stride_h = 1 + rnd(3);
		pl->stride_w = 1 + rnd(3);
		/* SAME-like padding, or more: windows wholly in the padding */
		pl->pad_top = rnd(pl->filter_h + (rnd(8) ? 0 : 2));
		pl->pad_left = rnd(pl->filter_w + (rnd(8) ? 0 : 2));
		pl->act_min = rnd(3) ? lo : lo + (int32_t)rnd(100);
		pl->act_max = rnd(3) ? hi : hi - (int32_t)rnd(100);
		od[1] = (d[1] + pl->pad_top + pl->stride_h - 1) / pl->stride_h;
		od[2] = (d[2] + pl->pad_left + pl->stride_w - 1) / pl->stride_w;
		zo = za;
	} else if (kind == 14) {
		struct edgeai_prog_mean_params *mp = (void *)P.op.params;
		double si = 0.001 + rnd(1000) / 1e4, so = 0.001 + rnd(1000) / 1e4;

		op = EDGEAI_OP_MEAN;
		od[1] = od[2] = 1;
		switch (rnd(4)) {
		case 0:	/* the integer pipeline */
			cc_quantize_multiplier(si / so / (d[1] * d[2]), &mp->out_multiplier,
					       &mp->out_shift);
			mp->bias = zo - (int32_t)(za * si / so);
			break;
		case 3:	/* int8's reference pipeline: rescaled, then divided */
			if (u8) {
				mp->flags = EDGEAI_PROG_MEAN_DIV;
				zo = za;
				break;
			}
			/* 1 time in 3 equal quantization: a multiplier of 1.0, exact ties */
			if (!rnd(3)) {
				so = si;
				zo = za;
			}
			cc_quantize_multiplier(si / so, &mp->out_multiplier, &mp->out_shift);
			mp->flags = EDGEAI_PROG_MEAN_INT;
			break;
		case 1: {	/* the binary32 one */
			/*
			 * 1 time in 8 (H * W) / 2 with the zero points at the
			 * data's middle: outputs (sum - n * zp) / 2 in range, near
			 * ties after inexact steps; else 1 time in 16 halves (exact
			 * ties), 1 in 16 a scale the kernels' float unit path
			 * declines (about 2^-116, 2^116)
			 */
			static const float odd[] = { 0.5f, 0.25f, 1e-35f, 1e35f };
			float f = rnd(4) ? (float)(si / so) : odd[rnd(4)];

			if (!rnd(8)) {
				f = (float)(d[1] * d[2]) / 2;
				za = u8 ? 127 + (int32_t)rnd(2) : -(int32_t)rnd(2);
				zo = u8 ? 128 : 0;
				P.t[P.op.inputs[0]].zero_point = za;
			}
			mp->flags = EDGEAI_PROG_MEAN_FLOAT;
			memcpy(&mp->scale, &f, 4);
			break;
		}
		default:	/* the division, equal quantization */
			mp->flags = EDGEAI_PROG_MEAN_DIV;
			zo = za;
			break;
		}
	} else if (kind == 15) {
		struct edgeai_prog_resize_params *rp = (void *)P.op.params;
		uint32_t yoff, xoff, ax, wrap = !rnd(4);

		op = EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR;
		od[1] = rnd(2) ? 2 * d[1] : 1 + rnd(2 * d[1]);
		od[2] = rnd(2) ? 2 * d[2] : 1 + rnd(2 * d[2]);
		zo = za;
		yoff = add_k(&P, 4 * od[1]);
		xoff = add_k(&P, 4 * od[2]);
		for (ax = 1; ax <= 2; ax++)
			for (k = 0; k < od[ax]; k++) {
				/* 1 time in 4 the maps of a TILE, wrapping around */
				uint32_t v = wrap ? k % d[ax] :
						    (uint32_t)((uint64_t)k * d[ax] / od[ax]);

				memcpy(&P.k[(ax == 1 ? yoff : xoff) + 4 * k], &v, 4);
			}
		rp->y_map_offset = yoff;
		rp->x_map_offset = xoff;
	}
	cnt = od[0] * od[1] * od[2] * od[3];
	if (cnt > sizeof(out_ref))
		return -1;
	for (i = 0; i < off; i++)
		in[i] = (uint8_t)rnd(256);
	for (i = 0; near && i < off; i++) {
		/* MUL: half the bytes of each input the pair made to round close */
		uint32_t na = da[0] * da[1] * da[2] * da[3];

		if (rnd(2))
			in[i] = near_b[i >= na];
	}
	if (kind == 14 && !rnd(4)) {
		/* MEAN: one extreme of the type everywhere (the partial sums' range) */
		uint8_t x = (uint8_t)(u8 ? (rnd(2) ? 255 : 0) : (rnd(2) ? 0x80 : 0x7f));

		memset(in, x, off);
	}
	P.op.opcode = op;
	P.op.output = add_t(&P, dt, 1, 0, od, zo);
	size = blob(&P);
	slots[0] = at_guard();
	slots[1] = out_ref;
	memset(out_ref, 0xa5, cnt);
	r1 = exec_cpu_run(P.buf, size, slots, 2, 1, &failed);
	slots[1] = out_at_guard(cnt);
	memset(out_opt, 0x5a, cnt);
	r2 = exec_cpu_run_prof(P.buf, size, slots, 2, 0, NULL, NULL, pool, &failed);
	snprintf(what, wsz, "op %u %s %ux%ux%ux%u (%ux%ux%ux%u, %ux%ux%ux%u) -> %ux%ux%ux%u "
		 "zp %d/%d/%d", op, u8 ? "uint8" : "int8", d[0], d[1], d[2], d[3], da[0], da[1],
		 da[2], da[3], db[0], db[1], db[2], db[3], od[0], od[1], od[2], od[3], za, zb, zo);
	if (r1 != r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	if (r1)
		return 0;
	if (memcmp(out_ref, out_opt, cnt))
		return 1;
	/* ADD/SUB: VNNI's byte tables (prepared) in every broadcast form too */
	return kind == 11 && prepared_differs(size, slots, cnt, what);
}

static int one_elt(int kind, int u8, char *what, size_t wsz)
{
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], db[4], cnt, i, op;
	int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
	int32_t za = lo + (int32_t)rnd(256), zb = lo + (int32_t)rnd(256), zo = lo + (int32_t)rnd(256);
	int bcast = kind == 3 && !rnd(4);
	/* ADD/SUB: a time in four, every pair of input bytes (256 x 256) */
	int grid = kind == 3 && !bcast && !rnd(4);
	uint32_t od[4];
	void *slots[2];
	unsigned int failed;
	size_t size;
	int r1, r2;

	prog_reset();
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(40), d[2] = 1 + rnd(40), d[3] = 1 + rnd(70);
	if (grid)
		d[0] = 1, d[1] = d[2] = 256, d[3] = 1;
	cnt = d[0] * d[1] * d[2] * d[3];
	memcpy(db, d, sizeof(db));
	if (bcast)
		db[1] = db[2] = 1;
	if (2 * cnt > sizeof(in) || cnt > sizeof(out_ref))
		return -1;
	for (i = 0; i < 2 * cnt; i++)
		in[i] = (uint8_t)(grid ? (i < cnt ? i >> 8 : i) : rnd(256));
	if (kind == 3) {
		struct edgeai_prog_add_params *ap = (void *)P.op.params;
		double s0 = 0.001 + rnd(1000) / 1e4, s1 = 0.001 + rnd(1000) / 1e4;
		double so = 0.001 + rnd(1000) / 1e4, twice;

		/* a time in eight scales of powers of two: exact ties everywhere */
		if (!rnd(8)) {
			s0 = ldexp(1, -(int)rnd(10));
			s1 = ldexp(1, -(int)rnd(10));
			so = ldexp(1, -(int)rnd(10));
		}
		twice = 2 * (s0 > s1 ? s0 : s1);
		op = rnd(2) ? EDGEAI_OP_ADD : EDGEAI_OP_SUB;
		/*
		 * TFLite's way: inputs to twice the larger scale, << 20; 1 time
		 * in 4 another shift (VNNI: 9..23 on 32-bit lanes, else 64-bit)
		 */
		ap->left_shift = rnd(4) ? 20 : rnd(31);
		cc_quantize_multiplier(s0 / twice, &ap->in0_multiplier, &ap->in0_shift);
		cc_quantize_multiplier(s1 / twice, &ap->in1_multiplier, &ap->in1_shift);
		cc_quantize_multiplier(twice / ((1 << 20) * so), &ap->out_multiplier, &ap->out_shift);
		if (!rnd(4)) {
			/*
			 * Every rounding visible: inputs rescaled to about their
			 * own size (x 0.5..1) after << 9..12, output x 0.3..1,
			 * and multipliers whose low 31 - shift bits make exact ties
			 * of the doubling high multiply (x = d << shift: x * m +
			 * 2^30 a multiple of 2^31 for odd d, or for d = 2 mod 4).
			 */
			uint32_t k, low[3];

			ap->left_shift = 9 + rnd(4);
			k = 31 - ap->left_shift;
			low[0] = 1U << (k - 1), low[1] = 1U << (k - 2), low[2] = 3U << (k - 2);
			cc_quantize_multiplier((0.5 + rnd(500) / 1000.0) / (1 << ap->left_shift),
					       &ap->in0_multiplier, &ap->in0_shift);
			cc_quantize_multiplier((0.5 + rnd(500) / 1000.0) / (1 << ap->left_shift),
					       &ap->in1_multiplier, &ap->in1_shift);
			cc_quantize_multiplier(0.3 + rnd(700) / 1000.0, &ap->out_multiplier,
					       &ap->out_shift);
			if (rnd(2))
				ap->in0_multiplier = (int32_t)(((uint32_t)ap->in0_multiplier &
								~((1U << k) - 1)) | low[rnd(3)]);
			if (rnd(2))
				ap->in1_multiplier = (int32_t)(((uint32_t)ap->in1_multiplier &
								~((1U << k) - 1)) | low[rnd(3)]);
		}
		ap->act_min = lo + (int32_t)rnd(30);
		ap->act_max = hi - (int32_t)rnd(30);
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
		P.op.inputs[1] = add_t(&P, dt, 0, cnt, db, zb);
	} else if (kind == 5) {
		struct edgeai_prog_pad_params *pp = (void *)P.op.params;
		int chpad = rnd(2);	/* or whole rows copied */

		op = EDGEAI_OP_PAD;
		for (i = 0; i < 4; i++) {
			pp->before[i] = i == 0 || (i == 3 && !chpad) ? 0 : rnd(3);
			pp->after[i] = i == 0 || (i == 3 && !chpad) ? 0 : rnd(3);
			od[i] = d[i] + pp->before[i] + pp->after[i];
		}
		if (od[0] * od[1] * od[2] * od[3] > sizeof(out_ref))
			return -1;
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	} else if (kind == 6 || kind == 16) {
		struct edgeai_prog_pool_params *pl = (void *)P.op.params;

		op = kind == 6 ? EDGEAI_OP_MAX_POOL_2D : EDGEAI_OP_AVERAGE_POOL_2D;
		pl->filter_h = 1 + rnd(4);
		pl->filter_w = 1 + rnd(4);
		pl->stride_h = 1 + rnd(3);
		pl->stride_w = 1 + rnd(3);
		pl->pad_top = rnd(pl->filter_h);
		pl->pad_left = rnd(pl->filter_w);
		pl->act_min = rnd(3) ? lo : lo + (int32_t)rnd(100);
		pl->act_max = rnd(3) ? hi : hi - (int32_t)rnd(100);
		od[0] = d[0];
		od[1] = (d[1] + pl->pad_top + pl->stride_h - 1) / pl->stride_h;
		od[2] = (d[2] + pl->pad_left + pl->stride_w - 1) / pl->stride_w;
		od[3] = d[3];
		zo = za;
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	} else if (kind == 19) {
		static const uint32_t luts[] = { EDGEAI_OP_LOGISTIC, EDGEAI_OP_TANH,
						 EDGEAI_OP_HARD_SWISH, EDGEAI_OP_LEAKY_RELU,
						 EDGEAI_OP_TABLE };
		struct edgeai_prog_lut_params *lp = (void *)P.op.params;

		op = luts[rnd(5)];
		lp->table_offset = add_k(&P, 256);
		for (i = 0; i < 256; i++)
			P.k[lp->table_offset + i] = (uint8_t)rnd(256);
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	} else {
		struct edgeai_prog_requant_params *rp = (void *)P.op.params;

		op = rnd(3) == 0 ? EDGEAI_OP_QUANTIZE : rnd(2) ? EDGEAI_OP_RELU : EDGEAI_OP_RELU6;
		cc_quantize_multiplier(0.05 + rnd(4000) / 1e3, &rp->out_multiplier, &rp->out_shift);
		rp->act_min = op == EDGEAI_OP_QUANTIZE ? lo : zo > lo ? zo : lo;
		rp->act_max = op == EDGEAI_OP_RELU6 ? (zo + 40 < hi ? zo + 40 : hi) : hi;
		P.op.inputs[0] = add_t(&P, dt, 0, 0, d, za);
	}
	P.op.opcode = op;
	if (kind < 5 || kind == 19)
		memcpy(od, d, sizeof(od));
	cnt = od[0] * od[1] * od[2] * od[3];
	P.op.output = add_t(&P, dt, 1, 0, od, zo);
	size = blob(&P);
	slots[0] = at_guard();
	slots[1] = out_ref;
	memset(out_ref, 0xa5, cnt);
	r1 = exec_cpu_run(P.buf, size, slots, 2, 1, &failed);
	slots[1] = out_at_guard(cnt);
	memset(out_opt, 0x5a, cnt);
	r2 = exec_cpu_run_prof(P.buf, size, slots, 2, 0, NULL, NULL, pool, &failed);
	snprintf(what, wsz, "op %u %s %ux%ux%ux%u -> %ux%ux%ux%u%s zp %d/%d/%d", op,
		 u8 ? "uint8" : "int8", d[0], d[1], d[2], d[3], od[0], od[1], od[2], od[3],
		 bcast ? " (broadcast)" : "", za, zb, zo);
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	if (memcmp(out_ref, out_opt, cnt))
		return 1;
	/* ADD/SUB: the prepared tables of VNNI's (VBMI's) byte-table kernel too */
	return kind == 3 && prepared_differs(size, slots, cnt, what);
}

/*
 * The kernel sets of this architecture, and the kinds each must run itself
 * (@self), or itself or through the set it passes declined ops to (@via:
 * @kinds), for at least half of the random programs. Bit kind: uint8,
 * bit 32 + kind: int8. On x86-64 the kinds 8..15 (AVX2 kernels, which VNNI
 * passes down) have their own checks in main().
 */
/*
 * TRANSPOSE_CONV (kind 20): 1..3 batches, 1..9 x 1..9 inputs, channel
 * counts of channels() (1, 3, odd, 16, wide), filters 1..5 a side,
 * strides 1..3, the output MediaPipe's (full size less a random cut, a
 * third of it before) or TFLite's SAME of a filter shorter than the
 * stride; a time in three the filter the stride, unpadded, the output
 * the input times the stride (the 1x1 convolution of the VNNI set,
 * tconv()); int8 per channel or uint8 per tensor with a filter zero point,
 * with or without a bias, extreme values a time in four.
 */
static int one_tconv(int u8, char *what, size_t wsz)
{
	uint32_t n = 1 + rnd(3), h = 1 + rnd(9), w = 1 + rnd(9), ic = channels(), oc = channels();
	uint32_t kh = 1 + rnd(5), kw = 1 + rnd(5), sh = 1 + rnd(3), sw = 1 + rnd(3), ch, cw, i;
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, din[4], dout[4], df[4], db[4];
	uint32_t fsz, osz, foff, boff, ti, tf, tb, to, extreme = !rnd(4);
	int32_t zin = u8 ? (int32_t)rnd(256) : (int32_t)rnd(256) - 128;
	int32_t zout = u8 ? (int32_t)rnd(256) : (int32_t)rnd(256) - 128, zw = u8 ? (int32_t)rnd(256) : 0;
	struct edgeai_prog_tconv_params *tp = (void *)P.op.params;
	void *slots[2];
	unsigned int failed;
	size_t size;
	int r1, r2;

	/* the cut of the full (H - 1) * s + k rows: any, a third of it before */
	ch = rnd(kh);
	cw = rnd(kw);
	if (!rnd(3)) {
		kh = sh, kw = sw;
		ch = cw = 0;
	}
	prog_reset();
	din[0] = n, din[1] = h, din[2] = w, din[3] = ic;
	dout[0] = n, dout[1] = (h - 1) * sh + kh - ch, dout[2] = (w - 1) * sw + kw - cw, dout[3] = oc;
	tp->pad_top = ch / 3;
	tp->pad_left = cw / 3;
	if (kh < sh && !rnd(3))
		dout[1] = h * sh, tp->pad_top = 0;	/* rows no tap reaches at the end */
	df[0] = oc, df[1] = kh, df[2] = kw, df[3] = ic;
	db[0] = db[1] = db[2] = 1;
	db[3] = oc;
	fsz = oc * kh * kw * ic;
	osz = dout[0] * dout[1] * dout[2] * dout[3];
	if (n * h * w * ic > sizeof(in) || osz > sizeof(out_ref) || fsz > 200000)
		return -1;
	ti = add_t(&P, dt, 0, 0, din, zin);
	foff = add_k(&P, fsz);
	for (i = 0; i < fsz; i++)
		P.k[foff + i] = (uint8_t)(u8 ? rnd(256) : extreme ? (rnd(2) ? 0x81 : 0x7f) :
					 (uint32_t)((int32_t)rnd(255) - 127));
	tf = add_t(&P, dt, EDGEAI_PROG_SLOT_CONST, foff, df, zw);
	boff = add_k(&P, 4 * oc);
	for (i = 0; i < oc; i++) {
		int32_t bv = (int32_t)rnd(200001) - 100000;

		memcpy(&P.k[boff + 4 * i], &bv, 4);
	}
	tb = add_t(&P, EDGEAI_DTYPE_INT32, EDGEAI_PROG_SLOT_CONST, boff, db, 0);
	to = add_t(&P, dt, 1, 0, dout, zout);
	P.op.opcode = EDGEAI_OP_TRANSPOSE_CONV;
	P.op.inputs[0] = ti;
	P.op.inputs[1] = tf;
	P.op.inputs[2] = rnd(4) ? tb : EDGEAI_PROG_NO_TENSOR;
	P.op.output = to;
	tp->stride_h = sh;
	tp->stride_w = sw;
	tp->act_min = u8 ? (int32_t)rnd(20) : -128 + (int32_t)rnd(20);
	tp->act_max = u8 ? 255 - (int32_t)rnd(20) : 127 - (int32_t)rnd(20);
	if (!u8) {
		struct edgeai_prog_qmul q;

		tp->qmul_offset = add_k(&P, 8 * oc);
		for (i = 0; i < oc; i++) {
			cc_quantize_multiplier(oscale(1e-5 + (double)rnd(100000) / 1e7), &q.multiplier,
					       &q.shift);
			memcpy(&P.k[tp->qmul_offset + 8 * i], &q, 8);
		}
	} else {
		tp->qmul_offset = EDGEAI_PROG_NO_CONST;
		cc_quantize_multiplier(oscale(1e-5 + (double)rnd(100000) / 1e7), &tp->out_multiplier,
				       &tp->out_shift);
	}
	for (i = 0; i < n * h * w * ic; i++)
		in[i] = (uint8_t)(extreme ? (rnd(2) ? 0x80 : 0x7f) : rnd(256));
	size = blob(&P);
	slots[0] = at_guard();
	slots[1] = out_ref;
	memset(out_ref, 0xa5, osz);
	r1 = exec_cpu_run(P.buf, size, slots, 2, 1, &failed);
	slots[1] = out_at_guard(osz);
	memset(out_opt, 0x5a, osz);
	r2 = exec_cpu_run_prof(P.buf, size, slots, 2, 0, NULL, NULL, pool, &failed);
	snprintf(what, wsz, "tconv %s n%u %ux%ux%u -> %ux%ux%u k%ux%u s%ux%u pad %u,%u zp %d/%d/%d%s",
		 u8 ? "uint8" : "int8", n, h, w, ic, dout[1], dout[2], oc, kh, kw, sh, sw,
		 tp->pad_top, tp->pad_left, zin, zw, zout, extreme ? " extreme" : "");
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	if (memcmp(out_ref, out_opt, osz))
		return 1;
	return prepared_differs(size, slots, osz, what);
}

/*
 * The program in P (input at at_guard(), @cnt output bytes) by the
 * reference kernels into out_ref and by the optimized ones (the run's
 * pool) into out_opt: 1 when they differ or a run fails (said with @what).
 */
static int ref_opt_differ(uint32_t cnt, const char *what)
{
	size_t size = blob(&P);
	unsigned int failed;
	void *slots[2];
	int r1, r2;

	slots[0] = at_guard();
	slots[1] = out_ref;
	memset(out_ref, 0xa5, cnt);
	r1 = exec_cpu_run(P.buf, size, slots, 2, 1, &failed);
	slots[1] = out_at_guard(cnt);
	memset(out_opt, 0x5a, cnt);
	r2 = exec_cpu_run_prof(P.buf, size, slots, 2, 0, NULL, NULL, pool, &failed);
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	return memcmp(out_ref, out_opt, cnt) != 0;
}

/*
 * SOFTMAX (kind 21): 1..2 x 1..4 x 1..40 rows of depth 1, 2, 3, odd, 91
 * or 1001; the compiler's table (c_softmax(): expf(-s_in d) in float) for
 * s_in from 0.001 to 3 (large ones: entries that are subnormal or 0),
 * the output scale 1/256 with TFLite's zero point or another scale and
 * zero point; extreme inputs a time in eight; a table of random bits a
 * time in eight (negative, huge, infinite or NaN entries: the kernels
 * must leave it to the reference); each also with the prepared table.
 */
static int one_softmax(int u8, char *what, size_t wsz)
{
	static const uint32_t depths[] = { 1, 2, 3, 5, 13, 16, 31, 91, 1001 };
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], cnt, i, form = rnd(8);
	struct edgeai_prog_softmax_params *sp = (void *)P.op.params;
	void *slots[2];
	float s_in = (float)(rnd(4) ? 0.001 + rnd(1000) / 2000.0 : 0.5 + rnd(2500) / 1000.0);
	float s_out = rnd(4) ? 1.0f / 256 : (float)(0.001 + rnd(1000) / 1e4);
	int32_t zo = s_out == 1.0f / 256 ? (u8 ? 0 : -128) : (u8 ? 0 : -128) + (int32_t)rnd(256);

	prog_reset();
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(4), d[2] = 1 + rnd(40);
	d[3] = depths[rnd(sizeof(depths) / sizeof(depths[0]))];
	cnt = d[0] * d[1] * d[2] * d[3];
	if (cnt > sizeof(in))
		return -1;
	P.op.opcode = EDGEAI_OP_SOFTMAX;
	sp->table_offset = add_k(&P, 1024);
	for (i = 0; i < 256; i++) {
		float v = (float)exp((double)(-s_in * (float)i));
		uint32_t bits;

		memcpy(&bits, &v, 4);
		if (form == 6)
			bits = rnd(65536) << 16 | rnd(65536);
		memcpy(&P.k[sp->table_offset + 4 * i], &bits, 4);
	}
	memcpy(&sp->out_scale, &s_out, 4);
	for (i = 0; i < cnt; i++)
		in[i] = (uint8_t)(form == 7 ? (rnd(2) ? 0x80 : 0x7f) : rnd(256));
	P.op.inputs[0] = add_t(&P, dt, 0, 0, d, (int32_t)rnd(256) - (u8 ? 0 : 128));
	P.op.output = add_t(&P, dt, 1, 0, d, zo);
	snprintf(what, wsz, "softmax %s %ux%ux%ux%u s_in %g s_out %g zp %d form %u",
		 u8 ? "uint8" : "int8", d[0], d[1], d[2], d[3], (double)s_in, (double)s_out, zo,
		 form);
	if (ref_opt_differ(cnt, what))
		return 1;
	/* again with the table checked and laid out ahead of time (exec_cpu_prepare()) */
	slots[0] = at_guard();
	return prepared_differs(blob(&P), slots, cnt, what);
}

/*
 * STRIDED_SLICE (kind 22): 1..2 x 1..12 x 1..12 inputs of channels() (1,
 * 3, odd, wide), in each axis a random start, a stride of 1 mostly, else
 * 2, 3, -1 or -2 (the last axis too: no whole rows), and a random length
 * that stays inside the input.
 */
static int one_slice(int u8, char *what, size_t wsz)
{
	static const int32_t strides[] = { 2, 3, -1, -2 };
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], od[4], cnt, i, k;
	struct edgeai_prog_slice_params *sp = (void *)P.op.params;

	prog_reset();
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(12), d[2] = 1 + rnd(12), d[3] = channels();
	for (k = 0; k < 4; k++) {
		int32_t st = rnd(3) ? 1 : strides[rnd(4)];
		uint32_t b = rnd(d[k]), most = st > 0 ? (d[k] - 1 - b) / (uint32_t)st + 1 :
							 b / (uint32_t)-st + 1;

		sp->begin[k] = b;
		sp->stride[k] = st;
		od[k] = 1 + rnd(most);
	}
	cnt = d[0] * d[1] * d[2] * d[3];
	for (i = 0; i < cnt; i++)
		in[i] = (uint8_t)rnd(256);
	P.op.opcode = EDGEAI_OP_STRIDED_SLICE;
	P.op.inputs[0] = add_t(&P, dt, 0, 0, d, 3);
	P.op.output = add_t(&P, dt, 1, 0, od, 3);
	cnt = od[0] * od[1] * od[2] * od[3];
	snprintf(what, wsz, "slice %s %ux%ux%ux%u -> %ux%ux%ux%u begin %u,%u,%u,%u stride %d,%d,%d,%d",
		 u8 ? "uint8" : "int8", d[0], d[1], d[2], d[3], od[0], od[1], od[2], od[3],
		 sp->begin[0], sp->begin[1], sp->begin[2], sp->begin[3], sp->stride[0],
		 sp->stride[1], sp->stride[2], sp->stride[3]);
	return ref_opt_differ(cnt, what);
}

/*
 * TRANSPOSE (kind 23, half the time: a random permutation of a 1..2 x
 * 1..12 x 1..12 (a time in three 1..40 x 1..40) x channels() tensor, the
 * last axis kept or not: rows of 16, blocks of 16 x 16 and tails of the
 * tiled walk), RESHAPE (a time in four: the same bytes as other dims) and
 * DEPTH_TO_SPACE or SPACE_TO_DEPTH (a time in four: blocks of 1..4,
 * channels() per pixel of the wide tensor).
 */
static int one_transpose(int u8, char *what, size_t wsz)
{
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], od[4], cnt, i, k;
	struct edgeai_prog_transpose_params *tp = (void *)P.op.params;
	struct edgeai_prog_block_params *bp = (void *)P.op.params;
	uint32_t form = rnd(4), b = 1 + rnd(4);
	int reshape = form == 0, block = form == 1, to_space = rnd(2);

	prog_reset();
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(12), d[2] = 1 + rnd(12), d[3] = channels();
	if (!rnd(3))	/* whole 16 x 16 blocks of the tiled walk, and their tails */
		d[1] = 1 + rnd(40), d[2] = 1 + rnd(40);
	for (k = 0; k < 4; k++)
		tp->perm[k] = k;
	for (k = 3; k > 0; k--) {
		uint32_t j = rnd(k + 1), t = tp->perm[k];

		tp->perm[k] = tp->perm[j];
		tp->perm[j] = t;
	}
	for (k = 0; k < 4; k++)
		od[k] = d[tp->perm[k]];
	if (reshape) {
		/* the same count as [1, d0 * d1, d2, d3] */
		memset(tp, 0, sizeof(*tp));
		od[0] = 1, od[1] = d[0] * d[1], od[2] = d[2], od[3] = d[3];
	} else if (block) {
		/* d: the narrow tensor's pixels, od the wide one's */
		memset(bp, 0, sizeof(*bp));
		bp->block_size = b;
		d[1] = 1 + rnd(6), d[2] = 1 + rnd(6);
		od[0] = d[0], od[1] = d[1] * b, od[2] = d[2] * b, od[3] = d[3];
		d[3] *= b * b;
		if (!to_space)
			for (k = 0; k < 4; k++) {
				uint32_t t = d[k];

				d[k] = od[k];
				od[k] = t;
			}
	}
	cnt = d[0] * d[1] * d[2] * d[3];
	if (cnt > sizeof(in))
		return -1;
	for (i = 0; i < cnt; i++)
		in[i] = (uint8_t)rnd(256);
	P.op.opcode = reshape ? EDGEAI_OP_RESHAPE :
		      !block ? EDGEAI_OP_TRANSPOSE :
		      to_space ? EDGEAI_OP_DEPTH_TO_SPACE : EDGEAI_OP_SPACE_TO_DEPTH;
	P.op.inputs[0] = add_t(&P, dt, 0, 0, d, 3);
	P.op.output = add_t(&P, dt, 1, 0, od, 3);
	if (block)
		snprintf(what, wsz, "%s %s %ux%ux%ux%u block %u",
			 to_space ? "depth_to_space" : "space_to_depth", u8 ? "uint8" : "int8",
			 d[0], d[1], d[2], d[3], b);
	else
		snprintf(what, wsz, "%s %s %ux%ux%ux%u perm %u%u%u%u",
			 reshape ? "reshape" : "transpose", u8 ? "uint8" : "int8", d[0], d[1], d[2],
			 d[3], tp->perm[0], tp->perm[1], tp->perm[2], tp->perm[3]);
	return ref_opt_differ(cnt, what);
}

/*
 * L2_NORMALIZATION (kind 25): 1..2 x 1..6 x 1..8 rows of depth 1, 3, odd,
 * 64, 300 (more than 256: the table path) or 1001, the input's zero point
 * anywhere in range, a time in four every value the type's minimum or
 * maximum (the largest sums), a time in eight all at the zero point
 * (a sum of 0), a time in eight the zero point outside the type's range
 * (a raw program's: the sets leave it to plain C).
 */
static int one_l2norm(int u8, char *what, size_t wsz)
{
	static const uint32_t depths[] = { 1, 3, 13, 64, 300, 1001 };
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], cnt, i, form = rnd(8);
	int32_t lo = u8 ? 0 : -128, zi = lo + (int32_t)rnd(256);

	if (form == 3)
		zi = rnd(2) ? lo - 1 - (int32_t)rnd(200) : lo + 256 + (int32_t)rnd(200);

	prog_reset();
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(6), d[2] = 1 + rnd(8);
	d[3] = depths[rnd(sizeof(depths) / sizeof(depths[0]))];
	cnt = d[0] * d[1] * d[2] * d[3];
	if (cnt > sizeof(in))
		return -1;
	for (i = 0; i < cnt; i++)
		in[i] = (uint8_t)(form < 2 ? (rnd(2) ? lo : lo + 255) :
				  form == 2 ? zi : (int32_t)rnd(256));
	P.op.opcode = EDGEAI_OP_L2_NORMALIZATION;
	P.op.inputs[0] = add_t(&P, dt, 0, 0, d, zi);
	P.op.output = add_t(&P, dt, 1, 0, d, u8 ? 128 : 0);
	snprintf(what, wsz, "l2norm %s %ux%ux%ux%u zp %d form %u", u8 ? "uint8" : "int8", d[0],
		 d[1], d[2], d[3], zi, form);
	return ref_opt_differ(cnt, what);
}

/*
 * ARG_MAX (kind 26): along the last axis (3 times in 4) rows of 1..3, 13,
 * 16, 21, 31..33, 63..65, 100 or 1000 bytes (the sets' one-load rows,
 * their block edges, and rows of several blocks), else along axis 0..2;
 * int32 or int64 indices; values random, or from two neighbours (ties
 * everywhere, the first must win), or every one the type's minimum.
 */
static int one_argmax(int u8, char *what, size_t wsz)
{
	static const uint32_t lens[] = { 1, 2, 3, 13, 16, 21, 31, 32, 33, 63, 64, 65, 100, 1000 };
	struct edgeai_prog_argmax_params *ap = (void *)P.op.params;
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, d[4], od[4] = { 1, 1, 1, 1 };
	uint32_t axis = rnd(4) ? 3 : rnd(3), form = rnd(4), cnt, i, k, n = 1, int64 = rnd(2);
	int32_t lo = u8 ? 0 : -128, base = lo + (int32_t)rnd(255);

	prog_reset();
	d[3] = lens[rnd(sizeof(lens) / sizeof(lens[0]))];
	d[0] = 1 + rnd(2), d[1] = 1 + rnd(5), d[2] = 1 + rnd(d[3] >= 100 ? 4 : 40);
	if (axis != 3)
		d[3] = 1 + rnd(24), d[axis] = lens[rnd(10)];
	cnt = d[0] * d[1] * d[2] * d[3];
	if (cnt > sizeof(in))
		return -1;
	for (i = 0; i < cnt; i++)
		in[i] = (uint8_t)(form == 0 ? base + (int32_t)rnd(2) : form == 1 ? lo :
				  (int32_t)rnd(256));
	for (k = 0; k < 4; k++)
		n *= k == axis ? 1 : d[k];
	od[3] = n;
	P.op.opcode = EDGEAI_OP_ARG_MAX;
	ap->axis = axis;
	P.op.inputs[0] = add_t(&P, dt, 0, 0, d, 0);
	P.op.output = add_t(&P, int64 ? EDGEAI_DTYPE_INT64 : EDGEAI_DTYPE_INT32, 1, 0, od, 0);
	snprintf(what, wsz, "argmax %s %ux%ux%ux%u axis %u %s form %u", u8 ? "uint8" : "int8",
		 d[0], d[1], d[2], d[3], axis, int64 ? "int64" : "int32", form);
	return ref_opt_differ(n * (int64 ? 8 : 4), what);
}

/*
 * BATCH_MATMUL (kind 24, int8 only, as TFLite runs it): output batch
 * dimensions 1..3, each input's 1 a time in three (broadcast), M 1..40,
 * K 1..80, N 1..70 (K not a multiple of 4 or 8, N of 16, M of 4: the
 * kernels' tails), adj_x and adj_y at random, zero points anywhere in
 * int8, the right input a constant a time in four, extreme values a time
 * in four, the clamp narrowed.
 */
static int one_matmul(char *what, size_t wsz)
{
	uint32_t b0 = 1 + rnd(3), b1 = 1 + rnd(3), m = 1 + rnd(40), k = 1 + rnd(80), n = 1 + rnd(70);
	uint32_t ax = rnd(2), ay = rnd(2), extreme = !rnd(4), rconst = !rnd(4), dl[4], dr[4], dout[4];
	int32_t zl = (int32_t)rnd(256) - 128, zr = (int32_t)rnd(256) - 128;
	int32_t zo = (int32_t)rnd(256) - 128;
	struct edgeai_prog_matmul_params *mp = (void *)P.op.params;
	uint32_t nl, nr, osz, roff, i;
	void *slots[2];
	unsigned int failed;
	size_t size;
	int r1, r2;

	prog_reset();
	dl[0] = rnd(3) ? b0 : 1, dl[1] = rnd(3) ? b1 : 1;
	dr[0] = rnd(3) ? b0 : 1, dr[1] = rnd(3) ? b1 : 1;
	dout[0] = dl[0] > dr[0] ? dl[0] : dr[0];
	dout[1] = dl[1] > dr[1] ? dl[1] : dr[1];
	dl[2] = ax ? k : m, dl[3] = ax ? m : k;
	dr[2] = ay ? n : k, dr[3] = ay ? k : n;
	dout[2] = m, dout[3] = n;
	nl = dl[0] * dl[1] * m * k;
	nr = dr[0] * dr[1] * k * n;
	osz = dout[0] * dout[1] * m * n;
	roff = (nl + 63) & ~63U;
	for (i = 0; i < roff + nr; i++)
		in[i] = (uint8_t)(extreme ? (rnd(2) ? 0x80 : 0x7f) : rnd(256));
	P.op.opcode = EDGEAI_OP_BATCH_MATMUL;
	P.op.inputs[0] = add_t(&P, EDGEAI_DTYPE_INT8, 0, 0, dl, zl);
	if (rconst) {
		uint32_t koff = add_k(&P, nr);

		memcpy(&P.k[koff], in + roff, nr);
		P.op.inputs[1] = add_t(&P, EDGEAI_DTYPE_INT8, EDGEAI_PROG_SLOT_CONST, koff, dr, zr);
	} else {
		P.op.inputs[1] = add_t(&P, EDGEAI_DTYPE_INT8, 0, roff, dr, zr);
	}
	P.op.output = add_t(&P, EDGEAI_DTYPE_INT8, 1, 0, dout, zo);
	mp->adj_x = ax;
	mp->adj_y = ay;
	mp->act_min = -128 + (int32_t)rnd(20);
	mp->act_max = 127 - (int32_t)rnd(20);
	cc_quantize_multiplier(oscale(1e-5 + (double)rnd(100000) / 1e7), &mp->out_multiplier,
			       &mp->out_shift);
	size = blob(&P);
	slots[0] = at_guard();
	slots[1] = out_ref;
	memset(out_ref, 0xa5, osz);
	r1 = exec_cpu_run(P.buf, size, slots, 2, 1, &failed);
	slots[1] = out_at_guard(osz);
	memset(out_opt, 0x5a, osz);
	r2 = exec_cpu_run_prof(P.buf, size, slots, 2, 0, NULL, NULL, pool, &failed);
	snprintf(what, wsz, "batch_matmul [%u,%u,%u,%u]%s x [%u,%u,%u,%u]%s%s zp %d/%d/%d%s",
		 dl[0], dl[1], dl[2], dl[3], ax ? "^T" : "", dr[0], dr[1], dr[2], dr[3],
		 ay ? "^T" : "", rconst ? " const" : "", zl, zr, zo, extreme ? " extreme" : "");
	if (r1 || r2) {
		ktap_diag("%s: exec %d/%d", what, r1, r2);
		return 1;
	}
	return memcmp(out_ref, out_opt, osz) != 0;
}

struct kset_case {
	const char *name, *via;
	uint64_t kinds, self;
};

#define N_KINDS 27
#define WIDE (3U << 17)
#define KIND_BITS(m) ((uint64_t)(m) | (uint64_t)(m) << 32)
/* the kinds of cpu-common.c's kernels: PRELU, CONCATENATION, RESIZE_NEAREST_NEIGHBOR */
#define COMMON (1U << 7 | 1U << 12 | 1U << 15)
/* BATCH_MATMUL (int8 only): VNNI's own, AVX2's and NEON's dot products */
#define MATMUL (1U << 24)
/* cpu.c's own walks, every set: STRIDED_SLICE, TRANSPOSE and the rest */
#define CPU_C (3U << 22)
/* L2_NORMALIZATION, ARG_MAX: cpu-common.c's walks around each set's vector code */
#define ROWS (3U << 25)
#if defined(__aarch64__)
/* the int8-only kinds of the NEON set: RESIZE_BILINEAR (fixed point) */
#define NEON_S8 ((uint64_t)(1U << 8) << 32)
/* MUL, MAXIMUM/MINIMUM, ADD/SUB in broadcast forms; MEAN; the table ops; TRANSPOSE_CONV */
#define NEON_MORE (7U << 9 | 1U << 14 | 1U << 19 | 1U << 20)
static const struct kset_case sets[] = {
	/* NEON: kinds 0..6, the padded average pool, int8 RESIZE_BILINEAR,
	 * the broadcast forms of MUL, MAXIMUM/MINIMUM and ADD/SUB, MEAN,
	 * LOGISTIC/TANH/HARD_SWISH/LEAKY_RELU, TRANSPOSE_CONV; dotprod:
	 * CONV_2D, FC, tables, PAD itself, the rest via NEON; both: PRELU,
	 * CONCATENATION and RESIZE_NEAREST_NEIGHBOR (cpu-common.c, counted as
	 * the set in use), STRIDED_SLICE, TRANSPOSE and RESHAPE (cpu.c) */
	{ "neon", NULL,
	  KIND_BITS(0x7f | COMMON | 1U << 16 | WIDE | NEON_MORE | CPU_C | MATMUL | ROWS) | NEON_S8,
	  KIND_BITS(0x7f | COMMON | 1U << 16 | WIDE | NEON_MORE | CPU_C | MATMUL | ROWS) | NEON_S8 },
	{ "dotprod", "neon",
	  KIND_BITS(0x7f | COMMON | 1U << 16 | WIDE | NEON_MORE | CPU_C | MATMUL | ROWS) | NEON_S8,
	  KIND_BITS(0x35 | COMMON | 1U << 17 | CPU_C) },
};
#else
static const struct kset_case sets[] = {
	/*
	 * AVX2: the convolutions (TRANSPOSE_CONV too), tables, PAD,
	 * MAX_POOL_2D, SOFTMAX, STRIDED_SLICE, TRANSPOSE, RESHAPE; and
	 * (cpu-common.c, counted as the set in use) PRELU, CONCATENATION and
	 * RESIZE_NEAREST_NEIGHBOR
	 */
	{ "avx2", NULL, KIND_BITS(0x77 | COMMON | WIDE | 15U << 20 | MATMUL | CPU_C | ROWS),
	  KIND_BITS(0x77 | COMMON | WIDE | 15U << 20 | MATMUL | CPU_C | ROWS) },
	/*
	 * VNNI: CONV_2D/FC (uint8 too), depthwise, ADD/SUB, tables, PAD,
	 * MAX_POOL_2D, PRELU, AVERAGE_POOL_2D, STRIDED_SLICE, TRANSPOSE,
	 * RESHAPE; CONCATENATION and RESIZE_NEAREST_NEIGHBOR (cpu-common.c)
	 */
	{ "vnni", NULL,
	  KIND_BITS(0xff | COMMON | WIDE | CPU_C | 1U << 13 | 1U << 16 | MATMUL | ROWS),
	  KIND_BITS(0xff | COMMON | WIDE | CPU_C | 1U << 13 | 1U << 16 | MATMUL | ROWS) },
};
#endif

/*
 * The threads part runs with the best set of this CPU (NULL), then on
 * x86-64 with the AVX2 set forced too (what an AVX2-only CPU gets); the
 * kinds the AVX2 set splits itself: CONV_2D and DEPTHWISE_CONV_2D (wide
 * rows too) and MAX_POOL_2D.
 */
#if defined(__aarch64__)
static const char *const tsets[] = { NULL };
#define AVX2_SPLITS 0
#else
static const char *const tsets[] = { NULL, "avx2" };
#define AVX2_SPLITS (1U << 0 | 1U << 1 | 1U << 6 | 1U << 17 | 1U << 18)
#endif

/* One random case of test kind @kind: 0 equal, 1 differs, < 0 not run. */
static int one_kind(int kind, int u8, char *what, size_t wsz)
{
	int r;

	wide = kind == 17 || kind == 18;
	if (kind == 20)
		r = one_tconv(u8, what, wsz);
	else if (kind == 21)
		r = one_softmax(u8, what, wsz);
	else if (kind == 22)
		r = one_slice(u8, what, wsz);
	else if (kind == 23)
		r = one_transpose(u8, what, wsz);
	else if (kind == 24)
		r = one_matmul(what, wsz);
	else if (kind == 25)
		r = one_l2norm(u8, what, wsz);
	else if (kind == 26)
		r = one_argmax(u8, what, wsz);
	else if (kind < 3 || wide)
		r = one(wide ? kind - 17 : kind, u8, what, wsz);
	else if (kind < 7 || kind == 16 || kind == 19)
		r = one_elt(kind, u8, what, wsz);
	else if (kind < 9)
		r = one_act(kind, u8, what, wsz);
	else
		r = one_more(kind, u8, what, wsz);
	wide = 0;
	return r;
}

/* fp_modes()'s draws: SOFTMAX int8, uint8 (@v 0, 1), uint8 RESIZE_BILINEAR (2) */
static int fp_draw_softmax(int v, char *what, size_t wsz)
{
	return v == 2 ? one_act(8, 1, what, wsz) : one_softmax(v, what, wsz);
}

/* fp_modes()'s draws: int8 CONV_2D, DEPTHWISE_CONV_2D (@v 0, 1), MUL (2) */
static int fp_draw_rescale(int v, char *what, size_t wsz)
{
	return v == 2 ? one_more(9, 0, what, wsz) : one(v, 0, what, wsz);
}

/*
 * 100 programs of @draw (variant @v) with the float unit rounding upward
 * and 100 (x86-64) flushing subnormals to zero and treating them as zero,
 * from seed @seed: kernels that use the CPU's binary32 arithmetic must
 * notice, or not depend on the mode. Counts the programs run in @runs;
 * returns how many differ.
 */
static int fp_modes(int (*draw)(int v, char *what, size_t wsz), int v, uint64_t seed, int *runs)
{
	char what[256];
	int bad = 0, mode, i;

	for (mode = 0; mode < 2; mode++) {
#if defined(__x86_64__)
		unsigned int csr = __builtin_ia32_stmxcsr();
#endif
		int set;

		rs = seed + (uint64_t)(v * 2 + mode);
#if defined(__x86_64__)
		if (mode)
			__builtin_ia32_ldmxcsr(csr | 0x8040);	/* FTZ and DAZ */
		set = 1;
#else
		set = !mode;
#endif
		if (!mode)
			set = !fesetround(FE_UPWARD);
		for (i = 0; set && i < 100; i++) {
			int r = draw(v, what, sizeof(what));

			if (r < 0)
				continue;
			(*runs)++;
			if (r && bad++ < 3)
				ktap_diag("differs: %s", what);
		}
		fesetround(FE_TONEAREST);
#if defined(__x86_64__)
		__builtin_ia32_ldmxcsr(csr);
#endif
	}
	return bad;
}

int main(void)
{
	const char *names[N_KINDS] = { "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD/SUB",
				       "RELU/RELU6/QUANTIZE", "PAD", "MAX_POOL_2D", "PRELU",
				       "RESIZE_BILINEAR", "MUL (broadcast forms)",
				       "MAXIMUM/MINIMUM (broadcast forms)", "ADD/SUB (broadcast forms)",
				       "CONCATENATION", "AVERAGE_POOL_2D", "MEAN", "RESIZE_NEAREST_NEIGHBOR",
				       "AVERAGE_POOL_2D (padded windows)", "CONV_2D (wide rows)",
				       "DEPTHWISE_CONV_2D (wide rows)",
				       "LOGISTIC/TANH/HARD_SWISH/LEAKY_RELU", "TRANSPOSE_CONV",
				       "SOFTMAX", "STRIDED_SLICE",
				       "TRANSPOSE/RESHAPE/DEPTH_TO_SPACE/SPACE_TO_DEPTH", "BATCH_MATMUL",
				       "L2_NORMALIZATION", "ARG_MAX" };
	char what[256];
	int kind, u8, i;
	unsigned int si, pt, tsi;

	ktap_start();
	for (si = 0; si < sizeof(sets) / sizeof(sets[0]); si++) {
		const char *set = sets[si].name, *via = sets[si].via;

		if (exec_cpu_set_kernels(set)) {
			ktap_skip("this CPU (or build) has no %s kernels", set);
			continue;
		}
		if (strcmp(exec_cpu_kernels_name(0), set)) {
			ktap_ok(0, "kernel set %s forced, %s in use", set, exec_cpu_kernels_name(0));
			continue;
		}
		for (kind = 0; kind < N_KINDS; kind++) {
			/* BATCH_MATMUL: int8 only */
			for (u8 = 0; u8 < (kind == 24 ? 1 : 2); u8++) {
				int bad = 0, runs = 0;
				unsigned long ran = exec_cpu_kernels_ops(set), self;
				unsigned long ran_via = via ? exec_cpu_kernels_ops(via) : 0;
				uint64_t bit = 1ULL << (kind + (u8 ? 0 : 32));
#if !defined(__aarch64__)
				/*
				 * RESIZE_BILINEAR, TRANSPOSE_CONV, SOFTMAX and the rest
				 * are AVX2 kernels, VNNI's too (PRELU, int8
				 * RESIZE_BILINEAR, MUL, MAXIMUM/MINIMUM, AVERAGE_POOL_2D:
				 * VNNI's own); cpu-common.c's count as the set in use
				 */
				const char *by = kind == 11 || kind == 14 || kind == 20 || kind == 21 ||
						 (kind == 8 && u8) ? "avx2" : set;
				unsigned long ran_by = exec_cpu_kernels_ops(by);
#endif

				rs = 88172645463325252ULL + (uint64_t)(kind * 2 + u8);
				for (i = 0; i < 200; i++) {
					int r;

					r = one_kind(kind, u8, what, sizeof(what));
					if (r < 0)
						continue;
					runs++;
					if (r) {
						if (bad++ < 3)
							ktap_diag("differs: %s", what);
					}
				}
				ran = self = exec_cpu_kernels_ops(set) - ran;
				if (via)
					ran += exec_cpu_kernels_ops(via) - ran_via;
				ktap_ok(!bad && runs > 50,
					"%s %s: %d random programs, %s kernels equal the reference"
					" (%lu run by %s%s%s)", names[kind], u8 ? "uint8" : "int8", runs,
					set, ran, set, via ? " or " : "", via ? via : "");
				if ((sets[si].kinds & bit) && ran < (unsigned long)runs / 2)
					ktap_ok(0, "%s ran only %lu of %d ops", set, ran, runs);
				if ((sets[si].self & bit) && self < (unsigned long)runs / 2)
					ktap_ok(0, "%s itself ran only %lu of %d ops", set, self, runs);
#if defined(__x86_64__)
				/* the table ops: VNNI's own kernel where the CPU has AVX-512 VBMI */
				if (kind == 19 && !strcmp(set, "vnni") &&
				    __builtin_cpu_supports("avx512vbmi") && self < (unsigned long)runs)
					ktap_ok(0, "vnni (VBMI) ran %lu of %d table ops", self, runs);
#else
				/* the table ops: NEON's own kernel, every one, whatever its size */
				if (kind == 19 && ran < (unsigned long)runs)
					ktap_ok(0, "%s ran %lu of %d table ops", set, ran, runs);
#endif
				/* depthwise: every program, depth multipliers > 1 too, both runs */
				if ((kind == 1 || kind == 18) && ran < 2UL * (unsigned long)runs)
					ktap_ok(0, "%s ran %lu of the %d depthwise runs", set, ran, 2 * runs);
				/* AVX2 CONV_2D: every program, both runs */
				if ((kind == 0 || kind == 17) && !strcmp(set, "avx2") &&
				    self < 2UL * (unsigned long)runs)
					ktap_ok(0, "avx2 ran %lu of the %d CONV_2D runs", self, 2 * runs);
#if !defined(__aarch64__)
				ran_by = exec_cpu_kernels_ops(by) - ran_by;
				if (kind >= 9 && kind < 16) {
					/*
					 * declined: concatenations of mixed zero points only
					 * (ADD/SUB broadcast along N, H, W and MEAN's integer
					 * pipeline: VNNI's own)
					 */
					unsigned long got = ran_by + ((kind == 11 || kind == 14) &&
									strcmp(by, set) ? self : 0);

					if (got < (unsigned long)runs * 3 / 4)
						ktap_ok(0, "%s ran only %lu of %d ops", by, got, runs);
				} else if (kind == 7 || kind == 8) {
					/*
					 * PRELU: 3 alpha forms in 4 run; RESIZE: 7 in 8 (uint8:
					 * the float arithmetic, cpu-common.c's; random-bit
					 * weights 1 time in 8, declined when out of range)
					 */
					if (ran_by < (unsigned long)runs / 3)
						ktap_ok(0, "%s ran only %lu of %d ops", by, ran_by, runs);
				} else if (kind == 20) {
					/* TRANSPOSE_CONV: every one */
					if (ran_by < (unsigned long)runs)
						ktap_ok(0, "%s ran only %lu of %d ops", by, ran_by, runs);
				} else if (kind == 21) {
					/* SOFTMAX: all but the random-bit tables (1 in 8) */
					if (ran_by < (unsigned long)runs * 3 / 4)
						ktap_ok(0, "%s ran only %lu of %d ops", by, ran_by, runs);
				}
#endif
			}
		}
	}
	exec_cpu_set_kernels(NULL);

	/*
	 * MEAN with the float unit rounding upward (an application may set
	 * that): kernels that use the CPU's binary32 arithmetic for the
	 * float pipeline must notice and leave it to the software one.
	 */
	for (u8 = 0; u8 < 2; u8++) {
		int bad = 0, runs = 0, up;

		rs = 4242ULL + (uint64_t)u8;
		up = !fesetround(FE_UPWARD);
		for (i = 0; up && i < 100; i++) {
			int r = one_more(14, u8, what, sizeof(what));

			if (r < 0)
				continue;
			runs++;
			if (r && bad++ < 3)
				ktap_diag("differs: %s", what);
		}
		fesetround(FE_TONEAREST);
		if (!up)
			ktap_skip("fesetround(FE_UPWARD) failed");
		else
			ktap_ok(!bad && runs > 50, "MEAN %s rounding upward (%s kernels): %d random"
				" programs equal the reference", u8 ? "uint8" : "int8",
				exec_cpu_kernels_name(0), runs);
	}

	/*
	 * SOFTMAX and uint8 RESIZE_BILINEAR (u8 2: its float pipeline) with
	 * the float unit rounding upward, and (x86-64) flushing subnormals to
	 * zero: kernels that use the CPU's binary32 arithmetic must leave them
	 * to the reference's software one.
	 */
	for (u8 = 0; u8 < 3; u8++) {
		int runs = 0, bad = fp_modes(fp_draw_softmax, u8, 5151ULL, &runs);

		ktap_ok(!bad && runs > 50, "%s rounding upward, flushing subnormals (%s"
			" kernels): %d random programs equal the reference",
			u8 == 2 ? "RESIZE_BILINEAR uint8" : u8 ? "SOFTMAX uint8" : "SOFTMAX int8",
			exec_cpu_kernels_name(0), runs);
	}

	/*
	 * CONV_2D, DEPTHWISE_CONV_2D and MUL (u8 0, 1, 2; int8: their draws
	 * of sums near a rounding) the same way: a rescale in binary32 (VNNI's
	 * MUL, mul_row_f()) must round to nearest whatever the mode.
	 */
	for (u8 = 0; u8 < 3; u8++) {
		int runs = 0, bad = fp_modes(fp_draw_rescale, u8, 6161ULL, &runs);

		ktap_ok(!bad && runs > 50, "%s int8 rounding upward, flushing subnormals (%s"
			" kernels): %d random programs equal the reference",
			u8 == 2 ? "MUL" : u8 ? "DEPTHWISE_CONV_2D" : "CONV_2D",
			exec_cpu_kernels_name(0), runs);
	}

	/*
	 * Layers of real models' shapes (struct layer), int8 and uint8, with
	 * the best set of this CPU: 3 drawings of the rest each.
	 */
	{
		static const struct layer layers[] = {
			/* RGB stems (uint8: the patch sums of few channels) */
			{ 0, 64, 64, 3, 32, 3, 3, 2 }, { 0, 48, 48, 3, 24, 5, 5, 2 },
			{ 0, 31, 29, 3, 16, 3, 3, 1 },
			/* 1-channel spectrogram and keyword-spotting stems */
			{ 0, 49, 40, 1, 32, 3, 3, 1 }, { 0, 49, 10, 1, 64, 10, 4, 2 },
			/* few-channel 3x3 and pointwise */
			{ 0, 24, 24, 16, 16, 3, 3, 1 }, { 0, 14, 14, 64, 128, 1, 1, 1 },
			/* depthwise 3x3 and 5x5, strides 1 and 2, channel counts of real models */
			{ 1, 28, 28, 8, 8, 3, 3, 1 }, { 1, 28, 28, 24, 24, 3, 3, 2 },
			{ 1, 14, 14, 96, 96, 3, 3, 1 }, { 1, 15, 15, 144, 144, 3, 3, 2 },
			{ 1, 7, 7, 240, 240, 5, 5, 1 }, { 1, 20, 20, 35, 35, 3, 3, 2 },
			{ 1, 20, 20, 35, 35, 5, 5, 1 }, { 1, 28, 28, 32, 32, 3, 3, 1 },
			/* 3x3 on whole groups of 16 channels: rows of 1..3 pixels past the blocks of 4 */
			{ 1, 9, 11, 16, 16, 3, 3, 1 }, { 1, 10, 13, 48, 48, 3, 3, 2 },
			{ 1, 7, 6, 64, 64, 3, 3, 1 }, { 1, 12, 12, 192, 192, 3, 3, 2 },
			/* and channels past the last whole group of 16 */
			{ 1, 11, 9, 35, 35, 3, 3, 1 }, { 1, 9, 14, 8, 8, 3, 3, 2 },
			{ 1, 12, 10, 72, 72, 3, 3, 1 },
			/*
			 * stride-1 3x3 rows too big for the L1 cache: passes over
			 * groups of channels (the last one's part past 16 too)
			 */
			{ 1, 6, 40, 200, 200, 3, 3, 1 }, { 1, 5, 33, 320, 320, 3, 3, 1, 2 },
			/* atrous 3x3 (DeepLab): each residue of the dilation on its own */
			{ 1, 17, 17, 320, 320, 3, 3, 1, 2 }, { 1, 19, 23, 64, 64, 3, 3, 1, 4 },
			{ 1, 13, 15, 35, 35, 3, 3, 1, 3 }, { 0, 17, 17, 64, 64, 3, 3, 1, 2 },
			/* keyword spotting and classifier heads */
			{ 2, 1, 1, 512, 256, 1, 1, 1 }, { 2, 1, 1, 2000, 12, 1, 1, 1 },
			{ 2, 1, 1, 256, 256, 1, 1, 1 },
		};
		unsigned int li;

		for (li = 0; li < sizeof(layers) / sizeof(layers[0]); li++) {
			for (u8 = 0; u8 < 2; u8++) {
				int bad = 0, runs = 0;

				fixed = &layers[li];
				rs = 7777ULL + (uint64_t)(li * 2 + u8);
				for (i = 0; i < 3; i++) {
					int r = one(fixed->kind, u8, what, sizeof(what));

					if (r < 0)
						continue;
					runs++;
					if (r && bad++ < 3)
						ktap_diag("differs: %s", what);
				}
				fixed = NULL;
				ktap_ok(!bad && runs == 3, "%s %s %ux%ux%u -> %u k%ux%u s%u d%u (%s kernels):"
					" %d programs equal the reference", names[layers[li].kind],
					u8 ? "uint8" : "int8", layers[li].h, layers[li].w,
					layers[li].ic, layers[li].oc, layers[li].kh, layers[li].kw,
					layers[li].s, layers[li].d ? layers[li].d : 1,
					exec_cpu_kernels_name(0), runs);
			}
		}
	}

	/*
	 * Threads: pools of 2 and 3 (every op split, whatever its size, so
	 * rows, pixels, channel blocks or bytes that do not divide evenly
	 * among the threads), the same bytes as the reference. The VNNI
	 * kernels split CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED (by
	 * batch rows and output channels), ADD/SUB of equal shapes and
	 * MAX_POOL_2D; the AVX2 ones (under VNNI too) PRELU, int8
	 * RESIZE_BILINEAR, AVERAGE_POOL_2D, MEAN (all three pipelines) and
	 * SOFTMAX; the NEON ones ADD/SUB of equal shapes (most programs
	 * must split), int8 RESIZE_BILINEAR, MEAN and TRANSPOSE_CONV; AVX2
	 * and NEON MUL, MAXIMUM/MINIMUM and ADD/SUB in broadcast forms
	 * (cpu-common.c's walk); every optimized set the tables
	 * (RELU/RELU6/QUANTIZE, LOGISTIC and the other table ops), PAD,
	 * STRIDED_SLICE, TRANSPOSE, DEPTH_TO_SPACE, SPACE_TO_DEPTH,
	 * L2_NORMALIZATION, ARG_MAX, CONCATENATION, RESIZE_NEAREST_NEIGHBOR and the
	 * repeated input of depthwise depth multipliers > 1. The rest runs on
	 * the calling thread.
	 */
	for (tsi = 0; tsi < 2 * sizeof(tsets) / sizeof(tsets[0]); tsi++) {
		pt = 2 + tsi % 2;
		if (tsets[tsi / 2] && exec_cpu_set_kernels(tsets[tsi / 2])) {
			ktap_skip("this CPU (or build) has no %s kernels", tsets[tsi / 2]);
			continue;
		}
		pool = exec_pool_new(pt);
		ktap_ok(pool && exec_pool_threads(pool) == pt, "a pool of %u threads", pt);
		exec_cpu_set_par_min(0);
		for (kind = 0; pool && kind < N_KINDS; kind++) {
			for (u8 = 0; u8 < (kind == 24 ? 1 : 2); u8++) {
				unsigned long splits = exec_cpu_par_splits();
				const char *ks = exec_cpu_kernels_name(0);
				int bad = 0, runs = 0, split, most = 0;
#if defined(__aarch64__)
				/* the table ops: NEON's kernel splits them itself */
				unsigned long by_neon = exec_cpu_kernels_ops("neon");
#endif

				if (kind == 4 || kind == 5 || kind == 12 || kind == 15 || kind == 19 ||
				    kind == 22 || kind == 23 || kind == 24 || kind == 25 ||
				    kind == 26 || (kind >= 9 && kind <= 11))
					/* cpu.c: the tables, PAD, STRIDED_SLICE, TRANSPOSE,
					 * RESHAPE, DEPTH_TO_SPACE, SPACE_TO_DEPTH;
					 * cpu-common.c's CONCATENATION, RESIZE_NEAREST_NEIGHBOR,
					 * L2_NORMALIZATION and ARG_MAX; BATCH_MATMUL (VNNI's, cpu-common.c's);
					 * cpu-common.c's walk of MUL,
					 * MAXIMUM/MINIMUM, ADD/SUB (AVX2's and NEON's) */
					split = strcmp(ks, "reference") != 0;
#if !defined(__aarch64__)
				else if (kind == 7 || kind == 8 || kind == 13 || kind == 14 ||
					 kind == 16 || kind == 20 || kind == 21)
					/* PRELU (VNNI's or cpu-common.c's), the AVX2 int8
					 * RESIZE_BILINEAR, pools, MEAN, TRANSPOSE_CONV, SOFTMAX */
					split = strcmp(ks, "reference") && !(u8 && kind == 8);
#else
				else if (kind == 3)
					/*
					 * NEON's ADD/SUB: equal shapes (3 in 4) split
					 * themselves, broadcast ones in cpu-common.c's
					 * walk; all but the few of one block of 16
					 */
					split = most = strcmp(ks, "reference") != 0;
				else if (kind == 7)
					/* cpu-common.c's PRELU */
					split = strcmp(ks, "reference") != 0;
				else if (kind == 8)
					/* NEON's int8 RESIZE_BILINEAR (cpu-common.c's walk) */
					split = strcmp(ks, "reference") && !u8;
				else if (kind == 14 || kind == 20)
					/* NEON's MEAN and TRANSPOSE_CONV (cpu-common.c's walks) */
					split = strcmp(ks, "reference") != 0;
				else if (kind == 13 || kind == 16 || kind == 21)
					split = 0;
#endif
				else
					split = !strcmp(ks, "vnni") ||
						(!strcmp(ks, "avx2") && (AVX2_SPLITS >> kind & 1));

				rs = 99991ULL + (uint64_t)(kind * 2 + u8);
				for (i = 0; i < 100; i++) {
					int r;

					r = one_kind(kind, u8, what, sizeof(what));
					if (r < 0)
						continue;
					runs++;
					if (r && bad++ < 3)
						ktap_diag("differs: %s", what);
				}
				splits = exec_cpu_par_splits() - splits;
#if defined(__aarch64__)
				by_neon = exec_cpu_kernels_ops("neon") - by_neon;
				if (kind == 19 && strcmp(ks, "reference") &&
				    by_neon < (unsigned long)runs)
					ktap_ok(0, "neon ran %lu of %d table ops on %u threads", by_neon,
						runs, pt);
#endif
				ktap_ok(!bad && runs > 50 && (!split || splits > 0) &&
					(!most || splits >= (unsigned long)runs * 3 / 4),
					"%s %s on %u threads (%s kernels): %d random programs equal"
					" the reference, %lu split%s", names[kind],
					u8 ? "uint8" : "int8", pt, ks, runs, splits,
					split ? "" : " (not split here)");
			}
		}
		exec_cpu_set_par_min(65536);
		exec_pool_free(pool);
		pool = NULL;
		exec_cpu_set_kernels(NULL);
	}
	return ktap_finish();
}
