// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dynamic batching (uAPI 1.6, DRM_EDGEAI_SUBMIT_BATCH): jobs of one
 * program submitted with the flag run as one device job on NPU core 0.
 * Each job's output is byte for byte what it is when the job runs alone;
 * the driver counts the batches (fdinfo "edgeai-batched-jobs-npu", sysfs
 * "batched_jobs"); a batch never grows past the smallest batch_max; a job
 * waits at most batch_wait_us for others, and a full batch starts at once;
 * each job of a batch has its own status (a job failing on the device
 * fails alone, a job hanging resets the core: -ETIMEDOUT for it,
 * -ECANCELED for the rest of its batch); the batch shares its device time
 * and takes less of it than the jobs one by one; bad batch fields are
 * -EINVAL.
 */
#include "edgeai_test.h"
#include <drm/edgeai_program.h>

#include "kselftest_harness.h"

#include "edgeai_chain_lib.h"
#include "edgeai_pm_lib.h"

#define CH_OPS	16
#define CH_H	8
#define CH_W	8
#define CH_C	8
/* Jobs per test, each with its own input and output buffer. */
#define NJOBS	8

FIXTURE(batch) {
	int fd, minor;
	struct eai_chain ch;
	uint32_t prog;
	uint32_t in[NJOBS], out[NJOBS];
	uint8_t *in_map[NJOBS], *out_map[NJOBS];
	uint64_t in_size[NJOBS], out_size[NJOBS];
	uint8_t *ref[NJOBS];
	uint64_t solo_dev[NJOBS];
};

/* Job @i on core 0; batch_max 0 for a job without DRM_EDGEAI_SUBMIT_BATCH. */
static int submit(FIXTURE_DATA(batch) *self, int fd, int i, uint32_t max,
		  uint32_t wait_us, uint64_t *id)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = self->in[i], .flags = DRM_EDGEAI_BO_READ },
		{ .handle = self->out[i], .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = 0,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = self->prog,
	};

	if (max) {
		s.flags |= DRM_EDGEAI_SUBMIT_BATCH;
		s.batch_max = max;
		s.batch_wait_us = wait_us;
	}
	return eai_submit(fd, &s, id);
}

/* sysfs "batched_jobs": jobs in batches, and batches. */
static int sysfs_batched(int minor, long long *jobs, long long *batches)
{
	char buf[64];

	if (eai_sysfs_read(minor, "batched_jobs", buf, sizeof(buf)))
		return -1;
	return sscanf(buf, "%lld %lld", jobs, batches) == 2 ? 0 : -1;
}

static long long sysfs_ll(int minor, const char *attr)
{
	char buf[64];

	if (eai_sysfs_read(minor, attr, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

static void clear_outputs(FIXTURE_DATA(batch) *self)
{
	for (int i = 0; i < NJOBS; i++)
		memset(self->out_map[i], 0x5a, self->ch.out_bytes);
}

/* Output @i is byte for byte its reference. */
static bool output_ok(FIXTURE_DATA(batch) *self, int i)
{
	bool ok;

	if (eai_bo_prep(self->fd, self->out[i], DRM_EDGEAI_PREP_READ,
			eai_deadline_ms(5000)))
		return false;
	ok = !memcmp(self->out_map[i], self->ref[i], self->ch.out_bytes);
	eai_bo_fini(self->fd, self->out[i]);
	return ok;
}

FIXTURE_SETUP(batch)
{
	uint64_t caps = 0, id;
	int32_t status;
	int i;

	memset(self, 0, sizeof(*self));
	self->fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	if (self->fd < 0)
		SKIP(return, "no NPU device");
	self->minor = eai_fd_minor(self->fd);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CAPABILITIES, &caps));
	if (!(caps & DRM_EDGEAI_CAP_BATCH))
		SKIP(return, "the NPU does not batch");

	/*
	 * Device times are compared across the test: the clock must not
	 * move between the references and the batches (the governor follows
	 * the load, and a batch of two at a lower clock than its jobs alone
	 * takes longer than both).
	 */
	ASSERT_EQ(0, eai_devfreq_pin(self->minor)) TH_LOG("cannot pin the NPU's clock");
	ASSERT_EQ(0, eai_chain_build(&self->ch, CH_OPS, CH_H, CH_W, CH_C, 3));
	ASSERT_EQ(0, eai_program_create(self->fd, self->ch.blob, self->ch.size, &self->prog));
	for (i = 0; i < NJOBS; i++) {
		ASSERT_EQ(0, eai_bo_create(self->fd, self->ch.in_bytes, &self->in[i]));
		ASSERT_EQ(0, eai_bo_create(self->fd, self->ch.out_bytes, &self->out[i]));
		self->in_map[i] = eai_bo_map(self->fd, self->in[i], &self->in_size[i]);
		ASSERT_NE(NULL, self->in_map[i]);
		self->out_map[i] = eai_bo_map(self->fd, self->out[i], &self->out_size[i]);
		ASSERT_NE(NULL, self->out_map[i]);
		/* Each job its own input: a mixed-up buffer shows. */
		eai_chain_input(self->in_map[i], self->ch.in_bytes, 11 + i);
		self->ref[i] = malloc(self->ch.out_bytes);
		ASSERT_NE(NULL, self->ref[i]);
	}
	/* The references: each job alone, without the flag. */
	clear_outputs(self);
	for (i = 0; i < NJOBS; i++) {
		status = 1;
		ASSERT_EQ(0, submit(self, self->fd, i, 0, 0, &id));
		ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(60000), &status,
				      &self->solo_dev[i]));
		ASSERT_EQ(0, status);
		ASSERT_EQ(0, eai_bo_prep(self->fd, self->out[i], DRM_EDGEAI_PREP_READ,
					 eai_deadline_ms(5000)));
		memcpy(self->ref[i], self->out_map[i], self->ch.out_bytes);
		eai_bo_fini(self->fd, self->out[i]);
		ASSERT_FALSE(eai_all_bytes(self->ref[i] + (CH_OPS - 1) * self->ch.tensor_bytes,
					   self->ch.tensor_bytes, 0x5a));
		if (i)
			ASSERT_NE(0, memcmp(self->ref[i], self->ref[0], self->ch.out_bytes))
				TH_LOG("jobs %d and 0 give the same bytes: the test is blind", i);
	}
	ASSERT_EQ(0, eai_fdinfo_ll(self->fd, "edgeai-batched-jobs-npu"))
		TH_LOG("jobs without DRM_EDGEAI_SUBMIT_BATCH ran in a batch");
}

FIXTURE_TEARDOWN(batch)
{
	for (int i = 0; i < NJOBS; i++) {
		if (self->in_map[i])
			munmap(self->in_map[i], self->in_size[i]);
		if (self->out_map[i])
			munmap(self->out_map[i], self->out_size[i]);
		free(self->ref[i]);
	}
	free(self->ch.blob);
	if (self->fd >= 0) {
		eai_devfreq_unpin(self->minor);
		close(self->fd);
	}
}

TEST_F(batch, uapi_1_6)
{
	char name[64];
	drm_version_t v = { .name = name, .name_len = sizeof(name) };
	long long jobs, batches;

	ASSERT_EQ(0, eai_ioctl(self->fd, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(1, v.version_major);
	EXPECT_LE(6, v.version_minor);
	ASSERT_EQ(0, sysfs_batched(self->minor, &jobs, &batches));
	EXPECT_LE(batches, jobs);
	EXPECT_LE(2 * batches, jobs);
}

TEST_F(batch, bad_batch_fields_einval)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = self->in[0], .flags = DRM_EDGEAI_BO_READ },
		{ .handle = self->out[0], .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_cmd cmd = eai_cmd_fill(1, 0, 64, 1);
	const struct { uint32_t flags, max, wait_us; bool prog; const char *what; } bad[] = {
		{ DRM_EDGEAI_SUBMIT_BATCH, 4, 0, false, "batch of a command job" },
		{ DRM_EDGEAI_SUBMIT_BATCH, 0, 100, true, "batch_max 0" },
		{ DRM_EDGEAI_SUBMIT_BATCH, 1, 100, true, "batch_max 1" },
		{ DRM_EDGEAI_SUBMIT_BATCH, DRM_EDGEAI_MAX_BATCH + 1, 100, true, "batch_max too big" },
		{ DRM_EDGEAI_SUBMIT_BATCH, 4, DRM_EDGEAI_MAX_BATCH_WAIT_US + 1, true, "wait too long" },
		{ DRM_EDGEAI_SUBMIT_BATCH, 4, 0xffffffffu, true, "wait all ones" },
		{ 0, 4, 0, true, "batch_max without the flag" },
		{ 0, 0, 1, true, "batch_wait_us without the flag" },
		{ 1u << 2, 0, 0, true, "unknown flag bit 2" },
	};
	uint64_t id;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct drm_edgeai_submit s = {
			.bos = (uintptr_t)bos, .bo_count = 2, .core = 0,
			.flags = bad[i].flags, .batch_max = bad[i].max,
			.batch_wait_us = bad[i].wait_us,
		};

		if (bad[i].prog) {
			s.flags |= DRM_EDGEAI_SUBMIT_PROGRAM;
			s.program_handle = self->prog;
		} else {
			s.cmds = (uintptr_t)&cmd;
			s.cmd_count = 1;
			s.cmd_size = sizeof(cmd);
		}
		EXPECT_EQ(-EINVAL, eai_submit(self->fd, &s, &id)) TH_LOG("%s", bad[i].what);
	}
	/* The limits themselves are fine. */
	ASSERT_EQ(0, submit(self, self->fd, 0, DRM_EDGEAI_MAX_BATCH,
			    DRM_EDGEAI_MAX_BATCH_WAIT_US, &id));
	ASSERT_EQ(0, submit(self, self->fd, 1, 2, 0, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(60000), NULL, NULL));
}

/*
 * NJOBS jobs with batch_max @max submitted back to back: @max jobs join
 * each batch (the forming waits up to 100 ms, far more than the submits
 * take), outputs byte for byte the references.
 */
static void run_batched(struct __test_metadata *_metadata,
			FIXTURE_DATA(batch) *self, uint32_t max)
{
	long long f0, f1, j0, b0, j1, b1;
	uint64_t id[NJOBS], dev[NJOBS], sum_dev = 0, sum_solo = 0, min_solo = UINT64_MAX;
	int32_t status;
	int i;

	f0 = eai_fdinfo_ll(self->fd, "edgeai-batched-jobs-npu");
	ASSERT_EQ(0, sysfs_batched(self->minor, &j0, &b0));
	clear_outputs(self);
	for (i = 0; i < NJOBS; i++)
		ASSERT_EQ(0, submit(self, self->fd, i, max, DRM_EDGEAI_MAX_BATCH_WAIT_US,
				    &id[i]));
	for (i = 0; i < NJOBS; i++) {
		status = 1;
		ASSERT_EQ(0, eai_wait(self->fd, id[i], eai_deadline_ms(60000), &status,
				      &dev[i]));
		EXPECT_EQ(0, status) TH_LOG("job %d", i);
		EXPECT_TRUE(output_ok(self, i)) TH_LOG("job %d: not the bytes it has alone", i);
		EXPECT_LT(0, dev[i]);
		sum_dev += dev[i];
		sum_solo += self->solo_dev[i];
		if (self->solo_dev[i] < min_solo)
			min_solo = self->solo_dev[i];
	}
	f1 = eai_fdinfo_ll(self->fd, "edgeai-batched-jobs-npu");
	ASSERT_EQ(0, sysfs_batched(self->minor, &j1, &b1));
	EXPECT_EQ(NJOBS, f1 - f0) TH_LOG("fdinfo: %lld jobs batched", f1 - f0);
	EXPECT_EQ(NJOBS, j1 - j0);
	EXPECT_EQ(NJOBS / max, b1 - b0) TH_LOG("%lld batches of at most %u", b1 - b0, max);
	TH_LOG("%d jobs in batches of %u: %llu ns of device time, one by one %llu ns",
	       NJOBS, max, (unsigned long long)sum_dev, (unsigned long long)sum_solo);
	/* One start-up cost per batch, not per job: less device time. */
	EXPECT_LT(sum_dev, sum_solo)
		TH_LOG("batched %llu ns, one by one %llu ns",
		       (unsigned long long)sum_dev, (unsigned long long)sum_solo);
	/* A batch does all its jobs' MACs: not less than one job alone. */
	EXPECT_LE((NJOBS / max) * min_solo, sum_dev);
}

TEST_F_TIMEOUT(batch, batched_results_identical, 120)
{
	run_batched(_metadata, self, NJOBS);
}

TEST_F_TIMEOUT(batch, batch_max_limits_the_batch, 120)
{
	run_batched(_metadata, self, NJOBS / 4);
}

static double run_ms(struct __test_metadata *_metadata, FIXTURE_DATA(batch) *self,
		     int n, uint32_t max, uint32_t wait_us)
{
	uint64_t id[NJOBS];
	int64_t t0 = eai_now_ns();
	int32_t status;
	int i;

	for (i = 0; i < n; i++) {
		if (submit(self, self->fd, i, max, wait_us, &id[i]))
			return -1;
	}
	for (i = 0; i < n; i++) {
		status = 1;
		if (eai_wait(self->fd, id[i], eai_deadline_ms(60000), &status, NULL) || status)
			return -1;
	}
	(void)_metadata;
	return (double)(eai_now_ns() - t0) / 1e6;
}

/*
 * A job alone waits its batch_wait_us for others, and no more (plus what
 * it takes without batching, and slack for the emulated guest); a batch
 * that is full starts without waiting.
 */
TEST_F_TIMEOUT(batch, latency_bound, 120)
{
	double solo = 1e9, lone = 0, full = 1e9, t, bound;
	int round;

	for (round = 0; round < 3; round++) {
		t = run_ms(_metadata, self, 1, 0, 0);
		ASSERT_LT(0, t);
		solo = t < solo ? t : solo;
		t = run_ms(_metadata, self, 1, 4, 50000);
		ASSERT_LT(0, t);
		lone = t > lone ? t : lone;
		t = run_ms(_metadata, self, 2, 2, DRM_EDGEAI_MAX_BATCH_WAIT_US);
		ASSERT_LT(0, t);
		full = t < full ? t : full;
	}
	TH_LOG("alone %.2f ms; waiting 50 ms for a batch %.2f ms; full batch of 2 %.2f ms",
	       solo, lone, full);
	EXPECT_LE(50.0, lone) TH_LOG("the job did not wait for others");
	EXPECT_GE(solo + 50.0 + 100.0, lone) TH_LOG("the job waited past its bound");
	/*
	 * Had it waited, it would take its batch_wait_us (100 ms) on top of
	 * running two jobs: less than that, or where the jobs' own time is
	 * long (60 ms a job on a debug kernel under TCG), less than that
	 * time plus half the wait.
	 */
	bound = 2 * solo + DRM_EDGEAI_MAX_BATCH_WAIT_US / 2000.0;
	if (bound < DRM_EDGEAI_MAX_BATCH_WAIT_US / 1000.0)
		bound = DRM_EDGEAI_MAX_BATCH_WAIT_US / 1000.0;
	EXPECT_GT(bound, full) TH_LOG("a full batch waited for its batch_wait_us");
}

/*
 * A batch forming holds up no job that does not join it: another client's
 * job coming to wait for the core starts the batch at once, long before
 * its batch_wait_us.
 */
TEST_F_TIMEOUT(batch, other_client_ends_the_wait, 120)
{
	uint64_t id, hid;
	int32_t status = 1, hstatus = 1;
	int64_t t0, t_batch, t_other;
	double solo;
	uint32_t bo;
	int fd2;

	/* The batch's own job alone, without the flag: what it takes here. */
	solo = run_ms(_metadata, self, 1, 0, 0);
	ASSERT_LT(0, solo);
	fd2 = eai_open_minor(self->minor);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, eai_bo_create(fd2, 4096, &bo));
	{
		struct drm_edgeai_bo_ref ref = { .handle = bo, .flags = DRM_EDGEAI_BO_WRITE };
		struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, 4096, 0x77);
		struct drm_edgeai_submit s = eai_submit_args(&ref, 1, &cmd, 1);

		s.core = 0;
		t0 = eai_now_ns();
		ASSERT_EQ(0, submit(self, self->fd, 0, 4, DRM_EDGEAI_MAX_BATCH_WAIT_US, &id));
		usleep(10000);
		ASSERT_EQ(0, eai_submit(fd2, &s, &hid));
	}
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(60000), &status, NULL));
	t_batch = eai_now_ns() - t0;
	ASSERT_EQ(0, eai_wait(fd2, hid, eai_deadline_ms(60000), &hstatus, NULL));
	t_other = eai_now_ns() - t0;
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, hstatus);
	TH_LOG("batch of one done after %.1f ms, the other client's job after %.1f ms "
	       "(batch_wait_us %d ms)", t_batch / 1e6, t_other / 1e6,
	       DRM_EDGEAI_MAX_BATCH_WAIT_US / 1000);
	/*
	 * Had the batch waited for its batch_wait_us (100 ms), the other
	 * job would finish after that and the batch's job; it comes 10 ms
	 * after the batch opened.
	 */
	EXPECT_GT((solo + 80.0) * 1e6, (double)t_other)
		TH_LOG("the other client waited for the batch to fill (its job alone: %.1f ms)", solo);
	close(fd2);
}

/* A job failing on the device fails alone: the rest of its batch is fine. */
TEST_F_TIMEOUT(batch, failed_job_alone, 120)
{
	char path[PATH_MAX];
	uint64_t id[4];
	int32_t status;
	int i;

	if (eai_debugfs_path(self->minor, "fault_fail", path, sizeof(path)))
		SKIP(return, "no fault_fail knob");
	clear_outputs(self);
	/* The batch takes fault_fail when it starts, its first job first. */
	ASSERT_EQ(0, eai_write_file(path, "1"));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, submit(self, self->fd, i, 4, DRM_EDGEAI_MAX_BATCH_WAIT_US, &id[i]));
	for (i = 0; i < 4; i++) {
		status = 1;
		ASSERT_EQ(0, eai_wait(self->fd, id[i], eai_deadline_ms(60000), &status, NULL));
		if (!i) {
			EXPECT_EQ(-EIO, status);
		} else {
			EXPECT_EQ(0, status) TH_LOG("job %d", i);
			EXPECT_TRUE(output_ok(self, i)) TH_LOG("job %d", i);
		}
	}
	eai_write_file(path, "0");
}

/*
 * A job that hangs in the middle of a batch stalls it: the timeout resets
 * the core, that job ends with -ETIMEDOUT, the others of the batch with
 * -ECANCELED; the file is guilty, a new one runs batches again.
 */
TEST_F_TIMEOUT(batch, hang_in_batch_resets, 120)
{
	char path[PATH_MAX];
	uint64_t id[4];
	long long resets0, resets1;
	long long f0, f1;
	int32_t status[4];
	int i, fd2, timedout = 0, cancelled = 0;

	if (eai_debugfs_path(self->minor, "fault_hang", path, sizeof(path)))
		SKIP(return, "no fault_hang knob");
	resets0 = sysfs_ll(self->minor, "reset_count");
	ASSERT_LE(0, resets0);
	f0 = eai_fdinfo_ll(self->fd, "edgeai-batched-jobs-npu");
	ASSERT_EQ(0, eai_write_file(path, "1"));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, submit(self, self->fd, i, 4, DRM_EDGEAI_MAX_BATCH_WAIT_US, &id[i]));
	for (i = 0; i < 4; i++) {
		status[i] = 1;
		ASSERT_EQ(0, eai_wait(self->fd, id[i], eai_deadline_ms(60000), &status[i],
				      NULL));
		timedout += status[i] == -ETIMEDOUT;
		cancelled += status[i] == -ECANCELED;
	}
	eai_write_file(path, "0");
	f1 = eai_fdinfo_ll(self->fd, "edgeai-batched-jobs-npu");
	EXPECT_EQ(4, f1 - f0) TH_LOG("the four jobs were not one batch");
	/* The jobs that joined take the knob first: the second job hangs. */
	EXPECT_EQ(-ETIMEDOUT, status[1]);
	EXPECT_EQ(1, timedout);
	EXPECT_EQ(3, cancelled)
		TH_LOG("statuses %d %d %d %d", status[0], status[1], status[2], status[3]);
	resets1 = sysfs_ll(self->minor, "reset_count");
	EXPECT_EQ(resets0 + 1, resets1);
	EXPECT_EQ(-EBADFD, submit(self, self->fd, 0, 4, 0, &id[0]));

	/* The core works for a new file. */
	fd2 = eai_open_minor(self->minor);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, eai_device_works(fd2, 0x3c));
	close(fd2);
}

/*
 * A second file on the NPU: its own handle for a program (@blob), and its
 * own buffers for jobs 1 and 2, with the inputs of the fixture's jobs 1
 * and 2, so their outputs must be the fixture's references.
 */
struct other {
	int fd;
	uint32_t prog;
	uint32_t in[3], out[3];
	uint8_t *out_map[3];
	uint64_t out_size[3];
};

static int other_open(FIXTURE_DATA(batch) *self, struct other *o, const void *blob,
		      uint32_t size, uint32_t prio)
{
	uint64_t in_size;
	uint8_t *in_map;

	memset(o, 0, sizeof(*o));
	o->fd = eai_open_minor(self->minor);
	if (o->fd < 0)
		return -1;
	if (prio != DRM_EDGEAI_PRIORITY_NORMAL &&
	    eai_set_policy(o->fd, 0, DRM_EDGEAI_POLICY_PRIORITY, prio, 0, 0, 0))
		return -1;
	if (eai_program_create(o->fd, blob, size, &o->prog))
		return -1;
	for (int i = 1; i <= 2; i++) {
		if (eai_bo_create(o->fd, self->ch.in_bytes, &o->in[i]) ||
		    eai_bo_create(o->fd, self->ch.out_bytes, &o->out[i]))
			return -1;
		in_map = eai_bo_map(o->fd, o->in[i], &in_size);
		o->out_map[i] = eai_bo_map(o->fd, o->out[i], &o->out_size[i]);
		if (!in_map || !o->out_map[i])
			return -1;
		memcpy(in_map, self->in_map[i], self->ch.in_bytes);
		munmap(in_map, in_size);
		memset(o->out_map[i], 0x5a, self->ch.out_bytes);
	}
	return 0;
}

static void other_close(struct other *o)
{
	for (int i = 1; i <= 2; i++)
		if (o->out_map[i])
			munmap(o->out_map[i], o->out_size[i]);
	if (o->fd >= 0)
		close(o->fd);
}

static int other_submit(struct other *o, int i, uint64_t *id)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = o->in[i], .flags = DRM_EDGEAI_BO_READ },
		{ .handle = o->out[i], .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = 0,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM | DRM_EDGEAI_SUBMIT_BATCH,
		.program_handle = o->prog, .batch_max = 4,
		.batch_wait_us = DRM_EDGEAI_MAX_BATCH_WAIT_US,
	};

	return eai_submit(o->fd, &s, id);
}

/*
 * Jobs 0 and 3 of the fixture's file and job 1 (and 2, when @joins) of a
 * second file @o, all with the flag, job 0 first: @joins says whether the
 * second file's jobs may join the batch job 0 opens. Every job ends with
 * status 0 (and its reference bytes when @o runs the same program); the
 * sysfs and fdinfo counters say which ran in a batch. A lone job of the
 * second file that does not join runs in no batch of two or more.
 */
static void run_two_files(struct __test_metadata *_metadata, FIXTURE_DATA(batch) *self,
			  struct other *o, bool same_program, bool joins)
{
	long long j0, b0, j1, b1, f0, f1, g0, g1;
	int n_other = joins ? 2 : 1;
	uint64_t id[4];
	int32_t status;
	int i;

	ASSERT_EQ(0, sysfs_batched(self->minor, &j0, &b0));
	f0 = eai_fdinfo_ll(self->fd, "edgeai-batched-jobs-npu");
	g0 = eai_fdinfo_ll(o->fd, "edgeai-batched-jobs-npu");
	clear_outputs(self);
	ASSERT_EQ(0, submit(self, self->fd, 0, 4, DRM_EDGEAI_MAX_BATCH_WAIT_US, &id[0]));
	for (i = 1; i <= n_other; i++)
		ASSERT_EQ(0, other_submit(o, i, &id[i]));
	ASSERT_EQ(0, submit(self, self->fd, 3, 4, DRM_EDGEAI_MAX_BATCH_WAIT_US, &id[3]));
	for (i = 0; i < 4; i++) {
		int fd = i && i <= n_other ? o->fd : self->fd;

		if (i > n_other && i < 3)
			continue;
		status = 1;
		ASSERT_EQ(0, eai_wait(fd, id[i], eai_deadline_ms(60000), &status, NULL));
		EXPECT_EQ(0, status) TH_LOG("job %d", i);
	}
	EXPECT_TRUE(output_ok(self, 0));
	EXPECT_TRUE(output_ok(self, 3));
	for (i = 1; same_program && i <= n_other; i++) {
		ASSERT_EQ(0, eai_bo_prep(o->fd, o->out[i], DRM_EDGEAI_PREP_READ,
					 eai_deadline_ms(5000)));
		EXPECT_EQ(0, memcmp(o->out_map[i], self->ref[i], self->ch.out_bytes))
			TH_LOG("the second file's job %d: not the bytes it has alone", i);
		eai_bo_fini(o->fd, o->out[i]);
	}
	ASSERT_EQ(0, sysfs_batched(self->minor, &j1, &b1));
	f1 = eai_fdinfo_ll(self->fd, "edgeai-batched-jobs-npu");
	g1 = eai_fdinfo_ll(o->fd, "edgeai-batched-jobs-npu");
	TH_LOG("%lld jobs in %lld batches; batched jobs of the files: %lld and %lld",
	       j1 - j0, b1 - b0, f1 - f0, g1 - g0);
	if (joins) {
		EXPECT_EQ(4, j1 - j0);
		EXPECT_EQ(1, b1 - b0) TH_LOG("the two files' jobs were not one batch");
		EXPECT_EQ(2, f1 - f0);
		EXPECT_EQ(2, g1 - g0);
	} else {
		EXPECT_EQ(0, g1 - g0) TH_LOG("the second file's job joined a batch");
	}
}

/*
 * Two files that create byte for byte the same program share its object
 * (1.7): their jobs run as one batch, each with its own bytes, counted
 * for its own file.
 */
TEST_F_TIMEOUT(batch, files_with_one_program_batch_together, 120)
{
	uint64_t caps = 0;
	struct other o;

	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CAPABILITIES, &caps));
	if (!(caps & DRM_EDGEAI_CAP_SHARED_PROGRAMS))
		SKIP(return, "programs are not shared");
	ASSERT_EQ(0, other_open(self, &o, self->ch.blob, self->ch.size,
				DRM_EDGEAI_PRIORITY_NORMAL));
	run_two_files(_metadata, self, &o, true, true);
	/* The first file's handle goes: the second file's still runs it. */
	ASSERT_EQ(0, eai_program_destroy(self->fd, self->prog));
	self->prog = 0;
	{
		uint64_t id;
		int32_t status = 1;

		memset(o.out_map[1], 0x5a, self->ch.out_bytes);
		ASSERT_EQ(0, other_submit(&o, 1, &id));
		ASSERT_EQ(0, eai_wait(o.fd, id, eai_deadline_ms(60000), &status, NULL));
		EXPECT_EQ(0, status);
		ASSERT_EQ(0, eai_bo_prep(o.fd, o.out[1], DRM_EDGEAI_PREP_READ,
					 eai_deadline_ms(5000)));
		EXPECT_EQ(0, memcmp(o.out_map[1], self->ref[1], self->ch.out_bytes));
		eai_bo_fini(o.fd, o.out[1]);
	}
	other_close(&o);
}

/* Another program of the same shape is another object: no batch across files. */
TEST_F_TIMEOUT(batch, other_program_does_not_join, 120)
{
	struct eai_chain ch2;
	struct other o;

	/* Other weights, the same tensors: jobs of it would fit a batch. */
	ASSERT_EQ(0, eai_chain_build(&ch2, CH_OPS, CH_H, CH_W, CH_C, 4));
	ASSERT_EQ(self->ch.size, ch2.size);
	ASSERT_NE(0, memcmp(self->ch.blob, ch2.blob, ch2.size));
	ASSERT_EQ(0, other_open(self, &o, ch2.blob, ch2.size, DRM_EDGEAI_PRIORITY_NORMAL));
	run_two_files(_metadata, self, &o, false, false);
	other_close(&o);
	free(ch2.blob);
}

/* A file of another priority class does not join a batch of the same program. */
TEST_F_TIMEOUT(batch, other_priority_class_does_not_join, 120)
{
	struct other o;

	ASSERT_EQ(0, other_open(self, &o, self->ch.blob, self->ch.size, DRM_EDGEAI_PRIORITY_LOW));
	run_two_files(_metadata, self, &o, true, false);
	other_close(&o);
}

TEST_HARNESS_MAIN
