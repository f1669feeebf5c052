/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * edgeai firmware op kernels: the device-side command processor.
 *
 * Freestanding C: integer-only, no allocation, no recursion, no libc. The
 * same sources are built into the kernel's simulator backend and into
 * libedgeai (the CPU reference). Arithmetic is TFLite 2.9.0's built-in
 * kernels', bit for bit (see QUANT.md); per-op notes are in the sources.
 */
#ifndef _EDGEAI_OPS_H_
#define _EDGEAI_OPS_H_

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#include "drm/edgeai_program.h"

/**
 * enum ek_exec_status - result of ek_exec_program()
 * @EK_EXEC_OK: every op ran
 * @EK_EXEC_BAD_PROGRAM: header or tables unusable (not validated?)
 * @EK_EXEC_BAD_OP: an op, its dtypes or its parameters are not
 *	supported by these kernels
 */
enum ek_exec_status {
	EK_EXEC_OK = 0,
	EK_EXEC_BAD_PROGRAM = -1,
	EK_EXEC_BAD_OP = -2,
};

/**
 * ek_exec_program() - run every op of a program
 * @prog: the program blob, 8-byte aligned
 * @prog_size: its size in bytes
 * @slots: base address of each bound buffer, indexed by tensor slot
 * @slot_count: entries in @slots
 * @failed_op: if not NULL, receives the index of the op that failed
 *
 * The program must have passed the kernel validator (or an equivalent
 * check) against buffers of the sizes bound: the kernels trust tensor
 * offsets, shapes and parameters. Only cheap sanity checks are repeated.
 *
 * Return: an &enum ek_exec_status.
 */
int ek_exec_program(const void *prog, size_t prog_size,
		    void *const *slots, unsigned int slot_count,
		    unsigned int *failed_op);

/**
 * ek_mbqm() - TFLite MultiplyByQuantizedMultiplier (double rounding)
 * @x: value
 * @multiplier: fixed-point multiplier, 0..2^31 - 1
 * @shift: -31..30, positive is a left shift
 *
 * Return: round(x * multiplier * 2^(shift - 31)) as TFLite computes it.
 */
int32_t ek_mbqm(int32_t x, int32_t multiplier, int shift);

/**
 * ek_mbqm_up() - the same product as ruy's x86 GEMM rounds it
 * @x: value
 * @multiplier: fixed-point multiplier, 0..2^31 - 1
 * @shift: -31..30, positive is a left shift
 *
 * The doubling high multiply is the same; the final rounding right shift
 * rounds half up instead of half away from zero. TFLite 2.9.0 on x86-64
 * uses it for CONV_2D and FULLY_CONNECTED.
 *
 * Return: the rescaled value.
 */
int32_t ek_mbqm_up(int32_t x, int32_t multiplier, int shift);

#endif /* _EDGEAI_OPS_H_ */
