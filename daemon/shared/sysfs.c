// SPDX-License-Identifier: MIT
/*
 * sysfs and procfs lookups of edgeaid and edgeaictl: attribute files, accel
 * devices, thermal zones, and the DRM fdinfo of the devices' open files
 * (the kernel's Documentation/gpu/drm-usage-stats.rst).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

int read_line_file(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int write_string_file(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t l = strlen(s);

	if (fd < 0)
		return -errno;
	if (write(fd, s, l) != (ssize_t)l)
		return -errno ? -errno : -EIO;
	return 0;
}

int read_attr(const char *dir, const char *attr, char *buf, size_t len)
{
	char p[SYSFS_PATH_MAX + 128];

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	return read_line_file(p, buf, len);
}

long long read_attr_ll(const char *dir, const char *attr, long long fallback)
{
	char v[64];

	return read_attr(dir, attr, v, sizeof(v)) < 0 ? fallback : strtoll(v, NULL, 10);
}

int thermal_zone_find(const char *type, char *ret, size_t len)
{
	_cleanup_(closedirp) DIR *dir = opendir("/sys/class/thermal");
	struct dirent *de;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char p[SYSFS_PATH_MAX], t[128];

		if (strncmp(de->d_name, "thermal_zone", 12))
			continue;
		snprintf(p, sizeof(p), "/sys/class/thermal/%s", de->d_name);
		if (!read_attr(p, "type", t, sizeof(t)) && !strcmp(t, type)) {
			snprintf(ret, len, "%s", p);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * The zone a device's devfreq cooling device ("devfreq-BUS") is bound to:
 * a zone a device tree describes has the DT's name ("npu-thermal"), not
 * the device's, and its cooling map binds the device's cooling device.
 */
static int thermal_zone_of_cdev(const char *bus, char *ret, size_t len)
{
	_cleanup_(closedirp) DIR *dir = opendir("/sys/class/thermal");
	char want[160];
	struct dirent *de;

	if (!dir)
		return -errno;
	snprintf(want, sizeof(want), "devfreq-%s", bus);
	while ((de = readdir(dir))) {
		char p[SYSFS_PATH_MAX], t[160];

		if (strncmp(de->d_name, "thermal_zone", 12))
			continue;
		for (int k = 0; k < 16; k++) {
			snprintf(p, sizeof(p), "/sys/class/thermal/%s/cdev%d", de->d_name, k);
			if (read_attr(p, "type", t, sizeof(t)))
				break;
			if (!strcmp(t, want)) {
				snprintf(ret, len, "/sys/class/thermal/%s", de->d_name);
				return 0;
			}
		}
	}
	return -ENOENT;
}

int accel_device_from_syspath(const char *syspath, AccelDevice *ret)
{
	const char *name = strrchr(syspath, '/') ? strrchr(syspath, '/') + 1 : syspath;
	char link[SYSFS_PATH_MAX + 16], target[PATH_MAX], p[SYSFS_PATH_MAX];
	AccelDevice d = {};

	if (strncmp(name, "accel", 5))
		return -ENODEV;
	snprintf(d.name, sizeof(d.name), "%s", name);
	snprintf(link, sizeof(link), "%s/device", syspath);
	if (!realpath(link, target))
		return -errno;
	if (snprintf(d.syspath, sizeof(d.syspath), "%s", target) >= (int)sizeof(d.syspath))
		return -ENAMETOOLONG;
	snprintf(d.bus, sizeof(d.bus), "%s", strrchr(target, '/') + 1);
	read_attr(d.syspath, "device_type", d.type, sizeof(d.type));
	snprintf(p, sizeof(p), "/sys/class/devfreq/%s", d.bus);
	if (access(p, F_OK) == 0)
		snprintf(d.devfreq, sizeof(d.devfreq), "%s", p);
	if (thermal_zone_find(d.bus, d.tz, sizeof(d.tz)) < 0)
		thermal_zone_of_cdev(d.bus, d.tz, sizeof(d.tz));
	*ret = d;
	return 0;
}

static int accel_device_cmp(const void *a, const void *b)
{
	return strverscmp(((const AccelDevice *)a)->name, ((const AccelDevice *)b)->name);
}

int accel_enumerate(AccelDevice **ret, size_t *ret_n)
{
	_cleanup_(closedirp) DIR *dir = opendir("/sys/class/accel");
	_cleanup_free_ AccelDevice *devs = NULL;
	struct dirent *de;
	size_t n = 0;

	if (!dir && errno != ENOENT)
		return -errno;
	while (dir && (de = readdir(dir))) {
		char p[SYSFS_PATH_MAX];
		AccelDevice *nd;

		if (strncmp(de->d_name, "accel", 5))
			continue;
		nd = realloc(devs, (n + 1) * sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		devs = nd;
		snprintf(p, sizeof(p), "/sys/class/accel/%s", de->d_name);
		if (accel_device_from_syspath(p, &devs[n]) == 0)
			n++;
	}
	if (n)
		qsort(devs, n, sizeof(*devs), accel_device_cmp);
	*ret = TAKE_PTR(devs);
	*ret_n = n;
	return 0;
}

int fdinfo_parse(FILE *f, uint64_t *ret_id, uint64_t *ret_engine_ns)
{
	uint64_t id = 0, engine = 0;
	bool have_id = false;
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "drm-client-id: %" SCNu64, &id) == 1) {
			have_id = true;
		} else if (!strncmp(line, "drm-engine-", 11) && strncmp(line, "drm-engine-capacity", 19)) {
			char *colon = strchr(line, ':');

			if (colon)
				engine = strtoull(colon + 1, NULL, 10);
		}
	}
	if (!have_id)
		return -ENOENT;
	*ret_id = id;
	*ret_engine_ns = engine;
	return 0;
}

void fdinfo_parse_edgeai(FILE *f, uint64_t *ret_jobs, uint64_t *ret_quota_refusals)
{
	char line[256];

	*ret_jobs = *ret_quota_refusals = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "edgeai-jobs: %" SCNu64, ret_jobs) == 1)
			continue;
		sscanf(line, "edgeai-quota-refusals: %" SCNu64, ret_quota_refusals);
	}
}

int proc_cgroup(uint32_t pid, char *buf, size_t len)
{
	_cleanup_(fclosep) FILE *f = NULL;
	char p[64], line[1100];
	int r = -ENOENT;

	snprintf(p, sizeof(p), "/proc/%u/cgroup", pid);
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			if (snprintf(buf, len, "%s", line + 3) >= (int)len)
				return -ENAMETOOLONG;
			r = 0;
		}
	return r;
}

/* The accel files open in process @pid: @cb for each. */
static int scan_process(uint32_t pid, int (*cb)(const AccelClient *c, void *userdata), void *userdata)
{
	_cleanup_(closedirp) DIR *dir = NULL;
	AccelClient c = { .pid = pid };
	bool known = false;
	struct dirent *de;
	char p[300];

	snprintf(p, sizeof(p), "/proc/%u/fd", pid);
	dir = opendir(p);
	if (!dir)
		return 0;       /* gone, or not ours to see */
	while ((de = readdir(dir))) {
		_cleanup_(fclosep) FILE *f = NULL;
		char l[PATH_MAX];
		ssize_t n;
		int r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/%u/fd/%s", pid, de->d_name);
		n = readlink(p, l, sizeof(l) - 1);
		if (n <= 0)
			continue;
		l[n] = 0;
		if (strncmp(l, "/dev/accel/accel", 16))
			continue;
		snprintf(p, sizeof(p), "/proc/%u/fdinfo/%s", pid, de->d_name);
		f = fopen(p, "re");
		if (!f || fdinfo_parse(f, &c.id, &c.engine_ns) < 0)
			continue;
		rewind(f);
		fdinfo_parse_edgeai(f, &c.jobs, &c.quota_refusals);
		if (snprintf(c.device, sizeof(c.device), "%s", l + strlen("/dev/accel/")) >= (int)sizeof(c.device))
			continue;
		if (!known) {
			struct stat st;

			snprintf(p, sizeof(p), "/proc/%u", pid);
			if (stat(p, &st) == 0)
				c.uid = st.st_uid;
			read_attr(p, "comm", c.comm, sizeof(c.comm));
			if (proc_cgroup(pid, c.cgroup, sizeof(c.cgroup)) < 0)
				*c.cgroup = 0;
			known = true;
		}
		r = cb(&c, userdata);
		if (r)
			return r;
	}
	return 0;
}

int accel_clients_scan(int (*cb)(const AccelClient *c, void *userdata), void *userdata)
{
	_cleanup_(closedirp) DIR *proc = opendir("/proc");
	uint32_t self = getpid();
	struct dirent *de;

	if (!proc)
		return -errno;
	while ((de = readdir(proc))) {
		uint32_t pid = strtoul(de->d_name, NULL, 10);
		int r;

		if (!pid || pid == self)
			continue;
		r = scan_process(pid, cb, userdata);
		if (r)
			return r;
	}
	return 0;
}
