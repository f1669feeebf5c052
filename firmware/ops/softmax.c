// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SOFTMAX, 8-bit in and out.
 *
 * TFLite 2.9.0's x86-64 build (no TFLITE_SOFTMAX_USE_UINT16_LUT) runs
 * optimized_ops::Softmax with a float table: for each row, the maximum
 * m, sum_exp = sum in order of table[m - x] (binary32 adds), inv =
 * 1 / (sum_exp * s_out), out = round(table[m - x] * inv) + zp_out,
 * clamped. The compiler writes the table (expf values) as bit patterns;
 * the arithmetic is replayed on integers (softfloat.c), not approximated.
 */
#include "ops-internal.h"

#define EK_F32_ONE	0x3f800000U

int ek_softmax(const struct ek_op *o)
{
	const struct edgeai_prog_softmax_params *p =
		(const struct edgeai_prog_softmax_params *)o->op->params;
	const struct ek_tensor *in = &o->in[0], *out = &o->out;
	const uint32_t *table = ek_const(o, p->table_offset, 1024, 4);
	int32_t lo = ek_type_min(out->dtype), hi = ek_type_max(out->dtype);
	uint32_t depth = in->d[3], rows, r, j;

	if (!table || !ek_is8(in->dtype) || !ek_is8(out->dtype) ||
	    ek_count(in) != ek_count(out) || out->d[3] != depth)
		return EK_EXEC_BAD_OP;
	rows = ek_count(in) / depth;

	for (r = 0; r < rows; r++) {
		uint32_t base = r * depth, sum = 0, inv;
		int32_t max = ek_ld(in, base);

		for (j = 1; j < depth; j++)
			if (ek_ld(in, base + j) > max)
				max = ek_ld(in, base + j);
		for (j = 0; j < depth; j++)
			sum = ek_f32_add(sum, table[max - ek_ld(in, base + j)]);
		inv = ek_f32_div(EK_F32_ONE, ek_f32_mul(sum, p->out_scale));
		for (j = 0; j < depth; j++) {
			uint32_t v = ek_f32_mul(table[max - ek_ld(in, base + j)],
						inv);

			ek_st(out, base + j, ek_wadd(ek_f32_round(v), out->zp), lo, hi);
		}
	}
	return EK_EXEC_OK;
}
