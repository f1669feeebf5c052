// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fixed-point arithmetic of TFLite's integer kernels beyond the inline
 * ek_srdhm(), ek_rdivpot() and ek_mbqm() of ops.h: the fixed-point inverse
 * square root, and the rescale ruy's x86 GEMM rounds. The op kernels
 * rescale with them, and so does libedgeai's compiler where it computes
 * activation tables.
 */
#include "ops-internal.h"

/* gemmlowp SaturatingRoundingMultiplyByPOT<e>, 0 < e < 31 */
static int32_t sat_shl(int32_t x, int e)
{
	int32_t thr = (int32_t)((1U << (31 - e)) - 1);

	if (x > thr)
		return EK_I32_MAX;
	if (x < -thr)
		return EK_I32_MIN;
	return (int32_t)((uint32_t)x << e);
}

void ek_inv_sqrt(int32_t x, int32_t *mul, int *shift)
{
	const int32_t half_three = (1 << 28) + (1 << 27);
	int32_t half_in, v = 1 << 28, v3;
	int s = 11, pairs, i;

	if (x <= 1) {
		*mul = EK_I32_MAX;
		*shift = 0;
		return;
	}
	while (x >= (1 << 29)) {
		x /= 4;
		s++;
	}
	pairs = (__builtin_clz((uint32_t)x) - 1) / 2 - 1;
	s -= pairs;
	x = (int32_t)((uint32_t)x << (2 * pairs));
	half_in = ek_rdivpot(x >> 1, 1);
	for (i = 0; i < 5; i++) {
		v3 = sat_shl(ek_srdhm(ek_srdhm(v, v), v), 6);
		v = sat_shl((int32_t)((uint32_t)ek_srdhm(half_three, v) -
				      (uint32_t)ek_srdhm(half_in, v3)), 3);
	}
	v = ek_srdhm(v, 1518500250);	/* sqrt(2) / 2 in Q0.31 */
	if (s < 0) {
		v = (int32_t)((uint32_t)v << -s);
		s = 0;
	}
	*mul = v;
	*shift = -s;
}

/*
 * TFLite 2.9.0 on x86-64 runs CONV_2D and FULLY_CONNECTED through ruy's
 * GEMM, whose AVX2/AVX-512 kernels apply the multiplier as
 * (x * M + 2^30) >> 31 (floor; equal to gemmlowp's doubling high multiply)
 * and then round the right shift half up, (v + 2^(e-1)) >> e, where
 * gemmlowp rounds half away from zero. They differ on negative ties
 * (measured against the oracle: about 1 conv output in 300).
 */
int32_t ek_mbqm_up(int32_t x, int32_t multiplier, int shift)
{
	int left = shift > 0 ? shift : 0;
	int right = shift > 0 ? 0 : -shift;
	int64_t v;

	if (left > 31)
		left = 31;
	if (right > 31)
		right = 31;
	x = (int32_t)((uint32_t)x << left);
	v = ((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31;
	if (right)
		v = (v + ((int64_t)1 << (right - 1))) >> right;
	return (int32_t)v;
}
