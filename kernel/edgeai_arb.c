// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Arbitration between clients: priority classes, weighted fair sharing of
 * measured device time, quotas, and the SET_POLICY / GET_CLIENT ioctls.
 *
 * drm_sched picks among ready entities first-in first-out, which shares a
 * core by queue depth, not by device time. So every job passes through the
 * arbiter before it may run: drm_sched asks &drm_sched_backend_ops
 * .prepare_job for one more dependency once a job's own fences signalled,
 * and the arbiter answers with a grant fence unless the job's client is the
 * one the core belongs to next. When a core becomes free (a job completed)
 * the arbiter picks the best waiting request for it and signals its grant;
 * drm_sched then runs that job, every other waiting entity stays blocked on
 * its own grant. See &enum drm_edgeai_priority in the uapi for the order
 * and the starvation bound.
 *
 * Preemption: a core takes more than one job (its credit limit), so the
 * entities with jobs for a busy core wait here too. While the core runs a program,
 * a waiting request of a higher priority class than the program's client
 * is handed the core at once: its job goes to the backend, which preempts
 * the program at its next op boundary and resumes it when that job
 * completed (arb_preempt). The core stays busy throughout; each job is
 * charged its own device time, the preempted one not the time it waited.
 *
 * Batching (DRM_EDGEAI_SUBMIT_BATCH): a job with the flag that gets a free
 * core opens a batch there (&edgeai_arb_core.batch). Until the backend
 * starts the batch (edgeai_arb_batch_close()) or it is full, jobs of the
 * same program object with the flag join it without waiting for a grant:
 * prepare_job lets them run at once, and the backend adds them to the
 * batch. Files that create the same program share its object
 * (edgeai_prog.c), so jobs of several clients of the priority class of
 * the job that opened the batch may join it: the batch is the turn of
 * that job's client, and each of its jobs is charged to its own client,
 * its share of the batch's device time, when it completes. A job that
 * comes to wait for the core instead of joining (another client's, say)
 * ends the forming at once (&edgeai_backend_ops.batch_start): a batch's
 * wait never holds up other jobs. The core stays
 * the client's until the last job of the turn completed (&edgeai_arb_core
 * .live).
 *
 * Each request belongs to one scheduler entity (one per file and core,
 * plus the file's any-core entity), and drm_sched fixes a job's core when
 * the job is armed, so arbitration is per core while virtual times are
 * per device. Fairness is exact between clients sharing a core; an
 * any-core entity stays on one core while it has jobs queued.
 */

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "edgeai_arb.h"
#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_job.h"
#include "edgeai_model.h"
#include "edgeai_thermal.h"

static bool arb_preempt = true;
module_param(arb_preempt, bool, 0644);
MODULE_PARM_DESC(arb_preempt,
		 "A waiting job of a higher priority class preempts a running program at an op boundary (default Y)");

/* How long a free core waits for its last client's next job. */
#define EDGEAI_ARB_DEFER_NS	(1 * NSEC_PER_MSEC)

static unsigned int arb_starve_ms = 100;
module_param(arb_starve_ms, uint, 0644);
MODULE_PARM_DESC(arb_starve_ms,
		 "A job waiting this long for its core goes before every priority class (default 100)");

static const char *edgeai_grant_driver_name(struct dma_fence *fence)
{
	return "edgeai";
}

static const char *edgeai_grant_timeline_name(struct dma_fence *fence)
{
	return "edgeai-arbiter";
}

static const struct dma_fence_ops edgeai_grant_ops = {
	.get_driver_name = edgeai_grant_driver_name,
	.get_timeline_name = edgeai_grant_timeline_name,
};

/* A grant fence with its own lock; freed by the default release. */
struct edgeai_grant {
	struct dma_fence base;
	/* Lock of base. */
	spinlock_t lock;
};

static void edgeai_arb_dispatch(struct edgeai_arb *arb, struct edgeai_arb_core *ac,
				bool force);

static enum hrtimer_restart edgeai_arb_defer_timer(struct hrtimer *timer)
{
	struct edgeai_arb_core *ac = container_of(timer, struct edgeai_arb_core,
						  defer_timer);
	struct edgeai_arb *arb = ac->arb;
	unsigned long flags;

	spin_lock_irqsave(&arb->lock, flags);
	ac->deferred = false;
	edgeai_arb_dispatch(arb, ac, true);
	spin_unlock_irqrestore(&arb->lock, flags);
	return HRTIMER_NORESTART;
}

/**
 * edgeai_arb_setup() - initialise a zeroed arbiter
 * @arb: the arbiter
 *
 * The part of edgeai_arb_init() that needs no DRM device; the KUnit suite
 * sets up arbiters of its own with it.
 */
void edgeai_arb_setup(struct edgeai_arb *arb)
{
	u32 i;

	spin_lock_init(&arb->lock);
	init_waitqueue_head(&arb->idle_wq);
	arb->window_start = ktime_get_ns();
	for (i = 0; i < EDGEAI_MAX_CORES; i++) {
		struct edgeai_arb_core *ac = &arb->cores[i];

		ac->arb = arb;
		INIT_LIST_HEAD(&ac->waiters);
		hrtimer_init(&ac->defer_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		ac->defer_timer.function = edgeai_arb_defer_timer;
	}
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_setup);

/**
 * edgeai_arb_teardown() - stop the timers of an arbiter
 * @arb: the arbiter; no job is left and none comes
 */
void edgeai_arb_teardown(struct edgeai_arb *arb)
{
	u32 i;

	for (i = 0; i < EDGEAI_MAX_CORES; i++)
		hrtimer_cancel(&arb->cores[i].defer_timer);
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_teardown);

/* The last job completed and the schedulers are gone: stop the timers. */
static void edgeai_arb_fini(struct drm_device *drm, void *arg)
{
	edgeai_arb_teardown(arg);
}

/**
 * edgeai_arb_init() - set up the device's arbiter
 * @edev: device with core_count set
 *
 * Call before the schedulers are created: the arbiter is torn down when the
 * DRM device is released, after them.
 *
 * Return: 0 or a negative errno.
 */
int edgeai_arb_init(struct edgeai_device *edev)
{
	edgeai_arb_setup(&edev->arb);
	return drmm_add_action_or_reset(&edev->drm, edgeai_arb_fini, &edev->arb);
}

static void edgeai_arb_req_init(struct edgeai_arb_req *req,
				struct edgeai_file_priv *ctx)
{
	INIT_LIST_HEAD(&req->node);
	req->ctx = ctx;
}

/**
 * edgeai_arb_open() - default policy of a new file
 * @ctx: the file's context
 */
void edgeai_arb_open(struct edgeai_file_priv *ctx)
{
	u32 i;

	ctx->priority = DRM_EDGEAI_PRIORITY_NORMAL;
	ctx->weight = DRM_EDGEAI_WEIGHT_DEFAULT;
	edgeai_arb_req_init(&ctx->req_any, ctx);
	for (i = 0; i < EDGEAI_MAX_CORES; i++)
		edgeai_arb_req_init(&ctx->req[i], ctx);
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_open);

/* Is @a a better pick than @b? */
static bool edgeai_arb_before(struct edgeai_arb_req *a,
			      struct edgeai_arb_req *b, u64 now)
{
	u64 starve = (u64)READ_ONCE(arb_starve_ms) * NSEC_PER_MSEC;
	bool sa = now - a->wait_start >= starve;
	bool sb = now - b->wait_start >= starve;

	if (sa != sb)
		return sa;
	if (sa)
		return a->wait_start < b->wait_start;
	if (a->ctx->priority != b->ctx->priority)
		return a->ctx->priority > b->ctx->priority;
	if (a->ctx->vtime != b->ctx->vtime)
		return a->ctx->vtime < b->ctx->vtime;
	return a->wait_start < b->wait_start;
}

/**
 * edgeai_arb_preempts() - do programs on @edev yield to higher classes?
 * @edev: device
 *
 * Return: true when its backend preempts programs at op boundaries and
 * the arb_preempt parameter is on (DRM_EDGEAI_CAP_PREEMPT).
 */
bool edgeai_arb_preempts(struct edgeai_device *edev)
{
	return edev->ops->preemption && READ_ONCE(arb_preempt);
}

/**
 * edgeai_arb_may_be_preempted() - can a job of @job's client be preempted?
 * @job: a program job on its core
 *
 * A backend runs a job that no waiting job can preempt (its client is of
 * the highest class) without stopping at op boundaries.
 *
 * Return: false when no client's job could preempt @job.
 */
bool edgeai_arb_may_be_preempted(struct edgeai_job *job)
{
	return edgeai_arb_preempts(job->edev) &&
	       READ_ONCE(job->ctx->priority) < DRM_EDGEAI_PRIORITY_HIGH;
}

/*
 * Hands a core that runs a program to the waiting request of the highest
 * priority class above the program's client's, if there is one: its job
 * preempts the program.
 */
static void edgeai_arb_dispatch_preempt(struct edgeai_arb *arb,
					struct edgeai_arb_core *ac)
{
	struct edgeai_arb_req *req, *best = NULL;

	lockdep_assert_held(&arb->lock);

	if (arb->paused || ac->granted || ac->preemptor || !ac->job ||
	    !ac->job->prog || !edgeai_arb_preempts(ac->job->edev))
		return;
	list_for_each_entry(req, &ac->waiters, node) {
		if (req->ctx->priority <= ac->job->ctx->priority)
			continue;
		if (!best || req->ctx->priority > best->ctx->priority ||
		    (req->ctx->priority == best->ctx->priority &&
		     (req->ctx->vtime < best->ctx->vtime ||
		      (req->ctx->vtime == best->ctx->vtime &&
		       req->wait_start < best->wait_start))))
			best = req;
	}
	if (!best)
		return;
	list_del_init(&best->node);
	ac->nwaiters--;
	ac->granted = best;
	arb->vclock = max(arb->vclock, best->ctx->vtime);
	dma_fence_signal(best->grant);
}

/*
 * Hands a free, unreserved core to its best waiting request; while the
 * core is deferred, only once every contender is waiting (or @force).
 */
static void edgeai_arb_dispatch(struct edgeai_arb *arb, struct edgeai_arb_core *ac,
				bool force)
{
	struct edgeai_arb_req *req, *best = NULL;
	u64 now;

	lockdep_assert_held(&arb->lock);

	if (ac->busy) {
		edgeai_arb_dispatch_preempt(arb, ac);
		return;
	}
	if (arb->paused || ac->granted || list_empty(&ac->waiters))
		return;
	if (ac->deferred && !force && ac->nwaiters < ac->contenders)
		return;
	if (ac->deferred) {
		ac->deferred = false;
		hrtimer_try_to_cancel(&ac->defer_timer);
	}
	now = ktime_get_ns();
	list_for_each_entry(req, &ac->waiters, node)
		if (!best || edgeai_arb_before(req, best, now))
			best = req;
	list_del_init(&best->node);
	ac->nwaiters--;
	ac->granted = best;
	arb->vclock = max(arb->vclock, best->ctx->vtime);
	dma_fence_signal(best->grant);
}

/* The quota period of @ctx that contains @now. */
static void edgeai_arb_period(struct edgeai_file_priv *ctx, u64 now)
{
	lockdep_assert_held(&ctx->edev->arb.lock);

	if (ctx->quota_ns && now - ctx->period_start >= ctx->period_ns) {
		ctx->period_start = now;
		ctx->period_used_ns = 0;
	}
}

/**
 * edgeai_arb_admit() - may @ctx queue another job now?
 * @ctx: the submitting file's context
 *
 * Return: 0, -EDQUOT when the file used up its quota for this period or
 * -EBUSY when the device is at its critical trip. The reason is recorded
 * for DRM_IOCTL_EDGEAI_GET_CLIENT.
 */
int edgeai_arb_admit(struct edgeai_file_priv *ctx)
{
	struct edgeai_device *edev = ctx->edev;
	bool over;

	if (edgeai_thermal_is_critical(edev)) {
		edgeai_arb_refused(ctx, DRM_EDGEAI_BUSY_THERMAL);
		return -EBUSY;
	}

	scoped_guard(spinlock_irqsave, &edev->arb.lock) {
		edgeai_arb_period(ctx, ktime_get_ns());
		over = ctx->quota_ns && ctx->period_used_ns >= ctx->quota_ns;
	}
	if (over) {
		edgeai_arb_refused(ctx, DRM_EDGEAI_BUSY_QUOTA);
		atomic64_inc(&ctx->quota_refusals);
		return -EDQUOT;
	}
	return 0;
}

/**
 * edgeai_arb_busy() - an idle client queues a job
 * @ctx: the client, which had no job in flight
 *
 * It starts at the virtual time of the clients served lately: time spent
 * idle is not saved up to take the device from busy clients later.
 */
void edgeai_arb_busy(struct edgeai_file_priv *ctx)
{
	struct edgeai_arb *arb = &ctx->edev->arb;

	guard(spinlock_irqsave)(&arb->lock);
	ctx->vtime = max(ctx->vtime, arb->vclock);
}

/**
 * edgeai_arb_refused() - record why a submit was refused
 * @ctx: the submitting file's context
 * @reason: &enum drm_edgeai_busy_reason
 */
void edgeai_arb_refused(struct edgeai_file_priv *ctx, u32 reason)
{
	WRITE_ONCE(ctx->busy_reason, reason);
}

static struct edgeai_arb_req *edgeai_arb_entity_req(struct edgeai_file_priv *ctx,
						    struct drm_sched_entity *entity)
{
	if (entity == &ctx->entity_any)
		return &ctx->req_any;
	return &ctx->req[entity - ctx->entity];
}

static u32 edgeai_job_core(struct edgeai_job *job)
{
	return container_of(job->base.sched, struct edgeai_core, sched)->index;
}

static void edgeai_arb_unqueue(struct edgeai_arb *arb, struct edgeai_job *job)
{
	struct edgeai_arb_req *req;

	lockdep_assert_held(&arb->lock);

	if (!job->arb_queued)
		return;
	job->arb_queued = false;
	req = edgeai_arb_entity_req(job->ctx, job->arb_entity);
	if (!--req->queued)
		arb->cores[req->core].contenders--;
}

/**
 * edgeai_arb_queued() - a job is about to be pushed to its entity
 * @job: the armed job
 */
void edgeai_arb_queued(struct edgeai_job *job)
{
	struct edgeai_arb *arb = &job->edev->arb;
	struct edgeai_arb_req *req;

	job->arb_entity = job->base.entity;
	req = edgeai_arb_entity_req(job->ctx, job->arb_entity);

	guard(spinlock_irqsave)(&arb->lock);
	if (!req->queued++) {
		req->core = edgeai_job_core(job);
		arb->cores[req->core].contenders++;
	}
	job->arb_queued = true;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_queued);

/**
 * edgeai_arb_unqueued() - a job that never started is freed
 * @job: the job
 */
void edgeai_arb_unqueued(struct edgeai_job *job)
{
	struct edgeai_arb *arb = &job->edev->arb;

	guard(spinlock_irqsave)(&arb->lock);
	edgeai_arb_unqueue(arb, job);
}

/*
 * The core takes @job of @ctx: it is busy until edgeai_arb_release(). On a
 * busy core, @job preempts the program running there.
 */
static void edgeai_arb_start(struct edgeai_arb *arb, struct edgeai_arb_core *ac,
			     struct edgeai_job *job)
{
	lockdep_assert_held(&arb->lock);

	if (ac->busy) {
		ac->preemptor = job;
	} else {
		ac->busy = true;
		ac->job = job;
		ac->live = 1;
		ac->busy_since = ktime_get_ns();
		arb->running++;
		if (job->batch_max && job->prog) {
			ac->batch = job;
			ac->batch_n = 1;
			ac->batch_limit = job->batch_max;
		}
	}
	job->arb_granted = true;
	edgeai_arb_unqueue(arb, job);
}

/*
 * Lets @job join the batch @ac is forming, if it may: it runs the same
 * program object with DRM_EDGEAI_SUBMIT_BATCH, its client is of the
 * opener's priority class (a lower one would overtake the waiters of its
 * class, a higher one preempts instead), and the batch has room for it
 * under every member's batch_max (its own included).
 */
static bool edgeai_arb_batch_join(struct edgeai_arb *arb,
				  struct edgeai_arb_core *ac,
				  struct edgeai_job *job)
{
	struct edgeai_job *lead = ac->batch;

	lockdep_assert_held(&arb->lock);

	if (!lead || arb->paused || !job->batch_max || job->prog != lead->prog ||
	    job->ctx->priority != lead->ctx->priority ||
	    ac->batch_n >= min(ac->batch_limit, job->batch_max))
		return false;
	ac->batch_n++;
	ac->batch_limit = min(ac->batch_limit, job->batch_max);
	if (ac->batch_n >= ac->batch_limit)
		ac->batch = NULL;
	ac->live++;
	job->ctx->active++;
	job->batch_member = true;
	job->arb_granted = true;
	edgeai_arb_unqueue(arb, job);
	return true;
}

/*
 * @req waits for @ac with the grant fence @grant (allocated by the caller,
 * taken over here): edgeai_arb_dispatch() signals it when the core is
 * handed to @req.
 */
static void edgeai_arb_wait(struct edgeai_arb *arb, struct edgeai_arb_core *ac,
			    struct edgeai_arb_req *req,
			    struct edgeai_grant *grant)
{
	lockdep_assert_held(&arb->lock);

	spin_lock_init(&grant->lock);
	dma_fence_init(&grant->base, &edgeai_grant_ops, &grant->lock,
		       dma_fence_context_alloc(1), 1);
	req->grant = &grant->base;
	list_add_tail(&req->node, &ac->waiters);
	ac->nwaiters++;
}

/**
 * edgeai_arb_batch_close() - no more jobs join a batch
 * @job: the first job of the batch, which the backend starts now
 *
 * Called by the backend, process context, without its own locks held.
 */
void edgeai_arb_batch_close(struct edgeai_job *job)
{
	struct edgeai_arb *arb = &job->edev->arb;
	struct edgeai_arb_core *ac = &arb->cores[job->core->index];

	guard(spinlock_irqsave)(&arb->lock);
	if (ac->batch == job)
		ac->batch = NULL;
}

/**
 * edgeai_arb_prepare() - &drm_sched_backend_ops.prepare_job
 * @job: the entity's next job; its own dependencies have signalled
 * @entity: the job's entity
 *
 * A job starts here, under the arbiter lock, and nowhere else: while
 * the arbiter is paused none does, and a core handed to the entity before
 * the pause (its grant signalled) is taken back if the job has not
 * started yet (see edgeai_arb_pause()).
 *
 * Return: NULL when @job may run on its core now, else a fence (a
 * reference) that signals when the arbiter hands the core to the entity.
 */
struct dma_fence *edgeai_arb_prepare(struct edgeai_job *job,
				     struct drm_sched_entity *entity)
{
	struct edgeai_file_priv *ctx = job->ctx;
	struct edgeai_arb *arb = &job->edev->arb;
	struct edgeai_core *core = container_of(job->base.sched,
						struct edgeai_core, sched);
	struct edgeai_arb_core *ac = &arb->cores[core->index];
	struct edgeai_arb_req *req = edgeai_arb_entity_req(ctx, entity);
	struct edgeai_grant *grant;
	struct dma_fence *wait = NULL;
	bool batch_start = false;

	/*
	 * Allocated outside the lock, used only when the job has to wait. A
	 * job cannot proceed without it, and it is small: no failure path.
	 */
	grant = kzalloc(sizeof(*grant), GFP_KERNEL | __GFP_NOFAIL);

	scoped_guard(spinlock_irqsave, &arb->lock) {
		/* A batch forming on the core takes it at once. */
		if (!req->grant && edgeai_arb_batch_join(arb, ac, job))
			break;
		if (!req->grant) {
			/* A new request: an idle core is taken at once. */
			ctx->active++;
			if (!arb->paused && !ac->busy && !ac->granted &&
			    !ac->deferred && list_empty(&ac->waiters)) {
				arb->vclock = max(arb->vclock, ctx->vtime);
				edgeai_arb_start(arb, ac, job);
				break;
			}
			req->wait_start = ktime_get_ns();
			edgeai_arb_wait(arb, ac, req, grant);
			grant = NULL;
			/*
			 * A batch forming on the core keeps no job that did
			 * not join it waiting: it starts with what it has.
			 */
			if (ac->batch) {
				ac->batch = NULL;
				batch_start = true;
			}
			edgeai_arb_dispatch(arb, ac, false);
		} else if (ac->granted == req && arb->paused) {
			/*
			 * The core was handed to us before the arbiter paused
			 * and the job has not started: edgeai_arb_pause() does
			 * not wait for it, the device may be off already. Take
			 * the grant back; the job waits, keeping its place by
			 * its wait_start, until edgeai_arb_resume().
			 */
			ac->granted = NULL;
			dma_fence_put(req->grant);
			edgeai_arb_wait(arb, ac, req, grant);
			grant = NULL;
		}
		if (ac->granted == req) {
			/* Our turn: the core was handed to this request. */
			ac->granted = NULL;
			dma_fence_put(req->grant);
			req->grant = NULL;
			edgeai_arb_start(arb, ac, job);
			break;
		}
		/* Waiting (again, after a spurious wake-up). */
		wait = dma_fence_get(req->grant);
	}
	kfree(grant);
	if (batch_start)
		job->edev->ops->batch_start(core);
	return wait;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_prepare);

/**
 * edgeai_arb_release() - a job that got a core completed
 * @job: the job; edgeai_arb_start() marked it
 * @device_ns: the device time it took, charged to its client
 *
 * Called once per started job from edgeai_job_complete(), any context.
 */
void edgeai_arb_release(struct edgeai_job *job, u64 device_ns)
{
	struct edgeai_file_priv *ctx = job->ctx;
	struct edgeai_arb *arb = &job->edev->arb;
	struct edgeai_arb_core *ac = &arb->cores[job->core->index];
	unsigned long flags;
	u64 now = ktime_get_ns();

	spin_lock_irqsave(&arb->lock, flags);
	ctx->vtime += edgeai_model_vtime_charge(device_ns, ctx->weight);
	edgeai_arb_period(ctx, now);
	ctx->period_used_ns += device_ns;
	ctx->active--;
	if (ac->batch == job)
		ac->batch = NULL;
	if (job == ac->preemptor) {
		ac->preemptor = NULL;
	} else if (!WARN_ON(!ac->busy || !ac->live)) {
		/* The turn's first job, or one that joined its batch. */
		if (job == ac->job)
			ac->job = NULL;
		if (--ac->live) {
			/* The rest of the turn's jobs still run. */
		} else if (ac->preemptor) {
			/* Cancelled under its preemptor (a reset): it runs on. */
			ac->job = ac->preemptor;
			ac->preemptor = NULL;
			ac->live = 1;
		} else {
			ac->busy_ns += now - max(ac->busy_since, arb->window_start);
			ac->busy = false;
			arb->running--;
		}
	}
	/*
	 * drm_sched asks prepare_job only while the core has a credit free
	 * and one entity at a time, so entities with jobs queued are not all
	 * waiters yet. Let them all come forward
	 * and compete: hand the core out once they are, or after a short
	 * while if one is held up by a fence of its own.
	 */
	if (!ac->busy && ac->contenders > ac->nwaiters && !arb->paused) {
		ac->deferred = true;
		hrtimer_start(&ac->defer_timer, ns_to_ktime(EDGEAI_ARB_DEFER_NS),
			      HRTIMER_MODE_REL);
	}
	edgeai_arb_dispatch(arb, ac, false);
	spin_unlock_irqrestore(&arb->lock, flags);

	wake_up_all(&arb->idle_wq);
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_release);

/* Withdraws @req: its entity is gone. */
static void edgeai_arb_req_fini(struct edgeai_arb *arb, struct edgeai_arb_req *req)
{
	struct dma_fence *grant = NULL;
	u32 i;

	lockdep_assert_held(&arb->lock);

	for (i = 0; i < EDGEAI_MAX_CORES; i++) {
		if (arb->cores[i].granted != req)
			continue;
		arb->cores[i].granted = NULL;
		req->ctx->active--;
		edgeai_arb_dispatch(arb, &arb->cores[i], true);
	}
	if (!list_empty(&req->node)) {
		list_del_init(&req->node);
		arb->cores[req->core].nwaiters--;
		req->ctx->active--;
	}
	swap(grant, req->grant);
	if (grant) {
		dma_fence_signal(grant);
		dma_fence_put(grant);
	}
}

/**
 * edgeai_arb_close() - withdraw the requests of a closing file
 * @ctx: the file's context, whose entities were destroyed
 */
void edgeai_arb_close(struct edgeai_file_priv *ctx)
{
	struct edgeai_arb *arb = &ctx->edev->arb;
	u32 i;

	guard(spinlock_irqsave)(&arb->lock);
	edgeai_arb_req_fini(arb, &ctx->req_any);
	for (i = 0; i < EDGEAI_MAX_CORES; i++)
		edgeai_arb_req_fini(arb, &ctx->req[i]);
}

/**
 * edgeai_arb_pause() - hand out no core and wait for the started jobs
 * @edev: device going to sleep
 *
 * Jobs stay queued until edgeai_arb_resume(): their grants are not given,
 * and a grant given before the pause to a job that has not started is
 * taken back when the job comes to start (edgeai_arb_prepare()).
 *
 * Ordering: a job starts (edgeai_arb_start() or edgeai_arb_batch_join())
 * only under &edgeai_arb.lock with &edgeai_arb.paused clear, and its core
 * counts in &edgeai_arb.running from then until its turn's last job
 * completed. @paused is set under the same lock, so every job either
 * started before it, and is waited for here, or does not start before
 * edgeai_arb_resume(). Once this returned 0 no job touches the device.
 *
 * Return: 0, or -EBUSY when jobs still run after twice the job timeout;
 * the arbiter then hands out cores again, and the device must not sleep.
 */
int edgeai_arb_pause(struct edgeai_device *edev)
{
	struct edgeai_arb *arb = &edev->arb;

	scoped_guard(spinlock_irqsave, &arb->lock)
		arb->paused = true;
	/*
	 * A job on a core ends by its timeout at the latest; the timeout
	 * counts device time, so a simulator still executing a job on the
	 * host may take longer, and the wait gives up after twice it. A job
	 * that started but did not reach the backend yet would find the
	 * device off: refuse the sleep rather than fail the job.
	 */
	if (wait_event_timeout(arb->idle_wq, !READ_ONCE(arb->running),
			       msecs_to_jiffies(2 * edev->timeout_ms)))
		return 0;
	edgeai_arb_resume(edev);
	return -EBUSY;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_pause);

/**
 * edgeai_arb_resume() - hand out cores again after edgeai_arb_pause()
 * @edev: device that woke up
 */
void edgeai_arb_resume(struct edgeai_device *edev)
{
	struct edgeai_arb *arb = &edev->arb;
	u32 i;

	guard(spinlock_irqsave)(&arb->lock);
	arb->paused = false;
	for (i = 0; i < edev->core_count; i++)
		edgeai_arb_dispatch(arb, &arb->cores[i], true);
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_arb_resume);

/**
 * edgeai_arb_load() - busy time of the busiest core since the last call
 * @edev: device
 * @busy_ns: out, busy time of the busiest core in the window
 * @total_ns: out, the window length
 *
 * The cores share one clock, so the busiest core sets the load. Starts a
 * new window (devfreq's get_dev_status).
 */
void edgeai_arb_load(struct edgeai_device *edev, u64 *busy_ns, u64 *total_ns)
{
	struct edgeai_arb *arb = &edev->arb;
	u64 now = ktime_get_ns(), busy = 0;
	u32 i;

	guard(spinlock_irqsave)(&arb->lock);
	for (i = 0; i < edev->core_count; i++) {
		struct edgeai_arb_core *ac = &arb->cores[i];
		u64 b = ac->busy_ns;

		if (ac->busy)
			b += now - max(ac->busy_since, arb->window_start);
		busy = max(busy, b);
		ac->busy_ns = 0;
	}
	*total_ns = now - arb->window_start;
	*busy_ns = min(busy, *total_ns);
	arb->window_start = now;
}

static bool edgeai_arb_privileged(void)
{
	return capable(CAP_SYS_NICE) || capable(CAP_SYS_ADMIN);
}

/* Does @args need privilege when applied to the caller's own @ctx? */
static bool edgeai_policy_raises(struct edgeai_file_priv *ctx,
				 const struct drm_edgeai_policy *args)
{
	lockdep_assert_held(&ctx->edev->arb.lock);

	if ((args->flags & DRM_EDGEAI_POLICY_PRIORITY) &&
	    args->priority > ctx->priority)
		return true;
	if ((args->flags & DRM_EDGEAI_POLICY_WEIGHT) &&
	    args->weight > ctx->weight)
		return true;
	if (args->flags & DRM_EDGEAI_POLICY_QUOTA) {
		if (!ctx->quota_ns)
			return false;
		if (!args->quota_ns)
			return true;
		/* More device time per unit of time than now. */
		return mul_u64_u64_div_u64(args->quota_ns, NSEC_PER_SEC,
					   args->period_ns) >
		       mul_u64_u64_div_u64(ctx->quota_ns, NSEC_PER_SEC,
					   ctx->period_ns);
	}
	return false;
}

static void edgeai_policy_apply(struct edgeai_file_priv *ctx,
				const struct drm_edgeai_policy *args)
{
	lockdep_assert_held(&ctx->edev->arb.lock);

	if (args->flags & DRM_EDGEAI_POLICY_PRIORITY)
		ctx->priority = args->priority;
	if (args->flags & DRM_EDGEAI_POLICY_WEIGHT)
		ctx->weight = args->weight;
	if (args->flags & DRM_EDGEAI_POLICY_QUOTA) {
		ctx->quota_ns = args->quota_ns;
		ctx->period_ns = args->quota_ns ? args->period_ns : 0;
		ctx->period_start = ktime_get_ns();
		ctx->period_used_ns = 0;
	}
}

static bool edgeai_file_matches(struct drm_file *file, u64 client, bool by_pid)
{
	struct pid *pid;
	bool match;

	if (!by_pid)
		return file->client_id == client;
	rcu_read_lock();
	pid = rcu_dereference(file->pid);
	match = pid && pid_vnr(pid) == client;
	rcu_read_unlock();
	return match;
}

#define EDGEAI_POLICY_FIELDS \
	(DRM_EDGEAI_POLICY_PRIORITY | DRM_EDGEAI_POLICY_WEIGHT | \
	 DRM_EDGEAI_POLICY_QUOTA)

static int edgeai_policy_check(struct drm_device *drm,
			       const struct drm_edgeai_policy *args)
{
	if (args->pad || args->flags & ~(EDGEAI_POLICY_FIELDS |
					 DRM_EDGEAI_POLICY_BY_PID) ||
	    !(args->flags & EDGEAI_POLICY_FIELDS)) {
		drm_dbg(drm, "set_policy: bad flags 0x%x or pad\n", args->flags);
		return -EINVAL;
	}
	if ((args->flags & DRM_EDGEAI_POLICY_PRIORITY) &&
	    args->priority > DRM_EDGEAI_PRIORITY_HIGH) {
		drm_dbg(drm, "set_policy: priority %u\n", args->priority);
		return -EINVAL;
	}
	if ((args->flags & DRM_EDGEAI_POLICY_WEIGHT) &&
	    (!args->weight || args->weight > DRM_EDGEAI_WEIGHT_MAX)) {
		drm_dbg(drm, "set_policy: weight %u\n", args->weight);
		return -EINVAL;
	}
	if ((args->flags & DRM_EDGEAI_POLICY_QUOTA) && args->quota_ns &&
	    (args->period_ns < NSEC_PER_MSEC || args->period_ns > 60 * NSEC_PER_SEC)) {
		drm_dbg(drm, "set_policy: period %llu ns\n", args->period_ns);
		return -EINVAL;
	}
	return 0;
}

/**
 * edgeai_ioctl_set_policy() - DRM_IOCTL_EDGEAI_SET_POLICY
 * @drm: device
 * @data: &struct drm_edgeai_policy
 * @file: calling file
 *
 * Return: 0 or a negative errno (see &struct drm_edgeai_policy).
 */
int edgeai_ioctl_set_policy(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct edgeai_file_priv *self = file->driver_priv;
	struct edgeai_device *edev = to_edgeai_device(drm);
	struct drm_edgeai_policy *args = data;
	bool by_pid = args->flags & DRM_EDGEAI_POLICY_BY_PID;
	bool priv = edgeai_arb_privileged();
	struct drm_file *f;
	int ret, found = 0;

	ret = edgeai_policy_check(drm, args);
	if (ret)
		return ret;

	if (!args->client && !by_pid) {
		guard(spinlock_irqsave)(&edev->arb.lock);
		if (!priv && edgeai_policy_raises(self, args)) {
			drm_dbg(drm, "set_policy: raising needs CAP_SYS_NICE\n");
			return -EPERM;
		}
		edgeai_policy_apply(self, args);
		return 0;
	}

	guard(mutex)(&drm->filelist_mutex);
	list_for_each_entry(f, &drm->filelist, lhead) {
		struct edgeai_file_priv *ctx = f->driver_priv;

		if (!ctx || !edgeai_file_matches(f, args->client, by_pid))
			continue;
		guard(spinlock_irqsave)(&edev->arb.lock);
		if (!priv && (ctx != self || edgeai_policy_raises(ctx, args))) {
			drm_dbg(drm, "set_policy: client %llu: needs CAP_SYS_NICE\n",
				f->client_id);
			return -EPERM;
		}
		edgeai_policy_apply(ctx, args);
		found++;
	}
	return found ? 0 : -ESRCH;
}

/**
 * edgeai_ioctl_get_client() - DRM_IOCTL_EDGEAI_GET_CLIENT
 * @drm: device
 * @data: &struct drm_edgeai_client_info
 * @file: calling file
 *
 * Return: 0 or a negative errno (see &struct drm_edgeai_client_info).
 */
int edgeai_ioctl_get_client(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct edgeai_device *edev = to_edgeai_device(drm);
	struct drm_edgeai_client_info *args = data;
	struct edgeai_file_priv *ctx = NULL;
	struct drm_file *f;

	if (args->flags) {
		drm_dbg(drm, "get_client: non-zero flags\n");
		return -EINVAL;
	}

	guard(mutex)(&drm->filelist_mutex);
	if (!args->client || args->client == file->client_id) {
		ctx = file->driver_priv;
	} else {
		if (!edgeai_arb_privileged())
			return -EPERM;
		list_for_each_entry(f, &drm->filelist, lhead)
			if (f->client_id == args->client && f->driver_priv)
				ctx = f->driver_priv;
	}
	if (!ctx)
		return -ESRCH;

	guard(spinlock_irqsave)(&edev->arb.lock);
	edgeai_arb_period(ctx, ktime_get_ns());
	args->priority = ctx->priority;
	args->weight = ctx->weight;
	args->busy_reason = READ_ONCE(ctx->busy_reason);
	args->quota_ns = ctx->quota_ns;
	args->period_ns = ctx->period_ns;
	args->quota_used_ns = ctx->period_used_ns;
	args->engine_ns = atomic64_read(&ctx->engine_ns);
	return 0;
}

static int edgeai_arb_clients_show(struct seq_file *m, void *unused)
{
	struct edgeai_device *edev = m->private;
	struct drm_device *drm = &edev->drm;
	struct drm_file *f;

	seq_puts(m, "client prio weight        vtime_ns       engine_ns   quota_ns  period_ns    used_ns\n");
	guard(mutex)(&drm->filelist_mutex);
	list_for_each_entry(f, &drm->filelist, lhead) {
		struct edgeai_file_priv *ctx = f->driver_priv;

		if (!ctx)
			continue;
		guard(spinlock_irqsave)(&edev->arb.lock);
		seq_printf(m, "%6llu %4u %6u %15llu %15lld %10llu %10llu %10llu\n",
			   f->client_id, ctx->priority, ctx->weight, ctx->vtime,
			   atomic64_read(&ctx->engine_ns), ctx->quota_ns,
			   ctx->period_ns, ctx->period_used_ns);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edgeai_arb_clients);

/**
 * edgeai_arb_debugfs_init() - add the "clients" debugfs file
 * @edev: device
 * @root: the device's debugfs directory
 */
void edgeai_arb_debugfs_init(struct edgeai_device *edev, struct dentry *root)
{
	debugfs_create_file("clients", 0400, root, edev,
			    &edgeai_arb_clients_fops);
}
