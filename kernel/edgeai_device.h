/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_DEVICE_H__
#define __EDGEAI_DEVICE_H__

#include <drm/drm_device.h>
#include <drm/gpu_scheduler.h>
#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "edgeai_backend.h"
#include "edgeai_fw_parse.h"

/* Most cores one device can have ("edgeai,num-cores"). */
#define EDGEAI_MAX_CORES	8
/* Largest buffer object DRM_EDGEAI_BO_CREATE accepts. */
#define EDGEAI_MAX_BO_SIZE	(256ULL << 20)

struct devfreq;
struct thermal_cooling_device;
struct thermal_zone_device;
struct edgeai_file_priv;
struct edgeai_job;
struct edgeai_of;

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
 *	yet; the core stays reserved for it
 * @busy: a job runs on the core (from its grant to its completion)
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
	u64 busy_since;
	u64 busy_ns;
};

/**
 * struct edgeai_arb - the device's arbiter between clients
 * @lock: protects the arbitration state of the device, its cores, its
 *	requests and its clients' policy and accounting; taken from hardirq
 * @vclock: virtual time of the last client that got a core; a client
 *	that becomes busy starts no earlier, so idle time is not banked
 * @paused: no core is handed out (system sleep)
 * @running: cores busy, for @idle_wq
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

/**
 * struct edgeai_core - one independent execution unit of a device
 * @edev: owning device
 * @index: core number, 0-based
 * @sched: the core's scheduler; credit limit 1, one job on the core at a time
 * @busy_ns: device time of the jobs completed on this core
 * @jobs: jobs completed on this core
 */
struct edgeai_core {
	struct edgeai_device *edev;
	u32 index;
	struct drm_gpu_scheduler sched;
	atomic64_t busy_ns;
	atomic64_t jobs;
};

/**
 * struct edgeai_device - one accelerator (an NPU or a DSP)
 * @drm: base DRM device; its lifetime bounds this structure
 * @type: &enum drm_edgeai_device_type
 * @engine: engine name for fdinfo and logs, "npu" or "dsp"
 * @simulated: the device was created from the sim_devices parameter
 * @core_count: cores in @cores
 * @cores: the cores
 * @sched_list: scheduler of each core, for entities spanning all cores
 * @sched_ready: the schedulers are initialised (drm_sched_fini needed)
 * @fw: capabilities parsed from the firmware image (@fw.code is NULL: the
 *	image is released after probe)
 * @fw_name: firmware file loaded at probe
 * @ops: backend that runs the jobs
 * @backend: backend private state
 * @freq_khz: current core clock
 * @timeout_ms: job timeout
 * @reset_count: core resets after job timeouts
 * @job_list_lock: protects @job_list
 * @job_list: jobs submitted and not yet freed, for debugfs
 * @arb: arbitration between clients
 * @devfreq: the devfreq device (NULL if it could not be created)
 * @tz: the thermal zone (NULL if it could not be created)
 * @cooling: devfreq cooling device bound to the passive trip
 * @of: what the device-tree node gave the device (edgeai_of.c), NULL for
 *	a simulated device
 * @force_temp_mc: debugfs override of the temperature, 0 for none
 * @thermal_critical: the critical trip was reached; set by the thermal
 *	core's critical callback, cleared when the device cooled below it
 */
struct edgeai_device {
	struct drm_device drm;
	u32 type;
	const char *engine;
	bool simulated;
	u32 core_count;
	struct edgeai_core cores[EDGEAI_MAX_CORES];
	struct drm_gpu_scheduler *sched_list[EDGEAI_MAX_CORES];
	bool sched_ready;
	struct edgeai_fw_info fw;
	const char *fw_name;
	const struct edgeai_backend_ops *ops;
	void *backend;
	u32 freq_khz;
	u32 timeout_ms;
	atomic_t reset_count;
	/* Protects job_list. */
	spinlock_t job_list_lock;
	struct list_head job_list;
	struct edgeai_arb arb;
	struct devfreq *devfreq;
	struct thermal_zone_device *tz;
	struct thermal_cooling_device *cooling;
	struct edgeai_of *of;
	u32 force_temp_mc;
	bool thermal_critical;
};

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
 * @ref: held by the open file and by each job; the context outlives the
 *	file while jobs of it still wait for fences
 * @release_work: frees the context from edgeai_wq, off the schedulers'
 *	workers (the last reference may drop the DRM device)
 * @guilty: a job of this file hung and caused a core reset
 * @engine_ns: device time of the file's completed jobs
 * @cycles: core cycles of the file's completed jobs
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

static inline struct edgeai_device *to_edgeai_device(struct drm_device *drm)
{
	return container_of(drm, struct edgeai_device, drm);
}

/* edgeai_drv.c */
/* Runs context releases; drained at module exit. */
extern struct workqueue_struct *edgeai_wq;
u64 edgeai_capabilities(struct edgeai_device *edev);

/* edgeai_fw.c */
int edgeai_fw_load(struct edgeai_device *edev);

/* edgeai_debugfs.c */
void edgeai_debugfs_init(struct edgeai_device *edev);

/* edgeai_sysfs.c */
extern const struct attribute_group *edgeai_sysfs_groups[];

/* edgeai_pm.c */
extern const struct dev_pm_ops edgeai_pm_ops;
int edgeai_pm_init(struct edgeai_device *edev);
void edgeai_pm_job_get(struct edgeai_device *edev);
int edgeai_pm_job_resume(struct edgeai_device *edev);
void edgeai_pm_job_put(struct edgeai_device *edev);

/* edgeai_thermal.c */
int edgeai_thermal_init(struct edgeai_device *edev);
int edgeai_thermal_temp(struct edgeai_device *edev, int *temp_mc);
bool edgeai_thermal_is_critical(struct edgeai_device *edev);
void edgeai_thermal_debugfs_init(struct edgeai_device *edev,
				 struct dentry *root);

/* edgeai_arb.c */
void edgeai_arb_init(struct edgeai_device *edev);
void edgeai_arb_fini(struct edgeai_device *edev);
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
void edgeai_arb_pause(struct edgeai_device *edev);
void edgeai_arb_resume(struct edgeai_device *edev);
void edgeai_arb_load(struct edgeai_device *edev, u64 *busy_ns,
		     u64 *total_ns);
void edgeai_arb_debugfs_init(struct edgeai_device *edev, struct dentry *root);
int edgeai_ioctl_set_policy(struct drm_device *drm, void *data,
			    struct drm_file *file);
int edgeai_ioctl_get_client(struct drm_device *drm, void *data,
			    struct drm_file *file);

/* edgeai_sim.c */
void edgeai_sim_debugfs_init(struct edgeai_device *edev, struct dentry *root);

#endif /* __EDGEAI_DEVICE_H__ */
