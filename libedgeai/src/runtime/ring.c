// SPDX-License-Identifier: MIT
/*
 * io_uring: IORING_OP_URING_CMD with EDGEAI_URING_CMD_SUBMIT on the device
 * fd. liburing 2.3 has no prep helper for uring commands, so the 128-byte
 * SQE is filled by hand. This is the only file that fills an SQE or
 * reads a CQE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "base/base.h"
#include "runtime/ring.h"

_Static_assert(sizeof(struct drm_edgeai_submit) <= 80,
	       "submit payload must fit the SQE128 command area");

int rt_ring_init(struct io_uring *ring)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_CQSIZE,
		.cq_entries = RT_RING_INFLIGHT,
	};

	return io_uring_queue_init_params(RT_RING_ENTRIES, ring, &p);
}

void rt_ring_exit(struct io_uring *ring)
{
	io_uring_queue_exit(ring);
}

void rt_ring_prep_submit(struct io_uring_sqe *sqe, int fd, const struct drm_edgeai_submit *submit,
			 uint64_t user_data)
{
	/* An SQE128 entry is two struct io_uring_sqe long; clear all of it. */
	memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
	memcpy(sqe->cmd, submit, sizeof(*submit));
	sqe->user_data = user_data;
}

int rt_ring_queue(struct io_uring *ring, int fd, const struct drm_edgeai_submit *submit,
		  uint64_t user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	rt_ring_prep_submit(sqe, fd, submit, user_data);
	return 0;
}

unsigned int rt_ring_publish(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;

	/*
	 * What io_uring_submit() does before it enters the kernel, without
	 * entering: liburing hands out SQEs from sqe_head to sqe_tail and
	 * publishes them by moving the kernel's tail (the SQ array maps slot
	 * i to SQE i since liburing 2.2, which test-lib-ring checks).
	 */
	if (sq->sqe_head != sq->sqe_tail) {
		sq->sqe_head = sq->sqe_tail;
		io_uring_smp_store_release(sq->ktail, sq->sqe_tail);
	}
	return sq->sqe_tail - io_uring_smp_load_acquire(sq->khead);
}

unsigned int rt_ring_reap(struct io_uring *ring, struct rt_cqe *cqes, unsigned int max)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(ring, head, cqe) {
		if (n == max)
			break;
		cqes[n++] = (struct rt_cqe){
			.user_data = cqe->user_data,
			.res = cqe->res,
			.device_time_ns = cqe->big_cqe[0],
		};
	}
	io_uring_cq_advance(ring, n);
	return n;
}

int rt_ring_enter(struct io_uring *ring, unsigned int to_submit, unsigned int want,
		  int64_t deadline)
{
	struct io_uring_getevents_arg arg = { 0 };
	struct __kernel_timespec ts;
	struct io_uring_cqe *cqe;
	int64_t left;
	int r;

	if (deadline == INT64_MAX) {
		r = io_uring_enter(ring->ring_fd, to_submit, want, IORING_ENTER_GETEVENTS, NULL);
		return r < 0 ? r : 0;
	}
	left = deadline - base_now_ns();
	if (left <= 0) {
		r = to_submit ? io_uring_enter(ring->ring_fd, to_submit, 0, 0, NULL) : 0;
		return r < 0 ? r : -ETIME;
	}
	ts.tv_sec = left / 1000000000;
	ts.tv_nsec = left % 1000000000;
	if (!(ring->features & IORING_FEAT_EXT_ARG)) {
		/* Before 5.11: submit, then wait with liburing's timeout SQE. */
		r = to_submit ? io_uring_enter(ring->ring_fd, to_submit, 0, 0, NULL) : 0;
		return r < 0 ? r : io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	}
	arg.ts = (uint64_t)(uintptr_t)&ts;
	r = io_uring_enter2(ring->ring_fd, to_submit, want, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
			    (sigset_t *)&arg, sizeof(arg));
	return r < 0 ? r : 0;
}
