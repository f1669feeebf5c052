/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host shim: the kernel types kernel/edgeai_prog_validate.c uses, so the
 * validator builds unchanged under libFuzzer. Not a kernel header.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include_next <linux/types.h>	/* the host uapi __u32 and friends */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define U32_MAX UINT32_MAX
#define U64_MAX UINT64_MAX
#endif
