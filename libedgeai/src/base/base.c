// SPDX-License-Identifier: MIT
/* Version, error strings, debug logging and the clock: what every folder uses. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "base/base.h"
#include "edgeai/edgeai.h"

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
	/* Callers name the node: "cannot open /dev/accel/accel0: <this>". */
	{ EACCES, "Permission denied: edgeai device nodes belong to the group render; "
		  "add the user to it (usermod -aG render USER) and log in again" },
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
		err = err == INT_MIN ? INT_MAX : -err;	/* no errno is either */
	for (size_t i = 0; i < ARRAY_SIZE(edgeai_errors); i++)
		if (edgeai_errors[i].err == err)
			return edgeai_errors[i].msg;
	s = strerrordesc_np(err);
	return s ? s : "Unknown error";
}

void base_log_debug(const char *func, int r, const char *fmt, ...)
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

int base_errf(char *errbuf, size_t size, int r, const char *fmt, ...)
{
	va_list ap;

	if (errbuf && size) {
		va_start(ap, fmt);
		vsnprintf(errbuf, size, fmt, ap);
		va_end(ap);
	}
	return r;
}

int64_t base_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

void *base_alloc_populated(size_t n)
{
	void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);
	uintptr_t b, e;

	if (p && n >= 65536) {
		b = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
		e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
		if (e > b)
			madvise((void *)b, e - b, MADV_POPULATE_WRITE);
	}
	return p;
}

void *base_memdup(const void *p, size_t n)
{
	void *d;

	if (!p || !n)
		return NULL;
	d = malloc(n);
	if (d)
		memcpy(d, p, n);
	return d;
}
