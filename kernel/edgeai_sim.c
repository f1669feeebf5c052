// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * The simulator backend: runs each job's commands, or its program with the
 * firmware op kernels, on the CPU in process context (a work item per
 * core), then completes the job from an hrtimer after the time the timing
 * model gives, so a job takes device time the way it would on the hardware.
 *
 * Device time is the timing model's alone: cycles from the job's bytes and
 * MACs (the program's op costs, counted by the validator) at the core
 * clock. The host CPU time the simulator spends executing a job (long for
 * a large model under TCG) is not: the job timeout is paused from submit
 * until the job's modelled time starts (edgeai_job_watchdog_pause()), a
 * timeout that fires meanwhile all the same (the scheduler re-arms it when
 * it frees the previous job) finds the job host_busy and is re-armed, and
 * the core counts as busy in the power model only for its modelled time.
 * A job that hangs (fault_hang) never starts its modelled time, so its
 * timeout runs on and the core is reset as before.
 *
 * Fault knobs in debugfs make jobs hang or fail. Without device-tree nodes,
 * the simulator also creates the devices (the sim_devices parameter).
 *
 * Power and thermal model: the device is off (0 mW), idle (the image's idle
 * power) or active (each busy core adds its share of the current operating
 * point's busy power); powering up takes wakeup_us. The temperature follows
 * the power through the image's RC model (edgeai_model.c), stepped at every
 * change of power and whenever it is read. debugfs "power" shows the state,
 * power, temperature, energy and the time spent in each state.
 */

#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "drm/edgeai_coredump.h"
#include "edgeai_device.h"
#include "edgeai_job.h"
#include "edgeai_model.h"
#include "edgeai_prog.h"
#include "edgeai_sim.h"
#include "ops.h"

/* Fixed cost of starting and completing a job, in device nanoseconds. */
#define EDGEAI_SIM_JOB_OVERHEAD_NS	20000
/* Bytes the copy/fill engine moves per cycle without firmware caps. */
#define EDGEAI_SIM_BYTES_PER_CYCLE	64
/* Time to power the device up. */
#define EDGEAI_SIM_WAKEUP_US		500

/* Power states of the model. */
enum edgeai_sim_state {
	EDGEAI_SIM_OFF,
	EDGEAI_SIM_IDLE,
	EDGEAI_SIM_ACTIVE,
	EDGEAI_SIM_STATES,
};

static const char * const edgeai_sim_state_names[EDGEAI_SIM_STATES] = {
	"off", "idle", "active",
};

/**
 * struct edgeai_sim_core - simulator state of one core
 * @sim: the simulator
 * @core: the core
 * @exec_work: runs the job's commands
 * @timer: completes the job once its device time has passed
 * @lock: protects @job, @error, @time_ns, @gone, @busy and @host_busy
 * @watchdog_left: the job timeout left when it was paused for the host's
 *	execution of @job; written before @exec_work is queued, read by it
 * @host_busy: @job is being executed on the host, its device time has not
 *	started
 * @job: the job on the core, NULL when idle
 * @error: result of @job once executed
 * @time_ns: device time of @job once executed
 * @gone: the device was removed, no new jobs
 * @busy: @job counts as running in the power model
 */
struct edgeai_sim_core {
	struct edgeai_sim *sim;
	struct edgeai_core *core;
	struct work_struct exec_work;
	struct hrtimer timer;
	unsigned long watchdog_left;
	/*
	 * Protects job, error, time_ns, gone, busy and host_busy; taken from
	 * hardirq.
	 */
	spinlock_t lock;
	struct edgeai_job *job;
	int error;
	u64 time_ns;
	bool gone;
	bool busy;
	bool host_busy;
};

/**
 * struct edgeai_sim - simulator state of one device
 * @edev: the device
 * @wq: executes the commands of all cores
 * @fault_hang: the next N jobs never complete (debugfs)
 * @fault_fail: the next N jobs complete with -EIO (debugfs)
 * @compute_off: jobs take their modelled time without executing their
 *	commands, for load tests (debugfs)
 * @host_delay_ms: host time added to executing each job, as if the host
 *	were that much slower; not device time (debugfs, for tests)
 * @bytes_per_cycle: copy/fill throughput of the timing model
 * @wakeup_us: time to power up (debugfs)
 * @model_lock: protects the power model below; taken from hardirq,
 *	nested inside &edgeai_sim_core.lock
 * @powered: the device is powered
 * @busy_cores: cores running a job
 * @temp_mc: temperature at @last_ns
 * @power_mw: power since @last_ns
 * @last_ns: when the model was last stepped
 * @energy_uj: energy used since boot
 * @residency_ns: time spent in each &enum edgeai_sim_state
 * @power_ups: times the device was powered up
 * @cores: per-core state
 */
struct edgeai_sim {
	struct edgeai_device *edev;
	struct workqueue_struct *wq;
	atomic_t fault_hang;
	atomic_t fault_fail;
	bool compute_off;
	u32 host_delay_ms;
	u32 bytes_per_cycle;
	u32 wakeup_us;
	/* Protects the power model; nests inside edgeai_sim_core.lock. */
	spinlock_t model_lock;
	bool powered;
	u32 busy_cores;
	s32 temp_mc;
	u32 power_mw;
	u64 last_ns;
	u64 energy_uj;
	u64 residency_ns[EDGEAI_SIM_STATES];
	u64 power_ups;
	struct edgeai_sim_core cores[EDGEAI_MAX_CORES];
};

static enum edgeai_sim_state edgeai_sim_state(struct edgeai_sim *sim)
{
	lockdep_assert_held(&sim->model_lock);

	if (!sim->powered)
		return EDGEAI_SIM_OFF;
	return sim->busy_cores ? EDGEAI_SIM_ACTIVE : EDGEAI_SIM_IDLE;
}

/* Busy power of the operating point at @freq_khz. */
static u32 edgeai_sim_opp_power(struct edgeai_device *edev, u32 freq_khz)
{
	u32 i, mw = edev->fw.opp[0].power_mw;

	for (i = 0; i < edev->fw.opp_count; i++)
		if (edev->fw.opp[i].freq_khz <= freq_khz)
			mw = edev->fw.opp[i].power_mw;
	return mw;
}

/* Steps the model to now with the power of the last interval. */
static void edgeai_sim_model_step(struct edgeai_sim *sim)
{
	const typeof(sim->edev->fw.thermal) *th = &sim->edev->fw.thermal;
	u64 now = ktime_get_ns();
	u64 dt = now - sim->last_ns;

	lockdep_assert_held(&sim->model_lock);

	sim->temp_mc = edgeai_model_rc_step(sim->temp_mc, th->ambient_mc,
					    th->r_th_mc_per_w, sim->power_mw,
					    dt, th->tau_ms);
	/* mW * ns = 1e-12 J. */
	sim->energy_uj += div_u64(dt * sim->power_mw, 1000000);
	sim->residency_ns[edgeai_sim_state(sim)] += dt;
	sim->last_ns = now;
}

/* Recomputes the power after a change of state or clock. */
static void edgeai_sim_model_set(struct edgeai_sim *sim)
{
	struct edgeai_device *edev = sim->edev;

	lockdep_assert_held(&sim->model_lock);

	if (!sim->powered) {
		sim->power_mw = 0;
		return;
	}
	sim->power_mw = edgeai_model_power_mw(edev->fw.thermal.idle_power_mw,
					      edgeai_sim_opp_power(edev, edev->freq_khz),
					      sim->busy_cores, edev->core_count);
}

/* A core starts (@busy) or stops running a job. */
static void edgeai_sim_core_busy(struct edgeai_sim_core *sc, bool busy)
{
	struct edgeai_sim *sim = sc->sim;
	unsigned long flags;

	lockdep_assert_held(&sc->lock);

	if (sc->busy == busy)
		return;
	sc->busy = busy;
	spin_lock_irqsave(&sim->model_lock, flags);
	edgeai_sim_model_step(sim);
	if (busy)
		sim->busy_cores++;
	else
		sim->busy_cores--;
	edgeai_sim_model_set(sim);
	spin_unlock_irqrestore(&sim->model_lock, flags);
}

static struct edgeai_sim_core *to_sim_core(struct edgeai_core *core)
{
	struct edgeai_sim *sim = core->edev->backend;

	return &sim->cores[core->index];
}

static void edgeai_sim_run_cmd(struct edgeai_job *job,
			       const struct drm_edgeai_cmd *cmd)
{
	u8 *dst = (u8 *)job->maps[cmd->dst_slot].vaddr + cmd->dst_offset;
	const u8 *src;

	switch (cmd->op) {
	case DRM_EDGEAI_CMD_COPY:
		src = (const u8 *)job->maps[cmd->src_slot].vaddr + cmd->src_offset;
		memcpy(dst, src, cmd->size);
		break;
	case DRM_EDGEAI_CMD_FILL:
		memset(dst, cmd->value & 0xff, cmd->size);
		break;
	}
}

/*
 * Runs a job's validated program with the firmware op kernels on its mapped
 * buffers; -EIO when an op failed on the device.
 */
static int edgeai_sim_run_program(struct edgeai_job *job)
{
	void *slots[DRM_EDGEAI_MAX_BOS];
	unsigned int failed = 0;
	u32 i;
	int ret;

	for (i = 0; i < job->bo_count; i++)
		slots[i] = job->maps[i].vaddr;
	ret = ek_exec_program(job->prog->blob, job->prog->size, slots,
			      job->bo_count, NULL, &failed);
	if (ret) {
		drm_dbg(&job->edev->drm, "job %llu: program op %u failed (%d)\n",
			job->id, failed, ret);
		return -EIO;
	}
	return 0;
}

/*
 * Device time of a job: the longer of moving its bytes and doing its MACs
 * (programs) at the current clock. Both counts are bounded by the
 * validators (MACs by EDGEAI_PROG_MAX_WORK), so the products fit 64 bits.
 */
static u64 edgeai_sim_job_time_ns(struct edgeai_sim *sim, struct edgeai_job *job)
{
	u32 khz = max(READ_ONCE(sim->edev->freq_khz), 1U);
	u64 rate = (u64)sim->bytes_per_cycle * khz;
	u64 ns, mac_rate;

	/* bytes / (bytes per cycle * kHz) is in ms; scale to ns. */
	ns = div64_u64(job->bytes * 1000000ULL, rate);
	if (job->macs) {
		mac_rate = (u64)max(sim->edev->fw.macs_per_cycle, 1U) * khz;
		ns = max(ns, div64_u64(job->macs * 1000000ULL, mac_rate));
	}
	return EDGEAI_SIM_JOB_OVERHEAD_NS + ns;
}

static void edgeai_sim_exec_work(struct work_struct *work)
{
	struct edgeai_sim_core *sc = container_of(work, struct edgeai_sim_core,
						  exec_work);
	struct edgeai_sim *sim = sc->sim;
	struct edgeai_job *job;
	unsigned long left;
	u32 i, delay_ms;
	int error = 0;
	u64 ns;

	scoped_guard(spinlock_irq, &sc->lock)
		job = sc->job;
	if (!job)
		return;
	/*
	 * The job stays valid while this runs: only stopping the core takes
	 * it off, and that waits for this work first.
	 */
	left = sc->watchdog_left;

	/*
	 * A hung job stays on the core, busy, until the timeout (running
	 * again from now) resets it.
	 */
	if (atomic_dec_if_positive(&sim->fault_hang) >= 0) {
		scoped_guard(spinlock_irq, &sc->lock) {
			sc->host_busy = false;
			edgeai_sim_core_busy(sc, true);
		}
		edgeai_job_watchdog_resume(job, left);
		return;
	}

	delay_ms = min(READ_ONCE(sim->host_delay_ms), 60000U);
	if (delay_ms)
		msleep(delay_ms);

	if (atomic_dec_if_positive(&sim->fault_fail) >= 0) {
		error = -EIO;
	} else if (READ_ONCE(sim->compute_off)) {
		/* Timing only. */
	} else if (job->prog) {
		error = edgeai_sim_run_program(job);
	} else {
		for (i = 0; i < job->cmd_count; i++) {
			edgeai_sim_run_cmd(job, &job->cmds[i]);
			cond_resched();
		}
	}
	ns = edgeai_sim_job_time_ns(sim, job);
	job->freq_khz = READ_ONCE(sim->edev->freq_khz);

	/* The job's device time starts: so does its timeout again. */
	edgeai_job_watchdog_resume(job, left);
	guard(spinlock_irq)(&sc->lock);
	if (sc->job != job)
		return;
	sc->error = error;
	sc->time_ns = ns;
	sc->host_busy = false;
	edgeai_sim_core_busy(sc, true);
	hrtimer_start(&sc->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

/* Takes the job off the core. */
static struct edgeai_job *edgeai_sim_take_job(struct edgeai_sim_core *sc)
{
	struct edgeai_job *job = sc->job;

	lockdep_assert_held(&sc->lock);
	sc->job = NULL;
	sc->host_busy = false;
	edgeai_sim_core_busy(sc, false);
	return job;
}

static enum hrtimer_restart edgeai_sim_timer(struct hrtimer *timer)
{
	struct edgeai_sim_core *sc = container_of(timer, struct edgeai_sim_core,
						  timer);
	struct edgeai_job *job;
	unsigned long flags;
	int error;
	u64 ns;

	spin_lock_irqsave(&sc->lock, flags);
	job = edgeai_sim_take_job(sc);
	error = sc->error;
	ns = sc->time_ns;
	spin_unlock_irqrestore(&sc->lock, flags);

	if (job)
		edgeai_job_complete(job, error, ns);
	return HRTIMER_NORESTART;
}

static void edgeai_sim_release(struct drm_device *drm, void *arg)
{
	struct edgeai_sim *sim = arg;

	destroy_workqueue(sim->wq);
}

static int edgeai_sim_boot(struct edgeai_device *edev)
{
	struct edgeai_sim *sim;
	u32 i;

	sim = drmm_kzalloc(&edev->drm, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;

	sim->edev = edev;
	spin_lock_init(&sim->model_lock);
	sim->wakeup_us = EDGEAI_SIM_WAKEUP_US;
	/* Boot powers the device up, at ambient temperature. */
	sim->powered = true;
	sim->temp_mc = edev->fw.thermal.ambient_mc;
	sim->last_ns = ktime_get_ns();
	scoped_guard(spinlock_irqsave, &sim->model_lock)
		edgeai_sim_model_set(sim);
	sim->wq = alloc_workqueue("edgeai-sim-%s", WQ_UNBOUND, 0,
				  dev_name(edev->drm.dev));
	if (!sim->wq)
		return -ENOMEM;
	/* The copy engine is as wide as a sixteenth of the MAC array. */
	sim->bytes_per_cycle = clamp(edev->fw.macs_per_cycle / 16, 16U, 256U);
	if (!edev->fw.macs_per_cycle)
		sim->bytes_per_cycle = EDGEAI_SIM_BYTES_PER_CYCLE;

	for (i = 0; i < edev->core_count; i++) {
		struct edgeai_sim_core *sc = &sim->cores[i];

		sc->sim = sim;
		sc->core = &edev->cores[i];
		spin_lock_init(&sc->lock);
		INIT_WORK(&sc->exec_work, edgeai_sim_exec_work);
		hrtimer_init(&sc->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		sc->timer.function = edgeai_sim_timer;
	}
	edev->backend = sim;

	return drmm_add_action_or_reset(&edev->drm, edgeai_sim_release, sim);
}

/* Takes whatever job is on the core off it; returns that job. */
static struct edgeai_job *edgeai_sim_stop_core(struct edgeai_sim_core *sc,
					       bool gone)
{
	scoped_guard(spinlock_irq, &sc->lock)
		sc->gone |= gone;
	cancel_work_sync(&sc->exec_work);
	hrtimer_cancel(&sc->timer);

	guard(spinlock_irq)(&sc->lock);
	return edgeai_sim_take_job(sc);
}

static void edgeai_sim_shutdown(struct edgeai_device *edev)
{
	struct edgeai_sim *sim = edev->backend;
	struct edgeai_job *job;
	u32 i;

	for (i = 0; i < edev->core_count; i++) {
		job = edgeai_sim_stop_core(&sim->cores[i], true);
		if (job)
			edgeai_job_complete(job, -ENODEV, 0);
	}
}

static int edgeai_sim_submit(struct edgeai_core *core, struct edgeai_job *job)
{
	struct edgeai_sim_core *sc = to_sim_core(core);

	scoped_guard(spinlock_irq, &sc->lock) {
		if (sc->gone)
			return -ENODEV;
		if (WARN_ON(sc->job))
			return -EBUSY;
		sc->job = job;
		sc->host_busy = true;
	}
	/* Executing the job on the host is not device time. */
	sc->watchdog_left = edgeai_job_watchdog_pause(job);
	queue_work(sc->sim->wq, &sc->exec_work);
	return 0;
}

static bool edgeai_sim_reset_core(struct edgeai_core *core,
				  struct edgeai_job *job)
{
	struct edgeai_sim_core *sc = to_sim_core(core);
	struct edgeai_job *cur;

	cur = edgeai_sim_stop_core(sc, false);
	if (cur && cur != job) {
		/* Not the job we were asked about: let it run again. */
		scoped_guard(spinlock_irq, &sc->lock) {
			sc->job = cur;
			sc->host_busy = true;
		}
		sc->watchdog_left = edgeai_job_watchdog_pause(cur);
		queue_work(sc->sim->wq, &sc->exec_work);
		return false;
	}
	return cur == job;
}

static bool edgeai_sim_host_busy(struct edgeai_core *core, struct edgeai_job *job)
{
	struct edgeai_sim_core *sc = to_sim_core(core);

	guard(spinlock_irq)(&sc->lock);
	return sc->job == job && sc->host_busy;
}

static int edgeai_sim_set_freq(struct edgeai_device *edev, u32 freq_khz)
{
	struct edgeai_sim *sim = edev->backend;

	guard(spinlock_irqsave)(&sim->model_lock);
	edgeai_sim_model_step(sim);
	WRITE_ONCE(edev->freq_khz, freq_khz);
	edgeai_sim_model_set(sim);
	return 0;
}

/* The core's state for a devcoredump; its driver-core part is filled. */
static void edgeai_sim_dump_core(struct edgeai_core *core,
				 struct edgeai_coredump_regs *regs)
{
	struct edgeai_sim_core *sc = to_sim_core(core);
	struct edgeai_sim *sim = sc->sim;
	unsigned long flags;

	spin_lock_irqsave(&sc->lock, flags);
	if (sc->job) {
		regs->status |= EDGEAI_COREDUMP_CORE_LOADED;
		regs->job_id = sc->job->id;
		if (hrtimer_active(&sc->timer)) {
			regs->status |= EDGEAI_COREDUMP_CORE_TIMER;
			regs->error = sc->error;
			regs->job_time_ns = sc->time_ns;
		} else {
			regs->status |= EDGEAI_COREDUMP_CORE_EXECUTING;
		}
	}
	if (sc->busy)
		regs->status |= EDGEAI_COREDUMP_CORE_BUSY;
	if (sc->gone)
		regs->status |= EDGEAI_COREDUMP_CORE_GONE;
	/* model_lock nests inside the core's lock. */
	spin_lock(&sim->model_lock);
	edgeai_sim_model_step(sim);
	regs->power = edgeai_sim_state(sim);
	regs->temp_mc = sim->temp_mc;
	regs->power_mw = sim->power_mw;
	regs->busy_cores = sim->busy_cores;
	regs->energy_uj = sim->energy_uj;
	spin_unlock(&sim->model_lock);
	spin_unlock_irqrestore(&sc->lock, flags);
	regs->fault_hang = max(atomic_read(&sim->fault_hang), 0);
	regs->fault_fail = max(atomic_read(&sim->fault_fail), 0);
}

static int edgeai_sim_read_temp(struct edgeai_device *edev, int *temp_mc)
{
	struct edgeai_sim *sim = edev->backend;

	guard(spinlock_irqsave)(&sim->model_lock);
	edgeai_sim_model_step(sim);
	*temp_mc = sim->temp_mc;
	return 0;
}

static void edgeai_sim_set_powered(struct edgeai_sim *sim, bool on)
{
	guard(spinlock_irqsave)(&sim->model_lock);
	edgeai_sim_model_step(sim);
	sim->powered = on;
	sim->power_ups += on;
	edgeai_sim_model_set(sim);
}

static int edgeai_sim_power_on(struct edgeai_device *edev)
{
	struct edgeai_sim *sim = edev->backend;
	u32 us = READ_ONCE(sim->wakeup_us);

	/* The rails and clocks take their time. */
	if (us)
		fsleep(us);
	edgeai_sim_set_powered(sim, true);
	return 0;
}

static void edgeai_sim_power_off(struct edgeai_device *edev)
{
	edgeai_sim_set_powered(edev->backend, false);
}

static int edgeai_sim_power_show(struct seq_file *m, void *unused)
{
	struct edgeai_sim *sim = m->private;
	u32 i;

	guard(spinlock_irqsave)(&sim->model_lock);
	edgeai_sim_model_step(sim);
	seq_printf(m, "state: %s\n", edgeai_sim_state_names[edgeai_sim_state(sim)]);
	seq_printf(m, "power_mw: %u\n", sim->power_mw);
	seq_printf(m, "temp_mc: %d\n", sim->temp_mc);
	seq_printf(m, "energy_uj: %llu\n", sim->energy_uj);
	seq_printf(m, "power_ups: %llu\n", sim->power_ups);
	for (i = 0; i < EDGEAI_SIM_STATES; i++)
		seq_printf(m, "%s_ns: %llu\n", edgeai_sim_state_names[i],
			   sim->residency_ns[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edgeai_sim_power);

/*
 * The simulator's knobs in the device's debugfs directory. fault_hang: the
 * next N jobs never complete (the job timeout resets the core); fault_fail:
 * the next N jobs complete with -EIO; bytes_per_cycle: copy/fill throughput;
 * wakeup_us: time to power up; compute_off: jobs only take their time (load
 * tests); host_delay_ms: the host takes that much longer to execute each
 * job, which must change neither its device time nor its timeout (tests);
 * power: the power model's state.
 */
static void edgeai_sim_debugfs_init(struct edgeai_device *edev,
				    struct dentry *root)
{
	struct edgeai_sim *sim = edev->backend;

	debugfs_create_atomic_t("fault_hang", 0600, root, &sim->fault_hang);
	debugfs_create_atomic_t("fault_fail", 0600, root, &sim->fault_fail);
	debugfs_create_u32("bytes_per_cycle", 0600, root, &sim->bytes_per_cycle);
	debugfs_create_u32("wakeup_us", 0600, root, &sim->wakeup_us);
	debugfs_create_bool("compute_off", 0600, root, &sim->compute_off);
	debugfs_create_u32("host_delay_ms", 0600, root, &sim->host_delay_ms);
	debugfs_create_file("power", 0400, root, sim, &edgeai_sim_power_fops);
}

/*
 * Simulated devices: without device-tree nodes, module init creates one
 * platform device per sim_devices entry, named after the platform ids below,
 * with its core count as the "edgeai,num-cores" property a DT node would
 * carry. The platform driver (edgeai_drv.c) binds them like DT devices.
 */
#define EDGEAI_SIM_MAX_DEVICES	8

static char *sim_devices = "npu:2,dsp:1";
module_param(sim_devices, charp, 0444);
MODULE_PARM_DESC(sim_devices,
		 "Simulated devices created without DT nodes, \"type:cores,...\" (default \"npu:2,dsp:1\", \"\" for none)");

static struct platform_device *edgeai_sim_pdevs[EDGEAI_SIM_MAX_DEVICES];

/* Platform ids of the simulated devices, the device type in driver_data. */
const struct platform_device_id edgeai_sim_ids[] = {
	{ .name = "edgeai-npu", .driver_data = DRM_EDGEAI_DEVICE_NPU },
	{ .name = "edgeai-dsp", .driver_data = DRM_EDGEAI_DEVICE_DSP },
	{ }
};
MODULE_DEVICE_TABLE(platform, edgeai_sim_ids);

/**
 * edgeai_sim_destroy_devices() - remove the simulated devices
 *
 * Called at module exit, after the platform driver unbound them.
 */
void edgeai_sim_destroy_devices(void)
{
	int i;

	for (i = EDGEAI_SIM_MAX_DEVICES - 1; i >= 0; i--) {
		platform_device_unregister(edgeai_sim_pdevs[i]);
		edgeai_sim_pdevs[i] = NULL;
	}
}

static int edgeai_sim_create_device(int index, const char *type, u32 cores)
{
	struct property_entry props[] = {
		PROPERTY_ENTRY_U32("edgeai,num-cores", cores),
		{ }
	};
	struct platform_device_info info = {
		.name = NULL,
		.id = index,
		.properties = props,
		.dma_mask = DMA_BIT_MASK(64),
	};
	struct platform_device *pdev;

	if (!strcmp(type, "npu"))
		info.name = "edgeai-npu";
	else if (!strcmp(type, "dsp"))
		info.name = "edgeai-dsp";
	if (!info.name || !cores || cores > EDGEAI_MAX_CORES) {
		pr_err("edgeai: sim_devices: bad entry \"%s:%u\"\n", type, cores);
		return -EINVAL;
	}

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	edgeai_sim_pdevs[index] = pdev;
	return 0;
}

/**
 * edgeai_sim_create_devices() - create the devices the sim_devices parameter
 *	lists ("npu:2,dsp:1": type and core count of each)
 *
 * Called at module init when the device tree has no edgeai node.
 *
 * Return: 0, or a negative errno with no device left behind.
 */
int edgeai_sim_create_devices(void)
{
	char *list, *cur, *entry, *type;
	int index = 0, ret = 0;
	u32 cores;

	list = kstrdup(sim_devices ?: "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;

	cur = list;
	while ((entry = strsep(&cur, ",")) != NULL) {
		entry = strim(entry);
		if (!*entry)
			continue;
		if (index == EDGEAI_SIM_MAX_DEVICES) {
			pr_err("edgeai: sim_devices: more than %d devices\n",
			       EDGEAI_SIM_MAX_DEVICES);
			ret = -EINVAL;
			break;
		}
		type = strsep(&entry, ":");
		cores = 1;
		if (entry && kstrtou32(entry, 0, &cores)) {
			pr_err("edgeai: sim_devices: bad core count \"%s\"\n",
			       entry);
			ret = -EINVAL;
			break;
		}
		ret = edgeai_sim_create_device(index++, type, cores);
		if (ret)
			break;
	}
	kfree(list);
	if (ret)
		edgeai_sim_destroy_devices();
	return ret;
}

const struct edgeai_backend_ops edgeai_sim_ops = {
	.boot = edgeai_sim_boot,
	.shutdown = edgeai_sim_shutdown,
	.submit = edgeai_sim_submit,
	.reset_core = edgeai_sim_reset_core,
	.dump_core = edgeai_sim_dump_core,
	.host_busy = edgeai_sim_host_busy,
	.set_freq = edgeai_sim_set_freq,
	.read_temp = edgeai_sim_read_temp,
	.power_on = edgeai_sim_power_on,
	.power_off = edgeai_sim_power_off,
	.debugfs_init = edgeai_sim_debugfs_init,
};
