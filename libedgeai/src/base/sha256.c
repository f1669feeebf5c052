// SPDX-License-Identifier: MIT
/*
 * SHA-256 as FIPS 180-4 section 6.2 specifies it: 64-byte blocks, a
 * 64-word message schedule, eight working variables, big-endian words and
 * a 64-bit big-endian bit length in the padding. On x86-64 CPUs with the
 * SHA extensions (cpuid 7.0 EBX bit 29) the blocks go through
 * SHA256RNDS2/SHA256MSG1/SHA256MSG2 instead (compress_shani()): the same
 * function, several times faster, which the compile cache's key and
 * checksum of a multi-megabyte model and program feel on every cold start.
 */
#include <stdatomic.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "base/sha256.h"

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

#if defined(__x86_64__)
/*
 * @n blocks at @p with the SHA extensions. The instructions keep the state
 * as two vectors, ABEF and CDGH (A in the high dword); SHA256RNDS2 runs two
 * rounds on the W + K sums in the low two dwords of its third operand, so
 * each group of four rounds is two calls. Message words 16..63 come four
 * at a time from the four before: MSG1 adds sigma0 of W[t-15] to W[t-16],
 * the add brings W[t-7] (dwords 1..4 of the two groups before) and MSG2
 * adds sigma1 of W[t-2].
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t h[8], const uint8_t *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abef, cdgh, t, m[4];
	int g;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);	/* B A D C */
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1b);	/* H G F E */
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	for (; n; n--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh;

		for (g = 0; g < 16; g++) {
			__m128i *w = &m[g & 3];

			if (g < 4) {
				*w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)),
						      bswap);
			} else {
				t = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
				*w = _mm_sha256msg2_epu32(t, m[(g + 3) & 3]);
			}
			t = _mm_add_epi32(*w, _mm_loadu_si128((const __m128i *)&K[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, t);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(t, 0x0e));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	t = _mm_shuffle_epi32(abef, 0x1b);	/* F E B A */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);	/* D C H G */
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

static int cpu_has_sha(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)) &&
	       __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3);
}
#endif

/* -1: not probed yet; 0: portable; 1: the SHA extensions. */
static _Atomic int use_accel = -1;

int base_sha256_set_accel(int on)
{
#if defined(__x86_64__)
	use_accel = on && cpu_has_sha();
#else
	(void)on;
	use_accel = 0;
#endif
	return use_accel;
}

static void compress_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	if (use_accel < 0)
		base_sha256_set_accel(1);
#if defined(__x86_64__)
	if (use_accel) {
		compress_shani(h, p, n);
		return;
	}
#endif
	for (; n; n--, p += 64)
		compress(h, p);
}

void base_sha256_init(struct base_sha256 *s)
{
	/* First 32 bits of the fractional parts of the square roots of the first 8 primes. */
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->length = 0;
	s->used = 0;
}

void base_sha256_update(struct base_sha256 *s, const void *data, size_t size)
{
	const uint8_t *p = data;

	s->length += size;
	if (s->used) {
		size_t take = 64 - s->used < size ? 64 - s->used : size;

		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		size -= take;
		if (s->used < 64)
			return;
		compress_blocks(s->h, s->block, 1);
		s->used = 0;
	}
	compress_blocks(s->h, p, size / 64);
	p += size & ~(size_t)63;
	size &= 63;
	memcpy(s->block, p, size);
	s->used = size;
}

void base_sha256_final(struct base_sha256 *s, uint8_t out[BASE_SHA256_SIZE])
{
	uint64_t bits = s->length * 8;
	int i;

	s->block[s->used++] = 0x80;
	if (s->used > 56) {
		memset(s->block + s->used, 0, 64 - s->used);
		compress_blocks(s->h, s->block, 1);
		s->used = 0;
	}
	memset(s->block + s->used, 0, 56 - s->used);
	for (i = 0; i < 8; i++)
		s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	compress_blocks(s->h, s->block, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
	base_sha256_init(s);
}

void base_sha256(const void *data, size_t size, uint8_t out[BASE_SHA256_SIZE])
{
	struct base_sha256 s;

	base_sha256_init(&s);
	base_sha256_update(&s, data, size);
	base_sha256_final(&s, out);
}

void base_sha256_hex(const uint8_t digest[BASE_SHA256_SIZE], char hex[2 * BASE_SHA256_SIZE + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < BASE_SHA256_SIZE; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[2 * BASE_SHA256_SIZE] = 0;
}
