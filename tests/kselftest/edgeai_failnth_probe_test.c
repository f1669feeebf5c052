// SPDX-License-Identifier: GPL-2.0-only
/*
 * Systematic fault injection in remove and probe. The simulated NPU is
 * unbound from and bound to the platform driver through sysfs; a bind runs
 * the driver's probe synchronously in the writing thread, and the probe
 * loads and parses the firmware image (edgeai_fw_load(): the driver loads
 * firmware only there, there is no other reload path), so
 * /proc/thread-self/fail-nth = 1, 2, ... around the write() of "unbind" and
 * of "bind" makes every allocation of remove, probe and the firmware load
 * fail once, until the write no longer reaches its Nth fault site.
 *
 * After each injected failure: the write returned 0 or a clean errno
 * (ENOMEM and its kin), the device is bound exactly when the write
 * succeeded, no splat line came to /dev/kmsg, and the device comes back
 * (bind without injection) with its node and runs a job (FILL, COPY,
 * checked through mmap). Each walk prints how many failures it injected,
 * and how many of the failed binds got as far as the probe (the driver
 * core logs "probe with driver edgeai failed"). Leaks are for the lane's
 * kmemleak scan (make check-debug). Changes the device set (the NPU's
 * minor): runs after the other tests. Skips on kernels without fault
 * injection (Debian's stock kernel) and without root.
 */
#include <glob.h>

#include "edgeai_failnth_lib.h"
#include "edgeai_test.h"
#include "kselftest_harness.h"

#define DRV "/sys/bus/platform/drivers/edgeai"
#define WALK_MAX 3000
#define KMSG_MAX 8192

static int nth_fd = -1;
static int kmsg_fd = -1;

/*
 * What the kernel logged since the last call: splat lines, probe failures
 * and reports of failed allocations. An allocation without __GFP_NOWARN
 * that fails (here: because we made it fail) is reported by warn_alloc():
 * a "page allocation failure" or "vmalloc error" line and a stack dump up
 * to </TASK>; that dump is the report of the injected failure, not a
 * splat, and is counted apart (as the lane's console scan does with
 * VM_ALLOC_FAULTS=1).
 */
struct kmsg_seen {
	unsigned int splats;
	unsigned int probe_failed;
	unsigned int alloc_reports;
	char first_splat[256];
};

static bool in_alloc_report;

static bool splat_line(const char *m)
{
	static const char *const pat[] = {
		"WARNING:", "BUG:", "Oops", "KASAN", "UBSAN:", "Call Trace:",
		"possible recursive locking", "locking dependency", "refcount_t:",
		"list_add corruption", "list_del corruption", "general protection fault",
		"Kernel panic", "kernel BUG", "blocked for more than",
	};

	for (unsigned int i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (strstr(m, pat[i]))
			return true;
	return false;
}

static void kmsg_read(struct kmsg_seen *k)
{
	char rec[KMSG_MAX];
	ssize_t n;

	memset(k, 0, sizeof(*k));
	for (;;) {
		char *msg;

		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (strstr(msg, "probe with driver edgeai failed"))
			k->probe_failed++;
		if (strstr(msg, "page allocation failure: ") || strstr(msg, "vmalloc error: ")) {
			k->alloc_reports++;
			in_alloc_report = true;
			continue;
		}
		if (in_alloc_report) {
			if (strstr(msg, "</TASK>"))
				in_alloc_report = false;
			continue;
		}
		if (splat_line(msg)) {
			if (!k->splats++)
				snprintf(k->first_splat, sizeof(k->first_splat), "%.200s", msg);
		}
	}
}

/* Write @bus to DRV/@what; fail-nth armed to @n (0: none) around the write() only. */
static int drv_write(const char *what, const char *bus, unsigned int n, bool *hit)
{
	char path[PATH_MAX];
	ssize_t w;
	int fd, ret;

	snprintf(path, sizeof(path), DRV "/%s", what);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (n)
		eai_nth_arm(nth_fd, n);
	w = write(fd, bus, strlen(bus));
	ret = w < 0 ? -errno : (size_t)w == strlen(bus) ? 0 : -EIO;
	if (n)
		*hit = eai_nth_hit(nth_fd);
	close(fd);
	return ret;
}

static bool is_bound(const char *bus)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/sys/bus/platform/devices/%s/driver", bus);
	return !access(p, F_OK);
}

/*
 * device_add() carries on when devtmpfs cannot make the node (an injected
 * failure in devtmpfs_create_node()): the device is bound, its class
 * device is in sysfs, /dev has no node. Make the node from sysfs, as udev
 * would from the uevent. Returns 1 when it made one, its path in @made.
 */
static int make_missing_node(const char *bus, char made[PATH_MAX])
{
	char pat[PATH_MAX], node[PATH_MAX], dev[32];
	unsigned int maj, min;
	glob_t g;

	snprintf(pat, sizeof(pat), "/sys/bus/platform/devices/%s/accel/accel*", bus);
	if (glob(pat, 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char p[PATH_MAX];

		snprintf(node, sizeof(node), "/dev/accel/%s", strrchr(g.gl_pathv[i], '/') + 1);
		snprintf(p, sizeof(p), "%s/dev", g.gl_pathv[i]);
		if (!access(node, F_OK) || eai_read_file(p, dev, sizeof(dev)) ||
		    sscanf(dev, "%u:%u", &maj, &min) != 2)
			continue;
		mkdir("/dev/accel", 0755);
		if (!mknod(node, S_IFCHR | 0666, makedev(maj, min))) {
			snprintf(made, PATH_MAX, "%s", node);
			globfree(&g);
			return 1;
		}
	}
	globfree(&g);
	return 0;
}

/* Wait up to 20 s for the NPU's node; returns its minor or -ENODEV. */
static int wait_npu(void)
{
	for (int i = 0; i < 1000; i++) {
		int m = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);

		if (m >= 0)
			return m;
		usleep(20000);
	}
	return -ENODEV;
}

/* The bound NPU has its node and runs a job: 0 or a negative errno. */
static int npu_runs_job(uint8_t value)
{
	int m = wait_npu(), fd, ret;

	if (m < 0)
		return m;
	fd = eai_open_minor(m);
	if (fd < 0)
		return fd;
	ret = eai_device_works(fd, value);
	close(fd);
	return ret;
}

FIXTURE(probe) {
	char bus[128];
};

FIXTURE_SETUP(probe)
{
	const char *skip = eai_failnth_setup(&nth_fd);
	int minor;

	if (skip)
		SKIP(return, "%s", skip);
	if (access(DRV "/bind", W_OK) || access(DRV "/unbind", W_OK))
		SKIP(return, "no " DRV "/bind and unbind");
	minor = eai_find_minor(DRM_EDGEAI_DEVICE_NPU);
	ASSERT_LE(0, minor);
	ASSERT_EQ(0, eai_bus_name(minor, self->bus, sizeof(self->bus)));
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, kmsg_fd);
	lseek(kmsg_fd, 0, SEEK_END);
}

FIXTURE_TEARDOWN(probe)
{
	if (nth_fd >= 0)
		eai_nth_arm(nth_fd, 0);
	/* leave the NPU bound for the tests that follow */
	if (self->bus[0] && !is_bound(self->bus))
		drv_write("bind", self->bus, 0, NULL);
	if (kmsg_fd >= 0)
		close(kmsg_fd);
}

/*
 * After an injected failure: no splat, and the device bound again without
 * injection runs a job. Counts what is not so in *bad.
 */
static unsigned int nodes_made;

static void check_comes_back(struct __test_metadata *_metadata, const char *bus,
			     const char *what, unsigned int n, unsigned int *bad)
{
	char made[PATH_MAX] = "";
	struct kmsg_seen k;
	int ret;

	if (is_bound(bus)) {
		nodes_made += make_missing_node(bus, made);
	} else {
		ret = drv_write("bind", bus, 0, NULL);
		if (ret) {
			(*bad)++;
			TH_LOG("%s failure %u: bind without injection then failed: %d", what, n, ret);
			return;
		}
	}
	ret = npu_runs_job((uint8_t)(n * 7 + 1));
	if (ret) {
		(*bad)++;
		TH_LOG("%s failure %u: the NPU bound again does not run a job: %d", what, n, ret);
	}
	/*
	 * devtmpfs removes only the nodes it made: a node made here would
	 * outlive the device's next unbind (the unplug test, later, saw it
	 * there). Unbind, remove it, and bind again without injection.
	 */
	if (made[0]) {
		ret = drv_write("unbind", bus, 0, NULL);
		unlink(made);
		ret = ret ?: drv_write("bind", bus, 0, NULL);
		ret = ret ?: npu_runs_job((uint8_t)(n * 7 + 2));
		if (ret) {
			(*bad)++;
			TH_LOG("%s failure %u: after removing %s the NPU does not come back: %d",
			       what, n, made, ret);
		}
	}
	kmsg_read(&k);
	if (k.splats) {
		(*bad)++;
		TH_LOG("%s failure %u: %u splat line(s), first: %s", what, n, k.splats,
		       k.first_splat);
	}
}

TEST_F_TIMEOUT(probe, unbind_walk, 3000)
{
	unsigned int n, injected = 0, bad = 0;
	bool done = false;

	ASSERT_EQ(0, npu_runs_job(0x11));
	for (n = 1; n <= WALK_MAX && !done; n++) {
		struct kmsg_seen k;
		bool hit = false;
		int ret;

		ASSERT_TRUE(is_bound(self->bus));
		kmsg_read(&k);
		ret = drv_write("unbind", self->bus, n, &hit);
		if (!hit) {
			EXPECT_EQ(0, ret) TH_LOG("unbind fails with %d without injection", ret);
			EXPECT_FALSE(is_bound(self->bus));
			done = true;
		} else {
			injected++;
			if (!eai_failnth_clean_errno(ret)) {
				bad++;
				TH_LOG("unbind failure %u returned %d (%s)", n, ret, strerror(-ret));
			}
			/* an unbind that returned an error did not unbind */
			if (ret && !is_bound(self->bus)) {
				bad++;
				TH_LOG("unbind failure %u: returned %d but unbound the device", n, ret);
			}
			/* what the failure left bound is unbound without injection */
			if (is_bound(self->bus) && drv_write("unbind", self->bus, 0, NULL)) {
				bad++;
				TH_LOG("unbind failure %u: unbind without injection then failed", n);
			}
		}
		check_comes_back(_metadata, self->bus, "unbind", n, &bad);
	}
	EXPECT_TRUE(done) TH_LOG("unbind still failing after %u injections", WALK_MAX);
	printf("# fail-nth %-8s %4u injected failures, all %s\n", "unbind", injected,
	       bad ? "NOT clean" : "clean");
	EXPECT_EQ(0, bad);
}

TEST_F_TIMEOUT(probe, bind_walk, 3000)
{
	unsigned int n, injected = 0, in_probe = 0, succeeded_anyway = 0, bad = 0, reports = 0;
	bool done = false;

	ASSERT_EQ(0, npu_runs_job(0x22));
	for (n = 1; n <= WALK_MAX && !done; n++) {
		struct kmsg_seen k;
		bool hit = false;
		int ret;

		if (is_bound(self->bus))
			ASSERT_EQ(0, drv_write("unbind", self->bus, 0, NULL));
		kmsg_read(&k);
		ret = drv_write("bind", self->bus, n, &hit);
		if (!hit) {
			EXPECT_EQ(0, ret) TH_LOG("bind fails with %d without injection", ret);
			EXPECT_TRUE(is_bound(self->bus));
			EXPECT_EQ(0, npu_runs_job(0x33));
			done = true;
			break;
		}
		injected++;
		if (!ret)
			succeeded_anyway++;
		if (!eai_failnth_clean_errno(ret)) {
			bad++;
			TH_LOG("bind failure %u returned %d (%s)", n, ret, strerror(-ret));
		}
		/* bound exactly when the write succeeded */
		if (!ret != is_bound(self->bus)) {
			bad++;
			TH_LOG("bind failure %u: returned %d, the device is %sbound", n, ret,
			       is_bound(self->bus) ? "" : "not ");
		}
		/* the kernel's line for a failed probe; splat lines are checked below */
		kmsg_read(&k);
		in_probe += !!k.probe_failed;
		reports += k.alloc_reports;
		if (k.splats) {
			bad++;
			TH_LOG("bind failure %u: %u splat line(s), first: %s", n, k.splats,
			       k.first_splat);
		}
		check_comes_back(_metadata, self->bus, "bind", n, &bad);
	}
	EXPECT_TRUE(done) TH_LOG("bind still failing after %u injections", WALK_MAX);
	printf("# fail-nth %-8s %4u injected failures (%u failed in probe, %u handled without an error, %u of those without a /dev node; %u allocation failure reports), all %s\n",
	       "bind", injected, in_probe, succeeded_anyway, nodes_made, reports,
	       bad ? "NOT clean" : "clean");
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
