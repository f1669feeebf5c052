/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internal helpers of the edgeai op kernels (not an interface).
 */
#ifndef _EDGEAI_OPS_INTERNAL_H_
#define _EDGEAI_OPS_INTERNAL_H_

#include "ops.h"

/* The kernel has no INT32_MAX; these serve both builds. */
#define EK_I32_MAX	((int32_t)0x7fffffff)
#define EK_I32_MIN	(-EK_I32_MAX - 1)

/**
 * struct ek_tensor - a resolved tensor
 * @data: address of element 0
 * @dtype: &enum edgeai_prog_dtype
 * @zp: zero point
 * @d: dims N, H, W, C
 */
struct ek_tensor {
	void *data;
	uint32_t dtype;
	int32_t zp;
	uint32_t d[4];
};

/**
 * struct ek_op - an op with its tensors resolved
 * @op: the op record
 * @in: inputs (data NULL when unused)
 * @n_in: used input slots
 * @out: the output
 * @consts: start of the constant region
 * @const_size: its size in bytes
 */
struct ek_op {
	const struct edgeai_prog_op *op;
	struct ek_tensor in[EDGEAI_PROG_MAX_INPUTS];
	unsigned int n_in;
	struct ek_tensor out;
	const uint8_t *consts;
	uint32_t const_size;
};

/*
 * Constant data at off, len bytes, align-aligned; NULL when out of the
 * region (the validator rejects such programs; this keeps the kernels safe
 * on unvalidated ones too).
 */
static inline const void *ek_const(const struct ek_op *o, uint32_t off,
				   uint64_t len, uint32_t align)
{
	if (off > o->const_size || len > o->const_size - off ||
	    (off & (align - 1)))
		return NULL;
	return o->consts + off;
}

static inline uint32_t ek_count(const struct ek_tensor *t)
{
	return t->d[0] * t->d[1] * t->d[2] * t->d[3];
}

/*
 * a + b, wrapping modulo 2^32 like the device's adders (and TFLite's
 * int32 accumulators in practice): a hostile program can make a conv sum
 * or a bias add overflow, which must not be undefined behaviour in C.
 */
static inline int32_t ek_wadd(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* a - b, wrapping modulo 2^32 (see ek_wadd()). */
static inline int32_t ek_wsub(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a - (uint32_t)b);
}

static inline int32_t ek_ld(const struct ek_tensor *t, uint32_t i)
{
	switch (t->dtype) {
	case EDGEAI_DTYPE_INT8:
		return ((const int8_t *)t->data)[i];
	case EDGEAI_DTYPE_UINT8:
		return ((const uint8_t *)t->data)[i];
	case EDGEAI_DTYPE_INT16:
		return ((const int16_t *)t->data)[i];
	default:
		return ((const int32_t *)t->data)[i];
	}
}

/* Store, clamped to [lo, hi] (the caller's range lies within the dtype's). */
static inline void ek_st(const struct ek_tensor *t, uint32_t i, int32_t v,
			 int32_t lo, int32_t hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	switch (t->dtype) {
	case EDGEAI_DTYPE_INT8:
		((int8_t *)t->data)[i] = (int8_t)v;
		break;
	case EDGEAI_DTYPE_UINT8:
		((uint8_t *)t->data)[i] = (uint8_t)v;
		break;
	case EDGEAI_DTYPE_INT16:
		((int16_t *)t->data)[i] = (int16_t)v;
		break;
	default:
		((int32_t *)t->data)[i] = v;
		break;
	}
}

static inline uint32_t ek_esize(uint32_t dtype)
{
	switch (dtype) {
	case EDGEAI_DTYPE_INT8:
	case EDGEAI_DTYPE_UINT8:
		return 1;
	case EDGEAI_DTYPE_INT16:
		return 2;
	default:
		return 4;
	}
}

static inline int32_t ek_type_min(uint32_t dtype)
{
	switch (dtype) {
	case EDGEAI_DTYPE_INT8:
		return -128;
	case EDGEAI_DTYPE_UINT8:
		return 0;
	case EDGEAI_DTYPE_INT16:
		return -32768;
	default:
		return EK_I32_MIN;
	}
}

static inline int32_t ek_type_max(uint32_t dtype)
{
	switch (dtype) {
	case EDGEAI_DTYPE_INT8:
		return 127;
	case EDGEAI_DTYPE_UINT8:
		return 255;
	case EDGEAI_DTYPE_INT16:
		return 32767;
	default:
		return EK_I32_MAX;
	}
}

/* Flat index of (n, h, w, c) in a dense NHWC tensor. */
static inline uint32_t ek_idx(const struct ek_tensor *t, uint32_t n, uint32_t h,
			      uint32_t w, uint32_t c)
{
	return ((n * t->d[1] + h) * t->d[2] + w) * t->d[3] + c;
}

static inline int ek_is8(uint32_t dtype)
{
	return dtype == EDGEAI_DTYPE_INT8 || dtype == EDGEAI_DTYPE_UINT8;
}

int32_t ek_srdhm(int32_t a, int32_t b);

uint32_t ek_f32_add(uint32_t a, uint32_t b);
uint32_t ek_f32_mul(uint32_t a, uint32_t b);
uint32_t ek_f32_div(uint32_t a, uint32_t b);
uint32_t ek_f32_from_int(int32_t v);
int32_t ek_f32_round(uint32_t f);
int32_t ek_f32_trunc(uint32_t f);
int32_t ek_rdivpot(int32_t x, int e);

struct edgeai_prog_header;
struct edgeai_prog_tensor;
int ek_resolve(const struct edgeai_prog_header *h,
	       const struct edgeai_prog_tensor *tt, uint32_t idx,
	       const uint8_t *base, void *const *slots,
	       unsigned int slot_count, struct ek_tensor *t);
int ek_run_op(const struct ek_op *o);
int ek_conv(const struct ek_op *o);
int ek_depthwise(const struct ek_op *o);
int ek_fc(const struct ek_op *o);
int ek_add(const struct ek_op *o, int sub);
int ek_mul(const struct ek_op *o);
int ek_maxmin(const struct ek_op *o, int is_max);
int ek_requant(const struct ek_op *o);
int ek_lut(const struct ek_op *o);
int ek_prelu(const struct ek_op *o);
int ek_pool(const struct ek_op *o, int is_max);
int ek_mean(const struct ek_op *o);
int ek_softmax(const struct ek_op *o);
int ek_reshape(const struct ek_op *o);
int ek_pad(const struct ek_op *o);
int ek_concat(const struct ek_op *o);
int ek_transpose(const struct ek_op *o);
int ek_slice(const struct ek_op *o);
int ek_space_depth(const struct ek_op *o, int to_space);
int ek_resize(const struct ek_op *o, int bilinear);

#endif /* _EDGEAI_OPS_INTERNAL_H_ */
