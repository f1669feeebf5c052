// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Thermal: one thermal zone per device, fed by the backend's temperature
 * (the simulator's RC model), with the firmware image's passive and
 * critical trips. The devfreq cooling device is bound to the passive trip,
 * so the kernel's step_wise governor lowers the clock while the device is
 * above it, and raises it again once it cooled down.
 *
 * At the critical trip the thermal core would shut the machine down; the
 * device instead refuses new jobs (SUBMIT fails with -EBUSY, reason
 * DRM_EDGEAI_BUSY_THERMAL) until it is below the trip again, and the jobs
 * already queued drain at the lowest clock.
 *
 * debugfs "force_temp_mc" (non-zero: that temperature in milli-degrees C)
 * overrides the backend for tests; Debian kernels have no
 * CONFIG_THERMAL_EMULATION.
 */

#include <drm/drm_print.h>
#include <linux/debugfs.h>
#include <linux/devfreq_cooling.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/thermal.h>

#include "edgeai_device.h"
#include "edgeai_thermal.h"

static unsigned int thermal_passive_ms = 100;
module_param(thermal_passive_ms, uint, 0444);
MODULE_PARM_DESC(thermal_passive_ms,
		 "Thermal zone polling period in ms above the passive trip (default 100)");

static unsigned int thermal_polling_ms = 250;
module_param(thermal_polling_ms, uint, 0444);
MODULE_PARM_DESC(thermal_polling_ms,
		 "Thermal zone polling period in ms below the passive trip (default 250)");

/* Hysteresis of both trips. */
#define EDGEAI_TRIP_HYST_MC	2000

/**
 * edgeai_thermal_temp() - the device temperature
 * @edev: device
 * @temp_mc: out, milli-degrees C
 *
 * Return: 0 or a negative errno from the backend.
 */
int edgeai_thermal_temp(struct edgeai_device *edev, int *temp_mc)
{
	u32 force = READ_ONCE(edev->force_temp_mc);

	if (force) {
		*temp_mc = force;
		return 0;
	}
	return edev->ops->read_temp(edev, temp_mc);
}

/**
 * edgeai_thermal_is_critical() - must the device refuse new jobs?
 * @edev: device
 *
 * Return: true while the device is at or above its critical trip.
 */
bool edgeai_thermal_is_critical(struct edgeai_device *edev)
{
	int temp;

	if (edgeai_thermal_temp(edev, &temp))
		return false;
	if (temp >= edev->fw.thermal.critical_mc) {
		if (!READ_ONCE(edev->thermal_critical))
			drm_warn(&edev->drm, "critical temperature %d mC: refusing new jobs\n",
				 temp);
		WRITE_ONCE(edev->thermal_critical, true);
		return true;
	}
	if (READ_ONCE(edev->thermal_critical)) {
		drm_info(&edev->drm, "cooled down to %d mC: taking jobs again\n",
			 temp);
		WRITE_ONCE(edev->thermal_critical, false);
	}
	return false;
}

static int edgeai_tz_get_temp(struct thermal_zone_device *tz, int *temp)
{
	return edgeai_thermal_temp(thermal_zone_device_priv(tz), temp);
}

static bool edgeai_tz_should_bind(struct thermal_zone_device *tz,
				  const struct thermal_trip *trip,
				  struct thermal_cooling_device *cdev,
				  struct cooling_spec *c)
{
	struct edgeai_device *edev = thermal_zone_device_priv(tz);

	/*
	 * Called while devfreq_cooling_register() runs, before edev->cooling
	 * is set: recognise our cooling device by its name.
	 */
	return trip->type == THERMAL_TRIP_PASSIVE && cdev->type &&
	       str_has_prefix(cdev->type, "devfreq-") &&
	       !strcmp(cdev->type + strlen("devfreq-"), dev_name(edev->drm.dev));
}

/* Instead of the thermal core's emergency shutdown. */
static void edgeai_tz_critical(struct thermal_zone_device *tz)
{
	edgeai_thermal_is_critical(thermal_zone_device_priv(tz));
}

static const struct thermal_zone_device_ops edgeai_tz_ops = {
	.get_temp = edgeai_tz_get_temp,
	.should_bind = edgeai_tz_should_bind,
	.critical = edgeai_tz_critical,
};

static void edgeai_thermal_unregister(void *data)
{
	struct edgeai_device *edev = data;

	if (edev->cooling)
		devfreq_cooling_unregister(edev->cooling);
	edev->cooling = NULL;
	thermal_zone_device_unregister(edev->tz);
	edev->tz = NULL;
}

/**
 * edgeai_thermal_init() - register the thermal zone and cooling device
 * @edev: device with devfreq set up (or NULL devfreq: no cooling device)
 *
 * Return: 0 or a negative errno.
 */
int edgeai_thermal_init(struct edgeai_device *edev)
{
	struct device *dev = edev->drm.dev;
	struct thermal_trip trips[] = {
		{
			.temperature = edev->fw.thermal.passive_mc,
			.hysteresis = EDGEAI_TRIP_HYST_MC,
			.type = THERMAL_TRIP_PASSIVE,
		},
		{
			.temperature = edev->fw.thermal.critical_mc,
			.hysteresis = EDGEAI_TRIP_HYST_MC,
			.type = THERMAL_TRIP_CRITICAL,
		},
	};
	struct thermal_zone_params tzp = {
		.governor_name = "step_wise",
		.no_hwmon = true,
	};
	struct thermal_zone_device *tz;
	struct thermal_cooling_device *cdev;
	int ret;

	tz = thermal_zone_device_register_with_trips(dev_name(dev), trips,
						     ARRAY_SIZE(trips), edev,
						     &edgeai_tz_ops, &tzp,
						     thermal_passive_ms,
						     thermal_polling_ms);
	if (IS_ERR(tz))
		return PTR_ERR(tz);
	edev->tz = tz;
	ret = devm_add_action_or_reset(dev, edgeai_thermal_unregister, edev);
	if (ret)
		return ret;

	if (edev->devfreq) {
		/* Bound to the passive trip by edgeai_tz_should_bind(). */
		cdev = devfreq_cooling_register(edev->devfreq);
		if (IS_ERR(cdev))
			return PTR_ERR(cdev);
		edev->cooling = cdev;
	}
	return thermal_zone_device_enable(tz);
}

/**
 * edgeai_thermal_debugfs_init() - add the "force_temp_mc" test knob
 * @edev: device
 * @root: the device's debugfs directory
 */
void edgeai_thermal_debugfs_init(struct edgeai_device *edev,
				 struct dentry *root)
{
	debugfs_create_u32("force_temp_mc", 0600, root, &edev->force_temp_mc);
}
