/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_COREDUMP_H__
#define __EDGEAI_COREDUMP_H__

#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: edgeai devcoredump format
 *
 * When a job times out and its core is reset, edgeai.ko hands a snapshot to
 * the kernel's devcoredump (dev_coredumpv()). It appears as
 * /sys/class/devcoredump/devcdN/data, with failing_device pointing at the
 * accelerator's platform device; reading the file returns the snapshot,
 * writing anything to it frees it (else the kernel frees it after five
 * minutes). While one snapshot of a device is pending, the kernel drops
 * newer ones of the same device. `edgeaictl coredump` decodes it.
 *
 * The snapshot is little-endian binary:
 *
 *   struct edgeai_coredump_header
 *   section_count times:
 *     struct edgeai_coredump_section, then size bytes of payload, then
 *     zero padding to the next multiple of 8
 *
 * Sections, each at most once, in this order (a reader skips types it
 * does not know and must not assume a section is present):
 *
 *  - EDGEAI_COREDUMP_DEVICE: struct edgeai_coredump_device
 *  - EDGEAI_COREDUMP_JOB: struct edgeai_coredump_job, the guilty job
 *  - EDGEAI_COREDUMP_REGS: struct edgeai_coredump_regs, the core's
 *    registers and the backend's state just before the reset
 *  - EDGEAI_COREDUMP_PROGRAM: the guilty job's program from its first
 *    byte up to the end of its tensor table or op list, whichever ends
 *    later (struct edgeai_prog_header, tensors, ops of
 *    drm/edgeai_program.h; the constant region is left out); only for a
 *    job that runs a program
 *  - EDGEAI_COREDUMP_CMDS: the guilty job's struct drm_edgeai_cmd array;
 *    only for a job that runs commands
 *  - EDGEAI_COREDUMP_BUFFERS: struct edgeai_coredump_buffer for each
 *    buffer the guilty job bound, by slot
 *  - EDGEAI_COREDUMP_HISTORY: struct edgeai_coredump_history for each of
 *    the device's last (at most EDGEAI_COREDUMP_HISTORY_LEN) completed
 *    jobs, oldest first
 *
 * Compatibility: a new version only appends members to the structures
 * (their size is given by the section's size) or adds section types.
 */

/* "EACD" */
#define EDGEAI_COREDUMP_MAGIC		0x44434145U
#define EDGEAI_COREDUMP_VERSION		1
#define EDGEAI_COREDUMP_HISTORY_LEN	16

/**
 * enum edgeai_coredump_section_type - what a section holds
 * @EDGEAI_COREDUMP_DEVICE: &struct edgeai_coredump_device
 * @EDGEAI_COREDUMP_JOB: &struct edgeai_coredump_job
 * @EDGEAI_COREDUMP_REGS: &struct edgeai_coredump_regs
 * @EDGEAI_COREDUMP_PROGRAM: the program's header, tensors and ops
 * @EDGEAI_COREDUMP_CMDS: &struct drm_edgeai_cmd array
 * @EDGEAI_COREDUMP_BUFFERS: &struct edgeai_coredump_buffer array
 * @EDGEAI_COREDUMP_HISTORY: &struct edgeai_coredump_history array
 */
enum edgeai_coredump_section_type {
	EDGEAI_COREDUMP_DEVICE = 1,
	EDGEAI_COREDUMP_JOB = 2,
	EDGEAI_COREDUMP_REGS = 3,
	EDGEAI_COREDUMP_PROGRAM = 4,
	EDGEAI_COREDUMP_CMDS = 5,
	EDGEAI_COREDUMP_BUFFERS = 6,
	EDGEAI_COREDUMP_HISTORY = 7,
};

/**
 * struct edgeai_coredump_header - start of a snapshot (32 bytes)
 * @magic: EDGEAI_COREDUMP_MAGIC
 * @version: EDGEAI_COREDUMP_VERSION
 * @header_size: sizeof(struct edgeai_coredump_header)
 * @total_size: bytes in the whole snapshot
 * @section_count: sections following the header
 * @flags: zero
 * @time_ns: when the snapshot was taken, CLOCK_REALTIME
 */
struct edgeai_coredump_header {
	__u32 magic;
	__u32 version;
	__u32 header_size;
	__u32 total_size;
	__u32 section_count;
	__u32 flags;
	__u64 time_ns;
};

/**
 * struct edgeai_coredump_section - one section's header (8 bytes)
 * @type: &enum edgeai_coredump_section_type
 * @size: payload bytes following; the next section starts at the next
 *	multiple of 8
 */
struct edgeai_coredump_section {
	__u32 type;
	__u32 size;
};

/**
 * struct edgeai_coredump_device - the device (96 bytes)
 * @engine: "npu" or "dsp", NUL-padded
 * @type: &enum drm_edgeai_device_type
 * @minor: N of /dev/accel/accelN
 * @core_count: cores of the device
 * @freq_khz: core clock
 * @timeout_ms: job timeout
 * @reset_count: core resets so far, this one included
 * @fw_name: firmware file loaded at probe, NUL-terminated
 */
struct edgeai_coredump_device {
	char engine[8];
	__u32 type;
	__u32 minor;
	__u32 core_count;
	__u32 freq_khz;
	__u32 timeout_ms;
	__u32 reset_count;
	char fw_name[64];
};

/* The job runs a program (else commands). */
#define EDGEAI_COREDUMP_JOB_PROGRAM	(1U << 0)

/**
 * struct edgeai_coredump_job - the guilty job (64 bytes)
 * @id: the job's id in its file (as SUBMIT returned it)
 * @client_id: the submitting file's drm-client-id (fdinfo)
 * @core: core the job hung on
 * @flags: EDGEAI_COREDUMP_JOB_*
 * @bo_count: buffers the job bound
 * @cmd_count: commands of the job (0 for a program)
 * @prog_size: bytes of the program (0 for commands)
 * @prog_crc32: CRC-32 (the zlib one) of the whole program blob
 * @bytes: bytes the job moves, for the timing model
 * @macs: multiply-accumulates of the program
 * @priority: the file's DRM_EDGEAI_PRIORITY_*
 * @pad: zero
 */
struct edgeai_coredump_job {
	__u64 id;
	__u64 client_id;
	__u32 core;
	__u32 flags;
	__u32 bo_count;
	__u32 cmd_count;
	__u32 prog_size;
	__u32 prog_crc32;
	__u64 bytes;
	__u64 macs;
	__u32 priority;
	__u32 pad;
};

/**
 * enum edgeai_coredump_power - the device's power state
 * @EDGEAI_COREDUMP_POWER_OFF: powered down
 * @EDGEAI_COREDUMP_POWER_IDLE: powered, no core busy
 * @EDGEAI_COREDUMP_POWER_ACTIVE: at least one core busy
 */
enum edgeai_coredump_power {
	EDGEAI_COREDUMP_POWER_OFF = 0,
	EDGEAI_COREDUMP_POWER_IDLE = 1,
	EDGEAI_COREDUMP_POWER_ACTIVE = 2,
};

/* REGS.status bits */
/* A job is on the core. */
#define EDGEAI_COREDUMP_CORE_LOADED	(1U << 0)
/* The core is executing the job (its commands are not done). */
#define EDGEAI_COREDUMP_CORE_EXECUTING	(1U << 1)
/* The job is done executing, its completion timer runs. */
#define EDGEAI_COREDUMP_CORE_TIMER	(1U << 2)
/* The core counts as busy in the power model. */
#define EDGEAI_COREDUMP_CORE_BUSY	(1U << 3)
/* The device was removed. */
#define EDGEAI_COREDUMP_CORE_GONE	(1U << 4)

/**
 * struct edgeai_coredump_regs - the core and the backend (80 bytes)
 * @core: core index
 * @status: EDGEAI_COREDUMP_CORE_* bits
 * @job_id: id of the job on the core, 0 when none
 * @error: result the core recorded for the job (0 while executing)
 * @power: &enum edgeai_coredump_power of the device
 * @job_time_ns: device time the core computed for the job (0 while
 *	executing)
 * @busy_ns: device time of the jobs completed on the core
 * @jobs_done: jobs completed on the core
 * @freq_khz: core clock
 * @temp_mc: device temperature, milli-degrees C
 * @power_mw: device power, mW
 * @busy_cores: cores of the device running a job
 * @fault_hang: jobs the hang fault knob still holds (simulator)
 * @fault_fail: jobs the failure fault knob still fails (simulator)
 * @energy_uj: energy the device used since boot, microjoules
 */
struct edgeai_coredump_regs {
	__u32 core;
	__u32 status;
	__u64 job_id;
	__s32 error;
	__u32 power;
	__u64 job_time_ns;
	__u64 busy_ns;
	__u64 jobs_done;
	__u32 freq_khz;
	__s32 temp_mc;
	__u32 power_mw;
	__u32 busy_cores;
	__u32 fault_hang;
	__u32 fault_fail;
	__u64 energy_uj;
};

/**
 * struct edgeai_coredump_buffer - one buffer the guilty job bound (16 bytes)
 * @size: bytes of the buffer object
 * @flags: DRM_EDGEAI_BO_READ/WRITE as bound
 * @pad: zero
 */
struct edgeai_coredump_buffer {
	__u64 size;
	__u32 flags;
	__u32 pad;
};

/**
 * struct edgeai_coredump_history - one completed job (48 bytes)
 * @id: the job's id in its file
 * @client_id: the submitting file's drm-client-id
 * @end_ns: when it completed, CLOCK_MONOTONIC
 * @device_time_ns: time it spent on the device
 * @status: 0 or the job's negative errno
 * @core: core it ran on, 0xffffffff when it never reached one (cancelled)
 * @prog_crc32: CRC-32 of its program, 0 for a command job
 * @prog_size: bytes of its program, 0 for a command job
 */
struct edgeai_coredump_history {
	__u64 id;
	__u64 client_id;
	__u64 end_ns;
	__u64 device_time_ns;
	__s32 status;
	__u32 core;
	__u32 prog_crc32;
	__u32 prog_size;
};

#if defined(__cplusplus)
}
#endif

#endif /* __EDGEAI_COREDUMP_H__ */
