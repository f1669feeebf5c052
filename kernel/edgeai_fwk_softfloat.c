// SPDX-License-Identifier: GPL-2.0-only
/* The firmware op kernels, built into the simulator (firmware/kernels/softfloat.c). */
#include "../firmware/kernels/softfloat.c"
