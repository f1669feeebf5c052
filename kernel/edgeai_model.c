// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * Pure arithmetic of the power, thermal and arbitration models: no state,
 * no locking, no allocation, so KUnit tests it directly
 * (tests/edgeai_model_kunit.c).
 *
 * The thermal model is a first-order RC circuit: with a constant power P
 * the temperature approaches T_ss = T_ambient + R_th * P exponentially with
 * the time constant tau, so over an interval dt in which P is constant
 *
 *	T(t + dt) = T_ss + (T(t) - T_ss) * exp(-dt / tau)
 *
 * which is exact for any dt (the callers step it at every power change).
 */

#include <drm/edgeai_accel.h>
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>

#include "edgeai_model.h"

/* exp(-k) in Q32 for k = 0..15. */
static const u64 edgeai_exp_neg_int_q32[16] = {
	4294967296ULL, 1580030169, 581260615, 213833830, 78665070, 28939262,
	10646160, 3916503, 1440801, 530041, 194991, 71733, 26389, 9708, 3571,
	1314,
};

/**
 * edgeai_model_decay_q16() - exp(-dt / tau) in Q16
 * @dt_ns: elapsed time
 * @tau_ms: time constant; 0 means an instant response
 *
 * Integer part from a table, fractional part from the Taylor series of
 * exp(-f) to the 10th order (error below 2^-16 for f in [0, 1)).
 *
 * Return: the decay factor, 65536 for @dt_ns 0, 0 from 16 tau on.
 */
u32 edgeai_model_decay_q16(u64 dt_ns, u32 tau_ms)
{
	u64 tau_ns = (u64)tau_ms * NSEC_PER_MSEC;
	u64 x, f, r;
	u32 k, n;

	if (!dt_ns)
		return 1 << 16;
	if (!tau_ns || dt_ns >= 16 * tau_ns)
		return 0;
	/* x = dt / tau in Q32; below 16 << 32, so it fits. */
	x = mul_u64_u64_div_u64(dt_ns, 1ULL << 32, tau_ns);
	k = x >> 32;
	f = x & 0xffffffffULL;

	/* exp(-f) = 1 - f (1 - f/2 (1 - f/3 (...))), each factor in [0, 1]. */
	r = 1ULL << 32;
	for (n = 10; n >= 1; n--)
		r = (1ULL << 32) - div_u64((f * r) >> 32, n);

	return (edgeai_exp_neg_int_q32[k] * (r >> 16)) >> 32;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_model_decay_q16);

/**
 * edgeai_model_rc_step() - advance the RC thermal model
 * @temp_mc: temperature at the start of the interval
 * @ambient_mc: ambient temperature
 * @r_th_mc_per_w: thermal resistance, milli-degrees per watt
 * @power_mw: power during the interval
 * @dt_ns: length of the interval
 * @tau_ms: thermal time constant
 *
 * Return: the temperature at the end of the interval.
 */
s32 edgeai_model_rc_step(s32 temp_mc, s32 ambient_mc, u32 r_th_mc_per_w,
			 u32 power_mw, u64 dt_ns, u32 tau_ms)
{
	s64 tss = ambient_mc + div_u64((u64)r_th_mc_per_w * power_mw, 1000);
	s64 delta = (s64)temp_mc - tss;
	u32 decay = edgeai_model_decay_q16(dt_ns, tau_ms);

	/* |delta| < 2^32 and decay <= 2^16: no overflow. */
	return tss + div_s64(delta * decay, 1 << 16);
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_model_rc_step);

/**
 * edgeai_model_power_mw() - power of a powered device
 * @idle_mw: power with every core idle
 * @busy_mw: power with every core busy at the current operating point
 * @busy_cores: cores running a job
 * @cores: cores of the device
 *
 * Each busy core adds its share of the difference between busy and idle.
 *
 * Return: the power in mW.
 */
u32 edgeai_model_power_mw(u32 idle_mw, u32 busy_mw, u32 busy_cores,
			  u32 cores)
{
	if (!cores || busy_mw <= idle_mw)
		return idle_mw;
	busy_cores = min(busy_cores, cores);
	return idle_mw + (busy_mw - idle_mw) * busy_cores / cores;
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_model_power_mw);

/**
 * edgeai_model_vtime_charge() - virtual time a client is charged for a job
 * @device_ns: device time the job took
 * @weight: the client's weight, 1..DRM_EDGEAI_WEIGHT_MAX (0 is taken as 1)
 *
 * A client of weight DRM_EDGEAI_WEIGHT_DEFAULT is charged its device time; a
 * client of twice that weight half of it, so between busy clients picked
 * by smallest virtual time, device time follows the weights.
 *
 * Return: the virtual time in ns.
 */
u64 edgeai_model_vtime_charge(u64 device_ns, u32 weight)
{
	return mul_u64_u64_div_u64(device_ns, DRM_EDGEAI_WEIGHT_DEFAULT,
				   max(weight, 1U));
}
EXPORT_SYMBOL_IF_KUNIT(edgeai_model_vtime_charge);
