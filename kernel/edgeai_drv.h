/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_DRV_H__
#define __EDGEAI_DRV_H__

#include <drm/gpu_scheduler.h>
#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "edgeai_arb.h"
#include "edgeai_device.h"

struct edgeai_job_result;

/**
 * struct edgeai_file_priv - per open file state (the client context)
 * @edev: the device
 * @client_id: the DRM file's client id (the file may be gone before
 *	the context)
 * @entity_any: scheduler entity spanning all cores (DRM_EDGEAI_CORE_ANY)
 * @entity: scheduler entity bound to one core, by core index
 * @submit_lock: orders job arm and push per file, so job ids, fence
 *	seqnos and queue order agree
 * @lock: protects @next_id and @history
 * @next_id: id the next job gets (starts at 1)
 * @history: results of the last DRM_EDGEAI_JOB_HISTORY jobs, slot
 *	id % DRM_EDGEAI_JOB_HISTORY
 * @inflight: jobs submitted and not yet freed by the scheduler
 * @ref: held by the open file and by each job (edgeai_ctx_get/put()); the
 *	context outlives the file while jobs of it still wait for fences
 * @release_work: frees the context off the schedulers' workers (the last
 *	reference may drop the DRM device)
 * @guilty: a job of this file hung and caused a core reset
 * @engine_ns: device time of the file's completed jobs
 * @cycles: core cycles of the file's completed jobs
 * @preemptions: times a job of the file yielded its core to a job of a
 *	higher priority class at an op boundary
 * @jobs: the file's completed jobs (fdinfo edgeai-jobs)
 * @batched_jobs: jobs of the file that ran in a batch of two or more
 *	(fdinfo edgeai-batched-jobs-<engine>)
 * @quota_refusals: submits refused with -EDQUOT (fdinfo edgeai-quota-refusals)
 * @req_any: arbitration request of @entity_any
 * @req: arbitration request of each @entity
 * @priority: &enum drm_edgeai_priority; arbiter lock
 * @weight: share weight, 1..DRM_EDGEAI_WEIGHT_MAX; arbiter lock
 * @vtime: virtual time: device time used, divided by @weight; arbiter lock
 * @active: requests of this file waiting or running; arbiter lock
 * @quota_ns: device time allowed per @period_ns, 0 for no quota; arbiter lock
 * @period_ns: quota period; arbiter lock
 * @period_start: start of the current quota period; arbiter lock
 * @period_used_ns: device time used in the current period; arbiter lock
 * @busy_reason: &enum drm_edgeai_busy_reason of the last refused submit
 * @programs: program handles of the file (&struct edgeai_program)
 */
struct edgeai_file_priv {
	struct edgeai_device *edev;
	u64 client_id;
	struct drm_sched_entity entity_any;
	struct drm_sched_entity entity[EDGEAI_MAX_CORES];
	/* Orders drm_sched_job_arm() and drm_sched_entity_push_job(). */
	struct mutex submit_lock;
	/* Protects next_id and history. */
	spinlock_t lock;
	u64 next_id;
	struct edgeai_job_result *history;
	atomic_t inflight;
	struct kref ref;
	struct work_struct release_work;
	atomic_t guilty;
	atomic64_t engine_ns;
	atomic64_t cycles;
	atomic64_t preemptions;
	atomic64_t jobs;
	atomic64_t batched_jobs;
	atomic64_t quota_refusals;
	struct edgeai_arb_req req_any;
	struct edgeai_arb_req req[EDGEAI_MAX_CORES];
	u32 priority;
	u32 weight;
	u64 vtime;
	u32 active;
	u64 quota_ns;
	u64 period_ns;
	u64 period_start;
	u64 period_used_ns;
	u32 busy_reason;
	struct xarray programs;
};

u64 edgeai_capabilities(struct edgeai_device *edev);
void edgeai_ctx_put(struct edgeai_file_priv *ctx);

/* A job's reference to its file context; dropped by edgeai_ctx_put(). */
static inline struct edgeai_file_priv *
edgeai_ctx_get(struct edgeai_file_priv *ctx)
{
	kref_get(&ctx->ref);
	return ctx;
}

#endif /* __EDGEAI_DRV_H__ */
