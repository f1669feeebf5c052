/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_DEBUGFS_H__
#define __EDGEAI_DEBUGFS_H__

struct edgeai_device;

void edgeai_debugfs_init(struct edgeai_device *edev);

#endif /* __EDGEAI_DEBUGFS_H__ */
