/* SPDX-License-Identifier: GPL-2.0-only */
/* Host shim for kernel/edgeai_prog_validate.c: the kernel's checked arithmetic. */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
#endif
