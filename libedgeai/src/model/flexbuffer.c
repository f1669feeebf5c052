// SPDX-License-Identifier: MIT
/*
 * FlexBuffers, as far as custom op options need them (flexbuffer.h).
 *
 * A FlexBuffer ends in its root: the root's value, one byte with the
 * root's packed type and one with the value's width. A packed type is
 * (type << 2) | log2(width of what it describes). A map's value is an
 * offset back to its values; before them sit three fields of the map's
 * width (an offset back to the keys vector, the keys' width and the
 * length), after them one packed type byte per value. The keys vector
 * is preceded by its length and holds offsets back to NUL-terminated
 * strings. Every offset counts back from where it is stored.
 */
#include <errno.h>
#include <string.h>

#include "model/flexbuffer.h"

enum {
	FLEX_NULL = 0,
	FLEX_INT = 1,
	FLEX_UINT = 2,
	FLEX_FLOAT = 3,
	FLEX_INDIRECT_INT = 6,
	FLEX_INDIRECT_UINT = 7,
	FLEX_INDIRECT_FLOAT = 8,
	FLEX_MAP = 9,
	FLEX_BOOL = 26,
};

struct flex {
	const uint8_t *p;
	size_t n;
};

static int width_ok(uint64_t w)
{
	return w == 1 || w == 2 || w == 4 || w == 8;
}

/* The little-endian unsigned value of @w bytes at @at. */
static int rd_uint(const struct flex *f, size_t at, unsigned int w, uint64_t *ret)
{
	uint64_t v = 0;

	if (at > f->n || w > f->n - at)
		return -EBADMSG;
	for (unsigned int i = 0; i < w; i++)
		v |= (uint64_t)f->p[at + i] << (8 * i);
	*ret = v;
	return 0;
}

/* Where the offset of @w bytes stored at @at points. */
static int indirect(const struct flex *f, size_t at, unsigned int w, size_t *ret)
{
	uint64_t off;
	int r = rd_uint(f, at, w, &off);

	if (r)
		return r;
	if (off > at)
		return -EBADMSG;
	*ret = at - (size_t)off;
	return 0;
}

/* A scalar of type @type stored in @w bytes at @at, as a double. */
static int scalar(const struct flex *f, int type, size_t at, unsigned int w, double *ret)
{
	uint64_t v;
	int r = rd_uint(f, at, w, &v);

	if (r)
		return r;
	switch (type) {
	case FLEX_INT:
		/* sign-extend from w bytes */
		if (w < 8 && (v >> (8 * w - 1)) & 1)
			v |= ~(uint64_t)0 << (8 * w);
		*ret = (double)(int64_t)v;
		return 0;
	case FLEX_UINT:
	case FLEX_BOOL:
		*ret = (double)v;
		return 0;
	case FLEX_FLOAT:
		if (w == 4) {
			uint32_t u = (uint32_t)v;
			float x;

			memcpy(&x, &u, sizeof(x));
			*ret = x;
		} else if (w == 8) {
			memcpy(ret, &v, sizeof(*ret));
		} else {
			return -EBADMSG;	/* half floats: not in TFLite's options */
		}
		return 0;
	default:
		return -EBADMSG;
	}
}

int model_flex_number(const uint8_t *data, size_t size, const char *key, double *ret)
{
	struct flex f = { data, size };
	uint64_t len, klen, kw;
	size_t root, map, kfield, keys, i;
	unsigned int rw, mw, w;
	int r, type;

	if (!data || size < 3)
		return -EBADMSG;
	rw = data[size - 1];
	if (!width_ok(rw) || size < 2 + (size_t)rw || data[size - 2] >> 2 != FLEX_MAP)
		return -EBADMSG;
	mw = 1u << (data[size - 2] & 3);
	root = size - 2 - rw;
	if ((r = indirect(&f, root, rw, &map)) || map < 3 * (size_t)mw ||
	    (r = rd_uint(&f, map - mw, mw, &len)))
		return -EBADMSG;
	/* the values, then a type byte per value, all inside the buffer */
	if (len > (size - map) / (mw + 1))
		return -EBADMSG;
	kfield = map - 3 * (size_t)mw;
	if (indirect(&f, kfield, mw, &keys) || rd_uint(&f, kfield + mw, mw, &kw) ||
	    !width_ok(kw) || keys < kw || rd_uint(&f, keys - kw, (unsigned int)kw, &klen) ||
	    klen != len || len > (size - keys) / kw)
		return -EBADMSG;
	for (i = 0; i < len; i++) {
		size_t s;

		if (indirect(&f, keys + i * kw, (unsigned int)kw, &s) ||
		    !memchr(data + s, 0, size - s))
			return -EBADMSG;
		if (!strcmp((const char *)data + s, key))
			break;
	}
	if (i == len)
		return -ENOENT;
	type = data[map + len * mw + i] >> 2;
	w = 1u << (data[map + len * mw + i] & 3);
	switch (type) {
	case FLEX_NULL:
		return -ENOENT;
	case FLEX_INT:
	case FLEX_UINT:
	case FLEX_FLOAT:
	case FLEX_BOOL:
		return scalar(&f, type, map + i * mw, mw, ret);
	case FLEX_INDIRECT_INT:
	case FLEX_INDIRECT_UINT:
	case FLEX_INDIRECT_FLOAT: {
		size_t at;

		if (indirect(&f, map + i * mw, mw, &at))
			return -EBADMSG;
		return scalar(&f, type - FLEX_INDIRECT_INT + FLEX_INT, at, w, ret);
	}
	default:
		return -EBADMSG;
	}
}
