// SPDX-License-Identifier: MIT
/*
 * Programs: edgeai_model_compile() (the compile cache, the compiler and the
 * placement of compiler/ make the program), the program's accessors, and
 * edgeai_program_run(): on the CPU directly (cpu.c), on a device through
 * the program's cached request (request.c). The event fd and processing of
 * a program are those of its devices' rings.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/base.h"
#include "compiler/cache.h"
#include "compiler/compile.h"
#include "compiler/place.h"
#include "drm/edgeai_program.h"
#include "edgeai/edgeai.h"
#include "exec/cpu.h"
#include "exec/program.h"

EDGEAI_PUBLIC int edgeai_model_compile(const struct edgeai_model *model,
				       const struct edgeai_compile_options *opts,
				       struct edgeai_program **ret_prog, char *errbuf,
				       size_t errbuf_size)
{
	struct edgeai_compile_options o = { 0 };
	struct edgeai_program *p;
	struct cc_compiled *c = NULL;
	struct cc_devices *dev = NULL;
	const struct edgeai_model *orig = model;
	struct edgeai_model *stripped = NULL;
	struct exec_fio *fio = NULL;
	char cache_dir[4096], cache_key[128];
	unsigned int cache_state = 0;
	int r, have_cache;

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
	if ((o.flags & ~(EDGEAI_COMPILE_NO_CACHE | EDGEAI_COMPILE_ONE_DEVICE)) ||
	    (o.device_minor && !(o.flags & EDGEAI_COMPILE_ONE_DEVICE)))
		return -EINVAL;
	if (o.cpu_threads > 256)
		return -EINVAL;
	if (o.cache_dir && strlen(o.cache_dir) >= sizeof(cache_dir) - 64)
		return -EINVAL;	/* room for the entry names */
	/* float32 inputs/outputs: the program is the graph between them */
	r = exec_fio_strip(model, &stripped, &fio, errbuf, errbuf_size);
	if (r)
		return r;
	if (stripped)
		model = stripped;
	have_cache = !(o.flags & EDGEAI_COMPILE_NO_CACHE) &&
		     !cc_cache_dir(o.cache_dir, cache_dir, sizeof(cache_dir)) &&
		     !cc_cache_key(model, cache_dir, cache_key, sizeof(cache_key));
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
			goto fail;
		if (have_cache && !cc_cache_store_program(cache_dir, cache_key, c))
			cache_state |= EDGEAI_CACHE_STORED;
	}
	r = cc_place(c, &o, errbuf, errbuf_size, have_cache ? cache_dir : NULL, cache_key,
		     &cache_state, &dev);
	if (r)
		goto fail;
	p = calloc(1, sizeof(*p));
	if (!p) {
		cc_devices_free(dev);
		r = -ENOMEM;
		goto fail;
	}
	p->dev = dev;
	p->fio = fio;
	p->policy = o.policy;
	p->cache_state = cache_state;
	p->epfd = -1;
	if (!(o.cpu_flags & EDGEAI_CPU_REFERENCE) && !dev)
		p->prep = exec_cpu_prepare(c->blob, c->size);
	/*
	 * The program has its own copy of every weight: the pages of the
	 * model's file map leave this process's resident memory (the page
	 * cache keeps them for a next compile), so that a model kept after
	 * its compile does not count its weights twice.
	 */
	model_drop_map_pages(orig);
	edgeai_model_unref(stripped);
	atomic_init(&p->n_ref, 1);
	p->c = c;
	p->reference = !!(o.cpu_flags & EDGEAI_CPU_REFERENCE);
	/* the reference kernels do not split: no workers for them */
	if (o.cpu_threads > 1 && !p->reference)
		p->pool = exec_pool_new(o.cpu_threads);
	pthread_mutex_init(&p->lock, NULL);
	*ret_prog = p;
	return 0;
fail:
	cc_compiled_free(c);
	exec_fio_free(fio);
	edgeai_model_unref(stripped);
	return r;
}

const struct exec_fio_io *exec_prog_fio_in(const struct edgeai_program *prog, unsigned int index)
{
	return prog->fio && index < prog->fio->n_in && prog->fio->in[index].on ?
		       &prog->fio->in[index] : NULL;
}

const struct exec_fio_io *exec_prog_fio_out(const struct edgeai_program *prog, unsigned int index)
{
	return prog->fio && index < prog->fio->n_out && prog->fio->out[index].on ?
		       &prog->fio->out[index] : NULL;
}

unsigned int exec_prog_n_out(const struct edgeai_program *prog)
{
	return prog->fio ? prog->fio->n_out : prog->c->n_out;
}

int64_t exec_prog_out(const struct edgeai_program *prog, unsigned int index)
{
	if (!prog->fio)
		return index;
	return prog->fio->out[index].detect ? -1 : (int64_t)prog->fio->out[index].prog;
}

size_t exec_prog_out_size(const struct edgeai_program *prog, unsigned int index)
{
	const struct exec_fio_io *fo = exec_prog_fio_out(prog, index);

	if (fo && fo->detect)
		return sizeof(float) * exec_detect_size(prog->fio->det, fo->detect - 1);
	return (fo ? 4 : 1) * prog->c->out[exec_prog_out(prog, index)].size;
}

int exec_prog_detect(const struct edgeai_program *prog, const uint8_t *box, const uint8_t *cls,
		     float *const *det)
{
	return exec_detect_run(prog->fio->det, box, cls, det);
}

EDGEAI_PUBLIC struct edgeai_program *edgeai_program_ref(struct edgeai_program *prog)
{
	if (prog)
		atomic_fetch_add(&prog->n_ref, 1);
	return prog;
}

EDGEAI_PUBLIC struct edgeai_program *edgeai_program_unref(struct edgeai_program *prog)
{
	if (!prog || atomic_fetch_sub(&prog->n_ref, 1) != 1)
		return NULL;
	pthread_mutex_destroy(&prog->lock);
	edgeai_request_unref(prog->req);
	if (prog->epfd >= 0)
		close(prog->epfd);
	cc_devices_free(prog->dev);
	exec_fio_free(prog->fio);
	exec_cpu_prepare_free(prog->prep, prog->c->blob);
	exec_pool_free(prog->pool);
	if (prog->prof)
		free(atomic_load(&prog->prof)->op);
	free(atomic_load(&prog->prof));
	free(prog->arena);
	cc_compiled_free(prog->c);
	free(prog);
	return NULL;
}

/* The detection op of a CPU run: from the arena into the caller's outputs it names. */
static int run_detect(const struct edgeai_program *prog, const void *arena, void *const *outputs)
{
	const struct exec_fio *f = prog->fio;
	const struct cc_compiled *c = prog->c;
	float *det[EXEC_DETECT_N], *own;
	unsigned int i;
	int r;

	/* the outputs the model does not have go to scratch */
	own = malloc(sizeof(float) * exec_detect_layout(f->det, NULL, det));
	if (!own)
		return -ENOMEM;
	exec_detect_layout(f->det, own, det);
	for (i = 0; i < f->n_out; i++)
		if (f->out[i].detect)
			det[f->out[i].detect - 1] = outputs[i];
	r = exec_prog_detect(prog, (const uint8_t *)arena + c->out[f->det_box].offset,
			     (const uint8_t *)arena + c->out[f->det_cls].offset, det);
	free(own);
	return r;
}

EDGEAI_PUBLIC int edgeai_program_run(struct edgeai_program *prog, const void *const *inputs,
				     const size_t *input_sizes, unsigned int n_inputs,
				     void *const *outputs, const size_t *output_sizes,
				     unsigned int n_outputs)
{
	struct cc_compiled *c;
	unsigned int i, failed = 0;
	void *arena;
	int locked, r;

	if (!prog)
		return -EINVAL;
	c = prog->c;
	if (n_inputs != c->n_in || n_outputs != exec_prog_n_out(prog) ||
	    (n_inputs && (!inputs || !input_sizes)) || !outputs || !output_sizes)
		return -EINVAL;
	for (i = 0; i < n_inputs; i++)
		if (!inputs[i] ||
		    input_sizes[i] != (exec_prog_fio_in(prog, i) ? 4 : 1) * c->in[i].size)
			return -EINVAL;
	for (i = 0; i < n_outputs; i++)
		if (!outputs[i] || output_sizes[i] != exec_prog_out_size(prog, i))
			return -EINVAL;
	if (prog->dev) {
		/* a request: the cached one, or a new one when another thread runs it */
		struct edgeai_request *req = NULL;

		locked = pthread_mutex_trylock(&prog->lock) == 0;
		if (locked && !prog->req)
			r = exec_request_new_weak(prog, &prog->req);
		else
			r = 0;
		if (!r && locked)
			req = edgeai_request_ref(prog->req);
		else if (!r)
			r = edgeai_request_new(prog, &req);
		for (i = 0; i < n_inputs && !r; i++)
			r = edgeai_request_set_input(req, i, inputs[i], input_sizes[i]);
		if (!r)
			r = edgeai_request_run(req, EDGEAI_TIMEOUT_INFINITE);
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
			prog->arena = base_alloc_populated(c->arena_size);
		arena = prog->arena;
	} else {
		arena = aligned_alloc(64, (c->arena_size + 63) & ~(size_t)63);
	}
	if (!arena) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n_inputs; i++) {
		const struct exec_fio_io *fi = exec_prog_fio_in(prog, i);

		if (fi)
			exec_fio_quantize(fi, inputs[i], (uint8_t *)arena + c->in[i].offset,
					  c->in[i].size);
		else
			memcpy((uint8_t *)arena + c->in[i].offset, inputs[i], c->in[i].size);
	}
	r = exec_cpu_run_prof(c->blob, c->size, &arena, 1, prog->reference, prog->prep, atomic_load(&prog->profiling) ? prog->prof : NULL,
			      prog->pool, &failed);
	if (!r && prog->fio && prog->fio->det)
		r = run_detect(prog, arena, outputs);
	for (i = 0; i < n_outputs && !r; i++) {
		const struct exec_fio_io *fo = exec_prog_fio_out(prog, i);
		const struct cc_io *io;

		if (fo && fo->detect)
			continue;
		io = &c->out[exec_prog_out(prog, i)];
		if (fo)
			exec_fio_dequantize(fo, (uint8_t *)arena + io->offset, outputs[i], io->size);
		else
			memcpy(outputs[i], (uint8_t *)arena + io->offset, io->size);
	}
out:
	if (locked)
		pthread_mutex_unlock(&prog->lock);
	else
		free(arena);
	return r;
}

EDGEAI_PUBLIC int edgeai_program_placement_count(const struct edgeai_program *prog)
{
	return prog ? (int)prog->c->n_ops : -EINVAL;
}

EDGEAI_PUBLIC int edgeai_program_get_placement(const struct edgeai_program *prog,
					       unsigned int index, struct edgeai_placement *ret_place)
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

EDGEAI_PUBLIC int edgeai_program_get_blob(const struct edgeai_program *prog, const void **ret_data,
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

EDGEAI_PUBLIC const char *edgeai_cpu_kernels(const struct edgeai_program *prog)
{
	return exec_cpu_kernels_name(prog ? prog->reference : 0);
}

EDGEAI_PUBLIC int edgeai_program_get_cpu_threads(const struct edgeai_program *prog)
{
	assert_return(prog, -EINVAL);
	return (int)exec_pool_threads(prog->pool);
}

EDGEAI_PUBLIC int edgeai_program_set_batch(struct edgeai_program *prog, unsigned int batch_max,
					   unsigned int batch_wait_us)
{
	assert_return(prog, -EINVAL);
	assert_return(batch_max <= EDGEAI_BATCH_MAX, -EINVAL);
	assert_return(batch_wait_us <= EDGEAI_BATCH_WAIT_MAX_US, -EINVAL);

	if (batch_max < 2)
		batch_max = batch_wait_us = 0;
	atomic_store(&prog->batch, (uint64_t)batch_max << 32 | batch_wait_us);
	return 0;
}

EDGEAI_PUBLIC int edgeai_program_get_batch(const struct edgeai_program *prog,
					   unsigned int *ret_batch_max,
					   unsigned int *ret_batch_wait_us)
{
	uint64_t b;

	assert_return(prog, -EINVAL);
	b = atomic_load(&((struct edgeai_program *)prog)->batch);
	if (ret_batch_max)
		*ret_batch_max = (unsigned int)(b >> 32);
	if (ret_batch_wait_us)
		*ret_batch_wait_us = (unsigned int)b;
	return 0;
}

EDGEAI_PUBLIC int edgeai_program_get_cache_state(const struct edgeai_program *prog)
{
	return prog ? (int)prog->cache_state : -EINVAL;
}

EDGEAI_PUBLIC int edgeai_program_get_device(const struct edgeai_program *prog,
					    struct edgeai_device **ret_dev)
{
	assert_return(prog, -EINVAL);
	assert_return(ret_dev, -EINVAL);
	if (!prog->dev)
		return -ENODEV;
	*ret_dev = edgeai_device_ref(prog->dev->d[0].dev);
	return 0;
}

EDGEAI_PUBLIC int edgeai_program_get_event_fd(struct edgeai_program *prog)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd, r = 0;
	uint32_t k;

	assert_return(prog, -EINVAL);
	if (!prog->dev)
		return -EOPNOTSUPP;
	if (prog->dev->n_dev == 1)
		return edgeai_device_get_event_fd(prog->dev->d[0].dev);
	/* two devices: one fd that polls readable when either ring has completions */
	pthread_mutex_lock(&prog->lock);
	if (prog->epfd < 0) {
		fd = epoll_create1(EPOLL_CLOEXEC);
		if (fd < 0)
			r = -errno;
		for (k = 0; k < prog->dev->n_dev && !r; k++) {
			int rfd = edgeai_device_get_event_fd(prog->dev->d[k].dev);

			if (rfd < 0)
				r = rfd;
			else if (epoll_ctl(fd, EPOLL_CTL_ADD, rfd, &ev))
				r = -errno;
		}
		if (!r)
			prog->epfd = fd;
		else if (fd >= 0)
			close(fd);
	}
	pthread_mutex_unlock(&prog->lock);
	return r ? r : prog->epfd;
}

EDGEAI_PUBLIC int edgeai_program_process(struct edgeai_program *prog)
{
	int n = 0, r;
	uint32_t k;

	assert_return(prog, -EINVAL);
	if (!prog->dev)
		return 0;
	for (k = 0; k < prog->dev->n_dev; k++) {
		r = edgeai_device_process(prog->dev->d[k].dev);
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

EDGEAI_PUBLIC int edgeai_program_set_profiling(struct edgeai_program *prog, int enable)
{
	const struct edgeai_prog_header *h;
	struct exec_cpu_prof *p;
	unsigned int i, n;
	int r = 0;

	assert_return(prog, -EINVAL);
	if (prog->dev)
		return -EOPNOTSUPP;
	if (!enable) {
		atomic_store(&prog->profiling, 0);
		return 0;
	}
	h = (const void *)prog->c->blob;
	pthread_mutex_lock(&prog->lock);
	p = prog->prof;
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (p) {
			p->n_ops = h->op_count;
			p->op = calloc(p->n_ops + 1, sizeof(*p->op));
			if (!p->op) {
				free(p);
				p = NULL;
			}
		}
		prog->prof = p;
	}
	if (!p) {
		r = -ENOMEM;
	} else {
		n = p->n_ops;
		for (i = 0; i < n; i++) {
			atomic_store(&p->op[i].runs, 0);
			atomic_store(&p->op[i].ns, 0);
			atomic_store(&p->op[i].kset, -1);
		}
		atomic_store(&prog->profiling, 1);
	}
	pthread_mutex_unlock(&prog->lock);
	return r;
}

EDGEAI_PUBLIC int edgeai_program_profile_count(const struct edgeai_program *prog)
{
	const struct edgeai_prog_header *h;

	assert_return(prog, -EINVAL);
	if (prog->dev)
		return -EOPNOTSUPP;
	h = (const void *)prog->c->blob;
	return (int)h->op_count;
}

EDGEAI_PUBLIC int edgeai_program_get_profile(const struct edgeai_program *prog,
					     unsigned int index, struct edgeai_op_profile *ret_prof)
{
	const struct edgeai_prog_header *h;
	const struct edgeai_prog_op *ops;
	const struct exec_cpu_prof_op *p = NULL;
	struct exec_cpu_prof *prof;
	int n = edgeai_program_profile_count(prog);

	if (n < 0)
		return n;
	assert_return(ret_prof, -EINVAL);
	if (index >= (unsigned int)n)
		return -EINVAL;
	h = (const void *)prog->c->blob;
	ops = (const void *)((const uint8_t *)prog->c->blob + h->op_offset);
	memset(ret_prof, 0, sizeof(*ret_prof));
	ret_prof->index = index;
	ret_prof->op_name = edgeai_program_op_name(ops[index].opcode);
	if (!ret_prof->op_name)
		ret_prof->op_name = "UNKNOWN";
	/* prog->prof is set once, under the lock, and never freed before the program */
	prof = atomic_load(&prog->prof);
	if (prof)
		p = &prof->op[index];
	ret_prof->kernels = exec_cpu_prof_kernels(p ? atomic_load(&p->kset) : -1);
	ret_prof->runs = p ? atomic_load(&p->runs) : 0;
	ret_prof->total_ns = p ? atomic_load(&p->ns) : 0;
	return 0;
}
