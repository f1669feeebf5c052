// SPDX-License-Identifier: MIT
/*
 * DEPTH_TO_SPACE and SPACE_TO_DEPTH between two ops are lowered by the
 * compiler to RESHAPE, TRANSPOSE, RESHAPE (compile.c, c_block_lowered()),
 * data movement the NPU takes, so that the op does not cut an NPU run into
 * three device jobs; at the graph's edge they stay one op.
 *
 * Each model is int8 (or uint8) x -> RESHAPE -> op -> RESHAPE -> y (the
 * RESHAPEs keep the shape: they only put the op between two others), or
 * the op alone. It is compiled for the CPU and run with the default and
 * with the reference kernels; y must equal the op's definition computed
 * here, element by element (TFLite's depth_to_space / space_to_depth:
 * out[n, h * b + i, w * b + j, c] = in[n, h, w, (i * b + j) * C + c]), and
 * the program must have the ops the lowering makes (3 for the op between
 * two others, 1 at the edge). Shapes: blocks 2 and 3, batches 1 to 3,
 * channel counts 1, 3 and odd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drm/edgeai_program.h"
#include "ktap.h"
#include "test-tflite-build.h"

struct block_case {
	int32_t code;		/* TFL_OP_DEPTH_TO_SPACE or TFL_OP_SPACE_TO_DEPTH */
	int n, h, w, c, b;	/* the input's shape and the block */
	uint8_t type;		/* TFL_INT8 or TFL_UINT8 */
	int between;		/* between two RESHAPEs (lowered) or alone */
};

static void quantized(struct edgeai_model *m, int32_t t)
{
	struct model_tensor *mt = &m->t[t];

	mt->q.n = 1;
	mt->q.scale = malloc(sizeof(float));
	mt->q.zero_point = malloc(sizeof(int64_t));
	mt->q.scale[0] = 0.05f;
	mt->q.zero_point[0] = mt->type == TFL_UINT8 ? 128 : -3;
}

static void out_shape(const struct block_case *k, int32_t o[4])
{
	if (k->code == TFL_OP_DEPTH_TO_SPACE) {
		o[0] = k->n;
		o[1] = k->h * k->b;
		o[2] = k->w * k->b;
		o[3] = k->c / (k->b * k->b);
	} else {
		o[0] = k->n;
		o[1] = k->h / k->b;
		o[2] = k->w / k->b;
		o[3] = k->c * k->b * k->b;
	}
}

static struct edgeai_model *build(const struct block_case *k)
{
	struct edgeai_model *m = tb_new();
	int32_t is[4] = { k->n, k->h, k->w, k->c }, os[4], x, a, b, y, t;
	struct model_op *op;

	out_shape(k, os);
	x = tb_tensor(m, "x", k->type, 4, is, NULL, 0);
	a = k->between ? tb_tensor(m, "a", k->type, 4, is, NULL, 0) : x;
	b = tb_tensor(m, k->between ? "b" : "y", k->type, 4, os, NULL, 0);
	y = k->between ? tb_tensor(m, "y", k->type, 4, os, NULL, 0) : b;
	for (t = 0; t < (int32_t)m->n_tensors; t++)
		quantized(m, t);
	if (k->between)
		tb_op(m, TFL_OP_RESHAPE, 1, &x, 1, &a);
	op = tb_op(m, k->code, 1, &a, 1, &b);
	op->o.block_size = k->b;
	if (k->between)
		tb_op(m, TFL_OP_RESHAPE, 1, &b, 1, &y);
	tb_io(m, 1, &x, 1, &y);
	return m;
}

/* The op by its definition: the wide tensor's element from the deep one. */
static void expect(const struct block_case *k, const uint8_t *in, uint8_t *out)
{
	int d2s = k->code == TFL_OP_DEPTH_TO_SPACE, b = k->b;
	int32_t os[4], wide[4], deep[4];
	int n, y, x, c;

	out_shape(k, os);
	memcpy(wide, d2s ? os : (int32_t[4]){ k->n, k->h, k->w, k->c }, sizeof(wide));
	memcpy(deep, d2s ? (int32_t[4]){ k->n, k->h, k->w, k->c } : os, sizeof(deep));
	for (n = 0; n < wide[0]; n++)
		for (y = 0; y < wide[1]; y++)
			for (x = 0; x < wide[2]; x++)
				for (c = 0; c < wide[3]; c++) {
					size_t wi = (((size_t)n * wide[1] + y) * wide[2] + x) *
						    wide[3] + c;
					size_t di = (((size_t)n * deep[1] + y / b) * deep[2] +
						     x / b) * deep[3] +
						    (size_t)((y % b) * b + x % b) * wide[3] + c;

					if (d2s)
						out[wi] = in[di];
					else
						out[di] = in[wi];
				}
}

/* Compiles @m for the CPU (reference kernels or not) and runs it; program ops in *ops. */
static int run(const struct edgeai_model *m, int reference, const uint8_t *in, size_t size,
	       uint8_t *out, uint32_t *ops)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY,
					    .flags = EDGEAI_COMPILE_NO_CACHE };
	struct edgeai_program *p = NULL;
	const void *ins[1] = { in }, *blob = NULL;
	void *outs[1] = { out };
	size_t bsize = 0, osize = size;
	uint64_t arena = 0;
	char err[256] = "";
	int r;

	if (reference)
		o.cpu_flags = EDGEAI_CPU_REFERENCE;
	r = edgeai_model_compile(m, &o, &p, err, sizeof(err));
	if (r) {
		ktap_diag("compile: %d %s", r, err);
		return r;
	}
	r = edgeai_program_get_blob(p, &blob, &bsize, &arena);
	if (!r)
		*ops = ((const struct edgeai_prog_header *)blob)->op_count;
	if (!r)
		r = edgeai_program_run(p, ins, &size, 1, outs, &osize, 1);
	edgeai_program_unref(p);
	return r;
}

int main(void)
{
	static const struct block_case cases[] = {
		{ TFL_OP_DEPTH_TO_SPACE, 1, 6, 5, 8, 2, TFL_INT8, 1 },
		{ TFL_OP_DEPTH_TO_SPACE, 2, 3, 4, 27, 3, TFL_INT8, 1 },
		{ TFL_OP_DEPTH_TO_SPACE, 3, 5, 7, 4, 2, TFL_UINT8, 1 },
		{ TFL_OP_DEPTH_TO_SPACE, 1, 4, 4, 36, 2, TFL_INT8, 1 },
		{ TFL_OP_SPACE_TO_DEPTH, 1, 8, 6, 3, 2, TFL_INT8, 1 },
		{ TFL_OP_SPACE_TO_DEPTH, 2, 9, 6, 5, 3, TFL_UINT8, 1 },
		{ TFL_OP_SPACE_TO_DEPTH, 3, 4, 10, 1, 2, TFL_INT8, 1 },
		{ TFL_OP_DEPTH_TO_SPACE, 1, 6, 5, 8, 2, TFL_INT8, 0 },
		{ TFL_OP_SPACE_TO_DEPTH, 2, 9, 6, 5, 3, TFL_INT8, 0 },
	};
	size_t i, j;

	ktap_start();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct block_case *k = &cases[i];
		size_t size = (size_t)k->n * k->h * k->w * k->c;
		uint8_t *in = malloc(size), *want = malloc(size), *got = malloc(size);
		struct edgeai_model *m = build(k);
		uint32_t ops = 0, want_ops = k->between ? 2 + 3 : 1;
		int ref, r;

		for (j = 0; j < size; j++)
			in[j] = (uint8_t)(j * 131 + i * 7 + 5);
		expect(k, in, want);
		for (ref = 0; ref < 2; ref++) {
			memset(got, 0xa5, size);
			r = run(m, ref, in, size, got, &ops);
			ktap_ok(r == 0 && ops == want_ops && !memcmp(got, want, size),
				"%s [%d, %d, %d, %d] block %d %s, %s%s kernels: %u program ops (%u), %s",
				k->code == TFL_OP_DEPTH_TO_SPACE ? "DEPTH_TO_SPACE" :
				"SPACE_TO_DEPTH", k->n, k->h, k->w, k->c, k->b,
				k->type == TFL_UINT8 ? "uint8" : "int8",
				k->between ? "between two ops (lowered), " : "alone, ",
				ref ? "reference" : "default", ops, want_ops,
				r ? "failed" : memcmp(got, want, size) ? "bytes differ" :
				"bytes equal");
		}
		edgeai_model_unref(m);
		free(in);
		free(want);
		free(got);
	}
	return ktap_finish();
}
