/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_JOB_H__
#define __EDGEAI_JOB_H__

#include <drm/edgeai_accel.h>
#include <drm/gpu_scheduler.h>
#include <linux/dma-fence.h>
#include <linux/iosys-map.h>
#include <linux/list.h>

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct edgeai_core;
struct edgeai_device;
struct edgeai_file_priv;
struct edgeai_program;

/**
 * struct edgeai_fence - the done fence of one job
 * @base: the fence; one context per job, seqno = job id
 * @lock: lock of @base
 * @device_time_ns: time the job spent on the device, set before signalling
 *
 * Signalled by the backend when the job finished, with an error for a
 * failed (-EIO), hung (-ETIMEDOUT) or cancelled job. A job that never
 * reached a core gets it signalled when the scheduler frees the job. WAIT,
 * io_uring completions and the scheduler all read the result from here.
 */
struct edgeai_fence {
	struct dma_fence base;
	/* Lock of base. */
	spinlock_t lock;
	u64 device_time_ns;
};

/**
 * struct edgeai_job - one submitted job
 * @base: scheduler job
 * @edev: device
 * @ctx: submitting file's context, a reference
 * @done: done fence, a reference
 * @id: per-file job id
 * @core: core the job ran on, set by run_job
 * @started: the backend took the job (its @submit succeeded); only such
 *	jobs count in &edgeai_core.jobs
 * @bo_count: entries in @bos, @maps and @bo_flags
 * @bos: bound buffers, a reference each
 * @maps: kernel mappings of @bos, kept for the job's life
 * @bo_flags: DRM_EDGEAI_BO_READ/WRITE of each buffer
 * @cmd_count: entries in @cmds
 * @cmds: validated commands
 * @bytes: bytes the commands or the program move, for the timing model
 * @prog: program the job runs (instead of @cmds), a reference, or NULL
 * @macs: multiply-accumulates of @prog, for the timing model
 * @freq_khz: core clock the backend ran the job at, 0 if unknown
 * @arb_granted: the arbiter gave the job its core (edgeai_arb_release()
 *	is due at completion)
 * @arb_entity: the job's entity (drm_sched clears &drm_sched_job.entity
 *	once it popped the job)
 * @arb_queued: the job counts in its request's &edgeai_arb_req.queued
 * @node: entry in &edgeai_device.job_list
 */
struct edgeai_job {
	struct drm_sched_job base;
	struct edgeai_device *edev;
	struct edgeai_file_priv *ctx;
	struct edgeai_fence *done;
	u64 id;
	struct edgeai_core *core;
	bool started;
	u32 bo_count;
	struct drm_gem_object **bos;
	struct iosys_map *maps;
	u32 *bo_flags;
	u32 cmd_count;
	struct drm_edgeai_cmd *cmds;
	u64 bytes;
	struct edgeai_program *prog;
	u64 macs;
	u32 freq_khz;
	bool arb_granted;
	struct drm_sched_entity *arb_entity;
	bool arb_queued;
	struct list_head node;
};

/**
 * struct edgeai_job_result - where a submitter reads the outcome of a job
 * @finished: the scheduler's finished fence, a reference. The buffers'
 *	reservation objects and the out-syncobj hold this fence; it signals
 *	after @done, with the same error, so whoever waits on it never sees
 *	the job done while its buffers are still busy.
 * @done: the job's done fence, a reference; holds the device time
 */
struct edgeai_job_result {
	struct dma_fence *finished;
	struct edgeai_fence *done;
};

void edgeai_job_result_put(struct edgeai_job_result *res);
int edgeai_job_result_status(const struct edgeai_job_result *res);

static inline struct edgeai_job *to_edgeai_job(struct drm_sched_job *job)
{
	return container_of(job, struct edgeai_job, base);
}

int edgeai_job_init_device(struct edgeai_device *edev);
int edgeai_job_open(struct edgeai_file_priv *ctx);
void edgeai_job_close(struct edgeai_file_priv *ctx);
void edgeai_job_release(struct edgeai_file_priv *ctx);

int edgeai_job_submit(struct drm_file *file, struct drm_edgeai_submit *args,
		      bool uring, struct edgeai_job_result *result);
void edgeai_job_complete(struct edgeai_job *job, int error, u64 device_time_ns);
unsigned long edgeai_job_watchdog_pause(struct edgeai_job *job);
void edgeai_job_watchdog_resume(struct edgeai_job *job, unsigned long left);

int edgeai_ioctl_submit(struct drm_device *drm, void *data,
			struct drm_file *file);
int edgeai_ioctl_wait(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __EDGEAI_JOB_H__ */
