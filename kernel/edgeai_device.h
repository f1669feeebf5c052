/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_DEVICE_H__
#define __EDGEAI_DEVICE_H__

#include <drm/drm_device.h>
#include <drm/gpu_scheduler.h>
#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "edgeai_arb.h"
#include "edgeai_backend.h"
#include "edgeai_fw_parse.h"

/* Largest buffer object DRM_EDGEAI_BO_CREATE accepts. */
#define EDGEAI_MAX_BO_SIZE	(256ULL << 20)

struct devfreq;
struct edgeai_coredump_ring;
struct thermal_cooling_device;
struct thermal_zone_device;
struct edgeai_of;

/**
 * struct edgeai_core - one independent execution unit of a device
 * @edev: owning device
 * @index: core number, 0-based
 * @sched: the core's scheduler; credit limit DRM_EDGEAI_MAX_BATCH + 1:
 *	the job on the core with the jobs that joined its batch and, while
 *	that is a program, one job of a higher priority class that preempts
 *	it at its next op boundary (edgeai_arb.c); one job (or batch)
 *	executes at a time
 * @busy_ns: device time of the jobs completed on this core
 * @jobs: jobs completed on this core
 * @preemptions: times a program on this core yielded it at an op boundary
 * @batches: batches of two or more jobs this core ran as one device job
 * @batched_jobs: the jobs in those batches
 */
struct edgeai_core {
	struct edgeai_device *edev;
	u32 index;
	struct drm_gpu_scheduler sched;
	atomic64_t busy_ns;
	atomic64_t jobs;
	atomic64_t preemptions;
	atomic64_t batches;
	atomic64_t batched_jobs;
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
 * @prog_max_work: most work (MAC-equivalents) one program may derive:
 *	EDGEAI_PROG_MAX_WORK, lowered through debugfs to test how userspace
 *	splits a big model (read without a lock: a program is checked
 *	against the value it sees)
 * @prog_lock: protects @prog_hash; the last reference to a program is
 *	dropped under it (kref_put_mutex())
 * @prog_hash: every program of the device by its CRC-32: a file that
 *	creates a program byte for byte equal to one already there gets a
 *	handle to that object, so jobs of different files running the same
 *	program can be batched together (edgeai_prog.c)
 * @reset_count: core resets after job timeouts
 * @job_list_lock: protects @job_list
 * @job_list: jobs submitted and not yet freed, for debugfs
 * @coredump: the last completed jobs, for the devcoredump of a reset
 *	(edgeai_coredump.c)
 * @arb: arbitration between clients
 * @devfreq: the devfreq device (NULL if it could not be created)
 * @devfreq_lock: serialises the driver's devfreq_suspend_device() and
 *	devfreq_resume_device() calls (runtime PM callbacks and @pm_nb), whose
 *	counting in the devfreq core is atomic but whose governor events are
 *	not ordered with it; protects @devfreq_sleep
 * @devfreq_sleep: @pm_nb holds the governor stopped for a system sleep
 *	transition (edgeai_pm.c)
 * @pm_nb: PM notifier that stops the governor before the freezer runs and
 *	starts it after the thaw
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
	u64 prog_max_work;
	/* Protects prog_hash. */
	struct mutex prog_lock;
	DECLARE_HASHTABLE(prog_hash, 6);
	atomic_t reset_count;
	/* Protects job_list. */
	spinlock_t job_list_lock;
	struct list_head job_list;
	struct edgeai_coredump_ring *coredump;
	struct edgeai_arb arb;
	struct devfreq *devfreq;
	/* Protects devfreq_sleep; orders our devfreq suspend/resume calls. */
	struct mutex devfreq_lock;
	bool devfreq_sleep;
	struct notifier_block pm_nb;
	struct thermal_zone_device *tz;
	struct thermal_cooling_device *cooling;
	struct edgeai_of *of;
	u32 force_temp_mc;
	bool thermal_critical;
};

static inline struct edgeai_device *to_edgeai_device(struct drm_device *drm)
{
	return container_of(drm, struct edgeai_device, drm);
}

#endif /* __EDGEAI_DEVICE_H__ */
