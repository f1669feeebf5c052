// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * KUnit tests of the program validator (edgeai_prog_validate.c), rule by rule:
 * each case builds a valid one-op program, checks that it passes, then
 * breaks one rule and checks the exact reason and the op/tensor index.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "edgeai_prog_validate.h"

#define TP_TENSORS	8
#define TP_T_OFF	64
#define TP_O_OFF	(TP_T_OFF + TP_TENSORS * 48)
#define TP_C_OFF	(TP_O_OFF + 128)
#define TP_C_SIZE	1088
#define TP_SIZE		(TP_C_OFF + TP_C_SIZE)

struct tp {
	u64 w[TP_SIZE / 8];
	u32 size;
};

static const u64 all_ops[2] = { ~0ULL, ~0ULL };

static struct edgeai_prog_header *tp_h(struct tp *p)
{
	return (void *)p->w;
}

static struct edgeai_prog_tensor *tp_t(struct tp *p, int i)
{
	return (void *)((u8 *)p->w + TP_T_OFF + 48 * i);
}

static struct edgeai_prog_op *tp_op(struct tp *p)
{
	return (void *)((u8 *)p->w + TP_O_OFF);
}

static void *tp_params(struct tp *p)
{
	return tp_op(p)->params;
}

static u8 *tp_const(struct tp *p)
{
	return (u8 *)p->w + TP_C_OFF;
}

static void tp_init(struct tp *p, u32 opcode, u32 tensors)
{
	struct edgeai_prog_header *h = tp_h(p);
	int i;

	memset(p, 0, sizeof(*p));
	p->size = TP_SIZE;
	h->magic = EDGEAI_PROG_MAGIC;
	h->version = EDGEAI_PROG_VERSION;
	h->header_size = sizeof(*h);
	h->total_size = TP_SIZE;
	h->tensor_count = tensors;
	h->op_count = 1;
	h->tensor_offset = TP_T_OFF;
	h->op_offset = TP_O_OFF;
	h->const_offset = TP_C_OFF;
	h->const_size = TP_C_SIZE;
	h->slot_count = 4;
	tp_op(p)->opcode = opcode;
	for (i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		tp_op(p)->inputs[i] = EDGEAI_PROG_NO_TENSOR;
}

static void tp_tensor(struct tp *p, int i, u32 dtype, u32 slot, u64 off,
		      u32 n, u32 hh, u32 w, u32 c, s32 zp)
{
	struct edgeai_prog_tensor *t = tp_t(p, i);

	t->dtype = dtype;
	t->slot = slot;
	t->offset = off;
	t->dims[0] = n;
	t->dims[1] = hh;
	t->dims[2] = w;
	t->dims[3] = c;
	t->zero_point = zp;
}

/* Inputs 0..n-1 are tensors 0..n-1; the output is tensor n. */
static void tp_io(struct tp *p, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		tp_op(p)->inputs[i] = i;
	tp_op(p)->output = n;
}

#define I8	EDGEAI_DTYPE_INT8
#define U8	EDGEAI_DTYPE_UINT8
#define I32	EDGEAI_DTYPE_INT32
#define CONST	EDGEAI_PROG_SLOT_CONST

/* int8 CONV_2D [1,4,4,2] * [3,3,3,2] + bias -> [1,4,4,3], per channel. */
static void b_conv(struct tp *p)
{
	struct edgeai_prog_conv_params *cp = tp_params(p);
	struct edgeai_prog_qmul *q = (void *)(tp_const(p) + 72);
	int i;

	tp_init(p, EDGEAI_OP_CONV_2D, 4);
	tp_tensor(p, 0, I8, 0, 0, 1, 4, 4, 2, -1);
	tp_tensor(p, 1, I8, CONST, 0, 3, 3, 3, 2, 0);
	tp_tensor(p, 2, I32, CONST, 56, 1, 1, 1, 3, 0);
	tp_tensor(p, 3, I8, 1, 0, 1, 4, 4, 3, 2);
	tp_io(p, 3);
	cp->stride_h = 1;
	cp->stride_w = 1;
	cp->dilation_h = 1;
	cp->dilation_w = 1;
	cp->pad_top = 1;
	cp->pad_left = 1;
	cp->depth_multiplier = 1;
	cp->act_min = -128;
	cp->act_max = 127;
	cp->qmul_offset = 72;
	for (i = 0; i < 3; i++) {
		q[i].multiplier = 1 << 30;
		q[i].shift = -5;
	}
}

static struct edgeai_prog_conv_params *cp(struct tp *p)
{
	return tp_params(p);
}

/*
 * int8 TRANSPOSE_CONV [1,3,3,2] * [3,2,2,2] + bias -> [1,6,6,3], stride 2,
 * per channel: 6 = (3 - 1) * 2 + 2, the full result, nothing cut.
 */
static void b_tconv(struct tp *p)
{
	struct edgeai_prog_tconv_params *tc = tp_params(p);
	struct edgeai_prog_qmul *q = (void *)(tp_const(p) + 40);
	int i;

	tp_init(p, EDGEAI_OP_TRANSPOSE_CONV, 4);
	tp_tensor(p, 0, I8, 0, 0, 1, 3, 3, 2, -3);
	tp_tensor(p, 1, I8, CONST, 0, 3, 2, 2, 2, 0);
	tp_tensor(p, 2, I32, CONST, 24, 1, 1, 1, 3, 0);
	tp_tensor(p, 3, I8, 1, 0, 1, 6, 6, 3, 4);
	tp_io(p, 3);
	tc->stride_h = 2;
	tc->stride_w = 2;
	tc->act_min = -128;
	tc->act_max = 127;
	tc->qmul_offset = 40;
	for (i = 0; i < 3; i++) {
		q[i].multiplier = 1 << 30;
		q[i].shift = -4;
	}
}

/* SAME-style: [1,3,3,2] -> [1,5,5,3] with kernel 3, stride 2, 1 cut before. */
static void b_tconv_same(struct tp *p)
{
	struct edgeai_prog_tconv_params *tc = tp_params(p);

	b_tconv(p);
	tp_t(p, 1)->dims[1] = 3;
	tp_t(p, 1)->dims[2] = 3;
	tp_t(p, 2)->offset = 56;
	tp_t(p, 3)->dims[1] = 5;
	tp_t(p, 3)->dims[2] = 5;
	tc->pad_top = 1;
	tc->pad_left = 1;
	tc->qmul_offset = 40 + 32;
	memcpy(tp_const(p) + 72, tp_const(p) + 40, 24);
}

static struct edgeai_prog_tconv_params *tcp(struct tp *p)
{
	return tp_params(p);
}

/* Unary ops: [1,2,3,4] -> same shape. */
static void b_unary(struct tp *p, u32 opcode)
{
	tp_init(p, opcode, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 3, 4, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 2, 3, 4, 0);
	tp_io(p, 1);
}

static void b_add(struct tp *p)
{
	struct edgeai_prog_add_params *a = tp_params(p);

	tp_init(p, EDGEAI_OP_ADD, 3);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 3, 4, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 1, 1, 4, 0);
	tp_tensor(p, 2, I8, 2, 0, 1, 2, 3, 4, 0);
	tp_io(p, 2);
	a->left_shift = 20;
	a->in0_multiplier = 1 << 30;
	a->in1_multiplier = 1 << 30;
	a->out_multiplier = 1 << 30;
	a->act_min = -128;
	a->act_max = 127;
}

static void b_pool(struct tp *p)
{
	struct edgeai_prog_pool_params *pp = tp_params(p);

	tp_init(p, EDGEAI_OP_MAX_POOL_2D, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 4, 4, 2, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 2, 2, 2, 0);
	tp_io(p, 1);
	pp->filter_h = 2;
	pp->filter_w = 2;
	pp->stride_h = 2;
	pp->stride_w = 2;
	pp->act_min = -128;
	pp->act_max = 127;
}

static void b_softmax(struct tp *p)
{
	b_unary(p, EDGEAI_OP_SOFTMAX);
	tp_t(p, 1)->zero_point = -128;
	((struct edgeai_prog_softmax_params *)tp_params(p))->table_offset = 0;
}

static void b_lut(struct tp *p)
{
	b_unary(p, EDGEAI_OP_LOGISTIC);
	((struct edgeai_prog_lut_params *)tp_params(p))->table_offset = 100;
}

/* SQUARED_DIFFERENCE (1.10): ADD's parameters, TFLite's left shift of 7 */
static void b_sqdiff(struct tp *p)
{
	b_add(p);
	tp_op(p)->opcode = EDGEAI_OP_SQUARED_DIFFERENCE;
	((struct edgeai_prog_add_params *)tp_params(p))->left_shift = 7;
}

/* L2_NORMALIZATION (1.10): no parameters, out zero point 0 for int8 */
static void b_l2norm(struct tp *p)
{
	b_unary(p, EDGEAI_OP_L2_NORMALIZATION);
	tp_t(p, 1)->zero_point = 0;
}

/*
 * BATCH_MATMUL (1.12): [2,1,3,4] x [1,2,5,4]^T -> [2,2,3,5], both batch
 * dimensions broadcast, the right matrices stored transposed.
 */
static void b_matmul(struct tp *p)
{
	struct edgeai_prog_matmul_params *mm = tp_params(p);

	tp_init(p, EDGEAI_OP_BATCH_MATMUL, 3);
	tp_tensor(p, 0, I8, 0, 0, 2, 1, 3, 4, -3);
	tp_tensor(p, 1, I8, 1, 0, 1, 2, 5, 4, 7);
	tp_tensor(p, 2, I8, 2, 0, 2, 2, 3, 5, 1);
	tp_io(p, 2);
	mm->adj_y = 1;
	mm->act_min = -128;
	mm->act_max = 127;
	mm->out_multiplier = 1 << 30;
	mm->out_shift = -6;
}

static struct edgeai_prog_matmul_params *mmp(struct tp *p)
{
	return tp_params(p);
}

/* TABLE (1.10): LOGISTIC's arithmetic for a function without its own op */
static void b_table(struct tp *p)
{
	b_lut(p);
	tp_op(p)->opcode = EDGEAI_OP_TABLE;
}

static void b_quant(struct tp *p)
{
	struct edgeai_prog_requant_params *r;

	b_unary(p, EDGEAI_OP_QUANTIZE);
	r = tp_params(p);
	tp_t(p, 1)->dtype = U8;
	tp_t(p, 1)->zero_point = 128;
	r->out_multiplier = 1 << 30;
	r->out_shift = 1;
	r->act_min = 0;
	r->act_max = 255;
}

static void b_nn(struct tp *p)
{
	struct edgeai_prog_resize_params *r = tp_params(p);
	u32 *m = (u32 *)tp_const(p);

	tp_init(p, EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 2, 3, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 4, 4, 3, 0);
	tp_io(p, 1);
	r->y_map_offset = 0;
	r->x_map_offset = 16;
	m[0] = 0; m[1] = 0; m[2] = 1; m[3] = 1;
	m[4] = 0; m[5] = 0; m[6] = 1; m[7] = 1;
}

static void b_bilinear(struct tp *p)
{
	struct edgeai_prog_resize_params *r = tp_params(p);
	struct edgeai_prog_interp *e = (void *)tp_const(p);
	int i;

	tp_init(p, EDGEAI_OP_RESIZE_BILINEAR, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 2, 3, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 3, 3, 3, 0);
	tp_io(p, 1);
	r->y_map_offset = 0;
	r->x_map_offset = 48;
	r->arith = EDGEAI_RESIZE_FIXED10;
	for (i = 0; i < 6; i++) {
		e[i].lo = 0;
		e[i].hi = 1;
		e[i].w_lo = 512;
		e[i].w_hi = 512;
	}
}

static void b_slice(struct tp *p)
{
	struct edgeai_prog_slice_params *s = tp_params(p);
	int d;

	tp_init(p, EDGEAI_OP_STRIDED_SLICE, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 6, 6, 2, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 3, 2, 2, 0);
	tp_io(p, 1);
	for (d = 0; d < 4; d++)
		s->stride[d] = 1;
	s->begin[1] = 1;
	s->stride[1] = 2;
	s->begin[2] = 4;
}

static void b_transpose(struct tp *p)
{
	struct edgeai_prog_transpose_params *t = tp_params(p);

	tp_init(p, EDGEAI_OP_TRANSPOSE, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 3, 4, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 4, 3, 2, 0);
	tp_io(p, 1);
	t->perm[0] = 0;
	t->perm[1] = 3;
	t->perm[2] = 2;
	t->perm[3] = 1;
}

static void b_d2s(struct tp *p)
{
	tp_init(p, EDGEAI_OP_DEPTH_TO_SPACE, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 2, 8, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 4, 4, 2, 0);
	tp_io(p, 1);
	((struct edgeai_prog_block_params *)tp_params(p))->block_size = 2;
}

static void b_concat(struct tp *p)
{
	tp_init(p, EDGEAI_OP_CONCATENATION, 4);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 2, 3, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 2, 2, 1, 0);
	tp_tensor(p, 2, I8, 2, 0, 1, 2, 2, 2, 0);
	tp_tensor(p, 3, I8, 3, 0, 1, 2, 2, 6, 0);
	tp_io(p, 3);
	((struct edgeai_prog_concat_params *)tp_params(p))->axis = 3;
}

static void b_pad(struct tp *p)
{
	struct edgeai_prog_pad_params *pp = tp_params(p);

	tp_init(p, EDGEAI_OP_PAD, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 2, 3, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 5, 3, 3, 0);
	tp_io(p, 1);
	pp->before[1] = 1;
	pp->after[1] = 2;
	pp->after[2] = 1;
}

static void b_fc(struct tp *p)
{
	struct edgeai_prog_fc_params *f = tp_params(p);

	tp_init(p, EDGEAI_OP_FULLY_CONNECTED, 4);
	tp_tensor(p, 0, U8, 0, 0, 1, 1, 2, 8, 128);
	tp_tensor(p, 1, U8, CONST, 0, 1, 1, 5, 8, 120);
	tp_tensor(p, 2, I32, CONST, 40, 1, 1, 1, 5, 0);
	tp_tensor(p, 3, U8, 1, 0, 1, 1, 2, 5, 3);
	tp_io(p, 3);
	f->act_min = 0;
	f->act_max = 255;
	f->out_multiplier = 1 << 30;
	f->out_shift = -3;
}

static void b_mean(struct tp *p)
{
	struct edgeai_prog_mean_params *m = tp_params(p);

	tp_init(p, EDGEAI_OP_MEAN, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 3, 3, 4, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 1, 1, 4, 0);
	tp_io(p, 1);
	m->out_multiplier = 1 << 30;
	m->out_shift = -3;
}

/* MEAN without keep_dims (1.6): the float pipeline or the int division */
static void b_mean_mode(struct tp *p, u32 flags, u32 scale)
{
	struct edgeai_prog_mean_params *m = tp_params(p);

	b_mean(p);
	m->out_multiplier = 0;
	m->out_shift = 0;
	m->flags = flags;
	m->scale = scale;
}

static void b_mean_float(struct tp *p)
{
	b_mean_mode(p, EDGEAI_PROG_MEAN_FLOAT, 0x3fc00000);	/* 1.5f */
}

static void b_mean_div(struct tp *p)
{
	b_mean_mode(p, EDGEAI_PROG_MEAN_DIV, 0);
}

/* TFLite's int8 reference pipeline (1.13): the multiplier of s_in / s_out */
static void b_mean_int(struct tp *p)
{
	struct edgeai_prog_mean_params *m = tp_params(p);

	b_mean(p);
	m->flags = EDGEAI_PROG_MEAN_INT;
}

/* SUM's float pipeline (1.11) */
static void b_mean_sum(struct tp *p)
{
	b_mean_mode(p, EDGEAI_PROG_MEAN_SUM, 0x3e800000);	/* 0.25f */
}

static void b_reshape(struct tp *p)
{
	tp_init(p, EDGEAI_OP_RESHAPE, 2);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 3, 4, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 1, 6, 4, 0);
	tp_io(p, 1);
}

static void b_max(struct tp *p)
{
	tp_init(p, EDGEAI_OP_MAXIMUM, 3);
	tp_tensor(p, 0, I8, 0, 0, 1, 2, 3, 4, 5);
	tp_tensor(p, 1, I8, 1, 0, 1, 2, 3, 4, 5);
	tp_tensor(p, 2, I8, 2, 0, 1, 2, 3, 4, 5);
	tp_io(p, 2);
}

struct pcase {
	const char *name;
	void (*build)(struct tp *p);
	void (*edit)(struct tp *p);
	const char *reason;
	s32 op;
	s32 tensor;
};

#define E(fn, stmt) static void e_##fn(struct tp *p) { stmt; }

/* header */
E(magic, tp_h(p)->magic++)
E(version, tp_h(p)->version = 0)
E(header_size, tp_h(p)->header_size = 128)
E(total_size, tp_h(p)->total_size -= 8)
E(truncated, p->size = 40)
E(truncated_sections, { p->size -= 64; tp_h(p)->total_size -= 64; })
E(flags, tp_h(p)->flags = 4)
E(reserved, tp_h(p)->reserved[3] = 1)
E(tensors_0, tp_h(p)->tensor_count = 0)
E(tensors_max, tp_h(p)->tensor_count = EDGEAI_PROG_MAX_TENSORS + 1)
E(ops_0, tp_h(p)->op_count = 0)
E(ops_max, tp_h(p)->op_count = EDGEAI_PROG_MAX_OPS + 1)
E(slots_0, tp_h(p)->slot_count = 0)
E(slots_max, tp_h(p)->slot_count = EDGEAI_PROG_MAX_SLOTS + 1)
E(unaligned, tp_h(p)->const_offset += 4)
E(tensor_in_header, tp_h(p)->tensor_offset = 32)
E(tensors_overlap_ops, tp_h(p)->tensor_count = TP_TENSORS + 1)
E(ops_overlap_const, tp_h(p)->op_count = 2)
E(const_past_end, tp_h(p)->const_size = TP_C_SIZE + 8)
E(const_overflow, tp_h(p)->const_size = U32_MAX)
/* tensors */
E(dtype_0, tp_t(p, 1)->dtype = 0)
E(dtype_past_last, tp_t(p, 1)->dtype = EDGEAI_DTYPE_INT64 + 1)
E(dim_0, tp_t(p, 0)->dims[3] = 0)
E(dim_big, tp_t(p, 0)->dims[0] = EDGEAI_PROG_MAX_DIM + 1)
E(bytes_4g, { tp_t(p, 0)->dims[0] = 65536; tp_t(p, 0)->dims[1] = 65536; })
E(offset_align, tp_t(p, 2)->offset = 58)
E(offset_overflow, tp_t(p, 0)->offset = U64_MAX - 3)
E(const_outside, tp_t(p, 2)->offset = TP_C_SIZE - 8)
E(slot_range, tp_t(p, 3)->slot = 4)
E(zp_int8, tp_t(p, 0)->zero_point = -129)
E(zp_uint8, { tp_t(p, 0)->dtype = U8; tp_t(p, 0)->zero_point = 256; })
E(zp_int32, tp_t(p, 2)->zero_point = -1)
E(tflags, tp_t(p, 0)->flags = 1)
E(treserved, tp_t(p, 0)->reserved[0] = 1)
/* op record */
E(opcode_0, tp_op(p)->opcode = 0)
E(opcode_count, tp_op(p)->opcode = EDGEAI_OP_COUNT)
E(oflags, tp_op(p)->flags = 1)
E(opad, tp_op(p)->pad = 1)
E(param_tail, tp_op(p)->params[12] = 1)
E(gap, { tp_op(p)->inputs[2] = EDGEAI_PROG_NO_TENSOR; tp_op(p)->inputs[5] = 2; })
E(one_input, tp_op(p)->inputs[1] = EDGEAI_PROG_NO_TENSOR)
E(four_inputs, tp_op(p)->inputs[3] = 0)
E(input_range, tp_op(p)->inputs[1] = 4)
E(output_range, tp_op(p)->output = 4)
E(output_const, tp_op(p)->output = 1)
E(output_input, tp_op(p)->output = 0)
E(output_overlap, { tp_t(p, 3)->slot = 0; tp_t(p, 3)->offset = 16; })
/* conv */
E(conv_dtype, tp_t(p, 1)->dtype = U8)
E(conv_batch, tp_t(p, 3)->dims[0] = 2)
E(conv_filter, tp_t(p, 1)->dims[3] = 1)
E(conv_dm, cp(p)->depth_multiplier = 0)
E(conv_bias, tp_t(p, 2)->dims[3] = 2)
E(conv_wzp, tp_t(p, 1)->zero_point = 1)
E(conv_stride, cp(p)->stride_w = 0)
E(conv_stride_big, cp(p)->stride_h = EDGEAI_PROG_MAX_DIM + 1)
E(conv_dilation, cp(p)->dilation_h = 0)
E(conv_pad, cp(p)->pad_left = 3)
E(conv_window, tp_t(p, 3)->dims[2] = 6)
E(conv_act, cp(p)->act_min = -129)
E(conv_act_order, { cp(p)->act_min = 1; cp(p)->act_max = 0; })
E(conv_both, cp(p)->out_shift = 1)
E(conv_qmul_range, cp(p)->qmul_offset = TP_C_SIZE - 16)
E(conv_qmul_align, cp(p)->qmul_offset = 70)
E(conv_qmul_value, ((struct edgeai_prog_qmul *)(tp_const(p) + 72))[2].shift = -32)
E(conv_qmul_zero, ((struct edgeai_prog_qmul *)(tp_const(p) + 72))[0].multiplier = 0)
E(conv_pt_mul, { cp(p)->qmul_offset = EDGEAI_PROG_NO_CONST;
		 cp(p)->out_multiplier = -1; })
E(dw_shape, tp_op(p)->opcode = EDGEAI_OP_DEPTHWISE_CONV_2D)
/* other ops */
E(add_broadcast, tp_t(p, 1)->dims[3] = 2)
E(add_out_bigger, tp_t(p, 2)->dims[0] = 2)
E(add_shift, ((struct edgeai_prog_add_params *)tp_params(p))->left_shift = 31)
E(add_dtype, tp_t(p, 1)->dtype = U8)
E(sqdiff_broadcast, tp_t(p, 1)->dims[3] = 2)
E(sqdiff_shift, ((struct edgeai_prog_add_params *)tp_params(p))->out_shift = 32)
E(sqdiff_dtype, tp_t(p, 0)->dtype = U8)
E(matmul_adj, mmp(p)->adj_y = 0)
E(matmul_adj_range, mmp(p)->adj_x = 2)
E(matmul_batch, tp_t(p, 0)->dims[1] = 3)
E(matmul_out, tp_t(p, 2)->dims[3] = 4)
E(matmul_dtype, tp_t(p, 1)->dtype = U8)
E(matmul_shift, mmp(p)->out_shift = 31)
E(matmul_act, mmp(p)->act_min = -129)
E(l2norm_zp, tp_t(p, 1)->zero_point = -128)
E(l2norm_shape, tp_t(p, 1)->dims[3] = 3)
E(l2norm_params, ((u32 *)tp_params(p))[0] = 1)
E(pool_pad, ((struct edgeai_prog_pool_params *)tp_params(p))->pad_top = 2)
E(pool_filter, ((struct edgeai_prog_pool_params *)tp_params(p))->filter_w = 0)
E(pool_zp, tp_t(p, 1)->zero_point = 1)
E(pool_channels, tp_t(p, 1)->dims[3] = 1)
E(softmax_zp, tp_t(p, 1)->zero_point = 0)
E(softmax_table, ((struct edgeai_prog_softmax_params *)tp_params(p))->table_offset = 128)
E(softmax_shape, tp_t(p, 1)->dims[2] = 1)
E(lut_table, ((struct edgeai_prog_lut_params *)tp_params(p))->table_offset =
	       TP_C_SIZE - 200)
E(lut_none, ((struct edgeai_prog_lut_params *)tp_params(p))->table_offset =
	       EDGEAI_PROG_NO_CONST)
E(table_shape, tp_t(p, 1)->dims[3] = 3)
E(table_dtype, { tp_t(p, 1)->dtype = U8; tp_t(p, 1)->zero_point = 0; })
E(table_table, ((struct edgeai_prog_lut_params *)tp_params(p))->table_offset =
	       TP_C_SIZE - 255)
E(quant_count, tp_t(p, 1)->dims[3] = 3)
E(quant_act, ((struct edgeai_prog_requant_params *)tp_params(p))->act_min = -1)
E(quant_int32, { tp_t(p, 1)->dtype = I32; tp_t(p, 1)->zero_point = 0; })
E(relu_dtype, tp_op(p)->opcode = EDGEAI_OP_RELU)
E(nn_map, ((u32 *)tp_const(p))[6] = 2)
E(nn_arith, ((struct edgeai_prog_resize_params *)tp_params(p))->arith = 1)
E(nn_map_range, ((struct edgeai_prog_resize_params *)tp_params(p))->x_map_offset =
	       TP_C_SIZE - 8)
E(bl_entry, ((struct edgeai_prog_interp *)tp_const(p))[4].hi = 2)
E(bl_weight, ((struct edgeai_prog_interp *)tp_const(p))[1].w_lo = 5000)
E(bl_arith, ((struct edgeai_prog_resize_params *)tp_params(p))->arith = 2)
E(slice_end, ((struct edgeai_prog_slice_params *)tp_params(p))->begin[2] = 5)
E(slice_stride, ((struct edgeai_prog_slice_params *)tp_params(p))->stride[0] = 0)
E(slice_negative, ((struct edgeai_prog_slice_params *)tp_params(p))->stride[1] = -2)
E(perm_dup, ((struct edgeai_prog_transpose_params *)tp_params(p))->perm[2] = 3)
E(perm_range, ((struct edgeai_prog_transpose_params *)tp_params(p))->perm[2] = 4)
E(perm_shape, tp_t(p, 1)->dims[1] = 2)
E(block_0, ((struct edgeai_prog_block_params *)tp_params(p))->block_size = 0)
E(block_shape, ((struct edgeai_prog_block_params *)tp_params(p))->block_size = 4)
E(concat_sum, tp_t(p, 3)->dims[3] = 7)
E(concat_axis, ((struct edgeai_prog_concat_params *)tp_params(p))->axis = 4)
E(concat_off_axis, tp_t(p, 1)->dims[1] = 3)
E(concat_zp, tp_t(p, 2)->zero_point = 3)
E(pad_shape, tp_t(p, 1)->dims[2] = 4)
E(pad_overflow, ((struct edgeai_prog_pad_params *)tp_params(p))->after[0] = U32_MAX)
E(fc_batch, tp_t(p, 3)->dims[2] = 3)
E(fc_weights, tp_t(p, 1)->dims[1] = 2)
E(fc_ic, tp_t(p, 0)->dims[3] = 7)
E(mean_shape, tp_t(p, 1)->dims[1] = 3)
E(mean_flags, ((struct edgeai_prog_mean_params *)tp_params(p))->flags = 16)
E(mean_ref_bias, ((struct edgeai_prog_mean_params *)tp_params(p))->bias = 1)
E(mean_ref_uint8, tp_t(p, 0)->dtype = U8; tp_t(p, 1)->dtype = U8)
E(mean_sum_div, ((struct edgeai_prog_mean_params *)tp_params(p))->flags =
	       EDGEAI_PROG_MEAN_SUM | EDGEAI_PROG_MEAN_DIV)
E(mean_sum_mul, ((struct edgeai_prog_mean_params *)tp_params(p))->out_multiplier = 1 << 30)
E(mean_two_flags, ((struct edgeai_prog_mean_params *)tp_params(p))->flags =
	       EDGEAI_PROG_MEAN_FLOAT | EDGEAI_PROG_MEAN_DIV)
E(mean_int_scale, ((struct edgeai_prog_mean_params *)tp_params(p))->scale = 0x3f800000)
E(mean_float_bias, ((struct edgeai_prog_mean_params *)tp_params(p))->bias = 1)
E(mean_div_scale, ((struct edgeai_prog_mean_params *)tp_params(p))->scale = 1)
E(mean_reserved, ((struct edgeai_prog_mean_params *)tp_params(p))->reserved[0] = 1)
E(reshape_count, tp_t(p, 1)->dims[2] = 5)
E(max_zp, tp_t(p, 1)->zero_point = 4)
/* TRANSPOSE_CONV (1.8) */
E(tconv_dtype, { tp_t(p, 3)->dtype = U8; tp_t(p, 3)->zero_point = 4; })
E(tconv_batch, tp_t(p, 0)->dims[0] = 2)
E(tconv_filter_ic, tp_t(p, 1)->dims[3] = 1)
E(tconv_filter_oc, tp_t(p, 1)->dims[0] = 2)
E(tconv_bias, tp_t(p, 2)->dims[3] = 2)
E(tconv_bias_dtype, tp_t(p, 2)->dtype = I8)
E(tconv_wzp, tp_t(p, 1)->zero_point = 1)
E(tconv_stride_0, tcp(p)->stride_w = 0)
E(tconv_stride_big, tcp(p)->stride_h = EDGEAI_PROG_MAX_DIM + 1)
E(tconv_pad, tcp(p)->pad_top = 2)
E(tconv_pad_same, tcp(p)->pad_left = 3)
E(tconv_out_short, tp_t(p, 3)->dims[1] = 4)
E(tconv_out_long, tp_t(p, 3)->dims[2] = 7)
E(tconv_same_long, tp_t(p, 3)->dims[1] = 7)
E(tconv_stride_gap, tcp(p)->stride_w = 3)
/* TFLite SAME, filter 2 below stride 3: [1,3,3,2] -> [1,9,9,3], 3 rows unreached */
E(tconv_short_filter, { tcp(p)->stride_h = 3; tcp(p)->stride_w = 3;
			tp_t(p, 3)->dims[1] = 9; tp_t(p, 3)->dims[2] = 9; })
E(tconv_short_filter_long, { tcp(p)->stride_h = 3; tcp(p)->stride_w = 3;
			     tp_t(p, 3)->dims[1] = 10; tp_t(p, 3)->dims[2] = 9; })
E(tconv_act, tcp(p)->act_max = 128)
E(tconv_both, tcp(p)->out_multiplier = 1 << 30)
E(tconv_qmul_range, tcp(p)->qmul_offset = TP_C_SIZE - 16)
E(tconv_qmul_value, ((struct edgeai_prog_qmul *)(tp_const(p) + 40))[1].shift = 31)
E(tconv_pt_mul, { tcp(p)->qmul_offset = EDGEAI_PROG_NO_CONST;
		  tcp(p)->out_shift = -32; })
E(tconv_reserved, tcp(p)->reserved[0] = 1)
E(tconv_one_input, tp_op(p)->inputs[1] = EDGEAI_PROG_NO_TENSOR)
/* ARG_MAX (1.9) */
E(argmax_in_i32, { tp_t(p, 0)->dtype = I32; tp_t(p, 0)->zero_point = 0; })
E(argmax_out_i8, tp_t(p, 1)->dtype = I8)
E(argmax_axis, ((struct edgeai_prog_argmax_params *)tp_params(p))->axis = 4)
E(argmax_wrong_axis, ((struct edgeai_prog_argmax_params *)tp_params(p))->axis = 3)
E(argmax_count, tp_t(p, 1)->dims[3] = 4)
E(argmax_out_zp, tp_t(p, 1)->zero_point = 1)
E(argmax_out_offset, tp_t(p, 1)->offset = 4)
E(argmax_reserved, ((struct edgeai_prog_argmax_params *)tp_params(p))->reserved[0] = 1)

/* ARG_MAX (1.9): int8 [2,3,4,5] along W -> int64 [2,3,5] (as [1,2,3,5]) */
static void b_argmax(struct tp *p)
{
	struct edgeai_prog_argmax_params *a = tp_params(p);

	tp_init(p, EDGEAI_OP_ARG_MAX, 2);
	tp_tensor(p, 0, I8, 0, 0, 2, 3, 4, 5, -3);
	tp_tensor(p, 1, EDGEAI_DTYPE_INT64, 1, 0, 1, 2, 3, 5, 0);
	tp_io(p, 1);
	a->axis = 2;
}

static void b_argmax_i32(struct tp *p)
{
	b_argmax(p);
	tp_t(p, 1)->dtype = I32;
}

static void b_tconv_short(struct tp *p)
{
	b_tconv(p);
	e_tconv_short_filter(p);
}

static const char R_HDR_ORDER[] = "header: sections out of order or out of bounds";
static const char R_SHARE3[] = "input, filter and output must share one 8-bit dtype";
static const char R_SHARE[] = "input and output must share one 8-bit dtype";
static const char R_SHARE_ALL[] = "inputs and output must share one 8-bit dtype";
static const char R_ZP[] = "input and output zero points differ";
static const char R_WINDOW[] = "output size inconsistent with input, stride and padding";

#define H(n, r)		{ #n, b_conv, e_##n, r, -1, -1 }
#define T(n, i, r)	{ #n, b_conv, e_##n, r, -1, i }
#define O(n, r)		{ #n, b_conv, e_##n, r, 0, -1 }
#define OT(n, i, r)	{ #n, b_conv, e_##n, r, 0, i }
#define X(n, b, r)	{ #n, b, e_##n, r, 0, -1 }

static const struct pcase pcases[] = {
	{ "conv_valid", b_conv, NULL },
	{ "add_valid", b_add, NULL },
	{ "pool_valid", b_pool, NULL },
	{ "softmax_valid", b_softmax, NULL },
	{ "lut_valid", b_lut, NULL },
	{ "quantize_valid", b_quant, NULL },
	{ "nearest_valid", b_nn, NULL },
	{ "bilinear_valid", b_bilinear, NULL },
	{ "slice_valid", b_slice, NULL },
	{ "transpose_valid", b_transpose, NULL },
	{ "depth_to_space_valid", b_d2s, NULL },
	{ "concat_valid", b_concat, NULL },
	{ "pad_valid", b_pad, NULL },
	{ "fc_uint8_valid", b_fc, NULL },
	{ "mean_valid", b_mean, NULL },
	{ "mean_float_valid", b_mean_float, NULL },
	{ "mean_div_valid", b_mean_div, NULL },
	{ "mean_sum_valid", b_mean_sum, NULL },
	{ "mean_int_valid", b_mean_int, NULL },
	{ "reshape_valid", b_reshape, NULL },
	{ "maximum_valid", b_max, NULL },
	H(magic, "header: bad magic"),
	H(version, "header: unsupported version"),
	H(header_size, "header: bad header_size"),
	H(total_size, "header: total_size is not the program size"),
	H(truncated, "header: truncated"),
	H(truncated_sections, R_HDR_ORDER),
	H(flags, "header: flags or reserved not zero"),
	H(reserved, "header: flags or reserved not zero"),
	H(tensors_0, "header: tensor_count out of range"),
	H(tensors_max, "header: tensor_count out of range"),
	H(ops_0, "header: op_count out of range"),
	H(ops_max, "header: op_count out of range"),
	H(slots_0, "header: slot_count out of range"),
	H(slots_max, "header: slot_count out of range"),
	H(unaligned, "header: section not 8-byte aligned"),
	H(tensor_in_header, R_HDR_ORDER),
	H(tensors_overlap_ops, R_HDR_ORDER),
	H(ops_overlap_const, R_HDR_ORDER),
	H(const_past_end, R_HDR_ORDER),
	H(const_overflow, R_HDR_ORDER),
	T(dtype_0, 1, "tensor: unknown dtype"),
	T(dtype_past_last, 1, "tensor: unknown dtype"),
	T(dim_0, 0, "tensor: dimension out of range"),
	T(dim_big, 0, "tensor: dimension out of range"),
	T(bytes_4g, 0, "tensor: byte size above 4 GiB"),
	T(offset_align, 2, "tensor: offset not aligned to the element"),
	T(offset_overflow, 0, "tensor: offset overflows"),
	T(const_outside, 2, "tensor: outside the constant region"),
	T(slot_range, 3, "tensor: slot above the program's slot_count"),
	T(zp_int8, 0, "tensor: zero point out of range"),
	T(zp_uint8, 0, "tensor: zero point out of range"),
	T(zp_int32, 2, "tensor: zero point out of range"),
	T(tflags, 0, "tensor: flags or reserved not zero"),
	T(treserved, 0, "tensor: flags or reserved not zero"),
	O(opcode_0, "unknown opcode"),
	O(opcode_count, "unknown opcode"),
	O(oflags, "flags or pad not zero"),
	O(opad, "flags or pad not zero"),
	O(param_tail, "parameter words past the op's block not zero"),
	O(gap, "used input after an unused one"),
	O(one_input, "used input after an unused one"),
	O(four_inputs, "wrong number of inputs"),
	O(input_range, "input tensor index out of range"),
	O(output_range, "output tensor index out of range"),
	OT(output_const, 1, "output is a constant"),
	O(output_input, "output is also an input"),
	O(output_overlap, "output overlaps an input"),
	O(conv_dtype, R_SHARE3),
	O(conv_batch, "batch of input and output differ"),
	O(conv_filter, "filter shape mismatch"),
	O(conv_dm, "filter shape mismatch"),
	O(conv_bias, "bias must be int32 with one entry per output channel"),
	O(conv_wzp, "int8 filter zero point must be 0"),
	O(conv_stride, "stride or dilation out of range"),
	O(conv_stride_big, "stride or dilation out of range"),
	O(conv_dilation, "stride or dilation out of range"),
	O(conv_pad, "padding not below the dilated filter size"),
	O(conv_window, R_WINDOW),
	O(conv_act, "activation range outside the output type"),
	O(conv_act_order, "activation range outside the output type"),
	O(conv_both, "per-tensor multiplier set with per-channel ones"),
	O(conv_qmul_range, "per-channel multipliers outside the constant region"),
	O(conv_qmul_align, "per-channel multipliers outside the constant region"),
	O(conv_qmul_value, "per-channel multiplier out of range"),
	O(conv_qmul_zero, "per-channel multiplier out of range"),
	O(conv_pt_mul, "output multiplier out of range"),
	O(dw_shape, "depthwise filter shape or depth_multiplier mismatch"),
	X(add_broadcast, b_add, "shapes do not broadcast to the output"),
	X(add_out_bigger, b_add, "shapes do not broadcast to the output"),
	X(add_shift, b_add, "shift or multiplier out of range"),
	X(add_dtype, b_add, R_SHARE_ALL),
	{ "sqdiff_valid", b_sqdiff, NULL },
	X(sqdiff_broadcast, b_sqdiff, "shapes do not broadcast to the output"),
	X(sqdiff_shift, b_sqdiff, "shift or multiplier out of range"),
	X(sqdiff_dtype, b_sqdiff, R_SHARE_ALL),
	{ "matmul_valid", b_matmul, NULL },
	X(matmul_adj, b_matmul, "matrix shapes do not multiply to the output"),
	X(matmul_adj_range, b_matmul, "adj_x and adj_y must be 0 or 1"),
	X(matmul_batch, b_matmul, "batch dimensions do not broadcast to the output"),
	X(matmul_out, b_matmul, "matrix shapes do not multiply to the output"),
	X(matmul_dtype, b_matmul, "inputs and output must be int8"),
	X(matmul_shift, b_matmul, "output multiplier out of range"),
	X(matmul_act, b_matmul, "activation range outside the output type"),
	{ "l2norm_valid", b_l2norm, NULL },
	X(l2norm_zp, b_l2norm, "output zero point is not the L2 norm one"),
	X(l2norm_shape, b_l2norm, "input and output shapes differ"),
	X(l2norm_params, b_l2norm, "parameter words past the op's block not zero"),
	X(pool_pad, b_pool, "padding not below the filter size"),
	X(pool_filter, b_pool, "filter or stride out of range"),
	X(pool_zp, b_pool, R_ZP),
	X(pool_channels, b_pool, "batch or channels of input and output differ"),
	X(softmax_zp, b_softmax, "output zero point is not the softmax one"),
	X(softmax_table, b_softmax, "table outside the constant region"),
	X(softmax_shape, b_softmax, "input and output shapes differ"),
	X(lut_table, b_lut, "table outside the constant region"),
	X(lut_none, b_lut, "table outside the constant region"),
	{ "table_valid", b_table, NULL },
	X(table_table, b_table, "table outside the constant region"),
	X(table_shape, b_table, "input and output shapes differ"),
	X(table_dtype, b_table, "input and output must share one 8-bit dtype"),
	X(quant_count, b_quant, "input and output element counts differ"),
	X(quant_act, b_quant, "activation range outside the output type"),
	X(quant_int32, b_quant, "input and output dtypes not supported"),
	X(relu_dtype, b_quant, "input and output dtypes not supported"),
	X(nn_map, b_nn, "column map entry outside the input"),
	X(nn_arith, b_nn, "arith must be 0 for nearest neighbour"),
	X(nn_map_range, b_nn, "column map outside the constant region"),
	X(bl_entry, b_bilinear, "interpolation entry outside the input"),
	X(bl_weight, b_bilinear, "fixed-point weight out of range"),
	X(bl_arith, b_bilinear, "unknown bilinear arithmetic"),
	X(slice_end, b_slice, "slice reads outside the input"),
	X(slice_stride, b_slice, "slice reads outside the input"),
	X(slice_negative, b_slice, "slice reads outside the input"),
	X(perm_dup, b_transpose, "perm is not a permutation of 0..3"),
	X(perm_range, b_transpose, "perm is not a permutation of 0..3"),
	X(perm_shape, b_transpose, "output shape is not the permuted input shape"),
	X(block_0, b_d2s, "block_size out of range"),
	X(block_shape, b_d2s, "shapes inconsistent with block_size"),
	X(concat_sum, b_concat, "axis sizes do not add up to the output"),
	X(concat_axis, b_concat, "axis out of range"),
	X(concat_off_axis, b_concat, "inputs differ from the output off the axis"),
	X(concat_zp, b_concat, R_ZP),
	X(pad_shape, b_pad, "output shape is not input plus padding"),
	X(pad_overflow, b_pad, "output shape is not input plus padding"),
	X(fc_batch, b_fc, "output shape does not match batch and weights"),
	X(fc_weights, b_fc, "weights shape does not match the input"),
	X(fc_ic, b_fc, "weights shape does not match the input"),
	X(mean_shape, b_mean, "output must be [N, 1, 1, C] of the input"),
	X(mean_flags, b_mean, "unknown flags"),
	X(mean_two_flags, b_mean_float, "unknown flags"),
	X(mean_sum_div, b_mean_sum, "unknown flags"),
	X(mean_sum_mul, b_mean_sum, "float pipeline with integer parameters"),
	X(mean_int_scale, b_mean, "integer pipeline with a float scale"),
	X(mean_float_bias, b_mean_float, "float pipeline with integer parameters"),
	X(mean_div_scale, b_mean_div, "integer division with parameters"),
	X(mean_ref_bias, b_mean_int, "int8 reference pipeline with a bias or scale"),
	X(mean_ref_uint8, b_mean_int, "int8 reference pipeline on uint8"),
	X(mean_reserved, b_mean_float, "parameter words past the op's block not zero"),
	X(reshape_count, b_reshape, "input and output element counts differ"),
	X(max_zp, b_max, "inputs and output zero points differ"),
	{ "tconv_valid", b_tconv, NULL },
	{ "tconv_same_valid", b_tconv_same, NULL },
	{ "tconv_short_filter_valid", b_tconv_short, NULL },
	X(tconv_dtype, b_tconv, R_SHARE3),
	X(tconv_batch, b_tconv, "batch of input and output differ"),
	X(tconv_filter_ic, b_tconv, "filter shape mismatch"),
	X(tconv_filter_oc, b_tconv, "filter shape mismatch"),
	X(tconv_bias, b_tconv, "bias must be int32 with one entry per output channel"),
	X(tconv_bias_dtype, b_tconv, "bias must be int32 with one entry per output channel"),
	X(tconv_wzp, b_tconv, "int8 filter zero point must be 0"),
	X(tconv_stride_0, b_tconv, "stride out of range"),
	X(tconv_stride_big, b_tconv, "stride out of range"),
	X(tconv_pad, b_tconv, "padding not below the filter size"),
	X(tconv_pad_same, b_tconv_same, "padding not below the filter size"),
	X(tconv_out_short, b_tconv, R_WINDOW),
	X(tconv_out_long, b_tconv, R_WINDOW),
	X(tconv_same_long, b_tconv_same, R_WINDOW),
	X(tconv_stride_gap, b_tconv, R_WINDOW),
	X(tconv_short_filter_long, b_tconv, R_WINDOW),
	X(tconv_act, b_tconv, "activation range outside the output type"),
	X(tconv_both, b_tconv, "per-tensor multiplier set with per-channel ones"),
	X(tconv_qmul_range, b_tconv, "per-channel multipliers outside the constant region"),
	X(tconv_qmul_value, b_tconv, "per-channel multiplier out of range"),
	X(tconv_pt_mul, b_tconv, "output multiplier out of range"),
	X(tconv_reserved, b_tconv, "parameter words past the op's block not zero"),
	X(tconv_one_input, b_tconv, "used input after an unused one"),
	{ "argmax_valid", b_argmax, NULL },
	{ "argmax_int32_valid", b_argmax_i32, NULL },
	X(argmax_in_i32, b_argmax, "input must be 8-bit"),
	X(argmax_out_i8, b_argmax, "output must be int32 or int64"),
	X(argmax_axis, b_argmax, "axis out of range"),
	X(argmax_wrong_axis, b_argmax, "output must hold the input without the axis"),
	X(argmax_count, b_argmax_i32, "output must hold the input without the axis"),
	{ "argmax_out_zp", b_argmax, e_argmax_out_zp, "tensor: zero point out of range", -1, 1 },
	{ "argmax_out_offset", b_argmax, e_argmax_out_offset,
	  "tensor: offset not aligned to the element", -1, 1 },
	X(argmax_reserved, b_argmax, "parameter words past the op's block not zero"),
};

static void pcase_desc(const struct pcase *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pcase, pcases, pcase_desc);

static void edgeai_prog_validate_rule(struct kunit *test)
{
	const struct pcase *c = test->param_value;
	struct edgeai_prog_check_err err = { .reason = "untouched" };
	struct edgeai_prog_work work = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, p);
	c->build(p);
	ret = edgeai_prog_check(p->w, p->size, all_ops, NULL, NULL, 0, &work, &err);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "base program refused: %s", err.reason);
	KUNIT_EXPECT_EQ(test, work.slot_count, 4);
	if (!c->edit)
		return;
	c->edit(p);
	ret = edgeai_prog_check(p->w, p->size, all_ops, NULL, NULL, 0, &work, &err);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason, c->reason);
	KUNIT_EXPECT_EQ(test, err.op, c->op);
	KUNIT_EXPECT_EQ(test, err.tensor, c->tensor);
}

/* Work derived from a conv: 16 pixels * 3 channels * 3 * 3 * 2. */
static void edgeai_prog_validate_work(struct kunit *test)
{
	struct edgeai_prog_check_err err = {};
	struct edgeai_prog_work work = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	b_conv(p);
	KUNIT_ASSERT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, NULL, NULL,
						0, &work, &err), 0);
	KUNIT_EXPECT_EQ(test, work.macs, 16 * 3 * 9 * 2);
	/* input 32 + filter 54 + bias 12 + output 48 bytes */
	KUNIT_EXPECT_EQ(test, work.bytes, 32 + 54 + 12 + 48);
	/* The filter and the bias are constants: read once per batch. */
	KUNIT_EXPECT_EQ(test, work.const_bytes, 54 + 12);
}

/*
 * Work of a TRANSPOSE_CONV: each of the 18 input values meets 2 * 2 taps of
 * 3 output channels.
 */
static void edgeai_prog_validate_tconv_work(struct kunit *test)
{
	struct edgeai_prog_check_err err = {};
	struct edgeai_prog_work work = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	b_tconv(p);
	KUNIT_ASSERT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, NULL, NULL,
						0, &work, &err), 0);
	KUNIT_EXPECT_EQ(test, work.macs, 18 * 2 * 2 * 3);
	/* input 18 + filter 24 + bias 12 + output 108 bytes */
	KUNIT_EXPECT_EQ(test, work.bytes, 18 + 24 + 12 + 108);
	KUNIT_EXPECT_EQ(test, work.const_bytes, 24 + 12);
}

/* The work of each op, for the timing model: one op holds it all. */
static void edgeai_prog_validate_op_work(struct kunit *test)
{
	struct edgeai_prog_check_err err = {};
	struct edgeai_prog_op_work ops[2] = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	b_conv(p);
	KUNIT_ASSERT_EQ(test, edgeai_prog_op_work(p->w, p->size, all_ops, ops, 2,
						  NULL, &err), 0);
	KUNIT_EXPECT_EQ(test, ops[0].macs, 16 * 3 * 9 * 2);
	KUNIT_EXPECT_EQ(test, ops[0].bytes, 32 + 54 + 12 + 48);
	KUNIT_EXPECT_EQ(test, ops[0].const_bytes, 54 + 12);
	KUNIT_EXPECT_EQ(test, ops[1].macs, 0);
	/* No room for the program's ops: refused, nothing written past it. */
	KUNIT_EXPECT_EQ(test, edgeai_prog_op_work(p->w, p->size, all_ops, ops, 0,
						  NULL, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason, "more ops than the caller has room for");
}

/* The device type's op set. */
static void edgeai_prog_validate_op_mask(struct kunit *test)
{
	struct edgeai_prog_check_err err = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	u64 mask[2] = { BIT_ULL(EDGEAI_OP_CONV_2D), 0 };

	KUNIT_ASSERT_NOT_NULL(test, p);
	b_conv(p);
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, mask, NULL, NULL, 0,
						NULL, &err), 0);
	mask[0] = ~BIT_ULL(EDGEAI_OP_CONV_2D);
	mask[1] = ~0ULL;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, mask, NULL, NULL, 0,
						NULL, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason, "op not supported by this device type");
	KUNIT_EXPECT_EQ(test, err.op, 0);
}

/* SUBMIT-time rules: bound buffer sizes, count and write access. */
static void edgeai_prog_validate_buffers(struct kunit *test)
{
	struct edgeai_prog_check_err err = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	u64 sizes[4] = { 32, 48, 1, 1 };
	bool wr[4] = { false, true, false, false };

	KUNIT_ASSERT_NOT_NULL(test, p);
	b_conv(p);
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, sizes, wr, 4,
						NULL, &err), 0);
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, sizes, wr, 3,
						NULL, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason,
			   "fewer buffers bound than the program's slot_count");
	sizes[0] = 31;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, sizes, wr, 4,
						NULL, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason, "tensor: outside its bound buffer");
	KUNIT_EXPECT_EQ(test, err.tensor, 0);
	sizes[0] = 32;
	tp_t(p, 3)->offset = 1;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, sizes, wr, 4,
						NULL, &err), -EINVAL);
	KUNIT_EXPECT_EQ(test, err.tensor, 3);
	tp_t(p, 3)->offset = 0;
	wr[1] = false;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, sizes, wr, 4,
						NULL, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason, "output buffer not bound for writing");
	KUNIT_EXPECT_EQ(test, err.op, 0);
}

/*
 * The submit-time check against what PROGRAM_CREATE derived says what the
 * full check with buffers says, for the same cases as above.
 */
static void edgeai_prog_validate_slots(struct kunit *test)
{
	struct edgeai_prog_check_err err = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct edgeai_prog_slots *sl = kunit_kzalloc(test, sizeof(*sl), GFP_KERNEL);
	struct edgeai_prog_op_work ops[2] = {};
	u64 sizes[4] = { 32, 48, 1, 1 };
	bool wr[4] = { false, true, false, false };

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, sl);
	b_conv(p);
	KUNIT_ASSERT_EQ(test, edgeai_prog_op_work(p->w, p->size, all_ops, ops, 2,
						  sl, &err), 0);
	KUNIT_EXPECT_EQ(test, sl->count, 4);
	KUNIT_EXPECT_EQ(test, sl->end[0], 32);
	KUNIT_EXPECT_EQ(test, sl->end[1], 48);
	KUNIT_EXPECT_EQ(test, sl->end[2], 0);
	KUNIT_EXPECT_EQ(test, sl->writer[0], -1);
	KUNIT_EXPECT_EQ(test, sl->writer[1], 0);
	KUNIT_EXPECT_EQ(test, edgeai_prog_check_slots(sl, sizes, wr, 4, &err), 0);
	KUNIT_EXPECT_EQ(test, edgeai_prog_check_slots(sl, sizes, wr, 3, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason,
			   "fewer buffers bound than the program's slot_count");
	sizes[0] = 31;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check_slots(sl, sizes, wr, 4, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason, "tensor: outside its bound buffer");
	KUNIT_EXPECT_EQ(test, err.tensor, 0);
	sizes[0] = 32;
	sizes[1] = 47;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check_slots(sl, sizes, wr, 4, &err), -EINVAL);
	KUNIT_EXPECT_EQ(test, err.tensor, 3);
	sizes[1] = 48;
	wr[1] = false;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check_slots(sl, sizes, wr, 4, &err), -EINVAL);
	KUNIT_EXPECT_STREQ(test, err.reason, "output buffer not bound for writing");
	KUNIT_EXPECT_EQ(test, err.op, 0);
	/* A slot no op writes may be bound read-only. */
	wr[1] = true;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check_slots(sl, sizes, wr, 4, &err), 0);
}

/* Work beyond EDGEAI_PROG_MAX_WORK is refused, without overflow. */
static void edgeai_prog_validate_too_much_work(struct kunit *test)
{
	struct edgeai_prog_check_err err = {};
	struct tp *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct edgeai_prog_pool_params *pp;

	KUNIT_ASSERT_NOT_NULL(test, p);
	b_pool(p);
	pp = tp_params(p);
	tp_tensor(p, 0, I8, 0, 0, 1, 65535, 65535, 1, 0);
	tp_tensor(p, 1, I8, 1, 0, 1, 65535, 65535, 1, 0);
	pp->filter_h = 65535;
	pp->filter_w = 65535;
	pp->stride_h = 1;
	pp->stride_w = 1;
	KUNIT_EXPECT_EQ(test, edgeai_prog_check(p->w, p->size, all_ops, NULL, NULL, 0,
						NULL, &err), -E2BIG);
	KUNIT_EXPECT_STREQ(test, err.reason, "program derives too much work");
}

static struct kunit_case edgeai_prog_validate_cases[] = {
	KUNIT_CASE_PARAM(edgeai_prog_validate_rule, pcase_gen_params),
	KUNIT_CASE(edgeai_prog_validate_work),
	KUNIT_CASE(edgeai_prog_validate_tconv_work),
	KUNIT_CASE(edgeai_prog_validate_op_work),
	KUNIT_CASE(edgeai_prog_validate_op_mask),
	KUNIT_CASE(edgeai_prog_validate_buffers),
	KUNIT_CASE(edgeai_prog_validate_slots),
	KUNIT_CASE(edgeai_prog_validate_too_much_work),
	{}
};

static struct kunit_suite edgeai_prog_validate_suite = {
	.name = "edgeai_prog_validate",
	.test_cases = edgeai_prog_validate_cases,
};

kunit_test_suite(edgeai_prog_validate_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the edgeai program validator");
MODULE_LICENSE("GPL");
