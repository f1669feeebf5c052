/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_FW_H__
#define __EDGEAI_FW_H__

struct edgeai_device;

int edgeai_fw_load(struct edgeai_device *edev);

#endif /* __EDGEAI_FW_H__ */
