// SPDX-License-Identifier: GPL-2.0-only
/*
 * Thermal zone, trips and devfreq cooling of the edgeai devices: the
 * simulator's RC model heats under load and cools when idle; above the
 * passive trip the kernel's governor throttles through the cooling device
 * (visible in cur_freq) and lets go after cooldown; at the critical trip
 * SUBMIT refuses with -EBUSY. Temperatures are forced through the debugfs
 * knob force_temp_mc (Debian has no CONFIG_THERMAL_EMULATION).
 */
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "edgeai_pm_lib.h"

FIXTURE(th) {
	int fd;
	int minor;
	char tz[256];
	char cdev[256];
	long long passive, critical;
	uint64_t bytes_per_cycle;
};

FIXTURE_SETUP(th)
{
	self->minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, self->minor);
	self->fd = eai_open_minor(self->minor);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_tz_dir(self->minor, self->tz, sizeof(self->tz)));
	ASSERT_EQ(0, eai_cdev_dir(self->minor, self->cdev, sizeof(self->cdev)));
	self->passive = eai_dir_ll(self->tz, "trip_point_0_temp");
	self->critical = eai_dir_ll(self->tz, "trip_point_1_temp");
	eai_dev_write(self->minor, "power/autosuspend_delay_ms", "2000");
	ASSERT_EQ(0, eai_engine_get(self->minor, &self->bytes_per_cycle));
}

FIXTURE_TEARDOWN(th)
{
	eai_dbg_write(self->minor, "force_temp_mc", "0");
	eai_dbg_write(self->minor, "compute_off", "0");
	if (self->bytes_per_cycle)
		eai_engine_set(self->minor, self->bytes_per_cycle);
	eai_dev_write(self->minor, "power/autosuspend_delay_ms", "100");
	close(self->fd);
}

TEST_F(th, zone_trips_and_cooling_device)
{
	char p[PATH_MAX], buf[64];
	long long temp;
	uint64_t v;

	snprintf(p, sizeof(p), "%s/trip_point_0_type", self->tz);
	ASSERT_EQ(0, eai_read_str(p, buf, sizeof(buf)));
	EXPECT_STREQ("passive", buf);
	snprintf(p, sizeof(p), "%s/trip_point_1_type", self->tz);
	ASSERT_EQ(0, eai_read_str(p, buf, sizeof(buf)));
	EXPECT_STREQ("critical", buf);
	EXPECT_LT(self->passive, self->critical);
	snprintf(p, sizeof(p), "%s/policy", self->tz);
	ASSERT_EQ(0, eai_read_str(p, buf, sizeof(buf)));
	EXPECT_STREQ("step_wise", buf);
	/* The cooling device is bound to the zone (cdev0) with 4 OPPs. */
	EXPECT_EQ(0, eai_dir_ll(self->tz, "cdev0_trip_point"));
	EXPECT_EQ(3, eai_dir_ll(self->cdev, "max_state"));
	/* The zone, GET_PARAM and the model agree, below the passive trip. */
	temp = eai_dir_ll(self->tz, "temp");
	EXPECT_LT(0, temp);
	EXPECT_GT(self->passive, temp);
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_TEMP_MC, &v));
	EXPECT_GT(2000, llabs((long long)v - temp));
}

/* Heating target of model_heats_under_load_and_cools, above the idle zone. */
#define TH_HEAT_MC		12000
/* Device time each core may run before the test gives up heating. */
#define TH_HEAT_BUDGET_NS	10000000000ULL
/* Copy/fill throughput while heating: 200 MiB FILL jobs of 65 ms at 800 MHz. */
#define TH_HEAT_BYTES_PER_CYCLE	4

/* Shared between the test and its load processes. */
struct th_heat {
	int stop;		/* the zone is hot enough */
	int done;		/* load processes that ended */
	uint64_t device_ns[2];	/* device time each core ran */
};

static bool th_heat_more(void *arg, uint64_t device_ns)
{
	struct th_heat *h = arg;

	return !__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE) &&
	       device_ns < TH_HEAT_BUDGET_NS;
}

/*
 * The RC model heats under load (both cores) and cools when idle.
 *
 * The model counts a core as busy only for its jobs' device time, not for
 * the host's time between jobs, which is many times longer under KASAN and
 * TCG: how far a fixed wall-clock time of load heats depends on the host.
 * So the load runs until the zone is TH_HEAT_MC above where it started,
 * bounded by the device time the cores ran (TH_HEAT_BUDGET_NS each, two
 * time constants at full load), with jobs long in device time (a slow copy
 * engine) so that the host's share stays small at any host speed. Idle,
 * the model cools towards its idle steady state (ambient + R_th * idle
 * power, at most 41.8 C for the NPU) by 1 - exp(-1.5 s / tau) of the
 * excess in 1.5 s (26% for tau = 5 s): more than 2 C from TH_HEAT_MC up.
 */
TEST_F(th, model_heats_under_load_and_cools)
{
	long long t0, t1, t2, t = 0;
	struct th_heat *h;
	pid_t kids[2];
	int status;

	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, h);
	memset(h, 0, sizeof(*h));
	ASSERT_EQ(0, eai_dbg_write(self->minor, "compute_off", "1"));
	ASSERT_EQ(0, eai_engine_set(self->minor, TH_HEAT_BYTES_PER_CYCLE));
	t0 = eai_dir_ll(self->tz, "temp");
	for (int c = 0; c < 2; c++) {
		kids[c] = fork();
		ASSERT_LE(0, kids[c]);
		if (!kids[c]) {
			struct eai_load l;
			int fd = eai_open_minor(self->minor);
			int ret = 1;

			if (fd >= 0 && !eai_load_init(&l, fd, 200)) {
				l.core = c;
				ret = eai_load_drive(&l, 2, th_heat_more, h, &h->device_ns[c]) ? 1 : 0;
			}
			__atomic_add_fetch(&h->done, 1, __ATOMIC_RELEASE);
			_exit(ret);
		}
	}
	while (__atomic_load_n(&h->done, __ATOMIC_ACQUIRE) < 2) {
		t = eai_dir_ll(self->tz, "temp");
		if (t >= t0 + TH_HEAT_MC)
			break;
		eai_sleep_ms(20);
	}
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	for (int c = 0; c < 2; c++) {
		ASSERT_EQ(kids[c], waitpid(kids[c], &status, 0));
		EXPECT_EQ(0, status);
	}
	t1 = eai_dir_ll(self->tz, "temp");
	eai_sleep_ms(1500);
	t2 = eai_dir_ll(self->tz, "temp");
	TH_LOG("idle %lld mC, %lld mC after %llu + %llu ms of device time, %lld mC when drained, 1.5 s later %lld mC",
	       t0, t, (unsigned long long)h->device_ns[0] / 1000000,
	       (unsigned long long)h->device_ns[1] / 1000000, t1, t2);
	EXPECT_LE(t0 + TH_HEAT_MC, t);
	EXPECT_GT(t1 - 2000, t2);
	munmap(h, sizeof(*h));
}

static bool wait_ll(const char *dir, const char *attr, bool (*ok)(long long, long long),
		    long long ref, int ms)
{
	for (int i = 0; i <= ms / 20; i++) {
		if (ok(eai_dir_ll(dir, attr), ref))
			return true;
		eai_sleep_ms(20);
	}
	return false;
}

static bool ge(long long v, long long ref) { return v >= ref; }
static bool eq(long long v, long long ref) { return v == ref; }

/*
 * Above the passive trip under load the governor raises the cooling state
 * and cur_freq drops below the top; after cooldown both recover.
 */
TEST_F(th, passive_trip_throttles_then_recovers)
{
	char dfdir[256], buf[32];
	long long fmax, f;
	pid_t child;
	int status;

	ASSERT_EQ(0, eai_devfreq_path(self->minor, "", dfdir, sizeof(dfdir)));
	ASSERT_EQ(0, eai_dbg_write(self->minor, "compute_off", "1"));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct eai_load l;
		int fd = eai_open_minor(self->minor);

		if (fd < 0 || eai_load_init(&l, fd, 100))
			_exit(1);
		l.core = 0;
		_exit(eai_load_saturate(&l, 3, eai_now_ns() + 3500000000LL) ? 1 : 0);
	}
	/* Saturated: top operating point. */
	fmax = eai_dir_ll(dfdir, "max_freq");
	EXPECT_TRUE(wait_ll(dfdir, "cur_freq", eq, fmax, 1000));

	snprintf(buf, sizeof(buf), "%lld", self->passive + 3000);
	ASSERT_EQ(0, eai_dbg_write(self->minor, "force_temp_mc", buf));
	EXPECT_TRUE(wait_ll(self->cdev, "cur_state", ge, 1, 1500));
	eai_sleep_ms(200);
	f = eai_dir_ll(dfdir, "cur_freq");
	TH_LOG("throttled: cooling state %lld, cur_freq %lld (top %lld)",
	       eai_dir_ll(self->cdev, "cur_state"), f, fmax);
	EXPECT_GT(fmax, f);
	EXPECT_GT(fmax, eai_dir_ll(dfdir, "max_freq"));

	/* Cooldown: the state returns to 0, the clock to the top. */
	snprintf(buf, sizeof(buf), "%lld", self->passive - 20000);
	ASSERT_EQ(0, eai_dbg_write(self->minor, "force_temp_mc", buf));
	EXPECT_TRUE(wait_ll(self->cdev, "cur_state", eq, 0, 1500));
	EXPECT_TRUE(wait_ll(dfdir, "cur_freq", eq, fmax, 1000));
	ASSERT_EQ(0, eai_dbg_write(self->minor, "force_temp_mc", "0"));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, status);
}

/* At the critical trip SUBMIT refuses at once with -EBUSY, reason THERMAL. */
TEST_F(th, critical_trip_refuses_jobs)
{
	struct drm_edgeai_client_info ci;
	char buf[32];
	int64_t t0;
	uint64_t v;

	snprintf(buf, sizeof(buf), "%lld", self->critical + 1000);
	ASSERT_EQ(0, eai_dbg_write(self->minor, "force_temp_mc", buf));
	ASSERT_EQ(0, eai_get_param(self->fd, DRM_EDGEAI_PARAM_TEMP_MC, &v));
	EXPECT_EQ(self->critical + 1000, (long long)v);
	t0 = eai_now_ns();
	EXPECT_EQ(-EBUSY, eai_device_works(self->fd, 0x21));
	EXPECT_GT(100000000LL, eai_now_ns() - t0);
	ASSERT_EQ(0, eai_get_client(self->fd, 0, &ci));
	EXPECT_EQ(DRM_EDGEAI_BUSY_THERMAL, ci.busy_reason);

	/* Cooled below the trip: jobs run again. */
	ASSERT_EQ(0, eai_dbg_write(self->minor, "force_temp_mc", "0"));
	EXPECT_EQ(0, eai_device_works(self->fd, 0x22));
}

TEST_HARNESS_MAIN
