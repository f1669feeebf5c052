// SPDX-License-Identifier: MIT
/*
 * CPU execution of an edgeai program, op by op: each op is resolved the way
 * the firmware command processor resolves it (firmware/kernels/exec.c),
 * then run by an optimized kernel when one handles it on this CPU, else by
 * the firmware reference kernel. The optimized kernels give the same bytes
 * (tests/host/test-cpu-kernels.c checks them against the reference).
 */
#include <errno.h>
#include <string.h>

#include "cpu.h"
#include "cpu-opt.h"
#include "ek_internal.h"

static int resolve(const struct edgeai_prog_header *h, const struct edgeai_prog_tensor *tt,
		   uint32_t idx, const uint8_t *base, void *const *slots, unsigned int n_slots,
		   struct ek_tensor *t)
{
	const struct edgeai_prog_tensor *src;

	if (idx == EDGEAI_PROG_NO_TENSOR) {
		t->data = NULL;
		return 0;
	}
	if (idx >= h->tensor_count)
		return -1;
	src = &tt[idx];
	if (src->slot == EDGEAI_PROG_SLOT_CONST)
		t->data = (void *)(base + h->const_offset + src->offset);
	else if (src->slot < n_slots && slots[src->slot])
		t->data = (uint8_t *)slots[src->slot] + src->offset;
	else
		return -1;
	t->dtype = src->dtype;
	t->zp = src->zero_point;
	memcpy(t->d, src->dims, sizeof(t->d));
	return 0;
}

static int run_ref(const struct ek_op *o)
{
	switch (o->op->opcode) {
	case EDGEAI_OP_CONV_2D:
		return ek_conv(o);
	case EDGEAI_OP_DEPTHWISE_CONV_2D:
		return ek_depthwise(o);
	case EDGEAI_OP_FULLY_CONNECTED:
		return ek_fc(o);
	case EDGEAI_OP_ADD:
		return ek_add(o, 0);
	case EDGEAI_OP_SUB:
		return ek_add(o, 1);
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
	default:
		return EDGEAI_EXEC_BAD_OP;
	}
}

const char *ea_cpu_kernels_name(int reference)
{
	return !reference && ea_opt_available() ? "avx2" : "reference";
}

int ea_cpu_exec(const void *prog, size_t size, void *const *slots, unsigned int n_slots,
		int reference, unsigned int *failed_op)
{
	const struct edgeai_prog_header *h = prog;
	const uint8_t *base = prog;
	const struct edgeai_prog_tensor *tt;
	const struct edgeai_prog_op *ops;
	int opt = !reference && ea_opt_available();
	struct ek_op o;
	uint32_t i, k;

	*failed_op = 0;
	if (size < sizeof(*h) || h->magic != EDGEAI_PROG_MAGIC || h->total_size != size ||
	    h->tensor_offset > size || h->op_offset > size || h->const_offset > size ||
	    (size - h->tensor_offset) / sizeof(*tt) < h->tensor_count ||
	    (size - h->op_offset) / sizeof(*ops) < h->op_count ||
	    size - h->const_offset < h->const_size)
		return -EINVAL;
	tt = (const void *)(base + h->tensor_offset);
	ops = (const void *)(base + h->op_offset);
	o.consts = base + h->const_offset;
	o.const_size = h->const_size;
	for (i = 0; i < h->op_count; i++) {
		int r;

		*failed_op = i;
		o.op = &ops[i];
		o.n_in = 0;
		for (k = 0; k < EDGEAI_PROG_MAX_INPUTS; k++) {
			if (resolve(h, tt, ops[i].inputs[k], base, slots, n_slots, &o.in[k]))
				return -EIO;
			if (o.in[k].data)
				o.n_in = k + 1;
		}
		if (resolve(h, tt, ops[i].output, base, slots, n_slots, &o.out) || !o.out.data)
			return -EIO;
		r = opt ? ea_opt_run(&o) : EA_OPT_NOT_HANDLED;
		if (r == EA_OPT_NOT_HANDLED)
			r = run_ref(&o);
		if (r)
			return -EIO;
	}
	return 0;
}
