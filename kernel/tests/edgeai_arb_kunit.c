// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The edgeai authors */

/*
 * KUnit suite "edgeai_arb": the arbiter's pause for system sleep, driven
 * step by step the way drm_sched and the backend call it: prepare_job
 * (edgeai_arb_prepare()) for a job, again once its grant fence signalled,
 * and the completion (edgeai_arb_release()), with edgeai_arb_pause() and
 * edgeai_arb_resume() between them in the orders the system-sleep path
 * can see. The device, its file contexts and jobs are zeroed structures
 * with only what the arbiter reads: one core, no preemption, no batching.
 */

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "edgeai_arb.h"
#include "edgeai_device.h"
#include "edgeai_drv.h"
#include "edgeai_job.h"

/* Device time charged per completed job. */
#define ARB_TEST_NS	1000

static const struct edgeai_backend_ops arb_test_ops;

struct arb_test {
	struct edgeai_device *edev;
	struct edgeai_file_priv *ctx[2];
	/* Completes @late_job from a worker, as the backend would. */
	struct delayed_work late;
	struct edgeai_job *late_job;
	bool late_done;
};

static int arb_test_init(struct kunit *test)
{
	struct edgeai_device *edev;
	struct arb_test *t;
	u32 i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	edev = kunit_kzalloc(test, sizeof(*edev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, edev);
	edev->ops = &arb_test_ops;
	edev->core_count = 1;
	edev->timeout_ms = 1000;
	edev->cores[0].edev = edev;
	edgeai_arb_setup(&edev->arb);
	for (i = 0; i < ARRAY_SIZE(t->ctx); i++) {
		t->ctx[i] = kunit_kzalloc(test, sizeof(*t->ctx[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->ctx[i]);
		t->ctx[i]->edev = edev;
		edgeai_arb_open(t->ctx[i]);
	}
	t->edev = edev;
	test->priv = t;
	return 0;
}

static void arb_test_exit(struct kunit *test)
{
	struct arb_test *t = test->priv;

	edgeai_arb_teardown(&t->edev->arb);
}

/* A job of @ctx for core 0, queued on the file's core-0 entity. */
static struct edgeai_job *arb_test_job(struct kunit *test,
				       struct edgeai_file_priv *ctx)
{
	struct edgeai_device *edev = ctx->edev;
	struct edgeai_job *job;

	job = kunit_kzalloc(test, sizeof(*job), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, job);
	job->edev = edev;
	job->ctx = ctx;
	job->core = &edev->cores[0];
	job->base.sched = &edev->cores[0].sched;
	job->base.entity = &ctx->entity[0];
	edgeai_arb_queued(job);
	return job;
}

/* drm_sched's prepare_job for @job. */
static struct dma_fence *arb_test_prepare(struct edgeai_job *job)
{
	return edgeai_arb_prepare(job, job->base.entity);
}

/*
 * The race of issue 15: job A completes and the core is handed to job B
 * (its grant fence signals), but drm_sched has not come back to start B
 * when the system goes to sleep. The pause finds no core busy and returns
 * at once, so B must not start until the arbiter resumes: it would find
 * the device off with runtime PM disabled and fail with -EIO.
 */
static void edgeai_arb_granted_not_started(struct kunit *test)
{
	struct arb_test *t = test->priv;
	struct edgeai_arb *arb = &t->edev->arb;
	struct edgeai_job *a = arb_test_job(test, t->ctx[0]);
	struct edgeai_job *b = arb_test_job(test, t->ctx[1]);
	struct dma_fence *f, *g;

	/* A takes the idle core at once; B waits for it. */
	KUNIT_ASSERT_NULL(test, arb_test_prepare(a));
	KUNIT_EXPECT_EQ(test, arb->running, 1);
	f = arb_test_prepare(b);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f));

	/* A completes: B is granted the core but has not started. */
	edgeai_arb_release(a, ARB_TEST_NS);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, arb->running, 0);
	KUNIT_EXPECT_FALSE(test, b->arb_granted);

	/* System sleep: nothing runs, so the pause does not wait. */
	KUNIT_EXPECT_EQ(test, edgeai_arb_pause(t->edev), 0);

	/* drm_sched comes back for B: it waits again, on a new fence. */
	g = arb_test_prepare(b);
	KUNIT_EXPECT_NOT_NULL_MSG(test, g,
				  "a job granted before the pause started while paused");
	if (!g) {
		edgeai_arb_resume(t->edev);
		edgeai_arb_release(b, ARB_TEST_NS);
		dma_fence_put(f);
		return;
	}
	KUNIT_EXPECT_PTR_NE(test, g, f);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(g));
	KUNIT_EXPECT_FALSE(test, b->arb_granted);
	KUNIT_EXPECT_EQ(test, arb->running, 0);
	KUNIT_EXPECT_EQ(test, arb->cores[0].nwaiters, 1);

	/* Resume: B gets the core again and starts. */
	edgeai_arb_resume(t->edev);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(g));
	KUNIT_EXPECT_NULL(test, arb_test_prepare(b));
	KUNIT_EXPECT_TRUE(test, b->arb_granted);
	KUNIT_EXPECT_EQ(test, arb->running, 1);
	edgeai_arb_release(b, ARB_TEST_NS);
	KUNIT_EXPECT_EQ(test, arb->running, 0);
	KUNIT_EXPECT_EQ(test, arb->cores[0].nwaiters, 0);
	KUNIT_EXPECT_EQ(test, t->ctx[1]->active, 0);
	dma_fence_put(g);
	dma_fence_put(f);
}

/* A job that comes while the arbiter is paused waits for the resume. */
static void edgeai_arb_queued_while_paused(struct kunit *test)
{
	struct arb_test *t = test->priv;
	struct edgeai_arb *arb = &t->edev->arb;
	struct edgeai_job *a = arb_test_job(test, t->ctx[0]);
	struct dma_fence *f;

	KUNIT_EXPECT_EQ(test, edgeai_arb_pause(t->edev), 0);
	f = arb_test_prepare(a);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, arb->running, 0);

	edgeai_arb_resume(t->edev);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_NULL(test, arb_test_prepare(a));
	KUNIT_EXPECT_EQ(test, arb->running, 1);
	edgeai_arb_release(a, ARB_TEST_NS);
	dma_fence_put(f);
}

static void arb_test_late_complete(struct work_struct *work)
{
	struct arb_test *t = container_of(to_delayed_work(work), struct arb_test,
					  late);

	WRITE_ONCE(t->late_done, true);
	edgeai_arb_release(t->late_job, ARB_TEST_NS);
}

/* The pause waits for a started job until it completed. */
static void edgeai_arb_pause_waits_for_started(struct kunit *test)
{
	struct arb_test *t = test->priv;
	struct edgeai_arb *arb = &t->edev->arb;
	struct edgeai_job *a = arb_test_job(test, t->ctx[0]);

	KUNIT_ASSERT_NULL(test, arb_test_prepare(a));
	t->late_job = a;
	INIT_DELAYED_WORK(&t->late, arb_test_late_complete);
	schedule_delayed_work(&t->late, msecs_to_jiffies(50));

	KUNIT_EXPECT_EQ(test, edgeai_arb_pause(t->edev), 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(t->late_done));
	KUNIT_EXPECT_EQ(test, arb->running, 0);
	flush_delayed_work(&t->late);
	edgeai_arb_resume(t->edev);
}

/*
 * A job still running after twice the job timeout refuses the sleep, and
 * the arbiter is not left paused: the next job gets the core when the
 * running one completes.
 */
static void edgeai_arb_pause_bounded(struct kunit *test)
{
	struct arb_test *t = test->priv;
	struct edgeai_arb *arb = &t->edev->arb;
	struct edgeai_job *a = arb_test_job(test, t->ctx[0]);
	struct edgeai_job *b = arb_test_job(test, t->ctx[1]);
	struct dma_fence *f;

	t->edev->timeout_ms = 10;
	KUNIT_ASSERT_NULL(test, arb_test_prepare(a));
	KUNIT_EXPECT_EQ(test, edgeai_arb_pause(t->edev), -EBUSY);
	KUNIT_EXPECT_FALSE(test, arb->paused);

	f = arb_test_prepare(b);
	KUNIT_ASSERT_NOT_NULL(test, f);
	edgeai_arb_release(a, ARB_TEST_NS);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_NULL(test, arb_test_prepare(b));
	KUNIT_EXPECT_EQ(test, arb->running, 1);
	edgeai_arb_release(b, ARB_TEST_NS);
	KUNIT_EXPECT_EQ(test, arb->running, 0);
	dma_fence_put(f);
}

static struct kunit_case edgeai_arb_cases[] = {
	KUNIT_CASE(edgeai_arb_granted_not_started),
	KUNIT_CASE(edgeai_arb_queued_while_paused),
	KUNIT_CASE(edgeai_arb_pause_waits_for_started),
	KUNIT_CASE(edgeai_arb_pause_bounded),
	{}
};

static struct kunit_suite edgeai_arb_suite = {
	.name = "edgeai_arb",
	.init = arb_test_init,
	.exit = arb_test_exit,
	.test_cases = edgeai_arb_cases,
};

kunit_test_suite(edgeai_arb_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the edgeai arbiter's pause for system sleep");
MODULE_LICENSE("GPL");
