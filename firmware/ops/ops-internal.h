/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the op library's own files share and its users do not see (they
 * include ops.h): integer limits, dtype properties and the reference kernel
 * of each op, which ek_run_op() dispatches to. Nothing outside firmware/ops/
 * includes this header.
 */
#ifndef _EDGEAI_OPS_INTERNAL_H_
#define _EDGEAI_OPS_INTERNAL_H_

#include "ops.h"

/* The kernel has no INT32_MAX; these serve both builds. */
#define EK_I32_MAX	((int32_t)0x7fffffff)
#define EK_I32_MIN	(-EK_I32_MAX - 1)

/**
 * ek_esize() - size of an element
 * @dtype: &enum edgeai_prog_dtype
 *
 * Return: its size in bytes.
 */
static inline uint32_t ek_esize(uint32_t dtype)
{
	switch (dtype) {
	case EDGEAI_DTYPE_INT8:
	case EDGEAI_DTYPE_UINT8:
		return 1;
	case EDGEAI_DTYPE_INT16:
		return 2;
	case EDGEAI_DTYPE_INT64:
		return 8;
	default:
		return 4;
	}
}

/**
 * ek_type_min() - lowest value of a dtype
 * @dtype: &enum edgeai_prog_dtype
 *
 * Return: the value.
 */
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

/**
 * ek_type_max() - highest value of a dtype
 * @dtype: &enum edgeai_prog_dtype
 *
 * Return: the value.
 */
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

/*
 * The reference kernels, one per op or family of ops, each in the source
 * that names it (conv.c, eltwise.c, pool.c, softmax.c, shape.c). Each takes
 * the op with its tensors resolved and returns EK_EXEC_OK, or
 * EK_EXEC_BAD_OP for dtypes, shapes or parameters it does not support; a
 * flag argument picks a variant (SUB, MAXIMUM, MAX_POOL_2D, ...).
 */
int ek_conv(const struct ek_op *o);
int ek_depthwise(const struct ek_op *o);
int ek_fc(const struct ek_op *o);
int ek_tconv(const struct ek_op *o);
int ek_matmul(const struct ek_op *o);
int ek_add(const struct ek_op *o, int sub);
int ek_l2norm(const struct ek_op *o);
int ek_mul(const struct ek_op *o);
int ek_maxmin(const struct ek_op *o, int is_max);
int ek_requant(const struct ek_op *o);
int ek_lut(const struct ek_op *o);
int ek_prelu(const struct ek_op *o);
int ek_pool(const struct ek_op *o, int is_max);
int ek_mean(const struct ek_op *o);
int ek_argmax(const struct ek_op *o);
int ek_softmax(const struct ek_op *o);
int ek_reshape(const struct ek_op *o);
int ek_pad(const struct ek_op *o);
int ek_concat(const struct ek_op *o);
int ek_transpose(const struct ek_op *o);
int ek_slice(const struct ek_op *o);
int ek_space_depth(const struct ek_op *o, int to_space);
int ek_resize(const struct ek_op *o, int bilinear);

#endif /* _EDGEAI_OPS_INTERNAL_H_ */
