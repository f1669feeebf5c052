// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Jobs: the SUBMIT and WAIT ioctls, one drm_sched scheduler per core, the
 * per-file entities, implicit (dma_resv) and explicit (syncobj) fencing,
 * job timeouts and core reset.
 */

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/drm_utils.h>
#include <linux/dma-resv.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "edgeai_arb.h"
#include "edgeai_coredump.h"
#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_gem.h"
#include "edgeai_job.h"
#include "edgeai_pm.h"
#include "edgeai_prog.h"
#include "edgeai_validate.h"

static const char *edgeai_fence_get_driver_name(struct dma_fence *fence)
{
	return "edgeai";
}

static const char *edgeai_fence_get_timeline_name(struct dma_fence *fence)
{
	return "edgeai-job";
}

static const struct dma_fence_ops edgeai_fence_ops = {
	.get_driver_name = edgeai_fence_get_driver_name,
	.get_timeline_name = edgeai_fence_get_timeline_name,
};

/**
 * edgeai_job_complete() - record a job's result and signal its done fence
 * @job: the job; may be freed once this returns
 * @error: 0 or the job's negative errno
 * @device_time_ns: time the job spent on the device
 *
 * Called by the backend exactly once per job that reached a core, from any
 * context (the simulator calls it from hardirq).
 */
void edgeai_job_complete(struct edgeai_job *job, int error, u64 device_time_ns)
{
	struct edgeai_fence *done = job->done;
	struct edgeai_device *edev = job->edev;
	u32 khz = job->freq_khz ?: READ_ONCE(edev->freq_khz);

	edgeai_coredump_note(job, error, device_time_ns);
	done->device_time_ns = device_time_ns;
	if (error)
		dma_fence_set_error(&done->base, error);

	atomic64_add(device_time_ns, &job->ctx->engine_ns);
	atomic64_inc(&job->ctx->jobs);
	atomic64_add(div_u64(device_time_ns * khz, 1000000), &job->ctx->cycles);
	if (job->arb_granted)
		edgeai_arb_release(job, device_time_ns);
	/* The job's runtime PM reference, taken when it was queued. */
	edgeai_pm_job_put(edev);
	if (job->core && job->started) {
		atomic64_add(device_time_ns, &job->core->busy_ns);
		atomic64_inc(&job->core->jobs);
	}

	/* The job (and its reference) may go while callbacks still run. */
	dma_fence_get(&done->base);
	dma_fence_signal(&done->base);
	dma_fence_put(&done->base);
}

/**
 * edgeai_job_watchdog_pause() - stop the job timeout's clock
 * @job: the job on its core (after the backend's @submit took it)
 *
 * The job timeout (DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS) counts device time. A
 * backend that spends time of its own on a job which is not device time
 * (the simulator executing the job's program on the host CPU before it
 * lets the job's modelled device time run) pauses the timeout for that
 * long, then hands back what was left with edgeai_job_watchdog_resume().
 * The core executes one job at a time, so the scheduler's single timeout
 * is that job's; a backend that preempts a job saves what the job has left
 * and hands it back when the job resumes. May be called from the
 * scheduler's run_job.
 *
 * Return: the jiffies left of the timeout, for edgeai_job_watchdog_resume().
 */
unsigned long edgeai_job_watchdog_pause(struct edgeai_job *job)
{
	return drm_sched_suspend_timeout(&job->core->sched);
}

/**
 * edgeai_job_watchdog_full() - the whole job timeout, in jiffies
 * @job: a job the backend took
 *
 * What a job that has not run yet has left of its timeout: a backend that
 * takes a job while another one still runs on the core (to preempt it)
 * starts the job's timeout with this when the job gets the core.
 *
 * Return: the scheduler's timeout.
 */
unsigned long edgeai_job_watchdog_full(struct edgeai_job *job)
{
	return job->core->sched.timeout;
}

/**
 * edgeai_job_preempted() - count a preemption
 * @job: the program that yielded its core at an op boundary
 *
 * Called by the backend, any context.
 */
void edgeai_job_preempted(struct edgeai_job *job)
{
	atomic64_inc(&job->core->preemptions);
	atomic64_inc(&job->ctx->preemptions);
}

/**
 * edgeai_job_batched() - count the jobs of a batch
 * @job: the first job of a batch of @n jobs, as it starts on its core
 * @n: jobs in the batch, 2 or more
 *
 * Called by the backend, any context, once the batch is closed (its list,
 * &edgeai_job.batch, no longer changes). Each job counts for its own file:
 * the jobs of a batch may be of several files (uAPI 1.7).
 */
void edgeai_job_batched(struct edgeai_job *job, u32 n)
{
	struct edgeai_job *pos;

	atomic64_inc(&job->core->batches);
	atomic64_add(n, &job->core->batched_jobs);
	atomic64_inc(&job->ctx->batched_jobs);
	list_for_each_entry(pos, &job->batch, batch_node)
		atomic64_inc(&pos->ctx->batched_jobs);
}

/**
 * edgeai_job_watchdog_resume() - restart the job timeout's clock
 * @job: the job paused with edgeai_job_watchdog_pause()
 * @left: what that returned
 *
 * From now on the job's device time counts again: a job that does not
 * complete within @left is reset. Process context.
 */
void edgeai_job_watchdog_resume(struct edgeai_job *job, unsigned long left)
{
	drm_sched_resume_timeout(&job->core->sched, left);
}

static struct dma_fence *edgeai_job_run(struct drm_sched_job *sched_job)
{
	struct edgeai_job *job = to_edgeai_job(sched_job);
	struct edgeai_device *edev = job->edev;
	int error = sched_job->s_fence->finished.error;
	int idx;

	job->core = container_of(sched_job->sched, struct edgeai_core, sched);

	/* A non-zero error means cancelled before it started. */
	if (!error) {
		if (drm_dev_enter(&edev->drm, &idx)) {
			error = edgeai_pm_job_resume(edev);
			/* Before the backend may complete it, from its timer. */
			job->started = !error;
			if (!error)
				error = edev->ops->submit(job->core, job);
			drm_dev_exit(idx);
		} else {
			error = -ENODEV;
		}
	}
	if (error) {
		job->started = false;
		edgeai_job_complete(job, error, 0);
	}

	/* The scheduler consumes one reference; job->done keeps its own. */
	return dma_fence_get(&job->done->base);
}

/*
 * A timeout that was not the job's: put the job back on the pending list
 * (6.12 took it off before calling us), as etnaviv and v3d do, so the
 * scheduler frees it or times it again, and let the core take jobs again.
 */
static void edgeai_job_timeout_spurious(struct edgeai_core *core,
					struct drm_sched_job *sched_job)
{
	spin_lock(&core->sched.job_list_lock);
	list_add(&sched_job->list, &core->sched.pending_list);
	spin_unlock(&core->sched.job_list_lock);
	drm_sched_wqueue_start(&core->sched);
}

static enum drm_gpu_sched_stat edgeai_job_timedout(struct drm_sched_job *sched_job)
{
	struct edgeai_job *job = to_edgeai_job(sched_job);
	struct edgeai_device *edev = job->edev;
	struct edgeai_core *core = job->core;
	struct edgeai_job *guilty = job;
	void *dump;
	bool reset;

	/*
	 * No job reaches the core while we look at it, and none is freed.
	 * A core holds the job executing (with the jobs of its batch) and a
	 * program it preempted, or one waiting to preempt it. The
	 * scheduler's timeout is the executing job's, but it hands us its
	 * oldest job, which may be the preempted one: the backend tells
	 * which job executes (in a batch, the one that hangs), and that one
	 * is guilty.
	 */
	drm_sched_wqueue_stop(&core->sched);

	if (edev->ops->running_job)
		guilty = edev->ops->running_job(core) ?: job;

	/* It completed as the timeout fired: nothing hung. */
	if (dma_fence_is_signaled(&guilty->done->base)) {
		drm_dbg(&edev->drm, "%s core %u: job %llu completed as it timed out\n",
			edev->engine, core->index, guilty->id);
		edgeai_job_timeout_spurious(core, sched_job);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	/*
	 * The timeout counts device time. The watchdog pause of a job can be
	 * undone by the scheduler re-arming the timeout when the previous job
	 * is freed; a timeout that fires while the backend is still busy with
	 * the job itself is not the job's: put the job back (the scheduler
	 * re-arms the timeout when we return) and let it run.
	 */
	if (edev->ops->host_busy && edev->ops->host_busy(core, guilty)) {
		drm_dbg(&edev->drm, "%s core %u: job %llu not on the device yet, timeout re-armed\n",
			edev->engine, core->index, guilty->id);
		edgeai_job_timeout_spurious(core, sched_job);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	dump = edgeai_coredump_capture(core, guilty);
	/* The other job on the core, if any, is cancelled by the reset. */
	reset = edev->ops->reset_core(core, guilty);
	edgeai_coredump_commit(edev, dump, reset);
	if (reset) {
		atomic_set(&guilty->ctx->guilty, 1);
		atomic_inc(&edev->reset_count);
		drm_warn(&edev->drm, "%s core %u: job %llu of client %llu timed out, core reset\n",
			 edev->engine, core->index, guilty->id,
			 guilty->ctx->client_id);
		edgeai_job_complete(guilty, -ETIMEDOUT, 0);
	} else if (!dma_fence_is_signaled(&guilty->done->base)) {
		edgeai_job_complete(guilty, -ETIMEDOUT, 0);
	}
	/*
	 * Nothing was reset: the guilty job completed as we looked, and the
	 * job we were handed (preempted by it) runs on.
	 */
	if (!reset && !dma_fence_is_signaled(&job->done->base)) {
		edgeai_job_timeout_spurious(core, sched_job);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	/*
	 * The job is done now. drm_sched_stop() puts it back on the pending
	 * list (6.12 took it off before calling us) and has the scheduler
	 * free it once we return; the other done jobs of the core it frees
	 * at once.
	 */
	drm_sched_stop(&core->sched, sched_job);
	drm_sched_start(&core->sched);

	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void edgeai_job_put_resources(struct edgeai_job *job)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++) {
		if (!job->bos[i])
			continue;
		drm_gem_object_put(job->bos[i]);
	}
	kvfree(job->bos);
	kvfree(job->maps);
	kvfree(job->bo_flags);
	kvfree(job->cmds);
	edgeai_prog_put(job->prog);
}

static void edgeai_job_free(struct drm_sched_job *sched_job)
{
	struct edgeai_job *job = to_edgeai_job(sched_job);
	struct edgeai_device *edev = job->edev;
	struct edgeai_file_priv *ctx = job->ctx;
	int error = sched_job->s_fence->finished.error;

	/* Never reached a core (killed entity): complete it here. */
	if (!dma_fence_is_signaled(&job->done->base))
		edgeai_job_complete(job, error ?: -ECANCELED, 0);
	edgeai_arb_unqueued(job);

	drm_sched_job_cleanup(sched_job);

	scoped_guard(spinlock, &edev->job_list_lock)
		list_del(&job->node);

	edgeai_job_put_resources(job);
	dma_fence_put(&job->done->base);
	kfree(job);

	atomic_dec(&ctx->inflight);
	edgeai_ctx_put(ctx);
}

/* The arbiter decides when the job's entity gets the core. */
static struct dma_fence *edgeai_job_prepare(struct drm_sched_job *sched_job,
					    struct drm_sched_entity *entity)
{
	return edgeai_arb_prepare(to_edgeai_job(sched_job), entity);
}

static const struct drm_sched_backend_ops edgeai_sched_ops = {
	.prepare_job = edgeai_job_prepare,
	.run_job = edgeai_job_run,
	.timedout_job = edgeai_job_timedout,
	.free_job = edgeai_job_free,
};

static void edgeai_job_sched_fini(struct drm_device *drm, void *arg)
{
	struct edgeai_device *edev = to_edgeai_device(drm);
	u32 i;

	for (i = 0; i < edev->core_count; i++)
		drm_sched_fini(&edev->cores[i].sched);
}

/**
 * edgeai_job_init_device() - create one scheduler per core
 * @edev: device with core_count and timeout_ms set
 *
 * The schedulers are torn down when the DRM device is released, after the
 * last file closed (and with it the last job).
 *
 * Return: 0 or a negative errno.
 */
int edgeai_job_init_device(struct edgeai_device *edev)
{
	struct drm_sched_init_args args = {
		.ops = &edgeai_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		/*
		 * The job on the core, the jobs of its batch and one job
		 * preempting it.
		 */
		.credit_limit = DRM_EDGEAI_MAX_BATCH + 1,
		.timeout = msecs_to_jiffies(edev->timeout_ms),
		.name = edev->engine,
		.dev = edev->drm.dev,
	};
	u32 i;
	int ret;

	for (i = 0; i < edev->core_count; i++) {
		struct edgeai_core *core = &edev->cores[i];

		ret = drm_sched_init(&core->sched, &args);
		if (ret) {
			while (i--)
				drm_sched_fini(&edev->cores[i].sched);
			return ret;
		}
		edev->sched_list[i] = &core->sched;
	}

	ret = drmm_add_action_or_reset(&edev->drm, edgeai_job_sched_fini, NULL);
	if (ret)
		return ret;
	return edgeai_coredump_init(edev);
}

/**
 * edgeai_job_open() - set up the job state of a new file
 * @ctx: the file's context, with @edev set
 *
 * Return: 0 or a negative errno; on error nothing is left to undo.
 */
int edgeai_job_open(struct edgeai_file_priv *ctx)
{
	struct edgeai_device *edev = ctx->edev;
	u32 i;
	int ret;

	ctx->history = kvcalloc(DRM_EDGEAI_JOB_HISTORY, sizeof(*ctx->history),
				GFP_KERNEL);
	if (!ctx->history)
		return -ENOMEM;
	mutex_init(&ctx->submit_lock);
	spin_lock_init(&ctx->lock);
	ctx->next_id = 1;

	ret = drm_sched_entity_init(&ctx->entity_any, DRM_SCHED_PRIORITY_NORMAL,
				    edev->sched_list, edev->core_count, NULL);
	if (ret)
		goto err_free;
	for (i = 0; i < edev->core_count; i++) {
		ret = drm_sched_entity_init(&ctx->entity[i],
					    DRM_SCHED_PRIORITY_NORMAL,
					    &edev->sched_list[i], 1, NULL);
		if (ret)
			goto err_entities;
	}
	return 0;

err_entities:
	while (i--)
		drm_sched_entity_destroy(&ctx->entity[i]);
	drm_sched_entity_destroy(&ctx->entity_any);
err_free:
	mutex_destroy(&ctx->submit_lock);
	kvfree(ctx->history);
	return ret;
}

/**
 * edgeai_job_close() - stop taking jobs from a closing file
 * @ctx: the file's context
 *
 * Jobs still queued are cancelled (once their dependencies signalled); jobs
 * on a core run to completion or to their timeout. Does not wait for them:
 * each job holds a reference to @ctx, and the results stay readable until
 * edgeai_job_release().
 */
void edgeai_job_close(struct edgeai_file_priv *ctx)
{
	struct edgeai_device *edev = ctx->edev;
	u32 i;

	drm_sched_entity_destroy(&ctx->entity_any);
	for (i = 0; i < edev->core_count; i++)
		drm_sched_entity_destroy(&ctx->entity[i]);
}

/**
 * edgeai_job_release() - free the job state of a context
 * @ctx: the context, whose file closed and whose last job was freed
 */
void edgeai_job_release(struct edgeai_file_priv *ctx)
{
	u32 i;

	for (i = 0; i < DRM_EDGEAI_JOB_HISTORY; i++)
		edgeai_job_result_put(&ctx->history[i]);
	kvfree(ctx->history);
	mutex_destroy(&ctx->submit_lock);
}

/* Copies the buffer list, looks the buffers up and maps them. */
static int edgeai_job_get_bos(struct edgeai_job *job, struct drm_file *file,
			      const struct drm_edgeai_submit *args)
{
	struct drm_device *drm = &job->edev->drm;
	struct drm_edgeai_bo_ref __user *urefs = u64_to_user_ptr(args->bos);
	struct drm_edgeai_bo_ref ref;
	const char *reason;
	u32 i, j;
	int ret;

	job->bos = kvcalloc(args->bo_count, sizeof(*job->bos), GFP_KERNEL);
	job->maps = kvcalloc(args->bo_count, sizeof(*job->maps), GFP_KERNEL);
	job->bo_flags = kvcalloc(args->bo_count, sizeof(*job->bo_flags),
				 GFP_KERNEL);
	if (!job->bos || !job->maps || !job->bo_flags)
		return -ENOMEM;
	job->bo_count = args->bo_count;

	for (i = 0; i < args->bo_count; i++) {
		if (copy_from_user(&ref, &urefs[i], sizeof(ref)))
			return -EFAULT;
		ret = edgeai_check_bo_ref(&ref, &reason);
		if (ret) {
			drm_dbg(drm, "submit: buffer slot %u: %s\n", i, reason);
			return ret;
		}
		job->bos[i] = drm_gem_object_lookup(file, ref.handle);
		if (!job->bos[i]) {
			drm_dbg(drm, "submit: buffer slot %u: unknown handle %u\n",
				i, ref.handle);
			return -ENOENT;
		}
		for (j = 0; j < i; j++) {
			if (job->bos[j] == job->bos[i]) {
				drm_dbg(drm, "submit: buffer slot %u: same buffer as slot %u\n",
					i, j);
				return -EINVAL;
			}
		}
		job->bo_flags[i] = ref.flags;
	}

	for (i = 0; i < job->bo_count; i++) {
		/* The buffer's own mapping: it lives as long as the buffer. */
		ret = edgeai_gem_kmap(job->bos[i], &job->maps[i]);
		if (ret) {
			drm_dbg(drm, "submit: buffer slot %u: cannot map (%d)\n",
				i, ret);
			return ret;
		}
		if (job->maps[i].is_iomem) {
			drm_dbg(drm, "submit: buffer slot %u: I/O memory\n", i);
			return -EINVAL;
		}
	}
	return 0;
}

/* Copies and validates the commands against the bound buffers. */
static int edgeai_job_get_cmds(struct edgeai_job *job,
			       const struct drm_edgeai_submit *args)
{
	struct edgeai_device *edev = job->edev;
	const u8 __user *ucmds = u64_to_user_ptr(args->cmds);
	const char *reason;
	u64 *sizes;
	u32 i;
	int ret;

	job->cmds = kvcalloc(args->cmd_count, sizeof(*job->cmds), GFP_KERNEL);
	sizes = kcalloc(job->bo_count, sizeof(*sizes), GFP_KERNEL);
	if (!job->cmds || !sizes) {
		kfree(sizes);
		return -ENOMEM;
	}
	for (i = 0; i < job->bo_count; i++)
		sizes[i] = job->bos[i]->size;

	for (i = 0; i < args->cmd_count; i++) {
		ret = copy_struct_from_user(&job->cmds[i], sizeof(job->cmds[i]),
					    ucmds + (size_t)i * args->cmd_size,
					    args->cmd_size);
		if (ret) {
			if (ret == -E2BIG) {
				drm_dbg(&edev->drm, "submit: cmd %u: unknown non-zero fields\n",
					i);
				ret = -EINVAL;
			}
			break;
		}
		ret = edgeai_check_cmd(&job->cmds[i], sizes, job->bo_flags,
				       job->bo_count, edev->fw.cmd_mask, &reason);
		if (ret) {
			drm_dbg(&edev->drm, "submit: cmd %u: %s\n", i, reason);
			break;
		}
		job->bytes += edgeai_cmd_bytes(&job->cmds[i]);
	}
	job->cmd_count = i;
	kfree(sizes);
	return ret;
}

static void edgeai_job_destroy(struct edgeai_job *job)
{
	edgeai_job_put_resources(job);
	kfree(job->done);
	edgeai_ctx_put(job->ctx);
	kfree(job);
}

/**
 * edgeai_job_result_put() - drop the references of a job result
 * @res: result; may be empty (both pointers NULL)
 */
void edgeai_job_result_put(struct edgeai_job_result *res)
{
	dma_fence_put(res->finished);
	if (res->done)
		dma_fence_put(&res->done->base);
	res->finished = NULL;
	res->done = NULL;
}

/**
 * edgeai_job_result_status() - the result of a finished job
 * @res: result whose finished fence has signalled
 *
 * Return: 0, or the job's negative errno.
 */
int edgeai_job_result_status(const struct edgeai_job_result *res)
{
	return min(dma_fence_get_status(res->finished), 0);
}

static void edgeai_job_result_get(struct edgeai_job_result *dst,
				  const struct edgeai_job_result *src)
{
	dst->finished = dma_fence_get(src->finished);
	dma_fence_get(&src->done->base);
	dst->done = src->done;
}

/*
 * Locks the buffers, adds their fences as dependencies, arms the job, adds
 * its finished fence to the buffers and queues it. Once queued, the job may
 * finish and be freed at any time, so only its id and its result fences
 * come back.
 */
static int edgeai_job_push(struct edgeai_job *job,
			   struct drm_syncobj *out_syncobj, u64 *id,
			   struct edgeai_job_result *result)
{
	struct edgeai_file_priv *ctx = job->ctx;
	struct edgeai_device *edev = job->edev;
	struct edgeai_job_result res, old;
	struct ww_acquire_ctx acquire;
	struct dma_fence *finished;
	u32 i, slot;
	int ret;

	ret = drm_gem_lock_reservations(job->bos, job->bo_count, &acquire);
	if (ret)
		return ret;

	for (i = 0; i < job->bo_count; i++) {
		bool write = job->bo_flags[i] & DRM_EDGEAI_BO_WRITE;

		ret = dma_resv_reserve_fences(job->bos[i]->resv, 1);
		if (ret)
			goto err_unlock;
		ret = drm_sched_job_add_implicit_dependencies(&job->base,
							      job->bos[i], write);
		if (ret)
			goto err_unlock;
	}

	/*
	 * Nothing below can fail. Not a guard(): the error path above jumps
	 * past it, and its cleanup would unlock a mutex never locked.
	 */
	mutex_lock(&ctx->submit_lock);

	scoped_guard(spinlock, &ctx->lock)
		job->id = ctx->next_id;
	dma_fence_init(&job->done->base, &edgeai_fence_ops, &job->done->lock,
		       dma_fence_context_alloc(1), job->id);

	drm_sched_job_arm(&job->base);
	finished = &job->base.s_fence->finished;
	for (i = 0; i < job->bo_count; i++)
		dma_resv_add_fence(job->bos[i]->resv, finished,
				   job->bo_flags[i] & DRM_EDGEAI_BO_WRITE ?
				   DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ);
	drm_gem_unlock_reservations(job->bos, job->bo_count, &acquire);
	if (out_syncobj)
		drm_syncobj_replace_fence(out_syncobj, finished);

	res.finished = finished;
	res.done = job->done;
	slot = job->id % DRM_EDGEAI_JOB_HISTORY;
	scoped_guard(spinlock, &ctx->lock) {
		old = ctx->history[slot];
		edgeai_job_result_get(&ctx->history[slot], &res);
		ctx->next_id++;
	}
	edgeai_job_result_put(&old);

	*id = job->id;
	if (result)
		edgeai_job_result_get(result, &res);

	scoped_guard(spinlock, &edev->job_list_lock)
		list_add_tail(&job->node, &edev->job_list);
	/* Held until the job completes (edgeai_job_complete()). */
	edgeai_pm_job_get(edev);
	edgeai_arb_queued(job);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ctx->submit_lock);
	return 0;

err_unlock:
	drm_gem_unlock_reservations(job->bos, job->bo_count, &acquire);
	return ret;
}

/**
 * edgeai_job_submit() - validate and queue one job
 * @file: submitting file
 * @args: the request, copied from userspace or the SQE
 * @uring: the request came through io_uring
 * @result: if not NULL, set on success to the job's result fences
 *
 * On success &drm_edgeai_submit.job_id is set to the job's id.
 *
 * Return: 0 or a negative errno (see &struct drm_edgeai_submit).
 */
int edgeai_job_submit(struct drm_file *file, struct drm_edgeai_submit *args,
		      bool uring, struct edgeai_job_result *result)
{
	struct edgeai_file_priv *ctx = file->driver_priv;
	struct edgeai_device *edev = ctx->edev;
	struct drm_syncobj *out_syncobj = NULL;
	struct drm_sched_entity *entity;
	struct edgeai_job *job;
	const char *reason;
	int ret;

	if (atomic_read(&ctx->guilty)) {
		drm_dbg(&edev->drm, "submit: context is guilty of a reset\n");
		return -EBADFD;
	}
	ret = edgeai_check_submit(args, edev->core_count, uring, &reason);
	if (ret) {
		drm_dbg(&edev->drm, "submit: %s\n", reason);
		return ret;
	}
	ret = edgeai_arb_admit(ctx);
	if (ret) {
		drm_dbg(&edev->drm, "submit: %s\n", ret == -EDQUOT ?
			"quota used up" : "critical temperature");
		return ret;
	}
	ret = atomic_inc_return(&ctx->inflight);
	if (ret > DRM_EDGEAI_MAX_INFLIGHT) {
		atomic_dec(&ctx->inflight);
		edgeai_arb_refused(ctx, DRM_EDGEAI_BUSY_INFLIGHT);
		drm_dbg(&edev->drm, "submit: %u jobs in flight\n",
			DRM_EDGEAI_MAX_INFLIGHT);
		return -EBUSY;
	}
	if (ret == 1)
		edgeai_arb_busy(ctx);

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		ret = -ENOMEM;
		goto err_inflight;
	}
	job->edev = edev;
	job->ctx = edgeai_ctx_get(ctx);
	INIT_LIST_HEAD(&job->node);
	INIT_LIST_HEAD(&job->batch);
	INIT_LIST_HEAD(&job->batch_node);
	job->batch_n = 1;
	/* A backend that does not batch runs such jobs one by one. */
	if ((args->flags & DRM_EDGEAI_SUBMIT_BATCH) && edev->ops->batching) {
		job->batch_max = args->batch_max;
		job->batch_wait_ns = (u64)args->batch_wait_us * NSEC_PER_USEC;
	}
	job->done = kzalloc(sizeof(*job->done), GFP_KERNEL);
	if (!job->done) {
		ret = -ENOMEM;
		goto err_job;
	}
	spin_lock_init(&job->done->lock);

	ret = edgeai_job_get_bos(job, file, args);
	if (ret)
		goto err_job;
	if (args->flags & DRM_EDGEAI_SUBMIT_PROGRAM)
		ret = edgeai_prog_attach(job, args->program_handle);
	else
		ret = edgeai_job_get_cmds(job, args);
	if (ret)
		goto err_job;

	entity = args->core == DRM_EDGEAI_CORE_ANY ? &ctx->entity_any :
		 &ctx->entity[args->core];
	ret = drm_sched_job_init(&job->base, entity, 1, ctx, file->client_id);
	if (ret)
		goto err_job;

	if (args->in_syncobj) {
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   args->in_syncobj, 0);
		if (ret) {
			drm_dbg(&edev->drm, "submit: in_syncobj %u: %d\n",
				args->in_syncobj, ret);
			goto err_sched;
		}
	}
	if (args->out_syncobj) {
		out_syncobj = drm_syncobj_find(file, args->out_syncobj);
		if (!out_syncobj) {
			drm_dbg(&edev->drm, "submit: unknown out_syncobj %u\n",
				args->out_syncobj);
			ret = -ENOENT;
			goto err_sched;
		}
	}

	ret = edgeai_job_push(job, out_syncobj, &args->job_id, result);
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
	if (ret)
		goto err_sched;
	return 0;

err_sched:
	drm_sched_job_cleanup(&job->base);
err_job:
	edgeai_job_destroy(job);
err_inflight:
	atomic_dec(&ctx->inflight);
	return ret;
}

/**
 * edgeai_ioctl_submit() - DRM_IOCTL_EDGEAI_SUBMIT
 * @drm: device
 * @data: &struct drm_edgeai_submit
 * @file: submitting file
 *
 * Return: 0 or a negative errno.
 */
int edgeai_ioctl_submit(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	int idx, ret;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	ret = edgeai_job_submit(file, data, false, NULL);
	drm_dev_exit(idx);
	return ret;
}

/*
 * Gets the result of job @id of @ctx; -EINVAL for an id not handed out
 * yet, -ENOENT for one older than the kept history.
 */
static int edgeai_ctx_find_job(struct edgeai_file_priv *ctx, u64 id,
			       struct edgeai_job_result *res)
{
	lockdep_assert_held(&ctx->lock);

	if (id >= ctx->next_id)
		return -EINVAL;
	if (ctx->next_id - id > DRM_EDGEAI_JOB_HISTORY)
		return -ENOENT;
	edgeai_job_result_get(res, &ctx->history[id % DRM_EDGEAI_JOB_HISTORY]);
	return 0;
}

/**
 * edgeai_ioctl_wait() - DRM_IOCTL_EDGEAI_WAIT
 * @drm: device
 * @data: &struct drm_edgeai_wait
 * @file: waiting file
 *
 * Return: 0 (the job's own result is in &drm_edgeai_wait.status) or a
 * negative errno.
 */
int edgeai_ioctl_wait(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct edgeai_file_priv *ctx = file->driver_priv;
	struct drm_edgeai_wait *args = data;
	struct edgeai_job_result res;
	long timeout;
	int idx, ret = 0;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	if (args->flags || !args->job_id) {
		drm_dbg(drm, "wait: %s\n", args->flags ? "non-zero flags" : "job id 0");
		ret = -EINVAL;
		goto out;
	}

	scoped_guard(spinlock, &ctx->lock)
		ret = edgeai_ctx_find_job(ctx, args->job_id, &res);
	if (ret) {
		drm_dbg(drm, "wait: job %llu %s\n", args->job_id,
			ret == -EINVAL ? "not submitted yet" : "too old");
		goto out;
	}

	timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	/*
	 * finished, not done: see &struct edgeai_job_result. The remaining
	 * jiffies are a long: an int would truncate them for far deadlines.
	 */
	timeout = dma_fence_wait_timeout(res.finished, true, timeout);
	if (timeout < 0) {
		ret = timeout;
		goto out_put;
	}
	if (!dma_fence_is_signaled(res.finished)) {
		ret = -ETIME;
		goto out_put;
	}
	args->status = edgeai_job_result_status(&res);
	args->device_time_ns = res.done->device_time_ns;
	ret = 0;

out_put:
	edgeai_job_result_put(&res);
out:
	drm_dev_exit(idx);
	return ret;
}
