// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * IEEE 754 binary32 arithmetic on integers (round to nearest, ties to
 * even; subnormals supported; no NaN or infinity inputs expected).
 *
 * TFLite computes a few ops in float on the CPU (SOFTMAX's normalisation,
 * RESIZE_BILINEAR's interpolation). To be bit-exact without an FPU, and
 * without floating point in the kernel, the device replays the same float
 * operations on bit patterns. Values are handled as m * 2^(e - 150) with
 * m the 24-bit significand (implicit bit included) and e the biased
 * exponent (1 for subnormals).
 */
#include "ops-internal.h"

static int ek_bitlen64(uint64_t v)
{
	int n = 0;

	while (v) {
		v >>= 1;
		n++;
	}
	return n;
}

static void ek_f32_unpack(uint32_t f, uint32_t *s, uint64_t *m, int *e)
{
	*s = f >> 31;
	*e = (int)((f >> 23) & 0xff);
	*m = f & 0x7fffff;
	if (*e)
		*m |= 1U << 23;
	else
		*e = 1;
}

/* Round m * 2^(e - 150) (m's bit 0 may be a sticky bit) to binary32. */
static uint32_t ek_f32_pack(uint32_t s, uint64_t m, int e)
{
	int sh;

	if (!m)
		return s << 31;
	sh = ek_bitlen64(m) - 24;
	if (e + sh < 1)
		sh = 1 - e;		/* subnormal result */
	if (sh >= 64)
		return s << 31;
	if (sh <= 0) {
		m <<= -sh;
		e += sh;
	} else {
		uint64_t rem = m & ((1ULL << sh) - 1), half = 1ULL << (sh - 1);

		m >>= sh;
		e += sh;
		if (rem > half || (rem == half && (m & 1)))
			m++;
		if (m == 1U << 24) {
			m >>= 1;
			e++;
		}
	}
	if (e >= 255)
		return s << 31 | 0x7f800000U;
	if (m < (1U << 23))
		return s << 31 | (uint32_t)m;
	return s << 31 | (uint32_t)e << 23 | (uint32_t)(m & 0x7fffff);
}

uint32_t ek_f32_add(uint32_t a, uint32_t b)
{
	uint32_t sa, sb;
	uint64_t ma, mb;
	int ea, eb, d;

	ek_f32_unpack(a, &sa, &ma, &ea);
	ek_f32_unpack(b, &sb, &mb, &eb);
	/* a is the larger magnitude */
	if (eb > ea || (eb == ea && mb > ma)) {
		uint32_t ts = sa;
		uint64_t tm = ma;
		int te = ea;

		sa = sb;
		ma = mb;
		ea = eb;
		sb = ts;
		mb = tm;
		eb = te;
	}
	/* 32 guard bits; what falls off the smaller operand is jammed. */
	ma <<= 32;
	mb <<= 32;
	d = ea - eb;
	if (d >= 64) {
		mb = mb ? 1 : 0;
	} else if (d) {
		uint64_t lost = mb & ((1ULL << d) - 1);

		mb = (mb >> d) | (lost ? 1 : 0);
	}
	if (sa == sb)
		return ek_f32_pack(sa, ma + mb, ea - 32);
	if (ma == mb)
		return 0;
	return ek_f32_pack(sa, ma - mb, ea - 32);
}

uint32_t ek_f32_mul(uint32_t a, uint32_t b)
{
	uint32_t sa, sb;
	uint64_t ma, mb;
	int ea, eb;

	ek_f32_unpack(a, &sa, &ma, &ea);
	ek_f32_unpack(b, &sb, &mb, &eb);
	return ek_f32_pack(sa ^ sb, ma * mb, ea + eb - 150);
}

/* a / b for b != 0. */
uint32_t ek_f32_div(uint32_t a, uint32_t b)
{
	uint32_t sa, sb;
	uint64_t ma, mb, q, r;
	int ea, eb, nb;

	ek_f32_unpack(a, &sa, &ma, &ea);
	ek_f32_unpack(b, &sb, &mb, &eb);
	if (!ma || !mb)
		return (sa ^ sb) << 31;
	/* normalise subnormal significands */
	nb = 24 - ek_bitlen64(ma);
	ma <<= nb;
	ea -= nb;
	nb = 24 - ek_bitlen64(mb);
	mb <<= nb;
	eb -= nb;
	/* ma << 38 / mb has at least 38 significant bits */
	q = (ma << 38) / mb;
	r = (ma << 38) % mb;
	return ek_f32_pack(sa ^ sb, (q << 1) | (r ? 1 : 0), ea - eb - 39 + 150);
}

uint32_t ek_f32_from_int(int32_t v)
{
	uint32_t s = v < 0;
	uint64_t m = s ? (uint64_t)(-(int64_t)v) : (uint64_t)v;

	return ek_f32_pack(s, m, 150);
}

/* std::round(): to the nearest integer, halves away from zero. */
int32_t ek_f32_round(uint32_t f)
{
	uint32_t s;
	uint64_t m;
	int e, sh;
	int64_t r;

	ek_f32_unpack(f, &s, &m, &e);
	sh = 150 - e;
	if (sh <= 0)
		r = (int64_t)(m << (-sh > 31 ? 31 : -sh));
	else if (sh > 40)
		r = 0;
	else
		r = (int64_t)((m + (1ULL << (sh - 1))) >> sh);
	if (r > EK_I32_MAX)
		r = EK_I32_MAX;
	return (int32_t)(s ? -r : r);
}

/* static_cast<int32_t>(): toward zero. */
int32_t ek_f32_trunc(uint32_t f)
{
	uint32_t s;
	uint64_t m;
	int e, sh;
	int64_t r;

	ek_f32_unpack(f, &s, &m, &e);
	sh = 150 - e;
	if (sh <= 0)
		r = (int64_t)(m << (-sh > 31 ? 31 : -sh));
	else if (sh > 40)
		r = 0;
	else
		r = (int64_t)(m >> sh);
	if (r > EK_I32_MAX)
		r = EK_I32_MAX;
	return (int32_t)(s ? -r : r);
}
