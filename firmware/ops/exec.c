// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The command processor: checks a program's header once, then for each op
 * resolves its tensors against the bound buffers and the constant region
 * and runs it, on a caller's hook (struct ek_exec_hooks) or on its
 * reference kernel. The one loop over a program's ops, for the simulator
 * and libedgeai's CPU path alike.
 */
#include "ops-internal.h"

int ek_prog_check(const void *prog, size_t prog_size)
{
	const struct edgeai_prog_header *h = prog;

	if (prog_size < sizeof(*h) || h->magic != EDGEAI_PROG_MAGIC ||
	    h->version != EDGEAI_PROG_VERSION || h->total_size != prog_size ||
	    h->tensor_offset > prog_size || h->op_offset > prog_size ||
	    h->const_offset > prog_size ||
	    (prog_size - h->tensor_offset) / sizeof(struct edgeai_prog_tensor) <
	    h->tensor_count ||
	    (prog_size - h->op_offset) / sizeof(struct edgeai_prog_op) <
	    h->op_count ||
	    prog_size - h->const_offset < h->const_size)
		return EK_EXEC_BAD_PROGRAM;
	return EK_EXEC_OK;
}

int ek_resolve(const void *prog, uint32_t idx, void *const *slots,
	       unsigned int slot_count, struct ek_tensor *t)
{
	const struct edgeai_prog_header *h = prog;
	const uint8_t *base = prog;
	const struct edgeai_prog_tensor *src;
	int i;

	if (idx == EDGEAI_PROG_NO_TENSOR) {
		t->data = NULL;
		return EK_EXEC_OK;
	}
	if (idx >= h->tensor_count)
		return EK_EXEC_BAD_PROGRAM;
	src = (const struct edgeai_prog_tensor *)(base + h->tensor_offset) + idx;
	if (src->slot == EDGEAI_PROG_SLOT_CONST)
		t->data = (void *)(base + h->const_offset + src->offset);
	else if (src->slot < slot_count && slots[src->slot])
		t->data = (uint8_t *)slots[src->slot] + src->offset;
	else
		return EK_EXEC_BAD_PROGRAM;
	t->dtype = src->dtype;
	t->zp = src->zero_point;
	for (i = 0; i < 4; i++)
		t->d[i] = src->dims[i];
	return EK_EXEC_OK;
}

int ek_run_op(const struct ek_op *o)
{
	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		return ek_conv(o);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return ek_depthwise(o);
	case EDGEAI_OP_FULLY_CONNECTED:
		return ek_fc(o);
	case EDGEAI_OP_BATCH_MATMUL:
		return ek_matmul(o);
	case EDGEAI_OP_ADD:
		return ek_add(o, 0);
	case EDGEAI_OP_SUB:
		return ek_add(o, 1);
	case EDGEAI_OP_SQUARED_DIFFERENCE:
		return ek_add(o, 2);
	case EDGEAI_OP_L2_NORMALIZATION:
		return ek_l2norm(o);
	case EDGEAI_OP_MUL:
		return ek_mul(o);
	case EDGEAI_OP_MAXIMUM:
		return ek_maxmin(o, 1);
	case EDGEAI_OP_MINIMUM:
		return ek_maxmin(o, 0);
	case EDGEAI_OP_AVERAGE_POOL_2D:
		return ek_pool(o, 0);
	case EDGEAI_OP_MAX_POOL_2D:
		return ek_pool(o, 1);
	case EDGEAI_OP_MEAN:
		return ek_mean(o);
	case EDGEAI_OP_SOFTMAX:
		return ek_softmax(o);
	case EDGEAI_OP_LOGISTIC:
	case EDGEAI_OP_TANH:
	case EDGEAI_OP_HARD_SWISH:
	case EDGEAI_OP_LEAKY_RELU:
	case EDGEAI_OP_TABLE:
		return ek_lut(o);
	case EDGEAI_OP_RELU:
	case EDGEAI_OP_RELU6:
	case EDGEAI_OP_QUANTIZE:
		return ek_requant(o);
	case EDGEAI_OP_PRELU:
		return ek_prelu(o);
	case EDGEAI_OP_PAD:
		return ek_pad(o);
	case EDGEAI_OP_CONCATENATION:
		return ek_concat(o);
	case EDGEAI_OP_RESHAPE:
		return ek_reshape(o);
	case EDGEAI_OP_RESIZE_BILINEAR:
		return ek_resize(o, 1);
	case EDGEAI_OP_RESIZE_NEAREST_NEIGHBOR:
		return ek_resize(o, 0);
	case EDGEAI_OP_STRIDED_SLICE:
		return ek_slice(o);
	case EDGEAI_OP_TRANSPOSE:
		return ek_transpose(o);
	case EDGEAI_OP_DEPTH_TO_SPACE:
		return ek_space_depth(o, 1);
	case EDGEAI_OP_SPACE_TO_DEPTH:
		return ek_space_depth(o, 0);
	case EDGEAI_OP_TRANSPOSE_CONV:
		return ek_tconv(o);
	case EDGEAI_OP_ARG_MAX:
		return ek_argmax(o);
	default:
		return EK_EXEC_BAD_OP;
	}
}

/*
 * ek_resolve() of tensor @idx, at its place in @hooks' bindings when it
 * has one there.
 */
static int ek_resolve_bound(const void *prog, uint32_t idx, void *const *slots,
			    unsigned int slot_count,
			    const struct ek_exec_hooks *hooks,
			    struct ek_tensor *t)
{
	unsigned int i;
	int ret = ek_resolve(prog, idx, slots, slot_count, t);

	if (ret || !hooks || !t->data)
		return ret;
	for (i = 0; i < hooks->n_bind; i++) {
		const struct ek_bind *b = &hooks->bind[i];

		if (b->tensor != idx)
			continue;
		if (b->slot >= slot_count || !slots[b->slot])
			return EK_EXEC_BAD_PROGRAM;
		t->data = (uint8_t *)slots[b->slot] + b->offset;
		break;
	}
	return EK_EXEC_OK;
}

/* Resolve the inputs and the output of @o->op into @o. */
static int ek_resolve_op(const void *prog, void *const *slots,
			 unsigned int slot_count,
			 const struct ek_exec_hooks *hooks, struct ek_op *o)
{
	uint32_t k;

	o->n_in = 0;
	for (k = 0; k < EDGEAI_PROG_MAX_INPUTS; k++) {
		if (ek_resolve_bound(prog, o->op->inputs[k], slots, slot_count,
				     hooks, &o->in[k]))
			return EK_EXEC_BAD_PROGRAM;
		if (o->in[k].data)
			o->n_in = k + 1;
	}
	if (ek_resolve_bound(prog, o->op->output, slots, slot_count, hooks,
			     &o->out) || !o->out.data)
		return EK_EXEC_BAD_PROGRAM;
	return EK_EXEC_OK;
}

/* Op @i on the caller's hook; on its reference kernel if the hook declines. */
static int ek_run_hooked(const struct ek_exec_hooks *hooks,
			 const struct ek_op *o, unsigned int i)
{
	int ret = EK_EXEC_NOT_HANDLED;

	if (hooks && hooks->run_op)
		ret = hooks->run_op(hooks->ctx, o, i);
	return ret == EK_EXEC_NOT_HANDLED ? ek_run_op(o) : ret;
}

/* The header's checks, and @first..@first + @count - 1 inside the op list. */
static const struct edgeai_prog_op *ek_op_range(const void *prog, size_t prog_size,
						unsigned int first, unsigned int count)
{
	const struct edgeai_prog_header *h = prog;

	if (ek_prog_check(prog, prog_size) || first > h->op_count ||
	    count > h->op_count - first)
		return NULL;
	return (const struct edgeai_prog_op *)((const uint8_t *)prog + h->op_offset);
}

int ek_exec_ops(const void *prog, size_t prog_size, void *const *slots,
		unsigned int slot_count, const struct ek_exec_hooks *hooks,
		unsigned int first, unsigned int count, unsigned int *failed_op)
{
	const struct edgeai_prog_header *h = prog;
	const struct edgeai_prog_op *ops;
	struct ek_op o;
	uint32_t i;
	int ret;

	if (failed_op)
		*failed_op = EK_NO_OP;
	ops = ek_op_range(prog, prog_size, first, count);
	if (!ops)
		return EK_EXEC_BAD_PROGRAM;
	o.consts = (const uint8_t *)prog + h->const_offset;
	o.const_size = h->const_size;

	for (i = first; i < first + count; i++) {
		o.op = &ops[i];
		ret = ek_resolve_op(prog, slots, slot_count, hooks, &o);
		if (!ret)
			ret = ek_run_hooked(hooks, &o, i);
		if (ret) {
			if (failed_op)
				*failed_op = i;
			return ret;
		}
	}
	return EK_EXEC_OK;
}

int ek_exec_resolve(const void *prog, size_t prog_size, void *const *slots,
		    unsigned int slot_count, const struct ek_exec_hooks *hooks,
		    struct ek_op *ops, unsigned int *failed_op)
{
	const struct edgeai_prog_header *h = prog;
	const struct edgeai_prog_op *rec;
	uint32_t i;

	if (failed_op)
		*failed_op = EK_NO_OP;
	rec = ek_op_range(prog, prog_size, 0, 0);
	if (!rec)
		return EK_EXEC_BAD_PROGRAM;
	for (i = 0; i < h->op_count; i++) {
		ops[i].op = &rec[i];
		ops[i].consts = (const uint8_t *)prog + h->const_offset;
		ops[i].const_size = h->const_size;
		if (ek_resolve_op(prog, slots, slot_count, hooks, &ops[i])) {
			if (failed_op)
				*failed_op = i;
			return EK_EXEC_BAD_PROGRAM;
		}
	}
	return EK_EXEC_OK;
}

int ek_exec_resolved(const struct ek_op *ops, unsigned int count,
		     const struct ek_exec_hooks *hooks, unsigned int *failed_op)
{
	unsigned int i;
	int ret;

	if (failed_op)
		*failed_op = EK_NO_OP;
	for (i = 0; i < count; i++) {
		ret = ek_run_hooked(hooks, &ops[i], i);
		if (ret) {
			if (failed_op)
				*failed_op = i;
			return ret;
		}
	}
	return EK_EXEC_OK;
}

int ek_exec_program(const void *prog, size_t prog_size,
		    void *const *slots, unsigned int slot_count,
		    const struct ek_exec_hooks *hooks, unsigned int *failed_op)
{
	const struct edgeai_prog_header *h = prog;

	if (failed_op)
		*failed_op = EK_NO_OP;
	if (ek_prog_check(prog, prog_size))
		return EK_EXEC_BAD_PROGRAM;
	return ek_exec_ops(prog, prog_size, slots, slot_count, hooks, 0,
			   h->op_count, failed_op);
}
