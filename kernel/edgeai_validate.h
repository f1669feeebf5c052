/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_VALIDATE_H__
#define __EDGEAI_VALIDATE_H__

#include <linux/types.h>
#include <drm/edgeai_accel.h>

/*
 * Pure checks of user-supplied uAPI structures. None of them allocates,
 * sleeps or logs: each returns 0 or -EINVAL and, on failure, sets @reason
 * to a short static string the caller logs with drm_dbg(). They carry the
 * KUnit suite "edgeai_validate".
 */

/**
 * edgeai_check_submit() - check the fixed fields of a submit request
 * @args: request as copied from userspace (ioctl) or the SQE (io_uring)
 * @core_count: number of cores of the device
 * @uring: true when the request came through io_uring
 * @reason: set on failure
 *
 * Checks counts against DRM_EDGEAI_MAX_BOS/CMDS, @cmd_size, @core
 * (against @core_count unless DRM_EDGEAI_CORE_ANY), flags, the program
 * handle (non-zero exactly with DRM_EDGEAI_SUBMIT_PROGRAM), pad, pad2,
 * reserved and, for io_uring (@uring true), that @job_id is zero.
 *
 * Return: 0 or -EINVAL.
 */
int edgeai_check_submit(const struct drm_edgeai_submit *args, u32 core_count,
			bool uring, const char **reason);

/**
 * edgeai_check_bo_ref() - check one buffer binding of a job
 * @ref: binding
 * @reason: set on failure
 *
 * Return: 0 or -EINVAL (no access flag, unknown flag, handle 0).
 */
int edgeai_check_bo_ref(const struct drm_edgeai_bo_ref *ref, const char **reason);

/**
 * edgeai_check_cmd() - check one command against the job's buffers
 * @cmd: command
 * @bo_size: size in bytes of each bound buffer, by slot
 * @bo_flags: DRM_EDGEAI_BO_READ/WRITE of each bound buffer, by slot
 * @bo_count: number of slots
 * @cmd_mask: commands the device's firmware supports
 * @reason: set on failure
 *
 * Every byte touched must lie inside its buffer (overflow-safe), the
 * destination slot must be bound for writing and the source for reading,
 * copies within one buffer must not overlap, unused fields must be zero.
 *
 * Return: 0 or -EINVAL.
 */
int edgeai_check_cmd(const struct drm_edgeai_cmd *cmd, const u64 *bo_size,
		     const u32 *bo_flags, u32 bo_count, u32 cmd_mask,
		     const char **reason);

/**
 * edgeai_cmd_bytes() - bytes a valid command moves (read plus written)
 * @cmd: a command that passed edgeai_check_cmd()
 *
 * Used by the simulator's timing model and by accounting.
 *
 * Return: byte count.
 */
u64 edgeai_cmd_bytes(const struct drm_edgeai_cmd *cmd);

#endif /* __EDGEAI_VALIDATE_H__ */
