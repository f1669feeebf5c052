// SPDX-License-Identifier: MIT
/*
 * The data-movement ops the compiler lowers to STRIDED_SLICE,
 * CONCATENATION, PAD and RESHAPE (compile.c: c_slices(), c_pack(),
 * c_pad(), concat_pt()), at their edges: a CONCATENATION of more inputs
 * than a program op takes (chained), SPLIT_V with a -1 size, PADV2 of a
 * value other than the zero point on every axis, UNPACK on the last axis
 * (RESHAPE views), a RESHAPE whose new shape SHAPE, STRIDED_SLICE and PACK
 * compute (Keras on a dynamic batch: those compile to nothing). Each int8
 * (or uint8) model is compiled for the CPU and
 * run with the default and the reference kernels; its outputs must equal
 * the op's definition computed here. Then malformed ops: each is refused
 * at compile time with a message that names what is wrong (a
 * reduction over axes with a hole among them included), and the table
 * ops TFLite runs in int8 only (ELU, ABS, RSQRT) given uint8, and RSQRT
 * and SQUARED_DIFFERENCE rescales TFLite cannot make, and
 * L2_NORMALIZATION with another output quantization or an activation, and
 * a table op or L2_NORMALIZATION whose output is not its input's shape,
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND whose block, paddings, crops
 * or output do not fit the input, TILE and BROADCAST_TO whose
 * multiples or shape do not, an int8 CONCATENATION of inputs of another
 * quantization than its output's (TFLite rescales only uint8), and a
 * CONV_2D whose bias is not one int32 per output channel,
 * BATCH_MATMULs TFLite refuses or runs in float only, and an ADD or SUB
 * whose output scale TFLite's rescale cannot reach (it aborts). And ADD,
 * SUB and MUL of a tensor and a one-element constant: one TABLE op, the
 * bytes of the op with its constant at the tensor's shape.
 * (tests/models/shape_ops.py runs all of them in one model against the
 * oracle: tests/host/test-random-graphs.sh.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drm/edgeai_program.h"
#include "ktap.h"
#include "test-tflite-build.h"

#define MAX_IO 12

/* The shape of a scalar (rank 0): tb_tensor() copies none of it. */
static const int32_t scalar[1];

static void quantized(struct edgeai_model *m, int32_t t, float scale, int64_t zp)
{
	struct model_tensor *mt = &m->t[t];

	free(mt->q.scale);
	free(mt->q.zero_point);
	mt->q.n = 1;
	mt->q.scale = malloc(sizeof(float));
	mt->q.zero_point = malloc(sizeof(int64_t));
	mt->q.scale[0] = scale;
	mt->q.zero_point[0] = zp;
}

/* Every 8-bit tensor of @m at scale 0.05, zero point @zp. */
static void quantize_all(struct edgeai_model *m, int64_t zp)
{
	uint32_t t;

	for (t = 0; t < m->n_tensors; t++)
		if (m->t[t].type == TFL_INT8 || m->t[t].type == TFL_UINT8)
			quantized(m, (int32_t)t, 0.05f, zp);
}

static int32_t i32s(struct edgeai_model *m, const char *name, int n, const int32_t *v)
{
	int32_t s[1] = { n };

	return tb_tensor(m, name, TFL_INT32, 1, s, v, sizeof(*v) * (size_t)n);
}

static size_t elems(const struct edgeai_model *m, int32_t t)
{
	size_t n = 1;
	uint32_t k;

	for (k = 0; k < m->t[t].rank; k++)
		n *= (size_t)m->t[t].shape[k];
	return n;
}

/*
 * Compiles @m for the CPU (reference kernels or not) and runs it on @in;
 * outputs into @outs. Returns the error, with the compiler's message in @err.
 */
static int run(const struct edgeai_model *m, int reference, const uint8_t *in, uint8_t **outs,
	       char *err, size_t errsz)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY,
					    .flags = EDGEAI_COMPILE_NO_CACHE };
	struct edgeai_program *p = NULL;
	const void *ins[1] = { in };
	void *o_ptr[MAX_IO];
	size_t isize = elems(m, m->in[0]), osize[MAX_IO];
	uint32_t k;
	int r;

	if (reference)
		o.cpu_flags = EDGEAI_CPU_REFERENCE;
	err[0] = 0;
	r = edgeai_model_compile(m, &o, &p, err, errsz);
	if (r)
		return r;
	for (k = 0; k < m->n_out; k++) {
		o_ptr[k] = outs[k];
		osize[k] = elems(m, m->out[k]);
	}
	r = edgeai_program_run(p, ins, &isize, 1, o_ptr, osize, m->n_out);
	edgeai_program_unref(p);
	return r;
}

/* Runs @m both ways against @want[k] (the outputs' definitions). */
static void check(const char *what, struct edgeai_model *m, const uint8_t *in, uint8_t **want)
{
	uint8_t *got[MAX_IO];
	char err[256];
	uint32_t k;
	int ref, r, same;

	for (ref = 0; ref < 2; ref++) {
		for (k = 0; k < m->n_out; k++) {
			got[k] = malloc(elems(m, m->out[k]));
			memset(got[k], 0xa5, elems(m, m->out[k]));
		}
		r = run(m, ref, in, got, err, sizeof(err));
		for (k = 0, same = 1; k < m->n_out; k++)
			same &= !memcmp(got[k], want[k], elems(m, m->out[k]));
		ktap_ok(!r && same, "%s, %s kernels: %s", what, ref ? "reference" : "default",
			r ? err : same ? "outputs equal the definition" : "bytes differ");
		for (k = 0; k < m->n_out; k++)
			free(got[k]);
	}
}

/* Compiling @m fails with -EOPNOTSUPP and a message containing @msg. */
static void refused(const char *what, struct edgeai_model *m, const char *msg)
{
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY,
					    .flags = EDGEAI_COMPILE_NO_CACHE };
	struct edgeai_program *p = NULL;
	char err[256] = "";
	int r = edgeai_model_compile(m, &o, &p, err, sizeof(err));

	ktap_ok(r == -EOPNOTSUPP && strstr(err, msg), "%s: refused (%d): %s", what, r, err);
	edgeai_program_unref(p);
	edgeai_model_unref(m);
}

/* CONCATENATION of 11 [1, 2, 3, k + 1] tensors on the channels: two program ops. */
static void concat_many(void)
{
	struct edgeai_model *m = tb_new();
	int32_t x, ins[11], y, s[4] = { 1, 2, 3, 1 }, total = 0, k, i, off;
	uint8_t *in, *want[1];
	struct model_op *op;
	size_t n = 0;

	x = tb_tensor(m, "x", TFL_INT8, 4, (int32_t[4]){ 1, 2, 3, 66 }, NULL, 0);
	for (k = 0; k < 11; k++) {
		s[3] = k + 1;
		total += k + 1;
		ins[k] = tb_tensor(m, "piece", TFL_INT8, 4, s, NULL, 0);
	}
	s[3] = total;
	y = tb_tensor(m, "y", TFL_INT8, 4, s, NULL, 0);
	/* the pieces: SPLIT_V of x into 1, 2, ..., 11 channels */
	{
		int32_t sizes[11], axis = 3, ti[3];

		for (k = 0; k < 11; k++)
			sizes[k] = k == 4 ? -1 : k + 1;
		ti[0] = x;
		ti[1] = i32s(m, "sizes", 11, sizes);
		ti[2] = tb_tensor(m, "axis", TFL_INT32, 0, scalar, &axis, 4);
		tb_op(m, TFL_OP_SPLIT_V, 3, ti, 11, ins);
	}
	/* concatenated in reverse order */
	{
		int32_t rev[11];

		for (k = 0; k < 11; k++)
			rev[k] = ins[10 - k];
		op = tb_op(m, TFL_OP_CONCATENATION, 11, rev, 1, &y);
		op->o.axis = -1;
	}
	tb_io(m, 1, &x, 1, &y);
	quantize_all(m, -3);
	in = malloc(6 * 66);
	want[0] = malloc(6 * 66);
	for (i = 0; i < 6 * 66; i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (i = 0; i < 6; i++)
		for (k = 10; k >= 0; k--) {
			off = k * (k + 1) / 2;	/* piece k's first channel in x */
			memcpy(want[0] + n, in + i * 66 + off, (size_t)k + 1);
			n += (size_t)k + 1;
		}
	check("SPLIT_V into 11 (one size -1), CONCATENATION of 11 (two program ops)", m, in,
	      want);
	edgeai_model_unref(m);
	free(in);
	free(want[0]);
}

/* PADV2 of a uint8 [2, 3, 4] with 7 (zero point 128) on every axis. */
static void padv2_all_axes(void)
{
	struct edgeai_model *m = tb_new();
	int32_t pads[6] = { 1, 0, 0, 2, 2, 1 }, x, y, ti[3];
	uint8_t v = 7, *in, *want[1];
	int a, b, c;

	x = tb_tensor(m, "x", TFL_UINT8, 3, (int32_t[3]){ 2, 3, 4 }, NULL, 0);
	y = tb_tensor(m, "y", TFL_UINT8, 3, (int32_t[3]){ 3, 5, 7 }, NULL, 0);
	ti[0] = x;
	ti[1] = tb_tensor(m, "pads", TFL_INT32, 2, (int32_t[2]){ 3, 2 }, pads, sizeof(pads));
	ti[2] = tb_tensor(m, "value", TFL_UINT8, 0, scalar, &v, 1);
	tb_op(m, TFL_OP_PADV2, 3, ti, 1, &y);
	tb_io(m, 1, &x, 1, &y);
	quantize_all(m, 128);
	in = malloc(24);
	want[0] = malloc(3 * 5 * 7);
	for (a = 0; a < 24; a++)
		in[a] = (uint8_t)(a * 11 + 200);
	memset(want[0], v, 3 * 5 * 7);
	for (a = 0; a < 2; a++)
		for (b = 0; b < 3; b++)
			for (c = 0; c < 4; c++)
				want[0][((a + 1) * 5 + b) * 7 + c + 2] = in[(a * 3 + b) * 4 + c];
	check("PADV2 of uint8 [2, 3, 4] by 1 0, 0 2, 2 1 with 7 (zero point 128)", m, in, want);
	edgeai_model_unref(m);
	free(in);
	free(want[0]);
}

/* UNPACK of [2, 3, 4] on the last axis: four [2, 3] outputs. */
static void unpack_last(void)
{
	struct edgeai_model *m = tb_new();
	int32_t x, outs[4], k, i;
	uint8_t in[24], *want[4];
	struct model_op *op;

	x = tb_tensor(m, "x", TFL_INT8, 3, (int32_t[3]){ 2, 3, 4 }, NULL, 0);
	for (k = 0; k < 4; k++)
		outs[k] = tb_tensor(m, "y", TFL_INT8, 2, (int32_t[2]){ 2, 3 }, NULL, 0);
	op = tb_op(m, TFL_OP_UNPACK, 1, &x, 4, outs);
	op->o.axis = -1;
	op->o.num = 4;
	tb_io(m, 1, &x, 4, outs);
	quantize_all(m, 5);
	for (i = 0; i < 24; i++)
		in[i] = (uint8_t)(i * 29 + 3);
	for (k = 0; k < 4; k++) {
		want[k] = malloc(6);
		for (i = 0; i < 6; i++)
			want[k][i] = in[i * 4 + k];
	}
	check("UNPACK of [2, 3, 4] on axis -1 into four [2, 3]", m, in, want);
	for (k = 0; k < 4; k++)
		free(want[k]);
	edgeai_model_unref(m);
}

/*
 * Keras's Reshape on a dynamic batch: SHAPE, STRIDED_SLICE (the batch),
 * PACK with 40, RESHAPE of x [1, 4, 10] to [1, 40] by that shape. The
 * compiler takes the shape from the output tensor: the three int32 ops
 * compile to nothing. With @shape_out the SHAPE's output is also a graph
 * output, which the program cannot compute: refused.
 */
static struct edgeai_model *dynamic_reshape(int shape_out)
{
	struct edgeai_model *m = tb_new();
	int32_t x, sh, b, pk, y, ti[4], outs[2], forty = 40;
	struct model_op *op;

	x = tb_tensor(m, "x", TFL_INT8, 3, (int32_t[3]){ 1, 4, 10 }, NULL, 0);
	sh = tb_tensor(m, "shape", TFL_INT32, 1, (int32_t[1]){ 3 }, NULL, 0);
	tb_op(m, TFL_OP_SHAPE, 1, &x, 1, &sh);
	b = tb_tensor(m, "batch", TFL_INT32, 0, scalar, NULL, 0);
	ti[0] = sh;
	ti[1] = i32s(m, "begin", 1, (int32_t[1]){ 0 });
	ti[2] = i32s(m, "end", 1, (int32_t[1]){ 1 });
	ti[3] = i32s(m, "strides", 1, (int32_t[1]){ 1 });
	op = tb_op(m, TFL_OP_STRIDED_SLICE, 4, ti, 1, &b);
	op->o.shrink_axis_mask = 1;
	pk = tb_tensor(m, "new_shape", TFL_INT32, 1, (int32_t[1]){ 2 }, NULL, 0);
	ti[0] = b;
	ti[1] = tb_tensor(m, "forty", TFL_INT32, 0, scalar, &forty, 4);
	op = tb_op(m, TFL_OP_PACK, 2, ti, 1, &pk);
	op->o.num = 2;
	op->o.axis = 0;
	y = tb_tensor(m, "y", TFL_INT8, 2, (int32_t[2]){ 1, 40 }, NULL, 0);
	ti[0] = x;
	ti[1] = pk;
	tb_op(m, TFL_OP_RESHAPE, 2, ti, 1, &y);
	outs[0] = y;
	outs[1] = sh;
	tb_io(m, 1, &x, shape_out ? 2 : 1, outs);
	quantize_all(m, -3);
	return m;
}

static void shape_chain(void)
{
	struct edgeai_model *m = dynamic_reshape(0);
	uint8_t in[40], *want[1] = { in };
	int i;

	for (i = 0; i < 40; i++)
		in[i] = (uint8_t)(i * 37 + 11);
	check("RESHAPE to [1, 40] by SHAPE, STRIDED_SLICE, PACK (Keras, dynamic batch)", m, in,
	      want);
	edgeai_model_unref(m);
	refused("that SHAPE's output also a graph output", dynamic_reshape(1),
		"only as a RESHAPE's new shape");
}

/* A model with x, int8 [1, 4, 10]; outputs and ops added by the caller. */
static struct edgeai_model *with_x(int32_t *x)
{
	struct edgeai_model *m = tb_new();

	*x = tb_tensor(m, "x", TFL_INT8, 3, (int32_t[3]){ 1, 4, 10 }, NULL, 0);
	return m;
}

/* @n outputs of shape @os (rank @rank) into @outs; the model's output list. */
static void outputs(struct edgeai_model *m, int32_t x, int n, int rank, const int32_t *os,
		    int32_t *outs)
{
	int k;

	for (k = 0; k < n; k++)
		outs[k] = tb_tensor(m, "y", TFL_INT8, rank, os, NULL, 0);
	tb_io(m, 1, &x, n, outs);
}

static void malformed(void)
{
	int32_t x, ti[3], outs[4], ax, s3[3] = { 3, 3, 3 };
	struct edgeai_model *m;
	struct model_op *op;
	int8_t v = 0;

	m = with_x(&x);
	ax = 2;
	ti[0] = tb_tensor(m, "axis", TFL_INT32, 0, scalar, &ax, 4);
	ti[1] = x;
	outputs(m, x, 3, 3, (int32_t[3]){ 1, 4, 3 }, outs);
	tb_op(m, TFL_OP_SPLIT, 2, ti, 3, outs);
	quantize_all(m, 0);
	refused("SPLIT of 10 columns into 3", m, "does not split evenly");

	m = with_x(&x);
	ax = 3;
	ti[0] = tb_tensor(m, "axis", TFL_INT32, 0, scalar, &ax, 4);
	ti[1] = x;
	outputs(m, x, 2, 3, (int32_t[3]){ 1, 4, 5 }, outs);
	tb_op(m, TFL_OP_SPLIT, 2, ti, 2, outs);
	quantize_all(m, 0);
	refused("SPLIT on axis 3 of a rank-3 tensor", m, "axis out of range");

	m = with_x(&x);
	ax = -1;
	ti[0] = x;
	ti[1] = i32s(m, "sizes", 3, s3);
	ti[2] = tb_tensor(m, "axis", TFL_INT32, 0, scalar, &ax, 4);
	outputs(m, x, 3, 3, (int32_t[3]){ 1, 4, 3 }, outs);
	tb_op(m, TFL_OP_SPLIT_V, 3, ti, 3, outs);
	quantize_all(m, 0);
	refused("SPLIT_V of 10 columns into 3, 3, 3", m, "do not add up");

	m = with_x(&x);
	ti[0] = x;
	ti[1] = i32s(m, "begin", 3, (int32_t[3]){ 0, 0, 8 });
	ti[2] = i32s(m, "size", 3, (int32_t[3]){ 1, 4, 3 });
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 4, 3 }, outs);
	tb_op(m, TFL_OP_SLICE, 3, ti, 1, outs);
	quantize_all(m, 0);
	refused("SLICE of columns 8..10 of 10", m, "outside the input");

	m = with_x(&x);
	outputs(m, x, 3, 2, (int32_t[2]){ 1, 10 }, outs);
	op = tb_op(m, TFL_OP_UNPACK, 1, &x, 3, outs);
	op->o.axis = 1;
	op->o.num = 3;
	quantize_all(m, 0);
	refused("UNPACK of an axis of 4 into 3 outputs", m, "do not match the axis");

	m = with_x(&x);
	ti[0] = x;
	ti[1] = tb_tensor(m, "x2", TFL_INT8, 3, (int32_t[3]){ 1, 4, 9 }, NULL, 0);
	outputs(m, x, 1, 4, (int32_t[4]){ 2, 1, 4, 10 }, outs);
	tb_op(m, TFL_OP_PACK, 2, ti, 1, outs);
	quantize_all(m, 0);
	refused("PACK of [1, 4, 10] and [1, 4, 9]", m, "inputs of different shapes");

	m = with_x(&x);
	ti[0] = x;
	ti[1] = tb_tensor(m, "pads", TFL_INT32, 2, (int32_t[2]){ 3, 2 },
			  (int32_t[6]){ 0, 0, 1, 1, 0, 0 }, 24);
	ti[2] = tb_tensor(m, "value", TFL_INT8, 0, scalar, &v, 1);
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 6, 10 }, outs);
	tb_op(m, TFL_OP_PADV2, 3, ti, 1, outs);
	quantize_all(m, 0);
	quantized(m, ti[2], 0.1f, 0);
	refused("PADV2 with a value of another scale", m, "quantization is not the output's");

	/* a hole of size 1 is no hole: axis 0 of [1, 4, 10] is one */
	m = tb_new();
	x = tb_tensor(m, "x", TFL_INT8, 3, (int32_t[3]){ 2, 4, 10 }, NULL, 0);
	ti[0] = x;
	ti[1] = i32s(m, "axes", 2, (int32_t[2]){ 0, 2 });
	outputs(m, x, 1, 1, (int32_t[1]){ 4 }, outs);
	tb_op(m, TFL_OP_REDUCE_MAX, 2, ti, 1, outs);
	quantize_all(m, 0);
	refused("REDUCE_MAX over axes 0 and 2 of [2, 4, 10]", m, "not next to each other");

	/* TFLite 2.9 adds the stored values in 8 bits, wrapping, zero points and all */
	m = with_x(&x);
	ti[0] = x;
	ti[1] = i32s(m, "axes", 1, (int32_t[1]){ 2 });
	outputs(m, x, 1, 2, (int32_t[2]){ 1, 4 }, outs);
	tb_op(m, TFL_OP_SUM, 2, ti, 1, outs);
	quantize_all(m, 0);
	refused("SUM with equal input and output quantization", m,
		"equal input and output quantization");

	m = with_x(&x);
	ti[0] = x;
	ti[1] = tb_tensor(m, "pads", TFL_INT32, 2, (int32_t[2]){ 3, 2 },
			  (int32_t[6]){ 0, 0, 4, 0, 0, 0 }, 24);
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 8, 10 }, outs);
	op = tb_op(m, TFL_OP_MIRROR_PAD, 2, ti, 1, outs);
	op->o.mirror_mode = 0;
	quantize_all(m, 0);
	refused("MIRROR_PAD REFLECT of 4 rows before an axis of 4", m,
		"a padding longer than the axis allows");

	m = with_x(&x);
	ti[0] = x;
	ti[1] = i32s(m, "indices", 2, (int32_t[2]){ 3, 10 });
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 4, 2 }, outs);
	op = tb_op(m, TFL_OP_GATHER, 2, ti, 1, outs);
	op->o.axis = 2;
	quantize_all(m, 0);
	refused("GATHER of column 10 of 10", m, "an index outside the axis");

	/* an int64 index 2^32 + 3 is not index 3 */
	m = with_x(&x);
	ti[0] = x;
	ti[1] = tb_tensor(m, "indices", TFL_INT64, 1, (int32_t[1]){ 2 },
			  (int64_t[2]){ 1, (int64_t)1 << 32 | 3 }, 2 * sizeof(int64_t));
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 4, 2 }, outs);
	op = tb_op(m, TFL_OP_GATHER, 2, ti, 1, outs);
	op->o.axis = 2;
	quantize_all(m, 0);
	refused("GATHER of int64 index 2^32 + 3", m, "an index outside the axis");

	m = with_x(&x);
	ti[0] = x;
	ti[1] = i32s(m, "axis", 1, (int32_t[1]){ 3 });
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 4, 10 }, outs);
	tb_op(m, TFL_OP_REVERSE_V2, 2, ti, 1, outs);
	quantize_all(m, 0);
	refused("REVERSE_V2 of axis 3 of a rank-3 tensor", m, "axis out of range");

	m = with_x(&x);
	ti[0] = x;
	ti[1] = i32s(m, "axes", 2, (int32_t[2]){ 1, 2 });
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 4, 10 }, outs);
	tb_op(m, TFL_OP_REVERSE_V2, 2, ti, 1, outs);
	quantize_all(m, 0);
	refused("REVERSE_V2 of axes 1 and 2", m, "TFLite 2.9 reverses only the first");

	/* rank 5: RESHAPE and TRANSPOSE take it, when 4 axes do the move */
	m = tb_new();
	x = tb_tensor(m, "x5", TFL_INT8, 5, (int32_t[5]){ 2, 3, 2, 3, 2 }, NULL, 0);
	ti[0] = x;
	ti[1] = tb_tensor(m, "perm", TFL_INT32, 1, (int32_t[1]){ 5 },
			  (int32_t[5]){ 4, 3, 2, 1, 0 }, 20);
	outputs(m, x, 1, 5, (int32_t[5]){ 2, 3, 2, 3, 2 }, outs);
	tb_op(m, TFL_OP_TRANSPOSE, 2, ti, 1, outs);
	quantize_all(m, 0);
	refused("TRANSPOSE 4 3 2 1 0 of rank 5", m, "more than 4 axes");

	m = tb_new();
	x = tb_tensor(m, "x5", TFL_INT8, 5, (int32_t[5]){ 2, 3, 2, 3, 2 }, NULL, 0);
	ti[0] = ti[1] = x;
	outputs(m, x, 1, 5, (int32_t[5]){ 2, 3, 2, 3, 2 }, outs);
	tb_op(m, TFL_OP_ADD, 2, ti, 1, outs);
	quantize_all(m, 0);
	refused("ADD of rank 5", m, "rank above 4");

	/* SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND of x as [N 1, H 4, C 10] */
	static const struct {
		const char *what, *msg;
		int32_t code, block, p0, p1, os[3];
		int block_const;
	} sb[] = {
		{ "SPACE_TO_BATCH_ND of 4 rows by a block of 3", "not a multiple of its block",
		  TFL_OP_SPACE_TO_BATCH_ND, 3, 0, 0, { 3, 1, 10 }, 1 },
		{ "SPACE_TO_BATCH_ND into [2, 3, 10]", "does not match the block",
		  TFL_OP_SPACE_TO_BATCH_ND, 2, 0, 0, { 2, 3, 10 }, 1 },
		{ "SPACE_TO_BATCH_ND with a negative padding", "negative padding",
		  TFL_OP_SPACE_TO_BATCH_ND, 2, -2, 0, { 2, 1, 10 }, 1 },
		{ "SPACE_TO_BATCH_ND by a block computed in the graph", "must be constants",
		  TFL_OP_SPACE_TO_BATCH_ND, 2, 0, 0, { 2, 2, 10 }, 0 },
		{ "BATCH_TO_SPACE_ND of a batch of 1 by a block of 2",
		  "batch that is not a multiple of the block",
		  TFL_OP_BATCH_TO_SPACE_ND, 2, 0, 0, { 1, 8, 10 }, 1 },
		{ "BATCH_TO_SPACE_ND cropping 4 of 4 rows", "crops that leave nothing",
		  TFL_OP_BATCH_TO_SPACE_ND, 1, 2, 2, { 1, 1, 10 }, 1 },
	};
	for (unsigned int i = 0; i < sizeof(sb) / sizeof(sb[0]); i++) {
		m = with_x(&x);
		ti[0] = x;
		ti[1] = sb[i].block_const ? i32s(m, "block", 1, &sb[i].block) :
			tb_tensor(m, "block", TFL_INT32, 1, (int32_t[1]){ 1 }, NULL, 0);
		ti[2] = tb_tensor(m, "pads", TFL_INT32, 2, (int32_t[2]){ 1, 2 },
				  (int32_t[2]){ sb[i].p0, sb[i].p1 }, 8);
		outputs(m, x, 1, 3, sb[i].os, outs);
		tb_op(m, sb[i].code, 3, ti, 1, outs);
		quantize_all(m, 0);
		refused(sb[i].what, m, sb[i].msg);
	}

	/* a bias of 3 values for 4 output channels */
	{
		static const int8_t w8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		static const int32_t b3[3] = { 1, 2, 3 };
		int32_t x4;

		m = tb_new();
		x4 = tb_tensor(m, "x", TFL_INT8, 4, (int32_t[4]){ 1, 3, 3, 2 }, NULL, 0);
		ti[0] = x4;
		ti[1] = tb_tensor(m, "w", TFL_INT8, 4, (int32_t[4]){ 4, 1, 1, 2 }, w8, 8);
		ti[2] = tb_tensor(m, "b", TFL_INT32, 1, (int32_t[1]){ 3 }, b3, 12);
		outs[0] = tb_tensor(m, "y", TFL_INT8, 4, (int32_t[4]){ 1, 3, 3, 4 }, NULL, 0);
		op = tb_op(m, TFL_OP_CONV_2D, 3, ti, 1, outs);
		op->o.stride_h = op->o.stride_w = 1;
		op->o.padding = TFL_PAD_VALID;
		tb_io(m, 1, &x4, 1, outs);
		quantize_all(m, 0);
		refused("CONV_2D of 4 channels with a bias of 3", m, "the bias is not");
	}

	/* TFLite's int8 CONCATENATION refuses inputs of another quantization */
	m = with_x(&x);
	ti[0] = x;
	ti[1] = tb_tensor(m, "x2", TFL_INT8, 3, (int32_t[3]){ 1, 4, 10 }, NULL, 0);
	outputs(m, x, 1, 3, (int32_t[3]){ 1, 8, 10 }, outs);
	op = tb_op(m, TFL_OP_CONCATENATION, 2, ti, 1, outs);
	op->o.axis = 1;
	quantize_all(m, 0);
	quantized(m, ti[1], 0.1f, 3);
	refused("int8 CONCATENATION of an input of another scale", m, "TFLite rescales only uint8");

	/* TILE and BROADCAST_TO of x [1, 4, 10] */
	static const struct {
		const char *what, *msg;
		int32_t code, n, v[3], os[3];
		int v_const;
	} tl[] = {
		{ "TILE by 1 2", "multiples that do not match the rank",
		  TFL_OP_TILE, 2, { 1, 2 }, { 1, 8, 10 }, 1 },
		{ "TILE by 1 0 1", "a multiple below 1", TFL_OP_TILE, 3, { 1, 0, 1 },
		  { 1, 4, 10 }, 1 },
		{ "TILE by 1 2 1 into [1, 4, 20]", "the output's shape does not match",
		  TFL_OP_TILE, 3, { 1, 2, 1 }, { 1, 4, 20 }, 1 },
		{ "TILE by multiples computed in the graph", "the multiples must be a constant",
		  TFL_OP_TILE, 3, { 1, 2, 1 }, { 1, 8, 10 }, 0 },
		{ "BROADCAST_TO [1, 4, 20]", "an axis of the input neither 1 nor the shape's",
		  TFL_OP_BROADCAST_TO, 3, { 1, 4, 20 }, { 1, 4, 20 }, 1 },
		{ "BROADCAST_TO [4, 10]", "a shape of a rank other than the output's",
		  TFL_OP_BROADCAST_TO, 2, { 4, 10 }, { 1, 4, 10 }, 1 },
	};
	for (unsigned int i = 0; i < sizeof(tl) / sizeof(tl[0]); i++) {
		m = with_x(&x);
		ti[0] = x;
		ti[1] = tl[i].v_const ? i32s(m, "multiples", tl[i].n, tl[i].v) :
			tb_tensor(m, "multiples", TFL_INT32, 1, &tl[i].n, NULL, 0);
		outputs(m, x, 1, 3, tl[i].os, outs);
		tb_op(m, tl[i].code, 2, ti, 1, outs);
		quantize_all(m, 0);
		refused(tl[i].what, m, tl[i].msg);
	}
}

/* The table ops TFLite runs in int8 only refuse uint8; RSQRT a rescale it cannot make. */
static void tables_refused(void)
{
	static const struct {
		int32_t code;
		const char *name;
	} ops[] = { { TFL_OP_ELU, "ELU" }, { TFL_OP_ABS, "ABS" }, { TFL_OP_RSQRT, "RSQRT" } };
	const int32_t d[4] = { 1, 2, 3, 4 };
	struct edgeai_model *m;
	int32_t x, y, ti[2];
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		m = tb_new();
		x = tb_tensor(m, "x", TFL_UINT8, 4, d, NULL, 0);
		y = tb_tensor(m, "y", TFL_UINT8, 4, d, NULL, 0);
		tb_io(m, 1, &x, 1, &y);
		tb_op(m, ops[i].code, 1, &x, 1, &y);
		quantize_all(m, 128);
		snprintf(what, sizeof(what), "%s of uint8", ops[i].name);
		refused(what, m, "int8 only");
	}
	m = tb_new();
	x = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
	y = tb_tensor(m, "y", TFL_INT8, 4, d, NULL, 0);
	tb_io(m, 1, &x, 1, &y);
	tb_op(m, TFL_OP_RSQRT, 1, &x, 1, &y);
	quantize_all(m, -128);
	quantized(m, y, 1e6f, -128);
	refused("RSQRT to a scale of 1e6", m, "too large for TFLite's rescale");

	m = tb_new();
	x = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
	ti[0] = x;
	ti[1] = tb_tensor(m, "z", TFL_INT8, 4, d, NULL, 0);
	y = tb_tensor(m, "y", TFL_INT8, 4, d, NULL, 0);
	tb_io(m, 2, ti, 1, &y);
	tb_op(m, TFL_OP_SQUARED_DIFFERENCE, 2, ti, 1, &y);
	quantize_all(m, 0);
	quantized(m, y, 1e-7f, 0);
	refused("SQUARED_DIFFERENCE to a scale of 1e-7", m, "a rescale below 1");

	/* ADD and SUB: TFLite aborts on an output ratio 2 max(s1, s2) / (2^20 s_out) >= 1 */
	for (i = 0; i < 2; i++) {
		m = tb_new();
		ti[0] = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
		ti[1] = tb_tensor(m, "z", TFL_INT8, 4, d, NULL, 0);
		y = tb_tensor(m, "y", TFL_INT8, 4, d, NULL, 0);
		tb_io(m, 2, ti, 1, &y);
		tb_op(m, i ? TFL_OP_SUB : TFL_OP_ADD, 2, ti, 1, &y);
		quantize_all(m, 0);
		quantized(m, y, 9e-8f, 0);
		refused(i ? "SUB to a scale of 9e-8" : "ADD to a scale of 9e-8", m,
			"TFLite needs a rescale below 1");
	}

	m = tb_new();
	x = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
	y = tb_tensor(m, "y", TFL_INT8, 4, d, NULL, 0);
	tb_io(m, 1, &x, 1, &y);
	tb_op(m, TFL_OP_L2_NORMALIZATION, 1, &x, 1, &y);
	quantize_all(m, 0);
	refused("L2_NORMALIZATION to a scale of 0.05", m, "other than TFLite's (1/128, 0)");

	m = tb_new();
	x = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
	y = tb_tensor(m, "y", TFL_INT8, 4, d, NULL, 0);
	tb_io(m, 1, &x, 1, &y);
	tb_op(m, TFL_OP_L2_NORMALIZATION, 1, &x, 1, &y)->o.act = TFL_ACT_RELU;
	quantize_all(m, 0);
	quantized(m, y, 1.0f / 128.0f, 0);
	refused("L2_NORMALIZATION with a fused RELU", m, "a fused activation");

	/* an output of another size: refused at compile time, not at run time */
	for (i = 0; i < 2; i++) {
		m = tb_new();
		x = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
		y = tb_tensor(m, "y", TFL_INT8, 4, (int32_t[4]){ 1, 2, 4, 4 }, NULL, 0);
		tb_io(m, 1, &x, 1, &y);
		tb_op(m, i ? TFL_OP_L2_NORMALIZATION : TFL_OP_LOGISTIC, 1, &x, 1, &y);
		quantize_all(m, 0);
		quantized(m, y, 1.0f / 128.0f, 0);
		refused(i ? "L2_NORMALIZATION of [1, 2, 3, 4] into [1, 2, 4, 4]" :
			    "LOGISTIC of [1, 2, 3, 4] into [1, 2, 4, 4]", m,
			i ? "input and output shapes differ" : "input and output sizes differ");
	}
}

/*
 * ADD, SUB, MUL of a tensor and a one-element constant (first or second)
 * compile to one TABLE op, with the bytes of the same op whose constant
 * is spelled out at the tensor's shape (an ADD, SUB or MUL op).
 */
static struct edgeai_model *scalar_op(int32_t code, int first, int full, int8_t k)
{
	const int32_t d[4] = { 1, 4, 8, 8 }, one[1] = { 1 };
	struct edgeai_model *m = tb_new();
	int8_t kv[256];
	int32_t x, y, ti[2];

	memset(kv, k, sizeof(kv));
	x = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
	ti[!first] = x;
	ti[first] = full ? tb_tensor(m, "k", TFL_INT8, 4, d, kv, sizeof(kv)) :
			   tb_tensor(m, "k", TFL_INT8, 1, one, kv, 1);
	y = tb_tensor(m, "y", TFL_INT8, 4, d, NULL, 0);
	tb_io(m, 1, &x, 1, &y);
	tb_op(m, code, 2, ti, 1, &y)->o.act = TFL_ACT_RELU6;
	quantize_all(m, -3);
	quantized(m, ti[first], 0.11f, 7);
	quantized(m, y, 0.04f, -20);
	return m;
}

static void scalar_tables(void)
{
	static const struct {
		int32_t code;
		const char *name;
	} ops[] = { { TFL_OP_ADD, "ADD" }, { TFL_OP_SUB, "SUB" }, { TFL_OP_MUL, "MUL" } };
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY,
					    .flags = EDGEAI_COMPILE_NO_CACHE };
	uint8_t in[256], want[256], *w[1] = { want };
	size_t i, size;
	int first;

	for (i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		for (first = 0; first < 2; first++) {
			struct edgeai_model *m = scalar_op(ops[i].code, first, 0, 40);
			struct edgeai_model *full = scalar_op(ops[i].code, first, 1, 40);
			const struct edgeai_prog_header *h;
			const struct edgeai_prog_op *op;
			struct edgeai_program *p = NULL;
			const void *blob = NULL;
			uint64_t arena;
			char what[96], err[256] = "";
			int r;

			r = edgeai_model_compile(m, &o, &p, err, sizeof(err));
			r = r ? r : edgeai_program_get_blob(p, &blob, &size, &arena);
			h = blob;
			op = r ? NULL : (const void *)((const uint8_t *)blob + h->op_offset);
			ktap_ok(!r && h->op_count == 1 && op->opcode == EDGEAI_OP_TABLE,
				"%s with a one-element constant %s is one TABLE op (%u ops, the "
				"first %u)%s%s", ops[i].name, first ? "first" : "second",
				r ? 0 : h->op_count, op ? op->opcode : 0, r ? ": " : "", err);
			edgeai_program_unref(p);
			r = run(full, 1, in, w, err, sizeof(err));
			ktap_ok(!r, "%s with the constant at the tensor's shape runs%s%s",
				ops[i].name, r ? ": " : "", err);
			snprintf(what, sizeof(what), "%s's TABLE, constant %s", ops[i].name,
				 first ? "first" : "second");
			check(what, m, in, w);
			edgeai_model_unref(m);
			edgeai_model_unref(full);
		}
	}
}

/* BATCH_MATMUL: what TFLite's Prepare refuses, and what it runs in float only */
static void matmul_refused(void)
{
	static const struct {
		const char *what, *msg;
		int32_t type, rl, l[5], rr, r[5], ro, o[5];
		int adj_y, per_channel;
	} mm[] = {
		{ "BATCH_MATMUL of uint8", "int8 only", TFL_UINT8,
		  3, { 2, 3, 4 }, 3, { 2, 4, 5 }, 3, { 2, 3, 5 }, 0, 0 },
		{ "BATCH_MATMUL of inner dimensions 4 and 6", "inner dimensions differ", TFL_INT8,
		  3, { 2, 3, 4 }, 3, { 2, 6, 5 }, 3, { 2, 3, 5 }, 0, 0 },
		{ "BATCH_MATMUL of inner dimensions 4 and 5 (adj_y)", "inner dimensions differ",
		  TFL_INT8, 3, { 2, 3, 4 }, 3, { 2, 4, 5 }, 3, { 2, 3, 4 }, 1, 0 },
		{ "BATCH_MATMUL of batches 2 and 3", "do not broadcast", TFL_INT8,
		  3, { 2, 3, 4 }, 3, { 3, 4, 5 }, 3, { 3, 3, 5 }, 0, 0 },
		{ "BATCH_MATMUL into [2, 3, 6]", "output's shape", TFL_INT8,
		  3, { 2, 3, 4 }, 3, { 2, 4, 5 }, 3, { 2, 3, 6 }, 0, 0 },
		{ "BATCH_MATMUL of rank 5", "rank above 4", TFL_INT8,
		  5, { 1, 2, 2, 3, 4 }, 5, { 1, 2, 2, 4, 5 }, 5, { 1, 2, 2, 3, 5 }, 0, 0 },
		{ "BATCH_MATMUL of a vector", "ranks other than 2 to 4", TFL_INT8,
		  1, { 4 }, 2, { 4, 5 }, 2, { 1, 5 }, 0, 0 },
		{ "BATCH_MATMUL per channel", "per-channel quantization", TFL_INT8,
		  3, { 2, 3, 4 }, 3, { 2, 4, 5 }, 3, { 2, 3, 5 }, 0, 1 },
	};
	struct edgeai_model *m;
	int32_t ti[2], y;
	size_t i;

	for (i = 0; i < sizeof(mm) / sizeof(mm[0]); i++) {
		m = tb_new();
		ti[0] = tb_tensor(m, "lhs", mm[i].type, mm[i].rl, mm[i].l, NULL, 0);
		ti[1] = tb_tensor(m, "rhs", mm[i].type, mm[i].rr, mm[i].r, NULL, 0);
		y = tb_tensor(m, "y", mm[i].type, mm[i].ro, mm[i].o, NULL, 0);
		tb_io(m, 2, ti, 1, &y);
		tb_op(m, TFL_OP_BATCH_MATMUL, 2, ti, 1, &y)->o.adj_y = (uint8_t)mm[i].adj_y;
		quantize_all(m, mm[i].type == TFL_UINT8 ? 128 : 0);
		if (mm[i].per_channel) {
			struct model_tensor *t = &m->t[ti[1]];

			t->q.n = 2;
			t->q.scale = realloc(t->q.scale, 2 * sizeof(float));
			t->q.zero_point = realloc(t->q.zero_point, 2 * sizeof(int64_t));
			t->q.scale[1] = 0.1f;
			t->q.zero_point[1] = 0;
		}
		refused(mm[i].what, m, mm[i].msg);
	}
}

/*
 * REDUCE_MIN after 40 to 80 ADDs: somewhere the program's tensors fill
 * their array as the flip's temporary is made from a tensor's own dims,
 * which cc_temp() once read after the array moved (ASan: use after free).
 */
static void reduce_min_at_growth(void)
{
	const int32_t d[4] = { 1, 4, 5, 3 };
	struct edgeai_compile_options o = { .policy = EDGEAI_POLICY_CPU_ONLY,
					    .flags = EDGEAI_COMPILE_NO_CACHE };
	int32_t x, y, ti[2], k, n, bad = 0;
	struct edgeai_model *m;
	char err[256];

	for (n = 40; n <= 80; n++) {
		struct edgeai_program *p = NULL;

		m = tb_new();
		x = tb_tensor(m, "x", TFL_INT8, 4, d, NULL, 0);
		y = x;
		for (k = 0; k < n; k++) {
			ti[0] = ti[1] = y;
			y = tb_tensor(m, "s", TFL_INT8, 4, d, NULL, 0);
			tb_op(m, TFL_OP_ADD, 2, ti, 1, &y);
		}
		ti[0] = y;
		ti[1] = i32s(m, "axes", 2, (int32_t[2]){ 1, 2 });
		y = tb_tensor(m, "min", TFL_INT8, 4, (int32_t[4]){ 1, 1, 1, 3 }, NULL, 0);
		tb_op(m, TFL_OP_REDUCE_MIN, 2, ti, 1, &y);
		tb_io(m, 1, &x, 1, &y);
		quantize_all(m, 0);
		if (edgeai_model_compile(m, &o, &p, err, sizeof(err)) && !bad)
			bad = n;
		edgeai_program_unref(p);
		edgeai_model_unref(m);
	}
	ktap_ok(!bad, "REDUCE_MIN after 40 to 80 ADDs compiles%s%s", bad ? ": " : "",
		bad ? err : "");
}

int main(void)
{
	ktap_start();
	reduce_min_at_growth();
	concat_many();
	padv2_all_axes();
	unpack_last();
	shape_chain();
	malformed();
	tables_refused();
	scalar_tables();
	matmul_refused();
	return ktap_finish();
}
