// SPDX-License-Identifier: MIT
/*
 * model/flexbuffer.c, the reader of custom ops' FlexBuffer options: maps
 * of every width (1, 2, 4 and 8 bytes) with inline and indirect int,
 * uint, float and bool values read back as written; an absent key and a
 * NULL value are -ENOENT, a string value and a root that is not a map
 * -EBADMSG; every truncation and every one-byte change of a valid buffer
 * is read without a read outside it (ASan).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ktap.h"
#include "model/flexbuffer.h"

enum { T_NULL = 0, T_INT = 1, T_UINT = 2, T_FLOAT = 3, T_STRING = 5, T_IND_INT = 6,
       T_IND_FLOAT = 8, T_MAP = 9, T_BOOL = 26 };

struct fbuild {
	uint8_t b[1024];
	size_t n;
};

static void put(struct fbuild *f, uint64_t v, unsigned int w)
{
	for (unsigned int i = 0; i < w; i++)
		f->b[f->n++] = (uint8_t)(v >> (8 * i));
}

static void align(struct fbuild *f, unsigned int w)
{
	while (f->n % w)
		f->b[f->n++] = 0;
}

static unsigned int log2w(unsigned int w)
{
	return w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3;
}

/*
 * A map of width @w: "a" int -5, "b" uint 7, "c" float 0.25 (binary32 in
 * 4 bytes, binary64 in 8), "d" bool true, "e" indirect int -300, "f"
 * indirect float 1.5 (binary64), "g" null, "h" the string "x".
 */
static void build(struct fbuild *f, unsigned int w)
{
	static const char *keys[] = { "a", "b", "c", "d", "e", "f", "g", "h" };
	size_t kat[8], kvec, values, ind_e, ind_f, str;
	uint8_t types[8];
	double fd = 1.5;
	uint64_t u;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 8; i++) {
		kat[i] = f->n;
		f->b[f->n++] = (uint8_t)keys[i][0];
		f->b[f->n++] = 0;
	}
	/* the indirect scalars and the string, before the map */
	align(f, 8);
	ind_e = f->n;
	put(f, (uint64_t)(int64_t)-300, 2);
	align(f, 8);
	ind_f = f->n;
	memcpy(&u, &fd, sizeof(u));
	put(f, u, 8);
	f->b[f->n++] = 1;	/* string length */
	str = f->n;
	f->b[f->n++] = 'x';
	f->b[f->n++] = 0;
	align(f, w);
	put(f, 8, w);
	kvec = f->n;
	for (int i = 0; i < 8; i++)
		put(f, f->n - kat[i], w);
	align(f, w);
	put(f, f->n - kvec, w);
	put(f, w, w);
	put(f, 8, w);
	values = f->n;
	put(f, (uint64_t)(int64_t)-5, w);
	types[0] = T_INT << 2 | log2w(w);
	put(f, 7, w);
	types[1] = T_UINT << 2 | log2w(w);
	if (w == 4) {
		float x = 0.25f;
		uint32_t v;

		memcpy(&v, &x, sizeof(v));
		put(f, v, 4);
	} else if (w == 8) {
		double x = 0.25;

		memcpy(&u, &x, sizeof(u));
		put(f, u, 8);
	} else {
		put(f, 0, w);	/* no float of 1 or 2 bytes: "c" is read as -EBADMSG */
	}
	types[2] = T_FLOAT << 2 | log2w(w);
	put(f, 1, w);
	types[3] = T_BOOL << 2 | log2w(w);
	put(f, f->n - ind_e, w);
	types[4] = T_IND_INT << 2 | 1;	/* the int is 2 bytes */
	put(f, f->n - ind_f, w);
	types[5] = T_IND_FLOAT << 2 | 3;
	put(f, 0, w);
	types[6] = T_NULL << 2;
	put(f, f->n - str, w);
	types[7] = T_STRING << 2;
	memcpy(f->b + f->n, types, 8);
	f->n += 8;
	align(f, w);
	put(f, f->n - values, w);
	f->b[f->n++] = (uint8_t)(T_MAP << 2 | log2w(w));
	f->b[f->n++] = (uint8_t)w;
}

static int get(const struct fbuild *f, const char *key, double *v)
{
	return model_flex_number(f->b, f->n, key, v);
}

int main(void)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	struct fbuild f, g;
	double v = 0;
	int r;

	ktap_start();
	for (size_t i = 0; i < 4; i++) {
		unsigned int w = widths[i];

		build(&f, w);
		ktap_ok(!get(&f, "a", &v) && v == -5, "width %u: int -5 (%g)", w, v);
		ktap_ok(!get(&f, "b", &v) && v == 7, "width %u: uint 7", w);
		r = get(&f, "c", &v);
		ktap_ok(w >= 4 ? !r && v == 0.25 : r == -EBADMSG,
			"width %u: float 0.25 (-EBADMSG below 4 bytes): %d", w, r);
		ktap_ok(!get(&f, "d", &v) && v == 1, "width %u: bool true", w);
		ktap_ok(!get(&f, "e", &v) && v == -300,
			"width %u: indirect int -300", w);
		ktap_ok(!get(&f, "f", &v) && v == 1.5,
			"width %u: indirect float 1.5", w);
		ktap_ok(get(&f, "g", &v) == -ENOENT, "width %u: a NULL value is -ENOENT", w);
		ktap_ok(get(&f, "h", &v) == -EBADMSG, "width %u: a string is -EBADMSG", w);
		ktap_ok(get(&f, "z", &v) == -ENOENT && get(&f, "", &v) == -ENOENT,
			"width %u: absent keys are -ENOENT", w);

		/* every truncation, and every one-byte change, read within the buffer */
		int trunc_bad = 0, mutated = 0;

		for (size_t n = 0; n < f.n; n++)
			trunc_bad += model_flex_number(f.b, n, "a", &v) == -EBADMSG;
		ktap_ok(trunc_bad == (int)f.n, "width %u: each of %zu truncations is -EBADMSG "
			"(%d)", w, f.n, trunc_bad);
		for (size_t at = 0; at < f.n; at++)
			for (int bit = 0; bit < 8; bit++) {
				g = f;
				g.b[at] ^= (uint8_t)(1u << bit);
				for (const char *k = "abcdefgh"; *k; k++) {
					char key[2] = { *k, 0 };

					mutated += model_flex_number(g.b, g.n, key, &v) == 0;
				}
			}
		ktap_ok(1, "width %u: %zu one-bit changes x 8 keys read in bounds (%d still "
			"numbers)", w, 8 * f.n, mutated);
	}
	build(&f, 4);
	f.b[f.n - 2] = T_INT << 2 | 2;
	ktap_ok(get(&f, "a", &v) == -EBADMSG, "a root that is not a map is -EBADMSG");
	build(&f, 4);
	f.b[f.n - 1] = 3;
	ktap_ok(get(&f, "a", &v) == -EBADMSG, "a root width of 3 is -EBADMSG");
	ktap_ok(model_flex_number(NULL, 0, "a", &v) == -EBADMSG, "no buffer is -EBADMSG");
	return ktap_finish();
}
