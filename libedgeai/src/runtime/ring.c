// SPDX-License-Identifier: MIT
/*
 * Asynchronous submission through io_uring: IORING_OP_URING_CMD with
 * EDGEAI_URING_CMD_SUBMIT on the device fd. liburing 2.3 has no prep helper
 * for uring commands, so the 128-byte SQE is filled by hand.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "runtime/runtime.h"

_Static_assert(sizeof(struct drm_edgeai_submit) <= 80,
	       "submit payload must fit the SQE128 command area");
_Static_assert(EDGEAI_RING_INFLIGHT <= UINT16_MAX, "slot index fits user_data");

void edgeai__prep_submit_sqe(struct io_uring_sqe *sqe, int fd,
			     const struct drm_edgeai_submit *submit, uint64_t user_data)
{
	/* An SQE128 entry is two struct io_uring_sqe long; clear all of it. */
	memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
	memcpy(sqe->cmd, submit, sizeof(*submit));
	sqe->user_data = user_data;
}

int edgeai__ring_setup_locked(struct edgeai_device *dev)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_CQSIZE,
		.cq_entries = EDGEAI_RING_INFLIGHT,
	};
	int r;

	switch (dev->uring) {
	case URING_READY:
	case URING_WORKS:
		return 0;
	case URING_UNSUPPORTED:
		return -EOPNOTSUPP;
	case URING_UNKNOWN:
		break;
	}
	r = io_uring_queue_init_params(EDGEAI_RING_ENTRIES, &dev->ring, &p);
	if (r < 0) {
		/* -ENOSYS, -EPERM (io_uring_disabled), -EINVAL (no SQE128): use ioctls. */
		dev->uring = URING_UNSUPPORTED;
		base_log_debug(__func__, r, "io_uring setup failed, submitting by ioctl");
		return -EOPNOTSUPP;
	}
	dev->uring = URING_READY;
	dev->have_ring = true;
	return 0;
}

void edgeai__ring_exit(struct edgeai_device *dev)
{
	if (dev->have_ring)
		io_uring_queue_exit(&dev->ring);
	dev->have_ring = false;
}

int edgeai__ring_submit_locked(struct edgeai_job *job)
{
	struct edgeai_device *dev = job->dev;
	struct drm_edgeai_submit s;
	struct io_uring_sqe *sqe;
	unsigned int slot;
	int r;

	if (dev->n_inflight >= EDGEAI_RING_INFLIGHT)
		return -EBUSY;
	for (slot = 0; slot < EDGEAI_RING_INFLIGHT; slot++)
		if (!dev->slots[slot].busy)
			break;

	sqe = io_uring_get_sqe(&dev->ring);
	if (!sqe)
		return -EBUSY;

	edgeai__fill_submit(job, &s);
	dev->slots[slot].gen++;
	edgeai__prep_submit_sqe(sqe, dev->fd, &s, (uint64_t)dev->slots[slot].gen << 32 | slot);

	/* The kernel reads the submit payload and the arrays it points to here. */
	r = io_uring_submit(&dev->ring);
	if (r < 0)
		return log_debug_errno(r, "io_uring_submit");
	if (r == 0)
		return -EAGAIN;

	dev->slots[slot].busy = true;
	dev->slots[slot].job = job;
	dev->n_inflight++;
	job->ring_slot = (int)slot;
	job->path = EDGEAI_PATH_URING;
	job->state = JOB_INFLIGHT;
	return 0;
}

void edgeai__ring_forget_locked(struct edgeai_job *job)
{
	if (job->ring_slot >= 0) {
		job->dev->slots[job->ring_slot].job = NULL;
		job->ring_slot = -1;
	}
}

static void handle_cqe_locked(struct edgeai_device *dev, const struct io_uring_cqe *cqe,
			      struct edgeai_job **done, unsigned int *n_done, unsigned int max_done)
{
	unsigned int slot = (unsigned int)(cqe->user_data & 0xffffffff);
	uint32_t gen = (uint32_t)(cqe->user_data >> 32);
	struct edgeai_job *job;
	int r;

	if (slot >= EDGEAI_RING_INFLIGHT || !dev->slots[slot].busy || dev->slots[slot].gen != gen)
		return; /* not ours: nothing else is queued on this ring */

	job = dev->slots[slot].job;
	dev->slots[slot].busy = false;
	dev->slots[slot].job = NULL;
	dev->n_inflight--;

	if (cqe->res == -EOPNOTSUPP && dev->uring != URING_WORKS) {
		/*
		 * The kernel has no .uring_cmd for this file: fall back to ioctls
		 * for good, and resubmit this job and any other that was queued
		 * before the first completion told us.
		 */
		if (dev->uring == URING_READY)
			base_log_debug(__func__, -EOPNOTSUPP,
					  "device has no io_uring commands, submitting by ioctl");
		dev->uring = URING_UNSUPPORTED;
		if (job) {
			job->ring_slot = -1;
			job->state = JOB_IDLE;
			r = edgeai__ioctl_submit_locked(job);
			if (r == 0)
				return;
			edgeai__job_finish(job, r, 0);
		}
	} else {
		if (dev->uring == URING_READY)
			dev->uring = URING_WORKS;
		if (!job)
			return;
		job->ring_slot = -1;
		edgeai__job_finish(job, cqe->res, cqe->big_cqe[0]);
	}
	if (*n_done < max_done)
		done[(*n_done)++] = edgeai_job_ref(job);
}

static int wait_cqe_locked(struct edgeai_device *dev, int64_t deadline, struct io_uring_cqe **cqe)
{
	struct __kernel_timespec ts;
	struct timespec now;
	int64_t left;

	if (deadline == INT64_MAX)
		return io_uring_wait_cqe(&dev->ring, cqe);
	clock_gettime(CLOCK_MONOTONIC, &now);
	left = deadline - ((int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
	if (left <= 0)
		return -ETIME;
	ts.tv_sec = left / 1000000000;
	ts.tv_nsec = left % 1000000000;
	return io_uring_wait_cqe_timeout(&dev->ring, cqe, &ts);
}

/*
 * Reap completions. With @until NULL, take what is there and return. Else
 * wait until @until has finished or @deadline (absolute CLOCK_MONOTONIC ns,
 * INT64_MAX = forever, 0 = poll) passes (-ETIME). Finished jobs are
 * returned referenced in @done for the caller to run callbacks unlocked.
 */
int edgeai__ring_reap_locked(struct edgeai_device *dev, int64_t deadline, struct edgeai_job *until,
			     struct edgeai_job **done, unsigned int *n_done, unsigned int max_done)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n;
	int r;

	for (;;) {
		n = 0;
		io_uring_for_each_cqe(&dev->ring, head, cqe) {
			handle_cqe_locked(dev, cqe, done, n_done, max_done);
			n++;
		}
		io_uring_cq_advance(&dev->ring, n);

		if (!until || until->state != JOB_INFLIGHT)
			return 0;
		/* The ioctl fallback may have taken the job over. */
		if (until->path != EDGEAI_PATH_URING) {
			struct drm_edgeai_wait w = { .job_id = until->job_id };

			r = edgeai__ioctl_deadline(dev->fd, DRM_IOCTL_EDGEAI_WAIT, &w, &w.timeout_ns,
						   deadline, -ETIME);
			if (r == -ETIME || r == -EINTR)
				return -ETIME;
			for (struct edgeai_job **p = &dev->ioctl_jobs; *p; p = &(*p)->ioctl_next)
				if (*p == until) {
					*p = until->ioctl_next;
					until->ioctl_next = NULL;
					break;
				}
			edgeai__job_finish(until, r < 0 ? r : w.status, r < 0 ? 0 : w.device_time_ns);
			if (*n_done < max_done)
				done[(*n_done)++] = edgeai_job_ref(until);
			return 0;
		}
		r = wait_cqe_locked(dev, deadline, &cqe);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
	}
}
