// SPDX-License-Identifier: MIT
/*
 * Device execution of a compiled program.
 *
 * Placement: the driver is the authority on what its firmware runs, so
 * each model op is uploaded alone (PROGRAM_CREATE of a one-op program cut
 * from the compiled blob) and kept on the device when the driver accepts
 * it; a rejected op (an op outside the firmware's op set) runs on the CPU
 * and its placement says so. Host ops (ops TFLite computes in float) always
 * run on the CPU.
 *
 * Segments: consecutive ops of one side form a segment; every segment is
 * the compiled blob with the segment's ops only (same tensor table and
 * constants), so all segments address one arena (slot 0). Device segments
 * are uploaded once here; requests (request.c) run them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drm/edgeai_accel.h"
#include "drm/edgeai_program.h"
#include "compiler/cache.h"
#include "compiler/place.h"
#include "runtime/runtime.h"

/* The compiled blob with program ops [first, first + count) only. */
static void *sub_blob(const struct ea_compiled *c, uint32_t first, uint32_t count, size_t *ret_size)
{
	const struct edgeai_prog_header *h = c->blob;
	struct edgeai_prog_header *nh;
	size_t ooff = h->op_offset, opsz = sizeof(struct edgeai_prog_op);
	size_t koff = ooff + opsz * count, total = (koff + h->const_size + 7) & ~(size_t)7;
	uint8_t *b = aligned_alloc(64, (total + 63) & ~(size_t)63);

	if (!b)
		return NULL;
	memset(b, 0, total);
	memcpy(b, c->blob, ooff);
	memcpy(b + ooff, (const uint8_t *)c->blob + ooff + opsz * first, opsz * count);
	memcpy(b + koff, (const uint8_t *)c->blob + h->const_offset, h->const_size);
	nh = (void *)b;
	nh->op_count = count;
	nh->const_offset = (uint32_t)koff;
	nh->total_size = (uint32_t)total;
	*ret_size = total;
	return b;
}

static void free_segments(struct ea_dev_state *s)
{
	uint32_t i;

	for (i = 0; i < s->n_seg; i++) {
		if (s->seg[i].on_dev)
			rt_program_destroy(s->d[s->seg[i].di].dev, s->seg[i].handle);
		free(s->seg[i].blob);
	}
	free(s->seg);
	s->seg = NULL;
	s->n_seg = 0;
}

void ea_dev_free(struct ea_dev_state *s)
{
	uint32_t i;

	if (!s)
		return;
	free_segments(s);
	for (i = 0; i < 2; i++)
		edgeai_device_unref(s->d[i].dev);
	free(s);
}

/* Model op owning program op @p (or -1). */
int32_t ea_model_op_of(const struct ea_compiled *c, uint32_t p)
{
	int32_t i, best = -1;

	for (i = 0; i < (int32_t)c->n_ops; i++)
		if (!c->place[i].host && c->place[i].prog_op <= p)
			best = i;
	return best;
}

static int host_at(const struct ea_compiled *c, uint32_t p)
{
	uint32_t i;

	for (i = 0; i < c->n_host; i++)
		if (c->host[i].at == p)
			return 1;
	return 0;
}

/*
 * Ask the driver behind @d which model ops it takes (the cache first):
 * accept[i] = 1 for those.
 */
static int probe_ops(struct ea_compiled *c, struct ea_dev *d, uint8_t *accept,
		     const char *cache_dir, const char *cache_key, unsigned int *cache_state)
{
	const struct edgeai_prog_header *h = c->blob;
	struct rt_identity ident;
	uint32_t i, n_prog = h->op_count;
	int cached = 0, r;

	if (cache_dir && cache_key && !rt_device_identity(d->dev, &ident)) {
		r = ea_cache_load_ops(cache_dir, cache_key, &ident, accept, c->n_ops);
		cached = r == 0;
		if (cached) {
			*cache_state |= EDGEAI_CACHE_PLACEMENT_HIT;
			return 0;
		}
		if (r == -EBADMSG)
			*cache_state |= EDGEAI_CACHE_CORRUPT;
	} else {
		cache_dir = NULL;
	}
	for (i = 0; i < c->n_ops; i++) {
		uint32_t first = c->place[i].prog_op, end = i + 1 < c->n_ops ?
			c->place[i + 1].prog_op : n_prog, handle = 0;
		size_t size;
		void *b;

		accept[i] = 0;
		if (c->place[i].host || end <= first)
			continue;
		b = sub_blob(c, first, end - first, &size);
		if (!b)
			return -ENOMEM;
		r = rt_program_create(d->dev, b, size, &handle);
		free(b);
		rt_program_destroy(d->dev, handle);
		accept[i] = !r;
	}
	if (cache_dir && !ea_cache_store_ops(cache_dir, cache_key, &ident, accept, c->n_ops))
		*cache_state |= EDGEAI_CACHE_STORED;
	return 0;
}

static int dev_open(struct ea_dev *d, const char *node, uint32_t exec_dev, char *err,
		    size_t errsz)
{
	int r = edgeai_device_open(node, 0, &d->dev);

	if (r) {
		if (err && errsz)
			snprintf(err, errsz, "cannot open %s: %s", node, edgeai_strerror(r));
		return r;
	}
	d->exec_dev = exec_dev;
	snprintf(d->node, sizeof(d->node), "%s", node);
	return 0;
}

static int dev_index(const struct ea_dev_state *s, uint32_t exec_dev)
{
	uint32_t k;

	for (k = 0; k < s->n_dev; k++)
		if (s->d[k].exec_dev == exec_dev)
			return (int)k;
	return -1;
}

/* Segments: break where the side (CPU or a device) changes and where a host op runs. */
static int build_segments(struct ea_dev_state *s, const struct ea_compiled *c, char *err,
			  size_t errsz)
{
	const struct edgeai_prog_header *h = c->blob;
	uint32_t n_prog = h->op_count, p;
	int r;

	free_segments(s);
	for (p = 0; p < n_prog;) {
		int32_t mo = ea_model_op_of(c, p);
		int side = mo >= 0 ? dev_index(s, c->place[mo].device) : -1;
		uint32_t q = p + 1;
		struct ea_seg *sg, *ns;

		while (q < n_prog && !host_at(c, q)) {
			int32_t m2 = ea_model_op_of(c, q);

			if ((m2 >= 0 ? dev_index(s, c->place[m2].device) : -1) != side)
				break;
			q++;
		}
		ns = realloc(s->seg, sizeof(*s->seg) * (s->n_seg + 1));
		if (!ns)
			return -ENOMEM;
		s->seg = ns;
		sg = &s->seg[s->n_seg++];
		memset(sg, 0, sizeof(*sg));
		sg->first = p;
		sg->count = q - p;
		sg->on_dev = side >= 0;
		sg->di = side >= 0 ? (uint32_t)side : 0;
		sg->blob = sub_blob(c, p, q - p, &sg->size);
		if (!sg->blob)
			return -ENOMEM;
		if (sg->on_dev) {
			r = rt_program_create(s->d[sg->di].dev, sg->blob, sg->size, &sg->handle);
			if (r) {
				if (err && errsz)
					snprintf(err, errsz, "program of ops %u..%u on %s: %s", p,
						 q - 1, s->d[sg->di].node, edgeai_strerror(r));
				return r;
			}
		}
		p = q;
	}
	return 0;
}

int ea_dev_prepare(struct ea_compiled *c, const char *node, uint32_t exec_dev,
		   struct ea_dev_state **ret, char *err, size_t errsz, const char *cache_dir,
		   const char *cache_key, unsigned int *cache_state)
{
	struct ea_dev_state *s;
	uint8_t *accept;
	uint32_t i, on = 0;
	int r;

	*ret = NULL;
	s = calloc(1, sizeof(*s));
	accept = calloc(c->n_ops, 1);
	if (!s || !accept) {
		free(s);
		free(accept);
		return -ENOMEM;
	}
	r = dev_open(&s->d[0], node, exec_dev, err, errsz);
	if (r) {
		free(s);
		free(accept);
		return r;
	}
	s->n_dev = 1;
	r = probe_ops(c, &s->d[0], accept, cache_dir, cache_key, cache_state);
	for (i = 0; i < c->n_ops && !r; i++) {
		if (c->place[i].host)
			continue;
		if (accept[i]) {
			c->place[i].device = exec_dev;
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "%s: in the device's op set (driver accepted it)",
				 edgeai_exec_device_name(exec_dev));
			on++;
		} else {
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "fallback: the %s driver rejects this op: not in its op set",
				 edgeai_exec_device_name(exec_dev));
		}
	}
	free(accept);
	if (!r && on)
		r = build_segments(s, c, err, errsz);
	if (r || !on) {
		ea_dev_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

int ea_dev_add(struct ea_dev_state *s, struct ea_compiled *c, const char *node,
	       uint32_t exec_dev, char *err, size_t errsz, const char *cache_dir,
	       const char *cache_key, unsigned int *cache_state)
{
	struct ea_dev *d = &s->d[1];
	uint8_t *accept;
	uint32_t i, on = 0;
	int r;

	if (s->n_dev != 1 || exec_dev == s->d[0].exec_dev)
		return 0;
	accept = calloc(c->n_ops, 1);
	if (!accept)
		return -ENOMEM;
	r = dev_open(d, node, exec_dev, err, errsz);
	if (!r)
		r = probe_ops(c, d, accept, cache_dir, cache_key, cache_state);
	for (i = 0; i < c->n_ops && !r; i++) {
		if (c->place[i].host || c->place[i].device != EDGEAI_EXEC_CPU)
			continue;
		if (accept[i]) {
			c->place[i].device = exec_dev;
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "%s: not in the %s's op set, in the %s's (driver accepted it)",
				 edgeai_exec_device_name(exec_dev),
				 edgeai_exec_device_name(s->d[0].exec_dev),
				 edgeai_exec_device_name(exec_dev));
			on++;
		} else {
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "fallback: neither the %s nor the %s driver takes this op",
				 edgeai_exec_device_name(s->d[0].exec_dev),
				 edgeai_exec_device_name(exec_dev));
		}
	}
	free(accept);
	if (!r && on) {
		s->n_dev = 2;
		r = build_segments(s, c, err, errsz);
	}
	if (r || !on) {
		/* back to one device: ops moved here return to the CPU */
		for (i = 0; i < c->n_ops; i++)
			if (c->place[i].device == exec_dev) {
				c->place[i].device = EDGEAI_EXEC_CPU;
				snprintf(c->place[i].reason, sizeof(c->place[i].reason),
					 "fallback: the %s driver rejects this op: not in its op set",
					 edgeai_exec_device_name(s->d[0].exec_dev));
			}
		s->n_dev = 1;
		edgeai_device_unref(d->dev);
		memset(d, 0, sizeof(*d));
		if (build_segments(s, c, err, errsz) && !r)
			r = -ENOMEM;
		return r;
	}
	return (int)on;
}
