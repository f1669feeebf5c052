// SPDX-License-Identifier: MIT
/*
 * base_sha256 against the test vectors of FIPS 180-2 (appendix B: "abc",
 * the two-block message, one million 'a') and the empty message, one-shot
 * and fed in uneven pieces that cross every block boundary; with the
 * portable code and, when the CPU has them, the SHA instructions
 * (base_sha256_set_accel()), which must give the portable code's digest
 * on every length from 0 to 300 bytes and on a few megabytes of
 * pseudo-random bytes fed in uneven pieces.
 */
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "ktap.h"

static const char *hex_of(const void *data, size_t size, size_t piece)
{
	static char hex[2 * BASE_SHA256_SIZE + 1];
	uint8_t d[BASE_SHA256_SIZE];
	struct base_sha256 s;
	const uint8_t *p = data;

	if (!piece) {
		base_sha256(data, size, d);
	} else {
		base_sha256_init(&s);
		for (size_t off = 0; off < size; off += piece)
			base_sha256_update(&s, p + off, size - off < piece ? size - off : piece);
		base_sha256_final(&s, d);
	}
	base_sha256_hex(d, hex);
	return hex;
}

/* The digests of @a's first n bytes, n = 0..300, and of all @size bytes in pieces of 1000. */
static void digests(const uint8_t *a, size_t size, char (*out)[2 * BASE_SHA256_SIZE + 1])
{
	for (size_t n = 0; n <= 300; n++)
		strcpy(out[n], hex_of(a, n, 0));
	strcpy(out[301], hex_of(a, size, 1000));
}

static void vectors(const char *mode);

int main(void)
{
	static char port[302][2 * BASE_SHA256_SIZE + 1], fast[302][2 * BASE_SHA256_SIZE + 1];
	size_t size = 3 << 20, same = 0;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t *r = malloc(size);
	int accel;

	if (!r)
		return 1;
	for (size_t i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r[i] = (uint8_t)(x >> 32);
	}
	ktap_start();
	base_sha256_set_accel(0);
	vectors("portable");
	digests(r, size, port);
	accel = base_sha256_set_accel(1);
	if (!accel) {
		ktap_skip("this CPU has no SHA instructions: the portable code only");
		free(r);
		return ktap_finish();
	}
	vectors("SHA instructions");
	digests(r, size, fast);
	for (size_t n = 0; n < 302; n++)
		same += !strcmp(port[n], fast[n]);
	ktap_ok(same == 302, "SHA instructions: %zu of 302 digests (0..300 bytes, 3 MiB in "
		"pieces of 1000) equal the portable code's", same);
	free(r);
	return ktap_finish();
}

static void vectors(const char *mode)
{
	static const struct {
		const char *name, *msg, *digest;
	} v[] = {
		{ "\"abc\" (B.1)", "abc",
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "448-bit message (B.2)", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "empty message", "",
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	};
	static const size_t pieces[] = { 0, 1, 3, 55, 63, 64, 65 };
	const char *million_digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	size_t big = 1000000;
	char *a = malloc(big);

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
			const char *h = hex_of(v[i].msg, strlen(v[i].msg), pieces[k]);

			ktap_ok(!strcmp(h, v[i].digest), "%s: %s, %s %zu: %s", mode, v[i].name,
				pieces[k] ? "pieces of" : "one-shot", pieces[k], h);
		}
	if (!a) {
		ktap_ok(0, "%s: memory for one million 'a'", mode);
		return;
	}
	memset(a, 'a', big);
	ktap_ok(!strcmp(hex_of(a, big, 0), million_digest), "%s: one million 'a' (B.3), one-shot",
		mode);
	ktap_ok(!strcmp(hex_of(a, big, 4093), million_digest),
		"%s: one million 'a' in pieces of 4093", mode);
	/* lengths around the padding boundary: 55 and 56 bytes take one and two final blocks */
	for (size_t n = 52; n <= 66; n++) {
		char ref[2 * BASE_SHA256_SIZE + 1];

		strcpy(ref, hex_of(a, n, 0));
		ktap_ok(!strcmp(ref, hex_of(a, n, 7)), "%s: %zu bytes: one-shot equals pieces of 7",
			mode, n);
	}
	free(a);
}
