/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_PM_H__
#define __EDGEAI_PM_H__

#include <linux/pm.h>

struct edgeai_device;

/* Runtime PM and system sleep callbacks of the platform driver. */
extern const struct dev_pm_ops edgeai_pm_ops;

int edgeai_pm_init(struct edgeai_device *edev);
void edgeai_pm_job_get(struct edgeai_device *edev);
int edgeai_pm_job_resume(struct edgeai_device *edev);
void edgeai_pm_job_put(struct edgeai_device *edev);

#endif /* __EDGEAI_PM_H__ */
