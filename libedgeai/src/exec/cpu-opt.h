/* SPDX-License-Identifier: MIT */
/*
 * Optimized CPU kernels: same bytes as firmware/ops/.
 *
 * Kernel sets, best first: VNNI (cpu-vnni.c: AVX-512 VNNI int8 and uint8
 * CONV_2D and FULLY_CONNECTED, TRANSPOSE_CONV of a filter no shorter
 * than its stride (as CONV_2D ops), AVX-512 DEPTHWISE_CONV_2D, ADD/SUB, PRELU,
 * MAX_POOL_2D, AVERAGE_POOL_2D, int8 RESIZE_BILINEAR, MUL/MAXIMUM/MINIMUM
 * in every broadcast form, MEAN's 8-bit pipeline, L2_NORMALIZATION and
 * ARG_MAX, with AVX-512 VBMI the table ops; AVX2 for what it
 * declines), AVX2 (cpu-avx2.c: CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D,
 * FULLY_CONNECTED, TRANSPOSE_CONV; RESIZE_BILINEAR,
 * ADD/SUB/MUL/MAXIMUM/MINIMUM in every broadcast form, AVERAGE_POOL_2D,
 * MEAN, SOFTMAX, L2_NORMALIZATION, ARG_MAX, the table ops by vpshufb),
 * reference (the firmware
 * kernels). On arm64: dotprod
 * (cpu-dotprod.c: SDOT/UDOT CONV_2D and FULLY_CONNECTED), NEON (cpu-neon.c:
 * CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D,
 * AVERAGE_POOL_2D, RESIZE_BILINEAR (int8),
 * ADD/SUB/MUL/MAXIMUM/MINIMUM in every broadcast form, MEAN,
 * L2_NORMALIZATION, ARG_MAX, TRANSPOSE_CONV, the table ops LOGISTIC/TANH/HARD_SWISH/LEAKY_RELU by
 * TBL/TBX), reference. Every optimized set runs RELU/RELU6/QUANTIZE, and
 * ADD/SUB/MUL with a constant scalar input, through a 256-entry table the
 * reference kernel computes (on its set's table kernel), 8-bit PAD by
 * memset/memcpy, 8-bit STRIDED_SLICE and TRANSPOSE by rows, 8-bit RESHAPE
 * by one copy, and on a program's threads the table ops (LOGISTIC, TANH,
 * HARD_SWISH, LEAKY_RELU) through the program's table (cpu.c); a
 * DEPTHWISE_CONV_2D of depth multiplier M > 1 runs on the sets' depthwise
 * kernels as the depth multiplier 1 op on its input with each channel
 * repeated M times (cpu.c, dm_run()); and what the sets in use decline of
 * PRELU (a table per alpha channel), CONCATENATION and
 * RESIZE_NEAREST_NEIGHBOR (copies) through the plain-C kernels of
 * cpu-common.c.
 * cpu.c picks the best one this CPU runs (cpuid on x86-64, AT_HWCAP on
 * arm64); EDGEAI_CPU_KERNELS=reference (or portable), avx2, vnni, neon or
 * dotprod asks for one (only one this CPU and build have).
 * A kernel that declines an op (EXEC_OPT_NOT_HANDLED) passes it down the
 * list of its architecture (vnni -> avx2, dotprod -> neon -> reference).
 */
#ifndef EDGEAI_CPU_OPT_H
#define EDGEAI_CPU_OPT_H

#include <string.h>

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
	void *common;		/* exec_common_prepare()'s, when no set laid it out */
	/*
	 * ADD, SUB and MUL with a constant scalar input (cpu.c,
	 * scalar_lut()): the output byte of each byte of the other input,
	 * which then goes through this table as a table op; RELU, RELU6 and
	 * QUANTIZE of 8-bit tensors: theirs (requant_lut(), @lut_var 0)
	 */
	uint8_t *lut;
	int lut_var;		/* which input varies */
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

/*
 * A copy of @n bytes, inlined for the run lengths of channel rows that
 * models have most (a call to memcpy() for a few dozen bytes costs more
 * than the copy): the row copies of cpu.c's data movement and
 * cpu-common.c's CONCATENATION and RESIZE_NEAREST_NEIGHBOR.
 */
static inline void exec_copy_run(void *to, const void *from, size_t n)
{
	switch (n) {
	case 8:
		memcpy(to, from, 8);
		break;
	case 16:
		memcpy(to, from, 16);
		break;
	case 24:
		memcpy(to, from, 24);
		break;
	case 32:
		memcpy(to, from, 32);
		break;
	case 48:
		memcpy(to, from, 48);
		break;
	case 64:
		memcpy(to, from, 64);
		break;
	default:
		memcpy(to, from, n);
	}
}

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
 * cpu-common.c: the plain-C kernels every optimized set shares (PRELU,
 * CONCATENATION, RESIZE_NEAREST_NEIGHBOR, SOFTMAX), tried after the sets
 * in use; run() and prepare() as in struct exec_kset_ops, the prepared
 * data freed with free().
 */
int exec_common_run(const struct ek_op *o, const void *prep);
void *exec_common_prepare(const struct ek_op *o);

/*
 * SOFTMAX's table and output scale as binary32 (cpu-common.c), where they
 * are ones the CPU's own binary32 arithmetic computes as the reference's
 * software steps do (exec_softmax_tab_make(): NULL when not, or no
 * memory; freed with free()). The AVX2 set's vector kernel and the shared
 * scalar one read it.
 */
struct exec_softmax_tab {
	float tab[256], scale;
};

struct exec_softmax_tab *exec_softmax_tab_make(const struct ek_op *o);
/*
 * SOFTMAX of @o by table @prep (NULL: one made for the run): the checks,
 * then rows split across the pool; @rows_fn does rows [begin, end) of a
 * struct exec_softmax_job (a set's vector one; NULL: the scalar one).
 * 0, or EXEC_OPT_NOT_HANDLED.
 */
struct exec_softmax_job {
	const struct ek_op *o;
	const struct exec_softmax_tab *t;
};

int exec_softmax(const struct ek_op *o, const struct exec_softmax_tab *prep,
		 void (*rows_fn)(void *ctx, uint32_t begin, uint32_t end));
/*
 * Whether this thread's float unit rounds binary32 to nearest and keeps
 * subnormals (MXCSR on x86-64, FPCR on arm64), as the reference's
 * software float does; 0 on other CPUs.
 */
int exec_f32_native(void);

/*
 * cpu-common.c: the plain-C walks of ops whose inner loop a set
 * vectorizes, so the AVX2 and NEON sets share one copy.
 *
 * RESIZE_BILINEAR of int8 tensors (EDGEAI_RESIZE_FIXED10): the maps
 * checked (indices in range; |w_lo| + |w_hi| <= 4000 on each axis, so the
 * reference's 64-bit sum of four taps times their weight products fits in
 * int32: |sum| < 128 * 4000^2 < 2^31 - 2^19), the output rows split
 * across the threads. The sum is taken as w_lo V[x_lo] + w_hi V[x_hi],
 * V = w_lo' in[lo'] + w_hi' in[hi'] the two input rows' weighted sum at
 * every input column: the same integer (the products distribute), two
 * products per output element instead of four. Per output row @vrow
 * makes V: elements 0.. of @v from the rows @lo and @hi with their
 * weights, returning how many; then for each output pixel @px combines
 * its two columns of V, @a and @b, with the pixel's weights: it writes
 * channels 0.. of @dst and returns how many. The rest are done here,
 * with the reference's rounding. 0, or EXEC_OPT_NOT_HANDLED (uint8's
 * float arithmetic among others; no memory for V).
 */
typedef uint32_t exec_resize_vrow_fn(const int8_t *lo, const int8_t *hi, int32_t wl, int32_t wh,
				     int32_t *v, uint32_t n);
typedef uint32_t exec_resize_px_fn(const int32_t *a, const int32_t *b, int32_t wl, int32_t wh,
				   int8_t *dst, uint32_t ch);
int exec_resize_bilinear(const struct ek_op *o, exec_resize_vrow_fn *vrow, exec_resize_px_fn *px);

/*
 * RESIZE_BILINEAR in binary32 (EDGEAI_RESIZE_FLOAT32: uint8's arithmetic),
 * with the CPU's own float unit where it computes as the reference's
 * software does (exec_f32_native()): the maps and weights checked, the
 * rows and pixels walked; for each output pixel @px (or NULL) writes
 * channels 0.. of @dst from the four taps' channels @tap and the weight
 * products @s with the reference's steps (tap 0 times s[0], plus each
 * next tap's product in order, + 0.5, truncated, clamped) and returns
 * how many, the rest are done in C. 0, or EXEC_OPT_NOT_HANDLED.
 */
typedef uint32_t exec_resize_f32_px_fn(const uint8_t *const tap[4], const float s[4],
				       uint8_t *dst, uint32_t ch, int s8);
int exec_resize_bl_f32(const struct ek_op *o, exec_resize_f32_px_fn *px);

/*
 * BATCH_MATMUL of int8 matrices: each right matrix transposed to int16
 * columns of r - zr, each left row widened to l - zl, both zero past K up
 * to a multiple of 16, columns zero past N up to a multiple of 4, rows
 * split across threads. For each row, four columns at a time, the set's
 * @dot4 writes to @out the four sums of a[t] * b[c * @bs + t] over @kp
 * (a multiple of 16), wrapping in 32 bits (each product fits); then its
 * @rq writes the row's @n outputs from their sums: ek_mbqm_up() by @mul
 * and @shift, plus @zo, clamped to @lo..@hi. 0, or EXEC_OPT_NOT_HANDLED
 * (a shape or parameter the reference refuses; no memory).
 */
typedef void exec_dot4_fn(const int16_t *a, const int16_t *b, size_t bs, uint32_t kp,
			  uint32_t out[4]);
typedef void exec_mm_rq_fn(const uint32_t *acc, uint32_t n, int32_t mul, int32_t shift,
			   int32_t zo, int32_t lo, int32_t hi, int8_t *dst);
int exec_matmul(const struct ek_op *o, exec_dot4_fn *dot4, exec_mm_rq_fn *rq);
/*
 * The row and column maps (*@ym, *@xm) of an int8 RESIZE_BILINEAR
 * (EDGEAI_RESIZE_FIXED10), checked as exec_resize_bilinear() does: 0, or
 * EXEC_OPT_NOT_HANDLED.
 */
int exec_resize_maps(const struct ek_op *o, const struct edgeai_prog_interp **ym,
		     const struct edgeai_prog_interp **xm);

/*
 * An ADD/SUB input's rescale in 32-bit lanes: ek_mbqm((a - za) << ls, m,
 * shift) for 8-bit a. With L = ls + the left shift (no wrap: |a - za| <=
 * 255 and L <= 23) and k = 31 - L, the doubling high multiply
 * floor(((a - za) 2^L m + 2^30) / 2^31) is floor(((a - za) m + 2^(k-1)) /
 * 2^k) exactly, and with m = mh 2^k + ml (ml < 2^k) that is
 * (a - za) mh + floor(((a - za) ml + 2^(k-1)) / 2^k): both products fit
 * 32 bits for 9 <= L <= 23 (zero point folded into the constants). Then
 * the rounding right shift by e, half away from zero:
 * (v + 2^(e-1) - (v < 0)) >> e. For stored value x:
 * @fast 1: w = x mh + ((x ml + c2) >> k) + c3, one less where w < half,
 * then >> e; @fast 2 (ml = 0, no right shift, mh = 2^lg): (x << lg) + c3;
 * 0: the shift is outside this range (the caller's 64-bit path).
 */
struct exec_add_in {
	int fast;
	int32_t mh, ml;
	int32_t c2;	/* 2^(k-1) - za ml */
	int32_t c3;	/* -za mh + 2^(e-1) */
	int32_t half;	/* 2^(e-1), or INT32_MIN for e = 0 */
	int32_t k, e, lg;
};

void exec_add_in_make(struct exec_add_in *ai, int32_t mul, int32_t shift, uint32_t ls, int32_t za);
/*
 * An ADD/SUB input's rescale of each of the 256 bytes of @t's type, by the
 * byte (the reference's steps: less the zero point, << @ls, ek_mbqm()).
 */
void exec_add_in_table(int32_t v[256], const struct ek_tensor *t, uint32_t ls, int32_t mul,
		       int32_t shift);

/*
 * ADD, SUB, MUL, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE of 8-bit tensors
 * in any broadcast form: the reference's per-element arithmetic, walked with strides
 * (exec_bstrides()) instead of its per-element index divisions.
 * exec_binary_init() checks the op (0, or EXEC_OPT_NOT_HANDLED) and fills
 * the walk; the set then sets @row and @vec and calls exec_binary_run(),
 * which splits the output across the threads in runs of channels (whole
 * rows where both inputs allow: an input of one value per channel, the
 * squeeze-and-excitation MUL, is read from a row of its channels repeated)
 * and calls @row on each run, where each
 * input is read contiguously or is one value repeated (@ca, @cb): it
 * writes elements 0.. of @dst and returns how many; the rest are done
 * here.
 */
struct exec_binary {
	const struct ek_op *o;
	size_t sa[4], sb[4];	/* the inputs' element strides per output dimension */
	/*
	 * ADD/SUB/SQD: each input's rescale, by byte value, which
	 * exec_binary_run() fills for the walk unless the set's @row takes
	 * every run whole without them (@no_tables)
	 */
	const int32_t *ta, *tb;
	int no_tables;
	int32_t mul, shift;	/* ADD/SUB/MUL/SQD: the output rescale */
	int32_t lo, hi;		/* the clamp (the type's range for MAXIMUM/MINIMUM) */
	int s8;
	uint32_t run, runs;	/* elements per run, runs per row of the output */
	int ca, cb;		/* in a run, element i of an input is at i * ca (i * cb), 0 or 1 */
	const uint8_t *da, *db;	/* where the inputs' elements are read (exec_binary_run()) */
	uint32_t (*row)(const struct exec_binary *bj, const uint8_t *pa, const uint8_t *pb,
			uint8_t *dst, uint32_t n);
	const void *vec;	/* the set's own data for @row */
	/*
	 * @px_ok: set by a set whose @row takes a run of several pixels in
	 * which one input has one value per pixel (its @ca or @cb 0, read at
	 * [i / @px]). exec_binary_run() then makes the runs of such an op
	 * (one input [.., W, 1], the other's rows contiguous) whole rows,
	 * with @px the channels; else @px is 0.
	 */
	int px_ok;
	uint32_t px;
};

/* The longest row of channels repeated that exec_binary_run() makes, bytes */
#define EXEC_BINARY_ROW_MAX (1U << 20)

/* Element strides of @t for each dimension of @out: 0 where broadcast; -1: it does not broadcast. */
int exec_bstrides(const struct ek_tensor *t, const struct ek_tensor *out, size_t st[4]);
int exec_binary_init(struct exec_binary *bj, const struct ek_op *o);
void exec_binary_run(const struct exec_binary *bj);

/*
 * MEAN over H and W of 8-bit tensors (at most 2^20 pixels, so int32 sums
 * are exact): the blocks of channels split across the threads; @sum adds
 * to @acc[0..@n) the values of @npx pixels, @stride bytes apart, of @n
 * channels each (the set's vector code: partial sums held in registers
 * across the pixels, not stored per pixel); each output then
 * finished by @f32 when the op takes an integer pipeline (flags 0 or
 * EDGEAI_PROG_MEAN_INT), or the binary32 pipeline with a scale and constant term (@fbias,
 * ek_mean_fbias()) within 2^-100..2^100 (it writes outputs 0.. of @dst
 * clamped to @lo..@hi and returns how many; NULL: none), else by the
 * reference's ek_mean_out(). 0, or
 * EXEC_OPT_NOT_HANDLED.
 */
typedef void exec_mean_sum_fn(int32_t *acc, const uint8_t *src, uint32_t n, size_t stride,
			      uint32_t npx, int s8);
typedef uint32_t exec_mean_f32_fn(const struct ek_op *o, uint32_t fbias, const int32_t *acc,
				  uint32_t cnt, uint8_t *dst, int32_t lo, int32_t hi);
int exec_mean(const struct ek_op *o, exec_mean_sum_fn *sum, exec_mean_f32_fn *f32);

/*
 * TRANSPOSE_CONV of 8-bit tensors with filters up to EXEC_TCONV_MAX_K a
 * side: the input and the weights as int16 minus their zero points, input
 * channels padded with zeros to a multiple of EXEC_TCONV_ICP (@icp), rows
 * 32-byte aligned; the weights [OC padded to 4][KH * KW taps][icp]
 * (exec_tconv_weights(), the sets' prepared layout; NULL: out of memory or
 * too large). exec_tconv() splits the output rows across the threads and
 * calls @px for up to EXEC_TCONV_PIX output pixels of a row at a time
 * (@np): pixel p's taps are t = @nt[p] .. @nt[p + 1] - 1, each the input
 * pixel @xs[t] and the weights @ws[t] of output channel 0 (channel oc at
 * + oc * @wstride); @px stores the int32 sums of its @och channels at
 * @acc + p * och4 (@och rounded up to 4; room for och4 there), the same
 * as the reference's in any order. Then the reference's bias, ek_mbqm()
 * and clamp. 0, or EXEC_OPT_NOT_HANDLED.
 */
#define EXEC_TCONV_MAX_K 32
#define EXEC_TCONV_ICP 16
#define EXEC_TCONV_PIX 16
typedef void exec_tconv_px_fn(const int16_t *const *xs, const int16_t *const *ws,
			      const uint32_t *nt, uint32_t np, size_t wstride, uint32_t icp,
			      uint32_t och, int32_t *acc);
int16_t *exec_tconv_weights(const struct ek_tensor *f);
/* The set's conversion of @n 8-bit values of @dtype minus @zp to int16, for the input. */
typedef void exec_to16_fn(int16_t *dst, const void *src, uint32_t n, uint32_t dtype, int32_t zp);
int exec_tconv(const struct ek_op *o, const void *prep, exec_tconv_px_fn *px, exec_to16_fn *to16);

/*
 * L2_NORMALIZATION of 8-bit tensors (ek_l2norm()), the rows split across
 * the threads. Per row of @n bytes @x: the set's @sq adds to *@acc the
 * squares of x - @l->zp of elements 0.. and returns how many (each fits:
 * the row's sum is below 2^31); ek_inv_sqrt() of the sum gives @l->mul
 * and @l->shift; the set's @scale writes outputs 0.. of @y,
 * clamp(ek_mbqm(x - zp, mul, shift)) for int8 and clamp(128 +
 * ek_mbqm(128 (x - zp), mul, shift)) for uint8 (mul > 0; shift -12..7),
 * and returns how many. The rest of each row is done here; NULL for
 * either: all of it. 0, or EXEC_OPT_NOT_HANDLED.
 */
struct exec_l2 {
	int32_t zp, mul, shift;
	int s8;
};

typedef uint32_t exec_l2_sq_fn(const uint8_t *x, uint32_t n, const struct exec_l2 *l,
			       int32_t *acc);
typedef uint32_t exec_l2_scale_fn(const uint8_t *x, uint8_t *y, uint32_t n,
				  const struct exec_l2 *l);
int exec_l2norm(const struct ek_op *o, exec_l2_sq_fn *sq, exec_l2_scale_fn *scale);

/*
 * ARG_MAX of 8-bit tensors, the first largest value along the axis: an op
 * along the last axis (rows of @len contiguous bytes) through the set's
 * @rows, which writes the place of each of @n rows from @x (uint8 when
 * @u8, else int8) to @at and returns how many rows it did, the first ones
 * (it reads nothing past the last row's end); the rest done here. The
 * outer rows split across the threads. 0, or EXEC_OPT_NOT_HANDLED.
 */
typedef uint32_t exec_argmax_fn(const uint8_t *x, uint32_t len, uint32_t n, int u8,
				uint32_t *at);
int exec_argmax(const struct ek_op *o, exec_argmax_fn *rows);

/*
 * cpu-avx2.c, cpu-vnni.c, cpu-neon.c and cpu-dotprod.c; NULL when the set
 * is not for this architecture or the compiler could not build it.
 */
extern const struct exec_kset_ops *const exec_avx2_ops;
extern const struct exec_kset_ops *const exec_vnni_ops;
extern const struct exec_kset_ops *const exec_neon_ops;
extern const struct exec_kset_ops *const exec_dotprod_ops;

#endif
