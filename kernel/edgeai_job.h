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
 * @maps: kernel mappings of @bos (each buffer's own, edgeai_gem_kmap())
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
 * @exec_started: the backend began executing the job (its first op or
 *	command ran or failed)
 * @pc: backend state, the next op of @prog to execute: a preempted
 *	program resumes from here, on the same core
 * @tpc: backend state, the first op of @prog whose device time has not
 *	passed yet (at most @pc)
 * @exec_error: backend state, the job's result so far (0 or -EIO)
 * @exec_ns: backend state, device time the job took so far; the time it
 *	spends preempted does not count
 * @cost_done: backend state, timing-model cost of the ops before @pc
 * @cost_timed: backend state, timing-model cost of the ops before @tpc
 * @cost_total: backend state, timing-model cost of all ops of @prog
 * @watchdog_left: backend state, the job timeout left while the job is
 *	off the device (preempted, or not started yet)
 * @batch_max: DRM_EDGEAI_SUBMIT_BATCH: most jobs of a batch the job may
 *	be in; 0 without the flag
 * @batch_wait_ns: DRM_EDGEAI_SUBMIT_BATCH: how long the job may hold its
 *	free core forming a batch
 * @batch_member: the arbiter let the job join the batch its core was
 *	forming, instead of granting it the core (edgeai_arb.c)
 * @batch: backend state, of the first job of a batch: the other jobs of
 *	the batch (their @batch_node)
 * @batch_node: backend state, entry in the first job's @batch, or in the
 *	backend core's list of jobs that joined a batch after it started
 * @batch_n: backend state, jobs in the batch this job is the first of
 *	(1 when it runs alone)
 * @batch_limit: backend state, the smallest @batch_max in that batch
 * @batch_closed: backend state, no job joins the batch any more
 * @exec_hung: backend state, the job hangs on the device (fault_hang)
 *
 * The backend state is the backend core's; its lock protects it.
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
	bool exec_started;
	u32 pc;
	u32 tpc;
	int exec_error;
	u64 exec_ns;
	u64 cost_done;
	u64 cost_timed;
	u64 cost_total;
	unsigned long watchdog_left;
	u32 batch_max;
	u64 batch_wait_ns;
	bool batch_member;
	struct list_head batch;
	struct list_head batch_node;
	u32 batch_n;
	u32 batch_limit;
	bool batch_closed;
	bool exec_hung;
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
unsigned long edgeai_job_watchdog_full(struct edgeai_job *job);
void edgeai_job_preempted(struct edgeai_job *job);
void edgeai_job_batched(struct edgeai_job *job, u32 n);
void edgeai_job_watchdog_resume(struct edgeai_job *job, unsigned long left);

int edgeai_ioctl_submit(struct drm_device *drm, void *data,
			struct drm_file *file);
int edgeai_ioctl_wait(struct drm_device *drm, void *data,
		      struct drm_file *file);

#endif /* __EDGEAI_JOB_H__ */
