// SPDX-License-Identifier: MIT
/* Version, error strings, debug logging and the ioctl helper. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "runtime/runtime.h"

EDGEAI_PUBLIC int edgeai_check_version(int major, int minor)
{
	return major == EDGEAI_VERSION_MAJOR && minor >= 0 && minor <= EDGEAI_VERSION_MINOR;
}

EDGEAI_PUBLIC const char *edgeai_version(void)
{
	return EDGEAI_VERSION_STRING;
}

static const struct {
	int err;
	const char *msg;
} edgeai_errors[] = {
	{ EINVAL, "Invalid argument" },
	{ ENODEV, "No edgeai device (not an edgeai accelerator, none present, or unplugged)" },
	{ ENOENT, "No such file or object (device node, buffer or job)" },
	{ EAGAIN, "Nothing has completed yet, try again" },
	{ EBUSY, "Device queue full or buffer busy" },
	{ ETIME, "Timed out waiting (the job is still running)" },
	{ ETIMEDOUT, "Job hung on the device; the core was reset" },
	{ EIO, "Device reported an error while executing the job" },
	{ ECANCELED, "Job cancelled by a reset caused by another job" },
	{ EBADFD, "This context caused a device reset; reopen the device" },
	{ EOPNOTSUPP, "Not supported by the kernel driver" },
	{ E2BIG, "Too many buffers or commands in one job" },
	{ ECHILD, "Handle used in a child process after fork()" },
	{ EACCES, "Permission denied opening the device" },
	{ ENOMEM, "Out of memory" },
	{ EFAULT, "Bad address passed to the kernel" },
	{ EPERM, "Operation not permitted" },
};

EDGEAI_PUBLIC const char *edgeai_strerror(int err)
{
	const char *s;

	if (err == 0)
		return "Success";
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(edgeai_errors); i++)
		if (edgeai_errors[i].err == err)
			return edgeai_errors[i].msg;
	s = strerrordesc_np(err);
	return s ? s : "Unknown error";
}

void edgeai__log_debug(const char *func, int r, const char *fmt, ...)
{
	static int enabled = -1;
	int saved = errno;
	va_list ap;

	if (enabled < 0) {
		const char *e = secure_getenv("EDGEAI_DEBUG");

		enabled = e && *e && strcmp(e, "0") != 0;
	}
	if (!enabled) {
		errno = saved;
		return;
	}
	fprintf(stderr, "libedgeai: %s: ", func);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", edgeai_strerror(r));
	errno = saved;
}

/* Retries EINTR only: EAGAIN/EBUSY mean "queue full" and must reach the caller. */
int edgeai__ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && errno == EINTR);

	return ret == -1 ? -errno : ret;
}

int64_t edgeai__abs_timeout(int64_t timeout_ns)
{
	struct timespec ts;
	int64_t now;

	if (timeout_ns < 0)
		return INT64_MAX;
	if (timeout_ns == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (timeout_ns > INT64_MAX - now)
		return INT64_MAX;
	return now + timeout_ns;
}

/*
 * An ioctl with an absolute deadline in *@field (BO_PREP, WAIT), which
 * the kernel converts to jiffies and keeps in an int: a far deadline
 * (INT64_MAX for "forever") truncates to a bogus negative return value.
 * So the kernel only ever sees deadlines at most a day ahead, and the
 * call is repeated while the kernel reports @timeout_err before
 * @deadline.
 */
int edgeai__ioctl_deadline(int fd, unsigned long request, void *arg, __s64 *field,
			   int64_t deadline, int timeout_err)
{
	const int64_t day = INT64_C(86400) * 1000000000;
	struct timespec ts;
	int64_t now;
	int r;

	for (;;) {
		*field = deadline;
		if (deadline) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
			if (deadline - now > day)
				*field = now + day;
		}
		r = edgeai__ioctl(fd, request, arg);
		if (r != timeout_err || *field == deadline)
			return r;
	}
}

int edgeai__check_version_name(int fd)
{
	char name[32] = "";
	struct drm_version v = {
		.name = name,
		.name_len = sizeof(name) - 1,
	};
	int r;

	r = edgeai__ioctl(fd, DRM_IOCTL_VERSION, &v);
	if (r < 0)
		return r == -ENOTTY || r == -EINVAL ? -ENODEV : r;
	if (v.name_len != strlen("edgeai") || memcmp(name, "edgeai", v.name_len) != 0)
		return -ENODEV;
	return 0;
}

int edgeai__get_param(int fd, uint32_t param, uint64_t *ret_value)
{
	struct drm_edgeai_get_param p = { .param = param };
	int r;

	r = edgeai__ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &p);
	if (r < 0)
		return r;
	*ret_value = p.value;
	return 0;
}
