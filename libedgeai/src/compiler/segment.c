// SPDX-License-Identifier: MIT
/*
 * Segments: consecutive program ops of one side, the CPU or one device,
 * with a break wherever a host op runs. Every segment is the compiled blob
 * with the segment's ops only (same tensor table and constants), so all
 * segments address one arena (slot 0). Device segments are uploaded
 * (PROGRAM_CREATE) once here; requests (exec/request.c) run them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/place.h"
#include "drm/edgeai_program.h"
#include "runtime/runtime.h"

/* The compiled blob with program ops [first, first + count) only. */
void *cc_sub_blob(const struct cc_compiled *c, uint32_t first, uint32_t count, size_t *ret_size)
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

/* Model op owning program op @p (or -1). */
static int32_t model_op_of(const struct cc_compiled *c, uint32_t p)
{
	int32_t i, best = -1;

	for (i = 0; i < (int32_t)c->n_ops; i++)
		if (!c->place[i].host && c->place[i].prog_op <= p)
			best = i;
	return best;
}

static int host_at(const struct cc_compiled *c, uint32_t p)
{
	uint32_t i;

	for (i = 0; i < c->n_host; i++)
		if (c->host[i].at == p)
			return 1;
	return 0;
}

static int dev_index(const struct cc_devices *s, uint32_t exec_dev)
{
	uint32_t k;

	for (k = 0; k < s->n_dev; k++)
		if (s->d[k].exec_dev == exec_dev)
			return (int)k;
	return -1;
}

void cc_segments_free(const struct cc_devices *s, struct cc_seg *seg, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (seg[i].on_dev)
			rt_program_destroy(s->d[seg[i].di].dev, seg[i].handle);
		free(seg[i].blob);
	}
	free(seg);
}

int cc_segments_build(struct cc_devices *s, const struct cc_compiled *c, char *err, size_t errsz)
{
	const struct edgeai_prog_header *h = c->blob;
	uint32_t n_prog = h->op_count, p;
	int r;

	cc_segments_free(s, s->seg, s->n_seg);
	s->seg = NULL;
	s->n_seg = 0;
	for (p = 0; p < n_prog;) {
		int32_t mo = model_op_of(c, p);
		int side = mo >= 0 ? dev_index(s, c->place[mo].device) : -1;
		uint32_t q = p + 1;
		struct cc_seg *sg, *ns;

		while (q < n_prog && !host_at(c, q)) {
			int32_t m2 = model_op_of(c, q);

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
		sg->blob = cc_sub_blob(c, p, q - p, &sg->size);
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
