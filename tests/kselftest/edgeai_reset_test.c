// SPDX-License-Identifier: GPL-2.0-only
/*
 * Job timeout and core reset, driven by the simulator's debugfs fault
 * knobs: a hung job ends with -ETIMEDOUT after the job timeout, the core
 * is reset, the reset counter goes up, the guilty file gets -EBADFD on its
 * next submit, and other processes keep running jobs throughout. A failing
 * job reports -EIO without making its file guilty. The job timeout counts
 * device time only: a job the host takes longer than the timeout to
 * execute (host_delay_ms) completes, with its modelled device time, and a
 * hung job on that slow host is still reset.
 */
#include <liburing.h>
#include <signal.h>

#include "edgeai_test.h"
#include "kselftest_harness.h"

#define SZ (16 * 1024ULL)

static const char *const reset_names[] = { "reset_count", "reset_counter", "resets" };

static int read_resets(int minor, uint64_t *v)
{
	for (unsigned int i = 0; i < sizeof(reset_names) / sizeof(reset_names[0]); i++)
		if (!eai_debugfs_u64(minor, reset_names[i], v))
			return 0;
	return -ENOENT;
}

static int knob_write(int minor, const char *name, const char *val)
{
	char path[PATH_MAX];
	int ret = eai_debugfs_path(minor, name, path, sizeof(path));

	return ret ? ret : eai_write_file(path, val);
}

static int knob_read(int minor, const char *name, uint64_t *v)
{
	return eai_debugfs_u64(minor, name, v);
}

/* Wait until the knob reads 0 (the fault was consumed by a job). */
static int knob_drained(int minor, const char *name, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		uint64_t v = 1;

		if (knob_read(minor, name, &v))
			return -ENOENT;
		if (!v)
			return 0;
		usleep(10000);
	}
	return -ETIME;
}

static int submit_fill_core(int fd, uint32_t h, uint32_t core, uint8_t v, uint64_t *id)
{
	struct drm_edgeai_bo_ref ref = { .handle = h, .flags = DRM_EDGEAI_BO_WRITE };
	struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, SZ, v);
	struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

	s.core = core;
	return eai_submit(fd, &s, id);
}

/*
 * A worker process: runs jobs on (@type, @core) until 'x' arrives on @stop,
 * verifying every result; 'p' pauses it between two jobs (acknowledged
 * with 'a' on @report) until 'r'. Writes its job count to @report and
 * exits 0 iff every job succeeded with the right bytes.
 */
static void worker(uint32_t type, uint32_t core, int stop, int report)
{
	int fd = eai_open_type(type);
	uint32_t h;
	uint8_t *p;
	uint32_t n = 0;

	if (fd < 0 || eai_bo_create(fd, SZ, &h))
		_exit(20);
	p = eai_bo_map(fd, h, NULL);
	if (!p)
		_exit(21);
	fcntl(stop, F_SETFL, O_NONBLOCK);
	for (;;) {
		char c;
		uint64_t id;
		int32_t status;
		uint8_t v = (uint8_t)(n * 13 + 1);

		if (read(stop, &c, 1) == 1) {
			if (c == 'x')
				break;
			/* 'p': pause between jobs until 'r' (or 'x'). */
			fcntl(stop, F_SETFL, 0);
			if (write(report, "a", 1) != 1 || read(stop, &c, 1) != 1)
				_exit(27);
			fcntl(stop, F_SETFL, O_NONBLOCK);
			if (c == 'x')
				break;
		}
		if (submit_fill_core(fd, h, core, v, &id))
			_exit(22);
		if (eai_wait(fd, id, eai_deadline_ms(10000), &status, NULL))
			_exit(23);
		if (status) {
			fprintf(stderr, "# worker type %u core %u: job %u status %d\n",
				type, core, n, status);
			_exit(24);
		}
		/* WAIT said done: the buffer is idle and holds the bytes. */
		status = eai_bo_prep(fd, h, DRM_EDGEAI_PREP_READ, 0);
		if (status) {
			fprintf(stderr, "# worker type %u core %u: job %u done, BO_PREP(0) %d\n",
				type, core, n, status);
			_exit(25);
		}
		if (!eai_all_bytes(p, SZ, v)) {
			fprintf(stderr, "# worker type %u core %u: job %u wrong bytes\n",
				type, core, n);
			_exit(28);
		}
		eai_bo_fini(fd, h);
		n++;
	}
	if (write(report, &n, sizeof(n)) != sizeof(n))
		_exit(26);
	_exit(0);
}

struct workers {
	pid_t pid[2];
	int stop[2][2];
	int report[2][2];
};

static void workers_start(struct __test_metadata *_metadata, struct workers *w)
{
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(0, pipe(w->stop[i]));
		ASSERT_EQ(0, pipe(w->report[i]));
		w->pid[i] = fork();
		ASSERT_LE(0, w->pid[i]);
		if (!w->pid[i]) {
			/* Worker 0: the other NPU core; worker 1: the DSP. */
			if (i == 0)
				worker(DRM_EDGEAI_DEVICE_NPU, 1, w->stop[i][0], w->report[i][1]);
			worker(DRM_EDGEAI_DEVICE_DSP, DRM_EDGEAI_CORE_ANY, w->stop[i][0],
			       w->report[i][1]);
		}
	}
}

/* Pause worker @i between two jobs (nothing of it queued). */
static int worker_pause(struct workers *w, int i)
{
	char c;

	if (write(w->stop[i][1], "p", 1) != 1 || read(w->report[i][0], &c, 1) != 1)
		return -EIO;
	return c == 'a' ? 0 : -EIO;
}

static int worker_resume(struct workers *w, int i)
{
	return write(w->stop[i][1], "r", 1) == 1 ? 0 : -EIO;
}

/* Stop the workers; returns the smallest job count, or -1 on failure. */
static long workers_stop(struct __test_metadata *_metadata, struct workers *w)
{
	long min = LONG_MAX;

	for (int i = 0; i < 2; i++) {
		uint32_t n = 0;
		int st;

		EXPECT_EQ(1, write(w->stop[i][1], "x", 1));
		EXPECT_EQ(w->pid[i], waitpid(w->pid[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
			TH_LOG("worker %d failed: status 0x%x", i, st);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			return -1;
		EXPECT_EQ((ssize_t)sizeof(n), read(w->report[i][0], &n, sizeof(n)));
		if (n < min)
			min = n;
	}
	return min;
}

FIXTURE(reset) {
	int fd;
	int minor;
	uint32_t h;
	uint64_t timeout_ms;
};

FIXTURE_SETUP(reset)
{
	char path[PATH_MAX];

	if (geteuid())
		SKIP(return, "needs root for debugfs");
	self->minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->minor);
	if (eai_debugfs_path(self->minor, "fault_hang", path, sizeof(path)))
		SKIP(return, "no fault_hang knob in debugfs for accel%d", self->minor);
	self->fd = eai_open_minor(self->minor);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS, &self->timeout_ms));
	ASSERT_GE(30000, self->timeout_ms) TH_LOG("job timeout too long for this test");
	ASSERT_EQ(0, eai_bo_create(self->fd, SZ, &self->h));
}

FIXTURE_TEARDOWN(reset)
{
	if (self->fd >= 0)
		close(self->fd);
	/* Never leave an armed knob behind. */
	knob_write(self->minor, "fault_hang", "0");
	knob_write(self->minor, "fault_fail", "0");
	knob_write(self->minor, "host_delay_ms", "0");
}

TEST_F_TIMEOUT(reset, hang_timeout_guilty, 90)
{
	struct workers w;
	uint64_t r0, r1, id, t0;
	int32_t status = 1;
	long jobs;
	int ret;

	ASSERT_EQ(0, read_resets(self->minor, &r0)) TH_LOG("no reset counter in debugfs");
	workers_start(_metadata, &w);
	usleep(200000);

	/*
	 * The next job on the NPU hangs: pause the NPU worker so that the
	 * hang is ours (on core 0), then let it run on core 1 throughout.
	 */
	ASSERT_EQ(0, worker_pause(&w, 0));
	ASSERT_EQ(0, knob_write(self->minor, "fault_hang", "1"));
	t0 = eai_now_ns();
	ASSERT_EQ(0, submit_fill_core(self->fd, self->h, 0, 0x66, &id));
	ASSERT_EQ(0, knob_drained(self->minor, "fault_hang", 5000))
		TH_LOG("the hang was not consumed");
	ASSERT_EQ(0, worker_resume(&w, 0));

	/* A short wait times out with -ETIME and leaves @status alone. */
	EXPECT_EQ(-ETIME, eai_wait(self->fd, id, eai_deadline_ms(100), &status, NULL));
	EXPECT_EQ(1, status);
	/* CPU access to the hung job's buffer reports busy. */
	EXPECT_EQ(-EBUSY, eai_bo_prep(self->fd, self->h, DRM_EDGEAI_PREP_READ, 0));

	/* The job timeout resets the core; the job ends with -ETIMEDOUT. */
	ret = eai_wait(self->fd, id, eai_deadline_ms(self->timeout_ms * 3 + 10000), &status, NULL);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-ETIMEDOUT, status);
	EXPECT_LE(self->timeout_ms * 1000000ULL * 9 / 10, eai_now_ns() - t0)
		TH_LOG("the job ended before the job timeout");
	ASSERT_EQ(0, read_resets(self->minor, &r1));
	EXPECT_LT(r0, r1);

	/* The guilty file is refused; the output is untouched. */
	{
		struct drm_edgeai_bo_ref ref = { .handle = self->h, .flags = DRM_EDGEAI_BO_WRITE };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, 16, 1);
		struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

		s.job_id = 0x5555;
		EXPECT_EQ(-EBADFD, eai_submit(self->fd, &s, NULL));
		EXPECT_EQ(0x5555, s.job_id);
		/* The other ioctls of the guilty file still work. */
		EXPECT_EQ(0, eai_bo_prep(self->fd, self->h, DRM_EDGEAI_PREP_READ,
					 eai_deadline_ms(1000)));
		EXPECT_EQ(0, eai_bo_fini(self->fd, self->h));
	}

	/* The other processes ran jobs throughout and are still fine. */
	jobs = workers_stop(_metadata, &w);
	EXPECT_LT(0, jobs) TH_LOG("a worker completed no job during the hang");

	/* A new file on the same device and core works. */
	{
		int fd2 = eai_open_minor(self->minor);
		uint64_t id2;

		ASSERT_LE(0, fd2);
		EXPECT_EQ(0, eai_device_works(fd2, 0x67));
		{
			uint32_t h2;

			ASSERT_EQ(0, eai_bo_create(fd2, SZ, &h2));
			ASSERT_EQ(0, submit_fill_core(fd2, h2, 0, 1, &id2));
			ASSERT_EQ(0, eai_wait(fd2, id2, eai_deadline_ms(10000), &status, NULL));
			EXPECT_EQ(0, status);
		}
		close(fd2);
	}
}

/* The same through io_uring: the CQE reports -ETIMEDOUT, then -EBADFD. */
TEST_F_TIMEOUT(reset, hang_via_uring, 90)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_cqe *cqe;
	struct drm_edgeai_bo_ref ref = { .handle = self->h, .flags = DRM_EDGEAI_BO_WRITE };
	struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, SZ, 0x68);
	struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	ASSERT_EQ(0, io_uring_queue_init_params(8, &ring, &p));
	ASSERT_EQ(0, knob_write(self->minor, "fault_hang", "1"));
	for (int round = 0; round < 2; round++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		struct __kernel_timespec ts = { .tv_sec = (long long)self->timeout_ms / 1000 * 3 + 10 };

		ASSERT_NE(NULL, sqe);
		memset(sqe, 0, 128);
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = self->fd;
		sqe->cmd_op = EDGEAI_URING_CMD_SUBMIT;
		sqe->user_data = round;
		memcpy(sqe->cmd, &s, sizeof(s));
		ASSERT_EQ(1, io_uring_submit(&ring));
		ASSERT_EQ(0, io_uring_wait_cqe_timeout(&ring, &cqe, &ts));
		EXPECT_EQ(round, cqe->user_data);
		/* First the hung job itself, then the guilty file's next submit. */
		EXPECT_EQ(round ? -EBADFD : -ETIMEDOUT, cqe->res) TH_LOG("round %d", round);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	{
		int fd2 = eai_open_minor(self->minor);

		ASSERT_LE(0, fd2);
		EXPECT_EQ(0, eai_device_works(fd2, 0x69));
		close(fd2);
	}
}

TEST_F_TIMEOUT(reset, fault_fail_eio, 60)
{
	uint64_t id, r0, r1;
	int32_t status = 1;

	ASSERT_EQ(0, read_resets(self->minor, &r0));
	ASSERT_EQ(0, knob_write(self->minor, "fault_fail", "1"));
	ASSERT_EQ(0, submit_fill_core(self->fd, self->h, DRM_EDGEAI_CORE_ANY, 0x70, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(10000), &status, NULL));
	EXPECT_EQ(-EIO, status);
	/* A device error is not a hang: no reset, the file is not guilty. */
	ASSERT_EQ(0, read_resets(self->minor, &r1));
	EXPECT_EQ(r0, r1);
	EXPECT_EQ(0, eai_device_works(self->fd, 0x71));
}

/* Jobs queued behind a hung job on the same core: none of them is lost. */
TEST_F_TIMEOUT(reset, queued_behind_hang, 90)
{
	int fd2 = eai_open_minor(self->minor);
	uint64_t hung, ids[4];
	uint32_t h2;
	int32_t status;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, eai_bo_create(fd2, SZ, &h2));
	ASSERT_EQ(0, knob_write(self->minor, "fault_hang", "1"));
	ASSERT_EQ(0, submit_fill_core(self->fd, self->h, 0, 1, &hung));
	ASSERT_EQ(0, knob_drained(self->minor, "fault_hang", 5000));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(0, submit_fill_core(fd2, h2, 0, (uint8_t)(i + 1), &ids[i]));
	ASSERT_EQ(0, eai_wait(self->fd, hung, eai_deadline_ms(self->timeout_ms * 3 + 10000),
			      &status, NULL));
	EXPECT_EQ(-ETIMEDOUT, status);
	/* The innocent file's jobs end: they run (0) or are cancelled by the reset. */
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, eai_wait(fd2, ids[i], eai_deadline_ms(10000), &status, NULL));
		EXPECT_TRUE(status == 0 || status == -ECANCELED) TH_LOG("job %d: %d", i, status);
	}
	/* And the innocent file is not guilty. */
	EXPECT_EQ(0, eai_device_works(fd2, 0x72));
	close(fd2);
}

static int sysfs_u64(int minor, const char *attr, uint64_t *v)
{
	char buf[64], *end;
	int ret = eai_sysfs_read(minor, attr, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf || *end ? -EINVAL : 0;
}

/*
 * The host takes twice the job timeout (plus half a second) to execute a
 * job: that is the simulator's time, not the device's. The job completes
 * with its bytes, its device time is the timing model's (far below the
 * timeout), busy_time_us grows by that, and no core is reset.
 */
TEST_F_TIMEOUT(reset, slow_host_is_not_device_time, 90)
{
	uint64_t delay_ms = self->timeout_ms * 2 + 500;
	uint64_t r0, r1, busy0, busy1, id, t0, dev_ns = 0, elapsed;
	char val[32], path[PATH_MAX];
	int32_t status = 1;
	uint8_t *p;

	ASSERT_EQ(0, eai_debugfs_path(self->minor, "host_delay_ms", path, sizeof(path)));
	p = eai_bo_map(self->fd, self->h, NULL);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, read_resets(self->minor, &r0));
	ASSERT_EQ(0, sysfs_u64(self->minor, "busy_time_us", &busy0));
	snprintf(val, sizeof(val), "%llu", (unsigned long long)delay_ms);
	ASSERT_EQ(0, knob_write(self->minor, "host_delay_ms", val));

	t0 = eai_now_ns();
	ASSERT_EQ(0, submit_fill_core(self->fd, self->h, DRM_EDGEAI_CORE_ANY, 0x5a, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(delay_ms * 2 + 10000), &status,
			      &dev_ns));
	elapsed = eai_now_ns() - t0;
	ASSERT_EQ(0, knob_write(self->minor, "host_delay_ms", "0"));
	EXPECT_EQ(0, status) TH_LOG("the slow host's job was treated as hung");
	EXPECT_TRUE(eai_all_bytes(p, SZ, 0x5a));
	/* The host really took longer than the timeout ... */
	EXPECT_LE(delay_ms * 1000000ULL, elapsed);
	/* ... while the device took its modelled time: 16 KiB is microseconds. */
	EXPECT_LT(0, dev_ns);
	EXPECT_GT(self->timeout_ms * 1000000ULL / 10, dev_ns) TH_LOG("device time %llu ns",
		(unsigned long long)dev_ns);
	ASSERT_EQ(0, sysfs_u64(self->minor, "busy_time_us", &busy1));
	EXPECT_GT(busy0 + self->timeout_ms * 1000 / 10, busy1) TH_LOG("busy %llu us",
		(unsigned long long)(busy1 - busy0));
	ASSERT_EQ(0, read_resets(self->minor, &r1));
	EXPECT_EQ(r0, r1);
	/* Not guilty: the file still submits. */
	EXPECT_EQ(0, eai_device_works(self->fd, 0x5b));
	munmap(p, SZ);
}

/*
 * Back to back on one core, on the slow host: when a job completes, the
 * scheduler re-arms the timeout for the next one, which may undo that
 * job's pause; the timeout must still not reset a job the host is still
 * executing. Three jobs queued at once all complete, no reset.
 */
TEST_F_TIMEOUT(reset, slow_host_back_to_back, 120)
{
	uint64_t delay_ms = self->timeout_ms * 2 + 500;
	uint64_t r0, r1, ids[3];
	char val[32], path[PATH_MAX];
	int32_t status;
	uint8_t *p;

	ASSERT_EQ(0, eai_debugfs_path(self->minor, "host_delay_ms", path, sizeof(path)));
	p = eai_bo_map(self->fd, self->h, NULL);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, read_resets(self->minor, &r0));
	snprintf(val, sizeof(val), "%llu", (unsigned long long)delay_ms);
	ASSERT_EQ(0, knob_write(self->minor, "host_delay_ms", val));
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, submit_fill_core(self->fd, self->h, 0, (uint8_t)(0x40 + i), &ids[i]));
	for (int i = 0; i < 3; i++) {
		status = 1;
		ASSERT_EQ(0, eai_wait(self->fd, ids[i], eai_deadline_ms(delay_ms * 4 + 10000),
				      &status, NULL));
		EXPECT_EQ(0, status) TH_LOG("job %d of 3 was reset", i);
	}
	ASSERT_EQ(0, knob_write(self->minor, "host_delay_ms", "0"));
	EXPECT_TRUE(eai_all_bytes(p, SZ, 0x42));
	ASSERT_EQ(0, read_resets(self->minor, &r1));
	EXPECT_EQ(r0, r1);
	munmap(p, SZ);
}

/*
 * On the same slow host a job that really hangs still ends with
 * -ETIMEDOUT after about the job timeout (not after the host delay), and
 * the core is reset; the next job runs.
 */
TEST_F_TIMEOUT(reset, hang_on_slow_host_is_reset, 90)
{
	uint64_t delay_ms = self->timeout_ms * 2 + 500;
	uint64_t r0, r1, id, t0, elapsed;
	char val[32], path[PATH_MAX];
	int32_t status = 1;
	int fd2;

	ASSERT_EQ(0, eai_debugfs_path(self->minor, "host_delay_ms", path, sizeof(path)));
	ASSERT_EQ(0, read_resets(self->minor, &r0));
	snprintf(val, sizeof(val), "%llu", (unsigned long long)delay_ms);
	ASSERT_EQ(0, knob_write(self->minor, "host_delay_ms", val));
	ASSERT_EQ(0, knob_write(self->minor, "fault_hang", "1"));
	t0 = eai_now_ns();
	ASSERT_EQ(0, submit_fill_core(self->fd, self->h, DRM_EDGEAI_CORE_ANY, 0x61, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(self->timeout_ms * 3 + 10000),
			      &status, NULL));
	elapsed = eai_now_ns() - t0;
	ASSERT_EQ(0, knob_write(self->minor, "host_delay_ms", "0"));
	EXPECT_EQ(-ETIMEDOUT, status);
	EXPECT_LE(self->timeout_ms * 1000000ULL * 9 / 10, elapsed);
	EXPECT_GT(delay_ms * 1000000ULL, elapsed) TH_LOG("the hang waited for the host delay");
	ASSERT_EQ(0, read_resets(self->minor, &r1));
	EXPECT_EQ(r0 + 1, r1);
	fd2 = eai_open_minor(self->minor);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, eai_device_works(fd2, 0x62));
	close(fd2);
}

TEST_HARNESS_MAIN
