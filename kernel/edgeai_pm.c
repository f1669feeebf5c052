// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Power management: runtime PM with autosuspend, system sleep, and devfreq
 * over the firmware image's operating points.
 *
 * Runtime PM: every job holds a reference from the moment it is queued
 * (edgeai_pm_job_get(), which also starts an asynchronous wake-up) until it
 * completes (edgeai_pm_job_put()); the job waits for the device to be
 * powered before it starts (edgeai_pm_job_resume()). Once the last job
 * completed the device stays powered for the autosuspend delay, 100 ms by
 * default (module parameter autosuspend_ms; tunable per device through
 * power/autosuspend_delay_ms in sysfs), then powers off.
 *
 * System sleep: the arbiter stops handing out cores and the running jobs
 * finish; queued jobs stay queued, with their references, and so do jobs
 * that were granted a core but had not started (edgeai_arb_pause()). The
 * device is then forced off (pm_runtime_force_suspend()); on resume it is
 * powered again if jobs are queued, and the arbiter goes on where it
 * stopped. Jobs that still run after twice the job timeout refuse the
 * sleep (-EBUSY) rather than find the device off. The devfreq governor is
 * stopped from before the freezer runs until after the thaw (PM notifier,
 * see edgeai_pm_notify()).
 *
 * devfreq: the image's operating points are added to the OPP table at
 * probe, unless the board's device tree gave the device its own
 * (edgeai_of.c); the simple_ondemand governor (its module must be loaded)
 * picks one from the busiest core's load, which the arbiter measures from
 * job grant to completion. The backend's clock follows every change, and the
 * devfreq cooling device (edgeai_thermal.c) caps it.
 */

#include <drm/drm_print.h>
#include <linux/devfreq.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm_opp.h>
#include <linux/pm_runtime.h>
#include <linux/suspend.h>

#include "edgeai_arb.h"
#include "edgeai_device.h"
#include "edgeai_pm.h"

static unsigned int autosuspend_ms = 100;
module_param(autosuspend_ms, uint, 0444);
MODULE_PARM_DESC(autosuspend_ms,
		 "Idle time in ms before a device powers off (default 100; per device: power/autosuspend_delay_ms)");

static unsigned int devfreq_polling_ms = 50;
module_param(devfreq_polling_ms, uint, 0444);
MODULE_PARM_DESC(devfreq_polling_ms,
		 "devfreq load sampling period in ms (default 50)");

/**
 * edgeai_pm_job_get() - take the runtime PM reference of a queued job
 * @edev: device
 *
 * Starts waking the device up without waiting for it.
 */
void edgeai_pm_job_get(struct edgeai_device *edev)
{
	pm_runtime_get(edev->drm.dev);
}

/**
 * edgeai_pm_job_resume() - wait until the device is powered
 * @edev: device; the caller holds a job reference
 *
 * Return: 0, or a negative errno when the device cannot be powered.
 */
int edgeai_pm_job_resume(struct edgeai_device *edev)
{
	int ret = pm_runtime_resume(edev->drm.dev);

	if (ret < 0) {
		drm_err(&edev->drm, "cannot power the device up: %d\n", ret);
		return -EIO;
	}
	return 0;
}

/**
 * edgeai_pm_job_put() - drop the runtime PM reference of a completed job
 * @edev: device
 *
 * Any context; the autosuspend timer starts over.
 */
void edgeai_pm_job_put(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;

	pm_runtime_mark_last_busy(dev);
	pm_runtime_put_autosuspend(dev);
}

static int edgeai_runtime_suspend(struct device *dev)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);

	if (edev->devfreq) {
		guard(mutex)(&edev->devfreq_lock);
		devfreq_suspend_device(edev->devfreq);
	}
	edev->ops->power_off(edev);
	return 0;
}

static int edgeai_runtime_resume(struct device *dev)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	int ret;

	ret = edev->ops->power_on(edev);
	if (ret)
		return ret;
	if (edev->devfreq) {
		guard(mutex)(&edev->devfreq_lock);
		devfreq_resume_device(edev->devfreq);
	}
	return 0;
}

/*
 * The devfreq core polls from devfreq_wq, a freezable workqueue. When the
 * governor's timer expires after the freezer stopped that workqueue and
 * before dpm_suspend() calls devfreq_suspend(), the poll is queued as an
 * inactive work item, and devfreq_suspend() cancels it. On 6.12 the
 * cancel leaves the workqueue's pool_workqueue on its node's list of those
 * waiting for an active slot (pwq->pending_node) with nothing inactive; the
 * thaw finds no inactive work to activate, and from then on every poll
 * queued there stays inactive behind that stale entry until a work item of
 * devfreq_wq that is active completes, which with the other devices'
 * governors stopped is never: the governor stops following load, the
 * clock stays where it was. So stop our governor before the freezer runs
 * and start it after the thaw: no poll of ours is queued while the
 * workqueue is frozen. @devfreq_sleep pairs the two (a device probed in
 * between gets POST without PREPARE); @devfreq_lock orders both with the
 * runtime PM callbacks, so that a stop and a start never cross on their
 * way from the devfreq core's counter to the governor.
 */
static int edgeai_pm_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct edgeai_device *edev = container_of(nb, struct edgeai_device, pm_nb);

	guard(mutex)(&edev->devfreq_lock);
	switch (action) {
	case PM_HIBERNATION_PREPARE:
	case PM_RESTORE_PREPARE:
	case PM_SUSPEND_PREPARE:
		if (!edev->devfreq_sleep) {
			devfreq_suspend_device(edev->devfreq);
			edev->devfreq_sleep = true;
		}
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
	case PM_POST_SUSPEND:
		if (edev->devfreq_sleep) {
			devfreq_resume_device(edev->devfreq);
			edev->devfreq_sleep = false;
		}
		break;
	}
	return NOTIFY_DONE;
}

static void edgeai_pm_notifier_remove(void *data)
{
	struct edgeai_device *edev = data;

	unregister_pm_notifier(&edev->pm_nb);
}

static int edgeai_system_suspend(struct device *dev)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	int ret;

	/*
	 * No job starts from here on and the started ones completed (a job
	 * granted a core that has not started has its grant taken back), so
	 * none finds the device off with runtime PM disabled.
	 */
	ret = edgeai_arb_pause(edev);
	if (ret) {
		drm_warn(&edev->drm, "jobs still run after %u ms: system sleep refused\n",
			 2 * edev->timeout_ms);
		return ret;
	}
	ret = pm_runtime_force_suspend(dev);
	if (ret)
		edgeai_arb_resume(edev);
	return ret;
}

static int edgeai_system_resume(struct device *dev)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	int ret;

	ret = pm_runtime_force_resume(dev);
	edgeai_arb_resume(edev);
	return ret;
}

/* Runtime PM and system sleep callbacks of the platform driver. */
const struct dev_pm_ops edgeai_pm_ops = {
	SYSTEM_SLEEP_PM_OPS(edgeai_system_suspend, edgeai_system_resume)
	RUNTIME_PM_OPS(edgeai_runtime_suspend, edgeai_runtime_resume, NULL)
};

static int edgeai_devfreq_target(struct device *dev, unsigned long *freq,
				 u32 flags)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	struct dev_pm_opp *opp;
	int ret;

	opp = devfreq_recommended_opp(dev, freq, flags);
	if (IS_ERR(opp))
		return PTR_ERR(opp);
	dev_pm_opp_put(opp);

	ret = edev->ops->set_freq(edev, *freq / 1000);
	if (ret)
		return ret;
	return 0;
}

static int edgeai_devfreq_status(struct device *dev,
				 struct devfreq_dev_status *stat)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	u64 busy, total;

	edgeai_arb_load(edev, &busy, &total);
	stat->busy_time = busy / NSEC_PER_USEC;
	stat->total_time = total / NSEC_PER_USEC;
	stat->current_frequency = (unsigned long)READ_ONCE(edev->freq_khz) * 1000;
	return 0;
}

static int edgeai_devfreq_cur_freq(struct device *dev, unsigned long *freq)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);

	*freq = (unsigned long)READ_ONCE(edev->freq_khz) * 1000;
	return 0;
}

static void edgeai_opp_remove(void *data)
{
	dev_pm_opp_remove_all_dynamic(data);
}

static int edgeai_devfreq_init(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;
	struct devfreq_dev_profile *profile;
	struct devfreq *df;
	int ret;
	u32 i;

	/* A board's operating-points-v2 table (edgeai_of.c) is there already. */
	if (dev_pm_opp_get_opp_count(dev) <= 0) {
		for (i = 0; i < edev->fw.opp_count; i++) {
			ret = dev_pm_opp_add(dev, (unsigned long)edev->fw.opp[i].freq_khz * 1000,
					     edev->fw.opp[i].voltage_uv);
			if (ret) {
				dev_pm_opp_remove_all_dynamic(dev);
				return ret;
			}
		}
		ret = devm_add_action_or_reset(dev, edgeai_opp_remove, dev);
		if (ret)
			return ret;
	}

	profile = devm_kzalloc(dev, sizeof(*profile), GFP_KERNEL);
	if (!profile)
		return -ENOMEM;
	profile->initial_freq = (unsigned long)edev->freq_khz * 1000;
	profile->polling_ms = devfreq_polling_ms;
	profile->timer = DEVFREQ_TIMER_DELAYED;
	profile->target = edgeai_devfreq_target;
	profile->get_dev_status = edgeai_devfreq_status;
	profile->get_cur_freq = edgeai_devfreq_cur_freq;

	df = devm_devfreq_add_device(dev, profile, DEVFREQ_GOV_SIMPLE_ONDEMAND,
				     NULL);
	if (IS_ERR(df))
		return PTR_ERR(df);

	/* Set before the notifier can run; unregistered before devfreq goes. */
	edev->devfreq = df;
	edev->pm_nb.notifier_call = edgeai_pm_notify;
	ret = register_pm_notifier(&edev->pm_nb);
	if (!ret)
		ret = devm_add_action_or_reset(dev, edgeai_pm_notifier_remove, edev);
	if (ret)
		edev->devfreq = NULL;
	return ret;
}

/**
 * edgeai_pm_init() - devfreq and runtime PM of a probing device
 * @edev: booted device, drvdata set; the device is powered
 *
 * Without devfreq (no simple_ondemand governor) the device runs at its
 * highest operating point and a warning says why; runtime PM is always on.
 *
 * Return: 0 or a negative errno.
 */
int edgeai_pm_init(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;
	int ret;

	ret = devm_mutex_init(dev, &edev->devfreq_lock);
	if (ret)
		return ret;
	ret = edgeai_devfreq_init(edev);
	if (ret)
		dev_warn(dev, "no devfreq (%d): is governor_simpleondemand loaded? running at %u kHz\n",
			 ret, edev->freq_khz);

	pm_runtime_set_autosuspend_delay(dev, autosuspend_ms);
	pm_runtime_use_autosuspend(dev);
	ret = pm_runtime_set_active(dev);
	if (ret)
		return ret;
	ret = devm_pm_runtime_enable(dev);
	if (ret)
		return ret;
	pm_runtime_mark_last_busy(dev);
	pm_request_autosuspend(dev);
	return 0;
}
