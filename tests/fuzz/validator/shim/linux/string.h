/* SPDX-License-Identifier: GPL-2.0-only */
/* Host shim for kernel/edgeai_prog_validate.c: memset. */
#include <string.h>
