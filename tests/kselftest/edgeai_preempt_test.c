// SPDX-License-Identifier: GPL-2.0-only
/*
 * Preemption at op boundaries (uAPI 1.4): a program of a LOW client on NPU
 * core 0 is preempted by the jobs of a NORMAL client on the same core, many
 * times (counted by the driver: the file's "edgeai-preemptions-npu" fdinfo
 * key and debugfs "preemptions"), and its output stays byte for byte that
 * of an uninterrupted run; its device time does not include the time it
 * was preempted. A preempted program whose file is closed still completes
 * to the same bytes. A preempting job that hangs resets the core: it ends
 * with -ETIMEDOUT, the preempted program with -ECANCELED, and the core and
 * the innocent file work afterwards.
 */
#include "edgeai_test.h"
#include <drm/edgeai_program.h>

#include "kselftest_harness.h"

#include "edgeai_chain_lib.h"
#include "edgeai_pm_lib.h"

/* The chain: enough ops that the host takes a while to run them. */
#define CH_OPS	96
#define CH_H	16
#define CH_W	16
#define CH_C	8
/* The preempting job: a FILL of this many bytes. */
#define HP_BYTES	(1u << 20)

FIXTURE(preempt) {
	int lp, hp, minor;
	struct eai_chain ch;
	uint32_t prog, in, out, hp_bo;
	uint8_t *in_map, *out_map, *ref;
	uint64_t in_size, out_size;
};

static int lp_submit(FIXTURE_DATA(preempt) *self, int fd, uint32_t prog,
		     uint32_t in, uint32_t out, uint64_t *id)
{
	struct drm_edgeai_bo_ref bos[2] = {
		{ .handle = in, .flags = DRM_EDGEAI_BO_READ },
		{ .handle = out, .flags = DRM_EDGEAI_BO_WRITE },
	};
	struct drm_edgeai_submit s = {
		.bos = (uintptr_t)bos, .bo_count = 2, .core = 0,
		.flags = DRM_EDGEAI_SUBMIT_PROGRAM, .program_handle = prog,
	};

	(void)self;
	return eai_submit(fd, &s, id);
}

/* One job of the NORMAL client on core 0: FILL its buffer with @v. */
static int hp_submit(FIXTURE_DATA(preempt) *self, uint8_t v, uint64_t *id)
{
	struct drm_edgeai_bo_ref bo = {
		.handle = self->hp_bo, .flags = DRM_EDGEAI_BO_WRITE,
	};
	struct drm_edgeai_cmd cmd = eai_cmd_fill(0, 0, HP_BYTES, v);
	struct drm_edgeai_submit s = eai_submit_args(&bo, 1, &cmd, 1);

	s.core = 0;
	return eai_submit(self->hp, &s, id);
}

static int lp_done(int fd, uint64_t id, int32_t *status, uint64_t *dev)
{
	return eai_wait(fd, id, 0, status, dev);
}

static long long preemptions(int minor)
{
	uint64_t n;

	return eai_debugfs_u64(minor, "preemptions", &n) ? -1 : (long long)n;
}

FIXTURE_SETUP(preempt)
{
	uint64_t caps = 0;

	memset(self, 0, sizeof(*self));
	self->lp = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	if (self->lp < 0)
		SKIP(return, "no NPU device");
	self->minor = eai_fd_minor(self->lp);
	ASSERT_EQ(0, eai_get_param(self->lp, DRM_EDGEAI_PARAM_CAPABILITIES, &caps));
	if (!(caps & DRM_EDGEAI_CAP_PREEMPT))
		SKIP(return, "the NPU does not preempt (arb_preempt=0?)");
	/* Device times of the program are compared across the test. */
	ASSERT_EQ(0, eai_devfreq_pin(self->minor)) TH_LOG("cannot pin the NPU's clock");
	self->hp = eai_open_minor(self->minor);
	ASSERT_LE(0, self->hp);
	/* LOW needs no privilege: the NORMAL client is the higher class. */
	ASSERT_EQ(0, eai_set_policy(self->lp, 0, DRM_EDGEAI_POLICY_PRIORITY,
				    DRM_EDGEAI_PRIORITY_LOW, 0, 0, 0));

	ASSERT_EQ(0, eai_chain_build(&self->ch, CH_OPS, CH_H, CH_W, CH_C, 1));
	ASSERT_EQ(0, eai_program_create(self->lp, self->ch.blob, self->ch.size, &self->prog));
	ASSERT_EQ(0, eai_bo_create(self->lp, self->ch.in_bytes, &self->in));
	ASSERT_EQ(0, eai_bo_create(self->lp, self->ch.out_bytes, &self->out));
	ASSERT_EQ(0, eai_bo_create(self->hp, HP_BYTES, &self->hp_bo));
	self->in_map = eai_bo_map(self->lp, self->in, &self->in_size);
	ASSERT_NE(NULL, self->in_map);
	self->out_map = eai_bo_map(self->lp, self->out, &self->out_size);
	ASSERT_NE(NULL, self->out_map);
	eai_chain_input(self->in_map, self->ch.in_bytes, 1);
	self->ref = malloc(self->ch.out_bytes);
	ASSERT_NE(NULL, self->ref);
}

FIXTURE_TEARDOWN(preempt)
{
	if (self->in_map)
		munmap(self->in_map, self->in_size);
	if (self->out_map)
		munmap(self->out_map, self->out_size);
	free(self->ref);
	free(self->ch.blob);
	if (self->hp >= 0)
		close(self->hp);
	if (self->lp >= 0) {
		eai_devfreq_unpin(self->minor);
		close(self->lp);
	}
}

/* The uninterrupted run: the reference bytes and device time. */
static void reference(struct __test_metadata *_metadata,
		      FIXTURE_DATA(preempt) *self, uint64_t *dev)
{
	long long before = eai_fdinfo_ll(self->lp, "edgeai-preemptions-npu");
	int32_t status = 1;
	uint64_t id;
	uint32_t i;

	memset(self->out_map, 0x5a, self->ch.out_bytes);
	ASSERT_EQ(0, lp_submit(self, self->lp, self->prog, self->in, self->out, &id));
	ASSERT_EQ(0, eai_wait(self->lp, id, eai_deadline_ms(60000), &status, dev));
	ASSERT_EQ(0, status);
	ASSERT_EQ(0, eai_bo_prep(self->lp, self->out, DRM_EDGEAI_PREP_READ,
				 eai_deadline_ms(5000)));
	memcpy(self->ref, self->out_map, self->ch.out_bytes);
	eai_bo_fini(self->lp, self->out);
	ASSERT_EQ(before, eai_fdinfo_ll(self->lp, "edgeai-preemptions-npu"))
		TH_LOG("a program alone on its core was preempted");
	/* Every op wrote its output: no tensor is still the fill pattern. */
	for (i = 0; i < self->ch.ops; i++) {
		ASSERT_FALSE(eai_all_bytes(self->ref + i * self->ch.tensor_bytes,
					   self->ch.tensor_bytes, 0x5a))
			TH_LOG("op %u wrote nothing", i);
	}
	/* The chain is not degenerate: the last output is not constant. */
	ASSERT_FALSE(eai_all_bytes(self->ref + (self->ch.ops - 1) * self->ch.tensor_bytes,
				   self->ch.tensor_bytes,
				   self->ref[(self->ch.ops - 1) * self->ch.tensor_bytes]));
}

TEST_F(preempt, uapi_1_4_cap)
{
	char name[64];
	drm_version_t v = { .name = name, .name_len = sizeof(name) };

	ASSERT_EQ(0, eai_ioctl(self->lp, DRM_IOCTL_VERSION, &v));
	EXPECT_EQ(1, v.version_major);
	EXPECT_LE(4, v.version_minor);
	EXPECT_LE(0, eai_fdinfo_ll(self->lp, "edgeai-preemptions-npu"));
}

TEST_F_TIMEOUT(preempt, exact_results_preempted_many_times, 300)
{
	uint64_t ref_dev = 0, lp_dev = 0, hp_dev_sum = 0, id, hid, hdev;
	long long f0, f1, d0, d1;
	int32_t status = 1, hstatus;
	int round, jobs = 0, ret;
	uint8_t *hp_map;
	uint64_t hp_size;

	reference(_metadata, self, &ref_dev);
	hp_map = eai_bo_map(self->hp, self->hp_bo, &hp_size);
	ASSERT_NE(NULL, hp_map);

	f0 = eai_fdinfo_ll(self->lp, "edgeai-preemptions-npu");
	d0 = preemptions(self->minor);
	ASSERT_LE(0, d0);
	for (round = 0; round < 3; round++) {
		memset(self->out_map, 0x5a, self->ch.out_bytes);
		ASSERT_EQ(0, lp_submit(self, self->lp, self->prog, self->in,
				       self->out, &id));
		/* The NORMAL client's jobs until the program is done. */
		for (;;) {
			uint8_t v = (uint8_t)(jobs * 7 + 1);

			ASSERT_EQ(0, hp_submit(self, v, &hid));
			ASSERT_EQ(0, eai_wait(self->hp, hid, eai_deadline_ms(20000),
					      &hstatus, &hdev));
			ASSERT_EQ(0, hstatus);
			ASSERT_EQ(0, eai_bo_prep(self->hp, self->hp_bo,
						 DRM_EDGEAI_PREP_READ,
						 eai_deadline_ms(5000)));
			ASSERT_TRUE(eai_all_bytes(hp_map, HP_BYTES, v));
			eai_bo_fini(self->hp, self->hp_bo);
			hp_dev_sum += hdev;
			jobs++;
			ret = lp_done(self->lp, id, &status, &lp_dev);
			if (ret != -ETIME)
				break;
		}
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, status);
		ASSERT_EQ(0, eai_bo_prep(self->lp, self->out, DRM_EDGEAI_PREP_READ,
					 eai_deadline_ms(5000)));
		ASSERT_EQ(0, memcmp(self->ref, self->out_map, self->ch.out_bytes))
			TH_LOG("round %d: the preempted program's bytes differ", round);
		eai_bo_fini(self->lp, self->out);
		/* Its device time is its own, not that of the jobs it waited for. */
		EXPECT_LT(lp_dev, ref_dev * 2 + hp_dev_sum / 2)
			TH_LOG("round %d: device time %llu ns, alone %llu ns, preempting jobs %llu ns",
			       round, (unsigned long long)lp_dev,
			       (unsigned long long)ref_dev,
			       (unsigned long long)hp_dev_sum);
	}
	f1 = eai_fdinfo_ll(self->lp, "edgeai-preemptions-npu");
	d1 = preemptions(self->minor);
	TH_LOG("%d preempting jobs, %lld preemptions of the program", jobs, f1 - f0);
	EXPECT_LE(10, f1 - f0) TH_LOG("the program was hardly preempted");
	EXPECT_LE(f1 - f0, d1 - d0);
	/* The preempting client's own jobs are never preempted. */
	EXPECT_EQ(0, eai_fdinfo_ll(self->hp, "edgeai-preemptions-npu"));
	munmap(hp_map, hp_size);
}

TEST_F_TIMEOUT(preempt, file_closed_while_preempted, 300)
{
	uint64_t ref_dev = 0, hid;
	long long d0;
	int32_t hstatus = 1;
	int dmabuf = -1, i;
	uint32_t imported = 0;
	uint8_t *map;
	uint64_t size;

	reference(_metadata, self, &ref_dev);
	memset(self->out_map, 0x5a, self->ch.out_bytes);
	/* The NORMAL client sees the program's output through a dma-buf. */
	ASSERT_EQ(0, eai_prime_export(self->lp, self->out, &dmabuf));
	ASSERT_EQ(0, eai_prime_import(self->hp, dmabuf, &imported));
	close(dmabuf);

	d0 = preemptions(self->minor);
	{
		uint64_t id;

		ASSERT_EQ(0, lp_submit(self, self->lp, self->prog, self->in,
				       self->out, &id));
	}
	/* Preempt it, then close its file while it waits. */
	for (i = 0; i < 200 && preemptions(self->minor) == d0; i++) {
		ASSERT_EQ(0, hp_submit(self, 0x11, &hid));
		ASSERT_EQ(0, eai_wait(self->hp, hid, eai_deadline_ms(20000),
				      &hstatus, NULL));
		ASSERT_EQ(0, hstatus);
	}
	ASSERT_LT(d0, preemptions(self->minor)) TH_LOG("never preempted");
	ASSERT_EQ(0, hp_submit(self, 0x22, &hid));
	munmap(self->out_map, self->out_size);
	self->out_map = NULL;
	close(self->lp);
	self->lp = -1;
	ASSERT_EQ(0, eai_wait(self->hp, hid, eai_deadline_ms(20000), &hstatus, NULL));
	ASSERT_EQ(0, hstatus);

	/* The program still completes, to the same bytes. */
	map = eai_bo_map(self->hp, imported, &size);
	ASSERT_NE(NULL, map);
	ASSERT_EQ(0, eai_bo_prep(self->hp, imported, DRM_EDGEAI_PREP_READ,
				 eai_deadline_ms(60000)));
	EXPECT_EQ(0, memcmp(self->ref, map, self->ch.out_bytes));
	eai_bo_fini(self->hp, imported);
	munmap(map, size);
	EXPECT_EQ(0, eai_device_works(self->hp, 0x33));
}

TEST_F_TIMEOUT(preempt, preemptor_hangs_core_reset, 300)
{
	uint64_t ref_dev = 0, timeout_ms = 0, resets = 0, r = 0, id, hid;
	int32_t status = 1, hstatus = 1;
	long long d0;
	char path[256], delay[256];

	if (eai_debugfs_path(self->minor, "fault_hang", path, sizeof(path)) ||
	    eai_debugfs_path(self->minor, "host_delay_ms", delay, sizeof(delay)))
		SKIP(return, "no fault_hang or host_delay_ms knob");
	ASSERT_EQ(0, eai_get_param(self->lp, DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS, &timeout_ms));
	reference(_metadata, self, &ref_dev);
	ASSERT_EQ(0, eai_debugfs_u64(self->minor, "reset_count", &resets));
	d0 = preemptions(self->minor);

	/*
	 * The host takes a second before it executes the program's first op
	 * (host time, not device time): on a fast host the whole program
	 * would otherwise end before the preemptor comes. Let it start, then
	 * the next job to start hangs.
	 */
	ASSERT_EQ(0, eai_write_file(delay, "1000"));
	ASSERT_EQ(0, lp_submit(self, self->lp, self->prog, self->in, self->out, &id));
	eai_sleep_ms(200);
	ASSERT_EQ(0, eai_write_file(delay, "0"));
	ASSERT_EQ(-ETIME, lp_done(self->lp, id, &status, NULL))
		TH_LOG("the program ended too soon for this test");
	ASSERT_EQ(0, eai_write_file(path, "1"));
	ASSERT_EQ(0, hp_submit(self, 0x44, &hid));
	ASSERT_EQ(0, eai_wait(self->hp, hid, eai_deadline_ms(timeout_ms * 3 + 20000),
			      &hstatus, NULL));
	eai_write_file(path, "0");
	EXPECT_EQ(-ETIMEDOUT, hstatus);
	ASSERT_EQ(0, eai_wait(self->lp, id, eai_deadline_ms(20000), &status, NULL));
	EXPECT_EQ(-ECANCELED, status) TH_LOG("the preempted program: %d", status);
	EXPECT_LT(d0, preemptions(self->minor));
	ASSERT_EQ(0, eai_debugfs_u64(self->minor, "reset_count", &r));
	EXPECT_EQ(resets + 1, r);
	/* The hung job's file is guilty; the preempted one's is not. */
	EXPECT_EQ(-EBADFD, hp_submit(self, 0x55, &hid));
	memset(self->out_map, 0x5a, self->ch.out_bytes);
	ASSERT_EQ(0, lp_submit(self, self->lp, self->prog, self->in, self->out, &id));
	ASSERT_EQ(0, eai_wait(self->lp, id, eai_deadline_ms(60000), &status, NULL));
	ASSERT_EQ(0, status);
	ASSERT_EQ(0, eai_bo_prep(self->lp, self->out, DRM_EDGEAI_PREP_READ,
				 eai_deadline_ms(5000)));
	EXPECT_EQ(0, memcmp(self->ref, self->out_map, self->ch.out_bytes));
	eai_bo_fini(self->lp, self->out);
}

TEST_HARNESS_MAIN
