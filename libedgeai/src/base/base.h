/* SPDX-License-Identifier: MIT */
/*
 * What every folder of the library may use: systemd-style cleanup macros
 * and checks, debug logging, error messages into a caller's buffer,
 * memdup and the monotonic clock (base.c). Nothing here talks to the
 * kernel or knows a model.
 *
 * Visibility: the library is built with -fvisibility=hidden and linked
 * with libedgeai.map, so every function is private unless it is declared
 * with EDGEAI_PUBLIC in edgeai/edgeai.h, the one visibility macro.
 */
#ifndef EDGEAI_BASE_H
#define EDGEAI_BASE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}
#define _cleanup_close_ _cleanup_(closep)

#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _tp = (p);                                       \
		(p) = NULL;                                                    \
		_tp;                                                           \
	})

#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _tf = (fd);                                                \
		(fd) = -1;                                                     \
		_tf;                                                           \
	})

#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                \
	static inline void func##p(type *p)                                    \
	{                                                                      \
		if (*p)                                                        \
			*p = func(*p);                                         \
	}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * One line on stderr when $EDGEAI_DEBUG is set (and not "0"):
 * "libedgeai: @func: <message>: <edgeai_strerror(@r)>".
 */
void base_log_debug(const char *func, int r, const char *fmt, ...) _printf_(3, 4);

/* Format a message into @errbuf (when there is one) and return @r. */
int base_errf(char *errbuf, size_t size, int r, const char *fmt, ...) _printf_(4, 5);

/* A malloc()ed copy of @n bytes at @p; NULL when there are none, or on OOM. */
void *base_memdup(const void *p, size_t n);

/*
 * aligned_alloc(64, @n rounded up to 64) for memory that is written whole
 * right away (a program blob, packed weights, an arena): from 64 KiB on,
 * its pages are faulted in by one madvise(MADV_POPULATE_WRITE) instead of
 * one fault each as the writes reach them (kernels without it: faults as
 * before). free() it.
 */
void *base_alloc_populated(size_t n);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t base_now_ns(void);

/* Public-boundary argument check: returns @r from the function when @expr is false. */
#define assert_return(expr, r)                                                 \
	do {                                                                   \
		if (__builtin_expect(!(expr), 0)) {                            \
			base_log_debug(__func__, (r), "assertion '%s' failed", #expr); \
			return (r);                                            \
		}                                                              \
	} while (0)

#define log_debug_errno(r, ...) (base_log_debug(__func__, (r), __VA_ARGS__), (r))

#endif
