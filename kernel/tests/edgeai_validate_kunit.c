// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * KUnit suite "edgeai_validate": every rule of edgeai_check_submit(),
 * edgeai_check_bo_ref() and edgeai_check_cmd(), including offset + size
 * ranges that wrap around u64, and edgeai_cmd_bytes().
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/string.h>

#include "edgeai_validate.h"

#define R	DRM_EDGEAI_BO_READ
#define W	DRM_EDGEAI_BO_WRITE
#define CORES	2

/* ---- edgeai_check_submit() ---- */

static struct drm_edgeai_submit t_submit(void)
{
	return (struct drm_edgeai_submit) {
		.bos = 0x1000,
		.cmds = 0x2000,
		.bo_count = 2,
		.cmd_count = 1,
		.cmd_size = sizeof(struct drm_edgeai_cmd),
		.core = DRM_EDGEAI_CORE_ANY,
	};
}

struct submit_case {
	const char *name;
	void (*edit)(struct drm_edgeai_submit *s);
	bool uring;
	const char *reason;	/* NULL: valid */
};

#define SUBMIT_EDIT(fn, stmt) \
	static void fn(struct drm_edgeai_submit *s) { stmt; }

SUBMIT_EDIT(s_nothing, (void)s)
SUBMIT_EDIT(s_bo_count_0, s->bo_count = 0)
SUBMIT_EDIT(s_bo_count_1, s->bo_count = 1)
SUBMIT_EDIT(s_bo_count_max, s->bo_count = DRM_EDGEAI_MAX_BOS)
SUBMIT_EDIT(s_bo_count_over, s->bo_count = DRM_EDGEAI_MAX_BOS + 1)
SUBMIT_EDIT(s_bo_count_huge, s->bo_count = U32_MAX)
SUBMIT_EDIT(s_cmd_count_0, s->cmd_count = 0)
SUBMIT_EDIT(s_cmd_count_max, s->cmd_count = DRM_EDGEAI_MAX_CMDS)
SUBMIT_EDIT(s_cmd_count_over, s->cmd_count = DRM_EDGEAI_MAX_CMDS + 1)
SUBMIT_EDIT(s_cmd_count_huge, s->cmd_count = U32_MAX)
SUBMIT_EDIT(s_cmd_size_0, s->cmd_size = 0)
SUBMIT_EDIT(s_cmd_size_small, s->cmd_size = sizeof(struct drm_edgeai_cmd) - 8)
SUBMIT_EDIT(s_cmd_size_big, s->cmd_size = sizeof(struct drm_edgeai_cmd) + 8)
SUBMIT_EDIT(s_cmd_size_huge, s->cmd_size = U32_MAX)
SUBMIT_EDIT(s_core_0, s->core = 0)
SUBMIT_EDIT(s_core_last, s->core = CORES - 1)
SUBMIT_EDIT(s_core_count, s->core = CORES)
SUBMIT_EDIT(s_core_any_minus_1, s->core = DRM_EDGEAI_CORE_ANY - 1)
SUBMIT_EDIT(s_flags_bit0, s->flags = 1)
SUBMIT_EDIT(s_flags_bit31, s->flags = BIT(31))
SUBMIT_EDIT(s_flags_bit1, s->flags = BIT(1))
SUBMIT_EDIT(s_prog, { s->flags = DRM_EDGEAI_SUBMIT_PROGRAM; s->cmds = 0;
		      s->cmd_count = 0; s->program_handle = 5; })
SUBMIT_EDIT(s_prog_cmds, { s->flags = DRM_EDGEAI_SUBMIT_PROGRAM;
			   s->cmd_count = 0; s->program_handle = 5; })
SUBMIT_EDIT(s_prog_handle_0, { s->flags = DRM_EDGEAI_SUBMIT_PROGRAM;
			       s->cmds = 0; s->cmd_count = 0; })
/* What 1.2's reserved[0] = 1ULL << 32 is in the 1.3 layout. */
SUBMIT_EDIT(s_prog_handle_huge, { s->flags = DRM_EDGEAI_SUBMIT_PROGRAM;
				  s->cmds = 0; s->cmd_count = 0;
				  s->pad2 = 1; })
SUBMIT_EDIT(s_prog_pad2, { s->flags = DRM_EDGEAI_SUBMIT_PROGRAM;
			   s->cmds = 0; s->cmd_count = 0;
			   s->program_handle = 5; s->pad2 = 1; })
SUBMIT_EDIT(s_prog_reserved, { s->flags = DRM_EDGEAI_SUBMIT_PROGRAM;
			       s->cmds = 0; s->cmd_count = 0;
			       s->program_handle = 5; s->batch_max = 1; })
#define S_PROG_BATCH(max, wait) { \
	s->flags = DRM_EDGEAI_SUBMIT_PROGRAM | DRM_EDGEAI_SUBMIT_BATCH; \
	s->cmds = 0; s->cmd_count = 0; s->program_handle = 5; \
	s->batch_max = (max); s->batch_wait_us = (wait); }
SUBMIT_EDIT(s_batch, S_PROG_BATCH(2, 0))
SUBMIT_EDIT(s_batch_limits,
	    S_PROG_BATCH(DRM_EDGEAI_MAX_BATCH, DRM_EDGEAI_MAX_BATCH_WAIT_US))
SUBMIT_EDIT(s_batch_max_0, S_PROG_BATCH(0, 100))
SUBMIT_EDIT(s_batch_max_1, S_PROG_BATCH(1, 100))
SUBMIT_EDIT(s_batch_max_over, S_PROG_BATCH(DRM_EDGEAI_MAX_BATCH + 1, 100))
SUBMIT_EDIT(s_batch_wait_over, S_PROG_BATCH(4, DRM_EDGEAI_MAX_BATCH_WAIT_US + 1))
SUBMIT_EDIT(s_batch_cmds, { s->flags = DRM_EDGEAI_SUBMIT_BATCH;
			    s->batch_max = 4; })
SUBMIT_EDIT(s_batch_wait_no_flag, s->batch_wait_us = 1)
SUBMIT_EDIT(s_pad, s->pad = 1)
SUBMIT_EDIT(s_handle_with_cmds, s->program_handle = 1)
SUBMIT_EDIT(s_pad2, s->pad2 = BIT(31))
SUBMIT_EDIT(s_reserved, s->batch_wait_us = BIT(31))
SUBMIT_EDIT(s_job_id, s->job_id = 42)
SUBMIT_EDIT(s_syncobjs, { s->in_syncobj = 7; s->out_syncobj = 9; })

static const char R_BOCOUNT[] = "submit: bo_count out of range";
static const char R_CMDCOUNT[] = "submit: cmd_count out of range";
static const char R_CMDSIZE[] = "submit: unsupported cmd_size";
static const char R_CORE[] = "submit: no such core";
static const char R_BATCHF[] = "submit: batch fields without the batch flag";

static const struct submit_case submit_cases[] = {
	{ "valid", s_nothing },
	{ "valid_uring", s_nothing, true },
	{ "bo_count_0", s_bo_count_0, false, R_BOCOUNT },
	{ "bo_count_1", s_bo_count_1 },
	{ "bo_count_max", s_bo_count_max },
	{ "bo_count_max_plus_1", s_bo_count_over, false, R_BOCOUNT },
	{ "bo_count_u32_max", s_bo_count_huge, false, R_BOCOUNT },
	{ "cmd_count_0", s_cmd_count_0, false, R_CMDCOUNT },
	{ "cmd_count_max", s_cmd_count_max },
	{ "cmd_count_max_plus_1", s_cmd_count_over, false, R_CMDCOUNT },
	{ "cmd_count_u32_max", s_cmd_count_huge, true, R_CMDCOUNT },
	{ "cmd_size_0", s_cmd_size_0, false, R_CMDSIZE },
	{ "cmd_size_smaller", s_cmd_size_small, false, R_CMDSIZE },
	{ "cmd_size_larger", s_cmd_size_big, false, R_CMDSIZE },
	{ "cmd_size_u32_max", s_cmd_size_huge, true, R_CMDSIZE },
	{ "core_0", s_core_0 },
	{ "core_last", s_core_last },
	{ "core_equal_to_count", s_core_count, false, R_CORE },
	{ "core_any_minus_1", s_core_any_minus_1, true, R_CORE },
	{ "flags_bit0_with_cmds", s_flags_bit0, false, "submit: commands with a program" },
	{ "flags_bit1", s_flags_bit1, false, "submit: batch without a program" },
	{ "batch", s_batch },
	{ "batch_uring_limits", s_batch_limits, true },
	{ "batch_max_0", s_batch_max_0, false, "submit: batch_max out of range" },
	{ "batch_max_1", s_batch_max_1, false, "submit: batch_max out of range" },
	{ "batch_max_over", s_batch_max_over, true, "submit: batch_max out of range" },
	{ "batch_wait_over", s_batch_wait_over, false,
	  "submit: batch_wait_us out of range" },
	{ "batch_with_cmds", s_batch_cmds, false, "submit: batch without a program" },
	{ "program", s_prog },
	{ "program_uring", s_prog, true },
	{ "program_with_cmds_pointer", s_prog_cmds, false,
	  "submit: commands with a program" },
	{ "program_handle_0", s_prog_handle_0, false, "submit: bad program handle" },
	{ "program_handle_above_u32", s_prog_handle_huge, true,
	  "submit: bad program handle" },
	{ "program_pad2", s_prog_pad2, true, "submit: pad2 is not zero" },
	{ "program_batch_max_without_flag", s_prog_reserved, false, R_BATCHF },
	{ "flags_bit31", s_flags_bit31, true, "submit: unknown flags" },
	{ "pad", s_pad, false, "submit: pad is not zero" },
	{ "program_handle_with_cmds", s_handle_with_cmds, false,
	  "submit: program_handle without a program" },
	{ "pad2", s_pad2, false, "submit: pad2 is not zero" },
	{ "batch_wait_us_without_flag", s_reserved, true, R_BATCHF },
	{ "batch_wait_us_1_without_flag", s_batch_wait_no_flag, false, R_BATCHF },
	/* job_id is an output of the ioctl: its input value does not matter. */
	{ "job_id_ioctl", s_job_id },
	{ "job_id_uring", s_job_id, true, "submit: job_id is not zero (io_uring)" },
	{ "syncobjs", s_syncobjs, true },
};

static void submit_case_desc(const struct submit_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(submit_case, submit_cases, submit_case_desc);

static void edgeai_validate_submit(struct kunit *test)
{
	const struct submit_case *c = test->param_value;
	struct drm_edgeai_submit s = t_submit();
	const char *reason = "untouched";
	int ret;

	c->edit(&s);
	ret = edgeai_check_submit(&s, CORES, c->uring, &reason);
	if (c->reason) {
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		KUNIT_EXPECT_STREQ(test, reason, c->reason);
	} else {
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_EXPECT_STREQ(test, reason, "untouched");
	}
	/* A NULL reason pointer gives the same answer. */
	KUNIT_EXPECT_EQ(test, ret, edgeai_check_submit(&s, CORES, c->uring, NULL));
}

/*
 * uAPI 1.2 declared program_handle, pad2 and reserved as __u64 reserved[2]
 * and took the program handle from reserved[0]: such a submit is the same
 * bytes as a 1.3 one (little-endian) and passes the same checks.
 */
static void edgeai_validate_submit_1_2_layout(struct kunit *test)
{
	struct drm_edgeai_submit s = t_submit();
	u64 reserved_1_2[2] = { 5, 0 };

	if (IS_ENABLED(CONFIG_CPU_BIG_ENDIAN))
		kunit_skip(test, "1.2 binaries keep working on little-endian only");
	KUNIT_ASSERT_EQ(test, sizeof(s), 56 + sizeof(reserved_1_2));
	s.flags = DRM_EDGEAI_SUBMIT_PROGRAM;
	s.cmds = 0;
	s.cmd_count = 0;
	memcpy((u8 *)&s + 56, reserved_1_2, sizeof(reserved_1_2));
	KUNIT_EXPECT_EQ(test, s.program_handle, 5);
	KUNIT_EXPECT_EQ(test, s.pad2, 0);
	KUNIT_EXPECT_EQ(test, s.batch_max, 0);
	KUNIT_EXPECT_EQ(test, s.batch_wait_us, 0);
	KUNIT_EXPECT_EQ(test, 0, edgeai_check_submit(&s, CORES, false, NULL));

	/* A handle above 32 bits, or reserved[1], stays refused. */
	reserved_1_2[0] = BIT_ULL(32) | 5;
	memcpy((u8 *)&s + 56, reserved_1_2, sizeof(reserved_1_2));
	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_check_submit(&s, CORES, false, NULL));
	reserved_1_2[0] = 5;
	reserved_1_2[1] = 1;
	memcpy((u8 *)&s + 56, reserved_1_2, sizeof(reserved_1_2));
	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_check_submit(&s, CORES, false, NULL));
}

/* A device without cores accepts no core index, but still CORE_ANY. */
static void edgeai_validate_submit_no_cores(struct kunit *test)
{
	struct drm_edgeai_submit s = t_submit();
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, 0, edgeai_check_submit(&s, 0, false, &reason));
	s.core = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_check_submit(&s, 0, false, &reason));
	KUNIT_EXPECT_STREQ(test, reason, R_CORE);
}

/* ---- edgeai_check_bo_ref() ---- */

struct bo_ref_case {
	const char *name;
	struct drm_edgeai_bo_ref ref;
	const char *reason;
};

static const struct bo_ref_case bo_ref_cases[] = {
	{ "read", { .handle = 1, .flags = R } },
	{ "write", { .handle = 2, .flags = W } },
	{ "read_write", { .handle = U32_MAX, .flags = R | W } },
	{ "no_access", { .handle = 1, .flags = 0 }, "bo: neither read nor write access" },
	{ "unknown_flag_bit2", { .handle = 1, .flags = BIT(2) }, "bo: unknown flags" },
	{ "unknown_flag_with_read", { .handle = 1, .flags = R | BIT(2) }, "bo: unknown flags" },
	{ "unknown_flag_bit31", { .handle = 1, .flags = W | BIT(31) }, "bo: unknown flags" },
	{ "handle_0", { .handle = 0, .flags = R }, "bo: handle is zero" },
};

static void bo_ref_case_desc(const struct bo_ref_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bo_ref_case, bo_ref_cases, bo_ref_case_desc);

static void edgeai_validate_bo_ref(struct kunit *test)
{
	const struct bo_ref_case *c = test->param_value;
	const char *reason = "untouched";
	int ret;

	ret = edgeai_check_bo_ref(&c->ref, &reason);
	if (c->reason) {
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		KUNIT_EXPECT_STREQ(test, reason, c->reason);
	} else {
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_EXPECT_STREQ(test, reason, "untouched");
	}
	KUNIT_EXPECT_EQ(test, ret, edgeai_check_bo_ref(&c->ref, NULL));
}

/* ---- edgeai_check_cmd() ---- */

/*
 * The job's buffers, by slot: 0 read-write 4 KiB, 1 read-only 4 KiB,
 * 2 write-only 100 bytes, 3 read-write of U64_MAX bytes (to reach the
 * wrap-around cases that no real buffer could).
 */
static const u64 bo_size[] = { 4096, 4096, 100, U64_MAX };
static const u32 bo_flags[] = { R | W, R, W, R | W };
#define NBOS		ARRAY_SIZE(bo_size)
#define ALL_CMDS	(BIT(DRM_EDGEAI_CMD_COPY) | BIT(DRM_EDGEAI_CMD_FILL))

#define COPY(d, doff, s, soff, n) \
	{ .op = DRM_EDGEAI_CMD_COPY, .dst_slot = d, .dst_offset = doff, \
	  .src_slot = s, .src_offset = soff, .size = n }
#define FILL(d, doff, n, v) \
	{ .op = DRM_EDGEAI_CMD_FILL, .dst_slot = d, .dst_offset = doff, .size = n, .value = v }

struct cmd_case {
	const char *name;
	struct drm_edgeai_cmd cmd;
	u32 cmd_mask;		/* 0: ALL_CMDS */
	u32 bo_count;		/* 0: NBOS */
	const char *reason;	/* NULL: valid */
};

static const char R_DSTRANGE[] = "cmd: destination range outside the buffer";
static const char R_SRCRANGE[] = "cmd: source range outside the buffer";
static const char R_OVERLAP[] = "cmd: copy ranges overlap";

static const struct cmd_case cmd_cases[] = {
	/* valid commands */
	{ "copy", COPY(0, 0, 1, 0, 4096) },
	{ "copy_to_end", COPY(2, 50, 1, 4046, 50) },
	{ "fill", FILL(2, 0, 100, 0xa5) },
	{ "fill_value_0", FILL(0, 4095, 1, 0) },
	{ "fill_value_ff", FILL(0, 0, 1, 0xff) },
	{ "copy_same_bo_adjacent", COPY(0, 0, 0, 2048, 2048) },
	{ "copy_same_bo_adjacent_rev", COPY(0, 2048, 0, 0, 2048) },
	{ "copy_same_offsets_other_bo", COPY(0, 100, 1, 100, 200) },
	{ "fill_ends_at_u64_max", FILL(3, U64_MAX - 1, 1, 1) },
	{ "copy_ends_at_u64_max", COPY(3, U64_MAX - 16, 3, 0, 16) },
	{ "fill_only_mask", FILL(0, 0, 1, 0), BIT(DRM_EDGEAI_CMD_FILL) },

	/* op and mask */
	{ "op_unknown_2", { .op = 2, .dst_slot = 0, .size = 1 }, 0, 0, "cmd: unknown op" },
	{ "op_unknown_max", { .op = U32_MAX, .dst_slot = 0, .size = 1 }, 0, 0,
	  "cmd: unknown op" },
	{ "op_unknown_bit_in_mask", { .op = 5, .dst_slot = 0, .size = 1 }, U32_MAX, 0,
	  "cmd: unknown op" },
	{ "copy_not_in_mask", COPY(0, 0, 1, 0, 1), BIT(DRM_EDGEAI_CMD_FILL), 0,
	  "cmd: op not supported by the firmware" },
	{ "fill_not_in_mask", FILL(0, 0, 1, 0), BIT(DRM_EDGEAI_CMD_COPY), 0,
	  "cmd: op not supported by the firmware" },

	/* unused fields */
	{ "flags", { .op = DRM_EDGEAI_CMD_FILL, .flags = 1, .size = 1 }, 0, 0,
	  "cmd: unknown flags" },
	{ "pad", { .op = DRM_EDGEAI_CMD_COPY, .pad = 1, .src_slot = 1, .size = 1 }, 0, 0,
	  "cmd: pad is not zero" },
	{ "fill_src_slot", { .op = DRM_EDGEAI_CMD_FILL, .src_slot = 1, .size = 1 }, 0, 0,
	  "cmd: fill with a source" },
	{ "fill_src_offset", { .op = DRM_EDGEAI_CMD_FILL, .src_offset = 8, .size = 1 }, 0, 0,
	  "cmd: fill with a source" },
	{ "fill_value_0x100", FILL(0, 0, 1, 0x100), 0, 0, "cmd: fill value above 0xff" },
	{ "fill_value_max", FILL(0, 0, 1, U32_MAX), 0, 0, "cmd: fill value above 0xff" },
	{ "copy_value", { .op = DRM_EDGEAI_CMD_COPY, .src_slot = 1, .size = 1, .value = 1 },
	  0, 0, "cmd: copy with a value" },

	/* size and slots */
	{ "size_0_fill", FILL(0, 0, 0, 0), 0, 0, "cmd: size is zero" },
	{ "size_0_copy", COPY(0, 0, 1, 0, 0), 0, 0, "cmd: size is zero" },
	{ "dst_slot_count", FILL(NBOS, 0, 1, 0), 0, 0, "cmd: dst_slot out of range" },
	{ "dst_slot_max", FILL(U32_MAX, 0, 1, 0), 0, 0, "cmd: dst_slot out of range" },
	{ "bo_count_1_slot_0", FILL(0, 0, 1, 0), 0, 1, NULL },
	{ "dst_slot_beyond_bo_count", FILL(1, 0, 1, 0), 0, 1, "cmd: dst_slot out of range" },
	{ "src_slot_count", COPY(0, 0, NBOS, 0, 1), 0, 0, "cmd: src_slot out of range" },
	{ "src_slot_max", COPY(0, 0, U32_MAX, 0, 1), 0, 0, "cmd: src_slot out of range" },
	{ "dst_read_only", FILL(1, 0, 1, 0), 0, 0, "cmd: destination not bound for writing" },
	{ "copy_dst_read_only", COPY(1, 0, 0, 0, 1), 0, 0,
	  "cmd: destination not bound for writing" },
	{ "src_write_only", COPY(0, 0, 2, 0, 1), 0, 0, "cmd: source not bound for reading" },

	/* ranges */
	{ "fill_one_past_end", FILL(0, 0, 4097, 0), 0, 0, R_DSTRANGE },
	{ "fill_offset_at_end", FILL(0, 4096, 1, 0), 0, 0, R_DSTRANGE },
	{ "fill_offset_past_end", FILL(2, 1000, 1, 0), 0, 0, R_DSTRANGE },
	{ "fill_dst_wraps", FILL(3, U64_MAX, 1, 0), 0, 0, R_DSTRANGE },
	{ "fill_dst_wraps_to_zero", FILL(3, 1ULL << 63, 1ULL << 63, 0), 0, 0, R_DSTRANGE },
	{ "fill_size_wraps", FILL(0, 1, U64_MAX, 0), 0, 0, R_DSTRANGE },
	{ "copy_dst_past_end", COPY(2, 51, 1, 0, 50), 0, 0, R_DSTRANGE },
	{ "copy_src_past_end", COPY(0, 0, 1, 4047, 50), 0, 0, R_SRCRANGE },
	{ "copy_src_offset_huge", COPY(0, 0, 1, U64_MAX - 10, 20), 0, 0, R_SRCRANGE },
	{ "copy_src_wraps", COPY(0, 0, 3, U64_MAX - 1, 2), 0, 0, R_SRCRANGE },
	{ "copy_src_wraps_to_zero", COPY(3, 0, 3, 1ULL << 63, 1ULL << 63), 0, 0, R_SRCRANGE },

	/* overlap within one buffer */
	{ "copy_same_range", COPY(0, 64, 0, 64, 64), 0, 0, R_OVERLAP },
	{ "copy_overlap_forward", COPY(0, 100, 0, 0, 101), 0, 0, R_OVERLAP },
	{ "copy_overlap_backward", COPY(0, 0, 0, 100, 101), 0, 0, R_OVERLAP },
	{ "copy_overlap_one_byte", COPY(0, 2047, 0, 0, 2048), 0, 0, R_OVERLAP },
	{ "copy_overlap_huge_bo", COPY(3, U64_MAX - 100, 3, U64_MAX - 150, 60), 0, 0,
	  R_OVERLAP },
};

static void cmd_case_desc(const struct cmd_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cmd_case, cmd_cases, cmd_case_desc);

static void edgeai_validate_cmd(struct kunit *test)
{
	const struct cmd_case *c = test->param_value;
	u32 mask = c->cmd_mask ? c->cmd_mask : ALL_CMDS;
	u32 count = c->bo_count ? c->bo_count : NBOS;
	const char *reason = "untouched";
	int ret;

	ret = edgeai_check_cmd(&c->cmd, bo_size, bo_flags, count, mask, &reason);
	if (c->reason) {
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);
		KUNIT_EXPECT_STREQ(test, reason, c->reason);
	} else {
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_EXPECT_STREQ(test, reason, "untouched");
	}
	KUNIT_EXPECT_EQ(test, ret, edgeai_check_cmd(&c->cmd, bo_size, bo_flags, count, mask,
						    NULL));
}

/* With no buffers bound, every slot is out of range (the arrays are not read). */
static void edgeai_validate_cmd_no_bos(struct kunit *test)
{
	struct drm_edgeai_cmd fill = FILL(0, 0, 1, 0);
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_check_cmd(&fill, NULL, NULL, 0, ALL_CMDS,
							&reason));
	KUNIT_EXPECT_STREQ(test, reason, "cmd: dst_slot out of range");
}

/* A cmd_mask of zero (no firmware commands) refuses everything. */
static void edgeai_validate_cmd_empty_mask(struct kunit *test)
{
	struct drm_edgeai_cmd copy = COPY(0, 0, 1, 0, 1);
	struct drm_edgeai_cmd fill = FILL(0, 0, 1, 0);
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_check_cmd(&copy, bo_size, bo_flags, NBOS, 0,
							&reason));
	KUNIT_EXPECT_STREQ(test, reason, "cmd: op not supported by the firmware");
	KUNIT_EXPECT_EQ(test, -EINVAL, edgeai_check_cmd(&fill, bo_size, bo_flags, NBOS, 0,
							&reason));
}

/*
 * Exhaustive sweep over small offsets/sizes of a copy within one 64-byte
 * buffer, against a byte-by-byte model of the rules.
 */
static void edgeai_validate_cmd_sweep(struct kunit *test)
{
	static const u64 size64[] = { 64 };
	static const u32 rw[] = { R | W };
	struct drm_edgeai_cmd c = COPY(0, 0, 0, 0, 0);
	u64 src, dst, n;

	for (src = 0; src <= 66; src += 3) {
		for (dst = 0; dst <= 66; dst += 5) {
			for (n = 0; n <= 66; n++) {
				bool ok = n && src + n <= 64 && dst + n <= 64 &&
					  (src + n <= dst || dst + n <= src);
				int ret;

				c.src_offset = src;
				c.dst_offset = dst;
				c.size = n;
				ret = edgeai_check_cmd(&c, size64, rw, 1, ALL_CMDS, NULL);
				KUNIT_EXPECT_EQ_MSG(test, ret, ok ? 0 : -EINVAL,
						    "src %llu dst %llu size %llu", src, dst, n);
			}
		}
	}
}

/* ---- edgeai_cmd_bytes() ---- */

static void edgeai_validate_cmd_bytes(struct kunit *test)
{
	struct drm_edgeai_cmd copy = COPY(0, 0, 1, 0, 4096);
	struct drm_edgeai_cmd fill = FILL(0, 0, 100, 7);
	struct drm_edgeai_cmd other = { .op = 2, .size = 100 };

	KUNIT_EXPECT_EQ(test, edgeai_cmd_bytes(&copy), 8192);
	KUNIT_EXPECT_EQ(test, edgeai_cmd_bytes(&fill), 100);
	KUNIT_EXPECT_EQ(test, edgeai_cmd_bytes(&other), 0);
	copy.size = U64_MAX / 2;
	KUNIT_EXPECT_EQ(test, edgeai_cmd_bytes(&copy), U64_MAX - 1);
	/* Cannot come from a valid command, but must not wrap either. */
	copy.size = U64_MAX / 2 + 1;
	KUNIT_EXPECT_EQ(test, edgeai_cmd_bytes(&copy), U64_MAX);
}

static struct kunit_case edgeai_validate_cases[] = {
	KUNIT_CASE_PARAM(edgeai_validate_submit, submit_case_gen_params),
	KUNIT_CASE(edgeai_validate_submit_1_2_layout),
	KUNIT_CASE(edgeai_validate_submit_no_cores),
	KUNIT_CASE_PARAM(edgeai_validate_bo_ref, bo_ref_case_gen_params),
	KUNIT_CASE_PARAM(edgeai_validate_cmd, cmd_case_gen_params),
	KUNIT_CASE(edgeai_validate_cmd_no_bos),
	KUNIT_CASE(edgeai_validate_cmd_empty_mask),
	KUNIT_CASE(edgeai_validate_cmd_sweep),
	KUNIT_CASE(edgeai_validate_cmd_bytes),
	{}
};

static struct kunit_suite edgeai_validate_suite = {
	.name = "edgeai_validate",
	.test_cases = edgeai_validate_cases,
};

kunit_test_suite(edgeai_validate_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the edgeai uAPI validation helpers");
MODULE_LICENSE("GPL");
