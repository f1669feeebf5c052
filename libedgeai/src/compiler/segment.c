// SPDX-License-Identifier: MIT
/*
 * Segments: consecutive program ops of one side, the CPU or one device,
 * in program order. Every segment is the compiled blob
 * with the segment's ops only (the same tensor table, and the constants
 * those ops read), so all segments address one arena (slot 0). Device segments are uploaded
 * (PROGRAM_CREATE) once here; requests (exec/request.c) run them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/place.h"
#include "drm/edgeai_program.h"
#include "runtime/runtime.h"

/* The bytes [lo, hi) of the constant region that some ops use. */
struct const_span {
	uint64_t lo, hi;
};

static void span_add(struct const_span *sp, uint64_t off, uint64_t len)
{
	if (off == EDGEAI_PROG_NO_CONST || !len)
		return;
	if (off < sp->lo)
		sp->lo = off;
	if (off + len > sp->hi)
		sp->hi = off + len;
}

static uint64_t tensor_bytes(const struct edgeai_prog_tensor *t)
{
	uint64_t n = t->dtype == EDGEAI_DTYPE_INT64 ? 8 : t->dtype == EDGEAI_DTYPE_INT32 ? 4 :
		     t->dtype == EDGEAI_DTYPE_INT16 ? 2 : 1;
	int d;

	for (d = 0; d < 4; d++)
		n *= t->dims[d];
	return n;
}

/*
 * The constant bytes op @o reads: its constant tensors and the tables its
 * parameters point to (the references the kernel's validator checks).
 */
static void op_span(struct const_span *sp, const struct edgeai_prog_op *o,
		    const struct edgeai_prog_tensor *t)
{
	const struct edgeai_prog_tensor *out = &t[o->output];
	uint32_t i;

	for (i = 0; i < EDGEAI_PROG_MAX_INPUTS; i++)
		if (o->inputs[i] != EDGEAI_PROG_NO_TENSOR &&
		    t[o->inputs[i]].slot == EDGEAI_PROG_SLOT_CONST)
			span_add(sp, t[o->inputs[i]].offset, tensor_bytes(&t[o->inputs[i]]));
	switch (o->opcode) {
	case EDGEAI_OP_CONV_2D:
	case EDGEAI_OP_DEPTHWISE_CONV_2D: {
		const struct edgeai_prog_conv_params *p = (const void *)o->params;

		span_add(sp, p->qmul_offset,
			 (uint64_t)out->dims[3] * sizeof(struct edgeai_prog_qmul));
		break;
	}
	case EDGEAI_OP_TRANSPOSE_CONV: {
		const struct edgeai_prog_tconv_params *p = (const void *)o->params;

		span_add(sp, p->qmul_offset,
			 (uint64_t)out->dims[3] * sizeof(struct edgeai_prog_qmul));
		break;
	}
	case EDGEAI_OP_RESIZE_BILINEAR:
	case EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR: {
		const struct edgeai_prog_resize_params *p = (const void *)o->params;
		uint64_t es = o->opcode == EDGEAI_OP_RESIZE_BILINEAR ?
			      sizeof(struct edgeai_prog_interp) : sizeof(uint32_t);

		span_add(sp, p->y_map_offset, out->dims[1] * es);
		span_add(sp, p->x_map_offset, out->dims[2] * es);
		break;
	}
	case EDGEAI_OP_SOFTMAX:
		span_add(sp, ((const struct edgeai_prog_softmax_params *)o->params)->table_offset,
			 256 * 4);
		break;
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE:
		span_add(sp, ((const struct edgeai_prog_lut_params *)o->params)->table_offset, 256);
		break;
	}
}

static void rebase(uint32_t *off, uint64_t lo)
{
	if (*off != EDGEAI_PROG_NO_CONST)
		*off -= (uint32_t)lo;
}

/* Point op @o's table references at a constant region that starts at @lo. */
static void op_rebase(struct edgeai_prog_op *o, uint64_t lo)
{
	switch (o->opcode) {
	case EDGEAI_OP_CONV_2D:
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		rebase(&((struct edgeai_prog_conv_params *)o->params)->qmul_offset, lo);
		break;
	case EDGEAI_OP_TRANSPOSE_CONV:
		rebase(&((struct edgeai_prog_tconv_params *)o->params)->qmul_offset, lo);
		break;
	case EDGEAI_OP_RESIZE_BILINEAR:
	case EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR:
		rebase(&((struct edgeai_prog_resize_params *)o->params)->y_map_offset, lo);
		rebase(&((struct edgeai_prog_resize_params *)o->params)->x_map_offset, lo);
		break;
	case EDGEAI_OP_SOFTMAX:
		rebase(&((struct edgeai_prog_softmax_params *)o->params)->table_offset, lo);
		break;
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE:
		rebase(&((struct edgeai_prog_lut_params *)o->params)->table_offset, lo);
		break;
	}
}

/*
 * The compiled blob with program ops [first, first + count) only, and of
 * its constant region only the bytes those ops read (from the first to
 * the last, 64-byte aligned, so every offset keeps its alignment): a
 * model cut into many segments holds its weights once, not once a
 * segment, in the library and in the driver. Constant tensors no op of
 * the segment reads become one byte at offset 0.
 */
void *cc_sub_blob(const struct cc_compiled *c, uint32_t first, uint32_t count, size_t *ret_size)
{
	const struct edgeai_prog_header *h = c->blob;
	const struct edgeai_prog_tensor *t = (const void *)((const uint8_t *)c->blob + h->tensor_offset);
	const struct edgeai_prog_op *ops = (const void *)((const uint8_t *)c->blob + h->op_offset);
	struct const_span sp = { .lo = UINT64_MAX, .hi = 0 };
	size_t ooff = h->op_offset, opsz = sizeof(struct edgeai_prog_op), koff, ksize, total;
	struct edgeai_prog_header *nh;
	struct edgeai_prog_tensor *nt;
	struct edgeai_prog_op *no;
	uint32_t i;
	uint8_t *b;

	for (i = first; i < first + count; i++)
		op_span(&sp, &ops[i], t);
	if (sp.hi <= sp.lo)
		sp.lo = sp.hi = 0;	/* no constants */
	sp.lo &= ~(uint64_t)63;
	koff = ooff + opsz * count;
	ksize = sp.hi - sp.lo;
	/*
	 * room for the unused constant tensors, one element at offset 0: up
	 * to 8 bytes (an int64), also when the segment reads fewer (a 1-byte
	 * scalar at an offset 64 divides)
	 */
	if (ksize < 8)
		ksize = 8;
	total = (koff + ksize + 7) & ~(size_t)7;
	b = aligned_alloc(64, (total + 63) & ~(size_t)63);
	if (!b)
		return NULL;
	memset(b, 0, total);
	memcpy(b, c->blob, ooff);
	memcpy(b + ooff, ops + first, opsz * count);
	memcpy(b + koff, (const uint8_t *)c->blob + h->const_offset + sp.lo, sp.hi - sp.lo);
	nh = (void *)b;
	nh->op_count = count;
	nh->const_offset = (uint32_t)koff;
	nh->const_size = (uint32_t)ksize;
	nh->total_size = (uint32_t)total;
	nt = (void *)(b + h->tensor_offset);
	for (i = 0; i < h->tensor_count; i++) {
		if (nt[i].slot != EDGEAI_PROG_SLOT_CONST)
			continue;
		if (nt[i].offset >= sp.lo && nt[i].offset + tensor_bytes(&nt[i]) <= sp.hi) {
			nt[i].offset -= sp.lo;
		} else {
			nt[i].offset = 0;
			nt[i].dims[0] = nt[i].dims[1] = nt[i].dims[2] = nt[i].dims[3] = 1;
		}
	}
	no = (void *)(b + ooff);
	for (i = 0; i < count; i++)
		op_rebase(&no[i], sp.lo);
	*ret_size = total;
	return b;
}

/* Model op owning program op @p (or -1). */
static int32_t model_op_of(const struct cc_compiled *c, uint32_t p)
{
	int32_t i, best = -1;

	for (i = 0; i < (int32_t)c->n_ops; i++)
		if (c->place[i].prog_op <= p)
			best = i;
	return best;
}

static int dev_index(const struct cc_devices *s, uint32_t exec_dev)
{
	uint32_t k;

	for (k = 0; k < s->n_dev; k++)
		if (s->d[k].exec_dev == exec_dev)
			return (int)k;
	return -1;
}

void cc_segments_free(const struct cc_devices *s, struct cc_seg *seg, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (seg[i].on_dev)
			rt_program_destroy(s->d[seg[i].di].dev, seg[i].handle);
		free(seg[i].blob);
	}
	free(seg);
}

/*
 * Append the segment of program ops [p, q) on side @side (a device index,
 * or -1 for the CPU) and upload a device one. A device program with more
 * work than one job may do (-E2BIG) is cut in two halves, each cut again
 * as needed, that run one after the other on the device: a model too big
 * for one job takes several, not the CPU.
 */
static int seg_add(struct cc_devices *s, const struct cc_compiled *c, int side, uint32_t p,
		   uint32_t q, char *err, size_t errsz)
{
	struct cc_seg *sg, *ns;
	uint32_t mid;
	int r;

	ns = realloc(s->seg, sizeof(*s->seg) * (s->n_seg + 1));
	if (!ns)
		return -ENOMEM;
	s->seg = ns;
	sg = &s->seg[s->n_seg++];
	memset(sg, 0, sizeof(*sg));
	sg->first = p;
	sg->count = q - p;
	sg->on_dev = side >= 0;
	sg->di = side >= 0 ? (uint32_t)side : 0;
	sg->blob = cc_sub_blob(c, p, q - p, &sg->size);
	if (!sg->blob)
		return -ENOMEM;
	if (!sg->on_dev)
		return 0;
	r = rt_program_create(s->d[sg->di].dev, sg->blob, sg->size, &sg->handle);
	if (r == -E2BIG && q - p > 1) {
		free(sg->blob);
		s->n_seg--;
		mid = p + (q - p) / 2;
		r = seg_add(s, c, side, p, mid, err, errsz);
		return r ? r : seg_add(s, c, side, mid, q, err, errsz);
	}
	if (r && err && errsz)
		snprintf(err, errsz, "program of ops %u..%u on %s: %s", p, q - 1,
			 s->d[sg->di].node, edgeai_strerror(r));
	return r;
}

int cc_segments_build(struct cc_devices *s, const struct cc_compiled *c, char *err, size_t errsz)
{
	const struct edgeai_prog_header *h = c->blob;
	uint32_t n_prog = h->op_count, p;
	int r;

	cc_segments_free(s, s->seg, s->n_seg);
	s->seg = NULL;
	s->n_seg = 0;
	for (p = 0; p < n_prog;) {
		int32_t mo = model_op_of(c, p);
		int side = mo >= 0 ? dev_index(s, c->place[mo].device) : -1;
		uint32_t q = p + 1;

		while (q < n_prog) {
			int32_t m2 = model_op_of(c, q);

			if ((m2 >= 0 ? dev_index(s, c->place[m2].device) : -1) != side)
				break;
			q++;
		}
		r = seg_add(s, c, side, p, q, err, errsz);
		if (r)
			return r;
		p = q;
	}
	return 0;
}
