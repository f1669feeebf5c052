// SPDX-License-Identifier: MIT
/*
 * base_sha256 against the test vectors of FIPS 180-2 (appendix B: "abc",
 * the two-block message, one million 'a') and the empty message, one-shot
 * and fed in uneven pieces that cross every block boundary.
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

int main(void)
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

	ktap_start();
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
			const char *h = hex_of(v[i].msg, strlen(v[i].msg), pieces[k]);

			ktap_ok(!strcmp(h, v[i].digest), "%s, %s %zu: %s", v[i].name,
				pieces[k] ? "pieces of" : "one-shot", pieces[k], h);
		}
	if (!a)
		return 1;
	memset(a, 'a', big);
	ktap_ok(!strcmp(hex_of(a, big, 0), million_digest), "one million 'a' (B.3), one-shot");
	ktap_ok(!strcmp(hex_of(a, big, 4093), million_digest), "one million 'a' in pieces of 4093");
	/* lengths around the padding boundary: 55 and 56 bytes take one and two final blocks */
	for (size_t n = 52; n <= 66; n++) {
		char ref[2 * BASE_SHA256_SIZE + 1];

		strcpy(ref, hex_of(a, n, 0));
		ktap_ok(!strcmp(ref, hex_of(a, n, 7)), "%zu bytes: one-shot equals pieces of 7", n);
	}
	free(a);
	return ktap_finish();
}
