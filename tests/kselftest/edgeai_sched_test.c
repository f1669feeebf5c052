// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arbitration between clients: SET_POLICY / GET_CLIENT privilege checks,
 * quotas (-EDQUOT at once), weighted fair sharing of device time between
 * processes, priority classes, and exact fdinfo accounting.
 *
 * Load runs on core 0 of the DSP with the simulator's compute_off mode:
 * jobs take their modelled device time without touching memory.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"

#include "edgeai_pm_lib.h"

FIXTURE(sched) {
	int fd;
	int minor;
	uint64_t bytes_per_cycle;
};

FIXTURE_SETUP(sched)
{
	self->minor = eai_find_minor(DRM_EDGEAI_DEVICE_DSP);
	ASSERT_LE(0, self->minor);
	self->fd = eai_open_minor(self->minor);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, eai_dbg_write(self->minor, "compute_off", "1"));
	eai_dev_write(self->minor, "power/autosuspend_delay_ms", "2000");
	ASSERT_EQ(0, eai_engine_get(self->minor, &self->bytes_per_cycle));
}

FIXTURE_TEARDOWN(sched)
{
	eai_dbg_write(self->minor, "compute_off", "0");
	if (self->bytes_per_cycle)
		eai_engine_set(self->minor, self->bytes_per_cycle);
	eai_dev_write(self->minor, "power/autosuspend_delay_ms", "100");
	close(self->fd);
}

static uint64_t client_id(int fd)
{
	uint64_t id = 0;

	eai_get_param(fd, DRM_EDGEAI_PARAM_CLIENT_ID, &id);
	return id;
}

TEST_F(sched, policy_defaults_and_bad_args)
{
	struct drm_edgeai_client_info ci;
	struct drm_edgeai_policy p = { 0 };

	ASSERT_EQ(0, eai_get_client(self->fd, 0, &ci));
	EXPECT_EQ(DRM_EDGEAI_PRIORITY_NORMAL, ci.priority);
	EXPECT_EQ(DRM_EDGEAI_WEIGHT_DEFAULT, ci.weight);
	EXPECT_EQ(0, ci.quota_ns);
	EXPECT_EQ(DRM_EDGEAI_BUSY_NONE, ci.busy_reason);
	EXPECT_EQ((long long)client_id(self->fd), eai_fdinfo_ll(self->fd, "drm-client-id"));

	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_SET_POLICY, &p));
	EXPECT_EQ(-EINVAL, eai_set_policy(self->fd, 0, 1u << 9, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, eai_set_policy(self->fd, 0, DRM_EDGEAI_POLICY_PRIORITY, 3, 0, 0, 0));
	EXPECT_EQ(-EINVAL, eai_set_policy(self->fd, 0, DRM_EDGEAI_POLICY_WEIGHT, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, eai_set_policy(self->fd, 0, DRM_EDGEAI_POLICY_WEIGHT, 0,
					  DRM_EDGEAI_WEIGHT_MAX + 1, 0, 0));
	EXPECT_EQ(-EINVAL, eai_set_policy(self->fd, 0, DRM_EDGEAI_POLICY_QUOTA, 0, 0, 1000, 10));
	p.flags = DRM_EDGEAI_POLICY_WEIGHT;
	p.weight = 50;
	p.pad = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_SET_POLICY, &p));
	EXPECT_EQ(-ESRCH, eai_set_policy(self->fd, ~0ULL, DRM_EDGEAI_POLICY_WEIGHT, 0, 50, 0, 0));
	ci.flags = 1;
	EXPECT_EQ(-EINVAL, eai_ioctl(self->fd, DRM_IOCTL_EDGEAI_GET_CLIENT, &ci));
}

/*
 * An unprivileged process may lower its own priority and weight, never
 * raise them or touch another client; the privileged owner may.
 */
TEST_F(sched, unprivileged_cannot_raise)
{
	uint64_t parent_id = client_id(self->fd);
	int pipefd[2], back[2], status;
	uint64_t child_id = 0;
	struct drm_edgeai_client_info ci;
	pid_t child;

	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, pipe(back));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		int fd = eai_open_minor(self->minor), bad = 0;
		uint64_t id = client_id(fd);
		struct drm_edgeai_client_info c;
		char go;

		/* Drop root (and with it every capability). */
		if (fd < 0 || setgid(65534) || setuid(65534))
			_exit(100);
		bad |= eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_WEIGHT, 0, 50, 0, 0) != 0;
		bad |= (eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_WEIGHT, 0, 100, 0, 0) != -EPERM) << 1;
		bad |= (eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_PRIORITY,
				       DRM_EDGEAI_PRIORITY_LOW, 0, 0, 0) != 0) << 2;
		bad |= (eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_PRIORITY,
				       DRM_EDGEAI_PRIORITY_HIGH, 0, 0, 0) != -EPERM) << 3;
		bad |= (eai_set_policy(fd, parent_id, DRM_EDGEAI_POLICY_WEIGHT, 0, 10, 0, 0)
			!= -EPERM) << 4;
		bad |= (eai_set_policy(fd, id, DRM_EDGEAI_POLICY_WEIGHT, 0, 40, 0, 0) != 0) << 5;
		/* Tightening a quota is fine, loosening or removing it is not. */
		bad |= (eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_QUOTA, 0, 0, 50000000,
				       100000000) != 0) << 6;
		bad |= (eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_QUOTA, 0, 0, 0, 0) != -EPERM) << 7;
		bad |= (eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_QUOTA, 0, 0, 90000000,
				       100000000) != -EPERM) << 8;
		bad |= (eai_get_client(fd, parent_id, &c) != -EPERM) << 9;
		if (write(pipefd[1], &id, sizeof(id)) != sizeof(id))
			_exit(101);
		/* Wait for the parent's changes, then report what we see. */
		if (read(back[0], &go, 1) != 1)
			_exit(102);
		bad |= (eai_get_client(fd, 0, &c) || c.weight != 500 ||
			c.priority != DRM_EDGEAI_PRIORITY_HIGH) << 10;
		_exit(bad);
	}
	ASSERT_EQ(sizeof(child_id), read(pipefd[0], &child_id, sizeof(child_id)));
	ASSERT_EQ(0, eai_get_client(self->fd, child_id, &ci));
	EXPECT_EQ(40, ci.weight);
	EXPECT_EQ(DRM_EDGEAI_PRIORITY_LOW, ci.priority);
	EXPECT_EQ(50000000, ci.quota_ns);
	/* The privileged owner raises it: by client id, then by pid. */
	EXPECT_EQ(0, eai_set_policy(self->fd, child_id, DRM_EDGEAI_POLICY_WEIGHT, 0, 500, 0, 0));
	EXPECT_EQ(0, eai_set_policy(self->fd, child, DRM_EDGEAI_POLICY_PRIORITY |
				    DRM_EDGEAI_POLICY_BY_PID, DRM_EDGEAI_PRIORITY_HIGH, 0, 0, 0));
	ASSERT_EQ(1, write(back[1], "g", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Our own policy was never touched. */
	ASSERT_EQ(0, eai_get_client(self->fd, 0, &ci));
	EXPECT_EQ(DRM_EDGEAI_WEIGHT_DEFAULT, ci.weight);
	close(pipefd[0]);
	close(pipefd[1]);
	close(back[0]);
	close(back[1]);
}

/* Over quota: -EDQUOT at once, with the reason; fine again next period. */
TEST_F(sched, quota_refuses_at_once)
{
	struct drm_edgeai_client_info ci;
	struct eai_load l;
	uint64_t dt, used = 0;
	int64_t t0;
	int ret = 0, jobs = 0;

	/* ~1 ms jobs (16 MiB at 16 B/cycle, 1.2 GHz), 3 ms per 300 ms. */
	ASSERT_EQ(0, eai_load_init(&l, self->fd, 16));
	ASSERT_EQ(0, eai_set_policy(self->fd, 0, DRM_EDGEAI_POLICY_QUOTA, 0, 0, 3000000,
				    300000000));
	while (jobs < 100) {
		ret = eai_load_run(&l, &dt);
		if (ret)
			break;
		used += dt;
		jobs++;
	}
	EXPECT_EQ(-EDQUOT, ret);
	EXPECT_LE(3000000, used);
	TH_LOG("%d jobs, %llu ns before -EDQUOT", jobs, (unsigned long long)used);
	t0 = eai_now_ns();
	EXPECT_EQ(-EDQUOT, eai_load_submit(&l, &dt));
	EXPECT_GT(20000000LL, eai_now_ns() - t0);
	ASSERT_EQ(0, eai_get_client(self->fd, 0, &ci));
	EXPECT_EQ(DRM_EDGEAI_BUSY_QUOTA, ci.busy_reason);
	EXPECT_LE(3000000, ci.quota_used_ns);
	eai_sleep_ms(350);
	EXPECT_EQ(0, eai_load_run(&l, &dt));
}

static bool share_more(void *stop, uint64_t device_ns)
{
	(void)device_ns;
	return !__atomic_load_n((int *)stop, __ATOMIC_ACQUIRE);
}

/* drm-engine-dsp of another process's file. */
static long long share_engine(pid_t pid, int fd)
{
	char path[64], buf[4096], *s;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if (eai_read_file(path, buf, sizeof(buf)))
		return -1;
	s = strstr(buf, "drm-engine-dsp:");
	return s ? strtoll(s + strlen("drm-engine-dsp:"), NULL, 0) : -1;
}

/*
 * Run @n processes of @weights saturating core 0; their device time over
 * @ms, sampled by this process for all of them at the same two instants,
 * 300 ms after they all started (every client has jobs waiting by then),
 * while they keep saturating until told to stop.
 *
 * The arbiter shares the core only among clients with a job waiting: the
 * core must be the bottleneck, not the host. So the jobs are long in device
 * time (16 MiB FILL at one byte per cycle: 14 ms at the top clock): with
 * the usual 0.9 ms the host's time between jobs under KASAN left the core
 * idle most of the window, and the shares were the submitters' speeds.
 * Each client measuring its own window (from the drain of its warm-up to
 * the drain of its load) skewed the shares by the drains, which grow with
 * the jobs' length.
 */
static int share_run(int minor, int n, const uint32_t *weights, const uint32_t *prios,
		     int ms, uint64_t *engine)
{
	int pipes[8][2], fds[8], status, bad = 0, *stop;
	long long e0[8];
	pid_t kids[8];

	if (n > 8 || eai_engine_set(minor, 1))
		return -EINVAL;
	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED)
		return -errno;
	*stop = 0;
	for (int i = 0; i < n; i++) {
		if (pipe(pipes[i]))
			return -errno;
		kids[i] = fork();
		if (kids[i] < 0)
			return -errno;
		if (!kids[i]) {
			struct eai_load l;
			int fd = eai_open_minor(minor);

			if (fd < 0 || eai_load_init(&l, fd, 16))
				_exit(1);
			if (eai_set_policy(fd, 0, DRM_EDGEAI_POLICY_WEIGHT | DRM_EDGEAI_POLICY_PRIORITY,
					   prios ? prios[i] : DRM_EDGEAI_PRIORITY_NORMAL,
					   weights[i], 0, 0))
				_exit(2);
			l.core = 0;
			if (write(pipes[i][1], &fd, sizeof(fd)) != sizeof(fd))
				_exit(5);
			_exit(eai_load_drive(&l, 4, share_more, stop, NULL) ? 3 : 0);
		}
		close(pipes[i][1]);
	}
	for (int i = 0; i < n; i++) {
		if (read(pipes[i][0], &fds[i], sizeof(fds[i])) != sizeof(fds[i]))
			bad = -EIO;
		close(pipes[i][0]);
	}
	if (!bad) {
		eai_sleep_ms(300);
		for (int i = 0; i < n; i++)
			e0[i] = share_engine(kids[i], fds[i]);
		eai_sleep_ms(ms);
		for (int i = 0; i < n; i++) {
			long long e1 = share_engine(kids[i], fds[i]);

			if (e0[i] < 0 || e1 < e0[i])
				bad = -EIO;
			engine[i] = e1 - e0[i];
		}
	}
	__atomic_store_n(stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < n; i++) {
		waitpid(kids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad = -ECHILD;
	}
	munmap(stop, sizeof(*stop));
	return bad;
}

/* Four equal busy processes share device time evenly (Jain's index). */
TEST_F(sched, fair_share_equal_weights)
{
	uint32_t w[4] = { 100, 100, 100, 100 };
	uint64_t e[4];
	double sum = 0, sq = 0, jain;

	ASSERT_EQ(0, share_run(self->minor, 4, w, NULL, 1200, e));
	for (int i = 0; i < 4; i++) {
		sum += e[i];
		sq += (double)e[i] * e[i];
	}
	jain = sum * sum / (4 * sq);
	TH_LOG("device time %llu %llu %llu %llu ns, Jain %.4f", (unsigned long long)e[0],
	       (unsigned long long)e[1], (unsigned long long)e[2], (unsigned long long)e[3], jain);
	EXPECT_LT(0.95, jain);
}

/* Weights 3:1 give device time 3:1 (tolerant bound). */
TEST_F(sched, fair_share_weighted)
{
	uint32_t w[2] = { 300, 100 };
	uint64_t e[2];
	double share;

	ASSERT_EQ(0, share_run(self->minor, 2, w, NULL, 1200, e));
	share = (double)e[0] / (double)(e[0] + e[1]);
	TH_LOG("device time %llu : %llu ns, share %.3f (entitled 0.750)",
	       (unsigned long long)e[0], (unsigned long long)e[1], share);
	EXPECT_LT(0.70, share);
	EXPECT_GT(0.80, share);
}

/*
 * A high-priority client gets the core ahead of a low one's deep queue,
 * and the low one is not starved.
 */
TEST_F(sched, priority_first_without_starvation)
{
	uint32_t w[2] = { 100, 100 };
	uint32_t pr[2] = { DRM_EDGEAI_PRIORITY_HIGH, DRM_EDGEAI_PRIORITY_LOW };
	uint64_t e[2];

	ASSERT_EQ(0, share_run(self->minor, 2, w, pr, 1200, e));
	TH_LOG("high %llu ns, low %llu ns", (unsigned long long)e[0], (unsigned long long)e[1]);
	/* The high class takes most, the starvation bound still serves low. */
	EXPECT_LT(e[1] * 2, e[0]);
	EXPECT_LT(0, e[1]);
}

/* fdinfo engine time is the exact sum of the jobs' device times. */
TEST_F(sched, fdinfo_exact)
{
	struct eai_load l;
	long long e0, c0, sum = 0;
	uint64_t dt;

	ASSERT_EQ(0, eai_load_init(&l, self->fd, 4));
	e0 = eai_fdinfo_ll(self->fd, "drm-engine-dsp");
	c0 = eai_fdinfo_ll(self->fd, "drm-cycles-dsp");
	for (int i = 0; i < 20; i++) {
		ASSERT_EQ(0, eai_load_run(&l, &dt));
		sum += dt;
	}
	EXPECT_EQ(e0 + sum, eai_fdinfo_ll(self->fd, "drm-engine-dsp"));
	EXPECT_LT(c0, eai_fdinfo_ll(self->fd, "drm-cycles-dsp"));
}

TEST_HARNESS_MAIN
