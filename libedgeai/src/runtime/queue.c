// SPDX-License-Identifier: MIT
/*
 * The jobs in flight on a device: one submit path and one complete path,
 * for both ways into the kernel. Everything here runs with dev->lock held,
 * but for the blocking waits: a waiting thread lets go of the lock while
 * it sleeps in the kernel, so that other threads submit meanwhile (and
 * the kernel can batch their jobs: edgeai_program_set_batch()). One thread
 * at a time sleeps on the ring and reaps it; the others wait on
 * dev->waiters, each on its own condition variable, woken only when their
 * own job completes (they take its completion and run its callback) or
 * when the reaper leaves and one of them is to sleep on the ring next.
 * Every completion wakes at most the one thread that waits for it, rather
 * than every thread waiting on the device.
 *
 * Submit: through io_uring (EDGEAI_URING_CMD_SUBMIT, ring.c) when the
 * kernel has it, else DRM_IOCTL_EDGEAI_SUBMIT. A ring job holds a slot of
 * dev->slots[], whose index and generation are the command's user_data;
 * an ioctl job is on dev->ioctl_jobs under its job id.
 *
 * Complete: a CQE, or DRM_IOCTL_EDGEAI_WAIT for an ioctl job, finishes the
 * job (complete()), which goes back to the caller in a struct rt_done so
 * that job.c runs its callback without the lock. When the first CQE says
 * the kernel has no .uring_cmd for the file, the jobs queued on the ring
 * so far are resubmitted by ioctl and io_uring is not tried again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "runtime/internal.h"

_Static_assert(RT_RING_INFLIGHT <= UINT16_MAX, "slot index fits user_data");

void rt_queue_init(struct edgeai_device *dev, bool use_uring)
{
	dev->uring = use_uring ? RT_URING_UNKNOWN : RT_URING_UNSUPPORTED;
}

void rt_queue_fini(struct edgeai_device *dev)
{
	if (dev->have_ring)
		rt_ring_exit(&dev->ring);
	dev->have_ring = false;
}

static int ring_setup_locked(struct edgeai_device *dev)
{
	int r;

	switch (dev->uring) {
	case RT_URING_READY:
	case RT_URING_WORKS:
		return 0;
	case RT_URING_UNSUPPORTED:
		return -EOPNOTSUPP;
	case RT_URING_UNKNOWN:
		break;
	}
	r = rt_ring_init(&dev->ring);
	if (r < 0) {
		/* -ENOSYS, -EPERM (io_uring_disabled), -EINVAL (no SQE128): use ioctls. */
		dev->uring = RT_URING_UNSUPPORTED;
		base_log_debug(__func__, r, "io_uring setup failed, submitting by ioctl");
		return -EOPNOTSUPP;
	}
	dev->uring = RT_URING_READY;
	dev->have_ring = true;
	return 0;
}

int rt_queue_ring_fd_locked(struct edgeai_device *dev)
{
	int r = ring_setup_locked(dev);

	return r < 0 ? r : dev->ring.ring_fd;
}

/* The submit payload of @job: its commands, or the device program it runs. */
static void fill_submit(const struct edgeai_job *job, struct drm_edgeai_submit *s)
{
	*s = (struct drm_edgeai_submit){
		.bos = (uint64_t)(uintptr_t)job->bos,
		.cmds = (uint64_t)(uintptr_t)job->cmds,
		.bo_count = job->n_bos,
		.cmd_count = job->n_cmds,
		.cmd_size = sizeof(struct drm_edgeai_cmd),
		.core = job->core,
	};
	if (job->program) {
		s->cmds = 0;
		s->cmd_count = 0;
		s->flags = DRM_EDGEAI_SUBMIT_PROGRAM;
		s->program_handle = job->program;
		if (job->batch_max) {
			s->flags |= DRM_EDGEAI_SUBMIT_BATCH;
			s->batch_max = job->batch_max;
			s->batch_wait_us = job->batch_wait_us;
		}
	}
}

static void waiter_unlink(struct edgeai_device *dev, struct rt_waiter *w)
{
	for (struct rt_waiter **p = &dev->waiters; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			w->next = NULL;
			return;
		}
}

void rt_queue_waiter_add_locked(struct rt_waiter *w, struct edgeai_job *job)
{
	pthread_condattr_t attr;

	*w = (struct rt_waiter){ .job = job };
	/* Deadlines are CLOCK_MONOTONIC (base_now_ns()). */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	w->next = job->qdev->waiters;
	job->qdev->waiters = w;
}

void rt_queue_waiter_del_locked(struct rt_waiter *w, struct rt_done *done)
{
	waiter_unlink(w->job->qdev, w);
	if (w->handed && done->n < RT_DONE_MAX)
		done->job[done->n++] = w->job;
	w->handed = false;
	pthread_cond_destroy(&w->cond);
}

/*
 * The first thread waiting for @job, which completed, takes its completion
 * (its callback is that thread's to run) and leaves the list. True when
 * there was one.
 */
static bool waiter_hand(struct edgeai_job *job)
{
	struct rt_waiter *w;

	for (w = job->qdev->waiters; w; w = w->next)
		if (w->job == job)
			break;
	if (!w)
		return false;
	waiter_unlink(job->qdev, w);
	w->handed = true;
	pthread_cond_signal(&w->cond);
	return true;
}

/* Wake the threads waiting for @job: it moved to the ioctl path. */
static void waiters_wake(struct edgeai_job *job)
{
	for (struct rt_waiter *w = job->qdev->waiters; w; w = w->next)
		if (w->job == job)
			pthread_cond_signal(&w->cond);
}

static void complete(struct edgeai_job *job, int status, uint64_t device_time_ns,
		     struct rt_done *done)
{
	job->state = RT_JOB_DONE;
	job->status = status;
	job->device_time_ns = device_time_ns;
	if (waiter_hand(job))
		/* The thread that waits for it runs its callback. */
		return;
	if (done->n < RT_DONE_MAX)
		done->job[done->n++] = job;
}

static int submit_ioctl_locked(struct edgeai_job *job)
{
	struct edgeai_device *dev = job->qdev;
	struct drm_edgeai_submit s;
	int r;

	fill_submit(job, &s);
	r = rt_ioctl(job->dev->fd, DRM_IOCTL_EDGEAI_SUBMIT, &s);
	if (r < 0)
		return log_debug_errno(r, "SUBMIT");
	job->job_id = s.job_id;
	job->path = EDGEAI_PATH_IOCTL;
	job->state = RT_JOB_INFLIGHT;
	job->ioctl_next = dev->ioctl_jobs;
	dev->ioctl_jobs = job;
	return 0;
}

static void ioctl_list_del(struct edgeai_job *job)
{
	for (struct edgeai_job **p = &job->qdev->ioctl_jobs; *p; p = &(*p)->ioctl_next)
		if (*p == job) {
			*p = job->ioctl_next;
			job->ioctl_next = NULL;
			return;
		}
}

static int submit_ring_locked(struct edgeai_job *job, bool defer)
{
	struct edgeai_device *dev = job->qdev;
	struct drm_edgeai_submit s;
	uint64_t user_data;
	unsigned int slot;
	int r;

	if (dev->n_inflight >= RT_RING_INFLIGHT)
		return -EBUSY;
	for (slot = 0; slot < RT_RING_INFLIGHT; slot++)
		if (!dev->slots[slot].busy)
			break;

	fill_submit(job, &s);
	user_data = (uint64_t)++dev->slots[slot].gen << 32 | slot;
	r = rt_ring_queue(&dev->ring, job->dev->fd, &s, user_data);
	if (r == -EBUSY) {
		/* The SQ is full of deferred entries: they go first. */
		rt_queue_flush_locked(dev);
		r = rt_ring_queue(&dev->ring, job->dev->fd, &s, user_data);
	}
	if (r < 0)
		return r;
	if (!defer) {
		/* This and whatever was deferred before it, in order. */
		r = io_uring_submit(&dev->ring);
		if (r == 0)
			r = -EAGAIN;
		if (r < 0)
			return log_debug_errno(r, "io_uring_submit");
	}

	dev->slots[slot].busy = true;
	dev->slots[slot].job = job;
	dev->n_inflight++;
	job->ring_slot = (int)slot;
	job->path = EDGEAI_PATH_URING;
	job->state = RT_JOB_INFLIGHT;
	return 0;
}

int rt_queue_submit_locked(struct edgeai_job *job, unsigned int flags)
{
	int r = -EOPNOTSUPP;

	if (!(flags & EDGEAI_SUBMIT_IOCTL))
		r = ring_setup_locked(job->qdev);
	if (r >= 0)
		return submit_ring_locked(job, flags & RT_SUBMIT_DEFER);
	if (flags & EDGEAI_SUBMIT_URING)
		return -EOPNOTSUPP;
	return submit_ioctl_locked(job);
}

void rt_queue_flush_locked(struct edgeai_device *dev)
{
	int r;

	if (!dev->have_ring || !io_uring_sq_ready(&dev->ring))
		return;
	r = io_uring_submit(&dev->ring);
	if (r < 0)
		/* They stay in the SQ; the next io_uring_enter takes them. */
		base_log_debug(__func__, r, "io_uring_submit");
}

void rt_queue_forget_locked(struct edgeai_job *job)
{
	/* The kernel reads the job's arrays at submission: before they are freed. */
	rt_queue_flush_locked(job->qdev);
	if (job->path != EDGEAI_PATH_URING) {
		ioctl_list_del(job);
	} else if (job->ring_slot >= 0) {
		job->qdev->slots[job->ring_slot].job = NULL;
		job->ring_slot = -1;
	}
}

static void complete_cqe(struct edgeai_device *dev, const struct rt_cqe *cqe, struct rt_done *done)
{
	unsigned int slot = (unsigned int)(cqe->user_data & 0xffffffff);
	uint32_t gen = (uint32_t)(cqe->user_data >> 32);
	struct edgeai_job *job;
	int r;

	if (slot >= RT_RING_INFLIGHT || !dev->slots[slot].busy || dev->slots[slot].gen != gen)
		return; /* not ours: nothing else is queued on this ring */

	job = dev->slots[slot].job;
	dev->slots[slot].busy = false;
	dev->slots[slot].job = NULL;
	dev->n_inflight--;
	if (job)
		job->ring_slot = -1;

	if (cqe->res == -EOPNOTSUPP && dev->uring != RT_URING_WORKS) {
		/*
		 * The kernel has no .uring_cmd for this file: fall back to ioctls
		 * for good, and resubmit this job and any other that was queued
		 * before the first completion told us.
		 */
		if (dev->uring == RT_URING_READY)
			base_log_debug(__func__, -EOPNOTSUPP,
				       "device has no io_uring commands, submitting by ioctl");
		dev->uring = RT_URING_UNSUPPORTED;
		if (!job)
			return;
		job->state = RT_JOB_IDLE;
		r = submit_ioctl_locked(job);
		if (r < 0)
			complete(job, r, 0, done);
		else
			/* Its waiters wait by ioctl now. */
			waiters_wake(job);
		return;
	}
	if (dev->uring == RT_URING_READY)
		dev->uring = RT_URING_WORKS;
	if (job)
		complete(job, cqe->res, cqe->device_time_ns, done);
}

/* Every completion the ring holds. */
static void reap_ring_locked(struct edgeai_device *dev, struct rt_done *done)
{
	struct rt_cqe cqes[16];
	unsigned int i, n;

	do {
		n = rt_ring_reap(&dev->ring, cqes, ARRAY_SIZE(cqes));
		for (i = 0; i < n; i++)
			complete_cqe(dev, &cqes[i], done);
	} while (n == ARRAY_SIZE(cqes));
}

/*
 * DRM_IOCTL_EDGEAI_WAIT for an ioctl job until @deadline (0: only ask):
 * 0 when it has finished (and is completed into @done), -ETIME while it
 * still runs.
 */
static int wait_ioctl_locked(struct edgeai_job *job, int64_t deadline, struct rt_done *done)
{
	struct edgeai_device *dev = job->qdev;
	struct drm_edgeai_wait w = { .job_id = job->job_id };
	int r;

	/* A wait that sleeps does it without the lock (the job is the caller's). */
	if (deadline)
		pthread_mutex_unlock(&dev->lock);
	r = rt_ioctl_deadline(job->dev->fd, DRM_IOCTL_EDGEAI_WAIT, &w, &w.timeout_ns, deadline,
			      -ETIME);
	if (deadline)
		pthread_mutex_lock(&dev->lock);
	if (r == -ETIME || r == -ETIMEDOUT || r == -EINTR || r == -EBUSY || r == -EAGAIN)
		return -ETIME;
	/* Another thread (edgeai_device_process()) completed it meanwhile. */
	if (job->state != RT_JOB_INFLIGHT || job->path == EDGEAI_PATH_URING)
		return 0;
	ioctl_list_del(job);
	complete(job, r < 0 ? r : w.status, r < 0 ? 0 : w.device_time_ns, done);
	return 0;
}

/*
 * While another thread reaps the ring: sleep until @w's job completes, it
 * moved to the ioctl path, it is this thread's turn to reap, or -ETIME at
 * @deadline.
 */
static int sleep_locked(struct rt_waiter *w, int64_t deadline)
{
	struct edgeai_device *dev = w->job->qdev;
	struct timespec ts;
	int r;

	if (deadline == INT64_MAX) {
		w->sleeping = true;
		r = -pthread_cond_wait(&w->cond, &dev->lock);
	} else if (deadline <= base_now_ns()) {
		return -ETIME;
	} else {
		ts.tv_sec = deadline / 1000000000;
		ts.tv_nsec = deadline % 1000000000;
		w->sleeping = true;
		r = -pthread_cond_timedwait(&w->cond, &dev->lock, &ts);
		if (r == -ETIMEDOUT)
			r = -ETIME;
	}
	w->sleeping = false;
	return r;
}

/*
 * A thread leaves the ring: when nobody sleeps on it, the first waiter
 * asleep takes over (it rechecks its job and sleeps on the ring itself).
 * A waiter that is not asleep looks at the ring before it sleeps.
 */
static void pass_turn_locked(struct edgeai_device *dev)
{
	if (dev->reaping)
		return;
	for (struct rt_waiter *w = dev->waiters; w; w = w->next)
		if (w->sleeping) {
			pthread_cond_signal(&w->cond);
			return;
		}
}

/*
 * How many completions the thread waiting for @job (a ring job in flight)
 * waits for in one io_uring_enter: @job's, and those of the jobs chained
 * after it on the same ring (job->chain_next: the kernel runs them after
 * it, and their callbacks are due to this thread too), so that a request
 * over two devices takes one system call. Only while they are all the
 * ring holds: a completion of anyone else's job wakes the thread at once,
 * as it would with one.
 */
static unsigned int chain_want_locked(const struct edgeai_job *job)
{
	const struct edgeai_device *q = job->qdev;
	unsigned int want = 1;

	for (const struct edgeai_job *j = job->chain_next; j && want < q->n_inflight;
	     j = j->chain_next) {
		if (j->qdev != q || j->state != RT_JOB_INFLIGHT || j->path != EDGEAI_PATH_URING)
			break;
		want++;
	}
	return want == q->n_inflight ? want : 1;
}

static int wait_ring_locked(struct rt_waiter *w, int64_t deadline, struct rt_done *done)
{
	struct edgeai_job *job = w->job;
	struct edgeai_device *dev = job->qdev;
	unsigned int n, want;
	int r;

	for (;;) {
		/*
		 * Only the thread that sleeps on the ring reaps it while it
		 * sleeps there: its io_uring_enter() waits for a CQE, and one
		 * reaped by another thread would not wake it (when no other
		 * job completes after it, it would sleep on for good).
		 */
		if (!dev->reaping)
			reap_ring_locked(dev, done);
		if (w->handed) {
			/* Completed, by this thread or another: its callback is ours. */
			w->handed = false;
			if (done->n < RT_DONE_MAX)
				done->job[done->n++] = job;
			return 0;
		}
		if (job->state != RT_JOB_INFLIGHT)
			/* Completed before this thread waited for it. */
			return 0;
		if (done->n)
			/* Callbacks are due: they may submit what others wait for. */
			return 0;
		/* An ioctl job, or a ring job the ioctl fallback has taken over. */
		if (job->path != EDGEAI_PATH_URING) {
			rt_queue_flush_locked(dev);
			pass_turn_locked(dev);
			return wait_ioctl_locked(job, deadline, done);
		}
		if (dev->reaping) {
			/* Another thread sleeps on the ring: it wakes us. */
			rt_queue_flush_locked(dev);
			r = sleep_locked(w, deadline);
			if (r < 0 && !w->handed && job->state == RT_JOB_INFLIGHT)
				return r;
			continue;
		}
		/* Deferred submissions go in with the wait: one system call. */
		n = rt_ring_publish(&dev->ring);
		want = chain_want_locked(job);
		dev->reaping = true;
		pthread_mutex_unlock(&dev->lock);
		r = rt_ring_enter(&dev->ring, n, want, deadline);
		pthread_mutex_lock(&dev->lock);
		dev->reaping = false;
		if (r < 0 && r != -EINTR) {
			reap_ring_locked(dev, done);
			if (w->handed || job->state != RT_JOB_INFLIGHT)
				continue;
			return r;
		}
	}
}

int rt_queue_wait_locked(struct rt_waiter *w, int64_t deadline, struct rt_done *done)
{
	struct edgeai_job *job = w->job;
	int r;

	if (job->path != EDGEAI_PATH_URING)
		/* Handed over or not, rt_queue_waiter_del_locked() collects it. */
		return job->state == RT_JOB_INFLIGHT ? wait_ioctl_locked(job, deadline, done) : 0;
	r = wait_ring_locked(w, deadline, done);
	pass_turn_locked(job->qdev);
	return r;
}

void rt_queue_poll_locked(struct edgeai_device *dev, struct rt_done *done)
{
	struct edgeai_job *job, *next;

	if (dev->have_ring) {
		rt_queue_flush_locked(dev);
		/* The thread asleep on the ring reaps what comes (wait_ring_locked()). */
		if (!dev->reaping)
			reap_ring_locked(dev, done);
	}
	for (job = dev->ioctl_jobs; job && done->n < RT_DONE_MAX; job = next) {
		next = job->ioctl_next;
		(void)wait_ioctl_locked(job, 0, done);
	}
}
