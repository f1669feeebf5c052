/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_SIM_H__
#define __EDGEAI_SIM_H__

struct edgeai_backend_ops;
struct platform_device_id;

/* The simulator backend (edgeai_backend.h), the only backend today. */
extern const struct edgeai_backend_ops edgeai_sim_ops;
/* Platform ids of the devices edgeai_sim_create_devices() creates. */
extern const struct platform_device_id edgeai_sim_ids[];

int edgeai_sim_create_devices(void);
void edgeai_sim_destroy_devices(void);

#endif /* __EDGEAI_SIM_H__ */
