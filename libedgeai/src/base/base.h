/* SPDX-License-Identifier: MIT */
/*
 * What every folder of the library may use (base.c): debug logging, error
 * messages into a caller's buffer, memdup and the monotonic clock. Nothing here
 * talks to the kernel or knows a model.
 */
#ifndef EDGEAI_BASE_H
#define EDGEAI_BASE_H

#include <stddef.h>
#include <stdint.h>

#define _printf_(a, b) __attribute__((format(printf, a, b)))

/*
 * One line on stderr when $EDGEAI_DEBUG is set (and not "0"):
 * "libedgeai: @func: <message>: <edgeai_strerror(@r)>".
 */
void base_log_debug(const char *func, int r, const char *fmt, ...) _printf_(3, 4);

/* Format a message into @errbuf (when there is one) and return @r. */
int base_errf(char *errbuf, size_t size, int r, const char *fmt, ...) _printf_(4, 5);

/* A malloc()ed copy of @n bytes at @p; NULL when there are none, or on OOM. */
void *base_memdup(const void *p, size_t n);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t base_now_ns(void);

#endif
