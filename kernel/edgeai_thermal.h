/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_THERMAL_H__
#define __EDGEAI_THERMAL_H__

#include <linux/types.h>

struct dentry;
struct edgeai_device;

int edgeai_thermal_init(struct edgeai_device *edev);
int edgeai_thermal_temp(struct edgeai_device *edev, int *temp_mc);
bool edgeai_thermal_is_critical(struct edgeai_device *edev);
void edgeai_thermal_debugfs_init(struct edgeai_device *edev,
				 struct dentry *root);

#endif /* __EDGEAI_THERMAL_H__ */
