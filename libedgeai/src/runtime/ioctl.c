// SPDX-License-Identifier: MIT
/*
 * The kernel interface: the library's one ioctl() call (like libdrm's
 * drmIoctl(), but returning -errno), the deadline loop of the waiting
 * ioctls, and the two queries every open starts with (DRM_IOCTL_VERSION's
 * driver name, GET_PARAM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "runtime/internal.h"

/* Retries EINTR only: EAGAIN/EBUSY mean "queue full" and must reach the caller. */
int rt_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && errno == EINTR);

	return ret == -1 ? -errno : ret;
}

/* The absolute deadline of a public timeout (EDGEAI_TIMEOUT_INFINITE: INT64_MAX). */
int64_t rt_abs_timeout(int64_t timeout_ns)
{
	int64_t now;

	if (timeout_ns < 0)
		return INT64_MAX;
	if (timeout_ns == 0)
		return 0;
	now = base_now_ns();
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
int rt_ioctl_deadline(int fd, unsigned long request, void *arg, __s64 *field, int64_t deadline,
		      int timeout_err)
{
	const int64_t day = INT64_C(86400) * 1000000000;
	int64_t now;
	int r;

	for (;;) {
		*field = deadline;
		if (deadline) {
			now = base_now_ns();
			if (deadline - now > day)
				*field = now + day;
		}
		r = rt_ioctl(fd, request, arg);
		if (r != timeout_err || *field == deadline)
			return r;
	}
}

int rt_check_driver(int fd)
{
	char name[32] = "";
	struct drm_version v = {
		.name = name,
		.name_len = sizeof(name) - 1,
	};
	int r;

	r = rt_ioctl(fd, DRM_IOCTL_VERSION, &v);
	if (r < 0)
		return r == -ENOTTY || r == -EINVAL ? -ENODEV : r;
	if (v.name_len != strlen("edgeai") || memcmp(name, "edgeai", v.name_len) != 0)
		return -ENODEV;
	return 0;
}

int rt_get_param(int fd, uint32_t param, uint64_t *ret_value)
{
	struct drm_edgeai_get_param p = { .param = param };
	int r;

	r = rt_ioctl(fd, DRM_IOCTL_EDGEAI_GET_PARAM, &p);
	if (r < 0)
		return r;
	*ret_value = p.value;
	return 0;
}
