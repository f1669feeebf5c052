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
#include <sys/ioctl.h>
#include <time.h>

#include "cpu.h"
#include "drm/edgeai_accel.h"
#include "drm/edgeai_program.h"
#include "cache.h"
#include "run-device.h"

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

int ea_prog_create(int fd, const void *blob, size_t size, uint32_t *handle)
{
	struct drm_edgeai_program_create pc = { .data = (uintptr_t)blob, .size = (uint32_t)size };

	if (ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_CREATE, &pc))
		return -errno;
	*handle = pc.handle;
	return 0;
}

void ea_prog_destroy(int fd, uint32_t handle)
{
	struct drm_edgeai_program_destroy pd = { .handle = handle };

	if (handle)
		ioctl(fd, DRM_IOCTL_EDGEAI_PROGRAM_DESTROY, &pd);
}

void ea_dev_free(struct ea_dev_state *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_seg; i++) {
		ea_prog_destroy(s->fd, s->seg[i].handle);
		free(s->seg[i].blob);
	}
	free(s->seg);
	edgeai_device_unref(s->dev);
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

/* What identifies the op set of the device behind @fd. */
static int dev_identity(int fd, struct ea_cache_dev *d)
{
	struct drm_version v = { 0 };
	struct drm_edgeai_get_param gp = { .param = DRM_EDGEAI_PARAM_DEVICE_TYPE };

	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		return -errno;
	d->drv_major = (uint32_t)v.version_major;
	d->drv_minor = (uint32_t)v.version_minor;
	d->drv_patch = (uint32_t)v.version_patchlevel;
	if (ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &gp))
		return -errno;
	d->type = (uint32_t)gp.value;
	gp = (struct drm_edgeai_get_param){ .param = DRM_EDGEAI_PARAM_FW_VERSION };
	if (ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &gp))
		return -errno;
	d->fw_version = (uint32_t)gp.value;
	gp = (struct drm_edgeai_get_param){ .param = DRM_EDGEAI_PARAM_FW_ABI_VERSION };
	if (ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &gp))
		return -errno;
	d->fw_abi = (uint32_t)gp.value;
	return 0;
}

int ea_dev_prepare(struct ea_compiled *c, const char *node, uint32_t exec_dev,
		   struct ea_dev_state **ret, char *err, size_t errsz, const char *cache_dir,
		   const char *cache_key, unsigned int *cache_state)
{
	struct ea_cache_dev ident;
	uint8_t *accept;
	int cached = 0;
	const struct edgeai_prog_header *h = c->blob;
	struct ea_dev_state *s;
	uint32_t i, n_prog = h->op_count, on = 0, p;
	int r;

	*ret = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = edgeai_device_open(node, 0, &s->dev);
	if (r) {
		if (err && errsz)
			snprintf(err, errsz, "cannot open %s: %s", node, edgeai_strerror(r));
		free(s);
		return r;
	}
	s->fd = edgeai_device_get_fd(s->dev);
	s->exec_dev = exec_dev;
	snprintf(s->node, sizeof(s->node), "%s", node);
	accept = calloc(c->n_ops, 1);
	if (!accept) {
		ea_dev_free(s);
		return -ENOMEM;
	}
	/* The driver's answers for this model, firmware and driver version, from the cache */
	if (cache_dir && cache_key && !dev_identity(s->fd, &ident)) {
		r = ea_cache_load_ops(cache_dir, cache_key, &ident, accept, c->n_ops);
		cached = r == 0;
		if (cached)
			*cache_state |= EDGEAI_CACHE_PLACEMENT_HIT;
		else if (r == -EBADMSG)
			*cache_state |= EDGEAI_CACHE_CORRUPT;
	} else {
		cache_dir = NULL;
	}
	/* Which model ops does the driver take? */
	for (i = 0; i < c->n_ops; i++) {
		uint32_t first = c->place[i].prog_op, end = i + 1 < c->n_ops ?
			c->place[i + 1].prog_op : n_prog, handle = 0;
		size_t size;
		void *b;

		if (c->place[i].host || end <= first)
			continue;
		if (cached) {
			r = accept[i] ? 0 : -EINVAL;
		} else {
			b = sub_blob(c, first, end - first, &size);
			if (!b) {
				free(accept);
				ea_dev_free(s);
				return -ENOMEM;
			}
			r = ea_prog_create(s->fd, b, size, &handle);
			free(b);
			ea_prog_destroy(s->fd, handle);
			accept[i] = !r;
		}
		if (!r) {
			c->place[i].device = exec_dev;
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "%s: in the device's op set (driver accepted it)",
				 edgeai_exec_device_name(exec_dev));
			on++;
		} else {
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "fallback: the %s driver rejects this op (%s): not in its op set",
				 edgeai_exec_device_name(exec_dev), edgeai_strerror(r));
		}
	}
	if (cache_dir && !cached &&
	    !ea_cache_store_ops(cache_dir, cache_key, &ident, accept, c->n_ops))
		*cache_state |= EDGEAI_CACHE_STORED;
	free(accept);
	if (!on) {
		ea_dev_free(s);
		return 0;
	}
	/* Segments: break where the side changes and where a host op runs. */
	for (p = 0; p < n_prog;) {
		int32_t mo = ea_model_op_of(c, p);
		int dev = mo >= 0 && c->place[mo].device != EDGEAI_EXEC_CPU;
		uint32_t q = p + 1;
		struct ea_seg *sg, *ns;

		while (q < n_prog && !host_at(c, q)) {
			int32_t m2 = ea_model_op_of(c, q);

			if ((m2 >= 0 && c->place[m2].device != EDGEAI_EXEC_CPU) != dev)
				break;
			q++;
		}
		ns = realloc(s->seg, sizeof(*s->seg) * (s->n_seg + 1));
		if (!ns) {
			ea_dev_free(s);
			return -ENOMEM;
		}
		s->seg = ns;
		sg = &s->seg[s->n_seg++];
		memset(sg, 0, sizeof(*sg));
		sg->first = p;
		sg->count = q - p;
		sg->on_dev = dev;
		sg->blob = sub_blob(c, p, q - p, &sg->size);
		if (!sg->blob) {
			ea_dev_free(s);
			return -ENOMEM;
		}
		if (dev) {
			r = ea_prog_create(s->fd, sg->blob, sg->size, &sg->handle);
			if (r) {
				if (err && errsz)
					snprintf(err, errsz, "program of ops %u..%u on %s: %s", p,
						 q - 1, node, edgeai_strerror(r));
				ea_dev_free(s);
				return r;
			}
		}
		p = q;
	}
	*ret = s;
	return 0;
}

