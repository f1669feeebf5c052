/* SPDX-License-Identifier: MIT */
/*
 * What the folders above (compiler/, exec/) may ask of the runtime besides
 * the public API of edgeai/edgeai.h: device programs, the identity of a
 * device's op set, why the kernel refuses jobs, buffers shared between
 * devices and jobs that run a device program. They never see a file
 * descriptor of the device.
 */
#ifndef EDGEAI_RUNTIME_H
#define EDGEAI_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "edgeai/edgeai.h"

/* What identifies a device's op set: type, firmware and driver versions. */
struct rt_identity {
	uint32_t type, fw_version, fw_abi;
	uint32_t drv_major, drv_minor, drv_patch;
};

int rt_device_identity(struct edgeai_device *dev, struct rt_identity *ret);
/* Why the kernel refuses this client's jobs now: a DRM_EDGEAI_BUSY_* value, or -errno. */
int rt_device_busy_reason(struct edgeai_device *dev);
/* The device @buf belongs to (not referenced). */
struct edgeai_device *rt_buffer_device(const struct edgeai_buffer *buf);
/*
 * CPU access by the library to a buffer whose jobs it saw complete (a
 * request's arena and slots, an output it reads): BO_PREP and BO_FINI
 * only where they have cache maintenance to do. A buffer its device
 * created and that was never exported, on a device whose DMA is coherent
 * with the CPU (DRM_EDGEAI_CAP_DMA_COHERENT), needs none: no system call.
 * rt_buffer_share() with another coherent device is not an export.
 */
int rt_buffer_cpu_begin(struct edgeai_buffer *buf, unsigned int access);
void rt_buffer_cpu_end(struct edgeai_buffer *buf);
/* The memory of @buf as a buffer of @dev, through a dma-buf. */
int rt_buffer_share(struct edgeai_buffer *buf, struct edgeai_device *dev,
		    struct edgeai_buffer **ret_buf);

/*
 * Device programs (program.c): PROGRAM_CREATE validates @blob and keeps it
 * on @dev under a handle; -EINVAL when the driver rejects it (an op
 * outside the firmware's op set, a bad reference).
 */
int rt_program_create(struct edgeai_device *dev, const void *blob, size_t size,
		      uint32_t *ret_handle);
/* Handle 0 is none. */
void rt_program_destroy(struct edgeai_device *dev, uint32_t handle);
/*
 * A job that runs device program @handle of @dev on @bufs[0..n), bound
 * with @access[i] (EDGEAI_ACCESS_*) each: program slot i is @bufs[i].
 */
int rt_job_new_program(struct edgeai_device *dev, uint32_t handle,
		       struct edgeai_buffer *const *bufs, const unsigned int *access, uint32_t n,
		       struct edgeai_job **ret_job);

/*
 * Let program job @job run in a batch of up to @batch_max jobs of its
 * program, waiting up to @batch_wait_us for it to fill (uAPI 1.6); 0 (or
 * 1) for none. Ignored on a device without DRM_EDGEAI_CAP_BATCH. Not
 * while the job is in flight.
 */
void rt_job_set_batch(struct edgeai_job *job, uint32_t batch_max, uint32_t batch_wait_us);

/*
 * edgeai_job_submit() for a caller that waits for @job next, from this
 * thread, before it returns to its own caller: with RT_SUBMIT_DEFER an
 * io_uring submission waits in user space and goes to the kernel in the
 * same io_uring_enter as the wait, one system call for both. Jobs
 * submitted after it on another device's queue must wait for
 * rt_device_flush(): the kernel orders jobs by their submission.
 */
#define RT_SUBMIT_DEFER (1U << 31)
int rt_job_submit(struct edgeai_job *job, unsigned int flags);
/*
 * rt_job_submit() on the queue of device @q, which may be another device
 * than @job's: @q's ring carries the command to @job's device, and its
 * completion comes back on @q (one ring for the jobs of a request on two
 * devices: their deferred submissions go in together, in order). @prev,
 * when not NULL, was submitted on @q just before, and the kernel runs
 * @job after it (the arena's implicit fences): a thread that waits for
 * @prev waits for @job in the same io_uring_enter, and takes both
 * completions. Not while @job is in flight.
 */
int rt_job_submit_on(struct edgeai_job *job, struct edgeai_device *q, struct edgeai_job *prev,
		     unsigned int flags);
/* Submit what RT_SUBMIT_DEFER left waiting on @dev. */
void rt_device_flush(struct edgeai_device *dev);

#endif
