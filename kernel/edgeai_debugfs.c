// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * debugfs, for each device:
 *   bos          buffer objects of every open file
 *   jobs         jobs submitted and not yet freed
 *   programs     program objects, each shared by the files that created it
 *   cores        per-core job count, busy time and programs preempted
 *   preemptions  programs preempted at an op boundary, all cores
 *   reset_count  core resets after job timeouts
 *   clients      arbitration policy and accounting of every open file
 *   force_temp_mc  thermal test override (0: off)
 * (/sys/kernel/debug/accel/<platform device>/, e.g. edgeai-npu.0)
 * plus the backend's own files (&edgeai_backend_ops.debugfs_init; the
 * simulator's fault knobs and power model).
 */

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "edgeai_arb.h"
#include "edgeai_debugfs.h"
#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_job.h"
#include "edgeai_prog.h"
#include "edgeai_thermal.h"

static int edgeai_debugfs_bos_show(struct seq_file *m, void *unused)
{
	struct edgeai_device *edev = m->private;
	struct drm_device *drm = &edev->drm;
	struct drm_gem_object *obj;
	struct drm_file *file;
	int handle;

	seq_puts(m, "client   handle           size imported\n");
	guard(mutex)(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		guard(spinlock)(&file->table_lock);
		idr_for_each_entry(&file->object_idr, obj, handle)
			seq_printf(m, "%6llu %8d %14zu %s\n", file->client_id,
				   handle, obj->size,
				   obj->import_attach ? "yes" : "no");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edgeai_debugfs_bos);

static int edgeai_debugfs_jobs_show(struct seq_file *m, void *unused)
{
	struct edgeai_device *edev = m->private;
	struct edgeai_job *job;

	seq_puts(m, "client       job core state\n");
	guard(spinlock)(&edev->job_list_lock);
	list_for_each_entry(job, &edev->job_list, node) {
		struct dma_fence *done = &job->done->base;

		seq_printf(m, "%6llu %9llu %4d %s\n", job->ctx->client_id,
			   job->id, job->core ? (int)job->core->index : -1,
			   dma_fence_is_signaled(done) ? "done" :
			   job->core ? "running" : "queued");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edgeai_debugfs_jobs);

static int edgeai_debugfs_programs_show(struct seq_file *m, void *unused)
{
	struct edgeai_device *edev = m->private;
	struct edgeai_program *prog;
	unsigned int bkt;

	seq_puts(m, "   crc32     size  ops refs\n");
	guard(mutex)(&edev->prog_lock);
	hash_for_each(edev->prog_hash, bkt, prog, node)
		seq_printf(m, "%08x %8u %4u %4u\n", prog->crc32, prog->size,
			   prog->op_count, kref_read(&prog->ref));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edgeai_debugfs_programs);

static int edgeai_debugfs_cores_show(struct seq_file *m, void *unused)
{
	struct edgeai_device *edev = m->private;
	u32 i;

	seq_puts(m, "core       jobs      busy_ns preemptions\n");
	for (i = 0; i < edev->core_count; i++)
		seq_printf(m, "%4u %10lld %12lld %11lld\n", i,
			   atomic64_read(&edev->cores[i].jobs),
			   atomic64_read(&edev->cores[i].busy_ns),
			   atomic64_read(&edev->cores[i].preemptions));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edgeai_debugfs_cores);

static int edgeai_debugfs_preemptions_show(struct seq_file *m, void *unused)
{
	struct edgeai_device *edev = m->private;
	u64 n = 0;
	u32 i;

	for (i = 0; i < edev->core_count; i++)
		n += atomic64_read(&edev->cores[i].preemptions);
	seq_printf(m, "%llu\n", n);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edgeai_debugfs_preemptions);

/**
 * edgeai_debugfs_init() - add the device's debugfs files
 * @edev: registered device
 *
 * The accel core does not call &drm_driver.debugfs_init, so this runs after
 * drm_dev_register(); the files live in /sys/kernel/debug/accel/<dev>/.
 */
void edgeai_debugfs_init(struct edgeai_device *edev)
{
	struct dentry *root = edev->drm.debugfs_root;

	if (!root)
		return;

	debugfs_create_file("bos", 0400, root, edev, &edgeai_debugfs_bos_fops);
	debugfs_create_file("jobs", 0400, root, edev, &edgeai_debugfs_jobs_fops);
	debugfs_create_file("programs", 0400, root, edev,
			    &edgeai_debugfs_programs_fops);
	debugfs_create_file("cores", 0400, root, edev,
			    &edgeai_debugfs_cores_fops);
	debugfs_create_file("preemptions", 0400, root, edev,
			    &edgeai_debugfs_preemptions_fops);
	debugfs_create_atomic_t("reset_count", 0400, root, &edev->reset_count);
	debugfs_create_u64("prog_max_work", 0600, root, &edev->prog_max_work);
	edgeai_thermal_debugfs_init(edev, root);
	edgeai_arb_debugfs_init(edev, root);
	if (edev->ops->debugfs_init)
		edev->ops->debugfs_init(edev, root);
}
