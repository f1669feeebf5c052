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

int edgeai_model_compile(const struct edgeai_model *model,
			 const struct edgeai_compile_options *opts,
			 struct edgeai_program **ret_prog, char *errbuf, size_t errbuf_size)
{
	struct edgeai_compile_options o = { 0 };
	struct edgeai_program *p;
	struct cc_compiled *c = NULL;
	struct cc_devices *dev = NULL;
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
		     !cc_cache_dir(cache_dir, sizeof(cache_dir)) &&
		     !cc_cache_key(model, cache_key, sizeof(cache_key));
	if (have_cache) {
		r = cc_cache_load_program(cache_dir, cache_key, &c);
		if (!r)
			cache_state |= EDGEAI_CACHE_PROGRAM_HIT;
		else if (r == -EBADMSG)
			cache_state |= EDGEAI_CACHE_CORRUPT;
	}
	if (!c) {
		r = cc_compile(model, &c, errbuf, errbuf_size);
		if (r)
			return r;
		if (have_cache && !cc_cache_store_program(cache_dir, cache_key, c))
			cache_state |= EDGEAI_CACHE_STORED;
	}
	r = cc_place(c, &o, errbuf, errbuf_size, have_cache ? cache_dir : NULL, cache_key,
		     &cache_state, &dev);
	if (r) {
		cc_compiled_free(c);
		return r;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		cc_devices_free(dev);
		cc_compiled_free(c);
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
	cc_devices_free(prog->dev);
	ea_cpu_prepare_free(prog->prep, prog->c->blob);
	free(prog->arena);
	cc_compiled_free(prog->c);
	free(prog);
	return NULL;
}

int edgeai_program_run(struct edgeai_program *prog, const void *const *inputs,
		       const size_t *input_sizes, unsigned int n_inputs, void *const *outputs,
		       const size_t *output_sizes, unsigned int n_outputs)
{
	struct cc_compiled *c;
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
	const struct cc_op_place *r;

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
