// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * edgeai: DRM accel driver for edgeai NPU and DSP accelerators.
 *
 * This file is the driver: module init and exit, the platform driver and
 * its probe, the DRM driver with its ioctl table, GET_PARAM and fdinfo,
 * and the file context's lifetime (open/postclose). Devices come from
 * device-tree nodes ("edgeai,npu", "edgeai,dsp") or, without such nodes,
 * from the simulator, which creates platform devices from its sim_devices
 * parameter (edgeai_sim.c). Every device runs its jobs on a backend
 * (edgeai_backend.h); today that is the built-in simulator.
 */

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/edgeai_accel.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>

#include "edgeai_arb.h"
#include "edgeai_debugfs.h"
#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_fw.h"
#include "edgeai_gem.h"
#include "edgeai_job.h"
#include "edgeai_of.h"
#include "edgeai_pm.h"
#include "edgeai_prog.h"
#include "edgeai_sim.h"
#include "edgeai_sysfs.h"
#include "edgeai_thermal.h"
#include "edgeai_uring.h"

static char *npu_firmware = "edgeai/npu.bin";
module_param(npu_firmware, charp, 0444);
MODULE_PARM_DESC(npu_firmware, "NPU firmware image (default edgeai/npu.bin)");

static char *dsp_firmware = "edgeai/dsp.bin";
module_param(dsp_firmware, charp, 0444);
MODULE_PARM_DESC(dsp_firmware, "DSP firmware image (default edgeai/dsp.bin)");

static unsigned int job_timeout_ms = 1000;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Job timeout in ms after which the core is reset (default 1000)");

/* Runs the context releases left to the last job; drained at module exit. */
static struct workqueue_struct *edgeai_wq;

/*
 * The file context (struct edgeai_file_priv) is created at open and outlives
 * the file while jobs of it are still queued or running: the file holds one
 * reference, every job another. Each concern sets up and tears down its own
 * part: edgeai_job_open/close/release(), edgeai_arb_open/close() and
 * edgeai_prog_open/close().
 */

static void edgeai_ctx_free(struct edgeai_file_priv *ctx)
{
	struct drm_device *drm = &ctx->edev->drm;

	edgeai_job_release(ctx);
	kfree(ctx);
	drm_dev_put(drm);
	/* Pairs with edgeai_open(); module exit drains edgeai_wq first. */
	module_put(THIS_MODULE);
}

static void edgeai_ctx_release_work(struct work_struct *work)
{
	edgeai_ctx_free(container_of(work, struct edgeai_file_priv, release_work));
}

/* Last reference dropped by a job, possibly on a scheduler worker. */
static void edgeai_ctx_release(struct kref *ref)
{
	struct edgeai_file_priv *ctx = container_of(ref, struct edgeai_file_priv,
						    ref);

	INIT_WORK(&ctx->release_work, edgeai_ctx_release_work);
	queue_work(edgeai_wq, &ctx->release_work);
}

/* Last reference dropped by the closing file, in process context. */
static void edgeai_ctx_release_now(struct kref *ref)
{
	edgeai_ctx_free(container_of(ref, struct edgeai_file_priv, ref));
}

/**
 * edgeai_ctx_put() - drop a job's reference to its file context
 * @ctx: the context
 *
 * The last reference frees the context (and drops its DRM device and module
 * references) from edgeai_wq, off the schedulers' workers. The file drops
 * its own reference in edgeai_postclose().
 */
void edgeai_ctx_put(struct edgeai_file_priv *ctx)
{
	kref_put(&ctx->ref, edgeai_ctx_release);
}

static int edgeai_open(struct drm_device *drm, struct drm_file *file)
{
	struct edgeai_file_priv *ctx;
	int ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->edev = to_edgeai_device(drm);
	ctx->client_id = file->client_id;
	kref_init(&ctx->ref);

	edgeai_arb_open(ctx);
	edgeai_prog_open(ctx);
	ret = edgeai_job_open(ctx);
	if (ret)
		goto err_close;

	/* Dropped by the context's release, which may come after close. */
	drm_dev_get(drm);
	__module_get(THIS_MODULE);
	file->driver_priv = ctx;
	return 0;

err_close:
	edgeai_prog_close(ctx);
	edgeai_arb_close(ctx);
	kfree(ctx);
	return ret;
}

static void edgeai_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct edgeai_file_priv *ctx = file->driver_priv;

	edgeai_job_close(ctx);
	edgeai_arb_close(ctx);
	edgeai_prog_close(ctx);
	/*
	 * Without jobs left, the file holds the last reference: free the
	 * context now, so the module can be unloaded as soon as close()
	 * returns. Otherwise the last job frees it from edgeai_wq.
	 */
	kref_put(&ctx->ref, edgeai_ctx_release_now);
}

/**
 * edgeai_capabilities() - the device's DRM_EDGEAI_CAP_* bits
 * @edev: device
 *
 * Return: the capability mask (GET_PARAM and sysfs "capabilities").
 */
u64 edgeai_capabilities(struct edgeai_device *edev)
{
	u64 caps = DRM_EDGEAI_CAP_PRIME_IMPORT_FOREIGN | DRM_EDGEAI_CAP_SYNCOBJ;

	if (IS_ENABLED(CONFIG_IO_URING))
		caps |= DRM_EDGEAI_CAP_URING_CMD;
	if (edev->ops == &edgeai_sim_ops)
		caps |= DRM_EDGEAI_CAP_SIMULATED;
	if (edgeai_arb_preempts(edev))
		caps |= DRM_EDGEAI_CAP_PREEMPT;
	if (dev_is_dma_coherent(edev->drm.dev))
		caps |= DRM_EDGEAI_CAP_DMA_COHERENT;
	if (edev->ops->batching)
		caps |= DRM_EDGEAI_CAP_BATCH | DRM_EDGEAI_CAP_SHARED_PROGRAMS;
	return caps;
}

static u32 edgeai_max_freq_khz(struct edgeai_device *edev)
{
	return edev->fw.opp[edev->fw.opp_count - 1].freq_khz;
}

static int edgeai_ioctl_get_param(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	struct edgeai_device *edev = to_edgeai_device(drm);
	struct drm_edgeai_get_param *args = data;
	int idx, ret = 0;

	if (args->pad) {
		drm_dbg(drm, "get_param: non-zero pad\n");
		return -EINVAL;
	}
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	switch (args->param) {
	case DRM_EDGEAI_PARAM_DEVICE_TYPE:
		args->value = edev->type;
		break;
	case DRM_EDGEAI_PARAM_CORE_COUNT:
		args->value = edev->core_count;
		break;
	case DRM_EDGEAI_PARAM_FW_VERSION:
		args->value = edev->fw.fw_version;
		break;
	case DRM_EDGEAI_PARAM_FW_ABI_VERSION:
		args->value = edev->fw.abi_version;
		break;
	case DRM_EDGEAI_PARAM_CAPABILITIES:
		args->value = edgeai_capabilities(edev);
		break;
	case DRM_EDGEAI_PARAM_CMD_MASK:
		args->value = edev->fw.cmd_mask;
		break;
	case DRM_EDGEAI_PARAM_MACS_PER_CYCLE:
		args->value = edev->fw.macs_per_cycle;
		break;
	case DRM_EDGEAI_PARAM_MAX_FREQ_KHZ:
		args->value = edgeai_max_freq_khz(edev);
		break;
	case DRM_EDGEAI_PARAM_MAX_BO_SIZE:
		args->value = EDGEAI_MAX_BO_SIZE;
		break;
	case DRM_EDGEAI_PARAM_JOB_TIMEOUT_MS:
		args->value = edev->timeout_ms;
		break;
	case DRM_EDGEAI_PARAM_CUR_FREQ_KHZ:
		args->value = READ_ONCE(edev->freq_khz);
		break;
	case DRM_EDGEAI_PARAM_TEMP_MC: {
		int temp;

		ret = edgeai_thermal_temp(edev, &temp);
		args->value = (s64)temp;
		break;
	}
	case DRM_EDGEAI_PARAM_CLIENT_ID:
		args->value = file->client_id;
		break;
	default:
		drm_dbg(drm, "get_param: unknown param %u\n", args->param);
		ret = -EINVAL;
		break;
	}

	drm_dev_exit(idx);
	return ret;
}

/*
 * Documentation/gpu/drm-usage-stats.rst, plus the driver's own keys (with
 * its name as prefix): edgeai-jobs, the file's completed jobs, and
 * edgeai-quota-refusals, its submits refused with -EDQUOT. edgeaid exports
 * them per application.
 */
static void edgeai_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct edgeai_file_priv *ctx = file->driver_priv;
	struct edgeai_device *edev = ctx->edev;

	drm_printf(p, "drm-engine-%s:\t%lld ns\n", edev->engine,
		   atomic64_read(&ctx->engine_ns));
	drm_printf(p, "drm-engine-capacity-%s:\t%u\n", edev->engine,
		   edev->core_count);
	drm_printf(p, "drm-cycles-%s:\t%lld\n", edev->engine,
		   atomic64_read(&ctx->cycles));
	drm_printf(p, "drm-maxfreq-%s:\t%llu Hz\n", edev->engine,
		   (u64)edgeai_max_freq_khz(edev) * 1000);
	/* Driver-specific: jobs of the file preempted at an op boundary. */
	drm_printf(p, "edgeai-preemptions-%s:\t%lld\n", edev->engine,
		   atomic64_read(&ctx->preemptions));
	/* Driver-specific: jobs of the file that ran in a batch (1.6). */
	drm_printf(p, "edgeai-batched-jobs-%s:\t%lld\n", edev->engine,
		   atomic64_read(&ctx->batched_jobs));
	drm_printf(p, "edgeai-jobs:\t%lld\n", atomic64_read(&ctx->jobs));
	drm_printf(p, "edgeai-quota-refusals:\t%lld\n",
		   atomic64_read(&ctx->quota_refusals));
	drm_show_memory_stats(p, file);
}

#define EDGEAI_IOCTL(n, func) \
	DRM_IOCTL_DEF_DRV(EDGEAI_##n, edgeai_ioctl_##func, 0)

static const struct drm_ioctl_desc edgeai_ioctls[] = {
	EDGEAI_IOCTL(GET_PARAM, get_param),
	EDGEAI_IOCTL(BO_CREATE, bo_create),
	EDGEAI_IOCTL(BO_INFO, bo_info),
	EDGEAI_IOCTL(BO_PREP, bo_prep),
	EDGEAI_IOCTL(BO_FINI, bo_fini),
	EDGEAI_IOCTL(SUBMIT, submit),
	EDGEAI_IOCTL(WAIT, wait),
	EDGEAI_IOCTL(SET_POLICY, set_policy),
	EDGEAI_IOCTL(GET_CLIENT, get_client),
	EDGEAI_IOCTL(PROGRAM_CREATE, program_create),
	EDGEAI_IOCTL(PROGRAM_DESTROY, program_destroy),
};

static const struct file_operations edgeai_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo = drm_show_fdinfo,
	.uring_cmd = edgeai_uring_cmd,
};

/*
 * Interface versions:
 * 1.0 - GET_PARAM, BO_CREATE/INFO/PREP/FINI, SUBMIT, WAIT and
 *       EDGEAI_URING_CMD_SUBMIT.
 * 1.1 - SET_POLICY, GET_CLIENT, -EDQUOT and thermal -EBUSY on SUBMIT,
 *       params CUR_FREQ_KHZ, TEMP_MC, CLIENT_ID.
 * 1.2 - PROGRAM_CREATE, PROGRAM_DESTROY, SUBMIT_PROGRAM.
 * 1.3 - drm_edgeai_submit.program_handle (binary compatible with 1.2's
 *       reserved[0]), EDGEAI_PROG_MAX_SLOTS in the uapi.
 * 1.4 - preemption of programs at op boundaries, DRM_EDGEAI_CAP_PREEMPT.
 * 1.5 - DRM_EDGEAI_CAP_DMA_COHERENT.
 * 1.6 - dynamic batching: DRM_EDGEAI_SUBMIT_BATCH, batch_max and
 *       batch_wait_us in drm_edgeai_submit, DRM_EDGEAI_CAP_BATCH.
 * 1.7 - programs shared by the files that create them, batches across
 *       files: DRM_EDGEAI_CAP_SHARED_PROGRAMS.
 */
static const struct drm_driver edgeai_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_COMPUTE_ACCEL | DRIVER_SYNCOBJ,
	.open = edgeai_open,
	.postclose = edgeai_postclose,
	.ioctls = edgeai_ioctls,
	.num_ioctls = ARRAY_SIZE(edgeai_ioctls),
	.fops = &edgeai_fops,
	.gem_create_object = edgeai_gem_create_object,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.show_fdinfo = edgeai_show_fdinfo,
	.name = "edgeai",
	.desc = "edgeai NPU/DSP accelerator",
	.date = "20260101",
	.major = 1,
	.minor = 13,
};

static int edgeai_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	const struct platform_device_id *id;
	struct edgeai_device *edev;
	u32 type, cores = 1;
	int ret;
	u32 i;

	id = platform_get_device_id(pdev);
	type = id ? id->driver_data : (uintptr_t)device_get_match_data(dev);
	if (type != DRM_EDGEAI_DEVICE_NPU && type != DRM_EDGEAI_DEVICE_DSP)
		return dev_err_probe(dev, -ENODEV, "unknown device type\n");
	if (device_property_present(dev, "edgeai,num-cores"))
		device_property_read_u32(dev, "edgeai,num-cores", &cores);
	if (!cores || cores > EDGEAI_MAX_CORES)
		return dev_err_probe(dev, -EINVAL, "edgeai,num-cores %u out of range 1..%u\n",
				     cores, EDGEAI_MAX_CORES);

	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return dev_err_probe(dev, ret, "cannot set the DMA mask\n");

	edev = devm_drm_dev_alloc(dev, &edgeai_drm_driver, struct edgeai_device,
				  drm);
	if (IS_ERR(edev))
		return PTR_ERR(edev);

	edev->type = type;
	edev->engine = type == DRM_EDGEAI_DEVICE_NPU ? "npu" : "dsp";
	edev->simulated = !!id;
	edev->core_count = cores;
	edev->fw_name = type == DRM_EDGEAI_DEVICE_NPU ? npu_firmware : dsp_firmware;
	device_property_read_string(dev, "firmware-name", &edev->fw_name);
	edev->timeout_ms = clamp(job_timeout_ms, 10U, 600000U);
	edev->prog_max_work = EDGEAI_PROG_MAX_WORK;
	hash_init(edev->prog_hash);
	ret = drmm_mutex_init(&edev->drm, &edev->prog_lock);
	if (ret)
		return ret;
	edev->ops = &edgeai_sim_ops;
	spin_lock_init(&edev->job_list_lock);
	INIT_LIST_HEAD(&edev->job_list);
	for (i = 0; i < cores; i++) {
		edev->cores[i].edev = edev;
		edev->cores[i].index = i;
	}
	ret = edgeai_arb_init(edev);
	if (ret)
		return ret;

	ret = edgeai_of_probe(edev);
	if (ret)
		return ret;
	ret = edgeai_fw_load(edev);
	if (ret)
		return ret;
	ret = edgeai_of_init(edev);
	if (ret)
		return ret;
	edev->freq_khz = edgeai_max_freq_khz(edev);

	platform_set_drvdata(pdev, edev);
	ret = edev->ops->boot(edev);
	if (ret)
		return dev_err_probe(dev, ret, "backend boot failed\n");
	ret = edgeai_job_init_device(edev);
	if (ret)
		return dev_err_probe(dev, ret, "scheduler init failed\n");
	ret = edgeai_pm_init(edev);
	if (ret)
		return dev_err_probe(dev, ret, "power management init failed\n");
	if (edev->of) {
		ret = edgeai_of_thermal_init(edev);
		if (ret)
			return ret;
	} else {
		ret = edgeai_thermal_init(edev);
		if (ret)
			dev_warn(dev, "no thermal zone (%d)\n", ret);
	}

	ret = drm_dev_register(&edev->drm, 0);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register the DRM device\n");
	edgeai_debugfs_init(edev);

	dev_info(dev, "%s%s with %u core%s, firmware %s (%s), accel%d\n",
		 edev->simulated ? "simulated " : "", edev->engine, cores,
		 cores == 1 ? "" : "s", edev->fw.version, edev->fw_name,
		 edev->drm.accel->index);
	return 0;
}

static void edgeai_remove(struct platform_device *pdev)
{
	struct edgeai_device *edev = platform_get_drvdata(pdev);

	/* No new ioctls; then take the running jobs off the cores. */
	drm_dev_unplug(&edev->drm);
	edev->ops->shutdown(edev);
}

static const struct of_device_id edgeai_of_match[] = {
	{ .compatible = "edgeai,npu", .data = (void *)DRM_EDGEAI_DEVICE_NPU },
	{ .compatible = "edgeai,dsp", .data = (void *)DRM_EDGEAI_DEVICE_DSP },
	{ }
};
MODULE_DEVICE_TABLE(of, edgeai_of_match);

static struct platform_driver edgeai_platform_driver = {
	.probe = edgeai_probe,
	.remove = edgeai_remove,
	.id_table = edgeai_sim_ids,
	.driver = {
		.name = "edgeai",
		.of_match_table = edgeai_of_match,
		.dev_groups = edgeai_sysfs_groups,
		.pm = pm_ptr(&edgeai_pm_ops),
	},
};

static bool edgeai_dt_present(void)
{
	struct device_node *np = of_find_matching_node(NULL, edgeai_of_match);

	of_node_put(np);
	return np;
}

static int __init edgeai_init(void)
{
	int ret;

	edgeai_wq = alloc_workqueue("edgeai", 0, 0);
	if (!edgeai_wq)
		return -ENOMEM;

	ret = platform_driver_register(&edgeai_platform_driver);
	if (ret)
		goto err_wq;

	if (!edgeai_dt_present()) {
		ret = edgeai_sim_create_devices();
		if (ret)
			goto err_driver;
	}
	return 0;

err_driver:
	platform_driver_unregister(&edgeai_platform_driver);
err_wq:
	destroy_workqueue(edgeai_wq);
	return ret;
}

static void __exit edgeai_exit(void)
{
	/*
	 * Unbind first: device_del() drops a device's PM QoS requests before
	 * it unbinds the driver, and the devfreq cooling device still holds
	 * one until remove.
	 */
	platform_driver_unregister(&edgeai_platform_driver);
	edgeai_sim_destroy_devices();
	/* Waits for the last context releases, which run module code. */
	destroy_workqueue(edgeai_wq);
}

module_init(edgeai_init);
module_exit(edgeai_exit);

MODULE_DESCRIPTION("edgeai NPU/DSP accelerator driver");
MODULE_AUTHOR("The edgeai authors");
MODULE_LICENSE("GPL");
MODULE_FIRMWARE("edgeai/npu.bin");
MODULE_FIRMWARE("edgeai/dsp.bin");
MODULE_IMPORT_NS(DMA_BUF);
/*
 * devfreq finds its governor by name; nothing links to it by symbol, and
 * distribution kernels build simple_ondemand as a module. modprobe loads it
 * first so that the devices come up with their operating points.
 */
MODULE_SOFTDEP("pre: governor_simpleondemand");
