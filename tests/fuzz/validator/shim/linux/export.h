/* SPDX-License-Identifier: GPL-2.0-only */
/* Host shim for kernel/edgeai_program.c: no symbol exports on the host. */
