// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runtime PM, system sleep and devfreq of the edgeai devices, through the
 * standard sysfs (power/, /sys/class/devfreq) and the simulator's debugfs
 * power model.
 */
#include "kselftest_harness.h"

#include "edgeai_pm_lib.h"

FIXTURE(pm) {
	int fd;
	int minor;
	uint64_t bytes_per_cycle;
};

FIXTURE_VARIANT(pm) {
	uint32_t type;
};

FIXTURE_VARIANT_ADD(pm, npu) { .type = DRM_EDGEAI_DEVICE_NPU };
FIXTURE_VARIANT_ADD(pm, dsp) { .type = DRM_EDGEAI_DEVICE_DSP };

FIXTURE_SETUP(pm)
{
	self->minor = eai_find_minor(variant->type);
	ASSERT_LE(0, self->minor);
	self->fd = eai_open_minor(self->minor);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_dev_write(self->minor, "power/autosuspend_delay_ms", "100"));
	ASSERT_EQ(0, eai_engine_get(self->minor, &self->bytes_per_cycle));
}

FIXTURE_TEARDOWN(pm)
{
	eai_dev_write(self->minor, "power/autosuspend_delay_ms", "100");
	eai_dbg_write(self->minor, "compute_off", "0");
	if (self->bytes_per_cycle)
		eai_engine_set(self->minor, self->bytes_per_cycle);
	close(self->fd);
}

static unsigned long long avail_extreme(int minor, bool max)
{
	char p[PATH_MAX], buf[512], *tok, *save;
	unsigned long long best = max ? 0 : ~0ULL;

	if (eai_devfreq_path(minor, "available_frequencies", p, sizeof(p)) ||
	    eai_read_str(p, buf, sizeof(buf)))
		return 0;
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		unsigned long long v = strtoull(tok, NULL, 0);

		if (max ? v > best : v < best)
			best = v;
	}
	return best;
}

/* Poll power/runtime_status until it reads @want, up to @ms. */
static bool wait_status(int minor, const char *want, int ms)
{
	char s[64];

	for (int i = 0; i <= ms / 10; i++) {
		if (!eai_dev_str(minor, "power/runtime_status", s, sizeof(s)) && !strcmp(s, want))
			return true;
		eai_sleep_ms(10);
	}
	return false;
}

TEST_F(pm, autosuspend_and_wake)
{
	char state[32];
	long long ups, susp0;

	/* Idle: suspended once the 100 ms delay passed, the model is off. */
	ASSERT_TRUE(wait_status(self->minor, "suspended", 3000));
	ASSERT_EQ(0, eai_power_state(self->minor, state, sizeof(state)));
	EXPECT_STREQ("off", state);
	ups = eai_power_ll(self->minor, "power_ups");
	susp0 = eai_dev_ll(self->minor, "power/runtime_suspended_time");

	/*
	 * A job wakes it up (one power-up) and leaves it active: for the
	 * delay, here 1 s, so that a slow host (a debug kernel under TCG)
	 * still finds it active when it looks.
	 */
	ASSERT_EQ(0, eai_dev_write(self->minor, "power/autosuspend_delay_ms", "1000"));
	ASSERT_EQ(0, eai_device_works(self->fd, 0x5a));
	EXPECT_EQ(ups + 1, eai_power_ll(self->minor, "power_ups"));
	EXPECT_TRUE(wait_status(self->minor, "active", 0));

	/*
	 * And it suspends again after the delay, and suspended time accrues
	 * (in whole ms: read at once, the new period may not have added one).
	 */
	EXPECT_TRUE(wait_status(self->minor, "suspended", 4000));
	for (int i = 0; i < 100 &&
	     eai_dev_ll(self->minor, "power/runtime_suspended_time") <= susp0; i++)
		eai_sleep_ms(10);
	EXPECT_LT(susp0, eai_dev_ll(self->minor, "power/runtime_suspended_time"));
	EXPECT_TRUE(wait_status(self->minor, "suspended", 0));
}

TEST_F(pm, autosuspend_delay_is_tunable)
{
	ASSERT_EQ(0, eai_dev_write(self->minor, "power/autosuspend_delay_ms", "800"));
	ASSERT_EQ(800, eai_dev_ll(self->minor, "power/autosuspend_delay_ms"));
	ASSERT_EQ(0, eai_device_works(self->fd, 0x33));
	eai_sleep_ms(300);
	EXPECT_TRUE(wait_status(self->minor, "active", 0));
	EXPECT_TRUE(wait_status(self->minor, "suspended", 3000));
}

/*
 * The reference is held from queueing to completion: with autosuspend delay
 * 0 the device would power off between jobs otherwise. It wakes exactly once
 * for the whole batch. (The last job's reference drops when the device is
 * done with it, which may be just before WAIT sees the job finished, so
 * "suspended" can be sampled at the very end.)
 */
TEST_F(pm, reference_held_while_jobs_queued)
{
	struct eai_load l;
	/* Enough for a few samples even where one takes 40 ms (a debug kernel). */
	uint64_t ids[12];
	long long ups;
	int32_t status;
	char s[64];
	int samples = 0, active = 0;

	ASSERT_EQ(0, eai_dev_write(self->minor, "power/autosuspend_delay_ms", "0"));
	ASSERT_EQ(0, eai_dbg_write(self->minor, "compute_off", "1"));
	ASSERT_TRUE(wait_status(self->minor, "suspended", 1000));
	ups = eai_power_ll(self->minor, "power_ups");
	/* About 30-40 ms per job. */
	ASSERT_EQ(0, eai_load_init(&l, self->fd, variant->type == DRM_EDGEAI_DEVICE_NPU ? 200 : 160));
	l.core = 0;
	for (int i = 0; i < 12; i++)
		ASSERT_EQ(0, eai_load_submit(&l, &ids[i]));
	while (eai_wait(self->fd, ids[11], 0, &status, NULL) == -ETIME) {
		ASSERT_EQ(0, eai_dev_str(self->minor, "power/runtime_status", s, sizeof(s)));
		active += !strcmp(s, "active");
		samples++;
		eai_sleep_ms(5);
	}
	EXPECT_EQ(0, status);
	EXPECT_LT(5, samples);
	EXPECT_LT(samples / 2, active);
	EXPECT_EQ(ups + 1, eai_power_ll(self->minor, "power_ups"));
	/* Delay 0: off right after the last job. */
	EXPECT_TRUE(wait_status(self->minor, "suspended", 1000));
}

/*
 * System sleep (pm_test=devices runs the device callbacks for real) with
 * jobs queued: none is lost, every one writes its bytes.
 */
TEST_F(pm, system_sleep_keeps_queued_jobs)
{
	enum { N = 8 };
	uint32_t bo;
	uint64_t ids[N], size;
	uint8_t *map;
	int32_t status;
	long long off0;
	struct drm_edgeai_bo_ref ref;
	int ret;

	if (access("/sys/power/pm_test", W_OK))
		SKIP(return, "no /sys/power/pm_test");
	ASSERT_EQ(0, eai_bo_create(self->fd, N * 4096, &bo));
	ref.handle = bo;
	ref.flags = DRM_EDGEAI_BO_WRITE;
	for (int i = 0; i < N; i++) {
		struct drm_edgeai_cmd c[64];
		struct drm_edgeai_submit s;

		/* Long enough that most are still queued when we sleep. */
		for (int k = 0; k < 64; k++)
			c[k] = eai_cmd_fill(0, (uint64_t)i * 4096, 4096, (uint8_t)(0x40 + i));
		s = eai_submit_args(&ref, 1, c, 64);
		s.core = 0;
		ASSERT_EQ(0, eai_submit(self->fd, &s, &ids[i]));
	}
	off0 = eai_power_ll(self->minor, "off_ns");
	eai_write_file("/sys/module/suspend/parameters/pm_test_delay", "0");
	ASSERT_EQ(0, eai_write_file("/sys/power/pm_test", "devices"));
	ret = eai_write_file("/sys/power/state", "freeze");
	eai_write_file("/sys/power/pm_test", "none");
	ASSERT_EQ(0, ret);

	for (int i = 0; i < N; i++) {
		ASSERT_EQ(0, eai_wait(self->fd, ids[i], eai_deadline_ms(10000), &status, NULL));
		EXPECT_EQ(0, status);
	}
	map = eai_bo_map(self->fd, bo, &size);
	ASSERT_NE(NULL, map);
	ASSERT_EQ(0, eai_bo_prep(self->fd, bo, DRM_EDGEAI_PREP_READ, eai_deadline_ms(5000)));
	for (int i = 0; i < N; i++)
		EXPECT_TRUE(eai_all_bytes(map + i * 4096, 4096, 0x40 + i));
	eai_bo_fini(self->fd, bo);
	munmap(map, size);
	/* The device was really off during the sleep. */
	EXPECT_LT(off0, eai_power_ll(self->minor, "off_ns"));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x77));
}

/*
 * Sleep after sleep with many short jobs queued on one core: each job but
 * the first waits for the core behind the one before it and is handed the
 * core (its grant fence signals) when that one completes, then starts when
 * the scheduler comes back to it. A sleep that falls between the two must
 * keep the job queued (issue 15: it started on the device powered off and
 * failed with -EIO). No job of any round may fail.
 *
 * And the devfreq governor still follows load after the sleeps (issue 15
 * too: a poll of the governor that its timer queued on the devfreq core's
 * freezable workqueue while the freezer held it, and that the sleep then
 * cancelled, left 6.12's workqueue holding every later poll back, in about
 * one run in ten): idle and powered, the clock comes down to the lowest
 * point.
 */
TEST_F(pm, system_sleep_repeatedly_keeps_queued_jobs)
{
	enum { ROUNDS = 6, N = 128, CMDS = 8 };
	unsigned long long fmin = avail_extreme(self->minor, false);
	struct eai_load l;
	uint64_t ids[N];
	int32_t status;
	int ret, failed = 0;

	if (access("/sys/power/pm_test", W_OK))
		SKIP(return, "no /sys/power/pm_test");
	ASSERT_LT(0, fmin);
	ASSERT_EQ(0, eai_dbg_write(self->minor, "compute_off", "1"));
	ASSERT_EQ(0, eai_load_init(&l, self->fd, CMDS));
	l.core = 0;
	eai_write_file("/sys/module/suspend/parameters/pm_test_delay", "0");
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < N; i++)
			ASSERT_EQ(0, eai_load_submit(&l, &ids[i]));
		/* The queue takes far longer than this: it is not empty yet. */
		EXPECT_EQ(-ETIME, eai_wait(self->fd, ids[N - 1], 0, &status, NULL));
		ASSERT_EQ(0, eai_write_file("/sys/power/pm_test", "devices"));
		ret = eai_write_file("/sys/power/state", "freeze");
		eai_write_file("/sys/power/pm_test", "none");
		EXPECT_EQ(0, ret);
		for (int i = 0; i < N; i++) {
			ASSERT_EQ(0, eai_wait(self->fd, ids[i], eai_deadline_ms(20000),
					      &status, NULL));
			if (status) {
				TH_LOG("round %d: job %d of %d: status %d", r, i, N, status);
				failed++;
			}
		}
	}
	EXPECT_EQ(0, failed);
	EXPECT_EQ(0, eai_dbg_write(self->minor, "compute_off", "0"));
	/* Kept powered: a runtime suspend would stop the governor where it is. */
	ASSERT_EQ(0, eai_dev_write(self->minor, "power/autosuspend_delay_ms", "10000"));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x78));
	EXPECT_TRUE(eai_wait_freq(self->minor, fmin, 5000));
}

/* Standard devfreq sysfs over the image's operating points. */
TEST_F(pm, devfreq_sysfs)
{
	char p[PATH_MAX], buf[512], *tok, *save;
	unsigned long long f[8];
	uint64_t maxk;
	int n = 0;

	ASSERT_EQ(0, eai_devfreq_path(self->minor, "available_frequencies", p, sizeof(p)));
	ASSERT_EQ(0, eai_read_str(p, buf, sizeof(buf)));
	for (tok = strtok_r(buf, " ", &save); tok && n < 8; tok = strtok_r(NULL, " ", &save))
		f[n++] = strtoull(tok, NULL, 0);
	ASSERT_LE(4, n);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_MAX_FREQ_KHZ, &maxk));
	EXPECT_EQ(maxk * 1000, f[n - 1] > f[0] ? f[n - 1] : f[0]);
	EXPECT_LT(0, eai_devfreq_ll(self->minor, "cur_freq"));
	EXPECT_LT(0, eai_devfreq_ll(self->minor, "min_freq"));
	EXPECT_LT(0, eai_devfreq_ll(self->minor, "max_freq"));
	ASSERT_EQ(0, eai_devfreq_path(self->minor, "governor", p, sizeof(p)));
	ASSERT_EQ(0, eai_read_str(p, buf, sizeof(buf)));
	EXPECT_STREQ("simple_ondemand", buf);
	ASSERT_EQ(0, eai_devfreq_path(self->minor, "trans_stat", p, sizeof(p)));
	ASSERT_EQ(0, eai_read_str(p, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "Total transition"));
}

/*
 * Under load the governor goes to the top operating point, idle to the
 * lowest; the simulator's speed follows.
 */
TEST_F(pm, devfreq_follows_load)
{
	unsigned long long fmin = avail_extreme(self->minor, false);
	unsigned long long fmax = avail_extreme(self->minor, true);
	unsigned long long trans0;
	uint64_t k;
	struct eai_load l;
	uint64_t t_fast, t_slow, id;
	char p[PATH_MAX], buf[64];
	int32_t status;
	pid_t child;

	ASSERT_LT(0, fmin);
	ASSERT_LT(fmin, fmax);
	/*
	 * Runtime suspend stops the governor where it is: the delay must
	 * outlast the waits for the idle point below, however slow the host.
	 */
	ASSERT_EQ(0, eai_dev_write(self->minor, "power/autosuspend_delay_ms", "10000"));
	ASSERT_EQ(0, eai_load_init(&l, self->fd, 100));
	l.core = 0;
	trans0 = eai_devfreq_ll(self->minor, "trans_stat");

	/* Idle: lowest point. */
	ASSERT_EQ(0, eai_device_works(self->fd, 1));
	EXPECT_TRUE(eai_wait_freq(self->minor, fmin, 5000));
	ASSERT_EQ(0, eai_dbg_write(self->minor, "compute_off", "1"));

	/*
	 * Load: highest point while it lasts. Four seconds of saturation, of
	 * which simple_ondemand needs a few polling periods: under TCG on a
	 * loaded host the submitting child itself can be slow to fill the
	 * queue, so the window is wide; the assertion is the same. The jobs
	 * are long in device time (a copy engine of one byte per cycle: 100
	 * MiB take 87-524 ms, below the 1 s job timeout at every point), so
	 * the host's time between them leaves the core busy above the
	 * governor's up threshold at any host speed: with 5 ms jobs under
	 * KASAN the DSP's load fell below it and the clock left the top.
	 */
	ASSERT_EQ(0, eai_engine_set(self->minor, 1));
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(eai_load_saturate(&l, 3, eai_now_ns() + 4000000000LL) ? 1 : 0);
	EXPECT_TRUE(eai_wait_freq(self->minor, fmax, 3500));
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_CUR_FREQ_KHZ, &k));
	EXPECT_EQ(fmax, k * 1000);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, status);

	/* Idle again: back down. */
	EXPECT_TRUE(eai_wait_freq(self->minor, fmin, 5000));
	(void)trans0;

	/* Speed follows the clock: pin it to each end and time a job. */
	ASSERT_EQ(0, eai_devfreq_path(self->minor, "min_freq", p, sizeof(p)));
	snprintf(buf, sizeof(buf), "%llu", fmax);
	ASSERT_EQ(0, eai_write_file(p, buf));
	EXPECT_TRUE(eai_wait_freq(self->minor, fmax, 1000));
	ASSERT_EQ(0, eai_load_run(&l, &t_fast));
	snprintf(buf, sizeof(buf), "%llu", fmin);
	ASSERT_EQ(0, eai_write_file(p, buf));
	EXPECT_TRUE(eai_wait_freq(self->minor, fmin, 1000));
	ASSERT_EQ(0, eai_load_submit(&l, &id));
	ASSERT_EQ(0, eai_wait(self->fd, id, eai_deadline_ms(20000), &status, &t_slow));
	EXPECT_EQ(0, status);
	TH_LOG("job at %llu Hz: %llu ns, at %llu Hz: %llu ns", fmax,
	       (unsigned long long)t_fast, fmin, (unsigned long long)t_slow);
	ASSERT_EQ(0, eai_write_file(p, "0"));
	/* Time = 20 us fixed + work / f, within 10 %. */
	{
		double expect = 20000.0 + ((double)t_fast - 20000.0) * fmax / fmin;

		EXPECT_LT((double)t_slow, expect * 1.1);
		EXPECT_GT((double)t_slow, expect * 0.9);
	}
}

TEST_HARNESS_MAIN
