// SPDX-License-Identifier: GPL-2.0-only
/*
 * DRM_IOCTL_EDGEAI_SUBMIT and DRM_IOCTL_EDGEAI_WAIT with each kind of bad
 * input. Every variant starts from a valid two-buffer job (FILL slot 0,
 * COPY slot 0 -> slot 1), breaks one thing, and expects the documented
 * errno, an unchanged job_id, and a device that still runs the valid job.
 */
#include "edgeai_test.h"
#include "kselftest_harness.h"

#define BO_SIZE 16384ULL

struct job {
	struct drm_edgeai_submit s;
	struct drm_edgeai_bo_ref bos[DRM_EDGEAI_MAX_BOS + 2];
	struct drm_edgeai_cmd cmds[DRM_EDGEAI_MAX_CMDS + 2];
	uint32_t a, b, closed;
	uint64_t cores;
	int fd;
};

typedef void (*mutate_fn)(struct job *j);

FIXTURE(submit) {
	int fd;
	struct job j;
};

FIXTURE_VARIANT(submit) {
	mutate_fn mutate;
	int err;
};

static void job_init(struct job *j)
{
	memset(j->bos, 0, sizeof(j->bos));
	memset(j->cmds, 0, sizeof(j->cmds));
	j->bos[0].handle = j->a;
	j->bos[0].flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE;
	j->bos[1].handle = j->b;
	j->bos[1].flags = DRM_EDGEAI_BO_WRITE;
	j->cmds[0] = eai_cmd_fill(0, 0, BO_SIZE, 0x77);
	j->cmds[1] = eai_cmd_copy(1, 0, 0, 0, BO_SIZE);
	j->s = eai_submit_args(j->bos, 2, j->cmds, 2);
}

FIXTURE_SETUP(submit)
{
	self->fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->fd);
	self->j.fd = self->fd;
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CORE_COUNT, &self->j.cores));
	ASSERT_EQ(0, eai_bo_create(self->fd, BO_SIZE, &self->j.a));
	ASSERT_EQ(0, eai_bo_create(self->fd, BO_SIZE, &self->j.b));
	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &self->j.closed));
	ASSERT_EQ(0, eai_gem_close(self->fd, self->j.closed));
	job_init(&self->j);
}

FIXTURE_TEARDOWN(submit)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Mutations of the submit struct. */
static void m_none(struct job *j) { (void)j; }
static void m_flags(struct job *j) { j->s.flags = 1; }
static void m_flags_high(struct job *j) { j->s.flags = 1U << 31; }
static void m_pad(struct job *j) { j->s.pad = 1; }
static void m_program_handle(struct job *j) { j->s.program_handle = 1; }
static void m_pad2(struct job *j) { j->s.pad2 = 1; }
static void m_reserved(struct job *j) { j->s.batch_wait_us = 1U << 31; }
static void m_bo_count_0(struct job *j) { j->s.bo_count = 0; }
static void m_bo_count_max1(struct job *j)
{
	for (unsigned int i = 2; i < DRM_EDGEAI_MAX_BOS + 1; i++)
		j->bos[i] = j->bos[1];
	j->s.bo_count = DRM_EDGEAI_MAX_BOS + 1;
}
static void m_bo_count_huge(struct job *j) { j->s.bo_count = 0xffffffff; }
static void m_cmd_count_0(struct job *j) { j->s.cmd_count = 0; }
static void m_cmd_count_max1(struct job *j)
{
	for (unsigned int i = 2; i < DRM_EDGEAI_MAX_CMDS + 1; i++)
		j->cmds[i] = j->cmds[0];
	j->s.cmd_count = DRM_EDGEAI_MAX_CMDS + 1;
}
static void m_cmd_count_huge(struct job *j) { j->s.cmd_count = 0x80000000; }
static void m_cmd_size_0(struct job *j) { j->s.cmd_size = 0; }
static void m_cmd_size_small(struct job *j) { j->s.cmd_size = sizeof(struct drm_edgeai_cmd) - 8; }
static void m_cmd_size_big(struct job *j) { j->s.cmd_size = sizeof(struct drm_edgeai_cmd) + 8; }
static void m_cmd_size_huge(struct job *j) { j->s.cmd_size = 0xffffffff; }
static void m_core_oob(struct job *j) { j->s.core = (uint32_t)j->cores; }
static void m_core_big(struct job *j) { j->s.core = 0xfffffffe; }
static void m_in_syncobj(struct job *j) { j->s.in_syncobj = 0x7777; }
static void m_out_syncobj(struct job *j) { j->s.out_syncobj = 0x7777; }
static void m_bos_ptr(struct job *j) { j->s.bos = 16; }
static void m_cmds_ptr(struct job *j) { j->s.cmds = 16; }
static void m_bos_ptr_kernel(struct job *j) { j->s.bos = 0xffff800000000000ULL; }
/* Mutations of the buffer list. */
static void m_ref_handle_0(struct job *j) { j->bos[1].handle = 0; }
static void m_ref_unknown(struct job *j) { j->bos[1].handle = j->b + 1000; }
static void m_ref_closed(struct job *j) { j->bos[1].handle = j->closed; }
static void m_ref_flags_0(struct job *j) { j->bos[1].flags = 0; }
static void m_ref_flags_bad(struct job *j) { j->bos[1].flags |= 1U << 2; }
/* Mutations of the commands. */
static void m_op_bad(struct job *j) { j->cmds[1].op = DRM_EDGEAI_CMD_FILL + 1; }
static void m_op_huge(struct job *j) { j->cmds[0].op = 0xffffffff; }
static void m_cmd_flags(struct job *j) { j->cmds[1].flags = 1; }
static void m_cmd_pad(struct job *j) { j->cmds[0].pad = 1; }
static void m_dst_slot(struct job *j) { j->cmds[1].dst_slot = 2; }
static void m_dst_slot_huge(struct job *j) { j->cmds[0].dst_slot = 0xffffffff; }
static void m_src_slot(struct job *j) { j->cmds[1].src_slot = 2; }
static void m_size_0(struct job *j) { j->cmds[0].size = 0; }
static void m_size_past_end(struct job *j) { j->cmds[0].size = BO_SIZE + 1; }
static void m_size_huge(struct job *j) { j->cmds[0].size = UINT64_MAX; }
static void m_dst_off_past_end(struct job *j) { j->cmds[0].dst_offset = BO_SIZE; j->cmds[0].size = 1; }
static void m_dst_off_overflow(struct job *j)
{
	j->cmds[0].dst_offset = UINT64_MAX - 15;
	j->cmds[0].size = 32;
}
static void m_src_off_overflow(struct job *j)
{
	j->cmds[1].src_offset = UINT64_MAX - 4095;
	j->cmds[1].size = 8192;
}
static void m_src_off_past_end(struct job *j)
{
	j->cmds[1].src_offset = 4096;
	j->cmds[1].size = BO_SIZE - 4095;
}
static void m_fill_src_slot(struct job *j) { j->cmds[0].src_slot = 1; }
static void m_fill_src_off(struct job *j) { j->cmds[0].src_offset = 8; j->cmds[0].size = 8; }
static void m_copy_value(struct job *j) { j->cmds[1].value = 1; }
static void m_copy_overlap(struct job *j) { j->cmds[1] = eai_cmd_copy(0, 100, 0, 0, 200); }
static void m_dst_read_only(struct job *j) { j->bos[1].flags = DRM_EDGEAI_BO_READ; }
static void m_src_write_only(struct job *j) { j->bos[0].flags = DRM_EDGEAI_BO_WRITE; }
/* Valid edge cases (expected to succeed). */
static void m_copy_same_bo_disjoint(struct job *j) { j->cmds[1] = eai_cmd_copy(0, 8192, 0, 0, 8192); }
static void m_core_0(struct job *j) { j->s.core = 0; }
static void m_core_last(struct job *j) { j->s.core = (uint32_t)j->cores - 1; }
static void m_cmd_count_max(struct job *j)
{
	for (unsigned int i = 2; i < DRM_EDGEAI_MAX_CMDS; i++)
		j->cmds[i] = eai_cmd_fill(1, i * 16, 16, (uint8_t)i);
	j->cmds[DRM_EDGEAI_MAX_CMDS - 1] = eai_cmd_copy(1, 0, 0, 0, 64);
	j->s.cmd_count = DRM_EDGEAI_MAX_CMDS;
}
static void m_bo_count_max(struct job *j)
{
	/* Distinct buffers: binding one buffer twice is not specified. */
	for (unsigned int i = 2; i < DRM_EDGEAI_MAX_BOS; i++) {
		j->bos[i].flags = DRM_EDGEAI_BO_READ;
		if (eai_bo_create(j->fd, 4096, &j->bos[i].handle))
			j->bos[i].handle = 0;
	}
	j->cmds[1] = eai_cmd_copy(1, 0, DRM_EDGEAI_MAX_BOS - 1, 0, 4096);
	j->s.bo_count = DRM_EDGEAI_MAX_BOS;
}

#define BAD(name, fn, e) \
	FIXTURE_VARIANT_ADD(submit, name) { .mutate = fn, .err = e, }

BAD(valid, m_none, 0);
BAD(valid_copy_same_bo_disjoint, m_copy_same_bo_disjoint, 0);
BAD(valid_core_0, m_core_0, 0);
BAD(valid_core_last, m_core_last, 0);
BAD(valid_cmd_count_max, m_cmd_count_max, 0);
BAD(valid_bo_count_max, m_bo_count_max, 0);
BAD(flags, m_flags, -EINVAL);
BAD(flags_high, m_flags_high, -EINVAL);
BAD(pad, m_pad, -EINVAL);
BAD(program_handle_without_program, m_program_handle, -EINVAL);
BAD(pad2, m_pad2, -EINVAL);
BAD(reserved, m_reserved, -EINVAL);
BAD(bo_count_0, m_bo_count_0, -EINVAL);
BAD(bo_count_max_plus_1, m_bo_count_max1, -EINVAL);
BAD(bo_count_huge, m_bo_count_huge, -EINVAL);
BAD(cmd_count_0, m_cmd_count_0, -EINVAL);
BAD(cmd_count_max_plus_1, m_cmd_count_max1, -EINVAL);
BAD(cmd_count_huge, m_cmd_count_huge, -EINVAL);
BAD(cmd_size_0, m_cmd_size_0, -EINVAL);
BAD(cmd_size_small, m_cmd_size_small, -EINVAL);
BAD(cmd_size_big, m_cmd_size_big, -EINVAL);
BAD(cmd_size_huge, m_cmd_size_huge, -EINVAL);
BAD(core_out_of_range, m_core_oob, -EINVAL);
BAD(core_huge, m_core_big, -EINVAL);
BAD(in_syncobj_unknown, m_in_syncobj, -ENOENT);
BAD(out_syncobj_unknown, m_out_syncobj, -ENOENT);
BAD(bos_bad_pointer, m_bos_ptr, -EFAULT);
BAD(bos_kernel_pointer, m_bos_ptr_kernel, -EFAULT);
BAD(cmds_bad_pointer, m_cmds_ptr, -EFAULT);
BAD(bo_handle_0, m_ref_handle_0, -EINVAL);
BAD(bo_handle_unknown, m_ref_unknown, -ENOENT);
BAD(bo_handle_closed, m_ref_closed, -ENOENT);
BAD(bo_flags_0, m_ref_flags_0, -EINVAL);
BAD(bo_flags_unknown, m_ref_flags_bad, -EINVAL);
BAD(cmd_op_unknown, m_op_bad, -EINVAL);
BAD(cmd_op_huge, m_op_huge, -EINVAL);
BAD(cmd_flags, m_cmd_flags, -EINVAL);
BAD(cmd_pad, m_cmd_pad, -EINVAL);
BAD(cmd_dst_slot, m_dst_slot, -EINVAL);
BAD(cmd_dst_slot_huge, m_dst_slot_huge, -EINVAL);
BAD(cmd_src_slot, m_src_slot, -EINVAL);
BAD(cmd_size_zero, m_size_0, -EINVAL);
BAD(cmd_size_past_end, m_size_past_end, -EINVAL);
BAD(cmd_size_u64_max, m_size_huge, -EINVAL);
BAD(cmd_dst_offset_past_end, m_dst_off_past_end, -EINVAL);
BAD(cmd_dst_offset_overflow, m_dst_off_overflow, -EINVAL);
BAD(cmd_src_offset_overflow, m_src_off_overflow, -EINVAL);
BAD(cmd_src_offset_past_end, m_src_off_past_end, -EINVAL);
BAD(fill_with_src_slot, m_fill_src_slot, -EINVAL);
BAD(fill_with_src_offset, m_fill_src_off, -EINVAL);
BAD(copy_with_value, m_copy_value, -EINVAL);
BAD(copy_overlap, m_copy_overlap, -EINVAL);
BAD(dst_bound_read_only, m_dst_read_only, -EINVAL);
BAD(src_bound_write_only, m_src_write_only, -EINVAL);

TEST_F(submit, errno_and_recovery)
{
	uint64_t id;
	int32_t status = 1;
	int ret;

	variant->mutate(&self->j);
	self->j.s.job_id = 0x5555;
	ret = eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_SUBMIT, &self->j.s);
	ASSERT_EQ(variant->err, ret) TH_LOG("submit returned %d (%s), want %d", ret,
					    strerror(-ret), variant->err);
	if (variant->err) {
		EXPECT_EQ(0x5555, self->j.s.job_id) TH_LOG("job_id written on failure");
	} else {
		EXPECT_NE(0x5555, self->j.s.job_id);
		EXPECT_LT(0, self->j.s.job_id);
		ASSERT_EQ(0, eai_wait(self->fd, self->j.s.job_id, eai_deadline_ms(10000),
				      &status, NULL));
		EXPECT_EQ(0, status);
	}

	/* The same file still runs the valid job, and the bytes are right. */
	job_init(&self->j);
	ASSERT_EQ(0, eai_submit(self->fd, &self->j.s, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(10000), &status, NULL));
	EXPECT_EQ(0, status);
	{
		uint64_t sz;
		uint8_t *p = eai_bo_map(self->fd, self->j.b, &sz);

		ASSERT_NE(NULL, p);
		ASSERT_EQ(0, eai_bo_prep(self->fd, self->j.b, DRM_EDGEAI_PREP_READ, 0));
		EXPECT_TRUE(eai_all_bytes(p, BO_SIZE, 0x77));
		EXPECT_EQ(0, eai_bo_fini(self->fd, self->j.b));
		munmap(p, sz);
	}
}

/* The command stream of the max-count job really ran, in order. */
TEST(cmd_order)
{
	int fd = eai_open_type(DRM_EDGEAI_DEVICE_NPU);
	struct drm_edgeai_cmd cmds[4];
	struct drm_edgeai_bo_ref ref;
	uint64_t sz;
	uint32_t h;
	uint8_t *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, eai_bo_create(fd, 8192, &h));
	ref.handle = h;
	ref.flags = DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE;
	cmds[0] = eai_cmd_fill(0, 0, 8192, 0x10);
	cmds[1] = eai_cmd_fill(0, 100, 50, 0x20);
	cmds[2] = eai_cmd_copy(0, 4096, 0, 0, 200);
	cmds[3] = eai_cmd_fill(0, 0, 1, 0x30);
	ASSERT_EQ(0, eai_run(fd, &ref, 1, cmds, 4));
	p = eai_bo_map(fd, h, &sz);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, eai_bo_prep(fd, h, DRM_EDGEAI_PREP_READ, 0));
	EXPECT_EQ(0x30, p[0]);
	EXPECT_EQ(0x10, p[1]);
	EXPECT_EQ(0x10, p[99]);
	EXPECT_TRUE(eai_all_bytes(p + 100, 50, 0x20));
	EXPECT_EQ(0x10, p[150]);
	EXPECT_EQ(0x10, p[4096]) TH_LOG("copy ran before the last fill: it copies byte 0 = 0x10");
	EXPECT_TRUE(eai_all_bytes(p + 4096 + 100, 50, 0x20));
	EXPECT_EQ(0x10, p[4096 + 200]);
	EXPECT_TRUE(eai_all_bytes(p + 4096 + 200, 8192 - 4096 - 200, 0x10));
	eai_bo_fini(fd, h);
	munmap(p, sz);
	close(fd);
}

FIXTURE(wait) {
	int fd;
	uint64_t last;
};

FIXTURE_SETUP(wait)
{
	uint32_t h;
	struct drm_edgeai_bo_ref ref;
	struct drm_edgeai_cmd cmd;
	struct drm_edgeai_submit s;

	self->fd = eai_open_type(DRM_EDGEAI_DEVICE_DSP);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &h));
	ref.handle = h;
	ref.flags = DRM_EDGEAI_BO_WRITE;
	cmd = eai_cmd_fill(0, 0, 4096, 3);
	s = eai_submit_args(&ref, 1, &cmd, 1);
	ASSERT_EQ(0, eai_submit(self->fd, &s, &self->last));
}

FIXTURE_TEARDOWN(wait)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(wait, good)
{
	int32_t status = 99;
	uint64_t t = 0;

	/* Ids start at 1 for each file. */
	EXPECT_EQ(1, self->last);
	ASSERT_EQ(0, eai_wait(self->fd, self->last, eai_deadline_ms(10000), &status, &t));
	EXPECT_EQ(0, status);
	EXPECT_LT(0, t) TH_LOG("device time of a finished job is 0");
	/* Polling a finished job, and a deadline in the past, both succeed. */
	status = 99;
	EXPECT_EQ(0, eai_wait(self->fd, self->last, 0, &status, NULL));
	EXPECT_EQ(0, status);
	status = 99;
	EXPECT_EQ(0, eai_wait(self->fd, self->last, 1, &status, NULL));
	EXPECT_EQ(0, status);
}

TEST_F(wait, bad)
{
	struct drm_edgeai_wait w;

	ASSERT_EQ(0, eai_wait(self->fd, self->last, eai_deadline_ms(10000), NULL, NULL));

	memset(&w, 0, sizeof(w));
	w.status = 1234;
	w.device_time_ns = 5678;
	w.job_id = 0;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_WAIT, &w)) TH_LOG("job id 0");
	EXPECT_EQ(1234, w.status);
	EXPECT_EQ(5678, w.device_time_ns);
	w.job_id = self->last + 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_WAIT, &w)) TH_LOG("future id");
	EXPECT_EQ(1234, w.status);
	w.job_id = UINT64_MAX;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_WAIT, &w));
	w.job_id = self->last;
	w.flags = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_WAIT, &w)) TH_LOG("flags");
	EXPECT_EQ(1234, w.status);
	EXPECT_EQ(5678, w.device_time_ns);
	EXPECT_EQ(-EFAULT, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_WAIT, (void *)8));

	/* Job ids belong to the file: another file has no job 1. */
	{
		int fd2 = eai_open_type(DRM_EDGEAI_DEVICE_DSP);

		ASSERT_LE(0, fd2);
		memset(&w, 0, sizeof(w));
		w.job_id = self->last;
		EXPECT_EQ(-EINVAL, eai_ioctl(fd2, DRM_IOCTL_EDGEAI_WAIT, &w));
		close(fd2);
	}
	EXPECT_EQ(0, eai_device_works(self->fd, 0x44));
}

/* Results older than DRM_EDGEAI_JOB_HISTORY jobs are gone: -ENOENT. */
TEST_F_TIMEOUT(wait, history, 120)
{
	struct drm_edgeai_bo_ref ref;
	struct drm_edgeai_cmd cmd;
	struct drm_edgeai_submit s;
	uint64_t id = 0;
	uint32_t h;
	int32_t status;

	ASSERT_EQ(0, eai_bo_create(self->fd, 4096, &h));
	ref.handle = h;
	ref.flags = DRM_EDGEAI_BO_WRITE;
	cmd = eai_cmd_fill(0, 0, 64, 9);
	for (unsigned int i = 0; i < DRM_EDGEAI_JOB_HISTORY + 8; i++) {
		s = eai_submit_args(&ref, 1, &cmd, 1);
		ASSERT_EQ(0, eai_submit(self->fd, &s, &id));
		if (i % 128 == 127)
			ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(20000), NULL, NULL));
	}
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(20000), &status, NULL));
	EXPECT_EQ(0, status);
	EXPECT_EQ(-ENOENT, eai_wait(self->fd, 1, 0, NULL, NULL));
	/* The most recent ones are still known. */
	EXPECT_EQ(0, eai_wait(self->fd, id - DRM_EDGEAI_JOB_HISTORY + 1, 0, &status, NULL));
	EXPECT_EQ(0, status);
}

TEST_HARNESS_MAIN
