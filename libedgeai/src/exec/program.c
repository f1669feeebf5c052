// SPDX-License-Identifier: MIT
/*
 * Public compile/run API: edgeai_model_compile() (compile.c builds the
 * program), the placement policy (each op on the device whose driver
 * takes the most ops of the model, run-device.c asks the drivers), and
 * edgeai_program_run(): on the CPU directly (cpu.c), on a device through
 * the program's cached request (request.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "exec/cpu.h"
#include "drm/edgeai_accel.h"
#include "compiler/cache.h"
#include "exec/program.h"
#include "compiler/place.h"
#include "edgeai/edgeai.h"

const char *edgeai_exec_device_name(uint32_t device)
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

#define EA_MAX_DEVICES 8

/* The accelerators of @type (0: any), at most @max; returns how many. */
static int find_devices(uint32_t type, struct edgeai_device_info *info, int max)
{
	struct edgeai_device_list *list = NULL;
	int n, i, found = 0;

	if (edgeai_enumerate(&list) < 0)
		return 0;
	n = edgeai_device_list_count(list);
	for (i = 0; i < n && found < max; i++) {
		if (edgeai_device_list_get(list, (unsigned int)i, &info[found]))
			continue;
		if (!type || info[found].type == type)
			found++;
	}
	edgeai_device_list_unref(list);
	return found;
}

/* Whether the driver can run programs: the uapi has no program ioctl yet. */
static int device_runs_programs(void)
{
#ifdef DRM_IOCTL_EDGEAI_PROGRAM_CREATE
	return 1;
#else
	return 0;
#endif
}

static void place_all_cpu(struct ea_compiled *c, const char *why)
{
	uint32_t i;

	for (i = 0; i < c->n_ops; i++) {
		c->place[i].device = EDGEAI_EXEC_CPU;
		if (c->place[i].host)
			snprintf(c->place[i].reason, sizeof(c->place[i].reason),
				 "host op: TFLite computes it in float, no device op matches");
		else
			snprintf(c->place[i].reason, sizeof(c->place[i].reason), "%s", why);
	}
}

/*
 * Place the ops: on the device (of the wanted type) whose driver takes the
 * most of them, the rest on the CPU, each with its reason.
 */
static int place(struct ea_compiled *c, const struct edgeai_compile_options *o, char *err,
		 size_t errsz, struct ea_dev_state **dev, const char *cache_dir,
		 const char *cache_key, unsigned int *cache_state)
{
	struct edgeai_device_info info[EA_MAX_DEVICES];
	const char *want = o->device_type == EDGEAI_DEVICE_NPU ? "NPU" :
			   o->device_type == EDGEAI_DEVICE_DSP ? "DSP" : "NPU or DSP";
	struct ea_placement_rec *best_place = NULL;
	struct ea_dev_state *st;
	char why[96], derr[256] = "";
	int n, k, best = -1, best_on = -1, r, last_r = 0;
	uint32_t i, on;

	if (o->policy == EDGEAI_POLICY_CPU_ONLY) {
		place_all_cpu(c, "CPU_ONLY policy");
		return 0;
	}
	n = find_devices(o->device_type, info, EA_MAX_DEVICES);
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
		return 0;
	}
	if (!device_runs_programs()) {
		if (o->policy == EDGEAI_POLICY_DEVICE_ONLY) {
			if (err && errsz)
				snprintf(err, errsz,
					 "DEVICE_ONLY: %s (%s) found, but the driver cannot run programs (no PROGRAM_CREATE ioctl)",
					 info[0].node, edgeai_device_type_name(info[0].type));
			return -EOPNOTSUPP;
		}
		snprintf(why, sizeof(why),
			 "fallback: %s cannot run programs (driver has no PROGRAM_CREATE)",
			 info[0].node);
		place_all_cpu(c, why);
		return 0;
	}
	best_place = malloc(sizeof(*best_place) * c->n_ops);
	if (!best_place)
		return -ENOMEM;
	snprintf(why, sizeof(why), "fallback: no %s device takes this op", want);
	for (k = 0; k < n; k++) {
		place_all_cpu(c, why);
		st = NULL;
		r = ea_dev_prepare(c, info[k].node, info[k].type == EDGEAI_DEVICE_DSP ?
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
			ea_dev_free(*dev);
			*dev = st;
			best = k;
			best_on = (int)on;
			memcpy(best_place, c->place, sizeof(*best_place) * c->n_ops);
		} else {
			ea_dev_free(st);
		}
	}
	memcpy(c->place, best_place, sizeof(*best_place) * c->n_ops);
	free(best_place);
	/* ops the best device's driver rejects: on a device of the other type */
	for (k = 0; k < n && *dev && o->device_type == 0; k++) {
		if (k == best || info[k].type == info[best].type)
			continue;
		r = ea_dev_add(*dev, c, info[k].node, info[k].type == EDGEAI_DEVICE_DSP ?
			       EDGEAI_EXEC_DSP : EDGEAI_EXEC_NPU, derr, sizeof(derr), cache_dir,
			       cache_key, cache_state);
		if (r < 0) {
			ea_dev_free(*dev);
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
				ea_dev_free(*dev);
				*dev = NULL;
				return -EOPNOTSUPP;
			}
	}
	return 0;
}

int edgeai_model_compile(const struct edgeai_model *model,
			 const struct edgeai_compile_options *opts,
			 struct edgeai_program **ret_prog, char *errbuf, size_t errbuf_size)
{
	struct edgeai_compile_options o = { 0 };
	struct edgeai_program *p;
	struct ea_compiled *c = NULL;
	struct ea_dev_state *dev = NULL;
	char cache_dir[4096], cache_key[128];
	unsigned int cache_state = 0;
	int r, have_cache;
	uint32_t i;

	if (errbuf && errbuf_size)
		errbuf[0] = 0;
	if (!model || !ret_prog)
		return -EINVAL;
	*ret_prog = NULL;
	if (opts)
		o = *opts;
	if (o.policy > EDGEAI_POLICY_CPU_ONLY || o.device_type > EDGEAI_DEVICE_DSP ||
	    (o.cpu_flags & ~EDGEAI_CPU_REFERENCE))
		return -EINVAL;
	if (o.flags & ~EDGEAI_COMPILE_NO_CACHE)
		return -EINVAL;
	for (i = 0; i < sizeof(o.reserved) / sizeof(o.reserved[0]); i++)
		if (o.reserved[i])
			return -EINVAL;
	have_cache = !(o.flags & EDGEAI_COMPILE_NO_CACHE) &&
		     !ea_cache_dir(cache_dir, sizeof(cache_dir)) &&
		     !ea_cache_key(model, cache_key, sizeof(cache_key));
	if (have_cache) {
		r = ea_cache_load_program(cache_dir, cache_key, &c);
		if (!r)
			cache_state |= EDGEAI_CACHE_PROGRAM_HIT;
		else if (r == -EBADMSG)
			cache_state |= EDGEAI_CACHE_CORRUPT;
	}
	if (!c) {
		r = ea_compile(model, &c, errbuf, errbuf_size);
		if (r)
			return r;
		if (have_cache && !ea_cache_store_program(cache_dir, cache_key, c))
			cache_state |= EDGEAI_CACHE_STORED;
	}
	r = place(c, &o, errbuf, errbuf_size, &dev, have_cache ? cache_dir : NULL, cache_key,
		  &cache_state);
	if (r) {
		ea_compiled_free(c);
		return r;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		ea_dev_free(dev);
		ea_compiled_free(c);
		return -ENOMEM;
	}
	p->dev = dev;
	p->policy = o.policy;
	p->cache_state = cache_state;
	p->epfd = -1;
	if (!(o.cpu_flags & EDGEAI_CPU_REFERENCE) && !dev)
		p->prep = ea_cpu_prepare(c->blob, c->size);
	atomic_init(&p->n_ref, 1);
	p->c = c;
	p->reference = !!(o.cpu_flags & EDGEAI_CPU_REFERENCE);
	pthread_mutex_init(&p->lock, NULL);
	*ret_prog = p;
	return 0;
}

struct edgeai_program *edgeai_program_ref(struct edgeai_program *prog)
{
	if (prog)
		atomic_fetch_add(&prog->n_ref, 1);
	return prog;
}

struct edgeai_program *edgeai_program_unref(struct edgeai_program *prog)
{
	if (!prog || atomic_fetch_sub(&prog->n_ref, 1) != 1)
		return NULL;
	pthread_mutex_destroy(&prog->lock);
	edgeai_request_unref(prog->req);
	if (prog->epfd >= 0)
		close(prog->epfd);
	ea_dev_free(prog->dev);
	ea_cpu_prepare_free(prog->prep, prog->c->blob);
	free(prog->arena);
	ea_compiled_free(prog->c);
	free(prog);
	return NULL;
}

int edgeai_program_run(struct edgeai_program *prog, const void *const *inputs,
		       const size_t *input_sizes, unsigned int n_inputs, void *const *outputs,
		       const size_t *output_sizes, unsigned int n_outputs)
{
	struct ea_compiled *c;
	unsigned int i, failed = 0;
	void *arena;
	int locked, r;

	if (!prog)
		return -EINVAL;
	c = prog->c;
	if (n_inputs != c->n_in || n_outputs != c->n_out || (n_inputs && (!inputs || !input_sizes)) ||
	    !outputs || !output_sizes)
		return -EINVAL;
	for (i = 0; i < n_inputs; i++)
		if (!inputs[i] || input_sizes[i] != c->in[i].size)
			return -EINVAL;
	for (i = 0; i < n_outputs; i++)
		if (!outputs[i] || output_sizes[i] != c->out[i].size)
			return -EINVAL;
	if (prog->dev) {
		/* a request: the cached one, or a new one when another thread runs it */
		struct edgeai_request *req = NULL;

		locked = pthread_mutex_trylock(&prog->lock) == 0;
		if (locked && !prog->req)
			r = ea_request_new_weak(prog, &prog->req);
		else
			r = 0;
		if (!r && locked)
			req = edgeai_request_ref(prog->req);
		else if (!r)
			r = edgeai_request_new(prog, &req);
		for (i = 0; i < n_inputs && !r; i++)
			r = edgeai_request_set_input(req, i, inputs[i], input_sizes[i]);
		if (!r)
			r = edgeai_request_submit(req);
		if (!r)
			r = edgeai_request_wait(req, EDGEAI_TIMEOUT_INFINITE);
		for (i = 0; i < n_outputs && !r; i++)
			r = edgeai_request_get_output(req, i, outputs[i], output_sizes[i]);
		edgeai_request_unref(req);
		if (locked)
			pthread_mutex_unlock(&prog->lock);
		return r;
	}
	locked = pthread_mutex_trylock(&prog->lock) == 0;
	if (locked) {
		if (!prog->arena)
			prog->arena = aligned_alloc(64, (c->arena_size + 63) & ~(size_t)63);
		arena = prog->arena;
	} else {
		arena = aligned_alloc(64, (c->arena_size + 63) & ~(size_t)63);
	}
	if (!arena) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n_inputs; i++)
		memcpy((uint8_t *)arena + c->in[i].offset, inputs[i], c->in[i].size);
	r = ea_cpu_exec_prep(c->blob, c->size, c->host, c->n_host, &arena, 1, prog->reference,
			     prog->prep, &failed);
	if (!r)
		for (i = 0; i < n_outputs; i++)
			memcpy(outputs[i], (uint8_t *)arena + c->out[i].offset, c->out[i].size);
out:
	if (locked)
		pthread_mutex_unlock(&prog->lock);
	else
		free(arena);
	return r;
}

int edgeai_program_placement_count(const struct edgeai_program *prog)
{
	return prog ? (int)prog->c->n_ops : -EINVAL;
}

int edgeai_program_get_placement(const struct edgeai_program *prog, unsigned int index,
				 struct edgeai_placement *ret_place)
{
	const struct ea_placement_rec *r;

	if (!prog || !ret_place || index >= prog->c->n_ops)
		return -EINVAL;
	r = &prog->c->place[index];
	ret_place->op_index = index;
	ret_place->code = r->tfl_code;
	ret_place->op_name = edgeai_op_name(r->tfl_code);
	ret_place->device = r->device;
	ret_place->reason = r->reason;
	return 0;
}

int edgeai_program_get_blob(const struct edgeai_program *prog, const void **ret_data,
			    size_t *ret_size, uint64_t *ret_arena_size)
{
	if (!prog || !ret_data || !ret_size)
		return -EINVAL;
	*ret_data = prog->c->blob;
	*ret_size = prog->c->size;
	if (ret_arena_size)
		*ret_arena_size = prog->c->arena_size;
	return 0;
}

const char *edgeai_cpu_kernels(const struct edgeai_program *prog)
{
	return ea_cpu_kernels_name(prog ? prog->reference : 0);
}

int edgeai_program_get_cache_state(const struct edgeai_program *prog)
{
	return prog ? (int)prog->cache_state : -EINVAL;
}
