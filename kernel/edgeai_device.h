/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_DEVICE_H__
#define __EDGEAI_DEVICE_H__

#include <drm/drm_device.h>
#include <drm/gpu_scheduler.h>
#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "edgeai_backend.h"
#include "edgeai_fw_parse.h"

/* Most cores one device can have ("edgeai,num-cores"). */
#define EDGEAI_MAX_CORES	8
/* Largest buffer object DRM_EDGEAI_BO_CREATE accepts. */
#define EDGEAI_MAX_BO_SIZE	(256ULL << 20)

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

/* edgeai_sim.c */
void edgeai_sim_debugfs_init(struct edgeai_device *edev, struct dentry *root);

#endif /* __EDGEAI_DEVICE_H__ */
