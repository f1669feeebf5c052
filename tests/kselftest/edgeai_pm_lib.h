/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the power, thermal and arbitration kselftests and benchmarks:
 * sysfs paths of a device's runtime PM, devfreq, thermal zone and cooling
 * device, debugfs knobs, and long jobs (the simulator's compute_off mode
 * makes a job take its modelled time without touching memory).
 */
#ifndef EDGEAI_PM_LIB_H
#define EDGEAI_PM_LIB_H

#include <glob.h>
#include <signal.h>

#include "edgeai_test.h"

/* Bytes one FILL command of a load job moves (the BO size). */
#define EAI_LOAD_BO_SIZE (1u << 20)

static inline void eai_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline int eai_read_str(const char *path, char *buf, size_t len)
{
	int ret = eai_read_file(path, buf, len);
	size_t n;

	if (ret)
		return ret;
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static inline long long eai_read_ll(const char *path)
{
	char buf[128];

	if (eai_read_str(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

/* /sys/class/accel/accel<minor>/device/<rel> */
static inline void eai_dev_path(int minor, const char *rel, char *out, size_t len)
{
	snprintf(out, len, "/sys/class/accel/accel%d/device/%s", minor, rel);
}

static inline long long eai_dev_ll(int minor, const char *rel)
{
	char p[PATH_MAX];

	eai_dev_path(minor, rel, p, sizeof(p));
	return eai_read_ll(p);
}

static inline int eai_dev_str(int minor, const char *rel, char *buf, size_t len)
{
	char p[PATH_MAX];

	eai_dev_path(minor, rel, p, sizeof(p));
	return eai_read_str(p, buf, len);
}

static inline int eai_dev_write(int minor, const char *rel, const char *val)
{
	char p[PATH_MAX];

	eai_dev_path(minor, rel, p, sizeof(p));
	return eai_write_file(p, val);
}

/* devfreq attribute: /sys/class/devfreq/<bus name>/<attr> */
static inline int eai_devfreq_path(int minor, const char *attr, char *out, size_t len)
{
	char bus[128];
	int ret = eai_bus_name(minor, bus, sizeof(bus));

	if (ret)
		return ret;
	snprintf(out, len, "/sys/class/devfreq/%s/%s", bus, attr);
	return access(out, F_OK) ? -errno : 0;
}

static inline long long eai_devfreq_ll(int minor, const char *attr)
{
	char p[PATH_MAX];

	if (eai_devfreq_path(minor, attr, p, sizeof(p)))
		return -1;
	return eai_read_ll(p);
}

/* Poll devfreq's cur_freq until it reads @want (Hz), up to @ms. */
static inline bool eai_wait_freq(int minor, unsigned long long want, int ms)
{
	for (int i = 0; i <= ms / 10; i++) {
		if ((unsigned long long)eai_devfreq_ll(minor, "cur_freq") == want)
			return true;
		eai_sleep_ms(10);
	}
	return false;
}

/*
 * Pin the device's clock to its highest operating point (devfreq
 * min_freq = max_freq), so that device times measured at different
 * moments are comparable: the governor otherwise moves the clock with the
 * load, and the modelled time of a job with it. 0 when pinned (or the
 * device has no devfreq: its clock does not move), else -1.
 * eai_devfreq_unpin() gives the governor its range back.
 */
static inline int eai_devfreq_pin(int minor)
{
	char p[PATH_MAX], buf[32];
	long long fmax;

	if (eai_devfreq_path(minor, "min_freq", p, sizeof(p)))
		return 0;
	fmax = eai_devfreq_ll(minor, "max_freq");
	if (fmax <= 0)
		return -1;
	snprintf(buf, sizeof(buf), "%lld", fmax);
	if (eai_write_file(p, buf))
		return -1;
	return eai_wait_freq(minor, fmax, 2000) ? 0 : -1;
}

static inline void eai_devfreq_unpin(int minor)
{
	char p[PATH_MAX];

	if (!eai_devfreq_path(minor, "min_freq", p, sizeof(p)))
		eai_write_file(p, "0");
}

/*
 * Directory of the sysfs node under /sys/class/thermal/<pattern> whose
 * "type" is @type.
 */
static inline int eai_thermal_find(const char *pattern, const char *type, char *out,
				   size_t len)
{
	char pat[PATH_MAX], t[128], p[PATH_MAX];
	glob_t g;
	int ret = -ENOENT;

	snprintf(pat, sizeof(pat), "/sys/class/thermal/%s", pattern);
	if (glob(pat, 0, NULL, &g))
		return -ENOENT;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		snprintf(p, sizeof(p), "%s/type", g.gl_pathv[i]);
		if (!eai_read_str(p, t, sizeof(t)) && !strcmp(t, type)) {
			snprintf(out, len, "%s", g.gl_pathv[i]);
			ret = 0;
			break;
		}
	}
	globfree(&g);
	return ret;
}

/* The device's thermal zone and devfreq cooling device directories. */
static inline int eai_cdev_dir(int minor, char *out, size_t len)
{
	char bus[128], type[160];
	int ret = eai_bus_name(minor, bus, sizeof(bus));

	if (ret)
		return ret;
	snprintf(type, sizeof(type), "devfreq-%s", bus);
	return eai_thermal_find("cooling_device*", type, out, len);
}

/*
 * A simulated device's zone has the device's name as its type; a zone a
 * device tree describes has the name the DT gives it ("npu-thermal"): then
 * the device's zone is the one its cooling device is bound to (cdevN).
 */
static inline int eai_tz_dir(int minor, char *out, size_t len)
{
	char bus[128], cdev[PATH_MAX], want[PATH_MAX], got[PATH_MAX];
	glob_t g;
	int ret = eai_bus_name(minor, bus, sizeof(bus));

	if (ret)
		return ret;
	if (!eai_thermal_find("thermal_zone*", bus, out, len))
		return 0;
	if (eai_cdev_dir(minor, cdev, sizeof(cdev)) || !realpath(cdev, want))
		return -ENOENT;
	if (glob("/sys/class/thermal/thermal_zone*/cdev[0-9]*", 0, NULL, &g))
		return -ENOENT;
	ret = -ENOENT;
	for (size_t i = 0; i < g.gl_pathc && ret; i++) {
		char *slash;

		if (!realpath(g.gl_pathv[i], got) || strcmp(got, want))
			continue;
		slash = strrchr(g.gl_pathv[i], '/');
		snprintf(out, len, "%.*s", (int)(slash - g.gl_pathv[i]), g.gl_pathv[i]);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

static inline long long eai_dir_ll(const char *dir, const char *attr)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	return eai_read_ll(p);
}

/* Write a debugfs knob of the device. */
static inline int eai_dbg_write(int minor, const char *name, const char *val)
{
	char p[PATH_MAX];
	int ret = eai_debugfs_path(minor, name, p, sizeof(p));

	return ret ? ret : eai_write_file(p, val);
}

/*
 * The simulator's copy/fill throughput (debugfs bytes_per_cycle). A test
 * that needs a core saturated lowers it, so that its load jobs are long in
 * device time and the host's time between two jobs (which the device model
 * does not count as busy, and which KASAN and TCG make many times longer)
 * stays small beside it, at any host speed.
 */
static inline int eai_engine_get(int minor, uint64_t *bytes_per_cycle)
{
	return eai_debugfs_u64(minor, "bytes_per_cycle", bytes_per_cycle);
}

static inline int eai_engine_set(int minor, uint64_t bytes_per_cycle)
{
	char v[32];

	snprintf(v, sizeof(v), "%llu", (unsigned long long)bytes_per_cycle);
	return eai_dbg_write(minor, "bytes_per_cycle", v);
}

/* A value from the debugfs "power" file ("key: value" lines). */
static inline long long eai_power_ll(int minor, const char *key)
{
	char p[PATH_MAX], buf[1024], *s;
	size_t kl = strlen(key);

	if (eai_debugfs_path(minor, "power", p, sizeof(p)) || eai_read_file(p, buf, sizeof(buf)))
		return -1;
	for (s = buf; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (!strncmp(s, key, kl) && s[kl] == ':')
			return strtoll(s + kl + 1, NULL, 0);
	return -1;
}

static inline int eai_power_state(int minor, char *out, size_t len)
{
	char p[PATH_MAX], buf[1024];

	if (eai_debugfs_path(minor, "power", p, sizeof(p)) || eai_read_file(p, buf, sizeof(buf)))
		return -ENOENT;
	if (sscanf(buf, "state: %31s", out) != 1 || len < 32)
		return -EINVAL;
	return 0;
}

/* Number from a "key:\tvalue" fdinfo line of @fd. */
static inline long long eai_fdinfo_ll(int fd, const char *key)
{
	char buf[4096], *s;

	if (eai_fdinfo(fd, buf, sizeof(buf)))
		return -1;
	s = strstr(buf, key);
	if (!s)
		return -1;
	s = strchr(s, ':');
	return s ? strtoll(s + 1, NULL, 0) : -1;
}

struct eai_load {
	int fd;
	uint32_t bo;
	uint32_t ncmds;
	uint32_t core;
	struct drm_edgeai_cmd cmds[DRM_EDGEAI_MAX_CMDS];
	struct drm_edgeai_bo_ref ref;
};

/* A load generator on @fd whose jobs carry @ncmds FILLs of 1 MiB each. */
static inline int eai_load_init(struct eai_load *l, int fd, uint32_t ncmds)
{
	int ret;

	memset(l, 0, sizeof(*l));
	l->fd = fd;
	l->ncmds = ncmds;
	l->core = DRM_EDGEAI_CORE_ANY;
	ret = eai_bo_create(fd, EAI_LOAD_BO_SIZE, &l->bo);
	if (ret)
		return ret;
	l->ref.handle = l->bo;
	l->ref.flags = DRM_EDGEAI_BO_WRITE;
	for (uint32_t i = 0; i < ncmds; i++)
		l->cmds[i] = eai_cmd_fill(0, 0, EAI_LOAD_BO_SIZE, (uint8_t)i);
	return 0;
}

static inline int eai_load_submit(struct eai_load *l, uint64_t *id)
{
	struct drm_edgeai_submit s = eai_submit_args(&l->ref, 1, l->cmds, l->ncmds);

	s.core = l->core;
	return eai_submit(l->fd, &s, id);
}

/* Submit one job and wait for it; *dt gets its device time. */
static inline int eai_load_run(struct eai_load *l, uint64_t *dt)
{
	uint64_t id;
	int32_t status;
	int ret = eai_load_submit(l, &id);

	if (ret)
		return ret;
	ret = eai_wait(l->fd, id, eai_deadline_ms(20000), &status, dt);
	return ret ? ret : status;
}

/*
 * Keep @depth jobs in flight while @more(@arg, device time of the jobs
 * completed so far) says so, then wait for the rest; *device_ns (if not
 * NULL) gets the device time of all of them. Returns 0 or the first error.
 */
static inline int eai_load_drive(struct eai_load *l, int depth,
				 bool (*more)(void *arg, uint64_t device_ns), void *arg,
				 uint64_t *device_ns)
{
	uint64_t ids[64], id, dt, sum = 0;
	int head = 0, n = 0, ret = 0;
	bool go = true;
	int32_t status;

	if (depth > 64)
		depth = 64;
	while ((go = go && more(arg, sum)) || n) {
		if (n < depth && go) {
			ret = eai_load_submit(l, &id);
			if (ret)
				break;
			ids[(head + n++) % 64] = id;
			continue;
		}
		ret = eai_wait(l->fd, ids[head], eai_deadline_ms(20000), &status, &dt);
		if (ret || status) {
			ret = ret ? ret : status;
			break;
		}
		sum += dt;
		head = (head + 1) % 64;
		n--;
	}
	if (device_ns)
		*device_ns = sum;
	return ret;
}

static inline bool eai_load_before(void *until_ns, uint64_t device_ns)
{
	(void)device_ns;
	return eai_now_ns() < *(int64_t *)until_ns;
}

/*
 * Keep @depth jobs in flight until @until_ns (CLOCK_MONOTONIC), then wait
 * for the rest. Returns 0 or the first error.
 */
static inline int eai_load_saturate(struct eai_load *l, int depth, int64_t until_ns)
{
	return eai_load_drive(l, depth, eai_load_before, &until_ns, NULL);
}

static inline int eai_set_policy(int fd, uint64_t client, uint32_t flags, uint32_t prio,
				 uint32_t weight, uint64_t quota_ns, uint64_t period_ns)
{
	struct drm_edgeai_policy p = {
		.client = client, .flags = flags, .priority = prio, .weight = weight,
		.quota_ns = quota_ns, .period_ns = period_ns,
	};

	return eai_ioctl(fd, DRM_IOCTL_EDGEAI_SET_POLICY, &p);
}

static inline int eai_get_client(int fd, uint64_t client, struct drm_edgeai_client_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->client = client;
	return eai_ioctl(fd, DRM_IOCTL_EDGEAI_GET_CLIENT, ci);
}

#endif /* EDGEAI_PM_LIB_H */
