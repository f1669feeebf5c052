// SPDX-License-Identifier: GPL-2.0-only
/* The firmware op kernels, built into the simulator (firmware/ops/exec.c). */
#include "../firmware/ops/exec.c"
