// SPDX-License-Identifier: GPL-2.0-only
/*
 * Job submission through io_uring: IORING_OP_URING_CMD with
 * EDGEAI_URING_CMD_SUBMIT on a SQE128/CQE32 ring. liburing 2.3 has no prep
 * helper for URING_CMD, so the SQE is filled by hand.
 */
#include <liburing.h>

#include "edgeai_test.h"
#include "kselftest_harness.h"

#define SZ (64 * 1024ULL)

static int ring_init(struct io_uring *ring, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return io_uring_queue_init_params(entries, ring, &p);
}

/* Queue one EDGEAI_URING_CMD_SUBMIT SQE; returns 0 or -EBUSY (SQ full). */
static int queue_submit(struct io_uring *ring, int fd, const struct drm_edgeai_submit *args,
			uint64_t user_data, uint32_t cmd_op)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	size_t sqe_size = (ring->flags & IORING_SETUP_SQE128) ? 128 : 64;
	size_t room = sqe_size - offsetof(struct io_uring_sqe, cmd);

	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, sqe_size);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	sqe->user_data = user_data;
	memcpy(sqe->cmd, args, sizeof(*args) < room ? sizeof(*args) : room);
	return 0;
}

struct cqe_res {
	uint64_t user_data;
	int32_t res;
	uint64_t extra;
};

static int reap(struct io_uring *ring, struct cqe_res *out, int timeout_ms)
{
	struct __kernel_timespec ts = {
		.tv_sec = timeout_ms / 1000, .tv_nsec = (timeout_ms % 1000) * 1000000LL,
	};
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	if (ret)
		return ret;
	out->user_data = cqe->user_data;
	out->res = cqe->res;
	out->extra = (ring->flags & IORING_SETUP_CQE32) ? cqe->big_cqe[0] : 0;
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

FIXTURE(uring) {
	int fd;
	struct io_uring ring;
	bool ring_ok;
	uint32_t a, b;
	uint8_t *pa, *pb;
	struct drm_edgeai_bo_ref refs[2];
	struct drm_edgeai_cmd cmds[2];
};

FIXTURE_SETUP(uring)
{
	uint64_t caps;
	int ret;

	self->fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CAPABILITIES, &caps));
	ASSERT_TRUE(caps & DRM_EDGEAI_CAP_URING_CMD);
	ret = ring_init(&self->ring, 256, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	ASSERT_EQ(0, ret) TH_LOG("io_uring_queue_init: %s", strerror(-ret));
	self->ring_ok = true;
	ASSERT_EQ(0, eai_bo_create(self->fd, SZ, &self->a));
	ASSERT_EQ(0, eai_bo_create(self->fd, SZ, &self->b));
	self->pa = eai_bo_map(self->fd, self->a, NULL);
	self->pb = eai_bo_map(self->fd, self->b, NULL);
	ASSERT_NE(NULL, self->pa);
	ASSERT_NE(NULL, self->pb);
	self->refs[0].handle = self->a;
	self->refs[0].flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE;
	self->refs[1].handle = self->b;
	self->refs[1].flags = DRM_EDGEAI_BO_WRITE;
}

FIXTURE_TEARDOWN(uring)
{
	if (self->ring_ok)
		io_uring_queue_exit(&self->ring);
	if (self->pa)
		munmap(self->pa, SZ);
	if (self->pb)
		munmap(self->pb, SZ);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(uring, one_job)
{
	struct drm_edgeai_submit s;
	struct cqe_res r;

	self->cmds[0] = eai_cmd_fill(0, 0, SZ, 0x5c);
	self->cmds[1] = eai_cmd_copy(1, 0, 0, 0, SZ);
	s = eai_submit_args(self->refs, 2, self->cmds, 2);
	ASSERT_EQ(0, queue_submit(&self->ring, self->fd, &s, 42, EDGEAI_URING_CMD_SUBMIT));
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, reap(&self->ring, &r, 10000));
	EXPECT_EQ(42, r.user_data);
	EXPECT_EQ(0, r.res) TH_LOG("cqe res %d (%s)", r.res, strerror(-r.res));
	EXPECT_LT(0, r.extra) TH_LOG("big_cqe[0] must carry the device time");
	EXPECT_GT(10ULL * 1000000000ULL, r.extra);
	/* The CQE comes when the job is done: the bytes are there. */
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->b, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_TRUE(eai_all_bytes(self->pb, SZ, 0x5c));
	eai_bo_fini(self->fd, self->b);
}

TEST_F(uring, many_in_flight)
{
	const unsigned int n = 128;
	struct drm_edgeai_cmd cmds[128];
	bool seen[128] = { false };
	unsigned int got = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct drm_edgeai_submit s;

		cmds[i] = eai_cmd_fill(0, i * 512, 512, (uint8_t)(i + 1));
		s = eai_submit_args(self->refs, 1, &cmds[i], 1);
		/* Alternate cores explicitly and ANY. */
		s.core = (i % 3 == 2) ? DRM_EDGEAI_CORE_ANY : i % 2;
		ASSERT_EQ(0, queue_submit(&self->ring, self->fd, &s, 1000 + i,
					  EDGEAI_URING_CMD_SUBMIT));
	}
	ASSERT_EQ((int)n, io_uring_submit(&self->ring));
	while (got < n) {
		struct cqe_res r;

		ASSERT_EQ(0, reap(&self->ring, &r, 20000)) TH_LOG("after %u CQEs", got);
		ASSERT_LE(1000, r.user_data);
		ASSERT_GT(1000 + n, r.user_data);
		EXPECT_FALSE(seen[r.user_data - 1000]);
		seen[r.user_data - 1000] = true;
		EXPECT_EQ(0, r.res);
		EXPECT_LT(0, r.extra);
		got++;
	}
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_READ, 0));
	for (unsigned int i = 0; i < n; i++)
		EXPECT_TRUE(eai_all_bytes(self->pa + i * 512, 512, (uint8_t)(i + 1)));
	eai_bo_fini(self->fd, self->a);
}

/* Bad payloads complete at once with the submit errno in cqe->res. */
TEST_F(uring, bad_payload)
{
	struct {
		const char *what;
		int err;
	} cases[] = {
		{ "flags", -EINVAL }, { "pad", -EINVAL }, { "reserved", -EINVAL },
		{ "bo_count 0", -EINVAL }, { "cmd_size", -EINVAL }, { "core", -EINVAL },
		{ "unknown bo", -ENOENT }, { "bad cmds pointer", -EFAULT },
		{ "cmd size past end", -EINVAL }, { "cmd op", -EINVAL },
		{ "unknown in_syncobj", -ENOENT },
	};
	const unsigned int n = sizeof(cases) / sizeof(cases[0]);

	for (unsigned int i = 0; i < n; i++) {
		struct drm_edgeai_bo_ref refs[2] = { self->refs[0], self->refs[1] };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, 4096, 1);
		struct drm_edgeai_submit s = eai_submit_args(refs, 2, &cmd, 1);
		struct cqe_res r;

		switch (i) {
		case 0: s.flags = 1; break;
		case 1: s.pad = 1; break;
		case 2: s.batch_max = 1; break;
		case 3: s.bo_count = 0; break;
		case 4: s.cmd_size = 8; break;
		case 5: s.core = 7; break;
		case 6: refs[1].handle = self->b + 100; break;
		case 7: s.cmds = 8; break;
		case 8: cmd.size = SZ + 1; break;
		case 9: cmd.op = 77; break;
		case 10: s.in_syncobj = 999; break;
		}
		ASSERT_EQ(0, queue_submit(&self->ring, self->fd, &s, i, EDGEAI_URING_CMD_SUBMIT));
		ASSERT_EQ(1, io_uring_submit(&self->ring));
		ASSERT_EQ(0, reap(&self->ring, &r, 5000));
		EXPECT_EQ(i, r.user_data);
		EXPECT_EQ(cases[i].err, r.res) TH_LOG("%s: res %d", cases[i].what, r.res);
	}
	/* An unknown command op fails too (no errno is documented for it). */
	{
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, 4096, 1);
		struct drm_edgeai_submit s = eai_submit_args(self->refs, 1, &cmd, 1);
		struct cqe_res r;

		ASSERT_EQ(0, queue_submit(&self->ring, self->fd, &s, 99, 0x77));
		ASSERT_EQ(1, io_uring_submit(&self->ring));
		ASSERT_EQ(0, reap(&self->ring, &r, 5000));
		EXPECT_GT(0, r.res) TH_LOG("unknown cmd_op accepted");
	}
	/* The ring and the device still work. */
	{
		struct drm_edgeai_submit s;
		struct cqe_res r;

		self->cmds[0] = eai_cmd_fill(0, 0, SZ, 0x71);
		s = eai_submit_args(self->refs, 1, self->cmds, 1);
		ASSERT_EQ(0, queue_submit(&self->ring, self->fd, &s, 7, EDGEAI_URING_CMD_SUBMIT));
		ASSERT_EQ(1, io_uring_submit(&self->ring));
		ASSERT_EQ(0, reap(&self->ring, &r, 10000));
		EXPECT_EQ(0, r.res);
	}
	EXPECT_EQ(0, eai_device_works(self->fd, 0x72));
}

/* Rings without SQE128 and CQE32 get -EINVAL in the CQE. */
TEST_F(uring, ring_without_big_entries)
{
	const unsigned int flags[] = { 0, IORING_SETUP_SQE128, IORING_SETUP_CQE32 };

	for (unsigned int i = 0; i < 3; i++) {
		struct io_uring ring;
		struct drm_edgeai_submit s;
		struct cqe_res r;

		self->cmds[0] = eai_cmd_fill(0, 0, 4096, 0x13);
		s = eai_submit_args(self->refs, 1, self->cmds, 1);
		ASSERT_EQ(0, ring_init(&ring, 8, flags[i]));
		ASSERT_EQ(0, queue_submit(&ring, self->fd, &s, 5, EDGEAI_URING_CMD_SUBMIT));
		ASSERT_EQ(1, io_uring_submit(&ring));
		ASSERT_EQ(0, reap(&ring, &r, 5000));
		EXPECT_EQ(-EINVAL, r.res) TH_LOG("ring flags 0x%x", flags[i]);
		io_uring_queue_exit(&ring);
	}
	EXPECT_EQ(0, eai_device_works(self->fd, 0x73));
}

/* The uring path and the ioctl path see each other's buffers in order. */
TEST_F(uring, mixed_with_ioctl)
{
	struct drm_edgeai_submit s;
	struct cqe_res r;
	uint64_t id;
	int32_t st;

	self->cmds[0] = eai_cmd_fill(0, 0, SZ, 0x2f);
	s = eai_submit_args(self->refs, 1, self->cmds, 1);
	ASSERT_EQ(0, queue_submit(&self->ring, self->fd, &s, 1, EDGEAI_URING_CMD_SUBMIT));
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	/* Copy a -> b through the ioctl right away: implicit fencing orders it. */
	{
		struct drm_edgeai_bo_ref refs[2] = {
			{ .handle = self->b, .flags = DRM_EDGEAI_BO_WRITE },
			{ .handle = self->a, .flags = DRM_EDGEAI_BO_READ },
		};
		struct drm_edgeai_cmd cmd = eai_cmd_copy(0, 0, 1, 0, SZ);
		struct drm_edgeai_submit s2 = eai_submit_args(refs, 2, &cmd, 1);

		ASSERT_EQ(0, eai_submit(self->fd, &s2, &id));
	}
	ASSERT_EQ(0, reap(&self->ring, &r, 10000));
	EXPECT_EQ(0, r.res);
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(10000), &st, NULL));
	EXPECT_EQ(0, st);
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->b, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_TRUE(eai_all_bytes(self->pb, SZ, 0x2f));
	eai_bo_fini(self->fd, self->b);
}

/*
 * Tear the ring down with jobs in flight: the jobs still complete, the
 * buffers end up consistent, and the device keeps working. Jobs are held
 * in flight by a vgem fence on a bound buffer when vgem is there.
 */
TEST_F(uring, close_ring_in_flight)
{
	struct drm_edgeai_bo_ref refs[2];
	struct drm_edgeai_cmd cmds[64];
	struct eai_vgem_fence_attach fa;
	uint32_t vh = 0, gate = 0;
	int vfd = eai_open_vgem();
	int nrefs = 1;

	refs[0].handle = self->a;
	refs[0].flags = DRM_EDGEAI_BO_WRITE;
	if (vfd >= 0) {
		int dmabuf;

		ASSERT_EQ(0, eai_vgem_bo(vfd, 4096, &vh));
		ASSERT_EQ(0, eai_prime_export(vfd, vh, &dmabuf));
		ASSERT_EQ(0, eai_prime_import(self->fd, dmabuf, &gate));
		close(dmabuf);
		memset(&fa, 0, sizeof(fa));
		fa.handle = vh;
		fa.flags = EAI_VGEM_FENCE_WRITE;
		ASSERT_EQ(0, eai_ioctl(vfd, EAI_IOCTL_VGEM_FENCE_ATTACH, &fa));
		refs[1].handle = gate;
		refs[1].flags = DRM_EDGEAI_BO_READ;
		nrefs = 2;
	}
	/* One command array per SQE: the kernel reads it at submit time. */
	for (unsigned int i = 0; i < 64; i++) {
		struct drm_edgeai_submit s;

		cmds[i] = eai_cmd_fill(0, i * 1024, 1024, 0x80 + i);
		s = eai_submit_args(refs, nrefs, &cmds[i], 1);
		ASSERT_EQ(0, queue_submit(&self->ring, self->fd, &s, i, EDGEAI_URING_CMD_SUBMIT));
	}
	ASSERT_EQ(64, io_uring_submit(&self->ring));
	/* Nothing may complete while the gate is closed. */
	if (vfd >= 0) {
		struct io_uring_cqe *cqe;

		usleep(100000);
		EXPECT_EQ(-EAGAIN, io_uring_peek_cqe(&self->ring, &cqe));
	}
	io_uring_queue_exit(&self->ring);
	self->ring_ok = false;
	if (vfd >= 0) {
		struct eai_vgem_fence_signal fs = { .fence = fa.out_fence };

		ASSERT_EQ(0, eai_ioctl(vfd, EAI_IOCTL_VGEM_FENCE_SIGNAL, &fs));
	}
	/* The cancelled jobs still ran: a's contents are final once idle. */
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_READ, eai_deadline_ms(10000)));
	for (unsigned int i = 0; i < 64; i++) {
		EXPECT_TRUE(eai_all_bytes(self->pa + i * 1024, 1024, 0x80 + i)) TH_LOG("job %u", i);
	}
	eai_bo_fini(self->fd, self->a);
	EXPECT_EQ(0, eai_device_works(self->fd, 0x74));
	if (vfd >= 0)
		close(vfd);
}

/* The submitting task exits with jobs in flight and without cleanup. */
TEST_F(uring, task_exit_in_flight)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (!pid) {
		struct io_uring ring;
		int fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
		uint32_t h;

		if (fd < 0 || ring_init(&ring, 64, IORING_SETUP_SQE128 | IORING_SETUP_CQE32))
			_exit(10);
		if (eai_bo_create(fd, SZ, &h))
			_exit(11);
		for (unsigned int i = 0; i < 64; i++) {
			struct drm_edgeai_bo_ref ref = { .handle = h, .flags = DRM_EDGEAI_BO_WRITE };
			struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, SZ, (uint8_t)i);
			struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

			if (queue_submit(&ring, fd, &s, i, EDGEAI_URING_CMD_SUBMIT))
				_exit(12);
		}
		if (io_uring_submit(&ring) != 64)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x75));
}

TEST_HARNESS_MAIN
