/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * edgeai op library: the int8 op kernels and the command processor that
 * runs a program (uapi/drm/edgeai_program.h) with them.
 *
 * Freestanding C: integer-only, no allocation, no recursion, no libc. The
 * same sources are built into the kernel's simulator backend and into
 * libedgeai, where they are the CPU reference that its optimized kernels
 * match byte for byte. The arithmetic is TensorFlow Lite 2.9.0's built-in
 * kernels', bit for bit; each kernel's source says how.
 *
 * This header is the library's whole interface, the same for the kernel,
 * libedgeai and the tests:
 *
 * - running a program: ek_exec_program(), with optional per-op hooks
 *   (&struct ek_exec_hooks) that may run some ops another way;
 * - what a hook is given: an op with its tensors resolved (&struct ek_op,
 *   &struct ek_tensor) and the accessors below; the reference kernel of one
 *   op, ek_run_op();
 * - the arithmetic the kernels share with their users: TFLite's fixed-point
 *   rescaling (fixedpoint.c) and binary32 arithmetic on integers
 *   (softfloat.c).
 *
 * ops-internal.h holds what only the library's own files use.
 */
#ifndef _EDGEAI_OPS_H_
#define _EDGEAI_OPS_H_

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#include "drm/edgeai_program.h"

/**
 * enum ek_exec_status - result of running a program, an op or a hook
 * @EK_EXEC_OK: done
 * @EK_EXEC_BAD_PROGRAM: the header, the tables or an op's tensor
 *	references are unusable (a program the validator did not pass?)
 * @EK_EXEC_BAD_OP: an op, its dtypes or its parameters are not
 *	supported by these kernels
 * @EK_EXEC_NOT_HANDLED: returned by a &struct ek_exec_hooks.run_op hook
 *	that leaves the op to the reference kernel; ek_exec_program() never
 *	returns it
 */
enum ek_exec_status {
	EK_EXEC_OK = 0,
	EK_EXEC_BAD_PROGRAM = -1,
	EK_EXEC_BAD_OP = -2,
	EK_EXEC_NOT_HANDLED = 1,
};

/* *failed_op of ek_exec_program() when no op failed. */
#define EK_NO_OP	(~0U)

/**
 * struct ek_tensor - a tensor resolved against the bound buffers
 * @data: address of element 0; NULL for an unused input
 * @dtype: &enum edgeai_prog_dtype
 * @zp: zero point
 * @d: dimensions N, H, W, C of the dense NHWC layout
 */
struct ek_tensor {
	void *data;
	uint32_t dtype;
	int32_t zp;
	uint32_t d[4];
};

/**
 * struct ek_op - an op of a program with its tensors resolved
 * @op: the op record in the program
 * @in: inputs, in the op record's order (@data NULL when unused)
 * @n_in: inputs up to the last used one
 * @out: the output
 * @consts: start of the program's constant region
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

/**
 * struct ek_bind - a tensor read and written elsewhere than its record says
 * @tensor: the tensor's index in the program
 * @slot: the bound buffer it is in instead (an index into the slots)
 * @offset: its offset in that buffer
 */
struct ek_bind {
	uint32_t tensor;
	uint32_t slot;
	uint64_t offset;
};

/**
 * struct ek_exec_hooks - run some ops of a program another way
 * @run_op: called for every op, in program order, once its tensors are
 *	resolved, with @ctx and the op's index. It returns %EK_EXEC_OK when
 *	it ran the op, %EK_EXEC_NOT_HANDLED to have the reference kernel run
 *	it, or a negative &enum ek_exec_status to stop the program there.
 *	NULL: every op on its reference kernel.
 * @ctx: first argument of @run_op
 * @bind: @n_bind tensors placed in other slots than their records say,
 *	or NULL (libedgeai's requests with their inputs and outputs bound in
 *	place: the program, constants and all, is not copied to rewrite its
 *	records)
 * @n_bind: entries in @bind
 *
 * libedgeai runs its optimized CPU kernels this way; they must leave the
 * same bytes as the reference kernels.
 */
struct ek_exec_hooks {
	int (*run_op)(void *ctx, const struct ek_op *op, unsigned int index);
	void *ctx;
	const struct ek_bind *bind;
	unsigned int n_bind;
};

/**
 * ek_prog_check() - check what ek_exec_program() trusts in a program
 * @prog: the program blob, 8-byte aligned
 * @prog_size: its size in bytes
 *
 * Magic, format version and size in the header, and the tensor, op and
 * constant tables inside the blob: what the library needs to walk the
 * program. Tensor references, shapes and parameters are the validator's
 * (kernel/edgeai_validate.h) to check.
 *
 * Return: %EK_EXEC_OK, or %EK_EXEC_BAD_PROGRAM.
 */
int ek_prog_check(const void *prog, size_t prog_size);

/**
 * ek_exec_program() - run every op of a program
 * @prog: the program blob, 8-byte aligned
 * @prog_size: its size in bytes
 * @slots: base address of each bound buffer, indexed by tensor slot
 * @slot_count: entries in @slots
 * @hooks: hooks that may run ops another way, or NULL
 * @failed_op: if not NULL, receives the index of the op that failed, or
 *	%EK_NO_OP when none did
 *
 * Checks the program with ek_prog_check(), then resolves each op's tensors
 * and runs it: with @hooks->run_op first when there is one, with the
 * reference kernel unless the hook ran it. The program must have passed the
 * kernel validator (or an equivalent check) against buffers of the sizes
 * bound: the kernels trust tensor offsets, shapes and parameters, and
 * repeat only cheap sanity checks.
 *
 * Return: an &enum ek_exec_status, or the negative status a hook returned.
 */
int ek_exec_program(const void *prog, size_t prog_size,
		    void *const *slots, unsigned int slot_count,
		    const struct ek_exec_hooks *hooks, unsigned int *failed_op);

/**
 * ek_exec_ops() - run a range of ops of a program
 * @prog: the program blob, 8-byte aligned
 * @prog_size: its size in bytes
 * @slots: base address of each bound buffer, indexed by tensor slot
 * @slot_count: entries in @slots
 * @hooks: hooks that may run ops another way, or NULL
 * @first: index of the first op to run
 * @count: ops to run from @first on
 * @failed_op: as for ek_exec_program()
 *
 * ek_exec_program() for ops @first..@first + @count - 1 only: a device that
 * stops a program between two ops (the simulator preempting it) runs the
 * rest later from the op it stopped at, to the same bytes, since an op's
 * result depends only on the buffers and the program.
 *
 * Return: as ek_exec_program(); %EK_EXEC_BAD_PROGRAM too when the range is
 * not inside the op list.
 */
int ek_exec_ops(const void *prog, size_t prog_size, void *const *slots,
		unsigned int slot_count, const struct ek_exec_hooks *hooks,
		unsigned int first, unsigned int count, unsigned int *failed_op);

/**
 * ek_exec_resolve() - resolve every op of a program once
 * @prog: the program blob, 8-byte aligned
 * @prog_size: its size in bytes
 * @slots: base address of each bound buffer, indexed by tensor slot
 * @slot_count: entries in @slots
 * @hooks: the hooks whose @bind the tensors follow, or NULL
 * @ops: receives op i of the program in @ops[i]; room for the program
 *	header's op_count entries
 * @failed_op: as for ek_exec_program(): the op whose tensors are unusable
 *
 * What ek_exec_program() does before it runs each op, for all of them at
 * once: a caller that runs a program many times at the same buffers
 * resolves it once and runs it with ek_exec_resolved().
 *
 * Return: %EK_EXEC_OK, or %EK_EXEC_BAD_PROGRAM.
 */
int ek_exec_resolve(const void *prog, size_t prog_size, void *const *slots,
		    unsigned int slot_count, const struct ek_exec_hooks *hooks,
		    struct ek_op *ops, unsigned int *failed_op);

/**
 * ek_exec_resolved() - run ops that ek_exec_resolve() resolved
 * @ops: the ops, in program order
 * @count: how many
 * @hooks: hooks that may run ops another way, or NULL
 * @failed_op: as for ek_exec_program()
 *
 * ek_exec_program() without the resolving: the buffers must still be those
 * @ops were resolved at.
 *
 * Return: as ek_exec_program().
 */
int ek_exec_resolved(const struct ek_op *ops, unsigned int count,
		     const struct ek_exec_hooks *hooks, unsigned int *failed_op);

/**
 * ek_resolve() - resolve one tensor of a program
 * @prog: a program that passed ek_prog_check()
 * @idx: index in its tensor table, or %EDGEAI_PROG_NO_TENSOR
 * @slots: base address of each bound buffer, indexed by tensor slot
 * @slot_count: entries in @slots
 * @t: receives the tensor (@t->data NULL for %EDGEAI_PROG_NO_TENSOR)
 *
 * Return: %EK_EXEC_OK, or %EK_EXEC_BAD_PROGRAM when @idx is out of the
 * table or the tensor's slot is not bound.
 */
int ek_resolve(const void *prog, uint32_t idx, void *const *slots,
	       unsigned int slot_count, struct ek_tensor *t);

/**
 * ek_run_op() - run one op with its reference kernel
 * @o: the op with its tensors resolved
 *
 * Return: %EK_EXEC_OK, or %EK_EXEC_BAD_OP.
 */
int ek_run_op(const struct ek_op *o);

/**
 * ek_matmul_dims() - check a BATCH_MATMUL op as its reference kernel does
 * @o: a BATCH_MATMUL op (&struct edgeai_prog_matmul_params)
 * @m: set to the rows of each left matrix (and of the output)
 * @k: set to the inner dimension
 * @n: set to the columns of each right matrix (and of the output)
 *
 * Optimized kernels take the ops the reference takes: int8 tensors,
 * adj_x and adj_y 0 or 1, matrices that multiply to the output's, batch
 * dimensions equal to the output's or 1, a multiplier and shift in range
 * and a clamp inside int8.
 *
 * Return: EK_EXEC_OK, or EK_EXEC_BAD_OP (then @m, @k, @n are unset).
 */
int ek_matmul_dims(const struct ek_op *o, uint32_t *m, uint32_t *k, uint32_t *n);

/**
 * ek_mean_fbias() - the constant term of MEAN's float pipeline
 * @o: a MEAN op (&struct edgeai_prog_mean_params)
 *
 * Return: the binary32 bits of -zp_in * scale with %EDGEAI_PROG_MEAN_FLOAT,
 * of (-zp_in * scale) * (H * W) with %EDGEAI_PROG_MEAN_SUM, else 0; what
 * ek_mean_out() takes as @fbias.
 */
uint32_t ek_mean_fbias(const struct ek_op *o);

/**
 * ek_mean_out() - one output of MEAN from its sum, as the reference computes it
 * @o: a MEAN op whose input has H * W > 0 when its flags are not zero
 * @sum: the int32 sum (wrapping) of the stored values of one channel over H and W
 * @fbias: ek_mean_fbias() of @o
 *
 * Optimized kernels that sum another way finish each output with it.
 *
 * Return: the output value, to be clamped to the output dtype; with
 * %EDGEAI_PROG_MEAN_SUM its low byte is the output (not clamped).
 */
int32_t ek_mean_out(const struct ek_op *o, int32_t sum, uint32_t fbias);

/**
 * ek_const() - constant data of an op
 * @o: the op
 * @off: offset in the constant region
 * @len: length in bytes
 * @align: alignment @off must have, a power of two
 *
 * The validator rejects programs whose constants are out of the region;
 * this keeps the kernels safe on programs it did not see too.
 *
 * Return: the data, or NULL when it is not inside the region or misaligned.
 */
static inline const void *ek_const(const struct ek_op *o, uint32_t off,
				   uint64_t len, uint32_t align)
{
	if (off > o->const_size || len > o->const_size - off ||
	    (off & (align - 1)))
		return NULL;
	return o->consts + off;
}

/**
 * ek_count() - number of elements of a tensor
 * @t: the tensor
 *
 * Return: the product of its dimensions.
 */
static inline uint32_t ek_count(const struct ek_tensor *t)
{
	return t->d[0] * t->d[1] * t->d[2] * t->d[3];
}

/**
 * ek_idx() - flat index of an element of a dense NHWC tensor
 * @t: the tensor
 * @n: batch
 * @h: row
 * @w: column
 * @c: channel
 *
 * Return: the index of element (@n, @h, @w, @c).
 */
static inline uint32_t ek_idx(const struct ek_tensor *t, uint32_t n,
			      uint32_t h, uint32_t w, uint32_t c)
{
	return ((n * t->d[1] + h) * t->d[2] + w) * t->d[3] + c;
}

/**
 * ek_is8() - whether a dtype is 8-bit
 * @dtype: &enum edgeai_prog_dtype
 *
 * Return: 1 for int8 and uint8, else 0.
 */
static inline int ek_is8(uint32_t dtype)
{
	return dtype == EDGEAI_DTYPE_INT8 || dtype == EDGEAI_DTYPE_UINT8;
}

/**
 * ek_ld() - load an element as int32
 * @t: the tensor
 * @i: flat index
 *
 * Return: the stored value (not offset by the zero point).
 */
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

/**
 * ek_st() - store an element, clamped
 * @t: the tensor
 * @i: flat index
 * @v: value
 * @lo: lowest value to store, within the dtype's range
 * @hi: highest value to store, within the dtype's range
 */
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

/**
 * ek_wadd() - add, wrapping like the device's adders
 * @a: addend
 * @b: addend
 *
 * The device adds modulo 2^32, as TFLite's int32 accumulators do in
 * practice: a hostile program can make a sum or a bias add overflow, which
 * must not be undefined behaviour in C.
 *
 * Return: @a + @b modulo 2^32.
 */
static inline int32_t ek_wadd(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

/**
 * ek_wsub() - subtract, wrapping like the device's adders (see ek_wadd())
 * @a: minuend
 * @b: subtrahend
 *
 * Return: @a - @b modulo 2^32.
 */
static inline int32_t ek_wsub(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a - (uint32_t)b);
}

/*
 * Fixed-point arithmetic: gemmlowp's, as TFLite's integer kernels and
 * their Prepare() functions use it. The three every rescale goes through
 * are inline (a kernel calls them per element); the rest is fixedpoint.c.
 */

/**
 * ek_srdhm() - gemmlowp SaturatingRoundingDoublingHighMul
 * @a: factor
 * @b: factor
 *
 * Return: @a * @b / 2^31 rounded to the nearest integer, halves toward
 * positive infinity; INT32_MAX for INT32_MIN * INT32_MIN, the only overflow.
 */
static inline int32_t ek_srdhm(int32_t a, int32_t b)
{
	int64_t ab, v;

	if (a == -0x7fffffff - 1 && b == -0x7fffffff - 1)
		return 0x7fffffff;
	ab = (int64_t)a * (int64_t)b;
	/* the nudge: 2^30, or 1 - 2^30 below 0 (no branch on the sign) */
	v = ab + (1 << 30) - ((ab >> 63) & 0x7fffffff);
	/* Division by 2^31 truncating toward zero, without a 64-bit divide. */
	return (int32_t)((v + ((v >> 63) & 0x7fffffff)) >> 31);
}

/**
 * ek_rdivpot() - gemmlowp RoundingDivideByPOT
 * @x: dividend
 * @e: exponent, 0..31
 *
 * Return: @x / 2^@e rounded to nearest, halves away from zero.
 */
static inline int32_t ek_rdivpot(int32_t x, int e)
{
	int32_t mask = (int32_t)((1U << e) - 1);
	int32_t rem = x & mask;
	int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);

	return (x >> e) + (rem > thr ? 1 : 0);
}

/**
 * ek_mbqm() - TFLite MultiplyByQuantizedMultiplier (double rounding)
 * @x: value
 * @multiplier: fixed-point multiplier, 0..2^31 - 1
 * @shift: -31..30, positive is a left shift
 *
 * Return: round(@x * @multiplier * 2^(@shift - 31)) as TFLite computes it.
 */
static inline int32_t ek_mbqm(int32_t x, int32_t multiplier, int shift)
{
	int left = shift > 0 ? shift : 0;
	int right = shift > 0 ? 0 : -shift;

	/* The validator keeps shift in -31..30; stay defined regardless. */
	if (left > 31)
		left = 31;
	if (right > 31)
		right = 31;
	x = (int32_t)((uint32_t)x << left);
	return ek_rdivpot(ek_srdhm(x, multiplier), right);
}

/**
 * ek_mbqm_up() - the same product as ruy's x86 GEMM rounds it
 * @x: value
 * @multiplier: fixed-point multiplier, 0..2^31 - 1
 * @shift: -31..30, positive is a left shift
 *
 * The doubling high multiply is the same; the final rounding right shift
 * rounds half up instead of half away from zero. TFLite 2.9.0 on x86-64
 * uses it for CONV_2D and FULLY_CONNECTED.
 *
 * Return: the rescaled value.
 */
int32_t ek_mbqm_up(int32_t x, int32_t multiplier, int shift);

/**
 * ek_inv_sqrt() - TFLite GetInvSqrtQuantizedMultiplierExp(x, kReverseShift)
 * @x: value, 0 or more
 * @mul: fixed-point multiplier of 1 / sqrt(@x)
 * @shift: its shift for ek_mbqm(), positive is a left shift
 *
 * Five Newton-Raphson steps in gemmlowp fixed point with 3 integer bits,
 * as TFLite's RSQRT and L2_NORMALIZATION compute them; 0 and 1 give
 * INT32_MAX and 0.
 */
void ek_inv_sqrt(int32_t x, int32_t *mul, int *shift);

/*
 * IEEE 754 binary32 arithmetic on bit patterns (softfloat.c), for the few
 * ops TFLite computes in float: round to nearest, ties to even, subnormals
 * supported, no NaN or infinity inputs expected.
 */

/**
 * ek_f32_add() - binary32 addition
 * @a: bit pattern
 * @b: bit pattern
 *
 * Return: the bit pattern of @a + @b.
 */
uint32_t ek_f32_add(uint32_t a, uint32_t b);

/**
 * ek_f32_mul() - binary32 multiplication
 * @a: bit pattern
 * @b: bit pattern
 *
 * Return: the bit pattern of @a * @b.
 */
uint32_t ek_f32_mul(uint32_t a, uint32_t b);

/**
 * ek_f32_div() - binary32 division
 * @a: bit pattern
 * @b: bit pattern, not zero
 *
 * Return: the bit pattern of @a / @b.
 */
uint32_t ek_f32_div(uint32_t a, uint32_t b);

/**
 * ek_f32_from_int() - binary32 conversion from int32
 * @v: value
 *
 * Return: the bit pattern of (float)@v.
 */
uint32_t ek_f32_from_int(int32_t v);

/**
 * ek_f32_round() - std::round() of a binary32
 * @f: bit pattern
 *
 * Return: @f rounded to the nearest integer, halves away from zero,
 * saturated to int32.
 */
int32_t ek_f32_round(uint32_t f);

/**
 * ek_f32_trunc() - static_cast<int32_t>() of a binary32
 * @f: bit pattern
 *
 * Return: @f rounded toward zero, saturated to int32.
 */
int32_t ek_f32_trunc(uint32_t f);

#endif /* _EDGEAI_OPS_H_ */
