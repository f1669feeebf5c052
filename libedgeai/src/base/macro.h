/* SPDX-License-Identifier: MIT */
/*
 * Helper macros of libedgeai (systemd-style cleanup and checks).
 *
 * Visibility: the library is built with -fvisibility=hidden and linked
 * with libedgeai.map, so every function is private unless it is declared
 * with EDGEAI_PUBLIC in edgeai/edgeai.h, the one visibility macro.
 */
#ifndef EDGEAI_MACRO_H
#define EDGEAI_MACRO_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/base.h"

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))

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
