/* SPDX-License-Identifier: MIT */
/*
 * io_uring for the device (ring.c): a ring with 128-byte SQEs and 32-byte
 * CQEs, and EDGEAI_URING_CMD_SUBMIT commands on it. It knows submissions
 * and completions by their user_data only; which job they belong to is
 * queue.c's business.
 */
#ifndef EDGEAI_RUNTIME_RING_H
#define EDGEAI_RUNTIME_RING_H

#include <stdint.h>

#include <liburing.h>

#include "drm/edgeai_accel.h"

/* Ring geometry: SQ entries; CQ is twice that. In-flight commands are capped at the CQ size. */
#define RT_RING_ENTRIES 64
#define RT_RING_INFLIGHT (2 * RT_RING_ENTRIES)

/* A completion: the submission's user_data, the job's status and device time. */
struct rt_cqe {
	uint64_t user_data;
	int32_t res;
	uint64_t device_time_ns;
};

/* 0, or -errno when the kernel has no io_uring with SQE128/CQE32 (or forbids it). */
int rt_ring_init(struct io_uring *ring);
void rt_ring_exit(struct io_uring *ring);
/* Fill one SQE128 entry with an EDGEAI_URING_CMD_SUBMIT of @submit on @fd. */
void rt_ring_prep_submit(struct io_uring_sqe *sqe, int fd, const struct drm_edgeai_submit *submit,
			 uint64_t user_data);
/*
 * Fill the next SQE with @submit without entering the kernel: it is
 * submitted by the next rt_ring_enter() after rt_ring_publish(), or by
 * io_uring_submit(). The arrays @submit points to must stay as they are
 * until then. 0, or -EBUSY when the SQ is full.
 */
int rt_ring_queue(struct io_uring *ring, int fd, const struct drm_edgeai_submit *submit,
		  uint64_t user_data);
/*
 * Make the queued SQEs visible to the kernel, without a system call;
 * returns how many it has not consumed yet. Called with the lock that
 * serializes rt_ring_queue(): this touches the SQ's user-space state,
 * rt_ring_enter() does not.
 */
unsigned int rt_ring_publish(struct io_uring *ring);
/* Take up to @max completions off the CQ; returns how many. */
unsigned int rt_ring_reap(struct io_uring *ring, struct rt_cqe *cqes, unsigned int max);
/*
 * One io_uring_enter: submit up to @to_submit published SQEs and wait
 * until the CQ holds @want completions (at least 1; before Linux 5.11,
 * whose enter takes no timeout, 1) or @deadline (absolute
 * CLOCK_MONOTONIC ns, INT64_MAX: forever): 0, -ETIME or -EINTR. The
 * kernel does not wait when it could not submit them all. Past @deadline
 * it only submits. Safe without the SQ's lock.
 */
int rt_ring_enter(struct io_uring *ring, unsigned int to_submit, unsigned int want,
		  int64_t deadline);

#endif
