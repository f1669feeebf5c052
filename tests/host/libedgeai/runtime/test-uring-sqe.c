// SPDX-License-Identifier: MIT
/*
 * The io_uring submit encoding: the SQE libedgeai fills by hand for
 * EDGEAI_URING_CMD_SUBMIT (opcode, fd, cmd_op, the drm_edgeai_submit
 * payload in sqe->cmd, user_data, every other byte zero), and the 128-byte
 * SQE / 32-byte CQE geometry of a real ring created with the flags the
 * library uses; and, on that ring, the contract with liburing that
 * rt_ring_publish() and rt_ring_enter() rely on to submit and wait in one
 * system call: published SQEs go in with the wait, unpublished ones stay
 * for liburing's own io_uring_submit(), in order, across the ring's wrap.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <liburing.h>

#include "drm/edgeai_accel.h"
#include "ktap.h"
#include "base/base.h"
#include "runtime/ring.h"

/* A NOP with @user_data queued on @ring, not submitted. */
static int queue_nop(struct io_uring *ring, uint64_t user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	/* An SQE128 entry is two struct io_uring_sqe long. */
	memset(sqe, 0, 2 * sizeof(*sqe));
	io_uring_prep_nop(sqe);
	sqe->user_data = user_data;
	return 0;
}

/* The user_data of the single completion on @ring, or ~0 when there are none or more. */
static uint64_t reap_one(struct io_uring *ring)
{
	struct rt_cqe cqes[4];
	unsigned int n = rt_ring_reap(ring, cqes, 4);

	return n == 1 && cqes[0].res == 0 ? cqes[0].user_data : ~0ULL;
}

static void test_publish_enter(void)
{
	struct io_uring ring;
	unsigned int i, n;
	int r = rt_ring_init(&ring), ok;

	if (r == -ENOSYS || r == -EPERM) {
		ktap_skip("io_uring unavailable here (%d): publish and enter", r);
		return;
	}
	if (!ktap_ok(r == 0, "rt_ring_init() makes the library's ring"))
		return;

	/* One published, one not: the enter takes only the first. */
	queue_nop(&ring, 1);
	n = rt_ring_publish(&ring);
	KTAP_EXPECT_EQ(n, 1, "rt_ring_publish(): one SQE for the kernel");
	queue_nop(&ring, 2);
	r = rt_ring_enter(&ring, n, 1, INT64_MAX);
	KTAP_EXPECT_EQ(r, 0, "rt_ring_enter() submits and waits in one call");
	ktap_ok(reap_one(&ring) == 1, "the published SQE completed, the other did not");
	r = io_uring_submit(&ring);
	KTAP_EXPECT_EQ(r, 1, "liburing's io_uring_submit() takes the one left, not the first again");
	r = rt_ring_enter(&ring, 0, 1, INT64_MAX);
	ktap_ok(r == 0 && reap_one(&ring) == 2, "and it completes");

	/* Past the deadline it still submits, then says -ETIME. */
	queue_nop(&ring, 3);
	r = rt_ring_enter(&ring, rt_ring_publish(&ring), 1, base_now_ns() - 1);
	KTAP_EXPECT_EQ(r, -ETIME, "rt_ring_enter() past its deadline: -ETIME");
	r = rt_ring_enter(&ring, 0, 1, INT64_MAX);
	ktap_ok(r == 0 && reap_one(&ring) == 3, "the SQE it was given was submitted all the same");

	/* Nothing to submit or reap: the timeout. */
	r = rt_ring_enter(&ring, rt_ring_publish(&ring), 1, base_now_ns() + 20 * 1000 * 1000);
	KTAP_EXPECT_EQ(r, -ETIME, "an empty ring times out at the deadline");

	/* Many times round the SQ ring, two SQEs per enter. */
	ok = 1;
	for (i = 0; i < 3 * RT_RING_ENTRIES && ok; i++) {
		struct rt_cqe cqes[4];

		queue_nop(&ring, 100 + 2 * i);
		queue_nop(&ring, 101 + 2 * i);
		n = rt_ring_publish(&ring);
		ok = n == 2 && rt_ring_enter(&ring, n, 1, INT64_MAX) == 0;
		/* min_complete 1: the second may come after the first enter returns */
		while (ok && io_uring_cq_ready(&ring) < 2)
			ok = rt_ring_enter(&ring, 0, 1, INT64_MAX) == 0;
		ok = ok && rt_ring_reap(&ring, cqes, 4) == 2 && cqes[0].user_data == 100 + 2 * i &&
		     cqes[1].user_data == 101 + 2 * i;
	}
	ktap_ok(ok, "%u rounds of publish and enter across the ring's wrap, in order", i);

	/*
	 * Waiting for two: a NOP completes at once, a 20 ms timeout later;
	 * one enter returns with both (a request over two devices).
	 */
	for (i = 0; i < 2; i++) {
		struct __kernel_timespec ts = { .tv_nsec = 20 * 1000 * 1000 };
		struct io_uring_sqe *sqe;
		int64_t t0 = base_now_ns();

		queue_nop(&ring, 500);
		sqe = io_uring_get_sqe(&ring);
		memset(sqe, 0, 2 * sizeof(*sqe));
		io_uring_prep_timeout(sqe, &ts, 0, 0);
		sqe->user_data = 501;
		r = rt_ring_enter(&ring, rt_ring_publish(&ring), i ? 2 : 1,
				  i ? INT64_MAX : base_now_ns() + 1000 * 1000 * 1000);
		n = io_uring_cq_ready(&ring);
		if (i) {
			ktap_ok(r == 0 && n == 2 && base_now_ns() - t0 >= 20 * 1000 * 1000,
				"rt_ring_enter() waiting for 2 returns with both (%u), after the later",
				n);
		} else {
			ktap_ok(r == 0 && n == 1, "waiting for 1, it returns with the first (%u)", n);
			r = rt_ring_enter(&ring, 0, 2, base_now_ns() + 1000 * 1000 * 1000);
			ktap_ok(r == 0 && io_uring_cq_ready(&ring) == 2,
				"a second enter waiting for 2 counts the one in the CQ");
		}
		io_uring_cq_advance(&ring, io_uring_cq_ready(&ring));
	}
	rt_ring_exit(&ring);
}

int main(void)
{
	unsigned char area[256];
	struct io_uring_sqe *sqe = (void *)area;
	struct drm_edgeai_submit s = {
		.bos = 0x1122334455667788ULL,
		.cmds = 0x99aabbccddeeff00ULL,
		.bo_count = 3,
		.cmd_count = 5,
		.cmd_size = sizeof(struct drm_edgeai_cmd),
		.core = DRM_EDGEAI_CORE_ANY,
		.in_syncobj = 7,
		.out_syncobj = 9,
	};
	size_t cmd_off = offsetof(struct io_uring_sqe, cmd);
	int zero_ok = 1;

	ktap_start();

	/* 72 bytes today (the uapi comment says 64); what matters is the 80-byte area. */
	ktap_ok(sizeof(struct drm_edgeai_submit) % 8 == 0 && sizeof(struct drm_edgeai_submit) <= 80,
		"drm_edgeai_submit (%zu bytes) fits the 80-byte command area", sizeof(struct drm_edgeai_submit));
	ktap_ok(cmd_off == 48 && cmd_off + sizeof(s) <= 128, "payload ends inside the 128-byte SQE");

	memset(area, 0xee, sizeof(area));
	rt_ring_prep_submit(sqe, 17, &s, 0xdeadbeefcafef00dULL);

	KTAP_EXPECT_EQ(sqe->opcode, IORING_OP_URING_CMD, "opcode is IORING_OP_URING_CMD");
	KTAP_EXPECT_EQ(sqe->fd, 17, "fd is the device fd");
	KTAP_EXPECT_EQ(sqe->cmd_op, EDGEAI_URING_CMD_SUBMIT, "cmd_op is EDGEAI_URING_CMD_SUBMIT");
	ktap_ok(sqe->user_data == 0xdeadbeefcafef00dULL, "user_data is kept");
	ktap_ok(memcmp(sqe->cmd, &s, sizeof(s)) == 0, "sqe->cmd holds the submit struct byte for byte");
	KTAP_EXPECT_EQ(sqe->flags, 0, "no IOSQE flags");
	KTAP_EXPECT_EQ(sqe->uring_cmd_flags, 0, "uring_cmd_flags zero (no fixed buffers)");
	KTAP_EXPECT_EQ(sqe->__pad1, 0, "__pad1 zero");

	/* Everything outside the set fields is zero, up to 128 bytes. */
	for (size_t i = 0; i < 128; i++) {
		if (i == offsetof(struct io_uring_sqe, opcode))
			continue;
		if (i >= offsetof(struct io_uring_sqe, fd) && i < offsetof(struct io_uring_sqe, fd) + 4)
			continue;
		if (i >= offsetof(struct io_uring_sqe, cmd_op) && i < offsetof(struct io_uring_sqe, cmd_op) + 4)
			continue;
		if (i >= offsetof(struct io_uring_sqe, user_data) &&
		    i < offsetof(struct io_uring_sqe, user_data) + 8)
			continue;
		if (i >= cmd_off && i < cmd_off + sizeof(s))
			continue;
		if (area[i] != 0) {
			ktap_diag("byte %zu is 0x%02x", i, area[i]);
			zero_ok = 0;
		}
	}
	ktap_ok(zero_ok, "all other bytes of the 128-byte SQE are zero");
	ktap_ok(area[128] == 0xee, "nothing written past the 128-byte SQE");

	/* A ring with the library's flags has 128-byte SQEs and 32-byte CQEs. */
	{
		struct io_uring ring;
		struct io_uring_params p = {
			.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
		};
		int r = io_uring_queue_init_params(8, &ring, &p);

		if (r == -ENOSYS || r == -EPERM) {
			ktap_skip("io_uring unavailable here (%d)", r);
		} else if (ktap_ok(r == 0, "ring with SQE128|CQE32 can be created")) {
			struct io_uring_sqe *a = io_uring_get_sqe(&ring), *b = io_uring_get_sqe(&ring);

			ktap_ok(a && b && (char *)b - (char *)a == 128, "consecutive SQEs are 128 bytes apart");
			ktap_ok(io_uring_cqe_shift(&ring) == 1, "CQE32: cqe shift is 1 (big_cqe[0] present)");
			io_uring_queue_exit(&ring);
		}
	}
	test_publish_enter();
	return ktap_finish();
}
