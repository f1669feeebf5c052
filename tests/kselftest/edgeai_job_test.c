// SPDX-License-Identifier: GPL-2.0-only
/*
 * Jobs: FILL then COPY with the bytes checked through mmap, WAIT, core
 * selection, out/in syncobjs, implicit fencing through shared buffers,
 * back-pressure, CPU access while the device is busy, two processes
 * submitting at once, and the sysfs counters of completed jobs and busy
 * time.
 *
 * A job is held back deterministically by binding a vgem buffer carrying
 * an unsignalled vgem fence (VGEM_FENCE_ATTACH): the job must wait for it
 * (implicit fencing of a foreign buffer) until the test signals it.
 */
#include "edgeai_test.h"
#include "kselftest_harness.h"

#define SZ (64 * 1024ULL)

FIXTURE(job) {
	int fd;
	uint32_t a, b;
	uint8_t *pa, *pb;
	uint64_t cores;
};

FIXTURE_SETUP(job)
{
	self->fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CORE_COUNT, &self->cores));
	ASSERT_EQ(0, eai_bo_create(self->fd, SZ, &self->a));
	ASSERT_EQ(0, eai_bo_create(self->fd, SZ, &self->b));
	self->pa = eai_bo_map(self->fd, self->a, NULL);
	self->pb = eai_bo_map(self->fd, self->b, NULL);
	ASSERT_NE(NULL, self->pa);
	ASSERT_NE(NULL, self->pb);
}

FIXTURE_TEARDOWN(job)
{
	if (self->pa)
		munmap(self->pa, SZ);
	if (self->pb)
		munmap(self->pb, SZ);
	if (self->fd >= 0)
		close(self->fd);
}

static int submit_fill(int fd, uint32_t h, uint8_t v, uint32_t in, uint32_t out, uint64_t *id)
{
	struct drm_edgeai_bo_ref ref = { .handle = h, .flags = DRM_EDGEAI_BO_WRITE };
	struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, SZ, v);
	struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

	s.in_syncobj = in;
	s.out_syncobj = out;
	return eai_submit(fd, &s, id);
}

static int submit_copy(int fd, uint32_t dst, uint32_t src, uint32_t in, uint32_t out,
		       uint64_t *id)
{
	struct drm_edgeai_bo_ref refs[2] = {
		{ .handle = dst, .flags = DRM_EDGEAI_BO_WRITE },
		{ .handle = src, .flags = DRM_EDGEAI_BO_READ },
	};
	struct drm_edgeai_cmd cmd = eai_cmd_copy(0, 0, 1, 0, SZ);
	struct drm_edgeai_submit s = eai_submit_args(refs, 2, &cmd, 1);

	s.in_syncobj = in;
	s.out_syncobj = out;
	return eai_submit(fd, &s, id);
}

static int wait_ok(int fd, uint64_t id)
{
	int32_t status = 1;
	int ret = eai_wait(fd, id, eai_deadline_ms(10000), &status, NULL);

	return ret ? ret : status;
}

TEST_F(job, fill_then_copy)
{
	uint64_t id1, id2, t = 0;
	int32_t status;

	ASSERT_EQ(0, submit_fill(self->fd, self->a, 0xc3, 0, 0, &id1));
	ASSERT_EQ(0, eai_wait(self->fd, id1, eai_deadline_ms(10000), &status, &t));
	EXPECT_EQ(0, status);
	EXPECT_LT(0, t);
	ASSERT_EQ(0, submit_copy(self->fd, self->b, self->a, 0, 0, &id2));
	EXPECT_EQ(id1 + 1, id2);
	ASSERT_EQ(0, wait_ok(self->fd, id2));
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->b, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_TRUE(eai_all_bytes(self->pb, SZ, 0xc3));
	eai_bo_fini(self->fd, self->b);
}

/*
 * Far deadlines: WAIT and BO_PREP must succeed with deadlines whose
 * remaining jiffies do not fit in an int. 40, 150 and 300 days put bit 31
 * of the jiffies count at HZ 1000, 250 and 100; INT64_MAX is "forever".
 * The raw ioctl() result is checked: a truncated count came back as a
 * large negative value, which libc does not even report as an error.
 */
TEST_F(job, far_deadline)
{
	const int64_t day = 86400LL * 1000000000LL;
	const int64_t far[] = { 40 * day, 150 * day, 300 * day, 0 };

	for (unsigned int i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		int64_t deadline = far[i] ? eai_now_ns() + far[i] : INT64_MAX;
		struct drm_edgeai_wait w = { .timeout_ns = deadline };
		struct drm_edgeai_bo_prep prep = {
			.handle = self->a,
			.op = DRM_EDGEAI_PREP_READ,
			.timeout_ns = deadline,
		};
		uint64_t id;

		ASSERT_EQ(0, submit_fill(self->fd, self->a, 0x30 + i, 0, 0, &id));
		w.job_id = id;
		w.status = -1;
		EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_EDGEAI_WAIT, &w))
			TH_LOG("WAIT, deadline in %lld days", (long long)(far[i] / day));
		EXPECT_EQ(0, w.status);
		EXPECT_LT(0, w.device_time_ns);
		EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_EDGEAI_BO_PREP, &prep))
			TH_LOG("BO_PREP, deadline in %lld days", (long long)(far[i] / day));
		EXPECT_TRUE(eai_all_bytes(self->pa, SZ, 0x30 + i));
		ASSERT_EQ(0, eai_bo_fini(self->fd, self->a));
	}
}

/* CPU writes made between PREP(WRITE) and FINI are what the device reads. */
TEST_F(job, cpu_write_device_read)
{
	uint64_t id;

	ASSERT_EQ(0, eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_WRITE, eai_deadline_ms(1000)));
	for (uint64_t i = 0; i < SZ; i++)
		self->pa[i] = (uint8_t)(i * 7);
	ASSERT_EQ(0, eai_bo_fini(self->fd, self->a));
	ASSERT_EQ(0, submit_copy(self->fd, self->b, self->a, 0, 0, &id));
	ASSERT_EQ(0, wait_ok(self->fd, id));
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->b, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0, memcmp(self->pa, self->pb, SZ));
	eai_bo_fini(self->fd, self->b);
}

TEST_F(job, every_core)
{
	for (uint32_t c = 0; c < self->cores; c++) {
		struct drm_edgeai_bo_ref ref = { .handle = self->a, .flags = DRM_EDGEAI_BO_WRITE };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, c * 4096, 4096, 0x50 + c);
		struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);
		uint64_t id;

		s.core = c;
		ASSERT_EQ(0, eai_submit(self->fd, &s, &id));
		ASSERT_EQ(0, wait_ok(self->fd, id)) TH_LOG("core %u", c);
	}
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_READ, 0));
	for (uint32_t c = 0; c < self->cores; c++)
		EXPECT_TRUE(eai_all_bytes(self->pa + c * 4096, 4096, 0x50 + c));
	eai_bo_fini(self->fd, self->a);
}

/* Implicit fencing: job 2 reads what job 1 writes, no explicit sync. */
TEST_F(job, implicit_fencing)
{
	for (unsigned int round = 0; round < 16; round++) {
		uint64_t id1, id2;
		uint8_t v = 0x10 + round;

		ASSERT_EQ(0, submit_fill(self->fd, self->a, v, 0, 0, &id1));
		ASSERT_EQ(0, submit_copy(self->fd, self->b, self->a, 0, 0, &id2));
		ASSERT_EQ(0, wait_ok(self->fd, id2));
		/* BO_PREP waits for the writer, no WAIT needed. */
		ASSERT_EQ(0, eai_bo_prep(self->fd, self->b, DRM_EDGEAI_PREP_READ,
					 eai_deadline_ms(10000)));
		ASSERT_TRUE(eai_all_bytes(self->pb, SZ, v)) TH_LOG("round %u", round);
		eai_bo_fini(self->fd, self->b);
		ASSERT_EQ(0, wait_ok(self->fd, id1));
	}
}

/* Implicit fencing across the two devices through a shared dma-buf. */
TEST_F(job, implicit_fencing_across_devices)
{
	int dsp = eai_open_type(DRM_EDGEAI_DEVICE_DSP);
	uint32_t imported, dst;
	int dmabuf;
	uint64_t id1, id2;
	uint8_t *p;

	ASSERT_LE(0, dsp);
	ASSERT_EQ(0, eai_prime_export(self->fd, self->a, &dmabuf));
	ASSERT_EQ(0, eai_prime_import(dsp, dmabuf, &imported));
	close(dmabuf);
	ASSERT_EQ(0, eai_bo_create(dsp, SZ, &dst));
	for (unsigned int round = 0; round < 8; round++) {
		uint8_t v = 0x60 + round;

		/* NPU writes a, DSP copies a into dst right away. */
		ASSERT_EQ(0, submit_fill(self->fd, self->a, v, 0, 0, &id1));
		ASSERT_EQ(0, submit_copy(dsp, dst, imported, 0, 0, &id2));
		ASSERT_EQ(0, wait_ok(dsp, id2));
		p = eai_bo_map(dsp, dst, NULL);
		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, eai_bo_prep(dsp, dst, DRM_EDGEAI_PREP_READ, 0));
		EXPECT_TRUE(eai_all_bytes(p, SZ, v)) TH_LOG("round %u", round);
		eai_bo_fini(dsp, dst);
		munmap(p, SZ);
		ASSERT_EQ(0, wait_ok(self->fd, id1));
	}
	close(dsp);
}

TEST_F(job, out_syncobj_and_chain)
{
	uint32_t s1, s2;
	uint64_t id1, id2;

	ASSERT_EQ(0, eai_syncobj_create(self->fd, &s1));
	ASSERT_EQ(0, eai_syncobj_create(self->fd, &s2));
	ASSERT_EQ(0, submit_fill(self->fd, self->a, 0x9a, 0, s1, &id1));
	ASSERT_EQ(0, submit_copy(self->fd, self->b, self->a, s1, s2, &id2));
	/* The chain ends when s2 signals; then both jobs are done. */
	ASSERT_EQ(0, eai_syncobj_wait(self->fd, s2, eai_deadline_ms(10000)));
	EXPECT_EQ(0, eai_syncobj_wait(self->fd, s1, 0));
	EXPECT_EQ(0, eai_wait(self->fd, id1, 0, NULL, NULL));
	EXPECT_EQ(0, eai_wait(self->fd, id2, 0, NULL, NULL));
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->b, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_TRUE(eai_all_bytes(self->pb, SZ, 0x9a));
	eai_bo_fini(self->fd, self->b);
	/* A syncobj can be reused as out-fence of a later job. */
	ASSERT_EQ(0, submit_fill(self->fd, self->a, 1, 0, s1, &id1));
	ASSERT_EQ(0, eai_syncobj_wait(self->fd, s1, eai_deadline_ms(10000)));
	EXPECT_EQ(0, eai_syncobj_destroy(self->fd, s1));
	EXPECT_EQ(0, eai_syncobj_destroy(self->fd, s2));
	/* A destroyed syncobj is an unknown handle. */
	EXPECT_EQ(-ENOENT, submit_fill(self->fd, self->a, 1, s1, 0, &id1));
	EXPECT_EQ(-ENOENT, submit_fill(self->fd, self->a, 1, 0, s2, &id1));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x45));
}

/* The job count limit of one file: -EBUSY, then everything completes. */
static void fence_vgem(struct __test_metadata *_metadata, int vfd, uint32_t *vh,
		       uint32_t *fence, int npu, uint32_t *imported)
{
	struct eai_vgem_fence_attach fa;
	int dmabuf;

	ASSERT_EQ(0, eai_vgem_bo(vfd, 4096, vh));
	ASSERT_EQ(0, eai_prime_export(vfd, *vh, &dmabuf));
	ASSERT_EQ(0, eai_prime_import(npu, dmabuf, imported));
	close(dmabuf);
	memset(&fa, 0, sizeof(fa));
	fa.handle = *vh;
	fa.flags = EAI_VGEM_FENCE_WRITE;
	ASSERT_EQ(0, eai_ioctl(vfd, EAI_IOCTL_VGEM_FENCE_ATTACH, &fa));
	*fence = fa.out_fence;
}

static int vgem_signal(int vfd, uint32_t fence)
{
	struct eai_vgem_fence_signal fs = { .fence = fence };

	return eai_ioctl(vfd, EAI_IOCTL_VGEM_FENCE_SIGNAL, &fs);
}

/* A job bound to the fenced vgem buffer (read) plus @h (write) with a fill. */
static int submit_blocked(int fd, uint32_t gate, uint32_t h, uint64_t off, uint8_t v,
			  uint32_t out, uint64_t *id)
{
	struct drm_edgeai_bo_ref refs[2] = {
		{ .handle = h, .flags = DRM_EDGEAI_BO_WRITE },
		{ .handle = gate, .flags = DRM_EDGEAI_BO_READ },
	};
	struct drm_edgeai_cmd cmd = eai_cmd_fill(0, off, 256, v);
	struct drm_edgeai_submit s = eai_submit_args(refs, 2, &cmd, 1);

	s.out_syncobj = out;
	return eai_submit(fd, &s, id);
}

TEST_F(job, foreign_fence_blocks_job)
{
	uint32_t vh, fence, gate, s1;
	uint64_t id1, id2;
	int32_t status;
	int vfd = eai_open_vgem();

	if (vfd < 0)
		SKIP(return, "no vgem device");
	fence_vgem(_metadata, vfd, &vh, &fence, self->fd, &gate);
	ASSERT_EQ(0, eai_syncobj_create(self->fd, &s1));

	ASSERT_EQ(0, submit_blocked(self->fd, gate, self->a, 0, 0xee, s1, &id1));
	/* Explicit in-fence on a job with unrelated buffers. */
	ASSERT_EQ(0, submit_fill(self->fd, self->b, 0xdd, s1, 0, &id2));

	/* Neither job can finish: WAIT times out with -ETIME, outputs kept. */
	status = 77;
	EXPECT_EQ(-ETIME, eai_wait(self->fd, id1, eai_deadline_ms(200), &status, NULL));
	EXPECT_EQ(77, status);
	EXPECT_EQ(-ETIME, eai_wait(self->fd, id2, 0, &status, NULL)) TH_LOG("poll");
	EXPECT_EQ(-ETIME, eai_wait(self->fd, id2, eai_deadline_ms(100), &status, NULL));
	EXPECT_EQ(-ETIME, eai_syncobj_wait(self->fd, s1, eai_deadline_ms(50)));
	/* CPU access to a buffer the device is going to write. */
	EXPECT_EQ(-EBUSY, eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_READ, 0));
	{
		int ret = eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_READ, eai_deadline_ms(100));

		EXPECT_TRUE(ret == -ETIMEDOUT || ret == -ETIME) TH_LOG("prep returned %d", ret);
	}
	/* Other files and devices are not blocked. */
	{
		int dsp = eai_open_type(DRM_EDGEAI_DEVICE_DSP);
		int npu2 = eai_open_type(DRM_EDGEAI_DEVICE_NPU);

		ASSERT_LE(0, dsp);
		ASSERT_LE(0, npu2);
		EXPECT_EQ(0, eai_device_works(dsp, 0x46));
		EXPECT_EQ(0, eai_device_works(npu2, 0x47));
		close(dsp);
		close(npu2);
	}

	ASSERT_EQ(0, vgem_signal(vfd, fence));
	EXPECT_EQ(0, wait_ok(self->fd, id1));
	EXPECT_EQ(0, wait_ok(self->fd, id2));
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_READ, eai_deadline_ms(1000)));
	EXPECT_TRUE(eai_all_bytes(self->pa, 256, 0xee));
	eai_bo_fini(self->fd, self->a);
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->b, DRM_EDGEAI_PREP_READ, eai_deadline_ms(1000)));
	EXPECT_TRUE(eai_all_bytes(self->pb, SZ, 0xdd));
	eai_bo_fini(self->fd, self->b);
	close(vfd);
}

TEST_F(job, inflight_limit_ebusy)
{
	uint32_t vh, fence, gate;
	uint64_t id = 0, first = 0;
	int vfd = eai_open_vgem();
	int ret;

	if (vfd < 0)
		SKIP(return, "no vgem device");
	fence_vgem(_metadata, vfd, &vh, &fence, self->fd, &gate);
	for (unsigned int i = 0; i < DRM_EDGEAI_MAX_INFLIGHT; i++) {
		ret = submit_blocked(self->fd, gate, self->a, (i % 256) * 256, (uint8_t)i, 0, &id);
		ASSERT_EQ(0, ret) TH_LOG("job %u of %u", i, DRM_EDGEAI_MAX_INFLIGHT);
		if (!first)
			first = id;
	}
	{
		struct drm_edgeai_bo_ref ref = { .handle = self->b, .flags = DRM_EDGEAI_BO_WRITE };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, 16, 1);
		struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

		s.job_id = 0x5555;
		EXPECT_EQ(-EBUSY, eai_submit(self->fd, &s, NULL));
		EXPECT_EQ(0x5555, s.job_id);
	}
	/* Another file is not limited by this one. */
	{
		int fd2 = eai_open_type(DRM_EDGEAI_DEVICE_NPU);

		ASSERT_LE(0, fd2);
		EXPECT_EQ(0, eai_device_works(fd2, 0x48));
		close(fd2);
	}
	ASSERT_EQ(0, vgem_signal(vfd, fence));
	EXPECT_EQ(0, wait_ok(self->fd, id));
	EXPECT_EQ(0, wait_ok(self->fd, first));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x49));
	close(vfd);
}

/* Many jobs in flight on all cores, then all results checked. */
TEST_F(job, many_in_flight)
{
	uint64_t ids[200];

	for (unsigned int i = 0; i < 200; i++) {
		struct drm_edgeai_bo_ref ref = { .handle = self->a, .flags = DRM_EDGEAI_BO_WRITE };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, i * 256, 256, (uint8_t)(i + 1));
		struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

		ASSERT_EQ(0, eai_submit(self->fd, &s, &ids[i]));
	}
	for (unsigned int i = 0; i < 200; i++) {
		ASSERT_EQ(0, wait_ok(self->fd, ids[i])) TH_LOG("job %u", i);
	}
	ASSERT_EQ(0, eai_bo_prep(self->fd, self->a, DRM_EDGEAI_PREP_READ, 0));
	for (unsigned int i = 0; i < 200; i++) {
		ASSERT_TRUE(eai_all_bytes(self->pa + i * 256, 256, (uint8_t)(i + 1))) TH_LOG("job %u", i);
	}
	eai_bo_fini(self->fd, self->a);
}

/*
 * Closing a file with queued jobs (held back by a fence) is safe. The
 * close may wait for the queued jobs' dependencies, so a child signals
 * the fence after 300 ms; the close must return soon after that.
 */
TEST(close_with_jobs_queued)
{
	uint32_t vh, fence, gate, h;
	int vfd = eai_open_vgem();
	int fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	uint64_t id, t0, dt;
	pid_t pid;
	int st;

	ASSERT_LE(0, fd);
	if (vfd < 0)
		SKIP(return, "no vgem device");
	fence_vgem(_metadata, vfd, &vh, &fence, fd, &gate);
	ASSERT_EQ(0, eai_bo_create(fd, SZ, &h));
	for (unsigned int i = 0; i < 16; i++)
		ASSERT_EQ(0, submit_blocked(fd, gate, h, i * 256, 1, 0, &id));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(300000);
		_exit(vgem_signal(vfd, fence) ? 1 : 0);
	}
	t0 = eai_now_ns();
	close(fd);
	dt = eai_now_ns() - t0;
	TH_LOG("close with 16 queued jobs took %llu ms", (unsigned long long)(dt / 1000000));
	EXPECT_GT(5000000000ULL, dt) TH_LOG("close blocked until the vgem fence expired");
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st)) TH_LOG("the vgem fence expired first");
	close(vfd);
	fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, eai_device_works(fd, 0x4a));
	close(fd);
}

/* Two processes submit at once; each checks its own results. */
TEST_F_TIMEOUT(job, two_processes, 120)
{
	pid_t pid[2];

	for (int p = 0; p < 2; p++) {
		pid[p] = fork();
		ASSERT_LE(0, pid[p]);
		if (pid[p] == 0) {
			int fd = eai_open_type(p ? DRM_EDGEAI_DEVICE_DSP : DRM_EDGEAI_DEVICE_NPU);
			int fd2 = eai_open_type(DRM_EDGEAI_DEVICE_NPU);

			if (fd < 0 || fd2 < 0)
				_exit(10);
			for (int i = 0; i < 40; i++) {
				if (eai_device_works(fd, (uint8_t)(p * 100 + i)))
					_exit(11);
				if (eai_device_works(fd2, (uint8_t)(p * 100 + i + 50)))
					_exit(12);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < 2; p++) {
		int st;

		ASSERT_EQ(pid[p], waitpid(pid[p], &st, 0));
		EXPECT_TRUE(WIFEXITED(st));
		EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("child %d", p);
	}
}

/* fdinfo engine time grows with the file's jobs; memory is reported. */
TEST_F(job, fdinfo_accounting)
{
	char buf[4096];
	const char *p;

	ASSERT_EQ(0, eai_device_works(self->fd, 0x4b));
	ASSERT_EQ(0, eai_fdinfo(self->fd, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "drm-driver:\tedgeai")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "drm-client-id:\t")) TH_LOG("%s", buf);
	p = strstr(buf, "drm-engine-npu:");
	ASSERT_NE(NULL, p) TH_LOG("no drm-engine-npu in\n%s", buf);
	EXPECT_LT(0, strtoull(p + strlen("drm-engine-npu:"), NULL, 10));
	/* Memory stats of the generic helper (drm_show_memory_stats). */
	EXPECT_NE(NULL, strstr(buf, "drm-total-")) TH_LOG("%s", buf);
}

static int sysfs_u64(int fd, const char *attr, uint64_t *v)
{
	char buf[64], *end;
	int ret = eai_sysfs_read(eai_fd_minor(fd), attr, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf || *end ? -EINVAL : 0;
}

/*
 * jobs_completed counts exactly the jobs the device ran: N waited jobs add
 * N, a submit the ioctl refused adds nothing; busy_time_us grows by their
 * device time. Nothing else uses the NPU while the kselftests run.
 */
TEST_F(job, sysfs_jobs_completed)
{
	struct drm_edgeai_bo_ref ref = { .handle = self->a, .flags = DRM_EDGEAI_BO_WRITE };
	struct drm_edgeai_cmd bad = eai_cmd_fill(0, SZ, SZ, 0);
	struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &bad, 1);
	uint64_t jobs0, jobs1, busy0, busy1, dev_ns, sum_ns = 0, id;
	const unsigned int n = 7;
	int32_t status;

	ASSERT_EQ(0, sysfs_u64(self->fd, "jobs_completed", &jobs0));
	ASSERT_EQ(0, sysfs_u64(self->fd, "busy_time_us", &busy0));
	for (unsigned int i = 0; i < n; i++) {
		ASSERT_EQ(0, submit_fill(self->fd, self->a, (uint8_t)i, 0, 0, &id));
		ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(10000), &status, &dev_ns));
		ASSERT_EQ(0, status);
		sum_ns += dev_ns;
	}
	/* Out of the buffer's bounds: refused before it becomes a job. */
	EXPECT_EQ(-EINVAL, eai_submit(self->fd, &s, &id));
	ASSERT_EQ(0, sysfs_u64(self->fd, "jobs_completed", &jobs1));
	ASSERT_EQ(0, sysfs_u64(self->fd, "busy_time_us", &busy1));
	EXPECT_EQ(jobs0 + n, jobs1);
	/* floor(a + b) >= floor(a) + floor(b): rounding to us cannot hide it. */
	EXPECT_LE(busy0 + sum_ns / 1000, busy1) TH_LOG("%llu us for %llu ns",
		(unsigned long long)(busy1 - busy0), (unsigned long long)sum_ns);
}

TEST_HARNESS_MAIN
