// SPDX-License-Identifier: GPL-2.0-only
/* The firmware op kernels, built into the simulator (firmware/ops/conv.c). */
#include "../firmware/ops/conv.c"
