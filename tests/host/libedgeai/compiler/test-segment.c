// SPDX-License-Identifier: MIT
/*
 * Segments of a program (compiler/segment.c, cc_sub_blob()): the small CNN
 * of test-tflite-build.h, quantized and compiled, cut at every op into two
 * segments. Each segment holds only the constants its ops read (the
 * weights of a model cut into many segments must not be copied into each),
 * passes the op library's program check, and the two segments run one
 * after the other on one arena give the bytes of the whole program; with
 * an op range of no constant at all, the segment still checks. Then the
 * one-op segments the placement probes drivers with, of a model whose
 * first constant is a MUL's scalar (one byte at offset 0): every constant
 * tensor of each lies inside its constant region, as the kernel's
 * validator requires (a 1-byte region once left the unused biases
 * outside it, and drivers refused the MUL).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/place.h"
#include "drm/edgeai_program.h"
#include "exec/cpu.h"
#include "ktap.h"
#include "ops.h"
#include "test-tflite-build.h"

/* Run @blob on a copy of @arena0 (@size bytes) into @arena. */
static int run(const void *blob, size_t size, uint8_t *arena)
{
	void *slots[1] = { arena };
	unsigned int failed = 0;

	return exec_cpu_run(blob, size, slots, 1, 1, &failed);
}

/* x [1, 4, 4, 3] times the scalar 0.5, then a 1x1 CONV_2D to 2 channels, quantized */
static struct edgeai_model *scalar_first(void)
{
	struct edgeai_quant_options o = { .size = sizeof(o), .io = EDGEAI_QUANT_IO_INT8,
					  .n_samples = 4, .seed = 3 };
	static const float half = 0.5f, w[6] = { 0.5f, -0.25f, 0.75f, -0.5f, 0.25f, 1.0f };
	static const float b[2] = { 0.1f, -0.2f };
	struct edgeai_model *m = tb_new(), *q = NULL;
	struct edgeai_quant_report rep;
	struct model_op *op;
	char err[256] = "";
	int32_t x, s, y, wt, bt, z;

	x = tb_tensor(m, "x", TFL_FLOAT32, 4, (int32_t[4]){ 1, 4, 4, 3 }, NULL, 0);
	s = tb_tensor(m, "half", TFL_FLOAT32, 0, (int32_t[1]){ 0 }, &half, sizeof(half));
	y = tb_tensor(m, "y", TFL_FLOAT32, 4, (int32_t[4]){ 1, 4, 4, 3 }, NULL, 0);
	wt = tb_tensor(m, "w", TFL_FLOAT32, 4, (int32_t[4]){ 2, 1, 1, 3 }, w, sizeof(w));
	bt = tb_tensor(m, "b", TFL_FLOAT32, 1, (int32_t[1]){ 2 }, b, sizeof(b));
	z = tb_tensor(m, "z", TFL_FLOAT32, 4, (int32_t[4]){ 1, 4, 4, 2 }, NULL, 0);
	tb_op(m, TFL_OP_MUL, 2, (int32_t[]){ x, s }, 1, &y);
	op = tb_op(m, TFL_OP_CONV_2D, 3, (int32_t[]){ y, wt, bt }, 1, &z);
	op->o.type = TFL_OPT_CONV2D;
	op->o.padding = TFL_PAD_VALID;
	tb_io(m, 1, &x, 1, &z);
	if (edgeai_quantize(m, &o, &q, &rep, err, sizeof(err)) < 0)
		ktap_diag("quantize: %s", err);
	edgeai_model_unref(m);
	return q;
}

/* Every constant tensor of @blob inside its constant region (the validator's rule). */
static int consts_inside(const void *blob)
{
	const struct edgeai_prog_header *h = blob;
	const struct edgeai_prog_tensor *t = (const void *)((const uint8_t *)blob + h->tensor_offset);
	uint32_t i;

	for (i = 0; i < h->tensor_count; i++) {
		uint64_t bytes = (uint64_t)t[i].dims[0] * t[i].dims[1] * t[i].dims[2] * t[i].dims[3] *
				 (t[i].dtype == EDGEAI_DTYPE_INT64 ? 8 :
				  t[i].dtype == EDGEAI_DTYPE_INT32 ? 4 :
				  t[i].dtype == EDGEAI_DTYPE_INT16 ? 2 : 1);

		if (t[i].slot == EDGEAI_PROG_SLOT_CONST && t[i].offset + bytes > h->const_size)
			return 0;
	}
	return 1;
}

/* The one-op segments of @q, as the placement probes drivers with them. */
static void probe_segments(struct edgeai_model *q)
{
	struct cc_compiled *c = NULL;
	char err[256] = "";
	uint32_t i, bad = 0, n = 0;

	ktap_ok(q && cc_compile(q, &c, err, sizeof(err)) == 0,
		"compile the scalar MUL and CONV_2D model %s", err);
	if (!c)
		return;
	for (i = 0; i < c->n_ops; i++) {
		uint32_t first = c->place[i].prog_op, end = i + 1 < c->n_ops ?
			c->place[i + 1].prog_op : ((const struct edgeai_prog_header *)c->blob)->op_count;
		size_t size = 0;
		void *b;

		if (end <= first)
			continue;
		b = cc_sub_blob(c, first, end - first, &size);
		n++;
		if (!b || !consts_inside(b) || ek_prog_check(b, size)) {
			ktap_diag("model op %u: a constant outside the segment's region", i);
			bad++;
		}
		free(b);
	}
	ktap_ok(n == 2 && !bad, "%u one-op segments: every constant tensor inside the region (%u not)",
		n, bad);
	cc_compiled_free(c);
}

int main(void)
{
	struct edgeai_model *q;
	struct cc_compiled *c = NULL;
	const struct edgeai_prog_header *h;
	uint8_t *in, *whole, *split;
	char err[256] = "";
	uint32_t n, k, i;
	int all_ok = 1, smaller = 0;

	ktap_start();
	q = tb_small_cnn_int8(7);
	ktap_ok(q && cc_compile(q, &c, err, sizeof(err)) == 0, "compile the quantized small CNN %s", err);
	if (!c)
		return ktap_finish();
	h = c->blob;
	n = h->op_count;
	ktap_ok(n >= 3 && h->const_size > 0, "%u program ops, %u bytes of constants", n, h->const_size);
	in = calloc(1, c->arena_size);
	whole = calloc(1, c->arena_size);
	split = calloc(1, c->arena_size);
	for (i = 0; i < c->in[0].size; i++)
		in[c->in[0].offset + i] = (uint8_t)(i * 7 + 3);
	memcpy(whole, in, c->arena_size);
	ktap_ok(run(c->blob, c->size, whole) == 0, "the whole program runs");
	for (k = 1; k < n; k++) {
		size_t s1 = 0, s2 = 0;
		void *a = cc_sub_blob(c, 0, k, &s1), *b = cc_sub_blob(c, k, n - k, &s2);
		const struct edgeai_prog_header *ha = a, *hb = b;
		int ok;

		memcpy(split, in, c->arena_size);
		ok = a && b && ek_prog_check(a, s1) == 0 && ek_prog_check(b, s2) == 0 &&
		     run(a, s1, split) == 0 && run(b, s2, split) == 0 &&
		     !memcmp(split + c->out[0].offset, whole + c->out[0].offset, c->out[0].size) &&
		     ha->const_size <= h->const_size && hb->const_size <= h->const_size;
		if (!ok)
			ktap_diag("cut at op %u: constants %u + %u of %u", k, a ? ha->const_size : 0,
				  b ? hb->const_size : 0, h->const_size);
		all_ok &= ok;
		/* the weights of the ops before the cut stay out of the second segment */
		smaller += b && hb->const_size < h->const_size;
		free(a);
		free(b);
	}
	ktap_ok(all_ok, "cut at each of %u ops: both segments check, and run in turn to the whole program's bytes",
		n - 1);
	ktap_ok(smaller == (int)(n - 1),
		"every second segment holds fewer constant bytes than the whole program (%d of %u)",
		smaller, n - 1);
	free(in);
	free(whole);
	free(split);
	cc_compiled_free(c);
	edgeai_model_unref(q);
	q = scalar_first();
	probe_segments(q);
	edgeai_model_unref(q);
	return ktap_finish();
}
