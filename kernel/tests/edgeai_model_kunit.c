// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * KUnit suite "edgeai_model": the pure arithmetic of edgeai_model.c, the
 * exponential decay, the RC thermal step, the power of busy cores and the
 * virtual time charged to a client.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/time64.h>
#include <drm/edgeai_accel.h>

#include "edgeai_model.h"

#define TAU_MS		1000
#define TAU_NS		((u64)TAU_MS * NSEC_PER_MSEC)

/* exp(-dt / tau) in Q16, against values worked out by hand. */
static void edgeai_model_decay(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, edgeai_model_decay_q16(0, TAU_MS), 65536);
	KUNIT_EXPECT_EQ(test, edgeai_model_decay_q16(0, 0), 65536);
	/* tau 0: the model follows the power at once. */
	KUNIT_EXPECT_EQ(test, edgeai_model_decay_q16(1, 0), 0);
	/* exp(-1) * 65536 = 24109.3 */
	KUNIT_EXPECT_EQ(test, edgeai_model_decay_q16(TAU_NS, TAU_MS), 24109);
	/* exp(-0.5) * 65536 = 39749.5 */
	KUNIT_EXPECT_GE(test, edgeai_model_decay_q16(TAU_NS / 2, TAU_MS), 39748);
	KUNIT_EXPECT_LE(test, edgeai_model_decay_q16(TAU_NS / 2, TAU_MS), 39751);
	/* exp(-15) * 65536 = 0.02: the table's last step. */
	KUNIT_EXPECT_LE(test, edgeai_model_decay_q16(15 * TAU_NS, TAU_MS), 1);
	KUNIT_EXPECT_EQ(test, edgeai_model_decay_q16(16 * TAU_NS, TAU_MS), 0);
	KUNIT_EXPECT_EQ(test, edgeai_model_decay_q16(U64_MAX, TAU_MS), 0);
}

/* The decay never grows with time. */
static void edgeai_model_decay_monotonic(struct kunit *test)
{
	u32 prev = 65536, d;
	u64 dt;

	for (dt = 0; dt <= 17 * TAU_NS; dt += TAU_NS / 64) {
		d = edgeai_model_decay_q16(dt, TAU_MS);
		KUNIT_EXPECT_LE_MSG(test, d, prev, "dt %llu ns", dt);
		prev = d;
	}
}

/*
 * 2 W through 20 C/W over 25 C ambient: the steady state is 65 C. The
 * step starts where it is for dt 0, gets there after 16 tau, is
 * 65 - 40 * exp(-1) = 50.285 C after one tau from ambient, and two half
 * steps land where one whole step does.
 */
static void edgeai_model_rc(struct kunit *test)
{
	const s32 amb = 25000, tss = 65000;
	const u32 r_th = 20000, p = 2000;
	s32 t, half;

	KUNIT_EXPECT_EQ(test, edgeai_model_rc_step(amb, amb, r_th, p, 0, TAU_MS), amb);
	KUNIT_EXPECT_EQ(test, edgeai_model_rc_step(amb, amb, r_th, p, 16 * TAU_NS, TAU_MS),
			tss);
	t = edgeai_model_rc_step(amb, amb, r_th, p, TAU_NS, TAU_MS);
	KUNIT_EXPECT_GE(test, t, 50280);
	KUNIT_EXPECT_LE(test, t, 50290);
	half = edgeai_model_rc_step(amb, amb, r_th, p, TAU_NS / 2, TAU_MS);
	half = edgeai_model_rc_step(half, amb, r_th, p, TAU_NS / 2, TAU_MS);
	KUNIT_EXPECT_GE(test, half, t - 5);
	KUNIT_EXPECT_LE(test, half, t + 5);

	/* Powered off above ambient: it cools towards ambient, not below. */
	t = edgeai_model_rc_step(tss, amb, r_th, 0, TAU_NS, TAU_MS);
	KUNIT_EXPECT_LT(test, t, tss);
	KUNIT_EXPECT_GT(test, t, amb);
	KUNIT_EXPECT_EQ(test, edgeai_model_rc_step(tss, amb, r_th, 0, 16 * TAU_NS, TAU_MS),
			amb);
}

/* Each busy core adds its share of busy minus idle power. */
static void edgeai_model_power(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, edgeai_model_power_mw(500, 2500, 0, 2), 500);
	KUNIT_EXPECT_EQ(test, edgeai_model_power_mw(500, 2500, 1, 2), 1500);
	KUNIT_EXPECT_EQ(test, edgeai_model_power_mw(500, 2500, 2, 2), 2500);
	/* More busy cores than cores, no cores, busy below idle. */
	KUNIT_EXPECT_EQ(test, edgeai_model_power_mw(500, 2500, 3, 2), 2500);
	KUNIT_EXPECT_EQ(test, edgeai_model_power_mw(500, 2500, 1, 0), 500);
	KUNIT_EXPECT_EQ(test, edgeai_model_power_mw(500, 400, 1, 1), 500);
}

/* Virtual time: device time scaled by the default weight over the weight. */
static void edgeai_model_vtime(struct kunit *test)
{
	const u64 ns = 3000000;

	KUNIT_EXPECT_EQ(test, edgeai_model_vtime_charge(ns, DRM_EDGEAI_WEIGHT_DEFAULT), ns);
	KUNIT_EXPECT_EQ(test, edgeai_model_vtime_charge(ns, 2 * DRM_EDGEAI_WEIGHT_DEFAULT),
			ns / 2);
	KUNIT_EXPECT_EQ(test, edgeai_model_vtime_charge(ns, DRM_EDGEAI_WEIGHT_DEFAULT / 2),
			2 * ns);
	KUNIT_EXPECT_EQ(test, edgeai_model_vtime_charge(ns, DRM_EDGEAI_WEIGHT_MAX),
			ns * DRM_EDGEAI_WEIGHT_DEFAULT / DRM_EDGEAI_WEIGHT_MAX);
	/* Weight 0 counts as 1; a large charge does not wrap. */
	KUNIT_EXPECT_EQ(test, edgeai_model_vtime_charge(ns, 0),
			ns * DRM_EDGEAI_WEIGHT_DEFAULT);
	KUNIT_EXPECT_EQ(test, edgeai_model_vtime_charge(1ULL << 56, 1),
			(1ULL << 56) * DRM_EDGEAI_WEIGHT_DEFAULT);
}

static struct kunit_case edgeai_model_cases[] = {
	KUNIT_CASE(edgeai_model_decay),
	KUNIT_CASE(edgeai_model_decay_monotonic),
	KUNIT_CASE(edgeai_model_rc),
	KUNIT_CASE(edgeai_model_power),
	KUNIT_CASE(edgeai_model_vtime),
	{}
};

static struct kunit_suite edgeai_model_suite = {
	.name = "edgeai_model",
	.test_cases = edgeai_model_cases,
};

kunit_test_suite(edgeai_model_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the edgeai power, thermal and arbitration models");
MODULE_LICENSE("GPL");
