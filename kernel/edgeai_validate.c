// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Checks of user-supplied uAPI structures. Everything here is pure: the
 * callers copy the structures in, call these, and log @reason with
 * drm_dbg() on failure. All range arithmetic is overflow-checked.
 */

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/overflow.h>
#include <linux/stddef.h>
#include <kunit/visibility.h>

#include "edgeai_validate.h"

/*
 * uAPI 1.3 named the words 1.2 declared as __u64 reserved[2]: the program
 * handle must stay the low half of the first one, where 1.2 binaries put it.
 */
static_assert(offsetof(struct drm_edgeai_submit, program_handle) == 56);
static_assert(offsetof(struct drm_edgeai_submit, pad2) == 60);
/* 1.6 split 1.0's __u64 reserved into batch_max and batch_wait_us. */
static_assert(offsetof(struct drm_edgeai_submit, batch_max) == 64);
static_assert(offsetof(struct drm_edgeai_submit, batch_wait_us) == 68);
static_assert(sizeof(struct drm_edgeai_submit) == 72);

static int edgeai_invalid(const char **reason, const char *why)
{
	if (reason)
		*reason = why;
	return -EINVAL;
}

int edgeai_check_submit(const struct drm_edgeai_submit *args, u32 core_count,
			bool uring, const char **reason)
{
	if (!args->bo_count || args->bo_count > DRM_EDGEAI_MAX_BOS)
		return edgeai_invalid(reason, "submit: bo_count out of range");
	if (args->flags & ~(DRM_EDGEAI_SUBMIT_PROGRAM | DRM_EDGEAI_SUBMIT_BATCH))
		return edgeai_invalid(reason, "submit: unknown flags");
	if (args->flags & DRM_EDGEAI_SUBMIT_BATCH) {
		if (!(args->flags & DRM_EDGEAI_SUBMIT_PROGRAM))
			return edgeai_invalid(reason, "submit: batch without a program");
		if (args->batch_max < 2 || args->batch_max > DRM_EDGEAI_MAX_BATCH)
			return edgeai_invalid(reason, "submit: batch_max out of range");
		if (args->batch_wait_us > DRM_EDGEAI_MAX_BATCH_WAIT_US)
			return edgeai_invalid(reason, "submit: batch_wait_us out of range");
	} else if (args->batch_max || args->batch_wait_us) {
		return edgeai_invalid(reason, "submit: batch fields without the batch flag");
	}
	if (args->flags & DRM_EDGEAI_SUBMIT_PROGRAM) {
		if (args->cmd_count || args->cmds)
			return edgeai_invalid(reason, "submit: commands with a program");
		if (!args->program_handle)
			return edgeai_invalid(reason, "submit: bad program handle");
	} else {
		if (!args->cmd_count || args->cmd_count > DRM_EDGEAI_MAX_CMDS)
			return edgeai_invalid(reason, "submit: cmd_count out of range");
		if (args->cmd_size != sizeof(struct drm_edgeai_cmd))
			return edgeai_invalid(reason, "submit: unsupported cmd_size");
		if (args->program_handle)
			return edgeai_invalid(reason, "submit: program_handle without a program");
	}
	if (args->core != DRM_EDGEAI_CORE_ANY && args->core >= core_count)
		return edgeai_invalid(reason, "submit: no such core");
	if (args->pad)
		return edgeai_invalid(reason, "submit: pad is not zero");
	if (args->pad2)
		return edgeai_invalid(reason, "submit: pad2 is not zero");
	if (uring && args->job_id)
		return edgeai_invalid(reason, "submit: job_id is not zero (io_uring)");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_check_submit);

int edgeai_check_bo_ref(const struct drm_edgeai_bo_ref *ref, const char **reason)
{
	if (ref->flags & ~(DRM_EDGEAI_BO_READ | DRM_EDGEAI_BO_WRITE))
		return edgeai_invalid(reason, "bo: unknown flags");
	if (!ref->flags)
		return edgeai_invalid(reason, "bo: neither read nor write access");
	if (!ref->handle)
		return edgeai_invalid(reason, "bo: handle is zero");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_check_bo_ref);

/* [@offset, @offset + @size) must lie inside a buffer of @bo_size bytes. */
static bool edgeai_range_ok(u64 offset, u64 size, u64 bo_size)
{
	u64 end;

	return !check_add_overflow(offset, size, &end) && end <= bo_size;
}

int edgeai_check_cmd(const struct drm_edgeai_cmd *cmd, const u64 *bo_size,
		     const u32 *bo_flags, u32 bo_count, u32 cmd_mask,
		     const char **reason)
{
	if (cmd->op != DRM_EDGEAI_CMD_COPY && cmd->op != DRM_EDGEAI_CMD_FILL)
		return edgeai_invalid(reason, "cmd: unknown op");
	if (!(cmd_mask & BIT(cmd->op)))
		return edgeai_invalid(reason, "cmd: op not supported by the firmware");
	if (cmd->flags)
		return edgeai_invalid(reason, "cmd: unknown flags");
	if (cmd->pad)
		return edgeai_invalid(reason, "cmd: pad is not zero");
	if (!cmd->size)
		return edgeai_invalid(reason, "cmd: size is zero");
	if (cmd->dst_slot >= bo_count)
		return edgeai_invalid(reason, "cmd: dst_slot out of range");
	if (!(bo_flags[cmd->dst_slot] & DRM_EDGEAI_BO_WRITE))
		return edgeai_invalid(reason, "cmd: destination not bound for writing");
	if (!edgeai_range_ok(cmd->dst_offset, cmd->size, bo_size[cmd->dst_slot]))
		return edgeai_invalid(reason, "cmd: destination range outside the buffer");

	if (cmd->op == DRM_EDGEAI_CMD_FILL) {
		if (cmd->src_slot || cmd->src_offset)
			return edgeai_invalid(reason, "cmd: fill with a source");
		if (cmd->value > 0xff)
			return edgeai_invalid(reason, "cmd: fill value above 0xff");
		return 0;
	}

	if (cmd->value)
		return edgeai_invalid(reason, "cmd: copy with a value");
	if (cmd->src_slot >= bo_count)
		return edgeai_invalid(reason, "cmd: src_slot out of range");
	if (!(bo_flags[cmd->src_slot] & DRM_EDGEAI_BO_READ))
		return edgeai_invalid(reason, "cmd: source not bound for reading");
	if (!edgeai_range_ok(cmd->src_offset, cmd->size, bo_size[cmd->src_slot]))
		return edgeai_invalid(reason, "cmd: source range outside the buffer");
	/* Both ranges are in bounds, so these sums cannot overflow. */
	if (cmd->src_slot == cmd->dst_slot &&
	    cmd->src_offset < cmd->dst_offset + cmd->size &&
	    cmd->dst_offset < cmd->src_offset + cmd->size)
		return edgeai_invalid(reason, "cmd: copy ranges overlap");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_check_cmd);

u64 edgeai_cmd_bytes(const struct drm_edgeai_cmd *cmd)
{
	switch (cmd->op) {
	case DRM_EDGEAI_CMD_COPY:
		/* read and written */
		return cmd->size > U64_MAX / 2 ? U64_MAX : 2 * cmd->size;
	case DRM_EDGEAI_CMD_FILL:
		return cmd->size;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_cmd_bytes);
