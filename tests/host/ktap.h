/* SPDX-License-Identifier: MIT */
/*
 * Minimal KTAP/TAP printer for edgeai host tests (our own; not the kernel's
 * GPL kselftest headers). Each check prints "ok N - name" or
 * "not ok N - name"; ktap_finish() prints the plan and returns the exit
 * status: 0 all passed, 1 something failed, 77 everything was skipped.
 */
#ifndef EDGEAI_TEST_KTAP_H
#define EDGEAI_TEST_KTAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define KTAP_EXIT_PASS 0
#define KTAP_EXIT_FAIL 1
#define KTAP_EXIT_SKIP 77

static int ktap_count, ktap_failed, ktap_skipped;

static inline void ktap_start(void)
{
	printf("TAP version 13\n");
	fflush(stdout);
}

__attribute__((format(printf, 2, 3))) static inline int ktap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	ktap_count++;
	if (!cond)
		ktap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", ktap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 1, 2))) static inline void ktap_skip(const char *fmt, ...)
{
	va_list ap;

	ktap_count++;
	ktap_skipped++;
	printf("ok %d - ", ktap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP\n");
	fflush(stdout);
}

#define ktap_diag(...)                                                         \
	do {                                                                   \
		printf("# ");                                                  \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
	} while (0)

/* Check an int expression against an expected value, printing both on failure. */
#define KTAP_EXPECT_EQ(expr, want, name)                                       \
	do {                                                                   \
		long long _got = (long long)(expr), _want = (long long)(want); \
		if (!ktap_ok(_got == _want, "%s", name))                       \
			ktap_diag("%s: got %lld, want %lld", #expr, _got, _want); \
	} while (0)

static inline int ktap_finish(void)
{
	printf("1..%d\n", ktap_count);
	fflush(stdout);
	if (ktap_failed)
		return KTAP_EXIT_FAIL;
	if (ktap_count > 0 && ktap_skipped == ktap_count)
		return KTAP_EXIT_SKIP;
	return KTAP_EXIT_PASS;
}

#endif
