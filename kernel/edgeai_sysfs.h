/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_SYSFS_H__
#define __EDGEAI_SYSFS_H__

struct attribute_group;

/* Attributes of the platform device, while the driver is bound. */
extern const struct attribute_group *edgeai_sysfs_groups[];

#endif /* __EDGEAI_SYSFS_H__ */
