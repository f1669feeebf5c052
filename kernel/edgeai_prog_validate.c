// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * The program validator: every rule of uapi/drm/edgeai_program.h that
 * keeps the firmware op kernels inside the memory they are given, and the
 * shape, dtype and parameter consistency each op documents.
 *
 * Pure: no allocation, no locking, no logging; only <linux/types.h>,
 * <linux/errno.h>, <linux/overflow.h> and <linux/export.h> are used, so
 * tests/fuzz/validator/ builds this file on the host under libFuzzer with
 * a small shim. The blob must be 8-byte aligned (the caller's copy is).
 * The format is little-endian; so are the hosts this driver builds for.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/types.h>
#include <kunit/visibility.h>

#include "edgeai_prog_validate.h"

/* Checking state of one program. */
struct epc {
	const struct edgeai_prog_header *h;
	const struct edgeai_prog_tensor *t;
	const struct edgeai_prog_op *ops;
	const u8 *consts;
	u32 const_size;
	const u64 *slot_size;
	const bool *slot_writable;
	struct edgeai_prog_slots *slots;
	struct edgeai_prog_check_err *err;
	s32 op;
	u64 macs;
	u64 bytes;
	u64 const_bytes;
};

static int epc_fail(struct epc *c, s32 tensor, const char *reason)
{
	c->err->op = c->op;
	c->err->tensor = tensor;
	c->err->reason = reason;
	return -EINVAL;
}

#define FAIL(c, why)	epc_fail(c, -1, why)

/* Inputs, parameter words used, per op. */
struct epc_desc {
	u8 min_in;
	u8 max_in;
	u8 words;
};

static const struct epc_desc epc_desc[EDGEAI_OP_COUNT] = {
	[EDGEAI_OP_CONV_2D] = { 2, 3, 12 },
	[EDGEAI_OP_DEPTHWISE_CONV_2D] = { 2, 3, 12 },
	[EDGEAI_OP_FULLY_CONNECTED] = { 2, 3, 4 },
	[EDGEAI_OP_ADD] = { 2, 2, 9 },
	[EDGEAI_OP_SUB] = { 2, 2, 9 },
	[EDGEAI_OP_MUL] = { 2, 2, 4 },
	[EDGEAI_OP_MAXIMUM] = { 2, 2, 0 },
	[EDGEAI_OP_MINIMUM] = { 2, 2, 0 },
	[EDGEAI_OP_AVERAGE_POOL_2D] = { 1, 1, 8 },
	[EDGEAI_OP_MAX_POOL_2D] = { 1, 1, 8 },
	[EDGEAI_OP_MEAN] = { 1, 1, 5 },
	[EDGEAI_OP_SOFTMAX] = { 1, 1, 2 },
	[EDGEAI_OP_LOGISTIC] = { 1, 1, 1 },
	[EDGEAI_OP_TANH] = { 1, 1, 1 },
	[EDGEAI_OP_HARD_SWISH] = { 1, 1, 1 },
	[EDGEAI_OP_RELU] = { 1, 1, 4 },
	[EDGEAI_OP_RELU6] = { 1, 1, 4 },
	[EDGEAI_OP_LEAKY_RELU] = { 1, 1, 1 },
	[EDGEAI_OP_PRELU] = { 2, 2, 4 },
	[EDGEAI_OP_PAD] = { 1, 1, 8 },
	[EDGEAI_OP_CONCATENATION] = { 1, 8, 1 },
	[EDGEAI_OP_RESHAPE] = { 1, 1, 0 },
	[EDGEAI_OP_RESIZE_BILINEAR] = { 1, 1, 3 },
	[EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR] = { 1, 1, 3 },
	[EDGEAI_OP_QUANTIZE] = { 1, 1, 4 },
	[EDGEAI_OP_STRIDED_SLICE] = { 1, 1, 8 },
	[EDGEAI_OP_TRANSPOSE] = { 1, 1, 4 },
	[EDGEAI_OP_DEPTH_TO_SPACE] = { 1, 1, 1 },
	[EDGEAI_OP_SPACE_TO_DEPTH] = { 1, 1, 1 },
	[EDGEAI_OP_TRANSPOSE_CONV] = { 2, 3, 9 },
	[EDGEAI_OP_ARG_MAX] = { 1, 1, 1 },
	[EDGEAI_OP_TABLE] = { 1, 1, 1 },
	[EDGEAI_OP_SQUARED_DIFFERENCE] = { 2, 2, 9 },
	[EDGEAI_OP_L2_NORMALIZATION] = { 1, 1, 0 },
	[EDGEAI_OP_BATCH_MATMUL] = { 2, 2, 6 },
};

static u32 epc_esize(u32 dtype)
{
	switch (dtype) {
	case EDGEAI_DTYPE_INT8:
	case EDGEAI_DTYPE_UINT8:
		return 1;
	case EDGEAI_DTYPE_INT16:
		return 2;
	case EDGEAI_DTYPE_INT32:
		return 4;
	case EDGEAI_DTYPE_INT64:
		return 8;
	}
	return 0;
}

/* Element count of a checked tensor (fits 32 bits). */
static u64 epc_count(const struct edgeai_prog_tensor *t)
{
	return (u64)t->dims[0] * t->dims[1] * t->dims[2] * t->dims[3];
}

static u64 epc_bytes(const struct edgeai_prog_tensor *t)
{
	return epc_count(t) * epc_esize(t->dtype);
}

static bool epc_is8(const struct edgeai_prog_tensor *t)
{
	return t->dtype == EDGEAI_DTYPE_INT8 || t->dtype == EDGEAI_DTYPE_UINT8;
}

static void epc_dtype_range(u32 dtype, s32 *lo, s32 *hi)
{
	switch (dtype) {
	case EDGEAI_DTYPE_INT8:
		*lo = -128;
		*hi = 127;
		break;
	case EDGEAI_DTYPE_UINT8:
		*lo = 0;
		*hi = 255;
		break;
	case EDGEAI_DTYPE_INT16:
		*lo = -32768;
		*hi = 32767;
		break;
	default:
		*lo = 0;
		*hi = 0;
	}
}

static u64 epc_mul_sat(u64 a, u64 b)
{
	u64 r;

	return check_mul_overflow(a, b, &r) ? U64_MAX : r;
}

static int epc_add_work(struct epc *c, u64 macs)
{
	if (check_add_overflow(c->macs, macs, &c->macs) ||
	    c->macs > EDGEAI_PROG_MAX_WORK) {
		FAIL(c, "program derives too much work");
		return -E2BIG;
	}
	return 0;
}

/* [off, off + size) inside the constant region, @align-aligned. */
static int epc_const_ref(struct epc *c, u32 off, u64 size, u32 align,
			 const char *why)
{
	if (off == EDGEAI_PROG_NO_CONST || off % align ||
	    (u64)off + size > c->const_size)
		return FAIL(c, why);
	return 0;
}

static bool epc_qmul_ok(s32 m, s32 shift)
{
	return m >= 0 && shift >= -31 && shift <= 30 && (m || !shift);
}

static int epc_act(struct epc *c, const struct edgeai_prog_tensor *out,
		   s32 act_min, s32 act_max)
{
	s32 lo, hi;

	epc_dtype_range(out->dtype, &lo, &hi);
	if (act_min < lo || act_max > hi || act_min > act_max)
		return FAIL(c, "activation range outside the output type");
	return 0;
}

static int epc_header(struct epc *c, const void *blob, size_t size)
{
	const struct edgeai_prog_header *h = blob;
	u64 tend, oend, cend;

	if (size < sizeof(*h))
		return FAIL(c, "header: truncated");
	if (h->magic != EDGEAI_PROG_MAGIC)
		return FAIL(c, "header: bad magic");
	if (h->version != EDGEAI_PROG_VERSION)
		return FAIL(c, "header: unsupported version");
	if (h->header_size != sizeof(*h))
		return FAIL(c, "header: bad header_size");
	if (h->total_size != size || size > EDGEAI_PROG_MAX_SIZE)
		return FAIL(c, "header: total_size is not the program size");
	if (h->flags || h->reserved[0] || h->reserved[1] || h->reserved[2] ||
	    h->reserved[3])
		return FAIL(c, "header: flags or reserved not zero");
	if (!h->tensor_count || h->tensor_count > EDGEAI_PROG_MAX_TENSORS)
		return FAIL(c, "header: tensor_count out of range");
	if (!h->op_count || h->op_count > EDGEAI_PROG_MAX_OPS)
		return FAIL(c, "header: op_count out of range");
	if (!h->slot_count || h->slot_count > EDGEAI_PROG_MAX_SLOTS)
		return FAIL(c, "header: slot_count out of range");
	if ((h->tensor_offset | h->op_offset | h->const_offset) & 7)
		return FAIL(c, "header: section not 8-byte aligned");
	tend = (u64)h->tensor_offset +
	       (u64)h->tensor_count * sizeof(struct edgeai_prog_tensor);
	oend = (u64)h->op_offset + (u64)h->op_count * sizeof(struct edgeai_prog_op);
	cend = (u64)h->const_offset + h->const_size;
	if (h->tensor_offset < sizeof(*h) || tend > h->op_offset ||
	    oend > h->const_offset || cend > h->total_size)
		return FAIL(c, "header: sections out of order or out of bounds");
	c->h = h;
	c->t = (const void *)((const u8 *)blob + h->tensor_offset);
	c->ops = (const void *)((const u8 *)blob + h->op_offset);
	c->consts = (const u8 *)blob + h->const_offset;
	c->const_size = h->const_size;
	return 0;
}

static int epc_tensor(struct epc *c, u32 i)
{
	const struct edgeai_prog_tensor *t = &c->t[i];
	u32 esize = epc_esize(t->dtype);
	u64 bytes = esize, end;
	s32 lo, hi;
	int d;

	if (!esize)
		return epc_fail(c, i, "tensor: unknown dtype");
	for (d = 0; d < 4; d++) {
		if (!t->dims[d] || t->dims[d] > EDGEAI_PROG_MAX_DIM)
			return epc_fail(c, i, "tensor: dimension out of range");
		bytes *= t->dims[d];
		if (bytes > U32_MAX)
			return epc_fail(c, i, "tensor: byte size above 4 GiB");
	}
	if (t->offset % esize)
		return epc_fail(c, i, "tensor: offset not aligned to the element");
	if (check_add_overflow(t->offset, bytes, &end))
		return epc_fail(c, i, "tensor: offset overflows");
	epc_dtype_range(t->dtype, &lo, &hi);
	if (t->zero_point < lo || t->zero_point > hi)
		return epc_fail(c, i, "tensor: zero point out of range");
	if (t->flags || t->reserved[0] || t->reserved[1])
		return epc_fail(c, i, "tensor: flags or reserved not zero");
	if (t->slot == EDGEAI_PROG_SLOT_CONST) {
		if (end > c->const_size)
			return epc_fail(c, i, "tensor: outside the constant region");
		return 0;
	}
	if (t->slot >= c->h->slot_count)
		return epc_fail(c, i, "tensor: slot above the program's slot_count");
	if (c->slot_size && end > c->slot_size[t->slot])
		return epc_fail(c, i, "tensor: outside its bound buffer");
	if (c->slots && end > c->slots->end[t->slot]) {
		c->slots->end[t->slot] = end;
		c->slots->end_tensor[t->slot] = i;
	}
	return 0;
}

/* out.dims[d] is max of the inputs' and each input's is 1 or out's. */
static int epc_broadcast(struct epc *c, const struct edgeai_prog_tensor *a,
			 const struct edgeai_prog_tensor *b,
			 const struct edgeai_prog_tensor *out)
{
	int d;

	if (!epc_is8(a) || a->dtype != b->dtype || a->dtype != out->dtype)
		return FAIL(c, "inputs and output must share one 8-bit dtype");
	for (d = 0; d < 4; d++) {
		u32 o = out->dims[d];

		if ((a->dims[d] != o && a->dims[d] != 1) ||
		    (b->dims[d] != o && b->dims[d] != 1) ||
		    (a->dims[d] != o && b->dims[d] != o))
			return FAIL(c, "shapes do not broadcast to the output");
	}
	return epc_add_work(c, epc_count(out));
}

static int epc_same_quant(struct epc *c, const struct edgeai_prog_tensor *a,
			  const struct edgeai_prog_tensor *out)
{
	if (!epc_is8(a) || a->dtype != out->dtype)
		return FAIL(c, "input and output must share one 8-bit dtype");
	if (a->zero_point != out->zero_point)
		return FAIL(c, "input and output zero points differ");
	return 0;
}

/* One 8-bit dtype and one shape for input and output. */
static int epc_elementwise(struct epc *c, const struct edgeai_prog_tensor *x,
			   const struct edgeai_prog_tensor *out)
{
	int d;

	if (!epc_is8(x) || x->dtype != out->dtype)
		return FAIL(c, "input and output must share one 8-bit dtype");
	for (d = 0; d < 4; d++)
		if (x->dims[d] != out->dims[d])
			return FAIL(c, "input and output shapes differ");
	return 0;
}

/* The last output row and column start inside the (padded) input. */
static bool epc_window_ok(const struct edgeai_prog_tensor *x,
			  const struct edgeai_prog_tensor *out, u32 stride_h,
			  u32 stride_w, u32 pad_top, u32 pad_left)
{
	return (u64)(out->dims[1] - 1) * stride_h <= (u64)x->dims[1] - 1 + pad_top &&
	       (u64)(out->dims[2] - 1) * stride_w <= (u64)x->dims[2] - 1 + pad_left;
}

/* An optional bias: int32, one entry per output channel. */
static bool epc_bias_ok(const struct edgeai_prog_tensor *bias, u32 channels)
{
	return bias->dtype == EDGEAI_DTYPE_INT32 && epc_count(bias) == channels;
}

/*
 * The output multipliers of a convolution: @oc per-channel pairs in the
 * constant region at @qmul_offset, or the per-tensor pair (@mul, @shift).
 */
static int epc_out_qmul(struct epc *c, u32 qmul_offset, s32 mul, s32 shift,
			u32 oc)
{
	const struct edgeai_prog_qmul *q;
	u32 i;
	int ret;

	if (qmul_offset == EDGEAI_PROG_NO_CONST) {
		if (!epc_qmul_ok(mul, shift))
			return FAIL(c, "output multiplier out of range");
		return 0;
	}
	if (mul || shift)
		return FAIL(c, "per-tensor multiplier set with per-channel ones");
	ret = epc_const_ref(c, qmul_offset, (u64)oc * sizeof(*q), 4,
			    "per-channel multipliers outside the constant region");
	if (ret)
		return ret;
	q = (const void *)(c->consts + qmul_offset);
	for (i = 0; i < oc; i++)
		if (!epc_qmul_ok(q[i].multiplier, q[i].shift))
			return FAIL(c, "per-channel multiplier out of range");
	return 0;
}

static int epc_conv(struct epc *c, const struct edgeai_prog_op *op,
		    const struct edgeai_prog_tensor *const *in, u32 n_in,
		    const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_conv_params *p = (const void *)op->params;
	const struct edgeai_prog_tensor *x = in[0], *w = in[1];
	bool dw = op->opcode == EDGEAI_OP_DEPTHWISE_CONV_2D;
	u32 oc = out->dims[3], kh = w->dims[1], kw = w->dims[2];
	u64 macs;
	int ret;

	if (!epc_is8(x) || w->dtype != x->dtype || out->dtype != x->dtype)
		return FAIL(c, "input, filter and output must share one 8-bit dtype");
	if (x->dims[0] != out->dims[0])
		return FAIL(c, "batch of input and output differ");
	if (dw) {
		if (w->dims[0] != 1 || w->dims[3] != oc || !p->depth_multiplier ||
		    (u64)x->dims[3] * p->depth_multiplier != oc)
			return FAIL(c, "depthwise filter shape or depth_multiplier mismatch");
	} else {
		if (w->dims[0] != oc || w->dims[3] != x->dims[3] ||
		    p->depth_multiplier != 1)
			return FAIL(c, "filter shape mismatch");
	}
	if (n_in > 2 && !epc_bias_ok(in[2], oc))
		return FAIL(c, "bias must be int32 with one entry per output channel");
	if (x->dtype == EDGEAI_DTYPE_INT8 && w->zero_point)
		return FAIL(c, "int8 filter zero point must be 0");
	if (!p->stride_h || !p->stride_w || p->stride_h > EDGEAI_PROG_MAX_DIM ||
	    p->stride_w > EDGEAI_PROG_MAX_DIM || !p->dilation_h || !p->dilation_w ||
	    p->dilation_h > EDGEAI_PROG_MAX_DIM || p->dilation_w > EDGEAI_PROG_MAX_DIM)
		return FAIL(c, "stride or dilation out of range");
	if ((u64)p->pad_top >= (u64)kh * p->dilation_h ||
	    (u64)p->pad_left >= (u64)kw * p->dilation_w)
		return FAIL(c, "padding not below the dilated filter size");
	if (!epc_window_ok(x, out, p->stride_h, p->stride_w, p->pad_top,
			   p->pad_left))
		return FAIL(c, "output size inconsistent with input, stride and padding");
	ret = epc_act(c, out, p->act_min, p->act_max);
	if (ret)
		return ret;
	ret = epc_out_qmul(c, p->qmul_offset, p->out_multiplier, p->out_shift,
			   oc);
	if (ret)
		return ret;
	macs = epc_mul_sat(epc_count(out), (u64)kh * kw);
	if (!dw)
		macs = epc_mul_sat(macs, x->dims[3]);
	return epc_add_work(c, macs);
}

/*
 * The output rows of a transposed convolution: the last input row lands
 * inside the output, and the output ends within the last input row's
 * window or stride step (TFLite's SAME output of a filter smaller than
 * the stride ends with rows no tap reaches).
 */
static bool epc_tconv_dim_ok(u32 in, u32 out, u32 k, u32 stride, u32 pad)
{
	u64 last_in = (u64)(in - 1) * stride, last_out = (u64)out - 1 + pad;

	return last_in <= last_out &&
	       last_out <= last_in + (k > stride ? k : stride) - 1;
}

static int epc_tconv(struct epc *c, const struct edgeai_prog_op *op,
		     const struct edgeai_prog_tensor *const *in, u32 n_in,
		     const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_tconv_params *p = (const void *)op->params;
	const struct edgeai_prog_tensor *x = in[0], *w = in[1];
	u32 oc = out->dims[3], kh = w->dims[1], kw = w->dims[2];
	int ret;

	if (!epc_is8(x) || w->dtype != x->dtype || out->dtype != x->dtype)
		return FAIL(c, "input, filter and output must share one 8-bit dtype");
	if (x->dims[0] != out->dims[0])
		return FAIL(c, "batch of input and output differ");
	if (w->dims[0] != oc || w->dims[3] != x->dims[3])
		return FAIL(c, "filter shape mismatch");
	if (n_in > 2 && !epc_bias_ok(in[2], oc))
		return FAIL(c, "bias must be int32 with one entry per output channel");
	if (x->dtype == EDGEAI_DTYPE_INT8 && w->zero_point)
		return FAIL(c, "int8 filter zero point must be 0");
	if (!p->stride_h || !p->stride_w || p->stride_h > EDGEAI_PROG_MAX_DIM ||
	    p->stride_w > EDGEAI_PROG_MAX_DIM)
		return FAIL(c, "stride out of range");
	if (p->pad_top >= kh || p->pad_left >= kw)
		return FAIL(c, "padding not below the filter size");
	if (!epc_tconv_dim_ok(x->dims[1], out->dims[1], kh, p->stride_h,
			      p->pad_top) ||
	    !epc_tconv_dim_ok(x->dims[2], out->dims[2], kw, p->stride_w,
			      p->pad_left))
		return FAIL(c, "output size inconsistent with input, stride and padding");
	ret = epc_act(c, out, p->act_min, p->act_max);
	if (ret)
		return ret;
	ret = epc_out_qmul(c, p->qmul_offset, p->out_multiplier, p->out_shift,
			   oc);
	if (ret)
		return ret;
	/* Every input value meets every tap of every output channel. */
	return epc_add_work(c, epc_mul_sat(epc_count(x),
					   (u64)kh * kw * oc));
}

static int epc_fc(struct epc *c, const struct edgeai_prog_op *op,
		  const struct edgeai_prog_tensor *const *in, u32 n_in,
		  const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_fc_params *p = (const void *)op->params;
	const struct edgeai_prog_tensor *x = in[0], *w = in[1];
	u32 ic = w->dims[3], oc = w->dims[2];
	u64 batch;
	int ret;

	if (!epc_is8(x) || w->dtype != x->dtype || out->dtype != x->dtype)
		return FAIL(c, "input, weights and output must share one 8-bit dtype");
	if (w->dims[0] != 1 || w->dims[1] != 1 || epc_count(x) % ic)
		return FAIL(c, "weights shape does not match the input");
	batch = epc_count(x) / ic;
	if (out->dims[3] != oc || epc_count(out) != batch * oc)
		return FAIL(c, "output shape does not match batch and weights");
	if (n_in > 2 && !epc_bias_ok(in[2], oc))
		return FAIL(c, "bias must be int32 with one entry per output channel");
	if (x->dtype == EDGEAI_DTYPE_INT8 && w->zero_point)
		return FAIL(c, "int8 weights zero point must be 0");
	ret = epc_act(c, out, p->act_min, p->act_max);
	if (ret)
		return ret;
	if (!epc_qmul_ok(p->out_multiplier, p->out_shift))
		return FAIL(c, "output multiplier out of range");
	return epc_add_work(c, epc_mul_sat(epc_count(out), ic));
}

static int epc_matmul(struct epc *c, const struct edgeai_prog_op *op,
		      const struct edgeai_prog_tensor *const *in,
		      const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_matmul_params *p = (const void *)op->params;
	const struct edgeai_prog_tensor *l = in[0], *r = in[1];
	u32 m = p->adj_x ? l->dims[3] : l->dims[2];
	u32 k = p->adj_x ? l->dims[2] : l->dims[3];
	u32 rk = p->adj_y ? r->dims[3] : r->dims[2];
	u32 n = p->adj_y ? r->dims[2] : r->dims[3];
	int d, ret;

	if (l->dtype != EDGEAI_DTYPE_INT8 || r->dtype != EDGEAI_DTYPE_INT8 ||
	    out->dtype != EDGEAI_DTYPE_INT8)
		return FAIL(c, "inputs and output must be int8");
	if (p->adj_x > 1 || p->adj_y > 1)
		return FAIL(c, "adj_x and adj_y must be 0 or 1");
	if (k != rk || out->dims[2] != m || out->dims[3] != n)
		return FAIL(c, "matrix shapes do not multiply to the output");
	for (d = 0; d < 2; d++)
		if ((l->dims[d] != out->dims[d] && l->dims[d] != 1) ||
		    (r->dims[d] != out->dims[d] && r->dims[d] != 1) ||
		    (l->dims[d] != out->dims[d] && r->dims[d] != out->dims[d]))
			return FAIL(c, "batch dimensions do not broadcast to the output");
	ret = epc_act(c, out, p->act_min, p->act_max);
	if (ret)
		return ret;
	if (!epc_qmul_ok(p->out_multiplier, p->out_shift))
		return FAIL(c, "output multiplier out of range");
	return epc_add_work(c, epc_mul_sat(epc_count(out), k));
}

static int epc_pool(struct epc *c, const struct edgeai_prog_op *op,
		    const struct edgeai_prog_tensor *x,
		    const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_pool_params *p = (const void *)op->params;
	int ret;

	ret = epc_same_quant(c, x, out);
	if (ret)
		return ret;
	if (x->dims[0] != out->dims[0] || x->dims[3] != out->dims[3])
		return FAIL(c, "batch or channels of input and output differ");
	if (!p->filter_h || !p->filter_w || !p->stride_h || !p->stride_w ||
	    p->filter_h > EDGEAI_PROG_MAX_DIM || p->filter_w > EDGEAI_PROG_MAX_DIM ||
	    p->stride_h > EDGEAI_PROG_MAX_DIM || p->stride_w > EDGEAI_PROG_MAX_DIM)
		return FAIL(c, "filter or stride out of range");
	if (p->pad_top >= p->filter_h || p->pad_left >= p->filter_w)
		return FAIL(c, "padding not below the filter size");
	if (!epc_window_ok(x, out, p->stride_h, p->stride_w, p->pad_top,
			   p->pad_left))
		return FAIL(c, "output size inconsistent with input, stride and padding");
	ret = epc_act(c, out, p->act_min, p->act_max);
	if (ret)
		return ret;
	return epc_add_work(c, epc_mul_sat(epc_count(out),
					   (u64)p->filter_h * p->filter_w));
}

/* The row and column maps of a resize: @esize bytes an entry, 4-aligned. */
static int epc_resize_maps(struct epc *c, const struct edgeai_prog_resize_params *p,
			   u32 oh, u32 ow, size_t esize)
{
	int ret;

	ret = epc_const_ref(c, p->y_map_offset, (u64)oh * esize, 4,
			    "row map outside the constant region");
	if (!ret)
		ret = epc_const_ref(c, p->x_map_offset, (u64)ow * esize, 4,
				    "column map outside the constant region");
	return ret;
}

static int epc_resize(struct epc *c, const struct edgeai_prog_op *op,
		      const struct edgeai_prog_tensor *x,
		      const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_resize_params *p = (const void *)op->params;
	u32 oh = out->dims[1], ow = out->dims[2], i;
	int ret;

	ret = epc_same_quant(c, x, out);
	if (ret)
		return ret;
	if (x->dims[0] != out->dims[0] || x->dims[3] != out->dims[3])
		return FAIL(c, "batch or channels of input and output differ");
	if (op->opcode == EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR) {
		const u32 *ym, *xm;

		if (p->arith)
			return FAIL(c, "arith must be 0 for nearest neighbour");
		ret = epc_resize_maps(c, p, oh, ow, sizeof(*ym));
		if (ret)
			return ret;
		ym = (const void *)(c->consts + p->y_map_offset);
		xm = (const void *)(c->consts + p->x_map_offset);
		for (i = 0; i < oh; i++)
			if (ym[i] >= x->dims[1])
				return FAIL(c, "row map entry outside the input");
		for (i = 0; i < ow; i++)
			if (xm[i] >= x->dims[2])
				return FAIL(c, "column map entry outside the input");
	} else {
		const struct edgeai_prog_interp *ym, *xm;

		if (p->arith != EDGEAI_RESIZE_FLOAT32 && p->arith != EDGEAI_RESIZE_FIXED10)
			return FAIL(c, "unknown bilinear arithmetic");
		ret = epc_resize_maps(c, p, oh, ow, sizeof(*ym));
		if (ret)
			return ret;
		ym = (const void *)(c->consts + p->y_map_offset);
		xm = (const void *)(c->consts + p->x_map_offset);
		for (i = 0; i < oh + ow; i++) {
			const struct edgeai_prog_interp *e = i < oh ? &ym[i] : &xm[i - oh];
			u32 lim = i < oh ? x->dims[1] : x->dims[2];

			if (e->lo >= lim || e->hi >= lim)
				return FAIL(c, "interpolation entry outside the input");
			if (p->arith == EDGEAI_RESIZE_FIXED10 &&
			    ((s32)e->w_lo < -4096 || (s32)e->w_lo > 4096 ||
			     (s32)e->w_hi < -4096 || (s32)e->w_hi > 4096))
				return FAIL(c, "fixed-point weight out of range");
		}
	}
	return epc_add_work(c, epc_mul_sat(epc_count(out), 4));
}

static int epc_slice(struct epc *c, const struct edgeai_prog_op *op,
		     const struct edgeai_prog_tensor *x,
		     const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_slice_params *p = (const void *)op->params;
	int d;

	for (d = 0; d < 4; d++) {
		s64 last = (s64)p->begin[d] +
			   (s64)(out->dims[d] - 1) * p->stride[d];

		if (!p->stride[d] || p->begin[d] >= x->dims[d] || last < 0 ||
		    last >= x->dims[d])
			return FAIL(c, "slice reads outside the input");
	}
	return 0;
}

static int epc_transpose(struct epc *c, const struct edgeai_prog_op *op,
			 const struct edgeai_prog_tensor *x,
			 const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_transpose_params *p = (const void *)op->params;
	u32 seen = 0;
	int d;

	for (d = 0; d < 4; d++) {
		if (p->perm[d] > 3 || (seen & (1U << p->perm[d])))
			return FAIL(c, "perm is not a permutation of 0..3");
		seen |= 1U << p->perm[d];
		if (out->dims[d] != x->dims[p->perm[d]])
			return FAIL(c, "output shape is not the permuted input shape");
	}
	return 0;
}

static int epc_block(struct epc *c, const struct edgeai_prog_op *op,
		     const struct edgeai_prog_tensor *x,
		     const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_block_params *p = (const void *)op->params;
	const struct edgeai_prog_tensor *deep, *wide;
	u64 b = p->block_size;

	if (!b || b > EDGEAI_PROG_MAX_DIM)
		return FAIL(c, "block_size out of range");
	/* DEPTH_TO_SPACE: out is the wide one; SPACE_TO_DEPTH the reverse. */
	if (op->opcode == EDGEAI_OP_DEPTH_TO_SPACE) {
		deep = x;
		wide = out;
	} else {
		deep = out;
		wide = x;
	}
	if (deep->dims[0] != wide->dims[0] ||
	    (u64)deep->dims[1] * b != wide->dims[1] ||
	    (u64)deep->dims[2] * b != wide->dims[2] ||
	    (u64)wide->dims[3] * b * b != deep->dims[3])
		return FAIL(c, "shapes inconsistent with block_size");
	return 0;
}

static int epc_concat(struct epc *c, const struct edgeai_prog_op *op,
		      const struct edgeai_prog_tensor *const *in, u32 n_in,
		      const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_concat_params *p = (const void *)op->params;
	u64 sum = 0;
	u32 i;
	int d, ret;

	if (p->axis > 3)
		return FAIL(c, "axis out of range");
	for (i = 0; i < n_in; i++) {
		ret = epc_same_quant(c, in[i], out);
		if (ret)
			return ret;
		for (d = 0; d < 4; d++)
			if (d != (int)p->axis && in[i]->dims[d] != out->dims[d])
				return FAIL(c, "inputs differ from the output off the axis");
		sum += in[i]->dims[p->axis];
	}
	if (sum != out->dims[p->axis])
		return FAIL(c, "axis sizes do not add up to the output");
	return 0;
}

static int epc_op_params(struct epc *c, const struct edgeai_prog_op *op,
			 const struct edgeai_prog_tensor *const *in, u32 n_in,
			 const struct edgeai_prog_tensor *out)
{
	const struct edgeai_prog_tensor *x = in[0];
	const u32 *w = op->params;
	int ret, d;

	switch (op->opcode) {
	case EDGEAI_OP_CONV_2D:
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return epc_conv(c, op, in, n_in, out);
	case EDGEAI_OP_FULLY_CONNECTED:
		return epc_fc(c, op, in, n_in, out);
	case EDGEAI_OP_ADD:
	case EDGEAI_OP_SUB:
	case EDGEAI_OP_SQUARED_DIFFERENCE: {
		const struct edgeai_prog_add_params *p = (const void *)w;

		if (p->left_shift > 30 ||
		    !epc_qmul_ok(p->in0_multiplier, p->in0_shift) ||
		    !epc_qmul_ok(p->in1_multiplier, p->in1_shift) ||
		    !epc_qmul_ok(p->out_multiplier, p->out_shift))
			return FAIL(c, "shift or multiplier out of range");
		ret = epc_act(c, out, p->act_min, p->act_max);
		return ret ? ret : epc_broadcast(c, x, in[1], out);
	}
	case EDGEAI_OP_MUL: {
		const struct edgeai_prog_mul_params *p = (const void *)w;

		if (!epc_qmul_ok(p->out_multiplier, p->out_shift))
			return FAIL(c, "output multiplier out of range");
		ret = epc_act(c, out, p->act_min, p->act_max);
		return ret ? ret : epc_broadcast(c, x, in[1], out);
	}
	case EDGEAI_OP_MAXIMUM:
	case EDGEAI_OP_MINIMUM:
		if (x->zero_point != out->zero_point ||
		    in[1]->zero_point != out->zero_point)
			return FAIL(c, "inputs and output zero points differ");
		return epc_broadcast(c, x, in[1], out);
	case EDGEAI_OP_PRELU: {
		const struct edgeai_prog_prelu_params *p = (const void *)w;

		if (!epc_qmul_ok(p->identity_multiplier, p->identity_shift) ||
		    !epc_qmul_ok(p->alpha_multiplier, p->alpha_shift))
			return FAIL(c, "multiplier out of range");
		return epc_broadcast(c, x, in[1], out);
	}
	case EDGEAI_OP_AVERAGE_POOL_2D:
	case EDGEAI_OP_MAX_POOL_2D:
		return epc_pool(c, op, x, out);
	case EDGEAI_OP_MEAN: {
		const struct edgeai_prog_mean_params *p = (const void *)w;

		if (!epc_is8(x) || x->dtype != out->dtype)
			return FAIL(c, "input and output must share one 8-bit dtype");
		if (out->dims[0] != x->dims[0] || out->dims[1] != 1 ||
		    out->dims[2] != 1 || out->dims[3] != x->dims[3])
			return FAIL(c, "output must be [N, 1, 1, C] of the input");
		switch (p->flags) {
		case EDGEAI_PROG_MEAN_FLOAT:
		case EDGEAI_PROG_MEAN_SUM:
			/* any scale bits compute something; the others are unused */
			if (p->out_multiplier || p->out_shift || p->bias)
				return FAIL(c, "float pipeline with integer parameters");
			break;
		case EDGEAI_PROG_MEAN_DIV:
			if (p->out_multiplier || p->out_shift || p->bias || p->scale)
				return FAIL(c, "integer division with parameters");
			break;
		case EDGEAI_PROG_MEAN_INT:
			if (x->dtype != EDGEAI_DTYPE_INT8)
				return FAIL(c, "int8 reference pipeline on uint8");
			if (p->bias || p->scale)
				return FAIL(c, "int8 reference pipeline with a bias or scale");
			if (!epc_qmul_ok(p->out_multiplier, p->out_shift))
				return FAIL(c, "output multiplier out of range");
			break;
		case 0:
			if (p->scale)
				return FAIL(c, "integer pipeline with a float scale");
			if (!epc_qmul_ok(p->out_multiplier, p->out_shift))
				return FAIL(c, "output multiplier out of range");
			break;
		default:
			return FAIL(c, "unknown flags");
		}
		return epc_add_work(c, epc_count(x));
	}
	case EDGEAI_OP_SOFTMAX: {
		const struct edgeai_prog_softmax_params *p = (const void *)w;

		ret = epc_elementwise(c, x, out);
		if (ret)
			return ret;
		if (out->zero_point != (out->dtype == EDGEAI_DTYPE_INT8 ? -128 : 0))
			return FAIL(c, "output zero point is not the softmax one");
		ret = epc_const_ref(c, p->table_offset, 256 * 4, 4,
				    "table outside the constant region");
		return ret ? ret : epc_add_work(c, epc_mul_sat(epc_count(x), 8));
	}
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE: {
		const struct edgeai_prog_lut_params *p = (const void *)w;

		ret = epc_elementwise(c, x, out);
		if (ret)
			return ret;
		ret = epc_const_ref(c, p->table_offset, 256, 1,
				    "table outside the constant region");
		return ret ? ret : epc_add_work(c, epc_count(x));
	}
	case EDGEAI_OP_RELU:
	case EDGEAI_OP_RELU6:
	case EDGEAI_OP_QUANTIZE: {
		const struct edgeai_prog_requant_params *p = (const void *)w;

		if (!epc_is8(x) || !epc_is8(out) ||
		    (op->opcode != EDGEAI_OP_QUANTIZE && x->dtype != out->dtype))
			return FAIL(c, "input and output dtypes not supported");
		if (epc_count(x) != epc_count(out))
			return FAIL(c, "input and output element counts differ");
		if (!epc_qmul_ok(p->out_multiplier, p->out_shift))
			return FAIL(c, "output multiplier out of range");
		ret = epc_act(c, out, p->act_min, p->act_max);
		return ret ? ret : epc_add_work(c, epc_count(x));
	}
	case EDGEAI_OP_PAD: {
		const struct edgeai_prog_pad_params *p = (const void *)w;

		ret = epc_same_quant(c, x, out);
		if (ret)
			return ret;
		for (d = 0; d < 4; d++)
			if ((u64)x->dims[d] + p->before[d] + p->after[d] != out->dims[d])
				return FAIL(c, "output shape is not input plus padding");
		return 0;
	}
	case EDGEAI_OP_CONCATENATION:
		return epc_concat(c, op, in, n_in, out);
	case EDGEAI_OP_RESHAPE:
		ret = epc_same_quant(c, x, out);
		if (!ret && epc_count(x) != epc_count(out))
			return FAIL(c, "input and output element counts differ");
		return ret;
	case EDGEAI_OP_RESIZE_BILINEAR:
	case EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR:
		return epc_resize(c, op, x, out);
	case EDGEAI_OP_STRIDED_SLICE:
		ret = epc_same_quant(c, x, out);
		return ret ? ret : epc_slice(c, op, x, out);
	case EDGEAI_OP_TRANSPOSE:
		ret = epc_same_quant(c, x, out);
		return ret ? ret : epc_transpose(c, op, x, out);
	case EDGEAI_OP_DEPTH_TO_SPACE:
	case EDGEAI_OP_SPACE_TO_DEPTH:
		ret = epc_same_quant(c, x, out);
		return ret ? ret : epc_block(c, op, x, out);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return epc_tconv(c, op, in, n_in, out);
	case EDGEAI_OP_BATCH_MATMUL:
		return epc_matmul(c, op, in, out);
	case EDGEAI_OP_L2_NORMALIZATION:
		ret = epc_elementwise(c, x, out);
		if (ret)
			return ret;
		if (out->zero_point != (out->dtype == EDGEAI_DTYPE_INT8 ? 0 : 128))
			return FAIL(c, "output zero point is not the L2 norm one");
		/* the row's sum of squares in int32: 255^2 * 2^15 < 2^31 */
		if (x->dims[3] > 32768)
			return FAIL(c, "rows longer than 32768");
		return epc_add_work(c, epc_mul_sat(epc_count(x), 2));
	case EDGEAI_OP_ARG_MAX: {
		const struct edgeai_prog_argmax_params *p = (const void *)w;

		if (!epc_is8(x))
			return FAIL(c, "input must be 8-bit");
		if (out->dtype != EDGEAI_DTYPE_INT32 &&
		    out->dtype != EDGEAI_DTYPE_INT64)
			return FAIL(c, "output must be int32 or int64");
		if (p->axis > 3)
			return FAIL(c, "axis out of range");
		if (epc_count(out) * x->dims[p->axis] != epc_count(x))
			return FAIL(c, "output must hold the input without the axis");
		return epc_add_work(c, epc_count(x));
	}
	}
	return FAIL(c, "unknown opcode");
}

static int epc_op(struct epc *c, const u64 *op_mask)
{
	const struct edgeai_prog_op *op = &c->ops[c->op];
	const struct edgeai_prog_tensor *in[EDGEAI_PROG_MAX_INPUTS];
	const struct edgeai_prog_tensor *out;
	const struct epc_desc *desc;
	u32 n_in = 0, i;

	if (!op->opcode || op->opcode >= EDGEAI_OP_COUNT)
		return FAIL(c, "unknown opcode");
	if (!(op_mask[op->opcode / 64] & (1ULL << (op->opcode % 64))))
		return FAIL(c, "op not supported by this device type");
	if (op->flags || op->pad)
		return FAIL(c, "flags or pad not zero");
	desc = &epc_desc[op->opcode];
	for (i = desc->words; i < EDGEAI_PROG_PARAM_WORDS; i++)
		if (op->params[i])
			return FAIL(c, "parameter words past the op's block not zero");
	while (n_in < EDGEAI_PROG_MAX_INPUTS &&
	       op->inputs[n_in] != EDGEAI_PROG_NO_TENSOR)
		n_in++;
	for (i = n_in; i < EDGEAI_PROG_MAX_INPUTS; i++)
		if (op->inputs[i] != EDGEAI_PROG_NO_TENSOR)
			return FAIL(c, "used input after an unused one");
	if (n_in < desc->min_in || n_in > desc->max_in)
		return FAIL(c, "wrong number of inputs");
	for (i = 0; i < n_in; i++) {
		if (op->inputs[i] >= c->h->tensor_count)
			return FAIL(c, "input tensor index out of range");
		in[i] = &c->t[op->inputs[i]];
		c->bytes += epc_bytes(in[i]);
		if (in[i]->slot == EDGEAI_PROG_SLOT_CONST)
			c->const_bytes += epc_bytes(in[i]);
	}
	if (op->output >= c->h->tensor_count)
		return FAIL(c, "output tensor index out of range");
	out = &c->t[op->output];
	if (out->slot == EDGEAI_PROG_SLOT_CONST)
		return epc_fail(c, op->output, "output is a constant");
	if (c->slot_writable && !c->slot_writable[out->slot])
		return epc_fail(c, op->output, "output buffer not bound for writing");
	if (c->slots && c->slots->writer[out->slot] < 0)
		c->slots->writer[out->slot] = c->op;
	for (i = 0; i < n_in; i++) {
		if (op->inputs[i] == op->output)
			return FAIL(c, "output is also an input");
		/* The kernels read inputs after writing outputs (softmax). */
		if (in[i]->slot == out->slot &&
		    in[i]->offset < out->offset + epc_bytes(out) &&
		    out->offset < in[i]->offset + epc_bytes(in[i]))
			return FAIL(c, "output overlaps an input");
	}
	c->bytes += epc_bytes(out);
	/* At most 4096 ops of 9 tensors below 4 GiB: no overflow. */
	if (c->bytes > EDGEAI_PROG_MAX_BYTES)
		return FAIL(c, "program moves too many bytes");
	return epc_op_params(c, op, in, n_in, out);
}

/* Checks the program; records each op's own work in @op_work if given. */
static int epc_check(const void *blob, size_t size, const u64 *op_mask,
		     const u64 *slot_size, const bool *slot_writable,
		     u32 slot_count, struct edgeai_prog_work *work,
		     struct edgeai_prog_op_work *op_work, u32 op_work_count,
		     struct edgeai_prog_slots *slots,
		     struct edgeai_prog_check_err *err)
{
	struct epc c = {
		.slot_size = slot_size,
		.slot_writable = slot_size ? slot_writable : NULL,
		.slots = slots,
		.err = err,
		.op = -1,
	};
	u64 macs, bytes, const_bytes;
	u32 i;
	int ret;

	if (slots) {
		memset(slots, 0, sizeof(*slots));
		memset(slots->end_tensor, 0xff, sizeof(slots->end_tensor));
		memset(slots->writer, 0xff, sizeof(slots->writer));
	}
	ret = epc_header(&c, blob, size);
	if (ret)
		return ret;
	if (slots)
		slots->count = c.h->slot_count;
	if (slot_size && c.h->slot_count > slot_count)
		return FAIL(&c, "fewer buffers bound than the program's slot_count");
	if (op_work && c.h->op_count > op_work_count)
		return FAIL(&c, "more ops than the caller has room for");
	for (i = 0; i < c.h->tensor_count; i++) {
		ret = epc_tensor(&c, i);
		if (ret)
			return ret;
	}
	for (i = 0; i < c.h->op_count; i++) {
		c.op = i;
		macs = c.macs;
		bytes = c.bytes;
		const_bytes = c.const_bytes;
		ret = epc_op(&c, op_mask);
		if (ret)
			return ret;
		if (op_work) {
			op_work[i].macs = c.macs - macs;
			op_work[i].bytes = c.bytes - bytes;
			op_work[i].const_bytes = c.const_bytes - const_bytes;
		}
	}
	if (work) {
		work->macs = c.macs;
		work->bytes = c.bytes;
		work->const_bytes = c.const_bytes;
		work->slot_count = c.h->slot_count;
	}
	return 0;
}

/**
 * edgeai_prog_check() - validate a program
 * @blob: the program, 8-byte aligned
 * @size: its size in bytes
 * @op_mask: the device's supported ops, bit n of the 128 = opcode n
 * @slot_size: NULL to check the program alone (at PROGRAM_CREATE), or the
 *	size of each bound buffer (at SUBMIT): every tensor must lie inside
 * @slot_writable: with @slot_size, whether each buffer is bound for writing
 *	(every op output must be), or NULL
 * @slot_count: entries in @slot_size and @slot_writable; at least the
 *	program's slot_count
 * @work: if not NULL, receives the derived work on success
 * @err: receives the failing op, tensor and reason on failure
 *
 * Pure function, safe on any input of @size bytes.
 *
 * Return: 0; -EINVAL; -E2BIG when the ops derive more than
 * EDGEAI_PROG_MAX_WORK (a valid program, too big for one job).
 */
int edgeai_prog_check(const void *blob, size_t size, const u64 *op_mask,
		      const u64 *slot_size, const bool *slot_writable,
		      u32 slot_count, struct edgeai_prog_work *work,
		      struct edgeai_prog_check_err *err)
{
	return epc_check(blob, size, op_mask, slot_size, slot_writable,
			 slot_count, work, NULL, 0, NULL, err);
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_prog_check);

/**
 * edgeai_prog_op_work() - validate a program alone and derive each op's work
 * @blob: the program, 8-byte aligned
 * @size: its size in bytes
 * @op_mask: the device's supported ops, bit n of the 128 = opcode n
 * @op_work: receives the work of op i in entry i
 * @op_work_count: entries in @op_work; at least the program's op_count
 * @slots: if not NULL, receives what the program needs of its buffers
 * @err: receives the failing op, tensor and reason on failure
 *
 * edgeai_prog_check() without buffers, which also splits the work among
 * the ops (their sums are &edgeai_prog_work.macs and .bytes): the timing
 * model places a program's op boundaries in its device time with it.
 * Pure function, safe on any input of @size bytes.
 *
 * Return: 0; -EINVAL; -E2BIG as edgeai_prog_check().
 */
int edgeai_prog_op_work(const void *blob, size_t size, const u64 *op_mask,
			struct edgeai_prog_op_work *op_work, u32 op_work_count,
			struct edgeai_prog_slots *slots,
			struct edgeai_prog_check_err *err)
{
	return epc_check(blob, size, op_mask, NULL, NULL, 0, NULL, op_work,
			 op_work_count, slots, err);
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_prog_op_work);

/**
 * edgeai_prog_check_slots() - check the buffers bound to a validated program
 * @slots: what the program needs, from edgeai_prog_op_work()
 * @slot_size: the size of each bound buffer
 * @slot_writable: whether each buffer is bound for writing
 * @slot_count: entries in @slot_size and @slot_writable
 * @err: receives the failing op, tensor and reason on failure
 *
 * What edgeai_prog_check() with buffers says of a program that passed it
 * without (every tensor inside its buffer, every op output in a buffer
 * bound for writing), in O(slots). The failing op or tensor named in @err
 * may differ from the full check's when several break a rule.
 *
 * Return: 0 or -EINVAL.
 */
int edgeai_prog_check_slots(const struct edgeai_prog_slots *slots,
			    const u64 *slot_size, const bool *slot_writable,
			    u32 slot_count, struct edgeai_prog_check_err *err)
{
	u32 s;

	err->op = -1;
	err->tensor = -1;
	if (slots->count > slot_count) {
		err->reason = "fewer buffers bound than the program's slot_count";
		return -EINVAL;
	}
	for (s = 0; s < slots->count; s++) {
		if (slots->end[s] > slot_size[s]) {
			err->tensor = slots->end_tensor[s];
			err->reason = "tensor: outside its bound buffer";
			return -EINVAL;
		}
	}
	for (s = 0; s < slots->count; s++) {
		if (slots->writer[s] >= 0 && !slot_writable[s]) {
			err->op = slots->writer[s];
			err->reason = "output buffer not bound for writing";
			return -EINVAL;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_prog_check_slots);
