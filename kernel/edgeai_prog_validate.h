/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_PROG_VALIDATE_H__
#define __EDGEAI_PROG_VALIDATE_H__

#include <linux/types.h>

#include "drm/edgeai_program.h"

/*
 * @EDGEAI_PROG_MAX_WORK: most MAC-equivalents a program may derive. It also
 * bounds the CPU time the simulator spends running one job (its op kernels
 * cannot be preempted by a core reset): about 10 ms of device time at
 * 512 MACs per cycle and 800 MHz, seconds of host CPU.
 */
#define EDGEAI_PROG_MAX_WORK	0x100000000ULL	/* 2^32 */
/** @EDGEAI_PROG_MAX_BYTES: most bytes a program's ops may read and write */
#define EDGEAI_PROG_MAX_BYTES	0x10000000000ULL	/* 2^40 */

/**
 * struct edgeai_prog_work - what a validated program costs
 * @macs: multiply-accumulates (pooling and reductions count one per tap)
 * @bytes: bytes the ops read and write (inputs, constants and outputs)
 * @const_bytes: the part of @bytes the ops read from the program's
 *	constant region (weights, biases, tables): the same for every run
 * @slot_count: buffer slots the program uses (its header's slot_count)
 */
struct edgeai_prog_work {
	u64 macs;
	u64 bytes;
	u64 const_bytes;
	u32 slot_count;
};

/**
 * struct edgeai_prog_op_work - what one op of a validated program costs
 * @macs: its multiply-accumulates, as counted in &edgeai_prog_work.macs
 * @bytes: the bytes it reads and writes, as counted in &edgeai_prog_work.bytes
 * @const_bytes: the part of @bytes read from the constant region
 */
struct edgeai_prog_op_work {
	u64 macs;
	u64 bytes;
	u64 const_bytes;
};

/**
 * struct edgeai_prog_slots - what a validated program needs of its buffers
 * @count: buffer slots it uses (its header's slot_count)
 * @end: per slot, where its furthest tensor ends (0 for an unused slot)
 * @end_tensor: per slot, a tensor that ends at @end, -1 for none
 * @writer: per slot, the first op writing into it, -1 for none
 *
 * Derived once at PROGRAM_CREATE, so that a submit checks the buffers it
 * binds against it in O(slots) (edgeai_prog_check_slots()) instead of
 * walking the program again.
 */
struct edgeai_prog_slots {
	u32 count;
	u64 end[EDGEAI_PROG_MAX_SLOTS];
	s32 end_tensor[EDGEAI_PROG_MAX_SLOTS];
	s32 writer[EDGEAI_PROG_MAX_SLOTS];
};

/**
 * struct edgeai_prog_check_err - where a program failed validation
 * @op: index of the failing op, or -1 for the header and tensor table
 * @tensor: index of the failing tensor, or -1
 * @reason: short static description of the broken rule
 */
struct edgeai_prog_check_err {
	s32 op;
	s32 tensor;
	const char *reason;
};

int edgeai_prog_check(const void *blob, size_t size, const u64 *op_mask,
		      const u64 *slot_size, const bool *slot_writable,
		      u32 slot_count, struct edgeai_prog_work *work,
		      struct edgeai_prog_check_err *err);
int edgeai_prog_op_work(const void *blob, size_t size, const u64 *op_mask,
			struct edgeai_prog_op_work *op_work, u32 op_work_count,
			struct edgeai_prog_slots *slots,
			struct edgeai_prog_check_err *err);
int edgeai_prog_check_slots(const struct edgeai_prog_slots *slots,
			    const u64 *slot_size, const bool *slot_writable,
			    u32 slot_count, struct edgeai_prog_check_err *err);

#endif /* __EDGEAI_PROG_VALIDATE_H__ */
