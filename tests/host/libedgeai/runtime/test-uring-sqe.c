// SPDX-License-Identifier: MIT
/*
 * The io_uring submit encoding: the SQE libedgeai fills by hand for
 * EDGEAI_URING_CMD_SUBMIT (opcode, fd, cmd_op, the drm_edgeai_submit
 * payload in sqe->cmd, user_data, every other byte zero), and the 128-byte
 * SQE / 32-byte CQE geometry of a real ring created with the flags the
 * library uses.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <liburing.h>

#include "drm/edgeai_accel.h"
#include "ktap.h"
#include "runtime/ring.h"

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
	return ktap_finish();
}
