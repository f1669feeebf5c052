/* SPDX-License-Identifier: MIT */
/* Optimized CPU kernels (cpu-avx2.c): same bytes as firmware/kernels/. */
#ifndef EDGEAI_CPU_OPT_H
#define EDGEAI_CPU_OPT_H

#include "ek_internal.h"

#define EA_OPT_NOT_HANDLED 1000

/* 1 when this CPU has what the optimized kernels need (AVX2). */
__attribute__((visibility("hidden"))) int ea_opt_available(void);
/*
 * Run @o: 0, a kernel error, or EA_OPT_NOT_HANDLED (use the reference).
 * @prep: what ea_opt_prepare() made for this op (weights in the kernel's
 * layout), or NULL to convert them on the fly.
 */
__attribute__((visibility("hidden"))) int ea_opt_run(const struct ek_op *o, const void *prep);
/* Weights of op @o (constant) in the layout ea_opt_run() wants, or NULL. */
__attribute__((visibility("hidden"))) void *ea_opt_prepare(const struct ek_op *o);

#endif
