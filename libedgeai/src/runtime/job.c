// SPDX-License-Identifier: MIT
/*
 * Jobs: building COPY/FILL command lists (or naming a device program),
 * submitting, waiting, and running the callbacks of finished jobs, here
 * and in edgeai_device_process(). What is in flight, and how it gets to
 * the kernel and back, is queue.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "runtime/internal.h"

EDGEAI_PUBLIC int edgeai_job_new(struct edgeai_device *dev, struct edgeai_job **ret_job)
{
	struct edgeai_job *job;

	assert_return(dev, -EINVAL);
	assert_return(ret_job, -EINVAL);

	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	atomic_init(&job->n_ref, 1);
	job->dev = edgeai_device_ref(dev);
	job->qdev = edgeai_device_ref(dev);
	job->core = DRM_EDGEAI_CORE_ANY;
	job->ring_slot = -1;
	*ret_job = job;
	return 0;
}

EDGEAI_PUBLIC struct edgeai_job *edgeai_job_ref(struct edgeai_job *job)
{
	if (job)
		atomic_fetch_add(&job->n_ref, 1);
	return job;
}

EDGEAI_PUBLIC struct edgeai_job *edgeai_job_unref(struct edgeai_job *job)
{
	struct edgeai_device *dev;

	if (!job)
		return NULL;
	if (atomic_fetch_sub(&job->n_ref, 1) != 1)
		return NULL;

	dev = job->dev;
	if (job->state == RT_JOB_INFLIGHT) {
		/* The kernel finishes the job; its completion is dropped. */
		pthread_mutex_lock(&job->qdev->lock);
		rt_queue_forget_locked(job);
		pthread_mutex_unlock(&job->qdev->lock);
	}
	for (uint32_t i = 0; i < job->n_bos; i++)
		edgeai_buffer_unref(job->bufs[i]);
	edgeai_device_unref(job->qdev);
	free(job->cmds);
	free(job);
	edgeai_device_unref(dev);
	return NULL;
}

static int job_bind(struct edgeai_job *job, struct edgeai_buffer *buf, unsigned int access,
		    uint32_t *ret_slot)
{
	uint32_t flags = (access & EDGEAI_ACCESS_READ ? DRM_EDGEAI_BO_READ : 0) |
			 (access & EDGEAI_ACCESS_WRITE ? DRM_EDGEAI_BO_WRITE : 0);

	for (uint32_t i = 0; i < job->n_bos; i++)
		if (job->bufs[i] == buf) {
			job->bos[i].flags |= flags;
			if (ret_slot)
				*ret_slot = i;
			return 0;
		}
	if (job->n_bos >= DRM_EDGEAI_MAX_BOS)
		return -E2BIG;
	job->bufs[job->n_bos] = edgeai_buffer_ref(buf);
	job->bos[job->n_bos] = (struct drm_edgeai_bo_ref){ .handle = buf->handle, .flags = flags };
	if (ret_slot)
		*ret_slot = job->n_bos;
	job->n_bos++;
	return 0;
}

EDGEAI_PUBLIC int edgeai_job_bind(struct edgeai_job *job, struct edgeai_buffer *buf,
				  unsigned int access, uint32_t *ret_slot)
{
	assert_return(job, -EINVAL);
	assert_return(buf, -EINVAL);
	assert_return(buf->dev == job->dev, -EINVAL);
	assert_return(access && !(access & ~(EDGEAI_ACCESS_READ | EDGEAI_ACCESS_WRITE)), -EINVAL);
	assert_return(job->state != RT_JOB_INFLIGHT, -EBUSY);

	return job_bind(job, buf, access, ret_slot);
}

static int range_ok(const struct edgeai_buffer *buf, uint64_t offset, uint64_t size)
{
	return size > 0 && offset <= buf->size && size <= buf->size - offset;
}

static int job_add_cmd(struct edgeai_job *job, const struct drm_edgeai_cmd *cmd)
{
	if (job->n_cmds >= DRM_EDGEAI_MAX_CMDS)
		return -E2BIG;
	if (job->n_cmds == job->n_cmds_alloc) {
		uint32_t n = job->n_cmds_alloc ? 2 * job->n_cmds_alloc : 8;
		struct drm_edgeai_cmd *c = realloc(job->cmds, n * sizeof(*c));

		if (!c)
			return -ENOMEM;
		job->cmds = c;
		job->n_cmds_alloc = n;
	}
	job->cmds[job->n_cmds++] = *cmd;
	return 0;
}

/* Bind @bufs (with the access bits) and add @cmd; on failure the job is unchanged. */
static int job_add(struct edgeai_job *job, struct drm_edgeai_cmd *cmd, struct edgeai_buffer *dst,
		   struct edgeai_buffer *src)
{
	uint32_t n_bos = job->n_bos, old_flags[DRM_EDGEAI_MAX_BOS];
	uint32_t slot;
	int r;

	for (uint32_t i = 0; i < n_bos; i++)
		old_flags[i] = job->bos[i].flags;
	r = job_bind(job, dst, EDGEAI_ACCESS_WRITE, &slot);
	if (r < 0)
		goto undo;
	cmd->dst_slot = slot;
	if (src) {
		r = job_bind(job, src, EDGEAI_ACCESS_READ, &slot);
		if (r < 0)
			goto undo;
		cmd->src_slot = slot;
	}
	r = job_add_cmd(job, cmd);
	if (r >= 0)
		return 0;
undo:
	while (job->n_bos > n_bos)
		edgeai_buffer_unref(job->bufs[--job->n_bos]);
	for (uint32_t i = 0; i < n_bos; i++)
		job->bos[i].flags = old_flags[i];
	return r;
}

EDGEAI_PUBLIC int edgeai_job_add_copy(struct edgeai_job *job, struct edgeai_buffer *dst,
				      uint64_t dst_offset, struct edgeai_buffer *src,
				      uint64_t src_offset, uint64_t size)
{
	struct drm_edgeai_cmd cmd;

	assert_return(job, -EINVAL);
	assert_return(dst && dst->dev == job->dev, -EINVAL);
	assert_return(src && src->dev == job->dev, -EINVAL);
	assert_return(range_ok(dst, dst_offset, size), -EINVAL);
	assert_return(range_ok(src, src_offset, size), -EINVAL);
	assert_return(dst != src || dst_offset >= src_offset + size || src_offset >= dst_offset + size,
		      -EINVAL);
	assert_return(job->state != RT_JOB_INFLIGHT, -EBUSY);

	cmd = (struct drm_edgeai_cmd){
		.op = DRM_EDGEAI_CMD_COPY,
		.dst_offset = dst_offset,
		.src_offset = src_offset,
		.size = size,
	};
	return job_add(job, &cmd, dst, src);
}

EDGEAI_PUBLIC int edgeai_job_add_fill(struct edgeai_job *job, struct edgeai_buffer *dst,
				      uint64_t dst_offset, uint64_t size, uint8_t value)
{
	struct drm_edgeai_cmd cmd;

	assert_return(job, -EINVAL);
	assert_return(dst && dst->dev == job->dev, -EINVAL);
	assert_return(range_ok(dst, dst_offset, size), -EINVAL);
	assert_return(job->state != RT_JOB_INFLIGHT, -EBUSY);

	cmd = (struct drm_edgeai_cmd){
		.op = DRM_EDGEAI_CMD_FILL,
		.dst_offset = dst_offset,
		.size = size,
		.value = value,
	};
	return job_add(job, &cmd, dst, NULL);
}

EDGEAI_PUBLIC int edgeai_job_set_core(struct edgeai_job *job, uint32_t core)
{
	assert_return(job, -EINVAL);
	assert_return(job->state != RT_JOB_INFLIGHT, -EBUSY);
	job->core = core;
	return 0;
}

EDGEAI_PUBLIC int edgeai_job_set_callback(struct edgeai_job *job, edgeai_job_callback_t cb,
					  void *userdata)
{
	assert_return(job, -EINVAL);
	job->cb = cb;
	job->userdata = userdata;
	return 0;
}

int rt_job_new_program(struct edgeai_device *dev, uint32_t handle,
		       struct edgeai_buffer *const *bufs, const unsigned int *access, uint32_t n,
		       struct edgeai_job **ret_job)
{
	struct edgeai_job *job;
	uint32_t i, slot;
	int r;

	r = edgeai_job_new(dev, &job);
	if (r < 0)
		return r;
	for (i = 0; i < n && !r; i++) {
		r = edgeai_job_bind(job, bufs[i], access[i], &slot);
		if (!r && slot != i)
			r = -EINVAL;	/* a buffer twice */
	}
	if (r < 0) {
		edgeai_job_unref(job);
		return r;
	}
	job->program = handle;
	*ret_job = job;
	return 0;
}

void rt_job_set_batch(struct edgeai_job *job, uint32_t batch_max, uint32_t batch_wait_us)
{
	bool on = job->program && batch_max >= 2 &&
		  (job->dev->capabilities & DRM_EDGEAI_CAP_BATCH);

	job->batch_max = on ? batch_max : 0;
	job->batch_wait_us = on ? batch_wait_us : 0;
}

int rt_job_submit_on(struct edgeai_job *job, struct edgeai_device *q, struct edgeai_job *prev,
		     unsigned int flags)
{
	int r;

	assert_return(job, -EINVAL);
	assert_return(!(flags & ~(EDGEAI_SUBMIT_IOCTL | EDGEAI_SUBMIT_URING | RT_SUBMIT_DEFER)),
		      -EINVAL);
	assert_return((flags & (EDGEAI_SUBMIT_IOCTL | EDGEAI_SUBMIT_URING)) !=
			      (EDGEAI_SUBMIT_IOCTL | EDGEAI_SUBMIT_URING),
		      -EINVAL);
	assert_return(job->n_cmds > 0 || job->program, -EINVAL);
	assert_return(job->state != RT_JOB_INFLIGHT, -EBUSY);
	assert_return(!rt_device_forked(job->dev), -ECHILD);
	assert_return(q && !rt_device_forked(q), -EINVAL);
	assert_return(!prev || prev->qdev == q, -EINVAL);

	if (job->qdev != q) {
		edgeai_device_unref(job->qdev);
		job->qdev = edgeai_device_ref(q);
	}
	pthread_mutex_lock(&q->lock);
	job->chain_next = NULL;
	r = rt_queue_submit_locked(job, flags);
	if (!r && prev && prev->state == RT_JOB_INFLIGHT)
		prev->chain_next = job;
	pthread_mutex_unlock(&q->lock);
	return r;
}

int rt_job_submit(struct edgeai_job *job, unsigned int flags)
{
	assert_return(job, -EINVAL);
	return rt_job_submit_on(job, job->dev, NULL, flags);
}

EDGEAI_PUBLIC int edgeai_job_submit(struct edgeai_job *job, unsigned int flags)
{
	assert_return(!(flags & RT_SUBMIT_DEFER), -EINVAL);
	return rt_job_submit(job, flags);
}

void rt_device_flush(struct edgeai_device *dev)
{
	pthread_mutex_lock(&dev->lock);
	rt_queue_flush_locked(dev);
	pthread_mutex_unlock(&dev->lock);
}

/*
 * The jobs the queue finished, referenced while dev->lock is still held;
 * their callbacks run after it is dropped, so they may submit again.
 */
static void hold_done_locked(struct rt_done *done)
{
	for (unsigned int i = 0; i < done->n; i++)
		edgeai_job_ref(done->job[i]);
}

static void run_callbacks(struct rt_done *done)
{
	for (unsigned int i = 0; i < done->n; i++) {
		struct edgeai_job *job = done->job[i];

		if (job->cb)
			job->cb(job, job->status, job->userdata);
		edgeai_job_unref(job);
	}
}

EDGEAI_PUBLIC int edgeai_job_wait(struct edgeai_job *job, int64_t timeout_ns)
{
	struct edgeai_device *dev;
	struct rt_waiter w;
	struct rt_done done;
	int64_t deadline;
	bool finished = false, last;
	int r = 0, status = 0;

	assert_return(job, -EINVAL);
	assert_return(timeout_ns >= 0 || timeout_ns == EDGEAI_TIMEOUT_INFINITE, -EINVAL);
	assert_return(job->state != RT_JOB_IDLE, -EINVAL);
	assert_return(!rt_device_forked(job->dev), -ECHILD);

	if (job->state == RT_JOB_DONE)
		return job->status;

	dev = job->qdev;
	deadline = rt_abs_timeout(timeout_ns);
	pthread_mutex_lock(&dev->lock);
	rt_queue_waiter_add_locked(&w, job);
	for (;;) {
		done.n = 0;
		r = rt_queue_wait_locked(&w, deadline, &done);
		if (!finished && job->state != RT_JOB_INFLIGHT) {
			/* Before its callback runs: that may submit it again. */
			finished = true;
			status = job->status;
		}
		last = r != 0 || finished || !done.n;
		if (last)
			/* A completion handed over meanwhile is collected here. */
			rt_queue_waiter_del_locked(&w, &done);
		if (done.n) {
			/*
			 * Callbacks run without the lock, as soon as their jobs
			 * complete (not only once ours has): they may submit
			 * what another thread waits for.
			 */
			hold_done_locked(&done);
			pthread_mutex_unlock(&dev->lock);
			run_callbacks(&done);
			pthread_mutex_lock(&dev->lock);
		}
		if (last)
			break;
	}
	pthread_mutex_unlock(&dev->lock);

	if (finished)
		return status;
	return r < 0 ? r : -ETIME;
}

EDGEAI_PUBLIC int edgeai_job_run(struct edgeai_job *job, unsigned int flags, int64_t timeout_ns)
{
	int r;

	assert_return(job, -EINVAL);
	assert_return(timeout_ns >= 0 || timeout_ns == EDGEAI_TIMEOUT_INFINITE, -EINVAL);

	assert_return(!(flags & RT_SUBMIT_DEFER), -EINVAL);

	/* Submitted by the wait's io_uring_enter: one system call for both. */
	r = rt_job_submit(job, flags | RT_SUBMIT_DEFER);
	if (r < 0)
		return r;
	return edgeai_job_wait(job, timeout_ns);
}

EDGEAI_PUBLIC int edgeai_job_get_result(const struct edgeai_job *job,
					struct edgeai_job_result *ret_result)
{
	assert_return(job, -EINVAL);
	assert_return(ret_result, -EINVAL);
	assert_return(job->state == RT_JOB_DONE, -EINVAL);

	*ret_result = (struct edgeai_job_result){
		.status = job->status,
		.path = job->path,
		.device_time_ns = job->device_time_ns,
	};
	return 0;
}

EDGEAI_PUBLIC int edgeai_device_process(struct edgeai_device *dev)
{
	struct rt_done done;

	assert_return(dev, -EINVAL);
	assert_return(!rt_device_forked(dev), -ECHILD);

	done.n = 0;
	pthread_mutex_lock(&dev->lock);
	rt_queue_poll_locked(dev, &done);
	hold_done_locked(&done);
	pthread_mutex_unlock(&dev->lock);

	run_callbacks(&done);
	return (int)done.n;
}
