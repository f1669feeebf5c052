/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_COREDUMP_H_KERNEL__
#define __EDGEAI_COREDUMP_H_KERNEL__

#include <linux/types.h>

struct edgeai_core;
struct edgeai_device;
struct edgeai_job;

int edgeai_coredump_init(struct edgeai_device *edev);
void edgeai_coredump_note(struct edgeai_job *job, int error,
			  u64 device_time_ns);
void *edgeai_coredump_capture(struct edgeai_core *core,
			      struct edgeai_job *job);
void edgeai_coredump_commit(struct edgeai_device *edev, void *dump,
			    bool reset);

#endif /* __EDGEAI_COREDUMP_H_KERNEL__ */
