// SPDX-License-Identifier: MIT
/*
 * Requests: one run of a compiled program, submitted without waiting.
 *
 * A request owns an arena (a buffer object of the program's device, or
 * host memory for CPU programs) and the buffers bound as inputs/outputs.
 * Binding a buffer rewrites the program's tensor record of that input or
 * output to the buffer's slot and offset, so the device reads and writes
 * the caller's memory (an imported dma-buf: zero copy); the request then
 * has its own device programs for that layout. A CPU program also takes
 * plain host memory (*_bind_*_ptr()): a slot of its own, mapped at the
 * caller's pointer, with no buffer object behind it. The CPU runs the
 * program itself, told where the bound tensors are (struct ek_bind), so
 * requests share its constants.
 *
 * Segments run in order: a device segment is an edgeai_job running a
 * device program (SUBMIT_PROGRAM, through io_uring when the kernel has
 * it, else by ioctl); its completion callback, run from
 * edgeai_program_process() or edgeai_request_wait(), runs the CPU
 * segments that follow and submits the next device segment. With the AUTO
 * policy a device segment runs on the CPU instead when edgeaid advises
 * the CPU, when the request's deadline has passed, or when the device
 * refuses the job at once (-EBUSY: queue full or thermal trip, -EDQUOT);
 * a job the device fails (reset, timeout) reruns the whole request on the
 * CPU from the inputs (fallback.c says when, and why). The request's
 * placement says where each op ran and why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "drm/edgeai_program.h"
#include "exec/cpu.h"
#include "exec/fallback.h"
#include "exec/program.h"
#include "ops.h"
#include "runtime/runtime.h"

/* A program binds at most this many buffers (uapi/drm/edgeai_program.h). */
#define REQ_MAX_SLOTS EDGEAI_PROG_MAX_SLOTS

enum req_state {
	REQ_IDLE = 0,
	REQ_RUNNING,
	REQ_DONE,
};

struct req_bind {
	struct edgeai_buffer *buf;	/* NULL: in the arena, or at @ptr */
	void *ptr;		/* host memory bound by *_bind_*_ptr() (CPU programs) */
	uint64_t offset;
	uint32_t slot;
};

struct req_place {
	uint32_t device;
	char reason[160];
};

struct edgeai_request {
	atomic_int n_ref;
	struct edgeai_program *prog;	/* referenced unless @weak */
	int weak;			/* the program's own cached request */
	const struct cc_compiled *c;
	struct cc_devices *ds;

	struct edgeai_buffer *arena_bo;
	uint8_t *arena;
	struct req_bind *bin, *bout;
	uint8_t *have_in;
	uint8_t **in_copy;	/* host inputs, kept for a rerun on the CPU */

	/* Layout: built at submit when @ready is 0. */
	int ready;
	/*
	 * the bound inputs and outputs where the whole program runs on the
	 * CPU (c->blob, as it is: exec_cpu_run_bound()), @n_bind of them
	 */
	struct ek_bind *bind;
	unsigned int n_bind;
	struct exec_cpu_resolved resolved;	/* c->blob's ops at smap and bind */
	struct cc_seg *seg;	/* NULL: ds->seg */
	uint32_t n_seg;
	struct edgeai_buffer *sbuf[REQ_MAX_SLOTS];
	struct edgeai_buffer *sbuf1[REQ_MAX_SLOTS];	/* imported on d[1] */
	unsigned int saccess[REQ_MAX_SLOTS];	/* EDGEAI_ACCESS_* */
	void *smap[REQ_MAX_SLOTS];
	uint32_t n_slots;
	struct edgeai_job **jobs;	/* [n_seg], NULL for CPU segments */

	enum req_state state;
	atomic_int waiter;	/* in edgeai_request_run(): its thread waits for jobs[cur] next */
	uint32_t cur;		/* first unfinished segment */
	uint32_t sub;		/* next segment to submit (cur..sub-1 are in flight) */
	uint8_t *done;		/* [n_seg]: device segment finished */
	const char *rerun;	/* a chained job was refused: rerun on the CPU when idle */
	char rerun_why[160];
	enum exec_fallback_kind rerun_kind;
	enum exec_fallback_kind fallback;	/* the first fallback of this run, reported at the end */
	int status;
	int64_t deadline_rel, deadline_abs;
	edgeai_request_callback_t cb;
	void *userdata;
	struct req_place *place;
	/*
	 * a run moved ops of @place off their compiled device: the next
	 * submit copies the compiled placement again (a copy of every op's
	 * reason per run cost more than a tiny model's kernels)
	 */
	int place_moved;
	struct edgeai_request_stats stats;
	uint64_t copied_pending;
	/* the model's detection op: its outputs of this run, once computed */
	float *det;
	int det_done;
};

static void drop_layout(struct edgeai_request *req)
{
	uint32_t i;

	if (req->jobs)
		for (i = 0; i < req->n_seg; i++)
			edgeai_job_unref(req->jobs[i]);
	free(req->jobs);
	req->jobs = NULL;
	free(req->done);
	req->done = NULL;
	for (i = 0; i < REQ_MAX_SLOTS; i++)
		req->sbuf1[i] = edgeai_buffer_unref(req->sbuf1[i]);
	if (req->seg) {
		cc_segments_free(req->ds, req->seg, req->n_seg);
		req->seg = NULL;
	}
	free(req->bind);
	req->bind = NULL;
	req->n_bind = 0;
	exec_cpu_resolved_fini(&req->resolved);
	req->n_seg = 0;
	req->ready = 0;
}

EDGEAI_PUBLIC struct edgeai_request *edgeai_request_ref(struct edgeai_request *req)
{
	if (req)
		atomic_fetch_add(&req->n_ref, 1);
	return req;
}

EDGEAI_PUBLIC struct edgeai_request *edgeai_request_unref(struct edgeai_request *req)
{
	uint32_t i;

	if (!req || atomic_fetch_sub(&req->n_ref, 1) != 1)
		return NULL;
	drop_layout(req);
	for (i = 0; i < req->c->n_in; i++) {
		edgeai_buffer_unref(req->bin[i].buf);
		free(req->in_copy[i]);
	}
	for (i = 0; i < req->c->n_out; i++)
		edgeai_buffer_unref(req->bout[i].buf);
	if (req->arena_bo)
		edgeai_buffer_unref(req->arena_bo);
	else
		free(req->arena);
	free(req->bin);
	free(req->bout);
	free(req->have_in);
	free(req->in_copy);
	free(req->place);
	free(req->det);
	if (!req->weak)
		edgeai_program_unref(req->prog);
	free(req);
	return NULL;
}

static int request_new(struct edgeai_program *prog, int weak, struct edgeai_request **ret_req);

EDGEAI_PUBLIC int edgeai_request_new(struct edgeai_program *prog, struct edgeai_request **ret_req)
{
	assert_return(prog, -EINVAL);
	assert_return(ret_req, -EINVAL);
	return request_new(prog, 0, ret_req);
}

int exec_request_new_weak(struct edgeai_program *prog, struct edgeai_request **ret_req)
{
	return request_new(prog, 1, ret_req);
}

static int request_new(struct edgeai_program *prog, int weak, struct edgeai_request **ret_req)
{
	struct edgeai_request *req;
	const struct cc_compiled *c;
	void *map;
	int r;

	c = prog->c;
	if (c->n_in + c->n_out + 1 > REQ_MAX_SLOTS)
		return -E2BIG;
	req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	atomic_init(&req->n_ref, 1);
	req->weak = weak;
	req->prog = weak ? prog : edgeai_program_ref(prog);
	req->c = c;
	req->ds = prog->dev;
	req->bin = calloc(c->n_in ? c->n_in : 1, sizeof(*req->bin));
	req->bout = calloc(c->n_out, sizeof(*req->bout));
	req->have_in = calloc(c->n_in ? c->n_in : 1, 1);
	req->in_copy = calloc(c->n_in ? c->n_in : 1, sizeof(*req->in_copy));
	req->place = calloc(c->n_ops, sizeof(*req->place));
	req->place_moved = 1;	/* not filled yet */
	if (!req->bin || !req->bout || !req->have_in || !req->in_copy || !req->place) {
		edgeai_request_unref(req);
		return -ENOMEM;
	}
	if (req->ds) {
		r = edgeai_buffer_new(req->ds->d[0].dev, c->arena_size, 0, &req->arena_bo);
		if (!r)
			r = edgeai_buffer_map(req->arena_bo, &map);
		if (r) {
			edgeai_request_unref(req);
			return r;
		}
		req->arena = map;
	} else {
		req->arena = aligned_alloc(64, (c->arena_size + 63) & ~(size_t)63);
		if (!req->arena) {
			edgeai_request_unref(req);
			return -ENOMEM;
		}
	}
	*ret_req = req;
	return 0;
}

EDGEAI_PUBLIC int edgeai_request_set_callback(struct edgeai_request *req,
					      edgeai_request_callback_t cb, void *userdata)
{
	assert_return(req, -EINVAL);
	req->cb = cb;
	req->userdata = userdata;
	return 0;
}

EDGEAI_PUBLIC int edgeai_request_set_deadline(struct edgeai_request *req, int64_t deadline_ns)
{
	assert_return(req, -EINVAL);
	assert_return(deadline_ns >= 0, -EINVAL);
	req->deadline_rel = deadline_ns;
	return 0;
}

/*
 * CPU access to the request's buffers (slot 0, the arena, is host memory
 * for a CPU program) around CPU work.
 */
static int cpu_begin(struct edgeai_request *req)
{
	uint32_t i;
	int r;

	for (i = 0; i < req->n_slots; i++) {
		if (!req->sbuf[i])
			continue;
		r = rt_buffer_cpu_begin(req->sbuf[i], EDGEAI_ACCESS_READ | EDGEAI_ACCESS_WRITE);
		if (r)
			return r;
	}
	return 0;
}

static void cpu_end(struct edgeai_request *req)
{
	uint32_t i;

	for (i = 0; i < req->n_slots; i++)
		if (req->sbuf[i])
			rt_buffer_cpu_end(req->sbuf[i]);
}

static int set_input(struct edgeai_request *req, unsigned int index, const void *data,
		     size_t size);

EDGEAI_PUBLIC int edgeai_request_set_input(struct edgeai_request *req, unsigned int index,
					   const void *data, size_t size)
{
	const struct exec_fio_io *fi;
	const struct cc_compiled *c;
	uint8_t *q;
	int r;

	assert_return(req, -EINVAL);
	c = req->c;
	assert_return(index < c->n_in, -EINVAL);
	fi = exec_prog_fio_in(req->prog, index);
	assert_return(data && size == (fi ? 4 : 1) * c->in[index].size, -EINVAL);
	assert_return(req->state != REQ_RUNNING, -EBUSY);
	if (!fi)
		return set_input(req, index, data, size);
	/* float32 values: the model's QUANTIZE, here */
	q = malloc(c->in[index].size);
	if (!q)
		return -ENOMEM;
	exec_fio_quantize(fi, data, q, c->in[index].size);
	r = set_input(req, index, q, c->in[index].size);
	free(q);
	return r;
}

/* Input @index's 8-bit bytes into the arena. */
static int set_input(struct edgeai_request *req, unsigned int index, const void *data, size_t size)
{
	const struct cc_compiled *c = req->c;
	int r = 0;

	if (req->bin[index].buf || req->bin[index].ptr) {
		req->bin[index].buf = edgeai_buffer_unref(req->bin[index].buf);
		req->bin[index].ptr = NULL;
		drop_layout(req);
	}
	if (req->arena_bo)
		r = rt_buffer_cpu_begin(req->arena_bo, EDGEAI_ACCESS_WRITE);
	if (r)
		return r;
	memcpy(req->arena + c->in[index].offset, data, size);
	if (req->arena_bo)
		rt_buffer_cpu_end(req->arena_bo);
	req->copied_pending += size;
	/* AUTO reruns a request the device failed from its inputs */
	if (req->ds && req->prog->policy == EDGEAI_POLICY_AUTO) {
		if (!req->in_copy[index])
			req->in_copy[index] = malloc(size);
		if (req->in_copy[index])
			memcpy(req->in_copy[index], data, size);
	}
	req->have_in[index] = 1;
	return 0;
}

/* Input (@out 0) or output @index of @req is float32 on the caller's side: no zero copy. */
static int fio_nobind(const struct edgeai_request *req, int out, unsigned int index)
{
	if (!(out ? exec_prog_fio_out(req->prog, index) : exec_prog_fio_in(req->prog, index)))
		return 0;
	return log_debug_errno(-EOPNOTSUPP,
			       "%s %u is float32, converted by the library from the model's "
			       "8-bit tensor: copy it (edgeai_request_%s_%s())",
			       out ? "output" : "input", index, out ? "get" : "set",
			       out ? "output" : "input");
}

static int bind_buf(struct edgeai_request *req, struct req_bind *b, const struct cc_io *io,
		struct edgeai_buffer *buf, uint64_t offset)
{
	uint64_t size = 0;

	assert_return(buf, -EINVAL);
	assert_return(req->state != REQ_RUNNING, -EBUSY);
	assert_return(!req->ds || rt_buffer_device(buf) == req->ds->d[0].dev, -EXDEV);
	(void)edgeai_buffer_get_size(buf, &size);
	assert_return(offset <= size && io->size <= size - offset, -EINVAL);
	assert_return(offset % (io->esize ? io->esize : 1) == 0, -EINVAL);

	edgeai_buffer_ref(buf);
	edgeai_buffer_unref(b->buf);
	b->buf = buf;
	b->ptr = NULL;
	b->offset = offset;
	drop_layout(req);
	return 0;
}

static int bind_ptr(struct edgeai_request *req, struct req_bind *b, const struct cc_io *io,
		    void *data, size_t size)
{
	assert_return(data && size == io->size, -EINVAL);
	assert_return((uintptr_t)data % (io->esize ? io->esize : 1) == 0, -EINVAL);
	assert_return(req->state != REQ_RUNNING, -EBUSY);
	if (req->ds)
		return log_debug_errno(-EXDEV, "host memory bound to a program with device "
				       "segments: the device reads only its own buffers");
	if (b->ptr == data && !b->buf)
		return 0;	/* the same binding: the layout stands */
	b->buf = edgeai_buffer_unref(b->buf);
	b->ptr = data;
	b->offset = 0;
	drop_layout(req);
	return 0;
}

EDGEAI_PUBLIC int edgeai_request_bind_input(struct edgeai_request *req, unsigned int index,
					    struct edgeai_buffer *buf, uint64_t offset)
{
	int r;

	assert_return(req, -EINVAL);
	assert_return(index < req->c->n_in, -EINVAL);
	r = fio_nobind(req, 0, index);
	if (r)
		return r;
	r = bind_buf(req, &req->bin[index], &req->c->in[index], buf, offset);
	if (!r) {
		req->have_in[index] = 1;
		free(req->in_copy[index]);
		req->in_copy[index] = NULL;
	}
	return r;
}

EDGEAI_PUBLIC int edgeai_request_bind_output(struct edgeai_request *req, unsigned int index,
					     struct edgeai_buffer *buf, uint64_t offset)
{
	int64_t p;

	assert_return(req, -EINVAL);
	assert_return(index < exec_prog_n_out(req->prog), -EINVAL);
	p = exec_prog_out(req->prog, index);
	return fio_nobind(req, 1, index) ?:
	       bind_buf(req, &req->bout[p], &req->c->out[p], buf, offset);
}

EDGEAI_PUBLIC int edgeai_request_bind_input_ptr(struct edgeai_request *req, unsigned int index,
						const void *data, size_t size)
{
	int r;

	assert_return(req, -EINVAL);
	assert_return(index < req->c->n_in, -EINVAL);
	r = fio_nobind(req, 0, index);
	if (r)
		return r;
	/* the CPU kernels only read an input */
	r = bind_ptr(req, &req->bin[index], &req->c->in[index], (void *)data, size);
	if (!r)
		req->have_in[index] = 1;
	return r;
}

EDGEAI_PUBLIC int edgeai_request_bind_output_ptr(struct edgeai_request *req, unsigned int index,
						 void *data, size_t size)
{
	int64_t p;

	assert_return(req, -EINVAL);
	assert_return(index < exec_prog_n_out(req->prog), -EINVAL);
	p = exec_prog_out(req->prog, index);
	return fio_nobind(req, 1, index) ?:
	       bind_ptr(req, &req->bout[p], &req->c->out[p], data, size);
}

/* The slot of host memory at @ptr (no buffer object: CPU programs only). */
static uint32_t slot_of_ptr(struct edgeai_request *req, void *ptr)
{
	uint32_t i;

	for (i = 1; i < req->n_slots; i++)
		if (!req->sbuf[i] && req->smap[i] == ptr)
			return i;
	req->sbuf[req->n_slots] = NULL;
	req->smap[req->n_slots] = ptr;
	req->saccess[req->n_slots] = EDGEAI_ACCESS_READ | EDGEAI_ACCESS_WRITE;
	return req->n_slots++;
}

static uint32_t slot_of(struct edgeai_request *req, struct edgeai_buffer *buf, unsigned int access)
{
	uint32_t i;

	for (i = 1; i < req->n_slots; i++)
		if (req->sbuf[i] == buf) {
			req->saccess[i] |= access;
			return i;
		}
	req->sbuf[req->n_slots] = buf;
	req->saccess[req->n_slots] = access;
	return req->n_slots++;
}

/* Point the tensor records of the bound inputs/outputs of @blob at their buffers. */
static void rewrite(const struct edgeai_request *req, void *blob)
{
	struct edgeai_prog_header *h = blob;
	struct edgeai_prog_tensor *tt = (void *)((uint8_t *)blob + h->tensor_offset);
	uint32_t i;

	h->slot_count = req->n_slots;
	for (i = 0; i < req->c->n_in; i++)
		if (req->bin[i].buf || req->bin[i].ptr) {
			tt[req->c->in[i].tensor].slot = req->bin[i].slot;
			tt[req->c->in[i].tensor].offset = req->bin[i].offset;
		}
	for (i = 0; i < req->c->n_out; i++)
		if (req->bout[i].buf || req->bout[i].ptr) {
			tt[req->c->out[i].tensor].slot = req->bout[i].slot;
			tt[req->c->out[i].tensor].offset = req->bout[i].offset;
		}
}

/*
 * The bound inputs/outputs of the request, as the CPU runs the program
 * unchanged (c->blob: its constants are not copied per request) at them.
 */
static int bind_list(struct edgeai_request *req)
{
	const struct cc_compiled *c = req->c;
	uint32_t i;

	req->bind = calloc(c->n_in + c->n_out + 1, sizeof(*req->bind));
	if (!req->bind)
		return -ENOMEM;
	for (i = 0; i < c->n_in; i++)
		if (req->bin[i].buf || req->bin[i].ptr)
			req->bind[req->n_bind++] = (struct ek_bind){ .tensor = c->in[i].tensor,
								     .slot = req->bin[i].slot,
								     .offset = req->bin[i].offset };
	for (i = 0; i < c->n_out; i++)
		if (req->bout[i].buf || req->bout[i].ptr)
			req->bind[req->n_bind++] = (struct ek_bind){ .tensor = c->out[i].tensor,
								     .slot = req->bout[i].slot,
								     .offset = req->bout[i].offset };
	return 0;
}

static void *dup_blob(const void *blob, size_t size)
{
	void *b = aligned_alloc(64, (size + 63) & ~(size_t)63);

	if (b)
		memcpy(b, blob, size);
	return b;
}

static void seg_done(struct edgeai_job *job, int status, void *userdata);

static int build_layout(struct edgeai_request *req)
{
	const struct cc_compiled *c = req->c;
	struct cc_devices *ds = req->ds;
	int custom = 0, r;
	uint32_t i, k;

	req->n_slots = 1;
	req->sbuf[0] = req->arena_bo;
	req->saccess[0] = EDGEAI_ACCESS_READ | EDGEAI_ACCESS_WRITE;
	for (i = 0; i < c->n_in; i++)
		if (req->bin[i].buf) {
			req->bin[i].slot = slot_of(req, req->bin[i].buf, EDGEAI_ACCESS_READ);
			custom = 1;
		} else if (req->bin[i].ptr) {
			req->bin[i].slot = slot_of_ptr(req, req->bin[i].ptr);
			custom = 1;
		}
	for (i = 0; i < c->n_out; i++)
		if (req->bout[i].buf) {
			req->bout[i].slot = slot_of(req, req->bout[i].buf, EDGEAI_ACCESS_WRITE);
			custom = 1;
		} else if (req->bout[i].ptr) {
			req->bout[i].slot = slot_of_ptr(req, req->bout[i].ptr);
			custom = 1;
		}
	req->smap[0] = req->arena;
	for (i = 1; i < req->n_slots; i++) {
		if (!req->sbuf[i])
			continue;	/* host memory: mapped at its pointer */
		r = edgeai_buffer_map(req->sbuf[i], &req->smap[i]);
		if (r)
			return r;
	}
	if (custom) {
		r = bind_list(req);
		if (r)
			return r;
	}
	if (!ds) {
		req->ready = 1;
		return 0;
	}
	req->n_seg = ds->n_seg;
	if (custom) {
		req->seg = calloc(ds->n_seg, sizeof(*req->seg));
		if (!req->seg)
			return -ENOMEM;
		for (i = 0; i < ds->n_seg; i++) {
			req->seg[i] = ds->seg[i];
			req->seg[i].handle = 0;
			req->seg[i].blob = dup_blob(ds->seg[i].blob, ds->seg[i].size);
			if (!req->seg[i].blob)
				return -ENOMEM;
			rewrite(req, req->seg[i].blob);
			if (req->seg[i].on_dev) {
				r = rt_program_create(ds->d[req->seg[i].di].dev, req->seg[i].blob,
						   req->seg[i].size, &req->seg[i].handle);
				if (r)
					return r;
			}
		}
	}
	/* the second device sees the arena and bound buffers through dma-buf imports */
	for (k = 0; ds->n_dev > 1 && k < req->n_slots; k++) {
		r = rt_buffer_share(req->sbuf[k], ds->d[1].dev, &req->sbuf1[k]);
		if (r)
			return r;
	}
	req->jobs = calloc(ds->n_seg, sizeof(*req->jobs));
	req->done = calloc(ds->n_seg, 1);
	if (!req->jobs || !req->done)
		return -ENOMEM;
	for (i = 0; i < ds->n_seg; i++) {
		const struct cc_seg *sg = req->seg ? &req->seg[i] : &ds->seg[i];

		if (!sg->on_dev)
			continue;
		r = rt_job_new_program(ds->d[sg->di].dev, sg->handle,
				       sg->di ? req->sbuf1 : req->sbuf, req->saccess, req->n_slots,
				       &req->jobs[i]);
		if (r)
			return r;
		edgeai_job_set_callback(req->jobs[i], seg_done, req);
	}
	req->ready = 1;
	return 0;
}

static const struct cc_seg *seg_at(const struct edgeai_request *req, uint32_t i)
{
	return req->seg ? &req->seg[i] : &req->ds->seg[i];
}

/* Mark the model ops of program ops [first, first + count) as run on the CPU. */
static void place_cpu(struct edgeai_request *req, uint32_t first, uint32_t count,
		      const char *reason)
{
	const struct cc_compiled *c = req->c;
	uint32_t i;

	for (i = 0; i < c->n_ops; i++) {
		/* a fused activation runs in its producer's program op */
		uint32_t p = c->place[c->place[i].fused ? c->place[i].fused - 1 : i].prog_op;

		if (p < first || p >= first + count)
			continue;
		req->place[i].device = EDGEAI_EXEC_CPU;
		snprintf(req->place[i].reason, sizeof(req->place[i].reason), "%s", reason);
		req->place_moved = 1;
	}
}

/* Count the first fallback of the request (edgeaid's metrics tell it per application). */
static void note_fallback(struct edgeai_request *req, enum exec_fallback_kind kind)
{
	req->stats.fallbacks++;
	if (!req->fallback)
		req->fallback = kind;
}

static void request_finish(struct edgeai_request *req, int status)
{
	if (req->fallback)
		exec_report_fallback(req->fallback);
	req->state = REQ_DONE;
	req->status = status;
	if (req->cb)
		req->cb(req, status, req->userdata);
}

/*
 * Run @blob (with prepared weights @prep, or none) on the CPU, timing its
 * ops into @prof (the whole program's profile) or not. The whole program
 * (c->blob) runs at the request's bound inputs and outputs; a segment's
 * blob has them in its records.
 */
static int run_cpu(struct edgeai_request *req, const void *blob, size_t size, void *const *prep,
		   struct exec_cpu_prof *prof)
{
	int whole = blob == req->c->blob;
	unsigned int failed = 0;
	int r = cpu_begin(req);

	if (!r) {
		req->stats.cpu_segments++;
		r = exec_cpu_run_bound(blob, size, (void *const *)req->smap, req->n_slots,
				       req->prog->reference, prep, prof, req->prog->pool,
				       whole ? req->bind : NULL, whole ? req->n_bind : 0,
				       whole ? &req->resolved : NULL, &failed);
	}
	cpu_end(req);
	return r;
}

/*
 * The whole request on the CPU, from the inputs (after the device failed
 * a job part way: the arena may hold anything).
 */
static int rerun_on_cpu(struct edgeai_request *req, const char *reason,
			enum exec_fallback_kind kind)
{
	const struct cc_compiled *c = req->c;
	unsigned int failed = 0;
	uint32_t i;
	int r;

	for (i = 0; i < c->n_in; i++)
		if (!req->bin[i].buf && !req->in_copy[i])
			return -EIO;	/* the input is gone: nothing to rerun from */
	r = cpu_begin(req);
	if (r)
		return r;
	for (i = 0; i < c->n_in; i++)
		if (!req->bin[i].buf) {
			memcpy(req->arena + c->in[i].offset, req->in_copy[i], c->in[i].size);
			req->stats.bytes_copied += c->in[i].size;
		}
	r = exec_cpu_run_bound(c->blob, c->size, (void *const *)req->smap, req->n_slots,
			       req->prog->reference, NULL, NULL, NULL, req->bind, req->n_bind,
			       &req->resolved, &failed);
	cpu_end(req);
	req->stats.cpu_segments++;
	note_fallback(req, kind);
	place_cpu(req, 0, UINT32_MAX, reason);
	return r;
}

/* Why device segment @sg due now runs on the CPU instead (AUTO), or NULL. */
static const char *fallback_before(const struct edgeai_request *req, const struct cc_seg *sg,
				   char *buf, size_t size, enum exec_fallback_kind *kind)
{
	if (req->prog->policy != EDGEAI_POLICY_AUTO)
		return NULL;
	return exec_fallback_before(&req->ds->d[sg->di], req->deadline_abs, req->deadline_rel, buf,
				    size, kind);
}

/* Device segment @sg on the CPU instead, for reason @why of @kind. */
static int run_seg_on_cpu(struct edgeai_request *req, const struct cc_seg *sg, const char *why,
			  enum exec_fallback_kind kind)
{
	place_cpu(req, sg->first, sg->count, why);
	note_fallback(req, kind);
	return run_cpu(req, sg->blob, sg->size, NULL, NULL);
}

/*
 * Submit device segment req->cur and the device segments right after it
 * that need no CPU work in between, all at once: the kernel orders them by
 * the implicit fences of the arena. 0 when req->cur is in flight.
 *
 * They all go on the queue of req->cur's device, whichever device each
 * runs on (rt_job_submit_on(): that ring carries the commands for the
 * other device too), deferred: when a thread in edgeai_request_run()
 * waits for req->cur next, its io_uring_enter submits them all and waits
 * for all their completions, one system call for the request; else they
 * go to the kernel here, with one system call.
 */
static int submit_device_segments(struct edgeai_request *req)
{
	uint64_t batch = atomic_load(&req->prog->batch);
	uint32_t batch_max = (uint32_t)(batch >> 32), batch_wait_us = (uint32_t)batch;
	struct edgeai_device *first = req->ds->d[seg_at(req, req->cur)->di].dev;
	struct edgeai_job *prev = NULL;
	enum exec_fallback_kind kind;
	char why[160];
	uint32_t k;
	int r = 0;

	for (k = req->cur; k < req->n_seg; k++) {
		const struct cc_seg *sg = seg_at(req, k);

		if (k > req->cur && (!sg->on_dev ||
				     fallback_before(req, sg, why, sizeof(why), &kind)))
			break;
		rt_job_set_batch(req->jobs[k], batch_max, batch_wait_us);
		r = rt_job_submit_on(req->jobs[k], first, prev, RT_SUBMIT_DEFER);
		if (r)
			break;
		req->stats.device_jobs++;
		req->stats.chained += k > req->cur;
		req->sub = k + 1;
		prev = req->jobs[k];
	}
	if (!atomic_load_explicit(&req->waiter, memory_order_relaxed))
		rt_device_flush(first);
	return k == req->cur ? r : 0;
}

/*
 * Run segments from req->cur on: CPU segments here, device segments
 * submitted. Returns with jobs in flight (req->sub > req->cur), or
 * finishes the request.
 */
static void advance(struct edgeai_request *req)
{
	enum exec_fallback_kind kind = EXEC_FB_NONE;
	char why[160];
	int r = 0;

	while (req->cur < req->n_seg) {
		const struct cc_seg *sg = seg_at(req, req->cur);
		const char *fb = NULL;

		if (sg->on_dev) {
			fb = fallback_before(req, sg, why, sizeof(why), &kind);
			if (!fb) {
				r = submit_device_segments(req);
				if (!r)
					return;
				if (req->prog->policy == EDGEAI_POLICY_AUTO)
					fb = exec_fallback_refused(&req->ds->d[sg->di], r, why,
								   sizeof(why), &kind);
				if (!fb)
					break;
				r = 0;
			}
		}
		r = sg->on_dev ? run_seg_on_cpu(req, sg, fb, kind) :
				 run_cpu(req, sg->blob, sg->size, NULL, NULL);
		if (r)
			break;
		req->cur++;
	}
	request_finish(req, r);
}

static void seg_done(struct edgeai_job *job, int status, void *userdata)
{
	struct edgeai_request *req = userdata;
	struct edgeai_job_result res;
	const struct cc_seg *sg;
	uint32_t k;
	int chained;

	if (req->state != REQ_RUNNING)
		return;
	for (k = req->cur; k < req->sub; k++)
		if (req->jobs[k] == job)
			break;
	if (k >= req->sub || req->done[k])
		return;
	sg = seg_at(req, k);
	req->done[k] = 1;
	chained = req->sub - req->cur > 1;
	if (edgeai_job_get_result(job, &res) == 0) {
		req->stats.device_time_ns += res.device_time_ns;
		req->stats.path = res.path;
	}
	if (status && !req->rerun && !req->status) {
		const struct cc_dev *d = &req->ds->d[sg->di];
		int fallback = req->prog->policy == EDGEAI_POLICY_AUTO;
		enum exec_fallback_kind kind;
		const char *why;
		char buf[160];
		int r;

		if (fallback && !chained &&
		    (why = exec_fallback_refused(d, status, buf, sizeof(buf), &kind))) {
			/* refused at once (io_uring reports it in the CQE): nothing ran */
			r = run_seg_on_cpu(req, sg, why, kind);
			if (r) {
				request_finish(req, r);
				return;
			}
		} else if (fallback &&
			   exec_fallback_rerun(d, status, req->rerun_why, sizeof(req->rerun_why),
					       &req->rerun_kind)) {
			req->rerun = req->rerun_why;
		} else {
			req->status = status;
		}
	}
	/* segments request_finish in order, but the completions of two rings may not */
	while (req->cur < req->sub && req->done[req->cur])
		req->cur++;
	if (req->cur < req->sub)
		return;
	if (req->status) {
		request_finish(req, req->status);
	} else if (req->rerun) {
		request_finish(req, rerun_on_cpu(req, req->rerun, req->rerun_kind));
	} else {
		advance(req);
	}
}

EDGEAI_PUBLIC int edgeai_request_submit(struct edgeai_request *req)
{
	const struct cc_compiled *c;
	uint32_t i;
	int r;

	assert_return(req, -EINVAL);
	assert_return(req->state != REQ_RUNNING, -EBUSY);
	c = req->c;
	for (i = 0; i < c->n_in; i++)
		if (!req->have_in[i])
			return log_debug_errno(-EINVAL, "input %u was neither set nor bound", i);
	if (!req->ready) {
		r = build_layout(req);
		if (r) {
			drop_layout(req);
			return r;
		}
	}
	for (i = 0; req->place_moved && i < c->n_ops; i++) {
		req->place[i].device = c->place[i].device;
		snprintf(req->place[i].reason, sizeof(req->place[i].reason), "%s",
			 c->place[i].reason);
	}
	req->place_moved = 0;
	memset(&req->stats, 0, sizeof(req->stats));
	req->stats.n_devices = req->ds ? req->ds->n_dev : 0;
	req->stats.bytes_copied = req->copied_pending;
	req->copied_pending = 0;
	req->deadline_abs = req->deadline_rel ? base_now_ns() + req->deadline_rel : 0;
	req->cur = 0;
	req->sub = 0;
	req->status = 0;
	req->rerun = NULL;
	/* AUTO found no usable device at compile time: every run is a fallback */
	req->fallback = req->prog->policy == EDGEAI_POLICY_AUTO && c->no_device ?
			EXEC_FB_NO_DEVICE : EXEC_FB_NONE;
	if (req->done)
		memset(req->done, 0, req->n_seg);
	req->det_done = 0;
	req->state = REQ_RUNNING;
	if (req->ds) {
		advance(req);
		return 0;
	}
	/* CPU program: the whole blob at once */
	request_finish(req, run_cpu(req, c->blob, c->size, req->prog->prep,
				    atomic_load(&req->prog->profiling) ? req->prog->prof : NULL));
	return 0;
}

EDGEAI_PUBLIC int edgeai_request_wait(struct edgeai_request *req, int64_t timeout_ns)
{
	int64_t deadline, left;
	int r;

	assert_return(req, -EINVAL);
	assert_return(timeout_ns >= 0 || timeout_ns == EDGEAI_TIMEOUT_INFINITE, -EINVAL);
	assert_return(req->state != REQ_IDLE, -EINVAL);
	if (req->state == REQ_DONE)
		return req->status;	/* a CPU program finishes in its submit */

	deadline = timeout_ns < 0 ? INT64_MAX : base_now_ns() + timeout_ns;
	edgeai_request_ref(req);
	while (req->state == REQ_RUNNING) {
		left = EDGEAI_TIMEOUT_INFINITE;
		if (deadline != INT64_MAX) {
			left = deadline - base_now_ns();
			if (left < 0)
				left = 0;
		}
		r = edgeai_job_wait(req->jobs[req->cur], left);
		if (r == -ETIME && req->state == REQ_RUNNING &&
		    (left == 0 || base_now_ns() >= deadline)) {
			edgeai_request_unref(req);
			return -ETIME;
		}
	}
	r = req->status;
	edgeai_request_unref(req);
	return r;
}

EDGEAI_PUBLIC int edgeai_request_run(struct edgeai_request *req, int64_t timeout_ns)
{
	int r;

	assert_return(req, -EINVAL);
	assert_return(timeout_ns >= 0 || timeout_ns == EDGEAI_TIMEOUT_INFINITE, -EINVAL);

	/* Only while this thread waits: afterwards, whoever completes a segment submits the next. */
	atomic_store_explicit(&req->waiter, 1, memory_order_relaxed);
	r = edgeai_request_submit(req);
	if (!r)
		r = edgeai_request_wait(req, timeout_ns);
	atomic_store_explicit(&req->waiter, 0, memory_order_relaxed);
	return r;
}

EDGEAI_PUBLIC int edgeai_request_get_status(const struct edgeai_request *req)
{
	assert_return(req, -EINVAL);
	switch (req->state) {
	case REQ_IDLE:
		return -EINVAL;
	case REQ_RUNNING:
		return -EINPROGRESS;
	default:
		return req->status;
	}
}

static int get_output(struct edgeai_request *req, unsigned int index, void *data, size_t size);

/* The detection op's outputs of this run, from its two 8-bit program outputs. */
static int run_detect(struct edgeai_request *req)
{
	const struct exec_fio *f = req->prog->fio;
	const struct cc_compiled *c = req->c;
	float *det[EXEC_DETECT_N];
	uint8_t *box, *cls;
	int r;

	if (req->det_done)
		return 0;
	if (!req->det && !(req->det = malloc(sizeof(float) * exec_detect_layout(f->det, NULL, det))))
		return -ENOMEM;
	exec_detect_layout(f->det, req->det, det);
	box = malloc(c->out[f->det_box].size);
	cls = malloc(c->out[f->det_cls].size);
	r = box && cls ? 0 : -ENOMEM;
	if (!r)
		r = get_output(req, f->det_box, box, c->out[f->det_box].size);
	if (!r)
		r = get_output(req, f->det_cls, cls, c->out[f->det_cls].size);
	if (!r)
		r = exec_prog_detect(req->prog, box, cls, det);
	free(box);
	free(cls);
	req->det_done = !r;
	return r;
}

EDGEAI_PUBLIC int edgeai_request_get_output(struct edgeai_request *req, unsigned int index,
					    void *data, size_t size)
{
	const struct exec_fio_io *fo;
	const struct cc_compiled *c;
	int64_t p;
	uint8_t *q;
	int r;

	assert_return(req, -EINVAL);
	c = req->c;
	assert_return(index < exec_prog_n_out(req->prog), -EINVAL);
	fo = exec_prog_fio_out(req->prog, index);
	assert_return(data && size == exec_prog_out_size(req->prog, index), -EINVAL);
	assert_return(req->state == REQ_DONE && req->status == 0, -EINVAL);
	if (fo && fo->detect) {
		float *det[EXEC_DETECT_N];

		r = run_detect(req);
		if (r)
			return r;
		exec_detect_layout(req->prog->fio->det, req->det, det);
		memcpy(data, det[fo->detect - 1], size);
		return 0;
	}
	p = exec_prog_out(req->prog, index);
	if (!fo)
		return get_output(req, p, data, size);
	/* float32 values: the model's DEQUANTIZE, here */
	q = malloc(c->out[p].size);
	if (!q)
		return -ENOMEM;
	r = get_output(req, p, q, c->out[p].size);
	if (!r)
		exec_fio_dequantize(fo, q, data, c->out[p].size);
	free(q);
	return r;
}

/* Output @index's 8-bit bytes. */
static int get_output(struct edgeai_request *req, unsigned int index, void *data, size_t size)
{
	const struct cc_compiled *c = req->c;
	const struct req_bind *b = &req->bout[index];
	struct edgeai_buffer *buf;
	const uint8_t *src;
	void *map;
	int r;

	/*
	 * An output that is an input (a program of no operators passes its
	 * inputs through): where that input is bound, if it is.
	 */
	for (uint32_t i = 0; i < c->n_in && !b->ptr && !b->buf; i++)
		if (c->in[i].tensor == c->out[index].tensor && (req->bin[i].ptr || req->bin[i].buf))
			b = &req->bin[i];
	if (b->ptr) {
		if (data != b->ptr)
			memmove(data, b->ptr, size);
		req->stats.bytes_copied += size;
		return 0;
	}
	buf = b->buf ? b->buf : req->arena_bo;
	if (b->buf) {
		r = edgeai_buffer_map(buf, &map);
		if (r)
			return r;
		src = (const uint8_t *)map + b->offset;
	} else {
		src = req->arena + c->out[index].offset;
	}
	if (buf) {
		r = rt_buffer_cpu_begin(buf, EDGEAI_ACCESS_READ);
		if (r)
			return r;
	}
	memcpy(data, src, size);
	if (buf)
		rt_buffer_cpu_end(buf);
	req->stats.bytes_copied += size;
	return 0;
}

EDGEAI_PUBLIC int edgeai_request_get_placement(const struct edgeai_request *req,
					       unsigned int index,
					       struct edgeai_placement *ret_place)
{
	assert_return(req, -EINVAL);
	assert_return(ret_place, -EINVAL);
	assert_return(index < req->c->n_ops, -EINVAL);
	assert_return(req->state != REQ_IDLE, -EINVAL);

	ret_place->op_index = index;
	ret_place->code = req->c->place[index].tfl_code;
	ret_place->op_name = edgeai_op_name(req->c->place[index].tfl_code);
	ret_place->device = req->place[index].device;
	ret_place->reason = req->place[index].reason;
	return 0;
}

EDGEAI_PUBLIC int edgeai_request_get_stats(const struct edgeai_request *req,
					   struct edgeai_request_stats *ret_stats)
{
	assert_return(req, -EINVAL);
	assert_return(ret_stats, -EINVAL);
	*ret_stats = req->stats;
	return 0;
}
