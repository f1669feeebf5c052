/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_ARB_H__
#define __EDGEAI_ARB_H__

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "edgeai_backend.h"

struct dentry;
struct dma_fence;
struct drm_device;
struct drm_file;
struct drm_sched_entity;
struct edgeai_device;
struct edgeai_file_priv;
struct edgeai_job;

/**
 * struct edgeai_arb_req - a scheduler entity's request for a core
 * @node: entry in &edgeai_arb_core.waiters while waiting
 * @ctx: the entity's file context
 * @grant: fence the entity's head job waits on until it may run; signalled
 *	when the core is handed to it (or when the request is withdrawn)
 * @wait_start: when the request started waiting (ns, monotonic)
 * @queued: jobs of the entity queued and not started yet
 * @core: core the queued jobs are for
 *
 * One per scheduler entity; the arbiter lock protects every field.
 */
struct edgeai_arb_req {
	struct list_head node;
	struct edgeai_file_priv *ctx;
	struct dma_fence *grant;
	u64 wait_start;
	u32 queued;
	u32 core;
};

/**
 * struct edgeai_arb_core - arbitration state of one core
 * @waiters: requests waiting for the core (&edgeai_arb_req.node)
 * @nwaiters: entries in @waiters
 * @contenders: requests with jobs queued for the core; while @deferred,
 *	the core is handed out once all of them are waiters
 * @granted: request the core was handed to and whose job has not started
 *	yet; the core stays reserved for it (or, while @busy, for the job
 *	that will preempt @job). Its job is not counted in
 *	&edgeai_arb.running: if the arbiter pauses first, the grant is taken
 *	back when the job comes to start
 * @busy: a job runs on the core (from its grant to its completion)
 * @job: the job the core was handed to while free, until it completes
 * @live: jobs of the core's current turn not completed yet: @job and the
 *	jobs that joined its batch (not @preemptor); the core is free again
 *	when the last of them completed
 * @batch: the job whose batch the core is forming: jobs of its program
 *	with DRM_EDGEAI_SUBMIT_BATCH join it instead of waiting for the core;
 *	NULL when none is being formed
 * @batch_n: jobs in that batch so far, @batch included
 * @batch_limit: the smallest &edgeai_job.batch_max among them
 * @preemptor: a job of a higher priority class than @job's that the core
 *	was handed to while @job runs a program: it preempts @job at an op
 *	boundary and runs until it completes, then @job resumes
 * @busy_since: when the core became busy (ns), for the utilisation
 * @busy_ns: busy time accumulated since the devfreq window started
 * @arb: the arbiter
 * @deferred: the core is free but not handed out yet: the client that
 *	just used it has more jobs queued and gets to compete for it first
 * @defer_timer: hands the core out if that client's next job does not
 *	come forward in time (it waits for a fence of its own)
 *
 * Protected by &edgeai_arb.lock.
 */
struct edgeai_arb_core {
	struct edgeai_arb *arb;
	bool deferred;
	struct hrtimer defer_timer;
	struct list_head waiters;
	u32 nwaiters;
	u32 contenders;
	struct edgeai_arb_req *granted;
	bool busy;
	struct edgeai_job *job;
	u32 live;
	struct edgeai_job *batch;
	u32 batch_n;
	u32 batch_limit;
	struct edgeai_job *preemptor;
	u64 busy_since;
	u64 busy_ns;
};

/**
 * struct edgeai_arb - the device's arbiter between clients
 * @lock: protects the arbitration state of the device, its cores, its
 *	requests and its clients' policy and accounting; taken from hardirq
 * @vclock: virtual time of the last client that got a core; a client
 *	that becomes busy starts no earlier, so idle time is not banked
 * @paused: no core is handed out and no job starts (system sleep); set and
 *	cleared under @lock, see edgeai_arb_pause()
 * @running: cores busy, for @idle_wq: a core counts from the start of its
 *	turn's first job (under @lock) to the completion of the turn's last
 * @idle_wq: woken when a core becomes idle
 * @window_start: start of the current devfreq load window (ns)
 * @cores: per-core state
 */
struct edgeai_arb {
	/* Protects everything below and the clients' arbitration fields. */
	spinlock_t lock;
	u64 vclock;
	bool paused;
	u32 running;
	wait_queue_head_t idle_wq;
	u64 window_start;
	struct edgeai_arb_core cores[EDGEAI_MAX_CORES];
};

int edgeai_arb_init(struct edgeai_device *edev);
void edgeai_arb_setup(struct edgeai_arb *arb);
void edgeai_arb_teardown(struct edgeai_arb *arb);
bool edgeai_arb_preempts(struct edgeai_device *edev);
bool edgeai_arb_may_be_preempted(struct edgeai_job *job);
void edgeai_arb_open(struct edgeai_file_priv *ctx);
void edgeai_arb_close(struct edgeai_file_priv *ctx);
int edgeai_arb_admit(struct edgeai_file_priv *ctx);
void edgeai_arb_busy(struct edgeai_file_priv *ctx);
void edgeai_arb_queued(struct edgeai_job *job);
void edgeai_arb_unqueued(struct edgeai_job *job);
void edgeai_arb_refused(struct edgeai_file_priv *ctx, u32 reason);
struct dma_fence *edgeai_arb_prepare(struct edgeai_job *job,
				     struct drm_sched_entity *entity);
void edgeai_arb_release(struct edgeai_job *job, u64 device_ns);
void edgeai_arb_batch_close(struct edgeai_job *job);
int edgeai_arb_pause(struct edgeai_device *edev);
void edgeai_arb_resume(struct edgeai_device *edev);
void edgeai_arb_load(struct edgeai_device *edev, u64 *busy_ns,
		     u64 *total_ns);
void edgeai_arb_debugfs_init(struct edgeai_device *edev, struct dentry *root);
int edgeai_ioctl_set_policy(struct drm_device *drm, void *data,
			    struct drm_file *file);
int edgeai_ioctl_get_client(struct drm_device *drm, void *data,
			    struct drm_file *file);

#endif /* __EDGEAI_ARB_H__ */
