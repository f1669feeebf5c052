/* SPDX-License-Identifier: MIT */
/*
 * Optimized CPU kernels: same bytes as firmware/ops/.
 *
 * Kernel sets, best first: VNNI (cpu-vnni.c: AVX-512 VNNI int8 and uint8
 * CONV_2D and FULLY_CONNECTED, AVX-512 DEPTHWISE_CONV_2D, ADD/SUB, PRELU and
 * MAX_POOL_2D, with AVX-512 VBMI the table ops; AVX2 for what it
 * declines), AVX2 (cpu-avx2.c: CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED, TRANSPOSE_CONV; PRELU, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR,
 * broadcast ADD/SUB/MUL/MAXIMUM/MINIMUM, AVERAGE_POOL_2D, MEAN,
 * CONCATENATION, SOFTMAX), reference (the firmware kernels). On arm64: dotprod
 * (cpu-dotprod.c: SDOT/UDOT CONV_2D and FULLY_CONNECTED), NEON (cpu-neon.c:
 * CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD/SUB, MAX_POOL_2D and
 * AVERAGE_POOL_2D), reference. Every optimized set runs RELU/RELU6/QUANTIZE
 * through a 256-entry table the reference kernel computes, 8-bit PAD by
 * memset/memcpy, 8-bit STRIDED_SLICE and TRANSPOSE by rows, 8-bit RESHAPE
 * by one copy, and on a program's threads
 * the table ops (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU) through the
 * program's table (cpu.c); a
 * DEPTHWISE_CONV_2D of depth multiplier M > 1 runs on the sets' depthwise
 * kernels as the depth multiplier 1 op on its input with each channel
 * repeated M times (cpu.c, dm_run()).
 * cpu.c picks the best one this CPU runs (cpuid on x86-64, AT_HWCAP on
 * arm64); EDGEAI_CPU_KERNELS=reference (or portable), avx2, vnni, neon or
 * dotprod asks for one (only one this CPU and build have).
 * A kernel that declines an op (EXEC_OPT_NOT_HANDLED) passes it down the
 * list of its architecture (vnni -> avx2, dotprod -> neon -> reference).
 */
#ifndef EDGEAI_CPU_OPT_H
#define EDGEAI_CPU_OPT_H

#include "ops.h"

#define EXEC_OPT_NOT_HANDLED EK_EXEC_NOT_HANDLED

enum exec_kset {
	EXEC_KSET_REFERENCE = 0,
	EXEC_KSET_AVX2 = 1,
	EXEC_KSET_VNNI = 2,
	EXEC_KSET_NEON = 3,
	EXEC_KSET_DOTPROD = 4,
	EXEC_KSET_COUNT
};

/* The kernel set in use (cpu.c). */
enum exec_kset exec_opt_level(void);

/*
 * Per-op prepared weights of each set, by &enum exec_kset (NULL: convert on
 * the fly, or the set declines the op).
 */
struct exec_opt_prep {
	void *set[EXEC_KSET_COUNT];
};

/*
 * fn(ctx, begin, end) over [0, n) split in contiguous parts across the
 * threads of the run's pool (cpu.h, struct exec_pool), the calling thread
 * taking the first part; all in the calling thread when the run has no
 * pool or n < 2. Returns when every part is done. Parts must write
 * disjoint outputs; each computes its items as one thread would.
 */
void exec_par_for(uint32_t n, void (*fn)(void *ctx, uint32_t begin, uint32_t end), void *ctx);
/*
 * Whether an op of @work (about its output bytes times the work per byte)
 * is worth splitting: at least exec_cpu_set_par_min()'s figure.
 */
int exec_par_worth(uint64_t work);
/* The threads exec_par_for() would use now (1: no pool). */
unsigned int exec_par_threads(void);

/* Run @o: 0, a kernel error, or EXEC_OPT_NOT_HANDLED (use the reference). */
int exec_opt_run(const struct ek_op *o, const struct exec_opt_prep *prep);
/*
 * Weights of op @o (constant) laid out for the first set in use, from the
 * best down, that has a layout for it; or NULL.
 */
struct exec_opt_prep *exec_opt_prepare(const struct ek_op *o);
void exec_opt_prepare_free(struct exec_opt_prep *prep);

/*
 * The DEPTHWISE_CONV_2D the optimized sets take: 8-bit, one filter batch,
 * depth multiplier 1 (cpu.c hands them those of M > 1 so), an int32 bias
 * per channel or none.
 */
static inline int exec_dw_shape_ok(const struct ek_op *o)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *f = &o->in[1], *b = &o->in[2], *out = &o->out;
	uint32_t ch = in->d[3];

	return ek_is8(in->dtype) && f->dtype == in->dtype && out->dtype == in->dtype &&
	       p->depth_multiplier == 1 && f->d[3] == ch && out->d[3] == ch && f->d[0] == 1 &&
	       in->d[0] == out->d[0] &&
	       (!b->data || (b->dtype == EDGEAI_DTYPE_INT32 && ek_count(b) == ch));
}

/*
 * An optimized kernel set: run an op (0, a kernel error, or
 * EXEC_OPT_NOT_HANDLED), and lay out the constant weights of an op for it
 * ahead of time (NULL: converted on the fly, or the op is declined).
 */
struct exec_kset_ops {
	int (*run)(const struct ek_op *o, const void *prep);
	void *(*prepare)(const struct ek_op *o);
	void (*prepare_free)(void *prep);
};

/*
 * cpu-avx2.c, cpu-vnni.c, cpu-neon.c and cpu-dotprod.c; NULL when the set
 * is not for this architecture or the compiler could not build it.
 */
extern const struct exec_kset_ops *const exec_avx2_ops;
extern const struct exec_kset_ops *const exec_vnni_ops;
extern const struct exec_kset_ops *const exec_neon_ops;
extern const struct exec_kset_ops *const exec_dotprod_ops;

#endif
