/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The edgeai authors */

#ifndef __EDGEAI_MODEL_H__
#define __EDGEAI_MODEL_H__

#include <linux/types.h>

u32 edgeai_model_decay_q16(u64 dt_ns, u32 tau_ms);
s32 edgeai_model_rc_step(s32 temp_mc, s32 ambient_mc, u32 r_th_mc_per_w,
			 u32 power_mw, u64 dt_ns, u32 tau_ms);
u32 edgeai_model_power_mw(u32 idle_mw, u32 busy_mw, u32 busy_cores,
			  u32 cores);
u64 edgeai_model_vtime_charge(u64 device_ns, u32 weight);

#endif /* __EDGEAI_MODEL_H__ */
