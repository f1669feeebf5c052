/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edgeai accelerator uAPI: ioctls and io_uring commands of /dev/accel/accelN.
 *
 * Rules (Documentation/process/botching-up-ioctls.rst): only __u32/__u64,
 * explicit padding, every pad/reserved/flags bit that is not defined must be
 * zero and is checked, user pointers are __u64, timeouts are absolute
 * CLOCK_MONOTONIC nanoseconds, enums and ioctl numbers are append-only.
 *
 * Interface version (drm_version major.minor):
 *  1.0 - GET_PARAM, BO_CREATE, BO_INFO, BO_PREP, BO_FINI, SUBMIT, WAIT and
 *        the EDGEAI_URING_CMD_SUBMIT io_uring command.
 *  1.1 - arbitration: SET_POLICY and GET_CLIENT, priorities, weights and
 *        quotas (-EDQUOT); SUBMIT refuses with -EBUSY at the critical
 *        thermal trip; params CUR_FREQ_KHZ, TEMP_MC and CLIENT_ID.
 *  1.2 - programs: PROGRAM_CREATE, PROGRAM_DESTROY, SUBMIT with
 *        DRM_EDGEAI_SUBMIT_PROGRAM (the first __u64 of what was then
 *        &drm_edgeai_submit.reserved[2] named the program).
 *  1.3 - &drm_edgeai_submit.program_handle, pad2 and reserved replace
 *        reserved[2] at the same offsets, binary compatible with 1.2;
 *        EDGEAI_PROG_MAX_SLOTS in drm/edgeai_program.h.
 *  1.4 - preemption at op boundaries: a job of a higher priority class
 *        preempts a running program between two of its ops
 *        (DRM_EDGEAI_CAP_PREEMPT, see &enum drm_edgeai_priority); the
 *        "edgeai-preemptions-<engine>" fdinfo key. No struct changed.
 *  1.5 - DRM_EDGEAI_CAP_DMA_COHERENT.
 *  1.6 - dynamic batching (DRM_EDGEAI_CAP_BATCH): DRM_EDGEAI_SUBMIT_BATCH,
 *        &drm_edgeai_submit.batch_max and batch_wait_us replace reserved
 *        at the same offset (zero there means what reserved 0 meant); the
 *        "edgeai-batched-jobs-<engine>" fdinfo key, sysfs "batched_jobs";
 *        MEAN's float pipeline and integer division in the program format
 *        (&edgeai_prog_mean_params.flags, drm/edgeai_program.h);
 *        PROGRAM_CREATE says -E2BIG, no longer -EINVAL, for a valid
 *        program with more work than one job may do.
 *  1.7 - shared programs (DRM_EDGEAI_CAP_SHARED_PROGRAMS): PROGRAM_CREATE
 *        of a program byte for byte equal to one the device has gives a
 *        handle to that program object, and DRM_EDGEAI_SUBMIT_BATCH
 *        batches jobs of different files that run it. No struct changed.
 *  1.8 - the TRANSPOSE_CONV program op (EDGEAI_OP_TRANSPOSE_CONV, &struct
 *        edgeai_prog_tconv_params in drm/edgeai_program.h); older drivers
 *        refuse a program using it as an unknown opcode, and the library
 *        places the op elsewhere. No struct of this header changed.
 *  1.9 - the ARG_MAX program op (EDGEAI_OP_ARG_MAX, &struct
 *        edgeai_prog_argmax_params) and the int64 dtype of its indices
 *        (EDGEAI_DTYPE_INT64) in drm/edgeai_program.h; older drivers
 *        refuse a program using either. No struct of this header changed.
 *  1.10 - the TABLE program op (EDGEAI_OP_TABLE, &struct
 *        edgeai_prog_lut_params in drm/edgeai_program.h): a 256-entry
 *        table for elementwise functions without an op of their own (ELU,
 *        GELU, ABS, RSQRT); SQUARED_DIFFERENCE (&struct
 *        edgeai_prog_add_params), a layer normalization's variance; and
 *        L2_NORMALIZATION. Older drivers refuse them as unknown opcodes.
 *        No struct of this header changed.
 *  1.11 - MEAN's SUM pipeline (EDGEAI_PROG_MEAN_SUM, &struct
 *        edgeai_prog_mean_params in drm/edgeai_program.h): TFLite's SUM of
 *        8-bit tensors. Older drivers refuse it as unknown flags. No
 *        struct of this header changed.
 *  1.12 - the BATCH_MATMUL program op (EDGEAI_OP_BATCH_MATMUL, &struct
 *        edgeai_prog_matmul_params in drm/edgeai_program.h): a matrix
 *        product of two activations. Older drivers refuse it as an
 *        unknown opcode. No struct of this header changed.
 *  1.13 - MEAN's int8 reference pipeline (EDGEAI_PROG_MEAN_INT, &struct
 *        edgeai_prog_mean_params in drm/edgeai_program.h): TFLite 2.9's
 *        int8 MEAN over H and W with keep_dims. Older drivers refuse it
 *        as unknown flags. No struct of this header changed.
 */
#ifndef _UAPI_DRM_EDGEAI_ACCEL_H_
#define _UAPI_DRM_EDGEAI_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_EDGEAI_GET_PARAM	0x00
#define DRM_EDGEAI_BO_CREATE	0x01
#define DRM_EDGEAI_BO_INFO	0x02
#define DRM_EDGEAI_BO_PREP	0x03
#define DRM_EDGEAI_BO_FINI	0x04
#define DRM_EDGEAI_SUBMIT	0x05
#define DRM_EDGEAI_WAIT		0x06
#define DRM_EDGEAI_SET_POLICY	0x07
#define DRM_EDGEAI_GET_CLIENT	0x08

/**
 * enum drm_edgeai_device_type - kind of accelerator behind a device node
 * @DRM_EDGEAI_DEVICE_NPU: neural processing unit (conv, matmul, pooling)
 * @DRM_EDGEAI_DEVICE_DSP: digital signal processor (elementwise, tables)
 */
enum drm_edgeai_device_type {
	DRM_EDGEAI_DEVICE_NPU = 1,
	DRM_EDGEAI_DEVICE_DSP = 2,
};

/**
 * enum drm_edgeai_param - parameters readable with DRM_IOCTL_EDGEAI_GET_PARAM
 * @DRM_EDGEAI_PARAM_DEVICE_TYPE: &enum drm_edgeai_device_type
 * @DRM_EDGEAI_PARAM_CORE_COUNT: number of independent cores (job queues)
 * @DRM_EDGEAI_PARAM_FW_VERSION: firmware version, major << 16 | minor << 8 | patch
 * @DRM_EDGEAI_PARAM_FW_ABI_VERSION: command/program ABI spoken by the firmware
 * @DRM_EDGEAI_PARAM_CAPABILITIES: bitmask of DRM_EDGEAI_CAP_*
 * @DRM_EDGEAI_PARAM_CMD_MASK: bitmask of supported commands, bit n = &enum drm_edgeai_cmd_op n
 * @DRM_EDGEAI_PARAM_MACS_PER_CYCLE: int8 multiply-accumulates per cycle per core
 * @DRM_EDGEAI_PARAM_MAX_FREQ_KHZ: highest core clock in kHz
 * @DRM_EDGEAI_PARAM_MAX_BO_SIZE: largest buffer object DRM_EDGEAI_BO_CREATE accepts, bytes
 * @DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS: job timeout after which a core is reset,
 *	in device time (the simulator's own host time does not count)
 * @DRM_EDGEAI_PARAM_CUR_FREQ_KHZ: current core clock in kHz (devfreq and
 *	thermal throttling change it)
 * @DRM_EDGEAI_PARAM_TEMP_MC: current device temperature, milli-degrees C
 * @DRM_EDGEAI_PARAM_CLIENT_ID: this file's client id, the drm-client-id
 *	of its fdinfo; what DRM_IOCTL_EDGEAI_SET_POLICY names clients by
 */
enum drm_edgeai_param {
	DRM_EDGEAI_PARAM_DEVICE_TYPE = 0,
	DRM_EDGEAI_PARAM_CORE_COUNT = 1,
	DRM_EDGEAI_PARAM_FW_VERSION = 2,
	DRM_EDGEAI_PARAM_FW_ABI_VERSION = 3,
	DRM_EDGEAI_PARAM_CAPABILITIES = 4,
	DRM_EDGEAI_PARAM_CMD_MASK = 5,
	DRM_EDGEAI_PARAM_MACS_PER_CYCLE = 6,
	DRM_EDGEAI_PARAM_MAX_FREQ_KHZ = 7,
	DRM_EDGEAI_PARAM_MAX_BO_SIZE = 8,
	DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS = 9,
	DRM_EDGEAI_PARAM_CUR_FREQ_KHZ = 10,
	DRM_EDGEAI_PARAM_TEMP_MC = 11,
	DRM_EDGEAI_PARAM_CLIENT_ID = 12,
};

/* Capability bits reported by DRM_EDGEAI_PARAM_CAPABILITIES. */
/** @DRM_EDGEAI_CAP_URING_CMD: EDGEAI_URING_CMD_SUBMIT is available */
#define DRM_EDGEAI_CAP_URING_CMD	(1ULL << 0)
/** @DRM_EDGEAI_CAP_PRIME_IMPORT_FOREIGN: dma-bufs of other drivers can be imported */
#define DRM_EDGEAI_CAP_PRIME_IMPORT_FOREIGN (1ULL << 1)
/** @DRM_EDGEAI_CAP_SYNCOBJ: in/out syncobj on submit */
#define DRM_EDGEAI_CAP_SYNCOBJ		(1ULL << 2)
/** @DRM_EDGEAI_CAP_SIMULATED: the device is the built-in simulator */
#define DRM_EDGEAI_CAP_SIMULATED	(1ULL << 3)
/** @DRM_EDGEAI_CAP_PREEMPT: (1.4) programs yield at op boundaries to higher classes */
#define DRM_EDGEAI_CAP_PREEMPT		(1ULL << 4)
/*
 * Always on x86; on a device-tree board, a node with dma-coherent. BO_PREP
 * and BO_FINI then have no cache maintenance to do on buffers this device
 * created and that were not exported: a caller that saw the jobs using
 * such a buffer complete may skip them. Imported and exported buffers
 * still need them. Since 1.5.
 */
/** @DRM_EDGEAI_CAP_DMA_COHERENT: the device's DMA is coherent with the CPU caches */
#define DRM_EDGEAI_CAP_DMA_COHERENT	(1ULL << 5)
/** @DRM_EDGEAI_CAP_BATCH: (1.6) DRM_EDGEAI_SUBMIT_BATCH is available */
#define DRM_EDGEAI_CAP_BATCH		(1ULL << 6)
/*
 * DRM_EDGEAI_CAP_SHARED_PROGRAMS: (1.7) files that create the same
 * program share one program object, and their jobs batch together (see
 * DRM_EDGEAI_SUBMIT_BATCH)
 */
#define DRM_EDGEAI_CAP_SHARED_PROGRAMS	(1ULL << 7)

/**
 * struct drm_edgeai_get_param - read one device parameter
 *
 * Errors: -EINVAL for an unknown @param or a non-zero @pad.
 */
struct drm_edgeai_get_param {
	/** @param: in, &enum drm_edgeai_param */
	__u32 param;
	/** @pad: must be zero */
	__u32 pad;
	/** @value: out, the value */
	__u64 value;
};

/**
 * struct drm_edgeai_bo_create - create a shmem-backed buffer object
 *
 * Errors: -EINVAL for size 0, size above DRM_EDGEAI_PARAM_MAX_BO_SIZE or
 * unknown @flags; -ENOMEM when memory runs out.
 */
struct drm_edgeai_bo_create {
	/** @size: in, bytes; rounded up to the page size */
	__u64 size;
	/** @flags: in, must be zero */
	__u32 flags;
	/** @handle: out, GEM handle */
	__u32 handle;
};

/**
 * struct drm_edgeai_bo_info - look up a buffer object
 *
 * Errors: -ENOENT for an unknown @handle, -EINVAL for non-zero @flags.
 */
struct drm_edgeai_bo_info {
	/** @handle: in, GEM handle */
	__u32 handle;
	/** @flags: in, must be zero */
	__u32 flags;
	/** @size: out, size in bytes */
	__u64 size;
	/** @mmap_offset: out, offset to pass to mmap() on the device fd */
	__u64 mmap_offset;
};

/** @DRM_EDGEAI_PREP_READ: the CPU is going to read the buffer */
#define DRM_EDGEAI_PREP_READ	(1U << 0)
/** @DRM_EDGEAI_PREP_WRITE: the CPU is going to write the buffer */
#define DRM_EDGEAI_PREP_WRITE	(1U << 1)

/**
 * struct drm_edgeai_bo_prep - begin CPU access to a buffer object
 *
 * Waits until the device has finished with the buffer (reads only wait
 * for writers) and makes device writes visible to the CPU.
 *
 * Errors: -ENOENT unknown handle; -EINVAL no or unknown @op bits;
 * -ETIMEDOUT when @timeout_ns passes first; -EBUSY when @timeout_ns is 0
 * and the buffer is busy.
 */
struct drm_edgeai_bo_prep {
	/** @handle: in, GEM handle */
	__u32 handle;
	/** @op: in, DRM_EDGEAI_PREP_READ and/or DRM_EDGEAI_PREP_WRITE */
	__u32 op;
	/** @timeout_ns: in, absolute CLOCK_MONOTONIC deadline; 0 = do not wait */
	__s64 timeout_ns;
};

/**
 * struct drm_edgeai_bo_fini - end CPU access begun by DRM_EDGEAI_BO_PREP
 *
 * Makes CPU writes visible to the device.
 *
 * Errors: -ENOENT unknown handle; -EINVAL non-zero @flags.
 */
struct drm_edgeai_bo_fini {
	/** @handle: in, GEM handle */
	__u32 handle;
	/** @flags: in, must be zero */
	__u32 flags;
};

/**
 * enum drm_edgeai_cmd_op - commands a job can carry
 * @DRM_EDGEAI_CMD_COPY: copy @size bytes from (@src_slot, @src_offset) to
 *	(@dst_slot, @dst_offset); ranges of the same buffer must not overlap
 * @DRM_EDGEAI_CMD_FILL: fill @size bytes at (@dst_slot, @dst_offset) with
 *	the low byte of @value
 */
enum drm_edgeai_cmd_op {
	DRM_EDGEAI_CMD_COPY = 0,
	DRM_EDGEAI_CMD_FILL = 1,
};

/**
 * struct drm_edgeai_cmd - one command of a job
 *
 * Buffers are named by slot: an index into the job's &drm_edgeai_submit.bos.
 * Every byte touched must lie inside the buffer; @size must be non-zero.
 */
struct drm_edgeai_cmd {
	/** @op: &enum drm_edgeai_cmd_op */
	__u32 op;
	/** @flags: must be zero */
	__u32 flags;
	/** @dst_slot: destination buffer slot */
	__u32 dst_slot;
	/** @src_slot: source buffer slot (COPY), must be zero otherwise */
	__u32 src_slot;
	/** @dst_offset: byte offset into the destination */
	__u64 dst_offset;
	/** @src_offset: byte offset into the source (COPY), zero otherwise */
	__u64 src_offset;
	/** @size: bytes to copy or fill */
	__u64 size;
	/** @value: fill byte in bits 0..7 (FILL), zero otherwise */
	__u32 value;
	/** @pad: must be zero */
	__u32 pad;
};

/** @DRM_EDGEAI_BO_READ: the job reads this buffer */
#define DRM_EDGEAI_BO_READ	(1U << 0)
/** @DRM_EDGEAI_BO_WRITE: the job writes this buffer */
#define DRM_EDGEAI_BO_WRITE	(1U << 1)

/**
 * struct drm_edgeai_bo_ref - a buffer bound to a job
 *
 * The job waits for the buffer's implicit fences (writers, and readers too
 * when @flags has DRM_EDGEAI_BO_WRITE) and adds its own fence to it.
 */
struct drm_edgeai_bo_ref {
	/** @handle: GEM handle */
	__u32 handle;
	/** @flags: DRM_EDGEAI_BO_READ and/or DRM_EDGEAI_BO_WRITE, at least one */
	__u32 flags;
};

/** @DRM_EDGEAI_CORE_ANY: let the scheduler pick the least busy core */
#define DRM_EDGEAI_CORE_ANY	0xffffffffU

/* Limits of one job. */
/** @DRM_EDGEAI_MAX_BOS: most buffers one job can bind */
#define DRM_EDGEAI_MAX_BOS	64
/** @DRM_EDGEAI_MAX_CMDS: most commands one job can carry */
#define DRM_EDGEAI_MAX_CMDS	256

/**
 * struct drm_edgeai_submit - queue a job
 *
 * Used by DRM_IOCTL_EDGEAI_SUBMIT and, inline in a 128-byte SQE, by
 * EDGEAI_URING_CMD_SUBMIT (where @job_id is not written back: the CQE
 * carries the job's result instead).
 *
 * Errors: -EINVAL for a bad count, slot, offset, size, op, flag or non-zero
 * pad field, for bad batch fields (see DRM_EDGEAI_SUBMIT_BATCH), for a
 * buffer bound twice, for a non-zero
 * @program_handle without DRM_EDGEAI_SUBMIT_PROGRAM, and (io_uring) for a
 * non-zero @job_id; -ENOENT for an unknown BO or syncobj handle; -EFAULT for
 * bad pointers; -EBADFD when this file caused a device reset earlier (the
 * context is guilty and must be reopened); -EBUSY when the file already
 * has DRM_EDGEAI_MAX_INFLIGHT jobs queued, or (1.1) when the device is at
 * its critical thermal trip and takes no new jobs until it cooled down
 * (DRM_IOCTL_EDGEAI_GET_CLIENT tells which, &enum drm_edgeai_busy_reason);
 * -EDQUOT (1.1) when the file used up its device-time quota for the
 * current period (see &struct drm_edgeai_policy); -ENODEV after unplug.
 * -EBUSY and -EDQUOT come back at once, never after a wait: a caller can
 * fall back to the CPU.
 */
struct drm_edgeai_submit {
	/** @bos: pointer to an array of &struct drm_edgeai_bo_ref */
	__u64 bos;
	/** @cmds: pointer to an array of &struct drm_edgeai_cmd */
	__u64 cmds;
	/** @bo_count: entries in @bos, 1..DRM_EDGEAI_MAX_BOS */
	__u32 bo_count;
	/** @cmd_count: entries in @cmds, 1..DRM_EDGEAI_MAX_CMDS */
	__u32 cmd_count;
	/** @cmd_size: sizeof(struct drm_edgeai_cmd) as the caller knows it */
	__u32 cmd_size;
	/** @core: core index, or DRM_EDGEAI_CORE_ANY */
	__u32 core;
	/** @in_syncobj: syncobj the job waits for first, 0 for none */
	__u32 in_syncobj;
	/** @out_syncobj: syncobj that gets the job's finished fence, 0 for none */
	__u32 out_syncobj;
	/** @flags: must be zero */
	__u32 flags;
	/** @pad: must be zero */
	__u32 pad;
	/**
	 * @job_id: out (ioctl only), per-file id for DRM_IOCTL_EDGEAI_WAIT;
	 * must be zero in an io_uring submit
	 */
	__u64 job_id;
	/**
	 * @program_handle: in (1.3), the program object handle
	 * (DRM_IOCTL_EDGEAI_PROGRAM_CREATE) for a submit with
	 * DRM_EDGEAI_SUBMIT_PROGRAM; must be zero for a command-list submit.
	 *
	 * 1.2 declared @program_handle, @pad2 and @reserved as one
	 * ``__u64 reserved[2]`` and took the handle from reserved[0].
	 * @program_handle is the low half of that word on a little-endian
	 * machine, so a 1.2 binary that stored the handle in reserved[0]
	 * passes the same bytes and keeps working unchanged. (On a big-endian
	 * machine its handle lands in @pad2: -EINVAL.)
	 */
	__u32 program_handle;
	/** @pad2: must be zero (1.2: the high half of reserved[0]) */
	__u32 pad2;
	/**
	 * @batch_max: in (1.6), with DRM_EDGEAI_SUBMIT_BATCH: most jobs,
	 * this one included, of the device job it may run in,
	 * 2..DRM_EDGEAI_MAX_BATCH; must be zero without the flag (the low
	 * half of what 1.0-1.5 called ``__u64 reserved``, which had to be
	 * zero)
	 */
	__u32 batch_max;
	/**
	 * @batch_wait_us: in (1.6), with DRM_EDGEAI_SUBMIT_BATCH: how long
	 * the job may hold its free core waiting for more jobs to join its
	 * batch, 0..DRM_EDGEAI_MAX_BATCH_WAIT_US microseconds; must be zero
	 * without the flag (the high half of the old reserved)
	 */
	__u32 batch_wait_us;
};

/** @DRM_EDGEAI_MAX_INFLIGHT: most unfinished jobs one file may have queued */
#define DRM_EDGEAI_MAX_INFLIGHT	256

/**
 * struct drm_edgeai_wait - wait for a job
 *
 * Job ids are per open file and start at 1. The status of the most recent
 * DRM_EDGEAI_JOB_HISTORY jobs of the file is kept.
 *
 * Errors: -EINVAL for job id 0, an id not yet handed out, or non-zero
 * @flags; -ENOENT when the job is older than the kept history;
 * -ETIME when @timeout_ns passes first (at once for timeout 0 and an
 * unfinished job). On success (return 0), @status is
 * the job's result: 0, -EIO (device error), -ETIMEDOUT (hang, core reset)
 * or -ECANCELED (cancelled by a reset caused by another job).
 */
struct drm_edgeai_wait {
	/** @job_id: in, id returned by DRM_IOCTL_EDGEAI_SUBMIT */
	__u64 job_id;
	/** @timeout_ns: in, absolute CLOCK_MONOTONIC deadline; 0 = poll */
	__s64 timeout_ns;
	/** @flags: in, must be zero */
	__u32 flags;
	/** @status: out, the job's result (0 or a negative errno) */
	__s32 status;
	/** @device_time_ns: out, time the job spent executing on the device */
	__u64 device_time_ns;
};

/** @DRM_EDGEAI_JOB_HISTORY: number of most recent job results kept per file */
#define DRM_EDGEAI_JOB_HISTORY	1024

#define DRM_IOCTL_EDGEAI_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_EDGEAI_GET_PARAM, struct drm_edgeai_get_param)
#define DRM_IOCTL_EDGEAI_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_EDGEAI_BO_CREATE, struct drm_edgeai_bo_create)
#define DRM_IOCTL_EDGEAI_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_EDGEAI_BO_INFO, struct drm_edgeai_bo_info)
#define DRM_IOCTL_EDGEAI_BO_PREP \
	DRM_IOW(DRM_COMMAND_BASE + DRM_EDGEAI_BO_PREP, struct drm_edgeai_bo_prep)
#define DRM_IOCTL_EDGEAI_BO_FINI \
	DRM_IOW(DRM_COMMAND_BASE + DRM_EDGEAI_BO_FINI, struct drm_edgeai_bo_fini)
#define DRM_IOCTL_EDGEAI_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_EDGEAI_SUBMIT, struct drm_edgeai_submit)
#define DRM_IOCTL_EDGEAI_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_EDGEAI_WAIT, struct drm_edgeai_wait)
#define DRM_IOCTL_EDGEAI_SET_POLICY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_EDGEAI_SET_POLICY, struct drm_edgeai_policy)
#define DRM_IOCTL_EDGEAI_GET_CLIENT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_EDGEAI_GET_CLIENT, struct drm_edgeai_client_info)

/**
 * enum drm_edgeai_priority - priority class of a client (1.1)
 * @DRM_EDGEAI_PRIORITY_LOW: background work; runs when no higher class
 *	waits, or when it has waited the starvation bound
 * @DRM_EDGEAI_PRIORITY_NORMAL: the class of a newly opened file
 * @DRM_EDGEAI_PRIORITY_HIGH: latency-sensitive work; gets a free core first
 *
 * Arbitration (per core; a job runs to completion once started, but a
 * program may be preempted between two of its ops, see below):
 * when a core becomes free, it goes to the waiting job of the highest
 * class; within a class, to the client with the smallest virtual time
 * (device time used divided by its weight), so busy clients of a class
 * share device time in proportion to their weights. A client becoming
 * busy starts at the virtual time of the client served last: idle time
 * is not banked. Starvation bound: a job that has waited 100 ms (module
 * parameter arb_starve_ms) for its core goes before every class, oldest
 * first, so a ready job of any class starts within arb_starve_ms plus
 * one job of each other client waiting on that core (each job bounded by
 * DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS).
 *
 * Preemption (1.4, when DRM_EDGEAI_PARAM_CAPABILITIES has
 * DRM_EDGEAI_CAP_PREEMPT): while a core runs a program
 * (DRM_EDGEAI_SUBMIT_PROGRAM), a job of a client of a higher class that
 * waits for that core gets it at the program's next op boundary, without
 * waiting for the program's end. The program's state (the next op; its
 * buffers hold the results of the ops done) stays on the core, and it
 * resumes there from that op once the preempting job completed, before
 * the core goes to anyone else. Results are exactly those of an
 * uninterrupted run. A preempted program's device time
 * (&drm_edgeai_wait.device_time_ns, quotas, virtual time) and its job
 * timeout do not run while it waits; the switch costs a little device
 * time of its own. A preempting job waits at most one op of the program
 * (the one executing when it came) in device time. At most one
 * job preempts a program at a time (it is not preempted itself), jobs of
 * the same class never preempt each other, and command-list jobs are
 * not preempted. When the preempting job hangs and its core is reset,
 * the preempted program is cancelled too (its status -ECANCELED); when
 * the program's file is closed meanwhile, the program still completes.
 * The fdinfo key "edgeai-preemptions-<engine>" counts the preemptions of
 * the file's jobs; the module parameter arb_preempt turns preemption off.
 */
enum drm_edgeai_priority {
	DRM_EDGEAI_PRIORITY_LOW = 0,
	DRM_EDGEAI_PRIORITY_NORMAL = 1,
	DRM_EDGEAI_PRIORITY_HIGH = 2,
};

/* Weights of &struct drm_edgeai_policy (1.1). */
/** @DRM_EDGEAI_WEIGHT_DEFAULT: the weight of a newly opened file */
#define DRM_EDGEAI_WEIGHT_DEFAULT	100
/** @DRM_EDGEAI_WEIGHT_MAX: the largest weight */
#define DRM_EDGEAI_WEIGHT_MAX		10000

/* &drm_edgeai_policy.flags (1.1). */
/** @DRM_EDGEAI_POLICY_PRIORITY: set &drm_edgeai_policy.priority */
#define DRM_EDGEAI_POLICY_PRIORITY	(1U << 0)
/** @DRM_EDGEAI_POLICY_WEIGHT: set &drm_edgeai_policy.weight */
#define DRM_EDGEAI_POLICY_WEIGHT	(1U << 1)
/** @DRM_EDGEAI_POLICY_QUOTA: set &drm_edgeai_policy.quota_ns and period_ns */
#define DRM_EDGEAI_POLICY_QUOTA		(1U << 2)
/** @DRM_EDGEAI_POLICY_BY_PID: client is a pid: all its files on this device */
#define DRM_EDGEAI_POLICY_BY_PID	(1U << 3)

/**
 * struct drm_edgeai_policy - set the arbitration policy of clients (1.1)
 *
 * A client is an open file of this device, named by its client id
 * (DRM_EDGEAI_PARAM_CLIENT_ID, the drm-client-id line of its fdinfo) or,
 * with DRM_EDGEAI_POLICY_BY_PID, by the id of the process that opened it.
 * @client 0 (without BY_PID) is the calling file itself.
 *
 * Privilege: a file may lower its own priority or weight, and tighten its
 * own quota (set one where there was none, or allow less device time per
 * period), without privilege. Raising its own priority or weight, loosening
 * or removing its quota, and any change to another client need
 * CAP_SYS_NICE or CAP_SYS_ADMIN (the policy owner, edgeaid); otherwise
 * -EPERM. The policy applies to jobs that start after the call.
 *
 * Quota: with @quota_ns non-zero the client may use @quota_ns of device
 * time per @period_ns (periods start when the client first runs after the
 * previous one ended). Once a period's quota is used up, SUBMIT fails at
 * once with -EDQUOT until the period ends; jobs already queued still run.
 *
 * Errors: -EINVAL for unknown @flags, no field selected, a @priority out of
 * range, a @weight outside 1..DRM_EDGEAI_WEIGHT_MAX, a @period_ns outside
 * 1 ms..60 s with a quota, or a non-zero @pad; -ESRCH when no client
 * matches; -EPERM as above.
 */
struct drm_edgeai_policy {
	/** @client: in, client id, process id (BY_PID) or 0 for this file */
	__u64 client;
	/** @flags: in, DRM_EDGEAI_POLICY_*: which fields apply, how to match */
	__u32 flags;
	/** @priority: in, &enum drm_edgeai_priority */
	__u32 priority;
	/** @weight: in, 1..DRM_EDGEAI_WEIGHT_MAX */
	__u32 weight;
	/** @pad: must be zero */
	__u32 pad;
	/** @quota_ns: in, device time per period; 0 removes the quota */
	__u64 quota_ns;
	/** @period_ns: in, quota period, 1 ms..60 s (ignored without quota) */
	__u64 period_ns;
};

/**
 * enum drm_edgeai_busy_reason - why SUBMIT refused a job at once (1.1)
 * @DRM_EDGEAI_BUSY_NONE: no submit of this file was refused yet
 * @DRM_EDGEAI_BUSY_INFLIGHT: -EBUSY, DRM_EDGEAI_MAX_INFLIGHT jobs queued
 * @DRM_EDGEAI_BUSY_QUOTA: -EDQUOT, the quota of the period is used up
 * @DRM_EDGEAI_BUSY_THERMAL: -EBUSY, the device is at its critical trip
 */
enum drm_edgeai_busy_reason {
	DRM_EDGEAI_BUSY_NONE = 0,
	DRM_EDGEAI_BUSY_INFLIGHT = 1,
	DRM_EDGEAI_BUSY_QUOTA = 2,
	DRM_EDGEAI_BUSY_THERMAL = 3,
};

/**
 * struct drm_edgeai_client_info - read a client's policy and usage (1.1)
 *
 * Any file may read itself (@client 0 or its own id); reading another
 * client needs CAP_SYS_NICE or CAP_SYS_ADMIN.
 *
 * Errors: -EINVAL for non-zero @flags; -ESRCH for an unknown client;
 * -EPERM as above.
 */
struct drm_edgeai_client_info {
	/** @client: in, client id or 0 for this file */
	__u64 client;
	/** @flags: in, must be zero */
	__u32 flags;
	/** @priority: out, &enum drm_edgeai_priority */
	__u32 priority;
	/** @weight: out, the weight */
	__u32 weight;
	/** @busy_reason: out, &enum drm_edgeai_busy_reason of the last refusal */
	__u32 busy_reason;
	/** @quota_ns: out, device time per period, 0 for no quota */
	__u64 quota_ns;
	/** @period_ns: out, the quota period */
	__u64 period_ns;
	/** @quota_used_ns: out, device time used in the current period */
	__u64 quota_used_ns;
	/** @engine_ns: out, device time of the client's completed jobs */
	__u64 engine_ns;
};

/*
 * io_uring commands (IORING_OP_URING_CMD on the device fd).
 *
 * The ring must be created with IORING_SETUP_SQE128 and IORING_SETUP_CQE32;
 * otherwise the command completes at once with -EINVAL. sqe->cmd_op selects
 * the command (an unknown one completes with -EINVAL); sqe->cmd holds its
 * payload.
 *
 * EDGEAI_URING_CMD_SUBMIT: the payload is a &struct drm_edgeai_submit (72
 * bytes, fits the 80-byte SQE128 command area). The CQE is posted when the
 * job has finished: cqe->res is 0 or the job's negative errno (the same
 * values as &drm_edgeai_wait.status, or a submit error from the list at
 * &struct drm_edgeai_submit), and big_cqe[0] is the device time in
 * nanoseconds. If the ring or its task goes away first, the command is
 * cancelled: the job still runs to completion and its buffers stay
 * consistent, but no CQE is posted.
 */
#define EDGEAI_URING_CMD_SUBMIT	0x01

/*
 * Programs (1.2): see drm/edgeai_program.h for the format.
 */
#define DRM_EDGEAI_PROGRAM_CREATE	0x09
#define DRM_EDGEAI_PROGRAM_DESTROY	0x0a

/**
 * struct drm_edgeai_program_create - upload a program (1.2)
 *
 * The kernel copies the blob, checks it alone (header, tensor table, op
 * list, constant data, ops the device type supports; every rule listed in
 * drm/edgeai_program.h but the bound buffers; a program with an op outside
 * the device type's op set, which its firmware image lists, is -EINVAL)
 * and returns a handle private
 * to this file. The program is immutable afterwards. A submit with
 * DRM_EDGEAI_SUBMIT_PROGRAM checks it again against the buffers it binds:
 * buffer slot i of the program is &drm_edgeai_submit.bos[i], every tensor
 * must lie inside its buffer and every op output in a buffer bound with
 * DRM_EDGEAI_BO_WRITE.
 *
 * Errors: -EINVAL for a program that breaks a rule (one drm_dbg line names
 * the op index and the rule), a @size of 0 or above EDGEAI_PROG_MAX_SIZE,
 * non-zero @flags or @pad; -E2BIG (1.6; -EINVAL before) for a valid
 * program whose ops add up to more work than one job may do, at most 2^32
 * multiply-accumulates (the simulator runs a job's ops on a host CPU that
 * a core reset cannot interrupt): split it into programs run one after
 * the other; -EFAULT for a bad @data; -ENOMEM; -ENOSPC when the file has
 * DRM_EDGEAI_MAX_PROGRAMS programs already.
 */
struct drm_edgeai_program_create {
	/** @data: in, pointer to the program blob */
	__u64 data;
	/** @size: in, bytes at @data (the program's total_size) */
	__u32 size;
	/** @flags: in, must be zero */
	__u32 flags;
	/** @handle: out, program handle, non-zero */
	__u32 handle;
	/** @pad: must be zero */
	__u32 pad;
	/** @macs: out, multiply-accumulates one run costs (timing model) */
	__u64 macs;
	/** @bytes: out, bytes one run reads and writes */
	__u64 bytes;
};

/**
 * struct drm_edgeai_program_destroy - drop a program handle (1.2)
 *
 * Jobs already submitted with the program still run it.
 *
 * Errors: -ENOENT for an unknown @handle; -EINVAL for non-zero @flags.
 */
struct drm_edgeai_program_destroy {
	/** @handle: in, program handle */
	__u32 handle;
	/** @flags: in, must be zero */
	__u32 flags;
};

/** @DRM_EDGEAI_MAX_PROGRAMS: most programs one file may hold */
#define DRM_EDGEAI_MAX_PROGRAMS	1024

/*
 * &drm_edgeai_submit.flags (1.2).
 *
 * DRM_EDGEAI_SUBMIT_PROGRAM: the job runs the program whose handle is in
 * &drm_edgeai_submit.program_handle (must be non-zero; 1.2 binaries put it
 * in reserved[0], the same bytes), on the buffers of @bos; @cmds and
 * @cmd_count must be zero (@cmd_size is ignored), pad2 stays zero
 * (batch_max and batch_wait_us too, without DRM_EDGEAI_SUBMIT_BATCH).
 * A program whose ops fail on the device completes the job with -EIO.
 * Besides the errors listed at &struct drm_edgeai_submit: -ENOENT for an
 * unknown program handle, -EINVAL (and one drm_dbg line naming the op and
 * rule) when the program does not fit the bound buffers.
 */
/** @DRM_EDGEAI_SUBMIT_PROGRAM: run the program named by program_handle */
#define DRM_EDGEAI_SUBMIT_PROGRAM	(1U << 0)

/*
 * DRM_EDGEAI_SUBMIT_BATCH (1.6, when DRM_EDGEAI_PARAM_CAPABILITIES has
 * DRM_EDGEAI_CAP_BATCH; needs DRM_EDGEAI_SUBMIT_PROGRAM): dynamic
 * batching. Jobs that run the same program object, that were submitted
 * with this flag and that are queued for the same core may run as one
 * device job: the core executes the program once for each of them, op by
 * op (each op for every job of the batch before the next op), each on its
 * own buffers. Program handles are private to their file, but since 1.7
 * (DRM_EDGEAI_CAP_SHARED_PROGRAMS) the files that create byte for byte
 * the same program on a device get handles to one program object, so the
 * jobs of several applications that load the same model batch together;
 * a job joins a batch only if its file's priority class
 * (DRM_EDGEAI_SET_POLICY) is that of the file whose job opened it. A
 * device job has a fixed start and completion cost,
 * and the program's constant data (weights) is read once per batch, not
 * once per job, so a batch of N takes less device time than N jobs one by
 * one; see the simulator's timing model in the driver's documentation.
 *
 * Forming a batch: when the core is handed to a job with this flag
 * (arbitration as usual, &enum drm_edgeai_priority), that job opens a
 * batch and holds its core, idle, for up to its @batch_wait_us, while
 * later jobs of the same program object (in submission order, each with
 * this flag, of its priority class) join it. The batch starts when it has as many jobs as
 * the smallest @batch_max among them, when the opening job's
 * @batch_wait_us has passed, or as soon as a job that does not join (of
 * another program, of another priority class, without the flag, or one
 * that would make the batch larger than its own @batch_max) waits for the
 * core,
 * whichever comes first: a forming batch never holds up other jobs. So a
 * job waits at most its opener's @batch_wait_us (at most its
 * own, when it opens the batch) longer than it would without batching;
 * @batch_wait_us 0 batches only jobs already queued. The job timeout
 * (DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS) covers the whole batch, and the time
 * spent forming it does not count against it.
 *
 * Each job of a batch keeps its own result: its own done fence, syncobj,
 * WAIT status and CQE, and its own @device_time_ns (&drm_edgeai_wait):
 * the batch's device time shared equally among its jobs, which is also
 * what each is charged (virtual time, quota, fdinfo). A job whose program
 * op fails on the device completes with -EIO, the others of its batch are
 * not affected. A job that hangs stalls its whole batch: the job timeout
 * resets the core, that job completes with -ETIMEDOUT (its file is then
 * guilty: -EBADFD) and the other jobs of the batch with -ECANCELED. A
 * batch is preempted at op boundaries like a program (1.4). The fdinfo
 * key "edgeai-batched-jobs-<engine>" counts the jobs of the file that ran
 * in a batch of two or more, the device's sysfs "batched_jobs" those of
 * all files.
 *
 * Errors, besides those of &struct drm_edgeai_submit: -EINVAL for the
 * flag without DRM_EDGEAI_SUBMIT_PROGRAM, a @batch_max outside
 * 2..DRM_EDGEAI_MAX_BATCH, a @batch_wait_us above
 * DRM_EDGEAI_MAX_BATCH_WAIT_US, or either of them non-zero without the
 * flag.
 */
/** @DRM_EDGEAI_SUBMIT_BATCH: (1.6) the job may run in a batch, see above */
#define DRM_EDGEAI_SUBMIT_BATCH		(1U << 1)
/** @DRM_EDGEAI_MAX_BATCH: (1.6) most jobs in one batch */
#define DRM_EDGEAI_MAX_BATCH		16
/** @DRM_EDGEAI_MAX_BATCH_WAIT_US: (1.6) largest &drm_edgeai_submit.batch_wait_us */
#define DRM_EDGEAI_MAX_BATCH_WAIT_US	100000

#define DRM_IOCTL_EDGEAI_PROGRAM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_EDGEAI_PROGRAM_CREATE, \
		 struct drm_edgeai_program_create)
#define DRM_IOCTL_EDGEAI_PROGRAM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_EDGEAI_PROGRAM_DESTROY, \
		struct drm_edgeai_program_destroy)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_EDGEAI_ACCEL_H_ */
