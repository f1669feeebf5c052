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
 * Programs run op by op: the work item executes ops on the host (all that
 * are left, or up to an op boundary when a job comes to preempt the
 * program), then the timer lets their device time pass; the timing model
 * spreads a program's device time over its ops by each op's cost (the
 * validator's per-op MACs and bytes). A job submitted to the busy core
 * (the arbiter lets a higher priority class preempt a program) ends that
 * time at the program's next op boundary in device time, and takes the
 * core there: the program is parked with its next op in &edgeai_job.pc
 * (and, in &edgeai_job.tpc, the first op whose device time is still due)
 * and the rest of its timeout, and resumes on this core, from there, once
 * the preempting job completed. A preempted program's device time and
 * timeout do not run while it is parked. Ops the host ran ahead of their
 * device time change nothing anyone can see: the program's buffers stay
 * fenced until it completes.
 *
 * Batches (DRM_EDGEAI_SUBMIT_BATCH): a job with the flag that finds its
 * core free holds it, idle and not in device time (host_busy; its timeout
 * paused), for up to its batch_wait_us while the jobs the arbiter lets
 * join the batch arrive (edgeai_sim_submit()), or until the batch is
 * full; a job coming to preempt it ends the wait at once. Then the batch
 * runs as one device job: op by op, each op for every job of the batch
 * on that job's buffers, so op boundaries (and preemption) are the same
 * as for one program. Jobs that joined after the batch started wait on
 * the core's &edgeai_sim_core.late list and run as the next batch, at
 * once. A job that comes to wait for the core instead of joining ends
 * the wait too (edgeai_sim_batch_start()). The timing model of a batch
 * of N jobs of a program whose ops move B bytes, C of them from the
 * constant region (weights), and do M MACs:
 *
 *   device time = EDGEAI_SIM_JOB_OVERHEAD_NS (once per device job)
 *               + max((N * (B - C) + C) / bytes per cycle,
 *                     N * M / MACs per cycle) / clock
 *
 * and each op's share is its own cost by the same formula. That is, the
 * fixed cost of a device job (command fetch, start, completion interrupt,
 * fence) is paid once per batch, and the constants are read from memory
 * once per op for the whole batch (an op's weights stay in the core's
 * local memory while it runs over the batch), while the activations (the
 * jobs' own buffers) and the MACs scale with N. For N = 1 it is the
 * model above. Nothing else gets faster: a compute-bound program gains
 * only the overhead. Each job of the batch is given (and charged) an
 * equal share of the batch's device time.
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
#include "edgeai_arb.h"
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
/* Saving and restoring a preempted program's state, device time. */
#define EDGEAI_SIM_SWITCH_NS		2000
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
 * @timer: ends the device time of @job's slice: completes the job, or has
 *	@exec_work run its next slice
 * @gather_timer: ends the forming of @job's batch after its batch_wait_us
 * @lock: protects @job, @parked, @next, @last, @late, @gathering, the
 *	slice, @gone, @busy, @host_busy and the backend state of their
 *	&struct edgeai_job (and of the jobs of their batches)
 * @host_busy: @job is being executed on the host, its device time has not
 *	started
 * @job: the job executing on the core, NULL when idle
 * @parked: the program @job preempted; it resumes when @job completes
 * @next: a job submitted while @job executes: it preempts @job at its
 *	next op boundary, or takes the core when @job completes
 * @late: jobs that joined a batch of this core after it had started
 *	(&edgeai_job.batch_node); they run as the next batch
 * @gathering: @job forms a batch: @exec_work is not due until
 *	@gather_timer fires or the batch is full
 * @last: the job whose slice's device time (and timeout) ran last, NULL
 *	once it completed
 * @slice_ns: device time of @job's current slice
 * @slice_start: when the device time of @job's current slice started (ns)
 * @slice_base_ns: device time at the start of the slice before its first
 *	op (the job's start-up overhead)
 * @slice_total_ns: the program's compute time the slice was timed with
 * @slice_to: the op the slice's device time ends before
 * @slice_cost_to: the cost of the program's ops before @slice_to
 * @gone: the device was removed, no new jobs
 * @busy: @job counts as running in the power model
 */
struct edgeai_sim_core {
	struct edgeai_sim *sim;
	struct edgeai_core *core;
	struct work_struct exec_work;
	struct hrtimer timer;
	struct hrtimer gather_timer;
	/*
	 * Protects job, parked, next, last, late, gathering, the slice, gone,
	 * busy, host_busy and the jobs' backend state; taken from hardirq.
	 */
	spinlock_t lock;
	struct edgeai_job *job;
	struct edgeai_job *parked;
	struct edgeai_job *next;
	struct list_head late;
	bool gathering;
	struct edgeai_job *last;
	u64 slice_ns;
	u64 slice_start;
	u64 slice_base_ns;
	u64 slice_total_ns;
	u32 slice_to;
	u64 slice_cost_to;
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
 * Timing-model cost of op @i of @job's program, run for each job of the
 * batch @job is the first of, in bytes-cycles times MAC-cycles: the op's
 * constants are read once for the batch, the rest scales with it.
 */
static u64 edgeai_sim_op_cost(struct edgeai_sim *sim, struct edgeai_job *job,
			      u32 i)
{
	const struct edgeai_prog_op_work *w = &job->prog->op_work[i];
	u64 mpc = max(sim->edev->fw.macs_per_cycle, 1U);
	u64 bpc = max(READ_ONCE(sim->bytes_per_cycle), 1U);
	u64 n = job->batch_n;

	/*
	 * Bytes below 2^40, MACs below 2^33, batches of at most 16 jobs,
	 * byte and MAC rates below 2^16: no overflow.
	 */
	return max((n * (w->bytes - w->const_bytes) + w->const_bytes) * mpc,
		   n * w->macs * bpc);
}

/* Device time of the compute part of @job up to a cost of @cost. */
static u64 edgeai_sim_cost_ns(struct edgeai_job *job, u64 total_ns, u64 cost)
{
	if (!job->cost_total)
		return total_ns;
	return mul_u64_u64_div_u64(total_ns, cost, job->cost_total);
}

/*
 * Device time of a job: the longer of moving its bytes and doing its MACs
 * (programs) at the current clock. Both counts are bounded by the
 * validators (MACs by EDGEAI_PROG_MAX_WORK), so the products fit 64 bits.
 */
static u64 edgeai_sim_job_time_ns(struct edgeai_sim *sim, struct edgeai_job *job)
{
	u32 khz = max(READ_ONCE(sim->edev->freq_khz), 1U);
	u64 rate = (u64)max(READ_ONCE(sim->bytes_per_cycle), 1U) * khz;
	u64 n = job->batch_n, bytes = job->bytes, ns, mac_rate;

	/* A batch reads its program's constants once (see the top). */
	if (job->prog)
		bytes = n * (bytes - job->prog->work.const_bytes) +
			job->prog->work.const_bytes;
	/* bytes / (bytes per cycle * kHz) is in ms; scale to ns. */
	ns = div64_u64(bytes * 1000000ULL, rate);
	if (job->macs) {
		mac_rate = (u64)max(sim->edev->fw.macs_per_cycle, 1U) * khz;
		ns = max(ns, div64_u64(n * job->macs * 1000000ULL, mac_rate));
	}
	return ns;
}

/*
 * The job after @pos in the batch @job is the first of, or NULL: a batch
 * is walked from its first job, @job, then the others in the order they
 * joined.
 */
static struct edgeai_job *edgeai_sim_batch_next(struct edgeai_job *job,
						struct edgeai_job *pos)
{
	struct list_head *next = pos == job ? job->batch.next :
				 pos->batch_node.next;

	if (next == &job->batch)
		return NULL;
	return list_entry(next, struct edgeai_job, batch_node);
}

/* Has any job of @job's batch not failed yet? */
static bool edgeai_sim_batch_ok(struct edgeai_job *job)
{
	struct edgeai_job *pos;

	for (pos = job; pos; pos = edgeai_sim_batch_next(job, pos))
		if (!pos->exec_error)
			return true;
	return false;
}

/* Executes op @pc of @job's program for each job of its batch. */
static void edgeai_sim_exec_op(struct edgeai_job *job, u32 pc)
{
	void *slots[DRM_EDGEAI_MAX_BOS];
	struct edgeai_job *pos;
	unsigned int failed;
	u32 i;
	int ret;

	for (pos = job; pos; pos = edgeai_sim_batch_next(job, pos)) {
		if (pos->exec_error)
			continue;
		for (i = 0; i < pos->bo_count; i++)
			slots[i] = pos->maps[i].vaddr;
		ret = ek_exec_ops(pos->prog->blob, pos->prog->size, slots,
				  pos->bo_count, NULL, pc, 1, &failed);
		if (ret) {
			drm_dbg(&pos->edev->drm, "job %llu: program op %u failed (%d)\n",
				pos->id, failed, ret);
			pos->exec_error = -EIO;
		}
	}
}

/* Has @job's device time reached its end? */
static bool edgeai_sim_job_finished(struct edgeai_job *job)
{
	return !job->prog || job->tpc >= job->prog->op_count;
}

/*
 * Executes the next slice of @job on the host: its commands, or its
 * program's ops not executed yet (all of them, unless a job comes to
 * preempt it: then up to the next op boundary). The slice's device time
 * covers the ops from the first whose time has not passed (&edgeai_job.tpc)
 * to the last executed (&edgeai_job.pc); a job that comes to preempt it
 * while that time runs cuts it at the next op boundary
 * (edgeai_sim_cut_slice()), and the rest of the executed ops take their
 * time in the next slice. Returns the slice's device time.
 */
static u64 edgeai_sim_exec_slice(struct edgeai_sim_core *sc,
				 struct edgeai_job *job)
{
	struct edgeai_sim *sim = sc->sim;
	bool compute = !READ_ONCE(sim->compute_off);
	struct edgeai_job *pos;
	u64 total_ns, base = 0;
	bool yield;
	u32 i, n;

	if (!job->exec_started) {
		/* One start-up cost for the device job, the batch. */
		base = EDGEAI_SIM_JOB_OVERHEAD_NS;
		for (pos = job; pos; pos = edgeai_sim_batch_next(job, pos)) {
			pos->exec_started = true;
			if (atomic_dec_if_positive(&sim->fault_fail) >= 0)
				pos->exec_error = -EIO;
		}
		if (job->prog)
			for (i = 0; i < job->prog->op_count; i++)
				job->cost_total += edgeai_sim_op_cost(sim, job, i);
	}
	total_ns = edgeai_sim_job_time_ns(sim, job);

	if (!job->prog) {
		if (compute && !job->exec_error) {
			for (i = 0; i < job->cmd_count; i++) {
				edgeai_sim_run_cmd(job, &job->cmds[i]);
				cond_resched();
			}
		}
		sc->slice_base_ns = base;
		return base + total_ns;
	}

	n = job->prog->op_count;
	/*
	 * A job that nothing can preempt (it preempted a program itself, or
	 * its client is of the highest class) never stops early.
	 */
	scoped_guard(spinlock_irq, &sc->lock)
		yield = !sc->parked && edgeai_arb_may_be_preempted(job);
	while (job->pc < n && edgeai_sim_batch_ok(job)) {
		if (compute) {
			edgeai_sim_exec_op(job, job->pc);
			/* The op failed (on every job of the batch). */
			if (!edgeai_sim_batch_ok(job))
				break;
		}
		job->cost_done += edgeai_sim_op_cost(sim, job, job->pc);
		job->pc++;
		cond_resched();
		if (yield && READ_ONCE(sc->next))
			break;
	}
	if (!edgeai_sim_batch_ok(job)) {
		/* A failed program takes its whole time, as before. */
		job->cost_done = job->cost_total;
		job->pc = n;
	}
	sc->slice_base_ns = base;
	sc->slice_total_ns = total_ns;
	return base + edgeai_sim_cost_ns(job, total_ns, job->cost_done) -
	       edgeai_sim_cost_ns(job, total_ns, job->cost_timed);
}

/*
 * A job came to preempt the program whose slice's device time runs: end
 * that time at the program's next op boundary instead of the slice's end.
 */
static void edgeai_sim_cut_slice(struct edgeai_sim_core *sc)
{
	struct edgeai_job *job = sc->job;
	u64 elapsed, from, cost, t = 0;
	u32 j;

	lockdep_assert_held(&sc->lock);

	if (!job->prog || !sc->busy || sc->host_busy ||
	    sc->slice_to <= job->tpc + 1)
		return;
	/* Not while it fires: then the work item is due anyway. */
	if (hrtimer_try_to_cancel(&sc->timer) != 1)
		return;
	elapsed = ktime_get_ns() - sc->slice_start;
	cost = job->cost_timed;
	from = edgeai_sim_cost_ns(job, sc->slice_total_ns, cost);
	for (j = job->tpc; j < sc->slice_to; ) {
		cost += edgeai_sim_op_cost(sc->sim, job, j++);
		t = sc->slice_base_ns +
		    edgeai_sim_cost_ns(job, sc->slice_total_ns, cost) - from;
		if (t >= elapsed)
			break;
	}
	sc->slice_to = j;
	sc->slice_cost_to = cost;
	sc->slice_ns = t;
	hrtimer_start(&sc->timer, ns_to_ktime(t > elapsed ? t - elapsed : 0),
		      HRTIMER_MODE_REL);
}

static void edgeai_sim_exec_work(struct work_struct *work)
{
	struct edgeai_sim_core *sc = container_of(work, struct edgeai_sim_core,
						  exec_work);
	struct edgeai_sim *sim = sc->sim;
	struct edgeai_job *job, *prev, *pos, *preempted = NULL;
	unsigned long left, full;
	bool first, hung = false;
	u32 delay_ms;
	u64 ns;

	scoped_guard(spinlock_irq, &sc->lock) {
		job = sc->job;
		/* A batch still forming: the gather timer queues us. */
		if (!job || sc->gathering)
			return;
		prev = sc->last;
		sc->last = NULL;
		/*
		 * An op boundary of a program: a job waiting to preempt it
		 * takes the core now; the program keeps its next op.
		 */
		if (sc->next && job->prog && !edgeai_sim_job_finished(job)) {
			preempted = job;
			sc->parked = job;
			job = sc->next;
			sc->job = job;
			sc->next = NULL;
		}
		/* The batch of the job starting now is what it is. */
		job->batch_closed = true;
	}
	/*
	 * The job stays valid while this runs: only stopping the core takes
	 * it off, and that waits for this work first.
	 */
	full = edgeai_job_watchdog_full(job);
	left = edgeai_job_watchdog_pause(job);
	/* What the job whose device time ran until now has left of it. */
	if (prev)
		prev->watchdog_left = min(left, full);
	if (preempted)
		edgeai_job_preempted(preempted);
	left = job->watchdog_left;
	first = !job->exec_started;
	if (first && job->batch_max)
		edgeai_arb_batch_close(job);
	if (first && job->batch_n > 1)
		edgeai_job_batched(job, job->batch_n);

	/*
	 * A hung job stays on the core, busy, until the timeout (running
	 * again from now) resets it; a job that hangs in a batch stalls the
	 * whole batch.
	 */
	if (first) {
		/*
		 * The jobs that joined a batch take fault_hang before its
		 * first job, so tests can hang a job in the middle of one.
		 */
		list_for_each_entry(pos, &job->batch, batch_node) {
			if (atomic_dec_if_positive(&sim->fault_hang) >= 0) {
				pos->exec_hung = true;
				hung = true;
			}
		}
		if (atomic_dec_if_positive(&sim->fault_hang) >= 0) {
			job->exec_hung = true;
			hung = true;
		}
	}
	if (hung) {
		for (pos = job; pos; pos = edgeai_sim_batch_next(job, pos))
			pos->exec_started = true;
		scoped_guard(spinlock_irq, &sc->lock) {
			sc->host_busy = false;
			edgeai_sim_core_busy(sc, true);
		}
		edgeai_job_watchdog_resume(job, left);
		return;
	}

	delay_ms = first ? min(READ_ONCE(sim->host_delay_ms), 60000U) : 0;
	if (delay_ms)
		msleep(delay_ms);

	ns = edgeai_sim_exec_slice(sc, job);
	if (first)
		for (pos = job; pos; pos = edgeai_sim_batch_next(job, pos))
			pos->freq_khz = READ_ONCE(sim->edev->freq_khz);

	/* The job's device time starts: so does its timeout again. */
	edgeai_job_watchdog_resume(job, left);
	guard(spinlock_irq)(&sc->lock);
	if (sc->job != job)
		return;
	sc->slice_ns = ns;
	sc->slice_to = job->pc;
	sc->slice_cost_to = job->cost_done;
	sc->last = job;
	sc->host_busy = false;
	edgeai_sim_core_busy(sc, true);
	sc->slice_start = ktime_get_ns();
	hrtimer_start(&sc->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

/*
 * Takes the executing job off the core; the job it preempted, or else the
 * one waiting for the core, takes the core and @exec_work is due.
 */
static struct edgeai_job *edgeai_sim_take_job(struct edgeai_sim_core *sc)
{
	struct edgeai_job *job = sc->job;

	lockdep_assert_held(&sc->lock);
	sc->job = NULL;
	sc->last = NULL;
	sc->host_busy = false;
	edgeai_sim_core_busy(sc, false);
	if (sc->parked) {
		swap(sc->job, sc->parked);
		/* Restoring its state is device time of its own. */
		sc->job->exec_ns += EDGEAI_SIM_SWITCH_NS;
	} else if (sc->next) {
		swap(sc->job, sc->next);
	} else if (!list_empty(&sc->late)) {
		/* The jobs that joined a batch late: the next batch, now. */
		sc->job = list_first_entry(&sc->late, struct edgeai_job,
					   batch_node);
		list_del_init(&sc->job->batch_node);
		list_splice_init(&sc->late, &sc->job->batch);
		sc->job->batch_n = 1 + list_count_nodes(&sc->job->batch);
		sc->job->batch_closed = true;
	}
	if (sc->job)
		sc->host_busy = true;
	return job;
}

/*
 * Completes the jobs of the batch @job is the first of, each with its own
 * result (or @error, if not 0) and an equal share of the batch's device
 * time @ns; all but @keep, which stays the caller's (NULL for none). The
 * batch is off the core: its list is the caller's.
 */
static void edgeai_sim_complete_batch(struct edgeai_job *job,
				      struct edgeai_job *keep, int error, u64 ns)
{
	struct edgeai_job *pos, *tmp;
	u64 each = div_u64(ns, job->batch_n);
	u64 first = ns - each * (job->batch_n - 1);

	list_for_each_entry_safe(pos, tmp, &job->batch, batch_node) {
		list_del_init(&pos->batch_node);
		if (pos != keep)
			edgeai_job_complete(pos, error ?: pos->exec_error, each);
	}
	if (job != keep)
		edgeai_job_complete(job, error ?: job->exec_error, first);
}

/* Completes each job of @list, a list of jobs not started, with @error. */
static void edgeai_sim_cancel_list(struct list_head *list, int error)
{
	struct edgeai_job *pos, *tmp;

	list_for_each_entry_safe(pos, tmp, list, batch_node) {
		list_del_init(&pos->batch_node);
		edgeai_job_complete(pos, error, 0);
	}
}

static enum hrtimer_restart edgeai_sim_timer(struct hrtimer *timer)
{
	struct edgeai_sim_core *sc = container_of(timer, struct edgeai_sim_core,
						  timer);
	struct edgeai_job *job;
	unsigned long flags;
	bool more;
	u64 ns;

	spin_lock_irqsave(&sc->lock, flags);
	job = sc->job;
	if (!job) {
		spin_unlock_irqrestore(&sc->lock, flags);
		return HRTIMER_NORESTART;
	}
	job->exec_ns += sc->slice_ns;
	sc->slice_ns = 0;
	if (job->prog) {
		job->tpc = sc->slice_to;
		job->cost_timed = sc->slice_cost_to;
	}
	if (!edgeai_sim_job_finished(job)) {
		/* An op boundary: the next slice, or a preemption. */
		edgeai_sim_core_busy(sc, false);
		sc->host_busy = true;
		queue_work(sc->sim->wq, &sc->exec_work);
		spin_unlock_irqrestore(&sc->lock, flags);
		return HRTIMER_NORESTART;
	}
	edgeai_sim_take_job(sc);
	more = sc->job;
	ns = job->exec_ns;
	spin_unlock_irqrestore(&sc->lock, flags);

	if (more)
		queue_work(sc->sim->wq, &sc->exec_work);
	/* Off the core: nothing else touches the batch now. */
	edgeai_sim_complete_batch(job, NULL, 0, ns);
	return HRTIMER_NORESTART;
}

/* @job's batch is formed: it is due to start. */
static void edgeai_sim_end_gather(struct edgeai_sim_core *sc)
{
	lockdep_assert_held(&sc->lock);

	if (!sc->gathering)
		return;
	sc->gathering = false;
	/* Not while it fires: then it finds the forming over. */
	hrtimer_try_to_cancel(&sc->gather_timer);
	queue_work(sc->sim->wq, &sc->exec_work);
}

static void edgeai_sim_batch_start(struct edgeai_core *core)
{
	struct edgeai_sim_core *sc = to_sim_core(core);

	guard(spinlock_irq)(&sc->lock);
	edgeai_sim_end_gather(sc);
}

static enum hrtimer_restart edgeai_sim_gather_timer(struct hrtimer *timer)
{
	struct edgeai_sim_core *sc = container_of(timer, struct edgeai_sim_core,
						  gather_timer);
	unsigned long flags;

	spin_lock_irqsave(&sc->lock, flags);
	edgeai_sim_end_gather(sc);
	spin_unlock_irqrestore(&sc->lock, flags);
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
		hrtimer_init(&sc->gather_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		sc->gather_timer.function = edgeai_sim_gather_timer;
		INIT_LIST_HEAD(&sc->late);
	}
	edev->backend = sim;

	return drmm_add_action_or_reset(&edev->drm, edgeai_sim_release, sim);
}

/*
 * Stops the core and takes every job off it: the executing one is returned,
 * the one it preempted (@parked set) or the one waiting to preempt it goes
 * to @other; each keeps its batch. The jobs that joined a batch late stay
 * on &edgeai_sim_core.late.
 */
static struct edgeai_job *edgeai_sim_stop_core(struct edgeai_sim_core *sc,
					       bool gone,
					       struct edgeai_job **other,
					       bool *parked)
{
	struct edgeai_job *job;

	scoped_guard(spinlock_irq, &sc->lock) {
		sc->gone |= gone;
		sc->gathering = false;
	}
	/* The timers may queue the work, the work may start the timer. */
	do {
		hrtimer_cancel(&sc->gather_timer);
		cancel_work_sync(&sc->exec_work);
		hrtimer_cancel(&sc->timer);
	} while (work_pending(&sc->exec_work));

	guard(spinlock_irq)(&sc->lock);
	job = sc->job;
	*other = sc->parked ?: sc->next;
	*parked = sc->parked;
	/* A slice cut short still took its time. */
	if (job && sc->busy && job->prog) {
		job->tpc = sc->slice_to;
		job->cost_timed = sc->slice_cost_to;
	}
	if (job)
		job->exec_ns += sc->slice_ns;
	sc->slice_ns = 0;
	sc->job = NULL;
	sc->parked = NULL;
	sc->next = NULL;
	sc->last = NULL;
	sc->host_busy = false;
	edgeai_sim_core_busy(sc, false);
	return job;
}

static void edgeai_sim_shutdown(struct edgeai_device *edev)
{
	struct edgeai_sim *sim = edev->backend;
	struct edgeai_job *job, *other;
	LIST_HEAD(late);
	bool parked;
	u32 i;

	for (i = 0; i < edev->core_count; i++) {
		struct edgeai_sim_core *sc = &sim->cores[i];

		job = edgeai_sim_stop_core(sc, true, &other, &parked);
		scoped_guard(spinlock_irq, &sc->lock)
			list_splice_init(&sc->late, &late);
		if (other)
			edgeai_sim_complete_batch(other, NULL, -ENODEV,
						  other->exec_ns);
		if (job)
			edgeai_sim_complete_batch(job, NULL, -ENODEV, 0);
		edgeai_sim_cancel_list(&late, -ENODEV);
	}
}

/*
 * The batch on the core that @job may join: the first job of the core's
 * turn (executing, or preempted before it started), of @job's program,
 * not started yet and with room for @job.
 */
static struct edgeai_job *edgeai_sim_forming(struct edgeai_sim_core *sc,
					     struct edgeai_job *job)
{
	struct edgeai_job *lead = sc->parked ?: sc->job;

	lockdep_assert_held(&sc->lock);

	if (!lead || !lead->batch_max || lead->batch_closed ||
	    lead->prog != job->prog ||
	    lead->batch_n >= min(lead->batch_limit, job->batch_max))
		return NULL;
	return lead;
}

/* @job joined the batch of the job on @sc (edgeai_arb.c let it). */
static void edgeai_sim_join(struct edgeai_sim_core *sc, struct edgeai_job *job)
{
	struct edgeai_job *lead = edgeai_sim_forming(sc, job);

	lockdep_assert_held(&sc->lock);

	job->watchdog_left = edgeai_job_watchdog_full(job);
	if (!lead) {
		/* The batch started without it: it runs in the next one. */
		list_add_tail(&job->batch_node, &sc->late);
		return;
	}
	list_add_tail(&job->batch_node, &lead->batch);
	lead->batch_n++;
	lead->batch_limit = min(lead->batch_limit, job->batch_max);
	if (lead->batch_n >= lead->batch_limit)
		edgeai_sim_end_gather(sc);
}

static int edgeai_sim_submit(struct edgeai_core *core, struct edgeai_job *job)
{
	struct edgeai_sim_core *sc = to_sim_core(core);

	scoped_guard(spinlock_irq, &sc->lock) {
		if (sc->gone)
			return -ENODEV;
		if (job->batch_member && (sc->job || sc->parked)) {
			edgeai_sim_join(sc, job);
			return 0;
		}
		if (sc->job) {
			/* Preempts it at its next op boundary. */
			if (WARN_ON(sc->parked || sc->next))
				return -EBUSY;
			job->watchdog_left = edgeai_job_watchdog_full(job);
			sc->next = job;
			/* A batch still forming starts (and yields) now. */
			edgeai_sim_end_gather(sc);
			edgeai_sim_cut_slice(sc);
			return 0;
		}
		sc->job = job;
		sc->host_busy = true;
		job->batch_limit = job->batch_max;
		if (job->batch_max && !job->batch_member && job->batch_wait_ns) {
			/*
			 * It holds the idle core for the jobs that join its
			 * batch; that is not device time either.
			 */
			job->watchdog_left = edgeai_job_watchdog_pause(job);
			sc->gathering = true;
			hrtimer_start(&sc->gather_timer,
				      ns_to_ktime(job->batch_wait_ns),
				      HRTIMER_MODE_REL);
			return 0;
		}
	}
	/* Executing the job on the host is not device time. */
	job->watchdog_left = edgeai_job_watchdog_pause(job);
	queue_work(sc->sim->wq, &sc->exec_work);
	return 0;
}

/* Puts jobs taken off by edgeai_sim_stop_core() back, executing again. */
static void edgeai_sim_restart_core(struct edgeai_sim_core *sc,
				    struct edgeai_job *job,
				    struct edgeai_job *other, bool parked)
{
	scoped_guard(spinlock_irq, &sc->lock) {
		sc->job = job;
		if (parked)
			sc->parked = other;
		else
			sc->next = other;
		sc->host_busy = true;
	}
	job->watchdog_left = edgeai_job_watchdog_pause(job);
	queue_work(sc->sim->wq, &sc->exec_work);
}

/* Is @job one of the batch @lead is the first of? */
static bool edgeai_sim_in_batch(struct edgeai_job *lead, struct edgeai_job *job)
{
	struct edgeai_job *pos;

	for (pos = lead; pos; pos = edgeai_sim_batch_next(lead, pos))
		if (pos == job)
			return true;
	return false;
}

static bool edgeai_sim_reset_core(struct edgeai_core *core,
				  struct edgeai_job *job)
{
	struct edgeai_sim_core *sc = to_sim_core(core);
	struct edgeai_job *cur, *other;
	LIST_HEAD(late);
	bool parked;

	cur = edgeai_sim_stop_core(sc, false, &other, &parked);
	if (!cur || !edgeai_sim_in_batch(cur, job)) {
		/* Not the job we were asked about: let them run again. */
		if (cur)
			edgeai_sim_restart_core(sc, cur, other, parked);
		else if (WARN_ON(other))
			edgeai_sim_complete_batch(other, NULL, -ECANCELED,
						  other->exec_ns);
		return false;
	}
	/*
	 * The reset loses the state of every other job on the core: the
	 * rest of @job's batch, the other job (and its batch), and the jobs
	 * waiting to run as the next batch.
	 */
	scoped_guard(spinlock_irq, &sc->lock)
		list_splice_init(&sc->late, &late);
	edgeai_sim_complete_batch(cur, job, -ECANCELED, cur->exec_ns);
	if (other)
		edgeai_sim_complete_batch(other, NULL, -ECANCELED,
					  other->exec_ns);
	edgeai_sim_cancel_list(&late, -ECANCELED);
	return true;
}

/* In a batch that hangs, the job that hangs is the one executing. */
static struct edgeai_job *edgeai_sim_running_job(struct edgeai_core *core)
{
	struct edgeai_sim_core *sc = to_sim_core(core);
	struct edgeai_job *pos;

	guard(spinlock_irq)(&sc->lock);
	if (!sc->job)
		return NULL;
	for (pos = sc->job; pos; pos = edgeai_sim_batch_next(sc->job, pos))
		if (pos->exec_hung)
			return pos;
	return sc->job;
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
			regs->error = sc->job->exec_error;
			regs->job_time_ns = sc->job->exec_ns + sc->slice_ns;
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
 * next N jobs never complete (the job timeout resets the core; of a batch,
 * the jobs that joined it are taken before its first one); fault_fail:
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
	.preemption = true,
	.batching = true,
	.boot = edgeai_sim_boot,
	.shutdown = edgeai_sim_shutdown,
	.submit = edgeai_sim_submit,
	.batch_start = edgeai_sim_batch_start,
	.reset_core = edgeai_sim_reset_core,
	.dump_core = edgeai_sim_dump_core,
	.host_busy = edgeai_sim_host_busy,
	.running_job = edgeai_sim_running_job,
	.set_freq = edgeai_sim_set_freq,
	.read_temp = edgeai_sim_read_temp,
	.power_on = edgeai_sim_power_on,
	.power_off = edgeai_sim_power_off,
	.debugfs_init = edgeai_sim_debugfs_init,
};
