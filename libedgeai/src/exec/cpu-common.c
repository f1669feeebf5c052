// SPDX-License-Identifier: MIT
/*
 * The kernels every optimized set shares, in plain C: PRELU through a
 * table per alpha channel, CONCATENATION and RESIZE_NEAREST_NEIGHBOR as
 * copies of whole rows or pixels, SOFTMAX in the CPU's own binary32
 * arithmetic (the AVX2 set has a vector one of its own). Nothing here
 * needs a vector unit, so the arm64 sets get them as the x86-64 ones do.
 * exec_opt_run() (cpu.c)
 * tries them for what the set in use, and the sets it passes ops to,
 * decline (the VNNI set has a vector PRELU of its own); the reference
 * kernels of firmware/ops/ take what these decline. Same bytes as the
 * reference: the PRELU table is the reference's arithmetic on each of the
 * 256 inputs, the copies move the bytes it would, SOFTMAX's binary32
 * steps are the reference's software ones.
 * Also the plain-C walks the AVX2 and NEON sets share (cpu-opt.h), around
 * a set's vector code: int8 RESIZE_BILINEAR's pixels, the broadcast
 * strides of ADD/SUB/MUL/MAXIMUM/MINIMUM, MEAN's channel blocks,
 * TRANSPOSE_CONV's taps, BATCH_MATMUL's int16 rows and columns, the rows
 * of L2_NORMALIZATION and ARG_MAX (every set's vector code, VNNI's too).
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "exec/cpu-opt.h"

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
 * CONCATENATION of 8-bit tensors (same quantization): for each index of
 * the axes before the concatenation axis (@outer of them), each input's
 * chunk in turn, so the output is written in order; items [begin, end)
 * per part.
 */
static void concat_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct ek_op *o = ctx;
	const struct edgeai_prog_concat_params *p = (const void *)o->op->params;
	const struct ek_tensor *out = &o->out;
	uint32_t ax = p->axis, i, k, inner = 1;
	size_t row;
	uint8_t *dst;

	for (i = ax + 1; i < 4; i++)
		inner *= out->d[i];
	row = (size_t)out->d[ax] * inner;
	dst = (uint8_t *)out->data + (size_t)begin * row;
	for (i = begin; i < end; i++) {
		for (k = 0; k < o->n_in; k++) {
			size_t chunk = (size_t)o->in[k].d[ax] * inner;

			exec_copy_run(dst, (const uint8_t *)o->in[k].data + i * chunk, chunk);
			dst += chunk;
		}
	}
}

static int concat(const struct ek_op *o)
{
	const struct edgeai_prog_concat_params *p = (const void *)o->op->params;
	const struct ek_tensor *out = &o->out;
	uint32_t k, i, outer = 1, base = 0, ax = p->axis;

	if (ax > 3 || !o->n_in || !ek_is8(out->dtype))
		return EXEC_OPT_NOT_HANDLED;
	for (i = 0; i < ax; i++)
		outer *= out->d[i];
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
	/* memcpy and stores: a quarter of a unit of work per byte */
	if (exec_par_worth(ek_count(out) / 4))
		exec_par_for(outer, concat_part, (void *)o);
	else
		concat_part((void *)o, 0, outer);
	return 0;
}

/*
 * RESIZE_NEAREST_NEIGHBOR of 8-bit tensors: a pixel's channels copied
 * whole, and a run of output pixels that read consecutive input pixels
 * (a TILE's wrapping map, compile.c) in one copy; output rows that read
 * the same input row as the one before them (an upscale, a broadcast)
 * copies of the rows done, in doubling blocks. Output rows (batch * H +
 * y) [begin, end) per part.
 */
static void resize_nearest_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct ek_op *o = ctx;
	const struct edgeai_prog_resize_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const uint32_t *ym = ek_const(o, p->y_map_offset, 4ULL * out->d[1], 4);
	const uint32_t *xm = ek_const(o, p->x_map_offset, 4ULL * out->d[2], 4);
	uint32_t ch = out->d[3], r, x, run;
	size_t row = (size_t)out->d[2] * ch;

	for (r = begin; r < end; r++) {
		uint32_t n = r / out->d[1], y = r % out->d[1];
		uint8_t *dst = (uint8_t *)out->data + (size_t)r * row;
		const uint8_t *src = (const uint8_t *)in->data + ek_idx(in, n, ym[y], 0, 0);

		if (r > begin && y > 0 && ym[y] == ym[y - 1]) {
			/* rows [r, e) repeat row r - 1: copies of those done, doubling */
			uint32_t e = r + 1;
			size_t have = 1, left, k;

			while (e < end && e % out->d[1] && ym[e % out->d[1]] == ym[y])
				e++;
			for (left = e - r; left; left -= k, have += k, dst += k * row) {
				k = left < have ? left : have;
				memcpy(dst, dst - have * row, k * row);
			}
			r = e - 1;
			continue;
		}
		for (x = 0; x < out->d[2]; x += run) {
			for (run = 1; x + run < out->d[2] && xm[x + run] == xm[x] + run; run++)
				;
			exec_copy_run(dst + (size_t)x * ch, src + (size_t)xm[x] * ch,
				      (size_t)run * ch);
		}
	}
}

static int resize_nearest(const struct ek_op *o)
{
	const struct edgeai_prog_resize_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], y, x, rows = out->d[0] * out->d[1];
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
	if (exec_par_worth(ek_count(out) / 4))
		exec_par_for(rows, resize_nearest_rows, (void *)o);
	else
		resize_nearest_rows((void *)o, 0, rows);
	return 0;
}

/* |w_lo| + |w_hi| <= 4000, in 64 bits (any 32-bit pattern may come). */
static int resize_w_ok(const struct edgeai_prog_interp *m)
{
	int64_t a = (int32_t)m->w_lo, b = (int32_t)m->w_hi;

	return (a < 0 ? -a : a) + (b < 0 ? -b : b) <= 4000;
}

/* Output rows [begin, end) (batch * oh + y) of a RESIZE_BILINEAR. */
struct resize_job {
	const struct ek_op *o;
	const struct edgeai_prog_interp *ym, *xm;
	exec_resize_vrow_fn *vrow;
	exec_resize_px_fn *px;
	_Atomic int failed;
};

static void resize_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct resize_job *rj = ctx;
	const struct ek_op *o = rj->o;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = out->d[3], nv = in->d[2] * ch, row, n, y, x, c, j;
	int32_t *v = malloc((size_t)nv * sizeof(*v));

	if (!v) {
		rj->failed = 1;
		return;
	}
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
		for (j = rj->vrow(rlo, rhi, (int32_t)r->w_lo, (int32_t)r->w_hi, v, nv); j < nv; j++)
			v[j] = rlo[j] * (int32_t)r->w_lo + rhi[j] * (int32_t)r->w_hi;
		for (x = 0; x < out->d[2]; x++, dst += ch) {
			const struct edgeai_prog_interp *q = &rj->xm[x];
			const int32_t *va = v + (size_t)q->lo * ch, *vb = v + (size_t)q->hi * ch;
			int32_t wl = (int32_t)q->w_lo, wh = (int32_t)q->w_hi;

			for (c = rj->px(va, vb, wl, wh, dst, ch); c < ch; c++) {
				int32_t acc = va[c] * wl + vb[c] * wh, s;

				/* half away from zero, then / 2^20 toward zero */
				acc += acc > 0 ? (1 << 19) : -(1 << 19);
				s = acc >= 0 ? acc >> 20 : -((-acc) >> 20);
				dst[c] = (int8_t)(s < -128 ? -128 : s > 127 ? 127 : s);
			}
		}
	}
	free(v);
}

int exec_resize_maps(const struct ek_op *o, const struct edgeai_prog_interp **ym,
		     const struct edgeai_prog_interp **xm)
{
	const struct edgeai_prog_resize_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t y, x;

	if (in->dtype != EDGEAI_DTYPE_INT8 || out->dtype != EDGEAI_DTYPE_INT8 ||
	    p->arith != EDGEAI_RESIZE_FIXED10 || in->d[0] != out->d[0] || in->d[3] != out->d[3])
		return EXEC_OPT_NOT_HANDLED;
	*ym = ek_const(o, p->y_map_offset, (uint64_t)out->d[1] * sizeof(**ym), 4);
	*xm = ek_const(o, p->x_map_offset, (uint64_t)out->d[2] * sizeof(**xm), 4);
	if (!*ym || !*xm)
		return EXEC_OPT_NOT_HANDLED;
	for (y = 0; y < out->d[1]; y++)
		if ((*ym)[y].lo >= in->d[1] || (*ym)[y].hi >= in->d[1] || !resize_w_ok(&(*ym)[y]))
			return EXEC_OPT_NOT_HANDLED;
	for (x = 0; x < out->d[2]; x++)
		if ((*xm)[x].lo >= in->d[2] || (*xm)[x].hi >= in->d[2] || !resize_w_ok(&(*xm)[x]))
			return EXEC_OPT_NOT_HANDLED;
	return 0;
}

int exec_resize_bilinear(const struct ek_op *o, exec_resize_vrow_fn *vrow, exec_resize_px_fn *px)
{
	const struct ek_tensor *out = &o->out;
	uint32_t rows = out->d[0] * out->d[1];
	struct resize_job rj = { .o = o, .vrow = vrow, .px = px };

	if (exec_resize_maps(o, &rj.ym, &rj.xm) || !out->d[3] ||
	    (uint64_t)o->in[0].d[2] * out->d[3] > INT32_MAX / 4)
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth((uint64_t)ek_count(out) * 4))
		exec_par_for(rows, resize_rows, &rj);
	else
		resize_rows(&rj, 0, rows);
	/* a part without memory for V left its rows: the reference does them all */
	return rj.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

int exec_bstrides(const struct ek_tensor *t, const struct ek_tensor *out, size_t st[4])
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

static inline int32_t ld8(const uint8_t *p, int s8)
{
	return s8 ? (int32_t)(int8_t)*p : (int32_t)*p;
}

int exec_binary_init(struct exec_binary *bj, const struct ek_op *o)
{
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	const struct edgeai_prog_add_params *ap = (const void *)o->op->params;
	const struct edgeai_prog_mul_params *mp = (const void *)o->op->params;
	uint32_t op = o->op->opcode, ch = out->d[3];
	int s8 = out->dtype == EDGEAI_DTYPE_INT8;
	size_t ea, eb;

	if ((op != EDGEAI_OP_ADD && op != EDGEAI_OP_SUB && op != EDGEAI_OP_MUL &&
	     op != EDGEAI_OP_MAXIMUM && op != EDGEAI_OP_MINIMUM &&
	     op != EDGEAI_OP_SQUARED_DIFFERENCE) ||
	    !ek_is8(out->dtype) || a->dtype != out->dtype || b->dtype != out->dtype ||
	    exec_bstrides(a, out, bj->sa) || exec_bstrides(b, out, bj->sb))
		return EXEC_OPT_NOT_HANDLED;
	bj->o = o;
	bj->s8 = s8;
	bj->lo = s8 ? -128 : 0;
	bj->hi = s8 ? 127 : 255;
	bj->row = NULL;
	bj->vec = NULL;
	bj->px_ok = 0;
	bj->px = 0;
	bj->mul = 0;
	bj->shift = 0;
	if (op == EDGEAI_OP_MUL) {
		if (mp->out_multiplier < 0 || mp->act_min < bj->lo || mp->act_max > bj->hi)
			return EXEC_OPT_NOT_HANDLED;
		bj->mul = mp->out_multiplier;
		bj->shift = mp->out_shift;
		bj->lo = mp->act_min;
		bj->hi = mp->act_max;
	}
	if (op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB || op == EDGEAI_OP_SQUARED_DIFFERENCE) {
		if (ap->left_shift > 30 || ap->out_multiplier < 0 || ap->act_min < bj->lo ||
		    ap->act_max > bj->hi)
			return EXEC_OPT_NOT_HANDLED;
		bj->mul = ap->out_multiplier;
		bj->shift = ap->out_shift;
		bj->lo = ap->act_min;
		bj->hi = ap->act_max;
	}
	bj->ta = bj->tb = NULL;
	bj->no_tables = 0;
	/*
	 * A run is a pixel's channels; or a whole row of the output where
	 * each input's row is contiguous or one value (for one channel, its
	 * column stride alone says which).
	 */
	ea = ch == 1 ? bj->sa[2] : bj->sa[3];
	eb = ch == 1 ? bj->sb[2] : bj->sb[3];
	if (bj->sa[2] == ch * ea && bj->sb[2] == ch * eb) {
		bj->run = out->d[2] * ch;
		bj->runs = 1;
		bj->ca = (int)ea;
		bj->cb = (int)eb;
	} else {
		bj->run = ch;
		bj->runs = out->d[2];
		bj->ca = (int)bj->sa[3];
		bj->cb = (int)bj->sb[3];
	}
	return 0;
}

/* Runs [begin, end) of the output (image * H * runs + row * runs + run). */
static void binary_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct exec_binary *bj = ctx;
	const struct ek_op *o = bj->o;
	const struct ek_tensor *a = &o->in[0], *b = &o->in[1], *out = &o->out;
	uint32_t op = o->op->opcode, h = out->d[1], i, c, n, y, x, len = bj->run;
	int32_t r, lo = bj->lo, hi = bj->hi;
	size_t ca = (size_t)bj->ca, cb = (size_t)bj->cb;
	int s8 = bj->s8;

	/* the run's image, row and place in the row; counted, not divided, per run */
	n = begin / (h * bj->runs);
	y = begin / bj->runs % h;
	x = begin % bj->runs;
	for (i = begin; i < end; i++) {
		uint8_t *dst = (uint8_t *)out->data + (size_t)i * len;
		const uint8_t *pa, *pb;

		if (x == bj->runs) {
			x = 0;
			if (++y == h) {
				y = 0;
				n++;
			}
		}
		pa = bj->da + n * bj->sa[0] + y * bj->sa[1] + x * bj->sa[2];
		pb = bj->db + n * bj->sb[0] + y * bj->sb[1] + x * bj->sb[2];
		x++;
		c = bj->row ? bj->row(bj, pa, pb, dst, len) : 0;
		for (; c < len; c++) {
			size_t ia = c * ca, ib = c * cb;

			if (bj->px) {	/* an input of one value per pixel */
				ia += ca ? 0 : c / bj->px;
				ib += cb ? 0 : c / bj->px;
			}
			switch (op) {
			case EDGEAI_OP_ADD:
			case EDGEAI_OP_SUB: {
				int32_t u = bj->ta[pa[ia]], v = bj->tb[pb[ib]];

				r = op == EDGEAI_OP_SUB ? ek_wsub(u, v) : ek_wadd(u, v);
				r = ek_wadd(ek_mbqm(r, bj->mul, bj->shift), out->zp);
				break;
			}
			case EDGEAI_OP_SQUARED_DIFFERENCE:
				/* the reference's square: 32-bit, wrapping */
				r = ek_wsub(bj->ta[pa[ia]], bj->tb[pb[ib]]);
				r = (int32_t)((uint32_t)r * (uint32_t)r);
				r = ek_wadd(ek_mbqm(r, bj->mul, bj->shift), out->zp);
				break;
			case EDGEAI_OP_MUL:
				r = (ld8(pa + ia, s8) - a->zp) * (ld8(pb + ib, s8) - b->zp);
				r = ek_wadd(ek_mbqm(r, bj->mul, bj->shift), out->zp);
				break;
			default: {	/* MAXIMUM, MINIMUM */
				int32_t u = ld8(pa + ia, s8), v = ld8(pb + ib, s8);

				r = op == EDGEAI_OP_MAXIMUM ? (u > v ? u : v) : (u < v ? u : v);
			}
			}
			dst[c] = (uint8_t)(r < lo ? lo : r > hi ? hi : r);
		}
	}
}

/*
 * An input of one value per channel (strides 0, 0, 0, 1) next to one whose
 * rows are contiguous: runs of a pixel's channels are short (a run each,
 * with its walk and the set's setup). Its channels repeated along a row
 * make it a contiguous row like the other's, the same for every row, so
 * the runs become whole rows. Returns the row (free() it), or NULL: not
 * this form, or no memory (the runs stay as they were).
 */
static uint8_t *channel_row(const struct exec_binary *bj, const size_t *s, const size_t *so,
			    const uint8_t *data)
{
	const struct ek_tensor *out = &bj->o->out;
	uint32_t ch = out->d[3], w = out->d[2], x;
	uint8_t *row;

	if (bj->run != ch || w < 2 || ch < 2 || s[0] || s[1] || s[2] || s[3] != 1 ||
	    so[3] != 1 || so[2] != ch || (size_t)w * ch > EXEC_BINARY_ROW_MAX)
		return NULL;
	row = malloc((size_t)w * ch);
	if (!row)
		return NULL;
	for (x = 0; x < w; x++)
		memcpy(row + (size_t)x * ch, data, ch);
	return row;
}

/*
 * Pixels of this many channels or more keep a run each where the op is
 * split across the threads and has fewer rows than twice their number (a
 * LayerNormalization's [1, 1, tokens, C]): such runs are long enough for
 * a run's setup, and the threads split the pixels
 */
#define PIXEL_ROWS_MAX_CH 256

/*
 * Whether the runs of @bj are a pixel's channels, with one input of one
 * value per pixel and the other's rows contiguous, and its set's row
 * takes runs of several pixels (@px_ok).
 */
static int pixel_rows(const struct exec_binary *bj)
{
	const struct ek_tensor *out = &bj->o->out;
	uint32_t ch = out->d[3];

	if (!bj->px_ok || bj->run != ch || bj->runs != out->d[2] || ch < 2 || bj->runs < 2 ||
	    (size_t)bj->runs * ch > EXEC_BINARY_ROW_MAX)
		return 0;
	if (ch >= PIXEL_ROWS_MAX_CH && exec_par_worth(ek_count(out)) &&
	    out->d[0] * out->d[1] < 2 * exec_par_threads())
		return 0;
	return (bj->sa[3] == 0 && bj->sa[2] == 1 && bj->sb[3] == 1 && bj->sb[2] == ch) ||
	       (bj->sb[3] == 0 && bj->sb[2] == 1 && bj->sa[3] == 1 && bj->sa[2] == ch);
}

void exec_binary_run(const struct exec_binary *bj)
{
	const struct ek_tensor *out = &bj->o->out;
	const struct edgeai_prog_add_params *ap = (const void *)bj->o->op->params;
	uint32_t op = bj->o->op->opcode;
	struct exec_binary wj = *bj;
	int32_t tab[2][256];
	uint8_t *row;
	uint32_t items;

	wj.da = bj->o->in[0].data;
	wj.db = bj->o->in[1].data;
	/*
	 * ADD/SUB/SQUARED_DIFFERENCE: each input's rescale depends on its
	 * byte only, so it comes from a 256-entry table the reference's
	 * function fills
	 */
	if (!bj->no_tables && (op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB ||
			       op == EDGEAI_OP_SQUARED_DIFFERENCE)) {
		exec_add_in_table(tab[0], &bj->o->in[0], ap->left_shift, ap->in0_multiplier,
				  ap->in0_shift);
		exec_add_in_table(tab[1], &bj->o->in[1], ap->left_shift, ap->in1_multiplier,
				  ap->in1_shift);
		wj.ta = tab[0];
		wj.tb = tab[1];
	}
	row = channel_row(bj, bj->sa, bj->sb, wj.da);
	if (row) {
		wj.da = row;
		wj.sa[2] = 0;
	} else {
		row = channel_row(bj, bj->sb, bj->sa, wj.db);
		if (row) {
			wj.db = row;
			wj.sb[2] = 0;
		}
	}
	if (row) {
		wj.run = out->d[2] * out->d[3];
		wj.runs = 1;
		wj.ca = 1;
		wj.cb = 1;
	} else if (pixel_rows(bj)) {
		wj.px = wj.run;
		wj.run = out->d[2] * out->d[3];
		wj.runs = 1;
	}
	items = out->d[0] * out->d[1] * wj.runs;
	if (exec_par_worth(ek_count(out)))
		exec_par_for(items, binary_part, &wj);
	else
		binary_part(&wj, 0, items);
	free(row);
}

void exec_add_in_table(int32_t v[256], const struct ek_tensor *t, uint32_t ls, int32_t mul,
		       int32_t shift)
{
	uint32_t i;

	for (i = 0; i < 256; i++) {
		int32_t x = (t->dtype == EDGEAI_DTYPE_INT8 ? (int32_t)(int8_t)i : (int32_t)i) - t->zp;

		v[i] = ek_mbqm((int32_t)((uint32_t)x << ls), mul, shift);
	}
}

void exec_add_in_make(struct exec_add_in *ai, int32_t mul, int32_t shift, uint32_t ls, int32_t za)
{
	int32_t left = shift > 0 ? shift : 0, e = shift > 0 ? 0 : -shift;
	int32_t L = (int32_t)ls + left, k = 31 - L, mh, ml;
	int64_t c3;

	memset(ai, 0, sizeof(*ai));
	if (L < 9 || L > 23 || e > 30 ||
	    ((int64_t)255 << L) + (e ? (int64_t)1 << (e - 1) : 0) + 512 >= ((int64_t)1 << 31))
		return;
	mh = mul >> k;
	ml = mul & ((1 << k) - 1);
	c3 = -(int64_t)za * mh + (e ? (int64_t)1 << (e - 1) : 0);
	ai->fast = 1;
	ai->mh = mh;
	ai->ml = ml;
	ai->c2 = (1 << (k - 1)) - za * ml;
	ai->c3 = (int32_t)c3;
	ai->half = e ? 1 << (e - 1) : INT32_MIN;
	ai->k = k;
	ai->e = e;
	/*
	 * ml = 0 and no right shift: (a - za) mh exactly. TFLite's ADD gives
	 * this to the input of the larger scale (real multiplier 1/2: 2^30,
	 * shift 0, mh = 2^(L - 1)), so one input of every ADD takes it.
	 */
	if (!ml && !e && mh > 0 && !(mh & (mh - 1))) {
		ai->fast = 2;
		ai->lg = __builtin_ctz((uint32_t)mh);
	}
}

/*
 * MEAN: items [begin, end) are blocks of MEAN_CB channels of one image
 * (image * blocks + block); a part sums up to MEAN_CHUNK channels of an
 * image over all its pixels (one call of the set's sum()), then finishes them
 * with the set's f32() where it takes the op's pipeline (the integer
 * rescale, int8's reference pipeline, or the binary32 one within its
 * range), else with the reference's own ek_mean_out() (the binary32
 * pipeline in software, or the division).
 */
#define MEAN_CB 16
#define MEAN_CHUNK 256
struct mean_job {
	const struct ek_op *o;
	uint32_t blocks, fbias;
	exec_mean_sum_fn *sum;
	exec_mean_f32_fn *f32;	/* NULL: not for this op */
};

/* A binary32 pattern that is zero, or normal with an exponent in -100..100. */
static int f32_tame(uint32_t bits)
{
	uint32_t e = bits >> 23 & 0xff;

	return !(bits & 0x7fffffff) || (e >= 127 - 100 && e <= 127 + 100);
}

/* The sum of @n stored values in a row. */
static int32_t mean_run(const uint8_t *src, uint32_t n, int s8)
{
	uint32_t s = 0, k;

	if (s8)
		for (k = 0; k < n; k++)
			s += (uint32_t)(int32_t)(int8_t)src[k];
	else
		for (k = 0; k < n; k++)
			s += src[k];
	return (int32_t)s;
}

/*
 * One channel (a MEAN over the last axis, as a LayerNormalization's: the
 * compiler's [outer, R, 1, 1] view): each image's values are one row,
 * summed in one pass; its outputs, one per image, side by side, finished
 * MEAN_CHUNK at a time.
 */
static void mean_rows(const struct mean_job *mj, uint32_t begin, uint32_t end)
{
	const struct ek_op *o = mj->o;
	const struct ek_tensor *in = &o->in[0];
	uint32_t hw = in->d[1] * in->d[2], i, j, c, cnt;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255, acc[MEAN_CHUNK];

	for (i = begin; i < end; i += cnt) {
		uint8_t *dst = (uint8_t *)o->out.data + i;

		cnt = end - i < MEAN_CHUNK ? end - i : MEAN_CHUNK;
		for (j = 0; j < cnt; j++)
			acc[j] = mean_run((const uint8_t *)in->data + (size_t)(i + j) * hw, hw, s8);
		c = mj->f32 ? mj->f32(o, mj->fbias, acc, cnt, dst, lo, hi) : 0;
		for (; c < cnt; c++) {
			int32_t v = ek_mean_out(o, acc[c], mj->fbias);

			dst[c] = (uint8_t)(v < lo ? lo : v > hi ? hi : v);
		}
	}
}

static void mean_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct mean_job *mj = ctx;
	const struct ek_op *o = mj->o;
	const struct ek_tensor *in = &o->in[0];
	uint32_t ch = in->d[3], hw = in->d[1] * in->d[2], i, c;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255, acc[MEAN_CHUNK];

	if (ch == 1) {
		mean_rows(mj, begin, end);
		return;
	}
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
		mj->sum(acc, src + c0, c1 - c0, ch, hw, s8);
		c = c0 + (mj->f32 ? mj->f32(o, mj->fbias, acc, c1 - c0, dst + c0, lo, hi) : 0);
		for (; c < c1; c++) {
			int32_t v = ek_mean_out(o, acc[c - c0], mj->fbias);

			dst[c] = (uint8_t)(v < lo ? lo : v > hi ? hi : v);
		}
		i += (c1 - c0 + MEAN_CB - 1) / MEAN_CB;
	}
}

int exec_mean(const struct ek_op *o, exec_mean_sum_fn *sum, exec_mean_f32_fn *f32)
{
	const struct edgeai_prog_mean_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t ch = in->d[3], hw = in->d[1] * in->d[2];
	struct mean_job mj = { .o = o, .blocks = (ch + MEAN_CB - 1) / MEAN_CB, .sum = sum };
	uint32_t items = in->d[0] * mj.blocks;

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || out->d[0] != in->d[0] ||
	    out->d[1] != 1 || out->d[2] != 1 || out->d[3] != ch ||
	    (uint64_t)in->d[1] * in->d[2] > (1U << 20) || (p->flags && !hw) ||
	    p->flags == EDGEAI_PROG_MEAN_SUM)
		return EXEC_OPT_NOT_HANDLED;	/* SUM: not clamped, the reference's */
	mj.fbias = ek_mean_fbias(o);
	if ((p->flags == EDGEAI_PROG_MEAN_FLOAT && f32_tame(p->scale) && f32_tame(mj.fbias)) ||
	    !p->flags || p->flags == EDGEAI_PROG_MEAN_INT)
		mj.f32 = f32;
	/* the software binary32 pipeline costs about as much per output as 64 taps */
	if (exec_par_worth((uint64_t)in->d[0] * ch *
			   (hw + (p->flags == EDGEAI_PROG_MEAN_FLOAT && !mj.f32 ? 64 : 1))))
		exec_par_for(items, mean_part, &mj);
	else
		mean_part(&mj, 0, items);
	return 0;
}

/*
 * TRANSPOSE_CONV. The input converted once to int16 minus its zero point,
 * channels padded to EXEC_TCONV_ICP (zeros); the weights likewise
 * (exec_tconv_weights()). Per output pixel, the taps that land on it,
 * from a per-column table and a per-row list (no division in the loop),
 * handed to the set's px() for the sums of every output channel; then
 * the reference's bias, ek_mbqm() and clamp per output.
 */
static void *align32(size_t n)
{
	return aligned_alloc(32, (n + 31) & ~(size_t)31);
}

static void to16_plain(int16_t *dst, const uint8_t *src, uint32_t n, uint32_t dtype, int32_t zp)
{
	uint32_t i;

	if (dtype == EDGEAI_DTYPE_INT8)
		for (i = 0; i < n; i++)
			dst[i] = (int16_t)((int8_t)src[i] - zp);
	else
		for (i = 0; i < n; i++)
			dst[i] = (int16_t)(src[i] - zp);
}

static uint32_t tconv_icp(uint32_t ic)
{
	return (ic + EXEC_TCONV_ICP - 1) & ~(uint32_t)(EXEC_TCONV_ICP - 1);
}

int16_t *exec_tconv_weights(const struct ek_tensor *f)
{
	uint32_t och = f->d[0], taps = f->d[1] * f->d[2], ic = f->d[3], r4 = (och + 3) & ~3U;
	uint32_t icp = tconv_icp(ic), oc, t;
	int16_t *w;

	if (f->d[1] > EXEC_TCONV_MAX_K || f->d[2] > EXEC_TCONV_MAX_K)
		return NULL;
	w = align32((size_t)r4 * taps * icp * 2);
	if (!w)
		return NULL;
	memset(w, 0, (size_t)r4 * taps * icp * 2);
	for (oc = 0; oc < och; oc++)
		for (t = 0; t < taps; t++)
			to16_plain(w + ((size_t)oc * taps + t) * icp,
				   (const uint8_t *)f->data + ((size_t)oc * taps + t) * ic, ic, f->dtype,
				   f->zp);
	return w;
}

/*
 * ek_mbqm() of a multiplier >= 0 (checked: tconv_shift_ok()) with its
 * shift split into @left and @right (0..31), inlined: gemmlowp's doubling
 * high multiply, which for m >= 0 never saturates and truncates
 * (x m + 2^30 - (x m < 0)) / 2^31 toward zero, is the floor
 * (x m + 2^30) >> 31 (arithmetic shift, as GCC and Clang do it), then the
 * reference's rounding divide by 2^right.
 */
static inline int32_t mbqm_pos(int32_t x, int32_t m, uint32_t left, uint32_t right)
{
	int64_t ab = (int64_t)(int32_t)((uint32_t)x << left) * m;
	int32_t h = (int32_t)((ab + (1 << 30)) >> 31);
	int32_t mask = (int32_t)((1U << right) - 1), rem = h & mask;

	return (h >> right) + (rem > (mask >> 1) + (h < 0));
}

struct tconv_job {
	const struct ek_op *o;
	const int16_t *x16, *wt;	/* [N][H][W][icp], [OC4][taps][icp] */
	const int32_t *xtap;		/* [OW][KW]: the input column of tap kx, or -1 */
	const struct edgeai_prog_qmul *q;
	/* per output channel: bias (0: none), multiplier, left and right shifts */
	const int32_t *cb, *cm;
	const uint8_t *cl, *cr;
	exec_tconv_px_fn *px;
	_Atomic int failed;		/* a part had no room for its sums: the op is declined */
};

/* Output rows [begin, end) (batch * OH + y), EXEC_TCONV_PIX pixels per call of px(). */
static void tconv_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct tconv_job *j = ctx;
	const struct ek_op *o = j->o;
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *out = &o->out;
	uint32_t kh = f->d[1], kw = f->d[2], och = out->d[3], och4 = (och + 3) & ~3U;
	uint32_t icp = tconv_icp(in->d[3]), row, nt[EXEC_TCONV_PIX + 1];
	size_t wstride = (size_t)kh * kw * icp, most = (size_t)EXEC_TCONV_PIX * kh * kw;
	const int16_t **xs = malloc(sizeof(*xs) * 2 * most);
	const int16_t **ws = xs + most;
	int32_t *acc = align32((size_t)EXEC_TCONV_PIX * och4 * 4);

	if (!xs || !acc) {
		j->failed = 1;
		free(xs);
		free(acc);
		return;
	}
	for (row = begin; row < end; row++) {
		uint32_t n = row / out->d[1], oy = row % out->d[1], ty = oy + p->pad_top;
		uint32_t rky[EXEC_TCONV_MAX_K], riy[EXEC_TCONV_MAX_K], nr = 0, ky, x0, oc, r, kx;

		for (ky = 0; ky < kh; ky++) {
			if (ty < ky || (ty - ky) % p->stride_h || (ty - ky) / p->stride_h >= in->d[1])
				continue;
			rky[nr] = ky;
			riy[nr++] = (ty - ky) / p->stride_h;
		}
		for (x0 = 0; x0 < out->d[2]; x0 += EXEC_TCONV_PIX) {
			uint32_t np = out->d[2] - x0 < EXEC_TCONV_PIX ? out->d[2] - x0 : EXEC_TCONV_PIX;
			uint32_t base = ((n * out->d[1] + oy) * out->d[2] + x0) * och, k = 0, px;

			for (px = 0; px < np; px++) {
				const int32_t *xt = j->xtap + (size_t)(x0 + px) * kw;

				nt[px] = k;
				for (r = 0; r < nr; r++) {
					const int16_t *xrow = j->x16 +
						((size_t)n * in->d[1] + riy[r]) * in->d[2] * icp;

					for (kx = 0; kx < kw; kx++) {
						if (xt[kx] < 0)
							continue;
						xs[k] = xrow + (size_t)xt[kx] * icp;
						ws[k++] = j->wt + ((size_t)rky[r] * kw + kx) * icp;
					}
				}
			}
			nt[np] = k;
			j->px(xs, ws, nt, np, wstride, icp, och, acc);
			/* the reference's bias, ek_mbqm(), zero point and ek_st() clamp */
			for (px = 0; px < np; px++) {
				uint8_t *dst = (uint8_t *)out->data + base + px * och;

				for (oc = 0; oc < och; oc++) {
					int32_t v = (int32_t)((uint32_t)acc[px * och4 + oc] +
							      (uint32_t)j->cb[oc]);

					v = mbqm_pos(v, j->cm[oc], j->cl[oc], j->cr[oc]);
					v = (int32_t)((uint32_t)v + (uint32_t)out->zp);
					v = v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v;
					dst[oc] = (uint8_t)v;
				}
			}
		}
	}
	free(xs);
	free(acc);
}

static int tconv_shift_ok(int32_t mul, int32_t shift)
{
	return mul >= 0 && shift >= -31 && shift <= 30;
}

int exec_tconv(const struct ek_op *o, const void *prep, exec_tconv_px_fn *px,
	       exec_to16_fn *to16)
{
	const struct edgeai_prog_tconv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ic = in->d[3], kw = f->d[2], och = out->d[3], icp = tconv_icp(ic);
	uint32_t pix = in->d[0] * in->d[1] * in->d[2], rows = out->d[0] * out->d[1], i, ox, kx;
	struct tconv_job j = { .o = o, .px = px };
	int16_t *x16 = NULL, *wt = NULL;
	int32_t *xtap = NULL, *cb = NULL;
	int r = EXEC_OPT_NOT_HANDLED;

	if (!ek_is8(in->dtype) || f->dtype != in->dtype || out->dtype != in->dtype ||
	    f->d[3] != ic || f->d[0] != och || in->d[0] != out->d[0] || !p->stride_h ||
	    !p->stride_w || f->d[1] > EXEC_TCONV_MAX_K || kw > EXEC_TCONV_MAX_K ||
	    (b->data && (b->dtype != EDGEAI_DTYPE_INT32 || ek_count(b) != och)))
		return EXEC_OPT_NOT_HANDLED;
	if (p->qmul_offset != EDGEAI_PROG_NO_CONST) {
		j.q = ek_const(o, p->qmul_offset, (uint64_t)och * sizeof(*j.q), 4);
		if (!j.q)
			return EXEC_OPT_NOT_HANDLED;
		for (i = 0; i < och; i++)
			if (!tconv_shift_ok(j.q[i].multiplier, j.q[i].shift))
				return EXEC_OPT_NOT_HANDLED;
	} else if (!tconv_shift_ok(p->out_multiplier, p->out_shift)) {
		return EXEC_OPT_NOT_HANDLED;
	}
	wt = prep ? (int16_t *)prep : exec_tconv_weights(f);
	x16 = align32((size_t)pix * icp * 2);
	xtap = malloc((size_t)out->d[2] * kw * sizeof(*xtap));
	cb = malloc((size_t)och * 10);
	if (!wt || !x16 || !xtap || !cb)
		goto out;
	for (i = 0; i < och; i++) {
		int32_t sh = j.q ? j.q[i].shift : p->out_shift;

		cb[i] = b->data ? ((const int32_t *)b->data)[i] : 0;
		cb[och + i] = j.q ? j.q[i].multiplier : p->out_multiplier;
		((uint8_t *)(cb + 2 * (size_t)och))[i] = (uint8_t)(sh > 0 ? sh : 0);
		((uint8_t *)(cb + 2 * (size_t)och))[och + i] = (uint8_t)(sh > 0 ? 0 : -sh);
	}
	j.cb = cb;
	j.cm = cb + och;
	j.cl = (const uint8_t *)(cb + 2 * (size_t)och);
	j.cr = j.cl + och;
	for (i = 0; i < pix; i++) {
		to16(x16 + (size_t)i * icp, (const uint8_t *)in->data + (size_t)i * ic, ic, in->dtype,
		     in->zp);
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
	/* the reference then writes every output */
	r = j.failed ? EXEC_OPT_NOT_HANDLED : 0;
out:
	if (!prep)
		free(wt);
	free(x16);
	free(xtap);
	free(cb);
	return r;
}

/* exec_matmul()'s walk: one batch's rows @begin..@end. */
struct mm16 {
	const struct edgeai_prog_matmul_params *p;
	exec_dot4_fn *dot4;
	exec_mm_rq_fn *rq;
	const int8_t *lb;
	const int16_t *rc;
	int8_t *ob;
	uint32_t m, n, k, kp;
	int32_t zl, zo;
	int failed;
};

static void mm16_rows(void *ctx, uint32_t begin, uint32_t end)
{
	struct mm16 *j = ctx;
	const struct edgeai_prog_matmul_params *p = j->p;
	int16_t *lr = calloc(j->kp, sizeof(*lr));
	uint32_t *acc = malloc(((size_t)j->n + 3) / 4 * 4 * sizeof(*acc));
	uint32_t i, t, c;

	if (!lr || !acc) {
		__atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
		free(lr);
		free(acc);
		return;
	}
	for (i = begin; i < end; i++) {
		for (t = 0; t < j->k; t++)
			lr[t] = (int16_t)((p->adj_x ? j->lb[(size_t)t * j->m + i] :
					   j->lb[(size_t)i * j->k + t]) - j->zl);
		for (c = 0; c < j->n; c += 4)
			j->dot4(lr, j->rc + (size_t)c * j->kp, j->kp, j->kp, acc + c);
		j->rq(acc, j->n, p->out_multiplier, p->out_shift, j->zo, p->act_min, p->act_max,
		      j->ob + (size_t)i * j->n);
	}
	free(lr);
	free(acc);
}

int exec_matmul(const struct ek_op *o, exec_dot4_fn *dot4, exec_mm_rq_fn *rq)
{
	const struct edgeai_prog_matmul_params *p = (const void *)o->op->params;
	const struct ek_tensor *l = &o->in[0], *r = &o->in[1], *out = &o->out;
	uint32_t m, n, k, kp, b0, b1, j, t;
	const int8_t *rb, *packed = NULL;
	struct mm16 job = { .p = p, .dot4 = dot4, .rq = rq, .zl = l->zp, .zo = out->zp };
	int16_t *rc;

	if (ek_matmul_dims(o, &m, &k, &n))
		return EXEC_OPT_NOT_HANDLED;
	kp = (k + 15) & ~15u;
	job.m = m;
	job.n = n;
	job.k = k;
	job.kp = kp;
	rc = calloc((size_t)(n + 3) / 4 * 4 * kp, sizeof(*rc));
	if (!rc)
		return EXEC_OPT_NOT_HANDLED;
	/* a failed row allocation leaves the whole op to the reference */
	for (b0 = 0; b0 < out->d[0] && !job.failed; b0++) {
		for (b1 = 0; b1 < out->d[1] && !job.failed; b1++) {
			job.ob = (int8_t *)out->data + (size_t)(b0 * out->d[1] + b1) * m * n;
			job.lb = (const int8_t *)l->data +
				 ((size_t)(l->d[0] > 1 ? b0 : 0) * l->d[1] + (l->d[1] > 1 ? b1 : 0)) *
				 m * k;
			rb = (const int8_t *)r->data + ((size_t)(r->d[0] > 1 ? b0 : 0) * r->d[1] +
							(r->d[1] > 1 ? b1 : 0)) * k * n;
			if (rb != packed) {
				for (j = 0; j < n; j++)
					for (t = 0; t < k; t++)
						rc[(size_t)j * kp + t] = (int16_t)((p->adj_y ?
							rb[(size_t)j * k + t] : rb[(size_t)t * n + j]) - r->zp);
				packed = rb;
			}
			job.rc = rc;
			if (exec_par_worth((uint64_t)m * n * k))
				exec_par_for(m, mm16_rows, &job);
			else
				mm16_rows(&job, 0, m);
		}
	}
	free(rc);
	return job.failed ? EXEC_OPT_NOT_HANDLED : 0;
}

/*
 * L2_NORMALIZATION (ek_l2norm()): per row the sum of squares, ek_inv_sqrt()
 * and each value rescaled, the set's vector code for the first two and
 * the third, plain C for what it leaves.
 */
struct l2_job {
	const struct ek_op *o;
	exec_l2_sq_fn *sq;
	exec_l2_scale_fn *scale;
};

static void l2_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct l2_job *lj = ctx;
	const struct ek_tensor *in = &lj->o->in[0], *out = &lj->o->out;
	uint32_t depth = out->d[3], r, c;
	int s8 = out->dtype == EDGEAI_DTYPE_INT8;
	struct exec_l2 l = { .zp = in->zp, .s8 = s8 };

	for (r = begin; r < end; r++) {
		const uint8_t *x = (const uint8_t *)in->data + (size_t)r * depth;
		uint8_t *y = (uint8_t *)out->data + (size_t)r * depth;
		int32_t acc = 0, v;
		int shift;

		c = lj->sq ? lj->sq(x, depth, &l, &acc) : 0;
		for (; c < depth; c++) {
			v = (s8 ? (int32_t)(int8_t)x[c] : (int32_t)x[c]) - l.zp;
			acc += v * v;
		}
		ek_inv_sqrt(acc, &l.mul, &shift);
		l.shift = s8 ? shift + 7 : shift;
		c = lj->scale ? lj->scale(x, y, depth, &l) : 0;
		for (; c < depth; c++) {
			v = (s8 ? (int32_t)(int8_t)x[c] : (int32_t)x[c]) - l.zp;
			v = s8 ? ek_mbqm(v, l.mul, l.shift) : 128 + ek_mbqm(128 * v, l.mul, l.shift);
			y[c] = (uint8_t)(s8 ? (v < -128 ? -128 : v > 127 ? 127 : v) :
				      (v < 0 ? 0 : v > 255 ? 255 : v));
		}
	}
}

int exec_l2norm(const struct ek_op *o, exec_l2_sq_fn *sq, exec_l2_scale_fn *scale)
{
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	struct l2_job lj = { o, sq, scale };
	uint32_t depth = out->d[3];

	/* what the reference checks */
	if (!ek_is8(out->dtype) || in->dtype != out->dtype || !depth || depth > 32768 ||
	    ek_count(in) != ek_count(out))
		return EXEC_OPT_NOT_HANDLED;
	/*
	 * the sets hold x - zp in 16 bits (NEON: zp in 8): a zero point
	 * outside the type's range (a program no compiler of ours makes,
	 * which the kernel's validator refuses) is done here
	 */
	if (in->zp < (in->dtype == EDGEAI_DTYPE_INT8 ? -128 : 0) ||
	    in->zp > (in->dtype == EDGEAI_DTYPE_INT8 ? 127 : 255))
		lj.sq = NULL, lj.scale = NULL;
	if (exec_par_worth((uint64_t)ek_count(out) * 4))
		exec_par_for(ek_count(out) / depth, l2_rows, &lj);
	else
		l2_rows(&lj, 0, ek_count(out) / depth);
	return 0;
}

/*
 * ARG_MAX: the reference's walk (the first largest value wins), the rows
 * of an op along the last axis by the set's @rows, 256 at a time; the
 * index little-endian into 4 or 8 bytes.
 */
struct argmax_job {
	const struct ek_op *o;
	exec_argmax_fn *rows;
	uint32_t inner, len, es;
};

/* The place of the first largest of @len bytes @inner apart from @x, as int8 (@flip 0) or uint8. */
static uint32_t argmax_plain(const uint8_t *x, uint32_t len, size_t inner, uint8_t flip)
{
	int8_t best = (int8_t)(x[0] ^ flip);
	uint32_t at = 0, k;

	for (k = 1; k < len; k++) {
		int8_t v = (int8_t)(x[k * inner] ^ flip);

		at = v > best ? k : at;
		best = v > best ? v : best;
	}
	return at;
}

static void argmax_put(uint8_t *dst, uint32_t at, uint32_t es)
{
	/* little-endian: the low 32 bits first, the rest zero */
	memcpy(dst, (uint8_t[4]){ at & 0xff, (at >> 8) & 0xff, (at >> 16) & 0xff, at >> 24 }, 4);
	if (es == 8)
		memset(dst + 4, 0, 4);
}

/* Outer rows [begin, end). */
static void argmax_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct argmax_job *aj = ctx;
	const struct ek_tensor *in = &aj->o->in[0];
	uint8_t *dst = aj->o->out.data;
	int u8 = in->dtype == EDGEAI_DTYPE_UINT8;
	uint8_t flip = u8 ? 0x80 : 0;
	uint32_t at[256], i, j, n, k;

	if (aj->inner > 1) {
		for (i = begin; i < end; i++) {
			const uint8_t *row = (const uint8_t *)in->data + (size_t)i * aj->len * aj->inner;

			for (j = 0; j < aj->inner; j++)
				argmax_put(dst + ((size_t)i * aj->inner + j) * aj->es,
					   argmax_plain(row + j, aj->len, aj->inner, flip), aj->es);
		}
		return;
	}
	for (i = begin; i < end; i += n) {
		const uint8_t *x = (const uint8_t *)in->data + (size_t)i * aj->len;

		n = end - i < 256 ? end - i : 256;
		k = aj->rows ? aj->rows(x, aj->len, n, u8, at) : 0;
		for (; k < n; k++)
			at[k] = argmax_plain(x + (size_t)k * aj->len, aj->len, 1, flip);
		for (k = 0; k < n; k++)
			argmax_put(dst + (size_t)(i + k) * aj->es, at[k], aj->es);
	}
}

int exec_argmax(const struct ek_op *o, exec_argmax_fn *rows)
{
	const struct edgeai_prog_argmax_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	struct argmax_job aj = { o, rows, 1, 0, 0 };
	uint32_t outer = 1, k;

	if (!ek_is8(in->dtype) || p->axis > 3 ||
	    (out->dtype != EDGEAI_DTYPE_INT32 && out->dtype != EDGEAI_DTYPE_INT64))
		return EXEC_OPT_NOT_HANDLED;
	aj.es = out->dtype == EDGEAI_DTYPE_INT64 ? 8 : 4;
	for (k = 0; k < p->axis; k++)
		outer *= in->d[k];
	for (k = p->axis + 1; k < 4; k++)
		aj.inner *= in->d[k];
	aj.len = in->d[p->axis];
	if (ek_count(out) != outer * aj.inner || !aj.len)
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth(ek_count(in)))
		exec_par_for(outer, argmax_part, &aj);
	else
		argmax_part(&aj, 0, outer);
	return 0;
}

int exec_f32_native(void)
{
#if FLT_EVAL_METHOD != 0
	return 0;	/* float expressions in a wider type: not binary32 steps */
#elif defined(__x86_64__)
	/* rounding control 0 (nearest), FZ and DAZ clear */
	return !(_mm_getcsr() & 0xe040);
#elif defined(__aarch64__)
	uint64_t fpcr;

	/* RMode 0 (nearest), FZ clear; FIZ and AH (FEAT_AFP) clear too */
	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	return !(fpcr & (3ULL << 22 | 1ULL << 24 | 3ULL));
#else
	return 0;
#endif
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

/*
 * The pipeline of the native SOFTMAX kernels (ek_softmax(): TFLite's float
 * table pipeline, replayed by the reference on integers): per row the
 * maximum, the sum of table[max - x] in the reference's order (adds one
 * after the other), inv = 1 / (sum * s_out), then each output
 * table[max - x] * inv rounded half away from zero (the truncation, plus
 * one when the fraction, exact, is at least a half), + zero point,
 * clamped. Binary32 add, multiply and divide round like the reference's
 * software ones while the float unit rounds to nearest and keeps
 * subnormals (exec_f32_native(), checked per call: the mode is per
 * thread); an empty asm after a product keeps a compiler from fusing it
 * into the next add. Taken only for a table whose entries are finite, not
 * negative and at most 2^8, whose table[0] (every row's maximum reads it,
 * so no sum is below it) is at least 2^-40, with s_out in 2^-40..2^40 and
 * max(table) / (table[0] s_out) below 2^29: no step overflows or divides
 * by zero, and no output reaches the reference's saturation (TFLite's
 * tables are exp(-beta s_in d): at most 1, table[0] 1). Checking the 256
 * entries is half of a 12-wide op: the sets lay the table out once per op.
 */
struct exec_softmax_tab *exec_softmax_tab_make(const struct ek_op *o)
{
	const struct edgeai_prog_softmax_params *p = (const void *)o->op->params;
	const uint32_t *table = ek_const(o, p->table_offset, 1024, 4);
	struct exec_softmax_tab *t;
	float tmax = 0.0f;
	uint32_t i;

	if (o->op->opcode != EDGEAI_OP_SOFTMAX || !table || !f32_in(table[0], 40, 8, 0) ||
	    !f32_in(p->out_scale, 40, 40, 0))
		return NULL;
	t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	for (i = 0; i < 256; i++) {
		/* subnormal entries are fine: exec_f32_native() does not flush them */
		if (!f32_in(table[i], 126, 8, 1))
			goto no;
		memcpy(&t->tab[i], &table[i], 4);
		tmax = t->tab[i] > tmax ? t->tab[i] : tmax;
	}
	memcpy(&t->scale, &p->out_scale, 4);
	if ((double)tmax / ((double)t->tab[0] * t->scale) < (double)(1 << 29))
		return t;
no:
	free(t);
	return NULL;
}

/* Keep binary32 value @v as it is, rounded: not fused into the next step. */
#if defined(__x86_64__)
#define F32_KEEP(v) __asm__("" : "+x"(v))
#elif defined(__aarch64__)
#define F32_KEEP(v) __asm__("" : "+w"(v))
#else
#define F32_KEEP(v) __asm__("" : "+m"(v))
#endif

/* SOFTMAX rows [begin, end) of the pipeline above, one value at a time. */
static void softmax_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct exec_softmax_job *sj = ctx;
	const struct ek_tensor *in = &sj->o->in[0], *out = &sj->o->out;
	const float *tab = sj->t->tab;
	uint32_t depth = in->d[3], r, j;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255, max, q;

	for (r = begin; r < end; r++) {
		const uint8_t *x = (const uint8_t *)in->data + (size_t)r * depth;
		uint8_t *dst = (uint8_t *)out->data + (size_t)r * depth;
		float sum = 0.0f, inv, v, t;

		for (max = ld8(x, s8), j = 1; j < depth; j++)
			max = ld8(x + j, s8) > max ? ld8(x + j, s8) : max;
		for (j = 0; j < depth; j++)
			sum += tab[max - ld8(x + j, s8)];
		inv = sum * sj->t->scale;
		F32_KEEP(inv);
		inv = 1.0f / inv;
		for (j = 0; j < depth; j++) {
			v = tab[max - ld8(x + j, s8)] * inv;
			F32_KEEP(v);
			t = (float)(int32_t)v;
			q = (int32_t)t + (v - t >= 0.5f) + out->zp;
			dst[j] = (uint8_t)(q < lo ? lo : q > hi ? hi : q);
		}
	}
}

int exec_softmax(const struct ek_op *o, const struct exec_softmax_tab *prep,
		 void (*rows_fn)(void *ctx, uint32_t begin, uint32_t end))
{
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t depth = in->d[3], rows;
	struct exec_softmax_job sj = { .o = o, .t = prep };
	struct exec_softmax_tab *own = NULL;

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || !depth ||
	    ek_count(in) != ek_count(out) || out->d[3] != depth || !exec_f32_native())
		return EXEC_OPT_NOT_HANDLED;
	if (!sj.t)
		sj.t = own = exec_softmax_tab_make(o);
	if (!sj.t)
		return EXEC_OPT_NOT_HANDLED;
	rows = ek_count(in) / depth;
	if (!rows_fn)
		rows_fn = softmax_rows;
	if (exec_par_worth((uint64_t)ek_count(in) * 8))
		exec_par_for(rows, rows_fn, &sj);
	else
		rows_fn(&sj, 0, rows);
	free(own);
	return 0;
}

/*
 * RESIZE_BILINEAR in binary32 (EDGEAI_RESIZE_FLOAT32, TFLite's uint8
 * arithmetic; ek_resize_bilinear()): per output pixel the four weight
 * products wy * wx, per channel the four inputs times them added in the
 * reference's order, + 0.5, truncated, clamped; with the CPU's own
 * binary32 steps under exec_f32_native(), an empty asm after each
 * product so that no add takes it fused. Taken when every map entry is
 * inside the input and every weight finite and at most 2^8 in size (the
 * compiler's are in [0, 1]): then no sum leaves int32 and the truncation
 * is C's conversion. A set's @px does channels 0.. of a pixel the same
 * way in vectors and returns how many; the rest are done here. Output
 * rows (batch * H + y) [begin, end) per part.
 */
static int bl_f32_maps_ok(const struct edgeai_prog_interp *m, uint32_t n, uint32_t size)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (m[i].lo >= size || m[i].hi >= size || !f32_in(m[i].w_lo & 0x7fffffff, 126, 8, 1) ||
		    !f32_in(m[i].w_hi & 0x7fffffff, 126, 8, 1))
			return 0;
	return 1;
}

static float f32_of(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, 4);
	return f;
}

struct bl_f32_job {
	const struct ek_op *o;
	exec_resize_f32_px_fn *px;
};

static void resize_bl_f32_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct bl_f32_job *bj = ctx;
	const struct ek_op *o = bj->o;
	const struct edgeai_prog_resize_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const struct edgeai_prog_interp *ym = ek_const(o, p->y_map_offset,
						       (uint64_t)out->d[1] * sizeof(*ym), 4);
	const struct edgeai_prog_interp *xm = ek_const(o, p->x_map_offset,
						       (uint64_t)out->d[2] * sizeof(*xm), 4);
	const uint8_t *src = in->data;
	int s8 = in->dtype == EDGEAI_DTYPE_INT8;
	int32_t lo = s8 ? -128 : 0, hi = s8 ? 127 : 255, q;
	uint32_t ch = out->d[3], r, x, c, k, off[4];
	uint8_t *dst;
	float s[4], v, t;

	for (r = begin; r < end; r++) {
		const struct edgeai_prog_interp *ry = &ym[r % out->d[1]];
		uint32_t n = r / out->d[1];

		dst = (uint8_t *)out->data + (size_t)r * out->d[2] * ch;
		for (x = 0; x < out->d[2]; x++, dst += ch) {
			const struct edgeai_prog_interp *qx = &xm[x];

			s[0] = f32_of(ry->w_lo) * f32_of(qx->w_lo);
			s[1] = f32_of(ry->w_lo) * f32_of(qx->w_hi);
			s[2] = f32_of(ry->w_hi) * f32_of(qx->w_lo);
			s[3] = f32_of(ry->w_hi) * f32_of(qx->w_hi);
			off[0] = ek_idx(in, n, ry->lo, qx->lo, 0);
			off[1] = ek_idx(in, n, ry->lo, qx->hi, 0);
			off[2] = ek_idx(in, n, ry->hi, qx->lo, 0);
			off[3] = ek_idx(in, n, ry->hi, qx->hi, 0);
			c = 0;
			if (bj->px) {
				const uint8_t *tap[4] = { src + off[0], src + off[1], src + off[2],
							  src + off[3] };

				c = bj->px(tap, s, dst, ch, s8);
			}
			for (; c < ch; c++) {
				v = (float)ld8(src + off[0] + c, s8) * s[0];
				for (k = 1; k < 4; k++) {
					t = (float)ld8(src + off[k] + c, s8) * s[k];
					F32_KEEP(t);
					F32_KEEP(v);
					v = v + t;
				}
				q = (int32_t)(v + 0.5f);
				dst[c] = (uint8_t)(q < lo ? lo : q > hi ? hi : q);
			}
		}
	}
}

int exec_resize_bl_f32(const struct ek_op *o, exec_resize_f32_px_fn *px)
{
	const struct edgeai_prog_resize_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const struct edgeai_prog_interp *ym, *xm;
	struct bl_f32_job bj = { .o = o, .px = px };
	uint32_t rows = out->d[0] * out->d[1];

	if (!ek_is8(in->dtype) || in->dtype != out->dtype || in->d[0] != out->d[0] ||
	    in->d[3] != out->d[3] || p->arith != EDGEAI_RESIZE_FLOAT32 || !exec_f32_native())
		return EXEC_OPT_NOT_HANDLED;
	ym = ek_const(o, p->y_map_offset, (uint64_t)out->d[1] * sizeof(*ym), 4);
	xm = ek_const(o, p->x_map_offset, (uint64_t)out->d[2] * sizeof(*xm), 4);
	if (!ym || !xm || !bl_f32_maps_ok(ym, out->d[1], in->d[1]) ||
	    !bl_f32_maps_ok(xm, out->d[2], in->d[2]))
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth((uint64_t)ek_count(out) * 16))
		exec_par_for(rows, resize_bl_f32_rows, &bj);
	else
		resize_bl_f32_rows(&bj, 0, rows);
	return 0;
}

int exec_common_run(const struct ek_op *o, const void *prep)
{
	switch (o->op->opcode) {
	case EDGEAI_OP_PRELU:
		return prelu(o, prep);
	case EDGEAI_OP_CONCATENATION:
		return concat(o);
	case EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR:
		return resize_nearest(o);
	case EDGEAI_OP_L2_NORMALIZATION:
		return exec_l2norm(o, NULL, NULL);
	case EDGEAI_OP_ARG_MAX:
		return exec_argmax(o, NULL);
	case EDGEAI_OP_SOFTMAX:
		return exec_softmax(o, prep, NULL);
	case EDGEAI_OP_RESIZE_BILINEAR:
		return exec_resize_bl_f32(o, NULL);
	default:
		return EXEC_OPT_NOT_HANDLED;
	}
}

void *exec_common_prepare(const struct ek_op *o)
{
	const struct ek_tensor *al = &o->in[1];

	if (o->op->opcode == EDGEAI_OP_SOFTMAX)
		return exec_softmax_tab_make(o);

	if (o->op->opcode != EDGEAI_OP_PRELU || o->n_in < 2 || !al->data || !ek_is8(al->dtype))
		return NULL;
	return prelu_table(o);
}
