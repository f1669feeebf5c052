// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * devcoredump on core reset: when a job timed out and its core is reset,
 * a snapshot of the device, the guilty job (its program's header, tensors
 * and ops, or its commands; its buffers), the core's registers and the
 * device's recent job history goes to dev_coredumpv(). The format is
 * uapi/drm/edgeai_coredump.h.
 */

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <linux/crc32.h>
#include <linux/devcoredump.h>
#include <linux/minmax.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "drm/edgeai_coredump.h"
#include "edgeai_coredump.h"
#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_job.h"
#include "edgeai_prog.h"

/**
 * struct edgeai_coredump_ring - the device's last completed jobs
 * @lock: protects @next, @count and @entries; taken from hardirq (the
 *	simulator completes jobs from its timer)
 * @next: entry the next completed job goes to
 * @count: valid entries, up to EDGEAI_COREDUMP_HISTORY_LEN
 * @entries: the jobs, a ring
 */
struct edgeai_coredump_ring {
	/* Protects next, count and entries; taken from hardirq. */
	spinlock_t lock;
	u32 next;
	u32 count;
	struct edgeai_coredump_history entries[EDGEAI_COREDUMP_HISTORY_LEN];
};

/**
 * edgeai_coredump_init() - set up the device's job history
 * @edev: the device, before its first job
 *
 * Return: 0 or -ENOMEM.
 */
int edgeai_coredump_init(struct edgeai_device *edev)
{
	struct edgeai_coredump_ring *ring;

	ring = drmm_kzalloc(&edev->drm, sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	spin_lock_init(&ring->lock);
	edev->coredump = ring;
	return 0;
}

/**
 * edgeai_coredump_note() - record a completed job in the device's history
 * @job: the job, being completed
 * @error: 0 or its negative errno
 * @device_time_ns: time it spent on the device
 *
 * Called from edgeai_job_complete(), in any context.
 */
void edgeai_coredump_note(struct edgeai_job *job, int error,
			  u64 device_time_ns)
{
	struct edgeai_coredump_ring *ring = job->edev->coredump;
	struct edgeai_coredump_history *h;
	unsigned long flags;

	if (!ring)
		return;
	spin_lock_irqsave(&ring->lock, flags);
	h = &ring->entries[ring->next];
	ring->next = (ring->next + 1) % EDGEAI_COREDUMP_HISTORY_LEN;
	ring->count = min(ring->count + 1, EDGEAI_COREDUMP_HISTORY_LEN);
	h->id = job->id;
	h->client_id = job->ctx->client_id;
	h->end_ns = ktime_get_ns();
	h->device_time_ns = device_time_ns;
	h->status = error;
	h->core = job->core ? job->core->index : U32_MAX;
	h->prog_crc32 = job->prog ? job->prog->crc32 : 0;
	h->prog_size = job->prog ? job->prog->size : 0;
	spin_unlock_irqrestore(&ring->lock, flags);
}

/* Bytes of the program the dump keeps: header, tensor table and ops. */
static u32 edgeai_coredump_prog_len(const struct edgeai_program *prog)
{
	const struct edgeai_prog_header *hdr = (const void *)prog->blob;
	u64 tensors, ops;

	if (prog->size < sizeof(*hdr))
		return prog->size;
	tensors = (u64)hdr->tensor_offset +
		  (u64)hdr->tensor_count * sizeof(struct edgeai_prog_tensor);
	ops = (u64)hdr->op_offset +
	      (u64)hdr->op_count * sizeof(struct edgeai_prog_op);
	return min_t(u64, max(tensors, ops), prog->size);
}

/* Appends a section header; returns where its payload goes. */
static void *edgeai_coredump_section(void *dump, u32 *pos, u32 type, u32 size)
{
	struct edgeai_coredump_header *hdr = dump;
	struct edgeai_coredump_section *sec = dump + *pos;

	sec->type = type;
	sec->size = size;
	*pos += sizeof(*sec) + ALIGN(size, 8);
	hdr->section_count++;
	return sec + 1;
}

static void edgeai_coredump_fill_regs(struct edgeai_core *core,
				      struct edgeai_coredump_regs *regs)
{
	struct edgeai_device *edev = core->edev;

	regs->core = core->index;
	regs->busy_ns = atomic64_read(&core->busy_ns);
	regs->jobs_done = atomic64_read(&core->jobs);
	regs->freq_khz = READ_ONCE(edev->freq_khz);
	if (edev->ops->dump_core)
		edev->ops->dump_core(core, regs);
}

/**
 * edgeai_coredump_capture() - snapshot a core and its hung job
 * @core: the core about to be reset
 * @job: the job on it
 *
 * Called from the scheduler's timeout handler before the reset, so the
 * registers show the core as the job left it. The snapshot goes to
 * devcoredump, or is dropped, by edgeai_coredump_commit().
 *
 * Return: the snapshot (vmalloc'ed), or NULL when there was no memory.
 */
void *edgeai_coredump_capture(struct edgeai_core *core, struct edgeai_job *job)
{
	struct edgeai_device *edev = core->edev;
	struct edgeai_coredump_ring *ring = edev->coredump;
	struct edgeai_coredump_header *hdr;
	struct edgeai_coredump_device *dev;
	struct edgeai_coredump_job *cj;
	struct edgeai_coredump_buffer *buf;
	struct edgeai_coredump_history *hist;
	u32 prog_len = job->prog ? edgeai_coredump_prog_len(job->prog) : 0;
	u32 cmds_len = job->prog ? 0 : job->cmd_count * sizeof(*job->cmds);
	unsigned long flags;
	size_t size;
	void *dump, *p;
	u32 pos, i, n;

	size = sizeof(*hdr) +
	       sizeof(struct edgeai_coredump_section) * 7 +
	       sizeof(*dev) + sizeof(*cj) +
	       sizeof(struct edgeai_coredump_regs) +
	       ALIGN(prog_len, 8) + ALIGN(cmds_len, 8) +
	       job->bo_count * sizeof(*buf) +
	       EDGEAI_COREDUMP_HISTORY_LEN * sizeof(*hist);
	dump = vzalloc(size);
	if (!dump)
		return NULL;

	hdr = dump;
	hdr->magic = EDGEAI_COREDUMP_MAGIC;
	hdr->version = EDGEAI_COREDUMP_VERSION;
	hdr->header_size = sizeof(*hdr);
	hdr->time_ns = ktime_get_real_ns();
	pos = sizeof(*hdr);

	dev = edgeai_coredump_section(dump, &pos, EDGEAI_COREDUMP_DEVICE,
				      sizeof(*dev));
	strscpy(dev->engine, edev->engine, sizeof(dev->engine));
	dev->type = edev->type;
	dev->minor = edev->drm.accel ? edev->drm.accel->index : U32_MAX;
	dev->core_count = edev->core_count;
	dev->freq_khz = READ_ONCE(edev->freq_khz);
	dev->timeout_ms = edev->timeout_ms;
	/* This reset is counted once the core was reset. */
	dev->reset_count = atomic_read(&edev->reset_count) + 1;
	if (edev->fw_name)
		strscpy(dev->fw_name, edev->fw_name, sizeof(dev->fw_name));

	cj = edgeai_coredump_section(dump, &pos, EDGEAI_COREDUMP_JOB,
				     sizeof(*cj));
	cj->id = job->id;
	cj->client_id = job->ctx->client_id;
	cj->core = core->index;
	cj->bo_count = job->bo_count;
	cj->cmd_count = job->prog ? 0 : job->cmd_count;
	cj->bytes = job->bytes;
	cj->macs = job->macs;
	cj->priority = job->ctx->priority;
	if (job->prog) {
		cj->flags |= EDGEAI_COREDUMP_JOB_PROGRAM;
		cj->prog_size = job->prog->size;
		cj->prog_crc32 = job->prog->crc32;
	}

	p = edgeai_coredump_section(dump, &pos, EDGEAI_COREDUMP_REGS,
				    sizeof(struct edgeai_coredump_regs));
	edgeai_coredump_fill_regs(core, p);

	if (prog_len) {
		p = edgeai_coredump_section(dump, &pos, EDGEAI_COREDUMP_PROGRAM,
					    prog_len);
		memcpy(p, job->prog->blob, prog_len);
	}
	if (cmds_len) {
		p = edgeai_coredump_section(dump, &pos, EDGEAI_COREDUMP_CMDS,
					    cmds_len);
		memcpy(p, job->cmds, cmds_len);
	}
	if (job->bo_count) {
		buf = edgeai_coredump_section(dump, &pos, EDGEAI_COREDUMP_BUFFERS,
					      job->bo_count * sizeof(*buf));
		for (i = 0; i < job->bo_count; i++) {
			buf[i].size = job->bos[i] ? job->bos[i]->size : 0;
			buf[i].flags = job->bo_flags[i];
		}
	}

	/* The history; the ring may have grown since the size was taken. */
	hist = dump + pos + sizeof(struct edgeai_coredump_section);
	n = 0;
	if (ring) {
		spin_lock_irqsave(&ring->lock, flags);
		n = ring->count;
		for (i = 0; i < n; i++)
			hist[i] = ring->entries[(ring->next + EDGEAI_COREDUMP_HISTORY_LEN -
						 n + i) % EDGEAI_COREDUMP_HISTORY_LEN];
		spin_unlock_irqrestore(&ring->lock, flags);
	}
	if (n)
		edgeai_coredump_section(dump, &pos, EDGEAI_COREDUMP_HISTORY,
					n * sizeof(*hist));

	hdr->total_size = pos;
	return dump;
}

/**
 * edgeai_coredump_commit() - hand a snapshot to devcoredump, or drop it
 * @edev: the device
 * @dump: from edgeai_coredump_capture(), or NULL
 * @reset: the core was reset (else the job had completed meanwhile and
 *	the snapshot is dropped)
 *
 * devcoredump owns the snapshot from here; it keeps one per device until
 * userspace reads and frees it (or for five minutes) and drops newer ones
 * meanwhile.
 */
void edgeai_coredump_commit(struct edgeai_device *edev, void *dump, bool reset)
{
	struct edgeai_coredump_header *hdr = dump;

	if (!dump)
		return;
	if (!reset) {
		vfree(dump);
		return;
	}
	drm_dbg(&edev->drm, "core dump of %u bytes to devcoredump\n",
		hdr->total_size);
	dev_coredumpv(edev->drm.dev, dump, hdr->total_size, GFP_KERNEL);
}
