// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Data movement ops: RESHAPE, PAD, CONCATENATION, TRANSPOSE,
 * STRIDED_SLICE, DEPTH_TO_SPACE, SPACE_TO_DEPTH, RESIZE_NEAREST_NEIGHBOR.
 * They copy stored values (input and output share quantization), so they
 * are exact by construction; PAD fills with the output zero point as TFLite
 * does.
 */
#include "ops-internal.h"

static void ek_copy(const struct ek_tensor *dst, uint32_t di,
		    const struct ek_tensor *src, uint32_t si)
{
	ek_st(dst, di, ek_ld(src, si), EK_I32_MIN, EK_I32_MAX);
}

int ek_reshape(const struct ek_op *o)
{
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t i, bytes = ek_count(out) * ek_esize(out->dtype);
	const uint8_t *s = in->data;
	uint8_t *d = out->data;

	if (in->dtype != out->dtype || ek_count(in) != ek_count(out))
		return EK_EXEC_BAD_OP;
	if (s == d)
		return EK_EXEC_OK;
	for (i = 0; i < bytes; i++)
		d[i] = s[i];
	return EK_EXEC_OK;
}

int ek_pad(const struct ek_op *o)
{
	const struct edgeai_prog_pad_params *p =
		(const struct edgeai_prog_pad_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t n, h, w, c, i;

	if (in->dtype != out->dtype)
		return EK_EXEC_BAD_OP;
	for (i = 0; i < 4; i++)
		if (in->d[i] + p->before[i] + p->after[i] != out->d[i])
			return EK_EXEC_BAD_OP;

	for (n = 0; n < out->d[0]; n++) {
		for (h = 0; h < out->d[1]; h++) {
			for (w = 0; w < out->d[2]; w++) {
				for (c = 0; c < out->d[3]; c++) {
					uint32_t oi = ek_idx(out, n, h, w, c);

					if (n < p->before[0] || n >= p->before[0] + in->d[0] ||
					    h < p->before[1] || h >= p->before[1] + in->d[1] ||
					    w < p->before[2] || w >= p->before[2] + in->d[2] ||
					    c < p->before[3] || c >= p->before[3] + in->d[3])
						ek_st(out, oi, out->zp, EK_I32_MIN, EK_I32_MAX);
					else
						ek_copy(out, oi, in, ek_idx(in, n - p->before[0],
									    h - p->before[1],
									    w - p->before[2],
									    c - p->before[3]));
				}
			}
		}
	}
	return EK_EXEC_OK;
}

int ek_concat(const struct ek_op *o)
{
	const struct edgeai_prog_concat_params *p =
		(const struct edgeai_prog_concat_params *)o->op->params;
	const struct ek_tensor *out = &o->out;
	uint32_t k, i, outer = 1, inner = 1, base = 0, ax = p->axis;

	if (ax > 3 || !o->n_in)
		return EK_EXEC_BAD_OP;
	for (i = 0; i < ax; i++)
		outer *= out->d[i];
	for (i = ax + 1; i < 4; i++)
		inner *= out->d[i];

	for (k = 0; k < o->n_in; k++) {
		const struct ek_tensor *in = &o->in[k];
		uint32_t chunk = in->d[ax] * inner, j;

		for (i = 0; i < 4; i++)
			if (i != ax && in->d[i] != out->d[i])
				return EK_EXEC_BAD_OP;
		if (in->dtype != out->dtype || in->zp != out->zp ||
		    base + in->d[ax] > out->d[ax])
			return EK_EXEC_BAD_OP;
		for (i = 0; i < outer; i++)
			for (j = 0; j < chunk; j++)
				ek_copy(out, i * out->d[ax] * inner +
					base * inner + j, in, i * chunk + j);
		base += in->d[ax];
	}
	return base == out->d[ax] ? EK_EXEC_OK : EK_EXEC_BAD_OP;
}

/* @n bytes from @s to @d (the tensors of an op never overlap). */
static void ek_bytes(uint8_t *d, const uint8_t *s, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		d[i] = s[i];
}

/*
 * TRANSPOSE. Element (i0, i1, i2, i3) of the output is element i of the
 * input with i[perm[k]] = ik. Each output row (the last axis) is read with
 * the stride of the input axis perm[3]; when that is the last axis too
 * (DEPTH_TO_SPACE and SPACE_TO_DEPTH lowered, compile.c, and every
 * transpose that keeps the channels innermost) the row is one contiguous
 * run of bytes.
 */
int ek_transpose(const struct ek_op *o)
{
	const struct edgeai_prog_transpose_params *p =
		(const struct edgeai_prog_transpose_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t i[4], s[4], k, seen = 0, es = ek_esize(in->dtype), row;
	const uint8_t *src = in->data;
	uint8_t *dst = out->data;

	if (in->dtype != out->dtype)
		return EK_EXEC_BAD_OP;
	for (k = 0; k < 4; k++) {
		if (p->perm[k] > 3 || (seen & (1U << p->perm[k])) ||
		    out->d[k] != in->d[p->perm[k]])
			return EK_EXEC_BAD_OP;
		seen |= 1U << p->perm[k];
	}
	/* Input strides in elements, then the stride of each output axis. */
	s[3] = 1;
	s[2] = in->d[3];
	s[1] = in->d[2] * s[2];
	s[0] = in->d[1] * s[1];
	row = out->d[3] * es;
	for (i[0] = 0; i[0] < out->d[0]; i[0]++) {
		for (i[1] = 0; i[1] < out->d[1]; i[1]++) {
			for (i[2] = 0; i[2] < out->d[2]; i[2]++) {
				uint32_t si = i[0] * s[p->perm[0]] + i[1] * s[p->perm[1]] +
					      i[2] * s[p->perm[2]];
				uint32_t di = ek_idx(out, i[0], i[1], i[2], 0);

				if (p->perm[3] == 3) {
					ek_bytes(dst + di * es, src + si * es, row);
					continue;
				}
				for (i[3] = 0; i[3] < out->d[3]; i[3]++)
					ek_copy(out, di + i[3], in, si + i[3] * s[p->perm[3]]);
			}
		}
	}
	return EK_EXEC_OK;
}

int ek_slice(const struct ek_op *o)
{
	const struct edgeai_prog_slice_params *p =
		(const struct edgeai_prog_slice_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t i[4], k;

	if (in->dtype != out->dtype)
		return EK_EXEC_BAD_OP;
	for (k = 0; k < 4; k++) {
		int64_t last = (int64_t)p->begin[k] +
			       (int64_t)(out->d[k] - 1) * p->stride[k];

		if (!p->stride[k] || p->begin[k] >= in->d[k] || last < 0 ||
		    last >= in->d[k])
			return EK_EXEC_BAD_OP;
	}
	for (i[0] = 0; i[0] < out->d[0]; i[0]++) {
		for (i[1] = 0; i[1] < out->d[1]; i[1]++) {
			for (i[2] = 0; i[2] < out->d[2]; i[2]++) {
				for (i[3] = 0; i[3] < out->d[3]; i[3]++) {
					uint32_t x[4];

					for (k = 0; k < 4; k++)
						x[k] = (uint32_t)((int32_t)p->begin[k] +
								  (int32_t)i[k] * p->stride[k]);
					ek_copy(out, ek_idx(out, i[0], i[1], i[2], i[3]), in,
						ek_idx(in, x[0], x[1], x[2], x[3]));
				}
			}
		}
	}
	return EK_EXEC_OK;
}

/*
 * DEPTH_TO_SPACE: out[n, y, x, c] = in[n, y / b, x / b,
 * ((y % b) * b + x % b) * C_out + c]; SPACE_TO_DEPTH is its inverse. The
 * C_out channels of a pixel of the wide tensor are one run of bytes in
 * both tensors.
 */
int ek_space_depth(const struct ek_op *o, int to_space)
{
	const struct edgeai_prog_block_params *p =
		(const struct edgeai_prog_block_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const struct ek_tensor *sp = to_space ? out : in, *dp = to_space ? in : out;
	uint32_t b = p->block_size, n, y, x, es = ek_esize(in->dtype), run;
	const uint8_t *src = in->data;
	uint8_t *dst = out->data;

	if (!b || in->dtype != out->dtype || sp->d[0] != dp->d[0] ||
	    sp->d[1] != dp->d[1] * b || sp->d[2] != dp->d[2] * b ||
	    dp->d[3] != sp->d[3] * b * b)
		return EK_EXEC_BAD_OP;
	run = sp->d[3] * es;
	for (n = 0; n < sp->d[0]; n++) {
		for (y = 0; y < sp->d[1]; y++) {
			for (x = 0; x < sp->d[2]; x++) {
				uint32_t si = ek_idx(sp, n, y, x, 0);
				uint32_t di = ek_idx(dp, n, y / b, x / b,
						     ((y % b) * b + x % b) * sp->d[3]);

				if (to_space)
					ek_bytes(dst + si * es, src + di * es, run);
				else
					ek_bytes(dst + di * es, src + si * es, run);
			}
		}
	}
	return EK_EXEC_OK;
}

/*
 * RESIZE_BILINEAR. uint8 (TFLite 2.9.0 optimized_ops::ResizeBilinear ->
 * ResizeBilinearGenericSmallChannel): float weights from the compiler's
 * maps, the weighted sum in binary32 in the order (y0,x0), (y0,x1),
 * (y1,x0), (y1,x1) (replayed on integers), + 0.5, truncated toward zero
 * by the cast to the 8-bit type. int8 (ResizeBilinearInteger): 10-bit
 * fixed-point weights, 64-bit sum, division by 2^20 rounding half away
 * from zero.
 */
static int32_t ek_interp(const struct ek_tensor *in, const uint32_t *off,
			 uint32_t c, const uint32_t *s, uint32_t arith)
{
	uint32_t v = 0;
	int k;

	if (arith == EDGEAI_RESIZE_FIXED10) {
		int64_t acc = 0;

		for (k = 0; k < 4; k++)
			acc += (int64_t)ek_ld(in, off[k] + c) * (int32_t)s[k];
		acc += acc > 0 ? (1 << 19) : -(1 << 19);
		return (int32_t)(acc >= 0 ? acc >> 20 : -((-acc) >> 20));
	}
	for (k = 0; k < 4; k++) {
		uint32_t t = ek_f32_mul(ek_f32_from_int(ek_ld(in, off[k] + c)),
					s[k]);

		v = k ? ek_f32_add(v, t) : t;
	}
	return ek_f32_trunc(ek_f32_add(v, 0x3f000000U));	/* + 0.5f */
}

static int ek_resize_bilinear(const struct ek_op *o)
{
	const struct edgeai_prog_resize_params *p =
		(const struct edgeai_prog_resize_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const struct edgeai_prog_interp *ym =
		ek_const(o, p->y_map_offset, (uint64_t)out->d[1] * sizeof(*ym), 4);
	const struct edgeai_prog_interp *xm =
		ek_const(o, p->x_map_offset, (uint64_t)out->d[2] * sizeof(*xm), 4);
	int32_t lo = ek_type_min(out->dtype), hi = ek_type_max(out->dtype);
	uint32_t n, y, x, c;

	if (!ym || !xm || (p->arith != EDGEAI_RESIZE_FLOAT32 &&
			   p->arith != EDGEAI_RESIZE_FIXED10))
		return EK_EXEC_BAD_OP;
	for (n = 0; n < out->d[0]; n++) {
		for (y = 0; y < out->d[1]; y++) {
			for (x = 0; x < out->d[2]; x++) {
				const struct edgeai_prog_interp *r = &ym[y], *q = &xm[x];
				uint32_t s[4], off[4];

				if (r->lo >= in->d[1] || r->hi >= in->d[1] ||
				    q->lo >= in->d[2] || q->hi >= in->d[2])
					return EK_EXEC_BAD_OP;
				if (p->arith == EDGEAI_RESIZE_FIXED10) {
					s[0] = (uint32_t)((int32_t)r->w_lo * (int32_t)q->w_lo);
					s[1] = (uint32_t)((int32_t)r->w_lo * (int32_t)q->w_hi);
					s[2] = (uint32_t)((int32_t)r->w_hi * (int32_t)q->w_lo);
					s[3] = (uint32_t)((int32_t)r->w_hi * (int32_t)q->w_hi);
				} else {
					s[0] = ek_f32_mul(r->w_lo, q->w_lo);
					s[1] = ek_f32_mul(r->w_lo, q->w_hi);
					s[2] = ek_f32_mul(r->w_hi, q->w_lo);
					s[3] = ek_f32_mul(r->w_hi, q->w_hi);
				}
				off[0] = ek_idx(in, n, r->lo, q->lo, 0);
				off[1] = ek_idx(in, n, r->lo, q->hi, 0);
				off[2] = ek_idx(in, n, r->hi, q->lo, 0);
				off[3] = ek_idx(in, n, r->hi, q->hi, 0);
				for (c = 0; c < out->d[3]; c++)
					ek_st(out, ek_idx(out, n, y, x, c),
					      ek_interp(in, off, c, s, p->arith), lo, hi);
			}
		}
	}
	return EK_EXEC_OK;
}

/*
 * RESIZE_NEAREST_NEIGHBOR: copies through the compiler's row and column
 * maps (TFLite computes them in float from the shapes and flags only).
 */
int ek_resize(const struct ek_op *o, int bilinear)
{
	const struct edgeai_prog_resize_params *p =
		(const struct edgeai_prog_resize_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const uint32_t *ym = ek_const(o, p->y_map_offset, 4ULL * out->d[1], 4);
	const uint32_t *xm = ek_const(o, p->x_map_offset, 4ULL * out->d[2], 4);
	uint32_t n, y, x, c;

	if (!ek_is8(in->dtype) || in->dtype != out->dtype ||
	    in->d[0] != out->d[0] || in->d[3] != out->d[3])
		return EK_EXEC_BAD_OP;
	if (bilinear)
		return ek_resize_bilinear(o);
	if (!ym || !xm || p->arith)
		return EK_EXEC_BAD_OP;
	for (n = 0; n < out->d[0]; n++) {
		for (y = 0; y < out->d[1]; y++) {
			for (x = 0; x < out->d[2]; x++) {
				if (ym[y] >= in->d[1] || xm[x] >= in->d[2])
					return EK_EXEC_BAD_OP;
				for (c = 0; c < out->d[3]; c++)
					ek_copy(out, ek_idx(out, n, y, x, c), in,
						ek_idx(in, n, ym[y], xm[x], c));
			}
		}
	}
	return EK_EXEC_OK;
}
