/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A chain program for preemption tests and benchmarks: N int8 CONV_2D ops
 * (3x3, SAME, C channels in and out, per-channel multipliers) where op i
 * reads op i-1's output, and each op writes its own tensor, so the last
 * output depends on every op run once, in order, from the right input:
 *
 *   slot 0: the input [1,H,W,C]        (read)
 *   slot 1: op i's output at i * H*W*C  (written)
 *
 * A program that resumed from a wrong op, or skipped one, leaves other
 * bytes (or the fill pattern) in slot 1.
 */
#ifndef EDGEAI_CHAIN_LIB_H
#define EDGEAI_CHAIN_LIB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <drm/edgeai_program.h>

struct eai_chain {
	void *blob;		/* 8-byte aligned, free() it */
	uint32_t size;
	uint32_t ops;
	uint64_t in_bytes;	/* slot 0 */
	uint64_t out_bytes;	/* slot 1 */
	uint64_t tensor_bytes;	/* one op's output */
};

#define EAI_ALIGN8(x) (((x) + 7u) & ~7u)

/* Builds the chain; 0 or -1 (allocation). @seed varies the weights. */
static inline int eai_chain_build(struct eai_chain *ch, uint32_t ops, uint32_t h,
				  uint32_t w, uint32_t c, uint32_t seed)
{
	uint32_t ntens = 3 + ops, i, k;
	uint32_t t_off = EAI_ALIGN8(sizeof(struct edgeai_prog_header));
	uint32_t o_off = EAI_ALIGN8(t_off + ntens * sizeof(struct edgeai_prog_tensor));
	uint32_t c_off = EAI_ALIGN8(o_off + ops * sizeof(struct edgeai_prog_op));
	uint32_t filt = c * 9 * c, bias_off = EAI_ALIGN8(filt);
	uint32_t qmul_off = bias_off + 4 * c, c_size = EAI_ALIGN8(qmul_off + 8 * c);
	uint64_t tb = (uint64_t)h * w * c;
	struct edgeai_prog_header *hd;
	struct edgeai_prog_tensor *t;
	struct edgeai_prog_op *op;
	struct edgeai_prog_qmul *q;
	int8_t *consts;
	int32_t *bias;

	memset(ch, 0, sizeof(*ch));
	ch->size = c_off + c_size;
	ch->blob = aligned_alloc(8, EAI_ALIGN8(ch->size));
	if (!ch->blob)
		return -1;
	memset(ch->blob, 0, EAI_ALIGN8(ch->size));
	ch->ops = ops;
	ch->tensor_bytes = tb;
	ch->in_bytes = tb;
	ch->out_bytes = tb * ops;

	hd = ch->blob;
	hd->magic = EDGEAI_PROG_MAGIC;
	hd->version = EDGEAI_PROG_VERSION;
	hd->header_size = sizeof(*hd);
	hd->total_size = ch->size;
	hd->tensor_count = ntens;
	hd->op_count = ops;
	hd->tensor_offset = t_off;
	hd->op_offset = o_off;
	hd->const_offset = c_off;
	hd->const_size = c_size;
	hd->slot_count = 2;

	t = (struct edgeai_prog_tensor *)((uint8_t *)ch->blob + t_off);
	for (i = 0; i < ntens; i++) {
		uint32_t d[4] = { 1, h, w, c };

		t[i].dtype = EDGEAI_DTYPE_INT8;
		t[i].zero_point = 0;
		if (i == 0) {
			t[i].slot = 0;
			t[i].zero_point = -3;
		} else if (i == 1) {
			t[i].slot = EDGEAI_PROG_SLOT_CONST;
			d[0] = c;
			d[1] = 3;
			d[2] = 3;
		} else if (i == 2) {
			t[i].slot = EDGEAI_PROG_SLOT_CONST;
			t[i].dtype = EDGEAI_DTYPE_INT32;
			t[i].offset = bias_off;
			d[1] = 1;
			d[2] = 1;
		} else {
			t[i].slot = 1;
			t[i].offset = (uint64_t)(i - 3) * tb;
			t[i].zero_point = (int32_t)(i % 5) - 2;
		}
		memcpy(t[i].dims, d, sizeof(d));
	}

	consts = (int8_t *)ch->blob + c_off;
	for (k = 0; k < filt; k++)
		consts[k] = (int8_t)(((k + seed) * 37u + 11u) % 251u) - 125;
	bias = (int32_t *)(consts + bias_off);
	q = (struct edgeai_prog_qmul *)(consts + qmul_off);
	for (k = 0; k < c; k++) {
		bias[k] = (int32_t)(k * 97u % 400u) - 200;
		q[k].multiplier = (1 << 30) + (int32_t)(k * 12345u);
		q[k].shift = -8 - (int32_t)(k % 2);
	}

	op = (struct edgeai_prog_op *)((uint8_t *)ch->blob + o_off);
	for (i = 0; i < ops; i++) {
		struct edgeai_prog_conv_params *cp = (void *)op[i].params;

		op[i].opcode = EDGEAI_OP_CONV_2D;
		for (k = 0; k < EDGEAI_PROG_MAX_INPUTS; k++)
			op[i].inputs[k] = EDGEAI_PROG_NO_TENSOR;
		op[i].inputs[0] = i ? 3 + i - 1 : 0;
		op[i].inputs[1] = 1;
		op[i].inputs[2] = 2;
		op[i].output = 3 + i;
		cp->stride_h = 1;
		cp->stride_w = 1;
		cp->dilation_h = 1;
		cp->dilation_w = 1;
		cp->pad_top = 1;
		cp->pad_left = 1;
		cp->depth_multiplier = 1;
		cp->act_min = -128;
		cp->act_max = 127;
		cp->qmul_offset = qmul_off;
	}
	return 0;
}

/* The input bytes the tests use. */
static inline void eai_chain_input(void *p, uint64_t n, uint32_t seed)
{
	uint8_t *b = p;

	for (uint64_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 131u + seed * 7u + (i >> 7)) & 0xff);
}

#endif /* EDGEAI_CHAIN_LIB_H */
