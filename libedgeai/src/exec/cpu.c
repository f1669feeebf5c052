// SPDX-License-Identifier: MIT
/*
 * CPU execution of an edgeai program: the op library's program walk
 * (ek_exec_program(), firmware/ops/exec.c) with a per-op hook that runs
 * the op on an optimized kernel when one handles it on
 * this CPU (AVX-512 VNNI, then AVX2; on arm64 dotprod, then NEON:
 * cpu-opt.h), else leaves it to the
 * reference kernel. The optimized kernels give the same bytes
 * (tests/host/test-cpu-kernels.c checks them against the reference).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__aarch64__)
#include <sys/auxv.h>
#endif

#include "base/base.h"
#include "exec/cpu.h"
#include "exec/cpu-opt.h"
#include "ops.h"

/* -1: not chosen yet; exec_cpu_set_kernels() can override (tests). */
static int kset = -1;

static const char *const kset_names[EXEC_KSET_COUNT] = {
	"reference", "avx2", "vnni", "neon", "dotprod"
};

/* The kernels of set @k, NULL for the reference or a set not built here. */
static const struct exec_kset_ops *kset_ops_of(int k)
{
	switch (k) {
	case EXEC_KSET_AVX2:
		return exec_avx2_ops;
	case EXEC_KSET_VNNI:
		return exec_vnni_ops;
	case EXEC_KSET_NEON:
		return exec_neon_ops;
	case EXEC_KSET_DOTPROD:
		return exec_dotprod_ops;
	default:
		return NULL;
	}
}

/* The set that gets the ops set @k declines. */
static int kset_next(int k)
{
	switch (k) {
	case EXEC_KSET_VNNI:
		return EXEC_KSET_AVX2;
	case EXEC_KSET_DOTPROD:
		return EXEC_KSET_NEON;
	default:
		return EXEC_KSET_REFERENCE;
	}
}

/* Whether this CPU runs the instructions of set @k (cpuid, AT_HWCAP). */
static int cpu_has(int k)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	switch (k) {
	case EXEC_KSET_VNNI:
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
		       __builtin_cpu_supports("avx512vnni") &&
		       __builtin_cpu_supports("avx2");
	case EXEC_KSET_AVX2:
		return __builtin_cpu_supports("avx2");
	default:
		return 0;
	}
#elif defined(__aarch64__)
	unsigned long hw = getauxval(AT_HWCAP);

	switch (k) {
	case EXEC_KSET_DOTPROD:
		return (hw & HWCAP_ASIMD) && (hw & HWCAP_ASIMDDP);
	case EXEC_KSET_NEON:
		return !!(hw & HWCAP_ASIMD);
	default:
		return 0;
	}
#else
	(void)k;
	return 0;
#endif
}

/* Set @k is built and this CPU runs it (and so the sets it passes ops to). */
static int kset_available(int k)
{
	int i;

	if (k < 0 || k >= EXEC_KSET_COUNT)
		return 0;
	for (i = k; i != EXEC_KSET_REFERENCE; i = kset_next(i))
		if (!kset_ops_of(i) || !cpu_has(i))
			return 0;
	return 1;
}

static enum exec_kset best_kset(void)
{
	static const enum exec_kset order[] = { EXEC_KSET_VNNI, EXEC_KSET_AVX2,
						EXEC_KSET_DOTPROD, EXEC_KSET_NEON };
	unsigned int i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (kset_available(order[i]))
			return order[i];
	/* No optimized set for this CPU: the reference kernels. */
	return EXEC_KSET_REFERENCE;
}

static int kset_of(const char *name)
{
	unsigned int i;

	if (!strcmp(name, "portable"))
		return EXEC_KSET_REFERENCE;
	for (i = 0; i < EXEC_KSET_COUNT; i++)
		if (!strcmp(name, kset_names[i]))
			return (int)i;
	return -1;
}

/*
 * EDGEAI_CPU_KERNELS names a set this CPU and build have, else the best
 * set: a library logs the fallback at debug level only; edgeaictl says it
 * (it compares the variable with edgeai_cpu_kernels()).
 */
enum exec_kset exec_opt_level(void)
{
	if (kset < 0) {
		const char *e = getenv("EDGEAI_CPU_KERNELS");
		int want = e && *e ? kset_of(e) : -1;

		if (want >= 0 && kset_available(want)) {
			kset = want;
		} else {
			kset = best_kset();
			if (e && *e)
				base_log_debug(__func__, 0, "EDGEAI_CPU_KERNELS=%s: %s, using %s", e,
					       want < 0 ? "no such kernel set" :
							  "not built or not run by this CPU",
					       kset_names[kset]);
		}
	}
	return (enum exec_kset)kset;
}

int exec_cpu_set_kernels(const char *name)
{
	int want = name ? kset_of(name) : -1;

	if (!name) {
		kset = -1;
		return 0;
	}
	if (!kset_available(want))
		return -1;
	kset = want;
	return 0;
}

const char *exec_cpu_kernels_name(int reference)
{
	return kset_names[reference ? EXEC_KSET_REFERENCE : exec_opt_level()];
}

/* Ops each set ran (tests check that a set really ran). */
static _Atomic unsigned long kset_ops[EXEC_KSET_COUNT];
/*
 * Per-thread state is read on every op: initial-exec, so that reading it
 * is not a call into the dynamic linker (the library is small enough for
 * the static TLS a dlopen() finds left, as Mesa's drivers are).
 */
#define EXEC_TLS _Thread_local __attribute__((tls_model("initial-exec")))

/* The set that ran this thread's last op (the profile's "kernels"). */
static EXEC_TLS int ran_kset;

static void ran(enum exec_kset k)
{
	kset_ops[k]++;
	ran_kset = (int)k;
}

unsigned long exec_cpu_kernels_ops(const char *name)
{
	int k = kset_of(name);

	return k < 0 ? 0 : kset_ops[k];
}

/* Bytes [begin, end) of a tensor through a 256-entry table. */
struct table_job {
	const uint8_t *tab, *src;
	uint8_t *dst;
};

static void table_part(void *ctx, uint32_t begin, uint32_t end)
{
	const struct table_job *tj = ctx;
	uint32_t i;

	for (i = begin; i < end; i++)
		tj->dst[i] = tj->tab[tj->src[i]];
}

/* @cnt bytes of @o's input through @tab into its output, split when worth it. */
static void table_apply(const struct ek_op *o, const uint8_t *tab, uint32_t cnt)
{
	struct table_job tj = { .tab = tab, .src = o->in[0].data, .dst = o->out.data };

	if (exec_par_worth(cnt))
		exec_par_for(cnt, table_part, &tj);
	else
		table_part(&tj, 0, cnt);
}

static int opt_sets(const struct ek_op *o, const struct exec_opt_prep *prep);

/*
 * Input @var of @o through the 256-entry @lut into its output, as a table
 * op: the sets' table kernels (VNNI's with VBMI, AVX2's, NEON's) on an op
 * record of their kind whose table is @lut, else a byte at a time here
 * (table_apply(), split when worth it).
 */
static int table_run(const struct ek_op *o, int var, const uint8_t *lut)
{
	struct edgeai_prog_lut_params *lp;
	struct edgeai_prog_op rec = *o->op;
	struct ek_op t = *o;
	int r;

	if (ek_count(&o->in[var]) != ek_count(&o->out))
		return EXEC_OPT_NOT_HANDLED;
	rec.opcode = EDGEAI_OP_LOGISTIC;
	memset(rec.params, 0, sizeof(rec.params));
	lp = (struct edgeai_prog_lut_params *)(void *)rec.params;
	lp->table_offset = 0;
	t.op = &rec;
	t.in[0] = o->in[var];
	memset(&t.in[1], 0, sizeof(t.in) - sizeof(t.in[0]));
	t.n_in = 1;
	t.consts = lut;
	t.const_size = 256;
	r = opt_sets(&t, NULL);
	if (r == EXEC_OPT_NOT_HANDLED) {
		table_apply(&t, lut, ek_count(&o->out));
		ran(exec_opt_level());
		r = 0;
	}
	return r;
}

/*
 * RELU, RELU6 and QUANTIZE (8-bit to 8-bit) map each input byte to one
 * output byte: the reference kernel itself computes the 256-entry table
 * @tab (on the inputs 0..255 with the op's zero points and parameters),
 * then the tensor goes through the table. Same bytes by construction.
 * 0, or -1 (not such an op).
 */
static int requant_lut(const struct ek_op *o, uint8_t tab[256])
{
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t op = o->op->opcode, i;
	struct ek_op t = *o;
	uint8_t x[256];

	if ((op != EDGEAI_OP_RELU && op != EDGEAI_OP_RELU6 && op != EDGEAI_OP_QUANTIZE) ||
	    !ek_is8(in->dtype) || !ek_is8(out->dtype) || ek_count(in) != ek_count(out))
		return -1;
	for (i = 0; i < 256; i++)
		x[i] = (uint8_t)i;
	t.in[0].data = x;
	t.out.data = tab;
	t.in[0].d[0] = t.in[0].d[1] = t.in[0].d[2] = 1;
	t.in[0].d[3] = 256;
	memcpy(t.out.d, t.in[0].d, sizeof(t.out.d));
	return ek_run_op(&t) ? -1 : 0;
}

/*
 * requant_lut() at run time, for a tensor of at least 512 bytes (a
 * compiled program has the table from exec_opt_prepare(), any size).
 */
static int requant_table(const struct ek_op *o)
{
	uint8_t tab[256];

	if (ek_count(&o->out) < 512 || requant_lut(o, tab))
		return EXEC_OPT_NOT_HANDLED;
	return table_run(o, 0, tab);
}

/*
 * LOGISTIC, TANH, HARD_SWISH and LEAKY_RELU: the program's own table
 * (edgeai_prog_lut_params), as the reference kernel reads it; taken here
 * only to split large tensors across the run's threads.
 */
static int lut_split(const struct ek_op *o)
{
	const struct edgeai_prog_lut_params *p = (const void *)o->op->params;
	const uint8_t *tab = ek_const(o, p->table_offset, 256, 1);
	uint32_t cnt = ek_count(&o->out);

	if (!tab || !ek_is8(o->in[0].dtype) || !ek_is8(o->out.dtype) ||
	    ek_count(&o->in[0]) != cnt || !exec_par_worth(cnt))
		return EXEC_OPT_NOT_HANDLED;
	table_apply(o, tab, cnt);
	return 0;
}

/*
 * PAD of 8-bit tensors: each output row (image * H + row) filled with the
 * zero point, the input's row copied in, whole (w * ch bytes) when the
 * channels are not padded, else a pixel at a time; rows [begin, end) per
 * part.
 */
static void pad8_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct ek_op *o = ctx;
	const struct edgeai_prog_pad_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t r, w, step = p->before[3] || p->after[3] ? 1 : in->d[2];
	size_t row = (size_t)out->d[2] * out->d[3], run = (size_t)step * in->d[3];

	for (r = begin; r < end; r++) {
		uint32_t n = r / out->d[1], h = r % out->d[1];
		uint8_t *dst = (uint8_t *)out->data + (size_t)r * row;

		memset(dst, out->zp, row);
		if (n < p->before[0] || n - p->before[0] >= in->d[0] || h < p->before[1] ||
		    h - p->before[1] >= in->d[1])
			continue;
		n -= p->before[0];
		h -= p->before[1];
		for (w = 0; w < in->d[2]; w += step)
			memcpy(dst + ek_idx(out, 0, 0, w + p->before[2], p->before[3]),
			       (const uint8_t *)in->data + ek_idx(in, n, h, w, 0), run);
	}
}

static int pad8(const struct ek_op *o)
{
	const struct edgeai_prog_pad_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t i, rows = out->d[0] * out->d[1];

	if (!ek_is8(in->dtype) || out->dtype != in->dtype)
		return EXEC_OPT_NOT_HANDLED;
	for (i = 0; i < 4; i++)
		if (in->d[i] + p->before[i] + p->after[i] != out->d[i])
			return EXEC_OPT_NOT_HANDLED;
	/* memset and memcpy: a quarter of a unit of work per byte */
	if (exec_par_worth(ek_count(out) / 4))
		exec_par_for(rows, pad8_rows, (void *)o);
	else
		pad8_rows((void *)o, 0, rows);
	return 0;
}

/*
 * STRIDED_SLICE of 8-bit tensors: output row (n, h, w) is input row
 * (begin + i * stride) in each axis, copied whole when the last axis has
 * stride 1, else a byte at a time; rows [begin, end) per part, walked
 * pixel by pixel (the index computed once per output row of pixels). The
 * same bytes as the reference's element walk (ek_slice()), which does its
 * per-element index arithmetic for every byte.
 */
static void slice8_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct ek_op *o = ctx;
	const struct edgeai_prog_slice_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t r, c, oc = out->d[3], w = begin % out->d[2], h = begin / out->d[2] % out->d[1];
	uint32_t n = begin / out->d[2] / out->d[1];
	ptrdiff_t sw = (ptrdiff_t)p->stride[2] * in->d[3];
	const uint8_t *row = NULL;
	uint8_t *dst = (uint8_t *)out->data + (size_t)begin * oc;

	for (r = begin; r < end; r++, dst += oc) {
		const uint8_t *src;

		/* the row's first pixel, then stride[2] pixels a step */
		if (r == begin || w == 0)
			row = (const uint8_t *)in->data +
			      ek_idx(in, (uint32_t)((int32_t)p->begin[0] + (int32_t)n * p->stride[0]),
				     (uint32_t)((int32_t)p->begin[1] + (int32_t)h * p->stride[1]),
				     p->begin[2], p->begin[3]);
		src = row + (ptrdiff_t)w * sw;
		if (p->stride[3] == 1)
			exec_copy_run(dst, src, oc);
		else
			for (c = 0; c < oc; c++)
				dst[c] = src[(int32_t)c * p->stride[3]];
		if (++w == out->d[2]) {
			w = 0;
			if (++h == out->d[1])
				h = 0, n++;
		}
	}
}

static int slice8(const struct ek_op *o)
{
	const struct edgeai_prog_slice_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	uint32_t k, rows = out->d[0] * out->d[1] * out->d[2];

	if (!ek_is8(in->dtype) || out->dtype != in->dtype)
		return EXEC_OPT_NOT_HANDLED;
	/* what the reference checks: every index read inside the input */
	for (k = 0; k < 4; k++) {
		int64_t last = (int64_t)p->begin[k] + (int64_t)(out->d[k] - 1) * p->stride[k];

		if (!out->d[k] || !p->stride[k] || p->begin[k] >= in->d[k] || last < 0 ||
		    last >= in->d[k])
			return EXEC_OPT_NOT_HANDLED;
	}
	if (exec_par_worth(ek_count(out) / (p->stride[3] == 1 ? 4 : 1)))
		exec_par_for(rows, slice8_rows, (void *)o);
	else
		slice8_rows((void *)o, 0, rows);
	return 0;
}

/*
 * TRANSPOSE of 8-bit tensors: output row (i0, i1, i2) reads the input at
 * i0 s[perm[0]] + i1 s[perm[1]] + i2 s[perm[2]] (s: the input's strides),
 * the row's bytes s[perm[3]] apart: one copy when that is 1 (the last
 * axis stays last: lowered DEPTH_TO_SPACE, SPACE_TO_DEPTH), else a byte
 * at a time; rows [begin, end) per part. When the last two axes both
 * stay (a swap of the outer two: lowered SPACE_TO_BATCH_ND,
 * BATCH_TO_SPACE_ND), a whole W x C block is one copy
 * (transpose8_blocks(), blocks (i0, i1) [begin, end)). RESHAPE of 8-bit tensors: one
 * copy. The same bytes as the reference's walks (ek_transpose(),
 * ek_reshape(): a byte at a time).
 */
struct transpose_job {
	const struct ek_op *o;
	size_t s[4];	/* input stride of each output axis */
	uint32_t a;	/* the output axis that reads the input's last one (s[a] == 1) */
};

static void transpose8_blocks(void *ctx, uint32_t begin, uint32_t end)
{
	const struct transpose_job *tj = ctx;
	const struct ek_tensor *in = &tj->o->in[0], *out = &tj->o->out;
	size_t block = (size_t)out->d[2] * out->d[3];
	uint32_t b;

	for (b = begin; b < end; b++)
		memcpy((uint8_t *)out->data + b * block,
		       (const uint8_t *)in->data + b / out->d[1] * tj->s[0] +
		       b % out->d[1] * tj->s[1], block);
}

static void transpose8_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct transpose_job *tj = ctx;
	const struct ek_tensor *in = &tj->o->in[0], *out = &tj->o->out;
	uint32_t r, c, oc = out->d[3], i0, i1, i2;

	if (begin >= end)
		return;
	/* the row's place, counted, not divided, per row */
	i2 = begin % out->d[2];
	i1 = begin / out->d[2] % out->d[1];
	i0 = begin / out->d[2] / out->d[1];
	for (r = begin; r < end; r++) {
		const uint8_t *src = (const uint8_t *)in->data + i0 * tj->s[0] + i1 * tj->s[1] +
				     i2 * tj->s[2];
		uint8_t *dst = (uint8_t *)out->data + (size_t)r * oc;

		if (tj->s[3] == 1)
			exec_copy_run(dst, src, oc);
		else
			for (c = 0; c < oc; c++)
				dst[c] = src[c * tj->s[3]];
		if (++i2 == out->d[2]) {
			i2 = 0;
			if (++i1 == out->d[1]) {
				i1 = 0;
				i0++;
			}
		}
	}
}

/*
 * The input's last axis moved (s[3] != 1): output axis a reads it. Tiles
 * of TR_TILE output rows along a: for each output column, TR_TILE
 * consecutive input bytes go to the tile's rows, so the input is read in
 * runs and the output written in rows, not a byte per cache line. Tile
 * @begin..@end of the (rows along the other two axes) x (tiles along a).
 */
#define TR_TILE 16

typedef uint8_t tr_v16 __attribute__((vector_size(16)));

/* The low and the high halves of @a and @b interleaved: the byte zips. */
#ifdef __clang__
#define TR_ZIP_LO(a, b) __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, \
						5, 21, 6, 22, 7, 23)
#define TR_ZIP_HI(a, b) __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, \
						13, 29, 14, 30, 15, 31)
#else
#define TR_ZIP_LO(a, b) __builtin_shuffle(a, b, (tr_v16){ 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, \
							  5, 21, 6, 22, 7, 23 })
#define TR_ZIP_HI(a, b) __builtin_shuffle(a, b, (tr_v16){ 8, 24, 9, 25, 10, 26, 11, 27, 12, \
							  28, 13, 29, 14, 30, 15, 31 })
#endif

/*
 * The 16 x 16 bytes at @src (rows @ss apart) transposed to @dst (rows
 * @ds apart): four rounds of interleaving row i with row i + 8 (the
 * SSE2 / NEON byte zips; the compiler's generic vectors).
 */
static void tr16x16(uint8_t *dst, size_t ds, const uint8_t *src, size_t ss)
{
	tr_v16 r[16], t[16];
	int i, k;

#pragma GCC unroll 16
	for (i = 0; i < 16; i++)
		memcpy(&r[i], src + i * ss, 16);
#pragma GCC unroll 4
	for (k = 0; k < 4; k++) {
#pragma GCC unroll 8
		for (i = 0; i < 8; i++) {
			t[2 * i] = TR_ZIP_LO(r[i], r[i + 8]);
			t[2 * i + 1] = TR_ZIP_HI(r[i], r[i + 8]);
		}
		memcpy(r, t, sizeof(r));
	}
#pragma GCC unroll 16
	for (i = 0; i < 16; i++)
		memcpy(dst + i * ds, &r[i], 16);
}

static void transpose8_tiles(void *ctx, uint32_t begin, uint32_t end)
{
	const struct transpose_job *tj = ctx;
	const struct ek_tensor *in = &tj->o->in[0], *out = &tj->o->out;
	uint32_t a = tj->a, da = out->d[a], tiles = (da + TR_TILE - 1) / TR_TILE, t, oc = out->d[3];
	size_t os[3];

	os[2] = oc;
	os[1] = (size_t)out->d[2] * oc;
	os[0] = (size_t)out->d[1] * os[1];
	for (t = begin; t < end; t++) {
		uint32_t i[3], k, j, c, j0 = t % tiles * TR_TILE, nj, m = t / tiles;
		const uint8_t *src = (const uint8_t *)in->data;
		uint8_t *dst = (uint8_t *)out->data;

		/* the other two axes, outermost first, from m */
		for (k = 3; k-- > 0;) {
			if (k == a)
				continue;
			i[k] = m % out->d[k];
			m /= out->d[k];
		}
		i[a] = j0;
		for (k = 0; k < 3; k++) {
			src += i[k] * tj->s[k];
			dst += i[k] * os[k];
		}
		nj = da - j0 < TR_TILE ? da - j0 : TR_TILE;
		c = 0;
		/* a whole tile: 16 output columns at a time in registers */
		for (; nj == TR_TILE && oc - c >= 16; c += 16, src += 16 * tj->s[3])
			tr16x16(dst + c, os[a], src, tj->s[3]);
		for (; c < oc; c++, src += tj->s[3])
			for (j = 0; j < nj; j++)
				dst[j * os[a] + c] = src[j];
	}
}

static int transpose8(const struct ek_op *o)
{
	const struct edgeai_prog_transpose_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	struct transpose_job tj = { .o = o };
	uint32_t k, seen = 0, rows = out->d[0] * out->d[1] * out->d[2];
	size_t is[4];

	if (!ek_is8(in->dtype) || out->dtype != in->dtype)
		return EXEC_OPT_NOT_HANDLED;
	/* what the reference checks: a permutation, the output's dims the input's permuted */
	for (k = 0; k < 4; k++) {
		if (p->perm[k] > 3 || (seen & (1U << p->perm[k])) || out->d[k] != in->d[p->perm[k]])
			return EXEC_OPT_NOT_HANDLED;
		seen |= 1U << p->perm[k];
	}
	is[3] = 1;
	is[2] = in->d[3];
	is[1] = (size_t)in->d[2] * is[2];
	is[0] = (size_t)in->d[1] * is[1];
	for (k = 0; k < 4; k++) {
		tj.s[k] = is[p->perm[k]];
		if (p->perm[k] == 3)
			tj.a = k;
	}
	if (p->perm[2] == 2 && p->perm[3] == 3) {
		if (exec_par_worth(ek_count(out) / 4))
			exec_par_for(out->d[0] * out->d[1], transpose8_blocks, &tj);
		else
			transpose8_blocks(&tj, 0, out->d[0] * out->d[1]);
		return 0;
	}
	if (tj.s[3] != 1 && ek_count(out)) {
		uint32_t tiles = out->d[0] * out->d[1] * out->d[2] / out->d[tj.a] *
				 ((out->d[tj.a] + TR_TILE - 1) / TR_TILE);

		if (exec_par_worth(ek_count(out)))
			exec_par_for(tiles, transpose8_tiles, &tj);
		else
			transpose8_tiles(&tj, 0, tiles);
		return 0;
	}
	if (exec_par_worth(ek_count(out) / (tj.s[3] == 1 ? 4 : 1)))
		exec_par_for(rows, transpose8_rows, &tj);
	else
		transpose8_rows(&tj, 0, rows);
	return 0;
}

/*
 * DEPTH_TO_SPACE and SPACE_TO_DEPTH of 8-bit tensors (ek_space_depth()):
 * in a row of the wide tensor, the b pixels x .. x + b - 1 (x a multiple
 * of b) are b * C bytes in a row in both tensors, so each is one copy;
 * rows (image * H + y) of the wide tensor [begin, end) per part.
 */
struct space_depth_job {
	const struct ek_op *o;
	int to_space;
};

static void space_depth_rows(void *ctx, uint32_t begin, uint32_t end)
{
	const struct space_depth_job *sj = ctx;
	const struct edgeai_prog_block_params *p = (const void *)sj->o->op->params;
	const struct ek_tensor *sp = sj->to_space ? &sj->o->out : &sj->o->in[0];
	const struct ek_tensor *dp = sj->to_space ? &sj->o->in[0] : &sj->o->out;
	uint32_t b = p->block_size, r, x, run = b * sp->d[3];

	for (r = begin; r < end; r++) {
		uint32_t n = r / sp->d[1], y = r % sp->d[1];
		uint8_t *s0 = (uint8_t *)sp->data + (size_t)r * sp->d[2] * sp->d[3];
		uint8_t *d0 = (uint8_t *)dp->data + ek_idx(dp, n, y / b, 0, y % b * run);

		for (x = 0; x < sp->d[2]; x += b, s0 += run, d0 += dp->d[3]) {
			uint8_t *to = sj->to_space ? s0 : d0;
			const uint8_t *from = sj->to_space ? d0 : s0;

			exec_copy_run(to, from, run);
		}
	}
}

static int space_depth8(const struct ek_op *o, int to_space)
{
	const struct edgeai_prog_block_params *p = (const void *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const struct ek_tensor *sp = to_space ? out : in, *dp = to_space ? in : out;
	struct space_depth_job sj = { o, to_space };
	uint32_t b = p->block_size, rows = sp->d[0] * sp->d[1];

	/* what the reference checks */
	if (!ek_is8(in->dtype) || out->dtype != in->dtype || !b || sp->d[0] != dp->d[0] ||
	    sp->d[1] != dp->d[1] * b || sp->d[2] != dp->d[2] * b ||
	    dp->d[3] != sp->d[3] * b * b)
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth(ek_count(out) / 4))
		exec_par_for(rows, space_depth_rows, &sj);
	else
		space_depth_rows(&sj, 0, rows);
	return 0;
}

static int reshape8(const struct ek_op *o)
{
	const struct ek_tensor *in = &o->in[0], *out = &o->out;

	if (!ek_is8(in->dtype) || out->dtype != in->dtype || ek_count(in) != ek_count(out))
		return EXEC_OPT_NOT_HANDLED;
	if (in->data != out->data)
		memmove(out->data, in->data, ek_count(out));
	return 0;
}

/*
 * DEPTHWISE_CONV_2D with a depth multiplier M > 1 (audio models whose
 * first layer is a depthwise over a one-channel spectrogram, separable
 * convolutions that widen): output channel c reads input channel c / M,
 * so the op is the depth multiplier 1 op on the input with each channel
 * repeated M times, with the same filter, bias and multipliers: the same
 * taps, products, sums and rescale (the depthwise rounding, ek_mbqm()),
 * so the same bytes. dm_lower() makes that op (@t, its record @rec), and
 * dm_expand() the repeated input, a pixel at a time (pixels [begin, end)
 * per part). 0, or EXEC_OPT_NOT_HANDLED when the op is not well formed
 * (the reference kernel says so).
 */
struct dm_job {
	const uint8_t *src;
	uint8_t *dst;
	uint32_t ic, m;
};

/*
 * Over the whole tensor, byte j of the repeated input is byte j / M of the
 * input: each input byte as M bytes, by 8-byte stores (M < 8: one, whose
 * excess the next bytes' stores overwrite; the part's last bytes, whose
 * store would pass its end, by memset(): no store reaches into another
 * part's bytes or past the buffer).
 */
static void dm_expand(void *ctx, uint32_t begin, uint32_t end)
{
	const struct dm_job *dj = ctx;
	size_t i = (size_t)begin * dj->ic, e = (size_t)end * dj->ic, m = dj->m, k;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* M 2 or 4: 8 / M input bytes make one 8-byte word (byte j of it: input byte j / M) */
	if (m == 2 || m == 4) {
		uint64_t rep = m == 2 ? 0x0101 : 0x01010101;

		for (; i + 8 / m <= e; i += 8 / m) {
			uint64_t w = 0;

			for (k = 0; k < 8 / m; k++)
				w |= dj->src[i + k] * rep << (8 * m * k);
			memcpy(dj->dst + i * m, &w, 8);
		}
	}
#endif
	for (; i < e; i++) {
		uint64_t w = dj->src[i] * 0x0101010101010101ULL;
		uint8_t *d = dj->dst + i * m;

		if (m >= 8) {
			for (k = 0; k + 8 < m; k += 8)
				memcpy(d + k, &w, 8);
			memcpy(d + m - 8, &w, 8);
		} else if (i * m + 8 <= e * m) {
			memcpy(d, &w, 8);
		} else {
			memset(d, dj->src[i], m);
		}
	}
}

static int dm_lower(const struct ek_op *o, struct ek_op *t, struct edgeai_prog_op *rec)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	struct edgeai_prog_conv_params *tp = (void *)rec->params;
	uint64_t oc = (uint64_t)o->in[0].d[3] * p->depth_multiplier;

	if (o->op->opcode != EDGEAI_OP_DEPTHWISE_CONV_2D || p->depth_multiplier < 2 ||
	    !ek_is8(o->in[0].dtype) || oc != o->out.d[3] || oc != o->in[1].d[3] ||
	    (uint64_t)ek_count(&o->in[0]) * p->depth_multiplier > UINT32_MAX)
		return EXEC_OPT_NOT_HANDLED;
	*rec = *o->op;
	tp->depth_multiplier = 1;
	*t = *o;
	t->op = rec;
	t->in[0].d[3] = (uint32_t)oc;
	return 0;
}

/* The sets' kernels for @o, best first: 0, a kernel error, or EXEC_OPT_NOT_HANDLED. */
static int opt_sets(const struct ek_op *o, const struct exec_opt_prep *prep)
{
	int r = EXEC_OPT_NOT_HANDLED, k;

	for (k = exec_opt_level(); k != EXEC_KSET_REFERENCE; k = kset_next(k)) {
		const struct exec_kset_ops *ops = kset_ops_of(k);

		if (!ops)
			break;
		r = ops->run(o, prep ? prep->set[k] : NULL);
		if (r != EXEC_OPT_NOT_HANDLED) {
			ran(k);
			return r;
		}
	}
	if (exec_opt_level() != EXEC_KSET_REFERENCE) {
		r = exec_common_run(o, prep ? prep->common : NULL);
		if (r != EXEC_OPT_NOT_HANDLED)
			ran(exec_opt_level());
	}
	return r;
}

/* A depthwise op of depth multiplier > 1 on the sets' kernels, through its repeated input. */
static int dm_run(const struct ek_op *o, const struct exec_opt_prep *prep)
{
	const struct edgeai_prog_conv_params *p = (const void *)o->op->params;
	struct edgeai_prog_op rec;
	struct dm_job dj;
	struct ek_op t;
	uint32_t pixels;
	int r;

	if (dm_lower(o, &t, &rec))
		return EXEC_OPT_NOT_HANDLED;
	pixels = o->in[0].d[0] * o->in[0].d[1] * o->in[0].d[2];
	dj.src = o->in[0].data;
	dj.ic = o->in[0].d[3];
	dj.m = p->depth_multiplier;
	dj.dst = malloc(ek_count(&t.in[0]));
	if (!dj.dst)
		return EXEC_OPT_NOT_HANDLED;
	if (exec_par_worth(ek_count(&t.in[0])))
		exec_par_for(pixels, dm_expand, &dj);
	else
		dm_expand(&dj, 0, pixels);
	t.in[0].data = dj.dst;
	r = opt_sets(&t, prep);
	free(dj.dst);
	return r;
}

/* The binary ops scalar_lut() takes (MAXIMUM and MINIMUM: a vector max is cheaper than a table). */
static int is_lut_binary(uint32_t opcode)
{
	return opcode == EDGEAI_OP_ADD || opcode == EDGEAI_OP_SUB || opcode == EDGEAI_OP_MUL;
}

/*
 * A binary op of 8-bit tensors with one input a constant scalar is a map
 * of the other input's bytes: the reference kernel itself computes the
 * output of each of the 256 values against the constant at prepare time
 * (same bytes by construction), and every run goes through the table as
 * a table op. (ADD(x, 3), MUL(x, 1/6), SUB(1, x): what converters leave
 * of decomposed activations and input normalization.)
 * The table, or NULL; *@var: the input that varies.
 */
/*
 * The output byte of each of the 256 values of input @var of binary op
 * @o against its other input, one element (its data set), computed by
 * the reference kernel itself: 0, or -1 (not such an op).
 */
static int binary_lut(const struct ek_op *o, int var, uint8_t tab[256])
{
	uint8_t x[256];
	struct ek_op t;
	int i;

	if (!is_lut_binary(o->op->opcode) || o->n_in < 2 || !ek_is8(o->in[0].dtype) ||
	    !ek_is8(o->in[1].dtype) || !ek_is8(o->out.dtype) || !o->in[!var].data ||
	    ek_count(&o->in[!var]) != 1 || ek_count(&o->in[var]) != ek_count(&o->out) ||
	    o->in[var].dtype != o->out.dtype)
		return -1;
	for (i = 0; i < 256; i++)
		x[i] = (uint8_t)i;
	t = *o;
	t.in[var].data = x;
	t.in[var].d[0] = t.in[var].d[1] = t.in[var].d[2] = 1;
	t.in[var].d[3] = 256;
	t.out.data = tab;
	memcpy(t.out.d, t.in[var].d, sizeof(t.out.d));
	return ek_run_op(&t) ? -1 : 0;
}

static uint8_t *scalar_lut(const struct ek_op *o, int *var)
{
	uint8_t *tab;
	int c;

	/* the constant: resolved (data) at prepare time, one element */
	c = o->in[1].data && ek_count(&o->in[1]) == 1 ? 1 :
	    o->in[0].data && ek_count(&o->in[0]) == 1 ? 0 : -1;
	if (c < 0 || o->in[!c].data)
		return NULL;
	tab = malloc(256);
	if (tab && binary_lut(o, !c, tab)) {
		free(tab);
		tab = NULL;
	}
	*var = !c;
	return tab;
}

int exec_opt_run(const struct ek_op *o, const struct exec_opt_prep *prep)
{
	int r = EXEC_OPT_NOT_HANDLED;

	switch (o->op->opcode) {
	case EDGEAI_OP_PAD:
		r = exec_opt_level() != EXEC_KSET_REFERENCE ? pad8(o) : r;
		if (r != EXEC_OPT_NOT_HANDLED)
			ran(exec_opt_level());
		return r;
	case EDGEAI_OP_STRIDED_SLICE:
		r = exec_opt_level() != EXEC_KSET_REFERENCE ? slice8(o) : r;
		if (r != EXEC_OPT_NOT_HANDLED)
			ran(exec_opt_level());
		return r;
	case EDGEAI_OP_TRANSPOSE:
		r = exec_opt_level() != EXEC_KSET_REFERENCE ? transpose8(o) : r;
		if (r != EXEC_OPT_NOT_HANDLED)
			ran(exec_opt_level());
		return r;
	case EDGEAI_OP_DEPTH_TO_SPACE:
	case EDGEAI_OP_SPACE_TO_DEPTH:
		r = exec_opt_level() != EXEC_KSET_REFERENCE ?
		    space_depth8(o, o->op->opcode == EDGEAI_OP_DEPTH_TO_SPACE) : r;
		if (r != EXEC_OPT_NOT_HANDLED)
			ran(exec_opt_level());
		return r;
	case EDGEAI_OP_SQUARED_DIFFERENCE:
		/* a set's own (VNNI's), else cpu-common.c's walk: the inputs' rescales from tables */
		if (exec_opt_level() != EXEC_KSET_REFERENCE) {
			struct exec_binary bj;

			r = opt_sets(o, prep);
			if (r != EXEC_OPT_NOT_HANDLED)
				return r;
			if (!exec_binary_init(&bj, o)) {
				exec_binary_run(&bj);
				ran(exec_opt_level());
				return 0;
			}
		}
		return r;
	case EDGEAI_OP_RESHAPE:
		r = exec_opt_level() != EXEC_KSET_REFERENCE ? reshape8(o) : r;
		if (r != EXEC_OPT_NOT_HANDLED)
			ran(exec_opt_level());
		return r;
	case EDGEAI_OP_RELU:
	case EDGEAI_OP_RELU6:
	case EDGEAI_OP_QUANTIZE:
		if (exec_opt_level() != EXEC_KSET_REFERENCE)
			r = prep && prep->lut ? table_run(o, 0, prep->lut) : requant_table(o);
		if (r != EXEC_OPT_NOT_HANDLED)
			ran(exec_opt_level());
		return r;
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE:
		/* a set's own table kernel (VNNI's, with VBMI), else split here */
		if (exec_opt_level() == EXEC_KSET_REFERENCE)
			return r;
		r = opt_sets(o, prep);
		if (r == EXEC_OPT_NOT_HANDLED) {
			r = lut_split(o);
			if (r != EXEC_OPT_NOT_HANDLED)
				ran(exec_opt_level());
		}
		return r;
	case EDGEAI_OP_ADD:
	case EDGEAI_OP_SUB:
	case EDGEAI_OP_MUL:
		if (prep && prep->lut && exec_opt_level() != EXEC_KSET_REFERENCE) {
			r = table_run(o, prep->lut_var, prep->lut);
			if (r != EXEC_OPT_NOT_HANDLED)
				return r;
		}
		/*
		 * a scalar computed at run time, against a large tensor: the
		 * table of this run (256 reference outputs, a few us)
		 */
		if (exec_opt_level() != EXEC_KSET_REFERENCE && ek_count(&o->out) >= 32768) {
			int var = ek_count(&o->in[1]) == 1 ? 0 : 1;
			uint8_t tab[256];

			if (!binary_lut(o, var, tab))
				return table_run(o, var, tab);
		}
		break;
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		if (((const struct edgeai_prog_conv_params *)(const void *)o->op->params)
			    ->depth_multiplier > 1)
			return exec_opt_level() != EXEC_KSET_REFERENCE ? dm_run(o, prep) : r;
		break;
	default:
		break;
	}
	return opt_sets(o, prep);
}

struct exec_opt_prep *exec_opt_prepare(const struct ek_op *o)
{
	struct exec_opt_prep *p = calloc(1, sizeof(*p));
	struct edgeai_prog_op rec;
	struct ek_op t;
	int k, any = 0;

	if (!p)
		return NULL;
	/* a constant scalar input: a table, no set's layout */
	p->lut = scalar_lut(o, &p->lut_var);
	if (p->lut)
		return p;
	/* RELU, RELU6, QUANTIZE: their table, whatever the tensor's size */
	if (exec_opt_level() != EXEC_KSET_REFERENCE) {
		p->lut = malloc(256);
		if (p->lut && !requant_lut(o, p->lut))
			return p;
		free(p->lut);
		p->lut = NULL;
	}
	/* a depth multiplier > 1: the layout of the op that runs (dm_run()) */
	if (!dm_lower(o, &t, &rec))
		o = &t;
	/*
	 * Only the first set down the list that lays the op out: it runs the op
	 * (a set below it converts on the fly the rare time it declines at run
	 * time), and the AVX2 set's 16-bit copy of every filter under VNNI
	 * would double the weights' memory and the compile's time for nothing.
	 */
	for (k = exec_opt_level(); k != EXEC_KSET_REFERENCE && !any; k = kset_next(k)) {
		if (!kset_ops_of(k))
			break;
		p->set[k] = kset_ops_of(k)->prepare(o);
		any |= p->set[k] != NULL;
	}
	/* the shared kernels' layout when no set has one */
	if (!any && exec_opt_level() != EXEC_KSET_REFERENCE) {
		p->common = exec_common_prepare(o);
		any = p->common != NULL;
	}
	if (!any) {
		free(p);
		return NULL;
	}
	return p;
}

void exec_opt_prepare_free(struct exec_opt_prep *p)
{
	int k;

	if (p) {
		/* a set's code runs only where the CPU has it: only sets in use prepared */
		for (k = 0; k < EXEC_KSET_COUNT; k++)
			if (p->set[k])
				kset_ops_of(k)->prepare_free(p->set[k]);
		free(p->common);
		free(p->lut);
		free(p);
	}
}

/*
 * Type, zero point and dims of tensor @idx of @prog, without its data (a
 * slot is bound only when the program runs); a missing tensor stays zero.
 */
static void tensor_meta(const void *prog, uint32_t idx, struct ek_tensor *t)
{
	const struct edgeai_prog_header *h = prog;
	const struct edgeai_prog_tensor *tt;
	int i;

	memset(t, 0, sizeof(*t));
	if (idx == EDGEAI_PROG_NO_TENSOR || idx >= h->tensor_count)
		return;
	tt = (const struct edgeai_prog_tensor *)((const uint8_t *)prog + h->tensor_offset) + idx;
	t->dtype = tt->dtype;
	t->zp = tt->zero_point;
	for (i = 0; i < 4; i++)
		t->d[i] = tt->dims[i];
}

void **exec_cpu_prepare(const void *prog, size_t size)
{
	const struct edgeai_prog_header *h = prog;
	const struct edgeai_prog_tensor *tt;
	const struct edgeai_prog_op *ops;
	void **prep;
	struct ek_op o;
	uint32_t i;

	if (exec_opt_level() == EXEC_KSET_REFERENCE || ek_prog_check(prog, size))
		return NULL;
	tt = (const void *)((const uint8_t *)prog + h->tensor_offset);
	ops = (const void *)((const uint8_t *)prog + h->op_offset);
	prep = calloc(h->op_count ? h->op_count : 1, sizeof(*prep));
	if (!prep)
		return NULL;
	memset(&o, 0, sizeof(o));
	o.consts = (const uint8_t *)prog + h->const_offset;
	o.const_size = h->const_size;
	for (i = 0; i < h->op_count; i++) {
		o.op = &ops[i];
		o.n_in = 3;
		/* the input's and output's types and zero points (a layout may depend on them) */
		tensor_meta(prog, ops[i].inputs[0], &o.in[0]);
		tensor_meta(prog, ops[i].output, &o.out);
		/* a constant third input (a bias) with its data */
		tensor_meta(prog, ops[i].inputs[2], &o.in[2]);
		if (ops[i].inputs[2] != EDGEAI_PROG_NO_TENSOR && ops[i].inputs[2] < h->tensor_count &&
		    tt[ops[i].inputs[2]].slot == EDGEAI_PROG_SLOT_CONST &&
		    ek_resolve(prog, ops[i].inputs[2], NULL, 0, &o.in[2]))
			o.in[2].data = NULL;
		/* a binary op's constant first input (SUB(1, x)): scalar_lut() */
		if (is_lut_binary(ops[i].opcode) && ops[i].inputs[0] < h->tensor_count &&
		    ops[i].inputs[1] < h->tensor_count &&
		    tt[ops[i].inputs[0]].slot == EDGEAI_PROG_SLOT_CONST &&
		    tt[ops[i].inputs[1]].slot != EDGEAI_PROG_SLOT_CONST &&
		    !ek_resolve(prog, ops[i].inputs[0], NULL, 0, &o.in[0])) {
			tensor_meta(prog, ops[i].inputs[1], &o.in[1]);
			prep[i] = exec_opt_prepare(&o);
			continue;
		}
		/*
		 * RELU, RELU6, QUANTIZE: their table (requant_lut()); SOFTMAX:
		 * a set's checked copy of its table
		 */
		if (ops[i].opcode == EDGEAI_OP_RELU || ops[i].opcode == EDGEAI_OP_RELU6 ||
		    ops[i].opcode == EDGEAI_OP_QUANTIZE || ops[i].opcode == EDGEAI_OP_SOFTMAX) {
			o.n_in = 1;
			prep[i] = exec_opt_prepare(&o);
			continue;
		}
		/* ADD, SUB of two tensors computed at run time: a set's tables */
		if ((ops[i].opcode == EDGEAI_OP_ADD || ops[i].opcode == EDGEAI_OP_SUB) &&
		    ops[i].inputs[0] < h->tensor_count && ops[i].inputs[1] < h->tensor_count &&
		    tt[ops[i].inputs[0]].slot != EDGEAI_PROG_SLOT_CONST &&
		    tt[ops[i].inputs[1]].slot != EDGEAI_PROG_SLOT_CONST) {
			tensor_meta(prog, ops[i].inputs[1], &o.in[1]);
			o.n_in = 2;
			prep[i] = exec_opt_prepare(&o);
			continue;
		}
		/* the filter is a constant: it resolves without slots */
		if (ops[i].inputs[1] == EDGEAI_PROG_NO_TENSOR ||
		    ek_resolve(prog, ops[i].inputs[1], NULL, 0, &o.in[1]) ||
		    tt[ops[i].inputs[1]].slot != EDGEAI_PROG_SLOT_CONST)
			continue;
		prep[i] = exec_opt_prepare(&o);
	}
	return prep;
}

void exec_cpu_prepare_free(void **prep, const void *prog)
{
	const struct edgeai_prog_header *h = prog;
	uint32_t i;

	if (!prep)
		return;
	for (i = 0; i < h->op_count; i++)
		exec_opt_prepare_free(prep[i]);
	free(prep);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * The worker pool. A job is fn over [0, n) in `chunks` contiguous parts
 * (part i: [i * n / chunks, (i + 1) * n / chunks)), a few per thread. The
 * caller and the workers claim parts one at a time until none is left,
 * so a worker that the system does not run at the moment (another
 * process on its core) delays the op by at most the part it holds, not by
 * a fixed share: the caller takes the parts it leaves. A run splits op
 * after op, a few tens of microseconds apart: a worker that found no part
 * left looks for the next job for up to POOL_SPIN_NS before it sleeps on
 * a condition variable, and the caller looks for the last part's end as
 * long before it sleeps (a futex wake-up each way per op costs more than
 * many ops take). Idle, nobody spins longer than that: a program between
 * runs costs no CPU.
 *
 * gen, claim, done, stop, sleepers and waiter are sequentially consistent
 * atomics: a worker counts itself in @sleepers before it looks at @gen a
 * last time and sleeps, the caller bumps @gen and then (a full fence
 * between) looks at @sleepers, so one of the two sees the other; the
 * worker that finishes a job's last part reads @waiter under @mu, which
 * the caller holds when it sets it and looks at @done a last time before
 * it sleeps (pool_take_parts()). @claim holds the job number (its low 32 bits), the job's
 * number of parts and the next part to take: a part is taken by one
 * compare-and-swap, which fails once the caller has moved on to another
 * job. fn, ctx and n are written before @claim and @gen name the job, and
 * read only by whoever took one of its parts: the caller does not write
 * them again before every part is done.
 */
#define POOL_SPIN_NS 100000
#define POOL_PARTS_PER_THREAD 4

struct exec_pool {
	unsigned int threads;		/* the caller included */
	pthread_t *tid;			/* [threads - 1] */
	pthread_mutex_t mu;		/* sleeping and waking only */
	pthread_cond_t work, done_cv;
	_Atomic uint64_t gen;		/* job number, bumped per job */
	_Atomic uint64_t claim;		/* pool_claim(): job, parts, next part */
	_Atomic uint32_t done;		/* parts of the job finished */
	_Atomic int stop;
	_Atomic unsigned int sleepers;	/* workers asleep on @work, or about to be */
	_Atomic int waiter;		/* the caller sleeps on @done_cv */
	void (*fn)(void *ctx, uint32_t begin, uint32_t end);
	void *ctx;
	uint32_t n;
	atomic_flag busy;		/* a run is using the pool */
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/* Spin until @pool's job number is not @old (or it stops), at most POOL_SPIN_NS; the number seen. */
static uint64_t spin_gen(struct exec_pool *pool, uint64_t old)
{
	uint64_t t0 = 0, g;
	unsigned int i;

	for (i = 0;; i++) {
		g = atomic_load(&pool->gen);
		if (g != old || atomic_load(&pool->stop))
			return g;
		cpu_relax();
		if (!(i & 63)) {
			uint64_t t = now_ns();

			if (!t0)
				t0 = t;
			else if (t - t0 > POOL_SPIN_NS)
				return g;
		}
	}
}

/* @claim: the job's number, its number of parts and the next part to take. */
static inline uint64_t pool_claim(uint64_t gen, uint32_t chunks, uint32_t next)
{
	return (uint64_t)(uint32_t)gen << 32 | (uint64_t)chunks << 16 | next;
}

/* Take and run parts of job @gen until none is left (or another job came). */
static void pool_take_parts(struct exec_pool *pool, uint64_t gen)
{
	uint64_t s = atomic_load(&pool->claim);

	for (;;) {
		uint32_t c = (uint32_t)(s >> 16) & 0xffff, part = (uint32_t)s & 0xffff, n;

		if (s >> 32 != (uint32_t)gen || part >= c)
			return;
		if (!atomic_compare_exchange_weak(&pool->claim, &s, s + 1))
			continue;
		/* part of job @gen is ours: the caller waits for it before the next job */
		n = pool->n;
		pool->fn(pool->ctx, (uint32_t)((uint64_t)part * n / c),
			 (uint32_t)((uint64_t)(part + 1) * n / c));
		if (atomic_fetch_add(&pool->done, 1) + 1 == c) {
			/*
			 * The caller may be on its way to sleep: its flag is
			 * read under the mutex it is set under. Read beside it,
			 * after our count, each side's store could pass its
			 * later load where stores are buffered (qemu-user's
			 * aarch64 on an x86-64 host does not keep STLR before
			 * LDAR), and both sleep: the caller waiting for this
			 * part, we for the next job.
			 */
			pthread_mutex_lock(&pool->mu);
			if (atomic_load(&pool->waiter))
				pthread_cond_signal(&pool->done_cv);
			pthread_mutex_unlock(&pool->mu);
		}
		s = atomic_load(&pool->claim);
	}
}

static void *pool_main(void *arg)
{
	struct exec_pool *pool = arg;
	uint64_t seen = 0;

	for (;;) {
		uint64_t g = spin_gen(pool, seen);

		if (g == seen && !atomic_load(&pool->stop)) {
			pthread_mutex_lock(&pool->mu);
			atomic_fetch_add(&pool->sleepers, 1);
			while ((g = atomic_load(&pool->gen)) == seen && !atomic_load(&pool->stop))
				pthread_cond_wait(&pool->work, &pool->mu);
			atomic_fetch_sub(&pool->sleepers, 1);
			pthread_mutex_unlock(&pool->mu);
		}
		if (atomic_load(&pool->stop))
			break;
		seen = g;
		pool_take_parts(pool, g);
	}
	return NULL;
}

struct exec_pool *exec_pool_new(unsigned int threads)
{
	struct exec_pool *pool;
	unsigned int i;

	if (threads < 2 || threads > 256)
		return NULL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->tid = calloc(threads - 1, sizeof(*pool->tid));
	if (!pool->tid) {
		free(pool);
		return NULL;
	}
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->done_cv, NULL);
	atomic_flag_clear(&pool->busy);
	pool->threads = 1;
	for (i = 0; i < threads - 1; i++) {
		if (pthread_create(&pool->tid[i], NULL, pool_main, pool))
			break;
		pool->threads++;
	}
	if (pool->threads < 2) {
		exec_pool_free(pool);
		return NULL;
	}
	return pool;
}

void exec_pool_free(struct exec_pool *pool)
{
	unsigned int i;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->mu);
	atomic_store(&pool->stop, 1);
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->mu);
	for (i = 0; i + 1 < pool->threads; i++)
		pthread_join(pool->tid[i], NULL);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->done_cv);
	pthread_mutex_destroy(&pool->mu);
	free(pool->tid);
	free(pool);
}

unsigned int exec_pool_threads(const struct exec_pool *pool)
{
	return pool ? pool->threads : 1;
}

/* The pool of this thread's current run (exec_cpu_run_prof()), or NULL. */
static EXEC_TLS struct exec_pool *run_pool;

static _Atomic uint64_t par_min = 65536;
static _Atomic unsigned long par_splits;

unsigned long exec_cpu_par_splits(void)
{
	return par_splits;
}

void exec_cpu_set_par_min(uint64_t work)
{
	par_min = work;
}

int exec_par_worth(uint64_t work)
{
	return run_pool && work >= par_min;
}

unsigned int exec_par_threads(void)
{
	return exec_pool_threads(run_pool);
}

void exec_par_for(uint32_t n, void (*fn)(void *ctx, uint32_t begin, uint32_t end), void *ctx)
{
	struct exec_pool *pool = run_pool;
	uint32_t c;
	uint64_t g;

	if (!pool || n < 2) {
		if (n)
			fn(ctx, 0, n);
		return;
	}
	c = pool->threads * POOL_PARTS_PER_THREAD;
	if (c > n)
		c = n;
	par_splits++;
	pool->fn = fn;
	pool->ctx = ctx;
	pool->n = n;
	atomic_store(&pool->done, 0);
	g = atomic_load(&pool->gen) + 1;
	atomic_store(&pool->claim, pool_claim(g, c, 0));
	atomic_store(&pool->gen, g);
	/*
	 * the job's number before the sleepers are counted, against a worker
	 * that counts itself and then reads the number (pool_main()): a full
	 * fence, not only the seq_cst store and load (qemu-user, above)
	 */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&pool->sleepers)) {
		pthread_mutex_lock(&pool->mu);
		pthread_cond_broadcast(&pool->work);
		pthread_mutex_unlock(&pool->mu);
	}
	pool_take_parts(pool, g);
	/* parts the workers still run: spin a while, then sleep */
	{
		uint64_t t0 = now_ns();
		unsigned int i;

		for (i = 1; atomic_load(&pool->done) != c; i++) {
			cpu_relax();
			if (!(i & 63) && now_ns() - t0 > POOL_SPIN_NS)
				break;
		}
	}
	if (atomic_load(&pool->done) != c) {
		pthread_mutex_lock(&pool->mu);
		atomic_store(&pool->waiter, 1);
		while (atomic_load(&pool->done) != c)
			pthread_cond_wait(&pool->done_cv, &pool->mu);
		atomic_store(&pool->waiter, 0);
		pthread_mutex_unlock(&pool->mu);
	}
}

int exec_cpu_run(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		 int reference, unsigned int *failed_op)
{
	return exec_cpu_run_prep(prog, size, slots, n_slots, reference, NULL, failed_op);
}

/* One run of exec_cpu_run_prep(): what its per-op hook needs. */
struct cpu_run {
	void *const *prep;
	int opt;
	struct exec_cpu_prof *prof;
};

static void prof_add(struct exec_cpu_prof *prof, unsigned int i, uint64_t t0, int k)
{
	struct exec_cpu_prof_op *p = &prof->op[i];

	p->ns += now_ns() - t0;
	p->runs++;
	p->kset = k;
}

/*
 * cpu_run_op() timed: the op on an optimized kernel or, when none takes it, on the reference kernel here
 * (what ek_exec_program() would do next) so that its time counts too.
 */
static int cpu_run_op_prof(struct cpu_run *r, const struct ek_op *o, unsigned int i)
{
	struct exec_cpu_prof *prof = r->prof;
	uint64_t t0;
	int ret;

	t0 = now_ns();
	ran_kset = EXEC_KSET_REFERENCE;
	ret = r->opt ? exec_opt_run(o, r->prep ? (const struct exec_opt_prep *)r->prep[i] : NULL) :
		       EK_EXEC_NOT_HANDLED;
	if (ret == EK_EXEC_NOT_HANDLED) {
		ran_kset = EXEC_KSET_REFERENCE;
		ret = ek_run_op(o);
	}
	if (i < prof->n_ops)
		prof_add(prof, i, t0, ran_kset);
	return ret;
}

/* Op @i on an optimized kernel if one takes it. */
static int cpu_run_op(void *ctx, const struct ek_op *o, unsigned int i)
{
	struct cpu_run *r = ctx;

	if (r->prof)
		return cpu_run_op_prof(r, o, i);
	if (!r->opt)
		return EK_EXEC_NOT_HANDLED;
	return exec_opt_run(o, r->prep ? (const struct exec_opt_prep *)r->prep[i] : NULL);
}

int exec_cpu_run_prep(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		      int reference, void *const *prep, unsigned int *failed_op)
{
	return exec_cpu_run_prof(prog, size, slots, n_slots, reference, prep, NULL, NULL,
				 failed_op);
}

int exec_cpu_run_prof(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		      int reference, void *const *prep, struct exec_cpu_prof *prof,
		      struct exec_pool *pool, unsigned int *failed_op)
{
	return exec_cpu_run_bound(prog, size, slots, n_slots, reference, prep, prof, pool, NULL, 0,
				  NULL, failed_op);
}

void exec_cpu_resolved_fini(struct exec_cpu_resolved *keep)
{
	free(keep->ops);
	free(keep->slots);
	free(keep->bind);
	*keep = (struct exec_cpu_resolved){ 0 };
}

/* Whether @keep holds @prog's ops resolved at these slots and bindings. */
static int resolved_at(const struct exec_cpu_resolved *keep, const void *prog, size_t size,
		       void *const *slots, unsigned int n_slots, const struct ek_bind *bind,
		       unsigned int n_bind)
{
	unsigned int i;

	if (!keep->ops || keep->prog != prog || keep->size != size ||
	    keep->n_slots != n_slots || keep->n_bind != n_bind)
		return 0;
	/* a few of each: a loop, not a call */
	for (i = 0; i < n_slots; i++)
		if (keep->slots[i] != slots[i])
			return 0;
	for (i = 0; i < n_bind; i++)
		if (keep->bind[i].tensor != bind[i].tensor || keep->bind[i].slot != bind[i].slot ||
		    keep->bind[i].offset != bind[i].offset)
			return 0;
	return 1;
}

/*
 * Resolve @prog's ops into @keep at @hooks' bindings: 0, or nonzero with
 * @keep empty (the caller runs the program the usual way, which reports
 * what failed).
 */
static int resolve_into(struct exec_cpu_resolved *keep, const void *prog, size_t size,
			void *const *slots, unsigned int n_slots,
			const struct ek_exec_hooks *hooks)
{
	const struct edgeai_prog_header *h = prog;

	exec_cpu_resolved_fini(keep);
	if (ek_prog_check(prog, size))
		return -EINVAL;
	keep->ops = calloc(h->op_count ? h->op_count : 1, sizeof(*keep->ops));
	keep->slots = calloc(n_slots ? n_slots : 1, sizeof(*keep->slots));
	keep->bind = calloc(hooks->n_bind ? hooks->n_bind : 1, sizeof(*keep->bind));
	if (!keep->ops || !keep->slots || !keep->bind ||
	    ek_exec_resolve(prog, size, slots, n_slots, hooks, keep->ops, NULL)) {
		exec_cpu_resolved_fini(keep);
		return -EINVAL;
	}
	memcpy(keep->slots, slots, n_slots * sizeof(*slots));
	if (hooks->n_bind)
		memcpy(keep->bind, hooks->bind, hooks->n_bind * sizeof(*hooks->bind));
	keep->prog = prog;
	keep->size = size;
	keep->n_ops = h->op_count;
	keep->n_slots = n_slots;
	keep->n_bind = hooks->n_bind;
	return 0;
}

int exec_cpu_run_bound(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		       int reference, void *const *prep, struct exec_cpu_prof *prof,
		       struct exec_pool *pool, const struct ek_bind *bind, unsigned int n_bind,
		       struct exec_cpu_resolved *keep, unsigned int *failed_op)
{
	struct cpu_run r = { .prep = prep, .prof = prof,
			     .opt = !reference && exec_opt_level() != EXEC_KSET_REFERENCE };
	const struct ek_exec_hooks hooks = { .run_op = cpu_run_op, .ctx = &r, .bind = bind,
					     .n_bind = n_bind };
	struct exec_pool *outer = run_pool;
	int ret, own = 0;

	/* the pool, unless another run has it (that run keeps it; this one runs alone) */
	if (pool && r.opt && !outer && !atomic_flag_test_and_set(&pool->busy)) {
		run_pool = pool;
		own = 1;
	}
	if (keep && (resolved_at(keep, prog, size, slots, n_slots, bind, n_bind) ||
		     !resolve_into(keep, prog, size, slots, n_slots, &hooks)))
		ret = ek_exec_resolved(keep->ops, keep->n_ops, &hooks, failed_op);
	else
		ret = ek_exec_program(prog, size, slots, n_slots, &hooks, failed_op);
	if (own) {
		run_pool = outer;
		atomic_flag_clear(&pool->busy);
	}

	if (ret == EK_EXEC_BAD_PROGRAM && *failed_op == EK_NO_OP)
		return -EINVAL;
	return ret ? -EIO : 0;
}

const char *exec_cpu_prof_kernels(int k)
{
	if (k < 0 || k >= (int)(sizeof(kset_names) / sizeof(kset_names[0])))
		return "";
	return kset_names[k];
}

EDGEAI_PUBLIC const char *edgeai_program_op_name(uint32_t opcode)
{
	static const char *const names[EDGEAI_OP_COUNT] = {
		[EDGEAI_OP_CONV_2D] = "CONV_2D",
		[EDGEAI_OP_DEPTHWISE_CONV_2D] = "DEPTHWISE_CONV_2D",
		[EDGEAI_OP_FULLY_CONNECTED] = "FULLY_CONNECTED",
		[EDGEAI_OP_ADD] = "ADD",
		[EDGEAI_OP_SUB] = "SUB",
		[EDGEAI_OP_MUL] = "MUL",
		[EDGEAI_OP_MAXIMUM] = "MAXIMUM",
		[EDGEAI_OP_MINIMUM] = "MINIMUM",
		[EDGEAI_OP_AVERAGE_POOL_2D] = "AVERAGE_POOL_2D",
		[EDGEAI_OP_MAX_POOL_2D] = "MAX_POOL_2D",
		[EDGEAI_OP_MEAN] = "MEAN",
		[EDGEAI_OP_SOFTMAX] = "SOFTMAX",
		[EDGEAI_OP_LOGISTIC] = "LOGISTIC",
		[EDGEAI_OP_TANH] = "TANH",
		[EDGEAI_OP_HARD_SWISH] = "HARD_SWISH",
		[EDGEAI_OP_RELU] = "RELU",
		[EDGEAI_OP_RELU6] = "RELU6",
		[EDGEAI_OP_LEAKY_RELU] = "LEAKY_RELU",
		[EDGEAI_OP_PRELU] = "PRELU",
		[EDGEAI_OP_PAD] = "PAD",
		[EDGEAI_OP_CONCATENATION] = "CONCATENATION",
		[EDGEAI_OP_RESHAPE] = "RESHAPE",
		[EDGEAI_OP_RESIZE_BILINEAR] = "RESIZE_BILINEAR",
		[EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR] = "RESIZE_NEAREST_NEIGHBOR",
		[EDGEAI_OP_QUANTIZE] = "QUANTIZE",
		[EDGEAI_OP_STRIDED_SLICE] = "STRIDED_SLICE",
		[EDGEAI_OP_TRANSPOSE] = "TRANSPOSE",
		[EDGEAI_OP_DEPTH_TO_SPACE] = "DEPTH_TO_SPACE",
		[EDGEAI_OP_SPACE_TO_DEPTH] = "SPACE_TO_DEPTH",
		[EDGEAI_OP_TRANSPOSE_CONV] = "TRANSPOSE_CONV",
		[EDGEAI_OP_ARG_MAX] = "ARG_MAX",
		[EDGEAI_OP_TABLE] = "TABLE",
		[EDGEAI_OP_SQUARED_DIFFERENCE] = "SQUARED_DIFFERENCE",
		[EDGEAI_OP_L2_NORMALIZATION] = "L2_NORMALIZATION",
		[EDGEAI_OP_BATCH_MATMUL] = "BATCH_MATMUL",
	};

	return opcode < EDGEAI_OP_COUNT ? names[opcode] : NULL;
}
