/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_BACKEND_H__
#define __EDGEAI_BACKEND_H__

#include <linux/types.h>

/*
 * Most cores one device can have ("edgeai,num-cores"). Part of the device
 * model the driver core and its backends share: a backend runs one job at
 * a time on each of a device's 1..EDGEAI_MAX_CORES cores.
 */
#define EDGEAI_MAX_CORES	8

struct dentry;
struct edgeai_coredump_regs;
struct edgeai_core;
struct edgeai_device;
struct edgeai_job;

/**
 * struct edgeai_backend_ops - how the driver core talks to a device
 *
 * The driver core never touches hardware (or the simulator) directly; it
 * goes through this table. The simulator backend (edgeai_sim.c) implements
 * it in software; a hardware backend would implement the same table.
 *
 * Completion contract: after @submit succeeded, the backend signals the
 * job's done fence exactly once (edgeai_job_complete()), either when the job
 * finished or when @reset_core took it off the core.
 */
struct edgeai_backend_ops {
	/**
	 * @preemption: @submit takes a second job on a busy core and
	 * preempts a program with it at an op boundary (see @submit)
	 */
	bool preemption;
	/**
	 * @batching: @submit takes the jobs the arbiter let join a batch
	 * (&edgeai_job.batch_member) while the core forms or runs it, and
	 * runs the batch as one device job (DRM_EDGEAI_SUBMIT_BATCH)
	 */
	bool batching;
	/**
	 * @boot: bring the device up after the firmware was parsed; allocate
	 * backend state. Called once from probe.
	 */
	int (*boot)(struct edgeai_device *edev);
	/**
	 * @shutdown: stop all cores; jobs still on a core are completed with
	 * -ENODEV. Called on remove; new submits complete with -ENODEV.
	 */
	void (*shutdown)(struct edgeai_device *edev);
	/**
	 * @submit: start @job on @core. The core executes one job at a time.
	 * A job submitted while another one is on the core (the arbiter lets
	 * a job of a higher priority class preempt a program) takes the core
	 * at that program's next op boundary: the program is preempted, its
	 * next op saved, and it resumes on the same core once the preempting
	 * job completed; a job that cannot be preempted (commands) completes
	 * first. With @batching, a job the arbiter let join the batch of the
	 * job on the core (&edgeai_job.batch_member) is added to that batch,
	 * or runs in the next one if the batch started already. Called from
	 * the scheduler's run_job, must not sleep for long.
	 */
	int (*submit)(struct edgeai_core *core, struct edgeai_job *job);
	/**
	 * @reset_core: stop @core and take @job off it. Returns true when
	 * @job was still running (it then is the caller's to complete), and
	 * then completes the core's other jobs (the rest of @job's batch,
	 * the job preempted by @job or waiting to preempt it, and their
	 * batches) with -ECANCELED itself; false when @job had
	 * completed already, and the core runs on. May sleep.
	 */
	bool (*reset_core)(struct edgeai_core *core, struct edgeai_job *job);
	/**
	 * @batch_start: with @batching: the batch @core is forming starts
	 * now, without waiting for more jobs (a job that did not join it
	 * waits for the core). Process context, no lock held.
	 */
	void (*batch_start)(struct edgeai_core *core);
	/**
	 * @dump_core: optional; fill the backend's part of @regs (the job
	 * on @core, its status, the power and fault state) for the
	 * devcoredump of a reset. Called before @reset_core; must not sleep.
	 */
	void (*dump_core)(struct edgeai_core *core,
			  struct edgeai_coredump_regs *regs);
	/**
	 * @host_busy: optional; true while the backend still spends time of
	 * its own on @job, which is not device time (the simulator executing
	 * it on the host before its modelled device time starts). A job
	 * timeout then is not the job's: it is re-armed instead of resetting
	 * the core. Called from the timeout handler.
	 */
	bool (*host_busy)(struct edgeai_core *core, struct edgeai_job *job);
	/**
	 * @running_job: optional; the job executing on @core (not the one
	 * it preempted, nor one waiting to preempt it), or NULL. Called from
	 * the timeout handler with the core's scheduler stopped.
	 */
	struct edgeai_job *(*running_job)(struct edgeai_core *core);
	/** @set_freq: set the core clock of all cores, in kHz. */
	int (*set_freq)(struct edgeai_device *edev, u32 freq_khz);
	/** @read_temp: read the device temperature in milli-degrees C. */
	int (*read_temp)(struct edgeai_device *edev, int *temp_mc);
	/** @power_on: power the device up. */
	int (*power_on)(struct edgeai_device *edev);
	/** @power_off: power the device down; no job may be running. */
	void (*power_off)(struct edgeai_device *edev);
	/**
	 * @debugfs_init: optional; add the backend's files (state, fault
	 * knobs) to the device's debugfs directory @root.
	 */
	void (*debugfs_init)(struct edgeai_device *edev, struct dentry *root);
};

#endif /* __EDGEAI_BACKEND_H__ */
