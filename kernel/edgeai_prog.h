/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_PROG_H__
#define __EDGEAI_PROG_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/types.h>

#include "edgeai_prog_validate.h"

struct drm_device;
struct drm_file;
struct edgeai_device;
struct edgeai_file_priv;
struct edgeai_job;

/**
 * struct edgeai_program - an uploaded, structurally validated program
 * @ref: held by the handles of the files that created it and by every job
 *	running it
 * @edev: the device whose &edgeai_device.prog_hash holds it
 * @node: in &edgeai_device.prog_hash, under &edgeai_device.prog_lock
 * @size: bytes in @blob
 * @crc32: CRC-32 (the zlib one) of @blob, the program's identity in
 *	devcoredumps
 * @work: work derived by the validator at creation
 * @op_count: ops in the program
 * @op_work: the work of each op (@op_count entries), which the timing
 *	model spreads the program's device time over
 * @slots: what it needs of the buffers a submit binds, checked there
 * @blob: the program, 8-byte aligned, immutable
 */
struct edgeai_program {
	struct kref ref;
	struct edgeai_device *edev;
	struct hlist_node node;
	u32 size;
	u32 crc32;
	struct edgeai_prog_work work;
	u32 op_count;
	struct edgeai_prog_op_work *op_work;
	struct edgeai_prog_slots slots;
	u64 blob[];
};

void edgeai_prog_put(struct edgeai_program *prog);
void edgeai_prog_open(struct edgeai_file_priv *ctx);
void edgeai_prog_close(struct edgeai_file_priv *ctx);
int edgeai_prog_attach(struct edgeai_job *job, u32 handle);
int edgeai_ioctl_program_create(struct drm_device *drm, void *data,
				struct drm_file *file);
int edgeai_ioctl_program_destroy(struct drm_device *drm, void *data,
				 struct drm_file *file);

#endif /* __EDGEAI_PROG_H__ */
