// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * sysfs attributes of the platform device (the accel node's parent):
 * device_type, core_count, fw_version, fw_abi_version, capabilities,
 * busy_time_us, jobs_completed, batched_jobs and reset_count. They exist
 * while the driver is bound.
 *
 * The counters are cumulative since the device was bound and never
 * go down; a reader takes differences (busy_time_us and jobs_completed
 * before and after a workload give its device time and its number of
 * jobs, without any edgeai tool; with batching, batched_jobs tells how
 * many of them ran together as one device job).
 */

#include <linux/device.h>
#include <linux/math64.h>
#include <linux/sysfs.h>

#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_sysfs.h"

static ssize_t device_type_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", edev->engine);
}
static DEVICE_ATTR_RO(device_type);

static ssize_t core_count_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", edev->core_count);
}
static DEVICE_ATTR_RO(core_count);

static ssize_t fw_version_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	u32 v = edev->fw.fw_version;

	return sysfs_emit(buf, "%u.%u.%u %s\n", v >> 16, (v >> 8) & 0xff,
			  v & 0xff, edev->fw.version);
}
static DEVICE_ATTR_RO(fw_version);

static ssize_t fw_abi_version_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", edev->fw.abi_version);
}
static DEVICE_ATTR_RO(fw_abi_version);

/* DRM_EDGEAI_CAP_* mask, as DRM_EDGEAI_PARAM_CAPABILITIES returns it. */
static ssize_t capabilities_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "0x%llx\n", edgeai_capabilities(edev));
}
static DEVICE_ATTR_RO(capabilities);

static ssize_t busy_time_us_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	u64 ns = 0;
	u32 i;

	for (i = 0; i < edev->core_count; i++)
		ns += atomic64_read(&edev->cores[i].busy_ns);
	return sysfs_emit(buf, "%llu\n", div_u64(ns, NSEC_PER_USEC));
}
static DEVICE_ATTR_RO(busy_time_us);

/**
 * jobs_completed_show() - the "jobs_completed" attribute
 * @dev: the platform device
 * @attr: the attribute
 * @buf: the page to fill
 *
 * Jobs that reached a core of the device and completed there, successfully
 * or not (a job reset after a timeout counts too), summed over the cores;
 * jobs cancelled before they started do not count. Decimal, cumulative.
 *
 * Return: the length written.
 */
static ssize_t jobs_completed_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	u64 jobs = 0;
	u32 i;

	for (i = 0; i < edev->core_count; i++)
		jobs += atomic64_read(&edev->cores[i].jobs);
	return sysfs_emit(buf, "%llu\n", jobs);
}
static DEVICE_ATTR_RO(jobs_completed);

/**
 * batched_jobs_show() - the "batched_jobs" attribute (uAPI 1.6)
 * @dev: the platform device
 * @attr: the attribute
 * @buf: the page to fill
 *
 * Two decimal numbers, cumulative, summed over the cores: the jobs that
 * ran in a batch of two or more (DRM_EDGEAI_SUBMIT_BATCH), and the device
 * jobs those batches were. Each job of a batch also counts in
 * "jobs_completed", so the device jobs run are jobs_completed minus the
 * first number plus the second.
 *
 * Return: the length written.
 */
static ssize_t batched_jobs_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);
	u64 jobs = 0, batches = 0;
	u32 i;

	for (i = 0; i < edev->core_count; i++) {
		jobs += atomic64_read(&edev->cores[i].batched_jobs);
		batches += atomic64_read(&edev->cores[i].batches);
	}
	return sysfs_emit(buf, "%llu %llu\n", jobs, batches);
}
static DEVICE_ATTR_RO(batched_jobs);

static ssize_t reset_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct edgeai_device *edev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", atomic_read(&edev->reset_count));
}
static DEVICE_ATTR_RO(reset_count);

static struct attribute *edgeai_sysfs_attrs[] = {
	&dev_attr_device_type.attr,
	&dev_attr_core_count.attr,
	&dev_attr_fw_version.attr,
	&dev_attr_fw_abi_version.attr,
	&dev_attr_capabilities.attr,
	&dev_attr_busy_time_us.attr,
	&dev_attr_jobs_completed.attr,
	&dev_attr_batched_jobs.attr,
	&dev_attr_reset_count.attr,
	NULL
};

static const struct attribute_group edgeai_sysfs_group = {
	.attrs = edgeai_sysfs_attrs,
};

const struct attribute_group *edgeai_sysfs_groups[] = {
	&edgeai_sysfs_group,
	NULL
};
