// SPDX-License-Identifier: MIT
/*
 * Placement: which op of a compiled program runs where, and why.
 *
 * Under the AUTO and DEVICE_ONLY policies the ops go to the accelerator
 * (of the wanted type) whose driver takes the most of them, the ops it
 * rejects to one of the other type, the rest to the CPU. The driver is the
 * authority on what its firmware runs, so each model op is uploaded alone
 * (PROGRAM_CREATE of a one-op program cut from the compiled blob) and
 * kept on the device when the driver accepts it; a rejected op (outside
 * the firmware's op set) runs on the CPU and its placement says so. Host
 * ops (ops TFLite computes in float) always run on the CPU. An activation
 * the compiler fused into its producer (compile.c) has no program op of
 * its own: it runs where its producer runs. The drivers'
 * answers are cached (cache.c) per device identity. The segments the
 * placement cuts the program into are segment.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/cache.h"
#include "compiler/place.h"
#include "drm/edgeai_program.h"
#include "runtime/runtime.h"

void cc_devices_free(struct cc_devices *s)
{
	uint32_t i;

	if (!s)
		return;
	cc_segments_free(s, s->seg, s->n_seg);
	for (i = 0; i < 2; i++)
		edgeai_device_unref(s->d[i].dev);
	free(s);
}

/* accept[] of probe_ops() */
enum {
	PROBE_REJECTED = 0,
	PROBE_ACCEPTED = 1,
	PROBE_TOO_BIG = 2,	/* valid, but more work than one job may do (-E2BIG) */
};

/*
 * Ask the driver behind @d which model ops it takes (the cache first):
 * accept[i] = PROBE_ACCEPTED for those.
 */
static int probe_ops(struct cc_compiled *c, struct cc_dev *d, uint8_t *accept,
		     const char *cache_dir, const char *cache_key, unsigned int *cache_state)
{
	const struct edgeai_prog_header *h = c->blob;
	struct rt_identity ident;
	uint32_t i, n_prog = h->op_count;
	int cached = 0, r;

	if (cache_dir && cache_key && !rt_device_identity(d->dev, &ident)) {
		r = cc_cache_load_ops(cache_dir, cache_key, &ident, accept, c->n_ops);
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
		if (end <= first)
			continue;
		b = cc_sub_blob(c, first, end - first, &size);
		if (!b)
			return -ENOMEM;
		r = rt_program_create(d->dev, b, size, &handle);
		free(b);
		rt_program_destroy(d->dev, handle);
		accept[i] = !r ? PROBE_ACCEPTED : r == -E2BIG ? PROBE_TOO_BIG : PROBE_REJECTED;
	}
	if (cache_dir && !cc_cache_store_ops(cache_dir, cache_key, &ident, accept, c->n_ops))
		*cache_state |= EDGEAI_CACHE_STORED;
	return 0;
}

/*
 * ", as RESHAPE, TRANSPOSE, RESHAPE" (or ", as 3 STRIDED_SLICE") for an op
 * the compiler lowered to other program ops (compile.c: DEPTH_TO_SPACE
 * between two ops, SPLIT, PACK, PADV2, ...), into @buf; "" for any other.
 */
static const char *lowered_as(const struct cc_compiled *c, uint32_t i, char *buf, size_t size)
{
	const struct edgeai_prog_header *h = c->blob;
	const struct edgeai_prog_op *ops = (const void *)((const uint8_t *)c->blob + h->op_offset);
	uint32_t first = c->place[i].prog_op, end = i + 1 < c->n_ops ?
		c->place[i + 1].prog_op : h->op_count, k, run;
	const char *name;
	size_t at;

	buf[0] = 0;
	if (end <= first || (end == first + 1 &&
			     !strcmp(edgeai_program_op_name(ops[first].opcode) ?: "",
				     edgeai_op_name(c->place[i].tfl_code))))
		return buf;
	at = (size_t)snprintf(buf, size, ", as");
	for (k = first; k < end && at < size; k += run) {
		name = edgeai_program_op_name(ops[k].opcode);
		for (run = 1; k + run < end && ops[k + run].opcode == ops[k].opcode; run++)
			;
		if (run > 1)
			at += (size_t)snprintf(buf + at, size - at, "%s %u %s", k > first ? "," : "",
					       run, name ? name : "?");
		else
			at += (size_t)snprintf(buf + at, size - at, "%s %s", k > first ? "," : "",
					       name ? name : "?");
	}
	return buf;
}

/* Fused activations run where their producers run, as their clamp. */
static void follow_fused(struct cc_compiled *c)
{
	uint32_t i, j;

	for (i = 0; i < c->n_ops; i++) {
		if (!c->place[i].fused)
			continue;
		j = c->place[i].fused - 1;
		c->place[i].device = c->place[j].device;
		snprintf(c->place[i].reason, sizeof(c->place[i].reason),
			 "%s: fused into op %u (%s) as its %s",
			 edgeai_exec_device_name(c->place[j].device), j,
			 edgeai_op_name(c->place[j].tfl_code),
			 c->place[i].tfl_code == TFL_OP_SPACE_TO_BATCH_ND ||
			 c->place[i].tfl_code == TFL_OP_BATCH_TO_SPACE_ND ?
			 "dilation (the three ops are one dilated convolution)" :
			 c->place[j].tfl_code == TFL_OP_RESHAPE ?
			 "new shape, which the output's static shape gives" :
			 "output clamp (same quantization)");
	}
}

static int dev_open(struct cc_dev *d, const char *node, uint32_t exec_dev, char *err,
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

/*
 * Open @node, ask the driver which ops it takes (one PROGRAM_CREATE per
 * op), set c->place[] for those (device @exec_dev) and build the segments.
 * Returns 0 with *ret NULL when no op can run on the device.
 */
static int dev_prepare(struct cc_compiled *c, const char *node, uint32_t exec_dev,
		       struct cc_devices **ret, char *err, size_t errsz, const char *cache_dir,
		       const char *cache_key, unsigned int *cache_state)
{
	struct cc_devices *s;
	uint8_t *accept;
	uint32_t i, on = 0;
	char as[96];
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
		if (c->place[i].fused)
			continue;
		if (accept[i] == PROBE_ACCEPTED) {
			c->place[i].device = exec_dev;
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "%s: in the device's op set%s (driver accepted it)",
				 edgeai_exec_device_name(exec_dev), lowered_as(c, i, as, sizeof(as)));
			on++;
		} else if (accept[i] == PROBE_TOO_BIG) {
			c->place[i].too_big = 1;
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "fallback: more work than one %s job may do (the driver says -E2BIG)",
				 edgeai_exec_device_name(exec_dev));
		} else {
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "fallback: the %s driver rejects this op: not in its op set",
				 edgeai_exec_device_name(exec_dev));
		}
	}
	free(accept);
	follow_fused(c);
	if (!r && on)
		r = cc_segments_build(s, c, err, errsz);
	if (r || !on) {
		cc_devices_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

/*
 * Also use @node (a device of another type) for the ops still on the CPU
 * that its driver takes; rebuilds the segments. Returns the number of
 * ops moved there (0: the device is not kept).
 */
static int dev_add(struct cc_devices *s, struct cc_compiled *c, const char *node,
		   uint32_t exec_dev, char *err, size_t errsz, const char *cache_dir,
		   const char *cache_key, unsigned int *cache_state)
{
	struct cc_dev *d = &s->d[1];
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
		if (c->place[i].fused || c->place[i].device != EDGEAI_EXEC_CPU)
			continue;
		if (accept[i] == PROBE_ACCEPTED) {
			c->place[i].device = exec_dev;
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "%s: not in the %s's op set, in the %s's (driver accepted it)",
				 edgeai_exec_device_name(exec_dev),
				 edgeai_exec_device_name(s->d[0].exec_dev),
				 edgeai_exec_device_name(exec_dev));
			on++;
		} else if (!c->place[i].too_big) {
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "fallback: neither the %s nor the %s driver takes this op",
				 edgeai_exec_device_name(s->d[0].exec_dev),
				 edgeai_exec_device_name(exec_dev));
		}
	}
	free(accept);
	follow_fused(c);
	if (!r && on) {
		s->n_dev = 2;
		r = cc_segments_build(s, c, err, errsz);
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
		follow_fused(c);
		s->n_dev = 1;
		edgeai_device_unref(d->dev);
		memset(d, 0, sizeof(*d));
		if (cc_segments_build(s, c, err, errsz) && !r)
			r = -ENOMEM;
		return r;
	}
	return (int)on;
}

EDGEAI_PUBLIC const char *edgeai_exec_device_name(uint32_t device)
{
	switch (device) {
	case EDGEAI_EXEC_CPU:
		return "cpu";
	case EDGEAI_EXEC_NPU:
		return "npu";
	case EDGEAI_EXEC_DSP:
		return "dsp";
	default:
		return "unknown";
	}
}

/* How many accelerators placement looks at. */
#define MAX_DEVICES 8

/*
 * The accelerators of @o's device_type (0: any), only the one of minor
 * device_minor with EDGEAI_COMPILE_ONE_DEVICE, at most @max; returns how many.
 */
static int find_devices(const struct edgeai_compile_options *o, struct edgeai_device_info *info,
			int max)
{
	uint32_t type = o->device_type;
	struct edgeai_device_list *list = NULL;
	int n, i, found = 0;

	if (edgeai_enumerate(&list) < 0)
		return 0;
	n = edgeai_device_list_count(list);
	for (i = 0; i < n && found < max; i++) {
		if (edgeai_device_list_get(list, (unsigned int)i, &info[found]))
			continue;
		if ((o->flags & EDGEAI_COMPILE_ONE_DEVICE) && info[found].minor != o->device_minor)
			continue;
		if (!type || info[found].type == type)
			found++;
	}
	edgeai_device_list_unref(list);
	return found;
}

static void place_all_cpu(struct cc_compiled *c, const char *why)
{
	uint32_t i;

	for (i = 0; i < c->n_ops; i++) {
		c->place[i].device = EDGEAI_EXEC_CPU;
		c->place[i].too_big = 0;
		snprintf(c->place[i].reason, sizeof(c->place[i].reason), "%.*s",
			 (int)sizeof(c->place[i].reason) - 1, why);
	}
}

int cc_place(struct cc_compiled *c, const struct edgeai_compile_options *o, char *err,
	     size_t errsz, const char *cache_dir, const char *cache_key, unsigned int *cache_state,
	     struct cc_devices **dev)
{
	struct edgeai_device_info info[MAX_DEVICES];
	const char *want = o->device_type == EDGEAI_DEVICE_NPU ? "NPU" :
			   o->device_type == EDGEAI_DEVICE_DSP ? "DSP" : "NPU or DSP";
	char one[48];
	struct cc_op_place *best_place = NULL;
	struct cc_devices *st;
	char why[96], derr[256] = "";
	int n, k, best = -1, best_on = -1, r, last_r = 0;
	uint32_t i, on;

	c->no_device = 0;
	if (o->policy == EDGEAI_POLICY_CPU_ONLY) {
		place_all_cpu(c, "CPU_ONLY policy");
		return 0;
	}
	if (o->flags & EDGEAI_COMPILE_ONE_DEVICE) {
		snprintf(one, sizeof(one), "%s /dev/accel/accel%u", want, o->device_minor);
		want = one;
	}
	n = find_devices(o, info, MAX_DEVICES);
	if (!n) {
		if (o->policy == EDGEAI_POLICY_DEVICE_ONLY) {
			if (err && errsz)
				snprintf(err, errsz,
					 "DEVICE_ONLY: no edgeai %s device found (no /dev/accel node bound to edgeai)",
					 want);
			return -ENODEV;
		}
		snprintf(why, sizeof(why), "fallback: no %s device found", want);
		place_all_cpu(c, why);
		c->no_device = 1;
		return 0;
	}
	best_place = malloc(sizeof(*best_place) * c->n_ops);
	if (!best_place)
		return -ENOMEM;
	snprintf(why, sizeof(why), "fallback: no %s device takes this op", want);
	for (k = 0; k < n; k++) {
		place_all_cpu(c, why);
		st = NULL;
		r = dev_prepare(c, info[k].node, info[k].type == EDGEAI_DEVICE_DSP ?
				EDGEAI_EXEC_DSP : EDGEAI_EXEC_NPU, &st, derr, sizeof(derr),
				cache_dir, cache_key, cache_state);
		if (r) {
			last_r = r;
			if (best < 0) {
				/* AUTO: an unusable device is a reason, not an error */
				char un[400];

				snprintf(un, sizeof(un), "fallback: %.63s unusable: %.200s", info[k].node,
					 derr[0] ? derr : edgeai_strerror(r));
				place_all_cpu(c, un);
				memcpy(best_place, c->place, sizeof(*best_place) * c->n_ops);
			}
			continue;
		}
		for (i = 0, on = 0; i < c->n_ops; i++)
			on += c->place[i].device != EDGEAI_EXEC_CPU;
		if ((int)on > best_on) {
			cc_devices_free(*dev);
			*dev = st;
			best = k;
			best_on = (int)on;
			memcpy(best_place, c->place, sizeof(*best_place) * c->n_ops);
		} else {
			cc_devices_free(st);
		}
	}
	memcpy(c->place, best_place, sizeof(*best_place) * c->n_ops);
	free(best_place);
	c->no_device = best < 0;	/* every device found was unusable */
	/* ops the best device's driver rejects: on a device of the other type */
	for (k = 0; k < n && *dev && o->device_type == 0; k++) {
		if (k == best || info[k].type == info[best].type)
			continue;
		r = dev_add(*dev, c, info[k].node, info[k].type == EDGEAI_DEVICE_DSP ?
			    EDGEAI_EXEC_DSP : EDGEAI_EXEC_NPU, derr, sizeof(derr), cache_dir,
			    cache_key, cache_state);
		if (r < 0) {
			cc_devices_free(*dev);
			*dev = NULL;
			if (err && errsz)
				snprintf(err, errsz, "%s", derr);
			return r;
		}
		if (r > 0)
			break;
	}
	if (best < 0 && o->policy == EDGEAI_POLICY_DEVICE_ONLY) {
		if (err && errsz)
			snprintf(err, errsz, "DEVICE_ONLY: %s", derr);
		return last_r;
	}
	if (o->policy == EDGEAI_POLICY_DEVICE_ONLY) {
		for (i = 0; i < c->n_ops; i++)
			if (c->place[i].device == EDGEAI_EXEC_CPU) {
				if (err && errsz)
					snprintf(err, errsz,
						 "DEVICE_ONLY: op %u (%s) cannot run on %s (%s): %s", i,
						 edgeai_op_name(c->place[i].tfl_code), info[best].node,
						 edgeai_device_type_name(info[best].type), c->place[i].reason);
				cc_devices_free(*dev);
				*dev = NULL;
				return -EOPNOTSUPP;
			}
	}
	return 0;
}
