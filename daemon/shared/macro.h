/* SPDX-License-Identifier: MIT */
/* Private macros of edgeaid and edgeaictl: systemd's cleanup idiom, and a few more. */
#ifndef EDGEAI_SHARED_MACRO_H
#define EDGEAI_SHARED_MACRO_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((__cleanup__(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))

static inline void freep(void *p) { free(*(void **)p); }
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	errno = saved;
}
#define _cleanup_close_ _cleanup_(closep)

/* Hand ownership on: the variable is NULL (-1) afterwards, its cleanup a no-op. */
#define TAKE_PTR(p) ({ __typeof__(p) _tp = (p); (p) = NULL; _tp; })
#define TAKE_FD(fd) ({ int _tf = (fd); (fd) = -1; _tf; })

/* funcp(&x) for _cleanup_(funcp): calls func(x) unless x is NULL; func returns NULL. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
	static inline void func##p(type *p) { if (*p) *p = func(*p); }

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
/* A NULL-terminated string array in place: STRV_MAKE("a", "b") */
#define STRV_MAKE(...) ((char *[]) { __VA_ARGS__, NULL })

#endif
