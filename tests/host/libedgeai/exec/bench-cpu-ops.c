// SPDX-License-Identifier: MIT
/*
 * Not a test (no timing is asserted anywhere): the per-op survey of
 * issue 17. Builds single ops of realistic shapes (ek_op records, as the
 * program walk resolves them) and times each on the reference kernels,
 * then with the AVX2 and the VNNI kernel sets forced
 * (exec_cpu_set_kernels(), weights laid out ahead by exec_opt_prepare()
 * as compiled programs run), one thread: the median of 7 timed batches
 * of runs of about 20 ms each. Each line says which set really ran the op
 * ("ref": every set declined it) and flags any output byte that differs
 * from the reference's. An argument keeps only the cases whose tag
 * contains it (dwm: depthwise with depth multiplier > 1, dw1, conv, fc,
 * soft, lut, slice, tr, rs, bin).
 *
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Ilibedgeai/include -Ilibedgeai/src -Iuapi \
 *      -Ifirmware/ops -o build/bench-cpu-ops tests/host/libedgeai/exec/bench-cpu-ops.c \
 *      build/libedgeai/libedgeai.a $(pkg-config --libs libdrm libudev liburing) -lm -lpthread
 *   taskset -c 1 build/bench-cpu-ops [TAG]
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler/compile.h"
#include "exec/cpu.h"
#include "exec/cpu-opt.h"
#include "drm/edgeai_program.h"
#include "ops.h"

static uint64_t rs = 1234567;
static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static struct edgeai_prog_op rec;
static uint8_t consts[1 << 22];
static uint32_t nk;
static struct ek_op O;

static uint32_t kalloc(uint32_t n)
{
	uint32_t o = (nk + 63) & ~63U;
	nk = o + n;
	return o;
}

static void tens(struct ek_tensor *t, uint32_t dt, int32_t zp, uint32_t n, uint32_t h, uint32_t w,
		 uint32_t c, int fill)
{
	size_t sz, i;
	t->dtype = dt;
	t->zp = zp;
	t->d[0] = n;
	t->d[1] = h;
	t->d[2] = w;
	t->d[3] = c;
	sz = (size_t)n * h * w * c * (dt == EDGEAI_DTYPE_INT32 ? 4 : 1);
	t->data = aligned_alloc(64, (sz + 63) & ~(size_t)63);
	if (fill)
		for (i = 0; i < sz; i++)
			((uint8_t *)t->data)[i] = (uint8_t)rnd(256);
}

static void reset(uint32_t opcode)
{
	unsigned i;
	for (i = 0; i < 3; i++)
		free(O.in[i].data);
	free(O.out.data);
	memset(&O, 0, sizeof(O));
	memset(&rec, 0, sizeof(rec));
	rec.opcode = opcode;
	nk = 0;
	O.op = &rec;
	O.consts = consts;
	O.const_size = sizeof(consts);
}

/* DEPTHWISE / CONV */
static void conv(int dw, int u8, uint32_t h, uint32_t w, uint32_t ic, uint32_t oc, uint32_t k,
		 uint32_t s, uint32_t dil)
{
	struct edgeai_prog_conv_params *p = (void *)rec.params;
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, oh = (h + s - 1) / s,
		 ow = (w + s - 1) / s, i, ek = (k - 1) * dil + 1;
	reset(dw ? EDGEAI_OP_DEPTHWISE_CONV_2D : EDGEAI_OP_CONV_2D);
	p->stride_h = p->stride_w = s;
	p->dilation_h = p->dilation_w = dil;
	p->pad_top = ((oh - 1) * s + ek > h) ? ((oh - 1) * s + ek - h) / 2 : 0;
	p->pad_left = ((ow - 1) * s + ek > w) ? ((ow - 1) * s + ek - w) / 2 : 0;
	p->depth_multiplier = dw ? oc / ic : 1;
	p->act_min = u8 ? 0 : -128;
	p->act_max = u8 ? 255 : 127;
	tens(&O.in[0], dt, u8 ? 120 : -3, 1, h, w, ic, 1);
	if (dw)
		tens(&O.in[1], dt, u8 ? 130 : 0, 1, k, k, oc, 1);
	else
		tens(&O.in[1], dt, u8 ? 130 : 0, oc, k, k, ic, 1);
	if (!u8)
		for (i = 0; i < (dw ? 1 : oc) * k * k * (dw ? oc : ic); i++)
			if (((int8_t *)O.in[1].data)[i] == -128)
				((int8_t *)O.in[1].data)[i] = 0;
	tens(&O.in[2], EDGEAI_DTYPE_INT32, 0, 1, 1, 1, oc, 0);
	for (i = 0; i < oc; i++)
		((int32_t *)O.in[2].data)[i] = (int32_t)rnd(20000) - 10000;
	O.n_in = 3;
	tens(&O.out, dt, u8 ? 128 : 5, 1, oh, ow, oc, 0);
	if (u8) {
		cc_quantize_multiplier(0.0007, &p->out_multiplier, &p->out_shift);
		p->qmul_offset = EDGEAI_PROG_NO_CONST;
	} else {
		struct edgeai_prog_qmul *q;
		p->qmul_offset = kalloc(8 * oc);
		q = (void *)(consts + p->qmul_offset);
		for (i = 0; i < oc; i++)
			cc_quantize_multiplier(0.0003 + rnd(100) * 1e-5, &q[i].multiplier,
					       &q[i].shift);
	}
}

static void fc(int u8, uint32_t b, uint32_t ic, uint32_t oc)
{
	struct edgeai_prog_fc_params *p = (void *)rec.params;
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, i;
	reset(EDGEAI_OP_FULLY_CONNECTED);
	tens(&O.in[0], dt, u8 ? 120 : -3, 1, 1, b, ic, 1);
	tens(&O.in[1], dt, u8 ? 130 : 0, 1, 1, oc, ic, 1);
	if (!u8)
		for (i = 0; i < oc * ic; i++)
			if (((int8_t *)O.in[1].data)[i] == -128)
				((int8_t *)O.in[1].data)[i] = 0;
	tens(&O.in[2], EDGEAI_DTYPE_INT32, 0, 1, 1, 1, oc, 0);
	memset(O.in[2].data, 0, 4 * oc);
	O.n_in = 3;
	tens(&O.out, dt, 3, 1, 1, b, oc, 0);
	p->act_min = u8 ? 0 : -128;
	p->act_max = u8 ? 255 : 127;
	cc_quantize_multiplier(0.0007, &p->out_multiplier, &p->out_shift);
}

static void softmax(int u8, uint32_t rows, uint32_t depth)
{
	struct edgeai_prog_softmax_params *p = (void *)rec.params;
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, i;
	float s = 0.1f, so = 1.0f / 256;
	reset(EDGEAI_OP_SOFTMAX);
	p->table_offset = kalloc(1024);
	for (i = 0; i < 256; i++) {
		float v = expf(-s * i);
		memcpy(consts + p->table_offset + 4 * i, &v, 4);
	}
	memcpy(&p->out_scale, &so, 4);
	tens(&O.in[0], dt, 0, 1, 1, rows, depth, 1);
	O.n_in = 1;
	tens(&O.out, dt, u8 ? 0 : -128, 1, 1, rows, depth, 0);
}

static void unary(uint32_t op, int u8, uint32_t h, uint32_t w, uint32_t c)
{
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, i;
	reset(op);
	tens(&O.in[0], dt, 3, 1, h, w, c, 1);
	O.n_in = 1;
	tens(&O.out, dt, 3, 1, h, w, c, 0);
	if (op == EDGEAI_OP_LOGISTIC || op == EDGEAI_OP_TANH) {
		struct edgeai_prog_lut_params *p = (void *)rec.params;
		p->table_offset = kalloc(256);
		for (i = 0; i < 256; i++)
			consts[p->table_offset + i] = (uint8_t)rnd(256);
	}
}

static void slice(int u8, uint32_t h, uint32_t w, uint32_t c, uint32_t c0, uint32_t c1, uint32_t st)
{
	struct edgeai_prog_slice_params *p = (void *)rec.params;
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, i;
	reset(EDGEAI_OP_STRIDED_SLICE);
	tens(&O.in[0], dt, 3, 1, h, w, c, 1);
	O.n_in = 1;
	for (i = 0; i < 4; i++)
		p->stride[i] = 1;
	p->stride[1] = p->stride[2] = (int32_t)st;
	p->begin[3] = c0;
	tens(&O.out, dt, 3, 1, (h + st - 1) / st, (w + st - 1) / st, c1 - c0, 0);
}

static void transpose(uint32_t n, uint32_t h, uint32_t w, uint32_t c, const uint32_t perm[4])
{
	struct edgeai_prog_transpose_params *p = (void *)rec.params;
	uint32_t d[4] = {n, h, w, c};
	reset(EDGEAI_OP_TRANSPOSE);
	tens(&O.in[0], EDGEAI_DTYPE_INT8, 3, n, h, w, c, 1);
	O.n_in = 1;
	memcpy(p->perm, perm, 16);
	tens(&O.out, EDGEAI_DTYPE_INT8, 3, d[perm[0]], d[perm[1]], d[perm[2]], d[perm[3]], 0);
}

static void resize(int u8, uint32_t h, uint32_t w, uint32_t c, uint32_t oh, uint32_t ow)
{
	struct edgeai_prog_resize_params *p = (void *)rec.params;
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8, ax, k;
	reset(EDGEAI_OP_RESIZE_BILINEAR);
	tens(&O.in[0], dt, 3, 1, h, w, c, 1);
	O.n_in = 1;
	tens(&O.out, dt, 3, 1, oh, ow, c, 0);
	p->arith = u8 ? EDGEAI_RESIZE_FLOAT32 : EDGEAI_RESIZE_FIXED10;
	p->y_map_offset = kalloc(oh * 16);
	p->x_map_offset = kalloc(ow * 16);
	for (ax = 0; ax < 2; ax++) {
		uint32_t in = ax ? w : h, on = ax ? ow : oh;
		struct edgeai_prog_interp *m =
			(void *)(consts + (ax ? p->x_map_offset : p->y_map_offset));
		for (k = 0; k < on; k++) {
			float src = ((float)k + 0.5f) * in / on - 0.5f, f;
			if (src < 0)
				src = 0;
			m[k].lo = (uint32_t)src;
			m[k].hi = m[k].lo + 1 < in ? m[k].lo + 1 : m[k].lo;
			f = src - m[k].lo;
			if (u8) {
				float a = 1 - f;
				memcpy(&m[k].w_lo, &a, 4);
				memcpy(&m[k].w_hi, &f, 4);
			} else {
				m[k].w_hi = (uint32_t)(f * 1024);
				m[k].w_lo = 1024 - m[k].w_hi;
			}
		}
	}
}

static void binary(uint32_t op, int u8, uint32_t h, uint32_t w, uint32_t c, int bform)
{
	uint32_t dt = u8 ? EDGEAI_DTYPE_UINT8 : EDGEAI_DTYPE_INT8;
	reset(op);
	tens(&O.in[0], dt, 3, 1, h, w, c, 1);
	if (bform == 0)
		tens(&O.in[1], dt, 7, 1, h, w, c, 1);
	else if (bform == 1)
		tens(&O.in[1], dt, 7, 1, 1, 1, 1, 1);
	else
		tens(&O.in[1], dt, 7, 1, 1, 1, c, 1);
	O.n_in = 2;
	tens(&O.out, dt, 1, 1, h, w, c, 0);
	if (op == EDGEAI_OP_MUL) {
		struct edgeai_prog_mul_params *p = (void *)rec.params;
		cc_quantize_multiplier(0.003, &p->out_multiplier, &p->out_shift);
		p->act_min = u8 ? 0 : -128;
		p->act_max = u8 ? 255 : 127;
	} else if (op == EDGEAI_OP_ADD || op == EDGEAI_OP_SUB) {
		struct edgeai_prog_add_params *p = (void *)rec.params;
		p->left_shift = 20;
		cc_quantize_multiplier(0.4, &p->in0_multiplier, &p->in0_shift);
		cc_quantize_multiplier(0.5, &p->in1_multiplier, &p->in1_shift);
		cc_quantize_multiplier(1.0 / (1 << 20) * 1.3, &p->out_multiplier, &p->out_shift);
		p->act_min = u8 ? 0 : -128;
		p->act_max = u8 ? 255 : 127;
	}
}

static double time_set(const char *set, int *ran_k, uint8_t *ref, int check)
{
	double t[15], best;
	int i, j, reps;
	struct exec_opt_prep *prep;
	size_t osz = ek_count(&O.out);
	unsigned long before[EXEC_KSET_COUNT];
	static const char *nm[] = {"reference", "avx2", "vnni"};

	if (exec_cpu_set_kernels(set))
		return -1;
	prep = strcmp(set, "reference") ? exec_opt_prepare(&O) : NULL;
	for (j = 0; j < 3; j++)
		before[j] = exec_cpu_kernels_ops(nm[j]);
	/* calibrate */
	{
		double t0 = now();
		if (strcmp(set, "reference") == 0 || exec_opt_run(&O, prep) == EXEC_OPT_NOT_HANDLED)
			ek_run_op(&O);
		t0 = now() - t0;
		reps = t0 > 0.02 ? 1 : (int)(0.02 / (t0 + 1e-7)) + 1;
	}
	*ran_k = -1;
	for (j = 0; j < 3; j++)
		if (exec_cpu_kernels_ops(nm[j]) != before[j])
			*ran_k = j;
	if (check && ref && memcmp(ref, O.out.data, osz))
		printf("  !!! %s differs from reference\n", set);
	for (i = 0; i < 7; i++) {
		double t0 = now();
		for (j = 0; j < reps; j++)
			if (strcmp(set, "reference") == 0 ||
			    exec_opt_run(&O, prep) == EXEC_OPT_NOT_HANDLED)
				ek_run_op(&O);
		t[i] = (now() - t0) / reps;
	}
	exec_opt_prepare_free(prep);
	/* median */
	for (i = 0; i < 7; i++)
		for (j = i + 1; j < 7; j++)
			if (t[j] < t[i]) {
				best = t[i];
				t[i] = t[j];
				t[j] = best;
			}
	return t[3] * 1e6;
}

static void run(const char *name)
{
	static uint8_t ref[1 << 24];
	size_t osz = ek_count(&O.out);
	int k1, k2, k3;
	double tr, ta, tv;
	static const char *nm[] = {"ref", "avx2", "vnni"};

	tr = time_set("reference", &k1, NULL, 0);
	memcpy(ref, O.out.data, osz);
	ta = time_set("avx2", &k2, ref, 1);
	tv = time_set("vnni", &k3, ref, 1);
	printf("%-58s ref %10.1f us | avx2 %10.1f us (%s) | vnni %10.1f us (%s) | ref/best "
	       "%6.1fx\n",
	       name, tr, ta, k2 >= 0 ? nm[k2] : "?", tv, k3 >= 0 ? nm[k3] : "?", tr / tv);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : "";
	static const uint32_t p0312[4] = {0, 3, 1, 2}, p0213[4] = {0, 2, 1, 3};

#define CASE(tag, name, build)                                                                     \
	if (!*only || strstr(tag, only)) {                                                         \
		build;                                                                             \
		run(name);                                                                         \
	}
	CASE("dwm", "DW dm8 int8 124x129x1->8 3x3 s1", conv(1, 0, 124, 129, 1, 8, 3, 1, 1));
	CASE("dwm", "DW dm32 int8 49x40x1->32 3x3 s1", conv(1, 0, 49, 40, 1, 32, 3, 1, 1));
	CASE("dwm", "DW dm16 int8 96x64x1->16 5x5 s2", conv(1, 0, 96, 64, 1, 16, 5, 2, 1));
	CASE("dwm", "DW dm2 int8 112x112x32->64 3x3 s1", conv(1, 0, 112, 112, 32, 64, 3, 1, 1));
	CASE("dwm", "DW dm4 int8 56x56x3->12 3x3 s2", conv(1, 0, 56, 56, 3, 12, 3, 2, 1));
	CASE("dwm", "DW dm8 uint8 124x129x1->8 3x3 s1", conv(1, 1, 124, 129, 1, 8, 3, 1, 1));
	CASE("dw1", "DW dm1 int8 112x112x64 3x3 s1", conv(1, 0, 112, 112, 64, 64, 3, 1, 1));
	CASE("dw1", "DW dm1 int8 124x129x8 3x3 s1", conv(1, 0, 124, 129, 8, 8, 3, 1, 1));
	CASE("dw1", "DW dm1 int8 112x112x32 3x3 s1", conv(1, 0, 112, 112, 32, 32, 3, 1, 1));
	CASE("dw1", "DW dm1 int8 56x56x128 3x3 s1 dil2", conv(1, 0, 56, 56, 128, 128, 3, 1, 2));
	CASE("dw1", "DW dm1 uint8 112x112x32 3x3 s1", conv(1, 1, 112, 112, 32, 32, 3, 1, 1));
	CASE("conv", "CONV int8 56x56x64->128 3x3", conv(0, 0, 56, 56, 64, 128, 3, 1, 1));
	CASE("conv", "CONV uint8 56x56x64->128 3x3", conv(0, 1, 56, 56, 64, 128, 3, 1, 1));
	CASE("conv", "CONV int8 56x56x128->128 1x1", conv(0, 0, 56, 56, 128, 128, 1, 1, 1));
	CASE("conv", "CONV uint8 56x56x128->128 1x1", conv(0, 1, 56, 56, 128, 128, 1, 1, 1));
	CASE("conv", "CONV int8 28x28x64->64 3x3 dil2", conv(0, 0, 28, 28, 64, 64, 3, 1, 2));
	CASE("conv", "CONV uint8 224x224x3->32 3x3 s2", conv(0, 1, 224, 224, 3, 32, 3, 2, 1));
	/* BlazeFace-sized 1x1 convolutions: few input and output channels */
	CASE("conv", "CONV int8 96x96x32->24 1x1", conv(0, 0, 96, 96, 32, 24, 1, 1, 1));
	CASE("conv", "CONV int8 24x24x64->88 1x1", conv(0, 0, 24, 24, 64, 88, 1, 1, 1));
	CASE("fc", "FC int8 1x1024->1001", fc(0, 1, 1024, 1001));
	CASE("fc", "FC uint8 1x1024->1001", fc(1, 1, 1024, 1001));
	CASE("fc", "FC int8 49x256->256 (batch rows)", fc(0, 49, 256, 256));
	CASE("fc", "FC uint8 49x256->256 (batch rows)", fc(1, 49, 256, 256));
	CASE("soft", "SOFTMAX int8 1x1001", softmax(0, 1, 1001));
	CASE("soft", "SOFTMAX int8 1917x91", softmax(0, 1917, 91));
	CASE("soft", "SOFTMAX uint8 1917x91", softmax(1, 1917, 91));
	CASE("soft", "SOFTMAX int8 65536x2 (segmentation)", softmax(0, 65536, 2));
	CASE("lut", "LOGISTIC int8 256x256x1", unary(EDGEAI_OP_LOGISTIC, 0, 256, 256, 1));
	CASE("lut", "TANH int8 1x1x1x2048", unary(EDGEAI_OP_TANH, 0, 1, 1, 2048));
	CASE("slice", "STRIDED_SLICE int8 56x56x64 ch 0..32", slice(0, 56, 56, 64, 0, 32, 1));
	CASE("slice", "STRIDED_SLICE int8 112x112x32 s2", slice(0, 112, 112, 32, 0, 32, 2));
	CASE("tr", "TRANSPOSE int8 1x32x32x64 perm 0312", transpose(1, 32, 32, 64, p0312));
	CASE("tr", "TRANSPOSE int8 1x32x32x64 perm 0213", transpose(1, 32, 32, 64, p0213));
	CASE("tr", "TRANSPOSE int8 1x1917x91x1->0312", transpose(1, 1, 1917, 91, p0312));
	CASE("rs", "RESIZE_BILINEAR int8 64x64x21->256x256", resize(0, 64, 64, 21, 256, 256));
	CASE("rs", "RESIZE_BILINEAR uint8 64x64x21->256x256", resize(1, 64, 64, 21, 256, 256));
	CASE("rs", "RESIZE_BILINEAR uint8 33x33x256->65x65", resize(1, 33, 33, 256, 65, 65));
	CASE("bin", "MUL int8 56x56x64 * scalar", binary(EDGEAI_OP_MUL, 0, 56, 56, 64, 1));
	CASE("bin", "MUL int8 56x56x64 * [C]", binary(EDGEAI_OP_MUL, 0, 56, 56, 64, 2));
	CASE("bin", "MUL int8 56x56x64 same", binary(EDGEAI_OP_MUL, 0, 56, 56, 64, 0));
	CASE("bin", "ADD int8 56x56x64 + scalar", binary(EDGEAI_OP_ADD, 0, 56, 56, 64, 1));
	CASE("bin", "ADD int8 56x56x64 + [C]", binary(EDGEAI_OP_ADD, 0, 56, 56, 64, 2));
	CASE("bin", "ADD uint8 56x56x64 same", binary(EDGEAI_OP_ADD, 1, 56, 56, 64, 0));
	CASE("bin", "ADD int8 56x56x64 same", binary(EDGEAI_OP_ADD, 0, 56, 56, 64, 0));
	CASE("bin", "MAXIMUM int8 56x56x64 scalar", binary(EDGEAI_OP_MAXIMUM, 0, 56, 56, 64, 1));
	CASE("bin", "MAXIMUM int8 56x56x64 same", binary(EDGEAI_OP_MAXIMUM, 0, 56, 56, 64, 0));
	return 0;
}
