/* SPDX-License-Identifier: MIT */
/*
 * edgeaid: the report socket (edgeaid-report.c), where libedgeai tells its
 * fallbacks (the format is in shared/protocol.h). This file opens the
 * socket and reads datagrams into counts with the sender's credentials;
 * the manager matches the sender to its application and the metrics
 * count it.
 */
#ifndef EDGEAID_REPORT_H
#define EDGEAID_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REPORT_REASON_MAX 16
#define REPORT_COUNT_MAX 1000000

typedef struct ReportCount {
	char reason[REPORT_REASON_MAX];
	uint64_t count;
} ReportCount;

/*
 * Parse one datagram of @n bytes: up to @max lines "fallback <reason>
 * <count>". Returns the number of counts, or -EBADMSG with what is wrong
 * in @err (nothing of a bad datagram counts).
 */
int report_parse(const char *buf, size_t n, ReportCount *out, size_t max, char *err, size_t errlen);

/*
 * Bind the report socket at @path (a stale one is replaced), mode 0666,
 * non-blocking, with SO_PASSCRED. The fd, or -errno.
 */
int report_open(const char *path);

/*
 * Receive one datagram from @fd into @buf (@size bytes, NUL-terminated)
 * with its sender's @pid and @uid. The length, -EAGAIN when none waits,
 * -EBADMSG for one without credentials or too long (it is consumed).
 */
ssize_t report_recv(int fd, char *buf, size_t size, uint32_t *pid, uint32_t *uid);

#endif
